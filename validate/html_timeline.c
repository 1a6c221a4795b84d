#include "html_timeline.h"

#include <math.h>
#include <string.h>

#include "frame_index.h"
#include "html_escape.h"
#include "tcp_flow.h"
#include "trigger_window.h"

#define NS 1000000000.0
#define RECENT 64u /* records remembered, to time the findings they raised */
#define FIRST_BIN_NS 1000000ull /* 1 ms, doubled as needed */

/* SVG geometry: a label column, then the plot. */
#define LABEL_W 90
#define PLOT_W 800
#define LANE_H 40
#define BAR_H 14
#define LANES_TOP 30 /* room above the lanes for the trigger's label */

typedef struct lane {
    uint32_t messages[TIMELINE_BINS];
    uint64_t bytes[TIMELINE_BINS];
    uint64_t total_messages, total_bytes;
} lane;

typedef struct mark {
    uint64_t ts_ns, frame;
    uint8_t channel, kind;
} mark;

typedef struct bar {
    char *flow;
    uint8_t channel;
    uint32_t first_seq;
    uint64_t span; /* bytes from first_seq to the chain's end */
} bar;

typedef struct file_line {
    char *path;
    bool have_ts;
    uint64_t t0_ns, first_ns, last_ns, bin_ns;
    lane *lanes[SPICECAP_CHANNEL_SLOTS]; /* allocated when a channel is seen */
    GArray *marks;  /* mark */
    GPtrArray *bars; /* bar * */
    uint64_t bars_left_out;
    bool has_trigger;
    double trigger_secs, window_secs;
    uint64_t trigger_frame;
} file_line;

struct timeline {
    const validation *v;
    validation_observer observer;
    GPtrArray *files; /* file_line * */
    file_line *cur;
    guint findings_seen;
    uint64_t recent_frame[RECENT], recent_ts[RECENT];
    uint8_t recent_channel[RECENT];
    uint64_t cur_ts;
};

static void free_bar(gpointer p)
{
    bar *b = p;
    g_free(b->flow);
    g_free(b);
}

static void free_file(gpointer p)
{
    file_line *f = p;
    g_free(f->path);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        g_free(f->lanes[c]);
    g_array_free(f->marks, TRUE);
    g_ptr_array_free(f->bars, TRUE);
    g_free(f);
}

/* Twice the bin width: pairs of bins merge. */
static void widen(file_line *f)
{
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        lane *l = f->lanes[c];
        if (l == NULL)
            continue;
        for (unsigned i = 0; i < TIMELINE_BINS; i++) {
            uint32_t m = i * 2 < TIMELINE_BINS ? l->messages[i * 2] : 0;
            uint64_t b = i * 2 < TIMELINE_BINS ? l->bytes[i * 2] : 0;
            if (i * 2 + 1 < TIMELINE_BINS) {
                m += l->messages[i * 2 + 1];
                b += l->bytes[i * 2 + 1];
            }
            l->messages[i] = m;
            l->bytes[i] = b;
        }
    }
    f->bin_ns *= 2;
}

static unsigned bin_of(file_line *f, uint64_t ts)
{
    uint64_t at = ts > f->t0_ns ? ts - f->t0_ns : 0;
    while (at / f->bin_ns >= TIMELINE_BINS)
        widen(f);
    return (unsigned)(at / f->bin_ns);
}

/* The channel of a recorded flow from its name ("10.0.0.2:5900 -> 10.0.0.1:10001": the client port), or 0. */
static unsigned channel_of_flow(const char *flow)
{
    if (flow == NULL)
        return 0;
    const char *client = strstr(flow, "10.0.0.1:");
    return client ? spicecap_channel_from_client_port((uint16_t)g_ascii_strtoull(client + 9, NULL, 10)) : 0;
}

/* The findings raised since the last look: the losses get a time and a lane. */
static void take_findings(timeline *t)
{
    const GPtrArray *list = t->v->findings.list;
    file_line *f = t->cur;
    for (; t->findings_seen < list->len; t->findings_seen++) {
        const finding *x = g_ptr_array_index(list, t->findings_seen);
        if (f == NULL || x->frame == 0 || !trigger_window_is_loss(x->kind) || f->marks->len >= TIMELINE_MAX_MARKS)
            continue;
        unsigned slot = (unsigned)(x->frame % RECENT);
        bool recent = t->recent_frame[slot] == x->frame;
        /* A loss found late (at its flow's end) is timed at its frame when that is the first, else at the latest
         * record; its lane is its flow's channel when its record had none. */
        uint64_t ts = recent ? t->recent_ts[slot] : x->frame == 1 ? f->t0_ns : t->cur_ts;
        unsigned channel = recent ? t->recent_channel[slot] : 0;
        if (channel == 0)
            channel = channel_of_flow(x->flow);
        mark m = {ts, x->frame, (uint8_t)channel, (uint8_t)x->kind};
        g_array_append_val(f->marks, m);
    }
}

static void on_record(void *ctx, const capture_record *r)
{
    timeline *t = ctx;
    take_findings(t);
    if (t->cur == NULL) {
        t->cur = g_new0(file_line, 1);
        t->cur->path = g_strdup(t->v->file->path);
        t->cur->marks = g_array_new(FALSE, FALSE, sizeof(mark));
        t->cur->bars = g_ptr_array_new_with_free_func(free_bar);
        t->cur->bin_ns = FIRST_BIN_NS;
        g_ptr_array_add(t->files, t->cur);
    }
    file_line *f = t->cur;
    if (!f->have_ts) {
        f->have_ts = true;
        f->t0_ns = f->first_ns = f->last_ns = r->ts_ns;
    }
    if (r->ts_ns < f->first_ns)
        f->first_ns = r->ts_ns;
    if (r->ts_ns > f->last_ns)
        f->last_ns = r->ts_ns;
    t->cur_ts = r->ts_ns;
    bin_of(f, r->ts_ns); /* widens the bins before any message of this record is counted */
    frame_facts facts = {0, 0, 0, 0, 0};
    frame_facts_of(r, &facts);
    unsigned slot = (unsigned)(r->number % RECENT);
    t->recent_frame[slot] = r->number;
    t->recent_ts[slot] = r->ts_ns;
    t->recent_channel[slot] = facts.channel;
}

/* A message is counted in the bin of the record that completed it. */
static void on_message(void *ctx, unsigned channel, uint64_t wire_size)
{
    timeline *t = ctx;
    file_line *f = t->cur;
    if (f == NULL || channel >= SPICECAP_CHANNEL_SLOTS)
        return;
    if (f->lanes[channel] == NULL)
        f->lanes[channel] = g_new0(lane, 1);
    lane *l = f->lanes[channel];
    unsigned b = bin_of(f, t->cur_ts);
    l->messages[b]++;
    l->bytes[b] += wire_size;
    l->total_messages++;
    l->total_bytes += wire_size;
}

/* Taken back from the latest bin that counted one (it was counted a moment ago). */
static void on_retract(void *ctx, unsigned channel, uint64_t wire_size)
{
    timeline *t = ctx;
    lane *l = t->cur && channel < SPICECAP_CHANNEL_SLOTS ? t->cur->lanes[channel] : NULL;
    if (l == NULL || l->total_messages == 0)
        return;
    l->total_messages--;
    l->total_bytes -= wire_size;
    for (unsigned b = bin_of(t->cur, t->cur_ts) + 1; b-- > 0;)
        if (l->messages[b] > 0) {
            l->messages[b]--;
            l->bytes[b] -= l->bytes[b] < wire_size ? l->bytes[b] : wire_size;
            return;
        }
}

static void on_flow_end(void *ctx, const flow *fl)
{
    timeline *t = ctx;
    file_line *f = t->cur;
    if (f == NULL || !fl->walking || !fl->have_seq)
        return;
    if (f->bars->len >= TIMELINE_MAX_BARS) {
        f->bars_left_out++;
        return;
    }
    bar *b = g_new0(bar, 1);
    b->flow = g_strdup(fl->name);
    b->channel = fl->conn->link.channel;
    b->first_seq = fl->stream_seq;
    b->span = (uint32_t)(fl->next_seq - fl->stream_seq);
    g_ptr_array_add(f->bars, b);
}

static gint by_flow(gconstpointer a, gconstpointer b)
{
    return strcmp((*(bar *const *)a)->flow, (*(bar *const *)b)->flow);
}

static void on_file_end(void *ctx, const file_summary *s)
{
    (void)s;
    timeline *t = ctx;
    take_findings(t);
    if (t->cur)
        g_ptr_array_sort(t->cur->bars, by_flow); /* hash order is no order */
    t->cur = NULL;
}

timeline *timeline_new(const validation *v)
{
    timeline *t = g_new0(timeline, 1);
    t->v = v;
    t->files = g_ptr_array_new_with_free_func(free_file);
    t->observer = (validation_observer){on_record, on_message, on_retract, on_flow_end, on_file_end, t, NULL, NULL};
    return t;
}

void timeline_free(timeline *t)
{
    if (t == NULL)
        return;
    g_ptr_array_free(t->files, TRUE);
    g_free(t);
}

const validation_observer *timeline_observer(timeline *t)
{
    return &t->observer;
}

static file_line *file_of(const timeline *t, const char *path)
{
    for (guint i = 0; i < t->files->len; i++) {
        file_line *f = g_ptr_array_index(t->files, i);
        if (strcmp(f->path, path) == 0)
            return f;
    }
    return NULL;
}

void timeline_add_mark(timeline *t, const char *path, uint64_t frame, uint64_t ts_ns, unsigned channel,
                       finding_kind kind)
{
    file_line *f = file_of(t, path);
    if (f == NULL || f->marks->len >= TIMELINE_MAX_MARKS || channel >= SPICECAP_CHANNEL_SLOTS)
        return;
    mark m = {ts_ns, frame, (uint8_t)channel, (uint8_t)kind};
    g_array_append_val(f->marks, m);
}

void timeline_set_trigger(timeline *t, const char *path, double trigger_secs, uint64_t frame, double window_secs)
{
    file_line *f = file_of(t, path);
    /* a trigger no clock can reach (metadata.json is the input's) is not drawn: the axis would lose the capture */
    if (f == NULL || !isfinite(trigger_secs) || fabs(trigger_secs) > 1e10 || !isfinite(window_secs))
        return;
    f->has_trigger = true;
    f->trigger_secs = trigger_secs;
    f->trigger_frame = frame;
    f->window_secs = window_secs;
}

/* The plot's time axis: the first to the last timestamp, and the trigger if outside. */
typedef struct axis {
    double t0, t1;
} axis;

static double x_of(const axis *a, double secs)
{
    double span = a->t1 - a->t0;
    return LABEL_W + (span > 0 ? (secs - a->t0) / span * PLOT_W : 0);
}

/* The lanes' message and byte rates as two polylines, scaled to the lane's peak. */
static void write_lane(const file_line *f, const axis *a, unsigned c, int top, FILE *out)
{
    const lane *l = f->lanes[c];
    uint32_t peak_m = 1;
    uint64_t peak_b = 1;
    for (unsigned i = 0; i < TIMELINE_BINS; i++) {
        peak_m = l->messages[i] > peak_m ? l->messages[i] : peak_m;
        peak_b = l->bytes[i] > peak_b ? l->bytes[i] : peak_b;
    }
    double bin_secs = (double)f->bin_ns / NS, base = (double)f->t0_ns / NS;
    unsigned used = (unsigned)((f->last_ns - f->t0_ns) / f->bin_ns) + 1;
    if (used > TIMELINE_BINS)
        used = TIMELINE_BINS;
    fprintf(out, "<g class=\"lane\" data-channel=\"%s\" data-messages=\"%" G_GUINT64_FORMAT "\" data-bytes=\"%"
            G_GUINT64_FORMAT "\" data-bin-secs=\"%.9f\">\n", spicecap_channel_label(c), l->total_messages,
            l->total_bytes, bin_secs);
    fprintf(out, "<rect class=\"lane-bg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", LABEL_W, top, PLOT_W,
            LANE_H - 4);
    fprintf(out, "<text x=\"4\" y=\"%d\">%s</text>\n", top + LANE_H / 2, spicecap_channel_label(c));
    for (int kind = 0; kind < 2; kind++) {
        fprintf(out, "<polyline class=\"%s\" points=\"", kind ? "bytes" : "messages");
        for (unsigned i = 0; i < used; i++) {
            double v = kind ? (double)l->bytes[i] / (double)peak_b : (double)l->messages[i] / peak_m;
            double x = x_of(a, base + ((double)i + 0.5) * bin_secs);
            fprintf(out, "%.1f,%.1f ", x, top + (LANE_H - 6) * (1.0 - v) + 1);
        }
        fputs("\"/>\n", out);
    }
    fputs("</g>\n", out);
}

/* Marks of one class share a lane row: losses, and the cross-check's differing messages. */
static bool is_differ(const mark *m)
{
    return m->kind == FINDING_RING_DIFFERS;
}

static gint by_lane_time(gconstpointer a, gconstpointer b)
{
    const mark *x = a, *y = b;
    if (x->channel != y->channel)
        return x->channel < y->channel ? -1 : 1;
    if (is_differ(x) != is_differ(y))
        return is_differ(x) ? 1 : -1;
    return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

/* The pixel column of a time, clamped to the plot. */
static int px_of(const axis *a, uint64_t ts_ns)
{
    double x = x_of(a, (double)ts_ns / NS);
    return !(x >= LABEL_W) ? LABEL_W : x > LABEL_W + PLOT_W ? LABEL_W + PLOT_W : (int)x; /* NaN: the left edge */
}

/* The width, in pixels, of the columns marks of one lane and class are merged into: 1, doubled until at most
 * TIMELINE_MARKS_PER_LANE columns hold one (a 510 MB capture's 16,000 losses are then a few runs, not 16,000 lines). */
static int column_width(const GArray *sorted, guint from, guint to, const axis *a)
{
    for (int w = 1;; w *= 2) {
        unsigned columns = 0;
        int last = -1;
        for (guint i = from; i < to; i++) {
            int c = (px_of(a, g_array_index(sorted, mark, i).ts_ns) - LABEL_W) / w;
            columns += c != last;
            last = c;
        }
        if (columns <= TIMELINE_MARKS_PER_LANE || w >= PLOT_W)
            return w;
    }
}

/* Losses (red) and differing messages (purple): one mark per lane, class and column, naming its first 8 frames,
 * how many it holds and their kinds; a column wider than a pixel is a band. */
static void write_marks(const file_line *f, const axis *a, const int *lane_top, const char *anchor, FILE *out)
{
    GArray *sorted = g_array_sized_new(FALSE, FALSE, sizeof(mark), f->marks->len);
    g_array_append_vals(sorted, f->marks->data, f->marks->len);
    g_array_sort(sorted, by_lane_time);
    for (guint i = 0; i < sorted->len;) {
        const mark *head = &g_array_index(sorted, mark, i);
        guint end = i;
        while (end < sorted->len && g_array_index(sorted, mark, end).channel == head->channel &&
               is_differ(&g_array_index(sorted, mark, end)) == is_differ(head))
            end++;
        int w = column_width(sorted, i, end, a);
        int top = lane_top[head->channel] >= 0 ? lane_top[head->channel] : lane_top[0];
        const char *cls = is_differ(head) ? "differs" : "loss";
        while (i < end) {
            const mark *m = &g_array_index(sorted, mark, i);
            int column = (px_of(a, m->ts_ns) - LABEL_W) / w, px = LABEL_W + column * w;
            GString *frames = g_string_new(NULL), *kinds = g_string_new(NULL);
            guint n = 0;
            for (; i < end && (px_of(a, g_array_index(sorted, mark, i).ts_ns) - LABEL_W) / w == column; i++, n++) {
                const mark *k = &g_array_index(sorted, mark, i);
                if (n < 8)
                    g_string_append_printf(frames, "%s%" G_GUINT64_FORMAT, n ? " " : "", k->frame);
                const char *name = finding_kind_name((finding_kind)k->kind);
                if (!strstr(kinds->str, name))
                    g_string_append_printf(kinds, "%s%s", kinds->len ? " " : "", name);
            }
            if (anchor) /* to its first kind's findings */
                fprintf(out, "<a href=\"#%s-%s\">", anchor, finding_kind_name((finding_kind)m->kind));
            fprintf(out, "<%s class=\"%s\" data-channel=\"%s\" data-frames=\"%s\" data-count=\"%u\" data-kinds=\"%s\" "
                    "data-secs=\"%.6f\" ", w > 1 ? "rect" : "line", cls, spicecap_channel_label(head->channel),
                    frames->str, n, kinds->str, (double)m->ts_ns / NS);
            if (w > 1)
                fprintf(out, "x=\"%d\" width=\"%d\" y=\"%d\" height=\"%d\">", px, w, top, LANE_H - 4);
            else
                fprintf(out, "x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\">", px, px, top, top + LANE_H - 4);
            fprintf(out, "<title>%s: %u finding%s, frame%s %s%s</title></%s>%s\n", kinds->str, n, n > 1 ? "s" : "",
                    n > 1 ? "s" : "", frames->str, n > 8 ? " ..." : "", w > 1 ? "rect" : "line", anchor ? "</a>" : "");
            g_string_free(frames, TRUE);
            g_string_free(kinds, TRUE);
        }
    }
    g_array_free(sorted, TRUE);
}

typedef struct hole {
    double x0, x1; /* pixels from the bar's left */
    uint32_t seq_start, seq_end;
    uint64_t frame, bytes;
} hole;

static gint by_x(gconstpointer a, gconstpointer b)
{
    const hole *x = a, *y = b;
    return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

/* Runs of holes whose pixels touch (or lie within gap pixels): the gap doubles until at most
 * TIMELINE_HOLES_PER_BAR runs are left, so a flow with 16,000 losses is a few rectangles. */
static guint count_runs(const GArray *holes, double gap)
{
    guint runs = 0;
    double end = -1e9;
    for (guint i = 0; i < holes->len; i++) {
        const hole *h = &g_array_index(holes, hole, i);
        if (h->x0 > end + gap)
            runs++;
        end = h->x1 > end ? h->x1 : end;
    }
    return runs;
}

/* One bar per flow: its seq span, the bytes lost (its loss findings' seq ranges) in red. */
static void write_bars(const timeline *t, const file_line *f, int top, FILE *out)
{
    GArray *holes = g_array_new(FALSE, FALSE, sizeof(hole));
    for (guint i = 0; i < f->bars->len; i++) {
        const bar *b = g_ptr_array_index(f->bars, i);
        int y = top + (int)i * (BAR_H + 4);
        uint64_t missing = 0;
        g_array_set_size(holes, 0);
        for (guint k = 0; k < t->v->findings.list->len; k++) {
            const finding *x = g_ptr_array_index(t->v->findings.list, k);
            if (!x->has_seq || !x->flow || !trigger_window_is_loss(x->kind) || strcmp(x->flow, b->flow) != 0 ||
                strcmp(x->file, f->path) != 0)
                continue;
            uint32_t from = x->seq_start - b->first_seq, len = x->seq_end - x->seq_start;
            if (b->span == 0 || from >= b->span)
                continue;
            missing += len;
            double x0 = (double)from / (double)b->span * PLOT_W, w = (double)len / (double)b->span * PLOT_W;
            hole h = {x0, x0 + (w < 1 ? 1 : w), x->seq_start, x->seq_end, x->frame, len};
            g_array_append_val(holes, h);
        }
        g_array_sort(holes, by_x);
        double gap = 0;
        while (count_runs(holes, gap) > TIMELINE_HOLES_PER_BAR)
            gap = gap * 2 + 1;
        fprintf(out, "<g class=\"flow\" data-flow=\"");
        html_put(out, b->flow);
        fprintf(out, "\" data-first-seq=\"%u\" data-span=\"%" G_GUINT64_FORMAT "\" data-missing=\"%" G_GUINT64_FORMAT
                "\" data-holes=\"%u\">\n<rect class=\"present\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n"
                "<text x=\"4\" y=\"%d\">", b->first_seq, b->span, missing, holes->len, LABEL_W, y, PLOT_W, BAR_H,
                y + BAR_H - 3);
        html_put(out, spicecap_channel_label(b->channel));
        fprintf(out, " %s</text>\n<title>", b->flow[0] && strstr(b->flow, "10.0.0.2:5900 ->") ? "rx" : "tx");
        html_put(out, b->flow);
        fputs("</title>\n", out);
        for (guint k = 0; k < holes->len;) {
            const hole *h = &g_array_index(holes, hole, k);
            double x1 = h->x1;
            uint64_t bytes = 0;
            guint n = 0;
            uint32_t seq_end = h->seq_end;
            for (; k < holes->len && (n == 0 || g_array_index(holes, hole, k).x0 <= x1 + gap); k++, n++) {
                const hole *m = &g_array_index(holes, hole, k);
                x1 = m->x1 > x1 ? m->x1 : x1;
                bytes += m->bytes;
                seq_end = m->seq_end;
            }
            fprintf(out, "<rect class=\"missing\" data-count=\"%u\" data-bytes=\"%" G_GUINT64_FORMAT "\" data-seq-start=\"%u\" "
                    "data-seq-end=\"%u\" data-frame=\"%" G_GUINT64_FORMAT "\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
                    "<title>%u loss%s, %" G_GUINT64_FORMAT " bytes: seq %u-%u missing (frame %" G_GUINT64_FORMAT "%s)</title></rect>\n",
                    n, bytes, h->seq_start, seq_end, h->frame, LABEL_W + h->x0, y, x1 - h->x0, BAR_H, n,
                    n > 1 ? "es" : "", bytes, h->seq_start, seq_end, h->frame, n > 1 ? " and on" : "");
        }
        fputs("</g>\n", out);
    }
    g_array_free(holes, TRUE);
}

/* Ticks at 1, 2 or 5 times a power of ten, about six across the plot, labelled as people write seconds. */
static void write_axis(const axis *a, int y, FILE *out)
{
    double span = a->t1 - a->t0;
    span = isfinite(span) ? span : 0;
    fprintf(out, "<g class=\"axis\"><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", LABEL_W,
            LABEL_W + PLOT_W, y, y);
    fprintf(out, "<text x=\"4\" y=\"%d\">time (s)</text>\n", y + 13);
    if (!(span > 0)) {
        fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%d\">%.3f</text></g>\n", LABEL_W, y + 13, a->t0);
        return;
    }
    double step = pow(10, floor(log10(span / 6)));
    step *= span / step > 30 ? 5 : span / step > 12 ? 2 : 1;
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    /* counted, not summed: at 4e9 s (a pcap's largest seconds) a tiny step would not move v */
    double first = ceil(a->t0 / step);
    for (int k = 0; k <= 20; k++) {
        double v = (first + k) * step;
        if (!(v <= a->t1 + step * 1e-9))
            break;
        double x = x_of(a, v);
        fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#888\"/><text class=\"tick\" "
                "x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*f</text>\n", x, x, y, y + 4, x, y + 14, decimals, v);
    }
    fputs("</g>\n", out);
}

static bool has_differ(const file_line *f)
{
    for (guint i = 0; i < f->marks->len; i++)
        if (is_differ(&g_array_index(f->marks, mark, i)))
            return true;
    return false;
}

/* The trigger and its window, drawn after the lanes (SVG paints in order: the lanes' backgrounds would hide them)
 * and labelled above them. */
static void write_trigger(const file_line *f, const axis *a, int lanes_bottom, FILE *out)
{
    double x = x_of(a, f->trigger_secs), x0 = x_of(a, f->trigger_secs - f->window_secs);
    if (x0 < LABEL_W)
        x0 = LABEL_W;
    fprintf(out, "<rect class=\"window\" data-secs=\"%.6f\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
            "<title>the %.1f s window before the trigger</title></rect>\n", f->window_secs, x0, LANES_TOP - 4, x - x0,
            lanes_bottom - LANES_TOP + 4, f->window_secs);
    fprintf(out, "<line class=\"trigger\" data-secs=\"%.6f\" data-frame=\"%" G_GUINT64_FORMAT "\" x1=\"%.1f\" "
            "x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>trigger at %.3f s (frame %" G_GUINT64_FORMAT ")</title></line>\n",
            f->trigger_secs, f->trigger_frame, x, x, LANES_TOP - 14, lanes_bottom, f->trigger_secs, f->trigger_frame);
    bool right_half = x > LABEL_W + PLOT_W / 2;
    fprintf(out, "<text class=\"trigger-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">trigger %.3f s", right_half ? x - 4 : x + 4,
            LANES_TOP - 8, right_half ? "end" : "start", f->trigger_secs);
    if (f->trigger_frame)
        fprintf(out, ", frame %" G_GUINT64_FORMAT, f->trigger_frame);
    else
        fputs(", after the last frame", out);
    fprintf(out, " (shaded: the %.1f s before)</text>\n", f->window_secs);
}

void timeline_write_svg(const timeline *t, const char *path, const char *anchor, FILE *out)
{
    const file_line *f = file_of(t, path);
    if (f == NULL || !f->have_ts)
        return;
    axis a = {(double)f->first_ns / NS, (double)f->last_ns / NS};
    if (f->has_trigger && f->trigger_secs > a.t1)
        a.t1 = f->trigger_secs;
    if (f->has_trigger && f->trigger_secs < a.t0)
        a.t0 = f->trigger_secs;
    int lane_top[SPICECAP_CHANNEL_SLOTS], lanes = 0;
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        lane_top[c] = f->lanes[c] ? LANES_TOP + LANE_H * lanes++ : -1;
    for (guint i = 0; i < f->marks->len; i++) { /* marks on a channel with no message walked: a lane of their own */
        unsigned c = g_array_index(f->marks, mark, i).channel;
        if (lane_top[c] < 0)
            lane_top[c] = LANES_TOP + LANE_H * lanes++;
    }
    int lanes_bottom = LANES_TOP + LANE_H * lanes, height = lanes_bottom + 22;
    fprintf(out, "<p class=\"legend\">Per channel, per time bin of %.3f s, each lane scaled to its own peak: "
            "<span style=\"color:#36c\">&#9473; messages</span>, <span style=\"color:#e80\">&#9473; bytes</span>; "
            "<span style=\"color:#d00\">&#9646; a loss</span> (hover: its frames)%s%s.</p>\n",
            (double)f->bin_ns / NS, f->has_trigger ? "; <b>&#9482;</b> the trigger, <span style=\"background:#fd5\">"
            "shaded</span> the window before it" : "", has_differ(f) ? "; <span style=\"color:#80c\">&#9646; a ring message "
            "that differs from the live capture</span>" : "");
    fprintf(out, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "data-t0=\"%.6f\" data-t1=\"%.6f\" data-x0=\"%d\" data-width=\"%d\">\n", LABEL_W + PLOT_W + 10, height,
            a.t0, a.t1, LABEL_W, PLOT_W);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (f->lanes[c])
            write_lane(f, &a, c, lane_top[c], out);
        else if (lane_top[c] >= 0)
            fprintf(out, "<g class=\"lane-empty\" data-channel=\"%s\"><rect class=\"lane-bg\" x=\"%d\" "
                    "y=\"%d\" width=\"%d\" height=\"%d\"/><text x=\"4\" y=\"%d\">%s</text></g>\n",
                    spicecap_channel_label(c), LABEL_W, lane_top[c], PLOT_W, LANE_H - 4, lane_top[c] + LANE_H / 2,
                    c ? spicecap_channel_label(c) : "other");
    write_marks(f, &a, lane_top, anchor, out);
    write_axis(&a, lanes_bottom + 2, out);
    if (f->has_trigger)
        write_trigger(f, &a, lanes_bottom, out);
    fputs("</svg>\n", out);
    if (f->bars->len == 0)
        return;
    int bars_h = (int)f->bars->len * (BAR_H + 4) + 8;
    fprintf(out, "<svg class=\"chains\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n",
            LABEL_W + PLOT_W + 10, bars_h);
    write_bars(t, f, 4, out);
    fputs("</svg>\n", out);
    if (f->bars_left_out)
        fprintf(out, "<p>%" G_GUINT64_FORMAT " more flows not drawn.</p>\n", f->bars_left_out);
}
