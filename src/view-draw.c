/*
 * Drawing the full-screen view: the palettes (256 colours, 8 colours,
 * monochrome), the layout for the terminal's size, and the drawing of
 * each window from the texts the model prepared.
 *
 * The screen is four windows: the top (title, lesson caption,
 * expression, step description), the body (format rows, detail pane,
 * step list, or an overlay), the status line and the input line.  Only
 * the windows marked dirty are drawn again, each with wnoutrefresh, and
 * the terminal is updated once with doupdate, which sends only the
 * cells that changed.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fpviz/keys.h"
#include "fpviz/render.h"
#include "fpviz/safe.h"
#include "fpviz/view-impl.h"

/* Lines of the detail pane when there is room. */
#define DETAIL_MAX 5
/* ... and for a reduction's accumulator or a quantization's blocks,
 * whose panels come first. */
#define DETAIL_SUB_MAX 8
/* The steps with sub-steps (view_shown). */
#define SHOWN_SUB (FPV_SHOWN_REDUCE | FPV_SHOWN_BLOCKS)
/* Width given to a format row's value, error and flags in the wide mode. */
#define WIDE_VALUE 24
#define WIDE_ERROR 38
#define WIDE_FLAGS 24
/* The one-line rows (bits, value, figures) need room for a value this
 * wide and figures ("0.4 ulp  inexact") this wide after the bits. */
#define ONE_VALUE 16
#define ONE_FIGURES 16

/* ---- Palettes ------------------------------------------------------- */

/* A style in each palette: attributes alone (monochrome, NO_COLOR), or
 * attributes with a foreground and background (-1: the terminal's). */
struct style_def {
	attr_t mono;
	attr_t attr;
	short fg8, bg8;
	short fg256, bg256;
};

#define R A_REVERSE
#define B A_BOLD
#define U A_UNDERLINE

/* ORDER STYLE: indexed by enum view_style. */
static const struct style_def style_defs[ST_COUNT] = {
	[ST_NORMAL] =	{ A_NORMAL, A_NORMAL, -1, -1, -1, -1 },
	[ST_TITLE] =	{ R | B, B, COLOR_WHITE, COLOR_BLUE, 231, 24 },
	[ST_LABEL] =	{ B, B, -1, -1, 252, -1 },
	[ST_SPAN] =	{ R | B, B, COLOR_BLACK, COLOR_YELLOW, 16, 222 },
	[ST_SPANMARK] =	{ B, B, COLOR_YELLOW, -1, 222, -1 },
	[ST_SIGN] =	{ B, B, COLOR_RED, -1, 203, -1 },
	[ST_EXP] =	{ U, A_NORMAL, COLOR_GREEN, -1, 114, -1 },
	[ST_FRAC] =	{ A_NORMAL, A_NORMAL, COLOR_CYAN, -1, 75, -1 },
	[ST_IMAG] =	{ A_NORMAL, A_NORMAL, COLOR_YELLOW, -1, 180, -1 },
	[ST_HEX] =	{ A_NORMAL, A_NORMAL, -1, -1, 248, -1 },
	[ST_VALUE] =	{ B, B, -1, -1, -1, -1 },
	[ST_EXACT] =	{ B, B, COLOR_GREEN, -1, 150, -1 },
	[ST_KEPT] =	{ B, B, COLOR_CYAN, -1, 75, -1 },
	[ST_DROPPED] =	{ A_DIM, A_NORMAL, COLOR_MAGENTA, -1, 241, -1 },
	[ST_SELECTED] =	{ R | B, R | B, -1, -1, -1, -1 },
	[ST_CURSTEP] =	{ R, R, -1, -1, -1, -1 },
	[ST_ERROR] =	{ B, B, COLOR_RED, -1, 196, -1 },
	[ST_WARN] =	{ B, B, COLOR_YELLOW, -1, 214, -1 },
	[ST_INFO] =	{ A_NORMAL, A_NORMAL, -1, -1, -1, -1 },
	[ST_HINT] =	{ A_NORMAL, A_NORMAL, -1, -1, 244, -1 },
	[ST_KEY] =	{ B, B, -1, -1, 252, -1 },
	[ST_SEP] =	{ A_NORMAL, A_NORMAL, COLOR_BLUE, -1, 239, -1 },
	[ST_CAPTION] =	{ B, B, COLOR_YELLOW, -1, 230, -1 },
	[ST_BITCUR] =	{ R | B | U, R | B | U, -1, -1, -1, -1 },
	[ST_HIGHLIGHT] = { R | B | U, B | U, COLOR_BLACK, COLOR_CYAN, 16, 117 },
	[ST_M_INEXACT] = { A_NORMAL, A_NORMAL, -1, -1, 245, -1 },
	[ST_M_OVERFLOW] = { R | B, B, COLOR_WHITE, COLOR_RED, 231, 160 },
	[ST_M_UNDERFLOW] = { B | U, B, COLOR_WHITE, COLOR_MAGENTA, 231, 91 },
	[ST_M_SUBNORMAL] = { U, U, COLOR_MAGENTA, -1, 177, -1 },
	[ST_M_ABSORBED] = { R, A_NORMAL, COLOR_BLACK, COLOR_YELLOW, 16, 214 },
	[ST_M_CANCEL] =	{ B, B | U, COLOR_YELLOW, -1, 214, -1 },
	[ST_M_INVALID] = { R | B | U, B, COLOR_YELLOW, COLOR_RED, 226, 124 },
	[ST_M_DIVZERO] = { R | U, B | U, COLOR_RED, -1, 203, -1 },
	[ST_M_SATURATED] = { R | B, B, COLOR_WHITE, COLOR_RED, 231, 160 },
	[ST_M_WRAPPED] = { R | B, B, COLOR_WHITE, COLOR_RED, 231, 160 },
	[ST_M_NAN] =	{ R | B | U, B, COLOR_YELLOW, COLOR_RED, 226, 124 },
	[ST_M_INF] =	{ R | B, B, COLOR_WHITE, COLOR_RED, 231, 160 },
	[ST_E_EXACT] =	{ A_NORMAL, A_NORMAL, COLOR_GREEN, -1, 114, -1 },
	[ST_E_HALF] =	{ A_NORMAL, A_NORMAL, COLOR_CYAN, -1, 75, -1 },
	[ST_E_ONE] =	{ B, B, COLOR_YELLOW, -1, 214, -1 },
	[ST_E_MORE] =	{ B | U, B, COLOR_RED, -1, 203, -1 },
};

#undef R
#undef B
#undef U

/* Choose the palette. */
void
view_palette_init(struct fpv_view *v)
{
	const char *nc = getenv("NO_COLOR");
	bool want = (nc == NULL || nc[0] == '\0') && !v->d->no_color;
	short dfg = -1, dbg = -1;

	v->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	v->colors = COLORS_MONO;
	if (want && has_colors() && start_color() == OK && COLORS >= 8 &&
	    COLOR_PAIRS > ST_COUNT) {
		v->colors = COLORS >= 256 ? COLORS_256 : COLORS_8;
		if (use_default_colors() != OK) {
			dfg = COLOR_WHITE;
			dbg = COLOR_BLACK;
		}
	}
	for (int s = 0; s < ST_COUNT; s++) {
		const struct style_def *d = &style_defs[s];
		short fg, bg;

		v->pair[s] = 0;
		if (v->colors == COLORS_MONO) {
			v->attr[s] = d->mono;
			continue;
		}
		v->attr[s] = d->attr;
		fg = v->colors == COLORS_256 ? d->fg256 : d->fg8;
		bg = v->colors == COLORS_256 ? d->bg256 : d->bg8;
		if (fg < 0 && bg < 0)
			continue;
		if (init_pair((short)(s + 1), fg < 0 ? dfg : fg,
		    bg < 0 ? dbg : bg) == OK)
			v->pair[s] = (short)(s + 1);
		else
			v->attr[s] = d->mono;
	}
}

/* ---- Text output ---------------------------------------------------- */

/* Set the style of w. */
void
view_setstyle(struct fpv_view *v, WINDOW *w, enum view_style st)
{
	wattr_set(w, v->attr[st], v->pair[st], NULL);
}

/*
 * Where the locale is not UTF-8: the ASCII drawn for the UTF-8 sequence
 * at s[0..n) if it is one of the core's signs (the rounded mark U+2248,
 * the arrow U+2192), with its length in *k; NULL for any other byte.
 */
static const char *
ascii_sign(const char *s, size_t n, size_t *k)
{
	if (n < 3 || (unsigned char)s[0] != 0xe2)
		return NULL;
	*k = 3;
	if (memcmp(s, FPV_DEC_MARK, 3) == 0)
		return "~";
	if (memcmp(s, "\xe2\x86\x92", 3) == 0)
		return "->";
	return NULL;
}

/*
 * Is the unit at s[0..n) (not printable ASCII) drawn in the safe
 * notation (fpviz/safe.h)?  Controls always are; in a UTF-8 locale so
 * are C1 controls and bytes that are not valid UTF-8.
 */
static bool
escaped(const struct fpv_view *v, const char *s, size_t n)
{
	return (unsigned char)s[0] < 0x80 ||
	    (v->utf8 && fpv_safe_span(s, n) == 0);
}

/* Columns taken by s[0..n) (UTF-8 aware when the locale is). */
int
view_text_width(const struct fpv_view *v, const char *s, size_t n)
{
	mbstate_t ps;
	int w = 0;

	memset(&ps, 0, sizeof ps);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		char u[FPV_SAFE_UNIT_MAX];
		size_t un;

		if (c >= 0x20 && c < 0x7f) {
			w++;
			i++;
			continue;
		}
		if (escaped(v, s + i, n - i)) {
			i += fpv_safe_unit(s + i, n - i, u, &un);
			w += (int)un;
			continue;
		}
		if (!v->utf8) {
			size_t k;
			const char *a = ascii_sign(s + i, n - i, &k);

			w += a != NULL ? (int)strlen(a) : 1;
			i += a != NULL ? k : 1;
			continue;
		}
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &ps);

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&ps, 0, sizeof ps);
			k = 1;
			w++;
		} else {
			int cw = wcwidth(wc);

			w += cw < 0 ? 1 : cw;
		}
		i += k;
	}
	return w;
}

/*
 * Write s[0..n) at (y, x) of w in style st, clipped before column xmax;
 * returns the column after it.  Controls, C1 controls and bytes that are
 * not valid UTF-8 are drawn in the safe notation (fpviz/safe.h), other
 * characters that the locale cannot show as '?'.
 */
int
view_putn(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s, size_t n)
{
	mbstate_t ps;
	size_t i = 0;

	if (x >= xmax || y < 0)
		return x;
	view_setstyle(v, w, st);
	wmove(w, y, x);
	memset(&ps, 0, sizeof ps);
	while (i < n && x < xmax) {
		size_t run = 0;

		/* A run of printable ASCII goes out in one call. */
		while (i + run < n && x + (int)run < xmax &&
		    (unsigned char)s[i + run] >= 0x20 &&
		    (unsigned char)s[i + run] < 0x7f)
			run++;
		if (run > 0) {
			waddnstr(w, s + i, (int)run);
			x += (int)run;
			i += run;
			continue;
		}
		if (escaped(v, s + i, n - i)) {
			char u[FPV_SAFE_UNIT_MAX];
			size_t un, k = fpv_safe_unit(s + i, n - i, u, &un);

			if (x + (int)un > xmax)
				break;
			waddnstr(w, u, (int)un);
			x += (int)un;
			i += k;
			continue;
		}
		if (!v->utf8) {
			size_t k;
			const char *a = ascii_sign(s + i, n - i, &k);

			if (a != NULL && x + (int)strlen(a) > xmax)
				break;
			waddstr(w, a != NULL ? a : "?");
			x += a != NULL ? (int)strlen(a) : 1;
			i += a != NULL ? k : 1;
			continue;
		}
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &ps);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0 ||
		    (cw = wcwidth(wc)) < 0) {
			memset(&ps, 0, sizeof ps);
			waddch(w, '?');
			x++;
			i++;
			continue;
		}
		if (x + cw > xmax)
			break;
		waddnstr(w, s + i, (int)k);
		x += cw;
		i += k;
	}
	return x;
}

/* Write the string s; see putn. */
int
view_put(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s)
{
	return view_putn(v, w, y, x, xmax, st, s, strlen(s));
}

/* Write s, cut with an ellipsis if it does not fit before xmax. */
int
view_put_cut(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s)
{
	size_t n = strlen(s);

	if (x + view_text_width(v, s, n) <= xmax)
		return view_putn(v, w, y, x, xmax, st, s, n);
	x = view_putn(v, w, y, x, xmax - 1, st, s, n);
	return view_put(v, w, y, x, xmax, st, v->utf8 ? "\xe2\x80\xa6" : "~");
}

/* A horizontal line from x over n columns. */
void
view_rule(struct fpv_view *v, WINDOW *w, int y, int x, int n)
{
	if (n <= 0)
		return;
	wmove(w, y, x);
	if (v->utf8) {
		/* U+2500 itself: the same everywhere, no alternate charset;
		 * set as a cell n times, not converted from text n times. */
		static const wchar_t hline[2] = { 0x2500, 0 };
		cchar_t cc;

		setcchar(&cc, hline, v->attr[ST_SEP], v->pair[ST_SEP], NULL);
		whline_set(w, &cc, n);
		return;
	}
	whline(w, ACS_HLINE | v->attr[ST_SEP] | COLOR_PAIR(v->pair[ST_SEP]), n);
}

/* ---- Flags as words ------------------------------------------------- */

/* The marker words of a cell, most severe first; returns their number. */
int
view_flag_words(const struct view_cell *c, struct view_flagword *out)
{
	static const struct { uint32_t flag; enum view_style st; } order[] = {
		{ FPV_FLAG_INVALID, ST_M_INVALID },
		{ FPV_FLAG_OVERFLOW, ST_M_OVERFLOW },
		{ FPV_FLAG_SATURATED, ST_M_SATURATED },
		{ FPV_FLAG_WRAPPED, ST_M_WRAPPED },
		{ FPV_FLAG_DIVBYZERO, ST_M_DIVZERO },
		{ FPV_FLAG_UNDERFLOW, ST_M_UNDERFLOW },
		{ FPV_FLAG_SUBNORMAL, ST_M_SUBNORMAL },
		{ FPV_FLAG_ABSORBED, ST_M_ABSORBED },
		{ FPV_FLAG_CANCELLATION, ST_M_CANCEL },
		{ FPV_FLAG_INEXACT, ST_M_INEXACT },
	};
	int n = 0;
	bool nan = c->cls == FPV_CLASS_QNAN || c->cls == FPV_CLASS_SNAN;

	if (nan && !(c->flags & FPV_FLAG_INVALID)) {
		snprintf(out[n].word, sizeof out[n].word, "nan");
		out[n++].st = ST_M_NAN;
	}
	if (c->cls == FPV_CLASS_INF &&
	    !(c->flags & (FPV_FLAG_OVERFLOW | FPV_FLAG_DIVBYZERO))) {
		snprintf(out[n].word, sizeof out[n].word, "inf");
		out[n++].st = ST_M_INF;
	}
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		uint32_t fl = order[i].flag;
		int bit = 0;

		if (!(c->flags & fl))
			continue;
		while (!((fl >> bit) & 1))
			bit++;
		{
			char w[FPV_FLAG_WORD];
			size_t k = (size_t)(fpv_flag_word(w, bit, c->cancelled) -
			    w);

			snprintf(out[n].word, sizeof out[n].word, "%.*s",
			    (int)k, w);
		}
		out[n++].st = order[i].st;
	}
	return n;
}

/* Width of all the words with single spaces. */
int
view_flags_width(const struct view_flagword *fw, int n)
{
	int w = 0;

	for (int i = 0; i < n; i++)
		w += (int)strlen(fw[i].word) + (i > 0);
	return w;
}

/* Draw the words from x, clipped at xmax; returns the column after. */
int
view_draw_flags(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    const struct view_flagword *fw, int n)
{
	for (int i = 0; i < n && x < xmax; i++) {
		if (i > 0)
			x = view_put(v, w, y, x, xmax, ST_NORMAL, " ");
		x = view_put_cut(v, w, y, x, xmax, fw[i].st, fw[i].word);
	}
	return x;
}

/* ---- Layout --------------------------------------------------------- */

/* The field of bit i (0: the most significant) of f: 0 the sign, 1 the
 * exponent (an integer grid's other bits), 2 the fraction. */
int
view_bit_field(const struct fpv_format *f, int i)
{
	int sb = f->sign ? 1 : 0;

	if (i < sb)
		return 0;
	if (f->kind == FPV_KIND_INT)
		return 1;
	return i < sb + f->exp_bits ? 1 : 2;
}

/* Does a field start at bit i (after a space)? */
int
view_field_start(const struct fpv_format *f, int i)
{
	return i > 0 && view_bit_field(f, i) != view_bit_field(f, i - 1);
}

/* Columns the bits [a, b) of format f take with the spaces between
 * their fields. */
int
view_bits_cols(const struct fpv_format *f, int a, int b)
{
	int n = b - a;

	for (int i = a + 1; i < b; i++)
		n += view_field_start(f, i);
	return n > 0 ? n : 0;
}

/* Columns the bits of format f take with their field spaces. */
int
view_bits_width(const struct fpv_format *f)
{
	return view_bits_cols(f, 0, f->bits);
}

/* The first bit of f's last field, the one a long bit string wraps in
 * (a float's fraction, an integer's bits after the sign), or f->bits
 * if it has one field only. */
static int
tail_start(const struct fpv_format *f)
{
	int t = f->bits;

	while (t > 1 && !view_field_start(f, t - 1))
		t--;
	return t > 1 ? t - 1 : f->bits;
}

/*
 * Lay the bits of f out within width columns: on one line where they
 * fit; else wrapped by field, never inside the sign or exponent: the
 * last field (the fraction) is cut into pieces of equal length (a
 * multiple of 4 bits where that costs no line, so that they line up
 * with the hexadecimal digits), the first after the other fields and
 * the rest under it; where even that does not fit, the pieces start on
 * lines of their own at the left.
 */
void
view_wrap_bits(const struct fpv_format *f, int width, struct view_bitwrap *bw)
{
	int t0 = tail_start(f), tail = f->bits - t0, head, room, k, c;

	memset(bw, 0, sizeof *bw);
	bw->n = 1;
	bw->to[0] = f->bits;
	bw->width = view_bits_width(f);
	if (bw->width <= width || tail <= 0 || width < 4)
		return;
	head = view_bits_cols(f, 0, t0) + 1;
	room = width - head;
	/* The pieces under the last field's start. */
	for (k = 2; room >= 4 && k <= VIEW_WRAP_MAX; k++) {
		c = (tail + k - 1) / k;
		if ((c + 3) / 4 * 4 <= room && (tail + (c + 3) / 4 * 4 - 1) /
		    ((c + 3) / 4 * 4) <= k)
			c = (c + 3) / 4 * 4;
		if (c > room)
			continue;
		bw->cont = head;
		bw->width = head + c;
		for (int j = 0, a = t0; a < f->bits; j++, a += c) {
			bw->from[j] = j == 0 ? 0 : a;
			bw->to[j] = a + c < f->bits ? a + c : f->bits;
			bw->n = j + 1;
		}
		return;
	}
	/* The fields before it on the first line, the pieces below. */
	if (head - 1 > width)
		return;
	for (k = 1; k < VIEW_WRAP_MAX; k++) {
		c = (tail + k - 1) / k;
		if ((c + 3) / 4 * 4 <= width && (tail + (c + 3) / 4 * 4 - 1) /
		    ((c + 3) / 4 * 4) <= k)
			c = (c + 3) / 4 * 4;
		if (c > width)
			continue;
		bw->cont = 0;
		bw->from[0] = 0;
		bw->to[0] = t0;
		bw->width = head - 1 > c ? head - 1 : c;
		for (int j = 1, a = t0; a < f->bits; j++, a += c) {
			bw->from[j] = a;
			bw->to[j] = a + c < f->bits ? a + c : f->bits;
			bw->n = j + 1;
		}
		return;
	}
}

/* Bytes of q[0..left) on the next caption line of width columns:
 * broken at the last space that fits. */
static size_t
wrap_next(const char *q, size_t left, int width)
{
	size_t k = left;

	if (width < 1)
		return left;
	if (k > (size_t)width) {
		k = (size_t)width;
		while (k > 0 && q[k] != ' ')
			k--;
		if (k == 0)
			k = (size_t)width;
	}
	return k;
}

/* Lines the text p takes when wrapped at width (at most max). */
static int
text_lines(const char *p, int width, int max)
{
	int n = 0;

	for (; p != NULL && *p != '\0' && n < max;) {
		const char *nl = strchr(p, '\n');
		size_t left = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;

		do {
			size_t k = wrap_next(q, left, width);

			n++;
			q += k;
			left -= k;
			while (left > 0 && *q == ' ') {
				q++;
				left--;
			}
		} while (left > 0);
		p = nl ? nl + 1 : q;
	}
	return n < max ? n : max;
}

/* Lines the caption takes when wrapped at width (at most max). */
static int
caption_lines(const struct fpv_view *v, int width, int max)
{
	if (v->caption == NULL || width < 10)
		return 0;
	return text_lines(v->caption, width, max);
}

/* Delete the windows. */
void
view_windows_free(struct fpv_view *v)
{
	WINDOW **ws[] = { &v->wtop, &v->wbody, &v->wstatus, &v->winput };

	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
		if (*ws[i] != NULL) {
			delwin(*ws[i]);
			*ws[i] = NULL;
		}
}

/* Make the input window, which also reads the keys. */
static void
make_input(struct fpv_view *v, int y, int cols)
{
	v->winput = newwin(1, cols, y, 0);
	keypad(v->winput, TRUE);
	nodelay(v->winput, TRUE);
	untouchwin(v->winput);
}

/* The column where a row's bits start: after the marker, the longest
 * format name and a space (at least 8; 6 in the compact rows). */
static int
rows_x0(const struct fpv_view *v, bool narrow)
{
	int n = 0;

	for (int f = 0; f < view_ncols(v); f++) {
		int l = (int)strlen(view_format(v, f)->name);

		n = l > n ? l : n;
	}
	if (narrow)
		return n + 2 > 6 ? n + 2 : 6;
	return n + 3 > 8 ? n + 3 : 8;
}

/* Lines of the status line's message at cols columns (an error may take
 * up to three). */
static int
status_lines(const struct fpv_view *v, int cols)
{
	if (v->msgkind != MSG_ERROR)
		return 1;
	return text_lines(v->msg, cols - 2, 3) > 1 ?
	    text_lines(v->msg, cols - 2, 3) : 1;
}

/* Lines of the rows in the two-line layout: each format's bits (wrapped
 * within cols), its value line, and the exact row. */
static int
two_line_rows(const struct fpv_view *v, int x0, int cols)
{
	int n = 1;

	for (int f = 0; f < view_ncols(v); f++) {
		struct view_bitwrap bw;

		view_wrap_bits(view_format(v, f), cols - x0, &bw);
		n += bw.n + 1;
	}
	return n;
}

/* The most lines of the detail pane: a reduction's accumulator panel
 * has six (seven for Kahan's compensation), a block's four lines come
 * before the element's detail. */
static int
sub_rows(struct fpv_view *v)
{
	unsigned shown = view_shown(v);
	size_t k;

	if (shown & FPV_SHOWN_REDUCE)
		return view_acc(v, &k) != NULL &&
		    v->acc.order == FPV_ORDER_KAHAN ? 7 : 6;
	if (shown & FPV_SHOWN_BLOCKS)
		return DETAIL_SUB_MAX;
	return DETAIL_MAX;
}

/* Compute the layout and make the windows. */
void
view_layout(struct fpv_view *v)
{
	struct view_layout *L = &v->lay;
	int rows = LINES, cols = COLS, n = view_ncols(v), bw = 0, hw = 0;
	int avail, rem, capmax, x0, x1, bottom, dmax;

	view_windows_free(v);
	memset(L, 0, sizeof *L);
	L->rows = rows;
	L->cols = cols;
	v->dirty = (v->dirty & DIRTY_CLEAR) | DIRTY_TOP | DIRTY_BODY |
	    DIRTY_STATUS | DIRTY_INPUT;
	if (n == 0)
		n = 1;
	if (cols < VIEW_MIN_COLS || rows < VIEW_MIN_ROWS) {
		L->too_small = true;
		v->wbody = newwin(rows, cols, 0, 0);
		make_input(v, rows - 1, cols);
		return;
	}
	L->compact = cols < 72 || rows < 20;
	for (int f = 0; f < view_ncols(v); f++) {
		int b = view_bits_width(view_format(v, f));
		int h = 2 + (view_format(v, f)->bits + 3) / 4;

		bw = b > bw ? b : bw;
		hw = h > hw ? h : hw;
	}
	x0 = rows_x0(v, false);
	x1 = rows_x0(v, true);
	L->vec = view_vec(v) != NULL;
	L->sub = (view_shown(v) & SHOWN_SUB) != 0;
	dmax = sub_rows(v);
	L->status_rows = status_lines(v, cols);
	bottom = L->status_rows + 1;
	/* The step in words under the expression, but for a short compact
	 * screen, whose rows need the line more. */
	L->desc = !L->compact || rows >= 16;
	capmax = L->compact ? 2 : rows / 6 > 1 ? rows / 6 : 1;
	for (;;) {
		int two;

		L->caption_rows = caption_lines(v, cols - 2, capmax);
		L->top_rows = 2 + L->desc + L->caption_rows;
		avail = rows - L->top_rows - bottom;
		two = two_line_rows(v, x0, cols);
		if (v->d->big && cols >= VIEW_BIG_MIN_COLS &&
		    avail >= n + 1 + 2 + VIEW_BIG_MIN_ROWS) {
			/* The projector's layout: the other rows one line each,
			 * the selected one in large glyphs (view-big.c). */
			L->rowmode = ROW_BIG;
			L->fmt_rows = n + 1;
		} else if (L->compact) {
			/* Each row one line (two if its figures need them),
			 * the selected row's bits below. */
			L->rowmode = ROW_COMPACT;
			L->fmt_rows = avail - 1 < 2 * n + 1 ? avail - 1 : 2 * n + 1;
		} else if (cols >= x0 + bw + 2 + hw + 2 + WIDE_VALUE + 2 +
		    WIDE_ERROR + 2 + WIDE_FLAGS) {
			L->rowmode = ROW_WIDE;
			L->fmt_rows = n + 1;
		} else if (avail >= two + 2 + 3) {
			L->rowmode = ROW_TWO;
			L->fmt_rows = two;
		} else if (cols >= x0 + bw + 2 + ONE_VALUE + 2 + ONE_FIGURES) {
			L->rowmode = ROW_ONE;
			L->fmt_rows = n + 1;
		} else {
			/* Two lines a row, scrolled: what does not fit is
			 * reached with Tab. */
			L->rowmode = ROW_TWO;
			L->fmt_rows = two < avail - 2 ? two : avail - 2;
		}
		if (L->vec) {
			/* A vector: each row a strip and its figures, then
			 * the exact strip, the elements shown and the
			 * legend (draw_vec_rows); the rows scroll where
			 * they do not fit. */
			int want = 2 * n + 3;

			if (v->d->big && cols >= VIEW_BIG_MIN_COLS &&
			    avail >= want + 2 + VIEW_BIG_MIN_ROWS) {
				L->rowmode = ROW_BIG;
				L->fmt_rows = want;
			} else if (L->compact) {
				L->rowmode = ROW_COMPACT;
				L->fmt_rows = avail - 1 < want ? avail - 1 : want;
			} else {
				L->rowmode = ROW_ONE;
				L->fmt_rows = avail - 3 < want ? avail - 3 : want;
			}
		}
		if (avail >= L->fmt_rows + 1 || capmax == 0)
			break;
		capmax = L->caption_rows - 1 > 0 ? L->caption_rows - 1 : 0;
	}
	(void)x1;
	if (L->fmt_rows < 3 || avail < L->fmt_rows) {
		L->too_small = true;
		v->wbody = newwin(rows, cols, 0, 0);
		make_input(v, rows - 1, cols);
		return;
	}
	L->marks = !L->compact;
	rem = avail - L->fmt_rows;
	if (L->rowmode == ROW_BIG) {
		/* The large block takes what the rows leave (view-big.c
		 * plans it for the selected format at each frame). */
		L->sep1 = 1;
		L->big_rows = rem - L->sep1;
		rem = 0;
	} else if (L->rowmode == ROW_COMPACT) {
		/* The selected row's bits and the detail's first line
		 * under the rows (drawn where the rows end). */
		L->detail_rows = rem;
		rem = 0;
	} else {
		L->detail_rows = rem >= 1;
		rem -= L->detail_rows;
		L->sep1 = rem >= 1;
		rem -= L->sep1;
		L->sep2 = rem >= 1;
		rem -= L->sep2;
		int add = rem < dmax - L->detail_rows ? rem :
		    dmax - L->detail_rows;
		L->detail_rows += add;
		rem -= add;
		if (cols >= 150 && L->detail_rows > 0) {
			L->side_w = cols * 2 / 5 < 70 ? cols * 2 / 5 : 70;
			L->steps_rows = L->detail_rows + rem;
		} else if (rem >= 3) {
			L->sep3 = 1;
			L->steps_rows = rem - 1;
		}
	}
	L->body_rows = rows - L->top_rows - bottom;
	v->wtop = newwin(L->top_rows, cols, 0, 0);
	v->wbody = newwin(L->body_rows, cols, L->top_rows, 0);
	v->wstatus = newwin(L->status_rows, cols, L->top_rows + L->body_rows, 0);
	make_input(v, rows - 1, cols);
}

/* ---- The top: title, caption, expression, description ------------- */

/* Draw the title bar on line 0 of w: the program and the lesson on the
 * left; the step, the rounding mode and the rows' unusual settings on the
 * right, dropping the least needed when the line is short. */
static void
draw_title(struct fpv_view *v, WINDOW *w)
{
	const struct fpv_trace *t = view_trace(v);
	const struct fpv_ctx *c = &v->s->ctx;
	int cols = v->lay.cols, x, rw;
	char step[64], round[48], sets[96], right[256], left[256];

	step[0] = sets[0] = '\0';
	if (t != NULL)
		snprintf(step, sizeof step, "step %zu/%zu", v->step + 1,
		    t->nsteps);
	snprintf(round, sizeof round, v->lay.compact ? "%s" : "round: %s",
	    fpv_round_names[c->round]);
	/* The settings of the rows that are not their defaults. */
	for (int k = 0, n = 0; k < view_ncols(v); k++) {
		char set[160];
		int len;

		if (fpv_render_settings(view_format(v, k), true, set,
		    sizeof set) == 0)
			continue;
		len = snprintf(sets + n, sizeof sets - (size_t)n, "%s%s %s",
		    n ? "   " : "", view_format(v, k)->name, set);
		if (len < 0 || (size_t)(n + len) >= sizeof sets)
			break;
		n += len;
	}
	left[0] = '\0';
	if (v->lesson.on)
		snprintf(left, sizeof left, "  lesson %zu/%zu: %s",
		    v->lesson.slide + 1, v->lesson.nslides,
		    v->lesson.l.title ? v->lesson.l.title : v->lesson.l.name);
	/* The right part: drop the settings, then shorten the lesson's title. */
	for (int k = 0; k < 2; k++) {
		snprintf(right, sizeof right, "%s%s%s%s%s%s", step,
		    step[0] ? "   " : "", round, k == 0 && sets[0] ? "   " : "",
		    k == 0 ? sets : "", v->lay.rowmode == ROW_BIG ?
		    "   big" : "");
		rw = view_text_width(v, right, strlen(right));
		if (6 + (v->lesson.on ? 24 : 0) + rw + 2 <= cols)
			break;
	}
	view_setstyle(v, w, ST_TITLE);
	wmove(w, 0, 0);
	for (int i = 0; i < cols; i++)
		waddch(w, ' ');
	x = view_put(v, w, 0, 1, cols, ST_TITLE, "fpviz");
	if (left[0] != '\0')
		x = view_put_cut(v, w, 0, x, cols - rw - 3, ST_TITLE, left);
	view_put(v, w, 0, cols - rw - 1 > x + 1 ? cols - rw - 1 : x + 1, cols,
	    ST_TITLE, right);
}

/* Draw the wrapped caption from line y; returns the next line. */
static int
draw_caption(struct fpv_view *v, WINDOW *w, int y, int rows)
{
	int width = v->lay.cols - 2, end = y + rows;
	const char *p = v->caption;

	while (p != NULL && *p != '\0' && y < end) {
		const char *nl = strchr(p, '\n');
		size_t left = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;

		do {
			size_t k = wrap_next(q, left, width);

			if (y == end - 1 && (k < left || (nl && nl[1]))) {
				/* The last line: show that more was cut. */
				view_putn(v, w, y, 1, v->lay.cols - 2, ST_CAPTION, q, k);
				view_put(v, w, y, v->lay.cols - 2, v->lay.cols, ST_HINT,
				    v->utf8 ? "\xe2\x80\xa6" : "~");
				return end;
			}
			view_putn(v, w, y++, 1, v->lay.cols, ST_CAPTION, q, k);
			q += k;
			left -= k;
			while (left > 0 && *q == ' ') {
				q++;
				left--;
			}
		} while (left > 0 && y < end);
		p = nl ? nl + 1 : q + left;
	}
	return end;
}

/* Draw text wrapped at the window's width from column x (and one column
 * short of the right edge) from line y, in at most rows lines, the last
 * cut with an ellipsis if more is left; returns the lines drawn. */
static int
draw_wrapped(struct fpv_view *v, WINDOW *w, int y, int x, int rows,
    enum view_style st, const char *text)
{
	int width = v->lay.cols - x - 1, y0 = y, end = y + rows;
	const char *q = text;
	size_t left = strlen(text);

	while (left > 0 && y < end) {
		size_t k = wrap_next(q, left, width);

		if (y == end - 1 && k < left) {
			view_putn(v, w, y, x, v->lay.cols - 1, st, q, k);
			view_put(v, w, y, v->lay.cols - 1, v->lay.cols, ST_HINT,
			    v->utf8 ? "\xe2\x80\xa6" : "~");
			return y + 1 - y0;
		}
		view_putn(v, w, y++, x, v->lay.cols, st, q, k);
		q += k;
		left -= k;
		while (left > 0 && *q == ' ') {
			q++;
			left--;
		}
	}
	return y - y0;
}

/* Draw the expression with the step's span highlighted, and under it
 * the span's marks and the step in words. */
static void
draw_expression(struct fpv_view *v, WINDOW *w, int y)
{
	const struct fpv_trace *t = view_trace(v);
	int cols = v->lay.cols, x0 = v->lay.compact ? 1 : 7, avail = cols - x0;
	const char *src;
	size_t len, s0, s1, off = 0;

	if (!v->lay.compact)
		view_put(v, w, y, 1, cols, ST_LABEL, "expr");
	if (t == NULL) {
		view_put_cut(v, w, y, x0, cols, ST_HINT,
		    "type an expression below and press Enter (F1: help)");
		return;
	}
	src = t->ast.src;
	len = t->ast.len;
	s0 = t->ast.nodes[v->step].start;
	s1 = t->ast.nodes[v->step].end;
	if (s1 > len)
		s1 = len;
	if (s0 > s1)
		s0 = s1;
	if ((int)len > avail) {
		/* Scroll so that the span shows, with some context. */
		if ((int)s1 + 4 > avail)
			off = s1 + 4 - (size_t)avail;
		if (off > s0)
			off = s0 > 2 ? s0 - 2 : 0;
		if (len - off < (size_t)avail && len > (size_t)avail)
			off = len - (size_t)avail;
	}
	int x = x0;
	size_t end = off + (size_t)avail < len ? off + (size_t)avail : len;
	if (off < s0)
		x = view_putn(v, w, y, x, cols, ST_NORMAL, src + off,
		    (s0 < end ? s0 : end) - off);
	if (s0 < end && s1 > off) {
		size_t a = s0 > off ? s0 : off, b = s1 < end ? s1 : end;

		x = view_putn(v, w, y, x, cols, ST_SPAN, src + a, b - a);
	}
	if (s1 < end)
		view_putn(v, w, y, x, cols, ST_NORMAL, src + (s1 > off ? s1 : off),
		    end - (s1 > off ? s1 : off));
	if (off > 0)
		view_put(v, w, y, x0, cols, ST_HINT, v->utf8 ? "\xe2\x80\xa6" : "<");
	if (end < len)
		view_put(v, w, y, cols - 1, cols, ST_HINT,
		    v->utf8 ? "\xe2\x80\xa6" : ">");

	if (!v->lay.desc)
		return;
	/* The line under it: ^~~~ under the span, then the description. */
	const char *desc = view_step_desc(v, v->step);
	int dw = view_text_width(v, desc, strlen(desc));
	int mx0 = x0 + (int)(s0 > off ? s0 - off : 0);
	int mx1 = x0 + (int)((s1 < end ? s1 : end) - off);
	int dx;

	y++;
	if (v->lay.marks && mx1 > mx0) {
		wmove(w, y, mx0);
		view_setstyle(v, w, ST_SPANMARK);
		for (int i = mx0; i < mx1 && i < cols; i++)
			waddch(w, i == mx0 ? '^' : '~');
		if (mx1 + 2 + dw <= cols)
			dx = mx1 + 2;
		else if (dw + 2 <= mx0 - x0)
			dx = mx0 - 2 - dw;
		else
			dx = mx1 + 2 < cols - 10 ? mx1 + 2 : x0;
	} else {
		dx = x0;
	}
	if (dx == x0 && v->lay.marks && mx1 > mx0 && mx0 <= x0 + 1) {
		/* The marks start at the left: the words go after them. */
		dx = mx1 + 2 < cols ? mx1 + 2 : x0;
	}
	view_put_cut(v, w, y, dx, cols, ST_NORMAL, desc);
}

/* Draw the top window. */
static void
draw_top(struct fpv_view *v)
{
	WINDOW *w = v->wtop;
	int y = 1;

	werase(w);
	draw_title(v, w);
	if (v->lay.caption_rows > 0)
		y = draw_caption(v, w, y, v->lay.caption_rows);
	draw_expression(v, w, y);
	wnoutrefresh(w);
}

/* ---- The body: format rows, detail pane, step list ----------------- */

/* The style of bit i of format f. */
enum view_style
view_bit_style(const struct fpv_format *f, int i)
{
	switch (view_bit_field(f, i)) {
	case 0:
		return ST_SIGN;
	case 1:
		return f->kind == FPV_KIND_FLOAT ? ST_EXP : ST_IMAG;
	default:
		return ST_FRAC;
	}
}

/* Draw the bits [a, b) of format f from bin (digits) at (y, x), a space
 * between fields, styled by field; bit cursor (if >= 0) is the bit
 * editor's.  Returns the column after them. */
int
view_draw_bit_run(struct fpv_view *v, WINDOW *w, int y, int x,
    const struct fpv_format *f, const char *bin, int a, int b, int cursor)
{
	wmove(w, y, x);
	for (int i = a; i < b; i++) {
		if (i > a && view_field_start(f, i)) {
			view_setstyle(v, w, ST_NORMAL);
			waddch(w, ' ');
			x++;
		}
		view_setstyle(v, w, i == cursor ? ST_BITCUR : view_bit_style(f, i));
		waddch(w, (chtype)bin[i]);
		x++;
	}
	return x;
}

/* Draw the bits of f wrapped as bw says from (y, x); returns the column
 * after the last line's bits. */
int
view_draw_bits_wrapped(struct fpv_view *v, WINDOW *w, int y, int x,
    const struct fpv_format *f, const char *bin, const struct view_bitwrap *bw,
    int cursor)
{
	int end = x;

	for (int j = 0; j < bw->n; j++)
		end = view_draw_bit_run(v, w, y + j, x + (j > 0 ? bw->cont : 0), f,
		    bin, bw->from[j], bw->to[j], cursor);
	return end;
}

/*
 * Draw the bits of f on one line of width columns from x: all of them
 * where they fit, else a window of them that holds the bit cursor (or
 * the first bits), an ellipsis marking each side with more.
 */
static void
draw_bits_window(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    const struct fpv_format *f, const char *bin, int cursor)
{
	int total = view_bits_width(f), a = 0, b, cx;
	const char *ell = v->utf8 ? "\xe2\x80\xa6" : "~";

	if (total <= width) {
		view_draw_bit_run(v, w, y, x, f, bin, 0, f->bits, cursor);
		return;
	}
	/* The first bit shown: the cursor's column in the middle. */
	if (cursor > 0) {
		int col = view_bits_cols(f, 0, cursor + 1);

		while (a < cursor && view_bits_cols(f, a, cursor + 1) > width / 2 &&
		    col - view_bits_cols(f, 0, a) > width / 2)
			a++;
	}
	cx = x;
	if (a > 0)
		cx = view_put(v, w, y, cx, x + width, ST_HINT, ell);
	for (b = a; b < f->bits && cx + view_bits_cols(f, a, b + 1) + 1 <=
	    x + width - (b + 1 < f->bits); b++)
		;
	cx = view_draw_bit_run(v, w, y, cx, f, bin, a, b, cursor);
	if (b < f->bits)
		view_put(v, w, y, cx, x + width, ST_HINT, ell);
}

/* The accumulated error of a cell as text, in form lvl: 0 "abs A  rel R
 * N ulp", 1 without the relative error, 2 the ulps alone; "no error"
 * in each. */
void
view_error_text(const struct view_cell *c, int lvl, char *buf, size_t size)
{
	if (c->err_zero)
		snprintf(buf, size, "no error");
	else if (lvl <= 0)
		snprintf(buf, size, "abs %s  rel %s  %s ulp", c->abs, c->rel,
		    c->ulps);
	else if (lvl == 1)
		snprintf(buf, size, "abs %s  %s ulp", c->abs, c->ulps);
	else
		snprintf(buf, size, "%s ulp", c->ulps);
}

/*
 * Fit the error and the marker words of cell c, gap columns apart, into
 * room columns, least loss first: "inexact" goes beside a graver word
 * (which implies it), then the error loses its relative part, then all
 * but the ulps; then the words lose their details ("(3 bits)"), and at
 * last only the gravest stays.  The words are never cut while the error
 * can give way.
 */
void
view_fit_figures(const struct view_cell *c, int room, int gap,
    struct view_figures *fg)
{
	static const struct { int lvl, step; } order[] = {
		{ 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 2, 0 }, { 2, 1 },
		{ 2, 2 }, { 2, 3 },
	};
	int all = view_flag_words(c, fg->fw);

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int n = all, step = order[i].step;

		if (step >= 1 && n > 1 && fg->fw[n - 1].st == ST_M_INEXACT)
			n--;
		if (step >= 2)
			for (int k = 0; k < n; k++) {
				char *paren = strchr(fg->fw[k].word, '(');

				if (paren != NULL)
					*paren = '\0';
			}
		if (step >= 3)
			n = n > 0 ? 1 : 0;
		fg->nfw = n;
		fg->whole = step <= 1;
		fg->lvl = order[i].lvl;
		view_error_text(c, fg->lvl, fg->err, sizeof fg->err);
		fg->width = (int)strlen(fg->err) +
		    (n > 0 ? gap + view_flags_width(fg->fw, n) : 0);
		if (fg->width <= room) {
			fg->fits = true;
			return;
		}
	}
	fg->fits = false;
}

/* Do the figures show the absolute error (or that there is none) and
 * every word? */
bool
view_figures_full(const struct view_cell *c, const struct view_figures *fg)
{
	return fg->fits && fg->whole && (fg->lvl <= 1 || c->err_zero);
}

/* Draw the fitted figures from x (clipped at xmax). */
int
view_draw_figures(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    int gap, const struct view_figures *fg)
{
	x = view_put_cut(v, w, y, x, xmax, ST_NORMAL, fg->err);
	if (fg->nfw > 0)
		x = view_draw_flags(v, w, y, x + gap, xmax, fg->fw, fg->nfw);
	return x;
}

/* Draw the name column (marker, name from column nx) of a row; returns
 * its end.  A row a lesson highlights (hl) has a marker of its own
 * unless selected, and its name in its own style: both show in
 * monochrome too. */
static int
draw_name(struct fpv_view *v, WINDOW *w, int y, const char *name, bool sel,
    bool hl, int nx, int x0)
{
	if (sel)
		view_put(v, w, y, 0, x0, ST_SELECTED,
		    v->utf8 ? "\xe2\x96\xb6" : ">");
	else if (hl)
		view_put(v, w, y, 0, x0, ST_HIGHLIGHT,
		    v->utf8 ? "\xe2\x97\x86" : "*");
	view_put(v, w, y, nx, x0, hl ? ST_HIGHLIGHT : sel ? ST_SELECTED :
	    ST_LABEL, name);
	return x0;
}

/* What one format row takes in the shown layout. */
struct rowplan {
	struct view_bitwrap bw;	/* ROW_TWO: its bits */
	struct view_figures fg;	/* its error and words */
	int lines;
	bool hex1;		/* ROW_TWO: the hex after the bits (else none:
				 * the detail pane has it) */
	bool spill;		/* ROW_COMPACT: the figures on a second line */
};

/* The widths the rows share: the name column, the bits, the hex and the
 * values. */
struct rowcols {
	int nx, x0, bw, hw, vw, hx;
	int ew;			/* ROW_WIDE: the widest error */
	int xf;			/* ROW_COMPACT, ROW_BIG: the figures' column
				 * when they all fit in one, else 0 */
};

/*
 * Plan the rows of the current step in the layout's mode: each row's
 * lines, the form of its figures, where its hex goes.  ROW_COMPACT rows
 * take a second line for their figures where the first has no room for
 * the absolute error, if all the rows then fit in max lines, else only
 * where not even the ulps fit.  Returns the lines of all the rows.
 */
static int
plan_rows(struct fpv_view *v, struct rowplan *p, struct rowcols *rc, int max)
{
	const struct view_layout *L = &v->lay;
	int n = view_ncols(v), cols = L->cols, total = 0;
	bool compact = L->rowmode == ROW_COMPACT || L->rowmode == ROW_BIG;

	memset(rc, 0, sizeof *rc);
	memset(p, 0, (size_t)n * sizeof *p);
	rc->x0 = rows_x0(v, compact && cols < 60);
	rc->nx = compact && cols < 60 ? 1 : 2;
	rc->vw = 5;
	for (int f = 0; f < n; f++) {
		const struct view_cell *c = &v->cells[f];
		int b = view_bits_width(view_format(v, f)), h = (int)strlen(c->hex);
		int vl = view_text_width(v, c->val, strlen(c->val));

		rc->bw = b > rc->bw ? b : rc->bw;
		rc->hw = h > rc->hw ? h : rc->hw;
		rc->vw = vl > rc->vw ? vl : rc->vw;
	}
	if (L->rowmode == ROW_TWO) {
		/* The hex after the last line of bits, in one column for
		 * the rows where it fits there. */
		int last[FPV_COLUMNS_MAX], lw = 0;

		for (int f = 0; f < n; f++) {
			struct view_bitwrap *bw = &p[f].bw;
			const struct fpv_format *F = view_format(v, f);

			view_wrap_bits(F, cols - rc->x0, bw);
			last[f] = (bw->n > 1 ? bw->cont : 0) +
			    view_bits_cols(F, bw->from[bw->n - 1], bw->to[bw->n - 1]);
		}
		for (;;) {
			int worst = -1;

			lw = 0;
			for (int f = 0; f < n; f++)
				if (last[f] >= 0 && last[f] > lw)
					lw = last[f];
			for (int f = 0; f < n; f++)
				if (last[f] >= 0 && rc->x0 + lw + 2 +
				    (int)strlen(v->cells[f].hex) > cols &&
				    (worst < 0 || last[f] > last[worst]))
					worst = f;
			if (worst < 0)
				break;
			last[worst] = -1;
		}
		rc->hx = rc->x0 + lw + 2;
		for (int f = 0; f < n; f++)
			p[f].hex1 = last[f] >= 0;
	}
	for (int f = 0; f < n; f++) {
		const struct view_cell *c = &v->cells[f];
		struct rowplan *r = &p[f];
		int xv = rc->x0, room;

		switch (L->rowmode) {
		case ROW_WIDE:
			view_fit_figures(c, cols - (rc->x0 + rc->bw + 2 + rc->hw + 2 +
			    (rc->vw > WIDE_VALUE ? rc->vw : WIDE_VALUE) + 2), 2,
			    &r->fg);
			if ((int)strlen(r->fg.err) > rc->ew)
				rc->ew = (int)strlen(r->fg.err);
			r->lines = 1;
			break;
		case ROW_ONE:
			xv = rc->x0 + rc->bw + 2;
			view_fit_figures(c, cols - (xv + rc->vw + 2), 2, &r->fg);
			r->lines = 1;
			break;
		case ROW_TWO:
			room = cols - (xv + rc->vw + 2);
			view_fit_figures(c, room, 2, &r->fg);
			r->lines = r->bw.n + 1;
			break;
		case ROW_COMPACT:
		case ROW_BIG:
			if (f == 0) {
				/* The figures in a column where all of them
				 * fit there whole. */
				rc->xf = rc->x0 + rc->vw + 2;
				for (int k = 0; k < n && rc->xf > 0; k++) {
					view_fit_figures(&v->cells[k], cols - rc->xf,
					    2, &r->fg);
					if (!view_figures_full(&v->cells[k], &r->fg))
						rc->xf = 0;
				}
			}
			if (rc->xf > 0) {
				view_fit_figures(c, cols - rc->xf, 2, &r->fg);
				r->lines = 1;
				break;
			}
			room = cols - (xv + view_text_width(v, c->val,
			    strlen(c->val)) + 1);
			view_fit_figures(c, room, 1, &r->fg);
			r->spill = L->rowmode == ROW_COMPACT &&
			    !view_figures_full(c, &r->fg);
			r->lines = 1 + r->spill;
			break;
		}
		total += r->lines;
	}
	if (L->rowmode == ROW_COMPACT && total + 1 > max) {
		/* Too many second lines: keep those whose figures do not fit
		 * the first line at all. */
		total = 0;
		for (int f = 0; f < n; f++) {
			struct rowplan *r = &p[f];

			r->spill = r->spill && !r->fg.fits;
			r->lines = 1 + r->spill;
			total += r->lines;
		}
	}
	if (L->rowmode == ROW_COMPACT)
		for (int f = 0; f < n; f++)
			if (p[f].spill)
				view_fit_figures(&v->cells[f], cols - rc->x0, 2,
				    &p[f].fg);
	return total;
}

/* Draw format row f (its plan p) from line y. */
static void
draw_row(struct fpv_view *v, WINDOW *w, int y, int f, const struct rowplan *p,
    const struct rowcols *rc)
{
	const struct view_layout *L = &v->lay;
	const struct fpv_format *F = view_format(v, f);
	const struct view_cell *c = &v->cells[f];
	bool sel = f == v->sel;
	int cur = sel && v->be.on ? v->be.cur : -1, cols = L->cols, x;
	int x0 = rc->x0;

	draw_name(v, w, y, F->name, sel, (v->highlight >> f & 1) != 0,
	    rc->nx, x0);
	switch (L->rowmode) {
	case ROW_WIDE:
		view_draw_bit_run(v, w, y, x0, F, c->bin, 0, F->bits, cur);
		x = x0 + rc->bw + 2;
		view_put(v, w, y, x, cols, ST_HEX, c->hex);
		x += rc->hw + 2;
		view_put(v, w, y, x, cols, ST_VALUE, c->val);
		x += (rc->vw > WIDE_VALUE ? rc->vw : WIDE_VALUE) + 2;
		/* the words in a column of their own */
		view_put(v, w, y, x, cols, ST_NORMAL, p->fg.err);
		x += (rc->ew > WIDE_ERROR ? rc->ew : WIDE_ERROR) + 2;
		view_draw_flags(v, w, y, x, cols, p->fg.fw, p->fg.nfw);
		break;
	case ROW_ONE:
		view_draw_bit_run(v, w, y, x0, F, c->bin, 0, F->bits, cur);
		x = x0 + rc->bw + 2;
		view_put(v, w, y, x, cols, ST_VALUE, c->val);
		view_draw_figures(v, w, y, x + rc->vw + 2, cols, 2, &p->fg);
		break;
	case ROW_TWO:
		view_draw_bits_wrapped(v, w, y, x0, F, c->bin, &p->bw, cur);
		if (p->hex1)
			view_put(v, w, y + p->bw.n - 1, rc->hx, cols, ST_HEX, c->hex);
		y += p->bw.n;
		view_put(v, w, y, x0, cols, ST_VALUE, c->val);
		view_draw_figures(v, w, y, x0 + rc->vw + 2, cols, 2, &p->fg);
		break;
	case ROW_COMPACT:
	case ROW_BIG:
		x = view_put(v, w, y, x0, cols, ST_VALUE, c->val);
		if (rc->xf > 0)
			view_draw_figures(v, w, y, rc->xf, cols, 2, &p->fg);
		else if (p->spill)
			view_draw_figures(v, w, y + 1, x0, cols, 2, &p->fg);
		else
			view_draw_figures(v, w, y, x + 1, cols, 1, &p->fg);
		break;
	}
}

/* The style of a cell's error class (ORDER ECLS). */
static const enum view_style ecls_style[ECLS_COUNT] = {
	ST_E_EXACT, ST_E_HALF, ST_E_ONE, ST_E_MORE
};

/* The legend's words for the classes (ORDER ECLS), in UTF-8 and ASCII. */
static const char *const ecls_words[2][ECLS_COUNT] = {
	{ "exact", "<=1/2 ulp", "<=1 ulp", ">1 ulp" },
	{ "exact", "\xe2\x89\xa4\xc2\xbd ulp", "\xe2\x89\xa4" "1 ulp",
	  ">1 ulp" },
};

/* The marks of saturated and underflowed cells (enum view_emark). */
static const char *
emark_text(const struct fpv_view *v, enum view_emark m)
{
	switch (m) {
	case EMARK_SATURATED:
		return v->utf8 ? "\xe2\x87\xa1" : "^";
	case EMARK_UNDERFLOW:
		return v->utf8 ? "\xe2\x8c\x84" : "_";
	case EMARK_NONE:
		break;
	}
	return " ";
}

/* The columns of a vector's strip cells: the mark, tw columns of text,
 * a space. */
static int
vec_text_width(const struct fpv_view *v, int room)
{
	int tw = 0;

	if (!v->cellhex)
		return room / 10 >= 4 ? 8 : 6;
	for (int f = 0; f < view_ncols(v); f++) {
		int h = 2 + (view_format(v, f)->bits + 3) / 4;

		tw = h > tw ? h : tw;
	}
	return tw + 2 > room ? (room > 3 ? room - 2 : 1) : tw;
}

/* Draw one strip of cells (row f, or the exact values when f < 0) on
 * line y from x0: elements [a, b) of the shown vector. */
static void
draw_strip(struct fpv_view *v, WINDOW *w, int y, int x0, int f, size_t a,
    size_t b, int tw)
{
	int cw = tw + 2, xmax = v->lay.cols;

	for (size_t j = a; j < b; j++) {
		struct view_elem e;
		int x = x0 + (int)(j - a) * cw;
		enum view_style st;

		if (f >= 0)
			view_elem_cell(v, f, j, tw, &e);
		else
			view_elem_exact(v, j, tw, &e);
		if (e.mark != EMARK_NONE)
			view_put(v, w, y, x, xmax, e.mark == EMARK_SATURATED ?
			    ST_M_OVERFLOW : ST_M_UNDERFLOW, emark_text(v, e.mark));
		st = f < 0 ? ST_EXACT : ecls_style[e.cls];
		if (j == v->elem)
			st = f == v->sel ? ST_SELECTED : ST_CURSTEP;
		view_put_cut(v, w, y, x + 1, x + 1 + tw < xmax ? x + 1 + tw :
		    xmax, st, e.text);
	}
}

/*
 * Draw the rows of a vector step from line y in at most max lines:
 * each row a strip of cells (its elements from v->eltop, as many as the
 * width holds) and its per-tensor figures; the exact strip; the
 * elements shown with the selected one's exact value; the legend where
 * a line is left.  Rows that do not fit scroll as scalar rows do.
 * Returns the line after them.
 */
static int
draw_vec_rows(struct fpv_view *v, WINDOW *w, int y, int max)
{
	const struct view_layout *L = &v->lay;
	const struct fpv_vec *vec = view_vec(v);
	bool narrow = (L->rowmode == ROW_COMPACT || L->rowmode == ROW_BIG) &&
	    L->cols < 60;
	int n = view_ncols(v), cols = L->cols, x0 = rows_x0(v, narrow);
	int nx = narrow ? 1 : 2, tw = vec_text_width(v, cols - x0), ncell;
	int first = 0, last = n, shown, x;
	size_t a, b;
	bool legend, more;
	char buf[224];

	ncell = (cols - x0) / (tw + 2);
	if (ncell < 1)
		ncell = 1;
	/* The strip follows the selected element. */
	if (v->elem < v->eltop)
		v->eltop = v->elem;
	if (v->elem >= v->eltop + (size_t)ncell)
		v->eltop = v->elem - (size_t)ncell + 1;
	if (v->eltop + (size_t)ncell > vec->n)
		v->eltop = vec->n > (size_t)ncell ? vec->n - (size_t)ncell : 0;
	a = v->eltop;
	b = a + (size_t)ncell < vec->n ? a + (size_t)ncell : vec->n;
	/* Rows: all with the legend, all without it, or scrolled. */
	legend = max >= 2 * n + 3;
	more = max < 2 * n + 2;
	shown = n;
	if (more) {
		shown = (max - 3) / 2 > 1 ? (max - 3) / 2 : 1;
		if (v->rowtop > v->sel)
			v->rowtop = v->sel;
		if (v->rowtop + shown <= v->sel)
			v->rowtop = v->sel - shown + 1;
		if (v->rowtop + shown > n)
			v->rowtop = n - shown;
		if (v->rowtop < 0)
			v->rowtop = 0;
		first = v->rowtop;
		last = first + shown;
	} else {
		v->rowtop = 0;
	}
	for (int f = first; f < last; f++) {
		draw_name(v, w, y, view_format(v, f)->name, f == v->sel,
		    (v->highlight >> f & 1) != 0, nx, x0);
		draw_strip(v, w, y, x0, f, a, b, tw);
		view_put_cut(v, w, y + 1, x0 + 1, cols, ST_HINT, v->vfigs[f]);
		y += 2;
	}
	if (more) {
		const char *up = v->utf8 ? "\xe2\x86\x91" : "^";
		const char *down = v->utf8 ? "\xe2\x86\x93" : "v";

		if (first > 0 && last < n)
			snprintf(buf, sizeof buf, "%s %d more above, %s %d "
			    "below (Tab)", up, first, down, n - last);
		else
			snprintf(buf, sizeof buf, "%s %d more row%s %s (Tab)",
			    first > 0 ? up : down, first > 0 ? first : n - last,
			    (first > 0 ? first : n - last) == 1 ? "" : "s",
			    first > 0 ? "above" : "below");
		view_put_cut(v, w, y++, x0, cols, ST_HINT, buf);
	}
	view_put(v, w, y, nx, cols, ST_LABEL, "exact");
	draw_strip(v, w, y, x0, -1, a, b, tw);
	y++;
	/* The elements shown, the selected one and its exact value. */
	snprintf(buf, sizeof buf, "elements %zu%s%zu of %zu", a,
	    v->utf8 ? "\xe2\x80\x93" : "-", b > a ? b - 1 : a, vec->n);
	x = view_put(v, w, y, x0 + 1, cols, ST_HINT, buf);
	snprintf(buf, sizeof buf, "[%zu] exact ", v->elem);
	if (x + 2 + (int)strlen(buf) + 4 <= cols) {
		x = view_put(v, w, y, x + 2, cols, ST_LABEL, buf);
		view_put_cut(v, w, y, x, cols, ST_EXACT, v->exact);
	}
	y++;
	if (legend) {
		x = x0 + 1;
		for (int k = 0; k < ECLS_COUNT; k++) {
			const char *word = ecls_words[v->utf8][k];

			if (x + view_text_width(v, word, strlen(word)) > cols)
				break;
			x = view_put(v, w, y, x, cols, ecls_style[k], word) + 2;
		}
		for (int m = EMARK_SATURATED; m <= EMARK_UNDERFLOW; m++) {
			const char *word = m == EMARK_SATURATED ?
			    "saturated" : "underflowed to 0";

			if (x + 2 + (int)strlen(word) > cols)
				break;
			x = view_put(v, w, y, x, cols, m == EMARK_SATURATED ?
			    ST_M_OVERFLOW : ST_M_UNDERFLOW, emark_text(v, m));
			x = view_put(v, w, y, x + 1, cols, ST_HINT, word) + 2;
		}
		y++;
	}
	return y;
}

/*
 * Draw the format rows and the exact row from line y in at most max
 * lines; returns the line after them.  When the rows do not all fit,
 * those around the selected one are shown, and a line above the exact
 * row says how many more there are above and below.
 */
static int
draw_rows(struct fpv_view *v, WINDOW *w, int y, int max)
{
	const struct view_layout *L = &v->lay;
	struct rowplan p[FPV_COLUMNS_MAX];
	struct rowcols rc;
	int n = view_ncols(v), total, first = 0, last = n, used = 0, xv;

	if (view_vec(v) != NULL)
		return draw_vec_rows(v, w, y, max);
	total = plan_rows(v, p, &rc, max);
	if (total + 1 > max && max >= 2) {
		/* Scrolled: the rows from v->rowtop, moved as little as
		 * keeps the selected row in sight. */
		int room = max - 2;

		if (v->rowtop > v->sel)
			v->rowtop = v->sel;
		for (;;) {
			int h = 0, k;

			for (k = v->rowtop; k < n && h + p[k].lines <= room; k++)
				h += p[k].lines;
			if (k > v->sel || v->rowtop >= v->sel)
				break;
			v->rowtop++;
		}
		if (v->rowtop < 0 || v->rowtop >= n)
			v->rowtop = 0;
		first = v->rowtop;
		for (last = first, used = 0; last < n &&
		    used + p[last].lines <= room; last++)
			used += p[last].lines;
		if (last == first) {
			/* Not even the selected row fits whole: its lines
			 * from the top. */
			last = first + 1;
		}
	} else {
		v->rowtop = 0;
	}
	used = 0;
	for (int f = first; f < last; f++) {
		draw_row(v, w, y + used, f, &p[f], &rc);
		used += p[f].lines;
	}
	y += used;
	if (first > 0 || last < n) {
		char more[96];

		const char *up = v->utf8 ? "\xe2\x86\x91" : "^";
		const char *down = v->utf8 ? "\xe2\x86\x93" : "v";

		if (first > 0 && last < n)
			snprintf(more, sizeof more, "%s %d more above, %s %d "
			    "below (Tab)", up, first, down, n - last);
		else
			snprintf(more, sizeof more, "%s %d more row%s %s (Tab)",
			    first > 0 ? up : down, first > 0 ? first : n - last,
			    (first > 0 ? first : n - last) == 1 ? "" : "s",
			    first > 0 ? "above" : "below");
		view_put_cut(v, w, y++, rc.x0, L->cols, ST_HINT, more);
	}
	/* The exact row, its value where the values are. */
	xv = rc.x0;
	if (L->rowmode == ROW_WIDE)
		xv = rc.x0 + rc.bw + 2 + rc.hw + 2;
	else if (L->rowmode == ROW_ONE)
		xv = rc.x0 + rc.bw + 2;
	view_put(v, w, y, rc.nx, L->cols, ST_LABEL, "exact");
	view_put_cut(v, w, y, xv > rc.nx + 6 ? xv : rc.nx + 6, L->cols, ST_EXACT,
	    v->exact);
	return y + 1;
}

/* Draw a separator line with an optional title. */
void
view_draw_sep(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    const char *title, enum view_style st, const char *more)
{
	view_rule(v, w, y, x, width);
	if (title == NULL)
		return;
	int tx = view_put(v, w, y, x + 2, x + width, ST_NORMAL, " ");
	tx = view_put(v, w, y, tx, x + width, st, title);
	if (more != NULL && more[0] != '\0') {
		tx = view_put(v, w, y, tx, x + width, ST_NORMAL, "  ");
		tx = view_put_cut(v, w, y, tx, x + width - 1, ST_NORMAL, more);
	}
	view_put(v, w, y, tx, x + width, ST_NORMAL, " ");
}

/* A neighbour on the detail pane's "next" line: "down 0.1 (0x2e66)",
 * and the gap after it; returns the column after that. */
static int
put_neighbour(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    const char *label, const char *val, const char *hex)
{
	x = view_put(v, w, y, x, xmax, ST_HINT, label);
	x = view_put(v, w, y, x, xmax, ST_NORMAL, val);
	x = view_put(v, w, y, x + 1, xmax, ST_HEX, "(");
	x = view_put(v, w, y, x, xmax, ST_HEX, hex);
	x = view_put(v, w, y, x, xmax, ST_HEX, ")");
	return x + 3;
}

/* Draw the detail pane's lines from y (rows lines, width columns from
 * x); the title is on the separator above when there is one. */
void
view_draw_detail(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    int rows)
{
	const struct view_detail *dt = &v->det;
	const struct fpv_format *F = view_format(v, v->sel);
	int xmax, lx, end, cx, n;

	if (rows <= 0)
		return;
	/* A reduction: its accumulator step instead; a block
	 * quantization: the element's block first. */
	if ((view_shown(v) & FPV_SHOWN_REDUCE) &&
	    view_draw_acc(v, w, y, x, width, rows) > 0)
		return;
	if (view_quant(v) != NULL &&
	    (n = view_draw_block(v, w, y, x, width, rows)) > 0) {
		y += n;
		rows -= n;
		if (rows <= 0)
			return;
	}
	xmax = x + width;
	lx = x + 10;
	end = y + rows;
	int lx1 = lx;

	if (v->lay.rowmode == ROW_COMPACT ||
	    (!v->lay.sep2 && v->lay.rowmode != ROW_BIG)) {
		/* One line: name, then the kept | dropped bits. */
		cx = view_put(v, w, y, x + 1, xmax, ST_SELECTED, F->name);
		lx1 = cx + 1;
	} else {
		view_put(v, w, y, x + 1, xmax, ST_LABEL, "exact");
	}
	/* exact: lead kept|dropped... scale */
	if (dt->plain[0] != '\0') {
		view_put_cut(v, w, y, lx1, xmax, ST_NORMAL, dt->plain);
	} else {
		cx = view_put(v, w, y, lx1, xmax, ST_NORMAL, dt->lead);
		cx = view_put(v, w, y, cx, xmax, ST_KEPT, dt->kept);
		if (dt->dropped[0] != '\0' || dt->more) {
			int sw = (int)strlen(dt->scale);
			int dmax = xmax - sw - 2 > cx + 4 ? xmax - sw - 2 : xmax;

			cx = view_put(v, w, y, cx, xmax, ST_SPANMARK, "|");
			cx = view_putn(v, w, y, cx, dmax, ST_DROPPED, dt->dropped,
			    strlen(dt->dropped));
			if (dt->more || cx >= dmax)
				cx = view_put(v, w, y, cx, xmax, ST_HINT,
				    v->utf8 ? "\xe2\x80\xa6" : "...");
		}
		view_put(v, w, y, cx, xmax, ST_HINT, dt->scale);
	}
	if (++y >= end)
		return;
	/* stored: the kept significand as stored, and its hex */
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "stored");
	if (dt->stored[0] != '\0' || dt->stored_lead[0] != '\0') {
		cx = view_put(v, w, y, lx, xmax, ST_NORMAL, dt->stored_lead);
		cx = view_put(v, w, y, cx, xmax, ST_KEPT, dt->stored);
		cx = view_put(v, w, y, cx, xmax, ST_HINT, dt->stored_scale);
		cx = view_put(v, w, y, cx + 2, xmax, ST_NORMAL, "= ");
		cx = view_put(v, w, y, cx, xmax, ST_HEX, v->cells[v->sel].hex);
	} else {
		cx = view_put(v, w, y, lx, xmax, ST_HEX, v->cells[v->sel].hex);
	}
	if (dt->what[0] != '\0' && !v->lay.sep2 &&
	    v->lay.rowmode != ROW_BIG) {
		cx = view_put(v, w, y, cx + 2, xmax, ST_NORMAL, "");
		view_put_cut(v, w, y, cx, xmax, ST_NORMAL, dt->what);
	}
	if (++y >= end)
		return;
	/* decimal: the stored value exactly; where that does not fit, the
	 * value as the row shows it and the exact decimal's length */
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "decimal");
	if (dt->dec == NULL ||
	    lx + view_text_width(v, dt->dec, strlen(dt->dec)) <= xmax) {
		view_put_cut(v, w, y, lx, xmax, ST_VALUE, dt->dec ? dt->dec : "");
	} else {
		char more[64];

		cx = view_put(v, w, y, lx, xmax, ST_VALUE, v->cells[v->sel].val);
		snprintf(more, sizeof more, "  (exactly: %zu significant "
		    "digits)", dt->dec_digits);
		view_put_cut(v, w, y, cx, xmax, ST_HINT, more);
	}
	if (++y >= end)
		return;
	/* neighbours and ulp */
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "next");
	cx = lx;
	if (dt->has_down)
		cx = put_neighbour(v, w, y, cx, xmax, "down ", dt->down_val,
		    dt->down_hex);
	if (dt->has_up)
		cx = put_neighbour(v, w, y, cx, xmax, "up ", dt->up_val,
		    dt->up_hex);
	if (!dt->has_down && !dt->has_up)
		cx = view_put(v, w, y, cx, xmax, ST_HINT, "none   ");
	if (dt->ulp[0] != '\0') {
		cx = view_put(v, w, y, cx, xmax, ST_HINT, "ulp ");
		view_put_cut(v, w, y, cx, xmax, ST_NORMAL, dt->ulp);
	}
	if (++y >= end)
		return;
	view_put(v, w, y, x + 1, xmax, ST_LABEL, "error");
	view_put_cut(v, w, y, lx, xmax, ST_NORMAL, dt->total +
	    (strncmp(dt->total, "total error: ", 13) == 0 ? 13 : 0));
}

/* The most severe marker of step i in the selected format, or NULL. */
static const char *
step_marker(struct fpv_view *v, const struct fpv_trace *t, size_t i,
    enum view_style *st)
{
	static struct view_flagword fw[16];
	struct view_cell c;
	int n;

	const struct fpv_vec *vec = fpv_trace_vec(t, i);

	memset(&c, 0, sizeof c);
	if (vec != NULL) {
		/* A vector: the flags of its elements in the row. */
		for (size_t j = 0; j < vec->n; j++)
			c.flags |= vec->flags[(size_t)v->sel * vec->n + j];
		c.cls = FPV_CLASS_NORMAL;
	} else {
		c.flags = fpv_trace_cells(t, i)[v->sel].flags;
		c.cancelled = fpv_trace_cells(t, i)[v->sel].cancelled;
		c.cls = fpv_bits_class(view_format(v, v->sel),
		    fpv_trace_cells(t, i)[v->sel].bits);
	}
	n = view_flag_words(&c, fw);
	if (n == 0 || (n == 1 && fw[0].st == ST_M_INEXACT))
		return NULL;
	*st = fw[0].st;
	return fw[0].word;
}

/* Draw the step list (rows lines at y, x; width columns). */
static void
draw_steps(struct fpv_view *v, WINDOW *w, int y, int x, int width, int rows)
{
	const struct fpv_trace *t = view_trace(v);
	size_t first = 0, n;
	int xmax = x + width;

	if (t == NULL || rows <= 0)
		return;
	n = t->nsteps;
	if (n > (size_t)rows) {
		/* Keep the current step in view, a little below the top. */
		size_t want = v->step > (size_t)rows / 3 ? v->step - (size_t)rows / 3 : 0;

		first = want + (size_t)rows > n ? n - (size_t)rows : want;
	}
	for (size_t i = first; i < n && (int)(i - first) < rows; i++) {
		int yy = y + (int)(i - first), cx;
		bool cur = i == v->step;
		enum view_style base = cur ? ST_CURSTEP : ST_NORMAL, mst;
		char num[32];
		const char *mk = step_marker(v, t, i, &mst);

		snprintf(num, sizeof num, "%3zu ", i + 1);
		if (cur) {
			view_setstyle(v, w, ST_CURSTEP);
			wmove(w, yy, x);
			for (int k = x; k < xmax; k++)
				waddch(w, ' ');
		}
		cx = view_put(v, w, yy, x, xmax, cur ? ST_CURSTEP : ST_HINT, num);
		int mw = mk ? (int)strlen(mk) + 1 : 0;
		cx = view_put_cut(v, w, yy, cx, xmax - mw, base, view_step_desc(v, i));
		if (mk != NULL)
			view_put(v, w, yy, xmax - mw + 1 > cx + 1 ? xmax - mw + 1 : cx + 1,
			    xmax, mst, mk);
	}
}

/* Draw the overlay (help or command output) over the body. */
static void
draw_overlay(struct fpv_view *v, WINDOW *w)
{
	int rows = v->lay.body_rows, cols = v->lay.cols, y = 1, line = 0;
	const char *p = v->ovtext;

	view_setstyle(v, w, ST_TITLE);
	wmove(w, 0, 0);
	for (int i = 0; i < cols; i++)
		waddch(w, ' ');
	view_put(v, w, 0, 1, cols, ST_TITLE, v->ov == OV_HELP ?
	    "Help: keys and commands" : "Output");
	view_put(v, w, 0, cols - 28 > 20 ? cols - 28 : 20, cols, ST_TITLE,
	    "Esc closes, PgUp/PgDn scroll");
	for (; p != NULL && *p != '\0' && y < rows; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line >= v->ovscroll) {
			int x = 1;

			/* Marker words in their own style (help only). */
			for (size_t i = 0; i < len;) {
				size_t j = i;

				while (j < len && p[j] != ' ')
					j++;
				enum view_style st = ST_NORMAL;
				if (v->ov == OV_HELP && y > 0) {
					static const struct { const char *w;
					    enum view_style st; } mk[] = {
						{ "overflow", ST_M_OVERFLOW },
						{ "underflow", ST_M_UNDERFLOW },
						{ "subnormal", ST_M_SUBNORMAL },
						{ "absorbed", ST_M_ABSORBED },
						{ "cancellation", ST_M_CANCEL },
						{ "invalid", ST_M_INVALID },
						{ "divbyzero", ST_M_DIVZERO },
						{ "saturated", ST_M_SATURATED },
						{ "wrapped", ST_M_WRAPPED },
						{ "nan", ST_M_NAN },
						{ "inf", ST_M_INF },
						{ "inexact", ST_M_INEXACT },
					};
					bool listing = strncmp(p, "  overflow", 10) == 0 ||
					    strncmp(p, "  saturated", 11) == 0;

					for (size_t k = 0; listing &&
					    k < sizeof mk / sizeof mk[0]; k++)
						if (strlen(mk[k].w) == j - i &&
						    memcmp(mk[k].w, p + i, j - i) == 0)
							st = mk[k].st;
				}
				x = view_putn(v, w, y, x, cols, st, p + i, j - i);
				i = j;
				while (i < len && p[i] == ' ') {
					x = view_put(v, w, y, x, cols, ST_NORMAL, " ");
					i++;
				}
			}
			y++;
		}
		p += len + (nl != NULL);
	}
}

/*
 * The screen before the first result: examples (a cast of the narrowest
 * float row inside the widest, when there are two) and what fpviz does,
 * naming the rows.
 */
static void
draw_welcome(struct fpv_view *v, WINDOW *w, int y)
{
	const struct view_layout *L = &v->lay;
	const struct fpv_format *narrow = NULL, *wide = NULL;
	char cast[128], rows[256], what[320];
	size_t n = 0;
	int k, cols = L->cols;

	for (k = 0; k < view_ncols(v); k++) {
		const struct fpv_format *f = view_format(v, k);

		if (f->kind != FPV_KIND_FLOAT)
			continue;
		if (narrow == NULL || f->prec < narrow->prec)
			narrow = f;
		if (wide == NULL || f->prec > wide->prec)
			wide = f;
	}
	if (narrow != NULL && wide != NULL && narrow != wide)
		snprintf(cast, sizeof cast, "    1/3                "
		    "%s(%s(0.1) * %s(3))", wide->name, narrow->name,
		    narrow->name);
	else
		snprintf(cast, sizeof cast, "    1/3                "
		    "sqrt(2)^2 - 2");
	rows[0] = '\0';
	for (k = 0; k < view_ncols(v) && n < sizeof rows; k++) {
		int wn = snprintf(rows + n, sizeof rows - n, "%s%s",
		    k == 0 ? "" : k + 1 == view_ncols(v) ? " and " : ", ",
		    view_format(v, k)->name);

		if (wn < 0)
			break;
		n += (size_t)wn;
	}
	snprintf(what, sizeof what, "fpviz evaluates it in %s at once,", rows);
	if (cols < 64) {
		/* Narrow: an example a line, the words wrapped. */
		char para[1024];
		const char *const ex[] = {
			"0.1 + 0.2", "(1e4 + 1e-4) - 1e4", "65504 * 2",
			"1e-8 * 1e-8", "1/3", cast + 23, NULL
		};

		if (L->sep1)
			view_rule(v, w, y++, 0, cols);
		y += draw_wrapped(v, w, y, 2, L->body_rows - y, ST_LABEL,
		    "Type an expression and press Enter, for example:");
		for (int i = 0; ex[i] && y < L->body_rows; i++)
			view_put_cut(v, w, y++, 4, cols, ST_NORMAL, ex[i]);
		snprintf(para, sizeof para, "%s rounding after every "
		    "operation, and shows every step: PgUp/PgDn step through "
		    "it, Tab picks a format, F1 shows every key and command, "
		    ":lesson list lists the lessons.", what);
		if (y + 1 < L->body_rows)
			draw_wrapped(v, w, y + 1, 2, L->body_rows - y - 1,
			    ST_NORMAL, para);
		return;
	}
	{
		const char *const lines[] = {
			"Type an expression and press Enter, for example:",
			"",
			"    0.1 + 0.2          (1e4 + 1e-4) - 1e4",
			"    65504 * 2          1e-8 * 1e-8",
			cast,
			"",
			what,
			"rounding after every operation, and shows every step:",
			"PgUp/PgDn step through it, Tab picks a format, F1 shows",
			"every key and command, :lesson list lists the lessons.",
			NULL
		};

		if (L->sep1)
			view_rule(v, w, y++, 0, cols);
		for (int i = 0; lines[i] && y < L->body_rows; i++)
			view_put(v, w, y++, 2, cols, i == 0 ? ST_LABEL : ST_NORMAL,
			    lines[i]);
	}
}

/* The parts of the body under the rows. */
struct lower {
	int sep2, detail_rows, side_w, sep3, steps_rows;
	bool what;		/* what happened, on the detail's title */
};

/* Draw the detail pane and the step list from line y as lo says. */
static void
draw_lower(struct fpv_view *v, WINDOW *w, int y, const struct lower *lo)
{
	int cols = v->lay.cols;
	int dw = lo->side_w ? cols - lo->side_w - 1 : cols;

	if (lo->sep2) {
		char title[128];

		bool acc = (view_shown(v) & FPV_SHOWN_REDUCE) &&
		    view_acc(v, &(size_t){ 0 }) != NULL;

		if (acc)
			snprintf(title, sizeof title, "%s accumulator: %s, %s",
			    view_format(v, v->sel)->name, v->acc.acc->name,
			    fpv_order_names[v->acc.order]);
		else if (view_vec(v) != NULL)
			snprintf(title, sizeof title, "%s [%zu] detail:",
			    view_format(v, v->sel)->name, v->elem);
		else
			snprintf(title, sizeof title, "%s detail:",
			    view_format(v, v->sel)->name);
		if (!lo->what && !acc)
			title[strlen(title) - 1] = '\0';
		view_draw_sep(v, w, y, 0, dw, title, ST_LABEL, NULL);
		/* what happened and this step's loss, after the title */
		int tx = 2 + 1 + (int)strlen(title) + 1;
		if (lo->what && !acc) {
			tx = view_put(v, w, y, tx, dw - 1, ST_NORMAL,
			    v->det.what);
			if (v->det.loss[0] != '\0') {
				tx = view_put(v, w, y, tx, dw - 1, ST_NORMAL,
				    ", ");
				tx = view_put_cut(v, w, y, tx, dw - 1,
				    ST_NORMAL, v->det.loss);
			}
			view_put(v, w, y, tx, dw, ST_NORMAL, " ");
		}
		if (lo->side_w)
			view_draw_sep(v, w, y, dw, cols - dw, "steps", ST_LABEL,
			    NULL);
		y++;
	}
	view_draw_detail(v, w, y, 0, dw, lo->detail_rows);
	if (lo->side_w) {
		for (int i = 0; i < lo->steps_rows; i++) {
			if (v->utf8) {
				view_put(v, w, y + i, dw, cols, ST_SEP,
				    "\xe2\x94\x82");
				continue;
			}
			wmove(w, y + i, dw);
			wvline(w, ACS_VLINE | v->attr[ST_SEP] |
			    COLOR_PAIR(v->pair[ST_SEP]), 1);
		}
		draw_steps(v, w, y, dw + 2, cols - dw - 2, lo->steps_rows);
	} else {
		y += lo->detail_rows;
		if (lo->sep3) {
			view_draw_sep(v, w, y++, 0, cols, "steps", ST_LABEL,
			    NULL);
			draw_steps(v, w, y, 1, cols - 1, lo->steps_rows);
		}
	}
}

/*
 * The compact body: the rows (value, error, words), the exact row, then
 * the selected row's bits (wrapped by field where the lines are there,
 * else a window of them that follows the bit cursor) and as much of the
 * detail pane as fits.
 */
static void
draw_body_compact(struct fpv_view *v, WINDOW *w)
{
	const struct view_layout *L = &v->lay;
	const struct fpv_format *F = view_format(v, v->sel);
	const struct view_cell *c = &v->cells[v->sel];
	struct rowplan p[FPV_COLUMNS_MAX];
	struct rowcols rc;
	struct view_bitwrap bw;
	int y = 0, body = L->body_rows, cols = L->cols, x0, need;
	int cur = v->be.on ? v->be.cur : -1;

	need = plan_rows(v, p, &rc, body - 1) + 1;
	if (view_vec(v) != NULL)
		need = 2 * view_ncols(v) + 3;
	if (need + 2 <= body)
		view_rule(v, w, y++, 0, cols);
	y = draw_rows(v, w, y, body - y - 1);
	if (y >= body)
		return;
	x0 = rc.x0;
	view_put(v, w, y, 1, x0, ST_LABEL, "bits");
	view_wrap_bits(F, cols - x0, &bw);
	if (bw.n > 1 && y + bw.n <= body - (body - y > bw.n + 1)) {
		view_draw_bits_wrapped(v, w, y, x0, F, c->bin, &bw, cur);
		y += bw.n;
	} else {
		draw_bits_window(v, w, y, x0, cols - x0, F, c->bin, cur);
		y++;
	}
	if (y < body)
		view_draw_detail(v, w, y, 0, cols, body - y);
}

/* Draw the body window. */
static void
draw_body(struct fpv_view *v)
{
	const struct view_layout *L = &v->lay;
	WINDOW *w = v->wbody;
	int y = 0, cols = L->cols;

	werase(w);
	if (v->ov != OV_NONE) {
		draw_overlay(v, w);
		wnoutrefresh(w);
		return;
	}
	if (view_trace(v) == NULL) {
		draw_welcome(v, w, y);
		wnoutrefresh(w);
		return;
	}
	view_prepare(v);
	if (L->rowmode == ROW_COMPACT) {
		draw_body_compact(v, w);
		wnoutrefresh(w);
		return;
	}
	if (L->rowmode == ROW_BIG) {
		view_rule(v, w, y++, 0, cols);
		y = draw_rows(v, w, y, L->fmt_rows);
		view_draw_big(v, w, y, L->big_rows);
		wnoutrefresh(w);
		return;
	}
	if (L->sep1)
		view_rule(v, w, y++, 0, cols);
	y = draw_rows(v, w, y, L->fmt_rows);
	{
		struct lower lo = { L->sep2, L->detail_rows, L->side_w,
		    L->sep3, L->steps_rows, true };

		draw_lower(v, w, y, &lo);
	}
	wnoutrefresh(w);
}

/* The detail pane in rows lines from line y of w, with the step list
 * beside it (wide screens) or below it, as far as the lines go. */
void
view_draw_lower(struct fpv_view *v, WINDOW *w, int y, int rows)
{
	struct lower lo;
	int cols = v->lay.cols, rem;

	memset(&lo, 0, sizeof lo);
	if (rows < 2)
		return;
	lo.sep2 = 1;
	{
		int dmax = sub_rows(v);

		lo.detail_rows = rows - 1 < dmax ? rows - 1 : dmax;
	}
	rem = rows - 1 - lo.detail_rows;
	if (cols >= 150) {
		lo.side_w = cols * 2 / 5 < 70 ? cols * 2 / 5 : 70;
		lo.steps_rows = rows - 1;
	} else if (rem >= 3) {
		lo.sep3 = 1;
		lo.steps_rows = rem - 1;
	}
	draw_lower(v, w, y, &lo);
}

/* ---- Status and input lines ----------------------------------------- */

/* Draw key hints (key, what) from x while they fit; returns the end. */
static int
draw_hints(struct fpv_view *v, WINDOW *w, int x, const char *const (*h)[2],
    size_t n)
{
	int cols = v->lay.cols;

	for (size_t i = 0; i < n; i++) {
		int need = view_text_width(v, h[i][0], strlen(h[i][0])) + 1 +
		    (int)strlen(h[i][1]) + 2;

		if (x + need > cols)
			break;
		x = view_put(v, w, 0, x, cols, ST_KEY, h[i][0]);
		x = view_put(v, w, 0, x + 1, cols, ST_HINT, h[i][1]);
		x += 2;
	}
	return x;
}

/* The status line of the bit editor: the bit under the cursor ("fp16
 * bit 15: sign") and its keys, or the hex prompt's keys. */
static void
draw_bitedit_status(struct fpv_view *v, WINDOW *w)
{
	static const char *const keys[][2] = {
		{ "\xe2\x86\x90/\xe2\x86\x92", "move" }, { "Space", "toggle" },
		{ "e", "hex" }, { "Tab", "row" }, { "Esc", "done" },
	};
	static const char *const keys_ascii[][2] = {
		{ "Left/Right", "move" }, { "Space", "toggle" },
		{ "e", "hex" }, { "Tab", "row" }, { "Esc", "done" },
	};
	static const char *const hexkeys[][2] = {
		{ "Enter", "applies" }, { "Esc", "cancels" },
	};
	const struct fpv_format *F = view_format(v, v->sel);
	int cols = v->lay.cols, i = v->be.cur, k = F->bits - 1 - i, x;
	char what[96];

	x = view_put(v, w, 0, 1, cols, ST_SELECTED, " bit edit ");
	if (v->be.hex) {
		snprintf(what, sizeof what, "%s in hex, %d digits",
		    F->name, (F->bits + 3) / 4);
		x = view_put(v, w, 0, x + 1, cols, ST_NORMAL, what);
		draw_hints(v, w, x + 2, hexkeys, 2);
		return;
	}
	{
		/* i counts from the sign bit (or, unsigned, from bit 1). */
		int j = F->sign ? i : i + 1;

		if (F->kind == FPV_KIND_FLOAT)
			snprintf(what, sizeof what, "%s bit %d: %s", F->name,
			    k, j == 0 ? "sign" : j <= F->exp_bits ?
			    "exponent" : "fraction");
		else if (j == 0)
			snprintf(what, sizeof what, "%s bit %d: sign (-%llu)",
			    F->name, k, 1ULL << k);
		else
			snprintf(what, sizeof what, "%s bit %d: +%llu", F->name,
			    k, 1ULL << k);
	}
	x = view_put(v, w, 0, x + 1, cols, ST_NORMAL, what);
	draw_hints(v, w, x + 2, v->utf8 ? keys : keys_ascii, 5);
}

/* Draw the status line: the message, or the key hints. */
static void
draw_status(struct fpv_view *v)
{
	WINDOW *w = v->wstatus;
	int cols = v->lay.cols, x = 1;
	static const char *const hints[][2] = {
		{ "PgDn/PgUp", "step" },
		{ "\xe2\x86\x92/\xe2\x86\x90/Space", "step (empty line)" },
		{ "Tab", "format" },
		{ "F2", "bits" },
		{ "F1", "help" },
		{ "^D", "quit" },
	};
	/* On a vector: the arrows select its elements. */
	static const char *const vhints[][2] = {
		{ "PgDn/PgUp", "step" },
		{ "\xe2\x86\x90/\xe2\x86\x92", "element" },
		{ "F3", "hex" },
		{ "Tab", "format" },
		{ "F1", "help" },
		{ "^D", "quit" },
	};
	/* On a reduction: its accumulator's steps; on a block
	 * quantization: its elements and blocks. */
	static const char *const rhints[][2] = {
		{ "PgDn/PgUp", "step" },
		{ "\xe2\x86\x90/\xe2\x86\x92", "accumulator" },
		{ "\xe2\x87\xa7\xe2\x86\x90/\xe2\x86\x92", "flags change" },
		{ "Tab", "format" },
		{ "F1", "help" },
		{ "^D", "quit" },
	};
	static const char *const bhints[][2] = {
		{ "PgDn/PgUp", "step" },
		{ "\xe2\x86\x90/\xe2\x86\x92", "element" },
		{ "\xe2\x87\xa7\xe2\x86\x90/\xe2\x86\x92", "block" },
		{ "F3", "hex" },
		{ "Tab", "format" },
		{ "F1", "help" },
		{ "^D", "quit" },
	};
	unsigned shown = view_shown(v);
	bool vec = view_vec(v) != NULL, red = (shown & FPV_SHOWN_REDUCE) != 0;
	bool blk = (shown & FPV_SHOWN_BLOCKS) != 0;
	const char *const (*h)[2] = blk ? bhints : red ? rhints : vec ?
	    vhints : hints;
	size_t nh = blk ? sizeof bhints / sizeof bhints[0] : red ?
	    sizeof rhints / sizeof rhints[0] : vec ?
	    sizeof vhints / sizeof vhints[0] : sizeof hints / sizeof hints[0];

	werase(w);
	if (v->msgkind != MSG_NONE) {
		enum view_style st = v->msgkind == MSG_ERROR ? ST_ERROR :
		    v->msgkind == MSG_WARN ? ST_WARN : ST_INFO;

		if (v->lay.status_rows > 1)
			draw_wrapped(v, w, 0, 1, v->lay.status_rows, st, v->msg);
		else
			view_put_cut(v, w, 0, 1, cols, st, v->msg);
	} else if (v->ov != OV_NONE) {
		x = view_put(v, w, 0, x, cols, ST_KEY, "Esc");
		x = view_put(v, w, 0, x, cols, ST_HINT, " close  ");
		x = view_put(v, w, 0, x, cols, ST_KEY, "PgUp/PgDn");
		view_put(v, w, 0, x, cols, ST_HINT, " scroll");
	} else if (v->be.on) {
		draw_bitedit_status(v, w);
	} else {
		for (size_t i = 0; i < nh; i++) {
			const char *k = h[i][0];

			if (i == 1 && !v->utf8)
				k = vec || red ? "Left/Right" :
				    "Right/Left/Space";
			if (i == 2 && !v->utf8 && (red || blk))
				k = "Shift-Left/Right";
			if (v->lay.compact && !vec && !red && (i == 1 || i == 2))
				continue;
			int need = view_text_width(v, k, strlen(k)) + 1 +
			    (int)strlen(h[i][1]) + 2;
			if (x + need > cols)
				break;
			x = view_put(v, w, 0, x, cols, ST_KEY, k);
			x = view_put(v, w, 0, x + 1, cols, ST_HINT, h[i][1]);
			x += 2;
		}
	}
	wnoutrefresh(w);
}

/* Column of byte offset off in the input line. */
static size_t
input_col(const struct fpv_view *v, size_t off)
{
	return (size_t)view_text_width(v, v->input ? v->input : "", off);
}

/* Draw the input line into w with the cursor at the point. */
static void
draw_input_in(struct fpv_view *v, WINDOW *w)
{
	int cols = v->lay.cols;
	const char *in = v->input ? v->input : "";
	int pw = view_text_width(v, v->prompt, strlen(v->prompt));
	int avail = cols - pw - 1;
	size_t pcol = input_col(v, v->point), i = 0, col = 0;
	int x;

	if (v->be.on && v->be.hex) {
		char prompt[48];

		snprintf(prompt, sizeof prompt, "%s bits: 0x",
		    view_format(v, v->sel)->name);
		werase(w);
		x = view_put(v, w, 0, 0, cols, ST_KEY, prompt);
		x = view_put(v, w, 0, x, cols, ST_NORMAL, v->be.hexbuf);
		wmove(w, 0, x < cols ? x : cols - 1);
		return;
	}
	if (avail < 1)
		avail = 1;
	if (pcol < v->inscroll)
		v->inscroll = pcol;
	if (pcol >= v->inscroll + (size_t)avail)
		v->inscroll = pcol - (size_t)avail + 1;
	werase(w);
	x = view_put(v, w, 0, 0, cols, ST_KEY, v->prompt);
	/* Skip to the first shown column. */
	while (i < v->inputlen && col < v->inscroll) {
		size_t k = 1;

		while (v->utf8 && i + k < v->inputlen &&
		    ((unsigned char)in[i + k] & 0xc0) == 0x80)
			k++;
		col += (size_t)view_text_width(v, in + i, k);
		i += k;
	}
	view_putn(v, w, 0, x, cols, ST_NORMAL, in + i, v->inputlen - i);
	wmove(w, 0, pw + (int)(pcol - v->inscroll));
}

/* Draw the input line with the cursor at the point. */
static void
draw_input(struct fpv_view *v)
{
	draw_input_in(v, v->winput);
}

/*
 * Is the line that failed on the input line, unchanged, under its error
 * message?  Then the input line moves up a line (over the status line)
 * and the line below it marks the error's column with a caret.
 */
static bool
caret_mode(const struct fpv_view *v)
{
	int cols = v->lay.cols, cx, mw;

	if (!(v->failed != NULL && v->msgkind == MSG_ERROR && !v->be.on &&
	    v->input != NULL && v->inputlen == strlen(v->failed) &&
	    memcmp(v->input, v->failed, v->inputlen) == 0 &&
	    v->failed_off <= v->inputlen && v->lay.status_rows == 1))
		return false;
	/* The message whole on the caret's row, after the caret or before
	 * it; else it keeps its status lines (the cursor still at the
	 * column). */
	cx = view_text_width(v, v->prompt, strlen(v->prompt)) +
	    (int)input_col(v, v->failed_off) - (int)v->inscroll;
	if (cx >= cols)
		cx = cols - 1;
	mw = view_text_width(v, v->msg, strlen(v->msg));
	return cx + 2 + mw <= cols || mw + 1 <= cx - 1;
}

/*
 * The failed line on the status line's row, and on the input line's a
 * caret under the error's column with the message after it (before it
 * when it does not fit after); the cursor stays on the line.
 */
static void
draw_caret(struct fpv_view *v)
{
	WINDOW *w = v->winput;
	int cols = v->lay.cols;
	int pw = view_text_width(v, v->prompt, strlen(v->prompt));
	int cx, mw = view_text_width(v, v->msg, strlen(v->msg));

	/* Drawing the line sets inscroll, which places the caret. */
	werase(v->wstatus);
	draw_input_in(v, v->wstatus);
	cx = pw + (int)input_col(v, v->failed_off) - (int)v->inscroll;
	if (cx >= cols)
		cx = cols - 1;
	werase(w);
	view_put(v, w, 0, cx, cols, ST_ERROR, "^");
	if (cx + 2 + mw <= cols)
		view_put(v, w, 0, cx + 2, cols, ST_ERROR, v->msg);
	else
		view_put(v, w, 0, cx - 1 - mw, cx - 1, ST_ERROR, v->msg);
	wnoutrefresh(w);
	/* Last: the terminal's cursor is the line's. */
	draw_input_in(v, v->wstatus);
	wnoutrefresh(v->wstatus);
}

/* Draw the "terminal too small" screen. */
static void
draw_too_small(struct fpv_view *v)
{
	WINDOW *w = v->wbody;
	char need[64];
	int rows = v->lay.rows, cols = v->lay.cols;
	const char *msg = "terminal too small";

	werase(w);
	snprintf(need, sizeof need, "need %dx%d, have %dx%d", VIEW_MIN_COLS,
	    VIEW_MIN_ROWS, cols, rows);
	int y = rows / 2 - 1 > 0 ? rows / 2 - 1 : 0;
	int x = (cols - (int)strlen(msg)) / 2;
	view_put(v, w, y, x > 0 ? x : 0, cols, ST_ERROR, msg);
	if (y + 1 < rows) {
		x = (cols - (int)strlen(need)) / 2;
		view_put(v, w, y + 1, x > 0 ? x : 0, cols, ST_NORMAL, need);
	}
	wnoutrefresh(w);
}

/* Draw what is dirty and update the terminal. */
void
view_draw(struct fpv_view *v)
{
	/* An error message's lines are part of the layout, and so is
	 * whether the shown step is a vector. */
	if (!v->lay.too_small && v->lay.cols > 0 &&
	    (status_lines(v, v->lay.cols) != v->lay.status_rows ||
	    v->lay.vec != (view_vec(v) != NULL) ||
	    v->lay.sub != ((view_shown(v) & SHOWN_SUB) != 0)))
		v->dirty |= DIRTY_LAYOUT;
	if (v->dirty & DIRTY_LAYOUT) {
		v->dirty &= ~DIRTY_LAYOUT;
		view_layout(v);
	}
	if (v->dirty & DIRTY_CLEAR) {
		clearok(curscr, TRUE);
		v->dirty |= DIRTY_TOP | DIRTY_BODY | DIRTY_STATUS | DIRTY_INPUT;
	}
	if (v->lay.too_small) {
		if (v->dirty) {
			draw_too_small(v);
			/* the input line still takes keys: it shows */
			if (v->lay.rows >= 3) {
				draw_input(v);
				wnoutrefresh(v->winput);
			}
			curs_set(v->lay.rows >= 3);
			doupdate();
		}
		v->dirty = 0;
		return;
	}
	/* The caret under a failed line takes the status line's row. */
	if (caret_mode(v) != v->caret_shown) {
		v->caret_shown = !v->caret_shown;
		v->dirty |= DIRTY_STATUS | DIRTY_INPUT;
	}
	if (v->dirty == 0)
		return;
	if (v->dirty & DIRTY_TOP)
		draw_top(v);
	if (v->dirty & DIRTY_BODY)
		draw_body(v);
	if (v->caret_shown) {
		draw_caret(v);
	} else {
		if (v->dirty & DIRTY_STATUS)
			draw_status(v);
		/* The input line last: the cursor stays where it leaves it. */
		draw_input(v);
		wnoutrefresh(v->winput);
	}
	/* The bit editor shows its own cursor over the bits. */
	curs_set(v->be.on && !v->be.hex ? 0 : 1);
	doupdate();
	v->dirty = 0;
}
