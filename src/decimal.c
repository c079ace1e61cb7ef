/*
 * Decimal text of numbers: shortest round-trip decimals of encodings,
 * exact decimals of binary values, and short roundings.  Nothing here
 * depends on the locale: digits come from MPFR, GMP, or snprintf/strtod
 * under the "C" numeric locale that main forces.
 *
 * Notation (one style everywhere, that of Python's repr):
 *   - a number d.ddd x 10^E is written plainly when -4 <= E < 16
 *     ("0.1", "0.0001", "65500", "10000.0001"; integers without ".0"),
 *   - and in scientific notation otherwise: the significant digits with a
 *     point after the first, 'e', the exponent's sign and at least two
 *     exponent digits ("1e-08", "6.103515625e-05", "1.5e+300").
 *   - Specials: "0", "-0", "inf", "-inf", "nan" (NaNs have no sign).
 * Exact decimals (fpv_dec_exact*) are always plain, however long.
 * Int formats print the exact value scale * (q - zero_point), plainly
 * unless that takes more than PLAIN_INT_MAX characters.
 *
 * Shortest decimals.  Among the decimals with the fewest significant
 * digits that read back (round to nearest even) to the same encoding,
 * the one nearest the value, as Python's repr does for doubles.  For a
 * format whose values and rounding boundaries are doubles (every
 * built-in one), candidates come from glibc's exact snprintf and are
 * read back with strtod (fp64) or strtof (fp32), both correctly rounded;
 * for other formats (fp16) a candidate is compared with the exact
 * rounding boundaries, and a candidate that falls on a boundary as a
 * double is decided by the project's own correct rounding
 * (fpv_real_from_text + fpv_num_round_real), never by rounding twice.
 * Formats beyond the double range use MPFR and that rounding throughout.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"

/* Int values longer than this in plain notation go scientific. */
#define PLAIN_INT_MAX 40
/* Exact decimals of values beyond 2^+-EXACT_MAX_EXP are rounded instead. */
#define EXACT_MAX_EXP 100000
/* Digits used when an exact decimal would be unreasonably long. */
#define EXACT_FALLBACK_DIGITS 60

/* A positive decimal d[0].d[1]...d[n-1] x 10^E; d[0] != '0'. */
struct dnum {
	char d[48];
	int n;
	long E;
};

/* Remove trailing zero digits (keeping at least one). */
static void
trim_zeros(struct dnum *v)
{
	while (v->n > 1 && v->d[v->n - 1] == '0')
		v->n--;
}

/* Append c to buf[*n] if room remains (always keeps a NUL-able byte). */
static void
put(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		buf[*n] = c;
	(*n)++;
}

/*
 * Write the digits d[0..nd) (first nonzero, no trailing zeros) with
 * decimal exponent E in the notation of the file comment; plain when
 * plain is true.  Returns the length (which may exceed size - 1, in
 * which case the text is truncated).
 */
static size_t
emit_digits(char *buf, size_t size, bool neg, const char *d, size_t nd,
    long E, bool plain)
{
	size_t n = 0;

	if (neg)
		put(buf, size, &n, '-');
	if (plain && E >= 0) {
		for (long i = 0; i <= E; i++)
			put(buf, size, &n, (size_t)i < nd ? d[i] : '0');
		if ((size_t)E + 1 < nd) {
			put(buf, size, &n, '.');
			for (size_t i = (size_t)E + 1; i < nd; i++)
				put(buf, size, &n, d[i]);
		}
	} else if (plain) {
		put(buf, size, &n, '0');
		put(buf, size, &n, '.');
		for (long i = 0; i < -E - 1; i++)
			put(buf, size, &n, '0');
		for (size_t i = 0; i < nd; i++)
			put(buf, size, &n, d[i]);
	} else {
		char ex[32];
		int el;

		put(buf, size, &n, d[0]);
		if (nd > 1) {
			put(buf, size, &n, '.');
			for (size_t i = 1; i < nd; i++)
				put(buf, size, &n, d[i]);
		}
		el = snprintf(ex, sizeof ex, "e%c%02ld", E < 0 ? '-' : '+',
		    E < 0 ? -E : E);
		for (int i = 0; i < el; i++)
			put(buf, size, &n, ex[i]);
	}
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

/* Plain notation for decimal exponents in [-4, 16), as Python's repr. */
static bool
plain_exponent(long E)
{
	return E >= -4 && E < 16;
}

/* Write a special or signed zero; returns its length, or 0 if x is regular. */
static size_t
emit_special(mpfr_srcptr x, char *buf, size_t size)
{
	const char *s;

	if (mpfr_nan_p(x))
		s = "nan";
	else if (mpfr_inf_p(x))
		s = mpfr_signbit(x) ? "-inf" : "inf";
	else if (mpfr_zero_p(x))
		s = mpfr_signbit(x) ? "-0" : "0";
	else
		return 0;
	snprintf(buf, size, "%s", s);
	return strlen(s);
}

/* Parse "d.ddde+XX" from snprintf's %e into v. */
static void
dnum_from_e(struct dnum *v, const char *s)
{
	v->n = 0;
	for (; *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && v->n < (int)sizeof v->d)
			v->d[v->n++] = *s;
	v->E = strtol(s + 1, NULL, 10);
}

/*
 * Round the digits of v (which came from rounding the value itself to
 * v->n digits) to p < v->n digits, to nearest.  Returns false when v's
 * dropped digits are exactly a half: v is then itself a rounding, and
 * the value may lie on either side of the tie, so the caller asks
 * snprintf directly.
 */
static bool
dnum_round(const struct dnum *v, int p, struct dnum *r)
{
	bool up;

	*r = *v;
	if (p >= v->n)
		return true;
	r->n = p;
	if (v->d[p] != '5') {
		up = v->d[p] > '5';
	} else {
		up = false;
		for (int i = p + 1; i < v->n; i++)
			if (v->d[i] != '0')
				up = true;
		if (!up)
			return false;
	}
	if (up) {
		int i = p - 1;

		while (i >= 0 && r->d[i] == '9')
			r->d[i--] = '0';
		if (i >= 0) {
			r->d[i]++;
		} else {
			r->d[0] = '1';
			for (int j = 1; j < p; j++)
				r->d[j] = '0';
			r->E++;
		}
	}
	return true;
}

/* Add one unit in the last place to v (p digits). */
static void
dnum_increment(struct dnum *v)
{
	int i = v->n - 1;

	while (i >= 0 && v->d[i] == '9')
		v->d[i--] = '0';
	if (i >= 0) {
		v->d[i]++;
	} else {
		v->d[0] = '1';
		v->E++;
	}
}

/* v as strtod-able text "ddde-N" (buf >= 72 bytes); returns buf. */
static const char *
dnum_text(const struct dnum *v, char *buf, size_t size)
{
	char tmp[24];
	long e = v->E - (v->n - 1);
	unsigned long a = (unsigned long)(e < 0 ? -e : e);
	size_t n = 0, k = 0;

	(void)size;
	memcpy(buf, v->d, (size_t)v->n);
	n = (size_t)v->n;
	buf[n++] = 'e';
	if (e < 0)
		buf[n++] = '-';
	do
		tmp[k++] = (char)('0' + a % 10);
	while ((a /= 10) != 0);
	while (k > 0)
		buf[n++] = tmp[--k];
	buf[n] = '\0';
	return buf;
}

/* Which machine conversion decides a round trip. */
enum rt_kind {
	RT_DOUBLE,		/* the format is binary64: strtod */
	RT_FLOAT,		/* the format is binary32: strtof */
	RT_BOUNDS,		/* values and boundaries are doubles */
	RT_EXACT		/* only the project's rounding */
};

/* A positive finite nonzero encoding whose shortest decimal is sought. */
struct rt {
	const struct fpv_format *f;
	uint64_t bits;		/* positive encoding */
	enum rt_kind kind;
	bool even;		/* significand even: boundaries round to it */
	bool asym;		/* a power of two with a finer grid below */
	double x, lo, hi;	/* value and rounding boundaries (not RT_EXACT) */
	mpfr_t xr;		/* the value, exact (RT_EXACT) */
	struct fpv_ctx *ctx;	/* nearest-mode context, made on demand */
};

/* Does the decimal text s read back to r->bits by the project's rounding? */
static bool
exact_roundtrip(struct rt *r, const char *s)
{
	mpfr_t x;
	struct fpv_real real;
	unsigned flags = 0;
	uint64_t b;
	int t;

	if (r->ctx == NULL) {
		r->ctx = malloc(sizeof *r->ctx);
		if (r->ctx == NULL)
			return false;
		fpv_ctx_init(r->ctx);
	}
	mpfr_init2(x, FPV_EXACT_PREC);
	t = fpv_real_from_text(x, s, strlen(s));
	real.approx = x;
	real.inexact = t;
	real.negative = false;
	real.text = s;
	real.len = strlen(s);
	b = t == -2 ? ~r->bits : fpv_num_round_real(r->ctx, r->f, &real, &flags);
	mpfr_clear(x);
	return b == r->bits;
}

/* Does the candidate v read back to the encoding? */
static bool
roundtrips(struct rt *r, const struct dnum *v)
{
	char s[72];
	double d;

	dnum_text(v, s, sizeof s);
	switch (r->kind) {
	case RT_DOUBLE:
		return strtod(s, NULL) == r->x;
	case RT_FLOAT:
		return strtof(s, NULL) == (float)r->x;
	case RT_BOUNDS:
		d = strtod(s, NULL);
		if (d > r->lo && d < r->hi)
			return true;
		if (d < r->lo || d > r->hi)
			return false;
		/* On a boundary as a double: decide exactly. */
		return exact_roundtrip(r, s);
	case RT_EXACT:
		return exact_roundtrip(r, s);
	}
	return false;
}

/* The nearest p-digit decimal to the value. */
static void
nearest(struct rt *r, const struct dnum *v17, int p, struct dnum *out)
{
	if (r->kind == RT_EXACT) {
		mpfr_exp_t e;
		char *s = mpfr_get_str(NULL, &e, 10, (size_t)p, r->xr,
		    MPFR_RNDN);

		out->n = 0;
		for (char *c = s; *c && out->n < (int)sizeof out->d; c++)
			out->d[out->n++] = *c;
		out->E = (long)e - 1;
		mpfr_free_str(s);
		return;
	}
	if (!dnum_round(v17, p, out)) {
		char s[48];

		snprintf(s, sizeof s, "%.*e", p - 1, r->x);
		dnum_from_e(out, s);
	}
}

/*
 * The best p-digit decimal that reads back, in *out; false if none.
 * The nearest one is tried first; only next to a power of two, where the
 * rounding interval is wider above the value, can the p-digit decimal
 * just above the value succeed when the nearest (below) does not.
 */
static bool
try_digits(struct rt *r, const struct dnum *v17, int p, struct dnum *out)
{
	struct dnum c;

	nearest(r, v17, p, &c);
	if (roundtrips(r, &c)) {
		*out = c;
		return true;
	}
	if (r->asym) {
		char s[72];
		bool below;

		if (r->kind == RT_EXACT) {
			mpfr_t d;

			mpfr_init2(d, 64);
			mpfr_set_str(d, dnum_text(&c, s, sizeof s), 10,
			    MPFR_RNDN);
			below = mpfr_cmp(d, r->xr) < 0;
			mpfr_clear(d);
		} else {
			below = strtod(dnum_text(&c, s, sizeof s), NULL) < r->x;
		}
		if (below) {
			dnum_increment(&c);
			if (roundtrips(r, &c)) {
				*out = c;
				return true;
			}
		}
	}
	return false;
}

/* Decimal digits that always suffice to tell values of f apart. */
static int
max_digits(const struct fpv_format *f)
{
	return (int)ceil(fpv_format_prec(f) * 0.30102999566398120) + 1;
}

/* Does f's every value and rounding boundary fit a double exactly? */
static bool
fits_double(const struct fpv_format *f)
{
	return fpv_format_prec(f) + 2 <= DBL_MANT_DIG &&
	    f->emax < DBL_MAX_EXP - 1 &&
	    1 - f->emax - f->frac_bits - 2 >= DBL_MIN_EXP - DBL_MANT_DIG;
}

/* Shortest decimal of an IEEE encoding. */
static size_t
shortest_ieee(const struct fpv_format *f, uint64_t bits, char *buf)
{
	struct rt r;
	struct dnum v17, best;
	unsigned sign = fpv_bits_sign(f, bits);
	uint64_t ef = fpv_bits_exp(f, bits), frac = fpv_bits_frac(f, bits);
	int lo, hi;
	size_t n;

	switch (fpv_bits_class(f, bits)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		return (size_t)snprintf(buf, FPV_DEC_SHORT, "nan");
	case FPV_CLASS_INF:
		return (size_t)snprintf(buf, FPV_DEC_SHORT, sign ? "-inf" : "inf");
	case FPV_CLASS_ZERO:
		return (size_t)snprintf(buf, FPV_DEC_SHORT, sign ? "-0" : "0");
	default:
		break;
	}
	memset(&r, 0, sizeof r);
	r.f = f;
	r.bits = bits & ~((uint64_t)1 << (f->bits - 1));
	r.even = (frac & 1) == 0;
	r.asym = frac == 0 && ef > 1;
	if (fpv_format_prec(f) == DBL_MANT_DIG && f->emax == DBL_MAX_EXP - 1 &&
	    f->bits == 64)
		r.kind = RT_DOUBLE;
	else if (fpv_format_prec(f) == FLT_MANT_DIG &&
	    f->emax == FLT_MAX_EXP - 1 && f->bits == 32)
		r.kind = RT_FLOAT;
	else if (fits_double(f))
		r.kind = RT_BOUNDS;
	else
		r.kind = RT_EXACT;
	if (r.kind == RT_EXACT) {
		mpfr_init2(r.xr, fpv_format_prec(f));
		fpv_num_decode(NULL, f, r.bits, r.xr);
	} else {
		int e = ef == 0 ? 1 - f->emax : (int)ef - f->emax;
		double m = (double)(frac | (ef ? (uint64_t)1 << f->frac_bits : 0));
		double half = ldexp(1.0, e - f->frac_bits - 1);
		char s[48];

		int nd = max_digits(f) + 2;

		r.x = ldexp(m, e - f->frac_bits);
		r.lo = r.x - (r.asym ? half / 2 : half);
		r.hi = r.x + half;
		/* A few digits more than any candidate needs. */
		snprintf(s, sizeof s, "%.*e", (nd < 17 ? nd : 17) - 1, r.x);
		dnum_from_e(&v17, s);
	}
	/*
	 * The nearest decimal of max_digits digits always reads back
	 * (Matula), and round trips are monotone in the digit count.  Most
	 * values that are not short need all max_digits, so try one fewer
	 * first, then binary-search for the fewest.
	 */
	hi = max_digits(f);
	if (hi == 1 || !try_digits(&r, &v17, hi - 1, &best)) {
		nearest(&r, &v17, hi, &best);
	} else {
		lo = 1;
		hi--;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			struct dnum c;

			if (try_digits(&r, &v17, mid, &c)) {
				best = c;
				hi = mid;
			} else {
				lo = mid + 1;
			}
		}
	}
	trim_zeros(&best);
	n = emit_digits(buf, FPV_DEC_SHORT, sign, best.d, (size_t)best.n,
	    best.E, plain_exponent(best.E));
	if (r.kind == RT_EXACT)
		mpfr_clear(r.xr);
	if (r.ctx != NULL) {
		fpv_ctx_clear(r.ctx);
		free(r.ctx);
	}
	return n;
}


/*
 * The exact significant digits of a rational with a terminating decimal
 * expansion (denominator 2^a 5^b): a malloc'd string without leading or
 * trailing zeros, its decimal exponent *E (value = d.ddd x 10^E) and sign.
 * NULL for zero, a non-terminating expansion or no memory.
 */
static char *
q_digits(mpq_srcptr v, long *E, bool *neg)
{
	mpz_t den, five, n;
	unsigned long a, b, k;
	char *s = NULL;
	size_t len;

	if (mpq_sgn(v) == 0)
		return NULL;
	*neg = mpq_sgn(v) < 0;
	mpz_init_set(den, mpq_denref(v));
	mpz_init_set_ui(five, 5);
	mpz_init(n);
	a = mpz_scan1(den, 0);
	mpz_tdiv_q_2exp(den, den, a);
	b = mpz_remove(den, den, five);
	if (mpz_cmp_ui(den, 1) != 0)
		goto out;
	k = a > b ? a : b;
	/* value = num * 2^(k-a) * 5^(k-b) / 10^k */
	mpz_abs(n, mpq_numref(v));
	mpz_mul_2exp(n, n, k - a);
	mpz_pow_ui(five, five, k - b);
	mpz_mul(n, n, five);
	s = malloc(mpz_sizeinbase(n, 10) + 2);
	if (s == NULL)
		goto out;
	mpz_get_str(s, 10, n);
	len = strlen(s);
	*E = (long)len - 1 - (long)k;
	while (len > 1 && s[len - 1] == '0')
		s[--len] = '\0';
out:
	mpz_clear(n);
	mpz_clear(five);
	mpz_clear(den);
	return s;
}

/* Length of d (nd digits, exponent E) in plain notation, without sign. */
static size_t
plain_length(size_t nd, long E)
{
	if (E >= 0)
		return ((size_t)E + 1 > nd ? (size_t)E + 1 : nd + 1);
	return 2 + (size_t)(-E - 1) + nd;
}

/* Shortest (here: exact) decimal of an int encoding. */
static size_t
shortest_int(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf)
{
	mpq_t v;
	char *d;
	long E = 0, q;
	bool neg = false;
	size_t n, nd;

	bits &= fpv_format_mask(f);
	q = (bits >> (f->bits - 1)) ? (long)bits - (long)fpv_format_mask(f) - 1 :
	    (long)bits;
	mpq_init(v);
	mpq_set_si(v, q - c->int8_zero_point, 1);
	mpq_mul(v, v, c->int8_scale);
	d = q_digits(v, &E, &neg);
	if (d == NULL) {
		if (mpq_sgn(v) == 0) {
			n = (size_t)snprintf(buf, FPV_DEC_SHORT, "0");
		} else {
			mpfr_t x;

			mpfr_init2(x, FPV_EXACT_PREC);
			mpfr_set_q(x, v, MPFR_RNDN);
			n = fpv_dec_round(x, 17, buf, FPV_DEC_SHORT);
			mpfr_clear(x);
		}
		mpq_clear(v);
		return n;
	}
	nd = strlen(d);
	if (plain_length(nd, E) <= PLAIN_INT_MAX) {
		n = emit_digits(buf, FPV_DEC_SHORT, neg, d, nd, E, true);
	} else if (nd <= PLAIN_INT_MAX) {
		n = emit_digits(buf, FPV_DEC_SHORT, neg, d, nd, E, false);
	} else {
		mpfr_t x;

		mpfr_init2(x, FPV_EXACT_PREC);
		mpfr_set_q(x, v, MPFR_RNDN);
		n = fpv_dec_round(x, PLAIN_INT_MAX, buf, FPV_DEC_SHORT);
		mpfr_clear(x);
	}
	free(d);
	mpq_clear(v);
	return n;
}

/* The shortest round-trip decimal of an encoding. */
size_t
fpv_dec_shortest(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf)
{
	if (f->kind == FPV_KIND_INT)
		return shortest_int(c, f, bits, buf);
	return shortest_ieee(f, bits, buf);
}

/* A malloc'd copy of s. */
static char *
dup_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* Exact decimal of a binary number, plain notation. */
char *
fpv_dec_exact_mpfr(mpfr_srcptr x)
{
	char small[128], *s, *out = NULL;
	mpz_t z, p;
	mpfr_exp_t e;
	bool neg;
	size_t len;

	if (emit_special(x, small, sizeof small) > 0)
		return dup_string(small);
	mpz_init(z);
	e = mpfr_get_z_2exp(z, x);	/* x = z * 2^e */
	neg = mpz_sgn(z) < 0;
	mpz_abs(z, z);
	{
		mp_bitcnt_t tz = mpz_scan1(z, 0);

		mpz_tdiv_q_2exp(z, z, tz);
		e += (mpfr_exp_t)tz;
	}
	if (e > EXACT_MAX_EXP || e < -EXACT_MAX_EXP) {
		/* Only an exact reference can get here: round it. */
		fpv_dec_round(x, EXACT_FALLBACK_DIGITS, small, sizeof small);
		mpz_clear(z);
		return dup_string(small);
	}
	mpz_init(p);
	if (e >= 0) {
		mpz_mul_2exp(z, z, (mp_bitcnt_t)e);
		e = 0;
	} else {
		mpz_ui_pow_ui(p, 5, (unsigned long)-e);
		mpz_mul(z, z, p);
	}
	/* Now |x| = z / 10^(-e). */
	s = malloc(mpz_sizeinbase(z, 10) + 2);
	if (s != NULL) {
		long E;
		size_t nd;

		mpz_get_str(s, 10, z);
		nd = strlen(s);
		E = (long)nd - 1 + (long)e;
		while (nd > 1 && s[nd - 1] == '0')
			nd--;
		len = emit_digits(NULL, 0, neg, s, nd, E, true);
		out = malloc(len + 1);
		if (out != NULL)
			emit_digits(out, len + 1, neg, s, nd, E, true);
		free(s);
	}
	mpz_clear(p);
	mpz_clear(z);
	return out;
}

/* Exact decimal of the value stored in an encoding. */
char *
fpv_dec_exact(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits)
{
	if (f->kind == FPV_KIND_INT) {
		mpq_t v;
		char *d, *out;
		long E = 0, q;
		bool neg = false;
		size_t len, nd;

		bits &= fpv_format_mask(f);
		q = (bits >> (f->bits - 1)) ?
		    (long)bits - (long)fpv_format_mask(f) - 1 : (long)bits;
		mpq_init(v);
		mpq_set_si(v, q - c->int8_zero_point, 1);
		mpq_mul(v, v, c->int8_scale);
		d = q_digits(v, &E, &neg);
		if (d == NULL) {
			char buf[FPV_DEC_SHORT];

			shortest_int(c, f, bits, buf);
			mpq_clear(v);
			return dup_string(buf);
		}
		nd = strlen(d);
		len = emit_digits(NULL, 0, neg, d, nd, E, true);
		out = malloc(len + 1);
		if (out != NULL)
			emit_digits(out, len + 1, neg, d, nd, E, true);
		free(d);
		mpq_clear(v);
		return out;
	} else {
		mpfr_t x;
		char *out;

		if (fpv_bits_class(f, bits) == FPV_CLASS_QNAN ||
		    fpv_bits_class(f, bits) == FPV_CLASS_SNAN)
			return dup_string("nan");
		mpfr_init2(x, fpv_format_prec(f));
		fpv_num_decode(c, f, bits, x);
		out = fpv_dec_exact_mpfr(x);
		mpfr_clear(x);
		return out;
	}
}

/* x to at most digits significant digits. */
size_t
fpv_dec_round(mpfr_srcptr x, int digits, char *buf, size_t size)
{
	char small[104], *s, *d;
	mpfr_exp_t e;
	size_t n, nd;
	bool neg;

	if ((n = emit_special(x, buf, size)) > 0)
		return n < size ? n : size - 1;
	if (digits < 1)
		digits = 1;
	/* MPFR wants room for max(digits + 2, 7) bytes. */
	s = mpfr_get_str(digits <= 100 ? small : NULL, &e, 10, (size_t)digits,
	    x, MPFR_RNDN);
	if (s == NULL) {
		snprintf(buf, size, "nan");
		return strlen(buf);
	}
	neg = s[0] == '-';
	d = s + neg;
	nd = strlen(d);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	n = emit_digits(buf, size, neg, d, nd, (long)e - 1,
	    plain_exponent((long)e - 1));
	if (s != small)
		mpfr_free_str(s);
	return n < size ? n : size - 1;
}

/* A double to at most digits significant digits (glibc rounds exactly). */
size_t
fpv_dec_double(double d, int digits, char *buf, size_t size)
{
	struct dnum v;
	char s[48];
	size_t n;

	if (isnan(d) || isinf(d) || d == 0) {
		snprintf(buf, size, "%s", isnan(d) ? "nan" : isinf(d) ?
		    (d < 0 ? "-inf" : "inf") : signbit(d) ? "-0" : "0");
		return strlen(buf);
	}
	digits = digits < 1 ? 1 : digits > 17 ? 17 : digits;
	snprintf(s, sizeof s, "%.*e", digits - 1, fabs(d));
	dnum_from_e(&v, s);
	trim_zeros(&v);
	n = emit_digits(buf, size, d < 0, v.d, (size_t)v.n, v.E,
	    plain_exponent(v.E));
	return n < size ? n : size - 1;
}
