/*
 * Keys and the input line of the full-screen view.
 *
 * The input line always has the keyboard.  Keys that editing does not
 * need step, select a format row or open the help (PgDn/PgUp always;
 * arrows, Space, Home, End, Tab and ? only when the line is empty);
 * F2 starts the bit editor, which then takes the keys it knows (and
 * gives up the keyboard on any other); every other key goes to GNU
 * readline, run through its callback
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

/* The line handler: a line was entered (NULL: end of input). */
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

/* Handle a key while an overlay is open; true if it was used up. */
static bool
overlay_key(struct fpv_view *v, int k, bool empty)
{
	switch (k) {
	case KEY_F(1):
		view_overlay_close(v);
		return true;
	case '?':
		if (!empty || v->ov != OV_HELP)
			return false;
		view_overlay_close(v);
		return true;
	case KEY_NPAGE:
	case KEY_PPAGE:
		if (overlay_lines(v) > v->lay.body_rows - 1) {
			overlay_scroll(v, k == KEY_NPAGE ? 1 : -1);
			return true;
		}
		/* It all shows: close it and step. */
		view_overlay_close(v);
		return false;
	case KEY_RIGHT:
	case KEY_LEFT:
	case ' ':
	case KEY_HOME:
	case KEY_END:
		if (empty)
			view_overlay_close(v);
		return false;
	default:
		return false;
	}
}

/* Give readline a key and let it work through the queue. */
static void
feed(struct fpv_view *v, int k)
{
	push_key(k);
	while (qlen > 0 && !v->quit && !view_stop_signal)
		rl_callback_read_char();
}

/* Handle Esc: alone it closes the overlay or clears the message; with
 * a key right behind it (Alt-key sent as ESC key) it goes to readline. */
static void
escape(struct fpv_view *v)
{
	int next = v->winput != NULL ? wgetch(v->winput) : ERR;

	if (next == ERR) {
		if (v->be.hex)
			view_bitedit_hex_close(v);
		else if (v->ov != OV_NONE)
			view_overlay_close(v);
		else if (v->be.on)
			view_bitedit_stop(v);
		else if (v->msgkind != MSG_NONE)
			view_message(v, MSG_NONE, NULL);
		else if (special_state())
			feed(v, 'G' & 0x1f);	/* abort a search or a count */
		return;
	}
	push_key(27);
	feed(v, next);
}

/* Handle a key in the hex prompt of the bit editor (all keys but Esc
 * stay there). */
static void
hex_key(struct fpv_view *v, int k)
{
	switch (k) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		view_bitedit_hex_apply(v);
		break;
	case KEY_BACKSPACE:
	case 127:
	case '\b':
		view_bitedit_hex_key(v, '\b');
		break;
	case KEY_RESIZE:
		v->dirty |= DIRTY_LAYOUT;
		break;
	default:
		if (k >= 0 && k < 128)
			view_bitedit_hex_key(v, k);
		break;
	}
}

/* Handle a key in the bit editor; true if it was used up.  Keys it does
 * not know end the editing and go on as usual. */
static bool
bitedit_key(struct fpv_view *v, int k)
{
	switch (k) {
	case KEY_LEFT:
		view_bitedit_move(v, -1);
		return true;
	case KEY_RIGHT:
		view_bitedit_move(v, 1);
		return true;
	case KEY_HOME:
	case KEY_END:
		view_bitedit_jump(v, k == KEY_HOME ? -1 : 1);
		return true;
	case ' ':
		view_bitedit_toggle(v);
		return true;
	case 'e':
	case 'E':
		view_bitedit_hex_open(v);
		return true;
	case '\t':
	case KEY_BTAB:
		view_select(v, k == KEY_BTAB ? -1 : 1);
		return true;
	case '\r':
	case '\n':
	case KEY_ENTER:
	case KEY_F(2):
		view_bitedit_stop(v);
		return true;
	case KEY_NPAGE:
	case KEY_PPAGE:
	case KEY_F(1):
	case KEY_RESIZE:
	case 'L' & 0x1f:
		return false;
	default:
		view_bitedit_stop(v);
		return false;
	}
}

/* Handle one key. */
void
view_input_key(struct fpv_view *v, int k)
{
	bool empty = line_empty();

	if (k == 27) {
		escape(v);
		return;
	}
	if (v->be.on && v->be.hex) {
		hex_key(v, k);
		return;
	}
	if (v->ov != OV_NONE && overlay_key(v, k, empty))
		return;
	if (v->be.on && bitedit_key(v, k))
		return;
	switch (k) {
	case KEY_RESIZE:
		v->dirty |= DIRTY_LAYOUT;
		return;
	case KEY_NPAGE:
		view_step(v, 1);
		return;
	case KEY_PPAGE:
		view_step(v, -1);
		return;
	case KEY_F(1):
		view_overlay(v, OV_HELP, NULL);
		return;
	case KEY_F(2):
		view_bitedit_start(v);
		return;
	case 'L' & 0x1f:
		v->dirty |= DIRTY_CLEAR | DIRTY_LAYOUT;
		return;
	case KEY_BTAB:
		if (empty)
			view_select(v, -1);
		return;
	case '\t':
		if (empty) {
			view_select(v, 1);
			return;
		}
		break;
	case KEY_RIGHT:
	case ' ':
		if (empty) {
			view_step(v, 1);
			return;
		}
		break;
	case KEY_LEFT:
		if (empty) {
			view_step(v, -1);
			return;
		}
		break;
	case KEY_HOME:
	case KEY_END:
		if (empty) {
			view_step_end(v, k == KEY_HOME ? -1 : 1);
			return;
		}
		break;
	case '?':
		if (empty) {
			view_overlay(v, OV_HELP, NULL);
			return;
		}
		break;
	case 'D' & 0x1f:
		if (empty) {
			v->quit = true;
			return;
		}
		break;
	default:
		break;
	}
	feed(v, k);
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
