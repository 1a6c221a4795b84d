#include "html_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byte_source.h"
#include "html_escape.h"
#include "metadata.h"
#include "report.h"
#include "triage.h"

static const char style[] =
    "body{font:14px sans-serif;margin:1em 2em;color:#222}h1.clean{color:#185}h1.findings{color:#b22}"
    "h1.error{color:#fff;background:#b00;padding:.2em .4em}.errors{color:#b00;font-weight:bold}"
    "pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}table{border-collapse:collapse;margin:.3em 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}"
    "code{background:#eef;padding:0 3px}.lane-bg{fill:#f6f6f6}polyline{fill:none;stroke-width:1.2}"
    ".messages{stroke:#36c}.bytes{stroke:#e80}.loss{stroke:#d00;stroke-width:2}.trigger{stroke:#000;"
    "stroke-width:2;stroke-dasharray:4 2}.window{fill:#fd5;opacity:.35}.present{fill:#7c7}.missing{fill:#d00}"
    "svg text{font:11px sans-serif}img{max-width:100%;border:1px solid #999}.bad{color:#b22;font-weight:bold}"
    ".differs{stroke:#80c;fill:#80c;stroke-width:2}rect.loss{fill:#d00;stroke:none}.trigger-label{font-weight:bold}"
    "tr.known{color:#666}.left-out{font-style:italic}.beside{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
    ".trends{display:flex;flex-wrap:wrap;gap:1em}.trend{margin:0}.plots{flex:0 0 910px}.shots{flex:1 1 180px;max-width:420px}.shots figure{margin:0 0 .5em}.shot{position:relative;display:inline-block}"
    ".shot img{display:block}.shot svg{position:absolute;left:0;top:0;width:100%;height:100%}"
    "rect.region{fill:none;stroke:#f0f;stroke-width:3;vector-effect:non-scaling-stroke}";

/* A JSON value as a table: objects as name/value rows, arrays as rows; at most *cells values in all. */
static void json_html(JsonNode *node, int depth, unsigned *cells, FILE *out)
{
    if (*cells == 0)
        return;
    if (JSON_NODE_HOLDS_OBJECT(node) && depth < HTML_JSON_MAX_DEPTH) {
        JsonObject *o = json_node_get_object(node);
        GList *names = json_object_get_members(o);
        fputs("<table>", out);
        unsigned rows = 0;
        for (GList *n = names; n && rows < HTML_JSON_MAX_ROWS && *cells; n = n->next, rows++) {
            fputs("<tr><th>", out);
            html_put(out, n->data);
            fputs("</th><td>", out);
            json_html(json_object_get_member(o, n->data), depth + 1, cells, out);
            fputs("</td></tr>", out);
        }
        if (json_object_get_size(o) > rows)
            fprintf(out, "<tr><td colspan=\"2\">and %u more</td></tr>", json_object_get_size(o) - rows);
        fputs("</table>", out);
        g_list_free(names);
    } else if (JSON_NODE_HOLDS_ARRAY(node) && depth < HTML_JSON_MAX_DEPTH) {
        JsonArray *a = json_node_get_array(node);
        guint len = json_array_get_length(a), i = 0;
        if (len == 0) {
            fputs("(empty)", out);
            return;
        }
        fputs("<table>", out);
        for (; i < len && i < HTML_JSON_MAX_ROWS && *cells; i++) {
            fprintf(out, "<tr><th>%u</th><td>", i);
            json_html(json_array_get_element(a, i), depth + 1, cells, out);
            fputs("</td></tr>", out);
        }
        if (len > i)
            fprintf(out, "<tr><td colspan=\"2\">and %u more</td></tr>", len - i);
        fputs("</table>", out);
    } else {
        (*cells)--;
        char *text = metadata_scalar_text(node);
        html_put(out, text);
        g_free(text);
    }
}

/* A size as people write it: "812 bytes", "1.9 MB". */
static char *size_text(uint64_t bytes)
{
    return bytes < 10000 ? g_strdup_printf("%" G_GUINT64_FORMAT " bytes", bytes) : g_format_size(bytes);
}

/* A screenshot as a data: URI, when its size, its pixels and the page's room allow; else a note saying what was left
 * out and why (no image library to scale it down is linked). */
/* metadata.json's region ({left, top, right, bottom} in the screenshot's pixels), when whole and inside it. */
static bool region_of(const input_metadata *m, const triage_member *tm, double box[4])
{
    JsonNode *node = json_object_get_member(m->members, "region");
    if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
        return false;
    JsonObject *o = json_node_get_object(node);
    static const char *const sides[4] = {"left", "top", "right", "bottom"};
    for (int i = 0; i < 4; i++) {
        JsonNode *v = json_object_get_member(o, sides[i]);
        if (v == NULL || !JSON_NODE_HOLDS_VALUE(v) ||
            (json_node_get_value_type(v) != G_TYPE_INT64 && json_node_get_value_type(v) != G_TYPE_DOUBLE))
            return false;
        box[i] = json_node_get_double(v);
        double limit = i % 2 ? tm->height : tm->width;
        if (!(box[i] >= 0 && box[i] <= limit)) /* NaN, negative or past the image: not drawn */
            return false;
    }
    return box[2] > box[0] && box[3] > box[1];
}

static void screenshot(const input_metadata *m, const triage_member *tm, bool room, FILE *out)
{
    const char *name = triage_member_name(tm->id);
    uint64_t pixels = (uint64_t)tm->width * tm->height;
    char *why = NULL;
    if (pixels > HTML_SCREENSHOT_MAX_PIXELS)
        why = g_strdup_printf("over %u megapixels decoded (%" G_GUINT64_FORMAT " MB as RGBA)",
                              HTML_SCREENSHOT_MAX_PIXELS / 1000000u, pixels * 4 / 1000000);
    else if (tm->size > HTML_SCREENSHOT_MAX_BYTES)
        why = g_strdup_printf("over the %u KiB a screenshot may take in the page", HTML_SCREENSHOT_MAX_BYTES >> 10);
    else if (!room)
        why = g_strdup("the page's 2 MB would be passed");
    char *data = NULL, *error = NULL;
    size_t len = 0;
    if (why == NULL && byte_source_zip_entry(m->source, name, HTML_SCREENSHOT_MAX_BYTES, &data, &len, &error) != 1) {
        why = g_strdup_printf("it could not be read (%s)", error ? error : "absent");
        g_free(error);
    }
    if (why) {
        char *size = size_text(tm->size);
        fprintf(out, "<p class=\"left-out bad\" data-member=\"%s\">%s (%ux%u, %s) is left out of the page: %s. "
                "Open it from the zip.</p>\n", name, name, tm->width, tm->height, size, why);
        g_free(size);
        g_free(why);
        return;
    }
    char *b64 = g_base64_encode((const guchar *)data, len);
    fprintf(out, "<figure><div class=\"shot\"><img class=\"screenshot\" data-member=\"%s\" alt=\"%s\" "
            "src=\"data:image/png;base64,%s\">", name, name, b64);
    double box[4];
    bool outlined = tm->id == TM_SCREENSHOT && region_of(m, tm, box);
    if (outlined) /* the region the user drew, outlined on the whole screenshot */
        fprintf(out, "<svg class=\"region\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %u %u\" "
                "preserveAspectRatio=\"none\"><rect class=\"region\" x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\">"
                "<title>the region drawn (metadata.json)</title></rect></svg>", tm->width, tm->height, box[0], box[1],
                box[2] - box[0], box[3] - box[1]);
    fprintf(out, "</div><figcaption>%s, %ux%u%s</figcaption></figure>\n", name, tm->width, tm->height,
            outlined ? ", the region drawn outlined" : "");
    g_free(b64);
    g_free(data);
}

/* channel-state.json's counters that say something went wrong, and what each means (ryll's
 * shakenfist-spice-renderer snapshots.rs names; others matched by the words in their names). */
static const struct {
    const char *name, *meaning;
} counter_meanings[] = {
    {"decode_failed_count", "images the renderer could not decode (a corrupt or unsupported image: see its failed "
                            "recent_decodes)"},
    {"stream_data_orphan_count", "video stream data for a stream the client does not know (its stream_create lost or "
                                 "out of order)"},
    {"writer_dropped_count", "records ryll's pcap writer dropped, its queue full: the capture lacks them (a desync in "
                             "the live pcap)"},
    {"streams_created_total", "video streams created in the session (compared across a series of auto-snapshots)"},
};
static const char *const anomaly_words[] = {"fail", "error", "orphan", "drop", "evict", "lost", NULL};

static const char *counter_meaning(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(counter_meanings); i++)
        if (strcmp(name, counter_meanings[i].name) == 0)
            return counter_meanings[i].meaning;
    if (strstr(name, "mjpeg"))
        return "MJPEG video frames that failed to decode";
    if (strstr(name, "h264"))
        return "H.264 video frames that failed to decode";
    if (strstr(name, "glz") || strstr(name, "evict"))
        return "GLZ dictionary entries evicted: an image that refers to one cannot be decoded";
    return "a count of things that went wrong (ryll's name for it)";
}

static bool is_counter(const char *name, JsonNode *node)
{
    if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(counter_meanings); i++)
        if (strcmp(name, counter_meanings[i].name) == 0)
            return true;
    for (const char *const *w = anomaly_words; *w; w++)
        if (strstr(name, *w))
            return true;
    return false;
}

/* One snapshot's counters as rows, and its failed recent_decodes with a filter for their moment in traffic.pcap. */
static void snapshot_rows(const char *channel, JsonObject *o, unsigned *rows, FILE *out)
{
    GList *names = json_object_get_members(o);
    for (GList *n = names; n && *rows < HTML_LIST_MAX; n = n->next) {
        JsonNode *node = json_object_get_member(o, n->data);
        if (!is_counter(n->data, node))
            continue;
        gint64 value = json_node_get_int(node);
        bool anomaly = value != 0 && strcmp(n->data, "streams_created_total") != 0;
        fprintf(out, "<tr class=\"counter%s\" data-channel=\"", anomaly ? " bad" : "");
        html_put(out, channel);
        fputs("\" data-name=\"", out);
        html_put(out, n->data);
        fprintf(out, "\" data-value=\"%" G_GINT64_FORMAT "\"><td>", value);
        html_put(out, channel);
        fputs("</td><td>", out);
        html_put(out, n->data);
        fprintf(out, "</td><td>%" G_GINT64_FORMAT "</td><td>%s</td></tr>\n", value, counter_meaning(n->data));
        (*rows)++;
    }
    g_list_free(names);
    JsonNode *recent = json_object_get_member(o, "recent_decodes");
    if (recent == NULL || !JSON_NODE_HOLDS_ARRAY(recent))
        return;
    JsonArray *a = json_node_get_array(recent);
    for (guint i = 0; i < json_array_get_length(a) && *rows < HTML_LIST_MAX; i++) {
        JsonNode *e = json_array_get_element(a, i);
        JsonObject *d = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
        JsonNode *ok = d ? json_object_get_member(d, "success") : NULL;
        if (ok == NULL || !JSON_NODE_HOLDS_VALUE(ok) || json_node_get_value_type(ok) != G_TYPE_BOOLEAN ||
            json_node_get_boolean(ok))
            continue;
        JsonNode *when = json_object_get_member(d, "timestamp_secs"), *type = json_object_get_member(d, "image_type"),
                 *id = json_object_get_member(d, "image_id");
        bool timed = when && JSON_NODE_HOLDS_VALUE(when) && (json_node_get_value_type(when) == G_TYPE_DOUBLE ||
                                                             json_node_get_value_type(when) == G_TYPE_INT64);
        double secs = timed ? json_node_get_double(when) : 0;
        timed = timed && secs >= 0 && secs < 1e12;
        fputs("<tr class=\"decode-failed bad\"><td>", out);
        html_put(out, channel);
        fputs("</td><td>recent_decodes[", out);
        fprintf(out, "%u]</td><td>failed</td><td>", i);
        char *t = type ? metadata_scalar_text(type) : g_strdup("?"), *n = id ? metadata_scalar_text(id) : g_strdup("?");
        fputs("image ", out);
        html_put_cut(out, n, 40);
        fputs(" (", out);
        html_put_cut(out, t, 40);
        fputs(")", out);
        g_free(t);
        g_free(n);
        if (timed) /* the pcap's timestamps are seconds of the session, the same clock */
            fprintf(out, " at %.3f s: in traffic.pcap, the first frame of <code class=\"filter\">frame.time_epoch &gt;= "
                    "%.6f</code>", secs, secs);
        fputs("</td></tr>\n", out);
        (*rows)++;
    }
}

/* channel-state.json's anomaly counters with what they mean: one snapshot, or (an AutoSnapshot) one per channel. */
static void channel_state_html(const input_metadata *m, FILE *out)
{
    const triage_member *tm = &m->triage->members.member[TM_CHANNEL_STATE];
    if (tm->json == NULL || !JSON_NODE_HOLDS_OBJECT(tm->json))
        return;
    JsonObject *o = json_node_get_object(tm->json);
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (mem == NULL)
        return;
    unsigned rows = 0;
    const char *channel = metadata_string(m, "channel");
    snapshot_rows(channel ? channel : "", o, &rows, mem);
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        JsonNode *node = json_object_get_member(o, n->data);
        if (JSON_NODE_HOLDS_OBJECT(node))
            snapshot_rows(n->data, json_node_get_object(node), &rows, mem);
    }
    g_list_free(names);
    fclose(mem);
    if (size)
        fprintf(out, "<table class=\"channel-state\"><caption>channel-state.json: what went wrong</caption><tr><th>channel"
                "</th><th>counter</th><th>value</th><th>meaning</th></tr>\n%s%s</table>\n", text,
                rows >= HTML_LIST_MAX ? "<tr><td colspan=\"4\">and more (--json has them all)</td></tr>\n" : "");
    free(text);
}

/* level: what a section holds (HTML_FULL, HTML_NO_MEMBERS: no screenshot or member table, HTML_STUB: the heading). */
enum { HTML_STUB, HTML_NO_MEMBERS, HTML_FULL };

static void triage_html(const input_metadata *m, int level, bool room_for_images, FILE *out)
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
    (void)room_for_images; /* the screenshots go beside the timeline (file_html) */
    channel_state_html(m, out);
    if (level < HTML_FULL) {
        fputs("<p class=\"left-out\">The report's JSON members are left out of the page (its 2 MB would be passed): "
              "--json holds them whole.</p>\n", out);
        return;
    }
    for (int k = 0; k < TM_COUNT; k++) {
        const triage_member *tm = &t->members.member[k];
        const char *name = triage_member_name(tm->id);
        unsigned cells = HTML_JSON_MAX_CELLS;
        if (k == TM_METADATA) {
            fputs("<details class=\"member\" data-member=\"metadata.json\"><summary>metadata.json</summary>", out);
            JsonNode *node = json_node_init_object(json_node_alloc(), m->members);
            json_html(node, 0, &cells, out);
            json_node_unref(node);
            fputs("</details>\n", out);
        } else if (tm->json) {
            fprintf(out, "<details class=\"member\" data-member=\"%s\"><summary>%s</summary>", name, name);
            json_html(tm->json, 0, &cells, out);
            if (cells == 0)
                fprintf(out, "<p>cut after %u values: --json holds it whole.</p>", HTML_JSON_MAX_CELLS);
            fputs("</details>\n", out);
        }
    }
}

static gint by_number(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Frames as a Wireshark set, consecutive ones as ranges ("3 7..9 12"): at most HTML_FILTER_TERMS terms; *left gets
 * how many frames that leaves out. */
static char *frame_set(GArray *frames, guint *left)
{
    g_array_sort(frames, by_number);
    GString *out = g_string_new(NULL);
    guint terms = 0, i = 0;
    *left = 0;
    while (i < frames->len) {
        uint64_t from = g_array_index(frames, uint64_t, i), to = from;
        guint j = i + 1;
        for (; j < frames->len && g_array_index(frames, uint64_t, j) <= to + 1; j++)
            to = g_array_index(frames, uint64_t, j);
        if (terms == HTML_FILTER_TERMS) {
            *left = frames->len - i;
            break;
        }
        if (from == to)
            g_string_append_printf(out, "%s%" G_GUINT64_FORMAT, terms ? " " : "", from);
        else
            g_string_append_printf(out, "%s%" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, terms ? " " : "", from, to);
        terms++;
        i = j;
    }
    return g_string_free(out, FALSE);
}

/* A path by its last name (the whole path in the element's title). */
static void html_put_base(FILE *out, const char *path)
{
    char *base = g_path_get_basename(path);
    html_put(out, base);
    g_free(base);
}

/* A recorded flow as the bars name it, "display rx", then its addresses. */
static void flow_label(const char *flow, FILE *out)
{
    const char *client = strstr(flow, "10.0.0.1:");
    unsigned channel = client ? spicecap_channel_from_client_port((uint16_t)g_ascii_strtoull(client + 9, NULL, 10)) : 0;
    if (channel)
        fprintf(out, "<b>%s %s</b> ", spicecap_channel_label(channel),
                g_str_has_prefix(flow, "10.0.0.2:5900 ->") ? "rx" : "tx");
    html_put(out, flow);
}

/* Kinds that are ryll's known recording limits (docs/ryll-captures.md): shown apart, so news stands out. */
static bool known_limit(finding_kind kind)
{
    return kind == FINDING_SNAPLEN_LOSS || kind == FINDING_HEADERLESS_PLAYBACK;
}

/* The findings of a file, grouped by kind and flow, with a display filter each: news first, ryll's known recording
 * limits after. */
static void findings_html(const validation *v, const char *path, guint part, FILE *out)
{
    bool kind_seen[FINDING_KIND_COUNT] = {false};
    GHashTable *groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); /* key -> GPtrArray */
    GPtrArray *order = g_ptr_array_new_with_free_func((GDestroyNotify)(void *)g_ptr_array_unref);
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < v->findings.list->len; i++) {
            finding *f = g_ptr_array_index(v->findings.list, i);
            if (strcmp(f->file, path) != 0 || known_limit(f->kind) != (pass == 1))
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
        fputs("<table class=\"findings\"><tr><th>finding</th><th>flow</th><th>count</th><th>frames (Wireshark filter)</th>"
              "<th>first</th></tr>\n", out);
    bool limits_said = false;
    GArray *frames = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    for (guint i = 0; i < order->len && i < HTML_LIST_MAX; i++) {
        GPtrArray *g = g_ptr_array_index(order, i);
        const finding *first = g_ptr_array_index(g, 0);
        if (known_limit(first->kind) && !limits_said) {
            limits_said = true;
            fputs("<tr class=\"known\"><th colspan=\"5\">ryll's known recording limits (docs/ryll-captures.md): expected "
                  "in today's ryll reports, not news</th></tr>\n", out);
        }
        g_array_set_size(frames, 0);
        for (guint k = 0; k < g->len; k++) {
            const finding *f = g_ptr_array_index(g, k);
            if (f->frame)
                g_array_append_val(frames, f->frame);
        }
        guint left = 0;
        char *set = frame_set(frames, &left);
        fprintf(out, "<tr class=\"group%s\" data-kind=\"%s\" data-count=\"%u\" data-frames=\"%s\"",
                known_limit(first->kind) ? " known" : "", finding_kind_name(first->kind), g->len, set);
        if (!kind_seen[first->kind]) /* the marks of the timeline link here */
            fprintf(out, " id=\"file-%u-%s\"", part, finding_kind_name(first->kind));
        kind_seen[first->kind] = true;
        fprintf(out, "><td>%s</td><td>", finding_kind_name(first->kind));
        if (first->flow)
            flow_label(first->flow, out);
        fprintf(out, "</td><td>%u</td><td>", g->len);
        if (*set) {
            fprintf(out, "<code class=\"filter\">frame.number in {%s}</code>", set);
            if (left)
                fprintf(out, " <span class=\"more\">and %u more frames (-v or --json lists them)</span>", left);
        }
        fputs("</td><td>", out);
        html_put(out, first->detail);
        fputs("</td></tr>\n", out);
        g_free(set);
    }
    if (order->len > HTML_LIST_MAX)
        fprintf(out, "<tr><td colspan=\"5\">and %u more groups (-v or --json lists them)</td></tr>\n",
                order->len - HTML_LIST_MAX);
    if (order->len)
        fputs("</table>\n", out);
    g_array_free(frames, TRUE);
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

static bool has_screenshot(const triage *t)
{
    for (int k = TM_SCREENSHOT; k <= TM_SCREENSHOT_REGION; k++)
        if (t->members.member[k].status == METADATA_READ && t->members.member[k].width)
            return true;
    return false;
}

static void file_html(const validation *v, const GPtrArray *inputs, const timeline *t, guint i, int level,
                      bool room_for_images, FILE *out)
{
    const file_summary *s = g_ptr_array_index(v->files, i);
    bool first = false;
    const input_metadata *m = metadata_of(inputs, s->path, &first);
    uint64_t found = report_file_findings(v, i);
    fprintf(out, "<div class=\"part\" id=\"file-%u\">\n", i + 1);
    if (m && first) {
        fputs("<h2 class=\"source\" title=\"", out);
        html_put(out, m->source);
        fputs("\">", out);
        html_put_base(out, m->source);
        fputs("</h2>\n<p class=\"metadata\">", out);
        char *summary = metadata_summary(m);
        html_put(out, summary);
        g_free(summary);
        fputs("</p>\n", out);
        if (m->triage && level > HTML_STUB)
            triage_html(m, level, room_for_images, out);
    }
    fputs("<section class=\"file\" data-path=\"", out);
    html_put(out, s->path);
    fprintf(out, "\" data-findings=\"%" G_GUINT64_FORMAT "\"><h3 title=\"", found);
    html_put(out, s->path);
    fputs("\">", out);
    html_put_base(out, s->path);
    fputs("</h3><p>", out);
    html_put(out, s->format);
    fprintf(out, ", %" G_GUINT64_FORMAT " records, <span class=\"%s\">%" G_GUINT64_FORMAT " findings</span></p>\n",
            s->records, found ? "bad" : "", found);
    if (level == HTML_STUB) {
        fputs("<p class=\"left-out bad\">This file's timeline and findings are left out: the page would pass 2 MB. "
              "The text report, -v or --json has them.</p>\n</section></div>\n", out);
        return;
    }
    for (guint n = 0; n < s->notes->len && n < HTML_LIST_MAX; n++) {
        fputs("<p class=\"note\">note: ", out);
        html_put(out, g_ptr_array_index(s->notes, n));
        fputs("</p>\n", out);
    }
    if (s->notes->len > HTML_LIST_MAX)
        fprintf(out, "<p class=\"note\">and %u more notes</p>\n", s->notes->len - HTML_LIST_MAX);
    bool shots = m && first && m->triage && has_screenshot(m->triage);
    if (shots)
        fputs("<div class=\"beside\"><div class=\"plots\">", out);
    char *anchor = g_strdup_printf("file-%u", i + 1);
    timeline_write_svg(t, s->path, anchor, out);
    g_free(anchor);
    if (shots) {
        fputs("</div><div class=\"shots\">", out);
        for (int k = TM_SCREENSHOT; k <= TM_SCREENSHOT_REGION; k++) {
            const triage_member *tm = &m->triage->members.member[k];
            if (tm->status == METADATA_READ && tm->width)
                screenshot(m, tm, room_for_images && level == HTML_FULL, out);
        }
        fputs("</div></div>\n", out);
    }
    findings_html(v, s->path, i + 1, out);
    fputs("</section></div>\n", out);
}

/* A file's part of the page at the richest level that keeps the page within its bound (level 0 always fits). */
static void file_part(const validation *v, const GPtrArray *inputs, const timeline *t, guint i, FILE *out)
{
    long at = ftell(out);
    /* past the reserve no richer part can fit: not rendered only to be dropped */
    bool full = at >= 0 && (size_t)at + HTML_PAGE_RESERVE < HTML_PAGE_MAX_BYTES;
    for (int level = full ? HTML_FULL : HTML_STUB; level >= HTML_STUB; level--) {
        char *text = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&text, &size);
        if (mem == NULL)
            return;
        file_html(v, inputs, t, i, level, at >= 0 && (size_t)at < HTML_PAGE_IMAGES_UNTIL, mem);
        fclose(mem);
        bool fits = at >= 0 && (size_t)at + size + HTML_PAGE_RESERVE <= HTML_PAGE_MAX_BYTES;
        if (fits || level == HTML_STUB)
            fwrite(text, 1, size, out);
        free(text);
        if (fits || level == HTML_STUB)
            return;
    }
}

/* The first file part holding a finding of this kind, for a link (0: none listed). */
static guint part_of_kind(const validation *v, finding_kind kind)
{
    for (guint k = 0; k < v->findings.list->len; k++) {
        const finding *f = g_ptr_array_index(v->findings.list, k);
        if (f->kind != kind)
            continue;
        for (guint i = 0; i < v->files->len; i++)
            if (strcmp(((file_summary *)g_ptr_array_index(v->files, i))->path, f->file) == 0)
                return i + 1;
    }
    return 0;
}

/* At the top: the findings by kind, news apart from ryll's known recording limits, and each message of a ring that
 * differs from its live capture with both frames. */
static void summary_html(const validation *v, FILE *out)
{
    if (v->findings.total == 0)
        return;
    for (int known = 0; known < 2; known++) {
        bool any = false;
        for (int kind = 0; kind < FINDING_KIND_COUNT; kind++) {
            if (v->findings.count[kind] == 0 || known_limit((finding_kind)kind) != (known == 1))
                continue;
            if (!any)
                fprintf(out, "<p class=\"%s\">%s", known ? "kinds known" : "kinds news",
                        known ? "ryll's known recording limits (not news):" : "<b>News:</b>");
            guint part = part_of_kind(v, (finding_kind)kind);
            fprintf(out, "%s <a class=\"kind\" data-kind=\"%s\" data-count=\"%" G_GUINT64_FORMAT "\"%s%.0u%s>%s: %"
                    G_GUINT64_FORMAT "</a>", any ? "," : "", finding_kind_name((finding_kind)kind), v->findings.count[kind],
                    part ? " href=\"#file-" : "", part, part ? "\"" : "", finding_kind_name((finding_kind)kind),
                    v->findings.count[kind]);
            any = true;
        }
        if (any)
            fputs("</p>\n", out);
    }
    if (v->findings.count[FINDING_RING_DIFFERS] == 0)
        return;
    fputs("<div class=\"ring-differs bad\"><p>A report's ring holds messages whose bytes differ from the live "
          "capture's:</p><ul>\n", out);
    guint shown = 0;
    for (guint k = 0; k < v->findings.list->len && shown < HTML_LIST_MAX; k++) {
        const finding *f = g_ptr_array_index(v->findings.list, k);
        if (f->kind != FINDING_RING_DIFFERS)
            continue;
        shown++;
        fprintf(out, "<li class=\"differs\" data-frame=\"%" G_GUINT64_FORMAT "\">", f->frame);
        html_put(out, f->file);
        fputs(": ", out);
        html_put(out, f->detail);
        fputs("</li>\n", out);
    }
    if (v->findings.count[FINDING_RING_DIFFERS] > shown)
        fprintf(out, "<li>and %" G_GUINT64_FORMAT " more</li>\n", v->findings.count[FINDING_RING_DIFFERS] - shown);
    fputs("</ul></div>\n", out);
}

typedef struct report_row {
    const input_metadata *m;
    const char *when; /* triggered_at, else timestamp, else the zip's name */
    guint part;       /* its first file's part, 0 when its pcap was not read */
} report_row;

/* An integer member of channel-state.json summed over its snapshot and (an AutoSnapshot) each channel's; -1: none. */
static gint64 state_sum(const input_metadata *m, const char *name)
{
    const triage_member *tm = m->triage ? &m->triage->members.member[TM_CHANNEL_STATE] : NULL;
    if (tm == NULL || tm->json == NULL || !JSON_NODE_HOLDS_OBJECT(tm->json))
        return -1;
    JsonObject *o = json_node_get_object(tm->json);
    gint64 sum = -1;
    JsonNode *top = json_object_get_member(o, name);
    if (top && JSON_NODE_HOLDS_VALUE(top) && json_node_get_value_type(top) == G_TYPE_INT64 && json_node_get_int(top) >= 0)
        sum = json_node_get_int(top);
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        JsonNode *node = json_object_get_member(o, n->data);
        JsonNode *v = JSON_NODE_HOLDS_OBJECT(node) ? json_object_get_member(json_node_get_object(node), name) : NULL;
        gint64 x = v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64 ? json_node_get_int(v) : -1;
        if (x >= 0) /* saturated: the members are the input's */
            sum = sum < 0 ? x : sum > G_MAXINT64 - x ? G_MAXINT64 : sum + x;
    }
    g_list_free(names);
    return sum;
}

/* A series across the reports, oldest first, as a small line with its first and last values. */
static void trend_svg(const char *label, const gint64 *values, guint n, FILE *out)
{
    gint64 peak = 1;
    guint known = 0;
    for (guint i = 0; i < n; i++) {
        peak = values[i] > peak ? values[i] : peak;
        known += values[i] >= 0;
    }
    if (known == 0)
        return;
    fprintf(out, "<figure class=\"trend\" data-trend=\"%s\" data-values=\"", label);
    for (guint i = 0; i < n; i++)
        if (values[i] >= 0)
            fprintf(out, "%s%" G_GINT64_FORMAT, i ? " " : "", values[i]);
        else
            fputs(i ? " -" : "-", out);
    fprintf(out, "\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"40\"><rect class=\"lane-bg\" "
            "width=\"240\" height=\"40\"/><polyline class=\"messages\" points=\"");
    for (guint i = 0; i < n; i++)
        if (values[i] >= 0)
            fprintf(out, "%.1f,%.1f ", n > 1 ? 4 + 232.0 * i / (n - 1) : 120.0, 36 - 32.0 * (double)values[i] / (double)peak);
    fprintf(out, "\"/></svg><figcaption>%s, oldest to newest (peak %" G_GINT64_FORMAT ")</figcaption></figure>\n", label,
            peak);
}

static gint by_when(gconstpointer a, gconstpointer b)
{
    const report_row *x = a, *y = b;
    int c = strcmp(x->when, y->when);
    return c ? c : strcmp(x->m->source, y->m->source);
}

/* What the table of reports counts of each file's findings. */
typedef struct part_counts {
    uint64_t news, known, snaplen, k2;
} part_counts;

/* Every listed finding counted once, by file: path -> part_counts (one pass, whatever the number of reports). */
static GHashTable *count_by_file(const validation *v)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint k = 0; k < v->findings.list->len; k++) {
        const finding *f = g_ptr_array_index(v->findings.list, k);
        part_counts *c = g_hash_table_lookup(h, f->file);
        if (c == NULL) {
            c = g_new0(part_counts, 1);
            g_hash_table_insert(h, f->file, c);
        }
        if (known_limit(f->kind))
            c->known++;
        else
            c->news++;
        c->snaplen += f->kind == FINDING_SNAPLEN_LOSS;
        c->k2 += f->kind == FINDING_K2_EMPTY_RECORD;
    }
    return h;
}

/* A pile of reports: one row each, sorted by time, linking to its part. */
static void reports_html(const validation *v, const GPtrArray *inputs, FILE *out)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(report_row));
    for (guint i = 0; inputs && i < inputs->len; i++) {
        const input_metadata *m = g_ptr_array_index(inputs, i);
        if (m->kind != METADATA_BUG_REPORT)
            continue;
        const char *when = metadata_string(m, "triggered_at");
        when = when ? when : metadata_string(m, "timestamp");
        report_row r = {m, when ? when : m->source, 0};
        for (guint k = 0; m->captures->len && k < v->files->len && !r.part; k++)
            if (strcmp(((file_summary *)g_ptr_array_index(v->files, k))->path, g_ptr_array_index(m->captures, 0)) == 0)
                r.part = k + 1;
        g_array_append_val(rows, r);
    }
    if (rows->len < 2) {
        g_array_free(rows, TRUE);
        return;
    }
    g_array_sort(rows, by_when);
    GHashTable *counts = count_by_file(v);
    fprintf(out, "<table class=\"reports\"><caption>%u reports, by time</caption><tr><th>time</th><th>report</th>"
            "<th>type</th><th>trigger</th><th>verdict</th><th>new findings</th><th>snaplen-loss</th>"
            "<th>k2-empty-record</th><th>streams created</th><th>decode failures</th></tr>\n", rows->len);
    guint shown = rows->len < HTML_REPORT_ROWS ? rows->len : HTML_REPORT_ROWS;
    gint64 *series = g_new(gint64, 4 * (gsize)shown); /* K2, snaplen, streams created, decode failures per row */
    for (guint i = 0; i < shown * 4; i++)
        series[i] = -1;
    guint written = 0;
    for (guint i = 0; i < shown; i++, written++) {
        long at = ftell(out);
        if (at < 0 || (size_t)at > HTML_REPORT_TABLE_MAX_BYTES) /* long names from the input: the table ends here */
            break;
        const report_row *r = &g_array_index(rows, report_row, i);
        const char *path = r->part ? ((file_summary *)g_ptr_array_index(v->files, r->part - 1))->path : NULL;
        fputs("<tr class=\"report\"><td>", out);
        html_put_cut(out, r->when, 40);
        fputs("</td><td>", out);
        char *base = g_path_get_basename(r->m->source);
        if (r->part)
            fprintf(out, "<a href=\"#file-%u\">", r->part);
        html_put_cut(out, base, 100);
        fputs(r->part ? "</a></td><td>" : "</td><td>", out);
        g_free(base);
        char *type = metadata_report_type(r->m);
        html_put_cut(out, type ? type : "", 80);
        g_free(type);
        fputs("</td><td>", out);
        const triage *t = r->m->triage;
        if (t && t->window.known && t->window.trigger_frame)
            fprintf(out, "%.3f s, frame %" G_GUINT64_FORMAT, t->window.trigger_secs, t->window.trigger_frame);
        else if (t && t->window.known)
            fprintf(out, "%.3f s, no frame at or after it", t->window.trigger_secs);
        series[shown * 2 + i] = state_sum(r->m, "streams_created_total");
        series[shown * 3 + i] = state_sum(r->m, "decode_failed_count");
        char streams[24] = "", failures[24] = "";
        if (series[shown * 2 + i] >= 0)
            snprintf(streams, sizeof streams, "%" G_GINT64_FORMAT, series[shown * 2 + i]);
        if (series[shown * 3 + i] >= 0)
            snprintf(failures, sizeof failures, "%" G_GINT64_FORMAT, series[shown * 3 + i]);
        if (path == NULL) {
            fprintf(out, "</td><td class=\"bad\">could not be read</td><td></td><td></td><td></td><td>%s</td><td>%s</td>"
                    "</tr>\n", streams, failures);
            continue;
        }
        static const part_counts none = {0, 0, 0, 0};
        const part_counts *c = g_hash_table_lookup(counts, path);
        c = c ? c : &none;
        series[i] = (gint64)c->k2;
        series[shown + i] = (gint64)c->snaplen;
        fprintf(out, "</td><td class=\"%s\">%s</td><td>%" G_GUINT64_FORMAT "</td><td>%" G_GUINT64_FORMAT "</td><td>%"
                G_GUINT64_FORMAT "</td><td>%s</td><td>%s</td></tr>\n", c->news ? "bad" : "",
                c->news ? "FAIL" : c->known ? "FAIL (known limits only)" : "OK", c->news, c->snaplen, c->k2, streams,
                failures);
    }
    if (rows->len > written)
        fprintf(out, "<tr><td colspan=\"10\">and %u more</td></tr>\n", rows->len - written);
    fputs("</table>\n<div class=\"trends\">", out);
    static const char *const trends[4] = {"k2-empty-record", "snaplen-loss", "streams_created_total",
                                          "decode_failed_count"};
    for (int k = 0; k < 4; k++)
        trend_svg(trends[k], series + (gsize)k * shown, written, out);
    fputs("</div>\n", out);
    g_free(series);
    g_hash_table_destroy(counts);
    g_array_free(rows, TRUE);
}

/* The verdict first: the result, every input named, and each that could not be read with why, in red. */
static void verdict_html(const validation *v, const verdict *vd, FILE *out)
{
    verdict_result r = verdict_result_of(vd, v);
    const char *name = verdict_result_name(r);
    fprintf(out, "<h1 class=\"verdict %s\" data-result=\"%s\" data-findings=\"%" G_GUINT64_FORMAT "\" data-files=\"%u\" "
            "data-errors=\"%u\">", name, name, v->findings.total, v->files->len, vd ? vd->errors->len : 0);
    if (r == VERDICT_ERROR)
        fprintf(out, "ERROR: %u input(s) or file(s) could not be read; ", vd->errors->len);
    else
        fputs(r == VERDICT_FINDINGS ? "FAIL: " : "OK: ", out);
    fprintf(out, "%" G_GUINT64_FORMAT " finding(s) in %u file(s) read</h1>\n", v->findings.total, v->files->len);
    if (vd && vd->errors->len) {
        fputs("<ul class=\"errors\">\n", out);
        for (guint i = 0; i < vd->errors->len && i < HTML_LIST_MAX; i++) {
            const input_error *e = g_ptr_array_index(vd->errors, i);
            fputs("<li class=\"input-error\" data-path=\"", out);
            html_put(out, e->path);
            fputs("\"><b>", out);
            html_put(out, e->path);
            fputs("</b>: ", out);
            html_put(out, e->reason);
            fputs("</li>\n", out);
        }
        if (vd->errors->len > HTML_LIST_MAX)
            fprintf(out, "<li>and %u more</li>\n", vd->errors->len - HTML_LIST_MAX);
        fputs("</ul>\n", out);
    }
    if (vd && vd->inputs->len) {
        fputs("<p class=\"inputs\">Inputs:", out);
        for (guint i = 0; i < vd->inputs->len && i < HTML_LIST_MAX; i++) {
            const char *path = g_ptr_array_index(vd->inputs, i);
            bool failed = verdict_error_of(vd, path) != NULL;
            fprintf(out, "%s <span class=\"input%s\" data-path=\"", i ? "," : "", failed ? " bad" : "");
            html_put(out, path);
            fputs("\">", out);
            html_put(out, path);
            fputs(failed ? " (could not be read)</span>" : "</span>", out);
        }
        if (vd->inputs->len > HTML_LIST_MAX)
            fprintf(out, " and %u more", vd->inputs->len - HTML_LIST_MAX);
        fputs("</p>\n", out);
    }
}

static void page(const validation *v, const GPtrArray *inputs, const verdict *vd, const timeline *t, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n<title>", out);
    verdict_result r = verdict_result_of(vd, v);
    fputs(r == VERDICT_ERROR ? "ERROR" : r == VERDICT_FINDINGS ? "FAIL" : "OK", out);
    if (vd && vd->inputs->len) {
        char *base = g_path_get_basename(g_ptr_array_index(vd->inputs, 0));
        fputs(" ", out);
        html_put(out, base);
        g_free(base);
        if (vd->inputs->len > 1)
            fprintf(out, " and %u more", vd->inputs->len - 1);
    }
    fputs(" - spicecap-validate</title>\n<style>", out);
    fputs(style, out);
    fputs("</style></head><body>\n", out);
    verdict_html(v, vd, out);
    summary_html(v, out);
    reports_html(v, inputs, out);
    if (v->findings.total > v->findings.list->len)
        fprintf(out, "<p>%" G_GUINT64_FORMAT " more findings counted but not listed.</p>\n",
                v->findings.total - v->findings.list->len);
    guint left_out = 0;
    for (guint i = 0; i < v->files->len; i++) {
        long at = ftell(out);
        if (at < 0 || (size_t)at + HTML_PAGE_STUBS_RESERVE > HTML_PAGE_MAX_BYTES)
            left_out++;
        else
            file_part(v, inputs, t, i, out);
    }
    if (left_out)
        fprintf(out, "<p class=\"left-out bad\">%u more file(s) left out: the page would pass 2 MB. The text report and "
                "--json have them.</p>\n", left_out);
    fputs("</body></html>\n", out);
}

bool html_page_write(const char *path, const validation *v, const GPtrArray *inputs, const verdict *vd,
                     const timeline *t, char **error)
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
        page(v, inputs, vd, t, out);
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
