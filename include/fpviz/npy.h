/*
 * Vectors from files, for load("FILE"): a one-dimensional NumPy .npy
 * array or a text file of numbers, read into doubles.
 *
 * A file that begins with the .npy magic "\x93NUMPY" is read as .npy
 * (NumPy's format.py, versions 1.0, 2.0 and 3.0): a header, a Python
 * dict literal with the keys 'descr', 'fortran_order' and 'shape' and
 * nothing else, then the data.  The dtypes read are <f2 <f4 <f8 (and
 * big-endian >f2 >f4 >f8), |i1 and |u1; the shapes (n,), (n, 1) and
 * (1, n) with n >= 1 (for them fortran_order changes nothing).  Every
 * such element is exactly a binary64 number.  The data must be exactly
 * n elements long: a file cut short or with bytes after the data is an
 * error.  A file whose name ends in ".npy" but that does not begin with
 * the magic is an error too.
 *
 * Any other file is text: numbers separated by commas, blanks (space,
 * tab, carriage return) or newlines; '#' starts a comment to the end of
 * the line; blank lines are ignored; a UTF-8 byte order mark at the
 * start is skipped.  A number is an optional sign and a literal as the
 * expression language writes them (decimal "12", "0.1", ".5", "1e-3";
 * hex "0x1.8p3"), or inf, infinity or nan in any letter case.  A comma
 * must follow a number (so ",," and a comma at the start of a line are
 * errors); a comma at the end of a line is allowed.  A number whose
 * value is exactly a binary64 number is stored as that double; any
 * other (0.1, 1e400) keeps its text, so that the evaluator can round
 * the literal itself into each column and the exact reference keeps its
 * exact value (fpv_npy_real).
 *
 * Limits: at most FPV_NPY_MAX elements (10^7 unless built with
 * -DFPV_NPY_MAX=N; a caller may ask for fewer), text files of at most
 * FPV_NPY_TEXT_MAX bytes, .npy headers of at most FPV_NPY_HEADER_MAX
 * bytes.  Memory: the n doubles, and for a text file with inexact
 * numbers its bytes and 8 bytes per element; nothing per element
 * beyond.  A .npy file's data is read with one read into the array
 * and widened in place.
 *
 * Errors are one line naming the file: "FILE:LINE:COL: reason" for text
 * (columns count characters, as the expression language's do), "FILE:
 * byte N: reason" for .npy (N the offset of the field at fault), "FILE:
 * reason" otherwise (strerror's words when the file cannot be read).
 * Untrusted text in a message (the file name, a bad token) is shown in
 * the safe notation of safe.h.  On failure nothing is allocated.
 */
#ifndef FPVIZ_NPY_H
#define FPVIZ_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "fpviz/num.h"

/* The most elements load() reads. */
#ifndef FPV_NPY_MAX
#define FPV_NPY_MAX 10000000
#endif
/* The largest text file read, in bytes (offsets fit 32 bits). */
#define FPV_NPY_TEXT_MAX ((size_t)1 << 30)
/* The longest .npy header read (NumPy's own default limit is 10000). */
#define FPV_NPY_HEADER_MAX 65536

/* Where a text element's literal is: text[off .. off + len), without
 * its sign (the sign is v[i]'s); len 0 when v[i] is the value exactly. */
struct fpv_npy_span {
	uint32_t off, len;
};

struct fpv_npy {
	size_t n;			/* elements, >= 1 */
	double *v;			/* n values (inexact text: rounded to
					   nearest) */
	char dtype[8];			/* the .npy descr ("<f4"), or "text" */
	char *text;			/* text with inexact numbers: the file's
					   bytes; else NULL */
	struct fpv_npy_span *span;	/* NULL if every v[i] is exact */
};

/* A failed load: the message, and the position it names. */
struct fpv_npy_error {
	int line, col;			/* text: 1-based; else 0 */
	long long offset;		/* .npy: byte offset; else -1 */
	char msg[320];
};

/*
 * Load the file at path into *a (overwritten): at most max elements
 * (0: FPV_NPY_MAX; larger values are FPV_NPY_MAX too).  Returns 0, or
 * -1 with *err filled.
 */
int fpv_npy_load(const char *path, size_t max, struct fpv_npy *a,
    struct fpv_npy_error *err);

/*
 * The same for the bytes buf[0..len) of a file called name (used in
 * messages and for the ".npy" rule); buf is copied where it is kept.
 */
int fpv_npy_parse(const char *name, const void *buf, size_t len, size_t max,
    struct fpv_npy *a, struct fpv_npy_error *err);

/* Free a loaded vector (a zeroed or freed one is fine too). */
void fpv_npy_free(struct fpv_npy *a);

/* Is element i exactly v[i]? */
static inline bool
fpv_npy_exact(const struct fpv_npy *a, size_t i)
{
	return a->span == NULL || a->span[i].len == 0;
}

/*
 * Element i as a real number entering a column: x (precision
 * FPV_EXACT_PREC) holds it rounded to odd, and *r describes it as a
 * literal does (fpv_real_parse: the text and its sign when it is not
 * exactly v[i]), ready for fpv_num_round_real.  Returns 0 when x is the
 * value exactly.
 */
int fpv_npy_real(const struct fpv_npy *a, size_t i, mpfr_ptr x,
    struct fpv_real *r);

#endif
