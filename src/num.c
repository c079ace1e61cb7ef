/*
 * The numeric core: correctly rounded operations on encodings.
 *
 * IEEE formats.  An operation is computed by MPFR directly at the
 * format's precision p with an unbounded exponent, which gives the
 * result "rounded as if the exponent range were unbounded" that IEEE 754
 * uses to define overflow and (after-rounding) tininess.  When that
 * result is below the normal range, the operation is computed again from
 * its exact operands at the coarser precision of the subnormal grid, so
 * the subnormal result too is rounded once.  No exponent range is ever
 * changed: MPFR's global state is left alone apart from its flags.
 *
 * Integer grid.  A stored q means scale * (q - zero_point), an exact
 * rational.  Rational operations (+ - * / fma, min, max, literals) are
 * done in GMP rationals and requantized exactly; other functions go
 * through an MPFR approximation rounded to odd, which an integer rounding
 * cannot round twice.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fpviz/num.h"

#if defined(__x86_64__) && defined(__SSE2_MATH__)
#include <xmmintrin.h>
#endif

/* ORDER FLAG */
const char *const fpv_flag_names[FPV_FLAG_COUNT] = {
	"inexact", "underflow", "overflow", "divbyzero", "invalid",
	"subnormal", "absorbed", "cancellation", "saturated", "wrapped"
};

const char *const fpv_round_names[4] = { "nearest", "zero", "up", "down" };

/* ORDER OP */
const struct fpv_op_info fpv_ops[FPV_OP_COUNT] = {
	[FPV_OP_ADD] = { "add", "+", 2, false },
	[FPV_OP_SUB] = { "sub", "-", 2, false },
	[FPV_OP_MUL] = { "mul", "*", 2, false },
	[FPV_OP_DIV] = { "div", "/", 2, false },
	[FPV_OP_POW] = { "pow", "^", 2, true },
	[FPV_OP_NEG] = { "neg", "-", 1, false },
	[FPV_OP_SQRT] = { "sqrt", NULL, 1, true },
	[FPV_OP_ABS] = { "abs", NULL, 1, true },
	[FPV_OP_EXP] = { "exp", NULL, 1, true },
	[FPV_OP_LOG] = { "log", NULL, 1, true },
	[FPV_OP_LOG2] = { "log2", NULL, 1, true },
	[FPV_OP_LOG10] = { "log10", NULL, 1, true },
	[FPV_OP_SIN] = { "sin", NULL, 1, true },
	[FPV_OP_COS] = { "cos", NULL, 1, true },
	[FPV_OP_TAN] = { "tan", NULL, 1, true },
	[FPV_OP_TANH] = { "tanh", NULL, 1, true },
	[FPV_OP_FMA] = { "fma", NULL, 3, true },
	[FPV_OP_MIN] = { "min", NULL, 2, true },
	[FPV_OP_MAX] = { "max", NULL, 2, true },
	[FPV_OP_FLOOR] = { "floor", NULL, 1, true },
	[FPV_OP_CEIL] = { "ceil", NULL, 1, true },
	[FPV_OP_ROUND] = { "round", NULL, 1, true },
};

/* Pseudo-operations: rounding a value that is already known. */
enum { OP_SET = FPV_OP_COUNT, OP_SETQ };

/* The operands of one computation: MPFR values, or one rational. */
struct operands {
	mpfr_srcptr a[3];
	mpq_srcptr q;
};

/* Scratch MPFR numbers on the stack, for precisions up to 128 bits. */
#define SCRATCH_LIMBS 2
struct scratch {
	mp_limb_t limbs[SCRATCH_LIMBS];
	mpfr_t x;
};

/* Make s an MPFR number of precision prec (<= 128) backed by its limbs. */
static mpfr_ptr
scratch_init(struct scratch *s, mpfr_prec_t prec)
{
	mpfr_custom_init(s->limbs, prec);
	mpfr_custom_init_set(s->x, MPFR_ZERO_KIND, 0, prec, s->limbs);
	return s->x;
}

/* Parse a rounding mode name. */
int
fpv_round_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, fpv_round_names[i]) == 0)
			return i;
	return -1;
}

/* The MPFR rounding mode for r. */
mpfr_rnd_t
fpv_round_mpfr(enum fpv_round r)
{
	static const mpfr_rnd_t map[4] = {
		MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD
	};
	return map[r];
}

/* Look up a callable function by name. */
int
fpv_op_by_name(const char *name, size_t len)
{
	for (int i = 0; i < FPV_OP_COUNT; i++)
		if (fpv_ops[i].callable && strlen(fpv_ops[i].name) == len &&
		    memcmp(fpv_ops[i].name, name, len) == 0)
			return i;
	return -1;
}

/* ---- Real numbers from text ---------------------------------------- */

/* Round-to-odd fixup of a value truncated toward zero with ternary t. */
void
fpv_real_make_odd(mpfr_ptr x, int t)
{
	mpfr_prec_t prec = mpfr_get_prec(x);
	mp_limb_t *mp = mpfr_custom_get_significand(x);
	unsigned lsb;

	if (t == 0 || !mpfr_regular_p(x))
		return;
	lsb = (unsigned)((mp[0] >> ((mpfr_prec_t)mp_bits_per_limb *
	    ((prec + mp_bits_per_limb - 1) / mp_bits_per_limb) - prec)) & 1);
	if (lsb == 0) {
		if (mpfr_sgn(x) > 0)
			mpfr_nextabove(x);
		else
			mpfr_nextbelow(x);
	}
}

/* 10^k for 0 <= k <= 19 (10^19 < 2^64). */
static const uint64_t pow10_u64[20] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
	100000000u, 1000000000u, 10000000000u, 100000000000u,
	1000000000000u, 10000000000000u, 100000000000000u,
	1000000000000000u, 10000000000000000u, 100000000000000000u,
	1000000000000000000u, 10000000000000000000u
};

/*
 * Split a short decimal literal into m * 10^e: at most 19 significant
 * digits and |e| <= 19.  Returns false for anything else (hex, longer
 * or larger literals), which the callers then treat in full.
 */
static bool
short_decimal(const char *s, size_t len, uint64_t *mp, int *ep)
{
	const char *p = s, *end = s + len, *dot = NULL, *first = NULL;
	uint64_t m = 0;
	int e, digits;

	/* Leading zeros (and the point among them) carry no digits. */
	for (; p < end; p++) {
		if (*p == '0')
			continue;
		if (*p == '.' && dot == NULL) {
			dot = p;
			continue;
		}
		break;
	}
	first = p;
	for (; p < end; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';

		if (d > 9) {
			if (*p == '.' && dot == NULL) {
				dot = p;
				continue;
			}
			break;
		}
		m = m * 10 + d;
	}
	/* first..p holds the significant digits and maybe the point. */
	digits = (int)(p - first) - (dot != NULL && dot >= first);
	if (digits > 19 || (p == s + (dot != NULL)))
		return false;		/* too long, or no digit at all */
	/* Digits after the point scale by 10^-1 each. */
	e = dot == NULL ? 0 : -(int)(p - dot - 1);
	if (p < end) {
		int sign = 1, v = 0;

		if ((*p != 'e' && *p != 'E') || ++p >= end)
			return false;
		if (*p == '+' || *p == '-')
			sign = *p++ == '-' ? -1 : 1;
		if (p >= end)
			return false;
		for (; p < end; p++) {
			unsigned d = (unsigned)(unsigned char)*p - '0';

			if (d > 9 || v > 100)
				return false;
			v = 10 * v + (int)d;
		}
		e += sign * v;
	}
	if (m == 0)
		e = 0;
	if (e > 19 || e < -19)
		return false;
	*mp = m;
	*ep = e;
	return true;
}

/* (hi * 2^64 + lo) / d and its remainder; hi < d. */
static inline uint64_t
div_2by1(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__) && defined(__GNUC__)
	uint64_t q, r;

	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
	*rem = r;
	return q;
#else
	unsigned __int128 n = ((unsigned __int128)hi << 64) | lo;

	*rem = (uint64_t)(n % d);
	return (uint64_t)(n / d);
#endif
}

/*
 * The common literal m * 10^e of short_decimal rounded to odd at 256 bits
 * (4 limbs of x, whose precision must be exactly that, else false),
 * written directly:
 * m * 10^e for e >= 0 is an exact 128-bit product; for e < 0 the long
 * division m * 2^320 / 10^-e gives more than 256 quotient bits, whose top
 * 256 are the truncated value (MPFR's RNDZ) and whose dropped bits and
 * remainder make the sticky bit, the round-to-odd last bit.  *t is the
 * ternary MPFR's RNDZ gives: 0 if exact, else -1.
 */
static bool
decimal_fast(mpfr_ptr x, uint64_t m, int e, int *t)
{
	uint64_t q[6], r, sig[4];
	mp_limb_t *mp;
	int top, lz;
	long ex;
	bool sticky;

	if (mp_bits_per_limb != 64 || mpfr_get_prec(x) != 256)
		return false;
	if (m == 0) {
		mpfr_set_zero(x, 1);
		*t = 0;
		return true;
	}
	if (e >= 0) {
		unsigned __int128 v = (unsigned __int128)m * pow10_u64[e];

		q[1] = (uint64_t)(v >> 64);
		q[0] = (uint64_t)v;
		top = q[1] != 0;
		lz = __builtin_clzll(q[top]);
		/* v = 0.1... * 2^(bit length of v) */
		ex = 64 * (top + 1) - lz;
		if (top) {
			sig[3] = lz ? q[1] << lz | q[0] >> (64 - lz) : q[1];
			sig[2] = q[0] << lz;
		} else {
			sig[3] = q[0] << lz;
			sig[2] = 0;
		}
		sig[1] = sig[0] = 0;
		sticky = false;
	} else {
		uint64_t p = pow10_u64[-e];

		/* q = floor(m * 2^320 / p) >= 2^256, in 6 limbs. */
		q[5] = m / p;
		r = m % p;
		for (int i = 4; i >= 0; i--)
			q[i] = div_2by1(r, 0, p, &r);
		top = q[5] != 0 ? 5 : 4;
		lz = __builtin_clzll(q[top]);
		ex = 64 * (top + 1) - lz - 320;
		/* The top 256 bits from the leading one, then what is left. */
		for (int i = 0; i < 4; i++) {
			int k = top - i;

			sig[3 - i] = lz ? q[k] << lz | q[k - 1] >> (64 - lz) :
			    q[k];
		}
		sticky = r != 0 || (q[top - 4] << lz) != 0;
		if (top == 5)
			sticky |= q[0] != 0;
	}
	if (sticky)
		sig[0] |= 1;		/* round to odd */
	mp = mpfr_custom_get_significand(x);
	for (int i = 0; i < 4; i++)
		mp[i] = sig[i];
	mpfr_custom_init_set(x, MPFR_REGULAR_KIND, ex, 256, mp);
	*t = sticky ? -1 : 0;
	return true;
}

/*
 * Parse a literal's text into x rounded to odd (fpv_real_from_text); r, if
 * not NULL, gets the short decimal form of the text (the dec_ fields).
 */
static int
real_from_text(mpfr_ptr x, const char *text, size_t len, struct fpv_real *r)
{
	char small[128], *buf = small, *end;
	uint64_t m = 0;
	int e = 0, t;
	/* Only text starting with a digit or a point can be a short decimal. */
	bool dec = len > 0 && ((unsigned)(unsigned char)text[0] - '0' <= 9 ||
	    text[0] == '.') && short_decimal(text, len, &m, &e);

	if (r != NULL) {
		r->dec_known = true;
		r->dec_short = dec;
		r->dec_m = m;
		r->dec_e = e;
	}
	/* Ordinary short decimals straight from the text. */
	if (dec && decimal_fast(x, m, e, &t))
		return t;
	if (len >= sizeof small && (buf = malloc(len + 1)) == NULL)
		return -2;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((buf[0] | 0x20) == 'i' && (strcasecmp(buf, "inf") == 0 ||
	    strcasecmp(buf, "infinity") == 0)) {
		mpfr_set_inf(x, 1);
		t = 0;
	} else if ((buf[0] | 0x20) == 'n' && strcasecmp(buf, "nan") == 0) {
		mpfr_set_nan(x);
		t = 0;
	} else {
		mpfr_clear_flags();
		t = mpfr_strtofr(x, buf, &end, 0, MPFR_RNDZ);
		if (*end != '\0' || end == buf) {
			t = -2;
		} else if (mpfr_overflow_p() || mpfr_inf_p(x)) {
			/* Beyond MPFR's range: stand in the largest number. */
			mpfr_set_inf(x, 1);
			mpfr_nextbelow(x);
			t = 1;
		} else if (mpfr_underflow_p()) {
			mpfr_set_zero(x, 1);
			mpfr_nextabove(x);
			t = 1;
		} else {
			fpv_real_make_odd(x, t);
		}
	}
	if (buf != small)
		free(buf);
	return t;
}

/* Parse a literal's text into x rounded to odd. */
int
fpv_real_from_text(mpfr_ptr x, const char *text, size_t len)
{
	return real_from_text(x, text, len, NULL);
}

/* Parse a literal's text into x and describe it in *r. */
int
fpv_real_parse(struct fpv_real *r, mpfr_ptr x, const char *text, size_t len)
{
	*r = (struct fpv_real){ .approx = x, .text = text, .len = len };
	r->inexact = real_from_text(x, text, len, r);
	return r->inexact;
}

/* ---- IEEE encodings ------------------------------------------------- */

static inline int
ieee_emin(const struct fpv_format *f)
{
	return 1 - f->emax;
}

/* Decode an IEEE encoding exactly into x (precision >= format's). */
static void
ieee_decode(const struct fpv_format *f, uint64_t b, mpfr_ptr x)
{
	int sign = fpv_bits_sign(f, b);
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;

	if (e == emask) {
		if (m == 0)
			mpfr_set_inf(x, sign ? -1 : 1);
		else
			mpfr_set_nan(x);
		return;
	}
	if (e == 0 && m == 0) {
		mpfr_set_zero(x, sign ? -1 : 1);
		return;
	}
	if (e == 0)
		mpfr_set_ui_2exp(x, m, ieee_emin(f) - f->frac_bits, MPFR_RNDN);
	else
		mpfr_set_ui_2exp(x, m | ((uint64_t)1 << f->frac_bits),
		    (long)e - f->emax - f->frac_bits, MPFR_RNDN);
	if (sign)
		mpfr_neg(x, x, MPFR_RNDN);
}

/* Decode an IEEE encoding into a scratch number of the format's precision,
 * building MPFR's representation directly. */
static mpfr_ptr
scratch_decode(struct scratch *s, const struct fpv_format *f, uint64_t b)
{
	int p = fpv_format_prec(f), sign = fpv_bits_sign(f, b) ? -1 : 1;
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
	long k;
	int lz;

	mpfr_custom_init(s->limbs, p);
	if (e == emask) {
		mpfr_custom_init_set(s->x, m ? MPFR_NAN_KIND :
		    sign * MPFR_INF_KIND, 0, p, s->limbs);
		return s->x;
	}
	if (e == 0 && m == 0) {
		mpfr_custom_init_set(s->x, sign * MPFR_ZERO_KIND, 0, p,
		    s->limbs);
		return s->x;
	}
	if (e == 0) {
		k = ieee_emin(f) - f->frac_bits;
	} else {
		m |= (uint64_t)1 << f->frac_bits;
		k = (long)e - f->emax - f->frac_bits;
	}
	/* value = m * 2^k = 0.1... * 2^(k + bit length of m) */
	lz = __builtin_clzll(m);
	s->limbs[0] = m << lz;
	s->limbs[1] = 0;
	mpfr_custom_init_set(s->x, sign * MPFR_REGULAR_KIND, k + 64 - lz, p,
	    s->limbs);
	return s->x;
}

/* Encode x, a value representable in f (or NaN/inf/zero). */
static uint64_t
ieee_encode(const struct fpv_format *f, mpfr_srcptr x)
{
	uint64_t sign = (uint64_t)(mpfr_signbit(x) ? 1 : 0) << (f->bits - 1);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
	mpfr_prec_t prec = mpfr_get_prec(x);
	const mp_limb_t *mp;
	uint64_t top, mant;
	long e, E;

	if (mpfr_nan_p(x))
		return f->qnan;
	if (mpfr_inf_p(x))
		return sign | (emask << f->frac_bits);
	if (mpfr_zero_p(x))
		return sign;
	/* The top limb holds the significand, most significant bit first;
	 * x has at most 64 significant bits, all in that limb. */
	mp = mpfr_custom_get_significand(x);
	top = mp[(prec - 1) / mp_bits_per_limb];
	e = mpfr_get_exp(x);		/* x = 0.1... * 2^e */
	E = e - 1;			/* x = 1.... * 2^E */
	if (E >= ieee_emin(f)) {
		mant = top >> (64 - (f->frac_bits + 1));
		return sign | ((uint64_t)(E + f->emax) << f->frac_bits) |
		    (mant & (((uint64_t)1 << f->frac_bits) - 1));
	}
	/* Subnormal: the significand relative to 2^(emin - frac_bits). */
	mant = top >> (64 - (e - ieee_emin(f) + f->frac_bits));
	return sign | mant;
}

/* Evaluate op on o into r, rounded to r's precision by rnd. */
static int
compute(int op, mpfr_ptr r, const struct operands *o, mpfr_rnd_t rnd)
{
	mpfr_srcptr a = o->a[0], b = o->a[1], c = o->a[2];

	switch (op) {
	case FPV_OP_ADD:	return mpfr_add(r, a, b, rnd);
	case FPV_OP_SUB:	return mpfr_sub(r, a, b, rnd);
	case FPV_OP_MUL:	return mpfr_mul(r, a, b, rnd);
	case FPV_OP_DIV:	return mpfr_div(r, a, b, rnd);
	case FPV_OP_POW:	return mpfr_pow(r, a, b, rnd);
	case FPV_OP_NEG:	return mpfr_neg(r, a, rnd);
	case FPV_OP_SQRT:	return mpfr_sqrt(r, a, rnd);
	case FPV_OP_ABS:	return mpfr_abs(r, a, rnd);
	case FPV_OP_EXP:	return mpfr_exp(r, a, rnd);
	case FPV_OP_LOG:	return mpfr_log(r, a, rnd);
	case FPV_OP_LOG2:	return mpfr_log2(r, a, rnd);
	case FPV_OP_LOG10:	return mpfr_log10(r, a, rnd);
	case FPV_OP_SIN:	return mpfr_sin(r, a, rnd);
	case FPV_OP_COS:	return mpfr_cos(r, a, rnd);
	case FPV_OP_TAN:	return mpfr_tan(r, a, rnd);
	case FPV_OP_TANH:	return mpfr_tanh(r, a, rnd);
	case FPV_OP_FMA:	return mpfr_fma(r, a, b, c, rnd);
	case FPV_OP_MIN:	return mpfr_min(r, a, b, rnd);
	case FPV_OP_MAX:	return mpfr_max(r, a, b, rnd);
	case FPV_OP_FLOOR:	return mpfr_rint_floor(r, a, rnd);
	case FPV_OP_CEIL:	return mpfr_rint_ceil(r, a, rnd);
	case FPV_OP_ROUND:	return mpfr_rint_round(r, a, rnd);
	case OP_SET:		return mpfr_set(r, a, rnd);
	case OP_SETQ:		return mpfr_set_q(r, o->q, rnd);
	}
	abort();
}

/* The overflowed result of sign s in mode rnd: infinity or the maximum. */
static void
ieee_overflow_value(const struct fpv_format *f, mpfr_ptr r, int negative,
    mpfr_rnd_t rnd)
{
	bool to_inf = rnd == MPFR_RNDN ||
	    (rnd == MPFR_RNDU && !negative) || (rnd == MPFR_RNDD && negative);

	if (to_inf) {
		mpfr_set_inf(r, negative ? -1 : 1);
		return;
	}
	/* (2 - 2^-frac_bits) * 2^emax, exact in p bits. */
	mpfr_set_ui_2exp(r, ((uint64_t)1 << (f->frac_bits + 1)) - 1,
	    f->emax - f->frac_bits, MPFR_RNDN);
	if (negative)
		mpfr_neg(r, r, MPFR_RNDN);
}

/*
 * Round op(o) into the IEEE format f: the heart of the emulation.
 * nan_in: some operand is NaN; inf_in: some operand is infinite.
 */
static uint64_t
ieee_round_op(const struct fpv_format *f, int op, const struct operands *o,
    bool nan_in, bool inf_in, mpfr_rnd_t rnd, unsigned *flags)
{
	int p = fpv_format_prec(f), emin = ieee_emin(f);
	struct scratch rs;
	mpfr_ptr r = scratch_init(&rs, p);
	bool tiny = false;
	uint64_t bits;
	int t;
	long E;

	/* Operands of a format are within 2^+-2^16, so arithmetic on them
	 * stays far inside MPFR's exponent range; only the transcendental
	 * functions and rounding a literal's stand-in can leave it. */
	bool ranged = op == OP_SET || op == FPV_OP_POW || op == FPV_OP_EXP;
	bool movf = false, munf = false;

	if (ranged)
		mpfr_clear_flags();
	t = compute(op, r, o, rnd);
	if (ranged) {
		movf = mpfr_overflow_p() != 0;
		munf = mpfr_underflow_p() != 0;
	}
	if (mpfr_nan_p(r)) {
		if (!nan_in)
			*flags |= FPV_FLAG_INVALID;
		return f->qnan;
	}
	if (movf || (mpfr_regular_p(r) && mpfr_get_exp(r) - 1 > f->emax)) {
		*flags |= FPV_FLAG_OVERFLOW | FPV_FLAG_INEXACT;
		ieee_overflow_value(f, r, mpfr_signbit(r), rnd);
		return ieee_encode(f, r);
	}
	if (mpfr_inf_p(r)) {
		if (!inf_in && !nan_in)
			*flags |= FPV_FLAG_DIVBYZERO;
		return ieee_encode(f, r);
	}
	if (munf) {
		/* Far below the subnormals: MPFR itself underflowed. */
		tiny = true;
		E = LONG_MIN;
	} else {
		E = mpfr_regular_p(r) ? mpfr_get_exp(r) - 1 : 0;
		tiny = mpfr_regular_p(r) && E < emin;
	}
	if (tiny) {
		/* Round again from the operands onto the subnormal grid,
		 * whose spacing is 2^(emin - frac_bits). */
		long q = E == LONG_MIN ? -1 : E - (emin - f->frac_bits) + 1;
		int negative = mpfr_signbit(r);

		if (q >= 1) {
			r = scratch_init(&rs, q);
			t = compute(op, r, o, rnd);
		} else {
			/* Below the smallest subnormal: 0 or the smallest
			 * subnormal.  In nearest mode, more than half of the
			 * smallest subnormal goes up; exactly half ties to 0. */
			bool up;

			if (rnd == MPFR_RNDN)
				up = q == 0 && (mpfr_cmp_si_2exp(r,
				    negative ? -1 : 1, emin - f->frac_bits - 1) != 0 ||
				    (negative ? t > 0 : t < 0));
			else
				up = (rnd == MPFR_RNDU && !negative) ||
				    (rnd == MPFR_RNDD && negative);
			if (up)
				mpfr_set_si_2exp(r, negative ? -1 : 1,
				    emin - f->frac_bits, MPFR_RNDN);
			else
				mpfr_set_zero(r, negative ? -1 : 1);
			t = 1;
		}
		if (t != 0)
			*flags |= FPV_FLAG_UNDERFLOW;
	}
	if (t != 0)
		*flags |= FPV_FLAG_INEXACT;
	bits = ieee_encode(f, r);
	if (fpv_bits_class(f, bits) == FPV_CLASS_SUBNORMAL)
		*flags |= FPV_FLAG_SUBNORMAL;
	return bits;
}

/* ---- The integer grid ----------------------------------------------- */

/* q as a signed value from its two's complement bits. */
static long
int_q(const struct fpv_format *f, uint64_t b)
{
	uint64_t m = fpv_format_mask(f);

	b &= m;
	if (b >> (f->bits - 1))
		return (long)b - (long)(m + 1);
	return (long)b;
}

/* The exact value scale * (q - zero_point) of an int encoding. */
static void
int_value(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    mpq_ptr v)
{
	mpq_set_si(v, int_q(f, b) - c->int8_zero_point, 1);
	mpq_mul(v, v, c->int8_scale);
}


/*
 * The fast path of the integer grid: when the scale is a ratio of small
 * integers sn/sd, every value is scale * k for a small integer k, and
 * requantizing a rational operation is one division of 128-bit integers.
 */
typedef __int128 i128;

/* Saturate or wrap n (already offset by the zero point). */
static uint64_t
int_store_small(const struct fpv_ctx *c, const struct fpv_format *f, i128 n,
    unsigned *flags)
{
	if (n > f->qmax || n < f->qmin) {
		if (c->int8_overflow == FPV_OVF_WRAP) {
			*flags |= FPV_FLAG_WRAPPED | FPV_FLAG_INEXACT;
			return (uint64_t)(n & (i128)fpv_format_mask(f));
		}
		*flags |= FPV_FLAG_SATURATED | FPV_FLAG_INEXACT;
		n = n > 0 ? f->qmax : f->qmin;
	}
	return (uint64_t)(int64_t)n & fpv_format_mask(f);
}

/* Saturate or wrap the integer n (already offset by the zero point). */
static uint64_t
int_store(const struct fpv_ctx *c, const struct fpv_format *f, mpz_srcptr n,
    unsigned *flags)
{
	i128 v;

	if (mpz_fits_slong_p(n))
		v = mpz_get_si(n);
	else		/* far out of range: keep the sign and the residue */
		v = (i128)mpz_fdiv_ui(n, 1ul << f->bits) +
		    (mpz_sgn(n) > 0 ? 1 : -1) * ((i128)1 << 62);
	return int_store_small(c, f, v, flags);
}

/* Does mode rnd round the kept part up, given the dropped part (above,
 * at or below half: cmp > 0, = 0, < 0; nonzero: inexact)? */
static inline bool
round_up_p(enum fpv_round rnd, bool neg, bool odd, int cmp, bool inexact)
{
	switch (rnd) {
	case FPV_RND_NEAREST:
		return cmp > 0 || (cmp == 0 && odd);
	case FPV_RND_UP:
		return inexact && !neg;
	case FPV_RND_DOWN:
		return inexact && neg;
	default:
		return false;
	}
}

/* num / den (den > 0) rounded to an integer in mode rnd. */
static i128
round_div(i128 num, i128 den, enum fpv_round rnd, bool *inexact)
{
	i128 q, r, fl, rem;

	/* Most operands fit in 64 bits, whose division is far cheaper. */
	if (num >= -(i128)INT64_MAX && num <= INT64_MAX && den <= INT64_MAX) {
		q = (int64_t)num / (int64_t)den;
		r = (int64_t)num % (int64_t)den;
	} else {
		q = num / den;
		r = num % den;
	}
	*inexact = r != 0;
	if (r == 0 || rnd == FPV_RND_ZERO)
		return q;
	fl = r < 0 ? q - 1 : q;		/* floor */
	rem = r < 0 ? r + den : r;	/* num - fl * den, in (0, den) */
	return fl + round_up_p(rnd, false, fl & 1,
	    rem > den - rem ? 1 : rem < den - rem ? -1 : 0, true);
}

/* Requantize v / scale = num / den (den != 0) on the fast path. */
static uint64_t
int_quantize_small(const struct fpv_ctx *c, const struct fpv_format *f,
    i128 num, i128 den, unsigned *flags)
{
	bool inexact;
	i128 n;

	if (den < 0) {
		num = -num;
		den = -den;
	}
	n = round_div(num, den, c->round, &inexact);
	if (inexact)
		*flags |= FPV_FLAG_INEXACT;
	if (n == 0 && num != 0)
		*flags |= FPV_FLAG_UNDERFLOW;
	return int_store_small(c, f, n + c->int8_zero_point, flags);
}

/*
 * A decimal literal m * 10^e (r's text, as fpv_real_parse found it or
 * read now) as num / den over the scale, when it fits in 128-bit
 * arithmetic; false otherwise.
 */
static bool
text_small(const struct fpv_ctx *c, const struct fpv_real *r, i128 *num,
    i128 *den)
{
	uint64_t m;
	int e;

	if (r->dec_known) {
		if (!r->dec_short)
			return false;
		m = r->dec_m;
		e = r->dec_e;
	} else if (!short_decimal(r->text, r->len, &m, &e)) {
		return false;
	}
	/* m < 10^18 < 2^60 and sn, sd < 2^31; 10^10 < 2^34, 10^18 < 2^60:
	 * every product stays below 2^126. */
	if (m >= 1000000000000000000u || e > 10 || e < -18)
		return false;
	i128 p = (i128)pow10_u64[e < 0 ? -e : e];

	*num = (i128)m * c->int8_sd * (e > 0 ? p : 1);
	*den = (i128)c->int8_sn * (e < 0 ? p : 1);
	if (r->negative)
		*num = -*num;
	return true;
}

/* Round the rational x to an integer in mode rnd (ties to even). */
static void
round_q_to_z(mpz_ptr n, mpq_srcptr x, enum fpv_round rnd)
{
	mpz_t r;

	switch (rnd) {
	case FPV_RND_ZERO:
		mpz_tdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_UP:
		mpz_cdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_DOWN:
		mpz_fdiv_q(n, mpq_numref(x), mpq_denref(x));
		return;
	case FPV_RND_NEAREST:
		break;
	}
	mpz_init(r);
	mpz_fdiv_qr(n, r, mpq_numref(x), mpq_denref(x));
	mpz_mul_2exp(r, r, 1);
	int cmp = mpz_cmp(r, mpq_denref(x));
	if (cmp > 0 || (cmp == 0 && mpz_odd_p(n)))
		mpz_add_ui(n, n, 1);
	mpz_clear(r);
}

/* Quantize the exact rational value v: q = round(v / scale) + zero_point. */
static uint64_t
int_quantize_q(const struct fpv_ctx *c, const struct fpv_format *f,
    mpq_srcptr v, unsigned *flags)
{
	mpq_t x;
	mpz_t n;
	uint64_t b;

	mpq_init(x);
	mpz_init(n);
	mpq_div(x, v, c->int8_scale);
	round_q_to_z(n, x, c->round);
	if (mpz_cmp(n, mpq_numref(x)) != 0 || mpz_cmp_ui(mpq_denref(x), 1) != 0)
		*flags |= FPV_FLAG_INEXACT;
	if (mpz_sgn(n) == 0 && mpq_sgn(v) != 0)
		*flags |= FPV_FLAG_UNDERFLOW;
	if (c->int8_zero_point >= 0)
		mpz_add_ui(n, n, (unsigned long)c->int8_zero_point);
	else
		mpz_sub_ui(n, n, (unsigned long)-c->int8_zero_point);
	b = int_store(c, f, n, flags);
	mpz_clear(n);
	mpq_clear(x);
	return b;
}

/* The end of the range with the sign of negative (x/0, +-inf). */
static uint64_t
int_range_end(const struct fpv_format *f, int negative)
{
	return (uint64_t)(negative ? f->qmin : f->qmax) & fpv_format_mask(f);
}

/* The encoding of the value 0 (q = zero point). */
static uint64_t
int_zero(const struct fpv_ctx *c, const struct fpv_format *f)
{
	return (uint64_t)c->int8_zero_point & fpv_format_mask(f);
}

/*
 * Quantize a real given as an MPFR value: exact (then as a rational) or
 * an approximation rounded to odd, which v / scale keeps close enough
 * that rounding to an integer is never wrong.
 */
static uint64_t
int_quantize_fr(const struct fpv_ctx *c, const struct fpv_format *f,
    mpfr_srcptr v, bool exact, bool inf_in, unsigned *flags)
{
	uint64_t b;

	if (mpfr_nan_p(v)) {
		*flags |= FPV_FLAG_INVALID;
		return int_zero(c, f);
	}
	if (mpfr_inf_p(v)) {
		*flags |= inf_in ? FPV_FLAG_SATURATED | FPV_FLAG_INEXACT :
		    FPV_FLAG_DIVBYZERO;
		return int_range_end(f, mpfr_signbit(v));
	}
	if (exact) {
		mpq_t q;

		mpq_init(q);
		mpfr_get_q(q, v);
		b = int_quantize_q(c, f, q, flags);
		mpq_clear(q);
		return b;
	}
	{
		mpfr_t x, n;
		mpz_t z;
		int t;

		mpfr_inits2(FPV_EXACT_PREC + 64, x, n, (mpfr_ptr)0);
		mpz_init(z);
		t = mpfr_div(x, v, c->int8_scale_fr, MPFR_RNDZ);
		fpv_real_make_odd(x, t);
		if (mpfr_cmpabs_ui(x, 1u << 20) > 0) {
			/* Far out of range: only the sign matters. */
			mpz_set_si(z, mpfr_sgn(x) > 0 ? 1L << 20 : -(1L << 20));
		} else {
			mpfr_rint(n, x, fpv_round_mpfr(c->round));
			mpfr_get_z(z, n, MPFR_RNDN);
		}
		*flags |= FPV_FLAG_INEXACT;
		if (mpz_sgn(z) == 0)
			*flags |= FPV_FLAG_UNDERFLOW;
		if (c->int8_zero_point >= 0)
			mpz_add_ui(z, z, (unsigned long)c->int8_zero_point);
		else
			mpz_sub_ui(z, z, (unsigned long)-c->int8_zero_point);
		b = int_store(c, f, z, flags);
		mpz_clear(z);
		mpfr_clears(x, n, (mpfr_ptr)0);
		return b;
	}
}

/* Is op rational: computable exactly on rationals? */
static bool
op_rational(int op)
{
	switch (op) {
	case FPV_OP_ADD: case FPV_OP_SUB: case FPV_OP_MUL: case FPV_OP_DIV:
	case FPV_OP_NEG: case FPV_OP_ABS: case FPV_OP_FMA: case FPV_OP_MIN:
	case FPV_OP_MAX: case FPV_OP_FLOOR: case FPV_OP_CEIL: case FPV_OP_ROUND:
		return true;
	}
	return false;
}

static uint64_t int_op_general(const struct fpv_ctx *c,
    const struct fpv_format *f, enum fpv_op op, const uint64_t *args,
    unsigned *flags);

/* An operation on the integer grid: the small-scale fast path first. */
static uint64_t
int_op(const struct fpv_ctx *c, const struct fpv_format *f, enum fpv_op op,
    const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;

	if (c->int8_sn != 0 && op_rational(op) && op != FPV_OP_FLOOR &&
	    op != FPV_OP_CEIL && op != FPV_OP_ROUND) {
		i128 k[3] = { 0, 0, 0 }, sn = c->int8_sn, sd = c->int8_sd;

		for (int i = 0; i < n; i++)
			k[i] = int_q(f, args[i]) - c->int8_zero_point;
		switch (op) {
		case FPV_OP_ADD: return int_quantize_small(c, f, k[0] + k[1], 1, flags);
		case FPV_OP_SUB: return int_quantize_small(c, f, k[0] - k[1], 1, flags);
		case FPV_OP_MUL: return int_quantize_small(c, f, sn * k[0] * k[1], sd, flags);
		case FPV_OP_NEG: return int_quantize_small(c, f, -k[0], 1, flags);
		case FPV_OP_ABS: return int_quantize_small(c, f, k[0] < 0 ? -k[0] : k[0], 1, flags);
		case FPV_OP_MIN: return int_quantize_small(c, f, k[0] < k[1] ? k[0] : k[1], 1, flags);
		case FPV_OP_MAX: return int_quantize_small(c, f, k[0] > k[1] ? k[0] : k[1], 1, flags);
		case FPV_OP_FMA:
			return int_quantize_small(c, f, sn * k[0] * k[1] + k[2] * sd, sd, flags);
		case FPV_OP_DIV:
			if (k[1] != 0)
				return int_quantize_small(c, f, k[0] * sd, k[1] * sn, flags);
			break;		/* the general path reports x/0 */
		default:
			break;
		}
	}
	return int_op_general(c, f, op, args, flags);
}

/* An operation on the integer grid in exact rationals. */
static __attribute__((noinline)) uint64_t
int_op_general(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;
	mpq_t v[3], r;
	uint64_t b;

	for (int i = 0; i < n; i++) {
		mpq_init(v[i]);
		int_value(c, f, args[i], v[i]);
	}
	mpq_init(r);
	if (op_rational(op)) {
		switch (op) {
		case FPV_OP_ADD: mpq_add(r, v[0], v[1]); break;
		case FPV_OP_SUB: mpq_sub(r, v[0], v[1]); break;
		case FPV_OP_MUL: mpq_mul(r, v[0], v[1]); break;
		case FPV_OP_NEG: mpq_neg(r, v[0]); break;
		case FPV_OP_ABS: mpq_abs(r, v[0]); break;
		case FPV_OP_FMA:
			mpq_mul(r, v[0], v[1]);
			mpq_add(r, r, v[2]);
			break;
		case FPV_OP_MIN:
			mpq_set(r, mpq_cmp(v[0], v[1]) <= 0 ? v[0] : v[1]);
			break;
		case FPV_OP_MAX:
			mpq_set(r, mpq_cmp(v[0], v[1]) >= 0 ? v[0] : v[1]);
			break;
		case FPV_OP_DIV:
			if (mpq_sgn(v[1]) == 0)
				goto divzero;
			mpq_div(r, v[0], v[1]);
			break;
		case FPV_OP_FLOOR:
			mpz_fdiv_q(mpq_numref(r), mpq_numref(v[0]),
			    mpq_denref(v[0]));
			break;
		case FPV_OP_CEIL:
			mpz_cdiv_q(mpq_numref(r), mpq_numref(v[0]),
			    mpq_denref(v[0]));
			break;
		case FPV_OP_ROUND:
			/* Half away from zero: trunc(x + sign(x) / 2). */
			mpq_set_si(r, mpq_sgn(v[0]) < 0 ? -1 : 1, 2);
			mpq_add(r, r, v[0]);
			mpz_tdiv_q(mpq_numref(r), mpq_numref(r),
			    mpq_denref(r));
			mpz_set_ui(mpq_denref(r), 1);
			break;
		default:
			abort();
		}
		b = int_quantize_q(c, f, r, flags);
	} else {
		/* Through MPFR: exact operands, a result rounded to odd. */
		mpfr_t a[3], x;
		struct operands o = { { NULL, NULL, NULL }, NULL };
		bool exact = true;
		int t;

		for (int i = 0; i < n; i++) {
			mpfr_init2(a[i], FPV_EXACT_PREC + 64);
			t = mpfr_set_q(a[i], v[i], MPFR_RNDZ);
			fpv_real_make_odd(a[i], t);
			exact &= t == 0;
			o.a[i] = a[i];
		}
		mpfr_init2(x, FPV_EXACT_PREC + 64);
		t = compute(op, x, &o, MPFR_RNDZ);
		fpv_real_make_odd(x, t);
		b = int_quantize_fr(c, f, x, exact && t == 0, false, flags);
		mpfr_clear(x);
		for (int i = 0; i < n; i++)
			mpfr_clear(a[i]);
	}
	goto out;
divzero:
	if (mpq_sgn(v[0]) == 0) {
		*flags |= FPV_FLAG_INVALID;
		b = int_zero(c, f);
	} else {
		*flags |= FPV_FLAG_DIVBYZERO;
		b = int_range_end(f, mpq_sgn(v[0]) < 0);
	}
out:
	mpq_clear(r);
	for (int i = 0; i < n; i++)
		mpq_clear(v[i]);
	return b;
}

/*
 * The exact rational of a decimal or hex literal's text, if it has a
 * modest exponent; returns false when the text is not such a number.
 */
static bool
text_rational(const char *s, size_t len, mpq_ptr q)
{
	int base = 10;
	long exp = 0, fracdigits = 0;
	size_t i = 0;
	mpz_t m;
	bool any = false, dot = false;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (len > 4096)
		return false;
	mpz_init(m);
	for (; i < len; i++) {
		int d;
		char ch = s[i];

		if (ch == '.' && !dot) {
			dot = true;
			continue;
		}
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			break;
		mpz_mul_ui(m, m, (unsigned long)base);
		mpz_add_ui(m, m, (unsigned long)d);
		if (dot)
			fracdigits++;
		any = true;
	}
	if (i < len) {
		char ch = s[i];
		char *end;

		if (!((base == 10 && (ch == 'e' || ch == 'E')) ||
		    (base == 16 && (ch == 'p' || ch == 'P'))) || i + 1 >= len)
			goto fail;
		char tmp[32];
		size_t n = len - i - 1;
		if (n >= sizeof tmp)
			goto fail;
		memcpy(tmp, s + i + 1, n);
		tmp[n] = '\0';
		exp = strtol(tmp, &end, 10);
		if (*end != '\0' || exp > 100000 || exp < -100000)
			goto fail;
	}
	if (!any)
		goto fail;
	mpq_set_z(q, m);
	if (base == 10) {
		mpz_t p;

		exp -= fracdigits;
		if (exp > 1000 || exp < -1000)
			goto fail;
		mpz_init(p);
		mpz_ui_pow_ui(p, 10, (unsigned long)(exp < 0 ? -exp : exp));
		if (exp < 0)
			mpz_mul(mpq_denref(q), mpq_denref(q), p);
		else
			mpz_mul(mpq_numref(q), mpq_numref(q), p);
		mpz_clear(p);
	} else {
		exp -= 4 * fracdigits;
		if (exp > 100000 || exp < -100000)
			goto fail;
		if (exp < 0)
			mpq_div_2exp(q, q, (unsigned long)-exp);
		else
			mpq_mul_2exp(q, q, (unsigned long)exp);
	}
	mpq_canonicalize(q);
	mpz_clear(m);
	return true;
fail:
	mpz_clear(m);
	return false;
}

/* ---- Public operations ---------------------------------------------- */

/* Initialize a context with the defaults. */
void
fpv_ctx_init(struct fpv_ctx *c)
{
	c->round = FPV_RND_NEAREST;
	mpq_init(c->int8_scale);
	mpq_set_ui(c->int8_scale, 1, 1);
	mpfr_init2(c->int8_scale_fr, FPV_EXACT_PREC);
	mpfr_set_ui(c->int8_scale_fr, 1, MPFR_RNDN);
	c->int8_sn = c->int8_sd = 1;
	c->int8_zero_point = 0;
	c->int8_overflow = FPV_OVF_SATURATE;
	c->emulate_only = false;
}

/* Release a context. */
void
fpv_ctx_clear(struct fpv_ctx *c)
{
	mpq_clear(c->int8_scale);
	mpfr_clear(c->int8_scale_fr);
}

/* Copy settings between initialized contexts. */
void
fpv_ctx_copy(struct fpv_ctx *dst, const struct fpv_ctx *src)
{
	dst->round = src->round;
	mpq_set(dst->int8_scale, src->int8_scale);
	mpfr_set(dst->int8_scale_fr, src->int8_scale_fr, MPFR_RNDN);
	dst->int8_sn = src->int8_sn;
	dst->int8_sd = src->int8_sd;
	dst->int8_zero_point = src->int8_zero_point;
	dst->int8_overflow = src->int8_overflow;
	dst->emulate_only = src->emulate_only;
}

/* Set the int8 scale from decimal text. */
int
fpv_ctx_set_scale(struct fpv_ctx *c, const char *text, const char **why)
{
	mpq_t q;
	size_t len = strlen(text);
	int t;

	mpq_init(q);
	if (len == 0 || text[0] == '-' || text[0] == '+' ||
	    !text_rational(text, len, q)) {
		mpq_clear(q);
		*why = "expected a positive decimal number";
		return -1;
	}
	if (mpq_sgn(q) <= 0) {
		mpq_clear(q);
		*why = "the scale must be positive";
		return -1;
	}
	mpq_set(c->int8_scale, q);
	c->int8_sn = c->int8_sd = 0;
	if (mpz_cmp_ui(mpq_numref(q), 1ul << 31) < 0 &&
	    mpz_cmp_ui(mpq_denref(q), 1ul << 31) < 0) {
		c->int8_sn = (int64_t)mpz_get_ui(mpq_numref(q));
		c->int8_sd = (int64_t)mpz_get_ui(mpq_denref(q));
	}
	t = mpfr_set_q(c->int8_scale_fr, q, MPFR_RNDZ);
	fpv_real_make_odd(c->int8_scale_fr, t);
	mpq_clear(q);
	return 0;
}

/*
 * Round x into f when the result is a normal number: the significand's
 * top bits, the rounding bits and a sticky bit decide it, as hardware
 * does.  Returns false (and does nothing) for anything else.
 */
static bool
ieee_round_normal(const struct fpv_format *f, mpfr_srcptr x,
    enum fpv_round rnd, uint64_t *bits, unsigned *flags)
{
	int p = fpv_format_prec(f);
	mpfr_prec_t prec = mpfr_get_prec(x);
	const mp_limb_t *mp;
	size_t n;
	uint64_t top, m, rest, half = (uint64_t)1 << 63;
	bool neg, sticky = false, inc;
	long E;

	if (!mpfr_regular_p(x) || p > 63 || mp_bits_per_limb != 64)
		return false;
	E = mpfr_get_exp(x) - 1;
	if (E < ieee_emin(f) || E > f->emax)
		return false;
	mp = mpfr_custom_get_significand(x);
	n = (size_t)((prec + 63) / 64);
	top = mp[n - 1];
	for (size_t i = 0; i + 1 < n && !sticky; i++)
		sticky = mp[i] != 0;
	m = top >> (64 - p);
	rest = top << p;		/* the dropped bits, as a fraction */
	neg = mpfr_signbit(x) != 0;
	switch (rnd) {
	case FPV_RND_NEAREST:
		inc = rest > half || (rest == half && (sticky || (m & 1)));
		break;
	case FPV_RND_UP:
		inc = !neg && (rest || sticky);
		break;
	case FPV_RND_DOWN:
		inc = neg && (rest || sticky);
		break;
	default:
		inc = false;
		break;
	}
	if (inc && ++m == (uint64_t)1 << p) {
		m >>= 1;
		if (++E > f->emax)
			return false;	/* overflow: the general path */
	}
	*bits = ((uint64_t)neg << (f->bits - 1)) |
	    ((uint64_t)(E + f->emax) << f->frac_bits) |
	    (m & (((uint64_t)1 << f->frac_bits) - 1));
	if (rest || sticky)
		*flags |= FPV_FLAG_INEXACT;
	return true;
}

/* The rounding of a real that ieee_round_normal cannot do. */
static __attribute__((noinline)) uint64_t
ieee_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    mpfr_srcptr x, unsigned *flags)
{
	struct operands o = { { x, NULL, NULL }, NULL };

	return ieee_round_op(f, OP_SET, &o, mpfr_nan_p(x), mpfr_inf_p(x),
	    fpv_round_mpfr(c->round), flags);
}

/* A real on the integer grid (see fpv_num_round_real). */
static __attribute__((noinline)) uint64_t
int_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    const struct fpv_real *r, unsigned *flags)
{
	if (r->text != NULL && mpfr_number_p(r->approx)) {
		mpq_t q;
		uint64_t b;
		i128 num, den;

		if (c->int8_sn != 0 && text_small(c, r, &num, &den))
			return int_quantize_small(c, f, num, den, flags);

		mpq_init(q);
		if (text_rational(r->text, r->len, q)) {
			if (r->negative)
				mpq_neg(q, q);
			b = int_quantize_q(c, f, q, flags);
			mpq_clear(q);
			return b;
		}
		mpq_clear(q);
	}
	return int_quantize_fr(c, f, r->approx, r->inexact == 0,
	    mpfr_inf_p(r->approx), flags);
}

/* Round a real number (literal or constant) into f. */
uint64_t
fpv_num_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    const struct fpv_real *r, unsigned *flags)
{
	uint64_t b;

	if (f->kind != FPV_KIND_IEEE)
		return int_round_real(c, f, r, flags);
	if (ieee_round_normal(f, r->approx, c->round, &b, flags))
		return b;
	return ieee_round_real(c, f, r->approx, flags);
}

/* Decode bits of f into x. */
void
fpv_num_decode(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr x)
{
	if (f->kind == FPV_KIND_IEEE) {
		ieee_decode(f, bits, x);
	} else {
		mpq_t v;

		mpq_init(v);
		int_value(c, f, bits, v);
		mpfr_set_q(x, v, MPFR_RNDN);
		mpq_clear(v);
	}
}

/* Is an IEEE encoding a signalling NaN? */
static bool
is_snan(const struct fpv_format *f, uint64_t b)
{
	return fpv_bits_class(f, b) == FPV_CLASS_SNAN;
}

/* Did a +- b = r lose a nonzero operand entirely (r is the other one)? */
static bool
absorbed(enum fpv_op op, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr r)
{
	if (!mpfr_number_p(r))
		return false;
	if (!mpfr_zero_p(b) && mpfr_equal_p(r, a))
		return true;
	if (mpfr_zero_p(a) || mpfr_cmpabs(r, b) != 0)
		return false;
	/* r == b for a + b; r == -b for a - b. */
	return (mpfr_signbit(r) == mpfr_signbit(b)) == (op == FPV_OP_ADD);
}

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

	if (op > FPV_OP_DIV || (f != &fpv_formats[FPV_FP64] &&
	    f != &fpv_formats[FPV_FP32]))
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
	return r + round_up_p(rnd, neg, r & 1, cmp, *inexact);
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

/* Is f IEEE binary16, which f16_op computes? */
static inline bool
is_f16(const struct fpv_format *f)
{
	return f->kind == FPV_KIND_IEEE && f->bits == 16 && f->exp_bits == 5 &&
	    f->frac_bits == 10 && f->emax == 15 && f->subnormals &&
	    f->qnan == F16_QNAN;
}

/* The emulated IEEE operation (MPFR): see ieee_round_op. */
static __attribute__((noinline)) uint64_t
ieee_op(const struct fpv_ctx *c, const struct fpv_format *f, enum fpv_op op,
    const uint64_t *args, unsigned *flags)
{
	int n = fpv_ops[op].nargs;
	struct scratch s[3];
	struct operands o = { { NULL, NULL, NULL }, NULL };
	bool nan_in = false, inf_in = false, snan_in = false;

	for (int i = 0; i < n; i++) {
		mpfr_ptr x = scratch_decode(&s[i], f, args[i]);

		o.a[i] = x;
		nan_in |= mpfr_nan_p(x) != 0;
		inf_in |= mpfr_inf_p(x) != 0;
		snan_in |= is_snan(f, args[i]);
	}
	if (snan_in) {
		*flags |= FPV_FLAG_INVALID;
		return f->qnan;
	}
	/* A NaN operand gives NaN quietly, except where C99 says otherwise
	 * (min/max return the other operand, pow(1, NaN) is 1). */
	if (nan_in && op != FPV_OP_MIN && op != FPV_OP_MAX && op != FPV_OP_POW)
		return f->qnan;
	uint64_t bits = ieee_round_op(f, op, &o, nan_in, inf_in,
	    fpv_round_mpfr(c->round), flags);
	if ((op == FPV_OP_ADD || op == FPV_OP_SUB) && !nan_in && !inf_in) {
		struct scratch rs;
		mpfr_ptr r = scratch_decode(&rs, f, bits);

		if (fpv_num_cancelled(f, op, o.a, r) > 0)
			*flags |= FPV_FLAG_CANCELLATION;
		if (absorbed(op, o.a[0], o.a[1], r))
			*flags |= FPV_FLAG_ABSORBED;
	}
	return bits;
}

/* Apply op to encoded operands. */
uint64_t
fpv_num_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags)
{
	uint64_t native;

	if (!c->emulate_only && op <= FPV_OP_DIV) {
		if (is_f16(f))
			return f16_op(op, args, c->round, flags);
		if (native_op(f, op, args, c->round, &native, flags))
			return native;
	}
	if (f->kind == FPV_KIND_INT)
		return int_op(c, f, op, args, flags);
	return ieee_op(c, f, op, args, flags);
}

/* Leading bits lost to cancellation in a +- b = r (0 if none). */
int
fpv_num_cancelled(const struct fpv_format *f, enum fpv_op op,
    mpfr_srcptr const *a, mpfr_srcptr r)
{
	int sa, sb;
	long ea, eb, er;

	if (!mpfr_regular_p(a[0]) || !mpfr_regular_p(a[1]) ||
	    !mpfr_number_p(r))
		return 0;
	sa = mpfr_sgn(a[0]);
	sb = mpfr_sgn(a[1]) * (op == FPV_OP_SUB ? -1 : 1);
	if (sa == sb)
		return 0;		/* not an effective subtraction */
	ea = mpfr_get_exp(a[0]);
	eb = mpfr_get_exp(a[1]);
	if (mpfr_zero_p(r))
		return fpv_format_prec(f);
	er = mpfr_get_exp(r);
	ea = ea > eb ? ea : eb;
	if (er >= ea)
		return 0;
	return ea - er > fpv_format_prec(f) ? fpv_format_prec(f) :
	    (int)(ea - er);
}

/* Convert an encoding between formats. */
uint64_t
fpv_num_convert(const struct fpv_ctx *c, const struct fpv_format *to,
    const struct fpv_format *from, uint64_t bits, unsigned *flags)
{
	if (from->kind == FPV_KIND_IEEE) {
		struct scratch s;
		mpfr_ptr x = scratch_decode(&s, from, bits);
		struct operands o = { { x, NULL, NULL }, NULL };

		if (to->kind == FPV_KIND_IEEE) {
			if (is_snan(from, bits)) {
				*flags |= FPV_FLAG_INVALID;
				return to->qnan;
			}
			if (mpfr_nan_p(x))
				return to->qnan;
			return ieee_round_op(to, OP_SET, &o, false,
			    mpfr_inf_p(x), fpv_round_mpfr(c->round), flags);
		}
		if (is_snan(from, bits)) {
			*flags |= FPV_FLAG_INVALID;
			return int_zero(c, to);
		}
		return int_quantize_fr(c, to, x, true, true, flags);
	}
	{
		mpq_t v;
		uint64_t b;

		mpq_init(v);
		int_value(c, from, bits, v);
		if (to->kind == FPV_KIND_IEEE) {
			struct operands o = { { NULL, NULL, NULL }, v };

			b = ieee_round_op(to, OP_SETQ, &o, false, false,
			    fpv_round_mpfr(c->round), flags);
		} else {
			b = int_quantize_q(c, to, v, flags);
		}
		mpq_clear(v);
		return b;
	}
}

/* The exponent of a regular x's lowest set bit: x is an odd multiple of
 * 2^low_bit(x).  (Its precision may hold many zero bits below that.) */
static long
low_bit(mpfr_srcptr x)
{
	const mp_limb_t *mp = mpfr_custom_get_significand(x);
	size_t n = ((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS - 1) /
	    GMP_NUMB_BITS, i = 0;

	while (mp[i] == 0)
		i++;
	/* The top bit of limb n - 1 weighs 2^(exp - 1). */
	return (long)mpfr_get_exp(x) - (long)((n - i) * GMP_NUMB_BITS) +
	    __builtin_ctzll((unsigned long long)mp[i]);
}

/* Bits from a regular x's leading one to its lowest set bit. */
static mpfr_prec_t
sig_bits(mpfr_srcptr x)
{
	return (mpfr_prec_t)(mpfr_get_exp(x) - low_bit(x));
}

/*
 * Precision needed to hold a +- b exactly (0 if not both regular): from
 * the higher leading bit (and a carry) down to the lower lowest set bit,
 * so that a long sum does not grow by a bit per term.
 */
static mpfr_prec_t
sum_prec(mpfr_srcptr a, mpfr_srcptr b)
{
	long hi, lo, la, lb;

	if (!mpfr_regular_p(a) || !mpfr_regular_p(b))
		return 0;
	hi = mpfr_get_exp(a) > mpfr_get_exp(b) ? mpfr_get_exp(a) :
	    mpfr_get_exp(b);
	la = low_bit(a);
	lb = low_bit(b);
	lo = la < lb ? la : lb;
	return (mpfr_prec_t)(hi - lo + 1);
}

/* Precision needed to hold a * b exactly (0 if not both regular). */
static mpfr_prec_t
product_prec(mpfr_srcptr a, mpfr_srcptr b)
{
	if (!mpfr_regular_p(a) || !mpfr_regular_p(b))
		return 0;
	return sig_bits(a) + sig_bits(b);
}

/* Clamp a wanted precision to the exact reference's range. */
static mpfr_prec_t
exact_prec(mpfr_prec_t want)
{
	if (want < FPV_EXACT_PREC)
		return FPV_EXACT_PREC;
	return want > FPV_EXACT_MAXPREC ? FPV_EXACT_MAXPREC : want;
}

/* The exact reference of op on exact operands. */
int
fpv_exact_op(enum fpv_op op, mpfr_ptr out, mpfr_srcptr const *a)
{
	struct operands o = { { a[0], NULL, NULL }, NULL };
	int n = fpv_ops[op].nargs;
	mpfr_prec_t prec = FPV_EXACT_PREC;

	for (int i = 1; i < n; i++)
		o.a[i] = a[i];
	switch (op) {
	case FPV_OP_ADD: case FPV_OP_SUB:
		prec = sum_prec(a[0], a[1]);
		break;
	case FPV_OP_MUL:
		prec = product_prec(a[0], a[1]);
		break;
	case FPV_OP_NEG: case FPV_OP_ABS: case FPV_OP_FLOOR:
	case FPV_OP_CEIL: case FPV_OP_ROUND:
		prec = mpfr_get_prec(a[0]);
		break;
	case FPV_OP_MIN: case FPV_OP_MAX:
		prec = mpfr_get_prec(a[0]) > mpfr_get_prec(a[1]) ?
		    mpfr_get_prec(a[0]) : mpfr_get_prec(a[1]);
		break;
	case FPV_OP_FMA: {
		mpfr_t prod;
		int t;

		mpfr_init2(prod, exact_prec(product_prec(a[0], a[1])));
		t = mpfr_mul(prod, a[0], a[1], MPFR_RNDN);
		mpfr_set_prec(out, exact_prec(sum_prec(prod, a[2])));
		t |= mpfr_add(out, prod, a[2], MPFR_RNDN);
		mpfr_clear(prod);
		return t;
	}
	default:
		break;
	}
	mpfr_set_prec(out, exact_prec(prec));
	return compute(op, out, &o, MPFR_RNDN);
}

/* One ulp of f at the value of bits. */
void
fpv_num_ulp(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr out)
{
	long E;

	if (f->kind == FPV_KIND_INT) {
		mpfr_set_q(out, c->int8_scale, MPFR_RNDN);
		return;
	}
	switch (fpv_bits_class(f, bits)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		mpfr_set_nan(out);
		return;
	case FPV_CLASS_INF:
		E = f->emax;
		break;
	case FPV_CLASS_ZERO: case FPV_CLASS_SUBNORMAL:
		E = ieee_emin(f);
		break;
	default:
		E = (long)fpv_bits_exp(f, bits) - f->emax;
		break;
	}
	mpfr_set_ui_2exp(out, 1, E - f->frac_bits, MPFR_RNDN);
}
