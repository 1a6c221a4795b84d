/* Text from a capture or a bug report, made safe to print: the one escaping
 * every tool applies before a string from the input reaches a terminal, a
 * text report or a string handed to Wireshark (a comment, an OS name).
 *
 * Why: a member of a ryll report is written by whoever made the zip. An ESC
 * in it can clear the screen, set the window title or write the clipboard
 * (OSC 52); a CR or LF can forge a line such as a verdict; invalid UTF-8 makes
 * JSON parsers and GTK refuse the whole text. So every control character, C0
 * and C1, DEL, the line and paragraph separators, the bidirectional overrides
 * (which reorder what is shown), and every byte that is not part of valid
 * UTF-8 are written as escapes; a backslash is doubled so the escaping can be
 * read back without ambiguity. Everything else passes unchanged.
 *
 *   \n \r \t     newline, carriage return, tab
 *   \\           a backslash
 *   \xNN         any other C0 byte, DEL, or a byte of invalid UTF-8
 *   \uNNNN       C1 controls (U+0080..U+009F), U+2028, U+2029, U+200E, U+200F,
 *                U+202A..U+202E, U+2066..U+2069
 *
 * Plain C, no allocation of its own beyond the one result: the validator,
 * the generator and both Wireshark plugins link it. */
#ifndef SPICECAP_SAFE_TEXT_H
#define SPICECAP_SAFE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The length of the escaped form of the LEN bytes at TEXT, without the
 * terminating NUL. */
size_t spicecap_safe_text_len(const char *text, size_t len);

/* Writes the escaped form of TEXT[0..LEN) into OUT, which holds CAP bytes,
 * always NUL-terminated when CAP > 0. An escape is never cut in half: when
 * the room runs out the text ends before it. Returns the bytes written
 * without the NUL. */
size_t spicecap_safe_text_write(const char *text, size_t len, char *out, size_t cap);

/* The escaped form of TEXT[0..LEN) in a new string (free() it), or NULL when
 * memory runs out. */
char *spicecap_safe_text(const char *text, size_t len);

/* True when TEXT[0..LEN) passes unchanged (nothing to escape). */
bool spicecap_text_is_safe(const char *text, size_t len);

#endif
