/* Everything from the input goes into the page through here. */
#ifndef SPICECAP_VALIDATE_HTML_ESCAPE_H
#define SPICECAP_VALIDATE_HTML_ESCAPE_H

#include <glib.h>
#include <stdio.h>

/* text with & < > " ' escaped: safe in element content and in a quoted attribute. */
static inline void html_put(FILE *out, const char *text)
{
    char *valid = g_utf8_make_valid(text ? text : "", -1); /* a capture's bytes need not be UTF-8 */
    char *e = g_markup_escape_text(valid, -1);
    fputs(e, out);
    g_free(e);
    g_free(valid);
}

/* The same, cut to its first max characters (and "...") where a long text from the input would crowd a table. */
static inline void html_put_cut(FILE *out, const char *text, glong max)
{
    char *valid = g_utf8_make_valid(text ? text : "", -1);
    if (g_utf8_strlen(valid, -1) > max) {
        char *cut = g_utf8_substring(valid, 0, max);
        html_put(out, cut);
        fputs("...", out);
        g_free(cut);
    } else {
        html_put(out, valid);
    }
    g_free(valid);
}

#endif
