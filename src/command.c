/*
 * Colon commands shared by the line-mode REPL and the full-screen view:
 * the command table, the settings table, argument checking with located
 * errors, the help texts and completion.
 *
 * A command line is ':' NAME { ARG }, words separated by blanks; ":set"
 * also takes KEY=VALUE.  Every error names what was expected and points
 * (line:column) at the offending word; an erroneous command changes
 * nothing.  Settings that change values (the rounding mode, a format's
 * settings, the columns) ask the caller to re-evaluate the last line
 * (FPV_CMD_REEVAL).
 *
 * The two tables below are the only lists of commands and settings: the
 * dispatch, :set, :help and completion all read them.  Help texts that
 * quote formats take their names from the format table, so that no file
 * but format.c names a format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/decimal.h"
#include "fpviz/info.h"
#include "fpviz/keys.h"
#include "fpviz/lesson.h"
#include "fpviz/render.h"
#include "fpviz/safe.h"
#include "fpviz/sample.h"

/* Significant digits of :vars exact values (JSON: as the results'). */
#define VARS_EXACT_DIGITS 17
#define VARS_JSON_DIGITS 40

/* A word of the command line: bytes [off, off + len) of the line. */
struct word {
	size_t off, len;
};

#define MAX_WORDS 8

/* A command line split into words; w[0] is the name after ':'. */
struct cmdline {
	const char *line;
	size_t len;
	int lineno;
	struct word w[MAX_WORDS];
	int n;			/* words found (at most MAX_WORDS) */
	bool more;		/* more words than MAX_WORDS */
};

/* 1-based character column of byte offset off. */
static int
column(const struct cmdline *c, size_t off)
{
	int col = 1;

	for (size_t i = 0; i < off && i < c->len; i++)
		if (((unsigned char)c->line[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* Fill err at byte offset off with a formatted message; returns -1. */
static int __attribute__((format(printf, 4, 5)))
fail(const struct cmdline *c, size_t off, struct fpv_error *err,
    const char *fmt, ...)
{
	va_list ap;

	err->line = c->lineno;
	err->col = column(c, off);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Does word i equal s? */
static bool
word_is(const struct cmdline *c, int i, const char *s)
{
	return i < c->n && c->w[i].len == strlen(s) &&
	    memcmp(c->line + c->w[i].off, s, c->w[i].len) == 0;
}

/* Word i in buf, in the safe notation (fpviz/safe.h), cut: for messages
 * and for looking up names (plain ASCII, which the notation keeps). */
static const char *
word_text(const struct cmdline *c, int i, char *buf, size_t size)
{
	fpv_safe_copy(buf, size, c->line + c->w[i].off, c->w[i].len);
	return buf;
}

/* Is ch a word separator? */
static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Split the line into words; the name is the word right after ':'. */
static void
split(struct cmdline *c)
{
	size_t i = 0;

	c->n = 0;
	c->more = false;
	while (i < c->len && blank(c->line[i]))
		i++;
	if (i < c->len && c->line[i] == ':')
		i++;
	/* The name is w[0] even when empty (":" alone). */
	c->w[0].off = i;
	while (i < c->len && !blank(c->line[i]))
		i++;
	c->w[0].len = i - c->w[0].off;
	c->n = 1;
	for (;;) {
		while (i < c->len && blank(c->line[i]))
			i++;
		if (i >= c->len || c->line[i] == '#')
			break;
		if (c->n == MAX_WORDS) {
			c->more = true;
			c->w[c->n - 1].len = c->len - c->w[c->n - 1].off;
			break;
		}
		c->w[c->n].off = i;
		while (i < c->len && !blank(c->line[i]))
			i++;
		c->w[c->n].len = i - c->w[c->n].off;
		c->n++;
	}
}

/* Offset just past the last word (for "expected X" at the end). */
static size_t
end_off(const struct cmdline *c)
{
	size_t n = c->len;

	while (n > 0 && blank(c->line[n - 1]))
		n--;
	return n;
}

/* Give the reply text. */
static void
reply_text(struct fpv_cmd_reply *r, char *text)
{
	free(r->text);
	r->text = text;
}

/* Set the reply's JSON members. */
static void
reply_json(struct fpv_cmd_reply *r, char *json)
{
	free(r->json);
	r->json = json;
}

/* Write a C string as a JSON string. */
static void
json_cstr(FILE *out, const char *s)
{
	fpv_json_string(out, s, strlen(s));
}

/* A malloc'd copy of a formatted string. */
static char * __attribute__((format(printf, 1, 2)))
strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Release a reply's strings. */
void
fpv_cmd_reply_free(struct fpv_cmd_reply *r)
{
	free(r->text);
	free(r->json);
	free(r->arg);
	r->text = NULL;
	r->json = NULL;
	r->arg = NULL;
	r->action = FPV_CMD_NONE;
}

/* Fill *why; returns -1. */
static int __attribute__((format(printf, 3, 4)))
why_set(struct fpv_cmd_why *why, size_t off, const char *fmt, ...)
{
	va_list ap;

	why->off = off;
	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof why->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* A memstream and its buffer. */
struct text {
	char *buf;
	size_t size;
	FILE *out;
};

/* Open a text to write; false if out of memory. */
static bool
text_open(struct text *t)
{
	t->buf = NULL;
	t->size = 0;
	t->out = open_memstream(&t->buf, &t->size);
	return t->out != NULL;
}

/* Close a text and take its buffer. */
static char *
text_close(struct text *t)
{
	fclose(t->out);
	return t->buf;
}

/* Write the names of the formats of c's registry, ", "-separated, as
 * "NAME, NAME or NAME" when last is "or". */
static void
names_of_formats(FILE *out, const struct fpv_registry *reg, const char *last)
{
	for (size_t i = 0; i < reg->n; i++)
		fprintf(out, "%s%s", i == 0 ? "" : i + 1 == reg->n && last ?
		    last : ", ", reg->f[i].name);
}

/* The columns of c as "NAME, NAME". */
static void
print_columns(FILE *out, const struct fpv_ctx *c)
{
	for (int k = 0; k < c->ncols; k++)
		fprintf(out, "%s%s", k ? ", " : "", fpv_ctx_col(c, k)->name);
}

/* ---- Format lists ---------------------------------------------------- */

/* Add format i to the columns cols[0..*n) unless it is there. */
static int
add_column(uint8_t *cols, int *n, int i)
{
	for (int k = 0; k < *n; k++)
		if (cols[k] == i)
			return 0;
	if (*n == FPV_COLUMNS_MAX)
		return -1;
	cols[(*n)++] = (uint8_t)i;
	return 0;
}

/* Parse a list of formats, "all" or presets into c's columns. */
int
fpv_formats_parse(struct fpv_ctx *c, const char *s, size_t len,
    struct fpv_cmd_why *why)
{
	uint8_t cols[FPV_COLUMNS_MAX];
	int n = 0;
	size_t i = 0;

	while (i < len) {
		size_t st;
		int fi;

		while (i < len && (s[i] == ',' || blank(s[i])))
			i++;
		if (i >= len)
			break;
		st = i;
		while (i < len && s[i] != ',' && !blank(s[i]))
			i++;
		if (i - st == 3 && memcmp(s + st, "all", 3) == 0) {
			for (size_t k = 0; k < c->reg->n; k++)
				if (add_column(cols, &n, (int)k) < 0)
					return why_set(why, st, "too many "
					    "formats (at most %d rows)",
					    FPV_COLUMNS_MAX);
			continue;
		}
		if ((fi = fpv_ctx_find(c, s + st, i - st)) >= 0) {
			if (add_column(cols, &n, fi) < 0)
				return why_set(why, st, "too many formats (at "
				    "most %d rows)", FPV_COLUMNS_MAX);
			continue;
		}
		for (int p = 0; fpv_presets[p].name != NULL; p++) {
			const struct fpv_preset *pr = &fpv_presets[p];

			if (strlen(pr->name) != i - st ||
			    memcmp(pr->name, s + st, i - st) != 0)
				continue;
			for (int k = 0; pr->formats[k] != NULL; k++) {
				fi = fpv_ctx_find(c, pr->formats[k],
				    strlen(pr->formats[k]));
				if (fi >= 0 && add_column(cols, &n, fi) < 0)
					return why_set(why, st, "too many "
					    "formats (at most %d rows)",
					    FPV_COLUMNS_MAX);
			}
			fi = 0;
			break;
		}
		if (fi < 0) {
			struct text t;
			char *list;

			if (!text_open(&t))
				return why_set(why, st, "out of memory");
			names_of_formats(t.out, c->reg, NULL);
			for (int p = 0; fpv_presets[p].name != NULL; p++)
				fprintf(t.out, ", %s", fpv_presets[p].name);
			list = text_close(&t);
			why_set(why, st, "unknown format '%.*s' (formats: %s, "
			    "all)", (int)(i - st > 32 ? 32 : i - st), s + st,
			    list ? list : "");
			free(list);
			return -1;
		}
	}
	if (n == 0)
		return why_set(why, len, "expected a list of formats, all or a "
		    "preset (:help formats)");
	memcpy(c->cols, cols, sizeof cols);
	c->ncols = n;
	return 0;
}

/* ---- User-defined formats ------------------------------------------- */

/* Define (or redefine) a user format. */
int
fpv_format_define(struct fpv_session *s, const char *name, size_t nlen,
    const char *spec, size_t slen, struct fpv_cmd_why *why)
{
	struct fpv_format f;
	struct fpv_registry *reg;
	char msg[160];
	const char *w;
	size_t off;
	int i, old;

	memset(&f, 0, sizeof f);
	if (!fpv_format_name_ok(name, nlen))
		return why_set(why, 0, "a format name is a letter, then "
		    "letters, digits or '_' (at most %d)", FPV_NAME_MAX - 1);
	old = fpv_ctx_find(&s->ctx, name, nlen);
	if ((old >= 0 && (size_t)old < fpv_nbuiltin) ||
	    fpv_op_by_name(name, nlen) >= 0 ||
	    (old < 0 && fpv_parse_reserved(s->ctx.reg, name, nlen)))
		return why_set(why, 0, "'%.*s' is a reserved name (a function, "
		    "constant or built-in format)", (int)nlen, name);
	if (fpv_session_var(s, name, nlen) != NULL)
		return why_set(why, 0, "'%.*s' is a variable: :clear it first, "
		    "or choose another name", (int)nlen, name);
	if (fpv_format_parse_spec(spec, slen, &f, msg, sizeof msg, &off) < 0)
		return why_set(why, nlen + off, "bad format '%.*s': %s",
		    (int)(slen > 40 ? 40 : slen), spec, msg);
	memcpy(f.name, name, nlen);
	f.name[nlen] = '\0';
	snprintf(f.title, sizeof f.title, "user-defined %.*s", (int)slen,
	    spec);
	if ((reg = fpv_registry_edit(&s->ctx.reg)) == NULL)
		return why_set(why, 0, "out of memory");
	if ((i = fpv_registry_add(reg, &f, &w)) < 0)
		return why_set(why, 0, "%s", w);
	/* Values stored for the old definition are gone. */
	for (size_t v = 0; v < s->nvars; v++) {
		struct fpv_var *var = &s->vars[v];

		if (var->vec != NULL)
			for (int k = 0; k < var->vec->ncols; k++)
				if (var->vec->fmt[k] == i)
					var->vec->fmt[k] = UINT8_MAX;

		for (int k = 0; k < var->nfmt; k++)
			if (var->fmt[k] == i) {
				var->fmt[k] = var->fmt[var->nfmt - 1];
				var->bits[k] = var->bits[var->nfmt - 1];
				var->nfmt--;
				break;
			}
	}
	return 0;
}

/* ---- Settings -------------------------------------------------------- */

/* Where a setting applies. */
enum scope {
	GLOBAL,			/* "round", "big" */
	FORMAT			/* "F.KEY" of one format */
};

struct setting;

/* Change a setting to val[0..vlen); -1 with *why (offset in the value). */
typedef int (*setting_set)(struct fpv_session *s, struct fpv_display *d,
    struct fpv_format *f, const char *val, size_t vlen,
    struct fpv_cmd_why *why);

/* Write the current value. */
typedef void (*setting_show)(FILE *out, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f);

/* Write the choices (for help and completion), one word each. */
typedef void (*setting_choices)(const struct fpv_format *f,
    fpv_complete_fn add, void *arg);

struct setting {
	const char *key;	/* "round", or "scale" of "F.scale" */
	enum scope scope;
	bool ints, floats;	/* FORMAT: which kinds of format have it */
	bool reeval;		/* changing it changes values */
	const char *args;	/* "MODE", "S" for help */
	const char *help;
	setting_set set;
	setting_show show;
	setting_choices choices;	/* NULL: a number */
};

/* Does val equal w? */
static bool
val_is(const char *val, size_t vlen, const char *w)
{
	return strlen(w) == vlen && memcmp(val, w, vlen) == 0;
}

/* "round": nearest, zero, up, down, stochastic. */
static int
set_round(struct fpv_session *s, struct fpv_display *d, struct fpv_format *f,
    const char *val, size_t vlen, struct fpv_cmd_why *why)
{
	(void)d;
	(void)f;
	for (int m = 0; m < FPV_RND_COUNT; m++)
		if (val_is(val, vlen, fpv_round_names[m])) {
			s->ctx.round = (enum fpv_round)m;
			return 0;
		}
	return why_set(why, 0, "unknown rounding mode '%.*s' ("
	    "nearest, zero, up, down or stochastic)",
	    (int)(vlen > 32 ? 32 : vlen), val);
}

static void
show_round(FILE *out, const struct fpv_session *s, const struct fpv_display *d,
    const struct fpv_format *f)
{
	(void)d;
	(void)f;
	fputs(fpv_round_names[s->ctx.round], out);
}

static void
choices_round(const struct fpv_format *f, fpv_complete_fn add, void *arg)
{
	(void)f;
	for (int m = 0; m < FPV_RND_COUNT; m++)
		add(arg, fpv_round_names[m], strlen(fpv_round_names[m]));
}

/* The decimal integer val[0..vlen) (digits only) into *v; -1 if it is
 * not one or exceeds 2^64 - 1. */
static int
parse_u64(const char *val, size_t vlen, uint64_t *v)
{
	uint64_t x = 0;

	if (vlen == 0 || vlen > 20)
		return -1;
	for (size_t i = 0; i < vlen; i++) {
		unsigned dgt = (unsigned)(val[i] - '0');

		if (dgt > 9 || x > (UINT64_MAX - dgt) / 10)
			return -1;
		x = x * 10 + dgt;
	}
	*v = x;
	return 0;
}

/* "seed": stochastic rounding's seed, a decimal integer 0 .. 2^64 - 1. */
static int
set_seed(struct fpv_session *s, struct fpv_display *d, struct fpv_format *f,
    const char *val, size_t vlen, struct fpv_cmd_why *why)
{
	uint64_t v;

	(void)d;
	(void)f;
	if (parse_u64(val, vlen, &v) < 0)
		return why_set(why, 0, "bad seed '%.*s': expected an integer "
		    "from 0 to 18446744073709551615",
		    (int)(vlen > 32 ? 32 : vlen), val);
	s->ctx.seed = v;
	return 0;
}

static void
show_seed(FILE *out, const struct fpv_session *s, const struct fpv_display *d,
    const struct fpv_format *f)
{
	(void)d;
	(void)f;
	fprintf(out, "%" PRIu64, s->ctx.seed);
}

/* "big": on, off. */
static int
set_big(struct fpv_session *s, struct fpv_display *d, struct fpv_format *f,
    const char *val, size_t vlen, struct fpv_cmd_why *why)
{
	(void)s;
	(void)f;
	if (val_is(val, vlen, "on") || val_is(val, vlen, "off")) {
		d->big = val_is(val, vlen, "on");
		return 0;
	}
	return why_set(why, 0, "expected on or off, not '%.*s'",
	    (int)(vlen > 32 ? 32 : vlen), val);
}

static void
show_big(FILE *out, const struct fpv_session *s, const struct fpv_display *d,
    const struct fpv_format *f)
{
	(void)s;
	(void)f;
	fputs(d->big ? "on" : "off", out);
}

static void
choices_onoff(const struct fpv_format *f, fpv_complete_fn add, void *arg)
{
	(void)f;
	add(arg, "on", 2);
	add(arg, "off", 3);
}

/* "F.scale": a positive decimal. */
static int
set_scale(struct fpv_session *s, struct fpv_display *d, struct fpv_format *f,
    const char *val, size_t vlen, struct fpv_cmd_why *why)
{
	char v[128];
	const char *w;

	(void)s;
	(void)d;
	if (vlen >= sizeof v)
		return why_set(why, 0, "the scale is too long");
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	if (fpv_grid_set_scale(f, v, &w) < 0)
		return why_set(why, 0, "bad scale '%s': %s", v, w);
	return 0;
}

static void
show_scale(FILE *out, const struct fpv_session *s, const struct fpv_display *d,
    const struct fpv_format *f)
{
	mpq_t q;
	mpfr_t x;
	char sc[64];

	(void)s;
	(void)d;
	mpq_init(q);
	fpv_grid_scale(f, q);
	mpfr_init2(x, FPV_EXACT_PREC);
	mpfr_set_q(x, q, MPFR_RNDN);
	fpv_dec_round(x, 40, sc, sizeof sc);
	mpfr_clear(x);
	mpq_clear(q);
	fputs(sc, out);
}

/* "F.zero_point": an integer in [qmin, qmax]. */
static int
set_zero_point(struct fpv_session *s, struct fpv_display *d,
    struct fpv_format *f, const char *val, size_t vlen,
    struct fpv_cmd_why *why)
{
	char v[32], *end;
	long long z;

	(void)s;
	(void)d;
	if (vlen == 0 || vlen >= sizeof v)
		goto bad;
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	errno = 0;
	z = strtoll(v, &end, 10);
	if (*end != '\0' || errno != 0 || z < f->qmin || z > f->qmax)
		goto bad;
	f->zero_point = z;
	return 0;
bad:
	return why_set(why, 0, "bad zero point '%.*s': expected an integer in "
	    "%lld..%lld", (int)(vlen > 32 ? 32 : vlen), val,
	    (long long)f->qmin, (long long)f->qmax);
}

static void
show_zero_point(FILE *out, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f)
{
	(void)s;
	(void)d;
	fprintf(out, "%lld", (long long)f->zero_point);
}

/* "F.overflow": the policies the format allows. */
static int
set_overflow(struct fpv_session *s, struct fpv_display *d,
    struct fpv_format *f, const char *val, size_t vlen,
    struct fpv_cmd_why *why)
{
	(void)s;
	(void)d;
	for (int o = 0; o < FPV_OVF_COUNT; o++)
		if (val_is(val, vlen, fpv_overflow_names[o]) &&
		    fpv_format_overflow_ok(f, (enum fpv_overflow)o)) {
			const char *w;

			f->overflow = (enum fpv_overflow)o;
			return fpv_format_derive(f, &w) == 0 ? 0 :
			    why_set(why, 0, "%s", w);
		}
	{
		char list[64] = "";
		size_t n = 0;

		for (int o = 0; o < FPV_OVF_COUNT; o++)
			if (fpv_format_overflow_ok(f, (enum fpv_overflow)o))
				n += (size_t)snprintf(list + n, sizeof list - n,
				    "%s%s", n ? ", " : "", fpv_overflow_names[o]);
		return why_set(why, 0, "unknown %s overflow '%.*s' (expected "
		    "%s)", f->name, (int)(vlen > 32 ? 32 : vlen), val, list);
	}
}

static void
show_overflow(FILE *out, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f)
{
	(void)s;
	(void)d;
	fputs(fpv_overflow_names[f->overflow], out);
}

static void
choices_overflow(const struct fpv_format *f, fpv_complete_fn add, void *arg)
{
	for (int o = 0; o < FPV_OVF_COUNT; o++)
		if (f == NULL || fpv_format_overflow_ok(f, (enum fpv_overflow)o))
			add(arg, fpv_overflow_names[o],
			    strlen(fpv_overflow_names[o]));
}

/* The settings (ORDER: the help text lists them in this order). */
static const struct setting settings[] = {
	{ "round", GLOBAL, false, false, true, "MODE",
	  "rounding mode: nearest, zero, up, down, stochastic",
	  set_round, show_round, choices_round },
	{ "seed", GLOBAL, false, false, true, "N",
	  "stochastic rounding's seed (an integer, default 0)",
	  set_seed, show_seed, NULL },
	{ "big", GLOBAL, false, false, false, "on|off",
	  "large presentation layout (the full-screen view)",
	  set_big, show_big, choices_onoff },
	{ "scale", FORMAT, true, false, true, "S",
	  "an integer grid's scale (a positive decimal, e.g. 0.1)",
	  set_scale, show_scale, NULL },
	{ "zero_point", FORMAT, true, false, true, "Z",
	  "an integer grid's zero point (an integer in its q range)",
	  set_zero_point, show_zero_point, NULL },
	{ "overflow", FORMAT, true, true, true, "MODE",
	  "integers: saturate or wrap; floats: inf, nan or saturate, "
	  "where the format has them",
	  set_overflow, show_overflow, choices_overflow },
	{ NULL, GLOBAL, false, false, false, NULL, NULL, NULL, NULL, NULL }
};

/* Does setting st apply to format f? */
static bool
applies(const struct setting *st, const struct fpv_format *f)
{
	return f->kind == FPV_KIND_INT ? st->ints : st->floats;
}

/*
 * Look up the key[0..klen): a global setting, or "F.KEY" with F a
 * format of s.  Returns the setting and, for FORMAT ones, the format's
 * index in *fi; NULL with *why filled if none.
 */
static const struct setting *
find_setting(const struct fpv_session *s, const char *key, size_t klen,
    int *fi, struct fpv_cmd_why *why)
{
	const char *dot = memchr(key, '.', klen);

	*fi = -1;
	if (dot == NULL) {
		for (const struct setting *st = settings; st->key; st++)
			if (st->scope == GLOBAL && val_is(key, klen, st->key))
				return st;
		why_set(why, 0, "unknown setting '%.*s' (settings: round, seed, big, "
		    "and FORMAT.scale, FORMAT.zero_point, FORMAT.overflow; "
		    ":help settings)", (int)(klen > 40 ? 40 : klen), key);
		return NULL;
	}
	*fi = fpv_ctx_find(&s->ctx, key, (size_t)(dot - key));
	if (*fi < 0) {
		why_set(why, 0, "unknown format '%.*s' in setting '%.*s'",
		    (int)(dot - key > 32 ? 32 : dot - key), key,
		    (int)(klen > 48 ? 48 : klen), key);
		return NULL;
	}
	{
		const char *sub = dot + 1;
		size_t sl = klen - (size_t)(sub - key);
		const struct fpv_format *f = fpv_ctx_format(&s->ctx, *fi);

		for (const struct setting *st = settings; st->key; st++)
			if (st->scope == FORMAT && val_is(sub, sl, st->key)) {
				if (!applies(st, f)) {
					why_set(why, 0, "%s has no setting '%s' "
					    "(%s formats have: %s)", f->name,
					    st->key, f->kind == FPV_KIND_INT ?
					    "integer" : "float",
					    f->kind == FPV_KIND_INT ?
					    "scale, zero_point, overflow" :
					    "overflow");
					return NULL;
				}
				return st;
			}
		why_set(why, (size_t)(sub - key), "unknown setting '%.*s' of "
		    "%s (expected %s)", (int)(sl > 32 ? 32 : sl), sub, f->name,
		    f->kind == FPV_KIND_INT ? "scale, zero_point or overflow" :
		    "overflow");
		return NULL;
	}
}

/* Apply a setting. */
int
fpv_setting_apply(struct fpv_session *s, struct fpv_display *d,
    const char *key, size_t klen, const char *val, size_t vlen,
    bool *reeval, struct fpv_cmd_why *why)
{
	int fi;
	const struct setting *st = find_setting(s, key, klen, &fi, why);
	struct fpv_ctx tmp;
	struct fpv_format *f = NULL;
	int rc;

	if (st == NULL)
		return -1;
	/* Change a copy, so that an error changes nothing. */
	fpv_ctx_init(&tmp);
	fpv_ctx_copy(&tmp, &s->ctx);
	if (fi >= 0 && (f = fpv_ctx_edit_format(&tmp, fi)) == NULL) {
		fpv_ctx_clear(&tmp);
		return why_set(why, 0, "out of memory");
	}
	{
		struct fpv_ctx save = s->ctx;
		struct fpv_display dsave = *d;

		s->ctx = tmp;
		rc = st->set(s, d, f, val, vlen, why);
		tmp = s->ctx;
		s->ctx = save;
		if (rc < 0) {
			*d = dsave;
			fpv_ctx_clear(&tmp);
			why->off |= FPV_WHY_VALUE;
			return -1;
		}
	}
	fpv_ctx_clear(&s->ctx);
	s->ctx = tmp;
	*reeval = st->reeval;
	return 0;
}

/* Write "KEY VALUE" of setting st (for format f, or global). */
static void
show_setting(FILE *out, const struct setting *st, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f)
{
	if (f != NULL)
		fprintf(out, "%s.%s ", f->name, st->key);
	else
		fprintf(out, "%s ", st->key);
	st->show(out, s, d, f);
	putc('\n', out);
}

/* Is format f's setting st at its default? */
static bool
setting_default(const struct setting *st, const struct fpv_format *f)
{
	if (st->show == show_scale)
		return fpv_grid_scale_is_one(f);
	if (st->show == show_zero_point)
		return f->zero_point == 0;
	if (st->show == show_overflow)
		return f->overflow == fpv_format_default_overflow(f);
	return true;
}

/* The current settings as text: the global ones, the columns, and each
 * format setting of a column or not at its default. */
static char *
settings_text(const struct fpv_session *s, const struct fpv_display *d)
{
	struct text t;

	if (!text_open(&t))
		return NULL;
	for (const struct setting *st = settings; st->key; st++)
		if (st->scope == GLOBAL)
			show_setting(t.out, st, s, d, NULL);
	fputs("formats ", t.out);
	print_columns(t.out, &s->ctx);
	putc('\n', t.out);
	for (size_t i = 0; i < s->ctx.reg->n; i++) {
		const struct fpv_format *f = fpv_ctx_format(&s->ctx, (int)i);
		bool col = fpv_ctx_column_of(&s->ctx, (int)i) >= 0;

		for (const struct setting *st = settings; st->key; st++)
			if (st->scope == FORMAT && applies(st, f) &&
			    (!setting_default(st, f) ||
			    (col && f->kind == FPV_KIND_INT)))
				show_setting(t.out, st, s, d, f);
	}
	return text_close(&t);
}

/*
 * Write setting st (of format f, or global) as the JSON member "KEY":
 * "VALUE" (after ", " unless *first), the value as :set shows it.
 */
static void
json_setting(FILE *out, const struct setting *st, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f, bool *first)
{
	struct text t;
	char key[FPV_NAME_MAX + 32], *v = NULL;

	if (f != NULL)
		snprintf(key, sizeof key, "%s.%s", f->name, st->key);
	else
		snprintf(key, sizeof key, "%s", st->key);
	if (text_open(&t)) {
		st->show(t.out, s, d, f);
		v = text_close(&t);
	}
	fputs(*first ? "" : ", ", out);
	*first = false;
	json_cstr(out, key);
	fputs(": ", out);
	json_cstr(out, v != NULL ? v : "");
	free(v);
}

/* The columns as the JSON member "formats": ["NAME", ...]. */
static void
json_columns(FILE *out, const struct fpv_ctx *c)
{
	fputs("\"formats\": [", out);
	for (int k = 0; k < c->ncols; k++) {
		fputs(k ? ", " : "", out);
		json_cstr(out, fpv_ctx_col(c, k)->name);
	}
	putc(']', out);
}

/* The settings of settings_text as JSON members: "settings": {"round":
 * "nearest", ..., "int8.scale": "1", ...}, "formats": [...]. */
static char *
settings_json(const struct fpv_session *s, const struct fpv_display *d)
{
	struct text t;
	bool first = true;

	if (!text_open(&t))
		return NULL;
	fputs("\"settings\": {", t.out);
	for (const struct setting *st = settings; st->key; st++)
		if (st->scope == GLOBAL)
			json_setting(t.out, st, s, d, NULL, &first);
	for (size_t i = 0; i < s->ctx.reg->n; i++) {
		const struct fpv_format *f = fpv_ctx_format(&s->ctx, (int)i);
		bool col = fpv_ctx_column_of(&s->ctx, (int)i) >= 0;

		for (const struct setting *st = settings; st->key; st++)
			if (st->scope == FORMAT && applies(st, f) &&
			    (!setting_default(st, f) ||
			    (col && f->kind == FPV_KIND_INT)))
				json_setting(t.out, st, s, d, f, &first);
	}
	fputs("}, ", t.out);
	json_columns(t.out, &s->ctx);
	return text_close(&t);
}

/* One setting as the JSON member "settings": {"KEY": "VALUE"}. */
static char *
setting_json(const struct setting *st, const struct fpv_session *s,
    const struct fpv_display *d, const struct fpv_format *f)
{
	struct text t;
	bool first = true;

	if (!text_open(&t))
		return NULL;
	fputs("\"settings\": {", t.out);
	json_setting(t.out, st, s, d, f, &first);
	putc('}', t.out);
	return text_close(&t);
}

/* ---- :help ----------------------------------------------------------- */

/* :help keys: the view's key table (keys.c), so help and keys agree. */
static void
help_keys(FILE *out, const struct fpv_session *s)
{
	(void)s;
	fpv_keys_help(out);
}

static const char help_flags[] =
"Flags (per step and format; the result shows all raised anywhere):\n"
"  inexact       the result was rounded\n"
"  underflow     tiny and inexact (tininess after rounding)\n"
"  overflow      too large: infinity, NaN or the largest number, as the\n"
"                format's overflow setting says\n"
"  divbyzero     division of a nonzero number by zero\n"
"  invalid       no meaningful result (NaN; 0 on an integer grid)\n"
"  subnormal     the result is subnormal (fewer significant bits)\n"
"  absorbed      x + y == x although y != 0: y vanished\n"
"  cancellation  a subtraction lost leading bits (how many is shown)\n"
"  saturated     integer grid: clamped to the end of its range\n"
"  wrapped       integer grid: reduced modulo 2^bits\n";

/* The first float and the first integer grid among the default columns,
 * for examples. */
static void
example_formats(const struct fpv_format **fl, const struct fpv_format **in)
{
	*fl = *in = NULL;
	for (int i = 0; fpv_default_columns[i] != NULL; i++) {
		const struct fpv_format *f = fpv_builtin_by_name(
		    fpv_default_columns[i], strlen(fpv_default_columns[i]));

		if (f != NULL && f->kind == FPV_KIND_FLOAT && *fl == NULL)
			*fl = f;
		if (f != NULL && f->kind == FPV_KIND_INT && *in == NULL)
			*in = f;
	}
}

/* The encoding of 1 in float format f. */
static uint64_t
one_bits(const struct fpv_format *f)
{
	return (uint64_t)f->bias << f->frac_bits;
}

/* :help syntax. */
static void
help_syntax(FILE *out, const struct fpv_session *s)
{
	const struct fpv_format *fl, *in;
	char hex[20];

	example_formats(&fl, &in);
	fputs("Expressions:\n"
	    "  numbers    12  0.1  .5  1e-8  6.75E+0  0x1.8p3 (hex float)  "
	    "inf  nan\n", out);
	if (fl != NULL) {
		fpv_bits_hex(fl, one_bits(fl), hex);
		fprintf(out, "  bits       FORMAT:0xHEX, an encoding: %s:%s is 1 "
		    "in %s\n", fl->name, hex, fl->name);
	}
	fputs("  constants  pi  e\n"
	    "  operators  + -  (loosest), * /, unary - +, ^ (power, right\n"
	    "             associative, tighter than unary minus: -2^2 is -4), "
	    "( )\n"
	    "  literals   are real numbers, rounded once into each format; a "
	    "minus\n"
	    "             written before a number makes a negative literal\n"
	    "  functions  see :help functions; casts FORMAT(x) round x into "
	    "FORMAT\n"
	    "             inside every row", out);
	if (fl != NULL)
		fprintf(out, " (%s(x))", fl->name);
	fputs("\n"
	    "  variables  x = 0.1 stores x (each format keeps its own rounded "
	    "value);\n"
	    "             ans is the last result\n"
	    "  comments   # to the end of the line\n", out);
	(void)s;
}

/* :help functions, from the operation table and the formats. */
static void
help_functions(FILE *out, const struct fpv_session *s)
{
	int col = 2;

	fputs("Functions:\n ", out);
	for (int op = 0; op < FPV_OP_COUNT; op++) {
		const struct fpv_op_info *o = &fpv_ops[op];
		char buf[40];
		int n;

		if (!o->callable)
			continue;
		n = snprintf(buf, sizeof buf, " %s(%s)", o->name,
		    op == FPV_OP_ATAN2 ? "y,x" : o->nargs == 1 ? "x" :
		    o->nargs == 2 ? "x,y" : "x,y,z");
		if (col + n > 72) {
			fputs("\n ", out);
			col = 2;
		}
		fputs(buf, out);
		col += n;
	}
	fputs("\nCasts (round to that format inside every row):\n ", out);
	col = 2;
	for (size_t f = 0; f < s->ctx.reg->n; f++) {
		char buf[40];
		int n = snprintf(buf, sizeof buf, " %s(x)", s->ctx.reg->f[f].name);

		if (col + n > 72) {
			fputs("\n ", out);
			col = 2;
		}
		fputs(buf, out);
		col += n;
	}
	fputs("\nEvery function is correctly rounded in each row from "
	    "that row's\noperands, in the current rounding mode.  nextup, "
	    "nextdown and ulp\nstep on each row's own values (the exact "
	    "row: x, x and 0).\n", out);
}

/* The layout of f in short: "e5m10", "int8: q in -128..127". */
static void
layout_word(const struct fpv_format *f, char *buf, size_t size)
{
	if (f->kind == FPV_KIND_INT)
		snprintf(buf, size, "q %lld..%lld", (long long)f->qmin,
		    (long long)f->qmax);
	else
		snprintf(buf, size, "%se%dm%d", f->sign ? "" : "u",
		    f->exp_bits, f->frac_bits);
}

/* :help formats, from the registry and the presets. */
static void
help_formats(FILE *out, const struct fpv_session *s)
{
	fputs("Formats (:info FORMAT for the details; rows: :formats LIST):\n",
	    out);
	for (size_t i = 0; i < s->ctx.reg->n; i++) {
		const struct fpv_format *f = &s->ctx.reg->f[i];
		char lay[40];

		layout_word(f, lay, sizeof lay);
		fprintf(out, "  %-8s %2d bits  %-13s %s\n", f->name, f->bits,
		    lay, f->title);
	}
	fputs("  exact    the same expression without rounding (:help exact)\n"
	    "Presets for :formats (and --formats):\n", out);
	for (int p = 0; fpv_presets[p].name != NULL; p++) {
		fprintf(out, "  %-8s ", fpv_presets[p].name);
		for (int k = 0; fpv_presets[p].formats[k] != NULL; k++)
			fprintf(out, "%s%s", k ? "," : "",
			    fpv_presets[p].formats[k]);
		fprintf(out, "  (%s)\n", fpv_presets[p].help);
	}
	fputs("  all      every format\n"
	    "Define a format: :format NAME eEmM[,bias=B][,fn|finite][,nosub]"
	    "[,unsigned]\n", out);
}

/* :help int: integer grids. */
static void
help_int(FILE *out, const struct fpv_session *s)
{
	const struct fpv_format *fl, *in;

	example_formats(&fl, &in);
	fputs("Integer grids: a stored q in the grid's range means\n"
	    "  scale * (q - zero_point).  After every operation the exact "
	    "result v\n"
	    "  is requantized: q = round(v / scale) + zero_point in the "
	    "current\n"
	    "  rounding mode, then saturated to the range (the default) or "
	    "wrapped\n"
	    "  modulo 2^bits.  x/0 gives the end of the range with x's sign\n"
	    "  (divbyzero); 0/0, sqrt(-1) and other invalid operations give 0\n"
	    "  (invalid).  Grids:", out);
	for (size_t i = 0; i < s->ctx.reg->n; i++)
		if (s->ctx.reg->f[i].kind == FPV_KIND_INT)
			fprintf(out, " %s", s->ctx.reg->f[i].name);
	fputs(".\n  Settings: :set GRID.scale S, :set GRID.zero_point Z,\n"
	    "  :set GRID.overflow saturate|wrap.", out);
	if (in != NULL)
		fprintf(out, "  Try :set %s.scale 0.1 then\n  0.54 - 0.46.",
		    in->name);
	putc('\n', out);
}

/* :help settings, from the settings table. */
static void
help_settings(FILE *out, const struct fpv_session *s)
{
	(void)s;
	fputs("Settings (:set KEY VALUE or KEY=VALUE; :set KEY shows one, "
	    ":set all):\n", out);
	for (const struct setting *st = settings; st->key; st++) {
		char k[48];

		snprintf(k, sizeof k, "%s%s %s", st->scope == FORMAT ?
		    "FORMAT." : "", st->key, st->args);
		fprintf(out, "  %-22s %s\n", k, st->help);
	}
}

static const char help_exact[] =
"The exact row: the same expression without any rounding.\n"
"  Rational sub-expressions (literals, + - * /, integer powers, min, max,\n"
"  floor, ceil, round, fma, casts, bit patterns) are exact rationals while\n"
"  their integers fit 8192 bits; everything else is computed in ball\n"
"  arithmetic (Arb), the precision raised from 128 bits, doubling, up to\n"
"  8192, until at least 64 bits are certain.  Every digit shown is right.\n"
"  The row says what is known:\n"
"    0.3                   exact\n"
"    \xe2\x89\x88""0.33333333333333333333  exact, the decimal rounded (\xe2\x89\x88)\n"
"    \xe2\x89\x88""1.4142135623730950488   certified to N bits\n"
"    zero to within 2^-K   the ball still holds 0 at 8192 bits: sin(pi)\n"
"    undefined             0/0, sqrt(-1), tan(pi/2), log of what may be 0\n"
"  Against a zero, near-zero or undefined value the relative error and\n"
"  the ulps are no numbers: \xe2\x80\x94.\n";

struct command;

/* The overview: the commands of the table. */
static void help_commands(FILE *out, const struct fpv_session *s);

/* A help topic. */
struct topic {
	const char *name;
	void (*write)(FILE *out, const struct fpv_session *s);
	const char *text;	/* when write is NULL */
};

static const struct topic topics[] = {
	{ "commands", help_commands, NULL },
	{ "syntax", help_syntax, NULL },
	{ "functions", help_functions, NULL },
	{ "keys", help_keys, NULL },
	{ "formats", help_formats, NULL },
	{ "settings", help_settings, NULL },
	{ "int", help_int, NULL },
	{ "flags", NULL, help_flags },
	{ "exact", NULL, help_exact },
	{ NULL, NULL, NULL }
};

/* The help text of a topic (NULL: the overview). */
char *
fpv_command_help(const struct fpv_session *s, const char *topic)
{
	struct text t;

	for (const struct topic *tp = topics; tp->name; tp++) {
		if (topic != NULL && strcmp(topic, tp->name) != 0)
			continue;
		if (!text_open(&t))
			return NULL;
		if (tp->write != NULL)
			tp->write(t.out, s);
		else
			fputs(tp->text, t.out);
		return text_close(&t);
	}
	return NULL;
}

/* ---- The commands ---------------------------------------------------- */

typedef int (*command_run)(struct fpv_session *s, struct fpv_display *d,
    struct cmdline *c, struct fpv_cmd_reply *r, struct fpv_error *err);

/* What a command's arguments complete to. */
enum args_kind { A_NONE, A_TOPIC, A_SETTING, A_FORMATS, A_FORMAT, A_LESSON };

struct command {
	const char *name;
	const char *alias;	/* a short name, or NULL */
	const char *args;	/* for help */
	const char *help;
	command_run run;
	enum args_kind complete;
	int max_args;		/* -1: any */
};

static const struct command commands[];

/* Error unless the command has at most max arguments. */
static int
no_more_than(const struct cmdline *c, int max, struct fpv_error *err)
{
	char buf[64], name[32];

	if (max < 0 || c->n - 1 <= max)
		return 0;
	return fail(c, c->w[max + 1].off, err, "unexpected '%s' after :%s",
	    word_text(c, max + 1, buf, sizeof buf),
	    word_text(c, 0, name, sizeof name));
}

/* Reply with the help text of topic, and as JSON members "topic" and
 * "text". */
static void
reply_help(struct fpv_cmd_reply *r, const char *topic, char *text)
{
	struct text t;

	reply_text(r, text);
	if (text != NULL && text_open(&t)) {
		fputs("\"topic\": ", t.out);
		json_cstr(t.out, topic);
		fputs(", \"text\": ", t.out);
		json_cstr(t.out, text);
		reply_json(r, text_close(&t));
	}
}

/* :help [TOPIC] */
static int
cmd_help(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	char buf[64], *text;
	struct text t;

	(void)d;
	if (c->n == 1) {
		reply_help(r, "commands", fpv_command_help(s, "commands"));
		return 0;
	}
	word_text(c, 1, buf, sizeof buf);
	/* An integer grid's name is the topic of the grids. */
	{
		int fi = fpv_ctx_find(&s->ctx, buf, strlen(buf));

		if ((fi >= 0 && fpv_ctx_format(&s->ctx, fi)->kind ==
		    FPV_KIND_INT) || strcmp(buf, "grids") == 0)
			snprintf(buf, sizeof buf, "int");
	}
	if ((text = fpv_command_help(s, buf)) != NULL) {
		reply_help(r, buf, text);
		return 0;
	}
	if (!text_open(&t))
		return fail(c, c->w[1].off, err, "unknown help topic");
	for (const struct topic *tp = topics; tp->name; tp++)
		fprintf(t.out, "%s%s", tp == topics ? "" : ", ", tp->name);
	text = text_close(&t);
	fail(c, c->w[1].off, err, "unknown help topic '%s' (topics: %s)",
	    word_text(c, 1, buf, sizeof buf), text ? text : "");
	free(text);
	return -1;
}

/* :set KEY VALUE, :set KEY=VALUE, :set KEY, :set */
static int
cmd_set(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	struct word key, val;
	struct fpv_cmd_why why;
	const struct setting *st;
	bool have_val, reeval = false;
	char v[128];
	int fi;

	if (c->n == 1 || (c->n == 2 && word_is(c, 1, "all"))) {
		reply_text(r, settings_text(s, d));
		reply_json(r, settings_json(s, d));
		return 0;
	}
	key = c->w[1];
	have_val = c->n >= 3;
	val = have_val ? c->w[2] : (struct word){ end_off(c), 0 };
	/* KEY=VALUE in one word. */
	for (size_t i = 0; i < key.len; i++)
		if (c->line[key.off + i] == '=') {
			if (c->n > 2)
				return fail(c, c->w[2].off, err,
				    "unexpected '%s' after :set %.*s",
				    word_text(c, 2, v, sizeof v), (int)key.len,
				    c->line + key.off);
			val.off = key.off + i + 1;
			val.len = key.len - i - 1;
			have_val = true;
			key.len = i;
			break;
		}
	if (c->n > 3)
		return fail(c, c->w[3].off, err, "unexpected '%s' after :set",
		    word_text(c, 3, v, sizeof v));
	if ((st = find_setting(s, c->line + key.off, key.len, &fi,
	    &why)) == NULL)
		return fail(c, key.off + why.off, err, "%s", why.msg);
	if (!have_val || val.len == 0) {
		/* :set KEY shows the current value. */
		struct text t;

		if (have_val)
			return fail(c, val.off, err, "expected a value for %.*s",
			    (int)key.len, c->line + key.off);
		if (!text_open(&t))
			return 0;
		show_setting(t.out, st, s, d, fi >= 0 ?
		    fpv_ctx_format(&s->ctx, fi) : NULL);
		reply_text(r, text_close(&t));
		reply_json(r, setting_json(st, s, d, fi >= 0 ?
		    fpv_ctx_format(&s->ctx, fi) : NULL));
		return 0;
	}
	if (fpv_setting_apply(s, d, c->line + key.off, key.len,
	    c->line + val.off, val.len, &reeval, &why) < 0) {
		size_t off = why.off & FPV_WHY_VALUE ?
		    val.off + (why.off & ~FPV_WHY_VALUE) : key.off + why.off;

		char safe[sizeof why.msg];

		/* The message quotes the value: in the safe notation. */
		fpv_safe_copy(safe, sizeof safe, why.msg, strlen(why.msg));
		return fail(c, off, err, "%s", safe);
	}
	if (reeval)
		r->action = FPV_CMD_REEVAL;
	{
		struct text t;

		if (text_open(&t)) {
			show_setting(t.out, st, s, d, fi >= 0 ?
			    fpv_ctx_format(&s->ctx, fi) : NULL);
			reply_text(r, text_close(&t));
		}
		reply_json(r, setting_json(st, s, d, fi >= 0 ?
		    fpv_ctx_format(&s->ctx, fi) : NULL));
	}
	return 0;
}

/* :formats [LIST] */
static int
cmd_formats(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	struct text t;

	(void)d;
	if (c->n > 1) {
		size_t st = c->w[1].off;
		size_t en = c->w[c->n - 1].off + c->w[c->n - 1].len;
		struct fpv_cmd_why why;
		struct fpv_ctx tmp;

		fpv_ctx_init(&tmp);
		fpv_ctx_copy(&tmp, &s->ctx);
		if (fpv_formats_parse(&tmp, c->line + st, en - st, &why) < 0) {
			fpv_ctx_clear(&tmp);
			return fail(c, st + why.off, err, "%s", why.msg);
		}
		fpv_ctx_copy(&s->ctx, &tmp);
		fpv_ctx_clear(&tmp);
		r->action = FPV_CMD_REEVAL;
	}
	if (!text_open(&t))
		return 0;
	fputs("formats ", t.out);
	print_columns(t.out, &s->ctx);
	putc('\n', t.out);
	reply_text(r, text_close(&t));
	if (text_open(&t)) {
		json_columns(t.out, &s->ctx);
		reply_json(r, text_close(&t));
	}
	return 0;
}

/* The formats idx[0..n) as the JSON member "info": [...], each object
 * the one of --json --info. */
static char *
info_json(const struct fpv_session *s, const int *idx, int n)
{
	struct text t;

	if (!text_open(&t))
		return NULL;
	fputs("\"info\": [", t.out);
	for (int k = 0; k < n; k++) {
		char *j = fpv_info_json(&s->ctx, fpv_ctx_format(&s->ctx,
		    idx[k]));
		size_t len = j != NULL ? strlen(j) : 0;

		while (len > 0 && j[len - 1] == '\n')
			len--;
		fputs(k ? ", " : "", t.out);
		if (len > 0)
			fwrite(j, 1, len, t.out);
		else
			fputs("null", t.out);
		free(j);
	}
	putc(']', t.out);
	return text_close(&t);
}

/* :format NAME SPEC (or NAME=SPEC) */
static int
cmd_format(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	struct word name, spec;
	struct fpv_cmd_why why;
	const char *eq;
	char *info;
	int fi;

	(void)d;
	if (c->n < 2)
		return fail(c, end_off(c), err, "expected a name and a "
		    "descriptor, e.g. :format e3m4 e3m4");
	name = c->w[1];
	if ((eq = memchr(c->line + name.off, '=', name.len)) != NULL &&
	    c->n == 2) {
		size_t k = (size_t)(eq - (c->line + name.off));

		spec.off = name.off + k + 1;
		spec.len = name.len - k - 1;
		name.len = k;
	} else if (c->n >= 3) {
		spec = c->w[2];
		if (no_more_than(c, 2, err) < 0)
			return -1;
	} else {
		return fail(c, end_off(c), err, "expected a descriptor after "
		    "the name, e.g. e4m3,bias=8,fn");
	}
	if (fpv_format_define(s, c->line + name.off, name.len,
	    c->line + spec.off, spec.len, &why) < 0)
		return fail(c, why.off < name.len ? name.off + why.off :
		    spec.off + (why.off - name.len), err, "%s", why.msg);
	fi = fpv_ctx_find(&s->ctx, c->line + name.off, name.len);
	info = fpv_info_text(&s->ctx, fpv_ctx_format(&s->ctx, fi));
	reply_text(r, info);
	reply_json(r, info_json(s, &fi, 1));
	r->action = FPV_CMD_REEVAL;
	return 0;
}

/* :info [FORMAT...] (the columns without an argument). */
static int
cmd_info(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	int idx[FPV_COLUMNS_MAX + MAX_WORDS], n = 0;
	struct text t;
	char tmp[64];

	(void)d;
	if (c->more)
		return fail(c, c->w[MAX_WORDS - 1].off, err, "too many formats "
		    "for one :info");
	for (int i = 1; i < c->n; i++) {
		int fi = fpv_ctx_find(&s->ctx, c->line + c->w[i].off,
		    c->w[i].len);

		if (fi < 0) {
			struct text lt;
			char *list;

			if (!text_open(&lt))
				return -1;
			names_of_formats(lt.out, s->ctx.reg, " or ");
			list = text_close(&lt);
			fail(c, c->w[i].off, err, "unknown format '%s' "
			    "(expected %s)", word_text(c, i, tmp, sizeof tmp),
			    list ? list : "");
			free(list);
			return -1;
		}
		idx[n++] = fi;
	}
	if (n == 0)
		for (int k = 0; k < s->ctx.ncols; k++)
			idx[n++] = s->ctx.cols[k];
	if (!text_open(&t))
		return 0;
	for (int k = 0; k < n; k++) {
		char *info = fpv_info_text(&s->ctx, fpv_ctx_format(&s->ctx,
		    idx[k]));

		fprintf(t.out, "%s%s", k ? "\n" : "", info ? info : "");
		free(info);
	}
	reply_text(r, text_close(&t));
	reply_json(r, info_json(s, idx, n));
	return 0;
}

/*
 * The variables as the JSON member "vars": [{"name": ..., "exact": ...,
 * "results": {FORMAT: {"bits", "value", "exact_value"[, "q"]} or null,
 * one a row}}, ...], the keys of an expression's results.
 */
static char *
vars_json(const struct fpv_session *s)
{
	struct text t;

	if (!text_open(&t))
		return NULL;
	fputs("\"vars\": [", t.out);
	for (size_t i = 0; i < s->nvars; i++) {
		const struct fpv_var *v = &s->vars[i];
		struct fpv_exact_text xt;

		fputs(i ? ", {\"name\": " : "{\"name\": ", t.out);
		json_cstr(t.out, v->name);
		if (v->vec != NULL) {
			/* A vector: its length (its elements: evaluate it). */
			fprintf(t.out, ", \"length\": %zu}", v->vec->n);
			continue;
		}
		/* The certified digits, as the exact row's "exact" key (null
		 * when none is known), and the state. */
		fpv_exact_describe_value(&v->exact, VARS_JSON_DIGITS, &xt);
		if (xt.len > 0)
			fprintf(t.out, ", \"exact\": \"%.*s\"", (int)xt.len,
			    xt.num);
		else
			fputs(", \"exact\": null", t.out);
		fprintf(t.out, ", \"exact_state\": \"%s\", \"results\": {",
		    fpv_exact_state_names[xt.state]);
		for (int k = 0; k < s->ctx.ncols; k++) {
			const struct fpv_format *f = fpv_ctx_col(&s->ctx, k);
			char hex[20], val[FPV_DEC_SHORT], *exv;
			int j = 0;

			while (j < v->nfmt && v->fmt[j] != s->ctx.cols[k])
				j++;
			fputs(k ? ", " : "", t.out);
			json_cstr(t.out, f->name);
			if (j == v->nfmt) {
				fputs(": null", t.out);
				continue;
			}
			hex[fpv_bits_hex(f, v->bits[j], hex)] = '\0';
			val[fpv_dec_shortest(&s->ctx, f, v->bits[j], val)] = '\0';
			exv = fpv_dec_exact(&s->ctx, f, v->bits[j]);
			fprintf(t.out, ": {\"bits\": \"%s\", \"value\": \"%s\", "
			    "\"exact_value\": ", hex, val);
			if (exv != NULL)
				fprintf(t.out, "\"%s\"", exv);
			else
				fputs("null", t.out);
			free(exv);
			if (f->kind == FPV_KIND_INT)
				fprintf(t.out, ", \"q\": %lld",
				    (long long)fpv_bits_q(f, v->bits[j]));
			putc('}', t.out);
		}
		fputs("}}", t.out);
	}
	putc(']', t.out);
	return text_close(&t);
}

/* :vars */
static int
cmd_vars(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	struct text t;
	size_t w = 0;

	(void)d;
	(void)c;
	(void)err;
	reply_json(r, vars_json(s));
	if (s->nvars == 0) {
		reply_text(r, strf("no variables\n"));
		return 0;
	}
	if (!text_open(&t))
		return 0;
	for (size_t i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].name) > w)
			w = strlen(s->vars[i].name);
	for (size_t i = 0; i < s->nvars; i++) {
		const struct fpv_var *v = &s->vars[i];
		char val[FPV_DEC_VALUE], ex[160];
		struct fpv_exact_text xt;

		fprintf(t.out, "%-*s", (int)w, v->name);
		if (v->vec != NULL) {
			fprintf(t.out, "  vector of %zu element%s\n", v->vec->n,
			    v->vec->n == 1 ? "" : "s");
			continue;
		}
		for (int k = 0; k < s->ctx.ncols; k++) {
			const struct fpv_format *f = fpv_ctx_col(&s->ctx, k);
			int j = 0;

			while (j < v->nfmt && v->fmt[j] != s->ctx.cols[k])
				j++;
			if (j == v->nfmt) {
				fprintf(t.out, "  %s -", f->name);
				continue;
			}
			fpv_dec_value(&s->ctx, f, v->bits[j], val, NULL);
			fprintf(t.out, "  %s %s", f->name, val);
		}
		fpv_exact_describe_value(&v->exact, VARS_EXACT_DIGITS, &xt);
		fpv_exact_line(&xt, ex, sizeof ex);
		fprintf(t.out, "  exact %s\n", ex);
	}
	reply_text(r, text_close(&t));
	return 0;
}

/* :clear */
static int
cmd_clear(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	(void)d;
	(void)c;
	(void)err;
	fpv_session_clear_vars(s);
	reply_text(r, strf("variables cleared\n"));
	reply_json(r, strf("\"vars\": []"));
	return 0;
}

/* :lesson NAME */
static int
cmd_lesson(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	(void)s;
	(void)d;
	if (c->n < 2)
		return fail(c, end_off(c), err,
		    "expected a lesson name or file (:lesson list shows them)");
	r->action = FPV_CMD_LESSON;
	r->arg = strf("%.*s", (int)c->w[1].len, c->line + c->w[1].off);
	return 0;
}

/* Commands that only ask the caller for an action. */
static int
cmd_action(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	(void)s;
	(void)d;
	(void)err;
	if (word_is(c, 0, "quit") || word_is(c, 0, "q"))
		r->action = FPV_CMD_QUIT;
	else if (word_is(c, 0, "next") || word_is(c, 0, "n"))
		r->action = FPV_CMD_NEXT;
	else if (word_is(c, 0, "prev") || word_is(c, 0, "p"))
		r->action = FPV_CMD_PREV;
	else
		r->action = FPV_CMD_STEPS;
	return 0;
}

/* :sample N EXPR */
static int
cmd_sample(struct fpv_session *s, struct fpv_display *d, struct cmdline *c,
    struct fpv_cmd_reply *r, struct fpv_error *err)
{
	uint64_t n;
	char *text, *json;

	(void)d;
	if (c->n < 2)
		return fail(c, end_off(c), err, "expected :sample N EXPR "
		    "(N runs, 1 to %d)", FPV_SAMPLE_MAX);
	if (parse_u64(c->line + c->w[1].off, c->w[1].len, &n) < 0 || n < 1 ||
	    n > FPV_SAMPLE_MAX) {
		char buf[40];

		return fail(c, c->w[1].off, err, "bad number of runs '%s' "
		    "(expected 1 to %d)", word_text(c, 1, buf, sizeof buf),
		    FPV_SAMPLE_MAX);
	}
	if (c->n < 3)
		return fail(c, end_off(c), err, "expected an expression after "
		    ":sample N");
	if (fpv_sample(s, c->line, c->len, c->w[2].off, n, c->lineno, &text,
	    &json, err) < 0)
		return -1;
	reply_text(r, text);
	reply_json(r, json);
	return 0;
}

/* The commands (ORDER: fpv_command_names, and :help lists them so). */
static const struct command commands[] = {
	{ "help", "h", "[TOPIC]", "this text; topics: commands, syntax, "
	  "functions, keys, formats, settings, int, flags, exact", cmd_help,
	  A_TOPIC, 1 },
	{ "set", NULL, "[KEY [VALUE]]", "show or change a setting (:help "
	  "settings): round MODE, FORMAT.scale S, ...", cmd_set, A_SETTING,
	  -1 },
	{ "formats", NULL, "[LIST]", "the rows: formats in any order, a "
	  "preset (ml, ...) or all", cmd_formats, A_FORMATS, -1 },
	{ "format", NULL, "NAME SPEC", "define a format, e.g. :format e3m4 "
	  "e3m4 (:help formats)", cmd_format, A_NONE, 2 },
	{ "info", NULL, "[FORMAT...]", "a format's layout, range, eps and "
	  "digits", cmd_info, A_FORMAT, -1 },
	{ "vars", NULL, "", "variables and their value in each format",
	  cmd_vars, A_NONE, 0 },
	{ "clear", NULL, "", "forget all variables (ans included)", cmd_clear,
	  A_NONE, 0 },
	{ "next", "n", "", "step forward through the operations", cmd_action,
	  A_NONE, 0 },
	{ "prev", "p", "", "step back", cmd_action, A_NONE, 0 },
	{ "steps", NULL, "", "show every step of the last expression",
	  cmd_action, A_NONE, 0 },
	{ "lesson", NULL, "NAME|FILE", "run a lesson (:lesson list shows "
	  "them)", cmd_lesson, A_LESSON, 1 },
	{ "sample", NULL, "N EXPR", "EXPR's results with N seeds, in "
	  "stochastic rounding", cmd_sample, A_NONE, -1 },
	{ "quit", "q", "", "leave", cmd_action, A_NONE, 0 },
	{ NULL, NULL, NULL, NULL, NULL, A_NONE, 0 }
};

/* Names for completion: the table's, aliases included (ORDER: commands). */
const char *const fpv_command_names[] = {
	":help", ":h", ":set", ":formats", ":format", ":info", ":vars",
	":clear", ":next", ":n", ":prev", ":p", ":steps", ":lesson",
	":sample", ":quit", ":q", NULL
};

/* The overview: the commands of the table. */
static void
help_commands(FILE *out, const struct fpv_session *s)
{
	(void)s;
	fputs("Type an expression to evaluate it in every format, e.g. "
	    "0.1 + 0.2\nCommands:\n", out);
	for (const struct command *cm = commands; cm->name; cm++) {
		char head[48];

		if (cm->alias != NULL)
			snprintf(head, sizeof head, ":%s, :%s %s", cm->name,
			    cm->alias, cm->args);
		else
			snprintf(head, sizeof head, ":%s %s", cm->name,
			    cm->args);
		fprintf(out, "  %-22s %s\n", head, cm->help);
	}
}

/* The command called c's word 0, or NULL. */
static const struct command *
find_command(const struct cmdline *c)
{
	for (const struct command *cm = commands; cm->name; cm++)
		if (word_is(c, 0, cm->name) ||
		    (cm->alias != NULL && word_is(c, 0, cm->alias)))
			return cm;
	if (word_is(c, 0, "?"))
		return &commands[0];
	return NULL;
}

/* Run a colon command. */
int
fpv_command_run(struct fpv_session *s, struct fpv_display *d,
    const char *line, size_t len, int lineno, struct fpv_cmd_reply *r,
    struct fpv_error *err)
{
	struct cmdline c = { .line = line, .len = len, .lineno = lineno };
	const struct command *cm;
	char name[64];

	r->action = FPV_CMD_NONE;
	r->text = NULL;
	r->json = NULL;
	r->arg = NULL;
	split(&c);
	if ((cm = find_command(&c)) != NULL) {
		if (no_more_than(&c, cm->max_args, err) < 0)
			return -1;
		return cm->run(s, d, &c, r, err);
	}
	if (c.w[0].len == 0)
		return fail(&c, c.w[0].off > 0 ? c.w[0].off - 1 : 0, err,
		    "expected a command name after ':' (try :help)");
	return fail(&c, c.w[0].off > 0 ? c.w[0].off - 1 : 0, err,
	    "unknown command ':%s' (try :help)",
	    word_text(&c, 0, name, sizeof name));
}

/* ---- Completion ------------------------------------------------------ */

/* Add the lesson names. */
static void
complete_lessons(fpv_complete_fn add, void *arg)
{
	char *list = fpv_lesson_list();

	add(arg, "list", 4);
	for (char *p = list; p != NULL && *p != '\0';) {
		size_t k = strcspn(p, " \t\n");

		if (k > 0)
			add(arg, p, k);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	free(list);
}

/* Add the settings keys: the global ones and FORMAT.KEY of every format. */
static void
complete_keys(const struct fpv_session *s, fpv_complete_fn add, void *arg)
{
	char buf[FPV_NAME_MAX + 32];

	for (const struct setting *st = settings; st->key; st++) {
		if (st->scope == GLOBAL) {
			add(arg, st->key, strlen(st->key));
			continue;
		}
		for (size_t i = 0; i < s->ctx.reg->n; i++) {
			const struct fpv_format *f = &s->ctx.reg->f[i];

			if (!applies(st, f))
				continue;
			snprintf(buf, sizeof buf, "%s.%s", f->name, st->key);
			add(arg, buf, strlen(buf));
		}
	}
}

/* Candidates for argument number argn (1-based) of command cm; prev is
 * the word before (for the values of a setting). */
static void
complete_args(const struct fpv_session *s, const struct command *cm,
    int argn, const char *prev, size_t prevlen, fpv_complete_fn add,
    void *arg)
{
	switch (cm->complete) {
	case A_TOPIC:
		if (argn == 1)
			for (const struct topic *tp = topics; tp->name; tp++)
				add(arg, tp->name, strlen(tp->name));
		break;
	case A_SETTING:
		if (argn == 1) {
			complete_keys(s, add, arg);
		} else if (argn == 2) {
			struct fpv_cmd_why why;
			int fi;
			const struct setting *st = find_setting(s, prev,
			    prevlen, &fi, &why);

			if (st != NULL && st->choices != NULL)
				st->choices(fi >= 0 ?
				    fpv_ctx_format(&s->ctx, fi) : NULL, add,
				    arg);
		}
		break;
	case A_FORMATS:
		for (int p = 0; fpv_presets[p].name != NULL; p++)
			add(arg, fpv_presets[p].name,
			    strlen(fpv_presets[p].name));
		add(arg, "all", 3);
		/* fall through */
	case A_FORMAT:
		for (size_t i = 0; i < s->ctx.reg->n; i++)
			add(arg, s->ctx.reg->f[i].name,
			    strlen(s->ctx.reg->f[i].name));
		break;
	case A_LESSON:
		if (argn == 1)
			complete_lessons(add, arg);
		break;
	case A_NONE:
		break;
	}
}

/* Completion candidates for the word at start. */
char
fpv_complete(const struct fpv_session *s, const char *line, size_t start,
    fpv_complete_fn add, void *arg)
{
	const char *p = line;
	char buf[FPV_NAME_MAX + 2];

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ':') {
		size_t cmdlen = strcspn(p, " \t");
		const char *q = p + cmdlen, *prev = NULL;
		size_t prevlen = 0;
		int argn = 0;
		struct cmdline c = { .line = p + 1, .len = cmdlen - 1 };
		const struct command *cm;

		if ((size_t)(p - line) + cmdlen >= start) {
			for (int i = 0; fpv_command_names[i] != NULL; i++)
				add(arg, fpv_command_names[i],
				    strlen(fpv_command_names[i]));
			return ' ';
		}
		c.w[0].off = 0;
		c.w[0].len = cmdlen - 1;
		c.n = 1;
		if ((cm = find_command(&c)) == NULL)
			return ' ';
		/* Count the words before the one being completed. */
		while ((size_t)(q - line) < start) {
			size_t k;

			q += strspn(q, " \t");
			if ((size_t)(q - line) >= start)
				break;
			k = strcspn(q, " \t");
			prev = q;
			prevlen = k;
			q += k;
			argn++;
		}
		complete_args(s, cm, argn + 1, prev, prevlen, add, arg);
		return ' ';
	}
	/* An expression: functions and casts with their '(', constants,
	 * the variables. */
	for (int op = 0; op < FPV_OP_COUNT; op++)
		if (fpv_ops[op].callable) {
			snprintf(buf, sizeof buf, "%s(", fpv_ops[op].name);
			add(arg, buf, strlen(buf));
		}
	for (size_t i = 0; i < s->ctx.reg->n; i++) {
		snprintf(buf, sizeof buf, "%s(", s->ctx.reg->f[i].name);
		add(arg, buf, strlen(buf));
	}
	add(arg, "pi", 2);
	add(arg, "e", 1);
	add(arg, "inf", 3);
	add(arg, "nan", 3);
	for (size_t i = 0; i < s->nvars; i++)
		add(arg, s->vars[i].name, strlen(s->vars[i].name));
	if (fpv_session_var(s, "ans", 3) == NULL)
		add(arg, "ans", 3);
	return 0;
}

/* A list being collected by fpv_complete_list. */
struct clist {
	char **v;
	size_t n, cap;
	const char *text;
	size_t tlen;
	bool failed;
};

/* fpv_complete's callback: keep a word that begins with the text. */
static void
clist_add(void *arg, const char *word, size_t len)
{
	struct clist *l = arg;
	char *w;

	if (len < l->tlen || memcmp(word, l->text, l->tlen) != 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && memcmp(l->v[i], word, len) == 0)
			return;
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char **nv = realloc(l->v, cap * sizeof *nv);

		if (nv == NULL) {
			l->failed = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	if ((w = malloc(len + 1)) == NULL) {
		l->failed = true;
		return;
	}
	memcpy(w, word, len);
	w[len] = '\0';
	l->v[l->n++] = w;
	l->v[l->n] = NULL;
}

/* The candidates beginning with text, as a list. */
char **
fpv_complete_list(const struct fpv_session *s, const char *line,
    size_t start, const char *text, size_t n, char *append)
{
	struct clist l = { NULL, 0, 0, text, n, false };

	*append = fpv_complete(s, line, start, clist_add, &l);
	if (l.v == NULL && !l.failed && (l.v = calloc(1, sizeof *l.v)) == NULL)
		l.failed = true;
	if (l.failed) {
		if (l.v != NULL)
			l.v[l.n] = NULL;
		fpv_complete_free(l.v);
		return NULL;
	}
	return l.v;
}

/* Free a list of fpv_complete_list. */
void
fpv_complete_free(char **list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; list[i] != NULL; i++)
		free(list[i]);
	free(list);
}
