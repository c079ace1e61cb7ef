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

struct fpv_vec *
fpv_vec_new(size_t n, int ncols)
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
	v->exact = malloc((n ? n : 1) * sizeof *v->exact);
	if (v->bits == NULL || v->flags == NULL || v->exact == NULL) {
		free(v->bits);
		free(v->flags);
		free(v->exact);
		free(v);
		return NULL;
	}
	for (size_t j = 0; j < n; j++)
		fpv_exact_init(&v->exact[j]);
	return v;
}

void
fpv_vec_unref(struct fpv_vec *v)
{
	if (v == NULL || --v->refs > 0)
		return;
	for (size_t j = 0; j < v->n; j++)
		fpv_exact_clear(&v->exact[j]);
	if (v->quant != NULL)
		for (int f = 0; f < v->ncols; f++)
			fpv_quant_clear(&v->quant[f]);
	free(v->quant);
	figures_drop(v);
	free(v->exact);
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

/* Round the real r into element j of every column of v. */
static void
round_real(const struct fpv_trace *t, struct fpv_vec *v, size_t j,
    const struct fpv_real *r)
{
	for (int f = 0; f < v->ncols; f++) {
		unsigned fl = 0;

		v->bits[(size_t)f * v->n + j] = fpv_num_round_real(&t->ctx,
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

/* The value of the encoding b of an IEEE format f held exactly by a
 * double (what decoding it and mpfr_get_d give), without MPFR; false
 * for a NaN, an integer grid, or a value no double holds exactly. */
static bool
elem_double(const struct fpv_format *f, uint64_t b, double *d)
{
	bool neg;
	uint64_t c;
	int q;

	if (f->kind != FPV_KIND_FLOAT || fpv_format_prec(f) > 53)
		return false;
	neg = fpv_bits_sign(f, b) != 0;
	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_ZERO:
		*d = neg ? -0.0 : 0.0;
		return true;
	case FPV_CLASS_INF:
		*d = neg ? -INFINITY : INFINITY;
		return true;
	case FPV_CLASS_NORMAL: case FPV_CLASS_SUBNORMAL:
		if (!fpv_bits_parts(f, b, &c, &q) || q < -1074 || q > 971)
			return false;
		*d = ldexp((double)c, q);
		if (neg)
			*d = -*d;
		return true;
	default:
		return false;
	}
}

/* Element j of v: the double d exactly, rounded into each column as a
 * literal of that value is (x: room of FPV_EXACT_PREC bits). */
static void
set_double(const struct fpv_trace *t, struct fpv_vec *v, size_t j, double d,
    mpfr_ptr x)
{
	struct fpv_real r = { .approx = x };
	int e;

	mpfr_set_d(x, d, MPFR_RNDN);
	round_real(t, v, j, &r);
	if (!isfinite(d)) {
		if (isnan(d))
			fpv_exact_set_nan(&v->exact[j]);
		else
			fpv_exact_set_inf(&v->exact[j], d < 0);
		return;
	}
	/* d = m 2^(e - 53) with the integer m < 2^53. */
	d = frexp(d, &e);
	fpv_exact_set_dyadic(&v->exact[j], signbit(d) != 0,
	    (uint64_t)ldexp(fabs(d), 53), (slong)e - 53);
}

/* randn(n, seed). */
static int
step_randn(struct fpv_trace *t, size_t i, const uint32_t *arg,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	struct stacknum sn;
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
	stacknum_init(&sn);
	for (size_t j = 0; j < len; j++) {
		if ((j % POLL) == 0 && fpv_interrupt) {
			free(x);
			fpv_vec_unref(v);
			return fail(t, 0, err, "interrupted");
		}
		set_double(t, v, j, x[j], sn.x);
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
			set_double(t, v, j, a.v[j], sn.x);
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
			v->bits[base + j] = fpv_num_op(&t->ctx, fmt, n->u.op, a,
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

	if ((v = vec_make(t, len)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (int f = 0; f < v->ncols; f++) {
		const struct fpv_format *col = fpv_trace_format(t, f);
		size_t base = (size_t)f * len;

		for (size_t j = 0; j < len; j++) {
			uint64_t b = a->bits[base + j];
			unsigned fl = 0;

			if (col != to) {
				b = fpv_num_convert(&t->ctx, to, col, b, &fl);
				b = fpv_num_convert(&t->ctx, col, to, b, &fl);
			}
			v->bits[base + j] = b;
			v->flags[base + j] = (uint16_t)fl;
		}
	}
	for (size_t j = 0; j < len; j++)
		fpv_exact_set(&v->exact[j], &a->exact[j]);
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

	for (int f = 0; same && f < src->ncols; f++)
		same = src->fmt[f] == t->ctx.cols[f];
	if (same) {
		if (vec_attach(t, fpv_trace_step(t, i), fpv_vec_ref(src)) < 0)
			return fail(t, n->start, err, "out of memory");
		return 0;
	}
	if ((v = vec_make(t, src->n)) == NULL)
		return fail(t, n->start, err, "out of memory");
	for (size_t j = 0; j < src->n; j++)
		fpv_exact_set(&v->exact[j], &src->exact[j]);
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
				v->bits[(size_t)f * v->n + j] =
				    fpv_num_round_real(&t->ctx,
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
	bool lse = op >= FPV_REDUCE_COUNT;

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
	for (size_t j = 0; j < n; j++) {
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
	if ((out = vec_make(t, x->n)) == NULL ||
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
			struct stacknum sn;
			struct fpv_real r = { .approx = stacknum_init(&sn) };
			unsigned fl = 0;

			mpfr_set_d(sn.x, q->value[j], MPFR_RNDN);
			out->bits[base + j] = fpv_num_round_real(&t->ctx, fmt, &r,
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
	for (size_t j = 0; j < x->n; j++)
		fpv_exact_set(&out->exact[j], &x->exact[j]);
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
	const struct fpv_node *n = &t->ast.nodes[i];
	const uint32_t *arg;
	const struct fpv_vec *x, *y = NULL;
	const struct fpv_format *acc = NULL;
	enum fpv_order order = FPV_ORDER_SEQUENTIAL;
	enum fpv_reduce_op op;
	struct fpv_reduce_args ra;
	struct fpv_reduce_result rr;
	const char *why;
	size_t ns;
	int fn, rc;

	*steps = NULL;
	if (i >= t->nsteps || n->kind != FPV_NODE_FN)
		return 0;
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
			acc = fpv_ctx_format(&t->ctx, (int)w->args[0]);
		else
			order = (enum fpv_order)w->args[0];
	}
	op = fn == FPV_FN_SOFTMAX || fn == FPV_FN_SOFTMAX_NAIVE ||
	    fn == FPV_FN_LOGSUMEXP ? FPV_REDUCE_SUM : reduce_op(fn);
	ns = fpv_reduce_nsteps(op, order, x->n);
	if ((*steps = malloc((ns ? ns : 1) * sizeof **steps)) == NULL)
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
		.max_steps = ns,
	};
	if (fn == FPV_FN_SOFTMAX || fn == FPV_FN_SOFTMAX_NAIVE) {
		uint64_t *o = malloc((x->n ? x->n : 1) * sizeof *o);

		rc = o == NULL ? -1 : fpv_softmax(&t->ctx, &ra,
		    fn == FPV_FN_SOFTMAX_NAIVE, o, NULL, &rr, &why);
		free(o);
	} else if (fn == FPV_FN_LOGSUMEXP) {
		rc = fpv_logsumexp(&t->ctx, &ra, &rr, &why);
	} else {
		rc = fpv_reduce(&t->ctx, op, &ra, &rr, &why);
	}
	if (rc < 0) {
		free(*steps);
		*steps = NULL;
		return 0;
	}
	*accp = acc != NULL ? acc : ra.elem;
	*orderp = (int)order;
	return rr.nsteps < ns ? rr.nsteps : ns;
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

/* One column's running figures. */
struct figacc {
	arb_t mx, se;
	bool finite, special, first;
};

/* Compute every column's figures of v into v->figs. */
static void
figures_all(const struct fpv_trace *t, struct fpv_vec *v)
{
	int nc = v->ncols;
	struct figacc *a = calloc((size_t)nc, sizeof *a);
	struct fpv_vec_figs *g = calloc((size_t)nc, sizeof *g);
	arb_t ref, val, e, sx, tmp;
	struct fpv_exact xv;

	if (a == NULL || g == NULL) {
		free(a);
		free(g);
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
	}
	for (size_t j = 0; j < v->n; j++) {
		bool rfin;

		if ((j % POLL) == 0 && fpv_interrupted())
			break;
		rfin = fpv_exact_get_arb(ref, &v->exact[j], FIG_PREC);
		if (rfin)
			arb_addmul(sx, ref, ref, FIG_PREC);
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
			fpv_exact_decode(&xv, &t->ctx, fpv_trace_format(t, f),
			    v->bits[k]);
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
	}
	for (int f = 0; f < nc; f++) {
		struct fpv_vec_figs *gf = &g[f];
		struct figacc *af = &a[f];

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
