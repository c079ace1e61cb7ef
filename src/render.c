/*
 * Renderers: a trace as a text table and as one JSON Lines object.
 * opts->formats selects the format rows (0 means all of them).
 *
 * Text.  A header line with the expression (and the rounding mode when
 * it is not nearest, the int8 settings when they are not the defaults),
 * then one row per shown format:
 *
 *   fp16   0 01101 0011001100  0x34cc  0.2998  err -1.2e-04 (rel -4.1e-04, 0.5 ulp)  inexact
 *
 * name, bits grouped by field, hex, shortest decimal, accumulated error
 * (absolute, relative, ulps; "err 0" when exact) and the flags raised
 * anywhere in the evaluation as words ("cancellation(12 bits)"), then
 * an "exact" row with the exact reference to TEXT_EXACT_DIGITS (20)
 * significant digits.  With steps, a block per step comes first:
 * "step 3/5: 1e4 + 0.0001", rows with that step's bits, value, its own
 * rounding loss ("loss ...") and its own flags, and its exact row.
 * Colour (ANSI, only when asked): sign, exponent and fraction bits each
 * have a colour; overflow/invalid/divbyzero are red, underflow,
 * subnormal, absorbed, cancellation, saturated and wrapped yellow.  The
 * words are always printed, so nothing depends on colour.
 *
 * JSON Lines.  The schema of PRODUCT.md, with these keys added (for the
 * man page):
 *   top level   "assign": NAME          for "NAME = expr" lines
 *               "int8": {"scale": "0.1", "zero_point": 0,
 *                        "overflow": "saturate"}   when int8 is shown
 *   per result  "bits_lost": "1.5"      precision bits lost (0..precision)
 *               "cancelled_bits": N     when the flags hold cancellation
 *                                       (results: the largest of any step)
 *               "q": N                  int formats: the stored integer
 *   per step    "description": "1e4 + 0.0001"   the step in words
 *               "args": [1, 2]          operand step indices (1-based)
 *               "exact": "..."          exact reference of the sub-expression
 *               results.F."local_abs_error", "local_rel_error",
 *               "local_ulp_error", "local_bits_lost": this step's own
 *               rounding loss (result against the exact operation on the
 *               column's rounded operands); "abs_error" etc. are the
 *               accumulated error against "exact".
 * Numbers are strings: "exact" has JSON_EXACT_DIGITS (40) significant
 * digits, absolute and relative errors JSON_ERROR_DIGITS (17), ulps and
 * bits lost JSON_ULP_DIGITS (6); an error that is undefined (NaN against a number,
 * infinity against a finite value) is "nan" or "inf"/"-inf".  "value" is
 * the shortest round-trip decimal, "exact_value" the stored value's
 * exact decimal; see decimal.c for the notation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/render.h"

/* Significant digits of the exact reference in text tables. */
#define TEXT_EXACT_DIGITS 20
/* Significant digits of the exact reference in JSON. */
#define JSON_EXACT_DIGITS 40
/* Significant digits of absolute and relative errors in JSON. */
#define JSON_ERROR_DIGITS 17
/* Significant digits of ulps and bits lost in JSON. */
#define JSON_ULP_DIGITS 6

/* ANSI styles (text only). */
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_SIGN "\033[35m"
#define C_EXP "\033[36m"
#define C_FRAC "\033[32m"
#define C_BAD "\033[1;31m"
#define C_WARN "\033[33m"

/* The formats opts shows (0 means all). */
static unsigned
shown(const struct fpv_render_opts *opts)
{
	unsigned all = (1u << FPV_NFORMATS) - 1;

	return opts->formats & all ? opts->formats & all : all;
}

/* ---- Small text helpers --------------------------------------------- */

/* d * 10^k in double arithmetic, within a few ulps. */
static double
scale10(double d, long k)
{
	static const double p[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	long a = k < 0 ? -k : k;

	while (a > 22) {
		d = k < 0 ? d / 1e22 : d * 1e22;
		a -= 22;
	}
	return k < 0 ? d / p[a] : d * p[a];
}

/*
 * compact() through the nearest double d of x, when that cannot change
 * the two-digit rounding: d's four-digit form tells whether d is near a
 * two-digit tie (digits 3-4 "49" or "50"); if not, x, within half an ulp
 * of d, rounds the same way.  Returns false when undecided.
 */
static bool
fast_compact(mpfr_srcptr x, char *buf, size_t size)
{
	double d = fabs(mpfr_get_d(x, MPFR_RNDN)), sc, fr;
	char d1, d2;
	long E, digs;
	bool neg = mpfr_signbit(x) != 0;

	if (!(d > 1e-300 && d < 1e300))
		return false;
	/* d * 10^(1 - E) in [10, 100): two digits.  The scaling costs a few
	 * ulps, far below the margin kept around the rounding point, and
	 * values near it go the exact way (mpfr_get_str). */
	E = (long)floor(log10(d));
	sc = scale10(d, 1 - E);
	if (sc >= 100) {
		E++;
		sc = scale10(d, 1 - E);
	} else if (sc < 10) {
		E--;
		sc = scale10(d, 1 - E);
	}
	if (!(sc >= 10 && sc < 100))
		return false;
	digs = (long)sc;
	fr = sc - (double)digs;
	if (fabs(fr - 0.5) < 1e-6)
		return false;
	if (fr > 0.5 && ++digs == 100) {
		digs = 10;
		E++;
	}
	d1 = (char)('0' + digs / 10);
	d2 = (char)('0' + digs % 10);
	/* -d.de-XX, by hand: this is on every row of every table. */
	{
		char t[24];
		size_t n = 0;
		long a = E < 0 ? -E : E;

		if (neg)
			t[n++] = '-';
		t[n++] = d1;
		t[n++] = '.';
		t[n++] = d2;
		t[n++] = 'e';
		t[n++] = E < 0 ? '-' : '+';
		if (a >= 100)
			t[n++] = (char)('0' + a / 100);
		t[n++] = (char)('0' + a / 10 % 10);
		t[n++] = (char)('0' + a % 10);
		t[n] = '\0';
		snprintf(buf, size, "%s", t);
	}
	return true;
}

/* x as a compact "-2.0e-04" (two significant digits), "0", "inf", "nan". */
static void
compact(mpfr_srcptr x, char *buf, size_t size)
{
	char s[8];
	mpfr_exp_t e;
	long E;
	bool neg;

	if (mpfr_nan_p(x)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (mpfr_inf_p(x)) {
		snprintf(buf, size, "%sinf", mpfr_signbit(x) ? "-" : "");
		return;
	}
	if (mpfr_zero_p(x)) {
		snprintf(buf, size, "0");
		return;
	}
	if (fast_compact(x, buf, size))
		return;
	mpfr_get_str(s, &e, 10, 2, x, MPFR_RNDN);	/* room for 7 + sign */
	neg = s[0] == '-';
	E = (long)e - 1;
	snprintf(buf, size, "%s%c.%ce%c%02ld", neg ? "-" : "", s[neg],
	    s[neg + 1], E < 0 ? '-' : '+', E < 0 ? -E : E);
}

/* A count of ulps to two significant digits ("0.8", "1500", "1.4e+07"). */
static void
compact_double(double d, char *buf, size_t size)
{
	if (fabs(d) >= 1e4) {
		mpfr_t x;

		mpfr_init2(x, 64);
		mpfr_set_d(x, d, MPFR_RNDN);
		compact(x, buf, size);
		mpfr_clear(x);
	} else {
		fpv_dec_double(d, 2, buf, size);
	}
}

/*
 * An error cell: "err -2.0e-04 (rel -6.5e-04, 0.8 ulp)", "err 0", or
 * "err inf" when the error is not finite.
 */
static void
error_cell(const char *label, const struct fpv_errinfo *e, char *buf,
    size_t size)
{
	char a[32], r[32], u[32];

	compact(e->err, a, sizeof a);
	if (mpfr_zero_p(e->err) || !mpfr_number_p(e->err)) {
		snprintf(buf, size, "%s %s", label, a);
		return;
	}
	compact(e->rel, r, sizeof r);
	compact_double(e->ulps, u, sizeof u);
	snprintf(buf, size, "%s %s (rel %s, %s ulp)", label, a, r, u);
}

/* The style of a flag's word, or NULL for plain. */
static const char *
flag_style(int bit)
{
	switch (1u << bit) {
	case FPV_FLAG_OVERFLOW: case FPV_FLAG_INVALID: case FPV_FLAG_DIVBYZERO:
		return C_BAD;
	case FPV_FLAG_INEXACT:
		return NULL;
	default:
		return C_WARN;
	}
}

/* Largest cancellation count of column f over all steps. */
static int32_t
max_cancelled(const struct fpv_trace *t, int f)
{
	int32_t m = 0;

	for (size_t i = 0; i < t->nsteps; i++)
		if (t->steps[i].cell[f].cancelled > m)
			m = t->steps[i].cell[f].cancelled;
	return m;
}

/* Print the flag words of flags (cancellation with its bit count). */
static void
print_flags(FILE *out, uint32_t flags, int32_t cancelled, bool color)
{
	bool first = true;

	for (int b = 0; b < FPV_FLAG_COUNT; b++) {
		const char *st;

		if (!(flags & (1u << b)))
			continue;
		st = color ? flag_style(b) : NULL;
		fprintf(out, "%s%s%s", first ? "" : " ", st ? st : "",
		    fpv_flag_names[b]);
		if ((1u << b) == FPV_FLAG_CANCELLATION && cancelled > 0)
			fprintf(out, "(%d bits)", (int)cancelled);
		if (st)
			fputs(C_RESET, out);
		first = false;
	}
}

/* Print the grouped binary string of f, coloured by field. */
static void
print_bits(FILE *out, const struct fpv_format *f, const char *bin, bool color)
{
	static const char *const field[3] = { C_SIGN, C_EXP, C_FRAC };
	int k = 0;

	if (!color) {
		fputs(bin, out);
		return;
	}
	fputs(field[0], out);
	for (const char *p = bin; *p; p++) {
		if (*p == ' ') {
			fputs(C_RESET, out);
			putc(' ', out);
			k++;
			/* Int formats: sign, then magnitude in the fraction colour. */
			if (f->kind == FPV_KIND_INT && k == 1)
				k = 2;
			fputs(field[k < 3 ? k : 2], out);
		} else {
			putc(*p, out);
		}
	}
	fputs(C_RESET, out);
}

/* Print n spaces. */
static void
pad(FILE *out, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;

		fwrite(sp, 1, k, out);
		n -= k;
	}
}

/* Print the line's text without control characters or trailing space. */
static void
print_source(FILE *out, const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		putc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

/* One text row, in plain strings; widths are computed over a block. */
struct row {
	int f;			/* format index, or -1 for the exact row */
	char bin[72];
	char hex[20];
	char value[FPV_DEC_SHORT];
	char err[128];
	uint32_t flags;
	int32_t cancelled;
};

/* Fill the row of column f at step i: local loss or accumulated error. */
static void
fill_row(const struct fpv_trace *t, size_t i, int f, bool local,
    uint32_t flags, int32_t cancelled, struct row *r)
{
	const struct fpv_format *fmt = &fpv_formats[f];
	uint64_t b = t->steps[i].cell[f].bits;
	struct fpv_errinfo e;

	r->f = f;
	fpv_bits_binary(fmt, b, r->bin);
	fpv_bits_hex(fmt, b, r->hex);
	fpv_dec_shortest(&t->ctx, fmt, b, r->value);
	fpv_errinfo_init(&e);
	if (local)
		fpv_trace_local_error(t, i, f, &e);
	else
		fpv_trace_accum_error(t, i, f, &e);
	error_cell(local ? "loss" : "err", &e, r->err, sizeof r->err);
	fpv_errinfo_clear(&e);
	r->flags = flags;
	r->cancelled = cancelled;
}

/* Print rows[0..n) (the last is the exact row) as an aligned table. */
static void
print_rows(FILE *out, const struct row *rows, size_t n, bool color)
{
	size_t wb = 0, wh = 0, wv = 0, we = 0;

	for (size_t k = 0; k < n; k++) {
		if (rows[k].f >= 0) {
			wb = strlen(rows[k].bin) > wb ? strlen(rows[k].bin) : wb;
			wh = strlen(rows[k].hex) > wh ? strlen(rows[k].hex) : wh;
			we = strlen(rows[k].err) > we ? strlen(rows[k].err) : we;
		}
		wv = strlen(rows[k].value) > wv ? strlen(rows[k].value) : wv;
	}
	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];

		if (r->f < 0) {
			fprintf(out, "  %sexact%s  ", color ? C_BOLD : "",
			    color ? C_RESET : "");
			pad(out, wb + 2 + wh + 2);
			fprintf(out, "%s\n", r->value);
			continue;
		}
		fprintf(out, "  %-5s  ", fpv_formats[r->f].name);
		print_bits(out, &fpv_formats[r->f], r->bin, color);
		pad(out, wb - strlen(r->bin) + 2);
		fputs(r->hex, out);
		pad(out, wh - strlen(r->hex) + 2);
		fputs(r->value, out);
		pad(out, wv - strlen(r->value) + 2);
		fputs(r->err, out);
		if (r->flags) {
			pad(out, we - strlen(r->err) + 2);
			print_flags(out, r->flags, r->cancelled, color);
		}
		putc('\n', out);
	}
}

/* Print the header: expression, rounding mode and int8 settings if set. */
static void
print_header(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	const struct fpv_ctx *c = &t->ctx;

	if (opts->color)
		fputs(C_BOLD, out);
	print_source(out, t->ast.src, t->ast.len);
	if (opts->color)
		fputs(C_RESET, out);
	if (c->round != FPV_RND_NEAREST)
		fprintf(out, "   [round: %s]", fpv_round_names[c->round]);
	if ((shown(opts) & (1u << FPV_INT8)) &&
	    (mpq_cmp_ui(c->int8_scale, 1, 1) != 0 || c->int8_zero_point != 0 ||
	    c->int8_overflow != FPV_OVF_SATURATE)) {
		char sc[FPV_DEC_SHORT];
		mpfr_t x;

		mpfr_init2(x, FPV_EXACT_PREC);
		mpfr_set_q(x, c->int8_scale, MPFR_RNDN);
		fpv_dec_round(x, 17, sc, sizeof sc);
		mpfr_clear(x);
		fprintf(out, "   [int8: scale %s, zero point %ld, %s]", sc,
		    c->int8_zero_point, c->int8_overflow == FPV_OVF_WRAP ?
		    "wrap" : "saturate");
	}
	putc('\n', out);
}

/* Print step i's rows (its own flags and rounding loss) and exact row. */
static void
step_rows(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	struct row rows[FPV_NFORMATS + 1];
	size_t n = 0;

	for (int f = 0; f < FPV_NFORMATS; f++) {
		const struct fpv_cell *c = &t->steps[i].cell[f];

		if (shown(opts) & (1u << f))
			fill_row(t, i, f, true, c->flags, c->cancelled,
			    &rows[n++]);
	}
	rows[n].f = -1;
	fpv_dec_round(t->steps[i].exact, TEXT_EXACT_DIGITS, rows[n].value,
	    sizeof rows[n].value);
	print_rows(out, rows, n + 1, opts->color);
}

/* Print step i as a text block. */
void
fpv_render_text_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	char desc[512];

	if (i >= t->nsteps)
		return;
	fpv_trace_describe(t, i, desc, sizeof desc);
	fprintf(out, "%sstep %zu/%zu:%s ", opts->color ? C_BOLD : "", i + 1,
	    t->nsteps, opts->color ? C_RESET : "");
	print_source(out, desc, strlen(desc));
	putc('\n', out);
	step_rows(out, t, i, opts);
}

/* Print the result table, after every step when asked. */
void
fpv_render_text(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	struct row rows[FPV_NFORMATS + 1];
	size_t n = 0, last;

	if (t->nsteps == 0)
		return;
	if (opts->steps)
		for (size_t i = 0; i < t->nsteps; i++)
			fpv_render_text_step(out, t, i, opts);
	print_header(out, t, opts);
	last = t->nsteps - 1;
	for (int f = 0; f < FPV_NFORMATS; f++)
		if (shown(opts) & (1u << f))
			fill_row(t, last, f, false, t->sticky[f],
			    max_cancelled(t, f), &rows[n++]);
	rows[n].f = -1;
	fpv_dec_round(t->steps[last].exact, TEXT_EXACT_DIGITS, rows[n].value,
	    sizeof rows[n].value);
	print_rows(out, rows, n + 1, opts->color);
}

/* Print "error: L:C: message". */
void
fpv_render_error(FILE *out, const struct fpv_error *err, bool color)
{
	fprintf(out, "%serror:%s %d:%d: ", color ? C_BAD : "",
	    color ? C_RESET : "", err->line, err->col);
	print_source(out, err->msg, strnlen(err->msg, sizeof err->msg));
	putc('\n', out);
}

/* ---- JSON ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Write s as a JSON string; invalid UTF-8 bytes become U+FFFD. */
void
fpv_json_string(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	putc('"', out);
	while (i < len) {
		unsigned char c = u[i];
		size_t n;

		switch (c) {
		case '"': fputs("\\\"", out); i++; continue;
		case '\\': fputs("\\\\", out); i++; continue;
		case '\n': fputs("\\n", out); i++; continue;
		case '\r': fputs("\\r", out); i++; continue;
		case '\t': fputs("\\t", out); i++; continue;
		case '\b': fputs("\\b", out); i++; continue;
		case '\f': fputs("\\f", out); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq(u + i, len - i);
		if (n == 0) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		fwrite(u + i, 1, n, out);
		i += n;
	}
	putc('"', out);
}

/* Write a C string as a JSON string. */
static void
json_cstr(FILE *out, const char *s)
{
	fpv_json_string(out, s, strlen(s));
}

/* Write the flags array. */
static void
json_flags(FILE *out, uint32_t flags)
{
	bool first = true;

	putc('[', out);
	for (int b = 0; b < FPV_FLAG_COUNT; b++)
		if (flags & (1u << b)) {
			fprintf(out, "%s\"%s\"", first ? "" : ", ",
			    fpv_flag_names[b]);
			first = false;
		}
	putc(']', out);
}

/* Write the error fields of e with key prefix ("" or "local_"). */
static void
json_errors(FILE *out, const char *prefix, const struct fpv_errinfo *e)
{
	char a[96], r[96], u[FPV_DEC_SHORT], l[FPV_DEC_SHORT];

	fpv_dec_round(e->err, JSON_ERROR_DIGITS, a, sizeof a);
	fpv_dec_round(e->rel, JSON_ERROR_DIGITS, r, sizeof r);
	fpv_dec_double(e->ulps, JSON_ULP_DIGITS, u, sizeof u);
	fpv_dec_double(e->bits_lost, JSON_ULP_DIGITS, l, sizeof l);
	fprintf(out, ", \"%sabs_error\": \"%s\", \"%srel_error\": \"%s\", "
	    "\"%sulp_error\": \"%s\", \"%sbits_lost\": \"%s\"", prefix, a,
	    prefix, r, prefix, u, prefix, l);
}

/* Write one format's result object for step i. */
static void
json_cell(FILE *out, const struct fpv_trace *t, size_t i, int f,
    uint32_t flags, int32_t cancelled, bool local)
{
	const struct fpv_format *fmt = &fpv_formats[f];
	uint64_t b = t->steps[i].cell[f].bits;
	char hex[20], val[FPV_DEC_SHORT], *ex;
	struct fpv_errinfo e;

	fpv_bits_hex(fmt, b, hex);
	fpv_dec_shortest(&t->ctx, fmt, b, val);
	ex = fpv_dec_exact(&t->ctx, fmt, b);
	fprintf(out, "\"%s\": {\"bits\": \"%s\", \"value\": \"%s\", "
	    "\"exact_value\": ", fmt->name, hex, val);
	if (ex != NULL)
		json_cstr(out, ex);
	else
		fputs("null", out);
	free(ex);
	if (fmt->kind == FPV_KIND_INT) {
		uint64_t m = fpv_format_mask(fmt);
		long q = (long)(b & m);

		if ((b & m) >> (fmt->bits - 1))
			q -= (long)m + 1;
		fprintf(out, ", \"q\": %ld", q);
	}
	fputs(", \"flags\": ", out);
	json_flags(out, flags);
	if ((flags & FPV_FLAG_CANCELLATION) && cancelled > 0)
		fprintf(out, ", \"cancelled_bits\": %d", (int)cancelled);
	fpv_errinfo_init(&e);
	fpv_trace_accum_error(t, i, f, &e);
	json_errors(out, "", &e);
	if (local) {
		fpv_trace_local_error(t, i, f, &e);
		json_errors(out, "local_", &e);
	}
	fpv_errinfo_clear(&e);
	putc('}', out);
}

/* Write the "results" object of step i. */
static void
json_results(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, bool step)
{
	bool first = true;

	fputs("\"results\": {", out);
	for (int f = 0; f < FPV_NFORMATS; f++) {
		if (!(shown(opts) & (1u << f)))
			continue;
		if (!first)
			fputs(", ", out);
		first = false;
		if (step)
			json_cell(out, t, i, f, t->steps[i].cell[f].flags,
			    t->steps[i].cell[f].cancelled, true);
		else
			json_cell(out, t, i, f, t->sticky[f],
			    max_cancelled(t, f), false);
	}
	putc('}', out);
}

/* Write the exact reference x to JSON_EXACT_DIGITS digits as a string. */
static void
json_exact(FILE *out, mpfr_srcptr x)
{
	char buf[128];

	fpv_dec_round(x, JSON_EXACT_DIGITS, buf, sizeof buf);
	json_cstr(out, buf);
}

/* Write the object of step i. */
static void
json_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	char desc[512];
	uint32_t args[3];
	int k = fpv_trace_args(t, i, args);

	fprintf(out, "{\"index\": %zu, \"op\": ", i + 1);
	json_cstr(out, fpv_trace_opname(t, i));
	fputs(", \"text\": ", out);
	fpv_json_string(out, t->ast.src + n->start, n->end - n->start);
	fpv_trace_describe(t, i, desc, sizeof desc);
	fputs(", \"description\": ", out);
	json_cstr(out, desc);
	fputs(", \"args\": [", out);
	for (int j = 0; j < k; j++)
		fprintf(out, "%s%lu", j ? ", " : "", (unsigned long)args[j] + 1);
	fputs("], \"exact\": ", out);
	json_exact(out, t->steps[i].exact);
	fputs(", ", out);
	json_results(out, t, i, opts, true);
	putc('}', out);
}

/* Print one JSON Lines object for an evaluated line. */
void
fpv_render_json(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	const struct fpv_ctx *c = &t->ctx;

	size_t len = t->ast.len;

	if (t->nsteps == 0)
		return;
	while (len > 0 && (t->ast.src[len - 1] == '\n' ||
	    t->ast.src[len - 1] == '\r'))
		len--;
	fputs("{\"expr\": ", out);
	fpv_json_string(out, t->ast.src, len);
	if (t->ast.assign) {
		fputs(", \"assign\": ", out);
		fpv_json_string(out, t->ast.src + t->ast.name, t->ast.namelen);
	}
	fprintf(out, ", \"round\": \"%s\"", fpv_round_names[c->round]);
	if (shown(opts) & (1u << FPV_INT8)) {
		mpfr_t x;

		/* A scale is a decimal of modest length: exact at 40 digits. */
		mpfr_init2(x, FPV_EXACT_PREC);
		mpfr_set_q(x, c->int8_scale, MPFR_RNDN);
		fputs(", \"int8\": {\"scale\": ", out);
		json_exact(out, x);
		mpfr_clear(x);
		fprintf(out, ", \"zero_point\": %ld, \"overflow\": \"%s\"}",
		    c->int8_zero_point, c->int8_overflow == FPV_OVF_WRAP ?
		    "wrap" : "saturate");
	}
	fputs(", \"exact\": ", out);
	json_exact(out, fpv_trace_result(t)->exact);
	fputs(", ", out);
	json_results(out, t, t->nsteps - 1, opts, false);
	if (opts->steps) {
		fputs(", \"steps\": [", out);
		for (size_t i = 0; i < t->nsteps; i++) {
			if (i > 0)
				fputs(", ", out);
			json_step(out, t, i, opts);
		}
		putc(']', out);
	}
	fputs("}\n", out);
}

/* Print the JSON Lines object of a line that failed. */
void
fpv_render_json_error(FILE *out, const char *src, size_t len,
    const struct fpv_error *err)
{
	while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r'))
		len--;
	fputs("{\"expr\": ", out);
	fpv_json_string(out, src, len);
	fputs(", \"error\": {\"message\": ", out);
	fpv_json_string(out, err->msg, strnlen(err->msg, sizeof err->msg));
	fprintf(out, ", \"line\": %d, \"column\": %d}}\n", err->line, err->col);
}
