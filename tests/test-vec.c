/*
 * Vectors in the language: constructors, indexing, elementwise
 * operations, reductions and the per-tensor figures, checked against
 * the machine's float and double loops over the same elements, public
 * reference facts (ml_dtypes' README: a bf16 sum of 10,000 ones is
 * 256) and hand-derived values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/rng.h"
#include "fpviz/trace.h"
#include "formats.h"
#include "tap.h"

static struct fpv_session S;
static struct fpv_trace T;
static struct fpv_error E;

static int
ev(const char *expr)
{
	int rc = fpv_eval_line(&S, expr, strlen(expr), 1, &T, &E);

	if (rc != 1)
		diag("'%s': rc %d, %d:%d: %s", expr, rc, E.line, E.col, E.msg);
	return rc;
}

/* Make the columns the formats named, in order. */
static void
columns(const char *const *names, int n)
{
	S.ctx.ncols = n;
	for (int k = 0; k < n; k++)
		S.ctx.cols[k] = (uint8_t)(FMTN(names[k]) - fpv_builtin);
}

static void
default_columns(void)
{
	static const char *const d[] = { "fp16", "fp32", "fp64", "int8" };

	columns(d, 4);
}

/* The result's vector (NULL: a scalar). */
static const struct fpv_vec *
rvec(void)
{
	return fpv_trace_vec(&T, T.nsteps - 1);
}

static uint64_t
res(int f)
{
	return fpv_trace_result_cells(&T)[f].bits;
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

static float
bitsf(uint64_t b)
{
	uint32_t u = (uint32_t)b;
	float x;

	memcpy(&x, &u, sizeof x);
	return x;
}

static double
bitsd(uint64_t b)
{
	double x;

	memcpy(&x, &b, sizeof x);
	return x;
}

/* NumPy's pairwise_sum over floats (loops_utils.h.src), written out
 * from its source: the independent truth of the pairwise order. */
static float
np_pairwise(const float *a, size_t n)
{
	if (n < 8) {
		volatile float res = 0.f;

		for (size_t i = 0; i < n; i++)
			res = res + a[i];
		/* fpviz starts from a[0], not from 0: the same but for a
		 * zero's sign, which no test here has. */
		return res;
	}
	if (n <= 128) {
		volatile float r[8], res;
		size_t i;

		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] = r[j] + a[i + (size_t)j];
		res = ((r[0] + r[1]) + (r[2] + r[3])) +
		    ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res = res + a[i];
		return res;
	}
	{
		size_t n2 = n / 2;
		volatile float l, h;

		n2 -= n2 % 8;
		l = np_pairwise(a, n2);
		h = np_pairwise(a + n2, n - n2);
		return l + h;
	}
}

/* Reductions of randn elements against C loops in float and double. */
static void
test_reductions_machine(void)
{
	static const char *const cols[] = { "fp32", "fp64" };
	enum { N = 1000 };
	double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
	float *xf = malloc(N * sizeof *xf), *yf = malloc(N * sizeof *yf);
	volatile float s32, c32, t32, u32;
	volatile double s64, c64, t64, u64;

	columns(cols, 2);
	fpv_randn(x, N, 7);
	fpv_randn(y, N, 8);
	for (size_t i = 0; i < N; i++) {
		xf[i] = (float)x[i];
		yf[i] = (float)y[i];
	}

	/* sequential */
	s32 = xf[0];
	s64 = x[0];
	for (size_t i = 1; i < N; i++) {
		s32 = s32 + xf[i];
		s64 = s64 + x[i];
	}
	ok(ev("sum(randn(1000, 7))") == 1 && res(0) == fbits(s32) &&
	    res(1) == dbits(s64),
	    "sequential sum of randn(1000, 7): a float loop and a double "
	    "loop");
	ok(ev("sum(randn(1000, 7), fp32, sequential)") == 1 &&
	    res(0) == fbits(s32), "sequential named");

	/* pairwise */
	ok(ev("sum(randn(1000, 7), fp32, pairwise)") == 1 &&
	    res(0) == fbits(np_pairwise(xf, N)),
	    "pairwise sum: NumPy's pairwise_sum over the floats");

	/* kahan */
	s32 = xf[0];
	c32 = 0;
	for (size_t i = 1; i < N; i++) {
		t32 = xf[i] - c32;
		u32 = s32 + t32;
		c32 = (u32 - s32) - t32;
		s32 = u32;
	}
	ok(ev("sum(randn(1000, 7), fp32, kahan)") == 1 &&
	    res(0) == fbits(s32), "Kahan sum: the same loop in floats");

	/* dot: products rounded, then summed left to right */
	s32 = xf[0] * yf[0];
	s64 = x[0] * y[0];
	for (size_t i = 1; i < N; i++) {
		t32 = xf[i] * yf[i];
		s32 = s32 + t32;
		t64 = x[i] * y[i];
		s64 = s64 + t64;
	}
	ok(ev("dot(randn(1000, 7), randn(1000, 8))") == 1 &&
	    res(0) == fbits(s32) && res(1) == dbits(s64),
	    "dot: rounded products summed, in float and in double");

	/* fp32 elements with an fp64 accumulator: the double loop over the
	 * floats, rounded back to float once */
	s64 = xf[0];
	for (size_t i = 1; i < N; i++)
		s64 = s64 + (double)xf[i];
	ok(ev("sum(randn(1000, 7), fp64)") == 1 &&
	    res(0) == fbits((float)s64),
	    "fp32 elements summed in an fp64 accumulator, rounded back");

	/* mean, max, min, norm2 */
	s64 = x[0];
	for (size_t i = 1; i < N; i++)
		s64 = s64 + x[i];
	ok(ev("mean(randn(1000, 7))") == 1 && res(1) == dbits(s64 / N),
	    "mean: the double sum divided by n");
	t64 = x[0];
	u64 = x[0];
	for (size_t i = 1; i < N; i++) {
		if (x[i] > t64)
			t64 = x[i];
		if (x[i] < u64)
			u64 = x[i];
	}
	ok(ev("max(randn(1000, 7))") == 1 && res(1) == dbits(t64),
	    "max of the doubles");
	ok(ev("min(randn(1000, 7))") == 1 && res(1) == dbits(u64),
	    "min of the doubles");
	c64 = x[0] * x[0];
	for (size_t i = 1; i < N; i++) {
		t64 = x[i] * x[i];
		c64 = c64 + t64;
	}
	ok(ev("norm2(randn(1000, 7))") == 1 && res(1) == dbits(sqrt(c64)),
	    "norm2: the square root of the summed rounded squares");

	/* elementwise, then a reduction: each element rounded after each
	 * operation (volatile: no contraction into a fused multiply-add) */
	s32 = 0;
	s64 = 0;
	for (size_t i = 0; i < N; i++) {
		volatile float a = xf[i] * 0.5f, b = a + 1.0f;
		volatile double c = sqrt(fabs(x[i])), d = c / 3.0;

		s32 = i ? s32 + b : b;
		s64 = i ? s64 + d : d;
	}
	ok(ev("sum(randn(1000, 7) * 0.5 + 1)") == 1 && res(0) == fbits(s32),
	    "v * 0.5 + 1, element by element in floats, then summed");
	ok(ev("sum(sqrt(abs(randn(1000, 7))) / 3)") == 1 &&
	    res(1) == dbits(s64),
	    "sqrt(abs(v)) / 3 element by element in doubles, then summed");
	free(x);
	free(y);
	free(xf);
	free(yf);
}

/* The accumulator facts: ml_dtypes' README (bf16), and fp16's 2048 (its
 * spacing there is 2: 2048 + 1 is a tie, to even 2048). */
static void
test_accumulators(void)
{
	static const char *const cols[] = { "bf16", "fp32", "fp16" };

	columns(cols, 3);
	ok(ev("sum(fill(10000, 1))") == 1 && res(0) == 0x4380 &&
	    res(1) == fbits(10000.0f) && res(2) == 0x6800,
	    "sum(fill(10000, 1)): bf16 256, fp32 10000, fp16 2048");
	ok(ev("sum(fill(10000, 1), fp32)") == 1 && res(0) == 0x461c &&
	    res(2) == 0x70e2,
	    "an fp32 accumulator: bf16 10000 (0x461c), fp16 10000 (0x70e2)");
	ok(T.absorbed[0] == 0 && T.absorbed[2] == 0,
	    "in fp32 accumulators nothing is absorbed");
	ok(ev("sum(fill(10000, 1))") == 1 && T.absorbed[0] == 10000 - 256 &&
	    T.absorbed[1] == 0 && T.absorbed[2] == 10000 - 2048,
	    "absorbed ones: bf16 9744, fp32 none, fp16 7952 (%zu, %zu, %zu)",
	    T.absorbed[0], T.absorbed[1], T.absorbed[2]);
	ok(ev("sum(fill(10000, 1), fp16, pairwise)") == 1 &&
	    res(2) == 0x70e2, "pairwise in fp16: 10000 exactly");
	{
		const struct fpv_step *st = fpv_trace_result(&T);
		struct fpv_exact_text d;

		fpv_exact_describe_value(&st->exact, 40, &d);
		ok(d.state == FPV_EXACT_S_EXACT && strcmp(d.num, "10000") == 0,
		    "the exact reference of the sum is 10000: %s", d.num);
	}
	default_columns();
}

/* Constructors, literals, indexing and variables. */
static void
test_values(void)
{
	const struct fpv_vec *v = NULL;

	default_columns();
	ok(ev("[0.1, 0.2, -3]") == 1 && (v = rvec()) != NULL && v->n == 3 &&
	    v->bits[FPV_FP32 * 3 + 0] == fbits(0.1f) &&
	    v->bits[FPV_FP64 * 3 + 1] == dbits(0.2) &&
	    v->bits[FPV_FP16 * 3 + 2] == 0xc200,
	    "a literal: each element rounded into each column");
	ok(ev("[0.1, 0.2, -3][1]") == 1 && rvec() == NULL &&
	    res(FPV_FP64) == dbits(0.2) && res(FPV_FP32) == fbits(0.2f),
	    "v[1] is the second element (0-based)");
	ok(ev("linspace(0, 1, 5)") == 1 && (v = rvec()) != NULL &&
	    bitsd(v->bits[FPV_FP64 * 5 + 1]) == 0.25 &&
	    bitsd(v->bits[FPV_FP64 * 5 + 3]) == 0.75 &&
	    bitsd(v->bits[FPV_FP64 * 5 + 4]) == 1.0,
	    "linspace(0, 1, 5): 0, 0.25, 0.5, 0.75, 1");
	ok(ev("linspace(0, 1, 11)[3]") == 1 &&
	    res(FPV_FP64) == dbits(strtod("0.3", NULL)),
	    "linspace(0, 1, 11)[3] is 3/10 rounded once (0.3)");
	ok(ev("fill(4, 0.1)[3]") == 1 && res(FPV_FP32) == fbits(0.1f),
	    "fill(4, 0.1): 0.1 in each column");
	{
		double x[5];

		fpv_randn(x, 5, 42);
		ok(ev("randn(5, 42)[4]") == 1 &&
		    res(FPV_FP64) == dbits(x[4]) &&
		    res(FPV_FP32) == fbits((float)x[4]),
		    "randn(5, 42): the generator's doubles, rounded");
	}
	ok(ev("len(linspace(0, 1, 7))") == 1 && res(FPV_FP64) == dbits(7),
	    "len");
	ok(ev("v = [1, 2, 3] / 4") == 1 && ev("sum(v * v)") == 1 &&
	    res(FPV_FP64) == dbits(14.0 / 16), "a vector variable");
	ok(ev("ans + 1") == 1 && res(FPV_FP64) == dbits(14.0 / 16 + 1),
	    "ans holds the scalar sum");
	ok(ev("v") == 1 && ev("ans[2]") == 1 && res(FPV_FP64) == dbits(0.75),
	    "ans holds a vector");
	{
		static const char *const c2[] = { "bf16", "fp64" };

		columns(c2, 2);
		ok(ev("v[1]") == 1 && res(0) == 0x3f00 && res(1) == dbits(0.5),
		    "a vector variable in a column it was not evaluated in: "
		    "its exact elements rounded into it");
		default_columns();
	}
	ok(ev("fp16([0.1, 1e5])") == 1 && (v = rvec()) != NULL &&
	    v->bits[FPV_FP32 * 2 + 0] == fbits((float)strtod("0x1.998p-4",
	    NULL)) && bitsf(v->bits[FPV_FP32 * 2 + 1]) == INFINITY,
	    "a cast of a vector: fp16's 0.1 (0x1.998p-4) and overflow in "
	    "the fp32 column");
	ok(ev("max([1, 5], [4, 2])") == 1 && (v = rvec()) != NULL &&
	    bitsd(v->bits[FPV_FP64 * 2]) == 4 &&
	    bitsd(v->bits[FPV_FP64 * 2 + 1]) == 5,
	    "max of two vectors is elementwise");
	ok(ev("mean([1, 2, 3, 4])") == 1 && res(FPV_FP64) == dbits(2.5) &&
	    ev("norm2([3, 4])") == 1 && res(FPV_FP64) == dbits(5),
	    "mean 2.5, norm2 5");
	/* ln 2 correctly rounded to binary64 is 0x3fe62e42fefa39ef */
	ok(ev("logsumexp([0, 0])") == 1 &&
	    res(FPV_FP64) == UINT64_C(0x3fe62e42fefa39ef),
	    "logsumexp([0, 0]) = ln 2");
}

/* softmax and softmax_naive side by side: exp(12) = 162754.79 > 65504
 * overflows fp16. */
static void
test_softmax(void)
{
	const struct fpv_vec *v = NULL;

	default_columns();
	ok(ev("softmax_naive([12, 1, 0])") == 1 && (v = rvec()) != NULL &&
	    (v->bits[FPV_FP16 * 3] & 0x7c00) == 0x7c00 &&
	    (v->bits[FPV_FP16 * 3] & 0x3ff) != 0,
	    "softmax_naive([12, 1, 0])[0] in fp16 is NaN (inf / inf)");
	ok(ev("softmax([12, 1, 0])") == 1 && (v = rvec()) != NULL &&
	    v->bits[FPV_FP16 * 3] == 0x3c00 &&
	    fabs(bitsd(v->bits[FPV_FP64 * 3]) - 1 / (1 + exp(-11) +
	    exp(-12))) < 1e-15,
	    "softmax([12, 1, 0]) is finite: 1 in fp16, 0.99997715 in fp64");
	{
		struct fpv_exact_text d;

		if (v != NULL)
			fpv_exact_describe_value(&v->exact[0], 10, &d);
		/* 1 / (1 + e^-11 + e^-12) = 0.99997715457... */
		ok(v != NULL && strcmp(d.num, "0.9999771546") == 0,
		    "its exact element 0: 0.9999771546 (%s)", d.num);
	}
}

/* Figures of [0.1, 0.2, -3] in fp16: the errors are hand-derived from
 * fp16's 0.1 = 0.0999755859375 and 0.2 = 0.199951171875. */
static void
test_figures(void)
{
	const struct fpv_vec *v = NULL;
	struct fpv_vec_figs g;
	char buf[64];
	double e1 = 0.1 - 0.0999755859375, e2 = 0.2 - 0.199951171875;
	double rmse = sqrt((e1 * e1 + e2 * e2) / 3);
	double sqnr = 10 * log10((0.01 + 0.04 + 9) / (e1 * e1 + e2 * e2));

	default_columns();
	fpv_vec_figures_init(&g);
	ok(ev("[0.1, 0.2, -3]") == 1 && (v = rvec()) != NULL, "evaluated");
	if (v == NULL)
		return;
	fpv_vec_figures(&T, v, FPV_FP16, &g);
	ok(g.defined && !g.infinite && fpv_vec_figure_text(&g.maxabs,
	    FPV_DEC_FIG_FULL, buf, sizeof buf) > 0 &&
	    strtod(buf, NULL) == 4.8828125e-05,
	    "max abs error 0.2 - 0.199951171875 = 4.8828125e-05 (%s)", buf);
	ok(fpv_vec_figure_text(&g.rmse, FPV_DEC_FIG_FULL, buf, sizeof buf) >
	    0 && fabs(strtod(buf, NULL) / rmse - 1) < 1e-12,
	    "RMSE %s (doubles: %.17g)", buf, rmse);
	ok(fpv_vec_figure_text(&g.sqnr, FPV_DEC_FIG_FULL, buf, sizeof buf) >
	    0 && fabs(strtod(buf, NULL) / sqnr - 1) < 1e-12,
	    "SQNR %s dB (doubles: %.17g)", buf, sqnr);
	fpv_vec_figures(&T, v, FPV_INT8, &g);
	ok(g.underflowed == 2 && g.saturated == 0,
	    "int8: 0.1 and 0.2 underflow to 0");
	ok(ev("[1e6, 1e-9, 3] * 2") == 1 && (v = rvec()) != NULL, "evaluated");
	if (v == NULL)
		return;
	fpv_vec_figures(&T, v, FPV_INT8, &g);
	ok(g.saturated == 1 && g.underflowed == 1,
	    "int8 saturates 2e6 and underflows 2e-9");
	fpv_vec_figures(&T, v, FPV_FP16, &g);
	ok(g.infinite && g.nonfinite == 1, "fp16: 1e6 is inf");
	fpv_vec_figures(&T, v, FPV_FP64, &g);
	ok(g.defined && g.saturated == 0 && g.underflowed == 0,
	    "fp64: nothing lost to the range");
	ok(ev("[1, 2] + 1") == 1 && (v = rvec()) != NULL, "evaluated");
	if (v == NULL)
		return;
	fpv_vec_figures(&T, v, FPV_FP32, &g);
	ok(g.sqnr_inf && fpv_vec_figure_text(&g.maxabs, 0, buf,
	    sizeof buf) > 0 && strcmp(buf, "0") == 0,
	    "no error: max 0, SQNR inf");
	fpv_vec_figures_clear(&g);
}

/* Element j of the result's vector in column f (NaN if none). */
static double
vd(int f, size_t j)
{
	const struct fpv_vec *v = rvec();

	if (v == NULL || j >= v->n)
		return NAN;
	return f == FPV_FP32 ? bitsf(v->bits[(size_t)f * v->n + j]) :
	    bitsd(v->bits[(size_t)f * v->n + j]);
}

/* Quantization in the language, hand-derived (the library's own tests
 * check the schemes in depth). */
static void
test_quant(void)
{
	const struct fpv_vec *v = NULL;
	float s = bitsf(0x3c808081);	/* fl(4 / 255) */

	default_columns();
	/* uint8 minmax of [-1, 0, 3]: s = fl(4/255), zero point 0 - round(-1
	 * / s) = 64; -1/s = -63.75 -> -64 + 64 = 0, 3/s = 191.25 -> 191 +
	 * 64 = 255. */
	ok(ev("quant([-1, 0, 3], uint8, minmax)") == 1 &&
	    (v = rvec()) != NULL && v->quant != NULL &&
	    v->quant[FPV_FP64].scale_bits[0] == 0x3c808081 &&
	    v->quant[FPV_FP64].zero_point == 64 &&
	    v->quant[FPV_FP64].code[0] == 0 &&
	    v->quant[FPV_FP64].code[1] == 64 &&
	    v->quant[FPV_FP64].code[2] == 255 &&
	    vd(FPV_FP64, 0) == -64.0 * (double)s &&
	    vd(FPV_FP64, 2) == 191.0 * (double)s,
	    "quant(v, uint8, minmax): scale 0x3c808081, zero point 64, "
	    "codes 0 64 255");
	ok(ev("quant([1, 2, 3], int8, absmax)[2]") == 1 &&
	    res(FPV_FP64) == dbits(127.0 * (double)(3.0f / 127.0f)),
	    "absmax: 3 is code 127 times fl(3 / 127)");
	/* MXFP4: amax 7, floor(log2 7) = 2, emax of E2M1 = 2: X = 2^0; 7
	 * saturates to 6, 0.25 is a tie between 0 and 0.5: to even 0. */
	ok(ev("mxfp4([6, 7, 0.25, -1.25])") == 1 && (v = rvec()) != NULL &&
	    v->quant != NULL && v->quant[FPV_FP32].scale_bits[0] == 127 &&
	    vd(FPV_FP32, 0) == 6 && vd(FPV_FP32, 1) == 6 &&
	    vd(FPV_FP32, 2) == 0 && vd(FPV_FP32, 3) == -1,
	    "mxfp4: E8M0 scale 2^0 (0x7f); 7 -> 6, 0.25 -> 0, -1.25 -> -1");
	ok(v != NULL && (v->flags[FPV_FP32 * 4 + 1] & FPV_FLAG_SATURATED) &&
	    (v->flags[FPV_FP32 * 4 + 2] & FPV_FLAG_UNDERFLOW),
	    "7 is flagged saturated, 0.25 underflow");
	/* Q8_0: d = fl(127 / 127) = 1; roundf(2.5) = 3, half away from 0 */
	ok(ev("q8_0([127, 2.5, -2.5, 0.5])") == 1 && vd(FPV_FP64, 1) == 3 &&
	    vd(FPV_FP64, 2) == -3 && vd(FPV_FP64, 3) == 1,
	    "q8_0: ties away from zero (2.5 -> 3, 0.5 -> 1)");
	/* NF4: 0.5 with absmax 1 lies below the midpoint of the table's
	 * 0x1.c3497p-2 and 0x1.200f56p-1: the first. */
	ok(ev("nf4([1, 0.5])") == 1 && vd(FPV_FP64, 0) == 1 &&
	    vd(FPV_FP64, 1) == 0x1.c3497p-2,
	    "nf4: 0.5 -> the table's 0.4407098293");
	ok(fpv_eval_line(&S, "quant([1], fp64, absmax)", 24, 1, &T, &E) ==
	    -1 && E.col == 1, "quant into fp64 is refused: %s", E.msg);
	ok(fpv_eval_line(&S, "quant([1], fp32, minmax)", 24, 1, &T, &E) ==
	    -1, "minmax is for integer grids: %s", E.msg);
}

/* Errors: one line, located. */
static void
test_errors(void)
{
	default_columns();
	ok(fpv_eval_line(&S, "[1, 2] + [1, 2, 3]", 18, 3, &T, &E) == -1 &&
	    E.line == 3 && E.col == 8 && strcmp(E.msg,
	    "vectors of different lengths for '+': 2 and 3") == 0,
	    "lengths differ: %d:%d: %s", E.line, E.col, E.msg);
	ok(fpv_eval_line(&S, "[1, 2][2]", 9, 1, &T, &E) == -1 &&
	    E.col == 8 && strcmp(E.msg, "index 2 out of range (the vector "
	    "has 2 elements, indices 0 to 1)") == 0,
	    "index out of range: %d: %s", E.col, E.msg);
	ok(fpv_eval_line(&S, "fill(10000001, 1)", 17, 1, &T, &E) == -1 &&
	    E.col == 6 && strcmp(E.msg, "the length of fill must be from 1 "
	    "to 10000000") == 0, "the limit: %s", E.msg);
	ok(fpv_eval_line(&S, "sum(2)", 6, 1, &T, &E) == -1 && E.col == 5,
	    "sum of a number: %s", E.msg);
	ok(fpv_eval_line(&S, "[[1, 2]]", 8, 1, &T, &E) == -1 && E.col == 2,
	    "a vector in a vector: %s", E.msg);
	ok(fpv_eval_line(&S, "load(\"/nonexistent/x.npy\")", 26, 1, &T,
	    &E) == -1 && E.col == 6 && strstr(E.msg, "/nonexistent/x.npy") !=
	    NULL, "load names the file: %s", E.msg);
	ok(ev("1 + 2") == 1 && rvec() == NULL && !fpv_trace_has_vec(&T),
	    "a scalar line after them has no vectors");
}

int
main(void)
{
	fpv_session_init(&S);
	fpv_trace_init(&T);
	test_accumulators();
	test_reductions_machine();
	test_values();
	test_softmax();
	test_figures();
	test_quant();
	test_errors();
	fpv_trace_free(&T);
	fpv_session_free(&S);
	return tap_done();
}
