/*
 * libFuzzer target over the whole path of a line: parse, evaluate in
 * every format, and render as text (with every step) and as JSON Lines,
 * into /dev/null.  Errors are rendered too.  The input is split into
 * lines like a -f FILE, so assignments made on one line are used by the
 * next (a line of more than STEPS_MAX steps is rendered without them);
 * the session lives across inputs and its variables are cleared now and
 * then.  The input's length picks the rounding mode and the int8
 * overflow rule, so every setting is exercised.
 *
 * Beyond "no crash, no sanitizer report", it checks what the parser
 * promises: operands come before their node, spans lie within the line,
 * an error has a located, non-empty, printable one-line message; and
 * what the text layouts promise: laid out for a width (picked by the
 * input's length), the table has the same characters but blanks as its
 * one-line rows, in the same order (on lines without vectors: a
 * narrower layout shows fewer of a vector's elements).
 *
 * Build: configure --enable-fuzzing CC=clang; see tests/fuzz/README.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/parse.h"
#include "fpviz/command.h"
#include "fpviz/render.h"
#include "fpviz/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fpv_session session;
static struct fpv_trace trace;
static FILE *devnull;
static unsigned long runs;

/* Stop the fuzzer with a message: a broken promise is a finding. */
static void
broken(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz-eval: %s on line '%.*s'\n", what,
	    (int)(len > 200 ? 200 : len), line);
	abort();
}

/* Check the parsed line's structure. */
static void
check_ast(const struct fpv_ast *a, const char *line, size_t len)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct fpv_node *n = &a->nodes[i];
		uint32_t args[3];
		int k = fpv_trace_args(&trace, i, args);

		for (int j = 0; j < k; j++)
			if (args[j] >= i)
				broken("operand after its node", line, len);
		if (n->start > n->end || n->end > a->len ||
		    n->tok < n->start || n->tok + n->toklen > n->end)
			broken("span outside the line", line, len);
	}
	if (a->assign && a->name + a->namelen > a->len)
		broken("assigned name outside the line", line, len);
}

/* Check an error: located within the line, one printable line of text. */
static void
check_error(const struct fpv_error *err, int lineno, const char *line,
    size_t len)
{
	if (err->line != lineno || err->col < 1 ||
	    (size_t)err->col > len + 1)
		broken("error location outside the line", line, len);
	if (err->msg[0] == '\0')
		broken("empty error message", line, len);
	for (const char *c = err->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			broken("control character in an error message", line,
			    len);
}

/*
 * Lines of more steps are rendered without them: the text and JSON of
 * every step in every format are linear in both (a 700-term product in
 * all 16 formats is 11 MB of output, 1.6 s under the sanitizers), and
 * shorter lines reach every branch of the step renderers.
 */
#define STEPS_MAX 256

/* The text of t (with its steps: steps) without its blanks and line
 * ends, as a new string. */
static char *
render_ink(const struct fpv_trace *t, bool steps, int width)
{
	struct fpv_render_opts o = { .steps = steps, .width = width };
	char *buf = NULL;
	size_t n = 0, k = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		abort();
	fpv_render_text(f, t, &o);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != ' ' && buf[i] != '\n')
			buf[k++] = buf[i];
	buf[k] = '\0';
	return buf;
}

/* Evaluate one line and render whatever came of it. */
static void
run_line(const char *line, size_t len, int lineno, bool color, int width)
{
	struct fpv_render_opts text = { .steps = true, .color = color };
	struct fpv_render_opts json = { .steps = true };
	struct fpv_error err;
	int rc;

	rc = fpv_eval_line(&session, line, len, lineno, &trace, &err);
	if (rc > 0 && trace.nsteps > STEPS_MAX)
		text.steps = json.steps = false;
	if (rc > 0) {
		check_ast(&trace.ast, line, len);
		fpv_render_text(devnull, &trace, &text);
		fpv_render_json(devnull, &trace, &json);
		/* A width lays the same words out on more lines, except a
		 * vector's elements: a narrower line shows fewer of them
		 * (first and last, the rest elided). */
		if (!fpv_trace_has_vec(&trace)) {
			char *wide = render_ink(&trace, text.steps, 0);
			char *narrow = render_ink(&trace, text.steps, width);

			if (strcmp(wide, narrow) != 0)
				broken("the layout at a width changed the text",
				    line, len);
			free(wide);
			free(narrow);
		}
	} else if (rc < 0) {
		check_error(&err, lineno, line, len);
		fpv_render_error(devnull, &err, color);
		fpv_render_json_error(devnull, line, len, &err);
	}
}

/* One input: its lines in turn, in one session. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t start = 0;
	int lineno = 1;

	if (devnull == NULL) {
		fpv_session_init(&session);
		fpv_trace_init(&trace);
		if ((devnull = fopen("/dev/null", "w")) == NULL) {
			perror("/dev/null");
			abort();
		}
	}
	if (++runs % 64 == 0)
		fpv_session_clear_vars(&session);
	session.ctx.round = (enum fpv_round)(size % 4);
	{
		/* The rows: the default ones, the preset ml, or all formats;
		 * each format's overflow setting by the size's bits. */
		static const char *const lists[] = { "default", "ml", "all" };
		const char *l = lists[(size / 8) % 3];
		struct fpv_cmd_why why;

		if (fpv_formats_parse(&session.ctx, l, strlen(l), &why) < 0)
			abort();
		for (int k = 0; k < session.ctx.ncols; k++) {
			int i = session.ctx.cols[k];
			const struct fpv_format *f = fpv_ctx_format(&session.ctx, i);
			enum fpv_overflow o = (enum fpv_overflow)((size / 4 + k) %
			    FPV_OVF_COUNT);

			if (f->overflow != o && fpv_format_overflow_ok(f, o)) {
				struct fpv_format *w = fpv_ctx_edit_format(
				    &session.ctx, i);
				const char *msg;

				w->overflow = o;
				fpv_format_derive(w, &msg);
			}
		}
	}
	while (start < size) {
		const char *nl = memchr(s + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - s) : size;

		run_line(s + start, end - start, lineno++, size % 3 == 0,
		    20 + (int)(size * 7 % 181));
		start = end + 1;
	}
	return 0;
}
