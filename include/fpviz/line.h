/*
 * The line handler: what every front end (batch mode, the line-mode
 * REPL, the full-screen view, lessons) does with one input line.
 *
 * A line is a colon command (leading blanks, then ':') run through
 * fpv_command_run, or an expression evaluated into a trace.  The handler
 * owns the last evaluated trace, the variables as they were before that
 * line (its snapshot), and re-evaluation: after a command that changed
 * the settings (":set round up"), the last line is evaluated again from
 * its snapshot, as if it had been typed under the new settings, so that
 * "x = x + 1" or ans do not compound.  A line that fails changes
 * nothing: the session, the trace and the snapshot stay as they were.
 * Front ends only print or draw what it reports.
 *
 * The handler also keeps whole states (settings, display and variables),
 * which a lesson restores when it goes back to a slide, and scopes a
 * lesson: fpv_line_enter keeps the state before it, last line included,
 * and fpv_line_leave puts all of it back, so that nothing a lesson set
 * (settings, rows, format definitions, variables) outlives it.
 *
 * Ownership: a struct fpv_line borrows its session and display (which
 * outlive it) and owns its traces and snapshot; fpv_line_free releases
 * them.
 */
#ifndef FPVIZ_LINE_H
#define FPVIZ_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "fpviz/command.h"
#include "fpviz/trace.h"

struct fpv_line {
	struct fpv_session *s;
	struct fpv_display *d;
	bool snapshots;		/* keep a snapshot for re-evaluation (default);
				   false (batch mode, lessons played as text):
				   commands never re-evaluate */
	bool lean_ok;		/* nobody will look at a line's steps (text
				   and JSON without them): a long line may
				   keep its result only (fpv_trace.lean) */

	/* Private to line.c. */
	struct fpv_trace tr[2];	/* tr[cur]: the last line; the other one
				   takes the next, and replaces it only on
				   success */
	int cur;
	bool have;		/* tr[cur] holds a result */
	struct fpv_var *snap;	/* the variables before tr[cur]'s line */
	size_t nsnap;
	bool have_snap;
};

/* What fpv_line_run did with a line. */
enum fpv_line_status {
	FPV_LINE_NONE,		/* empty, or only a comment */
	FPV_LINE_VALUE,		/* an expression: fpv_line_trace is its trace */
	FPV_LINE_COMMAND,	/* a command: reply (and reeval) */
	FPV_LINE_ERROR		/* err; nothing changed */
};

struct fpv_line_result {
	enum fpv_line_status status;
	struct fpv_cmd_reply reply;	/* FPV_LINE_COMMAND */
	/* FPV_LINE_COMMAND whose reply asked to re-evaluate: 1 when the
	 * last line was evaluated again (fpv_line_trace is the new
	 * result), -1 when that failed (err), 0 when not done (nothing to
	 * re-evaluate, or snapshots off). */
	int reeval;
	struct fpv_error err;
};

/* Settings, display and variables, as a lesson keeps them; after
 * fpv_line_enter, also the last line from before the lesson. */
struct fpv_line_state {
	struct fpv_ctx ctx;
	struct fpv_display d;
	struct fpv_var *vars;
	size_t nvars;
	/* Private to line.c: the last line moved here by fpv_line_enter. */
	bool have;		/* tr holds a result */
	struct fpv_trace tr;
	struct fpv_var *snap;	/* its snapshot */
	size_t nsnap;
	bool have_snap;
};

/* Set l up over session s and display d (nothing evaluated yet). */
void fpv_line_init(struct fpv_line *l, struct fpv_session *s,
    struct fpv_display *d);
void fpv_line_free(struct fpv_line *l);

/* The last evaluated line's trace, or NULL before the first. */
const struct fpv_trace *fpv_line_trace(const struct fpv_line *l);

/*
 * Handle one line src[0..len) (a trailing newline is ignored; lineno is
 * its 1-based number, for error messages): a command or an expression,
 * re-evaluating after a command that asks for it (when snapshots are
 * on).  Fills *res; release it with fpv_line_result_free.
 */
void fpv_line_run(struct fpv_line *l, const char *src, size_t len,
    int lineno, struct fpv_line_result *res);
void fpv_line_result_free(struct fpv_line_result *res);

/*
 * Evaluate the expression line src[0..len).  On success (1) its trace
 * is fpv_line_trace and, with snapshots on, the variables before it are
 * the snapshot.  Returns 0 for an empty line, -1 on error with *err
 * filled (nothing changed).
 */
int fpv_line_eval(struct fpv_line *l, const char *src, size_t len,
    int lineno, struct fpv_error *err);

/*
 * Evaluate src[0..len) only for its effect on the variables (a lesson
 * replaying the slides before the one it shows): the trace and the
 * snapshot stay.  Returns as fpv_line_eval.
 */
int fpv_line_replay(struct fpv_line *l, const char *src, size_t len,
    int lineno, struct fpv_error *err);

/*
 * Evaluate the last line again under the session's current settings,
 * from the variables it started with (its snapshot, when there is one;
 * without snapshots, from the variables as they are).  Returns 1
 * (fpv_line_trace is the new result), 0 when there is no last line, -1
 * on error with *err filled (nothing changed).
 */
int fpv_line_reeval(struct fpv_line *l, struct fpv_error *err);

/*
 * Run the command line src[0..len) (leading blanks, then ':'), without
 * carrying out its action: fills *r as fpv_command_run does; a command
 * that changed the variables (":clear") ends re-evaluation (the
 * snapshot is dropped).  Returns 0, or -1 with *err filled.
 */
int fpv_line_command(struct fpv_line *l, const char *src, size_t len,
    int lineno, struct fpv_cmd_reply *r, struct fpv_error *err);

/* Keep the session's settings, the display and the variables in *st;
 * 0, or -1 if out of memory (*st then holds nothing and needs no
 * fpv_line_state_free). */
int fpv_line_save(const struct fpv_line *l, struct fpv_line_state *st);

/* Give the session and display the state *st (which stays); 0, or -1 if
 * out of memory (nothing changed).  The snapshot is dropped. */
int fpv_line_restore(struct fpv_line *l, const struct fpv_line_state *st);

/* Release a kept state. */
void fpv_line_state_free(struct fpv_line_state *st);

/*
 * A lesson starts: keep the whole state in *st as fpv_line_save does,
 * and move the last line (its trace and snapshot) there too, so the
 * handler has no last line (fpv_line_trace is NULL) until the lesson
 * shows one.  0, or -1 if out of memory (nothing changed; *st needs no
 * fpv_line_state_free).
 */
int fpv_line_enter(struct fpv_line *l, struct fpv_line_state *st);

/*
 * The lesson ends: give the session and display the state *st as
 * fpv_line_restore does, and the handler back the last line it had
 * before fpv_line_enter (or none); *st keeps the settings and variables
 * and no longer holds a line.  0, or -1 if out of memory (then the
 * settings and the last line are back, the variables as the lesson left
 * them).
 */
int fpv_line_leave(struct fpv_line *l, struct fpv_line_state *st);

#endif
