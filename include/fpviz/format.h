/*
 * Number formats as data.
 *
 * A format is a descriptor.  A binary float: total width, a sign bit or
 * none, exponent and fraction widths, an exponent bias, what the
 * all-ones exponent holds (IEEE infinities and NaNs; finite numbers with
 * NaN only at the all-ones code, as OCP E4M3 "fn"; finite numbers only,
 * as OCP FP6/FP4), subnormals or none, whether exponent field 0 holds
 * zero (E8M0 has no zero: field 0 is the binade 2^-127).  An integer
 * grid: width and signedness; a stored q means scale * (q - zero_point).
 * Each format also carries its settings: the overflow policy, and for
 * integer grids the scale and the zero point.
 *
 * Adding a standard format is adding a row to the table in format.c:
 * outside that file no source names a format (tests/names.test checks).
 * The formats one session knows (the built-in rows and user-defined
 * formats, with their settings) form a registry, shared between the
 * session and the traces evaluated in it and copied when it changes.
 *
 * This header knows nothing of MPFR: it describes layouts only.
 */
#ifndef FPVIZ_FORMAT_H
#define FPVIZ_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest format name, with its NUL. */
#define FPV_NAME_MAX 24
/* Formats shown (evaluated) at once. */
#define FPV_COLUMNS_MAX 16
/* Formats one registry holds: the built-in ones and user-defined ones. */
#define FPV_FORMATS_MAX 64

enum fpv_kind {
	FPV_KIND_FLOAT,		/* binary floating point, IEEE 754 style */
	FPV_KIND_INT		/* quantized integer grid */
};

/* What a float's all-ones exponent field holds. */
enum fpv_top {
	FPV_TOP_IEEE,		/* infinity (fraction 0) and NaNs */
	FPV_TOP_FN,		/* finite numbers, NaN only at S.11...1 (OCP E4M3) */
	FPV_TOP_FINITE		/* finite numbers only, no NaN (OCP FP6, FP4) */
};

/* What an overflowing result becomes (ORDER OVERFLOW: fpv_overflow_names). */
enum fpv_overflow {
	FPV_OVF_INF,		/* IEEE 754: infinity, or the largest finite
				   number where the rounding mode says so */
	FPV_OVF_NAN,		/* NaN where IEEE 754 gives infinity (formats
				   without infinities, as ml_dtypes) */
	FPV_OVF_SATURATE,	/* the largest finite number (integers: the
				   end of the range) */
	FPV_OVF_WRAP,		/* integers: modulo 2^bits */
	FPV_OVF_COUNT
};

/* "inf", "nan", "saturate", "wrap". */
extern const char *const fpv_overflow_names[FPV_OVF_COUNT];

/* The machine paths a format may take (derived from its fields). */
enum fpv_fast {
	FPV_FAST_NONE,		/* the general emulation */
	FPV_FAST_BINARY16,	/* IEEE binary16: integer arithmetic */
	FPV_FAST_BINARY32,	/* IEEE binary32: the machine's float */
	FPV_FAST_BINARY64	/* IEEE binary64: the machine's double */
};

struct fpv_format {
	char name[FPV_NAME_MAX];	/* "fp16", as typed in casts and options */
	char title[80];		/* "IEEE 754 binary16 (half precision)" */
	enum fpv_kind kind;
	int bits;		/* total width of the encoding, 2..64 */
	bool sign;		/* a sign bit (floats); signed q (integers) */

	/* FPV_KIND_FLOAT: the descriptor */
	int exp_bits;		/* width of the exponent field, 1..15 */
	int frac_bits;		/* width of the fraction field, 0..52 */
	int bias;		/* exponent bias */
	enum fpv_top top;
	bool subnormals;	/* gradual underflow */
	bool zero;		/* exponent field 0 holds zero and subnormals;
				   false: it is a normal binade, no zero (E8M0) */
	/* derived by fpv_format_derive */
	int prec;		/* significand precision, frac_bits + 1 */
	int emin, emax;		/* exponents of the lowest and highest normal
				   binades: 1.f x 2^e, emin <= e <= emax */
	uint64_t max_code;	/* the largest finite positive encoding */
	uint64_t qnan;		/* the canonical NaN result, or 0 without NaN */
	bool has_inf, has_nan;
	enum fpv_fast fast;

	/* FPV_KIND_INT: derived */
	int64_t qmin, qmax;	/* stored integer range */

	/* Settings. */
	enum fpv_overflow overflow;
	/* integers: scale = scale_num / scale_den when both are below 2^31
	 * (then scale_big is NULL), else *scale_big (an mpq_t owned by the
	 * registry); zero_point within [qmin, qmax] */
	int64_t scale_num, scale_den;
	void *scale_big;
	int64_t zero_point;
};

/*
 * The built-in formats in table order, with their default settings:
 * usable wherever no registry is at hand (tests, defaults).
 */
extern const struct fpv_format fpv_builtin[];
extern const size_t fpv_nbuiltin;

/* The default columns, by name, in order (fp16 fp32 fp64 int8). */
extern const char *const fpv_default_columns[];

/* A named list of columns (--formats ml), NULL-terminated names. */
struct fpv_preset {
	const char *name;
	const char *help;
	const char *const *formats;
};
extern const struct fpv_preset fpv_presets[];

/* A command-line option that sets one format setting (--int8-scale S
 * is --set int8.scale=S), kept for scripts; NULL-terminated. */
struct fpv_option_alias {
	const char *option;	/* "int8-scale" */
	const char *key;	/* "int8.scale" */
	const char *arg;	/* "S", for --help */
};
extern const struct fpv_option_alias fpv_option_aliases[];

/* The built-in format called name[0..len), or NULL. */
const struct fpv_format *fpv_builtin_by_name(const char *name, size_t len);

/*
 * Fill in the derived fields of a float or integer descriptor whose
 * layout fields are set, and check it.  Returns 0, or -1 with *why set
 * to a static message (widths out of range, no NaN code for an IEEE
 * format without fraction, a bias that leaves no normal number ...).
 */
int fpv_format_derive(struct fpv_format *f, const char **why);

/*
 * Parse a user-defined float descriptor "eEmM[,bias=B][,fn|finite]
 * [,nosub][,unsigned]" into f (name and title are set by the caller;
 * the default bias is 2^(E-1) - 1, the top IEEE).  Returns 0, or -1 with
 * a message in why[0..size) and *off the offset of the offending text.
 */
int fpv_format_parse_spec(const char *spec, size_t len, struct fpv_format *f,
    char *why, size_t size, size_t *off);

/* The natural overflow policy of f: inf with infinities, else nan with
 * NaN, else saturate (integers: saturate). */
enum fpv_overflow fpv_format_default_overflow(const struct fpv_format *f);

/* Which overflow policies f allows ("where the format allows it"). */
bool fpv_format_overflow_ok(const struct fpv_format *f, enum fpv_overflow o);

/* Mask of the low f->bits bits. */
static inline uint64_t
fpv_format_mask(const struct fpv_format *f)
{
	return f->bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << f->bits) - 1);
}

/* Precision in bits of a float's significand (frac_bits + 1). */
static inline int
fpv_format_prec(const struct fpv_format *f)
{
	return f->prec;
}

/* The sign bit of a float encoding (0 for unsigned formats). */
static inline unsigned
fpv_bits_sign(const struct fpv_format *f, uint64_t b)
{
	return f->sign ? (unsigned)(b >> (f->bits - 1)) & 1 : 0;
}

/* The exponent field of a float encoding. */
static inline uint64_t
fpv_bits_exp(const struct fpv_format *f, uint64_t b)
{
	return (b >> f->frac_bits) & (((uint64_t)1 << f->exp_bits) - 1);
}

/* The fraction field of a float encoding. */
static inline uint64_t
fpv_bits_frac(const struct fpv_format *f, uint64_t b)
{
	return b & (((uint64_t)1 << f->frac_bits) - 1);
}

/* The sign bit's mask of a float format (0 for unsigned formats). */
static inline uint64_t
fpv_format_signbit(const struct fpv_format *f)
{
	return f->sign ? (uint64_t)1 << (f->bits - 1) : 0;
}

/* Classification of an encoding. */
enum fpv_class {
	FPV_CLASS_ZERO, FPV_CLASS_SUBNORMAL, FPV_CLASS_NORMAL,
	FPV_CLASS_INF, FPV_CLASS_QNAN, FPV_CLASS_SNAN
};

/* Classify the bits b of format f (an int format is ZERO or NORMAL). */
enum fpv_class fpv_bits_class(const struct fpv_format *f, uint64_t b);

/*
 * The magnitude of a finite nonzero float encoding as c * 2^q (c > 0,
 * below 2^(frac_bits + 1)); false for zero, infinity and NaN.
 */
bool fpv_bits_parts(const struct fpv_format *f, uint64_t b, uint64_t *c,
    int *q);

/* The stored integer q of an integer-grid encoding. */
static inline int64_t
fpv_bits_q(const struct fpv_format *f, uint64_t b)
{
	b &= fpv_format_mask(f);
	if (f->sign && f->bits < 64 && (b >> (f->bits - 1)) != 0)
		return (int64_t)(b | ~fpv_format_mask(f));
	return (int64_t)b;
}

/* The encoding of the stored integer q (qmin <= q <= qmax). */
static inline uint64_t
fpv_q_bits(const struct fpv_format *f, int64_t q)
{
	return (uint64_t)q & fpv_format_mask(f);
}

/*
 * The neighbour of b one step up (dir > 0) or down in f: the next
 * larger or smaller value (for floats across zero and to infinity; NaN
 * has none; integers step q).  Returns false if there is none.
 */
bool fpv_bits_neighbour(const struct fpv_format *f, uint64_t b, int dir,
    uint64_t *out);

/*
 * Write b as a binary string grouped by field ("0 10000001 1011000..."),
 * NUL-terminated, into buf of size at least f->bits + 3.  Floats are
 * sign, exponent and fraction (fields of width 0 left out); integer
 * grids are the two's complement (or unsigned) bits of q, a signed
 * grid's top bit (the sign, of weight -2^(bits-1)) set apart: -56 in
 * int8 is "1 1001000".
 * Returns the length.
 */
size_t fpv_bits_binary(const struct fpv_format *f, uint64_t b, char *buf);

/* Write b as "0x" and ceil(f->bits / 4) lowercase hex digits.  buf >= 19 bytes. */
size_t fpv_bits_hex(const struct fpv_format *f, uint64_t b, char *buf);

/*
 * Quantization schemes as data (the computation is in quant.h): the
 * per-tensor methods of quant(v, F, METHOD), where the caller names the
 * element format F, and the block formats, whose element and scale
 * formats are rows of the table above, named here.  Each row says how
 * the scale is chosen (rule), in which format the references compute it
 * (arith), in which formats it is stored, and where it comes from.
 */
enum fpv_qrule {
	FPV_QR_ABSMAX,		/* scale = max|x| / qmax (grids) or / the
				   largest finite number (floats), zero point 0 */
	FPV_QR_MINMAX,		/* PyTorch MinMaxObserver, affine (grids) */
	FPV_QR_MX,		/* OCP MX: shared E8M0 scale 2^(floor(log2
				   amax) - emax of the element format) */
	FPV_QR_NVFP4,		/* E4M3 block scale, fp32 tensor scale */
	FPV_QR_Q8_0,		/* llama.cpp: d = amax / 127, q = roundf(x / d) */
	FPV_QR_Q4_0,		/* llama.cpp: d = max / -8, q = x / d + 8.5
				   truncated, at most 15 */
	FPV_QR_NF4		/* bitsandbytes: absmax, a 16-value codebook */
};

struct fpv_qscheme {
	const char *name;	/* "mxfp4": the function's name */
	const char *title;	/* one line for help texts */
	enum fpv_qrule rule;
	int block;		/* elements per block; 0: one scale per tensor */
	const char *elem[3];	/* element formats, the default first, then
				   the alternatives; none: the caller's F */
	const char *scale;	/* the format a scale is stored in */
	const char *tensor_scale; /* a second, per-tensor scale, or NULL */
	const char *arith;	/* the format the reference computes the
				   scales (and llama.cpp's and bitsandbytes'
				   element arithmetic) in */
	const double *codebook;	/* 16 values indexed by the code (NF4), or
				   NULL */
	int zero_point;		/* added to the element codes (q4_0: 8) */
	const char *source;	/* the reference followed */
};

/* The schemes in table order; NULL-free, fpv_nqschemes rows. */
extern const struct fpv_qscheme fpv_qschemes[];
extern const size_t fpv_nqschemes;

/* The scheme called name[0..len), or NULL. */
const struct fpv_qscheme *fpv_qscheme_by_name(const char *name, size_t len);

/*
 * A registry: the formats of a session, with their settings.  It is
 * shared (counted references) by the session's context and the traces
 * evaluated under it, and never changed while shared: fpv_registry_edit
 * gives the context a copy of its own first.
 */
struct fpv_registry {
	unsigned refs;
	size_t n;
	struct fpv_format f[FPV_FORMATS_MAX];
};

/* A new registry with the built-in formats (one reference); NULL if out of memory. */
struct fpv_registry *fpv_registry_new(void);

/* Take and drop a reference. */
struct fpv_registry *fpv_registry_ref(struct fpv_registry *r);
void fpv_registry_unref(struct fpv_registry *r);

/* A private copy of *rp to change (*rp replaced if it was shared); NULL if out of memory. */
struct fpv_registry *fpv_registry_edit(struct fpv_registry **rp);

/* The index of the format called name[0..len) in r, or -1. */
int fpv_registry_find(const struct fpv_registry *r, const char *name,
    size_t len);

/*
 * Add (or replace, if it is user-defined) the format f in r, which must
 * not be shared.  Returns its index, or -1 with *why set: the name is a
 * built-in format's, not a valid name, or the registry is full.
 */
int fpv_registry_add(struct fpv_registry *r, const struct fpv_format *f,
    const char **why);

/* Is name[0..len) a valid format name (a letter, then letters, digits, '_')? */
bool fpv_format_name_ok(const char *name, size_t len);

#endif
