/*
 * Internals shared by the files of the numeric core (not installed, not
 * for the rest of the program):
 *
 *   num.c        operations table, MPFR dispatch, contexts, public entry
 *                points that choose a path by the format's kind;
 *   real.c       literals read once, exactly (decimal, hex, inf, nan);
 *   num-float.c  rounding into any binary float format (MPFR emulation);
 *   num-fast.c   fpv_num_op, and the machine paths it tries first: fp16 in
 *                integers, fp32/fp64 on the machine's SSE unit;
 *   num-int.c    integer grids of any width: quantize, saturate/wrap;
 *   num-next.c   nextup, nextdown, ulp: steps on a format's own grid.
 */
#ifndef FPVIZ_NUM_IMPL_H
#define FPVIZ_NUM_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "fpviz/num.h"

/* Pseudo-operations: rounding a value that is already known. */
enum { FPV_OP_SET = FPV_OP_COUNT, FPV_OP_SETQ };

/* The operands of one computation: MPFR values, or one rational. */
struct fpv_operands {
	mpfr_srcptr a[3];
	mpq_srcptr q;
};

/* Scratch MPFR numbers on the stack, for precisions up to 128 bits. */
#define FPV_SCRATCH_LIMBS 2
struct fpv_scratch {
	mp_limb_t limbs[FPV_SCRATCH_LIMBS];
	mpfr_t x;
};

/* Make s an MPFR number of precision prec (<= 128) backed by its limbs. */
static inline mpfr_ptr
fpv_scratch_init(struct fpv_scratch *s, mpfr_prec_t prec)
{
	mpfr_custom_init(s->limbs, prec);
	mpfr_custom_init_set(s->x, MPFR_ZERO_KIND, 0, prec, s->limbs);
	return s->x;
}

typedef __int128 fpv_i128;

/* Does mode rnd round the kept part up, given the dropped part (above,
 * at or below half: cmp > 0, = 0, < 0; nonzero: inexact)? */
static inline bool
fpv_round_up_p(enum fpv_round rnd, bool neg, bool odd, int cmp, bool inexact)
{
	switch (rnd) {
	case FPV_RND_NEAREST:
		return cmp > 0 || (cmp == 0 && odd);
	case FPV_RND_UP:
		return inexact && !neg;
	case FPV_RND_DOWN:
		return inexact && neg;
	default:
		return false;
	}
}

/* num.c: evaluate op (an enum fpv_op or FPV_OP_SET/SETQ) on o into r,
 * rounded to r's precision by rnd; MPFR's ternary value. */
int fpv_num_compute(int op, mpfr_ptr r, const struct fpv_operands *o,
    mpfr_rnd_t rnd);

/* num.c: can op be computed exactly on rationals? */
bool fpv_num_op_rational(int op);

/* real.c: 10^k for 0 <= k <= 19. */
extern const uint64_t fpv_pow10_u64[20];

/* real.c: the literal r's text as m * 10^e with at most 19 digits and
 * |e| <= 19 (what fpv_real_parse found, or read now); false otherwise. */
bool fpv_real_short(const struct fpv_real *r, uint64_t *m, int *e);


/* num-float.c: decode an encoding exactly into x (precision >= f->prec). */
void fpv_float_decode(const struct fpv_format *f, uint64_t b, mpfr_ptr x);

/* num-float.c: decode into a scratch number of the format's precision. */
mpfr_ptr fpv_float_scratch(struct fpv_scratch *s, const struct fpv_format *f,
    uint64_t b);

/* num-float.c: round op(o) into f (nan_in: some operand is NaN; inf_in:
 * some operand is infinite), with the flags and markers of a result. */
uint64_t fpv_float_round_op(const struct fpv_format *f, int op,
    const struct fpv_operands *o, bool nan_in, bool inf_in, mpfr_rnd_t rnd,
    unsigned *flags);

/* num-float.c: stochastic rounding's direction for op(o) into f:
 * MPFR_RNDA (away from zero) or MPFR_RNDZ as fpv_sr_away decides on
 * the exact fraction dropped (num.h); MPFR_RNDA for a result beyond the
 * largest finite number by at least one unit (it overflows, as to
 * nearest); MPFR_RNDZ when nothing is dropped. */
mpfr_rnd_t fpv_float_rnd_sr(const struct fpv_ctx *c,
    const struct fpv_format *f, int op, const struct fpv_operands *o);

/* The MPFR rounding of one rounding of op(o) into f in c's mode. */
static inline mpfr_rnd_t
fpv_float_rnd(const struct fpv_ctx *c, const struct fpv_format *f, int op,
    const struct fpv_operands *o)
{
	if (c->round != FPV_RND_STOCHASTIC)
		return fpv_round_mpfr(c->round);
	return fpv_float_rnd_sr(c, f, op, o);
}

/* num-float.c: an operation on encodings of f by the emulation. */
uint64_t fpv_float_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags);

/* num-float.c: is b a signalling NaN of f? */
bool fpv_float_is_snan(const struct fpv_format *f, uint64_t b);

/* num-float.c: the result f gives when an operation has no number (NaN, or
 * f's stand-in for it when f has none). */
uint64_t fpv_float_nan(const struct fpv_format *f);

/* num-next.c: nextup, nextdown or ulp (op) of the encoding b of f. */
uint64_t fpv_num_next(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, uint64_t b, unsigned *flags);

/* num-int.c: an operation on the grid. */
uint64_t fpv_grid_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags);

/* num-int.c: quantize an MPFR value (exact, or rounded to odd). */
uint64_t fpv_grid_quantize_fr(const struct fpv_ctx *c,
    const struct fpv_format *f, mpfr_srcptr v, bool exact, bool inf_in,
    unsigned *flags);

/* num-int.c: quantize an exact rational. */
uint64_t fpv_grid_quantize_q(const struct fpv_ctx *c,
    const struct fpv_format *f, mpq_srcptr v, unsigned *flags);

/* num-int.c: q = round(num / den) + zero_point in c's rounding mode,
 * saturated or wrapped as f says, with the grid's flags (inexact,
 * underflow: a nonzero num rounded to 0, saturated, wrapped); den != 0,
 * |num| and |den| below 2^126.  The exact quotient, rounded once. */
uint64_t fpv_grid_quantize_ratio(const struct fpv_ctx *c,
    const struct fpv_format *f, fpv_i128 num, fpv_i128 den, unsigned *flags);

/* num-int.c: the encoding of the value 0 (q = zero point). */
uint64_t fpv_grid_zero(const struct fpv_format *f);

#endif
