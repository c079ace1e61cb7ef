/*
 * Numbers as decimal text, independent of the locale.
 *
 * Shortest round-trip decimals of encodings (what a value "is" to a
 * reader), exact decimals of stored values (what it really is), and
 * error figures in the one notation of every front end.
 */
#ifndef FPVIZ_DECIMAL_H
#define FPVIZ_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>

#include "fpviz/format.h"
#include "fpviz/num.h"

/* Big enough for any shortest decimal of a built-in format. */
#define FPV_DEC_SHORT 64

/*
 * The shortest decimal that reads back (rounding to nearest, without
 * overflowing) to the same encoding in f: "0.1", "1e-08", "65504", "-0", "inf", "-inf", "nan".
 * Int formats give the exact value scale * (q - zero_point).  Returns the
 * length written into buf (size >= FPV_DEC_SHORT).
 */
size_t fpv_dec_shortest(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf);

/*
 * A format's value as fpviz shows it: in text tables, the view's rows and
 * detail pane, :info, :vars and step descriptions (JSON keeps "value",
 * the shortest decimal, and "exact_value").  The stored value's exact
 * decimal when it has at most FPV_DEC_VALUE_DIGITS significant digits
 * ("65504", "9992", "0.2998046875", "6.103515625e-05", "-0.0999755859375");
 * otherwise FPV_DEC_MARK and the shortest decimal that reads back to the
 * same encoding (U+2248 then "0.30000000000000004", or "0.1").  Int formats follow
 * the same rule for scale * (q - zero_point): exact when short, else the
 * shortest decimal that quantizes back to the same q, marked.  Specials
 * ("inf", "-inf", "nan", "0", "-0") as fpv_dec_shortest.  The notation is
 * fpv_dec_shortest's.  Writes a NUL-terminated string into buf (size >=
 * FPV_DEC_VALUE) and returns its length in bytes; *rounded (unless NULL)
 * tells whether the mark was written.  Decided from the encoding, without
 * printing the exact decimal: it costs little more than fpv_dec_shortest.
 */
#define FPV_DEC_VALUE_DIGITS 12
/* The mark of a rounded value: U+2248 ALMOST EQUAL TO, in UTF-8 (one
 * column wide).  Output does not depend on the locale: always this. */
#define FPV_DEC_MARK "\xe2\x89\x88"
#define FPV_DEC_MARK_LEN 3
/* Big enough for any fpv_dec_value of a built-in format. */
#define FPV_DEC_VALUE (FPV_DEC_SHORT + 8)
size_t fpv_dec_value(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf, bool *rounded);

/* Columns a value of fpv_dec_value takes on a terminal: its bytes, less
 * the two that make the mark one column. */
static inline size_t
fpv_dec_value_columns(const char *s, size_t len)
{
	return len >= FPV_DEC_MARK_LEN &&
	    __builtin_memcmp(s, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0 ?
	    len - (FPV_DEC_MARK_LEN - 1) : len;
}

/*
 * The same string found the slow way, by searching for the fewest digits
 * that read back (snprintf candidates, strtod and exact round trips): the
 * reference the tests hold fpv_dec_shortest to.
 */
size_t fpv_dec_shortest_search(const struct fpv_ctx *c,
    const struct fpv_format *f, uint64_t bits, char *buf);

/*
 * The exact decimal of the value stored in bits ("0.1000000000000000055511151231257827021181583404541015625").
 * Returns a malloc'd string; the caller frees it.
 */
char *fpv_dec_exact(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits);

/* The exact decimal of x (any binary number); malloc'd. */
char *fpv_dec_exact_mpfr(mpfr_srcptr x);

/*
 * x to at most digits significant digits, trailing zeros removed, plain
 * notation for moderate exponents and scientific beyond ("0.3",
 * "1.5e-300").  Returns the length written into buf.
 */
size_t fpv_dec_round(mpfr_srcptr x, int digits, char *buf, size_t size);

/* The same for a double, digits <= 17 ("0.8", "1.5e+07", "nan", "inf"). */
size_t fpv_dec_double(double d, int digits, char *buf, size_t size);

/*
 * The first digits (1..64) significant digits of x (regular: not zero,
 * inf or nan) rounded to nearest, ties to even, into d (digits bytes,
 * not NUL-terminated, no sign, trailing zeros kept), and the decimal
 * exponent *E of the first one: |x| ~ d[0].d[1]... x 10^*E.  Returns
 * digits, or 0 if x is not regular or digits is out of range.
 */
int fpv_dec_digits(mpfr_srcptr x, int digits, char *d, long *E);

/*
 * An error figure (an absolute or relative error, a count of ulps, bits
 * lost) as every front end writes it; fpviz/figure.h picks the figures
 * of an error record.  x is the figure, known to within 2^-good
 * relative (FPV_DEC_FIGURE_EXACT: exactly).  Short (the default: text
 * tables, the view): FPV_DEC_FIGURE_SHORT significant digits, plain for
 * decimal exponents -4..1 and scientific beyond, trailing zeros
 * dropped, as C's %.2g ("0.08", "-0.04", "24", "3.9e-05", "1.7e+03").
 * FPV_DEC_FIG_FULL (JSON): FPV_DEC_FIGURE_FULL digits in the notation
 * of fpv_dec_round.  Every digit written is the correctly rounded digit
 * of every value within the figure's uncertainty: a figure on a tie, or
 * within its uncertainty of one (0.125 to two digits, 2^-25 to 17),
 * gets one digit more ("0.125"); where the digits are not settled fewer
 * are written (at worst one, marked with FPV_DEC_MARK).  The number of
 * digits tried first is what good bits can hold (good log10 2: 15 for
 * a double's 51).  FPV_DEC_FIG_SIGN writes '+' before a positive
 * figure.  Specials: "0" (never "-0"), "inf" ("+inf" with
 * FPV_DEC_FIG_SIGN), "-inf", "nan".  Writes a NUL-terminated string
 * into buf (size >= FPV_DEC_FIGURE) and returns its length.
 */
#define FPV_DEC_FIGURE_SHORT 2
#define FPV_DEC_FIGURE_FULL 17
#define FPV_DEC_FIGURE_EXACT 0x7fffffff
#define FPV_DEC_FIGURE 48
enum {
	FPV_DEC_FIG_FULL = 1u << 0,
	FPV_DEC_FIG_SIGN = 1u << 1
};
size_t fpv_dec_figure(mpfr_srcptr x, int good, unsigned how, char *buf,
    size_t size);

/* The same for a figure held in a double. */
size_t fpv_dec_figure_d(double d, int good, unsigned how, char *buf,
    size_t size);

/*
 * The same for a figure whose digits are settled: dg[0..d) (the first
 * nonzero) times 10^(E-d+1), negative when neg; d is FPV_DEC_FIGURE_SHORT
 * or FPV_DEC_FIGURE_FULL as how says, or one more on a tie.
 */
size_t fpv_dec_figure_digits(const char *dg, int d, long E, bool neg,
    unsigned how, char *buf, size_t size);

#endif
