/*
 * The full-screen view's insides, shared by its source files and by the
 * responsiveness benchmark (bench/view-bench.c):
 *
 *   src/view-model.c  what is shown: the trace, the current step, the
 *                     selected format, messages, overlays, lessons, and
 *                     the texts of the current step (computed once per
 *                     step, not once per frame);
 *   src/view-draw.c   palettes, layout and drawing with curses;
 *   src/view-input.c  keys and the readline input line;
 *   src/view.c        terminal set-up, signals and the main loop.
 *
 * The model and the drawing know nothing of readline: the input line's
 * text reaches them as a copy (struct fpv_view.input).  Only the view
 * includes curses; the core never includes this header.
 *
 * Bit editing: a mode of the selected row, entered with F2 in
 * view_input_key (which then sends keys to the editor before readline),
 * with a cursor over v->cells[v->sel].bin that draw_bits highlights;
 * toggling a bit, or typing the bits in hex, evaluates the bit-pattern
 * literal ("fp16:0x3c01") as if typed, so values, flags, neighbours and
 * the detail pane follow by the usual path.  The big layout is
 * ROW_BIG, chosen in view_layout from fpv_display.big.
 */
#ifndef FPVIZ_VIEW_IMPL_H
#define FPVIZ_VIEW_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <curses.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/describe.h"
#include "fpviz/lesson.h"
#include "fpviz/line.h"
#include "fpviz/reduce.h"
#include "fpviz/trace.h"

/* Smallest terminal the view draws into; below, "terminal too small". */
#define VIEW_MIN_COLS 40
#define VIEW_MIN_ROWS 12

/* Text styles (ORDER STYLE: keep in step with the palettes in view-draw.c). */
enum view_style {
	ST_NORMAL, ST_TITLE, ST_LABEL, ST_SPAN, ST_SPANMARK, ST_SIGN, ST_EXP,
	ST_FRAC, ST_IMAG, ST_HEX, ST_VALUE, ST_EXACT, ST_KEPT, ST_DROPPED,
	ST_SELECTED, ST_CURSTEP, ST_ERROR, ST_WARN, ST_INFO, ST_HINT, ST_KEY,
	ST_SEP, ST_CAPTION, ST_BITCUR, ST_HIGHLIGHT,
	/* markers: a word in its own style for each event */
	ST_M_INEXACT, ST_M_OVERFLOW, ST_M_UNDERFLOW, ST_M_SUBNORMAL,
	ST_M_ABSORBED, ST_M_CANCEL, ST_M_INVALID, ST_M_DIVZERO,
	ST_M_SATURATED, ST_M_WRAPPED, ST_M_NAN, ST_M_INF,
	/* a vector's cells by error class (ORDER ECLS) */
	ST_E_EXACT, ST_E_HALF, ST_E_ONE, ST_E_MORE,
	ST_COUNT
};

/* Which palette is in use. */
enum view_colors { COLORS_MONO, COLORS_8, COLORS_256 };

/* Status-line messages, by severity. */
enum view_msg { MSG_NONE, MSG_INFO, MSG_WARN, MSG_ERROR };

/* What covers the body of the screen, if anything. */
enum view_overlay { OV_NONE, OV_HELP, OV_TEXT };

/* How the format rows are laid out. */
enum view_rowmode {
	ROW_ONE,	/* one line: name, bits, value, error, flags */
	ROW_TWO,	/* bits (wrapped by field) and hex; value, error, flags */
	ROW_WIDE,	/* one line with everything */
	ROW_COMPACT,	/* value, error, flags (a second line for them if
			 * need be); the selected row's bits below */
	ROW_BIG		/* --big: the rows as ROW_COMPACT, one line each;
			 * the selected one in large glyphs (view-big.c) */
};

/* The projector layout needs this much: columns, and lines for its large
 * texts beyond the rows. */
#define VIEW_BIG_MIN_COLS 60
#define VIEW_BIG_MIN_ROWS 8

/* The geometry of the screen, recomputed on resize and on changes of
 * the visible formats, the caption or the status message's lines. */
struct view_layout {
	int rows, cols;
	bool too_small;
	bool compact;		/* below the normal size: fewer lines */
	int caption_rows;	/* lesson caption lines shown */
	bool desc;		/* the step in words under the expression */
	int top_rows;		/* title, caption, expression, description */
	bool marks;		/* '^~~~' under the highlighted span */
	enum view_rowmode rowmode;
	int sep1;		/* separator line above the rows (0 or 1) */
	int fmt_rows;		/* lines of the format rows and the exact row
				 * (ROW_COMPACT: at most) */
	int sep2;		/* separator above the detail pane */
	int detail_rows;	/* lines of the detail pane */
	int sep3;		/* separator above the step list */
	int steps_rows;		/* lines of the step list below the detail */
	int side_w;		/* width of the step list beside the detail, or 0 */
	int big_rows;		/* ROW_BIG: lines of the large block */
	bool vec;		/* laid out for a vector step: each row a
				 * strip of cells and a line of figures */
	bool sub;		/* for a step with sub-steps (a reduction,
				 * a block quantization): a taller detail */
	int body_rows;		/* lines between the top and the status line */
	int status_rows;	/* the status line (an error: up to 3 lines) */
};

/* The most lines a format's bits wrap onto. */
#define VIEW_WRAP_MAX 8

/* The bits of a format laid out within a width (view_wrap_bits): line j
 * holds bits [from[j], to[j]) (0: the most significant), the lines after
 * the first starting cont columns right of it. */
struct view_bitwrap {
	int n;
	int from[VIEW_WRAP_MAX], to[VIEW_WRAP_MAX];
	int cont;
	int width;		/* columns of the widest line */
};

/* The texts of one format's cell at the current step. */
struct view_cell {
	char bin[72];		/* binary digits, most significant first */
	char hex[24];
	char val[FPV_DEC_VALUE];	/* the value (fpv_dec_value) */
	char abs[FPV_DEC_FIGURE], rel[FPV_DEC_FIGURE], ulps[FPV_DEC_FIGURE];
				/* accumulated error (fpv_figure_text) */
	bool err_zero;		/* no error at all */
	bool err_defined;	/* false: NaN or infinity against a finite value */
	uint32_t flags;		/* this step's flags */
	int32_t cancelled;
	enum fpv_class cls;
};

/* The detail pane of the selected format at the current step. */
struct view_detail {
	bool valid;
	int fmt;
	size_t step;
	char what[160];		/* "rounded up", "exact", "overflow to +inf" */
	char loss[120];		/* this step's own loss: "lost 1.2e-05 (0.2 ulp)" */
	/* the local exact result's significand: kept | dropped */
	char lead[8];		/* "1." / "0." / "-1." ... or "" */
	char kept[80];		/* the bits that fit */
	char dropped[200];	/* the bits rounding dropped (a prefix) */
	bool more;		/* nonzero bits beyond dropped[] */
	char scale[48];		/* " x2^-4" */
	char plain[320];	/* instead of bits: "inf", "nan", "0"; for
				   an integer grid its requantization
				   (fpv_describe_requant) */
	char stored[80];	/* the stored significand's digits, same form;
				   an integer grid's code as its row shows it */
	char stored_lead[8];
	char stored_scale[48];	/* " x2^-2": the stored value's exponent;
				   "  q = -56" for a grid */
	char *dec;		/* the stored value's exact decimal (malloc'd) */
	size_t dec_digits;	/* its significant digits */
	bool has_down, has_up;
	char down_hex[24], down_val[FPV_DEC_VALUE];
	char up_hex[24], up_val[FPV_DEC_VALUE];
	char ulp[112];		/* "0.000244140625 = 2^-12" */
	char total[320];	/* accumulated error with bits lost */
};

/*
 * One lesson being played.  It is shown as slides: a slide is a run of
 * command items ended by an expression item (or by the lesson's end);
 * its commands run when it is shown, their captions join the
 * expression's, and multi-line replies (":info") open an overlay.
 */
struct view_lesson {
	bool on;
	struct fpv_lesson l;
	size_t *end;		/* end[j]: index of slide j's last item */
	size_t nslides;
	size_t slide;		/* slide shown */
	struct fpv_line_state start;	/* settings, display, variables and
					   the line shown when the lesson
					   started (fpv_line_enter), all
					   back when it ends */
	size_t start_step;		/* the step shown then */
	char start_sel[FPV_NAME_MAX];	/* the format selected then */
};

/* The bit editor of the selected row (F2). */
struct view_bitedit {
	bool on;
	int cur;		/* the bit under the cursor, 0: most significant */
	bool hex;		/* the hex prompt is open on the input line */
	char hexbuf[24];	/* hex digits typed so far */
};

/*
 * A reduction's accumulator steps in the selected column, as the view
 * steps through them: a window of the recorded steps (the reduction is
 * run again when the selection leaves it) and the selected one.
 */
struct view_acc {
	bool valid;		/* the window is the shown step's, column fmt's */
	size_t step;
	int fmt;
	struct fpv_reduce_step *s;	/* the window (malloc'd) */
	size_t first, n;	/* steps first .. first + n - 1 */
	size_t total;		/* the reduction's steps */
	const struct fpv_format *acc;	/* the accumulator's format */
	int order;
	size_t k;		/* the selected step, 0-based; SIZE_MAX: to be
				   chosen (the last, or with start the first) */
	size_t kstep;		/* the step k was chosen on */
	bool start;		/* entered going forward: start at the first */
};

struct fpv_view {
	struct fpv_session *s;
	struct fpv_display *d;

	/* The line handler, shared with line mode: the shown result is
	 * its last trace; it keeps the variables as they were before the
	 * shown line, so that evaluating it again (after :set) does not
	 * compound. */
	struct fpv_line line;
	size_t step;		/* shown step, 0-based */
	int sel;		/* selected format row: a column of the shown trace */
	uint32_t highlight;	/* rows a lesson's slide highlights (bit k:
				   row k); none once a line is typed */
	char *caption;		/* lesson caption of the shown item (malloc'd), or NULL */

	/* step descriptions of the shown trace in the selected format's
	 * values (computed when first drawn) */
	char **desc;
	size_t ndesc;
	int desc_fmt;		/* the format they are in */

	/* texts of the shown step; on a vector step (view_vec) a row's
	 * cell is its selected element's, and vfigs its per-tensor
	 * figures */
	bool cells_valid;
	size_t cells_step;
	struct view_cell cells[FPV_COLUMNS_MAX];
	char vfigs[FPV_COLUMNS_MAX][192];
	bool vfigs_valid;

	/* A vector step: the selected element, the first element the
	 * strips show (view-draw.c keeps the selected one in sight), and
	 * the cells as codes in hex (F3) instead of values. */
	size_t elem, eltop;
	bool cellhex;
	char exact[192];	/* the exact row's value and state */
	struct view_detail det;
	struct view_acc acc;	/* a reduction's accumulator steps */

	/* status line and overlay */
	char msg[512];
	enum view_msg msgkind;
	int msgcol;		/* MSG_ERROR of a line: the error's column */
	enum view_overlay ov;
	char *ovtext;		/* OV_TEXT: malloc'd text; OV_HELP: built */
	int ovscroll;

	struct view_lesson lesson;
	struct view_bitedit be;

	/* the input line, as readline last showed it */
	char prompt[64];
	char *input;
	size_t inputlen, inputcap, point;
	size_t inscroll;	/* first column of the line shown */

	/* A typed line that failed: it goes back on the input line, and
	 * while it is there unchanged under its error message, a caret
	 * marks the error's column (view-draw.c). */
	char *failed;		/* malloc'd, or NULL */
	size_t failed_off;	/* byte offset of the error's column in it */
	bool caret_shown;	/* the caret was drawn last time */

	/* the screen */
	bool utf8;
	enum view_colors colors;
	attr_t attr[ST_COUNT];
	short pair[ST_COUNT];
	struct view_layout lay;
	int rowtop;		/* first format row shown when they scroll */
	WINDOW *wtop, *wbody, *wstatus, *winput;
	unsigned dirty;		/* DIRTY_* */
	bool quit;
};

enum {
	DIRTY_TOP = 1u << 0,
	DIRTY_BODY = 1u << 1,
	DIRTY_STATUS = 1u << 2,
	DIRTY_INPUT = 1u << 3,
	DIRTY_LAYOUT = 1u << 4,	/* recompute the layout, then draw all */
	DIRTY_CLEAR = 1u << 5,	/* repaint the terminal from scratch */
	DIRTY_ALL = 0x3f
};

/* ---- view-model.c ---- */

/* Initialize v for session s and display d (no terminal needed). */
void view_init(struct fpv_view *v, struct fpv_session *s,
    struct fpv_display *d);
void view_free(struct fpv_view *v);

/* The trace shown, or NULL before the first result. */
const struct fpv_trace *view_trace(const struct fpv_view *v);

/* The number of format rows, and the format of row k: the shown trace's
 * columns, or before any result the session's. */
int view_ncols(const struct fpv_view *v);
const struct fpv_format *view_format(const struct fpv_view *v, int k);

/* Enter a line as if typed: an expression or a colon command.  If the
 * line fails (not a command it ran), v->failed holds it and
 * v->failed_off the error's column, for the input line to offer it
 * again. */
void view_submit(struct fpv_view *v, const char *line);

/* Step by delta (clamped); past the ends, a lesson moves to its
 * neighbouring item, and past its first or last step it is left (its
 * settings undone).  Returns true if anything changed. */
bool view_step(struct fpv_view *v, long delta);

/* Go to the first (where < 0) or last (where > 0) step. */
bool view_step_end(struct fpv_view *v, int where);

/* Select the next (delta 1) or previous (-1) visible format row. */
void view_select(struct fpv_view *v, int delta);

/* Keep sel on a visible format (after the format list changed). */
void view_fix_selection(struct fpv_view *v);

/* Select the row of the format called name: 0, or -1 (nothing changes)
 * if no row shows it. */
int fpv_view_select_format(struct fpv_view *v, const char *name);

/* Start the lesson called name; problems go to the status line. */
void view_lesson_start(struct fpv_view *v, const char *name);

/* Set the status line (printf-style). */
void view_message(struct fpv_view *v, enum view_msg kind, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Open an overlay; text is copied (OV_TEXT) or ignored (OV_HELP). */
void view_overlay(struct fpv_view *v, enum view_overlay ov, const char *text);
void view_overlay_close(struct fpv_view *v);

/* The help overlay's text (keys, then the commands of :help). */
char *view_help_text(struct fpv_view *v);

/* The description of step i of the shown trace (cached). */
const char *view_step_desc(struct fpv_view *v, size_t i);

/* Fill the cell and detail texts of the shown step (cached). */
void view_prepare(struct fpv_view *v);

/* The vector of the shown step, or NULL (a scalar step, or none). */
const struct fpv_vec *view_vec(const struct fpv_view *v);

/* Select the element delta away (past the ends: the step before or
 * after), or the first (where < 0) or last (where > 0) element (on it
 * already: the first or last step); F3: cells as codes or values. */
void view_elem_move(struct fpv_view *v, long delta);
void view_elem_end(struct fpv_view *v, int where);
void view_cells_hex(struct fpv_view *v);

/* What the shown step is: FPV_SHOWN_* bits (keys.h). */
unsigned view_shown(const struct fpv_view *v);

/*
 * A reduction shown (a scalar step of sum, dot, mean, max, min, norm2
 * or logsumexp): its accumulator steps in the selected column.  view_acc
 * makes the window hold the selected step and returns it (NULL when the
 * shown step is no reduction, or out of memory); *k gets its index.
 * view_acc_at gives step j if the window holds it (j within a few
 * dozen of the selected one always is), else NULL.
 */
const struct fpv_reduce_step *view_acc(struct fpv_view *v, size_t *k);
const struct fpv_reduce_step *view_acc_at(const struct fpv_view *v,
    size_t j);
/* Select the accumulator step delta away (past the ends: the step
 * before or after), the first (where < 0) or last (where > 0) one (on
 * it already: the first or last step), or the next (dir > 0) or
 * previous one whose flags differ from the selected one's. */
void view_acc_move(struct fpv_view *v, long delta);
void view_acc_end(struct fpv_view *v, int where);
void view_acc_change(struct fpv_view *v, int dir);

/* A block quantization shown: the selected column's (NULL for any
 * other step, or a per-tensor method); select the first element of the
 * next (dir > 0) or previous block (past the ends: the step after or
 * before). */
const struct fpv_quant *view_quant(const struct fpv_view *v);
void view_block_move(struct fpv_view *v, int dir);

/* How far an element is from its exact value (ORDER ECLS: the styles
 * ST_E_* and the legend in view-draw.c). */
enum view_ecls {
	ECLS_EXACT,		/* no error */
	ECLS_HALF,		/* at most half an ulp */
	ECLS_ONE,		/* at most one ulp */
	ECLS_MORE,		/* more, or no number against the exact */
	ECLS_COUNT
};

/* What a vector's element is marked with, besides its colour. */
enum view_emark { EMARK_NONE, EMARK_SATURATED, EMARK_UNDERFLOW };

/* Element j of format row f of the shown vector as a strip cell: its
 * text within tw columns (the exact decimal where it fits, else the
 * shortest that reads back, its digits cut with an ellipsis where it
 * is longer; or the code in hex), its error class and its mark. */
struct view_elem {
	char text[112];
	enum view_ecls cls;
	enum view_emark mark;
};
void view_elem_cell(struct fpv_view *v, int f, size_t j, int tw,
    struct view_elem *out);
/* The same for the exact element j (no class, no mark). */
void view_elem_exact(struct fpv_view *v, size_t j, int tw,
    struct view_elem *out);

/* Bit editing: start it on the selected row (false, with a message, if
 * nothing is shown), stop it, move its cursor by delta bits (or to the
 * first, where < 0, or last, where > 0, bit), toggle the bit under the
 * cursor, or show the bits given (the encoding in the selected format). */
bool view_bitedit_start(struct fpv_view *v);
void view_bitedit_stop(struct fpv_view *v);
void view_bitedit_move(struct fpv_view *v, int delta);
void view_bitedit_jump(struct fpv_view *v, int where);
void view_bitedit_toggle(struct fpv_view *v);
int view_bitedit_set(struct fpv_view *v, uint64_t bits);

/* The hex prompt of the bit editor: open it, add a key to it (a hex
 * digit, Backspace, Ctrl-U), apply it (Enter) or close it (Esc). */
void view_bitedit_hex_open(struct fpv_view *v);
void view_bitedit_hex_key(struct fpv_view *v, int key);
void view_bitedit_hex_apply(struct fpv_view *v);
void view_bitedit_hex_close(struct fpv_view *v);

/* Set the copy of the input line. */
void view_set_input(struct fpv_view *v, const char *prompt, const char *text,
    size_t len, size_t point);

/* ---- view-input.c ---- */

struct fpv_history;

/* Start readline's callback interface for v, lines going to history h
 * (call before curses starts: readline reads the terminal database). */
void view_input_init(struct fpv_view *v, struct fpv_history *h);

/* Handle one key read from curses (a byte or a KEY_* code). */
void view_input_key(struct fpv_view *v, int key);

/* Stop readline's callback interface. */
void view_input_done(void);

/* Set by view.c: true when a signal asks the view to end. */
extern volatile sig_atomic_t view_stop_signal;
/* Nonzero while the view handles keys (and may be evaluating): then
 * SIGINT interrupts the evaluation (fpv_interrupt) instead of quitting. */
extern volatile sig_atomic_t view_busy;

/* ---- view-draw.c ---- */

/* Choose the palette (NO_COLOR, colours available) after curses starts. */
void view_palette_init(struct fpv_view *v);

/* Compute the layout for the terminal's size and make the windows. */
void view_layout(struct fpv_view *v);

/* Draw what is dirty and update the terminal (one doupdate). */
void view_draw(struct fpv_view *v);

/* Delete the windows. */
void view_windows_free(struct fpv_view *v);

/* Lay the bits of f out within width columns, wrapped by field where
 * they do not fit on one line. */
void view_wrap_bits(const struct fpv_format *f, int width,
    struct view_bitwrap *bw);

/*
 * The drawing helpers view-big.c shares.  Text goes to (y, x) of a
 * window in a style, clipped before column xmax; each returns the column
 * after what it wrote.  Controls, C1 controls and bytes that are not
 * valid UTF-8 are drawn in the safe notation (fpviz/safe.h).
 */
void view_setstyle(struct fpv_view *v, WINDOW *w, enum view_style st);
int view_text_width(const struct fpv_view *v, const char *s, size_t n);
int view_putn(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s, size_t n);
int view_put(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s);
/* ... cut with an ellipsis where it does not fit */
int view_put_cut(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    enum view_style st, const char *s);
/* A horizontal line of n columns. */
void view_rule(struct fpv_view *v, WINDOW *w, int y, int x, int n);
/* A separator line with a title (and more after it). */
void view_draw_sep(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    const char *title, enum view_style st, const char *more);

/* A marker word ("inexact", "overflow") in its own style. */
struct view_flagword {
	char word[32];
	enum view_style st;
};

/* A row's figures fitted into a width: the error's form and the marker
 * words kept. */
struct view_figures {
	char err[160];
	struct view_flagword fw[16];
	int nfw;
	int width;		/* columns of error and words, with gap */
	int lvl;		/* the error's form (view_error_text) */
	bool whole;		/* every word as it is */
	bool fits;
};

/* The marker words of a cell, gravest first; returns their number. */
int view_flag_words(const struct view_cell *c, struct view_flagword *out);
/* Columns of n words with single spaces. */
int view_flags_width(const struct view_flagword *fw, int n);
int view_draw_flags(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    const struct view_flagword *fw, int n);

/* The accumulated error of a cell in form lvl: 0 "abs A  rel R  N ulp",
 * 1 without the relative error, 2 the ulps alone ("no error" in all). */
void view_error_text(const struct view_cell *c, int lvl, char *buf,
    size_t size);
/* Fit a cell's error and words, gap columns apart, into room columns,
 * least loss first; draw them. */
void view_fit_figures(const struct view_cell *c, int room, int gap,
    struct view_figures *fg);
bool view_figures_full(const struct view_cell *c,
    const struct view_figures *fg);
int view_draw_figures(struct fpv_view *v, WINDOW *w, int y, int x, int xmax,
    int gap, const struct view_figures *fg);

/* Bit i of f (0: the most significant) is in field 0 (the sign), 1 (the
 * exponent, or an integer's other bits) or 2 (the fraction); whether a
 * field starts at bit i; the columns of bits [a, b) with a space between
 * fields; of all of f's bits; the style of bit i. */
int view_bit_field(const struct fpv_format *f, int i);
int view_field_start(const struct fpv_format *f, int i);
int view_bits_cols(const struct fpv_format *f, int a, int b);
int view_bits_width(const struct fpv_format *f);
enum view_style view_bit_style(const struct fpv_format *f, int i);
/* Draw the bits [a, b) of f (digits in bin) with the bit cursor (or -1);
 * all of them as wrapped by bw. */
int view_draw_bit_run(struct fpv_view *v, WINDOW *w, int y, int x,
    const struct fpv_format *f, const char *bin, int a, int b, int cursor);
int view_draw_bits_wrapped(struct fpv_view *v, WINDOW *w, int y, int x,
    const struct fpv_format *f, const char *bin,
    const struct view_bitwrap *bw, int cursor);

/* The detail pane of the selected format: rows lines from (y, x). */
void view_draw_detail(struct fpv_view *v, WINDOW *w, int y, int x,
    int width, int rows);
/* The detail pane under its title and the step list (beside it on a wide
 * screen, else under it) in rows lines from line y. */
void view_draw_lower(struct fpv_view *v, WINDOW *w, int y, int rows);

/* ---- view-sub.c ---- */

/* A reduction's selected accumulator step (view_draw_acc) or the
 * selected element's block (view_draw_block) in at most rows lines
 * from (y, x), width columns; each returns the lines it drew (0: not
 * such a step). */
int view_draw_acc(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    int rows);
int view_draw_block(struct fpv_view *v, WINDOW *w, int y, int x, int width,
    int rows);

/* ---- view-big.c ---- */

/* The projector layout's large block under the rows: the selected
 * format's value, its bits and the exact value in large glyphs, in rows
 * lines from line y of w. */
void view_draw_big(struct fpv_view *v, WINDOW *w, int y, int rows);

#endif
