/*
 * Integer grids of any width: a stored q in [qmin, qmax] (two's
 * complement or unsigned bits) means scale * (q - zero_point), an exact
 * rational; every result is requantized, q = round(v / scale) +
 * zero_point in the current rounding mode, then saturated or wrapped
 * modulo 2^bits as the format's overflow setting says.
 *
 * Rational operations (+ - * / fma, min, max, floor, ceil, round,
 * literals) are done exactly: in 128-bit integers when the scale is a
 * ratio of small integers (the common case), else in GMP rationals.
 * Other functions go through an MPFR approximation rounded to odd, which
 * an integer rounding cannot round twice.  No big number is ever sized by
 * an exponent: a value far beyond the grid's range is recognized from
 * its exponent before any exact arithmetic.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "num-impl.h"

/* Values of magnitude 2^FAR and beyond are beyond every grid's range. */
#define FAR 96
/* Largest binary exponent of an exact value turned into a rational. */
#define RATIONAL_MAX_EXP 65536

typedef fpv_i128 i128;

/* The scale of f as a rational. */
void
fpv_grid_scale(const struct fpv_format *f, mpq_ptr out)
{
	if (f->scale_big != NULL)
		mpq_set(out, f->scale_big);
	else
		mpq_set_ui(out, (unsigned long)f->scale_num,
		    (unsigned long)f->scale_den);
}

/* The scale rounded to odd at out's precision. */
void
fpv_grid_scale_fr(const struct fpv_format *f, mpfr_ptr out)
{
	int t;

	if (f->scale_big != NULL) {
		t = mpfr_set_q(out, f->scale_big, MPFR_RNDZ);
	} else {
		t = mpfr_set_ui(out, (unsigned long)f->scale_num, MPFR_RNDZ);
		if (f->scale_den != 1) {
			int t2 = mpfr_div_ui(out, out,
			    (unsigned long)f->scale_den, MPFR_RNDZ);

			t = t != 0 ? t : t2;
			if (t2 != 0)
				t = t2;
		}
	}
	fpv_real_make_odd(out, t);
}

/* Is the scale 1? */
bool
fpv_grid_scale_is_one(const struct fpv_format *f)
{
	return f->scale_big == NULL && f->scale_num == 1 && f->scale_den == 1;
}

/* Set the scale to the rational q. */
int
fpv_grid_set_scale_q(struct fpv_format *f, mpq_srcptr q, const char **why)
{
	if (mpq_sgn(q) <= 0) {
		*why = "the scale must be positive";
		return -1;
	}
	/* 2^-1022 <= scale <= 2^990: every value and ulp of a 32-bit grid
	 * is then a finite, normal double. */
	{
		long ln = (long)mpz_sizeinbase(mpq_numref(q), 2);
		long ld = (long)mpz_sizeinbase(mpq_denref(q), 2);

		if (ln - ld > 991 || ln - ld < -1023) {
			*why = "the scale must be between 2^-1022 (about "
			    "2.2e-308) and 2^990 (about 1e298)";
			return -1;
		}
		if (ln - ld == 991 || ln - ld == -1023) {
			/* Near the bounds: decide exactly. */
			mpq_t b;
			int c;

			mpq_init(b);
			if (ln - ld > 0) {
				mpq_set_ui(b, 1, 1);
				mpq_mul_2exp(b, b, 990);
				c = mpq_cmp(q, b) > 0;
			} else {
				mpq_set_ui(b, 1, 1);
				mpq_div_2exp(b, b, 1022);
				c = mpq_cmp(q, b) < 0;
			}
			mpq_clear(b);
			if (c) {
				*why = "the scale must be between 2^-1022 "
				    "(about 2.2e-308) and 2^990 (about 1e298)";
				return -1;
			}
		}
	}
	if (f->scale_big != NULL) {
		mpq_clear(f->scale_big);
		free(f->scale_big);
		f->scale_big = NULL;
	}
	if (mpz_cmp_ui(mpq_numref(q), 1ul << 31) < 0 &&
	    mpz_cmp_ui(mpq_denref(q), 1ul << 31) < 0) {
		f->scale_num = (int64_t)mpz_get_ui(mpq_numref(q));
		f->scale_den = (int64_t)mpz_get_ui(mpq_denref(q));
		return 0;
	}
	{
		mpq_ptr big = malloc(sizeof *big);

		if (big == NULL) {
			*why = "out of memory";
			return -1;
		}
		mpq_init(big);
		mpq_set(big, q);
		f->scale_big = big;
		f->scale_num = f->scale_den = 0;
	}
	return 0;
}

/* Set the scale from decimal text. */
int
fpv_grid_set_scale(struct fpv_format *f, const char *text, const char **why)
{
	mpq_t q;
	size_t len = strlen(text);
	int rc;

	mpq_init(q);
	if (len == 0 || text[0] == '-' || text[0] == '+' ||
	    !fpv_real_rational(text, len, q)) {
		mpq_clear(q);
		*why = "expected a positive decimal number";
		return -1;
	}
	rc = fpv_grid_set_scale_q(f, q, why);
	mpq_clear(q);
	return rc;
}

/* The exact value scale * (q - zero_point) of an int encoding. */
void
fpv_grid_value(const struct fpv_format *f, uint64_t b, mpq_ptr v)
{
	mpq_t sc;

	mpq_set_si(v, (long)(fpv_bits_q(f, b) - f->zero_point), 1);
	if (f->scale_big == NULL && f->scale_den == 1 && f->scale_num == 1)
		return;
	mpq_init(sc);
	fpv_grid_scale(f, sc);
	mpq_mul(v, v, sc);
	mpq_clear(sc);
}


/*
 * The fast path of the integer grid: when the scale is a ratio of small
 * integers sn/sd, every value is scale * k for a small integer k, and
 * requantizing a rational operation is one division of 128-bit integers.
 */

/* Saturate or wrap n (already offset by the zero point). */
static inline uint64_t
int_store_small(const struct fpv_format *f, i128 n, unsigned *flags)
{
	if (n > f->qmax || n < f->qmin) {
		if (f->overflow == FPV_OVF_WRAP) {
			*flags |= FPV_FLAG_WRAPPED | FPV_FLAG_INEXACT;
			return (uint64_t)(n & (i128)fpv_format_mask(f));
		}
		*flags |= FPV_FLAG_SATURATED | FPV_FLAG_INEXACT;
		n = n > 0 ? f->qmax : f->qmin;
	}
	return (uint64_t)(int64_t)n & fpv_format_mask(f);
}

/* Saturate or wrap the integer n (already offset by the zero point). */
static uint64_t
int_store(const struct fpv_format *f, mpz_srcptr n, unsigned *flags)
{
	i128 v;

	if (mpz_fits_slong_p(n))
		v = mpz_get_si(n);
	else		/* far out of range: keep the sign and the residue */
		v = (i128)mpz_fdiv_ui(n, 1ul << f->bits) +
		    (mpz_sgn(n) > 0 ? 1 : -1) * ((i128)1 << 62);
	return int_store_small(f, v, flags);
}

/* The top 64 bits of rem / den (0 < rem < den < 2^126) as D, and
 * whether more is dropped: stochastic rounding's fraction. */
static uint64_t
frac64(i128 rem, i128 den, bool *more)
{
	uint64_t D = 0;

	for (int i = 0; i < 64; i++) {
		rem <<= 1;
		D <<= 1;
		if (rem >= den) {
			rem -= den;
			D |= 1;
		}
	}
	*more = rem != 0;
	return D;
}

/* Stochastic rounding of num / den (den > 0), inexact, whose quotient
 * truncated toward zero is q and remainder r (r != 0, sign of num). */
static i128
sr_div(const struct fpv_ctx *c, const struct fpv_format *f, i128 q, i128 r,
    i128 den)
{
	bool more;
	uint64_t D = frac64(r < 0 ? -r : r, den, &more);

	if (!fpv_sr_away(c, f, D, more))
		return q;
	return r < 0 ? q - 1 : q + 1;
}

/* num / den (den > 0) rounded to an integer in c's mode. */
static i128
round_div(const struct fpv_ctx *c, const struct fpv_format *f, i128 num,
    i128 den, bool *inexact)
{
	enum fpv_round rnd = c->round;

	i128 q, r, fl, rem;

	/* A power of two (a double's denominator over the scale 1) is a
	 * shift; most other operands fit in 64 bits, whose division is far
	 * cheaper than 128 bits'. */
	if ((den & (den - 1)) == 0) {
		int sh = (uint64_t)den != 0 ? __builtin_ctzll((uint64_t)den) :
		    64 + __builtin_ctzll((uint64_t)(den >> 64));
		i128 a = num < 0 ? -num : num, m = den - 1;

		q = a >> sh;		/* den <= 2^126: sh < 127 */
		r = a & m;
		if (num < 0) {
			q = -q;
			r = -r;
		}
	} else if (num >= -(i128)INT64_MAX && num <= INT64_MAX &&
	    den <= INT64_MAX) {
		q = (int64_t)num / (int64_t)den;
		r = (int64_t)num % (int64_t)den;
	} else {
		q = num / den;
		r = num % den;
	}
	*inexact = r != 0;
	if (r == 0 || rnd == FPV_RND_ZERO)
		return q;
	if (rnd == FPV_RND_STOCHASTIC)
		return sr_div(c, f, q, r, den);
	fl = r < 0 ? q - 1 : q;		/* floor */
	rem = r < 0 ? r + den : r;	/* num - fl * den, in (0, den) */
	return fl + fpv_round_up_p(rnd, false, fl & 1,
	    rem > den - rem ? 1 : rem < den - rem ? -1 : 0, true);
}

/* Requantize v / scale = num / den (den != 0) on the fast path. */
static uint64_t
quantize_small(const struct fpv_ctx *c, const struct fpv_format *f,
    i128 num, i128 den, unsigned *flags)
{
	bool inexact;
	i128 n;

	if (den == 1)		/* an integer already: no division */
		return int_store_small(f, num + f->zero_point, flags);
	if (den < 0) {
		num = -num;
		den = -den;
	}
	n = round_div(c, f, num, den, &inexact);
	if (inexact)
		*flags |= FPV_FLAG_INEXACT;
	if (n == 0 && num != 0)
		*flags |= FPV_FLAG_UNDERFLOW;
	return int_store_small(f, n + f->zero_point, flags);
}

/* The fast path's requantization for other callers (num-impl.h). */
uint64_t
fpv_grid_quantize_ratio(const struct fpv_ctx *c, const struct fpv_format *f,
    i128 num, i128 den, unsigned *flags)
{
	return quantize_small(c, f, num, den, flags);
}

/*
 * A decimal literal m * 10^e (r's text, as fpv_real_parse found it or
 * read now) as num / den over the scale, when it fits in 128-bit
 * arithmetic; false otherwise.
 */
static bool
text_small(const struct fpv_format *f, const struct fpv_real *r, i128 *num,
    i128 *den)
{
	uint64_t m;
	int e;

	if (!fpv_real_short(r, &m, &e))
		return false;
	/* m < 10^18 < 2^60 and sn, sd < 2^31; 10^10 < 2^34, 10^18 < 2^60:
	 * every product stays below 2^126. */
	if (m >= 1000000000000000000u || e > 10 || e < -18)
		return false;
	i128 p = (i128)fpv_pow10_u64[e < 0 ? -e : e];

	*num = (i128)m * f->scale_den * (e > 0 ? p : 1);
	*den = (i128)f->scale_num * (e < 0 ? p : 1);
	if (r->negative)
		*num = -*num;
	return true;
}

/* n += the zero point of f. */
static void
add_zero_point(mpz_ptr n, const struct fpv_format *f)
{
	if (f->zero_point >= 0)
		mpz_add_ui(n, n, (unsigned long)f->zero_point);
	else
		mpz_sub_ui(n, n, (unsigned long)-f->zero_point);
}

/* The top 64 bits of the fraction a / b (0 <= a < b, b > 0) as D, and
 * whether more is dropped (mpz arithmetic). */
static uint64_t
frac64_z(mpz_srcptr a, mpz_srcptr b, bool *more)
{
	mpz_t t, d;
	uint64_t D;

	mpz_init(t);
	mpz_init(d);
	mpz_mul_2exp(t, a, 64);
	mpz_fdiv_qr(d, t, t, b);
	*more = mpz_sgn(t) != 0;
	D = (uint64_t)mpz_get_ui(d);
	mpz_clear(t);
	mpz_clear(d);
	return D;
}

/* Stochastic rounding of the rational x into f's integers: n. */
static void
sr_q_to_z(const struct fpv_ctx *c, const struct fpv_format *f, mpz_ptr n,
    mpq_srcptr x)
{
	mpz_t r;
	bool more;
	uint64_t D;

	mpz_init(r);
	mpz_tdiv_qr(n, r, mpq_numref(x), mpq_denref(x));
	if (mpz_sgn(r) != 0) {
		bool neg = mpz_sgn(r) < 0;

		mpz_abs(r, r);
		D = frac64_z(r, mpq_denref(x), &more);
		if (fpv_sr_away(c, f, D, more)) {
			if (neg)
				mpz_sub_ui(n, n, 1);
			else
				mpz_add_ui(n, n, 1);
		}
	}
	mpz_clear(r);
}

/* Round the rational x to an integer in c's mode (ties to even). */
static void
round_q_to_z(const struct fpv_ctx *c, const struct fpv_format *f, mpz_ptr n,
    mpq_srcptr x)
{
	mpz_t r;

	switch (c->round) {
	case FPV_RND_STOCHASTIC:
		sr_q_to_z(c, f, n, x);
		return;
	case FPV_RND_ZERO:
		mpz_tdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_UP:
		mpz_cdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_DOWN:
		mpz_fdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_NEAREST:
		break;
	}
	mpz_init(r);
	mpz_fdiv_qr(n, r, mpq_numref(x), mpq_denref(x));
	mpz_mul_2exp(r, r, 1);
	int cmp = mpz_cmp(r, mpq_denref(x));
	if (cmp > 0 || (cmp == 0 && mpz_odd_p(n)))
		mpz_add_ui(n, n, 1);
	mpz_clear(r);
}

/* Quantize the exact rational value v: q = round(v / scale) + zero_point. */
uint64_t
fpv_grid_quantize_q(const struct fpv_ctx *c, const struct fpv_format *f,
    mpq_srcptr v, unsigned *flags)
{
	mpq_t x;
	mpz_t n;
	uint64_t b;

	mpq_init(x);
	mpz_init(n);
	if (fpv_grid_scale_is_one(f)) {
		mpq_set(x, v);
	} else {
		fpv_grid_scale(f, x);
		mpq_div(x, v, x);
	}
	round_q_to_z(c, f, n, x);
	if (mpz_cmp(n, mpq_numref(x)) != 0 || mpz_cmp_ui(mpq_denref(x), 1) != 0)
		*flags |= FPV_FLAG_INEXACT;
	if (mpz_sgn(n) == 0 && mpq_sgn(v) != 0)
		*flags |= FPV_FLAG_UNDERFLOW;
	add_zero_point(n, f);
	b = int_store(f, n, flags);
	mpz_clear(n);
	mpq_clear(x);
	return b;
}

/* The end of the range with the sign of negative (x/0, +-inf). */
static uint64_t
range_end(const struct fpv_format *f, int negative)
{
	return (uint64_t)(negative ? f->qmin : f->qmax) & fpv_format_mask(f);
}

/* The encoding of the value 0 (q = zero point). */
uint64_t
fpv_grid_zero(const struct fpv_format *f)
{
	return fpv_q_bits(f, f->zero_point);
}

/*
 * Quantize a real given as an MPFR value: exact (then as a rational) or
 * an approximation rounded to odd, which v / scale keeps close enough
 * that rounding to an integer is never wrong.
 */
uint64_t
fpv_grid_quantize_fr(const struct fpv_ctx *c, const struct fpv_format *f,
    mpfr_srcptr v, bool exact, bool inf_in, unsigned *flags)
{
	uint64_t b;

	if (mpfr_nan_p(v)) {
		*flags |= FPV_FLAG_INVALID;
		return fpv_grid_zero(f);
	}
	if (mpfr_inf_p(v)) {
		*flags |= inf_in ? FPV_FLAG_SATURATED | FPV_FLAG_INEXACT :
		    FPV_FLAG_DIVBYZERO;
		return range_end(f, mpfr_signbit(v));
	}
	/* An exact zero is the zero point, exactly (a quantized tensor is
	 * mostly zeros: no rational for them). */
	if (exact && mpfr_zero_p(v))
		return fpv_grid_zero(f);
	/* A short dyadic value m 2^e (a double's, say) over a small scale
	 * sn/sd: m 2^e sd / sn in 128-bit integers, when they hold it. */
	if (exact && mpfr_regular_p(v) && f->scale_num != 0 &&
	    mp_bits_per_limb == 64) {
		size_t nl = (size_t)((mpfr_get_prec(v) + 63) / 64), k = 0;
		const mp_limb_t *d = mpfr_custom_get_significand(v);

		while (k + 1 < nl && d[k] == 0)
			k++;
		if (k + 1 == nl) {
			uint64_t m = d[nl - 1];
			int tz = __builtin_ctzll(m);
			long e = (long)mpfr_get_exp(v) - 64 + tz;
			int mb = 64 - tz;	/* bits of m >> tz */
			i128 num, den;

			m >>= tz;
			if (e >= 0 && e + mb <= 90) {
				num = ((i128)m << e) * f->scale_den;
				den = f->scale_num;
			} else if (e < 0 && -e <= 90) {
				num = (i128)m * f->scale_den;
				den = (i128)f->scale_num << -e;
			} else {
				goto general;
			}
			if (mpfr_signbit(v))
				num = -num;
			return quantize_small(c, f, num, den, flags);
		}
	}
general:
	/* An exact value as a rational, unless its exponent alone puts it
	 * far beyond the range or far below every scale (no big number
	 * sized by an exponent: the MPFR path below rounds such a value
	 * right, as it cannot be a multiple of the scale). */
	if (exact && (!mpfr_regular_p(v) ||
	    (mpfr_get_exp(v) <= RATIONAL_MAX_EXP &&
	    mpfr_get_exp(v) >= -RATIONAL_MAX_EXP))) {
		mpq_t q;

		mpq_init(q);
		mpfr_get_q(q, v);
		b = fpv_grid_quantize_q(c, f, q, flags);
		mpq_clear(q);
		return b;
	}
	{
		mpfr_t x, n;
		mpz_t z;
		int t;

		mpfr_inits2(FPV_EXACT_PREC + 64, x, n, (mpfr_ptr)0);
		mpz_init(z);
		fpv_grid_scale_fr(f, n);
		t = mpfr_div(x, v, n, MPFR_RNDZ);
		fpv_real_make_odd(x, t);
		if (mpfr_regular_p(x) && mpfr_get_exp(x) > FAR) {
			/* Far out of range: only the sign matters. */
			mpz_set_si(z, mpfr_sgn(x) > 0 ? 1 : -1);
			mpz_mul_2exp(z, z, FAR);
		} else if (c->round == FPV_RND_STOCHASTIC) {
			/* x is rounded to odd far below the units: its
			 * fraction's first 64 bits and sticky are exact. */
			mpfr_trunc(n, x);
			mpfr_get_z(z, n, MPFR_RNDN);
			mpfr_sub(n, x, n, MPFR_RNDN);	/* exact */
			if (!mpfr_zero_p(n)) {
				bool neg = mpfr_signbit(n) != 0, more;
				uint64_t D;

				mpfr_abs(n, n, MPFR_RNDN);
				mpfr_mul_2exp(n, n, 64, MPFR_RNDN);
				more = !mpfr_integer_p(n);
				D = (uint64_t)mpfr_get_ui(n, MPFR_RNDZ);
				if (fpv_sr_away(c, f, D, more)) {
					if (neg)
						mpz_sub_ui(z, z, 1);
					else
						mpz_add_ui(z, z, 1);
				}
			}
		} else {
			mpfr_rint(n, x, fpv_round_mpfr(c->round));
			mpfr_get_z(z, n, MPFR_RNDN);
		}
		*flags |= FPV_FLAG_INEXACT;
		if (mpz_sgn(z) == 0)
			*flags |= FPV_FLAG_UNDERFLOW;
		add_zero_point(z, f);
		b = int_store(f, z, flags);
		mpz_clear(z);
		mpfr_clears(x, n, (mpfr_ptr)0);
		return b;
	}
}

static uint64_t grid_op_general(const struct fpv_ctx *c,
    const struct fpv_format *f, enum fpv_op op, const uint64_t *args,
    unsigned *flags);

/* An operation on the integer grid: the small-scale fast path first. */
uint64_t
fpv_grid_op(const struct fpv_ctx *c, const struct fpv_format *f, enum fpv_op op,
    const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;

	if (f->scale_num != 0 && fpv_num_op_rational(op) && op != FPV_OP_FLOOR &&
	    op != FPV_OP_CEIL && op != FPV_OP_ROUND) {
		i128 k[3] = { 0, 0, 0 }, sn = f->scale_num, sd = f->scale_den;

		for (int i = 0; i < n; i++)
			k[i] = fpv_bits_q(f, args[i]) - f->zero_point;
		switch (op) {
		case FPV_OP_ADD: return quantize_small(c, f, k[0] + k[1], 1, flags);
		case FPV_OP_SUB: return quantize_small(c, f, k[0] - k[1], 1, flags);
		case FPV_OP_MUL: return quantize_small(c, f, sn * k[0] * k[1], sd, flags);
		case FPV_OP_NEG: return quantize_small(c, f, -k[0], 1, flags);
		case FPV_OP_ABS: return quantize_small(c, f, k[0] < 0 ? -k[0] : k[0], 1, flags);
		case FPV_OP_MIN: return quantize_small(c, f, k[0] < k[1] ? k[0] : k[1], 1, flags);
		case FPV_OP_MAX: return quantize_small(c, f, k[0] > k[1] ? k[0] : k[1], 1, flags);
		case FPV_OP_FMA:
			return quantize_small(c, f, sn * k[0] * k[1] + k[2] * sd, sd, flags);
		case FPV_OP_DIV:
			if (k[1] != 0)
				return quantize_small(c, f, k[0] * sd, k[1] * sn, flags);
			break;		/* the general path reports x/0 */
		default:
			break;
		}
	}
	return grid_op_general(c, f, op, args, flags);
}

/* An operation on the integer grid in exact rationals. */
static __attribute__((noinline)) uint64_t
grid_op_general(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;
	mpq_t v[3], r;
	uint64_t b;

	for (int i = 0; i < n; i++) {
		mpq_init(v[i]);
		fpv_grid_value(f, args[i], v[i]);
	}
	mpq_init(r);
	if (fpv_num_op_rational(op)) {
		switch (op) {
		case FPV_OP_ADD: mpq_add(r, v[0], v[1]); break;
		case FPV_OP_SUB: mpq_sub(r, v[0], v[1]); break;
		case FPV_OP_MUL: mpq_mul(r, v[0], v[1]); break;
		case FPV_OP_NEG: mpq_neg(r, v[0]); break;
		case FPV_OP_ABS: mpq_abs(r, v[0]); break;
		case FPV_OP_FMA:
			mpq_mul(r, v[0], v[1]);
			mpq_add(r, r, v[2]);
			break;
		case FPV_OP_MIN:
			mpq_set(r, mpq_cmp(v[0], v[1]) <= 0 ? v[0] : v[1]);
			break;
		case FPV_OP_MAX:
			mpq_set(r, mpq_cmp(v[0], v[1]) >= 0 ? v[0] : v[1]);
			break;
		case FPV_OP_DIV:
			if (mpq_sgn(v[1]) == 0)
				goto divzero;
			mpq_div(r, v[0], v[1]);
			break;
		case FPV_OP_FLOOR:
			mpz_fdiv_q(mpq_numref(r), mpq_numref(v[0]),
			    mpq_denref(v[0]));
			break;
		case FPV_OP_CEIL:
			mpz_cdiv_q(mpq_numref(r), mpq_numref(v[0]),
			    mpq_denref(v[0]));
			break;
		case FPV_OP_ROUND:
			/* Half away from zero: trunc(x + sign(x) / 2). */
			mpq_set_si(r, mpq_sgn(v[0]) < 0 ? -1 : 1, 2);
			mpq_add(r, r, v[0]);
			mpz_tdiv_q(mpq_numref(r), mpq_numref(r),
			    mpq_denref(r));
			mpz_set_ui(mpq_denref(r), 1);
			break;
		default:
			abort();
		}
		b = fpv_grid_quantize_q(c, f, r, flags);
	} else {
		/* Through MPFR: exact operands, a result rounded to odd. */
		mpfr_t a[3], x;
		struct fpv_operands o = { { NULL, NULL, NULL }, NULL };
		bool exact = true;
		int t;

		for (int i = 0; i < n; i++) {
			mpfr_init2(a[i], FPV_EXACT_PREC + 64);
			t = mpfr_set_q(a[i], v[i], MPFR_RNDZ);
			fpv_real_make_odd(a[i], t);
			exact &= t == 0;
			o.a[i] = a[i];
		}
		mpfr_init2(x, FPV_EXACT_PREC + 64);
		t = fpv_num_compute(op, x, &o, MPFR_RNDZ);
		fpv_real_make_odd(x, t);
		b = fpv_grid_quantize_fr(c, f, x, exact && t == 0, false, flags);
		mpfr_clear(x);
		for (int i = 0; i < n; i++)
			mpfr_clear(a[i]);
	}
	goto out;
divzero:
	if (mpq_sgn(v[0]) == 0) {
		*flags |= FPV_FLAG_INVALID;
		b = fpv_grid_zero(f);
	} else {
		*flags |= FPV_FLAG_DIVBYZERO;
		b = range_end(f, mpq_sgn(v[0]) < 0);
	}
out:
	mpq_clear(r);
	for (int i = 0; i < n; i++)
		mpq_clear(v[i]);
	return b;
}

/* A real (literal or constant) on the grid. */
uint64_t
fpv_grid_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    const struct fpv_real *r, unsigned *flags)
{
	if (r->text != NULL && mpfr_number_p(r->approx)) {
		mpq_t q;
		uint64_t b;
		i128 num, den;

		if (f->scale_num != 0 && text_small(f, r, &num, &den))
			return quantize_small(c, f, num, den, flags);
		mpq_init(q);
		if (fpv_real_rational(r->text, r->len, q)) {
			if (r->negative)
				mpq_neg(q, q);
			b = fpv_grid_quantize_q(c, f, q, flags);
			mpq_clear(q);
			return b;
		}
		mpq_clear(q);
	}
	return fpv_grid_quantize_fr(c, f, r->approx, r->inexact == 0,
	    mpfr_inf_p(r->approx), flags);
}
