/*
 * Quantization from data (quant.h): scales chosen from a tensor's
 * values, codes in an element format, exact dequantized values.
 *
 * The schemes are rows of format.c's table; every format used here is
 * found through a row (the scheme's element, scale and arithmetic
 * formats) or given by the caller, never by name.  The rules, with the
 * lines of the references they follow:
 *
 *  absmax (quant, grids)  s = max(fl(amax / qmax), eps), zero point 0;
 *                         eps = 2^-23 (binary32's epsilon), PyTorch's
 *                         clamp (observer.py, UniformQuantizationObserver-
 *                         Base.eps).
 *  absmax (quant, floats) s = fl(amax / largest finite of F), clamped to
 *                         [2^-126, largest binary32] so that s stays a
 *                         normal binary32 number.
 *  minmax (quant, grids)  PyTorch _calculate_qparams, per_tensor_affine:
 *                         min_neg = min(min, 0), max_pos = max(max, 0),
 *                         s = max(fl(fl(max_pos - min_neg) / (qmax -
 *                         qmin)), eps), zp = qmin - round_half_even(
 *                         fl(min_neg / s)), clamped to [qmin, qmax].
 *     then, both:         q = saturate(round(x / s) + zp) (ONNX
 *                         QuantizeLinear), the exact quotient rounded once.
 *  mxfp8/6/4              OCP MX v1.0 6.3 and microxcaling _quantize_mx:
 *                         e = floor(log2 amax) - emax(element), clamped
 *                         below at -127 (amax = 0 gives -127), above 127
 *                         a NaN scale; X = 2^e in E8M0; P = x / X rounded
 *                         into the element format, saturating.
 *  nvfp4                  Model Optimizer NVFP4QTensor: s2 = fl(amax /
 *                         2688) (6 * 448: the largest E2M1 and E4M3
 *                         numbers); per block sb = fl(amax_b / fl(6 *
 *                         s2)), 0 -> 1, converted to E4M3 (nearest, NaN
 *                         beyond 464 as PyTorch's float8_e4m3fn
 *                         conversion); P = x / (sb * s2) into E2M1.
 *  q8_0                   llama.cpp quantize_row_q8_0_ref: d = fl(amax /
 *                         127), id = fl(1 / d) (0 if d is 0), stored d =
 *                         fp16(d), q = roundf(fl(x * id)): the codes use
 *                         the binary32 d, the values the stored one.
 *  q4_0                   llama.cpp quantize_row_q4_0_ref: max = the
 *                         first element of largest magnitude, with its
 *                         sign; d = fl(max / -8), id as above, q =
 *                         min(15, (int8_t)fl(fl(x * id) + 8.5)).
 *  nf4                    bitsandbytes backends/default/ops.py
 *                         quantize_4bit: r = fl(1 / max(absmax, 1e-38)),
 *                         q = the number of the table's midpoints
 *                         (fl((a + b) / 2)) below clamp(fl(x * r), -1,
 *                         1); its partial last block divides, fl(x / am),
 *                         and stores am = max(absmax, 1e-38).
 *
 * (fl() is one binary32 operation, rounded to nearest.)  Where a rule
 * is undefined in its reference (a 1/d that overflows, so that the C
 * conversion to an integer is undefined: |d| < 2^-128, whose fp16 d is
 * 0 anyway; ModelOpt's 0/0 for an all-zero tensor), the element gets the
 * code of zero, and the block scale 1.0 (NVFP4), as said in the man page.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/quant.h"
#include "num-impl.h"

_Static_assert(FLT_RADIX == 2 && FLT_MANT_DIG == 24 && FLT_MAX_EXP == 128,
    "float must be IEEE binary32");

/*
 * The references' binary32 arithmetic: the machine's float where C
 * evaluates float expressions in float (FLT_EVAL_METHOD 0: x86-64 SSE,
 * AArch64), else the emulation (fpv_num_op in binary32, to nearest).
 * FPV_QUANT_F32_EMULATE forces the emulation (tests/test-quant-emul runs
 * the tests so, against the same truths).
 */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0 && \
    !defined(FPV_QUANT_F32_EMULATE)
#define F32_NATIVE 1
#else
#define F32_NATIVE 0
#endif

/* One quantization in progress. */
struct qrun {
	const struct fpv_ctx *c;	/* the session: rounds the elements */
	struct fpv_ctx near;		/* to nearest: the references' roundings */
	struct fpv_ctx sc;		/* stochastic rounding: c with element
					   i's stream (elem_ctx) */
	bool sr;
	const struct fpv_format *arith;	/* binary32, the references' arithmetic */
	const double *x;
	struct fpv_quant *q;
	uint64_t zero_code;		/* the element code of zero */
	const double *vtab;		/* the value of every element code
					   (float formats of at most 8 bits) */
	double vbuf[256];
};

/* The value of element code b of the run's float element format. */
static inline double float_value(const struct fpv_format *f, uint64_t b);
static inline double
elem_value(const struct qrun *r, uint64_t b)
{
	return r->vtab != NULL ? r->vtab[b] : float_value(&r->q->elem, b);
}

/* The session's context for element i's code: in stochastic rounding
 * with the stream 2^60 + i (fpv_sr_stream_pre(i, 1), num.h), so that the
 * rounding of its dequantized value into the column (stream i) has a
 * word of its own. */
static inline const struct fpv_ctx *
elem_ctx(struct qrun *r, size_t i)
{
	if (!r->sr)
		return r->c;
	r->sc.sr_elem = fpv_sr_stream_pre(i, 1);
	return &r->sc;
}

/* ---- Binary32 arithmetic -------------------------------------------------- */

#if !F32_NATIVE
/* a op b in the arith format, through the emulation. */
static float
f32_emul(const struct qrun *r, enum fpv_op op, float a, float b)
{
	uint32_t ua, ub, ur;
	uint64_t args[2];
	unsigned fl = 0;
	float out;

	memcpy(&ua, &a, sizeof ua);
	memcpy(&ub, &b, sizeof ub);
	args[0] = ua;
	args[1] = ub;
	ur = (uint32_t)fpv_num_op(&r->near, r->arith, op, args, &fl);
	memcpy(&out, &ur, sizeof out);
	return out;
}
#define F32_ADD(r, a, b) f32_emul(r, FPV_OP_ADD, a, b)
#define F32_SUB(r, a, b) f32_emul(r, FPV_OP_SUB, a, b)
#define F32_MUL(r, a, b) f32_emul(r, FPV_OP_MUL, a, b)
#define F32_DIV(r, a, b) f32_emul(r, FPV_OP_DIV, a, b)
#else
/* Separate statements: no contraction of a * b + c into a fused
 * multiply-add (C11 allows it only within one expression). */
static inline float f32_add(float a, float b) { return a + b; }
static inline float f32_sub(float a, float b) { return a - b; }
static inline float f32_mul(float a, float b) { return a * b; }
static inline float f32_div(float a, float b) { return a / b; }
#define F32_ADD(r, a, b) ((void)(r), f32_add(a, b))
#define F32_SUB(r, a, b) ((void)(r), f32_sub(a, b))
#define F32_MUL(r, a, b) ((void)(r), f32_mul(a, b))
#define F32_DIV(r, a, b) ((void)(r), f32_div(a, b))
#endif

/* The integer nearest t, ties to even (torch.round); t is finite. */
static double
round_half_even(double t)
{
	double fl = floor(t), d = t - fl;	/* exact for |t| < 2^52 */

	if (d > 0.5 || (d == 0.5 && fmod(fl, 2.0) != 0.0))
		return fl + 1.0;
	return fl;
}

/* ---- Values and roundings ------------------------------------------------ */

/* 2^e as a double; exact (for normal powers: e in [-1022, 1023]). */
static inline double
pow2(int e)
{
	uint64_t u;
	double d;

	if (e < -1022 || e > 1023)
		return ldexp(1.0, e);
	u = (uint64_t)(e + 1023) << 52;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* The value of the float encoding b of f, exactly (f's precision is at
 * most 53 bits and its range inside binary64's). */
static inline double
float_value(const struct fpv_format *f, uint64_t b)
{
	uint64_t c;
	int e;
	bool neg = fpv_bits_sign(f, b) != 0;

	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_ZERO:
		return neg ? -0.0 : 0.0;
	case FPV_CLASS_INF:
		return neg ? -INFINITY : INFINITY;
	case FPV_CLASS_QNAN:
	case FPV_CLASS_SNAN:
		return NAN;
	default:
		fpv_bits_parts(f, b, &c, &e);
		/* c < 2^53 times a normal power of two: one exact product */
		return (neg ? -(double)c : (double)c) * pow2(e);
	}
}

/* A finite nonzero double as M * 2^e, M a 53-bit integer (2^52 <= M <
 * 2^53) for normal numbers; subnormals scaled up first. */
static inline uint64_t
dsplit(double v, int *e)
{
	uint64_t u;
	int ex;

	memcpy(&u, &v, sizeof u);
	ex = (int)((u >> 52) & 0x7ff);
	if (ex == 0) {
		uint64_t m = (uint64_t)ldexp(frexp(fabs(v), &ex), 53);

		*e = ex - 53;
		return m;
	}
	*e = ex - 1075;
	return (u & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
}

/* v as an MPFR number of 53 bits in the scratch s, built from its bits
 * (MPFR's mpfr_set_d costs more than the rounding itself). */
static mpfr_ptr
scratch_d(struct fpv_scratch *s, double v)
{
	mpfr_ptr x = fpv_scratch_init(s, 53);
	uint64_t m;
	int e;

	if (!isfinite(v) || mp_bits_per_limb != 64) {
		mpfr_set_d(x, v, MPFR_RNDN);
		return x;
	}
	if (v == 0) {
		mpfr_custom_init_set(s->x, (signbit(v) ? -1 : 1) *
		    MPFR_ZERO_KIND, 0, 53, s->limbs);
		return s->x;
	}
	m = dsplit(v, &e);
	/* v = 0.1... * 2^(e + 53), the significand's leading bit at the
	 * limb's top */
	s->limbs[0] = m << 11;
	s->limbs[1] = 0;
	mpfr_custom_init_set(s->x, (v < 0 ? -1 : 1) * MPFR_REGULAR_KIND,
	    e + 53, 53, s->limbs);
	return s->x;
}

/* The double v (exact) rounded into the float f in c's mode. */
static uint64_t
round_exact(const struct fpv_ctx *c, const struct fpv_format *f, double v,
    unsigned *flags)
{
	struct fpv_scratch s;

	return fpv_float_round_real(c, f, scratch_d(&s, v), flags);
}

/* x * 2^k rounded into the float f in c's mode; x * 2^k must be a
 * normal double (then it is exact). */
static uint64_t
round_pow2(const struct fpv_ctx *c, const struct fpv_format *f, double x,
    int k, unsigned *flags)
{
	return round_exact(c, f, x * pow2(k), flags);
}

/*
 * The exact quotient x / d (d > 0 finite) rounded once into the float f
 * in c's mode, through the machine's quotient q = x / d rounded to
 * nearest.  That is exact enough: x is a binary32 number (X 2^a, X below
 * 2^24), d a binary32 scale or NVFP4's E4M3 times binary32 one (D 2^b, D
 * below 2^28), and every value and midpoint of the element format m = M
 * 2^c has M below 2^30 (quant's formats have at most 29 bits; E2M1's
 * midpoints 3).  If x / d is not m, the numerator of x / d - m = (X 2^a -
 * M D 2^(b + c)) / (D 2^b) is a nonzero multiple of 2^a or 2^(b + c), so
 * |x / d - m| is at least m / X (relative 2^-24) or 2^c / D, while half
 * a binary64 ulp of m is at most 2^(c + 30 - 54) (or 2^(c + 3 - 54)),
 * smaller in both cases (D < 2^24 for binary32 scales against 30-bit
 * midpoints, D < 2^28 against E2M1's; and for quant's float scale,
 * binary32's 25-bit midpoints against a largest finite number D below
 * 2^29).  So q lies strictly on the same side of every m as x / d, and
 * rounds as x / d does in every directed mode.  The quotient itself is a
 * normal double (binary32 over such scales).  Stochastic rounding needs
 * the fraction x / d leaves beyond a value, not only its side: there
 * the exact rational x / d is rounded.
 */
static uint64_t
round_quotient(const struct fpv_ctx *c, const struct fpv_format *f,
    double x, double d, unsigned *flags)
{
	if (c->round == FPV_RND_STOCHASTIC && x != 0 && isfinite(x)) {
		mpq_t q, dq;
		uint64_t b;

		mpq_init(q);
		mpq_init(dq);
		mpq_set_d(q, x);
		mpq_set_d(dq, d);
		mpq_div(q, q, dq);
		b = fpv_num_round_q(c, f, q, flags);
		mpq_clear(q);
		mpq_clear(dq);
		return b;
	}
	return round_exact(c, f, x / d, flags);
}

/*
 * saturate(round(x / s) + zero point) in the grid g (saturating), the
 * exact quotient rounded once in c's mode: x = X 2^a and s = S 2^b with
 * 53-bit integers X and S make x / s the ratio of two 128-bit integers.
 * A quotient beyond 2^64 saturates any grid, and one below 2^-70 rounds
 * as any tiny number of its sign does: they stand in as 2^100 and
 * 2^-100.  x is finite, s > 0 finite.
 */
static uint64_t
grid_quotient(const struct fpv_ctx *c, const struct fpv_format *g, double x,
    double s, unsigned *flags)
{
	int ex, es, k;
	int64_t X, S;
	fpv_i128 num, den, sign;

	if (x == 0)
		return fpv_grid_quantize_ratio(c, g, 0, 1, flags);
	X = (int64_t)dsplit(fabs(x), &ex);	/* X in [2^52, 2^53) */
	S = (int64_t)dsplit(s, &es);
	k = ex - es;				/* |x| / s = X / S * 2^k */
	sign = x < 0 ? -1 : 1;
	X *= (int64_t)sign;
	if (k > 64) {
		num = sign * ((fpv_i128)1 << 100);
		den = 1;
	} else if (k < -70) {
		num = sign;
		den = (fpv_i128)1 << 100;
	} else if (k >= 0) {
		num = (fpv_i128)X * ((fpv_i128)1 << k);
		den = S;
	} else {
		num = X;
		den = (fpv_i128)S << -k;
	}
	return fpv_grid_quantize_ratio(c, g, num, den, flags);
}

/* ---- Results -------------------------------------------------------------- */

/* Allocate q's arrays for n elements in nblocks blocks. */
static int
alloc_result(struct fpv_quant *q, size_t n, size_t nblocks)
{
	size_t ne = n > 0 ? n : 1, nb = nblocks > 0 ? nblocks : 1;

	q->value = malloc(ne * sizeof *q->value);
	q->code = malloc(ne * sizeof *q->code);
	q->mark = calloc(ne, sizeof *q->mark);
	q->block_amax = malloc(nb * sizeof *q->block_amax);
	q->scale = malloc(nb * sizeof *q->scale);
	q->scale_bits = malloc(nb * sizeof *q->scale_bits);
	if (q->value == NULL || q->code == NULL || q->mark == NULL ||
	    q->block_amax == NULL ||
	    q->scale == NULL || q->scale_bits == NULL) {
		fpv_quant_clear(q);
		return -1;
	}
	q->n = n;
	q->nblocks = nblocks;
	return 0;
}

void
fpv_quant_clear(struct fpv_quant *q)
{
	free(q->value);
	free(q->code);
	free(q->mark);
	free(q->block_amax);
	free(q->scale);
	free(q->scale_bits);
	memset(q, 0, sizeof *q);
}

/* Element i is code with the dequantized value v, x its binary32 input;
 * sat: clamped to the largest magnitude. */
static inline void
put(struct fpv_quant *q, size_t i, float x, uint64_t code, double v,
    bool sat)
{
	bool uf = !sat && v == 0 && x != 0, nf = !isfinite(v);

	q->code[i] = code;
	q->value[i] = v;
	q->saturated += sat;
	q->underflowed += uf;
	q->nonfinite += nf;
	q->mark[i] |= (uint8_t)((sat ? FPV_QMARK_SATURATED : 0) |
	    (uf ? FPV_QMARK_UNDERFLOWED : 0) | (nf ? FPV_QMARK_NONFINITE : 0));
}

/* Block b, elements [i0, i1), has a NaN scale: codes of zero, NaN values
 * (the scale's bits given: its format's NaN, or what the reference
 * computed). */
static void
poison(struct qrun *r, size_t b, size_t i0, size_t i1, uint64_t scale_bits)
{
	struct fpv_quant *q = r->q;

	q->block_amax[b] = NAN;
	q->scale_bits[b] = scale_bits;
	q->scale[b] = float_value(q->scale_fmt, scale_bits);
	for (size_t i = i0; i < i1; i++)
		put(q, i, 0.0f, r->zero_code, NAN, false);
}

/*
 * The tensor's statistics in binary32, and the count of inputs that
 * binary32 changed; false if an element is NaN or infinite (as binary32).
 * An empty tensor has min = max = amax = 0.
 */
static bool
tensor_stats(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	float mn = 0, mx = 0, am = 0;
	bool finite = true;

	for (size_t i = 0; i < q->n; i++) {
		double d = r->x[i];
		float v = (float)d;

		if ((double)v != d && !isnan(d)) {
			q->rounded_inputs++;
			q->mark[i] |= FPV_QMARK_ROUNDED;
		}
		if (!isfinite(v)) {
			finite = false;
			continue;
		}
		if (i == 0 || v < mn)
			mn = v;
		if (i == 0 || v > mx)
			mx = v;
		if (fabsf(v) > am)
			am = fabsf(v);
	}
	q->min = finite ? mn : NAN;
	q->max = finite ? mx : NAN;
	q->amax = finite ? am : NAN;
	return finite;
}

/* The largest |x| of elements [i0, i1) in binary32; false if one is not
 * finite. */
static bool
amax_of(const struct qrun *r, size_t i0, size_t i1, float *amax)
{
	float am = 0;

	for (size_t i = i0; i < i1; i++) {
		float v = (float)r->x[i];

		if (!isfinite(v))
			return false;
		if (fabsf(v) > am)
			am = fabsf(v);
	}
	*amax = am;
	return true;
}

/* The bits of the binary32 value v in the scale format (exact). */
static uint64_t
scale_bits_of(const struct qrun *r, double v)
{
	unsigned fl = 0;

	return round_exact(&r->near, r->q->scale_fmt, v, &fl);
}

/* ---- Per-tensor methods: quant(v, F, absmax | minmax) -------------------- */

static void
run_tensor(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	struct fpv_format *g = &q->elem;
	const struct fpv_format *ar = r->arith;
	bool grid = g->kind == FPV_KIND_INT;
	float s, eps = ldexpf(1.0f, -ar->frac_bits);
	int64_t zp = 0;

	q->block = q->n;
	if (!tensor_stats(r)) {
		poison(r, 0, 0, q->n, q->scale_fmt->qnan);
		return;
	}
	q->block_amax[0] = q->amax;
	if (grid && q->scheme->rule == FPV_QR_ABSMAX) {
		s = F32_DIV(r, (float)q->amax, (float)g->qmax);
		if (!(s >= eps))
			s = eps;
	} else if (grid) {
		float mn = q->min < 0 ? (float)q->min : 0.0f;
		float mx = q->max > 0 ? (float)q->max : 0.0f;
		double t;

		s = F32_DIV(r, F32_SUB(r, mx, mn), (float)(g->qmax - g->qmin));
		if (!(s >= eps))
			s = eps;
		if (isinf(s)) {
			/* The range overflowed binary32: PyTorch's scale is
			 * infinite, and no value survives it. */
			poison(r, 0, 0, q->n, scale_bits_of(r, s));
			q->block_amax[0] = q->amax;
			return;
		}
		t = round_half_even(F32_DIV(r, mn, s));
		zp = g->qmin - (int64_t)t;
		zp = zp < g->qmin ? g->qmin : zp > g->qmax ? g->qmax : zp;
	} else {
		/* amax / the largest finite number of F, one rounding into
		 * binary32, kept a normal number. */
		unsigned fl = 0;
		double maxf = float_value(g, g->max_code);
		double sv = float_value(ar, round_quotient(&r->near, ar,
		    q->amax, maxf, &fl));
		double lo = ldexp(1.0, ar->emin);

		sv = sv < lo ? lo : isinf(sv) ? float_value(ar, ar->max_code) :
		    sv;
		s = (float)sv;
	}
	q->scale[0] = s;
	q->scale_bits[0] = scale_bits_of(r, s);
	q->zero_point = zp;
	g->zero_point = zp;
	for (size_t i = 0; i < q->n; i++) {
		float v = (float)r->x[i];
		unsigned fl = 0;
		uint64_t b;

		if (grid) {
			b = grid_quotient(elem_ctx(r, i), g, v, s, &fl);
			put(q, i, v, b, (double)(fpv_bits_q(g, b) - zp) * s,
			    (fl & FPV_FLAG_SATURATED) != 0);
		} else {
			b = round_quotient(elem_ctx(r, i), g, v, s, &fl);
			put(q, i, v, b, elem_value(r, b) * s,
			    (fl & FPV_FLAG_OVERFLOW) != 0);
		}
	}
}

/* ---- OCP MX ------------------------------------------------------------- */

static void
run_mx(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	const struct fpv_format *e8 = q->scale_fmt, *f = &q->elem;

	tensor_stats(r);
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t i0 = b * q->block, i1 = i0 + q->block;
		float am;
		int e;

		i1 = i1 > q->n ? q->n : i1;
		if (!amax_of(r, i0, i1, &am)) {
			poison(r, b, i0, i1, e8->qnan);
			continue;
		}
		q->block_amax[b] = am;
		/* floor(log2 amax) - emax of the element format, within the
		 * scale's exponents: below, the smallest (amax = 0 too);
		 * above, NaN (not reached from binary32 inputs). */
		e = am == 0 ? e8->emin : ilogbf(am) - f->emax;
		if (e < e8->emin)
			e = e8->emin;
		if (e > e8->emax) {
			poison(r, b, i0, i1, e8->qnan);
			q->block_amax[b] = am;
			continue;
		}
		q->scale_bits[b] = (uint64_t)(e + e8->bias);
		q->scale[b] = pow2(e);
		for (size_t i = i0; i < i1; i++) {
			float v = (float)r->x[i];
			unsigned fl = 0;
			uint64_t c = round_pow2(elem_ctx(r, i), f, v, -e, &fl);

			put(q, i, v, c, elem_value(r, c) * q->scale[b],
			    (fl & FPV_FLAG_OVERFLOW) != 0);
		}
	}
}

/* ---- NVFP4 ---------------------------------------------------------------- */

static void
run_nvfp4(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	const struct fpv_format *f = &q->elem, *e4 = q->scale_fmt;
	const struct fpv_format *t32 = q->tensor_fmt;
	/* 6 * 448 = 2688, the largest element times the largest scale. */
	float emax = (float)float_value(f, f->max_code);
	float smax = (float)float_value(e4, e4->max_code);
	float s2, d6;
	unsigned fl = 0;

	if (!tensor_stats(r)) {
		q->tensor_scale = NAN;
		q->tensor_scale_bits = t32->qnan;
		for (size_t b = 0; b < q->nblocks; b++) {
			size_t i0 = b * q->block, i1 = i0 + q->block;

			poison(r, b, i0, i1 > q->n ? q->n : i1, e4->qnan);
		}
		return;
	}
	s2 = F32_DIV(r, (float)q->amax, emax * smax);	/* 2688 exactly */
	q->tensor_scale = s2;
	q->tensor_scale_bits = round_exact(&r->near, t32, s2, &fl);
	d6 = F32_MUL(r, emax, s2);
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t i0 = b * q->block, i1 = i0 + q->block;
		float am = 0, sb;
		uint64_t sbits;
		double sv, d;

		i1 = i1 > q->n ? q->n : i1;
		amax_of(r, i0, i1, &am);
		q->block_amax[b] = am;
		/* A zero block gets the scale 1 (ModelOpt: a scale of 0 is
		 * set to 1.0; taking amax = 0 first also covers the all-zero
		 * tensor, where ModelOpt's 0/0 is NaN). */
		sb = am == 0 ? 1.0f : F32_DIV(r, am, d6);
		if (sb == 0)
			sb = 1.0f;
		fl = 0;
		sbits = round_exact(&r->near, e4, sb, &fl);
		sv = float_value(e4, sbits);
		q->scale_bits[b] = sbits;
		q->scale[b] = sv;
		if (isnan(sv)) {
			/* d6 = 0 (a tensor of subnormals): amax / 0 */
			poison(r, b, i0, i1, sbits);
			q->block_amax[b] = am;
			continue;
		}
		d = sv * s2;		/* exact: 4 + 24 bits */
		for (size_t i = i0; i < i1; i++) {
			float v = (float)r->x[i];
			uint64_t c;

			if (d == 0) {
				/* The E4M3 scale underflowed to 0: so does
				 * every value of the block. */
				put(q, i, v, r->zero_code, 0.0, false);
				continue;
			}
			fl = 0;
			c = round_quotient(elem_ctx(r, i), f, v, d, &fl);
			put(q, i, v, c, elem_value(r, c) * d,
			    (fl & FPV_FLAG_OVERFLOW) != 0);
		}
	}
}

/* ---- llama.cpp: Q8_0 and Q4_0 --------------------------------------------- */

static void
run_ggml(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	const struct fpv_format *g = &q->elem, *h = q->scale_fmt;
	bool q4 = q->scheme->rule == FPV_QR_Q4_0;
	/* Q8_0 divides by 127 (qmax of int8); Q4_0 by -8 (minus the zero
	 * point) and adds 8.5. */
	float div = q4 ? (float)-g->zero_point : (float)g->qmax;
	float off = (float)g->zero_point + 0.5f;

	tensor_stats(r);
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t i0 = b * q->block, i1 = i0 + q->block;
		float amax = 0, max = 0, d, id;
		unsigned fl = 0;
		double dv;

		i1 = i1 > q->n ? q->n : i1;
		if (!amax_of(r, i0, i1, &amax)) {
			poison(r, b, i0, i1, h->qnan);
			continue;
		}
		q->block_amax[b] = amax;
		if (q4) {
			/* the first element of largest magnitude, signed */
			float a = 0;

			for (size_t i = i0; i < i1; i++) {
				float v = (float)r->x[i];

				if (a < fabsf(v)) {
					a = fabsf(v);
					max = v;
				}
			}
		} else {
			max = amax;
		}
		d = F32_DIV(r, max, div);
		id = d != 0 ? F32_DIV(r, 1.0f, d) : 0.0f;
		q->scale_bits[b] = round_exact(&r->near, h, d, &fl);
		dv = float_value(h, q->scale_bits[b]);
		q->scale[b] = dv;
		for (size_t i = i0; i < i1; i++) {
			float v = (float)r->x[i], x0 = F32_MUL(r, v, id);
			int64_t k;
			bool sat = false;

			if (r->sr && dv != 0 && isfinite(dv) && !isinf(id)) {
				/* Stochastic rounding: the exact x / d (d the
				 * stored fp16) rounded to an integer, plus
				 * the zero point, saturating; its expected
				 * value times d is x. */
				uint64_t c;

				fl = 0;
				c = grid_quotient(elem_ctx(r, i), g,
				    dv > 0 ? v : -v, fabs(dv), &fl);
				put(q, i, v, c, (double)(fpv_bits_q(g, c) -
				    g->zero_point) * dv,
				    (fl & FPV_FLAG_SATURATED) != 0);
				continue;
			}
			if (isinf(id)) {
				/* 1/d overflowed: the reference's conversion
				 * to an integer is undefined; d's fp16 is 0. */
				k = g->zero_point;
			} else if (q4) {
				k = (int8_t)F32_ADD(r, x0, off);
				if (k > g->qmax) {
					k = g->qmax;
					sat = true;
				}
			} else {
				k = (int64_t)roundf(x0);
			}
			put(q, i, v, fpv_q_bits(g, k),
			    (double)(k - g->zero_point) * dv, sat);
		}
	}
}

/* ---- bitsandbytes: NF4 ---------------------------------------------------- */

/* The top 64 bits of the fraction num / den in (0, 1) (num, den > 0):
 * floor(num 2^64 / den); *more: anything left below them. */
static uint64_t
frac_bits64(mpz_srcptr num, mpz_srcptr den, bool *more)
{
	mpz_t t, rem;
	uint64_t D;

	mpz_init(t);
	mpz_init(rem);
	mpz_mul_2exp(t, num, 64);
	mpz_fdiv_qr(t, rem, t, den);
	*more = mpz_sgn(rem) != 0;
	mpz_fdiv_r_2exp(rem, t, 32);
	mpz_fdiv_q_2exp(t, t, 32);
	D = ((uint64_t)mpz_get_ui(t) << 32) | (uint64_t)mpz_get_ui(rem);
	mpz_clear(t);
	mpz_clear(rem);
	return D;
}

/*
 * Stochastic rounding's NF4 code of v in a block of scale s (> 0, or 0
 * for a block of zeros): t = v / s (exact, within [-1, 1]) lies between
 * two neighbouring table entries c[k] <= t < c[k + 1]; the code is k + 1
 * with the probability (t - c[k]) / (c[k + 1] - c[k]), decided exactly
 * by element i's word as every stochastic rounding is, else k; an entry
 * itself stays.  So the dequantized value's expectation is v.
 */
static int
nf4_sr(struct qrun *r, size_t i, float v, double s)
{
	const double *cb = r->q->scheme->codebook;
	mpq_t num, den, tmp;
	bool more;
	uint64_t D;
	int k = 0;

	if (!(s > 0))
		return (int)r->zero_code;
	/* c[k] s is exact in binary64: 24-bit entries times a binary32 */
	while (k < 15 && cb[k + 1] * s <= (double)v)
		k++;
	if (k == 15 || cb[k] * s >= (double)v)
		return k;		/* an entry (or below -1: not reached) */
	mpq_init(num);
	mpq_init(den);
	mpq_init(tmp);
	mpq_set_d(num, (double)v);
	mpq_set_d(tmp, cb[k] * s);
	mpq_sub(num, num, tmp);		/* v - c[k] s > 0 */
	mpq_set_d(den, cb[k + 1] * s);
	mpq_sub(den, den, tmp);		/* (c[k + 1] - c[k]) s > 0 */
	mpq_div(num, num, den);		/* the fraction, in (0, 1) */
	D = frac_bits64(mpq_numref(num), mpq_denref(num), &more);
	if (fpv_sr_away(elem_ctx(r, i), &r->q->elem, D, more))
		k++;
	mpq_clear(num);
	mpq_clear(den);
	mpq_clear(tmp);
	return k;
}

static void
run_nf4(struct qrun *r)
{
	struct fpv_quant *q = r->q;
	const double *cb = q->scheme->codebook;
	/* bitsandbytes' clamp of absmax before taking 1 / absmax */
	const float tiny = 1e-38f;
	float mid[15];

	/* bounds = (code[i] + code[i + 1]) / 2 in binary32 */
	for (int i = 0; i < 15; i++)
		mid[i] = F32_DIV(r, F32_ADD(r, (float)cb[i], (float)cb[i + 1]),
		    2.0f);
	tensor_stats(r);
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t i0 = b * q->block, i1 = i0 + q->block;
		bool partial = i1 > q->n;
		float am, a, rcp = 0;

		i1 = partial ? q->n : i1;
		if (!amax_of(r, i0, i1, &am)) {
			poison(r, b, i0, i1, q->scale_fmt->qnan);
			continue;
		}
		q->block_amax[b] = am;
		a = am > tiny ? am : tiny;
		if (!partial)
			rcp = F32_DIV(r, 1.0f, a);
		/* whole blocks store absmax, the partial one the clamped */
		q->scale[b] = partial ? a : am;
		q->scale_bits[b] = scale_bits_of(r, q->scale[b]);
		for (size_t i = i0; i < i1; i++) {
			float v = (float)r->x[i];
			float xs = partial ? F32_DIV(r, v, a) : F32_MUL(r, v, rcp);
			int k = 0;

			if (r->sr) {
				k = nf4_sr(r, i, v, q->scale[b]);
				put(q, i, v, (uint64_t)k, cb[k] * q->scale[b],
				    false);
				continue;
			}
			xs = xs < -1.0f ? -1.0f : xs > 1.0f ? 1.0f : xs;
			while (k < 15 && mid[k] < xs)	/* torch.bucketize */
				k++;
			put(q, i, v, (uint64_t)k, cb[k] * q->scale[b], false);
		}
	}
}

/* ---- Entry points --------------------------------------------------------- */

bool
fpv_quant_format_ok(const struct fpv_format *f, const char **why)
{
	if (f->kind == FPV_KIND_INT) {
		if (f->bits > 29) {
			*why = "an integer grid to quantize into has at most "
			    "29 bits";
			return false;
		}
		return true;
	}
	if (f->prec > 29) {
		*why = "a float format to quantize into has at most 29 bits "
		    "of precision";
		return false;
	}
	if (f->emin - f->frac_bits < -925 || f->emax > 895) {
		*why = "a float format to quantize into has exponents within "
		    "-925 and 895";
		return false;
	}
	return true;
}

/* Do two descriptors have the same layout? */
static bool
same_layout(const struct fpv_format *a, const struct fpv_format *b)
{
	if (a->kind != b->kind || a->bits != b->bits || a->sign != b->sign)
		return false;
	return a->kind == FPV_KIND_INT ||
	    (a->exp_bits == b->exp_bits && a->frac_bits == b->frac_bits &&
	    a->bias == b->bias && a->top == b->top &&
	    a->subnormals == b->subnormals && a->zero == b->zero);
}

/* Set q->elem to a saturating copy of f with zero point zp, scale 1. */
static void
set_elem(struct fpv_quant *q, const struct fpv_format *f, int64_t zp)
{
	const char *why;

	q->elem = *f;
	q->elem.scale_big = NULL;
	q->elem.scale_num = q->elem.scale_den = 1;
	q->elem.zero_point = zp;
	q->elem.overflow = FPV_OVF_SATURATE;
	fpv_format_derive(&q->elem, &why);
}

/* A built-in format of a table row, or NULL. */
static const struct fpv_format *
row_format(const char *name)
{
	return name != NULL ? fpv_builtin_by_name(name, strlen(name)) : NULL;
}

/* Begin a run: q emptied, the arithmetic found; 0 or -1 with *why. */
static int
begin(struct qrun *r, const struct fpv_ctx *c, const char *arith,
    const double *x, size_t n, struct fpv_quant *q, const char **why)
{
	memset(q, 0, sizeof *q);
	memset(r, 0, sizeof *r);
	r->c = c;
	r->sc = *c;
	r->sr = c->round == FPV_RND_STOCHASTIC;
	r->near = *c;
	r->near.round = FPV_RND_NEAREST;
	r->near.emulate_only = !F32_NATIVE;
	r->x = x;
	r->q = q;
	r->arith = row_format(arith);
	if (n > FPV_QUANT_MAX_N) {
		*why = "a tensor to quantize has at most 10000000 elements";
		return -1;
	}
	if (r->arith == NULL || r->arith->fast != FPV_FAST_BINARY32) {
		*why = "the scheme's arithmetic is not binary32";
		return -1;
	}
	return 0;
}

int
fpv_quantize(const struct fpv_ctx *c, const struct fpv_qscheme *s,
    const struct fpv_format *f, const double *x, size_t n,
    struct fpv_quant *q, const char **why)
{
	struct qrun r;
	size_t nblocks;

	if (begin(&r, c, s->arith, x, n, q, why) < 0)
		return -1;
	q->scale_fmt = row_format(s->scale);
	q->tensor_fmt = row_format(s->tensor_scale);
	if (q->scale_fmt == NULL || (s->tensor_scale != NULL &&
	    q->tensor_fmt == NULL)) {
		*why = "the scheme's scale format is not a built-in format";
		return -1;
	}
	if (s->elem[0] == NULL) {
		/* quant(v, F, METHOD): the caller's format */
		if (f == NULL) {
			*why = "quantizing needs an element format";
			return -1;
		}
		if (!fpv_quant_format_ok(f, why))
			return -1;
		if (s->rule == FPV_QR_MINMAX && f->kind != FPV_KIND_INT) {
			*why = "minmax quantizes into integer grids only";
			return -1;
		}
		set_elem(q, f, 0);
	} else {
		const struct fpv_format *e = NULL;

		for (int i = 0; i < 3 && s->elem[i] != NULL && e == NULL; i++) {
			const struct fpv_format *d = row_format(s->elem[i]);

			if (d != NULL && (f == NULL || same_layout(d, f)))
				e = d;
		}
		if (e == NULL) {
			*why = f == NULL ? "the scheme's element format is not "
			    "a built-in format" : "the scheme does not take "
			    "that element format";
			return -1;
		}
		set_elem(q, e, s->zero_point);
	}
	q->scheme = s;
	q->block = s->block > 0 ? (size_t)s->block : n;
	nblocks = s->block > 0 ? (n + q->block - 1) / q->block : 1;
	if (alloc_result(q, n, nblocks) < 0) {
		*why = "out of memory";
		return -1;
	}
	if (q->elem.kind == FPV_KIND_FLOAT && q->elem.bits <= 8) {
		for (uint64_t b = 0; b < (UINT64_C(1) << q->elem.bits); b++)
			r.vbuf[b] = float_value(&q->elem, b);
		r.vtab = r.vbuf;
	}
	if (s->codebook != NULL) {
		r.zero_code = 0;
		for (int i = 0; i < 16; i++)
			if (s->codebook[i] == 0)
				r.zero_code = (uint64_t)i;
	} else {
		r.zero_code = q->elem.kind == FPV_KIND_INT ?
		    fpv_q_bits(&q->elem, q->elem.zero_point) : 0;
	}
	switch (s->rule) {
	case FPV_QR_ABSMAX:
	case FPV_QR_MINMAX:
		run_tensor(&r);
		break;
	case FPV_QR_MX:
		run_mx(&r);
		break;
	case FPV_QR_NVFP4:
		run_nvfp4(&r);
		break;
	case FPV_QR_Q8_0:
	case FPV_QR_Q4_0:
		run_ggml(&r);
		break;
	case FPV_QR_NF4:
		run_nf4(&r);
		break;
	}
	return 0;
}

int
fpv_quantize_linear(const struct fpv_ctx *c, const struct fpv_format *f,
    double scale, int64_t zero_point, const double *x, size_t n,
    struct fpv_quant *q, const char **why)
{
	struct qrun r;
	bool grid = f->kind == FPV_KIND_INT;
	const char *arith = NULL;

	/* The arithmetic and the scale's format: the per-tensor methods'. */
	for (size_t i = 0; i < fpv_nqschemes && arith == NULL; i++)
		if (fpv_qschemes[i].rule == FPV_QR_ABSMAX)
			arith = fpv_qschemes[i].arith;
	if (begin(&r, c, arith, x, n, q, why) < 0)
		return -1;
	if (!fpv_quant_format_ok(f, why))
		return -1;
	if (!(scale > 0) || isinf(scale) || (double)(float)scale != scale) {
		*why = "the scale must be a positive finite binary32 number";
		return -1;
	}
	if (grid ? zero_point < f->qmin || zero_point > f->qmax :
	    zero_point != 0) {
		*why = "the zero point must be within the grid (0 for floats)";
		return -1;
	}
	q->scale_fmt = r.arith;
	set_elem(q, f, grid ? zero_point : 0);
	if (alloc_result(q, n, 1) < 0) {
		*why = "out of memory";
		return -1;
	}
	q->block = n;
	q->zero_point = grid ? zero_point : 0;
	q->scale[0] = scale;
	q->scale_bits[0] = scale_bits_of(&r, scale);
	tensor_stats(&r);
	q->block_amax[0] = q->amax;
	for (size_t i = 0; i < n; i++) {
		float v = (float)x[i];
		unsigned fl = 0;
		uint64_t b;
		double val;

		if (grid) {
			if (isnan(v)) {
				b = fpv_q_bits(&q->elem, zero_point);
				fl = FPV_FLAG_INVALID;
			} else if (isinf(v)) {
				b = fpv_q_bits(&q->elem, v < 0 ? q->elem.qmin :
				    q->elem.qmax);
				fl = FPV_FLAG_SATURATED;
			} else {
				b = grid_quotient(elem_ctx(&r, i), &q->elem, v,
				    scale, &fl);
			}
			val = (double)(fpv_bits_q(&q->elem, b) - zero_point) *
			    scale;
			put(q, i, isnan(v) ? 0.0f : v, b, val,
			    (fl & FPV_FLAG_SATURATED) != 0);
		} else {
			b = round_quotient(elem_ctx(&r, i), &q->elem, v, scale,
			    &fl);
			val = float_value(&q->elem, b) * scale;
			put(q, i, isnan(v) ? 0.0f : v, b, val,
			    (fl & FPV_FLAG_OVERFLOW) != 0);
		}
		if (isnan(v) && !isnan(val)) {
			q->invalid++;
			q->mark[i] |= FPV_QMARK_INVALID;
		}
	}
	return 0;
}
