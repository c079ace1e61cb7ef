/*
 * nextup, nextdown and ulp: operations on a format's own grid of
 * values rather than on real numbers, so each column computes them on
 * its encodings, as numpy's nextafter (toward +inf or -inf) and spacing
 * do.
 *
 *   nextup(x)    the least value of the format above x (nextup(-0) and
 *                nextup(+0) are the least positive value; nextup(inf)
 *                is inf; nextup(-inf) is the most negative finite);
 *   nextdown(x)  -nextup(-x);
 *   ulp(x)       the spacing at x away from zero: nextup(x) - x for x
 *                >= +0, nextdown(x) - x for x <= -0 (so signed; ulp(inf)
 *                and ulp(nan) are nan, ulp(inf) raising invalid; at the
 *                largest finite value the next one is infinite: inf with
 *                overflow).
 * Past the end of a format without infinities (or below the least value
 * of an unsigned one) the result is what the format makes of a value
 * there: its overflow policy, or NaN with invalid.  On an integer grid
 * nextup and nextdown step the stored integer (out of range: the
 * overflow policy) and ulp is the scale.
 */
#include "num-impl.h"

/* The grid: q + d, saturated or wrapped as the format says. */
static uint64_t
grid_step(const struct fpv_format *f, fpv_i128 n, unsigned *flags)
{
	if (n > f->qmax || n < f->qmin) {
		if (f->overflow == FPV_OVF_WRAP) {
			*flags |= FPV_FLAG_WRAPPED | FPV_FLAG_INEXACT;
			return (uint64_t)(n & (fpv_i128)fpv_format_mask(f));
		}
		*flags |= FPV_FLAG_SATURATED | FPV_FLAG_INEXACT;
		n = n > 0 ? f->qmax : f->qmin;
	}
	return fpv_q_bits(f, (int64_t)n);
}

/* What f makes of the value past its end in direction dir, where it
 * has no code: beyond the largest magnitude, an infinity's treatment
 * (with overflow); below the least value of an unsigned format or of
 * one without zero, the rounding of a value there. */
static uint64_t
past_end(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    int dir, unsigned *flags)
{
	struct fpv_scratch s;
	mpfr_ptr x = fpv_scratch_init(&s, 2);
	struct fpv_operands o = { { x, NULL, NULL }, NULL };
	bool neg = fpv_bits_sign(f, b) != 0;

	if ((dir > 0) != neg) {
		mpfr_set_inf(x, dir);
		*flags |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		return fpv_float_round_op(f, FPV_OP_SET, &o, false, true,
		    fpv_float_rnd(c, f, FPV_OP_SET, &o), flags);
	}
	if (f->zero)		/* below zero in an unsigned format */
		mpfr_set_si_2exp(x, -1, f->emin - f->frac_bits, MPFR_RNDN);
	else			/* below the least value: zero */
		mpfr_set_zero(x, 1);
	return fpv_float_round_op(f, FPV_OP_SET, &o, false, false,
	    fpv_float_rnd(c, f, FPV_OP_SET, &o), flags);
}

/* nextup (dir 1) or nextdown (dir -1) of a float encoding. */
static uint64_t
float_next(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    int dir, unsigned *flags)
{
	uint64_t r;

	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_SNAN:
		*flags |= FPV_FLAG_INVALID;
		return fpv_float_nan(f);
	case FPV_CLASS_QNAN:
		return b;
	case FPV_CLASS_INF:
		/* nextup(inf) is inf, nextup(-inf) the most negative. */
		if ((dir > 0) == !fpv_bits_sign(f, b))
			return b;
		break;
	default:
		break;
	}
	if (!fpv_bits_neighbour(f, b, dir, &r))
		return past_end(c, f, b, dir, flags);
	if (fpv_bits_class(f, r) == FPV_CLASS_SUBNORMAL)
		*flags |= FPV_FLAG_SUBNORMAL;
	return r;
}

/* nextup, nextdown or ulp of the encoding b of f. */
uint64_t
fpv_num_next(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, uint64_t b, unsigned *flags)
{
	int dir;
	uint64_t a[2], r;

	if (f->kind == FPV_KIND_INT) {
		fpv_i128 q = fpv_bits_q(f, b);

		if (op == FPV_OP_ULP)
			return grid_step(f, (fpv_i128)f->zero_point + 1, flags);
		return grid_step(f, q + (op == FPV_OP_NEXTUP ? 1 : -1), flags);
	}
	if (op != FPV_OP_ULP)
		return float_next(c, f, b, op == FPV_OP_NEXTUP ? 1 : -1, flags);
	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_SNAN:
		*flags |= FPV_FLAG_INVALID;
		return fpv_float_nan(f);
	case FPV_CLASS_QNAN:
		return b;
	case FPV_CLASS_INF:
		*flags |= FPV_FLAG_INVALID;
		return fpv_float_nan(f);
	default:
		break;
	}
	dir = fpv_bits_sign(f, b) ? -1 : 1;
	if (!fpv_bits_neighbour(f, b, dir, &r) ||
	    fpv_bits_class(f, r) == FPV_CLASS_INF)
		return past_end(c, f, b, dir, flags);
	/* The difference of neighbours is exact. */
	a[0] = r;
	a[1] = b;
	r = fpv_float_op(c, f, FPV_OP_SUB, a, flags);
	*flags &= ~(unsigned)FPV_FLAG_CANCELLATION;
	return r;
}
