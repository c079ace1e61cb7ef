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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/lesson.h"
#include "fpviz/render.h"
#include "fpviz/repl.h"
#include "fpviz/trace.h"
#include "fpviz/view.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

/* Size of stdout's buffer when it is not a terminal. */
#define OUT_BUFSIZE (1 << 16)

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* One -e expression or -f file, in command-line order. */
struct input {
	bool file;
	const char *arg;
	FILE *fp;		/* -f: opened before anything runs */
};

struct options {
	struct input *inputs;
	size_t ninputs;
	const char **infos;	/* --info FORMAT, in order */
	size_t ninfos;
	const char *lesson;
	bool json, steps, plain, big;
	enum color_mode color;
};

/* Long options without a short form. */
enum {
	OPT_ROUND = 256, OPT_SCALE, OPT_ZERO_POINT, OPT_OVERFLOW, OPT_FORMATS,
	OPT_STEPS, OPT_JSON, OPT_COLOR, OPT_PLAIN, OPT_INFO, OPT_LESSON,
	OPT_BIG, OPT_VERSION
};

static const struct option long_options[] = {
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "int8-scale", required_argument, NULL, OPT_SCALE },
	{ "int8-zero-point", required_argument, NULL, OPT_ZERO_POINT },
	{ "int8-overflow", required_argument, NULL, OPT_OVERFLOW },
	{ "formats", required_argument, NULL, OPT_FORMATS },
	{ "steps", no_argument, NULL, OPT_STEPS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "info", required_argument, NULL, OPT_INFO },
	{ "lesson", required_argument, NULL, OPT_LESSON },
	{ "big", no_argument, NULL, OPT_BIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* The --help text: every option, one line each. */
static const char help_text[] =
"Usage: fpviz [OPTION]... [-e EXPR]... [-f FILE]...\n"
"See what finite precision does to arithmetic: every expression is evaluated\n"
"at once in fp16, fp32, fp64 and int8, rounding after every operation.\n"
"\n"
"  -e EXPR                  evaluate EXPR (repeatable: one session, in order)\n"
"  -f FILE                  evaluate every line of FILE ('-': standard input)\n"
"  --round MODE             rounding: nearest (default), zero, up or down\n"
"  --int8-scale S           int8 scale, a positive decimal (default 1)\n"
"  --int8-zero-point Z      int8 zero point in [-128, 127] (default 0)\n"
"  --int8-overflow MODE     int8 overflow: saturate (default) or wrap\n"
"  --formats LIST           formats shown: fp16,fp32,fp64,int8 or all\n"
"  --steps                  show every step, not only the result\n"
"  --json                   print JSON Lines, one object per expression\n"
"  --color[=WHEN]           colour: auto (default), always or never\n"
"  --plain                  line mode even on a terminal\n"
"  --info FORMAT            print the table of FORMAT (like numpy's finfo)\n"
"  --lesson NAME|FILE|list  run a lesson; list names the built-in ones\n"
"  --big                    large presentation layout (full-screen view)\n"
"  --help                   print this help and exit\n"
"  --version                print the version and exit\n"
"\n"
"Without -e, -f, --info or --lesson, fpviz reads expressions and colon\n"
"commands (:help) interactively.  Exit status: 0 all evaluated, 1 some\n"
"expression had an error, 2 usage error.  See fpviz(1).\n";

/* Report a usage error and exit with status 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("fpviz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'fpviz --help' for more information.\n", stderr);
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

/* Parse the int8 zero point: an integer in the int8 range. */
static long
parse_zero_point(const char *s)
{
	const struct fpv_format *f = &fpv_formats[FPV_INT8];
	char *end;
	long z;

	errno = 0;
	z = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || z < f->qmin ||
	    z > f->qmax)
		usage_error("--int8-zero-point: '%s' is not an integer in "
		    "[%d, %d]", s, f->qmin, f->qmax);
	return z;
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

/* Parse the command line into o, the session's settings and d. */
static void
parse_options(int argc, char **argv, struct options *o,
    struct fpv_session *s, struct fpv_display *d)
{
	const char *why;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:f:h", long_options,
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
			if ((r = fpv_round_parse(optarg)) < 0)
				usage_error("--round: unknown mode '%s' "
				    "(nearest, zero, up, down)", optarg);
			s->ctx.round = (enum fpv_round)r;
			break;
		case OPT_SCALE:
			if (fpv_ctx_set_scale(&s->ctx, optarg, &why) < 0)
				usage_error("--int8-scale: '%s': %s", optarg,
				    why);
			break;
		case OPT_ZERO_POINT:
			s->ctx.int8_zero_point = parse_zero_point(optarg);
			break;
		case OPT_OVERFLOW:
			if (strcmp(optarg, "saturate") == 0)
				s->ctx.int8_overflow = FPV_OVF_SATURATE;
			else if (strcmp(optarg, "wrap") == 0)
				s->ctx.int8_overflow = FPV_OVF_WRAP;
			else
				usage_error("--int8-overflow: unknown mode "
				    "'%s' (saturate, wrap)", optarg);
			break;
		case OPT_FORMATS:
			if (fpv_formats_parse(optarg, &d->formats, &why) < 0)
				usage_error("--formats: '%s': %s", optarg, why);
			break;
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
		case 'h':
			fputs(help_text, stdout);
			exit(EXIT_OK);
		case OPT_VERSION:
			printf("fpviz %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		case ':':
			usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s' (expressions go after -e)",
		    argv[optind]);
	if ((o->ninfos > 0) + (o->lesson != NULL) + (o->ninputs > 0) > 1)
		usage_error("-e/-f, --info and --lesson cannot be combined");
	for (size_t i = 0; i < o->ninfos; i++)
		if (fpv_format_by_name(o->infos[i], strlen(o->infos[i])) ==
		    NULL)
			usage_error("--info: unknown format '%s'", o->infos[i]);
	/* Files are opened first, so a missing one is reported before any output. */
	for (size_t i = 0; i < o->ninputs; i++)
		if (o->inputs[i].file)
			o->inputs[i].fp = open_input(o->inputs[i].arg);
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
 * Write the members of one value of the table: "KEY" (the value to 17
 * significant digits, exact when it has no more), "KEY_shortest" (the
 * shortest decimal that reads back to it), "KEY_exact" and "KEY_bits".
 */
static void
info_value(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f,
    const char *key, uint64_t bits)
{
	char dec[FPV_DEC_SHORT], hex[20], val[64], *exact;
	mpfr_t x;

	mpfr_init2(x, FPV_EXACT_PREC);
	fpv_num_decode(c, f, bits, x);
	fpv_dec_round(x, 17, val, sizeof val);
	mpfr_clear(x);
	fpv_dec_shortest(c, f, bits, dec);
	fpv_bits_hex(f, bits, hex);
	exact = fpv_dec_exact(c, f, bits);
	fprintf(out, ", \"%s\": \"%s\", \"%s_shortest\": \"%s\", "
	    "\"%s_bits\": \"%s\", \"%s_exact\": ", key, val, key, dec, key,
	    hex, key);
	if (exact != NULL)
		fpv_json_string(out, exact, strlen(exact));
	else
		fputs("null", out);
	free(exact);
}

/* Print the table of format f as one JSON object. */
static void
info_json(FILE *out, const struct fpv_ctx *c, const struct fpv_format *f)
{
	uint64_t mask = fpv_format_mask(f);

	fputs("{\"format\": ", out);
	fpv_json_string(out, f->name, strlen(f->name));
	fputs(", \"title\": ", out);
	fpv_json_string(out, f->title, strlen(f->title));
	fprintf(out, ", \"kind\": \"%s\", \"bits\": %d",
	    f->kind == FPV_KIND_IEEE ? "ieee" : "int", f->bits);
	if (f->kind == FPV_KIND_IEEE) {
		uint64_t frac = ((uint64_t)1 << f->frac_bits) - 1;
		uint64_t top = ((uint64_t)1 << f->exp_bits) - 2;

		fprintf(out, ", \"sign_bits\": 1, \"exponent_bits\": %d, "
		    "\"fraction_bits\": %d, \"precision_bits\": %d, "
		    "\"bias\": %d, \"emin\": %d, \"emax\": %d, "
		    "\"decimal_digits\": %d", f->exp_bits, f->frac_bits,
		    fpv_format_prec(f), f->emax, 1 - f->emax, f->emax,
		    /* floor(frac_bits * log10(2)), as numpy's precision */
		    (int)((long)f->frac_bits * 30103 / 100000));
		info_value(out, c, f, "max", (top << f->frac_bits) | frac);
		info_value(out, c, f, "min", ((uint64_t)1 << (f->bits - 1)) |
		    (top << f->frac_bits) | frac);
		info_value(out, c, f, "smallest_normal",
		    (uint64_t)1 << f->frac_bits);
		info_value(out, c, f, "smallest_subnormal", 1);
		info_value(out, c, f, "eps",
		    (uint64_t)(f->emax - f->frac_bits) << f->frac_bits);
	} else {
		mpfr_t x;
		char scale[128];

		mpfr_init2(x, FPV_EXACT_PREC);
		mpfr_set_q(x, c->int8_scale, MPFR_RNDN);
		fpv_dec_round(x, 40, scale, sizeof scale);
		mpfr_clear(x);
		fprintf(out, ", \"qmin\": %d, \"qmax\": %d, \"scale\": \"%s\", "
		    "\"zero_point\": %ld, \"overflow\": \"%s\"", f->qmin,
		    f->qmax, scale, c->int8_zero_point,
		    c->int8_overflow == FPV_OVF_WRAP ? "wrap" : "saturate");
		info_value(out, c, f, "min", (uint64_t)(int64_t)f->qmin & mask);
		info_value(out, c, f, "max", (uint64_t)(int64_t)f->qmax & mask);
	}
	fputs("}\n", out);
}

/* Print the tables of the --info formats. */
static int
run_info(const struct options *o, const struct fpv_session *s)
{
	for (size_t i = 0; i < o->ninfos; i++) {
		const struct fpv_format *f = fpv_format_by_name(o->infos[i],
		    strlen(o->infos[i]));
		char *text;
		size_t n;

		if (o->json) {
			info_json(stdout, &s->ctx, f);
			continue;
		}
		if ((text = fpv_format_info(&s->ctx, f)) == NULL)
			out_of_memory();
		if (i > 0)
			putchar('\n');
		fputs(text, stdout);
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
	char *line = NULL;
	size_t cap = 0;
	int status = EXIT_OK, nexpr = 0;

	for (size_t i = 0; i < o->ninputs; i++) {
		const struct input *in = &o->inputs[i];
		enum fpv_repl_status st = FPV_REPL_OK;
		ssize_t n;
		int lineno = 0;

		if (!in->file) {
			st = fpv_repl_line(r, in->arg, strlen(in->arg), ++nexpr);
			if (st == FPV_REPL_ERROR)
				status = EXIT_ERRORS;
			if (st == FPV_REPL_QUIT)
				break;
			continue;
		}
		while ((n = getline(&line, &cap, in->fp)) >= 0) {
			st = fpv_repl_line(r, line, (size_t)n, ++lineno);
			if (st == FPV_REPL_ERROR)
				status = EXIT_ERRORS;
			if (st == FPV_REPL_QUIT)
				break;
		}
		if (ferror(in->fp)) {
			fflush(stdout);
			fprintf(stderr, "fpviz: %s: %s\n", in->arg,
			    strerror(errno));
			status = EXIT_USAGE;
		}
		if (st == FPV_REPL_QUIT)
			break;
	}
	free(line);
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
			fprintf(stderr, "fpviz: %s\n", err.msg);
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
	struct options o = { 0 };
	struct fpv_session s;
	struct fpv_display d = { (1u << FPV_NFORMATS) - 1, false, false };
	struct fpv_repl r;
	int status;

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
	r.err_color = want_color(o.color, STDERR_FILENO);
	d.no_color = o.color == COLOR_NEVER;

	if (o.ninfos > 0) {
		status = run_info(&o, &s);
	} else if (o.lesson != NULL && strcmp(o.lesson, "list") == 0) {
		char *list = fpv_lesson_list();

		if (list == NULL) {
			fprintf(stderr, "fpviz: no built-in lessons found\n");
			status = EXIT_ERRORS;
		} else {
			fputs(list, stdout);
			free(list);
			status = EXIT_OK;
		}
	} else if (o.ninputs > 0) {
		r.batch = true;
		status = run_batch(&r, &o);
	} else if (o.lesson != NULL && !lesson_loads(o.lesson, r.err_color)) {
		status = EXIT_USAGE;
	} else if (!o.plain && !o.json && fpv_view_usable()) {
		status = run_terminal(&r, o.lesson);
	} else if (o.lesson != NULL) {
		r.batch = true;
		status = run_lesson_text(&r, o.lesson);
	} else {
		status = fpv_repl_run(&r, stdin);
	}

	for (size_t i = 0; i < o.ninputs; i++)
		if (o.inputs[i].fp != NULL && o.inputs[i].fp != stdin)
			fclose(o.inputs[i].fp);
	free(o.inputs);
	free(o.infos);
	fpv_repl_free(&r);
	fpv_session_free(&s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "fpviz: write error: %s\n", strerror(errno));
		return EXIT_ERRORS;
	}
	return status;
}
