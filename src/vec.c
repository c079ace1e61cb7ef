/*
 * Vectors in the language: the steps whose value is a vector (vector
 * literals, fill, linspace, randn, load, elementwise operations and
 * casts, variables holding vectors, softmax) and the steps that read
 * vectors (indexing, len, the reductions), and the per-tensor error
 * figures of a vector.
 *
 * Every element of every column is computed by the numeric core's own
 * entry points (fpv_num_op, fpv_num_convert, fpv_num_round_real), as a
 * scalar step is, from that column's own elements; scalars are
 * broadcast.  Each element's exact reference is computed by exact.c
 * from its operands' references (fpv_exact_op), its working precision
 * raised until it is certified to FPV_EXACT_GOAL bits or the operands
 * allow no more, and then fixed: a vector's elements are not refined
 * later.  A reduction's reference is computed from the exact elements
 * (sums and products exact while rationals fit, else balls) and fixed
 * too, so that the scalar steps built on it refine only their own
 * operations.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/npy.h"
#include "fpviz/reduce.h"
#include "fpviz/rng.h"
#include "fpviz/trace.h"

/* Elements between two looks at fpv_interrupt. */
#define POLL 4096

/* ---- Storage -------------------------------------------------------- */

static void figures_drop(struct fpv_vec *v);

/* A vector of n elements in ncols columns, its exacts those of src if
 * not NULL, else its own. */
static struct fpv_vec *
vec_alloc(size_t n, int ncols, const struct fpv_vec *src)
{
	struct fpv_vec *v = calloc(1, sizeof *v);
	size_t cells = n * (size_t)ncols;

	if (v == NULL)
		return NULL;
	v->n = n;
	v->ncols = ncols;
	v->refs = 1;
	v->bits = calloc(cells ? cells : 1, sizeof *v->bits);
	v->flags = calloc(cells ? cells : 1, sizeof *v->flags);
	if (src != NULL) {
		v->exact = src->exact;
		v->exact_refs = src->exact_refs;
	} else {
		v->exact = malloc((n ? n : 1) * sizeof *v->exact);
		v->exact_refs = malloc(sizeof *v->exact_refs);
	}
	if (v->bits == NULL || v->flags == NULL || v->exact == NULL ||
	    v->exact_refs == NULL) {
		free(v->bits);
		free(v->flags);
		if (src == NULL) {
			free(v->exact);
			free(v->exact_refs);
		}
		free(v);
		return NULL;
	}
	if (src != NULL) {
		(*v->exact_refs)++;
	} else {
		*v->exact_refs = 1;
		for (size_t j = 0; j < n; j++)
			fpv_exact_init(&v->exact[j]);
	}
	return v;
}

struct fpv_vec *
fpv_vec_new(size_t n, int ncols)
{
	return vec_alloc(n, ncols, NULL);
}

struct fpv_vec *
fpv_vec_new_sharing(size_t n, int ncols, const struct fpv_vec *src)
{
	return vec_alloc(n, ncols, src);
}

void
fpv_vec_unref(struct fpv_vec *v)
{
	if (v == NULL || --v->refs > 0)
		return;
	if (--*v->exact_refs == 0) {
		for (size_t j = 0; j < v->n; j++)
			fpv_exact_clear(&v->exact[j]);
		free(v->exact);
		free(v->exact_refs);
	}
	if (v->quant != NULL)
		for (int f = 0; f < v->ncols; f++)
			fpv_quant_clear(&v->quant[f]);
	free(v->quant);
	figures_drop(v);
	free(v->bits);
	free(v->flags);
	free(v);
}

/* ---- Helpers -------------------------------------------------------- */

/* Fill err with a located message at byte off of the line. */
static int __attribute__((format(printf, 4, 5)))
fail(const struct fpv_trace *t, uint32_t off, struct fpv_error *err,
    const char *fmt, ...)
{
	va_list ap;

	err->line = t->line;
	err->col = fpv_parse_column(t->ast.src, off);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* The name of node n's function or operator, for messages. */
static const char *
node_name(const struct fpv_trace *t, const struct fpv_node *n, char *buf,
    size_t size)
{
	snprintf(buf, size, "%.*s", (int)(n->toklen > 32 ? 32 : n->toklen),
	    t->ast.src + n->tok);
	return buf;
}

/* A new vector of n elements in t's columns; NULL if out of memory. */
static struct fpv_vec *
vec_make(const struct fpv_trace *t, size_t n)
{
	struct fpv_vec *v = fpv_vec_new(n, fpv_trace_ncols(t));

	if (v != NULL)
		memcpy(v->fmt, t->ctx.cols, sizeof v->fmt);
	return v;
}

/* The same, its exact references src's (src->n elements). */
static struct fpv_vec *
vec_make_sharing(const struct fpv_trace *t, const struct fpv_vec *src)
{
	struct fpv_vec *v = fpv_vec_new_sharing(src->n, fpv_trace_ncols(t),
	    src);

	if (v != NULL)
		memcpy(v->fmt, t->ctx.cols, sizeof v->fmt);
	return v;
}

/* Make v (a reference the caller gives up) step st's value; -1 if out
 * of memory (v is then released). */
static int
vec_attach(struct fpv_trace *t, struct fpv_step *st, struct fpv_vec *v)
{
	if (t->nvecs == 0)
		t->nvecs = 1;
	if (t->nvecs >= t->capvecs) {
		size_t cap = t->capvecs ? 2 * t->capvecs : 8;
		struct fpv_vec **nv = realloc(t->vecs, cap * sizeof *nv);

		if (nv == NULL) {
			fpv_vec_unref(v);
			return -1;
		}
		t->vecs = nv;
		t->capvecs = cap;
	}
	t->vecs[0] = NULL;
	t->vecs[t->nvecs] = v;
	st->vec = (uint32_t)t->nvecs++;
	fpv_exact_set_nan(&st->exact);
	for (int f = 0; f < v->ncols; f++)
		for (size_t j = 0; j < v->n; j++)
			t->sticky[f] |= v->flags[(size_t)f * v->n + j];
	return 0;
}

/* Release the vectors of t's last line. */
void
fpv_vec_trace_reset(struct fpv_trace *t)
{
	for (size_t k = 1; k < t->nvecs; k++)
		fpv_vec_unref(t->vecs[k]);
	if (t->nvecs > 1)
		t->nvecs = 1;
	memset(t->absorbed, 0, sizeof t->absorbed);
}

/* Release all of t's vectors and their array. */
void
fpv_vec_trace_free(struct fpv_trace *t)
{
	fpv_vec_trace_reset(t);
	free(t->vecs);
	t->vecs = NULL;
	t->nvecs = t->capvecs = 0;
}

/* out = op(a...) certified to FPV_EXACT_GOAL bits where the operands
 * allow, then fixed. */
static void
elem_op(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *a)
{
	slong p = FPV_EXACT_PREC0;

	fpv_exact_op(out, op, a, p);
	while (!fpv_exact_good(out, FPV_EXACT_GOAL) &&
	    (out->kind == FPV_EXACT_BALL || out->kind == FPV_EXACT_LOST) &&
	    p < FPV_EXACT_CAP && !fpv_interrupted()) {
		p *= 4;
		fpv_exact_op(out, op, a, p);
	}
	if (out->kind == FPV_EXACT_BALL || out->kind == FPV_EXACT_LOST)
		out->fixed = true;
}

static void
elem_op2(struct fpv_exact *out, enum fpv_op op, const struct fpv_exact *a,
    const struct fpv_exact *b)
{
	const struct fpv_exact *args[3] = { a, b, NULL };

	elem_op(out, op, args);
}

/* A number of FPV_EXACT_PREC bits on the stack. */
struct stacknum {
	mp_limb_t l[(FPV_EXACT_PREC + 63) / 64];
	mpfr_t x;
};

static mpfr_ptr
stacknum_init(struct stacknum *s)
{
	mpfr_custom_init(s->l, FPV_EXACT_PREC);
	mpfr_custom_init_set(s->x, MPFR_ZERO_KIND, 0, FPV_EXACT_PREC, s->l);
	return s->x;
}

/* Round the real r into element j of every column of v (stochastic
 * rounding: stream j). */
static void
round_real(const struct fpv_trace *t, struct fpv_vec *v, size_t j,
    const struct fpv_real *r)
{
	struct fpv_ctx c = t->ctx;

	c.sr_elem = j;
	for (int f = 0; f < v->ncols; f++) {
		unsigned fl = 0;

		v->bits[(size_t)f * v->n + j] = fpv_num_round_real(&c,
		    fpv_trace_format(t, f), r, &fl);
		v->flags[(size_t)f * v->n + j] = (uint16_t)fl;
	}
}

/* Round the exact x into element j of every column of v. */
static void
round_exact(const struct fpv_trace *t, struct fpv_vec *v, size_t j,
    const struct fpv_exact *x)
{
	struct stacknum sn;
	struct fpv_real r = { .approx = stacknum_init(&sn) };

	r.inexact = fpv_exact_get_odd(sn.x, x);
	round_real(t, v, j, &r);
}

/*
 * Step k's value as a whole number in [lo, hi] into *out; -1 with err
 * (what: "the length of fill") if it is a vector, not a whole number
 * or out of the range.
 */
static int
whole(const struct fpv_trace *t, uint32_t k, double lo, double hi,
    const char *what, double *out, struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[k];
	const struct fpv_exact *x = &fpv_trace_step(t, k)->exact;
	mpfr_t m;
	double d;
	bool ok;

	if (fpv_trace_vec(t, k) != NULL)
		return fail(t, n->start, err, "%s must be a number, not a "
		    "vector", what);
	mpfr_init2(m, 64);
	fpv_exact_get_mpfr(m, x);
	ok = x->kind == FPV_EXACT_Q && mpfr_integer_p(m);
	d = mpfr_get_d(m, MPFR_RNDN);
	mpfr_clear(m);
	if (!ok)
		return fail(t, n->start, err, "%s must be a whole number",
		    what);
	if (!(d >= lo && d <= hi))
		return fail(t, n->start, err, "%s must be from %.0f to %.0f",
		    what, lo, hi);
	*out = d;
	return 0;
}

/* ---- Vector-valued steps -------------------------------------------- */

/* A vector literal [a, b, ...]: its elements' steps, as they are. */
static int
step_literal(struct fpv_trace *t, size_t i, struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const uint32_t *arg = t->ast.ext + n->args[0];
	size_t cnt = n->args[1];
	struct fpv_vec *v;

	for (size_t j = 0; j < cnt; j++)
		if (fpv_trace_vec(t, arg[j]) != NULL)
			return fail(t, t->ast.nodes[arg[j]].start, err,
			    "a vector's element must be a number, not a "
			    "vector");
	if (cnt > FPV_VEC_MAX)
		return fail(t, n->start, err, "vector too long (limit %u "
		    "elements)", FPV_VEC_MAX);
	if ((v = vec_make(t, cnt)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (size_t j = 0; j < cnt; j++) {
		const struct fpv_cell *c = fpv_trace_cells(t, arg[j]);

		fpv_exact_refine(t, arg[j], FPV_EXACT_VAR_BITS);
		for (int f = 0; f < v->ncols; f++) {
			v->bits[(size_t)f * cnt + j] = c[f].bits;
			v->flags[(size_t)f * cnt + j] = (uint16_t)c[f].flags;
		}
		fpv_exact_set(&v->exact[j], &fpv_trace_step(t, arg[j])->exact);
		if (v->exact[j].kind == FPV_EXACT_BALL)
			v->exact[j].fixed = true;
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* fill(n, x). */
static int
step_fill(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_cell *c;
	const struct fpv_exact *x;
	struct fpv_vec *v;
	double d;
	size_t len;

	if (whole(t, arg[0], 1, FPV_VEC_MAX, "the length of fill", &d,
	    err) < 0)
		return -1;
	if (fpv_trace_vec(t, arg[1]) != NULL)
		return fail(t, t->ast.nodes[arg[1]].start, err, "the value "
		    "of fill must be a number, not a vector");
	len = (size_t)d;
	fpv_exact_refine(t, arg[1], FPV_EXACT_VAR_BITS);
	c = fpv_trace_cells(t, arg[1]);
	x = &fpv_trace_step(t, arg[1])->exact;
	if ((v = vec_make(t, len)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (int f = 0; f < v->ncols; f++)
		for (size_t j = 0; j < len; j++)
			v->bits[(size_t)f * len + j] = c[f].bits;
	for (size_t j = 0; j < len; j++) {
		if ((j % POLL) == 0 && fpv_interrupt) {
			fpv_vec_unref(v);
			return fail(t, 0, err, "interrupted");
		}
		fpv_exact_set(&v->exact[j], x);
		if (v->exact[j].kind == FPV_EXACT_BALL)
			v->exact[j].fixed = true;
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* linspace(a, b, n): element k the exact a + (b - a) k / (n - 1),
 * rounded once into each column. */
static int
step_linspace(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_exact *a, *b;
	struct fpv_exact d, k, m, q, nm1;
	struct fpv_vec *v;
	double dn;
	size_t len;

	if (whole(t, arg[2], 1, FPV_VEC_MAX, "the length of linspace", &dn,
	    err) < 0)
		return -1;
	for (int j = 0; j < 2; j++)
		if (fpv_trace_vec(t, arg[j]) != NULL)
			return fail(t, t->ast.nodes[arg[j]].start, err,
			    "the ends of linspace must be numbers, not "
			    "vectors");
	len = (size_t)dn;
	fpv_exact_refine(t, arg[0], FPV_EXACT_VAR_BITS);
	fpv_exact_refine(t, arg[1], FPV_EXACT_VAR_BITS);
	a = &fpv_trace_step(t, arg[0])->exact;
	b = &fpv_trace_step(t, arg[1])->exact;
	if ((v = vec_make(t, len)) == NULL)
		return fail(t, n->start, err, "out of memory");
	fpv_exact_init(&d);
	fpv_exact_init(&k);
	fpv_exact_init(&m);
	fpv_exact_init(&q);
	fpv_exact_init(&nm1);
	elem_op2(&d, FPV_OP_SUB, b, a);
	fpv_exact_set_dyadic(&nm1, false, len > 1 ? len - 1 : 1, 0);
	for (size_t j = 0; j < len; j++) {
		if ((j % POLL) == 0 && fpv_interrupt)
			break;
		if (j == 0) {
			fpv_exact_set(&v->exact[j], a);
		} else if (j == len - 1) {
			fpv_exact_set(&v->exact[j], b);
		} else {
			fpv_exact_set_dyadic(&k, false, j, 0);
			elem_op2(&m, FPV_OP_MUL, &d, &k);
			elem_op2(&q, FPV_OP_DIV, &m, &nm1);
			elem_op2(&v->exact[j], FPV_OP_ADD, a, &q);
		}
		if (v->exact[j].kind == FPV_EXACT_BALL)
			v->exact[j].fixed = true;
		round_exact(t, v, j, &v->exact[j]);
	}
	fpv_exact_clear(&d);
	fpv_exact_clear(&k);
	fpv_exact_clear(&m);
	fpv_exact_clear(&q);
	fpv_exact_clear(&nm1);
	if (fpv_interrupt) {
		fpv_vec_unref(v);
		return fail(t, 0, err, "interrupted");
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/*
 * fpv_bits_class and fpv_bits_parts in one, inline, for the formats laid
 * out as IEEE's (an exponent field of ones for infinities and NaNs, of
 * zeros for zero and subnormals): the class of the encoding b, and for
 * a finite nonzero one its magnitude c 2^q.  Other formats are passed to
 * format.c.
 */
static inline enum fpv_class
float_parts(const struct fpv_format *f, uint64_t b, uint64_t *c, int *q)
{
	enum fpv_class k;

	if (f->top == FPV_TOP_IEEE && f->zero && f->subnormals) {
		int fb = f->frac_bits;
		uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
		uint64_t e = (b >> fb) & emask;
		uint64_t m = b & (((uint64_t)1 << fb) - 1);

		if (e == 0) {
			if (m == 0)
				return FPV_CLASS_ZERO;
			*c = m;
			*q = f->emin - fb;
			return FPV_CLASS_SUBNORMAL;
		}
		if (e == emask)
			return m == 0 ? FPV_CLASS_INF : FPV_CLASS_QNAN;
		*c = m | (uint64_t)1 << fb;
		*q = (int)e - f->bias - fb;
		return FPV_CLASS_NORMAL;
	}
	k = fpv_bits_class(f, b);
	if ((k == FPV_CLASS_NORMAL || k == FPV_CLASS_SUBNORMAL) &&
	    !fpv_bits_parts(f, b, c, q))
		return FPV_CLASS_QNAN;	/* not reached */
	return k;
}

/* 2^e as a double, e in [-1074, 1023]; exact. */
static inline double
pow2d(int e)
{
	uint64_t u;
	double d;

	if (e < -1022)
		return ldexp(1.0, e);
	u = (uint64_t)(e + 1023) << 52;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* The value of the encoding b of format f held exactly by a double
 * (what decoding it and mpfr_get_d give), without MPFR: an IEEE
 * format's, or an integer grid's over a power-of-two scale; false for a
 * NaN, another grid, or a value no double holds exactly. */
static bool
elem_double(const struct fpv_format *f, uint64_t b, double *d)
{
	bool neg;
	uint64_t c;
	int q;

	if (f->kind == FPV_KIND_INT) {
		int64_t k = fpv_bits_q(f, b);
		__int128 v, lim = (__int128)1 << 53;

		if (f->scale_big != NULL || f->scale_den <= 0 ||
		    (f->scale_den & (f->scale_den - 1)) != 0 ||
		    (!f->sign && k < 0))
			return false;
		v = ((__int128)k - f->zero_point) * f->scale_num;
		if (v >= lim || v <= -lim)
			return false;
		/* (q - zero point) scale_num / 2^s, exact; +0 for 0 */
		*d = ldexp((double)(int64_t)v,
		    -__builtin_ctzll((uint64_t)f->scale_den));
		return true;
	}
	if (f->kind != FPV_KIND_FLOAT || fpv_format_prec(f) > 53)
		return false;
	neg = fpv_bits_sign(f, b) != 0;
	switch (float_parts(f, b, &c, &q)) {
	case FPV_CLASS_ZERO:
		*d = neg ? -0.0 : 0.0;
		return true;
	case FPV_CLASS_INF:
		*d = neg ? -INFINITY : INFINITY;
		return true;
	case FPV_CLASS_NORMAL: case FPV_CLASS_SUBNORMAL:
		if (q < -1074 || q > 971)
			return false;
		/* c < 2^53 times a power of two: exact, the product is a
		 * double */
		*d = (double)c * pow2d(q);
		if (neg)
			*d = -*d;
		return true;
	default:
		return false;
	}
}

/* A double as an MPFR number of 53 bits, on the stack. */
struct dnum {
	mp_limb_t l[1];
	mpfr_t x;
};

/* s = d exactly, built from d's bits (mpfr_set_d costs more than the
 * roundings that read it). */
static mpfr_ptr
dnum_set(struct dnum *s, double d)
{
	uint64_t u, m;
	int ex, sg;

	memcpy(&u, &d, sizeof u);
	sg = (u >> 63) != 0 ? -1 : 1;
	ex = (int)((u >> 52) & 0x7ff);
	m = u & ((UINT64_C(1) << 52) - 1);
	mpfr_custom_init(s->l, 53);
	if (ex == 0x7ff || mp_bits_per_limb != 64) {
		mpfr_custom_init_set(s->x, MPFR_ZERO_KIND, 0, 53, s->l);
		mpfr_set_d(s->x, d, MPFR_RNDN);
	} else if (ex == 0 && m == 0) {
		mpfr_custom_init_set(s->x, sg * MPFR_ZERO_KIND, 0, 53, s->l);
	} else if (ex == 0) {
		/* subnormal: m 2^-1074, its leading one moved to the top */
		int lz = __builtin_clzll(m);

		s->l[0] = m << lz;
		mpfr_custom_init_set(s->x, sg * MPFR_REGULAR_KIND,
		    64 - lz - 1074, 53, s->l);
	} else {
		/* 1.f 2^(ex - 1023) = 0.1f 2^(ex - 1022) */
		s->l[0] = (m | UINT64_C(1) << 52) << 11;
		mpfr_custom_init_set(s->x, sg * MPFR_REGULAR_KIND, ex - 1022,
		    53, s->l);
	}
	return s->x;
}

/* Element j of v: the double d exactly, rounded into each column as a
 * literal of that value is. */
static void
set_double(const struct fpv_trace *t, struct fpv_vec *v, size_t j, double d)
{
	struct dnum dn;
	struct fpv_real r = { .approx = dnum_set(&dn, d) };
	uint64_t u, m;
	int ex;

	round_real(t, v, j, &r);
	if (!isfinite(d)) {
		if (isnan(d))
			fpv_exact_set_nan(&v->exact[j]);
		else
			fpv_exact_set_inf(&v->exact[j], d < 0);
		return;
	}
	/* d = m 2^(ex - 1075) with the integer m < 2^53 */
	memcpy(&u, &d, sizeof u);
	ex = (int)((u >> 52) & 0x7ff);
	m = u & ((UINT64_C(1) << 52) - 1);
	if (ex != 0)
		m |= UINT64_C(1) << 52;
	else
		ex = 1;
	fpv_exact_set_dyadic(&v->exact[j], (u >> 63) != 0, m,
	    (slong)ex - 1075);
}

/* randn(n, seed). */
static int
step_randn(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	struct fpv_vec *v;
	double dn, seed, *x;
	size_t len;

	if (whole(t, arg[0], 1, FPV_VEC_MAX, "the length of randn", &dn,
	    err) < 0 || whole(t, arg[1], 0, 9007199254740992.0,
	    "the seed of randn", &seed, err) < 0)
		return -1;
	len = (size_t)dn;
	if ((x = malloc(len * sizeof *x)) == NULL ||
	    (v = vec_make(t, len)) == NULL) {
		free(x);
		return fail(t, n->start, err, "out of memory");
	}
	fpv_randn(x, len, (uint64_t)seed);
	for (size_t j = 0; j < len; j++) {
		if ((j % POLL) == 0 && fpv_interrupt) {
			free(x);
			fpv_vec_unref(v);
			return fail(t, 0, err, "interrupted");
		}
		set_double(t, v, j, x[j]);
	}
	free(x);
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* load("FILE"). */
static int
step_load(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_node *s = &t->ast.nodes[arg[0]];
	struct fpv_npy a;
	struct fpv_npy_error e;
	struct stacknum sn;
	struct fpv_vec *v;
	char *path;

	if ((path = strndup(t->ast.src + s->tok, s->toklen)) == NULL)
		return fail(t, n->start, err, "out of memory");
	if (fpv_npy_load(path, FPV_VEC_MAX, &a, &e) < 0) {
		free(path);
		return fail(t, s->start, err, "load: %s", e.msg);
	}
	free(path);
	if ((v = vec_make(t, a.n)) == NULL) {
		fpv_npy_free(&a);
		return fail(t, n->start, err, "out of memory");
	}
	stacknum_init(&sn);
	for (size_t j = 0; j < a.n; j++) {
		struct fpv_real r = { .approx = sn.x };

		if ((j % POLL) == 0 && fpv_interrupt) {
			fpv_npy_free(&a);
			fpv_vec_unref(v);
			return fail(t, 0, err, "interrupted");
		}
		if (fpv_npy_exact(&a, j)) {
			set_double(t, v, j, a.v[j]);
			continue;
		}
		fpv_npy_real(&a, j, sn.x, &r);
		round_real(t, v, j, &r);
		fpv_exact_set_text(&v->exact[j], a.text + a.span[j].off,
		    a.span[j].len, signbit(a.v[j]) != 0, FPV_EXACT_PREC0);
		if (v->exact[j].kind == FPV_EXACT_BALL)
			v->exact[j].fixed = true;
	}
	fpv_npy_free(&a);
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* An operation or function of fpv_ops on vectors (and scalars,
 * broadcast), element by element. */
static int
step_elementwise(struct fpv_trace *t, size_t i, struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	int k = fpv_ops[n->u.op].nargs;
	const struct fpv_vec *av[3] = { NULL, NULL, NULL };
	const struct fpv_cell *ac[3] = { NULL, NULL, NULL };
	const struct fpv_exact *ax[3] = { NULL, NULL, NULL };
	size_t len = 0, first = 0;
	struct fpv_vec *v;
	struct fpv_ctx c;
	char name[40];

	for (int m = 0; m < k; m++) {
		av[m] = fpv_trace_vec(t, n->args[m]);
		if (av[m] == NULL) {
			fpv_exact_refine(t, n->args[m], FPV_EXACT_VAR_BITS);
			ac[m] = fpv_trace_cells(t, n->args[m]);
			ax[m] = &fpv_trace_step(t, n->args[m])->exact;
		} else if (len == 0) {
			len = av[m]->n;
			first = (size_t)m;
		} else if (av[m]->n != len) {
			return fail(t, n->tok, err, "vectors of different "
			    "lengths for '%s': %zu and %zu",
			    node_name(t, n, name, sizeof name), av[first]->n,
			    av[m]->n);
		}
	}
	if ((v = vec_make(t, len)) == NULL)
		return fail(t, n->start, err, "out of memory");
	c = t->ctx;
	for (int f = 0; f < v->ncols; f++) {
		const struct fpv_format *fmt = fpv_trace_format(t, f);
		size_t base = (size_t)f * len;

		for (size_t j = 0; j < len; j++) {
			uint64_t a[3] = { 0, 0, 0 };
			unsigned fl = 0;

			if ((j % POLL) == 0 && fpv_interrupt)
				goto interrupted;
			for (int m = 0; m < k; m++)
				a[m] = av[m] != NULL ? av[m]->bits[base + j] :
				    ac[m][f].bits;
			c.sr_elem = j;		/* stochastic: stream j */
			v->bits[base + j] = fpv_num_op(&c, fmt, n->u.op, a,
			    &fl);
			v->flags[base + j] = (uint16_t)fl;
		}
	}
	for (size_t j = 0; j < len; j++) {
		const struct fpv_exact *x[3];

		if ((j % POLL) == 0 && fpv_interrupt)
			goto interrupted;
		for (int m = 0; m < 3; m++)
			x[m] = m >= k ? NULL : av[m] != NULL ?
			    &av[m]->exact[j] : ax[m];
		elem_op(&v->exact[j], n->u.op, x);
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
interrupted:
	fpv_vec_unref(v);
	return fail(t, 0, err, "interrupted");
}

/* A cast of a vector: each element as a scalar cast rounds it. */
static int
step_cast(struct fpv_trace *t, size_t i, struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_format *to = fpv_ctx_format(&t->ctx, n->u.format);
	const struct fpv_vec *a = fpv_trace_vec(t, n->args[0]);
	size_t len = a->n;
	struct fpv_vec *v;
	struct fpv_ctx c = t->ctx;

	if ((v = vec_make_sharing(t, a)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (int f = 0; f < v->ncols; f++) {
		const struct fpv_format *col = fpv_trace_format(t, f);
		size_t base = (size_t)f * len;

		for (size_t j = 0; j < len; j++) {
			uint64_t b = a->bits[base + j];
			unsigned fl = 0;

			if (col != to) {
				/* stochastic: both with stream j (a scalar
				 * cast's two roundings differ by format) */
				c.sr_elem = j;
				b = fpv_num_convert(&c, to, col, b, &fl);
				b = fpv_num_convert(&c, col, to, b, &fl);
			}
			v->bits[base + j] = b;
			v->flags[base + j] = (uint16_t)fl;
		}
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* A variable holding a vector: its columns, and in a column it was not
 * evaluated in, its exact elements rounded into it. */
static int
step_var(struct fpv_trace *t, size_t i, const struct fpv_var *var,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	struct fpv_vec *src = var->vec, *v;
	bool same = src->ncols == fpv_trace_ncols(t);
	struct fpv_ctx c = t->ctx;

	for (int f = 0; same && f < src->ncols; f++)
		same = src->fmt[f] == t->ctx.cols[f];
	if (same) {
		if (vec_attach(t, fpv_trace_step(t, i), fpv_vec_ref(src)) < 0)
			return fail(t, n->start, err, "out of memory");
		return 0;
	}
	if ((v = vec_make_sharing(t, src)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (int f = 0; f < v->ncols; f++) {
		int g = 0;

		while (g < src->ncols && src->fmt[g] != t->ctx.cols[f])
			g++;
		for (size_t j = 0; j < src->n; j++) {
			if (g < src->ncols) {
				v->bits[(size_t)f * v->n + j] =
				    src->bits[(size_t)g * v->n + j];
			} else {
				struct stacknum sn;
				struct fpv_real r = { .approx =
				    stacknum_init(&sn) };
				unsigned fl = 0;

				r.inexact = fpv_exact_get_odd(sn.x,
				    &src->exact[j]);
				c.sr_elem = j;
				v->bits[(size_t)f * v->n + j] =
				    fpv_num_round_real(&c,
				    fpv_trace_format(t, f), &r, &fl);
				v->flags[(size_t)f * v->n + j] = (uint16_t)fl;
			}
		}
	}
	if (vec_attach(t, fpv_trace_step(t, i), v) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
}

/* ---- Steps that read vectors ---------------------------------------- */

/* The step's scalar result: its exact reference fixed, its own
 * sub-expression (nothing before it is refined through it). */
static void
scalar_done(struct fpv_trace *t, size_t i)
{
	struct fpv_step *st = fpv_trace_step(t, i);
	const struct fpv_cell *c = fpv_trace_cells(t, i);

	st->lo = (uint32_t)i;
	if (st->exact.kind == FPV_EXACT_BALL || st->exact.kind == FPV_EXACT_LOST)
		st->exact.fixed = true;
	for (int f = 0; f < fpv_trace_ncols(t); f++)
		t->sticky[f] |= c[f].flags;
}

/* v[i]. */
static int
step_index(struct fpv_trace *t, size_t i, struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_vec *v = fpv_trace_vec(t, n->args[0]);
	struct fpv_cell *c = fpv_trace_cells(t, i);
	char what[64];
	double d;
	size_t j;

	if (v == NULL)
		return fail(t, n->tok, err, "only a vector can be indexed");
	snprintf(what, sizeof what, "the index (0 to %zu)", v->n - 1);
	if (whole(t, n->args[1], -INFINITY, INFINITY, what, &d, err) < 0)
		return -1;
	if (d < 0 || d >= (double)v->n)
		return fail(t, t->ast.nodes[n->args[1]].start, err,
		    "index %.0f out of range (the vector has %zu element%s, "
		    "indices 0 to %zu)", d, v->n, v->n == 1 ? "" : "s",
		    v->n - 1);
	j = (size_t)d;
	for (int f = 0; f < v->ncols; f++) {
		c[f].bits = v->bits[(size_t)f * v->n + j];
		c[f].flags = 0;
		c[f].cancelled = 0;
	}
	fpv_exact_set(&fpv_trace_step(t, i)->exact, &v->exact[j]);
	scalar_done(t, i);
	return 0;
}

/* len(v). */
static int
step_len(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_vec *v = fpv_trace_vec(t, arg[0]);
	struct fpv_step *st = fpv_trace_step(t, i);
	struct fpv_cell *c = fpv_trace_cells(t, i);
	struct stacknum sn;
	struct fpv_real r = { .approx = stacknum_init(&sn) };

	if (v == NULL)
		return fail(t, t->ast.nodes[arg[0]].start, err,
		    "len takes a vector, not a number");
	mpfr_set_ui(sn.x, (unsigned long)v->n, MPFR_RNDN);
	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		unsigned fl = 0;

		c[f].bits = fpv_num_round_real(&t->ctx, fpv_trace_format(t, f),
		    &r, &fl);
		c[f].flags = fl;
		c[f].cancelled = 0;
	}
	fpv_exact_set_dyadic(&st->exact, false, v->n, 0);
	scalar_done(t, i);
	return 0;
}

/* ---- Exact sums of short dyadic numbers ----------------------------- */

/*
 * The elements of most vectors are short dyadic numbers (a binary64
 * number's value, a grid value over a power-of-two scale): their sums,
 * and sums of their products, are computed exactly here in integers,
 * without rationals or balls.
 */

/* A short dyadic number: (-1)^neg m 2^k, m < 2^62, |k| <= DY_EMAX. */
struct dyadic {
	bool neg;
	uint64_t m;
	int k;
};
#define DY_EMAX 1100

typedef unsigned __int128 u128;

/*
 * Long accumulators: nonnegative fixed-point numbers whose lowest bit is
 * 2^ACC_LO.  A square of M 2^k (M < 2^126, -DY_EMAX <= k <= DY_EMAX),
 * like a product of two short dyadic numbers, lies in bits 2k - ACC_LO
 * >= 64 up to 2 (126 + DY_EMAX) - ACC_LO; 2^24 (more than FPV_VEC_MAX)
 * of them fit in ACC_LIMBS limbs (one spare).
 */
#define ACC_LO (-2 * DY_EMAX - 64)
#define ACC_LIMBS ((2 * (126 + DY_EMAX) + 24 - ACC_LO) / 64 + 2)
_Static_assert(FPV_VEC_MAX < (1u << 24), "the accumulators hold 2^24 terms");
_Static_assert(sizeof(ulong) == sizeof(uint64_t), "FLINT limbs of 64 bits");

/* acc += v 2^(p + ACC_LO), p >= 0. */
static inline void
acc_add(uint64_t *acc, u128 v, int p)
{
	size_t i = (size_t)p / 64;
	unsigned r = (unsigned)p % 64;
	uint64_t w[3];
	bool c = false;

	if (v == 0)
		return;
	w[0] = (uint64_t)v << r;
	w[1] = r == 0 ? (uint64_t)(v >> 64) : (uint64_t)(v >> (64 - r));
	w[2] = r == 0 ? 0 : (uint64_t)(v >> (128 - r));
	for (int k = 0; k < 3; k++) {
		uint64_t s;
		bool c1 = __builtin_add_overflow(acc[i + k], w[k], &s);
		bool c2 = __builtin_add_overflow(s, (uint64_t)c, &acc[i + k]);

		c = c1 || c2;
	}
	for (i += 3; c; i++)
		c = ++acc[i] == 0;
}

/* acc += (M 2^k)^2, M < 2^126. */
static inline void
acc_add_square(uint64_t *acc, u128 M, int k)
{
	uint64_t lo = (uint64_t)M, hi = (uint64_t)(M >> 64);
	int p = 2 * k - ACC_LO;

	acc_add(acc, (u128)lo * lo, p);
	if (hi != 0) {
		/* (hi 2^64 + lo)^2 = lo^2 + 2 hi lo 2^64 + hi^2 2^128 */
		acc_add(acc, ((u128)hi * lo) << 1, p + 64);
		acc_add(acc, (u128)hi * hi, p + 128);
	}
}

/* out = acc exactly. */
static void
acc_get_arb(arb_t out, const uint64_t *acc)
{
	slong n = ACC_LIMBS;
	fmpz_t z;

	while (n > 0 && acc[n - 1] == 0)
		n--;
	if (n == 0) {
		arb_zero(out);
		return;
	}
	fmpz_init(z);
	fmpz_set_ui_array(z, (const ulong *)acc, n);
	arb_set_fmpz(out, z);
	arb_mul_2exp_si(out, out, ACC_LO);
	fmpz_clear(z);
}

/* Bits of v (0 for 0). */
static inline int
u128_bits(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;

	return hi != 0 ? 128 - __builtin_clzll(hi) :
	    lo != 0 ? 64 - __builtin_clzll(lo) : 0;
}

/* The sign of a 2^ka - b 2^kb (a, b < 2^126). */
static int
dy_cmp(u128 a, int ka, u128 b, int kb)
{
	int la, lb;

	if (a == 0 || b == 0)
		return (a != 0) - (b != 0);
	la = u128_bits(a) + ka;
	lb = u128_bits(b) + kb;
	if (la != lb)
		return la < lb ? -1 : 1;
	/* The same leading bit: the shifted one has b's (a's) bits. */
	if (ka > kb)
		a <<= ka - kb;
	else
		b <<= kb - ka;
	return a < b ? -1 : a > b;
}

/* out = M 2^k exactly. */
static void
dy_get_arb(arb_t out, u128 M, int k)
{
	ulong l[2] = { (ulong)(uint64_t)M, (ulong)(uint64_t)(M >> 64) };
	fmpz_t z;

	fmpz_init(z);
	fmpz_set_ui_array(z, l, 2);
	arb_set_fmpz(out, z);
	arb_mul_2exp_si(out, out, k);
	fmpz_clear(z);
}

/* The exact x as a struct dyadic; false if it is no such number. */
static inline bool
exact_dyadic(const struct fpv_exact *x, struct dyadic *d)
{
	if (x->kind != FPV_EXACT_Q || COEFF_IS_MPZ(*x->num) ||
	    !fmpz_is_one(x->den) || x->e < -DY_EMAX || x->e > DY_EMAX)
		return false;
	d->neg = x->neg;
	d->m = (uint64_t)*x->num;	/* >= 0, below 2^62 */
	d->k = (int)x->e;
	return true;
}

/* out = the fmpz z times 2^k exactly, z != 0, as the canonical rational
 * (an odd numerator; the power of two in e). */
static void
set_fmpz_2exp(struct fpv_exact *out, fmpz_t z, slong k)
{
	flint_bitcnt_t v = fmpz_val2(z);

	out->kind = FPV_EXACT_Q;
	out->fixed = false;
	out->neg = fmpz_sgn(z) < 0;
	fmpz_abs(out->num, z);
	fmpz_fdiv_q_2exp(out->num, out->num, v);
	fmpz_one(out->den);
	out->e = k + (slong)v;
}

/*
 * The exact sum of x[j] (op FPV_REDUCE_SUM, MEAN: before the division),
 * of x[j] y[j] (DOT) or of x[j]^2 (NORM2: before the square root) into
 * out, when every element is a short dyadic number: what the rationals
 * of exact_reduce give (their sums of such numbers always fit), and the
 * sign of a zero as theirs (-0 only when every term is -0).  false
 * (out untouched) otherwise, or if interrupted.
 */
static bool
exact_sum_dyadic(int op, const struct fpv_exact *x, const struct fpv_exact *y,
    size_t n, struct fpv_exact *out)
{
	uint64_t *acc = calloc(2 * ACC_LIMBS, sizeof *acc);
	uint64_t *neg = acc + ACC_LIMBS;
	bool negzero = true, ok = true;
	fmpz_t p, q;

	if (acc == NULL || n == 0) {
		free(acc);
		return false;
	}
	for (size_t j = 0; j < n && ok; j++) {
		struct dyadic a, b;
		u128 m;
		int k;
		bool sg;

		if ((j % POLL) == 0 && fpv_interrupted()) {
			ok = false;
			break;
		}
		if (!exact_dyadic(&x[j], &a)) {
			ok = false;
			break;
		}
		if (op == FPV_REDUCE_SUM || op == FPV_REDUCE_MEAN) {
			m = a.m;
			k = a.k;
			sg = a.neg;
		} else {
			if (op == FPV_REDUCE_DOT) {
				if (!exact_dyadic(&y[j], &b)) {
					ok = false;
					break;
				}
			} else {
				b = a;
			}
			m = (u128)a.m * b.m;
			k = a.k + b.k;
			sg = a.neg != b.neg;
		}
		if (m == 0) {
			negzero = negzero && sg;
			continue;
		}
		negzero = false;
		acc_add(sg ? neg : acc, m, k - ACC_LO);
	}
	if (!ok) {
		free(acc);
		return false;
	}
	fmpz_init(p);
	fmpz_init(q);
	{
		slong np = ACC_LIMBS, nn = ACC_LIMBS;

		while (np > 0 && acc[np - 1] == 0)
			np--;
		while (nn > 0 && neg[nn - 1] == 0)
			nn--;
		if (np > 0)
			fmpz_set_ui_array(p, (const ulong *)acc, np);
		if (nn > 0)
			fmpz_set_ui_array(q, (const ulong *)neg, nn);
	}
	fmpz_sub(p, p, q);
	if (fmpz_is_zero(p))
		fpv_exact_set_zero(out, negzero);
	else
		set_fmpz_2exp(out, p, ACC_LO);
	fmpz_clear(p);
	fmpz_clear(q);
	free(acc);
	return true;
}

/*
 * The exact reference of a reduction over the exact elements x (and y)
 * at working precision prec: sum, dot, mean, max, min, norm2,
 * logsumexp (op FPV_REDUCE_COUNT), or the sum of exp(x - m) of softmax
 * (op FPV_REDUCE_COUNT + 1: out the sum, *m the max).
 */
static void
exact_reduce(int op, const struct fpv_exact *x, const struct fpv_exact *y,
    size_t n, slong prec, struct fpv_exact *out, struct fpv_exact *mx)
{
	struct fpv_exact acc, tmp, term, m;
	const struct fpv_exact *args[3] = { NULL, NULL, NULL };
	bool lse = op >= FPV_REDUCE_COUNT, summed;

	fpv_exact_init(&acc);
	fpv_exact_init(&tmp);
	fpv_exact_init(&term);
	fpv_exact_init(&m);
	if (op == FPV_REDUCE_MAX || op == FPV_REDUCE_MIN || lse) {
		enum fpv_op o = op == FPV_REDUCE_MIN ? FPV_OP_MIN : FPV_OP_MAX;

		fpv_exact_set(&acc, &x[0]);
		for (size_t j = 1; j < n; j++) {
			args[0] = &acc;
			args[1] = &x[j];
			fpv_exact_op(&tmp, o, args, prec);
			fpv_exact_set(&acc, &tmp);
		}
		if (!lse)
			goto done;
		fpv_exact_set(&m, &acc);
	}
	summed = (op == FPV_REDUCE_SUM || op == FPV_REDUCE_MEAN ||
	    op == FPV_REDUCE_DOT || op == FPV_REDUCE_NORM2) &&
	    exact_sum_dyadic(op, x, y, n, &acc);
	for (size_t j = 0; j < n && !summed; j++) {
		const struct fpv_exact *t1 = &x[j];

		if ((j % POLL) == 0 && fpv_interrupted())
			break;
		if (op == FPV_REDUCE_DOT || op == FPV_REDUCE_NORM2) {
			args[0] = &x[j];
			args[1] = op == FPV_REDUCE_DOT ? &y[j] : &x[j];
			fpv_exact_op(&term, FPV_OP_MUL, args, prec);
			t1 = &term;
		} else if (lse) {
			args[0] = &x[j];
			args[1] = &m;
			fpv_exact_op(&tmp, FPV_OP_SUB, args, prec);
			args[0] = &tmp;
			fpv_exact_op(&term, FPV_OP_EXP, args, prec);
			t1 = &term;
		}
		if (j == 0) {
			fpv_exact_set(&acc, t1);
			continue;
		}
		args[0] = &acc;
		args[1] = t1;
		fpv_exact_op(&tmp, FPV_OP_ADD, args, prec);
		fpv_exact_set(&acc, &tmp);
	}
	args[0] = &acc;
	switch (op) {
	case FPV_REDUCE_MEAN:
		fpv_exact_set_dyadic(&term, false, n, 0);
		args[1] = &term;
		fpv_exact_op(&tmp, FPV_OP_DIV, args, prec);
		fpv_exact_set(&acc, &tmp);
		break;
	case FPV_REDUCE_NORM2:
		fpv_exact_op(&tmp, FPV_OP_SQRT, args, prec);
		fpv_exact_set(&acc, &tmp);
		break;
	case FPV_REDUCE_COUNT:		/* logsumexp */
		fpv_exact_op(&tmp, FPV_OP_LOG, args, prec);
		args[0] = &m;
		args[1] = &tmp;
		fpv_exact_op(&acc, FPV_OP_ADD, args, prec);
		break;
	default:
		break;
	}
done:
	fpv_exact_set(out, &acc);
	if (mx != NULL)
		fpv_exact_set(mx, &m);
	fpv_exact_clear(&acc);
	fpv_exact_clear(&tmp);
	fpv_exact_clear(&term);
	fpv_exact_clear(&m);
}

/* exact_reduce certified to FPV_EXACT_GOAL bits where the elements
 * allow (the working precision raised a few times), then fixed. */
static void
exact_reduce_good(int op, const struct fpv_exact *x,
    const struct fpv_exact *y, size_t n, struct fpv_exact *out,
    struct fpv_exact *mx)
{
	for (slong p = FPV_EXACT_PREC0; ; p *= 4) {
		exact_reduce(op, x, y, n, p, out, mx);
		if (fpv_exact_good(out, FPV_EXACT_GOAL) ||
		    (out->kind != FPV_EXACT_BALL &&
		    out->kind != FPV_EXACT_LOST) || p >= 2048 ||
		    fpv_interrupted())
			break;
	}
	if (out->kind == FPV_EXACT_BALL || out->kind == FPV_EXACT_LOST)
		out->fixed = true;
}

/* The reduction of fn (enum fpv_fn). */
static enum fpv_reduce_op
reduce_op(int fn)
{
	switch (fn) {
	case FPV_FN_DOT:	return FPV_REDUCE_DOT;
	case FPV_FN_MEAN:	return FPV_REDUCE_MEAN;
	case FPV_FN_MAX:	return FPV_REDUCE_MAX;
	case FPV_FN_MIN:	return FPV_REDUCE_MIN;
	case FPV_FN_NORM2:	return FPV_REDUCE_NORM2;
	default:		return FPV_REDUCE_SUM;
	}
}

/* sum, dot, mean, max, min, norm2, softmax, softmax_naive, logsumexp. */
static int
step_reduce(struct fpv_trace *t, size_t i, const uint32_t *arg, size_t cnt,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	int fn = n->u.op;
	int nvec = fn == FPV_FN_DOT ? 2 : 1;
	const struct fpv_vec *x, *y = NULL;
	const struct fpv_format *acc = NULL;
	enum fpv_order order = FPV_ORDER_SEQUENTIAL;
	enum fpv_reduce_op op = reduce_op(fn);
	bool soft = fn == FPV_FN_SOFTMAX || fn == FPV_FN_SOFTMAX_NAIVE;
	struct fpv_step *st = fpv_trace_step(t, i);
	struct fpv_cell *c = fpv_trace_cells(t, i);
	struct fpv_vec *out = NULL;
	unsigned *ef = NULL;
	char name[40];
	const char *why;

	node_name(t, n, name, sizeof name);
	for (int m = 0; m < nvec; m++)
		if (fpv_trace_vec(t, arg[m]) == NULL)
			return fail(t, t->ast.nodes[arg[m]].start, err,
			    "%s takes a vector, not a number", name);
	x = fpv_trace_vec(t, arg[0]);
	if (nvec == 2) {
		y = fpv_trace_vec(t, arg[1]);
		if (y->n != x->n)
			return fail(t, n->start, err, "vectors of different "
			    "lengths for 'dot': %zu and %zu", x->n, y->n);
	}
	for (size_t m = (size_t)nvec; m < cnt; m++) {
		const struct fpv_node *w = &t->ast.nodes[arg[m]];

		if (w->u.op == FPV_WORD_FORMAT)
			acc = fpv_ctx_format(&t->ctx, (int)w->args[0]);
		else
			order = (enum fpv_order)w->args[0];
	}
	if (soft) {
		if ((out = vec_make(t, x->n)) == NULL ||
		    (ef = malloc(x->n * sizeof *ef)) == NULL) {
			fpv_vec_unref(out);
			return fail(t, n->start, err, "out of memory");
		}
	}
	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		struct fpv_reduce_args ra = {
			.elem = fpv_trace_format(t, f),
			.acc = acc,
			.order = order,
			.x = x->bits + (size_t)f * x->n,
			.y = y != NULL ? y->bits + (size_t)f * y->n : NULL,
			.n = x->n,
			.ny = y != NULL ? y->n : 0,
		};
		struct fpv_reduce_result rr;
		int rc;

		if (fpv_interrupt) {
			fpv_vec_unref(out);
			free(ef);
			return fail(t, 0, err, "interrupted");
		}
		if (soft)
			rc = fpv_softmax(&t->ctx, &ra,
			    fn == FPV_FN_SOFTMAX_NAIVE,
			    out->bits + (size_t)f * x->n, ef, &rr, &why);
		else if (fn == FPV_FN_LOGSUMEXP)
			rc = fpv_logsumexp(&t->ctx, &ra, &rr, &why);
		else
			rc = fpv_reduce(&t->ctx, op, &ra, &rr, &why);
		if (rc < 0) {
			fpv_vec_unref(out);
			free(ef);
			return fail(t, n->start, err, "%s in %s: %s", name,
			    ra.elem->name, why);
		}
		t->absorbed[f] += rr.nabsorbed;
		if (soft) {
			for (size_t j = 0; j < x->n; j++)
				out->flags[(size_t)f * x->n + j] =
				    (uint16_t)ef[j];
		} else {
			c[f].bits = rr.bits;
			c[f].flags = rr.flags;
			c[f].cancelled = 0;
		}
	}
	free(ef);
	if (soft) {
		struct fpv_exact sum, m, d;

		fpv_exact_init(&sum);
		fpv_exact_init(&m);
		fpv_exact_init(&d);
		exact_reduce_good(FPV_REDUCE_COUNT + 1, x->exact, NULL, x->n,
		    &sum, &m);
		for (size_t j = 0; j < x->n; j++) {
			elem_op2(&d, FPV_OP_SUB, &x->exact[j], &m);
			{
				const struct fpv_exact *a1[3] = { &d, NULL,
				    NULL };
				struct fpv_exact e1;

				fpv_exact_init(&e1);
				elem_op(&e1, FPV_OP_EXP, a1);
				elem_op2(&out->exact[j], FPV_OP_DIV, &e1, &sum);
				fpv_exact_clear(&e1);
			}
		}
		fpv_exact_clear(&sum);
		fpv_exact_clear(&m);
		fpv_exact_clear(&d);
		if (vec_attach(t, st, out) < 0)
			return fail(t, n->start, err, "out of memory");
		return 0;
	}
	exact_reduce_good(fn == FPV_FN_LOGSUMEXP ? FPV_REDUCE_COUNT :
	    (int)op, x->exact, y != NULL ? y->exact : NULL, x->n, &st->exact,
	    NULL);
	if (fpv_interrupt)
		return fail(t, 0, err, "interrupted");
	scalar_done(t, i);
	return 0;
}

/* quant(v, F, METHOD), mxfp8(v[, F]), mxfp6(v[, F]), mxfp4, nvfp4,
 * q8_0, q4_0, nf4: each column's elements quantized, their dequantized
 * values rounded into the column; the reference passes through (a
 * quantization is a rounding, as a cast is). */
static int
step_quant(struct fpv_trace *t, size_t i, const uint32_t *arg, size_t cnt,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	int fn = n->u.op;
	const struct fpv_vec *x = fpv_trace_vec(t, arg[0]);
	const struct fpv_qscheme *qs;
	const struct fpv_format *ef = NULL;
	struct fpv_vec *out;
	struct fpv_ctx c = t->ctx;
	double *xd;
	mpfr_t m;
	char name[40];
	const char *why;

	node_name(t, n, name, sizeof name);
	if (x == NULL)
		return fail(t, t->ast.nodes[arg[0]].start, err,
		    "%s takes a vector, not a number", name);
	if (fn == FPV_FN_QUANT)
		qs = &fpv_qschemes[t->ast.nodes[arg[2]].args[0]];
	else
		qs = fpv_qscheme_by_name(fpv_fns[fn].name,
		    strlen(fpv_fns[fn].name));
	if (qs == NULL)
		return fail(t, n->start, err, "internal error: no scheme %s",
		    name);
	if (cnt > 1)
		ef = fpv_ctx_format(&t->ctx, (int)t->ast.nodes[arg[1]].args[0]);
	if ((out = vec_make_sharing(t, x)) == NULL ||
	    (out->quant = calloc((size_t)out->ncols,
	    sizeof *out->quant)) == NULL ||
	    (xd = malloc((x->n ? x->n : 1) * sizeof *xd)) == NULL) {
		fpv_vec_unref(out);
		return fail(t, n->start, err, "out of memory");
	}
	mpfr_init2(m, 64);
	for (int f = 0; f < out->ncols; f++) {
		const struct fpv_format *fmt = fpv_trace_format(t, f);
		struct fpv_quant *q = &out->quant[f];
		size_t base = (size_t)f * x->n;

		if (fpv_interrupt) {
			why = "interrupted";
			goto failed;
		}
		for (size_t j = 0; j < x->n; j++) {
			if (elem_double(fmt, x->bits[base + j], &xd[j]))
				continue;
			fpv_num_decode(&t->ctx, fmt, x->bits[base + j], m);
			xd[j] = mpfr_get_d(m, MPFR_RNDN);
		}
		if (fpv_quantize(&t->ctx, qs, ef, xd, x->n, q, &why) < 0)
			goto failed;
		for (size_t j = 0; j < x->n; j++) {
			struct dnum dn;
			struct fpv_real r = { .approx = dnum_set(&dn,
			    q->value[j]) };
			unsigned fl = 0;

			c.sr_elem = j;	/* the code had stream 2^60 + j */
			out->bits[base + j] = fpv_num_round_real(&c, fmt, &r,
			    &fl);
			if (q->value[j] != xd[j] && !(isnan(q->value[j]) &&
			    isnan(xd[j])))
				fl |= FPV_FLAG_INEXACT;
			if (q->mark[j] & FPV_QMARK_SATURATED)
				fl |= FPV_FLAG_SATURATED;
			if (q->mark[j] & FPV_QMARK_UNDERFLOWED)
				fl |= FPV_FLAG_UNDERFLOW;
			if (q->mark[j] & FPV_QMARK_INVALID)
				fl |= FPV_FLAG_INVALID;
			out->flags[base + j] = (uint16_t)fl;
		}
		/* The values are the column's elements now. */
		free(q->value);
		q->value = NULL;
	}
	mpfr_clear(m);
	free(xd);
	if (vec_attach(t, fpv_trace_step(t, i), out) < 0)
		return fail(t, n->start, err, "out of memory");
	return 0;
failed:
	mpfr_clear(m);
	free(xd);
	fpv_vec_unref(out);
	if (strcmp(why, "interrupted") == 0)
		return fail(t, 0, err, "interrupted");
	return fail(t, n->start, err, "%s: %s", name, why);
}

/* The recorded steps of reduction step i in column f. */
size_t
fpv_vec_reduce_steps(const struct fpv_trace *t, size_t i, int f,
    struct fpv_reduce_step **steps, const struct fpv_format **accp,
    int *orderp)
{
	size_t total, n;

	n = fpv_vec_reduce_window(t, i, f, 0, SIZE_MAX, steps, accp, orderp,
	    &total);
	return n < total ? n : total;
}

size_t
fpv_vec_reduce_window(const struct fpv_trace *t, size_t i, int f,
    size_t first, size_t count, struct fpv_reduce_step **steps,
    const struct fpv_format **accp, int *orderp, size_t *total)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const uint32_t *arg;
	const struct fpv_vec *x, *y = NULL;
	const struct fpv_format *acc = NULL;
	enum fpv_order order = FPV_ORDER_SEQUENTIAL;
	enum fpv_reduce_op op;
	struct fpv_reduce_args ra;
	struct fpv_reduce_result rr;
	struct fpv_ctx c = t->ctx;
	const char *why;
	size_t ns;
	int fn, rc;

	*steps = NULL;
	*total = 0;
	if (i >= t->nsteps || n->kind != FPV_NODE_FN)
		return 0;
	/* Stochastic rounding: step i's words again, as it was computed. */
	c.sr_pos = fpv_sr_position(t->line, i);
	c.sr_elem = 0;
	fn = n->u.op;
	if (fn < FPV_FN_SUM || fn > FPV_FN_LOGSUMEXP)
		return 0;
	arg = t->ast.ext + n->args[0];
	x = fpv_trace_vec(t, arg[0]);
	if (fn == FPV_FN_DOT)
		y = fpv_trace_vec(t, arg[1]);
	if (x == NULL || (fn == FPV_FN_DOT && y == NULL))
		return 0;
	for (size_t m = fn == FPV_FN_DOT ? 2 : 1; m < n->args[1]; m++) {
		const struct fpv_node *w = &t->ast.nodes[arg[m]];

		if (w->u.op == FPV_WORD_FORMAT)
			acc = fpv_ctx_format(&c, (int)w->args[0]);
		else
			order = (enum fpv_order)w->args[0];
	}
	op = fn == FPV_FN_SOFTMAX || fn == FPV_FN_SOFTMAX_NAIVE ||
	    fn == FPV_FN_LOGSUMEXP ? FPV_REDUCE_SUM : reduce_op(fn);
	ns = fpv_reduce_nsteps(op, order, x->n);
	*total = ns;
	if (first > ns)
		first = ns;
	if (count > ns - first)
		count = ns - first;
	if ((*steps = malloc((count ? count : 1) * sizeof **steps)) == NULL)
		return 0;
	ra = (struct fpv_reduce_args){
		.elem = fpv_trace_format(t, f),
		.acc = acc,
		.order = order,
		.x = x->bits + (size_t)f * x->n,
		.y = y != NULL ? y->bits + (size_t)f * y->n : NULL,
		.n = x->n,
		.ny = y != NULL ? y->n : 0,
		.steps = *steps,
		.max_steps = count,
		.window = true,
		.first_step = first,
	};
	if (fn == FPV_FN_SOFTMAX || fn == FPV_FN_SOFTMAX_NAIVE) {
		uint64_t *o = malloc((x->n ? x->n : 1) * sizeof *o);

		rc = o == NULL ? -1 : fpv_softmax(&c, &ra,
		    fn == FPV_FN_SOFTMAX_NAIVE, o, NULL, &rr, &why);
		free(o);
	} else if (fn == FPV_FN_LOGSUMEXP) {
		rc = fpv_logsumexp(&c, &ra, &rr, &why);
	} else {
		rc = fpv_reduce(&c, op, &ra, &rr, &why);
	}
	if (rc < 0) {
		free(*steps);
		*steps = NULL;
		return 0;
	}
	*accp = acc != NULL ? acc : ra.elem;
	*orderp = (int)order;
	*total = rr.nsteps < ns ? rr.nsteps : ns;
	return *total > first ? (*total - first < count ? *total - first :
	    count) : 0;
}

/* ---- The entry point ------------------------------------------------ */

/* Is node i's step one this file computes? */
bool
fpv_vec_step_p(const struct fpv_session *s, const struct fpv_trace *t,
    size_t i)
{
	const struct fpv_node *n = &t->ast.nodes[i];

	switch (n->kind) {
	case FPV_NODE_OP:
		for (int m = 0; m < fpv_ops[n->u.op].nargs; m++)
			if (fpv_trace_step(t, n->args[m])->vec != 0)
				return true;
		return false;
	case FPV_NODE_CAST:
		return fpv_trace_step(t, n->args[0])->vec != 0;
	case FPV_NODE_VAR: {
		const struct fpv_var *v = fpv_session_var(s,
		    t->ast.src + n->tok, n->toklen);

		return v != NULL && v->vec != NULL;
	}
	case FPV_NODE_NUM:
	case FPV_NODE_CONST:
	case FPV_NODE_BITS:
		return false;
	default:
		return true;
	}
}

int
fpv_vec_step(struct fpv_session *s, struct fpv_trace *t, size_t i,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	struct fpv_step *st = fpv_trace_step(t, i);
	/* A function's arguments (ext is NULL in a line without one). */
	const uint32_t *arg = n->kind == FPV_NODE_FN ?
	    t->ast.ext + n->args[0] : NULL;

	st->lo = (uint32_t)i;
	switch (n->kind) {
	case FPV_NODE_OP:
		return step_elementwise(t, i, err);
	case FPV_NODE_CAST:
		return step_cast(t, i, err);
	case FPV_NODE_VAR:
		return step_var(t, i, fpv_session_var(s, t->ast.src + n->tok,
		    n->toklen), err);
	case FPV_NODE_VEC:
		return step_literal(t, i, err);
	case FPV_NODE_INDEX:
		return step_index(t, i, err);
	case FPV_NODE_WORD:
	case FPV_NODE_STR:
		/* Arguments only: no value of their own. */
		fpv_exact_set_nan(&st->exact);
		return 0;
	case FPV_NODE_FN:
		break;
	default:
		return fail(t, n->start, err, "internal error: unknown node");
	}
	switch (n->u.op) {
	case FPV_FN_FILL:	return step_fill(t, i, arg, err);
	case FPV_FN_LINSPACE:	return step_linspace(t, i, arg, err);
	case FPV_FN_RANDN:	return step_randn(t, i, arg, err);
	case FPV_FN_LOAD:	return step_load(t, i, arg, err);
	case FPV_FN_LEN:	return step_len(t, i, arg, err);
	case FPV_FN_QUANT:
	case FPV_FN_MXFP8:
	case FPV_FN_MXFP6:
	case FPV_FN_MXFP4:
	case FPV_FN_NVFP4:
	case FPV_FN_Q8_0:
	case FPV_FN_Q4_0:
	case FPV_FN_NF4:
		return step_quant(t, i, arg, n->args[1], err);
	default:
		return step_reduce(t, i, arg, n->args[1], err);
	}
}

/* ---- Per-tensor figures --------------------------------------------- */

void
fpv_vec_figures_init(struct fpv_vec_figs *g)
{
	memset(g, 0, sizeof *g);
	fpv_exact_init(&g->maxabs);
	fpv_exact_init(&g->rmse);
	fpv_exact_init(&g->sqnr);
}

void
fpv_vec_figures_clear(struct fpv_vec_figs *g)
{
	fpv_exact_clear(&g->maxabs);
	fpv_exact_clear(&g->rmse);
	fpv_exact_clear(&g->sqnr);
}

/* Working precision of the figures' balls. */
#define FIG_PREC 160

/*
 * The figures without balls, for the common case: an element whose
 * reference and value are both short dyadic numbers (a binary64
 * number's, a grid value over a power-of-two scale) has an exact error
 * M 2^k with M below 2^126, and that error's square and the
 * reference's are added exactly, in integers, into long fixed-point
 * accumulators of nonnegative numbers; the largest error is compared
 * exactly.  The sums are then exact where the balls' are within 2^-150
 * or so of them, and the figures are computed from them as from the
 * balls.  Any other element (a reference no dyadic number holds, a
 * value of more than 62 bits, an error whose parts lie far apart)
 * takes the balls, and the two are added at the end.
 */

/* How one column's values are read on the fast path. */
struct figcol {
	const struct fpv_format *fmt;
	bool fast;		/* some values can be */
	bool grid;		/* an integer grid: scale gnum 2^-gshift */
	int64_t gnum;
	int gshift;
};

static void
figcol_init(struct figcol *c, const struct fpv_format *f)
{
	c->fmt = f;
	c->grid = f->kind == FPV_KIND_INT;
	c->fast = false;
	if (c->grid) {
		/* scale = scale_num / scale_den, the den a power of two */
		if (f->scale_big == NULL && f->scale_den > 0 &&
		    (f->scale_den & (f->scale_den - 1)) == 0 &&
		    f->scale_num != 0) {
			c->gnum = f->scale_num;
			c->gshift = __builtin_ctzll((uint64_t)f->scale_den);
			c->fast = true;
		}
	} else if (f->kind == FPV_KIND_FLOAT) {
		/* c < 2^(frac_bits + 1) times 2^q, q in range */
		c->fast = f->frac_bits <= 52 && f->emin - f->frac_bits >=
		    -DY_EMAX && f->emax <= DY_EMAX;
	}
}

/* Column c's value of the encoding b (c->fast) as *d: 0, or 1 if it is
 * no finite number, or -1 if it does not fit. */
static inline int
value_dyadic(const struct figcol *c, uint64_t b, struct dyadic *d)
{
	const struct fpv_format *f = c->fmt;

	if (c->grid) {
		int64_t q = fpv_bits_q(f, b);
		__int128 v, lim = (__int128)1 << 62;

		if (!f->sign && q < 0)
			return -1;	/* a 64-bit unsigned q */
		v = ((__int128)q - f->zero_point) * c->gnum;
		if (v >= lim || v <= -lim)
			return -1;
		d->neg = v < 0;
		d->m = (uint64_t)(v < 0 ? -v : v);
		d->k = -c->gshift;
		return 0;
	}
	d->neg = fpv_bits_sign(f, b) != 0;
	switch (float_parts(f, b, &d->m, &d->k)) {
	case FPV_CLASS_ZERO:
		d->m = 0;
		d->k = 0;
		return 0;
	case FPV_CLASS_NORMAL: case FPV_CLASS_SUBNORMAL:
		return 0;
	default:
		return 1;
	}
}

/* |v - r| exactly as M 2^k (M < 2^126); false if the two lie too far
 * apart for that. */
static inline bool
dy_err(const struct dyadic *v, const struct dyadic *r, u128 *M, int *k)
{
	int kmin, dv, dr;
	__int128 a, b, e;

	if (v->m == 0 || r->m == 0) {
		const struct dyadic *x = v->m == 0 ? r : v;

		*M = x->m;
		*k = x->k;
		return true;
	}
	kmin = v->k < r->k ? v->k : r->k;
	dv = v->k - kmin;
	dr = r->k - kmin;
	if (dv > 63 || dr > 63)
		return false;
	a = (__int128)((u128)v->m << dv);	/* below 2^125 */
	b = (__int128)((u128)r->m << dr);
	e = (v->neg ? -a : a) - (r->neg ? -b : b);
	*M = (u128)(e < 0 ? -e : e);
	*k = kmin;
	return true;
}

/* One column's running figures. */
struct figacc {
	arb_t mx, se;		/* the balls' */
	bool finite, special, first;
	/* the fast path's: the sum of squares, the largest error */
	uint64_t se_acc[ACC_LIMBS];
	u128 mxM;
	int mxk;
	bool fmx;		/* mxM 2^mxk is one */
};

/* The balls' path of a finite reference ref and a finite value val. */
static void
fig_ball(struct figacc *af, const arb_t ref, const arb_t val, arb_t e,
    arb_t tmp)
{
	arb_sub(e, val, ref, FIG_PREC);
	arb_abs(tmp, e);
	/* Exact errors (the common case) compare exactly. */
	if (af->first)
		arb_set(af->mx, tmp);
	else if (arb_is_exact(tmp) && arb_is_exact(af->mx)) {
		if (arf_cmp(arb_midref(tmp), arb_midref(af->mx)) > 0)
			arb_set(af->mx, tmp);
	} else {
		arb_max(af->mx, af->mx, tmp, FIG_PREC);
	}
	af->first = false;
	arb_addmul(af->se, e, e, FIG_PREC);
}

/* Compute every column's figures of v into v->figs. */
static void
figures_all(const struct fpv_trace *t, struct fpv_vec *v)
{
	int nc = v->ncols;
	struct figacc *a = calloc((size_t)nc, sizeof *a);
	struct fpv_vec_figs *g = calloc((size_t)nc, sizeof *g);
	struct figcol col[FPV_COLUMNS_MAX];
	uint64_t *sx_acc = calloc(ACC_LIMBS, sizeof *sx_acc);
	arb_t ref, val, e, sx, tmp;
	struct fpv_exact xv;

	if (a == NULL || g == NULL || sx_acc == NULL) {
		free(a);
		free(g);
		free(sx_acc);
		return;
	}
	arb_init(ref);
	arb_init(val);
	arb_init(e);
	arb_init(sx);
	arb_init(tmp);
	fpv_exact_init(&xv);
	for (int f = 0; f < nc; f++) {
		fpv_vec_figures_init(&g[f]);
		arb_init(a[f].mx);
		arb_init(a[f].se);
		a[f].finite = true;
		a[f].first = true;
		g[f].defined = true;
		figcol_init(&col[f], fpv_trace_format(t, f));
	}
	for (size_t j = 0; j < v->n; j++) {
		struct dyadic dr = { false, 0, 0 };
		bool rfin, rfast, have_ref = false;

		if ((j % POLL) == 0 && fpv_interrupted())
			break;
		rfast = exact_dyadic(&v->exact[j], &dr);
		if (rfast) {
			rfin = true;
			acc_add(sx_acc, (u128)dr.m * dr.m, 2 * dr.k - ACC_LO);
		} else {
			rfin = fpv_exact_get_arb(ref, &v->exact[j], FIG_PREC);
			have_ref = true;
			if (rfin)
				arb_addmul(sx, ref, ref, FIG_PREC);
		}
		for (int f = 0; f < nc; f++) {
			struct fpv_vec_figs *gf = &g[f];
			struct figacc *af = &a[f];
			size_t k = (size_t)f * v->n + j;
			unsigned fl = v->flags[k];
			bool vfin;

			if (fl & (FPV_FLAG_SATURATED | FPV_FLAG_OVERFLOW))
				gf->saturated++;
			if (fl & FPV_FLAG_ABSORBED)
				gf->absorbed++;
			if (rfast && col[f].fast) {
				struct dyadic dv;
				int c = value_dyadic(&col[f], v->bits[k], &dv);
				u128 M;
				int ke;

				if (c == 1) {
					gf->nonfinite++;
					af->special = true;
					continue;
				}
				if (c == 0 && dy_err(&dv, &dr, &M, &ke)) {
					if (dv.m == 0 && dr.m != 0)
						gf->underflowed++;
					acc_add_square(af->se_acc, M, ke);
					if (!af->fmx || dy_cmp(M, ke, af->mxM,
					    af->mxk) > 0) {
						af->mxM = M;
						af->mxk = ke;
						af->fmx = true;
					}
					continue;
				}
			}
			if (!have_ref) {
				fpv_exact_get_arb(ref, &v->exact[j], FIG_PREC);
				have_ref = true;
			}
			fpv_exact_decode(&xv, &t->ctx, col[f].fmt, v->bits[k]);
			vfin = fpv_exact_get_arb(val, &xv, FIG_PREC);
			if (!vfin)
				gf->nonfinite++;
			if (!rfin) {
				af->finite = false;
				continue;
			}
			if (!vfin) {
				af->special = true;
				continue;
			}
			if (arb_is_zero(val) && !arb_contains_zero(ref))
				gf->underflowed++;
			fig_ball(af, ref, val, e, tmp);
		}
	}
	acc_get_arb(tmp, sx_acc);
	arb_add(sx, sx, tmp, FIG_PREC);
	for (int f = 0; f < nc; f++) {
		struct fpv_vec_figs *gf = &g[f];
		struct figacc *af = &a[f];

		/* The fast path's sums joined to the balls'. */
		acc_get_arb(tmp, af->se_acc);
		arb_add(af->se, af->se, tmp, FIG_PREC);
		if (af->fmx) {
			dy_get_arb(tmp, af->mxM, af->mxk);
			if (af->first)
				arb_set(af->mx, tmp);
			else if (arb_is_exact(af->mx)) {
				if (arf_cmp(arb_midref(tmp),
				    arb_midref(af->mx)) > 0)
					arb_set(af->mx, tmp);
			} else {
				arb_max(af->mx, af->mx, tmp, FIG_PREC);
			}
		}
		if (!af->finite) {
			gf->defined = false;
		} else if (af->special) {
			gf->infinite = true;
		} else {
			fpv_exact_set_arb(&gf->maxabs, af->mx, FIG_PREC);
			arb_div_ui(tmp, af->se, (ulong)(v->n ? v->n : 1),
			    FIG_PREC);
			arb_sqrt(tmp, tmp, FIG_PREC);
			fpv_exact_set_arb(&gf->rmse, tmp, FIG_PREC);
			gf->sqnr_inf = arb_is_zero(af->se);
			gf->sqnr_minf = !gf->sqnr_inf && arb_is_zero(sx);
			if (!gf->sqnr_inf && !gf->sqnr_minf) {
				arb_div(tmp, sx, af->se, FIG_PREC);
				arb_log_base_ui(tmp, tmp, 10, FIG_PREC);
				arb_mul_ui(tmp, tmp, 10, FIG_PREC);
				fpv_exact_set_arb(&gf->sqnr, tmp, FIG_PREC);
			}
		}
		arb_clear(af->mx);
		arb_clear(af->se);
	}
	fpv_exact_clear(&xv);
	arb_clear(ref);
	arb_clear(val);
	arb_clear(e);
	arb_clear(sx);
	arb_clear(tmp);
	free(sx_acc);
	free(a);
	if (fpv_interrupted()) {
		/* Not complete: not kept. */
		for (int f = 0; f < nc; f++)
			fpv_vec_figures_clear(&g[f]);
		free(g);
		return;
	}
	v->figs = g;
	v->figs_reg = t->ctx.reg;
}

/* Drop v's cached figures. */
static void
figures_drop(struct fpv_vec *v)
{
	if (v->figs != NULL)
		for (int f = 0; f < v->ncols; f++)
			fpv_vec_figures_clear(&v->figs[f]);
	free(v->figs);
	v->figs = NULL;
}

void
fpv_vec_figures(const struct fpv_trace *t, const struct fpv_vec *cv, int f,
    struct fpv_vec_figs *g)
{
	/* The figures are a cache of the immutable vector. */
	struct fpv_vec *v = (struct fpv_vec *)cv;
	const struct fpv_vec_figs *c;

	if (v->figs != NULL && v->figs_reg != (const void *)t->ctx.reg)
		figures_drop(v);
	if (v->figs == NULL)
		figures_all(t, v);
	g->defined = false;
	g->infinite = g->sqnr_inf = g->sqnr_minf = false;
	g->saturated = g->underflowed = g->absorbed = g->nonfinite = 0;
	if (v->figs == NULL)
		return;		/* interrupted or out of memory: none */
	c = &v->figs[f];
	g->defined = c->defined;
	g->infinite = c->infinite;
	g->sqnr_inf = c->sqnr_inf;
	g->sqnr_minf = c->sqnr_minf;
	g->saturated = c->saturated;
	g->underflowed = c->underflowed;
	g->absorbed = c->absorbed;
	g->nonfinite = c->nonfinite;
	fpv_exact_set(&g->maxabs, &c->maxabs);
	fpv_exact_set(&g->rmse, &c->rmse);
	fpv_exact_set(&g->sqnr, &c->sqnr);
}

/* One figure in fpv_dec_figure's notation, every digit certified:
 * "0" for an exact zero; 0 (nothing) when not one digit is certain. */
size_t
fpv_vec_figure_text(const struct fpv_exact *x, unsigned how, char *buf,
    size_t size)
{
	if (x->kind == FPV_EXACT_BALL && arb_is_zero(x->ball))
		return (size_t)snprintf(buf, size, "0");
	return fpv_exact_figure(x, how, buf, size);
}
