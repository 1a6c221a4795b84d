#include "report.h"
#include "triage.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "report_groups.h"
#include "safe_text.h"
#include "text_out.h"

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
    /* Every line through text_out: the strings from the input (paths, notes,
     * what metadata.json says) are escaped there, so none can end a line
     * early or write a verdict of its own (text_out.h). */
    bool grouped = false;
    for (guint i = 0; i < v->files->len; i++) {
        const file_summary *s = g_ptr_array_index(v->files, i);
        /* What metadata.json says, once, before the first file it describes. */
        const input_metadata *m = metadata_of(inputs, s->path);
        if (m && strcmp(g_ptr_array_index(m->captures, 0), s->path) == 0) {
            char *summary = metadata_summary(m);
            text_out(out, "%s: %s\n", m->source, summary);
            g_free(summary);
            if (m->triage)
                triage_print(m->triage, out);
        }
        uint64_t found = report_file_findings(v, i);
        text_out(out, "%s: %s, %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " findings\n", s->path, s->format,
                 s->records, found);
        for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
            const channel_stats *cs = &s->channels[c];
            if (cs->messages == 0)
                continue;
            text_out(out, "  %-9s %8" G_GUINT64_FORMAT " messages %12" G_GUINT64_FORMAT " bytes, largest %" G_GUINT64_FORMAT
                     ", %" G_GUINT64_FORMAT " over several segments\n",
                     spicecap_channel_label(c), cs->messages, cs->bytes, cs->largest, cs->multi_segment);
        }
        if (s->retransmissions || s->keepalives)
            text_out(out, "  TCP: %" G_GUINT64_FORMAT " retransmissions (%" G_GUINT64_FORMAT " too old to compare), %"
                     G_GUINT64_FORMAT " keep-alives: normal TCP, not findings\n",
                     s->retransmissions, s->uncompared, s->keepalives);
        if (s->non_ipv4 || s->non_tcp || s->fragments || s->other_linktype)
            text_out(out, "  skipped: %" G_GUINT64_FORMAT " non-Ethernet, %" G_GUINT64_FORMAT " non-IPv4, %"
                     G_GUINT64_FORMAT " non-TCP, %" G_GUINT64_FORMAT " fragments\n",
                     s->other_linktype, s->non_ipv4, s->non_tcp, s->fragments);
        if (s->unfollowed)
            text_out(out, "  not followed: %" G_GUINT64_FORMAT " frames of flows past the limit of %u\n", s->unfollowed,
                     VALIDATE_MAX_FLOWS);
        if (s->unknown_types)
            text_out(out, "  unknown types: %" G_GUINT64_FORMAT " message%s of types this spice-protocol does not name, "
                     "framed by their sizes (not findings)\n", s->unknown_types, s->unknown_types == 1 ? "" : "s");
        for (guint n = 0; n < s->notes->len; n++)
            text_out(out, "  note: %s\n", (const char *)g_ptr_array_index(s->notes, n));
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
        text_out(out, "(findings of one kind and flow are one line: -v lists each)\n");
    /* Findings about no file read (a manifest naming nothing). */
    if (v->findings.total > v->findings.list->len)
        text_out(out, "(%" G_GUINT64_FORMAT " more findings counted but not listed)\n",
                 v->findings.total - v->findings.list->len);
    for (guint i = 0; vd && i < vd->errors->len; i++) {
        const input_error *e = g_ptr_array_index(vd->errors, i);
        text_out(out, "ERROR: %s: %s\n", e->path, e->reason);
    }
    /* verdict_line escapes what it names itself: printed as it is. */
    char *line = verdict_line(vd, v);
    fputs(line, out);
    fputc('\n', out);
    g_free(line);
}

/* One file's summary as a JSON object. */
static void write_file(json_out *w, const file_summary *s, const input_metadata *m)
{
    json_out_begin_object(w, NULL);
    json_out_string(w, "path", s->path);
    json_out_string(w, "format", s->format);
    json_out_uint(w, "records", s->records);
    json_out_uint(w, "retransmissions", s->retransmissions);
    json_out_uint(w, "keepalives", s->keepalives);
    json_out_uint(w, "unfollowed_frames", s->unfollowed);
    if (s->unknown_types) /* only then: the files of every earlier capture read as they did */
        json_out_uint(w, "unknown_type_messages", s->unknown_types);
    json_out_begin_object(w, "channels");
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        const channel_stats *cs = &s->channels[c];
        if (cs->messages == 0)
            continue;
        json_out_begin_object(w, spicecap_channel_label(c));
        json_out_uint(w, "messages", cs->messages);
        json_out_uint(w, "bytes", cs->bytes);
        json_out_uint(w, "largest", cs->largest);
        json_out_uint(w, "multi_segment", cs->multi_segment);
        json_out_end_object(w);
    }
    json_out_end_object(w);
    json_out_begin_array(w, "notes");
    for (guint n = 0; n < s->notes->len; n++)
        json_out_string(w, NULL, g_ptr_array_index(s->notes, n));
    json_out_end_array(w);
    if (m)
        metadata_write_json(m, w, "metadata");
    if (m && m->triage)
        triage_write_json(m->triage, w, "triage");
    json_out_end_object(w);
}

static void write_finding(json_out *w, const finding *f)
{
    json_out_begin_object(w, NULL);
    json_out_string(w, "kind", finding_kind_name(f->kind));
    json_out_string(w, "file", f->file);
    json_out_uint(w, "frame", f->frame);
    if (f->flow)
        json_out_string(w, "flow", f->flow);
    if (f->has_seq) {
        json_out_uint(w, "seq_start", f->seq_start);
        json_out_uint(w, "seq_end", f->seq_end);
    }
    json_out_string(w, "detail", f->detail);
    json_out_end_object(w);
}

/* The document is written item by item, each file and each finding on a
 * line of its own, straight to out (json_out.h): memory stays that of the
 * findings, and no value of the input can make it invalid JSON. */
void report_json_write(const validation *v, const GPtrArray *inputs, const verdict *vd, FILE *out)
{
    json_out w;
    json_out_init(&w, out);
    text_out(out, "{\n  \"result\": \"%s\",\n  \"findings_total\": %" G_GUINT64_FORMAT ",\n  \"inputs\": ",
             verdict_result_name(verdict_result_of(vd, v)), v->findings.total);
    verdict_write_inputs(vd, &w);
    fputs(",\n  \"errors\": ", out);
    verdict_write_errors(vd, &w);
    fputs(",\n  \"files\": [", out);
    for (guint i = 0; i < v->files->len; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        const file_summary *s = g_ptr_array_index(v->files, i);
        write_file(&w, s, metadata_of(inputs, s->path));
    }
    fputs("\n  ],\n  \"findings\": [", out);
    for (guint k = 0; k < v->findings.list->len; k++) {
        fputs(k ? ",\n    " : "\n    ", out);
        write_finding(&w, g_ptr_array_index(v->findings.list, k));
    }
    fputs("\n  ]\n}\n", out);
    json_out_clear(&w);
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

/* Text from the input in the XML: its safe_text form (XML 1.0 cannot hold
 * most control characters even as references, and a CI page shows the text
 * as the terminal would), then markup-escaped. g_free it. */
static char *xml_text(const char *text)
{
    char *safe = spicecap_safe_text(text, strlen(text));
    char *xml = g_markup_escape_text(safe ? safe : "", -1);
    free(safe);
    return xml;
}

static void junit_property(GString *x, const char *name, const char *value)
{
    if (value == NULL)
        return;
    char *n = xml_text(name), *v = xml_text(value);
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
                                                        : metadata_scalar_text(node);
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
        char *name = xml_text(s->path);
        GString *cases = g_string_new(NULL);
        unsigned failures = 0;
        for (int kind = 0; kind < FINDING_KIND_COUNT; kind++) {
            GString *text = g_string_new(NULL);
            for (guint k = 0; k < v->findings.list->len; k++) {
                const finding *f = g_ptr_array_index(v->findings.list, k);
                if ((int)f->kind == kind && strcmp(f->file, s->path) == 0) {
                    char *d = xml_text(f->detail);
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
