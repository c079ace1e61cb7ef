/*
 * test-safe.c: the notation of untrusted text on a terminal
 * (src/safe.c): escape sequences (ESC, OSC, CSI), C1 controls as raw
 * bytes and as UTF-8, BEL, DEL, TAB, invalid UTF-8 (overlong, surrogate,
 * cut short, out of range) and valid multi-byte text.  TAP.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/safe.h"
#include "tap.h"

/* No byte of s[0..n) can act on a terminal: no C0, DEL or C1 byte. */
static bool
inert(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* A C1 byte is safe only inside a valid multi-byte character. */
		if (c >= 0x80 && c <= 0x9f && (i == 0 ||
		    (unsigned char)s[i - 1] < 0x80))
			return false;
	}
	return true;
}

/* The safe form of in[0..n) is want, by every entry point. */
static void
check(const char *name, const char *in, size_t n, const char *want)
{
	char buf[256], *d = fpv_safe_dup(in, n), *m = NULL;
	size_t wl = strlen(want), ml = 0;
	FILE *fp = open_memstream(&m, &ml);
	size_t cl = fpv_safe_copy(buf, sizeof buf, in, n);

	ok(d != NULL && strcmp(d, want) == 0, "%s: dup gives %s", name, want);
	if (d != NULL && strcmp(d, want) != 0)
		diag("got %s", d);
	ok(cl == wl && strcmp(buf, want) == 0, "%s: copy", name);
	ok(fpv_safe_size(in, n) == wl, "%s: size %zu", name, wl);
	ok(fp != NULL && fpv_safe_write(fp, in, n) == 0 && fclose(fp) == 0 &&
	    ml == wl && memcmp(m, want, wl) == 0, "%s: write", name);
	ok(inert(want, wl), "%s: nothing in it acts on a terminal", name);
	/* Safe text is its own safe form. */
	ok(fpv_safe_span(want, wl) == wl, "%s: the safe form is kept as is",
	    name);
	free(d);
	free(m);
}

#define CHECK(name, in, want) check(name, in, sizeof in - 1, want)

int
main(void)
{
	char buf[16];
	size_t n;

	CHECK("plain ASCII", "(1e4 + 1e-4) - 1e4", "(1e4 + 1e-4) - 1e4");
	CHECK("empty", "", "");
	CHECK("ESC", "a\033b", "a^[b");
	CHECK("OSC title", "\033]0;X\007", "^[]0;X^G");
	CHECK("OSC 2 in a caption", "\033]2;PWNED\007c ",
	    "^[]2;PWNED^Gc ");
	CHECK("CSI alternate screen", "\033[?1049h", "^[[?1049h");
	CHECK("CSI colour", "\033[31mred\033[0m", "^[[31mred^[[0m");
	CHECK("BEL", "\007", "^G");
	CHECK("DEL", "x\177", "x^?");
	CHECK("NUL", "a\0b", "a^@b");
	CHECK("LF and CR", "1\r\n2", "1^M^J2");
	CHECK("TAB is one space", "1\t+\t2", "1 + 2");
	CHECK("unit separator", "\037", "^_");
	CHECK("C1 CSI as a raw byte", "\233", "\\x9b");
	CHECK("the issue's command", ":\377\233", ":\\xff\\x9b");
	CHECK("C1 CSI as UTF-8", "\302\233", "\\xc2\\x9b");
	CHECK("C1 NEL and OSC as UTF-8", "\302\205\302\235",
	    "\\xc2\\x85\\xc2\\x9d");
	CHECK("first C1 as UTF-8", "\302\200", "\\xc2\\x80");
	CHECK("NBSP, the first shown", "\302\240", "\302\240");
	CHECK("overlong slash (2 bytes)", "\300\257", "\\xc0\\xaf");
	CHECK("overlong slash (3 bytes)", "\340\200\257", "\\xe0\\x80\\xaf");
	CHECK("overlong ESC (2 bytes)", "\301\233", "\\xc1\\x9b");
	CHECK("surrogate U+D800", "\355\240\200", "\\xed\\xa0\\x80");
	CHECK("beyond U+10FFFF", "\364\220\200\200",
	    "\\xf4\\x90\\x80\\x80");
	CHECK("cut short at the end", "ab\342\202", "ab\\xe2\\x82");
	CHECK("cut short by ASCII", "\342\202x", "\\xe2\\x82x");
	CHECK("stray continuation", "\200", "\\x80");
	CHECK("0xff and 0xfe", "\377\376", "\\xff\\xfe");
	CHECK("valid two-byte text", "caf\303\251", "caf\303\251");
	CHECK("valid three-byte text", "x \342\206\222 fp16",
	    "x \342\206\222 fp16");
	CHECK("valid four-byte text", "\360\237\231\202", "\360\237\231\202");
	CHECK("Chinese", "\346\265\256\347\202\271", "\346\265\256\347\202\271");
	CHECK("mixed", "\346\265\256\033\342\202", "\346\265\256^[\\xe2\\x82");
	CHECK("long ASCII with an escape past 8 bytes",
	    "0123456789abcdef\033[2J0123456789",
	    "0123456789abcdef^[[2J0123456789");
	CHECK("high byte inside an 8-byte word", "0123\2334567",
	    "0123\\x9b4567");

	/* Spans stop at the first unit that is not shown as it is. */
	ok(fpv_safe_span("abc\033d", 5) == 3, "span stops at ESC");
	ok(fpv_safe_span("caf\303\251\233", 6) == 5,
	    "span takes valid UTF-8, stops at a C1 byte");
	ok(fpv_safe_span("\342\202", 2) == 0, "span stops at a cut sequence");

	/* Copies are cut at a whole unit, never inside one. */
	n = fpv_safe_copy(buf, 5, "ab\033c", 4);
	ok(n == 4 && strcmp(buf, "ab^[") == 0, "a copy cut after a caret unit");
	n = fpv_safe_copy(buf, 4, "ab\033c", 4);
	ok(n == 2 && strcmp(buf, "ab") == 0, "a caret unit is not split");
	n = fpv_safe_copy(buf, 6, "a\377", 2);
	ok(n == 5 && strcmp(buf, "a\\xff") == 0, "a \\xHH unit fits exactly");
	n = fpv_safe_copy(buf, 5, "a\377", 2);
	ok(n == 1 && strcmp(buf, "a") == 0, "a \\xHH unit is not split");
	n = fpv_safe_copy(buf, 4, "ab\303\251", 4);
	ok(n == 2 && strcmp(buf, "ab") == 0,
	    "a UTF-8 character is not split");
	n = fpv_safe_copy(buf, 1, "abc", 3);
	ok(n == 0 && buf[0] == '\0', "room for the NUL alone");
	return tap_done();
}
