/*
 * Input lines of bounded length, with honest failures.
 *
 * A reader hands out the lines of a FILE* one at a time, each without
 * its newline and NUL-terminated, in a buffer it owns and reuses.  A
 * line may hold at most max bytes (FPV_READER_MAX_DEFAULT, 16 MiB,
 * unless told otherwise); a longer one is not stored: the reader skips
 * the rest of it and says FPV_READER_TOO_LONG, and the next line is
 * read as usual.  So the reader never holds more than max + 1 bytes,
 * whatever the input.
 *
 * Skipping a regular file's line always ends.  On any other input (a
 * pipe, a terminal, a device such as /dev/zero) a line may never end, so
 * at most FPV_READER_SKIP_MAX bytes past the maximum are skipped: a line
 * still going on then is FPV_READER_ENDLESS, and the reader reads no
 * more of that input.
 *
 * A read error (and running out of memory for a line) is
 * FPV_READER_ERROR with the errno value in r->error, never taken for the
 * end of the input; the reader reads no more after it.
 *
 * The reader reads fp with fgets, so a line is handed out as soon as
 * its newline has arrived, even on a pipe that is kept open; NUL bytes
 * are part of the line like any other.
 */
#ifndef FPVIZ_READER_H
#define FPVIZ_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fpviz/parse.h"

/* The default maximum line length in bytes (16 MiB). */
#define FPV_READER_MAX_DEFAULT ((size_t)16 << 20)
/* The largest maximum line length that may be asked for (1 GiB). */
#define FPV_READER_MAX_LIMIT ((size_t)1 << 30)
/* Bytes of a too-long line skipped on an input that is not a regular
 * file before the reader gives up (64 MiB). */
#define FPV_READER_SKIP_MAX ((size_t)64 << 20)

enum fpv_reader_status {
	FPV_READER_LINE,	/* a line in *line[0..*len) */
	FPV_READER_TOO_LONG,	/* a line longer than max, skipped */
	FPV_READER_ENDLESS,	/* a too-long line that did not end: stop */
	FPV_READER_EOF,		/* the end of the input */
	FPV_READER_ERROR	/* a read error (r->error): stop */
};

struct fpv_reader {
	FILE *fp;
	size_t max;		/* the longest line, in bytes */
	int error;		/* errno of FPV_READER_ERROR */

	/* Private to reader.c. */
	bool regular;		/* fp is a regular file */
	bool done;		/* no more reading: end, error or endless */
	char *buf;
	size_t cap;		/* allocated bytes of buf, at most max + 1 */
	size_t dirty;		/* buf[dirty..cap) was not written since
				   it was filled (reader.c) */
};

/*
 * Start reading fp (which the reader does not close) with lines of at
 * most max bytes (0: FPV_READER_MAX_DEFAULT; at most
 * FPV_READER_MAX_LIMIT).
 */
void fpv_reader_init(struct fpv_reader *r, FILE *fp, size_t max);

/*
 * The next line: FPV_READER_LINE with *line (NUL-terminated, valid until
 * the next call) and *len, or another status (*line and *len unset).
 * After FPV_READER_EOF, _ENDLESS or _ERROR every call says
 * FPV_READER_EOF.
 */
enum fpv_reader_status fpv_reader_next(struct fpv_reader *r, char **line,
    size_t *len);

/*
 * The located error of line lineno when it was too long (or endless):
 * "line too long (more than N bytes)" at column 1.
 */
void fpv_reader_too_long(const struct fpv_reader *r, int lineno,
    struct fpv_error *err);

/*
 * Read a maximum line length: a positive integer, optionally followed by
 * K, M or G (binary multiples: 16M is 16777216), at most
 * FPV_READER_MAX_LIMIT.  Returns 0, or -1 with a reason in *why.
 */
int fpv_reader_parse_max(const char *s, size_t *max, const char **why);

/* Release the reader's buffer. */
void fpv_reader_free(struct fpv_reader *r);

#endif
