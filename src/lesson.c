/*
 * Lesson files: reading, parsing and finding the built-in ones.
 *
 * Built-in lessons are files "NN-NAME.lesson" in a lessons folder; the
 * two-digit prefix orders the course and is not part of the name.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fpviz/lesson.h"
#include "fpviz/safe.h"

#ifndef FPV_PKGDATADIR
#define FPV_PKGDATADIR "/usr/local/share/fpviz"
#endif
/* Largest lesson file read (16 MiB): a lesson is text someone wrote. */
#define LESSON_MAX_BYTES ((size_t)16 << 20)

#ifndef FPV_SRCDIR
#define FPV_SRCDIR "."
#endif

/* Folders searched for built-in lessons, in order: the source tree the
 * program was built from (so a build runs its own lessons), then the
 * installed ones. */
static const char *const lesson_dirs[] = {
	FPV_SRCDIR "/lessons",
	FPV_PKGDATADIR "/lessons",
};

/* Release a lesson. */
void
fpv_lesson_free(struct fpv_lesson *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].caption);
		free(l->items[i].text);
		free(l->items[i].marks);
	}
	free(l->items);
	free(l->name);
	free(l->title);
	memset(l, 0, sizeof *l);
}

/* Append s[0..n) as a new line of the caption *cap. */
static int
caption_add(char **cap, const char *s, size_t n)
{
	size_t old = *cap ? strlen(*cap) : 0;
	char *c = realloc(*cap, old + n + 2);

	if (c == NULL)
		return -1;
	if (old)
		c[old++] = '\n';
	memcpy(c + old, s, n);
	c[old + n] = '\0';
	*cap = c;
	return 0;
}

/* Fill err for line lineno of lesson name. */
static int
lesson_error(struct fpv_error *err, int lineno, int col, const char *name,
    const char *what)
{
	err->line = lineno;
	err->col = col;
	snprintf(err->msg, sizeof err->msg, "%s: %s", name, what);
	return -1;
}

/* ---- Directives: select and highlight --------------------------------- */

/* What the parser keeps between lines. */
struct parser {
	char *caption;			/* for the next item */
	struct fpv_lesson_mark *marks;	/* for the next item */
	size_t nmarks, capmarks;
	bool has_select;		/* marks holds a select */
	int first_mark_line;
	char (*defined)[FPV_NAME_MAX];	/* formats the lesson defines */
	size_t ndefined, capdefined;
	struct fpv_ctx ctx;		/* the built-in formats */
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Is the line s[0..n) the directive word (then a blank, and not "=")? */
static bool
is_directive(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), i = w;

	if (n <= w || memcmp(s, word, w) != 0 || !is_blank(s[w]))
		return false;
	while (i < n && is_blank(s[i]))
		i++;
	return i < n && s[i] != '=';
}

/* Is name[0..len) a built-in format or one the lesson defined before? */
static bool
format_known(const struct parser *p, const char *name, size_t len)
{
	if (fpv_ctx_find(&p->ctx, name, len) >= 0)
		return true;
	for (size_t i = 0; i < p->ndefined; i++)
		if (strlen(p->defined[i]) == len &&
		    memcmp(p->defined[i], name, len) == 0)
			return true;
	return false;
}

/* Note the format a ":format NAME ..." command line s[0..n) defines. */
static int
note_definition(struct parser *p, const char *s, size_t n)
{
	size_t i = 1, a;

	while (i < n && is_blank(s[i]))
		i++;
	if (n - i < 7 || memcmp(s + i, "format", 6) != 0 || !is_blank(s[i + 6]))
		return 0;
	for (i += 6; i < n && is_blank(s[i]); i++)
		;
	for (a = i; i < n && !is_blank(s[i]) && s[i] != '='; i++)
		;
	if (!fpv_format_name_ok(s + a, i - a) || format_known(p, s + a, i - a))
		return 0;
	if (p->ndefined == p->capdefined) {
		size_t nc = p->capdefined ? 2 * p->capdefined : 8;
		char (*d)[FPV_NAME_MAX] = realloc(p->defined, nc * sizeof *d);

		if (d == NULL)
			return -1;
		p->defined = d;
		p->capdefined = nc;
	}
	memcpy(p->defined[p->ndefined], s + a, i - a);
	p->defined[p->ndefined++][i - a] = '\0';
	return 0;
}

/*
 * Parse the directive s[0..n) (select, or highlight when !select) of
 * line lineno, which starts at ls, into the marks of the next item.
 * Returns 0, 1 if out of memory, or -1 with err filled.
 */
static int
parse_directive(struct parser *p, const char *ls, const char *s, size_t n,
    bool select, int lineno, const char *name, struct fpv_error *err)
{
	size_t i = select ? 6 : 9;
	int count = 0;
	char what[160];

	if (select && p->has_select)
		return lesson_error(err, lineno, fpv_parse_column(ls,
		    (size_t)(s - ls)), name, "a second select for the same "
		    "item");
	for (;;) {
		size_t a;
		int col;

		while (i < n && (is_blank(s[i]) || s[i] == ','))
			i++;
		if (i == n)
			break;
		for (a = i; i < n && !is_blank(s[i]) && s[i] != ','; i++)
			;
		col = fpv_parse_column(ls, (size_t)(s + a - ls));
		if (select && count == 1)
			return lesson_error(err, lineno, col, name,
			    "select takes one format");
		if (count == FPV_COLUMNS_MAX) {
			snprintf(what, sizeof what, "highlight takes at most "
			    "%d formats", FPV_COLUMNS_MAX);
			return lesson_error(err, lineno, col, name, what);
		}
		if (!format_known(p, s + a, i - a)) {
			snprintf(what, sizeof what, "unknown format '%.*s' (a "
			    "built-in format, or one the lesson defines before "
			    "with :format)", (int)(i - a > 40 ? 40 : i - a),
			    s + a);
			return lesson_error(err, lineno, col, name, what);
		}
		if (p->nmarks == p->capmarks) {
			size_t nc = p->capmarks ? 2 * p->capmarks : 4;
			struct fpv_lesson_mark *m = realloc(p->marks,
			    nc * sizeof *m);

			if (m == NULL)
				return 1;
			p->marks = m;
			p->capmarks = nc;
		}
		struct fpv_lesson_mark *m = &p->marks[p->nmarks++];
		memset(m, 0, sizeof *m);
		m->select = select;
		memcpy(m->name, s + a, i - a);
		m->line = lineno;
		m->col = col;
		count++;
	}
	if (p->nmarks == (size_t)count)
		p->first_mark_line = lineno;
	p->has_select |= select;
	return 0;
}

/* Release what the parser holds. */
static void
parser_free(struct parser *p)
{
	free(p->caption);
	free(p->marks);
	free(p->defined);
	fpv_ctx_clear(&p->ctx);
}

/* Parse lesson text. */
int
fpv_lesson_parse(const char *text, size_t len, const char *name,
    struct fpv_lesson *l, struct fpv_error *err)
{
	struct parser p;
	size_t cap = 0, pos = 0;
	int lineno = 0, rc;

	memset(l, 0, sizeof *l);
	memset(&p, 0, sizeof p);
	fpv_ctx_init(&p.ctx);
	if ((l->name = strdup(name)) == NULL)
		goto nomem;
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		const char *ls = s;
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		const char *nul = memchr(s, '\0', n);

		pos += n + (nl != NULL);
		lineno++;
		/* A NUL would cut the line short: say where it is instead. */
		if (nul != NULL) {
			rc = lesson_error(err, lineno,
			    fpv_parse_column(s, (size_t)(nul - s)), name,
			    "unexpected NUL byte (U+0000)");
			goto fail;
		}
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
		    s[n - 1] == '\t'))
			n--;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n == 0 || *s == '#')
			continue;
		if (n >= 6 && memcmp(s, "title", 5) == 0 &&
		    (s[5] == ' ' || s[5] == '\t')) {
			if (l->title != NULL) {
				rc = lesson_error(err, lineno, 1, name,
				    "a second title");
				goto fail;
			}
			if ((l->title = strndup(s + 6, n - 6)) == NULL)
				goto nomem;
			continue;
		}
		if (*s == '>') {
			size_t skip = n > 1 && s[1] == ' ' ? 2 : 1;

			if (caption_add(&p.caption, s + skip, n - skip) < 0)
				goto nomem;
			continue;
		}
		if (is_directive(s, n, "select") ||
		    is_directive(s, n, "highlight")) {
			rc = parse_directive(&p, ls, s, n, *s == 's', lineno,
			    name, err);
			if (rc > 0)
				goto nomem;
			if (rc < 0)
				goto fail;
			continue;
		}
		if (l->n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct fpv_lesson_item *it = realloc(l->items,
			    nc * sizeof *it);

			if (it == NULL)
				goto nomem;
			l->items = it;
			cap = nc;
		}
		struct fpv_lesson_item *it = &l->items[l->n];
		memset(it, 0, sizeof *it);
		it->kind = *s == ':' ? FPV_LESSON_COMMAND : FPV_LESSON_EXPR;
		it->line = lineno;
		if ((it->text = strndup(s, n)) == NULL)
			goto nomem;
		it->caption = p.caption;
		p.caption = NULL;
		it->marks = p.marks;
		it->nmarks = p.nmarks;
		p.marks = NULL;
		p.nmarks = p.capmarks = 0;
		p.has_select = false;
		l->n++;
		if (it->kind == FPV_LESSON_COMMAND &&
		    note_definition(&p, s, n) < 0)
			goto nomem;
	}
	if (p.caption != NULL) {
		rc = lesson_error(err, lineno, 1, name,
		    "a caption at the end with nothing to show");
		goto fail;
	}
	if (p.nmarks > 0) {
		rc = lesson_error(err, p.first_mark_line, 1, name,
		    "a select or highlight at the end with nothing to show");
		goto fail;
	}
	if (l->n == 0) {
		rc = lesson_error(err, lineno, 1, name,
		    "the lesson shows nothing");
		goto fail;
	}
	if (l->title == NULL && (l->title = strdup(name)) == NULL)
		goto nomem;
	parser_free(&p);
	return 0;
nomem:
	rc = lesson_error(err, lineno, 1, name, "out of memory");
fail:
	parser_free(&p);
	fpv_lesson_free(l);
	return rc;
}

/* ---- What a slide points at ------------------------------------------- */

/* The marks of items a..b, the select in force. */
void
fpv_lesson_points(const struct fpv_lesson *l, size_t a, size_t b,
    struct fpv_lesson_points *p)
{
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i <= b && i < l->n; i++)
		for (size_t k = 0; k < l->items[i].nmarks; k++) {
			const struct fpv_lesson_mark *m = &l->items[i].marks[k];
			bool dup = false;

			if (m->select) {
				p->select = m;
				continue;
			}
			if (i < a)
				continue;
			for (int h = 0; h < p->nhl; h++)
				dup |= strcmp(p->hl[h]->name, m->name) == 0;
			if (!dup && p->nhl < FPV_COLUMNS_MAX)
				p->hl[p->nhl++] = m;
		}
}

/* The column of c showing the format called name, or -1. */
static int
column_named(const struct fpv_ctx *c, const char *name)
{
	int i = fpv_ctx_find(c, name, strlen(name));

	return i < 0 ? -1 : fpv_ctx_column_of(c, i);
}

/* The columns p points at. */
const struct fpv_lesson_mark *
fpv_lesson_rows(const struct fpv_lesson_points *p, const struct fpv_ctx *c,
    int *sel, uint32_t *hl)
{
	const struct fpv_lesson_mark *missing = NULL;

	*sel = -1;
	*hl = 0;
	if (p->select != NULL &&
	    (*sel = column_named(c, p->select->name)) < 0)
		missing = p->select;
	for (int h = 0; h < p->nhl; h++) {
		int k = column_named(c, p->hl[h]->name);

		if (k >= 0)
			*hl |= (uint32_t)1 << k;
		else if (missing == NULL)
			missing = p->hl[h];
	}
	return missing;
}

/*
 * Read a whole file of at most LESSON_MAX_BYTES; malloc'd, NULL with
 * errno set on failure (EISDIR for a folder, EFBIG for a larger file).
 */
static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	int e = 0;

	if (fp == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		errno = EISDIR;
		return NULL;
	}
	errno = 0;
	do {
		if (cap - n < 4096) {
			char *nb;

			if (cap > LESSON_MAX_BYTES) {
				e = EFBIG;
				break;
			}
			if ((nb = realloc(buf, cap = cap ? 2 * cap : 8192)) ==
			    NULL) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	if (e == 0 && ferror(fp))
		e = errno != 0 ? errno : EIO;
	if (e == 0 && n > LESSON_MAX_BYTES)
		e = EFBIG;
	fclose(fp);
	if (e != 0) {
		free(buf);
		errno = e;
		return NULL;
	}
	*len = n;
	return buf;
}

/* Does file name d ("NN-NAME.lesson") carry the lesson name? */
static bool
entry_matches(const char *d, const char *name)
{
	size_t dl = strlen(d), nl = strlen(name);
	const char *stem = d;

	if (dl < 7 || strcmp(d + dl - 7, ".lesson") != 0)
		return false;
	if (dl > 3 && d[0] >= '0' && d[0] <= '9' && d[1] >= '0' &&
	    d[1] <= '9' && d[2] == '-')
		stem = d + 3;
	return (size_t)(d + dl - 7 - stem) == nl && memcmp(stem, name, nl) == 0;
}

/* Find the built-in lesson file for name; malloc'd path or NULL. */
static char *
find_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof lesson_dirs / sizeof *lesson_dirs; i++) {
		DIR *dir = opendir(lesson_dirs[i]);
		struct dirent *de;
		char *path = NULL;

		if (dir == NULL)
			continue;
		while ((de = readdir(dir)) != NULL)
			if (entry_matches(de->d_name, name)) {
				size_t n = strlen(lesson_dirs[i]) +
				    strlen(de->d_name) + 2;

				if ((path = malloc(n)) != NULL)
					snprintf(path, n, "%s/%s",
					    lesson_dirs[i], de->d_name);
				break;
			}
		closedir(dir);
		if (path != NULL)
			return path;
	}
	return NULL;
}

/* Load a lesson by name or path. */
int
fpv_lesson_load(const char *name, struct fpv_lesson *l, struct fpv_error *err)
{
	size_t nl = strlen(name), len;
	bool is_path = strchr(name, '/') != NULL ||
	    (nl > 7 && strcmp(name + nl - 7, ".lesson") == 0);
	char *path = is_path ? strdup(name) : find_builtin(name);
	char *text;
	int rc;

	if (path == NULL) {
		err->line = 0;
		err->col = 0;
		snprintf(err->msg, sizeof err->msg,
		    "no lesson named '%.100s' (try --lesson list)", name);
		return -1;
	}
	if ((text = read_file(path, &len)) == NULL) {
		err->line = 0;
		err->col = 0;
		snprintf(err->msg, sizeof err->msg, "%.150s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	rc = fpv_lesson_parse(text, len, is_path ? path : name, l, err);
	free(text);
	free(path);
	return rc;
}

/* Compare two strings for qsort. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The built-in lessons, one "NAME  TITLE" line each. */
char *
fpv_lesson_list(void)
{
	for (size_t i = 0; i < sizeof lesson_dirs / sizeof *lesson_dirs; i++) {
		DIR *dir = opendir(lesson_dirs[i]);
		struct dirent *de;
		char **names = NULL, *out = NULL;
		size_t n = 0, cap = 0, outlen = 0;

		if (dir == NULL)
			continue;
		while ((de = readdir(dir)) != NULL) {
			size_t dl = strlen(de->d_name);

			if (dl < 8 || strcmp(de->d_name + dl - 7, ".lesson"))
				continue;
			if (n == cap) {
				char **nn = realloc(names,
				    (cap = cap ? 2 * cap : 16) * sizeof *nn);
				if (nn == NULL)
					break;
				names = nn;
			}
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		closedir(dir);
		qsort(names, n, sizeof *names, cmp_str);
		for (size_t j = 0; j < n; j++) {
			char *d = names[j], *stem = d;
			struct fpv_lesson l;
			struct fpv_error err;
			char line[512];
			size_t dl = strlen(d);

			if (d[0] >= '0' && d[0] <= '9' && d[1] >= '0' &&
			    d[1] <= '9' && d[2] == '-')
				stem = d + 3;
			d[dl - 7] = '\0';
			char sstem[64], stext[256];

			/* Names and titles are shown as text: the safe form. */
			fpv_safe_copy(sstem, sizeof sstem, stem, strlen(stem));
			if (fpv_lesson_load(stem, &l, &err) < 0) {
				fpv_safe_copy(stext, sizeof stext, err.msg,
				    strlen(err.msg));
				snprintf(line, sizeof line, "%-16s (%s)\n",
				    sstem, stext);
			} else {
				fpv_safe_copy(stext, sizeof stext, l.title,
				    strlen(l.title));
				snprintf(line, sizeof line, "%-16s %s\n", sstem,
				    stext);
				fpv_lesson_free(&l);
			}
			size_t ll = strlen(line);
			char *no = realloc(out, outlen + ll + 1);
			if (no != NULL) {
				out = no;
				memcpy(out + outlen, line, ll + 1);
				outlen += ll;
			}
			free(d);
		}
		free(names);
		if (out != NULL)
			return out;
	}
	return NULL;
}
