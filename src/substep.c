/*
 * The sub-steps of a step (fpviz/substep.h): what an accumulator's
 * addition lost, and a quantization's blocks in words.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/exact.h"
#include "fpviz/format.h"
#include "fpviz/render.h"
#include "fpviz/substep.h"

bool
fpv_acc_step_loss(const struct fpv_ctx *c, const struct fpv_format *acc,
    const struct fpv_reduce_step *s, struct fpv_errinfo *e)
{
	struct fpv_exact a, b, r, sum;
	const struct fpv_exact *args[2] = { &a, &b };

	if (s->kind != FPV_STEP_ADD && s->kind != FPV_STEP_COMBINE)
		return false;
	fpv_exact_init(&a);
	fpv_exact_init(&b);
	fpv_exact_init(&r);
	fpv_exact_init(&sum);
	fpv_exact_decode(&a, c, acc, s->a);
	fpv_exact_decode(&b, c, acc, s->b);
	fpv_exact_decode(&r, c, acc, s->r);
	/* Two stored values: their sum is an exact rational. */
	fpv_exact_op(&sum, FPV_OP_ADD, args, FPV_EXACT_PREC0);
	fpv_exact_error(e, &r, &sum, NULL, c, acc);
	fpv_exact_clear(&a);
	fpv_exact_clear(&b);
	fpv_exact_clear(&r);
	fpv_exact_clear(&sum);
	return true;
}

/* The figure which of e, or the dash of a figure that is no number. */
static size_t
fig(const struct fpv_errinfo *e, enum fpv_errfig which, unsigned how,
    char *buf, size_t size)
{
	size_t n = fpv_errinfo_text(e, which, how, buf, size);

	if (n == 0)
		n = (size_t)snprintf(buf, size, "\xe2\x80\x94");
	return n;
}

size_t
fpv_loss_text(const struct fpv_errinfo *e, char *buf, size_t size)
{
	char a[FPV_DEC_FIGURE], r[FPV_DEC_FIGURE], u[FPV_DEC_FIGURE];
	int n;

	if (e->zero)
		return (size_t)snprintf(buf, size, "loss 0");
	fig(e, FPV_ERR_ABS, e->fig[FPV_ERR_ABS] == FPV_FIG_NUMBER ?
	    FPV_DEC_FIG_SIGN : 0, a, sizeof a);
	if (e->fig[FPV_ERR_ABS] != FPV_FIG_NUMBER)
		n = snprintf(buf, size, "loss %s", a);
	else {
		fig(e, FPV_ERR_REL, FPV_DEC_FIG_SIGN, r, sizeof r);
		fig(e, FPV_ERR_ULPS, 0, u, sizeof u);
		n = snprintf(buf, size, "loss %s (rel %s, %s ulp)", a, r, u);
	}
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void
fpv_quant_block_range(const struct fpv_quant *q, size_t b, size_t *first,
    size_t *count)
{
	*first = b * q->block;
	*count = *first < q->n ? (q->n - *first < q->block ?
	    q->n - *first : q->block) : 0;
}

size_t
fpv_quant_block_text(const struct fpv_ctx *c, const struct fpv_quant *q,
    size_t b, char *buf, size_t size)
{
	/* The amax is a number of the scheme's arithmetic (binary32). */
	const struct fpv_format *f32 = q->scheme != NULL ?
	    fpv_builtin_by_name(q->scheme->arith, strlen(q->scheme->arith)) :
	    NULL;
	char am[FPV_DEC_VALUE], sc[FPV_DEC_VALUE], hex[24];
	size_t first, count, n;
	double amax = q->block_amax[b];

	fpv_quant_block_range(q, b, &first, &count);
	if (amax != amax)
		snprintf(am, sizeof am, "nan");
	else if (f32 != NULL) {
		/* A binary32 number (quant.h): its encoding. */
		float fv = (float)amax;
		uint32_t w;

		memcpy(&w, &fv, sizeof w);
		fpv_dec_value(c, f32, w, am, NULL);
	} else
		snprintf(am, sizeof am, "%.9g", amax);
	fpv_dec_value(c, q->scale_fmt, q->scale_bits[b], sc, NULL);
	fpv_bits_hex(q->scale_fmt, q->scale_bits[b], hex);
	if (q->nblocks <= 1 && (q->scheme == NULL || q->scheme->block == 0))
		n = (size_t)snprintf(buf, size, "tensor  elements 0\xe2\x80\x93"
		    "%zu", q->n > 0 ? q->n - 1 : 0);
	else if (count == 1)
		n = (size_t)snprintf(buf, size, "block %zu  element %zu", b,
		    first);
	else
		n = (size_t)snprintf(buf, size, "block %zu  elements "
		    "%zu\xe2\x80\x93%zu", b, first, first + count - 1);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "  amax %s  scale %s "
		    "(%s %s)", am, sc, q->scale_fmt->name, hex);
	return n < size ? n : size - 1;
}

size_t
fpv_quant_codes_text(const struct fpv_quant *q, size_t first, size_t count,
    size_t max, char *buf, size_t size)
{
	int digits = ((int)q->elem.bits + 3) / 4;
	size_t n = 0, col = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (size_t j = 0; j < count; j++) {
		size_t w = (size_t)digits + (j > 0);
		/* Room for this code, and for " …" unless it is the last. */
		size_t need = col + w + (j + 1 < count ? 2 : 0);

		if ((max > 0 && need > max) || n + 32 >= size) {
			n += (size_t)snprintf(buf + n, size - n, "%s\xe2\x80\xa6",
			    j > 0 ? " " : "");
			break;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s%0*llx",
		    j > 0 ? " " : "", digits,
		    (unsigned long long)q->code[first + j]);
		col += w;
	}
	return n < size ? n : size - 1;
}
