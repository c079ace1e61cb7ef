/*
 * Keys and the input line of the full-screen view.
 *
 * The input line always has the keyboard.  What each key does is a row
 * of the key table (keys.c, the same table :help keys is written from):
 * curses' key codes are turned into the table's keys, the mode (the
 * view, an overlay, the bit editor, its hex prompt) and whether the
 * input line is empty pick the row, and its action is carried out
 * here.  Keys that editing does not need step, select a format row or
 * open the help (PgDn/PgUp always; arrows, Space, Home, End, Tab and ?
 * only when the line is empty; on a vector, the arrows, Home and End
 * select its elements, F3 shows them as codes); F2 starts the bit
 * editor, which then takes the keys it knows (and gives up the keyboard
 * on any other);
 * every other key goes to GNU readline, run through its callback
 * interface: curses reads the keys, they are turned back into the bytes
 * readline expects and queued, rl_getc_function hands them over, and
 * rl_redisplay_function copies the edited line into the model, which
 * view-draw.c draws.  Readline never touches the terminal itself: its
 * terminal preparation is a no-op, it catches no signals, and its output
 * stream is /dev/null.
 *
 * Owns the key queue and the completion candidates; readline's
 * callbacks carry no user pointer, so the view they serve is a static.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "fpviz/history.h"
#include "fpviz/keys.h"
#include "fpviz/view-impl.h"

/* The view readline's callbacks serve, and where lines go in history. */
static struct fpv_view *V;
static struct fpv_history *H;
static FILE *devnull;

/* Bytes waiting for readline. */
static unsigned char queue[1024];
static size_t qhead, qlen;

/* Completion candidates for the word being completed. */
static char **cands;		/* the candidates of a completion */

/* ---- The key queue -------------------------------------------------- */

/* Queue n bytes for readline (dropped if the queue is full). */
static void
push(const char *s, size_t n)
{
	for (size_t i = 0; i < n && qlen < sizeof queue; i++, qlen++)
		queue[(qhead + qlen) % sizeof queue] = (unsigned char)s[i];
}

/* The bytes readline understands for a curses key, or NULL. */
static const char *
key_bytes(int k, char *buf)
{
	static const struct { int key; const char *seq; } map[] = {
		{ KEY_LEFT, "\033[D" }, { KEY_RIGHT, "\033[C" },
		{ KEY_UP, "\033[A" }, { KEY_DOWN, "\033[B" },
		{ KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
		{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" },
		{ KEY_ENTER, "\r" },
	};
	const char *name;

	if (k >= 0 && k < 256) {
		buf[0] = (char)k;
		buf[1] = '\0';
		return buf;
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].key == k)
			return map[i].seq;
	/* Ctrl-Left/Right (terminfo's extended names): word motions. */
	if ((name = keyname(k)) != NULL) {
		if (strncmp(name, "kLFT", 4) == 0)
			return "\033b";
		if (strncmp(name, "kRIT", 4) == 0)
			return "\033f";
	}
	return NULL;
}

/* Queue the bytes of a curses key. */
static void
push_key(int k)
{
	char buf[2];
	const char *s = key_bytes(k, buf);

	if (s != NULL)
		push(s, k >= 0 && k < 256 ? 1 : strlen(s));
}

/* rl_getc_function: the next queued byte; if readline wants more than
 * has arrived (the rest of a UTF-8 character), wait for it. */
static int
getc_cb(FILE *f)
{
	(void)f;
	while (qlen == 0) {
		int k = V && V->winput ? wgetch(V->winput) : ERR;

		if (k != ERR) {
			push_key(k);
			continue;
		}
		if (view_stop_signal || V == NULL || V->winput == NULL)
			return EOF;
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		if (poll(&p, 1, 100) > 0 && (p.revents & (POLLHUP | POLLERR)))
			return EOF;
	}
	int c = queue[qhead];

	qhead = (qhead + 1) % sizeof queue;
	qlen--;
	return c;
}

/* rl_input_available_hook: whether a byte is queued. */
static int
avail_cb(void)
{
	return qlen > 0;
}

/* rl_redisplay_function: copy the line for view-draw.c. */
static void
redisplay_cb(void)
{
	if (V != NULL)
		view_set_input(V, rl_display_prompt ? rl_display_prompt : "",
		    rl_line_buffer ? rl_line_buffer : "", (size_t)rl_end,
		    (size_t)rl_point);
}

/* rl_prep_term_function: curses owns the terminal. */
static void
prep_cb(int meta)
{
	(void)meta;
}

/* rl_deprep_term_function: curses owns the terminal. */
static void
deprep_cb(void)
{
}

/* A failed line to put back on the input line when readline starts the
 * next one, with the point at its error (refill_hook). */
static char *refill;
static size_t refill_point;

/* rl_startup_hook: the failed line back on the input line, the cursor
 * at the error's column. */
static int
refill_hook(void)
{
	if (refill != NULL) {
		rl_insert_text(refill);
		rl_point = refill_point <= (size_t)rl_end ? (int)refill_point :
		    rl_end;
		free(refill);
		refill = NULL;
	}
	return 0;
}

/* The line handler: a line was entered (NULL: end of input).  A line
 * that failed comes back to be corrected. */
static void
on_line(char *line)
{
	char warn[512];

	if (line == NULL) {
		V->quit = true;
		return;
	}
	view_submit(V, line);
	if (H != NULL && fpv_history_add(H, line, warn, sizeof warn) != 0)
		view_message(V, MSG_WARN, "%s", warn);
	free(line);
	free(refill);
	refill = NULL;
	if (V->failed != NULL && (refill = strdup(V->failed)) != NULL)
		refill_point = V->failed_off;
}

/* ---- Completion ----------------------------------------------------- */

/* Generator for rl_completion_matches: the candidates in turn (all of
 * them begin with the text). */
static char *
generator(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (state == 0)
		i = 0;
	if (cands == NULL || cands[i] == NULL)
		return NULL;
	return strdup(cands[i++]);
}

/* rl_attempted_completion_function: the candidates of fpv_complete for
 * the word at start..end. */
static char **
complete(const char *text, int start, int end)
{
	char append, **m;

	(void)end;
	rl_attempted_completion_over = 1;
	cands = fpv_complete_list(V->s, rl_line_buffer, (size_t)start, text,
	    strlen(text), &append);
	m = rl_completion_matches(text, generator);
	fpv_complete_free(cands);
	cands = NULL;
	if (append == 0)
		rl_completion_suppress_append = 1;
	else
		rl_completion_append_character = append;
	return m;
}

/* rl_completion_display_matches_hook: list the matches on the status
 * line instead of printing them. */
static void
show_matches(char **matches, int n, int maxlen)
{
	char buf[512];
	size_t k = 0;

	(void)maxlen;
	buf[0] = '\0';
	for (int i = 1; i <= n && k + 4 < sizeof buf; i++) {
		int w = snprintf(buf + k, sizeof buf - k, "%s%s", i > 1 ? "  " : "",
		    matches[i]);

		if (w < 0)
			break;
		k += (size_t)w;
	}
	view_message(V, MSG_INFO, "%s", buf);
}

/* ---- Keys ----------------------------------------------------------- */

/* True if readline is in a special state (searching, reading a count
 * or the rest of a key sequence). */
static bool
special_state(void)
{
	return RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH |
	    RL_STATE_SEARCH | RL_STATE_NUMERICARG | RL_STATE_MULTIKEY |
	    RL_STATE_METANEXT | RL_STATE_VIMOTION | RL_STATE_CHARSEARCH |
	    RL_STATE_MOREINPUT) != 0;
}

/* True if the input line is empty and readline is in no special state. */
static bool
line_empty(void)
{
	return rl_end == 0 && !special_state();
}

/* Lines of the overlay's text. */
static int
overlay_lines(const struct fpv_view *v)
{
	int n = 1;

	for (const char *p = v->ovtext; p && *p; p++)
		n += *p == '\n';
	return n;
}

/* Scroll the overlay by delta lines; false if it cannot move. */
static bool
overlay_scroll(struct fpv_view *v, int delta)
{
	int page = v->lay.body_rows - 1, max = overlay_lines(v) - page, s;

	if (max < 0)
		max = 0;
	s = v->ovscroll + delta * (page > 1 ? page - 1 : 1);
	s = s < 0 ? 0 : s > max ? max : s;
	if (s == v->ovscroll)
		return false;
	v->ovscroll = s;
	v->dirty |= DIRTY_BODY;
	return true;
}

/* Give readline a key and let it work through the queue. */
static void
feed(struct fpv_view *v, int k)
{
	push_key(k);
	while (qlen > 0 && !v->quit && !view_stop_signal)
		rl_callback_read_char();
}

/* The table's name for the curses key k. */
static enum fpv_key
key_of(int k)
{
	static const struct { int code; enum fpv_key key; } map[] = {
		{ '\r', FPV_KEY_ENTER }, { '\n', FPV_KEY_ENTER },
		{ KEY_ENTER, FPV_KEY_ENTER }, { KEY_NPAGE, FPV_KEY_PGDN },
		{ KEY_PPAGE, FPV_KEY_PGUP }, { KEY_RIGHT, FPV_KEY_RIGHT },
		{ KEY_LEFT, FPV_KEY_LEFT }, { ' ', FPV_KEY_SPACE },
		{ KEY_HOME, FPV_KEY_HOME }, { KEY_END, FPV_KEY_END },
		{ '\t', FPV_KEY_TAB }, { KEY_BTAB, FPV_KEY_BTAB },
		{ KEY_UP, FPV_KEY_UP }, { KEY_DOWN, FPV_KEY_DOWN },
		{ KEY_F(1), FPV_KEY_F1 }, { '?', FPV_KEY_QUESTION },
		{ KEY_F(2), FPV_KEY_F2 }, { KEY_F(3), FPV_KEY_F3 },
		{ 27, FPV_KEY_ESC },
		{ 'L' & 0x1f, FPV_KEY_CTRL_L }, { 'D' & 0x1f, FPV_KEY_CTRL_D },
		{ 'C' & 0x1f, FPV_KEY_CTRL_C }, { 'Z' & 0x1f, FPV_KEY_CTRL_Z },
		{ 'e', FPV_KEY_E }, { 'E', FPV_KEY_E },
		{ KEY_BACKSPACE, FPV_KEY_BACKSPACE }, { 127, FPV_KEY_BACKSPACE },
		{ '\b', FPV_KEY_BACKSPACE }, { 'U' & 0x1f, FPV_KEY_CTRL_U },
		{ KEY_SRIGHT, FPV_KEY_SRIGHT }, { KEY_SLEFT, FPV_KEY_SLEFT },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].code == k)
			return map[i].key;
	return FPV_KEY_OTHER;
}

/* The mode that has the keys. */
static enum fpv_key_mode
mode_of(const struct fpv_view *v)
{
	if (v->be.on && v->be.hex)
		return FPV_KEYS_HEX;
	if (v->ov != OV_NONE)
		return FPV_KEYS_OVERLAY;
	if (v->be.on)
		return FPV_KEYS_BITS;
	return FPV_KEYS_VIEW;
}

static void key_in(struct fpv_view *v, enum fpv_key_mode mode, int k,
    bool empty);

/* Carry out binding b for the curses key k (in mode; empty: the input
 * line is empty). */
static void
act(struct fpv_view *v, const struct fpv_keybinding *b, int k, bool empty)
{
	switch (b->action) {
	case FPV_ACT_EDIT:
		feed(v, k);
		break;
	case FPV_ACT_NEXT:
	case FPV_ACT_PREV:
		view_step(v, b->action == FPV_ACT_NEXT ? 1 : -1);
		break;
	case FPV_ACT_FIRST:
	case FPV_ACT_LAST:
		view_step_end(v, b->action == FPV_ACT_FIRST ? -1 : 1);
		break;
	case FPV_ACT_ROW_NEXT:
	case FPV_ACT_ROW_PREV:
		view_select(v, b->action == FPV_ACT_ROW_NEXT ? 1 : -1);
		break;
	case FPV_ACT_HELP:
		view_overlay(v, OV_HELP, NULL);
		break;
	case FPV_ACT_BITS:
		view_bitedit_start(v);
		break;
	case FPV_ACT_ELEM_NEXT:
	case FPV_ACT_ELEM_PREV:
		view_elem_move(v, b->action == FPV_ACT_ELEM_NEXT ? 1 : -1);
		break;
	case FPV_ACT_ELEM_FIRST:
	case FPV_ACT_ELEM_LAST:
		view_elem_end(v, b->action == FPV_ACT_ELEM_FIRST ? -1 : 1);
		break;
	case FPV_ACT_CELLS_HEX:
		view_cells_hex(v);
		break;
	case FPV_ACT_ACC_NEXT:
	case FPV_ACT_ACC_PREV:
		view_acc_move(v, b->action == FPV_ACT_ACC_NEXT ? 1 : -1);
		break;
	case FPV_ACT_ACC_FIRST:
	case FPV_ACT_ACC_LAST:
		view_acc_end(v, b->action == FPV_ACT_ACC_FIRST ? -1 : 1);
		break;
	case FPV_ACT_ACC_CHANGE_NEXT:
	case FPV_ACT_ACC_CHANGE_PREV:
		view_acc_change(v, b->action == FPV_ACT_ACC_CHANGE_NEXT ? 1 :
		    -1);
		break;
	case FPV_ACT_BLOCK_NEXT:
	case FPV_ACT_BLOCK_PREV:
		view_block_move(v, b->action == FPV_ACT_BLOCK_NEXT ? 1 : -1);
		break;
	case FPV_ACT_ESCAPE:
		if (v->msgkind != MSG_NONE)
			view_message(v, MSG_NONE, NULL);
		else if (special_state())
			feed(v, 'G' & 0x1f);	/* abort a search or a count */
		break;
	case FPV_ACT_REDRAW:
		v->dirty |= DIRTY_CLEAR | DIRTY_LAYOUT;
		break;
	case FPV_ACT_QUIT:
		v->quit = true;
		break;
	case FPV_ACT_SIGNAL:
	case FPV_ACT_IGNORE:
		break;
	case FPV_ACT_CLOSE:
		view_overlay_close(v);
		break;
	case FPV_ACT_CLOSE_THEN:
		view_overlay_close(v);
		key_in(v, mode_of(v), k, empty);
		break;
	case FPV_ACT_SCROLL_DOWN:
	case FPV_ACT_SCROLL_UP:
		if (overlay_lines(v) > v->lay.body_rows - 1) {
			overlay_scroll(v, b->action == FPV_ACT_SCROLL_DOWN ?
			    1 : -1);
			break;
		}
		/* It all shows: close it and step. */
		view_overlay_close(v);
		key_in(v, mode_of(v), k, empty);
		break;
	case FPV_ACT_BIT_LEFT:
	case FPV_ACT_BIT_RIGHT:
		view_bitedit_move(v, b->action == FPV_ACT_BIT_LEFT ? -1 : 1);
		break;
	case FPV_ACT_BIT_FIRST:
	case FPV_ACT_BIT_LAST:
		view_bitedit_jump(v, b->action == FPV_ACT_BIT_FIRST ? -1 : 1);
		break;
	case FPV_ACT_BIT_TOGGLE:
		view_bitedit_toggle(v);
		break;
	case FPV_ACT_BIT_HEX:
		view_bitedit_hex_open(v);
		break;
	case FPV_ACT_BIT_DONE:
		view_bitedit_stop(v);
		break;
	case FPV_ACT_BIT_LEAVE:
		view_bitedit_stop(v);
		key_in(v, FPV_KEYS_VIEW, k, empty);
		break;
	case FPV_ACT_VIEW:
		key_in(v, FPV_KEYS_VIEW, k, empty);
		break;
	case FPV_ACT_HEX_APPLY:
		view_bitedit_hex_apply(v);
		break;
	case FPV_ACT_HEX_DIGIT:
		view_bitedit_hex_key(v, k);
		break;
	case FPV_ACT_HEX_DELETE:
		view_bitedit_hex_key(v, '\b');
		break;
	case FPV_ACT_HEX_CLEAR:
		view_bitedit_hex_key(v, 'U' & 0x1f);
		break;
	case FPV_ACT_HEX_CANCEL:
		view_bitedit_hex_close(v);
		break;
	}
}

/* Handle the curses key k in mode: its binding in the key table; an
 * overlay without one leaves the key to what is under it (the bit
 * editor, or the view). */
static void
key_in(struct fpv_view *v, enum fpv_key_mode mode, int k, bool empty)
{
	enum fpv_key key = key_of(k);
	const struct fpv_keybinding *b;

	/* The hex prompt's digits: 0-9, a-f and the x of 0x. */
	if (mode == FPV_KEYS_HEX && k >= 0 && k < 128 &&
	    strchr("0123456789abcdefABCDEFxX", k) != NULL && k != '\0')
		key = FPV_KEY_HEX;
	if ((b = fpv_key_find_shown(mode, key, empty,
	    view_shown(v))) == NULL) {
		if (mode == FPV_KEYS_OVERLAY)
			key_in(v, v->be.on ? FPV_KEYS_BITS : FPV_KEYS_VIEW, k,
			    empty);
		else if (mode != FPV_KEYS_VIEW)
			key_in(v, FPV_KEYS_VIEW, k, empty);
		return;
	}
	act(v, b, k, empty);
}

/*
 * Esc: alone it goes to the key table (it closes the overlay or the hex
 * prompt, leaves the bit editor, or clears the message); with a key
 * right behind it (Alt-key sent as ESC key) both go to readline.
 */
static void
escape(struct fpv_view *v, bool empty)
{
	int next = v->winput != NULL ? wgetch(v->winput) : ERR;

	if (next == ERR) {
		key_in(v, mode_of(v), 27, empty);
		return;
	}
	push_key(27);
	feed(v, next);
}

/* Handle one key. */
void
view_input_key(struct fpv_view *v, int k)
{
	bool empty = line_empty();

	if (k == KEY_RESIZE) {
		v->dirty |= DIRTY_LAYOUT;
		return;
	}
	if (k == 27) {
		escape(v, empty);
		return;
	}
	key_in(v, mode_of(v), k, empty);
}

/* ---- Set-up --------------------------------------------------------- */

/* Start readline's callback interface. */
void
view_input_init(struct fpv_view *v, struct fpv_history *h)
{
	static const struct { const char *seq; rl_command_func_t *fn; } binds[] = {
		{ "\033[D", rl_backward_char }, { "\033[C", rl_forward_char },
		{ "\033[A", rl_get_previous_history },
		{ "\033[B", rl_get_next_history },
		{ "\033[H", rl_beg_of_line }, { "\033[F", rl_end_of_line },
		{ "\033[3~", rl_delete },
		{ "\033b", rl_backward_word }, { "\033f", rl_forward_word },
	};

	V = v;
	H = h;
	qhead = qlen = 0;
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	rl_readline_name = "fpviz";
	rl_instream = stdin;
	rl_outstream = devnull ? devnull : stderr;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = prep_cb;
	rl_deprep_term_function = deprep_cb;
	rl_getc_function = getc_cb;
	rl_input_available_hook = avail_cb;
	rl_redisplay_function = redisplay_cb;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_startup_hook = refill_hook;
	rl_basic_word_break_characters = " \t\n+-*/^(),=#<>";
	rl_completer_word_break_characters = " \t\n+-*/^(),=#<>";
	rl_callback_handler_install(v->prompt, on_line);
	for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++)
		rl_bind_keyseq_if_unbound(binds[i].seq, binds[i].fn);
}

/* Stop readline's callback interface. */
void
view_input_done(void)
{
	rl_callback_handler_remove();
	rl_startup_hook = NULL;
	free(refill);
	refill = NULL;
	fpv_complete_free(cands);
	cands = NULL;
	if (devnull != NULL) {
		fclose(devnull);
		devnull = NULL;
	}
	rl_outstream = NULL;
	V = NULL;
	H = NULL;
}
