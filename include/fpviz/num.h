/*
 * The numeric core: correctly rounded arithmetic in any format of
 * format.h, on encodings, with IEEE flags.
 *
 * Every operation takes a column's encoded operands and returns the
 * encoding of the exact result rounded once into the format, in the
 * context's rounding mode.  IEEE formats are emulated with GNU MPFR
 * (precision = format precision, exponent range and subnormals emulated,
 * tininess detected after rounding as x86 does); the integer grid is
 * computed in exact rationals (GMP) wherever the operation is rational.
 *
 * Real numbers that are not exactly representable (decimal literals,
 * constants) enter as approximations rounded to odd at FPV_EXACT_PREC
 * bits: rounding such a value once more to any precision of at most
 * FPV_EXACT_PREC - 2 bits gives the correctly rounded result of the real
 * number itself, so no value is ever rounded twice.
 *
 * NaN results are the format's canonical quiet NaN (fp16 0x7e00,
 * fp32 0x7fc00000, fp64 0x7ff8000000000000).  The core holds no global
 * state; everything it needs travels in a struct fpv_ctx.
 */
#ifndef FPVIZ_NUM_H
#define FPVIZ_NUM_H

#include <stdint.h>
#include <gmp.h>
#include <mpfr.h>

#include "fpviz/format.h"

/* Precision of real approximations (literals, constants) entering the
 * columns.  (The exact reference itself is exact.h's.) */
#define FPV_EXACT_PREC 256
/* Largest precision fpv_num_exact_op grows to for + - * (kept exact). */
#define FPV_EXACT_MAXPREC 4096

/* Flags: the five IEEE flags in TestFloat's bit order, then markers. */
enum {
	FPV_FLAG_INEXACT	= 1u << 0,
	FPV_FLAG_UNDERFLOW	= 1u << 1,
	FPV_FLAG_OVERFLOW	= 1u << 2,
	FPV_FLAG_DIVBYZERO	= 1u << 3,
	FPV_FLAG_INVALID	= 1u << 4,
	FPV_FLAG_SUBNORMAL	= 1u << 5,	/* result is subnormal */
	FPV_FLAG_ABSORBED	= 1u << 6,	/* x +- y == x, y != 0 */
	FPV_FLAG_CANCELLATION	= 1u << 7,	/* subtraction lost leading bits */
	FPV_FLAG_SATURATED	= 1u << 8,	/* int: clamped to the range */
	FPV_FLAG_WRAPPED	= 1u << 9,	/* int: reduced modulo 2^bits */
	FPV_FLAG_COUNT		= 10
};
#define FPV_FLAGS_IEEE 0x1fu

/* The word for flag bit i (0 <= i < FPV_FLAG_COUNT): "inexact", ... */
extern const char *const fpv_flag_names[FPV_FLAG_COUNT];

/* Rounding modes (ORDER ROUND: fpv_round_names).  The first four are
 * IEEE 754's; stochastic rounds each inexact result to one of its two
 * neighbours at random, as described at fpv_sr_word below. */
enum fpv_round {
	FPV_RND_NEAREST, FPV_RND_ZERO, FPV_RND_UP, FPV_RND_DOWN,
	FPV_RND_STOCHASTIC
};
#define FPV_RND_COUNT 5

/* "nearest", "zero", "up", "down", "stochastic". */
extern const char *const fpv_round_names[FPV_RND_COUNT];

/* Parse a rounding mode name; returns -1 if unknown. */
int fpv_round_parse(const char *s);

/* The MPFR rounding mode for r (one of the four IEEE modes; stochastic
 * rounding chooses MPFR_RNDZ or MPFR_RNDA per rounding). */
mpfr_rnd_t fpv_round_mpfr(enum fpv_round r);

/*
 * Operations (ORDER OP: keep in step with fpv_ops[] in num.c).
 * Casts and literals are not operations: see fpv_num_convert and
 * fpv_num_round_real.
 */
enum fpv_op {
	FPV_OP_ADD, FPV_OP_SUB, FPV_OP_MUL, FPV_OP_DIV, FPV_OP_POW,
	FPV_OP_NEG,
	FPV_OP_SQRT, FPV_OP_ABS, FPV_OP_EXP, FPV_OP_LOG, FPV_OP_LOG2,
	FPV_OP_LOG10, FPV_OP_SIN, FPV_OP_COS, FPV_OP_TAN, FPV_OP_TANH,
	FPV_OP_FMA, FPV_OP_MIN, FPV_OP_MAX, FPV_OP_FLOOR, FPV_OP_CEIL,
	FPV_OP_ROUND,
	FPV_OP_ASIN, FPV_OP_ACOS, FPV_OP_ATAN, FPV_OP_ATAN2, FPV_OP_SINH,
	FPV_OP_COSH, FPV_OP_ASINH, FPV_OP_ACOSH, FPV_OP_ATANH, FPV_OP_EXPM1,
	FPV_OP_LOG1P, FPV_OP_EXP2, FPV_OP_EXP10, FPV_OP_HYPOT, FPV_OP_CBRT,
	FPV_OP_NEXTUP, FPV_OP_NEXTDOWN, FPV_OP_ULP,
	FPV_OP_COUNT
};

struct fpv_op_info {
	const char *name;	/* "add", "sqrt": JSON op and function name */
	const char *symbol;	/* "+" for infix operators, NULL for functions */
	int nargs;		/* 1, 2 or 3 */
	bool callable;		/* may be written as name(args) */
};

/* Indexed by enum fpv_op. */
extern const struct fpv_op_info fpv_ops[FPV_OP_COUNT];

/* Look up a callable function by name; -1 if none. */
int fpv_op_by_name(const char *name, size_t len);

/*
 * Settings every computation depends on: the rounding mode, the formats
 * with their settings (a registry, shared: see format.h) and the
 * columns, the formats a line is evaluated in.  A context is a small
 * value: copying one shares its registry; changing a format's settings
 * goes through fpv_ctx_edit_format, which copies the registry first if
 * it is shared, so that traces keep the settings they were evaluated
 * with.
 */
struct fpv_ctx {
	enum fpv_round round;
	bool emulate_only;		/* never use the machine's own fp32/fp64
					   arithmetic (tests compare the two) */
	/* Stochastic rounding: the seed (a setting, default 0) and where
	 * the next rounding is (set by whoever evaluates: see fpv_sr_word;
	 * the other modes ignore all three). */
	uint64_t seed;
	uint64_t sr_pos;		/* line * 2^32 + step index */
	uint64_t sr_elem;		/* element index (0 for a scalar) or
					   any other stream number */
	struct fpv_registry *reg;
	int ncols;			/* 1..FPV_COLUMNS_MAX */
	uint8_t cols[FPV_COLUMNS_MAX];	/* indices into reg->f */
};

/*
 * Initialize c to the defaults: nearest, the built-in formats with their
 * default settings (scale 1, zero point 0, saturate), the default
 * columns.  Allocates nothing.
 */
void fpv_ctx_init(struct fpv_ctx *c);
void fpv_ctx_clear(struct fpv_ctx *c);
/* Copy settings between initialized contexts (the registry is shared). */
void fpv_ctx_copy(struct fpv_ctx *dst, const struct fpv_ctx *src);

/*
 * Stochastic rounding.  Each inexact rounding of a value x into a format
 * picks one of the two representable neighbours around x: the one
 * farther from zero ("away") with the probability of the fraction of a
 * unit in the last place dropped, the one nearer zero otherwise, so that
 * the expected result is x and P(upper neighbour) = (x - down) / (up -
 * down).  The unit is the format's spacing at x (the subnormal spacing
 * below the normal range; without subnormals the gap from 0 to the
 * least normal number; on an integer grid its scale).  The decision is
 * exact: with the fraction f = D / 2^64 + r (D the 64 bits below the
 * last kept one, r >= 0 the rest, nonzero iff more is dropped) and a
 * uniform 64-bit word u, away iff u < D, or u == D and r > 0: that is
 * u < f * 2^64.  -x rounds to minus x's rounding for the same u.
 *
 * The word is fpv_sr_word: fpv_rng_key(seed, sr_pos, id, sr_elem) of
 * rng.h, where id is the 32-bit FNV-1a hash of the format's name.  So a
 * rounding's word depends only on the seed, the line and step (or what
 * a caller puts into sr_pos and sr_elem) and the format rounded into:
 * not on the other columns nor on the order of evaluation.
 */
uint64_t fpv_sr_word(const struct fpv_ctx *c, const struct fpv_format *f);

/* The 32-bit FNV-1a hash of the NUL-terminated name. */
uint32_t fpv_sr_format_id(const char *name);

/* The stochastic decision for a dropped fraction D / 2^64 + r (more:
 * r > 0) with the word of c's position in f: away from zero? */
bool fpv_sr_away(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t D, bool more);

/* The position of a step: line * 2^32 + step. */
static inline uint64_t
fpv_sr_position(int line, uint64_t step)
{
	return ((uint64_t)(uint32_t)line << 32) | (step & 0xffffffffu);
}

/*
 * Stream numbers (fpv_ctx.sr_elem): which rounding of a step this is.
 * Disjoint ranges, each a function of the rounding's place in the step
 * alone (not of the other columns or the order of evaluation):
 *
 *   j                   the rounding that gives element j of a vector
 *                       its value (0: a scalar's); a cast's two
 *                       roundings both, as a scalar cast's (they differ
 *                       by format);
 *   s * 2^60 + j        (s = 1..7) an earlier rounding of element j in
 *                       the same step: quant's element code (1); the
 *                       subtraction of the max (1) and the exp (2) of
 *                       softmax and logsumexp;
 *   2^63 + 16 k + s     a reduction's rounding of role s (0..15, enum
 *                       fpv_sr_reduce_role) in its k-th recorded step
 *                       (k from 0 in the order of fpv_reduce_nsteps'
 *                       steps, as --steps shows them); k = the number
 *                       of steps for the roundings after the additions.
 *
 * j < FPV_VEC_MAX < 2^60 and k < 2^59, so no two meet.
 */
static inline uint64_t
fpv_sr_stream_pre(uint64_t j, unsigned s)
{
	return ((uint64_t)(s & 7) << 60) | j;
}

/* The roles s of a reduction's roundings, in each step (max and min:
 * the conversion only). */
enum fpv_sr_reduce_role {
	FPV_SR_TERM_X,		/* the element x[i] converted to A */
	FPV_SR_TERM_Y,		/* dot: y[i] converted to A */
	FPV_SR_PRODUCT,		/* dot, norm2: the product in A */
	FPV_SR_ADD,		/* the addition (Kahan: s = sum + y) */
	FPV_SR_KAHAN_Y,		/* Kahan: y = term - c */
	FPV_SR_KAHAN_D,		/* Kahan: d = s - sum */
	FPV_SR_KAHAN_C,		/* Kahan: c = d - y */
	/* after the additions (k = the number of steps): */
	FPV_SR_FINISH = 0,	/* mean's division, norm2's square root */
	FPV_SR_BACK = 1,	/* the rounding back from A to F */
	FPV_SR_LSE_LOG = 2,	/* logsumexp: the log of the sum */
	FPV_SR_LSE_ADD = 3	/* logsumexp: max + the log */
};

static inline uint64_t
fpv_sr_stream_reduce(uint64_t k, unsigned s)
{
	return ((uint64_t)1 << 63) | ((k & ((UINT64_C(1) << 59) - 1)) << 4) |
	    (s & 15);
}

/* The format of index i in c's registry. */
static inline const struct fpv_format *
fpv_ctx_format(const struct fpv_ctx *c, int i)
{
	return &c->reg->f[i];
}

/* The format of column k. */
static inline const struct fpv_format *
fpv_ctx_col(const struct fpv_ctx *c, int k)
{
	return &c->reg->f[c->cols[k]];
}

/* The index in c's registry of the format called name[0..len), or -1. */
int fpv_ctx_find(const struct fpv_ctx *c, const char *name, size_t len);

/* The column showing format index i, or -1. */
int fpv_ctx_column_of(const struct fpv_ctx *c, int i);

/*
 * Format i of c, to change its settings: the registry is made c's own
 * first.  After changing a field, call fpv_format_derive (the fast paths
 * depend on the overflow policy).  NULL if out of memory.
 */
struct fpv_format *fpv_ctx_edit_format(struct fpv_ctx *c, int i);

/*
 * Set an integer grid's scale from decimal text ("0.1", "1e-3"; hex
 * floats too), exactly.  The scale must be positive and such that every
 * value and ulp figure of the grid stays a finite double (between
 * 2^-1000 and 2^1000).  Returns 0, or -1 with *why set to a static
 * message (f unchanged).
 */
int fpv_grid_set_scale(struct fpv_format *f, const char *text,
    const char **why);

/* Set the grid's scale to the rational q (> 0); 0 or -1 as above. */
int fpv_grid_set_scale_q(struct fpv_format *f, mpq_srcptr q,
    const char **why);

/* The grid's scale as a rational. */
void fpv_grid_scale(const struct fpv_format *f, mpq_ptr out);

/* The grid's scale rounded to odd at out's precision. */
void fpv_grid_scale_fr(const struct fpv_format *f, mpfr_ptr out);

/* The exact value scale * (q - zero_point) of a grid encoding. */
void fpv_grid_value(const struct fpv_format *f, uint64_t b, mpq_ptr v);

/* Is the grid's scale 1? */
bool fpv_grid_scale_is_one(const struct fpv_format *f);

/*
 * Parse the numeric literal text[0..len) (decimal, exponent, hex float,
 * "inf", "nan"; no sign) into x, whose precision must be FPV_EXACT_PREC,
 * rounded to odd.  A value beyond MPFR's exponent range becomes the
 * largest (or smallest) MPFR number of the right sign, so that rounding
 * it into a format still overflows (or underflows).  Returns 0 when x is
 * exact, nonzero otherwise; -2 if text is not a number.
 */
int fpv_real_from_text(mpfr_ptr x, const char *text, size_t len);

/* Round-to-odd fixup: given x rounded toward zero with ternary t, make it odd. */
void fpv_real_make_odd(mpfr_ptr x, int t);

/*
 * A real number entering a column: an approximation rounded to odd (or
 * exact), and, for decimal literals, the text it came from so that the
 * integer grid can round from the exact rational.  Fill it with a
 * designated initializer (fields not named are then zero) or with
 * fpv_real_parse.
 */
struct fpv_real {
	mpfr_srcptr approx;	/* the signed value, FPV_EXACT_PREC bits, to odd */
	int inexact;		/* 0 if approx is the value itself */
	bool negative;		/* a negative literal: text's value negated */
	const char *text;	/* literal digits, or NULL (constants) */
	size_t len;
	/* What fpv_real_parse learnt of text, so that it is read once: */
	bool dec_known;		/* dec_short (and dec_m, dec_e) are valid;
				   false: the text is read again if needed */
	bool dec_short;		/* text is the short decimal dec_m * 10^dec_e */
	int dec_e;		/* |dec_e| <= 19 */
	uint64_t dec_m;		/* at most 19 digits (0 for zero, dec_e 0) */
};

/*
 * fpv_real_from_text(x, text, len) for a literal, also filling all of *r:
 * approx = x, inexact = the value returned, negative = false, text, len,
 * and the dec_ fields.  Returns what fpv_real_from_text returns.  A
 * negative literal is then made by negating x and setting r->negative.
 */
int fpv_real_parse(struct fpv_real *r, mpfr_ptr x, const char *text,
    size_t len);

/* The value of ch as a digit of a literal in base 10 or 16, or -1. */
static inline int
fpv_digit_value(char ch, int base)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (base == 16 && ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (base == 16 && ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * The exact rational of a decimal or hex literal's text (no sign) into q
 * (initialized), when its exponent is modest (|exponent| <= 1000 decimal,
 * 100000 binary, at most 4096 characters); false otherwise ("inf",
 * "nan", huge exponents), q then unspecified.
 */
bool fpv_real_rational(const char *s, size_t len, mpq_ptr q);

/* The two paths of fpv_num_round_real. */
uint64_t fpv_float_round_real(const struct fpv_ctx *c,
    const struct fpv_format *f, mpfr_srcptr x, unsigned *flags);
uint64_t fpv_grid_round_real(const struct fpv_ctx *c,
    const struct fpv_format *f, const struct fpv_real *r, unsigned *flags);

/* Round a real number into f: the rounding of a literal or constant. */
static inline uint64_t
fpv_num_round_real(const struct fpv_ctx *c, const struct fpv_format *f,
    const struct fpv_real *r, unsigned *flags)
{
	if (f->kind == FPV_KIND_INT)
		return fpv_grid_round_real(c, f, r, flags);
	return fpv_float_round_real(c, f, r->approx, flags);
}

/*
 * Apply op to the encoded operands args[0..nargs) of format f; returns the
 * encoded result and ORs the raised flags (IEEE flags and markers) into
 * *flags.
 */
uint64_t fpv_num_op(const struct fpv_ctx *c, const struct fpv_format *f,
    enum fpv_op op, const uint64_t *args, unsigned *flags);

/*
 * MPFR's function for op (any operation but nextup, nextdown and ulp)
 * on a[0..nargs) into r, rounded by rnd; returns MPFR's ternary value.
 */
int fpv_num_mpfr_op(enum fpv_op op, mpfr_ptr r, mpfr_srcptr const *a,
    mpfr_rnd_t rnd);

/*
 * Leading bits lost to cancellation when a +- b (op ADD or SUB, exact
 * operands a[0], a[1]) gave r in format f: how far r's exponent fell
 * below the larger operand's in an effective subtraction; 0 if none.
 */
int fpv_num_cancelled(const struct fpv_format *f, enum fpv_op op,
    mpfr_srcptr const *a, mpfr_srcptr r);

/*
 * Convert an encoding of format from into format to (a cast, or a format
 * conversion): one rounding, flags as the hardware raises them.
 */
uint64_t fpv_num_convert(const struct fpv_ctx *c, const struct fpv_format *to,
    const struct fpv_format *from, uint64_t bits, unsigned *flags);

/*
 * Round the exact rational q into f: one rounding in the context's
 * mode, with the flags and markers of a result (what a conversion from
 * an integer grid does).
 */
uint64_t fpv_num_round_q(const struct fpv_ctx *c, const struct fpv_format *f,
    mpq_srcptr q, unsigned *flags);

/*
 * Decode bits of f into x.  IEEE values are exact if x has at least the
 * format's precision; int values (scale * (q - zero_point)) are rounded
 * to x's precision, to nearest.
 */
void fpv_num_decode(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr x);

/*
 * An MPFR reference for op on exact operands (the reductions' reference,
 * reduce.h; the expression evaluator's exact reference is exact.h's):
 * + - * are exact (the precision of out is raised as needed, up to
 * FPV_EXACT_MAXPREC); other operations are correctly rounded to nearest
 * at max(FPV_EXACT_PREC, operand precision).  out must be initialized;
 * its precision is reset.  Returns 0 if out is the exact result,
 * nonzero if it was rounded.
 */
int fpv_num_exact_op(enum fpv_op op, mpfr_ptr out, mpfr_srcptr const *args);

/* The value of one unit in the last place of f at the value of bits. */
void fpv_num_ulp(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr out);

#endif
