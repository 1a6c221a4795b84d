#include "ryll_metadata.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
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

/* An f64 as serde_json writes it: the shortest decimal that reads back as
 * the same double, with ".0" when it has no fraction. */
static void append_f64(GString *out, double value)
{
    char text[40];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, value);
        if (strtod(text, NULL) == value)
            break;
    }
    g_string_append(out, text);
    if (strpbrk(text, ".eEn") == NULL)
        g_string_append(out, ".0");
}

/* A JSON string as serde_json escapes it. */
static void append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p == '\n')
            g_string_append(out, "\\n");
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
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
    append_f64(out, value);
    g_string_append(out, last ? "\n" : ",\n");
}

static void platform(GString *out)
{
    member_string(out, "ryll_version", RYLL_VERSION, 0);
    member_string(out, "ryll_git_sha", RYLL_GIT_SHA, 0);
    member_string(out, "platform_os", "linux", 0);
    member_string(out, "platform_arch", "x86_64", 0);
}

char *ryll_report_metadata(const char *report_type, const char *channel, uint64_t uptime_us)
{
    /* Uptime in milliseconds: what ryll's clock gives, to a readable precision. */
    double uptime = (double)(uptime_us / 1000) / 1000.0;
    char *when = iso_time(SESSION_START_UNIX + (int64_t)(uptime_us / 1000000));
    char *description = strcmp(report_type, "AutoSnapshot") == 0
                            ? g_strdup_printf("auto-snapshot T+%.1fs", uptime)
                            : g_strdup_printf("spicecap-synth: a synthetic %s report", report_type);
    GString *out = g_string_new("{\n");
    platform(out);
    member_string(out, "report_type", report_type, 0);
    member_string(out, "channel", channel, 0);
    member_string(out, "description", description, 0);
    member_raw(out, "region", "null", 0);
    member_string(out, "timestamp", when, 0);
    member_string(out, "target_host", TARGET_HOST, 0);
    member_raw(out, "target_port", G_STRINGIFY(TARGET_PORT), 0);
    member_f64(out, "session_uptime_secs", uptime, 0);
    member_string(out, "triggered_at", when, 0);
    member_f64(out, "triggered_uptime_secs", uptime, 1);
    /* serde_json's to_string_pretty ends without a newline. */
    g_string_append(out, "}");
    g_free(description);
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
