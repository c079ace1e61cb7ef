/*
 * Untrusted text made safe to show on a terminal.
 *
 * Text that came from input (lesson titles and captions, echoed
 * expressions and commands, words quoted in error messages, file names)
 * is written in one notation, so that a terminal shows every byte of it
 * visibly and nothing in it can act on the terminal (retitle it, switch
 * its screen, move its cursor, ring its bell):
 *
 *   byte or character                   shown as
 *   C0 controls U+0000..U+001F          caret notation: "^@" .. "^_"
 *     except TAB                        ESC "^[", BEL "^G", LF "^J"
 *   TAB                                 one space
 *   DEL (0x7f)                          "^?"
 *   C1 controls U+0080..U+009F,         each byte as "\xHH" (lowercase
 *     as valid UTF-8 (c2 80..c2 9f)     hex): U+009B is "\xc2\x9b"
 *   a byte that is not part of valid    "\xHH": a raw 0x9b is "\x9b",
 *     UTF-8 (stray continuation,        0xff is "\xff"; an invalid
 *     overlong form, surrogate, beyond  sequence is shown byte by byte
 *     U+10FFFF, cut short, c0 c1 f5..ff)
 *   anything else (printable ASCII,     unchanged
 *     valid UTF-8 from U+00A0 on)
 *
 * TAB is one space rather than "^I": it is blank in every input fpviz
 * reads, so its text reads as typed, and one column per input
 * character keeps the columns of error messages right.
 *
 * The notation is for reading, not reversible: a '^' or a "\x" in the
 * text itself is shown as it is.  It does not depend on the locale.
 * The safe form of safe text is the same text.
 */
#ifndef FPVIZ_SAFE_H
#define FPVIZ_SAFE_H

#include <stddef.h>
#include <stdio.h>

/* The longest safe form of one unit ("\xHH", or a 4-byte character). */
#define FPV_SAFE_UNIT_MAX 4

/* Length of the longest prefix of s[0..len) that is shown unchanged. */
size_t fpv_safe_span(const char *s, size_t len);

/*
 * The unit at the start of s[0..len) (len > 0): its safe form is written
 * to out (*outlen bytes, not NUL-terminated); returns the number of bytes
 * of s it stands for (at least 1).
 */
size_t fpv_safe_unit(const char *s, size_t len, char out[FPV_SAFE_UNIT_MAX],
    size_t *outlen);

/* Length in bytes of the safe form of s[0..len). */
size_t fpv_safe_size(const char *s, size_t len);

/* Write the safe form of s[0..len) to fp; 0, or EOF on a write error. */
int fpv_safe_write(FILE *fp, const char *s, size_t len);

/*
 * Write the safe form of s[0..len) into buf[0..size), NUL-terminated
 * (size > 0), cut before the first unit that does not fit whole; returns
 * the length written.
 */
size_t fpv_safe_copy(char *buf, size_t size, const char *s, size_t len);

/* The safe form of s[0..len) as a new string (malloc'd), or NULL. */
char *fpv_safe_dup(const char *s, size_t len);

#endif
