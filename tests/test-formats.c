/*
 * The rounding of every format, against a reference written for this
 * test: an exact-rational model (GMP) of a float descriptor and of an
 * integer grid, which shares no code with the numeric core.
 *
 * The independent truth.  The reference reads only a descriptor's layout
 * fields (sign, exp_bits, frac_bits, bias, top, subnormals, zero) and
 * derives everything else itself: which codes are numbers and what
 * exact rational each one is; the largest finite number; the smallest
 * normal number.  It rounds an exact value (a rational, or the square
 * root of one) by the rules of IEEE 754 and of the documented extensions
 * (man/fpviz.1, SEMANTICS; src/num-float.c's header), implemented here
 * from their statement, with integer arithmetic only:
 *
 *   - the value is first rounded to the format's precision p = M + 1 with
 *     an unbounded exponent, in the rounding mode (nearest: ties to even;
 *     in precision 1 a tie is between 1 x 2^e and 1 x 2^(e+1) and goes to
 *     the larger magnitude, "away from zero");
 *   - above the largest finite number it overflows: IEEE gives infinity
 *     or the largest number as the mode says (nearest and the mode
 *     toward the value's infinity give infinity), the policy "nan" gives
 *     NaN where IEEE gives infinity, "saturate" the largest number always;
 *     overflow and inexact are raised;
 *   - below the smallest normal number 2^emin it is tiny (tininess after
 *     rounding): it is rounded again onto the subnormal grid, multiples
 *     of 2^(emin - M), ties to the even multiple, with underflow when
 *     inexact; without subnormals it is 0 or 2^emin (flush; nearest: more
 *     than half of 2^emin goes up, half goes to 0); without zero (E8M0)
 *     it is the smallest number 2^emin;
 *   - an exact infinity (x/0, an infinite operand) is infinity where the
 *     format has one and the policy is "inf"; otherwise the policy
 *     decides (NaN or the largest number) and overflow and inexact are
 *     raised;
 *   - an exact zero in a format without zero is NaN (invalid), or with
 *     the policy saturate, or without NaN, the smallest number (underflow,
 *     inexact); a negative nonzero value in an unsigned format is NaN
 *     (invalid); NaN in a format without NaN is -0 (an unsigned format:
 *     +0) and raises invalid;
 *   - the markers: subnormal (the result code is subnormal), absorbed
 *     (x +- y gave x or +-y although the other operand is not zero) and
 *     cancellation (an effective subtraction of nonzero numbers whose
 *     result is zero or has a lower binary exponent than the larger
 *     operand).
 *
 * The integer grid reference is q = round(v / scale) + zero_point in the
 * mode (ties to even), then saturated to [qmin, qmax] or wrapped modulo
 * 2^bits; inexact, underflow (a nonzero v rounded to q = zero point),
 * saturated and wrapped as the man page says.
 *
 * Against it, the code under test (fpv_num_decode, fpv_bits_class,
 * fpv_bits_neighbour, fpv_num_round_real from literal text, fpv_num_convert,
 * fpv_num_op, and fpv_eval_line) is checked:
 *   1. exhaustively for every format of 8 bits or fewer, built-in and
 *      user-defined: every code; every value, midpoint between neighbours
 *      and a hair either side, beyond the largest and below the smallest
 *      number, as literals (hex and decimal) and as conversions from
 *      fp64, fp32, fp16 and bf16 encodings, and every code of the
 *      built-in small formats and of itself; sqrt of every code; + - * / of all pairs of codes
 *      (formats of 8 bits, to stay within seconds: the built-in ones all
 *      pairs in nearest and random samples in the other modes, the
 *      user-defined ones random samples); in all four modes, under every
 *      overflow policy the format allows;
 *   2. bf16, tf32, fp8e5m2 and fp16 (its machine path and its
 *      emulation) on edge and random operands: + - * / sqrt fma and
 *      conversions, in all modes and policies;
 *   3. the facts of issue 9 and of the OCP and ml_dtypes tables, by name;
 *   4. integer grids of every width with several scales (one beyond
 *      32-bit fractions), zero points, saturate and wrap: literals,
 *      conversions from fp64, + - * /, and every code converted into
 *      float formats.
 * Every mismatch is shown (up to a few per check) with the operands, the
 * code's result and the reference's.  Each check was seen to fail when
 * the code under test is changed (a tie rule, the flush threshold, the
 * overflow policy, the tininess rule, a marker, the grid's rounding,
 * underflow and wrap, the fp16 machine path).
 *
 * The reference's results for one overflow policy are reused for the
 * others where the reference did not consult the policy (ref_ovf_used);
 * that saves time, not truth.  FPV_TIMING=1 prints each part's time;
 * FPV_FORMATS_FULL=1 runs all pairs of codes of the 8-bit formats in
 * every mode too (about three times as long).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmp.h>
#include <mpfr.h>

#include "fpviz/num.h"
#include "fpviz/trace.h"
#include "formats.h"
#include "tap.h"

/* Mismatches shown per check. */
#define SHOWN 6

static struct fpv_ctx ctx;

static const char *const mode_names[4] = { "nearest", "zero", "up", "down" };

/* ---- Pseudo-random numbers ------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64 with a fixed seed: the same cases on every run. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ==== The reference: a float descriptor in exact rationals ============ */

/*
 * What the reference knows of a float format: the layout fields of the
 * descriptor, copied, and what it derives from them by itself.
 */
struct ref {
	char name[FPV_NAME_MAX];
	bool sign;
	int E, M, B;		/* exponent and fraction widths, bias */
	enum fpv_top top;
	bool sub, zero;
	int bits;
	uint64_t mask, signbit;
	/* derived here */
	int emin;		/* the lowest normal binade: 2^emin */
	int emax;		/* the highest binade holding a finite number */
	uint64_t maxsig;	/* the largest significand in it, in [2^M, 2^(M+1)) */
	bool has_inf, has_nan;
	uint64_t nan;		/* the canonical NaN code */
};

/* The reference model of the float descriptor f (its layout fields only). */
static void
ref_make(struct ref *R, const struct fpv_format *f)
{
	int etop;

	memset(R, 0, sizeof *R);
	snprintf(R->name, sizeof R->name, "%s", f->name);
	R->sign = f->sign;
	R->E = f->exp_bits;
	R->M = f->frac_bits;
	R->B = f->bias;
	R->top = f->top;
	R->sub = f->subnormals;
	R->zero = f->zero;
	R->bits = (R->sign ? 1 : 0) + R->E + R->M;
	R->mask = R->bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << R->bits) - 1;
	R->signbit = R->sign ? (uint64_t)1 << (R->bits - 1) : 0;
	etop = (1 << R->E) - 1;
	/* Exponent field 0 is the subnormal binade (and zero) when the
	 * format has zero; else it is a normal binade like the others. */
	R->emin = (R->zero ? 1 : 0) - R->B;
	switch (R->top) {
	case FPV_TOP_IEEE:
		/* The all-ones field is infinity and NaN. */
		R->emax = etop - 1 - R->B;
		R->maxsig = ((uint64_t)2 << R->M) - 1;
		R->has_inf = R->has_nan = true;
		R->nan = ((uint64_t)etop << R->M) | ((uint64_t)1 << (R->M - 1));
		break;
	case FPV_TOP_FN:
		/* Only the all-ones code is NaN: with no fraction bits that is
		 * the whole top binade. */
		if (R->M == 0) {
			R->emax = etop - 1 - R->B;
			R->maxsig = 1;
		} else {
			R->emax = etop - R->B;
			R->maxsig = ((uint64_t)2 << R->M) - 2;
		}
		R->has_nan = true;
		R->nan = ((uint64_t)etop << R->M) | (((uint64_t)1 << R->M) - 1);
		break;
	case FPV_TOP_FINITE:
		R->emax = etop - R->B;
		R->maxsig = ((uint64_t)2 << R->M) - 1;
		break;
	}
}

/* A value: a number (the rational q, or its square root when root,
 * with the sign neg: zero has a sign too), an infinity or a NaN. */
enum { XNUM, XINF, XNAN };
struct xv {
	int kind;
	bool neg;
	bool snan;		/* a NaN that signals */
	bool root;		/* the magnitude is sqrt(q) */
	mpq_t q;		/* the magnitude (or its square), >= 0 */
};

static void
xv_init(struct xv *v)
{
	memset(v, 0, sizeof *v);
	mpq_init(v->q);
}

static void
xv_clear(struct xv *v)
{
	mpq_clear(v->q);
}

/* Is v a number equal to zero? */
static bool
xv_zero(const struct xv *v)
{
	return v->kind == XNUM && mpq_sgn(v->q) == 0;
}

/* q = n * 2^k. */
static void
q_set_2exp(mpq_ptr q, uint64_t n, long k)
{
	mpz_set_ui(mpq_numref(q), 0);
	mpz_import(mpq_numref(q), 1, 1, sizeof n, 0, 0, &n);
	mpz_set_ui(mpq_denref(q), 1);
	if (k >= 0)
		mpq_mul_2exp(q, q, (mp_bitcnt_t)k);
	else
		mpq_div_2exp(q, q, (mp_bitcnt_t)-k);
}

/* The classes the reference gives codes (as enum fpv_class). */
static enum fpv_class
ref_class(const struct ref *R, uint64_t c)
{
	uint64_t etop = ((uint64_t)1 << R->E) - 1, fall = ((uint64_t)1 << R->M) - 1;
	uint64_t e = (c >> R->M) & etop, m = c & fall;

	if (R->top == FPV_TOP_IEEE && e == etop) {
		if (m == 0)
			return FPV_CLASS_INF;
		/* The quiet bit is the fraction's top bit. */
		return (m >> (R->M - 1)) & 1 ? FPV_CLASS_QNAN : FPV_CLASS_SNAN;
	}
	if (R->top == FPV_TOP_FN && e == etop && m == fall)
		return FPV_CLASS_QNAN;
	if (R->zero && e == 0) {
		/* Without subnormals, a nonzero fraction in field 0 is a zero
		 * as well (nothing else could be meant). */
		if (m == 0 || !R->sub)
			return FPV_CLASS_ZERO;
		return FPV_CLASS_SUBNORMAL;
	}
	return FPV_CLASS_NORMAL;
}

/* Decode code c by the reference: the exact value. */
static void
ref_decode(const struct ref *R, uint64_t c, struct xv *v)
{
	uint64_t e, m;

	c &= R->mask;
	e = (c >> R->M) & (((uint64_t)1 << R->E) - 1);
	m = c & (((uint64_t)1 << R->M) - 1);
	v->neg = R->sign && (c & R->signbit) != 0;
	v->root = false;
	v->snan = false;
	switch (ref_class(R, c)) {
	case FPV_CLASS_INF:
		v->kind = XINF;
		return;
	case FPV_CLASS_SNAN:
		v->snan = true;
		/* FALLTHROUGH */
	case FPV_CLASS_QNAN:
		v->kind = XNAN;
		return;
	case FPV_CLASS_ZERO:
		v->kind = XNUM;
		mpq_set_ui(v->q, 0, 1);
		return;
	case FPV_CLASS_SUBNORMAL:
		/* m units of the subnormal spacing 2^(emin - M) */
		v->kind = XNUM;
		q_set_2exp(v->q, m, (long)R->emin - R->M);
		return;
	default:
		/* 1.m x 2^(e - B) */
		v->kind = XNUM;
		q_set_2exp(v->q, m | ((uint64_t)1 << R->M),
		    (long)e - R->B - R->M);
		return;
	}
}

/* Scratch integers of the rounding (initialized in main). */
static mpz_t tL, tR, tT, tN;

/*
 * n = floor(|x| * 2^s) (|x| = q or sqrt(q)); *cmp is the sign of
 * (fraction - 1/2) and *inex whether the fraction is nonzero.
 * For a square root: floor(sqrt(t)) = isqrt(floor(t)) for a rational
 * t >= 0, exactness is n^2 == t, and sqrt(t) vs n + 1/2 is 4t vs (2n+1)^2.
 */
static void
scaled_floor(const struct xv *x, long s, mpz_ptr n, int *cmp, bool *inex)
{
	long sh = x->root ? 2 * s : s;
	int c;

	if (!x->root && mpz_popcount(mpq_denref(x->q)) == 1) {
		/* A dyadic q = N / 2^d: shifts, no division. */
		mpz_srcptr N = mpq_numref(x->q);
		long t = s - (long)(mpz_sizeinbase(mpq_denref(x->q), 2) - 1);

		if (t >= 0 || mpz_sgn(N) == 0) {
			mpz_mul_2exp(n, N, (mp_bitcnt_t)(t > 0 ? t : 0));
			*cmp = -1;
			*inex = false;
		} else {
			/* the dropped bits: the half bit N_(-t-1) and the
			 * bits below it */
			mp_bitcnt_t low = mpz_scan1(N, 0);

			mpz_fdiv_q_2exp(n, N, (mp_bitcnt_t)-t);
			*inex = low < (mp_bitcnt_t)-t;
			*cmp = !mpz_tstbit(N, (mp_bitcnt_t)(-t - 1)) ? -1 :
			    low < (mp_bitcnt_t)(-t - 1) ? 1 : 0;
		}
		return;
	}
	mpz_set(tL, mpq_numref(x->q));
	mpz_set(tR, mpq_denref(x->q));
	if (sh >= 0)
		mpz_mul_2exp(tL, tL, (mp_bitcnt_t)sh);
	else
		mpz_mul_2exp(tR, tR, (mp_bitcnt_t)-sh);
	if (!x->root) {
		mpz_fdiv_qr(n, tT, tL, tR);
		*inex = mpz_sgn(tT) != 0;
		mpz_mul_2exp(tT, tT, 1);
		c = mpz_cmp(tT, tR);
	} else {
		mpz_fdiv_q(tT, tL, tR);
		mpz_sqrt(n, tT);
		mpz_mul(tT, n, n);
		mpz_mul(tT, tT, tR);
		*inex = mpz_cmp(tT, tL) != 0;
		mpz_mul_2exp(tT, n, 1);
		mpz_add_ui(tT, tT, 1);
		mpz_mul(tT, tT, tT);
		mpz_mul(tT, tT, tR);
		mpz_mul_2exp(tL, tL, 2);
		c = mpz_cmp(tL, tT);
	}
	*cmp = c > 0 ? 1 : c < 0 ? -1 : 0;
}

/* floor(log2 |x|) of a nonzero number x. */
static long
ref_ilogb(const struct xv *x)
{
	long g = (long)mpz_sizeinbase(mpq_numref(x->q), 2) -
	    (long)mpz_sizeinbase(mpq_denref(x->q), 2);
	int cmp;
	bool inex;

	if (x->root)
		g = g >= 0 ? g / 2 : -((-g + 1) / 2);
	/* 2^g <= |x| < 2^(g+1) iff floor(|x| / 2^g) == 1. */
	for (;;) {
		scaled_floor(x, -g, tN, &cmp, &inex);
		if (mpz_sgn(tN) == 0)
			g--;
		else if (mpz_cmp_ui(tN, 1) > 0)
			g += (long)mpz_sizeinbase(tN, 2) - 1;
		else
			return g;
	}
}

/* Does mode rnd move the magnitude up, for a value of sign neg whose
 * kept integer is odd or not, whose dropped fraction compares with 1/2
 * as cmp, and which is inexact?  away: a tie goes up. */
static bool
mag_up(enum fpv_round rnd, bool neg, bool odd, int cmp, bool inex, bool away)
{
	if (!inex)
		return false;
	switch (rnd) {
	case FPV_RND_NEAREST:
		return cmp > 0 || (cmp == 0 && (away || odd));
	case FPV_RND_UP:
		return !neg;
	case FPV_RND_DOWN:
		return neg;
	default:
		return false;
	}
}

/* The code of the largest finite number with sign neg. */
static uint64_t
ref_max_code(const struct ref *R, bool neg)
{
	return (neg ? R->signbit : 0) |
	    ((uint64_t)(R->emax + R->B) << R->M) |
	    (R->maxsig - ((uint64_t)1 << R->M));
}

/* The infinity code with sign neg. */
static uint64_t
ref_inf_code(const struct ref *R, bool neg)
{
	return (neg ? R->signbit : 0) |
	    ((((uint64_t)1 << R->E) - 1) << R->M);
}

/* What an operation without a number gives: NaN, or -0 without NaN. */
static uint64_t
ref_nan(const struct ref *R, unsigned *fl)
{
	if (R->has_nan)
		return R->nan;
	*fl |= FPV_FLAG_INVALID;
	return R->signbit;
}

/* Set when ref_round's result depended on its overflow policy (the
 * tests then know that under another policy the result is the same
 * unless this was set). */
static bool ref_ovf_used;

/* The code and flags of the exact value x rounded into R in mode rnd
 * under overflow policy ovf (the flags the operation itself raises,
 * invalid and divbyzero, are the caller's). */
static uint64_t
ref_round(const struct ref *R, enum fpv_overflow ovf, enum fpv_round rnd,
    const struct xv *x, unsigned *fl)
{
	bool neg = x->neg, inex, up;
	uint64_t sgn, n64;
	long e;
	int cmp;

	if (x->kind == XNAN)
		return ref_nan(R, fl);
	if (neg && !R->sign) {
		if (xv_zero(x))
			neg = false;	/* -0 is +0 */
		else {
			*fl |= FPV_FLAG_INVALID;
			return ref_nan(R, fl);
		}
	}
	sgn = neg ? R->signbit : 0;
	if (x->kind == XINF) {
		ref_ovf_used = true;
		if (R->has_inf && ovf == FPV_OVF_INF)
			return ref_inf_code(R, neg);
		*fl |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		return ovf == FPV_OVF_NAN ? R->nan : ref_max_code(R, neg);
	}
	if (xv_zero(x)) {
		if (R->zero)
			return sgn;
		ref_ovf_used = true;
		if (ovf == FPV_OVF_SATURATE || !R->has_nan) {
			*fl |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
			return sgn;	/* the smallest number, code 0 */
		}
		*fl |= FPV_FLAG_INVALID;
		return R->nan;
	}
	/* Round to p = M + 1 bits with an unbounded exponent:
	 * |x| / 2^(e - M) is in [2^M, 2^(M+1)). */
	e = ref_ilogb(x);
	scaled_floor(x, R->M - e, tN, &cmp, &inex);
	up = mag_up(rnd, neg, mpz_odd_p(tN), cmp, inex, R->M == 0);
	if (up)
		mpz_add_ui(tN, tN, 1);
	if (mpz_sizeinbase(tN, 2) > (size_t)R->M + 1) {
		mpz_fdiv_q_2exp(tN, tN, 1);	/* 2^(M+1): the next binade */
		e++;
	}
	n64 = mpz_get_ui(tN);
	if (e > R->emax || (e == R->emax && n64 > R->maxsig)) {
		bool to_inf = rnd == FPV_RND_NEAREST ||
		    (rnd == FPV_RND_UP && !neg) || (rnd == FPV_RND_DOWN && neg);

		ref_ovf_used = true;
		*fl |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		if (to_inf && ovf == FPV_OVF_INF)
			return ref_inf_code(R, neg);
		if (to_inf && ovf == FPV_OVF_NAN)
			return R->nan;
		return ref_max_code(R, neg);
	}
	if (e >= R->emin) {
		if (inex)
			*fl |= FPV_FLAG_INEXACT;
		return sgn | ((uint64_t)(e + R->B) << R->M) |
		    (n64 - ((uint64_t)1 << R->M));
	}
	/* Tiny: inexact and underflow, unless exact on the subnormal grid. */
	if (!R->zero) {
		*fl |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
		return sgn;		/* the smallest number, 2^emin */
	}
	if (!R->sub) {
		*fl |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
		/* 0 or 2^emin: nearest compares |x| with 2^(emin - 1). */
		if (rnd == FPV_RND_NEAREST) {
			scaled_floor(x, -R->emin, tN, &cmp, &inex);
			up = cmp > 0;
		} else {
			up = mag_up(rnd, neg, false, 0, true, false);
		}
		return sgn | (up ? (uint64_t)1 << R->M : 0);
	}
	/* The subnormal grid: k units of 2^(emin - M), ties to even k; k may
	 * reach 2^M, the smallest normal number, whose code is k too. */
	scaled_floor(x, R->M - R->emin, tN, &cmp, &inex);
	if (mag_up(rnd, neg, mpz_odd_p(tN), cmp, inex, false))
		mpz_add_ui(tN, tN, 1);
	if (inex)
		*fl |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
	n64 = mpz_get_ui(tN);
	if (n64 != 0 && n64 < ((uint64_t)1 << R->M))
		*fl |= FPV_FLAG_SUBNORMAL;
	return sgn | n64;
}

/* ---- Operations in the reference -------------------------------------- */

static struct xv xa[3], xr, xt;
static mpq_t qa, qb;

/* The values of every code of one small format, decoded once. */
static const struct ref *decoded_R;
static struct xv *decoded;

/* Decode every code of R once (R of at most 16 bits), or forget (NULL). */
static void
ref_decode_all(const struct ref *R)
{
	static size_t n;

	for (size_t i = 0; i < n; i++)
		xv_clear(&decoded[i]);
	free(decoded);
	decoded = NULL;
	decoded_R = NULL;
	n = 0;
	if (R == NULL)
		return;
	n = (size_t)1 << R->bits;
	if ((decoded = malloc(n * sizeof *decoded)) == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		xv_init(&decoded[i]);
		ref_decode(R, i, &decoded[i]);
	}
	decoded_R = R;
}

/* The signed value of x (a number) into q. */
static void
signed_q(mpq_ptr q, const struct xv *x)
{
	mpq_set(q, x->q);
	if (x->neg)
		mpq_neg(q, q);
}

/* xr = the signed rational q (zero gets the sign zneg). */
static void
set_result_q(mpq_srcptr q, bool zneg)
{
	xr.kind = XNUM;
	xr.root = false;
	xr.snan = false;
	mpq_abs(xr.q, q);
	xr.neg = mpq_sgn(q) < 0 || (mpq_sgn(q) == 0 && zneg);
}

/* xr = an infinity of sign neg. */
static void
set_result_inf(bool neg)
{
	xr.kind = XINF;
	xr.neg = neg;
	xr.root = false;
}

/* Are a and b (numbers) equal as values (+0 == -0)? */
static bool
xv_equal(const struct xv *a, bool aneg, const struct xv *b, bool bneg)
{
	if (a->kind != XNUM || b->kind != XNUM || a->root || b->root)
		return false;
	if (mpq_sgn(a->q) == 0 || mpq_sgn(b->q) == 0)
		return mpq_sgn(a->q) == 0 && mpq_sgn(b->q) == 0;
	return aneg == bneg && mpq_equal(a->q, b->q);
}

/*
 * The reference's result of op (ADD SUB MUL DIV SQRT FMA) on the codes
 * args of R: IEEE 754's special cases, then the exact result rounded once.
 */
static uint64_t
ref_op(const struct ref *R, enum fpv_overflow ovf, enum fpv_round rnd,
    int op, const uint64_t *args, unsigned *fl)
{
	int n = op == FPV_OP_SQRT ? 1 : op == FPV_OP_FMA ? 3 : 2;
	bool nan = false, snan = false, bneg = false;
	const struct xv *x[3] = { &xa[0], &xa[1], &xa[2] };
	const struct xv *a = x[0], *b = x[1], *c = x[2];
	uint64_t r;

	for (int i = 0; i < n; i++) {
		if (R == decoded_R) {
			x[i] = &decoded[args[i] & R->mask];
		} else {
			ref_decode(R, args[i], &xa[i]);
			x[i] = &xa[i];
		}
		nan |= x[i]->kind == XNAN;
		snan |= x[i]->snan;
	}
	a = x[0];
	b = x[1];
	c = x[2];
	if (snan) {
		*fl |= FPV_FLAG_INVALID;
		return ref_nan(R, fl);
	}
	if (nan)
		return ref_nan(R, fl);	/* quiet NaN in, quiet NaN out */
	switch (op) {
	case FPV_OP_ADD: case FPV_OP_SUB:
		bneg = b->neg != (op == FPV_OP_SUB);
		if (a->kind == XINF || b->kind == XINF) {
			if (a->kind == XINF && b->kind == XINF && a->neg != bneg)
				goto invalid;		/* inf - inf */
			set_result_inf(a->kind == XINF ? a->neg : bneg);
			break;
		}
		signed_q(qa, a);
		mpq_set(qb, b->q);
		if (bneg)
			mpq_neg(qb, qb);
		mpq_add(qa, qa, qb);
		/* An exact zero sum is +0 (-0 rounding down), unless both
		 * operands are zeros of one sign. */
		set_result_q(qa, xv_zero(a) && xv_zero(b) && a->neg == bneg ?
		    a->neg : rnd == FPV_RND_DOWN);
		break;
	case FPV_OP_MUL:
		if ((a->kind == XINF && xv_zero(b)) ||
		    (xv_zero(a) && b->kind == XINF))
			goto invalid;
		if (a->kind == XINF || b->kind == XINF) {
			set_result_inf(a->neg != b->neg);
			break;
		}
		mpq_mul(qa, a->q, b->q);
		set_result_q(qa, false);
		xr.neg = a->neg != b->neg;
		break;
	case FPV_OP_DIV:
		if ((a->kind == XINF && b->kind == XINF) ||
		    (xv_zero(a) && xv_zero(b)))
			goto invalid;
		if (a->kind == XINF) {
			set_result_inf(a->neg != b->neg);
			break;
		}
		if (b->kind == XINF) {
			mpq_set_ui(qa, 0, 1);
			set_result_q(qa, a->neg != b->neg);
			break;
		}
		if (xv_zero(b)) {
			*fl |= FPV_FLAG_DIVBYZERO;
			set_result_inf(a->neg != b->neg);
			break;
		}
		mpq_div(qa, a->q, b->q);
		set_result_q(qa, false);
		xr.neg = a->neg != b->neg;
		break;
	case FPV_OP_SQRT:
		if (xv_zero(a)) {
			set_result_q(a->q, a->neg);	/* sqrt(-0) = -0 */
			break;
		}
		if (a->neg)
			goto invalid;
		if (a->kind == XINF) {
			set_result_inf(false);
			break;
		}
		set_result_q(a->q, false);
		xr.root = true;
		break;
	case FPV_OP_FMA: {
		bool pneg = a->neg != b->neg;

		if ((a->kind == XINF && xv_zero(b)) ||
		    (xv_zero(a) && b->kind == XINF))
			goto invalid;
		if (a->kind == XINF || b->kind == XINF) {
			if (c->kind == XINF && c->neg != pneg)
				goto invalid;
			set_result_inf(pneg);
			break;
		}
		if (c->kind == XINF) {
			set_result_inf(c->neg);
			break;
		}
		mpq_mul(qa, a->q, b->q);
		if (pneg)
			mpq_neg(qa, qa);
		signed_q(qb, c);
		mpq_add(qb, qa, qb);
		set_result_q(qb, mpq_sgn(qa) == 0 && xv_zero(c) && pneg == c->neg ?
		    pneg : rnd == FPV_RND_DOWN);
		break;
	}
	default:
		abort();
	}
	r = ref_round(R, ovf, rnd, &xr, fl);
	if ((op == FPV_OP_ADD || op == FPV_OP_SUB) && a->kind == XNUM &&
	    b->kind == XNUM) {
		ref_decode(R, r, &xt);
		if (xt.kind == XNUM) {
			/* absorbed: one operand vanished into the other */
			if ((!xv_zero(b) && xv_equal(&xt, xt.neg, a, a->neg)) ||
			    (!xv_zero(a) && xv_equal(&xt, xt.neg, b, bneg)))
				*fl |= FPV_FLAG_ABSORBED;
			/* cancellation: the result's binade fell */
			if (!xv_zero(a) && !xv_zero(b) && a->neg != bneg) {
				long ea = ref_ilogb(a), eb = ref_ilogb(b);

				if (xv_zero(&xt) ||
				    ref_ilogb(&xt) < (ea > eb ? ea : eb))
					*fl |= FPV_FLAG_CANCELLATION;
			}
		}
	}
	return r;
invalid:
	*fl |= FPV_FLAG_INVALID;
	return ref_nan(R, fl);
}

/* The reference's conversion of code c of S into R. */
static uint64_t
ref_convert(const struct ref *R, enum fpv_overflow ovf, enum fpv_round rnd,
    const struct ref *S, uint64_t c, unsigned *fl)
{
	ref_decode(S, c, &xt);
	if (xt.kind == XNAN) {
		if (xt.snan)
			*fl |= FPV_FLAG_INVALID;
		return ref_nan(R, fl);
	}
	return ref_round(R, ovf, rnd, &xt, fl);
}

/* ==== Checks: counting cases, showing mismatches ====================== */

struct chk {
	char what[160];
	long n, bad;
};

static void
chk_start(struct chk *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
chk_start(struct chk *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->what, sizeof c->what, fmt, ap);
	va_end(ap);
	c->n = c->bad = 0;
}

/* Count a mismatch; show the first few. */
static void
chk_bad(struct chk *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
chk_bad(struct chk *c, const char *fmt, ...)
{
	va_list ap;
	char buf[600];

	if (c->bad++ >= SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	diag("%s: %s", c->what, buf);
}

static void
chk_done(struct chk *c)
{
	if (c->bad == 0)
		ok(c->n > 0, "%s (%ld cases)", c->what, c->n);
	else
		ok(0, "%s: %ld of %ld cases differ", c->what, c->bad, c->n);
}

/* A formatted string on the heap. */
static char *
xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		abort();
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Flags as words, for messages. */
static const char *
flag_words(unsigned fl)
{
	static char buf[4][160];
	static int k;
	char *p = buf[k = (k + 1) % 4];
	size_t n = 0;

	p[0] = '\0';
	for (int i = 0; i < FPV_FLAG_COUNT; i++)
		if (fl & (1u << i))
			n += (size_t)snprintf(p + n, sizeof buf[0] - n, "%s%s",
			    n ? "," : "", fpv_flag_names[i]);
	if (n == 0)
		snprintf(p, sizeof buf[0], "-");
	return p;
}

/* ==== Test values ======================================================= */

/* A value to round: the rational |x| and the sign. */
struct tval {
	mpq_t q;
	bool neg;
};

struct tvals {
	struct tval *v;
	size_t n, cap;
};

/* Add q with sign neg to t. */
static void
tv_add1(struct tvals *t, mpq_srcptr q, bool neg)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
		if (t->v == NULL)
			abort();
	}
	mpq_init(t->v[t->n].q);
	mpq_abs(t->v[t->n].q, q);
	t->v[t->n].neg = neg;
	t->n++;
}

/* Add +q and -q. */
static void
tv_add(struct tvals *t, mpq_srcptr q)
{
	tv_add1(t, q, false);
	tv_add1(t, q, true);
}

static void
tv_free(struct tvals *t)
{
	for (size_t i = 0; i < t->n; i++)
		mpq_clear(t->v[i].q);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

/* The double holding q exactly, if there is one. */
static bool
q_to_double(mpq_srcptr q, double *d)
{
	mpq_t back;
	bool exact;

	*d = mpq_get_d(q);		/* truncated */
	if (!isfinite(*d))
		return false;
	mpq_init(back);
	mpq_set_d(back, *d);
	exact = mpq_equal(back, q) != 0;
	mpq_clear(back);
	return exact;
}

/* q * (1 + sgn * 2^-k) and q * (1 + sgn * 10^-k), added with both signs. */
static void
tv_add_hairs(struct tvals *t, mpq_srcptr q, int k2, int k10)
{
	mpq_t h, x;

	mpq_inits(h, x, (mpq_ptr)0);
	for (int s = -1; s <= 1; s += 2) {
		mpq_set_si(h, s, 1);
		mpq_div_2exp(h, h, (mp_bitcnt_t)k2);
		mpq_set_ui(x, 1, 1);
		mpq_add(h, h, x);
		mpq_mul(x, q, h);
		tv_add(t, x);
		if (k10 > 0) {
			mpz_ui_pow_ui(mpq_denref(h), 10, (unsigned long)k10);
			mpz_set_si(mpq_numref(h), s);
			mpq_canonicalize(h);
			mpq_set_ui(x, 1, 1);
			mpq_add(h, h, x);
			mpq_mul(x, q, h);
			tv_add(t, x);
		}
	}
	mpq_clears(h, x, (mpq_ptr)0);
}

/* The fp64 and fp32 neighbours of q (if q is a double, or a float). */
static void
tv_add_machine_neighbours(struct tvals *t, mpq_srcptr q)
{
	double d;
	mpq_t x;

	if (!q_to_double(q, &d))
		return;
	mpq_init(x);
	for (int s = -1; s <= 1; s += 2) {
		double n = nextafter(d, s * INFINITY);

		if (isfinite(n) && n > 0) {
			mpq_set_d(x, n);
			tv_add(t, x);
		}
		if ((double)(float)d == d && isfinite((float)d)) {
			float f = nextafterf((float)d, s * INFINITY);

			if (isfinite(f) && f > 0) {
				mpq_set_d(x, f);
				tv_add(t, x);
			}
		}
	}
	mpq_clear(x);
}

static int
cmp_mpq(const void *a, const void *b)
{
	return mpq_cmp(*(mpq_t *)a, *(mpq_t *)b);
}

/*
 * The nonnegative finite values of R, sorted and distinct, into *vals
 * (n of them; the caller clears them).
 */
static size_t
ref_values(const struct ref *R, mpq_t **vals)
{
	size_t ncodes = (size_t)1 << R->bits, n = 0;
	struct xv v;
	mpq_t *a = malloc(ncodes * sizeof *a);

	if (a == NULL)
		abort();
	xv_init(&v);
	for (size_t c = 0; c < ncodes; c++) {
		ref_decode(R, c, &v);
		if (v.kind != XNUM || v.neg)
			continue;
		mpq_init(a[n]);
		mpq_set(a[n], v.q);
		n++;
	}
	xv_clear(&v);
	qsort(a, n, sizeof *a, cmp_mpq);
	/* distinct */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && mpq_equal(a[k - 1], a[i])) {
			mpq_clear(a[i]);
			continue;
		}
		if (k != i) {
			mpq_init(a[k]);
			mpq_swap(a[k], a[i]);
			mpq_clear(a[i]);
		}
		k++;
	}
	*vals = a;
	return k;
}

/*
 * The values a small format is checked on: every value, every midpoint
 * between neighbours, a hair (2^-200 and 10^-40 relative, and the fp64
 * and fp32 neighbours) either side of each; around the overflow
 * threshold (half-way from the largest number to the next number of the
 * unbounded exponent range) and beyond; below the smallest positive
 * number; all with both signs.
 */
static void
small_values(const struct ref *R, struct tvals *t)
{
	mpq_t *v, m, u;
	size_t n = ref_values(R, &v);

	mpq_inits(m, u, (mpq_ptr)0);
	for (size_t i = 0; i < n; i++) {
		tv_add(t, v[i]);
		if (mpq_sgn(v[i]) == 0)
			continue;
		tv_add_hairs(t, v[i], 200, 40);
		tv_add_machine_neighbours(t, v[i]);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		mpq_add(m, v[i], v[i + 1]);
		mpq_div_2exp(m, m, 1);
		tv_add(t, m);
		tv_add_hairs(t, m, 200, 40);
		tv_add_machine_neighbours(t, m);
	}
	/* The top: U = the next number beyond the largest with an unbounded
	 * exponent; the midpoint is the overflow threshold in nearest. */
	q_set_2exp(u, R->maxsig + 1, (long)R->emax - R->M);
	mpq_add(m, v[n - 1], u);
	mpq_div_2exp(m, m, 1);
	tv_add(t, m);
	tv_add_hairs(t, m, 200, 40);
	tv_add_machine_neighbours(t, m);
	tv_add(t, u);
	tv_add_hairs(t, u, 200, 0);
	mpq_mul_2exp(m, u, 1);
	tv_add(t, m);
	mpq_mul_2exp(m, u, 40);
	tv_add(t, m);
	/* The bottom: s, the smallest positive number. */
	{
		mpq_srcptr s = mpq_sgn(v[0]) == 0 ? v[1] : v[0];

		mpq_div_2exp(m, s, 1);
		tv_add(t, m);
		tv_add_hairs(t, m, 200, 40);
		mpq_div_2exp(m, s, 2);
		tv_add(t, m);
		mpz_mul_ui(mpq_numref(m), mpq_numref(m), 3);	/* 3s/4 */
		mpq_canonicalize(m);
		tv_add(t, m);
		tv_add_hairs(t, m, 200, 0);
		mpq_div_2exp(m, s, 40);
		tv_add(t, m);
	}
	for (size_t i = 0; i < n; i++)
		mpq_clear(v[i]);
	free(v);
	mpq_clears(m, u, (mpq_ptr)0);
}

/* ---- Literal text of a value ---------------------------------------- */

/* Hex float text of the dyadic q: "0x<N in hex>p-<k>"; false if q is
 * not dyadic. */
static bool
hex_text(mpq_srcptr q, char **out)
{
	mpz_srcptr den = mpq_denref(q);
	size_t k = mpz_sizeinbase(den, 2) - 1;
	char *digits;

	if (mpz_popcount(den) != 1)
		return false;
	digits = mpz_get_str(NULL, 16, mpq_numref(q));
	*out = xprintf("0x%sp-%zu", digits, k);
	free(digits);
	return true;
}

/* Decimal text of q (whose denominator is 2^a 5^b): positional when
 * short, else "<digits>e-<K>"; false if q has no finite decimal. */
static bool
dec_text(mpq_srcptr q, char **out)
{
	mpz_t d, p;
	size_t a, b, K;
	char *digits;

	mpz_inits(d, p, (mpz_ptr)0);
	mpz_set(d, mpq_denref(q));
	a = mpz_scan1(d, 0);
	mpz_fdiv_q_2exp(d, d, a);
	mpz_set_ui(p, 5);
	b = mpz_remove(d, d, p);
	if (mpz_cmp_ui(d, 1) != 0) {
		mpz_clears(d, p, (mpz_ptr)0);
		return false;
	}
	K = a > b ? a : b;
	/* digits = q * 10^K */
	mpz_ui_pow_ui(p, 10, K);
	mpz_mul(d, mpq_numref(q), p);
	mpz_divexact(d, d, mpq_denref(q));
	digits = mpz_get_str(NULL, 10, d);
	if (K == 0) {
		*out = digits;
	} else if (K <= 24) {
		size_t len = strlen(digits);
		char *s = malloc(len + K + 3), *w = s;

		if (s == NULL)
			abort();
		if (len <= K) {
			*w++ = '0';
			*w++ = '.';
			for (size_t i = len; i < K; i++)
				*w++ = '0';
			memcpy(w, digits, len + 1);
		} else {
			memcpy(w, digits, len - K);
			w += len - K;
			*w++ = '.';
			memcpy(w, digits + len - K, K + 1);
		}
		free(digits);
		*out = s;
	} else {
		*out = xprintf("%se-%zu", digits, K);
		free(digits);
	}
	mpz_clears(d, p, (mpz_ptr)0);
	return true;
}

/* ==== The code under test ================================================ */

/* fpv_num_op in mode rnd. */
static uint64_t
cut_op(const struct fpv_format *f, enum fpv_round rnd, int op,
    const uint64_t *args, unsigned *fl)
{
	ctx.round = rnd;
	*fl = 0;
	return fpv_num_op(&ctx, f, (enum fpv_op)op, args, fl);
}

/* fpv_num_convert in mode rnd. */
static uint64_t
cut_convert(const struct fpv_format *to, const struct fpv_format *from,
    uint64_t b, enum fpv_round rnd, unsigned *fl)
{
	ctx.round = rnd;
	*fl = 0;
	return fpv_num_convert(&ctx, to, from, b, fl);
}

/* A literal as the evaluator makes one: its text read once (rounded to
 * odd), negated for a negative literal. */
struct lit {
	bool have;
	char *text;
	mpfr_t x;
	struct fpv_real r;
};

static void
lit_make(struct lit *L, char *text, bool neg)
{
	L->have = true;
	L->text = text;
	mpfr_init2(L->x, FPV_EXACT_PREC);
	fpv_real_parse(&L->r, L->x, text, strlen(text));
	if (neg) {
		mpfr_neg(L->x, L->x, MPFR_RNDN);
		L->r.negative = true;
	}
}

static void
lit_clear(struct lit *L)
{
	if (!L->have)
		return;
	mpfr_clear(L->x);
	free(L->text);
	L->have = false;
}

/* fpv_num_round_real of the literal in mode rnd. */
static uint64_t
cut_round(const struct fpv_format *f, const struct lit *L, enum fpv_round rnd,
    unsigned *fl)
{
	ctx.round = rnd;
	*fl = 0;
	return fpv_num_round_real(&ctx, f, &L->r, fl);
}

/* ==== 1. Small formats, exhaustively ====================================== */

/* A float format under test, with each overflow policy it allows. */
struct fut {
	const char *label;	/* the table name or the spec */
	bool builtin;
	struct fpv_format f;	/* as the table or the spec made it */
	struct ref R;
	int npol;
	enum fpv_overflow pol[3];
	struct fpv_format g[3];	/* f with policy pol[k] */
};

/* The formats the other formats' values are converted from. */
static const struct fpv_format *src_fp64, *src_fp32, *src_fp16, *src_bf16;
static struct ref ref_fp64, ref_fp32, ref_fp16, ref_bf16;

/*
 * Set up F from a built-in name or a spec; check the policies it allows
 * and its derived fields against the reference.  false if it cannot be
 * made (a failed test).
 */
static bool
fut_make(struct fut *F, const char *label, const char *spec)
{
	const char *why = NULL;

	memset(F, 0, sizeof *F);
	F->label = label;
	F->builtin = spec == NULL;
	if (spec == NULL) {
		const struct fpv_format *b = FMTN(label);

		if (!ok(b != NULL, "%s is a built-in format", label))
			return false;
		F->f = *b;
	} else {
		char msg[200];
		size_t off;

		if (!ok(fpv_format_parse_spec(spec, strlen(spec), &F->f, msg,
		    sizeof msg, &off) == 0, "--format spec %s is accepted", spec)) {
			diag("%s at %zu", msg, off);
			return false;
		}
		snprintf(F->f.name, sizeof F->f.name, "u%zu", strlen(spec));
	}
	ref_make(&F->R, &F->f);
	/* The policies: inf needs an infinity, nan a NaN; saturate always.
	 * The natural one: inf, else nan, else saturate. */
	{
		bool want[3] = { F->R.has_inf, F->R.has_nan, true }, same = true;
		enum fpv_overflow natural = F->R.has_inf ? FPV_OVF_INF :
		    F->R.has_nan ? FPV_OVF_NAN : FPV_OVF_SATURATE;

		for (int k = 0; k < 3; k++) {
			same &= fpv_format_overflow_ok(&F->f, (enum fpv_overflow)k) ==
			    want[k];
			if (want[k])
				F->pol[F->npol++] = (enum fpv_overflow)k;
		}
		same &= !fpv_format_overflow_ok(&F->f, FPV_OVF_WRAP);
		ok(same && F->f.overflow == natural &&
		    fpv_format_default_overflow(&F->f) == natural,
		    "%s: the overflow policies it allows, %s by default", label,
		    fpv_overflow_names[natural]);
	}
	for (int k = 0; k < F->npol; k++) {
		F->g[k] = F->f;
		F->g[k].overflow = F->pol[k];
		if (fpv_format_derive(&F->g[k], &why) != 0 ||
		    F->g[k].overflow != F->pol[k]) {
			ok(0, "%s: overflow %s can be set (%s)", label,
			    fpv_overflow_names[F->pol[k]], why ? why : "");
			return false;
		}
	}
	{
		const struct fpv_format *g = &F->g[0];
		const struct ref *R = &F->R;

		if (!ok(g->bits == R->bits && g->prec == R->M + 1 &&
		    g->emin == R->emin && g->emax == R->emax &&
		    g->max_code == ref_max_code(R, false) &&
		    g->has_inf == R->has_inf && g->has_nan == R->has_nan &&
		    g->qnan == (R->has_nan ? R->nan : 0),
		    "%s: derived fields (%d bits, emin %d, emax %d, max 0x%llx, "
		    "NaN 0x%llx)", label, R->bits, R->emin, R->emax,
		    (unsigned long long)ref_max_code(R, false),
		    (unsigned long long)R->nan))
			diag("code: %d bits, prec %d, emin %d, emax %d, max 0x%llx, "
			    "inf %d nan %d qnan 0x%llx", g->bits, g->prec, g->emin,
			    g->emax, (unsigned long long)g->max_code, g->has_inf,
			    g->has_nan, (unsigned long long)g->qnan);
	}
	return true;
}

/* The policy's name, for messages. */
static const char *
pol_name(const struct fut *F, int k)
{
	return fpv_overflow_names[F->pol[k]];
}

/* Compare two values (numbers or infinities; zeros equal): <0, 0, >0. */
static int
xv_cmp(const struct xv *a, const struct xv *b)
{
	int sa, sb;

	if (a->kind == XINF || b->kind == XINF) {
		sa = a->kind == XINF ? (a->neg ? -2 : 2) : 0;
		sb = b->kind == XINF ? (b->neg ? -2 : 2) : 0;
		if (sa != 0 && sb != 0)
			return sa - sb;
		if (sa != 0)
			return sa;
		return -sb;
	}
	signed_q(qa, a);
	signed_q(qb, b);
	return mpq_cmp(qa, qb);
}

/* Every code: decode, class and neighbours against the reference. */
static void
check_codes(const struct fut *F)
{
	const struct ref *R = &F->R;
	const struct fpv_format *g = &F->g[0];
	size_t ncodes = (size_t)1 << R->bits;
	struct xv *v = malloc(ncodes * sizeof *v);
	struct chk cd, cc, cn;
	mpfr_t x;
	mpq_t got;

	if (v == NULL)
		abort();
	mpfr_init2(x, 64);
	mpq_init(got);
	chk_start(&cd, "%s: every code decodes to its exact value", F->label);
	chk_start(&cc, "%s: fpv_bits_class of every code", F->label);
	chk_start(&cn, "%s: fpv_bits_neighbour of every code, both ways",
	    F->label);
	for (size_t c = 0; c < ncodes; c++) {
		xv_init(&v[c]);
		ref_decode(R, c, &v[c]);
	}
	for (size_t c = 0; c < ncodes; c++) {
		const struct xv *w = &v[c];
		bool good;

		cd.n++;
		fpv_num_decode(&ctx, g, c, x);
		switch (w->kind) {
		case XNAN:
			good = mpfr_nan_p(x);
			break;
		case XINF:
			good = mpfr_inf_p(x) && (mpfr_signbit(x) != 0) == w->neg;
			break;
		default:
			good = mpfr_number_p(x) &&
			    (mpfr_signbit(x) != 0) == w->neg;
			if (good) {
				mpfr_get_q(got, x);
				mpq_abs(got, got);
				good = mpq_equal(got, w->q);
			}
			break;
		}
		if (!good)
			chk_bad(&cd, "code 0x%zx decodes to %s, reference %s%.17g",
			    c, mpfr_get_str(NULL, NULL, 10, 0, x, MPFR_RNDN),
			    w->neg ? "-" : "", w->kind == XNUM ?
			    mpq_get_d(w->q) : w->kind == XINF ? INFINITY : NAN);
		cc.n++;
		if (fpv_bits_class(g, c) != ref_class(R, c))
			chk_bad(&cc, "code 0x%zx: class %d, reference %d", c,
			    fpv_bits_class(g, c), ref_class(R, c));
		/* The neighbour: the nearest value beyond this one in that
		 * direction (a zero reached keeps the sign it was reached
		 * from); none from NaN or the ends. */
		for (int dir = -1; dir <= 1; dir += 2) {
			long best = -1;
			uint64_t out = 0;
			bool has;

			cn.n++;
			if (w->kind != XNAN)
				for (size_t d = 0; d < ncodes; d++) {
					if (v[d].kind == XNAN ||
					    xv_cmp(&v[d], w) * dir <= 0)
						continue;
					if (best < 0 ||
					    xv_cmp(&v[d], &v[best]) * dir < 0)
						best = (long)d;
				}
			if (best >= 0 && xv_zero(&v[best]))
				best = (long)(w->neg ? R->signbit : 0);
			has = fpv_bits_neighbour(g, c, dir, &out);
			if (has != (best >= 0) || (has && out != (uint64_t)best))
				chk_bad(&cn, "code 0x%zx %s: %s0x%llx, reference "
				    "%s0x%lx", c, dir > 0 ? "up" : "down",
				    has ? "" : "none ", (unsigned long long)out,
				    best >= 0 ? "" : "none ", best < 0 ? 0 : best);
		}
	}
	chk_done(&cd);
	chk_done(&cc);
	chk_done(&cn);
	for (size_t c = 0; c < ncodes; c++)
		xv_clear(&v[c]);
	free(v);
	mpfr_clear(x);
	mpq_clear(got);
}

/* The code of the exact value x in R, if x is one of R's values. */
static bool
ref_exact_code(const struct ref *R, const struct xv *x, uint64_t *code)
{
	unsigned fl = 0;

	*code = ref_round(R, R->has_inf ? FPV_OVF_INF : FPV_OVF_SATURATE,
	    FPV_RND_NEAREST, x, &fl);
	return (fl & FPV_FLAGS_IEEE) == 0 && ref_class(R, *code) != FPV_CLASS_INF;
}

/* A description of value t, for messages. */
static const char *
tv_desc(const struct tval *t)
{
	static char buf[2][120];
	static int k;
	char *p = buf[k = (k + 1) % 2];

	gmp_snprintf(p, sizeof buf[0], "%s%.17g (%s%Qd)", t->neg ? "-" : "",
	    mpq_get_d(t->q), t->neg ? "-" : "", t->q);
	if (strlen(p) >= sizeof buf[0] - 1)
		strcpy(p + sizeof buf[0] - 5, "...)");
	return p;
}

/* The paths a value enters a format by. */
enum { P_HEX, P_DEC, P_F64, P_F32, P_F16, P_BF16, P_N };
static const char *const path_names[P_N] = {
	"hex literal", "decimal literal", "from fp64", "from fp32",
	"from fp16", "from bf16"
};

/*
 * Round every test value of F, by every path it can take, in every mode
 * under every policy, against the reference.
 */
static void
check_rounding(const struct fut *F, struct tvals *t)
{
	const struct ref *R = &F->R;
	struct chk ch[P_N];
	struct xv x;

	for (int p = 0; p < P_N; p++)
		chk_start(&ch[p], "%s: values, midpoints and hairs, %s, all modes "
		    "and policies", F->label, path_names[p]);
	xv_init(&x);
	for (size_t i = 0; i < t->n; i++) {
		const struct tval *tv = &t->v[i];
		struct lit L[2] = { { .have = false }, { .have = false } };
		uint64_t src[P_N];
		bool have[P_N] = { false };
		double d;
		char *text;

		x.kind = XNUM;
		x.neg = tv->neg;
		x.root = false;
		mpq_set(x.q, tv->q);
		if (hex_text(tv->q, &text))
			lit_make(&L[0], text, tv->neg);
		if (dec_text(tv->q, &text))
			lit_make(&L[1], text, tv->neg);
		have[P_HEX] = L[0].have;
		have[P_DEC] = L[1].have;
		if (q_to_double(tv->q, &d)) {
			double sd = tv->neg ? -d : d;
			float f = (float)sd;
			uint32_t u32;

			memcpy(&src[P_F64], &sd, sizeof sd);
			have[P_F64] = true;
			if ((double)f == sd) {
				memcpy(&u32, &f, sizeof u32);
				src[P_F32] = u32;
				have[P_F32] = true;
			}
		}
		have[P_F16] = ref_exact_code(&ref_fp16, &x, &src[P_F16]);
		have[P_BF16] = ref_exact_code(&ref_bf16, &x, &src[P_BF16]);
		for (int k = 0; k < F->npol; k++)
			for (int m = 0; m < 4; m++) {
				unsigned rf = 0, cf;
				uint64_t rc = ref_round(R, F->pol[k],
				    (enum fpv_round)m, &x, &rf), cc;

				for (int p = 0; p < P_N; p++) {
					if (!have[p])
						continue;
					ch[p].n++;
					switch (p) {
					case P_HEX: case P_DEC:
						cc = cut_round(&F->g[k], &L[p],
						    (enum fpv_round)m, &cf);
						break;
					default:
						cc = cut_convert(&F->g[k],
						    p == P_F64 ? src_fp64 :
						    p == P_F32 ? src_fp32 :
						    p == P_F16 ? src_fp16 : src_bf16,
						    src[p], (enum fpv_round)m, &cf);
						break;
					}
					if (cc != rc || cf != rf)
						chk_bad(&ch[p], "%s %s %s: 0x%llx %s, "
						    "reference 0x%llx %s", tv_desc(tv),
						    pol_name(F, k), mode_names[m],
						    (unsigned long long)cc,
						    flag_words(cf),
						    (unsigned long long)rc,
						    flag_words(rf));
				}
			}
		lit_clear(&L[0]);
		lit_clear(&L[1]);
	}
	xv_clear(&x);
	for (int p = 0; p < P_N; p++)
		if (ch[p].n > 0 || p <= P_F64)
			chk_done(&ch[p]);
}

/* The special values as literals and as fp64/fp32 encodings. */
static void
check_specials(const struct fut *F)
{
	static const uint64_t f64s[] = {
		0x7ff0000000000000u, 0xfff0000000000000u,	/* +-inf */
		0x7ff8000000000000u, 0xfff8000000000000u,	/* qNaN */
		0x7ff0000000000001u, 0x7ff4000000000000u	/* sNaN */
	};
	static const uint64_t f32s[] = {
		0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u
	};
	const struct ref *R = &F->R;
	struct chk c;

	chk_start(&c, "%s: inf and nan literals, fp64 and fp32 infinities and "
	    "NaNs, all modes and policies", F->label);
	for (int k = 0; k < F->npol; k++)
		for (int m = 0; m < 4; m++) {
			for (int s = 0; s < 3; s++) {
				struct lit L = { .have = false };
				unsigned rf = 0, cf;
				uint64_t rc, cc;

				/* "inf", "-inf" (a negative literal), "nan" */
				lit_make(&L, xprintf("%s", s < 2 ? "inf" : "nan"),
				    s == 1);
				xt.kind = s < 2 ? XINF : XNAN;
				xt.neg = s == 1;
				xt.snan = false;
				rc = ref_round(R, F->pol[k], (enum fpv_round)m,
				    &xt, &rf);
				cc = cut_round(&F->g[k], &L, (enum fpv_round)m, &cf);
				c.n++;
				if (cc != rc || cf != rf)
					chk_bad(&c, "literal %s%s %s %s: 0x%llx %s, "
					    "reference 0x%llx %s", s == 1 ? "-" : "",
					    L.text, pol_name(F, k), mode_names[m],
					    (unsigned long long)cc, flag_words(cf),
					    (unsigned long long)rc, flag_words(rf));
				lit_clear(&L);
			}
			for (size_t i = 0; i < sizeof f64s / sizeof f64s[0] +
			    sizeof f32s / sizeof f32s[0]; i++) {
				bool is64 = i < sizeof f64s / sizeof f64s[0];
				uint64_t b = is64 ? f64s[i] :
				    f32s[i - sizeof f64s / sizeof f64s[0]];
				unsigned rf = 0, cf;
				uint64_t rc = ref_convert(R, F->pol[k],
				    (enum fpv_round)m, is64 ? &ref_fp64 : &ref_fp32,
				    b, &rf);
				uint64_t cc = cut_convert(&F->g[k],
				    is64 ? src_fp64 : src_fp32, b,
				    (enum fpv_round)m, &cf);

				c.n++;
				if (cc != rc || cf != rf)
					chk_bad(&c, "%s 0x%llx %s %s: 0x%llx %s, "
					    "reference 0x%llx %s", is64 ? "fp64" :
					    "fp32", (unsigned long long)b,
					    pol_name(F, k), mode_names[m],
					    (unsigned long long)cc, flag_words(cf),
					    (unsigned long long)rc, flag_words(rf));
			}
		}
	chk_done(&c);
}

/* Every code of the built-in small formats and of F itself converted
 * into F, all modes and policies. */
static void
check_small_conversions(const struct fut *F, const struct fut *const *all,
    int nall)
{
	struct chk c;

	chk_start(&c, "%s: every code of the built-in small formats and of "
	    "itself converted into it", F->label);
	for (int s = 0; s < nall; s++) {
		const struct fut *S = all[s];
		size_t ncodes = (size_t)1 << S->R.bits;

		if (!S->builtin && S != F)
			continue;

		for (size_t b = 0; b < ncodes; b++)
			for (int k = 0; k < F->npol; k++)
				for (int m = 0; m < 4; m++) {
					unsigned rf = 0, cf;
					uint64_t rc = ref_convert(&F->R, F->pol[k],
					    (enum fpv_round)m, &S->R, b, &rf);
					uint64_t cc = cut_convert(&F->g[k],
					    &S->g[0], b, (enum fpv_round)m, &cf);

					c.n++;
					if (cc != rc || cf != rf)
						chk_bad(&c, "%s 0x%zx %s %s: 0x%llx "
						    "%s, reference 0x%llx %s",
						    S->label, b, pol_name(F, k),
						    mode_names[m],
						    (unsigned long long)cc,
						    flag_words(cf),
						    (unsigned long long)rc,
						    flag_words(rf));
				}
	}
	chk_done(&c);
}

static const char *const op_names[] = {
	[FPV_OP_ADD] = "+", [FPV_OP_SUB] = "-", [FPV_OP_MUL] = "*",
	[FPV_OP_DIV] = "/", [FPV_OP_SQRT] = "sqrt", [FPV_OP_FMA] = "fma"
};

/* One operation in the code and the reference under every policy of F;
 * a mismatch counted in c.  The reference is computed again for another
 * policy only where its result depended on the policy. */
static void
op_case(struct chk *c, const struct fut *F, enum fpv_round m, int op,
    const uint64_t *a)
{
	unsigned rf0 = 0;
	uint64_t rc0;

	ref_ovf_used = false;
	rc0 = ref_op(&F->R, F->pol[0], m, op, a, &rf0);
	for (int k = 0; k < F->npol; k++) {
		unsigned rf = rf0, cf;
		uint64_t rc = rc0, cc;

		if (k > 0 && ref_ovf_used) {
			bool used = ref_ovf_used;

			rf = 0;
			rc = ref_op(&F->R, F->pol[k], m, op, a, &rf);
			ref_ovf_used = used;
		}
		cc = cut_op(&F->g[k], m, op, a, &cf);
		c->n++;
		if (cc == rc && cf == rf)
			continue;
		if (op == FPV_OP_SQRT)
			chk_bad(c, "sqrt(0x%llx) %s %s: 0x%llx %s, reference "
			    "0x%llx %s", (unsigned long long)a[0],
			    pol_name(F, k), mode_names[m],
			    (unsigned long long)cc, flag_words(cf),
			    (unsigned long long)rc, flag_words(rf));
		else if (op == FPV_OP_FMA)
			chk_bad(c, "fma(0x%llx, 0x%llx, 0x%llx) %s %s: 0x%llx %s, "
			    "reference 0x%llx %s", (unsigned long long)a[0],
			    (unsigned long long)a[1], (unsigned long long)a[2],
			    pol_name(F, k), mode_names[m],
			    (unsigned long long)cc, flag_words(cf),
			    (unsigned long long)rc, flag_words(rf));
		else
			chk_bad(c, "0x%llx %s 0x%llx %s %s: 0x%llx %s, reference "
			    "0x%llx %s", (unsigned long long)a[0], op_names[op],
			    (unsigned long long)a[1], pol_name(F, k),
			    mode_names[m], (unsigned long long)cc,
			    flag_words(cf), (unsigned long long)rc,
			    flag_words(rf));
	}
}

/* Random samples of pairs per (policy, mode, operation) for the 8-bit
 * formats beyond the exhaustive nearest-mode run. */
#define PAIR_SAMPLE 4000

/*
 * + - * / of all pairs of codes and sqrt of every code, in every mode
 * under every policy; for the built-in formats of 8 bits, all pairs in
 * nearest mode and random samples in the other modes; for user-defined
 * formats of 8 bits random samples in every mode.
 */
static void
check_ops(const struct fut *F)
{
	static const int ops[] = { FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL, FPV_OP_DIV };
	uint64_t ncodes = (uint64_t)1 << F->R.bits;
	bool full = F->R.bits < 8 || getenv("FPV_FORMATS_FULL") != NULL;
	/* all pairs in nearest mode: the built-in 8-bit formats */
	bool all_nearest = full || F->builtin;
	struct chk c;

	for (size_t o = 0; o < 4; o++) {
		chk_start(&c, "%s: x %s y for %s pairs of codes, all modes and "
		    "policies", F->label, op_names[ops[o]], full ? "all" :
		    all_nearest ? "all (nearest) or sampled" : "sampled");
		for (int m = 0; m < 4; m++) {
			if (full || (all_nearest && m == FPV_RND_NEAREST)) {
				for (uint64_t a = 0; a < ncodes; a++)
					for (uint64_t b = 0; b < ncodes; b++)
						op_case(&c, F, (enum fpv_round)m,
						    ops[o], (uint64_t[]){ a, b });
			} else {
				int ns = m == FPV_RND_NEAREST ? 2 * PAIR_SAMPLE :
				    PAIR_SAMPLE;

				for (int i = 0; i < ns; i++)
					op_case(&c, F, (enum fpv_round)m, ops[o],
					    (uint64_t[]){ rng() % ncodes,
					    rng() % ncodes });
			}
		}
		chk_done(&c);
	}
	chk_start(&c, "%s: sqrt of every code, all modes and policies",
	    F->label);
	for (int m = 0; m < 4; m++)
		for (uint64_t a = 0; a < ncodes; a++)
			op_case(&c, F, (enum fpv_round)m, FPV_OP_SQRT,
			    (uint64_t[]){ a });
	chk_done(&c);
}

/* The small formats: the built-in ones and user-defined ones. */
static const struct {
	const char *label, *spec;
} small_list[] = {
	{ "fp8e4m3", NULL }, { "fp8e5m2", NULL }, { "fp6e3m2", NULL },
	{ "fp6e2m3", NULL }, { "fp4e2m1", NULL }, { "e8m0", NULL },
	{ "e3m4", "e3m4" },
	{ "e4m3,bias=8", "e4m3,bias=8" },
	{ "e2m1,nosub", "e2m1,nosub" },
	{ "e4m3,unsigned", "e4m3,unsigned" },
	{ "e3m2,fn", "e3m2,fn" },
	{ "e4m3,fn", "e4m3,fn" },
	{ "e5m2,nosub", "e5m2,nosub" },
	{ "e4m3,fn,nosub", "e4m3,fn,nosub" },
	{ "e2m3,finite,unsigned", "e2m3,finite,unsigned" },
	{ "e3m2,bias=-2", "e3m2,bias=-2" },
	{ "e4m3,bias=20", "e4m3,bias=20" },
	{ "e1m3,finite", "e1m3,finite" },
	{ "e3m0,fn", "e3m0,fn" },
	{ "e2m0,finite", "e2m0,finite" },
	{ "e5m0,fn,unsigned", "e5m0,fn,unsigned" },
	{ "e2m2,fn,unsigned,nosub", "e2m2,fn,unsigned,nosub" },
	{ "e6m1", "e6m1" },
};
#define NSMALL (sizeof small_list / sizeof small_list[0])

static void
test_small_formats(void)
{
	static struct fut F[NSMALL];
	const struct fut *made[NSMALL];
	int n = 0;

	for (size_t i = 0; i < NSMALL; i++)
		if (fut_make(&F[i], small_list[i].label, small_list[i].spec))
			made[n++] = &F[i];
	for (int i = 0; i < n; i++) {
		struct tvals t = { NULL, 0, 0 };

		check_codes(made[i]);
		small_values(&made[i]->R, &t);
		check_rounding(made[i], &t);
		tv_free(&t);
		check_specials(made[i]);
		check_small_conversions(made[i], made, n);
		ref_decode_all(&made[i]->R);
		check_ops(made[i]);
		ref_decode_all(NULL);
	}
}

/* ==== 2. bf16, tf32, fp8e5m2, fp16 on edge and random operands ========= */

/* Cases per operation, mode and policy. */
#define N_RANDOM 2000

/* The code of the exact value n * 2^k of R with sign neg (by the
 * reference); aborts if it is not one of R's values. */
static uint64_t
ref_code_2exp(const struct ref *R, bool neg, uint64_t n, long k)
{
	struct xv v;
	uint64_t c;

	xv_init(&v);
	v.kind = XNUM;
	v.neg = neg;
	q_set_2exp(v.q, n, k);
	if (!ref_exact_code(R, &v, &c))
		abort();
	xv_clear(&v);
	return c;
}

/* A random code of R: uniform bits, or a random sign and exponent field
 * with a fraction of all ones, all zeros, or random bits. */
static uint64_t
random_code(const struct ref *R)
{
	uint64_t etop = ((uint64_t)1 << R->E) - 1, fmask = ((uint64_t)1 << R->M) - 1;
	uint64_t e, m, r = rng();

	if (r % 4 == 0)
		return rng() & R->mask;
	e = rng() % (etop + 1);
	switch ((r >> 8) % 4) {
	case 0: m = fmask; break;
	case 1: m = 0; break;
	case 2: m = rng() & fmask & ~(uint64_t)0xf; break;
	default: m = rng() & fmask; break;
	}
	return ((rng() & 1) ? R->signbit : 0) | (e << R->M) | m;
}

/* The edge operands of R: zeros, the ends of the subnormal and normal
 * ranges, 1 and its neighbours, square roots of the extremes (for
 * products near overflow and underflow), infinities and NaNs. */
static size_t
edge_codes(const struct ref *R, uint64_t *out)
{
	uint64_t mags[32], one = ref_code_2exp(R, false, 1, 0);
	size_t n = 0, k = 0;

	mags[n++] = 0;
	if (R->sub && R->M > 0) {
		mags[n++] = 1;
		mags[n++] = 2;
		mags[n++] = ((uint64_t)1 << R->M) - 1;
	}
	mags[n++] = (uint64_t)1 << R->M;
	mags[n++] = ((uint64_t)1 << R->M) + 1;
	mags[n++] = ref_max_code(R, false);
	mags[n++] = ref_max_code(R, false) - 1;
	mags[n++] = ref_max_code(R, false) - ((uint64_t)1 << R->M);
	mags[n++] = one;
	mags[n++] = one + 1;
	mags[n++] = one - 1;
	mags[n++] = ref_code_2exp(R, false, 3, 0);
	mags[n++] = ref_code_2exp(R, false, 1, R->emax / 2);
	mags[n++] = ref_code_2exp(R, false, 1, R->emax / 2 + 1) - 1;
	mags[n++] = ref_code_2exp(R, false, 1, R->emin / 2);
	mags[n++] = ref_code_2exp(R, false, 1, (R->emin - R->M) / 2);
	for (size_t i = 0; i < n; i++) {
		out[k++] = mags[i];
		if (R->sign)
			out[k++] = mags[i] | R->signbit;
	}
	if (R->has_inf) {
		out[k++] = ref_inf_code(R, false);
		out[k++] = ref_inf_code(R, true);
	}
	if (R->has_nan)
		out[k++] = R->nan;
	if (R->top == FPV_TOP_IEEE && R->M >= 2)
		out[k++] = ref_inf_code(R, false) | 1;	/* a signalling NaN */
	return k;
}

/* + - * / sqrt fma of F on edge operands (all pairs; triples sampled),
 * random operands, and operands whose exact sum is a tie. */
static void
check_big_ops(const struct fut *F, const char *how)
{
	static const int ops[] = {
		FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL, FPV_OP_DIV, FPV_OP_SQRT,
		FPV_OP_FMA
	};
	const struct ref *R = &F->R;
	uint64_t edge[80];
	size_t ne = edge_codes(R, edge);
	struct chk c;

	for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
		int op = ops[o];

		chk_start(&c, "%s%s: %s on edge, random%s operands, all modes and "
		    "policies", F->label, how, op == FPV_OP_FMA ? "fma" :
		    op_names[op], op <= FPV_OP_SUB ? " and tie" : "");
		for (int m = 0; m < 4; m++) {
			enum fpv_round rnd = (enum fpv_round)m;

			if (op == FPV_OP_SQRT) {
				for (size_t i = 0; i < ne; i++)
					op_case(&c, F, rnd, op, &edge[i]);
			} else if (op == FPV_OP_FMA) {
				for (int i = 0; i < N_RANDOM; i++) {
					uint64_t a[3] = { edge[rng() % ne],
					    edge[rng() % ne], edge[rng() % ne] };

					op_case(&c, F, rnd, op, a);
				}
			} else {
				for (size_t i = 0; i < ne; i++)
					for (size_t j = 0; j < ne; j++)
						op_case(&c, F, rnd, op,
						    (uint64_t[]){ edge[i], edge[j] });
			}
			for (int i = 0; i < N_RANDOM; i++) {
				uint64_t a[3] = { random_code(R), random_code(R),
				    random_code(R) };

				if (op == FPV_OP_SQRT)
					a[0] &= ~R->signbit;
				if (op == FPV_OP_FMA && i % 2 == 0) {
					/* c near -(a * b): cancellation, ties */
					unsigned fl = 0;

					a[2] = ref_op(R, FPV_OVF_SATURATE,
					    FPV_RND_NEAREST, FPV_OP_MUL, a, &fl) ^
					    R->signbit;
					if (i % 4 == 0)
						a[2] ^= rng() & 3;
				}
				op_case(&c, F, rnd, op, a);
			}
			if (op > FPV_OP_SUB)
				continue;
			/* a + 2^(e_a - M - 1) * {1, 3}: exactly half-way. */
			for (int i = 0; i < N_RANDOM / 2; i++) {
				uint64_t a = random_code(R), e, b;
				long k;

				e = (a >> R->M) & (((uint64_t)1 << R->E) - 1);
				if (e == 0 || e == ((uint64_t)1 << R->E) - 1)
					continue;
				k = (long)e - R->B - R->M - 1;
				if (k < R->emin - R->M)
					continue;
				b = ref_code_2exp(R, rng() & 1, i % 2 ? 3 : 1, k);
				op_case(&c, F, rnd, op, (uint64_t[]){ a, b });
				op_case(&c, F, rnd, op, (uint64_t[]){ b, a });
			}
		}
		chk_done(&c);
	}
}

/* A random double or float (bits fbits, fraction width fm, bias fb) whose
 * exponent lies around R's range; a third have the low fraction bits below
 * R's precision + 1 cleared (exact values and ties of R). */
static uint64_t
random_source(const struct ref *R, int fbits, int fm, int fb)
{
	long lo = R->emin - R->M - 3, hi = R->emax + 2;
	long e = lo + (long)(rng() % (uint64_t)(hi - lo + 1));
	uint64_t m = rng() & (((uint64_t)1 << fm) - 1);

	if (rng() % 3 == 0 && fm > R->M + 1)
		m &= ~(((uint64_t)1 << (fm - R->M - 1)) - 1);
	if (e + fb < 1)
		e = 1 - fb;	/* no subnormal source here */
	if (e + fb > (1 << (fbits - fm - 1)) - 2)
		e = (1 << (fbits - fm - 1)) - 2 - fb;
	return ((rng() & 1) ? (uint64_t)1 << (fbits - 1) : 0) |
	    ((uint64_t)(e + fb) << fm) | m;
}

/* Conversions into F: random fp64 and fp32 values around F's range, and
 * random codes of the other big formats and fp32. */
static void
check_big_conversions(const struct fut *F, const struct fut *const *others,
    int nothers)
{
	struct chk c;

	chk_start(&c, "%s: conversions from fp64, fp32 and the other formats, "
	    "all modes and policies", F->label);
	for (int m = 0; m < 4; m++) {
		enum fpv_round rnd = (enum fpv_round)m;

		for (int s = -2; s < nothers; s++) {
			const struct ref *S = s == -2 ? &ref_fp64 : s == -1 ?
			    &ref_fp32 : &others[s]->R;
			const struct fpv_format *sf = s == -2 ? src_fp64 :
			    s == -1 ? src_fp32 : &others[s]->g[0];

			for (int i = 0; i < N_RANDOM; i++) {
				uint64_t b = s == -2 ? random_source(&F->R, 64, 52,
				    1023) : s == -1 ? random_source(&F->R, 32, 23,
				    127) : random_code(S);
				unsigned rf0 = 0;
				uint64_t rc0;
				bool used;

				ref_ovf_used = false;
				rc0 = ref_convert(&F->R, F->pol[0], rnd, S, b, &rf0);
				used = ref_ovf_used;
				for (int k = 0; k < F->npol; k++) {
					unsigned rf = rf0, cf;
					uint64_t rc = rc0, cc;

					if (k > 0 && used) {
						rf = 0;
						rc = ref_convert(&F->R, F->pol[k], rnd,
						    S, b, &rf);
					}
					cc = cut_convert(&F->g[k], sf, b, rnd, &cf);
					c.n++;
					if (cc != rc || cf != rf)
						chk_bad(&c, "%s 0x%llx %s %s: 0x%llx "
						    "%s, reference 0x%llx %s",
						    sf->name, (unsigned long long)b,
						    pol_name(F, k), mode_names[m],
						    (unsigned long long)cc,
						    flag_words(cf),
						    (unsigned long long)rc,
						    flag_words(rf));
				}
			}
		}
	}
	chk_done(&c);
}

static void
test_big_formats(void)
{
	static const char *const names[] = { "bf16", "tf32", "fp8e5m2", "fp16" };
	static struct fut F[4];
	const struct fut *made[4];
	int n = 0;

	for (int i = 0; i < 4; i++)
		if (fut_make(&F[i], names[i], NULL))
			made[n++] = &F[i];
	for (int i = 0; i < n; i++) {
		if (made[i]->R.bits <= 16)
			ref_decode_all(&made[i]->R);
		check_big_ops(made[i], "");
		if (made[i]->g[0].fast != FPV_FAST_NONE) {
			/* the machine path, and the emulation it stands for */
			ctx.emulate_only = true;
			check_big_ops(made[i], " (emulated)");
			ctx.emulate_only = false;
		}
		ref_decode_all(NULL);
		check_big_conversions(made[i], made, n);
	}
}

/* ==== 3. Named facts ===================================================== */

/* The built-in f with overflow policy ovf (derived again). */
static struct fpv_format
with_policy(const char *name, enum fpv_overflow ovf)
{
	struct fpv_format g = *FMTN(name);
	const char *why;

	g.overflow = ovf;
	if (fpv_format_derive(&g, &why) != 0)
		abort();
	return g;
}

/* Round the literal text (a leading '-' makes a negative literal) into g
 * in mode rnd: the code is want and the flags are exactly wantfl. */
static void
fact(const struct fpv_format *g, enum fpv_round rnd, const char *text,
    uint64_t want, unsigned wantfl, const char *why)
{
	struct lit L = { .have = false };
	bool neg = text[0] == '-';
	unsigned fl;
	uint64_t got;

	lit_make(&L, xprintf("%s", text + neg), neg);
	got = cut_round(g, &L, rnd, &fl);
	if (!ok(got == want && fl == wantfl, "%s %s %s: %s", g->name,
	    mode_names[rnd], text, why))
		diag("got 0x%llx %s, want 0x%llx %s", (unsigned long long)got,
		    flag_words(fl), (unsigned long long)want, flag_words(wantfl));
	lit_clear(&L);
}

/* The value of code b of f is the exact text value (decimal or hex). */
static bool
decodes_to(const struct fpv_format *f, uint64_t b, const char *text)
{
	mpfr_t x, y;
	bool same;

	mpfr_inits2(128, x, y, (mpfr_ptr)0);
	fpv_num_decode(&ctx, f, b, x);
	mpfr_set_str(y, text, 0, MPFR_RNDN);	/* exact: short texts */
	same = mpfr_equal_p(x, y) != 0;
	mpfr_clears(x, y, (mpfr_ptr)0);
	return same;
}

/*
 * The published figures of each format: the largest finite number, the
 * smallest normal and subnormal numbers, and eps (the distance from 1 to
 * the next number).  Sources: OCP 8-bit Floating Point Specification
 * (OFP8) rev. 1.0, table 1 (E4M3: max 448 = S.1111.110, min normal 2^-6,
 * min subnormal 2^-9; E5M2: 57344, 2^-14, 2^-16); OCP Microscaling
 * Formats (MX) v1.0, section 5.3 (FP6 E3M2: 28, 2^-2, 2^-4; FP6 E2M3:
 * 7.5, 1, 2^-3; FP4 E2M1: 6, 1, 0.5) and 5.4.1 (E8M0: 2^-127 to 2^127,
 * 0xff NaN, no zero); ml_dtypes' finfo (float8_e4m3fn: max 448,
 * smallest_normal 2^-6, smallest_subnormal 2^-9, eps 2^-3; float8_e5m2:
 * 57344, 2^-14, 2^-16, 2^-2; float6_e3m2fn: 28, 0.25, 0.0625, 0.25;
 * float6_e2m3fn: 7.5, 1, 0.125, 0.125; float4_e2m1fn: 6, 1, 0.5, 0.5;
 * float8_e8m0fnu: 2^127, 2^-127, none, 1; bfloat16: 3.38953139e38,
 * 2^-126, 2^-133, 2^-7); IEEE 754-2019 table 3.5 and numpy's finfo for
 * binary16 (65504, 2^-14, 2^-24, 2^-10); NVIDIA's TF32 (the A100
 * architecture paper: fp32's 8-bit exponent and fp16's 10-bit fraction:
 * (2 - 2^-10) 2^127, 2^-126, 2^-136, 2^-10).
 */
static const struct {
	const char *name, *max, *min_normal, *min_sub, *eps;
} published[] = {
	{ "fp8e4m3", "448", "0x1p-6", "0x1p-9", "0x1p-3" },
	{ "fp8e5m2", "57344", "0x1p-14", "0x1p-16", "0x1p-2" },
	{ "fp6e3m2", "28", "0.25", "0.0625", "0.25" },
	{ "fp6e2m3", "7.5", "1", "0.125", "0.125" },
	{ "fp4e2m1", "6", "1", "0.5", "0.5" },
	{ "e8m0", "0x1p127", "0x1p-127", NULL, "1" },
	{ "bf16", "0x1.fep127", "0x1p-126", "0x1p-133", "0x1p-7" },
	{ "tf32", "0x1.ffcp127", "0x1p-126", "0x1p-136", "0x1p-10" },
	{ "fp16", "65504", "0x1p-14", "0x1p-24", "0x1p-10" },
};

static void
test_published(void)
{
	for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
		const struct fpv_format *f = FMTN(published[i].name);
		struct ref R;
		uint64_t up = 0, b = 0, one;
		bool good, has;
		unsigned fl = 0;
		struct lit L = { .have = false };

		if (!ok(f != NULL, "%s exists", published[i].name))
			continue;
		ref_make(&R, f);
		/* max: the largest finite code, nothing finite above it */
		has = fpv_bits_neighbour(f, f->max_code, 1, &up);
		good = decodes_to(f, f->max_code, published[i].max) &&
		    (!has || fpv_bits_class(f, up) == FPV_CLASS_INF) &&
		    f->max_code == ref_max_code(&R, false);
		ok(good, "%s: the largest finite number is %s", f->name,
		    published[i].max);
		/* the smallest normal number: the first normal code going up
		 * from the smallest positive one */
		if (f->zero)
			fpv_bits_neighbour(f, 0, 1, &b);
		while (fpv_bits_class(f, b) == FPV_CLASS_SUBNORMAL &&
		    fpv_bits_neighbour(f, b, 1, &b))
			;
		ok(decodes_to(f, b, published[i].min_normal) &&
		    fpv_bits_class(f, b) == FPV_CLASS_NORMAL,
		    "%s: the smallest normal number is %s", f->name,
		    published[i].min_normal);
		/* the smallest subnormal number: one step up from zero */
		if (published[i].min_sub != NULL) {
			good = fpv_bits_neighbour(f, 0, 1, &b) &&
			    fpv_bits_class(f, b) == FPV_CLASS_SUBNORMAL &&
			    decodes_to(f, b, published[i].min_sub);
			ok(good, "%s: the smallest subnormal number is %s",
			    f->name, published[i].min_sub);
		} else {
			ok(!fpv_bits_neighbour(f, 0, -1, &b) &&
			    fpv_bits_class(f, 0) == FPV_CLASS_NORMAL,
			    "%s: no zero, no subnormals, nothing below code 0",
			    f->name);
		}
		/* eps: the next number after 1, minus 1 */
		lit_make(&L, xprintf("1"), false);
		one = cut_round(f, &L, FPV_RND_NEAREST, &fl);
		lit_clear(&L);
		{
			mpfr_t x, y;

			mpfr_inits2(128, x, y, (mpfr_ptr)0);
			good = fl == 0 && fpv_bits_neighbour(f, one, 1, &up);
			fpv_num_decode(&ctx, f, up, x);
			mpfr_sub_ui(x, x, 1, MPFR_RNDN);
			mpfr_set_str(y, published[i].eps, 0, MPFR_RNDN);
			good = good && mpfr_equal_p(x, y);
			ok(good, "%s: eps is %s", f->name, published[i].eps);
			mpfr_clears(x, y, (mpfr_ptr)0);
		}
	}
}

/* The facts of issue 9, each from its own reasoning. */
static void
test_facts(void)
{
	struct fpv_format e4 = with_policy("fp8e4m3", FPV_OVF_NAN);
	struct fpv_format e4s = with_policy("fp8e4m3", FPV_OVF_SATURATE);
	struct fpv_format e5 = with_policy("fp8e5m2", FPV_OVF_INF);
	struct fpv_format e5s = with_policy("fp8e5m2", FPV_OVF_SATURATE);
	const struct fpv_format *e2 = FMTN("fp4e2m1"), *e8 = FMTN("e8m0");
	const unsigned X = FPV_FLAG_INEXACT, O = FPV_FLAG_OVERFLOW | X,
	    U = FPV_FLAG_UNDERFLOW | X, SUB = FPV_FLAG_SUBNORMAL,
	    I = FPV_FLAG_INVALID;

	/* E4M3: the top binade 2^8 holds 256 288 ... 448 (S.1111.110); the
	 * next step, 480, would be S.1111.111, which is NaN.  464 lies half
	 * way between 448 (significand 1.110, even) and 480 (1.111). */
	fact(&e4, FPV_RND_NEAREST, "464", 0x7e, X,
	    "448, the tie goes to the even significand");
	fact(&e4, FPV_RND_NEAREST, "465", 0x7f, O,
	    "NaN: it rounds to 480, beyond 448 (overflow policy nan)");
	fact(&e4, FPV_RND_NEAREST, "-465", 0x7f, O, "NaN (overflow)");
	fact(&e4s, FPV_RND_NEAREST, "465", 0x7e, O,
	    "448 with overflow (policy saturate)");
	fact(&e4s, FPV_RND_NEAREST, "-1e9", 0xfe, O, "-448 (saturate)");
	fact(&e4, FPV_RND_ZERO, "500", 0x7e, O,
	    "448: toward zero an overflow gives the largest number");
	fact(&e4, FPV_RND_NEAREST, "448", 0x7e, 0, "448 is exact");
	fact(&e4, FPV_RND_NEAREST, "0x1p-10", 0x00, U,
	    "2^-10 is half the smallest subnormal 2^-9: a tie, to 0");
	fact(&e4, FPV_RND_NEAREST, "0x1.000001p-10", 0x01, U | SUB,
	    "a hair above half of 2^-9 goes to 2^-9");
	/* E5M2: max 57344 = 1.11 x 2^15; 61440 = 1.111 x 2^15 is the tie
	 * between 57344 and 2^16 (beyond: overflow); 61439 is below it. */
	fact(&e5, FPV_RND_NEAREST, "61439", 0x7b, X, "57344");
	fact(&e5, FPV_RND_NEAREST, "61440", 0x7c, O,
	    "inf: the tie goes to 2^16 (even), beyond the largest number");
	fact(&e5s, FPV_RND_NEAREST, "61440", 0x7b, O,
	    "57344 with overflow (policy saturate)");
	fact(&e5, FPV_RND_DOWN, "1e6", 0x7b, O,
	    "57344: rounding down, a positive overflow gives the largest");
	fact(&e5, FPV_RND_DOWN, "-1e6", 0xfc, O, "-inf");
	/* E2M1: 0 0.5 1 1.5 2 3 4 6.  0.25 is half way between 0 and the
	 * subnormal 0.5 (even: 0); 5 half way between 4 (1.0 x 2^2) and 6
	 * (1.1 x 2^2); 7 half way between 6 and 8 = 1.0 x 2^3, which is
	 * beyond 6: overflow, and FP4 saturates. */
	fact(e2, FPV_RND_NEAREST, "0.25", 0x0, U, "0 (tie to even, underflow)");
	fact(e2, FPV_RND_NEAREST, "0.25000006", 0x1, U | SUB,
	    "0.5, just above the tie");
	fact(e2, FPV_RND_NEAREST, "5", 0x6, X, "4 (tie to even)");
	fact(e2, FPV_RND_NEAREST, "7", 0x7, O, "6 with overflow");
	fact(e2, FPV_RND_NEAREST, "-7", 0xf, O, "-6 with overflow");
	fact(e2, FPV_RND_UP, "0.1", 0x1, U | SUB, "0.5 rounding up");
	/* E8M0: precision 1, so a tie between 2^k and 2^(k+1) goes away from
	 * zero (MPFR and ml_dtypes); no zero, no negative numbers. */
	fact(e8, FPV_RND_NEAREST, "1.5", 0x80, X, "2 (tie away from zero)");
	fact(e8, FPV_RND_NEAREST, "0.75", 0x7f, X, "1 (tie away from zero)");
	fact(e8, FPV_RND_NEAREST, "1.4999", 0x7f, X, "1");
	fact(e8, FPV_RND_NEAREST, "0x1p-127", 0x00, 0, "2^-127 is code 0");
	fact(e8, FPV_RND_NEAREST, "0x1p127", 0xfe, 0, "2^127 is code 0xfe");
	fact(e8, FPV_RND_NEAREST, "0x1p128", 0xff, O, "2^128 overflows to NaN");
	fact(e8, FPV_RND_NEAREST, "0x1p-130", 0x00, U,
	    "below 2^-127: the smallest number");
	fact(e8, FPV_RND_NEAREST, "0", 0xff, I, "0 is NaN (no zero)");
	fact(e8, FPV_RND_NEAREST, "-2", 0xff, I, "-2 is NaN (unsigned)");
	{
		bool good = true;

		for (int k = 0; k < 255; k++) {
			char buf[16];

			snprintf(buf, sizeof buf, "0x1p%d", k - 127);
			good &= decodes_to(e8, (uint64_t)k, buf) &&
			    fpv_bits_class(e8, (uint64_t)k) == FPV_CLASS_NORMAL;
		}
		good &= fpv_bits_class(e8, 0xff) == FPV_CLASS_QNAN;
		ok(good, "e8m0: code k is 2^(k-127) for k = 0..254, 0xff is NaN");
	}
	/* bf16: 256 + 1 has 9 significant bits, bf16 keeps 8: 257 is the tie
	 * between 256 (even) and 258.  Through the evaluator, bf16 the only
	 * column. */
	{
		struct fpv_session S;
		struct fpv_trace T;
		struct fpv_error E;
		const char *expr = "256 + 1";
		int rc;

		fpv_session_init(&S);
		fpv_trace_init(&T);
		S.ctx.ncols = 1;
		S.ctx.cols[0] = (uint8_t)fpv_ctx_find(&S.ctx, "bf16", 4);
		rc = fpv_eval_line(&S, expr, strlen(expr), 1, &T, &E);
		if (!ok(rc == 1 && fpv_trace_result_cells(&T)[0].bits == 0x4380 &&
		    fpv_trace_result_cells(&T)[0].flags ==
		    (FPV_FLAG_INEXACT | FPV_FLAG_ABSORBED),
		    "bf16 256 + 1 is 256 (0x4380), inexact and absorbed"))
			diag("rc %d, 0x%llx %s", rc, rc == 1 ? (unsigned long long)
			    fpv_trace_result_cells(&T)[0].bits : 0ull,
			    rc == 1 ? flag_words(fpv_trace_result_cells(&T)[0].flags) :
			    E.msg);
		fpv_trace_free(&T);
		fpv_session_free(&S);
	}
}

/* ==== 4. Integer grids ==================================================== */

/* The reference of a grid: q in [qmin, qmax] means scale * (q - zp). */
struct gref {
	int bits;
	bool sign, wrap;
	int64_t qmin, qmax, zp;
	uint64_t mask;
	mpq_t scale;
};

/* The stored q of code c: two's complement (signed) or unsigned bits. */
static int64_t
gref_q(const struct gref *G, uint64_t c)
{
	c &= G->mask;
	if (G->sign && (c >> (G->bits - 1)) & 1)
		return (int64_t)c - ((int64_t)1 << G->bits);
	return (int64_t)c;
}

/* The exact value of code c. */
static void
gref_value(const struct gref *G, uint64_t c, mpq_ptr v)
{
	mpq_set_si(v, (long)(gref_q(G, c) - G->zp), 1);
	mpq_mul(v, v, G->scale);
}

/* Scratch numbers of the grid reference (initialized in main). */
static mpq_t gT;
static mpz_t gN, gR;

/* The code of q, saturated or wrapped, with the flags. */
static uint64_t
gref_store(const struct gref *G, mpz_srcptr q, unsigned *fl)
{
	mpz_ptr w = gR;
	int64_t r;

	if (mpz_cmp_si(q, (long)G->qmin) >= 0 && mpz_cmp_si(q, (long)G->qmax) <= 0)
		return (uint64_t)mpz_get_si(q) & G->mask;
	if (!G->wrap) {
		*fl |= FPV_FLAG_SATURATED | FPV_FLAG_INEXACT;
		return (uint64_t)(mpz_sgn(q) > 0 ? G->qmax : G->qmin) & G->mask;
	}
	/* modulo 2^bits, into [qmin, qmax] */
	*fl |= FPV_FLAG_WRAPPED | FPV_FLAG_INEXACT;
	mpz_set_si(w, (long)G->qmin);
	mpz_sub(w, q, w);
	mpz_fdiv_r_2exp(w, w, (mp_bitcnt_t)G->bits);
	r = (int64_t)mpz_get_si(w) + G->qmin;
	return (uint64_t)r & G->mask;
}

/* Quantize the exact value v: n = round(v / scale) in the mode (ties to
 * even), q = n + zp, stored. */
static uint64_t
gref_quantize(const struct gref *G, enum fpv_round rnd, mpq_srcptr v,
    unsigned *fl)
{
	mpq_ptr t = gT;
	mpz_ptr n = gN, r = gR;
	int cmp;

	mpq_div(t, v, G->scale);
	mpz_fdiv_qr(n, r, mpq_numref(t), mpq_denref(t));	/* floor */
	if (mpz_sgn(r) != 0) {
		bool up;

		*fl |= FPV_FLAG_INEXACT;
		mpz_mul_2exp(r, r, 1);
		cmp = mpz_cmp(r, mpq_denref(t));
		switch (rnd) {
		case FPV_RND_NEAREST:
			up = cmp > 0 || (cmp == 0 && mpz_odd_p(n));
			break;
		case FPV_RND_ZERO:
			up = mpq_sgn(t) < 0;	/* floor of a negative: up */
			break;
		case FPV_RND_UP:
			up = true;
			break;
		default:
			up = false;
			break;
		}
		if (up)
			mpz_add_ui(n, n, 1);
	}
	if (mpz_sgn(n) == 0 && mpq_sgn(v) != 0)
		*fl |= FPV_FLAG_UNDERFLOW;
	if (G->zp >= 0)
		mpz_add_ui(n, n, (unsigned long)G->zp);
	else
		mpz_sub_ui(n, n, (unsigned long)-G->zp);
	return gref_store(G, n, fl);
}

/* The reference of a op b on the grid. */
static uint64_t
gref_op(const struct gref *G, enum fpv_round rnd, int op, const uint64_t *a,
    unsigned *fl)
{
	gref_value(G, a[0], qa);
	gref_value(G, a[1], qb);
	switch (op) {
	case FPV_OP_ADD: mpq_add(qa, qa, qb); break;
	case FPV_OP_SUB: mpq_sub(qa, qa, qb); break;
	case FPV_OP_MUL: mpq_mul(qa, qa, qb); break;
	default:
		if (mpq_sgn(qb) == 0) {
			/* x/0: the end of the range with x's sign; 0/0: 0 */
			if (mpq_sgn(qa) == 0) {
				*fl |= FPV_FLAG_INVALID;
				return (uint64_t)G->zp & G->mask;
			}
			*fl |= FPV_FLAG_DIVBYZERO;
			return (uint64_t)(mpq_sgn(qa) > 0 ? G->qmax : G->qmin) &
			    G->mask;
		}
		mpq_div(qa, qa, qb);
		break;
	}
	return gref_quantize(G, rnd, qa, fl);
}

/* The scales: 1, a decimal, a power of two, and a long decimal beyond
 * 32-bit numerators and denominators; as typed, and as a fraction. */
static const char *const scales[][2] = {
	{ "1", "1" },
	{ "0.1", "1/10" },
	{ "0.03125", "1/32" },
	{ "0.0123456789012345678901234567",
	  "123456789012345678901234567/10000000000000000000000000000" },
};

/* The values literals of G are checked on: every grid value and
 * midpoint, a hair (2^-64, 10^-40 relative) either side of them (on an
 * 8-bit grid of some of them), around zero (the underflow to q = zp),
 * beyond both ends. */
static void
grid_values(const struct gref *G, struct tvals *t)
{
	mpq_t v, w, m;

	mpq_inits(v, w, m, (mpq_ptr)0);
	for (int64_t q = G->qmin; q <= G->qmax + 1; q++) {
		/* hairs: everywhere on a 4-bit grid; on a wider one near
		 * the ends and the zero point and every 32nd step */
		bool hairs = G->bits <= 4 || q - G->qmin < 4 || G->qmax - q < 4 ||
		    (q - G->zp < 4 && G->zp - q < 4) || q % 32 == 0;

		mpq_set_si(v, (long)(q - G->zp), 1);
		mpq_mul(v, v, G->scale);
		mpq_set_si(w, (long)(q - 1 - G->zp), 1);
		mpq_mul(w, w, G->scale);
		mpq_add(m, v, w);
		mpq_div_2exp(m, m, 1);
		tv_add1(t, m, mpq_sgn(m) < 0);
		if (mpq_sgn(m) != 0 && hairs)
			tv_add_hairs(t, m, 64, 40);
		if (q > G->qmax)
			break;
		tv_add1(t, v, mpq_sgn(v) < 0);
		if (mpq_sgn(v) != 0 && hairs)
			tv_add_hairs(t, v, 64, 40);
	}
	/* beyond the ends: one and ten steps, and 2^70 */
	for (int s = 0; s < 2; s++) {
		static const long far[] = { 1, 10 };
		int64_t end = s ? G->qmax : G->qmin;

		for (size_t i = 0; i < 2; i++) {
			mpq_set_si(v, (long)(end - G->zp) + (s ? far[i] : -far[i]), 1);
			mpq_mul(v, v, G->scale);
			tv_add1(t, v, mpq_sgn(v) < 0);
		}
		mpq_set_si(v, s ? 1 : -1, 1);
		mpq_mul_2exp(v, v, 70);
		mpq_mul(v, v, G->scale);
		tv_add1(t, v, mpq_sgn(v) < 0);
	}
	/* tiny: a quarter of a step */
	mpq_div_2exp(v, G->scale, 2);
	tv_add(t, v);
	mpq_clears(v, w, m, (mpq_ptr)0);
}

/* One grid: width name, scale si, zero point, saturate or wrap. */
static void
grid_case(const char *name, int si, int64_t zp, bool wrap)
{
	struct fpv_format g = *FMTN(name);
	const char *why;
	struct gref G;
	struct tvals t = { NULL, 0, 0 };
	struct chk cl, cv, co, cf2;
	char label[96];
	uint64_t ncodes = (uint64_t)1 << g.bits;
	bool full = g.bits <= 4;

	snprintf(label, sizeof label, "%s scale %.12s%s zero point %lld %s",
	    name, scales[si][0], strlen(scales[si][0]) > 12 ? "..." : "",
	    (long long)zp, wrap ? "wrap" : "saturate");
	if (fpv_grid_set_scale(&g, scales[si][0], &why) != 0) {
		ok(0, "%s: the scale is accepted (%s)", label, why);
		return;
	}
	g.zero_point = zp;
	g.overflow = wrap ? FPV_OVF_WRAP : FPV_OVF_SATURATE;
	if (fpv_format_derive(&g, &why) != 0) {
		ok(0, "%s: derive (%s)", label, why);
		return;
	}
	/* The reference's own reading of the grid: width and signedness
	 * give the range. */
	G.bits = g.bits;
	G.sign = g.sign;
	G.wrap = wrap;
	G.zp = zp;
	G.qmin = g.sign ? -((int64_t)1 << (g.bits - 1)) : 0;
	G.qmax = g.sign ? ((int64_t)1 << (g.bits - 1)) - 1 :
	    ((int64_t)1 << g.bits) - 1;
	G.mask = ((uint64_t)1 << g.bits) - 1;
	mpq_init(G.scale);
	mpq_set_str(G.scale, scales[si][1], 10);
	mpq_canonicalize(G.scale);
	chk_start(&cv, "%s: every code is scale x (q - zp)", label);
	{
		mpfr_t x, y;
		mpq_t got;

		mpfr_inits2(256, x, y, (mpfr_ptr)0);
		mpq_init(got);
		for (uint64_t c = 0; c < ncodes; c++) {
			/* the exact value, and the decode rounded to nearest */
			gref_value(&G, c, qa);
			fpv_grid_value(&g, c, got);
			fpv_num_decode(&ctx, &g, c, x);
			mpfr_set_q(y, qa, MPFR_RNDN);
			cv.n++;
			if (!mpq_equal(got, qa) || !mpfr_equal_p(x, y))
				chk_bad(&cv, "code 0x%llx: %s",
				    (unsigned long long)c,
				    mpfr_get_str(NULL, NULL, 10, 20, x, MPFR_RNDN));
		}
		mpq_clear(got);
		mpfr_clears(x, y, (mpfr_ptr)0);
	}
	chk_done(&cv);
	/* Literals (decimal and hex text, negative literals) and
	 * conversions from fp64 where exact. */
	chk_start(&cl, "%s: literals and fp64 values quantized, all modes", label);
	grid_values(&G, &t);
	for (size_t i = 0; i < t.n; i++) {
		const struct tval *tv = &t.v[i];
		struct lit L[2] = { { .have = false }, { .have = false } };
		char *text;
		double d;
		bool have64;
		uint64_t b64 = 0;

		if (dec_text(tv->q, &text))
			lit_make(&L[0], text, tv->neg);
		if (hex_text(tv->q, &text))
			lit_make(&L[1], text, tv->neg);
		have64 = q_to_double(tv->q, &d);
		if (have64) {
			double sd = tv->neg ? -d : d;

			memcpy(&b64, &sd, sizeof sd);
		}
		mpq_set(qb, tv->q);
		if (tv->neg)
			mpq_neg(qb, qb);
		mpq_set(xt.q, qb);
		for (int m = 0; m < 4; m++) {
			unsigned rf = 0, cf;
			uint64_t rc = gref_quantize(&G, (enum fpv_round)m, xt.q,
			    &rf), cc;

			for (int p = 0; p < 3; p++) {
				if ((p < 2 && !L[p].have) || (p == 2 && !have64))
					continue;
				cc = p < 2 ? cut_round(&g, &L[p], (enum fpv_round)m,
				    &cf) : cut_convert(&g, src_fp64, b64,
				    (enum fpv_round)m, &cf);
				cl.n++;
				if (cc != rc || cf != rf)
					chk_bad(&cl, "%s (%s) %s: 0x%llx %s, "
					    "reference 0x%llx %s", tv_desc(tv),
					    p == 0 ? "decimal" : p == 1 ? "hex" :
					    "fp64", mode_names[m],
					    (unsigned long long)cc, flag_words(cf),
					    (unsigned long long)rc, flag_words(rf));
			}
		}
		lit_clear(&L[0]);
		lit_clear(&L[1]);
	}
	tv_free(&t);
	chk_done(&cl);
	/* + - * /: all pairs of a 4-bit grid; pairs of the ends and the
	 * zero point and random pairs of an 8-bit one. */
	chk_start(&co, "%s: + - * / of %s pairs, all modes", label,
	    full ? "all" : "edge and random");
	{
		int64_t eq[] = { G.qmin, G.qmin + 1, zp - 1, zp, zp + 1,
		    G.qmax - 1, G.qmax };
		uint64_t ec[7];
		static const int ops[] = { FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL,
		    FPV_OP_DIV };

		for (int i = 0; i < 7; i++)
			ec[i] = (uint64_t)(eq[i] < G.qmin ? G.qmin : eq[i] > G.qmax ?
			    G.qmax : eq[i]) & G.mask;
		for (int m = 0; m < 4; m++)
			for (int o = 0; o < 4; o++) {
				long npairs = full ? (long)(ncodes * ncodes) : 49 + 600;

				for (long i = 0; i < npairs; i++) {
					uint64_t a[2];
					unsigned rf = 0, cf;
					uint64_t rc, cc;

					if (full) {
						a[0] = (uint64_t)i / ncodes;
						a[1] = (uint64_t)i % ncodes;
					} else if (i < 49) {
						a[0] = ec[i / 7];
						a[1] = ec[i % 7];
					} else {
						a[0] = rng() & G.mask;
						a[1] = rng() & G.mask;
					}
					rc = gref_op(&G, (enum fpv_round)m, ops[o], a, &rf);
					cc = cut_op(&g, (enum fpv_round)m, ops[o], a, &cf);
					co.n++;
					if (cc != rc || cf != rf)
						chk_bad(&co, "q %lld %s q %lld %s: 0x%llx "
						    "%s, reference 0x%llx %s",
						    (long long)gref_q(&G, a[0]),
						    op_names[ops[o]],
						    (long long)gref_q(&G, a[1]),
						    mode_names[m],
						    (unsigned long long)cc,
						    flag_words(cf),
						    (unsigned long long)rc,
						    flag_words(rf));
				}
			}
	}
	chk_done(&co);
	/* Every code into float formats (a cast such as fp8e4m3(q)). */
	chk_start(&cf2, "%s: every code converted into fp8e4m3 (nan, saturate), "
	    "fp4e2m1, e8m0, bf16, fp16, all modes", label);
	{
		static const struct {
			const char *name;
			enum fpv_overflow ovf;
		} to[] = {
			{ "fp8e4m3", FPV_OVF_NAN }, { "fp8e4m3", FPV_OVF_SATURATE },
			{ "fp4e2m1", FPV_OVF_SATURATE }, { "e8m0", FPV_OVF_NAN },
			{ "bf16", FPV_OVF_INF }, { "fp16", FPV_OVF_INF },
		};

		for (size_t d = 0; d < sizeof to / sizeof to[0]; d++) {
			struct fpv_format h = with_policy(to[d].name, to[d].ovf);
			struct ref R;

			ref_make(&R, &h);
			for (uint64_t c = 0; c < ncodes; c++) {
				gref_value(&G, c, qa);
				xt.kind = XNUM;
				xt.root = false;
				xt.neg = mpq_sgn(qa) < 0;
				mpq_abs(xt.q, qa);
				for (int m = 0; m < 4; m++) {
					unsigned rf = 0, cf;
					uint64_t rc = ref_round(&R, to[d].ovf,
					    (enum fpv_round)m, &xt, &rf);
					uint64_t got = cut_convert(&h, &g, c,
					    (enum fpv_round)m, &cf);

					cf2.n++;
					if (got != rc || cf != rf)
						chk_bad(&cf2, "q %lld to %s (%s) %s: "
						    "0x%llx %s, reference 0x%llx %s",
						    (long long)gref_q(&G, c), h.name,
						    fpv_overflow_names[to[d].ovf],
						    mode_names[m],
						    (unsigned long long)got,
						    flag_words(cf),
						    (unsigned long long)rc,
						    flag_words(rf));
				}
			}
		}
	}
	chk_done(&cf2);
	mpq_clear(G.scale);
	if (g.scale_big != NULL) {
		mpq_clear(g.scale_big);
		free(g.scale_big);
	}
}

static void
test_grids(void)
{
	static const struct {
		const char *name;
		int64_t zp;
	} widths[] = {
		{ "int4", -3 }, { "uint4", 7 }, { "int8", -17 }, { "uint8", 128 }
	};

	/* Every scale with zero point 0 and another, saturating and
	 * wrapping (8-bit grids, to save time: scales 1 and the long one
	 * with zero point 0 saturating, 0.1 and 0.03125 with the other zero
	 * point wrapping). */
	for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
		for (int si = 0; si < 4; si++)
			for (int z = 0; z < 2; z++)
				for (int wrap = 0; wrap < 2; wrap++)
					if (FMTN(widths[w].name)->bits <= 4 ||
					    (z == wrap && wrap == (si == 1 || si == 2)))
						grid_case(widths[w].name, si,
						    z ? widths[w].zp : 0, wrap);
}

int
main(void)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} parts[] = {
		{ "small formats", test_small_formats },
		{ "bf16 tf32 fp8e5m2 fp16", test_big_formats },
		{ "published figures", test_published },
		{ "facts", test_facts },
		{ "integer grids", test_grids },
	};

	fpv_ctx_init(&ctx);
	mpz_inits(tL, tR, tT, tN, (mpz_ptr)0);
	mpq_inits(qa, qb, gT, (mpq_ptr)0);
	mpz_inits(gN, gR, (mpz_ptr)0);
	for (int i = 0; i < 3; i++)
		xv_init(&xa[i]);
	xv_init(&xr);
	xv_init(&xt);
	src_fp64 = FMTN("fp64");
	src_fp32 = FMTN("fp32");
	src_fp16 = FMTN("fp16");
	src_bf16 = FMTN("bf16");
	ref_make(&ref_fp64, src_fp64);
	ref_make(&ref_fp32, src_fp32);
	ref_make(&ref_fp16, src_fp16);
	ref_make(&ref_bf16, src_bf16);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		clock_t t0 = clock();

		parts[i].run();
		if (getenv("FPV_TIMING") != NULL)
			diag("%s: %.2f s", parts[i].name,
			    (double)(clock() - t0) / CLOCKS_PER_SEC);
	}
	for (int i = 0; i < 3; i++)
		xv_clear(&xa[i]);
	xv_clear(&xr);
	xv_clear(&xt);
	mpq_clears(qa, qb, gT, (mpq_ptr)0);
	mpz_clears(gN, gR, (mpz_ptr)0);
	mpz_clears(tL, tR, tT, tN, (mpz_ptr)0);
	fpv_ctx_clear(&ctx);
	return tap_done();
}
