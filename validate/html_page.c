#include "html_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byte_source.h"
#include "html_escape.h"
#include "metadata.h"
#include "triage.h"

static const char style[] =
    "body{font:14px sans-serif;margin:1em 2em;color:#222}h1.clean{color:#185}h1.findings{color:#b22}"
    "pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}table{border-collapse:collapse;margin:.3em 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}"
    "code{background:#eef;padding:0 3px}.lane-bg{fill:#f6f6f6}polyline{fill:none;stroke-width:1.2}"
    ".messages{stroke:#36c}.bytes{stroke:#e80}.loss{stroke:#d00;stroke-width:2}.trigger{stroke:#000;"
    "stroke-width:2;stroke-dasharray:4 2}.window{fill:#fd5;opacity:.35}.present{fill:#7c7}.missing{fill:#d00}"
    "svg text{font:11px sans-serif}img{max-width:100%;border:1px solid #999}.bad{color:#b22;font-weight:bold}";

/* A JSON value as a table: objects as name/value rows, arrays as rows. */
static void json_html(JsonNode *node, int depth, FILE *out)
{
    if (JSON_NODE_HOLDS_OBJECT(node) && depth < HTML_JSON_MAX_DEPTH) {
        JsonObject *o = json_node_get_object(node);
        GList *names = json_object_get_members(o);
        fputs("<table>", out);
        unsigned rows = 0;
        for (GList *n = names; n && rows < HTML_JSON_MAX_ROWS; n = n->next, rows++) {
            fputs("<tr><th>", out);
            html_put(out, n->data);
            fputs("</th><td>", out);
            json_html(json_object_get_member(o, n->data), depth + 1, out);
            fputs("</td></tr>", out);
        }
        if (json_object_get_size(o) > rows)
            fprintf(out, "<tr><td colspan=\"2\">%u more</td></tr>", json_object_get_size(o) - rows);
        fputs("</table>", out);
        g_list_free(names);
    } else if (JSON_NODE_HOLDS_ARRAY(node) && depth < HTML_JSON_MAX_DEPTH) {
        JsonArray *a = json_node_get_array(node);
        guint len = json_array_get_length(a);
        if (len == 0) {
            fputs("(empty)", out);
            return;
        }
        fputs("<table>", out);
        for (guint i = 0; i < len && i < HTML_JSON_MAX_ROWS; i++) {
            fprintf(out, "<tr><th>%u</th><td>", i);
            json_html(json_array_get_element(a, i), depth + 1, out);
            fputs("</td></tr>", out);
        }
        if (len > HTML_JSON_MAX_ROWS)
            fprintf(out, "<tr><td colspan=\"2\">%u more</td></tr>", len - HTML_JSON_MAX_ROWS);
        fputs("</table>", out);
    } else {
        char *text = metadata_scalar_text(node);
        html_put(out, text);
        g_free(text);
    }
}

static void screenshot(const input_metadata *m, const triage_member *tm, FILE *out)
{
    char *data = NULL, *error = NULL;
    size_t len = 0;
    const char *name = triage_member_name(tm->id);
    if (byte_source_zip_entry(m->source, name, TRIAGE_PNG_MAX_BYTES, &data, &len, &error) != 1) {
        g_free(error);
        return;
    }
    char *b64 = g_base64_encode((const guchar *)data, len);
    fprintf(out, "<figure><img class=\"screenshot\" data-member=\"%s\" alt=\"%s\" src=\"data:image/png;base64,%s\">"
            "<figcaption>%s, %ux%u</figcaption></figure>\n", name, name, b64, name, tm->width, tm->height);
    g_free(b64);
    g_free(data);
}

static void triage_html(const input_metadata *m, FILE *out)
{
    const triage *t = m->triage;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (mem) {
        triage_print(t, mem);
        fclose(mem);
        fputs("<pre class=\"triage\">", out);
        html_put(out, text);
        fputs("</pre>\n", out);
        free(text);
    }
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        if ((k == TM_SCREENSHOT || k == TM_SCREENSHOT_REGION) && tm->status == METADATA_READ && tm->width)
            screenshot(m, tm, out);
    }
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        const char *name = triage_member_name(tm->id);
        if (k == TM_METADATA) {
            fputs("<details class=\"member\" data-member=\"metadata.json\"><summary>metadata.json</summary>", out);
            JsonNode *node = json_node_init_object(json_node_alloc(), m->members);
            json_html(node, 0, out);
            json_node_unref(node);
            fputs("</details>\n", out);
        } else if (tm->json) {
            fprintf(out, "<details class=\"member\" data-member=\"%s\"><summary>%s</summary>", name, name);
            json_html(tm->json, 0, out);
            fputs("</details>\n", out);
        }
    }
}

/* The findings of a file, grouped by kind and flow, with a display filter each. */
static void findings_html(const validation *v, const char *path, FILE *out)
{
    GHashTable *groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); /* key -> GPtrArray */
    GPtrArray *order = g_ptr_array_new_with_free_func((GDestroyNotify)(void *)g_ptr_array_unref);
    for (guint i = 0; i < v->findings.list->len; i++) {
        finding *f = g_ptr_array_index(v->findings.list, i);
        if (strcmp(f->file, path) != 0)
            continue;
        char *key = g_strdup_printf("%s|%s", finding_kind_name(f->kind), f->flow ? f->flow : "");
        GPtrArray *g = g_hash_table_lookup(groups, key);
        if (g == NULL) {
            g = g_ptr_array_new();
            g_ptr_array_add(order, g);
            g_hash_table_insert(groups, key, g);
        } else {
            g_free(key);
        }
        g_ptr_array_add(g, f);
    }
    if (order->len)
        fputs("<table class=\"findings\"><tr><th>finding</th><th>flow</th><th>count</th><th>frames</th>"
              "<th>Wireshark filter</th><th>first</th></tr>\n", out);
    for (guint i = 0; i < order->len; i++) {
        GPtrArray *g = g_ptr_array_index(order, i);
        const finding *first = g_ptr_array_index(g, 0);
        GString *frames = g_string_new(NULL);
        for (guint k = 0; k < g->len && k < HTML_FRAMES_PER_GROUP; k++) {
            const finding *f = g_ptr_array_index(g, k);
            if (f->frame)
                g_string_append_printf(frames, "%s%" G_GUINT64_FORMAT, frames->len ? " " : "", f->frame);
        }
        fprintf(out, "<tr class=\"group\" data-kind=\"%s\" data-count=\"%u\" data-frames=\"%s\"><td>%s</td><td>",
                finding_kind_name(first->kind), g->len, frames->str, finding_kind_name(first->kind));
        html_put(out, first->flow ? first->flow : "");
        fprintf(out, "</td><td>%u</td><td>%s%s</td><td>", g->len, frames->str,
                g->len > HTML_FRAMES_PER_GROUP ? " ..." : "");
        if (frames->len) {
            fputs("<code class=\"filter\">frame.number in {", out);
            html_put(out, frames->str);
            fputs("}</code>", out);
        }
        fputs("</td><td>", out);
        html_put(out, first->detail);
        fputs("</td></tr>\n", out);
        g_string_free(frames, TRUE);
    }
    if (order->len)
        fputs("</table>\n", out);
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(groups);
}

static const input_metadata *metadata_of(const GPtrArray *inputs, const char *path, bool *first)
{
    for (guint i = 0; inputs && i < inputs->len; i++) {
        const input_metadata *m = g_ptr_array_index(inputs, i);
        for (guint k = 0; k < m->captures->len; k++)
            if (strcmp(g_ptr_array_index(m->captures, k), path) == 0) {
                *first = k == 0;
                return m;
            }
    }
    return NULL;
}

static void file_html(const validation *v, const GPtrArray *inputs, const timeline *t, guint i, FILE *out)
{
    const file_summary *s = g_ptr_array_index(v->files, i);
    bool first = false;
    const input_metadata *m = metadata_of(inputs, s->path, &first);
    if (m && first) {
        fputs("<h2 class=\"source\">", out);
        html_put(out, m->source);
        fputs("</h2>\n<p class=\"metadata\">", out);
        char *summary = metadata_summary(m);
        html_put(out, summary);
        g_free(summary);
        fputs("</p>\n", out);
        if (m->triage)
            triage_html(m, out);
    }
    uint64_t found = (i + 1 < v->files->len ? ((file_summary *)g_ptr_array_index(v->files, i + 1))->findings_before
                                             : v->findings.total) - s->findings_before;
    fputs("<section class=\"file\" data-path=\"", out);
    html_put(out, s->path);
    fprintf(out, "\" data-findings=\"%" G_GUINT64_FORMAT "\"><h3>", found);
    html_put(out, s->path);
    fputs("</h3><p>", out);
    html_put(out, s->format);
    fprintf(out, ", %" G_GUINT64_FORMAT " records, <span class=\"%s\">%" G_GUINT64_FORMAT " findings</span></p>\n",
            s->records, found ? "bad" : "", found);
    for (guint n = 0; n < s->notes->len; n++) {
        fputs("<p class=\"note\">note: ", out);
        html_put(out, g_ptr_array_index(s->notes, n));
        fputs("</p>\n", out);
    }
    timeline_write_svg(t, s->path, out);
    findings_html(v, s->path, out);
    fputs("</section>\n", out);
}

static void page(const validation *v, const GPtrArray *inputs, const timeline *t, FILE *out)
{
    bool clean = v->findings.total == 0;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n<title>spicecap-validate report</title>\n<style>", out);
    fputs(style, out);
    fprintf(out, "</style></head><body>\n<h1 class=\"verdict %s\" data-result=\"%s\" data-findings=\"%" G_GUINT64_FORMAT
            "\">%s: %" G_GUINT64_FORMAT " finding(s) in %u file(s)</h1>\n",
            clean ? "clean" : "findings", clean ? "clean" : "findings", v->findings.total, clean ? "OK" : "FAIL",
            v->findings.total, v->files->len);
    if (v->findings.total > v->findings.list->len)
        fprintf(out, "<p>%" G_GUINT64_FORMAT " more findings counted but not listed.</p>\n",
                v->findings.total - v->findings.list->len);
    for (guint i = 0; i < v->files->len; i++)
        file_html(v, inputs, t, i, out);
    fputs("</body></html>\n", out);
}

bool html_page_write(const char *path, const validation *v, const GPtrArray *inputs, const timeline *t,
                     char **error)
{
    char *tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd = g_mkstemp(tmp);
    if (fd < 0) {
        *error = g_strdup_printf("%s: %s", path, g_strerror(errno));
        g_free(tmp);
        return false;
    }
    mode_t mask = umask(0);
    umask(mask);
    FILE *out = fdopen(fd, "w");
    bool ok = out != NULL && fchmod(fd, 0666 & ~mask) == 0;
    if (ok) {
        page(v, inputs, t, out);
        ok = fflush(out) == 0 && !ferror(out) && fsync(fd) == 0;
    }
    int saved = errno;
    if (out ? fclose(out) != 0 : close(fd) != 0)
        ok = ok ? (saved = errno, false) : false;
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        *error = g_strdup_printf("%s: %s", path, g_strerror(saved));
        unlink(tmp);
    }
    g_free(tmp);
    return ok;
}
