/*
 * The certified exact reference (see exact.h for what a value is).
 *
 * Rationals.  A value (-1)^neg * num / den * 2^e keeps num and den odd
 * (num may be 0), so that powers of two never enter the integers, and
 * is not reduced after every operation: equal denominators are added
 * directly, other sums and products multiply, and only a number that
 * grows past Q_SOFT bits is divided by the gcd of its two integers.
 * What still exceeds FPV_EXACT_QBITS bits (or an exponent beyond
 * FPV_EXACT_EMAX) falls back to a ball.  The integers are FLINT's fmpz,
 * which hold small values in place: a short literal and the sums and
 * products of a few of them allocate nothing.
 *
 * Exact operands of a function that is not rational go first through
 * MPFR at 64 bits, which knows IEEE 754's special cases (signed zeros,
 * infinities, poles such as log(0) and atanh(1), domain errors such as
 * sqrt(-1)): a NaN there is an exactly undefined result, an infinity
 * without overflow an exact one, an exact result from exact operands an
 * exact value.  Everything else is evaluated in Arb's ball arithmetic.
 *
 * Balls.  fpv_exact_op computes one operation at a working precision;
 * the trace-level code at the end of the file runs the precision loop
 * over a step's sub-expression: FPV_EXACT_PREC0 bits, then twice as many
 * for every step of the sub-expression that is not yet there, until the
 * result is certified to FPV_EXACT_GOAL bits or FPV_EXACT_CAP is
 * reached.  A step keeps the precision it was computed at, so raising a
 * sum of a hundred sin(pi) computes each sine once per precision.
 *
 * Decimals.  A rational with a moderate exponent is rounded to n digits
 * with integer division (ties to even, decided exactly), after a
 * quotient of 128 bits on the stack has settled what it can.  A ball,
 * and a rational beyond that exponent range (which can then not lie on a
 * decimal tie), is scaled by a power of ten in ball arithmetic and both
 * endpoints are rounded; the digits are printed only where the two
 * agree, since rounding is monotonic.
 *
 * Error figures.  The error of a column's value against the reference
 * is an exact rational when the reference is one, else a ball; for the
 * two or three digits of the text tables and the view, a double-double
 * of the reference (kept by the trace per step) settles the figures in
 * double arithmetic with a proven error bound, and everything that bound
 * does not decide goes the exact way.  The figures are written in
 * fpv_dec_figure's notation (decimal.h, the one of the whole program),
 * told how well each is known: a double within 2^-44, an exact rational,
 * or a ball's accuracy (fpv_exact_figure).  No floating-point operation here
 * may raise the invalid flag: it would stay in the SSE status register
 * and slow down the fp32 and fp64 columns' own arithmetic, which saves
 * and restores that register around every operation.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/exact.h"
#include "fpviz/trace.h"

/* A rational larger than this (bits of num or den) is reduced by its gcd. */
#define Q_SOFT 1024
/* Rationals within 2^+-Q_DIGITS_EXP are printed by integer division. */
#define Q_DIGITS_EXP 16384
/* Largest binary exponent of a ball's magnitude (beyond it: lost). */
#define BALL_EMAX ((slong)1 << 60)
/* Precision limit when printing a rational through a ball. */
#define Q_BALL_CAP 65536

const char *const fpv_exact_state_names[5] = {
	"exact", "certified", "near_zero", "undefined", "not_certified"
};

/* ---- Storage -------------------------------------------------------- */

/* Initialize x to +0. */
void
fpv_exact_init(struct fpv_exact *x)
{
	x->kind = FPV_EXACT_Q;
	x->neg = false;
	x->fixed = false;
	x->e = 0;
	x->prec = 0;
	x->why = FPV_WHY_UNDEFINED;
	fmpz_init(x->num);
	fmpz_init_set_ui(x->den, 1);
	arb_init(x->ball);
}

/* Release x. */
void
fpv_exact_clear(struct fpv_exact *x)
{
	fmpz_clear(x->num);
	fmpz_clear(x->den);
	arb_clear(x->ball);
}

/* Copy src into dst. */
void
fpv_exact_set(struct fpv_exact *dst, const struct fpv_exact *src)
{
	dst->kind = src->kind;
	dst->neg = src->neg;
	dst->fixed = src->fixed;
	dst->e = src->e;
	dst->prec = src->prec;
	dst->why = src->why;
	switch (src->kind) {
	case FPV_EXACT_Q:
		fmpz_set(dst->num, src->num);
		fmpz_set(dst->den, src->den);
		break;
	case FPV_EXACT_BALL:
		arb_set(dst->ball, src->ball);
		break;
	default:
		break;
	}
}

/* x = +-0. */
void
fpv_exact_set_zero(struct fpv_exact *x, bool neg)
{
	x->kind = FPV_EXACT_Q;
	x->neg = neg;
	x->fixed = false;
	x->e = 0;
	fmpz_zero(x->num);
	fmpz_one(x->den);
}

/* x = +-inf. */
void
fpv_exact_set_inf(struct fpv_exact *x, bool neg)
{
	x->kind = FPV_EXACT_INF;
	x->neg = neg;
	x->fixed = false;
}

/* x = undefined, exactly. */
void
fpv_exact_set_nan(struct fpv_exact *x)
{
	x->kind = FPV_EXACT_NAN;
	x->neg = false;
	x->fixed = false;
}

/* x = lost at working precision prec (undefined there). */
static void
set_lost(struct fpv_exact *x, slong prec)
{
	x->kind = FPV_EXACT_LOST;
	x->neg = false;
	x->fixed = false;
	x->why = FPV_WHY_UNDEFINED;
	x->prec = prec;
}

/* x = lost at every precision, for the reason why (enum fpv_exact_why):
 * never raised again (its precision is the cap's). */
static void
set_lost_why(struct fpv_exact *x, int why)
{
	set_lost(x, FPV_EXACT_CAP);
	x->why = (uint8_t)why;
}

/* The bit length of |f| (fmpz_bits without a library call). */
static inline flint_bitcnt_t
nbits(const fmpz_t f)
{
	fmpz v = *f;

	if (!COEFF_IS_MPZ(v)) {
		ulong a = v < 0 ? (ulong)-v : (ulong)v;

		return a ? (flint_bitcnt_t)(64 - __builtin_clzl(a)) : 0;
	}
	const __mpz_struct *z = COEFF_TO_PTR(v);
	mp_size_t n = z->_mp_size < 0 ? -z->_mp_size : z->_mp_size;

	return n ? (flint_bitcnt_t)(64 * n - __builtin_clzl(z->_mp_d[n - 1])) :
	    0;
}

/* Make the rational x's num odd (moving its factors of two into e);
 * false if e leaves the bound. */
static bool
q_strip2(struct fpv_exact *x)
{
	flint_bitcnt_t v;

	if (fmpz_is_zero(x->num)) {
		x->e = 0;
		fmpz_one(x->den);
		return true;
	}
	if (fmpz_is_odd(x->num))
		return true;
	v = fmpz_val2(x->num);
	fmpz_fdiv_q_2exp(x->num, x->num, v);
	x->e += (slong)v;
	return x->e <= FPV_EXACT_EMAX;
}

/* x = (-1)^neg * m * 2^e. */
void
fpv_exact_set_dyadic(struct fpv_exact *x, bool neg, uint64_t m, slong e)
{
	x->kind = FPV_EXACT_Q;
	x->neg = neg;
	x->fixed = false;
	if (m == 0) {
		fpv_exact_set_zero(x, neg);
		return;
	}
	int tz = __builtin_ctzll(m);

	fmpz_set_ui(x->num, (ulong)(m >> tz));
	fmpz_one(x->den);
	x->e = e + tz;
}

/* 5^k for 0 <= k <= 27 (5^27 < 2^63). */
static const uint64_t pow5_u64[28] = {
	1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u,
	9765625u, 48828125u, 244140625u, 1220703125u, 6103515625u,
	30517578125u, 152587890625u, 762939453125u, 3814697265625u,
	19073486328125u, 95367431640625u, 476837158203125u,
	2384185791015625u, 11920928955078125u, 59604644775390625u,
	298023223876953125u, 1490116119384765625u, 7450580596923828125u
};

/* f = 5^k. */
static void
fmpz_pow5(fmpz_t f, ulong k)
{
	if (k < 28)
		fmpz_set_ui(f, (ulong)pow5_u64[k]);
	else
		fmpz_ui_pow_ui(f, 5, k);
}

/* x = (-1)^neg * m * 10^e10 (|e10| small). */
void
fpv_exact_set_decimal(struct fpv_exact *x, bool neg, uint64_t m, int e10)
{
	fpv_exact_set_dyadic(x, neg, m, e10);
	if (m == 0 || e10 == 0)
		return;
	if (e10 > 0) {
		if (e10 < 28 && fmpz_abs_fits_ui(x->num)) {
			fmpz_mul_ui(x->num, x->num, (ulong)pow5_u64[e10]);
		} else {
			fmpz_t p;

			fmpz_init(p);
			fmpz_pow5(p, (ulong)e10);
			fmpz_mul(x->num, x->num, p);
			fmpz_clear(p);
		}
	} else {
		fmpz_pow5(x->den, (ulong)-e10);
	}
}

/* x = the exact value of v. */
void
fpv_exact_set_mpfr(struct fpv_exact *x, mpfr_srcptr v)
{
	if (mpfr_nan_p(v)) {
		fpv_exact_set_nan(x);
		return;
	}
	if (mpfr_inf_p(v)) {
		fpv_exact_set_inf(x, mpfr_signbit(v) != 0);
		return;
	}
	if (mpfr_zero_p(v)) {
		fpv_exact_set_zero(x, mpfr_signbit(v) != 0);
		return;
	}
	mpz_t z;
	mpfr_exp_t e;

	mpz_init(z);
	e = mpfr_get_z_2exp(z, v);
	x->kind = FPV_EXACT_Q;
	x->neg = mpz_sgn(z) < 0;
	x->fixed = false;
	mpz_abs(z, z);
	fmpz_set_mpz(x->num, z);
	fmpz_one(x->den);
	x->e = (slong)e;
	mpz_clear(z);
	q_strip2(x);
}

/* Is the rational x an integer? */
static bool
q_is_int(const struct fpv_exact *x)
{
	return fmpz_is_zero(x->num) || (fmpz_is_one(x->den) && x->e >= 0);
}

/* Bits of the larger of x's integers. */
static flint_bitcnt_t
q_bits(const struct fpv_exact *x)
{
	flint_bitcnt_t a = nbits(x->num), b = nbits(x->den);

	return a > b ? a : b;
}

/* Keep the rational x within the bound: reduce a large one by the gcd
 * of num and den; false if it is still too large. */
static bool
q_fit(struct fpv_exact *x)
{
	if (x->e > FPV_EXACT_EMAX || x->e < -FPV_EXACT_EMAX)
		return false;
	if (q_bits(x) <= Q_SOFT)
		return true;
	if (!fmpz_is_one(x->den)) {
		fmpz_t g;

		fmpz_init(g);
		fmpz_gcd(g, x->num, x->den);
		if (!fmpz_is_one(g)) {
			fmpz_divexact(x->num, x->num, g);
			fmpz_divexact(x->den, x->den, g);
		}
		fmpz_clear(g);
	}
	return q_bits(x) <= FPV_EXACT_QBITS;
}

/*
 * Scratch integers of the decimal conversions, kept from call to call
 * (per thread) so that their limbs are reused: a FLINT integer that is
 * freed gives its limbs back shrunk.
 */
enum { S_NUM, S_DEN, S_Q, S_R, S_LO, S_HI, S_COUNT };
static _Thread_local fmpz scratch[S_COUNT];

/* The top 64 bits of the positive integer f of bits bits, its leading
 * one at bit 63. */
static inline uint64_t
top64(const fmpz_t f, flint_bitcnt_t bits)
{
	if (!COEFF_IS_MPZ(*f))
		return (uint64_t)*f << (64 - bits);
	const __mpz_struct *z = COEFF_TO_PTR(*f);
	mp_size_t n = z->_mp_size;
	const mp_limb_t *d = z->_mp_d;
	unsigned lz = (unsigned)(64 * (flint_bitcnt_t)n - bits);

	if (lz == 0)
		return d[n - 1];
	return d[n - 1] << lz | (n > 1 ? d[n - 2] >> (64 - lz) : 0);
}

/*
 * num / den of a nonzero rational as m * 2^k with m in [2^63, 2^64):
 * the top bits' quotient, within 2^-62 below the value.
 */
static void
q_top(const struct fpv_exact *x, uint64_t *m, slong *k)
{
	flint_bitcnt_t bn = nbits(x->num), bd = nbits(x->den);
	unsigned __int128 q = ((unsigned __int128)top64(x->num, bn) << 64) /
	    top64(x->den, bd);
	/* q in (2^63, 2^65): the value is q 2^(bn - bd - 64 + e). */
	if (q >> 64) {
		*m = (uint64_t)(q >> 1);
		*k = (slong)bn - (slong)bd - 63 + x->e;
	} else {
		*m = (uint64_t)q;
		*k = (slong)bn - (slong)bd - 64 + x->e;
	}
}

/* floor(log2 |x|) of a nonzero rational x. */
static slong
q_ilog2(const struct fpv_exact *x)
{
	slong bn = (slong)nbits(x->num), bd = (slong)nbits(x->den);
	slong b = bn - bd;	/* num / den in [2^(b-1), 2^(b+1)) */
	uint64_t tn = top64(x->num, (flint_bitcnt_t)bn);
	uint64_t td = top64(x->den, (flint_bitcnt_t)bd);
	int c;

	/* num / den >= 2^b  <=>  num >= den * 2^b: the top bits, aligned,
	 * decide unless they are equal. */
	if (tn != td)
		return x->e + (tn > td ? b : b - 1);
	if (b >= 0) {
		fmpz_t t;

		fmpz_init(t);
		fmpz_mul_2exp(t, x->den, (ulong)b);
		c = fmpz_cmp(x->num, t);
		fmpz_clear(t);
	} else {
		fmpz_t t;

		fmpz_init(t);
		fmpz_mul_2exp(t, x->num, (ulong)-b);
		c = fmpz_cmp(t, x->den);
		fmpz_clear(t);
	}
	return x->e + (c >= 0 ? b : b - 1);
}

/* x as a ball at working precision prec (x a rational). */
static void
q_to_ball(arb_t b, const struct fpv_exact *x, slong prec)
{
	if (fmpz_is_zero(x->num)) {
		arb_zero(b);
		return;
	}
	if (fmpz_is_one(x->den))
		arb_set_fmpz(b, x->num);
	else
		arb_fmpz_div_fmpz(b, x->num, x->den, prec);
	arb_mul_2exp_si(b, b, x->e);
	if (x->neg)
		arb_neg(b, b);
}

/* x as a ball at working precision prec; false when x is no finite
 * number (an infinity, undefined, lost). */
bool
fpv_exact_get_arb(arb_t out, const struct fpv_exact *x, slong prec)
{
	switch (x->kind) {
	case FPV_EXACT_Q:
		q_to_ball(out, x, prec);
		return true;
	case FPV_EXACT_BALL:
		arb_set(out, x->ball);
		return arb_is_finite(out);
	default:
		return false;
	}
}

/* x = the ball b (finite), computed at working precision prec. */
void
fpv_exact_set_arb(struct fpv_exact *x, const arb_t b, slong prec)
{
	x->kind = FPV_EXACT_BALL;
	x->neg = false;
	x->fixed = false;
	x->prec = prec;
	arb_set(x->ball, b);
}

/* ---- Rational arithmetic ---------------------------------------------- */

/*
 * The q_ functions compute an operation on finite rationals into out;
 * they return false when the result is not a rational within the bound
 * (out is then garbage, and the caller uses balls).
 */

/*
 * Small rationals (every integer held in place by FLINT, and a moderate
 * exponent) are added, multiplied and divided in 128-bit integers: the
 * same num and den as the general code below, without its calls.
 */
#define Q_SMALL_E ((slong)1 << 58)

/* Is f held in place (|f| <= COEFF_MAX)? */
static inline bool
q_small(const fmpz_t f)
{
	return !COEFF_IS_MPZ(*f);
}

/* Are x's integers held in place, its exponent moderate? */
static inline bool
q_small_all(const struct fpv_exact *x)
{
	return q_small(x->num) && q_small(x->den) && x->e < Q_SMALL_E &&
	    x->e > -Q_SMALL_E;
}

/* Bits of the nonzero v. */
static inline int
u128_bits(unsigned __int128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);

	return hi ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll((uint64_t)v);
}

/* f = v. */
static inline void
fz_set_u128(fmpz_t f, unsigned __int128 v)
{
	if (v <= COEFF_MAX) {
		if (COEFF_IS_MPZ(*f))
			_fmpz_demote(f);
		*f = (slong)v;
	} else {
		fmpz_set_uiui(f, (mp_limb_t)(v >> 64), (mp_limb_t)v);
	}
}

/* x = (-1)^neg num / den 2^e, num nonzero: with num made odd. */
static inline void
q_set_small(struct fpv_exact *x, bool neg, unsigned __int128 num,
    unsigned __int128 den, slong e)
{
	uint64_t lo = (uint64_t)num;
	int tz = lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll(
	    (uint64_t)(num >> 64));

	fz_set_u128(x->num, num >> tz);
	fz_set_u128(x->den, den);
	x->e = e + tz;
	x->neg = neg;
	x->kind = FPV_EXACT_Q;
}

/* q_addsigned of small nonzero rationals whose terms fit in 126 bits;
 * false (nothing done) otherwise. */
static inline bool
q_add_small(struct fpv_exact *out, const struct fpv_exact *a, bool nega,
    const struct fpv_exact *b, bool negb)
{
	slong m, sha, shb;
	uint64_t an, ad, bn, bd;
	unsigned __int128 t1, t2, den;

	if (!q_small_all(a) || !q_small_all(b))
		return false;
	an = (uint64_t)*a->num;
	ad = (uint64_t)*a->den;
	bn = (uint64_t)*b->num;
	bd = (uint64_t)*b->den;
	m = a->e < b->e ? a->e : b->e;
	sha = a->e - m;
	shb = b->e - m;
	if (ad == bd) {
		if (sha + 64 - __builtin_clzll(an) > 126 ||
		    shb + 64 - __builtin_clzll(bn) > 126)
			return false;
		t1 = (unsigned __int128)an << sha;
		t2 = (unsigned __int128)bn << shb;
		den = ad;
	} else {
		t1 = (unsigned __int128)an * bd;
		t2 = (unsigned __int128)bn * ad;
		if (sha + u128_bits(t1) > 126 || shb + u128_bits(t2) > 126)
			return false;
		t1 <<= sha;
		t2 <<= shb;
		den = (unsigned __int128)ad * bd;
	}
	if (nega == negb) {
		q_set_small(out, nega, t1 + t2, den, m);
	} else if (t1 == t2) {
		fpv_exact_set_zero(out, false);
	} else if (t1 > t2) {
		q_set_small(out, nega, t1 - t2, den, m);
	} else {
		q_set_small(out, !nega, t2 - t1, den, m);
	}
	return true;
}

/* out = (-1)^nega |a| + (-1)^negb |b|: out's own integers hold the two
 * terms, so nothing is allocated once they have grown. */
static bool
q_addsigned(struct fpv_exact *out, const struct fpv_exact *a, bool nega,
    const struct fpv_exact *b, bool negb)
{
	slong m, sha, shb;
	bool same;

	if (fmpz_is_zero(a->num) || fmpz_is_zero(b->num)) {
		const struct fpv_exact *nz = fmpz_is_zero(a->num) ? b : a;
		bool neg = nz == a ? nega : negb;

		if (fmpz_is_zero(nz->num)) {
			/* +0 unless both are -0 (IEEE 754, to nearest). */
			fpv_exact_set_zero(out, nega && negb);
			return true;
		}
		fmpz_set(out->num, nz->num);
		fmpz_set(out->den, nz->den);
		out->e = nz->e;
		out->neg = neg;
		out->kind = FPV_EXACT_Q;
		return true;
	}
	if (q_add_small(out, a, nega, b, negb))
		return true;
	m = a->e < b->e ? a->e : b->e;
	sha = a->e - m;
	shb = b->e - m;
	if (sha > FPV_EXACT_QBITS || shb > FPV_EXACT_QBITS)
		return false;
	same = fmpz_equal(a->den, b->den);
	/* The first term in out->num; the second is b->num itself or is
	 * made in out->den. */
	const fmpz *second = b->num;

	if (same || fmpz_is_one(a->den)) {
		if (shb) {
			fmpz_mul_2exp(out->den, b->num, (ulong)shb);
			second = out->den;
		}
	} else {
		fmpz_mul(out->den, b->num, a->den);
		if (shb)
			fmpz_mul_2exp(out->den, out->den, (ulong)shb);
		second = out->den;
	}
	if (same || fmpz_is_one(b->den))
		fmpz_mul_2exp(out->num, a->num, (ulong)sha);
	else {
		fmpz_mul(out->num, a->num, b->den);
		if (sha)
			fmpz_mul_2exp(out->num, out->num, (ulong)sha);
	}
	if (nega == negb) {
		fmpz_add(out->num, out->num, second);
		out->neg = nega;
	} else {
		fmpz_sub(out->num, out->num, second);
		out->neg = nega;
		if (fmpz_sgn(out->num) < 0) {
			fmpz_neg(out->num, out->num);
			out->neg = !nega;
		}
	}
	out->kind = FPV_EXACT_Q;
	out->e = m;
	if (fmpz_is_zero(out->num)) {
		fpv_exact_set_zero(out, false);
		return true;
	}
	if (same)
		fmpz_set(out->den, a->den);
	else if (fmpz_is_one(a->den))
		fmpz_set(out->den, b->den);
	else if (fmpz_is_one(b->den))
		fmpz_set(out->den, a->den);
	else
		fmpz_mul(out->den, a->den, b->den);
	return q_strip2(out) && q_fit(out);
}

/* out = a * b. */
static bool
q_mul(struct fpv_exact *out, const struct fpv_exact *a,
    const struct fpv_exact *b)
{
	bool neg = a->neg != b->neg;

	if (fmpz_is_zero(a->num) || fmpz_is_zero(b->num)) {
		fpv_exact_set_zero(out, neg);
		return true;
	}
	if (q_small_all(a) && q_small_all(b)) {
		q_set_small(out, neg, (unsigned __int128)(uint64_t)*a->num *
		    (uint64_t)*b->num, (unsigned __int128)(uint64_t)*a->den *
		    (uint64_t)*b->den, a->e + b->e);
		return true;
	}
	fmpz_mul(out->num, a->num, b->num);
	fmpz_mul(out->den, a->den, b->den);
	out->e = a->e + b->e;
	out->neg = neg;
	out->kind = FPV_EXACT_Q;
	return q_fit(out);
}

/* out = a / b, b nonzero. */
static bool
q_div(struct fpv_exact *out, const struct fpv_exact *a,
    const struct fpv_exact *b)
{
	bool neg = a->neg != b->neg;

	if (fmpz_is_zero(a->num)) {
		fpv_exact_set_zero(out, neg);
		return true;
	}
	if (q_small_all(a) && q_small_all(b)) {
		q_set_small(out, neg, (unsigned __int128)(uint64_t)*a->num *
		    (uint64_t)*b->den, (unsigned __int128)(uint64_t)*a->den *
		    (uint64_t)*b->num, a->e - b->e);
		return true;
	}
	fmpz_mul(out->num, a->num, b->den);
	fmpz_mul(out->den, a->den, b->num);
	out->e = a->e - b->e;
	out->neg = neg;
	out->kind = FPV_EXACT_Q;
	return q_fit(out);
}

/* Compare |a| with |b| (nonzero rationals): -1, 0, 1. */
static int
q_cmpabs(const struct fpv_exact *a, const struct fpv_exact *b)
{
	slong la = q_ilog2(a), lb = q_ilog2(b), m, sha, shb;
	fmpz_t x, y;
	int c;

	if (la != lb)
		return la < lb ? -1 : 1;
	/* a->num * b->den * 2^a->e vs b->num * a->den * 2^b->e */
	m = a->e < b->e ? a->e : b->e;
	sha = a->e - m;
	shb = b->e - m;
	fmpz_init(x);
	fmpz_init(y);
	fmpz_mul(x, a->num, b->den);
	fmpz_mul_2exp(x, x, (ulong)sha);
	fmpz_mul(y, b->num, a->den);
	fmpz_mul_2exp(y, y, (ulong)shb);
	c = fmpz_cmp(x, y);
	fmpz_clear(x);
	fmpz_clear(y);
	return c < 0 ? -1 : c > 0;
}

/* Compare rationals a and b (zeros equal whatever their signs). */
static int
q_cmp(const struct fpv_exact *a, const struct fpv_exact *b)
{
	int sa = fmpz_is_zero(a->num) ? 0 : a->neg ? -1 : 1;
	int sb = fmpz_is_zero(b->num) ? 0 : b->neg ? -1 : 1;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;
	return sa * q_cmpabs(a, b);
}

/* q = floor(|x|) of a rational x; returns what was dropped: 0 nothing,
 * 1 less than a half, 2 a half or more. */
static int
q_floor_abs(fmpz_t q, const struct fpv_exact *x)
{
	fmpz_t r, n, d;
	int frac;

	fmpz_init(r);
	fmpz_init(n);
	fmpz_init(d);
	if (x->e >= 0) {
		fmpz_mul_2exp(n, x->num, (ulong)x->e);
		fmpz_set(d, x->den);
	} else {
		fmpz_set(n, x->num);
		fmpz_mul_2exp(d, x->den, (ulong)-x->e);
	}
	fmpz_fdiv_qr(q, r, n, d);
	if (fmpz_is_zero(r)) {
		frac = 0;
	} else {
		fmpz_mul_2exp(r, r, 1);
		frac = fmpz_cmp(r, d) >= 0 ? 2 : 1;
	}
	fmpz_clear(r);
	fmpz_clear(n);
	fmpz_clear(d);
	return frac;
}

/* out = floor, ceil or round (half away from zero) of x. */
static bool
q_round_int(struct fpv_exact *out, enum fpv_op op, const struct fpv_exact *x)
{
	fmpz_t q;
	bool up;
	int frac;

	if (q_is_int(x)) {
		fpv_exact_set(out, x);
		return true;
	}
	fmpz_init(q);
	if (q_ilog2(x) < -2) {
		frac = 1;		/* |x| < 1/4 */
	} else if (q_ilog2(x) > FPV_EXACT_QBITS) {
		fmpz_clear(q);
		return false;
	} else {
		frac = q_floor_abs(q, x);
	}
	/* q rounds |x| down; some modes move it one away from zero. */
	switch (op) {
	case FPV_OP_FLOOR:
		up = x->neg && frac != 0;
		break;
	case FPV_OP_CEIL:
		up = !x->neg && frac != 0;
		break;
	default:
		up = frac == 2;
		break;
	}
	if (up)
		fmpz_add_ui(q, q, 1);
	out->kind = FPV_EXACT_Q;
	out->neg = x->neg;	/* floor(0.5) = +0, ceil(-0.5) = -0 */
	fmpz_swap(out->num, q);
	fmpz_one(out->den);
	out->e = 0;
	fmpz_clear(q);
	return q_strip2(out) && q_fit(out);
}

/* out = x^n for an integer n (x a nonzero rational). */
static bool
q_pow_si(struct fpv_exact *out, const struct fpv_exact *x, slong n)
{
	ulong an = n < 0 ? (ulong)-n : (ulong)n;
	flint_bitcnt_t bits = q_bits(x);

	if (an != 0 && (bits > 1 && (ulong)FPV_EXACT_QBITS / (bits - 1) < an))
		return false;
	if (an != 0 && x->e != 0 &&
	    (ulong)(FPV_EXACT_EMAX / (x->e < 0 ? -x->e : x->e)) < an)
		return false;
	out->kind = FPV_EXACT_Q;
	out->neg = x->neg && (an & 1);
	if (n >= 0) {
		fmpz_pow_ui(out->num, x->num, an);
		fmpz_pow_ui(out->den, x->den, an);
		out->e = x->e * (slong)an;
	} else {
		fmpz_pow_ui(out->num, x->den, an);
		fmpz_pow_ui(out->den, x->num, an);
		out->e = -x->e * (slong)an;
	}
	return q_fit(out);
}

/* The integer value of a rational x that is one and fits an slong. */
static bool
q_get_si(const struct fpv_exact *x, slong *n)
{
	fmpz_t t;
	bool ok;

	if (!q_is_int(x) || x->e > 62)
		return false;
	fmpz_init(t);
	fmpz_mul_2exp(t, x->num, (ulong)x->e);
	ok = fmpz_fits_si(t);
	if (ok) {
		*n = fmpz_get_si(t);
		if (x->neg)
			*n = -*n;
	}
	fmpz_clear(t);
	return ok;
}

/* out = the k-th root of the nonnegative rational x if it is a
 * rational (k = 2, 3). */
static bool
q_root(struct fpv_exact *out, const struct fpv_exact *x, int k)
{
	fmpz_t a, b;
	bool ok;

	if (x->e % k != 0)
		return false;
	fmpz_init(a);
	fmpz_init(b);
	ok = fmpz_root(a, x->num, k) && fmpz_root(b, x->den, k);
	if (ok) {
		out->kind = FPV_EXACT_Q;
		out->neg = false;
		fmpz_swap(out->num, a);
		fmpz_swap(out->den, b);
		out->e = x->e / k;
	}
	fmpz_clear(a);
	fmpz_clear(b);
	return ok;
}

/*
 * A rational operation on finite rationals (Q_OK), or not one that
 * stays rational here (Q_NO: compute otherwise), or out of the bound
 * (Q_BIG: use balls).
 */
enum { Q_NO, Q_OK, Q_BIG };

static int
q_op(struct fpv_exact *out, enum fpv_op op, const struct fpv_exact *const *a)
{
	const struct fpv_exact *x = a[0], *y = a[1];
	bool ok;
	slong n;

	switch (op) {
	case FPV_OP_ADD:
		ok = q_addsigned(out, x, x->neg, y, y->neg);
		break;
	case FPV_OP_SUB:
		ok = q_addsigned(out, x, x->neg, y, !y->neg);
		break;
	case FPV_OP_MUL:
		ok = q_mul(out, x, y);
		break;
	case FPV_OP_DIV:
		if (fmpz_is_zero(y->num)) {
			if (fmpz_is_zero(x->num))
				fpv_exact_set_nan(out);		/* 0/0 */
			else		/* x/0: an exact infinity */
				fpv_exact_set_inf(out, x->neg != y->neg);
			return Q_OK;
		}
		ok = q_div(out, x, y);
		break;
	case FPV_OP_NEG:
		fpv_exact_set(out, x);
		out->neg = !x->neg;
		return Q_OK;
	case FPV_OP_ABS:
		fpv_exact_set(out, x);
		out->neg = false;
		return Q_OK;
	case FPV_OP_FMA: {
		struct fpv_exact p;

		fpv_exact_init(&p);
		ok = q_mul(&p, x, y) &&
		    q_addsigned(out, &p, p.neg, a[2], a[2]->neg);
		fpv_exact_clear(&p);
		break;
	}
	case FPV_OP_MIN: case FPV_OP_MAX: {
		int c = q_cmp(x, y);

		if (c == 0 && fmpz_is_zero(x->num))	/* -0 < +0 */
			c = x->neg == y->neg ? 0 : x->neg ? -1 : 1;
		fpv_exact_set(out, (c <= 0) == (op == FPV_OP_MIN) ? x : y);
		return Q_OK;
	}
	case FPV_OP_FLOOR: case FPV_OP_CEIL: case FPV_OP_ROUND:
		ok = q_round_int(out, op, x);
		break;
	case FPV_OP_POW:
		/* Integer powers; 0 ^ y and x ^ non-integer go elsewhere. */
		if (fmpz_is_zero(x->num) || !q_get_si(y, &n) ||
		    n > LONG_MAX / 2 || n < -(LONG_MAX / 2))
			return Q_NO;
		ok = q_pow_si(out, x, n);
		break;
	case FPV_OP_SQRT: case FPV_OP_CBRT: {
		int k = op == FPV_OP_SQRT ? 2 : 3;

		if (fmpz_is_zero(x->num) || (x->neg && k == 2))
			return Q_NO;	/* signed zero, sqrt(-x): MPFR */
		if (!q_root(out, x, k))
			return Q_NO;
		out->neg = x->neg;
		return Q_OK;
	}
	case FPV_OP_HYPOT: {
		struct fpv_exact s, t;
		int r;

		fpv_exact_init(&s);
		fpv_exact_init(&t);
		r = Q_NO;
		if (!fmpz_is_zero(x->num) && !fmpz_is_zero(y->num) &&
		    q_mul(&s, x, x) && q_mul(&t, y, y) &&
		    q_addsigned(out, &s, false, &t, false) &&
		    q_root(&s, out, 2)) {
			fpv_exact_set(out, &s);
			r = Q_OK;
		}
		fpv_exact_clear(&s);
		fpv_exact_clear(&t);
		return r;
	}
	case FPV_OP_EXP2:
		if (!q_get_si(x, &n) || n > FPV_EXACT_EMAX || n < -FPV_EXACT_EMAX)
			return Q_NO;
		fpv_exact_set_dyadic(out, false, 1, n);
		return Q_OK;
	case FPV_OP_EXP10:
		if (!q_get_si(x, &n) || n > FPV_EXACT_QBITS / 3 ||
		    n < -(FPV_EXACT_QBITS / 3))
			return Q_NO;
		fpv_exact_set_dyadic(out, false, 1, n);
		if (n > 0)
			fmpz_pow5(out->num, (ulong)n);
		else
			fmpz_pow5(out->den, (ulong)-n);
		return Q_OK;
	case FPV_OP_LOG2:
		/* log2(2^k) = k. */
		if (x->neg || !fmpz_is_one(x->num) || !fmpz_is_one(x->den))
			return Q_NO;
		fpv_exact_set_dyadic(out, x->e < 0,
		    (uint64_t)(x->e < 0 ? -x->e : x->e), 0);
		return Q_OK;
	default:
		return Q_NO;
	}
	return ok ? Q_OK : Q_BIG;
}

/* ---- Through MPFR: special cases of exact operands ------------------- */

/*
 * v = the nonzero rational x rounded to odd at v's precision, with the
 * exponent clamped into half MPFR's range (which keeps its sign, its
 * order against short dyadic numbers, and its rounding into any format
 * far inside that range).  Returns 0 if v is x itself.
 */
static int
q_get_odd(mpfr_ptr v, const struct fpv_exact *x)
{
	slong lim = (slong)mpfr_get_emax() / 2;
	slong s = (slong)mpfr_get_prec(v) + 2 + (slong)nbits(x->den) -
	    (slong)nbits(x->num);
	fmpz_t n, d, q, r;
	mpz_t z;
	slong ex;
	int t;

	fmpz_init(n);
	fmpz_init(d);
	fmpz_init(q);
	fmpz_init(r);
	if (s >= 0) {
		fmpz_mul_2exp(n, x->num, (ulong)s);
		fmpz_set(d, x->den);
	} else {
		fmpz_set(n, x->num);
		fmpz_mul_2exp(d, x->den, (ulong)-s);
	}
	fmpz_fdiv_qr(q, r, n, d);
	mpz_init(z);
	fmpz_get_mpz(z, q);
	t = mpfr_set_z(v, z, MPFR_RNDZ);
	t = t != 0 || !fmpz_is_zero(r) ? -1 : 0;
	fpv_real_make_odd(v, t);
	ex = (slong)mpfr_get_exp(v) + x->e - s;
	if (ex > lim || ex < -lim)
		t = -1;
	if (ex > lim)
		ex = lim;
	if (ex < -lim)
		ex = -lim;
	mpfr_set_exp(v, (mpfr_exp_t)ex);
	if (x->neg)
		mpfr_neg(v, v, MPFR_RNDN);
	mpz_clear(z);
	fmpz_clear(n);
	fmpz_clear(d);
	fmpz_clear(q);
	fmpz_clear(r);
	return t;
}

/*
 * v = the rational or infinity x: exactly when its integers are short
 * and its exponent inside MPFR's range (returns true), else rounded to
 * odd at 128 bits with the exponent clamped into the range, which keeps
 * its sign and its order against every short dyadic number (0, +-1):
 * all that IEEE 754's special cases look at (returns false).  v is
 * initialized here.
 */
static bool
to_mpfr(mpfr_t v, const struct fpv_exact *x)
{
	slong lim = (slong)mpfr_get_emax() / 2;

	if (x->kind == FPV_EXACT_INF) {
		mpfr_init2(v, 2);
		mpfr_set_inf(v, x->neg ? -1 : 1);
		return true;
	}
	if (x->kind == FPV_EXACT_NAN) {
		mpfr_init2(v, 2);
		mpfr_set_nan(v);
		return true;
	}
	if (fmpz_is_zero(x->num)) {
		mpfr_init2(v, 2);
		mpfr_set_zero(v, x->neg ? -1 : 1);
		return true;
	}
	if (fmpz_is_one(x->den) && nbits(x->num) <= 4096 &&
	    x->e < lim && x->e > -lim) {
		mpz_t z;
		flint_bitcnt_t b = nbits(x->num);

		mpfr_init2(v, b < 2 ? 2 : (mpfr_prec_t)b);
		mpz_init(z);
		fmpz_get_mpz(z, x->num);
		mpfr_set_z_2exp(v, z, x->e, MPFR_RNDN);	/* exact */
		mpz_clear(z);
		if (x->neg)
			mpfr_neg(v, v, MPFR_RNDN);
		return true;
	}
	mpfr_init2(v, 128);
	q_get_odd(v, x);
	return false;
}

/*
 * Exact operands through MPFR (64 bits): sets out and returns true when
 * that settles the value: NaN (exactly undefined), an infinity without
 * overflow (a pole: log(0), atanh(1), an infinite operand's), a zero
 * without underflow, or any result that MPFR computed exactly from
 * exactly converted operands (cos(0), log2(8), pow(x, 0)).
 */
static bool
mpfr_first(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a)
{
	int n = fpv_ops[op].nargs, t;
	mpfr_t v[3], r;
	mpfr_srcptr vp[3] = { NULL, NULL, NULL };
	bool exact = true, done = true, ovf, unf;

	for (int i = 0; i < n; i++) {
		exact &= to_mpfr(v[i], a[i]);
		vp[i] = v[i];
	}
	mpfr_init2(r, 64);
	mpfr_clear_flags();
	t = fpv_num_mpfr_op(op, r, vp, MPFR_RNDN);
	ovf = mpfr_overflow_p() != 0;
	unf = mpfr_underflow_p() != 0;
	mpfr_clear_flags();
	if (mpfr_nan_p(r))
		fpv_exact_set_nan(out);
	else if (mpfr_inf_p(r) && !ovf)
		fpv_exact_set_inf(out, mpfr_signbit(r) != 0);
	else if (mpfr_zero_p(r) && !unf)
		fpv_exact_set_zero(out, mpfr_signbit(r) != 0);
	else if (t == 0 && exact && !ovf && !unf && mpfr_number_p(r))
		fpv_exact_set_mpfr(out, r);
	else
		done = false;
	mpfr_clear(r);
	for (int i = 0; i < n; i++)
		mpfr_clear(v[i]);
	return done;
}

/* out = (-1)^neg * k * pi / 4 (k = 0: a signed zero). */
static void
pi_quarters(struct fpv_exact *out, int k, bool neg, slong prec)
{
	if (k == 0) {
		fpv_exact_set_zero(out, neg);
		return;
	}
	arb_const_pi(out->ball, prec);
	arb_mul_si(out->ball, out->ball, neg ? -k : k, prec);
	arb_mul_2exp_si(out->ball, out->ball, -2);
	out->kind = FPV_EXACT_BALL;
	out->neg = false;
	out->prec = prec;
}

/* The class of an operand for atan2's table: 0 zero, 1 finite, 2
 * infinite; *neg its sign.  False if a ball's sign is not certain. */
static bool
atan_class(const struct fpv_exact *x, int *cls, bool *neg)
{
	switch (x->kind) {
	case FPV_EXACT_INF:
		*cls = 2;
		*neg = x->neg;
		return true;
	case FPV_EXACT_Q:
		*cls = fmpz_is_zero(x->num) ? 0 : 1;
		*neg = x->neg;
		return true;
	case FPV_EXACT_BALL:
		*cls = 1;
		*neg = arb_is_negative(x->ball);
		return *neg || arb_is_positive(x->ball);
	default:
		return false;
	}
}

/*
 * atan(+-inf) and atan2 with a zero or infinite operand (C99 Annex F):
 * k pi / 4 with the sign of y.  Returns false when not such a case.
 */
static bool
atan_special(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a, slong prec)
{
	int cy, cx, k;
	bool ny, nx;

	if (op == FPV_OP_ATAN) {
		if (a[0]->kind != FPV_EXACT_INF)
			return false;
		pi_quarters(out, 2, a[0]->neg, prec);
		return true;
	}
	if (!atan_class(a[0], &cy, &ny) || !atan_class(a[1], &cx, &nx))
		return false;
	if (cy == 0)
		k = nx ? 4 : 0;		/* atan2(+-0, -0) = +-pi */
	else if (cx == 0)
		k = 2;
	else if (cy == 2)
		k = cx == 2 ? (nx ? 3 : 1) : 2;
	else if (cx == 2)
		k = nx ? 4 : 0;
	else
		return false;
	pi_quarters(out, k, ny, prec);
	return true;
}

/* min or max with an infinite operand: the infinity or the other. */
static void
min_max_inf(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a)
{
	const struct fpv_exact *inf = a[0]->kind == FPV_EXACT_INF ? a[0] : a[1];
	const struct fpv_exact *other = inf == a[0] ? a[1] : a[0];

	if (other->kind == FPV_EXACT_INF && other->neg != inf->neg) {
		/* -inf and +inf */
		fpv_exact_set_inf(out, op == FPV_OP_MIN);
		return;
	}
	/* min(x, +inf) = x, max(x, -inf) = x; otherwise the infinity. */
	fpv_exact_set(out, (op == FPV_OP_MIN) != inf->neg ? other : inf);
	out->fixed = false;
}

/* ---- Balls ------------------------------------------------------------ */

/* Is x (a ball) below the double d for certain? */
static bool
ball_lt_d(const arb_t x, double d)
{
	arb_t t;
	bool lt;

	arb_init(t);
	arb_set_d(t, d);
	lt = arb_lt(x, t);
	arb_clear(t);
	return lt;
}

/* round(x), half away from zero, of a ball; false if not certain. */
static bool
ball_round(arb_t r, const arb_t x, slong prec)
{
	arb_t t;
	bool ok = true;

	arb_init(t);
	if (arb_is_positive(x)) {
		arb_set_d(t, 0.5);
		arb_add(t, x, t, prec);
		arb_floor(r, t, prec);
	} else if (arb_is_negative(x)) {
		arb_set_d(t, 0.5);
		arb_sub(t, t, x, prec);
		arb_floor(r, t, prec);
		arb_neg(r, r);
	} else {
		/* Zero only if |x| < 1/2 for certain. */
		arb_abs(t, x);
		ok = ball_lt_d(t, 0.5);
		arb_zero(r);
	}
	ok = ok && arb_is_exact(r);
	arb_clear(t);
	return ok;
}

/* cbrt of a ball (odd, continuous). */
static void
ball_cbrt(arb_t r, const arb_t x, slong prec)
{
	if (arb_is_positive(x)) {
		arb_root_ui(r, x, 3, prec);
	} else if (arb_is_negative(x)) {
		arb_neg(r, x);
		arb_root_ui(r, r, 3, prec);
		arb_neg(r, r);
	} else {
		/* [-u, u] with u = cbrt of the largest |x|. */
		arf_t u;
		arb_t t;

		arf_init(u);
		arb_init(t);
		arb_get_abs_ubound_arf(u, x, prec);
		arb_set_arf(t, u);
		arb_root_ui(t, t, 3, prec);
		arb_get_abs_ubound_arf(u, t, prec);
		arb_zero(r);
		arf_get_mag(arb_radref(r), u);
		arf_clear(u);
		arb_clear(t);
	}
}

/* r = b^x for a base b given as an integer. */
static void
ball_pow_ui(arb_t r, ulong b, const arb_t x, slong prec)
{
	arb_t t;

	arb_init(t);
	arb_set_ui(t, b);
	arb_pow(r, t, x, prec);
	arb_clear(t);
}

/* r = op(b) in balls at prec; false if the result is not certain
 * (a discontinuous function whose jump the ball holds). */
static bool
ball_apply(arb_t r, enum fpv_op op, arb_srcptr const *b, slong prec)
{
	arb_srcptr x = b[0], y = b[1];

	switch (op) {
	case FPV_OP_ADD:	arb_add(r, x, y, prec); break;
	case FPV_OP_SUB:	arb_sub(r, x, y, prec); break;
	case FPV_OP_MUL:	arb_mul(r, x, y, prec); break;
	case FPV_OP_DIV:	arb_div(r, x, y, prec); break;
	case FPV_OP_POW:
		if (arb_is_int(y) && arf_cmpabs_2exp_si(arb_midref(y), 62) < 0) {
			fmpz_t n;

			fmpz_init(n);
			arf_get_fmpz(n, arb_midref(y), ARF_RND_DOWN);
			arb_pow_fmpz(r, x, n, prec);
			fmpz_clear(n);
		} else {
			arb_pow(r, x, y, prec);
		}
		break;
	case FPV_OP_NEG:	arb_neg(r, x); break;
	case FPV_OP_SQRT:	arb_sqrt(r, x, prec); break;
	case FPV_OP_ABS:	arb_abs(r, x); break;
	case FPV_OP_EXP:	arb_exp(r, x, prec); break;
	case FPV_OP_LOG:	arb_log(r, x, prec); break;
	case FPV_OP_LOG2:	arb_log_base_ui(r, x, 2, prec); break;
	case FPV_OP_LOG10:	arb_log_base_ui(r, x, 10, prec); break;
	case FPV_OP_SIN:	arb_sin(r, x, prec); break;
	case FPV_OP_COS:	arb_cos(r, x, prec); break;
	case FPV_OP_TAN:	arb_tan(r, x, prec); break;
	case FPV_OP_TANH:	arb_tanh(r, x, prec); break;
	case FPV_OP_FMA: {
		arb_t t;

		arb_init(t);
		arb_mul(t, x, y, prec);
		arb_add(r, t, b[2], prec);
		arb_clear(t);
		break;
	}
	case FPV_OP_MIN:	arb_min(r, x, y, prec); break;
	case FPV_OP_MAX:	arb_max(r, x, y, prec); break;
	case FPV_OP_FLOOR:
		arb_floor(r, x, prec);
		return arb_is_exact(r);
	case FPV_OP_CEIL:
		arb_ceil(r, x, prec);
		return arb_is_exact(r);
	case FPV_OP_ROUND:
		return ball_round(r, x, prec);
	case FPV_OP_ASIN:	arb_asin(r, x, prec); break;
	case FPV_OP_ACOS:	arb_acos(r, x, prec); break;
	case FPV_OP_ATAN:	arb_atan(r, x, prec); break;
	case FPV_OP_ATAN2:	arb_atan2(r, x, y, prec); break;
	case FPV_OP_SINH:	arb_sinh(r, x, prec); break;
	case FPV_OP_COSH:	arb_cosh(r, x, prec); break;
	case FPV_OP_ASINH:	arb_asinh(r, x, prec); break;
	case FPV_OP_ACOSH:	arb_acosh(r, x, prec); break;
	case FPV_OP_ATANH:	arb_atanh(r, x, prec); break;
	case FPV_OP_EXPM1:	arb_expm1(r, x, prec); break;
	case FPV_OP_LOG1P:	arb_log1p(r, x, prec); break;
	case FPV_OP_EXP2:	ball_pow_ui(r, 2, x, prec); break;
	case FPV_OP_EXP10:	ball_pow_ui(r, 10, x, prec); break;
	case FPV_OP_HYPOT:	arb_hypot(r, x, y, prec); break;
	case FPV_OP_CBRT:	ball_cbrt(r, x, prec); break;
	case FPV_OP_NEXTUP: case FPV_OP_NEXTDOWN:
		arb_set(r, x);
		break;
	case FPV_OP_ULP:	arb_zero(r); break;
	default:		return false;
	}
	return true;
}

/* Is the ball r beyond the exponents a value may have? */
static bool
ball_out_of_range(const arb_t r)
{
	if (!arf_is_zero(arb_midref(r)) &&
	    (fmpz_cmp_si(ARF_EXPREF(arb_midref(r)), BALL_EMAX) > 0 ||
	    fmpz_cmp_si(ARF_EXPREF(arb_midref(r)), -BALL_EMAX) < 0))
		return true;
	return !mag_is_zero(arb_radref(r)) &&
	    fmpz_cmp_si(MAG_EXPREF(arb_radref(r)), BALL_EMAX) > 0;
}

/*
 * op's ball r from the finite balls b[0..n) is not finite or beyond the
 * exponents a value may have: is that because the value is (a finite
 * ball beyond them, or an exponential of finite arguments, which has no
 * pole), not because of a pole or a domain edge?
 */
static bool
beyond_range(enum fpv_op op, const arb_t r, arb_srcptr const *b, int n)
{
	for (int i = 0; i < n; i++)
		if (!arb_is_finite(b[i]))
			return false;
	if (arb_is_finite(r))
		return true;
	switch (op) {
	case FPV_OP_EXP: case FPV_OP_EXPM1: case FPV_OP_EXP2:
	case FPV_OP_EXP10: case FPV_OP_SINH: case FPV_OP_COSH:
	case FPV_OP_ADD: case FPV_OP_SUB: case FPV_OP_MUL: case FPV_OP_FMA:
	case FPV_OP_HYPOT:
		return true;
	case FPV_OP_POW:
		/* No pole away from a zero base; a negative one needs an
		 * integer exponent. */
		return arb_is_positive(b[0]) || (arb_is_negative(b[0]) &&
		    arb_is_int(b[1]));
	default:
		return false;
	}
}

/* Turn the exact ball r into a rational out when it fits; false if not. */
static bool
ball_to_q(struct fpv_exact *out, const arb_t r)
{
	fmpz_t man, ex;
	bool ok;

	if (arf_is_zero(arb_midref(r))) {
		fpv_exact_set_zero(out, false);
		return true;
	}
	fmpz_init(man);
	fmpz_init(ex);
	arf_get_fmpz_2exp(man, ex, arb_midref(r));
	ok = nbits(man) <= FPV_EXACT_QBITS &&
	    fmpz_cmp_si(ex, FPV_EXACT_EMAX) <= 0 &&
	    fmpz_cmp_si(ex, -FPV_EXACT_EMAX) >= 0;
	if (ok) {
		out->kind = FPV_EXACT_Q;
		out->neg = fmpz_sgn(man) < 0;
		out->fixed = false;
		fmpz_abs(out->num, man);
		fmpz_one(out->den);
		out->e = fmpz_get_si(ex);
		ok = q_strip2(out);
	}
	fmpz_clear(man);
	fmpz_clear(ex);
	return ok;
}

/* out = op(a) in balls at working precision prec. */
static void
ball_op(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a, slong prec)
{
	int n = fpv_ops[op].nargs;
	arb_t t[3], r;
	arb_srcptr b[3] = { NULL, NULL, NULL };
	bool ok;
	int why = FPV_WHY_UNDEFINED;

	for (int i = 0; i < n; i++) {
		arb_init(t[i]);
		if (a[i]->kind == FPV_EXACT_Q) {
			q_to_ball(t[i], a[i], prec);
			b[i] = t[i];
		} else {
			b[i] = a[i]->ball;
		}
	}
	arb_init(r);
	ok = ball_apply(r, op, b, prec);
	if (ok && (!arb_is_finite(r) || ball_out_of_range(r))) {
		ok = false;
		if (beyond_range(op, r, b, n))
			why = FPV_WHY_RANGE;
	}
	out->fixed = false;
	if (why != FPV_WHY_UNDEFINED) {
		set_lost_why(out, why);
	} else if (!ok) {
		set_lost(out, prec);
	} else if (!arb_is_exact(r) || !ball_to_q(out, r)) {
		arb_swap(out->ball, r);
		out->kind = FPV_EXACT_BALL;
		out->neg = false;
		out->prec = prec;
	} else if ((op == FPV_OP_FLOOR || op == FPV_OP_CEIL ||
	    op == FPV_OP_ROUND) && fmpz_is_zero(out->num)) {
		out->neg = arb_is_negative(b[0]);	/* ceil(-0.5) = -0 */
	}
	arb_clear(r);
	for (int i = 0; i < n; i++)
		arb_clear(t[i]);
}

/* v = the midpoint of the ball x, its exponent clamped into half of
 * MPFR's range (sign and order against +-1 kept). */
static void
mid_to_mpfr(mpfr_t v, const arb_t x)
{
	slong lim = (slong)mpfr_get_emax() / 2;
	const fmpz *ex = ARF_EXPREF(arb_midref(x));
	arf_t m;

	if (arf_is_zero(arb_midref(x))) {
		mpfr_set_zero(v, 1);
		return;
	}
	arf_init(m);
	arf_set(m, arb_midref(x));
	if (fmpz_cmp_si(ex, lim) > 0 || fmpz_cmp_si(ex, -lim) < 0) {
		fmpz_t e;

		fmpz_init_set_si(e, fmpz_sgn(ex) > 0 ? lim : -lim);
		arf_set_round(m, m, 64, ARF_RND_NEAR);
		fmpz_set(ARF_EXPREF(m), e);
		fmpz_clear(e);
	}
	arf_get_mpfr(v, m, MPFR_RNDN);
	arf_clear(m);
}

/* Is x a ball whose sign, zero-ness and order against +-1 are certain? */
static bool
ball_settled(const arb_t x)
{
	arb_t t;
	bool ok;

	if (!arb_is_positive(x) && !arb_is_negative(x))
		return false;
	arb_init(t);
	arb_abs(t, x);
	ok = !arb_contains_si(t, 1);
	arb_clear(t);
	return ok;
}

/*
 * An infinite operand beside a ball: the special cases of IEEE 754
 * depend only on the other operands' signs, zero-ness and order against
 * +-1, so when those are certain MPFR decides with a ball's midpoint
 * standing in for it (an infinity, a zero, or undefined); anything else
 * is lost.
 */
static void
inf_mixed(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a, slong prec)
{
	int n = fpv_ops[op].nargs, t;
	mpfr_t v[3], r;
	mpfr_srcptr vp[3] = { NULL, NULL, NULL };
	bool ok = true;

	if (op == FPV_OP_MIN || op == FPV_OP_MAX) {
		min_max_inf(out, op, a);
		return;
	}
	if ((op == FPV_OP_ATAN2) && atan_special(out, op, a, prec))
		return;
	if (op == FPV_OP_POW && a[0]->kind == FPV_EXACT_INF && a[0]->neg) {
		set_lost(out, prec);	/* (-inf)^y: is y an odd integer? */
		return;
	}
	for (int i = 0; i < n; i++) {
		if (a[i]->kind == FPV_EXACT_BALL) {
			ok &= ball_settled(a[i]->ball);
			mpfr_init2(v[i], 64);
			mid_to_mpfr(v[i], a[i]->ball);
		} else {
			to_mpfr(v[i], a[i]);
		}
		vp[i] = v[i];
	}
	mpfr_init2(r, 64);
	if (ok) {
		mpfr_clear_flags();
		t = fpv_num_mpfr_op(op, r, vp, MPFR_RNDN);
		(void)t;
		if (mpfr_inf_p(r) && !mpfr_overflow_p())
			fpv_exact_set_inf(out, mpfr_signbit(r) != 0);
		else if (mpfr_zero_p(r) && !mpfr_underflow_p())
			fpv_exact_set_zero(out, mpfr_signbit(r) != 0);
		else
			ok = false;
		mpfr_clear_flags();
	}
	if (!ok)
		set_lost(out, prec);
	mpfr_clear(r);
	for (int i = 0; i < n; i++)
		mpfr_clear(v[i]);
}

/* ---- One operation ---------------------------------------------------- */

/* Is |x| (a rational or a ball) 2^FPV_EXACT_TRIG_EMAX or more, or may it
 * be?  (Checked before MPFR or Arb reduce it by pi.) */
static bool
trig_arg_huge(const struct fpv_exact *x)
{
	switch (x->kind) {
	case FPV_EXACT_Q:
		return !fmpz_is_zero(x->num) &&
		    q_ilog2(x) >= FPV_EXACT_TRIG_EMAX;
	case FPV_EXACT_BALL:
		return arf_cmpabs_2exp_si(arb_midref(x->ball),
		    FPV_EXACT_TRIG_EMAX) >= 0 ||
		    mag_cmp_2exp_si(arb_radref(x->ball),
		    FPV_EXACT_TRIG_EMAX) >= 0;
	default:
		return false;
	}
}

/* out = op(a) at working precision prec. */
void
fpv_exact_op(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a, slong prec)
{
	int n = fpv_ops[op].nargs;
	bool exact = true, inf = false, nan = false, lost = false,
	    zero = false;

	for (int i = 0; i < n; i++) {
		switch (a[i]->kind) {
		case FPV_EXACT_NAN:	nan = true; break;
		case FPV_EXACT_LOST:	lost = true; break;
		case FPV_EXACT_BALL:	exact = false; break;
		case FPV_EXACT_INF:	inf = true; break;
		default:
			zero |= fmpz_is_zero(a[i]->num);
			break;
		}
	}
	out->fixed = false;
	if (nan) {
		/* IEEE 754's exceptions to NaN in, NaN out: min and max give
		 * the other operand, pow(1, nan), pow(nan, 0) and hypot(inf,
		 * nan) a number. */
		if ((op == FPV_OP_MIN || op == FPV_OP_MAX) &&
		    a[0]->kind != a[1]->kind) {
			fpv_exact_set(out, a[a[0]->kind == FPV_EXACT_NAN]);
			out->fixed = false;
			return;
		}
		if (exact && !lost && (op == FPV_OP_POW ||
		    op == FPV_OP_HYPOT) && mpfr_first(out, op, a))
			return;
		fpv_exact_set_nan(out);
		return;
	}
	if (lost) {
		/* A value lost for good makes its users so. */
		for (int i = 0; i < n; i++)
			if (a[i]->kind == FPV_EXACT_LOST &&
			    a[i]->why != FPV_WHY_UNDEFINED) {
				set_lost_why(out, a[i]->why);
				return;
			}
		set_lost(out, prec);
		return;
	}
	if (((op == FPV_OP_SIN || op == FPV_OP_COS || op == FPV_OP_TAN) &&
	    trig_arg_huge(a[0])) || ((op == FPV_OP_FLOOR ||
	    op == FPV_OP_CEIL || op == FPV_OP_ROUND) &&
	    a[0]->kind == FPV_EXACT_BALL && !arb_is_exact(a[0]->ball) &&
	    arf_cmpabs_2exp_si(arb_midref(a[0]->ball),
	    FPV_EXACT_TRIG_EMAX) >= 0)) {
		set_lost_why(out, FPV_WHY_ARG);
		return;
	}
	switch (op) {
	case FPV_OP_NEXTUP: case FPV_OP_NEXTDOWN:
		/* The neighbours of x meet at x: its exact value. */
		fpv_exact_set(out, a[0]);
		out->fixed = false;
		return;
	case FPV_OP_ULP:
		/* The gap between neighbours shrinks to 0 at any finite x. */
		if (inf)
			fpv_exact_set_nan(out);
		else
			fpv_exact_set_zero(out, false);
		return;
	default:
		break;
	}
	if (exact) {
		if ((op == FPV_OP_ATAN || op == FPV_OP_ATAN2) && (inf || zero) &&
		    atan_special(out, op, a, prec))
			return;
		if ((op == FPV_OP_MIN || op == FPV_OP_MAX) && inf) {
			min_max_inf(out, op, a);
			return;
		}
		if (!inf) {
			int r = q_op(out, op, a);

			if (r == Q_OK)
				return;
			if (r == Q_BIG) {
				ball_op(out, op, a, prec);
				return;
			}
		}
		if (mpfr_first(out, op, a))
			return;
		if (inf)
			set_lost(out, prec);
		else
			ball_op(out, op, a, prec);
		return;
	}
	if (inf)
		inf_mixed(out, op, a, prec);
	else
		ball_op(out, op, a, prec);
}

/* op on exact MPFR operands. */
int
fpv_exact_op_mpfr(enum fpv_op op, mpfr_ptr out, mpfr_srcptr const *args)
{
	int n = fpv_ops[op].nargs, t = 1;
	struct fpv_exact a[3], r;
	const struct fpv_exact *ap[3] = { NULL, NULL, NULL };
	slong lim = (slong)mpfr_get_emax() / 2;

	for (int i = 0; i < n; i++) {
		fpv_exact_init(&a[i]);
		fpv_exact_set_mpfr(&a[i], args[i]);
		ap[i] = &a[i];
	}
	fpv_exact_init(&r);
	fpv_exact_op(&r, op, ap, FPV_EXACT_PREC0);
	switch (r.kind) {
	case FPV_EXACT_Q:
		if (fmpz_is_one(r.den) && nbits(r.num) <= 4096 &&
		    r.e < lim && r.e > -lim) {
			flint_bitcnt_t b = nbits(r.num);

			mpfr_set_prec(out, b < 2 ? 2 : (mpfr_prec_t)b);
			t = 0;
		} else {
			mpfr_set_prec(out, FPV_EXACT_PREC);
		}
		fpv_exact_get_mpfr(out, &r);
		break;
	case FPV_EXACT_INF:
	case FPV_EXACT_NAN:
		fpv_exact_get_mpfr(out, &r);
		t = 0;
		break;
	default:
		mpfr_set_prec(out, FPV_EXACT_PREC);
		fpv_exact_get_mpfr(out, &r);
		break;
	}
	fpv_exact_clear(&r);
	for (int i = 0; i < n; i++)
		fpv_exact_clear(&a[i]);
	return t;
}

/* ---- States ------------------------------------------------------------ */

/* Exact, exactly undefined, or certified to bits? */
bool
fpv_exact_good(const struct fpv_exact *x, slong bits)
{
	switch (x->kind) {
	case FPV_EXACT_BALL:
		return !arb_contains_zero(x->ball) &&
		    arb_rel_accuracy_bits(x->ball) >= bits;
	case FPV_EXACT_LOST:
		return false;
	default:
		return true;
	}
}

/* The state of x and its number. */
enum fpv_exact_state
fpv_exact_state(const struct fpv_exact *x, long *n)
{
	*n = 0;
	switch (x->kind) {
	case FPV_EXACT_Q: case FPV_EXACT_INF:
		return FPV_EXACT_S_EXACT;
	case FPV_EXACT_BALL:
		if (arb_is_exact(x->ball))
			return FPV_EXACT_S_EXACT;
		if (arb_contains_zero(x->ball)) {
			arf_t u;

			arf_init(u);
			arb_get_abs_ubound_arf(u, x->ball, 30);
			*n = -(long)arf_abs_bound_lt_2exp_si(u);
			arf_clear(u);
			if (*n > FPV_EXACT_SHOW_MAX)
				*n = FPV_EXACT_SHOW_MAX;
			return FPV_EXACT_S_NEAR_ZERO;
		}
		*n = (long)arb_rel_accuracy_bits(x->ball);
		if (*n < 0)
			*n = 0;
		if (*n > FPV_EXACT_SHOW_MAX)
			*n = FPV_EXACT_SHOW_MAX;
		return FPV_EXACT_S_CERTIFIED;
	case FPV_EXACT_LOST:
		if (x->why != FPV_WHY_UNDEFINED) {
			*n = x->why;
			return FPV_EXACT_S_UNCERTIFIED;
		}
		return FPV_EXACT_S_UNDEFINED;
	default:
		return FPV_EXACT_S_UNDEFINED;
	}
}

/* The sign of x if it is certain. */
int
fpv_exact_sign(const struct fpv_exact *x)
{
	switch (x->kind) {
	case FPV_EXACT_Q:
		return fmpz_is_zero(x->num) ? 0 : x->neg ? -1 : 1;
	case FPV_EXACT_INF:
		return x->neg ? -1 : 1;
	case FPV_EXACT_BALL:
		return arb_is_positive(x->ball) ? 1 :
		    arb_is_negative(x->ball) ? -1 : 2;
	default:
		return 2;
	}
}

/* out = the largest (big) or the smallest positive MPFR number. */
static void
set_extreme(mpfr_ptr out, bool big)
{
	if (big) {
		mpfr_set_inf(out, 1);
		mpfr_nextbelow(out);
	} else {
		mpfr_set_zero(out, 1);
		mpfr_nextabove(out);
	}
}

/* An MPFR approximation of x. */
void
fpv_exact_get_mpfr(mpfr_ptr out, const struct fpv_exact *x)
{
	switch (x->kind) {
	case FPV_EXACT_Q:
		if (fmpz_is_zero(x->num)) {
			mpfr_set_zero(out, x->neg ? -1 : 1);
		} else {
			mpz_t n, d;
			mpq_t q;
			slong e = x->e;

			mpz_init(n);
			mpz_init(d);
			fmpz_get_mpz(n, x->num);
			fmpz_get_mpz(d, x->den);
			mpq_init(q);
			mpq_set_num(q, n);
			mpq_set_den(q, d);
			mpfr_set_q(out, q, MPFR_RNDN);
			/* Beyond MPFR's range: the largest or smallest
			 * number, so that a value stays finite and nonzero. */
			if (e > 0 && mpfr_regular_p(out) &&
			    mpfr_get_exp(out) + e > mpfr_get_emax())
				set_extreme(out, true);
			else if (e < 0 && mpfr_regular_p(out) &&
			    mpfr_get_exp(out) + e < mpfr_get_emin())
				set_extreme(out, false);
			else
				mpfr_mul_2si(out, out, e, MPFR_RNDN);
			if (x->neg)
				mpfr_neg(out, out, MPFR_RNDN);
			mpq_clear(q);
			mpz_clear(n);
			mpz_clear(d);
		}
		return;
	case FPV_EXACT_INF:
		mpfr_set_inf(out, x->neg ? -1 : 1);
		return;
	case FPV_EXACT_BALL:
		if (!arb_contains_zero(x->ball)) {
			const fmpz *ex = ARF_EXPREF(arb_midref(x->ball));

			if (fmpz_cmp_si(ex, mpfr_get_emax()) > 0)
				set_extreme(out, true);
			else if (fmpz_cmp_si(ex, mpfr_get_emin()) < 0)
				set_extreme(out, false);
			else
				arf_get_mpfr(out, arb_midref(x->ball),
				    MPFR_RNDN);
			if (arf_sgn(arb_midref(x->ball)) < 0 &&
			    mpfr_sgn(out) > 0)
				mpfr_neg(out, out, MPFR_RNDN);
			return;
		}
		mpfr_set_nan(out);
		return;
	default:
		mpfr_set_nan(out);
		return;
	}
}

/* x rounded to odd at out's precision (a ball: its midpoint). */
int
fpv_exact_get_odd(mpfr_ptr out, const struct fpv_exact *x)
{
	switch (x->kind) {
	case FPV_EXACT_Q:
		if (fmpz_is_zero(x->num)) {
			mpfr_set_zero(out, x->neg ? -1 : 1);
			return 0;
		}
		return q_get_odd(out, x);
	case FPV_EXACT_INF:
		mpfr_set_inf(out, x->neg ? -1 : 1);
		return 0;
	case FPV_EXACT_BALL: {
		struct fpv_exact q;
		int t;

		/* The midpoint is a dyadic number: exactly a rational. */
		fpv_exact_init(&q);
		if (ball_to_q(&q, x->ball) && !fmpz_is_zero(q.num)) {
			q_get_odd(out, &q);
			fpv_real_make_odd(out, -1);
			t = -1;
		} else if (!arf_is_zero(arb_midref(x->ball))) {
			/* Beyond 2^(2^60): only its sign and size matter. */
			mpfr_set_si_2exp(out, arf_sgn(arb_midref(x->ball)),
			    fmpz_sgn(ARF_EXPREF(arb_midref(x->ball))) > 0 ?
			    mpfr_get_emax() / 2 : -(mpfr_get_emax() / 2),
			    MPFR_RNDN);
			t = -1;
		} else {
			mpfr_set_zero(out, 1);
			t = 0;
		}
		fpv_exact_clear(&q);
		return t;
	}
	default:
		mpfr_set_nan(out);
		return 0;
	}
}

/* ---- Decimals --------------------------------------------------------- */

/* Most significant digits a decimal of the reference has. */
#define DEC_MAX 64

/* A decimal d[0].d[1]...d[n-1] x 10^E of |value|. */
struct dec {
	char d[DEC_MAX + 24];	/* room for fmpz_get_str's sign and NUL */
	int n;
	slong E;
	bool neg;
	bool rounded;		/* the digits are not the value exactly */
};

/* 10^k for 0 <= k <= 19 (10^19 < 2^64). */
static const uint64_t pow10_u64[20] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
	100000000u, 1000000000u, 10000000000u, 100000000000u,
	1000000000000u, 10000000000000u, 100000000000000u,
	1000000000000000u, 10000000000000000u, 100000000000000000u,
	1000000000000000000u, 10000000000000000000u
};

/* f = 10^k. */
static void
fmpz_pow10(fmpz_t f, ulong k)
{
	if (k < 20)
		fmpz_set_ui(f, (ulong)pow10_u64[k]);
	else
		fmpz_ui_pow_ui(f, 10, k);
}

/* f = f * 10^k. */
static void
fmpz_mul_pow10(fmpz_t f, ulong k)
{
	if (k < 20) {
		fmpz_mul_ui(f, f, (ulong)pow10_u64[k]);
	} else {
		fmpz_t p;

		fmpz_init(p);
		fmpz_ui_pow_ui(p, 10, k);
		fmpz_mul(f, f, p);
		fmpz_clear(p);
	}
}

/* About floor(k log10(2)): within one of it, for |k| < 2^62. */
static slong
log10_2_floor(slong k)
{
	return (slong)floorl((long double)k * 0.301029995663981195213738894724L);
}

/*
 * For the decade [lo, hi) = [10^(n-1), 10^n): q = n / d rounded to
 * nearest, ties to even, if floor(n / d) is in it (returns 0, or 2 when
 * the rounding reached hi: q is then lo, a decade up); 1 if the floor is
 * at or above hi, -1 if below lo (q undefined).  *inexact: a remainder.
 */
static int
decade_round(fmpz_t q, const fmpz_t n, const fmpz_t d, const fmpz_t lo,
    const fmpz_t hi, bool *inexact)
{
	fmpz *r = &scratch[S_R];
	int c;

	fmpz_fdiv_qr(q, r, n, d);
	if (fmpz_cmp(q, hi) >= 0)
		return 1;
	if (fmpz_cmp(q, lo) < 0)
		return -1;
	*inexact = !fmpz_is_zero(r);
	if (!*inexact)
		return 0;
	fmpz_mul_2exp(r, r, 1);
	c = fmpz_cmp(r, d);
	if (c > 0 || (c == 0 && fmpz_is_odd(q)))
		fmpz_add_ui(q, q, 1);
	if (fmpz_equal(q, hi)) {
		fmpz_set(q, lo);
		return 2;
	}
	return 0;
}

/* Write the integer R (n digits) into dec. */
static void
dec_set_digits(struct dec *out, const fmpz_t R, int n)
{
	fmpz_get_str(out->d, 10, R);
	out->n = n;
}

/* 2^e as a double, -1022 <= e <= 1023. */
static inline double
two_pow(slong e)
{
	uint64_t u = (uint64_t)(e + 1023) << 52;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/*
 * The n (<= 8) digits of |x| = m 2^L, given within a relative 2^-44,
 * from double arithmetic when that settles them: scaled by 10^s =
 * 5^s 2^s with 5^s exact or one rounding away, the result is within
 * 2^-43.9 of |x| 10^s, below the margin of 2^-40 that it must keep from
 * a rounding tie and from the decade's ends.  False (nothing done)
 * otherwise; the caller then finds the digits exactly.  Their
 * exactness is not found here.
 */
static bool
digits_fast_r(double m, slong L, int n, uint64_t *Rp, slong *Ep)
{
	static const double p5[23] = {
		1e0, 5e0, 25e0, 125e0, 625e0, 3125e0, 15625e0, 78125e0,
		390625e0, 1953125e0, 9765625e0, 48828125e0, 244140625e0,
		1220703125e0, 6103515625e0, 30517578125e0, 152587890625e0,
		762939453125e0, 3814697265625e0, 19073486328125e0,
		95367431640625e0, 476837158203125e0, 2384185791015625e0
	};
	slong E, s, b;
	double y, f, lo, hi, mg;
	uint64_t R, u;

	memcpy(&u, &m, sizeof u);
	if (!(m > 0) || ((u >> 52) & 0x7ff) == 0 || ((u >> 52) & 0x7ff) == 0x7ff ||
	    L > 1000 || L < -1000)
		return false;
	/* 2^b <= |x| < 2^(b+1); floor(b log10(2)) in integers. */
	b = L + (slong)((u >> 52) & 0x7ff) - 1023;
	E = (b * 1262611) >> 22;
	lo = (double)pow10_u64[n - 1];
	hi = (double)pow10_u64[n];
	for (int tries = 0; tries < 4; tries++) {
		double p;

		s = n - 1 - E;
		if (s > 44 || s < -44)
			return false;
		p = s >= 0 ? (s <= 22 ? p5[s] : p5[22] * p5[s - 22]) :
		    (-s <= 22 ? p5[-s] : p5[22] * p5[-s - 22]);
		y = s >= 0 ? m * p : m / p;
		if (L + s > 1000 || L + s < -1000)
			return false;
		y *= two_pow(L + s);
		mg = y * 0x1p-40;
		if (y >= hi + mg) {
			E++;
			continue;
		}
		if (y < lo - mg) {
			E--;
			continue;
		}
		if (y >= hi - mg || y < lo + mg)
			return false;
		break;
	}
	if (y < lo || y >= hi)
		return false;
	R = (uint64_t)y;	/* floor: y is positive, below 10^8 */
	f = y - (double)R;
	if (fabs(f - 0.5) < mg)
		return false;
	R += f > 0.5;
	if (R == pow10_u64[n]) {
		R = pow10_u64[n - 1];
		E++;
	}
	*Rp = R;
	*Ep = E;
	return true;
}

/* Write the digits of the n-digit R, with exponent E, into out. */
static void
dec_from_u64(struct dec *out, uint64_t R, int n, slong E, bool neg)
{
	for (int i = n - 1; i >= 0; i--) {
		out->d[i] = (char)('0' + R % 10);
		R /= 10;
	}
	out->d[n] = '\0';
	out->n = n;
	out->E = E;
	out->neg = neg;
	out->rounded = true;
}

/* digits_fast_r into a decimal. */
static bool
digits_fast(double m, slong L, bool neg, int n, struct dec *out)
{
	uint64_t R;
	slong E;

	if (!digits_fast_r(m, L, n, &R, &E))
		return false;
	dec_from_u64(out, R, n, E, neg);
	return true;
}

/* digits_fast for a rational: its top bits' quotient within 2^-62, and
 * a double's rounding. */
static bool
q_digits_fast(const struct fpv_exact *x, int n, struct dec *out)
{
	uint64_t m;
	slong L;

	q_top(x, &m, &L);
	return digits_fast((double)m, L, x->neg, n, out);
}

/*
 * The n (1..DEC_MAX) significant digits of the nonzero rational x,
 * rounded to nearest with ties to even, by integer division: the
 * quotient |x| * 10^(n-1-E) with E the decimal exponent of |x| (tried
 * from an estimate, and moved when the quotient has n - 1 or n + 1
 * digits).
 */
static void
q_digits(const struct fpv_exact *x, int n, struct dec *out)
{
	fmpz *num = &scratch[S_NUM], *den = &scratch[S_DEN], *q = &scratch[S_Q];
	fmpz *lo = &scratch[S_LO], *hi = &scratch[S_HI];
	uint64_t m;
	slong k, E;
	bool inexact = false;
	int c;

	/* log10 |x| from the top bits: right but next to a power of ten. */
	q_top(x, &m, &k);
	E = (slong)floor(log10((double)m) + (double)k * 0.30102999566398120);
	fmpz_pow10(lo, (ulong)n - 1);
	fmpz_pow10(hi, (ulong)n);
	for (int tries = 0; tries < 8; tries++) {
		slong s = n - 1 - E;

		if (x->e >= 0) {
			fmpz_mul_2exp(num, x->num, (ulong)x->e);
			fmpz_set(den, x->den);
		} else {
			fmpz_set(num, x->num);
			fmpz_mul_2exp(den, x->den, (ulong)-x->e);
		}
		if (s >= 0)
			fmpz_mul_pow10(num, (ulong)s);
		else
			fmpz_mul_pow10(den, (ulong)-s);
		/* A quotient of n + 1 digits belongs to the next decade,
		 * one of n - 1 digits to the one before. */
		c = decade_round(q, num, den, lo, hi, &inexact);
		if (c == 1 || c == -1) {
			E += c;
			continue;
		}
		E += c / 2;	/* rounded up to 10^n: 10^(n-1), a decade up */
		break;
	}
	out->E = E;
	out->neg = x->neg;
	out->rounded = inexact;
	dec_set_digits(out, q, n);
}

/* decade_round of z 10^t for a positive dyadic z. */
static int
round_scaled(fmpz_t R, const arf_t z, slong t, const fmpz_t lo,
    const fmpz_t hi)
{
	fmpz_t man, ex, num, den;
	slong F;
	bool inexact;
	int c;

	fmpz_init(man);
	fmpz_init(ex);
	fmpz_init(num);
	fmpz_init(den);
	arf_get_fmpz_2exp(man, ex, z);
	F = fmpz_get_si(ex);
	fmpz_set(num, man);
	fmpz_one(den);
	if (F >= 0)
		fmpz_mul_2exp(num, num, (ulong)F);
	else
		fmpz_mul_2exp(den, den, (ulong)-F);
	if (t >= 0)
		fmpz_mul_pow10(num, (ulong)t);
	else
		fmpz_mul_pow10(den, (ulong)-t);
	c = decade_round(R, num, den, lo, hi, &inexact);
	fmpz_clear(man);
	fmpz_clear(ex);
	fmpz_clear(num);
	fmpz_clear(den);
	return c;
}

/*
 * The m-digit rounding of a value whose scaled form z (a positive
 * dyadic bound of |x| * 10^(m-1-E0)) is given: the digits R in
 * [lo, hi) = [10^(m-1), 10^m) and their exponent *E.
 */
static void
round_endpoint(fmpz_t R, slong *E, const arf_t z, slong E0,
    const fmpz_t lo, const fmpz_t hi)
{
	slong e = E0;
	int c;

	for (int tries = 0; tries < 8; tries++) {
		c = round_scaled(R, z, E0 - e, lo, hi);
		if (c == 1 || c == -1) {
			e += c;
			continue;
		}
		e += c / 2;
		break;
	}
	*E = e;
}

/*
 * The digits of |x| for a ball x not holding zero: at most n, as many
 * as both endpoints of the ball round to alike (rounding is monotonic,
 * so the value between them rounds the same).  Returns how many (0 if
 * not even one).
 */
static int
ball_digits(const arb_t x, int n, struct dec *out)
{
	slong ex, E0, wp;
	arb_t a, p, y;
	arf_t l, u;
	fmpz_t Rl, Ru, lo, hi;
	int m;

	if (arb_contains_zero(x) || !arb_is_finite(x))
		return 0;
	ex = fmpz_get_si(ARF_EXPREF(arb_midref(x)));
	E0 = log10_2_floor(ex - 1);
	/* As precise as the ball is, or as n digits need (an exact ball),
	 * and the power of ten's own rounding on top. */
	wp = arb_rel_accuracy_bits(x);
	if (wp > 4 * n + 64)
		wp = 4 * n + 64;
	wp += 64 + 2 * FLINT_BIT_COUNT(E0 < 0 ? -E0 : E0);
	if (wp < 128)
		wp = 128;
	arb_init(a);
	arb_init(p);
	arb_init(y);
	arf_init(l);
	arf_init(u);
	fmpz_init(Rl);
	fmpz_init(Ru);
	fmpz_init(lo);
	fmpz_init(hi);
	arb_abs(a, x);
	for (m = n; m >= 1; m--) {
		slong s = m - 1 - E0, El, Eu;

		if (m == n) {
			/* |x| 10^s once; fewer digits divide it by ten. */
			arb_ui_pow_ui(p, 10, (ulong)(s < 0 ? -s : s), wp);
			if (s >= 0)
				arb_mul(y, a, p, wp);
			else
				arb_div(y, a, p, wp);
		} else {
			arb_div_ui(y, y, 10, wp);
		}
		arb_get_lbound_arf(l, y, wp);
		arb_get_ubound_arf(u, y, wp);
		if (arf_sgn(l) <= 0)
			break;
		fmpz_pow10(lo, (ulong)m - 1);
		fmpz_pow10(hi, (ulong)m);
		round_endpoint(Rl, &El, l, E0, lo, hi);
		round_endpoint(Ru, &Eu, u, E0, lo, hi);
		if (El == Eu && fmpz_equal(Rl, Ru)) {
			out->E = El;
			out->neg = arb_is_negative(x);
			out->rounded = true;
			dec_set_digits(out, Rl, m);
			break;
		}
	}
	if (m < 1)
		m = 0;
	arb_clear(a);
	arb_clear(p);
	arb_clear(y);
	arf_clear(l);
	arf_clear(u);
	fmpz_clear(Rl);
	fmpz_clear(Ru);
	fmpz_clear(lo);
	fmpz_clear(hi);
	return m;
}

/* Append the decimal exponent e ("e-08", "e+300") at p. */
static char *
put_exp(char *p, slong e)
{
	char t[24];
	int k = 0;
	ulong a = e < 0 ? (ulong)-e : (ulong)e;

	*p++ = 'e';
	*p++ = e < 0 ? '-' : '+';
	do
		t[k++] = (char)('0' + a % 10);
	while ((a /= 10) != 0);
	if (k < 2)
		t[k++] = '0';
	while (k > 0)
		*p++ = t[--k];
	return p;
}

/* Write dec in style into buf; returns the length. */
static size_t
dec_emit(const struct dec *v, enum fpv_exact_style style, char *buf,
    size_t size)
{
	char tmp[DEC_MAX + 64];
	/* Straight into buf when it surely has room. */
	char *p = size >= sizeof tmp ? buf : tmp, *start = p;
	int n = v->n;
	slong E = v->E;
	size_t len;

	if (style == FPV_EXACT_ULPS)
		style = E >= 4 ? FPV_EXACT_SCI : FPV_EXACT_REPR;
	if (style == FPV_EXACT_REPR)
		while (n > 1 && v->d[n - 1] == '0')
			n--;
	if (v->neg)
		*p++ = '-';
	if (style == FPV_EXACT_REPR && E >= -4 && E < 16) {
		if (E >= 0) {
			for (int i = 0; i <= E; i++)
				*p++ = i < n ? v->d[i] : '0';
			if (n > E + 1) {
				*p++ = '.';
				for (int i = (int)E + 1; i < n; i++)
					*p++ = v->d[i];
			}
		} else {
			*p++ = '0';
			*p++ = '.';
			for (slong i = 0; i < -E - 1; i++)
				*p++ = '0';
			for (int i = 0; i < n; i++)
				*p++ = v->d[i];
		}
	} else {
		*p++ = v->d[0];
		if (n > 1) {
			*p++ = '.';
			for (int i = 1; i < n; i++)
				*p++ = v->d[i];
		}
		p = put_exp(p, E);
	}
	len = (size_t)(p - start);
	if (start == buf) {
		buf[len] = '\0';
		return len;
	}
	if (len >= size)
		len = size > 0 ? size - 1 : 0;
	memcpy(buf, tmp, len);
	if (size > 0)
		buf[len] = '\0';
	return len;
}

/* Write a constant string. */
static size_t
put_str(char *buf, size_t size, const char *s, bool *rounded)
{
	size_t n = strlen(s);

	if (rounded)
		*rounded = false;
	if (n >= size)
		n = size > 0 ? size - 1 : 0;
	memcpy(buf, s, n);
	if (size > 0)
		buf[n] = '\0';
	return n;
}

static bool q_digits_wide(const struct fpv_exact *x,
    struct fpv_exact_dd *dd, int n, bool need_exact, struct dec *out);

/*
 * x to at most digits certified digits (see fpv_exact_format); *count
 * gets how many digits are certified (digits for an exact value, 0 for
 * none).
 */
static size_t
exact_format(const struct fpv_exact *x, struct fpv_exact_dd *dd, int digits,
    enum fpv_exact_style style, char *buf, size_t size, bool *rounded,
    int *count)
{
	struct dec v;
	int m = digits;

	*count = 0;
	if (digits < 1)
		digits = m = 1;
	if (digits > DEC_MAX)
		digits = m = DEC_MAX;
	switch (x->kind) {
	case FPV_EXACT_INF:
		*count = digits;
		return put_str(buf, size, x->neg ? "-inf" : "inf", rounded);
	case FPV_EXACT_Q:
		if (fmpz_is_zero(x->num)) {
			*count = digits;
			return put_str(buf, size, x->neg ? "-0" : "0", rounded);
		}
		if (rounded == NULL && digits <= 8 && q_digits_fast(x, digits,
		    &v))
			break;
		if (q_digits_wide(x, dd, digits, rounded != NULL, &v))
			break;
		if (q_ilog2(x) <= Q_DIGITS_EXP && q_ilog2(x) >= -Q_DIGITS_EXP) {
			q_digits(x, digits, &v);
			break;
		}
		/* Far out: through balls (no decimal tie can be there). */
		{
			arb_t b;
			slong p = 256;

			arb_init(b);
			do {
				q_to_ball(b, x, p);
				m = ball_digits(b, digits, &v);
				p *= 4;
			} while (m < digits && p <= Q_BALL_CAP);
			arb_clear(b);
			if (m == 0)
				return 0;
		}
		break;
	case FPV_EXACT_BALL:
		if ((m = ball_digits(x->ball, digits, &v)) == 0)
			return 0;
		break;
	default:
		return 0;
	}
	*count = m;
	if (rounded)
		*rounded = v.rounded;
	return dec_emit(&v, style, buf, size);
}

/* "00".."99": two digits by one lookup. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/*
 * Two digits D (10..99) x 10^(E-1) written as the text tables write
 * them, with few branches: "-d.de-XX" (SCI), or in REPR ("0.0012",
 * "1.5", "15", "1500") for -4 <= E < 16.  Returns the end.
 */
static char *
emit2(char *p, unsigned D, slong E, bool neg, enum fpv_exact_style style)
{
	const char *dp = digit_pairs + 2 * D;

	if (neg)
		*p++ = '-';
	if (style == FPV_EXACT_ULPS)
		style = E >= 4 ? FPV_EXACT_SCI : FPV_EXACT_REPR;
	if (style == FPV_EXACT_SCI || E < -4 || E >= 16) {
		ulong a = (ulong)(E < 0 ? -E : E);
		bool two = style == FPV_EXACT_SCI || dp[1] != '0';

		*p++ = dp[0];
		if (two) {
			*p++ = '.';
			*p++ = dp[1];
		}
		*p++ = 'e';
		*p++ = E < 0 ? '-' : '+';
		if (a < 100) {
			memcpy(p, digit_pairs + 2 * a, 2);
			return p + 2;
		}
		return put_exp(p - 2, E);
	}
	if (E < 0) {
		memcpy(p, "0.0000", (size_t)(1 - E));
		p += 1 - E;
		*p++ = dp[0];
		if (dp[1] != '0')
			*p++ = dp[1];
		return p;
	}
	*p++ = dp[0];
	if (E == 0) {
		if (dp[1] != '0') {
			*p++ = '.';
			*p++ = dp[1];
		}
		return p;
	}
	*p++ = dp[1];
	for (slong i = 1; i < E; i++)
		*p++ = '0';
	return p;
}

/* The decimal R 10^(E-n+1) in style. */
size_t
fpv_exact_emit(uint64_t R, int n, slong E, bool neg,
    enum fpv_exact_style style, char *buf, size_t size)
{
	struct dec v;

	if (n == 2 && size >= 32)
		return (size_t)(emit2(buf, (unsigned)R, E, neg, style) - buf);
	if (n < 1 || n > 19)
		return 0;
	dec_from_u64(&v, R, n, E, neg);
	return dec_emit(&v, style, buf, size);
}


/* The n digits of the nonzero rational x, rounded to nearest (ties to
 * even), with whether they are x exactly; false beyond the exponents
 * where integer division is done. */
static bool
q_round_digits(const struct fpv_exact *x, int n, struct dec *v)
{
	slong lg;

	if (q_digits_wide(x, NULL, n, true, v))
		return true;
	lg = q_ilog2(x);
	if (lg > Q_DIGITS_EXP || lg < -Q_DIGITS_EXP)
		return false;
	q_digits(x, n, v);
	return true;
}

/*
 * fpv_exact_figure of a nonzero rational from its exact digits: the d
 * digits of how's notation rounded to nearest, or d + 1 when x lies
 * exactly halfway between two of d digits (what fpv_dec_figure writes
 * of a value it knows exactly, or to far more bits than the digits
 * need); 0 when the exponent is too far out for that.
 */
static size_t
q_figure(const struct fpv_exact *x, unsigned how, char *buf, size_t size)
{
	int d = how & FPV_DEC_FIG_FULL ? FPV_DEC_FIGURE_FULL :
	    FPV_DEC_FIGURE_SHORT;
	struct dec v, w;

	if (!q_round_digits(x, d + 1, &w))
		return 0;
	if (w.d[d] == '5') {
		if (!w.rounded)		/* a tie: d + 1 digits, exactly */
			return fpv_dec_figure_digits(w.d, d + 1, (long)w.E,
			    x->neg, how, buf, size);
		/* Either side of the tie: ask for d digits. */
		if (!q_round_digits(x, d, &v))
			return 0;
		return fpv_dec_figure_digits(v.d, d, (long)v.E, x->neg, how,
		    buf, size);
	}
	/* The last of d + 1 digits is not 5: the value's own rounding to d
	 * digits is theirs (below 4.5, or at 5.5 and more, in the last
	 * place), carried up where it ends in 9s. */
	v = w;
	v.n = d;
	if (w.d[d] > '5') {
		int i = d - 1;

		while (i >= 0 && v.d[i] == '9')
			v.d[i--] = '0';
		if (i >= 0) {
			v.d[i]++;
		} else {
			v.d[0] = '1';	/* 99...9 up to 10...0: a decade up */
			v.E++;
		}
	}
	return fpv_dec_figure_digits(v.d, d, (long)v.E, x->neg, how, buf,
	    size);
}

/* x as an error figure in fpv_dec_figure's notation. */
size_t
fpv_exact_figure(const struct fpv_exact *x, unsigned how, char *buf,
    size_t size)
{
	mpfr_t m;
	int good;
	slong lg;
	size_t n, off = 0;

	switch (x->kind) {
	case FPV_EXACT_Q:
		if (fmpz_is_zero(x->num))
			return (size_t)snprintf(buf, size, "0");
		if ((n = q_figure(x, how, buf, size)) > 0)
			return n;
		lg = q_ilog2(x);
		/* Dyadic and short: exactly an MPFR number. */
		good = fmpz_is_one(x->den) && nbits(x->num) <= 128 ?
		    FPV_DEC_FIGURE_EXACT : 126;
		break;
	case FPV_EXACT_BALL:
		if (arb_contains_zero(x->ball))
			return 0;
		good = (int)(arb_rel_accuracy_bits(x->ball) > 127 ? 126 :
		    arb_rel_accuracy_bits(x->ball) - 1);
		/* The midpoint's exponent, clamped far beyond MPFR's. */
		lg = fmpz_cmp_si(ARF_EXPREF(arb_midref(x->ball)),
		    WORD_MAX / 4) > 0 ? WORD_MAX / 4 :
		    fmpz_cmp_si(ARF_EXPREF(arb_midref(x->ball)),
		    -(WORD_MAX / 4)) < 0 ? -(WORD_MAX / 4) :
		    fmpz_get_si(ARF_EXPREF(arb_midref(x->ball)));
		break;
	default:
		return 0;
	}
	if (good >= 2 && lg < (slong)mpfr_get_emax() - 8 &&
	    lg > (slong)mpfr_get_emin() + 8) {
		mpfr_init2(m, 128);
		if (x->kind == FPV_EXACT_Q)
			fpv_exact_get_mpfr(m, x);
		else
			arf_get_mpfr(m, arb_midref(x->ball), MPFR_RNDN);
		n = fpv_dec_figure(m, good, how, buf, size);
		mpfr_clear(m);
		return n;
	}
	/* Beyond MPFR's exponents (or hardly known): the certified digits,
	 * in the same notation far from 1 ("-1e+999999999999"). */
	if ((how & FPV_DEC_FIG_SIGN) && fpv_exact_sign(x) > 0 && size > 1)
		buf[off++] = '+';
	n = fpv_exact_format(x, how & FPV_DEC_FIG_FULL ? 17 : 2,
	    FPV_EXACT_REPR, buf + off, size - off, NULL);
	return n == 0 ? 0 : n + off;
}

/* A double known within 2^-44 (d != 0) to digits digits, when double
 * arithmetic settles them (0 otherwise). */
size_t
fpv_exact_format_near(double d, int digits, enum fpv_exact_style style,
    char *buf, size_t size)
{
	struct dec v;

	if (digits < 1 || digits > 8 || !digits_fast(fabs(d), 0, d < 0, digits,
	    &v))
		return 0;
	return dec_emit(&v, style, buf, size);
}

/* x to at most digits certified digits. */
size_t
fpv_exact_format(const struct fpv_exact *x, int digits,
    enum fpv_exact_style style, char *buf, size_t size, bool *rounded)
{
	int count;

	return exact_format(x, NULL, digits, style, buf, size, rounded, &count);
}

/* ---- Values from literals, constants and encodings -------------------- */

/* Largest |decimal exponent| of a literal the reference can reach. */
#define LIT_EXP_MAX ((slong)300000000000000000)

/* Read the digits of s[*i..len) in base (10 or 16) into m, counting
 * those after a point in *frac; returns the number of digits. */
static size_t
read_digits(const char *s, size_t len, size_t *i, int base, fmpz_t m,
    slong *frac)
{
	bool dot = false;
	size_t n = 0;
	ulong chunk = 0, scale = 1;
	/* base^k fits 60 bits: 10^18, 16^15 */
	const ulong top = base == 10 ? 1000000000000000000ul : 1ul << 60;

	fmpz_zero(m);
	for (; *i < len; (*i)++) {
		char ch = s[*i];
		int d;

		if (ch == '.' && !dot) {
			dot = true;
			continue;
		}
		if ((d = fpv_digit_value(ch, base)) < 0)
			break;
		chunk = chunk * (ulong)base + (ulong)d;
		scale *= (ulong)base;
		if (scale == top) {
			fmpz_mul_ui(m, m, scale);
			fmpz_add_ui(m, m, chunk);
			chunk = 0;
			scale = 1;
		}
		if (dot)
			(*frac)++;
		n++;
	}
	if (scale > 1) {
		fmpz_mul_ui(m, m, scale);
		fmpz_add_ui(m, m, chunk);
	}
	return n;
}

/* x = m * 10^x10 (m > 0) as a ball at prec, or lost beyond reach. */
static void
decimal_ball(struct fpv_exact *x, const fmpz_t m, slong x10, bool neg,
    slong prec)
{
	arb_t p;

	if (x10 > LIT_EXP_MAX || x10 < -LIT_EXP_MAX) {
		set_lost_why(x, FPV_WHY_RANGE);
		return;
	}
	arb_init(p);
	arb_set_fmpz(x->ball, m);
	arb_ui_pow_ui(p, 10, (ulong)(x10 < 0 ? -x10 : x10), prec);
	if (x10 >= 0)
		arb_mul(x->ball, x->ball, p, prec);
	else
		arb_div(x->ball, x->ball, p, prec);
	arb_clear(p);
	if (neg)
		arb_neg(x->ball, x->ball);
	x->kind = FPV_EXACT_BALL;
	x->neg = false;
	x->fixed = false;
	x->prec = prec;
}

/* x = a literal's value. */
int
fpv_exact_set_text(struct fpv_exact *x, const char *s, size_t len, bool neg,
    slong prec)
{
	size_t i = 0;
	int base = 10;
	slong frac = 0, ex = 0;
	bool huge = false;
	fmpz_t m;

	if (len >= 3 && (s[0] | 0x20) == 'i' && (s[1] | 0x20) == 'n' &&
	    (s[2] | 0x20) == 'f' && (len == 3 || (len == 8 &&
	    strncasecmp(s, "infinity", 8) == 0))) {
		fpv_exact_set_inf(x, neg);
		return 0;
	}
	if (len == 3 && strncasecmp(s, "nan", 3) == 0) {
		fpv_exact_set_nan(x);
		return 0;
	}
	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		i = 2;
	}
	fmpz_init(m);
	if (read_digits(s, len, &i, base, m, &frac) == 0) {
		fmpz_clear(m);
		return -1;
	}
	if (i < len) {
		char ch = (char)(s[i] | 0x20);
		int sign = 1;

		if ((base == 10 && ch != 'e') || (base == 16 && ch != 'p') ||
		    ++i >= len) {
			fmpz_clear(m);
			return -1;
		}
		if (s[i] == '+' || s[i] == '-')
			sign = s[i++] == '-' ? -1 : 1;
		if (i >= len) {
			fmpz_clear(m);
			return -1;
		}
		for (; i < len; i++) {
			if (s[i] < '0' || s[i] > '9') {
				fmpz_clear(m);
				return -1;
			}
			if (ex <= LIT_EXP_MAX)	/* 10 ex + 9 stays within a slong */
				ex = 10 * ex + (s[i] - '0');
			else
				huge = true;
		}
		ex *= sign;
	}
	if (fmpz_is_zero(m)) {
		fpv_exact_set_zero(x, neg);
		fmpz_clear(m);
		return 0;
	}
	x->fixed = false;
	if (base == 16) {
		slong e2 = ex - 4 * frac;

		if (huge || e2 > FPV_EXACT_EMAX || e2 < -FPV_EXACT_EMAX) {
			set_lost_why(x, FPV_WHY_RANGE);
		} else if (nbits(m) <= FPV_EXACT_QBITS) {
			x->kind = FPV_EXACT_Q;
			x->neg = neg;
			fmpz_swap(x->num, m);
			fmpz_one(x->den);
			x->e = e2;
			q_strip2(x);
		} else {
			arb_set_fmpz(x->ball, m);	/* exact */
			arb_mul_2exp_si(x->ball, x->ball, e2);
			if (neg)
				arb_neg(x->ball, x->ball);
			x->kind = FPV_EXACT_BALL;
			x->neg = false;
			x->prec = prec;
		}
		fmpz_clear(m);
		return 0;
	}
	{
		slong x10 = ex - frac;
		ulong a = (ulong)(x10 < 0 ? -x10 : x10);

		if (huge) {
			set_lost_why(x, FPV_WHY_RANGE);
		} else if (a <= FPV_EXACT_QBITS / 3 &&
		    nbits(m) + 3 * a <= FPV_EXACT_QBITS) {
			x->kind = FPV_EXACT_Q;
			x->neg = neg;
			fmpz_swap(x->num, m);
			fmpz_one(x->den);
			x->e = x10;
			if (x10 > 0) {
				fmpz_t p;

				fmpz_init(p);
				fmpz_pow5(p, a);
				fmpz_mul(x->num, x->num, p);
				fmpz_clear(p);
			} else if (x10 < 0) {
				fmpz_pow5(x->den, a);
			}
			q_strip2(x);
		} else {
			decimal_ball(x, m, x10, neg, prec);
		}
	}
	fmpz_clear(m);
	return 0;
}

/* x = pi or e. */
void
fpv_exact_set_const(struct fpv_exact *x, int constant, slong prec)
{
	if (constant == FPV_CONST_PI)
		arb_const_pi(x->ball, prec);
	else
		arb_const_e(x->ball, prec);
	x->kind = FPV_EXACT_BALL;
	x->neg = false;
	x->fixed = false;
	x->prec = prec;
}

/* x = (-1)^neg n / d exactly (d > 0), with the powers of two in e. */
static void
q_set_frac(struct fpv_exact *x, bool neg, const fmpz_t n, const fmpz_t d)
{
	flint_bitcnt_t v;

	x->kind = FPV_EXACT_Q;
	x->neg = neg;
	x->fixed = false;
	fmpz_abs(x->num, n);
	fmpz_set(x->den, d);
	x->e = 0;
	if (fmpz_is_zero(x->num)) {
		fmpz_one(x->den);
		return;
	}
	v = fmpz_val2(x->den);
	if (v > 0) {
		fmpz_fdiv_q_2exp(x->den, x->den, v);
		x->e = -(slong)v;
	}
	q_strip2(x);
}

/* x = the value of an encoding. */
void
fpv_exact_decode(struct fpv_exact *x, const struct fpv_ctx *c,
    const struct fpv_format *f, uint64_t b)
{
	(void)c;
	if (f->kind == FPV_KIND_FLOAT) {
		bool neg = fpv_bits_sign(f, b) != 0;
		uint64_t m;
		int e;

		switch (fpv_bits_class(f, b)) {
		case FPV_CLASS_ZERO:
			fpv_exact_set_zero(x, neg);
			return;
		case FPV_CLASS_INF:
			fpv_exact_set_inf(x, neg);
			return;
		case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
			fpv_exact_set_nan(x);
			return;
		default:
			fpv_bits_parts(f, b, &m, &e);
			fpv_exact_set_dyadic(x, neg, m, e);
			return;
		}
	}
	/* scale * (q - zero_point) */
	if (f->scale_big == NULL && f->scale_den > 0 &&
	    (f->sign || fpv_bits_q(f, b) >= 0)) {
		/* A small scale: in 128-bit integers. */
		__int128 v = ((__int128)fpv_bits_q(f, b) - f->zero_point) *
		    f->scale_num;
		uint64_t den = (uint64_t)f->scale_den;
		int tz = __builtin_ctzll(den);

		x->fixed = false;
		if (v == 0) {
			fpv_exact_set_zero(x, false);
			return;
		}
		q_set_small(x, v < 0, (unsigned __int128)(v < 0 ? -v : v),
		    den >> tz, -(slong)tz);
		return;
	}
	fmpz_t n, d;

	fmpz_init(n);
	fmpz_init(d);
	fmpz_set_si(n, (slong)fpv_bits_q(f, b));
	fmpz_sub_si(n, n, (slong)f->zero_point);
	if (f->kind == FPV_KIND_INT && !f->sign && fpv_bits_q(f, b) < 0) {
		/* a 64-bit unsigned q above INT64_MAX */
		fmpz_set_ui(n, (ulong)(b & fpv_format_mask(f)));
		fmpz_sub_si(n, n, (slong)f->zero_point);
	}
	if (f->scale_big == NULL) {
		fmpz_mul_si(n, n, (slong)f->scale_num);
		fmpz_set_si(d, (slong)f->scale_den);
	} else {
		mpq_srcptr sc = f->scale_big;
		fmpz_t t;

		fmpz_init(t);
		fmpz_set_mpz(t, mpq_numref(sc));
		fmpz_mul(n, n, t);
		fmpz_set_mpz(d, mpq_denref(sc));
		fmpz_clear(t);
	}
	q_set_frac(x, fmpz_sgn(n) < 0, n, d);
	fmpz_clear(n);
	fmpz_clear(d);
}

/* ---- The reference of a trace ----------------------------------------- */

/* Is x a ball (or lost) that a higher working precision prec may improve? */
static bool
stale(const struct fpv_exact *x, slong prec)
{
	return (x->kind == FPV_EXACT_BALL || x->kind == FPV_EXACT_LOST) &&
	    !x->fixed && x->prec < prec;
}

/*
 * Compute node j's reference into x from its operands' references a[] at
 * working precision prec.  A variable's (lean traces only: else it is
 * kept) is the value the line read, a bit pattern's its own.
 */
static void
compute(struct fpv_trace *t, size_t j, slong prec, struct fpv_exact *x,
    const struct fpv_exact *const *a)
{
	const struct fpv_node *n = &t->ast.nodes[j];

	switch (n->kind) {
	case FPV_NODE_NUM:
		fpv_exact_set_text(x, t->ast.src + n->tok, n->toklen,
		    n->negative, prec);
		break;
	case FPV_NODE_CONST:
		fpv_exact_set_const(x, n->u.constant, prec);
		break;
	case FPV_NODE_CAST:
		fpv_exact_set(x, a[0]);
		break;
	case FPV_NODE_OP:
		fpv_exact_op(x, n->u.op, a, prec);
		break;
	case FPV_NODE_VAR:
		if (t->lean)
			fpv_exact_set(x, &t->lvar[t->aux[j]]);
		break;
	case FPV_NODE_BITS:
		if (t->lean)
			fpv_exact_decode(x, &t->ctx,
			    fpv_ctx_format(&t->ctx, n->u.format),
			    fpv_node_bits(n));
		break;
	}
	/* A copy of a fixed ball (a cast, nextup) keeps an older precision;
	 * this step was computed at prec all the same. */
	if ((x->kind == FPV_EXACT_BALL || x->kind == FPV_EXACT_LOST) &&
	    x->prec < prec)
		x->prec = prec;
}

/* Compute step j's reference from its operands at working precision prec. */
static void
recompute(struct fpv_trace *t, size_t j, slong prec)
{
	const struct fpv_node *n = &t->ast.nodes[j];
	const struct fpv_exact *a[3] = { NULL, NULL, NULL };
	int k = n->kind == FPV_NODE_OP ? fpv_ops[n->u.op].nargs :
	    n->kind == FPV_NODE_CAST ? 1 : 0;

	for (int m = 0; m < k; m++)
		a[m] = &fpv_trace_step(t, n->args[m])->exact;
	compute(t, j, prec, &fpv_trace_step(t, j)->exact, a);
}

/*
 * A lean trace's step i at working precision prec: its sub-expression
 * computed again from the AST in scratch slots (the steps' own slots
 * hold other steps' values by now), laid out as the steps were.
 */
static void
lean_raise(struct fpv_trace *t, size_t i, slong prec)
{
	struct fpv_step *st = fpv_trace_step(t, i);

	if (t->nscratch < t->nslots) {
		struct fpv_exact *ns = realloc(t->scratch,
		    t->nslots * sizeof *ns);

		if (ns == NULL)
			return;		/* not refined: still true */
		t->scratch = ns;
		for (size_t k = t->nscratch; k < t->nslots; k++)
			fpv_exact_init(&t->scratch[k]);
		t->nscratch = t->nslots;
	}
	for (size_t j = st->lo; j <= i; j++) {
		const struct fpv_node *n = &t->ast.nodes[j];
		const struct fpv_exact *a[3] = { NULL, NULL, NULL };
		int k = n->kind == FPV_NODE_OP ? fpv_ops[n->u.op].nargs :
		    n->kind == FPV_NODE_CAST ? 1 : 0;

		for (int m = 0; m < k; m++)
			a[m] = &t->scratch[t->slot[n->args[m]]];
		if (fpv_interrupted())
			return;		/* not refined: still true */
		compute(t, j, prec, &t->scratch[t->slot[j]], a);
	}
	fpv_exact_set(&st->exact, &t->scratch[t->slot[i]]);
}

/* Bring every step of step i's sub-expression to working precision prec. */
static void
raise_to(struct fpv_trace *t, size_t i, slong prec)
{
	if (t->lean) {
		lean_raise(t, i, prec);
		return;
	}
	for (size_t j = fpv_trace_step(t, i)->lo;
	    j <= i && !fpv_interrupted(); j++)
		if (stale(&fpv_trace_step(t, j)->exact, prec))
			recompute(t, j, prec);
}

/* Step i's reference, certified to FPV_EXACT_GOAL bits or to the cap. */
void
fpv_exact_step(struct fpv_trace *t, size_t i)
{
	struct fpv_exact *x = &fpv_trace_step(t, i)->exact;
	slong p = FPV_EXACT_PREC0;
	const struct fpv_node *n = &t->ast.nodes[i];

	/* Arithmetic on two rationals, the common case, straight to the
	 * rational code (what fpv_exact_op would do). */
	if (n->kind == FPV_NODE_OP && n->u.op <= FPV_OP_DIV) {
		const struct fpv_exact *a = &fpv_trace_step(t, n->args[0])->exact;
		const struct fpv_exact *b = &fpv_trace_step(t, n->args[1])->exact;
		bool ok = false;

		if (a->kind == FPV_EXACT_Q && b->kind == FPV_EXACT_Q) {
			x->fixed = false;
			switch (n->u.op) {
			case FPV_OP_ADD:
				ok = q_addsigned(x, a, a->neg, b, b->neg);
				break;
			case FPV_OP_SUB:
				ok = q_addsigned(x, a, a->neg, b, !b->neg);
				break;
			case FPV_OP_MUL:
				ok = q_mul(x, a, b);
				break;
			default:
				ok = !fmpz_is_zero(b->num) && q_div(x, a, b);
				break;
			}
		}
		if (ok)
			return;
	}
	recompute(t, i, p);
	/* Ctrl-C (fpv_interrupt) stops the loop; the evaluation is then
	 * abandoned (fpv_eval_line). */
	while (!fpv_exact_good(x, FPV_EXACT_GOAL) && stale(x, FPV_EXACT_CAP) &&
	    !fpv_interrupted()) {
		p = x->prec * 2 < FPV_EXACT_CAP ? x->prec * 2 : FPV_EXACT_CAP;
		if (p < FPV_EXACT_PREC0)
			p = FPV_EXACT_PREC0;
		raise_to(t, i, p);
	}
}

/* Raise step i's working precision one notch. */
bool
fpv_exact_raise(const struct fpv_trace *ct, size_t i)
{
	/* The balls are a cache: raising changes no certified digit. */
	struct fpv_trace *t = (struct fpv_trace *)ct;
	struct fpv_exact *x = &fpv_trace_step(t, i)->exact;
	slong p;

	if (!stale(x, FPV_EXACT_CAP) || fpv_interrupted())
		return false;
	p = x->prec * 2 < FPV_EXACT_CAP ? x->prec * 2 : FPV_EXACT_CAP;
	if (p < FPV_EXACT_PREC0)
		p = FPV_EXACT_PREC0;
	raise_to(t, i, p);
	return true;
}

/* Raise step i until certified to bits. */
void
fpv_exact_refine(const struct fpv_trace *t, size_t i, slong bits)
{
	while (!fpv_exact_good(&fpv_trace_step(t, i)->exact, bits) &&
	    fpv_exact_raise(t, i))
		;
}

/* x's reference to at most digits digits. */
static int
describe(const struct fpv_exact *x, struct fpv_exact_dd *dd, int digits,
    struct fpv_exact_text *out)
{
	int count = 0;

	out->state = fpv_exact_state(x, &out->n);
	out->rounded = false;
	out->len = 0;
	out->num[0] = '\0';
	switch (out->state) {
	case FPV_EXACT_S_EXACT:
	case FPV_EXACT_S_CERTIFIED:
		out->len = exact_format(x, dd, digits, FPV_EXACT_REPR, out->num,
		    sizeof out->num, &out->rounded, &count);
		if (out->state == FPV_EXACT_S_CERTIFIED)
			out->rounded = true;
		break;
	default:
		count = digits;
		break;
	}
	return count;
}

/* A value's reference as shown. */
void
fpv_exact_describe_value(const struct fpv_exact *x, int digits,
    struct fpv_exact_text *out)
{
	describe(x, NULL, digits, out);
}

/* Step i's reference as shown, refined for its digits. */
void
fpv_exact_describe(const struct fpv_trace *t, size_t i, int digits,
    struct fpv_exact_text *out)
{
	/* The balls and the double-double are caches of the const t. */
	struct fpv_exact_dd *dd = fpv_trace_dd(t, i);

	while (describe(&fpv_trace_step(t, i)->exact,
	    fpv_trace_step(t, i)->exact.kind == FPV_EXACT_Q ? dd : NULL, digits, out) <
	    digits && fpv_exact_raise(t, i))
		;
}

/* Append s to buf[*n] within size (keeping room for the NUL). */
static void
cat(char *buf, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + len >= size)
		len = size - 1 - *n;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
}

/* The state in words. */
size_t
fpv_exact_words(const struct fpv_exact_text *d, char *buf, size_t size)
{
	int w;

	switch (d->state) {
	case FPV_EXACT_S_CERTIFIED:
		w = d->n >= FPV_EXACT_SHOW_MAX ?
		    snprintf(buf, size, "certified to at least 2^53 bits") :
		    snprintf(buf, size, "certified to %ld bits", d->n);
		break;
	case FPV_EXACT_S_NEAR_ZERO:
		w = d->n >= FPV_EXACT_SHOW_MAX ?
		    snprintf(buf, size, "zero to within 2^-(2^53)") :
		    snprintf(buf, size, "zero to within 2^%ld", -d->n);
		break;
	case FPV_EXACT_S_UNDEFINED:
		w = snprintf(buf, size, "undefined");
		break;
	case FPV_EXACT_S_UNCERTIFIED:
		w = d->n == FPV_WHY_ARG ?
		    snprintf(buf, size, "not certified (argument too large)") :
		    snprintf(buf, size, "not certified (beyond 2^(+-2^60))");
		break;
	default:
		buf[0] = '\0';
		return 0;
	}
	if (w < 0)
		w = 0;
	return (size_t)w < size ? (size_t)w : size - 1;
}

/* The whole exact row. */
size_t
fpv_exact_line(const struct fpv_exact_text *d, char *buf, size_t size)
{
	char words[64];
	size_t n = 0, nw = d->state == FPV_EXACT_S_EXACT ? 0 :
	    fpv_exact_words(d, words, sizeof words);

	buf[0] = '\0';
	if (d->rounded && d->len > 0)
		cat(buf, size, &n, FPV_EXACT_MARK, sizeof FPV_EXACT_MARK - 1);
	cat(buf, size, &n, d->num, d->len);
	if (d->len > 0 && nw > 0)
		cat(buf, size, &n, "  ", 2);
	cat(buf, size, &n, words, nw);
	return n;
}

/* ---- Error figures ------------------------------------------------------ */

/* out ~ x (a rational: from the integers' top bits, no allocation). */
static void
approx_mpfr(mpfr_ptr out, const struct fpv_exact *x)
{
	uint64_t m;
	slong k;

	if (x->kind != FPV_EXACT_Q) {
		fpv_exact_get_mpfr(out, x);
		return;
	}
	if (fmpz_is_zero(x->num)) {
		mpfr_set_zero(out, x->neg ? -1 : 1);
		return;
	}
	q_top(x, &m, &k);	/* |x| ~ m 2^k = 0.m * 2^(k + 64) */
	if (k + 64 > mpfr_get_emax())
		mpfr_set_inf(out, x->neg ? -1 : 1);
	else if (k + 64 < mpfr_get_emin())
		mpfr_set_zero(out, x->neg ? -1 : 1);
	else if (mpfr_get_prec(out) == 64 && mp_bits_per_limb == 64) {
		/* Written directly: m is the 64-bit significand. */
		mp_limb_t *l = mpfr_custom_get_significand(out);

		l[0] = m;
		mpfr_custom_init_set(out, (x->neg ? -1 : 1) * MPFR_REGULAR_KIND,
		    (mpfr_exp_t)(k + 64), 64, l);
	} else {
		mpfr_set_ui_2exp(out, (unsigned long)m, (long)k, MPFR_RNDN);
		if (x->neg)
			mpfr_neg(out, out, MPFR_RNDN);
	}
}

/* A double near x. */
static double
approx_d(const struct fpv_exact *x)
{
	uint64_t m;
	slong k;

	if (x->kind == FPV_EXACT_Q) {
		if (fmpz_is_zero(x->num))
			return x->neg ? -0.0 : 0.0;
		q_top(x, &m, &k);
		if (k > 2000)
			k = 2000;
		if (k < -2000)
			k = -2000;
		return ldexp(x->neg ? -(double)m : (double)m, (int)k);
	}
	mp_limb_t l[1];
	mpfr_t v;

	mpfr_custom_init(l, 64);
	mpfr_custom_init_set(v, MPFR_ZERO_KIND, 0, 64, l);
	approx_mpfr(v, x);
	return mpfr_get_d(v, MPFR_RNDN);
}

/* Start e over: nothing known yet. */
static void
err_reset(struct fpv_errinfo *e)
{
	e->defined = true;
	e->zero = false;
	e->settled = true;
	for (int k = 0; k < 4; k++)
		e->fig[k] = FPV_FIG_NONE;
	e->bound = LONG_MIN;
	e->ulp_exp = LONG_MIN;
	/* NaNs set in place: mpfr_set_nan would also raise MPFR's NaN
	 * flag, a thread-local write, for every row. */
	mpfr_custom_init_set(e->err, MPFR_NAN_KIND, 0, mpfr_get_prec(e->err),
	    mpfr_custom_get_significand(e->err));
	mpfr_custom_init_set(e->rel, MPFR_NAN_KIND, 0, mpfr_get_prec(e->rel),
	    mpfr_custom_get_significand(e->rel));
	e->ulps = NAN;
	e->bits_lost = NAN;
	e->bits_lo = e->bits_hi = NAN;
	e->fast = false;
}

/* No error: every figure 0. */
static void
err_zero(struct fpv_errinfo *e)
{
	e->zero = true;
	for (int k = 0; k < 4; k++)
		e->fig[k] = FPV_FIG_NUMBER;
	fpv_exact_set_zero(&e->xerr, false);
	fpv_exact_set_zero(&e->xrel, false);
	fpv_exact_set_zero(&e->xulps, false);
	mpfr_set_zero(e->err, 1);
	mpfr_set_zero(e->rel, 1);
	e->ulps = 0;
	e->bits_lost = e->bits_lo = e->bits_hi = 0;
}

/* Bits lost, a number: exactly prec. */
static void
err_bits_all(struct fpv_errinfo *e, int prec)
{
	e->fig[FPV_ERR_BITS] = FPV_FIG_NUMBER;
	e->bits_lost = e->bits_lo = e->bits_hi = prec;
}

/* Clamp b into [0, prec]. */
static double
clamp_bits(double b, int prec)
{
	return b < 0 ? 0 : b > prec ? prec : b;
}

/*
 * Bits lost from |rel| = m 2^k known to within a relative 2^-50 (the
 * logarithm of m, in [1, 2), to within 1e-15 more): an enclosure
 * 1e-12 wide on each side.
 */
static void
err_bits_from(struct fpv_errinfo *e, int prec, double m, slong k)
{
	double lg;

	if (k > 4) {
		e->bits_lo = e->bits_hi = prec;
	} else if (k < -prec - 4) {
		e->bits_lo = e->bits_hi = 0;
	} else {
		lg = log2(m) + (double)k;
		e->bits_lo = clamp_bits(prec + lg - 1e-12, prec);
		e->bits_hi = clamp_bits(prec + lg + 1e-12, prec);
	}
	e->bits_lost = (e->bits_lo + e->bits_hi) / 2;
	e->fig[FPV_ERR_BITS] = FPV_FIG_NUMBER;
}

/* Bits lost from the certified relative error. */
static void
err_bits(struct fpv_errinfo *e, int prec)
{
	const struct fpv_exact *r = &e->xrel;

	if (r->kind == FPV_EXACT_Q) {
		uint64_t m;
		slong k;

		if (fmpz_is_one(r->num) && fmpz_is_one(r->den)) {
			/* A power of two: log2 is its exponent. */
			double b = r->e > 4 ? prec : r->e < -prec - 4 ? 0 :
			    clamp_bits(prec + (double)r->e, prec);

			e->bits_lo = e->bits_hi = e->bits_lost = b;
			e->fig[FPV_ERR_BITS] = FPV_FIG_NUMBER;
			return;
		}
		q_top(r, &m, &k);	/* |rel| ~ (m 2^-63) 2^(k + 63) */
		err_bits_from(e, prec, ldexp((double)m, -63), k + 63);
		return;
	}
	/* A ball: log2 |rel| in balls, then outward to doubles. */
	arb_t t;
	arf_t b;
	double lo, hi;

	arb_init(t);
	arf_init(b);
	arb_abs(t, r->ball);
	arb_log_base_ui(t, t, 2, 64);
	arb_get_lbound_arf(b, t, 64);
	lo = arf_get_d(b, ARF_RND_FLOOR);
	arb_get_ubound_arf(b, t, 64);
	hi = arf_get_d(b, ARF_RND_CEIL);
	if (isfinite(lo) && isfinite(hi)) {
		e->bits_lo = clamp_bits(prec + lo, prec);
		e->bits_hi = clamp_bits(prec + hi, prec);
		e->bits_lost = (e->bits_lo + e->bits_hi) / 2;
		e->fig[FPV_ERR_BITS] = FPV_FIG_NUMBER;
	}
	arb_clear(t);
	arf_clear(b);
}

/* An integer grid's scale as a rational. */
static void
scale_q(struct fpv_exact *s, const struct fpv_format *f)
{
	fmpz_t n, d;

	fmpz_init(n);
	fmpz_init(d);
	if (f->scale_big == NULL) {
		fmpz_set_si(n, (slong)f->scale_num);
		fmpz_set_si(d, (slong)f->scale_den);
	} else {
		mpq_srcptr q = f->scale_big;

		fmpz_set_mpz(n, mpq_numref(q));
		fmpz_set_mpz(d, mpq_denref(q));
	}
	q_set_frac(s, false, n, d);
	fmpz_clear(n);
	fmpz_clear(d);
}

/* Clamp an exponent E = floor(log2 |value|) to f's normal range: the
 * ulp there is 2^(E - frac_bits). */
static slong
ulp_of(const struct fpv_format *f, slong E)
{
	if (E < f->emin)
		E = f->emin;
	if (E > f->emax)
		E = f->emax;
	return E - f->frac_bits;
}

/* The certified digits of a figure (up to want). */
static int
fig_digits(const struct fpv_exact *x, int want)
{
	char buf[128];
	int count;

	exact_format(x, NULL, want, FPV_EXACT_REPR, buf, sizeof buf, NULL,
	    &count);
	return count;
}

/* The limbs of |f|: its own, or one in *one for a small f. */
static const mp_limb_t *
limbs_of(const fmpz_t f, mp_limb_t *one, mp_size_t *n)
{
	if (!COEFF_IS_MPZ(*f)) {
		*one = (mp_limb_t)(*f < 0 ? -*f : *f);
		*n = 1;
		return one;
	}
	const __mpz_struct *z = COEFF_TO_PTR(*f);

	*n = z->_mp_size < 0 ? -z->_mp_size : z->_mp_size;
	return z->_mp_d;
}

/* Limbs the stack buffers of q_dd hold. */
#define DD_LIMBS (FPV_EXACT_QBITS / 64 + 8)

/*
 * |x| (a nonzero rational) as Q 2^k with Q = floor(num 2^s / den) of
 * 127 or 128 bits (in [2^126, 2^128)), by GMP's division on the stack;
 * *exact tells whether Q 2^k is |x| itself.  False if the integers are
 * too long for the stack buffers.
 */
static bool
q_quot128(const struct fpv_exact *x, unsigned __int128 *Q, slong *k,
    bool *exact)
{
	mp_limb_t nb[DD_LIMBS], qb[DD_LIMBS], rb[DD_LIMBS], one_n, one_d;
	mp_size_t nn, dn, sn;
	const mp_limb_t *np = limbs_of(x->num, &one_n, &nn);
	const mp_limb_t *dp = limbs_of(x->den, &one_d, &dn);
	slong s = 127 + (slong)nbits(x->den) - (slong)nbits(x->num);
	bool dropped = false;

	if (s >= 0) {
		mp_size_t w = (mp_size_t)(s / 64);
		unsigned b = (unsigned)(s % 64);

		sn = nn + w + 1;
		if (sn > DD_LIMBS)
			return false;
		memset(nb, 0, (size_t)w * sizeof *nb);
		if (b) {
			nb[nn + w] = mpn_lshift(nb + w, np, nn, b);
		} else {
			memcpy(nb + w, np, (size_t)nn * sizeof *nb);
			nb[nn + w] = 0;
		}
	} else {
		mp_size_t w = (mp_size_t)(-s / 64);
		unsigned b = (unsigned)(-s % 64);

		if (w >= nn)
			return false;
		sn = nn - w;
		if (sn > DD_LIMBS)
			return false;
		for (mp_size_t i = 0; i < w && !dropped; i++)
			dropped = np[i] != 0;
		if (b)
			dropped |= mpn_rshift(nb, np + w, sn, b) != 0;
		else
			memcpy(nb, np + w, (size_t)sn * sizeof *nb);
	}
	while (sn > 0 && nb[sn - 1] == 0)
		sn--;
	if (sn < dn)
		return false;
	mpn_tdiv_qr(qb, rb, 0, nb, sn, dp, dn);
	*Q = qb[0];
	if (sn - dn + 1 > 1)
		*Q |= (unsigned __int128)qb[1] << 64;
	*exact = !dropped && mpn_zero_p(rb, dn);
	*k = x->e - s;
	return true;
}

/* Fill the cache dd of the nonzero rational x: Q 2^k (q_quot128) and
 * (hi + lo) 2^k, a double-double within 2^-103 relative. */
static void
q_dd(const struct fpv_exact *x, struct fpv_exact_dd *dd)
{
	unsigned __int128 Q;

	if (!q_quot128(x, &Q, &dd->k, &dd->qexact)) {
		dd->state = -1;
		return;
	}
	dd->q[0] = (uint64_t)Q;
	dd->q[1] = (uint64_t)(Q >> 64);
	dd->hi = (double)Q;
	/* Q within 2^74 of 2^128 rounds up to 2^128, which no 128-bit
	 * integer holds: the remainder is then -(2^128 - Q). */
	dd->lo = dd->hi >= 0x1p128 ? -(double)(-Q) :
	    (double)(__int128)(Q - (unsigned __int128)dd->hi);
	dd->state = 1;
}

/* q_quot128 through the cache dd (may be NULL). */
static bool
q_quot128_dd(const struct fpv_exact *x, struct fpv_exact_dd *dd,
    unsigned __int128 *Q, slong *k, bool *exact)
{
	if (dd == NULL)
		return q_quot128(x, Q, k, exact);
	if (dd->state == 0)
		q_dd(x, dd);
	if (dd->state < 0)
		return false;
	*Q = (unsigned __int128)dd->q[1] << 64 | dd->q[0];
	*k = dd->k;
	*exact = dd->qexact;
	return true;
}

/* The 128-bit 10^t, 0 <= t <= 38. */
static unsigned __int128
pow10_u128(slong t)
{
	unsigned __int128 p = 1;

	for (; t >= 19; t -= 19)
		p *= pow10_u64[19];
	return p * pow10_u64[t];
}

/* Limbs of q_digits_wide's numbers: 128 + 253 bits and a carry. */
#define WL 7

/* X (WL limbs) >> sh as a 128-bit number (the caller knows it fits). */
static unsigned __int128
shr128(const mp_limb_t *X, slong sh)
{
	slong w = sh / 64;
	unsigned b = (unsigned)(sh % 64);
	mp_limb_t l0 = X[w], l1 = w + 1 < WL ? X[w + 1] : 0,
	    l2 = w + 2 < WL ? X[w + 2] : 0;

	if (b) {
		l0 = l0 >> b | l1 << (64 - b);
		l1 = l1 >> b | l2 << (64 - b);
	}
	return (unsigned __int128)l1 << 64 | l0;
}

/* Is any of X's bits below bit sh set? */
static bool
low_bits(const mp_limb_t *X, slong sh)
{
	slong w = sh / 64;

	for (slong i = 0; i < w; i++)
		if (X[i])
			return true;
	return (sh % 64) && (X[w] & (((mp_limb_t)1 << (sh % 64)) - 1));
}

/* p = 10^t (0 <= t <= 76) in limbs; returns their number. */
static mp_size_t
pow10_limbs(mp_limb_t *p, slong t)
{
	mp_size_t n = 1;

	p[0] = 1;
	for (; t > 0; t -= 19) {
		mp_limb_t c = mpn_mul_1(p, p, n,
		    (mp_limb_t)pow10_u64[t < 19 ? t : 19]);

		if (c)
			p[n++] = c;
	}
	return n;
}

/*
 * q_digits for up to 37 digits without big integers, when that settles
 * them: |x| lies in [Q, Q + 1) 2^k (q_quot128), so |x| 10^t in
 * [A, A + P) 2^k for P = 10^t (t <= 76) and A = Q P.  When every value
 * there rounds to the same integer the digits are certain; whether the
 * decimal is exact is certain when Q is exact, or when no integer lies
 * in the interval (asked only if need_exact).  False (nothing done)
 * otherwise.
 */
static bool
q_digits_wide(const struct fpv_exact *x, struct fpv_exact_dd *dd, int n,
    bool need_exact, struct dec *out)
{
	unsigned __int128 Q, R, Rh, F, Fh, lo, hi;
	mp_limb_t a[WL], ah[WL], b[WL], c[WL], q[2], p[WL], one = 1;
	mp_size_t pn;
	slong k, E, t, sh;
	bool exact, rounded;

	if (n > 37 || !q_quot128_dd(x, dd, &Q, &k, &exact))
		return false;
	lo = pow10_u128(n - 1);
	hi = pow10_u128(n);
	E = (slong)floor(log10((double)Q) + (double)k * 0.30102999566398120);
	for (int tries = 0;; tries++) {
		if (tries == 3)
			return false;
		t = n - 1 - E;
		sh = -k;
		if (t < 0 || t > 76 || sh < 2 || sh > 64 * (WL - 2))
			return false;
		memset(p, 0, sizeof p);
		pn = pow10_limbs(p, t);
		q[0] = (mp_limb_t)Q;
		q[1] = (mp_limb_t)(Q >> 64);
		memset(a, 0, sizeof a);
		if (pn >= 2)
			mpn_mul(a, p, pn, q, 2);	/* A = Q P */
		else
			mpn_mul(a, q, 2, p, 1);
		/* ah = A + 2^(sh-1): floor(y + 1/2) at the lower end */
		memset(ah, 0, sizeof ah);
		ah[(sh - 1) / 64] = (mp_limb_t)1 << ((sh - 1) % 64);
		mpn_add_n(ah, ah, a, WL);
		/* b = A + P - 1 + 2^(sh-1): at the upper end */
		mpn_copyi(b, ah, WL);
		mpn_add(b, b, WL, p, pn);
		mpn_sub_1(b, b, WL, one);
		/* The floors of the ends choose the decade. */
		mpn_copyi(c, a, WL);
		mpn_add(c, c, WL, p, pn);
		mpn_sub_1(c, c, WL, one);	/* A + P - 1 */
		F = shr128(a, sh);
		Fh = exact ? F : shr128(c, sh);
		if (F >= hi) {
			E++;
			continue;
		}
		if (Fh < lo) {
			E--;
			continue;
		}
		if (F < lo || Fh >= hi)
			return false;	/* astride a power of ten */
		break;
	}
	R = shr128(ah, sh);
	Rh = exact ? R : shr128(b, sh);
	if (R != Rh)
		return false;
	if (R == hi) {
		R = lo;		/* rounded up to 10^n */
		E++;
	}
	if (exact) {
		/* y = A 2^-sh exactly: a tie when its fraction is 1/2, that
		 * is when A + 2^(sh-1) has no bits below sh. */
		if (!low_bits(ah, sh))
			return false;	/* the exact path breaks the tie */
		rounded = low_bits(a, sh);
	} else {
		/* y lies strictly inside (A, A + P) 2^-sh, less than one
		 * wide: an integer there would make the decimal exact, which
		 * only a caller that asks needs to know (the digits are that
		 * integer either way). */
		if (Fh != F && need_exact)
			return false;
		rounded = true;
	}
	/* The digits in two 64-bit halves (one 128-bit division). */
	{
		uint64_t low = (uint64_t)(R % pow10_u64[19]);
		uint64_t high = (uint64_t)(R / pow10_u64[19]);

		for (int i = n - 1; i >= 0; i--) {
			if (i == n - 1 - 19) {
				low = high;
				high = 0;
			}
			out->d[i] = (char)('0' + (int)(low % 10));
			low /= 10;
		}
	}
	out->d[n] = '\0';
	out->n = n;
	out->E = E;
	out->neg = x->neg;
	out->rounded = rounded;
	return true;
}

/* x = d for an MPFR number of 64 bits on its own limb (d normal or 0). */
static void
mpfr64_set_d(mpfr_ptr x, double d)
{
	uint64_t u;
	int be;

	memcpy(&u, &d, sizeof u);
	be = (int)((u >> 52) & 0x7ff);
	if (mpfr_get_prec(x) != 64 || mp_bits_per_limb != 64 || be == 0 ||
	    be == 0x7ff) {
		mpfr_set_d(x, d, MPFR_RNDN);
		return;
	}
	mp_limb_t *l = mpfr_custom_get_significand(x);

	l[0] = (u << 11) | ((uint64_t)1 << 63);
	/* d = 1.f 2^(be - 1023) = 0.1f 2^(be - 1022) */
	mpfr_custom_init_set(x, (d < 0 ? -1 : 1) * MPFR_REGULAR_KIND,
	    be - 1022, 64, l);
}

/*
 * The figures for a few digits (e->want <= 4), from double-double
 * arithmetic, when that settles them: v a short dyadic, ref a nonzero
 * rational well inside the double range, and their difference not
 * below 2^-58 of ref (err is then within 2^-44 of itself).  Returns
 * false, with nothing set, otherwise.
 */
static bool
error_fast(struct fpv_errinfo *e, const struct fpv_exact *v,
    const struct fpv_exact *ref, struct fpv_exact_dd *dd,
    const struct fpv_format *f, int prec)
{
	struct fpv_exact_dd own = { .state = 0 };
	double vd, rh, rl, R, Rl, s1, t1, err, rel, ulps, a, b;
	slong k, E;
	uint64_t u;

	if (e->want > 4 || !fmpz_is_one(v->den) || fmpz_is_zero(ref->num) ||
	    nbits(v->num) > 53)
		return false;
	if (!fmpz_is_zero(v->num) && (v->e > 900 || v->e < -960))
		return false;
	if (dd == NULL)
		dd = &own;
	if (dd->state == 0)
		q_dd(ref, dd);
	if (dd->state < 0)
		return false;
	rh = dd->hi;
	rl = dd->lo;
	k = dd->k;
	if (k > 700 || k < -700 - 128)
		return false;
	vd = fmpz_is_zero(v->num) ? 0 :
	    (double)fmpz_get_ui(v->num) * two_pow(v->e);
	if (v->neg)
		vd = -vd;
	R = rh * two_pow(k);
	Rl = rl * two_pow(k);
	if (ref->neg) {
		R = -R;
		Rl = -Rl;
	}
	/* vd - R exactly as s1 + t1 (TwoSum), then - Rl. */
	s1 = vd - R;
	b = s1 - vd;
	a = s1 - b;
	t1 = (vd - a) + (-R - b);
	err = s1 + (t1 - Rl);
	if (!(fabs(err) >= fabs(R) * 0x1p-58) || !isfinite(err))
		return false;
	rel = err / fabs(R);
	if (f->kind == FPV_KIND_FLOAT) {
		/* floor(log2 |ref|): rh's, one less just below a power of
		 * two. */
		memcpy(&u, &rh, sizeof u);
		E = (slong)((u >> 52) & 0x7ff) - 1023 + k -
		    ((u & (((uint64_t)1 << 52) - 1)) == 0 && rl < 0);
		e->ulp_exp = ulp_of(f, E);
		if (e->ulp_exp > 1000 || e->ulp_exp < -1000)
			return false;
		ulps = fabs(err) * two_pow(-e->ulp_exp);
	} else if (f->scale_big == NULL && f->scale_den == 1 &&
	    f->scale_num >= 1) {
		ulps = fabs(err) / (double)f->scale_num;
	} else {
		return false;
	}
	/* The digits are fpv_dec_figure_d's to settle (fpv_errinfo_text). */
	if (!isfinite(ulps) || !isfinite(rel) || ulps == 0)
		return false;
	e->fast = true;
	e->fval[FPV_ERR_ABS] = err;
	e->fval[FPV_ERR_REL] = rel;
	e->fval[FPV_ERR_ULPS] = ulps;
	e->fig[FPV_ERR_ABS] = e->fig[FPV_ERR_REL] = e->fig[FPV_ERR_ULPS] =
	    FPV_FIG_NUMBER;
	mpfr64_set_d(e->err, err);
	mpfr64_set_d(e->rel, rel);
	e->ulps = ulps;
	memcpy(&u, &rel, sizeof u);
	err_bits_from(e, prec, 1 + (double)(u & (((uint64_t)1 << 52) - 1)) *
	    0x1p-52, (slong)((u >> 52) & 0x7ff) - 1023);
	return true;
}

/* The figures against an exact rational reference (xerr is done). */
static void
error_q(struct fpv_errinfo *e, const struct fpv_exact *ref,
    const struct fpv_format *f, int prec)
{
	if (fmpz_is_zero(e->xerr.num)) {
		err_zero(e);
		return;
	}
	e->fig[FPV_ERR_ABS] = FPV_FIG_NUMBER;
	approx_mpfr(e->err, &e->xerr);
	if (fmpz_is_zero(ref->num))
		return;		/* against zero: no relative error, no ulps */
	if (fmpz_equal(e->xerr.den, ref->den)) {
		/* (A / D) / (N / D) = A / N: no multiplication. */
		e->xrel.kind = FPV_EXACT_Q;
		fmpz_set(e->xrel.num, e->xerr.num);
		fmpz_set(e->xrel.den, ref->num);
		e->xrel.e = e->xerr.e - ref->e;
		e->xrel.neg = e->xerr.neg;
	} else if (q_div(&e->xrel, &e->xerr, ref)) {
		e->xrel.neg = e->xerr.neg;
	} else {
		arb_t r;

		arb_init(r);
		q_to_ball(r, ref, 64 + 4 * e->want);
		arb_abs(r, r);
		q_to_ball(e->xrel.ball, &e->xerr, 64 + 4 * e->want);
		arb_div(e->xrel.ball, e->xrel.ball, r, 64 + 4 * e->want);
		e->xrel.kind = FPV_EXACT_BALL;
		e->xrel.prec = 64 + 4 * e->want;
		arb_clear(r);
	}
	e->fig[FPV_ERR_REL] = FPV_FIG_NUMBER;
	approx_mpfr(e->rel, &e->xrel);
	if (f->kind == FPV_KIND_FLOAT) {
		slong u = ulp_of(f, q_ilog2(ref));

		fpv_exact_set(&e->xulps, &e->xerr);
		e->xulps.neg = false;
		e->xulps.e -= u;
		e->ulp_exp = u;
	} else if (fpv_grid_scale_is_one(f)) {
		fpv_exact_set(&e->xulps, &e->xerr);	/* the scale is 1 */
		e->xulps.neg = false;
	} else {
		struct fpv_exact s;

		fpv_exact_init(&s);
		scale_q(&s, f);
		if (!q_div(&e->xulps, &e->xerr, &s)) {
			q_to_ball(e->xulps.ball, &e->xerr, 256);
			arb_t sb;

			arb_init(sb);
			q_to_ball(sb, &s, 256);
			arb_div(e->xulps.ball, e->xulps.ball, sb, 256);
			arb_abs(e->xulps.ball, e->xulps.ball);
			e->xulps.kind = FPV_EXACT_BALL;
			e->xulps.prec = 256;
			arb_clear(sb);
		}
		e->xulps.neg = false;
		fpv_exact_clear(&s);
	}
	e->fig[FPV_ERR_ULPS] = FPV_FIG_NUMBER;
	e->ulps = approx_d(&e->xulps);
	err_bits(e, prec);
}

/* The figures against a ball (or a rational too far from v to subtract
 * exactly). */
static void
error_ball(struct fpv_errinfo *e, const struct fpv_exact *v,
    const struct fpv_exact *ref, const struct fpv_format *f, int prec)
{
	arb_t rb, eb, t;
	slong wp;
	bool near;

	arb_init(rb);
	arb_init(eb);
	arb_init(t);
	if (ref->kind == FPV_EXACT_Q) {
		wp = 128 + 4 * e->want;
		q_to_ball(rb, ref, wp);
	} else {
		arb_set(rb, ref->ball);
		wp = (ref->prec > arb_bits(rb) ? ref->prec : arb_bits(rb)) + 64;
	}
	q_to_ball(t, v, wp);
	arb_sub(eb, t, rb, wp);
	near = arb_contains_zero(rb);
	if (arb_contains_zero(eb)) {
		arf_t u;

		arf_init(u);
		arb_get_abs_ubound_arf(u, eb, 30);
		e->bound = (long)arf_abs_bound_lt_2exp_si(u);
		arf_clear(u);
		e->settled = false;
		goto out;
	}
	arb_swap(e->xerr.ball, eb);
	e->xerr.kind = FPV_EXACT_BALL;
	e->xerr.neg = false;
	e->xerr.prec = wp;
	e->fig[FPV_ERR_ABS] = FPV_FIG_NUMBER;
	approx_mpfr(e->err, &e->xerr);
	if (near) {
		e->settled = false;
		goto out;
	}
	arb_abs(t, rb);
	arb_div(e->xrel.ball, e->xerr.ball, t, wp);
	e->xrel.kind = FPV_EXACT_BALL;
	e->xrel.neg = false;
	e->xrel.prec = wp;
	e->fig[FPV_ERR_REL] = FPV_FIG_NUMBER;
	approx_mpfr(e->rel, &e->xrel);
	e->settled = fig_digits(&e->xerr, e->want) >= e->want &&
	    fig_digits(&e->xrel, e->want) >= e->want;
	if (f->kind == FPV_KIND_FLOAT) {
		arf_t l, u;
		slong El, Eu;

		arf_init(l);
		arf_init(u);
		arb_get_lbound_arf(l, t, wp);
		arb_get_ubound_arf(u, t, wp);
		El = fmpz_get_si(ARF_EXPREF(l)) - 1;
		Eu = fmpz_get_si(ARF_EXPREF(u)) - 1;
		arf_clear(l);
		arf_clear(u);
		if (ulp_of(f, El) != ulp_of(f, Eu)) {
			/* Not certain which binade the value is in. */
			e->settled = false;
			err_bits(e, prec);
			goto out;
		}
		e->ulp_exp = ulp_of(f, El);
		arb_abs(e->xulps.ball, e->xerr.ball);
		arb_mul_2exp_si(e->xulps.ball, e->xulps.ball, -e->ulp_exp);
	} else {
		struct fpv_exact s;

		fpv_exact_init(&s);
		scale_q(&s, f);
		q_to_ball(t, &s, wp);
		arb_div(e->xulps.ball, e->xerr.ball, t, wp);
		arb_abs(e->xulps.ball, e->xulps.ball);
		fpv_exact_clear(&s);
	}
	e->xulps.kind = FPV_EXACT_BALL;
	e->xulps.neg = false;
	e->xulps.prec = wp;
	e->fig[FPV_ERR_ULPS] = FPV_FIG_NUMBER;
	e->ulps = approx_d(&e->xulps);
	err_bits(e, prec);
out:
	arb_clear(rb);
	arb_clear(eb);
	arb_clear(t);
}

/* The error figures of v against ref. */
void
fpv_exact_error(struct fpv_errinfo *e, const struct fpv_exact *v,
    const struct fpv_exact *ref, struct fpv_exact_dd *dd,
    const struct fpv_ctx *c, const struct fpv_format *f)
{
	int prec = fpv_format_prec(f);
	int rs;
	bool neg;

	(void)c;
	err_reset(e);
	switch (ref->kind) {
	case FPV_EXACT_NAN:
		return;
	case FPV_EXACT_LOST:
		e->settled = false;
		return;
	default:
		break;
	}
	if (v->kind == FPV_EXACT_NAN) {
		/* A NaN against a number: the figures are nan. */
		e->defined = false;
		e->fig[FPV_ERR_ABS] = e->fig[FPV_ERR_REL] =
		    e->fig[FPV_ERR_ULPS] = FPV_FIG_SPECIAL;
		err_bits_all(e, prec);
		return;
	}
	if (v->kind == FPV_EXACT_INF || ref->kind == FPV_EXACT_INF) {
		if (v->kind == FPV_EXACT_INF && ref->kind == FPV_EXACT_INF &&
		    v->neg == ref->neg) {
			err_zero(e);
			return;
		}
		e->defined = false;
		neg = v->kind == FPV_EXACT_INF ? v->neg : !ref->neg;
		mpfr_set_inf(e->err, neg ? -1 : 1);
		e->fig[FPV_ERR_ABS] = FPV_FIG_SPECIAL;
		rs = ref->kind == FPV_EXACT_INF ? 1 : fpv_exact_sign(ref);
		if (rs == 0 || rs == 2) {
			e->settled = rs == 0;
			return;
		}
		mpfr_set_inf(e->rel, neg ? -1 : 1);
		e->ulps = INFINITY;
		e->fig[FPV_ERR_REL] = e->fig[FPV_ERR_ULPS] = FPV_FIG_SPECIAL;
		err_bits_all(e, prec);
		return;
	}
	if (ref->kind == FPV_EXACT_Q && error_fast(e, v, ref, dd, f, prec))
		return;
	if (ref->kind == FPV_EXACT_Q &&
	    q_addsigned(&e->xerr, v, v->neg, ref, !ref->neg)) {
		error_q(e, ref, f, prec);
		return;
	}
	error_ball(e, v, ref, f, prec);
}
