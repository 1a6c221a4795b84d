/* notifications.json (shakenfist-spice-renderer/src/notification.rs),
 * runtime-metrics.json (metrics.rs) and disconnect-cause.json
 * (src/bugreport.rs DisconnectCause), in serde's shapes. */
#include <spice/enums.h>
#include <string.h>

#include "prng.h"
#include "report_members.h"
#include "ryll_metadata.h"
#include "serde_out.h"

/* 2026-01-01T00:00:00Z: the synthetic session's start (ryll_metadata.h). */
#define SESSION_START_UNIX 1767225600ull

/* One NotificationEntry: `when` is a SystemTime, which serde writes as
 * {secs_since_epoch, nanos_since_epoch}; source a unit variant's name. */
static void notification(JsonBuilder *b, uint64_t id, uint64_t ts_us, const char *severity, const char *source,
                         const char *message)
{
    json_builder_begin_object(b);
    rj_uint(b, "id", id);
    json_builder_set_member_name(b, "when");
    json_builder_begin_object(b);
    rj_uint(b, "secs_since_epoch", SESSION_START_UNIX + ts_us / 1000000);
    rj_uint(b, "nanos_since_epoch", ts_us % 1000000 * 1000);
    json_builder_end_object(b);
    rj_str(b, "severity", severity);
    rj_str(b, "source", source);
    rj_str(b, "message", message);
    rj_uint(b, "count", 1);
    rj_null(b, "visibility");
    rj_bool(b, "read", false);
    json_builder_end_object(b);
}

char *report_notifications_json(const report_context *c)
{
    uint64_t at = c->facts->last_ts_us;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_array(b);
    switch (c->type->kind) {
    case REPORT_NOTIFICATION: /* the one it is filed from */
        notification(b, REPORT_NOTIFICATION_ID, at, "Warn", "Internal", RYLL_NOTIFICATION_MESSAGE);
        break;
    case REPORT_PEDANTIC: { /* warn_once's gap, the one the observer fired on */
        char *message = g_strdup_printf("protocol gap: %s", c->type->detail);
        notification(b, 1, at, "Warn", "Gap", message);
        g_free(message);
        break;
    }
    case REPORT_DISCONNECT: {
        char *message = g_strdup_printf("connection lost on %s", c->type->detail);
        notification(b, 1, at, "Error", "Internal", message);
        g_free(message);
        break;
    }
    default:
        break;
    }
    json_builder_end_array(b);
    return serde_pretty_builder(b, false);
}

char *report_runtime_metrics_json(const report_context *c)
{
    /* Seeded figures: a process of a few threads, up a little longer than its session. */
    synth_prng rng = {c->seed ^ 0x6d657472696373ull};
    static const char *const threads[] = {"ryll", "tokio-runtime-w", "tokio-runtime-w", "ryll-pcap-writer"};
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    /* The pedantic observer samples over 1 s, BugReport::new over 2 s. */
    rj_uint(b, "sample_window_ms", c->type->kind == REPORT_PEDANTIC ? 1000 : 2000);
    json_builder_set_member_name(b, "process");
    json_builder_begin_object(b);
    double cpu[G_N_ELEMENTS(threads)];
    uint64_t tenths = 0; /* summed whole, so the total has no rounding noise */
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++) {
        uint64_t t = synth_range(&rng, 0, 400);
        cpu[i] = (double)t / 10;
        tenths += t;
    }
    rj_f64(b, "cpu_percent", (double)tenths / 10);
    rj_uint(b, "rss_kb", synth_range(&rng, 180000, 220000));
    rj_uint(b, "vm_size_kb", synth_range(&rng, 2400000, 2600000));
    /* The process came up 1.25 s before its session: summed in milliseconds, so the sum has no rounding noise. */
    rj_f64(b, "uptime_secs", (double)(c->duration_us / 1000 + 1250) / 1000.0);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "threads");
    json_builder_begin_array(b);
    /* Sorted by CPU, busiest first, as metrics.rs sorts them. */
    size_t order[G_N_ELEMENTS(threads)];
    for (size_t i = 0; i < G_N_ELEMENTS(threads); i++) {
        size_t j = i;
        for (; j > 0 && cpu[order[j - 1]] < cpu[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(threads); k++) {
        json_builder_begin_object(b);
        rj_uint(b, "tid", 4000 + order[k]);
        rj_str(b, "name", threads[order[k]]);
        rj_f64(b, "cpu_percent", cpu[order[k]]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    rj_str(b, "platform", "linux");
    json_builder_end_object(b);
    return serde_pretty_builder(b, false);
}

/* PerChannelDiagnostics: the snapshot's transport fields; the keepalive
 * ones are the inputs channel's alone, 0 and null elsewhere. */
static void diagnostics(JsonBuilder *b, const channel_facts *f)
{
    json_builder_begin_object(b);
    report_transport(b, f);
    rj_uint(b, "client_keepalive_send_count", 0);
    rj_null(b, "last_client_keepalive_send_ts_secs");
    json_builder_end_object(b);
}

char *report_disconnect_cause_json(const report_context *c)
{
    /* per_channel is a BTreeMap<String, _>: its keys in name order. */
    static const struct {
        const char *name;
        unsigned channel;
    } keys[] = {
        {"cursor", SPICE_CHANNEL_CURSOR},     {"display", SPICE_CHANNEL_DISPLAY},   {"inputs", SPICE_CHANNEL_INPUTS},
        {"main", SPICE_CHANNEL_MAIN},         {"playback", SPICE_CHANNEL_PLAYBACK}, {"usbredir", SPICE_CHANNEL_USBREDIR},
        {"webdav", SPICE_CHANNEL_WEBDAV},
    };
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    rj_str(b, "channel", c->type->detail);
    rj_str(b, "error_message", RYLL_DISCONNECT_ERROR);
    rj_str(b, "error_kind", "ConnectionReset"); /* std::io::ErrorKind's Debug */
    rj_bool(b, "keepalive_timeout_fired", false);
    rj_f64(b, "session_uptime_secs", report_uptime_secs(c->duration_us));
    json_builder_set_member_name(b, "per_channel");
    json_builder_begin_object(b);
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        json_builder_set_member_name(b, keys[i].name);
        diagnostics(b, &c->facts->channel[keys[i].channel]);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    return serde_pretty_builder(b, false);
}
