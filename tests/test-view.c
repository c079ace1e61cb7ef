/*
 * The full-screen view's model and layout without a terminal: the bits
 * of a format wrapped by field within a width (view_wrap_bits), against
 * layouts worked out by hand from the formats' fields, and the selection
 * of a row by its format's name (fpv_view_select_format), which lesson
 * directives use.
 *
 * The wrapping, by hand: fp64 is 1 sign bit, 11 exponent bits and 52
 * fraction bits, 66 columns with the two spaces between fields.  Within
 * 64 columns the head "s eeeeeeeeeee " takes 14, leaving 50 for the
 * fraction on each line: two lines of 26 bits, rounded up to a multiple
 * of four, 28 and 24, the second under the fraction's start (column 14).
 * Within 30 columns 16 are left: four lines of 13, rounded to 16, 16, 16
 * and 4 (the rounding would cost no line: 52/16 is 4 lines either way).
 * Within 20 columns 6 are left beside the head, too few for pieces of
 * even eight lines (52/8 = 7 bits): the head alone on the first line,
 * the fraction on lines of its own at the left, ceil(52/3) = 18 bits
 * rounded to 20 (still three lines): 20, 20 and 12.  Within 12 columns
 * not even the head fits: one line, drawn clipped (never so narrow: the
 * view is 40 columns at least).
 */
#include <stdio.h>
#include <string.h>

#include "fpviz/view-impl.h"
#include "tap.h"

/* The model reads this flag (view.c sets it); the test never does. */
volatile sig_atomic_t view_stop_signal;

/* The layout of f's bits within width as "n cont: [a,b) [a,b) ...". */
static const char *
wrap(const char *name, int width)
{
	static char buf[256];
	const struct fpv_format *f = fpv_builtin_by_name(name, strlen(name));
	struct view_bitwrap bw;
	size_t n;

	view_wrap_bits(f, width, &bw);
	n = (size_t)snprintf(buf, sizeof buf, "%d %d:", bw.n, bw.cont);
	for (int j = 0; j < bw.n && n < sizeof buf; j++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " [%d,%d)",
		    bw.from[j], bw.to[j]);
	return buf;
}

/* Check the wrapping of name within width against want. */
static void
check_wrap(const char *name, int width, const char *want)
{
	const char *got = wrap(name, width);

	if (!ok(strcmp(got, want) == 0, "%s within %d columns: %s", name,
	    width, want))
		diag("got %s", got);
}

int
main(void)
{
	struct fpv_session s;
	struct fpv_display d = { false, false };
	struct fpv_view v;

	/* ---- Bits wrapped by field ---- */
	check_wrap("fp16", 18, "1 0: [0,16)");
	check_wrap("fp64", 66, "1 0: [0,64)");
	check_wrap("fp64", 64, "2 14: [0,40) [40,64)");
	check_wrap("fp64", 30, "4 14: [0,28) [28,44) [44,60) [60,64)");
	check_wrap("fp64", 20, "4 0: [0,12) [12,32) [32,52) [52,64)");
	check_wrap("fp64", 12, "1 0: [0,64)");
	check_wrap("fp32", 34, "1 0: [0,32)");
	/* fp32 in 30: head "s eeeeeeee " 11, 19 left: two lines of 12
	 * (23 bits, 12 rounded from 11.5): 9+12 = [0,21), then [21,32). */
	check_wrap("fp32", 30, "2 11: [0,21) [21,32)");
	check_wrap("int8", 9, "1 0: [0,8)");
	{
		/* Every bit exactly once, in order, whatever the width. */
		const char *names[] = { "fp16", "fp32", "fp64", "bf16",
		    "int8", "fp8e4m3" };
		int bad = 0;

		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			const struct fpv_format *f = fpv_builtin_by_name(
			    names[k], strlen(names[k]));

			for (int width = 4; width <= 80; width++) {
				struct view_bitwrap bw;
				int next = 0;

				view_wrap_bits(f, width, &bw);
				for (int j = 0; j < bw.n; j++) {
					bad += bw.from[j] != next;
					next = bw.to[j];
				}
				bad += next != f->bits;
			}
		}
		ok(bad == 0, "every width from 4 to 80: each bit once, in order");
	}

	/* ---- Selecting a row by its format's name ---- */
	fpv_session_init(&s);
	view_init(&v, &s, &d);
	ok(v.sel == 0, "the first row is selected at first");
	ok(fpv_view_select_format(&v, "fp64") == 0 && v.sel == 2,
	    "fp64 is the third of the default rows");
	ok(fpv_view_select_format(&v, "bf16") == -1 && v.sel == 2,
	    "bf16 is no row: -1, the selection stays");
	view_submit(&v, ":formats ml");
	view_submit(&v, "0.1 + 0.2");
	ok(view_trace(&v) != NULL, "0.1 + 0.2 in the ml rows");
	ok(fpv_view_select_format(&v, "bf16") == 0 && v.sel == 1,
	    "bf16 is the second of the ml rows");
	ok(fpv_view_select_format(&v, "int4") == 0 && v.sel == 7,
	    "int4 the eighth");
	ok(fpv_view_select_format(&v, "fp64") == -1 && v.sel == 7,
	    "fp64 is not among them");
	view_prepare(&v);
	ok(v.det.valid && v.det.fmt == 7, "the detail pane follows: int4's");
	view_free(&v);
	fpv_session_free(&s);
	return tap_done();
}
