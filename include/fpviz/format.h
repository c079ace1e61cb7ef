/*
 * Number formats as data.
 *
 * A format is a descriptor: an IEEE-style binary interchange format
 * (sign, biased exponent, fraction, optional subnormals, inf and NaN), or
 * a quantized integer grid (stored q in [qmin, qmax], value =
 * scale * (q - zero_point)).  Adding a format is adding a row to the table
 * in format.c; nothing else switches on a format's name.
 *
 * This header knows nothing of MPFR: it describes layouts only.
 */
#ifndef FPVIZ_FORMAT_H
#define FPVIZ_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number of formats in the built-in table; also the trace's column count. */
#define FPV_NFORMATS 4

/* Indices into the built-in table (ORDER FORMAT). */
enum fpv_format_id { FPV_FP16, FPV_FP32, FPV_FP64, FPV_INT8 };

enum fpv_kind {
	FPV_KIND_IEEE,		/* binary floating point, IEEE 754 style */
	FPV_KIND_INT		/* quantized integer grid */
};

struct fpv_format {
	const char *name;	/* "fp16", as typed in casts and options */
	const char *title;	/* "IEEE 754 binary16", for :info */
	enum fpv_kind kind;
	int bits;		/* total width of the encoding */
	/* FPV_KIND_IEEE */
	int exp_bits;		/* width of the biased exponent field */
	int frac_bits;		/* width of the fraction field; precision is frac_bits + 1 */
	int emax;		/* largest unbiased exponent; bias = emax, emin = 1 - emax */
	bool subnormals;	/* gradual underflow (all IEEE rows: true) */
	uint64_t qnan;		/* canonical quiet NaN produced by invalid operations */
	/* FPV_KIND_INT */
	int qmin, qmax;		/* stored integer range, e.g. -128..127 */
};

/* The built-in formats, indexed by enum fpv_format_id. */
extern const struct fpv_format fpv_formats[FPV_NFORMATS];

/* Look up a format by name ("fp16"); NULL if unknown. */
const struct fpv_format *fpv_format_by_name(const char *name, size_t len);

/* The format's index in fpv_formats. */
int fpv_format_index(const struct fpv_format *f);

/* Precision in bits of an IEEE format's significand (frac_bits + 1). */
static inline int
fpv_format_prec(const struct fpv_format *f)
{
	return f->frac_bits + 1;
}

/* Mask of the low f->bits bits. */
static inline uint64_t
fpv_format_mask(const struct fpv_format *f)
{
	return f->bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << f->bits) - 1);
}

/* Field extraction for IEEE encodings. */
static inline unsigned
fpv_bits_sign(const struct fpv_format *f, uint64_t b)
{
	return (unsigned)(b >> (f->bits - 1)) & 1;
}

static inline uint64_t
fpv_bits_exp(const struct fpv_format *f, uint64_t b)
{
	return (b >> f->frac_bits) & (((uint64_t)1 << f->exp_bits) - 1);
}

static inline uint64_t
fpv_bits_frac(const struct fpv_format *f, uint64_t b)
{
	return b & (((uint64_t)1 << f->frac_bits) - 1);
}

/* Classification of an encoding. */
enum fpv_class {
	FPV_CLASS_ZERO, FPV_CLASS_SUBNORMAL, FPV_CLASS_NORMAL,
	FPV_CLASS_INF, FPV_CLASS_QNAN, FPV_CLASS_SNAN
};

/* Classify the bits b of format f (an int format is ZERO or NORMAL). */
enum fpv_class fpv_bits_class(const struct fpv_format *f, uint64_t b);

/*
 * Write b as a binary string grouped by field ("0 10000001 1011000..."),
 * NUL-terminated, into buf of size at least f->bits + 3.  Int formats are
 * written as sign and magnitude bits of the two's complement byte
 * ("0 1111111").  Returns the length.
 */
size_t fpv_bits_binary(const struct fpv_format *f, uint64_t b, char *buf);

/* Write b as "0x" and f->bits / 4 lowercase hex digits.  buf >= 19 bytes. */
size_t fpv_bits_hex(const struct fpv_format *f, uint64_t b, char *buf);

#endif
