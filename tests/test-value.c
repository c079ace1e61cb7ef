/*
 * The value rule of fpv_dec_value: the stored value's exact decimal when
 * it has at most twelve significant digits, else the shortest round-trip
 * decimal after the mark U+2248.  Checked against a reference built the
 * slow way from the exact decimal (fpv_dec_exact, GMP) and the shortest
 * decimal (fpv_dec_shortest), on every fp16 encoding, on random and
 * structured fp32/fp64 encodings and on int8 grids, and against values
 * derived by hand.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "formats.h"
#include "tap.h"

static struct fpv_ctx C;

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x2545f4914f6cdd1du;

	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x9e3779b97f4a7c15u;
}

/* Significant digits of the plain decimal s ("-0.00123" has 3). */
static int
exact_digits(const char *s)
{
	int n = 0, zeros = 0;
	bool lead = true;

	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s == '0' && lead)
			continue;
		lead = false;
		if (*s == '0') {
			zeros++;
		} else {
			n += zeros + 1;
			zeros = 0;
		}
	}
	return n;
}

/* The significant digits of the plain decimal s ("-0.0392", "1200")
 * into d (NUL-ended, no trailing zeros) and the decimal exponent of the
 * first one; returns their number. */
static int
significant(const char *s, char *d, long *E)
{
	const char *dot, *p;
	int n = 0;

	if (*s == '-')
		s++;
	while (*s == '0')
		s++;
	dot = strchr(s, '.');
	if (dot == NULL)
		dot = s + strlen(s);
	if (dot > s) {
		*E = (long)(dot - s) - 1;
		p = s;
	} else {
		p = *dot ? dot + 1 : dot;
		*E = -1;
		while (*p == '0') {
			p++;
			(*E)--;
		}
	}
	for (; *p; p++)
		if (*p >= '0' && *p <= '9')
			d[n++] = *p;
	while (n > 1 && d[n - 1] == '0')
		n--;
	d[n] = '\0';
	return n;
}

/* The rule the slow way: the exact decimal's digits decide. */
static void
reference(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    char *buf, size_t size)
{
	char *ex = fpv_dec_exact(c, f, b), sh[FPV_DEC_SHORT];
	enum fpv_class cls = fpv_bits_class(f, b);

	fpv_dec_shortest(c, f, b, sh);
	if (ex == NULL || cls == FPV_CLASS_INF || cls == FPV_CLASS_QNAN ||
	    cls == FPV_CLASS_SNAN ||
	    (cls == FPV_CLASS_ZERO && f->kind == FPV_KIND_FLOAT)) {
		snprintf(buf, size, "%s", sh);
	} else if (exact_digits(ex) <= FPV_DEC_VALUE_DIGITS) {
		/* The exact value in the usual notation. */
		mpfr_t x;

		mpfr_init2(x, FPV_EXACT_PREC);
		fpv_num_decode(c, f, b, x);
		if (f->kind == FPV_KIND_INT)
			snprintf(buf, size, "%s", sh);	/* int: exact */
		else
			fpv_dec_round(x, FPV_DEC_VALUE_DIGITS, buf, size);
		mpfr_clear(x);
	} else if (f->kind == FPV_KIND_INT) {
		/* Marked; what follows is checked by int_roundtrips. */
		snprintf(buf, size, "%s?", FPV_DEC_MARK);
	} else {
		/* The shortest, marked unless it is the exact value itself. */
		char e40[FPV_DEC_VALUE];
		mpfr_t x;

		mpfr_init2(x, FPV_EXACT_PREC);
		fpv_num_decode(c, f, b, x);
		fpv_dec_round(x, 40, e40, sizeof e40);
		mpfr_clear(x);
		if (exact_digits(ex) <= 40 && strcmp(e40, sh) == 0)
			snprintf(buf, size, "%s", sh);
		else
			snprintf(buf, size, "%s%s", FPV_DEC_MARK, sh);
	}
	free(ex);
}

/* Compare fpv_dec_value with the reference on b; count mismatches. */
static int
compare(const struct fpv_ctx *c, const struct fpv_format *f, uint64_t b,
    int *shown)
{
	char got[FPV_DEC_VALUE], want[FPV_DEC_VALUE];
	bool rounded;
	size_t n = fpv_dec_value(c, f, b, got, &rounded);

	reference(c, f, b, want, sizeof want);
	if (strcmp(want, FPV_DEC_MARK "?") == 0 && rounded)
		snprintf(want, sizeof want, "%s", got);
	if (strcmp(got, want) == 0 && n == strlen(got) &&
	    rounded == (strncmp(got, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0))
		return 0;
	if ((*shown)++ < 5)
		diag("%s 0x%llx: got '%s' (%zu, %d), want '%s'", f->name,
		    (unsigned long long)b, got, n, rounded, want);
	return 1;
}

/* fpv_dec_value of f's encoding b. */
static const char *
value(const struct fpv_format *f, uint64_t b)
{
	static char buf[FPV_DEC_VALUE];

	fpv_dec_value(&C, f, b, buf, NULL);
	return buf;
}

/* fpv_dec_value of the literal text rounded into f. */
static const char *
value_of(const struct fpv_format *f, const char *text)
{
	struct fpv_real r;
	mpfr_t x;
	unsigned fl = 0;
	uint64_t b;
	bool neg = text[0] == '-';

	mpfr_init2(x, FPV_EXACT_PREC);
	fpv_real_parse(&r, x, text + neg, strlen(text + neg));
	if (neg) {
		mpfr_neg(x, x, MPFR_RNDN);
		r.negative = true;
	}
	b = fpv_num_round_real(&C, f, &r, &fl);
	mpfr_clear(x);
	return value(f, b);
}

#define M FPV_DEC_MARK
/* int8 with the settings of C (its registry's row). */
#define I8 CFMT(&C, FPV_INT8)

static void
hand_values(void)
{
	const struct fpv_format *h = &fpv_formats[FPV_FP16];
	const struct fpv_format *s = &fpv_formats[FPV_FP32];
	const struct fpv_format *d = &fpv_formats[FPV_FP64];

	/* 65504 = 2047 * 2^5, five digits: exact, where the shortest
	 * decimal is 65500. */
	ok(strcmp(value(h, 0x7bff), "65504") == 0,
	    "fp16 max is 65504 (%s)", value(h, 0x7bff));
	/* Neighbours of 10000 (0x70e2) in fp16, ulp 8: 9992 and 10008. */
	ok(strcmp(value(h, 0x70e1), "9992") == 0, "fp16 below 1e4 is 9992");
	ok(strcmp(value(h, 0x70e3), "10008") == 0, "fp16 above 1e4 is 10008");
	/* fp16 0.1 + 0.2 = 0x34cc = 307 * 2^-10 = 0.2998046875 (10 digits). */
	ok(strcmp(value(h, 0x34cc), "0.2998046875") == 0,
	    "fp16 0.1 + 0.2 is 0.2998046875");
	/* 2^-14 = 6.103515625e-05 (10 digits); 2^-24 has 17 digits
	 * (5.9604644775390625e-08): the shortest, 6e-08, marked. */
	ok(strcmp(value(h, 0x0400), "6.103515625e-05") == 0,
	    "fp16 smallest normal is 6.103515625e-05");
	ok(strcmp(value(h, 0x0001), M "6e-08") == 0,
	    "fp16 smallest subnormal is " M "6e-08 (%s)", value(h, 0x0001));
	/* fp16 0.1 = 819 * 2^-13 = 819 * 5^13 / 10^13 = 0.0999755859375:
	 * 819 * 1220703125 = 999755859375, twelve digits: exact. */
	ok(strcmp(value_of(h, "0.1"), "0.0999755859375") == 0,
	    "fp16 0.1 is exactly 0.0999755859375 (%s)", value_of(h, "0.1"));
	ok(strcmp(value_of(h, "-0.1"), "-0.0999755859375") == 0,
	    "fp16 -0.1 is exactly -0.0999755859375");
	/* fp16 1/3: 0x3555 = 1365 * 2^-12 = 0.333251953125 (12 digits). */
	ok(strcmp(value(h, 0x3555), "0.333251953125") == 0,
	    "fp16 0x3555 is 0.333251953125");
	/* fp16 0.3: 0x34cd = 1229 * 2^-12 = 0.300048828125, 12 digits. */
	ok(strcmp(value(h, 0x34cd), "0.300048828125") == 0,
	    "fp16 0x34cd is 0.300048828125");
	/* fp16 0x3c01 = 1 + 2^-10 = 1.0009765625 (11 digits). */
	ok(strcmp(value(h, 0x3c01), "1.0009765625") == 0,
	    "fp16 1 + 2^-10 is 1.0009765625");
	/* 0x2e67 = 1639 * 2^-14: 13 digits (0.10003662109375) -> shortest. */
	ok(strcmp(value(h, 0x2e67), M "0.10004") == 0,
	    "fp16 0x2e67 is " M "0.10004 (%s)", value(h, 0x2e67));
	/* fp32 and fp64 0.1, 0.3 and 0.1 + 0.2: long binary fractions. */
	ok(strcmp(value_of(s, "0.1"), M "0.1") == 0, "fp32 0.1 is " M "0.1");
	ok(strcmp(value_of(d, "0.1"), M "0.1") == 0, "fp64 0.1 is " M "0.1");
	ok(strcmp(value(d, 0x3fd3333333333334), M "0.30000000000000004") == 0,
	    "fp64 0.1 + 0.2 is " M "0.30000000000000004");
	ok(strcmp(value(s, 0x3e99999a), M "0.3") == 0,
	    "fp32 0.1 + 0.2 is " M "0.3");
	/* Short binary fractions and integers are exact. */
	ok(strcmp(value_of(d, "0.5"), "0.5") == 0, "fp64 0.5 is 0.5");
	ok(strcmp(value_of(d, "6.75"), "6.75") == 0, "fp64 6.75 is 6.75");
	ok(strcmp(value_of(d, "10000.0001"), M "10000.0001") == 0,
	    "fp64 10000.0001 is " M "10000.0001");
	ok(strcmp(value_of(d, "1e22"), "1e+22") == 0,
	    "fp64 1e22 = 2^22 5^22 is exact: 1e+22");
	ok(strcmp(value_of(d, "1e23"), M "1e+23") == 0,
	    "fp64 1e23 is not: " M "1e+23 (%s)", value_of(d, "1e23"));
	ok(strcmp(value_of(d, "123456789012"), "123456789012") == 0,
	    "fp64 123456789012 (12 digits) is exact");
	/* Longer exact decimals are not marked when the shortest decimal
	 * is the exact one. */
	ok(strcmp(value_of(d, "1234567890123"), "1234567890123") == 0,
	    "fp64 1234567890123 (13 digits) is exact and not marked");
	ok(strcmp(value(d, 0x3ff1998000000000), "1.0999755859375") == 0,
	    "fp64 1 + fp16 0.1 = 1.0999755859375 (14 digits, the shortest)");
	/* 2^40 = 1099511627776 has 13 digits; 2^39 = 549755813888 has 12. */
	ok(strcmp(value(d, (uint64_t)(1023 + 39) << 52), "549755813888") == 0,
	    "fp64 2^39 is exact");
	ok(strcmp(value(d, (uint64_t)(1023 + 40) << 52), "1099511627776")
	    == 0, "fp64 2^40 is the shortest itself (%s)",
	    value(d, (uint64_t)(1023 + 40) << 52));
	ok(strcmp(value(s, (uint64_t)(127 + 40) << 23), M "1099511600000")
	    == 0, "fp32 2^40 is marked (%s)",
	    value(s, (uint64_t)(127 + 40) << 23));
	/* 2^-17 = 7.62939453125e-06 (12 digits); 2^-18 has 13. */
	ok(strcmp(value(d, (uint64_t)(1023 - 17) << 52), "7.62939453125e-06")
	    == 0, "fp64 2^-17 is exact");
	ok(strcmp(value(d, (uint64_t)(1023 - 18) << 52), "3.814697265625e-06")
	    == 0, "fp64 2^-18 is the shortest itself (%s)",
	    value(d, (uint64_t)(1023 - 18) << 52));
	ok(strcmp(value(s, (uint64_t)(127 - 18) << 23), M "3.8146973e-06")
	    == 0, "fp32 2^-18 is marked (%s)",
	    value(s, (uint64_t)(127 - 18) << 23));
	ok(strcmp(value(d, 0x8000000000000000), "-0") == 0, "fp64 -0");
	ok(strcmp(value(d, 0x7ff0000000000000), "inf") == 0, "fp64 inf");
	ok(strcmp(value(h, 0xfc00), "-inf") == 0, "fp16 -inf");
	ok(strcmp(value(h, 0x7e00), "nan") == 0, "fp16 nan");
}

/* Does the decimal text t (maybe negative) quantize to q in int8? */
static bool
reads_back(const char *t, uint64_t q)
{
	struct fpv_real r;
	mpfr_t x;
	unsigned fl = 0;
	bool neg = t[0] == '-', same;
	struct fpv_ctx near;

	fpv_ctx_init(&near);
	fpv_ctx_copy(&near, &C);
	near.round = FPV_RND_NEAREST;
	mpfr_init2(x, FPV_EXACT_PREC);
	fpv_real_parse(&r, x, t + neg, strlen(t + neg));
	if (neg) {
		mpfr_neg(x, x, MPFR_RNDN);
		r.negative = true;
	}
	same = fpv_num_round_real(&near, I8, &r, &fl) == q;
	mpfr_clear(x);
	fpv_ctx_clear(&near);
	return same;
}

/*
 * Under the int8 scale text, every rounded value reads back to its q and
 * is the shortest that does: neither neighbouring decimal with one digit
 * fewer (the truncation of the exact value and one unit above it, the
 * nearest on each side; the values that read back form an interval
 * around the exact one) reads back.
 */
static void
int_roundtrips(const char *scale)
{
	const char *why;
	int bad = 0, rounded_n = 0;

	set_int8_scale(&C, scale, &why);
	WFMT(&C, FPV_INT8)->zero_point = 0;
	for (unsigned q = 0; q < 256; q++) {
		char buf[FPV_DEC_VALUE], *ex;
		bool rounded;
		const char *t;
		int nd;

		fpv_dec_value(&C, I8, q, buf, &rounded);
		if (!rounded)
			continue;
		rounded_n++;
		t = buf + FPV_DEC_MARK_LEN;
		if (!reads_back(t, q)) {
			if (bad++ < 3)
				diag("q %u: %s does not read back", q, buf);
			continue;
		}
		/* The exact value's digits, truncated to nd - 1 of them. */
		nd = exact_digits(t);
		ex = fpv_dec_exact(&C, I8, q);
		if (nd > 1 && ex != NULL) {
			char ds[80], a[100], b[100];
			long E;
			int n = significant(ex, ds, &E), k = nd - 1;
			bool neg = ex[0] == '-';

			/* a: the first k digits; b: one unit more. */
			snprintf(a, sizeof a, "%s%.*se%ld", neg ? "-" : "", k, ds,
			    E - k + 1);
			for (int i = k - 1; i >= 0; i--) {
				if (ds[i] != '9') {
					ds[i]++;
					break;
				}
				ds[i] = '0';
				if (i == 0) {
					memmove(ds + 1, ds, (size_t)n);
					ds[0] = '1';
					E++;
				}
			}
			snprintf(b, sizeof b, "%s%.*se%ld", neg ? "-" : "", k, ds,
			    E - k + 1);
			if (reads_back(a, q) || reads_back(b, q)) {
				if (bad++ < 3)
					diag("q %u: %s is not the shortest (%s or "
					    "%s reads back)", q, buf, a, b);
			}
		}
		free(ex);
	}
	ok(bad == 0 && rounded_n > 0, "int8 scale %s: %d rounded values read "
	    "back and are the shortest that do", scale, rounded_n);
}

static void
int_values(void)
{
	const char *why;
	int bad = 0, shown = 0;

	ok(strcmp(value(I8, 0x7f), "127") == 0, "int8 127");
	ok(strcmp(value(I8, 0x80), "-128") == 0, "int8 -128");
	set_int8_scale(&C, "0.1", &why);
	ok(strcmp(value(I8, 0x05), "0.5") == 0, "int8 scale 0.1: q 5 is 0.5");
	ok(strcmp(value(I8, 0x7f), "12.7") == 0, "int8 scale 0.1: 12.7");
	/* scale 0.0039215686274509803 (1/255 to 20 digits): q = 100 is
	 * 0.39215686274509803, 17 digits; it quantizes back from
	 * [99.5, 100.5] * scale = [0.39019.., 0.39411..]: 0.39 is below,
	 * 0.392 inside, and the 3-digit candidates 0.392 and 0.393 both
	 * read back, 0.392 the nearer. */
	set_int8_scale(&C, "0.0039215686274509803", &why);
	ok(strcmp(value(I8, 100), M "0.392") == 0,
	    "int8 scale 1/255: q 100 is " M "0.392 (%s)", value(I8, 100));
	/* q = -64: -0.25098039215686273920; [-64.5, -63.5] * scale =
	 * [-0.25294.., -0.24902..] holds -0.25. */
	ok(strcmp(value(I8, 0xc0), M "-0.25") == 0,
	    "int8 scale 1/255: q -64 is " M "-0.25 (%s)", value(I8, 0xc0));
	ok(strcmp(value(I8, 0), "0") == 0, "int8 scale 1/255: q 0 is 0");
	/* Every q of a few grids against the reference. */
	{
		static const char *const scales[] = {
			"1", "0.1", "0.0157", "3", "0.0039215686274509803",
			"123456.789012345", "1e-20", "7.77777777777777"
		};

		for (size_t k = 0; k < sizeof scales / sizeof *scales; k++) {
			set_int8_scale(&C, scales[k], &why);
			for (long zp = -3; zp <= 3; zp += 3) {
				WFMT(&C, FPV_INT8)->zero_point = zp;
				for (unsigned q = 0; q < 256; q++)
					bad += compare(&C, I8, q, &shown);
			}
		}
		ok(bad == 0, "int8 grids: every q of 8 scales, 3 zero points, "
		    "as the reference (%d differ)", bad);
	}
	int_roundtrips("7.77777777777777");
	int_roundtrips("0.0039215686274509803");
	int_roundtrips("123456.789012345");
	int_roundtrips("0.00000000000012345678901234");
	set_int8_scale(&C, "1", &why);
	WFMT(&C, FPV_INT8)->zero_point = 0;
}

int
main(void)
{
	int bad, shown;

	fpv_ctx_init(&C);
	hand_values();

	bad = shown = 0;
	for (uint64_t b = 0; b < 0x10000; b++)
		bad += compare(&C, &fpv_formats[FPV_FP16], b, &shown);
	ok(bad == 0, "every fp16 encoding as the reference (%d differ)", bad);

	for (int f = FPV_FP32; f <= FPV_FP64; f++) {
		const struct fpv_format *F = &fpv_formats[f];
		uint64_t m = fpv_format_mask(F);

		bad = shown = 0;
		for (int i = 0; i < 200000; i++) {
			uint64_t r = rnd(), b;

			switch (i % 4) {
			case 0:		/* anything */
				b = r & m;
				break;
			case 1: {	/* few significant bits: short fractions */
				int e = (int)(r % (2 * 64)) - 64;
				uint64_t top = (r >> 8) & 0xfff;

				b = ((uint64_t)(F->bias + e) << F->frac_bits) |
				    (top << (F->frac_bits - 12));
				break;
			}
			case 2:		/* integers and their neighbours */
				b = (((uint64_t)(F->bias + (int)(r % 60))) <<
				    F->frac_bits) | ((r >> 16) &
				    (((uint64_t)1 << F->frac_bits) - 1) &
				    ~(((uint64_t)1 << (F->frac_bits -
				    (int)(r % 60 < (uint64_t)F->frac_bits ?
				    r % 60 : 0))) - 1));
				break;
			default:	/* subnormals */
				b = r & ((((uint64_t)1 << F->frac_bits) - 1) >>
				    (r % (uint64_t)F->frac_bits));
				break;
			}
			if ((r >> 63) != 0)
				b |= (uint64_t)1 << (F->bits - 1);
			bad += compare(&C, F, b & m, &shown);
		}
		ok(bad == 0, "%s: 200000 random and structured encodings as the "
		    "reference (%d differ)", F->name, bad);
	}
	int_values();
	/* Every built-in format: all encodings up to 16 bits, else random
	 * ones (E8M0, fn and finite-only floats, unsigned grids ...). */
	for (size_t k = 0; k < fpv_nbuiltin; k++) {
		const struct fpv_format *F = CFMT(&C, (int)k);
		uint64_t m = fpv_format_mask(F);
		bool all = F->bits <= 16;

		bad = shown = 0;
		for (uint64_t i = 0; i < (all ? m + 1 : 20000); i++)
			bad += compare(&C, F, all ? i : rnd() & m, &shown);
		ok(bad == 0, "%s: %s encodings as the reference (%d differ)",
		    F->name, all ? "all" : "20000 random", bad);
	}
	fpv_ctx_clear(&C);
	return tap_done();
}
