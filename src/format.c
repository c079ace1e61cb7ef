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

/*
 * The 8 bits of v (0..255) as '0'/'1' at p[0..8), the highest first:
 * each byte of the product holds v, the mask keeps its own bit, and
 * adding 0x7f carries that bit into the byte's top bit.
 */
static void
byte_bits(unsigned v, char *p)
{
	uint64_t s = ((uint64_t)v * UINT64_C(0x0101010101010101)) &
	    UINT64_C(0x0102040810204080);

	s = ((s + UINT64_C(0x7f7f7f7f7f7f7f7f)) >> 7) &
	    UINT64_C(0x0101010101010101);
	s |= UINT64_C(0x3030303030303030);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &s, 8);	/* byte j of s is character j */
#else
	for (int j = 0; j < 8; j++)
		p[j] = (char)(s >> (8 * j));
#endif
}

/*
 * Write the w (1..64) low bits of v at p, the highest first; returns
 * p + w.  When w is not a multiple of 8, up to 8 - w % 8 bytes after
 * p + w are written too (with garbage the caller overwrites or ignores).
 */
static inline char *
put_bits(char *p, uint64_t v, int w)
{
	int r = w & 7;

	if (r != 0) {
		byte_bits((unsigned)((v >> (w - r)) << (8 - r)) & 0xff, p);
		p += r;
		w -= r;
	}
	while (w > 0) {
		w -= 8;
		byte_bits((unsigned)(v >> w) & 0xff, p);
		p += 8;
	}
	return p;
}

/* Binary digits of b grouped by field. */
size_t
fpv_bits_binary(const struct fpv_format *f, uint64_t b, char *buf)
{
	size_t n = 0;
	/* Field boundaries: after the sign bit, and after the exponent. */
	int cut1 = f->bits - 1;
	int cut2 = f->kind == FPV_KIND_IEEE ? f->frac_bits : -1;
	char *p;

	/*
	 * Eight bits at a time.  A field narrower than 8 bits is written as
	 * 8 characters and the next field overwrites the rest, so the last
	 * field's start + 8 must stay within the f->bits + 3 bytes of buf.
	 */
	if (f->kind == FPV_KIND_IEEE && f->bits <= 64 && f->exp_bits >= 1 &&
	    f->frac_bits >= 8 && f->exp_bits + f->frac_bits + 1 == f->bits) {
		buf[0] = (char)('0' + ((b >> cut1) & 1));
		buf[1] = ' ';
		p = put_bits(buf + 2, fpv_bits_exp(f, b), f->exp_bits);
		*p++ = ' ';
		p = put_bits(p, fpv_bits_frac(f, b), f->frac_bits);
		*p = '\0';
		return (size_t)(p - buf);
	}
	if (f->kind == FPV_KIND_INT && f->bits >= 8 && f->bits <= 64) {
		buf[0] = (char)('0' + ((b >> cut1) & 1));
		buf[1] = ' ';
		p = put_bits(buf + 2, b, f->bits - 1);
		*p = '\0';
		return (size_t)(p - buf);
	}
	for (int i = f->bits - 1; i >= 0; i--) {
		buf[n++] = (char)('0' + ((b >> i) & 1));
		if (i == cut1 || i == cut2)
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	return n;
}

/*
 * v's 8 hex digits (lowercase, the highest first) at p[0..8).  Each
 * nibble is spread into a byte of x (three shift-and-mask steps: byte j
 * gets nibble j), then turned into ASCII at once: a byte n >= 10 carries
 * into its high nibble when 6 is added, which selects the step from
 * '0' + n to 'a' + n - 10 (39) for exactly those bytes.  No byte
 * overflows into the next (all stay below 0x67).
 */
static void
hex8(uint32_t v, char *p)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t x = v, letter;

	x = (x | x << 16) & UINT64_C(0x0000ffff0000ffff);
	x = (x | x << 8) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x | x << 4) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	letter = ((x + 6 * ones) >> 4) & ones;
	x += '0' * ones + 39 * letter;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);	/* nibble 7 first */
	memcpy(p, &x, 8);
#else
	for (int j = 0; j < 8; j++)
		p[j] = (char)(x >> (8 * (7 - j)));
#endif
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
	if (nd >= 1 && nd <= 16) {
		/* The nd digits at the top of u; 8 or 16 of them written
		 * (within the 19 bytes), the NUL after the nd-th. */
		uint64_t u = b << (64 - 4 * nd);

		hex8((uint32_t)(u >> 32), buf + 2);
		if (nd > 8)
			hex8((uint32_t)u, buf + 10);
		buf[2 + nd] = '\0';
		return 2 + (size_t)nd;
	}
	for (int i = nd - 1; i >= 0; i--)
		buf[n++] = digits[(b >> (4 * i)) & 0xf];
	buf[n] = '\0';
	return n;
}
