#include "bugreport.h"

#include <json-glib/json-glib.h>
#include <zip.h>

#include "format.h"
#include "ryll_metadata.h"

/* 2026-01-01 00:00:00 UTC: entries get this time, never the clock's. */
#define FIXED_MTIME ((time_t)1767225600)

static char *to_json(JsonBuilder *b)
{
    JsonNode *root = json_builder_get_root(b);
    JsonGenerator *gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    char *text = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    json_node_unref(root);
    g_object_unref(b);
    return text;
}

static void member_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

static void member_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

static char *session_json(const bugreport_info *info)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    member_string(b, "server", "10.0.0.2");
    member_int(b, "port", SPICECAP_SERVER_PORT);
    member_string(b, "client", "10.0.0.1");
    member_int(b, "duration_us", (gint64)info->duration_us);
    json_builder_set_member_name(b, "channels");
    json_builder_begin_array(b);
    for (unsigned r = 0; r < SPICECAP_RING_CHANNEL_COUNT; r++) {
        unsigned channel = spicecap_ring_channels[r];
        json_builder_begin_object(b);
        member_string(b, "name", spicecap_channel_name(channel));
        member_int(b, "client_port", spicecap_client_port(channel));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return to_json(b);
}

static char *channel_state_json(const bugreport_info *info)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_array(b);
    for (unsigned r = 0; r < SPICECAP_RING_CHANNEL_COUNT; r++) {
        unsigned channel = spicecap_ring_channels[r];
        spicecap_ring *ring = info->rings->rings[channel];
        json_builder_begin_object(b);
        member_string(b, "channel", spicecap_channel_name(channel));
        member_int(b, "ring_cap_bytes", ring ? (gint64)spicecap_ring_cap(ring) : (gint64)spicecap_channel_ring_cap(channel));
        member_int(b, "messages", ring ? (gint64)spicecap_ring_count(ring) : 0);
        member_int(b, "bytes", ring ? (gint64)spicecap_ring_total_bytes(ring) : 0);
        member_int(b, "evicted_messages", ring ? (gint64)spicecap_ring_evicted(ring) : 0);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    return to_json(b);
}

static char *runtime_metrics_json(const bugreport_info *info)
{
    gint64 messages = 0, evicted = 0;
    for (unsigned r = 0; r < SPICECAP_RING_CHANNEL_COUNT; r++) {
        spicecap_ring *ring = info->rings->rings[spicecap_ring_channels[r]];
        if (ring) {
            messages += (gint64)spicecap_ring_count(ring);
            evicted += (gint64)spicecap_ring_evicted(ring);
        }
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    member_int(b, "uptime_us", (gint64)info->duration_us);
    member_int(b, "messages_in_rings", messages);
    member_int(b, "messages_evicted", evicted);
    json_builder_end_object(b);
    return to_json(b);
}

/* Add one stored entry; libzip frees data (g_free'd buffers are malloc'd). */
static int add_entry(zip_t *zip, const char *name, void *data, size_t len, int free_data)
{
    zip_source_t *source = zip_source_buffer(zip, data, len, free_data);
    if (source == NULL)
        return -1;
    zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(source);
        return -1;
    }
    if (zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(zip, (zip_uint64_t)index, FIXED_MTIME, 0) != 0)
        return -1;
    return 0;
}

int bugreport_write(const char *path, const bugreport_info *info, const uint8_t *traffic, size_t traffic_len,
                    char **error)
{
    int zip_error = 0;
    zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zip_error);
    if (zip == NULL) {
        zip_error_t err;
        zip_error_init_with_code(&err, zip_error);
        *error = g_strdup_printf("%s: %s", path, zip_error_strerror(&err));
        zip_error_fini(&err);
        return -1;
    }
    struct {
        const char *name;
        char *text;
    } entries[] = {
        {"metadata.json", ryll_report_metadata(info->report_type, info->channel, info->duration_us)},
        {"session.json", session_json(info)},
        {"channel-state.json", channel_state_json(info)},
        {"notifications.json", g_strdup("[]\n")},
        {"runtime-metrics.json", runtime_metrics_json(info)},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        if (rc == 0 && add_entry(zip, entries[i].name, entries[i].text, strlen(entries[i].text), 1) == 0)
            continue;
        if (rc == 0)
            rc = -1;
        else
            g_free(entries[i].text);
    }
    if (rc == 0)
        rc = add_entry(zip, "traffic.pcap", (void *)traffic, traffic_len, 0);
    if (rc == 0 && zip_close(zip) == 0)
        return 0;
    *error = g_strdup_printf("%s: %s", path, zip_strerror(zip));
    zip_discard(zip);
    return -1;
}
