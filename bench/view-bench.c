/*
 * bench/view-bench.c: responsiveness of the full-screen view (make bench;
 * not part of make check).
 *
 *   bench/view-bench [PATH/TO/fpviz]
 *
 * 1. Redraw after a step: the view's model and drawing code (the same
 *    source files as fpviz) draw into a curses screen (200x60; 80x24,
 *    72x20 and 40x12; the projector layout, --big, at 120x40 and
 *    200x60) with TERM=xterm-256color whose output goes to a temporary
 *    file; an
 *    expression is entered and the step moves back and forth N times,
 *    each time computing the step's texts and drawing the changed
 *    windows (wnoutrefresh, doupdate).  Reports CPU time per redraw
 *    (CLOCK_PROCESS_CPUTIME_ID), the bytes sent to the terminal per
 *    redraw, against a full repaint, and the cost of the step's texts
 *    alone versus the drawing alone.
 * 2. Time to first frame: the real fpviz binary is started on a
 *    pseudo-terminal of 200x60 (TERM=xterm-256color, a temporary
 *    XDG_STATE_HOME) and the time from fork to the arrival of the
 *    first frame's last line (its key hints) is measured; best and
 *    median of several runs.
 *
 * Targets (issue 3): under 1 ms of CPU per redraw at 200x60, first frame
 * within 50 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fpviz/view-impl.h"

/* The model reads this flag; the benchmark never sets it. */
volatile sig_atomic_t view_stop_signal;

#define COLS_ 200
#define ROWS_ 60

/* Seconds on clock c. */
static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sort helper for doubles. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Part 1: CPU per redraw after a step, in process, at cols x rows,
 * in the projector layout if big. */
static int
bench_redraw(const char *expr, int sel, long n, int cols, int rows, bool big)
{
	struct fpv_session s;
	struct fpv_display d = { false, false };
	char num[16];
	struct fpv_view v;
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	double t0, t1, full, bytes;
	long pos0;

	if (out == NULL || in == NULL) {
		perror("view-bench");
		return 1;
	}
	d.big = big;
	snprintf(num, sizeof num, "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", cols);
	setenv("COLUMNS", num, 1);
	if ((scr = newterm("xterm-256color", out, in)) == NULL) {
		fprintf(stderr, "view-bench: no xterm-256color in terminfo\n");
		return 1;
	}
	fpv_session_init(&s);
	view_init(&v, &s, &d);
	view_palette_init(&v);
	view_layout(&v);
	view_submit(&v, expr);
	if (view_trace(&v) == NULL) {
		fprintf(stderr, "view-bench: %s: %s\n", expr, v.msg);
		return 1;
	}
	v.sel = sel;
	view_draw(&v);

	size_t nsteps = view_trace(&v)->nsteps;
	/* Full repaint, for scale. */
	fflush(out);
	pos0 = ftell(out);
	v.dirty |= DIRTY_CLEAR;
	view_draw(&v);
	fflush(out);
	full = (double)(ftell(out) - pos0);

	/* Step back and forth: new texts and a redraw each time. */
	long dir = -1;
	fflush(out);
	pos0 = ftell(out);
	t0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < n; i++) {
		if (!view_step(&v, dir)) {
			dir = -dir;
			view_step(&v, dir);
		}
		view_draw(&v);
	}
	t1 = now(CLOCK_PROCESS_CPUTIME_ID);
	fflush(out);
	bytes = (double)(ftell(out) - pos0) / (double)n;
	printf("  %dx%d%s  %-34s %zu steps, %s selected\n", cols, rows,
	    big ? " --big" : "", expr, nsteps, view_format(&v, sel)->name);
	printf("    redraw after a step:  %8.1f us CPU  (%.0f bytes to the "
	    "terminal; full repaint %.0f bytes)\n", (t1 - t0) * 1e6 / (double)n,
	    bytes, full);

	/* The step's texts alone (no drawing). */
	t0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < n; i++) {
		v.cells_valid = false;
		v.det.valid = false;
		view_prepare(&v);
	}
	t1 = now(CLOCK_PROCESS_CPUTIME_ID);
	printf("    of which the texts:   %8.1f us CPU\n",
	    (t1 - t0) * 1e6 / (double)n);

	/* Drawing alone: every window again, texts cached. */
	t0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < n; i++) {
		v.dirty |= DIRTY_TOP | DIRTY_BODY | DIRTY_STATUS | DIRTY_INPUT;
		view_draw(&v);
	}
	t1 = now(CLOCK_PROCESS_CPUTIME_ID);
	printf("    of which the drawing: %8.1f us CPU (all windows, nothing "
	    "changed: 0 bytes)\n", (t1 - t0) * 1e6 / (double)n);

	view_windows_free(&v);
	endwin();
	delscreen(scr);
	view_free(&v);
	fpv_session_free(&s);
	fclose(out);
	fclose(in);
	return 0;
}

/* Part 2: start fpviz on a pty; seconds until its first frame is in. */
static double
first_frame(const char *fpviz, const char *state)
{
	int master, slave;
	pid_t pid;
	char *name, buf[65536];
	size_t have = 0;
	double t0, t = -1;
	struct winsize ws = { ROWS_, COLS_, 0, 0 };

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 ||
	    grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (name = ptsname(master)) == NULL)
		return -1;
	if ((slave = open(name, O_RDWR | O_NOCTTY)) < 0)
		return -1;
	ioctl(slave, TIOCSWINSZ, &ws);
	t0 = now(CLOCK_MONOTONIC);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		if (slave > 2)
			close(slave);
		setenv("TERM", "xterm-256color", 1);
		setenv("XDG_STATE_HOME", state, 1);
		unsetenv("NO_COLOR");
		execl(fpviz, fpviz, (char *)NULL);
		_exit(127);
	}
	close(slave);
	/* The first frame ends with the key hints ("... ^D quit"). */
	while (t < 0) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			break;
		r = read(master, buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		if (strstr(buf, "quit") != NULL)
			t = now(CLOCK_MONOTONIC) - t0;
		if (have > sizeof buf / 2) {
			memmove(buf, buf + have - 16, 16);
			have = 16;
		}
	}
	/* Ctrl-D quits; read until it closes the terminal. */
	if (write(master, "\004", 1) < 0)
		kill(pid, SIGTERM);
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0 || read(master, buf, sizeof buf) <= 0)
			break;
	}
	close(master);
	waitpid(pid, NULL, 0);
	return t;
}

/* Part 2 several times: best and median. */
static int
bench_first_frame(const char *fpviz)
{
	char state[] = "/tmp/fpviz-bench.XXXXXX";
	double t[9];
	int n = (int)(sizeof t / sizeof t[0]);
	char cmd[64];

	if (access(fpviz, X_OK) != 0) {
		printf("  (no %s: first frame not measured)\n", fpviz);
		return 0;
	}
	if (mkdtemp(state) == NULL)
		return 1;
	for (int i = 0; i < n; i++)
		if ((t[i] = first_frame(fpviz, state)) < 0) {
			fprintf(stderr, "view-bench: no first frame from %s\n",
			    fpviz);
			return 1;
		}
	qsort(t, (size_t)n, sizeof t[0], cmp_double);
	printf("  first frame of %s at %dx%d: best %.1f ms, median %.1f ms "
	    "(%d runs)\n", fpviz, COLS_, ROWS_, t[0] * 1e3, t[n / 2] * 1e3, n);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
	if (system(cmd) != 0)
		fprintf(stderr, "view-bench: could not remove %s\n", state);
	return 0;
}

/* Run both parts. */
int
main(int argc, char **argv)
{
	const char *fpviz = argc > 1 ? argv[1] : "./fpviz";
	long n = 2000;
	int rc = 0;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	printf("view-bench: the full-screen view, TERM=xterm-256color\n");
	rc |= bench_redraw("(1e4 + 1e-4) - 1e4", 0, n, COLS_, ROWS_, false);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, COLS_,
	    ROWS_, false);
	rc |= bench_redraw("2^-1074 * 3 + 1e-310", 2, n, COLS_, ROWS_, false);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, 80, 24,
	    false);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, 72, 20,
	    false);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, 40, 12,
	    false);
	rc |= bench_redraw("(1e4 + 1e-4) - 1e4", 0, n, 120, 40, true);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, 120,
	    40, true);
	rc |= bench_redraw("(1e4 + 1e-4) - 1e4", 0, n, COLS_, ROWS_, true);
	rc |= bench_redraw("sqrt(2) * pi / 3 + exp(-1e-8) - 0.1", 2, n, COLS_,
	    ROWS_, true);
	rc |= bench_first_frame(fpviz);
	return rc;
}
