/*
 * Input lines of bounded length (see fpviz/reader.h).  Owns the line
 * buffer of struct fpv_reader, which grows by doubling up to max + 1
 * bytes and is reused from line to line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fpviz/reader.h"

/* First size of the line buffer. */
#define FIRST_CAP 4096
/* What the buffer holds where no read has written since it was last
 * cleaned: neither a newline nor a NUL, so that the NUL fgets writes
 * after what it read is the last one in the buffer. */
#define FILL 'x'

/* Start reading fp. */
void
fpv_reader_init(struct fpv_reader *r, FILE *fp, size_t max)
{
	struct stat st;

	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->max = max == 0 ? FPV_READER_MAX_DEFAULT :
	    max > FPV_READER_MAX_LIMIT ? FPV_READER_MAX_LIMIT : max;
	r->regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
}

/* Release the buffer. */
void
fpv_reader_free(struct fpv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

/* Stop reading after a read error; the status to return. */
static enum fpv_reader_status
failed(struct fpv_reader *r, int e)
{
	r->error = e != 0 ? e : EIO;
	r->done = true;
	return FPV_READER_ERROR;
}

/* Room for at least one more byte than n (and the NUL); 0 or -1. */
static int
grow(struct fpv_reader *r, size_t n)
{
	size_t cap = r->cap ? 2 * r->cap : FIRST_CAP;
	char *b;

	if (cap > r->max + 1)
		cap = r->max + 1;
	if (cap <= n + 1)
		cap = n + 2;
	if ((b = realloc(r->buf, cap)) == NULL)
		return -1;
	memset(b + r->cap, FILL, cap - r->cap);
	r->buf = b;
	r->cap = cap;
	return 0;
}

/* Skip the rest of a line longer than the maximum. */
static enum fpv_reader_status
skip(struct fpv_reader *r)
{
	FILE *fp = r->fp;
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(fp)) != '\n') {
		if (c == EOF) {
			if (ferror(fp))
				return failed(r, errno);
			break;
		}
		if (++n > FPV_READER_SKIP_MAX && !r->regular) {
			r->done = true;
			return FPV_READER_ENDLESS;
		}
	}
	return FPV_READER_TOO_LONG;
}

/*
 * Read at most k bytes of a line into r->buf + n with fgets (which takes
 * them from stdio's buffer with memchr and memcpy, far cheaper than a
 * byte at a time); returns how many it read, *nl when the last was the
 * newline, or (size_t)-1 when nothing could be read (end or error).
 * Lines may hold NUL bytes: the buffer beyond what was read is FILL, so
 * the end of what was read is the newline or else the last NUL.
 */
static size_t
read_part(struct fpv_reader *r, size_t n, size_t k, bool *nl)
{
	char *b = r->buf + n;
	const char *p;

	if (r->dirty > n)
		memset(b, FILL, r->dirty - n);
	r->dirty = n;
	*nl = false;
	if (fgets(b, (int)(k + 1), r->fp) == NULL)
		return (size_t)-1;
	if ((p = memchr(b, '\n', k)) != NULL) {
		*nl = true;
		r->dirty = n + (size_t)(p - b) + 2;
		return (size_t)(p - b) + 1;
	}
	/* No newline (the end of the input, or k bytes): the last NUL. */
	while (k > 0 && b[k] != '\0')
		k--;
	r->dirty = n + k + 1;
	return k;
}

/* The next line. */
enum fpv_reader_status
fpv_reader_next(struct fpv_reader *r, char **line, size_t *len)
{
	FILE *fp = r->fp;
	size_t n = 0;
	int c;

	if (r->done)
		return FPV_READER_EOF;
	errno = 0;
	if (r->buf == NULL && grow(r, 0) < 0)
		return failed(r, ENOMEM);
	for (;;) {
		/* Bytes that fit: the buffer's and the limit's. */
		size_t lim = r->cap - 1, k;
		bool nl;

		if (lim > r->max)
			lim = r->max;
		if (n < lim) {
			k = read_part(r, n, lim - n, &nl);
			if (k == (size_t)-1)
				goto end;
			if (nl) {
				n += k - 1;
				goto line;
			}
			n += k;
			if (n < lim)	/* the end came before a newline */
				goto end;
		}
		if (n == r->max) {
			/* Full: the line is too long unless it ends here. */
			c = getc_unlocked(fp);
			if (c == '\n' || c == EOF)
				goto end;
			return skip(r);
		}
		if (grow(r, n) < 0)
			return failed(r, ENOMEM);
	}
end:
	if (ferror(fp))
		return failed(r, errno);
	if (n == 0) {
		r->done = true;
		return FPV_READER_EOF;
	}
line:
	r->buf[n] = '\0';
	*line = r->buf;
	*len = n;
	return FPV_READER_LINE;
}

/* The located error of a line that was too long. */
void
fpv_reader_too_long(const struct fpv_reader *r, int lineno,
    struct fpv_error *err)
{
	err->line = lineno;
	err->col = 1;
	snprintf(err->msg, sizeof err->msg,
	    "line too long (more than %zu bytes)", r->max);
}

/* Read a maximum line length. */
int
fpv_reader_parse_max(const char *s, size_t *max, const char **why)
{
	unsigned long long v = 0;
	const char *p = s;
	int shift = 0;

	if (*p < '0' || *p > '9') {
		*why = "expected a number of bytes, such as 1048576 or 16M";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > FPV_READER_MAX_LIMIT)
			break;
	}
	if (*p >= '0' && *p <= '9') {
		*why = "more than the limit of 1073741824 bytes (1G)";
		return -1;
	}
	switch (*p) {
	case 'K': case 'k': shift = 10; p++; break;
	case 'M': case 'm': shift = 20; p++; break;
	case 'G': case 'g': shift = 30; p++; break;
	default: break;
	}
	if (*p != '\0') {
		*why = "expected a number of bytes, such as 1048576 or 16M";
		return -1;
	}
	if (v == 0) {
		*why = "a line must be allowed at least one byte";
		return -1;
	}
	if (v > (FPV_READER_MAX_LIMIT >> shift)) {
		*why = "more than the limit of 1073741824 bytes (1G)";
		return -1;
	}
	*max = (size_t)v << shift;
	return 0;
}
