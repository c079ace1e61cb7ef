/*
 * Large glyphs: short texts (values, bit strings, format names) drawn
 * several terminal rows tall, for the projector layout.
 *
 * The module only makes strings: no curses, no terminal, no locale.  A
 * text is rendered into one NUL-terminated line of UTF-8 (or ASCII) per
 * terminal row, every line of a rendering the same number of columns
 * wide.
 *
 * Fonts.  A glyph is a bitmap whose pixels are half a terminal cell: one
 * column wide and half a row tall, so they are square on the usual 1:2
 * cell and a stroke has the same thickness across and down.  Each cell
 * holds two pixels, drawn with one of four characters:
 *
 *     pixels   UTF-8                      ASCII (FPV_GLYPH_ASCII)
 *     none     ' '                        ' '
 *     upper    U+2580 UPPER HALF BLOCK    '"'
 *     lower    U+2584 LOWER HALF BLOCK    '_'
 *     both     U+2588 FULL BLOCK          '#'
 *
 * Only these three of the block elements (U+2580-U+259F) are used: they
 * are in every UTF-8 terminal font (and in code page 437), one column
 * each, and xterm, VTE, kitty and tmux show them.  The sextants of
 * Symbols for Legacy Computing (U+1FB00-U+1FB3B, Unicode 13) would give
 * finer pixels, but few fonts have them, terminals draw them themselves
 * only since recent releases (urxvt not at all), and a libc older than
 * Unicode 13 gives them no width, which breaks tmux's and curses'
 * column counts; so they are not used.
 *
 *     font  rows  pixels  digit cell   caps / x-height / descender
 *     big    3    6 high  4x5 (+1 gap) 5 / 4 / 1 pixel rows
 *     tall   4    8 high  5x7 (+1 gap) 7 / 5 / 1 pixel rows
 *
 * Consecutive glyphs are one column apart.  Digits have one width in a
 * font (tabular: numbers of one length line up); letters and marks are
 * as wide as their shape.  The shapes are made to be told apart from
 * the back of a room: 0 is narrower than O (big) or dotted (tall), 8
 * has a waist and B a straight back, 1 has a flag and a foot and 7
 * neither, 5 a square shoulder and S a round one, 2 a round top and Z a
 * flat one; the decimal point is a 2x2 dot and the ellipsis three small
 * ones; '-' is a minus sign (the width and height of the bar of '+'),
 * in "-1.5e-08" as in "e-08".  A character without a glyph is drawn as
 * an empty box, never as nothing; invalid UTF-8 too, a box a byte.
 *
 * Characters: fpv_glyph_charset() lists them (every font has the same
 * set): the digits, the letters A-Z and a-z (hex digits, "inf", "nan",
 * "NaN", format names), space, . , - + : ; | ~ ^ ( ) [ ] / \ = _ * ' "
 * ! ? < > %, U+2212 MINUS SIGN (drawn as '-'), U+2248 ALMOST EQUAL TO
 * and U+2026 HORIZONTAL ELLIPSIS.
 *
 * Bit strings (FPV_GLYPH_BITS): a space is one column wide instead of a
 * letter's width, so the fields of "0 01111 0000000000" stand three
 * columns apart where their bits stand one, and fp32's 32 bits fit 200
 * columns in the tall font.
 *
 * Ownership: the caller provides every buffer; nothing is allocated and
 * nothing is kept between calls.  On failure nothing is written.
 *
 * ---------------------------------------------------------------------
 * Design note: the view's --big layout (ROW_BIG), to adopt later.
 *
 * The selected format row is drawn large and the others stay compact:
 *   1. The other rows (and the exact row when it is not the subject)
 *      keep the one-line ROW_ONE form at the top, so every format is
 *      still on screen and the selection can move.
 *   2. Below them, for the selected format: its value, its bits (with
 *      FPV_GLYPH_BITS) and the exact value, each in the largest font
 *      that fits the width less the label column, chosen separately
 *      with fpv_glyph_fit(text, flags, cols, rows_left), so a short
 *      value can be tall while long bits are big.  A blank row between
 *      two large texts; the label ("fp16", "bits", "exact") in normal
 *      text at the left of the first row of each, or drawn large above
 *      when the screen has rows to spare.
 *   3. Colour by field as the small bits are: fpv_glyph_columns() gives
 *      each input character's first column and fpv_glyph_offset() the
 *      byte where a column starts in a line, so a line is drawn in
 *      runs (sign, exponent, fraction) with the usual styles.  The
 *      shapes carry the characters alone, so monochrome loses nothing;
 *      markers (inexact, overflow ...) stay words in normal text.
 *   4. When no font fits (fpv_glyph_fit returns FPV_GLYPH_NONE, e.g.
 *      fp64's 64 bits or a 57-digit exact value), draw the normal text;
 *      bits may first be tried field by field on two large lines (sign
 *      and exponent, then the fraction) before falling back.
 *   5. Sizes (a digit is 6 columns in the tall font, 5 in the big one,
 *      spacing included): at 200x60 the tall font takes fp16 and fp32
 *      bits (99 and 195 columns) and values of up to about 30
 *      characters; at 120x40 it takes fp16 bits and
 *      "0.30000000000000004" (99 and 110 columns), while fp32 bits (163
 *      in the big font) go to normal text.  Three large texts of 4 rows
 *      with a blank row after each take 15 rows, leaving room for the
 *      compact rows, the detail pane and the step list.
 *   6. Without UTF-8 (v->utf8 false) pass FPV_GLYPH_ASCII.
 */
#ifndef FPVIZ_GLYPHS_H
#define FPVIZ_GLYPHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fonts, smallest first (ORDER FONT: keep in step with fonts[] in
 * glyphs.c).  FPV_GLYPH_NONE is no font: "draw normal text". */
enum fpv_glyph_font {
	FPV_GLYPH_NONE,
	FPV_GLYPH_BIG,		/* 3 rows */
	FPV_GLYPH_TALL,		/* 4 rows */
	FPV_GLYPH_FONTS		/* the number of values above */
};

/* Flags of a rendering. */
#define FPV_GLYPH_ASCII	0x1u	/* '#', '"', '_' for the block elements */
#define FPV_GLYPH_BITS	0x2u	/* a space is one column (bit fields) */

/* Bytes enough for one rendered line of width columns, NUL included
 * (a block element is 3 bytes of UTF-8; with FPV_GLYPH_ASCII width + 1
 * is enough). */
#define FPV_GLYPH_LINE_SIZE(width) (3 * (size_t)(width) + 1)

/* The most rows of any font. */
#define FPV_GLYPH_MAX_ROWS 4

/* The terminal rows of a rendering in font (3, 4), 1 for FPV_GLYPH_NONE,
 * 0 for a value that is no font. */
int fpv_glyph_rows(enum fpv_glyph_font font);

/* The font's name ("big", "tall"; "none"), or NULL. */
const char *fpv_glyph_font_name(enum fpv_glyph_font font);

/* The font named name, or FPV_GLYPH_NONE. */
enum fpv_glyph_font fpv_glyph_font_by_name(const char *name);

/* Every character the fonts have a glyph for, as UTF-8. */
const char *fpv_glyph_charset(void);

/* Whether font has a glyph for the code point cp. */
bool fpv_glyph_has(enum fpv_glyph_font font, uint32_t cp);

/*
 * The width in terminal columns of text (UTF-8, NUL-terminated) rendered
 * in font with flags: the same for every line.  0 for "", -1 when font
 * is FPV_GLYPH_NONE or no font.
 */
int fpv_glyph_width(enum fpv_glyph_font font, const char *text,
    unsigned flags);

/*
 * Render text in font: line r (0 <= r < fpv_glyph_rows(font)) into
 * lines[r], each of size bytes.  Returns the width in columns (every
 * line has it), or -1 when font is no font or size is less than
 * FPV_GLYPH_LINE_SIZE(width) (width + 1 for FPV_GLYPH_ASCII); then
 * nothing is written.
 */
int fpv_glyph_render(enum fpv_glyph_font font, const char *text,
    unsigned flags, char *const lines[], size_t size);

/* The same for line row alone, into buf (size bytes); -1 also when row
 * is out of range. */
int fpv_glyph_render_line(enum fpv_glyph_font font, const char *text,
    unsigned flags, int row, char *buf, size_t size);

/*
 * The first column of each character of text in its rendering: cols[i]
 * for the i-th character (code point, or invalid byte) for i < n, and
 * after the last character the total width.  Returns the number of
 * characters of text (however many were stored), or -1 when font is no
 * font.
 */
int fpv_glyph_columns(enum fpv_glyph_font font, const char *text,
    unsigned flags, int *cols, size_t n);

/* The byte offset in a rendered line where column col begins (the
 * line's length for col at or past its end). */
size_t fpv_glyph_offset(const char *line, int col);

/*
 * The largest font whose rendering of text is at most cols columns wide
 * and rows rows tall, or FPV_GLYPH_NONE when none fits (draw the normal
 * text then).
 */
enum fpv_glyph_font fpv_glyph_fit(const char *text, unsigned flags,
    int cols, int rows);

/*
 * Check the font tables: each row of a strip of glyphs splits into the
 * same widths, pixels are '#' or ' ', every font has the same characters.
 * Returns 0, or -1 with a message in why (size bytes).  For the tests.
 */
int fpv_glyph_selfcheck(char *why, size_t size);

#endif
