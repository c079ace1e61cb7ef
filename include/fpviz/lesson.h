/*
 * Lessons: scripted demonstrations read from plain text files.
 *
 * A lesson file is a list of lines:
 *
 *   # comment                      ignored
 *   title TEXT                     the lesson's title (once, first)
 *   > TEXT                         a caption line for the next item
 *   :COMMAND ...                   a colon command (":set int8.scale 0.1")
 *   EXPRESSION                     anything else: an expression to show
 *
 * Consecutive "> " lines form one caption, shown above the expression
 * (or command) that follows them.  Built-in lessons live in
 * $(pkgdatadir)/lessons and, when running from the build tree, in the
 * source tree's lessons/ folder; a name with a '/' or ending in
 * ".lesson" is a file path.
 */
#ifndef FPVIZ_LESSON_H
#define FPVIZ_LESSON_H

#include <stddef.h>

#include "fpviz/parse.h"

enum fpv_lesson_kind { FPV_LESSON_EXPR, FPV_LESSON_COMMAND };

struct fpv_lesson_item {
	enum fpv_lesson_kind kind;
	char *caption;		/* caption lines joined by '\n', or NULL */
	char *text;		/* the expression or command */
	int line;		/* line number in the file */
};

struct fpv_lesson {
	char *name;		/* "digits", or the path given */
	char *title;
	struct fpv_lesson_item *items;
	size_t n;
};

/*
 * Parse lesson text (name: for messages).  Returns 0, or -1 with *err
 * filled (line and column in the file).
 */
int fpv_lesson_parse(const char *text, size_t len, const char *name,
    struct fpv_lesson *l, struct fpv_error *err);

/*
 * Load a built-in lesson by name, or a lesson file by path.  Returns 0,
 * or -1 with *err filled (line 0 when the file could not be read).
 */
int fpv_lesson_load(const char *name, struct fpv_lesson *l,
    struct fpv_error *err);

/*
 * The built-in lessons as text: one line per lesson, "NAME  TITLE",
 * sorted by name.  malloc'd; NULL if none are found.
 */
char *fpv_lesson_list(void);

void fpv_lesson_free(struct fpv_lesson *l);

#endif
