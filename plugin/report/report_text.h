/* How a report's facts are written for Wireshark: every string from a
 * member through format/safe_text.h (the project's one escaping: a control
 * byte, an escape sequence or a CR/LF from a hostile zip reaches capinfos,
 * tshark -V and the GUI as \x1b, \r, \n), optionally cut to a room without
 * splitting an escape or a character; and numbers as people write them, not
 * as a double prints. */
#ifndef SPICECAP_REPORT_TEXT_H
#define SPICECAP_REPORT_TEXT_H

#include <glib.h>
#include <stddef.h>

/* The escaped text (g_free it); NULL for NULL. */
char *report_safe(const char *text);

/* The escaped text in at most room bytes: when it does not fit, as much
 * as fits before "..." (room >= 3). g_free it; NULL for NULL. */
char *report_safe_cut(const char *text, size_t room);

/* The most any one string of a report adds to a comment, escaped: a
 * member may hold a megabyte of text, and each byte may escape to four. */
#define REPORT_TEXT_MAX 4096

/* Appends the escaped text (cut to REPORT_TEXT_MAX), or what when text is
 * NULL. */
void report_append_safe(GString *out, const char *text, const char *what);

/* Seconds on a microsecond clock: at most six decimals, trailing zeros
 * dropped ("1.938759", "12.5", "4"); other magnitudes as %g. Into buf. */
enum { REPORT_NUMBER_TEXT = 48 };
const char *report_seconds(double secs, char buf[REPORT_NUMBER_TEXT]);

/* A figure with at most decimals decimals, trailing zeros dropped
 * ("29.5", "7"); huge or non-finite ones as %g. Into buf. */
const char *report_number(double value, int decimals, char buf[REPORT_NUMBER_TEXT]);

#endif
