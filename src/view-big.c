/*
 * The projector layout (fpviz --big, :set big on): under the format
 * rows, which view-draw.c draws one line each, a block for the selected
 * format: its value, its bits and the exact value in large glyphs
 * (fpviz/glyphs.h), each as large as fits, the marker words beside the
 * value (large too where they fit: in capitals, in a font not doubled)
 * and the error under it; then the
 * detail pane and the step list in what is left.
 *
 * Sizes.  A text is drawn in one of five sizes, smallest first: normal
 * text, the big font (3 rows), the tall font (4 rows), and each font
 * doubled (6 and 8 rows: every pixel two columns wide and a whole cell
 * tall, drawn with full blocks), the font for a width chosen by
 * fpv_glyph_fit.  The value comes first: the exact value is never drawn
 * larger than the value, so the two compare at a glance.
 *
 * Nothing is told by colour alone.  The bits' fields stand a wide gap
 * apart and are named on a line under them ("sign", "exponent",
 * "fraction"); a long fraction is cut into groups of four bits, counted
 * from its last bit as the hexadecimal digits are, a narrow gap apart,
 * and wraps by group onto more lines.  The markers are words.
 *
 * Graceful at any size: where a text has no font that fits its width it
 * is drawn as normal text, and where the lines run short the blank lines
 * go first, then the largest size shrinks (of equal ones the exact
 * value's first, the value's last), the detail pane keeping six lines
 * where that shrinks no text.  The block is planned anew at each frame:
 * the texts change with the step and the selection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fpviz/glyphs.h"
#include "fpviz/view-impl.h"

/* The widest rendering drawn, in columns (doubled included). */
#define BIG_COLS 1024
/* The label column: "exact", "bits", a format's name. */
#define LABEL_W 9
/* Columns between the value and the words beside it, and between words. */
#define VALUE_GAP 6
#define WORD_GAP 4
/* Spaces between the fields of the bits (a space is one column and a
 * glyph's gap); a fraction longer than GROUP_MIN bits is grouped. */
#define FIELD_GAP 2
#define GROUP_MIN 12
/* Characters of one line of bits: bits, gaps and spaces. */
#define BITS_CHARS 160
/* Lines of bits at most. */
#define BITS_LINES 16
/* Lines kept for the detail pane while the block fits without them. */
#define LOWER_KEEP 6

/* The sizes, smallest first (ORDER SIZE: sizes[]). */
enum size { SZ_TEXT, SZ_BIG, SZ_TALL, SZ_BIG2, SZ_TALL2, SZ_COUNT };

/* ORDER SIZE */
static const struct {
	enum fpv_glyph_font font;
	int scale;
} sizes[SZ_COUNT] = {
	{ FPV_GLYPH_NONE, 1 }, { FPV_GLYPH_BIG, 1 }, { FPV_GLYPH_TALL, 1 },
	{ FPV_GLYPH_BIG, 2 }, { FPV_GLYPH_TALL, 2 },
};

/* A text rendered in large glyphs, line by line. */
struct rendering {
	char buf[2 * FPV_GLYPH_MAX_ROWS][FPV_GLYPH_LINE_SIZE(BIG_COLS)];
	char *lines[2 * FPV_GLYPH_MAX_ROWS];
	int rows, width;
};

/* One line of the bits as a glyph text: its characters and, for each,
 * the bit it shows (-1: a gap). */
struct bitline {
	char text[BITS_CHARS];
	int bit[BITS_CHARS];
	int n;
};

/* The bits of the selected format laid out in one size. */
struct bitplan {
	enum size size;
	struct bitline line[BITS_LINES];
	int nlines;
	int rows;		/* terminal rows, the field names included */
	struct view_bitwrap bw;	/* SZ_TEXT: the bits wrapped by field */
};

/* The whole block. */
struct bigplan {
	enum size vsize, esize, wsize;	/* value, exact value, words */
	int nwords;		/* the words drawn in wsize */
	int vwidth;
	struct bitplan bits;
	int gaps;		/* blank lines between the parts (0-3) */
};

/* The glyph flags for v: ASCII where the locale is not UTF-8. */
static unsigned
glyph_flags(const struct fpv_view *v, unsigned flags)
{
	return flags | (v->utf8 ? 0 : FPV_GLYPH_ASCII);
}

/* Terminal rows of size sz (doubled: all pixel rows but the last, the
 * descenders', which values and bits do not use). */
static int
size_rows(enum size sz)
{
	if (sz == SZ_TEXT)
		return 1;
	return sizes[sz].scale == 1 ? fpv_glyph_rows(sizes[sz].font) :
	    2 * fpv_glyph_rows(sizes[sz].font) * sizes[sz].scale / 2 - 1;
}

/* Bytes of the longest prefix of text whose characters all have glyphs
 * (the fonts share one set). */
static size_t
drawable(const char *text)
{
	const char *set = fpv_glyph_charset();
	const unsigned char *p = (const unsigned char *)text;

	while (*p != '\0') {
		size_t k = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		char one[5];

		if (k == 0 || strnlen((const char *)p, k) < k)
			break;
		memcpy(one, p, k);
		one[k] = '\0';
		if (strstr(set, one) == NULL)
			break;
		p += k;
	}
	return (size_t)((const char *)p - text);
}

/* Columns of text in size sz (glyph flags flags). */
static int
size_width(const struct fpv_view *v, enum size sz, const char *text,
    unsigned flags)
{
	if (sz == SZ_TEXT)
		return view_text_width(v, text, strlen(text));
	return fpv_glyph_width(sizes[sz].font, text, glyph_flags(v, flags)) *
	    sizes[sz].scale;
}

/* The largest size, at most max, for text within cols columns and rows
 * rows: for each scale, the font fpv_glyph_fit chooses. */
static enum size
fit(const struct fpv_view *v, const char *text, unsigned flags, int cols,
    int rows, enum size max)
{
	if (cols > BIG_COLS)
		cols = BIG_COLS;
	for (int scale = 2; scale >= 1; scale--) {
		enum fpv_glyph_font f = fpv_glyph_fit(text,
		    glyph_flags(v, flags), cols / scale, rows / scale);

		for (int sz = max; f != FPV_GLYPH_NONE && sz > SZ_TEXT; sz--)
			if (sizes[sz].scale == scale && sizes[sz].font <= f)
				return (enum size)sz;
	}
	return SZ_TEXT;
}

/* Is the cell c (the bytes [a, b) of a rendered line) lit in its upper
 * and lower halves? */
static void
cell_pixels(const char *c, size_t n, bool *up, bool *down)
{
	*up = *down = false;
	if (n == 3 && memcmp(c, "\xe2\x96", 2) == 0) {
		*up = c[2] == '\x80' || c[2] == '\x88';
		*down = c[2] == '\x84' || c[2] == '\x88';
	} else if (n == 1) {
		*up = c[0] == '"' || c[0] == '#';
		*down = c[0] == '_' || c[0] == '#';
	}
}

/* Render text in size sz (not SZ_TEXT) into r; returns its width or -1.
 * Doubled: each cell of the font's rendering becomes two columns on
 * two rows, each half of it a whole cell; the last pixel row (the
 * descenders') is left out. */
static int
render(const struct fpv_view *v, struct rendering *r, enum size sz,
    const char *text, unsigned flags)
{
	static char base[FPV_GLYPH_MAX_ROWS][FPV_GLYPH_LINE_SIZE(BIG_COLS)];
	char *bl[FPV_GLYPH_MAX_ROWS];
	const char *full = v->utf8 ? "\xe2\x96\x88" : "#";
	int rows = fpv_glyph_rows(sizes[sz].font), width;

	for (int i = 0; i < 2 * FPV_GLYPH_MAX_ROWS; i++) {
		r->lines[i] = r->buf[i];
		r->buf[i][0] = '\0';
	}
	if (sizes[sz].scale == 1) {
		r->rows = rows;
		r->width = fpv_glyph_render(sizes[sz].font, text,
		    glyph_flags(v, flags), r->lines, sizeof r->buf[0]);
		return r->width;
	}
	for (int i = 0; i < FPV_GLYPH_MAX_ROWS; i++)
		bl[i] = base[i];
	width = fpv_glyph_render(sizes[sz].font, text, glyph_flags(v, flags),
	    bl, sizeof base[0]);
	if (width < 0 || 2 * width > BIG_COLS)
		return -1;
	for (int i = 0; i < rows; i++) {
		char *up = r->buf[2 * i], *down = r->buf[2 * i + 1];
		size_t a = 0, b;

		for (int col = 0; col < width; col++, a = b) {
			bool u, d;

			b = a + ((unsigned char)bl[i][a] >= 0x80 ? 3 : 1);
			cell_pixels(bl[i] + a, b - a, &u, &d);
			for (int k = 0; k < 2; k++) {
				strcpy(up, u ? full : " ");
				up += strlen(up);
				strcpy(down, d ? full : " ");
				down += strlen(down);
			}
		}
	}
	r->rows = size_rows(sz);
	r->width = 2 * width;
	return r->width;
}

/* The characters of a rendered line, one a column (spaces and block
 * elements, or their ASCII stand-ins), into wc; returns the columns. */
static int
decode_line(const char *line, wchar_t *wc, int max)
{
	const unsigned char *p = (const unsigned char *)line;
	int n = 0;

	while (*p != '\0' && n < max) {
		/* U+2580..U+25BF: E2 96 80..BF */
		if (p[0] == 0xe2 && p[1] == 0x96 && p[2] != '\0') {
			wc[n++] = (wchar_t)(0x2580 + (p[2] & 0x3f));
			p += 3;
		} else {
			wc[n++] = (wchar_t)*p++;
		}
	}
	return n;
}

/* Write the columns [a, b) of a decoded line at (y, x + a) of w in style
 * st, clipped before column xmax: the cells set directly, no text to
 * convert. */
static void
put_cells(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const wchar_t *wc, int a, int b)
{
	static cchar_t cells[BIG_COLS];
	int n = 0;

	if (x + b > xmax)
		b = xmax - x;
	if (b > a + BIG_COLS)
		b = a + BIG_COLS;
	if (b <= a || y < 0)
		return;
	for (int i = a; i < b; i++) {
		wchar_t one[2] = { wc[i], 0 };

		setcchar(&cells[n++], one, v->attr[st], v->pair[st], NULL);
	}
	mvwadd_wchnstr(w, y, x + a, cells, n);
}

/*
 * Draw text in size sz at (y, x) in style st: the part with glyphs
 * large, what follows it (characters without a glyph) as normal text
 * after it.  Returns the column after it, and in *ink the first row
 * with ink (for the label beside it).
 */
static int
draw_text(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum size sz, const char *text, enum view_style st, int *ink)
{
	static struct rendering r;
	char head[256];
	size_t k = drawable(text);

	*ink = 0;
	if (sz == SZ_TEXT || k == 0)
		return view_put_cut(v, w, y, x, xmax, st, text);
	snprintf(head, sizeof head, "%.*s", (int)k, text);
	if (render(v, &r, sz, head, 0) < 0)
		return view_put_cut(v, w, y, x, xmax, st, text);
	for (int i = 0; i < r.rows; i++) {
		static wchar_t wc[BIG_COLS];
		int n = decode_line(r.lines[i], wc, BIG_COLS);

		put_cells(v, w, y + i, x, xmax, st, wc, 0, n);
	}
	/* the first row with ink: small letters leave the top blank */
	while (*ink + 1 < r.rows && r.lines[*ink][strspn(r.lines[*ink], " ")] ==
	    '\0')
		(*ink)++;
	if (text[k] != '\0')
		return view_put_cut(v, w, y + *ink, x + r.width + 2, xmax, st,
		    text + k);
	return x + r.width;
}

/* ---- The bits ----------------------------------------------------- */

/* The first bit of f's last field (the fraction), or f->bits. */
static int
tail_start(const struct fpv_format *f)
{
	int t = f->bits;

	while (t > 1 && !view_field_start(f, t - 1))
		t--;
	return t > 1 ? t - 1 : f->bits;
}

/* Add character c showing bit (or -1) to line l. */
static void
add_char(struct bitline *l, char c, int bit)
{
	if (l->n + 1 >= BITS_CHARS)
		return;
	l->text[l->n] = c;
	l->bit[l->n++] = bit;
	l->text[l->n] = '\0';
}

/* Add bits [a, b) of f (digits in bin) to line l: FIELD_GAP spaces
 * between fields, one between groups of four fraction bits (counted
 * from the last bit) where grouped. */
static void
add_bits(struct bitline *l, const struct fpv_format *f, const char *bin,
    int a, int b, bool grouped)
{
	int t0 = tail_start(f);

	for (int i = a; i < b; i++) {
		if (i > a && view_field_start(f, i)) {
			for (int k = 0; k < FIELD_GAP; k++)
				add_char(l, ' ', -1);
		} else if (i > a && grouped && i > t0 &&
		    (f->bits - i) % 4 == 0) {
			add_char(l, ' ', -1);
		}
		add_char(l, bin[i], i);
	}
}

/* Columns of line l in size sz: the fonts' digits are all one width,
 * so a line of bits is so many digits, spaces and gaps between them,
 * each measured once for a size. */
static int
line_width(const struct fpv_view *v, enum size sz, const struct bitline *l)
{
	static int digit[SZ_COUNT], space[SZ_COUNT], gap[SZ_COUNT];
	int nd = 0;

	if (digit[sz] == 0) {
		int d = size_width(v, sz, "0", FPV_GLYPH_BITS);
		int dd = size_width(v, sz, "00", FPV_GLYPH_BITS);
		int dsd = size_width(v, sz, "0 0", FPV_GLYPH_BITS);

		digit[sz] = d;
		gap[sz] = dd - 2 * d;
		space[sz] = dsd - 2 * d - 2 * gap[sz];
	}
	for (int i = 0; i < l->n; i++)
		nd += l->bit[i] >= 0;
	return l->n == 0 ? 0 : nd * digit[sz] + (l->n - nd) * space[sz] +
	    (l->n - 1) * gap[sz];
}

/*
 * Lay the bits of f out in size sz (not SZ_TEXT) within width columns:
 * on one line where they fit (the fraction grouped by four when longer
 * than GROUP_MIN bits); else the fields before the fraction on a line,
 * the fraction's groups spread evenly over as few lines as hold them,
 * or its first groups after the other fields where that saves a line.
 * Returns false if no layout fits.
 */
static bool
plan_bits(const struct fpv_view *v, const struct fpv_format *f,
    const char *bin, enum size sz, int width, struct bitplan *bp)
{
	int t0 = tail_start(f), ngroups, best = -1;

	memset(bp, 0, sizeof *bp);
	bp->size = sz;
	add_bits(&bp->line[0], f, bin, 0, f->bits, f->bits - t0 > GROUP_MIN);
	bp->nlines = 1;
	if (line_width(v, sz, &bp->line[0]) > width) {
		if (t0 >= f->bits)
			return false;
		/* group g starts at bit GSTART(g); the first may be short */
		ngroups = (f->bits - t0 + 3) / 4;
#define GSTART(g) ((g) == 0 ? t0 : f->bits - 4 * (ngroups - (g)))
		for (int hg = 0; hg < ngroups; hg++) {
			static struct bitplan tp;
			int rest = ngroups - hg;

			memset(&tp, 0, sizeof tp);
			tp.size = sz;
			add_bits(&tp.line[0], f, bin, 0, GSTART(hg), true);
			if (line_width(v, sz, &tp.line[0]) > width)
				break;
			for (int k = 1; k < BITS_LINES && tp.nlines == 0; k++) {
				int per = (rest + k - 1) / k, g = hg, j;
				bool ok = true;

				for (j = 1; g < ngroups; j++) {
					struct bitline *l = &tp.line[j];
					int ge = g + per < ngroups ? g + per :
					    ngroups;

					memset(l, 0, sizeof *l);
					add_bits(l, f, bin, GSTART(g), GSTART(ge),
					    true);
					ok = ok && line_width(v, sz, l) <= width;
					g = ge;
				}
				if (ok)
					tp.nlines = j;
			}
			if (tp.nlines > 0 && (best < 0 || tp.nlines < bp->nlines)) {
				*bp = tp;
				best = hg;
			}
		}
#undef GSTART
		if (best < 0)
			return false;
	}
	bp->rows = bp->nlines * (size_rows(sz) + 1);
	return true;
}

/* The bits in normal text, wrapped by field, in width columns. */
static void
plan_bits_text(const struct fpv_format *f, int width, struct bitplan *bp)
{
	memset(bp, 0, sizeof *bp);
	bp->size = SZ_TEXT;
	view_wrap_bits(f, width, &bp->bw);
	bp->rows = bp->bw.n;
}

/* The bits within width columns in the largest size, at most max, of
 * those that take the fewest lines (a larger size that wraps more is
 * harder to read). */
static void
plan_bits_fit(const struct fpv_view *v, const struct fpv_format *f,
    const char *bin, enum size max, int width, struct bitplan *bp)
{
	int lines[SZ_COUNT], least = BITS_LINES + 1, sz;

	for (sz = SZ_BIG; sz <= (int)max; sz++) {
		lines[sz] = plan_bits(v, f, bin, (enum size)sz, width, bp) ?
		    bp->nlines : BITS_LINES + 1;
		least = lines[sz] < least ? lines[sz] : least;
	}
	for (sz = max; sz > SZ_TEXT; sz--)
		if (lines[sz] == least &&
		    plan_bits(v, f, bin, (enum size)sz, width, bp))
			return;
	plan_bits_text(f, width, bp);
}

/* The name of field of f, cut to fit room columns. */
static const char *
field_name(const struct fpv_format *f, int field, int room)
{
	static const char *const fl[][3] = {
		{ "sign", "s", "s" },
		{ "exponent", "exp", "e" },
		{ "fraction", "frac", "f" },
	};
	static const char *const in[][3] = {
		{ "sign", "s", "s" },
		{ "bits", "b", "b" },
		{ "", "", "" },
	};
	const char *const *names = f->kind == FPV_KIND_FLOAT ?
	    fl[field] : in[field];

	for (int i = 0; i < 3; i++)
		if ((int)strlen(names[i]) <= room)
			return names[i];
	return "";
}

/* Draw line l of the bits in size sz at (y, x), each bit in its field's
 * style, and the fields' names on the line under it. */
static void
draw_bitline(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    const struct fpv_format *f, const struct bitline *l, enum size sz,
    int cursor)
{
	static struct rendering r;
	int cols[BITS_CHARS + 1], scale = sizes[sz].scale;

	if (render(v, &r, sz, l->text, FPV_GLYPH_BITS) < 0)
		return;
	fpv_glyph_columns(sizes[sz].font, l->text,
	    glyph_flags(v, FPV_GLYPH_BITS), cols, (size_t)l->n + 1);
	for (int c = 0; c <= l->n; c++)
		cols[c] *= scale;
	for (int i = 0; i < r.rows; i++) {
		static wchar_t wc[BIG_COLS];

		decode_line(r.lines[i], wc, BIG_COLS);
		for (int c = 0, d; c < l->n; c = d) {
			/* a run of characters in one style */
			enum view_style st = l->bit[c] < 0 ? ST_NORMAL :
			    l->bit[c] == cursor ? ST_BITCUR :
			    view_bit_style(f, l->bit[c]);

			for (d = c + 1; d < l->n && l->bit[d] >= 0 &&
			    l->bit[d] != cursor && l->bit[c] != cursor &&
			    view_bit_style(f, l->bit[d]) == st; d++)
				;
			put_cells(v, w, y + i, x, xmax, st, wc, cols[c],
			    cols[d]);
		}
	}
	/* The names: each field's at its first bit on this line, cut to
	 * the columns before the next field's. */
	for (int c = 0; c < l->n; c++) {
		int field, d;

		if (l->bit[c] < 0)
			continue;
		field = view_bit_field(f, l->bit[c]);
		for (d = c + 1; d < l->n && (l->bit[d] < 0 ||
		    view_bit_field(f, l->bit[d]) == field); d++)
			;
		view_put(v, w, y + r.rows, x + cols[c], xmax, ST_LABEL,
		    field_name(f, field, cols[d] - cols[c] - 1));
		c = d - 1;
	}
}

/* ---- The plan ----------------------------------------------------- */

/* Lines of the plan p. */
static int
plan_rows(const struct bigplan *p)
{
	return 1 + size_rows(p->vsize) + 1 + p->bits.rows +
	    size_rows(p->esize) + p->gaps;
}

/* The word w in capitals, which the fonts draw larger than small
 * letters (into buf). */
static const char *
capitals(const char *w, char *buf, size_t size)
{
	size_t i;

	for (i = 0; w[i] != '\0' && i + 1 < size; i++)
		buf[i] = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 'a' + 'A') :
		    w[i];
	buf[i] = '\0';
	return buf;
}

/* Columns of the cell's words in size sz (in capitals), WORD_GAP apart. */
static int
words_width(const struct fpv_view *v, const struct view_flagword *fw, int n,
    enum size sz)
{
	int ww = 0;

	for (int i = 0; i < n; i++) {
		if (drawable(fw[i].word) != strlen(fw[i].word))
			return BIG_COLS;
		char cap[32];

		ww += (i ? WORD_GAP : 0) + size_width(v, sz,
		    capitals(fw[i].word, cap, sizeof cap), 0);
	}
	return ww;
}

/*
 * Choose the sizes for rows lines of width columns: each text in the
 * largest size that fits its width (the exact value no larger than the
 * value); then, while the lines are too few, the blank lines go and the
 * largest size shrinks (of equal ones the exact value's, then the
 * bits', then the value's).  Returns how many times a size shrank.
 */
static int
plan_sizes(struct fpv_view *v, struct bigplan *p, int rows, int width)
{
	const struct fpv_format *F = view_format(v, v->sel);
	const struct view_cell *c = &v->cells[v->sel];
	int shrunk = 0;

	memset(p, 0, sizeof *p);
	p->vsize = fit(v, c->val, 0, width, 2 * FPV_GLYPH_MAX_ROWS, SZ_TALL2);
	p->esize = fit(v, v->exact, 0, width, 2 * FPV_GLYPH_MAX_ROWS,
	    p->vsize);
	plan_bits_fit(v, F, c->bin, SZ_TALL2, width, &p->bits);
	p->gaps = 3;
	while (plan_rows(p) > rows) {
		enum size top = p->esize > p->bits.size ? p->esize :
		    p->bits.size;

		top = p->vsize > top ? p->vsize : top;
		if (p->gaps > 0) {
			p->gaps--;
			continue;
		}
		if (top == SZ_TEXT)
			break;
		/* The largest shrinks, the exact value first, the value
		 * last. */
		shrunk++;
		if (p->esize == top)
			p->esize--;
		else if (p->bits.size == top)
			plan_bits_fit(v, F, c->bin, top - 1, width, &p->bits);
		else
			p->vsize--;
		if (p->esize > p->vsize)
			p->esize = p->vsize;
	}
	return shrunk;
}

/*
 * Plan the block for rows lines of cols columns: the sizes (plan_sizes)
 * for the rows less LOWER_KEEP for the detail pane, or for all of them
 * where keeping those would shrink a text; then the words' size.
 */
static void
plan_block(struct fpv_view *v, struct bigplan *p, int rows, int cols)
{
	const struct view_cell *c = &v->cells[v->sel];
	struct view_flagword fw[16];
	int width = cols - LABEL_W - 1, n;
	/* The last plan and what it was made for: a frame that shows the
	 * same texts at the same size (a redraw for the input line, the
	 * status line) reuses it. */
	static struct bigplan last;
	static char key[512];
	char k[512];

	snprintf(k, sizeof k, "%d %d %d %s|%s|%s|%s|%u|%d", rows, cols,
	    v->utf8, view_format(v, v->sel)->name, c->val, c->bin, v->exact,
	    c->flags, (int)c->cls);
	if (strcmp(k, key) == 0) {
		*p = last;
		return;
	}

	if (plan_sizes(v, p, rows - LOWER_KEEP, width) > 0)
		plan_sizes(v, p, rows, width);
	p->vwidth = size_width(v, p->vsize, c->val, 0);
	/* The words beside the value: the largest size, no larger than
	 * the value's, that fits there. */
	n = view_flag_words(c, fw);
	p->wsize = SZ_TEXT;
	for (int sz = p->vsize < SZ_TALL ? p->vsize : SZ_TALL;
	    n > 0 && sz > SZ_TEXT; sz--) {
		p->nwords = n;
		if (p->vwidth + VALUE_GAP + words_width(v, fw, n,
		    (enum size)sz) > width) {
			/* "inexact" goes beside a graver word */
			if (n < 2 || fw[n - 1].st != ST_M_INEXACT ||
			    p->vwidth + VALUE_GAP + words_width(v, fw, n - 1,
			    (enum size)sz) > width)
				continue;
			p->nwords = n - 1;
		}
		p->wsize = (enum size)sz;
		break;
	}
	last = *p;
	snprintf(key, sizeof key, "%s", k);
}

/* ---- Drawing ------------------------------------------------------ */

/* Draw the block in rows lines from line y of w. */
void
view_draw_big(struct fpv_view *v, WINDOW *w, int y, int rows)
{
	const struct fpv_format *F = view_format(v, v->sel);
	const struct view_cell *c = &v->cells[v->sel];
	int cols = v->lay.cols, x = LABEL_W + 1, end = y + rows, gaps, cur, ink;
	struct view_flagword fw[16];
	struct view_figures fg;
	struct bigplan p;
	char more[300];

	if (rows <= 0)
		return;
	cur = v->be.on ? v->be.cur : -1;
	plan_block(v, &p, rows, cols);
	gaps = p.gaps;

	/* The title: the format (a vector's: and the element), what
	 * happened, this step's loss. */
	snprintf(more, sizeof more, "%s%s%s", v->det.what,
	    v->det.loss[0] ? ", " : "", v->det.loss);
	if (view_vec(v) != NULL) {
		char title[48];

		snprintf(title, sizeof title, "%s [%zu]", F->name, v->elem);
		view_draw_sep(v, w, y++, 0, cols, title, ST_SELECTED, more);
	} else {
		view_draw_sep(v, w, y++, 0, cols, F->name, ST_SELECTED, more);
	}
	if (y >= end)
		return;

	/* The value, the words beside it. */
	draw_text(v, w, y, x, cols, p.vsize, c->val, ST_VALUE, &ink);
	view_put(v, w, y + ink, 1, LABEL_W, ST_SELECTED, F->name);
	if (p.wsize != SZ_TEXT) {
		int fx = x + p.vwidth + VALUE_GAP;
		int dy = size_rows(p.vsize) - size_rows(p.wsize);

		view_flag_words(c, fw);
		for (int i = 0; i < p.nwords; i++) {
			char cap[32];

			fx = draw_text(v, w, y + dy, fx, cols, p.wsize,
			    capitals(fw[i].word, cap, sizeof cap),
			    fw[i].st, &ink) + WORD_GAP;
		}
	}
	y += size_rows(p.vsize);
	if (y >= end)
		return;

	/* The error (and the words, if not beside the value) under it. */
	view_put(v, w, y, 1, LABEL_W, ST_LABEL, "error");
	if (p.wsize != SZ_TEXT) {
		char err[160];

		view_error_text(c, 0, err, sizeof err);
		view_put_cut(v, w, y, x, cols, ST_VALUE, err);
	} else {
		view_fit_figures(c, cols - x, 3, &fg);
		view_draw_figures(v, w, y, x, cols, 3, &fg);
	}
	y += 1 + (gaps-- > 0);
	if (y >= end)
		return;

	/* The bits, each line with its fields named under it. */
	view_put(v, w, y, 1, LABEL_W, ST_LABEL, "bits");
	if (p.bits.size != SZ_TEXT) {
		for (int j = 0; j < p.bits.nlines && y < end; j++) {
			draw_bitline(v, w, y, x, cols, F, &p.bits.line[j],
			    p.bits.size, cur);
			y += size_rows(p.bits.size) + 1;
		}
	} else {
		view_draw_bits_wrapped(v, w, y, x, F, c->bin, &p.bits.bw, cur);
		y += p.bits.bw.n;
	}
	y += gaps-- > 0;
	if (y >= end)
		return;

	/* The exact value. */
	draw_text(v, w, y, x, cols, p.esize, v->exact, ST_EXACT, &ink);
	view_put(v, w, y + ink, 1, LABEL_W, ST_LABEL, "exact");
	y += size_rows(p.esize) + (gaps-- > 0);

	/* The detail pane and the steps in what is left. */
	if (y < end)
		view_draw_lower(v, w, y, end - y);
}
