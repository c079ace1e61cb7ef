/*
 * fpviz's entry point: options, and the choice between batch mode (-e,
 * -f), format tables (--info), lessons, the line-mode REPL and the
 * full-screen view.
 *
 * Batch input is streamed: each -f file is read a line at a time with
 * getline and every line is evaluated into the same reused trace, so
 * memory does not grow with the number of lines.  Output goes through a
 * large stdio buffer unless stdout is a terminal.  Nothing numeric
 * depends on the locale: LC_ALL comes from the environment (for the
 * terminal's character set), LC_NUMERIC is forced to "C".
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/info.h"
#include "fpviz/lesson.h"
#include "fpviz/reader.h"
#include "fpviz/render.h"
#include "fpviz/repl.h"
#include "fpviz/safe.h"
#include "fpviz/trace.h"
#include "fpviz/view.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

/* Size of stdout's buffer when it is not a terminal. */
#define OUT_BUFSIZE (1 << 16)

/* --width: the narrowest and widest width (0: no limit); the width of a
 * terminal whose size is not known. */
#define WIDTH_MIN 20
#define WIDTH_MAX 10000
#define WIDTH_DEFAULT 80

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* One -e expression or -f file, in command-line order. */
struct input {
	bool file;
	const char *arg;
	FILE *fp;		/* -f: opened before anything runs */
};

/* A setting given on the command line, applied once all are read. */
struct setopt {
	const char *opt;	/* the option's name, for messages */
	const char *key;	/* "round", "int8.scale", or NULL: --formats */
	const char *value;
};

struct options {
	struct input *inputs;
	size_t ninputs;
	const char **infos;	/* --info FORMAT, in order */
	size_t ninfos;
	struct setopt *sets;	/* --round, --set, aliases, --formats, in order */
	size_t nsets;
	const char *lesson;
	bool json, steps, plain, big;
	enum color_mode color;
	size_t max_line;	/* --max-line, 0 for the default */
	int width;		/* --width, -1 when not given */
};

/* Long options without a short form; the aliases of the format table
 * (--int8-scale ...) come after OPT_ALIAS. */
enum {
	OPT_ROUND = 256, OPT_SEED, OPT_SET, OPT_FORMAT, OPT_FORMATS, OPT_STEPS,
	OPT_JSON, OPT_COLOR, OPT_PLAIN, OPT_INFO, OPT_LESSON, OPT_BIG,
	OPT_MAX_LINE, OPT_WIDTH, OPT_VERSION, OPT_ALIAS
};

static const struct option base_options[] = {
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "set", required_argument, NULL, OPT_SET },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "formats", required_argument, NULL, OPT_FORMATS },
	{ "steps", no_argument, NULL, OPT_STEPS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "info", required_argument, NULL, OPT_INFO },
	{ "lesson", required_argument, NULL, OPT_LESSON },
	{ "big", no_argument, NULL, OPT_BIG },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
};

/* Print the --help text: every option, one line each. */
static void
print_help(void)
{
	fputs("Usage: fpviz [OPTION]... [-e EXPR]... [-f FILE]...\n"
	    "See what finite precision does to arithmetic: every expression "
	    "is evaluated\nat once in", stdout);
	for (int i = 0; fpv_default_columns[i] != NULL; i++)
		printf("%s %s", i == 0 ? "" : fpv_default_columns[i + 1] ==
		    NULL ? " and" : ",", fpv_default_columns[i]);
	fputs(" (or any formats),\nrounding after every operation.\n"
	    "\n"
	    "  -e EXPR                  evaluate EXPR (repeatable: one session, "
	    "in order)\n"
	    "  -f FILE                  evaluate every line of FILE ('-': "
	    "standard input)\n"
	    "  --round MODE             rounding: nearest (default), zero, up, "
	    "down or\n"
	    "                           stochastic\n"
	    "  --seed N                 stochastic rounding's seed (default 0)\n"
	    "  --formats LIST           the rows: formats in any order, a "
	    "preset (ml) or all\n"
	    "  --format NAME=SPEC       define a format: eEmM[,bias=B][,fn|"
	    "finite][,nosub]\n"
	    "  --set KEY=VALUE          a setting as :set, e.g. FORMAT.scale=0.1;"
	    " repeatable\n", stdout);
	for (int i = 0; fpv_option_aliases[i].option != NULL; i++) {
		char opt[48];

		snprintf(opt, sizeof opt, "--%s %s", fpv_option_aliases[i].option,
		    fpv_option_aliases[i].arg);
		printf("  %-24s the same as --set %s=%s\n", opt,
		    fpv_option_aliases[i].key, fpv_option_aliases[i].arg);
	}
	fputs("  --steps                  show every step, not only the "
	    "result\n"
	    "  --json                   JSON Lines, one object per expression "
	    "or command\n"
	    "  --color[=WHEN]           colour: auto (default), always or "
	    "never\n"
	    "  --plain                  line mode even on a terminal\n"
	    "  --info FORMAT            print the table of FORMAT (like numpy's "
	    "finfo)\n"
	    "  --lesson NAME|FILE|list  run a lesson; list names the built-in "
	    "ones\n"
	    "  --big                    large presentation layout (full-screen "
	    "view)\n"
	    "  --max-line N             longest input line in bytes (default "
	    "16M; K, M, G)\n"
	    "  --width N                lay text out for N columns (default: "
	    "the terminal's;\n"
	    "                           0: one line a row, as into a pipe)\n"
	    "  --help                   print this help and exit\n"
	    "  --version                print the version and exit\n"
	    "\n"
	    "Without -e, -f, --info or --lesson, fpviz reads expressions and "
	    "colon\ncommands (:help) interactively.  Exit status: 0 all "
	    "evaluated, 1 some\nexpression had an error, 2 usage error.  See "
	    "fpviz(1).\n", stdout);
}

/*
 * Print "fpviz: MESSAGE" on stderr.  Messages quote file names and
 * option arguments, so they are written in the safe notation
 * (fpviz/safe.h).
 */
static void
vsay(const char *fmt, va_list ap)
{
	char msg[8192];

	fflush(stdout);
	vsnprintf(msg, sizeof msg, fmt, ap);
	fputs("fpviz: ", stderr);
	fpv_safe_write(stderr, msg, strlen(msg));
	putc('\n', stderr);
}

/* Print "fpviz: MESSAGE" on stderr. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Report a usage error and exit with status 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fputs("Try 'fpviz --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

/* Out of memory: nothing sensible is left to do. */
static void __attribute__((noreturn))
out_of_memory(void)
{
	fputs("fpviz: out of memory\n", stderr);
	exit(EXIT_ERRORS);
}

/* Append to a growing array of elements of size sz. */
static void *
grow(void *a, size_t n, size_t sz)
{
	void *p = realloc(a, (n + 1) * sz);

	if (p == NULL)
		out_of_memory();
	return p;
}

/* Open -f file arg ('-' is stdin); a usage error if it cannot be read. */
static FILE *
open_input(const char *arg)
{
	struct stat st;
	FILE *fp;

	if (strcmp(arg, "-") == 0)
		return stdin;
	if ((fp = fopen(arg, "r")) == NULL)
		usage_error("%s: %s", arg, strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
		usage_error("%s: %s", arg, strerror(EISDIR));
	return fp;
}

/* Remember a setting option. */
static void
add_set(struct options *o, const char *opt, const char *key,
    const char *value)
{
	o->sets = grow(o->sets, o->nsets, sizeof *o->sets);
	o->sets[o->nsets++] = (struct setopt){ opt, key, value };
}

/* Apply the setting options in order (after the --format definitions). */
static void
apply_sets(const struct options *o, struct fpv_session *s,
    struct fpv_display *d)
{
	for (size_t i = 0; i < o->nsets; i++) {
		const struct setopt *so = &o->sets[i];
		struct fpv_cmd_why why;
		bool reeval;
		const char *key = so->key, *val = so->value, *eq;
		size_t klen;

		if (key == NULL) {
			if (fpv_formats_parse(&s->ctx, val, strlen(val),
			    &why) < 0)
				usage_error("--formats: '%s': %s", val,
				    why.msg);
			continue;
		}
		if (*key == '\0') {
			/* --set KEY=VALUE */
			if ((eq = strchr(val, '=')) == NULL)
				usage_error("--set: '%s': expected KEY=VALUE",
				    val);
			key = val;
			klen = (size_t)(eq - val);
			val = eq + 1;
		} else {
			klen = strlen(key);
		}
		if (fpv_setting_apply(s, d, key, klen, val, strlen(val),
		    &reeval, &why) < 0)
			usage_error("--%s: '%s': %s", so->opt, so->value, why.msg);
	}
}

/*
 * The --width argument: 0, or WIDTH_MIN to WIDTH_MAX columns, in decimal
 * digits; anything else is a usage error.
 */
static int
parse_width(const char *arg)
{
	long v = 0;
	const char *p = arg;

	for (; *p != '\0' || p == arg; p++) {
		if (*p < '0' || *p > '9')
			usage_error("--width: '%s': expected a number of columns "
			    "(0, or %d to %d)", arg, WIDTH_MIN, WIDTH_MAX);
		if (v <= WIDTH_MAX)
			v = v * 10 + (*p - '0');
	}
	if (v > WIDTH_MAX)
		usage_error("--width: '%s': at most %d columns", arg, WIDTH_MAX);
	if (v != 0 && v < WIDTH_MIN)
		usage_error("--width: '%s': at least %d columns (0: no limit)",
		    arg, WIDTH_MIN);
	return (int)v;
}

/* Parse the command line into o, the session's settings and d. */
static void
parse_options(int argc, char **argv, struct options *o,
    struct fpv_session *s, struct fpv_display *d)
{
	size_t nbase = sizeof base_options / sizeof base_options[0], nalias = 0;
	/* Static, so that it stays reachable when an option exits (--help). */
	static struct option *longopts;
	int c;

	while (fpv_option_aliases[nalias].option != NULL)
		nalias++;
	longopts = grow(NULL, nbase + nalias, sizeof *longopts);
	memcpy(longopts, base_options, sizeof base_options);
	for (size_t i = 0; i < nalias; i++)
		longopts[nbase + i] = (struct option){
		    fpv_option_aliases[i].option, required_argument, NULL,
		    OPT_ALIAS + (int)i };
	longopts[nbase + nalias] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:f:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'e':
		case 'f':
			o->inputs = grow(o->inputs, o->ninputs,
			    sizeof *o->inputs);
			o->inputs[o->ninputs].file = c == 'f';
			o->inputs[o->ninputs].arg = optarg;
			o->inputs[o->ninputs].fp = NULL;
			o->ninputs++;
			break;
		case OPT_ROUND:
			add_set(o, "round", "round", optarg);
			break;
		case OPT_SEED:
			add_set(o, "seed", "seed", optarg);
			break;
		case OPT_SET:
			add_set(o, "set", "", optarg);
			break;
		case OPT_FORMATS:
			add_set(o, "formats", NULL, optarg);
			break;
		case OPT_FORMAT: {
			const char *eq = strchr(optarg, '=');
			struct fpv_cmd_why why;

			if (eq == NULL)
				usage_error("--format: '%s': expected "
				    "NAME=SPEC, e.g. e3m4=e3m4", optarg);
			if (fpv_format_define(s, optarg, (size_t)(eq - optarg),
			    eq + 1, strlen(eq + 1), &why) < 0)
				usage_error("--format: '%s': %s", optarg,
				    why.msg);
			break;
		}
		case OPT_STEPS:
			o->steps = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_COLOR:
			if (optarg == NULL || strcmp(optarg, "always") == 0)
				o->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "auto") == 0)
				o->color = COLOR_AUTO;
			else if (strcmp(optarg, "never") == 0)
				o->color = COLOR_NEVER;
			else
				usage_error("--color: unknown value '%s' "
				    "(auto, always, never)", optarg);
			break;
		case OPT_PLAIN:
			o->plain = true;
			break;
		case OPT_INFO:
			o->infos = grow(o->infos, o->ninfos, sizeof *o->infos);
			o->infos[o->ninfos++] = optarg;
			break;
		case OPT_LESSON:
			o->lesson = optarg;
			break;
		case OPT_BIG:
			o->big = true;
			d->big = true;
			break;
		case OPT_MAX_LINE: {
			const char *why;

			if (fpv_reader_parse_max(optarg, &o->max_line, &why) < 0)
				usage_error("--max-line: '%s': %s", optarg, why);
			break;
		}
		case OPT_WIDTH:
			o->width = parse_width(optarg);
			break;
		case 'h':
			print_help();
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("fpviz %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		case ':':
			usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			if (c >= OPT_ALIAS && (size_t)(c - OPT_ALIAS) < nalias) {
				const struct fpv_option_alias *al =
				    &fpv_option_aliases[c - OPT_ALIAS];

				add_set(o, al->option, al->key, optarg);
				break;
			}
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	free(longopts);
	if (optind < argc)
		usage_error("unexpected argument '%s' (expressions go after -e)",
		    argv[optind]);
	if ((o->ninfos > 0) + (o->lesson != NULL) + (o->ninputs > 0) > 1)
		usage_error("-e/-f, --info and --lesson cannot be combined");
	apply_sets(o, s, d);
	for (size_t i = 0; i < o->ninfos; i++)
		if (fpv_ctx_find(&s->ctx, o->infos[i], strlen(o->infos[i])) < 0)
			usage_error("--info: unknown format '%s'", o->infos[i]);
	/* Files are opened first, so a missing one is reported before any output. */
	for (size_t i = 0; i < o->ninputs; i++)
		if (o->inputs[i].file)
			o->inputs[i].fp = open_input(o->inputs[i].arg);
}

/*
 * The width of text output: --width when given; else, when standard
 * output is a terminal, its width (TIOCGWINSZ; where that gives none,
 * COLUMNS if it is a number, else WIDTH_DEFAULT), at least WIDTH_MIN;
 * else 0 (a pipe or file: one line a row, whatever the environment).
 * Decided once, before anything is printed.
 */
static int
text_width(int opt)
{
	struct winsize ws;
	const char *env;
	long v = 0;

	if (opt >= 0)
		return opt;
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		v = ws.ws_col;
	} else if ((env = getenv("COLUMNS")) != NULL && *env != '\0') {
		for (; *env >= '0' && *env <= '9' && v <= WIDTH_MAX; env++)
			v = v * 10 + (*env - '0');
		if (*env != '\0')
			v = 0;
	}
	if (v == 0)
		v = WIDTH_DEFAULT;
	return v < WIDTH_MIN ? WIDTH_MIN : v > WIDTH_MAX ? WIDTH_MAX : (int)v;
}

/* Colour for stream fd under mode: auto means a terminal and no NO_COLOR. */
static bool
want_color(enum color_mode mode, int fd)
{
	const char *nc = getenv("NO_COLOR");

	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	return isatty(fd) && (nc == NULL || nc[0] == '\0');
}

/* ---- --info ------------------------------------------------------------ */

/*
 * Print text (lines each ended by a newline, but perhaps the last) on
 * standard output: as it is without a width, else each line wider than
 * that broken between words and continued under its second column.
 */
static void
put_lines(const char *text, int width)
{
	const char *p = text;

	if (width <= 0) {
		fputs(text, stdout);
		return;
	}
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		fpv_render_line(stdout, p, n, width, true);
		p += n + (nl != NULL);
	}
}

/* Print the tables of the --info formats (text laid out for width). */
static int
run_info(const struct options *o, const struct fpv_session *s, int width)
{
	for (size_t i = 0; i < o->ninfos; i++) {
		const struct fpv_format *f = fpv_ctx_format(&s->ctx,
		    fpv_ctx_find(&s->ctx, o->infos[i], strlen(o->infos[i])));
		char *text = o->json ? fpv_info_json(&s->ctx, f) :
		    fpv_info_text_width(&s->ctx, f, width);
		size_t n;

		if (text == NULL)
			out_of_memory();
		if (i > 0 && !o->json)
			putchar('\n');
		if (o->json)
			fputs(text, stdout);
		else
			put_lines(text, width);
		n = strlen(text);
		if (n > 0 && text[n - 1] != '\n')
			putchar('\n');
		free(text);
	}
	return EXIT_OK;
}

/* ---- Modes --------------------------------------------------------------- */

/* Evaluate the -e expressions and -f files in order. */
static int
run_batch(struct fpv_repl *r, const struct options *o)
{
	int status = EXIT_OK, nexpr = 0;

	for (size_t i = 0; i < o->ninputs; i++) {
		const struct input *in = &o->inputs[i];
		enum fpv_repl_status st;

		if (in->file)
			st = fpv_repl_read(r, in->fp, strcmp(in->arg, "-") == 0 ?
			    "standard input" : in->arg);
		else
			st = fpv_repl_line(r, in->arg, strlen(in->arg), ++nexpr);
		/* A read error ends its input only; the next one still runs. */
		if (st != FPV_REPL_OK && st != FPV_REPL_QUIT)
			status = EXIT_ERRORS;
		if (st == FPV_REPL_QUIT || st == FPV_REPL_WRITE_ERROR ||
		    st == FPV_REPL_INTERRUPTED)
			break;
	}
	return status;
}

/* Can the lesson name be loaded?  If not, say why on stderr. */
static bool
lesson_loads(const char *name, bool color)
{
	struct fpv_lesson l;
	struct fpv_error err;

	if (fpv_lesson_load(name, &l, &err) < 0) {
		if (err.line > 0)
			fpv_render_error(stderr, &err, color);
		else
			say("%s", err.msg);
		return false;
	}
	fpv_lesson_free(&l);
	return true;
}

/* Play a lesson as text: 1 if an item failed. */
static int
run_lesson_text(struct fpv_repl *r, const char *name)
{
	return fpv_repl_lesson(r, name) == FPV_REPL_OK ? EXIT_OK : EXIT_ERRORS;
}

/*
 * The one call site of the full-screen view (src/view.c): stdin and
 * stdout are terminals the view can drive and --plain was not given.
 * lesson is NULL or the --lesson argument.  If the terminal cannot be
 * set up after all (the view said why on stderr), line mode takes over.
 */
static int
run_terminal(struct fpv_repl *r, const char *lesson)
{
	int rc;

	if (lesson != NULL)
		rc = fpv_view_run_lesson(r->s, r->d, lesson);
	else
		rc = fpv_view_run(r->s, r->d, NULL, 0);
	if (rc != 1)
		return rc;
	r->batch = lesson != NULL;
	return lesson != NULL ? run_lesson_text(r, lesson) :
	    fpv_repl_run(r, stdin);
}

/* Parse the options and run the mode they choose. */
int
main(int argc, char **argv)
{
	static char outbuf[OUT_BUFSIZE];
	struct options o = { .width = -1 };
	struct fpv_session s;
	struct fpv_display d = { false, false };
	struct fpv_repl r;
	char why[256] = "";
	int status, werr;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	fpv_session_init(&s);
	parse_options(argc, argv, &o, &s, &d);

	fpv_repl_init(&r, &s, &d);
	r.json = o.json;
	r.opts.steps = o.steps;
	r.opts.color = !o.json && want_color(o.color, STDOUT_FILENO);
	r.opts.width = text_width(o.width);
	r.err_color = want_color(o.color, STDERR_FILENO);
	r.max_line = o.max_line;
	d.no_color = o.color == COLOR_NEVER;

	/* Line mode's SIGINT; the view catches its own. */
	fpv_repl_catch_interrupt();
	if (o.ninfos > 0) {
		status = run_info(&o, &s, r.opts.width);
	} else if (o.lesson != NULL && strcmp(o.lesson, "list") == 0) {
		char *list = fpv_lesson_list();

		if (list == NULL) {
			fprintf(stderr, "fpviz: no built-in lessons found\n");
			status = EXIT_ERRORS;
		} else {
			put_lines(list, r.opts.width);
			free(list);
			status = EXIT_OK;
		}
	} else if (o.ninputs > 0) {
		r.batch = true;
		status = run_batch(&r, &o);
	} else if (o.lesson != NULL && !lesson_loads(o.lesson, r.err_color)) {
		status = EXIT_USAGE;
	} else if (!o.plain && !o.json && fpv_view_usable(why, sizeof why)) {
		status = run_terminal(&r, o.lesson);
	} else if (o.lesson != NULL) {
		if (!o.plain && !o.json && why[0] != '\0')
			say("%s", why);
		r.batch = true;
		status = run_lesson_text(&r, o.lesson);
	} else {
		if (!o.plain && !o.json && why[0] != '\0')
			say("%s", why);
		status = fpv_repl_run(&r, stdin);
	}

	if (fpv_interrupted()) {
		/* What was printed stays; then die of SIGINT (status 130),
		 * so that a calling script stops too, at once: freeing a
		 * large trace first would delay the end. */
		fflush(stdout);
		fprintf(stderr, "fpviz: interrupted\n");
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return 130;
	}
	for (size_t i = 0; i < o.ninputs; i++)
		if (o.inputs[i].fp != NULL && o.inputs[i].fp != stdin)
			fclose(o.inputs[i].fp);
	free(o.inputs);
	free(o.infos);
	free(o.sets);
	/* Output that could not be written: said once, status 1. */
	werr = r.write_error;
	fpv_repl_free(&r);
	fpv_session_free(&s);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout) || werr != 0) {
		if (werr == 0)
			werr = errno != 0 ? errno : EIO;
		fprintf(stderr, "fpviz: write error: %s\n", strerror(werr));
		return EXIT_ERRORS;
	}
	return status;
}
