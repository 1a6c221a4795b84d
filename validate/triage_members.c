#include "triage_members.h"

#include <string.h>
#include <zip.h>

#include "byte_source.h"
#include "json_bounds.h"
#include "report_bounds.h"
#include "triage_schema.h"

typedef enum member_form { FORM_OBJECT, FORM_ARRAY, FORM_PNG, FORM_PCAP } member_form;

typedef enum member_when {
    ALWAYS,         /* every report */
    DISPLAY_REPORT, /* report_type Display */
    REGION_DRAWN,   /* region is not null */
    DISCONNECT_REPORT,
    RING_REPORT, /* every report but a webdav Disconnect's: webdav has no ring */
} member_when;

/* ryll's members (bugreport.rs), in the order it stores them. */
static const struct member_def {
    const char *name;
    member_form form;
    member_when when;
} defs[TM_COUNT] = {
    [TM_METADATA] = {"metadata.json", FORM_OBJECT, ALWAYS},
    [TM_SESSION] = {"session.json", FORM_OBJECT, ALWAYS},
    [TM_CHANNEL_STATE] = {"channel-state.json", FORM_OBJECT, ALWAYS},
    [TM_TRAFFIC] = {"traffic.pcap", FORM_PCAP, RING_REPORT},
    [TM_SCREENSHOT] = {"screenshot.png", FORM_PNG, DISPLAY_REPORT},
    [TM_SCREENSHOT_REGION] = {"screenshot-region.png", FORM_PNG, REGION_DRAWN},
    [TM_NOTIFICATIONS] = {"notifications.json", FORM_ARRAY, ALWAYS},
    [TM_RUNTIME_METRICS] = {"runtime-metrics.json", FORM_OBJECT, ALWAYS},
    [TM_DISCONNECT_CAUSE] = {"disconnect-cause.json", FORM_OBJECT, DISCONNECT_REPORT},
};

static const char *const why_text[] = {
    [ALWAYS] = NULL,
    [DISPLAY_REPORT] = "a Display report has one",
    [REGION_DRAWN] = "metadata.json names a region",
    [DISCONNECT_REPORT] = "a Disconnect report has one",
    [RING_REPORT] = NULL, /* its absence is said by triage_no_traffic() */
};

const char *triage_member_name(triage_member_id id)
{
    return defs[id].name;
}

const char *triage_report_variant(const input_metadata *m)
{
    return metadata_report_variant(m);
}

static bool is_expected(member_when when, const input_metadata *m)
{
    const char *variant = triage_report_variant(m);
    JsonNode *region = json_object_get_member(m->members, "region");
    switch (when) {
    case ALWAYS:
        return true;
    case DISPLAY_REPORT:
        return variant && strcmp(variant, "Display") == 0;
    case REGION_DRAWN:
        return region && JSON_NODE_HOLDS_OBJECT(region);
    case DISCONNECT_REPORT:
        return variant && strcmp(variant, "Disconnect") == 0;
    case RING_REPORT:
        return metadata_keeps_traffic(m);
    }
    return false;
}

/* text is the problem, taken (g_strdup_printf'd by the caller). */
static void set_problem(triage_member *tm, metadata_status status, char *text)
{
    tm->status = status;
    g_free(tm->problem);
    tm->problem = text;
}

/* The shape ryll writes: an object, or notifications.json's array. */
static void take_json(triage_member *tm, const char *where, const char *text, size_t len)
{
    char bound[128];
    if (!json_text_bounded(text, len, REPORT_JSON_MAX_VALUES, bound, sizeof bound)) {
        set_problem(tm, METADATA_MALFORMED, g_strdup_printf("%s: %s", where, bound));
        return;
    }
    JsonParser *parser = json_parser_new();
    GError *gerr = NULL;
    if (!json_parser_load_from_data(parser, text, (gssize)len, &gerr)) {
        char *why = metadata_json_error(gerr);
        set_problem(tm, METADATA_MALFORMED, g_strdup_printf("%s: %s", where, why));
        g_free(why);
        g_error_free(gerr);
        g_object_unref(parser);
        return;
    }
    JsonNode *root = json_parser_get_root(parser);
    bool want_array = defs[tm->id].form == FORM_ARRAY;
    if (root == NULL || (want_array ? !JSON_NODE_HOLDS_ARRAY(root) : !JSON_NODE_HOLDS_OBJECT(root)))
        set_problem(tm, METADATA_MALFORMED, g_strdup_printf("%s: %s; ryll writes %s", where,
                    root == NULL ? "empty" : JSON_NODE_HOLDS_ARRAY(root) ? "an array" : JSON_NODE_HOLDS_OBJECT(root) ? "an object" : "a value",
                    want_array ? "an array" : "an object"));
    if (root)
        tm->json = json_node_copy(root); /* kept even when of the wrong shape: --json shows it */
    g_object_unref(parser);
}

/* A PNG: its signature, then IHDR with the width and height. */
static void take_png(triage_member *tm, const char *where, const uint8_t *data, size_t len)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 24 || memcmp(data, signature, 8) != 0 || memcmp(data + 12, "IHDR", 4) != 0) {
        set_problem(tm, METADATA_MALFORMED, g_strdup_printf("%s: not a PNG (%s)", where,
                    len < 24 ? "shorter than its header" : "no PNG signature and IHDR"));
        return;
    }
    tm->width = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 | data[19];
    tm->height = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 | (uint32_t)data[22] << 8 | data[23];
    if (tm->width == 0 || tm->height == 0)
        set_problem(tm, METADATA_MALFORMED, g_strdup_printf("%s: a PNG of %ux%u pixels", where, tm->width, tm->height));
}

/* The member's schema for this report (its channel-state's by the report's type and channel). */
static const ryll_shape *member_shape(const triage_member *tm, const input_metadata *m)
{
    JsonObject *o = tm->json && JSON_NODE_HOLDS_OBJECT(tm->json) ? json_node_get_object(tm->json) : NULL;
    switch (tm->id) {
    case TM_SESSION:
        return ryll_session_shape();
    case TM_CHANNEL_STATE:
        return ryll_channel_state_shape(triage_report_variant(m), metadata_string(m, "channel"));
    case TM_NOTIFICATIONS:
        return ryll_notification_shape();
    case TM_RUNTIME_METRICS:
        return ryll_runtime_metrics_shape(o);
    case TM_DISCONNECT_CAUSE:
        return ryll_disconnect_cause_shape();
    default:
        return NULL;
    }
}

/* Field by field against ryll's schema: the differences are notes, never a problem. */
static void check_fields(triage_member *tm, const input_metadata *m)
{
    const ryll_shape *shape = tm->json && tm->problem == NULL ? member_shape(tm, m) : NULL;
    if (shape)
        ryll_shape_check(tm->json, shape, tm->notes);
}

static void read_member(triage_member *tm, const input_metadata *m)
{
    const struct member_def *d = &defs[tm->id];
    if (tm->id == TM_METADATA) { /* metadata.c read it: its verdict stands */
        tm->status = m->status;
        tm->problem = g_strdup(m->problem);
        return;
    }
    char *where = g_strdup_printf("%s in %s", d->name, m->source);
    char *data = NULL, *error = NULL;
    size_t len = 0;
    /* traffic.pcap is read by the validator itself; here only whether it is there. */
    size_t max = d->form == FORM_PNG ? TRIAGE_PNG_MAX_BYTES : d->form == FORM_PCAP ? 0 : TRIAGE_JSON_MAX_BYTES;
    int got = byte_source_zip_entry(m->source, d->name, max, &data, &len, &error);
    if (got == 0) {
        tm->status = METADATA_ABSENT;
        if (tm->expected && d->form != FORM_PCAP) /* no traffic.pcap: triage_no_traffic() says why */
            tm->problem = tm->why ? g_strdup_printf("%s: missing (%s)", where, tm->why)
                                  : g_strdup_printf("%s: missing", where);
    } else if (got < 0 && d->form == FORM_PCAP) {
        tm->status = METADATA_READ; /* there, and larger than nothing: the validator reads it */
    } else if (got < 0) {
        set_problem(tm, METADATA_UNREADABLE, error);
        error = NULL;
    } else {
        tm->status = METADATA_READ;
        tm->size = len;
        if (d->form == FORM_PNG)
            take_png(tm, where, (const uint8_t *)data, len);
        else if (d->form != FORM_PCAP)
            take_json(tm, where, data, len);
        check_fields(tm, m);
    }
    g_free(error);
    g_free(data);
    g_free(where);
}

/* The zip's entries that are none of ryll's, and each member's size. */
static void list_entries(triage_members *t, const char *path)
{
    zip_t *zip = zip_open(path, ZIP_RDONLY, NULL);
    if (zip == NULL)
        return;
    zip_int64_t n = zip_get_num_entries(zip, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(zip, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
            continue;
        const char *base = strrchr(st.name, '/') ? strrchr(st.name, '/') + 1 : st.name;
        bool known = false;
        for (int k = 0; k < TM_COUNT; k++)
            if (strcmp(base, defs[k].name) == 0) {
                known = true;
                if (t->member[k].size == 0 && (st.valid & ZIP_STAT_SIZE))
                    t->member[k].size = st.size;
            }
        if (!known && *base)
            g_ptr_array_add(t->others, g_strdup(st.name));
    }
    zip_discard(zip);
}

void triage_members_read(triage_members *t, const input_metadata *m)
{
    memset(t, 0, sizeof *t);
    t->others = g_ptr_array_new_with_free_func(g_free);
    for (int k = 0; k < TM_COUNT; k++) {
        triage_member *tm = &t->member[k];
        tm->id = (triage_member_id)k;
        tm->expected = is_expected(defs[k].when, m);
        tm->why = why_text[defs[k].when];
        tm->notes = g_ptr_array_new_with_free_func(g_free);
        read_member(tm, m);
    }
    list_entries(t, m->source);
}

void triage_members_clear(triage_members *t)
{
    for (int k = 0; k < TM_COUNT; k++) {
        g_free(t->member[k].problem);
        if (t->member[k].notes)
            g_ptr_array_free(t->member[k].notes, TRUE);
        if (t->member[k].json)
            json_node_unref(t->member[k].json);
    }
    if (t->others)
        g_ptr_array_free(t->others, TRUE);
    memset(t, 0, sizeof *t);
}

const char *triage_no_traffic(const triage_members *t, const input_metadata *m)
{
    /* A zip whose metadata.json names no report type is not known for a ryll report: no capture is an error. */
    if (t->member[TM_TRAFFIC].status != METADATA_ABSENT || triage_report_variant(m) == NULL)
        return NULL;
    for (guint i = 0; i < t->others->len; i++) { /* the validator reads another capture entry instead */
        const char *name = g_ptr_array_index(t->others, i);
        if (g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng"))
            return NULL;
    }
    return metadata_no_traffic_reason(m);
}

bool triage_member_wrong(const triage_member *tm)
{
    return tm->problem != NULL;
}
