#include "html_timeline.h"

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
        mark m = {recent ? t->recent_ts[slot] : t->cur_ts, x->frame, recent ? t->recent_channel[slot] : 0,
                  (uint8_t)x->kind};
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

void timeline_set_trigger(timeline *t, const char *path, double trigger_secs, uint64_t frame, double window_secs)
{
    file_line *f = file_of(t, path);
    if (f == NULL)
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

static gint by_lane_time(gconstpointer a, gconstpointer b)
{
    const mark *x = a, *y = b;
    if (x->channel != y->channel)
        return x->channel < y->channel ? -1 : 1;
    return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

/* Losses: one mark per lane and pixel, naming its frames (the first 8, and how many). */
static void write_marks(const file_line *f, const axis *a, const int *lane_top, FILE *out)
{
    guint i = 0;
    GArray *sorted = g_array_sized_new(FALSE, FALSE, sizeof(mark), f->marks->len);
    g_array_append_vals(sorted, f->marks->data, f->marks->len);
    g_array_sort(sorted, by_lane_time);
    while (i < sorted->len) {
        const mark *m = &g_array_index(sorted, mark, i);
        int px = (int)x_of(a, (double)m->ts_ns / NS);
        int top = lane_top[m->channel] >= 0 ? lane_top[m->channel] : lane_top[0];
        GString *frames = g_string_new(NULL), *kinds = g_string_new(NULL);
        guint n = 0;
        for (; i < sorted->len; i++) {
            const mark *k = &g_array_index(sorted, mark, i);
            if ((int)x_of(a, (double)k->ts_ns / NS) != px || k->channel != m->channel)
                break;
            if (n < 8)
                g_string_append_printf(frames, "%s%" G_GUINT64_FORMAT, n ? " " : "", k->frame);
            const char *name = finding_kind_name((finding_kind)k->kind);
            if (!strstr(kinds->str, name))
                g_string_append_printf(kinds, "%s%s", kinds->len ? " " : "", name);
            n++;
        }
        fprintf(out, "<line class=\"loss\" data-channel=\"%s\" data-frames=\"%s\" data-count=\"%u\" data-kinds=\"%s\" "
                "data-secs=\"%.6f\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"><title>%s: frame%s %s%s</title></line>\n",
                spicecap_channel_label(m->channel), frames->str, n, kinds->str, (double)m->ts_ns / NS, px, px, top,
                top + LANE_H - 4, kinds->str, n > 1 ? "s" : "", frames->str, n > 8 ? " ..." : "");
        g_string_free(frames, TRUE);
        g_string_free(kinds, TRUE);
    }
    g_array_free(sorted, TRUE);
}

/* One bar per flow: its seq span, the bytes lost (its loss findings' seq ranges) in red. */
static void write_bars(const timeline *t, const file_line *f, int top, FILE *out)
{
    for (guint i = 0; i < f->bars->len; i++) {
        const bar *b = g_ptr_array_index(f->bars, i);
        int y = top + (int)i * (BAR_H + 4);
        GString *holes = g_string_new(NULL);
        uint64_t missing = 0;
        for (guint k = 0; k < t->v->findings.list->len; k++) {
            const finding *x = g_ptr_array_index(t->v->findings.list, k);
            if (!x->has_seq || !x->flow || !trigger_window_is_loss(x->kind) || strcmp(x->flow, b->flow) != 0 ||
                strcmp(x->file, f->path) != 0)
                continue;
            uint32_t from = x->seq_start - b->first_seq, len = x->seq_end - x->seq_start;
            if (b->span == 0 || from >= b->span)
                continue;
            missing += len;
            double x0 = LABEL_W + (double)from / (double)b->span * PLOT_W;
            double w = (double)len / (double)b->span * PLOT_W;
            g_string_append_printf(holes, "<rect class=\"missing\" data-seq-start=\"%u\" data-seq-end=\"%u\" "
                                   "data-frame=\"%" G_GUINT64_FORMAT "\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                                   "height=\"%d\"><title>seq %u-%u missing (frame %" G_GUINT64_FORMAT ")</title></rect>\n",
                                   x->seq_start, x->seq_end, x->frame, x0, y, w < 1 ? 1 : w, BAR_H, x->seq_start,
                                   x->seq_end, x->frame);
        }
        fprintf(out, "<g class=\"flow\" data-flow=\"");
        html_put(out, b->flow);
        fprintf(out, "\" data-first-seq=\"%u\" data-span=\"%" G_GUINT64_FORMAT "\" data-missing=\"%" G_GUINT64_FORMAT
                "\">\n<rect class=\"present\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n<text x=\"4\" y=\"%d\">",
                b->first_seq, b->span, missing, LABEL_W, y, PLOT_W, BAR_H, y + BAR_H - 3);
        html_put(out, spicecap_channel_label(b->channel));
        fprintf(out, " %s</text>\n<title>", b->flow[0] && strstr(b->flow, "10.0.0.2:5900 ->") ? "rx" : "tx");
        html_put(out, b->flow);
        fprintf(out, "</title>\n%s</g>\n", holes->str);
        g_string_free(holes, TRUE);
    }
}

void timeline_write_svg(const timeline *t, const char *path, FILE *out)
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
        lane_top[c] = f->lanes[c] ? 20 + LANE_H * lanes++ : -1;
    for (guint i = 0; i < f->marks->len && lane_top[0] < 0; i++) /* losses on no channel's lane: a lane of their own */
        if (lane_top[g_array_index(f->marks, mark, i).channel] < 0)
            lane_top[0] = 20 + LANE_H * lanes++;
    int height = 24 + LANE_H * lanes;
    fprintf(out, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "data-t0=\"%.6f\" data-t1=\"%.6f\" data-x0=\"%d\" data-width=\"%d\">\n", LABEL_W + PLOT_W + 10, height,
            a.t0, a.t1, LABEL_W, PLOT_W);
    fprintf(out, "<text x=\"%d\" y=\"12\">%.3f s</text><text x=\"%d\" y=\"12\" text-anchor=\"end\">%.3f s</text>\n",
            LABEL_W, a.t0, LABEL_W + PLOT_W, a.t1);
    if (f->has_trigger) {
        double x = x_of(&a, f->trigger_secs), x0 = x_of(&a, f->trigger_secs - f->window_secs);
        if (x0 < LABEL_W)
            x0 = LABEL_W;
        fprintf(out, "<rect class=\"window\" data-secs=\"%.6f\" x=\"%.1f\" y=\"16\" width=\"%.1f\" height=\"%d\"/>\n",
                f->window_secs, x0, x - x0, height - 16);
        fprintf(out, "<line class=\"trigger\" data-secs=\"%.6f\" data-frame=\"%" G_GUINT64_FORMAT "\" x1=\"%.1f\" "
                "x2=\"%.1f\" y1=\"16\" y2=\"%d\"><title>trigger at %.6f s (frame %" G_GUINT64_FORMAT ")</title></line>\n",
                f->trigger_secs, f->trigger_frame, x, x, height, f->trigger_secs, f->trigger_frame);
    }
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (f->lanes[c])
            write_lane(f, &a, c, lane_top[c], out);
    if (lane_top[0] >= 0 && f->lanes[0] == NULL)
        fprintf(out, "<text x=\"4\" y=\"%d\">other</text>\n", lane_top[0] + LANE_H / 2);
    write_marks(f, &a, lane_top, out);
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
