/*
 * fpv_num_op, and the machine paths of + - * / it tries first: IEEE
 * binary16 in integer arithmetic,
 * binary32 and binary64 on the machine's own SSE unit.  Each gives
 * exactly the bits, flags and markers of the emulation (num-float.c);
 * tests/test-num.c compares them on millions of operands and the
 * TestFloat vectors exercise them.  A format takes them when its
 * descriptor is one of those three (format.h's fast field).
 */
#include <string.h>

#include "num-impl.h"

#if defined(__x86_64__) && defined(__SSE2_MATH__)
#include <xmmintrin.h>
#endif

#if defined(__x86_64__) && defined(__SSE2_MATH__)
/*
 * The machine's own binary32/binary64 arithmetic, for + - * / of fp32
 * and fp64: x86-64 SSE implements IEEE 754 with tininess detected after
 * rounding, exactly what the emulation computes (the tests check the two
 * against each other and against TestFloat).  The rounding mode and the
 * flags are set and read in the SSE control register directly (MXCSR:
 * flags in bits 0-5, rounding in 13-14, no flush-to-zero or
 * denormals-are-zero).  Returns false when the operation is not one of
 * these.
 */
/*
 * One operation in the C type T (double or float, whose encodings are
 * W-bit integers): the result's bits in *out, the raised MXCSR flags in
 * ex.
 */
#define NATIVE_ARITH(T, W) do {						\
	volatile T a, b, r;						\
	uint##W##_t ua = (uint##W##_t)args[0], ub = (uint##W##_t)args[1], u; \
									\
	memcpy((T *)&a, &ua, sizeof ua);				\
	memcpy((T *)&b, &ub, sizeof ub);				\
	switch (op) {							\
	case FPV_OP_ADD: r = a + b; break;				\
	case FPV_OP_SUB: r = a - b; break;				\
	case FPV_OP_MUL: r = a * b; break;				\
	default: r = a / b; break;					\
	}								\
	ex = _mm_getcsr();						\
	_mm_setcsr(saved);						\
	memcpy(&u, (T *)&r, sizeof u);					\
	*out = u;							\
} while (0)

/* ilogb of the finite nonzero magnitude x (encoding without its sign)
 * of the IEEE format with frac_bits and exponent bias. */
static inline int
bits_ilogb(uint64_t x, int frac_bits, int bias)
{
	int e = (int)(x >> frac_bits);

	/* A subnormal is x * 2^(1 - bias - frac_bits). */
	return e != 0 ? e - bias : 1 - bias - frac_bits + 63 -
	    __builtin_clzll(x);
}

/*
 * The result class and the markers of r = a op b (fp32 or fp64: bits,
 * frac_bits and bias are the format's), read off the encodings as
 * fpclassify and ilogb would see the values: a NaN r becomes the
 * canonical qnan in *r; the subnormal, absorbed and cancellation flags
 * go into the returned set.
 */
static inline unsigned
native_markers(enum fpv_op op, uint64_t a, uint64_t b, uint64_t *r,
    int bits, int frac_bits, int bias, uint64_t qnan)
{
	uint64_t sign = (uint64_t)1 << (bits - 1);
	uint64_t inf = ((uint64_t)2 * (uint64_t)bias + 1) << frac_bits;
	uint64_t ma = a & ~sign, mb = b & ~sign, mr = *r & ~sign;
	unsigned fl = 0;

	if (mr > inf) {
		*r = qnan;
		return 0;
	}
	if (mr != 0 && mr < (uint64_t)1 << frac_bits)
		fl |= FPV_FLAG_SUBNORMAL;
	if ((op == FPV_OP_ADD || op == FPV_OP_SUB) && mr != inf &&
	    ma < inf && mb < inf) {
		/* r == a with b != 0, or r == nb with a != 0: r is not zero
		 * then (a +- b with one operand zero is the other), so
		 * equal values are equal bits. */
		uint64_t nb = op == FPV_OP_SUB ? b ^ sign : b;

		if ((mb != 0 && *r == a) || (ma != 0 && *r == nb))
			fl |= FPV_FLAG_ABSORBED;
		if (ma != 0 && mb != 0 && ((a ^ nb) & sign) != 0) {
			int ea = bits_ilogb(ma, frac_bits, bias);
			int eb = bits_ilogb(mb, frac_bits, bias);

			if (mr == 0 || bits_ilogb(mr, frac_bits, bias) <
			    (ea > eb ? ea : eb))
				fl |= FPV_FLAG_CANCELLATION;
		}
	}
	return fl;
}

static bool
native_op(const struct fpv_format *f, enum fpv_op op, const uint64_t *args,
    enum fpv_round rnd, uint64_t *out, unsigned *flags)
{
	/* MXCSR rounding control of nearest, zero, up, down. */
	static const unsigned rc[4] = { 0u << 13, 3u << 13, 2u << 13, 1u << 13 };
	unsigned saved, ex, fl;

	if (op > FPV_OP_DIV || (f->fast != FPV_FAST_BINARY64 &&
	    f->fast != FPV_FAST_BINARY32))
		return false;
	saved = _mm_getcsr();
	_mm_setcsr((saved & ~0xe07fu) | rc[rnd]);
	if (f->bits == 64) {
		NATIVE_ARITH(double, 64);
		fl = native_markers(op, args[0], args[1], out, 64, 52, 1023,
		    f->qnan);
	} else {
		NATIVE_ARITH(float, 32);
		fl = native_markers(op, args[0] & 0xffffffffu,
		    args[1] & 0xffffffffu, out, 32, 23, 127, f->qnan);
	}
	if (ex & 0x20) fl |= FPV_FLAG_INEXACT;
	if (ex & 0x10) fl |= FPV_FLAG_UNDERFLOW;
	if (ex & 0x08) fl |= FPV_FLAG_OVERFLOW;
	if (ex & 0x04) fl |= FPV_FLAG_DIVBYZERO;
	if (ex & 0x01) fl |= FPV_FLAG_INVALID;
	*flags |= fl;
	return true;
}
#undef NATIVE_ARITH
#else
static bool
native_op(const struct fpv_format *f, enum fpv_op op, const uint64_t *args,
    enum fpv_round rnd, uint64_t *out, unsigned *flags)
{
	(void)f; (void)op; (void)args; (void)rnd; (void)out; (void)flags;
	return false;
}
#endif

/*
 * fp16 + - * / in integers.  Every fp16 number is m * 2^k with m < 2^11
 * and -24 <= k <= 5, so a sum (aligned: fewer than 2^41), a product
 * (below 2^22) and a quotient (m_a * 2^40 / m_b, at least 2^29, with a
 * sticky remainder) are held exactly, or with a sticky bit, in 64 bits;
 * f16_round rounds that once into fp16, with the flags the emulation
 * (ieee_round_op) raises: tininess after rounding, underflow only when
 * inexact, the overflow value of each mode.  The tests check it against
 * the emulation and the TestFloat vectors.
 */
enum { F16_EMIN = -14, F16_QMIN = -24, F16_QNAN = 0x7e00 };


/* Round (m + sticky) * 2^k / 2^s, s > 0, to an integer in mode rnd;
 * *inexact tells whether anything was dropped.  (s < 64.) */
static inline uint64_t
round_shift(uint64_t m, int s, bool sticky, enum fpv_round rnd, bool neg,
    bool *inexact)
{
	uint64_t r = m >> s, rest = m & (((uint64_t)1 << s) - 1);
	uint64_t half = (uint64_t)1 << (s - 1);
	int cmp = rest > half ? 1 : rest < half ? -1 : sticky ? 1 : 0;

	*inexact = rest != 0 || sticky;
	return r + fpv_round_up_p(rnd, neg, r & 1, cmp, *inexact);
}

/* Round the nonzero (m + sticky) * 2^k into fp16 with sign neg. */
static uint64_t
f16_round(bool neg, uint64_t m, int k, bool sticky, enum fpv_round rnd,
    unsigned *flags)
{
	int ex = k + 63 - __builtin_clzll(m);	/* 2^ex <= value < 2^(ex+1) */
	int qe = ex - 10 < F16_QMIN ? F16_QMIN : ex - 10;	/* the grid */
	int s = qe - k;
	uint64_t r, bits, sign = (uint64_t)neg << 15;
	bool inexact = false;

	if (s <= 0)
		r = m << -s;		/* exact (and sticky is then false) */
	else
		r = round_shift(m, s, sticky, rnd, neg, &inexact);
	/* r counts units of 2^qe: with the hidden bit for normal numbers
	 * (a carry to 2^11 moves into the exponent by itself), the
	 * encoding for subnormal ones (2^10 being the smallest normal). */
	bits = ((uint64_t)((ex < F16_EMIN ? F16_EMIN : ex) - F16_EMIN) << 10) +
	    r;
	if (bits >= 0x7c00) {
		bool to_inf = rnd == FPV_RND_NEAREST ||
		    (rnd == FPV_RND_UP && !neg) || (rnd == FPV_RND_DOWN && neg);

		*flags |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		return sign | (to_inf ? 0x7c00 : 0x7bff);
	}
	if (inexact) {
		*flags |= FPV_FLAG_INEXACT;
		/* Tiny: below 2^-14 once rounded to 11 bits with an
		 * unbounded exponent; only just below it can that carry. */
		if (ex < F16_EMIN) {
			bool tiny = true, ign;

			if (ex == F16_EMIN - 1 && ex - 10 - k > 0)
				tiny = round_shift(m, ex - 10 - k, sticky, rnd,
				    neg, &ign) < (uint64_t)1 << 11;
			if (tiny)
				*flags |= FPV_FLAG_UNDERFLOW;
		}
	}
	if (bits != 0 && bits < 0x400)
		*flags |= FPV_FLAG_SUBNORMAL;
	return sign | bits;
}

/* The leading exponent of the finite nonzero fp16 magnitude b. */
static inline int
f16_ilogb(unsigned b)
{
	unsigned e = b >> 10;

	return e != 0 ? (int)e - 15 : F16_QMIN + 31 - __builtin_clz(b);
}

/* fp16 + - * / (op <= FPV_OP_DIV); the markers as the emulation sets them. */
static uint64_t
f16_op(enum fpv_op op, const uint64_t *args, enum fpv_round rnd,
    unsigned *flags)
{
	unsigned a = (unsigned)args[0] & 0xffff, b = (unsigned)args[1] & 0xffff;
	unsigned ma = a & 0x3ff, mb = b & 0x3ff, ea = (a >> 10) & 31,
	    eb = (b >> 10) & 31, aa = a & 0x7fff, ab = b & 0x7fff;
	bool sa = a >> 15, sb = b >> 15, neg;
	int ka, kb;

	if ((ea == 31 && ma != 0) || (eb == 31 && mb != 0)) {
		if ((ea == 31 && ma != 0 && !(ma & 0x200)) ||
		    (eb == 31 && mb != 0 && !(mb & 0x200)))
			*flags |= FPV_FLAG_INVALID;
		return F16_QNAN;
	}
	if (op == FPV_OP_ADD || op == FPV_OP_SUB) {
		bool sbe = sb ^ (op == FPV_OP_SUB);	/* effective sign of b */
		uint64_t xa, xb, m;
		unsigned r, ar;
		int k;

		if (ea == 31 || eb == 31) {
			if (ea == 31 && eb == 31 && sa != sbe) {
				*flags |= FPV_FLAG_INVALID;
				return F16_QNAN;
			}
			return ea == 31 ? a : ((unsigned)sbe << 15) | 0x7c00;
		}
		ka = ea != 0 ? (int)ea - 25 : F16_QMIN;
		kb = eb != 0 ? (int)eb - 25 : F16_QMIN;
		xa = ea != 0 ? ma | 0x400 : ma;
		xb = eb != 0 ? mb | 0x400 : mb;
		k = ka < kb ? ka : kb;
		xa <<= ka - k;
		xb <<= kb - k;
		if (sa == sbe) {
			m = xa + xb;
			neg = sa;
		} else if (xa >= xb) {
			m = xa - xb;
			neg = sa;
		} else {
			m = xb - xa;
			neg = sbe;
		}
		if (m == 0)		/* exact zero: its sign by IEEE 754 */
			r = (sa == sbe ? sa : rnd == FPV_RND_DOWN) ? 0x8000 : 0;
		else
			r = (unsigned)f16_round(neg, m, k, false, rnd, flags);
		ar = r & 0x7fff;
		if (ar >= 0x7c00)
			return r;	/* overflowed to infinity: no markers */
		/* Cancellation: an effective subtraction of nonzero operands
		 * whose result fell below the larger exponent. */
		if (aa != 0 && ab != 0 && sa != sbe && (ar == 0 ||
		    f16_ilogb(ar) < (f16_ilogb(aa) > f16_ilogb(ab) ?
		    f16_ilogb(aa) : f16_ilogb(ab))))
			*flags |= FPV_FLAG_CANCELLATION;
		/* Absorbed: r == a with b != 0, or r == +-b with a != 0. */
		if ((ab != 0 && (r == a || (ar == 0 && aa == 0))) ||
		    (aa != 0 && ar == ab &&
		    (((r >> 15) == sb) == (op == FPV_OP_ADD))))
			*flags |= FPV_FLAG_ABSORBED;
		return r;
	}
	neg = sa ^ sb;
	if (op == FPV_OP_MUL) {
		if (ea == 31 || eb == 31) {
			if (aa == 0 || ab == 0) {
				*flags |= FPV_FLAG_INVALID;
				return F16_QNAN;
			}
			return ((unsigned)neg << 15) | 0x7c00;
		}
		if (aa == 0 || ab == 0)
			return (unsigned)neg << 15;
		ka = ea != 0 ? (int)ea - 25 : F16_QMIN;
		kb = eb != 0 ? (int)eb - 25 : F16_QMIN;
		return f16_round(neg, (uint64_t)(ea != 0 ? ma | 0x400 : ma) *
		    (eb != 0 ? mb | 0x400 : mb), ka + kb, false, rnd, flags);
	}
	/* Division. */
	if (ea == 31) {
		if (eb == 31) {
			*flags |= FPV_FLAG_INVALID;
			return F16_QNAN;
		}
		return ((unsigned)neg << 15) | 0x7c00;
	}
	if (eb == 31)
		return (unsigned)neg << 15;
	if (ab == 0) {
		if (aa == 0) {
			*flags |= FPV_FLAG_INVALID;
			return F16_QNAN;
		}
		*flags |= FPV_FLAG_DIVBYZERO;
		return ((unsigned)neg << 15) | 0x7c00;
	}
	if (aa == 0)
		return (unsigned)neg << 15;
	{
		uint64_t xa = ea != 0 ? ma | 0x400 : ma;
		uint64_t xb = eb != 0 ? mb | 0x400 : mb;
		uint64_t n = xa << 40;

		ka = ea != 0 ? (int)ea - 25 : F16_QMIN;
		kb = eb != 0 ? (int)eb - 25 : F16_QMIN;
		return f16_round(neg, n / xb, ka - kb - 40, n % xb != 0, rnd,
		    flags);
	}
}

/*
 * Apply op to encoded operands: the numeric core's entry for operations,
 * here beside the machine paths it tries first (so that they inline).
 */
uint64_t
fpv_num_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags)
{
	uint64_t out;

	if (f->kind == FPV_KIND_INT)
		return op >= FPV_OP_NEXTUP ? fpv_num_next(c, f, op, args[0],
		    flags) : fpv_grid_op(c, f, op, args, flags);
	if (f->fast != FPV_FAST_NONE && op <= FPV_OP_DIV && !c->emulate_only &&
	    c->round != FPV_RND_STOCHASTIC) {
		if (f->fast == FPV_FAST_BINARY16)
			return f16_op(op, args, c->round, flags);
		if (native_op(f, op, args, c->round, &out, flags))
			return out;
	}
	if (op >= FPV_OP_NEXTUP)
		return fpv_num_next(c, f, op, args[0], flags);
	return fpv_float_op(c, f, op, args, flags);
}
