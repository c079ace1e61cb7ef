/*
 * Steps in words (describe.c): descriptions in the exact reference's
 * values and in each column's own, and ties decided exactly.  Ties are
 * checked against cases derived by hand and, for fp16 + - *, against an
 * independent rule in double arithmetic (where those results are exact).
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/describe.h"
#include "formats.h"
#include "tap.h"

static struct fpv_session S;
static struct fpv_trace T;

#define M FPV_DEC_MARK
#define ARROW "\xe2\x86\x92"

/* Evaluate line in the session; ok or a diagnostic. */
static bool
eval(const char *line)
{
	struct fpv_error err;

	if (fpv_eval_line(&S, line, strlen(line), 1, &T, &err) == 1)
		return true;
	diag("%s: %s", line, err.msg);
	return false;
}

/* Step i's description in column f of the last line (in a static
 * buffer: evaluate the line first, in a statement of its own, since the
 * order in which a call's arguments are evaluated is unspecified). */
static const char *
cell(size_t i, int f)
{
	static char buf[512];

	fpv_describe_cell(&T, i, f, buf, sizeof buf);
	return buf;
}

/* Step i's format-neutral description. */
static const char *
neutral(size_t i)
{
	static char buf[512];

	fpv_describe_step(&T, i, buf, sizeof buf);
	return buf;
}

/* Is the last step of line a tie in column f? */
static bool
tie(const char *line, int f)
{
	return eval(line) && fpv_describe_tie(&T, T.nsteps - 1, f) != FPV_TIE_NONE;
}

/* Set a :set-like setting directly. */
static void
scale(const char *s)
{
	const char *why;

	set_int8_scale(&S.ctx, s, &why);
}

static void
descriptions(void)
{
	/* A literal is its text. */
	ok(eval("0.1") && strcmp(neutral(0), "0.1") == 0 &&
	    strcmp(cell(0, FPV_FP16), "0.1") == 0, "a literal is its text");
	ok(eval("-0.1") && strcmp(cell(0, FPV_FP32), "-0.1") == 0,
	    "a negative literal is its text");
	ok(eval("pi") && strcmp(cell(0, FPV_FP64), "pi") == 0,
	    "a constant is its name");
	/* fp16(0.1) + 1: every column adds its own stored 0.1. */
	ok(eval("fp16(0.1) + 1"), "fp16(0.1) + 1 evaluates");
	ok(strcmp(cell(3, FPV_FP16), "0.0999755859375 + 1") == 0,
	    "fp16 row: 0.0999755859375 + 1 (%s)", cell(3, FPV_FP16));
	ok(strcmp(cell(3, FPV_FP32), "0.0999755859375 + 1") == 0,
	    "fp32 row: the cast's result, 0.0999755859375 + 1");
	ok(strcmp(cell(3, FPV_INT8), "0 + 1") == 0, "int8 row: 0 + 1");
	ok(strcmp(cell(1, FPV_FP32), "fp16(" M "0.1) " ARROW
	    " 0.0999755859375") == 0, "the cast in fp32 says what it made (%s)",
	    cell(1, FPV_FP32));
	ok(strcmp(cell(1, FPV_FP16), "fp16(0.0999755859375)") == 0,
	    "the cast in fp16 changes nothing (%s)", cell(1, FPV_FP16));
	ok(strcmp(neutral(3), "0.1 + 1") == 0,
	    "neutral: the exact operands, 0.1 + 1 (%s)", neutral(3));
	/* 2 - 1e-7 is 1.99999988079071044921875 in fp32 (the fp32 number
	 * below 2, 2 - 2^-23): its shortest is 1.9999999, not 2. */
	ok(eval("(2 - 1e-7) - 2"), "(2 - 1e-7) - 2");
	ok(strcmp(cell(4, FPV_FP32), M "1.9999999 - 2") == 0,
	    "fp32: " M "1.9999999 - 2, not 2 - 2 (%s)", cell(4, FPV_FP32));
	ok(strcmp(cell(4, FPV_FP16), "2 - 2") == 0,
	    "fp16 rounds 2 - 1e-7 to 2: 2 - 2 (%s)", cell(4, FPV_FP16));
	/* Two inputs that differ in fp64 but not in fp32. */
	ok(eval("12.12345679 - 12.12345678"), "12.12345679 - 12.12345678");
	ok(strcmp(cell(2, FPV_FP64), M "12.12345679 - " M "12.12345678") == 0,
	    "fp64 tells the operands apart (%s)", cell(2, FPV_FP64));
	ok(strcmp(cell(2, FPV_FP32), M "12.123457 - " M "12.123457") == 0,
	    "fp32 stores them alike (%s)", cell(2, FPV_FP32));
	ok(strcmp(neutral(2), "12.12345679 - 12.12345678") == 0,
	    "neutral: 17 digits keep them apart (%s)", neutral(2));
	/* (1e4 + 1e-4) - 1e4: neutral operands are exact ones. */
	ok(eval("(1e4 + 1e-4) - 1e4"), "(1e4 + 1e-4) - 1e4");
	ok(strcmp(neutral(4), "10000.0001 - 10000") == 0 &&
	    strcmp(cell(4, FPV_FP16), "10000 - 10000") == 0 &&
	    strcmp(cell(2, FPV_FP16), "10000 + " M "0.0001") == 0,
	    "fp16 absorbs 1e-4: 10000 - 10000 (%s)", cell(4, FPV_FP16));
	/* Negative operands of infix operators in parentheses. */
	ok(eval("1 - -0.5"), "1 - -0.5");
	ok(strcmp(cell(2, FPV_FP16), "1 - (-0.5)") == 0 &&
	    strcmp(neutral(2), "1 - (-0.5)") == 0,
	    "1 - (-0.5) (%s)", cell(2, FPV_FP16));
	ok(eval("fma(2, 3, 4)") && strcmp(cell(3, FPV_FP64), "fma(2, 3, 4)")
	    == 0, "functions: fma(2, 3, 4)");
	ok(eval("-(0.5)") && strcmp(cell(1, FPV_FP16), "-(0.5)") == 0,
	    "negation: -(0.5)");
}

static void
ties(void)
{
	/* fp16 0.1 + 0.2 = 0.0999755859375 + 0.199951171875 =
	 * 0.2999267578125 = 1228.5 * 2^-12: a tie, to even 1228. */
	ok(tie("0.1 + 0.2", FPV_FP16), "fp16 0.1 + 0.2 is a tie");
	ok(strcmp(cell(2, FPV_FP16), "0.0999755859375 + 0.199951171875"
	    FPV_DESCRIBE_TIE) == 0, "and says so (%s)", cell(2, FPV_FP16));
	/* fp32: 13421773 * 2^-27 + 13421773 * 2^-26 = 40265319 * 2^-27,
	 * 10066329.75 ulps of 2^-25: no tie.  fp64: 0x1.999999999999ap-4 +
	 * 0x1.999999999999ap-3 = 0x1.33333333333338p-2, whose bits past the
	 * 52nd are exactly a half: a tie, to even ...334 (0.30000000000000004). */
	ok(!tie("0.1 + 0.2", FPV_FP32), "fp32 0.1 + 0.2 is not a tie");
	ok(tie("0.1 + 0.2", FPV_FP64), "fp64 0.1 + 0.2 is a tie");
	/* 65520 = (65504 + 65536) / 2: a tie that overflows. */
	ok(tie("65520", FPV_FP16), "fp16 65520 is a tie (to inf)");
	ok(!tie("65519", FPV_FP16) && !tie("65521", FPV_FP16),
	    "65519 and 65521 are not");
	/* 2^-25 is half the smallest subnormal: a tie, to 0. */
	ok(tie("2^-25", FPV_FP16), "fp16 2^-25 is a tie (to 0)");
	ok(!tie("2^-24", FPV_FP16), "fp16 2^-24 is exact");
	ok(tie("(-2)^-25", FPV_FP16), "fp16 (-2)^-25 is a tie too");
	/* 2049 lies halfway between fp16's 2048 and 2050. */
	ok(tie("2049", FPV_FP16) && !tie("2049", FPV_FP32),
	    "2049 is a tie in fp16, exact in fp32");
	ok(tie("fp16(2049)", FPV_FP32), "fp16(2049) in fp32: the cast's "
	    "rounding into fp16 is a tie");
	ok(strstr(cell(1, FPV_FP32), FPV_DESCRIBE_TIE) != NULL &&
	    strstr(cell(1, FPV_FP32), ARROW " 2048") != NULL,
	    "fp16(2049) " ARROW " 2048, a tie (%s)", cell(1, FPV_FP32));
	ok(tie("fp32:0x45001000", FPV_FP16),
	    "the bit pattern 2049.0f read into fp16 is a tie");
	ok(!tie("1/3", FPV_FP16) && !tie("sqrt(2)", FPV_FP64) &&
	    !tie("exp(1)", FPV_FP32), "1/3, sqrt(2), exp(1): no ties");
	/* Integer grids: value / scale halfway between integers. */
	ok(tie("7/2", FPV_INT8) && tie("2.5", FPV_INT8) && tie("0.5", FPV_INT8)
	    && tie("-1.5", FPV_INT8) && !tie("3", FPV_INT8),
	    "int8 scale 1: 7/2, 2.5, 0.5, -1.5 are ties, 3 is not");
	scale("0.1");
	/* 0.05 is not a binary fraction: decided from its text. */
	ok(tie("0.05", FPV_INT8) && tie("0.15", FPV_INT8) &&
	    !tie("0.16", FPV_INT8), "int8 scale 0.1: 0.05 and 0.15 are ties "
	    "(from the literal's text), 0.16 is not");
	ok(!tie("0.05", FPV_FP64), "fp64 0.05 is no tie");
	/* 0.5 + 0.2 = 0.7 in int8 steps of 0.1: exact, no tie; 0.1 * 0.5:
	 * 0.05, a tie of the product. */
	ok(!tie("0.5 + 0.2", FPV_INT8), "int8 0.5 + 0.2 is exact");
	ok(tie("0.1 * 0.5", FPV_INT8), "int8 0.1 * 0.5 = 0.05 is a tie");
	/* scale 0.8: 4 is q = 5; sqrt(4) = 2 = 2.5 steps: a tie of sqrt. */
	scale("0.8");
	ok(tie("sqrt(4)", FPV_INT8), "int8 scale 0.8: sqrt(4) = 2.5 * 0.8 is a "
	    "tie");
	scale("1");
	/* Only rounding to nearest has ties. */
	S.ctx.round = FPV_RND_UP;
	ok(!tie("0.1 + 0.2", FPV_FP16) && !tie("2.5", FPV_INT8),
	    "rounding up: no ties");
	S.ctx.round = FPV_RND_NEAREST;
	/* Powers with integer exponents are exact rationals: 3^7 = 2187
	 * is odd, halfway between fp16's 2186 and 2188 (2 apart there);
	 * 3^6 = 729 is exact. */
	ok(tie("3^7", FPV_FP16) && !tie("3^6", FPV_FP16),
	    "fp16 3^7 = 2187 is a tie, 3^6 = 729 exact");
}

/* Run a command in the session; ok or a diagnostic. */
static bool
cmd(const char *line)
{
	struct fpv_display d = { false, false };
	struct fpv_cmd_reply r;
	struct fpv_error err;
	int rc = fpv_command_run(&S, &d, line, strlen(line), 1, &r, &err);

	if (rc < 0)
		diag("%s: %s", line, err.msg);
	else
		fpv_cmd_reply_free(&r);
	return rc == 0;
}

/* Ties of formats other than IEEE's: no infinity (E4M3), finite only
 * (FP4), precision 1 (E8M0, ties away from zero), no subnormals. */
static void
other_formats(void)
{
	enum fpv_tie e;

	ok(cmd(":formats fp8e4m3,fp4e2m1,e8m0"), ":formats fp8e4m3,fp4e2m1,e8m0");
	/* E4M3: 448 = 1.110 x 2^8 is the largest, 480 (1.111) is NaN: 464
	 * is halfway and goes to the even 448; 496 is past half a step
	 * beyond 448 and overflows, no tie. */
	ok(tie("464", 0) && !tie("496", 0), "E4M3: 464 is a tie, 496 is not");
	/* FP4 (0 .. 6): 2.5 between 2 and 3, to the even 2; 7 halfway to
	 * the 8 beyond the largest 6: a tie (to 8, which saturates). */
	ok(tie("2.5", 1) && tie("7", 1) && !tie("6.5", 1),
	    "FP4: 2.5 and 7 are ties, 6.5 is not");
	/* E8M0 holds powers of two: 3 = 1.5 x 2 is halfway between 2 and 4
	 * and goes away from zero, to 4; 464 is not halfway (384 is). */
	ok(eval("3"), "3");
	ok((e = fpv_describe_tie(&T, 0, 2)) == FPV_TIE_AWAY &&
	    strstr(cell(0, 2), FPV_DESCRIBE_TIE_AWAY) != NULL,
	    "E8M0: 3 is a tie, away from zero (%s)", cell(0, 2));
	ok(tie("384", 2) && !tie("464", 2), "E8M0: 384 is a tie, 464 is not");
	/* e5m2 without subnormals: below 2^-14 only 0 and 2^-14, so the
	 * one tie is 2^-15 = 3.0517578125e-05 (to 0); with subnormals
	 * (fp8e5m2) 2^-15 is a value, and 2^-17 the tie below 2^-16. */
	ok(cmd(":format ns e5m2,nosub") && cmd(":formats ns,fp8e5m2"),
	    ":format ns e5m2,nosub");
	ok(tie("3.0517578125e-05", 0) && !tie("3.0517578125e-05", 1),
	    "no subnormals: 2^-15 is a tie; with them, a value");
	ok(!tie("1.52587890625e-05", 0) && tie("7.62939453125e-06", 1),
	    "2^-16: flushed, no tie; 2^-17: a tie below the smallest "
	    "subnormal 2^-16");
	ok(cmd(":formats default"), ":formats default");
}

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x1234567887654321u;

	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1du;
}

/* The double value of fp16 bits b (exact). */
static double
half(uint16_t b)
{
	int e = (b >> 10) & 0x1f, m = b & 0x3ff;
	double v = e == 0 ? ldexp(m, -24) : ldexp(m | 0x400, e - 25);

	return (b & 0x8000) ? -v : v;
}

/* Is the exact x (a double) halfway between two fp16 neighbours?  The
 * fp16 ulp at |x| is 2^(max(e, -14) - 10), e = floor(log2 |x|); a tie is
 * an odd multiple of half of it, below the overflow threshold 65520
 * inclusive. */
static bool
half_tie(double x)
{
	double a = fabs(x), u;
	int e;

	if (a == 0 || a > 65520)
		return false;
	frexp(a, &e);
	e -= 1;
	u = ldexp(1, (e < -14 ? -14 : e) - 10);
	/* a / (u/2) is an integer, and odd. */
	return fmod(a, u / 2) == 0 && fmod(a / (u / 2), 2) == 1;
}

static void
random_ties(void)
{
	static const char *const ops[] = { "+", "-", "*" };
	int bad = 0, seen = 0;

	for (int i = 0; i < 20000; i++) {
		uint16_t a = (uint16_t)rnd(), b = (uint16_t)rnd();
		int op = (int)(rnd() % 3);
		char line[64];
		double x;

		/* Finite operands of moderate size, so that the product too
		 * is exact in a double. */
		if (((a >> 10) & 0x1f) == 0x1f || ((b >> 10) & 0x1f) == 0x1f)
			continue;
		if (op == 1 && i % 2 == 0)
			b = (uint16_t)((a & 0xfc00) | (b & 0x3ff));	/* near */
		snprintf(line, sizeof line, "fp16:0x%04x %s fp16:0x%04x", a,
		    ops[op], b);
		x = op == 0 ? half(a) + half(b) : op == 1 ? half(a) - half(b) :
		    half(a) * half(b);
		if (!eval(line)) {
			bad++;
			continue;
		}
		if ((fpv_describe_tie(&T, T.nsteps - 1, FPV_FP16) != FPV_TIE_NONE)
		    != half_tie(x)) {
			if (bad++ < 5)
				diag("%s: tie %d, double rule %d", line,
				    (int)fpv_describe_tie(&T, T.nsteps - 1,
				    FPV_FP16), half_tie(x));
		}
		seen += half_tie(x);
	}
	ok(bad == 0 && seen > 100, "20000 random fp16 + - *: ties as the double "
	    "rule says (%d ties, %d differ)", seen, bad);
}

/* Step i's words and result in column f of the last line. */
static const char *
result(size_t i, int f)
{
	static char buf[512];

	fpv_describe_result(&T, i, f, buf, sizeof buf);
	return buf;
}

/*
 * Steps and what they made (the view's :steps), derived by hand: fp16
 * 0.1 is 0x2e66 = 0.0999755859375, 0.2 0x3266 = 0.199951171875, their
 * sum a tie rounded to 0.2998046875; 0.5 * 3 = 1.5 exactly; 1e4 / 0 is
 * inf with no rounding.
 */
static void
results(void)
{
	ok(eval("0.1+0.2") && strcmp(result(0, FPV_FP16),
	    "0.1 " ARROW " 0.0999755859375") == 0, "0.1 rounds in fp16 (%s)",
	    result(0, FPV_FP16));
	ok(eval("0.1+0.2") && strcmp(result(2, FPV_FP16), "0.0999755859375 "
	    "+ 0.199951171875 " ARROW " 0.2998046875" FPV_DESCRIBE_TIE) == 0,
	    "the fp16 sum rounds, a tie (%s)", result(2, FPV_FP16));
	ok(eval("0.5*3") && strcmp(result(0, FPV_FP16), "0.5") == 0 &&
	    strcmp(result(2, FPV_FP16), "0.5 * 3 = 1.5") == 0,
	    "0.5 is its own value; 0.5 * 3 = 1.5 exactly (%s)",
	    result(2, FPV_FP16));
	ok(eval("y = 0.5") && eval("y") && strcmp(result(0, FPV_FP16),
	    "y = 0.5") == 0, "a variable and its value (%s)",
	    result(0, FPV_FP16));
	ok(eval("fp16(0.1)") && strcmp(result(1, FPV_FP32), "fp16(" M "0.1) "
	    ARROW " 0.0999755859375") == 0, "a cast says once what it made "
	    "(%s)", result(1, FPV_FP32));
	ok(eval("1e4/0") && strcmp(result(2, FPV_FP16), "10000 / 0 = inf") ==
	    0, "1e4/0 is inf, not rounded (%s)", result(2, FPV_FP16));
}

/* The requantization of step i in column f of the last line. */
static const char *
requant(size_t i, int f)
{
	static char buf[512];

	fpv_describe_requant(&T, i, f, buf, sizeof buf);
	return buf;
}

/* Check the last step's requantization in int8 against want. */
static void
rq(const char *line, const char *want)
{
	const char *got;

	if (!eval(line)) {
		ok(0, "%s evaluates", line);
		return;
	}
	got = requant(T.nsteps - 1, FPV_INT8);
	ok(strcmp(got, want) == 0, "int8 %s: %s (got %s)", line, want, got);
}

/*
 * Requantization in decimal: each quotient worked out by hand (value /
 * scale + zero point, then rounded in the mode; past [-128, 127], what
 * saturation or wrapping modulo 256 leaves).
 */
static void
requantization(void)
{
	struct fpv_format *F;

	scale("0.1");
	/* 0.54 / 0.1 = 5.4: nearest is 5, below. */
	rq("0.54", "0.54 / 0.1 = 5.4 " ARROW " 5 (down, rounding to nearest)");
	/* -0.54 / 0.1 = -5.4: nearest -5 is above it. */
	rq("-0.54", "-0.54 / 0.1 = -5.4 " ARROW " -5 (up, rounding to "
	    "nearest)");
	/* 0.25 / 0.1 = 2.5: a tie, to even 2. */
	rq("0.25", "0.25 / 0.1 = 2.5 " ARROW " 2" FPV_DESCRIBE_TIE);
	/* 0.5 / 0.1 = 5 exactly: nothing to round. */
	rq("0.5", "0.5 / 0.1 = 5");
	/* 0.54 - 0.46: the operands are 0.5 and 0.5 on the grid, 0 / 0.1
	 * = 0. */
	rq("0.54 - 0.46", "0 / 0.1 = 0");
	/* 1/3: the grid's 1 and 3, 1/3 / 0.1 = 3.333...: 12 digits,
	 * marked. */
	rq("1/3", M "0.333333333333 / 0.1 = " M "3.33333333333 " ARROW
	    " 3 (down, rounding to nearest)");
	/* 13 / 0.1 = 130, past 127: saturated. */
	rq("13", "13 / 0.1 = 130 " ARROW " 127 (saturated)");
	/* 12.76 / 0.1 = 127.6 rounds to 128, saturated to 127. */
	rq("12.76", "12.76 / 0.1 = 127.6 " ARROW " 128 (up, rounding to "
	    "nearest) " ARROW " 127 (saturated)");
	/* Rounding up: 0.54 / 0.1 = 5.4 goes to 6. */
	S.ctx.round = FPV_RND_UP;
	rq("0.54", "0.54 / 0.1 = 5.4 " ARROW " 6 (up, rounding up)");
	S.ctx.round = FPV_RND_ZERO;
	rq("-0.54", "-0.54 / 0.1 = -5.4 " ARROW " -5 (up, rounding toward "
	    "zero)");
	S.ctx.round = FPV_RND_NEAREST;
	/* Zero point 3: 0.54 / 0.1 + 3 = 8.4 -> 8 (the value 0.5). */
	F = WFMT(&S.ctx, FPV_INT8);
	F->zero_point = 3;
	rq("0.54", "0.54 / 0.1 + 3 = 8.4 " ARROW " 8 (down, rounding to "
	    "nearest)");
	F->zero_point = -2;
	rq("0.54", "0.54 / 0.1 - 2 = 3.4 " ARROW " 3 (down, rounding to "
	    "nearest)");
	F = WFMT(&S.ctx, FPV_INT8);
	F->zero_point = 0;
	/* Wrapping: scale 1, 200 is 200 - 256 = -56. */
	scale("1");
	F = WFMT(&S.ctx, FPV_INT8);
	F->overflow = FPV_OVF_WRAP;
	rq("200", "200 / 1 = 200 " ARROW " -56 (wrapped modulo 2^8)");
	F = WFMT(&S.ctx, FPV_INT8);
	F->overflow = FPV_OVF_SATURATE;
	rq("200", "200 / 1 = 200 " ARROW " 127 (saturated)");
	/* Nothing to say: a float column, a value that is not a number. */
	ok(eval("0.54") && requant(0, FPV_FP16)[0] == '\0',
	    "no requantization in a float column");
	ok(eval("1/0") && requant(T.nsteps - 1, FPV_INT8)[0] == '\0',
	    "none for 1/0 (the exact value is not a number)");
}

int
main(void)
{
	fpv_session_init(&S);
	fpv_trace_init(&T);
	descriptions();
	ties();
	random_ties();
	other_formats();
	requantization();
	results();
	fpv_trace_free(&T);
	fpv_session_free(&S);
	return tap_done();
}
