#include "manifest.h"

#include <json-glib/json-glib.h>

#include "channels.h"
#include "drain.h"
#include "spice_names.h"

void manifest_init(manifest *m)
{
    m->messages = g_array_new(FALSE, TRUE, sizeof(manifest_message));
    m->faults = g_array_new(FALSE, TRUE, sizeof(manifest_fault));
    m->files = g_ptr_array_new_with_free_func((GDestroyNotify)track_file_free);
}

void manifest_clear(manifest *m)
{
    for (guint i = 0; i < m->messages->len; i++) {
        manifest_message *msg = &g_array_index(m->messages, manifest_message, i);
        track_result r = {.missing = msg->missing, .vanished = msg->vanished};
        track_result_clear(&r);
    }
    g_array_free(m->messages, TRUE);
    g_array_free(m->faults, TRUE);
    g_ptr_array_free(m->files, TRUE);
}

uint16_t manifest_track_file(manifest *m, const char *name, uint32_t snaplen)
{
    g_ptr_array_add(m->files, track_file_new(name, snaplen));
    return (uint16_t)m->files->len;
}

track_file *manifest_tracked(const manifest *m, uint16_t track)
{
    return track == 0 || track > m->files->len ? NULL : g_ptr_array_index(m->files, track - 1u);
}

void manifest_resolve(manifest *m)
{
    /* Messages by (file, flow direction), each list in stream order. */
    GHashTable *groups = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_array_unref);
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < m->messages->len; i++) {
        const manifest_message *msg = &g_array_index(m->messages, manifest_message, i);
        if (msg->track == 0)
            continue;
        guint key = (guint)msg->track << 16 | msg->flowdir;
        GArray *list = g_hash_table_lookup(groups, GUINT_TO_POINTER(key));
        if (list == NULL) {
            list = g_array_new(FALSE, FALSE, sizeof(guint));
            g_hash_table_insert(groups, GUINT_TO_POINTER(key), list);
            g_array_append_val(keys, key);
        }
        g_array_append_val(list, i);
    }
    for (guint k = 0; k < keys->len; k++) {
        guint key = g_array_index(keys, guint, k);
        GArray *list = g_hash_table_lookup(groups, GUINT_TO_POINTER(key));
        uint64_t *off = g_new(uint64_t, list->len);
        uint32_t *len = g_new(uint32_t, list->len);
        track_result *res = g_new0(track_result, list->len);
        for (guint i = 0; i < list->len; i++) {
            const manifest_message *msg = &g_array_index(m->messages, manifest_message, g_array_index(list, guint, i));
            off[i] = msg->off;
            /* A headerless message took only its body's length of seq. */
            len[i] = msg->headerless ? msg->wire_size - SPICECAP_MINI_HDR_LEN : msg->wire_size;
        }
        track_resolve(manifest_tracked(m, (uint16_t)(key >> 16)), (uint16_t)(key & 0xFFFF), list->len, off, len, res);
        for (guint i = 0; i < list->len; i++) {
            manifest_message *msg = &g_array_index(m->messages, manifest_message, g_array_index(list, guint, i));
            msg->seq = res[i].seq;
            msg->segments = res[i].segments;
            msg->frame = res[i].frame;
            msg->held = (uint8_t)res[i].held;
            msg->missing = res[i].missing;
            msg->vanished = res[i].vanished;
        }
        g_free(off);
        g_free(len);
        g_free(res);
    }
    g_array_free(keys, TRUE);
    g_hash_table_destroy(groups);
}

static void add_ranges(JsonBuilder *b, const char *name, const GArray *ranges)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (guint i = 0; ranges && i < ranges->len; i++) {
        const track_range *r = &g_array_index(ranges, track_range, i);
        json_builder_begin_array(b);
        json_builder_add_int_value(b, r->a);
        json_builder_add_int_value(b, r->b);
        json_builder_end_array(b);
    }
    json_builder_end_array(b);
}

static void add_message(JsonBuilder *b, const manifest_message *msg)
{
    const char *name = spicecap_message_name(msg->channel, msg->direction, msg->type);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "channel");
    json_builder_add_string_value(b, spicecap_channel_name(msg->channel));
    json_builder_set_member_name(b, "direction");
    json_builder_add_string_value(b, spicecap_direction_name(msg->direction));
    json_builder_set_member_name(b, "type");
    json_builder_add_int_value(b, msg->type);
    json_builder_set_member_name(b, "name");
    if (name)
        json_builder_add_string_value(b, name);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "wire_size");
    json_builder_add_int_value(b, msg->wire_size);
    json_builder_set_member_name(b, "seq");
    json_builder_add_int_value(b, msg->seq);
    json_builder_set_member_name(b, "segments");
    json_builder_add_int_value(b, msg->segments);
    json_builder_set_member_name(b, "ts_us");
    json_builder_add_int_value(b, (gint64)msg->ts_us);
    json_builder_set_member_name(b, "file");
    json_builder_add_string_value(b, msg->file);
    json_builder_set_member_name(b, "frame");
    json_builder_add_int_value(b, (gint64)msg->frame);
    if (msg->track) {
        json_builder_set_member_name(b, "held");
        json_builder_add_string_value(b, track_held_name((track_held)msg->held));
        add_ranges(b, "missing", msg->missing);
        add_ranges(b, "vanished", msg->vanished);
    }
    if (msg->headerless) {
        /* Only on such messages, so that every other manifest reads as before. */
        json_builder_set_member_name(b, "header_recorded");
        json_builder_add_boolean_value(b, FALSE);
        json_builder_set_member_name(b, "recorded_size");
        json_builder_add_int_value(b, msg->wire_size - SPICECAP_MINI_HDR_LEN);
    }
    json_builder_end_object(b);
}

/* --unknown-type: the type, where it went, and the index of its message
 * in messages (null when the file does not list it: evicted from a ring). */
static void add_unknown_type(JsonBuilder *b, const manifest *m)
{
    json_builder_set_member_name(b, "unknown_type");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "type");
    json_builder_add_int_value(b, m->unknown_type);
    json_builder_set_member_name(b, "channel");
    json_builder_add_string_value(b, spicecap_channel_name(SPICE_CHANNEL_DISPLAY));
    json_builder_set_member_name(b, "direction");
    json_builder_add_string_value(b, spicecap_direction_name(SPICECAP_DIR_RECEIVED));
    json_builder_set_member_name(b, "message");
    guint i = 0;
    for (; i < m->messages->len; i++) {
        const manifest_message *msg = &g_array_index(m->messages, manifest_message, i);
        if (msg->channel == SPICE_CHANNEL_DISPLAY && msg->direction == SPICECAP_DIR_RECEIVED &&
            msg->type == m->unknown_type)
            break;
    }
    if (i < m->messages->len)
        json_builder_add_int_value(b, i);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
}

static JsonNode *build(const manifest *m)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "generator");
    json_builder_add_string_value(b, "spicecap-synth");
    json_builder_set_member_name(b, "scenario");
    json_builder_add_string_value(b, m->scenario);
    json_builder_set_member_name(b, "seed");
    json_builder_add_int_value(b, (gint64)m->seed);
    json_builder_set_member_name(b, "output");
    json_builder_add_string_value(b, m->output_kind);
    if (m->ring_channel) {
        json_builder_set_member_name(b, "channel");
        json_builder_add_string_value(b, m->ring_channel);
    }
    json_builder_set_member_name(b, "fault");
    json_builder_add_string_value(b, m->faults->len ? fault_name(g_array_index(m->faults, manifest_fault, 0).kind)
                                                     : "none");
    json_builder_set_member_name(b, "faults");
    json_builder_begin_array(b);
    for (guint i = 0; i < m->faults->len; i++) {
        const manifest_fault *f = &g_array_index(m->faults, manifest_fault, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "kind");
        json_builder_add_string_value(b, fault_name(f->kind));
        json_builder_set_member_name(b, "message");
        json_builder_add_int_value(b, (gint64)f->message);
        json_builder_set_member_name(b, "frame");
        json_builder_add_int_value(b, (gint64)f->frame);
        json_builder_set_member_name(b, "seq");
        json_builder_add_int_value(b, f->seq);
        json_builder_set_member_name(b, "detail");
        json_builder_add_string_value(b, f->detail);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (m->has_unknown_type)
        add_unknown_type(b, m);
    if (m->files->len > 0) {
        json_builder_set_member_name(b, "writer");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "header");
        json_builder_add_string_value(b, m->writer_header);
        json_builder_set_member_name(b, "snaplen_rule");
        json_builder_add_boolean_value(b, m->snaplen_rule != 0);
        json_builder_set_member_name(b, "received_records");
        json_builder_add_string_value(b, m->received_records);
        json_builder_end_object(b);
        json_builder_set_member_name(b, "files");
        json_builder_begin_array(b);
        for (guint i = 0; i < m->files->len; i++)
            track_file_to_json(g_ptr_array_index(m->files, i), b);
        json_builder_end_array(b);
    }
    json_builder_set_member_name(b, "messages");
    json_builder_begin_array(b);
    for (guint i = 0; i < m->messages->len; i++)
        add_message(b, &g_array_index(m->messages, manifest_message, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    g_object_unref(b);
    return root;
}

char *manifest_to_json(const manifest *m)
{
    JsonNode *root = build(m);
    JsonGenerator *gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 1);
    json_generator_set_root(gen, root);
    char *text = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    json_node_unref(root);
    return text;
}

int manifest_write(const manifest *m, const char *path, GError **error)
{
    char *text = manifest_to_json(m);
    /* g_file_set_contents writes a temporary file and renames it: no
     * partial manifest is ever left at path. */
    gboolean ok = g_file_set_contents(path, text, -1, error);
    g_free(text);
    return ok ? 0 : -1;
}
