/*
 * Rounding into any binary float format of format.h, emulated with GNU
 * MPFR.
 *
 * An operation is computed by MPFR directly at the format's precision p
 * with an unbounded exponent, which gives the result "rounded as if the
 * exponent range were unbounded" that IEEE 754 uses to define overflow
 * and (after-rounding) tininess.  When that result is below the normal
 * range, the operation is computed again from its exact operands at the
 * coarser precision of the subnormal grid, so the subnormal result too
 * is rounded once.  MPFR's exponent range is never changed.
 *
 * The descriptor decides the rest:
 *   - overflow: a result above the largest finite number (for E4M3 that
 *     is 448, S.1111.110: 464 rounds to it, 465 rounds beyond) becomes
 *     what the format's overflow policy says: IEEE's infinity or largest
 *     number (by rounding mode), NaN where IEEE would give infinity, or
 *     the largest number always (saturate);
 *   - an exact infinity (x/0) in a format without one follows the same
 *     policy, raising overflow as well;
 *   - NaN in a format without NaN (FP6, FP4) is -0, as ml_dtypes has it
 *     (the MX specification leaves it to the implementation);
 *   - without subnormals a tiny result is 0 or the smallest normal
 *     number; without zero (E8M0) it is the smallest number, and an
 *     exact zero is NaN (saturate: the smallest number);
 *   - a negative number in an unsigned format is NaN (invalid).
 * Ties in precision 1 (E8M0) go away from zero, as MPFR and ml_dtypes
 * both round them.
 */
#include <limits.h>
#include <string.h>

#include "num-impl.h"

/* The value 0 of f with the sign of neg (unsigned formats: +0). */
static uint64_t
signed_zero(const struct fpv_format *f, bool neg)
{
	return neg ? fpv_format_signbit(f) : 0;
}

/* The result of an operation that has no number. */
uint64_t
fpv_float_nan(const struct fpv_format *f)
{
	return f->has_nan ? f->qnan : signed_zero(f, true);
}

/* Is b a signalling NaN of f? */
bool
fpv_float_is_snan(const struct fpv_format *f, uint64_t b)
{
	return fpv_bits_class(f, b) == FPV_CLASS_SNAN;
}

/* The infinity of f with sign neg (f has one). */
static uint64_t
inf_code(const struct fpv_format *f, bool neg)
{
	return signed_zero(f, neg) |
	    ((((uint64_t)1 << f->exp_bits) - 1) << f->frac_bits);
}

/* Decode an encoding exactly into x. */
void
fpv_float_decode(const struct fpv_format *f, uint64_t b, mpfr_ptr x)
{
	int sign = fpv_bits_sign(f, b);
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;

	/* Most encodings are normal numbers below the top binade. */
	switch (e - 1 < emask - 1 ? FPV_CLASS_NORMAL : fpv_bits_class(f, b)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		mpfr_set_nan(x);
		return;
	case FPV_CLASS_INF:
		mpfr_set_inf(x, sign ? -1 : 1);
		return;
	case FPV_CLASS_ZERO:
		mpfr_set_zero(x, sign ? -1 : 1);
		return;
	case FPV_CLASS_SUBNORMAL:
		mpfr_set_ui_2exp(x, m, f->emin - f->frac_bits, MPFR_RNDN);
		break;
	default:
		mpfr_set_ui_2exp(x, m | ((uint64_t)1 << f->frac_bits),
		    (long)e - f->bias - f->frac_bits, MPFR_RNDN);
		break;
	}
	if (sign)
		mpfr_neg(x, x, MPFR_RNDN);
}

/* Decode into a scratch number of the format's precision, building
 * MPFR's representation directly. */
mpfr_ptr
fpv_float_scratch(struct fpv_scratch *s, const struct fpv_format *f,
    uint64_t b)
{
	int p = f->prec, sign = fpv_bits_sign(f, b) ? -1 : 1;
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
	long k;
	int lz;

	mpfr_custom_init(s->limbs, p);
	switch (e - 1 < emask - 1 ? FPV_CLASS_NORMAL : fpv_bits_class(f, b)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		mpfr_custom_init_set(s->x, MPFR_NAN_KIND, 0, p, s->limbs);
		return s->x;
	case FPV_CLASS_INF:
		mpfr_custom_init_set(s->x, sign * MPFR_INF_KIND, 0, p, s->limbs);
		return s->x;
	case FPV_CLASS_ZERO:
		mpfr_custom_init_set(s->x, sign * MPFR_ZERO_KIND, 0, p,
		    s->limbs);
		return s->x;
	case FPV_CLASS_SUBNORMAL:
		k = f->emin - f->frac_bits;
		break;
	default:
		m |= (uint64_t)1 << f->frac_bits;
		k = (long)e - f->bias - f->frac_bits;
		break;
	}
	/* value = m * 2^k = 0.1... * 2^(k + bit length of m) */
	lz = __builtin_clzll(m);
	s->limbs[0] = m << lz;
	s->limbs[1] = 0;
	mpfr_custom_init_set(s->x, sign * MPFR_REGULAR_KIND, k + 64 - lz, p,
	    s->limbs);
	return s->x;
}

/* Encode x, a finite value representable in f, or zero. */
static uint64_t
encode(const struct fpv_format *f, mpfr_srcptr x)
{
	uint64_t sign = signed_zero(f, mpfr_signbit(x) != 0);
	mpfr_prec_t prec = mpfr_get_prec(x);
	const mp_limb_t *mp;
	uint64_t top, mant;
	long e, E;

	if (mpfr_zero_p(x))
		return sign;
	/* The top limb holds the significand, most significant bit first;
	 * x has at most 64 significant bits, all in that limb. */
	mp = mpfr_custom_get_significand(x);
	top = mp[(prec - 1) / mp_bits_per_limb];
	e = mpfr_get_exp(x);		/* x = 0.1... * 2^e */
	E = e - 1;			/* x = 1.... * 2^E */
	if (E >= f->emin) {
		mant = top >> (64 - f->prec);
		return sign | ((uint64_t)(E + f->bias) << f->frac_bits) |
		    (mant & (((uint64_t)1 << f->frac_bits) - 1));
	}
	/* Subnormal: the significand relative to 2^(emin - frac_bits). */
	mant = top >> (64 - (e - f->emin + f->frac_bits));
	return sign | mant;
}

/* The result of an overflow with sign neg in mode rnd, by the policy. */
static uint64_t
overflow_value(const struct fpv_format *f, bool neg, mpfr_rnd_t rnd)
{
	/* Where IEEE 754 gives infinity rather than the largest number. */
	bool to_inf = rnd == MPFR_RNDN || rnd == MPFR_RNDA ||
	    (rnd == MPFR_RNDU && !neg) || (rnd == MPFR_RNDD && neg);
	uint64_t max = signed_zero(f, neg) | f->max_code;

	switch (f->overflow) {
	case FPV_OVF_INF:
		return to_inf && f->has_inf ? inf_code(f, neg) : max;
	case FPV_OVF_NAN:
		return to_inf && f->has_nan ? f->qnan : max;
	default:
		return max;
	}
}

/* Is the regular r (already rounded to f's precision) above the largest
 * finite number of f? */
static inline __attribute__((always_inline)) bool
above_max(const struct fpv_format *f, mpfr_srcptr r)
{
	long E = mpfr_get_exp(r) - 1;
	const mp_limb_t *mp;
	uint64_t sig, maxsig;

	if (E != f->emax)
		return E > f->emax;
	/* The top binade: compare the significand with the largest one
	 * (less than all ones in E4M3, whose S.1111.111 is NaN). */
	mp = mpfr_custom_get_significand(r);
	sig = mp[(mpfr_get_prec(r) - 1) / mp_bits_per_limb] >> (64 - f->prec);
	maxsig = (f->max_code & (((uint64_t)1 << f->frac_bits) - 1)) |
	    ((uint64_t)1 << f->frac_bits);
	return sig > maxsig;
}

/* Round op(o) into f: the heart of the emulation. */
uint64_t
fpv_float_round_op(const struct fpv_format *f, int op,
    const struct fpv_operands *o, bool nan_in, bool inf_in, mpfr_rnd_t rnd,
    unsigned *flags)
{
	int p = f->prec, emin = f->emin;
	struct fpv_scratch rs;
	mpfr_ptr r = fpv_scratch_init(&rs, p);
	bool tiny = false, neg, movf, munf;
	uint64_t bits;
	int t;
	long E;

	/* Operands of a format are within 2^+-2^16, so arithmetic on them
	 * stays far inside MPFR's exponent range; only the transcendental
	 * functions and rounding a literal's stand-in can leave it. */
	mpfr_clear_flags();
	t = fpv_num_compute(op, r, o, rnd);
	movf = mpfr_overflow_p() != 0;
	munf = mpfr_underflow_p() != 0;
	if (mpfr_nan_p(r)) {
		if (!nan_in || !f->has_nan)
			*flags |= FPV_FLAG_INVALID;
		return fpv_float_nan(f);
	}
	neg = mpfr_signbit(r) != 0;
	if (!f->sign && neg) {
		if (mpfr_zero_p(r))
			mpfr_neg(r, r, MPFR_RNDN);	/* -0 is +0 */
		else {
			/* No negative numbers in an unsigned format. */
			*flags |= FPV_FLAG_INVALID;
			return f->has_nan ? f->qnan : 0;
		}
		neg = false;
	}
	if (movf || (mpfr_regular_p(r) && above_max(f, r))) {
		*flags |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		return overflow_value(f, neg, rnd);
	}
	if (mpfr_inf_p(r)) {
		if (!inf_in && !nan_in)
			*flags |= FPV_FLAG_DIVBYZERO;
		if (f->has_inf && f->overflow == FPV_OVF_INF)
			return inf_code(f, neg);
		/* No infinity to store: the overflow policy decides. */
		*flags |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		return f->overflow == FPV_OVF_NAN && f->has_nan ? f->qnan :
		    signed_zero(f, neg) | f->max_code;
	}
	if (mpfr_zero_p(r)) {
		if (f->zero)
			return encode(f, r);
		/* No zero (E8M0): NaN, or the smallest number when saturating. */
		if (f->overflow == FPV_OVF_SATURATE || !f->has_nan) {
			*flags |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
			return 0;
		}
		*flags |= FPV_FLAG_INVALID;
		return f->qnan;
	}
	if (munf) {
		/* Far below the subnormals: MPFR itself underflowed. */
		tiny = true;
		E = LONG_MIN;
	} else {
		E = mpfr_get_exp(r) - 1;
		tiny = E < emin;
	}
	if (tiny && !f->zero) {
		/* Nothing below the smallest number 2^emin. */
		*flags |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
		return 0;
	}
	if (tiny && !f->subnormals) {
		/* Flush: 0 or the smallest normal 2^emin, by the mode (in
		 * nearest, half of 2^emin is a tie, to 0, the even one). */
		bool up;

		if (rnd == MPFR_RNDN) {
			int c = E == LONG_MIN ? -1 :
			    mpfr_cmp_si_2exp(r, neg ? -1 : 1, emin - 1);

			if (neg)
				c = -c;
			/* r was rounded: an r equal to the half says by its
			 * ternary on which side the exact value is. */
			if (c == 0 && t != 0)
				c = (t < 0) != neg ? 1 : -1;
			up = c > 0;
		} else {
			up = rnd == MPFR_RNDA ||
			    (rnd == MPFR_RNDU && !neg) ||
			    (rnd == MPFR_RNDD && neg);
		}
		*flags |= FPV_FLAG_UNDERFLOW | FPV_FLAG_INEXACT;
		return signed_zero(f, neg) |
		    (up ? (uint64_t)1 << f->frac_bits : 0);
	}
	if (tiny) {
		/* Round again from the operands onto the subnormal grid,
		 * whose spacing is 2^(emin - frac_bits). */
		long q = E == LONG_MIN ? -1 : E - (emin - f->frac_bits) + 1;

		if (q >= 1) {
			r = fpv_scratch_init(&rs, q);
			t = fpv_num_compute(op, r, o, rnd);
		} else {
			/* Below the smallest subnormal: 0 or the smallest
			 * subnormal.  In nearest mode, more than half of the
			 * smallest subnormal goes up; exactly half ties to 0. */
			bool up;

			if (rnd == MPFR_RNDN)
				up = q == 0 && (mpfr_cmp_si_2exp(r,
				    neg ? -1 : 1, emin - f->frac_bits - 1) != 0 ||
				    (neg ? t > 0 : t < 0));
			else
				up = rnd == MPFR_RNDA ||
				    (rnd == MPFR_RNDU && !neg) ||
				    (rnd == MPFR_RNDD && neg);
			if (up)
				mpfr_set_si_2exp(r, neg ? -1 : 1,
				    emin - f->frac_bits, MPFR_RNDN);
			else
				mpfr_set_zero(r, neg ? -1 : 1);
			t = 1;
		}
		if (t != 0)
			*flags |= FPV_FLAG_UNDERFLOW;
	}
	if (t != 0)
		*flags |= FPV_FLAG_INEXACT;
	bits = encode(f, r);
	if (fpv_bits_class(f, bits) == FPV_CLASS_SUBNORMAL)
		*flags |= FPV_FLAG_SUBNORMAL;
	return bits;
}

/* Stochastic rounding's direction for op(o) into f (num-impl.h). */
mpfr_rnd_t
fpv_float_rnd_sr(const struct fpv_ctx *c, const struct fpv_format *f,
    int op, const struct fpv_operands *o)
{
	int p = f->prec, q;
	struct fpv_scratch rs, ts;
	mpfr_ptr r = fpv_scratch_init(&rs, p + 64);
	const mp_limb_t *mp;
	uint64_t hi, lo, D;
	bool more;
	long E;
	int t;

	/* The exact value truncated at 64 bits below the format's last
	 * place: truncation keeps its exponent, hence the grid there. */
	t = fpv_num_compute(op, r, o, MPFR_RNDZ);
	if (!mpfr_regular_p(r)) {
		/* A nonzero value below MPFR's range truncates to 0. */
		if (mpfr_zero_p(r) && t != 0)
			return fpv_sr_away(c, f, 0, true) ? MPFR_RNDA :
			    MPFR_RNDZ;
		return MPFR_RNDZ;	/* exact: zero, infinity, NaN */
	}
	E = mpfr_get_exp(r) - 1;
	if (E >= f->emin) {
		/* At least one unit beyond the largest number: overflow. */
		if (above_max(f, r))
			return MPFR_RNDA;
		q = p;
	} else if (!f->zero) {
		return MPFR_RNDZ;	/* the least number either way */
	} else if (f->subnormals) {
		q = (int)(E - (f->emin - f->frac_bits) + 1);
	} else {
		q = (int)(E - f->emin + 1);	/* between 0 and 2^emin */
	}
	if (q + 64 < 1) {
		D = 0;			/* below 2^-64 units */
		more = true;
	} else {
		if (q != p) {
			mpfr_ptr s = fpv_scratch_init(&ts, q + 64);
			int t2 = mpfr_set(s, r, MPFR_RNDZ);

			t |= t2;
			r = s;
		}
		/* The significand, most significant bit first, from the
		 * top limb: D is its bits q .. q + 63 (bits before the
		 * leading one are 0). */
		mp = mpfr_custom_get_significand(r);
		{
			size_t n = (size_t)(mpfr_get_prec(r) + 63) / 64;

			hi = mp[n - 1];
			lo = n >= 2 ? mp[n - 2] : 0;
		}
		if (q <= 0)
			D = hi >> -q;
		else
			D = (hi << q) | (lo >> (64 - q));
		more = t != 0;
	}
	if (D == 0 && !more)
		return MPFR_RNDZ;	/* on the grid: exact */
	return fpv_sr_away(c, f, D, more) ? MPFR_RNDA : MPFR_RNDZ;
}

/*
 * Round x into f when the result is a normal number inside the range:
 * the significand's top bits, the rounding bits and a sticky bit decide
 * it, as hardware does.  Returns false (and does nothing) for anything
 * else.
 */
static bool
round_normal(const struct fpv_format *f, mpfr_srcptr x, enum fpv_round rnd,
    uint64_t *bits, unsigned *flags)
{
	int p = f->prec;
	mpfr_prec_t prec = mpfr_get_prec(x);
	const mp_limb_t *mp;
	size_t n;
	uint64_t top, m, rest, half = (uint64_t)1 << 63;
	bool neg, sticky = false, inc;
	long E;

	if (!mpfr_regular_p(x) || p > 63 || p < 2 || mp_bits_per_limb != 64)
		return false;
	neg = mpfr_signbit(x) != 0;
	if (neg && !f->sign)
		return false;
	E = mpfr_get_exp(x) - 1;
	if (E < f->emin || E > f->emax)
		return false;
	mp = mpfr_custom_get_significand(x);
	n = (size_t)((prec + 63) / 64);
	top = mp[n - 1];
	for (size_t i = 0; i + 1 < n && !sticky; i++)
		sticky = mp[i] != 0;
	m = top >> (64 - p);
	rest = top << p;		/* the dropped bits, as a fraction */
	switch (rnd) {
	case FPV_RND_NEAREST:
		inc = rest > half || (rest == half && (sticky || (m & 1)));
		break;
	case FPV_RND_UP:
		inc = !neg && (rest || sticky);
		break;
	case FPV_RND_DOWN:
		inc = neg && (rest || sticky);
		break;
	case FPV_RND_STOCHASTIC:
		return false;	/* the general path */
	default:
		inc = false;
		break;
	}
	if (inc && ++m == (uint64_t)1 << p) {
		m >>= 1;
		if (++E > f->emax)
			return false;	/* overflow: the general path */
	}
	*bits = ((uint64_t)(E + f->bias) << f->frac_bits) |
	    (m & (((uint64_t)1 << f->frac_bits) - 1));
	if (*bits > f->max_code)
		return false;		/* above E4M3's 448: the general path */
	*bits |= signed_zero(f, neg);
	if (rest || sticky)
		*flags |= FPV_FLAG_INEXACT;
	return true;
}

/* Round a real (exact, or rounded to odd at FPV_EXACT_PREC) into f. */
uint64_t
fpv_float_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    mpfr_srcptr x, unsigned *flags)
{
	uint64_t b;
	struct fpv_operands o = { { x, NULL, NULL }, NULL };

	if (round_normal(f, x, c->round, &b, flags))
		return b;
	/* An exact zero is the format's zero of its sign (+0 in an
	 * unsigned format), raising nothing: what the general path gives,
	 * at a fraction of its cost (a quantized tensor is mostly zeros). */
	if (mpfr_zero_p(x) && f->zero)
		return signed_zero(f, f->sign && mpfr_signbit(x));
	return fpv_float_round_op(f, FPV_OP_SET, &o, mpfr_nan_p(x),
	    mpfr_inf_p(x), fpv_float_rnd(c, f, FPV_OP_SET, &o), flags);
}

/* Did a +- b = r lose a nonzero operand entirely (r is the other one)? */
static bool
absorbed(enum fpv_op op, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr r)
{
	if (!mpfr_number_p(r))
		return false;
	if (!mpfr_zero_p(b) && mpfr_equal_p(r, a))
		return true;
	if (mpfr_zero_p(a) || mpfr_cmpabs(r, b) != 0)
		return false;
	/* r == b for a + b; r == -b for a - b. */
	return (mpfr_signbit(r) == mpfr_signbit(b)) == (op == FPV_OP_ADD);
}

/* An operation on encodings of f by the emulation. */
uint64_t
fpv_float_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;
	struct fpv_scratch s[3];
	struct fpv_operands o = { { NULL, NULL, NULL }, NULL };
	bool nan_in = false, inf_in = false, snan_in = false;
	uint64_t bits;

	for (int i = 0; i < n; i++) {
		mpfr_ptr x = fpv_float_scratch(&s[i], f, args[i]);

		o.a[i] = x;
		nan_in |= mpfr_nan_p(x) != 0;
		inf_in |= mpfr_inf_p(x) != 0;
		snan_in |= fpv_float_is_snan(f, args[i]);
	}
	if (snan_in) {
		*flags |= FPV_FLAG_INVALID;
		return fpv_float_nan(f);
	}
	/* A NaN operand gives NaN quietly, except where C99 says otherwise
	 * (min/max return the other operand, pow(1, NaN) is 1,
	 * hypot(inf, NaN) is inf). */
	if (nan_in && op != FPV_OP_MIN && op != FPV_OP_MAX &&
	    op != FPV_OP_POW && op != FPV_OP_HYPOT)
		return fpv_float_nan(f);
	bits = fpv_float_round_op(f, op, &o, nan_in, inf_in,
	    fpv_float_rnd(c, f, op, &o), flags);
	if ((op == FPV_OP_ADD || op == FPV_OP_SUB) && !nan_in && !inf_in &&
	    fpv_bits_class(f, bits) != FPV_CLASS_QNAN) {
		struct fpv_scratch rs;
		mpfr_ptr r = fpv_float_scratch(&rs, f, bits);

		if (fpv_num_cancelled(f, op, o.a, r) > 0)
			*flags |= FPV_FLAG_CANCELLATION;
		if (absorbed(op, o.a[0], o.a[1], r))
			*flags |= FPV_FLAG_ABSORBED;
	}
	return bits;
}
