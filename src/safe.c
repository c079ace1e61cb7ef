/*
 * Untrusted text made safe to show on a terminal: the notation of
 * fpviz/safe.h (caret notation for C0 controls and DEL, one space for
 * TAB, "\xHH" for C1 controls and for bytes that are not valid UTF-8).
 *
 * Owns no data.  Text is scanned a unit at a time; runs of printable
 * ASCII, the common case on the batch output path, are checked eight
 * bytes at a time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/safe.h"

/* Is every byte of the 8 in w printable ASCII (0x20..0x7e)? */
static inline bool
plain8(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = UINT64_C(0x8080808080808080);
	uint64_t del = w ^ (ones * 0x7f);

	/* A high bit, a byte below 0x20 or a byte equal to 0x7f. */
	return ((w | ((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) &
	    highs) == 0;
}

/*
 * Length of the valid UTF-8 sequence of a character from U+00A0 on at
 * s[0..len) (s[0] >= 0x80), or 0: not valid UTF-8, or a C1 control.
 */
static size_t
shown_seq(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* C1 controls, overlong forms, surrogates, beyond U+10FFFF. */
	if (cp < 0xa0 || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Length of the prefix of s[0..len) shown unchanged. */
size_t
fpv_safe_span(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (!plain8(w))
				break;
			i += 8;
		}
		if (i == len)
			break;
		if (u[i] >= 0x20 && u[i] < 0x7f) {
			i++;
			continue;
		}
		if (u[i] < 0x80 || (n = shown_seq(u + i, len - i)) == 0)
			break;
		i += n;
	}
	return i;
}

/* The safe form of the unit at s[0..len); bytes of s it stands for. */
size_t
fpv_safe_unit(const char *s, size_t len, char out[FPV_SAFE_UNIT_MAX],
    size_t *outlen)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char c = (unsigned char)s[0];
	size_t n;

	if (c == '\t') {
		out[0] = ' ';
		*outlen = 1;
		return 1;
	}
	if (c < 0x20 || c == 0x7f) {
		out[0] = '^';
		out[1] = (char)(c ^ 0x40);
		*outlen = 2;
		return 1;
	}
	if (c < 0x80) {
		out[0] = (char)c;
		*outlen = 1;
		return 1;
	}
	if ((n = shown_seq((const unsigned char *)s, len)) > 0) {
		memcpy(out, s, n);
		*outlen = n;
		return n;
	}
	/* One byte at a time: the rest of a bad sequence follows alone. */
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hexd[c >> 4];
	out[3] = hexd[c & 15];
	*outlen = 4;
	return 1;
}

/* Length of the safe form of s[0..len). */
size_t
fpv_safe_size(const char *s, size_t len)
{
	size_t i = 0, total = 0;

	while (i < len) {
		char u[FPV_SAFE_UNIT_MAX];
		size_t run = fpv_safe_span(s + i, len - i), n;

		total += run;
		i += run;
		if (i == len)
			break;
		i += fpv_safe_unit(s + i, len - i, u, &n);
		total += n;
	}
	return total;
}

/* Write the safe form of s[0..len) to fp. */
int
fpv_safe_write(FILE *fp, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char u[FPV_SAFE_UNIT_MAX];
		size_t run = fpv_safe_span(s + i, len - i), n;

		if (run > 0 && fwrite(s + i, 1, run, fp) != run)
			return EOF;
		i += run;
		if (i == len)
			break;
		i += fpv_safe_unit(s + i, len - i, u, &n);
		if (fwrite(u, 1, n, fp) != n)
			return EOF;
	}
	return 0;
}

/* The safe form of s[0..len) into buf[0..size), cut at a whole unit. */
size_t
fpv_safe_copy(char *buf, size_t size, const char *s, size_t len)
{
	size_t i = 0, o = 0, room = size - 1;

	while (i < len && o < room) {
		char u[FPV_SAFE_UNIT_MAX];
		size_t run = fpv_safe_span(s + i, len - i), n;

		if (run > 0) {
			/* Never cut a UTF-8 character of the run. */
			if (run > room - o) {
				run = room - o;
				while (run > 0 &&
				    ((unsigned char)s[i + run] & 0xc0) == 0x80)
					run--;
				memcpy(buf + o, s + i, run);
				o += run;
				break;
			}
			memcpy(buf + o, s + i, run);
			o += run;
			i += run;
			continue;
		}
		i += fpv_safe_unit(s + i, len - i, u, &n);
		if (n > room - o)
			break;
		memcpy(buf + o, u, n);
		o += n;
	}
	buf[o] = '\0';
	return o;
}

/* The safe form of s[0..len) as a new string. */
char *
fpv_safe_dup(const char *s, size_t len)
{
	size_t n = fpv_safe_size(s, len);
	char *d = malloc(n + 1);

	if (d != NULL)
		fpv_safe_copy(d, n + 1, s, len);
	return d;
}
