/* spicecap_safe_text against escapes written out here by hand, and a
 * property checked on every 1- and 2-byte input and on random bytes: the
 * result never holds a control byte or invalid UTF-8, and reading the escapes
 * back (a decoder written here) gives the input again. */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_run.h"
#include "safe_text.h"

static void expect(const char *in, size_t len, const char *want)
{
    char *got = spicecap_safe_text(in, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(spicecap_safe_text_len(in, len), strlen(want));
    CU_ASSERT_EQUAL(spicecap_text_is_safe(in, len), strcmp(in, want) == 0 && strlen(in) == len);
    free(got);
}

static void test_known_escapes(void)
{
    expect("plain text, caf\xc3\xa9 \xe2\x82\xac", 21, "plain text, caf\xc3\xa9 \xe2\x82\xac");
    expect("\x1b[2J\x1b]0;title\x07", 14, "\\x1b[2J\\x1b]0;title\\x07");
    expect("\x1b]52;c;aGk=\x07", 12, "\\x1b]52;c;aGk=\\x07"); /* OSC 52 clipboard write */
    expect("a\r\nOK: 0 finding(s)", 19, "a\\r\\nOK: 0 finding(s)");
    expect("tab\there\\", 9, "tab\\there\\\\");
    expect("nul\0.exe", 8, "nul\\x00.exe");
    expect("del\x7f", 4, "del\\x7f");
    expect("c1 \xc2\x9b" "31m", 8, "c1 \\u009b31m");                 /* U+009B, a C1 CSI */
    expect("\xe2\x80\xae" "gpj.exe", 10, "\\u202egpj.exe");          /* right-to-left override */
    expect("line\xe2\x80\xa8sep", 10, "line\\u2028sep");
    expect("\xff\xfe", 2, "\\xff\\xfe");
    expect("\xc0\xaf", 2, "\\xc0\\xaf");                             /* overlong '/' */
    expect("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");                    /* a lone surrogate */
    expect("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80");           /* past U+10FFFF */
    expect("\xe2\x82", 2, "\\xe2\\x82");                             /* cut sequence */
    expect("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");               /* an emoji passes */
    expect("", 0, "");
}

static void test_write_never_cuts_an_escape(void)
{
    char out[8];
    size_t n = spicecap_safe_text_write("ab\x1b" "cd", 5, out, sizeof out);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_STRING_EQUAL(out, "ab\\x1bc");
    n = spicecap_safe_text_write("abcde\x1b", 6, out, 8);
    CU_ASSERT_STRING_EQUAL(out, "abcde"); /* "\x1b" would need 4 more */
    CU_ASSERT_EQUAL(n, 5);
    n = spicecap_safe_text_write("x", 1, out, 1);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_STRING_EQUAL(out, "");
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads the escapes back; returns the decoded length or (size_t)-1. */
static size_t unescape(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (*s) {
        if (*s != '\\') {
            out[n++] = (uint8_t)*s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': out[n++] = '\n', s++; break;
        case 'r': out[n++] = '\r', s++; break;
        case 't': out[n++] = '\t', s++; break;
        case '\\': out[n++] = '\\', s++; break;
        case 'x':
            if (hexval(s[1]) < 0 || hexval(s[2]) < 0)
                return (size_t)-1;
            out[n++] = (uint8_t)(hexval(s[1]) << 4 | hexval(s[2]));
            s += 3;
            break;
        case 'u': {
            unsigned cp = 0;
            for (int i = 1; i <= 4; i++) {
                if (hexval(s[i]) < 0)
                    return (size_t)-1;
                cp = cp << 4 | (unsigned)hexval(s[i]);
            }
            if (cp < 0x800) {
                out[n++] = (uint8_t)(0xC0 | cp >> 6), out[n++] = (uint8_t)(0x80 | (cp & 0x3F));
            } else {
                out[n++] = (uint8_t)(0xE0 | cp >> 12), out[n++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                out[n++] = (uint8_t)(0x80 | (cp & 0x3F));
            }
            s += 5;
            break;
        }
        default: return (size_t)-1;
        }
    }
    return n;
}

/* No byte below 0x20, no DEL, no C1 control (0xC2 0x80..0x9F) in the result. */
static int holds_control(const char *s)
{
    for (const uint8_t *p = (const uint8_t *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
            return 1;
    return 0;
}

/* Escaping the result again only doubles its backslashes: it is valid
 * UTF-8 with nothing else to escape. */
static int escapes_only_backslashes(const char *s)
{
    size_t backslashes = 0, len = strlen(s);
    for (size_t i = 0; i < len; i++)
        backslashes += s[i] == '\\';
    return spicecap_safe_text_len(s, len) == len + backslashes;
}

static void check_round_trip(const uint8_t *in, size_t len, unsigned *wrong)
{
    char *esc = spicecap_safe_text((const char *)in, len);
    uint8_t back[64 * 4];
    if (!esc || holds_control(esc) || !escapes_only_backslashes(esc) || unescape(esc, back) != len ||
        memcmp(back, in, len) != 0)
        (*wrong)++;
    free(esc);
}

static void test_every_short_input_round_trips(void)
{
    unsigned wrong = 0;
    uint8_t in[64];
    for (unsigned a = 0; a < 256; a++) {
        in[0] = (uint8_t)a;
        check_round_trip(in, 1, &wrong);
        for (unsigned b = 0; b < 256; b++) {
            in[1] = (uint8_t)b;
            check_round_trip(in, 2, &wrong);
        }
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 200000; round++) {
        size_t len = (size_t)(round % 64);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* bias towards UTF-8 lead and continuation bytes */
            in[i] = (uint8_t)((x & 3) == 0 ? 0x80 | (x >> 8 & 0x3F) : (x & 3) == 1 ? 0xC0 | (x >> 8 & 0x3F) : x >> 8);
        }
        check_round_trip(in, len, &wrong);
    }
    CU_ASSERT_EQUAL(wrong, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("safe_text", NULL, NULL);
    CU_add_test(s, "known escapes", test_known_escapes);
    CU_add_test(s, "a bounded write never cuts an escape", test_write_never_cuts_an_escape);
    CU_add_test(s, "every short input round-trips, nothing raw left", test_every_short_input_round_trips);
    return spicecap_cunit_run();
}
