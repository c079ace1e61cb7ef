/*
 * The evaluator: turns a parsed line into a trace, and derives the
 * error figures of any step on demand.
 *
 * The AST is in post-order, so evaluation is one pass over the nodes:
 * node i becomes step i, whose operands are earlier steps.  Each step is
 * computed in every format column from that column's own rounded
 * operands, and once more without rounding for the exact reference
 * (casts are roundings, so the exact reference passes through them).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/trace.h"

/* ---- Session -------------------------------------------------------- */

/*
 * The index of the variables: open addressing over a power-of-two
 * table of slots holding an index into vars plus one (0: empty), at
 * most half full.  It describes vars[0..n) of the array it was built
 * for; when the session's array or count differ (a snapshot put back,
 * :clear) it is built again, so lookups stay O(1) on average whatever
 * the callers do with the array.
 */
struct fpv_varindex {
	const struct fpv_var *vars;
	size_t n;
	size_t mask;		/* table size - 1 */
	uint32_t *slot;
};

/* FNV-1a of name[0..len). */
static uint64_t
name_hash(const char *name, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Put vars[i] into the index's table (which has room). */
static void
index_put(struct fpv_varindex *x, const struct fpv_var *vars, size_t i)
{
	size_t k = (size_t)name_hash(vars[i].name, strlen(vars[i].name)) &
	    x->mask;

	while (x->slot[k] != 0)
		k = (k + 1) & x->mask;
	x->slot[k] = (uint32_t)(i + 1);
}

/* Make the index describe s's variables; -1 if out of memory (the
 * index is then dropped and lookups scan). */
static int
index_sync(const struct fpv_session *s)
{
	struct fpv_varindex *x = s->index;
	size_t want = 16;

	if (x != NULL && x->slot != NULL && x->vars == s->vars &&
	    x->n == s->nvars)
		return 0;
	while (want < 2 * s->nvars + 2)
		want *= 2;
	if (x == NULL)
		return -1;
	if (x->mask + 1 != want || x->slot == NULL) {
		uint32_t *sl = calloc(want, sizeof *sl);

		if (sl == NULL)
			return -1;
		free(x->slot);
		x->slot = sl;
		x->mask = want - 1;
	} else {
		memset(x->slot, 0, want * sizeof *x->slot);
	}
	for (size_t i = 0; i < s->nvars; i++)
		index_put(x, s->vars, i);
	x->vars = s->vars;
	x->n = s->nvars;
	return 0;
}

/* Initialize an empty session with default settings. */
void
fpv_session_init(struct fpv_session *s)
{
	memset(s, 0, sizeof *s);
	fpv_ctx_init(&s->ctx);
	s->index = calloc(1, sizeof *s->index);
}

/* Forget all variables. */
void
fpv_session_clear_vars(struct fpv_session *s)
{
	for (size_t i = 0; i < s->nvars; i++)
		fpv_var_clear(&s->vars[i]);
	s->nvars = 0;
}

/* Give the session the variables vars[0..n), releasing its own. */
void
fpv_session_set_vars(struct fpv_session *s, struct fpv_var *vars, size_t n)
{
	fpv_session_clear_vars(s);
	free(s->vars);
	s->vars = vars;
	s->nvars = s->capvars = n;
	/* A new array may sit where an indexed one was: index it again. */
	if (s->index != NULL)
		s->index->vars = NULL;
}

/* Release a session. */
void
fpv_session_free(struct fpv_session *s)
{
	fpv_session_clear_vars(s);
	free(s->vars);
	if (s->index != NULL)
		free(s->index->slot);
	free(s->index);
	fpv_ctx_clear(&s->ctx);
	memset(s, 0, sizeof *s);
}

/* Find a variable. */
const struct fpv_var *
fpv_session_var(const struct fpv_session *s, const char *name, size_t len)
{
	const struct fpv_varindex *x = s->index;

	if (index_sync(s) == 0) {
		size_t k = (size_t)name_hash(name, len) & x->mask;

		for (; x->slot[k] != 0; k = (k + 1) & x->mask) {
			const struct fpv_var *v = &s->vars[x->slot[k] - 1];

			if (strncmp(v->name, name, len) == 0 &&
			    v->name[len] == '\0')
				return v;
		}
		return NULL;
	}
	for (size_t i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].name) == len &&
		    memcmp(s->vars[i].name, name, len) == 0)
			return &s->vars[i];
	return NULL;
}

/* Store step's values under name (created if new); 0, or -1 if out of memory. */
static int
session_store(struct fpv_session *s, const char *name, size_t len,
    const struct fpv_trace *t, const struct fpv_step *step)
{
	struct fpv_var *v = (struct fpv_var *)fpv_session_var(s, name, len);

	if (v == NULL) {
		if (s->nvars == s->capvars) {
			size_t cap = s->capvars ? 2 * s->capvars : 8;
			struct fpv_var *nv = realloc(s->vars, cap * sizeof *nv);

			if (nv == NULL)
				return -1;
			s->vars = nv;
			s->capvars = cap;
		}
		v = &s->vars[s->nvars];
		if ((v->name = strndup(name, len)) == NULL)
			return -1;
		fpv_exact_init(&v->exact);
		v->vec = NULL;
		s->nvars++;
		/* Keep the index in step (rebuilt when it must grow). */
		if (s->index != NULL && s->index->vars == s->vars &&
		    s->index->n + 1 == s->nvars &&
		    2 * s->nvars + 2 <= s->index->mask + 1) {
			index_put(s->index, s->vars, s->nvars - 1);
			s->index->n = s->nvars;
		}
	}
	fpv_vec_unref(v->vec);
	v->vec = NULL;
	if (step->vec != 0) {
		v->vec = fpv_vec_ref(t->vecs[step->vec]);
		v->nfmt = 0;
		fpv_exact_set_nan(&v->exact);
		return 0;
	}
	v->nfmt = fpv_trace_ncols(t);
	for (int f = 0; f < v->nfmt; f++) {
		v->fmt[f] = t->ctx.cols[f];
		v->bits[f] = fpv_step_cells(t, step)[f].bits;
	}
	fpv_exact_set(&v->exact, &step->exact);
	/* A ball is kept as it is: it can no longer be recomputed. */
	v->exact.fixed = true;
	return 0;
}

/* ---- Trace ---------------------------------------------------------- */

/* Initialize an empty trace. */
void
fpv_trace_init(struct fpv_trace *t)
{
	memset(t, 0, sizeof *t);
	fpv_ast_init(&t->ast);
	fpv_ctx_init(&t->ctx);
	t->dd_step = SIZE_MAX;
	for (int k = 0; k < t->ctx.ncols; k++)
		t->fmt[k] = fpv_ctx_col(&t->ctx, k);
}

/* Release a trace. */
void
fpv_trace_free(struct fpv_trace *t)
{
	for (size_t i = 0; i < t->cap; i++)
		fpv_exact_clear(&t->steps[i].exact);
	for (size_t i = 0; i < t->caplvar; i++)
		fpv_exact_clear(&t->lvar[i]);
	for (size_t i = 0; i < t->nscratch; i++)
		fpv_exact_clear(&t->scratch[i]);
	free(t->steps);
	free(t->cells);
	free(t->slot);
	free(t->aux);
	free(t->lvar);
	free(t->lvar_of);
	free(t->scratch);
	fpv_vec_trace_free(t);
	fpv_ast_free(&t->ast);
	fpv_ctx_clear(&t->ctx);
	memset(t, 0, sizeof *t);
}

/* Make room for n steps of t's columns; -1 if out of memory, -2 if
 * interrupted (fpv_interrupt). */
static int
trace_reserve(struct fpv_trace *t, size_t n)
{
	size_t nc = (size_t)fpv_trace_ncols(t);

	if (n * nc > t->cellcap) {
		size_t cap = t->cellcap ? 2 * t->cellcap : 64;
		struct fpv_cell *c;

		if (cap < n * nc)
			cap = n * nc;
		if ((c = realloc(t->cells, cap * sizeof *c)) == NULL)
			return -1;
		t->cells = c;
		t->cellcap = cap;
	}
	if (n > t->cap) {
		/* Doubling keeps growth amortized; a line far longer than
		 * any before gets exactly its n steps, each with its limbs. */
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct fpv_step *ns;

		if (cap < n)
			cap = n;
		if ((ns = realloc(t->steps, cap * sizeof *ns)) == NULL)
			return -1;
		t->steps = ns;
		for (size_t i = t->cap; i < cap; i++) {
			/* Millions of steps take a while: stop when told. */
			if ((i & 4095) == 0 && fpv_interrupt) {
				t->cap = i;
				return -2;
			}
			fpv_exact_init(&t->steps[i].exact);
		}
		t->cap = cap;
	}
	return 0;
}

/*
 * Lay out a lean trace: each step's value in a slot, taken from the free
 * ones when it is computed, its operands' slots freed after it, so that
 * a slot is reused only once its value was read (the last step's
 * operands stay).  Sets t->slot and t->nslots; -1 if out of memory.
 */
static int
lean_plan(struct fpv_trace *t)
{
	size_t n = t->ast.n, nfree = 0, capfree = 64;
	uint32_t *freel = malloc(capfree * sizeof *freel);

	if (freel == NULL)
		return -1;
	if (n > t->slotcap) {
		uint32_t *a = realloc(t->slot, n * sizeof *a), *b;

		if (a != NULL)
			t->slot = a;
		b = a == NULL ? NULL : realloc(t->aux, n * sizeof *b);
		if (b == NULL) {
			free(freel);
			return -1;
		}
		t->aux = b;
		t->slotcap = n;
	}
	t->nslots = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t args[3];
		int k = fpv_trace_args(t, i, args);

		t->slot[i] = nfree > 0 ? freel[--nfree] : (uint32_t)t->nslots++;
		if (nfree + (size_t)k > capfree) {
			uint32_t *nf = realloc(freel, 2 * capfree * sizeof *nf);

			if (nf == NULL) {
				free(freel);
				return -1;
			}
			freel = nf;
			capfree *= 2;
		}
		/* Pushed so that the first operand's slot is taken first. */
		while (k-- > 0)
			freel[nfree++] = t->slot[args[k]];
	}
	free(freel);
	return 0;
}

/*
 * The index in t->lvar of a copy of variable v's value as the line read
 * it (a lean trace recomputes from it); -1 if out of memory.
 */
static long
lean_var(struct fpv_trace *t, const struct fpv_var *v)
{
	size_t k;

	/* The same few variables are read again and again. */
	for (k = 0; k < t->nlvar && k < 256; k++)
		if (t->lvar_of[k] == v)
			return (long)k;
	if (t->nlvar == t->caplvar) {
		size_t cap = t->caplvar ? 2 * t->caplvar : 16;
		struct fpv_exact *nl = realloc(t->lvar, cap * sizeof *nl);
		const struct fpv_var **no;

		if (nl == NULL)
			return -1;
		t->lvar = nl;
		for (size_t j = t->caplvar; j < cap; j++)
			fpv_exact_init(&t->lvar[j]);
		t->caplvar = cap;
		no = realloc(t->lvar_of, cap * sizeof *no);
		if (no == NULL)
			return -1;
		t->lvar_of = no;
	}
	k = t->nlvar++;
	t->lvar_of[k] = v;
	fpv_exact_set(&t->lvar[k], &v->exact);
	return (long)k;
}

/* Operand step indices of step i. */
int
fpv_trace_args(const struct fpv_trace *t, size_t i, uint32_t *args)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	int k;

	switch (n->kind) {
	case FPV_NODE_OP:
		k = fpv_ops[n->u.op].nargs;
		break;
	case FPV_NODE_CAST:
		k = 1;
		break;
	case FPV_NODE_INDEX:
		k = 2;
		break;
	case FPV_NODE_VEC:
	case FPV_NODE_FN:
		/* Variadic: the first three (fpv_trace_vargs has all). */
		k = n->args[1] < 3 ? (int)n->args[1] : 3;
		for (int j = 0; j < k; j++)
			args[j] = t->ast.ext[n->args[0] + (uint32_t)j];
		return k;
	default:
		k = 0;
		break;
	}
	for (int j = 0; j < k; j++)
		args[j] = n->args[j];
	return k;
}

/* Fill err with a located message about node n. */
static void
node_error(const struct fpv_trace *t, const struct fpv_node *n,
    struct fpv_error *err, const char *what)
{
	err->line = t->line;
	err->col = fpv_parse_column(t->ast.src, n->start);
	snprintf(err->msg, sizeof err->msg, "%s '%.*s'", what,
	    (int)(n->toklen > 64 ? 64 : n->toklen), t->ast.src + n->tok);
}

/* Round a real number (literal or constant) into every column. */
static void
step_real(struct fpv_trace *t, struct fpv_step *st, const struct fpv_real *r)
{
	struct fpv_cell *cell = fpv_step_cells(t, st);
	const int nc = fpv_trace_ncols(t);

	for (int f = 0; f < nc; f++) {
		unsigned fl = 0;

		cell[f].bits = fpv_num_round_real(&t->ctx,
		    fpv_trace_format(t, f), r, &fl);
		cell[f].flags = fl;
	}
}

/* A number on the stack: any IEEE value of the table exactly, or an
 * integer-grid value at FPV_EXACT_PREC bits. */
struct stackval {
	mp_limb_t l[(FPV_EXACT_PREC + 63) / 64];
	mpfr_t x;
};

/*
 * Column f's value of bits, on the stack: exact for IEEE formats; for
 * the integer grid scale * (q - zero_point), correctly rounded to
 * FPV_EXACT_PREC bits.
 */
static mpfr_ptr
value_of(const struct fpv_trace *t, int f, uint64_t bits, struct stackval *sv)
{
	const struct fpv_format *fmt = fpv_trace_format(t, f);
	mpfr_prec_t prec = fmt->kind == FPV_KIND_FLOAT ? fpv_format_prec(fmt) :
	    FPV_EXACT_PREC;

	mpfr_custom_init(sv->l, prec);
	mpfr_custom_init_set(sv->x, MPFR_ZERO_KIND, 0, prec, sv->l);
	if (fmt->kind == FPV_KIND_INT && fmt->scale_num != 0) {
		/* A small scale sn/sd: (q - zero_point) * sn / sd. */
		int64_t q = fpv_bits_q(fmt, bits);

		mpfr_set_si(sv->x, (long)((q - fmt->zero_point) *
		    fmt->scale_num), MPFR_RNDN);
		if (fmt->scale_den != 1)
			mpfr_div_ui(sv->x, sv->x,
			    (unsigned long)fmt->scale_den, MPFR_RNDN);
		return sv->x;
	}
	fpv_num_decode(&t->ctx, fmt, bits, sv->x);
	return sv->x;
}

/* The binary exponent of the finite nonzero encoding b of f as MPFR
 * has it (|x| = 0.1... 2^E); false for a zero, infinity or NaN. */
static bool
float_exp(const struct fpv_format *f, uint64_t b, long *E)
{
	uint64_t c;
	int q;

	if (!fpv_bits_parts(f, b, &c, &q) || c == 0)
		return false;
	*E = (long)q + 64 - __builtin_clzll(c);
	return true;
}

/* fpv_num_cancelled for the IEEE format f, read off the encodings of
 * the operands a, b and the result r. */
static int32_t
float_cancelled(const struct fpv_format *f, enum fpv_op op, uint64_t a,
    uint64_t b, uint64_t r)
{
	int prec = fpv_format_prec(f);
	long ea, eb, er;
	bool sa, sb;

	if (!float_exp(f, a, &ea) || !float_exp(f, b, &eb))
		return 0;
	switch (fpv_bits_class(f, r)) {
	case FPV_CLASS_INF: case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		return 0;
	default:
		break;
	}
	sa = fpv_bits_sign(f, a) != 0;
	sb = (fpv_bits_sign(f, b) != 0) != (op == FPV_OP_SUB);
	if (sa == sb)
		return 0;		/* not an effective subtraction */
	if (!float_exp(f, r, &er))
		return prec;		/* a zero */
	ea = ea > eb ? ea : eb;
	if (er >= ea)
		return 0;
	return ea - er > prec ? prec : (int32_t)(ea - er);
}

/* Count the bits a flagged cancellation lost in column f of step i. */
static int32_t
cancelled_bits(const struct fpv_trace *t, const struct fpv_node *n, int f,
    uint64_t result)
{
	const struct fpv_format *fmt = fpv_trace_format(t, f);
	struct stackval sa, sb, sr;

	if (fmt->kind == FPV_KIND_FLOAT)
		return float_cancelled(fmt, n->u.op,
		    fpv_trace_cells(t, n->args[0])[f].bits,
		    fpv_trace_cells(t, n->args[1])[f].bits, result);

	mpfr_srcptr args[2] = {
		value_of(t, f, fpv_trace_cells(t, n->args[0])[f].bits, &sa),
		value_of(t, f, fpv_trace_cells(t, n->args[1])[f].bits, &sb)
	};

	return fpv_num_cancelled(fpv_trace_format(t, f), n->u.op, args,
	    value_of(t, f, result, &sr));
}

/* An MPFR number of FPV_EXACT_PREC bits on the stack: a real number's
 * approximation for the columns. */
struct stackreal {
	mp_limb_t l[(FPV_EXACT_PREC + 63) / 64];
	mpfr_t x;
};

/* Make sr a zero of FPV_EXACT_PREC bits; returns its number. */
static mpfr_ptr
stackreal_init(struct stackreal *sr)
{
	mpfr_custom_init(sr->l, FPV_EXACT_PREC);
	mpfr_custom_init_set(sr->x, MPFR_ZERO_KIND, 0, FPV_EXACT_PREC, sr->l);
	return sr->x;
}

/* A step of vectors (vec.c); in stochastic rounding each of its
 * roundings takes its own stream number (fpv_ctx.sr_elem, num.h). */
static int
vec_step(struct fpv_session *s, struct fpv_trace *t, size_t i,
    struct fpv_error *err)
{
	int rc = fpv_vec_step(s, t, i, err);

	t->ctx.sr_elem = 0;
	return rc;
}

/* Compute step i (node i) in every column and exactly; -1 on error. */
static int
eval_step(struct fpv_session *s, struct fpv_trace *t, size_t i,
    struct fpv_error *err)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	struct fpv_step *st = fpv_trace_step(t, i);
	struct fpv_cell *const cell = fpv_trace_cells(t, i);
	const int nc = fpv_trace_ncols(t);
	struct stackreal sr;
	struct fpv_real r = { .approx = NULL };
	int tern;

	if (t->lean)		/* the slot's last step left its cells */
		memset(cell, 0, (size_t)fpv_trace_ncols(t) *
		    sizeof (struct fpv_cell));
	st->lo = (uint32_t)i;
	/* Stochastic rounding's words: this line's step i. */
	if (t->ctx.round == FPV_RND_STOCHASTIC) {
		t->ctx.sr_pos = fpv_sr_position(t->line, i);
		t->ctx.sr_elem = 0;
	}
	st->vec = 0;
	if (n->kind > FPV_NODE_BITS)
		return vec_step(s, t, i, err);
	switch (n->kind) {
	case FPV_NODE_NUM:
		r.approx = stackreal_init(&sr);
		tern = fpv_real_parse(&r, sr.x, t->ast.src + n->tok,
		    n->toklen);
		if (tern == -2) {
			node_error(t, n, err, "malformed number");
			return -1;
		}
		if (n->negative)
			mpfr_neg(sr.x, sr.x, MPFR_RNDN);
		r.negative = n->negative;
		step_real(t, st, &r);
		/* The exact value from what the parse learnt, else the text. */
		if (r.dec_known && r.dec_short)
			fpv_exact_set_decimal(&st->exact, n->negative, r.dec_m,
			    r.dec_e);
		else
			fpv_exact_set_text(&st->exact, t->ast.src + n->tok,
			    n->toklen, n->negative, FPV_EXACT_PREC0);
		break;
	case FPV_NODE_CONST:
		r.approx = stackreal_init(&sr);
		if (n->u.constant == FPV_CONST_PI) {
			tern = mpfr_const_pi(sr.x, MPFR_RNDZ);
		} else {
			mpfr_set_ui(sr.x, 1, MPFR_RNDN);
			tern = mpfr_exp(sr.x, sr.x, MPFR_RNDZ);
		}
		fpv_real_make_odd(sr.x, tern);
		r.inexact = 1;
		step_real(t, st, &r);
		fpv_exact_set_const(&st->exact, n->u.constant, FPV_EXACT_PREC0);
		break;
	case FPV_NODE_VAR: {
		const struct fpv_var *v = fpv_session_var(s,
		    t->ast.src + n->tok, n->toklen);

		if (v == NULL) {
			bool ans = n->toklen == 3 &&
			    memcmp(t->ast.src + n->tok, "ans", 3) == 0;
			node_error(t, n, err, ans ? "no previous result for" :
			    "unknown variable");
			return -1;
		}
		if (v->vec != NULL)
			return vec_step(s, t, i, err);
		stackreal_init(&sr);
		for (int f = 0, in = -1; f < fpv_trace_ncols(t); f++) {
			int j = 0;

			while (j < v->nfmt && v->fmt[j] != t->ctx.cols[f])
				j++;
			if (j < v->nfmt) {
				cell[f].bits = v->bits[j];
			} else {
				/* Not evaluated in this format: its exact
				 * value rounded into it. */
				struct fpv_real vr = { .approx = sr.x };
				unsigned fl = 0;

				if (in < 0)
					in = fpv_exact_get_odd(sr.x, &v->exact);
				vr.inexact = in;
				cell[f].bits = fpv_num_round_real(&t->ctx,
				    fpv_trace_format(t, f), &vr, &fl);
				cell[f].flags = fl;
			}
		}
		fpv_exact_set(&st->exact, &v->exact);
		if (t->lean) {
			long k = lean_var(t, v);

			if (k < 0) {
				node_error(t, n, err, "out of memory at");
				return -1;
			}
			t->aux[i] = (uint32_t)k;
		}
		break;
	}
	case FPV_NODE_OP: {
		int k = fpv_ops[n->u.op].nargs;
		/* Operand steps; past the k-th, the first again (read, unused). */
		const struct fpv_step *as[3] = {
			fpv_trace_step(t, n->args[0]),
			fpv_trace_step(t, n->args[k > 1 ? 1 : 0]),
			fpv_trace_step(t, n->args[k > 2 ? 2 : 0])
		};

		const struct fpv_cell *ac[3];

		if ((as[0]->vec | as[1]->vec | as[2]->vec) != 0)
			return vec_step(s, t, i, err);
		ac[0] = fpv_trace_cells(t, n->args[0]);
		ac[1] = fpv_trace_cells(t, n->args[k > 1 ? 1 : 0]);
		ac[2] = fpv_trace_cells(t, n->args[k > 2 ? 2 : 0]);
		for (int f = 0; f < nc; f++) {
			uint64_t a[3] = { ac[0][f].bits, ac[1][f].bits,
			    ac[2][f].bits };
			unsigned fl = 0;

			cell[f].bits = fpv_num_op(&t->ctx,
			    fpv_trace_format(t, f), n->u.op, a, &fl);
			cell[f].flags = fl;
			if (fl & FPV_FLAG_CANCELLATION)
				cell[f].cancelled = cancelled_bits(t, n, f,
				    cell[f].bits);
		}
		for (int j = 0; j < k; j++)
			if (as[j]->lo < st->lo)
				st->lo = as[j]->lo;
		fpv_exact_step(t, i);
		break;
	}
	case FPV_NODE_CAST: {
		const struct fpv_format *to = fpv_ctx_format(&t->ctx,
		    n->u.format);
		const struct fpv_step *a = fpv_trace_step(t, n->args[0]);

		if (a->vec != 0)
			return vec_step(s, t, i, err);
		for (int f = 0; f < fpv_trace_ncols(t); f++) {
			const struct fpv_format *col = fpv_trace_format(t, f);
			unsigned fl = 0;
			uint64_t b = fpv_step_cells(t, a)[f].bits;

			if (col != to) {
				b = fpv_num_convert(&t->ctx, to, col, b, &fl);
				b = fpv_num_convert(&t->ctx, col, to, b, &fl);
			}
			cell[f].bits = b;
			cell[f].flags = fl;
		}
		/* A cast is a rounding: the reference passes through. */
		st->lo = a->lo;
		fpv_exact_set(&st->exact, &a->exact);
		break;
	}
	case FPV_NODE_BITS: {
		const struct fpv_format *from = fpv_ctx_format(&t->ctx,
		    n->u.format);

		for (int f = 0; f < fpv_trace_ncols(t); f++) {
			const struct fpv_format *col = fpv_trace_format(t, f);
			unsigned fl = 0;

			cell[f].bits = col == from ? fpv_node_bits(n) :
			    fpv_num_convert(&t->ctx, col, from, fpv_node_bits(n), &fl);
			cell[f].flags = fl;
		}
		fpv_exact_decode(&st->exact, &t->ctx, from, fpv_node_bits(n));
		break;
	}
	}
	/* A subnormal result is marked so whatever made it: an operation or
	 * a rounding marks its own, and so here a bit pattern, a variable
	 * or a cast that kept the encoding it was given. */
	bool kept = n->kind == FPV_NODE_BITS || n->kind == FPV_NODE_VAR ||
	    n->kind == FPV_NODE_CAST;

	if (kept)
		for (int f = 0; f < nc; f++)
			if (fpv_bits_class(fpv_trace_format(t, f),
			    cell[f].bits) == FPV_CLASS_SUBNORMAL)
				cell[f].flags |= FPV_FLAG_SUBNORMAL;
	for (int f = 0; f < nc; f++) {
		uint32_t *sticky = &t->sticky[f];
		int32_t *cmax = &t->cancel_max[f];

		*sticky |= cell[f].flags;
		if (cell[f].cancelled > *cmax)
			*cmax = cell[f].cancelled;
	}
	return 0;
}

volatile sig_atomic_t fpv_interrupt;

/* The evaluation was interrupted (fpv_interrupt): t holds nothing. */
static int
interrupted(struct fpv_trace *t, int line, struct fpv_error *err)
{
	err->line = line;
	err->col = 1;
	snprintf(err->msg, sizeof err->msg, "interrupted");
	t->nsteps = 0;
	return -1;
}

/* Does the parsed line of t compute vectors (then it is never lean)? */
static bool
has_vectors(const struct fpv_session *s, const struct fpv_trace *t)
{
	for (size_t i = 0; i < t->ast.n; i++) {
		const struct fpv_node *n = &t->ast.nodes[i];
		const struct fpv_var *v;

		if (n->kind > FPV_NODE_BITS)
			return true;
		if (n->kind == FPV_NODE_VAR &&
		    (v = fpv_session_var(s, t->ast.src + n->tok,
		    n->toklen)) != NULL && v->vec != NULL)
			return true;
	}
	return false;
}

/* Parse and evaluate one line into t. */
int
fpv_eval_line(struct fpv_session *s, const char *src, size_t len, int line,
    struct fpv_trace *t, struct fpv_error *err)
{
	int rc;

	t->nsteps = 0;
	t->line = line;
	memset(t->sticky, 0, sizeof t->sticky);
	memset(t->cancel_max, 0, sizeof t->cancel_max);
	t->lean = false;
	t->nlvar = 0;
	t->dd_step = SIZE_MAX;
	if (t->nvecs > 1)
		fpv_vec_trace_reset(t);
	rc = fpv_parse(src, len, line, s->ctx.reg, &t->ast, err);
	if (rc <= 0)
		return rc;
	fpv_ctx_copy(&t->ctx, &s->ctx);
	for (int k = 0; k < t->ctx.ncols; k++)
		t->fmt[k] = fpv_ctx_col(&t->ctx, k);
	t->lean = t->may_be_lean && t->ast.n > FPV_TRACE_LEAN_STEPS &&
	    !has_vectors(s, t);
	if (t->lean && lean_plan(t) < 0)
		rc = -1;
	else
		rc = trace_reserve(t, t->lean ? t->nslots : t->ast.n);
	if (rc < 0) {
		t->lean = false;
		err->line = line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg, "%s",
		    rc == -2 ? "interrupted" : "out of memory");
		return -1;
	}
	if (!t->lean)
		memset(t->cells, 0, t->ast.n * (size_t)fpv_trace_ncols(t) *
		    sizeof *t->cells);
	for (size_t i = 0; i < t->ast.n; i++) {
		if (fpv_interrupt)
			return interrupted(t, line, err);
		if (eval_step(s, t, i, err) < 0) {
			t->nsteps = 0;
			return -1;
		}
		t->nsteps = i + 1;
	}
	/* A variable's ball can no longer be refined: certify it well now
	 * (ans keeps what the line computed). */
	if (t->ast.assign)
		fpv_exact_refine(t, t->nsteps - 1, FPV_EXACT_VAR_BITS);
	/* The last precision loops stop early when interrupted. */
	if (fpv_interrupt)
		return interrupted(t, line, err);
	if ((t->ast.assign && session_store(s, t->ast.src + t->ast.name,
	    t->ast.namelen, t, fpv_trace_result(t)) < 0) ||
	    session_store(s, "ans", 3, t, fpv_trace_result(t)) < 0) {
		err->line = line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return -1;
	}
	return 1;
}

/* ---- Error figures -------------------------------------------------- */

/* Initialize an error record: two 64-bit numbers on its own limbs, and
 * the certified figures. */
void
fpv_errinfo_init(struct fpv_errinfo *e)
{
	mpfr_custom_init(&e->limbs[0], 64);
	mpfr_custom_init_set(e->err, MPFR_ZERO_KIND, 0, 64, &e->limbs[0]);
	mpfr_custom_init(&e->limbs[1], 64);
	mpfr_custom_init_set(e->rel, MPFR_ZERO_KIND, 0, 64, &e->limbs[1]);
	e->ulps = 0;
	e->bits_lost = 0;
	e->bits_lo = e->bits_hi = 0;
	e->defined = true;
	e->zero = true;
	e->settled = true;
	memset(e->fig, FPV_FIG_NUMBER, sizeof e->fig);
	e->bound = LONG_MIN;
	e->ulp_exp = LONG_MIN;
	e->want = 17;
	e->fast = false;
	fpv_exact_init(&e->xerr);
	fpv_exact_init(&e->xrel);
	fpv_exact_init(&e->xulps);
}

/* Release an error record. */
void
fpv_errinfo_clear(struct fpv_errinfo *e)
{
	fpv_exact_clear(&e->xerr);
	fpv_exact_clear(&e->xrel);
	fpv_exact_clear(&e->xulps);
}

/*
 * Bits lost in the notation of fpv_dec_figure: from the middle of its
 * enclosure [bits_lo, bits_hi], known to within half its width (and a
 * double's rounding).
 */
static size_t
bits_text(const struct fpv_errinfo *e, unsigned how, char *buf, size_t size)
{
	double lo = e->bits_lo, hi = e->bits_hi, mid = lo + (hi - lo) / 2;
	int good = 50;

	if (!(lo <= hi) || isnan(mid))
		return 0;
	if (mid == 0)
		return hi == 0 ? (size_t)snprintf(buf, size, "0") : 0;
	if (hi > lo) {
		double r = (hi - lo) / 2 / fabs(mid);

		good = r > 0 ? (int)floor(-log2(r)) - 1 : 50;
		if (good > 50)
			good = 50;
		if (good < 1)
			return 0;
	}
	return fpv_dec_figure_d(mid, good, how & ~(unsigned)FPV_DEC_FIG_SIGN,
	    buf, size);
}

/* One figure of e as text. */
size_t
fpv_errinfo_text(const struct fpv_errinfo *e, enum fpv_errfig which,
    unsigned how, char *buf, size_t size)
{
	const struct fpv_exact *x;
	double d;
	bool nan, neg;

	buf[0] = '\0';
	/* Ulps and bits lost are magnitudes: no sign. */
	if (which == FPV_ERR_ULPS || which == FPV_ERR_BITS)
		how &= ~(unsigned)FPV_DEC_FIG_SIGN;
	switch (e->fig[which]) {
	case FPV_FIG_NONE:
		return 0;
	case FPV_FIG_SPECIAL:
		/* Read by their bits: comparing a NaN would raise the
		 * invalid flag, which slows the machine's arithmetic of the
		 * fp32 and fp64 columns (MXCSR) from then on. */
		if (which == FPV_ERR_ULPS) {
			d = e->ulps;
			nan = isnan(d);
			neg = signbit(d);
		} else {
			mpfr_srcptr v = which == FPV_ERR_ABS ? e->err : e->rel;

			nan = mpfr_nan_p(v);
			neg = mpfr_signbit(v);
		}
		return (size_t)snprintf(buf, size, "%s", nan ? "nan" :
		    neg ? "-inf" : (how & FPV_DEC_FIG_SIGN) ? "+inf" : "inf");
	default:
		break;
	}
	if (which == FPV_ERR_BITS)
		return bits_text(e, how, buf, size);
	/* A few digits settled in doubles, known to within 2^-44. */
	if (e->fast && !(how & FPV_DEC_FIG_FULL))
		return fpv_dec_figure_d(which == FPV_ERR_ULPS ?
		    fabs(e->fval[which]) : e->fval[which], 43, how, buf, size);
	x = which == FPV_ERR_ABS ? &e->xerr : which == FPV_ERR_REL ?
	    &e->xrel : &e->xulps;
	return fpv_exact_figure(x, how, buf, size);
}

/* Column f's value at step i, exactly. */
void
fpv_trace_value(const struct fpv_trace *t, size_t i, int f,
    struct fpv_exact *out)
{
	fpv_exact_decode(out, &t->ctx, fpv_trace_format(t, f),
	    fpv_trace_cells(t, i)[f].bits);
}

/* The certified exact result of step i's operation on column f's
 * operands. */
void
fpv_trace_local_ref(const struct fpv_trace *t, size_t i, int f, slong bits,
    struct fpv_exact *out)
{
	const struct fpv_node *n = &t->ast.nodes[i];

	switch (n->kind) {
	case FPV_NODE_NUM:
	case FPV_NODE_CONST:
		fpv_exact_refine(t, i, bits);
		fpv_exact_set(out, &fpv_trace_step(t, i)->exact);
		return;
	case FPV_NODE_VAR:
		fpv_trace_value(t, i, f, out);
		return;
	case FPV_NODE_CAST:
		fpv_trace_value(t, n->args[0], f, out);
		return;
	case FPV_NODE_BITS:
		fpv_exact_decode(out, &t->ctx,
		    fpv_ctx_format(&t->ctx, n->u.format), fpv_node_bits(n));
		return;
	case FPV_NODE_OP:
		break;
	default:
		/* A step that reads vectors (an index, a reduction): its
		 * exact reference (the column's own elements' reduction is
		 * not computed). */
		fpv_exact_set(out, &fpv_trace_step(t, i)->exact);
		return;
	}
	int k = fpv_ops[n->u.op].nargs;
	struct fpv_exact a[3];
	const struct fpv_exact *ap[3] = { NULL, NULL, NULL };
	slong p = FPV_EXACT_PREC0;

	for (int j = 0; j < k; j++) {
		fpv_exact_init(&a[j]);
		fpv_trace_value(t, n->args[j], f, &a[j]);
		ap[j] = &a[j];
	}
	/* The operands are exact: only this operation needs precision. */
	for (;;) {
		fpv_exact_op(out, n->u.op, ap, p);
		if (fpv_exact_good(out, bits) || p >= FPV_EXACT_CAP ||
		    (out->kind != FPV_EXACT_BALL &&
		    out->kind != FPV_EXACT_LOST) || fpv_interrupted())
			break;
		p = 2 * p < FPV_EXACT_CAP ? 2 * p : FPV_EXACT_CAP;
	}
	for (int j = 0; j < k; j++)
		fpv_exact_clear(&a[j]);
}

/* The exact result of step i's operation on column f's operands, as an
 * MPFR number. */
void
fpv_trace_local_exact(const struct fpv_trace *t, size_t i, int f,
    mpfr_ptr out)
{
	struct fpv_exact x;

	fpv_exact_init(&x);
	fpv_trace_local_ref(t, i, f, FPV_EXACT_PREC, &x);
	mpfr_set_prec(out, FPV_EXACT_PREC);
	fpv_exact_get_mpfr(out, &x);
	fpv_exact_clear(&x);
}

/* This step's own rounding loss in column f. */
void
fpv_trace_local_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e)
{
	struct fpv_exact v, ref;
	slong bits = FPV_EXACT_GOAL;

	fpv_exact_init(&v);
	fpv_exact_init(&ref);
	fpv_trace_value(t, i, f, &v);
	for (;;) {
		fpv_trace_local_ref(t, i, f, bits, &ref);
		fpv_exact_error(e, &v, &ref, NULL, &t->ctx,
		    fpv_trace_format(t, f));
		if (e->settled || (ref.kind != FPV_EXACT_BALL &&
		    ref.kind != FPV_EXACT_LOST) || ref.fixed ||
		    ref.prec >= FPV_EXACT_CAP || fpv_interrupted())
			break;
		bits *= 2;
	}
	fpv_exact_clear(&v);
	fpv_exact_clear(&ref);
}

/* Accumulated error of step i in column f. */
void
fpv_trace_accum_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e)
{
	struct fpv_exact v;

	fpv_exact_init(&v);
	fpv_trace_value(t, i, f, &v);
	for (;;) {
		fpv_exact_error(e, &v, &fpv_trace_step(t, i)->exact,
		    fpv_trace_dd(t, i), &t->ctx,
		    fpv_trace_format(t, f));
		if (e->settled || !fpv_exact_raise(t, i))
			break;
	}
	fpv_exact_clear(&v);
}

/* ---- Words ---------------------------------------------------------- */

/* The op name of step i. */
const char *
fpv_trace_opname(const struct fpv_trace *t, size_t i)
{
	const struct fpv_node *n = &t->ast.nodes[i];

	switch (n->kind) {
	case FPV_NODE_NUM:	return "literal";
	case FPV_NODE_CONST:	return "constant";
	case FPV_NODE_VAR:	return "variable";
	case FPV_NODE_CAST:	return "cast";
	case FPV_NODE_BITS:	return "bits";
	case FPV_NODE_VEC:	return "vector";
	case FPV_NODE_INDEX:	return "index";
	case FPV_NODE_FN:	return fpv_fns[n->u.op].name;
	case FPV_NODE_WORD:	return "word";
	case FPV_NODE_STR:	return "string";
	case FPV_NODE_OP:	break;
	}
	return fpv_ops[n->u.op].name;
}
