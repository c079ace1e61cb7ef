/*
 * Quantization from data: a tensor of n values becomes codes in an
 * element format and scales chosen from the values, and every element's
 * dequantized value (code times its scales) is computed exactly.
 *
 * The schemes are rows of the table in format.c (struct fpv_qscheme in
 * format.h): the per-tensor methods of quant(v, F, absmax | minmax),
 * where F is the caller's format, and the block formats mxfp8, mxfp6,
 * mxfp4 (OCP MX v1.0), nvfp4 (NVIDIA), q8_0, q4_0 (llama.cpp) and nf4
 * (bitsandbytes).  The man page's "Quantization" section is the
 * reference of every rule; in short:
 *
 *  - Input.  Every reference takes a binary32 tensor, so each element
 *    is first rounded to binary32 (to nearest), which changes no value
 *    of a format of at most binary32's precision and range; the elements
 *    it did change are counted (rounded_inputs).
 *  - Scales are computed exactly as the reference computes them, in its
 *    binary32 arithmetic (the scheme's arith format; every binary32
 *    operation correctly rounded to nearest, as the references' CPU
 *    code is), whatever the session's rounding mode, and stored in the
 *    scheme's scale format.
 *  - Elements.  Where the reference defines the code mathematically
 *    (ONNX QuantizeLinear's round(x / scale) + zero point, MX's
 *    quantize(x / X), NVFP4's x / (block scale * tensor scale)) the
 *    exact quotient is rounded once into the element format in the
 *    session's rounding mode (nearest: ties to even), saturating.
 *    Where the reference is a recipe of its own (llama.cpp's roundf of
 *    x * (1/d), its truncation of x * (1/d) + 8.5; bitsandbytes'
 *    comparison of x * (1/absmax) with the table's midpoints), the
 *    recipe is followed in binary32, step by step, whatever the mode.
 *  - Stochastic rounding (c->round): every element code is chosen
 *    stochastically, the recipes' too (Q8_0, Q4_0: the exact x / d, d
 *    the stored fp16, rounded to an integer; NF4: one of the two table
 *    entries around the exact x / absmax, with the probabilities that
 *    make the expected entry x / absmax), element i with the stream
 *    fpv_sr_stream_pre(i, 1) of num.h at c->sr_pos.  Scales stay as
 *    the references round them, to nearest.
 *  - Dequantized values are exact products, and always binary64
 *    numbers: a code of at most 29 significant bits times a binary32
 *    scale (grids, floats, NF4's 24-bit table entries), an 8-bit code
 *    times an fp16 d (Q8_0, Q4_0), a code times a power of two (MX), or
 *    an E2M1 value (2 bits) times an E4M3 scale (4 bits) times a
 *    binary32 tensor scale (24 bits): at most 53 bits,
 *    with exponents inside binary64's normal range (the element formats
 *    quant accepts are limited to make that true: see
 *    fpv_quant_format_ok).
 *  - A NaN or infinite element poisons the values its scale is chosen
 *    from (its block; the tensor for the per-tensor methods and NVFP4):
 *    that scale is NaN, the elements' codes are the code of zero and
 *    their values NaN.  The references give no meaningful result there.
 *  - A tensor whose length is not a multiple of the block size ends in a
 *    shorter block, quantized from its own elements: what padding with
 *    zeros gives, as microxcaling, Model Optimizer and bitsandbytes pad
 *    (llama.cpp takes whole blocks only).
 *
 * The library allocates the result's arrays (17 bytes per element and
 * 24 per block, nothing per element on its own) and holds no state.
 */
#ifndef FPVIZ_QUANT_H
#define FPVIZ_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fpviz/format.h"
#include "fpviz/num.h"

/* The longest tensor quantized (the vector language's limit). */
#define FPV_QUANT_MAX_N 10000000u

/* What happened to one element (struct fpv_quant's mark[i], bits). */
enum {
	FPV_QMARK_SATURATED	= 1u << 0,	/* clamped to the largest
						   magnitude */
	FPV_QMARK_UNDERFLOWED	= 1u << 1,	/* nonzero, read back as 0 */
	FPV_QMARK_NONFINITE	= 1u << 2,	/* read back as NaN or inf */
	FPV_QMARK_INVALID	= 1u << 3,	/* a NaN given a number */
	FPV_QMARK_ROUNDED	= 1u << 4	/* the input was rounded to
						   binary32 first */
};

/*
 * A quantized tensor.  For the per-tensor methods the tensor is one
 * block (block = n, nblocks = 1): its scale is scale[0].
 */
struct fpv_quant {
	const struct fpv_qscheme *scheme; /* NULL from fpv_quantize_linear */
	/* The element format as used: codes are its encodings.  A copy,
	 * saturating; grids carry the zero point (q4_0: uint4 with zero
	 * point 8; NF4: uint4 codes, indices into scheme->codebook) and
	 * scale 1 (the scales are below). */
	struct fpv_format elem;
	const struct fpv_format *scale_fmt;	/* built-in: fp32, e8m0, ... */
	const struct fpv_format *tensor_fmt;	/* NVFP4's tensor scale, else NULL */
	size_t n;		/* elements */
	size_t block;		/* elements per block (the last may be shorter) */
	size_t nblocks;		/* ceil(n / block); 1 for per-tensor methods */

	double *value;		/* [n] dequantized, exact */
	uint64_t *code;		/* [n] stored codes (elem's encodings) */
	uint8_t *mark;		/* [n] FPV_QMARK_ bits; the counts below
				   count them */
	double *block_amax;	/* [nblocks] largest |x| (binary32), NaN if
				   the block holds a NaN or infinity */
	double *scale;		/* [nblocks] each block's scale, its value */
	uint64_t *scale_bits;	/* [nblocks] ... and its bits in scale_fmt */

	/* The tensor (binary32 values; NaN if one is not finite). */
	double amax, min, max;
	double tensor_scale;	/* NVFP4's second scale (else 0) */
	uint64_t tensor_scale_bits;
	int64_t zero_point;	/* grids of quant (0 for absmax), else 0 */

	/* Counts of elements. */
	size_t saturated;	/* clamped to the element format's largest
				   magnitude: rounding would have gone beyond */
	size_t underflowed;	/* a finite nonzero input dequantized to 0
				   (not by saturation: uint8's 0 for -1) */
	size_t nonfinite;	/* dequantized to NaN or an infinity */
	size_t invalid;		/* fpv_quantize_linear: a NaN input given a
				   number (grids: the zero point) */
	size_t rounded_inputs;	/* not binary32 numbers: rounded first */
};

/*
 * Can f be quant's element format (F of quant(v, F, METHOD))?  Integer
 * grids of at most 29 bits; floats of at most 29 bits of precision whose
 * smallest step is at least 2^-925 and largest exponent at most 895 (so
 * that code * binary32 scale is exact in binary64).  Every built-in
 * format but fp64 qualifies.  false with *why set otherwise.
 */
bool fpv_quant_format_ok(const struct fpv_format *f, const char **why);

/*
 * Quantize x[0..n) by scheme s.  f is the element format: required for
 * the per-tensor methods (absmax: any format fpv_quant_format_ok
 * accepts; minmax: an integer grid), optional for the block formats
 * (NULL: the scheme's default; otherwise a format laid out as one of the
 * scheme's elem names: mxfp8 takes E5M2, mxfp6 E2M3).  f's settings
 * (its scale, zero point, overflow policy) are not used.  The session's
 * rounding mode (c->round) rounds the elements where the rule says so.
 * Returns 0 with *q filled (free it with fpv_quant_clear), or -1 with
 * *why set to a static message (n above FPV_QUANT_MAX_N, an unsuitable
 * f, out of memory) and *q empty.  n = 0 gives no elements; the
 * per-tensor methods then report the parameters of an all-zero tensor.
 */
int fpv_quantize(const struct fpv_ctx *c, const struct fpv_qscheme *s,
    const struct fpv_format *f, const double *x, size_t n,
    struct fpv_quant *q, const char **why);

/*
 * ONNX QuantizeLinear with given parameters: each element (rounded to
 * binary32) becomes saturate(round(x / scale) + zero_point) in the grid
 * f, or x / scale rounded into the float f, saturating; the quotient is
 * exact and rounded once in c's mode.  scale must be a positive finite
 * binary32 number, zero_point within f's range (0 for floats).  Each
 * element on its own: an infinity saturates; a NaN becomes f's NaN, or
 * (grids, and floats without NaN) f's zero or f's stand-in, counted as
 * invalid.  Returns 0 or -1 as fpv_quantize.
 */
int fpv_quantize_linear(const struct fpv_ctx *c, const struct fpv_format *f,
    double scale, int64_t zero_point, const double *x, size_t n,
    struct fpv_quant *q, const char **why);

/* Free q's arrays and empty it (q may be empty). */
void fpv_quant_clear(struct fpv_quant *q);

#endif
