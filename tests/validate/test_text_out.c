/* text_out (validate/text_out.h), the validator's one printf of text for a
 * reader: what it prints is what the C library's snprintf prints, except
 * that each string argument is shown escaped. The expected text is snprintf's
 * own (for the numbers, widths, precisions and '*') or written out here by
 * hand from format/safe_text.h's rules (for the strings). */
#include <CUnit/Basic.h>
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_run.h"
#include "text_out.h"

/* What text_out prints for the format and arguments. g_free it. */
static char *printed(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static char *printed(const char *fmt, ...)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    va_list args;
    va_start(args, fmt);
    text_vout(out, fmt, args);
    va_end(args);
    fclose(out);
    char *copy = g_strndup(text, size);
    free(text);
    return copy;
}

#define SAME_AS_SNPRINTF(...)                                                                                        \
    do {                                                                                                             \
        char want[256];                                                                                              \
        snprintf(want, sizeof want, __VA_ARGS__);                                                                    \
        char *got = printed(__VA_ARGS__);                                                                            \
        CU_ASSERT_STRING_EQUAL(got, want);                                                                           \
        g_free(got);                                                                                                 \
    } while (0)

#define PRINTS(want, ...)                                                                                            \
    do {                                                                                                             \
        char *got = printed(__VA_ARGS__);                                                                            \
        CU_ASSERT_STRING_EQUAL(got, want);                                                                           \
        g_free(got);                                                                                                 \
    } while (0)

static void test_numbers_as_printf(void)
{
    SAME_AS_SNPRINTF("%d %i %u %x %X %o %%", -5, 7, 42u, 255u, 255u, 8u);
    SAME_AS_SNPRINTF("%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %zu %lld", (guint64)UINT64_MAX, (gint64)INT64_MIN,
                     (size_t)12345, -1LL);
    SAME_AS_SNPRINTF("%8.3f|%-8.2e|%g|%.6f", 3.14159, 12345.678, 1e-7, 18446744073.0);
    SAME_AS_SNPRINTF("%5d|%-5d|%05d|%+d|%*d|%-*d|%.*f", 42, 42, 42, 42, 6, 7, 6, 7, 2, 1.005);
    SAME_AS_SNPRINTF("%hhu %hu %lu %jd", 300, 70000, 5ul, (intmax_t)-9);
    SAME_AS_SNPRINTF("no conversion at all");
}

static void test_safe_strings_as_printf(void)
{
    SAME_AS_SNPRINTF("%s: %s, %c", "display", "caf\xc3\xa9 \xf0\x9f\x98\x80", 'x');
    SAME_AS_SNPRINTF("[%-9s][%9s][%.3s][%-40.40s]", "main", "cursor", "playback", "a path of some length");
    SAME_AS_SNPRINTF("[%.*s%*s] %3d%%", 3, "##########", 27, "", 10);
}

static void test_strings_escaped(void)
{
    PRINTS("OK: \\x1b[2J\\x1b]0;t\\x07\\r\\nOK: 0\n", "OK: %s\n", "\x1b[2J\x1b]0;t\x07\r\nOK: 0");
    PRINTS("a\\\\b \\t \\x7f \\xff\\xfe \\u009b \\u202e", "%s", "a\\b \t \x7f \xff\xfe \xc2\x9b \xe2\x80\xae");
    PRINTS("-\\x1b-\\n-", "-%c-%c-", '\x1b', '\n');
    PRINTS("(null)", "%s", (const char *)NULL);
}

static void test_width_and_precision_of_the_escaped_text(void)
{
    /* The width pads the escaped text; a precision never cuts an escape or
     * a UTF-8 sequence in half. */
    PRINTS("[\\x1b  ]", "[%-6s]", "\x1b");
    PRINTS("[  \\x1b]", "[%6s]", "\x1b");
    PRINTS("[ab]", "[%.5s]", "ab\x1b");      /* "ab\x1b" would be 6 bytes: the escape is left out whole */
    PRINTS("[ab\\x1b]", "[%.6s]", "ab\x1b");
    PRINTS("[a]", "[%.2s]", "a\xc3\xa9");     /* the 2-byte e-acute does not fit in 1 byte */
    PRINTS("[\\x1b  ]", "[%*s]", -6, "\x1b"); /* a negative '*' width is a '-' flag */
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("text_out", NULL, NULL);
    CU_add_test(s, "numbers, widths and precisions as snprintf", test_numbers_as_printf);
    CU_add_test(s, "strings with nothing to escape as snprintf", test_safe_strings_as_printf);
    CU_add_test(s, "strings from the input escaped", test_strings_escaped);
    CU_add_test(s, "width and precision of the escaped text", test_width_and_precision_of_the_escaped_text);
    return spicecap_cunit_run();
}
