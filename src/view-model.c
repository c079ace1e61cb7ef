/*
 * What the full-screen view shows, independent of curses calls: the
 * shown trace and step, the selected format, the status message, the
 * overlay, the lesson being played, the bit editor, and the texts of
 * the shown step.
 *
 * The texts of a step (bits, values, error figures, the detail pane) are
 * computed once when the step or the selected format changes and kept in
 * struct fpv_view, so a redraw only copies text to the screen.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/figure.h"
#include "fpviz/keys.h"
#include "fpviz/render.h"
#include "fpviz/view-impl.h"

static void forget_desc(struct fpv_view *v);
static void elem_error(const struct fpv_trace *t, const struct fpv_vec *vec,
    int f, size_t j, struct fpv_errinfo *e);

/* ---- Set-up --------------------------------------------------------- */

/* Initialize the model. */
void
view_init(struct fpv_view *v, struct fpv_session *s, struct fpv_display *d)
{
	memset(v, 0, sizeof *v);
	v->s = s;
	v->d = d;
	fpv_line_init(&v->line, s, d);
	v->sel = 0;
	view_fix_selection(v);
	snprintf(v->prompt, sizeof v->prompt, "> ");
	v->dirty = DIRTY_ALL;
}

/*
 * Leave the lesson, if one is playing: the settings, rows, format
 * definitions and variables, and the line, step and row shown before
 * it, come back (fpv_line_leave); say so on the status line if say.
 */
static void
lesson_leave(struct fpv_view *v, bool say)
{
	struct view_lesson *L = &v->lesson;
	const struct fpv_trace *t;

	if (!L->on)
		return;
	view_bitedit_stop(v);
	fpv_line_leave(&v->line, &L->start);
	free(v->caption);
	v->caption = NULL;
	v->highlight = 0;
	forget_desc(v);
	t = view_trace(v);
	v->step = t == NULL ? 0 : L->start_step < t->nsteps ? L->start_step :
	    t->nsteps - 1;
	if (fpv_view_select_format(v, L->start_sel) < 0)
		v->sel = 0;
	view_fix_selection(v);
	fpv_lesson_free(&L->l);
	fpv_line_state_free(&L->start);
	free(L->end);
	memset(L, 0, sizeof *L);
	v->cells_valid = false;
	v->det.valid = false;
	v->dirty |= DIRTY_LAYOUT;
	if (say)
		view_message(v, MSG_INFO, "left the lesson: the settings, rows "
		    "and variables are as before it");
}

/* Release the model. */
void
view_free(struct fpv_view *v)
{
	lesson_leave(v, false);
	forget_desc(v);
	fpv_line_free(&v->line);
	free(v->det.dec);
	free(v->ovtext);
	free(v->input);
	free(v->caption);
	free(v->failed);
	free(v->acc.s);
	memset(v, 0, sizeof *v);
}

/* The shown trace. */
const struct fpv_trace *
view_trace(const struct fpv_view *v)
{
	return fpv_line_trace(&v->line);
}

/* Forget the step descriptions. */
static void
forget_desc(struct fpv_view *v)
{
	for (size_t i = 0; i < v->ndesc; i++)
		free(v->desc[i]);
	free(v->desc);
	v->desc = NULL;
	v->ndesc = 0;
}

/* The description of step i in the selected format's own values (cached
 * for the shown trace and selection). */
const char *
view_step_desc(struct fpv_view *v, size_t i)
{
	const struct fpv_trace *t = view_trace(v);
	char buf[512];

	if (t == NULL || i >= t->nsteps)
		return "";
	if (v->ndesc != t->nsteps || v->desc_fmt != v->sel) {
		forget_desc(v);
		if ((v->desc = calloc(t->nsteps, sizeof *v->desc)) == NULL)
			return "";
		v->ndesc = t->nsteps;
		v->desc_fmt = v->sel;
	}
	if (v->desc[i] == NULL) {
		fpv_describe_cell(t, i, v->sel, buf, sizeof buf);
		v->desc[i] = strdup(buf);
	}
	return v->desc[i] ? v->desc[i] : "";
}

/* Forget the texts of the shown step. */
static void
invalidate(struct fpv_view *v)
{
	v->cells_valid = false;
	v->det.valid = false;
	v->vfigs_valid = false;
	v->acc.valid = false;
	v->dirty |= DIRTY_TOP | DIRTY_BODY;
}

/* ---- Messages and overlays ------------------------------------------ */

/* Set the status line. */
void
view_message(struct fpv_view *v, enum view_msg kind, const char *fmt, ...)
{
	va_list ap;

	v->msgkind = kind;
	v->msgcol = 0;
	if (kind == MSG_NONE || fmt == NULL) {
		v->msg[0] = '\0';
	} else {
		va_start(ap, fmt);
		vsnprintf(v->msg, sizeof v->msg, fmt, ap);
		va_end(ap);
		/* One line: cut at the first newline. */
		char *nl = strchr(v->msg, '\n');
		if (nl != NULL)
			*nl = '\0';
	}
	v->dirty |= DIRTY_STATUS;
}

/* Open an overlay over the body. */
void
view_overlay(struct fpv_view *v, enum view_overlay ov, const char *text)
{
	free(v->ovtext);
	v->ovtext = NULL;
	if (ov == OV_HELP)
		v->ovtext = view_help_text(v);
	else if (text != NULL)
		v->ovtext = strdup(text);
	v->ov = v->ovtext != NULL ? ov : OV_NONE;
	v->ovscroll = 0;
	v->dirty |= DIRTY_BODY | DIRTY_STATUS;
}

/* Close the overlay. */
void
view_overlay_close(struct fpv_view *v)
{
	if (v->ov == OV_NONE)
		return;
	free(v->ovtext);
	v->ovtext = NULL;
	v->ov = OV_NONE;
	v->dirty |= DIRTY_BODY | DIRTY_STATUS;
}

/* Show a command's reply text: one line on the status line, more in an
 * overlay. */
static void
show_reply(struct fpv_view *v, const char *text)
{
	size_t n;

	if (text == NULL || text[0] == '\0')
		return;
	n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		n--;
	if (memchr(text, '\n', n) == NULL)
		view_message(v, MSG_INFO, "%.*s", (int)n, text);
	else
		view_overlay(v, OV_TEXT, text);
}

/* Append s to the malloc'd string *buf (with a newline between). */
static void
append_line(char **buf, const char *s)
{
	size_t a = *buf ? strlen(*buf) : 0, b = strlen(s);
	char *nb = realloc(*buf, a + b + 2);

	if (nb == NULL)
		return;
	if (a > 0)
		nb[a++] = '\n';
	memcpy(nb + a, s, b + 1);
	*buf = nb;
}

/* What the help overlay says after the keys. */
static const char *const help_more[] = {
	"Markers (each has its own style and is always written as a word)",
	"  overflow underflow subnormal absorbed cancellation invalid divbyzero",
	"  saturated wrapped nan inf inexact",
	"",
	"The detail pane shows the selected format: the exact result's",
	"significand in binary, the bits kept | the bits rounding dropped (for",
	"an integer grid the requantization: value / scale = quotient -> q),",
	"the stored value's exact decimal, its neighbours and the ulp there.",
	NULL
};

/* The help overlay's text: the keys (from the key table, as :help keys
 * writes them), markers, then the commands' own help. */
char *
view_help_text(struct fpv_view *v)
{
	char *buf = NULL, *keys = NULL, line[160];
	size_t klen = 0;
	struct fpv_cmd_reply r;
	struct fpv_error err;
	FILE *f = open_memstream(&keys, &klen);

	if (f != NULL) {
		fpv_keys_help(f);
		fclose(f);
	}
	if (keys != NULL) {
		while (klen > 0 && keys[klen - 1] == '\n')
			keys[--klen] = '\0';
		append_line(&buf, keys);
		free(keys);
	}
	append_line(&buf, "");
	for (int i = 0; help_more[i] != NULL; i++)
		append_line(&buf, help_more[i]);
	append_line(&buf, "");
	memset(&r, 0, sizeof r);
	if (fpv_command_run(v->s, v->d, ":help", 5, 1, &r, &err) == 0 &&
	    r.text != NULL && r.text[0] != '\0') {
		size_t n = strlen(r.text);

		while (n > 0 && r.text[n - 1] == '\n')
			r.text[--n] = '\0';
		append_line(&buf, r.text);
	} else {
		append_line(&buf, "Commands");
		for (int i = 0; fpv_command_names[i] != NULL; i++) {
			snprintf(line, sizeof line, "  %s", fpv_command_names[i]);
			append_line(&buf, line);
		}
	}
	fpv_cmd_reply_free(&r);
	return buf;
}

/* ---- Steps and formats ---------------------------------------------- */

/* The number of format rows. */
int
view_ncols(const struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);

	return t != NULL ? fpv_trace_ncols(t) : v->s->ctx.ncols;
}

/* The format of row k. */
const struct fpv_format *
view_format(const struct fpv_view *v, int k)
{
	const struct fpv_trace *t = view_trace(v);

	return t != NULL ? fpv_trace_format(t, k) : fpv_ctx_col(&v->s->ctx, k);
}

/* Keep the bit editor's cursor inside the selected format. */
static void
clamp_cursor(struct fpv_view *v)
{
	int n = view_format(v, v->sel)->bits;

	if (v->be.cur >= n)
		v->be.cur = n - 1;
	if (v->be.cur < 0)
		v->be.cur = 0;
}

/* Keep the selection on a row. */
void
view_fix_selection(struct fpv_view *v)
{
	if (v->sel >= view_ncols(v) || v->sel < 0) {
		v->sel = 0;
		v->det.valid = false;
	}
	clamp_cursor(v);
}

/* Select the next or previous row. */
void
view_select(struct fpv_view *v, int delta)
{
	int n = view_ncols(v), f = (v->sel + (delta < 0 ? n - 1 : 1)) % n;

	if (f != v->sel) {
		v->sel = f;
		v->det.valid = false;
		/* The step's words are in the selected format's values. */
		v->dirty |= DIRTY_TOP | DIRTY_BODY | DIRTY_STATUS;
		clamp_cursor(v);
	}
}

/* Select the row of the format called name. */
int
fpv_view_select_format(struct fpv_view *v, const char *name)
{
	for (int k = 0; k < view_ncols(v); k++)
		if (strcmp(view_format(v, k)->name, name) == 0) {
			if (k != v->sel) {
				v->sel = k;
				v->det.valid = false;
				v->dirty |= DIRTY_TOP | DIRTY_BODY |
				    DIRTY_STATUS;
				clamp_cursor(v);
			}
			return 0;
		}
	return -1;
}

static void lesson_show(struct fpv_view *v, size_t j, bool at_end);

/* At the lesson's very end (its last slide at its last step), say so. */
static void
lesson_end_note(struct fpv_view *v)
{
	const struct view_lesson *L = &v->lesson;
	const struct fpv_trace *t = view_trace(v);

	if (!L->on || L->slide + 1 < L->nslides || v->msgkind == MSG_ERROR ||
	    v->msgkind == MSG_WARN)
		return;
	if (t != NULL && v->step + 1 < t->nsteps)
		return;
	view_message(v, MSG_INFO, "end of the lesson: %s leaves it, %s goes "
	    "back", v->utf8 ? "\xe2\x86\x92" : "Right",
	    v->utf8 ? "\xe2\x86\x90" : "Left");
}

/* Step by delta; past the ends a lesson moves between slides. */
bool
view_step(struct fpv_view *v, long delta)
{
	const struct fpv_trace *t = view_trace(v);
	struct view_lesson *L = &v->lesson;
	long n = t ? (long)t->nsteps : 0, i;

	if (L->on && delta > 0 && (n == 0 || (long)v->step >= n - 1)) {
		if (L->slide + 1 < L->nslides)
			lesson_show(v, L->slide + 1, false);
		else
			lesson_leave(v, true);
		return true;
	}
	if (L->on && delta < 0 && (n == 0 || v->step == 0)) {
		if (L->slide > 0)
			lesson_show(v, L->slide - 1, true);
		else
			lesson_leave(v, true);
		return true;
	}
	if (n == 0)
		return false;
	i = (long)v->step + delta;
	if (i < 0)
		i = 0;
	if (i > n - 1)
		i = n - 1;
	if ((size_t)i == v->step)
		return false;
	v->step = (size_t)i;
	/* A reduction entered going forward starts at its first
	 * accumulator step, else at its last. */
	v->acc.k = SIZE_MAX;
	v->acc.start = delta > 0;
	invalidate(v);
	lesson_end_note(v);
	return true;
}

/* Jump to the first or last step. */
bool
view_step_end(struct fpv_view *v, int where)
{
	const struct fpv_trace *t = view_trace(v);
	size_t i;

	if (t == NULL || t->nsteps == 0)
		return false;
	i = where < 0 ? 0 : t->nsteps - 1;
	if (i == v->step)
		return false;
	v->step = i;
	v->acc.k = SIZE_MAX;
	v->acc.start = false;
	invalidate(v);
	lesson_end_note(v);
	return true;
}

/* ---- Entering lines ------------------------------------------------- */

/* A new result is shown, at its first step or at step (clamped). */
static void
shown_anew(struct fpv_view *v, size_t step)
{
	const struct fpv_trace *t = view_trace(v);

	forget_desc(v);
	v->step = step < t->nsteps ? step : t->nsteps - 1;
	v->elem = v->eltop = 0;
	v->acc.k = SIZE_MAX;
	v->acc.start = false;
	invalidate(v);
}

/*
 * Show a failed line's error: "interrupted" when Ctrl-C stopped it (the
 * line handler kept the previous result and the variables), else the
 * located error.
 */
static void
line_error(struct fpv_view *v, const struct fpv_error *err)
{
	if (fpv_interrupted()) {
		fpv_interrupt = 0;
		view_message(v, MSG_WARN, "interrupted");
		return;
	}
	view_message(v, MSG_ERROR, "error: %d:%d: %s", err->line, err->col,
	    err->msg);
	v->msgcol = err->col;
}

/*
 * Evaluate an expression line through the line handler; on success show
 * it at its last step (or first, for a lesson moving forward).  Returns
 * 0, or -1 after showing the error.
 */
static int
eval_line(struct fpv_view *v, const char *line, int lineno, bool first)
{
	struct fpv_error err;
	int rc = fpv_line_eval(&v->line, line, strlen(line), lineno, &err);

	if (rc <= 0) {
		if (rc < 0)
			line_error(v, &err);
		return rc;
	}
	shown_anew(v, first ? 0 : (size_t)-1);
	return 0;
}

/* Evaluate a lesson's expression only for its effect on the variables
 * (replaying the slides before the one shown); errors are ignored. */
static void
replay_line(struct fpv_view *v, const char *line, int lineno)
{
	struct fpv_error err;

	fpv_line_replay(&v->line, line, strlen(line), lineno, &err);
}

/* Show the shown line evaluated again by the line handler (after :set),
 * at the same step; or its error. */
static void
reevaluated(struct fpv_view *v, int rc, const struct fpv_error *err,
    size_t step)
{
	if (rc > 0)
		shown_anew(v, step);
	else if (rc < 0)
		line_error(v, err);
}

/* Evaluate the shown line again with the session's new settings, from
 * the variables it started with (so "x = x + 1" does not count twice). */
static void
reevaluate(struct fpv_view *v)
{
	struct fpv_error err;
	size_t step = v->step;

	reevaluated(v, fpv_line_reeval(&v->line, &err), &err, step);
}

/* How run_command treats a command. */
enum run_mode {
	RUN_TYPED,	/* typed: show the reply, do what it asks */
	RUN_LESSON,	/* in the lesson's slide shown: show the reply; no
			 * re-evaluation, stepping, quitting or lessons */
	RUN_REPLAY	/* replaying earlier slides: settings only, silently */
};

/*
 * The :steps overlay: every step in the selected format's values with
 * what it made there (fpv_describe_result: "=" exact, "->" rounded) and
 * the step's markers other than inexact, which the arrow says.
 */
static void
steps_overlay(struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);
	char *buf = NULL, l[800], d[512];

	if (t == NULL)
		return;
	snprintf(l, sizeof l, "Steps in %s (= exact, %s rounded):",
	    view_format(v, v->sel)->name, v->utf8 ? "\xe2\x86\x92" : "->");
	append_line(&buf, l);
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct fpv_cell *c = &fpv_trace_cells(t, i)[v->sel];
		size_t n;

		fpv_describe_result(t, i, v->sel, d, sizeof d);
		n = (size_t)snprintf(l, sizeof l, "%3zu  %s", i + 1, d);
		for (int b = 1; b < FPV_FLAG_COUNT && n < sizeof l; b++)
			if (c->flags & (1u << b))
				n += (size_t)snprintf(l + n, sizeof l - n,
				    (1u << b) == FPV_FLAG_CANCELLATION &&
				    c->cancelled > 0 ? "  %s(%d bits)" : "  %s",
				    fpv_flag_names[b], (int)c->cancelled);
		append_line(&buf, l);
	}
	if (buf != NULL)
		view_overlay(v, OV_TEXT, buf);
	free(buf);
}

/*
 * Run a colon command: typed, through the line handler as line mode
 * does (which re-evaluates after :set); in a lesson, the command alone.
 * Returns 0, or -1 after showing the error (unless replaying).
 */
static int
run_command(struct fpv_view *v, const char *line, int lineno,
    enum run_mode mode)
{
	struct fpv_line_result res;
	struct fpv_cmd_reply *r = &res.reply;
	char selname[FPV_NAME_MAX];
	int ncols = v->s->ctx.ncols;
	uint8_t cols[FPV_COLUMNS_MAX];
	bool big = v->d->big;
	bool quiet = mode == RUN_REPLAY, typed = mode == RUN_TYPED;
	size_t step = v->step;
	const char *p = line + 1;

	snprintf(selname, sizeof selname, "%s", view_format(v, v->sel)->name);
	memcpy(cols, v->s->ctx.cols, sizeof cols);

	/* ":help" alone opens the help overlay (keys and commands). */
	while (*p == ' ' || *p == '\t')
		p++;
	if (!quiet && strncmp(p, "help", 4) == 0 &&
	    p[4 + strspn(p + 4, " \t")] == '\0') {
		view_overlay(v, OV_HELP, NULL);
		return 0;
	}
	if (typed) {
		fpv_line_run(&v->line, line, strlen(line), lineno, &res);
	} else {
		memset(&res, 0, sizeof res);
		res.status = fpv_line_command(&v->line, line, strlen(line),
		    lineno, r, &res.err) < 0 ? FPV_LINE_ERROR :
		    FPV_LINE_COMMAND;
	}
	if (res.status == FPV_LINE_ERROR) {
		if (!quiet)
			line_error(v, &res.err);
		fpv_line_result_free(&res);
		return -1;
	}
	switch (r->action) {
	case FPV_CMD_QUIT:
		if (typed)
			v->quit = true;
		break;
	case FPV_CMD_NEXT:
		if (typed)
			view_step(v, 1);
		break;
	case FPV_CMD_PREV:
		if (typed)
			view_step(v, -1);
		break;
	case FPV_CMD_STEPS:
		if (!quiet && r->text == NULL)
			steps_overlay(v);
		break;
	case FPV_CMD_REEVAL:
		/* Typed: the line handler evaluated the shown line again. */
		if (typed)
			reevaluated(v, res.reeval, &res.err, step);
		break;
	case FPV_CMD_LESSON:
		if (typed) {
			char *name = r->arg ? strdup(r->arg) : NULL;

			fpv_line_result_free(&res);
			if (name != NULL)
				view_lesson_start(v, name);
			free(name);
			return 0;
		}
		break;
	case FPV_CMD_NONE:
		break;
	}
	if (!quiet)
		show_reply(v, r->text);
	fpv_line_result_free(&res);
	if (v->s->ctx.ncols != ncols ||
	    memcmp(v->s->ctx.cols, cols, sizeof cols) != 0 || v->d->big != big) {
		/* The same format stays selected if it is still a row; a
		 * highlight was for the rows before. */
		for (int k = 0; k < view_ncols(v); k++)
			if (strcmp(view_format(v, k)->name, selname) == 0)
				v->sel = k;
		if (mode == RUN_TYPED)
			v->highlight = 0;
		view_fix_selection(v);
		v->cells_valid = false;
		v->det.valid = false;
		v->dirty |= DIRTY_LAYOUT;
	}
	return 0;
}

/* Drop the lesson's caption: what is shown is no longer the lesson's. */
static void
drop_caption(struct fpv_view *v)
{
	if (v->highlight != 0) {
		v->highlight = 0;
		v->dirty |= DIRTY_BODY;
	}
	if (v->caption == NULL)
		return;
	free(v->caption);
	v->caption = NULL;
	v->dirty |= DIRTY_LAYOUT;
}

/*
 * Keep the typed line that failed (typed: as given, with its leading
 * blanks; skip: how many bytes of them the handler did not see) with
 * the byte offset of the error's column (1-based characters of what the
 * handler saw).
 */
static void
keep_failed(struct fpv_view *v, const char *typed, size_t skip, int col)
{
	size_t off = skip, n = strlen(typed);

	free(v->failed);
	if ((v->failed = strdup(typed)) == NULL)
		return;
	/* Past col - 1 characters: UTF-8 lead bytes. */
	for (int c = 1; c < col && off < n; c++) {
		off++;
		while (off < n && ((unsigned char)typed[off] & 0xc0) == 0x80)
			off++;
	}
	v->failed_off = off;
}

/* Enter a line as if typed. */
void
view_submit(struct fpv_view *v, const char *typed)
{
	const char *line = typed;

	free(v->failed);
	v->failed = NULL;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0')
		return;
	view_overlay_close(v);
	view_message(v, MSG_NONE, NULL);
	if (*line == ':') {
		if (run_command(v, line, 1, RUN_TYPED) < 0 &&
		    v->msgkind == MSG_ERROR)
			keep_failed(v, typed, (size_t)(line - typed),
			    v->msgcol);
		return;
	}
	if (eval_line(v, line, 1, false) == 0)
		drop_caption(v);
	else if (v->msgkind == MSG_ERROR)
		keep_failed(v, typed, (size_t)(line - typed), v->msgcol);
}

/* ---- Lessons -------------------------------------------------------- */

/*
 * Point at the rows slide a..b names: select the row of the select in
 * force (the detail pane follows), highlight the rows of its
 * highlights; a name that is not a row is a warning.
 */
static void
lesson_point(struct fpv_view *v, size_t a, size_t b)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_lesson_mark *m;
	struct fpv_lesson_points p;
	int sel;

	fpv_lesson_points(&v->lesson.l, a, b, &p);
	m = fpv_lesson_rows(&p, t != NULL ? &t->ctx : &v->s->ctx, &sel,
	    &v->highlight);
	if (sel >= 0)
		fpv_view_select_format(v, p.select->name);
	if (m != NULL && v->msgkind != MSG_ERROR)
		view_message(v, MSG_WARN, "lesson line %d:%d: %s is not a row "
		    "here", m->line, m->col, m->name);
}

/*
 * Show slide j of the lesson: go back to the settings and variables the
 * lesson started with, replay the slides before j (their commands and
 * expressions, silently), run slide j's commands and show its
 * expression at its first step (or last, at_end).  A slide of commands
 * alone (the lesson's last) shows the lesson's last expression under
 * them.  A slide without a caption keeps the one before it.
 */
static void
lesson_show(struct fpv_view *v, size_t j, bool at_end)
{
	struct view_lesson *L = &v->lesson;
	const struct fpv_lesson_item *items = L->l.items;
	size_t a = j == 0 ? 0 : L->end[j - 1] + 1, b = L->end[j];
	size_t shown = (size_t)-1;
	bool has_expr = items[b].kind == FPV_LESSON_EXPR;
	char *caption = NULL;

	view_bitedit_stop(v);
	view_overlay_close(v);
	view_message(v, MSG_NONE, NULL);
	fpv_line_restore(&v->line, &L->start);
	if (!has_expr)
		for (size_t i = a; i-- > 0;)
			if (items[i].kind == FPV_LESSON_EXPR) {
				shown = i;
				break;
			}
	for (size_t i = 0; i < a; i++) {
		if (items[i].kind == FPV_LESSON_COMMAND)
			run_command(v, items[i].text, items[i].line, RUN_REPLAY);
		else if (i == shown)
			eval_line(v, items[i].text, items[i].line, false);
		else
			replay_line(v, items[i].text, items[i].line);
	}
	for (size_t i = a; i <= b; i++) {
		if (items[i].caption != NULL)
			append_line(&caption, items[i].caption);
		if (items[i].kind == FPV_LESSON_EXPR)
			eval_line(v, items[i].text, items[i].line, !at_end);
		else if (run_command(v, items[i].text, items[i].line,
		    RUN_LESSON) == 0 && !has_expr)
			reevaluate(v);
	}
	for (size_t i = a; caption == NULL && i-- > 0;)
		if (items[i].caption != NULL)
			caption = strdup(items[i].caption);
	free(v->caption);
	v->caption = caption;
	L->slide = j;
	lesson_point(v, a, b);
	view_fix_selection(v);
	v->cells_valid = false;
	v->det.valid = false;
	v->dirty |= DIRTY_LAYOUT;
	lesson_end_note(v);
}

/* Start a lesson ("list": show the built-in lessons). */
void
view_lesson_start(struct fpv_view *v, const char *name)
{
	struct view_lesson *L = &v->lesson;
	struct fpv_lesson l;
	struct fpv_error err;
	size_t n = 0;

	if (strcmp(name, "list") == 0) {
		char *list = fpv_lesson_list();

		if (list == NULL)
			view_message(v, MSG_ERROR, "error: no built-in lessons "
			    "found");
		else
			view_overlay(v, OV_TEXT, list);
		free(list);
		return;
	}
	memset(&l, 0, sizeof l);
	if (fpv_lesson_load(name, &l, &err) < 0) {
		if (err.line > 0)
			view_message(v, MSG_ERROR, "error: %s:%d:%d: %s", name,
			    err.line, err.col, err.msg);
		else
			view_message(v, MSG_ERROR, "error: %s", err.msg);
		return;
	}
	if (l.n == 0) {
		view_message(v, MSG_ERROR, "error: lesson %s is empty", name);
		fpv_lesson_free(&l);
		return;
	}
	/* The lesson before ends first: its settings go, and this one
	 * starts from those before it. */
	lesson_leave(v, false);
	L->l = l;
	snprintf(L->start_sel, sizeof L->start_sel, "%s",
	    view_format(v, v->sel)->name);
	L->start_step = v->step;
	if ((L->end = malloc(l.n * sizeof *L->end)) == NULL ||
	    fpv_line_enter(&v->line, &L->start) < 0) {
		free(L->end);
		fpv_lesson_free(&L->l);
		memset(L, 0, sizeof *L);
		view_message(v, MSG_ERROR, "error: out of memory");
		return;
	}
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].kind == FPV_LESSON_EXPR || i == l.n - 1)
			L->end[n++] = i;
	L->nslides = n;
	L->on = true;
	lesson_show(v, 0, false);
}

/* ---- Bit editing ---------------------------------------------------- */

/* The bits of the selected format at the shown step (0 if none). */
static uint64_t
shown_bits(const struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);

	if (t == NULL || t->nsteps == 0 || v->step >= t->nsteps)
		return 0;
	return fpv_trace_cells(t, v->step)[v->sel].bits;
}

/* Keep the cursor on a bit of the selected format. */
static void
bitedit_clamp(struct fpv_view *v)
{
	clamp_cursor(v);
}

/* Start bit editing on the selected row (at 0 if nothing is shown). */
bool
view_bitedit_start(struct fpv_view *v)
{
	view_overlay_close(v);
	view_message(v, MSG_NONE, NULL);
	if (view_vec(v) != NULL) {
		view_message(v, MSG_WARN, "the bit editor edits a number: "
		    "step to one, or type an element as v[i]");
		return false;
	}
	if (view_trace(v) == NULL && view_bitedit_set(v, 0) < 0)
		return false;
	v->be.on = true;
	v->be.hex = false;
	v->be.cur = 0;
	v->dirty |= DIRTY_BODY | DIRTY_STATUS | DIRTY_INPUT;
	return true;
}

/* Stop bit editing. */
void
view_bitedit_stop(struct fpv_view *v)
{
	if (!v->be.on)
		return;
	v->be.on = false;
	v->be.hex = false;
	v->dirty |= DIRTY_BODY | DIRTY_STATUS | DIRTY_INPUT;
}

/* Move the cursor by delta bits (stopping at the ends). */
void
view_bitedit_move(struct fpv_view *v, int delta)
{
	v->be.cur += delta;
	bitedit_clamp(v);
	v->dirty |= DIRTY_BODY | DIRTY_STATUS;
}

/* Move the cursor to the first (where < 0) or last bit. */
void
view_bitedit_jump(struct fpv_view *v, int where)
{
	v->be.cur = where < 0 ? 0 : view_format(v, v->sel)->bits - 1;
	v->dirty |= DIRTY_BODY | DIRTY_STATUS;
}

/* Show the bit pattern bits of the selected format: the literal
 * "FORMAT:0xHEX" evaluated as if typed.  Returns 0 or -1. */
int
view_bitedit_set(struct fpv_view *v, uint64_t bits)
{
	const struct fpv_format *F = view_format(v, v->sel);
	char hex[24], line[48];

	fpv_bits_hex(F, bits & fpv_format_mask(F), hex);
	snprintf(line, sizeof line, "%s:%s", F->name, hex);
	view_message(v, MSG_NONE, NULL);
	if (eval_line(v, line, 1, false) != 0)
		return -1;
	drop_caption(v);
	return 0;
}

/* Toggle the bit under the cursor. */
void
view_bitedit_toggle(struct fpv_view *v)
{
	const struct fpv_format *F = view_format(v, v->sel);

	bitedit_clamp(v);
	view_bitedit_set(v, shown_bits(v) ^
	    ((uint64_t)1 << (F->bits - 1 - v->be.cur)));
}

/* Open the hex prompt. */
void
view_bitedit_hex_open(struct fpv_view *v)
{
	v->be.hex = true;
	v->be.hexbuf[0] = '\0';
	view_message(v, MSG_NONE, NULL);
	v->dirty |= DIRTY_STATUS | DIRTY_INPUT;
}

/* Close the hex prompt without applying it. */
void
view_bitedit_hex_close(struct fpv_view *v)
{
	v->be.hex = false;
	v->dirty |= DIRTY_STATUS | DIRTY_INPUT;
}

/* A key for the hex prompt: a hex digit (up to the format's width),
 * '\b' (delete one), Ctrl-U (delete all); "0x" in front is skipped. */
void
view_bitedit_hex_key(struct fpv_view *v, int c)
{
	char *b = v->be.hexbuf;
	size_t n = strlen(b), max = (size_t)(view_format(v, v->sel)->bits + 3) / 4;

	if (c == '\b') {
		if (n > 0)
			b[n - 1] = '\0';
	} else if (c == ('U' & 0x1f)) {
		b[0] = '\0';
	} else if ((c == 'x' || c == 'X') && n == 1 && b[0] == '0') {
		b[0] = '\0';
	} else if (c >= 0 && c < 128 && strchr("0123456789abcdefABCDEF",
	    c) != NULL && c != '\0') {
		if (n < max) {
			b[n] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
			b[n + 1] = '\0';
		} else {
			view_message(v, MSG_WARN, "%s has %zu hex digit%s",
			    view_format(v, v->sel)->name, max,
			    max == 1 ? "" : "s");
		}
	}
	v->dirty |= DIRTY_INPUT;
}

/* Apply the hex prompt (nothing typed: keep the bits). */
void
view_bitedit_hex_apply(struct fpv_view *v)
{
	uint64_t bits = 0;

	v->be.hex = false;
	v->dirty |= DIRTY_STATUS | DIRTY_INPUT;
	if (v->be.hexbuf[0] == '\0')
		return;
	for (const char *p = v->be.hexbuf; *p != '\0'; p++)
		bits = bits << 4 | (uint64_t)(*p <= '9' ? *p - '0' :
		    *p - 'a' + 10);
	view_bitedit_set(v, bits);
}

/* ---- Texts of the shown step ---------------------------------------- */

/* Write the binary digits of bits (f->bits of them) into buf. */
static void
binary_digits(const struct fpv_format *f, uint64_t bits, char *buf)
{
	int n = 0;

	for (int i = f->bits - 1; i >= 0; i--)
		buf[n++] = (char)('0' + ((bits >> i) & 1));
	buf[n] = '\0';
}

/* "—" when the terminal shows UTF-8, else "-": a figure that is no number. */
static const char *
dash(const struct fpv_view *v)
{
	return v->utf8 ? "\xe2\x80\x94" : "-";
}

/*
 * Figure which of e as short text (fpv_dec_figure's notation), in its
 * certified digits: absolute and relative errors signed ("+4.4e-05",
 * "-0.0001"), ulps and bits lost not ("0.5", "1.2e+04"); a bound
 * ("+-2^-8190") or a dash when the figure is not a number.
 */
static void
fig_text(const struct fpv_view *v, const struct fpv_errinfo *e,
    enum fpv_errfig which, char *buf, size_t size)
{
	char fig[FPV_DEC_FIGURE];
	size_t n;

	if (e->zero) {
		snprintf(buf, size, "0");
		return;
	}
	n = fpv_errinfo_text(e, which, FPV_DEC_FIG_SIGN, fig, sizeof fig);
	if (n > 0) {
		snprintf(buf, size, "%s", fig);
		return;
	}
	if (which == FPV_ERR_ABS && e->bound != LONG_MIN)
		snprintf(buf, size, "%s2^%ld", v->utf8 ? "\xc2\xb1" : "+-",
		    e->bound);
	else
		snprintf(buf, size, "%s", dash(v));
}

/* Significant digits of the plain decimal s. */
static size_t
decimal_digits(const char *s)
{
	size_t n = 0, zeros = 0;
	bool lead = true;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || (*s == '0' && lead))
			continue;
		lead = false;
		if (*s == '0') {
			zeros++;
		} else {
			n += zeros + 1;
			zeros = 0;
		}
	}
	return n;
}

/* Fill the texts of format f's cell at the shown step (a vector's: its
 * selected element's). */
static void
fill_cell(struct fpv_view *v, const struct fpv_trace *t, int f)
{
	const struct fpv_format *F = fpv_trace_format(t, f);
	const struct fpv_vec *vec = view_vec(v);
	const struct fpv_cell *c = &fpv_trace_cells(t, v->step)[f];
	struct view_cell *vc = &v->cells[f];
	struct fpv_errinfo e;
	uint64_t bits = c->bits;

	if (vec != NULL) {
		bits = vec->bits[(size_t)f * vec->n + v->elem];
		vc->flags = vec->flags[(size_t)f * vec->n + v->elem];
		vc->cancelled = 0;
	} else {
		vc->flags = c->flags;
		vc->cancelled = c->cancelled;
	}
	binary_digits(F, bits, vc->bin);
	fpv_bits_hex(F, bits, vc->hex);
	fpv_dec_value(&t->ctx, F, bits, vc->val, NULL);
	vc->cls = fpv_bits_class(F, bits);
	fpv_errinfo_init(&e);
	e.want = 3;
	if (vec != NULL)
		elem_error(t, vec, f, v->elem, &e);
	else
		fpv_trace_accum_error(t, v->step, f, &e);
	vc->err_defined = e.defined;
	vc->err_zero = e.zero;
	fig_text(v, &e, FPV_ERR_ABS, vc->abs, sizeof vc->abs);
	fig_text(v, &e, FPV_ERR_REL, vc->rel, sizeof vc->rel);
	fig_text(v, &e, FPV_ERR_ULPS, vc->ulps, sizeof vc->ulps);
	fpv_errinfo_clear(&e);
}

/* The per-tensor figures of row f of vector vec, as text writes them. */
static void
fill_vfigs(struct fpv_view *v, const struct fpv_trace *t,
    const struct fpv_vec *vec, int f)
{
	fpv_vec_figs_text(t, vec, f, dash(v), v->vfigs[f],
	    sizeof v->vfigs[f]);
}

/* Binary digits of |x| (n of them, truncated) into buf; returns the
 * exponent E with |x| = 1.ddd x 2^E, and sets *more if nonzero bits
 * follow the n digits. */
static long
sig_digits(mpfr_srcptr x, size_t n, char *buf, bool *more)
{
	mpfr_t y;
	mpfr_exp_t e;
	char *s;

	mpfr_init2(y, mpfr_get_prec(x));
	mpfr_abs(y, x, MPFR_RNDN);
	s = mpfr_get_str(NULL, &e, 2, n, y, MPFR_RNDZ);
	snprintf(buf, n + 1, "%s", s);
	mpfr_free_str(s);
	*more = mpfr_prec_round(y, (mpfr_prec_t)n, MPFR_RNDZ) != 0;
	mpfr_clear(y);
	return (long)e - 1;
}

/* Drop trailing zeros of s (when nothing follows them). */
static void
trim_zeros(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
}

/* The local exact result as kept | dropped bits, for an IEEE format. */
static void
detail_ieee_bits(struct view_detail *dt, const struct fpv_format *F,
    mpfr_srcptr x, uint64_t stored)
{
	long emin = F->emin, E;
	size_t keep = (size_t)F->frac_bits, drop = 64, n;
	char digits[256], frac[256];
	bool neg = mpfr_signbit(x) != 0;

	if (!mpfr_regular_p(x)) {
		snprintf(dt->plain, sizeof dt->plain, "exact result %s",
		    mpfr_nan_p(x) ? "nan (undefined)" : mpfr_inf_p(x) ?
		    (neg ? "-inf" : "+inf") : neg ? "-0" : "0");
	} else {
		E = sig_digits(x, 1 + keep + drop, digits, &dt->more);
		if (E >= emin) {
			snprintf(dt->lead, sizeof dt->lead, "%s1.", neg ? "-" : "");
			snprintf(frac, sizeof frac, "%s", digits + 1);
			snprintf(dt->scale, sizeof dt->scale, " x2^%ld", E);
		} else {
			/* Below the normal range: 0.000ddd x 2^emin. */
			long z = emin - E - 1;

			size_t i = 0;

			snprintf(dt->lead, sizeof dt->lead, "%s0.", neg ? "-" : "");
			n = 0;
			for (long k = 0; k < z && n < keep + drop; k++)
				frac[n++] = '0';
			for (; digits[i] && n < keep + drop; i++)
				frac[n++] = digits[i];
			/* Ones among the digits that did not fit follow. */
			if (strchr(digits + i, '1') != NULL)
				dt->more = true;
			frac[n] = '\0';
			snprintf(dt->scale, sizeof dt->scale, " x2^%ld", emin);
		}
		snprintf(dt->kept, sizeof dt->kept, "%.*s", (int)keep, frac);
		snprintf(dt->dropped, sizeof dt->dropped, "%s",
		    strlen(frac) > keep ? frac + keep : "");
		if (!dt->more)
			trim_zeros(dt->dropped);
		/* No fraction bits at all (E8M0's powers of two): "1", not
		 * "1." */
		if (keep == 0 && dt->dropped[0] == '\0' && E >= emin)
			dt->lead[strlen(dt->lead) - 1] = '\0';
	}
	/* The stored significand in the same form. */
	enum fpv_class cls = fpv_bits_class(F, stored);

	if (cls == FPV_CLASS_NORMAL || cls == FPV_CLASS_SUBNORMAL) {
		char b[72];

		binary_digits(F, stored, b);
		snprintf(dt->stored_lead, sizeof dt->stored_lead, "%s%s",
		    fpv_bits_sign(F, stored) ? "-" : "",
		    cls == FPV_CLASS_NORMAL ? "1." : "0.");
		snprintf(dt->stored, sizeof dt->stored, "%s",
		    b + (F->sign ? 1 : 0) + F->exp_bits);
		if (dt->stored[0] == '\0')	/* no fraction bits: "1" */
			dt->stored_lead[strlen(dt->stored_lead) - 1] = '\0';
		snprintf(dt->stored_scale, sizeof dt->stored_scale, " x2^%ld",
		    cls == FPV_CLASS_NORMAL ?
		    (long)fpv_bits_exp(F, stored) - F->bias : (long)F->emin);
	}
}

/*
 * The requantization of an integer grid's step in decimal terms (the
 * exact line: "0.54 / 0.1 = 5.4 -> 5 (down, rounding to nearest)"), or
 * what the exact value was when it is not a number, or for a cast
 * through another format its words.
 */
static void
detail_int_exact(struct view_detail *dt, const struct fpv_trace *t,
    size_t i, int f, mpfr_srcptr x)
{
	if (fpv_describe_requant(t, i, f, dt->plain, sizeof dt->plain) > 0)
		return;
	if (!mpfr_number_p(x))
		snprintf(dt->plain, sizeof dt->plain, "exact result %s",
		    mpfr_nan_p(x) ? "nan (undefined)" :
		    mpfr_signbit(x) ? "-inf" : "+inf");
	else
		fpv_describe_cell(t, i, f, dt->plain, sizeof dt->plain);
}

/* The stored code of an integer grid as the row shows it (two's
 * complement for a signed grid, grouped as the row groups it) and q. */
static void
detail_int_stored(struct view_detail *dt, const struct fpv_format *F,
    uint64_t bits)
{
	fpv_bits_binary(F, bits, dt->stored);
	snprintf(dt->stored_scale, sizeof dt->stored_scale, "  q = %lld",
	    (long long)fpv_bits_q(F, bits));
}

/*
 * The ulp u (a power of two 2^k, or an integer grid's scale) of format F
 * as the detail pane shows it.  Where 2^k is one of F's values, as
 * values are shown (exact when short, else its shortest decimal,
 * marked); otherwise exact when short, else to six digits, marked; then
 * "= 2^k".  A grid's scale is a decimal, shown exactly.
 */
static void
ulp_text(const struct fpv_ctx *c, const struct fpv_format *F, mpfr_srcptr u,
    char *buf, size_t size)
{
	char val[FPV_DEC_VALUE];
	long k;
	uint64_t b = 0;
	bool in_f = false;

	if (F->kind != FPV_KIND_FLOAT || !mpfr_regular_p(u)) {
		mpfr_t x;
		mpq_t q;

		mpfr_init2(x, FPV_EXACT_PREC);
		mpq_init(q);
		fpv_grid_scale(F, q);
		mpfr_set_q(x, q, MPFR_RNDN);
		fpv_dec_round(x, 40, buf, size);
		mpq_clear(q);
		mpfr_clear(x);
		return;
	}
	k = (long)mpfr_get_exp(u) - 1;
	/* 2^k's encoding in F, if it has one. */
	if (k >= F->emin && k <= F->emax) {
		b = (uint64_t)(k + F->bias) << F->frac_bits;
		in_f = true;
	} else if (F->subnormals && F->zero && k < F->emin &&
	    k >= (long)F->emin - F->frac_bits) {
		b = (uint64_t)1 << (k - ((long)F->emin - F->frac_bits));
		in_f = true;
	}
	if (in_f) {
		mpfr_t y;

		mpfr_init2(y, 64);
		fpv_num_decode(c, F, b, y);
		in_f = mpfr_equal_p(y, u) != 0;
		mpfr_clear(y);
	}
	if (in_f) {
		fpv_dec_value(c, F, b, val, NULL);
	} else if (k >= -17 && k <= 39) {
		fpv_dec_round(u, 12, val, sizeof val);	/* exact */
	} else {
		memcpy(val, FPV_DEC_MARK, FPV_DEC_MARK_LEN);
		fpv_dec_round(u, 6, val + FPV_DEC_MARK_LEN,
		    sizeof val - FPV_DEC_MARK_LEN);
	}
	snprintf(buf, size, "%s = 2^%ld", val, k);
}

/* The detail pane's words for a tie (ORDER: enum fpv_tie). */
static const char *const tie_note[] = {
	"", ", tie \xe2\x86\x92 even", ", tie \xe2\x86\x92 away from zero"
};

/*
 * What the detail pane shows of one stored value: bits of format F
 * (flags raised when it was stored, val as its row shows it) against x,
 * where its rounding started from: a step's local exact result, or a
 * vector element's exact value (elem: then how the stored value lies
 * against it, not which way one rounding went).
 */
struct detail_in {
	const struct fpv_format *F;
	uint64_t bits;
	uint32_t flags;
	const char *val;
	bool elem;
	enum fpv_tie tie;
};

/* The detail's "what": which way the value went from x. */
static void
detail_what(struct view_detail *dt, const struct fpv_trace *t,
    const struct detail_in *in, mpfr_srcptr x, mpfr_srcptr val)
{
	const struct fpv_format *F = in->F;
	enum fpv_class cls = fpv_bits_class(F, in->bits);
	const char *mode = fpv_round_names[t->ctx.round];
	uint32_t fl = in->flags;

	if (cls == FPV_CLASS_QNAN || cls == FPV_CLASS_SNAN)
		snprintf(dt->what, sizeof dt->what, "%s",
		    fl & FPV_FLAG_INVALID ? "invalid operation: nan" : "nan");
	else if (mpfr_nan_p(x))
		snprintf(dt->what, sizeof dt->what, "%s",
		    fl & FPV_FLAG_INVALID ? "invalid operation" :
		    "no exact value (nan)");
	else if (cls == FPV_CLASS_INF && !mpfr_inf_p(x))
		snprintf(dt->what, sizeof dt->what, "overflow: |exact| beyond "
		    "the largest %s, rounded to %s (%s)", F->name,
		    fpv_bits_sign(F, in->bits) ? "-inf" : "+inf", mode);
	else if (fl & FPV_FLAG_SATURATED)
		snprintf(dt->what, sizeof dt->what, "saturated to the end of "
		    "the range (%s)", mode);
	else if (fl & FPV_FLAG_WRAPPED)
		snprintf(dt->what, sizeof dt->what, "wrapped modulo 256 (%s)",
		    mode);
	else if (mpfr_equal_p(val, x) || (mpfr_inf_p(x) && mpfr_inf_p(val)))
		snprintf(dt->what, sizeof dt->what, "exact: nothing rounded");
	else if (in->elem)
		snprintf(dt->what, sizeof dt->what, "%s the exact value (%s)",
		    mpfr_zero_p(val) ? "underflowed to zero from" :
		    mpfr_greater_p(val, x) ? "above" : "below", mode);
	else
		snprintf(dt->what, sizeof dt->what, "rounded %s%s (%s%s)",
		    mpfr_greater_p(val, x) ? "up" : "down",
		    mpfr_zero_p(val) ? " to zero" : "", mode,
		    tie_note[in->tie]);
}

/* The detail's "total": the error e against the exact value (state xs). */
static void
detail_total(struct fpv_view *v, struct view_detail *dt,
    const struct detail_in *in, enum fpv_exact_state xs,
    const struct fpv_errinfo *e)
{
	char a[FPV_DEC_FIGURE], r[FPV_DEC_FIGURE], ul[FPV_DEC_FIGURE];
	char bl[FPV_DEC_FIGURE];

	if (xs == FPV_EXACT_S_UNDEFINED || xs == FPV_EXACT_S_UNCERTIFIED) {
		snprintf(dt->total, sizeof dt->total, "total error: %s (the "
		    "exact value is %s)", dash(v), xs == FPV_EXACT_S_UNDEFINED ?
		    "undefined" : "not certified");
	} else if (!e->defined) {
		snprintf(dt->total, sizeof dt->total, "total error: undefined "
		    "(%s against the exact value)", in->val);
	} else if (e->zero) {
		snprintf(dt->total, sizeof dt->total, "total error: none");
	} else {
		fig_text(v, e, FPV_ERR_ABS, a, sizeof a);
		fig_text(v, e, FPV_ERR_REL, r, sizeof r);
		fig_text(v, e, FPV_ERR_ULPS, ul, sizeof ul);
		fig_text(v, e, FPV_ERR_BITS, bl, sizeof bl);
		snprintf(dt->total, sizeof dt->total, "total error: abs %s  "
		    "rel %s  %s ulp  %s bits lost%s", a, r, ul, bl,
		    xs == FPV_EXACT_S_NEAR_ZERO ? "  (the exact value is 0 "
		    "or near it)" : "");
	}
}

/* The detail's stored value, its neighbours and its ulp (the error
 * figures count in 2^total_ulp, this step's loss in 2^local_ulp;
 * LONG_MIN: none). */
static void
detail_stored(struct view_detail *dt, const struct fpv_trace *t,
    const struct detail_in *in, long local_ulp, long total_ulp)
{
	const struct fpv_format *F = in->F;
	enum fpv_class cls = fpv_bits_class(F, in->bits);
	uint64_t nb;
	mpfr_t u;

	dt->dec = fpv_dec_exact(&t->ctx, F, in->bits);
	dt->dec_digits = dt->dec != NULL ? decimal_digits(dt->dec) : 0;
	if ((dt->has_down = fpv_bits_neighbour(F, in->bits, -1, &nb))) {
		fpv_bits_hex(F, nb, dt->down_hex);
		fpv_dec_value(&t->ctx, F, nb, dt->down_val, NULL);
	}
	if ((dt->has_up = fpv_bits_neighbour(F, in->bits, 1, &nb))) {
		fpv_bits_hex(F, nb, dt->up_hex);
		fpv_dec_value(&t->ctx, F, nb, dt->up_val, NULL);
	}
	if (cls == FPV_CLASS_QNAN || cls == FPV_CLASS_SNAN ||
	    cls == FPV_CLASS_INF)
		return;
	size_t n;
	long ks, k;

	mpfr_init2(u, 64);
	fpv_num_ulp(&t->ctx, F, in->bits, u);
	/* The ulp the error figures count in: at the exact value. */
	ks = mpfr_regular_p(u) ? (long)mpfr_get_exp(u) - 1 : 0;
	k = total_ulp != LONG_MIN ? total_ulp : local_ulp != LONG_MIN ?
	    local_ulp : ks;
	if (F->kind == FPV_KIND_FLOAT && mpfr_regular_p(u))
		mpfr_set_ui_2exp(u, 1, k, MPFR_RNDN);
	ulp_text(&t->ctx, F, u, dt->ulp, sizeof dt->ulp);
	n = strlen(dt->ulp);
	if (F->kind == FPV_KIND_FLOAT && mpfr_regular_p(u) && k != ks &&
	    n + 24 < sizeof dt->ulp)
		snprintf(dt->ulp + n, sizeof dt->ulp - n,
		    " at the exact value");
	if (F->kind == FPV_KIND_FLOAT && local_ulp != LONG_MIN &&
	    local_ulp != k && dt->loss[0] != '\0') {
		size_t m = strlen(dt->loss);

		snprintf(dt->loss + m, sizeof dt->loss - m,
		    " of 2^%ld", local_ulp);
	}
	mpfr_clear(u);
}

/* Start the detail pane of row f. */
static void
detail_reset(struct fpv_view *v, int f)
{
	struct view_detail *dt = &v->det;

	free(dt->dec);
	memset(dt, 0, sizeof *dt);
	dt->valid = true;
	dt->fmt = f;
	dt->step = v->step;
}

/* Fill the detail pane for the selected format at the shown step. */
static void
fill_detail(struct fpv_view *v, const struct fpv_trace *t)
{
	struct view_detail *dt = &v->det;
	int f = v->sel;
	const struct fpv_format *F = fpv_trace_format(t, f);
	const struct fpv_cell *c = &fpv_trace_cells(t, v->step)[f];
	struct detail_in in = {
		.F = F, .bits = c->bits, .flags = c->flags,
		.val = v->cells[f].val, .elem = false,
		.tie = fpv_describe_tie(t, v->step, f)
	};
	struct fpv_errinfo e;
	mpfr_t x, val;
	char a[FPV_DEC_FIGURE], ul[FPV_DEC_FIGURE];
	long local_ulp, total_ulp;
	enum fpv_exact_state xs;
	long kn;

	detail_reset(v, f);
	mpfr_inits2(FPV_EXACT_PREC, x, val, (mpfr_ptr)0);
	fpv_trace_local_exact(t, v->step, f, x);
	mpfr_set_prec(val, FPV_EXACT_PREC);
	fpv_num_decode(&t->ctx, F, c->bits, val);

	/* Which way the rounding went. */
	detail_what(dt, t, &in, x, val);

	/* This step's own loss. */
	fpv_errinfo_init(&e);
	e.want = 3;
	fpv_trace_local_error(t, v->step, f, &e);
	local_ulp = e.ulp_exp;
	if (!e.zero && e.fig[FPV_ERR_ABS] != FPV_FIG_NONE) {
		fig_text(v, &e, FPV_ERR_ABS, a, sizeof a);
		fig_text(v, &e, FPV_ERR_ULPS, ul, sizeof ul);
		snprintf(dt->loss, sizeof dt->loss, "this step: %s (%s ulp)",
		    a, ul);
	}
	fpv_trace_accum_error(t, v->step, f, &e);
	total_ulp = e.ulp_exp;
	xs = fpv_exact_state(&fpv_trace_step(t, v->step)->exact, &kn);
	detail_total(v, dt, &in, xs, &e);
	fpv_errinfo_clear(&e);

	/* Kept and dropped bits. */
	if (F->kind == FPV_KIND_FLOAT)
		detail_ieee_bits(dt, F, x, c->bits);
	else {
		detail_int_exact(dt, t, v->step, f, x);
		detail_int_stored(dt, F, c->bits);
	}

	/* The stored value, its neighbours and its ulp. */
	detail_stored(dt, t, &in, local_ulp, total_ulp);
	mpfr_clears(x, val, (mpfr_ptr)0);
}

/* The error of element j of row f of vector vec against its exact
 * value, certified to e->want digits. */
static void
elem_error(const struct fpv_trace *t, const struct fpv_vec *vec, int f,
    size_t j, struct fpv_errinfo *e)
{
	const struct fpv_format *F = fpv_trace_format(t, f);
	struct fpv_exact xv;

	fpv_exact_init(&xv);
	fpv_exact_decode(&xv, &t->ctx, F, vec->bits[(size_t)f * vec->n + j]);
	fpv_exact_error(e, &xv, &vec->exact[j], NULL, &t->ctx, F);
	fpv_exact_clear(&xv);
}

/* Fill the detail pane for the selected element of the selected format
 * of the shown vector: as a scalar's, against the element's exact
 * value (a vector step has no local exact result of its own). */
static void
fill_detail_elem(struct fpv_view *v, const struct fpv_trace *t,
    const struct fpv_vec *vec)
{
	struct view_detail *dt = &v->det;
	int f = v->sel;
	size_t j = v->elem, k = (size_t)f * vec->n + v->elem;
	const struct fpv_format *F = fpv_trace_format(t, f);
	struct detail_in in = {
		.F = F, .bits = vec->bits[k], .flags = vec->flags[k],
		.val = v->cells[f].val, .elem = true, .tie = FPV_TIE_NONE
	};
	struct fpv_errinfo e;
	mpfr_t x, val;
	enum fpv_exact_state xs;
	long kn;

	detail_reset(v, f);
	mpfr_inits2(FPV_EXACT_PREC, x, val, (mpfr_ptr)0);
	fpv_exact_get_mpfr(x, &vec->exact[j]);
	fpv_num_decode(&t->ctx, F, in.bits, val);
	detail_what(dt, t, &in, x, val);
	fpv_errinfo_init(&e);
	e.want = 3;
	elem_error(t, vec, f, j, &e);
	xs = fpv_exact_state(&vec->exact[j], &kn);
	detail_total(v, dt, &in, xs, &e);
	if (F->kind == FPV_KIND_FLOAT) {
		detail_ieee_bits(dt, F, x, in.bits);
	} else {
		struct fpv_exact_text d;

		fpv_exact_describe_value(&vec->exact[j], 24, &d);
		snprintf(dt->plain, sizeof dt->plain, "exact value %s",
		    d.len > 0 ? d.num : mpfr_nan_p(x) ? "nan (undefined)" :
		    mpfr_inf_p(x) ? (mpfr_signbit(x) ? "-inf" : "+inf") :
		    "not certified");
		detail_int_stored(dt, F, in.bits);
	}
	detail_stored(dt, t, &in, LONG_MIN, e.ulp_exp);
	fpv_errinfo_clear(&e);
	mpfr_clears(x, val, (mpfr_ptr)0);
}

/* Fill the texts of the shown step (cached per step and selection; a
 * vector's per-tensor figures per step). */
void
view_prepare(struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_vec *vec;

	if (t == NULL || t->nsteps == 0)
		return;
	if (v->step >= t->nsteps)
		v->step = t->nsteps - 1;
	vec = view_vec(v);
	if (vec != NULL && v->elem >= vec->n)
		v->elem = vec->n > 0 ? vec->n - 1 : 0;
	if (vec != NULL && vec->n == 0)
		vec = NULL;
	if (!v->cells_valid || v->cells_step != v->step) {
		for (int f = 0; f < fpv_trace_ncols(t); f++)
			fill_cell(v, t, f);
		struct fpv_exact_text d;

		/* The mark is drawn as '~' where the locale is not UTF-8. */
		if (vec != NULL)
			fpv_exact_describe_value(&vec->exact[v->elem], 24, &d);
		else
			fpv_exact_describe(t, v->step, 24, &d);
		fpv_exact_line(&d, v->exact, sizeof v->exact);
		v->cells_valid = true;
		v->cells_step = v->step;
	}
	if (vec != NULL && !v->vfigs_valid) {
		for (int f = 0; f < fpv_trace_ncols(t); f++)
			fill_vfigs(v, t, vec, f);
		v->vfigs_valid = true;
	}
	if (!v->det.valid || v->det.fmt != v->sel || v->det.step != v->step) {
		if (vec != NULL)
			fill_detail_elem(v, t, vec);
		else
			fill_detail(v, t);
	}
}

/* ---- Vectors -------------------------------------------------------- */

/* The vector of the shown step. */
const struct fpv_vec *
view_vec(const struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);

	if (t == NULL || t->nsteps == 0 || v->step >= t->nsteps)
		return NULL;
	return fpv_trace_vec(t, v->step);
}

/* Show element j of the shown vector. */
static void
elem_show(struct fpv_view *v, size_t j)
{
	if (j == v->elem)
		return;
	v->elem = j;
	v->cells_valid = false;
	v->det.valid = false;
	v->dirty |= DIRTY_TOP | DIRTY_BODY;
}

/* Select the element delta away; past the ends, step (the index stays
 * for the next vector shown, to compare an element across steps). */
void
view_elem_move(struct fpv_view *v, long delta)
{
	const struct fpv_vec *vec = view_vec(v);
	size_t n = vec != NULL ? vec->n : 0;

	if (delta > 0 && v->elem + (size_t)delta < n)
		elem_show(v, v->elem + (size_t)delta);
	else if (delta < 0 && v->elem >= (size_t)-delta && n > 0)
		elem_show(v, v->elem - (size_t)-delta);
	else
		view_step(v, delta > 0 ? 1 : -1);
}

/* Select the first or last element; on it already, the first or last
 * step. */
void
view_elem_end(struct fpv_view *v, int where)
{
	const struct fpv_vec *vec = view_vec(v);
	size_t j;

	if (vec == NULL || vec->n == 0) {
		view_step_end(v, where);
		return;
	}
	j = where < 0 ? 0 : vec->n - 1;
	if (j != v->elem)
		elem_show(v, j);
	else
		view_step_end(v, where);
}

/* ---- Sub-steps: a reduction's accumulator, a quantization's blocks -- */

/* Steps of an accumulator kept at once, and how close to the window's
 * edge the selected one may come before it is moved. */
#define ACC_WINDOW 4096
#define ACC_MARGIN 64
/* The longest window a search for other flags records (40 bytes a
 * step). */
#define ACC_SEARCH_MAX ((size_t)1 << 18)

/* Is the shown step a reduction with a scalar result? */
static bool
shown_reduce(const struct fpv_view *v)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_node *n;

	if (t == NULL || t->nsteps == 0 || v->step >= t->nsteps ||
	    fpv_trace_vec(t, v->step) != NULL)
		return false;
	n = &t->ast.nodes[v->step];
	return n->kind == FPV_NODE_FN && n->u.op >= FPV_FN_SUM &&
	    n->u.op <= FPV_FN_LOGSUMEXP && n->u.op != FPV_FN_SOFTMAX &&
	    n->u.op != FPV_FN_SOFTMAX_NAIVE;
}

unsigned
view_shown(const struct fpv_view *v)
{
	unsigned s = 0;

	if (view_vec(v) != NULL)
		s |= FPV_SHOWN_VECTOR;
	if (view_quant(v) != NULL)
		s |= FPV_SHOWN_BLOCKS;
	if (shown_reduce(v))
		s |= FPV_SHOWN_REDUCE;
	return s;
}

/* Record the window from first (clipped); false if out of memory or
 * no reduction. */
static bool
acc_load(struct fpv_view *v, size_t first, size_t count)
{
	struct view_acc *A = &v->acc;
	struct fpv_reduce_step *st = NULL;
	size_t n;

	n = fpv_vec_reduce_window(view_trace(v), v->step, v->sel, first,
	    count, &st, &A->acc, &A->order, &A->total);
	free(A->s);
	A->s = st;
	A->n = n;
	A->first = n > 0 ? (first < A->total ? first : 0) : 0;
	A->step = v->step;
	A->fmt = v->sel;
	A->valid = n > 0;
	return A->valid;
}

/* The window's start that puts step k at its middle. */
static size_t
acc_centre(const struct view_acc *A, size_t k)
{
	size_t f = k > ACC_WINDOW / 2 ? k - ACC_WINDOW / 2 : 0;

	if (A->total > ACC_WINDOW && f > A->total - ACC_WINDOW)
		f = A->total - ACC_WINDOW;
	return f;
}

const struct fpv_reduce_step *
view_acc(struct fpv_view *v, size_t *k)
{
	struct view_acc *A = &v->acc;

	if (!shown_reduce(v))
		return NULL;
	if (!A->valid || A->step != v->step || A->fmt != v->sel) {
		size_t want = A->k != SIZE_MAX && A->kstep == v->step ? A->k : 0;

		/* The first window tells the number of steps. */
		if (!acc_load(v, want > ACC_WINDOW / 2 ? want - ACC_WINDOW / 2 :
		    0, ACC_WINDOW))
			return NULL;
	}
	if (A->k == SIZE_MAX || A->kstep != v->step) {
		A->k = A->start ? 0 : A->total - 1;
		A->kstep = v->step;
	}
	if (A->k >= A->total)
		A->k = A->total - 1;
	/* Keep a margin of steps around the selected one. */
	if (A->k < A->first || A->k >= A->first + A->n ||
	    (A->k - A->first < ACC_MARGIN && A->first > 0) ||
	    (A->first + A->n - A->k <= ACC_MARGIN &&
	    A->first + A->n < A->total)) {
		if (!acc_load(v, acc_centre(A, A->k), ACC_WINDOW))
			return NULL;
	}
	*k = A->k;
	return &A->s[A->k - A->first];
}

const struct fpv_reduce_step *
view_acc_at(const struct fpv_view *v, size_t j)
{
	const struct view_acc *A = &v->acc;

	if (!A->valid || j < A->first || j >= A->first + A->n)
		return NULL;
	return &A->s[j - A->first];
}

/* Select accumulator step j. */
static void
acc_show(struct fpv_view *v, size_t j)
{
	if (j == v->acc.k)
		return;
	v->acc.k = j;
	v->dirty |= DIRTY_BODY;
}

void
view_acc_move(struct fpv_view *v, long delta)
{
	size_t k;

	if (view_acc(v, &k) == NULL) {
		view_step(v, delta > 0 ? 1 : -1);
		return;
	}
	if (delta > 0 && k + (size_t)delta < v->acc.total)
		acc_show(v, k + (size_t)delta);
	else if (delta < 0 && k >= (size_t)-delta)
		acc_show(v, k - (size_t)-delta);
	else
		view_step(v, delta > 0 ? 1 : -1);
}

void
view_acc_end(struct fpv_view *v, int where)
{
	size_t k, j;

	if (view_acc(v, &k) == NULL) {
		view_step_end(v, where);
		return;
	}
	j = where < 0 ? 0 : v->acc.total - 1;
	if (j != k)
		acc_show(v, j);
	else
		view_step_end(v, where);
}

/* Flags that tell steps apart for view_acc_change. */
#define ACC_CHANGE_FLAGS ((1u << FPV_FLAG_COUNT) - 1)

void
view_acc_change(struct fpv_view *v, int dir)
{
	const struct fpv_reduce_step *s;
	size_t k, j, size;
	unsigned fl;

	if ((s = view_acc(v, &k)) == NULL)
		return;
	fl = s->flags & ACC_CHANGE_FLAGS;
	/* Window by window, as far as the reduction goes, each window
	 * (a run of the reduction) twice as long as the one before up to
	 * ACC_SEARCH_MAX steps, so that a long reduction is run again a
	 * few times, not once per window. */
	for (j = k, size = ACC_WINDOW;;) {
		const struct fpv_reduce_step *o;

		if (dir > 0 ? j + 1 >= v->acc.total : j == 0) {
			view_message(v, MSG_INFO, "no %s accumulator step "
			    "with other flags", dir > 0 ? "later" : "earlier");
			return;
		}
		j = dir > 0 ? j + 1 : j - 1;
		if ((o = view_acc_at(v, j)) == NULL) {
			size = 2 * size < ACC_SEARCH_MAX ? 2 * size :
			    ACC_SEARCH_MAX;
			if (!acc_load(v, dir > 0 ? j : j + 1 > size ?
			    j + 1 - size : 0, size) ||
			    (o = view_acc_at(v, j)) == NULL)
				return;
		}
		if ((o->flags & ACC_CHANGE_FLAGS) != fl)
			break;
		if (fpv_interrupted())
			return;
	}
	acc_show(v, j);
}

const struct fpv_quant *
view_quant(const struct fpv_view *v)
{
	const struct fpv_vec *vec = view_vec(v);
	const struct fpv_quant *q;

	if (vec == NULL || vec->quant == NULL || v->sel < 0 ||
	    v->sel >= vec->ncols)
		return NULL;
	q = &vec->quant[v->sel];
	if (q->scheme == NULL || q->scheme->block == 0 || q->nblocks == 0 ||
	    q->block == 0 || q->scale_fmt == NULL)
		return NULL;
	return q;
}

void
view_block_move(struct fpv_view *v, int dir)
{
	const struct fpv_quant *q = view_quant(v);
	size_t b;

	if (q == NULL) {
		view_step(v, dir);
		return;
	}
	b = v->elem / q->block;
	if (dir > 0 && b + 1 < q->nblocks)
		elem_show(v, (b + 1) * q->block);
	else if (dir < 0 && v->elem > b * q->block)
		elem_show(v, b * q->block);
	else if (dir < 0 && b > 0)
		elem_show(v, (b - 1) * q->block);
	else
		view_step(v, dir);
}

/* Show the cells as codes in hex, or as values again. */
void
view_cells_hex(struct fpv_view *v)
{
	v->cellhex = !v->cellhex;
	v->dirty |= DIRTY_BODY;
	view_message(v, MSG_INFO, "vector cells: %s", v->cellhex ?
	    "codes in hex (F3: values)" : "values (F3: codes in hex)");
}

/*
 * Fit the decimal s into tw columns: whole where it fits, else its
 * leading digits and an ellipsis ("..") before the exponent.  The
 * shortest decimal has no trailing zeros, so its leading digits are
 * those of the exact value too.
 */
static void
fit_decimal(const struct fpv_view *v, const char *s, int tw, char *out,
    size_t size)
{
	const char *e = strchr(s, 'e');
	const char *ell = v->utf8 ? "\xe2\x80\xa6" : "..";
	int n = (int)strlen(s), el = e != NULL ? (int)strlen(e) : 0, keep;

	if (n <= tw) {
		snprintf(out, size, "%s", s);
		return;
	}
	keep = tw - el - (v->utf8 ? 1 : 2);
	if (keep < 1)
		keep = 1;
	snprintf(out, size, "%.*s%s%s", keep, s, ell, e != NULL ? e : "");
}

/* The error class of e. */
static enum view_ecls
ecls_of(const struct fpv_errinfo *e)
{
	if (e->zero)
		return ECLS_EXACT;
	if (!e->defined || isnan(e->ulps))
		return ECLS_MORE;
	return e->ulps <= 0.5 ? ECLS_HALF : e->ulps <= 1 ? ECLS_ONE :
	    ECLS_MORE;
}

/* Element j of row f as a strip cell. */
void
view_elem_cell(struct fpv_view *v, int f, size_t j, int tw,
    struct view_elem *out)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_vec *vec = view_vec(v);
	const struct fpv_format *F;
	struct fpv_errinfo e;
	char s[FPV_DEC_SHORT + 8];
	uint64_t b;
	uint32_t fl;
	int sg;

	memset(out, 0, sizeof *out);
	if (t == NULL || vec == NULL || j >= vec->n || f >= vec->ncols)
		return;
	F = fpv_trace_format(t, f);
	b = vec->bits[(size_t)f * vec->n + j];
	fl = vec->flags[(size_t)f * vec->n + j];
	if (v->cellhex) {
		fpv_bits_hex(F, b, s);
		snprintf(out->text, sizeof out->text, "%s", s);
	} else {
		bool rounded;
		size_t len = fpv_dec_value(&t->ctx, F, b, s, &rounded);

		/* The exact value where it fits, else the shortest decimal
		 * that reads back, cut to fit. */
		if (rounded || (int)len > tw)
			fpv_dec_shortest(&t->ctx, F, b, s);
		fit_decimal(v, s, tw, out->text, sizeof out->text);
	}
	if (fl & (FPV_FLAG_SATURATED | FPV_FLAG_OVERFLOW))
		out->mark = EMARK_SATURATED;
	else if (fpv_bits_class(F, b) == FPV_CLASS_ZERO &&
	    ((sg = fpv_exact_sign(&vec->exact[j])) == 1 || sg == -1))
		out->mark = EMARK_UNDERFLOW;
	fpv_errinfo_init(&e);
	e.want = 1;
	elem_error(t, vec, f, j, &e);
	out->cls = ecls_of(&e);
	fpv_errinfo_clear(&e);
}

/* The exact element j as a strip cell: its certified digits within tw
 * columns (a rounding marked), or its state. */
void
view_elem_exact(struct fpv_view *v, size_t j, int tw, struct view_elem *out)
{
	const struct fpv_vec *vec = view_vec(v);
	const char *mark = v->utf8 ? FPV_EXACT_MARK : "~";
	struct fpv_exact_text d;

	memset(out, 0, sizeof *out);
	if (vec == NULL || j >= vec->n)
		return;
	/* The most digits that fit: fewer until the text does. */
	for (int k = tw > 17 ? 17 : tw; k >= 1; k--) {
		fpv_exact_describe_value(&vec->exact[j], k, &d);
		if (d.len == 0 || (int)d.len + (d.rounded ? 1 : 0) <= tw)
			break;
	}
	if (d.len > 0)
		snprintf(out->text, sizeof out->text, "%s%s", d.rounded ?
		    mark : "", d.num);
	else if (d.state == FPV_EXACT_S_NEAR_ZERO)
		snprintf(out->text, sizeof out->text, "%s0", mark);
	else
		snprintf(out->text, sizeof out->text, "%s",
		    d.state == FPV_EXACT_S_UNCERTIFIED ? "?" : "nan");
}

/* Keep a copy of the input line for drawing. */
void
view_set_input(struct fpv_view *v, const char *prompt, const char *text,
    size_t len, size_t point)
{
	if (len + 1 > v->inputcap) {
		size_t cap = v->inputcap ? v->inputcap : 128;
		char *nb;

		while (cap < len + 1)
			cap *= 2;
		if ((nb = realloc(v->input, cap)) == NULL)
			return;
		v->input = nb;
		v->inputcap = cap;
	}
	memcpy(v->input, text, len);
	v->input[len] = '\0';
	v->inputlen = len;
	v->point = point <= len ? point : len;
	snprintf(v->prompt, sizeof v->prompt, "%s", prompt ? prompt : "");
	v->dirty |= DIRTY_INPUT;
}
