/*
 * The history file: its name, reading it into readline's history list,
 * appending each new line, trimming it.  Owns nothing but struct
 * fpv_history; the entries themselves live in readline's list.
 *
 * Several instances may share the file.  Appending and trimming hold an
 * advisory lock (flock) on a lock file beside it, PATH.lock, which is
 * never renamed (a lock on the history itself would stay on the old file
 * when a trim renames the new one in).  A trim writes the kept lines to
 * a file of its own (mkstemp in the same folder), syncs it and renames
 * it over the history, so a line appended by another instance is never
 * lost and a reader sees the old file or the new one, whole.
 *
 * Failures are warnings, never errors: the first problem with the file
 * is reported once and the file is then left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <readline/history.h>

#include "fpviz/history.h"

/* Longest line accepted in the file; longer means it is not a history. */
#define LINE_MAX_BYTES 65536
/* Largest file read. */
#define FILE_MAX_BYTES (16L << 20)
/* How long to wait for another instance's lock, in milliseconds. */
#define LOCK_WAIT_MS 2000

/*
 * A test build (tests/test-history.c defines FPV_HISTORY_TEST) is called
 * back between the steps of a trim, to widen the windows a race needs.
 */
#ifdef FPV_HISTORY_TEST
void fpv_history_test_step(const char *step, const char *path);
#define TEST_STEP(step, path) fpv_history_test_step(step, path)
#else
#define TEST_STEP(step, path) ((void)0)
#endif

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

/*
 * Take the lock of the history file path: open (or make) PATH.lock and
 * flock it, waiting up to LOCK_WAIT_MS for another instance.  Returns
 * its descriptor (closing it unlocks), or -1 with errno.
 */
static int
lock_file(const char *path)
{
	char *name = join(path, ".lock");
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int fd, waited = 0;

	if (name == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(name);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		if (e != EWOULDBLOCK || waited >= LOCK_WAIT_MS) {
			close(fd);
			errno = e == EWOULDBLOCK ? ETIMEDOUT : e;
			return -1;
		}
		nanosleep(&nap, NULL);
		waited += 10;
	}
	return fd;
}

/* Add a line to the list and the file. */
int
fpv_history_add(struct fpv_history *h, const char *line, char *warn,
    size_t size)
{
	HIST_ENTRY *last;
	size_t n;
	char *rec;
	int fd, lock, rc, e;

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
	if ((lock = lock_file(h->path)) < 0) {
		free(rec);
		return warn_file(h, warn, size, "cannot lock", strerror(errno));
	}
	fd = open(h->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		free(rec);
		close(lock);
		return warn_file(h, warn, size, "cannot write", strerror(e));
	}
	rc = write_all(fd, rec, n + 1);
	if (close(fd) < 0 && rc == 0)
		rc = -1;
	e = errno;
	close(lock);
	free(rec);
	if (rc < 0)
		return warn_file(h, warn, size, "cannot write", strerror(e));
	h->nfile++;
	return 0;
}

/* Fill warn with a warning about trimming path (why: an errno value). */
static int
warn_trim(const char *path, char *warn, size_t size, int why)
{
	if (size > 0)
		snprintf(warn, size, "warning: cannot trim history file %s: %s",
		    path, strerror(why));
	return 1;
}

/*
 * Rewrite the file with its last FPV_HISTORY_MAX lines, under the lock:
 * the kept lines go to a new file beside it (mkstemp), which is synced
 * and renamed over it.  0, or 1 with a warning in warn.
 */
static int
trim_file(const char *path, char *warn, size_t size)
{
	char *buf, *start, *tmp;
	size_t len, lines = 0;
	int fd, lock, rc = 0, e;

	if ((lock = lock_file(path)) < 0)
		return warn_trim(path, warn, size, errno);
	if (slurp(path, &buf, &len) < 0) {
		e = errno;
		close(lock);
		return e == ENOENT ? 0 : warn_trim(path, warn, size, e);
	}
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
	if (start == buf) {
		free(buf);
		close(lock);
		return 0;
	}
	TEST_STEP("read", path);
	if ((tmp = join(path, ".XXXXXX")) == NULL) {
		free(buf);
		close(lock);
		return warn_trim(path, warn, size, ENOMEM);
	}
	if ((fd = mkstemp(tmp)) < 0) {
		rc = warn_trim(path, warn, size, errno);
	} else {
		if (write_all(fd, start, len - (size_t)(start - buf)) < 0 ||
		    fsync(fd) < 0) {
			e = errno;
			close(fd);
			rc = warn_trim(path, warn, size, e);
		} else if (close(fd) < 0) {
			rc = warn_trim(path, warn, size, errno);
		} else {
			TEST_STEP("rename", path);
			if (rename(tmp, path) < 0)
				rc = warn_trim(path, warn, size, errno);
		}
		if (rc != 0)
			unlink(tmp);
	}
	close(lock);
	free(tmp);
	free(buf);
	return rc;
}

/* Trim the file and release h. */
int
fpv_history_close(struct fpv_history *h, char *warn, size_t size)
{
	int rc = 0;

	if (h->path != NULL && !h->broken && h->nfile > FPV_HISTORY_MAX)
		rc = trim_file(h->path, warn, size);
	free(h->path);
	memset(h, 0, sizeof *h);
	return rc;
}
