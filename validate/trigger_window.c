#include "trigger_window.h"

#include <string.h>

#include "frame_index.h"
#include "json_out.h"
#include "spice_names.h"

#define NS 1000000000.0

typedef struct scan {
    trigger_window *w;
    GArray *ts; /* uint64_t per frame, frame n at n-1 */
} scan;

static void on_frame(void *ctx, const capture_record *r, const frame_facts *f)
{
    scan *s = ctx;
    trigger_window *w = s->w;
    g_array_append_val(s->ts, r->ts_ns);
    if (w->frames == 0 || r->ts_ns < w->first_ns)
        w->first_ns = r->ts_ns;
    if (w->frames == 0 || r->ts_ns > w->last_ns)
        w->last_ns = r->ts_ns;
    w->frames++;
    if (f && f->channel && (!w->channel_seen[f->channel] || r->ts_ns < w->channel_first_ns[f->channel]))
        w->channel_first_ns[f->channel] = r->ts_ns;
    if (f && f->channel && (!w->channel_seen[f->channel] || r->ts_ns > w->channel_last_ns[f->channel]))
        w->channel_last_ns[f->channel] = r->ts_ns;
    if (f && f->channel)
        w->channel_seen[f->channel] = true;
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

/* The messages of path whose first frame lies in [lo, hi], per channel, direction and type. */
static void count_messages(trigger_window *w, const validation *v, const char *path, const GArray *ts, uint64_t lo,
                           uint64_t hi)
{
    GHashTable *index = g_hash_table_new(g_direct_hash, g_direct_equal); /* key -> position + 1 */
    for (guint i = 0; v->messages && i < v->messages->len; i++) {
        const seen_message *m = &g_array_index(v->messages, seen_message, i);
        if (m->frame == 0 || m->frame > ts->len || strcmp(m->file, path) != 0)
            continue;
        uint64_t t = g_array_index(ts, uint64_t, m->frame - 1);
        if (t < lo || t > hi)
            continue;
        guint key = (guint)m->channel << 24 | (guint)m->direction << 17 | (guint)m->body_only << 16 | m->type;
        guint at = GPOINTER_TO_UINT(g_hash_table_lookup(index, GUINT_TO_POINTER(key)));
        if (at == 0) {
            window_count c = {m->channel, m->direction, m->type, m->body_only, 0, 0};
            g_array_append_val(w->counts, c);
            at = w->counts->len;
            g_hash_table_insert(index, GUINT_TO_POINTER(key), GUINT_TO_POINTER(at));
        }
        window_count *c = &g_array_index(w->counts, window_count, at - 1);
        c->messages++;
        c->bytes += m->wire_size;
    }
    g_hash_table_destroy(index);
    g_array_sort(w->counts, by_key);
}

static void collect_losses(trigger_window *w, const validation *v, const char *path, const GArray *ts, uint64_t lo,
                           uint64_t hi)
{
    for (guint i = 0; i < v->findings.list->len; i++) {
        const finding *f = g_ptr_array_index(v->findings.list, i);
        if (!trigger_window_is_loss(f->kind) || f->frame == 0 || f->frame > ts->len || strcmp(f->file, path) != 0)
            continue;
        uint64_t t = g_array_index(ts, uint64_t, f->frame - 1);
        if (t < lo || t > hi)
            continue;
        window_loss l = {f->kind, f->frame, g_strdup(f->detail)};
        g_array_append_val(w->losses, l);
    }
    g_array_sort(w->losses, by_frame);
}

bool trigger_window_compute(trigger_window *w, const validation *v, const char *path, double trigger_secs,
                            double window_secs, char **error)
{
    memset(w, 0, sizeof *w);
    w->counts = g_array_new(FALSE, TRUE, sizeof(window_count));
    w->losses = g_array_new(FALSE, TRUE, sizeof(window_loss));
    w->trigger_secs = trigger_secs;
    w->window_secs = window_secs;
    scan s = {w, g_array_new(FALSE, FALSE, sizeof(uint64_t))};
    if (!frame_index_scan(path, on_frame, &s, error)) {
        g_array_free(s.ts, TRUE);
        return false;
    }
    w->known = true;
    /* Whole nanoseconds: the pcap's own resolution is at best that. */
    uint64_t hi = trigger_secs <= 0 ? 0 : (uint64_t)(trigger_secs * NS + 0.5);
    uint64_t span = window_secs <= 0 ? 0 : (uint64_t)(window_secs * NS + 0.5);
    uint64_t lo = hi > span ? hi - span : 0;
    for (guint i = 0; i < s.ts->len; i++) {
        uint64_t t = g_array_index(s.ts, uint64_t, i);
        if (t >= hi && w->trigger_frame == 0) {
            w->trigger_frame = i + 1;
            w->trigger_frame_ns = t;
        }
        if (t >= lo && t <= hi) {
            if (w->window_first == 0)
                w->window_first = i + 1;
            w->window_last = i + 1;
            w->window_frames++;
        }
    }
    w->before_first = w->frames > 0 && hi < w->first_ns;
    w->after_last = w->trigger_frame == 0;
    count_messages(w, v, path, s.ts, lo, hi);
    collect_losses(w, v, path, s.ts, lo, hi);
    g_array_free(s.ts, TRUE);
    return true;
}

void trigger_window_clear(trigger_window *w)
{
    for (guint i = 0; w->losses && i < w->losses->len; i++)
        g_free(g_array_index(w->losses, window_loss, i).detail);
    if (w->losses)
        g_array_free(w->losses, TRUE);
    if (w->counts)
        g_array_free(w->counts, TRUE);
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
    fprintf(out, "  trigger: %.6f s", w->trigger_secs);
    if (w->trigger_frame)
        fprintf(out, ": frame %" G_GUINT64_FORMAT " at %.6f s (Wireshark: Go To Packet %" G_GUINT64_FORMAT ")\n",
                w->trigger_frame, (double)w->trigger_frame_ns / NS, w->trigger_frame);
    else
        fprintf(out, ": no frame at or after it\n");
    if (w->frames == 0)
        fprintf(out, "  TRIGGER NOT IN THE CAPTURE: traffic.pcap holds no frame\n");
    else if (w->before_first)
        fprintf(out, "  TRIGGER BEFORE THE FIRST FRAME: the trigger is %.6f s before the earliest frame (%.6f s): the "
                "ring evicted the moment\n", (double)w->first_ns / NS - w->trigger_secs, (double)w->first_ns / NS);
    else if (w->after_last)
        fprintf(out, "  trigger after the last frame: the latest frame is at %.6f s, %.6f s before it\n",
                (double)w->last_ns / NS, w->trigger_secs - (double)w->last_ns / NS);
    GString *kept = g_string_new(NULL);
    for (unsigned c = 1; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (w->channel_seen[c])
            g_string_append_printf(kept, "%s%s %.3f s", kept->len ? ", " : "", spicecap_channel_label(c),
                                   trigger_window_kept_before(w, c));
    if (kept->len)
        fprintf(out, "  ring before the trigger: %s\n", kept->str);
    g_string_free(kept, TRUE);
    fprintf(out, "  window %.3f s before the trigger: %" G_GUINT64_FORMAT " frames", w->window_secs, w->window_frames);
    if (w->window_frames)
        fprintf(out, " (%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")", w->window_first, w->window_last);
    fprintf(out, "\n");
    for (guint i = 0; i < w->counts->len;) {
        const window_count *first = &g_array_index(w->counts, window_count, i);
        fprintf(out, "    %s:", spicecap_channel_label(first->channel));
        for (; i < w->counts->len && g_array_index(w->counts, window_count, i).channel == first->channel; i++) {
            const window_count *c = &g_array_index(w->counts, window_count, i);
            char buf[24];
            fprintf(out, " %s %s %" G_GUINT64_FORMAT "%s", spicecap_direction_name((spicecap_direction)c->direction),
                    message_label(c, buf, sizeof buf), c->messages,
                    i + 1 < w->counts->len && g_array_index(w->counts, window_count, i + 1).channel == first->channel
                        ? ","
                        : "");
        }
        fprintf(out, "\n");
    }
    if (w->losses->len) {
        fprintf(out, "  LOSS IN THE WINDOW: %u finding(s):", w->losses->len);
        for (guint i = 0; i < w->losses->len; i++) {
            const window_loss *l = &g_array_index(w->losses, window_loss, i);
            fprintf(out, "%s %s at frame %" G_GUINT64_FORMAT, i ? "," : "", finding_kind_name(l->kind), l->frame);
        }
        fprintf(out, "\n");
    }
}

void trigger_window_build_json(const trigger_window *w, JsonBuilder *b)
{
    json_builder_begin_object(b);
    json_out_double(b, "trigger_secs", w->trigger_secs);
    json_out_double(b, "window_secs", w->window_secs);
    json_out_int(b, "frames", (gint64)w->frames);
    json_out_double(b, "first_secs", (double)w->first_ns / NS);
    json_out_double(b, "last_secs", (double)w->last_ns / NS);
    json_out_int(b, "trigger_frame", (gint64)w->trigger_frame);
    json_out_bool(b, "before_first_frame", w->before_first);
    json_out_bool(b, "after_last_frame", w->after_last);
    json_out_int(b, "window_frames", (gint64)w->window_frames);
    json_out_int(b, "window_first_frame", (gint64)w->window_first);
    json_out_int(b, "window_last_frame", (gint64)w->window_last);
    json_builder_set_member_name(b, "kept_before_trigger_secs");
    json_builder_begin_object(b);
    for (unsigned c = 1; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (w->channel_seen[c])
            json_out_double(b, spicecap_channel_label(c), trigger_window_kept_before(w, c));
    json_builder_end_object(b);
    json_builder_set_member_name(b, "messages");
    json_builder_begin_array(b);
    for (guint i = 0; i < w->counts->len; i++) {
        const window_count *c = &g_array_index(w->counts, window_count, i);
        char buf[24];
        json_builder_begin_object(b);
        json_out_string(b, "channel", spicecap_channel_label(c->channel));
        json_out_string(b, "direction", spicecap_direction_name((spicecap_direction)c->direction));
        if (c->body_only)
            json_builder_add_null_value(json_builder_set_member_name(b, "type"));
        else
            json_out_int(b, "type", c->type);
        json_out_bool(b, "body_only", c->body_only);
        json_out_string(b, "name", message_label(c, buf, sizeof buf));
        json_out_int(b, "messages", (gint64)c->messages);
        json_out_int(b, "bytes", (gint64)c->bytes);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "losses");
    json_builder_begin_array(b);
    for (guint i = 0; i < w->losses->len; i++) {
        const window_loss *l = &g_array_index(w->losses, window_loss, i);
        json_builder_begin_object(b);
        json_out_string(b, "kind", finding_kind_name(l->kind));
        json_out_int(b, "frame", (gint64)l->frame);
        json_out_string(b, "detail", l->detail);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}
