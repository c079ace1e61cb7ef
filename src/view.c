/*
 * The full-screen view's entry points: whether it can run, terminal
 * set-up and restoration, signals, and the main loop.
 *
 * Signals are turned into bytes on a pipe (the self-pipe trick) and
 * handled by the loop, which waits with poll() on the terminal and the
 * pipe: SIGWINCH re-lays out the screen, SIGTSTP leaves curses mode
 * before stopping and repaints after, SIGCONT repaints, and SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT end the loop so that the terminal is
 * restored before the process dies of the same signal.  A second fatal
 * signal while the first is pending restores the terminal modes from
 * the handler itself (tcsetattr is async-signal-safe) and dies at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>

#include "fpviz/history.h"
#include "fpviz/safe.h"
#include "fpviz/view.h"
#include "fpviz/view-impl.h"

volatile sig_atomic_t view_stop_signal;
volatile sig_atomic_t view_busy;

/* The self-pipe, the terminal's modes before we started, and what to
 * write to leave the alternate screen in an emergency. */
static int sigpipe_fd[2] = { -1, -1 };
static struct termios saved_tio;
static bool have_tio;
static char emergency[128];
static size_t emergency_len;

/* Signals the view handles (ORDER: old_actions). */
static const int handled[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT
};
static struct sigaction old_actions[sizeof handled / sizeof handled[0]];

/* How to get the view back, after every notice that TERM stands in the
 * way. */
#define TERM_FIX "; using line mode (set TERM or use --plain)"

/* Say in why that TERM (its value term) is the reason: "TERM=term"
 * followed by what, then TERM_FIX. */
static void
term_notice(char *why, size_t size, const char *term, const char *what)
{
	char safe[64];

	if (why == NULL || size == 0)
		return;
	fpv_safe_copy(safe, sizeof safe, term, strlen(term));
	snprintf(why, size, "TERM=%s %s" TERM_FIX, safe, what);
}

/* True if the full-screen view can run; if TERM is why not, say so. */
bool
fpv_view_usable(char *why, size_t size)
{
	const char *term = getenv("TERM");
	int err = 0;
	bool ok;

	if (why != NULL && size > 0)
		why[0] = '\0';
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	if (term == NULL || term[0] == '\0') {
		if (why != NULL && size > 0)
			snprintf(why, size, "TERM is not set" TERM_FIX);
		return false;
	}
	if (strcmp(term, "dumb") == 0) {
		term_notice(why, size, term, "cannot show the full-screen view");
		return false;
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK || err != 1) {
		/* setupterm's codes: 0 not found (or generic), -1 no
		 * database, 1 with ERR a hardcopy terminal. */
		term_notice(why, size, term, err == 0 ? "has no terminfo entry" :
		    err < 0 ? "cannot be looked up (no terminfo database)" :
		    "is a hardcopy terminal");
		return false;
	}
	{
		const char *cup = tigetstr("cup");

		ok = cup != NULL && cup != (char *)-1 && !hard_copy;
	}
	del_curterm(cur_term);
	if (!ok)
		term_notice(why, size, term, "cannot move the cursor (no cup "
		    "in its terminfo entry)");
	return ok;
}

/* The signal handler: queue the signal for the loop. */
static void
on_signal(int sig)
{
	int e = errno;
	unsigned char c = (unsigned char)sig;

	if (sig == SIGINT && view_busy && !fpv_interrupt && !view_stop_signal) {
		/* Ctrl-C while evaluating: stop the evaluation, not the view. */
		fpv_interrupt = 1;
		errno = e;
		return;
	}
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
		/* Whatever is being evaluated stops, and then the view. */
		fpv_interrupt = 1;
		if (view_stop_signal) {
			/* Second time: restore what we can and die now. */
			if (have_tio)
				tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
			if (emergency_len > 0 &&
			    write(STDOUT_FILENO, emergency, emergency_len) < 0)
				errno = e;
			signal(sig, SIG_DFL);
			raise(sig);
			_exit(128 + sig);
		}
		view_stop_signal = sig;
	}
	if (sigpipe_fd[1] >= 0 && write(sigpipe_fd[1], &c, 1) < 0)
		errno = e;
	errno = e;
}

/* Install (on) or remove (off) the signal handlers. */
static void
signals(bool on)
{
	for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
		if (on) {
			struct sigaction sa;

			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sa.sa_flags = 0;	/* no SA_RESTART: poll wakes */
			sigaction(handled[i], &sa, &old_actions[i]);
		} else {
			sigaction(handled[i], &old_actions[i], NULL);
		}
	}
}

/* Make the self-pipe; -1 on failure. */
static int
make_pipe(void)
{
	if (pipe(sigpipe_fd) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(sigpipe_fd[i], F_SETFL, fcntl(sigpipe_fd[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(sigpipe_fd[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

/* Close the self-pipe. */
static void
close_pipe(void)
{
	for (int i = 0; i < 2; i++)
		if (sigpipe_fd[i] >= 0) {
			close(sigpipe_fd[i]);
			sigpipe_fd[i] = -1;
		}
}

/* Remember how to leave the screen in an emergency (from terminfo). */
static void
prepare_emergency(void)
{
	const char *caps[] = { "sgr0", "cnorm", "rmkx", "rmcup" };

	emergency_len = 0;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		const char *s = tigetstr(caps[i]);
		size_t n;

		if (s == NULL || s == (char *)-1)
			continue;
		n = strlen(s);
		if (emergency_len + n + 2 >= sizeof emergency)
			break;
		memcpy(emergency + emergency_len, s, n);
		emergency_len += n;
	}
	emergency[emergency_len++] = '\r';
	emergency[emergency_len++] = '\n';
}

/* Follow the terminal's size after SIGWINCH or a stop. */
static void
follow_size(struct fpv_view *v)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	v->dirty |= DIRTY_LAYOUT;
}

/* Stop the process (SIGTSTP) with the terminal restored; repaint after. */
static void
suspend(struct fpv_view *v)
{
	struct sigaction sa, old;
	sigset_t set, oset, ttou;

	/*
	 * If a parent in our process group (a shell script running fpviz)
	 * stopped at once, the shell may own the terminal already: restoring
	 * it must not stop us with SIGTTOU, or the SIGTSTP below would stop
	 * us a second time after fg.
	 */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &oset);
	endwin();
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &oset, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, &oset);
	raise(SIGTSTP);
	/* Here again after SIGCONT. */
	sigprocmask(SIG_SETMASK, &oset, NULL);
	sigaction(SIGTSTP, &old, NULL);
	reset_prog_mode();
	follow_size(v);
	v->dirty |= DIRTY_CLEAR;
}

/* Handle the signals queued on the pipe. */
static void
drain_signals(struct fpv_view *v)
{
	unsigned char buf[64];
	ssize_t n;

	while ((n = read(sigpipe_fd[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
				follow_size(v);
				break;
			case SIGTSTP:
				suspend(v);
				break;
			case SIGCONT:
				reset_prog_mode();
				follow_size(v);
				v->dirty |= DIRTY_CLEAR;
				break;
			default:
				v->quit = true;
				break;
			}
		}
	}
}

/* Read and handle every key curses has. */
static void
read_keys(struct fpv_view *v)
{
	int k;

	while (!v->quit && !view_stop_signal && (k = wgetch(v->winput)) != ERR) {
		view_busy = 1;
		view_input_key(v, k);
		view_busy = 0;
		/* A Ctrl-C that came after the evaluation is forgotten. */
		if (!view_stop_signal)
			fpv_interrupt = 0;
	}
}

/* Teach curses the Home/End/Delete sequences terminals send besides the
 * ones terminfo names (tmux and screen send ESC [ 1 ~ for Home whatever
 * TERM says; rxvt sends ESC [ 7 ~). */
static void
define_keys(void)
{
	static const struct { const char *seq; int key; } keys[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
		{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[3~", KEY_DC }, { "\033[Z", KEY_BTAB },
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033OP", KEY_F(1) }, { "\033[11~", KEY_F(1) },
		{ "\033OQ", KEY_F(2) }, { "\033[12~", KEY_F(2) },
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (key_defined(keys[i].seq) == 0)
			define_key(keys[i].seq, keys[i].key);
}

/* The main loop: draw, wait for keys or signals, handle them. */
static void
loop(struct fpv_view *v)
{
	struct pollfd fds[2];

	while (!v->quit && !view_stop_signal) {
		view_draw(v);
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[1].fd = sigpipe_fd[0];
		fds[1].events = POLLIN;
		fds[0].revents = fds[1].revents = 0;
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents & POLLIN)
			drain_signals(v);
		if (fds[0].revents & POLLIN)
			read_keys(v);
		else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			v->quit = true;
	}
}

/* Set up, run the loop, restore.  lesson: start it, or NULL. */
static int
run(struct fpv_session *s, struct fpv_display *d,
    const char *const *initial, size_t ninitial, const char *lesson)
{
	struct fpv_view v;
	struct fpv_history h;
	SCREEN *scr;
	char warn[512];
	int sig;

	view_stop_signal = 0;
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	if (make_pipe() < 0) {
		fprintf(stderr, "fpviz: cannot start the view: %s\n",
		    strerror(errno));
		return 1;
	}
	view_init(&v, s, d);
	warn[0] = '\0';
	fpv_history_open(&h, warn, sizeof warn);
	/* Readline first: it reads the terminal database itself. */
	view_input_init(&v, &h);
	/* Our handlers before curses starts, so that it installs none. */
	signals(true);
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		signals(false);
		view_input_done();
		fpv_history_close(&h, warn, 0);
		view_free(&v);
		close_pipe();
		char why[200];

		term_notice(why, sizeof why, getenv("TERM") ? getenv("TERM") :
		    "", "cannot be set up by curses");
		fprintf(stderr, "fpviz: %s\n", why);
		return 1;
	}
	prepare_emergency();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	define_keys();
	view_palette_init(&v);
	view_layout(&v);
	if (warn[0] != '\0')
		view_message(&v, MSG_WARN, "%s", warn);
	view_busy = 1;
	for (size_t i = 0; i < ninitial && !v.quit; i++)
		view_submit(&v, initial[i]);
	if (lesson != NULL)
		view_lesson_start(&v, lesson);
	view_busy = 0;
	if (!view_stop_signal)
		fpv_interrupt = 0;
	if (warn[0] != '\0' && v.msgkind == MSG_NONE)
		view_message(&v, MSG_WARN, "%s", warn);

	loop(&v);

	view_windows_free(&v);
	endwin();
	delscreen(scr);
	view_input_done();
	signals(false);
	close_pipe();
	if (fpv_history_close(&h, warn, sizeof warn) != 0) {
		fputs("fpviz: ", stderr);
		fpv_safe_write(stderr, warn, strlen(warn));
		putc('\n', stderr);
	}
	view_free(&v);
	fflush(stdout);
	if ((sig = view_stop_signal) != 0) {
		/* End by the signal that asked, as if it had not been caught. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return 0;
}

/* Run the view. */
int
fpv_view_run(struct fpv_session *s, struct fpv_display *d,
    const char *const *initial_lines, size_t ninitial)
{
	return run(s, d, initial_lines, ninitial, NULL);
}

/* Run the view with a lesson. */
int
fpv_view_run_lesson(struct fpv_session *s, struct fpv_display *d,
    const char *lesson)
{
	return run(s, d, NULL, 0, lesson);
}
