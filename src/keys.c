/*
 * The table of the full-screen view's keys and the help written from it
 * (see fpviz/keys.h).  view-input.c finds every key here and carries out
 * its action; Ctrl-C and Ctrl-Z never reach it (the terminal turns them
 * into SIGINT and SIGTSTP, which view.c handles), and are here so that
 * the help names them.
 */
#include <string.h>

#include "fpviz/keys.h"

/* ORDER: enum fpv_key. */
const char *const fpv_key_names[FPV_KEY_COUNT] = {
	"Enter", "PgDn", "PgUp", "Right", "Left", "Space", "Home", "End",
	"Tab", "Shift-Tab", "Up", "Down", "F1", "?", "F2", "F3", "Esc", "Ctrl-L",
	"Ctrl-D", "Ctrl-C", "Ctrl-Z", "e", "Backspace", "Ctrl-U",
	"Shift-Right", "Shift-Left", "0-9 a-f", "other keys"
};

#define V FPV_KEYS_VIEW
#define O FPV_KEYS_OVERLAY
#define B FPV_KEYS_BITS
#define H FPV_KEYS_HEX
#define ANY FPV_WHEN_ANY
#define EMPTY FPV_WHEN_EMPTY
#define TYPED FPV_WHEN_TYPED
#define VEC FPV_WHEN_VECTOR
#define RED FPV_WHEN_REDUCE
#define BLK FPV_WHEN_BLOCKS

/* Rows of one mode together, in the order of the help; within a mode
 * the first row that applies wins, those for a vector shown first. */
const struct fpv_keybinding fpv_keys[] = {
	{ V, FPV_KEY_ENTER, ANY, FPV_ACT_EDIT,
	  "evaluate the line or run the command; show the last step" },
	{ V, FPV_KEY_PGDN, ANY, FPV_ACT_NEXT,
	  "next step (in a lesson, on to the next item)" },
	{ V, FPV_KEY_PGUP, ANY, FPV_ACT_PREV,
	  "previous step (in a lesson, back to the item before)" },
	{ V, FPV_KEY_RIGHT, EMPTY, FPV_ACT_NEXT, "next step" },
	{ V, FPV_KEY_SPACE, EMPTY, FPV_ACT_NEXT, "next step" },
	{ V, FPV_KEY_LEFT, EMPTY, FPV_ACT_PREV, "previous step" },
	{ V, FPV_KEY_HOME, EMPTY, FPV_ACT_FIRST, "first step" },
	{ V, FPV_KEY_END, EMPTY, FPV_ACT_LAST, "last step" },
	{ V, FPV_KEY_TAB, EMPTY, FPV_ACT_ROW_NEXT, "select the next format row" },
	{ V, FPV_KEY_BTAB, EMPTY, FPV_ACT_ROW_PREV,
	  "select the previous format row" },
	{ V, FPV_KEY_TAB, TYPED, FPV_ACT_EDIT,
	  "complete a name: a function, constant, variable, command or format" },
	{ V, FPV_KEY_LEFT, TYPED, FPV_ACT_EDIT, "move along the line" },
	{ V, FPV_KEY_RIGHT, TYPED, FPV_ACT_EDIT, "move along the line" },
	{ V, FPV_KEY_HOME, TYPED, FPV_ACT_EDIT, "move along the line" },
	{ V, FPV_KEY_END, TYPED, FPV_ACT_EDIT, "move along the line" },
	{ V, FPV_KEY_UP, ANY, FPV_ACT_EDIT, "the previous line of the history" },
	{ V, FPV_KEY_DOWN, ANY, FPV_ACT_EDIT, "the next line of the history" },
	{ V, FPV_KEY_F1, ANY, FPV_ACT_HELP, "this help" },
	{ V, FPV_KEY_QUESTION, EMPTY, FPV_ACT_HELP, "this help" },
	{ V, FPV_KEY_F2, ANY, FPV_ACT_BITS,
	  "edit the bits of the selected row (the bit editor, below)" },
	{ V, FPV_KEY_ESC, ANY, FPV_ACT_ESCAPE,
	  "clear the status line, or abort a search or a count" },
	{ V, FPV_KEY_CTRL_L, ANY, FPV_ACT_REDRAW, "redraw the screen" },
	{ V, FPV_KEY_CTRL_D, EMPTY, FPV_ACT_QUIT, "quit, as :quit does" },
	{ V, FPV_KEY_CTRL_C, ANY, FPV_ACT_SIGNAL,
	  "stop the evaluation in progress; otherwise quit at once, the "
	  "terminal restored (SIGINT)" },
	{ V, FPV_KEY_CTRL_Z, ANY, FPV_ACT_SIGNAL,
	  "suspend, the terminal restored; fg brings the view back" },
	{ V, FPV_KEY_RIGHT, VEC, FPV_ACT_ELEM_NEXT,
	  "select the next element; after the last, the next step" },
	{ V, FPV_KEY_LEFT, VEC, FPV_ACT_ELEM_PREV,
	  "select the previous element; before the first, the previous "
	  "step" },
	{ V, FPV_KEY_HOME, VEC, FPV_ACT_ELEM_FIRST,
	  "select the first element; on it already, the first step" },
	{ V, FPV_KEY_END, VEC, FPV_ACT_ELEM_LAST,
	  "select the last element; on it already, the last step" },
	{ V, FPV_KEY_SRIGHT, BLK, FPV_ACT_BLOCK_NEXT,
	  "select the first element of the next block; after the last "
	  "block, the next step" },
	{ V, FPV_KEY_SLEFT, BLK, FPV_ACT_BLOCK_PREV,
	  "select the first element of the previous block (of this block "
	  "when inside it); before the first, the previous step" },
	{ V, FPV_KEY_RIGHT, RED, FPV_ACT_ACC_NEXT,
	  "select the accumulator's next step; after the last, the next "
	  "step" },
	{ V, FPV_KEY_LEFT, RED, FPV_ACT_ACC_PREV,
	  "select the accumulator's previous step; before the first, the "
	  "previous step" },
	{ V, FPV_KEY_HOME, RED, FPV_ACT_ACC_FIRST,
	  "select the accumulator's first step; on it already, the first "
	  "step" },
	{ V, FPV_KEY_END, RED, FPV_ACT_ACC_LAST,
	  "select the accumulator's last step; on it already, the last "
	  "step" },
	{ V, FPV_KEY_SRIGHT, RED, FPV_ACT_ACC_CHANGE_NEXT,
	  "select the accumulator's next step whose flags differ from this "
	  "one's (the first that rounded, the first that absorbed a "
	  "term...)" },
	{ V, FPV_KEY_SLEFT, RED, FPV_ACT_ACC_CHANGE_PREV,
	  "select the accumulator's previous step whose flags differ from "
	  "this one's" },
	{ V, FPV_KEY_SRIGHT, EMPTY, FPV_ACT_NEXT, "next step" },
	{ V, FPV_KEY_SLEFT, EMPTY, FPV_ACT_PREV, "previous step" },
	{ V, FPV_KEY_F3, ANY, FPV_ACT_CELLS_HEX,
	  "show a vector's cells as codes in hex, or as values again" },
	{ V, FPV_KEY_OTHER, ANY, FPV_ACT_EDIT,
	  "edit the line as readline does (Ctrl-A, Ctrl-E, Ctrl-K, Ctrl-R, "
	  "Alt-B, Alt-F, ...)" },

	{ O, FPV_KEY_ESC, ANY, FPV_ACT_CLOSE, "close it" },
	{ O, FPV_KEY_F1, ANY, FPV_ACT_CLOSE, "close it" },
	{ O, FPV_KEY_QUESTION, EMPTY, FPV_ACT_CLOSE, "close it" },
	{ O, FPV_KEY_PGDN, ANY, FPV_ACT_SCROLL_DOWN,
	  "scroll down; when it all shows, close it and step" },
	{ O, FPV_KEY_PGUP, ANY, FPV_ACT_SCROLL_UP,
	  "scroll up; when it all shows, close it and step" },
	{ O, FPV_KEY_RIGHT, EMPTY, FPV_ACT_CLOSE_THEN,
	  "close it and step, as in the view" },
	{ O, FPV_KEY_LEFT, EMPTY, FPV_ACT_CLOSE_THEN,
	  "close it and step, as in the view" },
	{ O, FPV_KEY_SPACE, EMPTY, FPV_ACT_CLOSE_THEN,
	  "close it and step, as in the view" },
	{ O, FPV_KEY_HOME, EMPTY, FPV_ACT_CLOSE_THEN,
	  "close it and step, as in the view" },
	{ O, FPV_KEY_END, EMPTY, FPV_ACT_CLOSE_THEN,
	  "close it and step, as in the view" },

	{ B, FPV_KEY_LEFT, ANY, FPV_ACT_BIT_LEFT, "move the cursor one bit left" },
	{ B, FPV_KEY_RIGHT, ANY, FPV_ACT_BIT_RIGHT,
	  "move the cursor one bit right" },
	{ B, FPV_KEY_HOME, ANY, FPV_ACT_BIT_FIRST,
	  "move the cursor to the first (sign) bit" },
	{ B, FPV_KEY_END, ANY, FPV_ACT_BIT_LAST,
	  "move the cursor to the last bit" },
	{ B, FPV_KEY_SPACE, ANY, FPV_ACT_BIT_TOGGLE,
	  "toggle the bit under the cursor" },
	{ B, FPV_KEY_E, ANY, FPV_ACT_BIT_HEX,
	  "type all the bits in hexadecimal (its prompt, below)" },
	{ B, FPV_KEY_TAB, ANY, FPV_ACT_ROW_NEXT, "edit the next format row" },
	{ B, FPV_KEY_BTAB, ANY, FPV_ACT_ROW_PREV,
	  "edit the previous format row" },
	{ B, FPV_KEY_ESC, ANY, FPV_ACT_BIT_DONE, "leave the bit editor" },
	{ B, FPV_KEY_ENTER, ANY, FPV_ACT_BIT_DONE, "leave the bit editor" },
	{ B, FPV_KEY_F2, ANY, FPV_ACT_BIT_DONE, "leave the bit editor" },
	{ B, FPV_KEY_PGDN, ANY, FPV_ACT_VIEW,
	  "as in the view, the bit editor staying on" },
	{ B, FPV_KEY_PGUP, ANY, FPV_ACT_VIEW,
	  "as in the view, the bit editor staying on" },
	{ B, FPV_KEY_F1, ANY, FPV_ACT_VIEW,
	  "as in the view, the bit editor staying on" },
	{ B, FPV_KEY_CTRL_L, ANY, FPV_ACT_VIEW,
	  "as in the view, the bit editor staying on" },
	{ B, FPV_KEY_OTHER, ANY, FPV_ACT_BIT_LEAVE,
	  "leave the bit editor, then as in the view" },

	{ H, FPV_KEY_HEX, ANY, FPV_ACT_HEX_DIGIT,
	  "a digit of the bits (a 0x typed first is skipped)" },
	{ H, FPV_KEY_BACKSPACE, ANY, FPV_ACT_HEX_DELETE,
	  "delete the last digit" },
	{ H, FPV_KEY_CTRL_U, ANY, FPV_ACT_HEX_CLEAR, "delete every digit" },
	{ H, FPV_KEY_ENTER, ANY, FPV_ACT_HEX_APPLY,
	  "show the bits typed (none: keep them)" },
	{ H, FPV_KEY_ESC, ANY, FPV_ACT_HEX_CANCEL,
	  "close the prompt, the bits unchanged" },
	{ H, FPV_KEY_OTHER, ANY, FPV_ACT_IGNORE,
	  "nothing: the prompt keeps the keyboard" },
};

const size_t fpv_nkeys = sizeof fpv_keys / sizeof fpv_keys[0];

/* Does binding b's condition hold? */
static bool
holds(const struct fpv_keybinding *b, bool empty, unsigned shown)
{
	switch (b->when) {
	case FPV_WHEN_ANY:
		return true;
	case FPV_WHEN_EMPTY:
		return empty;
	case FPV_WHEN_TYPED:
		return !empty;
	case FPV_WHEN_VECTOR:
		return empty && (shown & FPV_SHOWN_VECTOR);
	case FPV_WHEN_REDUCE:
		return empty && (shown & FPV_SHOWN_REDUCE);
	case FPV_WHEN_BLOCKS:
		return empty && (shown & FPV_SHOWN_BLOCKS);
	}
	return false;
}

/* The binding of key in mode, no vector shown. */
const struct fpv_keybinding *
fpv_key_find(enum fpv_key_mode mode, enum fpv_key key, bool empty)
{
	return fpv_key_find_vec(mode, key, empty, false);
}

/* The binding of key in mode. */
const struct fpv_keybinding *
fpv_key_find_vec(enum fpv_key_mode mode, enum fpv_key key, bool empty,
    bool vec)
{
	return fpv_key_find_shown(mode, key, empty, vec ? FPV_SHOWN_VECTOR :
	    0);
}

/* The binding of key in mode, with what is shown. */
const struct fpv_keybinding *
fpv_key_find_shown(enum fpv_key_mode mode, enum fpv_key key, bool empty,
    unsigned shown)
{
	/* The rows of what is shown win over the others for the same
	 * key, the most particular first. */
	static const enum fpv_key_when first[] = {
		FPV_WHEN_BLOCKS, FPV_WHEN_REDUCE, FPV_WHEN_VECTOR
	};
	const struct fpv_keybinding *other = NULL;

	for (size_t w = 0; empty && w < sizeof first / sizeof first[0]; w++)
		for (size_t i = 0; i < fpv_nkeys; i++)
			if (fpv_keys[i].mode == mode && fpv_keys[i].key == key &&
			    fpv_keys[i].when == first[w] &&
			    holds(&fpv_keys[i], empty, shown))
				return &fpv_keys[i];
	for (size_t i = 0; i < fpv_nkeys; i++) {
		const struct fpv_keybinding *b = &fpv_keys[i];

		if (b->mode != mode || !holds(b, empty, shown))
			continue;
		if (b->key == key)
			return b;
		if (b->key == FPV_KEY_OTHER && other == NULL)
			other = b;
	}
	return other;
}

/* The help's heading of each mode (ORDER: enum fpv_key_mode). */
static const char *const headings[FPV_KEYS_MODES] = {
	("Keys in the full-screen view (the input line always has the "
	"keyboard):\n"),
	"Over the help or a command's output (other keys as in the view):\n",
	"In the bit editor (F2):\n",
	"In its hex prompt (e):\n",
};

/* The words of a condition (ORDER: enum fpv_key_when). */
static const char *const when_words[] = {
	"", " (input line empty)", " (input line not empty)",
	" (on a vector, input line empty)",
	" (on a reduction, input line empty)",
	" (on a block quantization, input line empty)"
};

/* Columns of the help's lines, and where the words of a key begin. */
#define HELP_COLS 76
#define HELP_INDENT 21

/* Write one line of help (more when the words do not fit HELP_COLS):
 * the keys, then the words of what, then those of more. */
static void
put_row(FILE *out, const char *keys, const char *what, const char *more)
{
	char text[400];
	const char *p = text;
	int col;

	snprintf(text, sizeof text, "%s%s", what, more);
	col = fprintf(out, "  %-*s", HELP_INDENT - 3, keys);
	if (col > HELP_INDENT - 1)
		col = fprintf(out, "\n%*s", HELP_INDENT - 1, "") - 1;
	while (*p != '\0') {
		size_t w = strcspn(p, " ");

		if (col + 1 + (int)w > HELP_COLS && col > HELP_INDENT) {
			fprintf(out, "\n%*s", HELP_INDENT - 1, "");
			col = HELP_INDENT - 1;
		}
		col += fprintf(out, " %.*s", (int)w, p);
		p += w;
		while (*p == ' ')
			p++;
	}
	fputs("\n", out);
}

/* Write the keys' help. */
void
fpv_keys_help(FILE *out)
{
	for (size_t i = 0; i < fpv_nkeys;) {
		const struct fpv_keybinding *b = &fpv_keys[i];
		char keys[80];
		size_t n = 0, j = i;

		if (i == 0 || fpv_keys[i - 1].mode != b->mode)
			fputs(headings[b->mode], out);
		/* The run of rows that say the same. */
		keys[0] = '\0';
		while (j < fpv_nkeys && fpv_keys[j].mode == b->mode &&
		    fpv_keys[j].when == b->when &&
		    strcmp(fpv_keys[j].help, b->help) == 0) {
			int w = snprintf(keys + n, sizeof keys - n, "%s%s",
			    j > i ? ", " : "", fpv_key_names[fpv_keys[j].key]);

			if (w > 0 && (size_t)w < sizeof keys - n)
				n += (size_t)w;
			j++;
		}
		put_row(out, keys, b->help, when_words[b->when]);
		i = j;
	}
}
