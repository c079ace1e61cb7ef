/*
 * load()'s reader (npy.c) against files built byte by byte here.
 *
 * The .npy files follow NumPy's format.py: the magic "\x93NUMPY", the
 * version, the header length (2 bytes little-endian in version 1.0, 4 in
 * 2.0 and 3.0), a Python dict literal padded with spaces and a newline
 * so that the data starts at a multiple of 64, then the data.  Three
 * whole files are written out below as C strings, their headers counted
 * by hand (the dict of 57 characters, 60 or 58 spaces and a newline:
 * 10 + 118 = 128 and 12 + 116 = 128 bytes); the others come from a
 * helper that writes the same layout.  Element values are hand-derived
 * bit patterns (binary32 0x3dcccccd is 13421773 * 2^-27, binary16 0x0001
 * is 2^-24, ...).  Text files are checked against the C compiler's own
 * conversion of the same decimal literals (correctly rounded) and
 * against exact rationals built from the digits with GMP.  Every error
 * path is taken, its message checked whole (reason and position).
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpviz/npy.h"
#include "formats.h"
#include "tap.h"

static char dir[] = "/tmp/fpviz-npy.XXXXXX";

/* A path in the test's directory. */
static const char *
path_of(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* Write len bytes to the file name in the test's directory; its path. */
static const char *
write_file(const char *name, const void *buf, size_t len)
{
	const char *p = path_of(name);
	FILE *fp = fopen(p, "wb");

	if (fp == NULL || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) {
		diag("cannot write %s: %s", p, strerror(errno));
		abort();
	}
	return p;
}

/* Are the doubles a[0..n) and b[0..n) the same bits (NaN: any NaN)? */
static int
same(const double *a, const double *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (isnan(a[i]) && isnan(b[i]))
			continue;
		if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) {
			diag("element %zu: %a, want %a", i, a[i], b[i]);
			return 0;
		}
	}
	return 1;
}

/*
 * Load the bytes buf[0..len) both ways, from memory and from a file
 * called name, and check the values (and that the two agree).
 */
static void
check_load(const char *what, const char *name, const void *buf, size_t len,
    const double *want, size_t n, const char *dtype)
{
	struct fpv_npy a = { 0 }, b = { 0 };
	struct fpv_npy_error err;
	int rc1, rc2;

	rc1 = fpv_npy_parse(name, buf, len, 0, &a, &err);
	if (rc1 != 0)
		diag("parse: %s", err.msg);
	rc2 = fpv_npy_load(write_file(name, buf, len), 0, &b, &err);
	if (rc2 != 0)
		diag("load: %s", err.msg);
	ok(rc1 == 0 && rc2 == 0 && a.n == n && b.n == n &&
	    same(a.v, want, n) && same(b.v, want, n) &&
	    strcmp(a.dtype, dtype) == 0 && strcmp(b.dtype, dtype) == 0 &&
	    a.span == NULL && b.span == NULL, "%s", what);
	fpv_npy_free(&a);
	fpv_npy_free(&b);
}

/* Expect the bytes to fail with exactly the message msg ("NAME" in it is
 * the name given), from memory and from a file. */
static void
check_error(const char *what, const char *name, const void *buf, size_t len,
    size_t max, const char *msg)
{
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	char want[512], got_file[512];
	const char *p;
	int rc1, rc2;

	snprintf(want, sizeof want, "%s%s", name, msg);
	rc1 = fpv_npy_parse(name, buf, len, max, &a, &err);
	if (rc1 == 0 || strcmp(err.msg, want) != 0)
		diag("parse: rc %d, message\n#   %s\n# want\n#   %s", rc1,
		    err.msg, want);
	ok(rc1 == -1 && strcmp(err.msg, want) == 0 && a.v == NULL,
	    "%s: %s", what, msg);
	fpv_npy_free(&a);
	p = write_file(name, buf, len);
	rc2 = fpv_npy_load(p, max, &a, &err);
	snprintf(want, sizeof want, "%s%s", p, msg);
	snprintf(got_file, sizeof got_file, "%s", err.msg);
	if (rc2 == 0 || strcmp(got_file, want) != 0)
		diag("load: rc %d, message\n#   %s\n# want\n#   %s", rc2,
		    got_file, want);
	ok(rc2 == -1 && strcmp(got_file, want) == 0 && a.v == NULL,
	    "%s, from a file", what);
	fpv_npy_free(&a);
}

/* ---- .npy files written out byte by byte ---------------------------- */

#define SP10 "          "

/* Version 1.0, <f4, shape (3,): 1.0, 0x3dcccccd, 0x00000001. */
static const char npy_v1_f4[] =
	"\x93NUMPY\x01\x00\x76\x00"
	"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
	SP10 SP10 SP10 SP10 SP10 SP10 "\n"
	"\x00\x00\x80\x3f" "\xcd\xcc\xcc\x3d" "\x01\x00\x00\x00";

/* Version 2.0, <f2, shape (2,): 0x3c00 (1), 0xc000 (-2). */
static const char npy_v2_f2[] =
	"\x93NUMPY\x02\x00\x74\x00\x00\x00"
	"{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }"
	SP10 SP10 SP10 SP10 SP10 "        " "\n"
	"\x00\x3c" "\x00\xc0";

/* Version 3.0, |i1, shape (3,): 0x80, 0x7f, 0xff. */
static const char npy_v3_i1[] =
	"\x93NUMPY\x03\x00\x74\x00\x00\x00"
	"{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }"
	SP10 SP10 SP10 SP10 SP10 "        " "\n"
	"\x80\x7f\xff";

static void
test_npy_literal(void)
{
	static const double f4[3] = { 1.0, 13421773 * 0x1p-27, 0x1p-149 };
	static const double f2[2] = { 1.0, -2.0 };
	static const double i1[3] = { -128, 127, -1 };

	ok(sizeof npy_v1_f4 - 1 == 128 + 12 && sizeof npy_v2_f2 - 1 ==
	    128 + 4 && sizeof npy_v3_i1 - 1 == 128 + 3,
	    "the written-out files have 128-byte headers");
	check_load("version 1.0 <f4 (3,): 1, 0x3dcccccd, 2^-149", "a.npy",
	    npy_v1_f4, sizeof npy_v1_f4 - 1, f4, 3, "<f4");
	check_load("version 2.0 <f2 (2,): 1, -2", "b.npy", npy_v2_f2,
	    sizeof npy_v2_f2 - 1, f2, 2, "<f2");
	check_load("version 3.0 |i1 (3,): -128, 127, -1", "c.npy", npy_v3_i1,
	    sizeof npy_v3_i1 - 1, i1, 3, "|i1");
	check_load("content decides: a .npy file called .txt is read as .npy",
	    "a.txt", npy_v1_f4, sizeof npy_v1_f4 - 1, f4, 3, "<f4");
}

/* ---- .npy files from a helper ----------------------------------------- */

/*
 * A .npy file of version major with the dict text (padded as NumPy pads
 * it) and then data[0..dlen); malloc'd, length in *len.
 */
static unsigned char *
npy(int major, const char *dict, const void *data, size_t dlen, size_t *len)
{
	size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
	size_t hlen = dl + 1, total;
	unsigned char *b;

	while ((pre + hlen) % 64 != 0)
		hlen++;
	total = pre + hlen + dlen;
	b = malloc(total);
	memcpy(b, "\x93NUMPY", 6);
	b[6] = (unsigned char)major;
	b[7] = 0;
	b[8] = (unsigned char)(hlen & 0xff);
	b[9] = (unsigned char)(hlen >> 8);
	if (major != 1) {
		b[10] = (unsigned char)(hlen >> 16);
		b[11] = (unsigned char)(hlen >> 24);
	}
	memcpy(b + pre, dict, dl);
	memset(b + pre + dl, ' ', hlen - dl - 1);
	b[pre + hlen - 1] = '\n';
	memcpy(b + pre + hlen, data, dlen);
	*len = total;
	return b;
}

/* check_load of a helper-built file. */
static void
check_npy(const char *what, int major, const char *dict, const void *data,
    size_t dlen, const double *want, size_t n, const char *dtype)
{
	size_t len;
	unsigned char *b = npy(major, dict, data, dlen, &len);

	check_load(what, "h.npy", b, len, want, n, dtype);
	free(b);
}

/* check_error of a helper-built file. */
static void
check_npy_error(const char *what, int major, const char *dict,
    const void *data, size_t dlen, const char *msg)
{
	size_t len;
	unsigned char *b = npy(major, dict, data, dlen, &len);

	check_error(what, "e.npy", b, len, 0, msg);
	free(b);
}

#define DICT(descr, shape) \
	"{'descr': '" descr "', 'fortran_order': False, 'shape': " shape ", }"

static void
test_npy_dtypes(void)
{
	/* binary16: 1, -2, 2^-24 (smallest subnormal), 65504 (largest),
	 * 2^-14 (smallest normal), -0, inf, NaN. */
	static const unsigned char f2[] = {
		0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0xff, 0x7b, 0x00, 0x04,
		0x00, 0x80, 0x00, 0x7c, 0x00, 0x7e
	};
	static const double f2v[] = {
		1, -2, 0x1p-24, 65504, 0x1p-14, -0.0, INFINITY, NAN
	};
	static const unsigned char f2be[] = { 0x3c, 0x00, 0x35, 0x55 };
	/* 0x3555 = 0 01101 0101010101: (1024 + 341) * 2^-12 */
	static const double f2bev[] = { 1, 1365 * 0x1p-12 };
	static const unsigned char f4be[] = {
		0x3f, 0x80, 0x00, 0x00, 0xc0, 0x49, 0x0f, 0xdb
	};
	/* 0xc0490fdb: -(0x800000 | 0x490fdb) * 2^-22 = -13176795 * 2^-22 */
	static const double f4bev[] = { 1, -13176795 * 0x1p-22 };
	static const unsigned char f8[] = {
		0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xef, 0xff
	};
	/* 0x3fb999999999999a: 0x1999999999999a * 2^-56; 2^-1074; -DBL_MAX */
	static const double f8v[] = { 0x1999999999999a * 0x1p-56, 0x1p-1074,
	    -DBL_MAX };
	static const unsigned char f8be[] = {
		0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18
	};
	/* 0x400921fb54442d18 = 0x1921fb54442d18 * 2^-51 */
	static const double f8bev[] = { 0x1921fb54442d18 * 0x1p-51 };
	static const unsigned char u1[] = { 0x00, 0x80, 0xff };
	static const double u1v[] = { 0, 128, 255 };
	static const unsigned char i1[] = { 0x00, 0x01, 0x80, 0xfe };
	static const double i1v[] = { 0, 1, -128, -2 };

	check_npy("<f2: subnormal, largest, smallest normal, -0, inf, NaN", 1,
	    DICT("<f2", "(8,)"), f2, sizeof f2, f2v, 8, "<f2");
	check_npy(">f2 (big-endian)", 1, DICT(">f2", "(2,)"), f2be,
	    sizeof f2be, f2bev, 2, ">f2");
	check_npy(">f4 (big-endian)", 1, DICT(">f4", "(2,)"), f4be,
	    sizeof f4be, f4bev, 2, ">f4");
	check_npy("<f8: 0.1's double, 2^-1074, -DBL_MAX", 1,
	    DICT("<f8", "(3,)"), f8, sizeof f8, f8v, 3, "<f8");
	check_npy(">f8 (big-endian): pi's double", 2, DICT(">f8", "(1,)"),
	    f8be, sizeof f8be, f8bev, 1, ">f8");
	check_npy("|u1: 0, 128, 255", 1, DICT("|u1", "(3,)"), u1, sizeof u1,
	    u1v, 3, "|u1");
	check_npy("|i1: 0, 1, -128, -2", 1, DICT("|i1", "(4,)"), i1,
	    sizeof i1, i1v, 4, "|i1");
	check_npy("shape (4, 1) is a vector", 1, DICT("|i1", "(4, 1)"), i1,
	    sizeof i1, i1v, 4, "|i1");
	check_npy("shape (1, 4) is a vector, fortran_order True too", 1,
	    "{'descr': '|i1', 'fortran_order': True, 'shape': (1, 4), }", i1,
	    sizeof i1, i1v, 4, "|i1");
	check_npy("keys in another order, double quotes, no trailing comma, "
	    "Python 2's 4L", 1,
	    "{\"shape\": (4L,), \"descr\": \"|i1\", \"fortran_order\": False}",
	    i1, sizeof i1, i1v, 4, "|i1");
}

/* 10^5 elements of <f4: most of the data is beyond the header's read. */
static void
test_npy_large(void)
{
	enum { N = 100000 };
	uint32_t *raw = malloc(N * 4);
	double *want = malloc(N * sizeof *want);
	size_t len;
	unsigned char *b;

	for (uint32_t i = 0; i < N; i++) {
		float f = (float)i * 0.25f - 1000.5f;

		memcpy(&raw[i], &f, 4);
		want[i] = (double)i * 0.25 - 1000.5;
	}
	b = npy(1, DICT("<f4", "(100000,)"), raw, N * 4, &len);
	check_load("10^5 elements of <f4 (in place widening across the "
	    "header's read)", "big.npy", b, len, want, N, "<f4");
	free(b);
	free(raw);
	free(want);
}

static void
test_npy_errors(void)
{
	static const unsigned char one[4] = { 0, 0, 0x80, 0x3f };
	char buf[200];
	size_t len;
	unsigned char *b;

	check_error("not the magic, named .npy", "x.npy", "NUMPY\x01\x00",
	    7, 0, ": byte 0: not a .npy file: it does not begin with "
	    "\\x93NUMPY");
	check_error("too short for the magic, named .npy", "x.npy", "\x93N",
	    2, 0, ": byte 0: not a .npy file: it does not begin with "
	    "\\x93NUMPY");
	check_error("the file ends inside the header", "x.npy",
	    "\x93NUMPY\x01\x00\x76", 9, 0,
	    ": byte 9: the file ends inside the header (9 bytes)");
	check_error("version 2 ends inside its 4-byte length", "x.npy",
	    "\x93NUMPY\x02\x00\x76\x00\x00", 11, 0,
	    ": byte 11: the file ends inside the header (11 bytes)");
	check_error("version 4.0", "x.npy", "\x93NUMPY\x04\x00\x76\x00", 10,
	    0, ": byte 6: format version 4.0 is not one fpviz reads (1.0, "
	    "2.0, 3.0)");
	check_error("version 1.1", "x.npy", "\x93NUMPY\x01\x01\x76\x00", 10,
	    0, ": byte 6: format version 1.1 is not one fpviz reads (1.0, "
	    "2.0, 3.0)");
	check_error("header length past the end", "x.npy",
	    "\x93NUMPY\x01\x00\x76\x00{}", 12, 0,
	    ": byte 8: the header's length 118 runs past the end of the "
	    "file (12 bytes)");
	check_error("header longer than the limit", "x.npy",
	    "\x93NUMPY\x02\x00\x01\x00\x01\x00{}", 14, 0,
	    ": byte 8: a header of 65537 bytes is longer than fpviz reads "
	    "(65536)");
	/* The header starts at byte 10; offsets below count from there. */
	check_npy_error("a structured dtype", 1,
	    "{'descr': [('a', '<f4')], 'fortran_order': False, "
	    "'shape': (1,), }", one, 4,
	    ": byte 20: header: descr: a structured dtype (a list of fields) "
	    "is not a vector of numbers");
	check_npy_error("dtype <i4", 1, DICT("<i4", "(1,)"), one, 4,
	    ": byte 20: header: descr: dtype '<i4' is not one fpviz reads "
	    "(<f2 <f4 <f8 >f2 >f4 >f8 |i1 |u1)");
	check_npy_error("dtype |f4", 1, DICT("|f4", "(1,)"), one, 4,
	    ": byte 20: header: descr: dtype '|f4' is not one fpviz reads "
	    "(<f2 <f4 <f8 >f2 >f4 >f8 |i1 |u1)");
	check_npy_error("shape (2, 3)", 1, DICT("<f4", "(2, 3)"), one, 4,
	    ": byte 60: header: shape (2, 3) is not a vector: fpviz reads "
	    "one-dimensional arrays, (n,), (n, 1) or (1, n)");
	check_npy_error("shape (1, 1, 1)", 1, DICT("<f4", "(1, 1, 1)"), one,
	    4, ": byte 60: header: shape (1, 1, 1) is not a vector: fpviz "
	    "reads one-dimensional arrays, (n,), (n, 1) or (1, n)");
	check_npy_error("shape ()", 1, DICT("<f4", "()"), one, 4,
	    ": byte 60: header: shape (): a 0-d array (a scalar) is not a "
	    "vector");
	check_npy_error("shape (0,)", 1, DICT("<f4", "(0,)"), "", 0,
	    ": byte 60: header: shape (0,): the array is empty");
	check_npy_error("shape (10000001,)", 1, DICT("<f4", "(10000001,)"),
	    one, 4, ": byte 60: header: shape (10000001,): more than the "
	    "10000000 elements load() reads");
	check_npy_error("shape (1e3,)", 1, DICT("<f4", "(1e3,)"), one, 4,
	    ": byte 62: header: shape: expected ',' or ')'");
	check_npy_error("shape 3", 1, DICT("<f4", "3"), one, 4,
	    ": byte 60: header: shape: expected a tuple such as (3,)");
	check_npy_error("shape (a,)", 1, DICT("<f4", "(a,)"), one, 4,
	    ": byte 61: header: shape: expected a dimension (a whole "
	    "number)");
	check_npy_error("fortran_order 0", 1,
	    "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", one, 4,
	    ": byte 44: header: fortran_order: expected True or False");
	check_npy_error("fortran_order Truely", 1,
	    "{'descr': '<f4', 'fortran_order': Truely, 'shape': (1,), }",
	    one, 4, ": byte 44: header: fortran_order: expected True or "
	    "False");
	check_npy_error("a missing key", 1,
	    "{'descr': '<f4', 'fortran_order': False, }", one, 4,
	    ": byte 10: header: the key 'shape' is missing");
	check_npy_error("an unknown key", 1,
	    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
	    "'x': 1}", one, 4,
	    ": byte 66: header: unexpected key 'x' (a .npy header has descr, "
	    "fortran_order and shape)");
	check_npy_error("not a dict", 1, "['descr']", one, 4,
	    ": byte 10: header: expected '{' (a Python dict)");
	check_npy_error("a key not quoted", 1, "{descr: '<f4'}", one, 4,
	    ": byte 11: header: expected a quoted string");
	check_npy_error("no colon", 1, "{'descr' '<f4'}", one, 4,
	    ": byte 19: header: expected ':' after a key");
	check_npy_error("an escape", 1, "{'descr': '<f\\4'}", one, 4,
	    ": byte 23: header: escapes in strings are not read");
	check_npy_error("a string not closed", 1, "{'descr': '<f4", one, 4,
	    ": byte 64: header: a string is not closed");
	check_npy_error("no comma between items", 1,
	    "{'descr': '<f4' 'shape': (1,)}", one, 4,
	    ": byte 26: header: expected ',' or '}'");
	check_npy_error("text after the dict", 1,
	    DICT("<f4", "(1,)") " x", one, 4,
	    ": byte 68: header: text after the dict's '}'");
	snprintf(buf, sizeof buf, "{'descr': '<f4', 'fortran_order': False, "
	    "'shape': (1,), 'n\xc3\xa9': 1}");
	check_npy_error("a non-ASCII byte in a version 1.0 header", 1, buf,
	    one, 4, ": byte 68: header: a non-ASCII byte in a version 1 "
	    "header");
	/* Version 3.0 allows UTF-8: the same key is then just unknown. */
	check_npy_error("UTF-8 in a version 3.0 header", 3, buf, one, 4,
	    ": byte 68: header: unexpected key 'n\xc3\xa9' (a .npy header "
	    "has descr, fortran_order and shape)");
	b = npy(1, DICT("<f4", "(1,)"), one, 4, &len);
	b[20] = '\0';
	check_error("a NUL byte in the header", "e.npy", b, len, 0,
	    ": byte 20: header: a NUL byte in a version 1 header");
	free(b);
	check_npy_error("data cut short", 1, DICT("<f4", "(3,)"),
	    "\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00", 10,
	    ": byte 138: the data is cut short: shape (3,) of <f4 needs 12 "
	    "bytes from byte 128, the file ends 2 bytes early");
	check_npy_error("bytes after the data", 1, DICT("<f4", "(1,)"),
	    "\x00\x00\x80\x3f\x00", 5,
	    ": byte 132: 1 byte after the data (shape (1,) of <f4)");
	b = npy(1, DICT("<f4", "(3,)"), one, 4, &len);
	check_error("more elements than the caller's limit", "e.npy", b,
	    len, 2, ": byte 60: header: shape (3,): more than the 2 "
	    "elements load() reads");
	free(b);
	{
		struct fpv_npy_error err;
		struct fpv_npy a = { 0 };

		b = npy(1, DICT("<f4", "(1,)"), one, 4, &len);
		fpv_npy_parse("e.npy", b, len - 1, 0, &a, &err);
		ok(err.offset == 131 && err.line == 0,
		    ".npy errors carry the byte offset (%lld), no line",
		    err.offset);
		free(b);
	}
}

static void
test_file_errors(void)
{
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	char want[512];
	const char *p;
	int rc;

	p = path_of("missing.npy");
	rc = fpv_npy_load(p, 0, &a, &err);
	snprintf(want, sizeof want, "%s: %s", p, strerror(ENOENT));
	ok(rc == -1 && strcmp(err.msg, want) == 0,
	    "a missing file: %s", err.msg);
	rc = fpv_npy_load(dir, 0, &a, &err);
	snprintf(want, sizeof want, "%s: %s", dir, strerror(EISDIR));
	ok(rc == -1 && strcmp(err.msg, want) == 0, "a folder: %s", err.msg);
	/* A name with a control character is shown safely. */
	p = path_of("bad\x1bname.npy");
	rc = fpv_npy_load(p, 0, &a, &err);
	ok(rc == -1 && strstr(err.msg, "bad^[name.npy: ") != NULL &&
	    strchr(err.msg, '\x1b') == NULL,
	    "an escape in the file name is shown as ^[");
	/* A text file larger than the limit: a sparse file of 2^30 + 1
	 * bytes (no disk space used). */
	p = path_of("huge.txt");
	{
		FILE *fp = fopen(p, "wb");

		if (fp == NULL || ftruncate(fileno(fp),
		    (off_t)FPV_NPY_TEXT_MAX + 1) != 0) {
			diag("cannot make %s: %s", p, strerror(errno));
			abort();
		}
		fclose(fp);
	}
	rc = fpv_npy_load(p, 0, &a, &err);
	snprintf(want, sizeof want, "%s: 1073741825 bytes: text files are "
	    "read up to 1073741824 bytes", p);
	ok(rc == -1 && strcmp(err.msg, want) == 0,
	    "a text file over the size limit: %s", err.msg);
	unlink(p);
}

/* A .npy file read through a pipe (not a regular file). */
static void
test_pipe(void)
{
	static const double f4[3] = { 1.0, 13421773 * 0x1p-27, 0x1p-149 };
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	const char *p = path_of("fifo.npy");
	pid_t pid;
	int rc, st;

	if (mkfifo(p, 0600) != 0) {
		ok(0, "mkfifo: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		FILE *fp = fopen(p, "wb");

		fwrite(npy_v1_f4, 1, sizeof npy_v1_f4 - 1, fp);
		fclose(fp);
		_exit(0);
	}
	rc = fpv_npy_load(p, 0, &a, &err);
	waitpid(pid, &st, 0);
	ok(rc == 0 && a.n == 3 && same(a.v, f4, 3),
	    "a .npy file through a FIFO");
	fpv_npy_free(&a);
	unlink(p);
}

/* ---- Text files -------------------------------------------------------- */

/* Load text both ways; the values must be want[] (and exact as said). */
static void
check_text(const char *what, const char *text, const double *want,
    size_t n, bool all_exact)
{
	struct fpv_npy a = { 0 }, b = { 0 };
	struct fpv_npy_error err;
	size_t len = strlen(text);
	int rc1, rc2;

	rc1 = fpv_npy_parse("t.txt", text, len, 0, &a, &err);
	if (rc1 != 0)
		diag("parse: %s", err.msg);
	rc2 = fpv_npy_load(write_file("t.txt", text, len), 0, &b, &err);
	if (rc2 != 0)
		diag("load: %s", err.msg);
	ok(rc1 == 0 && rc2 == 0 && a.n == n && b.n == n &&
	    same(a.v, want, n) && same(b.v, want, n) &&
	    strcmp(a.dtype, "text") == 0 &&
	    (a.span == NULL) == all_exact && (b.span == NULL) == all_exact,
	    "%s", what);
	fpv_npy_free(&a);
	fpv_npy_free(&b);
}

static void
test_text(void)
{
	static const double v123[] = { 1, 2.5, -3 };
	static const double v4[] = { 1, 2, 3, 4 };
	static const double vs[] = { 3, -16, 0.75, 1, INFINITY, -INFINITY,
	    INFINITY, NAN, -0.0, 0, 1e22, 100 };

	check_text("one number a line", "1\n2.5\n-3\n", v123, 3, true);
	check_text("no newline at the end", "1\n2.5\n-3", v123, 3, true);
	check_text("comma-separated, blanks around, a comma ending a line",
	    "1, 2,3,\n 4\n", v4, 4, true);
	check_text("blanks separate too", "1 2\t3   4", v4, 4, true);
	check_text("comments and blank lines", "# weights\n\n1 # one\n  \n"
	    "2\n#3\n3,4 #, 5\n", v4, 4, true);
	check_text("CRLF line ends", "1\r\n2\r\n3\r\n4\r\n", v4, 4, true);
	check_text("a UTF-8 byte order mark", "\xef\xbb\xbf" "1\n2\n3\n4\n",
	    v4, 4, true);
	check_text("hex, signs, inf, nan, -0, exact powers of ten",
	    "0x1.8p1 -0x10 +0.75 1. inf -Inf INFINITY nan -0 0e5 1e22 "
	    "1e+2", vs, 12, true);
}

/* Text numbers against the compiler's conversion of the same literal. */
static void
test_text_values(void)
{
	static const struct {
		const char *text;
		double v;
		bool exact;
	} cases[] = {
		{ "0.1", 0.1, false }, { "-0.1", -0.1, false },
		{ "0.5", 0.5, true }, { "4.35", 4.35, false },
		{ "2.675", 2.675, false }, { "0.3", 0.3, false },
		{ "1e23", 1e23, false }, { "1e22", 1e22, true },
		{ "9007199254740993", 9007199254740993.0, false },
		{ "9007199254740992", 9007199254740992.0, true },
		{ "123456789012345678", 123456789012345678.0, false },
		{ "1.7976931348623157e308", 1.7976931348623157e308, false },
		{ "2.2250738585072014e-308", 2.2250738585072014e-308, false },
		{ "5e-324", 5e-324, false }, { "1e400", INFINITY, false },
		{ "-1e-400", -0.0, false }, { "0.000244140625", 0x1p-12, true },
		{ "1.00000000000000000000000000001", 1.0, false },
		{ "0x1.fffffffffffffp1023", DBL_MAX, true },
		{ "0x1.00000000000001p0", 1.0, false },
		{ "0.0000000000000000000000000000001", 1e-31, false },
		{ "3.0517578125e-05", 0x1p-15, true },
		{ "1152921504606846976", 0x1p60, true },
	};
	char text[2048] = "";
	double want[64];
	size_t n = sizeof cases / sizeof cases[0];
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	int rc, good = 1;

	for (size_t i = 0; i < n; i++) {
		strcat(text, cases[i].text);
		strcat(text, i % 3 == 2 ? "\n" : ", ");
		want[i] = cases[i].v;
	}
	rc = fpv_npy_parse("v.txt", text, strlen(text), 0, &a, &err);
	ok(rc == 0 && a.n == n && same(a.v, want, n),
	    "%zu decimal and hex texts: the nearest doubles, as the C "
	    "compiler reads them", n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (fpv_npy_exact(&a, i) != cases[i].exact) {
			diag("%s: exact %d", cases[i].text,
			    fpv_npy_exact(&a, i));
			good = 0;
		}
		if (!cases[i].exact) {
			const char *t = cases[i].text;

			if (*t == '-')
				t++;
			if (a.span[i].len != strlen(t) ||
			    memcmp(a.text + a.span[i].off, t,
			    strlen(t)) != 0) {
				diag("%s: span %u+%u", cases[i].text,
				    a.span[i].off, a.span[i].len);
				good = 0;
			}
		}
	}
	ok(good, "exactly the doubles are exact; the others keep their text "
	    "(without the sign)");
	fpv_npy_free(&a);
}

/* Random doubles printed with %.17g and %a read back to the same bits;
 * short decimals m / 10^k are exact exactly when GMP says the rational
 * is a double. */
static void
test_text_random(void)
{
	enum { N = 3000 };
	char *text = malloc(N * 64), *p = text;
	double *want = malloc(2 * N * sizeof *want);
	uint64_t s = 88172645463325252u;
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	int rc, good = 1;
	mpq_t q, dq;
	mpfr_t near;

	for (int i = 0; i < N; i++) {
		double d;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		memcpy(&d, &s, sizeof d);
		if (!isfinite(d))
			d = (double)(s >> 11);
		want[2 * i] = want[2 * i + 1] = d;
		p += sprintf(p, "%.17g\n%a\n", d, d);
	}
	rc = fpv_npy_parse("r.txt", text, (size_t)(p - text), 0, &a, &err);
	ok(rc == 0 && a.n == 2 * N && same(a.v, want, 2 * N),
	    "%d random doubles as %%.17g and %%a read back to their bits",
	    N);
	fpv_npy_free(&a);
	/* Short decimals: digits m (up to 17) and k digits after the
	 * point. */
	p = text;
	for (int i = 0; i < N; i++) {
		uint64_t m, k, p10 = 1;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		m = (s >> 8) % (i % 2 ? 100000 : 100000000000000000u);
		k = (s & 0xff) % 12;
		if (i % 5 == 0)
			m = (m % 1000) * 3125;	/* often divisible by 5^k */
		for (uint64_t j = 0; j < k; j++)
			p10 *= 10;
		/* An integer part, a point, k digits (k = 0: "X.0"). */
		p += sprintf(p, "%llu.%0*llu\n",
		    (unsigned long long)(m / 1000000), k ? (int)k : 1,
		    (unsigned long long)(m % p10));
	}
	rc = fpv_npy_parse("s.txt", text, (size_t)(p - text), 0, &a, &err);
	mpq_init(q);
	mpq_init(dq);
	mpfr_init2(near, 53);
	p = text;
	for (size_t i = 0; rc == 0 && i < a.n; i++) {
		char *nl = strchr(p, '\n'), *dot = strchr(p, '.');
		mpz_t num, den;
		bool is_double;

		*nl = '\0';
		mpz_init(num);
		mpz_init(den);
		/* The digits without the point, over 10^(digits after it). */
		{
			char digits[64];
			size_t L = (size_t)(dot - p);

			memcpy(digits, p, L);
			strcpy(digits + L, dot + 1);
			mpz_set_str(num, digits, 10);
			mpz_ui_pow_ui(den, 10, strlen(dot + 1));
		}
		mpq_set_num(q, num);
		mpq_set_den(q, den);
		mpq_canonicalize(q);
		mpq_set_d(dq, a.v[i]);
		is_double = mpq_equal(q, dq);
		mpfr_set_q(near, q, MPFR_RNDN);
		if (is_double != fpv_npy_exact(&a, i) ||
		    mpfr_get_d(near, MPFR_RNDN) != a.v[i]) {
			if (good)
				diag("%s: exact %d, GMP %d, %a", p,
				    fpv_npy_exact(&a, i), is_double, a.v[i]);
			good = 0;
		}
		mpz_clear(num);
		mpz_clear(den);
		p = nl + 1;
	}
	ok(rc == 0 && good, "%d short decimals: exact exactly when the "
	    "rational is a double (GMP), else the double nearest", N);
	mpq_clear(q);
	mpq_clear(dq);
	mpfr_clear(near);
	fpv_npy_free(&a);
	free(text);
	free(want);
}

/* An element as a real number: a literal's text rounds once per column. */
static void
test_real(void)
{
	struct fpv_ctx c;
	struct fpv_npy a = { 0 };
	struct fpv_npy_error err;
	mpfr_t x;
	struct fpv_real r;
	const char *why;
	unsigned fl;
	uint64_t b;
	int t;

	fpv_ctx_init(&c);
	mpfr_init2(x, FPV_EXACT_PREC);
	fpv_npy_parse("r.txt", "0.1, -0.1, 0.5", 14, 0, &a, &err);
	t = fpv_npy_real(&a, 0, x, &r);
	fl = 0;
	b = fpv_num_round_real(&c, CFMT(&c, FPV_FP16), &r, &fl);
	ok(t != 0 && r.text != NULL && r.len == 3 && b == 0x2e66,
	    "text 0.1 into fp16 is 0x2e66 (0.0999755859375)");
	t = fpv_npy_real(&a, 1, x, &r);
	fl = 0;
	b = fpv_num_round_real(&c, CFMT(&c, FPV_FP16), &r, &fl);
	ok(t != 0 && r.negative && mpfr_sgn(x) < 0 && b == 0xae66,
	    "text -0.1 into fp16 is 0xae66");
	t = fpv_npy_real(&a, 2, x, &r);
	ok(t == 0 && r.text == NULL && mpfr_cmp_d(x, 0.5) == 0,
	    "an exact element is its double");
	/* int8 with scale 0.1: the text 0.1 is exactly q = 1; the double
	 * nearest 0.1 is not (0.1000000000000000055...). */
	set_int8_scale(&c, "0.1", &why);
	t = fpv_npy_real(&a, 0, x, &r);
	fl = 0;
	b = fpv_num_round_real(&c, CFMT(&c, FPV_INT8), &r, &fl);
	ok(b == 1 && !(fl & FPV_FLAG_INEXACT),
	    "text 0.1 into int8 with scale 0.1 is q = 1, exactly");
	{
		struct fpv_real rd = { .approx = x };

		mpfr_set_d(x, a.v[0], MPFR_RNDN);
		fl = 0;
		b = fpv_num_round_real(&c, CFMT(&c, FPV_INT8), &rd, &fl);
		ok(b == 1 && (fl & FPV_FLAG_INEXACT),
		    "while the double 0.1 into it is q = 1, inexact");
	}
	mpfr_clear(x);
	fpv_npy_free(&a);
	fpv_ctx_clear(&c);
}

static void
test_text_errors(void)
{
	char longtok[100];

	check_error("a word", "t.txt", "1\n2\nabc\n", 8, 0,
	    ":3:1: expected a number, found 'abc'");
	check_error("a number glued to letters", "t.txt", "1, 12abc", 8, 0,
	    ":1:4: expected a number, found '12abc'");
	check_error("two commas", "t.txt", "1,,2", 4, 0,
	    ":1:3: a comma must follow a number");
	check_error("commas around a blank", "t.txt", "1, ,2", 5, 0,
	    ":1:4: a comma must follow a number");
	check_error("a comma starting a line", "t.txt", "1,\n,2", 5, 0,
	    ":2:1: a comma must follow a number");
	check_error("a sign alone", "t.txt", "- 1", 3, 0,
	    ":1:1: expected a number, found '-'");
	check_error("an exponent without digits", "t.txt", "7\n\n  1e", 7, 0,
	    ":3:3: expected a number, found '1e'");
	check_error("0x alone", "t.txt", "0x", 2, 0,
	    ":1:1: expected a number, found '0x'");
	check_error("two points", "t.txt", "1.2.3", 5, 0,
	    ":1:1: expected a number, found '1.2.3'");
	check_error("two signs", "t.txt", "--1", 3, 0,
	    ":1:1: expected a number, found '--1'");
	check_error("brackets", "t.txt", "[1, 2]", 6, 0,
	    ":1:1: expected a number, found '[1'");
	check_error("a tab counts one column", "t.txt", "1,\t2, x", 7, 0,
	    ":1:7: expected a number, found 'x'");
	check_error("columns count characters", "t.txt", "1, \xc3\xa9", 5, 0,
	    ":1:4: expected a number, found '\xc3\xa9'");
	check_error("a control character is shown safely", "t.txt",
	    "1\x1b[31m", 7, 0, ":1:1: expected a number, found '1^[[31m'");
	check_error("bad UTF-8 is shown safely", "t.txt", "1 \xff", 3, 0,
	    ":1:3: expected a number, found '\\xff'");
	memset(longtok, 'x', 60);
	longtok[60] = '\0';
	check_error("a long token is cut", "t.txt", longtok, 60, 0,
	    ":1:1: expected a number, found "
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
	check_error("a NUL byte", "t.txt", "1\n2\0 3", 6, 0,
	    ":2:2: unexpected NUL byte (U+0000)");
	check_error("a NUL byte in a comment", "t.txt", "1 # a\0b\n", 8, 0,
	    ":1:6: unexpected NUL byte (U+0000)");
	check_error("an empty file", "t.txt", "", 0, 0,
	    ": no numbers in the file");
	check_error("only comments and blanks", "t.txt", "# x\n\n  \n", 8, 0,
	    ": no numbers in the file");
	check_error("more numbers than the caller's limit", "t.txt",
	    "1, 2\n3, 4\n", 10, 3,
	    ":2:4: more than the 3 numbers load() reads");
	{
		struct fpv_npy a = { 0 };
		struct fpv_npy_error err;

		ok(fpv_npy_parse("t.txt", "1,2,3", 5, 3, &a, &err) == 0 &&
		    a.n == 3, "exactly the caller's limit is fine");
		fpv_npy_free(&a);
		fpv_npy_parse("t.txt", "1\n x", 4, 0, &a, &err);
		ok(err.line == 2 && err.col == 2 && err.offset == -1,
		    "text errors carry line and column, no offset");
	}
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 99;
	}
	test_npy_literal();
	test_npy_dtypes();
	test_npy_large();
	test_npy_errors();
	test_file_errors();
	test_pipe();
	test_text();
	test_text_values();
	test_text_random();
	test_real();
	test_text_errors();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	mpfr_free_cache();
	return tap_done();
}
