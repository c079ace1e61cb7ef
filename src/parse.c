/*
 * The expression language: a lexer that produces one token at a time on
 * demand, and a recursive-descent parser that emits the flat post-order
 * node array of a struct fpv_ast (see parse.h for the grammar).
 *
 * The input is a byte range, not a C string; the parser works on the
 * AST's NUL-terminated copy and reads at most its terminating NUL, which
 * stops every scan because it is in no character class.  Every token is
 * lexed a bounded number of times (when it becomes current, and at most
 * twice more by the two-token look-ahead of the negative-literal rule)
 * and the node array grows geometrically, so parsing is linear in the
 * length of the line.  Every recursive rule counts its depth against
 * FPV_PARSE_MAX_DEPTH; at that limit the recursion needs about 2.6 MB of
 * stack in an optimised build (about 3.5 MB with AddressSanitizer at -O1
 * or -O2; clang's unoptimised ASan build needs far more).  The first
 * error stops the parse; it is reported with its line, its column in
 * characters and what was expected.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fpviz/format.h"
#include "fpviz/interrupt.h"
#include "fpviz/num.h"
#include "fpviz/parse.h"
#include "fpviz/reduce.h"

_Static_assert(sizeof(struct fpv_node) == 32, "a parsed line's nodes stay small");

/* Longest line accepted: spans are 32-bit byte offsets. */
#define MAX_LINE ((size_t)1 << 30)

/* Bytes of a token quoted in an error message. */
#define QUOTE_MAX 24

/* Keep helpers with buffers out of the recursive rules' stack frames. */
#define NOINLINE __attribute__((noinline))
#define COLD __attribute__((noinline, cold))
/* The lexer's hot path, inlined into advance(). */
#define ALWAYS_INLINE __attribute__((always_inline))

enum tok_kind {
	T_EOL,			/* end of line, or a '#' comment */
	T_NUM,			/* number literal, or the words inf / nan */
	T_NAME,			/* identifier */
	T_BITS,			/* FORMAT:0xHEX */
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET,
	T_LPAREN, T_RPAREN, T_COMMA, T_EQ,
	T_LBRACK, T_RBRACK,
	T_STRING,		/* "text" (the span holds the quotes) */
	T_ERR			/* a lexical error; see enum lex_err */
};

enum lex_err {
	LE_NONE,
	LE_CHAR,		/* unexpected (valid) character */
	LE_UTF8,		/* byte that starts no valid UTF-8 sequence */
	LE_NUMBER,		/* malformed number */
	LE_FORMAT,		/* NAME: where NAME is no format */
	LE_BITS_DIGITS,		/* FORMAT: not followed by 0xHEX */
	LE_BITS_WIDE,		/* too many hex digits for the format */
	LE_COLON,		/* ':' not directly after a name */
	LE_STRING		/* a string without its closing quote */
};

struct token {
	enum tok_kind kind;
	enum lex_err err;	/* T_ERR: which error */
	uint32_t start, end;	/* byte span of the token */
	uint32_t aux;		/* T_BITS / LE_BITS_*: offset of the hex part;
				   LE_FORMAT: end of the name */
	int format;		/* T_BITS, LE_BITS_*: format index */
	uint64_t bits;		/* T_BITS: the encoding */
	uint32_t cp;		/* LE_CHAR: the code point; LE_UTF8: the byte */
};

struct parser {
	const char *s;		/* the line (the AST's own copy, s[len] == 0) */
	uint32_t len;
	int line;
	const struct fpv_registry *reg;	/* format names, or NULL: built-in */
	struct fpv_ast *a;
	struct fpv_error *err;
	struct token tok;	/* current token */
	uint32_t prev_start;	/* span of the token before it, if have_prev */
	uint32_t prev_end;
	bool have_prev;
	int depth;
	bool failed;
	uint32_t ntok;		/* tokens read, for checking fpv_interrupt */
	/* The operands of the variadic nodes being parsed (nested ones
	 * above their parents'), moved to the AST's ext when done. */
	uint32_t *stk;
	size_t nstk, capstk;
};

/* ---- Characters ----------------------------------------------------- */

/* Character classes (bits of cclass[]). */
#define C_DIGIT	0x01		/* 0-9 */
#define C_HEX	0x02		/* 0-9 a-f A-F */
#define C_ALPHA	0x04		/* a-z A-Z _ */
#define C_BLANK	0x08		/* space, tab */
#define C_DOT	0x10		/* . */
#define C_ALNUM	(C_ALPHA | C_DIGIT)
#define C_RUN	(C_ALNUM | C_DOT)	/* may continue a number's run */

#define D (C_DIGIT | C_HEX)
#define X (C_ALPHA | C_HEX)
#define A C_ALPHA
#define B C_BLANK
#define P C_DOT
/* The class of every byte; NUL and bytes from 0x80 up are in none. */
static const unsigned char cclass[256] = {
	/* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, 0, 0, 0, 0,
	/* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20 */ B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, P, 0,
	/* 0x30 */ D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0,
	/* 0x40 */ 0, X, X, X, X, X, X, A, A, A, A, A, A, A, A, A,
	/* 0x50 */ A, A, A, A, A, A, A, A, A, A, A, 0, 0, 0, 0, A,
	/* 0x60 */ 0, X, X, X, X, X, X, A, A, A, A, A, A, A, A, A,
	/* 0x70 */ A, A, A, A, A, A, A, A, A, A, A, 0, 0, 0, 0, 0,
};
#undef D
#undef X
#undef A
#undef B
#undef P

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(unsigned char c)
{
	return (cclass[c] & C_HEX) != 0;
}

static bool
is_alnum(unsigned char c)
{
	return (cclass[c] & C_ALNUM) != 0;
}

static unsigned
hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	return (unsigned)((c | 0x20) - 'a' + 10);
}

/* Decode the UTF-8 sequence at s[i..len); its length, or 0 if invalid. */
static int
utf8_decode(const unsigned char *s, size_t i, size_t len, uint32_t *cp)
{
	unsigned char c = s[i];
	uint32_t v, min;
	int n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len - i < (size_t)n)
		return 0;
	for (int k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Column (1-based, in characters) of byte offset off in src. */
int
fpv_parse_column(const char *src, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off; i++)
		if (((unsigned char)src[i] & 0xc0) != 0x80)
			col++;
	return col > (size_t)0x7fffffff ? 0x7fffffff : (int)col;
}

/* ---- Reserved words -------------------------------------------------- */

/* The vector functions (ORDER FN). */
const struct fpv_fn_info fpv_fns[FPV_FN_COUNT] = {
	[FPV_FN_FILL] =		{ "fill", "EE", 2, true },
	[FPV_FN_LINSPACE] =	{ "linspace", "EEE", 3, true },
	[FPV_FN_RANDN] =	{ "randn", "EE", 2, true },
	[FPV_FN_LOAD] =		{ "load", "S", 1, true },
	[FPV_FN_SUM] =		{ "sum", "EFO", 1, false },
	[FPV_FN_DOT] =		{ "dot", "EEFO", 2, false },
	[FPV_FN_MEAN] =		{ "mean", "EFO", 1, false },
	[FPV_FN_MAX] =		{ "max", "EF", 1, false },
	[FPV_FN_MIN] =		{ "min", "EF", 1, false },
	[FPV_FN_NORM2] =	{ "norm2", "EFO", 1, false },
	[FPV_FN_SOFTMAX] =	{ "softmax", "EFO", 1, true },
	[FPV_FN_SOFTMAX_NAIVE] = { "softmax_naive", "EFO", 1, true },
	[FPV_FN_LOGSUMEXP] =	{ "logsumexp", "EFO", 1, false },
	[FPV_FN_LEN] =		{ "len", "E", 1, false },
	[FPV_FN_QUANT] =	{ "quant", "EFM", 3, true },
	[FPV_FN_MXFP8] =	{ "mxfp8", "EF", 1, true },
	[FPV_FN_MXFP6] =	{ "mxfp6", "EF", 1, true },
	[FPV_FN_MXFP4] =	{ "mxfp4", "E", 1, true },
	[FPV_FN_NVFP4] =	{ "nvfp4", "E", 1, true },
	[FPV_FN_Q8_0] =		{ "q8_0", "E", 1, true },
	[FPV_FN_Q4_0] =		{ "q4_0", "E", 1, true },
	[FPV_FN_NF4] =		{ "nf4", "E", 1, true },
};

/* The vector function called name[0..len), or -1. */
int
fpv_fn_by_name(const char *name, size_t len)
{
	for (int i = 0; i < FPV_FN_COUNT; i++)
		if (strlen(fpv_fns[i].name) == len &&
		    memcmp(fpv_fns[i].name, name, len) == 0)
			return i;
	return -1;
}

/* True if s[0..len) is inf or nan in any letter case. */
static bool
is_number_word(const char *s, size_t len)
{
	return len == 3 && (strncasecmp(s, "inf", 3) == 0 ||
	    strncasecmp(s, "nan", 3) == 0);
}

/* True if s[0..len) is exactly the word w. */
static bool
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* The index of the format called s[0..len) in reg (NULL: the built-in
 * formats, whose indices are the same in every registry), or -1. */
static int
format_index(const struct fpv_registry *reg, const char *s, size_t len)
{
	const struct fpv_format *f;

	if (reg != NULL)
		return fpv_registry_find(reg, s, len);
	f = fpv_builtin_by_name(s, len);
	return f != NULL ? (int)(f - fpv_builtin) : -1;
}

/* The format of index i in reg (NULL: built-in). */
static const struct fpv_format *
format_at(const struct fpv_registry *reg, int i)
{
	return reg != NULL ? &reg->f[i] : &fpv_builtin[i];
}

/* True if s[0..len) is a reserved word (function, constant, format, ans). */
bool
fpv_parse_reserved(const struct fpv_registry *reg, const char *s, size_t len)
{
	return fpv_op_by_name(s, len) >= 0 || fpv_fn_by_name(s, len) >= 0 ||
	    format_index(reg, s, len) >= 0 ||
	    word_is(s, len, "pi") || word_is(s, len, "e") ||
	    word_is(s, len, "ans") || is_number_word(s, len);
}

/* ---- Lexer ----------------------------------------------------------- */

/*
 * Check that s[0..n) is a numeric literal: digits [. digits]
 * [e[+-]digits] in decimal, or 0x hex [. hex] [p[+-]digits] in hex.
 */
static bool
valid_number(const char *s, size_t n, bool hex)
{
	size_t i = hex ? 2 : 0, digits = 0;
	char exp = hex ? 'p' : 'e';

#define MANTISSA(c) (hex ? is_hex(c) : is_digit(c))
	while (i < n && MANTISSA((unsigned char)s[i]))
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && MANTISSA((unsigned char)s[i]))
			i++, digits++;
	}
#undef MANTISSA
	if (digits == 0)
		return false;
	if (i < n && (s[i] | 0x20) == exp) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return false;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	return i == n;
}

/*
 * Lex a number starting at pos: take the longest run that could be part
 * of a number (letters, digits, '_', '.', and a sign right after the
 * exponent letter), then check it, so that "2x" or "1.2.3" is one
 * malformed number rather than two tokens.  (lex() takes a plain
 * decimal number in one pass and leaves the rest to this.)
 */
static NOINLINE void
lex_number(const struct parser *p, uint32_t pos, struct token *t)
{
	const char *s = p->s;
	bool hex = s[pos] == '0' && pos + 1 < p->len &&
	    (s[pos + 1] == 'x' || s[pos + 1] == 'X');
	char expch = hex ? 'p' : 'e';
	uint32_t end = pos;

	while (end < p->len) {
		unsigned char c = (unsigned char)s[end];

		if (is_alnum(c) || c == '.')
			end++;
		else if ((c == '+' || c == '-') && end > pos &&
		    (s[end - 1] | 0x20) == expch)
			end++;
		else
			break;
	}
	t->start = pos;
	t->end = end;
	if (valid_number(s + pos, end - pos, hex)) {
		t->kind = T_NUM;
	} else {
		t->kind = T_ERR;
		t->err = LE_NUMBER;
	}
}

/* Lex the bit pattern after "NAME:" (name at [pos, colon)). */
static void
lex_bits(const struct parser *p, uint32_t pos, uint32_t colon,
    struct token *t)
{
	const char *s = p->s;
	int fi = format_index(p->reg, s + pos, colon - pos);
	const struct fpv_format *f;
	uint32_t i = colon + 1, end, hs;
	uint64_t v = 0;
	int maxdigits;

	t->start = pos;
	t->aux = colon + 1;
	if (fi < 0) {
		t->kind = T_ERR;
		t->err = LE_FORMAT;
		t->end = colon;
		t->aux = colon;
		return;
	}
	f = format_at(p->reg, fi);
	t->format = fi;
	maxdigits = (f->bits + 3) / 4;
	/* The run that belongs to the literal, for the span and errors. */
	end = i;
	while (end < p->len && (is_alnum((unsigned char)s[end]) || s[end] == '.'))
		end++;
	t->end = end;
	if (end - i < 3 || s[i] != '0' || (s[i + 1] | 0x20) != 'x') {
		t->kind = T_ERR;
		t->err = LE_BITS_DIGITS;
		return;
	}
	hs = i + 2;
	for (uint32_t k = hs; k < end; k++) {
		if (!is_hex((unsigned char)s[k])) {
			t->kind = T_ERR;
			t->err = LE_BITS_DIGITS;
			return;
		}
	}
	if (end - hs > (uint32_t)maxdigits) {
		t->kind = T_ERR;
		t->err = LE_BITS_WIDE;
		return;
	}
	for (uint32_t k = hs; k < end; k++)
		v = (v << 4) | hex_value((unsigned char)s[k]);
	if ((v & ~fpv_format_mask(f)) != 0) {
		t->kind = T_ERR;
		t->err = LE_BITS_WIDE;
		return;
	}
	t->kind = T_BITS;
	t->bits = v;
}

/* Lex the character at i that starts no token: an error token. */
static NOINLINE void
lex_other(const struct parser *p, uint32_t i, struct token *t)
{
	unsigned char c = (unsigned char)p->s[i];
	int n = utf8_decode((const unsigned char *)p->s, i, p->len, &t->cp);

	t->kind = T_ERR;
	if (n == 0) {
		t->err = LE_UTF8;
		t->cp = c;
	} else {
		t->err = LE_CHAR;
		t->end = i + (uint32_t)n;
	}
}

/* Lex the name at [i, e): a name, inf or nan, or a bit pattern. */
static NOINLINE void
lex_name(const struct parser *p, uint32_t i, uint32_t e, struct token *t)
{
	const char *s = p->s;

	while (is_alnum((unsigned char)s[e]))
		e++;
	if (s[e] == ':') {
		lex_bits(p, i, e, t);
		return;
	}
	t->end = e;
	t->kind = is_number_word(s + i, e - i) ? T_NUM : T_NAME;
}

/*
 * Lex the token that starts at or after pos (after spaces and tabs).
 * The end of line (or a '#' comment) is a T_EOL token placed at pos, just
 * after the previous token, which is where a missing piece belongs.
 * Only the fields that the token's kind (and error) uses are set.  The
 * common tokens are lexed here; the rest in (not inlined) helpers.
 */
static inline ALWAYS_INLINE void
lex(const struct parser *p, uint32_t pos, struct token *t)
{
	const unsigned char *s = (const unsigned char *)p->s;
	const unsigned char *q = s + pos, *e;
	unsigned char c;
	uint32_t i;

	/* s[len] is NUL, which is in no class: it ends every scan. */
	while (cclass[*q] & C_BLANK)
		q++;
	c = *q;
	i = (uint32_t)(q - s);
	t->start = i;
	t->end = i + 1;
	switch (c) {
	case '+': t->kind = T_PLUS; return;
	case '-': t->kind = T_MINUS; return;
	case '*': t->kind = T_STAR; return;
	case '/': t->kind = T_SLASH; return;
	case '^': t->kind = T_CARET; return;
	case '(': t->kind = T_LPAREN; return;
	case ')': t->kind = T_RPAREN; return;
	case ',': t->kind = T_COMMA; return;
	case '=': t->kind = T_EQ; return;
	case '[': t->kind = T_LBRACK; return;
	case ']': t->kind = T_RBRACK; return;
	case '"':
		e = q + 1;
		while (*e != '"' && (size_t)(e - s) < p->len)
			e++;
		if (*e != '"') {
			t->kind = T_ERR;
			t->err = LE_STRING;
			return;
		}
		t->kind = T_STRING;
		t->end = (uint32_t)(e + 1 - s);
		return;
	case ':':
		t->kind = T_ERR;
		t->err = LE_COLON;
		return;
	case '#':
		t->kind = T_EOL;
		t->start = t->end = pos;
		return;
	case '\0':
		if (i >= p->len) {
			t->kind = T_EOL;
			t->start = t->end = pos;
			return;
		}
		break;
	case '.':
		if (!is_digit(q[1]))
			break;
		/* FALLTHROUGH */
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		/*
		 * digits [. digits] [e[+-]digits], not followed by anything
		 * that could continue the run; anything else (hex, errors)
		 * goes the long way.  There is a digit before or after the
		 * '.', and a valid number ends in a digit or '.'.
		 */
		if (c == '0' && (q[1] | 0x20) == 'x') {
			lex_number(p, i, t);
			return;
		}
		e = q;
		while (is_digit(*e))
			e++;
		if (*e == '.') {
			e++;
			while (is_digit(*e))
				e++;
		}
		if ((*e | 0x20) == 'e') {
			const unsigned char *k = e + 1;

			if (*k == '+' || *k == '-')
				k++;
			if (!is_digit(*k)) {
				lex_number(p, i, t);
				return;
			}
			while (is_digit(*k))
				k++;
			e = k;
		}
		if (cclass[*e] & C_RUN) {
			lex_number(p, i, t);
			return;
		}
		t->kind = T_NUM;
		t->end = (uint32_t)(e - s);
		return;
	default:
		if (cclass[c] & C_ALPHA) {
			lex_name(p, i, i + 1, t);
			return;
		}
		break;
	}
	lex_other(p, i, t);
}

/* ---- Errors ---------------------------------------------------------- */

/* Record the first error, at byte offset off. */
static COLD void __attribute__((format(printf, 3, 4)))
fail(struct parser *p, uint32_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->line = p->line;
	p->err->col = fpv_parse_column(p->s, off);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

/* Quote a token's text for a message: 'text', shortened if long. */
static COLD const char *
quote(const struct parser *p, const struct token *t, char *buf, size_t size)
{
	uint32_t n = t->end - t->start;

	if (t->kind == T_EOL)
		snprintf(buf, size, "end of line");
	else if (n > QUOTE_MAX)
		snprintf(buf, size, "'%.*s...'", QUOTE_MAX, p->s + t->start);
	else
		snprintf(buf, size, "'%.*s'", (int)n, p->s + t->start);
	return buf;
}

/* The list of format names, "fp16, fp32, fp64, int8, ...". */
static COLD void
format_list(const struct fpv_registry *reg, char *buf, size_t size)
{
	size_t n = 0, count = reg != NULL ? reg->n : fpv_nbuiltin;

	buf[0] = '\0';
	for (size_t i = 0; i < count && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
		    format_at(reg, (int)i)->name);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* Report the lexical error of token t. */
static COLD void
fail_lex(struct parser *p, const struct token *t)
{
	const char *s = p->s;
	char list[160];
	const char *hint;
	const struct fpv_format *f;

	switch (t->err) {
	case LE_NUMBER:
		if (t->end - t->start > QUOTE_MAX)
			fail(p, t->start, "malformed number '%.*s...'",
			    QUOTE_MAX, s + t->start);
		else
			fail(p, t->start, "malformed number '%.*s'",
			    (int)(t->end - t->start), s + t->start);
		break;
	case LE_FORMAT:
		format_list(p->reg, list, sizeof list);
		fail(p, t->start, "unknown format '%.*s' in a bit pattern "
		    "(formats: %s)", (int)(t->aux - t->start > QUOTE_MAX ?
		    QUOTE_MAX : t->aux - t->start), s + t->start, list);
		break;
	case LE_BITS_DIGITS:
		f = format_at(p->reg, t->format);
		fail(p, t->aux, "expected '0x' and up to %d hex digit%s after "
		    "'%s:'", (f->bits + 3) / 4, f->bits > 4 ? "s" : "",
		    f->name);
		break;
	case LE_BITS_WIDE:
		f = format_at(p->reg, t->format);
		if (f->bits % 4 == 0) {
			fail(p, t->aux, "bit pattern too wide for %s (%d bits, "
			    "at most %d hex digit%s)", f->name, f->bits,
			    f->bits / 4, f->bits > 4 ? "s" : "");
		} else {
			/* The top digit is partial: say the largest. */
			fpv_bits_hex(f, fpv_format_mask(f), list);
			fail(p, t->aux, "bit pattern too wide for %s (%d bits, "
			    "at most %s)", f->name, f->bits, list);
		}
		break;
	case LE_COLON:
		/* The example: 1 in the first default column. */
		f = fpv_builtin_by_name(fpv_default_columns[0],
		    strlen(fpv_default_columns[0]));
		fpv_bits_hex(f, f->kind == FPV_KIND_FLOAT ?
		    (uint64_t)f->bias << f->frac_bits : 1, list);
		fail(p, t->start, "unexpected character ':' (a bit pattern "
		    "is written FORMAT:0xHEX, as in %s:%s)", f->name, list);
		break;
	case LE_UTF8:
		fail(p, t->start, "invalid UTF-8 byte 0x%02x", (unsigned)t->cp);
		break;
	case LE_STRING:
		fail(p, t->start, "string without its closing '\"'");
		break;
	case LE_CHAR:
	case LE_NONE:
		if (t->cp < 0x20 || t->cp == 0x7f) {
			fail(p, t->start, "unexpected control character U+%04X",
			    (unsigned)t->cp);
			break;
		}
		if (t->cp < 0x80) {
			fail(p, t->start, "unexpected character '%c'",
			    (char)t->cp);
			break;
		}
		switch (t->cp) {
		case 0xd7: case 0x22c5: hint = ", use '*'"; break;
		case 0xf7: case 0x2215: hint = ", use '/'"; break;
		case 0x2212: hint = ", use '-'"; break;
		default: hint = ""; break;
		}
		fail(p, t->start, "unexpected character '%.*s' (U+%04X)%s",
		    (int)(t->end - t->start), s + t->start, (unsigned)t->cp,
		    hint);
		break;
	}
}

/* ---- Parser helpers -------------------------------------------------- */

/*
 * The recursive rules keep their stack frames small (no arrays, no
 * token copies, helpers that need buffers are not inlined), so that the
 * deepest nesting allowed fits well within a default 8 MB stack, also
 * under AddressSanitizer.
 */

/* Make the next token current; -1 on a lexical error. */
static NOINLINE int
advance(struct parser *p)
{
	p->prev_start = p->tok.start;
	p->prev_end = p->tok.end;
	p->have_prev = true;
	lex(p, p->tok.end, &p->tok);
	if (p->tok.kind == T_ERR) {
		fail_lex(p, &p->tok);
		return -1;
	}
	if ((++p->ntok & 1023) == 0 && fpv_interrupt) {
		fail(p, p->tok.start, "interrupted");
		return -1;
	}
	return 0;
}

/* Enter a nested rule; -1 past the nesting limit. */
static int
enter(struct parser *p)
{
	if (++p->depth > FPV_PARSE_MAX_DEPTH) {
		fail(p, p->tok.start, "expression nested too deeply (limit %d)",
		    FPV_PARSE_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/*
 * Make room for one more node (the array grows geometrically); -1 when
 * out of memory, reported at byte start.
 */
static int
grow(struct parser *p, uint32_t start)
{
	struct fpv_ast *a = p->a;
	size_t cap = a->cap ? a->cap * 2 : 64;
	struct fpv_node *nn;

	if (cap > SIZE_MAX / sizeof *nn ||
	    (nn = realloc(a->nodes, cap * sizeof *nn)) == NULL) {
		fail(p, start, "out of memory");
		return -1;
	}
	a->nodes = nn;
	a->cap = cap;
	return 0;
}

static NOINLINE struct fpv_node *emit_grow(struct parser *p,
    enum fpv_node_kind kind, uint32_t start, uint32_t end);

/*
 * Append a node spanning [start, end) whose token is the current token;
 * NULL when out of memory.  Fields not set here are zero.  (Growing the
 * array is a tail call, so that this needs no stack frame.)
 */
static NOINLINE struct fpv_node *
emit(struct parser *p, enum fpv_node_kind kind, uint32_t start, uint32_t end)
{
	struct fpv_ast *a = p->a;
	struct fpv_node *n;

	if (a->n == a->cap)
		return emit_grow(p, kind, start, end);
	n = &a->nodes[a->n++];
	*n = (struct fpv_node){
		.kind = kind,
		.start = start,
		.end = end,
		.tok = p->tok.start,
		.toklen = p->tok.end - p->tok.start,
	};
	return n;
}

/* Index of the last node emitted: the root of what was just parsed. */
static uint32_t
last(const struct parser *p)
{
	return (uint32_t)(p->a->n - 1);
}

/* Grow the node array, then emit(); NULL when out of memory. */
static NOINLINE struct fpv_node *
emit_grow(struct parser *p, enum fpv_node_kind kind, uint32_t start,
    uint32_t end)
{
	if (grow(p, start) < 0)
		return NULL;
	return emit(p, kind, start, end);
}

static NOINLINE int emit_op_grow(struct parser *p, enum fpv_op op,
    uint32_t at, uint32_t l, uint32_t r);

/*
 * Emit the one-character operator at byte at over nodes l and (r).
 * The operators here are NEG, with one operand, and binary ones.
 */
static NOINLINE int
emit_op(struct parser *p, enum fpv_op op, uint32_t at, uint32_t l, uint32_t r)
{
	struct fpv_ast *a = p->a;
	bool binary = op != FPV_OP_NEG;
	uint32_t start = binary ? a->nodes[l].start : at;
	uint32_t end = a->nodes[binary ? r : l].end;

	if (a->n == a->cap)
		return emit_op_grow(p, op, at, l, r);
	a->nodes[a->n++] = (struct fpv_node){
		.kind = FPV_NODE_OP,
		.u.op = op,
		.start = start,
		.end = end,
		.tok = at,
		.toklen = 1,
		.args = { l, binary ? r : 0 },
	};
	return 0;
}

/* Grow the node array, then emit_op(); -1 when out of memory. */
static NOINLINE int
emit_op_grow(struct parser *p, enum fpv_op op, uint32_t at, uint32_t l,
    uint32_t r)
{
	uint32_t start = op != FPV_OP_NEG ? p->a->nodes[l].start : at;

	if (grow(p, start) < 0)
		return -1;
	return emit_op(p, op, at, l, r);
}

/* Report a missing operand: "expected an expression after '+'". */
static COLD int
fail_expected_expr(struct parser *p)
{
	char a[QUOTE_MAX + 8], b[QUOTE_MAX + 8];
	/* The previous token was consumed, so it is no end of line. */
	struct token prev = { .kind = T_NAME, .start = p->prev_start,
	    .end = p->prev_end };

	if (p->have_prev && p->tok.kind == T_EOL)
		fail(p, p->tok.start, "expected an expression after %s",
		    quote(p, &prev, a, sizeof a));
	else if (p->have_prev)
		fail(p, p->tok.start, "expected an expression after %s, "
		    "found %s%s", quote(p, &prev, a, sizeof a),
		    quote(p, &p->tok, b, sizeof b),
		    /* x ** y, as in Python and Fortran */
		    p->tok.kind == T_STAR && p->prev_end == p->prev_start + 1 &&
		    p->s[p->prev_start] == '*' ? " (use ^ for powers)" : "");
	else
		fail(p, p->tok.start, "expected an expression, found %s",
		    quote(p, &p->tok, b, sizeof b));
	return -1;
}

/* Report "expected ')' to close '(' at L:C" at the current token. */
static COLD int
fail_close(struct parser *p, uint32_t lparen)
{
	fail(p, p->tok.start, "expected ')' to close '(' at %d:%d", p->line,
	    fpv_parse_column(p->s, lparen));
	return -1;
}

/* Report a wrong number of arguments, or a missing ',' or ')'. */
static COLD int
fail_args(struct parser *p, uint32_t name, uint32_t len, int count,
    int nargs)
{
	const char *s = p->s + name;

	if (p->tok.kind == T_COMMA)
		fail(p, p->tok.start, "too many arguments to '%.*s' "
		    "(expected %d)", (int)len, s, nargs);
	else if (p->tok.kind == T_RPAREN)
		fail(p, p->tok.start, "too few arguments to '%.*s' "
		    "(expected %d)", (int)len, s, nargs);
	else
		fail(p, p->tok.start, "expected ',' or ')' after argument %d "
		    "of '%.*s'", count, (int)len, s);
	return -1;
}

/* Report NAME '(' where NAME is no function. */
static COLD int
fail_not_function(struct parser *p, uint32_t name, uint32_t len)
{
	const char *s = p->s + name;

	if (fpv_parse_reserved(p->reg, s, len))
		fail(p, name, "'%.*s' is not a function", (int)len, s);
	else
		fail(p, name, "unknown function '%.*s'%s",
		    (int)(len > QUOTE_MAX ? QUOTE_MAX : len), s,
		    len == 2 && memcmp(s, "ln", 2) == 0 ?
		    " (did you mean log?)" : "");
	return -1;
}

/*
 * True if the current '-' is written directly before a number (no blank
 * between them) that is not a base of '^'.
 */
static NOINLINE bool
negative_literal_ahead(const struct parser *p)
{
	struct token num, after;

	lex(p, p->tok.end, &num);
	if (num.kind != T_NUM || num.start != p->tok.end)
		return false;
	lex(p, num.end, &after);
	return after.kind != T_CARET;
}

/* ---- Grammar --------------------------------------------------------- */

static int parse_expr(struct parser *p);

/* Push node index v onto the operand stack; -1 when out of memory. */
static NOINLINE int
stk_push(struct parser *p, uint32_t v)
{
	if (p->nstk == p->capstk) {
		size_t cap = p->capstk ? 2 * p->capstk : 64;
		uint32_t *ns;

		if (cap > SIZE_MAX / sizeof *ns ||
		    (ns = realloc(p->stk, cap * sizeof *ns)) == NULL) {
			fail(p, p->tok.start, "out of memory");
			return -1;
		}
		p->stk = ns;
		p->capstk = cap;
	}
	p->stk[p->nstk++] = v;
	return 0;
}

/*
 * Move the operands stk[base..nstk) into the AST's ext as the variadic
 * node n's (args[0] their offset, args[1] their number); -1 when out of
 * memory.
 */
static NOINLINE int
stk_move(struct parser *p, size_t base, uint32_t node)
{
	struct fpv_ast *a = p->a;
	size_t k = p->nstk - base;

	if (a->next + k > a->capext) {
		size_t cap = a->capext ? 2 * a->capext : 64;
		uint32_t *ne;

		while (cap < a->next + k)
			cap *= 2;
		if (cap > UINT32_MAX ||
		    (ne = realloc(a->ext, cap * sizeof *ne)) == NULL) {
			fail(p, p->tok.start, "out of memory");
			return -1;
		}
		a->ext = ne;
		a->capext = cap;
	}
	memcpy(a->ext + a->next, p->stk + base, k * sizeof *p->stk);
	a->nodes[node].args[0] = (uint32_t)a->next;
	a->nodes[node].args[1] = (uint32_t)k;
	a->next += k;
	p->nstk = base;
	return 0;
}

/* The signature of fi as "1 to 3" or "2". */
static COLD void
arg_range(const struct fpv_fn_info *fi, char *buf, size_t size)
{
	int nmax = (int)strlen(fi->sig);

	if (nmax == fi->nmin)
		snprintf(buf, size, "%d", nmax);
	else
		snprintf(buf, size, "%d to %d", fi->nmin, nmax);
}

/* Report a wrong number of arguments of a vector function, or a
 * missing ',' or ')'. */
static COLD int
fail_vargs(struct parser *p, uint32_t name, uint32_t len,
    const struct fpv_fn_info *fi, int count, uint32_t lparen)
{
	const char *s = p->s + name;
	char r[32];

	arg_range(fi, r, sizeof r);
	if (p->tok.kind == T_COMMA)
		fail(p, p->tok.start, "too many arguments to '%.*s' "
		    "(expected %s)", (int)len, s, r);
	else if (p->tok.kind == T_RPAREN)
		fail(p, p->tok.start, "too few arguments to '%.*s' "
		    "(expected %s)", (int)len, s, r);
	else if (count == (int)strlen(fi->sig))
		fail(p, p->tok.start, "expected ')' to close '(' at %d:%d",
		    p->line, fpv_parse_column(p->s, lparen));
	else
		fail(p, p->tok.start, "expected ',' or ')' after argument %d "
		    "of '%.*s'", count, (int)len, s);
	return -1;
}

/* Report a word argument that is not what the signature asks for. */
static COLD int
fail_word(struct parser *p, char kind, int count, uint32_t name,
    uint32_t len, int fn)
{
	const char *s = p->s + name;
	const char *role = fn >= FPV_FN_QUANT ? "the element format" :
	    "the accumulator";
	char q[QUOTE_MAX + 8], list[160];

	quote(p, &p->tok, q, sizeof q);
	if (kind == 'M') {
		if (p->tok.kind == T_NAME)
			fail(p, p->tok.start, "unknown method %s (expected "
			    "absmax or minmax)", q);
		else
			fail(p, p->tok.start, "expected a method (absmax or "
			    "minmax) as argument %d of '%.*s', found %s",
			    count + 1, (int)len, s, q);
	} else if (kind == 'O') {
		if (p->tok.kind == T_NAME)
			fail(p, p->tok.start, "unknown order %s (expected "
			    "sequential, pairwise or kahan)", q);
		else
			fail(p, p->tok.start, "expected an order (sequential, "
			    "pairwise or kahan) as argument %d of '%.*s', "
			    "found %s", count + 1, (int)len, s, q);
	} else if (kind == 'F') {
		format_list(p->reg, list, sizeof list);
		if (p->tok.kind == T_NAME)
			fail(p, p->tok.start, "unknown format %s for %s of "
			    "'%.*s' (formats: %s)", q, role, (int)len, s, list);
		else
			fail(p, p->tok.start, "expected a format name (%s) as "
			    "argument %d of '%.*s', found %s", role, count + 1,
			    (int)len, s, q);
	} else {
		fail(p, p->tok.start, "expected a string \"FILE\" as "
		    "argument %d of '%.*s', found %s", count + 1, (int)len, s,
		    q);
	}
	return -1;
}

/* Is the current token a name followed by ',' or ')'? */
static NOINLINE bool
word_ahead(const struct parser *p)
{
	struct token after;

	if (p->tok.kind != T_NAME)
		return false;
	lex(p, p->tok.end, &after);
	return after.kind == T_COMMA || after.kind == T_RPAREN;
}

/* Emit the current word or string token as a WORD or STR node. */
static NOINLINE int
emit_word(struct parser *p, enum fpv_node_kind kind, int word, uint32_t val)
{
	struct fpv_node *n;

	if ((n = emit(p, kind, p->tok.start, p->tok.end)) == NULL)
		return -1;
	if (kind == FPV_NODE_STR) {
		n->tok = p->tok.start + 1;
		n->toklen = p->tok.end - p->tok.start - 2;
	}
	n->u.op = (uint16_t)word;
	n->args[0] = val;
	return advance(p);
}

/*
 * vcall -> NAME '(' arg { ',' arg } ')'
 * A vector function fn, its arguments by its signature; the current
 * token is the '('.  max and min with two expressions are the scalar
 * functions.
 */
static NOINLINE int
parse_vcall(struct parser *p, uint32_t name, uint32_t len, int fn)
{
	const struct fpv_fn_info *fi = &fpv_fns[fn];
	int nsig = (int)strlen(fi->sig), count = 0, k;
	uint32_t lparen = p->tok.start;
	size_t base = p->nstk;
	bool binary = false;
	struct fpv_node *n;

	if (enter(p) < 0 || advance(p) < 0)
		return -1;
	if (p->tok.kind == T_RPAREN)
		return fail_vargs(p, name, len, fi, 0, lparen);
	for (;;) {
		char kind = fi->sig[count];

		if (kind == 'F' && (fn == FPV_FN_MAX || fn == FPV_FN_MIN) &&
		    !(word_ahead(p) && format_index(p->reg, p->s +
		    p->tok.start, p->tok.end - p->tok.start) >= 0))
			kind = 'E', binary = true;
		switch (kind) {
		case 'E':
			if (parse_expr(p) < 0)
				return -1;
			break;
		case 'F':
			if (!word_ahead(p) || (k = format_index(p->reg,
			    p->s + p->tok.start, p->tok.end - p->tok.start)) < 0)
				return fail_word(p, kind, count, name, len, fn);
			if (emit_word(p, FPV_NODE_WORD, FPV_WORD_FORMAT,
			    (uint32_t)k) < 0)
				return -1;
			break;
		case 'O':
			if (!word_ahead(p) || (k = fpv_order_by_name(p->s +
			    p->tok.start, p->tok.end - p->tok.start)) < 0)
				return fail_word(p, kind, count, name, len, fn);
			if (emit_word(p, FPV_NODE_WORD, FPV_WORD_ORDER,
			    (uint32_t)k) < 0)
				return -1;
			break;
		case 'M': {
			const struct fpv_qscheme *qs = word_ahead(p) ?
			    fpv_qscheme_by_name(p->s + p->tok.start,
			    p->tok.end - p->tok.start) : NULL;

			if (qs == NULL || qs->block != 0)
				return fail_word(p, kind, count, name, len, fn);
			if (emit_word(p, FPV_NODE_WORD, FPV_WORD_METHOD,
			    (uint32_t)(qs - fpv_qschemes)) < 0)
				return -1;
			break;
		}
		default:
			if (p->tok.kind != T_STRING)
				return fail_word(p, kind, count, name, len, fn);
			if (emit_word(p, FPV_NODE_STR, 0, 0) < 0)
				return -1;
			break;
		}
		if (stk_push(p, last(p)) < 0)
			return -1;
		count++;
		if (binary) {
			if (p->tok.kind == T_COMMA) {
				fail(p, p->tok.start, "too many arguments to "
				    "'%.*s' (expected 2)", (int)len, p->s + name);
				return -1;
			}
			if (p->tok.kind != T_RPAREN)
				return fail_close(p, lparen);
			break;
		}
		if (p->tok.kind == T_COMMA && count < nsig) {
			if (advance(p) < 0)
				return -1;
			continue;
		}
		if (p->tok.kind == T_RPAREN && count >= fi->nmin)
			break;
		return fail_vargs(p, name, len, fi, count, lparen);
	}
	if ((n = emit(p, binary ? FPV_NODE_OP : FPV_NODE_FN, name,
	    p->tok.end)) == NULL)
		return -1;
	n->tok = name;
	n->toklen = len;
	if (binary) {
		n->u.op = fn == FPV_FN_MAX ? FPV_OP_MAX : FPV_OP_MIN;
		n->args[0] = p->stk[base];
		n->args[1] = p->stk[base + 1];
		p->nstk = base;
	} else {
		n->u.op = (uint16_t)fn;
		if (stk_move(p, base, last(p)) < 0)
			return -1;
	}
	p->depth--;
	return advance(p);
}

/* vector -> '[' expr { ',' expr } ']'; the current token is the '['. */
static NOINLINE int
parse_vector(struct parser *p)
{
	uint32_t at = p->tok.start;
	size_t base = p->nstk;
	struct fpv_node *n;

	if (enter(p) < 0 || advance(p) < 0)
		return -1;
	if (p->tok.kind == T_RBRACK) {
		fail(p, at, "empty vector");
		return -1;
	}
	for (;;) {
		if (parse_expr(p) < 0 || stk_push(p, last(p)) < 0)
			return -1;
		if (p->tok.kind == T_COMMA) {
			if (advance(p) < 0)
				return -1;
			continue;
		}
		if (p->tok.kind == T_RBRACK)
			break;
		fail(p, p->tok.start, "expected ',' or ']' to close '[' at "
		    "%d:%d", p->line, fpv_parse_column(p->s, at));
		return -1;
	}
	if ((n = emit(p, FPV_NODE_VEC, at, p->tok.end)) == NULL)
		return -1;
	n->tok = at;
	n->toklen = 1;
	if (stk_move(p, base, last(p)) < 0)
		return -1;
	p->depth--;
	return advance(p);
}

/* postfix -> primary '[' expr ']'...; the current token is a '['. */
static NOINLINE int
parse_index(struct parser *p)
{
	while (p->tok.kind == T_LBRACK) {
		uint32_t at = p->tok.start, base = last(p), idx;
		struct fpv_node *n;

		if (enter(p) < 0 || advance(p) < 0 || parse_expr(p) < 0)
			return -1;
		if (p->tok.kind != T_RBRACK) {
			fail(p, p->tok.start, "expected ']' to close '[' at "
			    "%d:%d", p->line, fpv_parse_column(p->s, at));
			return -1;
		}
		idx = last(p);
		if ((n = emit(p, FPV_NODE_INDEX, p->a->nodes[base].start,
		    p->tok.end)) == NULL)
			return -1;
		n->tok = at;
		n->toklen = 1;
		n->args[0] = base;
		n->args[1] = idx;
		p->depth--;
		if (advance(p) < 0)
			return -1;
	}
	return 0;
}

/*
 * call -> NAME '(' expr { ',' expr } ')'
 * A function (op >= 0) or a cast (format >= 0) of exactly nargs
 * arguments; the current token is the '('.
 */
static int
parse_call(struct parser *p, uint32_t name, uint32_t len, int op, int format,
    int nargs)
{
	uint32_t lparen = p->tok.start, a0 = 0, a1 = 0, a2 = 0;
	struct fpv_node *n;
	int count = 0;

	if (enter(p) < 0 || advance(p) < 0)
		return -1;
	if (p->tok.kind == T_RPAREN)
		return fail_args(p, name, len, 0, nargs);
	for (;;) {
		if (parse_expr(p) < 0)
			return -1;
		switch (count++) {
		case 0: a0 = last(p); break;
		case 1: a1 = last(p); break;
		default: a2 = last(p); break;
		}
		if (p->tok.kind == T_COMMA && count < nargs) {
			if (advance(p) < 0)
				return -1;
			continue;
		}
		if (p->tok.kind == T_RPAREN && count == nargs)
			break;
		if (count == nargs && p->tok.kind != T_COMMA)
			return fail_close(p, lparen);
		return fail_args(p, name, len, count, nargs);
	}
	if ((n = emit(p, op >= 0 ? FPV_NODE_OP : FPV_NODE_CAST, name,
	    p->tok.end)) == NULL)
		return -1;
	n->tok = name;
	n->toklen = len;
	if (op >= 0)
		n->u.op = (uint16_t)op;
	else
		n->u.format = (uint16_t)format;
	n->args[0] = a0;
	n->args[1] = a1;
	n->args[2] = a2;
	p->depth--;
	return advance(p);
}

/*
 * primary -> NAME | NAME '(' args ')'      (a constant, variable,
 * function or cast; the current token is the NAME)
 */
static int
parse_name(struct parser *p)
{
	uint32_t name = p->tok.start, len = p->tok.end - p->tok.start;
	const char *s = p->s + name;
	int op = fpv_op_by_name(s, len);
	int fn = fpv_fn_by_name(s, len);
	int fi = op >= 0 || fn >= 0 ? -1 : format_index(p->reg, s, len);
	struct fpv_node *n;

	if (fn >= 0) {
		if (advance(p) < 0)
			return -1;
		if (p->tok.kind != T_LPAREN) {
			fail(p, p->tok.start, "expected '(' after '%.*s'",
			    (int)len, s);
			return -1;
		}
		return parse_vcall(p, name, len, fn);
	}
	if (op >= 0 || fi >= 0) {
		if (advance(p) < 0)
			return -1;
		if (p->tok.kind != T_LPAREN) {
			fail(p, p->tok.start, "expected '(' after '%.*s'",
			    (int)len, s);
			return -1;
		}
		if (op >= 0)
			return parse_call(p, name, len, op, -1,
			    fpv_ops[op].nargs);
		return parse_call(p, name, len, -1, fi, 1);
	}
	if ((n = emit(p, word_is(s, len, "pi") || word_is(s, len, "e") ?
	    FPV_NODE_CONST : FPV_NODE_VAR, name, name + len)) == NULL)
		return -1;
	if (n->kind == FPV_NODE_CONST)
		n->u.constant = s[0] == 'p' ? FPV_CONST_PI : FPV_CONST_E;
	if (advance(p) < 0)
		return -1;
	if (p->tok.kind == T_LPAREN)
		return fail_not_function(p, name, len);
	return 0;
}

/*
 * primary -> NUMBER | FORMAT ':' HEX | '(' expr ')' | name
 * (The negative literal '-' NUMBER is recognised in unary.)
 */
static int
parse_primary(struct parser *p)
{
	uint32_t at = p->tok.start;
	struct fpv_node *n;

	switch (p->tok.kind) {
	case T_NUM:
		if (emit(p, FPV_NODE_NUM, at, p->tok.end) == NULL)
			return -1;
		return advance(p);
	case T_BITS:
		if ((n = emit(p, FPV_NODE_BITS, at, p->tok.end)) == NULL)
			return -1;
		n->u.format = (uint16_t)p->tok.format;
		fpv_node_set_bits(n, p->tok.bits);
		return advance(p);
	case T_LPAREN:
		if (enter(p) < 0 || advance(p) < 0 || parse_expr(p) < 0)
			return -1;
		if (p->tok.kind != T_RPAREN)
			return fail_close(p, at);
		/* The parentheses belong to the sub-expression's span. */
		p->a->nodes[last(p)].start = at;
		p->a->nodes[last(p)].end = p->tok.end;
		p->depth--;
		return advance(p);
	case T_NAME:
		return parse_name(p);
	case T_LBRACK:
		return parse_vector(p);
	case T_STRING:
		fail(p, at, "a string is only an argument of load(\"FILE\")");
		return -1;
	default:
		return fail_expected_expr(p);
	}
}

/*
 * unary -> ('-' | '+') unary | '-' NUMBER | power
 * power -> primary [ '^' unary ]             (right associative)
 * A '-' directly before a number literal is part of the literal, unless
 * the literal is the base of '^' (-2^2 is -(2^2)).
 */
static int
parse_unary(struct parser *p)
{
	enum tok_kind k = p->tok.kind;
	uint32_t at = p->tok.start, base;
	struct fpv_node *n;

	if (k == T_MINUS && negative_literal_ahead(p)) {
		if (advance(p) < 0 ||
		    (n = emit(p, FPV_NODE_NUM, at, p->tok.end)) == NULL)
			return -1;
		n->negative = true;
		return advance(p);
	}
	if (k == T_MINUS || k == T_PLUS) {
		if (enter(p) < 0 || advance(p) < 0 || parse_unary(p) < 0)
			return -1;
		p->depth--;
		if (k == T_MINUS)
			return emit_op(p, FPV_OP_NEG, at, last(p), 0);
		/* Identity: no node, but the sign is part of the span. */
		p->a->nodes[last(p)].start = at;
		return 0;
	}
	if (parse_primary(p) < 0)
		return -1;
	if (p->tok.kind == T_LBRACK && parse_index(p) < 0)
		return -1;
	if (p->tok.kind != T_CARET)
		return 0;
	at = p->tok.start;
	base = last(p);
	if (enter(p) < 0 || advance(p) < 0 || parse_unary(p) < 0)
		return -1;
	p->depth--;
	return emit_op(p, FPV_OP_POW, at, base, last(p));
}

/*
 * expr -> term { ('+' | '-') term }
 * term -> unary { ('*' | '/') unary }
 * Both levels in one function (a '+' or '-' waits while its right term
 * is parsed), so that each parenthesis costs fewer stack frames.
 */
static int
parse_expr(struct parser *p)
{
	enum fpv_op pend = FPV_OP_COUNT, op;
	uint32_t pend_at = 0, pend_left = 0, at, left;

	for (;;) {
		if (parse_unary(p) < 0)
			return -1;
		while (p->tok.kind == T_STAR || p->tok.kind == T_SLASH) {
			op = p->tok.kind == T_STAR ? FPV_OP_MUL : FPV_OP_DIV;
			at = p->tok.start;
			left = last(p);
			if (advance(p) < 0 || parse_unary(p) < 0 ||
			    emit_op(p, op, at, left, last(p)) < 0)
				return -1;
		}
		if (pend != FPV_OP_COUNT &&
		    emit_op(p, pend, pend_at, pend_left, last(p)) < 0)
			return -1;
		if (p->tok.kind != T_PLUS && p->tok.kind != T_MINUS)
			return 0;
		pend = p->tok.kind == T_PLUS ? FPV_OP_ADD : FPV_OP_SUB;
		pend_at = p->tok.start;
		pend_left = last(p);
		if (advance(p) < 0)
			return -1;
	}
}

/* line -> [ NAME '=' ] expr | <empty> */
static int
parse_line(struct parser *p)
{
	struct fpv_ast *a = p->a;
	const char *s = p->s;
	uint32_t eq;

	lex(p, 0, &p->tok);
	if (p->tok.kind == T_ERR) {
		fail_lex(p, &p->tok);
		return -1;
	}
	if (p->tok.kind == T_EOL)
		return 0;
	if (p->tok.kind == T_NAME || p->tok.kind == T_NUM) {
		/* The next token is '=' if the next non-blank byte is. */
		eq = p->tok.end;
		while (cclass[(unsigned char)s[eq]] & C_BLANK)
			eq++;
		if (s[eq] == '=') {
			const char *name = p->s + p->tok.start;
			uint32_t len = p->tok.end - p->tok.start;

			if (p->tok.kind == T_NUM && !is_number_word(name, len)) {
				fail(p, eq, "'=' can only follow a "
				    "variable name at the start of the line");
				return -1;
			}
			if (fpv_parse_reserved(p->reg, name, len)) {
				fail(p, p->tok.start, "cannot assign to "
				    "reserved name '%.*s'", (int)len, name);
				return -1;
			}
			a->assign = true;
			a->name = p->tok.start;
			a->namelen = len;
			if (advance(p) < 0 || advance(p) < 0)
				return -1;
		}
	}
	if (parse_expr(p) < 0)
		return -1;
	switch (p->tok.kind) {
	case T_EOL:
		return 1;
	case T_RPAREN:
		fail(p, p->tok.start, "unmatched ')'");
		return -1;
	case T_RBRACK:
		fail(p, p->tok.start, "unmatched ']'");
		return -1;
	case T_EQ:
		fail(p, p->tok.start, "'=' can only follow a variable name at "
		    "the start of the line");
		return -1;
	default:
		fail(p, p->tok.start, "trailing input: expected an operator or "
		    "end of line");
		return -1;
	}
}

/* ---- Public interface ------------------------------------------------ */

/* Initialize an empty AST. */
void
fpv_ast_init(struct fpv_ast *a)
{
	memset(a, 0, sizeof *a);
}

/* Release an AST's storage. */
void
fpv_ast_free(struct fpv_ast *a)
{
	free(a->src);
	free(a->nodes);
	free(a->ext);
	memset(a, 0, sizeof *a);
}

/*
 * Size of the buffer for the copy of a line of len bytes: short lines
 * round up to a power of two (at least 64), so that the next line of
 * about the same length reuses it; long ones take exactly len + 1.
 */
static size_t
src_size(size_t len)
{
	size_t size = 64;

	if (len >= 4096)
		return len + 1;
	while (size < len + 1)
		size *= 2;
	return size;
}

/* Parse one line into a. */
int
fpv_parse(const char *src, size_t len, int line,
    const struct fpv_registry *reg, struct fpv_ast *a, struct fpv_error *err)
{
	struct parser p;
	char *copy;
	size_t size;
	int rc;

	memset(err, 0, sizeof *err);
	a->n = 0;
	a->next = 0;
	a->assign = false;
	a->name = a->namelen = 0;
	if (len > MAX_LINE) {
		err->line = line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg, "line too long (limit 1 GiB)");
		return -1;
	}
	/* A line's own terminator is not part of it. */
	while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r'))
		len--;
	/* a->src, if any, has src_size(a->len) bytes. */
	size = src_size(len);
	if (a->src != NULL && size == src_size(a->len))
		copy = a->src;
	else if ((copy = realloc(a->src, size)) == NULL) {
		err->line = line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return -1;
	}
	if (len > 0)
		memcpy(copy, src, len);
	copy[len] = '\0';
	a->src = copy;
	a->len = len;

	p = (struct parser){
		.s = a->src,
		.len = (uint32_t)len,
		.line = line,
		.reg = reg,
		.a = a,
		.err = err,
	};
	rc = parse_line(&p);
	free(p.stk);
	if (rc < 0) {
		a->n = 0;
		a->assign = false;
		a->name = a->namelen = 0;
	}
	return rc;
}
