/*
 * Steps in words: what a step of a trace did, said in the exact
 * reference's values (one text for every format) or in one column's own
 * values, and whether a column's rounding was a tie.
 *
 * A literal, constant, variable or bit pattern is described by its text
 * ("0.1", "-0.1", "pi", "x", "fp16:0x3c00"); an operation by its operands
 * ("0.0999755859375 + 1", "sqrt(2)", "-(0.5)", "fma(1, 2, 3)"; a negative
 * operand of an infix operator in parentheses: "1 - (-0.5)"); a cast by
 * its operand and, in a column where it changed the value, what it
 * produced ("fp16(~0.1) -> 0.0999755859375", where "~" stands for the
 * rounded mark U+2248 and "->" for the arrow U+2192).  In a column's own
 * values, operands are written as values are shown (fpv_dec_value), and
 * a rounding that was a tie ends in FPV_DESCRIBE_TIE (or _AWAY).  Nothing here
 * prints or knows about terminals.
 */
#ifndef FPVIZ_DESCRIBE_H
#define FPVIZ_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

#include "fpviz/trace.h"

/* The words appended to a description when the rounding was a tie:
 * " (tie -> even)", and for formats of precision 1 (E8M0), whose ties go
 * away from zero, " (tie -> away from zero)"; the arrow is U+2192. */
#define FPV_DESCRIBE_TIE " (tie \xe2\x86\x92 even)"
#define FPV_DESCRIBE_TIE_AWAY " (tie \xe2\x86\x92 away from zero)"

/* How a rounding to nearest resolved a tie. */
enum fpv_tie { FPV_TIE_NONE, FPV_TIE_EVEN, FPV_TIE_AWAY };

/*
 * Describe step i of t in the exact reference's values, to 17
 * significant digits ("10000 + 0.0001"): the same text for every format
 * (JSON's "description", the heading of a --steps block).  Writes a
 * NUL-terminated string into buf (cut to size) and returns its length.
 */
size_t fpv_describe_step(const struct fpv_trace *t, size_t i, char *buf,
    size_t size);

/*
 * Describe step i of t in column f's own values (the view's line under
 * the expression and its step list, a --steps row, JSON's per-result
 * "description"): "0.0999755859375 + 1" in the fp16 row of
 * fp16(0.1) + 1, "7 / 2" FPV_DESCRIBE_TIE in int8.
 * Returns the length written into buf as fpv_describe_step.
 */
size_t fpv_describe_cell(const struct fpv_trace *t, size_t i, int f,
    char *buf, size_t size);

/*
 * Step i in column f's own values and what it made there: the words of
 * fpv_describe_cell (a cast without its own "->"), then " = " and the
 * value when the step was exact, " -> " and the value when it rounded
 * (nothing when the words are the value, as "0.5" is), then the tie's
 * words: "0.1 -> 0.0999755859375", "x = 0.5", "fp16(~0.1) ->
 * 0.0999755859375", "0.0999755859375 + 0.199951171875 -> 0.2998046875"
 * FPV_DESCRIBE_TIE (the :steps overlay of the view).  Returns the
 * length written into buf as fpv_describe_step.
 */
size_t fpv_describe_result(const struct fpv_trace *t, size_t i, int f,
    char *buf, size_t size);

/*
 * Was the rounding of step i in column f a tie: rounding to nearest, and
 * the exact value rounded lay exactly halfway between two neighbouring
 * values of the format (or, past the largest finite value, halfway to
 * where the next would be)?  Then the even one was chosen (FPV_TIE_EVEN;
 * FPV_TIE_AWAY in precision 1).  Decided exactly: a literal from its
 * text, an operation from the column's own operands (one whose exact
 * result is not known exactly, such as exp(1), is never a tie), a cast
 * or a bit pattern of another format at each of its roundings.  For an
 * integer grid, a tie is value / scale exactly halfway between two
 * integers.
 */
enum fpv_tie fpv_describe_tie(const struct fpv_trace *t, size_t i, int f);

/*
 * The requantization of step i in the integer grid column f, in decimal:
 * the exact value this step rounded, divided by the scale (plus the zero
 * point), the exact quotient and the integer it was rounded to, with the
 * direction and the rounding mode, or the tie: "0.54 / 0.1 = 5.4 -> 5
 * (down, rounding to nearest)", "0.25 / 0.1 = 2.5 -> 2" FPV_DESCRIBE_TIE,
 * "0.5 / 0.1 = 5"; past the range, what the overflow setting made of it:
 * "200 / 1 = 200 -> 127 (saturated)", "... -> -56 (wrapped modulo 2^8)".
 * The value and the quotient are written as values are (at most
 * FPV_DEC_VALUE_DIGITS significant digits when exact, else rounded to
 * that many after FPV_DEC_MARK); "->" stands for the arrow U+2192.
 * Writes a NUL-terminated string into buf (cut to size) and returns its
 * length; 0 (and "") for a float column, a cast through another
 * format, or a value that is not a number (inf, nan).
 */
size_t fpv_describe_requant(const struct fpv_trace *t, size_t i, int f,
    char *buf, size_t size);

/* The words of a tie: FPV_DESCRIBE_TIE, FPV_DESCRIBE_TIE_AWAY or "". */
const char *fpv_describe_tie_words(enum fpv_tie tie);

#endif
