#include "manifest.h"

#include <json-glib/json-glib.h>

#include "channels.h"
#include "drain.h"
#include "spice_names.h"

void manifest_init(manifest *m)
{
    m->messages = g_array_new(FALSE, TRUE, sizeof(manifest_message));
    m->faults = g_array_new(FALSE, TRUE, sizeof(manifest_fault));
}

void manifest_clear(manifest *m)
{
    g_array_free(m->messages, TRUE);
    g_array_free(m->faults, TRUE);
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
