/*
 * test-quant.c: quantization from data (src/quant.c) against independent
 * truths.  TAP.
 *
 *  1. The scheme table against the specifications' facts (block sizes,
 *     the layouts of the element and scale formats) and the NF4 table
 *     against the decimals bitsandbytes and the QLoRA paper publish.
 *  2. Blocks derived by hand, in the comments: their scales (value and
 *     bits) and codes, for every scheme, with the references' facts
 *     (an MXFP4 block with amax 6 has the E8M0 scale 2^0; Q8_0's ties
 *     go away from zero; the examples of ONNX's QuantizeLinear tests).
 *     Where binary32 rounding makes the numbers unpleasant by hand, they
 *     were computed in exact rationals (Python's fractions.Fraction with
 *     a round-to-nearest-even onto p-bit significands, each binary32
 *     step of the reference rounded as the reference rounds it) and are
 *     written here with that derivation.
 *  3. Edge cases: all zeros, one huge outlier, NaN and infinity, a
 *     partial last block, n = 0, the size limit, inputs wider than
 *     binary32, the session's rounding mode.
 *  4. Random tensors against oracles: every code is checked against
 *     the nearest of all finite values of the element format to the
 *     exact quotient (a sorted table of the format's values searched by
 *     bisection, distances compared exactly, ties to the even code;
 *     grids by exact rationals), the llama.cpp and bitsandbytes schemes against their
 *     reference code re-typed here from the sources, and every
 *     dequantized value against the exact product (MPFR) of its decoded
 *     code and scales.
 *
 * Built twice: as test-quant (binary32 on the machine) and as
 * test-quant-emul, with src/quant.c compiled with FPV_QUANT_F32_EMULATE
 * (the references' binary32 arithmetic through the emulation); both must
 * pass the same truths.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/quant.h"
#include "tap.h"
#include "formats.h"

static struct fpv_ctx ctx;

/* The scheme called name (aborts the test if missing). */
static const struct fpv_qscheme *
S(const char *name)
{
	const struct fpv_qscheme *s = fpv_qscheme_by_name(name, strlen(name));

	if (s == NULL) {
		printf("Bail out! no scheme %s\n", name);
		exit(1);
	}
	return s;
}

/* Quantize x[0..n) by scheme s with element format elem (name or NULL);
 * 0 or -1, the message in *why. */
static int
quant(const char *s, const char *elem, const double *x, size_t n,
    struct fpv_quant *q, const char **why)
{
	const char *w = NULL;
	int rc = fpv_quantize(&ctx, S(s), elem ? FMTN(elem) : NULL, x, n, q,
	    &w);

	if (why != NULL)
		*why = w;
	else if (rc != 0)
		diag("%s: %s", s, w);
	return rc;
}

/* Are the codes q->code[0..n) the expected ones? */
static bool
codes_are(const struct fpv_quant *q, const uint64_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (q->code[i] != want[i]) {
			diag("code[%zu] = 0x%llx, expected 0x%llx", i,
			    (unsigned long long)q->code[i],
			    (unsigned long long)want[i]);
			return false;
		}
	return true;
}

/* Are the values q->value[0..n) the expected ones (exactly; NaN = NaN)? */
static bool
values_are(const struct fpv_quant *q, const double *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool same = isnan(want[i]) ? isnan(q->value[i]) :
		    q->value[i] == want[i] &&
		    signbit(q->value[i]) == signbit(want[i]);

		if (!same) {
			diag("value[%zu] = %a, expected %a", i, q->value[i],
			    want[i]);
			return false;
		}
	}
	return true;
}

/* The binary32 number with bits u. */
static double
f32(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

/* ---- 1. The table ------------------------------------------------------- */

static bool
layout(const char *name, bool sign, int e, int m, int bias,
    enum fpv_top top)
{
	const struct fpv_format *f = FMTN(name);

	return f != NULL && f->kind == FPV_KIND_FLOAT && f->sign == sign &&
	    f->exp_bits == e && f->frac_bits == m && f->bias == bias &&
	    f->top == top;
}

static void
test_table(void)
{
	/* NF4 as published: bitsandbytes functional.py get_4bit_type and
	 * the QLoRA paper (Dettmers et al. 2023), appendix E. */
	static const char *const nf4[16] = {
		"-1.0", "-0.6961928009986877", "-0.5250730514526367",
		"-0.39491748809814453", "-0.28444138169288635",
		"-0.18477343022823334", "-0.09105003625154495", "0.0",
		"0.07958029955625534", "0.16093020141124725",
		"0.24611230194568634", "0.33791524171829224",
		"0.44070982933044434", "0.5626170039176941",
		"0.7229568362236023", "1.0"
	};
	const struct fpv_qscheme *s;
	bool good = true;

	/* OCP MX v1.0 table 1: k = 32, E8M0 scales (8 exponent bits, bias
	 * 127, no sign); elements E4M3/E5M2, E3M2/E2M3, E2M1. */
	ok(S("mxfp8")->block == 32 && S("mxfp6")->block == 32 &&
	    S("mxfp4")->block == 32, "MX blocks hold 32 elements");
	ok(layout(S("mxfp4")->scale, false, 8, 0, 127, FPV_TOP_FN) &&
	    strcmp(S("mxfp8")->scale, S("mxfp4")->scale) == 0 &&
	    strcmp(S("mxfp6")->scale, S("mxfp4")->scale) == 0,
	    "MX scales are E8M0 (unsigned, 8 exponent bits, bias 127)");
	ok(layout(S("mxfp8")->elem[0], true, 4, 3, 7, FPV_TOP_FN) &&
	    layout(S("mxfp8")->elem[1], true, 5, 2, 15, FPV_TOP_IEEE),
	    "MXFP8 elements: E4M3 by default, E5M2 by argument");
	ok(layout(S("mxfp6")->elem[0], true, 3, 2, 3, FPV_TOP_FINITE) &&
	    layout(S("mxfp6")->elem[1], true, 2, 3, 1, FPV_TOP_FINITE),
	    "MXFP6 elements: E3M2 by default, E2M3 by argument");
	ok(layout(S("mxfp4")->elem[0], true, 2, 1, 1, FPV_TOP_FINITE) &&
	    S("mxfp4")->elem[1] == NULL, "MXFP4 elements: E2M1 only");
	/* NVFP4: 16 E2M1 elements, an E4M3 block scale, an fp32 tensor
	 * scale (NVIDIA's NVFP4 description, Model Optimizer). */
	s = S("nvfp4");
	ok(s->block == 16 && layout(s->elem[0], true, 2, 1, 1,
	    FPV_TOP_FINITE) && layout(s->scale, true, 4, 3, 7, FPV_TOP_FN) &&
	    s->tensor_scale != NULL &&
	    layout(s->tensor_scale, true, 8, 23, 127, FPV_TOP_IEEE),
	    "NVFP4: 16 E2M1 elements, E4M3 block scales, a binary32 tensor "
	    "scale");
	/* ggml-common.h: QK8_0 = QK4_0 = 32, ggml_half d. */
	ok(S("q8_0")->block == 32 && S("q4_0")->block == 32 &&
	    layout(S("q8_0")->scale, true, 5, 10, 15, FPV_TOP_IEEE) &&
	    layout(S("q4_0")->scale, true, 5, 10, 15, FPV_TOP_IEEE),
	    "Q8_0 and Q4_0: 32 elements, a binary16 d");
	ok(FMTN(S("q8_0")->elem[0])->kind == FPV_KIND_INT &&
	    FMTN(S("q8_0")->elem[0])->bits == 8 &&
	    FMTN(S("q8_0")->elem[0])->sign &&
	    FMTN(S("q4_0")->elem[0])->bits == 4 &&
	    !FMTN(S("q4_0")->elem[0])->sign && S("q4_0")->zero_point == 8,
	    "Q8_0 codes are int8, Q4_0 codes unsigned nibbles offset by 8");
	/* bitsandbytes quantize_4bit: blocksize 64 by default, fp32 absmax */
	s = S("nf4");
	ok(s->block == 64 && s->codebook != NULL &&
	    layout(s->scale, true, 8, 23, 127, FPV_TOP_IEEE),
	    "NF4: 64 elements, a binary32 absmax, a codebook");
	for (int i = 0; i < 16; i++) {
		double v = strtod(nf4[i], NULL);

		if (s->codebook[i] != v || (double)(float)v != v) {
			diag("NF4[%d] = %a, published %s", i, s->codebook[i],
			    nf4[i]);
			good = false;
		}
	}
	ok(good, "the NF4 table is the published one, 16 binary32 numbers");
	ok(fpv_qscheme_by_name("mxfp5", 5) == NULL &&
	    fpv_qscheme_by_name("nf4x", 3) == S("nf4"),
	    "schemes are found by exact name");
	for (size_t i = 0; i < fpv_nqschemes; i++)
		if (fpv_qschemes[i].source == NULL ||
		    strlen(fpv_qschemes[i].source) < 10)
			good = false;
	ok(good, "every scheme names its reference");
}

/* ---- 2. Hand-derived blocks: OCP MX ------------------------------------- */

static void
test_mx(void)
{
	struct fpv_quant q;
	const char *why = NULL;
	double x[66];
	/*
	 * MXFP4, block 0: amax 6, floor(log2 6) = 2 = emax(E2M1), so
	 * X = 2^(2 - 2) = 2^0, E8M0 bits 0 + 127 = 0x7f.  Elements x / 1
	 * to E2M1 (values 0 0.5 1 1.5 2 3 4 6 at codes 0..7, sign 0x8):
	 * 6 -> 0x7, -6 -> 0xf, 0.5 -> 0x1, 1.5 -> 0x3, 2.5 ties 2 (0x4,
	 * even) and 3 (0x5) -> 0x4, 5 ties 4 (0x6) and 6 (0x7) -> 0x6,
	 * 0.25 ties 0 and 0.5 -> 0x0 (underflowed), 0.75 ties 0.5 (0x1)
	 * and 1 (0x2) -> 0x2, -3.5 ties -3 (0xd) and -4 (0xe) -> 0xe,
	 * 1.2 -> 1 (0x2).  The other 22 elements are 0.
	 */
	static const double b0[10] = { 6, -6, 0.5, 1.5, 2.5, 5, 0.25, 0.75,
	    -3.5, 1.2 };
	static const uint64_t c0[10] = { 0x7, 0xf, 0x1, 0x3, 0x4, 0x6, 0x0,
	    0x2, 0xe, 0x2 };
	static const double v0[10] = { 6, -6, 0.5, 1.5, 2, 4, 0, 1, -4, 1 };
	/*
	 * Block 1: amax 7.9999995 (binary32 8 - 2^-21): floor(log2) = 2,
	 * X = 2^0 again (a binary32 log2 would round it up to 3); 7 ties
	 * 6 (odd) and 8 (even, beyond 6) -> 8 overflows: saturated to 6;
	 * so is 7.9999995; 6.5 rounds to 6 (nearer), not saturated; -7
	 * saturates to -6.
	 */
	static const double b1[4] = { 7, 8 - 0x1p-21, 6.5, -7 };
	/* Block 2 (elements 64, 65: a partial block): amax 3, floor(log2 3)
	 * = 1, X = 2^-1 (bits 126): 3 / 0.5 = 6 -> 0x7, -1 / 0.5 = -2 ->
	 * 0xc. */
	size_t i;
	int rc;

	memset(x, 0, sizeof x);
	memcpy(x, b0, sizeof b0);
	memcpy(x + 32, b1, sizeof b1);
	x[64] = 3;
	x[65] = -1;
	if (quant("mxfp4", NULL, x, 66, &q, NULL) != 0) {
		ok(0, "mxfp4 quantizes");
		return;
	}
	ok(q.nblocks == 3 && q.block == 32, "66 elements make 3 MX blocks");
	ok(q.scale_bits[0] == 0x7f && q.scale[0] == 1,
	    "MXFP4 block with amax 6: E8M0 scale 2^0 (0x7f)");
	ok(codes_are(&q, c0, 10) && values_are(&q, v0, 10),
	    "MXFP4 block 0: codes and values as derived (ties to even)");
	for (i = 10; i < 32 && q.code[i] == 0 && q.value[i] == 0; i++)
		;
	ok(i == 32, "zero elements are code 0");
	ok(q.scale_bits[1] == 0x7f && q.code[32] == 0x7 && q.code[33] == 0x7 &&
	    q.code[34] == 0x7 && q.code[35] == 0xf && q.value[32] == 6 &&
	    q.value[35] == -6,
	    "MXFP4 block 1: amax just below 8 keeps 2^0; 7 and above "
	    "saturate to 6");
	ok(q.scale_bits[2] == 126 && q.scale[2] == 0.5 && q.code[64] == 0x7 &&
	    q.value[64] == 3 && q.code[65] == 0xc && q.value[65] == -1,
	    "MXFP4 partial block: amax 3, scale 2^-1, codes 0x7 and 0xc");
	/* saturated: 7, 7.9999995, -7 (6.5 rounds to 6); underflowed: 0.25 */
	ok(q.saturated == 3 && q.underflowed == 1 && q.nonfinite == 0,
	    "MXFP4 counts: 3 saturated, 1 underflowed (got %zu, %zu)",
	    q.saturated, q.underflowed);
	ok(q.block_amax[0] == 6 && q.block_amax[1] == 8 - 0x1p-21 &&
	    q.block_amax[2] == 3, "block amax recorded");
	ok(q.mark[6] == FPV_QMARK_UNDERFLOWED &&
	    q.mark[32] == FPV_QMARK_SATURATED &&
	    q.mark[33] == FPV_QMARK_SATURATED && q.mark[34] == 0 &&
	    q.mark[35] == FPV_QMARK_SATURATED && q.mark[0] == 0,
	    "each element is marked: 0.25 underflowed, 7 saturated");
	fpv_quant_clear(&q);

	/* An all-zero block: X = 2^-127, E8M0 code 0x00 (microxcaling:
	 * log2(0 + 2^-126) - emax, clamped at -127). */
	memset(x, 0, sizeof x);
	if (quant("mxfp4", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0 && q.scale[0] == 0x1p-127 &&
		    q.value[31] == 0 && q.underflowed == 0,
		    "an all-zero MX block has the scale 2^-127 (0x00)");
		fpv_quant_clear(&q);
	}

	/*
	 * MXFP8 with E4M3 (emax 8, largest 448):
	 *  block 0 amax 448: X = 2^(8 - 8) = 1 (0x7f); 448 -> 0x7e; 464 ties
	 *  448 (mantissa 110) and 480 (111, beyond) -> 448, not saturated;
	 *  465 -> saturated 448; 0.3 -> 1.2 x 2^-2 -> 1.25 x 2^-2 = 0.3125:
	 *  exponent 5, mantissa 010: 0x2a.  (amax is 465 then: floor(log2)
	 *  is still 8.)
	 *  block 1 amax 1: X = 2^(0 - 8) = 2^-8 (bits 119 = 0x77); 1 ->
	 *  256 = 2^8: 0 1111 000 = 0x78; 0.001 -> 0.256 = 1.024 x 2^-2 ->
	 *  1.0 x 2^-2: 0x28, value 2^-10.
	 */
	memset(x, 0, sizeof x);
	x[0] = 448;
	x[1] = 464;
	x[2] = 465;
	x[3] = 0.3;
	x[32] = 1;
	x[33] = 0.001;
	if (quant("mxfp8", NULL, x, 64, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x7f && q.code[0] == 0x7e &&
		    q.code[1] == 0x7e && q.code[2] == 0x7e && q.code[3] == 0x2a &&
		    q.value[3] == 0.3125 && q.saturated == 1,
		    "MXFP8 (E4M3): 464 ties down to 448, 465 saturates");
		ok(q.scale_bits[1] == 0x77 && q.scale[1] == 0x1p-8 &&
		    q.code[32] == 0x78 && q.value[32] == 1 &&
		    q.code[33] == 0x28 && q.value[33] == 0x1p-10,
		    "MXFP8 (E4M3) block with amax 1: X = 2^-8");
		fpv_quant_clear(&q);
	}
	/* E5M2 (emax 15): amax 1 gives X = 2^-15 (bits 112 = 0x70), 1 ->
	 * 2^15: 0 11110 00 = 0x78. */
	if (quant("mxfp8", S("mxfp8")->elem[1], x + 32, 2, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x70 && q.code[0] == 0x78 &&
		    q.value[0] == 1, "MXFP8 with E5M2 elements: X = 2^-15");
		fpv_quant_clear(&q);
	}
	/* MXFP6: amax 28.  E3M2 (emax 4, largest 28): X = 2^0, 28 =
	 * 1.11 x 2^4: 0 111 11 = 0x1f.  E2M3 (emax 2, largest 7.5): X =
	 * 2^(4 - 2) = 4 (bits 129), 28 / 4 = 7 = 1.110 x 2^2: 0 11 110 =
	 * 0x1e. */
	x[0] = 28;
	x[1] = -1;
	if (quant("mxfp6", NULL, x, 2, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 127 && q.code[0] == 0x1f && q.value[0] == 28,
		    "MXFP6 (E3M2): amax 28, X = 2^0, code 0x1f");
		fpv_quant_clear(&q);
	}
	if (quant("mxfp6", S("mxfp6")->elem[1], x, 2, &q, NULL) == 0) {
		/* -1 / 4 = -0.25 = E2M3 subnormal 2 x 2^-3: 1 00 010 = 0x22 */
		ok(q.scale_bits[0] == 129 && q.code[0] == 0x1e &&
		    q.value[0] == 28 && q.code[1] == 0x22 && q.value[1] == -1,
		    "MXFP6 with E2M3: X = 2^2, 28 -> 0x1e, -1 -> 0x22");
		fpv_quant_clear(&q);
	}
	rc = quant("mxfp8", S("mxfp6")->elem[0], x, 2, &q, &why);
	ok(rc == -1 && why != NULL && q.value == NULL,
	    "MXFP8 does not take an FP6 element format (%s)", why ? why : "");
	ok(quant("mxfp4", S("mxfp8")->elem[1], x, 2, &q, &why) == -1,
	    "MXFP4 takes E2M1 only");

	/* NaN and infinity poison their block only (OCP: a NaN scale X
	 * makes every element NaN). */
	memset(x, 0, sizeof x);
	x[0] = 1;
	x[5] = NAN;
	x[32] = 2;
	x[40] = -INFINITY;
	x[64] = 0.5;
	if (quant("mxfp4", NULL, x, 66, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0xff && isnan(q.scale[0]) &&
		    isnan(q.value[0]) && isnan(q.value[31]) && q.code[0] == 0 &&
		    q.scale_bits[1] == 0xff && isnan(q.value[32]),
		    "a block holding NaN or infinity: E8M0 NaN (0xff), NaN values");
		/* block 2: amax 0.5, X = 2^(-1 - 2) (bits 124) */
		ok(q.scale_bits[2] == 124 && q.value[64] == 0.5 &&
		    q.nonfinite == 64 && isnan(q.amax),
		    "the other blocks are untouched; 64 elements nonfinite");
		fpv_quant_clear(&q);
	}
}

/* ---- NVFP4 ---------------------------------------------------------------- */

static void
test_nvfp4(void)
{
	struct fpv_quant q;
	double x[48];
	/*
	 * Tensor amax 6 * 448 = 2688: s2 = 2688 / 2688 = 1 (0x3f800000);
	 * d6 = 6 * s2 = 6.  Block 0 (amax 2688): sb = 2688 / 6 = 448 ->
	 * E4M3 448 (0x7e), D = 448 * 1.  Elements x / 448 into E2M1:
	 * 2688 -> 6 (0x7), 448 -> 1 (0x2), 224 -> 0.5 (0x1), 112 -> 0.25
	 * ties 0 -> 0x0 (underflowed), 672 -> 1.5 (0x3), 1120 -> 2.5 ties
	 * 2 -> 0x4, -2688 -> 0xf.
	 * Block 1 (amax 1344): sb = 224 = 1.75 x 2^7 (0 1110 110 = 0x76),
	 * 1344 / 224 = 6 -> 0x7.
	 * Block 2 (amax 100): sb = fl(100 / 6) = 16.666666 -> E4M3 16
	 * (1.0417 x 2^4 -> 1.000: 0 1011 000 = 0x58), D = 16; 100 / 16 =
	 * 6.25 -> 6 (0x7), value 96, not saturated (6.25 rounds to 6).
	 */
	static const double in0[7] = { 2688, 448, 224, 112, 672, 1120, -2688 };
	static const uint64_t c0[7] = { 0x7, 0x2, 0x1, 0x0, 0x3, 0x4, 0xf };
	static const double v0[7] = { 2688, 448, 224, 0, 672, 896, -2688 };

	memset(x, 0, sizeof x);
	memcpy(x, in0, sizeof in0);
	x[16] = 1344;
	x[32] = 100;
	if (quant("nvfp4", NULL, x, 48, &q, NULL) != 0) {
		ok(0, "nvfp4 quantizes");
		return;
	}
	ok(q.nblocks == 3 && q.tensor_scale == 1 &&
	    q.tensor_scale_bits == 0x3f800000,
	    "NVFP4 tensor scale: amax / (6 * 448) = 1");
	ok(q.scale_bits[0] == 0x7e && q.scale[0] == 448 && codes_are(&q, c0, 7) &&
	    values_are(&q, v0, 7), "NVFP4 block with amax 2688: E4M3 448, "
	    "codes as derived");
	ok(q.scale_bits[1] == 0x76 && q.scale[1] == 224 && q.code[16] == 0x7 &&
	    q.value[16] == 1344, "NVFP4 block with amax 1344: E4M3 224");
	ok(q.scale_bits[2] == 0x58 && q.scale[2] == 16 && q.code[32] == 0x7 &&
	    q.value[32] == 96 && q.saturated == 0 && q.underflowed == 1,
	    "NVFP4 block with amax 100: E4M3 16, 100 -> 96");
	fpv_quant_clear(&q);

	/*
	 * Tensor amax 1 (exact rationals, each binary32 step rounded to
	 * nearest as ModelOpt's torch code does on the CPU):
	 *   s2 = fl(1 / 2688) = 12782641 / 2^35 (0x39c30c31),
	 *   d6 = fl(6 * s2) = 9586981 / 2^32 (0x3b124925),
	 *   block amax 1: sb = fl(1 / d6) = 447.99997 (0x43dfffff) -> E4M3
	 *   448 (0x7e); D = 448 * s2 = 0.16666666977...; 1 / D =
	 *   5.9999999 -> 6 (0x7), value 6 D = 268435461 / 2^28;
	 *   0.5f / D = 2.99999994 -> 3 (0x5), -0.33333334f -> -2 (0xc),
	 *   0.41666666f / D = 2.49999989 -> 2 (0x4): below the tie.
	 *   block amax 0.3f: sb = fl(0.3f / d6) = 134.4 -> E4M3 128
	 *   (0x70); D = 128 s2; 0.3f / D = 6.3 -> 6 (0x7), value
	 *   38347923 / 2^27; 0.125 / D = 2.625 -> 3 (0x5).
	 */
	memset(x, 0, sizeof x);
	x[0] = 1;
	x[1] = 0.5;
	x[2] = (float)(-1.0 / 3);
	x[3] = (float)(5.0 / 12);
	x[16] = (float)0.3;
	x[17] = 0.125;
	if (quant("nvfp4", NULL, x, 32, &q, NULL) == 0) {
		ok(q.tensor_scale_bits == 0x39c30c31 &&
		    q.tensor_scale == ldexp(12782641, -35),
		    "NVFP4 tensor scale of amax 1: fl(1 / 2688) = 0x39c30c31");
		ok(q.scale_bits[0] == 0x7e && q.code[0] == 0x7 &&
		    q.value[0] == ldexp(268435461, -28) && q.code[1] == 0x5 &&
		    q.code[2] == 0xc && q.code[3] == 0x4,
		    "NVFP4: fl(1 / d6) = 447.99997 rounds to E4M3 448");
		ok(q.scale_bits[1] == 0x70 && q.scale[1] == 128 &&
		    q.code[16] == 0x7 && q.value[16] == ldexp(38347923, -27) &&
		    q.code[17] == 0x5, "NVFP4: fl(0.3 / d6) = 134.4 rounds to "
		    "E4M3 128");
		fpv_quant_clear(&q);
	}
	/* All zeros: s2 = 0, every block gets the scale 1.0 (0x38), values
	 * 0 (ModelOpt's 0/0 would be NaN here). */
	memset(x, 0, sizeof x);
	if (quant("nvfp4", NULL, x, 20, &q, NULL) == 0) {
		ok(q.nblocks == 2 && q.tensor_scale == 0 &&
		    q.scale_bits[0] == 0x38 && q.scale_bits[1] == 0x38 &&
		    q.value[19] == 0 && q.nonfinite == 0,
		    "an all-zero NVFP4 tensor: block scales 1.0, values 0");
		fpv_quant_clear(&q);
	}
	/* One outlier: amax 1e6 and a block of 1e-3: sb = fl(1e-3 / fl(6
	 * fl(1e6 / 2688))) = 4.48e-7 rounds to E4M3 0 (below 2^-10): the
	 * block's values are 0, all underflowed. */
	memset(x, 0, sizeof x);
	x[0] = 1e6;
	for (int i = 16; i < 32; i++)
		x[i] = 1e-3;
	if (quant("nvfp4", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[1] == 0 && q.value[20] == 0 &&
		    q.underflowed == 16 && q.scale_bits[0] == 0x7e &&
		    q.value[0] == 2688 * q.tensor_scale,
		    "NVFP4: a block far below the outlier has E4M3 scale 0");
		fpv_quant_clear(&q);
	}
	/* A NaN poisons the whole tensor (its amax makes the tensor scale). */
	x[3] = NAN;
	if (quant("nvfp4", NULL, x, 32, &q, NULL) == 0) {
		ok(isnan(q.tensor_scale) && q.tensor_scale_bits == 0x7fc00000 &&
		    q.scale_bits[0] == 0x7f && q.scale_bits[1] == 0x7f &&
		    isnan(q.value[31]) && q.nonfinite == 32,
		    "NVFP4 with a NaN: tensor and block scales NaN");
		fpv_quant_clear(&q);
	}
}

/* ---- llama.cpp ------------------------------------------------------------ */

static void
test_ggml(void)
{
	struct fpv_quant q;
	double x[64];

	/*
	 * Q8_0, amax 127: d = 127 / 127 = 1 (fp16 0x3c00), id = 1, codes
	 * roundf(x): half away from zero, so 0.5 -> 1, -0.5 -> -1, 1.5 ->
	 * 2, 2.5 -> 3 (ties to even would give 2), -2.5 -> -3, 126.5 ->
	 * 127.
	 */
	static const double in[8] = { 127, 0.5, -0.5, 1.5, 2.5, -2.5, 126.5,
	    -127 };
	static const uint64_t c[8] = { 127, 1, 0xff, 2, 3, 0xfd, 127, 0x81 };
	static const double v[8] = { 127, 1, -1, 2, 3, -3, 127, -127 };

	memset(x, 0, sizeof x);
	memcpy(x, in, sizeof in);
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x3c00 && q.scale[0] == 1 &&
		    codes_are(&q, c, 8) && values_are(&q, v, 8),
		    "Q8_0, amax 127: d = 1, ties round away from zero");
		fpv_quant_clear(&q);
	}
	/* The same in the rounding mode toward zero: the recipe has its
	 * own rounding (roundf), the session's mode does not enter. */
	ctx.round = FPV_RND_ZERO;
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(codes_are(&q, c, 8), "Q8_0 codes do not depend on the "
		    "session's rounding mode");
		fpv_quant_clear(&q);
	}
	ctx.round = FPV_RND_NEAREST;
	/*
	 * Q8_0, amax 254: d = 2, id = 0.5; x = d / 2 = 1 -> 0.5 -> 1 (the
	 * tie amax/127 * 0.5 goes away from zero); 5 -> 2.5 -> 3.
	 */
	memset(x, 0, sizeof x);
	x[0] = 254;
	x[1] = 1;
	x[2] = 5;
	x[3] = -1;
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x4000 && q.code[1] == 1 &&
		    q.code[2] == 3 && q.code[3] == 0xff && q.value[1] == 2 &&
		    q.value[2] == 6, "Q8_0, amax 254: amax/127 * 0.5 rounds "
		    "away from zero");
		fpv_quant_clear(&q);
	}
	/*
	 * Q8_0, amax 1 (exact rationals): d = fl(1/127) = 2113665 / 2^28
	 * (0x3c010204), id = fl(1 / d) = 127 exactly, stored d = fp16(d)
	 * = 129 / 2^14 (0x2008).  The codes use the binary32 d: 1 -> 127,
	 * 0.5 -> 63.5 -> 64, d / 2 -> fl(d/2 * 127) = 0.5 -> 1; the values
	 * the fp16 one: 127 * 129 / 2^14.
	 */
	memset(x, 0, sizeof x);
	x[0] = 1;
	x[1] = 0.5;
	x[2] = ldexp(2113665, -29);
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x2008 && q.scale[0] == ldexp(129, -14) &&
		    q.code[0] == 127 && q.code[1] == 64 && q.code[2] == 1 &&
		    q.value[0] == ldexp(127 * 129, -14),
		    "Q8_0, amax 1: codes from the binary32 d, values from its "
		    "fp16 (0x2008)");
		fpv_quant_clear(&q);
	}
	/* d beyond fp16: amax 127 * 2^16 gives d = 65536, fp16 infinity
	 * (0x7c00): values are +-inf, and 0 * inf is NaN. */
	memset(x, 0, sizeof x);
	x[0] = 127 * 65536.0;
	x[1] = -127 * 65536.0;
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0x7c00 && q.value[0] == INFINITY &&
		    q.value[1] == -INFINITY && isnan(q.value[2]) &&
		    q.nonfinite == 32, "Q8_0: a d beyond fp16 is infinite");
		fpv_quant_clear(&q);
	}
	/* d below fp16: amax 1e-7, d = 7.9e-10 rounds to fp16 0; the codes
	 * are still 127 (binary32 d), the values 0: underflowed. */
	x[0] = 1e-7;
	x[1] = -1e-7;
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0 && q.code[0] == 127 && q.code[1] == 0x81 &&
		    q.value[0] == 0 && q.underflowed == 2,
		    "Q8_0: a d below fp16 keeps the codes, values 0");
		fpv_quant_clear(&q);
	}
	/* amax 1e-38: d = fl(1e-38 / 127) < 2^-128, 1/d overflows: the
	 * reference's conversion to int8 is undefined; codes 0. */
	x[0] = 1e-38;
	x[1] = 0;
	if (quant("q8_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.code[0] == 0 && q.value[0] == 0 && q.underflowed == 1,
		    "Q8_0: when 1/d overflows, codes 0");
		fpv_quant_clear(&q);
	}

	/*
	 * Q4_0: max is the first element of largest magnitude, signed.
	 * Block [-8, 1, 2.5, -2.5, 3.49, 8, 7.5, 0]: max = -8 (first), d =
	 * -8 / -8 = 1 (fp16 0x3c00), id = 1, q = min(15, (int8)(x + 8.5)):
	 * -8 -> 0 (value -8), 1 -> 9 (1), 2.5 -> 11 (3: halves go up),
	 * -2.5 -> 6 (-2), 3.49 -> 11 (3), 8 -> 16 -> 15 (7, saturated),
	 * 7.5 -> 16 -> 15 (7, saturated), 0 -> 8 (0).
	 */
	{
		static const double b[8] = { -8, 1, 2.5, -2.5, 3.49, 8, 7.5, 0 };
		static const uint64_t cb[8] = { 0, 9, 11, 6, 11, 15, 15, 8 };
		static const double vb[8] = { -8, 1, 3, -2, 3, 7, 7, 0 };

		memset(x, 0, sizeof x);
		memcpy(x, b, sizeof b);
		if (quant("q4_0", NULL, x, 32, &q, NULL) == 0) {
			ok(q.scale_bits[0] == 0x3c00 && codes_are(&q, cb, 8) &&
			    values_are(&q, vb, 8) && q.saturated == 2,
			    "Q4_0 block with -8 first: d = 1, codes as derived");
			fpv_quant_clear(&q);
		}
	}
	/* The same magnitudes with 8 first: max = 8, d = -1 (0xbc00), id =
	 * -1: 8 -> -8 + 8.5 -> 0 (value (0 - 8) * -1 = 8), -8 -> 16.5 ->
	 * 15 (value -7, saturated). */
	memset(x, 0, sizeof x);
	x[0] = 8;
	x[1] = -8;
	if (quant("q4_0", NULL, x, 32, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0xbc00 && q.scale[0] == -1 &&
		    q.code[0] == 0 && q.value[0] == 8 && q.code[1] == 15 &&
		    q.value[1] == -7 && q.saturated == 1 && q.code[2] == 8,
		    "Q4_0 block with 8 first: d = -1, -8 saturates to -7");
		fpv_quant_clear(&q);
	}
	/* A partial block (34 elements): the second block is [-3, 1.5],
	 * d = 3/8 = 0.375 (fp16 0x3600), id = fl(1/0.375) = 2.6666667:
	 * -3 -> -8.0000001 + 8.5 -> 0; 1.5 -> 4 + 8.5 = 12.5 -> 12 (value
	 * 4 * 0.375 = 1.5). */
	memset(x, 0, sizeof x);
	x[0] = 1;
	x[32] = -3;
	x[33] = 1.5;
	if (quant("q4_0", NULL, x, 34, &q, NULL) == 0) {
		ok(q.nblocks == 2 && q.scale_bits[1] == 0x3600 &&
		    q.code[32] == 0 && q.value[32] == -3 && q.code[33] == 12 &&
		    q.value[33] == 1.5, "Q4_0 partial block: d = 0.375");
		fpv_quant_clear(&q);
	}
}

/* ---- bitsandbytes NF4 ----------------------------------------------------- */

static void
test_nf4(void)
{
	const double *cb = S("nf4")->codebook;
	struct fpv_quant q;
	double x[80];

	/*
	 * Block with absmax 1: r = 1, xs = x.  The code is the number of
	 * binary32 midpoints fl((a + b) / 2) of neighbouring entries below
	 * xs (torch.bucketize): at a midpoint, the lower entry.
	 *   1 -> 15, -1 -> 0, 0 -> 7, 0.5 -> 12 (0.4407, the midpoint with
	 *   0.5626 is 0.5017), -0.05 -> 6 (-0.0911; midpoint -0.0455).
	 *   The midpoint of 0.7229568 and 1 is 0x1.b913b3p-1, not a binary32
	 *   number; its binary32 rounding 0x3f5c89da = 0x1.b913b4p-1 lies
	 *   above it, nearer to 1, yet it is the bound: code 14.  The next
	 *   binary32 number up is code 15.  The midpoint of 0 and 0.0796 is
	 *   exact (0x3d22faff): code 7; one above, code 8.
	 */
	memset(x, 0, sizeof x);
	x[0] = 1;
	x[1] = -1;
	x[2] = 0;
	x[3] = 0.5;
	x[4] = -0.05;
	x[5] = f32(0x3f5c89da);
	x[6] = f32(0x3f5c89db);
	x[7] = f32(0x3d22faff);
	x[8] = f32(0x3d22fb00);
	x[64] = 0.25;
	x[65] = -1.5;		/* the partial block: absmax 1.5 */
	if (quant("nf4", NULL, x, 66, &q, NULL) != 0) {
		ok(0, "nf4 quantizes");
		return;
	}
	ok(q.nblocks == 2 && q.scale[0] == 1 && q.scale_bits[0] == 0x3f800000 &&
	    q.code[0] == 15 && q.code[1] == 0 && q.code[2] == 7 &&
	    q.code[3] == 12 && q.value[3] == cb[12] && q.code[4] == 6,
	    "NF4 block with absmax 1: nearest entries");
	ok(q.code[5] == 14 && q.code[6] == 15 && q.code[7] == 7 &&
	    q.code[8] == 8, "NF4: at a binary32 midpoint, the lower entry");
	/* partial block: fl(0.25 / 1.5) = 0.16666667 -> 0.1609 (code 9;
	 * midpoints 0.1202 and 0.2035), value 0.16093020141124725 * 1.5
	 * exactly; -1.5 / 1.5 = -1 -> 0. */
	ok(q.scale[1] == 1.5 && q.code[64] == 9 && q.value[64] == cb[9] * 1.5 &&
	    q.code[65] == 0 && q.value[65] == -1.5,
	    "NF4 partial block: its own absmax");
	fpv_quant_clear(&q);
	/* All zeros: absmax 0, codes 7 (0.0), values 0; a partial zero
	 * block stores bitsandbytes' clamped absmax fl(1e-38) = 0x006ce3ee. */
	memset(x, 0, sizeof x);
	if (quant("nf4", NULL, x, 70, &q, NULL) == 0) {
		ok(q.scale_bits[0] == 0 && q.code[0] == 7 && q.code[69] == 7 &&
		    q.value[69] == 0 && q.scale_bits[1] == 0x006ce3ee,
		    "NF4 zero blocks: code 7; the partial one stores 1e-38");
		fpv_quant_clear(&q);
	}
}

/* ---- quant: per-tensor methods -------------------------------------------- */

/* A grid descriptor of w bits (signed or not), for the tests. */
static struct fpv_format
grid(int w, bool sign)
{
	struct fpv_format f;
	const char *why;

	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "g%d", w);
	f.kind = FPV_KIND_INT;
	f.bits = w;
	f.sign = sign;
	f.scale_num = f.scale_den = 1;
	fpv_format_derive(&f, &why);
	return f;
}

static void
test_tensor(void)
{
	struct fpv_quant q;
	const char *why = NULL;
	double x[8];
	int rc;

	/*
	 * int8 absmax, amax 1 (exact rationals): s = fl(1 / 127) = 2113665
	 * / 2^28 (0x3c010204), slightly below 1/127, so 1 / s =
	 * 127.00000047 -> 127, 0.5 / s = 63.50000024 -> 64, 0.25 / s =
	 * 31.75 -> 32.  x = 0x3d112245 (0.035433073): x / s = 9511493 /
	 * 2113665 = 4.50000024 -> 5; a binary32 quotient would be 4.5 and
	 * tie to 4 (ONNX's numpy reference computes x / s in binary32).
	 */
	x[0] = 1;
	x[1] = 0.5;
	x[2] = -0.25;
	x[3] = f32(0x3d112245);
	x[4] = -1;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 5, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3c010204 && q.zero_point == 0 &&
		    q.code[0] == 127 && q.code[1] == 64 && q.code[2] == 0xe0 &&
		    q.code[3] == 5 && q.code[4] == 0x81 &&
		    q.value[1] == 64 * ldexp(2113665, -28),
		    "int8 absmax: s = fl(1/127); the exact quotient 4.50000024 "
		    "rounds to 5");
		fpv_quant_clear(&q);
	}
	/* The session's rounding mode rounds the elements: up, 0.25 / s
	 * = 31.75 -> 32 and -0.25 / s -> -31; the scale is the same. */
	ctx.round = FPV_RND_UP;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 5, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3c010204 && q.code[2] == 0xe1 &&
		    q.code[3] == 5 && q.code[1] == 64,
		    "int8 absmax rounding up: -0.25 / s -> -31");
		fpv_quant_clear(&q);
	}
	ctx.round = FPV_RND_NEAREST;
	/* All zeros: s = max(0, eps) = 2^-23 (0x34000000), codes 0. */
	memset(x, 0, sizeof x);
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 3, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x34000000 && q.scale[0] == 0x1p-23 &&
		    q.code[0] == 0 && q.value[2] == 0,
		    "int8 absmax of zeros: the scale is binary32's eps");
		fpv_quant_clear(&q);
	}
	/* One huge outlier: [1e30, 1, -1]: s = fl(1e30 / 127), 1 / s ~
	 * 1.3e-28 -> 0: two underflowed. */
	x[0] = 1e30;
	x[1] = 1;
	x[2] = -1;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 3, &q, &why) == 0) {
		ok(q.scale[0] == (float)((float)1e30 / 127.0f) && q.code[0] == 127 &&
		    q.code[1] == 0 && q.value[2] == 0 && q.underflowed == 2,
		    "int8 absmax with an outlier: the rest underflows");
		fpv_quant_clear(&q);
	}
	/* uint8 absmax: zero point 0, so -1 saturates to 0 (not counted as
	 * underflowed). */
	x[0] = -1;
	x[1] = 1;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("uint8"), x, 2, &q, &why) == 0) {
		ok(q.code[0] == 0 && q.code[1] == 255 && q.saturated == 1 &&
		    q.underflowed == 0, "uint8 absmax: negatives saturate to 0");
		fpv_quant_clear(&q);
	}

	/*
	 * uint8 minmax of [-1, 0, 3, 0.5] (PyTorch _calculate_qparams, exact
	 * rationals): min_neg = -1, max_pos = 3, s = fl(fl(3 + 1) / 255) =
	 * 8421505 / 2^29 (0x3c808081); fl(-1 / s) = -63.749996 (binary32),
	 * torch.round -> -64, zero point 0 - (-64) = 64.  Codes round(x / s)
	 * + 64: -1 -> -63.75 -> -64 + 64 = 0; 0 -> 64; 3 -> 191.25 + 64 ->
	 * 255; 0.5 -> 31.875 -> 32 + 64 = 96.  Values (q - 64) s.
	 */
	x[0] = -1;
	x[1] = 0;
	x[2] = 3;
	x[3] = 0.5;
	if (fpv_quantize(&ctx, S("minmax"), FMTN("uint8"), x, 4, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3c808081 && q.zero_point == 64 &&
		    q.code[0] == 0 && q.code[1] == 64 && q.code[2] == 255 &&
		    q.code[3] == 96 && q.value[0] == -64 * ldexp(8421505, -29) &&
		    q.value[2] == 191 * ldexp(8421505, -29) && q.min == -1 &&
		    q.max == 3, "uint8 minmax of [-1, 0, 3, 0.5]: s = 0x3c808081, "
		    "zero point 64");
		fpv_quant_clear(&q);
	}
	/* int8 minmax of a constant 5: min_neg = 0, s = fl(5/255)
	 * (0x3ca0a0a1), zero point -128 - 0 = -128; 5 / s = 254.99999 ->
	 * 255 - 128 = 127. */
	x[0] = x[1] = x[2] = 5;
	if (fpv_quantize(&ctx, S("minmax"), FMTN("int8"), x, 3, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3ca0a0a1 && q.zero_point == -128 &&
		    q.code[0] == 127 && q.value[1] == 255 * f32(0x3ca0a0a1),
		    "int8 minmax of a constant 5: zero point -128");
		fpv_quant_clear(&q);
	}
	/* uint8 minmax of a constant -5: fl(-5 / s) = -254.99998 -> -255,
	 * zero point 255; -5 -> -255 + 255 = 0. */
	x[0] = x[1] = -5;
	if (fpv_quantize(&ctx, S("minmax"), FMTN("uint8"), x, 2, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3ca0a0a1 && q.zero_point == 255 &&
		    q.code[0] == 0 && q.value[0] == -255 * f32(0x3ca0a0a1),
		    "uint8 minmax of a constant -5: zero point 255");
		fpv_quant_clear(&q);
	}
	/* int8 minmax of zeros: s = eps, zero point -128: codes -128
	 * (0x80), values 0 (PyTorch's eps clamp). */
	x[0] = x[1] = 0;
	if (fpv_quantize(&ctx, S("minmax"), FMTN("int8"), x, 2, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x34000000 && q.zero_point == -128 &&
		    q.code[0] == 0x80 && q.value[0] == 0 && q.underflowed == 0,
		    "int8 minmax of zeros: s = eps, zero point -128");
		fpv_quant_clear(&q);
	}
	/* int4 minmax of [-2, -1]: s = fl(2 / 15) = 0x3e088889, a little
	 * above 2/15; fl(-2 / s) = -14.999999 -> -15, zero point -8 + 15 =
	 * 7; -2 / s -> -15 + 7 = -8 (0x8); -1 / s = -7.4999996, not a tie:
	 * -7 + 7 = 0 (0x0), value (0 - 7) s. */
	x[0] = -2;
	x[1] = -1;
	if (fpv_quantize(&ctx, S("minmax"), FMTN("int4"), x, 2, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x3e088889 && q.zero_point == 7 &&
		    q.code[0] == 0x8 && q.code[1] == 0x0 &&
		    q.value[1] == -7 * f32(0x3e088889),
		    "int4 minmax of [-2, -1]: zero point 7");
		fpv_quant_clear(&q);
	}

	/* Float formats, absmax: s = fl(amax / largest finite). */
	x[0] = 448;
	x[1] = 1;
	x[2] = 0.3;
	x[3] = -0.001;
	/* E4M3, amax 448: s = 1; 0.3 -> 0.3125 (0x2a); -0.001 is 0.512
	 * subnormal steps of 2^-9: -2^-9 (0x81). */
	if (fpv_quantize(&ctx, S("absmax"), FMTN("fp8e4m3"), x, 4, &q,
	    &why) == 0) {
		ok(q.scale[0] == 1 && q.code[0] == 0x7e && q.code[1] == 0x38 &&
		    q.code[2] == 0x2a && q.code[3] == 0x81 &&
		    q.value[3] == -0x1p-9, "E4M3 absmax of amax 448: s = 1");
		fpv_quant_clear(&q);
	}
	/* E2M1, amax 3: s = 3 / 6 = 0.5: 3 -> 6, 1 -> 2, -0.75 -> -1.5. */
	x[0] = 3;
	x[1] = 1;
	x[2] = -0.75;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("fp4e2m1"), x, 3, &q,
	    &why) == 0) {
		ok(q.scale[0] == 0.5 && q.code[0] == 0x7 && q.code[1] == 0x4 &&
		    q.code[2] == 0xb && q.value[2] == -0.75,
		    "E2M1 absmax of amax 3: s = 0.5");
		fpv_quant_clear(&q);
	}
	/* binary32 itself, amax 1: 1 / the largest binary32 is below 2^-126:
	 * the scale is held at 2^-126, and every value comes back exactly. */
	x[0] = 1;
	x[1] = (float)0.1;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("fp32"), x, 2, &q,
	    &why) == 0) {
		ok(q.scale[0] == 0x1p-126 && q.scale_bits[0] == 0x00800000 &&
		    q.value[0] == 1 && q.value[1] == (float)0.1,
		    "fp32 absmax: the scale stays a normal binary32 number");
		fpv_quant_clear(&q);
	}
	/* Errors. */
	rc = fpv_quantize(&ctx, S("minmax"), FMTN("fp16"), x, 2, &q, &why);
	ok(rc == -1 && q.value == NULL, "minmax into a float format is an "
	    "error (%s)", rc ? why : "");
	rc = fpv_quantize(&ctx, S("absmax"), FMTN("fp64"), x, 2, &q, &why);
	ok(rc == -1, "fp64 is not a quantization target (%s)", rc ? why : "");
	{
		struct fpv_format g30 = grid(30, true), g29 = grid(29, true);

		rc = fpv_quantize(&ctx, S("absmax"), &g30, x, 2, &q, &why);
		ok(rc == -1, "a 30-bit grid is refused (%s)", rc ? why : "");
		rc = fpv_quantize(&ctx, S("minmax"), &g29, x, 2, &q, &why);
		ok(rc == 0, "a 29-bit grid is taken");
		if (rc == 0)
			fpv_quant_clear(&q);
	}
	rc = fpv_quantize(&ctx, S("absmax"), NULL, x, 2, &q, &why);
	ok(rc == -1, "quant needs a format");
	/* A NaN or an infinity poisons the tensor's scale. */
	x[0] = 1;
	x[1] = INFINITY;
	x[2] = 2;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 3, &q, &why) == 0) {
		ok(q.scale_bits[0] == 0x7fc00000 && isnan(q.value[0]) &&
		    isnan(q.value[2]) && q.code[0] == 0 && q.nonfinite == 3,
		    "quant with an infinity: scale NaN, every value NaN");
		fpv_quant_clear(&q);
	}
	/* fp64 inputs are rounded to binary32 first: 0.1 is counted; 1e300
	 * becomes an infinity. */
	x[0] = 0.1;
	x[1] = 0.5;
	if (fpv_quantize(&ctx, S("absmax"), FMTN("int8"), x, 2, &q, &why) == 0) {
		ok(q.rounded_inputs == 1 && q.mark[0] == FPV_QMARK_ROUNDED &&
		    q.mark[1] == 0 && q.amax == (float)0.5 &&
		    q.scale[0] == (float)(0.5f / 127.0f),
		    "an fp64 input is rounded to binary32 (counted)");
		fpv_quant_clear(&q);
	}
	x[0] = 1e300;
	if (quant("q8_0", NULL, x, 2, &q, NULL) == 0) {
		ok(q.rounded_inputs == 1 && isnan(q.value[1]) &&
		    q.scale_bits[0] == 0x7e00, "1e300 is infinite in binary32: "
		    "its block is NaN (fp16 NaN d)");
		fpv_quant_clear(&q);
	}
}

/* ---- ONNX QuantizeLinear -------------------------------------------------- */

static void
test_onnx(void)
{
	/* onnx/backend/test/case/node/quantizelinear.py */
	static const double x0[6] = { 0, 2, 3, 1000, -254, -1000 };
	static const uint64_t y0[6] = { 128, 129, 130, 255, 1, 0 };
	static const double x16[16] = { 0.0, -514.0, 3.0, -3.0, 2.9, -2.9, 3.1,
	    -3.1, 65022.0, -66046.0, 65023.0, -66047.0, 65024.0, -66048.0,
	    70000.0, -70000.0 };
	static const int64_t y16[16] = { 256, -1, 258, 254, 257, 255, 258, 254,
	    32767, -32767, 32767, -32768, 32767, -32768, 32767, -32768 };
	static const double xu16[12] = { 0.0, -128.0, 3.0, -3.0, 2.9, -2.9,
	    3.1, -3.1, 65536.0, -65534.0, 70000.0, -70000.0 };
	static const int64_t yu16[12] = { 32767, 32703, 32769, 32765, 32768,
	    32766, 32769, 32765, 65535, 0, 65535, 0 };
	static const double xf[5] = { 0.0, 1.0, 2.0, 100000.0, 200.0 };
	static const double ye4[5] = { 0, 0.5, 1, 448, 96 };
	static const double ye5[5] = { 0, 0.5, 1, 49152, 96 };
	struct fpv_quant q;
	const char *why = NULL;
	bool good;

	if (fpv_quantize_linear(&ctx, FMTN("uint8"), 2, 128, x0, 6, &q,
	    &why) == 0) {
		ok(codes_are(&q, y0, 6) && q.saturated == 2,
		    "ONNX test_quantizelinear: uint8, scale 2, zero point 128");
		fpv_quant_clear(&q);
	}
	{
		struct fpv_format g = grid(16, true);

		if (fpv_quantize_linear(&ctx, &g, 2, 256, x16, 16, &q,
		    &why) == 0) {
			good = true;
			for (int i = 0; i < 16; i++)
				good &= fpv_bits_q(&q.elem, q.code[i]) == y16[i];
			ok(good, "ONNX test_quantizelinear_int16: ties to even, "
			    "saturation");
			fpv_quant_clear(&q);
		}
		g = grid(16, false);
		if (fpv_quantize_linear(&ctx, &g, 2, 32767, xu16, 12, &q,
		    &why) == 0) {
			good = true;
			for (int i = 0; i < 12; i++)
				good &= fpv_bits_q(&q.elem, q.code[i]) == yu16[i];
			ok(good, "ONNX test_quantizelinear_uint16");
			fpv_quant_clear(&q);
		}
	}
	if (fpv_quantize_linear(&ctx, FMTN("fp8e4m3"), 2, 0, xf, 5, &q,
	    &why) == 0) {
		good = true;
		for (int i = 0; i < 5; i++)
			good &= q.value[i] == 2 * ye4[i];
		ok(good && q.saturated == 1, "ONNX test_quantizelinear_e4m3fn: "
		    "100000 saturates to 448, 200 / 2 = 100 ties to 96");
		fpv_quant_clear(&q);
	}
	if (fpv_quantize_linear(&ctx, FMTN("fp8e5m2"), 2, 0, xf, 5, &q,
	    &why) == 0) {
		good = true;
		for (int i = 0; i < 5; i++)
			good &= q.value[i] == 2 * ye5[i];
		ok(good && q.saturated == 0, "ONNX test_quantizelinear_e5m2");
		fpv_quant_clear(&q);
	}
	{
		/* Each element on its own: a NaN in a grid is the zero point
		 * (invalid), an infinity saturates. */
		double xn[3] = { NAN, INFINITY, -1 };

		if (fpv_quantize_linear(&ctx, FMTN("int8"), 1, 0, xn, 3, &q,
		    &why) == 0) {
			ok(q.code[0] == 0 && q.value[0] == 0 && q.invalid == 1 &&
			    q.mark[0] == FPV_QMARK_INVALID &&
			    q.mark[1] == FPV_QMARK_SATURATED &&
			    q.code[1] == 127 && q.saturated == 1 &&
			    q.code[2] == 0xff, "QuantizeLinear with NaN and "
			    "infinity, element by element");
			fpv_quant_clear(&q);
		}
	}
	why = NULL;
	ok(fpv_quantize_linear(&ctx, FMTN("int8"), 0.1, 0, x0, 6, &q,
	    &why) == -1 && why != NULL, "the scale must be a binary32 number");
	ok(fpv_quantize_linear(&ctx, FMTN("int8"), 1, 200, x0, 6, &q,
	    &why) == -1, "the zero point must be in the grid");
}

/* ---- 3. Edge cases -------------------------------------------------------- */

static void
test_edges(void)
{
	struct fpv_quant q;
	const char *why = NULL;
	bool good = true;
	double *big;
	int rc;

	for (size_t i = 0; i < fpv_nqschemes; i++) {
		const struct fpv_qscheme *s = &fpv_qschemes[i];
		const struct fpv_format *f = s->elem[0] ? NULL : FMTN("int8");

		rc = fpv_quantize(&ctx, s, f, NULL, 0, &q, &why);
		if (rc != 0 || q.n != 0 ||
		    q.nblocks != (s->block > 0 ? 0u : 1u)) {
			diag("%s with n = 0: rc %d", s->name, rc);
			good = false;
		}
		if (rc == 0)
			fpv_quant_clear(&q);
	}
	ok(good, "n = 0: every scheme, no blocks (per-tensor: one scale)");
	rc = fpv_quantize(&ctx, S("q8_0"), NULL, NULL, FPV_QUANT_MAX_N + 1, &q,
	    &why);
	ok(rc == -1 && q.value == NULL, "above %u elements: an error (%s)",
	    FPV_QUANT_MAX_N, rc ? why : "");
	/* The limit itself: 10^7 elements (zeros, one 1) through Q8_0. */
	big = calloc(FPV_QUANT_MAX_N, sizeof *big);
	if (big != NULL) {
		big[FPV_QUANT_MAX_N - 1] = 1;
		rc = fpv_quantize(&ctx, S("q8_0"), NULL, big, FPV_QUANT_MAX_N,
		    &q, &why);
		ok(rc == 0 && q.nblocks == FPV_QUANT_MAX_N / 32 &&
		    q.code[FPV_QUANT_MAX_N - 1] == 127 &&
		    q.value[FPV_QUANT_MAX_N - 1] == 127 * ldexp(129, -14),
		    "10^7 elements are quantized");
		if (rc == 0)
			fpv_quant_clear(&q);
		free(big);
	}
	fpv_quant_clear(&q);	/* an empty result clears */
	ok(q.value == NULL && q.n == 0, "clearing an empty result is harmless");
}

/* ---- 4. Random tensors against oracles ------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15u;

/* xorshift64* */
static uint64_t
next64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1du;
}

/* A binary32 number: roughly normal, times 2^k with k in [-kr, kr]
 * chosen per block of 16, some exact zeros and ties-prone halves. */
static void
fill(double *x, size_t n, int kr)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		double u1 = ((double)(next64() >> 11) + 0.5) * 0x1p-53;
		double u2 = (double)(next64() >> 11) * 0x1p-53;
		double g = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
		uint64_t r = next64();

		if (i % 16 == 0)
			k = kr > 0 ? (int)(r % (uint64_t)(2 * kr + 1)) - kr : 0;
		if (r % 23 == 0)
			g = 0;
		else if (r % 29 == 0)
			g = floor(g * 8) / 8 + 0.0625;	/* halves of small steps */
		x[i] = (float)ldexp(g, k);
	}
}

/* x / s (exact, MPFR at 256 bits: x and s have at most 53 bits, so
 * the quotient's error is far below any comparison made here). */
static void
quotient(mpfr_ptr r, double x, double s)
{
	mpfr_t a, b;

	mpfr_inits2(64, a, b, (mpfr_ptr)0);
	mpfr_set_d(a, x, MPFR_RNDN);
	mpfr_set_d(b, s, MPFR_RNDN);
	mpfr_div(r, a, b, MPFR_RNDN);
	mpfr_clears(a, b, (mpfr_ptr)0);
}

/*
 * The saturating nearest code of a signed float format f to y: the
 * values of codes 0 .. max_code (the non-negative finite numbers, in
 * increasing order), decoded by MPFR into doubles (exact for formats of
 * at most 53 bits), searched by bisection for the two around |y|; the
 * nearer, exactly (MPFR), at a tie the even code; then y's sign (a zero
 * keeps it too).
 */
struct oracle {
	const struct fpv_format *f;
	uint64_t n;		/* max_code + 1 */
	double *v;
};

static void
oracle_init(struct oracle *o, const struct fpv_format *f)
{
	mpfr_t t;

	o->f = f;
	o->n = f->max_code + 1;
	o->v = malloc(o->n * sizeof *o->v);
	mpfr_init2(t, 64);
	for (uint64_t b = 0; b < o->n; b++) {
		fpv_num_decode(&ctx, f, b, t);
		o->v[b] = mpfr_get_d(t, MPFR_RNDN);
	}
	mpfr_clear(t);
}

static uint64_t
nearest_code(const struct oracle *o, mpfr_srcptr y)
{
	uint64_t lo = 0, hi = o->n - 1, k;
	mpfr_t a, d0, d1;
	int c;

	mpfr_inits2(400, a, d0, d1, (mpfr_ptr)0);
	mpfr_abs(a, y, MPFR_RNDN);
	if (mpfr_cmp_d(a, o->v[hi]) >= 0) {
		k = hi;			/* saturate */
	} else {
		/* v[lo] <= |y| < v[hi] */
		while (hi - lo > 1) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (mpfr_cmp_d(a, o->v[mid]) >= 0)
				lo = mid;
			else
				hi = mid;
		}
		mpfr_sub_d(d0, a, o->v[lo], MPFR_RNDN);	/* exact at 400 bits */
		mpfr_d_sub(d1, o->v[hi], a, MPFR_RNDN);
		c = mpfr_cmp(d0, d1);
		k = c < 0 ? lo : c > 0 ? hi : (lo & 1) == 0 ? lo : hi;
	}
	mpfr_clears(a, d0, d1, (mpfr_ptr)0);
	return mpfr_signbit(y) ? k | fpv_format_signbit(o->f) : k;
}

/* The value of encoding b of f as a double (decoded by MPFR, exact). */
static double
decoded(const struct fpv_format *f, uint64_t b)
{
	mpfr_t v;
	double d;

	mpfr_init2(v, 64);
	fpv_num_decode(&ctx, f, b, v);
	d = mpfr_get_d(v, MPFR_RNDN);
	mpfr_clear(v);
	return d;
}

/* Is value exactly a * b * c (MPFR, exact at 200 bits)? */
static bool
exact_product(double value, double a, double b, double c)
{
	mpfr_t p;
	bool same;

	mpfr_init2(p, 200);
	mpfr_set_d(p, a, MPFR_RNDN);
	mpfr_mul_d(p, p, b, MPFR_RNDN);
	mpfr_mul_d(p, p, c, MPFR_RNDN);
	same = isnan(value) ? mpfr_nan_p(p) : mpfr_cmp_d(p, value) == 0;
	mpfr_clear(p);
	return same;
}

/*
 * Do the marks agree with the counts, and with what the values say
 * (underflowed: a nonzero input read back as 0 without saturation;
 * nonfinite: a NaN or infinite value)?  For results of binary32 inputs.
 */
static bool
marks_agree(const struct fpv_quant *q)
{
	size_t sat = 0, uf = 0, nf = 0;

	for (size_t i = 0; i < q->n; i++) {
		unsigned m = q->mark[i];
		bool s = (m & FPV_QMARK_SATURATED) != 0;

		sat += s;
		uf += (m & FPV_QMARK_UNDERFLOWED) != 0;
		nf += (m & FPV_QMARK_NONFINITE) != 0;
		if (((m & FPV_QMARK_NONFINITE) != 0) != !isfinite(q->value[i]))
			return false;
		if ((m & FPV_QMARK_UNDERFLOWED) != 0 && (s ||
		    q->value[i] != 0))
			return false;
	}
	return sat == q->saturated && uf == q->underflowed &&
	    nf == q->nonfinite;
}

/* MX and NVFP4 and quant-float codes are the saturating nearest of the
 * exact quotients; values the exact products. */
static void
test_random_float(void)
{
	static const char *const schemes[] = { "mxfp8", "mxfp6", "mxfp4",
	    "nvfp4" };
	enum { N = 16 * 40 + 7 };
	double *x = malloc(N * sizeof *x);
	mpfr_t y;

	mpfr_init2(y, 256);
	for (size_t si = 0; si < 4; si++) {
		for (int alt = 0; alt < 2; alt++) {
			const struct fpv_qscheme *s = S(schemes[si]);
			const char *elem = s->elem[alt];
			struct fpv_quant q;
			size_t bad = 0, badv = 0;

			if (elem == NULL)
				continue;
			struct oracle o;

			fill(x, N, 20);
			if (quant(schemes[si], elem, x, N, &q, NULL) != 0) {
				ok(0, "%s quantizes", schemes[si]);
				continue;
			}
			oracle_init(&o, FMTN(elem));
			for (size_t i = 0; i < N; i++) {
				size_t b = i / q.block;
				double sc = q.scale[b] * (q.tensor_fmt ?
				    q.tensor_scale : 1);
				uint64_t want;

				if (sc == 0) {
					want = 0;
				} else {
					quotient(y, x[i], sc);
					want = nearest_code(&o, y);
				}
				if (q.code[i] != want && bad++ < 3)
					diag("%s %s x[%zu] = %a: code 0x%llx, "
					    "nearest 0x%llx", schemes[si], elem, i,
					    x[i], (unsigned long long)q.code[i],
					    (unsigned long long)want);
				if (!exact_product(q.value[i],
				    decoded(&q.elem, q.code[i]), q.scale[b],
				    q.tensor_fmt ? q.tensor_scale : 1))
					badv++;
				if (decoded(q.scale_fmt, q.scale_bits[b]) !=
				    q.scale[b])
					badv++;
			}
			if (!marks_agree(&q))
				badv++;
			ok(bad == 0 && badv == 0, "%s (%s), %d random elements: "
			    "nearest codes, exact values, marks", schemes[si],
			    elem, N);
			fpv_quant_clear(&q);
			free(o.v);
		}
	}
	/* quant absmax into floats, and into grids (exact rationals). */
	{
		static const char *const fl[] = { "fp16", "bf16", "fp8e4m3",
		    "fp8e5m2", "fp6e3m2", "fp4e2m1", "int8", "uint4", "int4" };

		for (size_t fi = 0; fi < sizeof fl / sizeof fl[0]; fi++) {
			const struct fpv_format *f = FMTN(fl[fi]);
			struct fpv_quant q;
			const char *why;
			size_t bad = 0;
			struct oracle o = { NULL, 0, NULL };

			if (f->kind == FPV_KIND_FLOAT)
				oracle_init(&o, f);
			fill(x, 200, 3);
			if (fpv_quantize(&ctx, S(f->kind == FPV_KIND_INT &&
			    fi % 2 ? "minmax" : "absmax"), f, x, 200, &q,
			    &why) != 0) {
				ok(0, "quant into %s: %s", fl[fi], why);
				continue;
			}
			for (size_t i = 0; i < 200; i++) {
				uint64_t want;
				double v;

				if (f->kind == FPV_KIND_INT) {
					/* round half even of the exact
					 * quotient plus the zero point,
					 * clamped */
					mpq_t a, b;
					mpz_t n, r;
					int64_t k;

					mpq_inits(a, b, (mpq_ptr)0);
					mpz_inits(n, r, (mpz_ptr)0);
					mpq_set_d(a, x[i]);
					mpq_set_d(b, q.scale[0]);
					mpq_div(a, a, b);
					mpz_fdiv_qr(n, r, mpq_numref(a),
					    mpq_denref(a));
					mpz_mul_2exp(r, r, 1);
					if (mpz_cmp(r, mpq_denref(a)) > 0 ||
					    (mpz_cmp(r, mpq_denref(a)) == 0 &&
					    mpz_odd_p(n)))
						mpz_add_ui(n, n, 1);
					k = mpz_get_si(n) + q.zero_point;
					k = k < f->qmin ? f->qmin : k > f->qmax ?
					    f->qmax : k;
					want = fpv_q_bits(f, k);
					v = (double)(k - q.zero_point) * q.scale[0];
					mpq_clears(a, b, (mpq_ptr)0);
					mpz_clears(n, r, (mpz_ptr)0);
				} else {
					quotient(y, x[i], q.scale[0]);
					want = nearest_code(&o, y);
					v = decoded(&q.elem, want) * q.scale[0];
				}
				if (q.code[i] != want || q.value[i] != v)
					bad++;
			}
			ok(bad == 0 && marks_agree(&q), "quant into %s, 200 "
			    "random elements: codes, values and marks", fl[fi]);
			fpv_quant_clear(&q);
			free(o.v);
		}
	}
	mpfr_clear(y);
	free(x);
}

/* llama.cpp's reference code, re-typed from ggml-quants.c (the fp16
 * conversion by the compiler's _Float16 where it has one). */
#ifdef __FLT16_MAX__
static uint16_t
fp16_bits(float f)
{
	_Float16 h = (_Float16)f;
	uint16_t u;

	memcpy(&u, &h, sizeof u);
	return u;
}
#endif

static void
ref_q8_0(const float *x, int8_t *qs, float *d32)
{
	float amax = 0.0f;

	for (int j = 0; j < 32; j++) {
		const float v = x[j];

		amax = amax > fabsf(v) ? amax : fabsf(v);
	}
	const float d = amax / ((1 << 7) - 1);
	const float id = d ? 1.0f / d : 0.0f;

	*d32 = d;
	for (int j = 0; j < 32; ++j) {
		const float x0 = x[j] * id;

		qs[j] = (int8_t)roundf(x0);
	}
}

static void
ref_q4_0(const float *x, uint8_t *qs, float *d32)
{
	float amax = 0.0f, max = 0.0f;

	for (int j = 0; j < 32; j++) {
		const float v = x[j];

		if (amax < fabsf(v)) {
			amax = fabsf(v);
			max = v;
		}
	}
	const float d = max / -8;
	const float id = d ? 1.0f / d : 0.0f;

	*d32 = d;
	for (int j = 0; j < 32; ++j) {
		const float x0 = x[j] * id;
		const int8_t t = (int8_t)(x0 + 8.5f);

		qs[j] = (uint8_t)(t < 15 ? t : 15);
	}
}

/* bitsandbytes backends/default/ops.py quantize_4bit for one whole
 * block, re-typed: bucketize(clamp(x * (1 / absmax), -1, 1), midpoints). */
static void
ref_nf4(const double *cb, const float *x, uint8_t *qs, float *absmax)
{
	float am = 0, mid[15], r;

	for (int i = 0; i < 15; i++)
		mid[i] = ((float)cb[i] + (float)cb[i + 1]) / 2;
	for (int j = 0; j < 64; j++)
		am = fabsf(x[j]) > am ? fabsf(x[j]) : am;
	*absmax = am;
	r = 1.0f / (am > 1e-38f ? am : 1e-38f);
	for (int j = 0; j < 64; j++) {
		float s = x[j] * r;
		int k = 0;

		s = s < -1 ? -1 : s > 1 ? 1 : s;
		while (k < 15 && !(s <= mid[k]))
			k++;
		qs[j] = (uint8_t)k;
	}
}

static void
test_random_ref(void)
{
	enum { NB = 200 };
	double *x = malloc(NB * 64 * sizeof *x);
	float xf[64], d32;
	int8_t q8[32];
	uint8_t q4[64];
	struct fpv_quant q;
	size_t bad = 0, badd = 0, badv = 0;

	fill(x, NB * 32, 30);
	if (quant("q8_0", NULL, x, NB * 32, &q, NULL) == 0) {
		for (size_t b = 0; b < NB; b++) {
			for (int j = 0; j < 32; j++)
				xf[j] = (float)x[b * 32 + j];
			ref_q8_0(xf, q8, &d32);
#ifdef __FLT16_MAX__
			badd += q.scale_bits[b] != fp16_bits(d32);
#endif
			for (int j = 0; j < 32; j++) {
				bad += fpv_bits_q(&q.elem, q.code[b * 32 + j]) !=
				    q8[j];
				badv += !exact_product(q.value[b * 32 + j],
				    q8[j], decoded(q.scale_fmt, q.scale_bits[b]),
				    1);
			}
		}
		ok(bad == 0 && badd == 0 && badv == 0 && marks_agree(&q), "Q8_0, %d random blocks: "
		    "the reference's codes and fp16 d, exact values", NB);
		fpv_quant_clear(&q);
	}
	bad = badd = badv = 0;
	fill(x, NB * 32, 30);
	if (quant("q4_0", NULL, x, NB * 32, &q, NULL) == 0) {
		for (size_t b = 0; b < NB; b++) {
			for (int j = 0; j < 32; j++)
				xf[j] = (float)x[b * 32 + j];
			ref_q4_0(xf, q4, &d32);
#ifdef __FLT16_MAX__
			badd += q.scale_bits[b] != fp16_bits(d32);
#endif
			for (int j = 0; j < 32; j++) {
				bad += q.code[b * 32 + j] != q4[j];
				badv += !exact_product(q.value[b * 32 + j],
				    q4[j] - 8, decoded(q.scale_fmt,
				    q.scale_bits[b]), 1);
			}
		}
		ok(bad == 0 && badd == 0 && badv == 0 && marks_agree(&q), "Q4_0, %d random blocks: "
		    "the reference's codes and fp16 d, exact values", NB);
		fpv_quant_clear(&q);
	}
	bad = badd = badv = 0;
	fill(x, NB * 64, 30);
	if (quant("nf4", NULL, x, NB * 64, &q, NULL) == 0) {
		const double *cb = S("nf4")->codebook;

		for (size_t b = 0; b < NB; b++) {
			for (int j = 0; j < 64; j++)
				xf[j] = (float)x[b * 64 + j];
			ref_nf4(cb, xf, q4, &d32);
			badd += q.scale[b] != d32;
			for (int j = 0; j < 64; j++) {
				bad += q.code[b * 64 + j] != q4[j];
				badv += !exact_product(q.value[b * 64 + j],
				    cb[q4[j]], d32, 1);
			}
		}
		ok(bad == 0 && badd == 0 && badv == 0 && marks_agree(&q), "NF4, %d random blocks: "
		    "the reference's codes and absmax, exact values", NB);
		fpv_quant_clear(&q);
	}
	free(x);
}

int
main(void)
{
	fpv_ctx_init(&ctx);
	test_table();
	test_mx();
	test_nvfp4();
	test_ggml();
	test_nf4();
	test_tensor();
	test_onnx();
	test_edges();
	test_random_float();
	test_random_ref();
	fpv_ctx_clear(&ctx);
	return tap_done();
}
