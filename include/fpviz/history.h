/*
 * The input history kept across runs, shared by the full-screen view and
 * the line-mode REPL.
 *
 * The file is $XDG_STATE_HOME/fpviz/history, or
 * ~/.local/state/fpviz/history when XDG_STATE_HOME is unset, empty or
 * not absolute: plain text, one input line per line, oldest first.
 * Entries live in GNU readline's history list (<readline/history.h>), so
 * that readline's Up/Down keys recall them; this module reads the file
 * into that list and appends each new line to it at once, so a line
 * survives a crash or a kill.
 *
 * History never makes fpviz fail: a file that cannot be read or written,
 * or that is not text, gives one warning (returned as text for the
 * caller to show where it shows messages: the REPL prints it to stderr,
 * the view on its status line) and the session goes on with the history
 * in memory only.
 *
 * Use, in the REPL as in the view:
 *
 *	struct fpv_history h;
 *	char warn[512];
 *
 *	if (fpv_history_open(&h, warn, sizeof warn) != 0)
 *		show warn;
 *	... for each line the user entered:
 *	if (fpv_history_add(&h, line, warn, sizeof warn) != 0)
 *		show warn;
 *	if (fpv_history_close(&h, warn, sizeof warn) != 0)
 *		show warn;
 *
 * Several instances may use the file at once: appending and trimming
 * take a lock (flock on PATH.lock beside the file), and a trim writes a
 * new file and renames it over the old one, so no line is lost.
 */
#ifndef FPVIZ_HISTORY_H
#define FPVIZ_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

/* Lines kept in the file and in memory. */
#define FPV_HISTORY_MAX 1000

struct fpv_history {
	char *path;		/* the history file; NULL when none can be named */
	bool broken;		/* a warning was given: leave the file alone */
	bool dir_made;		/* the file's folder exists (made if needed) */
	size_t nfile;		/* lines in the file, as far as we know */
};

/*
 * The history file's path as described above (malloc'd); NULL when
 * neither XDG_STATE_HOME nor HOME names a folder.
 */
char *fpv_history_path(void);

/*
 * Name the history file and read it into readline's history list.
 * Returns 0, or 1 with a one-line warning in warn[0..size) (the file is
 * then left alone for the rest of the session).  Never fails.
 */
int fpv_history_open(struct fpv_history *h, char *warn, size_t size);

/*
 * Add line to readline's history list (unless it is blank or repeats the
 * previous entry) and append it to the file.  Returns 0, or 1 with a
 * warning the first time the file cannot be written (later lines stay in
 * memory silently).
 */
int fpv_history_add(struct fpv_history *h, const char *line, char *warn,
    size_t size);

/*
 * Trim the file to its last FPV_HISTORY_MAX lines and release h.
 * Returns 0, or 1 with a warning in warn[0..size) if the file could not
 * be trimmed (it is then left as it was).
 */
int fpv_history_close(struct fpv_history *h, char *warn, size_t size);

#endif
