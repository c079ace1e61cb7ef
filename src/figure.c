/*
 * Error figures as text: the figures of struct fpv_errinfo (trace.h),
 * certified against the exact reference (exact.h), in fpv_dec_figure's
 * notation (decimal.h), so that the text tables, the view, step words
 * and JSON write the same figure the same way.  How well each figure is
 * known (an exact rational, a ball's accuracy, a double within 2^-44,
 * the enclosure of bits lost) is fpv_errinfo_text's business (eval.c,
 * fpv_exact_figure); a figure that is not a number is written as
 * nothing (length 0).
 */
#include <stdio.h>

#include "fpviz/figure.h"

/* Figure which of e as text. */
size_t
fpv_figure_text(const struct fpv_errinfo *e, enum fpv_figure which,
    unsigned how, char *buf, size_t size)
{
	/* ORDER: enum fpv_figure is enum fpv_errfig. */
	if (e->zero)
		return (size_t)snprintf(buf, size, "0");
	return fpv_errinfo_text(e, (enum fpv_errfig)which, how, buf, size);
}
