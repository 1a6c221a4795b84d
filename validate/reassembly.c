/* The seq chain of one flow direction: contiguous bytes go on through the
 * reassembly's bytes callback (as TCP hands a dissector its bytes);
 * a segment ahead of the chain is held until the hole fills (then it was
 * out of order) or too much is held (then the hole is a gap); bytes seen
 * before are duplicates or overlaps, or in a real capture retransmissions,
 * compared against a window of recent bytes. */
#include <string.h>

#include "reassembly.h"

#include "recorded.h"

/* How much may wait for a hole to fill before the hole is called a gap. A
 * recorder never reorders by more than a swap; real TCP may by more. */
#define HELD_SEGMENTS_RECORDED 4u
#define HELD_BYTES_REAL ((uint64_t)1 << 20)

#define TCP_FIN 0x01
#define TCP_SYN 0x02

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b); /* TCP serial arithmetic */
}

static void remember(flow *f, const uint8_t *data, uint32_t len)
{
    if (f->window == NULL)
        return;
    for (uint32_t i = 0; i < len; i++) /* small copies: only real flows, at their data rate */
        f->window[(f->stream_bytes + i) % FLOW_WINDOW] = data[i];
}

/* Bytes [seq, seq+len) already passed: do they equal what passed then? */
static int same_as_before(flow *f, uint32_t seq, const uint8_t *data, uint32_t len)
{
    uint32_t back = f->next_seq - seq; /* bytes behind the chain's head */
    if (f->window == NULL || back > FLOW_WINDOW || back > f->stream_bytes)
        return -1; /* cannot tell */
    uint64_t at = f->stream_bytes - back;
    for (uint32_t i = 0; i < len; i++)
        if (f->window[(at + i) % FLOW_WINDOW] != data[i])
            return 0;
    return 1;
}

/* Append contiguous bytes at the chain's head. */
static void advance(reassembly *v, flow *f, uint64_t frame, const uint8_t *data, uint32_t len, bool lasting)
{
    v->bytes(v->ctx, f, frame, f->next_seq, data, len, lasting);
    remember(f, data, len);
    f->stream_bytes += len;
    f->next_seq += len;
    f->last_frame = frame;
}

static void release_held(reassembly *v, flow *f, bool out_of_order)
{
    held_segment *h;
    while ((h = g_queue_peek_head(&f->held)) != NULL) {
        int32_t d = seq_diff(h->seq, f->next_seq);
        if (d > 0)
            break;
        g_queue_pop_head(&f->held);
        f->held_bytes -= h->len;
        v->held_bytes -= h->len;
        if (d == 0) {
            if (out_of_order)
                findings_add(v->findings, FINDING_OUT_OF_ORDER, v->path, h->frame, f->name,
                             "segment seq %u (%u bytes) arrived before the segment ahead of it in the chain",
                             h->seq, h->len);
            advance(v, f, h->frame, h->data, h->len, false); /* its copy is freed below */
        }
        g_free(h->data);
        g_free(h);
    }
}

/* Give up on the hole before the first held segment: it is a gap. */
static void declare_gap(reassembly *v, flow *f)
{
    held_segment *h = g_queue_peek_head(&f->held);
    uint32_t missing = h->seq - f->next_seq;
    finding *k2 = g_queue_pop_head(&v->pending_k2), *g = k2;
    uint64_t records;
    if (k2 != NULL) {
        /* The bytes a 0-byte record should have carried: one defect, one finding. */
        k2->has_seq = 1;
        k2->seq_start = f->next_seq;
        k2->seq_end = h->seq;
        g_free(k2->flow);
        k2->flow = g_strdup(f->name);
    } else if (f->recorded && spicecap_snaplen_drops_records(v->snaplen) &&
               (records = spicecap_snaplen_loss_records(missing)) > 0) {
        g = findings_add(v->findings, FINDING_SNAPLEN_LOSS, v->path, h->frame, f->name,
                         "snaplen loss: %" G_GUINT64_FORMAT " record%s (%u bytes) missing between frame %" G_GUINT64_FORMAT
                         " and frame %" G_GUINT64_FORMAT ": ryll's pcap writer drops every record over the file's "
                         "%u-byte snaplen",
                         records, records == 1 ? "" : "s", missing, f->last_frame, h->frame, v->snaplen);
        if (g) {
            g->has_seq = 1;
            g->seq_start = f->next_seq;
            g->seq_end = h->seq;
        }
    } else {
        g = findings_add(v->findings, FINDING_GAP, v->path, h->frame, f->name,
                                  "%u bytes missing between frame %" G_GUINT64_FORMAT " and frame %" G_GUINT64_FORMAT,
                                  missing, f->last_frame, h->frame);
        if (g) {
            g->has_seq = 1;
            g->seq_start = f->next_seq;
            g->seq_end = h->seq;
        }
    }
    v->gap(v->ctx, f, f->next_seq, missing, g);
    f->next_seq = h->seq;
    release_held(v, f, false);
}

/* Too much waits for this flow's hole: its own share, or all flows' together. */
static bool holds_too_much(reassembly *v, const flow *f)
{
    if (f->recorded ? f->held.length > HELD_SEGMENTS_RECORDED : f->held_bytes > HELD_BYTES_REAL)
        return true;
    if (v->held_bytes <= VALIDATE_MAX_HELD_BYTES)
        return false;
    char *text = g_strdup_printf("held-bytes limit reached: more than %" G_GUINT64_FORMAT " MiB waited ahead of holes "
                                 "in all flows together; holes were declared gaps without waiting for the bytes to "
                                 "come", VALIDATE_MAX_HELD_BYTES >> 20);
    v->note(v->ctx, text);
    g_free(text);
    return true;
}

static void hold(reassembly *v, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len)
{
    held_segment *h = g_new(held_segment, 1);
    h->seq = seq;
    h->frame = frame;
    h->len = len;
    h->data = g_memdup2(data, len);
    /* Keep the queue sorted by seq. */
    GList *at = f->held.head;
    while (at && seq_diff(((held_segment *)at->data)->seq, seq) < 0)
        at = at->next;
    if (at)
        g_queue_insert_before(&f->held, at, h);
    else
        g_queue_push_tail(&f->held, h);
    f->held_bytes += len;
    v->held_bytes += len;
    /* A recorded flow never reorders by itself; after a 0-byte record the
     * jump ahead is that record's missing message: no need to wait. */
    if (f->recorded && v->pending_k2.length > 0)
        declare_gap(v, f);
    while (f->held.length > 0 && holds_too_much(v, f))
        declare_gap(v, f);
}

/* Bytes before the chain's head: a retransmission, keep-alive, duplicate or overlap. */
static uint32_t old_bytes(reassembly *v, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len)
{
    uint32_t behind = f->next_seq - seq;
    uint32_t old = behind < len ? behind : len;
    if (!f->recorded && len <= 1 && behind == 1) {
        f->keepalives++; /* a keep-alive probe re-sends the last byte, or none */
        return old;
    }
    if (f->recorded) {
        finding_kind kind = old == len ? FINDING_DUPLICATE : FINDING_OVERLAP;
        finding *d = findings_add(v->findings, kind, v->path, frame, f->name,
                                  "%u of the segment's %u bytes were already in the chain (a recorder never "
                                  "retransmits)", old, len);
        if (d) {
            d->has_seq = 1;
            d->seq_start = seq;
            d->seq_end = seq + old;
        }
        return old;
    }
    int same = same_as_before(f, seq, data, old);
    if (same == 0) {
        finding *d = findings_add(v->findings, FINDING_RETRANSMIT_DIFFERS, v->path, frame, f->name,
                                  "retransmitted bytes differ from the first copy");
        if (d) {
            d->has_seq = 1;
            d->seq_start = seq;
            d->seq_end = seq + old;
        }
    } else {
        f->retransmissions++;
        if (same < 0)
            f->uncompared++;
    }
    return old;
}

void reassembly_segment(reassembly *v, flow *f, uint64_t frame, uint32_t seq, uint8_t flags, const uint8_t *payload,
                        uint32_t len, bool payload_lasts)
{
    if (flags & TCP_SYN) {
        /* A new connection: the chain starts after the SYN's one seq number. */
        f->have_seq = true;
        f->next_seq = seq + 1 + len;
        f->last_frame = frame;
        return;
    }
    if (!f->have_seq) {
        if (len == 0)
            return; /* a pure ACK tells nothing about this direction's chain */
        f->have_seq = true;
        f->next_seq = seq;
        f->last_frame = frame;
    }
    if (len > 0) {
        f->segments++;
        f->payload_bytes += len;
    }
    int32_t d = seq_diff(seq, f->next_seq);
    if (d < 0 && len > 0) {
        uint32_t old = old_bytes(v, f, frame, seq, payload, len);
        seq += old;
        payload += old;
        len -= old;
        d = 0;
    }
    if (len > 0) {
        if (d == 0) {
            advance(v, f, frame, payload, len, payload_lasts);
            release_held(v, f, true);
        } else {
            hold(v, f, frame, seq, payload, len);
        }
    } else if (d == 0 && f->held.length == 0 && !(flags & TCP_FIN) && v->empty) {
        v->empty(v->ctx, f, frame, seq);
    }
    if ((flags & TCP_FIN) && seq_diff(seq + len, f->next_seq) == 0 && f->held.length == 0)
        f->next_seq++; /* FIN takes one seq number */
}

void reassembly_finish(reassembly *v, flow *f)
{
    while (f->held.length > 0)
        declare_gap(v, f);
}

void flow_free(flow *f)
{
    held_segment *h;
    while ((h = g_queue_pop_head(&f->held)) != NULL) {
        g_free(h->data);
        g_free(h);
    }
    g_free(f->window);
    spicecap_walker_clear(&f->walker);
    g_free(f->name);
    g_free(f);
}
