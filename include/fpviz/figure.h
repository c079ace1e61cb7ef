/*
 * The figures of an error record (struct fpv_errinfo, trace.h) as text:
 * the one place that says how precise each figure is and hands it to
 * fpv_dec_figure (decimal.h), so that the text tables, the view, step
 * words and JSON write the same figure the same way.
 */
#ifndef FPVIZ_FIGURE_H
#define FPVIZ_FIGURE_H

#include <stddef.h>

#include "fpviz/decimal.h"
#include "fpviz/trace.h"

/* Which figure of an error record (ORDER: JSON's abs, rel, ulp, bits). */
enum fpv_figure {
	FPV_FIGURE_ABS,		/* value - reference, signed */
	FPV_FIGURE_REL,		/* (value - reference) / |reference|, signed */
	FPV_FIGURE_ULPS,	/* |value - reference| in ulps */
	FPV_FIGURE_BITS		/* bits of precision lost */
};

/*
 * Figure which of e in fpv_dec_figure's notation: how is its
 * FPV_DEC_FIG_* flags (FPV_DEC_FIG_SIGN applies to the signed figures
 * only).  Writes a NUL-terminated string into buf (size >=
 * FPV_DEC_FIGURE) and returns its length; 0 (and "") when the figure
 * is not a number (against a zero, near-zero, undefined or not
 * certified reference: "—" in text, null in JSON).
 */
size_t fpv_figure_text(const struct fpv_errinfo *e, enum fpv_figure which,
    unsigned how, char *buf, size_t size);

#endif
