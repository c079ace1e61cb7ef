/*
 * test-reader.c: lines of bounded length (src/reader.c): lines with and
 * without a final newline, empty lines and NUL bytes, a line of exactly
 * the maximum and one byte more, skipping a too-long line to the next,
 * the buffer never above the maximum, an endless line on a pipe, a read
 * error (a folder), and --max-line's values.  TAP.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpviz/reader.h"
#include "tap.h"

static char dir[] = "/tmp/fpviz-reader.XXXXXX";

/* A file holding text[0..len), opened for reading. */
static FILE *
file_of(const char *text, size_t len)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/in", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return NULL;
	fwrite(text, 1, len, fp);
	fclose(fp);
	return fopen(path, "r");
}

/* Every status and line of text read with maximum max, as one string:
 * "L:text" for a line, "T" too long, "N" endless, "E" error, "." end. */
static char *
statuses(const char *text, size_t len, size_t max)
{
	static char out[4096];
	struct fpv_reader r;
	FILE *fp = file_of(text, len);
	size_t o = 0;

	out[0] = '\0';
	if (fp == NULL)
		return out;
	fpv_reader_init(&r, fp, max);
	for (int guard = 0; guard < 100; guard++) {
		char *line;
		size_t n;
		enum fpv_reader_status st = fpv_reader_next(&r, &line, &n);

		if (st == FPV_READER_LINE) {
			o += (size_t)snprintf(out + o, sizeof out - o, "L:");
			for (size_t i = 0; i < n && o + 4 < sizeof out; i++)
				out[o++] = line[i] == '\0' ? '@' : line[i];
			o += (size_t)snprintf(out + o, sizeof out - o, "%s",
			    line[n] == '\0' ? " " : "!unterminated ");
			continue;
		}
		o += (size_t)snprintf(out + o, sizeof out - o, "%s",
		    st == FPV_READER_TOO_LONG ? "T " :
		    st == FPV_READER_ENDLESS ? "N " :
		    st == FPV_READER_ERROR ? "E " : ".");
		if (st == FPV_READER_EOF)
			break;
	}
	fpv_reader_free(&r);
	fclose(fp);
	return out;
}

#define LINES(text, max, want) \
	do { \
		const char *got_ = statuses(text, sizeof text - 1, max); \
		ok(strcmp(got_, want) == 0, "%s: %s", #text, want); \
		if (strcmp(got_, want) != 0) \
			diag("got %s", got_); \
	} while (0)

/* Lines, ends and the maximum. */
static void
test_lines(void)
{
	LINES("1+1\n2\n", 0, "L:1+1 L:2 .");
	LINES("1+1\n2", 0, "L:1+1 L:2 .");
	LINES("", 0, ".");
	LINES("\n\n", 0, "L: L: .");
	LINES("a\0b\n", 0, "L:a@b .");
	LINES("a\r\n", 0, "L:a\r .");
	LINES("12345\n", 5, "L:12345 .");
	LINES("12345", 5, "L:12345 .");
	LINES("123456\n7\n", 5, "T L:7 .");
	LINES("123456", 5, "T .");
	LINES("1\n123456789012\n3", 5, "L:1 T L:3 .");
	LINES("x\n", 1, "L:x .");
	LINES("xy\nz\n", 1, "T L:z .");
}

/* A long line grows the buffer to the maximum and no further. */
static void
test_bound(void)
{
	size_t max = 100000, len = 10 * max;
	char *text = malloc(len + 3);
	struct fpv_reader r;
	FILE *fp;
	char *line;
	size_t n;

	if (text == NULL)
		return;
	memset(text, '1', len);
	memcpy(text + len, "\n7", 3);
	fp = file_of(text, len + 2);
	free(text);
	if (fp == NULL)
		return;
	fpv_reader_init(&r, fp, max);
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_TOO_LONG,
	    "a line of 10 times the maximum is too long");
	ok(r.cap <= max + 1, "the buffer stays within the maximum (%zu bytes)",
	    r.cap);
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_LINE && n == 1 &&
	    line[0] == '7', "the next line is read");
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_EOF, "then the end");
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_EOF, "and again");
	fpv_reader_free(&r);
	fclose(fp);
}

/* A pipe whose line never ends: given up after FPV_READER_SKIP_MAX. */
static void
test_endless(void)
{
	struct fpv_reader r;
	int fd[2];
	pid_t pid;
	FILE *fp;
	char *line;
	size_t n;
	enum fpv_reader_status st;

	if (pipe(fd) < 0 || (pid = fork()) < 0) {
		ok(0, "pipe and fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		static char zeros[65536];

		close(fd[0]);
		for (;;)
			if (write(fd[1], zeros, sizeof zeros) < 0)
				_exit(0);
	}
	close(fd[1]);
	fp = fdopen(fd[0], "r");
	fpv_reader_init(&r, fp, 1000);
	st = fpv_reader_next(&r, &line, &n);
	ok(st == FPV_READER_ENDLESS, "an endless line on a pipe is given up");
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_EOF,
	    "and nothing more is read");
	fpv_reader_free(&r);
	fclose(fp);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* A read error is an error, never the end. */
static void
test_error(void)
{
	struct fpv_reader r;
	FILE *fp = fopen(dir, "r");
	char *line;
	size_t n;
	struct fpv_error err;

	if (fp == NULL) {
		ok(1, "# SKIP a folder cannot be opened for reading here");
		return;
	}
	fpv_reader_init(&r, fp, 0);
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_ERROR &&
	    r.error == EISDIR, "reading a folder: EISDIR (%s)",
	    strerror(r.error));
	ok(fpv_reader_next(&r, &line, &n) == FPV_READER_EOF,
	    "after an error nothing more is read");
	ok(r.max == FPV_READER_MAX_DEFAULT, "the default maximum is 16 MiB");
	fpv_reader_too_long(&r, 7, &err);
	ok(err.line == 7 && err.col == 1 && strcmp(err.msg,
	    "line too long (more than 16777216 bytes)") == 0,
	    "the line-too-long error: %s", err.msg);
	fpv_reader_free(&r);
	fclose(fp);
}

/* --max-line values. */
static void
test_parse(void)
{
	static const struct {
		const char *s;
		size_t want;	/* 0: rejected */
	} cases[] = {
		{ "1", 1 }, { "16777216", 16777216 }, { "16M", 16777216 },
		{ "16m", 16777216 }, { "4k", 4096 }, { "1G", 1073741824 },
		{ "1073741824", 1073741824 }, { "1073741825", 0 },
		{ "2G", 0 }, { "1025M", 0 }, { "0", 0 }, { "0K", 0 },
		{ "", 0 }, { "-1", 0 }, { "+1", 0 }, { "1.5M", 0 },
		{ "12x", 0 }, { "1MB", 0 }, { " 1", 0 },
		{ "99999999999999999999999", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t max = 0;
		const char *why = NULL;
		int rc = fpv_reader_parse_max(cases[i].s, &max, &why);

		if (cases[i].want != 0)
			ok(rc == 0 && max == cases[i].want, "--max-line '%s' "
			    "is %zu", cases[i].s, cases[i].want);
		else
			ok(rc < 0 && why != NULL, "--max-line '%s' is rejected "
			    "(%s)", cases[i].s, why ? why : "no reason");
	}
}

int
main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_lines();
	test_bound();
	test_endless();
	test_error();
	test_parse();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
