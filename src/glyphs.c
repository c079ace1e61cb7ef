/*
 * Large glyphs for the projector layout: font sheets and the renderer.
 *
 * A font is a list of strips.  A strip names its characters (UTF-8, one
 * a glyph) and gives the glyphs' pixel rows side by side, '#' a pixel
 * and ' ' none, the glyphs of a row separated by '|'; every row of a
 * strip splits into the same widths (fpv_glyph_selfcheck says so).  The
 * sheets are the glyphs as they look: change a pixel here and the
 * golden renderings (tests/golden/glyphs-*.txt) show the change.
 *
 * Two pixel rows make one terminal row: the cell shows the upper pixel,
 * the lower one, both or neither (see the table in glyphs.h).
 */
#include <stdio.h>
#include <string.h>

#include "fpviz/glyphs.h"

/* Pixel rows of the tallest font. */
#define MAX_PX (2 * FPV_GLYPH_MAX_ROWS)
/* A code point that no valid UTF-8 gives: an invalid byte. */
#define BAD_CP 0xffffffffu

/* A strip of glyphs: their characters and their pixel rows. */
struct strip {
	const char *chars;
	const char *px[MAX_PX];
};

/* A font: its strips, the box for characters it lacks, and widths. */
struct font {
	const char *name;
	int rows;			/* terminal rows; 2 * rows pixel rows */
	const struct strip *strips;
	size_t nstrips;
	const struct strip *box;	/* one glyph: the unknown character */
};

/* One glyph found in a font. */
struct glyph {
	const char *const *px;	/* the strip's pixel rows, or NULL: blank */
	size_t off;		/* where the glyph starts in each row */
	int width;		/* in pixels = terminal columns */
};

/*
 * The big font: 3 rows, 6 pixel rows.  Capitals and digits stand on
 * rows 0-4, the x-height is rows 1-4, row 5 takes descenders.
 */
static const struct strip big_strips[] = {
	{ "0123456789", {
		" ## |  # | ## |### |  ##|####| ## |####| ## | ## ",
		"#  #| ## |#  #|   #| # #|#   |#   |   #|#  #|#  #",
		"#  #|  # |  # | ## |#  #|### |### |  # | ## | ###",
		"#  #|  # | #  |   #|####|   #|#  #| #  |#  #|   #",
		" ## | ###|####|### |   #|### | ## | #  | ## | ## ",
		"    |    |    |    |    |    |    |    |    |    ",
	} },
	{ "ABCDEFGHIJKLM", {
		" ## |### | ###|### |####|####| ###|#  #|###|   #|#  #|#   |#   #",
		"#  #|#  #|#   |#  #|#   |#   |#   |#  #| # |   #|# # |#   |## ##",
		"####|### |#   |#  #|### |### |# ##|####| # |   #|##  |#   |# # #",
		"#  #|#  #|#   |#  #|#   |#   |#  #|#  #| # |#  #|# # |#   |#   #",
		"#  #|### | ###|### |####|#   | ###|#  #|###| ## |#  #|####|#   #",
		"    |    |    |    |    |    |    |    |   |    |    |    |     ",
	} },
	{ "NOPQRSTUVWXYZ", {
		"#  #| ### |### | ### |### | ###|###|#  #|#   #|#   #|#   #|#   #|####",
		"## #|#   #|#  #|#   #|#  #|#   | # |#  #|#   #|#   #| # # | # # |   #",
		"# ##|#   #|### |#   #|### | ## | # |#  #| # # |# # #|  #  |  #  |  # ",
		"#  #|#   #|#   |#  # |# # |   #| # |#  #| # # |## ##| # # |  #  | #  ",
		"#  #| ### |#   | ## #|#  #|### | # | ## |  #  |#   #|#   #|  #  |####",
		"    |     |    |     |    |    |   |    |     |     |     |     |    ",
	} },
	{ "abcdefghijklm", {
		"    |#   |   |   #|    | ##|    |#   |#|  #|#  |# |     ",
		"### |### | ##| ###| ## |#  | ###|### | |   |# #|# |#### ",
		"  ##|#  #|#  |#  #|####|###|#  #|#  #|#|  #|## |# |# # #",
		"#  #|#  #|#  |#  #|#   |#  | ###|#  #|#|  #|# #|# |# # #",
		" ###|### | ##| ###| ###|#  |   #|#  #|#|  #|# #| #|# # #",
		"    |    |   |    |    |   | ## |    | |## |   |  |     ",
	} },
	{ "nopqrstuvwxyz", {
		"    |    |    |    |    |    | # |    |   |     |    |    |    ",
		"### | ## |### | ###|# ##| ###|###|#  #|# #|#   #|#  #|#  #|####",
		"#  #|#  #|#  #|#  #|##  |##  | # |#  #|# #|#   #| ## |#  #|  # ",
		"#  #|#  #|### | ###|#   |  ##| # |#  #|# #|# # #| ## | ###| #  ",
		"#  #| ## |#   |   #|#   |### | ##| ###| # | # # |#  #|   #|####",
		"    |    |#   |   #|    |    |   |    |   |     |    | ## |    ",
	} },
	{ " .,-+:;|~^()", {
		"   |  |  |   |   | |  |#|      | # | #|# ",
		"   |  |  |   | # |#| #|#|      |# #|# | #",
		"   |  |  |###|###| |  |#| ##  #|   |# | #",
		"   |##|##|   | # |#| #|#|#  ## |   |# | #",
		"   |##| #|   |   | |# |#|      |   | #|# ",
		"   |  |# |   |   | |  |#|      |   |  |  ",
	} },
	{ "[]/\\=_*'\"!?<>%", {
		"##|##|  #|#  |   |    |# #|#|# #|#|## |  #|#  |#   #",
		"# | #|  #|#  |###|    | # |#|# #|#|  #| # | # |   # ",
		"# | #| # | # |   |    |# #| |   |#| # |#  |  #|  #  ",
		"# | #|#  |  #|###|    |   | |   | |   | # | # | #   ",
		"##|##|#  |  #|   |    |   | |   |#| # |  #|#  |#   #",
		"  |  |   |   |   |####|   | |   | |   |   |   |     ",
	} },
	{ "\xe2\x89\x88\xe2\x80\xa6", {
		" ##  #|     ",
		"#  ## |     ",
		"      |     ",
		" ##  #|     ",
		"#  ## |# # #",
		"      |     ",
	} },
};

static const struct strip big_box = { "?", {
	"####", "#  #", "#  #", "#  #", "####", "    ",
} };

/*
 * The tall font: 4 rows, 8 pixel rows.  Capitals and digits stand on
 * rows 0-6 (5x7), the x-height is rows 2-6, row 7 takes descenders.
 */
static const struct strip tall_strips[] = {
	{ "0123456789", {
		" ### |  #  | ### | ### |   # |#####|  ## |#####| ### | ### ",
		"#   #| ##  |#   #|#   #|  ## |#    | #   |    #|#   #|#   #",
		"#   #|# #  |    #|    #| # # |#### |#    |   # |#   #|#   #",
		"# # #|  #  |   # |  ## |#  # |    #|#### |  #  | ### | ####",
		"#   #|  #  |  #  |    #|#####|    #|#   #| #   |#   #|    #",
		"#   #|  #  | #   |#   #|   # |#   #|#   #| #   |#   #|   # ",
		" ### | ### |#####| ### |   # | ### | ### | #   | ### | ##  ",
		"     |     |     |     |     |     |     |     |     |     ",
	} },
	{ "ABCDEFGHIJKLM", {
		" ### |#### | ### |#### |#####|#####| ### |#   #|###|  ###|#   #|#    |#   #",
		"#   #|#   #|#   #|#   #|#    |#    |#   #|#   #| # |   # |#  # |#    |## ##",
		"#   #|#   #|#    |#   #|#    |#    |#    |#   #| # |   # |# #  |#    |# # #",
		"#####|#### |#    |#   #|#### |#### |# ###|#####| # |   # |##   |#    |# # #",
		"#   #|#   #|#    |#   #|#    |#    |#   #|#   #| # |   # |# #  |#    |#   #",
		"#   #|#   #|#   #|#   #|#    |#    |#   #|#   #| # |#  # |#  # |#    |#   #",
		"#   #|#### | ### |#### |#####|#    | ####|#   #|###| ##  |#   #|#####|#   #",
		"     |     |     |     |     |     |     |     |   |     |     |     |     ",
	} },
	{ "NOPQRSTUVWXYZ", {
		"#   #| ### |#### | ### |#### | ####|#####|#   #|#   #|#   #|#   #|#   #|#####",
		"#   #|#   #|#   #|#   #|#   #|#    |  #  |#   #|#   #|#   #|#   #|#   #|    #",
		"##  #|#   #|#   #|#   #|#   #|#    |  #  |#   #|#   #|#   #| # # | # # |   # ",
		"# # #|#   #|#### |#   #|#### | ### |  #  |#   #|#   #|# # #|  #  |  #  |  #  ",
		"#  ##|#   #|#    |# # #|# #  |    #|  #  |#   #|#   #|# # #| # # |  #  | #   ",
		"#   #|#   #|#    |#  # |#  # |    #|  #  |#   #| # # |# # #|#   #|  #  |#    ",
		"#   #| ### |#    | ## #|#   #|#### |  #  | ### |  #  | # # |#   #|  #  |#####",
		"     |     |     |     |     |     |     |     |     |     |     |     |     ",
	} },
	{ "abcdefghijklm", {
		"     |#    |    |    #|     |  ##|     |#    | # |   #|#   |## |     ",
		"     |#    |    |    #|     | #  |     |#    |   |    |#   | # |     ",
		" ### |#### | ###| ####| ### |####| ####|# ## |## |  ##|#  #| # |## # ",
		"    #|#   #|#   |#   #|#   #| #  |#   #|##  #| # |   #|# # | # |# # #",
		" ####|#   #|#   |#   #|#####| #  |#   #|#   #| # |   #|##  | # |# # #",
		"#   #|#   #|#   |#   #|#    | #  | ####|#   #| # |   #|# # | # |#   #",
		" ####|#### | ###| ####| ####| #  |    #|#   #|###|#  #|#  #| ##|#   #",
		"     |     |    |     |     |    | ### |     |   | ## |    |   |     ",
	} },
	{ "nopqrstuvwxyz", {
		"     |     |     |     |     |     |    |     |     |     |     |     |     ",
		"     |     |     |     |     |     | #  |     |     |     |     |     |     ",
		"# ## | ### |#### | ####|# ## | ####|####|#   #|#   #|#   #|#   #|#   #|#####",
		"##  #|#   #|#   #|#   #|##  #|#    | #  |#   #|#   #|#   #| # # |#   #|   # ",
		"#   #|#   #|#   #|#   #|#    | ### | #  |#   #|#   #|# # #|  #  |#   #|  #  ",
		"#   #|#   #|#### | ####|#    |    #| #  |#  ##| # # |# # #| # # | ####| #   ",
		"#   #| ### |#    |    #|#    |#### |  ##| ## #|  #  | # # |#   #|    #|#####",
		"     |     |#    |    #|     |     |    |     |     |     |     | ### |     ",
	} },
	{ " .,-+:;|~^()", {
		"    |  |  |     |     |  |  |#|      |  #  |  #|#  ",
		"    |  |  |     |  #  |##|##|#|      | # # | # | # ",
		"    |  |  |     |  #  |##|##|#| ##  #|#   #|#  |  #",
		"    |  |  |#####|#####|  |  |#|#  ## |     |#  |  #",
		"    |  |  |     |  #  |##|  |#|      |     |#  |  #",
		"    |##|##|     |  #  |##|##|#|      |     | # | # ",
		"    |##| #|     |     |  | #|#|      |     |  #|#  ",
		"    |  |# |     |     |  |# |#|      |     |   |   ",
	} },
	{ "[]/\\=_*'\"!?<>%", {
		"###|###|    #|#    |     |     |     |#|# #|#| ### |   #|#   |##   ",
		"#  |  #|    #|#    |     |     |  #  |#|# #|#|#   #|  # | #  |##  #",
		"#  |  #|   # | #   |#####|     |# # #|#|# #|#|    #| #  |  # |   # ",
		"#  |  #|  #  |  #  |     |     | ### | |   |#|   # |#   |   #|  #  ",
		"#  |  #| #   |   # |#####|     |# # #| |   |#|  #  | #  |  # | #   ",
		"#  |  #|#    |    #|     |     |  #  | |   | |     |  # | #  |#  ##",
		"###|###|#    |    #|     |     |     | |   |#|  #  |   #|#   |   ##",
		"   |   |     |     |     |#####|     | |   | |     |    |    |     ",
	} },
	{ "\xe2\x89\x88\xe2\x80\xa6", {
		"      |     ",
		" ##  #|     ",
		"#  ## |     ",
		"      |     ",
		" ##  #|     ",
		"#  ## |     ",
		"      |# # #",
		"      |     ",
	} },
};

static const struct strip tall_box = { "?", {
	"#####", "#   #", "#   #", "#   #", "#   #", "#   #", "#####", "     ",
} };

/* The fonts (ORDER FONT). */
static const struct font fonts[FPV_GLYPH_FONTS] = {
	{ "none", 1, NULL, 0, NULL },
	{ "big", 3, big_strips, sizeof big_strips / sizeof big_strips[0],
	    &big_box },
	{ "tall", 4, tall_strips, sizeof tall_strips / sizeof tall_strips[0],
	    &tall_box },
};

/* Every character the fonts draw: the strips' and U+2212 (as '-'). */
static const char charset[] =
	"0123456789"
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	"abcdefghijklmnopqrstuvwxyz"
	" .,-+:;|~^()[]/\\=_*'\"!?<>%"
	"\xe2\x88\x92"		/* U+2212 MINUS SIGN */
	"\xe2\x89\x88"		/* U+2248 ALMOST EQUAL TO */
	"\xe2\x80\xa6";		/* U+2026 HORIZONTAL ELLIPSIS */

/* The cells of a pair of pixels (none, upper, lower, both). */
static const char *const cell_utf8[4] = {
	" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"
};
static const char *const cell_ascii[4] = { " ", "\"", "_", "#" };

/* The font for font, or NULL when it is no font to draw with. */
static const struct font *
font_of(enum fpv_glyph_font font)
{
	if ((int)font <= FPV_GLYPH_NONE || font >= FPV_GLYPH_FONTS)
		return NULL;
	return &fonts[font];
}

/* Decode the code point at *sp and step over it; BAD_CP (one byte) for
 * anything that is not well-formed UTF-8. */
static uint32_t
next_cp(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t cp, min;
	int n, i;

	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3, cp = s[0] & 0x07, min = 0x10000;
	} else {
		*sp += 1;
		return BAD_CP;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp += 1;
			return BAD_CP;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*sp += 1;
		return BAD_CP;
	}
	*sp += n + 1;
	return cp;
}

/* The byte offset and width of glyph k in a strip row. */
static void
segment(const char *row, size_t k, size_t *off, int *width)
{
	size_t o = 0;

	while (k > 0) {
		o += strcspn(row + o, "|");
		if (row[o] == '|')
			o++;
		k--;
	}
	*off = o;
	*width = (int)strcspn(row + o, "|");
}

/* Find the glyph of cp in font f; false when f has none. */
static bool
find(const struct font *f, uint32_t cp, struct glyph *g)
{
	size_t i, k;

	if (cp == 0x2212)
		cp = '-';
	if (cp == BAD_CP)
		return false;
	for (i = 0; i < f->nstrips; i++) {
		const char *s = f->strips[i].chars;

		for (k = 0; *s != '\0'; k++) {
			if (next_cp(&s) == cp) {
				g->px = f->strips[i].px;
				segment(g->px[0], k, &g->off, &g->width);
				return true;
			}
		}
	}
	return false;
}

/* The glyph that draws cp in f under flags: the box for the unknown. */
static struct glyph
glyph_of(const struct font *f, uint32_t cp, unsigned flags)
{
	struct glyph g;

	if (cp == ' ' && (flags & FPV_GLYPH_BITS))
		return (struct glyph){ .px = NULL, .off = 0, .width = 1 };
	if (!find(f, cp, &g)) {
		g.px = f->box->px;
		g.off = 0;
		g.width = (int)strlen(g.px[0]);
	}
	return g;
}

/* Whether pixel (x, y) of g is set. */
static bool
pixel(const struct glyph *g, int x, int y)
{
	return g->px != NULL && g->px[y][g->off + (size_t)x] == '#';
}

/* Width of text in f: the glyphs and one column between two. */
static int
text_width(const struct font *f, const char *text, unsigned flags)
{
	int w = 0, n = 0;

	while (*text != '\0') {
		struct glyph g = glyph_of(f, next_cp(&text), flags);

		w += g.width + (n++ > 0);
	}
	return w;
}

/* The bytes a line of width w needs under flags, NUL included. */
static size_t
line_size(int w, unsigned flags)
{
	return flags & FPV_GLYPH_ASCII ? (size_t)w + 1 :
	    FPV_GLYPH_LINE_SIZE(w);
}

/* Write terminal row r of text in f into buf (big enough); returns the
 * length in bytes. */
static size_t
draw_row(const struct font *f, const char *text, unsigned flags, int r,
    char *buf)
{
	const char *const *cells = flags & FPV_GLYPH_ASCII ? cell_ascii :
	    cell_utf8;
	size_t len = 0;
	int n = 0, x;

	while (*text != '\0') {
		struct glyph g = glyph_of(f, next_cp(&text), flags);

		if (n++ > 0)
			buf[len++] = ' ';
		for (x = 0; x < g.width; x++) {
			const char *c = cells[pixel(&g, x, 2 * r) |
			    pixel(&g, x, 2 * r + 1) << 1];
			size_t cl = strlen(c);

			memcpy(buf + len, c, cl);
			len += cl;
		}
	}
	buf[len] = '\0';
	return len;
}

/* The terminal rows of font. */
int
fpv_glyph_rows(enum fpv_glyph_font font)
{
	if ((int)font < FPV_GLYPH_NONE || font >= FPV_GLYPH_FONTS)
		return 0;
	return fonts[font].rows;
}

/* The name of font. */
const char *
fpv_glyph_font_name(enum fpv_glyph_font font)
{
	if ((int)font < FPV_GLYPH_NONE || font >= FPV_GLYPH_FONTS)
		return NULL;
	return fonts[font].name;
}

/* The font called name. */
enum fpv_glyph_font
fpv_glyph_font_by_name(const char *name)
{
	int i;

	for (i = FPV_GLYPH_NONE + 1; i < FPV_GLYPH_FONTS; i++)
		if (strcmp(fonts[i].name, name) == 0)
			return (enum fpv_glyph_font)i;
	return FPV_GLYPH_NONE;
}

/* The characters with glyphs. */
const char *
fpv_glyph_charset(void)
{
	return charset;
}

/* Whether font draws cp. */
bool
fpv_glyph_has(enum fpv_glyph_font font, uint32_t cp)
{
	const struct font *f = font_of(font);
	struct glyph g;

	return f != NULL && find(f, cp, &g);
}

/* The width of text in font. */
int
fpv_glyph_width(enum fpv_glyph_font font, const char *text, unsigned flags)
{
	const struct font *f = font_of(font);

	return f == NULL ? -1 : text_width(f, text, flags);
}

/* Render every row of text in font. */
int
fpv_glyph_render(enum fpv_glyph_font font, const char *text,
    unsigned flags, char *const lines[], size_t size)
{
	const struct font *f = font_of(font);
	int w, r;

	if (f == NULL)
		return -1;
	w = text_width(f, text, flags);
	if (size < line_size(w, flags))
		return -1;
	for (r = 0; r < f->rows; r++)
		draw_row(f, text, flags, r, lines[r]);
	return w;
}

/* Render row row of text in font. */
int
fpv_glyph_render_line(enum fpv_glyph_font font, const char *text,
    unsigned flags, int row, char *buf, size_t size)
{
	const struct font *f = font_of(font);
	int w;

	if (f == NULL || row < 0 || row >= f->rows)
		return -1;
	w = text_width(f, text, flags);
	if (size < line_size(w, flags))
		return -1;
	draw_row(f, text, flags, row, buf);
	return w;
}

/* The first column of each character of text. */
int
fpv_glyph_columns(enum fpv_glyph_font font, const char *text,
    unsigned flags, int *cols, size_t n)
{
	const struct font *f = font_of(font);
	size_t i = 0;
	int x = 0;

	if (f == NULL)
		return -1;
	while (*text != '\0') {
		struct glyph g = glyph_of(f, next_cp(&text), flags);

		if (i > 0)
			x++;
		if (i < n)
			cols[i] = x;
		x += g.width;
		i++;
	}
	if (i < n)
		cols[i] = x;
	return (int)i;
}

/* The byte where column col starts in a rendered line. */
size_t
fpv_glyph_offset(const char *line, int col)
{
	const char *s = line;

	while (col-- > 0 && *s != '\0')
		(void)next_cp(&s);
	return (size_t)(s - line);
}

/* The largest font that fits cols x rows. */
enum fpv_glyph_font
fpv_glyph_fit(const char *text, unsigned flags, int cols, int rows)
{
	int i;

	for (i = FPV_GLYPH_FONTS - 1; i > FPV_GLYPH_NONE; i--)
		if (fonts[i].rows <= rows &&
		    text_width(&fonts[i], text, flags) <= cols)
			return (enum fpv_glyph_font)i;
	return FPV_GLYPH_NONE;
}

/* Check one strip of f: rows, widths, pixels; counts its glyphs. */
static int
check_strip(const struct font *f, const struct strip *s, size_t *nglyphs,
    char *why, size_t size)
{
	const char *c = s->chars;
	size_t n = 0, k, off0, off;
	int y, w0, w;

	while (*c != '\0') {
		if (next_cp(&c) == BAD_CP) {
			snprintf(why, size, "%s: bad UTF-8 in \"%s\"", f->name,
			    s->chars);
			return -1;
		}
		n++;
	}
	for (y = 0; y < MAX_PX; y++) {
		const char *row = s->px[y];

		if ((y < 2 * f->rows) != (row != NULL)) {
			snprintf(why, size, "%s \"%s\": pixel row %d %s",
			    f->name, s->chars, y, row ? "extra" : "missing");
			return -1;
		}
		if (row == NULL)
			continue;
		if (strspn(row, "# |") != strlen(row)) {
			snprintf(why, size, "%s \"%s\": row %d: not '#', ' ', '|'",
			    f->name, s->chars, y);
			return -1;
		}
		k = 1;
		for (const char *p = row; *p != '\0'; p++)
			k += *p == '|';
		if (k != n) {
			snprintf(why, size, "%s \"%s\": row %d has %zu glyphs, "
			    "not %zu", f->name, s->chars, y, k, n);
			return -1;
		}
		for (k = 0; k < n; k++) {
			segment(s->px[0], k, &off0, &w0);
			segment(row, k, &off, &w);
			if (w != w0 || off != off0 || w == 0) {
				snprintf(why, size, "%s \"%s\": glyph %zu is %d "
				    "wide in row %d, %d in row 0", f->name,
				    s->chars, k, w, y, w0);
				return -1;
			}
		}
	}
	*nglyphs += n;
	return 0;
}

/* Check the font tables. */
int
fpv_glyph_selfcheck(char *why, size_t size)
{
	size_t nchars = 0;
	const char *c;
	int i;

	for (c = charset; *c != '\0'; nchars++)
		(void)next_cp(&c);
	for (i = FPV_GLYPH_NONE + 1; i < FPV_GLYPH_FONTS; i++) {
		const struct font *f = &fonts[i];
		size_t nglyphs = 0, j;
		struct glyph g;
		int digit = -1;

		if (f->rows > FPV_GLYPH_MAX_ROWS) {
			snprintf(why, size, "%s: %d rows", f->name, f->rows);
			return -1;
		}
		for (j = 0; j < f->nstrips; j++)
			if (check_strip(f, &f->strips[j], &nglyphs, why, size))
				return -1;
		if (check_strip(f, f->box, &nglyphs, why, size))
			return -1;
		/* The strips hold the charset less U+2212, once each, and
		 * the box. */
		if (nglyphs != nchars) {
			snprintf(why, size, "%s: %zu glyphs for %zu characters",
			    f->name, nglyphs - 1, nchars - 1);
			return -1;
		}
		for (c = charset; *c != '\0';) {
			uint32_t cp = next_cp(&c);

			if (!find(f, cp, &g)) {
				snprintf(why, size, "%s: no glyph for U+%04X",
				    f->name, (unsigned)cp);
				return -1;
			}
			if (cp >= '0' && cp <= '9') {
				if (digit >= 0 && g.width != digit) {
					snprintf(why, size, "%s: digit %c is %d "
					    "wide, not %d", f->name, (int)cp,
					    g.width, digit);
					return -1;
				}
				digit = g.width;
			}
		}
	}
	return 0;
}
