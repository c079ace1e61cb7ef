/*
 * test-history.c: the history file (src/history.c): where it lives,
 * loading it into readline's list, appending, skipping repeats and
 * blanks, trimming to FPV_HISTORY_MAX lines, warnings (never failures)
 * for files that cannot be used, a trim whose rename fails, and two
 * instances appending and trimming at once with delays between the
 * trim's steps, losing no line.  TAP.
 *
 * src/history.c is compiled for this program with FPV_HISTORY_TEST:
 * fpv_history_test_step below is then called between a trim's steps.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <readline/history.h>

#include "fpviz/history.h"
#include "tap.h"

static char dir[] = "/tmp/fpviz-history.XXXXXX";

/* What the trim's test hook does: sleep at every step, and at the
 * rename step put a folder where the history file was. */
static int hook_sleep_ms;
static bool hook_block_rename;

void fpv_history_test_step(const char *step, const char *path);

/* Called by src/history.c between the steps of a trim. */
void
fpv_history_test_step(const char *step, const char *path)
{
	if (hook_sleep_ms > 0) {
		struct timespec ts = { hook_sleep_ms / 1000,
		    (long)(hook_sleep_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (hook_block_rename && strcmp(step, "rename") == 0) {
		char sub[300];

		unlink(path);
		mkdir(path, 0700);
		snprintf(sub, sizeof sub, "%s/x", path);
		fclose(fopen(sub, "w"));
	}
}

/* Sleep ms milliseconds. */
static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

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
	fpv_history_close(&h, warn, sizeof warn);

	/* A second session reads them back (a timestamp line is skipped). */
	spit(path, "#1700000000\n1+2\n7/2\n", 20);
	forget();
	rc = fpv_history_open(&h, warn, sizeof warn);
	ok(rc == 0 && history_length == 2, "the file is loaded");
	ok(history_length == 2 &&
	    strcmp(history_get(history_base + 1)->line, "7/2") == 0,
	    "the newest line is last");
	fpv_history_close(&h, warn, sizeof warn);
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
	fpv_history_close(&h, warn, sizeof warn);
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
	fpv_history_close(&h, warn, sizeof warn);
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
	fpv_history_close(&h, warn, sizeof warn);

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
	fpv_history_close(&h, warn, sizeof warn);
}

/* A trim whose rename fails says so, and leaves no temporary file. */
static void
test_rename_fails(void)
{
	struct fpv_history h;
	char warn[512], sub[128], path[256], *buf;
	size_t n = 0, cap = 1500 * 8;
	int rc, left = 0;
	DIR *d;
	struct dirent *de;

	snprintf(sub, sizeof sub, "%s/rename", dir);
	mkdir(sub, 0700);
	setenv("XDG_STATE_HOME", sub, 1);
	snprintf(path, sizeof path, "%s/fpviz", sub);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/fpviz/history", sub);
	if ((buf = malloc(cap)) == NULL)
		return;
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%d\n", i);
	spit(path, buf, n);
	free(buf);
	forget();
	fpv_history_open(&h, warn, sizeof warn);
	hook_block_rename = true;
	warn[0] = '\0';
	rc = fpv_history_close(&h, warn, sizeof warn);
	hook_block_rename = false;
	ok(rc == 1 && strstr(warn, "cannot trim history file") != NULL &&
	    strstr(warn, path) != NULL && strstr(warn, strerror(EISDIR)) != NULL,
	    "a failed rename is a warning: %s", warn);
	snprintf(path, sizeof path, "%s/fpviz", sub);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			left += strncmp(de->d_name, "history.", 8) == 0 &&
			    strcmp(de->d_name, "history.lock") != 0;
		closedir(d);
	}
	ok(left == 0, "and its temporary file is removed");
}

/*
 * One instance: open the history, append lines "TAG 0".."TAG n-1"
 * (pausing pause_ms before the first), close it (a trim, with the hook
 * sleeping sleep_ms at each step).  Exits 0, or 1 on a warning.
 */
static void
instance(const char *tag, int n, int pause_ms, int sleep_ms)
{
	struct fpv_history h;
	char warn[512], line[64];
	int bad = 0;

	forget();
	if (fpv_history_open(&h, warn, sizeof warn) != 0)
		bad = 1;
	nap(pause_ms);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%s %d", tag, i);
		if (fpv_history_add(&h, line, warn, sizeof warn) != 0)
			bad = 1;
	}
	hook_sleep_ms = sleep_ms;
	if (fpv_history_close(&h, warn, sizeof warn) != 0)
		bad = 1;
	if (bad)
		fprintf(stderr, "%s: %s\n", tag, warn);
	_exit(bad);
}

/*
 * Two instances append and trim at once: A trims while B appends (A
 * sleeps between reading the file and writing the new one, and between
 * writing and renaming it), then B trims.  Every line of both is there
 * once, the file has FPV_HISTORY_MAX lines and no temporary file is left.
 */
static void
test_concurrent(void)
{
	char sub[128], path[256], line[64], *buf, *s;
	size_t n = 0, cap = 1500 * 12;
	int st[2], missing = 0, left = 0;
	pid_t pid[2];
	DIR *d;
	struct dirent *de;

	snprintf(sub, sizeof sub, "%s/two", dir);
	mkdir(sub, 0700);
	setenv("XDG_STATE_HOME", sub, 1);
	snprintf(path, sizeof path, "%s/fpviz", sub);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/fpviz/history", sub);
	if ((buf = malloc(cap)) == NULL)
		return;
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(buf + n, cap - n, "old %d\n", i);
	spit(path, buf, n);
	free(buf);
	fflush(stdout);
	if ((pid[0] = fork()) == 0)
		instance("A", 20, 0, 300);
	if ((pid[1] = fork()) == 0)
		instance("B", 20, 150, 100);
	for (int i = 0; i < 2; i++)
		if (pid[i] < 0 || waitpid(pid[i], &st[i], 0) < 0)
			st[i] = -1;
	ok(st[0] == 0 && st[1] == 0, "two instances append and trim at once "
	    "without a warning");
	s = slurp(path);
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < 20; i++) {
			char *p;

			snprintf(line, sizeof line, "\n%c %d\n", "AB"[t], i);
			p = s != NULL ? strstr(s, line) : NULL;
			if (p == NULL || strstr(p + 1, line) != NULL)
				missing++;
		}
	ok(missing == 0, "no line of either is lost or doubled (%d missing)",
	    missing);
	ok(lines(s) == FPV_HISTORY_MAX, "the file is trimmed to %d lines (%zu)",
	    FPV_HISTORY_MAX, lines(s));
	free(s);
	snprintf(path, sizeof path, "%s/fpviz", sub);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			left += strncmp(de->d_name, "history.", 8) == 0 &&
			    strcmp(de->d_name, "history.lock") != 0;
		closedir(d);
	}
	ok(left == 0, "no temporary file is left");
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
	test_rename_fails();
	test_concurrent();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
