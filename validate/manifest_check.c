#include "manifest_check.h"

#include <json-glib/json-glib.h>
#include <stdint.h>
#include <string.h>

#include "channels.h"
#include "format.h"
#include "json_bounds.h"
#include "spice_names.h"

typedef struct expected {
    const char *file; /* basename, or NULL: the only input */
    uint64_t frame;   /* 0 when the manifest does not say */
    unsigned index;   /* position in the manifest */
    unsigned channel, direction;
    uint16_t type;
    uint64_t wire_size;
    int64_t seq, segments; /* -1 when the manifest does not say */
    /* header_recorded false: ryll recorded the body alone (its playback
     * channel), recorded_size bytes of it; the walk sees a body of unknown
     * type, so its size is that and its type is not compared. */
    bool body_only;
    uint64_t recorded_size;
} expected;

static int64_t member_int(JsonObject *o, const char *name, int64_t fallback)
{
    return json_object_has_member(o, name) ? json_object_get_int_member(o, name) : fallback;
}

static bool load(const char *path, GArray *out, char **error)
{
    char *text = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &text, &len, &gerr)) {
        *error = g_strdup_printf("%s: %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    /* Its depth bounded before json-glib recurses into it; its length is
     * the generator's list of every message, so not its values. */
    char bound[128];
    if (!json_text_bounded(text, len, SIZE_MAX, bound, sizeof bound)) {
        *error = g_strdup_printf("%s: %s", path, bound);
        g_free(text);
        return false;
    }
    JsonParser *parser = json_parser_new();
    bool ok = json_parser_load_from_data(parser, text, (gssize)len, &gerr);
    g_free(text);
    if (!ok) {
        *error = g_strdup_printf("%s: %s", path, gerr->message);
        g_error_free(gerr);
        g_object_unref(parser);
        return false;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *top = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    JsonArray *messages = top && json_object_has_member(top, "messages") ? json_object_get_array_member(top, "messages")
                                                                         : NULL;
    if (messages == NULL) {
        *error = g_strdup_printf("%s: no \"messages\" array at the top level", path);
        g_object_unref(parser);
        return false;
    }
    for (guint i = 0; i < json_array_get_length(messages); i++) {
        JsonObject *m = json_array_get_object_element(messages, i);
        const char *channel = m && json_object_has_member(m, "channel") ? json_object_get_string_member(m, "channel")
                                                                         : NULL;
        const char *direction = m && json_object_has_member(m, "direction")
                                    ? json_object_get_string_member(m, "direction") : NULL;
        if (channel == NULL || direction == NULL || !json_object_has_member(m, "type") ||
            !json_object_has_member(m, "wire_size") || spicecap_channel_from_name(channel) == 0 ||
            (strcmp(direction, "sent") != 0 && strcmp(direction, "received") != 0)) {
            *error = g_strdup_printf("%s: message %u lacks a known channel, a direction (sent/received), a type or "
                                     "a wire_size", path, i);
            g_object_unref(parser);
            return false;
        }
        /* Only the messages the file holds whole can be walked: a manifest
         * of what ryll really writes also lists those it cut or lost. */
        const char *held = json_object_has_member(m, "held") ? json_object_get_string_member(m, "held") : NULL;
        if (held != NULL && strcmp(held, "whole") != 0)
            continue;
        const char *file = json_object_has_member(m, "file") ? json_object_get_string_member(m, "file") : NULL;
        expected e = {file ? g_intern_string(file) : NULL, (uint64_t)member_int(m, "frame", 0), i,
                      spicecap_channel_from_name(channel),
                      strcmp(direction, "sent") == 0 ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED,
                      (uint16_t)json_object_get_int_member(m, "type"),
                      (uint64_t)json_object_get_int_member(m, "wire_size"), member_int(m, "seq", -1),
                      member_int(m, "segments", -1),
                      json_object_has_member(m, "header_recorded") && !json_object_get_boolean_member(m, "header_recorded"),
                      (uint64_t)member_int(m, "recorded_size", 0)};
        g_array_append_val(out, e);
    }
    g_object_unref(parser);
    return true;
}

static bool same(const expected *e, const seen_message *s)
{
    bool size_and_type = e->body_only ? s->body_only && e->recorded_size == s->wire_size
                                      : !s->body_only && e->type == s->type && e->wire_size == s->wire_size;
    return e->channel == s->channel && e->direction == s->direction && size_and_type &&
           (e->seq < 0 || (uint32_t)e->seq == s->seq) && (e->segments < 0 || (uint32_t)e->segments == s->segments);
}

static void describe(char *buf, size_t size, unsigned channel, unsigned direction, uint16_t type, uint64_t wire,
                     int64_t seq, int64_t segments)
{
    const char *name = spicecap_message_name(channel, direction, type);
    g_snprintf(buf, size, "%s %s type %u %s, %" G_GUINT64_FORMAT " bytes, seq %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
               " segment(s)", spicecap_channel_name(channel) ? spicecap_channel_name(channel) : "?",
               spicecap_direction_name(direction), type, name ? name : "(unnamed)", wire, seq, segments);
}

static int by_frame(gconstpointer a, gconstpointer b)
{
    const expected *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Align expected and seen messages of one file and report the differences. */
static void compare_file(validation *v, const char *path, GArray *want, GArray *got)
{
    guint i = 0, j = 0;
    char a[160], b[160];
    while (i < want->len || j < got->len) {
        const expected *e = i < want->len ? &g_array_index(want, expected, i) : NULL;
        const seen_message *s = j < got->len ? &g_array_index(got, seen_message, j) : NULL;
        if (e && s && same(e, s)) {
            i++, j++;
            continue;
        }
        const expected *e_next = i + 1 < want->len ? &g_array_index(want, expected, i + 1) : NULL;
        const seen_message *s_next = j + 1 < got->len ? &g_array_index(got, seen_message, j + 1) : NULL;
        if (e && (!s || (s && e_next && same(e_next, s)))) {
            describe(a, sizeof a, e->channel, e->direction, e->type, e->wire_size, e->seq, e->segments);
            findings_add(&v->findings, FINDING_MANIFEST_MISSING, path, e->frame, NULL,
                         "manifest message %u (%s) is not in the capture", e->index, a);
            i++;
        } else if (s && (!e || (e && s_next && same(e, s_next)))) {
            describe(b, sizeof b, s->channel, s->direction, s->type, s->wire_size, s->seq, s->segments);
            findings_add(&v->findings, FINDING_MANIFEST_EXTRA, path, s->frame, NULL,
                         "the capture holds a message the manifest does not list: %s", b);
            j++;
        } else {
            describe(a, sizeof a, e->channel, e->direction, e->type, e->wire_size, e->seq, e->segments);
            describe(b, sizeof b, s->channel, s->direction, s->type, s->wire_size, s->seq, s->segments);
            findings_add(&v->findings, FINDING_MANIFEST_MISMATCH, path, s->frame, NULL,
                         "manifest message %u is %s; the capture has %s", e->index, a, b);
            i++, j++;
        }
    }
}

static int seen_by_frame(gconstpointer a, gconstpointer b)
{
    const seen_message *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

bool manifest_check(validation *v, const char *manifest_path, char **error)
{
    GArray *all = g_array_new(FALSE, TRUE, sizeof(expected));
    if (!load(manifest_path, all, error)) {
        g_array_free(all, TRUE);
        return false;
    }
    for (guint f = 0; f < v->files->len; f++) {
        file_summary *file = g_ptr_array_index(v->files, f);
        char *base = g_path_get_basename(file->path);
        GArray *want = g_array_new(FALSE, TRUE, sizeof(expected));
        GArray *got = g_array_new(FALSE, TRUE, sizeof(seen_message));
        for (guint i = 0; i < all->len; i++) {
            expected *e = &g_array_index(all, expected, i);
            /* Messages name their file; a manifest without names describes a single input. */
            if (e->file == NULL || strcmp(e->file, base) == 0 || v->files->len == 1)
                g_array_append_val(want, *e);
        }
        for (guint i = 0; i < v->messages->len; i++) {
            seen_message *s = &g_array_index(v->messages, seen_message, i);
            if (s->file == file->path)
                g_array_append_val(got, *s);
        }
        g_array_sort(want, by_frame);
        g_array_sort(got, seen_by_frame);
        compare_file(v, file->path, want, got);
        g_array_free(want, TRUE);
        g_array_free(got, TRUE);
        g_free(base);
    }
    g_array_free(all, TRUE);
    return true;
}
