#include "cross_check.h"

#include <string.h>
#include <zlib.h>

#include "frame_index.h"
#include "html_timeline.h"
#include "spice_names.h"
#include "json_out.h"
#include "text_out.h"
#include "triage.h"

/* Live messages looked at, past the last matched one, for one whose content differs. */
#define CROSS_PARTNER_REACH 256

/* A message held whole, with its content's CRC. */
typedef struct xmsg {
    uint64_t frame, ts_ns; /* its first frame, and that frame's time (once its bytes are read) */
    uint32_t seq, size, crc, done;
    uint16_t type;
    uint8_t channel, direction;
} xmsg;

typedef struct file_msgs {
    const char *path;
    GArray *msgs; /* xmsg, in walk order (seq order per channel and direction) */
    guint next[SPICECAP_CHANNEL_SLOTS][2]; /* per flow: the first message not yet complete */
} file_msgs;

/* The bytes of one record go into the CRCs of the messages they belong to. */
static void crc_record(void *ctx, const capture_record *r, const frame_facts *f)
{
    file_msgs *fm = ctx;
    if (f == NULL || f->payload == 0 || f->channel >= SPICECAP_CHANNEL_SLOTS)
        return;
    guint *at = &fm->next[f->channel][f->direction & 1];
    const uint8_t *data = r->data + f->payload_offset;
    uint32_t s = f->seq, len = f->payload;
    for (guint i = *at; i < fm->msgs->len; i++) {
        xmsg *m = &g_array_index(fm->msgs, xmsg, i);
        if (m->channel != f->channel || m->direction != (f->direction & 1))
            continue;
        if (m->done == m->size) { /* complete, or its CRC not wanted: all of this flow's before it are */
            *at = i + 1;
            continue;
        }
        int32_t from = (int32_t)(s - m->seq);             /* the record's start, relative to the message */
        if ((int32_t)(from + (int32_t)len) <= (int32_t)m->done) /* all before what is still wanted */
            return;
        if (from > (int32_t)m->done) /* bytes before these never came: it cannot be whole (it was) */
            return;
        if (m->done == 0)
            m->ts_ns = r->ts_ns;
        uint32_t skip = m->done - (uint32_t)from, take = len - skip;
        if (take > m->size - m->done)
            take = m->size - m->done;
        m->crc = (uint32_t)crc32(m->crc, data + skip, take);
        m->done += take;
        if (m->done < m->size)
            return;
        *at = i + 1;
    }
}

static gint by_stream(gconstpointer a, gconstpointer b, gpointer data)
{
    const xmsg *x = a, *y = b;
    uint32_t(*base)[2] = data;
    if (x->channel != y->channel || x->direction != y->direction)
        return x->channel != y->channel ? (x->channel < y->channel ? -1 : 1) : (x->direction < y->direction ? -1 : 1);
    uint32_t rx = x->seq - base[x->channel][x->direction], ry = y->seq - base[y->channel][y->direction];
    return rx < ry ? -1 : rx > ry;
}

/* A message's shape: channel, direction, type and size. */
static guint64 shape_of(unsigned channel, unsigned direction, uint16_t type, uint64_t size)
{
    return (guint64)channel << 56 | (guint64)direction << 48 | (guint64)type << 32 | (size & 0xffffffffu);
}

/* The whole messages of path, with their CRCs; with shapes, only those of a
 * shape in it get one (no other can match: the file is not read for them). */
static file_msgs *messages_of(GHashTable *cache, const validation *v, const char *path, GHashTable *shapes)
{
    file_msgs *fm = g_hash_table_lookup(cache, path);
    if (fm)
        return fm;
    fm = g_new0(file_msgs, 1);
    fm->path = path;
    fm->msgs = g_array_new(FALSE, TRUE, sizeof(xmsg));
    guint wanted = 0;
    for (guint i = 0; v->messages && i < v->messages->len; i++) {
        const seen_message *s = &g_array_index(v->messages, seen_message, i);
        if (strcmp(s->file, path) != 0 || s->wire_size > UINT32_MAX / 2)
            continue;
        xmsg m = {s->frame, 0, s->seq, (uint32_t)s->wire_size, (uint32_t)crc32(0, NULL, 0), 0, s->type, s->channel,
                  s->direction};
        guint64 shape = shape_of(s->channel, s->direction, s->type, s->wire_size);
        if (shapes && !g_hash_table_contains(shapes, &shape))
            m.done = m.size; /* kept (it counts where the ring lacks it), never read */
        else
            wanted++;
        g_array_append_val(fm->msgs, m);
    }
    /* Stream order: a desync's lookback finds messages after later ones were walked. */
    uint32_t base[SPICECAP_CHANNEL_SLOTS][2];
    bool have[SPICECAP_CHANNEL_SLOTS][2] = {{false}};
    for (guint i = 0; i < fm->msgs->len; i++) {
        const xmsg *m = &g_array_index(fm->msgs, xmsg, i);
        if (!have[m->channel][m->direction]) {
            have[m->channel][m->direction] = true;
            base[m->channel][m->direction] = m->seq;
        }
    }
    g_array_sort_with_data(fm->msgs, by_stream, base);
    char *error = NULL;
    if (wanted && !frame_index_scan(path, crc_record, fm, &error))
        g_free(error); /* the validator read it a moment ago; if it went, nothing matches */
    g_hash_table_insert(cache, (gpointer)path, fm);
    return fm;
}

static void free_file_msgs(gpointer p)
{
    file_msgs *fm = p;
    g_array_free(fm->msgs, TRUE);
    g_free(fm);
}

typedef struct live_ref {
    const xmsg *m;
    const char *file;
} live_ref;

/* Contents as hash keys: type, size and CRC. */
static guint content_hash(gconstpointer p)
{
    const xmsg *m = p;
    return m->crc ^ (guint)m->type << 16 ^ m->size * 2654435761u;
}

static gboolean content_equal(gconstpointer a, gconstpointer b)
{
    const xmsg *x = a, *y = b;
    return x->type == y->type && x->size == y->size && x->crc == y->crc;
}

static bool same_shape(const xmsg *a, const xmsg *b)
{
    return a->type == b->type && a->size == b->size;
}

static void free_positions(gpointer p)
{
    g_array_free(p, TRUE);
}

/* Where each content is in the live flow: content -> GArray of gint64 indices, ascending. */
static GHashTable *live_positions(const GArray *live)
{
    GHashTable *h = g_hash_table_new_full(content_hash, content_equal, NULL, free_positions);
    for (guint j = 0; j < live->len; j++) {
        const xmsg *m = g_array_index(live, live_ref, j).m;
        GArray *at = g_hash_table_lookup(h, m);
        if (at == NULL) {
            at = g_array_new(FALSE, FALSE, sizeof(gint64));
            g_hash_table_insert(h, (gpointer)m, at);
        }
        gint64 jj = j;
        g_array_append_val(at, jj);
    }
    return h;
}

static guint occurrences(GHashTable *positions, const xmsg *r)
{
    GArray *at = g_hash_table_lookup(positions, r);
    return at ? at->len : 0;
}

/* The live index holding r's content nearest to bound: the largest below it (back) or the smallest above it; -1 none. */
static gint64 nearest(GHashTable *positions, const xmsg *r, gint64 bound, bool back)
{
    GArray *at = g_hash_table_lookup(positions, r);
    if (at == NULL)
        return -1;
    guint lo = 0, hi = at->len; /* the first index above bound */
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(at, gint64, mid) <= bound)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (back) {
        guint below = lo; /* the first >= bound when bound is not there: step back past bound */
        while (below > 0 && g_array_index(at, gint64, below - 1) >= bound)
            below--;
        return below > 0 ? g_array_index(at, gint64, below - 1) : -1;
    }
    return lo < at->len ? g_array_index(at, gint64, lo) : -1;
}

static void align(cross_flow *cf, const GArray *ring, const GArray *live)
{
    cf->ring_whole = ring->len;
    gint64 *match = g_new(gint64, ring->len ? ring->len : 1);
    GHashTable *positions = live_positions(live);
    /* Anchors: contents the ring and the live flow each hold once, in increasing live order. */
    GHashTable *ring_count = g_hash_table_new(content_hash, content_equal);
    for (guint i = 0; i < ring->len; i++) {
        const xmsg *k = &g_array_index(ring, xmsg, i);
        g_hash_table_insert(ring_count, (gpointer)k, GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(ring_count, k)) + 1));
    }
    for (guint i = 0; i < ring->len; i++)
        match[i] = -1;
    gint64 last = -1;
    for (guint i = 0; i < ring->len; i++) {
        const xmsg *k = &g_array_index(ring, xmsg, i);
        if (occurrences(positions, k) != 1 || GPOINTER_TO_UINT(g_hash_table_lookup(ring_count, k)) != 1)
            continue;
        gint64 at = nearest(positions, k, last, false);
        if (at > last)
            match[i] = last = at;
    }
    g_hash_table_destroy(ring_count);
    /* Between anchors, each message takes the nearest content after the one before it (before the
     * first anchor, nearest before the one after it); with no anchor, the first found leads. */
    gint64 first_anchor = -1;
    for (guint i = 0; i < ring->len && first_anchor < 0; i++)
        if (match[i] >= 0)
            first_anchor = i;
    if (first_anchor < 0)
        for (guint i = 0; i < ring->len && first_anchor < 0; i++)
            if ((match[i] = nearest(positions, &g_array_index(ring, xmsg, i), -1, false)) >= 0)
                first_anchor = i;
    if (first_anchor >= 0) {
        for (gint64 i = first_anchor - 1, bound = match[first_anchor]; i >= 0; i--)
            if ((match[i] = nearest(positions, &g_array_index(ring, xmsg, i), bound, true)) >= 0)
                bound = match[i];
        gint64 *limit = g_new(gint64, ring->len); /* the live index of the next anchor */
        for (gint64 i = (gint64)ring->len - 1, next = (gint64)live->len; i >= 0; i--) {
            limit[i] = next;
            if (match[i] >= 0)
                next = match[i];
        }
        gint64 bound = match[first_anchor];
        for (guint i = (guint)first_anchor + 1; i < ring->len; i++) {
            if (match[i] >= 0) { /* an anchor */
                bound = match[i];
                continue;
            }
            gint64 at = nearest(positions, &g_array_index(ring, xmsg, i), bound, false);
            if (at >= 0 && at < limit[i])
                match[i] = bound = at;
        }
        g_free(limit);
    }
    gint64 lo = -1, hi = -1;
    bool *used = g_new0(bool, live->len ? live->len : 1);
    for (guint i = 0; i < ring->len; i++)
        if (match[i] >= 0) {
            cf->matched++;
            used[match[i]] = true;
            lo = lo < 0 || match[i] < lo ? match[i] : lo;
            hi = match[i] > hi ? match[i] : hi;
        }
    /* An unmatched ring message: a live message of its type and size between its matched neighbours differs. */
    gint64 *next_match = g_new(gint64, ring->len ? ring->len : 1);
    for (gint64 i = (gint64)ring->len - 1, next = hi >= 0 ? hi + 1 : 0; i >= 0; i--) {
        next_match[i] = next;
        if (match[i] >= 0)
            next = match[i];
    }
    gint64 prev = lo >= 0 ? lo - 1 : -1;
    for (guint i = 0; i < ring->len; i++) {
        if (match[i] >= 0) {
            prev = match[i];
            continue;
        }
        const xmsg *r = &g_array_index(ring, xmsg, i);
        gint64 next = next_match[i], partner = -1;
        /* Looked for near its place only: a run of losses must not cost its square. */
        for (gint64 j = prev + 1; j < next && j <= prev + CROSS_PARTNER_REACH && j < (gint64)live->len && lo >= 0; j++)
            if (!used[j] && same_shape(g_array_index(live, live_ref, j).m, r)) {
                partner = j;
                break;
            }
        if (partner >= 0) {
            used[partner] = true;
            const live_ref *p = &g_array_index(live, live_ref, partner);
            cross_differ d = {r->frame, r->ts_ns, p->m->frame, p->file, r->type, r->size};
            g_array_append_val(cf->differ, d);
        } else {
            g_array_append_val(cf->live_lost, r->frame);
        }
    }
    for (gint64 j = lo; lo >= 0 && j <= hi; j++)
        if (!used[j])
            g_array_append_val(cf->ring_lacks, g_array_index(live, live_ref, j).m->frame);
    if (lo >= 0) {
        cf->live_window_first = g_array_index(live, live_ref, lo).m->frame;
        cf->live_window_last = g_array_index(live, live_ref, hi).m->frame;
        cf->live_file = g_strdup(g_array_index(live, live_ref, lo).file);
    } else if (live->len) {
        cf->live_file = g_strdup(g_array_index(live, live_ref, 0).file);
    }
    g_free(used);
    g_free(next_match);
    g_hash_table_destroy(positions);
    g_free(match);
}

/* The live pcap of a channel: DIR/<channel>.pcap, as ryll's capture.rs names them. */
static const char *live_file_of(const input_metadata *dir, const char *channel)
{
    char *want = g_strdup_printf("%s.pcap", channel);
    const char *found = NULL;
    for (guint f = 0; f < dir->captures->len && !found; f++) {
        char *base = g_path_get_basename(g_ptr_array_index(dir->captures, f));
        if (strcmp(base, want) == 0)
            found = g_ptr_array_index(dir->captures, f);
        g_free(base);
    }
    g_free(want);
    return found;
}

static void check_flows(cross_check *cc, GHashTable *cache, GHashTable *shapes, const validation *v,
                        const input_metadata *dir, const char *report)
{
    file_msgs *rm = messages_of(cache, v, report, NULL);
    for (unsigned c = 1; c < SPICECAP_CHANNEL_SLOTS; c++)
        for (uint8_t d = 0; d < 2; d++) {
            GArray *ring = g_array_new(FALSE, FALSE, sizeof(xmsg));
            for (guint i = 0; i < rm->msgs->len; i++) {
                const xmsg *m = &g_array_index(rm->msgs, xmsg, i);
                if (m->channel == c && m->direction == d && m->done == m->size)
                    g_array_append_val(ring, *m);
            }
            if (ring->len == 0) {
                g_array_free(ring, TRUE);
                continue;
            }
            GArray *live = g_array_new(FALSE, FALSE, sizeof(live_ref));
            for (guint f = 0; f < dir->captures->len; f++) {
                file_msgs *lm = messages_of(cache, v, g_ptr_array_index(dir->captures, f), shapes);
                for (guint i = 0; i < lm->msgs->len; i++) {
                    const xmsg *m = &g_array_index(lm->msgs, xmsg, i);
                    if (m->channel == c && m->direction == d && m->done == m->size) {
                        live_ref ref = {m, lm->path};
                        g_array_append_val(live, ref);
                    }
                }
            }
            cross_flow cf = {(uint8_t)c, d, NULL, 0, 0, g_array_new(FALSE, FALSE, sizeof(uint64_t)),
                             g_array_new(FALSE, FALSE, sizeof(cross_differ)), g_array_new(FALSE, FALSE, sizeof(uint64_t)),
                             0, 0, false};
            /* ryll's --capture writes five pcaps (capture.rs): a ring's
             * playback (or webdav) flow has no live counterpart, and its
             * messages are not "lost" by the live capture. */
            if (live_file_of(dir, spicecap_channel_label(c)) == NULL) {
                cf.no_live_pcap = true;
                cf.ring_whole = ring->len;
            } else {
                align(&cf, ring, live);
            }
            g_array_append_val(cc->flows, cf);
            g_array_free(live, TRUE);
            g_array_free(ring, TRUE);
        }
}

static void add_writer(cross_check *cc, const validation *v, const input_metadata *dir, const char *channel,
                       JsonObject *state)
{
    JsonNode *n = json_object_get_member(state, "writer_dropped_count");
    if (channel == NULL || n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
        return;
    cross_writer w = {g_strdup(channel), json_node_get_int(n), NULL, 0};
    const char *live = live_file_of(dir, channel);
    if (live) {
        w.live_file = g_strdup(live);
        for (guint i = 0; i < v->findings.list->len; i++) {
            const finding *f = g_ptr_array_index(v->findings.list, i);
            w.desyncs += f->kind == FINDING_DESYNC && strcmp(f->file, live) == 0;
        }
    }
    g_array_append_val(cc->writers, w);
}

/* channel-state.json: one channel's snapshot, or (an AutoSnapshot) one per channel. */
static void check_writers(cross_check *cc, const validation *v, const input_metadata *dir, const input_metadata *rep)
{
    const triage_member *tm = &rep->triage->members.member[TM_CHANNEL_STATE];
    if (tm->json == NULL || !JSON_NODE_HOLDS_OBJECT(tm->json))
        return;
    JsonObject *o = json_node_get_object(tm->json);
    add_writer(cc, v, dir, metadata_string(rep, "channel"), o);
    GList *names = json_object_get_members(o);
    for (GList *n = names; n; n = n->next) {
        JsonNode *node = json_object_get_member(o, n->data);
        if (JSON_NODE_HOLDS_OBJECT(node))
            add_writer(cc, v, dir, n->data, json_node_get_object(node));
    }
    g_list_free(names);
}

/* ryll's recorded flow of a channel and direction: "10.0.0.2:5900 -> 10.0.0.1:10002". */
static char *flow_name(unsigned channel, unsigned direction)
{
    unsigned port = spicecap_client_port(channel);
    return direction == SPICECAP_DIR_RECEIVED ? g_strdup_printf("10.0.0.2:5900 -> 10.0.0.1:%u", port)
                                              : g_strdup_printf("10.0.0.1:%u -> 10.0.0.2:5900", port);
}

/* "display received draw_copy (type 304), 1234 bytes" (g_free it). */
char *cross_differ_message(unsigned channel, unsigned direction, const cross_differ *d)
{
    const char *name = spicecap_message_name(channel, (spicecap_direction)direction, d->type);
    return g_strdup_printf("%s %s %s (type %u), %u bytes", spicecap_channel_label(channel),
                           spicecap_direction_name((spicecap_direction)direction), name ? name : "unnamed", d->type,
                           d->size);
}

/* Each message that differs is a finding on the report's file, and a mark on its timeline. */
static void differ_findings(validation *v, const cross_check *cc, const char *report, timeline *lines)
{
    for (guint i = 0; i < cc->flows->len; i++) {
        const cross_flow *f = &g_array_index(cc->flows, cross_flow, i);
        char *flow = flow_name(f->channel, f->direction);
        for (guint k = 0; k < f->differ->len && k < CROSS_DIFFER_FINDINGS; k++) {
            const cross_differ *d = &g_array_index(f->differ, cross_differ, k);
            char *what = cross_differ_message(f->channel, f->direction, d);
            char *more = k + 1 == CROSS_DIFFER_FINDINGS && f->differ->len > CROSS_DIFFER_FINDINGS
                             ? g_strdup_printf(" (and %u more in this flow: --json's cross_check lists them)",
                                               f->differ->len - CROSS_DIFFER_FINDINGS)
                             : g_strdup("");
            findings_add(&v->findings, FINDING_RING_DIFFERS, report, d->ring_frame, flow,
                         "the ring's message differs from the live capture's: %s; ring frame %" G_GUINT64_FORMAT
                         ", live frame %" G_GUINT64_FORMAT " of %s (same type and size, other bytes)%s",
                         what, d->ring_frame, d->live_frame, d->live_file, more);
            if (lines)
                timeline_add_mark(lines, report, d->ring_frame, d->ring_ns, f->channel, FINDING_RING_DIFFERS);
            g_free(more);
            g_free(what);
        }
        g_free(flow);
    }
}

void cross_check_run(validation *v, const GPtrArray *pairs, timeline *lines)
{
    GHashTable *cache = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_file_msgs);
    /* The shapes of every report's whole messages: the live files' others need no CRC. */
    GHashTable *shapes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    for (guint i = 1; i < pairs->len; i += 2) {
        const input_metadata *rep = g_ptr_array_index(pairs, i);
        if (rep->captures->len == 0)
            continue;
        const file_msgs *rm = messages_of(cache, v, g_ptr_array_index(rep->captures, 0), NULL);
        for (guint k = 0; k < rm->msgs->len; k++) {
            const xmsg *m = &g_array_index(rm->msgs, xmsg, k);
            guint64 shape = shape_of(m->channel, m->direction, m->type, m->size);
            g_hash_table_add(shapes, g_memdup2(&shape, sizeof shape));
        }
    }
    for (guint i = 0; i + 1 < pairs->len; i += 2) {
        const input_metadata *dir = g_ptr_array_index(pairs, i), *rep = g_ptr_array_index(pairs, i + 1);
        if (rep->triage == NULL || rep->captures->len == 0)
            continue;
        cross_check *cc = g_new0(cross_check, 1);
        cc->dir = g_strdup(dir->source);
        cc->flows = g_array_new(FALSE, FALSE, sizeof(cross_flow));
        cc->writers = g_array_new(FALSE, FALSE, sizeof(cross_writer));
        check_flows(cc, cache, shapes, v, dir, g_ptr_array_index(rep->captures, 0));
        check_writers(cc, v, dir, rep);
        differ_findings(v, cc, g_ptr_array_index(rep->captures, 0), lines);
        cross_check_free(rep->triage->cross);
        rep->triage->cross = cc;
    }
    g_hash_table_destroy(shapes);
    g_hash_table_destroy(cache);
}

void cross_check_free(cross_check *c)
{
    if (c == NULL)
        return;
    for (guint i = 0; i < c->flows->len; i++) {
        cross_flow *f = &g_array_index(c->flows, cross_flow, i);
        g_free(f->live_file);
        g_array_free(f->live_lost, TRUE);
        g_array_free(f->differ, TRUE);
        g_array_free(f->ring_lacks, TRUE);
    }
    for (guint i = 0; i < c->writers->len; i++) {
        g_free(g_array_index(c->writers, cross_writer, i).channel);
        g_free(g_array_index(c->writers, cross_writer, i).live_file);
    }
    g_array_free(c->flows, TRUE);
    g_array_free(c->writers, TRUE);
    g_free(c->dir);
    g_free(c);
}

/* " (frames 1 2 3 ...)": the first few. */
static void frames_text(GString *out, const GArray *frames)
{
    if (frames->len == 0)
        return;
    g_string_append(out, " (frames");
    for (guint i = 0; i < frames->len && i < 10; i++)
        g_string_append_printf(out, " %" G_GUINT64_FORMAT, g_array_index(frames, uint64_t, i));
    g_string_append(out, frames->len > 10 ? " ...)" : ")");
}

void cross_check_print(const cross_check *c, FILE *out)
{
    for (guint i = 0; i < c->flows->len; i++) {
        const cross_flow *f = &g_array_index(c->flows, cross_flow, i);
        GString *t = g_string_new(NULL);
        g_string_append_printf(t, "  vs %s: %s %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " whole messages "
                               "identical in the live capture",
                               f->live_file ? f->live_file : c->dir, spicecap_channel_label(f->channel),
                               spicecap_direction_name((spicecap_direction)f->direction), f->matched, f->ring_whole);
        if (f->no_live_pcap) {
            text_out(out, "  vs %s: %s %s: %" G_GUINT64_FORMAT " whole messages in the ring; the directory has no "
                         "%s.pcap (ryll's capture mode writes none for this channel): not cross-checked\n",
                    c->dir, spicecap_channel_label(f->channel), spicecap_direction_name((spicecap_direction)f->direction),
                    f->ring_whole, spicecap_channel_label(f->channel));
            g_string_free(t, TRUE);
            continue;
        }
        if (f->differ->len) {
            g_string_append_printf(t, "; %u DIFFER (ring frame/live frame:", f->differ->len);
            for (guint k = 0; k < f->differ->len && k < 10; k++) {
                const cross_differ *d = &g_array_index(f->differ, cross_differ, k);
                g_string_append_printf(t, " %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, d->ring_frame, d->live_frame);
            }
            g_string_append(t, f->differ->len > 10 ? " ...)" : ")");
        }
        g_string_append_printf(t, "; %u the live capture lost", f->live_lost->len);
        frames_text(t, f->live_lost);
        g_string_append_printf(t, "; %u in the ring's window the ring lacks", f->ring_lacks->len);
        frames_text(t, f->ring_lacks);
        text_out(out, "%s\n", t->str);
        g_string_free(t, TRUE);
    }
    for (guint i = 0; i < c->writers->len; i++) {
        const cross_writer *w = &g_array_index(c->writers, cross_writer, i);
        text_out(out, "  %s: writer_dropped_count %" G_GINT64_FORMAT "; ", w->channel, w->dropped);
        if (w->live_file)
            text_out(out, "%" G_GUINT64_FORMAT " desync(s) in %s\n", w->desyncs, w->live_file);
        else
            text_out(out, "no live pcap of that channel in %s\n", c->dir);
    }
}

static void frames_json(json_out *b, const char *name, const GArray *frames)
{
    json_out_begin_array(b, name);
    for (guint i = 0; i < frames->len; i++)
        json_out_uint(b, NULL, g_array_index(frames, uint64_t, i));
    json_out_end_array(b);
}

void cross_check_write_json(const cross_check *c, json_out *b, const char *name)
{
    json_out_begin_object(b, name);
    json_out_string(b, "directory", c->dir);
    json_out_begin_array(b, "flows");
    for (guint i = 0; i < c->flows->len; i++) {
        const cross_flow *f = &g_array_index(c->flows, cross_flow, i);
        json_out_begin_object(b, NULL);
        json_out_string(b, "channel", spicecap_channel_label(f->channel));
        json_out_string(b, "direction", spicecap_direction_name((spicecap_direction)f->direction));
        if (f->live_file)
            json_out_string(b, "live_file", f->live_file);
        json_out_uint(b, "ring_whole", f->ring_whole);
        json_out_bool(b, "cross_checked", !f->no_live_pcap);
        json_out_uint(b, "identical", f->matched);
        json_out_begin_array(b, "differ");
        for (guint k = 0; k < f->differ->len; k++) {
            const cross_differ *d = &g_array_index(f->differ, cross_differ, k);
            const char *name = spicecap_message_name(f->channel, (spicecap_direction)f->direction, d->type);
            json_out_begin_object(b, NULL);
            json_out_uint(b, "ring_frame", d->ring_frame);
            json_out_uint(b, "live_frame", d->live_frame);
            json_out_string(b, "live_file", d->live_file);
            json_out_int(b, "type", d->type);
            if (name)
                json_out_string(b, "name", name);
            json_out_int(b, "size", d->size);
            json_out_end_object(b);
        }
        json_out_end_array(b);
        frames_json(b, "live_lost", f->live_lost);
        frames_json(b, "ring_lacks", f->ring_lacks);
        json_out_uint(b, "live_window_first_frame", f->live_window_first);
        json_out_uint(b, "live_window_last_frame", f->live_window_last);
        json_out_end_object(b);
    }
    json_out_end_array(b);
    json_out_begin_array(b, "writers");
    for (guint i = 0; i < c->writers->len; i++) {
        const cross_writer *w = &g_array_index(c->writers, cross_writer, i);
        json_out_begin_object(b, NULL);
        json_out_string(b, "channel", w->channel);
        json_out_int(b, "writer_dropped_count", w->dropped);
        if (w->live_file) {
            json_out_string(b, "live_file", w->live_file);
            json_out_uint(b, "desyncs", w->desyncs);
        }
        json_out_end_object(b);
    }
    json_out_end_array(b);
    json_out_end_object(b);
}
