/* channel-state.json: ryll's per-channel snapshots (shakenfist-spice-
 * renderer/src/snapshots.rs), each field in its struct's order. Figures ryll
 * measures on the client alone (decode times, socket reads, caches) are
 * derived from the messages, so that a seed gives the same bytes. */
#include <spice/enums.h>
#include <string.h>

#include "report_members.h"
#include "serde_out.h"

/* What ryll defaults to: --image-cache-cap-mib and --glz-dictionary-cap-mib 256. */
#define IMAGE_CACHE_CAP_BYTES (256ull << 20)
#define GLZ_DICTIONARY_CAP_BYTES (256ull << 20)
#define SOCKET_CHUNK_BYTES 262144u /* the display channel's read buffer */

static const channel_facts *facts_of(const report_context *c, unsigned channel)
{
    return &c->facts->channel[channel];
}

/* A synthetic decode time: a microsecond per 64 pixels, and 40 to start. */
static uint32_t decode_us(const fact_decode *d)
{
    return 40 + (uint32_t)(((uint64_t)d->width * d->height) / 64);
}

static gboolean put_count(gpointer key, gpointer value, gpointer data)
{
    char name[8];
    g_snprintf(name, sizeof name, "%u", GPOINTER_TO_UINT(key));
    rj_uint(data, name, *(const uint64_t *)value);
    return FALSE;
}

/* The fields every snapshot opens with (bytes, times, pings), in snapshots.rs's order. */
void report_transport(JsonBuilder *b, const channel_facts *f)
{
    rj_uint(b, "bytes_in", f->bytes_in);
    rj_uint(b, "bytes_out", f->bytes_out);
    rj_secs_opt(b, "last_recv_ts_secs", f->received, f->last_recv_us);
    rj_secs_opt(b, "last_send_ts_secs", f->sent, f->last_send_us);
    rj_uint(b, "ping_recv_count", f->ping_recv_count);
    rj_uint(b, "pong_send_count", f->pong_send_count);
    rj_secs_opt(b, "last_ping_recv_ts_secs", f->ping_recv_count > 0, f->last_ping_us);
}

/* messages_*_by_opcode (BTreeMap<u16, u64>: keys as strings, in number order), and the unknown opcodes. */
static void opcodes(JsonBuilder *b, const channel_facts *f)
{
    json_builder_set_member_name(b, "messages_recv_by_opcode");
    json_builder_begin_object(b);
    g_tree_foreach(f->recv_by_type, put_count, b);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "messages_send_by_opcode");
    json_builder_begin_object(b);
    g_tree_foreach(f->send_by_type, put_count, b);
    json_builder_end_object(b);
    rj_null(b, "last_unknown_opcode");
    rj_uint(b, "unknown_opcode_count", 0);
}

static void ack_state(JsonBuilder *b, const channel_facts *f)
{
    rj_uint(b, "ack_generation", f->ack_generation);
    rj_uint(b, "ack_window", f->ack_window);
    rj_uint(b, "message_count", (uint32_t)f->messages_in);
    rj_uint(b, "last_ack", (uint32_t)f->messages_at_ack);
}

static void stream(JsonBuilder *b, const fact_stream *s)
{
    json_builder_begin_object(b);
    rj_uint(b, "stream_id", s->stream_id);
    rj_uint(b, "surface_id", s->surface_id);
    rj_uint(b, "codec_type", s->codec_type);
    rj_uint(b, "stream_width", s->width);
    rj_uint(b, "stream_height", s->height);
    rj_uint(b, "dest_top", (uint32_t)s->dest_top);
    rj_uint(b, "dest_left", (uint32_t)s->dest_left);
    rj_uint(b, "dest_bottom", (uint32_t)s->dest_bottom);
    rj_uint(b, "dest_right", (uint32_t)s->dest_right);
    rj_f64(b, "created_at_secs", rj_secs(s->created_us));
    rj_uint(b, "frames_received", s->frames);
    rj_uint(b, "frames_decoded_ok", s->frames);
    rj_uint(b, "frames_decode_failed", 0);
    rj_secs_opt(b, "last_frame_ts_secs", s->frames > 0, s->last_frame_us);
    rj_secs_opt(b, "last_decode_ok_ts_secs", s->frames > 0, s->last_frame_us);
    rj_uint(b, "last_decode_duration_us", s->frames > 0 ? 40 + (uint64_t)s->width * s->height / 256 : 0);
    rj_secs_opt(b, "destroyed_at_secs", s->destroyed, s->destroyed_us);
    rj_bool(b, "report_is_active", false);
    rj_uint(b, "report_unique_id", 0);
    rj_uint(b, "report_max_window_size", 0);
    rj_uint(b, "report_timeout_ms", 0);
    rj_uint(b, "report_send_count", 0);
    rj_null(b, "last_report_sent_ts_secs");
    rj_uint(b, "last_report_num_frames", 0);
    rj_uint(b, "last_report_num_drops", 0);
    rj_uint(b, "last_report_last_frame_delay", 0); /* an i32, 0 until a report is sent */
    const char *backend = s->codec_type == SPICE_VIDEO_CODEC_TYPE_MJPEG ? "jpeg-decoder" : "";
    rj_str(b, "mjpeg_decoder_backend", backend);
    rj_str(b, "video_decoder_backend", backend);
    json_builder_end_object(b);
}

static void streams(JsonBuilder *b, const session_facts *f, const char *name, bool destroyed)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    guint first = 0, count = 0;
    for (guint i = f->streams->len; i-- > 0;) /* the newest destroyed ones only */
        if (g_array_index(f->streams, fact_stream, i).destroyed == destroyed &&
            (!destroyed || ++count <= FACTS_RECENT_DESTROYED_STREAMS))
            first = i;
    for (guint i = first; i < f->streams->len; i++) {
        const fact_stream *s = &g_array_index(f->streams, fact_stream, i);
        if (s->destroyed == destroyed)
            stream(b, s);
    }
    json_builder_end_array(b);
}

static void display_snapshot(JsonBuilder *b, const report_context *c)
{
    const session_facts *f = c->facts;
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_DISPLAY);
    json_builder_begin_object(b);
    rj_uint(b, "image_cache_entries", 0); /* no image asks to be cached (CACHE_ME) */
    json_builder_set_member_name(b, "image_cache_ids");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    rj_uint(b, "image_cache_bytes", 0);
    json_builder_set_member_name(b, "recent_decodes");
    json_builder_begin_array(b);
    uint64_t sum = 0, ran = 0;
    uint32_t min = 0, max = 0;
    for (guint i = 0; i < f->decodes->len; i++) {
        const fact_decode *d = &g_array_index(f->decodes, fact_decode, i);
        json_builder_begin_object(b);
        rj_str(b, "image_type", "Bitmap");
        rj_uint(b, "image_id", d->image_id);
        rj_uint(b, "width", d->width);
        rj_uint(b, "height", d->height);
        rj_bool(b, "from_cache", false);
        rj_bool(b, "success", d->success);
        rj_f64(b, "timestamp_secs", rj_secs(d->ts_us));
        rj_uint(b, "decode_duration_us", d->success ? decode_us(d) : 0);
        json_builder_end_object(b);
        if (d->success) {
            uint32_t us = decode_us(d);
            min = ran == 0 || us < min ? us : min;
            max = us > max ? us : max;
            sum += us;
            ran++;
        }
    }
    json_builder_end_array(b);
    ack_state(b, t);
    report_transport(b, t);
    rj_uint(b, "decode_total_count", f->decode_total);
    rj_uint(b, "decode_failed_count", f->decode_failed);
    rj_uint(b, "decode_from_cache_count", 0);
    rj_uint(b, "decode_recent_min_us", min);
    rj_uint(b, "decode_recent_max_us", max);
    rj_uint(b, "decode_recent_mean_us", ran ? sum / ran : 0);
    /* One socket read per received message, none over the read buffer. */
    rj_uint(b, "socket_read_count", t->messages_in);
    rj_uint(b, "socket_reads_at_chunk_cap", 0);
    rj_uint(b, "socket_max_chunk_bytes", t->max_in < SOCKET_CHUNK_BYTES ? t->max_in : SOCKET_CHUNK_BYTES);
    rj_uint(b, "ack_send_count", t->ack_send_count);
    rj_secs_opt(b, "last_ack_send_ts_secs", t->acked, t->last_ack_us);
    json_builder_set_member_name(b, "recent_ack_intervals_secs");
    json_builder_begin_array(b);
    for (guint i = 0; i < t->ack_intervals_us->len; i++)
        json_builder_add_double_value(b, rj_secs(g_array_index(t->ack_intervals_us, uint64_t, i)));
    json_builder_end_array(b);
    rj_uint(b, "writer_dropped_count", 0);
    streams(b, f, "streams_active", false);
    rj_uint(b, "streams_created_total", f->streams_created);
    rj_uint(b, "streams_destroyed_total", f->streams_destroyed);
    rj_uint(b, "stream_data_orphan_count", f->stream_orphans);
    streams(b, f, "streams_recently_destroyed", true);
    rj_uint(b, "stream_reports_sent_total", 0);
    rj_uint(b, "stream_reports_unsupported_signals_sent", 0);
    uint32_t mjpeg_us = f->stream_frames ? 40 : 0;
    rj_uint(b, "mjpeg_decode_recent_min_us", mjpeg_us);
    rj_uint(b, "mjpeg_decode_recent_max_us", mjpeg_us);
    rj_uint(b, "mjpeg_decode_recent_mean_us", mjpeg_us);
    rj_uint(b, "mjpeg_decode_total_count", f->stream_frames);
    rj_uint(b, "mjpeg_decode_failed_count", 0);
    rj_uint(b, "image_cache_evictions_total", 0);
    rj_uint(b, "image_cache_evicted_bytes_total", 0);
    rj_uint(b, "image_cache_cap_bytes", IMAGE_CACHE_CAP_BYTES);
    rj_uint(b, "glz_dictionary_bytes", 0);
    rj_uint(b, "glz_dictionary_entries", 0);
    rj_uint(b, "glz_dictionary_cap_bytes", GLZ_DICTIONARY_CAP_BYTES);
    rj_uint(b, "glz_dictionary_evictions_total", 0);
    rj_uint(b, "glz_dictionary_evicted_bytes_total", 0);
    rj_uint(b, "h264_decode_recent_min_us", 0);
    rj_uint(b, "h264_decode_recent_max_us", 0);
    rj_uint(b, "h264_decode_recent_mean_us", 0);
    rj_uint(b, "h264_decode_total_count", 0);
    rj_uint(b, "h264_decode_failed_count", 0);
    json_builder_end_object(b);
}

static void keepalive(JsonBuilder *b)
{
    rj_uint(b, "client_keepalive_send_count", 0);
    rj_null(b, "last_client_keepalive_send_ts_secs");
}

static void inputs_snapshot(JsonBuilder *b, const report_context *c)
{
    const session_facts *f = c->facts;
    json_builder_begin_object(b);
    rj_uint(b, "button_state", f->button_state);
    rj_uint(b, "motion_count", f->motion_count);
    if (f->key_seen)
        rj_f64(b, "secs_since_last_key", rj_secs(c->duration_us - f->last_key_us));
    else
        rj_null(b, "secs_since_last_key");
    json_builder_set_member_name(b, "recent_events");
    json_builder_begin_array(b);
    for (guint i = 0; i < f->events->len; i++) {
        const fact_input_event *e = &g_array_index(f->events, fact_input_event, i);
        json_builder_begin_object(b);
        rj_str(b, "event_type", e->event_type);
        rj_uint(b, "scancode", e->scancode);
        rj_uint(b, "x", e->x);
        rj_uint(b, "y", e->y);
        rj_uint(b, "button_mask", e->button_mask);
        rj_f64(b, "timestamp_secs", rj_secs(e->ts_us));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    report_transport(b, facts_of(c, SPICE_CHANNEL_INPUTS));
    keepalive(b);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, facts_of(c, SPICE_CHANNEL_INPUTS));
    json_builder_end_object(b);
}

static void cursor_snapshot(JsonBuilder *b, const report_context *c)
{
    const session_facts *f = c->facts;
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_CURSOR);
    json_builder_begin_object(b);
    rj_uint(b, "cache_entries", f->cursors->len);
    json_builder_set_member_name(b, "cache_contents");
    json_builder_begin_array(b);
    for (guint i = 0; i < f->cursors->len; i++) {
        const fact_cursor *k = &g_array_index(f->cursors, fact_cursor, i);
        json_builder_begin_object(b);
        rj_uint(b, "cursor_id", k->unique);
        rj_uint(b, "width", k->width);
        rj_uint(b, "height", k->height);
        rj_uint(b, "hot_spot_x", k->hot_x);
        rj_uint(b, "hot_spot_y", k->hot_y);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    ack_state(b, t);
    report_transport(b, t);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, t);
    json_builder_end_object(b);
}

static void main_snapshot(JsonBuilder *b, const report_context *c)
{
    const session_facts *f = c->facts;
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_MAIN);
    json_builder_begin_object(b);
    if (f->have_session_id)
        rj_uint(b, "session_id", f->session_id);
    else
        rj_null(b, "session_id");
    report_transport(b, t);
    /* mm_time runs on from its last set, a millisecond a millisecond. */
    uint64_t since = f->mm_set && c->duration_us > f->last_mm_set_us ? (c->duration_us - f->last_mm_set_us) / 1000 : 0;
    rj_uint(b, "mm_time_now", (uint32_t)(f->mm_time + since));
    rj_uint(b, "mm_time_set_count", f->mm_time_set_count);
    rj_secs_opt(b, "last_mm_time_set_ts_secs", f->mm_set, f->last_mm_set_us);
    rj_bool(b, "keepalive_timeout_fired", false);
    keepalive(b);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, t);
    json_builder_end_object(b);
}

static void playback_snapshot(JsonBuilder *b, const report_context *c)
{
    const session_facts *f = c->facts;
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_PLAYBACK);
    json_builder_begin_object(b);
    report_transport(b, t);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, t);
    json_builder_set_member_name(b, "current_session");
    if (f->playback_active) {
        json_builder_begin_object(b);
        rj_f64(b, "started_at_secs", rj_secs(f->playback_started_us));
        rj_uint(b, "mm_time_at_start", f->playback_time);
        rj_uint(b, "sample_rate_hz", f->playback_frequency);
        rj_uint(b, "channels", (uint8_t)f->playback_channels);
        json_builder_set_member_name(b, "codec"); /* #[serde(tag = "kind", content = "value")] */
        json_builder_begin_object(b);
        if (f->playback_mode == SPICE_AUDIO_DATA_MODE_RAW) {
            rj_str(b, "kind", "raw");
        } else if (f->playback_mode == SPICE_AUDIO_DATA_MODE_OPUS) {
            rj_str(b, "kind", "opus");
        } else {
            rj_str(b, "kind", "other");
            rj_uint(b, "value", f->playback_mode);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    rj_uint(b, "start_count", f->playback_starts);
    rj_uint(b, "stop_count", f->playback_stops);
    rj_uint(b, "data_packets_received", f->playback_packets);
    rj_uint(b, "data_packets_decoded", f->playback_packets);
    rj_uint(b, "data_packets_decode_failed", 0);
    rj_uint(b, "data_bytes_received", f->playback_bytes);
    rj_uint(b, "pcm_bytes_produced", f->playback_bytes); /* raw PCM: decoded as received */
    json_builder_set_member_name(b, "recent_decode_durations_us");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    /* The device consumed what arrived: 16-bit samples per channel. */
    uint64_t samples = f->playback_bytes / 2 / (f->playback_channels ? f->playback_channels : 1);
    rj_uint(b, "device_callbacks_total", f->playback_packets);
    rj_uint(b, "device_underrun_count", 0);
    rj_uint(b, "ring_overflow_count", 0);
    rj_uint(b, "samples_consumed_total", samples);
    json_builder_set_member_name(b, "last_volume_per_channel");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    rj_null(b, "last_mute");
    rj_null(b, "last_latency_ms");
    json_builder_end_object(b);
}

static void usbredir_snapshot(JsonBuilder *b, const report_context *c)
{
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_USBREDIR);
    json_builder_begin_object(b);
    report_transport(b, t);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, t);
    json_builder_set_member_name(b, "redirected_devices");
    json_builder_begin_array(b);
    json_builder_end_array(b);
    rj_uint(b, "device_connect_total", 0);
    rj_uint(b, "device_disconnect_total", 0);
    rj_null(b, "last_device_event_ts_secs");
    rj_uint(b, "server_caps", 0);
    rj_uint(b, "client_caps", 0);
    json_builder_end_object(b);
}

static void webdav_snapshot(JsonBuilder *b, const report_context *c)
{
    const channel_facts *t = facts_of(c, SPICE_CHANNEL_WEBDAV);
    json_builder_begin_object(b);
    report_transport(b, t);
    rj_uint(b, "writer_dropped_count", 0);
    opcodes(b, t);
    rj_uint(b, "http_requests_received", 0);
    rj_uint(b, "http_response_bytes_sent", 0);
    rj_uint(b, "active_session_count", 0);
    rj_null(b, "last_request_ts_secs");
    rj_null(b, "last_response_ts_secs");
    rj_uint(b, "decompressed_size_limit_exceeded_count", 0);
    json_builder_end_object(b);
}

/* ChannelSnapshots::snapshot_json_for's names, in its "all" object's order. */
static const struct {
    const char *name;
    void (*write)(JsonBuilder *, const report_context *);
} snapshots[] = {
    {"display", display_snapshot},   {"inputs", inputs_snapshot},     {"cursor", cursor_snapshot},
    {"main", main_snapshot},         {"playback", playback_snapshot}, {"usbredir", usbredir_snapshot},
    {"webdav", webdav_snapshot},
};

void report_snapshot(JsonBuilder *b, const report_context *c, const char *channel)
{
    for (size_t i = 0; i < G_N_ELEMENTS(snapshots); i++)
        if (strcmp(channel, snapshots[i].name) == 0) {
            snapshots[i].write(b, c);
            return;
        }
    display_snapshot(b, c); /* assemble's fallback for a name with no snapshot */
}

char *report_channel_state_json(const report_context *c)
{
    JsonBuilder *b = json_builder_new();
    const char *channel = report_type_channel(c->type);
    if (c->type->kind == REPORT_USB) {
        json_builder_begin_object(b); /* "{}": ryll keeps no Usb snapshot for this */
        json_builder_end_object(b);
        return serde_pretty_builder(b, false);
    }
    if (strcmp(channel, "all") != 0) {
        report_snapshot(b, c, channel);
        return serde_pretty_builder(b, false);
    }
    /* json!({...}) of every snapshot: a serde_json Value, whose maps are
     * BTreeMaps, so every object's members come out in name order. */
    json_builder_begin_object(b);
    for (size_t i = 0; i < G_N_ELEMENTS(snapshots); i++) {
        json_builder_set_member_name(b, snapshots[i].name);
        snapshots[i].write(b, c);
    }
    json_builder_end_object(b);
    return serde_pretty_builder(b, true);
}
