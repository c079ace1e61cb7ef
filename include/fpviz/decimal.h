/*
 * Numbers as decimal text, independent of the locale.
 *
 * Shortest round-trip decimals of encodings (what a value "is" to a
 * reader), exact decimals of stored values (what it really is), and
 * short scientific renderings of error figures.
 */
#ifndef FPVIZ_DECIMAL_H
#define FPVIZ_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>

#include "fpviz/format.h"
#include "fpviz/num.h"

/* Big enough for any shortest decimal of a built-in format. */
#define FPV_DEC_SHORT 64

/*
 * The shortest decimal that reads back (rounding to nearest) to the same
 * encoding in f: "0.1", "1e-08", "65504", "-0", "inf", "-inf", "nan".
 * Int formats give the exact value scale * (q - zero_point).  Returns the
 * length written into buf (size >= FPV_DEC_SHORT).
 */
size_t fpv_dec_shortest(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, char *buf);

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

#endif
