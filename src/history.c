/*
 * The history file: its name, reading it into readline's history list,
 * appending each new line, trimming it.  Owns nothing but struct
 * fpv_history; the entries themselves live in readline's list.
 *
 * Failures are warnings, never errors: the first problem with the file
 * is reported once and the file is then left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/history.h>

#include "fpviz/history.h"

/* Longest line accepted in the file; longer means it is not a history. */
#define LINE_MAX_BYTES 65536
/* Largest file read. */
#define FILE_MAX_BYTES (16L << 20)

/* path joined with suffix, malloc'd. */
static char *
join(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, path, a);
	memcpy(s + a, suffix, b + 1);
	return s;
}

/* The history file's path. */
char *
fpv_history_path(void)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return join(x, "/fpviz/history");
	if (home != NULL && home[0] != '\0')
		return join(home, "/.local/state/fpviz/history");
	return NULL;
}

/* Write a warning about the file into warn and mark the file broken. */
static int
warn_file(struct fpv_history *h, char *warn, size_t size, const char *what,
    const char *why)
{
	h->broken = true;
	if (size > 0)
		snprintf(warn, size, "warning: %s history file %s: %s "
		    "(history not saved)", what, h->path, why);
	return 1;
}

/* True if line[0..len) is a readline timestamp line ("#1700000000"). */
static bool
is_timestamp(const char *line, size_t len)
{
	if (len < 2 || line[0] != '#')
		return false;
	for (size_t i = 1; i < len; i++)
		if (line[i] < '0' || line[i] > '9')
			return false;
	return true;
}

/* Read the whole file at path into *buf (NUL-terminated); -1 with errno. */
static int
slurp(const char *path, char **buf, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *b = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL)
		return -1;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			if ((long)cap > FILE_MAX_BYTES + 8192) {
				errno = EFBIG;
				goto fail;
			}
			char *nb = realloc(b, cap + 1);
			if (nb == NULL)
				goto fail;
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n, fp);
		n += r;
		if (r == 0) {
			if (ferror(fp)) {
				errno = errno ? errno : EIO;
				goto fail;
			}
			break;
		}
	}
	fclose(fp);
	if (b == NULL && (b = malloc(1)) == NULL)
		return -1;
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:;
	int e = errno;
	free(b);
	fclose(fp);
	errno = e;
	return -1;
}

/* Why buf[0..len) is not a history file, or NULL if it is one. */
static const char *
not_text(const char *buf, size_t len)
{
	size_t line = 0;

	if (memchr(buf, '\0', len) != NULL)
		return "not a text file (it holds NUL bytes)";
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			line = 0;
		else if (++line > LINE_MAX_BYTES)
			return "a line is too long for a history file";
	}
	return NULL;
}

/* Name the file and load it into readline's history list. */
int
fpv_history_open(struct fpv_history *h, char *warn, size_t size)
{
	char *buf;
	size_t len;
	const char *why;

	memset(h, 0, sizeof *h);
	using_history();
	stifle_history(FPV_HISTORY_MAX);
	if ((h->path = fpv_history_path()) == NULL)
		return 0;
	if (slurp(h->path, &buf, &len) < 0) {
		if (errno == ENOENT)
			return 0;
		return warn_file(h, warn, size, "cannot read",
		    strerror(errno));
	}
	if ((why = not_text(buf, len)) != NULL) {
		free(buf);
		return warn_file(h, warn, size, "ignoring", why);
	}
	for (char *p = buf; *p != '\0';) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && !is_timestamp(p, n)) {
			char save = p[n];

			p[n] = '\0';
			add_history(p);
			p[n] = save;
			h->nfile++;
		}
		p += nl ? (size_t)(nl - p) + 1 : strlen(p);
	}
	free(buf);
	return 0;
}

/* Make the folders above path (mode 0700); -1 with errno on failure. */
static int
make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		int rc = mkdir(path, 0700);
		int e = errno;
		*p = '/';
		if (rc < 0 && e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	return 0;
}

/* True if line has nothing but blanks. */
static bool
blank(const char *line)
{
	for (; *line != '\0'; line++)
		if (*line != ' ' && *line != '\t')
			return false;
	return true;
}

/* Write all of buf[0..len) to fd; -1 with errno on failure. */
static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Add a line to the list and the file. */
int
fpv_history_add(struct fpv_history *h, const char *line, char *warn,
    size_t size)
{
	HIST_ENTRY *last;
	size_t n;
	char *rec;
	int fd, rc;

	if (line == NULL || blank(line) || strchr(line, '\n') != NULL)
		return 0;
	last = history_length > 0 ?
	    history_get(history_base + history_length - 1) : NULL;
	if (last != NULL && strcmp(last->line, line) == 0)
		return 0;
	add_history(line);
	if (h->path == NULL || h->broken)
		return 0;
	if (!h->dir_made) {
		if (make_parents(h->path) < 0)
			return warn_file(h, warn, size, "cannot create the folder of",
			    strerror(errno));
		h->dir_made = true;
	}
	n = strlen(line);
	if ((rec = malloc(n + 1)) == NULL)
		return warn_file(h, warn, size, "cannot write", strerror(ENOMEM));
	memcpy(rec, line, n);
	rec[n] = '\n';
	fd = open(h->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(rec);
		return warn_file(h, warn, size, "cannot write", strerror(errno));
	}
	rc = write_all(fd, rec, n + 1);
	if (close(fd) < 0 && rc == 0)
		rc = -1;
	free(rec);
	if (rc < 0)
		return warn_file(h, warn, size, "cannot write", strerror(errno));
	h->nfile++;
	return 0;
}

/* Rewrite the file with its last FPV_HISTORY_MAX lines (best effort). */
static void
trim_file(const char *path)
{
	char *buf, *start, *tmp;
	size_t len, lines = 0;
	int fd;

	if (slurp(path, &buf, &len) < 0)
		return;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	start = buf;
	while (lines > FPV_HISTORY_MAX) {
		char *nl = strchr(start, '\n');

		if (nl == NULL)
			break;
		start = nl + 1;
		lines--;
	}
	if (start == buf || (tmp = join(path, ".new")) == NULL) {
		free(buf);
		return;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		int rc = write_all(fd, start, len - (size_t)(start - buf));

		if (close(fd) == 0 && rc == 0)
			rename(tmp, path);
		else
			unlink(tmp);
	}
	free(tmp);
	free(buf);
}

/* Trim the file and release h. */
void
fpv_history_close(struct fpv_history *h)
{
	if (h->path != NULL && !h->broken && h->nfile > FPV_HISTORY_MAX)
		trim_file(h->path);
	free(h->path);
	memset(h, 0, sizeof *h);
}
