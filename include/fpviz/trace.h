/*
 * The evaluator and its product, the trace: the central data structure.
 *
 * Evaluating a line gives one step per AST node, in evaluation order
 * (step i is node i): the rounding of a literal or constant, each
 * operation, each function, each cast.  For every step the trace holds,
 * per format (column), the encoded result and the flags this step raised,
 * and the exact reference value.  Error figures (local rounding loss and
 * accumulated error) are derived from those on demand, so evaluation
 * stays cheap and renderers ask only for what they show.
 *
 * A session holds what outlives a line: settings, variables and ans.
 * Renderers only read traces; nothing here knows about terminals.
 */
#ifndef FPVIZ_TRACE_H
#define FPVIZ_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>

#include "fpviz/exact.h"
#include "fpviz/format.h"
#include "fpviz/num.h"
#include "fpviz/interrupt.h"
#include "fpviz/parse.h"
#include "fpviz/quant.h"

/* One format's result at one step. */
struct fpv_cell {
	uint64_t bits;		/* encoding in the column's format */
	uint32_t flags;		/* FPV_FLAG_* raised by this step alone */
	int32_t cancelled;	/* leading bits lost to cancellation, or 0 */
};

/*
 * A vector: n elements in each column (the encodings and the flags the
 * step raised, column f's element j at [f * n + j]) and each element's
 * exact reference, certified once when it is computed (to
 * FPV_EXACT_GOAL bits where its operands allow; never refined later).
 * Immutable once made and shared by count: a trace's step, variables,
 * their copies.  Memory: 10 bytes per element per column and
 * sizeof (struct fpv_exact) per element.
 */
struct fpv_vec {
	size_t n;
	int ncols;
	unsigned refs;
	uint8_t fmt[FPV_COLUMNS_MAX];	/* the columns' formats (registry) */
	uint64_t *bits;
	uint16_t *flags;
	/* The elements' exact references, shared by the vectors that copy
	 * them unchanged (a quantization, a cast): exact_refs counts the
	 * vectors holding them. */
	struct fpv_exact *exact;
	unsigned *exact_refs;
	/* A quantization's result (quant, mxfp4, ...): per column what it
	 * chose and stored (scales, zero point, codes; not the values,
	 * which are the column's elements); else NULL. */
	struct fpv_quant *quant;
	/* A cache of the per-tensor figures of every column (see
	 * fpv_vec_figures), for the registry they were computed with. */
	struct fpv_vec_figs *figs;
	const void *figs_reg;
};

/* The longest vector (elements). */
#define FPV_VEC_MAX 10000000u

/* A new vector of n elements in ncols columns (exacts +0, bits and
 * flags 0), one reference; NULL if out of memory. */
struct fpv_vec *fpv_vec_new(size_t n, int ncols);
/* The same, its exact references those of src (shared, not copied: src
 * has n elements); NULL if out of memory. */
struct fpv_vec *fpv_vec_new_sharing(size_t n, int ncols,
    const struct fpv_vec *src);
/* Drop a reference (NULL is fine); the last frees v. */
void fpv_vec_unref(struct fpv_vec *v);
/* Take a reference. */
static inline struct fpv_vec *
fpv_vec_ref(struct fpv_vec *v)
{
	if (v != NULL)
		v->refs++;
	return v;
}

/* One step's reference; its cells (one per column) are in trace.cells,
 * found by fpv_trace_cells.  Small: a line may have millions.  A vector
 * step's value is the vector trace.vecs[vec] (its cells and exact are
 * then zero and undefined). */
struct fpv_step {
	struct fpv_exact exact;	/* certified reference of this sub-expression */
	uint32_t lo;		/* the first step of this sub-expression */
	uint32_t vec;		/* 0: a scalar; else its vector in trace.vecs */
};

struct fpv_trace {
	struct fpv_ast ast;	/* the parsed line; spans index ast.src */
	struct fpv_ctx ctx;	/* settings the line was evaluated with; its
				   columns are the trace's columns */
	struct fpv_step *steps;	/* ast.n steps */
	size_t nsteps, cap;	/* cap: steps whose exact is initialized */
	struct fpv_cell *cells;	/* the steps' cells, ctx.ncols per step */
	size_t cellcap;
	/* The double-double of one step's exact rational, the last one
	 * asked for (figures ask for one step's in a row). */
	struct fpv_exact_dd dd;
	size_t dd_step;		/* its step, or SIZE_MAX */
	uint32_t sticky[FPV_COLUMNS_MAX];	/* flags raised anywhere (OR) */
	int32_t cancel_max[FPV_COLUMNS_MAX];	/* most bits any step's
						   cancellation lost */
	/*
	 * A line of more than FPV_TRACE_LEAN_STEPS steps, evaluated when
	 * the caller set may_be_lean (nobody will look at its steps), is
	 * lean: its steps are computed in a few slots that later steps
	 * reuse, so that only the result and its operands are kept
	 * (fpv_trace_step finds them) and memory is the AST's and a slot
	 * number per node.  The exact reference is recomputed from the
	 * AST when it must be refined.
	 */
	bool may_be_lean;
	bool lean;
	uint32_t *slot;		/* lean: node -> its step's slot */
	uint32_t *aux;		/* lean: variable node -> its value in lvar */
	size_t slotcap;		/* nodes slot and aux have room for */
	size_t nslots;		/* lean: slots in use */
	struct fpv_exact *lvar;	/* lean: the variables' values the line read */
	const struct fpv_var **lvar_of;	/* lean: whose value each lvar is */
	size_t nlvar, caplvar;
	struct fpv_exact *scratch;	/* lean: slots for recomputing */
	size_t nscratch;
	const struct fpv_format *fmt[FPV_COLUMNS_MAX];	/* the columns' formats */
	int line;		/* line number the text came from */
	/* The vectors of the line's vector steps; vecs[0] is unused. */
	struct fpv_vec **vecs;
	size_t nvecs, capvecs;
	/* Per column: what the line's reductions absorbed (additions
	 * that lost a whole nonzero term). */
	size_t absorbed[FPV_COLUMNS_MAX];
};

struct fpv_session;

/* The evaluator's vector steps (vec.c): is node i's step one of them
 * (a vector function, literal, index, or an operation, cast or
 * variable with a vector), and compute it (0, or -1 with err). */
bool fpv_vec_step_p(const struct fpv_session *s, const struct fpv_trace *t,
    size_t i);
int fpv_vec_step(struct fpv_session *s, struct fpv_trace *t, size_t i,
    struct fpv_error *err);
/* Release the vectors of t's last line; all of them and their array. */
void fpv_vec_trace_reset(struct fpv_trace *t);
void fpv_vec_trace_free(struct fpv_trace *t);

/*
 * The per-tensor error figures of column f of vector v against its
 * elements' exact references, certified balls (fpv_vec_figure_text
 * prints them): the largest |error|, the RMSE sqrt(sum e^2 / n) and
 * the SQNR 10 log10(sum x^2 / sum e^2) in dB (x the exact elements);
 * and counts of elements saturated or overflowed, underflowed to zero
 * (a nonzero reference read as 0), absorbed (an addition that lost a
 * nonzero term) and not finite.
 */
struct fpv_vec_figs {
	bool defined;		/* false: some reference is no finite number */
	bool infinite;		/* some value is not finite: errors inf */
	bool sqnr_inf, sqnr_minf;	/* no error; a zero signal */
	struct fpv_exact maxabs, rmse, sqnr;
	size_t saturated, underflowed, absorbed, nonfinite;
};

void fpv_vec_figures_init(struct fpv_vec_figs *g);
void fpv_vec_figures_clear(struct fpv_vec_figs *g);
void fpv_vec_figures(const struct fpv_trace *t, const struct fpv_vec *v,
    int f, struct fpv_vec_figs *g);
/*
 * The recorded steps of the accumulator of reduction step i (sum, dot,
 * mean, norm2, max, min; softmax, softmax_naive and logsumexp: their
 * sum) in column f: the reduction run again with recording (reduce.h's
 * struct fpv_reduce_step).  Returns the number of steps with *steps
 * malloc'd (the caller frees it), *acc the accumulator's format and
 * *order the order; 0 (and *steps NULL) for any other step, or when out
 * of memory.
 */
struct fpv_reduce_step;
size_t fpv_vec_reduce_steps(const struct fpv_trace *t, size_t i, int f,
    struct fpv_reduce_step **steps, const struct fpv_format **acc,
    int *order);
/*
 * The same for a window of them: the steps first .. first + count - 1
 * (0-based, clipped), *total the reduction's number of steps (0 for a
 * step that is no reduction).  Returns the number recorded into
 * *steps (malloc'd, or NULL when 0 is returned for no reduction or out
 * of memory; free it).  The reduction is run again whole; only the
 * window is kept.
 */
size_t fpv_vec_reduce_window(const struct fpv_trace *t, size_t i, int f,
    size_t first, size_t count, struct fpv_reduce_step **steps,
    const struct fpv_format **acc, int *order, size_t *total);


/* A figure's text (how: FPV_DEC_FIG_* of decimal.h); 0 when no digit is
 * certain. */
size_t fpv_vec_figure_text(const struct fpv_exact *x, unsigned how,
    char *buf, size_t size);

/* Does the line compute any vector? */
static inline bool
fpv_trace_has_vec(const struct fpv_trace *t)
{
	return t->nvecs > 1;
}

/* Lines of more steps than this may be lean (see fpv_trace.lean). */
#define FPV_TRACE_LEAN_STEPS 65536

/*
 * Step i's storage: in a lean trace only the result's and its operands'
 * are step i's own (the others were reused).
 */
static inline struct fpv_step *
fpv_trace_step(const struct fpv_trace *t, size_t i)
{
	return &t->steps[t->lean ? t->slot[i] : i];
}

/* Step i's cells (one per column), by its index. */
static inline struct fpv_cell *
fpv_trace_cells(const struct fpv_trace *t, size_t i)
{
	return t->cells + (t->lean ? t->slot[i] : i) * (size_t)t->ctx.ncols;
}

/* The vector of step i, or NULL for a scalar step. */
static inline const struct fpv_vec *
fpv_trace_vec(const struct fpv_trace *t, size_t i)
{
	uint32_t v;

	if (t->nvecs <= 1)
		return NULL;
	v = fpv_trace_step(t, i)->vec;
	return v != 0 ? t->vecs[v] : NULL;
}

/* The cells (one per column) of a step of t's. */
static inline struct fpv_cell *
fpv_step_cells(const struct fpv_trace *t, const struct fpv_step *st)
{
	return t->cells + (size_t)(st - t->steps) * (size_t)t->ctx.ncols;
}


/* The double-double cache of step i's exact rational (a cache: t is
 * const for it). */
static inline struct fpv_exact_dd *
fpv_trace_dd(const struct fpv_trace *t, size_t i)
{
	struct fpv_trace *w = (struct fpv_trace *)t;

	if (w->dd_step != i) {
		w->dd_step = i;
		w->dd.state = 0;
	}
	return &w->dd;
}

/* The number of columns of t. */
static inline int
fpv_trace_ncols(const struct fpv_trace *t)
{
	return t->ctx.ncols;
}

/* The format of column k of t. */
static inline const struct fpv_format *
fpv_trace_format(const struct fpv_trace *t, int k)
{
	return t->fmt[k];
}

/*
 * A named value: its encoding in each format it was evaluated in (the
 * columns when it was assigned, by index in the registry) and the exact
 * reference.  In a format it has no encoding for (the columns changed),
 * the variable's value is its exact reference rounded into the format.
 */
struct fpv_var {
	char *name;
	int nfmt;
	uint8_t fmt[FPV_COLUMNS_MAX];
	uint64_t bits[FPV_COLUMNS_MAX];
	struct fpv_exact exact;	/* a ball is certified to FPV_EXACT_VAR_BITS
				 * when stored, and fixed */
	struct fpv_vec *vec;	/* a vector's value (a reference), or NULL:
				   then bits and exact are unused */
};

/*
 * Copy src into dst, which holds nothing yet: its own name, bits and
 * exact reference (with what is known of it).  Returns 0, or -1 if out
 * of memory (dst then holds nothing).  The one place that knows what a
 * copy of a variable takes (var.c).
 */
int fpv_var_copy(struct fpv_var *dst, const struct fpv_var *src);

/* Release what v holds; v then holds nothing. */
void fpv_var_clear(struct fpv_var *v);

struct fpv_varindex;

struct fpv_session {
	struct fpv_ctx ctx;
	struct fpv_var *vars;	/* in order of first assignment */
	size_t nvars, capvars;
	/* A hash index of vars by name, private to eval.c: rebuilt when
	 * vars was replaced or shrunk behind its back (snapshots). */
	struct fpv_varindex *index;
};

void fpv_session_init(struct fpv_session *s);
void fpv_session_free(struct fpv_session *s);

/* Find a variable by name; NULL if unset. */
const struct fpv_var *fpv_session_var(const struct fpv_session *s,
    const char *name, size_t len);

/* Forget all variables (ans included). */
void fpv_session_clear_vars(struct fpv_session *s);

/*
 * Give s the variables vars[0..n), a malloc'd array (NULL when n is 0)
 * that s then owns, releasing its own: how a snapshot is put back.
 */
void fpv_session_set_vars(struct fpv_session *s, struct fpv_var *vars,
    size_t n);

void fpv_trace_init(struct fpv_trace *t);
void fpv_trace_free(struct fpv_trace *t);

/* fpv_interrupt stops the evaluation in progress: see interrupt.h. */

/*
 * Parse and evaluate one line src[0..len) (line: its 1-based number) in
 * session s, into t (whose storage is reused).  On success the result is
 * stored in ans (and in the assigned variable).  Returns 1 if a value was
 * computed, 0 for an empty line, -1 on error with *err filled; on error
 * the session is unchanged.
 */
int fpv_eval_line(struct fpv_session *s, const char *src, size_t len,
    int line, struct fpv_trace *t, struct fpv_error *err);

/* The result's cells (one per column). */
static inline struct fpv_cell *
fpv_trace_result_cells(const struct fpv_trace *t)
{
	return fpv_trace_cells(t, t->nsteps - 1);
}

/* Operand step indices of step i; returns their number (0..3). */
int fpv_trace_args(const struct fpv_trace *t, size_t i, uint32_t *args);

/* The last step: the line's result. */
static inline const struct fpv_step *
fpv_trace_result(const struct fpv_trace *t)
{
	return fpv_trace_step(t, t->nsteps - 1);
}

/*
 * What an error figure is (ORDER FIG): not a number (against a zero,
 * near-zero or undefined reference: "—" in text, null in JSON), a
 * certified number, or a special (inf, -inf, nan: a NaN or an infinity
 * against a different reference).
 */
enum fpv_fig { FPV_FIG_NONE, FPV_FIG_NUMBER, FPV_FIG_SPECIAL };

/* Which figure fpv_errinfo_text writes. */
enum fpv_errfig { FPV_ERR_ABS, FPV_ERR_REL, FPV_ERR_ULPS, FPV_ERR_BITS };

/*
 * Error of one value against a reference.  The certified figures are
 * xerr (value - reference), xrel (xerr / |reference|), xulps (|xerr| in
 * ulps of the format at the reference: 2^ulp_exp for IEEE formats, the
 * scale for integer grids) and bits lost, clamp(prec + log2|rel|, 0,
 * prec), held as an enclosure [bits_lo, bits_hi]; fpv_errinfo_text
 * prints them.  err, rel, ulps and bits_lost are approximations of the
 * same (NaN where a figure is not a number), for comparisons.
 */
struct fpv_errinfo {
	mpfr_t err;		/* ~ value - reference (signed; 0 if equal) */
	mpfr_t rel;		/* ~ err / |reference| */
	double ulps;		/* ~ |err| in ulps of the format at the reference */
	double bits_lost;	/* ~ precision bits lost */
	bool defined;		/* false when a side is NaN or infinite and they differ */
	bool zero;		/* the value is the reference: every figure 0 */
	bool settled;		/* a more precise reference would add nothing */
	uint8_t fig[4];		/* enum fpv_fig of abs, rel, ulps, bits */
	long bound;		/* fig[ABS] none against a near-zero reference:
				   |err| <= 2^bound; LONG_MIN otherwise */
	long ulp_exp;		/* IEEE: the ulp used is 2^ulp_exp; LONG_MIN if none */
	int want;		/* significant digits to certify (init: 17) */
	bool fast;		/* abs, rel and ulps are fval[] to within 2^-44
				   (relative) */
	double fval[3];
	struct fpv_exact xerr, xrel, xulps;
	double bits_lo, bits_hi;
	mp_limb_t limbs[2];	/* err's and rel's significands (64 bits each) */
};

/* Make e ready (err and rel live in e itself, so e must not be
 * copied); fpv_errinfo_clear releases it. */
void fpv_errinfo_init(struct fpv_errinfo *e);
void fpv_errinfo_clear(struct fpv_errinfo *e);

/*
 * Figure which of e in fpv_dec_figure's notation (decimal.h), every
 * digit certified: how is FPV_DEC_FIG_FULL (JSON's up to 17 digits,
 * else the short %.2g-like notation) and FPV_DEC_FIG_SIGN ('+' before a
 * positive absolute or relative error); "inf", "-inf", "nan" for a
 * special.  Returns the length written into buf (size >=
 * FPV_DEC_FIGURE), 0 when the figure is not a number.
 */
size_t fpv_errinfo_text(const struct fpv_errinfo *e, enum fpv_errfig which,
    unsigned how, char *buf, size_t size);

/*
 * The exact result of step i's operation on column f's own (rounded)
 * operands, at FPV_EXACT_PREC bits or more: what this step's rounding
 * started from (nearest of its certified value; NaN if undefined).
 * out's precision is reset.
 */
void fpv_trace_local_exact(const struct fpv_trace *t, size_t i, int f,
    mpfr_ptr out);

/*
 * The same certified, into out (initialized): exact, or a ball
 * certified to bits (or the cap).
 */
void fpv_trace_local_ref(const struct fpv_trace *t, size_t i, int f,
    slong bits, struct fpv_exact *out);

/* Column f's value at step i, exactly, into out (initialized). */
void fpv_trace_value(const struct fpv_trace *t, size_t i, int f,
    struct fpv_exact *out);

/* This step's own rounding loss in column f (result vs local exact),
 * certified to e->want digits. */
void fpv_trace_local_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e);

/* Accumulated error of step i in column f against the exact reference,
 * certified to e->want digits (the reference is refined as needed). */
void fpv_trace_accum_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e);

/* Steps in words: see describe.h. */

/* JSON/step op name of step i: "literal", "add", "sqrt", "cast", ... */
const char *fpv_trace_opname(const struct fpv_trace *t, size_t i);

#endif
