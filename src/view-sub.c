/*
 * The view's panels of sub-steps, in place of the detail pane's first
 * lines: a reduction's accumulator step (what it added, what it lost,
 * the running accumulator around it, the operands' bits), and a block
 * quantization's block of the selected element (its amax, its scale's
 * bits, its codes, and the element's code and value).  The steps come
 * from the model (view_acc, view_quant in view-model.c); the words and
 * losses from substep.c, as --steps writes them.
 */
#include <stdio.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/exact.h"
#include "fpviz/substep.h"
#include "fpviz/view-impl.h"

/* The column the panels' texts start in, after their labels. */
#define LX 10

/* The binary digits of code b of f, most significant first. */
static void
digits_of(const struct fpv_format *f, uint64_t b, char *bin)
{
	for (int i = 0; i < f->bits; i++)
		bin[i] = (char)('0' + ((b >> (f->bits - 1 - i)) & 1));
	bin[f->bits] = '\0';
}

/*
 * A code of f on line y from x: its bits coloured by field where they
 * fit (with room columns after them), its hex and its value; returns
 * the column after.
 */
static int
put_code(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    const struct fpv_format *f, uint64_t b, int room)
{
	const struct fpv_trace *t = view_trace(v);
	char bin[72], hex[24], val[FPV_DEC_VALUE];

	digits_of(f, b, bin);
	fpv_bits_hex(f, b, hex);
	fpv_dec_value(&t->ctx, f, b, val, NULL);
	if (x + view_bits_width(f) + 2 + (int)strlen(hex) + room <= xmax) {
		x = view_draw_bit_run(v, w, y, x, f, bin, 0, f->bits, -1);
		x = view_put(v, w, y, x, xmax, ST_NORMAL, "  ");
	}
	x = view_put(v, w, y, x, xmax, ST_HEX, hex);
	x = view_put(v, w, y, x, xmax, ST_NORMAL, "  ");
	return view_put_cut(v, w, y, x, xmax, ST_VALUE, val);
}

/* The marks of an accumulator step in the running strip: absorbed,
 * overflow or invalid, rounded; none for an exact one. */
static const char *
acc_mark(const struct fpv_view *v, const struct fpv_reduce_step *s,
    enum view_style *st)
{
	if (s->flags & (FPV_FLAG_INVALID | FPV_FLAG_OVERFLOW |
	    FPV_FLAG_SATURATED | FPV_FLAG_WRAPPED)) {
		*st = ST_M_OVERFLOW;
		return v->utf8 ? "\xe2\x87\xa1" : "^";
	}
	if (s->flags & FPV_FLAG_ABSORBED) {
		*st = ST_M_ABSORBED;
		return v->utf8 ? "\xe2\x88\x85" : "!";
	}
	if (s->flags & FPV_FLAG_INEXACT) {
		*st = ST_M_INEXACT;
		return "~";
	}
	*st = ST_NORMAL;
	return NULL;
}

/* One cell of the running strip: "#257 ∅256". */
static int
strip_cell(struct fpv_view *v, const struct view_acc *A, size_t j,
    char *num, size_t nsize, char *val, const char **mark,
    enum view_style *mst)
{
	const struct fpv_reduce_step *s = view_acc_at(v, j);

	if (s == NULL)
		return -1;
	snprintf(num, nsize, "#%zu ", j + 1);
	fpv_dec_value(&view_trace(v)->ctx, A->acc, s->r, val, NULL);
	*mark = acc_mark(v, s, mst);
	return view_text_width(v, num, strlen(num)) + (*mark ? 1 : 0) +
	    view_text_width(v, val, strlen(val));
}

/* The running accumulator around step k on line y: cells "#j r" with
 * their marks, k's highlighted, as many as fit. */
static void
draw_running(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    size_t k)
{
	const struct view_acc *A = &v->acc;
	char num[32], val[FPV_DEC_VALUE];
	const char *mark;
	enum view_style mst;
	size_t a = k, b = k + 1;
	int used, room = xmax - x;

	if ((used = strip_cell(v, A, k, num, sizeof num, val, &mark,
	    &mst)) < 0)
		return;
	/* Widen to the right and the left in turn while cells fit. */
	for (bool grew = true; grew;) {
		int c;

		grew = false;
		if (b < A->total && (c = strip_cell(v, A, b, num, sizeof num,
		    val, &mark, &mst)) >= 0 && used + 2 + c <= room) {
			used += 2 + c;
			b++;
			grew = true;
		}
		if (a > 0 && (c = strip_cell(v, A, a - 1, num, sizeof num,
		    val, &mark, &mst)) >= 0 && used + 2 + c <= room) {
			used += 2 + c;
			a--;
			grew = true;
		}
	}
	for (size_t j = a; j < b; j++) {
		strip_cell(v, A, j, num, sizeof num, val, &mark, &mst);
		if (j > a)
			x = view_put(v, w, y, x, xmax, ST_NORMAL, "  ");
		x = view_put(v, w, y, x, xmax, j == k ? ST_SELECTED : ST_HINT,
		    num);
		if (mark != NULL)
			x = view_put(v, w, y, x, xmax, mst, mark);
		x = view_put(v, w, y, x, xmax, j == k ? ST_SELECTED :
		    ST_VALUE, val);
	}
}

/* "exact sum 257" of step s's operands (≈ when it is rounded). */
static void
exact_sum_text(const struct fpv_ctx *c, const struct fpv_format *acc,
    const struct fpv_reduce_step *s, char *buf, size_t size)
{
	struct fpv_exact a, b, sum;
	const struct fpv_exact *args[2] = { &a, &b };
	char d[128];
	bool rounded = false;

	fpv_exact_init(&a);
	fpv_exact_init(&b);
	fpv_exact_init(&sum);
	fpv_exact_decode(&a, c, acc, s->a);
	fpv_exact_decode(&b, c, acc, s->b);
	fpv_exact_op(&sum, FPV_OP_ADD, args, FPV_EXACT_PREC0);
	if (fpv_exact_format(&sum, 17, FPV_EXACT_REPR, d, sizeof d,
	    &rounded) > 0)
		snprintf(buf, size, "exact sum %s%s", rounded ?
		    FPV_DEC_MARK : "", d);
	else
		snprintf(buf, size, "exact sum undefined");
	fpv_exact_clear(&a);
	fpv_exact_clear(&b);
	fpv_exact_clear(&sum);
}

int
view_draw_acc(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    int rows)
{
	const struct fpv_trace *t = view_trace(v);
	const struct view_acc *A = &v->acc;
	const struct fpv_reduce_step *s;
	const struct fpv_ctx *c;
	char a[FPV_DEC_VALUE], b[FPV_DEC_VALUE], r[FPV_DEC_VALUE];
	char text[320], loss[FPV_LOSS_TEXT];
	struct view_flagword fw[16];
	struct view_cell cell;
	struct fpv_errinfo e;
	int xmax = x + width, lx = x + LX, cx, line = 0, nfw;
	size_t k;
	bool add;

	if (rows <= 0 || (s = view_acc(v, &k)) == NULL)
		return 0;
	c = &t->ctx;
	add = s->kind == FPV_STEP_ADD || s->kind == FPV_STEP_COMBINE;
	fpv_dec_value(c, A->acc, s->a, a, NULL);
	fpv_dec_value(c, A->acc, s->b, b, NULL);
	fpv_dec_value(c, A->acc, s->r, r, NULL);
	loss[0] = '\0';
	fpv_errinfo_init(&e);
	if (fpv_acc_step_loss(c, A->acc, s, &e))
		fpv_loss_text(&e, loss, sizeof loss);
	fpv_errinfo_clear(&e);

	/* 1: the step: which, the operation, its flags, the element. */
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "step");
	snprintf(text, sizeof text, "#%zu of %zu", k + 1, A->total);
	cx = view_put(v, w, y, lx, xmax, ST_VALUE, text);
	cx = view_put(v, w, y, cx, xmax, ST_NORMAL, "   ");
	switch (s->kind) {
	case FPV_STEP_LOAD:
		snprintf(text, sizeof text, "load %s", r);
		break;
	case FPV_STEP_MAX:
		snprintf(text, sizeof text, "max(%s, %s) = %s", a, b, r);
		break;
	default:
		snprintf(text, sizeof text, "%s + %s %s %s", a, b,
		    e.zero || e.fig[FPV_ERR_ABS] == FPV_FIG_NONE ? "=" :
		    v->utf8 ? "\xe2\x86\x92" : "->", r);
		break;
	}
	cx = view_put(v, w, y, cx, xmax, ST_NORMAL, text);
	memset(&cell, 0, sizeof cell);
	cell.flags = s->flags;
	cell.cls = fpv_bits_class(A->acc, s->r);
	if ((nfw = view_flag_words(&cell, fw)) > 0)
		cx = view_draw_flags(v, w, y, cx + 3, xmax, fw, nfw);
	if (s->index != FPV_STEP_NONE) {
		snprintf(text, sizeof text, "   element [%u]",
		    (unsigned)s->index);
		cx = view_put(v, w, y, cx, xmax, ST_HINT, text);
	} else if (s->kind == FPV_STEP_COMBINE) {
		cx = view_put(v, w, y, cx, xmax, ST_HINT, "   partial sums");
	}
	if (A->order == FPV_ORDER_PAIRWISE && s->kind != FPV_STEP_COMBINE) {
		snprintf(text, sizeof text, ", lane %u", (unsigned)s->lane);
		view_put(v, w, y, cx, xmax, ST_HINT, text);
	}
	if (++line >= rows)
		return line;

	/* 2: what the addition lost, against the exact sum. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "lost");
	if (add) {
		cx = view_put(v, w, y + line, lx, xmax, e.zero ? ST_NORMAL :
		    ST_WARN, e.zero ? "nothing" : loss + 5);
		exact_sum_text(c, A->acc, s, text, sizeof text);
		cx = view_put(v, w, y + line, cx + 3, xmax, ST_HINT, text);
	} else {
		view_put_cut(v, w, y + line, lx, xmax, ST_HINT,
		    s->kind == FPV_STEP_LOAD ? "nothing: no addition (the term "
		    "starts the sum)" : "nothing: a maximum is exact");
	}
	if (++line >= rows)
		return line;

	/* 3: the running accumulator around it. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "running");
	draw_running(v, w, y + line, lx, xmax, k);
	if (++line >= rows)
		return line;

	/* 4: the result's bits, 5: the term's, 6: the accumulator
	 * before, 7: Kahan's compensation. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, s->kind ==
	    FPV_STEP_MAX ? "result" : "sum");
	put_code(v, w, y + line, lx, xmax, A->acc, s->r, 4);
	if (++line >= rows)
		return line;
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL,
	    s->kind == FPV_STEP_COMBINE ? "right" : "term");
	cx = put_code(v, w, y + line, lx, xmax, A->acc, s->b, 4);
	if (++line >= rows || s->kind == FPV_STEP_LOAD)
		return line;
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL,
	    s->kind == FPV_STEP_COMBINE ? "left" : "before");
	put_code(v, w, y + line, lx, xmax, A->acc, s->a, 4);
	if (++line >= rows || A->order != FPV_ORDER_KAHAN)
		return line;
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "comp");
	put_code(v, w, y + line, lx, xmax, A->acc, s->c, 4);
	(void)cx;
	return line + 1;
}

/* A binary32 number held in a double, as fpv_dec_value writes it. */
static void
f32_text(const struct fpv_ctx *c, const struct fpv_quant *q, double d,
    char *buf)
{
	const struct fpv_format *f = fpv_builtin_by_name(q->scheme->arith,
	    strlen(q->scheme->arith));
	float fv = (float)d;
	uint32_t u;

	if (d != d || f == NULL) {
		snprintf(buf, FPV_DEC_VALUE, "nan");
		return;
	}
	memcpy(&u, &fv, sizeof u);
	fpv_dec_value(c, f, u, buf, NULL);
}

int
view_draw_block(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    int rows)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_quant *q = view_quant(v);
	char text[320], val[FPV_DEC_VALUE], hex[24];
	int xmax = x + width, lx = x + LX, cx, line = 0, dw;
	size_t b, first, count, j = v->elem, a0, a1;

	if (rows <= 0 || q == NULL || j >= q->n)
		return 0;
	b = j / q->block;
	fpv_quant_block_range(q, b, &first, &count);

	/* 1: the block, its elements, its amax. */
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "block");
	snprintf(text, sizeof text, "%zu", b);
	cx = view_put(v, w, y, lx, xmax, ST_VALUE, text);
	snprintf(text, sizeof text, " (of %zu)", q->nblocks);
	cx = view_put(v, w, y, cx, xmax, ST_HINT, text);
	snprintf(text, sizeof text, count == 1 ? "  element %zu" :
	    "  elements %zu\xe2\x80\x93%zu", first, first + count - 1);
	cx = view_put(v, w, y, cx, xmax, ST_NORMAL, text);
	f32_text(&t->ctx, q, q->block_amax[b], val);
	cx = view_put(v, w, y, cx, xmax, ST_HINT, "   amax ");
	cx = view_put(v, w, y, cx, xmax, ST_VALUE, val);
	snprintf(text, sizeof text, "   %s %s, blocks of %zu",
	    q->scheme->name, q->elem.name, q->block);
	view_put_cut(v, w, y, cx, xmax, ST_HINT, text);
	if (++line >= rows)
		return line;

	/* 2: the scale: its bits by field, hex, value; NVFP4's tensor
	 * scale after it. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "scale");
	cx = view_put(v, w, y + line, lx, xmax, ST_HINT, q->scale_fmt->name);
	cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL, "  ");
	{
		char bin[72];

		digits_of(q->scale_fmt, q->scale_bits[b], bin);
		fpv_bits_hex(q->scale_fmt, q->scale_bits[b], hex);
		fpv_dec_value(&t->ctx, q->scale_fmt, q->scale_bits[b], val,
		    NULL);
		if (cx + view_bits_width(q->scale_fmt) + 4 < xmax) {
			cx = view_draw_bit_run(v, w, y + line, cx,
			    q->scale_fmt, bin, 0, q->scale_fmt->bits, -1);
			cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL,
			    "  ");
		}
		cx = view_put(v, w, y + line, cx, xmax, ST_HEX, hex);
		cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL, " = ");
		cx = view_put(v, w, y + line, cx, xmax, ST_VALUE, val);
	}
	if (q->tensor_fmt != NULL) {
		fpv_bits_hex(q->tensor_fmt, q->tensor_scale_bits, hex);
		fpv_dec_value(&t->ctx, q->tensor_fmt, q->tensor_scale_bits, val,
		    NULL);
		snprintf(text, sizeof text, "   \xc3\x97 tensor scale %s %s "
		    "= %s", q->tensor_fmt->name, hex, val);
		if (!v->utf8)
			snprintf(text, sizeof text, "   x tensor scale %s %s = "
			    "%s", q->tensor_fmt->name, hex, val);
		view_put_cut(v, w, y + line, cx, xmax, ST_NORMAL, text);
	}
	if (++line >= rows)
		return line;

	/* 3: the block's codes, the selected one highlighted, a window of
	 * them that holds it where they do not all fit. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "codes");
	dw = (q->elem.bits + 3) / 4;
	{
		int per = (xmax - lx - 2) / (dw + 1);
		size_t shown = per > 0 ? (size_t)per : 1;

		a0 = first;
		a1 = first + count;
		if (count > shown) {
			/* Room for the ellipses too. */
			shown = shown > 2 ? shown - 2 : 1;
			a0 = j >= first + shown / 2 ? j - shown / 2 : first;
			if (a0 + shown > first + count)
				a0 = first + count - shown;
			a1 = a0 + shown;
		}
		cx = lx;
		if (a0 > first)
			cx = view_put(v, w, y + line, cx, xmax, ST_HINT, v->utf8 ?
			    "\xe2\x80\xa6 " : ". ");
		for (size_t i = a0; i < a1; i++) {
			snprintf(text, sizeof text, "%0*llx", dw,
			    (unsigned long long)q->code[i]);
			if (i > a0)
				cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL,
				    " ");
			cx = view_put(v, w, y + line, cx, xmax, i == j ?
			    ST_SELECTED : ST_HEX, text);
		}
		if (a1 < first + count)
			view_put(v, w, y + line, cx, xmax, ST_HINT, v->utf8 ?
			    " \xe2\x80\xa6" : " .");
	}
	if (++line >= rows)
		return line;

	/* 4: the element: its code, the code's value, times the scales,
	 * the dequantized value, and its marks. */
	view_put(v, w, y + line, x + 1, xmax, ST_LABEL, "element");
	fpv_bits_hex(&q->elem, q->code[j], hex);
	snprintf(text, sizeof text, "[%zu] code %s", j, hex);
	cx = view_put(v, w, y + line, lx, xmax, ST_VALUE, text);
	if (q->scheme->codebook != NULL) {
		/* NF4: the code indexes the table (binary32 values). */
		f32_text(&t->ctx, q, q->scheme->codebook[q->code[j] & 15], val);
		snprintf(text, sizeof text, " = table[%llu] %s",
		    (unsigned long long)(q->code[j] & 15), val);
	} else {
		fpv_dec_value(&t->ctx, &q->elem, q->code[j], val, NULL);
		snprintf(text, sizeof text, " = %s (%s)", val, q->elem.name);
	}
	cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL, text);
	{
		/* The dequantized value: the code's value times the
		 * scales, exactly (quant.h: a binary64 number). */
		struct fpv_exact cv, sc, ts, p1, p2;
		const struct fpv_exact *args[2];
		char dv[128];
		bool rounded = false;

		fpv_exact_init(&cv);
		fpv_exact_init(&sc);
		fpv_exact_init(&ts);
		fpv_exact_init(&p1);
		fpv_exact_init(&p2);
		if (q->scheme->codebook != NULL) {
			mpfr_t m;

			mpfr_init2(m, 64);
			mpfr_set_d(m, q->scheme->codebook[q->code[j] & 15],
			    MPFR_RNDN);
			fpv_exact_set_mpfr(&cv, m);
			mpfr_clear(m);
		} else {
			fpv_exact_decode(&cv, &t->ctx, &q->elem, q->code[j]);
		}
		fpv_exact_decode(&sc, &t->ctx, q->scale_fmt, q->scale_bits[b]);
		args[0] = &cv;
		args[1] = &sc;
		fpv_exact_op(&p1, FPV_OP_MUL, args, FPV_EXACT_PREC0);
		if (q->tensor_fmt != NULL) {
			fpv_exact_decode(&ts, &t->ctx, q->tensor_fmt,
			    q->tensor_scale_bits);
			args[0] = &p1;
			args[1] = &ts;
			fpv_exact_op(&p2, FPV_OP_MUL, args, FPV_EXACT_PREC0);
			fpv_exact_set(&p1, &p2);
		}
		if (fpv_exact_format(&p1, 17, FPV_EXACT_REPR, dv, sizeof dv,
		    &rounded) == 0)
			snprintf(dv, sizeof dv, "nan");
		char sv[FPV_DEC_VALUE], tv[FPV_DEC_VALUE], tp[FPV_DEC_VALUE + 8];
		const char *times = v->utf8 ? "\xc3\x97" : "x";

		fpv_dec_value(&t->ctx, q->scale_fmt, q->scale_bits[b], sv,
		    NULL);
		tp[0] = '\0';
		if (q->tensor_fmt != NULL) {
			fpv_dec_value(&t->ctx, q->tensor_fmt,
			    q->tensor_scale_bits, tv, NULL);
			snprintf(tp, sizeof tp, " %s %s", times, tv);
		}
		snprintf(text, sizeof text, " %s %s%s = %s%s", times, sv, tp,
		    rounded ? FPV_DEC_MARK : "", dv);
		cx = view_put(v, w, y + line, cx, xmax, ST_NORMAL, text);
		fpv_exact_clear(&cv);
		fpv_exact_clear(&sc);
		fpv_exact_clear(&ts);
		fpv_exact_clear(&p1);
		fpv_exact_clear(&p2);
	}
	if (q->mark == NULL)
		return line + 1;
	if (q->mark[j] & FPV_QMARK_SATURATED)
		cx = view_put(v, w, y + line, cx + 2, xmax, ST_M_SATURATED,
		    "saturated");
	if (q->mark[j] & FPV_QMARK_UNDERFLOWED)
		cx = view_put(v, w, y + line, cx + 2, xmax, ST_M_UNDERFLOW,
		    "underflowed");
	if (q->mark[j] & FPV_QMARK_NONFINITE)
		view_put(v, w, y + line, cx + 2, xmax, ST_M_NAN, "not finite");
	return line + 1;
}
