/*
 * Format tables: what --info and :info show of a format, like numpy's
 * finfo and iinfo, as text and as one JSON object (one schema for both).
 *
 * Every number is computed from the descriptor and the format's
 * settings, never typed in: the largest finite number, the smallest
 * normal and subnormal numbers, eps (the gap between 1 and the next
 * number), each with its encoding, its shortest round-trip decimal and
 * its exact decimal; for integer grids the stored range and the values
 * it means.
 */
#ifndef FPVIZ_INFO_H
#define FPVIZ_INFO_H

#include "fpviz/num.h"

/* The :info text of f (newline-terminated lines); malloc'd, or NULL. */
char *fpv_info_text(const struct fpv_ctx *c, const struct fpv_format *f);

/*
 * The same laid out for width columns (0: no limit, as fpv_info_text):
 * the table of values in two lines a row (the shortest decimal under
 * the value, the exact form under the bits) where one line does not fit.
 * Other lines are left to the caller (fpv_render_line breaks them).
 */
char *fpv_info_text_width(const struct fpv_ctx *c,
    const struct fpv_format *f, int width);

/*
 * The same facts as one JSON object and a newline; malloc'd, or NULL.
 * Keys: "format", "title", "kind" ("float" or "int"), "bits", "sign";
 * floats: "exponent_bits", "fraction_bits", "bias", "precision", "emin",
 * "emax", "top" ("ieee", "fn", "finite"), "subnormals", "zero",
 * "has_inf", "has_nan", "nan" (bits or null), "overflow",
 * "decimal_digits", "roundtrip_digits", and "max", "min",
 * "smallest_normal", "smallest_subnormal", "eps" as objects {"value":
 * shortest decimal, "exact": exact decimal, "bits": encoding};
 * integers: "qmin", "qmax", "scale", "zero_point", "overflow", "min",
 * "max" (the same objects), "resolution" (the scale).
 */
char *fpv_info_json(const struct fpv_ctx *c, const struct fpv_format *f);

#endif
