/*
 * Line mode: one input line at a time, answered as text or JSON Lines.
 *
 * The line handler (line.h), shared with the full-screen view, serves
 * batch mode (-e, -f), the line-mode REPL (--plain, stdin not a
 * terminal, TERM=dumb) and lessons played as text: a line is a colon
 * command or an expression, whose result is printed with
 * fpv_render_text or fpv_render_json.
 * A line that fails prints one error line and changes nothing: the
 * session, the last result and the step being shown stay as they were.
 */
#ifndef FPVIZ_REPL_H
#define FPVIZ_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fpviz/command.h"
#include "fpviz/lesson.h"
#include "fpviz/line.h"
#include "fpviz/render.h"
#include "fpviz/trace.h"

/* What fpv_repl_line did with a line. */
enum fpv_repl_status {
	FPV_REPL_OK,		/* evaluated, or nothing to do */
	FPV_REPL_ERROR,		/* an error line was printed */
	FPV_REPL_QUIT,		/* :quit */
	FPV_REPL_READ_ERROR,	/* an input could not be read to its end */
	FPV_REPL_WRITE_ERROR,	/* out could not be written: stop at once */
	FPV_REPL_INTERRUPTED	/* SIGINT (fpv_interrupt): stop the run */
};

struct fpv_repl {
	struct fpv_session *s;
	struct fpv_display *d;		/* d->formats chooses the columns */
	struct fpv_render_opts opts;	/* steps and colour of text output */
	bool json;			/* JSON Lines instead of text */
	bool batch;			/* -e/-f: :set does not re-evaluate */
	bool interactive;		/* a person types: no blank separators */
	bool err_color;			/* colour on error lines */
	FILE *out;			/* results and command replies */
	FILE *err;			/* error lines */
	size_t max_line;		/* longest input line (0: default) */
	int write_error;		/* errno of a failed write to out, or 0 */
	bool had_error;			/* a line had an error (status 1) */
	/* How :lesson NAME finds its lesson: fpv_lesson_load when NULL;
	 * else this function, called with load_arg (lessons held in
	 * memory, as by the session fuzzer).  It returns as
	 * fpv_lesson_load does. */
	int (*load_lesson)(void *load_arg, const char *name,
	    struct fpv_lesson *l, struct fpv_error *err);
	void *load_arg;

	/* Private to repl.c. */
	struct fpv_line line;		/* the line handler: last trace,
					   snapshot, re-evaluation */
	size_t step;			/* step shown by :next / :prev */
	bool printed;			/* something went to out already */
	int lesson_depth;
	const char *cmd;		/* the :lesson command being run (its
					   JSON object), or NULL */
	size_t cmdlen;
	int cmdlineno;
};

/* Set r up over session s and display d; fields default to text on stdout. */
void fpv_repl_init(struct fpv_repl *r, struct fpv_session *s,
    struct fpv_display *d);
void fpv_repl_free(struct fpv_repl *r);

/*
 * Handle one input line line[0..len) (no newline needed; lineno is its
 * 1-based number, for error messages).  FPV_REPL_WRITE_ERROR when out
 * has failed (r->write_error says why): nothing more should be run.
 */
enum fpv_repl_status fpv_repl_line(struct fpv_repl *r, const char *line,
    size_t len, int lineno);

/*
 * Play the lesson name (built-in name or file) as text: each caption,
 * then its command or expression.  Returns FPV_REPL_ERROR if it could
 * not be loaded or an item failed (the others still run).
 */
enum fpv_repl_status fpv_repl_lesson(struct fpv_repl *r, const char *name);

/*
 * Play the lesson l (loaded or parsed already) as text, as
 * fpv_repl_lesson does; l stays the caller's.  FPV_REPL_ERROR if an
 * item failed or a lesson is playing already (a lesson cannot start
 * another).
 */
enum fpv_repl_status fpv_repl_play(struct fpv_repl *r,
    const struct fpv_lesson *l);

/*
 * Handle every line of in (called name in messages) until its end or
 * :quit, read with fpviz/reader.h: a line longer than r->max_line is an
 * error line ("line too long") and the next one still runs; a read
 * error is reported as "fpviz: NAME: why" on r->err.  Returns
 * FPV_REPL_QUIT or FPV_REPL_WRITE_ERROR (stop), FPV_REPL_READ_ERROR
 * (in could not be read to its end), FPV_REPL_ERROR (a line had an
 * error) or FPV_REPL_OK.
 */
enum fpv_repl_status fpv_repl_read(struct fpv_repl *r, FILE *in,
    const char *name);

/*
 * Catch SIGINT for line mode (before fpv_repl_run, fpv_repl_read or
 * fpv_repl_lesson): it sets fpv_interrupt, which stops the evaluation in
 * progress, and a second SIGINT before the first is handled ends the
 * process as SIGINT does.  Reading and running then stop with
 * FPV_REPL_INTERRUPTED; at the interactive prompt an interruption only
 * ends the evaluation (or drops the line being typed) and the prompt
 * comes back.  A SIGINT ignored on entry (nohup, a script's background
 * command) stays ignored.
 */
void fpv_repl_catch_interrupt(void);

/*
 * The line-mode REPL: read lines from in until end of file or :quit,
 * with readline's editing, history and completion when in is a
 * terminal, without a prompt otherwise (through fpv_repl_read).
 * Returns the exit status: 0, or 1 if in could not be read to its end
 * or out could not be written.
 */
int fpv_repl_run(struct fpv_repl *r, FILE *in);

#endif
