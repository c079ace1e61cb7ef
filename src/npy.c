/*
 * Vectors from files (npy.h): NumPy .npy arrays and text files of
 * numbers, read into doubles.
 *
 * A .npy file is read as header, then data: the header is parsed from a
 * first read of at most FPV_NPY_HEADER_MAX + 12 bytes, the data is read
 * with one fread into the end of the array of doubles and widened in
 * place from the front (element i's bytes start at or after byte 8 i + 8
 * until element i has been read, so no element is overwritten before it
 * is read).  A text file is read whole and scanned once; most numbers
 * are short decimals and are converted exactly without MPFR (Clinger's
 * fast path: m / 10^k or m * 10^k with m < 2^53 and k <= 22 is one
 * correctly rounded division or product), the rest by the numeric core's
 * literal reader.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fpviz/npy.h"
#include "fpviz/parse.h"
#include "fpviz/safe.h"

static const char magic[6] = "\x93NUMPY";

/* ---- Errors ----------------------------------------------------------- */

/* Fill err->msg with "NAME: ", then pos, then the reason; returns -1. */
static int
vfail(struct fpv_npy_error *err, const char *name, const char *pos,
    const char *fmt, va_list ap)
{
	char safe[128];
	size_t k;

	fpv_safe_copy(safe, sizeof safe, name, strlen(name));
	k = (size_t)snprintf(err->msg, sizeof err->msg, "%s: %s", safe, pos);
	if (k < sizeof err->msg)
		vsnprintf(err->msg + k, sizeof err->msg - k, fmt, ap);
	return -1;
}

/* An error of the file as a whole: "NAME: reason". */
static int __attribute__((format(printf, 3, 4)))
fail(struct fpv_npy_error *err, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, name, "", fmt, ap);
	va_end(ap);
	return -1;
}

/* A .npy error at byte offset off: "NAME: byte N: reason". */
static int __attribute__((format(printf, 4, 5)))
npy_fail(struct fpv_npy_error *err, const char *name, size_t off,
    const char *fmt, ...)
{
	char pos[40];
	va_list ap;

	err->offset = (long long)off;
	snprintf(pos, sizeof pos, "byte %zu: ", off);
	va_start(ap, fmt);
	vfail(err, name, pos, fmt, ap);
	va_end(ap);
	return -1;
}

/* 'text' for a message: the safe form of s[0..len), at most 40 bytes
 * of it (then "..."), in quotes. */
static const char *
quoted(char *buf, size_t size, const char *s, size_t len)
{
	size_t k, cut = len > 40 ? 40 : len;

	buf[0] = '\'';
	k = 1 + fpv_safe_copy(buf + 1, size - 5, s, cut);
	if (cut < len) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k++] = '\'';
	buf[k] = '\0';
	return buf;
}

/* ---- Elements ------------------------------------------------------- */

/* The double of binary16 bits h (exact). */
static double
half_to_double(unsigned h)
{
	unsigned e = (h >> 10) & 31, m = h & 0x3ff;
	uint64_t sign = (uint64_t)(h >> 15) << 63, b;
	double d;

	if (e == 0) {
		d = (double)m * 0x1p-24;
		return h >> 15 ? -d : d;
	}
	if (e == 31)
		b = sign | (UINT64_C(0x7ff) << 52) | ((uint64_t)m << 42);
	else
		b = sign | ((uint64_t)(e - 15 + 1023) << 52) |
		    ((uint64_t)m << 42);
	memcpy(&d, &b, sizeof d);
	return d;
}

/* Element kinds by descr. */
enum elem { E_F2, E_F4, E_F8, E_I1, E_U1 };

struct descr {
	const char *name;
	enum elem kind;
	int size;
	bool big;		/* big-endian */
};

static const struct descr descrs[] = {
	{ "<f2", E_F2, 2, false }, { "<f4", E_F4, 4, false },
	{ "<f8", E_F8, 8, false }, { ">f2", E_F2, 2, true },
	{ ">f4", E_F4, 4, true }, { ">f8", E_F8, 8, true },
	{ "|i1", E_I1, 1, false }, { "<i1", E_I1, 1, false },
	{ ">i1", E_I1, 1, false }, { "|u1", E_U1, 1, false },
	{ "<u1", E_U1, 1, false }, { ">u1", E_U1, 1, false },
};

/* The unsigned integer of size bytes at p, in the given byte order. */
static inline uint64_t
load_uint(const unsigned char *p, int size, bool big)
{
	uint64_t u = 0;

	if (big)
		for (int i = 0; i < size; i++)
			u = u << 8 | p[i];
	else
		for (int i = size - 1; i >= 0; i--)
			u = u << 8 | p[i];
	return u;
}

/*
 * Widen n raw elements at raw into v; raw may be the last n * size bytes
 * of v itself (each element is read before v[i] is written).
 */
static void
widen(double *v, const unsigned char *raw, size_t n, const struct descr *d)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = raw + i * (size_t)d->size;
		uint64_t u = load_uint(p, d->size, d->big);
		double x;

		switch (d->kind) {
		case E_F2:
			x = half_to_double((unsigned)u);
			break;
		case E_F4: {
			uint32_t w = (uint32_t)u;
			float f;

			memcpy(&f, &w, sizeof f);
			x = (double)f;
			break;
		}
		case E_F8:
			memcpy(&x, &u, sizeof x);
			break;
		case E_I1:
			x = (double)(int8_t)(uint8_t)u;
			break;
		default:
			x = (double)(uint8_t)u;
			break;
		}
		v[i] = x;
	}
}

/* ---- .npy header ------------------------------------------------------ */

/* What the header says, and where its parts are. */
struct header {
	const struct descr *descr;
	size_t n;
	size_t data;		/* offset of the data */
};

/* A cursor over the header's text; base is the file offset of h[0]. */
struct hcur {
	const char *h;
	size_t len, i, base;
	const char *name;
	struct fpv_npy_error *err;
};

static void
hskip(struct hcur *c)
{
	while (c->i < c->len && (c->h[c->i] == ' ' || c->h[c->i] == '\t' ||
	    c->h[c->i] == '\n' || c->h[c->i] == '\r'))
		c->i++;
}

/* The header's character at the cursor, or 0 at its end. */
static char
hpeek(struct hcur *c)
{
	return c->i < c->len ? c->h[c->i] : '\0';
}

/* A header error at the cursor: "NAME: byte N: header: reason". */
static int __attribute__((format(printf, 2, 3)))
hfail(struct hcur *c, const char *fmt, ...)
{
	char pos[48];
	va_list ap;

	c->err->offset = (long long)(c->base + c->i);
	snprintf(pos, sizeof pos, "byte %zu: header: ", c->base + c->i);
	va_start(ap, fmt);
	vfail(c->err, c->name, pos, fmt, ap);
	va_end(ap);
	return -1;
}

/* A quoted string (no escapes): its text in [*s, *s + *n). */
static int
hstring(struct hcur *c, const char **s, size_t *n)
{
	char q = hpeek(c);
	size_t start;

	if (q != '\'' && q != '"')
		return hfail(c, "expected a quoted string");
	start = ++c->i;
	while (c->i < c->len && c->h[c->i] != q) {
		if (c->h[c->i] == '\\')
			return hfail(c, "escapes in strings are not read");
		c->i++;
	}
	if (c->i >= c->len)
		return hfail(c, "a string is not closed");
	*s = c->h + start;
	*n = c->i - start;
	c->i++;
	return 0;
}

/* Does the header continue with the word w (followed by no letter)? */
static bool
hword(struct hcur *c, const char *w)
{
	size_t n = strlen(w);

	if (c->len - c->i < n || memcmp(c->h + c->i, w, n) != 0)
		return false;
	if (c->i + n < c->len && (c->h[c->i + n] == '_' ||
	    (unsigned)((c->h[c->i + n] | 0x20) - 'a') < 26u ||
	    (unsigned)(c->h[c->i + n] - '0') < 10u))
		return false;
	c->i += n;
	return true;
}

/*
 * The shape tuple: its dimensions (at most 8 kept, *ndim counts all),
 * and the text of the tuple for messages.
 */
static int
hshape(struct hcur *c, unsigned long long *dims, int *ndim, char *text,
    size_t tsize)
{
	size_t start = c->i;

	if (hpeek(c) != '(')
		return hfail(c, "shape: expected a tuple such as (3,)");
	c->i++;
	*ndim = 0;
	hskip(c);
	while (hpeek(c) != ')') {
		unsigned long long v = 0;

		if ((unsigned)(hpeek(c) - '0') >= 10u)
			return hfail(c, "shape: expected a dimension (a "
			    "whole number)");
		while ((unsigned)(hpeek(c) - '0') < 10u) {
			unsigned d = (unsigned)(c->h[c->i] - '0');

			/* Beyond any limit: keep it saturated. */
			v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX :
			    v * 10 + d;
			c->i++;
		}
		if (hpeek(c) == 'L')	/* Python 2's long: 3L */
			c->i++;
		if (*ndim < 8)
			dims[*ndim] = v;
		(*ndim)++;
		hskip(c);
		if (hpeek(c) == ',') {
			c->i++;
			hskip(c);
		} else if (hpeek(c) != ')') {
			return hfail(c, "shape: expected ',' or ')'");
		}
	}
	c->i++;
	{
		size_t k = 0, L = c->i - start;

		k = fpv_safe_copy(text, tsize, c->h + start, L > 60 ? 60 : L);
		if (L > 60 && k + 4 <= tsize)
			memcpy(text + k, "...", 4);
	}
	return 0;
}

/*
 * Parse the .npy header of a file of total length total whose first
 * avail bytes are at p (avail >= 6, the magic checked).  Fills *hd.
 */
static int
npy_header(const char *name, const unsigned char *p, size_t avail,
    size_t total, size_t max, struct header *hd, struct fpv_npy_error *err)
{
	unsigned major, minor;
	size_t hlen, hstart;
	struct hcur c;
	bool seen_descr = false, seen_fortran = false, seen_shape = false;
	unsigned long long dims[8];
	int ndim = 0;
	char shape_text[80] = "";
	size_t descr_at = 0, shape_at = 0;

	if (avail < 10)
		return npy_fail(err, name, avail, "the file ends inside the "
		    "header (%zu bytes)", total);
	major = p[6];
	minor = p[7];
	if ((major != 1 && major != 2 && major != 3) || minor != 0)
		return npy_fail(err, name, 6, "format version %u.%u is not "
		    "one fpviz reads (1.0, 2.0, 3.0)", major, minor);
	if (major == 1) {
		hlen = (size_t)p[8] | (size_t)p[9] << 8;
		hstart = 10;
	} else {
		if (avail < 12)
			return npy_fail(err, name, avail, "the file ends "
			    "inside the header (%zu bytes)", total);
		hlen = (size_t)p[8] | (size_t)p[9] << 8 |
		    (size_t)p[10] << 16 | (size_t)p[11] << 24;
		hstart = 12;
	}
	if (hlen > FPV_NPY_HEADER_MAX)
		return npy_fail(err, name, 8, "a header of %zu bytes is "
		    "longer than fpviz reads (%d)", hlen, FPV_NPY_HEADER_MAX);
	if (hstart + hlen > total)
		return npy_fail(err, name, 8, "the header's length %zu runs "
		    "past the end of the file (%zu bytes)", hlen, total);
	c = (struct hcur){ (const char *)p + hstart, hlen, 0, hstart, name,
	    err };
	/* Versions 1 and 2 are Latin-1 and say ASCII; 3 is UTF-8. */
	for (size_t i = 0; i < hlen; i++)
		if (c.h[i] == '\0' || (major < 3 && (c.h[i] & 0x80)))
			return npy_fail(err, name, hstart + i, "header: a %s "
			    "byte in a version %u header", c.h[i] == '\0' ?
			    "NUL" : "non-ASCII", major);
	hskip(&c);
	if (hpeek(&c) != '{')
		return hfail(&c, "expected '{' (a Python dict)");
	c.i++;
	for (;;) {
		const char *k;
		size_t kn, at;

		hskip(&c);
		if (hpeek(&c) == '}')
			break;
		at = c.i;
		if (hstring(&c, &k, &kn) != 0)
			return -1;
		hskip(&c);
		if (hpeek(&c) != ':')
			return hfail(&c, "expected ':' after a key");
		c.i++;
		hskip(&c);
		if (kn == 5 && memcmp(k, "descr", 5) == 0) {
			const char *d;
			size_t dn;
			char q[64];

			descr_at = c.i;
			if (hpeek(&c) == '[')
				return hfail(&c, "descr: a structured dtype "
				    "(a list of fields) is not a vector of "
				    "numbers");
			if (hstring(&c, &d, &dn) != 0)
				return -1;
			hd->descr = NULL;
			for (size_t i = 0; i < sizeof descrs / sizeof descrs[0];
			    i++)
				if (dn == 3 && memcmp(d, descrs[i].name, 3) == 0)
					hd->descr = &descrs[i];
			if (hd->descr == NULL) {
				c.i = descr_at;
				return hfail(&c, "descr: dtype %s is not one "
				    "fpviz reads (<f2 <f4 <f8 >f2 >f4 >f8 |i1 "
				    "|u1)", quoted(q, sizeof q, d, dn));
			}
			seen_descr = true;
		} else if (kn == 13 && memcmp(k, "fortran_order", 13) == 0) {
			if (!hword(&c, "True") && !hword(&c, "False"))
				return hfail(&c, "fortran_order: expected "
				    "True or False");
			seen_fortran = true;
		} else if (kn == 5 && memcmp(k, "shape", 5) == 0) {
			shape_at = c.i;
			if (hshape(&c, dims, &ndim, shape_text,
			    sizeof shape_text) != 0)
				return -1;
			seen_shape = true;
		} else {
			char q[64];

			c.i = at;
			return hfail(&c, "unexpected key %s (a .npy header "
			    "has descr, fortran_order and shape)",
			    quoted(q, sizeof q, k, kn));
		}
		hskip(&c);
		if (hpeek(&c) == ',') {
			c.i++;
			continue;
		}
		hskip(&c);
		if (hpeek(&c) != '}')
			return hfail(&c, "expected ',' or '}'");
	}
	c.i++;
	hskip(&c);
	if (c.i != c.len)
		return hfail(&c, "text after the dict's '}'");
	if (!seen_descr || !seen_fortran || !seen_shape) {
		c.i = 0;
		return hfail(&c, "the key '%s' is missing", !seen_descr ?
		    "descr" : !seen_fortran ? "fortran_order" : "shape");
	}
	/* The shape: a vector. */
	c.i = shape_at;
	if (ndim == 0)
		return hfail(&c, "shape (): a 0-d array (a scalar) is not "
		    "a vector");
	if (ndim > 2 || (ndim == 2 && dims[0] != 1 && dims[1] != 1))
		return hfail(&c, "shape %s is not a vector: fpviz reads "
		    "one-dimensional arrays, (n,), (n, 1) or (1, n)",
		    shape_text);
	{
		/* (n, 1) or (1, n): the product is the other dimension. */
		unsigned long long n = ndim == 1 ? dims[0] : dims[0] * dims[1];
		if (n == 0)
			return hfail(&c, "shape %s: the array is empty",
			    shape_text);
		if (n > max)
			return hfail(&c, "shape %s: more than the %zu "
			    "elements load() reads", shape_text, max);
		hd->n = (size_t)n;
	}
	hd->data = hstart + hlen;
	{
		size_t need = hd->n * (size_t)hd->descr->size;
		size_t have = total - hd->data;

		if (have < need)
			return npy_fail(err, name, total, "the data is cut "
			    "short: shape %s of %s needs %zu bytes from byte "
			    "%zu, the file ends %zu bytes early", shape_text,
			    hd->descr->name, need, hd->data, need - have);
		if (have > need)
			return npy_fail(err, name, hd->data + need, "%zu "
			    "byte%s after the data (shape %s of %s)",
			    have - need, have - need == 1 ? "" : "s",
			    shape_text, hd->descr->name);
	}
	return 0;
}

/* Allocate a's array and name its dtype. */
static int
npy_alloc(const char *name, const struct header *hd, struct fpv_npy *a,
    struct fpv_npy_error *err)
{
	memset(a, 0, sizeof *a);
	if ((a->v = malloc(hd->n * sizeof *a->v)) == NULL)
		return fail(err, name, "out of memory for %zu elements",
		    hd->n);
	a->n = hd->n;
	memcpy(a->dtype, hd->descr->name, 4);
	return 0;
}

/* ---- Text files --------------------------------------------------- */

static inline bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Ends a number: a blank, a comma, a newline, a comment. */
static inline bool
ends_token(char ch)
{
	return is_blank(ch) || ch == ',' || ch == '\n' || ch == '#';
}

/* Is s[0..n) a literal of the expression language (no sign): decimal
 * digits [. digits] [e [+-] digits], hex 0x hex [. hex] [p [+-] digits]? */
static bool
literal_ok(const char *s, size_t n)
{
	bool hex = n > 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
	size_t i = hex ? 2 : 0, digits = 0;
	char exp = hex ? 'p' : 'e';

#define MANT(ch) (hex ? ((unsigned)((ch) - '0') < 10u || \
	(unsigned)(((ch) | 0x20) - 'a') < 6u) : (unsigned)((ch) - '0') < 10u)
	while (i < n && MANT(s[i]))
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && MANT(s[i]))
			i++, digits++;
	}
#undef MANT
	if (digits == 0)
		return false;
	if (i < n && (s[i] | 0x20) == exp) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || (unsigned)(s[i] - '0') >= 10u)
			return false;
		while (i < n && (unsigned)(s[i] - '0') < 10u)
			i++;
	}
	return i == n;
}

/* Powers of ten exact in binary64. */
static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * The short decimal s[0..n) (a valid decimal literal) as the nearest
 * double, when Clinger's fast path applies: at most 19 digits, m < 2^53
 * and the power of ten within 10^+-22.  *exact tells whether the double
 * is the value.  False when the path does not apply.
 */
static bool
decimal_fast(const char *s, size_t n, double *out, bool *exact)
{
	uint64_t m = 0;
	int digits = 0, e = 0, k;
	size_t i = 0;
	bool dot = false;

	for (; i < n; i++) {
		char ch = s[i];

		if (ch == '.') {
			dot = true;
			continue;
		}
		if ((unsigned)(ch - '0') >= 10u)
			break;
		if (m == 0 && ch == '0') {
			if (dot)
				e--;
			continue;
		}
		if (++digits > 19)
			return false;
		m = m * 10 + (uint64_t)(ch - '0');
		if (dot)
			e--;
	}
	if (i < n) {			/* an exponent */
		int sign = 1, x = 0;

		i++;
		if (s[i] == '+' || s[i] == '-')
			sign = s[i++] == '-' ? -1 : 1;
		for (; i < n; i++) {
			if (x > 1000)
				return false;
			x = 10 * x + (s[i] - '0');
		}
		e += sign * x;
	}
	if (m == 0) {
		*out = 0.0;
		*exact = true;
		return true;
	}
	if (m >= UINT64_C(1) << 53 || e > 22 || e < -22)
		return false;
	if (e >= 0) {
		unsigned __int128 p = m;	/* below 2^53 * 10^22 < 2^127 */
		double d = (double)m * pow10_exact[e];

		for (int j = 0; j < e; j++)
			p *= 10;

		*out = d;
		*exact = (unsigned __int128)d == p;
		return true;
	}
	k = -e;
	*out = (double)m / pow10_exact[k];
	/* Exact iff 5^k divides m (then m / 10^k = (m / 5^k) / 2^k). */
	{
		uint64_t p5 = 1;

		for (int j = 0; j < k; j++) {
			if (p5 > m / 5) {
				*exact = false;
				return true;
			}
			p5 *= 5;
		}
		*exact = m % p5 == 0;
	}
	return true;
}

/*
 * The value of the number token s[0..n) (its sign removed: neg) as the
 * nearest double, and whether it is exact; -1 if s is not a number.
 */
static int
token_value(const char *s, size_t n, bool neg, double *out, bool *exact)
{
	double d;

	if ((n == 3 && strncasecmp(s, "inf", 3) == 0) ||
	    (n == 8 && strncasecmp(s, "infinity", 8) == 0)) {
		d = INFINITY;
		*exact = true;
	} else if (n == 3 && strncasecmp(s, "nan", 3) == 0) {
		*out = NAN;
		*exact = true;
		return 0;
	} else if (!literal_ok(s, n)) {
		return -1;
	} else if (!(n > 1 && (s[1] | 0x20) == 'x') &&
	    decimal_fast(s, n, &d, exact)) {
		/* d as computed */
	} else {
		mpfr_t x;
		int t;

		mpfr_init2(x, FPV_EXACT_PREC);
		t = fpv_real_from_text(x, s, n);
		if (t == -2) {
			mpfr_clear(x);
			return -1;
		}
		d = mpfr_get_d(x, MPFR_RNDN);
		*exact = t == 0 && mpfr_cmp_d(x, d) == 0;
		mpfr_clear(x);
	}
	*out = neg ? -d : d;
	return 0;
}

/* Growing arrays of a text parse. */
struct tparse {
	double *v;
	struct fpv_npy_span *span;
	size_t n, cap;
};

/* Room for one more element; -1 if out of memory. */
static int
tgrow(struct tparse *t)
{
	if (t->n < t->cap)
		return 0;
	{
		size_t cap = t->cap ? 2 * t->cap : 1024;
		double *v = realloc(t->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		t->v = v;
		if (t->span != NULL) {
			struct fpv_npy_span *s = realloc(t->span,
			    cap * sizeof *s);

			if (s == NULL)
				return -1;
			t->span = s;
		}
		t->cap = cap;
	}
	return 0;
}

/* A text error at byte off of the line lineno starting at line: fill
 * err with "NAME:LINE:COL: reason"; returns -1. */
static int __attribute__((format(printf, 6, 7)))
tfail(struct fpv_npy_error *err, const char *name, const char *line,
    int lineno, size_t off, const char *fmt, ...)
{
	char safe[128];
	size_t k;
	va_list ap;

	err->line = lineno;
	err->col = fpv_parse_column(line, off);
	fpv_safe_copy(safe, sizeof safe, name, strlen(name));
	k = (size_t)snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ", safe,
	    err->line, err->col);
	if (k < sizeof err->msg) {
		va_start(ap, fmt);
		vsnprintf(err->msg + k, sizeof err->msg - k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Parse text[0..len) into a.  owned is text itself when text is
 * malloc'd for the parse (then kept in a or freed), else NULL (text is
 * then copied if it is kept).
 */
static int
parse_text(const char *name, const char *text, size_t len, char *owned,
    size_t max, struct fpv_npy *a, struct fpv_npy_error *err)
{
	struct tparse t = { 0 };
	size_t i = 0, ls = 0;		/* ls: start of the current line */
	int lineno = 1, rc = -1;
	bool after_number = false;	/* on this line, a comma may follow */
	char q[64];

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = ls = 3;
	while (i < len) {
		char ch = text[i];
		size_t start, lit;
		bool neg = false, exact;
		double d;

		if (is_blank(ch)) {
			i++;
			continue;
		}
		if (ch == '\n') {
			i++;
			ls = i;
			lineno++;
			after_number = false;
			continue;
		}
		if (ch == '\0') {
			tfail(err, name, text + ls, lineno, i - ls,
			    "unexpected NUL byte (U+0000)");
			goto out;
		}
		if (ch == '#') {
			while (i < len && text[i] != '\n' && text[i] != '\0')
				i++;
			continue;
		}
		if (ch == ',') {
			if (!after_number) {
				tfail(err, name, text + ls, lineno, i - ls,
				    "a comma must follow a number");
				goto out;
			}
			after_number = false;
			i++;
			continue;
		}
		start = i;
		while (i < len && !ends_token(text[i]) && text[i] != '\0')
			i++;
		lit = start;
		if (text[lit] == '-' || text[lit] == '+')
			neg = text[lit++] == '-';
		if (token_value(text + lit, i - lit, neg, &d, &exact) != 0) {
			tfail(err, name, text + ls, lineno, start - ls,
			    "expected a number, found %s",
			    quoted(q, sizeof q, text + start, i - start));
			goto out;
		}
		if (t.n >= max) {
			tfail(err, name, text + ls, lineno, start - ls,
			    "more than the %zu numbers load() reads", max);
			goto out;
		}
		if (tgrow(&t) != 0 || (!exact && t.span == NULL &&
		    (t.span = calloc(t.cap, sizeof *t.span)) == NULL)) {
			fail(err, name, "out of memory after %zu numbers",
			    t.n);
			goto out;
		}
		t.v[t.n] = d;
		if (t.span != NULL)
			t.span[t.n] = exact ? (struct fpv_npy_span){ 0, 0 } :
			    (struct fpv_npy_span){ (uint32_t)lit,
			    (uint32_t)(i - lit) };
		t.n++;
		after_number = true;
	}
	if (t.n == 0) {
		fail(err, name, "no numbers in the file");
		goto out;
	}
	memset(a, 0, sizeof *a);
	if (t.span != NULL) {
		if (owned != NULL) {
			a->text = owned;
			owned = NULL;
		} else if ((a->text = malloc(len + 1)) == NULL) {
			fail(err, name, "out of memory");
			goto out;
		} else {
			memcpy(a->text, text, len);
			a->text[len] = '\0';
		}
	}
	a->n = t.n;
	a->v = t.v;
	a->span = t.span;
	memcpy(a->dtype, "text", 5);
	t.v = NULL;
	t.span = NULL;
	rc = 0;
out:
	free(t.v);
	free(t.span);
	free(owned);
	return rc;
}

/* ---- Entry points ----------------------------------------------------- */

/* Does name end in ".npy"? */
static bool
npy_named(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && strcasecmp(name + n - 4, ".npy") == 0;
}

/* The effective element limit. */
static size_t
limit(size_t max)
{
	return max == 0 || max > FPV_NPY_MAX ? FPV_NPY_MAX : max;
}

/* Start err clean. */
static void
err_init(struct fpv_npy_error *err)
{
	err->line = err->col = 0;
	err->offset = -1;
	err->msg[0] = '\0';
}

int
fpv_npy_parse(const char *name, const void *buf, size_t len, size_t max,
    struct fpv_npy *a, struct fpv_npy_error *err)
{
	const unsigned char *p = buf;
	struct header hd;

	err_init(err);
	max = limit(max);
	if (len < sizeof magic || memcmp(p, magic, sizeof magic) != 0) {
		if (npy_named(name))
			return npy_fail(err, name, 0, "not a .npy file: it "
			    "does not begin with \\x93NUMPY");
		if (len > FPV_NPY_TEXT_MAX)
			return fail(err, name, "%zu bytes: text files are "
			    "read up to %zu bytes", len,
			    (size_t)FPV_NPY_TEXT_MAX);
		return parse_text(name, buf, len, NULL, max, a, err);
	}
	if (npy_header(name, p, len, len, max, &hd, err) != 0)
		return -1;
	if (npy_alloc(name, &hd, a, err) != 0)
		return -1;
	widen(a->v, p + hd.data, hd.n, hd.descr);
	return 0;
}

/* Read up to n bytes at buf from fp; the count read (short at EOF). */
static size_t
read_some(FILE *fp, void *buf, size_t n)
{
	return fread(buf, 1, n, fp);
}

int
fpv_npy_load(const char *path, size_t max, struct fpv_npy *a,
    struct fpv_npy_error *err)
{
	FILE *fp;
	struct stat st;
	unsigned char head[FPV_NPY_HEADER_MAX + 12];
	size_t got, total;
	int rc = -1;

	err_init(err);
	max = limit(max);
	if ((fp = fopen(path, "rb")) == NULL)
		return fail(err, path, "%s", strerror(errno));
	if (fstat(fileno(fp), &st) != 0) {
		fail(err, path, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		fail(err, path, "%s", strerror(EISDIR));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		/* A pipe or device: read it whole, then parse. */
		size_t cap = 65536, n = 0;
		char *buf = malloc(cap);

		while (buf != NULL) {
			size_t r;

			if (n == cap) {
				char *nb = cap > FPV_NPY_TEXT_MAX ? NULL :
				    realloc(buf, 2 * cap);

				if (nb == NULL) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = nb;
				cap *= 2;
			}
			r = read_some(fp, buf + n, cap - n);
			n += r;
			if (r == 0)
				break;
		}
		if (buf == NULL) {
			fail(err, path, "too large or out of memory");
			goto out;
		}
		if (ferror(fp)) {
			free(buf);
			fail(err, path, "%s", strerror(errno ? errno : EIO));
			goto out;
		}
		rc = fpv_npy_parse(path, buf, n, max, a, err);
		free(buf);
		goto out;
	}
	total = (size_t)st.st_size;
	got = read_some(fp, head, total < sizeof head ? total : sizeof head);
	if (ferror(fp)) {
		fail(err, path, "%s", strerror(errno ? errno : EIO));
		goto out;
	}
	if (got < sizeof magic || memcmp(head, magic, sizeof magic) != 0) {
		char *buf;

		if (npy_named(path)) {
			npy_fail(err, path, 0, "not a .npy file: it does not "
			    "begin with \\x93NUMPY");
			goto out;
		}
		if (total > FPV_NPY_TEXT_MAX) {
			fail(err, path, "%zu bytes: text files are read up to "
			    "%zu bytes", total, (size_t)FPV_NPY_TEXT_MAX);
			goto out;
		}
		if ((buf = malloc(total + 1)) == NULL) {
			fail(err, path, "out of memory for %zu bytes", total);
			goto out;
		}
		memcpy(buf, head, got);
		if (total > got)
			got += read_some(fp, buf + got, total - got);
		if (ferror(fp) || got != total) {
			free(buf);
			fail(err, path, "%s", ferror(fp) ? strerror(errno ?
			    errno : EIO) : "the file changed while it was "
			    "read");
			goto out;
		}
		buf[total] = '\0';
		rc = parse_text(path, buf, total, buf, max, a, err);
		goto out;
	}
	{
		struct header hd;
		size_t size, have;
		unsigned char *raw;

		if (npy_header(path, head, got, total, max, &hd, err) != 0)
			goto out;
		if (npy_alloc(path, &hd, a, err) != 0)
			goto out;
		size = (size_t)hd.descr->size;
		raw = (unsigned char *)a->v + hd.n * (sizeof(double) - size);
		/* The data's first bytes may be in head already (the file is
		 * exactly header and data: got - hd.data <= n * size), and
		 * the file is positioned after them. */
		have = got > hd.data ? got - hd.data : 0;
		memcpy(raw, head + hd.data, have);
		if (read_some(fp, raw + have, hd.n * size - have) !=
		    hd.n * size - have) {
			fail(err, path, "%s", ferror(fp) ? strerror(errno ?
			    errno : EIO) : "the file changed while it was "
			    "read");
			fpv_npy_free(a);
			goto out;
		}
		widen(a->v, raw, hd.n, hd.descr);
		rc = 0;
	}
out:
	fclose(fp);
	return rc;
}

void
fpv_npy_free(struct fpv_npy *a)
{
	free(a->v);
	free(a->span);
	free(a->text);
	memset(a, 0, sizeof *a);
}

int
fpv_npy_real(const struct fpv_npy *a, size_t i, mpfr_ptr x,
    struct fpv_real *r)
{
	if (fpv_npy_exact(a, i)) {
		mpfr_set_d(x, a->v[i], MPFR_RNDN);
		*r = (struct fpv_real){ .approx = x };
		return 0;
	}
	fpv_real_parse(r, x, a->text + a->span[i].off, a->span[i].len);
	if (signbit(a->v[i])) {
		mpfr_neg(x, x, MPFR_RNDN);
		r->negative = true;
	}
	return r->inexact;
}
