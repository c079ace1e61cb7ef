/*
 * The certified exact reference: what every error figure is measured
 * against, and the row "exact".
 *
 * A value of the reference is one of
 *   - an exact rational (-1)^neg * num / den * 2^e, with num and den
 *     integers of at most FPV_EXACT_QBITS bits and den odd: the powers
 *     of two live in e, so 0x1p999999999 is three small numbers; a zero
 *     keeps its sign, as IEEE 754's does;
 *   - an exact infinity (1/0, log(0));
 *   - exactly undefined (0/0, sqrt(-1), inf - inf): "nan";
 *   - a ball of Arb (midpoint and radius, exponents unbounded) that
 *     certainly contains the value, computed at some working precision;
 *   - "lost": at its working precision no ball could be computed
 *     (a pole, the edge of a domain: "undefined"), or at no precision
 *     (why: a value beyond 2^(+-2^60); a sine, cosine or tangent of an
 *     argument of 2^FPV_EXACT_TRIG_EMAX or more, or a floor, ceil or
 *     round of an inexact one: "not certified").
 * Rational sub-expressions stay exact while their integers fit the
 * bound; anything else is computed in ball arithmetic, and the working
 * precision of a step is raised (FPV_EXACT_PREC0, doubling, up to
 * FPV_EXACT_CAP) until the ball is certified to FPV_EXACT_GOAL bits or
 * the cap is reached.
 *
 * What is shown of a value is its state (enum fpv_exact_state): exact,
 * certified to N bits, zero to within 2^-K (the ball holds zero at the
 * cap), undefined, or not certified (with the reason).  Decimals of the reference are correctly rounded
 * decimals of the true value in every printed digit: rationals are
 * rounded exactly (ties decided exactly), balls are rounded from both
 * endpoints and printed only to the digits on which the two agree.
 *
 * The balls of a trace are a cache: fpv_exact_refine may raise their
 * precision (also through a const trace), which never changes a digit
 * that was certified before.
 */
#ifndef FPVIZ_EXACT_H
#define FPVIZ_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flint/flint.h>
#include <flint/fmpz.h>
#include <arb.h>

#include "fpviz/num.h"

/* Largest numerator and denominator of an exact rational, in bits. */
#define FPV_EXACT_QBITS 8192
/* Largest |e| of an exact rational's power of two. */
#define FPV_EXACT_EMAX ((slong)1 << 60)
/* Bits a ball must be certified to before a step is done. */
#define FPV_EXACT_GOAL 64
/* The first working precision of a ball, in bits. */
#define FPV_EXACT_PREC0 128
/* The largest working precision (the cap of the precision loop). */
#define FPV_EXACT_CAP 8192
/* Bits a variable's ball is certified to when it is stored. */
#define FPV_EXACT_VAR_BITS 256
/*
 * sin, cos and tan of an argument of magnitude 2^FPV_EXACT_TRIG_EMAX or
 * more are not certified: reducing it by pi needs as many more bits of
 * pi as its exponent, beyond the cap (and from 2^65536 on, Arb gives up
 * at any precision); so is the floor, ceil or round of an inexact
 * argument that large, whose integer part is longer than the cap.  This
 * bounds the time of a line: a 4 KB line of such terms that cancel
 * takes well under a second.
 */
#define FPV_EXACT_TRIG_EMAX FPV_EXACT_CAP
/* The largest N of "certified to N bits" and K of "zero to within
 * 2^-K" that are shown (2^53: exact in JSON's numbers); a ball known
 * better says "at least". */
#define FPV_EXACT_SHOW_MAX ((long)1 << 53)

enum fpv_exact_kind {
	FPV_EXACT_Q,		/* exact rational */
	FPV_EXACT_INF,		/* exact infinity, sign neg */
	FPV_EXACT_NAN,		/* exactly undefined */
	FPV_EXACT_BALL,		/* a ball containing the value */
	FPV_EXACT_LOST		/* no ball at this working precision */
};

/* Why a value is lost (enum fpv_exact_kind LOST). */
enum fpv_exact_why {
	FPV_WHY_UNDEFINED,	/* a pole or domain edge in the ball */
	FPV_WHY_RANGE,		/* |value| beyond 2^(+-2^60): never held */
	FPV_WHY_ARG		/* sin/cos/tan of |x| >= 2^FPV_EXACT_TRIG_EMAX,
				   floor/ceil/round of an inexact |x| >=
				   2^FPV_EXACT_TRIG_EMAX */
};

/* What the exact row says (ORDER STATE: fpv_exact_state_names). */
enum fpv_exact_state {
	FPV_EXACT_S_EXACT,	/* the value exactly */
	FPV_EXACT_S_CERTIFIED,	/* a ball certified to N bits */
	FPV_EXACT_S_NEAR_ZERO,	/* a ball holding zero: |value| <= 2^-K */
	FPV_EXACT_S_UNDEFINED,	/* no value */
	FPV_EXACT_S_UNCERTIFIED	/* a value no ball up to the cap certifies */
};

/* "exact", "certified", "near_zero", "undefined", "not_certified"
 * (JSON's exact_state). */
extern const char *const fpv_exact_state_names[5];

struct fpv_exact {
	uint8_t kind;		/* enum fpv_exact_kind */
	bool neg;		/* Q, INF: the sign (a zero's too) */
	bool fixed;		/* BALL, LOST: never recomputed (a variable) */
	uint8_t why;		/* LOST: enum fpv_exact_why */
	slong e;		/* Q: the power of two */
	slong prec;		/* BALL, LOST: the working precision used */
	fmpz_t num, den;	/* Q: |value| = num / den * 2^e, den odd > 0 */
	arb_t ball;		/* BALL */
};

/* An exact value's own storage: init before use, clear after. */
void fpv_exact_init(struct fpv_exact *x);
void fpv_exact_clear(struct fpv_exact *x);
/* Copy src into dst (distinct, both initialized). */
void fpv_exact_set(struct fpv_exact *dst, const struct fpv_exact *src);

void fpv_exact_set_zero(struct fpv_exact *x, bool neg);
void fpv_exact_set_inf(struct fpv_exact *x, bool neg);
void fpv_exact_set_nan(struct fpv_exact *x);
/* x = (-1)^neg * m * 2^e. */
void fpv_exact_set_dyadic(struct fpv_exact *x, bool neg, uint64_t m,
    slong e);
/* x = the value of an MPFR number, exactly. */
void fpv_exact_set_mpfr(struct fpv_exact *x, mpfr_srcptr v);
/* x = (-1)^neg * m * 10^e10, exactly (a short decimal literal). */
void fpv_exact_set_decimal(struct fpv_exact *x, bool neg, uint64_t m,
    int e10);
/*
 * x = the value of a literal's text (decimal, exponent, hex float with
 * 'p', inf, infinity, nan; no sign), negated if neg: exact while the
 * bound allows, else a ball at working precision prec.  Returns 0, or
 * -1 if the text is not a number.
 */
int fpv_exact_set_text(struct fpv_exact *x, const char *text, size_t len,
    bool neg, slong prec);
/* x = pi or e (enum fpv_const) as a ball at working precision prec. */
void fpv_exact_set_const(struct fpv_exact *x, int constant, slong prec);
/* x = the value of the encoding bits of format f (an int format:
 * scale * (q - zero_point)). */
void fpv_exact_decode(struct fpv_exact *x, const struct fpv_ctx *c,
    const struct fpv_format *f, uint64_t bits);

/*
 * out = op(args[0..nargs)), exactly when it can be, else in balls at
 * working precision prec.  out must not be one of the args.
 */
void fpv_exact_op(struct fpv_exact *out, enum fpv_op op,
    const struct fpv_exact *const *args, slong prec);

/*
 * op on the exact MPFR operands args, into out: 0 when out is the exact
 * result (a dyadic value, its precision set to hold it, or an infinity
 * or NaN IEEE 754 gives), nonzero otherwise (out is then an
 * approximation at FPV_EXACT_PREC bits, or NaN).  For deciding ties.
 */
int fpv_exact_op_mpfr(enum fpv_op op, mpfr_ptr out, mpfr_srcptr const *args);

/* True if x is exact, exactly undefined, or a ball certified to bits. */
bool fpv_exact_good(const struct fpv_exact *x, slong bits);

/*
 * The state of x; *n gets the certified bits (CERTIFIED) or K of
 * "zero to within 2^-K" (NEAR_ZERO), at most FPV_EXACT_SHOW_MAX, the
 * reason (UNCERTIFIED: enum fpv_exact_why), else 0.
 */
enum fpv_exact_state fpv_exact_state(const struct fpv_exact *x, long *n);

/* The sign of x if certain: -1, 0 (an exact zero), 1; 2 if not known. */
int fpv_exact_sign(const struct fpv_exact *x);

/* An MPFR approximation of x (nearest, at out's precision; beyond MPFR's
 * exponent range the largest or smallest number of the right sign); NaN
 * for undefined and for a ball holding zero. */
void fpv_exact_get_mpfr(mpfr_ptr out, const struct fpv_exact *x);

/*
 * x rounded to odd at out's precision, as a real number entering the
 * columns (fpv_real): returns 0 if out is x itself.  A ball gives its
 * midpoint (certified to far more bits than any format holds); NaN for
 * undefined.
 */
int fpv_exact_get_odd(mpfr_ptr out, const struct fpv_exact *x);

/* x as an Arb ball at working precision prec into out (initialized):
 * false when x is no finite number (out is then unchanged). */
bool fpv_exact_get_arb(arb_t out, const struct fpv_exact *x, slong prec);

/* x = the finite ball b, computed at working precision prec. */
void fpv_exact_set_arb(struct fpv_exact *x, const arb_t b, slong prec);

/* Notations of fpv_exact_format. */
enum fpv_exact_style {
	FPV_EXACT_REPR,		/* decimal.c's: "0.1", "65504", "1.5e-300" */
	FPV_EXACT_SCI,		/* always scientific, exactly digits digits:
				   "-2.0e-04" */
	FPV_EXACT_ULPS		/* REPR below 10^4, SCI from there */
};

/*
 * x (exact or a ball not holding zero) to at most digits significant
 * digits in style: the correctly rounded decimal of the true value,
 * with as many digits as are certified (trailing zeros dropped in
 * REPR).  Specials: "0", "-0", "inf", "-inf".  Returns the length
 * written into buf (NUL-terminated; size >= 64 + the exponent's
 * digits), or 0 when not one digit is certain (or x is undefined or a
 * ball holding zero).  *rounded (if not NULL) tells whether the decimal
 * differs from the value.
 */
size_t fpv_exact_format(const struct fpv_exact *x, int digits,
    enum fpv_exact_style style, char *buf, size_t size, bool *rounded);

/*
 * x (exact, or a ball not holding zero) as an error figure in
 * fpv_dec_figure's notation (decimal.h; how: FPV_DEC_FIG_* flags), every
 * digit certified: through fpv_dec_figure with the precision x is known
 * to, or beyond MPFR's exponents as fpv_exact_format's certified digits
 * (2, or 17 with FPV_DEC_FIG_FULL).  Returns the length written into buf
 * (size >= FPV_DEC_FIGURE), 0 when not one digit is certain.
 */
size_t fpv_exact_figure(const struct fpv_exact *x, unsigned how, char *buf,
    size_t size);

/*
 * A double d (nonzero) known to within 2^-44 relative, to digits (1..8)
 * digits in style, when double arithmetic settles every one of them;
 * returns the length, or 0 when it does not.
 */
size_t fpv_exact_format_near(double d, int digits,
    enum fpv_exact_style style, char *buf, size_t size);

/* ---- The reference of a trace ------------------------------------- */

struct fpv_trace;
struct fpv_errinfo;

/*
 * Compute step i's reference (its operands' are done) and run the
 * precision loop over its sub-expression until it is certified to
 * FPV_EXACT_GOAL bits or the cap is reached.
 */
void fpv_exact_step(struct fpv_trace *t, size_t i);

/*
 * Raise the working precision of step i's sub-expression one notch (it
 * doubles); false if it cannot be raised (not a ball, a variable's, or
 * at the cap).  A const trace may be raised: balls are a cache.
 */
bool fpv_exact_raise(const struct fpv_trace *t, size_t i);

/* Raise step i until it is certified to bits or cannot be raised. */
void fpv_exact_refine(const struct fpv_trace *t, size_t i, slong bits);

/* The exact row of one step, as shown. */
struct fpv_exact_text {
	enum fpv_exact_state state;
	long n;			/* CERTIFIED: bits; NEAR_ZERO: K;
				   UNCERTIFIED: enum fpv_exact_why */
	bool rounded;		/* num is a rounding of the value */
	size_t len;		/* of num; 0 when no number is shown */
	char num[96];		/* the decimal, certified in every digit */
};

/* Step i's reference to at most digits digits (refined for them). */
void fpv_exact_describe(const struct fpv_trace *t, size_t i, int digits,
    struct fpv_exact_text *out);

/* A value's reference to at most digits digits (no refinement). */
void fpv_exact_describe_value(const struct fpv_exact *x, int digits,
    struct fpv_exact_text *out);

/*
 * The state in words: "" (exact), "certified to 75 bits", "zero to
 * within 2^-8190", "undefined", "not certified (argument too large)",
 * "not certified (beyond 2^(+-2^60))".  Returns the length written
 * into buf.
 */
size_t fpv_exact_words(const struct fpv_exact_text *d, char *buf,
    size_t size);

/* The mark before a decimal that is a rounding of the value: the mark
 * of rounded values (decimal.h's FPV_DEC_MARK, U+2248), the same in
 * every locale. */
#define FPV_EXACT_MARK "\xe2\x89\x88"

/*
 * The whole text of an exact row: the mark when the number is rounded,
 * the number, and the state's words after two spaces ("0.1",
 * "≈0.33333333333333333333", "≈1.4142135623730950488  certified
 * to 126 bits", "zero to within 2^-8190", "undefined").  Returns the
 * length written into buf.
 */
size_t fpv_exact_line(const struct fpv_exact_text *d, char *buf,
    size_t size);

/*
 * A rational's value as a double-double, kept by the rational's owner
 * (state 0: not yet known; set it to 0 whenever the value changes) so
 * that the error figures of several formats against one reference
 * divide once.
 */
struct fpv_exact_dd {
	double hi, lo;
	slong k;		/* |value| ~ (hi + lo) 2^k */
	uint64_t q[2];		/* |value| in [Q, Q + 1) 2^k, Q = q[1] 2^64 + q[0] */
	bool qexact;		/* |value| = Q 2^k */
	int8_t state;		/* 0 unknown, 1 known, -1 not available */
};

/*
 * The error figures of the value v (a column's: exact) against the
 * reference ref, in format f (see struct fpv_errinfo), certified to
 * e->want significant digits where ref allows.  dd (may be NULL) caches
 * ref's double-double.  Sets e->settled false when a more precise ref
 * would certify more.
 */
void fpv_exact_error(struct fpv_errinfo *e, const struct fpv_exact *v,
    const struct fpv_exact *ref, struct fpv_exact_dd *dd,
    const struct fpv_ctx *c, const struct fpv_format *f);

/*
 * The n-digit decimal R (10^(n-1) <= R < 10^n) times 10^(E-n+1), with a
 * minus sign if neg, in style into buf; returns the length.
 */
size_t fpv_exact_emit(uint64_t R, int n, slong E, bool neg,
    enum fpv_exact_style style, char *buf, size_t size);

#endif
