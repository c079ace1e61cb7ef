/*
 * libFuzzer target over whole sessions: the input is what a user types
 * into line mode (expressions, assignments, bit-pattern literals such as
 * fp16:0x3c00, every ":" command with its arguments) and, optionally, a
 * lesson given as text.  It goes through line mode itself (src/repl.c
 * over the line handler, src/line.c), as fpviz -f FILE does, with the
 * output in memory:
 *
 *   byte 0       the mode (bits, below)
 *   lines        session lines, read by fpv_repl_read from a memory
 *                stream (the reader of -f, with its line limit)
 *   @lesson      a line that is exactly this ends the session lines;
 *   lines        the rest of the input is a lesson's text, parsed from
 *                memory (fpv_lesson_parse); ":lesson ANY" plays it
 *
 * The mode byte's bits:
 *
 *   0x01  JSON Lines (--json)          0x02  every step (--steps)
 *   0x04  colour (text and errors)     0x08  batch (-f): :set does not
 *   0x10  play the lesson first              re-evaluate
 *         (--lesson), then the lines   0x80  lines of at most 64 bytes
 *   0x60  the rows: 0x00 all, 0x20 the default ones, 0x40 the preset ml,
 *         0x60 the preset int
 *
 * so that a seed written as text reads well: ' ' is the default mode,
 * '!' JSON, '"' steps, '(' batch, '0' the lesson first.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks what the
 * output promises: text (results, replies, lesson captions, errors) is
 * valid UTF-8 with no control character other than a newline (and,
 * with colour, SGR sequences "ESC [ digits m"), no DEL and no C1
 * control, so nothing typed or read can act on a terminal; in JSON mode
 * every output line is one valid JSON object, in valid UTF-8 and with
 * no raw C1 control either.  Completion is asked for at the end of
 * every session line, in the session as it ended.
 *
 * With FUZZ_SESSION_SHOW set in the environment, the output and the
 * errors of each input are copied to standard output, to read what an
 * input does.
 *
 * The output is kept in memory up to OUTPUT_MAX bytes a stream; beyond,
 * writes fail as on a full disk and the run stops there, as fpviz does.
 *
 * Nothing is written to files (the history is the interactive loop's,
 * never reached) and nothing depends on the terminal or the clock.
 *
 * Build: configure --enable-fuzzing CC=clang; see tests/fuzz/README.
 */
#define _GNU_SOURCE	/* fopencookie */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fpviz/command.h"
#include "fpviz/lesson.h"
#include "fpviz/render.h"
#include "fpviz/repl.h"
#include "fpviz/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MODE_JSON 0x01
#define MODE_STEPS 0x02
#define MODE_COLOR 0x04
#define MODE_BATCH 0x08
#define MODE_LESSON 0x10
#define MODE_ROWS(m) (((m) >> 5) & 3)
#define MODE_SHORT 0x80

/* The marker line between the session and the lesson text. */
static const char marker[] = "@lesson";

/*
 * Output kept of each stream (standard output, standard error).  Beyond
 * it a write fails as on a full disk (ENOSPC), which stops the run as
 * fpviz stops: an input of many ":steps" or ":help" lines would
 * otherwise make megabytes of output, at a cost linear in them that
 * tells nothing new.
 */
#define OUTPUT_MAX ((size_t)1 << 20)

/* A stream into memory that fills up at OUTPUT_MAX. */
struct sink {
	char *buf;
	size_t len;
	bool full;	/* a write failed: buf holds what came before */
};

static ssize_t
sink_write(void *cookie, const char *data, size_t n)
{
	struct sink *k = cookie;

	if (n > OUTPUT_MAX - k->len) {
		k->full = true;
		errno = ENOSPC;
		return -1;
	}
	if (k->buf == NULL && (k->buf = malloc(OUTPUT_MAX)) == NULL)
		abort();
	memcpy(k->buf + k->len, data, n);
	k->len += n;
	return (ssize_t)n;
}

static FILE *
sink_open(struct sink *k)
{
	static const cookie_io_functions_t io = { NULL, sink_write, NULL,
	    NULL };
	FILE *fp;

	memset(k, 0, sizeof *k);
	if ((fp = fopencookie(k, "w", io)) == NULL)
		abort();
	return fp;
}

/* What of k to check: all of it, or up to its last newline when it
 * filled up (the failed write may have cut a character in two). */
static size_t
sink_checked(const struct sink *k)
{
	size_t n = k->len;

	if (k->full)
		while (n > 0 && k->buf[n - 1] != '\n')
			n--;
	return n;
}

/* A lesson's text, for the lesson loader. */
struct lesson_text {
	const char *text;	/* NULL: the input holds no lesson */
	size_t len;
};

/* Stop the fuzzer with a message: a broken promise is a finding. */
static void
broken(const char *what, const char *where, const char *buf, size_t len,
    size_t at)
{
	size_t from = at > 40 ? at - 40 : 0;
	size_t to = at + 40 < len ? at + 40 : len;

	fprintf(stderr, "fuzz-session: %s in %s at byte %zu: '", what, where,
	    at);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("'\n", stderr);
	abort();
}

/*
 * The UTF-8 character at s[0..len): its length (1..4) and code point,
 * or 0 if the bytes there are not valid UTF-8 (RFC 3629: no overlong
 * form, no surrogate, nothing beyond U+10FFFF).
 */
static size_t
utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Check text meant for a terminal: see the comment at the top. */
static void
check_text(const char *where, const char *buf, size_t len, bool color)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_char(u + i, len - i, &cp);

		if (n == 0)
			broken("invalid UTF-8", where, buf, len, i);
		if (cp == 0x1b && color && i + 1 < len && u[i + 1] == '[') {
			size_t j = i + 2;

			while (j < len && ((u[j] >= '0' && u[j] <= '9') ||
			    u[j] == ';'))
				j++;
			if (j == len || u[j] != 'm')
				broken("an escape sequence other than SGR",
				    where, buf, len, i);
			i = j + 1;
			continue;
		}
		if ((cp < 0x20 && cp != '\n') || cp == 0x7f)
			broken("a control character", where, buf, len, i);
		if (cp >= 0x80 && cp < 0xa0)
			broken("a C1 control character", where, buf, len, i);
		i += n;
	}
}

/* ---- A JSON checker (RFC 8259), for the JSON Lines output ----------- */

struct json {
	const unsigned char *s;
	size_t len, i;
	const char *buf;	/* for messages */
};

static void
json_fail(struct json *j, const char *what)
{
	broken(what, "JSON output", j->buf, j->len, j->i);
}

static void
json_ws(struct json *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\r'))
		j->i++;
}

static bool
json_lit(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if (j->len - j->i < n || memcmp(j->s + j->i, w, n) != 0)
		return false;
	j->i += n;
	return true;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits after "\u": their value, or -1. */
static long
json_u4(struct json *j)
{
	long v = 0;

	if (j->len - j->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval(j->s[j->i + (size_t)k]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	j->i += 4;
	return v;
}

static void
json_string(struct json *j)
{
	j->i++;		/* the opening quote */
	for (;;) {
		uint32_t cp;
		size_t n;

		if (j->i >= j->len)
			json_fail(j, "an unterminated string");
		if (j->s[j->i] == '"') {
			j->i++;
			return;
		}
		if (j->s[j->i] == '\\') {
			long u;

			j->i++;
			if (j->i >= j->len)
				json_fail(j, "an unterminated escape");
			if (strchr("\"\\/bfnrt", j->s[j->i]) != NULL &&
			    j->s[j->i] != '\0') {
				j->i++;
				continue;
			}
			if (j->s[j->i] != 'u')
				json_fail(j, "an invalid escape");
			j->i++;
			if ((u = json_u4(j)) < 0)
				json_fail(j, "an invalid \\u escape");
			if (u >= 0xdc00 && u <= 0xdfff)
				json_fail(j, "a lone low surrogate");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (!json_lit(j, "\\u") ||
				    (u = json_u4(j)) < 0xdc00 || u > 0xdfff)
					json_fail(j, "a lone high surrogate");
			}
			continue;
		}
		n = utf8_char(j->s + j->i, j->len - j->i, &cp);
		if (n == 0)
			json_fail(j, "invalid UTF-8 in a string");
		if (cp < 0x20)
			json_fail(j, "a raw control character in a string");
		if (cp >= 0x80 && cp < 0xa0)
			json_fail(j, "a raw C1 control character in a string");
		j->i += n;
	}
}

static bool
json_digits(struct json *j)
{
	size_t from = j->i;

	while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > from;
}

static void
json_number(struct json *j)
{
	if (j->s[j->i] == '-')
		j->i++;
	if (j->i < j->len && j->s[j->i] == '0')
		j->i++;
	else if (!json_digits(j))
		json_fail(j, "a number without digits");
	if (j->i < j->len && j->s[j->i] == '.') {
		j->i++;
		if (!json_digits(j))
			json_fail(j, "a fraction without digits");
	}
	if (j->i < j->len && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->len && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!json_digits(j))
			json_fail(j, "an exponent without digits");
	}
}

static void
json_value(struct json *j, int depth)
{
	unsigned char c;

	if (depth > 64)
		json_fail(j, "nesting deeper than 64");
	json_ws(j);
	if (j->i >= j->len)
		json_fail(j, "a missing value");
	c = j->s[j->i];
	if (c == '{' || c == '[') {
		unsigned char close = c == '{' ? '}' : ']';

		j->i++;
		json_ws(j);
		if (j->i < j->len && j->s[j->i] == close) {
			j->i++;
			return;
		}
		for (;;) {
			if (c == '{') {
				json_ws(j);
				if (j->i >= j->len || j->s[j->i] != '"')
					json_fail(j, "a key that is not a string");
				json_string(j);
				json_ws(j);
				if (j->i >= j->len || j->s[j->i] != ':')
					json_fail(j, "a key without ':'");
				j->i++;
			}
			json_value(j, depth + 1);
			json_ws(j);
			if (j->i < j->len && j->s[j->i] == ',') {
				j->i++;
				continue;
			}
			if (j->i < j->len && j->s[j->i] == close) {
				j->i++;
				return;
			}
			json_fail(j, "a missing ',' or closing bracket");
		}
	}
	if (c == '"')
		json_string(j);
	else if (c == '-' || (c >= '0' && c <= '9'))
		json_number(j);
	else if (!json_lit(j, "true") && !json_lit(j, "false") &&
	    !json_lit(j, "null"))
		json_fail(j, "not a JSON value");
}

/* Check JSON Lines: every line one JSON object. */
static void
check_json_lines(const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - buf) : len;
		struct json j = { (const unsigned char *)buf, end, pos, buf };

		if (nl == NULL)
			json_fail(&j, "a last line without a newline");
		json_ws(&j);
		if (j.i >= end || buf[j.i] != '{')
			json_fail(&j, "a line that is not an object");
		json_value(&j, 0);
		json_ws(&j);
		if (j.i != end)
			json_fail(&j, "text after the object");
		pos = end + 1;
	}
}

/* ---- The session ----------------------------------------------------- */

/* The loader of :lesson: the input's lesson text, whatever the name. */
static int
load_lesson(void *arg, const char *name, struct fpv_lesson *l,
    struct fpv_error *err)
{
	const struct lesson_text *lt = arg;

	if (lt->text == NULL) {
		err->line = 0;
		err->col = 0;
		snprintf(err->msg, sizeof err->msg,
		    "no lesson named '%.100s' (try --lesson list)", name);
		return -1;
	}
	return fpv_lesson_parse(lt->text, lt->len, name, l, err);
}

/* Where the marker line starts in s[0..n), or n. */
static size_t
find_marker(const char *s, size_t n)
{
	size_t ml = sizeof marker - 1, pos = 0;

	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t end = nl != NULL ? (size_t)(nl - s) : n;

		if (end - pos == ml && memcmp(s + pos, marker, ml) == 0)
			return pos;
		pos = end + 1;
	}
	return n;
}

/* Completion at the end of each line of s[0..n), as Tab there asks. */
static void
complete_lines(const struct fpv_session *s, const char *text, size_t n)
{
	/* The word breaks of the line-mode REPL (src/repl.c). */
	static const char breaks[] = " \t\n\"\\'`@$><=;|&{(,+-*/^)";
	size_t pos = 0;

	while (pos < n) {
		const char *nl = memchr(text + pos, '\n', n - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : n;
		size_t len = end - pos, start;
		const char *nul = memchr(text + pos, '\0', len);
		char *line, append, **list;

		if (nul != NULL)
			len = (size_t)(nul - (text + pos));
		if ((line = malloc(len + 1)) == NULL)
			abort();
		memcpy(line, text + pos, len);
		line[len] = '\0';
		start = len;
		while (start > 0 && strchr(breaks, line[start - 1]) == NULL)
			start--;
		list = fpv_complete_list(s, line, start, line + start,
		    len - start, &append);
		if (list == NULL)
			abort();
		for (char **c = list; *c != NULL; c++)
			if (strncmp(*c, line + start, len - start) != 0) {
				fprintf(stderr, "fuzz-session: completion '%s' "
				    "does not begin with the word\n", *c);
				abort();
			}
		fpv_complete_free(list);
		free(line);
		pos = end + 1;
	}
}

/* One input: a whole session, in a new session. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rows[] = { "all", "default", "ml", "int" };
	const char *s = (const char *)data + 1;
	struct fpv_session session;
	struct fpv_display display = { false, false };
	struct fpv_repl r;
	struct fpv_cmd_why why;
	struct lesson_text lt = { NULL, 0 };
	struct sink out, err;
	enum fpv_repl_status st = FPV_REPL_OK;
	size_t n, split, outlen, errlen;
	unsigned mode;

	if (size == 0)
		return 0;
	mode = data[0];
	n = size - 1;
	split = find_marker(s, n);
	if (split < n) {
		size_t after = split + sizeof marker - 1;

		after += after < n;	/* the marker's newline */
		lt.text = s + after;
		lt.len = n - after;
	}

	fpv_session_init(&session);
	if (fpv_formats_parse(&session.ctx, rows[MODE_ROWS(mode)],
	    strlen(rows[MODE_ROWS(mode)]), &why) < 0)
		abort();
	fpv_repl_init(&r, &session, &display);
	r.json = (mode & MODE_JSON) != 0;
	r.opts.steps = (mode & MODE_STEPS) != 0;
	r.opts.color = !r.json && (mode & MODE_COLOR) != 0;
	r.err_color = (mode & MODE_COLOR) != 0;
	r.batch = (mode & MODE_BATCH) != 0;
	r.max_line = mode & MODE_SHORT ? 64 : 0;
	r.load_lesson = load_lesson;
	r.load_arg = &lt;
	r.out = sink_open(&out);
	r.err = sink_open(&err);

	/* --lesson FILE, as main.c plays it in line mode. */
	if ((mode & MODE_LESSON) && lt.text != NULL) {
		bool batch = r.batch;

		r.batch = true;
		st = fpv_repl_lesson(&r, "fuzz.lesson");
		r.batch = batch;
	}
	/* The session's lines, as -f reads them (unless the output failed:
	 * fpviz stops then). */
	if (split > 0 && st != FPV_REPL_WRITE_ERROR) {
		FILE *in = fmemopen((void *)(uintptr_t)s, split, "r");

		if (in == NULL)
			abort();
		fpv_repl_read(&r, in, "fuzz");
		fclose(in);
	}
	complete_lines(&session, s, split);

	/* A stream that filled up fails to close; any other failure is
	 * the harness's. */
	if ((fclose(r.out) != 0 && !out.full) ||
	    (fclose(r.err) != 0 && !err.full))
		abort();
	outlen = sink_checked(&out);
	errlen = sink_checked(&err);
	if (getenv("FUZZ_SESSION_SHOW") != NULL) {
		/* To read what an input does: its output and errors. */
		fwrite(out.buf, 1, out.len, stdout);
		fwrite(err.buf, 1, err.len, stdout);
	}
	if (r.json)
		check_json_lines(out.buf, outlen);
	else
		check_text("the output", out.buf, outlen, r.opts.color);
	check_text("the error output", err.buf, errlen, r.err_color);
	free(out.buf);
	free(err.buf);
	fpv_repl_free(&r);
	fpv_session_free(&session);
	return 0;
}
