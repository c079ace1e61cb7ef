/*
 * The full-screen view: an ncurses stepper with a readline input line.
 *
 * This is all main.c needs; the view's insides are in
 * fpviz/view-impl.h.  Nothing here includes curses or readline.
 */
#ifndef FPVIZ_VIEW_H
#define FPVIZ_VIEW_H

#include <stdbool.h>
#include <stddef.h>

struct fpv_session;
struct fpv_display;

/*
 * True if the full-screen view can run: standard input and output are
 * terminals, TERM is set, is not "dumb", and the terminal database knows
 * it (with cursor addressing).  When both are terminals but TERM is what
 * stands in the way, why (if not NULL) gets a one-line notice saying so
 * and how to fix it ("TERM=foo has no terminfo entry; using line mode
 * (set TERM or use --plain)"), TERM's value in the safe notation;
 * otherwise why is made empty.
 */
bool fpv_view_usable(char *why, size_t size);

/*
 * Run the view until the user quits, in session s with display settings
 * d (both stay the caller's and keep what the user changed).  The
 * initial lines, if any, are entered first as if typed (expressions and
 * colon commands; errors are shown, not fatal), and the last result is
 * shown.  Returns the exit status: 0 after :quit or Ctrl-D, 1 if the
 * terminal could not be set up (a message went to stderr, saying that
 * line mode follows).  SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT restore the terminal and end the process
 * by that signal.
 */
int fpv_view_run(struct fpv_session *s, struct fpv_display *d,
    const char *const *initial_lines, size_t ninitial);

/*
 * As fpv_view_run, starting lesson (a built-in lesson's name or a lesson
 * file, as fpv_lesson_load takes).  A lesson that cannot be loaded is
 * reported on the status line.
 */
int fpv_view_run_lesson(struct fpv_session *s, struct fpv_display *d,
    const char *lesson);

#endif
