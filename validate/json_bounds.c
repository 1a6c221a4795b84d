#include "json_bounds.h"

#include <stdio.h>

#include "report_bounds.h"

bool json_text_bounded(const char *text, size_t len, size_t max_values, char *why, size_t cap)
{
    size_t depth = 0, values = 1;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++; /* the escaped byte is never a quote that ends the string */
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            if (++depth > REPORT_JSON_MAX_DEPTH) {
                snprintf(why, cap, "nested deeper than %u levels at byte %zu", REPORT_JSON_MAX_DEPTH, i);
                return false;
            }
            /* an array or object is a value: counted as one */
            /* fall through */
        case ',':
        case ':':
            /* Every value but the first follows one of these: counting
             * them bounds the values (and an object's members). */
            if (++values > max_values) {
                snprintf(why, cap, "more than %zu values (at byte %zu)", max_values, i);
                return false;
            }
            break;
        case ']':
        case '}':
            if (depth > 0) /* an unbalanced close is the parser's to name */
                depth--;
            break;
        default:
            break;
        }
    }
    return true;
}
