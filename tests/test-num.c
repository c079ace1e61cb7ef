/*
 * Hardware agreement of the numeric core.
 *
 * For + - * / sqrt fma and the conversions between fp16, fp32 and fp64,
 * in all four rounding modes, fpviz's result bits and its five IEEE
 * flags must be those of the machine's float and double (and of
 * _Float16 where the compiler has it), computed under fesetround and
 * read with fetestexcept: on an edge operand set and on a deterministic
 * pseudo-random set aimed at the rounding, subnormal and overflow
 * boundaries.  Where the machine gives a NaN, any NaN is accepted (fpviz
 * documents its canonical quiet NaN, which is checked separately).
 *
 * fp16 + - * / also have a native path in integers: it is compared with
 * the emulation on edge and random operands, flags and markers included,
 * with or without _Float16.  Short decimal literals, which
 * fpv_real_from_text builds directly, are compared with MPFR's own
 * round-to-odd value.
 *
 * Then the "no double rounding" rule: decimal literals with a hundred
 * digits a hair above or below a halfway point, rounded from the text by
 * fpv_real_from_text + fpv_num_round_real, against hand-derived fp16
 * answers and against glibc's correctly rounded strtof/strtod in every
 * rounding mode.
 *
 * The machine side: operands are read from volatile variables after
 * fesetround/feclearexcept and the result is written to a volatile
 * variable before fetestexcept, so the operation cannot be constant-
 * folded or moved out from between the two calls (volatile accesses keep
 * their order with respect to calls).  The comparisons assume x86-64
 * (SSE: tininess after rounding, as fpviz); elsewhere they are skipped.
 */
#include "config.h"

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/num.h"
#include "formats.h"
#include "tap.h"

#ifdef __clang__
#pragma STDC FENV_ACCESS ON
#endif

#if defined(__x86_64__) && defined(__SSE2_MATH__)
#define HW_AGREEMENT 1
#endif

/* Random cases per operation and rounding mode. */
#define N_RANDOM 25000
/* Mismatches shown per check. */
#define MAX_SHOWN 5

static struct fpv_ctx ctx;

/* fesetround modes, indexed by enum fpv_round. */
static const int fe_modes[4] = {
	FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD
};

/* ---- Pseudo-random numbers ------------------------------------------ */

static uint64_t rng_state = 0x2545f4914f6cdd1du;

/* xorshift64 with a fixed seed: the same cases on every run. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random integer in [lo, hi]. */
static long
rng_range(long lo, long hi)
{
	return lo + (long)(rng() % (uint64_t)(hi - lo + 1));
}

/* ---- Encodings ------------------------------------------------------ */

#define FMT(i) (&fpv_formats[i])

/* The encoding with sign s, biased exponent e and fraction m. */
static uint64_t
make(int fmt, unsigned s, uint64_t e, uint64_t m)
{
	const struct fpv_format *f = FMT(fmt);

	return ((uint64_t)s << (f->bits - 1)) | (e << f->frac_bits) |
	    (m & (((uint64_t)1 << f->frac_bits) - 1));
}

/* The mask of fmt's fraction field. */
static uint64_t
frac_mask(int fmt)
{
	return ((uint64_t)1 << FMT(fmt)->frac_bits) - 1;
}

/* The exponent field of inf and NaN in fmt. */
static uint64_t
exp_all_ones(int fmt)
{
	return ((uint64_t)1 << FMT(fmt)->exp_bits) - 1;
}

/* Is b a NaN of fmt? */
static int
is_nan(int fmt, uint64_t b)
{
	enum fpv_class k = fpv_bits_class(FMT(fmt), b);

	return k == FPV_CLASS_QNAN || k == FPV_CLASS_SNAN;
}

/* ---- The two sides of a comparison ---------------------------------- */

/* What is compared: an operation in one format, or a conversion. */
struct check {
	const char *name;
	int from, to;		/* operand and result formats */
	int op;			/* enum fpv_op, or -1 for a conversion */
	int nargs;
	long n, bad, badnan;	/* cases, mismatches, non-canonical NaNs */
};

/* Cases where fpviz's native fp16/fp32/fp64 path and its emulation differ. */
static long native_cases, native_bad;

/*
 * The fp32/fp64 + - * / cases compared, by what the native path reads off
 * the bit patterns for its markers and class: subnormal operands and
 * results, zeros of both signs, markers on subnormals.
 */
enum {
	COV_SUB_ARG, COV_SUB_RES, COV_PZERO_ARG, COV_NZERO_ARG, COV_PZERO_RES,
	COV_NZERO_RES, COV_CANCEL_SUB, COV_ABSORB_SUB, COV_N
};
static const char *const cov_names[COV_N] = {
	"a subnormal operand", "a subnormal result", "a +0 operand",
	"a -0 operand", "a +0 result", "a -0 result",
	"cancellation and a subnormal", "absorption and a subnormal"
};
static long native_cov[COV_N];

/* Count the coverage of one native fp32/fp64 case of c on a giving r, fl. */
static void
native_coverage(const struct check *c, const uint64_t *a, uint64_t r,
    unsigned fl)
{
	const struct fpv_format *f = FMT(c->to);
	unsigned seen = 0;

	if (c->op > FPV_OP_DIV || (c->to != FPV_FP32 && c->to != FPV_FP64))
		return;
	for (int i = 0; i < 2; i++) {
		enum fpv_class k = fpv_bits_class(f, a[i]);

		if (k == FPV_CLASS_SUBNORMAL)
			seen |= 1u << COV_SUB_ARG;
		else if (k == FPV_CLASS_ZERO)
			seen |= 1u << (fpv_bits_sign(f, a[i]) ? COV_NZERO_ARG :
			    COV_PZERO_ARG);
	}
	if (fpv_bits_class(f, r) == FPV_CLASS_SUBNORMAL)
		seen |= 1u << COV_SUB_RES;
	else if (fpv_bits_class(f, r) == FPV_CLASS_ZERO)
		seen |= 1u << (fpv_bits_sign(f, r) ? COV_NZERO_RES :
		    COV_PZERO_RES);
	if (seen & (1u << COV_SUB_ARG | 1u << COV_SUB_RES)) {
		if (fl & FPV_FLAG_CANCELLATION)
			seen |= 1u << COV_CANCEL_SUB;
		if (fl & FPV_FLAG_ABSORBED)
			seen |= 1u << COV_ABSORB_SUB;
	}
	for (int i = 0; i < COV_N; i++)
		native_cov[i] += (seen >> i) & 1;
}

/*
 * fpviz's result and IEEE flags for c on a in rounding mode, computed by
 * the emulation (MPFR), which is what the hardware is checked against.
 * Operations also have a native fast path: it must agree with the
 * emulation on every case, markers included.
 */
static uint64_t
fpviz(const struct check *c, const uint64_t *a, int mode, unsigned *fl)
{
	unsigned f = 0, nf = 0;
	uint64_t r, nr;

	ctx.round = (enum fpv_round)mode;
	ctx.emulate_only = true;
	if (c->op < 0)
		r = fpv_num_convert(&ctx, FMT(c->to), FMT(c->from), a[0], &f);
	else
		r = fpv_num_op(&ctx, FMT(c->to), (enum fpv_op)c->op, a, &f);
	ctx.emulate_only = false;
	if (c->op >= 0) {
		nr = fpv_num_op(&ctx, FMT(c->to), (enum fpv_op)c->op, a, &nf);
		native_cases++;
		native_coverage(c, a, r, f);
		if (nr != r || nf != f) {
			if (native_bad++ < 5)
				diag("native/emulated differ: op %d mode %d "
				    "%llx %llx -> %llx/%x vs %llx/%x", c->op,
				    mode, (unsigned long long)a[0],
				    (unsigned long long)a[1],
				    (unsigned long long)nr, nf,
				    (unsigned long long)r, f);
		}
	}
	*fl = f & FPV_FLAGS_IEEE;
	return r;
}

#ifdef HW_AGREEMENT
static volatile float hf[3], hfr;
static volatile double hd[3], hdr;
#ifdef HAVE_FLOAT16
static volatile _Float16 hh[3], hhr;
#endif

/* The raised exceptions as FPV_FLAG_ bits. */
static unsigned
hw_flags(void)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	unsigned fl = 0;

	if (e & FE_INEXACT)
		fl |= FPV_FLAG_INEXACT;
	if (e & FE_UNDERFLOW)
		fl |= FPV_FLAG_UNDERFLOW;
	if (e & FE_OVERFLOW)
		fl |= FPV_FLAG_OVERFLOW;
	if (e & FE_DIVBYZERO)
		fl |= FPV_FLAG_DIVBYZERO;
	if (e & FE_INVALID)
		fl |= FPV_FLAG_INVALID;
	return fl;
}

/* Store the operands a[0..n) of format fmt in the volatile operands. */
static void
hw_load(int fmt, const uint64_t *a, int n)
{
	for (int i = 0; i < n; i++) {
		if (fmt == FPV_FP32) {
			uint32_t u = (uint32_t)a[i];
			float x;

			memcpy(&x, &u, sizeof x);
			hf[i] = x;
		} else if (fmt == FPV_FP64) {
			double x;

			memcpy(&x, &a[i], sizeof x);
			hd[i] = x;
		} else {
#ifdef HAVE_FLOAT16
			uint16_t u = (uint16_t)a[i];
			_Float16 x;

			memcpy(&x, &u, sizeof x);
			hh[i] = x;
#endif
		}
	}
}

/* The bits of the volatile result of format fmt. */
static uint64_t
hw_result(int fmt)
{
	if (fmt == FPV_FP32) {
		float x = hfr;
		uint32_t u;

		memcpy(&u, &x, sizeof u);
		return u;
	}
	if (fmt == FPV_FP64) {
		double x = hdr;
		uint64_t u;

		memcpy(&u, &x, sizeof u);
		return u;
	}
#ifdef HAVE_FLOAT16
	{
		_Float16 x = hhr;
		uint16_t u;

		memcpy(&u, &x, sizeof u);
		return u;
	}
#else
	return 0;
#endif
}

#ifdef HAVE_FLOAT16
/*
 * fp16 fma: a*b+c in double, rounded to odd, then rounded once to fp16.
 * The double fma is first done in the current mode; if it is exact (this
 * also gives an exact zero its right sign) that is the value.  Otherwise
 * it is redone toward zero and the last bit forced to 1: a 53-bit
 * round-to-odd value, which rounds to any precision of at most 51 bits
 * (fp16 has 11, and the subnormal grid of fp16 is far above double's)
 * exactly as the real a*b+c does, flags and tininess included.  The
 * double steps cannot overflow or underflow (|a*b+c| <= 2^33, and a
 * nonzero a*b+c is a multiple of 2^-48), so the only flags they add are
 * invalid and an inexact that the final rounding raises anyway.
 */
static void
hw_f16_fma(int mode)
{
	hdr = fma((double)hh[0], (double)hh[1], (double)hh[2]);
	if (fetestexcept(FE_INEXACT)) {
		double d;
		uint64_t u;

		fesetround(FE_TOWARDZERO);
		d = fma((double)hh[0], (double)hh[1], (double)hh[2]);
		fesetround(fe_modes[mode]);
		memcpy(&u, &d, sizeof u);
		u |= 1;
		memcpy(&d, &u, sizeof d);
		hdr = d;
	}
	hhr = (_Float16)hdr;
}
#endif

/*
 * The machine's result and flags for c on a in rounding mode.
 *
 * fp16 arithmetic is done the way the compiler does _Float16 without
 * native half-precision instructions: widen to float, one float
 * operation, round to _Float16.  For + - * / sqrt that is a valid oracle
 * of the correctly rounded fp16 operation: float's 24 bits are at least
 * 2*11 + 2, and for such precisions rounding the float result to fp16
 * gives the same result as rounding the exact one, in nearest mode
 * (Figueroa, "When is double rounding innocuous?", 1995) and trivially
 * in the directed modes (the fp16 numbers are float numbers, so
 * floor(floor24(x)) = floor11(x)).  It holds on fp16's subnormal grid
 * too (spacing 2^-24, where float still has 23 more bits).  The flags
 * agree: the float operation cannot overflow or underflow on fp16
 * operands (|a*b| <= 2^32, |a/b| >= 2^-40, a tiny sum is exact), and
 * when it is inexact the exact result is no fp16 number either, so the
 * final rounding is inexact too (a quotient or square root within a
 * float half-ulp of an 11- or 12-bit number would have to equal it);
 * overflow and tininess after rounding are decided on the same rounded
 * value.  fma cannot go through float (a*b has 22 bits): see hw_f16_fma.
 */
static uint64_t
hw(const struct check *c, const uint64_t *a, int mode, unsigned *fl)
{
	hw_load(c->from, a, c->nargs);
	fesetround(fe_modes[mode]);
	feclearexcept(FE_ALL_EXCEPT);
	if (c->op < 0) {
		switch (c->from * 4 + c->to) {
		case FPV_FP64 * 4 + FPV_FP32: hfr = (float)hd[0]; break;
		case FPV_FP32 * 4 + FPV_FP64: hdr = (double)hf[0]; break;
#ifdef HAVE_FLOAT16
		case FPV_FP32 * 4 + FPV_FP16: hhr = (_Float16)hf[0]; break;
		case FPV_FP64 * 4 + FPV_FP16: hhr = (_Float16)hd[0]; break;
		case FPV_FP16 * 4 + FPV_FP32: hfr = (float)hh[0]; break;
		case FPV_FP16 * 4 + FPV_FP64: hdr = (double)hh[0]; break;
#endif
		default: abort();
		}
	} else if (c->from == FPV_FP32) {
		switch (c->op) {
		case FPV_OP_ADD: hfr = hf[0] + hf[1]; break;
		case FPV_OP_SUB: hfr = hf[0] - hf[1]; break;
		case FPV_OP_MUL: hfr = hf[0] * hf[1]; break;
		case FPV_OP_DIV: hfr = hf[0] / hf[1]; break;
		case FPV_OP_SQRT: hfr = sqrtf(hf[0]); break;
		case FPV_OP_FMA: hfr = fmaf(hf[0], hf[1], hf[2]); break;
		default: abort();
		}
	} else if (c->from == FPV_FP64) {
		switch (c->op) {
		case FPV_OP_ADD: hdr = hd[0] + hd[1]; break;
		case FPV_OP_SUB: hdr = hd[0] - hd[1]; break;
		case FPV_OP_MUL: hdr = hd[0] * hd[1]; break;
		case FPV_OP_DIV: hdr = hd[0] / hd[1]; break;
		case FPV_OP_SQRT: hdr = sqrt(hd[0]); break;
		case FPV_OP_FMA: hdr = fma(hd[0], hd[1], hd[2]); break;
		default: abort();
		}
	} else {
#ifdef HAVE_FLOAT16
		switch (c->op) {
		case FPV_OP_ADD:
			hhr = (_Float16)((float)hh[0] + (float)hh[1]);
			break;
		case FPV_OP_SUB:
			hhr = (_Float16)((float)hh[0] - (float)hh[1]);
			break;
		case FPV_OP_MUL:
			hhr = (_Float16)((float)hh[0] * (float)hh[1]);
			break;
		case FPV_OP_DIV:
			hhr = (_Float16)((float)hh[0] / (float)hh[1]);
			break;
		case FPV_OP_SQRT:
			hhr = (_Float16)sqrtf((float)hh[0]);
			break;
		case FPV_OP_FMA:
			hw_f16_fma(mode);
			break;
		default:
			abort();
		}
#else
		abort();
#endif
	}
	*fl = hw_flags();
	fesetround(FE_TONEAREST);
	return hw_result(c->to);
}

/* Run one case of c on both sides and tally it. */
static void
compare(struct check *c, const uint64_t *a, int mode)
{
	unsigned hfl, vfl;
	uint64_t h = hw(c, a, mode, &hfl);
	uint64_t v = fpviz(c, a, mode, &vfl);
	int same = is_nan(c->to, h) ? is_nan(c->to, v) : v == h;

	c->n++;
	if (is_nan(c->to, v) && v != FMT(c->to)->qnan && c->badnan++ == 0)
		diag("%s: NaN result 0x%llx is not the canonical quiet NaN",
		    c->name, (unsigned long long)v);
	if (same && hfl == vfl)
		return;
	if (c->bad++ < MAX_SHOWN) {
		char buf[3][24], hb[24], vb[24];

		for (int i = 0; i < 3; i++)
			strcpy(buf[i], "");
		for (int i = 0; i < c->nargs; i++)
			fpv_bits_hex(FMT(c->from), a[i], buf[i]);
		fpv_bits_hex(FMT(c->to), h, hb);
		fpv_bits_hex(FMT(c->to), v, vb);
		diag("%s %s (%s %s %s): machine %s flags %02x, fpviz %s "
		    "flags %02x", c->name, fpv_round_names[mode], buf[0],
		    buf[1], buf[2], hb, hfl, vb, vfl);
	}
}

/* Report c as one TAP line and reset its counters. */
static void
report(struct check *c, const char *what)
{
	ok(c->n > 0 && c->bad == 0 && c->badnan == 0,
	    "%s %s: %ld cases in 4 modes, %ld disagree with the machine%s",
	    c->name, what, c->n, c->bad,
	    c->badnan ? ", non-canonical NaN results" : "");
	c->n = c->bad = c->badnan = 0;
}

/* ---- Operands ------------------------------------------------------- */

/*
 * The edge operands of a format: zeros, the ends of the subnormal and
 * normal ranges, 1 and its neighbours, values whose sums and products
 * with others land on halfway points (2^-p is half an ulp of 1; the
 * half-ulp of the maximum decides between max and overflow), square
 * roots of the range's ends, inf and NaNs; both signs.  Returns the count.
 */
static int
edge_set(int fmt, uint64_t *out)
{
	const struct fpv_format *f = FMT(fmt);
	int p = fpv_format_prec(f), bias = f->emax;
	uint64_t fm = frac_mask(fmt), half = (uint64_t)1 << (f->frac_bits - 1);
	uint64_t top = (uint64_t)2 * bias;	/* largest finite exponent */
	uint64_t v[] = {
		make(fmt, 0, 0, 0),			/* 0 */
		make(fmt, 0, 0, 1),			/* min subnormal */
		make(fmt, 0, 0, 3),
		make(fmt, 0, 0, half),			/* min normal / 2 */
		make(fmt, 0, 0, fm),			/* max subnormal */
		make(fmt, 0, 1, 0),			/* min normal */
		make(fmt, 0, 1, 1),
		make(fmt, 0, 1, half),
		make(fmt, 0, (uint64_t)bias, 0),	/* 1 */
		make(fmt, 0, (uint64_t)bias, 1),	/* 1 + ulp */
		make(fmt, 0, (uint64_t)bias - 1, fm),	/* 1 - ulp/2 */
		make(fmt, 0, (uint64_t)bias, half),	/* 1.5 */
		make(fmt, 0, (uint64_t)bias - 1, 0),	/* 0.5 */
		make(fmt, 0, (uint64_t)bias + 1, 0),	/* 2 */
		make(fmt, 0, (uint64_t)bias + 1, half),	/* 3 */
		make(fmt, 0, (uint64_t)(bias - p), 0),	/* 2^-p: half ulp of 1 */
		make(fmt, 0, (uint64_t)(bias - p), half),
		make(fmt, 0, (uint64_t)(bias - p + 1), 0), /* ulp of 1 */
		make(fmt, 0, (uint64_t)bias - 4, fm / 3), /* 0x...5555 */
		make(fmt, 0, top, fm),			/* max */
		make(fmt, 0, top, fm - 1),
		make(fmt, 0, top, 0),			/* 2^emax */
		make(fmt, 0, top - (uint64_t)p, 0),	/* half ulp of max */
		make(fmt, 0, top - (uint64_t)p, half),
		make(fmt, 0, top - (uint64_t)p - 1, 0),
		make(fmt, 0, (uint64_t)(bias + bias / 2), fm), /* ~sqrt(max) */
		make(fmt, 0, (uint64_t)(bias - (bias - 1) / 2), 0),
		make(fmt, 0, (uint64_t)(bias - (bias - 1) / 2 - p / 2), half),
		make(fmt, 0, exp_all_ones(fmt), 0),	/* inf */
	};
	int n = 0;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		out[n++] = v[i];
		out[n++] = v[i] | make(fmt, 1, 0, 0);
	}
	out[n++] = f->qnan;				/* quiet NaN */
	out[n++] = make(fmt, 1, exp_all_ones(fmt), half | 5);
	out[n++] = make(fmt, 0, exp_all_ones(fmt), 1);	/* signalling NaN */
	return n;
}

/* A random fraction: uniform, short, a run of ones, or one bit. */
static uint64_t
random_frac(int fmt)
{
	int fb = FMT(fmt)->frac_bits;
	uint64_t r = rng();

	switch (rng() % 5) {
	case 0:			/* only the top few bits */
		return r & ~(((uint64_t)1 << rng_range(0, fb)) - 1);
	case 1:			/* ones down to some bit, maybe a last one */
		return ((~(uint64_t)0 << rng_range(0, fb)) |
		    (rng() & 1)) & frac_mask(fmt);
	case 2:
		return ((uint64_t)1 << rng_range(0, fb - 1)) |
		    (rng() % 3 == 0 ? 1 : 0);
	default:
		return r & frac_mask(fmt);
	}
}

/*
 * A random operand of format fmt: a random bit pattern, or a value whose
 * exponent is near one of the places where results round, underflow or
 * overflow (the subnormals; half of emin and of emax, for products and
 * quotients; the top of the range; 1), or an edge value.
 */
static uint64_t
random_operand(int fmt, const uint64_t *edges, int nedges)
{
	const struct fpv_format *f = FMT(fmt);
	long bias = f->emax, p = fpv_format_prec(f), top = 2 * bias, e;
	unsigned s = (unsigned)(rng() & 1);

	switch (rng() % 8) {
	case 0:
		return rng() & fpv_format_mask(f);
	case 1:
		e = rng_range(0, p + 2);
		break;
	case 2:
		e = bias + (1 - bias) / 2 + rng_range(-p - 2, p + 2);
		break;
	case 3:
		e = bias + bias / 2 + rng_range(-2, 2);
		break;
	case 4:
		e = rng_range(top - p - 2, top);
		break;
	case 5:
		e = bias + rng_range(-3, 3);
		break;
	case 6:
		e = rng_range(0, top);
		break;
	default:
		return edges[rng() % (uint64_t)nedges];
	}
	if (e < 0)
		e = 0;
	if (e > top)
		e = top;
	return make(fmt, s, (uint64_t)e, random_frac(fmt));
}

/*
 * A random operand of format from for a conversion into to: exponents
 * near to's subnormal range and its overflow threshold, and around 1, and
 * the bits that the conversion drops set to exactly half an ulp of to,
 * just above or below it, or random.
 */
static uint64_t
random_conv_operand(int from, int to)
{
	const struct fpv_format *ff = FMT(from), *ft = FMT(to);
	long temin = 1 - ft->emax, e, drop;
	unsigned s = (unsigned)(rng() & 1);
	uint64_t m;

	switch (rng() % 5) {
	case 0:
		return rng() & fpv_format_mask(ff);
	case 1:
		e = rng_range(temin - ft->frac_bits - 3, temin + 1);
		break;
	case 2:
		e = rng_range(ft->emax - 1, ft->emax + 1);
		break;
	case 3:
		e = rng_range(-2, 2);
		break;
	default:
		e = rng_range(temin - ft->frac_bits - 3, ft->emax + 1);
		break;
	}
	/* Bits of from's fraction below to's last bit at exponent e. */
	drop = ff->frac_bits - ft->frac_bits + (e < temin ? temin - e : 0);
	if (drop > ff->frac_bits)
		drop = ff->frac_bits;
	m = rng() & frac_mask(from);
	if (drop >= 2) {
		uint64_t low = ((uint64_t)1 << drop) - 1, halfway =
		    (uint64_t)1 << (drop - 1);

		switch (rng() % 4) {
		case 0: m = (m & ~low) | halfway; break;
		case 1: m = (m & ~low) | halfway | 1; break;
		case 2: m = (m & ~low) | (halfway - 1); break;
		default: break;
		}
	}
	return make(from, s, (uint64_t)(e + ff->emax), m);
}

/* Encode an MPFR value exactly representable in fmt (fp32 or fp64). */
static uint64_t
encode_exact(int fmt, mpfr_srcptr x)
{
	if (fmt == FPV_FP32) {
		float v = mpfr_get_flt(x, MPFR_RNDN);
		uint32_t u;

		memcpy(&u, &v, sizeof u);
		return u;
	} else {
		double v = mpfr_get_d(x, MPFR_RNDN);
		uint64_t u;

		memcpy(&u, &v, sizeof u);
		return u;
	}
}

/*
 * Edge operands of a conversion from a wider format into to: to's
 * maximum, 2^(emax+1), smallest normal and subnormal, 1, each plus and
 * minus half of to's ulp there, and the from-neighbours of all of these;
 * both signs.  Returns the count.
 */
static int
conv_edge_set(int from, int to, uint64_t *out)
{
	const struct fpv_format *ft = FMT(to);
	long temin = 1 - ft->emax;
	/* Six base values, each with the exponent of ft's ulp there. */
	static const int nbase = 6;
	mpfr_t v, h, x;
	int n = 0;

	mpfr_inits2(FMT(from)->frac_bits + 1, v, h, x, (mpfr_ptr)0);
	for (int i = 0; i < nbase; i++) {
		long ulpexp;

		switch (i) {
		case 0:	/* max */
			mpfr_set_ui_2exp(v, ((uint64_t)1 << (ft->frac_bits + 1)) - 1,
			    ft->emax - ft->frac_bits, MPFR_RNDN);
			ulpexp = ft->emax - ft->frac_bits;
			break;
		case 1:	/* 2^(emax + 1) */
			mpfr_set_ui_2exp(v, 1, ft->emax + 1, MPFR_RNDN);
			ulpexp = ft->emax - ft->frac_bits;
			break;
		case 2:	/* min normal */
			mpfr_set_ui_2exp(v, 1, temin, MPFR_RNDN);
			ulpexp = temin - ft->frac_bits;
			break;
		case 3:	/* min subnormal */
			mpfr_set_ui_2exp(v, 1, temin - ft->frac_bits, MPFR_RNDN);
			ulpexp = temin - ft->frac_bits;
			break;
		case 4:	/* 0 */
			mpfr_set_ui(v, 0, MPFR_RNDN);
			ulpexp = temin - ft->frac_bits;
			break;
		default: /* 1 */
			mpfr_set_ui(v, 1, MPFR_RNDN);
			ulpexp = -ft->frac_bits;
			break;
		}
		mpfr_set_ui_2exp(h, 1, ulpexp - 1, MPFR_RNDN);
		for (int d = -1; d <= 1; d++) {
			if (d < 0)
				mpfr_sub(x, v, h, MPFR_RNDN);
			else if (d > 0)
				mpfr_add(x, v, h, MPFR_RNDN);
			else
				mpfr_set(x, v, MPFR_RNDN);
			if (mpfr_sgn(x) < 0)
				continue;
			for (int k = -1; k <= 1; k++) {
				mpfr_t y;

				mpfr_init2(y, mpfr_get_prec(x));
				mpfr_set(y, x, MPFR_RNDN);
				if (k < 0 && !mpfr_zero_p(y))
					mpfr_nextbelow(y);
				if (k > 0)
					mpfr_nextabove(y);
				/* nextabove(0) is MPFR's tiniest number:
				 * use from's smallest subnormal instead. */
				if (mpfr_zero_p(x) && k > 0)
					mpfr_set_ui_2exp(y, 1,
					    1 - FMT(from)->emax -
					    FMT(from)->frac_bits, MPFR_RNDN);
				out[n] = encode_exact(from, y);
				out[n + 1] = out[n] |
				    make(from, 1, 0, 0);
				n += 2;
				mpfr_clear(y);
			}
		}
	}
	mpfr_clears(v, h, x, (mpfr_ptr)0);
	return n;
}
#endif /* HW_AGREEMENT */

/* ---- Operation checks ----------------------------------------------- */

#ifdef HW_AGREEMENT
/* Every edge operand combination (a smaller set for fma), all modes. */
static void
run_edges(struct check *c)
{
	uint64_t e[80], a[3];
	int n = edge_set(c->from, e);
	/* fma: every 3rd edge value, both signs, and the NaNs. */
	uint64_t e3[40];
	int n3 = 0;

	for (int i = 0; i < n; i++)
		if ((i / 2) % 3 == 0 || i >= n - 3)
			e3[n3++] = e[i];
	for (int m = 0; m < 4; m++) {
		if (c->nargs == 1) {
			for (int i = 0; i < n; i++) {
				a[0] = e[i];
				compare(c, a, m);
			}
		} else if (c->nargs == 2) {
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++) {
					a[0] = e[i];
					a[1] = e[j];
					compare(c, a, m);
				}
		} else {
			for (int i = 0; i < n3; i++)
				for (int j = 0; j < n3; j++)
					for (int k = 0; k < n3; k++) {
						a[0] = e3[i];
						a[1] = e3[j];
						a[2] = e3[k];
						compare(c, a, m);
					}
		}
	}
	report(c, "edge operands");
}

/* N_RANDOM random operand tuples per mode. */
static void
run_random(struct check *c)
{
	uint64_t e[80], a[3];
	int n = edge_set(c->from, e);

	for (int m = 0; m < 4; m++)
		for (long i = 0; i < N_RANDOM; i++) {
			for (int k = 0; k < c->nargs; k++)
				a[k] = random_operand(c->from, e, n);
			/* fma: sometimes c = -(a*b) rounded, for cancellation. */
			if (c->nargs == 3 && rng() % 4 == 0) {
				unsigned fl;
				struct check mul = { "", c->from, c->from,
				    FPV_OP_MUL, 2, 0, 0, 0 };

				a[2] = fpviz(&mul, a, (int)(rng() % 4), &fl) ^
				    make(c->from, 1, 0, 0);
			}
			compare(c, a, m);
		}
	report(c, "random operands");
}

/* A conversion: edges of both formats, random, or every fp16 pattern. */
static void
run_conversion(struct check *c)
{
	uint64_t e[200], a[1];
	int n;

	if (FMT(c->from)->bits == 16) {
		for (int m = 0; m < 4; m++)
			for (uint64_t b = 0; b < 65536; b++) {
				a[0] = b;
				compare(c, a, m);
			}
		report(c, "every fp16 pattern");
		return;
	}
	n = edge_set(c->from, e);
	if (FMT(c->to)->bits < FMT(c->from)->bits)
		n += conv_edge_set(c->from, c->to, e + n);
	for (int m = 0; m < 4; m++)
		for (int i = 0; i < n; i++) {
			a[0] = e[i];
			compare(c, a, m);
		}
	report(c, "edge operands");
	for (int m = 0; m < 4; m++)
		for (long i = 0; i < N_RANDOM; i++) {
			if (FMT(c->to)->bits < FMT(c->from)->bits)
				a[0] = random_conv_operand(c->from, c->to);
			else
				a[0] = random_operand(c->from, e, n);
			compare(c, a, m);
		}
	report(c, "random operands");
}

/* Operations and conversions against the machine. */
static void
test_hardware(void)
{
	static const struct {
		int op;
		const char *name;
	} ops[] = {
		{ FPV_OP_ADD, "add" }, { FPV_OP_SUB, "sub" },
		{ FPV_OP_MUL, "mul" }, { FPV_OP_DIV, "div" },
		{ FPV_OP_SQRT, "sqrt" }, { FPV_OP_FMA, "fma" },
	};
	static const struct {
		int from, to;
		const char *name;
	} convs[] = {
		{ FPV_FP64, FPV_FP32, "fp64->fp32" },
		{ FPV_FP32, FPV_FP64, "fp32->fp64" },
#ifdef HAVE_FLOAT16
		{ FPV_FP32, FPV_FP16, "fp32->fp16" },
		{ FPV_FP64, FPV_FP16, "fp64->fp16" },
		{ FPV_FP16, FPV_FP32, "fp16->fp32" },
		{ FPV_FP16, FPV_FP64, "fp16->fp64" },
#endif
	};
	static const int fmts[] = {
		FPV_FP32, FPV_FP64,
#ifdef HAVE_FLOAT16
		FPV_FP16,
#endif
	};

	for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
		for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
			char name[32];
			struct check c = { name, fmts[k], fmts[k], ops[i].op,
			    fpv_ops[ops[i].op].nargs, 0, 0, 0 };

			snprintf(name, sizeof name, "%s %s",
			    FMT(fmts[k])->name, ops[i].name);
			run_edges(&c);
			run_random(&c);
		}
	for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++) {
		struct check c = { convs[i].name, convs[i].from, convs[i].to,
		    -1, 1, 0, 0, 0 };

		run_conversion(&c);
	}
#ifndef HAVE_FLOAT16
	ok(1, "# SKIP fp16 against _Float16: the compiler has no _Float16");
#endif
}
#endif /* HW_AGREEMENT */

/* ---- The native fp16 path against the emulation --------------------- */

/*
 * fp16 edge operands: zeros, subnormals (smallest, largest, a tie away
 * from each other), the smallest normals, 1 and its neighbours, half an
 * ulp of 1 (sums on halfway points), 2^15 and the maximum 65504 and its
 * neighbour (overflow), products and quotients landing on the subnormal
 * boundary (2^-7, 2^-8 and their neighbours), inf, quiet and signalling
 * NaNs; both signs.  Returns the count.
 */
static int
f16_edges(uint64_t *out)
{
	static const uint16_t v[] = {
		0x0000, 0x0001, 0x0002, 0x0003, 0x01ff, 0x0200, 0x0201,
		0x03fe, 0x03ff, 0x0400, 0x0401, 0x0402, 0x07ff, 0x0800,
		0x1000, 0x1001, 0x13ff, 0x1400, 0x1c00, 0x1bff, 0x2000,
		0x2001, 0x2400, 0x3555, 0x3bff, 0x3c00, 0x3c01, 0x3c02,
		0x3e00, 0x4000, 0x4200, 0x5800, 0x5bff, 0x7800, 0x77ff,
		0x7bfe, 0x7bff, 0x7c00, 0x7e00, 0x7e05, 0x7c01, 0x7d00,
	};
	int n = 0;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		out[n++] = v[i];
		out[n++] = v[i] | 0x8000u;
	}
	return n;
}

/* A random fp16 operand: any pattern, or an exponent where + - * /
 * round, underflow or overflow, with a short or random fraction. */
static uint64_t
f16_random(const uint64_t *edges, int nedges)
{
	uint64_t s = (rng() & 1) << 15, e, m = rng() & 0x3ff;

	switch (rng() % 7) {
	case 0:
		return rng() & 0xffff;
	case 1:
		e = (uint64_t)rng_range(0, 3);		/* subnormal, tiny */
		break;
	case 2:
		e = (uint64_t)rng_range(5, 11);		/* 2^-10..2^-4 */
		break;
	case 3:
		e = (uint64_t)rng_range(26, 30);	/* near the maximum */
		break;
	case 4:
		e = (uint64_t)rng_range(12, 18);	/* near 1 */
		break;
	case 5:
		return edges[rng() % (uint64_t)nedges];
	default:
		e = (uint64_t)rng_range(0, 30);
		break;
	}
	if (rng() % 2)
		m &= ~(uint64_t)0 << rng_range(0, 10);	/* short fractions */
	return s | e << 10 | m;
}

/*
 * fp16 + - * / have a native path (integer arithmetic) besides the MPFR
 * emulation; on every pair of edge operands and on random ones, in all
 * four modes, both must give the same bits and the same flags, markers
 * included.  (Whether the emulation is right is checked against the
 * machine above and against TestFloat in test-testfloat.)  Independent
 * of _Float16.
 */
static void
test_native_fp16(void)
{
	static const int ops[] = { FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL,
	    FPV_OP_DIV };
	const struct fpv_format *f = FMT(FPV_FP16);
	uint64_t e[96], a[3] = { 0, 0, 0 };
	int ne = f16_edges(e);
	long n = 0, bad = 0, withflags[FPV_FLAG_COUNT] = { 0 };

	for (int m = 0; m < 4; m++)
		for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
			for (long i = 0; i < ne * ne + 60000; i++) {
				unsigned nf = 0, ef = 0;
				uint64_t nr, er;

				if (i < ne * ne) {
					a[0] = e[i / ne];
					a[1] = e[i % ne];
				} else {
					a[0] = f16_random(e, ne);
					a[1] = f16_random(e, ne);
				}
				ctx.round = (enum fpv_round)m;
				ctx.emulate_only = true;
				er = fpv_num_op(&ctx, f, (enum fpv_op)ops[k], a,
				    &ef);
				ctx.emulate_only = false;
				nr = fpv_num_op(&ctx, f, (enum fpv_op)ops[k], a,
				    &nf);
				n++;
				for (int b = 0; b < FPV_FLAG_COUNT; b++)
					withflags[b] += (ef >> b) & 1;
				if (nr != er || nf != ef) {
					if (bad++ < MAX_SHOWN)
						diag("fp16 %s %s 0x%04llx 0x%04llx: "
						    "native 0x%04llx flags %03x, "
						    "emulated 0x%04llx flags %03x",
						    fpv_ops[ops[k]].name,
						    fpv_round_names[m],
						    (unsigned long long)a[0],
						    (unsigned long long)a[1],
						    (unsigned long long)nr, nf,
						    (unsigned long long)er, ef);
				}
			}
	ctx.round = FPV_RND_NEAREST;
	ok(n > 0 && bad == 0, "the native fp16 + - * / agree with the "
	    "emulation (bits, flags, markers) in %ld cases in 4 modes, %ld "
	    "differ", n - bad, bad);
	/* The cases must reach every flag the path computes. */
	ok(withflags[0] && withflags[1] && withflags[2] && withflags[3] &&
	    withflags[4] && withflags[5] && withflags[6] && withflags[7],
	    "the fp16 cases raise every IEEE flag and marker (inexact %ld, "
	    "underflow %ld, overflow %ld, divbyzero %ld, invalid %ld, "
	    "subnormal %ld, absorbed %ld, cancellation %ld)", withflags[0],
	    withflags[1], withflags[2], withflags[3], withflags[4],
	    withflags[5], withflags[6], withflags[7]);
}

/* ---- Short literals against MPFR ------------------------------------ */

/*
 * Short decimal literals (at most 19 digits, small exponents) take a
 * direct path in fpv_real_from_text; its value must be MPFR's own:
 * mpfr_strtofr toward zero at FPV_EXACT_PREC bits, then made odd, with
 * the same exactness.  Random digit strings with the point anywhere,
 * leading and trailing zeros, and exponents in and out of the direct
 * path's range, plus exact cases.
 */
static void
test_short_literals(void)
{
	static const char *const fixed[] = {
		"0", "0.0", "000", "0e5", ".5", "5.", "0.5", "0.125", "1e3",
		"3.0", "1", "10", "1e19", "9999999999999999999",
		"9999999999999999999e19", "1e-19", "0.0000000000000000001",
		"1234567890123456789e-19", "5e-1", "25e-2", "0.1", "0.2",
		"0.3", "1e-5", "7.62939453125e-6", "65504", "65520",
		"18446744073709551615", "1.8446744073709551615e19",
		"10000000000000000000", "0.00006103515625", "3.14159",
		"2.98023223876953125e-8", "1E2", "1e+2", "1e-0",
	};
	long n = 0, bad = 0;
	mpfr_t x, y;

	mpfr_inits2(FPV_EXACT_PREC, x, y, (mpfr_ptr)0);
	for (long i = 0; i < 40000 + (long)(sizeof fixed / sizeof fixed[0]);
	    i++) {
		char text[96];
		char *end;
		int t, ty;

		if (i < (long)(sizeof fixed / sizeof fixed[0])) {
			snprintf(text, sizeof text, "%s", fixed[i]);
		} else {
			int nd = (int)rng_range(1, 21), lead = (int)(rng() % 4);
			int dot = (int)rng_range(-1, nd + lead), len = 0;

			for (int k = 0; k < lead + nd; k++) {
				if (k == dot)
					text[len++] = '.';
				text[len++] = (char)(k < lead ? '0' :
				    rng() % 3 == 0 ? '0' : '0' + rng() % 10);
			}
			if (dot == lead + nd)
				text[len++] = '.';
			if (rng() % 2)
				len += snprintf(text + len, sizeof text -
				    (size_t)len, "e%ld", rng_range(-24, 24));
			text[len] = '\0';
		}
		t = fpv_real_from_text(x, text, strlen(text));
		ty = mpfr_strtofr(y, text, &end, 10, MPFR_RNDZ);
		fpv_real_make_odd(y, ty);
		n++;
		if (*end != '\0' || t == -2 || !mpfr_equal_p(x, y) ||
		    mpfr_signbit(x) || (t == 0) != (ty == 0) ||
		    (t < 0) != (ty < 0)) {
			if (bad++ < MAX_SHOWN)
				diag("literal \"%s\": fpviz %s (%d), MPFR %s "
				    "(%d)", text, mpfr_get_str(NULL, NULL, 16,
				    0, x, MPFR_RNDN), t, mpfr_get_str(NULL,
				    NULL, 16, 0, y, MPFR_RNDN), ty);
		}
	}
	ok(n > 0 && bad == 0, "%ld short decimal literals: the 256-bit "
	    "round-to-odd value is MPFR's, %ld differ", n - bad, bad);
	mpfr_clears(x, y, (mpfr_ptr)0);
}

/* ---- No double rounding --------------------------------------------- */

/* Round the literal text (negated if neg) into fmt in mode. */
static uint64_t
round_text(int fmt, const char *text, int neg, int mode, unsigned *flags)
{
	mpfr_t x;
	struct fpv_real r;
	uint64_t b;

	mpfr_init2(x, FPV_EXACT_PREC);
	fpv_real_parse(&r, x, text, strlen(text));
	if (neg)
		mpfr_neg(x, x, MPFR_RNDN);
	r.negative = neg != 0;
	ctx.round = (enum fpv_round)mode;
	*flags = 0;
	b = fpv_num_round_real(&ctx, FMT(fmt), &r, flags);
	*flags &= FPV_FLAGS_IEEE;
	mpfr_clear(x);
	return b;
}

/* head, then n copies of fill, then tail, into buf. */
static const char *
long_literal(char *buf, const char *head, char fill, int n, const char *tail)
{
	size_t len = strlen(head);

	memcpy(buf, head, len);
	memset(buf + len, fill, (size_t)n);
	strcpy(buf + len + n, tail);
	return buf;
}

/* Count the significant digits of a decimal literal. */
static int
digits(const char *s)
{
	int n = 0, lead = 1;

	for (; *s != '\0' && *s != 'e'; s++) {
		if (*s == '.')
			continue;
		if (*s != '0')
			lead = 0;
		if (!lead)
			n++;
	}
	return n;
}

/*
 * Hand-derived fp16 cases: 1 + 2^-11 = 1.00048828125 lies halfway between
 * 1 (0x3c00) and 1 + 2^-10 (0x3c01); 1 + 3 * 2^-11 = 1.00146484375
 * between 0x3c01 and 0x3c02; 2^-25 = 2.98023223876953125e-8 between 0
 * and the smallest subnormal; 65520 between the maximum 65504 (0x7bff)
 * and 2^16, which overflows.  Each is given exactly, and as a 100-digit
 * literal a hair (10^-99 or so, far below 2^-256) above or below; then
 * short literals (up to 19 digits) around the same points.
 */
static void
test_fp16_literals(void)
{
	enum { I = FPV_FLAG_INEXACT, U = FPV_FLAG_UNDERFLOW,
	    O = FPV_FLAG_OVERFLOW };
	enum { N = FPV_RND_NEAREST, Z = FPV_RND_ZERO, UP = FPV_RND_UP,
	    D = FPV_RND_DOWN };
	static const struct {
		const char *head;
		char fill;
		const char *tail;
		int neg;
		int mode;
		uint64_t want;
		unsigned flags;
	} cases[] = {
		{ "1.00048828125", '0', "1", 0, N, 0x3c01, I },
		{ "1.00048828125", '0', "", 0, N, 0x3c00, I },
		{ "1.00048828124", '9', "", 0, N, 0x3c00, I },
		{ "1.00048828125", '0', "1", 0, Z, 0x3c00, I },
		{ "1.00048828125", '0', "1", 0, D, 0x3c00, I },
		{ "1.00048828124", '9', "", 0, UP, 0x3c01, I },
		{ "1.00048828125", '0', "1", 1, N, 0xbc01, I },
		{ "1.00048828125", '0', "1", 1, UP, 0xbc00, I },
		{ "1.00048828125", '0', "1", 1, D, 0xbc01, I },
		{ "1.00048828124", '9', "", 1, N, 0xbc00, I },
		{ "1.00048828125", '0', "", 1, N, 0xbc00, I },
		{ "1.00146484375", '0', "", 0, N, 0x3c02, I },
		{ "1.00146484374", '9', "", 0, N, 0x3c01, I },
		{ "1.00146484375", '0', "1", 0, N, 0x3c02, I },
		{ "0.0000000298023223876953125", '0', "1", 0, N, 0x0001, I | U },
		{ "0.0000000298023223876953125", '0', "", 0, N, 0x0000, I | U },
		{ "0.0000000298023223876953124", '9', "", 0, N, 0x0000, I | U },
		{ "0.0000000298023223876953124", '9', "", 1, N, 0x8000, I | U },
		{ "0.0000000298023223876953124", '9', "", 0, UP, 0x0001, I | U },
		{ "65519.", '9', "", 0, N, 0x7bff, I },
		{ "65520.", '0', "", 0, N, 0x7c00, I | O },
		{ "65520.", '0', "1", 0, N, 0x7c00, I | O },
		{ "65520.", '0', "1", 0, Z, 0x7bff, I },	/* 65504 unbounded */
		{ "65520.", '0', "1", 1, D, 0xfc00, I | O },
		{ "65519.", '9', "", 1, UP, 0xfbff, I },
		/* Short forms (at most 19 digits), which take another path. */
		{ "1.00048828125", 0, "", 0, N, 0x3c00, I },
		{ "1.0004882812500001", 0, "", 0, N, 0x3c01, I },
		{ "1.0004882812499999", 0, "", 0, N, 0x3c00, I },
		{ "1.0004882812500001", 0, "", 1, UP, 0xbc00, I },
		{ "1.00146484375", 0, "", 0, N, 0x3c02, I },
		{ "100146484374999999e-17", 0, "", 0, N, 0x3c01, I },
		{ "65520", 0, "", 0, N, 0x7c00, I | O },
		{ "65519.999999999999", 0, "", 0, N, 0x7bff, I },
		{ "6552000000000000001e-14", 0, "", 0, N, 0x7c00, I | O },
		{ "2.98023223876953125e-8", 0, "", 0, N, 0x0000, I | U },
		{ "2.980232238769531251e-8", 0, "", 0, N, 0x0001, I | U },
		{ "2.980232238769531249e-8", 0, "", 0, N, 0x0000, I | U },
		{ "0.0000298023223876953125", 0, "e-3", 0, N, 0x0000, I | U },
		{ "6.103515625e-5", 0, "", 0, N, 0x0400, 0 },
		{ "0.00006103515625", 0, "", 0, Z, 0x0400, 0 },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *h = cases[i].head;
		int nfill = cases[i].fill == 0 ? 0 :
		    100 - digits(h) - (int)strlen(cases[i].tail);
		const char *text = long_literal(buf, h, cases[i].fill, nfill,
		    cases[i].tail);
		unsigned fl;
		uint64_t b = round_text(FPV_FP16, text, cases[i].neg,
		    cases[i].mode, &fl);

		if (!ok(b == cases[i].want && fl == cases[i].flags &&
		    (cases[i].fill == 0 || digits(text) == 100),
		    "fp16 %s: %s%.16s...%s (%d digits) -> 0x%04llx flags %02x",
		    fpv_round_names[cases[i].mode], cases[i].neg ? "-" : "",
		    text, text + strlen(text) - 4, digits(text),
		    (unsigned long long)cases[i].want, cases[i].flags))
			diag("got 0x%04llx flags %02x", (unsigned long long)b,
			    fl);
	}
}

/*
 * The exact decimal digits of x (positive, dyadic) as a malloc'd
 * "d.ddd...e<exp>"; NULL if that takes maxd digits or more.
 */
static char *
exact_decimal(mpfr_srcptr x, size_t maxd)
{
	mpfr_exp_t e;
	char *d = mpfr_get_str(NULL, &e, 10, maxd, x, MPFR_RNDN);
	char *out;
	size_t n;

	if (d == NULL)
		return NULL;
	n = strlen(d);
	while (n > 1 && d[n - 1] == '0')
		n--;
	if (n >= maxd) {	/* maybe rounded: not the exact digits */
		mpfr_free_str(d);
		return NULL;
	}
	out = malloc(n + 64);
	if (out == NULL) {
		mpfr_free_str(d);
		return NULL;
	}
	/* d is 0.ddd * 10^e, that is d.dd * 10^(e - 1). */
	out[0] = d[0];
	out[1] = '.';
	memcpy(out + 2, d + 1, n - 1);
	snprintf(out + n + 1, 63, "%s%ld", n > 1 ? "e" : "0e", (long)e - 1);
	mpfr_free_str(d);
	return out;
}

/*
 * fp32 and fp64 literals against strtof/strtod (glibc's are correctly
 * rounded in the current rounding mode): exact halfway points between
 * neighbours, the same a hair above and below, the halfway digits cut
 * short (also to at most 19 digits, maybe with other digits or another
 * exponent), and random long digit strings; both signs; all four modes.
 */
static void
test_strtod(int fmt, int count)
{
	const struct fpv_format *f = FMT(fmt);
	int p = fpv_format_prec(f);
	size_t maxd = fmt == FPV_FP32 ? 200 : 1200;
	long n = 0, bad = 0;
	mpfr_t lo, hi, mid;

	mpfr_inits2(p + 8, lo, hi, mid, (mpfr_ptr)0);
	for (int i = 0; i < count; i++) {
		uint64_t b;
		char *text, *alt;
		size_t len;
		int neg = (int)(rng() & 1);

		/* A positive finite b that has a finite successor. */
		do
			b = rng() & (fpv_format_mask(f) >> 1);
		while (fpv_bits_exp(f, b) == exp_all_ones(fmt) ||
		    fpv_bits_exp(f, b + 1) == exp_all_ones(fmt));
		if (rng() % 4 == 0)	/* near the ends of the range */
			b = rng() % 2 ? rng() % 64 :
			    make(fmt, 0, exp_all_ones(fmt), 0) - 2 - rng() % 64;
		fpv_num_decode(&ctx, f, b, lo);
		fpv_num_decode(&ctx, f, b + 1, hi);
		mpfr_add(mid, lo, hi, MPFR_RNDN);	/* exact */
		mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
		text = exact_decimal(mid, maxd);
		if (text == NULL)
			abort();
		len = strlen(text);
		alt = malloc(len + 128);
		if (alt == NULL)
			abort();
		{
			/* The variant: the exact midpoint, a hair above or
			 * below, cut short, or random digits. */
			char *ep = strchr(text, 'e');
			size_t mant = (size_t)(ep - text);

			switch (rng() % 7) {
			case 0:
				strcpy(alt, text);
				break;
			case 5:	/* cut to at most 19 digits */
			case 6: { /* short random digits, any exponent */
				size_t cut = 2 + (size_t)rng_range(0,
				    mant - 2 < 18 ? (long)mant - 2 : 18);

				memcpy(alt, text, cut);
				if (rng() % 2)
					strcpy(alt + cut, ep);
				else
					sprintf(alt + cut, "e%ld",
					    (long)rng_range(-60, 60));
				if (rng() % 2 == 0)
					for (size_t k = 2; k < cut; k++)
						alt[k] = (char)('0' + rng() % 10);
				break;
			}
			case 1:	/* + 10^-k: append zeros then a 1 */
				memcpy(alt, text, mant);
				memset(alt + mant, '0', 30);
				alt[mant + 30] = '1';
				strcpy(alt + mant + 31, ep);
				break;
			case 2:	/* last digit (a 5) less one, then 9s */
				memcpy(alt, text, mant);
				alt[mant - 1]--;
				memset(alt + mant, '9', 30);
				strcpy(alt + mant + 30, ep);
				break;
			case 3: { /* cut short */
				size_t cut = 3 + (size_t)rng_range(0,
				    (long)(mant - 3));

				memcpy(alt, text, cut);
				strcpy(alt + cut, ep);
				break;
			}
			default: { /* random digits, same exponent */
				size_t nd = 17 + (size_t)rng_range(0, 100);

				alt[0] = (char)('1' + rng() % 9);
				alt[1] = '.';
				for (size_t k = 2; k < nd; k++)
					alt[k] = (char)('0' + rng() % 10);
				strcpy(alt + nd, ep);
				break;
			}
			}
		}
		for (int m = 0; m < 4; m++) {
			char *signed_text = malloc(strlen(alt) + 2);
			uint64_t want, got;
			unsigned fl;

			if (signed_text == NULL)
				abort();
			sprintf(signed_text, "%s%s", neg ? "-" : "", alt);
			fesetround(fe_modes[m]);
			if (fmt == FPV_FP32) {
				float v = strtof(signed_text, NULL);
				uint32_t u;

				memcpy(&u, &v, sizeof u);
				want = u;
			} else {
				double v = strtod(signed_text, NULL);

				memcpy(&want, &v, sizeof want);
			}
			fesetround(FE_TONEAREST);
			got = round_text(fmt, alt, neg, m, &fl);
			n++;
			if (got != want && bad++ < MAX_SHOWN)
				diag("%s %s: %.60s... (%zu chars): strto* "
				    "0x%llx, fpviz 0x%llx", f->name,
				    fpv_round_names[m], signed_text,
				    strlen(signed_text),
				    (unsigned long long)want,
				    (unsigned long long)got);
			free(signed_text);
		}
		free(alt);
		free(text);
	}
	ok(n > 0 && bad == 0, "%s: %ld long decimal literals (halfway points, "
	    "a hair off, cut, random) agree with %s in 4 modes, %ld do not",
	    f->name, n, fmt == FPV_FP32 ? "strtof" : "strtod", bad);
	mpfr_clears(lo, hi, mid, (mpfr_ptr)0);
}

/* ---- The int8 grid against exact rationals -------------------------- */

/*
 * The expected int8 result of the exact value v, from the brief:
 * q = round(v / scale) + zero_point in the rounding mode (ties to even),
 * then saturated to [-128, 127] or wrapped modulo 256.  Inexact when
 * v / scale is no integer or q is clamped or wrapped; underflow when a
 * nonzero v quantizes to 0 (the man page's definition).
 */
static uint64_t
int8_expect(mpq_srcptr v, int mode, unsigned *fl)
{
	mpq_t x;
	mpz_t n, r;
	long q;

	mpq_init(x);
	mpz_inits(n, r, (mpz_ptr)0);
	{
		mpq_t sc;

		mpq_init(sc);
		fpv_grid_scale(CFMT(&ctx, FPV_INT8), sc);
		mpq_div(x, v, sc);
		mpq_clear(sc);
	}
	mpz_fdiv_qr(n, r, mpq_numref(x), mpq_denref(x));	/* floor */
	if (mpz_sgn(r) != 0) {
		*fl |= FPV_FLAG_INEXACT;
		mpz_mul_2exp(r, r, 1);
		if (mode == FPV_RND_UP || (mode == FPV_RND_ZERO &&
		    mpq_sgn(x) < 0) || (mode == FPV_RND_NEAREST &&
		    (mpz_cmp(r, mpq_denref(x)) > 0 ||
		    (mpz_cmp(r, mpq_denref(x)) == 0 && mpz_odd_p(n)))))
			mpz_add_ui(n, n, 1);
	}
	if (mpz_sgn(n) == 0 && mpq_sgn(v) != 0)
		*fl |= FPV_FLAG_UNDERFLOW;
	if (CFMT(&ctx, FPV_INT8)->zero_point >= 0)
		mpz_add_ui(n, n, (unsigned long)CFMT(&ctx, FPV_INT8)->zero_point);
	else
		mpz_sub_ui(n, n, (unsigned long)-CFMT(&ctx, FPV_INT8)->zero_point);
	if (mpz_cmp_si(n, 127) > 0 || mpz_cmp_si(n, -128) < 0) {
		*fl |= FPV_FLAG_INEXACT;
		if (CFMT(&ctx, FPV_INT8)->overflow == FPV_OVF_WRAP) {
			*fl |= FPV_FLAG_WRAPPED;
			mpz_fdiv_r_2exp(n, n, 8);
		} else {
			*fl |= FPV_FLAG_SATURATED;
			mpz_set_si(n, mpz_sgn(n) > 0 ? 127 : -128);
		}
	}
	q = mpz_get_si(n);
	mpz_clears(n, r, (mpz_ptr)0);
	mpq_clear(x);
	return (uint64_t)q & 0xff;
}

/* The exact value scale * (q - zero_point) of the int8 bits b. */
static void
int8_value(mpq_ptr v, uint64_t b)
{
	long q = (long)(b & 0xff) - ((b & 0x80) ? 256 : 0);

	mpq_set_si(v, q - CFMT(&ctx, FPV_INT8)->zero_point, 1);
	{
		mpq_t sc;

		mpq_init(sc);
		fpv_grid_scale(CFMT(&ctx, FPV_INT8), sc);
		mpq_mul(v, v, sc);
		mpq_clear(sc);
	}
}

/*
 * int8 + - * / fma and decimal literals on random operands, in all four
 * modes, under several scales, zero points and overflow rules (small
 * scales and scales whose numerator or denominator is too large for
 * 64-bit shortcuts), against int8_expect on exact rationals.  x/0 gives
 * the end of the range with x's sign and divbyzero; 0/0 gives 0 (the
 * zero point) and invalid.
 */
static void
test_int8(void)
{
	static const struct {
		const char *scale;
		long zp;
		enum fpv_overflow ovf;
	} grids[] = {
		{ "1", 0, FPV_OVF_SATURATE }, { "0.1", 0, FPV_OVF_SATURATE },
		{ "0.1", 10, FPV_OVF_WRAP }, { "0.03125", -5, FPV_OVF_SATURATE },
		{ "3", 100, FPV_OVF_WRAP }, { "2.5e-3", 0, FPV_OVF_SATURATE },
		{ "0.1234567891", -7, FPV_OVF_SATURATE },
		{ "123456789012", 0, FPV_OVF_WRAP },
	};
	static const int ops[] = {
		FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL, FPV_OP_DIV, FPV_OP_FMA
	};
	const unsigned mask = FPV_FLAGS_IEEE | FPV_FLAG_SATURATED |
	    FPV_FLAG_WRAPPED;
	const struct fpv_format *f;
	mpq_t v[3], r;
	mpfr_t x;

	for (int i = 0; i < 3; i++)
		mpq_init(v[i]);
	mpq_init(r);
	mpfr_init2(x, FPV_EXACT_PREC);
	for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++) {
		const char *why;
		long n = 0, bad = 0, nlit = 0, badlit = 0;

		if (set_int8_scale(&ctx, grids[g].scale, &why) != 0) {
			ok(0, "int8 scale %s accepted (%s)", grids[g].scale, why);
			continue;
		}
		WFMT(&ctx, FPV_INT8)->zero_point = grids[g].zp;
		WFMT(&ctx, FPV_INT8)->overflow = grids[g].ovf;
		f = CFMT(&ctx, FPV_INT8);
		for (int m = 0; m < 4; m++) {
			ctx.round = (enum fpv_round)m;
			for (int k = 0; k < 2000; k++) {
				int op = ops[k % 5];
				int na = fpv_ops[op].nargs;
				uint64_t a[3], got, want;
				unsigned gfl = 0, wfl = 0;

				for (int i = 0; i < na; i++) {
					/* Small |q - zp| and zero often. */
					a[i] = rng() % 4 == 0 ?
					    (uint64_t)(grids[g].zp +
					    rng_range(-3, 3)) & 0xff :
					    rng() & 0xff;
					int8_value(v[i], a[i]);
				}
				switch (op) {
				case FPV_OP_ADD: mpq_add(r, v[0], v[1]); break;
				case FPV_OP_SUB: mpq_sub(r, v[0], v[1]); break;
				case FPV_OP_MUL: mpq_mul(r, v[0], v[1]); break;
				case FPV_OP_FMA:
					mpq_mul(r, v[0], v[1]);
					mpq_add(r, r, v[2]);
					break;
				default:
					if (mpq_sgn(v[1]) != 0)
						mpq_div(r, v[0], v[1]);
					break;
				}
				if (op == FPV_OP_DIV && mpq_sgn(v[1]) == 0) {
					if (mpq_sgn(v[0]) == 0) {
						want = (uint64_t)grids[g].zp & 0xff;
						wfl = FPV_FLAG_INVALID;
					} else {
						want = mpq_sgn(v[0]) > 0 ? 0x7f : 0x80;
						wfl = FPV_FLAG_DIVBYZERO;
					}
				} else {
					want = int8_expect(r, m, &wfl);
				}
				got = fpv_num_op(&ctx, f, (enum fpv_op)op, a, &gfl);
				n++;
				if ((got != want || (gfl & mask) != wfl) &&
				    bad++ < MAX_SHOWN)
					diag("int8 scale %s zp %ld %s: %s(0x%02x, "
					    "0x%02x, 0x%02x): got 0x%02x flags "
					    "%03x, want 0x%02x flags %03x",
					    grids[g].scale, grids[g].zp,
					    fpv_round_names[m], fpv_ops[op].name,
					    (unsigned)a[0], (unsigned)a[1],
					    na > 2 ? (unsigned)a[2] : 0,
					    (unsigned)got, gfl & mask,
					    (unsigned)want, wfl);
			}
			/* Literals mant * 10^e: "12345e-3", "12.345", or
			 * "0.0012345". */
			for (int k = 0; k < 500; k++) {
				char text[64];
				uint64_t mant = rng() % (k % 2 ? 100000 :
				    UINT64_C(10000000000000000000));
				long e = rng_range(-22, 4);
				int neg = (int)(rng() & 1);
				struct fpv_real rr, unread;
				unsigned gfl = 0, wfl = 0, gfl2 = 0;
				uint64_t got, got2, want;
				int t, nd;

				nd = snprintf(text, sizeof text, "%llu",
				    (unsigned long long)mant);
				if (e < 0 && -e < nd && rng() % 2) {
					memmove(text + nd + e + 1, text + nd + e,
					    (size_t)-e + 1);
					text[nd + e] = '.';
				} else if (e < 0 && -e >= nd && rng() % 2) {
					/* "0.000ddd": -e - nd zeros after the
					 * point, then the digits. */
					char digits_[24];

					memcpy(digits_, text, (size_t)nd + 1);
					snprintf(text, sizeof text, "0.%0*d%s",
					    (int)(-e - nd), 0, digits_);
					if (-e - nd == 0)
						snprintf(text, sizeof text,
						    "0.%s", digits_);
				} else {
					snprintf(text + nd, sizeof text - (size_t)nd,
					    "e%ld", e);
				}
				mpz_set_ui(mpq_numref(r), (unsigned long)mant);
				mpz_ui_pow_ui(mpq_denref(r), 10,
				    (unsigned long)(e < 0 ? -e : e));
				if (e >= 0) {
					mpz_mul(mpq_numref(r), mpq_numref(r),
					    mpq_denref(r));
					mpz_set_ui(mpq_denref(r), 1);
				}
				mpq_canonicalize(r);
				if (neg)
					mpq_neg(r, r);
				want = int8_expect(r, m, &wfl);
				t = fpv_real_parse(&rr, x, text, strlen(text));
				if (neg)
					mpfr_neg(x, x, MPFR_RNDN);
				rr.negative = neg != 0;
				got = fpv_num_round_real(&ctx, f, &rr, &gfl);
				/* Without what the parse found: the text is
				 * read again, to the same result. */
				unread = (struct fpv_real){ .approx = x,
				    .inexact = t, .negative = neg != 0,
				    .text = text, .len = strlen(text) };
				got2 = fpv_num_round_real(&ctx, f, &unread,
				    &gfl2);
				nlit++;
				if ((got != want || (gfl & mask) != wfl ||
				    got2 != got || gfl2 != gfl) &&
				    badlit++ < MAX_SHOWN)
					diag("int8 scale %s zp %ld %s: literal "
					    "%s%s: got 0x%02x flags %03x (text "
					    "read again: 0x%02x flags %03x), want "
					    "0x%02x flags %03x", grids[g].scale,
					    grids[g].zp, fpv_round_names[m],
					    neg ? "-" : "", text, (unsigned)got,
					    gfl & mask, (unsigned)got2, gfl2 & mask,
					    (unsigned)want, wfl);
			}
		}
		ok(n > 0 && bad == 0, "int8 scale %s zero point %ld %s: %ld "
		    "operations in 4 modes agree with exact rationals, %ld "
		    "do not", grids[g].scale, grids[g].zp,
		    grids[g].ovf == FPV_OVF_WRAP ? "wrap" : "saturate", n, bad);
		ok(nlit > 0 && badlit == 0, "int8 scale %s zero point %ld: %ld "
		    "literals in 4 modes agree with exact rationals, parsed "
		    "once or read again, %ld do not",
		    grids[g].scale, grids[g].zp, nlit, badlit);
	}
	mpfr_clear(x);
	for (int i = 0; i < 3; i++)
		mpq_clear(v[i]);
	mpq_clear(r);
	fpv_ctx_clear(&ctx);
	fpv_ctx_init(&ctx);
}

/* Every check in turn; the TAP plan last. */
int
main(void)
{
	fpv_ctx_init(&ctx);
#ifdef HW_AGREEMENT
	test_hardware();
#else
	ok(1, "# SKIP hardware agreement: not x86-64 with SSE2");
#endif
	ok(native_bad == 0, "the native fp16/fp32/fp64 paths agree with the "
	    "emulation (bits, flags and markers) in %ld cases, %ld differ",
	    native_cases - native_bad, native_bad);
#ifdef HW_AGREEMENT
	for (int i = 0; i < COV_N; i++)
		ok(native_cov[i] > 0, "native fp32/fp64 + - * / compared on "
		    "%ld cases with %s", native_cov[i], cov_names[i]);
#endif
	test_native_fp16();
	test_short_literals();
	test_fp16_literals();
	test_strtod(FPV_FP32, 3000);
	test_strtod(FPV_FP64, 1500);
	test_int8();
	fpv_ctx_clear(&ctx);
	return tap_done();
}
