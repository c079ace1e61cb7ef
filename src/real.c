/*
 * Literals read once, exactly: decimal and hex floats, inf and nan.
 *
 * A literal becomes an MPFR number of FPV_EXACT_PREC bits rounded to odd
 * (so that rounding it once more into any format of at most
 * FPV_EXACT_PREC - 2 bits is the correct rounding of the literal
 * itself), read straight from the digits for the short decimals most
 * literals are; integer grids read the text again as an exact rational.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num-impl.h"

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
const uint64_t fpv_pow10_u64[20] = {
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
		unsigned __int128 v = (unsigned __int128)m * fpv_pow10_u64[e];

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
		uint64_t p = fpv_pow10_u64[-e];

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

/* The literal's text as a short decimal m * 10^e. */
bool
fpv_real_short(const struct fpv_real *r, uint64_t *m, int *e)
{
	if (r->dec_known) {
		if (!r->dec_short)
			return false;
		*m = r->dec_m;
		*e = r->dec_e;
		return true;
	}
	return r->text != NULL && short_decimal(r->text, r->len, m, e);
}

bool
fpv_real_rational(const char *s, size_t len, mpq_ptr q)
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
		if ((d = fpv_digit_value(ch, base)) < 0)
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
