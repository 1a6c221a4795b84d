/* Escaping text from the input before it is shown: see safe_text.h. */
#include "safe_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The longest piece one step writes: "\u2069" is 6 bytes, a 4-byte UTF-8
 * sequence 4. */
enum { PIECE_MAX = 8 };

/* The length of the valid UTF-8 sequence starting at S (AVAIL bytes left),
 * with its code point in *CP, or 0 when the byte at S does not start one:
 * overlong forms, surrogates and code points past U+10FFFF are invalid, as
 * RFC 3629 says. */
static size_t utf8_sequence(const uint8_t *s, size_t avail, uint32_t *cp)
{
    uint8_t b = s[0];
    size_t n;
    uint32_t v, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2, v = b & 0x1Fu, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, v = b & 0x0Fu, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, v = b & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Code points that are valid but change what a terminal or a text view
 * shows beyond their own glyph. */
static bool escaped_code_point(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static const char HEX[] = "0123456789abcdef";

/* One step: the piece written for the input at TEXT[*at], and *at moved
 * past what it stands for. Returns the piece's length. */
static size_t next_piece(const char *text, size_t len, size_t *at, char piece[PIECE_MAX])
{
    const uint8_t *s = (const uint8_t *)text + *at;
    uint32_t cp = 0;
    size_t n = utf8_sequence(s, len - *at, &cp);
    if (n == 0) { /* not UTF-8: the byte itself, escaped */
        *at += 1;
        piece[0] = '\\', piece[1] = 'x', piece[2] = HEX[s[0] >> 4], piece[3] = HEX[s[0] & 15];
        return 4;
    }
    *at += n;
    if (cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t') {
        piece[0] = '\\';
        piece[1] = cp == '\\' ? '\\' : cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
        return 2;
    }
    if (cp < 0x20 || cp == 0x7F) {
        piece[0] = '\\', piece[1] = 'x', piece[2] = HEX[cp >> 4], piece[3] = HEX[cp & 15];
        return 4;
    }
    if (escaped_code_point(cp)) {
        piece[0] = '\\', piece[1] = 'u';
        for (int i = 0; i < 4; i++)
            piece[2 + i] = HEX[(cp >> (12 - 4 * i)) & 15];
        return 6;
    }
    memcpy(piece, s, n);
    return n;
}

size_t spicecap_safe_text_len(const char *text, size_t len)
{
    size_t total = 0;
    char piece[PIECE_MAX];
    for (size_t at = 0; at < len;)
        total += next_piece(text, len, &at, piece);
    return total;
}

size_t spicecap_safe_text_write(const char *text, size_t len, char *out, size_t cap)
{
    size_t used = 0;
    char piece[PIECE_MAX];
    if (cap == 0)
        return 0;
    for (size_t at = 0; at < len;) {
        size_t n = next_piece(text, len, &at, piece);
        if (used + n > cap - 1)
            break;
        memcpy(out + used, piece, n);
        used += n;
    }
    out[used] = '\0';
    return used;
}

char *spicecap_safe_text(const char *text, size_t len)
{
    size_t need = spicecap_safe_text_len(text, len);
    char *out = malloc(need + 1);
    if (out)
        spicecap_safe_text_write(text, len, out, need + 1);
    return out;
}

bool spicecap_text_is_safe(const char *text, size_t len)
{
    char piece[PIECE_MAX];
    for (size_t at = 0; at < len;) {
        size_t before = at;
        size_t n = next_piece(text, len, &at, piece);
        if (n != at - before || memcmp(piece, text + before, n) != 0)
            return false;
    }
    return true;
}
