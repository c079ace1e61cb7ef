/*
 * The view's key table (keys.c): every key it binds is in :help keys,
 * in the section of its mode, and in the man page's Keys and Bit
 * editing sections; lookups follow the table's rules.  The keys the
 * issue of the help found missing (F2, Esc, Ctrl-C, Ctrl-Z) are checked
 * by name.  TAP.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/keys.h"
#include "tap.h"

/* The section of help text for a mode: from its heading (a line not
 * starting with a blank) to the next heading. */
static char *
section(const char *text, enum fpv_key_mode mode)
{
	const char *p = text, *start = NULL;
	int m = -1;

	for (;;) {
		const char *nl = strchr(p, '\n');

		if (*p != ' ' && *p != '\0') {
			if (start != NULL)
				return strndup(start, (size_t)(p - start));
			if (++m == (int)mode)
				start = p;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return start != NULL ? strdup(start) : NULL;
}

/* Does s hold word w, bounded by the start, blanks, commas or the end? */
static bool
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = s; (p = strstr(p, w)) != NULL; p++) {
		bool a = p == s || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\n';
		char c = p[n];

		if (a && (c == '\0' || c == ' ' || c == ',' || c == '\n'))
			return true;
	}
	return false;
}

/* Every row of the table is in the help of its mode. */
static void
help_complete(void)
{
	struct fpv_session s;
	char *text;
	int missing = 0;

	fpv_session_init(&s);
	text = fpv_command_help(&s, "keys");
	ok(text != NULL, ":help keys has a text");
	if (text == NULL)
		return;
	for (size_t i = 0; i < fpv_nkeys; i++) {
		const struct fpv_keybinding *b = &fpv_keys[i];
		char *sec = section(text, b->mode);

		if (sec == NULL || !has_word(sec, fpv_key_names[b->key]) ||
		    strstr(sec, b->help) == NULL) {
			/* The words may be wrapped: look for their start. */
			char head[24];

			snprintf(head, sizeof head, "%s", b->help);
			if (sec == NULL || !has_word(sec,
			    fpv_key_names[b->key]) || strstr(sec, head) == NULL) {
				if (missing++ < 5)
					diag("row %zu (%s: %s) not in its section",
					    i, fpv_key_names[b->key], b->help);
			}
		}
		free(sec);
	}
	ok(missing == 0, "every one of the %zu rows of the key table is in "
	    ":help keys, in its mode's section (%d missing)", fpv_nkeys,
	    missing);
	{
		char *view = section(text, FPV_KEYS_VIEW);

		ok(view != NULL && has_word(view, "F2") && has_word(view, "Esc") &&
		    has_word(view, "Ctrl-C") && has_word(view, "Ctrl-Z"),
		    ":help keys names F2, Esc, Ctrl-C and Ctrl-Z");
		free(view);
	}
	free(text);
	fpv_session_free(&s);
}

/* Every key is bound somewhere, and every mode knows Esc. */
static void
table_covers(void)
{
	bool bound[FPV_KEY_COUNT] = { false }, esc[FPV_KEYS_MODES] = { false };
	int unbound = 0, noesc = 0;

	for (size_t i = 0; i < fpv_nkeys; i++) {
		bound[fpv_keys[i].key] = true;
		if (fpv_keys[i].key == FPV_KEY_ESC)
			esc[fpv_keys[i].mode] = true;
	}
	for (int k = 0; k < FPV_KEY_COUNT; k++)
		if (!bound[k]) {
			unbound++;
			diag("key %s is in no row", fpv_key_names[k]);
		}
	for (int m = 0; m < FPV_KEYS_MODES; m++)
		noesc += !esc[m];
	ok(unbound == 0, "every key of enum fpv_key has a row");
	ok(noesc == 0, "every mode says what Esc does");
}

/* Lookups: the condition picks the row, FPV_KEY_OTHER is the rest. */
static void
lookups(void)
{
	const struct fpv_keybinding *b;

	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_RIGHT, true);
	ok(b != NULL && b->action == FPV_ACT_NEXT, "Right on an empty line "
	    "steps");
	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_RIGHT, false);
	ok(b != NULL && b->action == FPV_ACT_EDIT, "Right in a typed line "
	    "moves the cursor (readline)");
	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_PGDN, false);
	ok(b != NULL && b->action == FPV_ACT_NEXT, "PgDn steps even with "
	    "text typed");
	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_E, true);
	ok(b != NULL && b->key == FPV_KEY_OTHER && b->action == FPV_ACT_EDIT,
	    "e in the view is typed");
	b = fpv_key_find(FPV_KEYS_BITS, FPV_KEY_E, true);
	ok(b != NULL && b->action == FPV_ACT_BIT_HEX, "e in the bit editor "
	    "opens the hex prompt");
	b = fpv_key_find(FPV_KEYS_BITS, FPV_KEY_UP, true);
	ok(b != NULL && b->action == FPV_ACT_BIT_LEAVE, "another key leaves "
	    "the bit editor");
	b = fpv_key_find(FPV_KEYS_HEX, FPV_KEY_SPACE, true);
	ok(b != NULL && b->action == FPV_ACT_IGNORE, "the hex prompt keeps "
	    "the keyboard");
	b = fpv_key_find(FPV_KEYS_OVERLAY, FPV_KEY_UP, true);
	ok(b == NULL, "an overlay leaves Up to what is under it");
	b = fpv_key_find_vec(FPV_KEYS_VIEW, FPV_KEY_RIGHT, true, true);
	ok(b != NULL && b->action == FPV_ACT_ELEM_NEXT, "Right on an empty "
	    "line over a vector selects the next element");
	b = fpv_key_find_vec(FPV_KEYS_VIEW, FPV_KEY_HOME, true, true);
	ok(b != NULL && b->action == FPV_ACT_ELEM_FIRST, "Home over a vector "
	    "selects the first element");
	b = fpv_key_find_vec(FPV_KEYS_VIEW, FPV_KEY_RIGHT, false, true);
	ok(b != NULL && b->action == FPV_ACT_EDIT, "Right in a typed line "
	    "over a vector moves the cursor");
	b = fpv_key_find_vec(FPV_KEYS_VIEW, FPV_KEY_SPACE, true, true);
	ok(b != NULL && b->action == FPV_ACT_NEXT, "Space over a vector "
	    "steps");
	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_F3, false);
	ok(b != NULL && b->action == FPV_ACT_CELLS_HEX, "F3 toggles the "
	    "cells' codes");
	b = fpv_key_find(FPV_KEYS_VIEW, FPV_KEY_CTRL_D, false);
	ok(b != NULL && b->action == FPV_ACT_EDIT, "Ctrl-D in a typed line "
	    "deletes (readline), on an empty one quits");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_RIGHT, true,
	    FPV_SHOWN_REDUCE);
	ok(b != NULL && b->action == FPV_ACT_ACC_NEXT, "Right on a reduction "
	    "selects its accumulator's next step");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_END, true,
	    FPV_SHOWN_REDUCE);
	ok(b != NULL && b->action == FPV_ACT_ACC_LAST, "End on a reduction "
	    "selects its last accumulator step");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_SRIGHT, true,
	    FPV_SHOWN_REDUCE);
	ok(b != NULL && b->action == FPV_ACT_ACC_CHANGE_NEXT, "Shift-Right "
	    "on a reduction finds the next step with other flags");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_RIGHT, false,
	    FPV_SHOWN_REDUCE);
	ok(b != NULL && b->action == FPV_ACT_EDIT, "Right in a typed line "
	    "over a reduction moves the cursor");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_RIGHT, true,
	    FPV_SHOWN_VECTOR | FPV_SHOWN_BLOCKS);
	ok(b != NULL && b->action == FPV_ACT_ELEM_NEXT, "Right on a block "
	    "quantization selects the next element");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_SLEFT, true,
	    FPV_SHOWN_VECTOR | FPV_SHOWN_BLOCKS);
	ok(b != NULL && b->action == FPV_ACT_BLOCK_PREV, "Shift-Left on a "
	    "block quantization selects the block before");
	b = fpv_key_find_shown(FPV_KEYS_VIEW, FPV_KEY_SRIGHT, true,
	    FPV_SHOWN_VECTOR);
	ok(b != NULL && b->action == FPV_ACT_NEXT, "Shift-Right elsewhere "
	    "steps");
	b = fpv_key_find_vec(FPV_KEYS_VIEW, FPV_KEY_RIGHT, true, false);
	ok(b != NULL && b->action == FPV_ACT_NEXT, "Right on a scalar steps");
}

/* The man page's name for a key in roff. */
static const char *
roff_name(const char *name)
{
	static const struct { const char *key, *roff; } map[] = {
		{ "Right", "\\(->" }, { "Left", "\\(<-" }, { "Up", "\\(ua" },
		{ "Down", "\\(da" }, { "?", "\\&?" }, { "other keys", "other" },
		{ "0-9 a-f", "hexadecimal" }, { "Shift-Right", "Shift-\\(->" },
		{ "Shift-Left", "Shift-\\(<-" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].key, name) == 0)
			return map[i].roff;
	return name;
}

/* Every key is in the man page's Keys or Bit editing section. */
static void
man_page(void)
{
	FILE *f = fopen(FPV_SRCDIR "/man/fpviz.1", "r");
	char *page = NULL, *a, *b;
	size_t n = 0;
	int missing = 0;

	if (f == NULL) {
		ok(0, "read man/fpviz.1");
		return;
	}
	if (getdelim(&page, &n, '\0', f) < 0) {
		fclose(f);
		ok(0, "read man/fpviz.1");
		return;
	}
	fclose(f);
	a = strstr(page, "\n.Ss Keys\n");
	b = a ? strstr(a, "\n.Sh ") : NULL;
	if (a == NULL || b == NULL) {
		ok(0, "the man page has a Keys section");
		free(page);
		return;
	}
	*b = '\0';
	for (int k = 0; k < FPV_KEY_COUNT; k++)
		if (strstr(a, roff_name(fpv_key_names[k])) == NULL) {
			missing++;
			diag("%s is not in the man page's Keys or Bit editing",
			    fpv_key_names[k]);
		}
	ok(missing == 0, "the man page's Keys and Bit editing name every key");
	free(page);
}

int
main(void)
{
	help_complete();
	table_covers();
	lookups();
	man_page();
	return tap_done();
}
