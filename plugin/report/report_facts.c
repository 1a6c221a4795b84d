#include "report_facts.h"

#include <math.h>
#include <string.h>

/* A trigger further than this into a session is not believed (ryll's
 * uptime is seconds since its buffers started: a century is a lie). */
#define TRIGGER_MAX_SECS (100.0 * 365 * 24 * 3600)

static bool member_number(JsonObject *o, const char *name, double *value)
{
    JsonNode *node = o ? json_object_get_member(o, name) : NULL;
    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
        return false;
    GType t = json_node_get_value_type(node);
    if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
        return false;
    *value = json_node_get_double(node);
    return true;
}

static const char *member_string(JsonObject *o, const char *name)
{
    JsonNode *node = o ? json_object_get_member(o, name) : NULL;
    return node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING
               ? json_node_get_string(node)
               : NULL;
}

bool report_trigger_ns(const input_metadata *m, uint64_t *ns)
{
    double secs;
    if (!member_number(m->members, "triggered_uptime_secs", &secs) || !(secs >= 0.0) || secs > TRIGGER_MAX_SECS)
        return false;
    *ns = (uint64_t)llround(secs * 1e9);
    return true;
}

char *report_application(const input_metadata *m)
{
    const char *version = metadata_string(m, "ryll_version"), *sha = metadata_string(m, "ryll_git_sha");
    if (version == NULL && sha == NULL)
        return NULL;
    return sha ? g_strdup_printf("ryll %s (%s)", version ? version : "(version not given)", sha)
               : g_strdup_printf("ryll %s", version);
}

char *report_os(const input_metadata *m)
{
    const char *os = metadata_string(m, "platform_os"), *arch = metadata_string(m, "platform_arch");
    if (os == NULL && arch == NULL)
        return NULL;
    return g_strdup_printf("%s%s%s", os ? os : "", os && arch ? " " : "", arch ? arch : "");
}

/* The wall-clock time of t=0 on traffic.pcap's clock: triggered_at minus
 * triggered_uptime_secs (NULL when either is missing or unreadable). */
static GDateTime *clock_zero(const input_metadata *m)
{
    const char *at = metadata_string(m, "triggered_at");
    uint64_t trigger;
    if (at == NULL || !report_trigger_ns(m, &trigger))
        return NULL;
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *when = g_date_time_new_from_iso8601(at, utc);
    g_time_zone_unref(utc);
    if (when == NULL)
        return NULL;
    GDateTime *zero = g_date_time_add(when, -(GTimeSpan)(trigger / 1000u));
    g_date_time_unref(when);
    return zero;
}

/* "2026-01-01 00:00:04.250000 UTC": a time on traffic.pcap's clock as wall-clock time. */
static char *wall_clock(GDateTime *zero, uint64_t ns)
{
    if (zero == NULL)
        return NULL;
    GDateTime *t = g_date_time_add(zero, (GTimeSpan)(ns / 1000u));
    char *text = t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S.%f UTC") : NULL;
    if (t)
        g_date_time_unref(t);
    return text;
}

static char *what_report(const input_metadata *m)
{
    char *type = metadata_report_type(m);
    const char *channel = metadata_string(m, "channel"), *description = metadata_string(m, "description");
    char *text = g_strdup_printf("%s report on %s: %s", type ? type : "(type not given)",
                                 channel ? channel : "(channel not given)", description ? description : "");
    g_free(type);
    return text;
}

char *report_trigger_comment(const input_metadata *m, const report_trigger_place *place)
{
    uint64_t trigger = 0;
    report_trigger_ns(m, &trigger);
    char *what = what_report(m);
    GString *out = g_string_new(NULL);
    if (place->after_end)
        g_string_append_printf(out, "ryll bug report triggered %.6f s after this frame, the last in the capture: %s",
                               (double)(trigger - place->frame_ns) / 1e9, what);
    else
        g_string_append_printf(out, "ryll bug report triggered here: %s", what);
    g_free(what);
    const char *at = metadata_string(m, "triggered_at");
    /* One line: Wireshark 4.4 shows a comment's lines as items of their own. */
    g_string_append_printf(out, " (triggered at %s, wall clock, %.6f s into traffic.pcap's clock, triggered_uptime_secs",
                           at ? at : "(time not given)", (double)trigger / 1e9);
    GDateTime *zero = clock_zero(m);
    char *frame_wall = wall_clock(zero, place->frame_ns), *zero_wall = wall_clock(zero, 0);
    g_string_append_printf(out, "; this frame is at %.6f s", (double)place->frame_ns / 1e9);
    if (frame_wall)
        g_string_append_printf(out, " (%s); t=0 is %s", frame_wall, zero_wall);
    g_string_append_c(out, ')');
    g_free(frame_wall);
    g_free(zero_wall);
    if (zero)
        g_date_time_unref(zero);
    return g_string_free(out, FALSE);
}

/* session.json's figures that say how the session went: fps,
 * video_drop_count, and every *_lag_recent_{min,mean,max}_us. */
static void session_line(GString *out, JsonObject *session)
{
    GString *line = g_string_new(NULL);
    double v;
    if (member_number(session, "fps", &v))
        g_string_append_printf(line, "fps %.1f", v);
    if (member_number(session, "video_drop_count", &v))
        g_string_append_printf(line, "%svideo_drop_count %.0f", line->len ? ", " : "", v);
    if (member_number(session, "last_latency_ms", &v))
        g_string_append_printf(line, "%slast_latency_ms %g", line->len ? ", " : "", v);
    GList *names = json_object_get_members(session);
    names = g_list_sort(names, (GCompareFunc)strcmp);
    static const char suffix[] = "_lag_recent_min_us";
    for (GList *n = names; n; n = n->next) {
        const char *name = n->data;
        size_t len = strlen(name);
        if (len <= strlen(suffix) || strcmp(name + len - strlen(suffix), suffix) != 0)
            continue;
        char *stem = g_strndup(name, len - strlen(suffix));
        char *min_name = g_strconcat(stem, "_lag_recent_min_us", NULL),
             *mean_name = g_strconcat(stem, "_lag_recent_mean_us", NULL),
             *max_name = g_strconcat(stem, "_lag_recent_max_us", NULL);
        double lo = 0, mean = 0, hi = 0;
        bool has_lo = member_number(session, min_name, &lo), has_mean = member_number(session, mean_name, &mean),
             has_hi = member_number(session, max_name, &hi);
        if (has_lo || has_mean || has_hi)
            g_string_append_printf(line, "%s%s lag (recent) min/mean/max %.0f/%.0f/%.0f us", line->len ? ", " : "",
                                   stem, lo, mean, hi);
        g_free(stem);
        g_free(min_name);
        g_free(mean_name);
        g_free(max_name);
    }
    g_list_free(names);
    if (line->len)
        g_string_append_printf(out, "\nSession (session.json): %s", line->str);
    g_string_free(line, TRUE);
}

static void disconnect_line(GString *out, JsonObject *d)
{
    const char *error = member_string(d, "error_message"), *kind = member_string(d, "error_kind"),
               *channel = member_string(d, "channel");
    JsonNode *fired = json_object_get_member(d, "keepalive_timeout_fired");
    g_string_append_printf(out, "\nDisconnect (disconnect-cause.json): %s%s%s%s on channel %s",
                           error ? error : "(no error_message)", kind ? " (" : "", kind ? kind : "", kind ? ")" : "",
                           channel ? channel : "(not given)");
    if (fired && JSON_NODE_HOLDS_VALUE(fired) && json_node_get_value_type(fired) == G_TYPE_BOOLEAN)
        g_string_append_printf(out, "; keepalive timeout fired: %s", json_node_get_boolean(fired) ? "yes" : "no");
}

char *report_section_comment(const input_metadata *m, JsonObject *session, JsonObject *disconnect,
                             const report_trigger_place *place, const char *notes)
{
    char *summary = metadata_summary(m);
    GString *out = g_string_new(summary);
    g_free(summary);
    uint64_t trigger;
    if (!report_trigger_ns(m, &trigger))
        g_string_append(out, "\nTrigger: metadata.json gives no triggered_uptime_secs");
    else if (!place->found)
        g_string_append_printf(out, "\nTrigger: %.6f s on traffic.pcap's clock; traffic.pcap holds no frame to mark",
                               (double)trigger / 1e9);
    else
        g_string_append_printf(out, "\nTrigger: %.6f s on traffic.pcap's clock: %s frame %" G_GUINT64_FORMAT
                                    " (frame.comment)",
                               (double)trigger / 1e9, place->after_end ? "after the last frame, noted on" : "at",
                               place->frame);
    if (session)
        session_line(out, session);
    if (disconnect)
        disconnect_line(out, disconnect);
    if (notes && *notes)
        g_string_append_printf(out, "\n%s", notes);
    return g_string_free(out, FALSE);
}
