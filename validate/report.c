#include "report.h"
#include "triage.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "report_groups.h"
#include "safe_text.h"

static int by_place(gconstpointer a, gconstpointer b)
{
    const finding *x = *(finding *const *)a, *y = *(finding *const *)b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

void report_sort(validation *v)
{
    g_ptr_array_sort(v->findings.list, by_place);
}

/* The metadata of the input a capture file came from, or NULL. */
static const input_metadata *metadata_of(const GPtrArray *inputs, const char *path)
{
    for (guint i = 0; inputs && i < inputs->len; i++) {
        const input_metadata *m = g_ptr_array_index(inputs, i);
        for (guint k = 0; k < m->captures->len; k++)
            if (strcmp(g_ptr_array_index(m->captures, k), path) == 0)
                return m;
    }
    return NULL;
}

uint64_t report_file_findings(const validation *v, guint i)
{
    const file_summary *s = g_ptr_array_index(v->files, i);
    bool last = i + 1 == v->files->len;
    uint64_t found = (last ? v->findings.total : ((file_summary *)g_ptr_array_index(v->files, i + 1))->findings_before) -
                     s->findings_before;
    /* The cross-check's findings come once every file is read (they are always listed): the last file's count took
     * them all; each belongs to its own file. */
    for (guint k = 0; k < v->findings.list->len; k++) {
        const finding *f = g_ptr_array_index(v->findings.list, k);
        if (f->kind != FINDING_RING_DIFFERS)
            continue;
        if (last)
            found--;
        if (strcmp(f->file, s->path) == 0)
            found++;
    }
    return found;
}

void report_human(const validation *v, const GPtrArray *inputs, const verdict *vd, bool each_finding, FILE *out)
{
    bool grouped = false;
    for (guint i = 0; i < v->files->len; i++) {
        const file_summary *s = g_ptr_array_index(v->files, i);
        /* What metadata.json says, once, before the first file it describes. */
        const input_metadata *m = metadata_of(inputs, s->path);
        if (m && strcmp(g_ptr_array_index(m->captures, 0), s->path) == 0) {
            char *summary = metadata_summary(m);
            fprintf(out, "%s: %s\n", m->source, summary);
            g_free(summary);
            if (m->triage)
                triage_print(m->triage, out);
        }
        uint64_t found = report_file_findings(v, i);
        fprintf(out, "%s: %s, %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " findings\n", s->path, s->format,
                s->records, found);
        for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
            const channel_stats *cs = &s->channels[c];
            if (cs->messages == 0)
                continue;
            fprintf(out, "  %-9s %8" G_GUINT64_FORMAT " messages %12" G_GUINT64_FORMAT " bytes, largest %" G_GUINT64_FORMAT
                    ", %" G_GUINT64_FORMAT " over several segments\n",
                    spicecap_channel_label(c), cs->messages, cs->bytes, cs->largest, cs->multi_segment);
        }
        if (s->retransmissions || s->keepalives)
            fprintf(out, "  TCP: %" G_GUINT64_FORMAT " retransmissions (%" G_GUINT64_FORMAT " too old to compare), %"
                    G_GUINT64_FORMAT " keep-alives: normal TCP, not findings\n",
                    s->retransmissions, s->uncompared, s->keepalives);
        if (s->non_ipv4 || s->non_tcp || s->fragments || s->other_linktype)
            fprintf(out, "  skipped: %" G_GUINT64_FORMAT " non-Ethernet, %" G_GUINT64_FORMAT " non-IPv4, %"
                    G_GUINT64_FORMAT " non-TCP, %" G_GUINT64_FORMAT " fragments\n",
                    s->other_linktype, s->non_ipv4, s->non_tcp, s->fragments);
        if (s->unfollowed)
            fprintf(out, "  not followed: %" G_GUINT64_FORMAT " frames of flows past the limit of %u\n", s->unfollowed,
                    VALIDATE_MAX_FLOWS);
        if (s->unknown_types)
            fprintf(out, "  unknown types: %" G_GUINT64_FORMAT " message%s of types this spice-protocol does not name, "
                    "framed by their sizes (not findings)\n", s->unknown_types, s->unknown_types == 1 ? "" : "s");
        for (guint n = 0; n < s->notes->len; n++)
            fprintf(out, "  note: %s\n", (const char *)g_ptr_array_index(s->notes, n));
        if (!each_finding) {
            grouped = report_print_grouped(v->findings.list, s->path, out) || grouped;
            continue;
        }
        for (guint k = 0; k < v->findings.list->len; k++) {
            const finding *f = g_ptr_array_index(v->findings.list, k);
            if (strcmp(f->file, s->path) == 0)
                report_print_finding(f, out);
        }
    }
    if (grouped)
        fprintf(out, "(findings of one kind and flow are one line: -v lists each)\n");
    /* Findings about no file read (a manifest naming nothing). */
    if (v->findings.total > v->findings.list->len)
        fprintf(out, "(%" G_GUINT64_FORMAT " more findings counted but not listed)\n",
                v->findings.total - v->findings.list->len);
    for (guint i = 0; vd && i < vd->errors->len; i++) {
        const input_error *e = g_ptr_array_index(vd->errors, i);
        char *path = spicecap_safe_text(e->path, strlen(e->path)), *reason = spicecap_safe_text(e->reason, strlen(e->reason));
        fprintf(out, "ERROR: %s: %s\n", path ? path : "?", reason ? reason : "?");
        free(path);
        free(reason);
    }
    char *line = verdict_line(vd, v);
    fprintf(out, "%s\n", line);
    g_free(line);
}

static void add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

/* One file's summary as a JSON object. */
static void build_file(JsonBuilder *b, const file_summary *s, const input_metadata *m)
{
    json_builder_begin_object(b);
    add_string(b, "path", s->path);
    add_string(b, "format", s->format);
    add_int(b, "records", (gint64)s->records);
    add_int(b, "retransmissions", (gint64)s->retransmissions);
    add_int(b, "keepalives", (gint64)s->keepalives);
    add_int(b, "unfollowed_frames", (gint64)s->unfollowed);
    if (s->unknown_types) /* only then: the files of every earlier capture read as they did */
        add_int(b, "unknown_type_messages", (gint64)s->unknown_types);
    json_builder_set_member_name(b, "channels");
    json_builder_begin_object(b);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        const channel_stats *cs = &s->channels[c];
        if (cs->messages == 0)
            continue;
        json_builder_set_member_name(b, spicecap_channel_label(c));
        json_builder_begin_object(b);
        add_int(b, "messages", (gint64)cs->messages);
        add_int(b, "bytes", (gint64)cs->bytes);
        add_int(b, "largest", (gint64)cs->largest);
        add_int(b, "multi_segment", (gint64)cs->multi_segment);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint n = 0; n < s->notes->len; n++)
        json_builder_add_string_value(b, g_ptr_array_index(s->notes, n));
    json_builder_end_array(b);
    if (m) {
        json_builder_set_member_name(b, "metadata");
        metadata_build_json(m, b);
    }
    if (m && m->triage) {
        json_builder_set_member_name(b, "triage");
        triage_build_json(m->triage, b);
    }
    json_builder_end_object(b);
}

static void build_finding(JsonBuilder *b, const finding *f)
{
    json_builder_begin_object(b);
    add_string(b, "kind", finding_kind_name(f->kind));
    add_string(b, "file", f->file);
    add_int(b, "frame", (gint64)f->frame);
    if (f->flow)
        add_string(b, "flow", f->flow);
    if (f->has_seq) {
        add_int(b, "seq_start", f->seq_start);
        add_int(b, "seq_end", f->seq_end);
    }
    add_string(b, "detail", f->detail);
    json_builder_end_object(b);
}

/* Write what the builder holds as one compact line. */
static void write_built(JsonBuilder *b, JsonGenerator *gen, FILE *out)
{
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    char *text = json_generator_to_data(gen, NULL);
    fputs(text, out);
    g_free(text);
    json_node_unref(root);
    json_builder_reset(b);
}

/* The document is written item by item, each file and each finding on a
 * line of its own: a whole json-glib tree of 100,000 findings would take
 * five times the memory of the findings themselves. */
void report_json_write(const validation *v, const GPtrArray *inputs, const verdict *vd, FILE *out)
{
    JsonBuilder *b = json_builder_new();
    JsonGenerator *gen = json_generator_new();
    fprintf(out, "{\n  \"result\": \"%s\",\n  \"findings_total\": %" G_GUINT64_FORMAT ",\n  \"inputs\": ",
            verdict_result_name(verdict_result_of(vd, v)), v->findings.total);
    verdict_build_inputs(vd, b);
    write_built(b, gen, out);
    fputs(",\n  \"errors\": ", out);
    verdict_build_errors(vd, b);
    write_built(b, gen, out);
    fputs(",\n  \"files\": [", out);
    for (guint i = 0; i < v->files->len; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        const file_summary *s = g_ptr_array_index(v->files, i);
        build_file(b, s, metadata_of(inputs, s->path));
        write_built(b, gen, out);
    }
    fputs("\n  ],\n  \"findings\": [", out);
    for (guint k = 0; k < v->findings.list->len; k++) {
        fputs(k ? ",\n    " : "\n    ", out);
        build_finding(b, g_ptr_array_index(v->findings.list, k));
        write_built(b, gen, out);
    }
    fputs("\n  ]\n}\n", out);
    g_object_unref(gen);
    g_object_unref(b);
}

char *report_json(const validation *v, const GPtrArray *inputs, const verdict *vd)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL)
        return g_strdup("");
    report_json_write(v, inputs, vd, out);
    fclose(out);
    char *copy = g_strndup(text, size); /* the caller g_frees it */
    free(text);
    return copy;
}

/* JUnit: a test suite per file, a test case per finding kind checked; a
 * kind with findings fails with each finding in its message. */
static void junit_property(GString *x, const char *name, const char *value)
{
    if (value == NULL)
        return;
    char *n = g_markup_escape_text(name, -1), *v = g_markup_escape_text(value, -1);
    g_string_append_printf(x, "   <property name=\"metadata.%s\" value=\"%s\"/>\n", n, v);
    g_free(n);
    g_free(v);
}

/* A testsuite's <properties>: what metadata.json says of the file's input. */
static void junit_properties(GString *x, const input_metadata *m)
{
    g_string_append(x, "  <properties>\n");
    junit_property(x, "kind", metadata_kind_name(m->kind));
    junit_property(x, "status", metadata_status_name(m->status));
    junit_property(x, "problem", m->problem);
    GList *names = json_object_get_members(m->members);
    for (GList *n = names; n; n = n->next) {
        JsonNode *node = json_object_get_member(m->members, n->data);
        char *text = strcmp(n->data, "report_type") == 0 ? metadata_report_type(m)
                     : !JSON_NODE_HOLDS_VALUE(node)     ? NULL
                     : json_node_get_value_type(node) == G_TYPE_STRING ? g_strdup(json_node_get_string(node))
                                                                        : json_to_string(node, FALSE);
        junit_property(x, n->data, text);
        g_free(text);
    }
    g_list_free(names);
    g_string_append(x, "  </properties>\n");
}

bool report_junit(const validation *v, const GPtrArray *inputs, const verdict *vd, const char *path, char **error)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"spicecap-validate\">\n");
    /* An input that could not be read is an error of its own suite: CI must not read the run as passed. */
    for (guint i = 0; vd && i < vd->errors->len; i++) {
        const input_error *e = g_ptr_array_index(vd->errors, i);
        char *name = g_markup_escape_text(e->path, -1), *reason = g_markup_escape_text(e->reason, -1);
        g_string_append_printf(x, " <testsuite name=\"%s\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
                               "  <testcase classname=\"%s\" name=\"read\"><error message=\"cannot be read\">%s</error>"
                               "</testcase>\n </testsuite>\n", name, name, reason);
        g_free(name);
        g_free(reason);
    }
    for (guint i = 0; i < v->files->len; i++) {
        const file_summary *s = g_ptr_array_index(v->files, i);
        char *name = g_markup_escape_text(s->path, -1);
        GString *cases = g_string_new(NULL);
        unsigned failures = 0;
        for (int kind = 0; kind < FINDING_KIND_COUNT; kind++) {
            GString *text = g_string_new(NULL);
            for (guint k = 0; k < v->findings.list->len; k++) {
                const finding *f = g_ptr_array_index(v->findings.list, k);
                if ((int)f->kind == kind && strcmp(f->file, s->path) == 0) {
                    char *d = g_markup_escape_text(f->detail, -1);
                    g_string_append_printf(text, "frame %" G_GUINT64_FORMAT ": %s\n", f->frame, d);
                    g_free(d);
                }
            }
            g_string_append_printf(cases, "  <testcase classname=\"%s\" name=\"%s\"", name,
                                   finding_kind_name((finding_kind)kind));
            if (text->len) {
                failures++;
                g_string_append_printf(cases, "><failure message=\"%s\">%s</failure></testcase>\n",
                                       finding_kind_name((finding_kind)kind), text->str);
            } else {
                g_string_append(cases, "/>\n");
            }
            g_string_free(text, TRUE);
        }
        g_string_append_printf(x, " <testsuite name=\"%s\" tests=\"%d\" failures=\"%u\">\n", name,
                               FINDING_KIND_COUNT, failures);
        const input_metadata *m = metadata_of(inputs, s->path);
        if (m)
            junit_properties(x, m);
        g_string_append_printf(x, "%s </testsuite>\n", cases->str);
        g_string_free(cases, TRUE);
        g_free(name);
    }
    g_string_append(x, "</testsuites>\n");
    GError *gerr = NULL;
    bool ok = g_file_set_contents(path, x->str, (gssize)x->len, &gerr);
    g_string_free(x, TRUE);
    if (!ok) {
        *error = g_strdup(gerr->message);
        g_error_free(gerr);
    }
    return ok;
}
