#include "triage.h"

#include <string.h>

#include "cross_check.h"
#include "json_out.h"
#include "text_out.h"

triage *triage_new(const input_metadata *m)
{
    triage *t = g_new0(triage, 1);
    triage_members_read(&t->members, m);
    return t;
}

void triage_free(triage *t)
{
    if (t == NULL)
        return;
    triage_members_clear(&t->members);
    trigger_window_clear(&t->window);
    g_free(t->window_problem);
    cross_check_free(t->cross);
    g_free(t);
}

/* The trigger from metadata.json, when it can be placed: else why not, in
 * *problem. Every number is checked before it is cast (trigger_window_check). */
static bool trigger_of(const input_metadata *m, double *secs, char **problem)
{
    JsonNode *node = json_object_get_member(m->members, "triggered_uptime_secs");
    if (node == NULL && m->status != METADATA_READ) { /* not "gives none": it could not be read, or is not ryll's */
        *problem = g_strdup_printf("metadata.json is %s, so the trigger is not known: no trigger window",
                                   metadata_status_name(m->status));
        return false;
    }
    if (node == NULL) {
        *problem = g_strdup("metadata.json gives no triggered_uptime_secs: no trigger window");
        return false;
    }
    *secs = json_node_get_double(node); /* an int64 member converts exactly enough; metadata.c kept numbers only */
    *problem = trigger_window_check(*secs);
    return *problem == NULL;
}

bool triage_run_file(validation *v, input_metadata *m, const char *path, double window_secs, timeline *lines,
                     char **error)
{
    triage *t = m ? m->triage : NULL;
    double trigger = 0;
    /* The window is gathered during the validator's own pass (no second
     * read of the pcap, no list of its frames or messages kept): in
     * constant memory whatever the pcap's size. */
    bool windowed = t && strcmp(g_ptr_array_index(m->captures, 0), path) == 0 &&
                    trigger_of(m, &trigger, &t->window_problem);
    if (windowed)
        v->window = trigger_window_observe(&t->window, trigger, window_secs);
    bool read = validation_run_file(v, path, error);
    v->window = NULL;
    if (windowed && read) {
        trigger_window_finish(&t->window, v, path);
        if (lines)
            timeline_set_trigger(lines, path, t->window.trigger_secs, t->window.trigger_frame, window_secs);
    } else if (windowed) {
        trigger_window_clear(&t->window);
        t->window_problem = g_strdup_printf("%s: no trigger window", *error);
    }
    return read;
}

/* name value, for the members given that are there. */
static void append_scalars(GString *out, JsonObject *o, const char *const *names)
{
    for (; *names; names++) {
        JsonNode *node = json_object_get_member(o, *names);
        if (node == NULL || !(JSON_NODE_HOLDS_VALUE(node) || JSON_NODE_HOLDS_NULL(node)))
            continue;
        char *text = metadata_scalar_text(node);
        g_string_append_printf(out, "%s%s %s", out->len ? ", " : "", *names, text);
        g_free(text);
    }
}

/* Scalar members whose names hold one of the words (the lag figures, the
 * socket, decode and ACK state: ryll's names vary with its version). */
static void append_matching(GString *out, JsonObject *o, const char *const *words, const char *const *skip)
{
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        const char *name = n->data;
        JsonNode *node = json_object_get_member(o, name);
        bool match = false, skipped = false;
        for (const char *const *w = words; *w && !match; w++)
            match = strstr(name, *w) != NULL;
        for (const char *const *s = skip; *s && !skipped; s++)
            skipped = strcmp(name, *s) == 0;
        if (!match || skipped || !JSON_NODE_HOLDS_VALUE(node))
            continue;
        char *text = metadata_scalar_text(node);
        g_string_append_printf(out, "%s%s %s", out->len ? ", " : "", name, text);
        g_free(text);
    }
    g_list_free(names);
}

static JsonObject *member_object(const triage *t, triage_member_id id)
{
    const triage_member *tm = &t->members.member[id];
    return tm->json && JSON_NODE_HOLDS_OBJECT(tm->json) ? json_node_get_object(tm->json) : NULL;
}

static void print_line(FILE *out, const char *label, GString *text)
{
    if (text->len)
        text_out(out, "  %s: %s\n", label, text->str);
    g_string_truncate(text, 0);
}

static void print_session(const triage *t, FILE *out, GString *text)
{
    JsonObject *o = member_object(t, TM_SESSION);
    if (o == NULL)
        return;
    static const char *const named[] = {"connected", "uptime_secs", "video_drop_count", "auto_reconnect_count",
                                        "fps", "frames_received", "last_latency_ms", "auto_snapshots_saved",
                                        "auto_snapshots_pruned", NULL};
    static const char *const lag[] = {"_lag_recent_max_us", NULL}, *const none[] = {NULL};
    append_scalars(text, o, named);
    append_matching(text, o, lag, none);
    print_line(out, "session", text);
}

/* One channel's snapshot, or (an AutoSnapshot) one per channel. */
static void print_channel_state(const triage *t, FILE *out, GString *text)
{
    JsonObject *o = member_object(t, TM_CHANNEL_STATE);
    if (o == NULL)
        return;
    static const char *const named[] = {"writer_dropped_count", NULL};
    /* ryll's recent facts too: streams, the GLZ dictionary, keepalives, unknown opcodes, audio under/overruns. */
    static const char *const words[] = {"decode", "socket", "ack", "pending", "error", "stream", "glz", "keepalive",
                                        "unknown_opcode", "underrun", "overflow", NULL};
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        JsonNode *node = json_object_get_member(o, n->data);
        if (!JSON_NODE_HOLDS_OBJECT(node))
            continue;
        append_scalars(text, json_node_get_object(node), named);
        append_matching(text, json_node_get_object(node), words, named);
        char *label = g_strdup_printf("channel-state %s", (const char *)n->data);
        print_line(out, label, text);
        g_free(label);
    }
    g_list_free(names);
    append_scalars(text, o, named);
    append_matching(text, o, words, named);
    print_line(out, "channel-state", text);
}

static void print_notifications(const triage *t, FILE *out, GString *text)
{
    const triage_member *tm = &t->members.member[TM_NOTIFICATIONS];
    if (tm->json == NULL || !JSON_NODE_HOLDS_ARRAY(tm->json))
        return;
    JsonArray *a = json_node_get_array(tm->json);
    GHashTable *severities = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *order = g_ptr_array_new();
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonNode *e = json_array_get_element(a, i);
        JsonNode *sev = JSON_NODE_HOLDS_OBJECT(e) ? json_object_get_member(json_node_get_object(e), "severity") : NULL;
        const char *name = sev && JSON_NODE_HOLDS_VALUE(sev) && json_node_get_value_type(sev) == G_TYPE_STRING
                               ? json_node_get_string(sev)
                               : "unknown";
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(severities, name));
        if (n == 0)
            g_ptr_array_add(order, (gpointer)name);
        g_hash_table_insert(severities, (gpointer)name, GUINT_TO_POINTER(n + 1));
    }
    g_string_append_printf(text, "%u", json_array_get_length(a));
    for (guint i = 0; i < order->len; i++)
        g_string_append_printf(text, "%s%u %s", i ? ", " : " (",
                               GPOINTER_TO_UINT(g_hash_table_lookup(severities, order->pdata[i])),
                               (const char *)order->pdata[i]);
    if (order->len)
        g_string_append(text, ")");
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(severities);
    print_line(out, "notifications", text);
}

static void print_runtime(const triage *t, FILE *out, GString *text)
{
    JsonObject *o = member_object(t, TM_RUNTIME_METRICS);
    if (o == NULL)
        return;
    static const char *const unavailable[] = {"available", "reason", NULL};
    static const char *const process[] = {"cpu_percent", "rss_kb", "vm_size_kb", "uptime_secs", NULL};
    JsonNode *p = json_object_get_member(o, "process");
    if (p && JSON_NODE_HOLDS_OBJECT(p))
        append_scalars(text, json_node_get_object(p), process);
    else
        append_scalars(text, o, unavailable);
    print_line(out, "runtime", text);
}

static void print_disconnect(const triage *t, FILE *out, GString *text)
{
    JsonObject *o = member_object(t, TM_DISCONNECT_CAUSE);
    static const char *const named[] = {"channel", "error_kind", "error_message", "keepalive_timeout_fired",
                                        "session_uptime_secs", NULL};
    if (o) {
        append_scalars(text, o, named);
        print_line(out, "disconnect", text);
    }
}

void triage_print(const triage *t, FILE *out)
{
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        if (triage_member_wrong(tm) && k != TM_METADATA) /* metadata.json's problem is in the line above */
            text_out(out, "  MEMBER %s: %s\n", metadata_status_name(tm->status), tm->problem);
    }
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        for (guint i = 0; i < tm->notes->len; i++)
            text_out(out, "  note: %s: %s\n", triage_member_name(tm->id), (const char *)g_ptr_array_index(tm->notes, i));
    }
    for (guint i = 0; i < t->members.others->len; i++)
        text_out(out, "  member not written by ryll: %s\n", (const char *)g_ptr_array_index(t->members.others, i));
    GString *text = g_string_new(NULL);
    print_session(t, out, text);
    print_channel_state(t, out, text);
    print_notifications(t, out, text);
    print_runtime(t, out, text);
    print_disconnect(t, out, text);
    g_string_free(text, TRUE);
    const triage_member *shot = &t->members.member[TM_SCREENSHOT];
    if (shot->status == METADATA_READ && shot->width)
        text_out(out, "  screenshot: %ux%u\n", shot->width, shot->height);
    if (t->window_problem)
        text_out(out, "  note: %s\n", t->window_problem);
    trigger_window_print(&t->window, out);
    if (t->cross)
        cross_check_print(t->cross, out);
}

/* A member's parsed content, and a note for each number in it that JSON
 * cannot hold (json_out.h). */
static void write_content(json_out *w, const triage_member *tm)
{
    GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
    json_out_node(w, "content", tm->json, notes, triage_member_name(tm->id));
    if (notes->len) {
        json_out_begin_array(w, "notes");
        for (guint i = 0; i < notes->len; i++)
            json_out_string(w, NULL, g_ptr_array_index(notes, i));
        json_out_end_array(w);
    }
    g_ptr_array_free(notes, TRUE);
}

void triage_write_json(const triage *t, json_out *w, const char *name)
{
    json_out_begin_object(w, name);
    json_out_begin_array(w, "members");
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        json_out_begin_object(w, NULL);
        json_out_string(w, "name", triage_member_name(tm->id));
        json_out_string(w, "status", metadata_status_name(tm->status));
        json_out_bool(w, "expected", tm->expected);
        json_out_uint(w, "size", tm->size);
        if (tm->problem)
            json_out_string(w, "problem", tm->problem);
        json_out_begin_array(w, "notes");
        for (guint i = 0; i < tm->notes->len; i++)
            json_out_string(w, NULL, g_ptr_array_index(tm->notes, i));
        json_out_end_array(w);
        if (tm->width) {
            json_out_uint(w, "width", tm->width);
            json_out_uint(w, "height", tm->height);
        }
        if (tm->json && k != TM_METADATA) /* metadata.json's members are beside, in "members" */
            write_content(w, tm);
        json_out_end_object(w);
    }
    json_out_end_array(w);
    json_out_begin_array(w, "other_members");
    for (guint i = 0; i < t->members.others->len; i++)
        json_out_string(w, NULL, g_ptr_array_index(t->members.others, i));
    json_out_end_array(w);
    if (t->window_problem)
        json_out_string(w, "window_problem", t->window_problem);
    if (t->window.known)
        trigger_window_write_json(&t->window, w, "window");
    if (t->cross)
        cross_check_write_json(t->cross, w, "cross_check");
    json_out_end_object(w);
}
