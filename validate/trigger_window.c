#include "trigger_window.h"

#include <math.h>
#include <string.h>

#include "frame_index.h"
#include "json_out.h"
#include "spice_names.h"
#include "text_out.h"

#define NS 1000000000.0

/* A number as the shortest text that reads back the same ("1.85e+10"). */
static void number_text(double value, char *text, size_t size)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, size, "%.*g", digits, value);
        if (g_ascii_strtod(text, NULL) == value)
            break;
    }
}

char *trigger_window_check(double secs)
{
    char text[40];
    number_text(secs, text, sizeof text);
    if (isnan(secs))
        return g_strdup("triggered_uptime_secs is not a number: trigger not placed");
    if (isinf(secs))
        return g_strdup_printf("triggered_uptime_secs %s is not a finite number (past a double's range, as 1e999 "
                               "is): trigger not placed", secs > 0 ? "inf" : "-inf");
    if (secs < 0)
        return g_strdup_printf("triggered_uptime_secs %s s is negative, before any session began: trigger not placed",
                               text);
    if (secs > TRIGGER_WINDOW_MAX_SECS)
        return g_strdup_printf("triggered_uptime_secs %s s is past any session (a capture's clock ends at %.0f s): "
                               "trigger not placed", text, TRIGGER_WINDOW_MAX_SECS);
    return NULL;
}

/* Is frame n inside the window? Its run, found by halves (runs are in frame order). */
static bool frame_inside(const trigger_window *w, uint64_t n)
{
    guint lo = 0, hi = w->runs->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const frame_run *r = &g_array_index(w->runs, frame_run, mid);
        if (n < r->first)
            hi = mid;
        else if (n > r->last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static void on_record(void *ctx, const capture_record *r)
{
    trigger_window *w = ctx;
    uint64_t t = r->ts_ns, n = r->number;
    if (w->frames == 0 || t < w->first_ns)
        w->first_ns = t;
    if (w->frames == 0 || t > w->last_ns)
        w->last_ns = t;
    w->frames++;
    frame_facts f;
    if (frame_facts_of(r, &f) && f.channel) {
        if (!w->channel_seen[f.channel] || t < w->channel_first_ns[f.channel])
            w->channel_first_ns[f.channel] = t;
        if (!w->channel_seen[f.channel] || t > w->channel_last_ns[f.channel])
            w->channel_last_ns[f.channel] = t;
        w->channel_seen[f.channel] = true;
    }
    if (t >= w->hi_ns && w->trigger_frame == 0) {
        w->trigger_frame = n;
        w->trigger_frame_ns = t;
    }
    if (t < w->lo_ns || t > w->hi_ns)
        return;
    if (w->window_first == 0)
        w->window_first = n;
    w->window_last = n;
    w->window_frames++;
    frame_run *last = w->runs->len ? &g_array_index(w->runs, frame_run, w->runs->len - 1) : NULL;
    if (last && last->last + 1 == n) {
        last->last = n;
    } else if (w->runs->len < TRIGGER_WINDOW_MAX_RUNS) {
        frame_run run = {n, n};
        g_array_append_val(w->runs, run);
    } else {
        w->runs_dropped++;
    }
}

/* The count of a message's channel, direction and type (made when absent). */
static window_count *count_of(trigger_window *w, unsigned channel, unsigned direction, uint16_t type, bool body_only)
{
    guint key = (guint)channel << 24 | (guint)direction << 17 | (guint)body_only << 16 | type;
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(w->count_at, GUINT_TO_POINTER(key))); /* position + 1 */
    if (at == 0) {
        window_count c = {(uint8_t)channel, (uint8_t)direction, type, body_only, 0, 0};
        g_array_append_val(w->counts, c);
        at = w->counts->len;
        g_hash_table_insert(w->count_at, GUINT_TO_POINTER(key), GUINT_TO_POINTER(at));
    }
    return &g_array_index(w->counts, window_count, at - 1);
}

/* A message counted when its first frame lies inside the window. */
static void on_walked(void *ctx, unsigned channel, unsigned direction, const walked_message *m)
{
    trigger_window *w = ctx;
    if (m->frame == 0 || !frame_inside(w, m->frame))
        return;
    window_count *c = count_of(w, channel, direction, m->type, m->body_only);
    c->messages++;
    c->bytes += m->wire_size;
}

static void on_unwalked(void *ctx, unsigned channel, unsigned direction, const walked_message *m)
{
    trigger_window *w = ctx;
    if (m->frame == 0 || !frame_inside(w, m->frame))
        return;
    window_count *c = count_of(w, channel, direction, m->type, m->body_only);
    c->messages--;
    c->bytes -= m->wire_size;
}

bool trigger_window_is_loss(finding_kind kind)
{
    switch (kind) {
    case FINDING_GAP:
    case FINDING_K2_EMPTY_RECORD:
    case FINDING_CAPLEN_SHORT:
    case FINDING_MESSAGE_TRUNCATED:
    case FINDING_TRUNCATED_FILE:
    case FINDING_CORRUPT_FILE:
    case FINDING_SNAPLEN_LOSS:
    case FINDING_DESYNC:
        return true;
    default:
        return false;
    }
}

static gint by_key(gconstpointer a, gconstpointer b)
{
    const window_count *x = a, *y = b;
    uint64_t kx = (uint64_t)x->channel << 32 | (uint64_t)x->direction << 24 | (uint64_t)x->body_only << 16 | x->type;
    uint64_t ky = (uint64_t)y->channel << 32 | (uint64_t)y->direction << 24 | (uint64_t)y->body_only << 16 | y->type;
    return kx < ky ? -1 : kx > ky;
}

static gint by_frame(gconstpointer a, gconstpointer b)
{
    const window_loss *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

const validation_observer *trigger_window_observe(trigger_window *w, double trigger_secs, double window_secs)
{
    memset(w, 0, sizeof *w);
    w->counts = g_array_new(FALSE, TRUE, sizeof(window_count));
    w->losses = g_array_new(FALSE, TRUE, sizeof(window_loss));
    w->runs = g_array_new(FALSE, FALSE, sizeof(frame_run));
    w->count_at = g_hash_table_new(g_direct_hash, g_direct_equal);
    w->trigger_secs = trigger_secs;
    w->window_secs = window_secs;
    /* Whole nanoseconds: the pcap's own resolution is at best that. Both
     * casts are in range: trigger_window_check bounds the trigger to the
     * capture's clock, main.c the window to under 1e9 s. */
    g_assert(trigger_secs >= 0 && trigger_secs <= TRIGGER_WINDOW_MAX_SECS && window_secs >= 0 && window_secs < 1e9);
    w->hi_ns = (uint64_t)(trigger_secs * NS + 0.5);
    uint64_t span = (uint64_t)(window_secs * NS + 0.5);
    w->lo_ns = w->hi_ns > span ? w->hi_ns - span : 0;
    w->observer = (validation_observer){.record = on_record, .walked = on_walked, .unwalked = on_unwalked, .ctx = w};
    return &w->observer;
}

/* The counts that stayed above 0 (a message taken back leaves none), in key order. */
static void settle_counts(trigger_window *w)
{
    guint kept = 0;
    for (guint i = 0; i < w->counts->len; i++) {
        window_count c = g_array_index(w->counts, window_count, i);
        if (c.messages)
            g_array_index(w->counts, window_count, kept++) = c;
    }
    g_array_set_size(w->counts, kept);
    g_array_sort(w->counts, by_key);
    g_hash_table_destroy(w->count_at);
    w->count_at = NULL;
}

void trigger_window_finish(trigger_window *w, const validation *v, const char *path)
{
    settle_counts(w);
    /* The losses: v's findings are bounded (FINDINGS_KEPT), so is this. */
    for (guint i = 0; i < v->findings.list->len; i++) {
        const finding *f = g_ptr_array_index(v->findings.list, i);
        if (!trigger_window_is_loss(f->kind) || f->frame == 0 || f->frame > w->frames || strcmp(f->file, path) != 0 ||
            !frame_inside(w, f->frame))
            continue;
        window_loss l = {f->kind, f->frame, g_strdup(f->detail)};
        g_array_append_val(w->losses, l);
    }
    g_array_sort(w->losses, by_frame);
    w->before_first = w->frames > 0 && w->hi_ns < w->first_ns;
    w->after_last = w->trigger_frame == 0;
    w->known = true;
    g_array_free(w->runs, TRUE);
    w->runs = NULL;
}

void trigger_window_clear(trigger_window *w)
{
    for (guint i = 0; w->losses && i < w->losses->len; i++)
        g_free(g_array_index(w->losses, window_loss, i).detail);
    if (w->losses)
        g_array_free(w->losses, TRUE);
    if (w->counts)
        g_array_free(w->counts, TRUE);
    if (w->runs)
        g_array_free(w->runs, TRUE);
    if (w->count_at)
        g_hash_table_destroy(w->count_at);
    memset(w, 0, sizeof *w);
}

double trigger_window_kept_before(const trigger_window *w, unsigned channel)
{
    double first = (double)w->channel_first_ns[channel] / NS, last = (double)w->channel_last_ns[channel] / NS;
    double until = last < w->trigger_secs ? last : w->trigger_secs;
    return w->channel_seen[channel] && first < w->trigger_secs ? until - first : 0.0;
}

static const char *message_label(const window_count *c, char *buf, size_t size)
{
    if (c->body_only)
        return "body without header (type unknown)";
    const char *name = spicecap_message_name(c->channel, (spicecap_direction)c->direction, c->type);
    if (name)
        return name;
    snprintf(buf, size, "type %u", c->type);
    return buf;
}

void trigger_window_print(const trigger_window *w, FILE *out)
{
    if (!w->known)
        return;
    text_out(out, "  trigger: %.6f s", w->trigger_secs);
    if (w->trigger_frame)
        text_out(out, ": frame %" G_GUINT64_FORMAT " at %.6f s (Wireshark: Go To Packet %" G_GUINT64_FORMAT ")\n",
                w->trigger_frame, (double)w->trigger_frame_ns / NS, w->trigger_frame);
    else
        text_out(out, ": no frame at or after it\n");
    if (w->frames == 0)
        text_out(out, "  TRIGGER NOT IN THE CAPTURE: traffic.pcap holds no frame\n");
    else if (w->before_first)
        text_out(out, "  TRIGGER BEFORE THE FIRST FRAME: the trigger is %.6f s before the earliest frame (%.6f s): the "
                "ring evicted the moment\n", (double)w->first_ns / NS - w->trigger_secs, (double)w->first_ns / NS);
    else if (w->after_last)
        text_out(out, "  trigger after the last frame: the latest frame is at %.6f s, %.6f s before it\n",
                (double)w->last_ns / NS, w->trigger_secs - (double)w->last_ns / NS);
    GString *kept = g_string_new(NULL);
    for (unsigned c = 1; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (w->channel_seen[c])
            g_string_append_printf(kept, "%s%s %.3f s", kept->len ? ", " : "", spicecap_channel_label(c),
                                   trigger_window_kept_before(w, c));
    if (kept->len)
        text_out(out, "  ring before the trigger: %s\n", kept->str);
    g_string_free(kept, TRUE);
    text_out(out, "  window %.3f s before the trigger: %" G_GUINT64_FORMAT " frames", w->window_secs, w->window_frames);
    if (w->window_frames)
        text_out(out, " (%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")", w->window_first, w->window_last);
    text_out(out, "\n");
    if (w->runs_dropped)
        text_out(out, "  note: the capture's timestamps cross the window's edges more than %u times: the messages "
                 "and losses of %" G_GUINT64_FORMAT " frames inside it after that are not counted\n",
                 TRIGGER_WINDOW_MAX_RUNS, w->runs_dropped);
    for (guint i = 0; i < w->counts->len;) {
        const window_count *first = &g_array_index(w->counts, window_count, i);
        text_out(out, "    %s:", spicecap_channel_label(first->channel));
        for (; i < w->counts->len && g_array_index(w->counts, window_count, i).channel == first->channel; i++) {
            const window_count *c = &g_array_index(w->counts, window_count, i);
            char buf[24];
            text_out(out, " %s %s %" G_GUINT64_FORMAT "%s", spicecap_direction_name((spicecap_direction)c->direction),
                    message_label(c, buf, sizeof buf), c->messages,
                    i + 1 < w->counts->len && g_array_index(w->counts, window_count, i + 1).channel == first->channel
                        ? ","
                        : "");
        }
        text_out(out, "\n");
    }
    if (w->losses->len) {
        text_out(out, "  LOSS IN THE WINDOW: %u finding(s):", w->losses->len);
        for (guint i = 0; i < w->losses->len; i++) {
            const window_loss *l = &g_array_index(w->losses, window_loss, i);
            text_out(out, "%s %s at frame %" G_GUINT64_FORMAT, i ? "," : "", finding_kind_name(l->kind), l->frame);
        }
        text_out(out, "\n");
    }
}

void trigger_window_write_json(const trigger_window *w, json_out *b, const char *name)
{
    json_out_begin_object(b, name);
    json_out_double(b, "trigger_secs", w->trigger_secs);
    json_out_double(b, "window_secs", w->window_secs);
    json_out_uint(b, "frames", w->frames);
    json_out_double(b, "first_secs", (double)w->first_ns / NS);
    json_out_double(b, "last_secs", (double)w->last_ns / NS);
    json_out_uint(b, "trigger_frame", w->trigger_frame);
    json_out_bool(b, "before_first_frame", w->before_first);
    json_out_bool(b, "after_last_frame", w->after_last);
    json_out_uint(b, "window_frames", w->window_frames);
    json_out_uint(b, "window_first_frame", w->window_first);
    json_out_uint(b, "window_last_frame", w->window_last);
    if (w->runs_dropped) /* frames inside whose messages and losses are not counted (TRIGGER_WINDOW_MAX_RUNS) */
        json_out_uint(b, "uncounted_window_frames", w->runs_dropped);
    json_out_begin_object(b, "kept_before_trigger_secs");
    for (unsigned c = 1; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (w->channel_seen[c])
            json_out_double(b, spicecap_channel_label(c), trigger_window_kept_before(w, c));
    json_out_end_object(b);
    json_out_begin_array(b, "messages");
    for (guint i = 0; i < w->counts->len; i++) {
        const window_count *c = &g_array_index(w->counts, window_count, i);
        char buf[24];
        json_out_begin_object(b, NULL);
        json_out_string(b, "channel", spicecap_channel_label(c->channel));
        json_out_string(b, "direction", spicecap_direction_name((spicecap_direction)c->direction));
        if (c->body_only)
            json_out_null(b, "type");
        else
            json_out_int(b, "type", c->type);
        json_out_bool(b, "body_only", c->body_only);
        json_out_string(b, "name", message_label(c, buf, sizeof buf));
        json_out_uint(b, "messages", c->messages);
        json_out_uint(b, "bytes", c->bytes);
        json_out_end_object(b);
    }
    json_out_end_array(b);
    json_out_begin_array(b, "losses");
    for (guint i = 0; i < w->losses->len; i++) {
        const window_loss *l = &g_array_index(w->losses, window_loss, i);
        json_out_begin_object(b, NULL);
        json_out_string(b, "kind", finding_kind_name(l->kind));
        json_out_uint(b, "frame", l->frame);
        json_out_string(b, "detail", l->detail);
        json_out_end_object(b);
    }
    json_out_end_array(b);
    json_out_end_object(b);
}
