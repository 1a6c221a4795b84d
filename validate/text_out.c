/* printf with every string argument escaped: see text_out.h. */
#include "text_out.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safe_text.h"

/* A string conversion: the string's escaped form, padded to the width. */
static void put_string(FILE *out, const char *s, size_t len, const char *flags, int width, int precision)
{
    /* The escaped form, cut at the precision without halving an escape or
     * a UTF-8 sequence (safe_text_write stops before the piece that does
     * not fit). */
    size_t need = spicecap_safe_text_len(s, len);
    size_t cap = precision >= 0 && (size_t)precision < need ? (size_t)precision : need;
    char *text = malloc(cap + 1);
    if (text == NULL)
        return;
    size_t used = spicecap_safe_text_write(s, len, text, cap + 1);
    size_t pad = width > 0 && (size_t)width > used ? (size_t)width - used : 0;
    bool left = strchr(flags, '-') != NULL;
    if (!left)
        for (size_t i = 0; i < pad; i++)
            fputc(' ', out);
    fwrite(text, 1, used, out);
    if (left)
        for (size_t i = 0; i < pad; i++)
            fputc(' ', out);
    free(text);
}

/* The length modifier of a conversion. */
typedef enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_BIG_L } length_mod;

static const char *take_length(const char *p, length_mod *len)
{
    switch (*p) {
    case 'h':
        *len = p[1] == 'h' ? LEN_HH : LEN_H;
        return p + (p[1] == 'h' ? 2 : 1);
    case 'l':
        *len = p[1] == 'l' ? LEN_LL : LEN_L;
        return p + (p[1] == 'l' ? 2 : 1);
    case 'j':
        *len = LEN_J;
        return p + 1;
    case 'z':
        *len = LEN_Z;
        return p + 1;
    case 't':
        *len = LEN_T;
        return p + 1;
    case 'L':
        *len = LEN_BIG_L;
        return p + 1;
    default:
        *len = LEN_NONE;
        return p;
    }
}

/* A number conversion: the argument of the type its length says, printed
 * by the C library with the conversion's own text (spec). */
static void put_number(FILE *out, const char *spec, char conv, length_mod len, int width, int precision,
                       bool star_width, bool star_precision, va_list *args)
{
    /* spec keeps its '*': the width and precision taken are passed again. */
#define PUT(value)                                                                                                   \
    do {                                                                                                             \
        if (star_width && star_precision)                                                                            \
            fprintf(out, spec, width, precision, value);                                                             \
        else if (star_width)                                                                                         \
            fprintf(out, spec, width, value);                                                                        \
        else if (star_precision)                                                                                     \
            fprintf(out, spec, precision, value);                                                                    \
        else                                                                                                         \
            fprintf(out, spec, value);                                                                               \
    } while (0)
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wformat-nonliteral\"");
    if (strchr("diouxX", conv)) {
        bool is_signed = conv == 'd' || conv == 'i';
        switch (len) {
        case LEN_L:
            if (is_signed)
                PUT(va_arg(*args, long));
            else
                PUT(va_arg(*args, unsigned long));
            break;
        case LEN_LL:
            if (is_signed)
                PUT(va_arg(*args, long long));
            else
                PUT(va_arg(*args, unsigned long long));
            break;
        case LEN_J:
            if (is_signed)
                PUT(va_arg(*args, intmax_t));
            else
                PUT(va_arg(*args, uintmax_t));
            break;
        case LEN_Z:
            PUT(va_arg(*args, size_t));
            break;
        case LEN_T:
            PUT(va_arg(*args, ptrdiff_t));
            break;
        default: /* int, and what is promoted to it (hh, h) */
            if (is_signed)
                PUT(va_arg(*args, int));
            else
                PUT(va_arg(*args, unsigned int));
            break;
        }
    } else if (strchr("fFeEgGaA", conv)) {
        if (len == LEN_BIG_L)
            PUT(va_arg(*args, long double));
        else
            PUT(va_arg(*args, double));
    } else if (conv == 'p') {
        PUT(va_arg(*args, void *));
    }
    _Pragma("GCC diagnostic pop");
#undef PUT
}

void text_vout(FILE *out, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p;) {
        const char *pct = strchr(p, '%');
        if (pct == NULL) {
            fputs(p, out);
            break;
        }
        fwrite(p, 1, (size_t)(pct - p), out);
        if (pct[1] == '%') {
            fputc('%', out);
            p = pct + 2;
            continue;
        }
        /* %[flags][width][.precision][length]conversion */
        const char *q = pct + 1;
        char flags[16] = ""; /* room for the 6 flags and a '-' added */
        size_t nflags = 0;
        while (*q && strchr("-+ #0'", *q)) {
            if (nflags + 2 < sizeof flags) /* and room for the '-' and the NUL */
                flags[nflags++] = *q;
            q++;
        }
        flags[nflags] = '\0';
        int width = -1, precision = -1;
        bool star_width = false, star_precision = false;
        if (*q == '*') {
            star_width = true;
            width = va_arg(args, int);
            q++;
        } else {
            for (width = 0; *q >= '0' && *q <= '9'; q++)
                width = width * 10 + (*q - '0');
        }
        if (*q == '.') {
            q++;
            if (*q == '*') {
                star_precision = true;
                precision = va_arg(args, int);
                q++;
            } else {
                for (precision = 0; *q >= '0' && *q <= '9'; q++)
                    precision = precision * 10 + (*q - '0');
            }
        }
        length_mod len;
        q = take_length(q, &len);
        char conv = *q;
        if (conv == '\0' || conv == 'n' || ((conv == 's' || conv == 'c') && len != LEN_NONE))
            abort(); /* a format the code wrote wrong (%n, wide strings): never reached with -Wformat */
        p = q + 1;
        if (conv == 's') {
            const char *s = va_arg(args, const char *);
            if (s == NULL)
                s = "(null)";
            if (star_width && width < 0) { /* a negative '*' width is a '-' flag */
                width = -width;
                strcat(flags, "-");
            }
            put_string(out, s, strlen(s), flags, width, star_precision && precision < 0 ? -1 : precision);
        } else if (conv == 'c') {
            char c = (char)va_arg(args, int);
            put_string(out, &c, 1, flags, width, -1);
        } else {
            char spec[32];
            size_t n = (size_t)(p - pct);
            if (n >= sizeof spec)
                abort();
            memcpy(spec, pct, n);
            spec[n] = '\0';
            put_number(out, spec, conv, len, width, precision, star_width, star_precision, &args);
        }
    }
    va_end(args);
}

void text_out(FILE *out, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    text_vout(out, fmt, args);
    va_end(args);
}
