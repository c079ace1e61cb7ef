/*
 * Format tables (--info, :info): the characteristic numbers of a format
 * computed from its descriptor, as text and as one JSON object.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/info.h"
#include "fpviz/render.h"

/* The characteristic encodings of a float format. */
struct table {
	uint64_t max, min, min_normal, min_subnormal, eps;
	bool has_eps;
	int digits;		/* decimal digits that always survive */
	int roundtrip;		/* digits that tell every value apart */
};

/* Compute the table of f from its descriptor. */
static void
float_table(const struct fpv_ctx *c, const struct fpv_format *f,
    struct table *t)
{
	int p = fpv_format_prec(f);
	mpfr_t x;
	struct fpv_real r;
	unsigned flags = 0;

	t->max = f->max_code;
	t->min_normal = f->zero ? (uint64_t)1 << f->frac_bits : 0;
	t->min_subnormal = f->zero && f->subnormals ? 1 : t->min_normal;
	t->min = f->sign ? fpv_format_signbit(f) | f->max_code :
	    f->zero ? 0 : t->min_normal;
	/* eps = 2^-frac_bits, where the format holds it exactly. */
	mpfr_init2(x, FPV_EXACT_PREC);
	mpfr_set_ui_2exp(x, 1, -f->frac_bits, MPFR_RNDN);
	r = (struct fpv_real){ .approx = x };
	{
		struct fpv_ctx near;

		fpv_ctx_init(&near);
		t->eps = fpv_num_round_real(&near, f, &r, &flags);
		fpv_ctx_clear(&near);
	}
	(void)c;
	t->has_eps = (flags & (FPV_FLAG_INEXACT | FPV_FLAG_INVALID)) == 0;
	mpfr_clear(x);
	t->digits = (int)floor((p - 1) * 0.30102999566398120);
	t->roundtrip = (int)ceil(p * 0.30102999566398120) + 1;
}

/* One value of a format table: as values are shown, bits, shortest, and
 * exactly as an odd integer times a power of two. */
struct value {
	char value[FPV_DEC_VALUE];
	size_t width;		/* columns of value */
	char hex[20];
	char shortest[FPV_DEC_SHORT];
	char exactly[64];	/* "2047 x 2^5", "2^-14" */
};

/* Fill v for encoding b of f. */
static void
value_of(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    struct value *v)
{
	size_t n = fpv_dec_value(c, f, b, v->value, NULL);
	uint64_t m;
	int q;

	v->width = fpv_dec_value_columns(v->value, n);
	fpv_bits_hex(f, b, v->hex);
	fpv_dec_shortest(c, f, b, v->shortest);
	v->exactly[0] = '\0';
	if (fpv_bits_parts(f, b, &m, &q) && m != 0) {
		q += __builtin_ctzll(m);
		m >>= __builtin_ctzll(m);
		if (m == 1)
			snprintf(v->exactly, sizeof v->exactly, "2^%d", q);
		else
			snprintf(v->exactly, sizeof v->exactly, "%llu x 2^%d",
			    (unsigned long long)m, q);
	}
}

/*
 * Print one row of the value table (the value padded by its columns);
 * two: in two lines, the shortest decimal under the value and the exact
 * form under the bits.
 */
static void
row(FILE *out, const char *label, const struct value *v, bool two)
{
	if (two)
		fprintf(out, "  %-19s %s%*s %s\n  %-19s %-26s %s\n", label,
		    v->value, v->width < 26 ? (int)(26 - v->width) : 0, "",
		    v->hex, "", v->shortest, v->exactly);
	else
		fprintf(out, "  %-19s %s%*s %-19s %-24s %s\n", label, v->value,
		    v->width < 26 ? (int)(26 - v->width) : 0, "", v->hex,
		    v->shortest, v->exactly);
}

/* Columns of the value table's one-line rows, or its two-line rows. */
#define ROW_COLUMNS(exactly) (2 + 19 + 1 + 26 + 1 + 19 + 1 + 24 + 1 + (exactly))
#define ROW2_COLUMNS(exactly) (2 + 19 + 1 + 26 + 1 + \
	((exactly) > 18 ? (exactly) : 18))

/* Write n copies of ch. */
static void
repeat(FILE *out, int ch, int n)
{
	for (int i = 0; i < n; i++)
		putc(ch, out);
}

/* What the all-ones exponent holds, in words. */
static void
special_text(FILE *out, const struct fpv_format *f)
{
	char hex[20];

	switch (f->top) {
	case FPV_TOP_IEEE:
		fpv_bits_hex(f, f->qnan, hex);
		fprintf(out, "infinity and NaN (exponent all ones, as IEEE 754;"
		    " quiet NaN %s)", hex);
		break;
	case FPV_TOP_FN:
		fpv_bits_hex(f, f->qnan, hex);
		fprintf(out, "no infinity; NaN only at %s%s (%s)",
		    f->sign ? "S." : "", f->frac_bits > 0 ? "all ones" :
		    "the all-ones exponent", hex);
		break;
	case FPV_TOP_FINITE:
		fputs("finite numbers only: no infinity, no NaN (NaN becomes -0)",
		    out);
		break;
	}
	putc('\n', out);
}

/*
 * The :info text of a float format; its value table in two lines a row
 * where one line does not fit width (0: no limit) but two do.
 */
static void
info_float(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f,
    int width)
{
	static const char *const label[4] = { "max", "smallest normal",
	    "smallest subnormal", "eps" };
	struct table t;
	struct value v[4];
	bool shown[4], two = false;
	size_t ex = 0;

	float_table(c, f, &t);
	shown[0] = shown[1] = true;
	shown[2] = t.min_subnormal != t.min_normal;
	shown[3] = t.has_eps;
	value_of(c, f, t.max, &v[0]);
	value_of(c, f, t.min_normal, &v[1]);
	value_of(c, f, t.min_subnormal, &v[2]);
	value_of(c, f, t.eps, &v[3]);
	for (int k = 0; k < 4; k++)
		if (shown[k] && strlen(v[k].exactly) > ex)
			ex = strlen(v[k].exactly);
	if (width > 0 && ROW_COLUMNS(ex) > (size_t)width &&
	    ROW2_COLUMNS(ex) <= (size_t)width)
		two = true;
	fprintf(out, "%s: %s\n", f->name, f->title);
	fprintf(out, "  %-19s ", "layout");
	if (f->sign)
		fputs("S ", out);
	repeat(out, 'E', f->exp_bits);
	if (f->frac_bits > 0) {
		putc(' ', out);
		repeat(out, 'F', f->frac_bits);
	}
	fprintf(out, "  (%s%d exponent, %d fraction bits; %d in all)\n",
	    f->sign ? "1 sign, " : "no sign, ", f->exp_bits, f->frac_bits,
	    f->bits);
	fprintf(out, "  %-19s %d bit%s (%d stored + 1 implicit)\n",
	    "precision", fpv_format_prec(f), fpv_format_prec(f) > 1 ? "s" : "",
	    f->frac_bits);
	fprintf(out, "  %-19s %d\n", "exponent bias", f->bias);
	fprintf(out, "  %-19s %d .. %d (normal numbers)\n", "exponent range",
	    f->emin, f->emax);
	fprintf(out, "  %-19s ", "special values");
	special_text(out, f);
	fprintf(out, "  %-19s %s\n", "subnormals", !f->zero ? "none, and no "
	    "zero: exponent 0 is the lowest binade" : f->subnormals ? "yes" :
	    "none (a tiny result is 0 or the smallest normal number)");
	fprintf(out, "  %-19s %s\n", "overflow",
	    f->overflow == FPV_OVF_INF ? "inf (IEEE 754: infinity, or the "
	    "largest number by the rounding mode)" :
	    f->overflow == FPV_OVF_NAN ? "nan (NaN where IEEE 754 would give "
	    "infinity)" : "saturate (the largest finite number)");
	if (t.digits > 0)
		fprintf(out, "  %-19s %d (any %d-digit decimal survives a round "
		    "trip); %d tell every value apart\n", "decimal digits",
		    t.digits, t.digits, t.roundtrip);
	else
		fprintf(out, "  %-19s 0 (no decimal digit is sure to survive a "
		    "round trip); %d tell every value apart\n", "decimal digits",
		    t.roundtrip);
	if (two)
		fprintf(out, "  %-19s %-26s %s\n  %-19s %-26s %s\n", "", "value",
		    "bits", "", "shortest", "exactly");
	else
		fprintf(out, "  %-19s %-26s %-19s %-24s %s\n", "", "value",
		    "bits", "shortest", "exactly");
	for (int k = 0; k < 4; k++)
		if (shown[k])
			row(out, label[k], &v[k], two);
	fprintf(out, "  (eps: the gap between 1 and the next number; "
	    FPV_DEC_MARK ": the shortest decimal that reads back, where the "
	    "exact one is longer than %d digits)\n", FPV_DEC_VALUE_DIGITS);
}

/* The scale of f as text (exact: a decimal or dyadic of modest length). */
static void
scale_text(const struct fpv_format *f, char *buf, size_t size)
{
	mpq_t q;
	mpfr_t x;

	mpq_init(q);
	fpv_grid_scale(f, q);
	mpfr_init2(x, FPV_EXACT_PREC);
	mpfr_set_q(x, q, MPFR_RNDN);
	fpv_dec_round(x, 40, buf, size);
	mpfr_clear(x);
	mpq_clear(q);
}

/* The :info text of an integer grid. */
static void
info_int(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f)
{
	char sc[64], lo[FPV_DEC_VALUE], hi[FPV_DEC_VALUE];

	scale_text(f, sc, sizeof sc);
	fpv_dec_value(c, f, fpv_q_bits(f, f->qmin), lo, NULL);
	fpv_dec_value(c, f, fpv_q_bits(f, f->qmax), hi, NULL);
	fprintf(out, "%s: %s\n", f->name, f->title);
	fprintf(out, "  %-19s ", "layout");
	repeat(out, 'Q', f->bits);
	if (f->sign)
		fprintf(out, "  (%d-bit two's complement q; its first bit is "
		    "the sign)\n", f->bits);
	else
		fprintf(out, "  (%d-bit unsigned q)\n", f->bits);
	fprintf(out, "  %-19s %lld .. %lld\n", "stored range (q)",
	    (long long)f->qmin, (long long)f->qmax);
	fprintf(out, "  %-19s scale * (q - zero_point)\n", "value");
	fprintf(out, "  %-19s %s\n", "scale", sc);
	fprintf(out, "  %-19s %lld\n", "zero point", (long long)f->zero_point);
	fprintf(out, "  %-19s %s .. %s\n", "value range", lo, hi);
	fprintf(out, "  %-19s %s (one step of q)\n", "resolution", sc);
	fprintf(out, "  %-19s q = round(v / scale) + zero_point, rounding %s\n",
	    "quantization", fpv_round_names[c->round]);
	if (f->overflow == FPV_OVF_WRAP)
		fprintf(out, "  %-19s wrap (modulo 2^%d)\n", "overflow",
		    f->bits);
	else
		fprintf(out, "  %-19s saturate (clamp to the range)\n",
		    "overflow");
}

/* The :info text of format f, laid out for width (0: no limit). */
char *
fpv_info_text_width(const struct fpv_ctx *c, const struct fpv_format *f,
    int width)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL)
		return NULL;
	if (f->kind == FPV_KIND_FLOAT)
		info_float(out, c, f, width);
	else
		info_int(out, c, f);
	fclose(out);
	return buf;
}

/* The :info text of format f. */
char *
fpv_info_text(const struct fpv_ctx *c, const struct fpv_format *f)
{
	return fpv_info_text_width(c, f, 0);
}

/* Write one value as ", \"KEY\": {\"value\": ..., \"exact\": ..., \"bits\": ...}". */
static void
json_value(FILE *out, const char *key, const struct fpv_ctx *c,
    const struct fpv_format *f, uint64_t b)
{
	char hex[20], sh[FPV_DEC_SHORT], *exact = fpv_dec_exact(c, f, b);

	fpv_bits_hex(f, b, hex);
	fpv_dec_shortest(c, f, b, sh);
	fprintf(out, ", \"%s\": {\"value\": \"%s\", \"exact\": ", key, sh);
	if (exact != NULL)
		fpv_json_string(out, exact, strlen(exact));
	else
		fputs("null", out);
	fprintf(out, ", \"bits\": \"%s\"}", hex);
	free(exact);
}

/* The facts of f as one JSON object and a newline. */
char *
fpv_info_json(const struct fpv_ctx *c, const struct fpv_format *f)
{
	static const char *const tops[] = { "ieee", "fn", "finite" };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL)
		return NULL;
	fputs("{\"format\": ", out);
	fpv_json_string(out, f->name, strlen(f->name));
	fputs(", \"title\": ", out);
	fpv_json_string(out, f->title, strlen(f->title));
	fprintf(out, ", \"kind\": \"%s\", \"bits\": %d, \"sign\": %s",
	    f->kind == FPV_KIND_FLOAT ? "float" : "int", f->bits,
	    f->sign ? "true" : "false");
	if (f->kind == FPV_KIND_FLOAT) {
		struct table t;
		char hex[20];

		float_table(c, f, &t);
		fpv_bits_hex(f, f->qnan, hex);
		fprintf(out, ", \"exponent_bits\": %d, \"fraction_bits\": %d, "
		    "\"bias\": %d, \"precision\": %d, \"emin\": %d, "
		    "\"emax\": %d, \"top\": \"%s\", \"subnormals\": %s, "
		    "\"zero\": %s, \"has_inf\": %s, \"has_nan\": %s, "
		    "\"nan\": ", f->exp_bits, f->frac_bits, f->bias,
		    fpv_format_prec(f), f->emin, f->emax, tops[f->top],
		    f->subnormals ? "true" : "false",
		    f->zero ? "true" : "false", f->has_inf ? "true" : "false",
		    f->has_nan ? "true" : "false");
		if (f->has_nan)
			fprintf(out, "\"%s\"", hex);
		else
			fputs("null", out);
		fprintf(out, ", \"overflow\": \"%s\", \"decimal_digits\": %d, "
		    "\"roundtrip_digits\": %d", fpv_overflow_names[f->overflow],
		    t.digits, t.roundtrip);
		json_value(out, "max", c, f, t.max);
		json_value(out, "min", c, f, t.min);
		json_value(out, "smallest_normal", c, f, t.min_normal);
		json_value(out, "smallest_subnormal", c, f, t.min_subnormal);
		if (t.has_eps)
			json_value(out, "eps", c, f, t.eps);
		else
			fputs(", \"eps\": null", out);
	} else {
		char sc[64];

		scale_text(f, sc, sizeof sc);
		fprintf(out, ", \"qmin\": %lld, \"qmax\": %lld, \"scale\": "
		    "\"%s\", \"zero_point\": %lld, \"overflow\": \"%s\"",
		    (long long)f->qmin, (long long)f->qmax, sc,
		    (long long)f->zero_point, fpv_overflow_names[f->overflow]);
		json_value(out, "min", c, f, fpv_q_bits(f, f->qmin));
		json_value(out, "max", c, f, fpv_q_bits(f, f->qmax));
		fprintf(out, ", \"resolution\": \"%s\"", sc);
	}
	fputs("}\n", out);
	fclose(out);
	return buf;
}
