#include "report_counters.h"

#include <string.h>

#include "report_text.h"

/* Bounds on what one member can add to the comment (a hostile member can
 * hold thousands of names or channels). */
enum {
    MAX_LAG_STEMS = 8,     /* *_lag_recent_* figures shown */
    MAX_CHANNELS = 8,      /* an AutoSnapshot's channels in channel-state.json */
    MAX_LAST_ERRORS = 3,   /* notifications shown */
    NAME_ROOM = 40,        /* a member name or channel name, escaped */
    MESSAGE_ROOM = 160,    /* a notification's or a disconnect's message, escaped */
};

gboolean report_member_number(JsonObject *o, const char *name, double *value)
{
    JsonNode *node = o ? json_object_get_member(o, name) : NULL;
    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
        return FALSE;
    GType t = json_node_get_value_type(node);
    if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
        return FALSE;
    *value = json_node_get_double(node);
    return TRUE;
}

const char *report_member_string(JsonObject *o, const char *name)
{
    JsonNode *node = o ? json_object_get_member(o, name) : NULL;
    return node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING
               ? json_node_get_string(node)
               : NULL;
}

static JsonObject *as_object(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* ", name value" for a number member that is there. */
static void figure(GString *line, JsonObject *o, const char *name, const char *label, int decimals, const char *unit)
{
    double v;
    char text[REPORT_NUMBER_TEXT];
    if (report_member_number(o, name, &v))
        g_string_append_printf(line, "%s%s %s%s", line->len ? ", " : "", label, report_number(v, decimals, text),
                               unit);
}

static gboolean has_suffix(const char *name, const char *suffix)
{
    size_t len = strlen(name), n = strlen(suffix);
    return len > n && strcmp(name + len - n, suffix) == 0;
}

static void session_lines(GString *out, JsonObject *session)
{
    GString *line = g_string_new(NULL);
    figure(line, session, "fps", "fps", 1, "");
    figure(line, session, "video_drop_count", "video_drop_count", 0, "");
    figure(line, session, "last_latency_ms", "last_latency_ms", 3, "");
    if (line->len)
        g_string_append_printf(out, "\nSession (session.json): %s", line->str);
    g_string_truncate(line, 0);
    /* Every *_lag_recent_{min,mean,max}_us, by its stem, sorted. */
    static const char suffix[] = "_lag_recent_min_us";
    GList *names = g_list_sort(json_object_get_members(session), (GCompareFunc)strcmp);
    unsigned shown = 0, more = 0;
    for (GList *n = names; n; n = n->next) {
        const char *name = n->data;
        if (!has_suffix(name, suffix))
            continue;
        if (shown == MAX_LAG_STEMS) {
            more++;
            continue;
        }
        char *stem = g_strndup(name, strlen(name) - strlen(suffix));
        char *mean_name = g_strconcat(stem, "_lag_recent_mean_us", NULL),
             *max_name = g_strconcat(stem, "_lag_recent_max_us", NULL);
        double lo = 0, mean = 0, hi = 0;
        char a[REPORT_NUMBER_TEXT], b[REPORT_NUMBER_TEXT], c[REPORT_NUMBER_TEXT];
        report_member_number(session, name, &lo);
        report_member_number(session, mean_name, &mean);
        report_member_number(session, max_name, &hi);
        char *safe_stem = report_safe_cut(stem, NAME_ROOM);
        g_string_append_printf(line, "%s%s %s/%s/%s us", line->len ? ", " : "", safe_stem, report_number(lo, 0, a),
                               report_number(mean, 0, b), report_number(hi, 0, c));
        shown++;
        g_free(safe_stem);
        g_free(stem);
        g_free(mean_name);
        g_free(max_name);
    }
    g_list_free(names);
    if (more)
        g_string_append_printf(line, ", and %u more", more);
    if (line->len)
        g_string_append_printf(out, "\nLag (session.json, recent min/mean/max): %s", line->str);
    g_string_free(line, TRUE);
}

/* The anomaly counters of one channel's snapshot (ryll's renderer crate,
 * snapshots.rs): decode failures, orphan stream data, writer drops and the
 * GLZ dictionary's size. False when it holds none of them. */
static gboolean anomaly_counters(GString *line, JsonObject *snapshot)
{
    size_t before = line->len;
    figure(line, snapshot, "decode_failed_count", "decode failures", 0, "");
    figure(line, snapshot, "stream_data_orphan_count", "orphan stream data", 0, "");
    figure(line, snapshot, "writer_dropped_count", "writer drops", 0, "");
    /* The GLZ dictionary's size: ryll names it glz_dictionary_* (bytes). */
    GList *names = g_list_sort(json_object_get_members(snapshot), (GCompareFunc)strcmp);
    for (GList *n = names; n; n = n->next) {
        const char *name = n->data;
        if (strncmp(name, "glz_dict", 8) == 0 && has_suffix(name, "_bytes")) {
            figure(line, snapshot, name, "GLZ dictionary", 0, " bytes");
            break;
        }
    }
    g_list_free(names);
    return line->len > before;
}

static void channel_state_lines(GString *out, JsonObject *state)
{
    GString *line = g_string_new(NULL);
    if (anomaly_counters(line, state)) {
        g_string_append_printf(out, "\nChannel state (channel-state.json): %s", line->str);
        g_string_free(line, TRUE);
        return;
    }
    /* An AutoSnapshot's: one snapshot per channel. */
    GList *names = json_object_get_members(state);
    unsigned shown = 0, more = 0;
    for (GList *n = names; n; n = n->next) {
        JsonObject *snapshot = as_object(json_object_get_member(state, n->data));
        g_string_truncate(line, 0);
        if (snapshot == NULL || !anomaly_counters(line, snapshot))
            continue;
        if (shown == MAX_CHANNELS) {
            more++;
            continue;
        }
        char *channel = report_safe_cut(n->data, NAME_ROOM);
        g_string_append_printf(out, "\nChannel state %s (channel-state.json): %s", channel, line->str);
        g_free(channel);
        shown++;
    }
    if (more)
        g_string_append_printf(out, "\nChannel state: %u more channels with counters", more);
    g_list_free(names);
    g_string_free(line, TRUE);
}

/* "Error", "Warn" or "Info" (ryll's NotificationSeverity); anything else
 * counts as other. */
static int severity_index(JsonObject *n)
{
    static const char *const names[] = {"Error", "Warn", "Info"};
    const char *severity = report_member_string(n, "severity");
    for (int i = 0; severity && i < 3; i++)
        if (strcmp(severity, names[i]) == 0)
            return i;
    return 3;
}

static void notification_lines(GString *out, JsonArray *list)
{
    guint count = json_array_get_length(list), by_severity[4] = {0};
    for (guint i = 0; i < count; i++)
        by_severity[severity_index(as_object(json_array_get_element(list, i)))]++;
    g_string_append_printf(out, "\nNotifications (notifications.json): %u", count);
    static const char *const labels[] = {"error", "warning", "info", "other"};
    const char *sep = " (";
    for (int s = 0; s < 4; s++)
        if (by_severity[s]) {
            g_string_append_printf(out, "%s%u %s", sep, by_severity[s], labels[s]);
            sep = ", ";
        }
    if (count)
        g_string_append_c(out, ')');
    /* The last errors, newest last as ryll lists them. */
    guint first = count, found = 0;
    while (first > 0 && found < MAX_LAST_ERRORS)
        if (severity_index(as_object(json_array_get_element(list, --first))) == 0)
            found++;
    for (guint i = first; found && i < count; i++) {
        JsonObject *n = as_object(json_array_get_element(list, i));
        if (severity_index(n) != 0)
            continue;
        char *source = report_safe_cut(report_member_string(n, "source"), NAME_ROOM),
             *message = report_safe_cut(report_member_string(n, "message"), MESSAGE_ROOM);
        g_string_append_printf(out, "\nError notification: %s%s%s", source ? source : "", source ? ": " : "",
                               message ? message : "(no message)");
        g_free(source);
        g_free(message);
    }
}

static void runtime_line(GString *out, JsonObject *runtime)
{
    JsonObject *process = as_object(json_object_get_member(runtime, "process"));
    GString *line = g_string_new(NULL);
    double rss;
    char text[REPORT_NUMBER_TEXT];
    figure(line, process, "cpu_percent", "CPU", 1, " %");
    if (report_member_number(process, "rss_kb", &rss))
        g_string_append_printf(line, "%sRSS %s MiB", line->len ? ", " : "", report_number(rss / 1024.0, 1, text));
    if (line->len == 0 && json_object_has_member(runtime, "available")) {
        char *reason = report_safe_cut(report_member_string(runtime, "reason"), MESSAGE_ROOM);
        g_string_append_printf(line, "not available%s%s", reason ? ": " : "", reason ? reason : "");
        g_free(reason);
    }
    if (line->len)
        g_string_append_printf(out, "\nRuntime (runtime-metrics.json): %s", line->str);
    g_string_free(line, TRUE);
}

static void disconnect_line(GString *out, JsonObject *d)
{
    char *error = report_safe_cut(report_member_string(d, "error_message"), MESSAGE_ROOM),
         *kind = report_safe_cut(report_member_string(d, "error_kind"), NAME_ROOM),
         *channel = report_safe_cut(report_member_string(d, "channel"), NAME_ROOM);
    g_string_append_printf(out, "\nDisconnect (disconnect-cause.json): %s%s%s%s on channel %s",
                           error ? error : "(no error_message)", kind ? " (" : "", kind ? kind : "", kind ? ")" : "",
                           channel ? channel : "(not given)");
    JsonNode *fired = json_object_get_member(d, "keepalive_timeout_fired");
    if (fired && JSON_NODE_HOLDS_VALUE(fired) && json_node_get_value_type(fired) == G_TYPE_BOOLEAN)
        g_string_append_printf(out, "; keepalive timeout fired: %s", json_node_get_boolean(fired) ? "yes" : "no");
    g_free(error);
    g_free(kind);
    g_free(channel);
}

void report_counter_lines(GString *out, const report_members_read *m)
{
    JsonObject *o;
    if ((o = as_object(m->session)) != NULL)
        session_lines(out, o);
    if ((o = as_object(m->channel_state)) != NULL)
        channel_state_lines(out, o);
    if (m->notifications && JSON_NODE_HOLDS_ARRAY(m->notifications))
        notification_lines(out, json_node_get_array(m->notifications));
    if ((o = as_object(m->runtime)) != NULL)
        runtime_line(out, o);
    if ((o = as_object(m->disconnect)) != NULL)
        disconnect_line(out, o);
}
