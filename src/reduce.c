/*
 * Reductions with a chosen accumulator and order (reduce.h), on the
 * numeric core's operations: every step is fpv_num_op or
 * fpv_num_convert in the accumulator format, so each takes the core's
 * machine paths (fp32 and fp64 on the machine, fp16 in integers) where
 * the format has them.  Exact widenings between float formats (fp16 to
 * fp32, say) are done on the encodings, without MPFR.
 *
 * One engine (struct red) serves every reduction: term(i) makes the
 * i-th term in the accumulator (element, product or square), add() adds
 * two accumulator values, step() counts and records.  The pairwise
 * order follows NumPy's kernel exactly, including its eight partial
 * sums and its split of long runs at multiples of 8.
 */
#include <stdlib.h>
#include <string.h>

#include "fpviz/reduce.h"

_Static_assert(FPV_FLAG_COUNT <= 16, "step flags are 16 bits");

/* ORDER REDUCE */
const char *const fpv_reduce_names[FPV_REDUCE_COUNT] = {
	"sum", "dot", "mean", "max", "min", "norm2"
};

/* ORDER ORDER */
const char *const fpv_order_names[FPV_ORDER_COUNT] = {
	"sequential", "pairwise", "kahan"
};

/* The index of name[0..len) in names[0..n), or -1. */
static int
find_name(const char *const *names, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	return -1;
}

int
fpv_reduce_by_name(const char *name, size_t len)
{
	return find_name(fpv_reduce_names, FPV_REDUCE_COUNT, name, len);
}

int
fpv_order_by_name(const char *name, size_t len)
{
	return find_name(fpv_order_names, FPV_ORDER_COUNT, name, len);
}

/* ---- Formats ----------------------------------------------------------- */

/* Do f and g describe the same format with the same settings (so that a
 * code of one is the same value in the other)? */
static bool
same_format(const struct fpv_format *f, const struct fpv_format *g)
{
	if (f == g)
		return true;
	if (f->kind != g->kind || f->bits != g->bits || f->sign != g->sign ||
	    f->overflow != g->overflow)
		return false;
	if (f->kind == FPV_KIND_INT)
		return f->scale_big == NULL && g->scale_big == NULL &&
		    f->scale_num == g->scale_num &&
		    f->scale_den == g->scale_den &&
		    f->zero_point == g->zero_point;
	return f->exp_bits == g->exp_bits && f->frac_bits == g->frac_bits &&
	    f->bias == g->bias && f->top == g->top &&
	    f->subnormals == g->subnormals && f->zero == g->zero;
}

/*
 * Is every value of float format f exactly a value of float format g
 * that a conversion by encodings can write: g has f's precision or more,
 * its range and quantum, IEEE infinities and NaN, subnormals, zero and
 * a sign if f has one.
 */
static bool
widens(const struct fpv_format *f, const struct fpv_format *g)
{
	return f->kind == FPV_KIND_FLOAT && g->kind == FPV_KIND_FLOAT &&
	    g->top == FPV_TOP_IEEE && g->subnormals && g->zero && f->zero &&
	    (g->sign || !f->sign) && f->prec <= g->prec &&
	    f->emax <= g->emax &&
	    f->emin - f->frac_bits >= g->emin - g->frac_bits;
}

/* Convert b of f into g when widens(f, g): exactly, by the encodings;
 * a signalling NaN raises invalid, as fpv_num_convert does. */
static uint64_t
widen_code(const struct fpv_format *f, const struct fpv_format *g,
    uint64_t b, unsigned *flags)
{
	uint64_t sign = fpv_bits_sign(f, b) ? fpv_format_signbit(g) : 0, c;
	int q, len;
	long E;

	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_ZERO:
		return sign;
	case FPV_CLASS_INF:
		return sign | ((((uint64_t)1 << g->exp_bits) - 1) <<
		    g->frac_bits);
	case FPV_CLASS_SNAN:
		*flags |= FPV_FLAG_INVALID;
		return g->qnan;
	case FPV_CLASS_QNAN:
		return g->qnan;
	default:
		break;
	}
	fpv_bits_parts(f, b, &c, &q);	/* |value| = c * 2^q */
	len = 64 - __builtin_clzll(c);
	E = (long)q + len - 1;		/* value = 1.x * 2^E */
	if (E < g->emin)		/* subnormal in g */
		return sign | (c << (q - (g->emin - g->frac_bits)));
	c <<= g->frac_bits - (len - 1);
	return sign | ((uint64_t)(E + g->bias) << g->frac_bits) |
	    (c & (((uint64_t)1 << g->frac_bits) - 1));
}

/* An order-preserving key of a non-NaN code of f: value order, with
 * -0 below +0. */
static int64_t
order_key(const struct fpv_format *f, uint64_t b)
{
	if (f->kind == FPV_KIND_INT)
		return fpv_bits_q(f, b);
	if (f->sign && fpv_bits_sign(f, b)) {
		uint64_t mag = b & ~fpv_format_signbit(f);

		return -(int64_t)mag - 1;
	}
	return (int64_t)b;
}

/* Is b a NaN of f? */
static bool
is_nan(const struct fpv_format *f, uint64_t b)
{
	enum fpv_class k;

	if (f->kind == FPV_KIND_INT || !f->has_nan)
		return false;
	k = fpv_bits_class(f, b);
	return k == FPV_CLASS_QNAN || k == FPV_CLASS_SNAN;
}

/* The code of 0 in f (a grid: its zero point's q). */
static uint64_t
zero_code(const struct fpv_ctx *c, const struct fpv_format *f)
{
	mpfr_t z;
	struct fpv_real r = { .approx = z };
	unsigned fl = 0;
	uint64_t b;

	if (f->kind == FPV_KIND_FLOAT)
		return 0;
	mpfr_init2(z, FPV_EXACT_PREC);
	mpfr_set_zero(z, 1);
	b = fpv_num_round_real(c, f, &r, &fl);
	mpfr_clear(z);
	return b;
}

/* ---- The engine ------------------------------------------------------- */

struct red {
	const struct fpv_ctx *c;
	struct fpv_ctx sc;		/* stochastic rounding: c with the
					   stream of each rounding */
	bool sr;
	const struct fpv_format *F, *A;
	int conv;			/* 0 same format, 1 widening, 2 general */
	enum fpv_reduce_op op;
	const uint64_t *x, *y;
	struct fpv_reduce_step *steps;
	size_t nsteps;
	size_t from, room;		/* the steps recorded: [from, from +
					   room) */
	unsigned flags;
	size_t nabsorbed, ninexact;
};

/* The context of a rounding of the role (enum fpv_sr_reduce_role) in
 * the current step: in stochastic rounding, with its stream number
 * 2^63 + 16 k + role (num.h), k the step's index. */
static inline const struct fpv_ctx *
at(struct red *R, unsigned role)
{
	if (!R->sr)
		return R->c;
	R->sc.sr_elem = fpv_sr_stream_reduce(R->nsteps, role);
	return &R->sc;
}

/* x (a code of F) in A. */
static inline uint64_t
to_acc(struct red *R, uint64_t x, unsigned role, unsigned *fl)
{
	if (R->conv == 0)
		return x;
	if (R->conv == 1)
		return widen_code(R->F, R->A, x, fl);
	return fpv_num_convert(at(R, role), R->A, R->F, x, fl);
}

/* A binary operation in A. */
static inline uint64_t
op2(struct red *R, enum fpv_op op, uint64_t a, uint64_t b, unsigned role,
    unsigned *fl)
{
	uint64_t args[2] = { a, b };

	return fpv_num_op(at(R, role), R->A, op, args, fl);
}

/* The i-th term in A. */
static inline uint64_t
term(struct red *R, size_t i, unsigned *fl)
{
	uint64_t t = to_acc(R, R->x[i], FPV_SR_TERM_X, fl);

	switch (R->op) {
	case FPV_REDUCE_DOT:
		return op2(R, FPV_OP_MUL, t, to_acc(R, R->y[i], FPV_SR_TERM_Y,
		    fl), FPV_SR_PRODUCT, fl);
	case FPV_REDUCE_NORM2:
		return op2(R, FPV_OP_MUL, t, t, FPV_SR_PRODUCT, fl);
	default:
		return t;
	}
}

/* Count (and record) one step; add_fl are the flags of its addition. */
static inline void
step(struct red *R, enum fpv_step_kind kind, size_t index, int lane,
    uint64_t a, uint64_t b, uint64_t r, uint64_t cc, unsigned fl,
    unsigned add_fl)
{
	R->flags |= fl;
	R->ninexact += (fl & FPV_FLAG_INEXACT) != 0;
	R->nabsorbed += (add_fl & FPV_FLAG_ABSORBED) != 0;
	if (R->steps != NULL && R->nsteps - R->from < R->room) {
		struct fpv_reduce_step *s = &R->steps[R->nsteps - R->from];

		s->index = (uint32_t)index;
		s->flags = (uint16_t)fl;
		s->kind = (uint8_t)kind;
		s->lane = (uint8_t)lane;
		s->a = a;
		s->b = b;
		s->r = r;
		s->c = cc;
	}
	R->nsteps++;
}

/* A term loaded as the start of a sum. */
static inline uint64_t
load(struct red *R, size_t i, int lane)
{
	unsigned fl = 0;
	uint64_t t = term(R, i, &fl);

	step(R, FPV_STEP_LOAD, i, lane, 0, t, t, 0, fl, 0);
	return t;
}

/* acc + term i. */
static inline uint64_t
add_term(struct red *R, uint64_t acc, size_t i, int lane)
{
	unsigned fl = 0, afl = 0;
	uint64_t t = term(R, i, &fl);
	uint64_t s = op2(R, FPV_OP_ADD, acc, t, FPV_SR_ADD, &afl);

	step(R, FPV_STEP_ADD, i, lane, acc, t, s, 0, fl | afl, afl);
	return s;
}

/* Two partial sums added. */
static inline uint64_t
combine(struct red *R, uint64_t a, uint64_t b)
{
	unsigned afl = 0;
	uint64_t s = op2(R, FPV_OP_ADD, a, b, FPV_SR_ADD, &afl);

	step(R, FPV_STEP_COMBINE, FPV_STEP_NONE, 0, a, b, s, 0, afl, afl);
	return s;
}

/* Left to right over [lo, lo + n), n >= 1. */
static uint64_t
sum_sequential(struct red *R, size_t lo, size_t n)
{
	uint64_t acc = load(R, lo, 0);

	for (size_t i = 1; i < n; i++)
		acc = add_term(R, acc, lo + i, 0);
	return acc;
}

/* NumPy's pairwise_sum over [lo, lo + n), n >= 1. */
static uint64_t
sum_pairwise(struct red *R, size_t lo, size_t n)
{
	if (n < 8)
		return sum_sequential(R, lo, n);
	if (n <= FPV_PAIRWISE_BLOCK) {
		uint64_t r[8], res;
		size_t i;

		for (int j = 0; j < 8; j++)
			r[j] = load(R, lo + (size_t)j, j);
		for (i = 8; i < n - n % 8; i += 8)
			for (int j = 0; j < 8; j++)
				r[j] = add_term(R, r[j], lo + i + (size_t)j, j);
		res = combine(R, combine(R, combine(R, r[0], r[1]),
		    combine(R, r[2], r[3])), combine(R, combine(R, r[4], r[5]),
		    combine(R, r[6], r[7])));
		for (; i < n; i++)
			res = add_term(R, res, lo + i, 0);
		return res;
	}
	{
		size_t n2 = n / 2;
		uint64_t a, b;

		n2 -= n2 % 8;
		a = sum_pairwise(R, lo, n2);
		b = sum_pairwise(R, lo + n2, n - n2);
		return combine(R, a, b);
	}
}

/* Kahan's compensated sum over [0, n), n >= 1. */
static uint64_t
sum_kahan(struct red *R, size_t n, uint64_t zero)
{
	uint64_t sum = load(R, 0, 0), comp = zero;

	for (size_t i = 1; i < n; i++) {
		unsigned fl = 0, afl = 0;
		uint64_t t = term(R, i, &fl), y, s, d;

		y = op2(R, FPV_OP_SUB, t, comp, FPV_SR_KAHAN_Y, &fl);
		s = op2(R, FPV_OP_ADD, sum, y, FPV_SR_ADD, &afl);
		d = op2(R, FPV_OP_SUB, s, sum, FPV_SR_KAHAN_D, &fl);
		comp = op2(R, FPV_OP_SUB, d, y, FPV_SR_KAHAN_C, &fl);
		step(R, FPV_STEP_ADD, i, 0, sum, y, s, comp, fl | afl, afl);
		sum = s;
	}
	return sum;
}

/* Max (want > 0) or min of the elements in A, NaN-propagating. */
static uint64_t
scan_extreme(struct red *R, size_t n, int want)
{
	uint64_t best = load(R, 0, 0);
	bool nan = is_nan(R->A, best);

	for (size_t i = 1; i < n; i++) {
		unsigned fl = 0;
		uint64_t t = to_acc(R, R->x[i], FPV_SR_TERM_X, &fl), r = best;

		if (!nan) {
			if (is_nan(R->A, t)) {
				r = t;
				nan = true;
			} else {
				int64_t kt = order_key(R->A, t);
				int64_t kb = order_key(R->A, best);

				if (want > 0 ? kt > kb : kt < kb)
					r = t;
			}
		}
		step(R, FPV_STEP_MAX, i, 0, best, t, r, 0, fl, 0);
		best = r;
	}
	if (nan && fpv_bits_class(R->A, best) == FPV_CLASS_SNAN) {
		R->flags |= FPV_FLAG_INVALID;
		best = R->A->qnan;
	}
	return best;
}

/* Steps of NumPy's pairwise kernel over n >= 1 terms. */
static size_t
pairwise_steps(size_t n)
{
	if (n < 8)
		return n;
	if (n <= FPV_PAIRWISE_BLOCK)
		return n + 7;
	{
		size_t n2 = n / 2;

		n2 -= n2 % 8;
		return pairwise_steps(n2) + pairwise_steps(n - n2) + 1;
	}
}

size_t
fpv_reduce_nsteps(enum fpv_reduce_op op, enum fpv_order order, size_t n)
{
	if (n == 0)
		return 0;
	if (op == FPV_REDUCE_MAX || op == FPV_REDUCE_MIN ||
	    order != FPV_ORDER_PAIRWISE)
		return n;
	return pairwise_steps(n);
}

/* Set up the engine for a; NULL on success, else the error. */
static const char *
red_init(struct red *R, const struct fpv_ctx *c, enum fpv_reduce_op op,
    const struct fpv_reduce_args *a)
{
	const struct fpv_format *A = a->acc != NULL ? a->acc : a->elem;

	memset(R, 0, sizeof *R);
	R->c = c;
	R->sc = *c;
	R->sr = c->round == FPV_RND_STOCHASTIC;
	R->F = a->elem;
	R->A = A;
	R->op = op;
	R->x = a->x;
	R->y = a->y;
	R->steps = a->steps;
	R->from = a->window ? a->first_step : 0;
	R->room = a->max_steps;
	if (same_format(R->F, A))
		R->conv = 0;
	else if (widens(R->F, A) && !c->emulate_only)
		R->conv = 1;
	else
		R->conv = 2;
	if ((unsigned)a->order >= FPV_ORDER_COUNT)
		return "unknown order";
	if (op == FPV_REDUCE_DOT && a->ny != a->n)
		return "dot: the vectors' lengths differ";
	if (a->n == 0 && (op == FPV_REDUCE_MEAN || op == FPV_REDUCE_MAX ||
	    op == FPV_REDUCE_MIN))
		return op == FPV_REDUCE_MEAN ? "mean of an empty vector" :
		    op == FPV_REDUCE_MAX ? "max of an empty vector" :
		    "min of an empty vector";
	if (A->kind == FPV_KIND_FLOAT && !A->zero &&
	    op != FPV_REDUCE_MAX && op != FPV_REDUCE_MIN)
		return "the accumulator format has no zero";
	if (a->steps != NULL) {
		if (a->n > UINT32_MAX - 1)
			return "too many elements to record the steps";
		if (!a->window &&
		    a->max_steps < fpv_reduce_nsteps(op, a->order, a->n))
			return "too little room for the steps";
	}
	return NULL;
}

/* The sum of the terms in A by the order (n >= 1). */
static uint64_t
red_sum(struct red *R, enum fpv_order order, size_t n)
{
	switch (order) {
	case FPV_ORDER_PAIRWISE:
		return sum_pairwise(R, 0, n);
	case FPV_ORDER_KAHAN:
		return sum_kahan(R, n, zero_code(R->c, R->A));
	default:
		return sum_sequential(R, 0, n);
	}
}

/* v (a code of A) in F, the rounding back. */
static uint64_t
back(struct red *R, uint64_t v, unsigned *fl)
{
	if (R->conv == 0)
		return v;
	return fpv_num_convert(at(R, FPV_SR_BACK), R->F, R->A, v, fl);
}

/* The sum s of A divided by the integer n, rounded once into A (from
 * the exact rational; an infinite or NaN sum stays as it is, a
 * signalling NaN made quiet). */
static uint64_t
divide_exact(const struct fpv_ctx *c, const struct fpv_format *A,
    uint64_t s, size_t n, unsigned *fl)
{
	mpq_t v;
	uint64_t b;

	if (A->kind == FPV_KIND_FLOAT) {
		switch (fpv_bits_class(A, s)) {
		case FPV_CLASS_SNAN:
			*fl |= FPV_FLAG_INVALID;
			return A->qnan;
		case FPV_CLASS_QNAN: case FPV_CLASS_INF:
			return s;
		default:
			break;
		}
	}
	mpq_init(v);
	if (A->kind == FPV_KIND_INT) {
		fpv_grid_value(A, s, v);
	} else {
		mpfr_t x;

		mpfr_init2(x, A->prec);
		fpv_num_decode(c, A, s, x);
		mpfr_get_q(v, x);
		mpfr_clear(x);
		if (mpq_sgn(v) == 0 && fpv_bits_sign(A, s)) {
			/* -0 / n is -0 */
			mpq_clear(v);
			return s;
		}
	}
	mpz_mul_ui(mpq_denref(v), mpq_denref(v), (unsigned long)n);
	mpq_canonicalize(v);
	b = fpv_num_round_q(c, A, v, fl);
	mpq_clear(v);
	return b;
}

int
fpv_reduce(const struct fpv_ctx *c, enum fpv_reduce_op op,
    const struct fpv_reduce_args *a, struct fpv_reduce_result *r,
    const char **why)
{
	struct red R;
	uint64_t v, fin;
	unsigned ffl = 0;

	memset(r, 0, sizeof *r);
	if ((*why = red_init(&R, c, op, a)) != NULL)
		return -1;
	if (a->n == 0) {
		/* An empty sum, dot or norm2: zero. */
		v = zero_code(c, R.A);
		r->sum = r->acc = v;
		r->bits = back(&R, v, &ffl);
		r->flags = r->final_flags = ffl;
		return 0;
	}
	switch (op) {
	case FPV_REDUCE_MAX:
	case FPV_REDUCE_MIN:
		v = scan_extreme(&R, a->n, op == FPV_REDUCE_MAX ? 1 : -1);
		fin = v;
		break;
	default:
		v = red_sum(&R, a->order, a->n);
		if (op == FPV_REDUCE_MEAN)
			fin = divide_exact(at(&R, FPV_SR_FINISH), R.A, v, a->n,
			    &ffl);
		else if (op == FPV_REDUCE_NORM2)
			fin = fpv_num_op(at(&R, FPV_SR_FINISH), R.A, FPV_OP_SQRT,
			    &v, &ffl);
		else
			fin = v;
		break;
	}
	r->sum = v;
	r->acc = fin;
	r->bits = back(&R, fin, &ffl);
	r->final_flags = ffl;
	r->flags = R.flags | ffl;
	r->nsteps = R.nsteps;
	r->nabsorbed = R.nabsorbed;
	r->ninexact = R.ninexact;
	return 0;
}

/* ---- softmax and logsumexp ------------------------------------------ */

/* The exps of softmax or logsumexp into e[0..n) (codes of F): exp(x[i]
 * - m), or exp(x[i]) when naive; per-element flags into ef (or not). */
static void
exps(const struct fpv_ctx *c, const struct fpv_format *F, const uint64_t *x,
    size_t n, bool naive, uint64_t m, uint64_t *e, unsigned *ef,
    unsigned *all)
{
	/* Stochastic rounding: element i's subtraction and exp have the
	 * streams 2^60 + i and 2^61 + i (num.h). */
	struct fpv_ctx sc = *c;

	for (size_t i = 0; i < n; i++) {
		unsigned fl = 0;
		uint64_t d = x[i];

		if (!naive) {
			uint64_t args[2] = { x[i], m };

			sc.sr_elem = fpv_sr_stream_pre(i, 1);
			d = fpv_num_op(&sc, F, FPV_OP_SUB, args, &fl);
		}
		sc.sr_elem = fpv_sr_stream_pre(i, 2);
		e[i] = fpv_num_op(&sc, F, FPV_OP_EXP, &d, &fl);
		if (ef != NULL)
			ef[i] = fl;
		*all |= fl;
	}
}

/* The max of a->x in F (for the shift); its flags into *all. */
static uint64_t
max_of(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    unsigned *all)
{
	struct fpv_reduce_args m = *a;
	struct fpv_reduce_result r;
	const char *why;

	m.acc = NULL;			/* the max is exact in F (no
					   rounding: no stream needed) */
	m.steps = NULL;
	fpv_reduce(c, FPV_REDUCE_MAX, &m, &r, &why);
	*all |= r.flags;
	return r.bits;
}

/* The sum of e[0..n) (codes of F) by a's accumulator and order into r. */
static int
sum_of(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    const uint64_t *e, struct fpv_reduce_result *r, const char **why)
{
	struct fpv_reduce_args s = *a;

	s.x = e;
	s.y = NULL;
	return fpv_reduce(c, FPV_REDUCE_SUM, &s, r, why);
}

int
fpv_softmax(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    bool naive, uint64_t *out, unsigned *elem_flags,
    struct fpv_reduce_result *r, const char **why)
{
	const struct fpv_format *F = a->elem;
	struct fpv_ctx sc = *c;
	unsigned all = 0;
	uint64_t m = 0;

	memset(r, 0, sizeof *r);
	if (a->n == 0) {
		*why = "softmax of an empty vector";
		return -1;
	}
	if (!naive)
		m = max_of(c, a, &all);
	exps(c, F, a->x, a->n, naive, m, out, elem_flags, &all);
	if (sum_of(c, a, out, r, why) != 0)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		unsigned fl = 0;
		uint64_t args[2] = { out[i], r->bits };

		sc.sr_elem = i;		/* element i's value: stream i */
		out[i] = fpv_num_op(&sc, F, FPV_OP_DIV, args, &fl);
		if (elem_flags != NULL)
			elem_flags[i] |= fl;
		all |= fl;
	}
	r->shift = m;
	r->flags |= all;
	return 0;
}

int
fpv_logsumexp(const struct fpv_ctx *c, const struct fpv_reduce_args *a,
    struct fpv_reduce_result *r, const char **why)
{
	const struct fpv_format *F = a->elem;
	struct fpv_ctx sc;
	unsigned all = 0, fl = 0;
	uint64_t m, l, *e, args[2];

	memset(r, 0, sizeof *r);
	if (a->n == 0) {
		*why = "logsumexp of an empty vector";
		return -1;
	}
	if ((e = malloc(a->n * sizeof *e)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	m = max_of(c, a, &all);
	exps(c, F, a->x, a->n, false, m, e, NULL, &all);
	if (sum_of(c, a, e, r, why) != 0) {
		free(e);
		return -1;
	}
	free(e);
	sc = *c;
	sc.sr_elem = fpv_sr_stream_reduce(r->nsteps, FPV_SR_LSE_LOG);
	l = fpv_num_op(&sc, F, FPV_OP_LOG, &r->bits, &fl);
	args[0] = m;
	args[1] = l;
	r->acc = r->sum;
	sc.sr_elem = fpv_sr_stream_reduce(r->nsteps, FPV_SR_LSE_ADD);
	r->bits = fpv_num_op(&sc, F, FPV_OP_ADD, args, &fl);
	r->shift = m;
	r->final_flags |= fl;
	r->flags |= all | fl;
	return 0;
}

/* ---- Exact values ------------------------------------------------------ */

/* The value of code b of grid or float f exactly (grids with a scale
 * that is not dyadic: to nearest at FPV_EXACT_PREC bits) into out. */
static void
exact_value(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    mpfr_ptr out)
{
	mpfr_set_prec(out, f->kind == FPV_KIND_FLOAT ? f->prec :
	    FPV_EXACT_PREC);
	fpv_num_decode(c, f, b, out);
}

void
fpv_reduce_step_exact(const struct fpv_ctx *c, const struct fpv_format *acc,
    const struct fpv_reduce_step *s, mpfr_ptr out)
{
	mpfr_t a, b;
	mpfr_srcptr args[2];

	if (s->kind == FPV_STEP_LOAD || s->kind == FPV_STEP_MAX) {
		exact_value(c, acc, s->kind == FPV_STEP_LOAD ? s->b : s->r,
		    out);
		return;
	}
	mpfr_init2(a, 64);
	mpfr_init2(b, 64);
	if (acc->kind == FPV_KIND_INT) {
		/* scale * (qa + qb - 2 zero_point), exactly, then once to
		 * nearest. */
		mpq_t va, vb;

		mpq_init(va);
		mpq_init(vb);
		fpv_grid_value(acc, s->a, va);
		fpv_grid_value(acc, s->b, vb);
		mpq_add(va, va, vb);
		mpfr_set_prec(out, FPV_EXACT_PREC);
		mpfr_set_q(out, va, MPFR_RNDN);
		mpq_clear(va);
		mpq_clear(vb);
	} else {
		exact_value(c, acc, s->a, a);
		exact_value(c, acc, s->b, b);
		args[0] = a;
		args[1] = b;
		fpv_num_exact_op(FPV_OP_ADD, out, args);
	}
	mpfr_clear(a);
	mpfr_clear(b);
}

/* out = a + b exactly as the exact reference adds (out is not a or b). */
static int
exact_add(mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr b)
{
	mpfr_srcptr args[2] = { a, b };

	return fpv_num_exact_op(FPV_OP_ADD, out, args) != 0;
}

int
fpv_reduce_exact(enum fpv_reduce_op op, mpfr_srcptr const *x,
    mpfr_srcptr const *y, size_t n, mpfr_ptr out, const char **why)
{
	mpfr_t acc[2], t;
	int cur = 0, rounded = 0;

	if (n == 0) {
		if (op == FPV_REDUCE_MEAN || op == FPV_REDUCE_MAX ||
		    op == FPV_REDUCE_MIN) {
			*why = op == FPV_REDUCE_MEAN ?
			    "mean of an empty vector" : op == FPV_REDUCE_MAX ?
			    "max of an empty vector" :
			    "min of an empty vector";
			return -1;
		}
		mpfr_set_prec(out, FPV_EXACT_PREC);
		mpfr_set_zero(out, 1);
		return 0;
	}
	if (op == FPV_REDUCE_MAX || op == FPV_REDUCE_MIN) {
		size_t best = 0;

		for (size_t i = 0; i < n; i++) {
			int cmp;

			if (mpfr_nan_p(x[i])) {
				best = i;
				break;
			}
			cmp = mpfr_cmp(x[i], x[best]);
			if (cmp == 0 && mpfr_zero_p(x[i]))
				/* -0 < +0 */
				cmp = (mpfr_signbit(x[best]) != 0) -
				    (mpfr_signbit(x[i]) != 0);
			if (op == FPV_REDUCE_MAX ? cmp > 0 : cmp < 0)
				best = i;
		}
		mpfr_set_prec(out, mpfr_get_prec(x[best]));
		mpfr_set(out, x[best], MPFR_RNDN);
		return 0;
	}
	mpfr_init2(acc[0], FPV_EXACT_PREC);
	mpfr_init2(acc[1], FPV_EXACT_PREC);
	mpfr_init2(t, FPV_EXACT_PREC);
	for (size_t i = 0; i < n; i++) {
		mpfr_srcptr term = x[i];

		if (op == FPV_REDUCE_DOT || op == FPV_REDUCE_NORM2) {
			mpfr_srcptr args[2] = { x[i],
			    op == FPV_REDUCE_DOT ? y[i] : x[i] };

			rounded |= fpv_num_exact_op(FPV_OP_MUL, t, args) != 0;
			term = t;
		}
		if (i == 0) {
			mpfr_set_prec(acc[cur], mpfr_get_prec(term));
			mpfr_set(acc[cur], term, MPFR_RNDN);
		} else {
			rounded |= exact_add(acc[!cur], acc[cur], term);
			cur = !cur;
		}
	}
	switch (op) {
	case FPV_REDUCE_MEAN: {
		mpfr_prec_t p = mpfr_get_prec(acc[cur]);

		mpfr_set_prec(out, p > FPV_EXACT_PREC ? p : FPV_EXACT_PREC);
		rounded |= mpfr_div_ui(out, acc[cur], (unsigned long)n,
		    MPFR_RNDN) != 0;
		break;
	}
	case FPV_REDUCE_NORM2: {
		mpfr_srcptr args[1] = { acc[cur] };

		rounded |= fpv_num_exact_op(FPV_OP_SQRT, out, args) != 0;
		break;
	}
	default:
		mpfr_set_prec(out, mpfr_get_prec(acc[cur]));
		mpfr_set(out, acc[cur], MPFR_RNDN);
		break;
	}
	mpfr_clear(acc[0]);
	mpfr_clear(acc[1]);
	mpfr_clear(t);
	return rounded;
}
