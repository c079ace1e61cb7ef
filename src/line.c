/*
 * The line handler shared by every front end: one input line, a command
 * or an expression, with the last trace, the snapshot of the variables
 * before it and re-evaluation after a setting changed.
 *
 * A line is evaluated into the trace that is not shown (tr[!cur]) and
 * replaces the shown one only on success, so an error loses nothing.
 * Every copy of the variables goes through fpv_var_copy, which keeps all
 * of a variable (its exact reference and what is known of it): the
 * copies of the REPL and of the view once differed there, and a line
 * evaluated again after ":set" did not give what it gave the first time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/line.h"

/* ---- Arrays of variables -------------------------------------------- */

/* Free n variables and their array. */
static void
vars_free(struct fpv_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fpv_var_clear(&v[i]);
	free(v);
}

/* A new array *dst copying the n variables src; 0, or -1 if out of memory. */
static int
vars_copy(struct fpv_var **dst, const struct fpv_var *src, size_t n)
{
	struct fpv_var *v;

	*dst = NULL;
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof *v)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fpv_var_copy(&v[i], &src[i]) < 0) {
			vars_free(v, i);
			return -1;
		}
	*dst = v;
	return 0;
}

/* Give the session a copy of the n variables src; 0, or -1 (unchanged). */
static int
vars_restore(struct fpv_session *s, const struct fpv_var *src, size_t n)
{
	struct fpv_var *v;

	if (vars_copy(&v, src, n) < 0)
		return -1;
	fpv_session_set_vars(s, v, n);
	return 0;
}

/* Fill err with "out of memory" at line lineno. */
static void
no_memory(struct fpv_error *err, int lineno)
{
	err->line = lineno;
	err->col = 1;
	snprintf(err->msg, sizeof err->msg, "out of memory");
}

/* ---- The handler ---------------------------------------------------- */

/* Set a handler up. */
void
fpv_line_init(struct fpv_line *l, struct fpv_session *s,
    struct fpv_display *d)
{
	memset(l, 0, sizeof *l);
	l->s = s;
	l->d = d;
	l->snapshots = true;
	fpv_trace_init(&l->tr[0]);
	fpv_trace_init(&l->tr[1]);
}

/* Drop the snapshot. */
static void
snap_drop(struct fpv_line *l)
{
	vars_free(l->snap, l->nsnap);
	l->snap = NULL;
	l->nsnap = 0;
	l->have_snap = false;
}

/* Release a handler. */
void
fpv_line_free(struct fpv_line *l)
{
	snap_drop(l);
	fpv_trace_free(&l->tr[0]);
	fpv_trace_free(&l->tr[1]);
	memset(l, 0, sizeof *l);
}

/* The last evaluated trace. */
const struct fpv_trace *
fpv_line_trace(const struct fpv_line *l)
{
	return l->have ? &l->tr[l->cur] : NULL;
}

/* Evaluate an expression line, keeping the variables before it. */
int
fpv_line_eval(struct fpv_line *l, const char *src, size_t len, int lineno,
    struct fpv_error *err)
{
	struct fpv_var *before = NULL;
	size_t nbefore = l->snapshots ? l->s->nvars : 0;
	int rc;

	if (vars_copy(&before, l->s->vars, nbefore) < 0) {
		no_memory(err, lineno);
		return -1;
	}
	l->tr[!l->cur].may_be_lean = l->lean_ok;
	rc = fpv_eval_line(l->s, src, len, lineno, &l->tr[!l->cur], err);
	if (rc <= 0) {
		vars_free(before, nbefore);
		return rc;
	}
	l->cur = !l->cur;
	l->have = true;
	/* The snapshot belongs to the shown line (none without snapshots). */
	snap_drop(l);
	if (l->snapshots) {
		l->snap = before;
		l->nsnap = nbefore;
		l->have_snap = true;
	}
	return 1;
}

/* Evaluate a line for its effect on the variables only. */
int
fpv_line_replay(struct fpv_line *l, const char *src, size_t len, int lineno,
    struct fpv_error *err)
{
	l->tr[!l->cur].may_be_lean = true;	/* only the variables count */
	return fpv_eval_line(l->s, src, len, lineno, &l->tr[!l->cur], err);
}

/* Evaluate the last line again from its snapshot. */
int
fpv_line_reeval(struct fpv_line *l, struct fpv_error *err)
{
	const struct fpv_trace *t = fpv_line_trace(l);
	struct fpv_var *now = NULL;
	size_t nnow = l->s->nvars;
	char *src;
	int rc, lineno;

	if (t == NULL)
		return 0;
	lineno = t->line;
	if ((src = strndup(t->ast.src, t->ast.len)) == NULL) {
		no_memory(err, lineno);
		return -1;
	}
	/* The variables as they are now go back if it fails; those before
	 * the line are what it starts from (and its new snapshot). */
	if (vars_copy(&now, l->s->vars, nnow) < 0 ||
	    (l->have_snap && vars_restore(l->s, l->snap, l->nsnap) < 0)) {
		vars_free(now, nnow);
		free(src);
		no_memory(err, lineno);
		return -1;
	}
	rc = fpv_line_eval(l, src, strlen(src), lineno, err);
	free(src);
	if (rc <= 0) {
		fpv_session_set_vars(l->s, now, nnow);
		return rc < 0 ? -1 : 0;
	}
	vars_free(now, nnow);
	return 1;
}

/* Run a command line (its action is the caller's). */
int
fpv_line_command(struct fpv_line *l, const char *src, size_t len, int lineno,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	size_t nvars = l->s->nvars;

	memset(r, 0, sizeof *r);
	if (fpv_command_run(l->s, l->d, src, len, lineno, r, err) < 0)
		return -1;
	/* A command that changed the variables (:clear) keeps them so. */
	if (l->s->nvars != nvars)
		snap_drop(l);
	return 0;
}

/* Handle one line. */
void
fpv_line_run(struct fpv_line *l, const char *src, size_t len, int lineno,
    struct fpv_line_result *res)
{
	size_t off = 0;
	int rc;

	memset(res, 0, sizeof *res);
	while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r'))
		len--;
	while (off < len && (src[off] == ' ' || src[off] == '\t'))
		off++;
	if (off < len && src[off] == ':') {
		if (fpv_line_command(l, src, len, lineno, &res->reply,
		    &res->err) < 0) {
			res->status = FPV_LINE_ERROR;
			return;
		}
		res->status = FPV_LINE_COMMAND;
		if (res->reply.action == FPV_CMD_REEVAL && l->snapshots)
			res->reeval = fpv_line_reeval(l, &res->err);
		return;
	}
	rc = fpv_line_eval(l, src, len, lineno, &res->err);
	res->status = rc > 0 ? FPV_LINE_VALUE : rc == 0 ? FPV_LINE_NONE :
	    FPV_LINE_ERROR;
}

/* Release a result. */
void
fpv_line_result_free(struct fpv_line_result *res)
{
	fpv_cmd_reply_free(&res->reply);
}

/* ---- States --------------------------------------------------------- */

/* Keep the settings, the display and the variables. */
int
fpv_line_save(const struct fpv_line *l, struct fpv_line_state *st)
{
	memset(st, 0, sizeof *st);
	if (vars_copy(&st->vars, l->s->vars, l->s->nvars) < 0)
		return -1;
	st->nvars = l->s->nvars;
	fpv_ctx_init(&st->ctx);
	fpv_ctx_copy(&st->ctx, &l->s->ctx);
	st->d = *l->d;
	fpv_trace_init(&st->tr);
	return 0;
}

/* Go back to a kept state. */
int
fpv_line_restore(struct fpv_line *l, const struct fpv_line_state *st)
{
	if (vars_restore(l->s, st->vars, st->nvars) < 0)
		return -1;
	fpv_ctx_copy(&l->s->ctx, &st->ctx);
	*l->d = st->d;
	snap_drop(l);
	return 0;
}

/* Release a kept state. */
void
fpv_line_state_free(struct fpv_line_state *st)
{
	vars_free(st->vars, st->nvars);
	vars_free(st->snap, st->nsnap);
	fpv_trace_free(&st->tr);
	fpv_ctx_clear(&st->ctx);
	memset(st, 0, sizeof *st);
}

/* A lesson starts: keep the state and the last line. */
int
fpv_line_enter(struct fpv_line *l, struct fpv_line_state *st)
{
	if (fpv_line_save(l, st) < 0)
		return -1;
	if (l->have) {
		/* A trace owns only what it points to: it moves whole. */
		fpv_trace_free(&st->tr);
		st->tr = l->tr[l->cur];
		fpv_trace_init(&l->tr[l->cur]);
		st->have = true;
		l->have = false;
	}
	st->snap = l->snap;
	st->nsnap = l->nsnap;
	st->have_snap = l->have_snap;
	l->snap = NULL;
	l->nsnap = 0;
	l->have_snap = false;
	return 0;
}

/* The lesson ends: the state and the last line back. */
int
fpv_line_leave(struct fpv_line *l, struct fpv_line_state *st)
{
	int rc = fpv_line_restore(l, st);

	if (rc < 0) {
		/* The settings at least: they need no memory. */
		fpv_ctx_copy(&l->s->ctx, &st->ctx);
		*l->d = st->d;
	}
	snap_drop(l);
	l->have = st->have;
	if (st->have) {
		fpv_trace_free(&l->tr[l->cur]);
		l->tr[l->cur] = st->tr;
		fpv_trace_init(&st->tr);
		st->have = false;
	}
	l->snap = st->snap;
	l->nsnap = st->nsnap;
	l->have_snap = st->have_snap;
	st->snap = NULL;
	st->nsnap = 0;
	st->have_snap = false;
	return rc;
}
