/*
 * The line handler (line.c), which line mode and the full-screen view
 * share: commands and expressions, the snapshot of the variables before
 * the last line, re-evaluation after :set, errors that change nothing,
 * and the states a lesson keeps, and a lesson's scope.
 *
 * The first test is the regression of the two copies that once
 * diverged: "x = 0.1", "x*10 - 1" has the exact value 0; when x's exact
 * reference was a 256-bit approximation of 1/10 (with a mark that
 * made the cancellation below its accuracy zero), line mode's copy of
 * the variables dropped the mark, so after ":set round nearest" the same
 * line gave exact 2.2e-78, the residue of the approximation.  Now x is
 * exactly 1/10; every copy must keep the reference whole.
 */
#include <stdio.h>
#include <string.h>

#include "fpviz/line.h"
#include "formats.h"
#include "tap.h"

static struct fpv_session S;
static struct fpv_display D = { false, false };
static struct fpv_line L;

/* Run a line; its status. */
static enum fpv_line_status
run(const char *line, struct fpv_line_result *res)
{
	fpv_line_run(&L, line, strlen(line), 1, res);
	return res->status;
}

/* Run a line and forget its result; its status. */
static enum fpv_line_status
run1(const char *line)
{
	struct fpv_line_result res;
	enum fpv_line_status st = run(line, &res);

	fpv_line_result_free(&res);
	return st;
}

/* The exact reference of the last line's result. */
static const struct fpv_exact *
exact(void)
{
	return &fpv_trace_result(fpv_line_trace(&L))->exact;
}

/* Is x exactly zero? */
static bool
exact_zero(const struct fpv_exact *x)
{
	return x->kind == FPV_EXACT_Q && fmpz_is_zero(x->num);
}

/* x's decimal to 40 digits, or "" when x is not exact. */
static const char *
exact_text(const struct fpv_exact *x)
{
	static struct fpv_exact_text d;

	fpv_exact_describe_value(x, 40, &d);
	return d.state == FPV_EXACT_S_EXACT && !d.rounded ? d.num : "";
}

/* Column f's bits of variable name. */
static uint64_t
var_bits(const char *name, int f)
{
	const struct fpv_var *v = fpv_session_var(&S, name, strlen(name));

	return v ? v->bits[f] : ~(uint64_t)0;
}

static void
regression_approx(void)
{
	struct fpv_line_result res;

	ok(run1("x = 0.1") == FPV_LINE_VALUE, "x = 0.1");
	ok(run1("x*10 - 1") == FPV_LINE_VALUE && exact_zero(exact()),
	    "x*10 - 1 is exactly 0");
	ok(run(":set round nearest", &res) == FPV_LINE_COMMAND &&
	    res.reply.action == FPV_CMD_REEVAL && res.reeval == 1,
	    ":set round nearest evaluates the line again");
	fpv_line_result_free(&res);
	ok(exact_zero(exact()), "after :set the exact value is still 0, not "
	    "the residue of an approximation");
	ok(strcmp(fpv_line_trace(&L)->ast.src, "x*10 - 1") == 0,
	    "the line evaluated again is the last one");
	ok(strcmp(exact_text(&fpv_session_var(&S, "x", 1)->exact), "0.1") ==
	    0, "x's exact reference is still exactly 0.1");
	/* A second :set, from the same snapshot, gives the same again. */
	ok(run1(":set round nearest") == FPV_LINE_COMMAND &&
	    exact_zero(exact()), "and again after a second :set");
}

static void
no_compounding(void)
{
	struct fpv_line_result res;
	uint64_t two16 = 0x4000;	/* fp16 2 */

	fpv_session_clear_vars(&S);
	run1("x = 1");
	ok(run1("x = x + 1") == FPV_LINE_VALUE &&
	    var_bits("x", FPV_FP16) == two16, "x = x + 1 makes x 2");
	ok(run(":set round up", &res) == FPV_LINE_COMMAND && res.reeval == 1,
	    ":set round up evaluates x = x + 1 again");
	fpv_line_result_free(&res);
	ok(var_bits("x", FPV_FP16) == two16,
	    "from the variables before it: x is 2, not 3");
	ok(var_bits("ans", FPV_FP16) == two16, "and so is ans");
	ok(S.ctx.round == FPV_RND_UP, "the setting took");
	run1(":set round nearest");
}

static void
errors_change_nothing(void)
{
	struct fpv_line_result res;
	const struct fpv_trace *before;
	size_t nvars;

	run1("y = 3");
	before = fpv_line_trace(&L);
	nvars = S.nvars;
	run("1 +", &res);
	ok(res.status == FPV_LINE_ERROR && res.err.line == 1 &&
	    res.err.col == 4, "a bad expression is an error at 1:4 (%d:%d %s)",
	    res.err.line, res.err.col, res.err.msg);
	fpv_line_result_free(&res);
	ok(fpv_line_trace(&L) == before &&
	    strcmp(fpv_line_trace(&L)->ast.src, "y = 3") == 0 &&
	    S.nvars == nvars, "the last line and the variables stay");
	run("  :set round sideways", &res);
	ok(res.status == FPV_LINE_ERROR && res.err.col == 14,
	    "a bad command is an error at its word's column (%d: %s)",
	    res.err.col, res.err.msg);
	fpv_line_result_free(&res);
	ok(S.ctx.round == FPV_RND_NEAREST, "and changes no setting");
	ok(run1("") == FPV_LINE_NONE && run1("# a comment") == FPV_LINE_NONE &&
	    fpv_line_trace(&L) == before, "empty lines and comments do nothing");
	/* :clear ends re-evaluation from the snapshot: the last line, which
	 * needs x, cannot be evaluated again, and nothing changes. */
	run1("x = 1");
	run1("x = x + 1");
	ok(run1(":clear") == FPV_LINE_COMMAND && S.nvars == 0, ":clear");
	ok(run(":set round up", &res) == FPV_LINE_COMMAND && res.reeval == -1 &&
	    strstr(res.err.msg, "unknown variable") != NULL,
	    "after :clear, re-evaluating x = x + 1 fails (%s)", res.err.msg);
	fpv_line_result_free(&res);
	ok(S.nvars == 0 && strcmp(fpv_line_trace(&L)->ast.src,
	    "x = x + 1") == 0, "and changes nothing");
	run1(":set round nearest");
}

static void
without_snapshots(void)
{
	struct fpv_line_result res;

	L.snapshots = false;
	run1("z = 5");
	run1("z = z * 2");
	ok(run(":set round zero", &res) == FPV_LINE_COMMAND &&
	    res.reply.action == FPV_CMD_REEVAL && res.reeval == 0,
	    "without snapshots (batch mode) a :set re-evaluates nothing");
	fpv_line_result_free(&res);
	ok(var_bits("z", FPV_FP16) == 0x4900, "z is 10 once (fp16 0x4900)");
	ok(!L.have_snap, "no snapshot is kept");
	L.snapshots = true;
	run1(":set round nearest");
}

static void
states(void)
{
	struct fpv_line_state st;
	const char *why;

	fpv_session_clear_vars(&S);
	run1("a = 0.1");
	ok(fpv_line_save(&L, &st) == 0, "a state is kept");
	run1(":set round down");
	set_int8_scale(&S.ctx, "0.5", &why);
	D.big = true;
	run1("b = 2");
	run1(":clear");
	ok(fpv_line_restore(&L, &st) == 0, "and restored");
	ok(S.ctx.round == FPV_RND_NEAREST &&
	    fpv_grid_scale_is_one(CFMT(&S.ctx, FPV_INT8)) && !D.big,
	    "settings and display are back");
	ok(S.nvars == 2 && fpv_session_var(&S, "a", 1) != NULL &&
	    fpv_session_var(&S, "b", 1) == NULL, "so are the variables");
	ok(strcmp(exact_text(&fpv_session_var(&S, "a", 1)->exact), "0.1") ==
	    0, "a's exact reference came back whole");
	ok(fpv_line_restore(&L, &st) == 0 && S.nvars == 2,
	    "a state can be restored again");
	/* Two other variables (as many), looked up; then the state: its
	 * names are found again, the others not. */
	run1(":clear");
	run1("p = 1");
	ok(fpv_session_var(&S, "p", 1) != NULL && S.nvars == 2,
	    "p and ans, as many variables as the state has");
	ok(fpv_line_restore(&L, &st) == 0 &&
	    fpv_session_var(&S, "a", 1) != NULL &&
	    fpv_session_var(&S, "p", 1) == NULL &&
	    fpv_session_var(&S, "ans", 3) != NULL,
	    "after restoring, lookups find the state's names, not the old ones");
	fpv_line_state_free(&st);
}

/* The fp64 bits of the machine double d. */
static uint64_t
dbits(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof b);
	return b;
}

/*
 * A lesson's scope: fpv_line_enter keeps the settings, display,
 * variables and the last line; whatever the lesson changes (rounding,
 * a grid's scale, the rows, a format definition, big, variables) is
 * undone by fpv_line_leave, which also gives back the last line with its
 * snapshot, so that a :set after the lesson evaluates that line again
 * from the variables it started with.  The expected fp64 bits are the
 * machine's: (double)0.1 * 3 and (double)0.1 * 3 * 3 (y = y * 3 twice).
 */
static void
scope(void)
{
	struct fpv_line_state st;
	struct fpv_line_result res;
	const char *why;
	uint64_t once = dbits(0.1 * 3.0), twice = dbits(0.1 * 3.0 * 3.0);

	fpv_session_clear_vars(&S);
	L.snapshots = true;
	run1("y = 0.1");
	run1("y = y * 3");
	ok(var_bits("y", FPV_FP64) == once, "y = 0.1 * 3");
	ok(fpv_line_enter(&L, &st) == 0 && fpv_line_trace(&L) == NULL &&
	    !L.have_snap, "a lesson starts: no last line until it shows one");
	run1(":set round up");
	ok(set_int8_scale(&S.ctx, "0.1", &why) == 0, "int8.scale 0.1");
	run1(":formats fp16,bf16");
	run1(":format e3m4 e3m4");
	D.big = true;
	run1("z = 7");
	run1("y = y * 3");
	ok(S.ctx.round == FPV_RND_UP && S.ctx.ncols == 2 &&
	    fpv_ctx_find(&S.ctx, "e3m4", 4) >= 0 &&
	    fpv_session_var(&S, "z", 1) != NULL, "the lesson changed them");
	ok(fpv_line_leave(&L, &st) == 0, "the lesson ends");
	ok(S.ctx.round == FPV_RND_NEAREST &&
	    fpv_grid_scale_is_one(CFMT(&S.ctx, FPV_INT8)) &&
	    S.ctx.ncols == FPV_NFORMATS && S.ctx.cols[FPV_FP64] == FPV_FP64 &&
	    fpv_ctx_find(&S.ctx, "e3m4", 4) < 0 && !D.big,
	    "rounding, scale, rows, format definitions and big are back");
	ok(fpv_session_var(&S, "z", 1) == NULL &&
	    var_bits("y", FPV_FP64) == once, "so are the variables (y is "
	    "0.1 * 3, not 0.1 * 3 * 3)");
	ok(fpv_line_trace(&L) != NULL &&
	    strcmp(fpv_line_trace(&L)->ast.src, "y = y * 3") == 0 &&
	    fpv_trace_result_cells(fpv_line_trace(&L))[FPV_FP64].bits == once,
	    "the last line before the lesson is the last line again");
	ok(run(":set round nearest", &res) == FPV_LINE_COMMAND &&
	    res.reeval == 1 && var_bits("y", FPV_FP64) == once,
	    "a :set evaluates it again from its snapshot: y stays 0.1 * 3");
	fpv_line_result_free(&res);
	ok(once != twice, "(which differs from 0.1 * 3 * 3)");
	fpv_line_state_free(&st);

	/* Nothing shown before the lesson: nothing shown after it. */
	fpv_line_free(&L);
	fpv_line_init(&L, &S, &D);
	ok(fpv_line_enter(&L, &st) == 0, "a lesson starts on nothing shown");
	run1("2 + 2");
	ok(fpv_line_trace(&L) != NULL, "it shows its line");
	ok(fpv_line_leave(&L, &st) == 0 && fpv_line_trace(&L) == NULL,
	    "after it, nothing is shown again");
	fpv_line_state_free(&st);
}

static void
var_copy(void)
{
	struct fpv_var a, b;

	memset(&a, 0, sizeof a);
	a.name = (char *)"v";
	a.nfmt = 2;
	a.fmt[1] = FPV_FP32;
	a.bits[1] = 0x3dcccccd;
	/* A ball of pi at 512 bits, fixed as a variable's is. */
	fpv_exact_init(&a.exact);
	fpv_exact_set_const(&a.exact, FPV_CONST_PI, 512);
	a.exact.fixed = true;
	ok(fpv_var_copy(&b, &a) == 0 && strcmp(b.name, "v") == 0 &&
	    b.name != a.name && b.nfmt == 2 && b.fmt[1] == FPV_FP32 &&
	    b.bits[1] == 0x3dcccccd && b.exact.kind == FPV_EXACT_BALL &&
	    b.exact.prec == 512 && b.exact.fixed &&
	    arb_equal(a.exact.ball, b.exact.ball),
	    "fpv_var_copy copies name, formats, bits and the exact reference "
	    "whole");
	fpv_var_clear(&b);
	fpv_exact_clear(&a.exact);
}

int
main(void)
{
	fpv_session_init(&S);
	fpv_line_init(&L, &S, &D);
	ok(fpv_line_trace(&L) == NULL, "nothing evaluated yet");
	regression_approx();
	no_compounding();
	errors_change_nothing();
	without_snapshots();
	states();
	scope();
	var_copy();
	fpv_line_free(&L);
	fpv_session_free(&S);
	return tap_done();
}
