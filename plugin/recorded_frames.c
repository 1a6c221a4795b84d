/* ryll's recorded flows on Wireshark's first pass: each flow direction's
 * walker fed in seq order, and what it says stored per frame (recorded_frames.h).
 *
 * Bytes a message needs after its frame is gone are copied as they pass:
 * - keep: the first bytes of the message being walked (at most keep_bytes);
 * - window: while the walk searches for the framing, the last bytes
 *   scanned (a ring of WINDOW_BYTES), since the first message it confirms
 *   began before the confirmation, maybe frames ago.
 * Nothing else is copied: a message inside one frame is shown from it. */
#include "recorded_frames.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/proto_data.h>
#include <string.h>

#include "spice_walker.h"

#define REC_KEY 0xFFFFFFFFu            /* the frame's proto data (real connections key by offset) */
#define WINDOW_BYTES ((size_t)1 << 19) /* 512 KiB: more than any message ryll's fixtures hold */
#define NONE UINT64_MAX

static guint keep_bytes = 4096;
static bool keep_whole;

void spicecap_recorded_set_keep(guint bytes, bool whole)
{
    keep_bytes = bytes < SPICECAP_MINI_HDR_LEN ? SPICECAP_MINI_HDR_LEN : bytes;
    keep_whole = whole;
}

static uint64_t keep_limit(void)
{
    return keep_whole ? (uint64_t)SPICECAP_MINI_HDR_LEN + SPICECAP_SANE_MESSAGE_SIZE : keep_bytes;
}

/* One direction of a recorded flow, first pass only. */
typedef struct rec_flow {
    spicecap_walker walker;
    bool started;
    uint32_t base_seq; /* the seq of stream offset 0 */
    uint64_t next;     /* stream offset of the next byte expected */

    uint8_t *keep; /* [keep_at, keep_at + keep_len) of the message being walked */
    size_t keep_len, keep_cap;
    uint64_t keep_at;

    uint8_t *window; /* ring: the last window_len bytes before stream offset window_end */
    size_t window_len;
    uint64_t window_end;

    uint64_t cut_from, cut_end; /* a cut message the walk is in step with: its rest */
    uint32_t cut_frame, cut_chunks;
    uint16_t cut_type;
    uint64_t cut_wire, cut_offset;
    uint32_t lost_frame; /* where the framing was lost last */
    /* A gap took a message's header: the bytes after it, up to the framing
     * found again, are that message's rest (one message cut, counted at its
     * first unframed byte), unless a header stands right at tail_from. */
    bool tail_pending;
    uint64_t tail_from;

    /* The frame being fed, and the flow's frame before it. */
    uint32_t frame, prev_frame;
    uint64_t fs, fe;     /* stream offsets of its bytes fed */
    const uint8_t *data; /* those bytes */
    int32_t skip;        /* where they start in the tvb */
    uint64_t gap_at;     /* the gap being reported: its stream offset, length, seq */
    uint64_t gap_len;
    uint32_t gap_seq;
    bool gap_explained;
    bool gap_snapped;  /* the gap is this record's bytes past its captured length */
    bool loss_snapped; /* the framing was lost at such a gap */

    spicecap_rec_entry *entries; /* the frame's, before they are stored */
    uint32_t count, cap;
} rec_flow;

typedef struct rec_conv {
    spicecap_link_state link;
    rec_flow flow[2];
} rec_conv;

/* Every flow's walker holds memory of its own (a socket-read flow's
 * lookback): freed when the file closes, or its conversation is forgotten. */
static GPtrArray *convs;
static uint32_t last_empty_record; /* the last 0-byte record the first pass met */
/* A flow of playback bodies is known as one only at its second record
 * (walk_bodies.c): the first pass shows the note there; every later pass
 * (tshark -2, the GUI's tree and filters) in the first body's frame, the
 * one the validator names. Frame number -> the note (file scope). */
static GHashTable *late_notes;

void spicecap_recorded_empty_record(const packet_info *pinfo)
{
    if (!pinfo->fd->visited)
        last_empty_record = pinfo->num;
}

static spicecap_rec_entry *push(rec_flow *f, spicecap_rec_kind kind, uint64_t pos)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->entries = wmem_realloc(wmem_file_scope(), f->entries, f->cap * sizeof *f->entries);
    }
    spicecap_rec_entry *e = &f->entries[f->count++];
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->pos = pos;
    e->at = -1;
    return e;
}

static uint32_t seq_at(const rec_flow *f, uint64_t offset)
{
    return f->base_seq + (uint32_t)offset;
}

static void from_message(rec_flow *f, spicecap_rec_entry *e, const spicecap_walk_message *m)
{
    e->offset = m->offset;
    e->seq = seq_at(f, m->offset);
    e->frame = (uint32_t)m->tag;
    e->type = m->type;
    e->wire_size = m->wire_size;
    e->chunks = m->chunks;
    e->header_known = m->wire_size != 0;
    e->body_only = m->body_only;
}

/* ---- the bytes kept ---- */

static bool in_window(const rec_flow *f, uint64_t o)
{
    return f->window_len > 0 && o < f->window_end && o >= f->window_end - f->window_len;
}

/* Stream bytes [from, to) from wherever they still are (this frame, the
 * kept prefix, the window), in order, until one is not, into out. Returns
 * how many. */
static size_t gather_into(const rec_flow *f, uint64_t from, uint64_t to, uint8_t *out)
{
    uint64_t o = from;
    while (o < to) {
        size_t n;
        if (o >= f->fs && o < f->fe) {
            n = (size_t)((to < f->fe ? to : f->fe) - o);
            memcpy(out + (o - from), f->data + (o - f->fs), n);
        } else if (f->keep_at != NONE && o >= f->keep_at && o < f->keep_at + f->keep_len) {
            uint64_t end = f->keep_at + f->keep_len;
            n = (size_t)((to < end ? to : end) - o);
            memcpy(out + (o - from), f->keep + (o - f->keep_at), n);
        } else if (in_window(f, o)) {
            uint64_t end = to < f->window_end ? to : f->window_end;
            size_t at = (size_t)(o % WINDOW_BYTES);
            n = (size_t)(end - o);
            if (n > WINDOW_BYTES - at)
                n = WINDOW_BYTES - at;
            memcpy(out + (o - from), f->window + at, n);
        } else {
            break;
        }
        o += n;
    }
    return (size_t)(o - from);
}

/* The same, as a copy in file scope (NULL when none is there). */
static const uint8_t *gather(const rec_flow *f, uint64_t from, uint64_t to, uint32_t *len)
{
    *len = 0;
    if (to <= from)
        return NULL;
    uint8_t *out = wmem_alloc(wmem_file_scope(), (size_t)(to - from));
    *len = (uint32_t)gather_into(f, from, to, out);
    if (*len == 0) {
        wmem_free(wmem_file_scope(), out);
        return NULL;
    }
    if (*len < to - from)
        out = wmem_realloc(wmem_file_scope(), out, *len);
    return out;
}

/* The message's first bytes (at most its wire size, the keep limit and
 * have): in this frame's tvb when they all are, else a copy. */
static void message_bytes(rec_flow *f, spicecap_rec_entry *e, uint64_t have)
{
    uint64_t end = e->offset + have;
    if (e->offset >= f->fs && end <= f->fe) {
        e->at = f->skip + (int32_t)(e->offset - f->fs);
        e->len = (uint32_t)have;
        return;
    }
    uint64_t limit = keep_limit();
    e->kept = gather(f, e->offset, e->offset + (have < limit ? have : limit), &e->len);
}

/* After a feed: the first bytes of the message being walked, copied while
 * this frame's bytes are still there. */
static void keep_current(rec_flow *f)
{
    bool cut = false;
    const spicecap_walk_message *cur = spicecap_walker_current(&f->walker, &cut);
    if (cur == NULL || cut) {
        f->keep_at = NONE;
        f->keep_len = 0;
        return;
    }
    uint64_t limit = keep_limit();
    uint64_t want = cur->wire_size != 0 && cur->wire_size < limit ? cur->wire_size : limit;
    uint64_t want_end = cur->offset + want;
    if (f->keep_at != cur->offset) {
        f->keep_at = cur->offset;
        f->keep_len = 0;
        if (cur->offset < f->fs && !in_window(f, cur->offset)) {
            f->keep_at = NONE; /* began before this frame, and its bytes are gone */
            return;
        }
    }
    uint64_t have_end = f->keep_at + f->keep_len;
    uint64_t avail_end = want_end < f->fe ? want_end : f->fe;
    if (have_end >= avail_end)
        return;
    size_t need = (size_t)(avail_end - f->keep_at);
    if (need > f->keep_cap) {
        size_t cap = f->keep_cap ? f->keep_cap : 256;
        while (cap < need)
            cap *= 2;
        f->keep = wmem_realloc(wmem_file_scope(), f->keep, cap);
        f->keep_cap = cap;
    }
    f->keep_len += gather_into(f, have_end, avail_end, f->keep + f->keep_len);
}

/* While the walk searches for the framing, and always in a flow of socket
 * reads (the walker may search back through its last bytes after a
 * desync): this frame's bytes into the window. */
static void window_add(rec_flow *f)
{
    if (!spicecap_walker_lost(&f->walker) && spicecap_walker_layout(&f->walker) != SPICECAP_LAYOUT_READS) {
        f->window_len = 0;
        return;
    }
    if (f->window == NULL)
        f->window = wmem_alloc(wmem_file_scope(), WINDOW_BYTES);
    if (f->window_len > 0 && f->window_end != f->fs)
        f->window_len = 0; /* not contiguous (a gap): start again */
    uint64_t from = f->fs;
    if (f->fe - from > WINDOW_BYTES)
        from = f->fe - WINDOW_BYTES;
    for (uint64_t o = from; o < f->fe;) {
        size_t at = (size_t)(o % WINDOW_BYTES);
        size_t n = (size_t)(f->fe - o);
        if (n > WINDOW_BYTES - at)
            n = WINDOW_BYTES - at;
        memcpy(f->window + at, f->data + (o - f->fs), n);
        o += n;
    }
    f->window_end = f->fe;
    f->window_len += (size_t)(f->fe - from);
    if (f->window_len > WINDOW_BYTES)
        f->window_len = WINDOW_BYTES;
}

/* ---- the walker's reports ---- */

static void on_message(void *ctx, const spicecap_walk_message *m)
{
    rec_flow *f = ctx;
    spicecap_rec_entry *e = push(f, SPICECAP_REC_MESSAGE, m->offset);
    from_message(f, e, m);
    message_bytes(f, e, m->wire_size);
    if (m->offset == f->tail_from)
        f->tail_pending = false; /* the gap ended at a header: no message's rest follows it */
}

/* A gap ending at stream offset end took a message's header (or all of
 * the messages it held): what follows is the rest of one message. */
static void tail_after(rec_flow *f, uint64_t end)
{
    f->tail_pending = true;
    f->tail_from = end;
}

static spicecap_rec_entry *message_entry(rec_flow *f, uint64_t offset)
{
    for (uint32_t i = f->count; i-- > 0;)
        if (f->entries[i].kind == SPICECAP_REC_MESSAGE && f->entries[i].offset == offset)
            return &f->entries[i];
    return NULL;
}

static void on_cut(rec_flow *f, const spicecap_walk_message *m)
{
    /* A record cut short cuts the message this frame carried a part of:
     * the cut message says it all. */
    for (uint32_t i = 0; i < f->count; i++)
        if (f->entries[i].kind == SPICECAP_REC_PART && f->entries[i].offset == m->offset) {
            memmove(&f->entries[i], &f->entries[i + 1], (f->count - i - 1) * sizeof f->entries[0]);
            f->count--;
            break;
        }
    spicecap_rec_entry *e = push(f, SPICECAP_REC_CUT, f->gap_at);
    from_message(f, e, m);
    e->gap = f->gap_len;
    e->gap_seq = f->gap_seq;
    e->snapped = f->gap_snapped;
    e->extra = m->have; /* its bytes before the gap, in the file */
    message_bytes(f, e, m->have);
    f->gap_explained = true;
    uint64_t gap_end = f->gap_at + f->gap_len;
    if (m->wire_size != 0 && m->offset + m->wire_size > gap_end) {
        /* In step: the rest of it follows the gap. */
        f->cut_from = gap_end;
        f->cut_end = m->offset + m->wire_size;
        f->cut_frame = (uint32_t)m->tag;
        f->cut_type = m->type;
        f->cut_wire = m->wire_size;
        f->cut_offset = m->offset;
        f->cut_chunks = m->chunks;
    } else {
        f->lost_frame = f->frame;
        if (m->wire_size != 0 && !f->gap_snapped)
            tail_after(f, gap_end); /* the gap goes past its end, into the next message */
    }
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    rec_flow *f = ctx;
    spicecap_rec_entry *e, *shown;
    (void)tag;
    switch (kind) {
    case SPICECAP_WALK_CUT:
        on_cut(f, m);
        break;
    case SPICECAP_WALK_SIZE_SHORT:
        e = push(f, SPICECAP_REC_SIZE_SHORT, m->offset);
        from_message(f, e, m);
        e->extra = extra;
        message_bytes(f, e, extra);
        break;
    case SPICECAP_WALK_SIZE_LONG:
        e = push(f, SPICECAP_REC_SIZE_LONG, m->offset + m->wire_size);
        from_message(f, e, m);
        e->extra = extra;
        f->lost_frame = f->frame;
        break;
    case SPICECAP_WALK_BAD_HEADER:
    case SPICECAP_WALK_DESYNC:
        e = push(f, SPICECAP_REC_DESYNC, m->offset);
        from_message(f, e, m);
        e->header_known = false;
        e->wire_size = 0;
        e->extra = extra;
        e->bad_size = kind == SPICECAP_WALK_BAD_HEADER;
        e->at_start = m->offset == 0;
        f->lost_frame = f->frame;
        if (e->at_start)
            tail_after(f, 0); /* the flow's first record is the rest of a message */
        f->loss_snapped = false;
        break;
    case SPICECAP_WALK_SUSPECT:
        shown = message_entry(f, m->offset);
        if (shown != NULL) {
            shown->suspect = true;
            break;
        }
        e = push(f, SPICECAP_REC_SUSPECT, m->offset + m->wire_size);
        from_message(f, e, m);
        break;
    case SPICECAP_WALK_RESYNC:
        e = push(f, SPICECAP_REC_RESYNC, m->offset);
        from_message(f, e, m);
        e->header_known = false;
        e->extra = extra;
        e->snapped = f->loss_snapped;
        break;
    case SPICECAP_WALK_TRUNCATED:
    case SPICECAP_WALK_NO_RESYNC:
        break; /* only at the stream's end, which a dissector never sees */
    case SPICECAP_WALK_HEADERLESS:
        e = push(f, SPICECAP_REC_HEADERLESS, m->offset);
        from_message(f, e, m);
        if (e->frame != f->frame) {
            if (late_notes == NULL)
                late_notes = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_hash_table_insert(late_notes, GUINT_TO_POINTER(e->frame), wmem_memdup(wmem_file_scope(), e, sizeof *e));
        }
        break;
    case SPICECAP_WALK_UNKNOWN_TYPE:
        break; /* the message shows its type is not named (message.c) */
    }
}

/* ---- one frame ---- */

static void gap(rec_flow *f, uint64_t len, bool snapped, const spicecap_walk_sink *sink)
{
    f->gap_at = f->next;
    f->gap_len = len;
    f->gap_seq = seq_at(f, f->next);
    f->gap_explained = false;
    f->gap_snapped = snapped;
    bool was_lost = spicecap_walker_lost(&f->walker);
    const spicecap_walk_message *within = spicecap_walker_gap(&f->walker, len, sink);
    if (!f->gap_explained) {
        spicecap_rec_entry *e = push(f, SPICECAP_REC_GAP, f->gap_at);
        e->gap = len;
        e->gap_seq = f->gap_seq;
        e->seq = f->gap_seq;
        e->offset = f->gap_at;
        e->snapped = snapped;
        if (!snapped && last_empty_record > f->prev_frame && last_empty_record < f->frame)
            e->k2_frame = last_empty_record;
        if (within != NULL)
            from_message(f, e, within); /* a gap in a message cut before */
        if (within == NULL || f->cut_end <= f->gap_at + len) {
            f->lost_frame = f->frame;
            /* In socket reads, a gap while the framing is lost falls inside
             * the message already counted; in a drained ring every record
             * after a gap that is not a header is its own message's last. */
            bool same_message = was_lost && spicecap_walker_layout(&f->walker) == SPICECAP_LAYOUT_READS;
            if (!snapped && (!same_message || f->tail_pending))
                tail_after(f, f->gap_at + len);
        }
    }
    if (!was_lost && spicecap_walker_lost(&f->walker))
        f->loss_snapped = snapped;
    f->next += len;
    f->window_len = 0;
}

/* Bytes [from, to) of this frame in no message: the rest of a cut message,
 * or bytes skipped while the framing was lost. */
static void unframed(rec_flow *f, uint64_t from, uint64_t to)
{
    while (from < to) {
        uint64_t end = to;
        bool tail = f->cut_end > from && f->cut_from <= from;
        if (tail && f->cut_end < end)
            end = f->cut_end;
        else if (!tail && f->cut_from > from && f->cut_from < end && f->cut_end > f->cut_from)
            end = f->cut_from;
        spicecap_rec_entry *e = push(f, SPICECAP_REC_UNFRAMED, from);
        e->at = f->skip + (int32_t)(from - f->fs);
        e->len = (uint32_t)(end - from);
        e->offset = from;
        e->seq = seq_at(f, from);
        e->frame = f->lost_frame;
        e->in_bodies = f->walker.bodies;
        if (!tail && f->tail_pending) {
            e->starts_cut = true;
            f->tail_pending = false;
        }
        if (tail) {
            e->cut_tail = true;
            e->frame = f->cut_frame;
            e->type = f->cut_type;
            e->wire_size = f->cut_wire;
            e->header_known = true;
            e->chunks = f->cut_chunks;
            e->extra = f->cut_offset;
        }
        from = end;
    }
}

/* Every byte of this frame in some entry: the holes between the messages
 * reported are the rest of a cut message or bytes not framed, and what
 * follows the last is the start of one that ends later. */
static void account(rec_flow *f)
{
    uint64_t at = f->fs;
    uint32_t reported = f->count;
    for (uint32_t i = 0; i < reported; i++) {
        const spicecap_rec_entry *e = &f->entries[i];
        if (e->kind != SPICECAP_REC_MESSAGE)
            continue;
        uint64_t end = e->offset + e->wire_size;
        if (end <= at || e->offset >= f->fe)
            continue;
        if (e->offset > at)
            unframed(f, at, e->offset);
        at = end;
    }
    bool cut = false;
    const spicecap_walk_message *cur = spicecap_walker_current(&f->walker, &cut);
    uint64_t part_from = at;
    if (cur != NULL && !cut && cur->offset < f->fe) {
        part_from = cur->offset > at ? cur->offset : at;
        unframed(f, at, part_from);
        if (part_from < f->fe) {
            spicecap_rec_entry *e = push(f, SPICECAP_REC_PART, part_from);
            from_message(f, e, cur);
            e->at = f->skip + (int32_t)(part_from - f->fs);
            e->len = (uint32_t)(f->fe - part_from);
            e->extra = part_from - cur->offset; /* bytes of it before this frame's */
        }
        return;
    }
    unframed(f, at, f->fe);
}

/* The walker's reports stay in the order it made them (a desync, then the
 * messages a search back found); the byte ranges account() added after
 * them go in before the first report that stands past them. */
static void order_entries(rec_flow *f, uint32_t reported)
{
    uint32_t added = f->count - reported;
    if (added == 0 || reported == 0)
        return;
    spicecap_rec_entry *merged = g_new(spicecap_rec_entry, f->count);
    uint32_t r = 0, a = reported, n = 0;
    while (r < reported || a < f->count) {
        if (a < f->count && (r == reported || f->entries[a].pos < f->entries[r].pos))
            merged[n++] = f->entries[a++];
        else
            merged[n++] = f->entries[r++];
    }
    memcpy(f->entries, merged, f->count * sizeof *merged);
    g_free(merged);
}

static rec_conv *conv_of(packet_info *pinfo, int proto, unsigned channel)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    rec_conv *rc = conversation_get_proto_data(conv, proto);
    if (rc != NULL)
        return rc;
    rc = wmem_new0(wmem_file_scope(), rec_conv);
    spicecap_link_init_recorded(&rc->link, (uint8_t)channel);
    for (int d = 0; d < 2; d++) {
        spicecap_walker_init(&rc->flow[d].walker, &rc->link, (spicecap_direction)d, SPICECAP_WALK_RECORDED);
        rc->flow[d].keep_at = NONE;
    }
    conversation_add_proto_data(conv, proto, rc);
    if (convs == NULL)
        convs = g_ptr_array_new();
    g_ptr_array_add(convs, rc);
    return rc;
}

static void conv_clear(rec_conv *rc)
{
    for (int d = 0; d < 2; d++)
        spicecap_walker_clear(&rc->flow[d].walker);
}

void spicecap_recorded_forget(conversation_t *conv, int proto)
{
    rec_conv *rc = conversation_get_proto_data(conv, proto);
    if (rc == NULL || convs == NULL || !g_ptr_array_remove_fast(convs, rc))
        return;
    conv_clear(rc);
    conversation_delete_proto_data(conv, proto);
    for (int d = 0; d < 2; d++) {
        wmem_free(wmem_file_scope(), rc->flow[d].keep);
        wmem_free(wmem_file_scope(), rc->flow[d].window);
        wmem_free(wmem_file_scope(), rc->flow[d].entries);
    }
    wmem_free(wmem_file_scope(), rc);
}

void spicecap_recorded_cleanup(void)
{
    if (convs == NULL)
        return;
    for (guint i = 0; i < convs->len; i++)
        conv_clear(g_ptr_array_index(convs, i));
    g_ptr_array_free(convs, TRUE);
    convs = NULL;
    last_empty_record = 0;
    if (late_notes != NULL)
        g_hash_table_destroy(late_notes);
    late_notes = NULL;
}

/* Where the flow's walker reports: its entries for the frame being fed. */
static spicecap_walk_sink sink_for(rec_flow *f)
{
    spicecap_walk_sink sink = {f, on_message, on_finding, NULL};
    return sink;
}

/* The flow meets a new frame (first pass): nothing of it fed yet. */
static void start_frame(rec_flow *f, const packet_info *pinfo)
{
    f->prev_frame = f->frame;
    f->frame = pinfo->num;
    f->count = 0;
    f->fs = f->fe = f->next;
    f->data = NULL;
    f->skip = 0;
}

static void feed(rec_flow *f, tvbuff_t *tvb, packet_info *pinfo, const struct tcpinfo *tcp)
{
    spicecap_walk_sink sink = sink_for(f);
    guint captured = tvb_captured_length(tvb), reported = tvb_reported_length(tvb);
    uint32_t seq = tcp != NULL ? tcp->seq : f->base_seq + (uint32_t)f->next;
    if (!f->started) {
        f->started = true;
        f->base_seq = seq;
    }
    start_frame(f, pinfo);
    int32_t delta = (int32_t)(seq - seq_at(f, f->next));
    if (delta > 0) {
        gap(f, (uint64_t)delta, false, &sink);
        f->fs = f->fe = f->next;
    }
    guint skip = delta < 0 ? (guint)(-(int64_t)delta) : 0;
    if (skip > 0) {
        spicecap_rec_entry *e = push(f, SPICECAP_REC_OLD, f->next);
        e->at = 0;
        e->len = skip < captured ? skip : captured;
        e->seq = seq;
    }
    if (skip < captured) {
        f->skip = (int32_t)skip;
        f->data = tvb_get_ptr(tvb, (gint)skip, (gint)(captured - skip));
        f->fe = f->fs + (captured - skip);
        spicecap_walker_feed(&f->walker, f->data, captured - skip, pinfo->num, &sink);
        f->next = f->fe;
        uint32_t reported = f->count;
        account(f);
        order_entries(f, reported);
        keep_current(f);
        window_add(f);
    }
    guint fed_end = skip > captured ? skip : captured;
    if (reported > fed_end) /* a record cut short: the rest never comes */
        gap(f, reported - fed_end, true, &sink);
}

/* What the walk said of this frame, kept with it for every later pass. */
static const spicecap_rec_frame *store(packet_info *pinfo, int proto, const rec_flow *f)
{
    spicecap_rec_frame *stored = wmem_alloc(wmem_file_scope(), sizeof *stored + f->count * sizeof f->entries[0]);
    stored->count = f->count;
    if (f->count > 0)
        memcpy(stored->entries, f->entries, f->count * sizeof f->entries[0]);
    p_add_proto_data(wmem_file_scope(), pinfo, proto, REC_KEY, stored);
    return stored;
}

/* A later pass: the frame's entries, with a note found late moved to the
 * frame it is about (late_notes), in pinfo's pool when anything moves. */
static const spicecap_rec_frame *revisit(packet_info *pinfo, const spicecap_rec_frame *stored)
{
    const spicecap_rec_entry *note = late_notes != NULL
                                         ? g_hash_table_lookup(late_notes, GUINT_TO_POINTER(pinfo->num))
                                         : NULL;
    bool found_here = false;
    for (uint32_t i = 0; stored != NULL && i < stored->count; i++)
        found_here |= stored->entries[i].kind == SPICECAP_REC_HEADERLESS && stored->entries[i].frame != pinfo->num;
    if (note == NULL && !found_here)
        return stored;
    uint32_t count = stored != NULL ? stored->count : 0;
    spicecap_rec_frame *moved = wmem_alloc(pinfo->pool, sizeof *moved + (count + 1) * sizeof moved->entries[0]);
    moved->count = 0;
    if (note != NULL)
        moved->entries[moved->count++] = *note;
    for (uint32_t i = 0; i < count; i++) {
        const spicecap_rec_entry *e = &stored->entries[i];
        if (!(e->kind == SPICECAP_REC_HEADERLESS && e->frame != pinfo->num))
            moved->entries[moved->count++] = *e;
    }
    return moved;
}

const spicecap_rec_frame *spicecap_recorded_frame(tvbuff_t *tvb, packet_info *pinfo, const struct tcpinfo *tcp,
                                                  int proto, unsigned channel, spicecap_direction d)
{
    spicecap_rec_frame *stored = p_get_proto_data(wmem_file_scope(), pinfo, proto, REC_KEY);
    if (stored != NULL || pinfo->fd->visited)
        return revisit(pinfo, stored);
    rec_flow *f = &conv_of(pinfo, proto, channel)->flow[d];
    feed(f, tvb, pinfo, tcp);
    return store(pinfo, proto, f);
}

const spicecap_rec_frame *spicecap_recorded_empty_frame(packet_info *pinfo, int proto, spicecap_direction d)
{
    spicecap_rec_frame *stored = p_get_proto_data(wmem_file_scope(), pinfo, proto, REC_KEY);
    if (stored != NULL || pinfo->fd->visited)
        return revisit(pinfo, stored);
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    rec_conv *rc = conv != NULL ? conversation_get_proto_data(conv, proto) : NULL;
    if (rc == NULL || !rc->flow[d].started) /* a flow's first record decides what it is: not one of no bytes */
        return NULL;
    rec_flow *f = &rc->flow[d];
    spicecap_walk_sink sink = sink_for(f);
    start_frame(f, pinfo);
    spicecap_walker_empty(&f->walker, pinfo->num, &sink);
    return store(pinfo, proto, f);
}
