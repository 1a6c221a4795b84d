/* The validator's one way to print text a user reads (the report on stdout,
 * the messages on stderr): printf whose every %s (and %c) argument is shown
 * through format/safe_text.h, the project's one escaping.
 *
 * Why at the printf and not where strings enter the report: the strings
 * that reach the text come from everywhere (a member's value, a member's
 * name, a name inside the zip, a path given on the command line, json-glib's
 * error text quoting the input, a note composed from any of these), and they
 * are also keys (a file's path finds its findings) and are written to
 * --json, --junit and the page, each with an escaping of its own. Escaping
 * each at its source would need every source found, and a string escaped
 * twice or used escaped as a key would go wrong quietly. Here every string
 * argument is escaped, whatever it holds, and the only bytes printed raw are
 * the format's, a literal in the code (validate/ builds with -Wformat=2,
 * which refuses a format that is not): no ESC, CR or LF from the input can reach the terminal, and a
 * verdict line cannot be forged. Strings made by the tool itself (a channel
 * name) pass unchanged, since they hold nothing to escape.
 *
 * So: nothing printed for a reader goes through fprintf or fputs directly
 * (tests/validate/test_hostile_output.py checks the sources). Text is
 * composed raw and escaped once, here. */
#ifndef SPICECAP_VALIDATE_TEXT_OUT_H
#define SPICECAP_VALIDATE_TEXT_OUT_H

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

/* printf to out, every %s and %c argument escaped (width and precision
 * count the escaped bytes; an escape is never cut by a precision). %n is
 * refused (abort). */
void text_out(FILE *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void text_vout(FILE *out, const char *fmt, va_list args) G_GNUC_PRINTF(2, 0);

#endif
