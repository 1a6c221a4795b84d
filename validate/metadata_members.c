/* What metadata.json says, from its text: ryll's members and their types,
 * and the texts made from them. No file or zip I/O here (metadata.c reads
 * the file), so the Wireshark file-type plugin (plugin/report/) reads a
 * report's metadata.json with these same definitions. */
#include "metadata.h"

#include "json_bounds.h"
#include "report_bounds.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

#define FOR_REPORT 1u
#define FOR_DIR 2u

typedef enum member_type { T_STRING, T_INT, T_INT_OR_NULL, T_NUMBER, T_REPORT_TYPE, T_OBJECT_OR_NULL } member_type;

/* ryll's members, in the order ryll writes them, with their types. */
static const struct member {
    const char *name;
    member_type type;
    unsigned kinds;
} ryll_members[] = {
    {"ryll_version", T_STRING, FOR_REPORT | FOR_DIR},
    {"ryll_git_sha", T_STRING, FOR_REPORT | FOR_DIR},
    {"platform_os", T_STRING, FOR_REPORT | FOR_DIR},
    {"platform_arch", T_STRING, FOR_REPORT | FOR_DIR},
    {"report_type", T_REPORT_TYPE, FOR_REPORT},
    {"channel", T_STRING, FOR_REPORT},
    {"description", T_STRING, FOR_REPORT},
    {"region", T_OBJECT_OR_NULL, FOR_REPORT},
    {"timestamp", T_STRING, FOR_REPORT},
    {"target_host", T_STRING, FOR_REPORT | FOR_DIR},
    {"target_port", T_INT, FOR_REPORT | FOR_DIR},
    {"target_tls_port", T_INT_OR_NULL, FOR_DIR},
    {"session_uptime_secs", T_NUMBER, FOR_REPORT},
    {"triggered_at", T_STRING, FOR_REPORT},
    {"triggered_uptime_secs", T_NUMBER, FOR_REPORT},
    {"capture_started", T_STRING, FOR_DIR},
};

static const char *const type_wanted[] = {
    [T_STRING] = "a string",          [T_INT] = "a whole number",         [T_INT_OR_NULL] = "a whole number or null",
    [T_NUMBER] = "a number",          [T_REPORT_TYPE] = "a string or an object",
    [T_OBJECT_OR_NULL] = "an object or null",
};

const char *metadata_kind_name(metadata_kind kind)
{
    return kind == METADATA_BUG_REPORT ? "bug-report" : "capture-directory";
}

const char *metadata_status_name(metadata_status status)
{
    static const char *const names[] = {"read", "absent", "unreadable", "malformed"};
    return names[status];
}

static const char *node_type_name(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        return "an object";
    case JSON_NODE_ARRAY:
        return "an array";
    case JSON_NODE_NULL:
        return "null";
    case JSON_NODE_VALUE:
        break;
    }
    GType t = json_node_get_value_type(node);
    return t == G_TYPE_STRING ? "a string" : t == G_TYPE_BOOLEAN ? "a boolean" : t == G_TYPE_DOUBLE ? "a fraction"
                                                                                                   : "a number";
}

static bool type_fits(JsonNode *node, member_type type)
{
    JsonNodeType nt = json_node_get_node_type(node);
    GType vt = nt == JSON_NODE_VALUE ? json_node_get_value_type(node) : G_TYPE_INVALID;
    switch (type) {
    case T_STRING:
        return vt == G_TYPE_STRING;
    case T_INT_OR_NULL:
        if (nt == JSON_NODE_NULL)
            return true;
        /* fall through */
    case T_INT:
        return vt == G_TYPE_INT64;
    case T_NUMBER:
        return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
    case T_REPORT_TYPE:
        return vt == G_TYPE_STRING || (nt == JSON_NODE_OBJECT && json_object_get_size(json_node_get_object(node)) > 0);
    case T_OBJECT_OR_NULL:
        return nt == JSON_NODE_OBJECT || nt == JSON_NODE_NULL;
    }
    return false;
}

void metadata_set_problem(input_metadata *m, metadata_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    m->status = status;
    g_free(m->problem);
    m->problem = g_strdup_printf("%s: %s", m->file, text);
    g_free(text);
}

/* json-glib says "<data>:LINE:COLUMN: Parse error: ..." */
char *metadata_json_error(const GError *gerr)
{
    unsigned line, column;
    int used = 0;
    const char *text = gerr->message;
    if (sscanf(text, "<data>:%u:%u: %n", &line, &column, &used) == 2 && used > 0)
        return g_strdup_printf("line %u, column %u: %s", line, column, text + used);
    return g_strdup(text);
}

static void parse_problem(input_metadata *m, const GError *gerr)
{
    char *text = metadata_json_error(gerr);
    metadata_set_problem(m, METADATA_MALFORMED, "%s", text);
    g_free(text);
}

/* Keep ryll's members of the right type; the first one of a wrong type is
 * the problem (the file is malformed, the others are still shown). */
void metadata_take_text(input_metadata *m, const char *text, size_t len)
{
    char bound[128]; /* bounded before json-glib recurses into it */
    if (!json_text_bounded(text, len, REPORT_JSON_MAX_VALUES, bound, sizeof bound)) {
        metadata_set_problem(m, METADATA_MALFORMED, "%s", bound);
        return;
    }
    JsonParser *parser = json_parser_new();
    GError *gerr = NULL;
    if (!json_parser_load_from_data(parser, text, (gssize)len, &gerr)) {
        parse_problem(m, gerr);
        g_error_free(gerr);
        g_object_unref(parser);
        return;
    }
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        metadata_set_problem(m, METADATA_MALFORMED, "%s, not an object", root ? node_type_name(root) : "empty");
        g_object_unref(parser);
        return;
    }
    JsonObject *all = json_node_get_object(root);
    unsigned kind = m->kind == METADATA_BUG_REPORT ? FOR_REPORT : FOR_DIR;
    for (size_t i = 0; i < G_N_ELEMENTS(ryll_members); i++) {
        const struct member *d = &ryll_members[i];
        JsonNode *node = (d->kinds & kind) ? json_object_get_member(all, d->name) : NULL;
        if (node == NULL)
            continue;
        if (type_fits(node, d->type))
            json_object_set_member(m->members, d->name, json_node_copy(node));
        else if (m->status == METADATA_READ)
            metadata_set_problem(m, METADATA_MALFORMED, "member %s is %s; ryll writes %s", d->name, node_type_name(node),
                        type_wanted[d->type]);
    }
    g_object_unref(parser);
}

input_metadata *metadata_new(metadata_kind kind, const char *source, const char *file)
{
    input_metadata *m = g_new0(input_metadata, 1);
    m->kind = kind;
    m->source = g_strdup(source);
    m->file = g_strdup(file);
    m->status = METADATA_READ;
    m->members = json_object_new();
    m->captures = g_ptr_array_new_with_free_func(g_free);
    return m;
}

void metadata_free(input_metadata *m)
{
    if (m == NULL)
        return;
    g_free(m->source);
    g_free(m->file);
    g_free(m->problem);
    json_object_unref(m->members);
    g_ptr_array_free(m->captures, TRUE);
    g_free(m);
}

const char *metadata_string(const input_metadata *m, const char *member)
{
    JsonNode *node = json_object_get_member(m->members, member);
    return node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING
               ? json_node_get_string(node)
               : NULL;
}

/* A scalar as text ("5900", "4.5", "null", "x"); an object or an array by
 * its size ("{2 members}", "[3 elements]"): never json-glib's generator,
 * which recurses once per level of a member written by anyone. */
char *metadata_scalar_text(JsonNode *node)
{
    if (JSON_NODE_HOLDS_VALUE(node)) {
        GType t = json_node_get_value_type(node);
        if (t == G_TYPE_STRING)
            return g_strdup(json_node_get_string(node));
        if (t == G_TYPE_INT64)
            return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
        if (t == G_TYPE_DOUBLE) { /* the shortest text that reads back as the same number */
            double value = json_node_get_double(node);
            char text[40];
            /* as people write it (60.0, not 6e+01) unless very large or small */
            bool plain = value == 0 || (fabs(value) >= 1e-4 && fabs(value) < 1e15);
            for (int digits = 1; digits <= 17; digits++) {
                snprintf(text, sizeof text, plain ? "%.*f" : "%.*g", digits, value);
                if (g_ascii_strtod(text, NULL) == value)
                    break;
            }
            return g_strdup_printf("%s%s", text, strpbrk(text, ".eEn") ? "" : ".0");
        }
        return g_strdup(json_node_get_boolean(node) ? "true" : "false");
    }
    if (JSON_NODE_HOLDS_NULL(node))
        return g_strdup("null");
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        guint n = json_object_get_size(json_node_get_object(node));
        return g_strdup_printf("{%u member%s}", n, n == 1 ? "" : "s");
    }
    guint n = json_array_get_length(json_node_get_array(node));
    return g_strdup_printf("[%u element%s]", n, n == 1 ? "" : "s");
}

const char *metadata_report_variant(const input_metadata *m)
{
    JsonNode *node = m->members ? json_object_get_member(m->members, "report_type") : NULL;
    if (node == NULL)
        return NULL;
    if (JSON_NODE_HOLDS_VALUE(node))
        return json_node_get_value_type(node) == G_TYPE_STRING ? json_node_get_string(node) : NULL;
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return NULL;
    GList *names = json_object_get_members(json_node_get_object(node));
    const char *variant = names ? names->data : NULL;
    g_list_free(names);
    return variant;
}

bool metadata_keeps_traffic(const input_metadata *m)
{
    const char *variant = metadata_report_variant(m);
    return !(variant && strcmp(variant, "Disconnect") == 0 && g_strcmp0(metadata_string(m, "channel"), "webdav") == 0);
}

const char *metadata_no_traffic_reason(const input_metadata *m)
{
    if (metadata_report_variant(m) == NULL)
        return NULL;
    return metadata_keeps_traffic(m)
               ? "no traffic.pcap: a ryll built without its capture feature (Windows, the slim headless build) "
                 "writes its reports without one; the other members are read"
               : "no traffic.pcap: a webdav Disconnect report has none (ryll keeps no ring for webdav); the other "
                 "members are read";
}

char *metadata_report_type(const input_metadata *m)
{
    JsonNode *node = json_object_get_member(m->members, "report_type");
    if (node == NULL)
        return NULL;
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return metadata_scalar_text(node);
    /* A struct variant: {"Pedantic": {"gap_key": "..."}}. */
    JsonObject *outer = json_node_get_object(node);
    GList *names = json_object_get_members(outer);
    const char *variant = names->data;
    GString *text = g_string_new(variant);
    JsonNode *fields = json_object_get_member(outer, variant);
    if (JSON_NODE_HOLDS_OBJECT(fields)) {
        JsonObject *o = json_node_get_object(fields);
        GList *keys = json_object_get_members(o);
        for (GList *k = keys; k; k = k->next) {
            char *value = metadata_scalar_text(json_object_get_member(o, k->data));
            g_string_append_printf(text, " %s=%s", (const char *)k->data, value);
            g_free(value);
        }
        g_list_free(keys);
    } else if (!JSON_NODE_HOLDS_NULL(fields)) {
        char *value = metadata_scalar_text(fields);
        g_string_append_printf(text, " %s", value);
        g_free(value);
    }
    g_list_free(names);
    return g_string_free(text, FALSE);
}

/* "; " between the parts that are there. */
static void part(GString *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void part(GString *out, const char *fmt, ...)
{
    if (out->len && out->str[out->len - 1] != ' ')
        g_string_append(out, "; ");
    va_list args;
    va_start(args, fmt);
    g_string_append_vprintf(out, fmt, args);
    va_end(args);
}

static char *member_text(const input_metadata *m, const char *name)
{
    JsonNode *node = json_object_get_member(m->members, name);
    return node ? metadata_scalar_text(node) : NULL;
}

static void summarise_common(const input_metadata *m, GString *out)
{
    const char *version = metadata_string(m, "ryll_version"), *sha = metadata_string(m, "ryll_git_sha");
    const char *os = metadata_string(m, "platform_os"), *arch = metadata_string(m, "platform_arch");
    if (version || sha)
        part(out, "ryll %s%s%s%s", version ? version : "(version not given)", sha ? " (" : "", sha ? sha : "",
             sha ? ")" : "");
    if (os || arch)
        g_string_append_printf(out, " on %s%s%s", os ? os : "", os && arch ? " " : "", arch ? arch : "");
}

static void summarise_target(const input_metadata *m, GString *out)
{
    const char *host = metadata_string(m, "target_host");
    char *port = member_text(m, "target_port");
    if (host || port)
        part(out, "target %s:%s", host ? host : "?", port ? port : "?");
    g_free(port);
}

char *metadata_summary(const input_metadata *m)
{
    GString *out = g_string_new(m->kind == METADATA_BUG_REPORT ? "ryll bug report: " : "ryll capture directory: ");
    if (m->status == METADATA_ABSENT || m->status == METADATA_UNREADABLE) {
        g_string_append(out, m->problem);
        return g_string_free(out, FALSE);
    }
    size_t empty = out->len;
    summarise_common(m, out);
    if (m->kind == METADATA_BUG_REPORT) {
        char *type = metadata_report_type(m);
        const char *channel = metadata_string(m, "channel");
        if (type || channel)
            part(out, "report %s%s%s", type ? type : "(type not given)", channel ? ", channel " : "",
                 channel ? channel : "");
        g_free(type);
        const char *at = metadata_string(m, "triggered_at"), *submitted = metadata_string(m, "timestamp");
        char *uptime = member_text(m, "triggered_uptime_secs");
        if (at || uptime)
            part(out, "triggered %s%s%s%s", at ? at : "", at && uptime ? ", " : "", uptime ? uptime : "",
                 uptime ? " s into the session" : "");
        if (submitted && (at == NULL || strcmp(at, submitted) != 0))
            part(out, "submitted %s", submitted);
        g_free(uptime);
        summarise_target(m, out);
        const char *description = metadata_string(m, "description");
        if (description)
            part(out, "\"%s\"", description);
    } else {
        summarise_target(m, out);
        char *tls = member_text(m, "target_tls_port");
        if (tls && strcmp(tls, "null") != 0)
            g_string_append_printf(out, " (TLS port %s)", tls);
        g_free(tls);
        const char *started = metadata_string(m, "capture_started");
        if (started)
            part(out, "capture started %s", started);
    }
    if (out->len == empty && m->status == METADATA_READ)
        g_string_append(out, "metadata.json holds none of ryll's members");
    if (m->problem)
        part(out, "%s", m->problem);
    return g_string_free(out, FALSE);
}
