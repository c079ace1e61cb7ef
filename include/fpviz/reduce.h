/*
 * Reductions over a column's element codes with a chosen accumulator
 * format and order: sum, dot, mean, max, min, norm2, and softmax,
 * softmax_naive and logsumexp built from them; the reference of the
 * language's sum(v[, ACC[, ORDER]]) and its siblings.
 *
 * The elements are codes of the column's format F; the accumulator is a
 * format A (by default F).  Each element entering the accumulator is
 * converted to A (one rounding when A is narrower; exact when it is
 * wider), every operation of the reduction is an operation of the
 * numeric core in A, rounded once in the context's rounding mode, and
 * the result is rounded back to F.  Integer grids are formats like any
 * other here: an addition in a grid accumulator is rounded into the grid
 * and saturates or wraps as the grid's overflow setting says (flags
 * saturated, wrapped).  An accumulator format without a zero (E8M0) is
 * refused, except by max and min.
 *
 *   sum     the terms are the elements;
 *   dot     the terms are the products x[i] * y[i], each rounded to A
 *           (as tensor cores and mixed-precision BLAS do: products of
 *           F = fp16 elements are exact in an fp32 accumulator), then
 *           summed; no fused multiply-add;
 *   norm2   the terms are the squares x[i] * x[i], each rounded to A;
 *           then the square root of their sum, rounded to A (no
 *           scaling: a sum of squares that overflows A overflows);
 *   mean    the sum, then divided by n (the exact integer, not rounded
 *           into A) with one rounding into A;
 *   max,    the largest (smallest) element converted to A, rounded back
 *   min     (exact unless A is narrower); a NaN anywhere gives NaN, as
 *           NumPy's max and IEEE 754-2019's maximum do, and -0 < +0.
 *           The order does not matter to them: they scan left to right.
 *
 * Orders (of the additions):
 *   sequential  left to right: acc = t[0]; acc = acc + t[i] for i >= 1;
 *   pairwise    NumPy's pairwise_sum kernel (numpy/_core/src/umath/
 *               loops_utils.h.src), applied to the whole vector: n < 8:
 *               left to right; 8 <= n <= FPV_PAIRWISE_BLOCK (128): eight
 *               partial sums r[j] = t[j] + t[j+8] + t[j+16] + ... over
 *               the largest multiple of 8 terms, then ((r0 + r1) + (r2 +
 *               r3)) + ((r4 + r5) + (r6 + r7)), then the remaining n % 8
 *               terms left to right; n > 128: the first n2 = n/2 - (n/2
 *               mod 8) terms and the other n - n2 summed so, recursively,
 *               and added.  (NumPy starts a run of fewer than 8 from 0,
 *               which changes only the sign of a zero sum; np.sum may
 *               apply the kernel to pieces of an array, so its results
 *               can differ.)
 *   kahan       Kahan's compensated summation, every operation in A:
 *               sum = t[0], c = 0; for i >= 1: y = t[i] - c;
 *               s = sum + y; c = (s - sum) - y; sum = s.  The result is
 *               sum (c is not added back).
 *
 * Stochastic rounding: every rounding of a reduction takes the stream
 * number 2^63 + 16 k + role of num.h (fpv_sr_stream_reduce, enum
 * fpv_sr_reduce_role), k the index of its step among the steps recorded
 * below (the roundings after the additions: k = the number of steps),
 * at the caller's position c->sr_pos; softmax's and logsumexp's
 * subtractions and exps take 2^60 + i and 2^61 + i, softmax's divisions
 * i.  c->sr_elem is not read.
 *
 * Recording: a caller that wants to step through a reduction passes an
 * array of fpv_reduce_nsteps() steps; each records one operation of the
 * accumulator (the running value before and after, the term, flags).
 * With no array nothing is recorded and the loop does nothing more.
 *
 * softmax(v) = exp(v - max v) / sum(exp(v - max v)) and softmax_naive(v)
 * = exp(v) / sum(exp(v)) are computed as sequences: max (exact), v[i] -
 * max and exp in F, each rounded; the sum with the accumulator and
 * order as above, rounded back to F; each exp divided by it in F.
 * logsumexp(v) = m + log(sum(exp(v - m))) likewise, m = max v, the log
 * and the final addition in F.  No special cases: fp16's
 * softmax_naive([12, 1, 0]) overflows (exp 12 = 162754.79... > 65504)
 * and gives NaN, 0, 0, where softmax gives finite values.
 *
 * The exact reference (fpv_reduce_exact) applies the same definitions
 * to exact values: sums and products exact (the precision grows as the
 * exact reference's + and * do, up to FPV_EXACT_MAXPREC), the mean's
 * division and norm2's square root correctly rounded at FPV_EXACT_PREC
 * bits (or the operands' precision if higher), with no accumulator and
 * no order.  The exact reference of softmax and logsumexp is their
 * sequence of exact operations (fpv_num_exact_op: exp and log correctly
 * rounded at FPV_EXACT_PREC bits) around fpv_reduce_exact's max and sum.
 */
#ifndef FPVIZ_REDUCE_H
#define FPVIZ_REDUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fpviz/num.h"

/* The reductions (ORDER REDUCE: keep in step with fpv_reduce_names). */
enum fpv_reduce_op {
	FPV_REDUCE_SUM, FPV_REDUCE_DOT, FPV_REDUCE_MEAN, FPV_REDUCE_MAX,
	FPV_REDUCE_MIN, FPV_REDUCE_NORM2,
	FPV_REDUCE_COUNT
};

/* "sum", "dot", "mean", "max", "min", "norm2". */
extern const char *const fpv_reduce_names[FPV_REDUCE_COUNT];

/* The reduction called name[0..len), or -1. */
int fpv_reduce_by_name(const char *name, size_t len);

/* Orders of the additions (ORDER ORDER: keep in step with fpv_order_names). */
enum fpv_order {
	FPV_ORDER_SEQUENTIAL, FPV_ORDER_PAIRWISE, FPV_ORDER_KAHAN,
	FPV_ORDER_COUNT
};

/* "sequential", "pairwise", "kahan". */
extern const char *const fpv_order_names[FPV_ORDER_COUNT];

/* The order called name[0..len), or -1. */
int fpv_order_by_name(const char *name, size_t len);

/* The pairwise order's block size (NumPy's PW_BLOCKSIZE). */
#define FPV_PAIRWISE_BLOCK 128

/* What a recorded step did. */
enum fpv_step_kind {
	FPV_STEP_LOAD,		/* r = b: a term starts a (partial) sum */
	FPV_STEP_ADD,		/* r = a + b: a term added (kahan: b is the
				   corrected term y, c the new compensation) */
	FPV_STEP_COMBINE,	/* r = a + b: two partial sums added */
	FPV_STEP_MAX,		/* r = max(a, b) (or min) */
};

/* No element: a COMBINE step's index. */
#define FPV_STEP_NONE UINT32_MAX

/*
 * One operation of the accumulator, in A's codes.  b is the term: the
 * element converted to A (index says which; x[index] is the element
 * itself), the product or the square; for COMBINE the right partial sum.
 * flags are everything the step raised, the term's conversion and
 * product included (so an inexact flag may come from them: compare r
 * with the exact a + b, fpv_reduce_step_exact, for the addition alone).
 */
struct fpv_reduce_step {
	uint32_t index;		/* the element, or FPV_STEP_NONE */
	uint16_t flags;		/* FPV_FLAG_* */
	uint8_t kind;		/* enum fpv_step_kind */
	uint8_t lane;		/* pairwise: the partial sum r[lane] (0..7)
				   a LOAD or ADD works on; else 0 */
	uint64_t a, b, r;
	uint64_t c;		/* kahan: the compensation after; else 0 */
};

/* The inputs of a reduction. */
struct fpv_reduce_args {
	const struct fpv_format *elem;	/* F, the elements' (column's) format */
	const struct fpv_format *acc;	/* A, the accumulator's; NULL: F */
	enum fpv_order order;
	const uint64_t *x;		/* n codes of F */
	const uint64_t *y;		/* dot: ny codes of F */
	size_t n, ny;
	struct fpv_reduce_step *steps;	/* NULL: nothing recorded */
	size_t max_steps;		/* room in steps (>= fpv_reduce_nsteps,
					   unless window) */
	/* A window: record only the steps first_step .. first_step +
	 * max_steps - 1 (0-based, clipped to the reduction's), steps[0]
	 * the first of them; a viewer stepping through a long reduction
	 * keeps a few thousand steps, not one per element. */
	bool window;
	size_t first_step;
};

/* What a reduction gave. */
struct fpv_reduce_result {
	uint64_t bits;		/* the result in F */
	uint64_t acc;		/* the result in A, before rounding back */
	uint64_t sum;		/* the accumulator at the end of the
				   reduction (mean: before the division;
				   norm2: before the square root; softmax
				   and logsumexp: the sum of the exps) */
	uint64_t shift;		/* softmax, logsumexp: the max subtracted
				   (F); else 0 */
	unsigned flags;		/* every flag raised, rounding back included */
	unsigned final_flags;	/* those of the division or square root and
				   of the rounding back */
	size_t nsteps;		/* steps of the reduction (recorded or not) */
	size_t nabsorbed;	/* additions that absorbed a nonzero term */
	size_t ninexact;	/* steps that rounded (any of their parts) */
};

/* The number of steps fpv_reduce records for n elements (softmax and
 * logsumexp: those of their sum, op FPV_REDUCE_SUM). */
size_t fpv_reduce_nsteps(enum fpv_reduce_op op, enum fpv_order order,
    size_t n);

/*
 * Reduce a->x (and a->y) by op.  Returns 0 with *r filled, or -1 with
 * *why set to a static message: an empty vector for mean, max and min;
 * dot's lengths differ; an accumulator without zero; too little room
 * for the steps; more than UINT32_MAX elements with recording.
 */
int fpv_reduce(const struct fpv_ctx *c, enum fpv_reduce_op op,
    const struct fpv_reduce_args *a, struct fpv_reduce_result *r,
    const char **why);

/*
 * softmax (naive: softmax_naive) of a->x into out[0..n) (codes of F);
 * elem_flags, if not NULL, gets each element's flags (subtraction, exp,
 * division).  r->bits is the sum in F, r->shift the max (0 for naive).
 * The sum's steps are recorded as for FPV_REDUCE_SUM.  Returns 0, or -1
 * with *why (an empty vector, ...).
 */
int fpv_softmax(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    bool naive, uint64_t *out, unsigned *elem_flags,
    struct fpv_reduce_result *r, const char **why);

/* logsumexp of a->x: r->bits the result in F, r->acc the sum in A
 * (before its rounding back), r->shift the max.  0, or -1 with *why. */
int fpv_logsumexp(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    struct fpv_reduce_result *r, const char **why);

/*
 * The exact value of a recorded step's operation into out (initialized;
 * its precision is set): a + b for ADD and COMBINE, b for LOAD, r for
 * MAX.  Exact for float accumulators; for a grid whose scale is not a
 * power of two, rounded to nearest at FPV_EXACT_PREC bits.  What the
 * step's addition lost is out - r.
 */
void fpv_reduce_step_exact(const struct fpv_ctx *c,
    const struct fpv_format *acc, const struct fpv_reduce_step *s,
    mpfr_ptr out);

/*
 * The exact reference of op over the exact values x[0..n) (and y for
 * dot) into out (initialized; its precision is set), by the rules
 * above.  Returns 0 if out is the exact result, nonzero if it was
 * rounded (1); -1 with *why for an empty mean, max or min.
 */
int fpv_reduce_exact(enum fpv_reduce_op op, mpfr_srcptr const *x,
    mpfr_srcptr const *y, size_t n, mpfr_ptr out, const char **why);

#endif
