#include "report_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safe_text.h"

char *report_safe(const char *text)
{
    if (text == NULL)
        return NULL;
    size_t len = strlen(text);
    char *out = g_malloc(spicecap_safe_text_len(text, len) + 1);
    spicecap_safe_text_write(text, len, out, spicecap_safe_text_len(text, len) + 1);
    return out;
}

char *report_safe_cut(const char *text, size_t room)
{
    if (text == NULL)
        return NULL;
    size_t len = strlen(text), whole = spicecap_safe_text_len(text, len);
    if (whole <= room)
        return report_safe(text);
    /* safe_text never writes half an escape or half a character. */
    size_t keep = room > 3 ? room - 3 : 0;
    char *out = g_malloc(keep + 4);
    size_t wrote = spicecap_safe_text_write(text, len, out, keep + 1);
    memcpy(out + wrote, "...", 4);
    return out;
}

void report_append_safe(GString *out, const char *text, const char *what)
{
    if (text == NULL) {
        g_string_append(out, what);
        return;
    }
    char *safe = report_safe_cut(text, REPORT_TEXT_MAX);
    g_string_append(out, safe);
    g_free(safe);
}

/* Drops the zeros after the decimal point, and the point when none is left. */
static void trim_zeros(char *text)
{
    if (strchr(text, '.') == NULL || strpbrk(text, "eEn") != NULL)
        return;
    char *end = text + strlen(text) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
}

const char *report_number(double value, int decimals, char buf[REPORT_NUMBER_TEXT])
{
    if (!isfinite(value) || fabs(value) >= 1e15)
        snprintf(buf, REPORT_NUMBER_TEXT, "%g", value);
    else {
        snprintf(buf, REPORT_NUMBER_TEXT, "%.*f", decimals, value);
        trim_zeros(buf);
        if (strcmp(buf, "-0") == 0)
            strcpy(buf, "0");
    }
    return buf;
}

const char *report_seconds(double secs, char buf[REPORT_NUMBER_TEXT])
{
    return report_number(secs, 6, buf);
}
