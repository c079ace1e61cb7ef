/*
 * Line mode: printing what the line handler (line.c) did with each line,
 * for batch mode, the line-mode REPL and lessons played as text, and the
 * REPL loop with GNU readline (editing, history kept across runs, Tab
 * completion).
 *
 * The handler evaluates, keeps the snapshot and re-evaluates after
 * ":set"; this file only prints results, replies, steps and errors.  In
 * batch mode (and lessons played as text) the handler keeps no snapshot:
 * a :set applies to the lines after it and re-evaluates nothing.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>
#include <readline/history.h>

#include "fpviz/history.h"
#include "fpviz/lesson.h"
#include "fpviz/reader.h"
#include "fpviz/repl.h"
#include "fpviz/safe.h"

/* How deep :lesson may nest inside a lesson. */
#define LESSON_MAX_DEPTH 1

/* Set r up with defaults: text on stdout, errors on stderr. */
void
fpv_repl_init(struct fpv_repl *r, struct fpv_session *s,
    struct fpv_display *d)
{
	memset(r, 0, sizeof *r);
	r->s = s;
	r->d = d;
	r->out = stdout;
	r->err = stderr;
	fpv_line_init(&r->line, s, d);
}

/* Release r. */
void
fpv_repl_free(struct fpv_repl *r)
{
	fpv_line_free(&r->line);
}

/* Before text output: a blank line between blocks when not interactive. */
static void
separate(struct fpv_repl *r)
{
	if (r->printed && !r->interactive && !r->json)
		putc('\n', r->out);
	r->printed = true;
}

/*
 * Write text that came from input, line by line in the safe notation
 * (fpviz/safe.h), each line ended by a newline; with width > 0, a line
 * wider than that broken between words (hang: continued under its
 * second column, as a table of commands and their descriptions).
 */
static void
put_text(FILE *out, const char *text, int width, bool hang)
{
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		fpv_render_line(out, p, n, width, hang);
		p += n + (nl != NULL);
	} while (*p != '\0');
}

/* The prompt of the readline loop. */
#define PROMPT "fpviz> "

/*
 * Under a line just typed at PROMPT (readline echoed it), a caret at
 * the error's column (1-based characters), as the terminal shows the
 * line: tabs to the next multiple of 8, control characters as ^X, one
 * column a character.  Left out when the line (with the prompt) does
 * not fit one screen line, where it would not line up.
 */
static void
caret_line(struct fpv_repl *r, const char *src, size_t len, int col)
{
	int rows = 0, cols = 0, x = (int)strlen(PROMPT), at = -1, c = 1;

	rl_get_screen_size(&rows, &cols);
	for (size_t i = 0; i <= len; i++) {
		unsigned char ch = i < len ? (unsigned char)src[i] : 0;

		if (i < len && (ch & 0xc0) == 0x80)
			continue;	/* inside a character */
		if (c == col)
			at = x;
		if (i == len)
			break;
		c++;
		x = ch == '\t' ? (x / 8 + 1) * 8 : ch < 0x20 || ch == 0x7f ?
		    x + 2 : x + 1;
	}
	if (at < 0 || (cols > 0 && x >= cols))
		return;
	fprintf(r->err, "%*s^\n", at, "");
}

/* Report an error for the line src[0..len). */
static void
report(struct fpv_repl *r, const char *src, size_t len,
    const struct fpv_error *err)
{
	if (r->json) {
		fpv_render_json_error(r->out, src, len, err);
		r->printed = true;
		return;
	}
	/* Keep the order of results and errors when both go to one place. */
	fflush(r->out);
	fpv_render_error(r->err, err, r->err_color);
	fflush(r->err);
}

/* The render options. */
static struct fpv_render_opts
render_opts(const struct fpv_repl *r)
{
	return r->opts;
}

/* Print the result of the last line, which becomes the step shown. */
static void
show_result(struct fpv_repl *r)
{
	const struct fpv_trace *t = fpv_line_trace(&r->line);
	struct fpv_render_opts o = render_opts(r);

	r->step = t->nsteps - 1;
	if (r->json) {
		fpv_render_json(r->out, t, &o);
		r->printed = true;
		return;
	}
	separate(r);
	fpv_render_text(r->out, t, &o);
}

/* Show step r->step of the last trace as a text block; under --json,
 * as the member "step" of the command's object. */
static void
show_step(struct fpv_repl *r)
{
	struct fpv_render_opts o = render_opts(r);

	if (r->json) {
		fputs(", \"step\": ", r->out);
		fpv_render_json_step(r->out, fpv_line_trace(&r->line), r->step,
		    &o);
		return;
	}
	separate(r);
	fpv_render_text_step(r->out, fpv_line_trace(&r->line), r->step, &o);
}

/* A note for the reader; under --json the member "note" of the
 * command's object. */
static void
note(struct fpv_repl *r, const char *what)
{
	if (r->json) {
		fputs(", \"note\": ", r->out);
		fpv_json_string(r->out, what, strlen(what));
		return;
	}
	separate(r);
	fprintf(r->out, "%s\n", what);
}

/* Carry out a command's step action (:next, :prev, :steps). */
static void
step_action(struct fpv_repl *r, enum fpv_cmd_action a)
{
	const struct fpv_trace *t = fpv_line_trace(&r->line);
	struct fpv_render_opts o = render_opts(r);

	if (t == NULL) {
		note(r, "no expression yet: type one first");
		return;
	}
	if (t->lean) {
		char msg[160];

		snprintf(msg, sizeof msg, "the last line's %zu steps were not "
		    "kept (more than %d: its result only; --steps keeps them)",
		    t->nsteps, FPV_TRACE_LEAN_STEPS);
		note(r, msg);
		return;
	}
	switch (a) {
	case FPV_CMD_NEXT:
		if (r->step + 1 >= t->nsteps) {
			note(r, "already at the last step");
			return;
		}
		r->step++;
		show_step(r);
		break;
	case FPV_CMD_PREV:
		if (r->step == 0) {
			note(r, "already at the first step");
			return;
		}
		r->step--;
		show_step(r);
		break;
	default:
		if (r->json) {
			/* The steps array of --json --steps. */
			fputs(", \"steps\": [", r->out);
			for (size_t i = 0; i < t->nsteps; i++) {
				fputs(i ? ", " : "", r->out);
				fpv_render_json_step(r->out, t, i, &o);
			}
			putc(']', r->out);
			r->step = t->nsteps - 1;
			break;
		}
		for (r->step = 0; r->step < t->nsteps; r->step++)
			show_step(r);
		r->step = t->nsteps - 1;
		break;
	}
}

/*
 * Under --json, open the object of the command line[0..len):
 * {"command": LINE and the members of the reply (closed by
 * json_command_close, other members written in between).
 */
static void
json_command_open(struct fpv_repl *r, const char *line, size_t len,
    const struct fpv_cmd_reply *reply)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	fputs("{\"command\": ", r->out);
	fpv_json_string(r->out, line, len);
	if (reply != NULL && reply->json != NULL)
		fprintf(r->out, ", %s", reply->json);
}

/* Close the object json_command_open opened. */
static void
json_command_close(struct fpv_repl *r)
{
	fputs("}\n", r->out);
	r->printed = true;
}

/*
 * Print a command's reply and carry out its action.  Under --json the
 * command gives one object: {"command": LINE, the reply's members, and
 * what its action showed: "step", "steps", "note", or "result" (the
 * object of the line evaluated again after a change of settings)}.  A
 * lesson's object comes before those of its items.
 */
static enum fpv_repl_status
command_done(struct fpv_repl *r, struct fpv_line_result *res,
    const char *line, size_t len, int lineno)
{
	const struct fpv_cmd_reply *reply = &res->reply;
	enum fpv_repl_status st = FPV_REPL_OK;

	if (r->json && reply->action != FPV_CMD_LESSON)
		json_command_open(r, line, len, reply);
	if (reply->text != NULL && !r->json) {
		separate(r);
		if (reply->text[0] != '\0')
			put_text(r->out, reply->text, r->opts.width, true);
	}
	switch (reply->action) {
	case FPV_CMD_QUIT:
		st = FPV_REPL_QUIT;
		break;
	case FPV_CMD_NEXT:
	case FPV_CMD_PREV:
	case FPV_CMD_STEPS:
		step_action(r, reply->action);
		break;
	case FPV_CMD_REEVAL:
		/* The line handler evaluated the last line again. */
		if (res->reeval > 0) {
			if (r->json) {
				struct fpv_render_opts o = render_opts(r);
				const struct fpv_trace *t =
				    fpv_line_trace(&r->line);

				r->step = t->nsteps - 1;
				fputs(", \"result\": ", r->out);
				fpv_render_json_object(r->out, t, &o);
			} else {
				show_result(r);
			}
		} else if (res->reeval < 0) {
			const struct fpv_trace *t = fpv_line_trace(&r->line);

			if (r->json) {
				fputs(", \"result\": ", r->out);
				fpv_render_json_error_object(r->out, t->ast.src,
				    t->ast.len, &res->err);
			} else {
				report(r, t->ast.src, t->ast.len, &res->err);
			}
			st = FPV_REPL_ERROR;
		}
		break;
	case FPV_CMD_LESSON: {
		const char *cmd = r->cmd;
		size_t cmdlen = r->cmdlen;
		int cmdlineno = r->cmdlineno;

		r->cmd = line;
		r->cmdlen = len;
		r->cmdlineno = lineno;
		st = fpv_repl_lesson(r, reply->arg ? reply->arg : "");
		r->cmd = cmd;
		r->cmdlen = cmdlen;
		r->cmdlineno = cmdlineno;
		break;
	}
	case FPV_CMD_NONE:
		break;
	}
	if (r->json && reply->action != FPV_CMD_LESSON)
		json_command_close(r);
	return st;
}

/*
 * Has out failed?  A failed write (stdio flushing a full buffer) sets
 * its error flag; errno, cleared before the line, says why.
 */
static bool
out_failed(struct fpv_repl *r)
{
	if (r->write_error == 0 && ferror(r->out))
		r->write_error = errno != 0 ? errno : EIO;
	return r->write_error != 0;
}

/* Handle one input line. */
enum fpv_repl_status
fpv_repl_line(struct fpv_repl *r, const char *line, size_t len, int lineno)
{
	struct fpv_line_result res;
	enum fpv_repl_status st = FPV_REPL_OK;

	errno = 0;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	/* Batch mode: each line is shown once, a :set re-evaluates nothing. */
	r->line.snapshots = !r->batch;
	/* Without --steps a long line's steps need not be kept: :steps
	 * then says so. */
	r->line.lean_ok = !r->opts.steps;
	if (fpv_interrupted())
		return FPV_REPL_INTERRUPTED;
	fpv_line_run(&r->line, line, len, lineno, &res);
	switch (res.status) {
	case FPV_LINE_NONE:
		break;
	case FPV_LINE_ERROR:
		if (fpv_interrupted()) {
			/* Nothing changed; the caller says so. */
			st = FPV_REPL_INTERRUPTED;
			break;
		}
		/* Typed at the prompt: the caret under the line, the error
		 * after it; Up brings the line back (it is in the history). */
		if (r->interactive && !r->json && res.err.line == lineno) {
			fflush(r->out);
			caret_line(r, line, len, res.err.col);
		}
		report(r, line, len, &res.err);
		st = FPV_REPL_ERROR;
		break;
	case FPV_LINE_VALUE:
		show_result(r);
		break;
	case FPV_LINE_COMMAND:
		st = command_done(r, &res, line, len, lineno);
		break;
	}
	fpv_line_result_free(&res);
	return out_failed(r) ? FPV_REPL_WRITE_ERROR : st;
}

/* Say "fpviz: NAME: what" about an input on r->err. */
static void
input_message(struct fpv_repl *r, const char *name, const char *what)
{
	fflush(r->out);
	fputs("fpviz: ", r->err);
	fpv_safe_write(r->err, name, strlen(name));
	fprintf(r->err, ": %s\n", what);
	fflush(r->err);
}

/* Handle every line of in. */
enum fpv_repl_status
fpv_repl_read(struct fpv_repl *r, FILE *in, const char *name)
{
	struct fpv_reader rd;
	struct fpv_error err;
	enum fpv_repl_status st = FPV_REPL_OK;
	bool flush = isatty(fileno(r->out));
	long lineno = 0;
	char *line;
	size_t len;

	fpv_reader_init(&rd, in, r->max_line);
	for (;;) {
		enum fpv_reader_status rs = fpv_reader_next(&rd, &line, &len);
		enum fpv_repl_status s1;
		int ln = lineno < INT_MAX ? (int)++lineno : INT_MAX;

		if (rs == FPV_READER_EOF)
			break;
		if (fpv_interrupted()) {
			st = FPV_REPL_INTERRUPTED;
			break;
		}
		if (rs == FPV_READER_ERROR) {
			input_message(r, name, strerror(rd.error));
			st = FPV_REPL_READ_ERROR;
			break;
		}
		if (rs == FPV_READER_LINE) {
			s1 = fpv_repl_line(r, line, len, ln);
		} else {
			fpv_reader_too_long(&rd, ln, &err);
			report(r, "", 0, &err);
			s1 = out_failed(r) ? FPV_REPL_WRITE_ERROR :
			    FPV_REPL_ERROR;
		}
		if (flush)
			fflush(r->out);
		if (s1 == FPV_REPL_QUIT || s1 == FPV_REPL_WRITE_ERROR ||
		    s1 == FPV_REPL_INTERRUPTED) {
			st = s1;
			break;
		}
		if (s1 == FPV_REPL_ERROR) {
			st = s1;
			r->had_error = true;
		}
		if (rs == FPV_READER_ENDLESS) {
			char what[128];

			snprintf(what, sizeof what, "line %d goes on for more "
			    "than %zu bytes: stopped reading it", ln,
			    rd.max + FPV_READER_SKIP_MAX);
			input_message(r, name, what);
			st = FPV_REPL_READ_ERROR;
			break;
		}
	}
	fpv_reader_free(&rd);
	return st;
}

/*
 * Mark the rows the slide of items a..b of lesson l points at in the
 * next table (its expression, item b, is evaluated in the session's
 * columns); a name that is not a row is a warning.
 */
static void
point(struct fpv_repl *r, const struct fpv_lesson *l, size_t a, size_t b)
{
	struct fpv_lesson_points p;
	const struct fpv_lesson_mark *m;
	int sel;

	fpv_lesson_points(l, a, b, &p);
	m = fpv_lesson_rows(&p, &r->s->ctx, &sel, &r->opts.highlighted);
	r->opts.selected = sel >= 0 ? (uint32_t)1 << sel : 0;
	if (m != NULL) {
		fflush(r->out);
		fprintf(r->err, "warning: %d:%d: ", m->line, m->col);
		fpv_safe_write(r->err, l->name, strlen(l->name));
		fprintf(r->err, ": %s is not a row here\n", m->name);
		fflush(r->err);
	}
}

/* The 1-based column of the argument of the command r->cmd (":lesson
 * NAME"), in characters. */
static int
cmd_arg_column(const struct fpv_repl *r)
{
	size_t i = 0;
	int col = 1;

	while (i < r->cmdlen && (r->cmd[i] == ' ' || r->cmd[i] == '\t'))
		i++;
	while (i < r->cmdlen && r->cmd[i] != ' ' && r->cmd[i] != '\t')
		i++;
	while (i < r->cmdlen && (r->cmd[i] == ' ' || r->cmd[i] == '\t'))
		i++;
	for (size_t k = 0; k < i; k++)
		if (((unsigned char)r->cmd[k] & 0xc0) != 0x80)
			col++;
	return col;
}

/*
 * A lesson that cannot be played.  Under --json, for a :lesson command,
 * the command's error object (at its argument; a problem in a lesson
 * file names the file's line and column in the message); else what
 * plain does, err (a located error in the lesson file) or "fpviz: MSG".
 */
static void
lesson_error(struct fpv_repl *r, const char *name, const struct fpv_error *err,
    const char *msg)
{
	fflush(r->out);
	if (r->json && r->cmd != NULL) {
		struct fpv_error e;

		memset(&e, 0, sizeof e);
		e.line = r->cmdlineno;
		e.col = cmd_arg_column(r);
		if (err != NULL && err->line > 0) {
			/* A long name cuts the message. */
			if (snprintf(e.msg, sizeof e.msg, "%s:%d:%d: %s", name,
			    err->line, err->col, err->msg) >= (int)sizeof e.msg)
				e.msg[sizeof e.msg - 1] = '\0';
		} else
			snprintf(e.msg, sizeof e.msg, "%s",
			    err != NULL ? err->msg : msg);
		fpv_render_json_error(r->out, r->cmd, r->cmdlen, &e);
		r->printed = true;
		return;
	}
	if (err != NULL && err->line > 0) {
		fpv_render_error(r->err, err, r->err_color);
	} else {
		fputs("fpviz: ", r->err);
		put_text(r->err, err != NULL ? err->msg : msg, 0, false);
	}
	fflush(r->err);
}

/* Under --json, :lesson list's object: "lessons": [{"name", "title"}]
 * from the list's lines ("NAME  TITLE"). */
static void
json_lesson_list(struct fpv_repl *r, const char *list)
{
	bool first = true;

	json_command_open(r, r->cmd, r->cmdlen, NULL);
	fputs(", \"lessons\": [", r->out);
	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, "\n"), w = strcspn(p, " \t\n"), t = w;

		while (t < n && (p[t] == ' ' || p[t] == '\t'))
			t++;
		if (w > 0) {
			fputs(first ? "{\"name\": " : ", {\"name\": ", r->out);
			fpv_json_string(r->out, p, w);
			fputs(", \"title\": ", r->out);
			fpv_json_string(r->out, p + t, n - t);
			putc('}', r->out);
			first = false;
		}
		p += n + (p[n] == '\n');
	}
	putc(']', r->out);
	json_command_close(r);
}

/* Play a lesson as text (under --json, its items' objects). */
enum fpv_repl_status
fpv_repl_lesson(struct fpv_repl *r, const char *name)
{
	struct fpv_lesson l;
	struct fpv_error err;
	enum fpv_repl_status st;
	int rc;

	if (strcmp(name, "list") == 0) {
		char *list = fpv_lesson_list();

		if (list == NULL) {
			lesson_error(r, name, NULL, "no built-in lessons found");
			return FPV_REPL_ERROR;
		}
		if (!r->json) {
			separate(r);
			put_text(r->out, list, r->opts.width, true);
		} else if (r->cmd != NULL) {
			json_lesson_list(r, list);
		}
		free(list);
		return FPV_REPL_OK;
	}
	if (r->lesson_depth >= LESSON_MAX_DEPTH) {
		lesson_error(r, name, NULL,
		    "a lesson cannot start another lesson");
		return FPV_REPL_ERROR;
	}
	rc = r->load_lesson != NULL ?
	    r->load_lesson(r->load_arg, name, &l, &err) :
	    fpv_lesson_load(name, &l, &err);
	if (rc < 0) {
		lesson_error(r, name, &err, NULL);
		return FPV_REPL_ERROR;
	}
	st = fpv_repl_play(r, &l);
	fpv_lesson_free(&l);
	return st;
}

/* Play a loaded lesson as text. */
enum fpv_repl_status
fpv_repl_play(struct fpv_repl *r, const struct fpv_lesson *l)
{
	struct fpv_line_state start;
	enum fpv_repl_status st = FPV_REPL_OK;
	bool batch = r->batch;
	size_t step = r->step, a = 0;

	if (r->lesson_depth >= LESSON_MAX_DEPTH) {
		lesson_error(r, l->name, NULL,
		    "a lesson cannot start another lesson");
		return FPV_REPL_ERROR;
	}
	/* The lesson's settings and variables are its own: those before it
	 * come back at its end, with the last line. */
	if (fpv_line_enter(&r->line, &start) < 0) {
		lesson_error(r, l->name, NULL, "out of memory");
		return FPV_REPL_ERROR;
	}
	if (r->json && r->cmd != NULL) {
		/* The command's object, then its items'. */
		json_command_open(r, r->cmd, r->cmdlen, NULL);
		fputs(", \"lesson\": ", r->out);
		fpv_json_string(r->out, l->name, strlen(l->name));
		fputs(", \"title\": ", r->out);
		fpv_json_string(r->out, l->title, strlen(l->title));
		json_command_close(r);
	}
	r->lesson_depth++;
	/* Items are shown once each: a :set does not show the last one again. */
	r->batch = true;
	if (!r->json) {
		separate(r);
		fputs("== ", r->out);
		fpv_safe_write(r->out, l->title, strlen(l->title));
		fputs(" ==\n", r->out);
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct fpv_lesson_item *it = &l->items[i];
		enum fpv_repl_status s1;

		if (!r->json) {
			separate(r);
			if (it->caption != NULL)
				put_text(r->out, it->caption, r->opts.width,
				    false);
			if (it->kind == FPV_LESSON_COMMAND)
				put_text(r->out, it->text, r->opts.width, false);
			/* The table follows its caption without a blank line. */
			r->printed = false;
		}
		if (it->kind == FPV_LESSON_EXPR) {
			point(r, l, a, i);
			a = i + 1;
		}
		s1 = fpv_repl_line(r, it->text, strlen(it->text), it->line);
		r->opts.selected = r->opts.highlighted = 0;
		r->printed = true;
		if (s1 == FPV_REPL_QUIT || s1 == FPV_REPL_WRITE_ERROR ||
		    s1 == FPV_REPL_INTERRUPTED) {
			st = s1;
			break;
		}
		if (s1 == FPV_REPL_ERROR)
			st = s1;
	}
	r->batch = batch;
	r->lesson_depth--;
	fpv_line_leave(&r->line, &start);
	fpv_line_state_free(&start);
	r->step = step;
	return st;
}

/* ---- Completion ------------------------------------------------------- */

/* The REPL whose session completion reads. */
static struct fpv_repl *complete_repl;
/* The candidates of the completion in progress. */
static char **complete_cands;

/* readline's generator: the next candidate (they all begin with text). */
static char *
complete_next(const char *text, int state)
{
	static size_t k;

	(void)text;
	if (state == 0)
		k = 0;
	if (complete_cands == NULL || complete_cands[k] == NULL)
		return NULL;
	return strdup(complete_cands[k++]);
}

/* Complete commands and their arguments, functions, casts, constants
 * and variables (the candidates of fpv_complete). */
static char **
complete(const char *text, int start, int end)
{
	char append, **m;

	(void)end;
	rl_attempted_completion_over = 1;
	complete_cands = fpv_complete_list(complete_repl->s, rl_line_buffer,
	    (size_t)start, text, strlen(text), &append);
	m = rl_completion_matches(text, complete_next);
	fpv_complete_free(complete_cands);
	complete_cands = NULL;
	/* Functions and casts carry their '(' already. */
	if (append == 0)
		rl_completion_suppress_append = 1;
	else
		rl_completion_append_character = append;
	return m;
}

/* ---- The loop --------------------------------------------------------- */

/* SIGINT in line mode (fpv_repl_catch_interrupt). */
static void
on_sigint(int sig)
{
	if (fpv_interrupt) {
		/* Asked twice: stop now, as SIGINT does. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fpv_interrupt = 1;
}

/* Catch SIGINT: no SA_RESTART, so a blocked read or poll returns.  A
 * SIGINT ignored when fpviz started (nohup, a script's background
 * command) stays ignored. */
void
fpv_repl_catch_interrupt(void)
{
	struct sigaction sa, old;

	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
}

/* The interactive loop's state, for readline's line handler. */
static struct {
	struct fpv_repl *r;
	struct fpv_history *h;
	int lineno;
	bool stop;		/* :quit, end of input or a write error */
	int status;
} rl_loop;

/* Print a warning about the history file (its name in the safe notation). */
static void
history_warning(const char *warn)
{
	fputs("fpviz: ", stderr);
	fpv_safe_write(stderr, warn, strlen(warn));
	putc('\n', stderr);
}

/* readline's line handler: run one typed line (NULL: end of input). */
static void
on_line(char *line)
{
	struct fpv_repl *r = rl_loop.r;
	enum fpv_repl_status st;
	char warn[512];

	if (line == NULL) {
		fputc('\n', rl_outstream);
		rl_loop.stop = true;
		rl_callback_handler_remove();
		return;
	}
	if (fpv_history_add(rl_loop.h, line, warn, sizeof warn) != 0)
		history_warning(warn);
	st = fpv_repl_line(r, line, strlen(line),
	    rl_loop.lineno < INT_MAX ? ++rl_loop.lineno : INT_MAX);
	free(line);
	if (st == FPV_REPL_INTERRUPTED) {
		/* The evaluation stopped; the session is as it was. */
		fpv_interrupt = 0;
		fflush(r->out);
		fputs("interrupted\n", r->err);
		fflush(r->err);
	}
	if (fflush(r->out) != 0 && out_failed(r))
		st = FPV_REPL_WRITE_ERROR;
	if (st == FPV_REPL_WRITE_ERROR)
		rl_loop.status = 1;
	if (st == FPV_REPL_QUIT || st == FPV_REPL_WRITE_ERROR) {
		rl_loop.stop = true;
		rl_callback_handler_remove();
	}
}

/* Ctrl-C at the prompt: drop the line being typed, prompt again. */
static void
drop_line(void)
{
	rl_callback_sigcleanup();
	rl_free_line_state();
	rl_replace_line("", 0);
	fputs("^C", rl_outstream);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/*
 * Read lines with readline until end of file or :quit.  readline's
 * callback interface, with poll() on the input, lets SIGINT (which
 * readline leaves to us) end the line being typed or, through
 * fpv_interrupt, the evaluation in progress.
 */
static int
run_readline(struct fpv_repl *r, FILE *in)
{
	struct fpv_history h;
	char warn[512];

	rl_readline_name = "fpviz";
	rl_instream = in;
	rl_outstream = isatty(STDOUT_FILENO) ? stdout : stderr;
	rl_catch_signals = 0;
	rl_attempted_completion_function = complete;
	/* ':' and '.' belong to words (":set", "int8.scale"). */
	rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/^)";
	complete_repl = r;
	if (fpv_history_open(&h, warn, sizeof warn) != 0)
		history_warning(warn);
	memset(&rl_loop, 0, sizeof rl_loop);
	rl_loop.r = r;
	rl_loop.h = &h;
	fpv_repl_catch_interrupt();
	rl_callback_handler_install(PROMPT, on_line);
	while (!rl_loop.stop) {
		struct pollfd p = { fileno(in), POLLIN, 0 };

		if (poll(&p, 1, -1) < 0) {
			if (errno != EINTR)
				break;
			if (fpv_interrupted()) {
				fpv_interrupt = 0;
				drop_line();
			}
			continue;
		}
		rl_callback_read_char();
	}
	if (!rl_loop.stop)
		rl_callback_handler_remove();
	if (fpv_history_close(&h, warn, sizeof warn) != 0)
		history_warning(warn);
	complete_repl = NULL;
	return rl_loop.status;
}

/* Run the line-mode REPL. */
int
fpv_repl_run(struct fpv_repl *r, FILE *in)
{
	enum fpv_repl_status st;

	if (isatty(fileno(in))) {
		r->interactive = true;
		return run_readline(r, in);
	}
	/* Without a terminal the input is a script: as with -f, a line
	 * with an error makes the status 1. */
	st = fpv_repl_read(r, in, "standard input");
	return (st == FPV_REPL_OK || st == FPV_REPL_QUIT) && !r->had_error ?
	    0 : 1;
}
