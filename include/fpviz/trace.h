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

#include "fpviz/format.h"
#include "fpviz/num.h"
#include "fpviz/interrupt.h"
#include "fpviz/parse.h"

/* One format's result at one step. */
struct fpv_cell {
	uint64_t bits;		/* encoding in the column's format */
	uint32_t flags;		/* FPV_FLAG_* raised by this step alone */
	int32_t cancelled;	/* leading bits lost to cancellation, or 0 */
};

struct fpv_step {
	uint32_t node;		/* AST node (== step index) */
	mpfr_t exact;		/* exact reference of this sub-expression */
	bool approx;		/* exact is an approximation (to ~2^-248 relative) */
	struct fpv_cell *cell;	/* one per column (ctx.ncols), in trace.cells */
};

struct fpv_trace {
	struct fpv_ast ast;	/* the parsed line; spans index ast.src */
	struct fpv_ctx ctx;	/* settings the line was evaluated with; its
				   columns are the trace's columns */
	struct fpv_step *steps;	/* ast.n steps */
	size_t nsteps, cap;	/* cap: steps whose exact is initialized */
	struct fpv_cell *cells;	/* the steps' cells, ctx.ncols per step */
	size_t cellcap;
	size_t cellcols;	/* the columns the steps' cell pointers are for */
	size_t cellsteps;	/* steps whose cell pointer is set */
	uint32_t sticky[FPV_COLUMNS_MAX];	/* flags raised anywhere (OR) */
	const struct fpv_format *fmt[FPV_COLUMNS_MAX];	/* the columns' formats */
	int line;		/* line number the text came from */
};

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
	mpfr_t exact;
	bool approx;		/* as fpv_step.approx */
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

/* Operand step indices of step i; returns their number (0..3). */
int fpv_trace_args(const struct fpv_trace *t, size_t i, uint32_t *args);

/* The last step: the line's result. */
static inline const struct fpv_step *
fpv_trace_result(const struct fpv_trace *t)
{
	return &t->steps[t->nsteps - 1];
}

/* Error of one value against a reference. */
struct fpv_errinfo {
	mpfr_t err;		/* value - reference (signed; 0 if both equal) */
	mpfr_t rel;		/* err / |reference| */
	double ulps;		/* |err| in ulps of the format at the reference */
	double bits_lost;	/* precision bits lost: clamp(prec + log2|rel|, 0, prec) */
	bool defined;		/* false when a side is NaN or infinite and they differ */
	mp_limb_t limbs[2];	/* err's and rel's significands (64 bits each) */
};

/* Make e ready (no allocation: err and rel live in e itself, so e must
 * not be copied); fpv_errinfo_clear releases it. */
void fpv_errinfo_init(struct fpv_errinfo *e);
void fpv_errinfo_clear(struct fpv_errinfo *e);

/*
 * The exact result of step i's operation on column f's own (rounded)
 * operands, at FPV_EXACT_PREC bits or more: what this step's rounding
 * started from.  out's precision is reset.
 */
void fpv_trace_local_exact(const struct fpv_trace *t, size_t i, int f,
    mpfr_ptr out);

/* This step's own rounding loss in column f (result vs local exact). */
void fpv_trace_local_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e);

/* Accumulated error of step i in column f against the exact reference. */
void fpv_trace_accum_error(const struct fpv_trace *t, size_t i, int f,
    struct fpv_errinfo *e);

/* Steps in words: see describe.h. */

/* JSON/step op name of step i: "literal", "add", "sqrt", "cast", ... */
const char *fpv_trace_opname(const struct fpv_trace *t, size_t i);

#endif
