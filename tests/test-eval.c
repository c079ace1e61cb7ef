/*
 * Evaluator and trace semantics, checked against the machine's float and
 * double, hand-derived bit patterns and the seed tutorial's examples.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/trace.h"
#include "formats.h"
#include "tap.h"

static struct fpv_session S;
static struct fpv_trace T;
static struct fpv_error E;

/* Evaluate expr in the shared session; the return code of fpv_eval_line. */
static int
ev(const char *expr)
{
	return fpv_eval_line(&S, expr, strlen(expr), 1, &T, &E);
}

/* Is step st's reference exactly the decimal want (state exact, not
 * rounded)? */
static bool
exact_is(const struct fpv_step *st, const char *want)
{
	struct fpv_exact_text d;

	fpv_exact_describe_value(&st->exact, 40, &d);
	if (d.state != FPV_EXACT_S_EXACT || d.rounded ||
	    strcmp(d.num, want) != 0) {
		diag("exact reference %s (state %d, rounded %d), want %s",
		    d.num, (int)d.state, (int)d.rounded, want);
		return false;
	}
	return true;
}

/* Result bits of the last evaluation in format f. */
static uint64_t
res(int f)
{
	return fpv_trace_result_cells(&T)[f].bits;
}

/* Flags of the result step (this step only) in format f. */
static unsigned
rflags(int f)
{
	return fpv_trace_result_cells(&T)[f].flags;
}

static uint32_t
fbits(float x)
{
	uint32_t u;

	memcpy(&u, &x, sizeof u);
	return u;
}

static uint64_t
dbits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return u;
}

/* Check one expression's fp32 and fp64 results against the machine. */
static void
machine(const char *expr, float f32, double f64)
{
	if (ev(expr) != 1) {
		ok(0, "%s evaluates (%s)", expr, E.msg);
		return;
	}
	ok(res(FPV_FP32) == fbits(f32), "%s fp32 = 0x%08x (machine 0x%08x)",
	    expr, (unsigned)res(FPV_FP32), (unsigned)fbits(f32));
	ok(res(FPV_FP64) == dbits(f64), "%s fp64 = 0x%016llx (machine 0x%016llx)",
	    expr, (unsigned long long)res(FPV_FP64),
	    (unsigned long long)dbits(f64));
}

/* Expect an error at column col whose message contains what. */
static void
bad(const char *expr, int col, const char *what)
{
	int rc = ev(expr);

	ok(rc == -1 && E.col == col && strstr(E.msg, what) != NULL,
	    "'%s' -> error %d:%d: %s", expr, E.line, E.col,
	    rc == -1 ? E.msg : "(no error)");
}

int
main(void)
{
	volatile float a32, b32;
	volatile double a64, b64;

	fpv_session_init(&S);
	fpv_trace_init(&T);

	/* The machine as oracle: per-operation rounding in float and double. */
	a32 = strtof("0.1", NULL); b32 = strtof("0.2", NULL);
	a64 = 0.1; b64 = 0.2;
	machine("0.1 + 0.2", a32 + b32, a64 + b64);
	machine("1/3", 1.0f / 3.0f, 1.0 / 3.0);
	a32 = strtof("1.2345678", NULL); a64 = 1.2345678;
	machine("1.2345678 * 1.2345678", a32 * a32, a64 * a64);
	a32 = strtof("1e-15", NULL); a64 = 1e-15;
	machine("1 + 1e-15", 1.0f + a32, 1.0 + a64);
	a32 = strtof("1e-5", NULL); a64 = 1e-5;
	machine("1 + 1e-5", 1.0f + a32, 1.0 + a64);
	machine("sqrt(2)", sqrtf(2.0f), sqrt(2.0));
	a32 = 1e4f; b32 = strtof("1e-4", NULL); a64 = 1e-4;
	machine("(1e4 + 1e-4) - 1e4", (a32 + b32) - a32, (1e4 + a64) - 1e4);
	a32 = strtof("0.1", NULL); a64 = 0.1;
	machine("fma(0.1, 10, -1)", fmaf(a32, 10.0f, -1.0f), fma(a64, 10.0, -1.0));
	machine("-2^2", -4.0f, -4.0);
	machine("2^-3^2", 1.0f / 512.0f, 1.0 / 512.0);
	machine("0x1.8p3", 12.0f, 12.0);

	/* The seed: 6.75 is 0 10000001 10110000000000000000000 in fp32. */
	ev("6.75");
	ok(res(FPV_FP32) == 0x40d80000, "6.75 fp32 0x40d80000");
	ok(res(FPV_FP16) == 0x46c0, "6.75 fp16 0x46c0 (0 10001 1011000000)");
	ok(rflags(FPV_FP32) == 0, "6.75 is exact");
	/* float32 keeps about seven digits. */
	ev("12.12345678");
	uint64_t x1 = res(FPV_FP32), d1 = res(FPV_FP64);
	ev("12.12345679");
	ok(res(FPV_FP32) == x1, "12.12345678 and 12.12345679 are one fp32");
	ok(res(FPV_FP64) != d1, "... but two fp64");
	/* 1 + 1e-15 vanishes in fp32, not in fp64; it is absorbed. */
	ev("1 + 1e-15");
	ok(res(FPV_FP32) == 0x3f800000 && (rflags(FPV_FP32) & FPV_FLAG_ABSORBED),
	    "1 + 1e-15 is 1 in fp32, absorbed");
	ok(res(FPV_FP64) == 0x3ff0000000000005 &&
	    !(rflags(FPV_FP64) & FPV_FLAG_ABSORBED), "1 + 1e-15 is not 1 in fp64");
	/* fp16: 65504 * 2 overflows; 1e-8 underflows to zero. */
	ev("65504 * 2");
	ok(res(FPV_FP16) == 0x7c00 && (rflags(FPV_FP16) & FPV_FLAG_OVERFLOW) &&
	    (rflags(FPV_FP16) & FPV_FLAG_INEXACT), "65504*2 overflows to inf in fp16");
	ok(res(FPV_FP32) == fbits(131008.0f), "65504*2 fine in fp32");
	ev("1e-8");
	ok(res(FPV_FP16) == 0 && (rflags(FPV_FP16) & FPV_FLAG_UNDERFLOW),
	    "1e-8 underflows to 0 in fp16");
	ev("1e-7");
	ok(res(FPV_FP16) == 0x0002 && (rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL) &&
	    (rflags(FPV_FP16) & FPV_FLAG_UNDERFLOW),
	    "1e-7 is the subnormal 2*2^-24 in fp16");
	/* Subnormal encodings (exponent field 0, fraction not 0, IEEE
	 * 754 3.4) are marked however the step made them: a bit pattern,
	 * a variable, a cast that kept the encoding, as an operation. */
	ev("fp16:0x0001");
	ok(res(FPV_FP16) == 0x0001 && (rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL) &&
	    !(rflags(FPV_FP16) & FPV_FLAG_INEXACT),
	    "fp16:0x0001 is marked subnormal in fp16, and exact");
	ok(!(rflags(FPV_FP32) & FPV_FLAG_SUBNORMAL) &&
	    res(FPV_FP32) == fbits(0x1p-24f),
	    "fp16:0x0001 is the normal 2^-24 in fp32");
	ev("fp16:0x03ff * 1");
	ok(rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL,
	    "fp16:0x03ff * 1 is subnormal in fp16");
	ev("fp16:0x0400");
	ok(!(rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL),
	    "fp16:0x0400, the smallest normal, is not subnormal");
	ev("fp32:0x00000001");
	ok(rflags(FPV_FP32) & FPV_FLAG_SUBNORMAL,
	    "fp32:0x00000001 is marked subnormal in fp32");
	ev("xs = fp16:0x0200");
	ev("xs");
	ok(rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL,
	    "a variable holding fp16 0x0200 is marked subnormal");
	ev("fp16(fp16:0x0003)");
	ok(rflags(FPV_FP16) & FPV_FLAG_SUBNORMAL,
	    "fp16(fp16:0x0003) keeps the encoding, marked subnormal");
	/* 0.1 + 0.2 in fp16 ties to even: 0x34cc (brief). */
	ev("0.1 + 0.2");
	ok(res(FPV_FP16) == 0x34cc, "0.1 + 0.2 fp16 0x34cc");
	ok(T.nsteps == 3, "0.1 + 0.2 has three steps");
	ok(fpv_trace_cells(&T, 0)[FPV_FP16].bits == 0x2e66 &&
	    (fpv_trace_cells(&T, 0)[FPV_FP16].flags & FPV_FLAG_INEXACT),
	    "step 1 rounds 0.1 to fp16 0x2e66, inexact");
	/* Absorption in fp16: 1e4 + 1e-4 == 1e4. */
	ev("(1e4 + 1e-4) - 1e4");
	ok(fpv_trace_cells(&T, 2)[FPV_FP16].flags & FPV_FLAG_ABSORBED,
	    "1e4 + 1e-4 absorbed in fp16");
	ok(res(FPV_FP16) == 0 && (rflags(FPV_FP16) & FPV_FLAG_CANCELLATION) &&
	    fpv_trace_result_cells(&T)[FPV_FP16].cancelled == 11,
	    "... then 1e4 - 1e4 cancels all 11 bits");
	ok(exact_is(fpv_trace_result(&T), "0.0001"),
	    "exact reference of (1e4 + 1e-4) - 1e4 is exactly 1e-4");

	/* Cancellation counts leading bits: 1.5 - 1.25 = 0.25 loses 2. */
	ev("1.5 - 1.25");
	ok(fpv_trace_result_cells(&T)[FPV_FP32].cancelled == 2,
	    "1.5 - 1.25 cancels 2 bits");

	/* Negative literals are rounded once, in the current mode. */
	S.ctx.round = FPV_RND_DOWN;
	ev("-0.1");
	fesetround(FE_DOWNWARD);
	a32 = strtof("-0.1", NULL);
	a64 = strtod("-0.1", NULL);
	fesetround(FE_TONEAREST);
	ok(T.nsteps == 1 && res(FPV_FP16) == 0xae67,
	    "round down: -0.1 is fp16 0xae67 (just below -0.1)");
	ok(res(FPV_FP32) == fbits(a32) && res(FPV_FP64) == dbits(a64),
	    "round down: -0.1 agrees with strtof/strtod in FE_DOWNWARD");
	ev("-(0.1)");
	ok(T.nsteps == 2 && res(FPV_FP16) == 0xae66 &&
	    res(FPV_FP32) == 0xbdcccccc,
	    "round down: -(0.1) negates the rounded 0.1 (fp16 0xae66)");
	S.ctx.round = FPV_RND_NEAREST;

	/* INT8 semantics (scale 1): 7/2 ties to even, 100+100 saturates. */
	ev("7/2");
	ok(res(FPV_INT8) == 4, "int8 7/2 = 4");
	ev("100 + 100");
	ok(res(FPV_INT8) == 127 && (rflags(FPV_INT8) & FPV_FLAG_SATURATED),
	    "int8 100+100 = 127 saturated");
	ev("-128.5");
	ok(res(FPV_INT8) == 0x80, "int8 -128.5 is -128");
	ev("5/0");
	ok(res(FPV_INT8) == 127 && (rflags(FPV_INT8) & FPV_FLAG_DIVBYZERO),
	    "int8 5/0 = 127, divbyzero");
	ev("-5/0");
	ok(res(FPV_INT8) == 0x80 && (rflags(FPV_INT8) & FPV_FLAG_DIVBYZERO),
	    "int8 -5/0 = -128, divbyzero");
	ev("0/0");
	ok(res(FPV_INT8) == 0 && (rflags(FPV_INT8) & FPV_FLAG_INVALID),
	    "int8 0/0 = 0, invalid");
	ok(res(FPV_FP32) == 0x7fc00000 && (rflags(FPV_FP32) & FPV_FLAG_INVALID),
	    "fp32 0/0 is the canonical quiet NaN, invalid");
	ev("sqrt(-1)");
	ok(res(FPV_INT8) == 0 && (rflags(FPV_INT8) & FPV_FLAG_INVALID),
	    "int8 sqrt(-1) = 0, invalid");
	WFMT(&S.ctx, FPV_INT8)->overflow = FPV_OVF_WRAP;
	ev("100 + 100");
	ok(res(FPV_INT8) == (uint64_t)(200 - 256) % 256 &&
	    (rflags(FPV_INT8) & FPV_FLAG_WRAPPED), "int8 wrap: 100+100 = -56");
	WFMT(&S.ctx, FPV_INT8)->overflow = FPV_OVF_SATURATE;
	/* The seed's quantization example: scale 0.1 makes 0.54 - 0.46 zero. */
	const char *why;
	ok(set_int8_scale(&S.ctx, "0.1", &why) == 0, "scale 0.1 accepted");
	ev("0.54 - 0.46");
	ok(fpv_trace_cells(&T, 0)[FPV_INT8].bits == 5 &&
	    fpv_trace_cells(&T, 1)[FPV_INT8].bits == 5 && res(FPV_INT8) == 0,
	    "int8 scale 0.1: 0.54 -> 5, 0.46 -> 5, difference 0");
	ev("0.25");
	ok(res(FPV_INT8) == 2, "int8 scale 0.1: 0.25 is 2.5 steps, ties to 2");
	ev("0.35");
	ok(res(FPV_INT8) == 4, "int8 scale 0.1: 0.35 is 3.5 steps, ties to 4");
	ok(set_int8_scale(&S.ctx, "-1", &why) == -1, "negative scale refused");
	set_int8_scale(&S.ctx, "1", &why);
	WFMT(&S.ctx, FPV_INT8)->zero_point = 10;
	ev("0");
	ok(res(FPV_INT8) == 10, "zero point 10: 0 is stored as 10");
	ev("120");
	ok(res(FPV_INT8) == 127 && (rflags(FPV_INT8) & FPV_FLAG_SATURATED),
	    "zero point 10: 120 saturates at q = 127");
	WFMT(&S.ctx, FPV_INT8)->zero_point = 0;

	/* Casts round inside every column: fp16 storage, fp32 compute. */
	ev("fp32(fp16(0.1) * fp16(0.3))");
	{
		volatile float w = (float)0.0999755859375, g = (float)0.300048828125;
		ok(res(FPV_FP32) == fbits(w * g), "fp16 storage, fp32 product");
		ok(res(FPV_FP64) == dbits((double)(float)(0.0999755859375 *
		    0.300048828125)), "fp64 column: product rounded to fp32");
	}
	ev("fp16(1e5)");
	ok(res(FPV_FP32) == 0x7f800000 && (rflags(FPV_FP32) & FPV_FLAG_OVERFLOW),
	    "fp16(1e5) overflows inside the fp32 column");
	ok(exact_is(fpv_trace_result(&T), "100000"),
	    "the exact reference passes through casts");

	/* Variables and ans keep each format's own rounded value. */
	ok(ev("x = 0.1") == 1, "x = 0.1");
	ev("x * 3");
	a32 = strtof("0.1", NULL);
	ok(res(FPV_FP32) == fbits(a32 * 3.0f) && res(FPV_FP64) == dbits(0.1 * 3),
	    "x * 3 uses the rounded x in each column");
	ev("ans - x");
	ok(res(FPV_FP64) == dbits(0.1 * 3 - 0.1), "ans is the previous result");
	bad("y + 1", 1, "unknown variable 'y'");
	bad("1 + zz", 5, "unknown variable 'zz'");
	ok(fpv_session_var(&S, "x", 1) != NULL, "variables survive an error");
	fpv_session_clear_vars(&S);
	bad("ans", 1, "ans");

	/* Many variables: every one found with its own value (the index of
	 * names), also after the array is replaced behind its back. */
	{
		char line[48];
		int good = 1;

		for (int i = 0; i < 20000; i++) {
			snprintf(line, sizeof line, "v%d = %d", i, i);
			good &= ev(line) == 1;
		}
		for (int i = 0; i < 20000; i += 7) {
			snprintf(line, sizeof line, "v%d", i);
			good &= ev(line) == 1 && res(FPV_FP64) == dbits((double)i);
		}
		ok(good, "20000 variables, each found with its value");
		ok(fpv_session_var(&S, "v1999", 5) != NULL &&
		    fpv_session_var(&S, "v19999", 6) != NULL &&
		    fpv_session_var(&S, "v20000", 6) == NULL &&
		    fpv_session_var(&S, "v1", 1) == NULL,
		    "lookups by length and name");
		{
			/* Put a copy of the first 10 in place, as a snapshot
			 * does: the index follows the new array. */
			struct fpv_var *copy = calloc(10, sizeof *copy);
			size_t n = S.nvars;

			for (int i = 0; i < 10; i++) {
				copy[i] = S.vars[i];
				copy[i].name = strdup(S.vars[i].name);
				fpv_exact_init(&copy[i].exact);
				fpv_exact_set(&copy[i].exact, &S.vars[i].exact);
			}
			fpv_session_clear_vars(&S);
			(void)n;
			free(S.vars);
			S.vars = copy;
			S.nvars = S.capvars = 10;
			/* The first ten are v0, ans, v1 ... v8. */
			ok(fpv_session_var(&S, "v8", 2) != NULL &&
			    fpv_session_var(&S, "ans", 3) != NULL &&
			    fpv_session_var(&S, "v9", 2) == NULL &&
			    fpv_session_var(&S, "v19999", 6) == NULL,
			    "the index follows an array put in place");
			ok(ev("v3 * 2") == 1 && res(FPV_FP64) == dbits(6.0),
			    "and the values are the array's");
		}
		fpv_session_clear_vars(&S);
		ok(fpv_session_var(&S, "v3", 2) == NULL, "cleared: none found");
	}

	/* Error figures: 0.1 in fp64 is 5.55e-18 above one tenth. */
	ev("0.1");
	{
		struct fpv_errinfo e;

		fpv_errinfo_init(&e);
		fpv_trace_accum_error(&T, 0, FPV_FP64, &e);
		ok(fabs(mpfr_get_d(e.err, MPFR_RNDN) - 5.551115123125783e-18) <
		    1e-30, "fp64 0.1 error 5.551115123125783e-18");
		ok(fabs(e.ulps - 0.4) < 1e-12, "... 0.4 ulp");
		fpv_trace_accum_error(&T, 0, FPV_FP16, &e);
		ok(fabs(mpfr_get_d(e.err, MPFR_RNDN) + 2.44140625e-5) < 1e-18,
		    "fp16 0.1 error -2.44140625e-05 (0.0999755859375 - 0.1)");
		fpv_errinfo_clear(&e);
	}
	ev("(1e4 + 1e-4) - 1e4");
	{
		struct fpv_errinfo e;

		fpv_errinfo_init(&e);
		fpv_trace_accum_error(&T, T.nsteps - 1, FPV_FP16, &e);
		ok(fabs(e.bits_lost - 11) < 1e-9, "fp16 result 0 lost all 11 bits");
		fpv_trace_local_error(&T, T.nsteps - 1, FPV_FP16, &e);
		ok(mpfr_zero_p(e.err), "... but the last subtraction itself was exact");
		fpv_errinfo_clear(&e);
	}
	ok(T.sticky[FPV_FP16] & FPV_FLAG_ABSORBED, "sticky flags gather every step");

	/*
	 * The exact reference of a long sum stays an exact rational with
	 * small integers: 1000 terms of one tenth are exactly 100 (each 0.1
	 * is 1/5 * 2^-1; equal denominators add without growing), and
	 * 0.1 * 3^8 is exactly 656.1.
	 */
	{
		size_t n = 1000, len = 0;
		char *line = malloc(4 * n + 1);
		const struct fpv_exact *x;
		int t;

		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(line + len, i ? "+0.1" : "0.1");
		t = fpv_eval_line(&S, line, len, 1, &T, &E);
		x = &fpv_trace_result(&T)->exact;
		ok(t == 1 && exact_is(fpv_trace_result(&T), "100") &&
		    x->kind == FPV_EXACT_Q && fmpz_bits(x->num) <= 64 &&
		    fmpz_bits(x->den) <= 64,
		    "1000 terms of 0.1: exactly 100, in small integers");
		ev("0.1 * 3 * 3 * 3 * 3 * 3 * 3 * 3 * 3");
		x = &fpv_trace_result(&T)->exact;
		ok(exact_is(fpv_trace_result(&T), "656.1") &&
		    fmpz_bits(x->num) <= 64 && fmpz_bits(x->den) <= 64,
		    "0.1 * 3^8: exactly 656.1");
		free(line);
	}

	/* Bit-pattern literals enter each column by conversion. */
	ok(ev("fp32:0x40d80000") == 1 && res(FPV_FP32) == 0x40d80000 &&
	    res(FPV_FP64) == dbits(6.75), "fp32:0x40d80000 is 6.75");

	/* Empty lines and comments evaluate nothing. */
	ok(ev("   # just a comment") == 0, "comment-only line is empty");

	fpv_trace_free(&T);
	fpv_session_free(&S);
	return tap_done();
}
