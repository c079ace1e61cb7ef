/*
 * Large glyphs: the font tables, every character in every font, equal
 * line widths counted from the UTF-8 itself, the ASCII fallback, the
 * bit-string spacing, the column map, the font chooser, and golden
 * renderings (tests/golden/glyphs-FONT[-ascii].txt) compared in full.
 *
 * "test-glyphs --golden FONT [ascii]" prints what a golden file holds,
 * to make it anew after a glyph is changed on purpose.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/glyphs.h"
#include "tap.h"

#ifndef FPV_SRCDIR
#define FPV_SRCDIR "."
#endif

/* Room for one rendering: FPV_GLYPH_MAX_ROWS lines of LINE bytes. */
#define LINE 4096

/* A rendering and its lines. */
struct rendering {
	char buf[FPV_GLYPH_MAX_ROWS][LINE];
	char *lines[FPV_GLYPH_MAX_ROWS];
	int rows, width;
};

/* The texts of the golden files: (text, flags). */
static const struct golden_text {
	const char *text;
	unsigned flags;
} golden_texts[] = {
	{ "65504", 0 },
	{ "0.30000000000000004", 0 },
	{ "-1.5e-08", 0 },
	{ "inf", 0 },
	{ "nan", 0 },
	{ "NaN", 0 },
	{ "0x3c00", 0 },
	{ "fp8e4m3", 0 },
	{ "fp16 bf16 int8 e8m0 exact", 0 },
	{ "\xe2\x89\x88" "0.30000001\xe2\x80\xa6", 0 },
	{ "0 01111 0000000000", FPV_GLYPH_BITS },
	{ "0 01111101 00110011001100110011010", FPV_GLYPH_BITS },
};

/* Render text in font into r; returns the width (or -1). */
static int
render(struct rendering *r, enum fpv_glyph_font font, const char *text,
    unsigned flags)
{
	int i;

	for (i = 0; i < FPV_GLYPH_MAX_ROWS; i++) {
		r->lines[i] = r->buf[i];
		r->buf[i][0] = '\0';
	}
	r->rows = fpv_glyph_rows(font);
	r->width = fpv_glyph_render(font, text, flags, r->lines, LINE);
	return r->width;
}

/* Decode one code point of well-formed UTF-8 (the renderer's output);
 * 0xffffffff for anything else. */
static uint32_t
decode(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;

	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*sp += 3;
		return (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*sp += 1;
	return 0xffffffffu;
}

/*
 * The display width of a rendered UTF-8 line: each cell must be a space
 * or one of the three block elements (one column each); -1 otherwise.
 */
static int
columns_utf8(const char *line)
{
	int n = 0;

	while (*line != '\0') {
		uint32_t cp = decode(&line);

		if (cp != ' ' && cp != 0x2580 && cp != 0x2584 && cp != 0x2588)
			return -1;
		n++;
	}
	return n;
}

/* The width of an ASCII line, -1 unless every byte is ' ', '"', '_', '#'. */
static int
columns_ascii(const char *line)
{
	size_t n = strlen(line);

	return strspn(line, " \"_#") == n ? (int)n : -1;
}

/* Whether every line of r has the width r->width, counted from its text. */
static bool
equal_widths(const struct rendering *r, unsigned flags)
{
	int i;

	for (i = 0; i < r->rows; i++) {
		int w = flags & FPV_GLYPH_ASCII ? columns_ascii(r->lines[i]) :
		    columns_utf8(r->lines[i]);

		if (w != r->width)
			return false;
	}
	return true;
}

/* Whether r draws anything but spaces. */
static bool
inked(const struct rendering *r)
{
	int i;

	for (i = 0; i < r->rows; i++)
		if (strspn(r->lines[i], " ") != strlen(r->lines[i]))
			return true;
	return false;
}

/* Whether two renderings are the same. */
static bool
same(const struct rendering *a, const struct rendering *b)
{
	int i;

	if (a->rows != b->rows || a->width != b->width)
		return false;
	for (i = 0; i < a->rows; i++)
		if (strcmp(a->lines[i], b->lines[i]) != 0)
			return false;
	return true;
}

/* The characters of the charset, one NUL-terminated string each. */
static size_t
split_charset(char chars[][8], size_t max)
{
	const char *s = fpv_glyph_charset();
	size_t n = 0;

	while (*s != '\0' && n < max) {
		const char *p = s;

		(void)decode(&s);
		memcpy(chars[n], p, (size_t)(s - p));
		chars[n][s - p] = '\0';
		n++;
	}
	return n;
}

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15u;

	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1du;
}

/* The font tables are well formed. */
static void
test_selfcheck(void)
{
	char why[256] = "";

	ok(fpv_glyph_selfcheck(why, sizeof why) == 0, "font tables: %s",
	    why[0] ? why : "well formed");
}

/* Names, rows and the value that is no font. */
static void
test_fonts(void)
{
	struct rendering r;

	ok(fpv_glyph_rows(FPV_GLYPH_BIG) == 3 &&
	    fpv_glyph_rows(FPV_GLYPH_TALL) == 4 &&
	    fpv_glyph_rows(FPV_GLYPH_NONE) == 1 &&
	    fpv_glyph_rows(FPV_GLYPH_FONTS) == 0, "rows: big 3, tall 4");
	ok(strcmp(fpv_glyph_font_name(FPV_GLYPH_BIG), "big") == 0 &&
	    strcmp(fpv_glyph_font_name(FPV_GLYPH_TALL), "tall") == 0 &&
	    fpv_glyph_font_name(FPV_GLYPH_FONTS) == NULL, "font names");
	ok(fpv_glyph_font_by_name("tall") == FPV_GLYPH_TALL &&
	    fpv_glyph_font_by_name("big") == FPV_GLYPH_BIG &&
	    fpv_glyph_font_by_name("huge") == FPV_GLYPH_NONE &&
	    fpv_glyph_font_by_name("none") == FPV_GLYPH_NONE,
	    "fonts by name");
	ok(fpv_glyph_width(FPV_GLYPH_NONE, "1", 0) == -1 &&
	    render(&r, FPV_GLYPH_NONE, "1", 0) == -1 &&
	    render(&r, FPV_GLYPH_FONTS, "1", 0) == -1 &&
	    fpv_glyph_columns(FPV_GLYPH_NONE, "1", 0, NULL, 0) == -1,
	    "FPV_GLYPH_NONE does not render");
	ok(render(&r, FPV_GLYPH_BIG, "", 0) == 0 && r.buf[0][0] == '\0' &&
	    r.buf[2][0] == '\0', "the empty text is 0 columns wide");
}

/* Every character renders, visibly, distinctly, with equal widths. */
static void
test_charset(void)
{
	static char chars[128][8];
	size_t n = split_charset(chars, 128), i, j;
	enum fpv_glyph_font font;
	unsigned flags;

	ok(n >= 90, "the charset has %zu characters", n);
	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		static struct rendering all[128];
		struct rendering box;
		int bad_width = 0, bad_ink = 0, bad_has = 0, boxed = 0;
		int clashes = 0;
		const char *name = fpv_glyph_font_name(font);

		render(&box, font, "\xc3\xa9", 0);	/* U+00E9, no glyph */
		for (i = 0; i < n; i++) {
			const char *s = chars[i];
			uint32_t cp;

			if (render(&all[i], font, s, 0) <= 0 ||
			    !equal_widths(&all[i], 0)) {
				bad_width++;
				diag("%s: '%s' renders %d wide", name, s,
				    all[i].width);
			}
			if (strcmp(s, " ") != 0 && !inked(&all[i])) {
				bad_ink++;
				diag("%s: '%s' draws nothing", name, s);
			}
			if (same(&all[i], &box)) {
				boxed++;
				diag("%s: '%s' is the box", name, s);
			}
			cp = decode(&s);
			if (!fpv_glyph_has(font, cp))
				bad_has++;
		}
		ok(bad_width == 0, "%s: every character renders, all lines "
		    "as wide as the width", name);
		ok(bad_ink == 0, "%s: every character but space draws", name);
		ok(boxed == 0, "%s: no character is drawn as the box", name);
		ok(bad_has == 0, "%s: fpv_glyph_has every character", name);

		/* No two characters look alike (but '-' and U+2212). */
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (same(&all[i], &all[j]) &&
				    !(strcmp(chars[i], "-") == 0 &&
				    strcmp(chars[j], "\xe2\x88\x92") == 0)) {
					clashes++;
					diag("%s: '%s' and '%s' look alike", name,
					    chars[i], chars[j]);
				}
		ok(clashes == 0, "%s: the glyphs are pairwise distinct", name);

		/* The whole set in one line, in both encodings and modes. */
		for (flags = 0; flags < 4; flags++) {
			struct rendering r;

			render(&r, font, fpv_glyph_charset(), flags);
			ok(r.width > 0 && equal_widths(&r, flags),
			    "%s flags %u: the charset renders %d wide on "
			    "every line", name, flags, r.width);
		}
	}
}

/* Pairs that must not be mistaken for each other, and marks that show. */
static void
test_legibility(void)
{
	static const char *const pairs[][2] = {
		{ "0", "O" }, { "0", "8" }, { "8", "B" }, { "1", "7" },
		{ "1", "l" }, { "1", "I" }, { "l", "|" }, { "5", "S" },
		{ "2", "Z" }, { "-", "_" }, { "-", "~" }, { "-", "=" },
		{ ".", "," }, { ".", "\xe2\x80\xa6" }, { "~", "\xe2\x89\x88" },
		{ "x", "X" }, { "0", "o" }, { "e", "c" }, { "a", "o" },
	};
	enum fpv_glyph_font font;
	size_t i;

	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		const char *name = fpv_glyph_font_name(font);
		struct rendering a, b;
		int bad = 0;

		for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
			render(&a, font, pairs[i][0], 0);
			render(&b, font, pairs[i][1], 0);
			if (same(&a, &b)) {
				bad++;
				diag("%s: '%s' looks like '%s'", name,
				    pairs[i][0], pairs[i][1]);
			}
		}
		ok(bad == 0, "%s: look-alike pairs differ", name);
		ok(fpv_glyph_width(font, "-", 0) ==
		    fpv_glyph_width(font, "+", 0),
		    "%s: the minus is as wide as the plus", name);
		ok(fpv_glyph_width(font, "-1.5e-08", 0) ==
		    fpv_glyph_width(font, "\xe2\x88\x92" "1.5e\xe2\x88\x92" "08",
		    0), "%s: U+2212 is drawn as '-'", name);
		ok(fpv_glyph_width(font, ".", 0) >= 2,
		    "%s: the decimal point is two columns wide", name);
		ok(fpv_glyph_width(font, "0123456789", 0) ==
		    10 * fpv_glyph_width(font, "0", 0) + 9,
		    "%s: digits are all one width", name);
	}
}

/* Characters without glyphs, and bytes that are not UTF-8, are boxes:
 * one a character, or one a byte of what is not well-formed UTF-8. */
static void
test_unknown(void)
{
	static const struct { const char *s; int boxes; } unknown[] = {
		{ "\xc3\xa9", 1 }, { "\t", 1 }, { "\x7f", 1 }, { "`", 1 },
		{ "{", 1 }, { "@", 1 }, { "$", 1 }, { "&", 1 }, { "#", 1 },
		{ "\xe2\x96\x88", 1 }, { "\xf0\x9f\x98\x80", 1 },
		{ "\xff", 1 }, { "\xe2\x82", 2 }, { "\xc0\xaf", 2 },
		{ "\xed\xa0\x80", 3 }, { "\xf4\x90\x80\x80", 4 },
	};
	enum fpv_glyph_font font;
	size_t i;

	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		const char *name = fpv_glyph_font_name(font);
		struct rendering box, r;
		int bad = 0, cols[8];

		render(&box, font, "\xc3\xa9", 0);
		ok(inked(&box) && equal_widths(&box, 0),
		    "%s: the box is visible", name);
		for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
			char boxes[16] = "";
			int k;

			for (k = 0; k < unknown[i].boxes; k++)
				strcat(boxes, "\xc3\xa9");
			render(&box, font, boxes, 0);
			render(&r, font, unknown[i].s, 0);
			if (!same(&r, &box)) {
				bad++;
				diag("%s: unknown %zu is not %d boxes", name, i,
				    unknown[i].boxes);
			}
		}
		ok(bad == 0, "%s: unknown characters and bad bytes are "
		    "boxes", name);
		render(&box, font, "\xc3\xa9", 0);
		ok(fpv_glyph_columns(font, "1\xff\xfe" "2", 0, cols, 8) == 4 &&
		    fpv_glyph_width(font, "1\xff\xfe" "2", 0) ==
		    2 * fpv_glyph_width(font, "1", 0) + 2 * box.width + 3,
		    "%s: a box a bad byte", name);
		ok(!fpv_glyph_has(font, 0xe9) && !fpv_glyph_has(font, 0x1fb00),
		    "%s: fpv_glyph_has says no", name);
	}
}

/* The ASCII fallback is printable ASCII of the same shape. */
static void
test_ascii(void)
{
	enum fpv_glyph_font font;

	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		const char *name = fpv_glyph_font_name(font);
		struct rendering u, a;
		int i, bad = 0;
		size_t k;

		render(&u, font, fpv_glyph_charset(), 0);
		render(&a, font, fpv_glyph_charset(), FPV_GLYPH_ASCII);
		for (i = 0; i < a.rows; i++)
			for (k = 0; a.lines[i][k] != '\0'; k++)
				bad += a.lines[i][k] < 0x20 || a.lines[i][k] > 0x7e;
		ok(bad == 0 && equal_widths(&a, FPV_GLYPH_ASCII),
		    "%s: the ASCII fallback is printable ASCII", name);
		ok(a.width == u.width, "%s: as wide as the UTF-8 (%d)", name,
		    a.width);

		/* Cell by cell, the same pixels. */
		bad = 0;
		for (i = 0; i < u.rows; i++) {
			const char *p = u.lines[i], *q = a.lines[i];

			while (*p != '\0') {
				uint32_t cp = decode(&p);
				char c = *q++;

				bad += !((cp == ' ' && c == ' ') ||
				    (cp == 0x2580 && c == '"') ||
				    (cp == 0x2584 && c == '_') ||
				    (cp == 0x2588 && c == '#'));
			}
		}
		ok(bad == 0, "%s: the ASCII cells mirror the blocks", name);
	}
}

/* Rendering is deterministic and row by row equals all at once. */
static void
test_deterministic(void)
{
	enum fpv_glyph_font font;
	char text[64], line[LINE];
	int t, k, bad = 0, bad_line = 0, bad_width = 0;

	for (t = 0; t < 500; t++) {
		/* Random bytes from a pool of glyphs, unknowns and junk. */
		static const char pool[] = "0123456789.-+e xpabcdefABCDEFinfnaN"
		    "\xe2\x89\x88\xe2\x80\xa6\xff\t";
		unsigned flags = (unsigned)(rnd() % 4);
		int len = (int)(rnd() % 20);

		for (k = 0; k < len; k++)
			text[k] = pool[rnd() % (sizeof pool - 1)];
		text[len] = '\0';
		for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
			struct rendering a, b;
			int r;

			render(&a, font, text, flags);
			render(&b, font, text, flags);
			bad += !same(&a, &b);
			bad_width += a.width < 0 || !equal_widths(&a, flags) ||
			    a.width != fpv_glyph_width(font, text, flags);
			for (r = 0; r < a.rows; r++) {
				int w = fpv_glyph_render_line(font, text, flags,
				    r, line, sizeof line);

				bad_line += w != a.width ||
				    strcmp(line, a.lines[r]) != 0;
			}
		}
	}
	ok(bad == 0, "rendering twice gives the same lines");
	ok(bad_width == 0, "random texts: every line is as wide as the width");
	ok(bad_line == 0, "fpv_glyph_render_line gives the same lines");
}

/* Buffers too small, rows out of range: -1 and nothing written. */
static void
test_sizes(void)
{
	char a[FPV_GLYPH_LINE_SIZE(24)], b[FPV_GLYPH_LINE_SIZE(24)];
	char c[FPV_GLYPH_LINE_SIZE(24)];
	char *lines[3] = { a, b, c };
	int w = fpv_glyph_width(FPV_GLYPH_BIG, "65504", 0);

	ok(w == 24, "\"65504\" in big is 24 columns");
	memset(a, 'x', sizeof a);
	ok(fpv_glyph_render(FPV_GLYPH_BIG, "65504", 0, lines,
	    FPV_GLYPH_LINE_SIZE(w) - 1) == -1 && a[0] == 'x',
	    "one byte short: -1, nothing written");
	ok(fpv_glyph_render(FPV_GLYPH_BIG, "65504", 0, lines,
	    FPV_GLYPH_LINE_SIZE(w)) == w, "FPV_GLYPH_LINE_SIZE is enough");
	ok(fpv_glyph_render(FPV_GLYPH_BIG, "65504", FPV_GLYPH_ASCII, lines,
	    (size_t)w + 1) == w && strlen(a) == (size_t)w,
	    "ASCII needs width + 1 bytes");
	ok(fpv_glyph_render_line(FPV_GLYPH_BIG, "65504", 0, 3, a, sizeof a) ==
	    -1 && fpv_glyph_render_line(FPV_GLYPH_BIG, "65504", 0, -1, a,
	    sizeof a) == -1, "render_line: rows out of range");
}

/* Bit strings keep the gap between fields to one column. */
static void
test_bits(void)
{
	const char *bits = "0 01111 0000000000";
	enum fpv_glyph_font font;
	int cols[32];

	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		const char *name = fpv_glyph_font_name(font);
		int d = fpv_glyph_width(font, "0", 0);
		struct rendering r;
		int i, k, blank = 1;

		ok(fpv_glyph_width(font, bits, FPV_GLYPH_BITS) ==
		    16 * d + 17 + 2, "%s: 16 bits, 17 gaps and two 1-column "
		    "spaces", name);
		ok(fpv_glyph_width(font, bits, 0) >
		    fpv_glyph_width(font, bits, FPV_GLYPH_BITS),
		    "%s: wider without FPV_GLYPH_BITS", name);
		ok(fpv_glyph_columns(font, bits, FPV_GLYPH_BITS, cols, 32) ==
		    18 && cols[1] == d + 1 && cols[2] - (cols[0] + d) == 3 &&
		    cols[3] - (cols[2] + d) == 1 &&
		    cols[18] == fpv_glyph_width(font, bits, FPV_GLYPH_BITS),
		    "%s: fields start 3 columns after the last bit", name);
		/* The space's column is blank on every row. */
		render(&r, font, bits, FPV_GLYPH_BITS);
		for (i = 0; i < r.rows; i++) {
			const char *p = r.lines[i] +
			    fpv_glyph_offset(r.lines[i], cols[1]);

			blank &= *p == ' ';
			for (k = cols[7]; k < cols[8]; k++)
				blank &= r.lines[i][fpv_glyph_offset(r.lines[i],
				    k)] == ' ';
		}
		ok(blank, "%s: the gaps are blank", name);
	}
}

/* Each character's columns in a line are its rendering alone. */
static void
test_columns(void)
{
	static const char *const texts[] = {
		"65504", "-1.5e-08", "\342\211\2100.1\342\200\246",	/* ≈0.1… */
		"0 01111 0000000000", "fp8e4m3",
	};
	enum fpv_glyph_font font;
	size_t t;

	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		const char *name = fpv_glyph_font_name(font);
		int bad = 0, cols[64], n, i, r;

		for (t = 0; t < sizeof texts / sizeof texts[0]; t++) {
			struct rendering all, one;
			const char *s = texts[t];

			n = fpv_glyph_columns(font, s, FPV_GLYPH_BITS, cols, 64);
			render(&all, font, s, FPV_GLYPH_BITS);
			bad += cols[n] != all.width;
			for (i = 0; i < n; i++) {
				char ch[8];
				const char *p = s;

				(void)decode(&p);
				memcpy(ch, s, (size_t)(p - s));
				ch[p - s] = '\0';
				s = p;
				render(&one, font, ch, FPV_GLYPH_BITS);
				bad += cols[i + 1] - cols[i] !=
				    one.width + (i + 1 < n);
				for (r = 0; r < all.rows; r++) {
					size_t a = fpv_glyph_offset(all.lines[r],
					    cols[i]);
					size_t b = fpv_glyph_offset(all.lines[r],
					    cols[i] + one.width);

					bad += b - a != strlen(one.lines[r]) ||
					    memcmp(all.lines[r] + a,
					    one.lines[r], b - a) != 0;
				}
			}
		}
		ok(bad == 0, "%s: columns and offsets cut out each "
		    "character's glyph", name);
		ok(fpv_glyph_columns(font, "65504", 0, cols, 2) == 5,
		    "%s: the count is the whole text's, however few are "
		    "stored", name);
	}
	ok(fpv_glyph_offset("ab", 5) == 2 && fpv_glyph_offset("", 0) == 0,
	    "offsets past the end stop at the end");
}

/* The chooser takes the largest font that fits, or says none does. */
static void
test_fit(void)
{
	const char *fp16 = "0 01111 0000000000";
	const char *fp32 = "0 01111101 00110011001100110011010";
	const char *fp64 = "0 01111111101 "
	    "0011001100110011001100110011001100110011001100110100";
	int tall = fpv_glyph_width(FPV_GLYPH_TALL, "65504", 0);
	int big = fpv_glyph_width(FPV_GLYPH_BIG, "65504", 0);

	ok(fpv_glyph_fit("65504", 0, 200, 60) == FPV_GLYPH_TALL,
	    "\"65504\" at 200x60: tall");
	ok(fpv_glyph_fit("65504", 0, tall, 4) == FPV_GLYPH_TALL &&
	    fpv_glyph_fit("65504", 0, tall - 1, 4) == FPV_GLYPH_BIG,
	    "one column short of tall: big");
	ok(fpv_glyph_fit("65504", 0, big, 4) == FPV_GLYPH_BIG &&
	    fpv_glyph_fit("65504", 0, big - 1, 60) == FPV_GLYPH_NONE,
	    "one column short of big: none (normal text)");
	ok(fpv_glyph_fit("65504", 0, 200, 3) == FPV_GLYPH_BIG &&
	    fpv_glyph_fit("65504", 0, 200, 2) == FPV_GLYPH_NONE,
	    "rows limit the font too");
	ok(fpv_glyph_fit(fp16, FPV_GLYPH_BITS, 120, 40) == FPV_GLYPH_TALL &&
	    fpv_glyph_width(FPV_GLYPH_TALL, fp16, FPV_GLYPH_BITS) == 99,
	    "fp16 bits at 120 columns: tall, 99 wide");
	ok(fpv_glyph_fit(fp16, FPV_GLYPH_BITS, 90, 40) == FPV_GLYPH_BIG &&
	    fpv_glyph_width(FPV_GLYPH_BIG, fp16, FPV_GLYPH_BITS) == 83,
	    "fp16 bits at 90 columns: big, 83 wide");
	ok(fpv_glyph_fit(fp32, FPV_GLYPH_BITS, 200, 60) == FPV_GLYPH_TALL &&
	    fpv_glyph_width(FPV_GLYPH_TALL, fp32, FPV_GLYPH_BITS) == 195,
	    "fp32 bits at 200 columns: tall, 195 wide");
	ok(fpv_glyph_fit(fp32, 0, 200, 60) == FPV_GLYPH_BIG,
	    "fp32 bits with wide spaces do not fit tall at 200");
	ok(fpv_glyph_fit(fp32, FPV_GLYPH_BITS, 120, 40) == FPV_GLYPH_NONE,
	    "fp32 bits at 120 columns: none");
	ok(fpv_glyph_fit(fp64, FPV_GLYPH_BITS, 200, 60) == FPV_GLYPH_NONE,
	    "fp64 bits at 200 columns: none");
	ok(fpv_glyph_fit("0.30000000000000004", 0, 120, 40) ==
	    FPV_GLYPH_TALL, "0.30000000000000004 at 120 columns: tall");
	ok(fpv_glyph_fit("", 0, 0, 4) == FPV_GLYPH_TALL,
	    "the empty text fits anything");
}

/* The text of a golden file for font (ASCII or not) into out. */
static size_t
golden(enum fpv_glyph_font font, bool ascii, char *out, size_t size)
{
	size_t len = 0, i;
	int r;

	len += (size_t)snprintf(out + len, size - len,
	    "# fpviz large glyphs: the %s font (%d rows), %s.\n"
	    "# Made by: tests/test-glyphs --golden %s%s\n"
	    "# Each line of a rendering is between '|'.\n",
	    fpv_glyph_font_name(font), fpv_glyph_rows(font),
	    ascii ? "ASCII fallback" : "UTF-8 block elements",
	    fpv_glyph_font_name(font), ascii ? " ascii" : "");
	for (i = 0; i < sizeof golden_texts / sizeof golden_texts[0]; i++) {
		const struct golden_text *g = &golden_texts[i];
		unsigned flags = g->flags | (ascii ? FPV_GLYPH_ASCII : 0);
		struct rendering rd;

		render(&rd, font, g->text, flags);
		len += (size_t)snprintf(out + len, size - len,
		    "\n\"%s\"%s, %d columns\n", g->text,
		    g->flags & FPV_GLYPH_BITS ? " as bits" : "", rd.width);
		for (r = 0; r < rd.rows; r++)
			len += (size_t)snprintf(out + len, size - len, "|%s|\n",
			    rd.lines[r]);
	}
	return len;
}

/* Compare the golden file of font with the rendering, in full. */
static void
test_golden(enum fpv_glyph_font font, bool ascii)
{
	static char want[65536], got[65536];
	const char *dir = getenv("top_srcdir");
	char path[4096];
	size_t wlen, glen, i, line = 1;
	FILE *fp;

	snprintf(path, sizeof path, "%s/tests/golden/glyphs-%s%s.txt",
	    dir ? dir : FPV_SRCDIR, fpv_glyph_font_name(font),
	    ascii ? "-ascii" : "");
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	wlen = fread(want, 1, sizeof want - 1, fp);
	fclose(fp);
	want[wlen] = '\0';
	glen = golden(font, ascii, got, sizeof got);
	for (i = 0; i < wlen && i < glen && want[i] == got[i]; i++)
		line += want[i] == '\n';
	if (!ok(wlen == glen && i == wlen, "golden %s matches in full",
	    strrchr(path, '/') + 1)) {
		diag("first difference at line %zu; to see it:", line);
		diag("  tests/test-glyphs --golden %s%s | diff %s -",
		    fpv_glyph_font_name(font), ascii ? " ascii" : "", path);
	}
}

int
main(int argc, char **argv)
{
	enum fpv_glyph_font font;

	if (argc >= 3 && strcmp(argv[1], "--golden") == 0) {
		static char out[65536];
		bool ascii = argc >= 4 && strcmp(argv[3], "ascii") == 0;

		if ((font = fpv_glyph_font_by_name(argv[2])) == FPV_GLYPH_NONE) {
			fprintf(stderr, "no font '%s'\n", argv[2]);
			return 2;
		}
		fwrite(out, 1, golden(font, ascii, out, sizeof out), stdout);
		return 0;
	}
	test_selfcheck();
	test_fonts();
	test_charset();
	test_legibility();
	test_unknown();
	test_ascii();
	test_deterministic();
	test_sizes();
	test_bits();
	test_columns();
	test_fit();
	for (font = FPV_GLYPH_BIG; font < FPV_GLYPH_FONTS; font++) {
		test_golden(font, false);
		test_golden(font, true);
	}
	return tap_done();
}
