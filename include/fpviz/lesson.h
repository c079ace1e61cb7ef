/*
 * Lessons: scripted demonstrations read from plain text files.
 *
 * A lesson file is a list of lines:
 *
 *   # comment                      ignored
 *   title TEXT                     the lesson's title (once, first)
 *   > TEXT                         a caption line for the next item
 *   :COMMAND ...                   a colon command (":set int8.scale 0.1")
 *   select FORMAT                  point at FORMAT's row (see below)
 *   highlight FORMAT...            mark these rows
 *   EXPRESSION                     anything else: an expression to show
 *
 * Consecutive "> " lines form one caption, shown above the expression
 * (or command) that follows them.  "select" and "highlight" belong to
 * the next item too: a select holds from that item on, until the next
 * select (the view selects the row, so the detail pane shows its
 * format; line mode marks the row '>'); a highlight holds for the slide
 * of that item only (the commands up to and with the next expression:
 * the view marks the rows, line mode marks them '*').  Their names must
 * be built-in formats or formats the lesson defines before with
 * ":format NAME ..."; whether they are rows is seen when played.
 * "select = 1" is an assignment, not a directive.  Built-in lessons live in
 * $(pkgdatadir)/lessons and, when running from the build tree, in the
 * source tree's lessons/ folder; a name with a '/' or ending in
 * ".lesson" is a file path.
 */
#ifndef FPVIZ_LESSON_H
#define FPVIZ_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fpviz/num.h"
#include "fpviz/parse.h"

enum fpv_lesson_kind { FPV_LESSON_EXPR, FPV_LESSON_COMMAND };

/* A row a lesson points at: "select NAME" or one name of "highlight". */
struct fpv_lesson_mark {
	bool select;		/* select; else highlight */
	char name[FPV_NAME_MAX];
	int line, col;		/* where the name is in the file */
};

struct fpv_lesson_item {
	enum fpv_lesson_kind kind;
	char *caption;		/* caption lines joined by '\n', or NULL */
	char *text;		/* the expression or command */
	int line;		/* line number in the file */
	struct fpv_lesson_mark *marks;	/* the directives before it, or NULL */
	size_t nmarks;
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

/*
 * What a slide points at: items a..b of l (a run of commands and the
 * expression that ends it, as the view shows them together).  select:
 * the last select of items 0..b (NULL if none); hl: the highlights of
 * items a..b, each name once (at most FPV_COLUMNS_MAX).
 */
struct fpv_lesson_points {
	const struct fpv_lesson_mark *select;
	const struct fpv_lesson_mark *hl[FPV_COLUMNS_MAX];
	int nhl;
};
void fpv_lesson_points(const struct fpv_lesson *l, size_t a, size_t b,
    struct fpv_lesson_points *p);

/*
 * The rows of c's columns that p points at: *sel the selected column
 * (-1 if none is selected), *hl a mask of the highlighted columns (bit
 * k: column k).  Returns the first mark that names no column (NULL if
 * all do): the lesson points at a row that is not shown.
 */
const struct fpv_lesson_mark *fpv_lesson_rows(
    const struct fpv_lesson_points *p, const struct fpv_ctx *c, int *sel,
    uint32_t *hl);

#endif
