#include "serde_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ryu's layout of digits d1..dn times 10^(point - n): plain decimals while
 * the point is within 16 places to the left or 5 to the right, else
 * d.ddde<exp> (read from ryu's format64, which serde_json calls). */
void serde_append_f64(GString *out, double value)
{
    if (!isfinite(value)) {
        g_string_append(out, "null"); /* serde_json writes NaN and infinities as null */
        return;
    }
    if (value == 0) {
        g_string_append(out, signbit(value) ? "-0.0" : "0.0");
        return;
    }
    char text[40];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*e", digits - 1, value);
        if (strtod(text, NULL) == value)
            break;
    }
    /* text: [-]d[.ddd]e[+-]x */
    const char *p = text;
    if (*p == '-') {
        g_string_append_c(out, '-');
        p++;
    }
    char mantissa[24];
    size_t n = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            mantissa[n++] = *p;
    while (n > 1 && mantissa[n - 1] == '0')
        n--;
    mantissa[n] = '\0';
    int exponent = atoi(p + 1);
    int point = exponent + 1; /* value = 0.mantissa * 10^point */
    if (point >= (int)n && point <= 16) {
        g_string_append(out, mantissa);
        for (int i = (int)n; i < point; i++)
            g_string_append_c(out, '0');
        g_string_append(out, ".0");
    } else if (point > 0 && point <= 16) {
        g_string_append_len(out, mantissa, point);
        g_string_append_c(out, '.');
        g_string_append(out, mantissa + point);
    } else if (point > -5 && point <= 0) {
        g_string_append(out, "0.");
        for (int i = point; i < 0; i++)
            g_string_append_c(out, '0');
        g_string_append(out, mantissa);
    } else {
        g_string_append_c(out, mantissa[0]);
        if (n > 1) {
            g_string_append_c(out, '.');
            g_string_append(out, mantissa + 1);
        }
        g_string_append_printf(out, "e%d", point - 1);
    }
}

/* serde_json's escapes: the short ones it has, \u00xx for other controls. */
static void append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
    g_string_append_c(out, '"');
}

static void indent(GString *out, int depth)
{
    for (int i = 0; i < depth; i++)
        g_string_append(out, "  ");
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(a, b);
}

static void append_node(GString *out, JsonNode *node, int depth, bool sort_keys);

static void append_object(GString *out, JsonObject *o, int depth, bool sort_keys)
{
    GList *names = json_object_get_members(o);
    if (sort_keys)
        names = g_list_sort(names, by_name);
    if (names == NULL) {
        g_string_append(out, "{}");
        return;
    }
    g_string_append(out, "{\n");
    for (GList *n = names; n; n = n->next) {
        indent(out, depth + 1);
        append_string(out, n->data);
        g_string_append(out, ": ");
        append_node(out, json_object_get_member(o, n->data), depth + 1, sort_keys);
        g_string_append(out, n->next ? ",\n" : "\n");
    }
    indent(out, depth);
    g_string_append_c(out, '}');
    g_list_free(names);
}

static void append_array(GString *out, JsonArray *a, int depth, bool sort_keys)
{
    guint len = json_array_get_length(a);
    if (len == 0) {
        g_string_append(out, "[]");
        return;
    }
    g_string_append(out, "[\n");
    for (guint i = 0; i < len; i++) {
        indent(out, depth + 1);
        append_node(out, json_array_get_element(a, i), depth + 1, sort_keys);
        g_string_append(out, i + 1 < len ? ",\n" : "\n");
    }
    indent(out, depth);
    g_string_append_c(out, ']');
}

static void append_node(GString *out, JsonNode *node, int depth, bool sort_keys)
{
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT:
        append_object(out, json_node_get_object(node), depth, sort_keys);
        return;
    case JSON_NODE_ARRAY:
        append_array(out, json_node_get_array(node), depth, sort_keys);
        return;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        return;
    case JSON_NODE_VALUE:
        break;
    }
    GType type = json_node_get_value_type(node);
    if (type == G_TYPE_INT64) /* a u64 beyond gint64 is held as its two's complement (report_members.h) */
        g_string_append_printf(out, "%" G_GUINT64_FORMAT, (guint64)json_node_get_int(node));
    else if (type == G_TYPE_DOUBLE)
        serde_append_f64(out, json_node_get_double(node));
    else if (type == G_TYPE_BOOLEAN)
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
    else
        append_string(out, json_node_get_string(node));
}

char *serde_pretty(JsonNode *root, bool sort_keys)
{
    GString *out = g_string_new(NULL);
    append_node(out, root, 0, sort_keys);
    return g_string_free(out, FALSE);
}

char *serde_pretty_builder(JsonBuilder *b, bool sort_keys)
{
    JsonNode *root = json_builder_get_root(b);
    char *text = serde_pretty(root, sort_keys);
    json_node_unref(root);
    g_object_unref(b);
    return text;
}
