/*
 * Format descriptors, bit fields, bit strings and IEEE encode/decode,
 * checked against hand-derived bit patterns and against the machine's
 * own float and double (and _Float16 where the compiler has it).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fpviz/num.h"
#include "formats.h"
#include "tap.h"

static struct fpv_ctx ctx;

#define F16 (&fpv_formats[FPV_FP16])
#define F32 (&fpv_formats[FPV_FP32])
#define F64 (&fpv_formats[FPV_FP64])
#define I8 (&fpv_formats[FPV_INT8])

/* fpv_bits_binary of b equals want, and its length is returned. */
static void
binary_is(const struct fpv_format *f, uint64_t b, const char *want,
    const char *what)
{
	char buf[80];
	size_t n;

	memset(buf, 'X', sizeof buf);
	n = fpv_bits_binary(f, b, buf);
	if (!ok(strcmp(buf, want) == 0 && n == strlen(want) &&
	    n <= (size_t)f->bits + 2, "binary %s: \"%s\"", what, want))
		diag("got \"%s\" (length %zu)", buf, n);
}

/* fpv_bits_hex of b equals want. */
static void
hex_is(const struct fpv_format *f, uint64_t b, const char *want,
    const char *what)
{
	char buf[40];
	size_t n;

	memset(buf, 'X', sizeof buf);
	n = fpv_bits_hex(f, b, buf);
	if (!ok(strcmp(buf, want) == 0 && n == strlen(want),
	    "hex %s: %s", what, want))
		diag("got \"%s\" (length %zu)", buf, n);
}

/* The value of bits of f, decoded at 64 bits, equals the text's (decimal
 * or 0x hex). */
static void
value_is(const struct fpv_format *f, uint64_t b, const char *want,
    const char *what)
{
	mpfr_t x, y;

	mpfr_inits2(64, x, y, (mpfr_ptr)0);
	fpv_num_decode(&ctx, f, b, x);
	mpfr_set_str(y, want, 0, MPFR_RNDN);	/* exact for these */
	if (!ok(mpfr_equal_p(x, y) && mpfr_signbit(x) == mpfr_signbit(y),
	    "decode %s = %s", what, want))
		mpfr_printf("# got %.30Rg\n", x);
	mpfr_clears(x, y, (mpfr_ptr)0);
}

/* Rounding the exact text value into f gives bits, with no IEEE flag. */
static void
encode_is(const struct fpv_format *f, const char *text, uint64_t want)
{
	mpfr_t x;
	struct fpv_real r;
	unsigned flags = 0;
	uint64_t got;
	int t;

	mpfr_init2(x, FPV_EXACT_PREC);
	t = fpv_real_parse(&r, x, text, strlen(text));
	got = fpv_num_round_real(&ctx, f, &r, &flags);
	if (!ok(t == 0 && got == want && (flags & FPV_FLAGS_IEEE) == 0,
	    "encode %s %s = 0x%llx", f->name, text, (unsigned long long)want))
		diag("got 0x%llx, flags 0x%x, text exact %d",
		    (unsigned long long)got, flags, t);
	mpfr_clear(x);
}

/* The format table and lookups. */
static void
test_table(void)
{
	ok(F16->bits == 16 && F16->exp_bits == 5 && F16->frac_bits == 10 &&
	    F16->emax == 15 && fpv_format_prec(F16) == 11,
	    "fp16 is 1/5/10, emax 15, precision 11");
	ok(F32->bits == 32 && F32->exp_bits == 8 && F32->frac_bits == 23 &&
	    F32->emax == 127 && fpv_format_prec(F32) == 24,
	    "fp32 is 1/8/23, emax 127, precision 24");
	ok(F64->bits == 64 && F64->exp_bits == 11 && F64->frac_bits == 52 &&
	    F64->emax == 1023 && fpv_format_prec(F64) == 53,
	    "fp64 is 1/11/52, emax 1023, precision 53");
	ok(I8->kind == FPV_KIND_INT && I8->bits == 8 && I8->qmin == -128 &&
	    I8->qmax == 127, "int8 is an 8-bit grid -128..127");
	ok(F16->qnan == 0x7e00 && F32->qnan == 0x7fc00000 &&
	    F64->qnan == 0x7ff8000000000000, "canonical quiet NaNs");
	ok(fpv_format_mask(F16) == 0xffff && fpv_format_mask(I8) == 0xff &&
	    fpv_format_mask(F64) == UINT64_MAX, "masks");
	for (int i = 0; i < FPV_NFORMATS; i++) {
		const char *n = fpv_formats[i].name;

		ok(fpv_builtin_by_name(n, strlen(n)) == &fpv_formats[i] &&
		    fpv_ctx_find(&ctx, n, strlen(n)) == i,
		    "lookup and index of %s", n);
	}
	ok(fpv_builtin_by_name("fp1", 3) == NULL &&
	    fpv_builtin_by_name("fp16x", 5) == NULL &&
	    fpv_builtin_by_name("fp16x", 4) == F16 &&
	    fpv_builtin_by_name("", 0) == NULL, "lookup by length, unknown names");
}

/* Fields, binary and hex strings of hand-derived encodings. */
static void
test_strings(void)
{
	/* 6.75 = 110.11b = 1.1011b * 2^2: exponent 2 + 127 = 129. */
	ok(fpv_bits_sign(F32, 0x40d80000) == 0 &&
	    fpv_bits_exp(F32, 0x40d80000) == 129 &&
	    fpv_bits_frac(F32, 0x40d80000) == 0x580000,
	    "fields of 6.75 in fp32: 0, 129, 0x580000");
	binary_is(F32, 0x40d80000, "0 10000001 10110000000000000000000",
	    "fp32 6.75");
	hex_is(F32, 0x40d80000, "0x40d80000", "fp32 6.75");
	encode_is(F32, "6.75", 0x40d80000);
	value_is(F32, 0x40d80000, "6.75", "fp32 0x40d80000");
	ok(fpv_bits_sign(F32, 0xc0d80000) == 1, "sign of -6.75");
	binary_is(F32, 0xc0d80000, "1 10000001 10110000000000000000000",
	    "fp32 -6.75");

	/* fp16: 1.0 = 0 01111 0..., 65504 = (2 - 2^-10) * 2^15. */
	binary_is(F16, 0x3c00, "0 01111 0000000000", "fp16 1");
	hex_is(F16, 0x3c00, "0x3c00", "fp16 1");
	encode_is(F16, "1", 0x3c00);
	value_is(F16, 0x3c00, "1", "fp16 0x3c00");
	binary_is(F16, 0x7bff, "0 11110 1111111111", "fp16 65504");
	hex_is(F16, 0x7bff, "0x7bff", "fp16 65504");
	encode_is(F16, "65504", 0x7bff);
	value_is(F16, 0x7bff, "65504", "fp16 0x7bff");
	binary_is(F16, 0x0001, "0 00000 0000000001", "fp16 2^-24");
	hex_is(F16, 0x0001, "0x0001", "fp16 2^-24");
	encode_is(F16, "5.9604644775390625e-8", 0x0001);
	value_is(F16, 0x0001, "5.9604644775390625e-8", "fp16 0x0001 = 2^-24");
	value_is(F16, 0x03ff, "6.0975551605224609375e-5",
	    "fp16 0x03ff = 1023 * 2^-24");
	value_is(F16, 0x0400, "6.103515625e-5", "fp16 0x0400 = 2^-14");
	value_is(F16, 0x3555, "0.33325195312500000",
	    "fp16 0x3555 = 1365 * 2^-12");
	value_is(F16, 0x8000, "-0", "fp16 0x8000 = -0");
	binary_is(F16, 0xfc00, "1 11111 0000000000", "fp16 -inf");
	hex_is(F16, 0x000a, "0x000a", "fp16 leading zeros kept");

	/* fp64: 1.0 = 0 01111111111 0...; 0.1 = 0x3fb999999999999a. */
	binary_is(F64, 0x3ff0000000000000, "0 01111111111 "
	    "0000000000000000000000000000000000000000000000000000", "fp64 1");
	hex_is(F64, 0x3ff0000000000000, "0x3ff0000000000000", "fp64 1");
	encode_is(F64, "1", 0x3ff0000000000000);
	hex_is(F64, 0x3fb999999999999a, "0x3fb999999999999a", "fp64 0.1");
	binary_is(F64, 0x3fb999999999999a, "0 01111111011 "
	    "1001100110011001100110011001100110011001100110011010", "fp64 0.1");
	value_is(F64, 0x3fb999999999999a,
	    "0.1000000000000000055511151231257827021181583404541015625",
	    "fp64 0.1's exact value");
	hex_is(F64, 0x1, "0x0000000000000001", "fp64 2^-1074");
	value_is(F64, 0x8000000000000001, "-0x1p-1074", "fp64 -2^-1074");
	encode_is(F64, "0x1.fffffffffffffp1023", 0x7fefffffffffffff);
	encode_is(F32, "0x1p-149", 0x00000001);
	encode_is(F32, "0x1.fffffep127", 0x7f7fffff);

	/* int8: sign bit, then the 7 other bits of the two's complement. */
	binary_is(I8, 127, "0 1111111", "int8 127");
	binary_is(I8, 0x80, "1 0000000", "int8 -128");
	binary_is(I8, 0xff, "1 1111111", "int8 -1");
	binary_is(I8, 0, "0 0000000", "int8 0");
	binary_is(I8, 5, "0 0000101", "int8 5");
	hex_is(I8, 0x7f, "0x7f", "int8 127");
	hex_is(I8, 0x80, "0x80", "int8 -128");
	hex_is(I8, 0x05, "0x05", "int8 5");
	value_is(I8, 0x80, "-128", "int8 0x80");
	value_is(I8, 0xff, "-1", "int8 0xff");
	value_is(I8, 0x7f, "127", "int8 0x7f");
	encode_is(I8, "127", 0x7f);
	encode_is(I8, "0", 0x00);
}

/* fpv_bits_class on one encoding of every class. */
static void
test_class(void)
{
	static const struct {
		int fmt;
		uint64_t bits;
		enum fpv_class want;
	} cases[] = {
		{ FPV_FP16, 0x0000, FPV_CLASS_ZERO },
		{ FPV_FP16, 0x8000, FPV_CLASS_ZERO },
		{ FPV_FP16, 0x0001, FPV_CLASS_SUBNORMAL },
		{ FPV_FP16, 0x83ff, FPV_CLASS_SUBNORMAL },
		{ FPV_FP16, 0x0400, FPV_CLASS_NORMAL },
		{ FPV_FP16, 0xfbff, FPV_CLASS_NORMAL },
		{ FPV_FP16, 0x7c00, FPV_CLASS_INF },
		{ FPV_FP16, 0xfc00, FPV_CLASS_INF },
		{ FPV_FP16, 0x7e00, FPV_CLASS_QNAN },
		{ FPV_FP16, 0xffff, FPV_CLASS_QNAN },
		{ FPV_FP16, 0x7c01, FPV_CLASS_SNAN },
		{ FPV_FP16, 0xfdff, FPV_CLASS_SNAN },
		{ FPV_FP32, 0x00000000, FPV_CLASS_ZERO },
		{ FPV_FP32, 0x80000000, FPV_CLASS_ZERO },
		{ FPV_FP32, 0x00000001, FPV_CLASS_SUBNORMAL },
		{ FPV_FP32, 0x807fffff, FPV_CLASS_SUBNORMAL },
		{ FPV_FP32, 0x00800000, FPV_CLASS_NORMAL },
		{ FPV_FP32, 0x40d80000, FPV_CLASS_NORMAL },
		{ FPV_FP32, 0x7f800000, FPV_CLASS_INF },
		{ FPV_FP32, 0xff800000, FPV_CLASS_INF },
		{ FPV_FP32, 0x7fc00000, FPV_CLASS_QNAN },
		{ FPV_FP32, 0x7f800001, FPV_CLASS_SNAN },
		{ FPV_FP32, 0xffbfffff, FPV_CLASS_SNAN },
		{ FPV_FP64, 0x0000000000000000, FPV_CLASS_ZERO },
		{ FPV_FP64, 0x8000000000000000, FPV_CLASS_ZERO },
		{ FPV_FP64, 0x0000000000000001, FPV_CLASS_SUBNORMAL },
		{ FPV_FP64, 0x000fffffffffffff, FPV_CLASS_SUBNORMAL },
		{ FPV_FP64, 0x0010000000000000, FPV_CLASS_NORMAL },
		{ FPV_FP64, 0x7fefffffffffffff, FPV_CLASS_NORMAL },
		{ FPV_FP64, 0x7ff0000000000000, FPV_CLASS_INF },
		{ FPV_FP64, 0xfff0000000000000, FPV_CLASS_INF },
		{ FPV_FP64, 0x7ff8000000000000, FPV_CLASS_QNAN },
		{ FPV_FP64, 0xfff8000000000001, FPV_CLASS_QNAN },
		{ FPV_FP64, 0x7ff0000000000001, FPV_CLASS_SNAN },
		{ FPV_FP64, 0x7ff7ffffffffffff, FPV_CLASS_SNAN },
		{ FPV_INT8, 0x00, FPV_CLASS_ZERO },
		{ FPV_INT8, 0x01, FPV_CLASS_NORMAL },
		{ FPV_INT8, 0x80, FPV_CLASS_NORMAL },
		{ FPV_INT8, 0xff, FPV_CLASS_NORMAL },
	};
	static const char *const names[] = {
		"zero", "subnormal", "normal", "inf", "qnan", "snan"
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct fpv_format *f = &fpv_formats[cases[i].fmt];
		enum fpv_class k = fpv_bits_class(f, cases[i].bits);

		if (!ok(k == cases[i].want, "class of %s 0x%llx is %s", f->name,
		    (unsigned long long)cases[i].bits, names[cases[i].want]))
			diag("got %s", names[k]);
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* A deterministic xorshift64 generator. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Same value, same sign, both NaN or neither: MPFR x against double d. */
static int
same_as_double(mpfr_srcptr x, double d)
{
	if (isnan(d))
		return mpfr_nan_p(x) != 0;
	if (mpfr_nan_p(x))
		return 0;
	return mpfr_cmp_d(x, d) == 0 && !mpfr_signbit(x) == !signbit(d);
}

/* A random bit pattern biased toward the classes' boundaries. */
static uint64_t
random_bits(const struct fpv_format *f)
{
	uint64_t b = rng() & fpv_format_mask(f);
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;

	switch (rng() % 4) {
	case 0:		/* exponent field 0, all ones, or 1 */
		b &= ~(emask << f->frac_bits);
		b |= (uint64_t)((const uint64_t[]){ 0, emask, 1 })[rng() % 3]
		    << f->frac_bits;
		break;
	case 1:		/* few fraction bits */
		b &= ~(((uint64_t)1 << f->frac_bits) - 1) |
		    (rng() % 4 == 0 ? 1 : 0x7);
		break;
	default:
		break;
	}
	return b;
}

/*
 * Decode against the machine: every fp32 pattern's decoded value is the
 * float with those bits, and likewise for fp64 and fp16 (_Float16);
 * encoding the decoded value again (rounding an exact real) gives the
 * same bits back with no IEEE flag.
 */
static void
test_decode_machine(void)
{
	static const int fmts[] = { FPV_FP16, FPV_FP32, FPV_FP64 };
	mpfr_t x;

	mpfr_init2(x, FPV_EXACT_PREC);
	for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
		const struct fpv_format *f = &fpv_formats[fmts[k]];
		long n = 0, bad_decode = 0, bad_round = 0, nmachine = 0;
		/* fp16 has few enough patterns to try them all. */
		long total = f->bits == 16 ? 65536 : 200000;

		for (long i = 0; i < total; i++) {
			uint64_t b = f->bits == 16 ? (uint64_t)i : random_bits(f);
			enum fpv_class cl = fpv_bits_class(f, b);
			int good = 1;

			fpv_num_decode(&ctx, f, b, x);
			n++;
			if (f->bits == 32) {
				uint32_t u = (uint32_t)b;
				float v;

				memcpy(&v, &u, sizeof v);
				good = same_as_double(x, (double)v);
				nmachine++;
			} else if (f->bits == 64) {
				double v;

				memcpy(&v, &b, sizeof v);
				good = same_as_double(x, v);
				nmachine++;
			} else {
#ifdef HAVE_FLOAT16
				uint16_t u = (uint16_t)b;
				_Float16 v;

				memcpy(&v, &u, sizeof v);
				good = same_as_double(x, (double)v);
				nmachine++;
#endif
			}
			if (!good && bad_decode++ < 5)
				mpfr_printf("# decode %s 0x%llx: got %Ra\n",
				    f->name, (unsigned long long)b, x);
			if (cl != FPV_CLASS_QNAN && cl != FPV_CLASS_SNAN) {
				struct fpv_real r = { .approx = x };
				unsigned flags = 0;
				uint64_t back = fpv_num_round_real(&ctx, f, &r,
				    &flags);

				if ((back != b || (flags & FPV_FLAGS_IEEE) != 0) &&
				    bad_round++ < 5)
					diag("re-encode %s 0x%llx: got 0x%llx "
					    "flags 0x%x", f->name,
					    (unsigned long long)b,
					    (unsigned long long)back, flags);
			}
		}
		ok(bad_decode == 0, "decode of %ld %s patterns agrees with the "
		    "machine (%ld compared)", n, f->name, nmachine);
		ok(bad_round == 0, "%s: encode(decode(b)) == b, exactly, for "
		    "every non-NaN pattern tried", f->name);
	}
	mpfr_clear(x);
}

/* int8 decode with a scale and zero point: value = scale * (q - zp). */
static void
test_int8_decode(void)
{
	const char *why = NULL;
	mpfr_t x;
	int good = 1;

	mpfr_init2(x, 64);
	ok(set_int8_scale(&ctx, "0.5", &why) == 0, "scale 0.5 accepted");
	WFMT(&ctx, FPV_INT8)->zero_point = -3;
	for (int q = -128; q <= 127; q++) {
		fpv_num_decode(&ctx, CFMT(&ctx, FPV_INT8), (uint64_t)q & 0xff, x);
		good &= mpfr_cmp_d(x, 0.5 * (q + 3)) == 0;
	}
	ok(good, "int8 q decodes to 0.5 * (q + 3) for every q");
	ok(set_int8_scale(&ctx, "-1", &why) != 0 && why != NULL,
	    "negative scale refused");
	fpv_ctx_clear(&ctx);
	fpv_ctx_init(&ctx);
	mpfr_clear(x);
}

/* Every check in turn; the TAP plan last. */
int
main(void)
{
	fpv_ctx_init(&ctx);
	test_table();
	test_strings();
	test_class();
	test_decode_machine();
	test_int8_decode();
	fpv_ctx_clear(&ctx);
	return tap_done();
}
