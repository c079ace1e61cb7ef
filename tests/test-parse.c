/*
 * Tests of the lexer and parser (src/parse.c): each valid line against
 * its hand-written post-order rendering, node spans and tokens, the
 * error table in tests/golden/parse-errors.txt, and the limits (nesting
 * depth, a 10^6-term sum in linear time, over-long lines).
 *
 * Every input is copied into a buffer of exactly its length, so that a
 * read past the end (the parser gets a length, not a C string) is caught
 * by AddressSanitizer in the sanitizer build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "fpviz/format.h"
#include "fpviz/num.h"
#include "fpviz/interrupt.h"
#include "fpviz/parse.h"
#include "formats.h"
#include "tap.h"

#ifndef FPV_SRCDIR
#define FPV_SRCDIR "."
#endif

/* Parse s[0..len) from a buffer of exactly len bytes. */
static int
parse_exact(const char *s, size_t len, int line, struct fpv_ast *a,
    struct fpv_error *err)
{
	char *buf = malloc(len ? len : 1);
	int rc;

	if (buf == NULL) {
		perror("malloc");
		exit(99);
	}
	memcpy(buf, s, len);
	rc = fpv_parse(buf, len, line, NULL, a, err);
	free(buf);
	return rc;
}

/* s[0..len) with control and non-ASCII bytes as \\xHH, for test names. */
static const char *
esc(const char *s, size_t len)
{
	static char buf[4][512];
	static int which;
	char *out = buf[which++ % 4];
	size_t n = 0;

	for (size_t i = 0; i < len && n + 5 < sizeof buf[0]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

/* Append text to a growing string. */
static void
put(char *out, size_t size, const char *fmt, const char *s, int n)
{
	size_t used = strlen(out);

	snprintf(out + used, size - used, fmt, n, s);
}

/*
 * Render a's nodes as RPN text ("2 2 ^ neg"): NUM as its digits with a
 * '-' when negative, CONST/VAR as the name, an operator as its token
 * ("+", "^", "sqrt", "pow"), NEG as "neg", a cast as "(fp16)", bits as
 * "fp16:0x3c00" from the stored value.  Operand indices are checked
 * against a stack replay of the post-order; a mismatch adds "!ARGS".
 */
static void
rpn(const struct fpv_ast *a, char *out, size_t size)
{
	uint32_t *stack = malloc((a->n + 1) * sizeof *stack);
	size_t sp = 0;
	bool bad = false;

	out[0] = '\0';
	if (a->assign)
		put(out, size, "%.*s = ", a->src + a->name, (int)a->namelen);
	for (size_t i = 0; i < a->n; i++) {
		const struct fpv_node *n = &a->nodes[i];
		const char *tok = a->src + n->tok;
		int k = 0;
		char hex[40];

		if (i > 0)
			put(out, size, "%.*s", " ", 1);
		switch (n->kind) {
		case FPV_NODE_NUM:
			if (n->negative)
				put(out, size, "%.*s", "-", 1);
			put(out, size, "%.*s", tok, (int)n->toklen);
			break;
		case FPV_NODE_CONST:
			put(out, size, "%.*s", tok, (int)n->toklen);
			if ((n->u.constant == FPV_CONST_PI) != (tok[0] == 'p'))
				bad = true;
			break;
		case FPV_NODE_VAR:
			put(out, size, "%.*s", tok, (int)n->toklen);
			break;
		case FPV_NODE_OP:
			k = fpv_ops[n->u.op].nargs;
			if (n->u.op == FPV_OP_NEG)
				put(out, size, "%.*s", "neg", 3);
			else
				put(out, size, "%.*s", tok, (int)n->toklen);
			break;
		case FPV_NODE_CAST:
			k = 1;
			put(out, size, "(%.*s)", tok, (int)n->toklen);
			if (strlen(fpv_formats[n->u.format].name) != n->toklen ||
			    memcmp(fpv_formats[n->u.format].name, tok, n->toklen))
				bad = true;
			break;
		case FPV_NODE_BITS:
			snprintf(hex, sizeof hex, "%s:0x%0*llx",
			    fpv_formats[n->u.format].name,
			    (fpv_formats[n->u.format].bits + 3) / 4,
			    (unsigned long long)fpv_node_bits(n));
			put(out, size, "%.*s", hex, (int)strlen(hex));
			break;
		case FPV_NODE_VEC:
		case FPV_NODE_FN:
			/* Variadic: operands in ext, shown "[3]" or "sum/3". */
			if (n->kind == FPV_NODE_VEC)
				snprintf(hex, sizeof hex, "[%u]", n->args[1]);
			else
				snprintf(hex, sizeof hex, "%.*s/%u",
				    (int)n->toklen, tok, n->args[1]);
			put(out, size, "%.*s", hex, (int)strlen(hex));
			k = (int)n->args[1];
			if ((size_t)k > sp || n->args[0] + n->args[1] > a->next) {
				bad = true;
				break;
			}
			for (int j = 0; j < k; j++)
				if (a->ext[n->args[0] + (uint32_t)j] !=
				    stack[sp - (size_t)k + (size_t)j])
					bad = true;
			sp -= (size_t)k;
			stack[sp++] = (uint32_t)i;
			continue;
		case FPV_NODE_INDEX:
			k = 2;
			put(out, size, "%.*s", "[]", 2);
			break;
		case FPV_NODE_WORD:
			snprintf(hex, sizeof hex, "%s:%.*s", n->u.op ==
			    FPV_WORD_FORMAT ? "F" : n->u.op == FPV_WORD_ORDER ?
			    "O" : "M", (int)n->toklen, tok);
			put(out, size, "%.*s", hex, (int)strlen(hex));
			break;
		case FPV_NODE_STR:
			snprintf(hex, sizeof hex, "\"%.*s\"", (int)n->toklen, tok);
			put(out, size, "%.*s", hex, (int)strlen(hex));
			break;
		}
		if ((size_t)k > sp) {
			bad = true;
			break;
		}
		for (int j = 0; j < k; j++)
			if (n->args[j] != stack[sp - (size_t)k + (size_t)j] ||
			    n->args[j] >= i)
				bad = true;
		sp -= (size_t)k;
		stack[sp++] = (uint32_t)i;
		if (n->start > n->end || n->end > a->len ||
		    n->tok < n->start || n->tok + n->toklen > n->end)
			bad = true;
	}
	if (a->n > 0 && (sp != 1 || stack[0] != a->n - 1))
		bad = true;
	if (bad)
		put(out, size, "%.*s", " !ARGS", 6);
	free(stack);
}

/* Valid lines and their renderings. */
static const struct { const char *in, *rpn; } valid[] = {
	/* precedence and associativity */
	{ "1+2*3", "1 2 3 * +" },
	{ "1*2+3", "1 2 * 3 +" },
	{ "(1+2)*3", "1 2 + 3 *" },
	{ "1-2-3", "1 2 - 3 -" },
	{ "1-(2-3)", "1 2 3 - -" },
	{ "8/4/2", "8 4 / 2 /" },
	{ "8/4*2", "8 4 / 2 *" },
	{ "1+2-3+4", "1 2 + 3 - 4 +" },
	{ "2^3^2", "2 3 2 ^ ^" },
	{ "2*3^2", "2 3 2 ^ *" },
	{ "2^3*2", "2 3 ^ 2 *" },
	{ "(2^3)^2", "2 3 ^ 2 ^" },
	/* unary signs and negative literals */
	{ "-0.1", "-0.1" },
	{ "- 0.1", "0.1 neg" },	/* a blank: negation, not a literal */
	{ "-(0.1)", "0.1 neg" },
	{ "-2^2", "2 2 ^ neg" },
	{ "-2 ^ 2", "2 2 ^ neg" },
	{ "2*-3", "2 -3 *" },
	{ "--1", "-1 neg" },
	{ "---1", "-1 neg neg" },
	{ "-+1", "1 neg" },
	{ "+-1", "-1" },
	{ "+1", "1" },
	{ "++1", "1" },
	{ "1-2", "1 2 -" },
	{ "1--2", "1 -2 -" },
	{ "1 - -2", "1 -2 -" },
	{ "1+-2", "1 -2 +" },
	{ "2^-3", "2 -3 ^" },
	{ "2^-3^2", "2 3 2 ^ neg ^" },
	{ "-2^-2", "2 -2 ^ neg" },
	{ "-2*3", "-2 3 *" },
	{ "-x", "x neg" },
	{ "-pi", "pi neg" },
	{ "-sqrt(2)", "2 sqrt neg" },
	{ "-inf", "-inf" },
	{ "-NaN", "-NaN" },
	{ "-(-1)", "-1 neg" },
	{ "2 ^ -x", "2 x neg ^" },
	{ "-fp16:0x3c00", "fp16:0x3c00 neg" },
	{ "-128.5", "-128.5" },
	/* number forms */
	{ "12", "12" },
	{ "0.1", "0.1" },
	{ ".5", ".5" },
	{ "1.", "1." },
	{ "1e-8", "1e-8" },
	{ "6.75E+0", "6.75E+0" },
	{ "007", "007" },
	{ "0x1.8p3", "0x1.8p3" },
	{ "0x10", "0x10" },
	{ "0x.8p-1", "0x.8p-1" },
	{ "0X1P+3", "0X1P+3" },
	{ "0x1.8", "0x1.8" },
	{ "0x1e-5", "0x1e 5 -" },
	{ "1e5-3", "1e5 3 -" },
	{ "inf", "inf" },
	{ "INF", "INF" },
	{ "Inf*nan", "Inf nan *" },
	{ "NAN", "NAN" },
	{ "(1e4 + 1e-4) - 1e4", "1e4 1e-4 + 1e4 -" },
	/* names */
	{ "pi*e", "pi e *" },
	{ "e1 + e", "e1 e +" },
	{ "ans*2", "ans 2 *" },
	{ "x_1 + _y", "x_1 _y +" },
	{ "infinity", "infinity" },
	{ "Pi", "Pi" },
	/* functions and casts */
	{ "sqrt(2)", "2 sqrt" },
	{ "sqrt (2)", "2 sqrt" },
	{ "abs(-1)", "-1 abs" },
	{ "exp(1)+log(2)+log2(3)+log10(4)",
	  "1 exp 2 log + 3 log2 + 4 log10 +" },
	{ "sin(1)*cos(2)*tan(3)*tanh(4)", "1 sin 2 cos * 3 tan * 4 tanh *" },
	{ "floor(1)-ceil(2)-round(3)", "1 floor 2 ceil - 3 round -" },
	{ "pow(2, 10)", "2 10 pow" },
	{ "fma(1,2,3)", "1 2 3 fma" },
	{ "min(1,max(2,3))", "1 2 3 max min" },
	/* vectors, indexing, vector functions and their word arguments */
	{ "[0.1, 0.2, -3]", "0.1 0.2 -3 [3]" },
	{ "[1]", "1 [1]" },
	{ "[[1], 2]", "1 [1] 2 [2]" },
	{ "v[0]", "v 0 []" },
	{ "v[i+1][2]", "v i 1 + [] 2 []" },
	{ "-v[0]^2", "v 0 [] 2 ^ neg" },
	{ "[1,2][0]", "1 2 [2] 0 []" },
	{ "sum(v)", "v sum/1" },
	{ "sum(v, fp32, pairwise)", "v F:fp32 O:pairwise sum/3" },
	{ "dot(a, b, bf16)", "a b F:bf16 dot/3" },
	{ "max(v)", "v max/1" },
	{ "max(v, fp64)", "v F:fp64 max/2" },
	{ "max(v, fp64(x))", "v x (fp64) max" },
	{ "max(v, w)", "v w max" },
	{ "fill(3, 0.5) + linspace(0, 1, 3)", "3 0.5 fill/2 0 1 3 linspace/3 +" },
	{ "load(\"w.npy\")", "\"w.npy\" load/1" },
	{ "load(\"\")", "\"\" load/1" },
	{ "softmax_naive(randn(3, 42))", "3 42 randn/2 softmax_naive/1" },
	{ "quant(v, int8, absmax)", "v F:int8 M:absmax quant/3" },
	{ "quant(w, uint8, minmax)", "w F:uint8 M:minmax quant/3" },
	{ "mxfp8(v, fp8e5m2) - v", "v F:fp8e5m2 mxfp8/2 v -" },
	{ "nf4(q4_0(v))", "v q4_0/1 nf4/1" },
	{ "max(1+2, -3)", "1 2 + -3 max" },
	{ "sqrt((2))", "2 sqrt" },
	{ "fp16(0.1)", "0.1 (fp16)" },
	{ "fp32(fp16(w) * fp16(g))", "w (fp16) g (fp16) * (fp32)" },
	{ "fp64(1)+int8(2)", "1 (fp64) 2 (int8) +" },
	{ "sqrt(sqrt(16))^2", "16 sqrt sqrt 2 ^" },
	/* bit-pattern literals */
	{ "fp16:0x3c00", "fp16:0x3c00" },
	{ "fp16:0X3C00", "fp16:0x3c00" },
	{ "fp16:0x1", "fp16:0x0001" },
	{ "fp32:0x40d80000", "fp32:0x40d80000" },
	{ "fp64:0x3ff0000000000000", "fp64:0x3ff0000000000000" },
	{ "fp64:0xFFFFFFFFFFFFFFFF", "fp64:0xffffffffffffffff" },
	{ "int8:0x80", "int8:0x80" },
	{ "int8:0x7f + fp16:0x0001", "int8:0x7f fp16:0x0001 +" },
	{ "fp16:0x3c00^2", "fp16:0x3c00 2 ^" },
	/* assignment */
	{ "x = 0.1", "x = 0.1" },
	{ "x=-1", "x = -1" },
	{ "weight_2 = fp16(1) + 1e-4", "weight_2 = 1 (fp16) 1e-4 +" },
	{ "x = x + 1", "x = x 1 +" },
	/* whitespace, comments, line ends */
	{ "1 # comment", "1" },
	{ "1#comment with $ and \xff", "1" },
	{ "\t1 +\t2 ", "1 2 +" },
	{ "1+2\n", "1 2 +" },
	{ "1+2\r\n", "1 2 +" },
	{ "x = 3 # set x", "x = 3" },
	{ "((1))", "1" },
};

/* Lines that hold no expression. */
static const char *const empty[] = {
	"", " ", "\t \t", "# just a comment", "   # indented comment", "\n",
	"\r\n", "#", "# $ \xff",
};

/* Spans of some nodes: (input, node index, span text, token text). */
static const struct {
	const char *in;
	size_t node;
	const char *span, *tok;
} spans[] = {
	{ "(1e4 + 1e-4) - 1e4", 0, "1e4", "1e4" },
	{ "(1e4 + 1e-4) - 1e4", 2, "(1e4 + 1e-4)", "+" },
	{ "(1e4 + 1e-4) - 1e4", 4, "(1e4 + 1e-4) - 1e4", "-" },
	{ "-2^2", 2, "2^2", "^" },
	{ "-2^2", 3, "-2^2", "-" },
	{ "2*-3", 1, "-3", "3" },
	{ "2*- 3", 1, "3", "3" },
	{ "-(0.1)", 0, "(0.1)", "0.1" },
	{ "-(0.1)", 1, "-(0.1)", "-" },
	{ "sqrt(2) + 1", 1, "sqrt(2)", "sqrt" },
	{ "sqrt( (2) )", 0, "(2)", "2" },
	{ "min(1, 2)", 2, "min(1, 2)", "min" },
	{ "fp16(0.1)", 1, "fp16(0.1)", "fp16" },
	{ "1 + fp16:0x3c00", 1, "fp16:0x3c00", "fp16:0x3c00" },
	{ "x = 1 + 2", 2, "1 + 2", "+" },
	{ "  +1", 0, "+1", "1" },
	{ "((1))", 0, "((1))", "1" },
	{ "ans * pi", 1, "pi", "pi" },
	{ "2^3^4", 3, "3^4", "^" },
	{ "2^3^4", 4, "2^3^4", "^" },
};

/* Check the valid table. */
static void
test_valid(void)
{
	struct fpv_ast a;
	struct fpv_error err;
	char out[1024];

	fpv_ast_init(&a);
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		int rc = parse_exact(valid[i].in, strlen(valid[i].in), 1, &a,
		    &err);

		if (rc != 1) {
			ok(0, "parse '%s': rc %d: %d:%d: %s",
			    esc(valid[i].in, strlen(valid[i].in)), rc,
			    err.line, err.col, err.msg);
			continue;
		}
		rpn(&a, out, sizeof out);
		if (!ok(strcmp(out, valid[i].rpn) == 0, "parse '%s' -> %s",
		    esc(valid[i].in, strlen(valid[i].in)), valid[i].rpn))
			diag("got '%s', expected '%s'", out, valid[i].rpn);
	}
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		int rc = parse_exact(empty[i], strlen(empty[i]), 1, &a, &err);

		ok(rc == 0 && a.n == 0 && !a.assign, "empty line %zu gives 0", i);
	}
	for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		const struct fpv_node *n;

		if (parse_exact(spans[i].in, strlen(spans[i].in), 1, &a,
		    &err) != 1 || spans[i].node >= a.n) {
			ok(0, "span test '%s' parses", spans[i].in);
			continue;
		}
		n = &a.nodes[spans[i].node];
		ok(n->end - n->start == strlen(spans[i].span) &&
		    memcmp(a.src + n->start, spans[i].span,
		    strlen(spans[i].span)) == 0 &&
		    n->toklen == strlen(spans[i].tok) &&
		    memcmp(a.src + n->tok, spans[i].tok, n->toklen) == 0,
		    "'%s' node %zu spans '%s', token '%s' (got '%.*s', '%.*s')",
		    spans[i].in, spans[i].node, spans[i].span, spans[i].tok,
		    (int)(n->end - n->start), a.src + n->start,
		    (int)n->toklen, a.src + n->tok);
	}

	/* Node details the rendering does not show. */
	parse_exact("x = fp16:0x3c00 * fp32(pi)", 26, 1, &a, &err);
	ok(a.assign && a.namelen == 1 && a.src[a.name] == 'x' && a.n == 4 &&
	    a.nodes[0].kind == FPV_NODE_BITS && fpv_node_bits(&a.nodes[0]) == 0x3c00 &&
	    a.nodes[0].u.format == FPV_FP16 &&
	    a.nodes[1].kind == FPV_NODE_CONST &&
	    a.nodes[1].u.constant == FPV_CONST_PI &&
	    a.nodes[2].kind == FPV_NODE_CAST && a.nodes[2].u.format == FPV_FP32 &&
	    a.nodes[2].args[0] == 1 && a.nodes[3].kind == FPV_NODE_OP &&
	    a.nodes[3].u.op == FPV_OP_MUL && a.nodes[3].args[0] == 0 &&
	    a.nodes[3].args[1] == 2, "node kinds, formats, bits, args");
	parse_exact("e + pow(2,3) - -2^2", 19, 1, &a, &err);
	ok(a.n == 10 && a.nodes[0].u.constant == FPV_CONST_E &&
	    a.nodes[3].u.op == FPV_OP_POW && a.nodes[4].u.op == FPV_OP_ADD &&
	    a.nodes[5].kind == FPV_NODE_NUM && !a.nodes[5].negative &&
	    a.nodes[7].u.op == FPV_OP_POW && a.nodes[8].u.op == FPV_OP_NEG &&
	    a.nodes[9].u.op == FPV_OP_SUB && a.nodes[9].args[1] == 8,
	    "ops of e + pow(2,3) - -2^2");
	/* Not NUL-terminated: the byte after len is never part of the line. */
	{
		const char text[] = "1+23";

		ok(fpv_parse(text, 3, 1, NULL, &a, &err) == 1 && a.n == 3 &&
		    a.len == 3 && a.src[3] == '\0' &&
		    a.nodes[1].toklen == 1, "only len bytes are read");
	}
	/* An error resets the AST; the next parse reuses it. */
	parse_exact("x = 1+2", 7, 1, &a, &err);
	ok(parse_exact("x = 1+", 6, 1, &a, &err) == -1 && a.n == 0 &&
	    !a.assign, "an error leaves no nodes and no assignment");
	ok(parse_exact("2", 1, 1, &a, &err) == 1 && a.n == 1 && !a.assign &&
	    strcmp(a.src, "2") == 0, "the AST is reused after an error");
	fpv_ast_free(&a);
}

/* Decode the escapes \xHH and \\ of s into out; its length. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

/* Check every pair of the golden error table. */
static void
test_errors(void)
{
	const char *dir = getenv("top_srcdir");
	char path[4096], line[1024], raw[1024], in[1024], got[400];
	size_t inlen = 0;
	bool have_in = false;
	int pairs = 0;
	struct fpv_ast a;
	struct fpv_error err;
	FILE *fp;

	snprintf(path, sizeof path, "%s/tests/golden/parse-errors.txt",
	    dir ? dir : FPV_SRCDIR);
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	fpv_ast_init(&a);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "in: ", 4) == 0) {
			inlen = unescape(line + 4, in);
			snprintf(raw, sizeof raw, "%s", line + 4);
			have_in = true;
		} else if (strncmp(line, "err: ", 5) == 0 && have_in) {
			int rc = parse_exact(in, inlen, 1, &a, &err);

			snprintf(got, sizeof got, "%d:%d: %s", err.line, err.col,
			    err.msg);
			if (!ok(rc == -1 && strcmp(got, line + 5) == 0,
			    "error for '%s'", esc(raw, strlen(raw))))
				diag("got rc %d '%s', expected '%s'", rc,
				    esc(got, strlen(got)), line + 5);
			have_in = false;
			pairs++;
		}
	}
	fclose(fp);
	ok(pairs >= 90, "golden error table has %d pairs", pairs);

	/* The line number given is the one reported, also inside messages. */
	ok(parse_exact("(1+2", 4, 7, &a, &err) == -1 && err.line == 7 &&
	    err.col == 5 && strcmp(err.msg,
	    "expected ')' to close '(' at 7:1") == 0,
	    "line number 7 in the location and the message");
	fpv_ast_free(&a);
}

/* Build a string of prefix x n, middle, suffix x n. */
static char *
repeat(const char *prefix, size_t n, const char *middle, const char *suffix,
    size_t *len)
{
	size_t lp = strlen(prefix), lm = strlen(middle), ls = strlen(suffix);
	char *s = malloc(n * (lp + ls) + lm + 1), *q = s;

	for (size_t i = 0; i < n; i++, q += lp)
		memcpy(q, prefix, lp);
	memcpy(q, middle, lm);
	q += lm;
	for (size_t i = 0; i < n; i++, q += ls)
		memcpy(q, suffix, ls);
	*q = '\0';
	*len = (size_t)(q - s);
	return s;
}

/* Parse prefix^n middle suffix^n; check rc, node count or error column. */
static void
deep(const char *what, const char *prefix, size_t n, const char *middle,
    const char *suffix, int want_rc, size_t want_n, int want_col)
{
	struct fpv_ast a;
	struct fpv_error err;
	size_t len;
	char *s = repeat(prefix, n, middle, suffix, &len);
	int rc;

	fpv_ast_init(&a);
	rc = parse_exact(s, len, 1, &a, &err);
	if (want_rc == 1)
		ok(rc == 1 && a.n == want_n, "%s: parses to %zu nodes (rc %d, "
		    "%zu nodes%s%s)", what, want_n, rc, a.n, rc < 0 ? ": " : "",
		    rc < 0 ? err.msg : "");
	else
		ok(rc == -1 && err.col == want_col && strcmp(err.msg,
		    "expression nested too deeply (limit 10000)") == 0,
		    "%s: nesting error at 1:%d (got %d:%d: %s)", what, want_col,
		    err.line, err.col, rc < 0 ? err.msg : "(none)");
	fpv_ast_free(&a);
	free(s);
}

/* Nesting limits: clear errors, never a crash. */
static void
test_depth(void)
{
	deep("10000 parentheses", "(", 10000, "1", ")", 1, 1, 0);
	deep("10001 parentheses", "(", 10001, "1", ")", -1, 0, 10001);
	deep("100001 parentheses", "(", 100001, "1", ")", -1, 0, 10001);
	deep("100001 open parentheses", "(", 100001, "", "", -1, 0, 10001);
	deep("10000 minus signs", "-", 10000, "1", "", 1, 10000, 0);
	deep("20000 minus signs", "-", 20000, "1", "", -1, 0, 10001);
	deep("20000 plus signs", "+", 20000, "1", "", -1, 0, 10001);
	deep("10000 powers", "2^", 10000, "2", "", 1, 20001, 0);
	deep("20000 powers", "2^", 20000, "2", "", -1, 0, 20002);
	deep("10001 sqrt calls", "sqrt(", 10001, "1", ")", -1, 0, 50005);
	deep("10000 sqrt calls", "sqrt(", 10000, "1", ")", 1, 10001, 0);
	deep("5000 -( levels", "-(", 5000, "1", ")", 1, 5001, 0);
	deep("5001 -( levels", "-(", 5001, "1", ")", -1, 0, 10001);
	deep("20000 nested min", "min(1,", 20000, "1", ")", -1, 0, 60004);
	deep("1-(1-( ... 20000", "1-(", 20000, "1", ")", -1, 0, 30003);
}

/* A 10^6-term sum parses in linear time. */
static void
test_big(void)
{
	struct fpv_ast a;
	struct fpv_error err;
	size_t len, terms = 1000000;
	char *s = repeat("1+", terms - 1, "1", "", &len);
	clock_t t0;
	double secs;
	int rc;

	fpv_ast_init(&a);
	t0 = clock();
	rc = parse_exact(s, len, 1, &a, &err);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(rc == 1 && a.n == 2 * terms - 1 &&
	    a.nodes[a.n - 1].u.op == FPV_OP_ADD &&
	    a.nodes[a.n - 1].start == 0 && a.nodes[a.n - 1].end == len,
	    "10^6-term sum: %zu nodes in %.3f s", a.n, secs);
	ok(secs < 5.0, "10^6-term sum parses in under 5 s (%.3f s)", secs);
	free(s);

	/* Other shapes of the same size. */
	s = repeat("2*x-", terms / 4, "1", "", &len);
	rc = parse_exact(s, len, 1, &a, &err);
	ok(rc == 1 && a.n == 4 * (terms / 4) + 1,
	    "10^6 nodes of products and differences");
	free(s);

	/* One literal of 10^6 digits, negative. */
	s = repeat("9", terms, "", "", &len);
	s[0] = '-';
	rc = parse_exact(s, len, 1, &a, &err);
	ok(rc == 1 && a.n == 1 && a.nodes[0].negative &&
	    a.nodes[0].toklen == len - 1, "a 10^6-digit negative literal");
	free(s);
	fpv_ast_free(&a);
}

/* Lines over 1 GiB are refused before any byte is read. */
static void
test_too_long(void)
{
	size_t len = ((size_t)1 << 30) + 1;
	void *m = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	struct fpv_ast a;
	struct fpv_error err;

	if (m == MAP_FAILED) {
		ok(1, "# SKIP cannot reserve 1 GiB of address space");
		return;
	}
	fpv_ast_init(&a);
	ok(fpv_parse(m, len, 3, NULL, &a, &err) == -1 && err.line == 3 &&
	    err.col == 1 && strcmp(err.msg, "line too long (limit 1 GiB)") == 0,
	    "a line over 1 GiB is an error: %s", err.msg);
	fpv_ast_free(&a);
	munmap(m, len);
}

/* Reserved words and columns. */
static void
test_helpers(void)
{
	static const char *const reserved[] = {
		"sqrt", "abs", "exp", "log", "log2", "log10", "sin", "cos",
		"tan", "tanh", "pow", "fma", "min", "max", "floor", "ceil",
		"round", "pi", "e", "ans", "fp16", "fp32", "fp64", "int8",
		"inf", "nan", "INF", "NaN", "iNf",
	};
	static const char *const free_names[] = {
		"x", "w", "add", "neg", "sub", "Pi", "E", "ans2", "sqrt2",
		"infinity", "nan0", "fp8", "bf17", "SQRT", "",
	};
	const char *u = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "b";

	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		ok(fpv_parse_reserved(NULL, reserved[i], strlen(reserved[i])),
		    "'%s' is reserved", reserved[i]);
	for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++)
		ok(!fpv_parse_reserved(NULL, free_names[i], strlen(free_names[i])),
		    "'%s' is not reserved", free_names[i]);
	ok(fpv_parse_reserved(NULL, "sqrtx", 4), "reserved looks at len bytes only");
	ok(fpv_parse_column(u, 0) == 1 && fpv_parse_column(u, 1) == 2 &&
	    fpv_parse_column(u, 3) == 3 && fpv_parse_column(u, 6) == 4 &&
	    fpv_parse_column(u, 10) == 5 && fpv_parse_column(u, 11) == 6,
	    "columns count UTF-8 characters");
	ok(fpv_parse_column("\t\t1", 2) == 3, "a tab is one column");
}

/* fpv_interrupt stops a long line's parse (checked every 1024 tokens);
 * a short line parses whole before the flag is looked at. */
static void
test_interrupt(void)
{
	size_t n = 5000, len = 2 * n - 1;
	char *s = malloc(len + 1);
	struct fpv_ast a;
	struct fpv_error err;

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = '1';
		if (i + 1 < n)
			s[2 * i + 1] = '+';
	}
	s[len] = '\0';
	fpv_ast_init(&a);
	fpv_interrupt = 1;
	ok(fpv_parse(s, len, 1, NULL, &a, &err) == -1 &&
	    strcmp(err.msg, "interrupted") == 0,
	    "a sum of 5000 ones is interrupted: %s", err.msg);
	ok(fpv_parse("1+2", 3, 1, NULL, &a, &err) == 1 && a.n == 3,
	    "a line of 3 tokens parses whole while the flag is set");
	fpv_interrupt = 0;
	ok(fpv_parse(s, len, 1, NULL, &a, &err) == 1 && a.n == 2 * n - 1,
	    "the flag cleared, the sum parses");
	fpv_ast_free(&a);
	free(s);
}

int
main(void)
{
	test_valid();
	test_errors();
	test_depth();
	test_big();
	test_too_long();
	test_helpers();
	test_interrupt();
	return tap_done();
}
