/*
 * The table of number formats and what can be said of an encoding
 * without doing arithmetic: its fields, its class, its text forms.
 */
#include <string.h>

#include "fpviz/format.h"

/* The built-in formats (ORDER FORMAT: enum fpv_format_id). */
const struct fpv_format fpv_formats[FPV_NFORMATS] = {
	{ .name = "fp16", .title = "IEEE 754 binary16 (half precision)",
	  .kind = FPV_KIND_IEEE, .bits = 16, .exp_bits = 5, .frac_bits = 10,
	  .emax = 15, .subnormals = true, .qnan = 0x7e00 },
	{ .name = "fp32", .title = "IEEE 754 binary32 (single precision)",
	  .kind = FPV_KIND_IEEE, .bits = 32, .exp_bits = 8, .frac_bits = 23,
	  .emax = 127, .subnormals = true, .qnan = 0x7fc00000 },
	{ .name = "fp64", .title = "IEEE 754 binary64 (double precision)",
	  .kind = FPV_KIND_IEEE, .bits = 64, .exp_bits = 11, .frac_bits = 52,
	  .emax = 1023, .subnormals = true, .qnan = 0x7ff8000000000000 },
	{ .name = "int8", .title = "8-bit quantized integer",
	  .kind = FPV_KIND_INT, .bits = 8, .qmin = -128, .qmax = 127 },
};

/* Look up a format by name. */
const struct fpv_format *
fpv_format_by_name(const char *name, size_t len)
{
	for (int i = 0; i < FPV_NFORMATS; i++)
		if (strlen(fpv_formats[i].name) == len &&
		    memcmp(fpv_formats[i].name, name, len) == 0)
			return &fpv_formats[i];
	return NULL;
}

/* The format's index in the table. */
int
fpv_format_index(const struct fpv_format *f)
{
	return (int)(f - fpv_formats);
}

/* Classify an encoding. */
enum fpv_class
fpv_bits_class(const struct fpv_format *f, uint64_t b)
{
	uint64_t e, m, emask;

	b &= fpv_format_mask(f);
	if (f->kind == FPV_KIND_INT)
		return b == 0 ? FPV_CLASS_ZERO : FPV_CLASS_NORMAL;
	e = fpv_bits_exp(f, b);
	m = fpv_bits_frac(f, b);
	emask = ((uint64_t)1 << f->exp_bits) - 1;
	if (e == 0)
		return m == 0 ? FPV_CLASS_ZERO : FPV_CLASS_SUBNORMAL;
	if (e == emask) {
		if (m == 0)
			return FPV_CLASS_INF;
		return (m >> (f->frac_bits - 1)) & 1 ? FPV_CLASS_QNAN :
		    FPV_CLASS_SNAN;
	}
	return FPV_CLASS_NORMAL;
}

/* Binary digits of b grouped by field. */
size_t
fpv_bits_binary(const struct fpv_format *f, uint64_t b, char *buf)
{
	size_t n = 0;
	/* Field boundaries: after the sign bit, and after the exponent. */
	int cut1 = f->bits - 1;
	int cut2 = f->kind == FPV_KIND_IEEE ? f->frac_bits : -1;

	for (int i = f->bits - 1; i >= 0; i--) {
		buf[n++] = (char)('0' + ((b >> i) & 1));
		if (i == cut1 || i == cut2)
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	return n;
}

/* Lowercase hex with 0x and the format's full width. */
size_t
fpv_bits_hex(const struct fpv_format *f, uint64_t b, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	int nd = (f->bits + 3) / 4;
	size_t n = 0;

	buf[n++] = '0';
	buf[n++] = 'x';
	for (int i = nd - 1; i >= 0; i--)
		buf[n++] = digits[(b >> (4 * i)) & 0xf];
	buf[n] = '\0';
	return n;
}
