/*
 * :sample N EXPR: the distribution of stochastic rounding's results.
 *
 * EXPR is evaluated N times in stochastic rounding (whatever the
 * session's mode), with the seeds seed, seed + 1, ..., seed + N - 1 (the
 * session's seed first; modulo 2^64), each run as if the line had been
 * typed with that seed, and once more rounded to nearest.  Per column:
 * the distinct results with their counts in order of value, the exact
 * mean of the N results, the exact reference, and how many runs gave
 * round-to-nearest's result.  The runs happen in a private copy of the
 * session: variables (ans too) and settings stay as they were.
 */
#ifndef FPVIZ_SAMPLE_H
#define FPVIZ_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "fpviz/trace.h"

/* The largest N. */
#define FPV_SAMPLE_MAX 1000000
/* Distinct values the text shows per column; the rest are counted. */
#define FPV_SAMPLE_SHOWN 10

/*
 * Run :sample over the expression that starts at byte expr_off of the
 * command line src[0..len) (errors are located in that line: lineno,
 * and columns of src).  1 <= n <= FPV_SAMPLE_MAX.  Returns 0 with
 * malloc'd *text (the report) and *json (its JSON members, "sample":
 * {...}), or -1 with *err filled (a bad expression, "interrupted" by
 * fpv_interrupt, out of memory); s is unchanged either way.
 */
int fpv_sample(const struct fpv_session *s, const char *src, size_t len,
    size_t expr_off, uint64_t n, int lineno, char **text, char **json,
    struct fpv_error *err);

#endif
