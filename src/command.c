/*
 * Colon commands shared by the line-mode REPL and the full-screen view:
 * the command table, argument checking with located errors, the help
 * texts and the format tables of :info.
 *
 * A command line is ':' NAME { ARG }, words separated by blanks; ":set"
 * also takes KEY=VALUE.  Every error names what was expected and points
 * (line:column) at the offending word; an erroneous command changes
 * nothing.  Settings that change values (rounding mode, int8 parameters)
 * ask the caller to re-evaluate the last line (FPV_CMD_REEVAL).
 *
 * :info numbers are computed from the format descriptor, never typed in:
 * each is shown as its exact decimal (or 17 significant digits, marked
 * with '~', when the exact one is longer), its encoding and its shortest
 * round-trip decimal (what numpy prints for the same value).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/render.h"

/* Significant digits of :vars exact values. */
#define VARS_EXACT_DIGITS 17
/* :info values with more significant digits than this are rounded. */
#define INFO_EXACT_DIGITS 21

/* Names for completion (ORDER: the table below, aliases included). */
const char *const fpv_command_names[] = {
	":help", ":set", ":formats", ":info", ":vars", ":clear", ":quit",
	":q", ":next", ":n", ":prev", ":p", ":steps", ":lesson", NULL
};

/* A word of the command line: bytes [off, off + len) of the line. */
struct word {
	size_t off, len;
};

#define MAX_WORDS 8

/* A command line split into words; w[0] is the name after ':'. */
struct cmdline {
	const char *line;
	size_t len;
	int lineno;
	struct word w[MAX_WORDS];
	int n;			/* words found (at most MAX_WORDS) */
	bool more;		/* more words than MAX_WORDS */
};

/* 1-based character column of byte offset off. */
static int
column(const struct cmdline *c, size_t off)
{
	int col = 1;

	for (size_t i = 0; i < off && i < c->len; i++)
		if (((unsigned char)c->line[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* Fill err at byte offset off with a formatted message; returns -1. */
static int __attribute__((format(printf, 4, 5)))
fail(const struct cmdline *c, size_t off, struct fpv_error *err,
    const char *fmt, ...)
{
	va_list ap;

	err->line = c->lineno;
	err->col = column(c, off);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Does word i equal s? */
static bool
word_is(const struct cmdline *c, int i, const char *s)
{
	return i < c->n && c->w[i].len == strlen(s) &&
	    memcmp(c->line + c->w[i].off, s, c->w[i].len) == 0;
}

/* Copy word i into buf (truncated), for messages and conversions. */
static const char *
word_text(const struct cmdline *c, int i, char *buf, size_t size)
{
	size_t n = c->w[i].len < size - 1 ? c->w[i].len : size - 1;

	memcpy(buf, c->line + c->w[i].off, n);
	buf[n] = '\0';
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)buf[k] < 0x20 || buf[k] == 0x7f)
			buf[k] = '?';
	return buf;
}

/* Is ch a word separator? */
static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Split the line into words; the name is the word right after ':'. */
static void
split(struct cmdline *c)
{
	size_t i = 0;

	c->n = 0;
	c->more = false;
	while (i < c->len && blank(c->line[i]))
		i++;
	if (i < c->len && c->line[i] == ':')
		i++;
	/* The name is w[0] even when empty (":" alone). */
	c->w[0].off = i;
	while (i < c->len && !blank(c->line[i]))
		i++;
	c->w[0].len = i - c->w[0].off;
	c->n = 1;
	for (;;) {
		while (i < c->len && blank(c->line[i]))
			i++;
		if (i >= c->len || c->line[i] == '#')
			break;
		if (c->n == MAX_WORDS) {
			c->more = true;
			c->w[c->n - 1].len = c->len - c->w[c->n - 1].off;
			break;
		}
		c->w[c->n].off = i;
		while (i < c->len && !blank(c->line[i]))
			i++;
		c->w[c->n].len = i - c->w[c->n].off;
		c->n++;
	}
}

/* Error unless the command has at most max arguments. */
static int
no_more_than(const struct cmdline *c, int max, struct fpv_error *err)
{
	char buf[64], name[32];

	if (c->n - 1 <= max)
		return 0;
	return fail(c, c->w[max + 1].off, err, "unexpected '%s' after :%s",
	    word_text(c, max + 1, buf, sizeof buf),
	    word_text(c, 0, name, sizeof name));
}

/* Offset just past the last word (for "expected X" at the end). */
static size_t
end_off(const struct cmdline *c)
{
	size_t n = c->len;

	while (n > 0 && blank(c->line[n - 1]))
		n--;
	return n;
}

/* Give the reply text from a memstream buffer. */
static void
reply_text(struct fpv_cmd_reply *r, char *text)
{
	free(r->text);
	r->text = text;
}

/* A malloc'd copy of a formatted string. */
static char * __attribute__((format(printf, 1, 2)))
strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Release a reply's strings. */
void
fpv_cmd_reply_free(struct fpv_cmd_reply *r)
{
	free(r->text);
	free(r->arg);
	r->text = NULL;
	r->arg = NULL;
	r->action = FPV_CMD_NONE;
}

/* ---- Format lists ---------------------------------------------------- */

/*
 * Parse a list of format names separated by commas and/or blanks, or
 * "all".  On error *bad is the offset of the offending name.
 */
static int
parse_format_list(const char *s, size_t len, unsigned *mask, size_t *bad,
    const char **why)
{
	unsigned m = 0;
	size_t i = 0;

	*bad = 0;
	while (i < len) {
		size_t st;

		while (i < len && (s[i] == ',' || blank(s[i])))
			i++;
		if (i >= len)
			break;
		st = i;
		while (i < len && s[i] != ',' && !blank(s[i]))
			i++;
		if (i - st == 3 && memcmp(s + st, "all", 3) == 0) {
			m |= (1u << FPV_NFORMATS) - 1;
		} else {
			const struct fpv_format *f = fpv_format_by_name(s + st,
			    i - st);

			if (f == NULL) {
				*bad = st;
				*why = "unknown format (expected fp16, fp32, "
				    "fp64, int8 or all)";
				return -1;
			}
			m |= 1u << fpv_format_index(f);
		}
	}
	if (m == 0) {
		*bad = len;
		*why = "expected a list of formats (fp16, fp32, fp64, int8 "
		    "or all)";
		return -1;
	}
	*mask = m;
	return 0;
}

/* Parse a format list ("fp16,fp32" or "all") into a mask. */
int
fpv_formats_parse(const char *list, unsigned *mask, const char **why)
{
	size_t bad;

	return parse_format_list(list, strlen(list), mask, &bad, why);
}

/* Write the names of the formats in mask, separated by ", ". */
static void
print_mask(FILE *out, unsigned mask)
{
	bool first = true;

	for (int f = 0; f < FPV_NFORMATS; f++)
		if (mask & (1u << f)) {
			fprintf(out, "%s%s", first ? "" : ", ",
			    fpv_formats[f].name);
			first = false;
		}
}

/* ---- :info ------------------------------------------------------------ */

/* One value of a format table: exact (or rounded), bits, shortest. */
struct info_value {
	char value[INFO_EXACT_DIGITS + 16];
	char hex[20];
	char shortest[FPV_DEC_SHORT];
	bool rounded;
};

/* Fill v for encoding b of f. */
static void
info_value(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    struct info_value *v)
{
	char *ex = fpv_dec_exact(c, f, b);
	size_t digits = 0;
	bool lead = true;

	fpv_bits_hex(f, b, v->hex);
	fpv_dec_shortest(c, f, b, v->shortest);
	/* Count the exact decimal's significant digits. */
	for (const char *p = ex ? ex : ""; *p; p++) {
		if (*p >= '1' && *p <= '9')
			lead = false;
		if (*p >= '0' && *p <= '9' && !lead)
			digits++;
	}
	if (ex != NULL && digits <= INFO_EXACT_DIGITS) {
		/* Re-render exactly in the usual notation. */
		mpfr_t x;

		mpfr_init2(x, fpv_format_prec(f));
		fpv_num_decode(c, f, b, x);
		fpv_dec_round(x, INFO_EXACT_DIGITS, v->value, sizeof v->value);
		mpfr_clear(x);
		v->rounded = false;
	} else {
		mpfr_t x;

		mpfr_init2(x, fpv_format_prec(f));
		fpv_num_decode(c, f, b, x);
		v->value[0] = '~';
		fpv_dec_round(x, 17, v->value + 1, sizeof v->value - 1);
		mpfr_clear(x);
		v->rounded = true;
	}
	free(ex);
}

/* The characteristic encodings of an IEEE format. */
struct ieee_table {
	uint64_t max, min_normal, min_subnormal, eps;
	bool has_eps;
	int digits;		/* decimal digits that always survive */
	int roundtrip;		/* digits that tell every value apart */
};

/* Compute the table of f from its descriptor. */
static void
ieee_table(const struct fpv_format *f, struct ieee_table *t)
{
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
	uint64_t fmask = ((uint64_t)1 << f->frac_bits) - 1;
	long e_eps = (long)f->emax - f->frac_bits;	/* biased exponent of eps */
	int p = fpv_format_prec(f);

	t->max = ((emask - 1) << f->frac_bits) | fmask;
	t->min_normal = (uint64_t)1 << f->frac_bits;
	t->min_subnormal = 1;
	t->has_eps = e_eps >= 1;
	t->eps = t->has_eps ? (uint64_t)e_eps << f->frac_bits : 0;
	t->digits = (int)floor((p - 1) * 0.30102999566398120);
	t->roundtrip = (int)ceil(p * 0.30102999566398120) + 1;
}

/* Print one row of the value table. */
static void
info_row(FILE *out, const char *label, const struct info_value *v)
{
	fprintf(out, "  %-19s %-26s %-19s %s\n", label, v->value, v->hex,
	    v->shortest);
}

/* The :info text of an IEEE format. */
static void
info_ieee(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f)
{
	struct ieee_table t;
	struct info_value v;

	ieee_table(f, &t);
	fprintf(out, "%s: %s\n", f->name, f->title);
	fprintf(out, "  %-19s S ", "layout");
	for (int i = 0; i < f->exp_bits; i++)
		putc('E', out);
	putc(' ', out);
	for (int i = 0; i < f->frac_bits; i++)
		putc('F', out);
	fprintf(out, "  (1 sign, %d exponent, %d fraction bits; %d in all)\n",
	    f->exp_bits, f->frac_bits, f->bits);
	fprintf(out, "  %-19s %d bits (%d stored + 1 implicit)\n", "precision",
	    fpv_format_prec(f), f->frac_bits);
	fprintf(out, "  %-19s %d\n", "exponent bias", f->emax);
	fprintf(out, "  %-19s %d .. %d (normal numbers)\n", "exponent range",
	    1 - f->emax, f->emax);
	fprintf(out, "  %-19s %d (any %d-digit decimal survives a round trip);"
	    " %d tell every value apart\n", "decimal digits", t.digits,
	    t.digits, t.roundtrip);
	fprintf(out, "  %-19s %-26s %-19s %s\n", "", "value", "bits",
	    "shortest");
	info_value(c, f, t.max, &v);
	info_row(out, "max", &v);
	info_value(c, f, t.min_normal, &v);
	info_row(out, "smallest normal", &v);
	info_value(c, f, t.min_subnormal, &v);
	info_row(out, "smallest subnormal", &v);
	if (t.has_eps) {
		info_value(c, f, t.eps, &v);
		info_row(out, "eps", &v);
	}
	fprintf(out, "  (eps: the gap between 1 and the next number; "
	    "'~': rounded to 17 digits)\n");
}

/* The scale of c as text. */
static void
scale_text(const struct fpv_ctx *c, char *buf, size_t size)
{
	mpfr_t x;

	mpfr_init2(x, FPV_EXACT_PREC);
	mpfr_set_q(x, c->int8_scale, MPFR_RNDN);
	fpv_dec_round(x, 40, buf, size);
	mpfr_clear(x);
}

/* The :info text of an int format. */
static void
info_int(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f)
{
	char sc[64], lo[FPV_DEC_SHORT], hi[FPV_DEC_SHORT];
	uint64_t m = fpv_format_mask(f);

	scale_text(c, sc, sizeof sc);
	fpv_dec_shortest(c, f, (uint64_t)f->qmin & m, lo);
	fpv_dec_shortest(c, f, (uint64_t)f->qmax & m, hi);
	fprintf(out, "%s: %s\n", f->name, f->title);
	fprintf(out, "  %-19s S ", "layout");
	for (int i = 1; i < f->bits; i++)
		putc('M', out);
	fprintf(out, "  (%d-bit two's complement q, shown as sign and "
	    "magnitude bits)\n", f->bits);
	fprintf(out, "  %-19s %d .. %d\n", "stored range (q)", f->qmin,
	    f->qmax);
	fprintf(out, "  %-19s scale * (q - zero_point)\n", "value");
	fprintf(out, "  %-19s %s\n", "scale", sc);
	fprintf(out, "  %-19s %ld\n", "zero point", c->int8_zero_point);
	fprintf(out, "  %-19s %s .. %s\n", "value range", lo, hi);
	fprintf(out, "  %-19s %s (one step of q)\n", "resolution", sc);
	fprintf(out, "  %-19s q = round(v / scale) + zero_point, rounding %s\n",
	    "quantization", fpv_round_names[c->round]);
	fprintf(out, "  %-19s %s\n", "overflow",
	    c->int8_overflow == FPV_OVF_WRAP ? "wrap (modulo 256)" :
	    "saturate (clamp to the range)");
}

/* The :info text of format f. */
char *
fpv_format_info(const struct fpv_ctx *c, const struct fpv_format *f)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL)
		return NULL;
	if (f->kind == FPV_KIND_IEEE)
		info_ieee(out, c, f);
	else
		info_int(out, c, f);
	fclose(out);
	return buf;
}

/* Write one :info value as a JSON object. */
static void
json_value(FILE *out, const char *key, const struct fpv_ctx *c,
    const struct fpv_format *f, uint64_t b)
{
	char hex[20], sh[FPV_DEC_SHORT], *ex = fpv_dec_exact(c, f, b);

	fpv_bits_hex(f, b, hex);
	fpv_dec_shortest(c, f, b, sh);
	fprintf(out, ", \"%s\": {\"value\": \"%s\", \"bits\": \"%s\", "
	    "\"exact_value\": ", key, sh, hex);
	fpv_json_string(out, ex ? ex : "", ex ? strlen(ex) : 0);
	putc('}', out);
	free(ex);
}

/* The :info facts of f as one JSON object (a line, newline-ended). */
char *
fpv_format_info_json(const struct fpv_ctx *c, const struct fpv_format *f)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL)
		return NULL;
	fprintf(out, "{\"format\": \"%s\", \"title\": ", f->name);
	fpv_json_string(out, f->title, strlen(f->title));
	if (f->kind == FPV_KIND_IEEE) {
		struct ieee_table t;

		ieee_table(f, &t);
		fprintf(out, ", \"kind\": \"ieee\", \"bits\": %d, "
		    "\"sign_bits\": 1, \"exponent_bits\": %d, "
		    "\"fraction_bits\": %d, \"precision\": %d, \"bias\": %d, "
		    "\"emin\": %d, \"emax\": %d, \"decimal_digits\": %d, "
		    "\"roundtrip_digits\": %d", f->bits, f->exp_bits,
		    f->frac_bits, fpv_format_prec(f), f->emax, 1 - f->emax,
		    f->emax, t.digits, t.roundtrip);
		json_value(out, "max", c, f, t.max);
		json_value(out, "smallest_normal", c, f, t.min_normal);
		json_value(out, "smallest_subnormal", c, f, t.min_subnormal);
		if (t.has_eps)
			json_value(out, "eps", c, f, t.eps);
	} else {
		char sc[64], lo[FPV_DEC_SHORT], hi[FPV_DEC_SHORT];
		uint64_t m = fpv_format_mask(f);

		scale_text(c, sc, sizeof sc);
		fpv_dec_shortest(c, f, (uint64_t)f->qmin & m, lo);
		fpv_dec_shortest(c, f, (uint64_t)f->qmax & m, hi);
		fprintf(out, ", \"kind\": \"int\", \"bits\": %d, \"qmin\": %d, "
		    "\"qmax\": %d, \"scale\": \"%s\", \"zero_point\": %ld, "
		    "\"overflow\": \"%s\", \"value_min\": \"%s\", "
		    "\"value_max\": \"%s\"", f->bits, f->qmin, f->qmax, sc,
		    c->int8_zero_point, c->int8_overflow == FPV_OVF_WRAP ?
		    "wrap" : "saturate", lo, hi);
	}
	fputs("}\n", out);
	fclose(out);
	return buf;
}

/* ---- :help ------------------------------------------------------------ */

static const char help_commands[] =
"Type an expression to evaluate it in every format, e.g. 0.1 + 0.2\n"
"Commands:\n"
"  :help [TOPIC]          this text; topics: syntax, functions, commands,\n"
"                         keys, int8, formats, flags\n"
"  :set round MODE        rounding: nearest, zero, up, down\n"
"  :set int8.scale S      int8 scale (a positive decimal, e.g. 0.1)\n"
"  :set int8.zero_point Z int8 zero point, an integer in -128..127\n"
"  :set int8.overflow M   saturate or wrap\n"
"  :set big on|off        large presentation layout (the full-screen view)\n"
"  :set                   show the settings\n"
"  :formats LIST          formats to show: fp16,fp32,fp64,int8 or all\n"
"  :info FORMAT           the format's layout, range, eps and digits\n"
"  :vars                  variables and their value in each format\n"
"  :clear                 forget all variables (ans included)\n"
"  :next, :n / :prev, :p  step forward / back through the operations\n"
"  :steps                 show every step of the last expression\n"
"  :lesson NAME|FILE      run a lesson (:lesson list shows them)\n"
"  :quit, :q              leave\n";

static const char help_syntax[] =
"Expressions:\n"
"  numbers    12  0.1  .5  1e-8  6.75E+0  0x1.8p3 (hex float)  inf  nan\n"
"  bits       fp16:0x3c00  fp32:0x40d80000  int8:0x80 (an encoding)\n"
"  constants  pi  e\n"
"  operators  + -  (loosest), * /, unary - +, ^ (power, right\n"
"             associative, tighter than unary minus: -2^2 is -4), ( )\n"
"  literals   are real numbers, rounded once into each format; a minus\n"
"             written before a number makes a negative literal\n"
"  functions  see :help functions; casts fp16() fp32() fp64() int8()\n"
"  variables  x = 0.1 stores x (each format keeps its own rounded value);\n"
"             ans is the last result\n"
"  comments   # to the end of the line\n";

static const char help_keys[] =
"Keys in the full-screen view (the input line always has the keyboard):\n"
"  Enter             evaluate; shows the result (the last step)\n"
"  PgDn / PgUp       next / previous step\n"
"  Right / Left, Space  next / previous step (input line empty)\n"
"  Home / End        first / last step (input line empty)\n"
"  Tab / Shift-Tab   select the next / previous format row (line empty);\n"
"                    otherwise Tab completes\n"
"  Up / Down         history\n"
"  F1, ? (line empty)  help\n"
"  Ctrl-L            redraw\n"
"  Ctrl-D (line empty), :quit  quit\n";

static const char help_int8[] =
"int8: an 8-bit quantized integer grid.\n"
"  A stored q in -128..127 means scale * (q - zero_point).  After every\n"
"  operation the exact result v is requantized: q = round(v / scale) +\n"
"  zero_point in the current rounding mode, then saturated to -128..127\n"
"  (:set int8.overflow saturate, the default) or wrapped modulo 256\n"
"  (wrap).  x/0 gives the end of the range with x's sign (divbyzero);\n"
"  0/0, sqrt(-1) and other invalid operations give 0 (invalid).\n"
"  Settings: :set int8.scale S, :set int8.zero_point Z,\n"
"  :set int8.overflow saturate|wrap.  Try :set int8.scale 0.1 then\n"
"  0.54 - 0.46.\n";

static const char help_formats[] =
"Formats (:info FORMAT for the details):\n"
"  fp16   IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits\n"
"  fp32   IEEE 754 binary32: 1 sign, 8 exponent, 23 fraction bits\n"
"  fp64   IEEE 754 binary64: 1 sign, 11 exponent, 52 fraction bits\n"
"  int8   quantized integer: scale * (q - zero_point), q in -128..127\n"
"  exact  the same expression without rounding (256 bits or more)\n"
"Choose the rows with :formats fp16,fp32 (or all).\n";

static const char help_flags[] =
"Flags (per step and format; the result shows all raised anywhere):\n"
"  inexact       the result was rounded\n"
"  underflow     tiny and inexact (tininess after rounding)\n"
"  overflow      too large: infinity (or the largest number)\n"
"  divbyzero     division of a nonzero number by zero\n"
"  invalid       no meaningful result (NaN; 0 in int8)\n"
"  subnormal     the result is subnormal (fewer significant bits)\n"
"  absorbed      x + y == x although y != 0: y vanished\n"
"  cancellation  a subtraction lost leading bits (how many is shown)\n"
"  saturated     int8: clamped to -128..127\n"
"  wrapped       int8: reduced modulo 256\n";

/* The :help functions text, built from the operation table. */
static void
help_functions(FILE *out)
{
	int col = 2;

	fputs("Functions:\n ", out);
	for (int op = 0; op < FPV_OP_COUNT; op++) {
		const struct fpv_op_info *o = &fpv_ops[op];
		char buf[40];
		int n;

		if (!o->callable)
			continue;
		n = snprintf(buf, sizeof buf, " %s(%s)", o->name,
		    o->nargs == 1 ? "x" : o->nargs == 2 ? "x,y" : "x,y,z");
		if (col + n > 72) {
			fputs("\n ", out);
			col = 2;
		}
		fputs(buf, out);
		col += n;
	}
	fputs("\nCasts (round to that format inside every column):\n ", out);
	for (int f = 0; f < FPV_NFORMATS; f++)
		fprintf(out, " %s(x)", fpv_formats[f].name);
	fputs("\nEvery function is correctly rounded in each column from "
	    "that column's\noperands, in the current rounding mode.\n", out);
}

/* Topics of :help (ORDER: help_text()). */
static const char *const help_topics[] = {
	"commands", "syntax", "functions", "keys", "int8", "formats", "flags",
	NULL
};

/* The help text of topic k. */
static char *
help_text(int k)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out;

	switch (k) {
	case 0: return strf("%s", help_commands);
	case 1: return strf("%s", help_syntax);
	case 3: return strf("%s", help_keys);
	case 4: return strf("%s", help_int8);
	case 5: return strf("%s", help_formats);
	case 6: return strf("%s", help_flags);
	default: break;
	}
	if ((out = open_memstream(&buf, &size)) == NULL)
		return NULL;
	help_functions(out);
	fclose(out);
	return buf;
}

/* ---- The commands ------------------------------------------------------ */

/* :help [topic] */
static int
cmd_help(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	char buf[64];

	(void)s;
	(void)d;
	if (no_more_than(c, 1, err) < 0)
		return -1;
	if (c->n == 1) {
		reply_text(r, help_text(0));
		return 0;
	}
	for (int k = 0; help_topics[k] != NULL; k++)
		if (word_is(c, 1, help_topics[k])) {
			reply_text(r, help_text(k));
			return 0;
		}
	return fail(c, c->w[1].off, err, "unknown help topic '%s' (topics: "
	    "syntax, functions, commands, keys, int8, formats, flags)",
	    word_text(c, 1, buf, sizeof buf));
}

/* The current settings as text. */
static char *
settings_text(const struct fpv_session *s, const struct fpv_display *d)
{
	char sc[64], *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL)
		return NULL;
	scale_text(&s->ctx, sc, sizeof sc);
	fprintf(out, "round %s\nint8.scale %s\nint8.zero_point %ld\n"
	    "int8.overflow %s\nbig %s\nformats ",
	    fpv_round_names[s->ctx.round], sc, s->ctx.int8_zero_point,
	    s->ctx.int8_overflow == FPV_OVF_WRAP ? "wrap" : "saturate",
	    d->big ? "on" : "off");
	print_mask(out, d->formats);
	putc('\n', out);
	fclose(out);
	return buf;
}

/* :set KEY VALUE (or KEY=VALUE), or :set alone. */
static int
cmd_set(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	struct word key, val;
	char k[64], v[128];
	bool have_val;

	if (c->n == 1) {
		reply_text(r, settings_text(s, d));
		return 0;
	}
	key = c->w[1];
	have_val = c->n >= 3;
	val = have_val ? c->w[2] : (struct word){ end_off(c), 0 };
	/* KEY=VALUE in one word. */
	for (size_t i = 0; i < key.len; i++)
		if (c->line[key.off + i] == '=') {
			if (c->n > 2)
				return fail(c, c->w[2].off, err,
				    "unexpected '%s' after :set %.*s",
				    word_text(c, 2, v, sizeof v), (int)key.len,
				    c->line + key.off);
			if (i + 1 < key.len) {
				val.off = key.off + i + 1;
				val.len = key.len - i - 1;
				have_val = true;
			}
			key.len = i;
			break;
		}
	if (c->n > 3)
		return fail(c, c->w[3].off, err, "unexpected '%s' after :set",
		    word_text(c, 3, v, sizeof v));
	snprintf(k, sizeof k, "%.*s", (int)(key.len < 60 ? key.len : 60),
	    c->line + key.off);
	snprintf(v, sizeof v, "%.*s", (int)(val.len < 120 ? val.len : 120),
	    c->line + val.off);
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';

	if (strcmp(k, "round") == 0) {
		int m = have_val ? fpv_round_parse(v) : -1;

		if (m < 0)
			return have_val ? fail(c, val.off, err,
			    "unknown rounding mode '%s' (expected nearest, "
			    "zero, up or down)", v) : fail(c, val.off, err,
			    "expected a rounding mode (nearest, zero, up or "
			    "down)");
		s->ctx.round = (enum fpv_round)m;
		r->action = FPV_CMD_REEVAL;
		reply_text(r, strf("round %s\n", fpv_round_names[m]));
		return 0;
	}
	if (strcmp(k, "int8.scale") == 0) {
		const char *why;
		struct fpv_ctx tmp;

		if (!have_val)
			return fail(c, val.off, err,
			    "expected a positive decimal number for the scale");
		/* Check on a copy so that an error changes nothing. */
		fpv_ctx_init(&tmp);
		if (fpv_ctx_set_scale(&tmp, v, &why) < 0) {
			fpv_ctx_clear(&tmp);
			return fail(c, val.off, err, "bad scale '%s': %s", v,
			    why);
		}
		fpv_ctx_clear(&tmp);
		fpv_ctx_set_scale(&s->ctx, v, &why);
		r->action = FPV_CMD_REEVAL;
		scale_text(&s->ctx, k, sizeof k);
		reply_text(r, strf("int8.scale %s\n", k));
		return 0;
	}
	if (strcmp(k, "int8.zero_point") == 0) {
		const struct fpv_format *f = &fpv_formats[FPV_INT8];
		char *end;
		long z;

		if (!have_val)
			return fail(c, val.off, err,
			    "expected an integer in %d..%d for the zero point",
			    f->qmin, f->qmax);
		z = strtol(v, &end, 10);
		if (*end != '\0' || end == v || z < f->qmin || z > f->qmax)
			return fail(c, val.off, err, "bad zero point '%s': "
			    "expected an integer in %d..%d", v, f->qmin,
			    f->qmax);
		s->ctx.int8_zero_point = z;
		r->action = FPV_CMD_REEVAL;
		reply_text(r, strf("int8.zero_point %ld\n", z));
		return 0;
	}
	if (strcmp(k, "int8.overflow") == 0) {
		if (have_val && strcmp(v, "saturate") == 0)
			s->ctx.int8_overflow = FPV_OVF_SATURATE;
		else if (have_val && strcmp(v, "wrap") == 0)
			s->ctx.int8_overflow = FPV_OVF_WRAP;
		else
			return have_val ? fail(c, val.off, err,
			    "unknown int8 overflow '%s' (expected saturate or "
			    "wrap)", v) : fail(c, val.off, err,
			    "expected saturate or wrap");
		r->action = FPV_CMD_REEVAL;
		reply_text(r, strf("int8.overflow %s\n", v));
		return 0;
	}
	if (strcmp(k, "big") == 0) {
		if (have_val && (strcmp(v, "on") == 0 || strcmp(v, "off") == 0))
			d->big = strcmp(v, "on") == 0;
		else
			return have_val ? fail(c, val.off, err,
			    "expected on or off, not '%s'", v) :
			    fail(c, val.off, err, "expected on or off");
		reply_text(r, strf("big %s\n", v));
		return 0;
	}
	return fail(c, key.off, err, "unknown setting '%s' (expected round, "
	    "int8.scale, int8.zero_point, int8.overflow or big)", k);
}

/* :formats [LIST] */
static int
cmd_formats(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	char *buf = NULL;
	size_t size = 0, bad;
	const char *why;
	unsigned mask;
	FILE *out;

	(void)s;
	if (c->n > 1) {
		size_t st = c->w[1].off;
		size_t en = c->w[c->n - 1].off + c->w[c->n - 1].len;

		if (parse_format_list(c->line + st, en - st, &mask, &bad,
		    &why) < 0)
			return fail(c, st + bad, err, "%s", why);
		d->formats = mask;
	}
	if ((out = open_memstream(&buf, &size)) == NULL)
		return 0;
	fputs("formats ", out);
	print_mask(out, d->formats);
	putc('\n', out);
	fclose(out);
	reply_text(r, buf);
	return 0;
}

/* :info [FORMAT] (all shown formats without an argument). */
static int
cmd_info(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	char *buf = NULL, tmp[64];
	size_t size = 0;
	FILE *out;
	unsigned mask;

	if (no_more_than(c, 1, err) < 0)
		return -1;
	if (c->n == 2) {
		const struct fpv_format *f = fpv_format_by_name(
		    c->line + c->w[1].off, c->w[1].len);

		if (f == NULL)
			return fail(c, c->w[1].off, err, "unknown format '%s' "
			    "(expected fp16, fp32, fp64 or int8)",
			    word_text(c, 1, tmp, sizeof tmp));
		mask = 1u << fpv_format_index(f);
	} else {
		mask = d->formats ? d->formats : (1u << FPV_NFORMATS) - 1;
	}
	if ((out = open_memstream(&buf, &size)) == NULL)
		return 0;
	for (int f = 0, first = 1; f < FPV_NFORMATS; f++) {
		char *t;

		if (!(mask & (1u << f)))
			continue;
		t = fpv_format_info(&s->ctx, &fpv_formats[f]);
		fprintf(out, "%s%s", first ? "" : "\n", t ? t : "");
		free(t);
		first = 0;
	}
	fclose(out);
	reply_text(r, buf);
	return 0;
}

/* :vars */
static int
cmd_vars(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	char *buf = NULL;
	size_t size = 0, w = 0;
	unsigned mask = d->formats ? d->formats : (1u << FPV_NFORMATS) - 1;
	FILE *out;

	if (no_more_than(c, 0, err) < 0)
		return -1;
	if (s->nvars == 0) {
		reply_text(r, strf("no variables\n"));
		return 0;
	}
	if ((out = open_memstream(&buf, &size)) == NULL)
		return 0;
	for (size_t i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].name) > w)
			w = strlen(s->vars[i].name);
	for (size_t i = 0; i < s->nvars; i++) {
		const struct fpv_var *v = &s->vars[i];
		char val[FPV_DEC_SHORT], ex[64];

		fprintf(out, "%-*s", (int)w, v->name);
		for (int f = 0; f < FPV_NFORMATS; f++) {
			if (!(mask & (1u << f)))
				continue;
			fpv_dec_shortest(&s->ctx, &fpv_formats[f], v->bits[f],
			    val);
			fprintf(out, "  %s %s", fpv_formats[f].name, val);
		}
		fpv_dec_round(v->exact, VARS_EXACT_DIGITS, ex, sizeof ex);
		fprintf(out, "  exact %s\n", ex);
	}
	fclose(out);
	reply_text(r, buf);
	return 0;
}

/* :clear */
static int
cmd_clear(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	(void)d;
	if (no_more_than(c, 0, err) < 0)
		return -1;
	fpv_session_clear_vars(s);
	reply_text(r, strf("variables cleared\n"));
	return 0;
}

/* :lesson NAME */
static int
cmd_lesson(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	(void)s;
	(void)d;
	if (c->n < 2)
		return fail(c, end_off(c), err,
		    "expected a lesson name or file (:lesson list shows them)");
	if (no_more_than(c, 1, err) < 0)
		return -1;
	r->action = FPV_CMD_LESSON;
	r->arg = strf("%.*s", (int)c->w[1].len, c->line + c->w[1].off);
	return 0;
}

/* Commands with no arguments that only ask the caller for an action. */
static int
simple(struct cmdline *c, struct fpv_cmd_reply *r, struct fpv_error *err,
    enum fpv_cmd_action a)
{
	if (no_more_than(c, 0, err) < 0)
		return -1;
	r->action = a;
	return 0;
}

/* Run a colon command. */
int
fpv_command_run(struct fpv_session *s, struct fpv_display *d,
    const char *line, size_t len, int lineno, struct fpv_cmd_reply *r,
    struct fpv_error *err)
{
	struct cmdline c = { .line = line, .len = len, .lineno = lineno };
	char name[64];

	r->action = FPV_CMD_NONE;
	r->text = NULL;
	r->arg = NULL;
	split(&c);
	if (word_is(&c, 0, "help") || word_is(&c, 0, "h") ||
	    word_is(&c, 0, "?"))
		return cmd_help(s, d, &c, r, err);
	if (word_is(&c, 0, "set"))
		return cmd_set(s, d, &c, r, err);
	if (word_is(&c, 0, "formats"))
		return cmd_formats(s, d, &c, r, err);
	if (word_is(&c, 0, "info"))
		return cmd_info(s, d, &c, r, err);
	if (word_is(&c, 0, "vars"))
		return cmd_vars(s, d, &c, r, err);
	if (word_is(&c, 0, "clear"))
		return cmd_clear(s, d, &c, r, err);
	if (word_is(&c, 0, "lesson"))
		return cmd_lesson(s, d, &c, r, err);
	if (word_is(&c, 0, "quit") || word_is(&c, 0, "q"))
		return simple(&c, r, err, FPV_CMD_QUIT);
	if (word_is(&c, 0, "next") || word_is(&c, 0, "n"))
		return simple(&c, r, err, FPV_CMD_NEXT);
	if (word_is(&c, 0, "prev") || word_is(&c, 0, "p"))
		return simple(&c, r, err, FPV_CMD_PREV);
	if (word_is(&c, 0, "steps"))
		return simple(&c, r, err, FPV_CMD_STEPS);
	if (c.w[0].len == 0)
		return fail(&c, c.w[0].off > 0 ? c.w[0].off - 1 : 0, err,
		    "expected a command name after ':' (try :help)");
	return fail(&c, c.w[0].off > 0 ? c.w[0].off - 1 : 0, err,
	    "unknown command ':%s' (try :help)",
	    word_text(&c, 0, name, sizeof name));
}
