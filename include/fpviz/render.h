/*
 * Renderers that print traces as text tables and as JSON Lines.
 *
 * They only read a trace; the same functions serve batch mode and the
 * line-mode REPL.
 */
#ifndef FPVIZ_RENDER_H
#define FPVIZ_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fpviz/trace.h"

struct fpv_render_opts {
	bool steps;		/* show every step, not only the result */
	bool color;		/* ANSI colour (text only) */
	/* Rows a lesson points at (bit k: row k), marked in the text
	 * tables: '>' the row it selects, '*' the rows it highlights. */
	uint32_t selected, highlighted;
	int width;		/* text: lay rows out for this many columns
				   (0: no limit, one line a row) */
};

/* The settings of format f that differ from its defaults, as
 * "scale 0.1, zero point 0, wrap" (integer grids) or "overflow
 * saturate"; compact: only those not at their default, as "scale 0.1
 * zero 3 wrap", the scale to 6 digits.  Empty when all are defaults.
 * Returns the length. */
/*
 * One flag's word, as every renderer writes it: its name
 * (fpv_flag_names), and for a cancellation that lost bits how many
 * ("cancellation(1 bit)", "cancellation(12 bits)").  Writes at most
 * FPV_FLAG_WORD bytes at p (no NUL); returns the end.
 */
#define FPV_FLAG_WORD 48
char *fpv_flag_word(char *p, int bit, int32_t cancelled);

/*
 * The per-tensor figures of column f of vector v (a step of t's), as
 * text and the view write them: "max err 2.4e-04  rmse 1.5e-04  sqnr
 * 67 dB" and the counts that are not zero; dash stands for a figure
 * that is not a number.  Returns the length written into buf.
 */
size_t fpv_vec_figs_text(const struct fpv_trace *t, const struct fpv_vec *v,
    int f, const char *dash, char *buf, size_t size);

size_t fpv_render_settings(const struct fpv_format *f, bool compact,
    char *buf, size_t size);

/* Print the result table (and with opts->steps every step) as text. */
void fpv_render_text(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts);

/* Print step i of t as a text block (heading and one row per format). */
void fpv_render_text_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts);

/* Print one JSON Lines object for the evaluated line. */
void fpv_render_json(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts);

/* Print the JSON Lines object of a line that failed: {"expr": ...} or,
 * for a colon command, {"command": ...}, with its "error". */
void fpv_render_json_error(FILE *out, const char *src, size_t len,
    const struct fpv_error *err);

/* The same two objects without the newline (inside another object). */
void fpv_render_json_object(FILE *out, const struct fpv_trace *t,
    const struct fpv_render_opts *opts);
void fpv_render_json_error_object(FILE *out, const char *src, size_t len,
    const struct fpv_error *err);

/* Print the JSON object of step i of t as "steps" holds it (no newline). */
void fpv_render_json_step(FILE *out, const struct fpv_trace *t, size_t i,
    const struct fpv_render_opts *opts);

/*
 * Print one line of text that came from input (no newline in it) in the
 * safe notation of fpviz/safe.h, and a newline.  With width > 0 a line
 * wider than that is broken between words, its continuation lines
 * indented as it is, or with hang under its second column (after its
 * first run of two or more blanks, when that is in the left half).
 */
void fpv_render_line(FILE *out, const char *s, size_t len, int width,
    bool hang);

/* Print "error: L:C: message" (coloured when asked) and a newline. */
void fpv_render_error(FILE *out, const struct fpv_error *err, bool color);

/* Write s as a JSON string literal (with quotes). */
void fpv_json_string(FILE *out, const char *s, size_t len);

#endif
