/*
 * The keys of the full-screen view as data: one table of bindings
 * ({mode, key, when, action, help}) that the view's key handler
 * (view-input.c) dispatches on and that ":help keys" and the view's help
 * overlay are written from, so that what the help says and what the
 * keys do cannot drift apart.  Keys are named here without curses;
 * view-input.c maps curses' key codes onto them.  Nothing here prints
 * to a terminal.
 */
#ifndef FPVIZ_KEYS_H
#define FPVIZ_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The keys (ORDER: fpv_key_names). */
enum fpv_key {
	FPV_KEY_ENTER, FPV_KEY_PGDN, FPV_KEY_PGUP, FPV_KEY_RIGHT,
	FPV_KEY_LEFT, FPV_KEY_SPACE, FPV_KEY_HOME, FPV_KEY_END, FPV_KEY_TAB,
	FPV_KEY_BTAB, FPV_KEY_UP, FPV_KEY_DOWN, FPV_KEY_F1, FPV_KEY_QUESTION,
	FPV_KEY_F2, FPV_KEY_F3, FPV_KEY_ESC, FPV_KEY_CTRL_L, FPV_KEY_CTRL_D,
	FPV_KEY_CTRL_C, FPV_KEY_CTRL_Z, FPV_KEY_E, FPV_KEY_BACKSPACE,
	FPV_KEY_CTRL_U, FPV_KEY_SRIGHT, FPV_KEY_SLEFT,
	FPV_KEY_HEX,			/* a hex digit, or the x of 0x */
	FPV_KEY_OTHER,			/* any other key */
	FPV_KEY_COUNT
};

/* The names help uses for the keys ("Enter", "PgDn", "Shift-Tab"). */
extern const char *const fpv_key_names[FPV_KEY_COUNT];

/* What has the keys (ORDER: the help's sections). */
enum fpv_key_mode {
	FPV_KEYS_VIEW,		/* the view and its input line */
	FPV_KEYS_OVERLAY,	/* the help or a command's output is open */
	FPV_KEYS_BITS,		/* the bit editor (F2) */
	FPV_KEYS_HEX,		/* the bit editor's hex prompt (e) */
	FPV_KEYS_MODES
};

/* When a binding applies. */
enum fpv_key_when {
	FPV_WHEN_ANY,
	FPV_WHEN_EMPTY,		/* the input line is empty */
	FPV_WHEN_TYPED,		/* the input line is not empty */
	FPV_WHEN_VECTOR,	/* the input line is empty and the shown
				   step is a vector */
	FPV_WHEN_REDUCE,	/* ... a reduction (a scalar: sum, dot,
				   mean, max, min, norm2, logsumexp) */
	FPV_WHEN_BLOCKS		/* ... a block quantization (mxfp4, ...) */
};

/* What the shown step is, for the conditions above (bits). */
enum {
	FPV_SHOWN_VECTOR = 1u << 0,
	FPV_SHOWN_REDUCE = 1u << 1,
	FPV_SHOWN_BLOCKS = 1u << 2
};

/* What a key does (view-input.c carries each out). */
enum fpv_key_action {
	FPV_ACT_EDIT,		/* to readline: typing, editing, history,
				   completion; Enter hands it the line */
	FPV_ACT_NEXT, FPV_ACT_PREV,	/* step (a lesson: its items) */
	FPV_ACT_FIRST, FPV_ACT_LAST,
	FPV_ACT_ROW_NEXT, FPV_ACT_ROW_PREV,	/* select a format row */
	FPV_ACT_HELP,		/* open the help overlay */
	FPV_ACT_BITS,		/* start the bit editor */
	FPV_ACT_ELEM_NEXT, FPV_ACT_ELEM_PREV,	/* select a vector's element */
	FPV_ACT_ELEM_FIRST, FPV_ACT_ELEM_LAST,
	FPV_ACT_CELLS_HEX,	/* a vector's cells: values or codes */
	FPV_ACT_ACC_NEXT, FPV_ACT_ACC_PREV,	/* a reduction's accumulator */
	FPV_ACT_ACC_FIRST, FPV_ACT_ACC_LAST,	/* steps */
	FPV_ACT_ACC_CHANGE_NEXT, FPV_ACT_ACC_CHANGE_PREV,
				/* ... the next whose flags differ */
	FPV_ACT_BLOCK_NEXT, FPV_ACT_BLOCK_PREV,	/* a quantization's blocks */
	FPV_ACT_ESCAPE,		/* clear the message, abort a search */
	FPV_ACT_REDRAW,
	FPV_ACT_QUIT,
	FPV_ACT_SIGNAL,		/* the terminal sends a signal (view.c) */
	FPV_ACT_IGNORE,
	/* over an overlay */
	FPV_ACT_CLOSE,		/* close it */
	FPV_ACT_CLOSE_THEN,	/* close it, then as in the view */
	FPV_ACT_SCROLL_DOWN,	/* scroll; when it all shows, close it and */
	FPV_ACT_SCROLL_UP,	/* step as in the view */
	/* in the bit editor */
	FPV_ACT_BIT_LEFT, FPV_ACT_BIT_RIGHT, FPV_ACT_BIT_FIRST,
	FPV_ACT_BIT_LAST, FPV_ACT_BIT_TOGGLE, FPV_ACT_BIT_HEX,
	FPV_ACT_BIT_DONE,	/* leave the bit editor */
	FPV_ACT_BIT_LEAVE,	/* leave it, then as in the view */
	FPV_ACT_VIEW,		/* as in the view, the editor staying on */
	/* in the hex prompt */
	FPV_ACT_HEX_APPLY, FPV_ACT_HEX_DIGIT, FPV_ACT_HEX_DELETE,
	FPV_ACT_HEX_CLEAR, FPV_ACT_HEX_CANCEL
};

struct fpv_keybinding {
	enum fpv_key_mode mode;
	enum fpv_key key;
	enum fpv_key_when when;
	enum fpv_key_action action;
	const char *help;	/* what it does, for :help keys */
};

/* The bindings, in the order help lists them and the first that applies
 * wins; fpv_nkeys of them. */
extern const struct fpv_keybinding fpv_keys[];
extern const size_t fpv_nkeys;

/*
 * The binding of key in mode: the first row of the table for that mode
 * and key whose condition holds (empty: the input line is empty; vec:
 * the shown step is a vector, whose rows come first), then the mode's
 * row for FPV_KEY_OTHER; NULL when the mode has neither.  fpv_key_find:
 * no vector shown.
 */
const struct fpv_keybinding *fpv_key_find(enum fpv_key_mode mode,
    enum fpv_key key, bool empty);
const struct fpv_keybinding *fpv_key_find_vec(enum fpv_key_mode mode,
    enum fpv_key key, bool empty, bool vec);
/* The same with what is shown as FPV_SHOWN_* bits: the rows of a block
 * quantization and of a reduction come first, then a vector's. */
const struct fpv_keybinding *fpv_key_find_shown(enum fpv_key_mode mode,
    enum fpv_key key, bool empty, unsigned shown);

/* Write the keys' help (":help keys"), every row of the table, one
 * line per run of keys doing the same thing. */
void fpv_keys_help(FILE *out);

#endif
