/*
 * test-history.c: the history file (src/history.c): where it lives,
 * loading it into readline's list, appending, skipping repeats and
 * blanks, trimming to FPV_HISTORY_MAX lines, and warnings (never
 * failures) for files that cannot be used.  TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/history.h>

#include "fpviz/history.h"
#include "tap.h"

static char dir[] = "/tmp/fpviz-history.XXXXXX";

/* The whole of file path (malloc'd), or NULL. */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (buf != NULL) {
		buf[fread(buf, 1, (size_t)n, fp)] = '\0';
	}
	fclose(fp);
	return buf;
}

/* Write text to path. */
static void
spit(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		fwrite(text, 1, len, fp);
		fclose(fp);
	}
}

/* Number of lines in s. */
static size_t
lines(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s; s++)
		n += *s == '\n';
	return n;
}

/* Forget readline's history list. */
static void
forget(void)
{
	clear_history();
}

/* Where the file lives. */
static void
test_path(void)
{
	char *p;

	setenv("XDG_STATE_HOME", "/state", 1);
	setenv("HOME", "/home/u", 1);
	p = fpv_history_path();
	ok(p && strcmp(p, "/state/fpviz/history") == 0,
	    "XDG_STATE_HOME/fpviz/history");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	p = fpv_history_path();
	ok(p && strcmp(p, "/home/u/.local/state/fpviz/history") == 0,
	    "a relative XDG_STATE_HOME is ignored (XDG spec)");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = fpv_history_path();
	ok(p && strcmp(p, "/home/u/.local/state/fpviz/history") == 0,
	    "HOME/.local/state/fpviz/history without XDG_STATE_HOME");
	free(p);
	unsetenv("HOME");
	p = fpv_history_path();
	ok(p == NULL, "no file without XDG_STATE_HOME and HOME");
	free(p);
}

/* Appending, repeats, blanks, loading. */
static void
test_append(void)
{
	struct fpv_history h;
	char warn[512], path[256], *s;
	int rc;

	setenv("XDG_STATE_HOME", dir, 1);
	snprintf(path, sizeof path, "%s/fpviz/history", dir);
	forget();
	warn[0] = '\0';
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 0 && warn[0] == '\0', "a missing file is no warning");
	ok(fpv_history_add(&h, "1+2", warn, sizeof warn) == 0, "add 1+2");
	ok(fpv_history_add(&h, "1+2", warn, sizeof warn) == 0, "add 1+2 again");
	ok(fpv_history_add(&h, "   ", warn, sizeof warn) == 0, "add a blank");
	ok(fpv_history_add(&h, "7/2", warn, sizeof warn) == 0, "add 7/2");
	s = slurp(path);
	ok(s && strcmp(s, "1+2\n7/2\n") == 0,
	    "the folder is made and lines appended, repeats and blanks not");
	free(s);
	ok(history_length == 2, "readline's list has the two lines");
	fpv_history_close(&h);

	/* A second session reads them back (a timestamp line is skipped). */
	spit(path, "#1700000000\n1+2\n7/2\n", 20);
	forget();
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 0 && history_length == 2, "the file is loaded");
	ok(history_length == 2 &&
	    strcmp(history_get(history_base + 1)->line, "7/2") == 0,
	    "the newest line is last");
	fpv_history_close(&h);
}

/* Trimming to FPV_HISTORY_MAX lines. */
static void
test_trim(void)
{
	struct fpv_history h;
	char warn[512], path[256], *s;
	size_t n = 0, cap = 1500 * 8;
	char *buf = malloc(cap);

	snprintf(path, sizeof path, "%s/fpviz/history", dir);
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%d\n", i);
	spit(path, buf, n);
	free(buf);
	forget();
	fpv_history_open(&h, warn, sizeof warn);
	ok(history_length == FPV_HISTORY_MAX,
	    "readline's list keeps the last FPV_HISTORY_MAX lines");
	fpv_history_add(&h, "new", warn, sizeof warn);
	fpv_history_close(&h);
	s = slurp(path);
	ok(lines(s) == FPV_HISTORY_MAX, "closing trims the file to 1000 lines");
	/* 1500 lines and one more: lines 0..500 go. */
	ok(s && strncmp(s, "501\n", 4) == 0 && strstr(s, "\n1499\nnew\n") != NULL,
	    "the oldest lines go, the newest stay");
	free(s);
}

/* Files that cannot be used: one warning, never a failure. */
static void
test_warnings(void)
{
	struct fpv_history h;
	char warn[512], path[256], bad[256], *s;
	int rc;

	/* Not text. */
	snprintf(path, sizeof path, "%s/fpviz/history", dir);
	spit(path, "abc\0def\n", 8);
	forget();
	warn[0] = '\0';
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 1 && strstr(warn, "not a text file") != NULL,
	    "a file with NUL bytes gives a warning");
	ok(strncmp(warn, "warning: ", 9) == 0 && strstr(warn, path) != NULL,
	    "the warning starts with warning: and names the file");
	warn[0] = '\0';
	ok(fpv_history_add(&h, "1+1", warn, sizeof warn) == 0 && warn[0] == '\0',
	    "adding after that is silent");
	ok(history_length == 1, "and the line is kept in memory");
	fpv_history_close(&h);
	s = slurp(path);
	ok(s && memcmp(s, "abc", 4) == 0, "the corrupt file is left alone");
	free(s);

	/* A folder that cannot be made: XDG_STATE_HOME is a file. */
	snprintf(bad, sizeof bad, "%s/afile", dir);
	spit(bad, "x", 1);
	setenv("XDG_STATE_HOME", bad, 1);
	forget();
	warn[0] = '\0';
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 1 && strstr(warn, "cannot read") != NULL,
	    "a path through a file gives a warning at open");
	fpv_history_close(&h);

	/* Readable (missing) but not writable: a dangling link. */
	snprintf(bad, sizeof bad, "%s/dang", dir);
	setenv("XDG_STATE_HOME", bad, 1);
	snprintf(path, sizeof path, "%s/dang/fpviz", dir);
	mkdir(bad, 0700);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/dang/fpviz/history", dir);
	snprintf(bad, sizeof bad, "%s/nowhere/history", dir);
	ok(symlink(bad, path) == 0, "make a dangling link");
	forget();
	warn[0] = '\0';
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 0 && warn[0] == '\0', "reading a dangling link is no warning");
	rc = fpv_history_add(&h, "1+1", warn, sizeof warn);
	ok(rc == 1 && strstr(warn, "cannot write") != NULL,
	    "the first line that cannot be written gives a warning");
	warn[0] = '\0';
	rc = fpv_history_add(&h, "2+2", warn, sizeof warn);
	ok(rc == 0 && warn[0] == '\0', "the next one is silent");
	ok(history_length == 2, "both lines are in memory");
	fpv_history_close(&h);
}

/* Run the tests in a temporary folder. */
int
main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_path();
	test_append();
	test_trim();
	test_warnings();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
