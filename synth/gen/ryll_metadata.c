#include "ryll_metadata.h"

#include "serde_out.h"

#include <glib.h>
#include <string.h>

#define RYLL_VERSION "0.1.7"
#define RYLL_GIT_SHA "synthetic"
#define TARGET_HOST "10.0.0.2"
#define TARGET_PORT 5900
/* 2026-01-01T00:00:00Z, the fixed start of every synthetic session. */
#define SESSION_START_UNIX ((int64_t)1767225600)

/* ISO 8601 UTC, seconds, as ryll's chrono_now writes it. */
static char *iso_time(int64_t unix_seconds)
{
    GDateTime *t = g_date_time_new_from_unix_utc(unix_seconds);
    char *text = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(t);
    return text;
}

/* A JSON string as serde_json escapes it. */
static void append_string(GString *out, const char *s)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(node, s);
    char *text = serde_pretty(node, false);
    g_string_append(out, text);
    g_free(text);
    json_node_unref(node);
}

static void member_string(GString *out, const char *name, const char *value, int last)
{
    g_string_append_printf(out, "  \"%s\": ", name);
    append_string(out, value);
    g_string_append(out, last ? "\n" : ",\n");
}

static void member_raw(GString *out, const char *name, const char *raw, int last)
{
    g_string_append_printf(out, "  \"%s\": %s%s", name, raw, last ? "\n" : ",\n");
}

static void member_f64(GString *out, const char *name, double value, int last)
{
    g_string_append_printf(out, "  \"%s\": ", name);
    serde_append_f64(out, value);
    g_string_append(out, last ? "\n" : ",\n");
}

static void platform(GString *out)
{
    member_string(out, "ryll_version", RYLL_VERSION, 0);
    member_string(out, "ryll_git_sha", RYLL_GIT_SHA, 0);
    member_string(out, "platform_os", "linux", 0);
    member_string(out, "platform_arch", "x86_64", 0);
}

/* report_type as serde writes BugReportType: a unit variant as its name, a
 * struct variant as {"Variant": {fields}}, indented as a member's value. */
static void member_report_type(GString *out, const report_type *t)
{
    if (t->kind != REPORT_DISCONNECT && t->kind != REPORT_PEDANTIC && t->kind != REPORT_NOTIFICATION) {
        member_string(out, "report_type", t->variant, 0);
        return;
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, t->variant);
    json_builder_begin_object(b);
    if (t->kind == REPORT_DISCONNECT) {
        json_builder_set_member_name(b, "channel");
        json_builder_add_string_value(b, t->detail);
    } else if (t->kind == REPORT_PEDANTIC) {
        json_builder_set_member_name(b, "gap_key");
        json_builder_add_string_value(b, t->detail);
    } else {
        json_builder_set_member_name(b, "notification_id");
        json_builder_add_int_value(b, REPORT_NOTIFICATION_ID);
        json_builder_set_member_name(b, "snapshot_state");
        json_builder_add_string_value(b, t->post_event ? "PostEventOnly" : "AtFire");
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    char *text = serde_pretty_builder(b, false);
    /* Nested one level: every line after the first indented by two more spaces. */
    char **lines = g_strsplit(text, "\n", -1);
    char *indented = g_strjoinv("\n  ", lines);
    member_raw(out, "report_type", indented, 0);
    g_free(indented);
    g_strfreev(lines);
    g_free(text);
}

/* The description ryll's writers give each report (the user's own text for
 * the dialog's reports: a synthetic one here). */
static char *description(const report_type *t, double uptime)
{
    switch (t->kind) {
    case REPORT_AUTO_SNAPSHOT:
        return g_strdup_printf("auto-snapshot T+%.1fs", uptime);
    case REPORT_PEDANTIC:
        return g_strdup_printf("pedantic: %s", t->detail);
    case REPORT_DISCONNECT:
        return g_strdup_printf("auto: connection lost on %s (%s)", t->detail, RYLL_DISCONNECT_ERROR);
    case REPORT_NOTIFICATION:
        return g_strdup_printf("notification: [warn] %s", RYLL_NOTIFICATION_MESSAGE);
    default:
        return g_strdup_printf("spicecap-synth: a synthetic %s report", t->variant);
    }
}

char *ryll_report_metadata(const report_type *type, uint64_t uptime_us)
{
    /* Uptime in milliseconds: what ryll's clock gives, to a readable precision. */
    double uptime = (double)(uptime_us / 1000) / 1000.0;
    char *when = iso_time(SESSION_START_UNIX + (int64_t)(uptime_us / 1000000));
    char *text = description(type, uptime);
    GString *out = g_string_new("{\n");
    platform(out);
    member_report_type(out, type);
    member_string(out, "channel", report_type_channel(type), 0);
    member_string(out, "description", text, 0);
    member_raw(out, "region", "null", 0);
    member_string(out, "timestamp", when, 0);
    member_string(out, "target_host", TARGET_HOST, 0);
    member_raw(out, "target_port", G_STRINGIFY(TARGET_PORT), 0);
    member_f64(out, "session_uptime_secs", uptime, 0);
    member_string(out, "triggered_at", when, 0);
    member_f64(out, "triggered_uptime_secs", uptime, 1);
    /* serde_json's to_string_pretty ends without a newline. */
    g_string_append(out, "}");
    g_free(text);
    g_free(when);
    return g_string_free(out, FALSE);
}

char *ryll_capture_metadata(void)
{
    char *started = iso_time(SESSION_START_UNIX);
    GString *out = g_string_new("{\n");
    platform(out);
    member_string(out, "target_host", TARGET_HOST, 0);
    member_raw(out, "target_port", G_STRINGIFY(TARGET_PORT), 0);
    member_raw(out, "target_tls_port", "null", 0);
    member_string(out, "capture_started", started, 1);
    g_string_append(out, "}\n");
    g_free(started);
    return g_string_free(out, FALSE);
}
