/*
 * Lean traces: a line of more than FPV_TRACE_LEAN_STEPS steps evaluated
 * with may_be_lean keeps only its result and its operands.  Everything
 * shown of it (the result's JSON and text, the exact reference and its
 * refinement, error figures, the variable it assigns) must be what the
 * full trace of the same line gives; the truths are that full trace and,
 * for two lines, values known by hand or computed independently by bc.
 */
#define _GNU_SOURCE		/* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/render.h"
#include "fpviz/trace.h"
#include "formats.h"
#include "tap.h"

/* "t1 op t2 op ... tn" of n copies of term joined by op, then tail. */
static char *
repeat(const char *term, const char *op, size_t n, const char *tail)
{
	size_t lt = strlen(term), lo = strlen(op), len = 0;
	char *s = malloc(n * (lt + lo) + strlen(tail) + 1);

	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			memcpy(s + len, op, lo);
			len += lo;
		}
		memcpy(s + len, term, lt);
		len += lt;
	}
	strcpy(s + len, tail);
	return s;
}

/* What is rendered of t's result, text and JSON, in one string. */
static char *
rendered(const struct fpv_trace *t)
{
	struct fpv_render_opts o = { .steps = false };
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	fpv_render_text(f, t, &o);
	fpv_render_json(f, t, &o);
	fclose(f);
	return buf;
}

/*
 * Evaluate prelude (lines separated by ';', may be "") and then line in a
 * fresh session, lean or not; returns what is rendered and the assigned
 * variable z's exact reference in words, in *zdesc.
 */
static char *
run(const char *prelude, const char *line, bool lean, bool *was_lean,
    char *zdesc, size_t zsize)
{
	struct fpv_session s;
	struct fpv_trace t;
	struct fpv_error err;
	char *out, *pre = strdup(prelude), *save = NULL;

	fpv_session_init(&s);
	fpv_trace_init(&t);
	for (char *p = strtok_r(pre, ";", &save); p != NULL;
	    p = strtok_r(NULL, ";", &save))
		fpv_eval_line(&s, p, strlen(p), 1, &t, &err);
	free(pre);
	t.may_be_lean = lean;
	if (fpv_eval_line(&s, line, strlen(line), 2, &t, &err) != 1) {
		diag("error: %d:%d: %s", err.line, err.col, err.msg);
		out = strdup("error");
	} else {
		out = rendered(&t);
	}
	*was_lean = t.lean;
	zdesc[0] = '\0';
	{
		const struct fpv_var *z = fpv_session_var(&s, "z", 1);

		if (z != NULL) {
			struct fpv_exact_text d;

			fpv_exact_describe_value(&z->exact, 40, &d);
			snprintf(zdesc, zsize, "%d %ld %s", (int)d.state, d.n,
			    d.num);
		}
	}
	fpv_trace_free(&t);
	fpv_session_free(&s);
	return out;
}

/* The lean and the full evaluation of line agree in all they show. */
static void
same(const char *name, const char *prelude, const char *line)
{
	bool l1, l2;
	char z1[160], z2[160];
	char *full = run(prelude, line, false, &l1, z1, sizeof z1);
	char *lean = run(prelude, line, true, &l2, z2, sizeof z2);

	ok(!l1 && l2, "%s: the line is lean only when allowed", name);
	if (!ok(strcmp(full, lean) == 0, "%s: lean shows what full shows",
	    name))
		diag("full:\n%s\nlean:\n%s", full, lean);
	ok(strcmp(z1, z2) == 0, "%s: the variable assigned is the same (%s)",
	    name, z2);
	free(full);
	free(lean);
}

int
main(void)
{
	/* Every line has more than 65536 steps. */
	char *ones = repeat("1", "+", 33000, "");
	char *vars = repeat("x*y", "+", 17000, "");
	char *casts = repeat("fp16(0.1)+fp16:0x3c01", "+", 14000, "");
	char *cancel = repeat("(1e16+1-1e16)", "+", 11000, "");
	char *tiny = repeat("1e-30*0.5", "+", 17000, "-1e-30*8500");
	/* One ball among 22000 rationals, cancelled down to 2^-57 of
	 * itself: certifying it raises the precision, which a lean trace
	 * does by computing the line again from its text. */
	char *raise = repeat("1*1", "+", 22000,
	    "+sin(1)-22000-0.8414709848078965");
	char *assign;
	bool l;
	char z[160];
	char *out;

	same("ones", "", ones);
	same("variables", "x = 0.1;y = 3", vars);
	same("casts and bit patterns", "", casts);
	same("cancellation", "", cancel);
	same("tiny", "", tiny);
	same("a raised ball", "", raise);
	assign = malloc(strlen(raise) + 5);
	strcpy(assign, "z = ");
	strcat(assign, raise);
	same("an assignment", "", assign);

	/* Hand-known: 33000 ones; fp16 stops at 2048 (2048 + 1 is a tie,
	 * to even), fp32 and fp64 count exactly. */
	out = run("", ones, true, &l, z, sizeof z);
	ok(strstr(out, "\"exact\": \"33000\"") != NULL &&
	    strstr(out, "\"bits\": \"0x6800\"") != NULL &&
	    strstr(out, "\"bits\": \"0x4700e800\"") != NULL,
	    "ones: exact 33000, fp16 0x6800 (2048), fp32 0x4700e800");
	free(out);
	/* bc -l, scale=60: s(1) - 0.8414709848078965 =
	 * .000000000000000006652502321630298999622563060798371065672751 */
	out = run("", assign, true, &l, z, sizeof z);
	ok(strstr(out, "6.652502321630298999622563060798371065673e-18") !=
	    NULL, "the raised ball: sin(1) - 0.8414709848078965 to 40 digits");
	free(out);

	free(ones);
	free(vars);
	free(casts);
	free(cancel);
	free(tiny);
	free(raise);
	free(assign);
	return tap_done();
}
