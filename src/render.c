/*
 * Renderers: a trace as a text table and as one JSON Lines object.
 * The rows are the trace's columns, in their order.
 *
 * Text.  A header line with the expression (and the rounding mode when
 * it is not nearest, the settings of the rows that are not their
 * defaults),
 * then one row per shown format:
 *
 *   fp16   0 01101 0011001100  0x34cc  0.2998046875  err -0.0002 (rel -0.00065, 0.8 ulp)  inexact
 *
 * name, bits grouped by field, hex, value (fpv_dec_value: exact when
 * short, else the shortest after the mark U+2248; columns are aligned
 * by the terminal columns they take, not bytes), accumulated error
 * (absolute, relative, ulps; "err 0" when exact; "—" for a figure that
 * is not a number) and the flags raised anywhere in the evaluation as
 * words ("cancellation(12 bits)"), then an "exact" row with the exact
 * reference to at most TEXT_EXACT_DIGITS (20) certified digits, after
 * the mark U+2248 when rounded, and its state in words (exact.h).  With
 * steps, a block per step comes first: "step 3/5: 10000 + 0.0001"
 * (fpv_describe_step), rows with that step's bits, value, its own
 * rounding loss ("loss ..."), the step in the row's own values
 * (fpv_describe_cell; left out when every row repeats the heading) and
 * its own flags, and its exact row.
 * That is the layout without a width (opts->width 0: a pipe or a file);
 * with one (a terminal's, or --width), a table that does not fit it is
 * laid out in two lines a row, or flowed (see "Rows at a width").
 * Colour (ANSI, only when asked): sign, exponent and fraction bits each
 * have a colour; overflow/invalid/divbyzero are red, underflow,
 * subnormal, absorbed, cancellation, saturated and wrapped yellow.  The
 * words are always printed, so nothing depends on colour.
 *
 * JSON Lines.  The schema of PRODUCT.md, with these keys added (for the
 * man page):
 *   top level   "assign": NAME          for "NAME = expr" lines
 *               "settings": {GRID: {"scale": "0.1", "zero_point": 0,
 *                        "overflow": "saturate"}, FLOAT: {"overflow":
 *                        "saturate"}}   for each integer grid shown and
 *                        each float whose overflow is not its default
 *   per result  "bits_lost": "1.5"      precision bits lost (0..precision)
 *               "cancelled_bits": N     when the flags hold cancellation
 *                                       (results: the largest of any step)
 *               "q": N                  int formats: the stored integer
 *   per step    "text": the step's source text, at most STEP_TEXT_MAX
 *                 (256) bytes: a longer one is cut (never inside a UTF-8
 *                 sequence) and ends in an ellipsis (U+2026, 3 bytes),
 *                 so that the output of deeply nested or very long
 *                 lines stays linear in their length
 *               "start": N, "end": N   the step's span in the line: 0-based
 *                 byte offsets (end exclusive) into the line as read
 *                 (the bytes of "expr"), which give the full text even
 *                 when "text" is cut
 *               "description": "10000 + 0.0001"   the step in words,
 *                 in the exact reference's values (fpv_describe_step)
 *               "args": [1, 2]          operand step indices (1-based)
 *               "exact": "..."          exact reference of the sub-expression
 *               (with exact_state and the rest, as at the top level)
 *               results.F."local_abs_error", "local_rel_error",
 *               "local_ulp_error", "local_bits_lost": this step's own
 *               rounding loss (result against the exact operation on the
 *               column's rounded operands); "abs_error" etc. are the
 *               accumulated error against "exact"; results.F."description":
 *               the step in F's own values (fpv_describe_cell).
 *   top level   "exact_state": "exact" | "certified" | "near_zero" |
 *               "undefined" | "not_certified"; "exact_bits": N
 *               (certified; at most 2^53, meaning at least),
 *               "exact_zero_exp": -K (near_zero: |exact| <= 2^-K, K at
 *               most 2^53), "exact_reason": "argument" | "range"
 *               (not_certified), "exact_rounded": bool (when "exact" is
 *               a string)
 *   per result  "abs_error_max_exp": E   |abs error| <= 2^E, when the
 *               abs error itself is null (against a near-zero reference)
 * Numbers are strings, every digit of them right: "exact" has at most
 * JSON_EXACT_DIGITS (40) significant digits (null when none is known);
 * the error figures (absolute, relative, ulps, bits lost) are
 * fpv_dec_figure's full ones: up to 17 significant digits, each of them
 * correct; a figure that is not a number (against a zero, near-zero or
 * undefined reference) is null, an error that is not finite (NaN
 * against a number, infinity against a finite value) "nan" or
 * "inf"/"-inf".  "value" is
 * the shortest round-trip decimal, "exact_value" the stored value's
 * exact decimal; see decimal.c for the notation.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/describe.h"
#include "fpviz/figure.h"
#include "fpviz/reduce.h"
#include "fpviz/render.h"
#include "fpviz/safe.h"
#include "fpviz/substep.h"

/* Significant digits of the exact reference in text tables. */
#define TEXT_EXACT_DIGITS 20
/* Significant digits of the exact reference in JSON. */
#define JSON_EXACT_DIGITS 40
/* Significant digits to which the JSON's error figures are certified
 * (fpv_dec_figure's full notation). */
#define JSON_ERROR_DIGITS FPV_DEC_FIGURE_FULL
/* Bytes of a step's source text in JSON before it is cut (then U+2026). */
#define STEP_TEXT_MAX 256
/* Bytes of a step's description (cut beyond). */
#define DESC_MAX 320

/* ANSI styles (text only). */
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_SIGN "\033[35m"
#define C_EXP "\033[36m"
#define C_FRAC "\033[32m"
#define C_BAD "\033[1;31m"
#define C_WARN "\033[33m"

/* Room an error figure needs (fpv_dec_figure). */
#define FIGURE_MAX FPV_DEC_FIGURE

/* ---- Output buffer ---------------------------------------------------- */

/*
 * Output assembled in memory and handed to stdio in large pieces: a
 * table row or a JSON object is hundreds of small strings, and each
 * stdio call costs more than copying its bytes.  Text rows are written
 * straight into the buffer (ob_reserve, then ob_commit).
 */
struct obuf {
	FILE *out;
	size_t n;
	char b[8192];
};

/* Start buffering for out. */
static void
ob_init(struct obuf *o, FILE *out)
{
	o->out = out;
	o->n = 0;
}

/* Write what is buffered. */
static void
ob_flush(struct obuf *o)
{
	if (o->n > 0)
		fwrite(o->b, 1, o->n, o->out);
	o->n = 0;
}

/* ob_write when s does not fit what is left of the buffer. */
static void
ob_write_slow(struct obuf *o, const char *s, size_t n)
{
	ob_flush(o);
	if (n > sizeof o->b) {
		fwrite(s, 1, n, o->out);
		return;
	}
	memcpy(o->b, s, n);
	o->n = n;
}

/* Append n bytes of s. */
static inline void
ob_write(struct obuf *o, const char *s, size_t n)
{
	if (n <= sizeof o->b - o->n) {
		memcpy(o->b + o->n, s, n);
		o->n += n;
		return;
	}
	ob_write_slow(o, s, n);
}

/* Append a C string. */
static inline void
ob_puts(struct obuf *o, const char *s)
{
	ob_write(o, s, strlen(s));
}

/* Append one byte. */
static inline void
ob_putc(struct obuf *o, char c)
{
	if (o->n == sizeof o->b)
		ob_flush(o);
	o->b[o->n++] = c;
}

/* Room for n (<= sizeof o->b) bytes: where to write them. */
static inline char *
ob_reserve(struct obuf *o, size_t n)
{
	if (n > sizeof o->b - o->n)
		ob_flush(o);
	return o->b + o->n;
}

/* The reserved bytes up to p are written. */
static inline void
ob_commit(struct obuf *o, const char *p)
{
	o->n = (size_t)(p - o->b);
}

/* Copy n bytes of s to p; returns p + n. */
static inline char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* Bytes put_pad may write past the spaces it adds. */
#define PAD_CHUNK 64

/* n spaces at p; returns p + n.  Writes up to PAD_CHUNK bytes past them. */
static inline char *
put_pad(char *p, size_t n)
{
	static const char sp[PAD_CHUNK + 1] =
	    "                                "
	    "                                ";

	while (n > PAD_CHUNK) {
		memcpy(p, sp, PAD_CHUNK);
		p += PAD_CHUNK;
		n -= PAD_CHUNK;
	}
	memcpy(p, sp, PAD_CHUNK);
	return p + n;
}

/* A decimal integer at p; returns the end. */
static char *
put_long(char *p, long v)
{
	char t[24];
	size_t k = sizeof t;
	unsigned long a = v < 0 ? 0 - (unsigned long)v : (unsigned long)v;

	do
		t[--k] = (char)('0' + a % 10);
	while ((a /= 10) != 0);
	if (v < 0)
		t[--k] = '-';
	return put(p, t + k, sizeof t - k);
}

/* One flag's word (fpv_flag_word). */
static inline char *
flag_word(char *p, int bit, int32_t cancelled)
{
	p = put(p, fpv_flag_names[bit], strlen(fpv_flag_names[bit]));
	if ((1u << bit) == FPV_FLAG_CANCELLATION && cancelled > 0) {
		*p++ = '(';
		p = put_long(p, cancelled);
		p = cancelled == 1 ? put(p, " bit)", 5) : put(p, " bits)", 6);
	}
	return p;
}

/* One flag's word (render.h). */
char *
fpv_flag_word(char *p, int bit, int32_t cancelled)
{
	return flag_word(p, bit, cancelled);
}

/* Append a decimal integer. */
static void
ob_long(struct obuf *o, long v)
{
	char t[24];

	ob_write(o, t, (size_t)(put_long(t, v) - t));
}

/* "—" (U+2014): a figure that is not a number. */
#define NOT_A_NUMBER "\xe2\x80\x94"

/* Figure which of e in fpv_dec_figure's short notation at p, signed if
 * how says so ("—" when it is not a number); returns the end. */
static char *
put_fig(char *p, const struct fpv_errinfo *e, enum fpv_errfig which,
    unsigned how)
{
	char fig[FIGURE_MAX];
	size_t n = fpv_errinfo_text(e, which, how, fig, sizeof fig);

	if (n == 0)
		return put(p, NOT_A_NUMBER, sizeof NOT_A_NUMBER - 1);
	return put(p, fig, n);
}

/*
 * An error cell: "err -0.0002 (rel -0.00065, 0.8 ulp)", "err 0", "err
 * inf" when the error is not finite, "err +4.4e-16 (rel —, — ulp)"
 * against a zero reference, "err ±2^-8190 (rel —, — ulp)" when only a
 * bound is known (against a near-zero reference), "err —" against an
 * undefined one, at buf (room for ERR_CELL_MAX bytes, no NUL).
 * Returns the length.
 */
static size_t
error_cell(bool local, const struct fpv_errinfo *e, char *buf)
{
	char *p = buf;

	if (local) {
		memcpy(p, "loss ", 5);
		p += 5;
	} else {
		memcpy(p, "err ", 4);
		p += 4;
	}
	if (e->zero) {
		*p++ = '0';
		return (size_t)(p - buf);
	}
	if (e->fig[FPV_ERR_ABS] == FPV_FIG_NONE && e->bound != LONG_MIN) {
		p = put(p, "\xc2\xb1" "2^", 4);	/* ± */
		p = put_long(p, e->bound);
	} else {
		/* Zero, infinite or NaN: unsigned, as main's text had. */
		p = put_fig(p, e, FPV_ERR_ABS,
		    e->fig[FPV_ERR_ABS] == FPV_FIG_NUMBER ?
		    FPV_DEC_FIG_SIGN : 0);
	}
	/* Infinite, NaN or undefined: no relative error or ulps to show. */
	if (e->fig[FPV_ERR_ABS] == FPV_FIG_SPECIAL ||
	    (e->fig[FPV_ERR_ABS] == FPV_FIG_NONE && e->bound == LONG_MIN))
		return (size_t)(p - buf);
	memcpy(p, " (rel ", 6);
	p += 6;
	p = put_fig(p, e, FPV_ERR_REL, FPV_DEC_FIG_SIGN);
	memcpy(p, ", ", 2);
	p += 2;
	p = put_fig(p, e, FPV_ERR_ULPS, 0);
	memcpy(p, " ulp)", 5);
	p += 5;
	return (size_t)(p - buf);
}

/* ---- Text ------------------------------------------------------------- */

/* The style of a flag's word, or NULL for plain. */
static const char *
flag_style(int bit)
{
	switch (1u << bit) {
	case FPV_FLAG_OVERFLOW: case FPV_FLAG_INVALID: case FPV_FLAG_DIVBYZERO:
		return C_BAD;
	case FPV_FLAG_INEXACT:
		return NULL;
	default:
		return C_WARN;
	}
}

/* Largest cancellation count of column f over all steps. */
static int32_t
max_cancelled(const struct fpv_trace *t, int f)
{
	return t->cancel_max[f];
}

/*
 * Room a text row needs at most, past its format's name: the fields
 * (their buffers' sizes), the gaps, the colours, every flag word with
 * its colour, and what put_pad and the field copies write past the end.
 */
#define ROW_MAX 1536

/* The flag words of flags (cancellation with its bit count) at p. */
static char *
put_flags(char *p, uint32_t flags, int32_t cancelled, bool color)
{
	bool first = true;

	flags &= (1u << FPV_FLAG_COUNT) - 1;
	while (flags != 0) {
		int b = __builtin_ctz(flags);
		const char *st = color ? flag_style(b) : NULL;

		flags &= flags - 1;
		if (!first)
			*p++ = ' ';
		if (st)
			p = put(p, st, strlen(st));
		p = flag_word(p, b, cancelled);
		if (st)
			p = put(p, C_RESET, sizeof C_RESET - 1);
		first = false;
	}
	return p;
}

/* The grouped binary string bin[0..n) of f at p, coloured by field. */
static char *
put_bits_color(char *p, const struct fpv_format *f, const char *bin,
    size_t n)
{
	static const char *const field[3] = { C_SIGN, C_EXP, C_FRAC };
	int k = 0;

	p = put(p, field[0], strlen(field[0]));
	for (size_t i = 0; i < n; i++) {
		if (bin[i] == ' ') {
			p = put(p, C_RESET " ", sizeof C_RESET);
			k++;
			/* Int formats: the sign bit, then the other bits of
			 * the two's complement q in the fraction colour. */
			if (f->kind == FPV_KIND_INT && k == 1)
				k = 2;
			p = put(p, field[k < 3 ? k : 2], strlen(field[k < 3 ? k : 2]));
		} else {
			*p++ = bin[i];
		}
	}
	return put(p, C_RESET, sizeof C_RESET - 1);
}

/* Write s[0..len) in the safe notation of fpviz/safe.h.  Runs shown
 * unchanged (printable ASCII, eight bytes at a time) go in one piece. */
static void
put_safe(struct obuf *o, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i + fpv_safe_span(s + i, len - i), n;
		char u[FPV_SAFE_UNIT_MAX];

		ob_write(o, s + i, j - i);
		if (j == len)
			break;
		i = j + fpv_safe_unit(s + j, len - j, u, &n);
		ob_write(o, u, n);
	}
}

/* Print the line's text in the safe notation, without trailing space. */
static void
print_source(struct obuf *o, const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	put_safe(o, s, len);
}

/* One text row, in plain strings and their lengths; widths are computed
 * over a block.  Rows are copied whole-buffer (sizeof each field), so
 * the sizes here bound ROW_MAX. */
struct row {
	int f;			/* column, or -1 for the exact row */
	const struct fpv_format *fmt;
	char bin[72];
	char hex[20];
	char value[FPV_DEC_VALUE];
	char err[5 + 3 * FPV_DEC_FIGURE + 16];
	char line[192];		/* the exact row's whole text */
	size_t nbin, nhex, nvalue, nerr, nline;
	size_t wvalue;		/* columns value takes (its mark is one; the
				   exact row: its number's) */
	char desc[DESC_MAX];	/* --steps: the step in this column's values */
	size_t ndesc, wdesc;	/* its bytes and columns (0: none) */
	uint32_t flags;
	int32_t cancelled;
};

/* Fill the row of column f at step i: local loss or accumulated error
 * (measured into e, which the caller initialized). */
static void
fill_row(const struct fpv_trace *t, size_t i, int f, bool local,
    uint32_t flags, int32_t cancelled, struct fpv_errinfo *e, struct row *r)
{
	const struct fpv_format *fmt = fpv_trace_format(t, f);
	uint64_t b = fpv_trace_cells(t, i)[f].bits;

	r->f = f;
	r->fmt = fmt;
	r->nbin = fpv_bits_binary(fmt, b, r->bin);
	r->nhex = fpv_bits_hex(fmt, b, r->hex);
	r->nvalue = fpv_dec_value(&t->ctx, fmt, b, r->value, NULL);
	r->wvalue = fpv_dec_value_columns(r->value, r->nvalue);
	e->want = 2;
	if (local)
		fpv_trace_local_error(t, i, f, e);
	else
		fpv_trace_accum_error(t, i, f, e);
	r->nerr = error_cell(local, e, r->err);
	r->flags = flags;
	r->cancelled = cancelled;
}

/* Fill the exact row of step i: its reference to TEXT_EXACT_DIGITS
 * digits, the rounded mark and the state in words. */
static void
fill_exact_row(const struct fpv_trace *t, size_t i, struct row *r)
{
	struct fpv_exact_text d;

	fpv_exact_describe(t, i, TEXT_EXACT_DIGITS, &d);
	r->f = -1;
	r->nline = fpv_exact_line(&d, r->line, sizeof r->line);
	r->wvalue = d.len + (d.rounded && d.len > 0);
	r->ndesc = r->wdesc = 0;
}

/* Columns of the UTF-8 text s[0..n): its bytes but continuation bytes. */
static size_t
columns(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* ---- Rows at a width -------------------------------------------------- */

/*
 * With a width (opts->width > 0: a terminal, or --width), a table whose
 * one-line rows do not all fit it is laid out again; the choice is made
 * for the whole table, from the widths print_rows measures anyway:
 *
 *   two lines a row, in columns: the name, the bits and (when there is
 *   room for it there) the hex on the first; under the bits the hex,
 *   value, error, description and flags;
 *
 *   where that does not fit either, each row flows: the same fields in
 *   the same order, two columns apart, the value starting the second
 *   line, and a field that does not fit what is left of a line starting
 *   the next one (indented under the bits).  A field longer than a whole
 *   line is broken between its parts: bits between sign, exponent and
 *   fraction, and a fraction into groups of four bits; an error or a
 *   description before its parenthesis, then between words; flags
 *   between words.  Nothing is broken inside a word: a word longer than
 *   a line is written whole.
 *
 * Headings (the expression and its settings, "step i/n: ...") break
 * between words when they do not fit.  The fields themselves (fill_row,
 * error_cell, fpv_dec_value, the exact row's text) are the same in every
 * layout.  Widths are counted in code points, each taken as one column
 * (what fpviz prints itself is; the locale is not consulted).
 */

/* Continuation lines start under the bits when that leaves at least
 * this many columns, else at column CONT_NARROW. */
#define CONT_ROOM 24
#define CONT_NARROW 4
/* Continuation lines of a heading start at this column. */
#define HEAD_INDENT 4

/* Column widths of a table (print_rows). */
struct table_w {
	size_t wn, wb, wh, wv, we, wd;
};

/* Append n spaces. */
static void
ob_spaces(struct obuf *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n >= sizeof sp - 1) {
		ob_write(o, sp, sizeof sp - 1);
		n -= sizeof sp - 1;
	}
	ob_write(o, sp, n);
}

/* Columns of the flag words put_flags writes. */
static size_t
flags_columns(uint32_t flags, int32_t cancelled)
{
	size_t w = 0;

	flags &= (1u << FPV_FLAG_COUNT) - 1;
	while (flags != 0) {
		int b = __builtin_ctz(flags);

		char t[FPV_FLAG_WORD];

		flags &= flags - 1;
		w += (w > 0) + (size_t)(flag_word(t, b, cancelled) - t);
	}
	return w;
}

/*
 * Columns of a row's error, description and flags as print_rows puts
 * them from the error's column: errors in a column of tw->we, then
 * (desc) descriptions in a column of tw->wd.
 */
static size_t
tail_columns(const struct row *r, bool desc, const struct table_w *tw)
{
	size_t fl = r->flags ? flags_columns(r->flags, r->cancelled) : 0;

	if (desc && (r->ndesc > 0 || r->flags))
		return tw->we + 2 + (r->flags ? tw->wd + 2 + fl : r->wdesc);
	if (r->flags)
		return tw->we + 2 + fl;
	return r->nerr;
}

/* Do rows[0..n) fit width with their values starting at column xv? */
static bool
rows_fit(const struct row *rows, size_t n, bool desc,
    const struct table_w *tw, size_t xv, size_t width)
{
	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];
		size_t w = r->f < 0 ? xv + columns(r->line, r->nline) :
		    xv + tw->wv + 2 + tail_columns(r, desc, tw);

		if (w > width)
			return false;
	}
	return true;
}

/* Do rows[0..n) fit width as print_rows puts them, one line each? */
static bool
fits_wide(const struct row *rows, size_t n, bool desc,
    const struct table_w *tw, size_t width)
{
	/* The value's column; the error's is after the widest value. */
	return rows_fit(rows, n, desc, tw, 2 + tw->wn + 2 + tw->wb + 2 +
	    tw->wh + 2, width);
}

/*
 * Do rows[0..n) fit width in two lines each, in columns?  *hex1: the hex
 * is on the first line (else it starts the second).
 */
static bool
fits_two(const struct row *rows, size_t n, bool desc,
    const struct table_w *tw, size_t width, bool *hex1)
{
	size_t x1 = 2 + tw->wn + 2, xv;

	*hex1 = x1 + tw->wb + 2 + tw->wh <= width;
	if (x1 + tw->wb > width)
		return false;
	xv = x1 + (*hex1 ? 0 : tw->wh + 2);
	return rows_fit(rows, n, desc, tw, xv, width);
}

/* The mark before row f's name: '*' highlighted, '>' selected, or ' '. */
static char
row_mark(const struct fpv_render_opts *opts, int f)
{
	return opts->highlighted >> f & 1 ? '*' :
	    opts->selected >> f & 1 ? '>' : ' ';
}

/* Print rows[0..n) in two lines each, in columns (fits_two). */
static void
print_rows_two(struct obuf *o, const struct row *rows, size_t n,
    const struct fpv_render_opts *opts, bool desc, const struct table_w *tw,
    bool hex1)
{
	size_t x1 = 2 + tw->wn + 2, xv = x1 + (hex1 ? 0 : tw->wh + 2);
	bool color = opts->color;

	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];
		size_t nl;
		char *p;

		if (r->f < 0) {
			p = ob_reserve(o, ROW_MAX + xv);
			if (color)
				p = put(p, "  " C_BOLD "exact" C_RESET,
				    sizeof("  " C_BOLD "exact" C_RESET) - 1);
			else
				p = put(p, "  exact", 7);
			p = put_pad(p, xv - 7);
			memcpy(p, r->line, sizeof r->line);
			p += r->nline;
			*p++ = '\n';
			ob_commit(o, p);
			continue;
		}
		/* The name and the bits (and the hex). */
		nl = strlen(r->fmt->name);
		p = ob_reserve(o, ROW_MAX + 2 * xv);
		p[0] = row_mark(opts, r->f);
		p[1] = ' ';
		p = put(p + 2, r->fmt->name, nl);
		p = put_pad(p, tw->wn - nl + 2);
		if (color) {
			p = put_bits_color(p, r->fmt, r->bin, r->nbin);
		} else {
			memcpy(p, r->bin, sizeof r->bin);
			p += r->nbin;
		}
		if (hex1) {
			p = put_pad(p, tw->wb - r->nbin + 2);
			memcpy(p, r->hex, sizeof r->hex);
			p += r->nhex;
		}
		*p++ = '\n';
		/* Under the bits: the rest, as print_rows puts it. */
		p = put_pad(p, x1);
		if (!hex1) {
			memcpy(p, r->hex, sizeof r->hex);
			p += r->nhex;
			p = put_pad(p, tw->wh - r->nhex + 2);
		}
		memcpy(p, r->value, sizeof r->value);
		p += r->nvalue;
		p = put_pad(p, tw->wv - r->wvalue + 2);
		memcpy(p, r->err, sizeof r->err);
		p += r->nerr;
		if (desc && (r->ndesc > 0 || r->flags)) {
			p = put_pad(p, tw->we - r->nerr + 2);
			p = put(p, r->desc, r->ndesc);
			if (r->flags)
				p = put_pad(p, tw->wd - r->wdesc + 2);
		} else if (r->flags) {
			p = put_pad(p, tw->we - r->nerr + 2);
		}
		if (r->flags)
			p = put_flags(p, r->flags, r->cancelled, color);
		*p++ = '\n';
		ob_commit(o, p);
	}
}

/*
 * A line being filled: the next field goes at column col, after a
 * separator unless the line has nothing yet (col == start); a new line
 * starts at column indent.  The blanks before a line's first field are
 * owed (pend) until something follows them, so that no line ends in
 * blanks.
 */
struct lay {
	struct obuf *o;
	size_t width, col, start, indent;
	bool color;
	size_t pend;
};

/* Write the blanks owed. */
static void
lay_pad(struct lay *L)
{
	ob_spaces(L->o, L->pend);
	L->pend = 0;
}

/* End the line; the next one starts at L->indent. */
static void
lay_newline(struct lay *L)
{
	ob_putc(L->o, '\n');
	L->pend = L->indent;
	L->col = L->start = L->indent;
}

/* Would a field of w columns fit the line after sep spaces? */
static bool
lay_fits(const struct lay *L, size_t sep, size_t w)
{
	return (L->col > L->start ? L->col + sep : L->col) + w <= L->width;
}

/* Would it fit a new line, where it does not fit this one? */
static bool
lay_fits_next(const struct lay *L, size_t w)
{
	return L->indent + w <= L->width &&
	    (L->col > L->start || L->start > L->indent);
}

/* Put s[0..n) (w columns, style st when colouring) after sep spaces. */
static void
lay_emit(struct lay *L, size_t sep, const char *s, size_t n, size_t w,
    const char *st)
{
	lay_pad(L);
	if (L->col > L->start) {
		ob_spaces(L->o, sep);
		L->col += sep;
	}
	if (st != NULL && L->color)
		ob_puts(L->o, st);
	ob_write(L->o, s, n);
	if (st != NULL && L->color)
		ob_puts(L->o, C_RESET);
	L->col += w;
}

/* Put a word (never broken): on this line if it fits, else the next. */
static void
lay_word(struct lay *L, size_t sep, const char *s, size_t n, size_t w,
    const char *st)
{
	if (!lay_fits(L, sep, w) && (L->col > L->start ||
	    L->start > L->indent))
		lay_newline(L);
	lay_emit(L, sep, s, n, w, st);
}

/*
 * Put a field of text (an error, a description, the exact row's text):
 * whole where it fits this line or the next, else broken before its
 * first " (", else between words from the start of a line (a run of
 * blanks is kept as the separator of the word after it).
 */
static void
lay_text(struct lay *L, size_t sep, const char *s, size_t n, const char *st)
{
	size_t w = columns(s, n), i = 0;

	if (lay_fits(L, sep, w)) {
		lay_emit(L, sep, s, n, w, st);
		return;
	}
	if (lay_fits_next(L, w)) {
		lay_newline(L);
		lay_emit(L, 0, s, n, w, st);
		return;
	}
	for (size_t k = 1; k + 1 < n; k++)
		if (s[k] == ' ' && s[k + 1] == '(') {
			lay_text(L, sep, s, k, st);
			lay_text(L, 1, s + k + 1, n - k - 1, st);
			return;
		}
	/* Broken between words: from the start of a line. */
	if (L->col > L->start && L->indent < L->col)
		lay_newline(L);
	while (i < n) {
		size_t j, run = 0;

		while (i < n && s[i] == ' ') {
			i++;
			run++;
		}
		for (j = i; j < n && s[j] != ' '; j++)
			continue;
		if (j > i)
			lay_word(L, i == run ? sep : run, s + i, j - i,
			    columns(s + i, j - i), st);
		i = j;
	}
}

/* The colour of field k (0: sign) of f's grouped bits. */
static const char *
bits_style(const struct fpv_format *f, int k)
{
	static const char *const field[3] = { C_SIGN, C_EXP, C_FRAC };

	/* Int formats: sign, then magnitude in the fraction colour. */
	if (f->kind == FPV_KIND_INT && k >= 1)
		return C_FRAC;
	return field[k < 3 ? k : 2];
}

/*
 * Put the grouped bits bin[0..n) of f: field by field (one apart); a
 * field longer than a line in groups of four bits, on lines of their
 * own, as few as can hold it and of even lengths.
 */
static void
lay_bits(struct lay *L, const struct fpv_format *f, const char *bin,
    size_t n)
{
	size_t i = 0;
	int k = 0;

	while (i < n) {
		size_t j = i, m;
		const char *st = bits_style(f, k);

		while (j < n && bin[j] != ' ')
			j++;
		m = j - i;
		if (lay_fits(L, 1, m)) {
			lay_emit(L, 1, bin + i, m, m, st);
		} else if (lay_fits_next(L, m)) {
			lay_newline(L);
			lay_emit(L, 0, bin + i, m, m, st);
		} else {
			size_t room = L->width > L->indent ?
			    (L->width - L->indent) / 4 * 4 : 0, lines, g;

			room = room < 4 ? 4 : room;
			lines = (m + room - 1) / room;
			g = ((m + lines - 1) / lines + 3) / 4 * 4;
			for (size_t a = i; a < j; a += g) {
				if (L->col > L->start)
					lay_newline(L);
				lay_emit(L, 0, bin + a, g < j - a ? g : j - a,
				    g < j - a ? g : j - a, st);
			}
		}
		i = j + 1;
		k++;
	}
}

/*
 * Put the flag words of flags two spaces after what is on the line, one
 * apart: all on this line or all on the next where they fit, else
 * between words.
 */
static void
lay_flags(struct lay *L, uint32_t flags, int32_t cancelled)
{
	char word[FPV_FLAG_COUNT][FPV_FLAG_WORD];
	size_t len[FPV_FLAG_COUNT], nw = 0, w = 0;
	int bit[FPV_FLAG_COUNT];
	bool next;

	flags &= (1u << FPV_FLAG_COUNT) - 1;
	while (flags != 0) {
		int b = __builtin_ctz(flags);
		char *p = word[nw];

		flags &= flags - 1;
		p = flag_word(p, b, cancelled);
		len[nw] = (size_t)(p - word[nw]);
		bit[nw] = b;
		w += (nw > 0) + len[nw];
		nw++;
	}
	next = !lay_fits(L, 2, w) && lay_fits_next(L, w);
	if (next)
		lay_newline(L);
	for (size_t k = 0; k < nw; k++)
		lay_word(L, k == 0 ? 2 : 1, word[k], len[k], len[k],
		    flag_style(bit[k]));
}

/* Print rows[0..n) flowed to width (see above). */
static void
print_rows_flow(struct obuf *o, const struct row *rows, size_t n,
    const struct fpv_render_opts *opts, bool desc, const struct table_w *tw,
    size_t width)
{
	size_t x1 = 2 + tw->wn + 2;
	bool color = opts->color;
	struct lay L = { o, width, 0, 0, x1, color, 0 };

	if (width < x1 + CONT_ROOM)
		L.indent = CONT_NARROW;
	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];

		if (r->f < 0) {
			ob_puts(o, color ? "  " C_BOLD "exact" C_RESET : "  exact");
			L.pend = x1 - 7;
			L.col = L.start = x1;
			lay_text(&L, 0, r->line, r->nline, NULL);
			ob_putc(o, '\n');
			continue;
		}
		ob_putc(o, row_mark(opts, r->f));
		ob_putc(o, ' ');
		ob_puts(o, r->fmt->name);
		L.pend = x1 - 2 - strlen(r->fmt->name);
		L.col = L.start = x1;
		lay_bits(&L, r->fmt, r->bin, r->nbin);
		/* The hex after the bits if it fits; the value starts the
		 * second line. */
		if (lay_fits(&L, 2, r->nhex)) {
			lay_emit(&L, 2, r->hex, r->nhex, r->nhex, NULL);
			lay_newline(&L);
		} else {
			lay_newline(&L);
			lay_emit(&L, 0, r->hex, r->nhex, r->nhex, NULL);
		}
		lay_word(&L, 2, r->value, r->nvalue, r->wvalue, NULL);
		lay_text(&L, 2, r->err, r->nerr, NULL);
		if (desc && r->ndesc > 0)
			lay_text(&L, 2, r->desc, r->ndesc, NULL);
		if (r->flags)
			lay_flags(&L, r->flags, r->cancelled);
		ob_putc(o, '\n');
	}
}

/* Columns of the safe form of s[0..len). */
static size_t
safe_columns(const char *s, size_t len)
{
	size_t i = 0, w = 0;

	while (i < len) {
		size_t j = i + fpv_safe_span(s + i, len - i), n;
		char u[FPV_SAFE_UNIT_MAX];

		w += columns(s + i, j - i);
		if (j == len)
			break;
		i = j + fpv_safe_unit(s + j, len - j, u, &n);
		w += columns(u, n);
	}
	return w;
}

/* Is c a blank of input text (TAB is shown as one space)? */
static inline bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Put text that came from input, in the safe notation, broken only
 * between words: words are separated by blanks, and a run of them is
 * kept (as spaces) before the word after it; the first word comes after
 * sep spaces.  Blanks before the first word are kept at the start of a
 * line; blanks after the last are left out.
 */
static void
lay_source(struct lay *L, size_t sep, const char *s, size_t len,
    const char *st)
{
	size_t i = 0;
	bool first = true;

	while (len > 0 && (blank(s[len - 1]) || s[len - 1] == '\n' ||
	    s[len - 1] == '\r'))
		len--;
	while (i < len) {
		size_t j, w, run = 0, gap;

		while (i < len && blank(s[i])) {
			i++;
			run++;
		}
		gap = first && run == 0 ? sep : run;
		if (first && run > 0 && L->col == L->start) {
			lay_pad(L);
			ob_spaces(L->o, run);
			L->col += run;
			L->start = L->col;
		}
		for (j = i; j < len && !blank(s[j]); j++)
			continue;
		w = safe_columns(s + i, j - i);
		if (!lay_fits(L, gap, w) && (L->col > L->start ||
		    L->start > L->indent))
			lay_newline(L);
		lay_pad(L);
		if (L->col > L->start) {
			ob_spaces(L->o, gap);
			L->col += gap;
		}
		if (st != NULL && L->color)
			ob_puts(L->o, st);
		put_safe(L->o, s + i, j - i);
		if (st != NULL && L->color)
			ob_puts(L->o, C_RESET);
		L->col += w;
		first = false;
		i = j;
	}
}

/* Print rows[0..n) (the last is the exact row) as an aligned table; with
 * descriptions (desc), a column of them between the error and the flags;
 * the rows opts->highlighted marked '*', opts->selected '>'. */
static void
print_rows(struct obuf *o, const struct row *rows, size_t n, bool color,
    bool desc, const struct fpv_render_opts *opts)
{
	size_t wn = 5, wb = 0, wh = 0, wv = 0, we = 0, wd = 0;

	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];

		if (r->f >= 0) {
			size_t nl = strlen(r->fmt->name);

			wn = nl > wn ? nl : wn;
			wb = r->nbin > wb ? r->nbin : wb;
			wh = r->nhex > wh ? r->nhex : wh;
			we = r->nerr > we ? r->nerr : we;
			if (desc)
				wd = r->wdesc > wd ? r->wdesc : wd;
		}
		wv = r->wvalue > wv ? r->wvalue : wv;
	}
	if (opts->width > 0) {
		struct table_w tw = { wn, wb, wh, wv, we, wd };
		size_t width = (size_t)opts->width;
		bool hex1;

		if (fits_wide(rows, n, desc, &tw, width)) {
			/* one line a row, below */
		} else if (fits_two(rows, n, desc, &tw, width, &hex1)) {
			print_rows_two(o, rows, n, opts, desc, &tw, hex1);
			return;
		} else {
			print_rows_flow(o, rows, n, opts, desc, &tw, width);
			return;
		}
	}
	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];
		const char *name;
		size_t nl;
		char *p;

		if (r->f < 0) {
			p = ob_reserve(o, ROW_MAX);
			if (color)
				p = put(p, "  " C_BOLD "exact" C_RESET "  ",
				    sizeof("  " C_BOLD "exact" C_RESET "  ") - 1);
			else
				p = put(p, "  exact  ", 9);
			p = put_pad(p, wn - 5 + wb + 2 + wh + 2);
			memcpy(p, r->line, sizeof r->line);
			p += r->nline;
			*p++ = '\n';
			ob_commit(o, p);
			continue;
		}
		name = r->fmt->name;
		nl = strlen(name);
		p = ob_reserve(o, ROW_MAX + nl);
		p[0] = row_mark(opts, r->f);
		p[1] = ' ';
		p = put(p + 2, name, nl);
		p = put_pad(p, wn - nl + 2);
		if (color) {
			p = put_bits_color(p, r->fmt, r->bin, r->nbin);
		} else {
			memcpy(p, r->bin, sizeof r->bin);
			p += r->nbin;
		}
		p = put_pad(p, wb - r->nbin + 2);
		memcpy(p, r->hex, sizeof r->hex);
		p += r->nhex;
		p = put_pad(p, wh - r->nhex + 2);
		memcpy(p, r->value, sizeof r->value);
		p += r->nvalue;
		p = put_pad(p, wv - r->wvalue + 2);
		memcpy(p, r->err, sizeof r->err);
		p += r->nerr;
		if (desc && (r->ndesc > 0 || r->flags)) {
			p = put_pad(p, we - r->nerr + 2);
			p = put(p, r->desc, r->ndesc);
			if (r->flags)
				p = put_pad(p, wd - r->wdesc + 2);
		} else if (r->flags) {
			p = put_pad(p, we - r->nerr + 2);
		}
		if (r->flags)
			p = put_flags(p, r->flags, r->cancelled, color);
		*p++ = '\n';
		ob_commit(o, p);
	}
}

/* The settings of format f that differ from its defaults, as
 * "scale 0.1, zero point 0, wrap" (empty when there are none). */
size_t
fpv_render_settings(const struct fpv_format *f, bool compact, char *buf,
    size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (f->kind == FPV_KIND_INT) {
		char sc[FPV_DEC_SHORT];
		mpq_t q;
		mpfr_t x;
		bool one = fpv_grid_scale_is_one(f);

		if (one && f->zero_point == 0 &&
		    f->overflow == FPV_OVF_SATURATE)
			return 0;
		mpq_init(q);
		fpv_grid_scale(f, q);
		mpfr_init2(x, FPV_EXACT_PREC);
		mpfr_set_q(x, q, MPFR_RNDN);
		fpv_dec_round(x, compact ? 6 : 17, sc, sizeof sc);
		mpfr_clear(x);
		mpq_clear(q);
		if (!compact) {
			n = (size_t)snprintf(buf, size, "scale %s, zero point "
			    "%lld, %s", sc, (long long)f->zero_point,
			    fpv_overflow_names[f->overflow]);
		} else {
			n = (size_t)snprintf(buf, size, "%s%s%s", one ? "" :
			    "scale ", one ? "" : sc, "");
			if (f->zero_point != 0 && n < size)
				n += (size_t)snprintf(buf + n, size - n,
				    "%szero %lld", n ? " " : "",
				    (long long)f->zero_point);
			if (f->overflow != FPV_OVF_SATURATE && n < size)
				n += (size_t)snprintf(buf + n, size - n, "%s%s",
				    n ? " " : "", fpv_overflow_names[f->overflow]);
		}
	} else if (f->overflow != fpv_format_default_overflow(f)) {
		n = (size_t)snprintf(buf, size, compact ? "%s" : "overflow %s",
		    fpv_overflow_names[f->overflow]);
	}
	return n < size ? n : size - 1;
}

/* Length of s[0..len) without its trailing blanks and line ends. */
static size_t
trim_end(const char *s, size_t len)
{
	while (len > 0 && (blank(s[len - 1]) || s[len - 1] == '\n' ||
	    s[len - 1] == '\r'))
		len--;
	return len;
}

/*
 * With a width, print the header broken between words when it does not
 * fit one line: the expression, then each note ("[round: down]") three
 * spaces after it or on the next line.  False when it fits (nothing
 * printed).
 */
static bool
print_header_width(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	const struct fpv_ctx *c = &t->ctx;
	char note[FPV_COLUMNS_MAX + 1][8 + FPV_NAME_MAX + 160];
	size_t len[FPV_COLUMNS_MAX + 1], nn = 0, n = trim_end(t->ast.src,
	    t->ast.len), w = safe_columns(t->ast.src, n);
	struct lay L = { o, (size_t)opts->width, 0, 0, HEAD_INDENT,
	    opts->color, 0 };

	if (c->round == FPV_RND_STOCHASTIC) {
		len[nn] = (size_t)snprintf(note[nn], sizeof note[nn],
		    "[round: stochastic, seed %" PRIu64 "]", c->seed);
		nn++;
	} else if (c->round != FPV_RND_NEAREST) {
		len[nn] = (size_t)snprintf(note[nn], sizeof note[nn],
		    "[round: %s]", fpv_round_names[c->round]);
		nn++;
	}
	for (int k = 0; k < fpv_trace_ncols(t) && nn <= FPV_COLUMNS_MAX;
	    k++) {
		const struct fpv_format *f = fpv_trace_format(t, k);
		char set[160];

		if (fpv_render_settings(f, false, set, sizeof set) == 0)
			continue;
		len[nn] = (size_t)snprintf(note[nn], sizeof note[nn],
		    "[%s: %s]", f->name, set);
		if (len[nn] >= sizeof note[nn])
			len[nn] = sizeof note[nn] - 1;
		nn++;
	}
	for (size_t k = 0; k < nn; k++)
		w += 3 + len[k];
	if (w <= L.width)
		return false;
	lay_source(&L, 0, t->ast.src, n, C_BOLD);
	for (size_t k = 0; k < nn; k++)
		lay_text(&L, 3, note[k], len[k], NULL);
	ob_putc(o, '\n');
	return true;
}

/* Print the header: expression, rounding mode and the settings of the
 * columns that are not their defaults. */
static void
print_header(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	const struct fpv_ctx *c = &t->ctx;

	if (opts->width > 0 && print_header_width(o, t, opts))
		return;
	if (opts->color)
		ob_puts(o, C_BOLD);
	print_source(o, t->ast.src, t->ast.len);
	if (opts->color)
		ob_puts(o, C_RESET);
	if (c->round != FPV_RND_NEAREST) {
		ob_puts(o, "   [round: ");
		ob_puts(o, fpv_round_names[c->round]);
		if (c->round == FPV_RND_STOCHASTIC) {
			char sd[32];

			snprintf(sd, sizeof sd, ", seed %" PRIu64, c->seed);
			ob_puts(o, sd);
		}
		ob_putc(o, ']');
	}
	for (int k = 0; k < fpv_trace_ncols(t); k++) {
		const struct fpv_format *f = fpv_trace_format(t, k);
		char set[160];

		if (fpv_render_settings(f, false, set, sizeof set) == 0)
			continue;
		ob_puts(o, "   [");
		ob_puts(o, f->name);
		ob_puts(o, ": ");
		ob_puts(o, set);
		ob_putc(o, ']');
	}
	ob_putc(o, '\n');
}

/*
 * Print step i's rows (its own flags and rounding loss) and exact row;
 * with a column of each row's description in its own values when one
 * of them says more than the heading's head (a literal's rows that all
 * repeat its text have none).
 */
static void
step_rows(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, struct fpv_errinfo *e,
    const char *head)
{
	struct row rows[FPV_COLUMNS_MAX + 1];
	size_t n = 0;
	bool desc = false;

	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		const struct fpv_cell *c = &fpv_trace_cells(t, i)[f];
		struct row *r = &rows[n];

		fill_row(t, i, f, true, c->flags, c->cancelled, e, r);
		r->ndesc = fpv_describe_cell(t, i, f, r->desc, sizeof r->desc);
		r->wdesc = columns(r->desc, r->ndesc);
		desc |= strcmp(r->desc, head) != 0;
		n++;
	}
	fill_exact_row(t, i, &rows[n]);
	print_rows(o, rows, n + 1, opts->color, desc, opts);
}

/*
 * With a width, print step i's heading broken between words when it
 * does not fit one line.  False when it fits (nothing printed).
 */
static bool
step_heading_width(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, const char *desc)
{
	char head[64], *p = head;
	size_t n = strlen(desc);
	struct lay L = { o, (size_t)opts->width, 0, 0, HEAD_INDENT,
	    opts->color, 0 };

	p = put(p, "step ", 5);
	p = put_long(p, (long)i + 1);
	*p++ = '/';
	p = put_long(p, (long)t->nsteps);
	*p++ = ':';
	if ((size_t)(p - head) + 1 + safe_columns(desc, trim_end(desc, n)) <=
	    L.width)
		return false;
	lay_emit(&L, 0, head, (size_t)(p - head), (size_t)(p - head), C_BOLD);
	lay_source(&L, 1, desc, n, NULL);
	ob_putc(o, '\n');
	return true;
}

/* ---- Vectors as text ------------------------------------------------ */

/* Vectors of at most this many elements are shown whole. */
#define VEC_SHOW_ALL 8
/* Significant digits of an exact element in text. */
#define VEC_EXACT_DIGITS 10
/* Room of a vector's text. */
#define VEC_TEXT_MAX 1024

/* An exact element in digits digits: the rounded mark and the number,
 * "≈0" for one zero to within a bound, "nan", "?" when not certified. */
static size_t
vec_exact_text(const struct fpv_exact *x, int digits, bool mark, char *buf,
    size_t size)
{
	struct fpv_exact_text d;

	fpv_exact_describe_value(x, digits, &d);
	if (d.len > 0)
		return (size_t)snprintf(buf, size, "%s%s", mark && d.rounded ?
		    FPV_EXACT_MARK : "", d.num);
	return (size_t)snprintf(buf, size, "%s",
	    d.state == FPV_EXACT_S_NEAR_ZERO ? FPV_EXACT_MARK "0" :
	    d.state == FPV_EXACT_S_UNCERTIFIED ? "?" : "nan");
}

/* Element j of column f of v as text shows it (f < 0: the exact). */
static size_t
vec_elem_text(const struct fpv_trace *t, const struct fpv_vec *v, int f,
    size_t j, char *buf, size_t size)
{
	if (f < 0)
		return vec_exact_text(&v->exact[j], VEC_EXACT_DIGITS, true, buf,
		    size);
	return fpv_dec_value(&t->ctx, fpv_trace_format(t, f),
	    v->bits[(size_t)f * v->n + j], buf, NULL);
}

/* "[a, b, c]", or with k > 0 the first and last k elements around
 * "…"; returns the length written into buf (VEC_TEXT_MAX). */
static size_t
vec_list(const struct fpv_trace *t, const struct fpv_vec *v, int f, size_t k,
    char *buf)
{
	char e[FPV_DEC_VALUE + 96];
	size_t n = 0;
	bool cut = k > 0 && 2 * k < v->n;

	buf[n++] = '[';
	for (size_t j = 0; j < v->n; j++) {
		size_t m;

		if (cut && j == k) {
			n += (size_t)snprintf(buf + n, VEC_TEXT_MAX - n,
			    ", \xe2\x80\xa6");
			j = v->n - k - 1;
			continue;
		}
		m = vec_elem_text(t, v, f, j, e, sizeof e);
		if (n + m + 8 >= VEC_TEXT_MAX)
			break;
		if (j > 0) {
			buf[n++] = ',';
			buf[n++] = ' ';
		}
		memcpy(buf + n, e, m);
		n += m;
	}
	buf[n++] = ']';
	buf[n] = '\0';
	return n;
}

/* The per-tensor figures of column f as text (render.h). */
size_t
fpv_vec_figs_text(const struct fpv_trace *t, const struct fpv_vec *v, int f,
    const char *dash, char *buf, size_t size)
{
	struct fpv_vec_figs g;
	char a[FIGURE_MAX], b[FIGURE_MAX], c[FIGURE_MAX];
	size_t n;

	fpv_vec_figures_init(&g);
	fpv_vec_figures(t, v, f, &g);
	if (!g.defined) {
		n = (size_t)snprintf(buf, size, "max err %s", dash);
	} else if (g.infinite) {
		n = (size_t)snprintf(buf, size, "max err inf  rmse inf  "
		    "sqnr -inf dB");
	} else {
		if (fpv_vec_figure_text(&g.maxabs, 0, a, sizeof a) == 0)
			snprintf(a, sizeof a, "%s", dash);
		if (fpv_vec_figure_text(&g.rmse, 0, b, sizeof b) == 0)
			snprintf(b, sizeof b, "%s", dash);
		if (g.sqnr_inf)
			snprintf(c, sizeof c, "inf");
		else if (g.sqnr_minf)
			snprintf(c, sizeof c, "-inf");
		else if (fpv_vec_figure_text(&g.sqnr, 0, c, sizeof c) == 0)
			snprintf(c, sizeof c, "%s", dash);
		n = (size_t)snprintf(buf, size, "max err %s  rmse %s  sqnr "
		    "%s dB", a, b, c);
	}
	if (g.saturated && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  saturated %zu",
		    g.saturated);
	if (g.underflowed && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  underflowed %zu",
		    g.underflowed);
	if (g.absorbed && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  absorbed %zu",
		    g.absorbed);
	fpv_vec_figures_clear(&g);
	return n < size ? n : size - 1;
}

/* A quantization's scales of column f in text: "absmax: scale
 * 0.023622047 (fp32), zero point 0" or "mxfp4: 2 blocks of 32, scales
 * (e8m0) [1, 0.5]"; 0 when v is no quantization's result. */
static size_t
vec_quant_text(const struct fpv_trace *t, const struct fpv_vec *v, int f,
    char *buf, size_t size)
{
	const struct fpv_quant *q;
	char val[FPV_DEC_VALUE];
	size_t n;

	if (v->quant == NULL)
		return 0;
	q = &v->quant[f];
	if (q->scheme == NULL || q->scale_fmt == NULL)
		return 0;
	if (q->nblocks <= 1 || q->scheme->block == 0) {
		fpv_dec_value(&t->ctx, q->scale_fmt, q->scale_bits[0], val, NULL);
		n = (size_t)snprintf(buf, size, "%s %s: scale %s (%s)",
		    q->scheme->name, q->elem.name, val, q->scale_fmt->name);
		if (q->scheme->rule == FPV_QR_MINMAX && n < size)
			n += (size_t)snprintf(buf + n, size - n,
			    ", zero point %lld", (long long)q->zero_point);
	} else {
		n = (size_t)snprintf(buf, size, "%s %s: %zu blocks of %zu, "
		    "scales (%s) [", q->scheme->name, q->elem.name,
		    q->nblocks, q->block, q->scale_fmt->name);
		for (size_t b = 0; b < q->nblocks && n + 80 < size; b++) {
			if (q->nblocks > 6 && b == 3) {
				n += (size_t)snprintf(buf + n, size - n,
				    ", \xe2\x80\xa6");
				b = q->nblocks - 4;
				continue;
			}
			fpv_dec_value(&t->ctx, q->scale_fmt, q->scale_bits[b],
			    val, NULL);
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    b ? ", " : "", val);
		}
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "]");
	}
	if (q->tensor_fmt != NULL && n < size) {
		fpv_dec_value(&t->ctx, q->tensor_fmt, q->tensor_scale_bits, val,
		    NULL);
		n += (size_t)snprintf(buf + n, size - n, ", tensor scale %s "
		    "(%s)", val, q->tensor_fmt->name);
	}
	return n < size ? n : size - 1;
}

static void vec_wrap(struct obuf *o, const char *s, size_t *col, size_t ind,
    size_t width);

/* Blocks shown in text: all up to this many, else the first and last
 * half of it. */
#define BLOCKS_SHOW 6

/*
 * With --steps, a block quantization's blocks in column f, a line each
 * at column ind: "block 0  elements 0–31  amax 3.5206480  scale 0.5
 * (e8m0 0x7e)  codes 6 1 5 e ..."; within width (0: no limit) the line
 * is broken between its parts and the codes cut with "…"; of many
 * blocks the first and last, and how many were left out.
 */
static void
vec_block_rows(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_vec *v, int f, size_t ind, size_t width)
{
	const struct fpv_quant *q;
	char line[ROW_MAX], codes[ROW_MAX];

	if (v->quant == NULL)
		return;
	q = &v->quant[f];
	if (q->scheme == NULL || q->scheme->block == 0 || q->scale_fmt == NULL)
		return;
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t first, count, at = ind, room;

		if (q->nblocks > BLOCKS_SHOW && b == BLOCKS_SHOW / 2) {
			size_t left = q->nblocks - BLOCKS_SHOW;

			ob_spaces(o, ind);
			snprintf(line, sizeof line, "\xe2\x80\xa6 (%zu block%s "
			    "left out)\n", left, left == 1 ? "" : "s");
			ob_puts(o, line);
			b = q->nblocks - BLOCKS_SHOW / 2 - 1;
			continue;
		}
		fpv_quant_block_range(q, b, &first, &count);
		fpv_quant_block_text(&t->ctx, q, b, line, sizeof line);
		ob_spaces(o, ind);
		vec_wrap(o, line, &at, ind, width > 0 ? width : SIZE_MAX);
		/* "  codes " and at least a few codes on this line, or
		 * the codes on a line of their own. */
		if (width > 0 && at + 2 + 6 + 8 > width) {
			ob_putc(o, '\n');
			ob_spaces(o, ind);
			at = ind;
			ob_puts(o, "codes ");
		} else {
			ob_puts(o, "  codes ");
			at += 2;
		}
		at += 6;
		room = width > at ? width - at : width > 0 ? 1 : 0;
		fpv_quant_codes_text(q, first, count, room, codes, sizeof codes);
		ob_puts(o, codes);
		ob_putc(o, '\n');
	}
}

/* The flags of column f of v's elements (OR). */
static uint32_t
vec_flags(const struct fpv_vec *v, int f)
{
	uint32_t fl = 0;

	for (size_t j = 0; j < v->n; j++)
		fl |= v->flags[(size_t)f * v->n + j];
	return fl;
}

/*
 * Write s at column *col of a line of width columns, broken where it
 * does not fit before a piece (the pieces are separated by ", " or two
 * blanks, which a break drops), continued at column ind.
 */
static void
vec_wrap(struct obuf *o, const char *s, size_t *col, size_t ind,
    size_t width)
{
	const char *sep = NULL;
	size_t nsep = 0;

	while (*s != '\0') {
		const char *e = s, *next;
		size_t w;

		/* The piece: up to the next ", " or "  ". */
		while (*e != '\0' && !(e[0] == ',' && e[1] == ' ') &&
		    !(e[0] == ' ' && e[1] == ' '))
			e++;
		next = e;
		w = columns(s, (size_t)(e - s));
		if (sep != NULL && *col + nsep + w > width && *col > ind) {
			ob_putc(o, '\n');
			ob_spaces(o, ind);
			*col = ind;
		} else if (sep != NULL) {
			ob_write(o, sep, nsep);
			*col += columns(sep, nsep);
		}
		ob_write(o, s, (size_t)(e - s));
		*col += w;
		sep = NULL;
		if (*next == ',') {
			sep = ", ";
			nsep = 2;
			next += 2;
		} else if (*next == ' ') {
			sep = next;
			while (*next == ' ')
				next++;
			nsep = (size_t)(next - sep);
		}
		s = next;
	}
}

/*
 * Print the rows of vector v: one a column (its elements, its
 * per-tensor figures, flags: sticky, the line's, or with step the
 * vector's own) and the exact row with the number of elements.  Long
 * vectors show their first and last elements; with a width, the
 * figures go on a line of their own and fewer elements are shown where
 * a row does not fit.
 */
static void
vec_rows(struct obuf *o, const struct fpv_trace *t, const struct fpv_vec *v,
    const struct fpv_render_opts *opts, bool step)
{
	int nc = fpv_trace_ncols(t);
	char (*list)[VEC_TEXT_MAX] = malloc((size_t)(nc + 1) * sizeof *list);
	char (*figs)[256] = malloc((size_t)nc * sizeof *figs);
	char flags[ROW_MAX], *p;
	size_t namew = 5, listw, figw = 0, k, wl[FPV_COLUMNS_MAX + 1];
	size_t width = opts->width > 0 ? (size_t)opts->width : 0;
	bool split = false;

	if (list == NULL || figs == NULL) {
		free(list);
		free(figs);
		ob_puts(o, "  (out of memory)\n");
		return;
	}
	for (int f = 0; f < nc; f++) {
		size_t w = strlen(fpv_trace_format(t, f)->name);

		if (w > namew)
			namew = w;
		fpv_vec_figs_text(t, v, f, "\xe2\x80\x94", figs[f],
		    sizeof figs[f]);
		if (columns(figs[f], strlen(figs[f])) > figw)
			figw = columns(figs[f], strlen(figs[f]));
	}
	for (k = v->n <= VEC_SHOW_ALL ? 0 : 3; ; k = k == 0 ? 3 : k - 1) {
		listw = 0;
		for (int f = -1; f < nc; f++) {
			size_t r = (size_t)(f + 1);

			vec_list(t, v, f, k, list[r]);
			wl[r] = columns(list[r], strlen(list[r]));
			if (wl[r] > listw)
				listw = wl[r];
		}
		split = width > 0 && 2 + namew + 2 + listw + 2 + figw > width;
		if (width == 0 || 2 + namew + 2 + listw <= width || k == 1)
			break;
	}
	for (int f = 0; f <= nc; f++) {
		int col = f < nc ? f : -1;
		size_t r = (size_t)(col + 1);
		const char *name = col >= 0 ? fpv_trace_format(t, col)->name :
		    "exact";
		uint32_t fl;

		ob_puts(o, "  ");
		ob_puts(o, name);
		ob_spaces(o, namew - strlen(name) + 2);
		if (split) {
			/* Each on lines of its own, broken to fit. */
			size_t at = 2 + namew + 2;
			char plain[ROW_MAX];

			vec_wrap(o, list[r], &at, 2 + namew + 2, width);
			ob_putc(o, '\n');
			ob_spaces(o, 2 + namew + 2);
			at = 2 + namew + 2;
			if (col < 0) {
				snprintf(plain, sizeof plain, "%zu element%s",
				    v->n, v->n == 1 ? "" : "s");
				vec_wrap(o, plain, &at, 2 + namew + 2, width);
				ob_putc(o, '\n');
				continue;
			}
			fl = step ? vec_flags(v, col) : t->sticky[col];
			if (vec_quant_text(t, v, col, plain, sizeof plain) > 0) {
				vec_wrap(o, plain, &at, 2 + namew + 2, width);
				ob_putc(o, '\n');
				if (step)
					vec_block_rows(o, t, v, col,
					    2 + namew + 2, width);
				ob_spaces(o, 2 + namew + 2);
				at = 2 + namew + 2;
			}
			vec_wrap(o, figs[col], &at, 2 + namew + 2, width);
			if (fl != 0) {
				size_t wf = (size_t)(put_flags(plain, fl, 0,
				    false) - plain);

				p = put_flags(flags, fl, 0, opts->color);
				*p = '\0';
				if (at + 2 + wf > width) {
					ob_putc(o, '\n');
					ob_spaces(o, 2 + namew + 2);
				} else {
					ob_spaces(o, 2);
				}
				ob_puts(o, flags);
			}
			ob_putc(o, '\n');
			continue;
		}
		ob_puts(o, list[r]);
		if (col < 0) {
			char cnt[64];

			snprintf(cnt, sizeof cnt, "%s%zu element%s",
			    split ? "" : "  ", v->n, v->n == 1 ? "" : "s");
			if (split) {
				ob_putc(o, '\n');
				ob_spaces(o, 2 + namew + 2);
			}
			ob_puts(o, cnt);
			ob_putc(o, '\n');
			continue;
		}
		fl = step ? vec_flags(v, col) : t->sticky[col];
		p = put_flags(flags, fl, 0, opts->color);
		*p = '\0';
		if (split) {
			ob_putc(o, '\n');
			ob_spaces(o, 2 + namew + 2);
		} else {
			ob_spaces(o, listw - wl[r] + 2);
		}
		ob_puts(o, figs[col]);
		if (fl != 0) {
			char plain[ROW_MAX];
			size_t wf = (size_t)(put_flags(plain, fl, 0, false) -
			    plain);

			if (split && 2 + namew + 2 + figw + 2 + wf > width) {
				/* The flags on a line of their own. */
				ob_putc(o, '\n');
				ob_spaces(o, 2 + namew + 2);
			} else {
				ob_spaces(o, figw - columns(figs[col],
				    strlen(figs[col])) + 2);
			}
			ob_puts(o, flags);
		}
		ob_putc(o, '\n');
		if (vec_quant_text(t, v, col, flags, sizeof flags) > 0) {
			ob_spaces(o, 2 + namew + 2);
			ob_puts(o, flags);
			ob_putc(o, '\n');
			if (step)
				vec_block_rows(o, t, v, col, 2 + namew + 2,
				    width);
		}
	}
	free(list);
	free(figs);
}

/* Accumulator steps shown in text: all up to this many, else the first
 * and last half of it. */
#define ACC_SHOW 8
/* Accumulator steps in JSON, per column, at most. */
#define ACC_JSON_MAX 65536

/* The words of a recorded step's kind (ORDER: enum fpv_step_kind). */
static const char *const acc_kind[] = { "load", "add", "combine", "max" };

/* One recorded step as text: "#3  element 2: 3 + 1 = 4", "#4  element
 * 3: 6 + ≈0.0001 → 6  loss -0.0001 (rel -1.7e-05, 0.026 ulp)  inexact
 * absorbed": the arrow and the loss when the addition rounded. */
static size_t
acc_step_text(const struct fpv_trace *t, const struct fpv_format *acc,
    const struct fpv_reduce_step *s, size_t k, char *buf, size_t size)
{
	char a[FPV_DEC_VALUE], b[FPV_DEC_VALUE], r[FPV_DEC_VALUE], fl[256];
	char loss[FPV_LOSS_TEXT];
	struct fpv_errinfo e;
	size_t n;

	bool rounded = false;

	loss[0] = '\0';
	fpv_errinfo_init(&e);
	if (fpv_acc_step_loss(&t->ctx, acc, s, &e) && !e.zero) {
		fpv_loss_text(&e, loss, sizeof loss);
		/* Not against an undefined sum (inf - inf, a NaN). */
		rounded = e.fig[FPV_ERR_ABS] != FPV_FIG_NONE;
	}
	fpv_errinfo_clear(&e);

	fpv_dec_value(&t->ctx, acc, s->a, a, NULL);
	fpv_dec_value(&t->ctx, acc, s->b, b, NULL);
	fpv_dec_value(&t->ctx, acc, s->r, r, NULL);
	/* Words of at most 10 flags: well within fl. */
	*put_flags(fl, s->flags & ((1u << FPV_FLAG_COUNT) - 1), 0, false) =
	    '\0';
	n = (size_t)snprintf(buf, size, "#%zu", k + 1);
	if (s->index != FPV_STEP_NONE && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  element %u:",
		    (unsigned)s->index);
	if (n >= size)
		return size - 1;
	switch (s->kind) {
	case FPV_STEP_LOAD:
		n += (size_t)snprintf(buf + n, size - n, " %s", r);
		break;
	case FPV_STEP_MAX:
		n += (size_t)snprintf(buf + n, size - n, " max(%s, %s) = %s", a,
		    b, r);
		break;
	default:
		n += (size_t)snprintf(buf + n, size - n, " %s + %s %s %s%s", a, b,
		    rounded ? "\xe2\x86\x92" : "=", r,
		    s->kind == FPV_STEP_COMBINE ? " (partial sums)" : "");
		break;
	}
	if (loss[0] != '\0' && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  %s", loss);
	if (fl[0] != '\0' && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  %.200s", fl);
	return n < size ? n : size - 1;
}

/* With --steps, after a reduction's step: its accumulator's steps in
 * each column (the first and last when there are many). */
static void
acc_rows(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	size_t width = opts->width > 0 ? (size_t)opts->width : SIZE_MAX;

	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		struct fpv_reduce_step *st;
		const struct fpv_format *acc;
		int order;
		size_t ns = fpv_vec_reduce_steps(t, i, f, &st, &acc, &order);
		size_t absorbed = 0, at, first;
		char line[ROW_MAX];

		if (ns == 0)
			continue;
		for (size_t k = 0; k < ns; k++)
			if (st[k].flags & FPV_FLAG_ABSORBED)
				absorbed++;
		snprintf(line, sizeof line, "%s accumulator: %s, %s  %zu "
		    "step%s  %zu absorbed", fpv_trace_format(t, f)->name,
		    acc->name, fpv_order_names[order], ns, ns == 1 ? "" : "s",
		    absorbed);
		ob_puts(o, "  ");
		at = 2;
		vec_wrap(o, line, &at, 4, width);
		ob_putc(o, '\n');
		/* The first addition that absorbed a term, where the
		 * first and last steps shown leave it out. */
		for (first = 0; first < ns && !(st[first].flags &
		    FPV_FLAG_ABSORBED); first++)
			;
		for (size_t k = 0; k < ns; k++) {
			if (ns > ACC_SHOW && k == ACC_SHOW / 2) {
				ob_puts(o, "    \xe2\x80\xa6\n");
				if (first >= ACC_SHOW / 2 &&
				    first < ns - ACC_SHOW / 2) {
					acc_step_text(t, acc, &st[first], first,
					    line, sizeof line);
					ob_puts(o, "    ");
					at = 4;
					vec_wrap(o, line, &at, 8, width);
					ob_puts(o, "\n    \xe2\x80\xa6\n");
				}
				k = ns - ACC_SHOW / 2 - 1;
				continue;
			}
			acc_step_text(t, acc, &st[k], k, line, sizeof line);
			ob_puts(o, "    ");
			at = 4;
			vec_wrap(o, line, &at, 8, width);
			ob_putc(o, '\n');
		}
		free(st);
	}
}

/* Is step i an argument word or string (no value: not shown)? */
static bool
word_step(const struct fpv_trace *t, size_t i)
{
	uint8_t k = t->ast.nodes[i].kind;

	return k == FPV_NODE_WORD || k == FPV_NODE_STR;
}

/* Print step i as a text block into o (e: scratch error figures). */
static void
text_step(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, struct fpv_errinfo *e)
{
	char desc[DESC_MAX];
	const struct fpv_vec *v;

	if (i >= t->nsteps || word_step(t, i))
		return;
	v = fpv_trace_vec(t, i);
	fpv_describe_step(t, i, desc, sizeof desc);
	if (opts->width > 0 && step_heading_width(o, t, i, opts, desc)) {
		if (v != NULL)
			vec_rows(o, t, v, opts, true);
		else
			step_rows(o, t, i, opts, e, desc);
		acc_rows(o, t, i, opts);
		return;
	}
	if (opts->color)
		ob_puts(o, C_BOLD);
	ob_puts(o, "step ");
	ob_long(o, (long)i + 1);
	ob_putc(o, '/');
	ob_long(o, (long)t->nsteps);
	ob_putc(o, ':');
	if (opts->color)
		ob_puts(o, C_RESET);
	ob_putc(o, ' ');
	print_source(o, desc, strlen(desc));
	ob_putc(o, '\n');
	if (v != NULL)
		vec_rows(o, t, v, opts, true);
	else
		step_rows(o, t, i, opts, e, desc);
	acc_rows(o, t, i, opts);
}

/* Print step i as a text block. */
void
fpv_render_text_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	struct obuf o;
	struct fpv_errinfo e;

	ob_init(&o, out);
	fpv_errinfo_init(&e);
	text_step(&o, t, i, opts, &e);
	fpv_errinfo_clear(&e);
	ob_flush(&o);
}

/* Print the result table, after every step when asked. */
void
fpv_render_text(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	struct row rows[FPV_COLUMNS_MAX + 1];
	size_t n = 0, last;
	struct obuf o;
	struct fpv_errinfo e;

	if (t->nsteps == 0)
		return;
	ob_init(&o, out);
	fpv_errinfo_init(&e);
	if (opts->steps)
		for (size_t i = 0; i < t->nsteps; i++)
			text_step(&o, t, i, opts, &e);
	print_header(&o, t, opts);
	last = t->nsteps - 1;
	if (fpv_trace_vec(t, last) != NULL) {
		fpv_errinfo_clear(&e);
		vec_rows(&o, t, fpv_trace_vec(t, last), opts, false);
		ob_flush(&o);
		return;
	}
	for (int f = 0; f < fpv_trace_ncols(t); f++)
		fill_row(t, last, f, false, t->sticky[f],
		    t->sticky[f] & FPV_FLAG_CANCELLATION ?
		    max_cancelled(t, f) : 0, &e, &rows[n++]);
	fpv_errinfo_clear(&e);
	fill_exact_row(t, last, &rows[n]);
	print_rows(&o, rows, n + 1, opts->color, false, opts);
	ob_flush(&o);
}

/*
 * Print one line of text from input (a caption, a command's reply) in
 * the safe notation and a newline; with width > 0, broken between words
 * to fit it, the continuation lines indented as the line is or, with
 * hang, under its second column (after its first run of two or more
 * blanks) when that starts in the left half.
 */
void
fpv_render_line(FILE *out, const char *s, size_t len, int width, bool hang)
{
	struct obuf o;
	struct lay L;
	size_t lead = 0;

	ob_init(&o, out);
	if (width <= 0 || safe_columns(s, len) <= (size_t)width) {
		put_safe(&o, s, len);
		ob_putc(&o, '\n');
		ob_flush(&o);
		return;
	}
	while (lead < len && blank(s[lead]))
		lead++;
	if (hang) {
		for (size_t i = lead; i + 2 < len; i++)
			if (!blank(s[i]) && blank(s[i + 1]) && blank(s[i + 2])) {
				size_t j = i + 1;

				while (j < len && blank(s[j]))
					j++;
				if (j < len && safe_columns(s, j) <= (size_t)width / 2)
					lead = safe_columns(s, j);
				break;
			}
	}
	L = (struct lay){ &o, (size_t)width, 0, 0, lead, false, 0 };
	lay_source(&L, 0, s, len, NULL);
	ob_putc(&o, '\n');
	ob_flush(&o);
}

/* Print "error: L:C: message". */
void
fpv_render_error(FILE *out, const struct fpv_error *err, bool color)
{
	struct obuf o;

	ob_init(&o, out);
	ob_puts(&o, color ? C_BAD "error:" C_RESET " " : "error: ");
	ob_long(&o, err->line);
	ob_putc(&o, ':');
	ob_long(&o, err->col);
	ob_puts(&o, ": ");
	print_source(&o, err->msg, strnlen(err->msg, sizeof err->msg));
	ob_putc(&o, '\n');
	ob_flush(&o);
}

/* ---- JSON ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Write the inside of a JSON string for s: control characters (C0, DEL
 * and C1) escaped by their code point, invalid UTF-8 as U+FFFD. */
static void
json_str_body(struct obuf *o, const char *s, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = u[i];
		size_t j = i, n;

		/* Runs of plain ASCII go in one piece. */
		while (j < len && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '"' &&
		    u[j] != '\\')
			j++;
		if (j > i) {
			ob_write(o, s + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '"': ob_write(o, "\\\"", 2); i++; continue;
		case '\\': ob_write(o, "\\\\", 2); i++; continue;
		case '\n': ob_write(o, "\\n", 2); i++; continue;
		case '\r': ob_write(o, "\\r", 2); i++; continue;
		case '\t': ob_write(o, "\\t", 2); i++; continue;
		case '\b': ob_write(o, "\\b", 2); i++; continue;
		case '\f': ob_write(o, "\\f", 2); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hexd[c >> 4],
			    hexd[c & 15] };

			ob_write(o, e, 6);
			i++;
			continue;
		}
		n = utf8_seq(u + i, len - i);
		if (n == 0) {
			ob_write(o, "\\ufffd", 6);
			i++;
			continue;
		}
		/* C1 controls (U+0080..U+009F, c2 80..c2 9f) act on some
		 * terminals as ESC sequences do: escaped like C0 ones. */
		if (n == 2 && c == 0xc2 && u[i + 1] < 0xa0) {
			char e[6] = { '\\', 'u', '0', '0', hexd[u[i + 1] >> 4],
			    hexd[u[i + 1] & 15] };

			ob_write(o, e, 6);
			i += 2;
			continue;
		}
		ob_write(o, s + i, n);
		i += n;
	}
}

/* Write s as a JSON string into o. */
static void
json_str(struct obuf *o, const char *s, size_t len)
{
	ob_putc(o, '"');
	json_str_body(o, s, len);
	ob_putc(o, '"');
}

/* Write s as a JSON string; control characters are escaped, invalid
 * UTF-8 bytes become U+FFFD. */
void
fpv_json_string(FILE *out, const char *s, size_t len)
{
	struct obuf o;

	ob_init(&o, out);
	json_str(&o, s, len);
	ob_flush(&o);
}

/* Write a C string as a JSON string. */
static void
json_cstr(struct obuf *o, const char *s)
{
	json_str(o, s, strlen(s));
}

/*
 * Write text the renderer made itself (digits, signs, '.', 'e', names)
 * as a JSON string: it needs no escaping.
 */
static void
json_plain(struct obuf *o, const char *s, size_t n)
{
	ob_putc(o, '"');
	ob_write(o, s, n);
	ob_putc(o, '"');
}

/* Write the flags array. */
static void
json_flags(struct obuf *o, uint32_t flags)
{
	bool first = true;

	ob_putc(o, '[');
	for (int b = 0; b < FPV_FLAG_COUNT; b++)
		if (flags & (1u << b)) {
			if (!first)
				ob_write(o, ", ", 2);
			json_plain(o, fpv_flag_names[b],
			    strlen(fpv_flag_names[b]));
			first = false;
		}
	ob_putc(o, ']');
}

/* Write the error fields of e, this step's own (local) or accumulated. */
static void
json_errors(struct obuf *o, bool local, const struct fpv_errinfo *e)
{
	/* ORDER: abs, rel, ulp, bits; accumulated, then local. */
	static const char *const key[2][4] = {
		{ ", \"abs_error\": ", ", \"rel_error\": ",
		  ", \"ulp_error\": ", ", \"bits_lost\": " },
		{ ", \"local_abs_error\": ", ", \"local_rel_error\": ",
		  ", \"local_ulp_error\": ", ", \"local_bits_lost\": " }
	};
	char v[FIGURE_MAX];
	size_t n;

	for (int k = 0; k < 4; k++) {
		n = e->zero ? (size_t)(v[0] = '0', 1) :
		    fpv_errinfo_text(e, (enum fpv_errfig)k, FPV_DEC_FIG_FULL,
		    v, sizeof v);
		ob_puts(o, key[local][k]);
		if (n == 0)
			ob_puts(o, "null");	/* not a number */
		else
			json_plain(o, v, n);
	}
	if (!e->zero && e->fig[FPV_ERR_ABS] == FPV_FIG_NONE &&
	    e->bound != LONG_MIN) {
		ob_puts(o, local ? ", \"local_abs_error_max_exp\": " :
		    ", \"abs_error_max_exp\": ");
		ob_long(o, e->bound);
	}
}

/* Write one format's result object for step i (e: scratch). */
static void
json_cell(struct obuf *o, const struct fpv_trace *t, size_t i, int f,
    uint32_t flags, int32_t cancelled, bool local, struct fpv_errinfo *e)
{
	const struct fpv_format *fmt = fpv_trace_format(t, f);
	uint64_t b = fpv_trace_cells(t, i)[f].bits;
	char hex[20], val[FPV_DEC_SHORT], *ex;
	size_t nhex, nval;

	nhex = fpv_bits_hex(fmt, b, hex);
	nval = fpv_dec_shortest(&t->ctx, fmt, b, val);
	ex = fpv_dec_exact(&t->ctx, fmt, b);
	json_plain(o, fmt->name, strlen(fmt->name));
	ob_write(o, ": {\"bits\": ", 11);
	json_plain(o, hex, nhex);
	ob_write(o, ", \"value\": ", 11);
	json_plain(o, val, nval);
	ob_write(o, ", \"exact_value\": ", 17);
	if (ex != NULL)
		json_plain(o, ex, strlen(ex));
	else
		ob_puts(o, "null");
	free(ex);
	if (fmt->kind == FPV_KIND_INT) {
		ob_puts(o, ", \"q\": ");
		ob_long(o, (long)fpv_bits_q(fmt, b));
	}
	ob_puts(o, ", \"flags\": ");
	json_flags(o, flags);
	if ((flags & FPV_FLAG_CANCELLATION) && cancelled > 0) {
		ob_puts(o, ", \"cancelled_bits\": ");
		ob_long(o, cancelled);
	}
	e->want = JSON_ERROR_DIGITS;
	fpv_trace_accum_error(t, i, f, e);
	json_errors(o, false, e);
	if (local) {
		char desc[DESC_MAX];

		fpv_trace_local_error(t, i, f, e);
		json_errors(o, true, e);
		fpv_describe_cell(t, i, f, desc, sizeof desc);
		ob_puts(o, ", \"description\": ");
		json_cstr(o, desc);
	}
	ob_putc(o, '}');
}

/* Write the "results" object of step i (e: scratch error figures). */
static void
json_results(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, bool step, struct fpv_errinfo *e)
{
	bool first = true;

	ob_puts(o, "\"results\": {");
	(void)opts;
	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		if (!first)
			ob_write(o, ", ", 2);
		first = false;
		if (step)
			json_cell(o, t, i, f, fpv_trace_cells(t, i)[f].flags,
			    fpv_trace_cells(t, i)[f].cancelled, true, e);
		else
			json_cell(o, t, i, f, t->sticky[f],
			    max_cancelled(t, f), false, e);
	}
	ob_putc(o, '}');
}

/* Write x (a scale: a decimal of modest length, exact at 40 digits) as
 * a string. */
static void
json_decimal(struct obuf *o, mpfr_srcptr x)
{
	char buf[128];
	size_t n = fpv_dec_round(x, JSON_EXACT_DIGITS, buf, sizeof buf);

	json_plain(o, buf, n);
}

/*
 * Write the exact reference of step i: "exact" (JSON_EXACT_DIGITS
 * certified digits, or null), "exact_state", and "exact_bits",
 * "exact_zero_exp" and "exact_rounded" where they apply.
 */
static void
json_exact(struct obuf *o, const struct fpv_trace *t, size_t i)
{
	struct fpv_exact_text d;

	fpv_exact_describe(t, i, JSON_EXACT_DIGITS, &d);
	ob_puts(o, "\"exact\": ");
	if (d.len > 0)
		json_plain(o, d.num, d.len);
	else
		ob_puts(o, "null");
	ob_puts(o, ", \"exact_state\": ");
	json_cstr(o, fpv_exact_state_names[d.state]);
	if (d.state == FPV_EXACT_S_CERTIFIED) {
		ob_puts(o, ", \"exact_bits\": ");
		ob_long(o, d.n);
	} else if (d.state == FPV_EXACT_S_NEAR_ZERO) {
		ob_puts(o, ", \"exact_zero_exp\": ");
		ob_long(o, -d.n);
	} else if (d.state == FPV_EXACT_S_UNCERTIFIED) {
		ob_puts(o, d.n == FPV_WHY_ARG ?
		    ", \"exact_reason\": \"argument\"" :
		    ", \"exact_reason\": \"range\"");
	}
	if (d.len > 0)
		ob_puts(o, d.rounded ? ", \"exact_rounded\": true" :
		    ", \"exact_rounded\": false");
}

/* Write a vector's "length" and "exact" (a list of its elements'
 * references to JSON_EXACT_DIGITS certified digits, null where none). */
static void
json_vec_exact(struct obuf *o, const struct fpv_vec *v)
{
	char buf[160];

	ob_puts(o, "\"length\": ");
	ob_long(o, (long)v->n);
	ob_puts(o, ", \"exact\": [");
	for (size_t j = 0; j < v->n; j++) {
		struct fpv_exact_text d;

		if (j > 0)
			ob_write(o, ", ", 2);
		fpv_exact_describe_value(&v->exact[j], JSON_EXACT_DIGITS, &d);
		if (d.len > 0) {
			snprintf(buf, sizeof buf, "%s", d.num);
			json_plain(o, buf, strlen(buf));
		} else {
			ob_puts(o, "null");
		}
	}
	ob_putc(o, ']');
}

/* Write a per-tensor figure (null when no digit is certain). */
static void
json_vec_fig(struct obuf *o, const char *key, const struct fpv_vec_figs *g,
    const struct fpv_exact *x, bool inf, bool minf)
{
	char v[FIGURE_MAX];
	size_t n = 0;

	ob_puts(o, key);
	if (g->defined && (g->infinite || inf))
		n = (size_t)snprintf(v, sizeof v, minf && !inf ? "-inf" :
		    "inf");
	else if (g->defined && minf)
		n = (size_t)snprintf(v, sizeof v, "-inf");
	else if (g->defined)
		n = fpv_vec_figure_text(x, FPV_DEC_FIG_FULL, v, sizeof v);
	if (n == 0)
		ob_puts(o, "null");
	else
		json_plain(o, v, n);
}

/* Write the values of a format's encodings b[0..n) as a list: the
 * shortest decimals, or with hex their encodings. */
static void
json_codes(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_format *f, const uint64_t *b, size_t n, bool hex)
{
	char buf[FPV_DEC_SHORT];

	ob_putc(o, '[');
	for (size_t j = 0; j < n; j++) {
		if (j > 0)
			ob_write(o, ", ", 2);
		json_plain(o, buf, hex ? fpv_bits_hex(f, b[j], buf) :
		    fpv_dec_shortest(&t->ctx, f, b[j], buf));
	}
	ob_putc(o, ']');
}

/* The exact decimal of code b of f as a JSON string ("nan", "inf"
 * for those). */
static void
json_exact_code(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_format *f, uint64_t b)
{
	enum fpv_class k = fpv_bits_class(f, b);
	char buf[FPV_DEC_SHORT];
	char *d;

	if (f->kind != FPV_KIND_INT && (k == FPV_CLASS_QNAN ||
	    k == FPV_CLASS_SNAN || k == FPV_CLASS_INF)) {
		json_plain(o, buf, fpv_dec_shortest(&t->ctx, f, b, buf));
		return;
	}
	if ((d = fpv_dec_exact(&t->ctx, f, b)) == NULL) {
		json_plain(o, buf, fpv_dec_shortest(&t->ctx, f, b, buf));
		return;
	}
	json_cstr(o, d);
	free(d);
}

/* With --steps, a block quantization's "blocks": each block's index,
 * first element and count, its largest magnitude (the binary32 value
 * its scale was chosen from; "nan" for a block holding a NaN or an
 * infinity) and its scale (bits, and value), exact decimals, and its
 * codes. */
static void
json_blocks(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_quant *q)
{
	/* The amax is a number of the scheme's arithmetic (binary32). */
	const struct fpv_format *f32 = fpv_builtin_by_name(q->scheme->arith,
	    strlen(q->scheme->arith));
	char buf[FPV_DEC_SHORT];

	ob_puts(o, ", \"blocks\": [");
	for (size_t b = 0; b < q->nblocks; b++) {
		size_t first, count;
		float fv = (float)q->block_amax[b];
		uint32_t w;

		fpv_quant_block_range(q, b, &first, &count);
		if (b > 0)
			ob_write(o, ", ", 2);
		ob_puts(o, "{\"index\": ");
		ob_long(o, (long)b);
		ob_puts(o, ", \"first\": ");
		ob_long(o, (long)first);
		ob_puts(o, ", \"count\": ");
		ob_long(o, (long)count);
		ob_puts(o, ", \"amax\": ");
		memcpy(&w, &fv, sizeof w);
		if (fv != fv || f32 == NULL)
			json_cstr(o, "nan");
		else
			json_exact_code(o, t, f32, w);
		ob_puts(o, ", \"scale\": ");
		json_exact_code(o, t, q->scale_fmt, q->scale_bits[b]);
		ob_puts(o, ", \"scale_bits\": ");
		json_plain(o, buf, fpv_bits_hex(q->scale_fmt, q->scale_bits[b],
		    buf));
		ob_puts(o, ", \"codes\": ");
		json_codes(o, t, &q->elem, q->code + first, count, true);
		ob_putc(o, '}');
	}
	ob_putc(o, ']');
}

/* Write a quantization's "quant" member: the scheme, the element and
 * scale formats, the block size, the scales (values and bits), the
 * zero point and the stored codes (the element format's encodings). */
static void
json_quant(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_quant *q, bool step)
{
	ob_puts(o, ", \"quant\": {\"scheme\": ");
	json_cstr(o, q->scheme->name);
	ob_puts(o, ", \"element_format\": ");
	json_cstr(o, q->elem.name);
	ob_puts(o, ", \"block\": ");
	ob_long(o, (long)q->block);
	ob_puts(o, ", \"scale_format\": ");
	json_cstr(o, q->scale_fmt->name);
	ob_puts(o, ", \"scales\": ");
	json_codes(o, t, q->scale_fmt, q->scale_bits, q->nblocks, false);
	ob_puts(o, ", \"scale_bits\": ");
	json_codes(o, t, q->scale_fmt, q->scale_bits, q->nblocks, true);
	if (q->tensor_fmt != NULL) {
		ob_puts(o, ", \"tensor_scale_format\": ");
		json_cstr(o, q->tensor_fmt->name);
		char buf[FPV_DEC_SHORT];

		ob_puts(o, ", \"tensor_scale\": ");
		json_plain(o, buf, fpv_dec_shortest(&t->ctx, q->tensor_fmt,
		    q->tensor_scale_bits, buf));
		ob_puts(o, ", \"tensor_scale_bits\": ");
		json_plain(o, buf, fpv_bits_hex(q->tensor_fmt,
		    q->tensor_scale_bits, buf));
	}
	ob_puts(o, ", \"zero_point\": ");
	ob_long(o, (long)q->zero_point);
	ob_puts(o, ", \"codes\": ");
	json_codes(o, t, &q->elem, q->code, q->n, true);
	if (step && q->scheme->block > 0)
		json_blocks(o, t, q);
	ob_putc(o, '}');
}

/* Write the "results" object of vector v: per column "bits" and
 * "values" lists, the flags, the per-tensor figures and counts. */
static void
json_vec_results(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_vec *v, bool step)
{
	ob_puts(o, "\"results\": {");
	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		const struct fpv_format *fmt = fpv_trace_format(t, f);
		struct fpv_vec_figs g;
		char hex[20], val[FPV_DEC_SHORT];

		if (f > 0)
			ob_write(o, ", ", 2);
		json_plain(o, fmt->name, strlen(fmt->name));
		ob_puts(o, ": {\"bits\": [");
		for (size_t j = 0; j < v->n; j++) {
			if (j > 0)
				ob_write(o, ", ", 2);
			json_plain(o, hex, fpv_bits_hex(fmt,
			    v->bits[(size_t)f * v->n + j], hex));
		}
		ob_puts(o, "], \"values\": [");
		for (size_t j = 0; j < v->n; j++) {
			if (j > 0)
				ob_write(o, ", ", 2);
			json_plain(o, val, fpv_dec_shortest(&t->ctx, fmt,
			    v->bits[(size_t)f * v->n + j], val));
		}
		ob_puts(o, "], \"flags\": ");
		json_flags(o, step ? vec_flags(v, f) : t->sticky[f]);
		fpv_vec_figures_init(&g);
		fpv_vec_figures(t, v, f, &g);
		json_vec_fig(o, ", \"max_abs_error\": ", &g, &g.maxabs, false,
		    false);
		json_vec_fig(o, ", \"rmse\": ", &g, &g.rmse, false, false);
		json_vec_fig(o, ", \"sqnr_db\": ", &g, &g.sqnr, g.sqnr_inf,
		    g.sqnr_minf || g.infinite);
		ob_puts(o, ", \"saturated\": ");
		ob_long(o, (long)g.saturated);
		ob_puts(o, ", \"underflowed\": ");
		ob_long(o, (long)g.underflowed);
		ob_puts(o, ", \"absorbed\": ");
		ob_long(o, (long)g.absorbed);
		ob_puts(o, ", \"nonfinite\": ");
		ob_long(o, (long)g.nonfinite);
		fpv_vec_figures_clear(&g);
		if (v->quant != NULL && v->quant[f].scheme != NULL)
			json_quant(o, t, &v->quant[f], step);
		ob_putc(o, '}');
	}
	ob_putc(o, '}');
}

/* An addition's loss (fpv_acc_step_loss): ", \"loss\": \"-0.0001...\",
 * \"loss_rel\": ..., \"loss_ulp\": ..." (17 digits; null where a figure
 * is not a number); nothing for a step that adds nothing. */
static void
json_acc_loss(struct obuf *o, const struct fpv_trace *t,
    const struct fpv_format *acc, const struct fpv_reduce_step *s,
    struct fpv_errinfo *e)
{
	static const char *const key[3] = {
		", \"loss\": ", ", \"loss_rel\": ", ", \"loss_ulp\": "
	};
	char v[FIGURE_MAX];

	if (!fpv_acc_step_loss(&t->ctx, acc, s, e))
		return;
	for (int k = 0; k < 3; k++) {
		size_t n = e->zero ? (size_t)(v[0] = '0', 1) :
		    fpv_errinfo_text(e, (enum fpv_errfig)k, FPV_DEC_FIG_FULL,
		    v, sizeof v);

		ob_puts(o, key[k]);
		if (n == 0)
			ob_puts(o, "null");
		else
			json_plain(o, v, n);
	}
}

/* With --steps, a reduction step's "accumulator": per column its
 * format, order and recorded steps (at most ACC_JSON_MAX). */
static void
json_acc(struct obuf *o, const struct fpv_trace *t, size_t i)
{
	bool any = false;
	struct fpv_errinfo e;

	fpv_errinfo_init(&e);

	for (int f = 0; f < fpv_trace_ncols(t); f++) {
		struct fpv_reduce_step *st;
		const struct fpv_format *acc;
		const struct fpv_format *fmt = fpv_trace_format(t, f);
		int order;
		size_t ns = fpv_vec_reduce_steps(t, i, f, &st, &acc, &order);
		char v[FPV_DEC_SHORT];

		if (ns == 0)
			continue;
		ob_puts(o, any ? ", " : ", \"accumulator\": {");
		any = true;
		json_plain(o, fmt->name, strlen(fmt->name));
		ob_puts(o, ": {\"format\": ");
		json_cstr(o, acc->name);
		ob_puts(o, ", \"order\": ");
		json_cstr(o, fpv_order_names[order]);
		ob_puts(o, ", \"nsteps\": ");
		ob_long(o, (long)ns);
		ob_puts(o, ", \"steps\": [");
		for (size_t k = 0; k < ns && k < ACC_JSON_MAX; k++) {
			const struct fpv_reduce_step *s = &st[k];

			if (k > 0)
				ob_write(o, ", ", 2);
			ob_puts(o, "{\"kind\": ");
			json_cstr(o, acc_kind[s->kind]);
			ob_puts(o, ", \"element\": ");
			if (s->index == FPV_STEP_NONE)
				ob_puts(o, "null");
			else
				ob_long(o, (long)s->index);
			if (s->kind != FPV_STEP_LOAD) {
				ob_puts(o, ", \"a\": ");
				json_plain(o, v, fpv_dec_shortest(&t->ctx, acc,
				    s->a, v));
			}
			ob_puts(o, ", \"b\": ");
			json_plain(o, v, fpv_dec_shortest(&t->ctx, acc, s->b, v));
			ob_puts(o, ", \"r\": ");
			json_plain(o, v, fpv_dec_shortest(&t->ctx, acc, s->r, v));
			if (order == FPV_ORDER_PAIRWISE) {
				ob_puts(o, ", \"lane\": ");
				ob_long(o, (long)s->lane);
			}
			if (order == FPV_ORDER_KAHAN) {
				ob_puts(o, ", \"c\": ");
				json_plain(o, v, fpv_dec_shortest(&t->ctx, acc,
				    s->c, v));
			}
			ob_puts(o, ", \"flags\": ");
			json_flags(o, s->flags);
			json_acc_loss(o, t, acc, s, &e);
			ob_putc(o, '}');
		}
		ob_putc(o, ']');
		if (ns > ACC_JSON_MAX) {
			ob_puts(o, ", \"steps_omitted\": ");
			ob_long(o, (long)(ns - ACC_JSON_MAX));
		}
		ob_putc(o, '}');
		free(st);
	}
	fpv_errinfo_clear(&e);
	if (any)
		ob_putc(o, '}');
}

/*
 * Write a step's source text: at most STEP_TEXT_MAX bytes, cut before a
 * UTF-8 continuation byte, and then an ellipsis (U+2026).
 */
static void
json_step_text(struct obuf *o, const char *s, size_t len)
{
	size_t n = STEP_TEXT_MAX;

	if (len <= STEP_TEXT_MAX) {
		json_str(o, s, len);
		return;
	}
	/* s[n] is the first byte left out: not a continuation byte (a
	 * sequence has at most 3 of them). */
	while (n > STEP_TEXT_MAX - 3 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	ob_putc(o, '"');
	json_str_body(o, s, n);
	ob_write(o, "\xe2\x80\xa6\"", 4);
}

/* Write the object of step i (e: scratch error figures). */
static void
json_step(struct obuf *o, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts, struct fpv_errinfo *e)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	char desc[DESC_MAX];
	uint32_t args[3];
	int k = fpv_trace_args(t, i, args);

	ob_puts(o, "{\"index\": ");
	ob_long(o, (long)i + 1);
	ob_puts(o, ", \"op\": ");
	json_cstr(o, fpv_trace_opname(t, i));
	ob_puts(o, ", \"text\": ");
	json_step_text(o, t->ast.src + n->start, n->end - n->start);
	ob_puts(o, ", \"start\": ");
	ob_long(o, (long)n->start);
	ob_puts(o, ", \"end\": ");
	ob_long(o, (long)n->end);
	fpv_describe_step(t, i, desc, sizeof desc);
	ob_puts(o, ", \"description\": ");
	json_cstr(o, desc);
	ob_puts(o, ", \"args\": [");
	for (int j = 0, m = 0; j < k; j++) {
		if (word_step(t, args[j]))
			continue;
		if (m++)
			ob_write(o, ", ", 2);
		ob_long(o, (long)args[j] + 1);
	}
	ob_puts(o, "], ");
	if (fpv_trace_vec(t, i) != NULL) {
		json_vec_exact(o, fpv_trace_vec(t, i));
		ob_write(o, ", ", 2);
		json_vec_results(o, t, fpv_trace_vec(t, i), true);
	} else {
		json_exact(o, t, i);
		ob_write(o, ", ", 2);
		json_results(o, t, i, opts, true, e);
	}
	json_acc(o, t, i);
	ob_putc(o, '}');
}

/*
 * Write the settings of the integer-grid columns, and of floats whose
 * overflow policy is not their default: ", \"settings\": {\"int8\":
 * {\"scale\": \"0.1\", \"zero_point\": 0, \"overflow\": \"saturate\"}}".
 */
static void
json_settings(struct obuf *o, const struct fpv_trace *t)
{
	bool any = false;

	for (int k = 0; k < fpv_trace_ncols(t); k++) {
		const struct fpv_format *f = fpv_trace_format(t, k);

		if (f->kind != FPV_KIND_INT &&
		    f->overflow == fpv_format_default_overflow(f))
			continue;
		ob_puts(o, any ? ", " : ", \"settings\": {");
		any = true;
		json_plain(o, f->name, strlen(f->name));
		ob_puts(o, ": {");
		if (f->kind == FPV_KIND_INT) {
			mpq_t q;
			mpfr_t x;

			/* A scale is a decimal of modest length (or a dyadic
			 * number): exact at 40 digits. */
			mpq_init(q);
			fpv_grid_scale(f, q);
			mpfr_init2(x, FPV_EXACT_PREC);
			mpfr_set_q(x, q, MPFR_RNDN);
			ob_puts(o, "\"scale\": ");
			json_decimal(o, x);
			mpfr_clear(x);
			mpq_clear(q);
			ob_puts(o, ", \"zero_point\": ");
			ob_long(o, (long)f->zero_point);
			ob_puts(o, ", ");
		}
		ob_puts(o, "\"overflow\": ");
		json_plain(o, fpv_overflow_names[f->overflow],
		    strlen(fpv_overflow_names[f->overflow]));
		ob_putc(o, '}');
	}
	if (any)
		ob_putc(o, '}');
}

/* Print the JSON object of an evaluated line, without a newline (null
 * for a trace of no steps). */
void
fpv_render_json_object(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	const struct fpv_ctx *c = &t->ctx;
	size_t len = t->ast.len;
	struct obuf o;
	struct fpv_errinfo e;

	if (t->nsteps == 0) {
		fputs("null", out);
		return;
	}
	ob_init(&o, out);
	fpv_errinfo_init(&e);
	while (len > 0 && (t->ast.src[len - 1] == '\n' ||
	    t->ast.src[len - 1] == '\r'))
		len--;
	ob_puts(&o, "{\"expr\": ");
	json_str(&o, t->ast.src, len);
	if (t->ast.assign) {
		ob_puts(&o, ", \"assign\": ");
		json_str(&o, t->ast.src + t->ast.name, t->ast.namelen);
	}
	ob_puts(&o, ", \"round\": ");
	json_cstr(&o, fpv_round_names[c->round]);
	if (c->round == FPV_RND_STOCHASTIC) {
		char sd[32];

		snprintf(sd, sizeof sd, ", \"seed\": %" PRIu64, c->seed);
		ob_puts(&o, sd);
	}
	json_settings(&o, t);
	ob_write(&o, ", ", 2);
	if (fpv_trace_vec(t, t->nsteps - 1) != NULL) {
		json_vec_exact(&o, fpv_trace_vec(t, t->nsteps - 1));
		ob_write(&o, ", ", 2);
		json_vec_results(&o, t, fpv_trace_vec(t, t->nsteps - 1),
		    false);
	} else {
		json_exact(&o, t, t->nsteps - 1);
		ob_write(&o, ", ", 2);
		json_results(&o, t, t->nsteps - 1, opts, false, &e);
	}
	if (opts->steps) {
		bool first = true;

		ob_puts(&o, ", \"steps\": [");
		for (size_t i = 0; i < t->nsteps; i++) {
			if (word_step(t, i))
				continue;
			if (!first)
				ob_write(&o, ", ", 2);
			first = false;
			json_step(&o, t, i, opts, &e);
		}
		ob_putc(&o, ']');
	}
	fpv_errinfo_clear(&e);
	ob_putc(&o, '}');
	ob_flush(&o);
}

/* Print one JSON Lines object for an evaluated line. */
void
fpv_render_json(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts)
{
	if (t->nsteps == 0)
		return;
	fpv_render_json_object(out, t, opts);
	putc('\n', out);
}

/* Print the JSON object of step i of t, as in "steps" (no newline). */
void
fpv_render_json_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts)
{
	struct obuf o;
	struct fpv_errinfo e;

	ob_init(&o, out);
	fpv_errinfo_init(&e);
	json_step(&o, t, i, opts, &e);
	fpv_errinfo_clear(&e);
	ob_flush(&o);
}

/* Print the JSON object of a line that failed, without a newline: the
 * line is a "command" if it starts with ':' (after blanks), else an
 * "expr". */
void
fpv_render_json_error_object(FILE *out, const char *src, size_t len,
    const struct fpv_error *err)
{
	struct obuf o;
	size_t b = 0;

	ob_init(&o, out);
	while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r'))
		len--;
	while (b < len && (src[b] == ' ' || src[b] == '\t'))
		b++;
	ob_puts(&o, b < len && src[b] == ':' ? "{\"command\": " :
	    "{\"expr\": ");
	json_str(&o, src, len);
	ob_puts(&o, ", \"error\": {\"message\": ");
	json_str(&o, err->msg, strnlen(err->msg, sizeof err->msg));
	ob_puts(&o, ", \"line\": ");
	ob_long(&o, err->line);
	ob_puts(&o, ", \"column\": ");
	ob_long(&o, err->col);
	ob_write(&o, "}}", 2);
	ob_flush(&o);
}

/* Print the JSON Lines object of a line that failed. */
void
fpv_render_json_error(FILE *out, const char *src, size_t len,
    const struct fpv_error *err)
{
	fpv_render_json_error_object(out, src, len, err);
	putc('\n', out);
}
