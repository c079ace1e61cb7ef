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
 * digits that read back (round to nearest even) to the same encoding
 * without overflowing (a format that saturates takes 8 to its largest
 * number 7.5, but 8 is not 7.5), the one nearest the value, as Python's
 * repr does for doubles.  IEEE
 * formats whose significands fit 53 bits and exponents binary64's (every
 * built-in one) use Schubfach (see the section below): a few 128-bit
 * multiplications, no libc conversion.  The original method is kept as
 * fpv_dec_shortest_search, the reference the tests compare with (and
 * the path for any other format): candidates come from glibc's exact
 * snprintf and are read back with strtod (fp64) or strtof (fp32), both
 * correctly rounded; for other formats a candidate is compared with the
 * exact rounding boundaries, and a candidate that falls on a boundary
 * as a double is decided by the project's own correct rounding
 * (fpv_real_from_text + fpv_num_round_real), never by rounding twice.
 * Formats beyond the double range use MPFR and that rounding throughout.
 *
 * Roundings to a few digits (fpv_dec_round, fpv_dec_digits,
 * fpv_dec_double) multiply the top 128 bits of the significand by a
 * 128-bit power of ten, which settles the digits unless the value lies
 * within about 2^-60 of a rounding tie; those go to exact integer
 * division (GMP's mpn layer, on the stack), a double's exact ties are
 * recognized directly, and only what is beyond both (huge exponents or
 * precisions) is left to mpfr_get_str or snprintf.  Ties go to even, as
 * MPFR and glibc do.  Exact decimals of IEEE encodings are produced digit
 * by digit in 128-bit arithmetic when the value has at most 124 fraction
 * bits and an integer part below 2^64, and with GMP otherwise.
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

static size_t emit_slow(char *buf, size_t size, bool neg, const char *d,
    size_t nd, long E, bool plain);

/* Copy n bytes (no overlap); short ones without a call, by two
 * overlapping fixed-size moves. */
static inline void
copy_bytes(char *p, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t x, y;

		memcpy(&x, s, 8);
		memcpy(&y, s + n - 8, 8);
		memcpy(p, &x, 8);
		memcpy(p + n - 8, &y, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t x, y;

		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(p, &x, 4);
		memcpy(p + n - 4, &y, 4);
	} else if (n > 0 && n < 4) {
		p[0] = s[0];
		p[n / 2] = s[n / 2];
		p[n - 1] = s[n - 1];
	} else if (n > 16) {
		memcpy(p, s, n);
	}
}

/* n '0' bytes; short runs without a call. */
static inline void
zero_bytes(char *p, size_t n)
{
	if (n <= 16) {
		for (size_t i = 0; i < n; i++)
			p[i] = '0';
	} else {
		memset(p, '0', n);
	}
}

/* emit_digits when it fits: straight writes. */
static size_t
emit_direct(char *buf, size_t size, bool neg, const char *d, size_t nd,
    long E, bool plain)
{
	char *p = buf;
	size_t len = neg;
	unsigned a = (unsigned)(E < 0 ? -E : E);

	if (plain && E >= 0)
		len += nd <= (size_t)E + 1 ? (size_t)E + 1 : nd + 1;
	else if (plain)
		len += 2 + (size_t)(-E - 1) + nd;
	else
		len += 1 + (nd > 1 ? nd : 0) + 2 + (a >= 100 ? 3 : 2);
	if (len >= size)
		return emit_slow(buf, size, neg, d, nd, E, plain);
	if (neg)
		*p++ = '-';
	if (plain && E >= 0) {
		size_t ip = (size_t)E + 1;

		if (nd <= ip) {
			copy_bytes(p, d, nd);
			zero_bytes(p + nd, ip - nd);
			p += ip;
		} else {
			copy_bytes(p, d, ip);
			p += ip;
			*p++ = '.';
			copy_bytes(p, d + ip, nd - ip);
			p += nd - ip;
		}
	} else if (plain) {
		*p++ = '0';
		*p++ = '.';
		zero_bytes(p, (size_t)(-E - 1));
		p += -E - 1;
		copy_bytes(p, d, nd);
		p += nd;
	} else {
		*p++ = d[0];
		if (nd > 1) {
			*p++ = '.';
			copy_bytes(p, d + 1, nd - 1);
			p += nd - 1;
		}
		*p++ = 'e';
		*p++ = E < 0 ? '-' : '+';
		if (a >= 100) {
			*p++ = (char)('0' + a / 100);
			a %= 100;
		}
		*p++ = (char)('0' + a / 10);
		*p++ = (char)('0' + a % 10);
	}
	*p = '\0';
	return len;
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
	if (size > 0 && nd <= 64 && E > -1000 && E < 1000)
		return emit_direct(buf, size, neg, d, nd, E, plain);
	return emit_slow(buf, size, neg, d, nd, E, plain);
}

/* emit_digits byte by byte, truncating at size. */
static size_t
emit_slow(char *buf, size_t size, bool neg, const char *d, size_t nd,
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
		char ex[24];
		int el = 0;
		unsigned long a = (unsigned long)(E < 0 ? -E : E);

		put(buf, size, &n, d[0]);
		if (nd > 1) {
			put(buf, size, &n, '.');
			for (size_t i = 1; i < nd; i++)
				put(buf, size, &n, d[i]);
		}
		put(buf, size, &n, 'e');
		put(buf, size, &n, E < 0 ? '-' : '+');
		/* At least two exponent digits. */
		do
			ex[el++] = (char)('0' + a % 10);
		while ((a /= 10) != 0 || el < 2);
		while (el > 0)
			put(buf, size, &n, ex[--el]);
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
	size_t n;

	if (mpfr_regular_p(x))
		return 0;
	if (mpfr_nan_p(x))
		s = "nan";
	else if (mpfr_inf_p(x))
		s = mpfr_signbit(x) ? "-inf" : "inf";
	else
		s = mpfr_signbit(x) ? "-0" : "0";
	n = strlen(s);
	if (size > 0) {
		size_t k = n < size ? n : size - 1;

		memcpy(buf, s, k);
		buf[k] = '\0';
	}
	return n;
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
	bool wide_below;	/* the smallest normal number of a format
				   without subnormals: from half of it up,
				   everything below rounds to it */
	double x, lo, hi;	/* value and rounding boundaries (not RT_EXACT) */
	mpfr_t xr;		/* the value, exact (RT_EXACT) */
	struct fpv_ctx *ctx;	/* nearest-mode context, made on demand */
};

/* Does the decimal text s read back to r->bits by the project's rounding?
 * A decimal that overflows does not, even where the format saturates to
 * r->bits (fp6e2m3's 8 becomes its largest number 7.5, but 8 is not it). */
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
	t = fpv_real_parse(&real, x, s, strlen(s));
	b = t == -2 ? ~r->bits : fpv_num_round_real(r->ctx, r->f, &real, &flags);
	mpfr_clear(x);
	return b == r->bits && (flags & FPV_FLAG_OVERFLOW) == 0;
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

/* The p-digit decimal of the exact value (RT_EXACT) rounded by rnd. */
static void
exact_digits(struct rt *r, int p, mpfr_rnd_t rnd, struct dnum *out)
{
	mpfr_exp_t e;
	char *s = mpfr_get_str(NULL, &e, 10, (size_t)p, r->xr, rnd);

	out->n = 0;
	for (char *c = s; *c && out->n < (int)sizeof out->d; c++)
		out->d[out->n++] = *c;
	out->E = (long)e - 1;
	mpfr_free_str(s);
}

/* The nearest p-digit decimal to the value. */
static void
nearest(struct rt *r, const struct dnum *v17, int p, struct dnum *out)
{
	if (r->kind == RT_EXACT) {
		exact_digits(r, p, MPFR_RNDN, out);
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
 * just above the value succeed when the nearest (below) does not, and
 * only at the smallest normal number of a format without subnormals,
 * whose interval reaches down to half of it, the one just below.
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
	if (r->wide_below && r->kind == RT_EXACT) {
		/* The nearest decimal was above the value and too far; the
		 * one just below may be farther and still read back (0.01
		 * reads back to e4m3,nosub's 2^-6 = 0.015625, 0.02 not). */
		exact_digits(r, p, MPFR_RNDZ, &c);
		if (roundtrips(r, &c)) {
			*out = c;
			return true;
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
	/* Only formats with IEEE's rounding boundaries: the others'
	 * boundaries at the ends of the range differ (saturation, NaN). */
	return f->top == FPV_TOP_IEEE && f->zero && f->subnormals &&
	    fpv_format_prec(f) + 2 <= DBL_MANT_DIG &&
	    f->emax < DBL_MAX_EXP - 1 &&
	    f->emin - f->frac_bits - 2 >= DBL_MIN_EXP - DBL_MANT_DIG;
}

/* Shortest decimal of an IEEE encoding by round-trip search (reference). */
static size_t
shortest_ieee_search(const struct fpv_format *f, uint64_t bits, char *buf)
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
	r.bits = bits & ~fpv_format_signbit(f);
	r.even = (frac & 1) == 0;
	r.asym = frac == 0 && (ef > 1 || !f->zero);
	r.wide_below = frac == 0 && ef == 1 && f->zero && !f->subnormals;
	if (f->fast == FPV_FAST_BINARY64)
		r.kind = RT_DOUBLE;
	else if (f->fast == FPV_FAST_BINARY32)
		r.kind = RT_FLOAT;
	else if (fits_double(f))
		r.kind = RT_BOUNDS;
	else
		r.kind = RT_EXACT;
	if (r.kind == RT_EXACT) {
		mpfr_init2(r.xr, fpv_format_prec(f));
		fpv_num_decode(NULL, f, r.bits, r.xr);
	} else {
		uint64_t c = 0;
		int q = 0;
		double half, m;
		char s[48];
		int nd = max_digits(f) + 2;

		fpv_bits_parts(f, bits, &c, &q);
		m = (double)c;
		/* Half the spacing of the value's binade. */
		half = ldexp(1.0, (ef == 0 ? f->emin : (int)ef - f->bias) -
		    f->frac_bits - 1);
		r.x = ldexp(m, q);
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

/* ---- Shortest decimals by Schubfach ----------------------------------
 *
 * Raffaello Giulietti's "Schubfach" (The Schubfach way to render doubles,
 * 2020).  A value v = c 2^q rounds back from every real in its rounding
 * interval R (bounds included when c is even: ties go to even).  Let k
 * be the largest integer with 10^k <= |R| (the width of R, 2^q, or
 * 3/4 2^q below a power of two); then R holds one or two multiples of
 * 10^k and at most one multiple of 10^(k+1).  If it holds a multiple of
 * 10^(k+1) that is the answer (the one decimal with the fewest digits);
 * otherwise the multiple of 10^k nearest v is, ties to even.  Everything
 * needed is v, R's bounds and the midpoint times 4 10^-k, rounded to odd,
 * which a 128-bit approximation g of 10^-k gives exactly (v, bounds and
 * products of 10^-k are either integers or far from one).
 *
 * The proof covers binary64; for binary32 every product the algorithm
 * forms (for all 2^31 positive encodings) was checked once against exact
 * integer arithmetic, and the tests compare every binary16 value and a
 * million binary32 and binary64 ones with the search.  Formats are taken
 * here when their significands fit 53 bits and their exponents binary64's.
 */

/* Powers of ten 10^e, e in [POW10_MIN, POW10_MAX], for Schubfach. */
#define POW10_MIN (-292)
#define POW10_MAX 326

/* g = floor(10^e 2^(127 - lg)) + 1 in [2^127, 2^128], lg = floor(log2 10^e). */
struct pow10 {
	uint64_t hi, lo;
	int lg;
};

static struct pow10 pow10_tab[POW10_MAX - POW10_MIN + 1];
static bool pow10_ready;

/* Compute the power-of-ten table once, exactly, with GMP. */
static void
pow10_init(void)
{
	mpz_t z, g;

	mpz_init(z);
	mpz_init(g);
	for (int e = POW10_MIN; e <= POW10_MAX; e++) {
		struct pow10 *p = &pow10_tab[e - POW10_MIN];
		long bits;

		mpz_ui_pow_ui(z, 10, (unsigned long)(e < 0 ? -e : e));
		bits = (long)mpz_sizeinbase(z, 2);
		if (e >= 0) {
			/* 10^e in [2^(bits-1), 2^bits): lg = bits - 1. */
			p->lg = (int)bits - 1;
			if (bits > 128)
				mpz_tdiv_q_2exp(g, z, (mp_bitcnt_t)(bits - 128));
			else
				mpz_mul_2exp(g, z, (mp_bitcnt_t)(128 - bits));
		} else {
			/* 10^e in (2^-bits, 2^(1-bits)): lg = -bits. */
			p->lg = -(int)bits;
			mpz_set_ui(g, 1);
			mpz_mul_2exp(g, g, (mp_bitcnt_t)(127 + bits));
			mpz_tdiv_q(g, g, z);
		}
		mpz_add_ui(g, g, 1);
		p->lo = (uint64_t)mpz_getlimbn(g, 0);
		p->hi = (uint64_t)mpz_getlimbn(g, 1);
		if (GMP_NUMB_BITS == 32) {
			p->lo |= (uint64_t)mpz_getlimbn(g, 1) << 32;
			p->hi = (uint64_t)mpz_getlimbn(g, 2) |
			    (uint64_t)mpz_getlimbn(g, 3) << 32;
		}
	}
	mpz_clear(g);
	mpz_clear(z);
	pow10_ready = true;
}

/* floor(x / 2^s) for a possibly negative x. */
static int
floor_shift(long x, int s)
{
	return (int)(x >= 0 ? x >> s : -((-x + (1L << s) - 1) >> s));
}

/* floor(log10(2^(ex - 1))) (|x| >= 10^that for x of exponent ex, and at
 * most one too small), with the table of powers made ready. */
static long
decimal_exponent(long ex)
{
	if (!pow10_ready)
		pow10_init();
	return floor_shift((ex - 1) * 1262611, 22);
}

/* cp g / 2^128, rounded to odd (g is 10^e's entry). */
static uint64_t
round_odd(const struct pow10 *g, uint64_t cp)
{
	unsigned __int128 x = (unsigned __int128)g->lo * cp;
	unsigned __int128 y = (unsigned __int128)g->hi * cp + (x >> 64);

	return (uint64_t)(y >> 64) | ((uint64_t)y != 0);
}

/*
 * The shortest decimal d 10^k of v = c 2^q (c > 0) that rounds back to
 * v, the nearest to v among those; asym: v is a power of two above the
 * smallest normal, so the interval reaches half as far down.
 */
static void
schubfach(uint64_t c, int q, bool asym, uint64_t *d, int *k)
{
	const struct pow10 *g;
	bool even = (c & 1) == 0;
	uint64_t cbl, cb, cbr, vbl, vb, vbr, lower, upper, s;
	int h;

	/* Integers with at most the format's precision are exact. */
	if (q <= 0 && q > -64 && (c & (((uint64_t)1 << -q) - 1)) == 0) {
		*d = c >> -q;
		*k = 0;
		return;
	}
	if (!pow10_ready)
		pow10_init();
	cbl = 4 * c - 2 + asym;
	cb = 4 * c;
	cbr = 4 * c + 2;
	/* floor(log10(2^q)), or floor(log10(3/4 2^q)). */
	*k = floor_shift((long)q * 1262611 - (asym ? 524031 : 0), 22);
	g = &pow10_tab[-*k - POW10_MIN];
	h = q + g->lg + 1;	/* 1..4 */
	vbl = round_odd(g, cbl << h);
	vb = round_odd(g, cb << h);
	vbr = round_odd(g, cbr << h);
	lower = vbl + !even;
	upper = vbr - !even;
	s = vb >> 2;
	if (s >= 10) {
		uint64_t sp = s / 10;
		bool up_in = lower <= 40 * sp, wp_in = 40 * sp + 40 <= upper;

		if (up_in != wp_in) {
			*d = sp + wp_in;
			(*k)++;
			return;
		}
	}
	{
		bool u_in = lower <= 4 * s, w_in = 4 * s + 4 <= upper;

		if (u_in != w_in) {
			*d = s + w_in;
			return;
		}
	}
	*d = s + (vb > 4 * s + 2 || (vb == 4 * s + 2 && (s & 1)));
}

/* Can Schubfach with pow10_tab serve f? */
static bool
schubfach_fits(const struct fpv_format *f)
{
	return f->kind == FPV_KIND_FLOAT && f->top == FPV_TOP_IEEE &&
	    f->sign && f->zero && f->subnormals && fpv_format_prec(f) <= 53 &&
	    f->emax <= 1023 && f->emin - f->frac_bits >= -1074;
}

/* "00".."99", for writing two digits at a time. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* v (< 10^8) as exactly eight digits, leading zeros kept, at p. */
static inline void
put8(char *p, uint32_t v)
{
	uint32_t a = v / 10000, b = v % 10000;

	memcpy(p, digit_pairs + 2 * (a / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (a % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (b / 100), 2);
	memcpy(p + 6, digit_pairs + 2 * (b % 100), 2);
}

/* Write d (> 0) in decimal at the end of buf[0..20); returns the start. */
static char *
u64_digits(uint64_t d, char *end)
{
	/* Eight digits at a time in 32-bit arithmetic, then pairs. */
	while (d >= 100000000) {
		end -= 8;
		put8(end, (uint32_t)(d % 100000000));
		d /= 100000000;
	}
	while (d >= 100) {
		unsigned r = (unsigned)(d % 100);

		d /= 100;
		end -= 2;
		end[0] = digit_pairs[2 * r];
		end[1] = digit_pairs[2 * r + 1];
	}
	if (d >= 10) {
		end -= 2;
		end[0] = digit_pairs[2 * d];
		end[1] = digit_pairs[2 * d + 1];
	} else {
		*--end = (char)('0' + d);
	}
	return end;
}

/* Bytes emit_u64 moves per run of digits (d < 2^64 has at most 20). */
#define RUN 24

/*
 * Write sign and d 10^k (d > 0) in the notation of the file comment into
 * buf (FPV_DEC_SHORT bytes); returns the length.  The layout of
 * emit_direct, but each run of digits is moved as one fixed RUN-byte
 * copy (no length tests, no call): the digits end at tmp + RUN, so RUN
 * bytes from any of them stay inside tmp, and what a copy writes past
 * its run is overwritten next or lies past the final NUL.  The farthest
 * write is below 1 + 17 + 1 + RUN = 43 bytes (plain, a point after at
 * most 16 integer digits), inside FPV_DEC_SHORT.
 */
static size_t
emit_u64(char *buf, bool neg, uint64_t d, int k)
{
	char tmp[2 * RUN], *ds, *p = buf;
	size_t nd;
	int E;

	while (d % 10 == 0) {
		d /= 10;
		k++;
	}
	memset(tmp + RUN, 0, RUN);	/* defined bytes after the digits */
	ds = u64_digits(d, tmp + RUN);
	nd = (size_t)(tmp + RUN - ds);
	E = k + (int)nd - 1;
	if (neg)
		*p++ = '-';
	if (plain_exponent(E) && E >= 0) {
		size_t ip = (size_t)E + 1;	/* integer digits, <= 16 */

		memcpy(p, ds, RUN);
		if (nd <= ip) {
			/* Zeros up to the point (at most 15 of them). */
			memcpy(p + nd, "0000000000000000", 16);
			p += ip;
		} else {
			p[ip] = '.';
			memcpy(p + ip + 1, ds + ip, RUN);
			p += nd + 1;
		}
	} else if (plain_exponent(E)) {
		/* "0." and -E - 1 <= 3 zeros, then the digits. */
		memcpy(p, "0.000", 5);
		p += 2 + (-E - 1);
		memcpy(p, ds, RUN);
		p += nd;
	} else {
		unsigned a = (unsigned)(E < 0 ? -E : E);

		p[0] = ds[0];
		p++;
		if (nd > 1) {
			p[0] = '.';
			memcpy(p + 1, ds + 1, RUN);
			p += nd;
		}
		p[0] = 'e';
		p[1] = E < 0 ? '-' : '+';
		p += 2;
		if (a >= 100) {
			*p++ = (char)('0' + a / 100);
			a %= 100;
		}
		memcpy(p, digit_pairs + 2 * a, 2);
		p += 2;
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* Shortest decimal of an IEEE encoding by Schubfach. */
static size_t
shortest_ieee(const struct fpv_format *f, uint64_t bits, char *buf)
{
	unsigned sign = fpv_bits_sign(f, bits);
	uint64_t ef = fpv_bits_exp(f, bits), frac = fpv_bits_frac(f, bits);
	uint64_t c, d;
	int q, k;

	if (ef == ((uint64_t)1 << f->exp_bits) - 1) {
		if (frac != 0) {
			memcpy(buf, "nan", 4);
			return 3;
		}
		memcpy(buf, sign ? "-inf" : "inf", sign ? 5 : 4);
		return sign ? 4 : 3;
	}
	if (ef == 0 && frac == 0) {
		memcpy(buf, sign ? "-0" : "0", sign ? 3 : 2);
		return sign ? 2 : 1;
	}
	fpv_bits_parts(f, bits, &c, &q);
	schubfach(c, q, frac == 0 && ef > 1, &d, &k);
	return emit_u64(buf, sign != 0, d, k);
}

/* ---- Fast correct rounding to a few significant digits ------------- */

/* 10^n for 0 <= n <= 19. */
static const uint64_t pow10_u64[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000),
	UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
	UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
	UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000),
	UINT64_C(100000000000000), UINT64_C(1000000000000000),
	UINT64_C(10000000000000000), UINT64_C(100000000000000000),
	UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)
};

/* 10^n for 0 <= n <= 38. */
static unsigned __int128
pow10_u128(int n)
{
	if (n <= 19)
		return pow10_u64[n];
	return (unsigned __int128)pow10_u64[19] * pow10_u64[n - 19];
}

/* The top half of the 256-bit product M g: within 2^128 of the exact
 * product's, for round_digits and round_digits_within. */
static unsigned __int128
mul_pow10_top(unsigned __int128 M, const struct pow10 *g)
{
	uint64_t mh = (uint64_t)(M >> 64), ml = (uint64_t)M;
	unsigned __int128 ll = (unsigned __int128)ml * g->lo;
	unsigned __int128 lh = (unsigned __int128)ml * g->hi;
	unsigned __int128 hl = (unsigned __int128)mh * g->lo;
	unsigned __int128 hh = (unsigned __int128)mh * g->hi;
	unsigned __int128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;

	return hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
}

/*
 * Round |x| = M 2^(ex - 128) (M's top bit set, M below the true
 * significand by less than one unit) to nearest at d <= 20 significant
 * digits: *D in [10^(d-1), 10^d), |x| ~ D 10^(*E - d + 1).  With g from
 * pow10_tab the product M g is within 2^128 of the exact one, so the
 * digits are right unless the scaled value lies within about 2^-60 of a
 * rounding tie: then returns -1 with *D the digits rounded down (and
 * *E), to be decided exactly by the caller.  Returns 1 when done, 0 out
 * of the table's range.
 */
static int
round_digits(unsigned __int128 M, long ex, int d, unsigned __int128 *D,
    long *E)
{
	unsigned __int128 lim = pow10_u128(d);
	long e10;

	if (ex < -1500 || ex > 1500 || d < 1 || d > 20)
		return 0;
	e10 = decimal_exponent(ex);
	for (int pass = 0; pass < 2; pass++) {
		long s = d - 1 - e10;
		const struct pow10 *g;
		unsigned __int128 ph, t, w, mask;
		int sh;
		unsigned hb;

		if (s < POW10_MIN || s > POW10_MAX)
			return 0;
		g = &pow10_tab[s - POW10_MIN];
		ph = mul_pow10_top(M, g);
		/* |x| 10^s = (M g) 2^(ex + lg - 255) = ph 2^-sh. */
		sh = (int)(127 - ex - g->lg);
		if (sh < 56 || sh > 127)
			return 0;
		t = ph >> sh;
		if (t >= lim) {
			/* e10 was one too small. */
			if (pass == 0) {
				e10++;
				continue;
			}
			return 0;
		}
		hb = (unsigned)(ph >> (sh - 1)) & 1;
		mask = ((unsigned __int128)1 << (sh - 2)) - 1;
		w = (ph >> 1) & mask;
		if (hb ? w == 0 : w == mask) {
			*D = t;		/* too near a tie */
			*E = e10;
			return -1;
		}
		t += hb;
		if (t == lim) {
			t = lim / 10;
			e10++;
		}
		*D = t;
		*E = e10;
		return 1;
	}
	return 0;
}

/*
 * round_digits for a number known only to within 2^-good relative (good
 * <= 64): |x| = M 2^(ex - 128), M's top bit set and exact.  Returns 1
 * with *D and *E when every value within 2^-good of |x| rounds to the
 * same d digits; -1 when one of them may lie on the other side of a
 * tie; 0 out of the table's range.
 */
static int
round_digits_within(unsigned __int128 M, long ex, int d, int good,
    unsigned __int128 *D, long *E)
{
	unsigned __int128 lim = pow10_u128(d);
	long e10;

	if (ex < -1500 || ex > 1500 || d < 1 || d > 20 || good > 64)
		return 0;
	e10 = decimal_exponent(ex);
	for (int pass = 0; pass < 2; pass++) {
		long s = d - 1 - e10;
		const struct pow10 *g;
		unsigned __int128 ph, t, frac, half, dist, margin;
		int sh;

		if (s < POW10_MIN || s > POW10_MAX)
			return 0;
		g = &pow10_tab[s - POW10_MIN];
		ph = mul_pow10_top(M, g);
		/* |x| 10^s = ph 2^-sh, ph within 2 units of the exact one. */
		sh = (int)(127 - ex - g->lg);
		if (sh < 56 || sh > 127)
			return 0;
		t = ph >> sh;
		if (t >= lim) {
			if (pass == 0) {
				e10++;
				continue;
			}
			return 0;
		}
		/* A tie of |x| 10^s is t + 1/2; the uncertainty there is
		 * below ph 2^-good, plus the product's 2 units. */
		frac = ph & (((unsigned __int128)1 << sh) - 1);
		half = (unsigned __int128)1 << (sh - 1);
		dist = frac > half ? frac - half : half - frac;
		margin = (ph >> good) + 3;
		if (dist <= margin)
			return -1;
		t += frac > half;
		if (t == lim) {
			t = lim / 10;
			e10++;
		}
		*D = t;
		*E = e10;
		return 1;
	}
	return 0;
}

/*
 * round_digits from the top 64 bits alone, for d <= 12 digits: |x| =
 * m 2^(ex - 64) (m's top bit set, below the true significand by less
 * than one unit).  The product of m and the top half of 10^s's entry
 * falls short of |x| 10^s by less than 2^-62 of it, which settles the
 * digits unless they lie within that of a rounding tie: then (and out
 * of range) returns 0, and round_digits decides.  Returns 1 with *D in
 * [10^(d-1), 10^d) and *E as round_digits.
 */
static int
round_digits64(uint64_t m, long ex, int d, uint64_t *D, long *E)
{
	uint64_t lim = pow10_u64[d];
	long e10;

	if (ex < -1500 || ex > 1500 || d < 1 || d > 12)
		return 0;
	e10 = decimal_exponent(ex);
	for (int pass = 0; pass < 2; pass++) {
		long s = d - 1 - e10;
		const struct pow10 *g;
		unsigned __int128 P;
		uint64_t t, ph, pl, w, margin;
		int sh1;

		if (s < POW10_MIN || s > POW10_MAX)
			return 0;
		g = &pow10_tab[s - POW10_MIN];
		/* |x| 10^s ~ P 2^-sh, P short by less than 2^-62 of it (and
		 * over by less than 2); 10^d < 2^(4d), so the error is below
		 * 2^(sh + 4d - 62) + 2. */
		P = (unsigned __int128)m * g->hi;
		ph = (uint64_t)(P >> 64);
		pl = (uint64_t)P;
		/* sh = 64 + sh1; the integer part is ph >> sh1. */
		sh1 = (int)(63 - ex - g->lg);
		if (sh1 < 1 || sh1 > 63)
			return 0;
		t = ph >> sh1;
		if (t >= lim) {
			/* e10 was one too small. */
			if (pass == 0) {
				e10++;
				continue;
			}
			return 0;
		}
		/* The fraction's top 64 bits: 2^63 is a half; the error above
		 * is below 2^(4d + 2) + 1 of its units. */
		w = (ph << (64 - sh1)) | (pl >> sh1);
		margin = UINT64_C(1) << (4 * d + 3);
		if (w - (UINT64_C(1) << 63) + margin <= 2 * margin)
			return 0;	/* too near a tie */
		t += w >> 63;
		if (t == lim) {
			t = lim / 10;
			e10++;
		}
		if (t < lim / 10)
			return 0;
		*D = t;
		*E = e10;
		return 1;
	}
	return 0;
}

/* Write D (< 10^38) as decimal digits into ds (>= 40 bytes); its length. */
static int
u128_digits(unsigned __int128 D, char *ds)
{
	char tmp[48], *end = tmp + sizeof tmp, *p;
	const uint64_t e19 = UINT64_C(10000000000000000000);
	int n;

	if (D >> 64 == 0) {
		p = u64_digits((uint64_t)D, end);
	} else {
		uint64_t hi, lo;

		if (D >> 67 == 0) {
			/* floor(floor(D / 8) / (e19 / 8)) = floor(D / e19) */
			hi = (uint64_t)(D >> 3) / (e19 / 8);
			lo = (uint64_t)(D - (unsigned __int128)hi * e19);
		} else {
			hi = (uint64_t)(D / e19);
			lo = (uint64_t)(D % e19);
		}
		p = u64_digits(hi, end - 19);
		/* The low 19 digits (lo < 10^19), with their leading zeros:
		 * 3 + 8 + 8 of them. */
		put8(end - 8, (uint32_t)(lo % 100000000));
		lo /= 100000000;
		put8(end - 16, (uint32_t)(lo % 100000000));
		lo /= 100000000;
		end[-19] = (char)('0' + lo / 100);
		memcpy(end - 18, digit_pairs + 2 * (lo % 100), 2);
	}
	n = (int)(end - p);
	memcpy(ds, p, (size_t)n);
	return n;
}

/* M and ex of round_digits for an mpfr number (regular). */
static void
mpfr_top(mpfr_srcptr x, unsigned __int128 *M, long *ex)
{
	const mp_limb_t *l = mpfr_custom_get_significand(x);
	size_t n = ((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS - 1) /
	    GMP_NUMB_BITS;

	*M = (unsigned __int128)l[n - 1] << 64;
	if (n >= 2)
		*M |= l[n - 2];
	*ex = (long)mpfr_get_exp(x);
}

/* Limbs of the scratch numbers of round_exact. */
#define RX_LIMBS 160

/* 5^k into r (RX_LIMBS limbs, k <= 400); returns its length in limbs. */
static mp_size_t
pow5_limbs(mp_limb_t *r, long k)
{
	mp_size_t n = 1;

	r[0] = 1;
	while (k > 0) {
		long j = k < 19 ? k : 19;
		mp_limb_t cy = mpn_mul_1(r, r, n, (mp_limb_t)(pow10_u64[j] >> j));

		if (cy != 0)
			r[n++] = cy;
		k -= j;
	}
	return n;
}

/* {p, n} without its high zero limbs: the new n. */
static mp_size_t
normalize(const mp_limb_t *p, mp_size_t n)
{
	while (n > 0 && p[n - 1] == 0)
		n--;
	return n;
}

/* Shift {p, n} left by cnt bits in place (room: cap limbs); the new
 * length, or -1 when it would not fit. */
static mp_size_t
shl_limbs(mp_limb_t *p, mp_size_t n, long cnt, mp_size_t cap)
{
	long w = cnt / GMP_NUMB_BITS;
	unsigned bits = (unsigned)(cnt % GMP_NUMB_BITS);

	if (n + w + 1 > cap)
		return -1;
	if (bits != 0) {
		p[n] = mpn_lshift(p, p, n, bits);
		n++;
	}
	if (w > 0) {
		memmove(p + w, p, (size_t)n * sizeof *p);
		memset(p, 0, (size_t)w * sizeof *p);
		n += w;
	}
	return normalize(p, n);
}

/*
 * x (regular) rounded to nearest, ties to even, at d <= 64 significant
 * digits, exactly, by integer division with GMP's mpn functions on the
 * stack: D gets the digits (ASCII), *E the decimal exponent.  Returns
 * d, or 0 when the numbers would not fit the scratch space (then MPFR
 * does it).
 */
static int
round_exact(mpfr_srcptr x, int d, char *D, long *E)
{
	const mp_limb_t *l = mpfr_custom_get_significand(x);
	mp_size_t n = (mp_size_t)(((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS -
	    1) / GMP_NUMB_BITS);
	long ex = (long)mpfr_get_exp(x), e10;
	mp_limb_t a[RX_LIMBS], b[RX_LIMBS], q[RX_LIMBS], r[RX_LIMBS];
	mp_limb_t lim[RX_LIMBS], t[RX_LIMBS + 1];
	mp_size_t nl;
	unsigned char ds[80];

	if (n > 64 || ex < -1500 || ex > 1500 || d < 1 || d > 64)
		return 0;
	nl = shl_limbs(lim, pow5_limbs(lim, d), d, RX_LIMBS);	/* 10^d */
	e10 = floor_shift((ex - 1) * 1262611, 22);	/* |x| >= 10^e10 */
	for (int pass = 0; pass < 2; pass++) {
		long s = d - 1 - e10;
		/* |x| 10^s = L 5^s 2^bexp, L = {l, n} */
		long bexp = ex - (long)n * GMP_NUMB_BITS + s;
		mp_size_t na, nb, nq, nr;
		int half;	/* 2 (remainder) against the divisor */

		if (s > 400 || s < -400)
			return 0;
		/* a = L 5^max(s,0) 2^max(bexp,0), b = 5^max(-s,0) 2^max(-bexp,0) */
		nb = pow5_limbs(b, s < 0 ? -s : s);
		if (s > 0) {
			if (n >= nb)
				mpn_mul(a, l, n, b, nb);
			else
				mpn_mul(a, b, nb, l, n);
			na = normalize(a, n + nb);
			b[0] = 1;
			nb = 1;
		} else {
			memcpy(a, l, (size_t)n * sizeof *a);
			na = normalize(a, n);
		}
		if (bexp > 0)
			na = shl_limbs(a, na, bexp, RX_LIMBS);
		else if (bexp < 0)
			nb = shl_limbs(b, nb, -bexp, RX_LIMBS);
		if (na < 0 || nb < 0)
			return 0;
		/* q = a / b, r = a mod b */
		if (na < nb) {
			nq = 0;
			memcpy(r, a, (size_t)na * sizeof *r);
			memset(r + na, 0, (size_t)(nb - na) * sizeof *r);
		} else {
			mpn_tdiv_qr(q, r, 0, a, na, b, nb);
			nq = normalize(q, na - nb + 1);
		}
		if (nq > nl || (nq == nl && mpn_cmp(q, lim, nq) >= 0)) {
			/* e10 was one too small. */
			if (pass == 0) {
				e10++;
				continue;
			}
			return 0;
		}
		nr = normalize(r, nb);
		if (nr == 0) {
			half = -1;
		} else {
			t[nr] = mpn_lshift(t, r, nr, 1);
			nr = normalize(t, nr + 1);
			half = nr != nb ? (nr < nb ? -1 : 1) : mpn_cmp(t, b, nb);
		}
		if (nq == 0)
			return 0;
		if (half > 0 || (half == 0 && (q[0] & 1))) {
			if (mpn_add_1(q, q, nq, 1))
				q[nq++] = 1;
			if (nq == nl && mpn_cmp(q, lim, nq) == 0) {
				/* Rounded up to 10^d: 10^(d-1) one place up. */
				memset(D, '0', (size_t)d);
				D[0] = '1';
				*E = e10 + 1;
				return d;
			}
		}
		if (mpn_get_str(ds, 10, q, nq) != (size_t)d)
			return 0;
		for (int i = 0; i < d; i++)
			D[i] = (char)('0' + ds[i]);
		*E = e10;
		return d;
	}
	return 0;
}

/* The first digits significant digits of x rounded to nearest. */
int
fpv_dec_digits(mpfr_srcptr x, int digits, char *d, long *E)
{
	unsigned __int128 M, D;
	long ex;
	int n;

	if (!mpfr_regular_p(x) || digits < 1 || digits > 64)
		return 0;
	if (GMP_NUMB_BITS == 64 && digits <= 12) {
		const mp_limb_t *l = mpfr_custom_get_significand(x);
		size_t nl = ((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS - 1) /
		    GMP_NUMB_BITS;
		uint64_t D64;

		if (round_digits64(l[nl - 1], (long)mpfr_get_exp(x), digits,
		    &D64, E) == 1) {
			for (int i = digits - 1; i >= 0; i--) {
				d[i] = (char)('0' + D64 % 10);
				D64 /= 10;
			}
			return digits;
		}
	}
	if (GMP_NUMB_BITS == 64 && digits <= 20) {
		mpfr_top(x, &M, &ex);
		if (round_digits(M, ex, digits, &D, E) == 1)
			return u128_digits(D, d);
	}
	if (GMP_NUMB_BITS == 64 && (n = round_exact(x, digits, d, E)) > 0)
		return n;
	{
		char s[72];
		mpfr_exp_t e;
		bool neg;

		mpfr_get_str(s, &e, 10, (size_t)digits, x, MPFR_RNDN);
		neg = s[0] == '-';
		memcpy(d, s + neg, (size_t)digits);
		*E = (long)e - 1;
		return digits;
	}
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

/*
 * The exact digits of an int encoding's value scale * (q - zero_point)
 * when the scale is a small fraction num/den with den = 2^a 5^b and the
 * digits fit 64 bits: into d (no trailing zeros; *nd = 0 for zero), with
 * the decimal exponent *E and the sign *neg.  False when that does not
 * apply (then q_digits does it with GMP).
 */
static bool
int_digits_fast(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *d, size_t *nd, long *E, bool *neg)
{
	int64_t num = f->scale_num, den = f->scale_den, m;
	int a = 0, b = 0, k;
	unsigned __int128 v;
	char tmp[24], *p;

	(void)c;
	if (num <= 0 || den <= 0 || f->scale_big != NULL)
		return false;
	m = fpv_bits_q(f, bits) - f->zero_point;
	while (den % 2 == 0) {
		den /= 2;
		a++;
	}
	while (den % 5 == 0) {
		den /= 5;
		b++;
	}
	if (den != 1 || a > 20 || b > 20)
		return false;
	/* value = num m 2^(k-a) 5^(k-b) / 10^k */
	k = a > b ? a : b;
	*neg = m < 0;
	v = (unsigned __int128)num * (uint64_t)(m < 0 ? -m : m);
	for (int i = a; i < k; i++)
		v *= 2;
	for (int i = b; i < k; i++)
		v *= 5;
	if (v >> 64 != 0)
		return false;
	if (v == 0) {
		*nd = 0;
		return true;
	}
	p = u64_digits((uint64_t)v, tmp + sizeof tmp);
	*nd = (size_t)(tmp + sizeof tmp - p);
	*E = (long)*nd - 1 - k;
	while (*nd > 1 && p[*nd - 1] == '0')
		(*nd)--;
	copy_bytes(d, p, *nd);
	return true;
}

/* Shortest (here: exact) decimal of an int encoding. */
static size_t
shortest_int(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf)
{
	mpq_t v;
	char *d;
	long E = 0;
	bool neg = false;
	size_t n, nd;

	{
		char fd[24];

		if (int_digits_fast(c, f, bits, fd, &nd, &E, &neg)) {
			if (nd == 0) {
				memcpy(buf, "0", 2);
				return 1;
			}
			return emit_digits(buf, FPV_DEC_SHORT, neg, fd, nd, E,
			    plain_length(nd, E) <= PLAIN_INT_MAX);
		}
	}

	mpq_init(v);
	fpv_grid_value(f, bits, v);
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
	if (schubfach_fits(f))
		return shortest_ieee(f, bits, buf);
	return shortest_ieee_search(f, bits, buf);
}

/* The same by the round-trip search, the slow reference of the tests. */
size_t
fpv_dec_shortest_search(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf)
{
	if (f->kind == FPV_KIND_INT)
		return shortest_int(c, f, bits, buf);
	return shortest_ieee_search(f, bits, buf);
}

/* ---- Values as shown ------------------------------------------------ */

/* 10^12: an exact decimal below it has at most FPV_DEC_VALUE_DIGITS digits. */
#define VALUE_LIMIT UINT64_C(1000000000000)
/* 10^19: the longest exact decimal exact_digits_ieee writes, below it. */
#define EXACT_LIMIT UINT64_C(10000000000000000000)

/*
 * The exact decimal of a finite nonzero IEEE encoding, d 10^k (d > 0),
 * when d has at most 19 digits (d < EXACT_LIMIT); false otherwise.
 * Decided from the encoding without printing anything: the value is
 * c 2^q with c odd (its factors of two moved into q).
 *   - q < 0: the value is c 5^-q / 10^-q, and c 5^-q is odd (no trailing
 *     zero), so its digits are the significant ones; 5^28 > 10^19, so
 *     -q >= 28 is rejected at once: every fp64 value but the few with
 *     short binary fractions, and most fp32 ones.
 *   - q >= 0: the value is the integer c 2^q, whose trailing zeros are
 *     its t = min(q, v5(c)) factors of ten: d = (c / 5^t) 2^(q - t),
 *     rejected at once when q - t >= 64 (2^64 > 10^19).
 */
static bool
exact_digits_ieee(const struct fpv_format *f, uint64_t bits, uint64_t *d,
    int *k)
{
	uint64_t c = 0;
	unsigned __int128 p;
	int q = 0, t = 0;

	if (!fpv_bits_parts(f, bits, &c, &q) || c == 0)
		return false;
	t = __builtin_ctzll(c);
	c >>= t;
	q += t;
	if (q < 0) {
		if (q < -27)
			return false;
		/* 5^-q as 10^-q / 2^-q (exact up to 5^19), then by 5s. */
		p = (unsigned __int128)c * (pow10_u64[-q < 19 ? -q : 19] >>
		    (-q < 19 ? -q : 19));
		for (int i = 19; i < -q && p < EXACT_LIMIT; i++)
			p *= 5;
		if (p >= EXACT_LIMIT)
			return false;
		*d = (uint64_t)p;
		*k = q;
		return true;
	}
	t = 0;
	while (t < q && c % 5 == 0) {
		c /= 5;
		t++;
	}
	if (q - t >= 64 || c >= EXACT_LIMIT)
		return false;
	p = (unsigned __int128)c << (q - t);
	if (p >= EXACT_LIMIT)
		return false;
	*d = (uint64_t)p;
	*k = t;
	return true;
}

/* Write the rounded mark at buf; returns the bytes after it. */
static char *
put_mark(char *buf)
{
	memcpy(buf, FPV_DEC_MARK, FPV_DEC_MARK_LEN);
	return buf + FPV_DEC_MARK_LEN;
}

/*
 * The shortest decimal that reads back to an int encoding (rounding to
 * nearest by the project's own quantization), given the digits
 * d[0..nd) and decimal exponent E of its exact value (nd digits, more
 * than FPV_DEC_VALUE_DIGITS): for each length n, the n-digit
 * truncation of the value and the one above it, nearer first, are read
 * back; the first that gives the same q is written (with its sign) at
 * buf.  Returns its length, or 0 when none shorter than nd does (the
 * exact value is then the shortest).
 */
static size_t
int_roundtrip(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, const char *d, size_t nd, long E, bool neg, char *buf)
{
	struct fpv_ctx near;
	size_t len = 0;
	mpfr_t x;

	fpv_ctx_init(&near);
	fpv_ctx_copy(&near, c);
	near.round = FPV_RND_NEAREST;
	mpfr_init2(x, FPV_EXACT_PREC);
	bits &= fpv_format_mask(f);
	for (size_t n = 1; n < nd && n <= 40 && len == 0; n++) {
		char cand[2][48];
		long ce[2] = { E, E };
		size_t cn[2] = { n, n };
		int up, first;

		/* The truncation, and one unit more (carrying). */
		memcpy(cand[0], d, n);
		memcpy(cand[1], d, n);
		for (up = (int)n - 1; up >= 0 && cand[1][up] == '9'; up--)
			cand[1][up] = '0';
		if (up >= 0) {
			cand[1][up]++;
		} else {
			memmove(cand[1] + 1, cand[1], n);
			cand[1][0] = '1';
			cn[1] = n + 1;
			ce[1] = E + 1;
		}
		/* Nearer first: the dropped digits against a half; at a tie,
		 * the even one. */
		first = d[n] > '5' ? 1 : d[n] < '5' ? 0 : -1;
		for (size_t i = n + 1; first < 0 && i < nd; i++)
			if (d[i] != '0')
				first = 1;
		if (first < 0)
			first = (d[n - 1] - '0') % 2;
		for (int j = 0; j < 2 && len == 0; j++) {
			int w = j == 0 ? first : !first;
			char text[80];
			struct fpv_real r;
			unsigned fl = 0;
			int tn = snprintf(text, sizeof text, "%.*se%ld",
			    (int)cn[w], cand[w], ce[w] - (long)cn[w] + 1);

			if (tn <= 0 || (size_t)tn >= sizeof text ||
			    fpv_real_parse(&r, x, text, (size_t)tn) == -2)
				continue;
			if (neg) {
				mpfr_neg(x, x, MPFR_RNDN);
				r.negative = true;
			}
			if (fpv_num_round_real(&near, f, &r, &fl) != bits)
				continue;
			while (cn[w] > 1 && cand[w][cn[w] - 1] == '0')
				cn[w]--;
			len = emit_digits(buf, FPV_DEC_SHORT, neg, cand[w], cn[w],
			    ce[w], plain_length(cn[w], ce[w]) <= PLAIN_INT_MAX);
		}
	}
	mpfr_clear(x);
	fpv_ctx_clear(&near);
	return len;
}

/* fpv_dec_value of an int encoding. */
static size_t
value_int(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf, bool *rounded)
{
	char fd[24], *d = fd, *gd = NULL;
	size_t nd, n;
	long E = 0;
	bool neg = false;

	if (!int_digits_fast(c, f, bits, fd, &nd, &E, &neg)) {
		mpq_t v;

		mpq_init(v);
		fpv_grid_value(f, bits, v);
		gd = q_digits(v, &E, &neg);
		nd = gd != NULL ? strlen(gd) : 0;
		d = gd;
		if (gd == NULL && mpq_sgn(v) != 0) {
			/* Not a terminating decimal: only the rounding. */
			mpq_clear(v);
			n = shortest_int(c, f, bits, buf + FPV_DEC_MARK_LEN);
			put_mark(buf);
			*rounded = true;
			return n + FPV_DEC_MARK_LEN;
		}
		mpq_clear(v);
	}
	if (nd == 0) {
		memcpy(buf, "0", 2);
		return 1;
	}
	if (nd > FPV_DEC_VALUE_DIGITS &&
	    (n = int_roundtrip(c, f, bits, d, nd, E, neg,
	    buf + FPV_DEC_MARK_LEN)) > 0) {
		put_mark(buf);
		*rounded = true;
		free(gd);
		return n + FPV_DEC_MARK_LEN;
	}
	n = emit_digits(buf, FPV_DEC_SHORT, neg, d, nd, E,
	    plain_length(nd, E) <= PLAIN_INT_MAX);
	free(gd);
	return n;
}

/* A format's value as shown: exact when short, else marked shortest. */
size_t
fpv_dec_value(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf, bool *rounded)
{
	bool dummy;
	uint64_t d;
	int k;
	size_t n;

	if (rounded == NULL)
		rounded = &dummy;
	*rounded = false;
	if (f->kind == FPV_KIND_INT)
		return value_int(c, f, bits, buf, rounded);
	switch (fpv_bits_class(f, bits)) {
	case FPV_CLASS_NORMAL: case FPV_CLASS_SUBNORMAL:
		break;
	default:
		return fpv_dec_shortest(c, f, bits, buf);	/* inf, nan, 0 */
	}
	if (!exact_digits_ieee(f, bits, &d, &k)) {
		n = fpv_dec_shortest(c, f, bits, buf + FPV_DEC_MARK_LEN);
		put_mark(buf);
		*rounded = true;
		return n + FPV_DEC_MARK_LEN;
	}
	if (d < VALUE_LIMIT)
		return emit_u64(buf, fpv_bits_sign(f, bits) != 0, d, k);
	/* 13 to 19 digits: the shortest decimal, which is the exact one
	 * itself (then not marked) when none shorter reads back. */
	{
		char ex[FPV_DEC_SHORT];
		size_t ne = emit_u64(ex, fpv_bits_sign(f, bits) != 0, d, k);

		n = fpv_dec_shortest(c, f, bits, buf + FPV_DEC_MARK_LEN);
		if (n == ne && memcmp(ex, buf + FPV_DEC_MARK_LEN, n) == 0) {
			memcpy(buf, ex, n + 1);
			return n;
		}
		put_mark(buf);
		*rounded = true;
		return n + FPV_DEC_MARK_LEN;
	}
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

/*
 * The exact decimal of a finite IEEE encoding whose value c 2^q has its
 * integer part below 2^64 and at most 124 fraction bits, by 128-bit
 * arithmetic (each fraction bit gives one decimal digit); malloc'd, or
 * NULL when it does not fit (or no memory).
 */
static char *
exact_ieee_fast(const struct fpv_format *f, uint64_t bits)
{
	uint64_t c = 0, ip;
	int q = 0, k;
	unsigned __int128 fr, mask;
	char tmp[24], *p, *out, *o;
	size_t ni;

	if (f->frac_bits > 62)
		return NULL;
	switch (fpv_bits_class(f, bits)) {
	case FPV_CLASS_ZERO:
		return dup_string(fpv_bits_sign(f, bits) ? "-0" : "0");
	case FPV_CLASS_NORMAL: case FPV_CLASS_SUBNORMAL:
		fpv_bits_parts(f, bits, &c, &q);
		break;
	default:
		return NULL;
	}
	if (q >= 0) {
		if (q > 63 - f->frac_bits)
			return NULL;
		ip = c << q;
		k = 0;
		fr = 0;
	} else {
		if (-q > 124)
			return NULL;
		k = -q;
		mask = ((unsigned __int128)1 << k) - 1;
		ip = k >= 64 ? 0 : c >> k;
		fr = (unsigned __int128)c & mask;
	}
	p = u64_digits(ip, tmp + sizeof tmp);
	ni = (size_t)(tmp + sizeof tmp - p);
	/* Sign, integer digits, point, at most k fraction digits. */
	out = malloc(1 + ni + 1 + (size_t)k + 1);
	if (out == NULL)
		return NULL;
	o = out;
	if (fpv_bits_sign(f, bits))
		*o++ = '-';
	memcpy(o, p, ni);
	o += ni;
	if (fr != 0) {
		mask = ((unsigned __int128)1 << k) - 1;
		*o++ = '.';
		while (fr != 0) {
			fr *= 10;
			*o++ = (char)('0' + (int)(fr >> k));
			fr &= mask;
		}
	}
	*o = '\0';
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
		long E = 0;
		bool neg = false;
		size_t len, nd;

		{
			char fd[24];

			if (int_digits_fast(c, f, bits, fd, &nd, &E, &neg)) {
				if (nd == 0)
					return dup_string("0");
				len = emit_digits(NULL, 0, neg, fd, nd, E, true);
				out = malloc(len + 1);
				if (out != NULL)
					emit_digits(out, len + 1, neg, fd, nd, E,
					    true);
				return out;
			}
		}
		mpq_init(v);
		fpv_grid_value(f, bits, v);
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
		if ((out = exact_ieee_fast(f, bits)) != NULL)
			return out;
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
	if (digits <= 64) {
		char dg[72];
		long E;

		nd = (size_t)fpv_dec_digits(x, digits, dg, &E);
		while (nd > 1 && dg[nd - 1] == '0')
			nd--;
		n = emit_digits(buf, size, mpfr_signbit(x) != 0, dg, nd, E,
		    plain_exponent(E));
		return n < size ? n : size - 1;
	}
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

/*
 * Is c 2^q 10^s exactly T + 1/2?  (c > 0.)  With c = c' 2^z, c' odd,
 * 2 c' 2^(q+z) 10^s is odd only if the powers of two cancel: for s >= 0
 * when q + z + s + 1 == 0 and c' 5^s == 2T + 1, for s < 0 when
 * q + z + 1 == -s and c' == (2T + 1) 5^-s.  Decided in 128 bits, or
 * false (then the caller falls back on the slow way).
 */
static bool
double_tie(uint64_t c, int q, long s, unsigned __int128 T)
{
	unsigned __int128 p = 1, odd = 2 * T + 1;
	int z = __builtin_ctzll(c);

	c >>= z;
	q += z;
	/* Beyond these a tie is impossible or the products overflow. */
	if (T >> 64 != 0 || s > 32 || s < -22)
		return false;
	for (long i = 0; i < (s < 0 ? -s : s); i++)
		p *= 5;
	if (s >= 0)
		return q + s + 1 == 0 && (unsigned __int128)c * p == odd;
	return q + 1 == -s && odd * p == c;
}

/* A double to at most digits significant digits (glibc rounds exactly). */
size_t
fpv_dec_double(double d, int digits, char *buf, size_t size)
{
	struct dnum v;
	char s[48];
	size_t n;

	if (isnan(d) || isinf(d) || d == 0) {
		const char *w = isnan(d) ? "nan" : isinf(d) ?
		    (d < 0 ? "-inf" : "inf") : signbit(d) ? "-0" : "0";

		n = strlen(w);
		if (size > 0) {
			n = n < size ? n : size - 1;
			memcpy(buf, w, n);
			buf[n] = '\0';
		}
		return n;
	}
	digits = digits < 1 ? 1 : digits > 17 ? 17 : digits;
	if (GMP_NUMB_BITS == 64) {
		uint64_t u, c, D64;
		int q, len;
		unsigned __int128 D;
		long E;

		memcpy(&u, &d, sizeof u);
		c = u & ((UINT64_C(1) << 52) - 1);
		q = (int)(u >> 52 & 0x7ff);
		if (q == 0) {
			q = -1074;
		} else {
			c |= UINT64_C(1) << 52;
			q -= 1075;
		}
		len = 64 - __builtin_clzll(c);
		if (digits <= 12 && round_digits64(c << (64 - len), q + len,
		    digits, &D64, &E) == 1) {
			/* Without trailing zeros. */
			v.n = digits;
			while (v.n > 1 && D64 % 10 == 0) {
				D64 /= 10;
				v.n--;
			}
			for (int i = v.n - 1; i >= 0; i--) {
				v.d[i] = (char)('0' + D64 % 10);
				D64 /= 10;
			}
			v.E = E;
			goto emit;
		}
		switch (round_digits((unsigned __int128)c << (128 - len),
		    q + len, digits, &D, &E)) {
		case -1:
			if (!double_tie(c, q, digits - 1 - E, D))
				break;
			/* A tie: to even. */
			D += D & 1;
			if (D == pow10_u128(digits)) {
				D /= 10;
				E++;
			}
			/* FALLTHROUGH */
		case 1:
			v.n = u128_digits(D, v.d);
			v.E = E;
			goto emit;
		default:
			break;
		}
	}
	snprintf(s, sizeof s, "%.*e", digits - 1, fabs(d));
	dnum_from_e(&v, s);
emit:
	trim_zeros(&v);
	n = emit_digits(buf, size, d < 0, v.d, (size_t)v.n, v.E,
	    plain_exponent(v.E));
	return n < size ? n : size - 1;
}

/* ---- Error figures --------------------------------------------------- */

/*
 * Error figures (absolute and relative errors, ulps, bits lost) have one
 * notation everywhere.  Short (text tables, the view, step words): two
 * significant digits, plain when the exponent is in [-4, 2) ("0.08",
 * "-0.04", "24", "0.00012"), else scientific ("3.9e-05", "1.7e+03"),
 * trailing zeros dropped (C's %.2g, correctly rounded).  Full (JSON):
 * FPV_DEC_FIGURE_FULL digits in the notation of the file comment.  A
 * figure is only known to within 2^-good relative, so a digit is
 * printed only when every value in that interval rounds to it: a figure
 * that lies (within its uncertainty) on a tie gets one digit more
 * ("0.125"), and where even that does not settle, fewer are shown.
 */

/* 10^k for 0 <= k <= 22, each exact as a double. */
static const double fig_pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * A figure's magnitude as the fast paths read it: m 2^(ex - 64) with
 * m's top bit set, exact when the figure has at most 64 bits (exact is
 * then true), and y, the same as a double.
 */
struct fig {
	uint64_t m;
	long ex;
	bool exact;
	double y;
};

/* 2^e as a double, -1022 <= e <= 1023. */
static double
fig_two_pow(long e)
{
	uint64_t u = (uint64_t)(e + 1023) << 52;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/* The magnitude of the regular x. */
static void
fig_of(mpfr_srcptr x, struct fig *g)
{
	const mp_limb_t *l = mpfr_custom_get_significand(x);
	size_t n = ((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS - 1) /
	    GMP_NUMB_BITS;

	g->ex = (long)mpfr_get_exp(x);
	g->exact = GMP_NUMB_BITS == 64 && mpfr_get_prec(x) <= 64;
	g->m = GMP_NUMB_BITS == 64 ? (uint64_t)l[n - 1] : 0;
	g->y = g->exact && g->ex >= -900 && g->ex <= 900 ?
	    (double)g->m * fig_two_pow(g->ex - 64) : fabs(mpfr_get_d(x,
	    MPFR_RNDN));
}

/*
 * The d (1..3) leading digits of a figure of magnitude g (regular, known
 * to within 2^-good relative) rounded to nearest, into *D (10^(d-1) <=
 * *D < 10^d) with *E the decimal exponent of the first, decided in
 * doubles: y (within 2^-53), at most five more roundings of 2^-53 in
 * the scaling, and the figure's own uncertainty (good >= 40 bits:
 * 2^-40) keep the scaled value (below 2 10^d) within 2e-9 of the true
 * one's, so a fraction farther than 1e-8 from a half rounds the same
 * way for every value the figure may stand for.  False when it is
 * nearer, or out of the range where 10^k is two exact powers.
 */
static bool
figure_fast(const struct fig *g, int good, int d, unsigned *D, long *E)
{
	long t, e10, k;
	double X, fr, top = fig_pow10[d];
	unsigned n;

	if (good < 40 || g->ex < -130 || g->ex > 130)
		return false;
	/* floor(log10(2^(ex-1))): 10^e10 <= y < 2 10^(e10+1). */
	t = (g->ex - 1) * 1262611;
	e10 = t >= 0 ? t >> 22 : -((-t + (1L << 22) - 1) >> 22);
	k = d - 1 - e10;
	if (k >= 0)
		X = g->y * (k <= 22 ? fig_pow10[k] : fig_pow10[22] *
		    fig_pow10[k - 22]);
	else
		X = g->y / (-k <= 22 ? fig_pow10[-k] : fig_pow10[22] *
		    fig_pow10[-k - 22]);
	if (X >= top) {
		X /= 10;
		e10++;
	}
	n = (unsigned)X;
	fr = X - n;
	if (fr > 0.5 - 1e-8 && fr < 0.5 + 1e-8)
		return false;
	n += fr > 0.5;
	if (n >= (unsigned)top) {
		n /= 10;
		e10++;
	}
	if (n < (unsigned)fig_pow10[d - 1] || n >= (unsigned)top)
		return false;
	*D = n;
	*E = e10;
	return true;
}

/*
 * Is the exact x halfway between two d-digit decimals?  Then its d+1
 * digits end in 5 and are x exactly.
 */
static bool
figure_tie(mpfr_srcptr x, int d)
{
	char dg[72], s[96];
	long E;
	mpfr_t y;
	char *end;
	bool tie;

	if (fpv_dec_digits(x, d + 1, dg, &E) != d + 1 || dg[d] != '5')
		return false;
	snprintf(s, sizeof s, "%.*se%ld", d + 1, dg, E - d);
	mpfr_init2(y, mpfr_get_prec(x) + 8);
	/* The decimal read exactly (ternary 0) and equal to |x|. */
	tie = mpfr_strtofr(y, s, &end, 10, MPFR_RNDN) == 0 && *end == '\0' &&
	    mpfr_cmpabs(y, x) == 0;
	mpfr_clear(y);
	return tie;
}

/*
 * The d leading digits of the regular x rounded to nearest (ties to
 * even) into dg, with *E, when every value within 2^-good relative of x
 * rounds to the same digits; false when they do not.  An exact x
 * (FPV_DEC_FIGURE_EXACT) always settles, except on a tie when ties ask
 * for more digits (tie_more).
 */
static bool
figure_settle(mpfr_srcptr x, const struct fig *g, int good, int d,
    bool tie_more, char *dg, long *E)
{
	unsigned D;

	if (d <= 3 && figure_fast(g, good, d, &D, E)) {
		for (int i = d - 1; i >= 0; i--) {
			dg[i] = (char)('0' + D % 10);
			D /= 10;
		}
		return true;
	}
	if (good == FPV_DEC_FIGURE_EXACT)
		return fpv_dec_digits(x, d, dg, E) == d &&
		    (!tie_more || !figure_tie(x, d));
	if (g->exact && good <= 64 && d <= 20) {
		/* x as round_digits takes it, known to 2^-good; where the
		 * table cannot say, the slow way below. */
		unsigned __int128 Dx;
		char dx[48];

		switch (round_digits_within((unsigned __int128)g->m << 64,
		    g->ex, d, good, &Dx, E)) {
		case 1:
			if (u128_digits(Dx, dx) != d)
				return false;
			memcpy(dg, dx, (size_t)d);
			return true;
		case -1:
			return false;
		default:
			break;
		}
	}
	{
		/* x -+ |x| 2^-good, exactly. */
		mpfr_prec_t p = mpfr_get_prec(x) + (mpfr_prec_t)good + 2;
		mpfr_t lo, hi, u;
		char dh[72];
		long Eh;
		bool same;

		mpfr_inits2(p, lo, hi, u, (mpfr_ptr)0);
		mpfr_abs(u, x, MPFR_RNDN);
		mpfr_mul_2si(u, u, -(long)good, MPFR_RNDN);
		mpfr_sub(lo, x, u, MPFR_RNDN);
		mpfr_add(hi, x, u, MPFR_RNDN);
		/* Both ends round alike, and so does x between them. */
		same = fpv_dec_digits(lo, d, dg, E) == d &&
		    fpv_dec_digits(hi, d, dh, &Eh) == d && Eh == *E &&
		    memcmp(dh, dg, (size_t)d) == 0;
		mpfr_clears(lo, hi, u, (mpfr_ptr)0);
		return same;
	}
}

/* An error figure as text. */
size_t
fpv_dec_figure(mpfr_srcptr x, int good, unsigned how, char *buf, size_t size)
{
	bool full = (how & FPV_DEC_FIG_FULL) != 0;
	bool plus = (how & FPV_DEC_FIG_SIGN) && !mpfr_signbit(x);
	struct fig g;
	char dg[72];
	long E = 0;
	int d = 0;
	size_t nd, n, off;

	if (size == 0)
		return 0;
	if (!mpfr_regular_p(x)) {
		const char *w = mpfr_nan_p(x) ? "nan" : !mpfr_inf_p(x) ? "0" :
		    mpfr_signbit(x) ? "-inf" : plus ? "+inf" : "inf";

		n = strlen(w);
		n = n < size ? n : size - 1;
		memcpy(buf, w, n);
		buf[n] = '\0';
		return n;
	}
	fig_of(x, &g);
	/* The digits (no more than 2^-good can settle: good log10(2)),
	 * then one more (a tie), then fewer. */
	d = full ? FPV_DEC_FIGURE_FULL : FPV_DEC_FIGURE_SHORT;
	if (good != FPV_DEC_FIGURE_EXACT && (long)good * 30103 / 100000 < d)
		d = good * 30103 / 100000 > 0 ? good * 30103 / 100000 : 1;
	if (!figure_settle(x, &g, good, d, true, dg, &E) &&
	    !figure_settle(x, &g, good, ++d, false, dg, &E)) {
		for (d -= 2; d > 0; d--)
			if (figure_settle(x, &g, good, d, false, dg, &E))
				break;
	}
	if (d == 0) {
		/* Not one digit is certain (a figure known to a few bits):
		 * its one-digit rounding, marked. */
		off = plus ? 1 : 0;
		if (plus)
			buf[0] = '+';
		fpv_dec_digits(x, 1, dg, &E);
		if (size - off > FPV_DEC_MARK_LEN) {
			memcpy(buf + off, FPV_DEC_MARK, FPV_DEC_MARK_LEN);
			off += FPV_DEC_MARK_LEN;
		}
		nd = 1;
		n = emit_digits(buf + off, size - off, mpfr_signbit(x) != 0,
		    dg, nd, E, full ? plain_exponent(E) : E >= -4 && E < 1);
		n += off;
		return n < size ? n : size - 1;
	}
	return fpv_dec_figure_digits(dg, d, E, mpfr_signbit(x) != 0, how, buf,
	    size);
}

/* An error figure of the settled digits dg[0..d) x 10^(E-d+1). */
size_t
fpv_dec_figure_digits(const char *dg, int d, long E, bool neg, unsigned how,
    char *buf, size_t size)
{
	bool full = (how & FPV_DEC_FIG_FULL) != 0;
	size_t nd = (size_t)d, off = 0, n;

	if (size == 0)
		return 0;
	if ((how & FPV_DEC_FIG_SIGN) && !neg)
		buf[off++] = '+';
	while (nd > 1 && dg[nd - 1] == '0')
		nd--;
	n = emit_digits(buf + off, size - off, neg, dg, nd, E,
	    full ? plain_exponent(E) : E >= -4 && E < d);
	n += off;
	return n < size ? n : size - 1;
}

/*
 * The short figure D 10^(E-1) (D of FPV_DEC_FIGURE_SHORT = 2 digits) as
 * fpv_dec_figure writes it: trailing zero dropped, plain for E in
 * [-4, 2), else d.de+XX; '+' first when plus.  buf has room for 16.
 */
_Static_assert(FPV_DEC_FIGURE_SHORT == 2, "short_figure writes two digits");

static size_t
short_figure(char *buf, bool plus, bool neg, unsigned D, long E)
{
	char *p = buf;
	char d0 = (char)('0' + D / 10), d1 = (char)('0' + D % 10);
	bool two = d1 != '0';
	unsigned a = (unsigned)(E < 0 ? -E : E);

	if (plus)
		*p++ = '+';
	if (neg)
		*p++ = '-';
	if (E >= 0 && E < 2) {
		*p++ = d0;
		if (E == 1) {
			*p++ = d1;
		} else if (two) {
			*p++ = '.';
			*p++ = d1;
		}
	} else if (E < 0 && E >= -4) {
		*p++ = '0';
		*p++ = '.';
		for (long i = 0; i < -E - 1; i++)
			*p++ = '0';
		*p++ = d0;
		if (two)
			*p++ = d1;
	} else {
		*p++ = d0;
		if (two) {
			*p++ = '.';
			*p++ = d1;
		}
		*p++ = 'e';
		*p++ = E < 0 ? '-' : '+';
		if (a >= 100) {
			*p++ = (char)('0' + a / 100);
			a %= 100;
		}
		*p++ = (char)('0' + a / 10);
		*p++ = (char)('0' + a % 10);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* An error figure held in a double. */
size_t
fpv_dec_figure_d(double d, int good, unsigned how, char *buf, size_t size)
{
	mp_limb_t l[(53 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];
	mpfr_t x;

	/* The short figure of a double known to 40 bits or more, as
	 * fpv_dec_figure writes it when its first try settles (most
	 * figures): without building a number. */
	if (!(how & FPV_DEC_FIG_FULL) && good >= 40 && size > 16 &&
	    isfinite(d) && d != 0) {
		struct fig g;
		unsigned D;
		long E;
		uint64_t u;

		g.y = fabs(d);
		memcpy(&u, &g.y, sizeof u);
		/* frexp's exponent of a normal double; figure_fast takes
		 * none below 2^-130 (subnormals included). */
		g.ex = (long)(u >> 52) - 1022;
		if (figure_fast(&g, good, FPV_DEC_FIGURE_SHORT, &D, &E))
			return short_figure(buf, (how & FPV_DEC_FIG_SIGN) &&
			    d > 0, d < 0, D, E);
	}
#if GMP_NUMB_BITS == 64
	/* d's significand in one limb, as MPFR keeps it, without a call
	 * (figures are written by the million). */
	if (isfinite(d) && d != 0) {
		int e;
		double f = frexp(fabs(d), &e);	/* |d| = f 2^e, f in [1/2, 1) */

		l[0] = (mp_limb_t)ldexp(f, 64);	/* exact: f has 53 bits */
		mpfr_custom_init_set(x, d < 0 ? -MPFR_REGULAR_KIND :
		    MPFR_REGULAR_KIND, e, 53, l);
		return fpv_dec_figure(x, good, how, buf, size);
	}
#endif
	mpfr_custom_init(l, 53);
	mpfr_custom_init_set(x, MPFR_ZERO_KIND, 0, 53, l);
	mpfr_set_d(x, d, MPFR_RNDN);
	return fpv_dec_figure(x, good, how, buf, size);
}
