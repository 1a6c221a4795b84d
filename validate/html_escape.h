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

#endif
