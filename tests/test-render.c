/*
 * Decimal strings, renderers and colon commands, checked against the
 * machine's strtod/strtof, exact rational arithmetic (GMP), hand-derived
 * values and the numbers numpy's finfo/iinfo print.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/info.h"
#include "fpviz/render.h"
#include "formats.h"
#include "tap.h"

static struct fpv_ctx C;

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15u;

	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1du;
}

/* A random encoding of f biased towards edge cases. */
static uint64_t
random_bits(const struct fpv_format *f)
{
	uint64_t r = rnd(), m = fpv_format_mask(f);

	switch (rnd() % 8) {
	case 0:		/* subnormal */
		return r & (((uint64_t)1 << f->frac_bits) - 1);
	case 1:		/* power of two */
		return (r % ((((uint64_t)1 << f->exp_bits) - 1)) <<
		    f->frac_bits) | ((r >> 63) << (f->bits - 1));
	case 2:		/* near max */
		return (((((uint64_t)1 << f->exp_bits) - 2) << f->frac_bits) |
		    (((uint64_t)1 << f->frac_bits) - 1)) - (r % 4);
	default:
		return r & m;
	}
}

/* Significant digits of a decimal string, and whether it is valid. */
static int
sig_digits(const char *s)
{
	int n = 0, trailing = 0;
	bool lead = true;

	for (; *s && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s != '0')
			lead = false;
		if (lead)
			continue;
		n++;
		trailing = *s == '0' ? trailing + 1 : 0;
	}
	/* Integers written plainly may end in zeros that are not digits. */
	return n - trailing > 0 ? n - trailing : 1;
}

/* Does s follow the notation rule (plain iff -4 <= E < 16)? */
static bool
notation_ok(const char *s)
{
	const char *m = s[0] == '-' ? s + 1 : s;
	const char *ep = strchr(m, 'e'), *dot = strchr(m, '.');
	long intlen, zeros = 0;

	if (ep != NULL) {
		long ex = strtol(ep + 1, NULL, 10);

		/* d[.ddd]e, sign, at least two exponent digits. */
		if (m[0] < '1' || m[0] > '9' || (m[1] != '.' && m[1] != 'e') ||
		    (ep[1] != '+' && ep[1] != '-') || strlen(ep + 2) < 2)
			return false;
		return ex < -4 || ex >= 16;
	}
	intlen = dot ? dot - m : (long)strlen(m);
	if (m[0] != '0')
		return intlen <= 16 && (dot == NULL || dot[1] != '\0');
	/* 0.000ddd: at most three zeros after the point. */
	for (const char *p = m + 2; *p == '0'; p++)
		zeros++;
	return zeros <= 3;
}

/* Does s start with prefix? */
static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Decimal text of the p-digit neighbour of x in direction r. */
static void
neighbour(mpfr_srcptr x, int p, mpfr_rnd_t r, char *buf, size_t size)
{
	mpfr_exp_t e;
	char *s = mpfr_get_str(NULL, &e, 10, (size_t)p, x, r);
	bool neg = s[0] == '-';

	snprintf(buf, size, "%s0.%se%ld", neg ? "-" : "", s + neg, (long)e);
	mpfr_free_str(s);
}

/* The bits of decimal s read by the machine: strtod for fp64, strtof
 * for fp32 (format fi). */
static uint64_t
machine_bits(int fi, const char *s)
{
	if (fi == FPV_FP64) {
		double d = strtod(s, NULL);
		uint64_t u;

		memcpy(&u, &d, sizeof u);
		return u;
	}
	float f = strtof(s, NULL);
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

/* Check fp64 shortest decimals of random encodings with strtod. */
static void
test_shortest_machine(int fi, int n)
{
	const struct fpv_format *f = &fpv_formats[fi];
	int bad = 0, checked = 0;
	mpfr_t x;

	mpfr_init2(x, fpv_format_prec(f));
	for (int i = 0; i < n; i++) {
		uint64_t b = random_bits(f);
		char s[FPV_DEC_SHORT], t[64];
		int p;
		bool okay = true;

		if (fpv_bits_class(f, b) >= FPV_CLASS_INF)
			continue;
		fpv_dec_shortest(&C, f, b, s);
		/* It reads back to the same bits. */
		if (machine_bits(fi, s) != b)
			okay = false;
		/* No decimal with one digit fewer reads back. */
		fpv_num_decode(&C, f, b, x);
		p = sig_digits(s);
		if (p > 1 && mpfr_regular_p(x)) {
			for (int k = 0; k < 2; k++) {
				neighbour(x, p - 1, k ? MPFR_RNDU : MPFR_RNDD, t,
				    sizeof t);
				if (machine_bits(fi, t) == b)
					okay = false;
			}
		}
		if (mpfr_regular_p(x) && !notation_ok(s))
			okay = false;
		checked++;
		if (!okay && bad++ < 5)
			diag("%s 0x%llx -> %s", f->name, (unsigned long long)b, s);
	}
	mpfr_clear(x);
	ok(bad == 0 && checked > n / 2,
	    "%s: %d random shortest decimals read back, none shorter does",
	    f->name, checked);
}

/* Parse decimal text into an exact rational. */
static bool
text_to_q(const char *s, mpq_ptr q)
{
	mpz_t m, p;
	long exp = 0, frac = 0;
	bool neg = false, dot = false;
	size_t nd = 0, cap = strlen(s) + 1;
	char *dg = malloc(cap);

	if (dg == NULL)
		return false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s && *s != 'e'; s++) {
		if (*s == '.') {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9') {
			free(dg);
			return false;
		}
		dg[nd++] = *s;
		frac += dot;
	}
	dg[nd] = '\0';
	if (nd == 0) {
		free(dg);
		return false;
	}
	mpz_init_set_str(m, dg, 10);
	free(dg);
	if (*s == 'e')
		exp = strtol(s + 1, NULL, 10);
	exp -= frac;
	mpz_init(p);
	mpz_ui_pow_ui(p, 10, (unsigned long)(exp < 0 ? -exp : exp));
	mpq_set_z(q, m);
	if (exp < 0)
		mpz_set(mpq_denref(q), p);
	else
		mpz_mul(mpq_numref(q), mpq_numref(q), p);
	mpq_canonicalize(q);
	if (neg)
		mpq_neg(q, q);
	mpz_clear(p);
	mpz_clear(m);
	return true;
}

/* The exact value of a positive finite IEEE encoding, from its fields. */
static void
ieee_q(const struct fpv_format *f, uint64_t b, mpq_ptr q)
{
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);
	long sh;

	if (e == ((uint64_t)1 << f->exp_bits) - 1) {	/* inf: 2^(emax+1) */
		m = 1;
		sh = f->emax + 1;
	} else if (e == 0) {
		sh = 1 - f->emax - f->frac_bits;
	} else {
		m |= (uint64_t)1 << f->frac_bits;
		sh = (long)e - f->emax - f->frac_bits;
	}
	mpq_set_ui(q, m, 1);
	if (sh >= 0)
		mpq_mul_2exp(q, q, (mp_bitcnt_t)sh);
	else
		mpq_div_2exp(q, q, (mp_bitcnt_t)-sh);
}

/* Does decimal text t round to nearest-even to b (b positive, finite)? */
static bool
in_interval(const struct fpv_format *f, uint64_t b, const char *t)
{
	mpq_t x, lo, hi, d;
	bool in, even = (b & 1) == 0;
	int cl, ch;

	mpq_inits(x, lo, hi, d, (mpq_ptr)0);
	ieee_q(f, b, x);
	if (b > 0)
		ieee_q(f, b - 1, lo);
	ieee_q(f, b + 1, hi);
	mpq_add(lo, lo, x);
	mpq_div_2exp(lo, lo, 1);
	mpq_add(hi, hi, x);
	mpq_div_2exp(hi, hi, 1);
	text_to_q(t, d);
	mpq_abs(d, d);
	cl = mpq_cmp(d, lo);
	ch = mpq_cmp(d, hi);
	in = (cl > 0 && ch < 0) || (even && (cl == 0 || ch == 0));
	mpq_clears(x, lo, hi, d, (mpq_ptr)0);
	return in;
}

/* Every fp16 encoding: shortest, exactly checked with rationals. */
static void
test_shortest_fp16_all(void)
{
	const struct fpv_format *f = &fpv_formats[FPV_FP16];
	int bad = 0;
	mpfr_t x;

	mpfr_init2(x, 11);
	for (uint64_t b = 1; b < 0x7c00; b++) {
		char s[FPV_DEC_SHORT], t[64];
		int p;
		bool okay;

		fpv_dec_shortest(&C, f, b | 0x8000, s);
		okay = s[0] == '-' && in_interval(f, b, s);
		fpv_num_decode(&C, f, b, x);
		p = sig_digits(s);
		for (int k = 0; p > 1 && k < 2; k++) {
			neighbour(x, p - 1, k ? MPFR_RNDU : MPFR_RNDD, t,
			    sizeof t);
			if (in_interval(f, b, t))
				okay = false;
		}
		if (!notation_ok(s))
			okay = false;
		if (!okay && bad++ < 5)
			diag("fp16 0x%04llx -> %s", (unsigned long long)b, s);
	}
	mpfr_clear(x);
	ok(bad == 0, "fp16: all 31743 negative finite encodings: shortest "
	    "decimals round back exactly, none shorter does");
}

/* The encoding of d in f (binary64, else binary32), rounded to nearest. */
static uint64_t
encode(const struct fpv_format *f, double d)
{
	uint64_t b;
	uint32_t u;
	float x = (float)d;

	if (f->bits == 64) {
		memcpy(&b, &d, 8);
		return b;
	}
	memcpy(&u, &x, 4);
	return u;
}

/* Random bits of an IEEE format f, biased to where shortest decimals are
 * delicate: edge exponents, powers of two, subnormals, integers, and
 * short decimals and their neighbours. */
static uint64_t
delicate_bits(const struct fpv_format *f)
{
	uint64_t r = rnd(), fm = ((uint64_t)1 << f->frac_bits) - 1;
	uint64_t emax = ((uint64_t)1 << f->exp_bits) - 2, ef;

	switch (rnd() % 10) {
	case 0:		/* subnormal, often tiny */
		return r & (rnd() % 2 ? fm : 0xff);
	case 1:		/* power of two, any exponent */
		return (r % (emax + 1)) << f->frac_bits;
	case 2:		/* edge exponent */
		ef = (uint64_t[]){ 0, 1, 2, 3, emax - 1, emax }[rnd() % 6];
		return (ef << f->frac_bits) | (r & fm);
	case 3:		/* few fraction bits from an end of the binade */
		ef = r % (emax + 1);
		r = rnd() % 64;
		return (ef << f->frac_bits) | (rnd() % 2 ? r : fm - r);
	case 4: {	/* an integer, or a power of ten */
		double d;

		if (f->bits != 64 && f->bits != 32)
			return r & fpv_format_mask(f);
		d = rnd() % 2 ? (double)(rnd() >> (rnd() % 64)) :
		    pow(10, (double)(int)(rnd() % 80) - 40);
		return (encode(f, d) + rnd() % 3 - 1) & fpv_format_mask(f);
	}
	case 5: case 6: {	/* a short decimal and its neighbours */
		char s[40];
		double d;

		if (f->bits != 64 && f->bits != 32)
			return r & fpv_format_mask(f);
		snprintf(s, sizeof s, "%llue%d",
		    (unsigned long long)(rnd() % 100000000 >> (rnd() % 27)),
		    (int)(rnd() % (f->bits == 64 ? 640 : 90)) -
		    (f->bits == 64 ? 330 : 48));
		d = strtod(s, NULL);
		return (encode(f, d) + rnd() % 3 - 1) & fpv_format_mask(f);
	}
	default:
		return r & fpv_format_mask(f);
	}
}

/*
 * fpv_dec_shortest (Schubfach) gives exactly the string of the reference
 * search (fpv_dec_shortest_search) on n delicate encodings of format fi,
 * or on all of them when the format has at most 16 bits.
 */
static void
test_shortest_vs_search(int fi, long n)
{
	const struct fpv_format *f = &fpv_formats[fi];
	long bad = 0, i, total = f->bits <= 16 ? 1L << f->bits : n;

	for (i = 0; i < total; i++) {
		uint64_t b = f->bits <= 16 ? (uint64_t)i : delicate_bits(f);
		char s[FPV_DEC_SHORT], t[FPV_DEC_SHORT];
		size_t ls, lt;

		if (rnd() % 2)
			b |= (uint64_t)1 << (f->bits - 1);
		ls = fpv_dec_shortest(&C, f, b, s);
		lt = fpv_dec_shortest_search(&C, f, b, t);
		if ((ls != lt || strcmp(s, t) != 0 || strlen(s) != ls) &&
		    bad++ < 5)
			diag("%s 0x%llx: %s, search %s", f->name,
			    (unsigned long long)b, s, t);
	}
	ok(bad == 0, "%s: shortest of %ld%s encodings as the search finds it",
	    f->name, total, f->bits <= 16 ? " (all)" : " delicate");
}

/* Encodings to compare with the search: FPV_TEST_SHORTEST_N, or a
 * million (a few seconds), or fewer under the sanitizers. */
static long
shortest_count(void)
{
	const char *e = getenv("FPV_TEST_SHORTEST_N");

	long n = 1000000;

#if defined(__SANITIZE_ADDRESS__)
	n = 50000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	n = 50000;
#endif
#endif
	return e != NULL && *e != '\0' ? atol(e) : n;
}

/* Compare fpv_dec_shortest of f, b with want. */
static void
short_is(int fi, uint64_t b, const char *want)
{
	char s[FPV_DEC_SHORT];

	fpv_dec_shortest(&C, CFMT(&C, fi), b, s);
	ok(strcmp(s, want) == 0, "%s 0x%llx shortest %s (got %s)",
	    fpv_formats[fi].name, (unsigned long long)b, want, s);
}

/* Compare fpv_dec_exact of f, b with want. */
static void
exact_is(int fi, uint64_t b, const char *want)
{
	char *s = fpv_dec_exact(&C, CFMT(&C, fi), b);

	ok(s && strcmp(s, want) == 0, "%s 0x%llx exact %.60s (got %.60s)",
	    fpv_formats[fi].name, (unsigned long long)b, want, s ? s : "NULL");
	free(s);
}

/* Hand-derived fp16 cases and specials. */
static void
test_shortest_hand(void)
{
	/* 0x3555 = 1365/4096 = 0.333251953125; neighbours are 1/8192 away,
	 * so the interval is (0.33312988..., 0.33337402...), odd significand
	 * (open): no 3-digit decimal is in it, 0.3333 is. */
	short_is(FPV_FP16, 0x3555, "0.3333");
	/* 0x7bff = 65504; interval (65488, 65520) open: 65500 is in it. */
	short_is(FPV_FP16, 0x7bff, "65500");
	/* 0x0001 = 2^-24 = 5.96e-08; interval (2^-25, 3*2^-25) =
	 * (2.98e-08, 8.94e-08) open: 6e-08 is in it. */
	short_is(FPV_FP16, 0x0001, "6e-08");
	/* 0x0400 = 2^-14 = 6.103515625e-05 (numpy: 6.104e-05). */
	short_is(FPV_FP16, 0x0400, "6.104e-05");
	/* 0x1400 = 2^-10: a power of two, the interval is
	 * [2^-10 - 2^-22, 2^-10 + 2^-21] = [0.00097632, 0.00097704]:
	 * 0.000977 lies above the value (numpy: 0.000977). */
	short_is(FPV_FP16, 0x1400, "0.000977");
	short_is(FPV_FP16, 0x2e66, "0.1");
	short_is(FPV_FP16, 0x34cc, "0.2998");
	short_is(FPV_FP16, 0x3c00, "1");
	short_is(FPV_FP16, 0xc000, "-2");
	short_is(FPV_FP16, 0x8000, "-0");
	short_is(FPV_FP16, 0x0000, "0");
	short_is(FPV_FP16, 0x7c00, "inf");
	short_is(FPV_FP16, 0xfc00, "-inf");
	short_is(FPV_FP16, 0x7e00, "nan");
	short_is(FPV_FP16, 0xfe01, "nan");
	/* Python's repr of the same doubles (without ".0"). */
	short_is(FPV_FP64, 0x3fb999999999999au, "0.1");
	short_is(FPV_FP64, 0x3fd3333333333334u, "0.30000000000000004");
	short_is(FPV_FP64, 0x3e45798ee2308c3au, "1e-08");
	short_is(FPV_FP64, 0x40effc0000000000u, "65504");
	short_is(FPV_FP64, 0x40c388000346dc5du, "10000.0001");
	short_is(FPV_FP64, 0x3f1a36e2eb1c432du, "0.0001");
	short_is(FPV_FP64, 0x3ee4f8b588e368f1u, "1e-05");
	short_is(FPV_FP64, 0x4341c37937e08000u, "1e+16");
	short_is(FPV_FP64, 0x430c6bf526340000u, "1000000000000000");
	short_is(FPV_FP64, 0x7e37e43c8800759cu, "1e+300");
	short_is(FPV_FP64, 0x0000000000000001u, "5e-324");
	short_is(FPV_FP64, 0x7fefffffffffffffu, "1.7976931348623157e+308");
	short_is(FPV_FP32, 0x40d80000u, "6.75");
	short_is(FPV_FP32, 0x3dcccccdu, "0.1");
	short_is(FPV_FP32, 0x7f7fffffu, "3.4028235e+38");
	short_is(FPV_FP32, 0x00000001u, "1e-45");
}

/* Exact decimals and roundings. */
static void
test_exact(void)
{
	const char *s;
	char buf[128], *e;
	mpfr_t x;
	mpz_t z;
	const char *why;

	exact_is(FPV_FP64, 0x3fb999999999999au,
	    "0.1000000000000000055511151231257827021181583404541015625");
	exact_is(FPV_FP16, 0x0001, "0.000000059604644775390625");
	exact_is(FPV_FP16, 0x7bff, "65504");
	exact_is(FPV_FP16, 0xb555, "-0.333251953125");
	exact_is(FPV_FP32, 0x40d80000u, "6.75");
	exact_is(FPV_FP64, 0x7ff8000000000000u, "nan");
	exact_is(FPV_FP64, 0xfff0000000000000u, "-inf");
	exact_is(FPV_FP64, 0x8000000000000000u, "-0");
	/* 2^-1074 = 5^1074 / 10^1074: 1074 places, 751 significant digits. */
	e = fpv_dec_exact(&C, &fpv_formats[FPV_FP64], 1);
	ok(e && strlen(e) == 1076 && strncmp(e, "0.000", 5) == 0 &&
	    strstr(e, "49406564584124654417656879286822137236505980") != NULL &&
	    e[1075] == '5', "fp64 smallest subnormal: exact, 1074 places");
	free(e);
	/* Max fp64 = 2^1024 - 2^971, checked with GMP. */
	mpz_init(z);
	mpz_ui_pow_ui(z, 2, 1024);
	{
		mpz_t t;

		mpz_init(t);
		mpz_ui_pow_ui(t, 2, 971);
		mpz_sub(z, z, t);
		mpz_clear(t);
	}
	e = fpv_dec_exact(&C, &fpv_formats[FPV_FP64], 0x7fefffffffffffffu);
	s = mpz_get_str(NULL, 10, z);
	ok(e && strcmp(e, s) == 0, "fp64 max exact = 2^1024 - 2^971");
	free(e);
	free((void *)s);
	mpz_clear(z);

	mpfr_init2(x, 256);
	mpfr_set_ui(x, 1, MPFR_RNDN);
	mpfr_div_ui(x, x, 3, MPFR_RNDN);
	fpv_dec_round(x, 40, buf, sizeof buf);
	ok(strcmp(buf, "0.3333333333333333333333333333333333333333") == 0,
	    "1/3 to 40 digits (got %s)", buf);
	mpfr_set_str(x, "0.3", 10, MPFR_RNDN);
	fpv_dec_round(x, 40, buf, sizeof buf);
	ok(strcmp(buf, "0.3") == 0, "0.3 at 256 bits to 40 digits is 0.3");
	mpfr_set_str(x, "-1.5e-300", 10, MPFR_RNDN);
	fpv_dec_round(x, 17, buf, sizeof buf);
	ok(strcmp(buf, "-1.5e-300") == 0, "-1.5e-300 (got %s)", buf);
	mpfr_set_str(x, "123456.789", 10, MPFR_RNDN);
	fpv_dec_round(x, 4, buf, sizeof buf);
	ok(strcmp(buf, "123500") == 0, "123456.789 to 4 digits (got %s)", buf);
	mpfr_set_str(x, "1e20", 10, MPFR_RNDN);
	e = fpv_dec_exact_mpfr(x);
	ok(e && strcmp(e, "100000000000000000000") == 0, "exact 1e20 plain");
	free(e);
	mpfr_clear(x);

	/* int8: the exact terminating decimal of scale * (q - zero_point). */
	set_int8_scale(&C, "0.1", &why);
	short_is(FPV_INT8, 0x80, "-12.8");
	short_is(FPV_INT8, 0x7f, "12.7");
	short_is(FPV_INT8, 0x05, "0.5");
	exact_is(FPV_INT8, 0xfd, "-0.3");
	set_int8_scale(&C, "0.05", &why);
	WFMT(&C, FPV_INT8)->zero_point = 3;
	short_is(FPV_INT8, 0x7f, "6.2");
	short_is(FPV_INT8, 0x03, "0");
	set_int8_scale(&C, "1e-3", &why);
	WFMT(&C, FPV_INT8)->zero_point = 0;
	short_is(FPV_INT8, 0x01, "0.001");
	set_int8_scale(&C, "1", &why);
	short_is(FPV_INT8, 0x7f, "127");
	short_is(FPV_INT8, 0x80, "-128");
}

/*
 * fpv_dec_digits against mpfr_get_str (the truth here): random numbers
 * of many precisions and exponents, and exact ties (odd m / 2^j at one
 * digit fewer than its exact length) with their neighbours.
 */
static void
test_digits_vs_mpfr(int n)
{
	int bad = 0, badlen = 0;
	mpfr_t x;
	mpz_t z, w;

	mpz_inits(z, w, (mpz_ptr)0);
	for (int i = 0; i < n; i++) {
		int prec = rnd() % 4 == 0 ? 2 + (int)(rnd() % 1000) :
		    rnd() % 2 ? 256 : 2 + (int)(rnd() % 200);
		int digits = 1 + (int)(rnd() % (rnd() % 2 ? 20 : 64));
		char d[72], want[80], s[96];
		mpfr_exp_t e;
		long E;
		size_t len;

		mpfr_init2(x, prec);
		if (rnd() % 3 == 0) {
			/* m / 2^j, m odd: exactly len(m 5^j) digits. */
			unsigned long j = rnd() % 40;

			mpz_set_ui(z, rnd());
			mpz_tdiv_q_2exp(z, z, rnd() % 60);
			mpz_setbit(z, 0);
			mpz_ui_pow_ui(w, 5, j);
			mpfr_set_prec(x, 256);
			mpfr_set_z_2exp(x, z, -(long)j, MPFR_RNDN);
			mpz_mul(w, w, z);
			mpz_get_str(s, 10, w);
			digits = (int)strlen(s) - 1;
			if (digits < 1)
				digits = 1;
			if (rnd() % 3 == 1)
				mpfr_nextabove(x);
			else if (rnd() % 2)
				mpfr_nextbelow(x);
		} else {
			mpz_set_ui(z, 0);
			for (int k = 0; k < (prec + 63) / 64; k++) {
				mpz_mul_2exp(z, z, 64);
				mpz_add_ui(z, z, rnd());
			}
			mpz_setbit(z, 0);
			mpfr_set_z_2exp(x, z, (long)(rnd() % 2400) - 1200,
			    MPFR_RNDN);
		}
		if (rnd() % 2)
			mpfr_neg(x, x, MPFR_RNDN);
		mpfr_get_str(want, &e, 10, (size_t)digits, x, MPFR_RNDN);
		if (fpv_dec_digits(x, digits, d, &E) != digits ||
		    memcmp(d, want + (want[0] == '-'), (size_t)digits) != 0 ||
		    E != (long)e - 1) {
			if (bad++ < 5)
				diag("digits %d of %s: %.*s e%ld", digits, want,
				    digits, d, E);
		}
		len = fpv_dec_round(x, digits, s, sizeof s);
		if (len != strlen(s) && badlen++ < 5)
			diag("fpv_dec_round length %zu of %s", len, s);
		mpfr_clear(x);
	}
	mpz_clears(z, w, (mpz_ptr)0);
	ok(bad == 0 && badlen == 0, "fpv_dec_digits: %d roundings (1-64 "
	    "digits, ties among them) as mpfr_get_str gives them", n);
}

/* The digits and decimal exponent of our decimal text s. */
static int
text_digits(const char *s, char *d, long *E)
{
	int n = 0;
	long point = -1, lead = 0;
	bool nonzero = false;
	const char *p = s[0] == '-' ? s + 1 : s;

	for (; *p && *p != 'e'; p++) {
		if (*p == '.') {
			point = n + lead;
			continue;
		}
		if (!nonzero && *p == '0') {
			lead++;
			continue;
		}
		nonzero = true;
		d[n++] = *p;
	}
	if (point < 0)
		point = n + lead;
	while (n > 1 && d[n - 1] == '0')
		n--;
	*E = point - lead - 1 + (*p == 'e' ? strtol(p + 1, NULL, 10) : 0);
	return n;
}

/*
 * fpv_dec_double against glibc's exact printf: random doubles, short
 * dyadic fractions (exact ties at some digit count), integers.
 */
static void
test_double_vs_printf(int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		uint64_t u = rnd();
		double d;
		int p = 1 + (int)(rnd() % 17), nd, nw = 0;
		char s[64], t[64], dg[64], wd[64];
		long E, EW;
		size_t len;

		switch (rnd() % 3) {
		case 0:
			d = ldexp((double)(2 * (rnd() % 100000) + 1),
			    -(int)(rnd() % 40));
			break;
		case 1:
			d = (double)(rnd() >> (rnd() % 64) | 1);
			break;
		default:
			memcpy(&d, &u, 8);
			if (!isfinite(d) || d == 0)
				d = 0.1;
			break;
		}
		len = fpv_dec_double(d, p, s, sizeof s);
		snprintf(t, sizeof t, "%.*e", p - 1, fabs(d));
		for (const char *c = t; *c != 'e'; c++)
			if (*c != '.')
				wd[nw++] = *c;
		while (nw > 1 && wd[nw - 1] == '0')
			nw--;
		EW = strtol(strchr(t, 'e') + 1, NULL, 10);
		nd = text_digits(s, dg, &E);
		if ((nd != nw || memcmp(dg, wd, (size_t)nw) != 0 || E != EW ||
		    (s[0] == '-') != (d < 0) || len != strlen(s) ||
		    !notation_ok(s)) && bad++ < 5)
			diag("%a to %d digits: %s, printf %s", d, p, s, t);
	}
	ok(bad == 0, "fpv_dec_double: %d roundings as printf's %%.*e", n);
}

/*
 * Exact decimals of IEEE encodings, read back as rationals and compared
 * with the encoding's value from its fields: every fp16 encoding, and
 * random fp32 and fp64 ones biased to moderate exponents (the 128-bit
 * path) and edges (the GMP path).
 */
static void
test_exact_all(int n)
{
	int bad = 0;
	mpq_t a, b;

	mpq_inits(a, b, (mpq_ptr)0);
	for (int fi = FPV_FP16; fi <= FPV_FP64; fi++) {
		const struct fpv_format *f = &fpv_formats[fi];
		long total = f->bits <= 16 ? 1L << f->bits : n;

		for (long i = 0; i < total; i++) {
			uint64_t bits = f->bits <= 16 ? (uint64_t)i :
			    delicate_bits(f), ef;
			char *s;

			if (f->bits > 16 && rnd() % 2) {
				ef = (uint64_t)(f->emax - 60) + rnd() % 130;
				bits = (bits & ~((((uint64_t)1 << f->exp_bits) -
				    1) << f->frac_bits)) | ef << f->frac_bits;
			}
			bits |= (rnd() % 2) << (f->bits - 1);
			if (fpv_bits_class(f, bits) >= FPV_CLASS_INF)
				continue;
			s = fpv_dec_exact(&C, f, bits);
			ieee_q(f, bits & (fpv_format_mask(f) >> 1), a);
			if (fpv_bits_sign(f, bits))
				mpq_neg(a, a);
			if ((s == NULL || !text_to_q(s, b) || !mpq_equal(a, b) ||
			    (bits >> (f->bits - 1) != 0) != (s[0] == '-') ||
			    strchr(s, 'e') != NULL ||
			    (strchr(s, '.') && s[strlen(s) - 1] == '0')) &&
			    bad++ < 5)
				diag("%s 0x%llx exact %s", f->name,
				    (unsigned long long)bits, s ? s : "NULL");
			free(s);
		}
	}
	mpq_clears(a, b, (mpq_ptr)0);
	ok(bad == 0, "exact decimals of all fp16 and %d random fp32/fp64 "
	    "encodings equal their values", n);
}

/* Run f(out) into a string; the caller frees it. */
#define CAPTURE(var, stmt) do { \
	size_t capsz_ = 0; \
	FILE *out = open_memstream(&(var), &capsz_); \
	stmt; \
	fclose(out); \
} while (0)

/* JSON string escaping. */
static void
test_json_string(void)
{
	char *s = NULL;
	static const char in[] = "a\"b\\c\n\t\x01\x7f \xc3\xa9 \xff \xc0\x80 "
	    "\xed\xa0\x80 \xf0\x9f\x98\x80 \xe2\x82";

	CAPTURE(s, fpv_json_string(out, in, sizeof in - 1));
	ok(strcmp(s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f \xc3\xa9 \\ufffd "
	    "\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80 "
	    "\\ufffd\\ufffd\"") == 0, "JSON string escaping (got %s)", s);
	free(s);
	s = NULL;
	CAPTURE(s, fpv_json_string(out, "x\0y", 3));
	ok(strcmp(s, "\"x\\u0000y\"") == 0, "NUL byte escaped");
	free(s);
	/* C1 controls (U+0080..U+009F: CSI is U+009B, UTF-8 c2 9b) are
	 * escaped as C0 ones are; U+00A0 (c2 a0), the first character after
	 * them, is not. */
	s = NULL;
	CAPTURE(s, fpv_json_string(out, "\xc2\x80\xc2\x9b[31m\xc2\x9f\xc2\xa0",
	    12));
	ok(strcmp(s, "\"\\u0080\\u009b[31m\\u009f\xc2\xa0\"") == 0,
	    "C1 controls escaped, U+00A0 not (got %s)", s);
	free(s);
}

/*
 * A step's "text" in JSON is cut at 256 bytes (never inside a UTF-8
 * sequence) with an ellipsis, and "start"/"end" give its span.
 */
static void
test_step_text(void)
{
	struct fpv_session ss;
	struct fpv_trace t;
	struct fpv_error err;
	struct fpv_render_opts o = { .steps = true };
	char src[400], want[300], *s = NULL, *p;
	size_t n = 0;

	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "1.5 + ");
	n += (size_t)snprintf(src + n, sizeof src - n, "1.5");
	fpv_session_init(&ss);
	fpv_trace_init(&t);
	ss.ctx.ncols = 1;
	ss.ctx.cols[0] = FPV_FP32;
	ok(fpv_eval_line(&ss, src, n, 1, &t, &err) == 1,
	    "evaluate a sum of 61 terms (%zu bytes)", n);
	CAPTURE(s, fpv_render_json(out, &t, &o));
	ok(strstr(s, "{\"index\": 1, \"op\": \"literal\", \"text\": \"1.5\", "
	    "\"start\": 0, \"end\": 3, ") != NULL, "step 1: text, start, end");
	snprintf(want, sizeof want, "\"text\": \"%.256s\xe2\x80\xa6\", "
	    "\"start\": 0, \"end\": %zu, ", src, n);
	p = strstr(s, "{\"index\": 121,");
	ok(p != NULL && strstr(p, want) != NULL,
	    "the whole line's step: 256 bytes, an ellipsis, start 0, end %zu",
	    n);
	free(s);
	s = NULL;
	/* A 3-byte character across the cut goes whole. */
	memcpy(t.ast.src + 255, "\xe2\x82\xac", 3);
	CAPTURE(s, fpv_render_json(out, &t, &o));
	snprintf(want, sizeof want, "\"text\": \"%.255s\xe2\x80\xa6\", ",
	    t.ast.src);
	p = strstr(s, "{\"index\": 121,");
	ok(p != NULL && strstr(p, want) != NULL,
	    "the cut does not split a UTF-8 sequence");
	free(s);
	fpv_trace_free(&t);
	fpv_session_free(&ss);
}

/* Rendering a trace as JSON and text; errors. */
static void
test_render(void)
{
	struct fpv_session ss;
	struct fpv_trace t;
	struct fpv_error err;
	struct fpv_render_opts o = { .steps = false };
	char *s = NULL;
	const char *src = "0.1+0.2";

	fpv_session_init(&ss);
	fpv_trace_init(&t);
	ok(fpv_eval_line(&ss, src, strlen(src), 1, &t, &err) == 1,
	    "evaluate 0.1+0.2");
	CAPTURE(s, fpv_render_json(out, &t, &o));
	ok(starts(s, "{\"expr\": \"0.1+0.2\", \"round\": \"nearest\""),
	    "JSON starts with expr and round");
	ok(strstr(s, "\"exact\": \"0.3\"") != NULL, "JSON exact 0.3");
	ok(strstr(s, "\"fp16\": {\"bits\": \"0x34cc\", \"value\": \"0.2998\", "
	    "\"exact_value\": \"0.2998046875\", \"flags\": [\"inexact\"]") != NULL,
	    "JSON fp16 result as in the product brief");
	ok(strstr(s, "\"bits\": \"0x3fd3333333333334\", \"value\": "
	    "\"0.30000000000000004\"") != NULL, "JSON fp64 0.30000000000000004");
	ok(strstr(s, "\"int8\": {\"bits\": \"0x00\", \"value\": \"0\"") != NULL,
	    "JSON int8 0");
	ok(strstr(s, "\"steps\"") == NULL && strchr(s, '\n') == s + strlen(s) - 1,
	    "one line, no steps without opts.steps");
	free(s);
	s = NULL;
	o.steps = true;
	ss.ctx.ncols = 1;
	ss.ctx.cols[0] = FPV_FP32;
	ok(fpv_eval_line(&ss, src, strlen(src), 1, &t, &err) == 1,
	    "evaluate 0.1+0.2 in fp32 alone");
	CAPTURE(s, fpv_render_json(out, &t, &o));
	ok(strstr(s, "\"steps\": [{\"index\": 1, \"op\": \"literal\", "
	    "\"text\": \"0.1\"") != NULL, "JSON steps start with literal 0.1");
	ok(strstr(s, "\"index\": 3, \"op\": \"add\"") != NULL &&
	    strstr(s, "\"local_abs_error\"") != NULL, "JSON step 3 add");
	ok(strstr(s, "fp16") == NULL && strstr(s, "\"int8\"") == NULL,
	    "JSON restricted to fp32");
	free(s);
	s = NULL;
	o.steps = false;
	fpv_ctx_clear(&ss.ctx);
	fpv_ctx_init(&ss.ctx);
	ok(fpv_eval_line(&ss, src, strlen(src), 1, &t, &err) == 1,
	    "evaluate 0.1+0.2 in the default columns");
	CAPTURE(s, fpv_render_text(out, &t, &o));
	ok(starts(s, "0.1+0.2\n") && strstr(s, "0x3fd3333333333334") &&
	    strstr(s, "0.30000000000000004") && strstr(s, "0 01101 0011001100") &&
	    strstr(s, "  exact ") && strstr(s, "inexact") &&
	    strchr(s, '\033') == NULL, "text table");
	/* fp16: 0.2998046875 - 0.3 = -1.953125e-04, relative -6.51e-04,
	 * and 0.8 ulps of 2^-12 (the ulp of fp16 at 0.3), to two digits
	 * as %.2g writes them. */
	ok(strstr(s, "0x34cc") && strstr(s, "0.2998") &&
	    strstr(s, "err -0.0002 (rel -0.00065, 0.8 ulp)"),
	    "text fp16 error cell");
	free(s);
	s = NULL;
	o.color = true;
	CAPTURE(s, fpv_render_text(out, &t, &o));
	ok(strchr(s, '\033') != NULL && strstr(s, "inexact") != NULL,
	    "colour text keeps the words");
	free(s);
	s = NULL;
	o.color = false;

	src = "65504*2";
	fpv_eval_line(&ss, src, strlen(src), 1, &t, &err);
	CAPTURE(s, fpv_render_text(out, &t, &o));
	ok(strstr(s, "0x7c00") && strstr(s, "overflow"), "fp16 overflow shown");
	free(s);
	s = NULL;

	src = "1+";
	ok(fpv_eval_line(&ss, src, strlen(src), 1, &t, &err) < 0, "1+ fails");
	CAPTURE(s, fpv_render_json_error(out, src, strlen(src), &err));
	ok(starts(s, "{\"expr\": \"1+\", \"error\": {\"message\": \"") &&
	    strstr(s, "\"line\": 1, \"column\": 3}}\n") != NULL,
	    "JSON error object (got %.*s)", (int)strcspn(s, "\n"), s);
	free(s);
	s = NULL;
	src = "\xff\"(\n";
	fpv_eval_line(&ss, src, strlen(src), 2, &t, &err);
	CAPTURE(s, fpv_render_json_error(out, src, strlen(src), &err));
	ok(starts(s, "{\"expr\": \"\\ufffd\\\"(\", \"error\""),
	    "JSON error of garbage bytes is valid (got %.*s)",
	    (int)strcspn(s, "\n"), s);
	free(s);
	s = NULL;
	err.line = 4;
	err.col = 7;
	strcpy(err.msg, "expected ')'");
	CAPTURE(s, fpv_render_error(out, &err, false));
	ok(strcmp(s, "error: 4:7: expected ')'\n") == 0, "error line");
	free(s);
	fpv_trace_free(&t);
	fpv_session_free(&ss);
}

/* :info numbers against numpy's finfo / iinfo. */
static void
test_info(void)
{
	static const struct { int f; const char *want; } cases[] = {
		{ FPV_FP16, "65504" },			/* finfo max */
		{ FPV_FP16, "6.104e-05" },		/* smallest normal */
		{ FPV_FP16, "6.103515625e-05" },
		/* 2^-24 = 5.9604644775390625e-08 has 17 digits: the value is
		 * the shortest, marked; the last column says it exactly. */
		{ FPV_FP16, FPV_DEC_MARK "6e-08" },
		{ FPV_FP16, "2^-24" },
		{ FPV_FP16, "2047 x 2^5" },	/* 65504 exactly */
		{ FPV_FP32, FPV_DEC_MARK "3.4028235e+38" },
		{ FPV_FP32, "2^-149" },
		{ FPV_FP16, "0.000977" },		/* eps */
		{ FPV_FP16, "0.0009765625" },
		{ FPV_FP16, "bias       15" },
		{ FPV_FP32, "3.4028235e+38" },
		{ FPV_FP32, "1.1754944e-38" },
		{ FPV_FP32, "1.1920929e-07" },
		{ FPV_FP32, "1e-45" },
		{ FPV_FP64, "1.7976931348623157e+308" },
		{ FPV_FP64, "2.220446049250313e-16" },
		{ FPV_FP64, "2.2250738585072014e-308" },
		{ FPV_FP64, "5e-324" },
		{ FPV_INT8, "-128 .. 127" },
	};
	struct fpv_ctx c;

	fpv_ctx_init(&c);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = fpv_info_text(&c, &fpv_formats[cases[i].f]);

		ok(s && strstr(s, cases[i].want) != NULL, ":info %s shows %s",
		    fpv_formats[cases[i].f].name, cases[i].want);
		free(s);
	}
	{
		char *s = fpv_info_json(&c, &fpv_formats[FPV_FP16]);

		ok(s && strstr(s, "\"max\": {\"value\": \"65500\", \"exact\": "
		    "\"65504\", \"bits\": \"0x7bff\"}") &&
		    strstr(s, "\"eps\": {\"value\": \"0.000977\"") &&
		    strchr(s, '\n') == s + strlen(s) - 1, "--info fp16 JSON");
		free(s);
	}
	fpv_ctx_clear(&c);
}

/* Run a command; returns its status, reply in *r (freed by caller). */
static int
cmd(struct fpv_session *s, struct fpv_display *d, const char *line,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	return fpv_command_run(s, d, line, strlen(line), 1, r, err);
}

/* Expect the command to fail at column col with a message holding msg. */
static void
cmd_fails(struct fpv_session *s, struct fpv_display *d, const char *line,
    int col, const char *msg)
{
	struct fpv_cmd_reply r;
	struct fpv_error err;
	int rc = cmd(s, d, line, &r, &err);

	ok(rc < 0 && err.line == 1 && err.col == col &&
	    strstr(err.msg, msg) != NULL, "%s -> 1:%d: %s (got %d:%d: %s)",
	    line, col, msg, err.line, err.col, rc < 0 ? err.msg : "success");
	if (rc == 0)
		fpv_cmd_reply_free(&r);
}

/* Colon commands: actions, settings and errors. */
static void
test_commands(void)
{
	struct fpv_session s;
	struct fpv_display d = { false, false };
	struct fpv_cmd_reply r;
	struct fpv_error err;
	struct fpv_cmd_why why;
	struct fpv_ctx c;
	mpq_t sc;

	fpv_session_init(&s);
	ok(cmd(&s, &d, ":q", &r, &err) == 0 && r.action == FPV_CMD_QUIT, ":q");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":next", &r, &err) == 0 && r.action == FPV_CMD_NEXT,
	    ":next");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":p", &r, &err) == 0 && r.action == FPV_CMD_PREV, ":p");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":set round up", &r, &err) == 0 &&
	    r.action == FPV_CMD_REEVAL && s.ctx.round == FPV_RND_UP,
	    ":set round up re-evaluates");
	fpv_cmd_reply_free(&r);
	mpq_init(sc);
	ok(cmd(&s, &d, ":set int8.scale 0.1", &r, &err) == 0 &&
	    r.action == FPV_CMD_REEVAL &&
	    (fpv_grid_scale(CFMT(&s.ctx, FPV_INT8), sc), mpq_cmp_ui(sc, 1, 10)) == 0,
	    ":set int8.scale 0.1");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":set int8.zero_point -128", &r, &err) == 0 &&
	    CFMT(&s.ctx, FPV_INT8)->zero_point == -128,
	    ":set int8.zero_point -128");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":set int8.overflow wrap", &r, &err) == 0 &&
	    CFMT(&s.ctx, FPV_INT8)->overflow == FPV_OVF_WRAP,
	    ":set int8.overflow wrap");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":set big on", &r, &err) == 0 && d.big, ":set big on");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":formats fp16,fp64", &r, &err) == 0 &&
	    r.action == FPV_CMD_REEVAL && s.ctx.ncols == 2 &&
	    s.ctx.cols[0] == FPV_FP16 && s.ctx.cols[1] == FPV_FP64, ":formats");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":lesson digits", &r, &err) == 0 &&
	    r.action == FPV_CMD_LESSON && strcmp(r.arg, "digits") == 0,
	    ":lesson digits");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":help", &r, &err) == 0 && r.text &&
	    strstr(r.text, ":set [KEY [VALUE]]") && strstr(r.text, "round MODE") &&
	    strstr(r.text, ":format NAME SPEC"), ":help lists commands");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":help functions", &r, &err) == 0 && r.text &&
	    strstr(r.text, "sqrt(x)") && strstr(r.text, "fma(x,y,z)"),
	    ":help functions");
	fpv_cmd_reply_free(&r);
	{
		struct fpv_trace t;

		fpv_trace_init(&t);
		fpv_eval_line(&s, "x = 0.1", 7, 1, &t, &err);
		fpv_trace_free(&t);
	}
	ok(cmd(&s, &d, ":vars", &r, &err) == 0 && r.text &&
	    /* rounding up: fp16 0x2e67 = 0.10003662109375, 13 digits */
	    strstr(r.text, "x  ") && strstr(r.text, "fp16 " FPV_DEC_MARK
	    "0.10004") &&
	    strstr(r.text, "fp64 " FPV_DEC_MARK "0.1") &&
	    !strstr(r.text, "fp32"),
	    ":vars shows x in the shown formats, as values are shown");
	fpv_cmd_reply_free(&r);
	ok(cmd(&s, &d, ":clear", &r, &err) == 0 && s.nvars == 0, ":clear");
	fpv_cmd_reply_free(&r);

	cmd_fails(&s, &d, ":foo", 1, "unknown command ':foo'");
	cmd_fails(&s, &d, "  :foo bar", 3, "unknown command ':foo'");
	cmd_fails(&s, &d, ":set round sideways", 12, "rounding mode");
	ok(cmd(&s, &d, ":set round", &r, &err) == 0 && r.text != NULL &&
	    strcmp(r.text, "round up\n") == 0, ":set round shows the mode");
	fpv_cmd_reply_free(&r);
	cmd_fails(&s, &d, ":set int8.zero_point 128", 22, "-128..127");
	cmd_fails(&s, &d, ":set int8.zero_point 1.5", 22, "-128..127");
	cmd_fails(&s, &d, ":set int8.scale 0", 17, "scale");
	cmd_fails(&s, &d, ":set int8.scale abc", 17, "scale");
	cmd_fails(&s, &d, ":set int8.overflow clamp", 20, "saturate, wrap");
	cmd_fails(&s, &d, ":set color on", 6, "unknown setting 'color'");
	cmd_fails(&s, &d, ":formats fp16,bf17", 15, "unknown format");
	cmd_fails(&s, &d, ":info fp8", 7, "unknown format 'fp8'");
	cmd_fails(&s, &d, ":quit now", 7, "unexpected 'now'");
	cmd_fails(&s, &d, ":help nothing", 7, "unknown help topic");
	ok(CFMT(&s.ctx, FPV_INT8)->zero_point == -128 &&
	    s.ctx.round == FPV_RND_UP &&
	    (fpv_grid_scale(CFMT(&s.ctx, FPV_INT8), sc), mpq_cmp_ui(sc, 1, 10)) == 0 &&
	    s.ctx.ncols == 2 && s.ctx.cols[1] == FPV_FP64,
	    "failed commands changed nothing");
	mpq_clear(sc);

	fpv_ctx_init(&c);
	ok(fpv_formats_parse(&c, "fp16,fp32", 9, &why) == 0 && c.ncols == 2 &&
	    c.cols[0] == FPV_FP16 && c.cols[1] == FPV_FP32,
	    "formats list fp16,fp32");
	ok(fpv_formats_parse(&c, "all", 3, &why) == 0 &&
	    (size_t)c.ncols == fpv_nbuiltin, "formats list all");
	ok(fpv_formats_parse(&c, "", 0, &why) < 0, "empty formats list fails");
	ok(fpv_formats_parse(&c, "fp16,nope", 9, &why) < 0 && why.off == 5,
	    "unknown format in a list fails");
	fpv_ctx_clear(&c);
	fpv_session_free(&s);
}

int
main(void)
{
	fpv_ctx_init(&C);
	test_shortest_hand();
	test_shortest_machine(FPV_FP64, 4000);
	test_shortest_machine(FPV_FP32, 4000);
	test_shortest_fp16_all();
	for (int fi = 0; fi < FPV_NFORMATS; fi++)
		if (fpv_formats[fi].kind == FPV_KIND_FLOAT)
			test_shortest_vs_search(fi, shortest_count());
	test_exact();
	test_exact_all(50000);
	test_digits_vs_mpfr(50000);
	test_double_vs_printf(100000);
	test_json_string();
	test_render();
	test_step_text();
	test_info();
	test_commands();
	fpv_ctx_clear(&C);
	return tap_done();
}
