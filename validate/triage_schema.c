#include "triage_schema.h"

#include <string.h>

typedef enum field_kind {
    K_UINT,   /* u8..u64, usize: a JSON integer (above 2^63 json-glib keeps it wrapped, still an integer) */
    K_NUMBER, /* f32, f64: serde writes "1.0", a hand-made file may write 1 */
    K_BOOL,
    K_STRING,
    K_OBJECT,  /* a struct: its shape */
    K_ARRAY,   /* Vec, VecDeque, a tuple: elements of `element` (and shape) */
    K_MAP,     /* BTreeMap: any keys, values of `element` (and shape) */
    K_VARIANT, /* an enum: a unit variant's name, or {"Variant": {...}} */
} field_kind;

typedef struct ryll_field {
    const char *name;
    field_kind kind;
    bool nullable;             /* Option<T>: null or T */
    field_kind element;        /* K_ARRAY, K_MAP: what each element or value is */
    const ryll_shape *shape;   /* K_OBJECT, or an element / value that is one */
    bool optional;             /* serde leaves it out in some variants (adjacently tagged content) */
} ryll_field;

struct ryll_shape {
    const char *name;
    const ryll_field *fields;
    size_t count;
};

#define SHAPE(var, rust, ...)                                                                                         \
    static const ryll_field var##_fields[] = {__VA_ARGS__};                                                          \
    static const ryll_shape var = {rust, var##_fields, G_N_ELEMENTS(var##_fields)}
#define U(n) {n, K_UINT, false, K_UINT, NULL, false}
#define UN(n) {n, K_UINT, true, K_UINT, NULL, false}
#define N(n) {n, K_NUMBER, false, K_UINT, NULL, false}
#define NN(n) {n, K_NUMBER, true, K_UINT, NULL, false}
#define B(n) {n, K_BOOL, false, K_UINT, NULL, false}
#define BN(n) {n, K_BOOL, true, K_UINT, NULL, false}
#define S(n) {n, K_STRING, false, K_UINT, NULL, false}
#define SN(n) {n, K_STRING, true, K_UINT, NULL, false}
#define O(n, s) {n, K_OBJECT, false, K_UINT, &s, false}
#define ON(n, s) {n, K_OBJECT, true, K_UINT, &s, false}
#define A(n, e) {n, K_ARRAY, false, e, NULL, false}
#define AO(n, s) {n, K_ARRAY, false, K_OBJECT, &s, false}
#define M(n, e) {n, K_MAP, false, e, NULL, false}
#define MO(n, s) {n, K_MAP, false, K_OBJECT, &s, false}
#define V(n) {n, K_VARIANT, false, K_UINT, NULL, false}
#define VN(n) {n, K_VARIANT, true, K_UINT, NULL, false}

/* The fields every channel snapshot carries (snapshots.rs's "transport common"). */
#define TRANSPORT                                                                                                     \
    U("bytes_in"), U("bytes_out"), NN("last_recv_ts_secs"), NN("last_send_ts_secs"), U("ping_recv_count"),          \
        U("pong_send_count"), NN("last_ping_recv_ts_secs")
#define OPCODES                                                                                                       \
    M("messages_recv_by_opcode", K_UINT), M("messages_send_by_opcode", K_UINT), UN("last_unknown_opcode"),          \
        U("unknown_opcode_count")
#define ACK U("ack_generation"), U("ack_window"), U("message_count"), U("last_ack")
#define KEEPALIVE U("client_keepalive_send_count"), NN("last_client_keepalive_send_ts_secs")

SHAPE(decode_result, "DecodeResult", S("image_type"), U("image_id"), U("width"), U("height"), B("from_cache"),
      B("success"), N("timestamp_secs"), U("decode_duration_us"));
SHAPE(stream_snapshot, "StreamSnapshot", U("stream_id"), U("surface_id"), U("codec_type"), U("stream_width"),
      U("stream_height"), U("dest_top"), U("dest_left"), U("dest_bottom"), U("dest_right"), N("created_at_secs"),
      U("frames_received"), U("frames_decoded_ok"), U("frames_decode_failed"), NN("last_frame_ts_secs"),
      NN("last_decode_ok_ts_secs"), U("last_decode_duration_us"), NN("destroyed_at_secs"), B("report_is_active"),
      U("report_unique_id"), U("report_max_window_size"), U("report_timeout_ms"), U("report_send_count"),
      NN("last_report_sent_ts_secs"), U("last_report_num_frames"), U("last_report_num_drops"),
      {"last_report_last_frame_delay", K_NUMBER, false, K_UINT, NULL, false}, /* an i32: any integer */
      S("mjpeg_decoder_backend"), S("video_decoder_backend"));
SHAPE(display_snapshot, "DisplaySnapshot", U("image_cache_entries"), A("image_cache_ids", K_UINT),
      U("image_cache_bytes"), AO("recent_decodes", decode_result), ACK, TRANSPORT, U("decode_total_count"),
      U("decode_failed_count"), U("decode_from_cache_count"), U("decode_recent_min_us"), U("decode_recent_max_us"),
      U("decode_recent_mean_us"), U("socket_read_count"), U("socket_reads_at_chunk_cap"),
      U("socket_max_chunk_bytes"), U("ack_send_count"), NN("last_ack_send_ts_secs"),
      A("recent_ack_intervals_secs", K_NUMBER), U("writer_dropped_count"), AO("streams_active", stream_snapshot),
      U("streams_created_total"), U("streams_destroyed_total"), U("stream_data_orphan_count"),
      AO("streams_recently_destroyed", stream_snapshot), U("stream_reports_sent_total"),
      U("stream_reports_unsupported_signals_sent"), U("mjpeg_decode_recent_min_us"), U("mjpeg_decode_recent_max_us"),
      U("mjpeg_decode_recent_mean_us"), U("mjpeg_decode_total_count"), U("mjpeg_decode_failed_count"),
      U("image_cache_evictions_total"), U("image_cache_evicted_bytes_total"), U("image_cache_cap_bytes"),
      U("glz_dictionary_bytes"), U("glz_dictionary_entries"), U("glz_dictionary_cap_bytes"),
      U("glz_dictionary_evictions_total"), U("glz_dictionary_evicted_bytes_total"), U("h264_decode_recent_min_us"),
      U("h264_decode_recent_max_us"), U("h264_decode_recent_mean_us"), U("h264_decode_total_count"),
      U("h264_decode_failed_count"));
SHAPE(input_event, "InputEventRecord", S("event_type"), U("scancode"), U("x"), U("y"), U("button_mask"),
      N("timestamp_secs"));
SHAPE(inputs_snapshot, "InputsSnapshot", U("button_state"), U("motion_count"), NN("secs_since_last_key"),
      AO("recent_events", input_event), TRANSPORT, KEEPALIVE, U("writer_dropped_count"), OPCODES);
SHAPE(cursor_cache_entry, "CursorCacheEntry", U("cursor_id"), U("width"), U("height"), U("hot_spot_x"),
      U("hot_spot_y"));
SHAPE(cursor_snapshot, "CursorSnapshot", U("cache_entries"), AO("cache_contents", cursor_cache_entry), ACK,
      TRANSPORT, U("writer_dropped_count"), OPCODES);
SHAPE(main_snapshot, "MainSnapshot", UN("session_id"), TRANSPORT, U("mm_time_now"), U("mm_time_set_count"),
      NN("last_mm_time_set_ts_secs"), B("keepalive_timeout_fired"), KEEPALIVE, U("writer_dropped_count"), OPCODES);
/* #[serde(tag = "kind", content = "value")]: "value" for Other(u16) alone. */
SHAPE(playback_codec, "PlaybackCodec", S("kind"), {"value", K_UINT, false, K_UINT, NULL, true});
SHAPE(playback_session, "PlaybackSessionInfo", N("started_at_secs"), U("mm_time_at_start"), U("sample_rate_hz"),
      U("channels"), O("codec", playback_codec));
SHAPE(playback_snapshot, "PlaybackSnapshot", TRANSPORT, U("writer_dropped_count"), OPCODES,
      ON("current_session", playback_session), U("start_count"), U("stop_count"), U("data_packets_received"),
      U("data_packets_decoded"), U("data_packets_decode_failed"), U("data_bytes_received"), U("pcm_bytes_produced"),
      A("recent_decode_durations_us", K_UINT), U("device_callbacks_total"), U("device_underrun_count"),
      U("ring_overflow_count"), U("samples_consumed_total"), A("last_volume_per_channel", K_UINT), BN("last_mute"),
      UN("last_latency_ms"));
SHAPE(redirected_device, "RedirectedDevice", U("vendor_id"), U("product_id"), U("device_class"),
      N("attached_at_secs"), U("bytes_to_guest"), U("bytes_from_guest"));
SHAPE(usbredir_snapshot, "UsbredirSnapshot", TRANSPORT, U("writer_dropped_count"), OPCODES,
      AO("redirected_devices", redirected_device), U("device_connect_total"), U("device_disconnect_total"),
      NN("last_device_event_ts_secs"), U("server_caps"), U("client_caps"));
SHAPE(webdav_snapshot, "WebdavSnapshot", TRANSPORT, U("writer_dropped_count"), OPCODES,
      U("http_requests_received"), U("http_response_bytes_sent"), U("active_session_count"),
      NN("last_request_ts_secs"), NN("last_response_ts_secs"), U("decompressed_size_limit_exceeded_count"));
/* ChannelSnapshots::snapshot_json_for("all"): every snapshot keyed by channel. */
SHAPE(all_snapshots, "ChannelSnapshots (\"all\")", O("display", display_snapshot), O("inputs", inputs_snapshot),
      O("cursor", cursor_snapshot), O("main", main_snapshot), O("playback", playback_snapshot),
      O("usbredir", usbredir_snapshot), O("webdav", webdav_snapshot));
static const ryll_shape usb_state = {"a Usb report's channel state ({})", NULL, 0};

SHAPE(surface_info, "SurfaceInfo", U("surface_id"), U("width"), U("height"));
SHAPE(app_snapshot, "AppSnapshot", N("fps"), A("bandwidth_history", K_NUMBER), N("bandwidth_current"),
      NN("last_latency_ms"), U("frames_received"), AO("surfaces", surface_info), A("cursor_pos", K_UINT),
      B("cursor_visible"), U("mouse_mode"), B("connected"), N("uptime_secs"), U("auto_reconnect_count"),
      U("video_drop_count"), U("image_ready_lag_recent_min_us"), U("image_ready_lag_recent_max_us"),
      U("image_ready_lag_recent_mean_us"), U("display_mark_lag_recent_min_us"), U("display_mark_lag_recent_max_us"),
      U("display_mark_lag_recent_mean_us"), U("auto_snapshots_saved"), U("auto_snapshots_pruned"));

SHAPE(system_time, "SystemTime", U("secs_since_epoch"), U("nanos_since_epoch"));
SHAPE(notification_entry, "NotificationEntry", U("id"), O("when", system_time), V("severity"), V("source"),
      S("message"), U("count"), VN("visibility"), B("read"));

SHAPE(process_metrics, "ProcessMetrics", N("cpu_percent"), U("rss_kb"), U("vm_size_kb"), N("uptime_secs"));
SHAPE(thread_metrics, "ThreadMetrics", U("tid"), S("name"), N("cpu_percent"));
SHAPE(runtime_metrics, "RuntimeMetrics", U("sample_window_ms"), O("process", process_metrics),
      AO("threads", thread_metrics), S("platform"));
SHAPE(runtime_unavailable, "RuntimeMetrics::Unavailable", S("platform"), B("available"), S("reason"));

SHAPE(per_channel, "PerChannelDiagnostics", U("bytes_in"), U("bytes_out"), NN("last_recv_ts_secs"),
      NN("last_send_ts_secs"), U("ping_recv_count"), U("pong_send_count"), NN("last_ping_recv_ts_secs"),
      U("client_keepalive_send_count"), NN("last_client_keepalive_send_ts_secs"));
SHAPE(disconnect_cause, "DisconnectCause", S("channel"), S("error_message"), SN("error_kind"),
      B("keepalive_timeout_fired"), N("session_uptime_secs"), MO("per_channel", per_channel));

const ryll_shape *ryll_channel_state_shape(const char *variant, const char *channel)
{
    static const struct {
        const char *channel;
        const ryll_shape *shape;
    } by_channel[] = {
        {"display", &display_snapshot},   {"inputs", &inputs_snapshot},     {"cursor", &cursor_snapshot},
        {"main", &main_snapshot},         {"playback", &playback_snapshot}, {"usbredir", &usbredir_snapshot},
        {"webdav", &webdav_snapshot},     {"all", &all_snapshots},
    };
    if (variant && strcmp(variant, "Usb") == 0)
        return &usb_state;
    for (size_t i = 0; channel && i < G_N_ELEMENTS(by_channel); i++)
        if (strcmp(channel, by_channel[i].channel) == 0)
            return by_channel[i].shape;
    return NULL;
}

const ryll_shape *ryll_session_shape(void)
{
    return &app_snapshot;
}

const ryll_shape *ryll_notification_shape(void)
{
    return &notification_entry;
}

const ryll_shape *ryll_disconnect_cause_shape(void)
{
    return &disconnect_cause;
}

const ryll_shape *ryll_runtime_metrics_shape(JsonObject *o)
{
    return o && json_object_has_member(o, "available") ? &runtime_unavailable : &runtime_metrics;
}

const char *ryll_shape_name(const ryll_shape *shape)
{
    return shape->name;
}

/* One difference, once; past the limit only counted (the last note says how many more). */
typedef struct checker {
    GPtrArray *notes;
    GHashTable *seen; /* the notes' texts */
    unsigned more;
} checker;

static void note(checker *c, char *text)
{
    if (g_hash_table_contains(c->seen, text)) {
        g_free(text);
        return;
    }
    g_hash_table_add(c->seen, text);
    if (c->notes->len < TRIAGE_SCHEMA_MAX_NOTES)
        g_ptr_array_add(c->notes, g_strdup(text));
    else
        c->more++;
}

static const char *kind_text(field_kind kind)
{
    static const char *const text[] = {
        [K_UINT] = "an unsigned integer", [K_NUMBER] = "a number",   [K_BOOL] = "true or false",
        [K_STRING] = "a string",          [K_OBJECT] = "an object",  [K_ARRAY] = "an array",
        [K_MAP] = "an object",            [K_VARIANT] = "a variant name or object",
    };
    return text[kind];
}

static const char *node_text(JsonNode *node)
{
    if (JSON_NODE_HOLDS_NULL(node))
        return "null";
    if (JSON_NODE_HOLDS_OBJECT(node))
        return "an object";
    if (JSON_NODE_HOLDS_ARRAY(node))
        return "an array";
    GType t = json_node_get_value_type(node);
    return t == G_TYPE_INT64 ? "an integer" : t == G_TYPE_DOUBLE ? "a fraction" : t == G_TYPE_BOOLEAN ? "a boolean"
                                                                                                        : "a string";
}

static bool fits(JsonNode *node, field_kind kind)
{
    GType t = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;
    switch (kind) {
    case K_UINT:
        return t == G_TYPE_INT64;
    case K_NUMBER:
        return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
    case K_BOOL:
        return t == G_TYPE_BOOLEAN;
    case K_STRING:
        return t == G_TYPE_STRING;
    case K_OBJECT:
    case K_MAP:
        return JSON_NODE_HOLDS_OBJECT(node);
    case K_ARRAY:
        return JSON_NODE_HOLDS_ARRAY(node);
    case K_VARIANT:
        return t == G_TYPE_STRING || (JSON_NODE_HOLDS_OBJECT(node) && json_object_get_size(json_node_get_object(node)) == 1);
    }
    return false;
}

static void check_object(checker *c, JsonNode *node, const ryll_shape *shape, const char *path);

/* A value of kind (its shape for an object): of the right type, and an object's fields checked. */
static void check_value(checker *c, JsonNode *node, field_kind kind, bool nullable, const ryll_shape *shape,
                        const char *path)
{
    if (JSON_NODE_HOLDS_NULL(node) && nullable)
        return;
    if (!fits(node, kind)) {
        note(c, g_strdup_printf("%s: %s; ryll writes %s%s", path, node_text(node), kind_text(kind),
                                nullable ? " or null" : ""));
        return;
    }
    if (kind == K_OBJECT && shape)
        check_object(c, node, shape, path);
}

static void check_field(checker *c, JsonNode *node, const ryll_field *f, const char *path)
{
    if (f->kind == K_ARRAY || f->kind == K_MAP) {
        if (!fits(node, f->kind)) {
            check_value(c, node, f->kind, f->nullable, NULL, path);
            return;
        }
        char *inner = g_strdup_printf("%s%s", path, f->kind == K_ARRAY ? "[]" : "{}");
        if (f->kind == K_ARRAY) {
            JsonArray *a = json_node_get_array(node);
            for (guint i = 0; i < json_array_get_length(a); i++)
                check_value(c, json_array_get_element(a, i), f->element, false, f->shape, inner);
        } else {
            JsonObject *o = json_node_get_object(node);
            GList *names = json_object_get_members(o);
            for (GList *n = names; n; n = n->next)
                check_value(c, json_object_get_member(o, n->data), f->element, false, f->shape, inner);
            g_list_free(names);
        }
        g_free(inner);
        return;
    }
    check_value(c, node, f->kind, f->nullable, f->shape, path);
}

static void check_object(checker *c, JsonNode *node, const ryll_shape *shape, const char *path)
{
    JsonObject *o = json_node_get_object(node);
    const char *dot = *path ? "." : "";
    for (size_t i = 0; i < shape->count; i++) {
        const ryll_field *f = &shape->fields[i];
        char *at = g_strdup_printf("%s%s%s", path, dot, f->name);
        JsonNode *member = json_object_get_member(o, f->name);
        if (member == NULL && !f->optional)
            note(c, g_strdup_printf("%s: missing (ryll's %s has it)", at, shape->name));
        else if (member)
            check_field(c, member, f, at);
        g_free(at);
    }
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        bool known = false;
        for (size_t i = 0; i < shape->count && !known; i++)
            known = strcmp(n->data, shape->fields[i].name) == 0;
        if (!known)
            note(c, g_strdup_printf("%s%s%s: not in ryll's %s (a newer ryll's field?)", path, dot,
                                    (const char *)n->data, shape->name));
    }
    g_list_free(names);
}

void ryll_shape_check(JsonNode *node, const ryll_shape *shape, GPtrArray *notes)
{
    checker c = {notes, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), 0};
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        check_object(&c, node, shape, "");
    } else if (JSON_NODE_HOLDS_ARRAY(node)) { /* notifications.json: each entry */
        JsonArray *a = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(a); i++)
            check_value(&c, json_array_get_element(a, i), K_OBJECT, false, shape, "[]");
    }
    if (c.more)
        g_ptr_array_add(notes, g_strdup_printf("and %u more differences from ryll's %s", c.more, shape->name));
    g_hash_table_destroy(c.seen);
}
