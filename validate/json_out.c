/* Strict JSON written as it goes: see json_out.h. */
#include "json_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "safe_text.h"

void json_out_init(json_out *w, FILE *out)
{
    w->out = out;
    w->written = g_byte_array_new();
    w->not_finite = 0;
}

void json_out_clear(json_out *w)
{
    g_byte_array_free(w->written, TRUE);
    w->written = NULL;
}

/* TEXT's safe_text form as a JSON string. The safe form holds no control
 * character and is valid UTF-8: only '"' and '\' need JSON's escapes. */
static void put_string(FILE *out, const char *text)
{
    char *safe = spicecap_safe_text(text, strlen(text));
    fputc('"', out);
    for (const char *p = safe ? safe : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc('"', out);
    free(safe);
}

/* What comes before a value: the comma after an earlier one, the name. */
static void before_value(json_out *w, const char *name)
{
    guint depth = w->written->len;
    if (depth) {
        if (w->written->data[depth - 1])
            fputc(',', w->out);
        w->written->data[depth - 1] = 1;
    }
    if (name) {
        put_string(w->out, name);
        fputc(':', w->out);
    }
}

static void open_level(json_out *w, const char *name, char bracket)
{
    before_value(w, name);
    fputc(bracket, w->out);
    guint8 none = 0;
    g_byte_array_append(w->written, &none, 1);
}

static void close_level(json_out *w, char bracket)
{
    g_assert(w->written->len > 0);
    g_byte_array_set_size(w->written, w->written->len - 1);
    fputc(bracket, w->out);
}

void json_out_begin_object(json_out *w, const char *name)
{
    open_level(w, name, '{');
}

void json_out_end_object(json_out *w)
{
    close_level(w, '}');
}

void json_out_begin_array(json_out *w, const char *name)
{
    open_level(w, name, '[');
}

void json_out_end_array(json_out *w)
{
    close_level(w, ']');
}

void json_out_string(json_out *w, const char *name, const char *value)
{
    before_value(w, name);
    if (value)
        put_string(w->out, value);
    else
        fputs("null", w->out);
}

void json_out_int(json_out *w, const char *name, int64_t value)
{
    before_value(w, name);
    fprintf(w->out, "%" PRId64, value);
}

void json_out_uint(json_out *w, const char *name, uint64_t value)
{
    before_value(w, name);
    fprintf(w->out, "%" PRIu64, value);
}

/* 2^63: doubles in [-2^63, 2^63) convert to int64_t exactly and defined. */
#define TWO_63 9223372036854775808.0

/* False (nothing written) when value is not finite. */
static bool put_double(FILE *out, double value)
{
    if (!isfinite(value))
        return false;
    if (value >= -TWO_63 && value < TWO_63) { /* the cast is defined: in range */
        int64_t whole = (int64_t)value;
        if ((double)whole == value) {
            fprintf(out, "%" PRId64, whole);
            return true;
        }
    }
    /* The shortest text that reads back as the same double: %g of a finite
     * number is a JSON number ("1.5", "2.5e-07", "1e+300"). */
    char text[40];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, value);
        if (strtod(text, NULL) == value)
            break;
    }
    fputs(text, out);
    return true;
}

void json_out_double(json_out *w, const char *name, double value)
{
    before_value(w, name);
    if (!put_double(w->out, value)) {
        fputs("null", w->out);
        w->not_finite++;
    }
}

void json_out_bool(json_out *w, const char *name, bool value)
{
    before_value(w, name);
    fputs(value ? "true" : "false", w->out);
}

void json_out_null(json_out *w, const char *name)
{
    before_value(w, name);
    fputs("null", w->out);
}

/* One open object or array of the node being written. */
typedef struct level {
    JsonNode *node;
    GList *names, *next_name; /* an object's member names, in order, and the next to write */
    guint next_index;         /* an array's next element */
} level;

/* "LABEL.a[3].b": where the value about to be written is (the top of the
 * stack is its container). */
static char *path_of(const GArray *stack, const char *label)
{
    GString *path = g_string_new(label);
    for (guint i = 0; i < stack->len; i++) {
        const level *l = &g_array_index(stack, level, i);
        if (l->names) {
            /* next_name has moved past the member being written */
            GList *at = l->next_name ? l->next_name->prev : g_list_last(l->names);
            g_string_append_printf(path, ".%s", at ? (const char *)at->data : "?");
        } else {
            g_string_append_printf(path, "[%u]", l->next_index - 1);
        }
    }
    return g_string_free(path, FALSE);
}

static void note_not_finite(GPtrArray *notes, guint *noted, const GArray *stack, const char *label, double value)
{
    (*noted)++;
    if (notes == NULL || *noted > JSON_OUT_MAX_NOTES)
        return;
    char *where = path_of(stack, label);
    g_ptr_array_add(notes, g_strdup_printf("%s: %s is not a finite number (past a double's range, as 1e999 is): "
                                           "written as null", where, isnan(value) ? "nan" : value > 0 ? "inf" : "-inf"));
    g_free(where);
}

/* A scalar, or the opening of an object or array (pushed on the stack). */
static void put_node(json_out *w, const char *name, JsonNode *node, GArray *stack, GPtrArray *notes, guint *noted,
                     const char *label)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        json_out_begin_object(w, name);
        level l = {node, json_object_get_members(json_node_get_object(node)), NULL, 0};
        l.next_name = l.names;
        if (l.names == NULL) { /* empty: closed at once */
            json_out_end_object(w);
            return;
        }
        g_array_append_val(stack, l);
        return;
    }
    case JSON_NODE_ARRAY: {
        json_out_begin_array(w, name);
        if (json_array_get_length(json_node_get_array(node)) == 0) {
            json_out_end_array(w);
            return;
        }
        level l = {node, NULL, NULL, 0};
        g_array_append_val(stack, l);
        return;
    }
    case JSON_NODE_NULL:
        json_out_null(w, name);
        return;
    case JSON_NODE_VALUE:
        break;
    }
    GType t = json_node_get_value_type(node);
    if (t == G_TYPE_INT64) {
        json_out_int(w, name, json_node_get_int(node));
    } else if (t == G_TYPE_DOUBLE) {
        double value = json_node_get_double(node);
        if (!isfinite(value))
            note_not_finite(notes, noted, stack, label, value);
        json_out_double(w, name, value);
    } else if (t == G_TYPE_BOOLEAN) {
        json_out_bool(w, name, json_node_get_boolean(node));
    } else if (t == G_TYPE_STRING) {
        json_out_string(w, name, json_node_get_string(node));
    } else {
        json_out_null(w, name);
    }
}

void json_out_node(json_out *w, const char *name, JsonNode *node, GPtrArray *notes, const char *label)
{
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(level));
    guint noted = 0;
    put_node(w, name, node, stack, notes, &noted, label);
    while (stack->len) {
        level *top = &g_array_index(stack, level, stack->len - 1);
        JsonNode *child = NULL;
        const char *child_name = NULL;
        if (top->names) {
            if (top->next_name) {
                child_name = top->next_name->data;
                child = json_object_get_member(json_node_get_object(top->node), child_name);
                top->next_name = top->next_name->next;
            }
        } else {
            JsonArray *a = json_node_get_array(top->node);
            if (top->next_index < json_array_get_length(a))
                child = json_array_get_element(a, top->next_index++);
        }
        if (child == NULL) { /* the container is done */
            bool object = top->names != NULL;
            g_list_free(top->names);
            g_array_set_size(stack, stack->len - 1);
            if (object)
                json_out_end_object(w);
            else
                json_out_end_array(w);
            continue;
        }
        put_node(w, child_name, child, stack, notes, &noted, label); /* may move the stack: top is stale */
    }
    g_array_free(stack, TRUE);
    if (notes && noted > JSON_OUT_MAX_NOTES)
        g_ptr_array_add(notes, g_strdup_printf("%s: %u more numbers not finite, written as null", label,
                                               noted - JSON_OUT_MAX_NOTES));
}
