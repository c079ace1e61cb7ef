/*
 * Error figures as text.  How well each figure of struct fpv_errinfo is
 * known (what fpv_dec_figure needs to print only correct digits):
 *   - the absolute error is value - reference rounded to nearest at 64
 *     bits (2^-64 relative), against a reference good to far more bits;
 *   - the relative error divides that by the reference, rounded again;
 *   - ulps scale the absolute error (exactly, by a power of two, in
 *     float formats; divided by the scale, rounded, in integer grids)
 *     into a double: within 2^-52;
 *   - bits lost come from a logarithm in doubles: a few units of the
 *     last place of a number below 64.
 */
#include "fpviz/figure.h"

/* Bits each figure is good to (ORDER: enum fpv_figure). */
static const int good_bits[] = { 62, 61, 51, 40 };

/* Figure which of e as text. */
size_t
fpv_figure_text(const struct fpv_errinfo *e, enum fpv_figure which,
    unsigned how, char *buf, size_t size)
{
	switch (which) {
	case FPV_FIGURE_ABS:
		return fpv_dec_figure(e->err, good_bits[which], how, buf, size);
	case FPV_FIGURE_REL:
		return fpv_dec_figure(e->rel, good_bits[which], how, buf, size);
	case FPV_FIGURE_ULPS:
		return fpv_dec_figure_d(e->ulps, good_bits[which],
		    how & ~FPV_DEC_FIG_SIGN, buf, size);
	case FPV_FIGURE_BITS:
		break;
	}
	return fpv_dec_figure_d(e->bits_lost, good_bits[FPV_FIGURE_BITS],
	    how & ~FPV_DEC_FIG_SIGN, buf, size);
}
