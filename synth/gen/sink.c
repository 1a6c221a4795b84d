#include "sink.h"

#include <inttypes.h>
#include <spice/enums.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "format.h"
#include "ryll_records.h"

static uint16_t message_type(const uint8_t *msg, size_t len)
{
    return len >= 2 ? spicecap_le16(msg) : 0;
}

static int emit_direct(sink *s, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                       size_t len)
{
    spicecap_flow *flow = &s->flows[channel];
    if (!s->flow_started[channel]) {
        spicecap_flow_init(flow, channel);
        spicecap_flow_set_next_seq(flow, s->client_seq, s->server_seq);
        s->flow_started[channel] = 1;
    }
    spicecap_segments segments;
    int rc = spicecap_flow_segment(flow, direction, msg, len, &segments);
    if (rc != SPICECAP_OK)
        return rc;
    rc = capture_out_message(s->out, ts_us, channel, direction, message_type(msg, len), (uint32_t)len, false,
                             &segments);
    spicecap_segments_release(&segments);
    return rc;
}

static int emit_ring(sink *s, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                     size_t len)
{
    if (s->only_channel ? channel != s->only_channel : spicecap_channel_ring_cap(channel) == 0)
        return SPICECAP_OK; /* ryll keeps rings for its six channels only */
    ryll_recorded recorded = s->ryll_rings ? ryll_ring_records(channel, direction) : RYLL_RECORDS_MESSAGE;
    if (recorded == RYLL_RECORDS_NOTHING)
        return SPICECAP_OK;
    if (s->rings[channel] == NULL) {
        s->rings[channel] = spicecap_ring_new(channel, s->ring_cap);
        if (s->rings[channel] == NULL)
            return spicecap_last_status();
        spicecap_ring_set_next_seq(s->rings[channel], s->client_seq, s->server_seq);
    }
    if (recorded == RYLL_RECORDS_MESSAGE)
        return spicecap_ring_record(s->rings[channel], ts_us, direction, msg, len);
    /* The body alone, as playback.rs hands it over: the seq advances by the
     * body's length, and the ring counts the shorter frames. What the
     * message was is kept beside the ring for the manifest. */
    if (len < SPICECAP_MINI_HDR_LEN)
        return spicecap_fail(SPICECAP_ERR_INVALID, "record: a %zu-byte %s message has no mini header", len,
                             spicecap_channel_name(channel));
    if (s->bodies[channel] == NULL)
        s->bodies[channel] = g_array_new(FALSE, FALSE, sizeof(ring_body));
    ring_body body = {.wire_size = (uint32_t)len, .type = message_type(msg, len)};
    g_array_append_val(s->bodies[channel], body);
    return spicecap_ring_record(s->rings[channel], ts_us, direction, msg + SPICECAP_MINI_HDR_LEN,
                                len - SPICECAP_MINI_HDR_LEN);
}

static int emit_live(sink *s, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                     size_t len)
{
    if (s->live[channel] == NULL) {
        s->live[channel] = spicecap_live_writer_open(s->live_dir, channel, s->pcap_options);
        if (s->live[channel] == NULL)
            return spicecap_last_status();
        spicecap_live_writer_set_next_seq(s->live[channel], s->client_seq, s->server_seq);
        s->live_names[channel] = g_strdup_printf("%s.pcap", spicecap_channel_name(channel));
    }
    manifest_message entry = {.ts_us = ts_us, .channel = (uint8_t)channel, .direction = (uint8_t)direction,
                              .type = message_type(msg, len), .wire_size = (uint32_t)len,
                              .seq = spicecap_live_writer_next_seq(s->live[channel], direction),
                              .segments = spicecap_segment_count_for(len), .frame = s->live_frames[channel] + 1,
                              .file = s->live_names[channel]};
    int rc = spicecap_live_writer_record(s->live[channel], ts_us, direction, msg, len);
    if (rc == SPICECAP_OK) {
        s->live_frames[channel] += entry.segments;
        g_array_append_val(s->manifest->messages, entry);
    }
    return rc;
}

/* ---- live capture of socket reads ---------------------------------------
 * ryll writes sent data per message but received data per socket read: a
 * read takes whatever the socket holds, up to its buffer, so a record can
 * end one message and start the next or hold a few bytes of a header. Each
 * read is segmented by segment_payload like a message (seq = base + offset).
 * Reads happen when a received message arrives (sometimes not at once: the
 * client is busy) and at the end of the session; their sizes are drawn from
 * a seeded mix of tiny, small and large reads. */

#define READ_MAX ((size_t)256 << 10) /* ryll's display read buffer */
#define BACKLOG_MAX ((size_t)1 << 20) /* more unread than this and the client reads on */

/* Uniform in [lo, hi) on a log scale, integers only (so the same on every
 * machine): a power of two, then a value inside its octave. */
static size_t log_uniform(synth_prng *rng, unsigned lo_bits, unsigned hi_bits)
{
    unsigned bits = (unsigned)synth_range(rng, lo_bits, hi_bits - 1);
    return (size_t)synth_range(rng, (uint64_t)1 << bits, ((uint64_t)2 << bits) - 1);
}

static size_t draw_read_size(synth_prng *rng)
{
    uint64_t kind = synth_range(rng, 0, 99);
    if (kind < 25)
        return (size_t)synth_range(rng, 1, 64); /* a header, or part of one */
    if (kind < 60)
        return log_uniform(rng, 6, 14); /* 64 B .. 16 KiB */
    return log_uniform(rng, 14, 18);    /* 16 KiB .. 256 KiB */
}

static int reads_open(sink *s, unsigned channel)
{
    reads_channel *c = g_new0(reads_channel, 1);
    c->unread = g_array_new(FALSE, FALSE, sizeof(guint));
    if (s->ryll_live && !ryll_live_writes(channel)) {
        /* ryll reads the channel's socket but has no writer for it (no
         * playback.pcap): the reads are drawn as for any channel, so the
         * other files are those of a session that writes it, and nothing
         * is written or listed. */
        spicecap_flow_init(&c->flow, channel);
        s->reads[channel] = c;
        return SPICECAP_OK;
    }
    s->live_names[channel] = g_strdup_printf("%s.pcap", spicecap_channel_name(channel));
    char *path = g_strdup_printf("%s/%s", s->live_dir, s->live_names[channel]);
    c->pcap = spicecap_pcap_create_live(path, s->pcap_options);
    g_free(path);
    if (c->pcap == NULL) {
        g_free(c);
        return spicecap_last_status();
    }
    spicecap_flow_init(&c->flow, channel);
    spicecap_flow_set_next_seq(&c->flow, s->client_seq, s->server_seq);
    c->track = manifest_track_file(s->manifest, s->live_names[channel], s->snaplen);
    s->reads[channel] = c;
    return SPICECAP_OK;
}

int sink_open_ryll_live(sink *s)
{
    int rc = SPICECAP_OK;
    for (unsigned i = 0; rc == SPICECAP_OK && i < RYLL_LIVE_CHANNEL_COUNT; i++)
        if (s->reads[ryll_live_channels[i]] == NULL)
            rc = reads_open(s, ryll_live_channels[i]);
    return rc;
}

/* Write bytes as one item of ryll's writer (a read, or a sent message):
 * segmented, and each record over the snaplen left out under ryll-compat. */
static int reads_write(sink *s, reads_channel *c, unsigned channel, spicecap_direction direction, uint64_t ts_us,
                       uint64_t off, const uint8_t *data, size_t len)
{
    if (c->pcap == NULL)
        return SPICECAP_OK; /* a channel ryll has no writer for */
    track_file *track = manifest_tracked(s->manifest, c->track);
    uint16_t flowdir = track_flowdir(channel, direction);
    spicecap_segments segments;
    int rc = spicecap_flow_segment(&c->flow, direction, data, len, &segments);
    if (rc != SPICECAP_OK)
        return rc;
    uint32_t seq0 = segments.first->seq;
    for (uint32_t k = 0; rc == SPICECAP_OK && k < spicecap_segments_count(&segments); k++) {
        const spicecap_segment *seg = spicecap_segments_at(&segments, k);
        uint64_t at = off + (uint32_t)(seg->seq - seq0);
        if (s->snaplen_rule && seg->frame_len > s->snaplen) {
            track_dropped(track, TRACK_SNAPLEN, flowdir, at, seg->seq, seg->payload_len, seg->frame_len, 1, ts_us);
            continue;
        }
        rc = spicecap_pcap_write_record(c->pcap, ts_us, seg->frame, seg->frame_len);
        if (rc == SPICECAP_OK)
            track_written(track, flowdir, at, seg->seq, seg->payload_len, seg->frame_len, ts_us);
    }
    spicecap_segments_release(&segments);
    return rc;
}

/* One socket read of n unread bytes (or, once, a read the full queue drops:
 * never written, the seq not advanced). */
static int reads_read(sink *s, reads_channel *c, unsigned channel, uint64_t ts_us, size_t n)
{
    int rc = SPICECAP_OK;
    c->reads++;
    if (s->queue_fault && channel == SPICE_CHANNEL_DISPLAY && c->pcap != NULL && c->reads >= s->queue_fault_read &&
        n >= 64) {
        s->queue_fault = 0;
        track_file *track = manifest_tracked(s->manifest, c->track);
        uint32_t seq = c->flow.next_seq[SPICECAP_DIR_RECEIVED];
        uint32_t records = spicecap_segment_count_for(n);
        track_dropped(track, TRACK_QUEUE, track_flowdir(channel, SPICECAP_DIR_RECEIVED), c->rx_off, seq,
                      (uint32_t)n, (uint32_t)(n + (size_t)records * SPICECAP_FRAME_HDR_LEN), records, ts_us);
        manifest_fault fault = {.kind = FAULT_QUEUE_OVERFLOW,
                                .message = g_array_index(c->unread, guint, 0),
                                .frame = track->written + 1,
                                .seq = seq};
        snprintf(fault.detail, sizeof fault.detail,
                 "read %" PRIu64 " (%zu bytes at stream offset %" PRIu64 ") never written; the bytes after it take "
                 "its seq",
                 c->reads, n, c->rx_off);
        g_array_append_val(s->manifest->faults, fault);
    } else {
        rc = reads_write(s, c, channel, SPICECAP_DIR_RECEIVED, ts_us, c->rx_off, c->buf + c->head, n);
    }
    c->head += n;
    c->len -= n;
    c->rx_off += n;
    /* Forget the messages this read finished. */
    guint done = 0;
    while (done < c->unread->len) {
        const manifest_message *m =
            &g_array_index(s->manifest->messages, manifest_message, g_array_index(c->unread, guint, done));
        if (m->off + m->wire_size > c->rx_off)
            break;
        done++;
    }
    if (done)
        g_array_remove_range(c->unread, 0, done);
    return rc;
}

/* Reads of drawn sizes, until the socket is empty or the client stops (it
 * does not stop with more than BACKLOG_MAX unread); `now` forces the first. */
static int reads_some(sink *s, reads_channel *c, unsigned channel, uint64_t ts_us, bool drain)
{
    int rc = SPICECAP_OK;
    bool more = drain || c->len > BACKLOG_MAX || synth_range(&s->read_rng, 0, 99) >= 20;
    while (rc == SPICECAP_OK && more && c->len > 0) {
        size_t n = draw_read_size(&s->read_rng);
        if (n > READ_MAX)
            n = READ_MAX;
        if (n > c->len)
            n = c->len;
        rc = reads_read(s, c, channel, ts_us, n);
        more = drain || c->len > BACKLOG_MAX || synth_range(&s->read_rng, 0, 99) < 60;
    }
    return rc;
}

static int emit_reads(sink *s, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                      size_t len)
{
    int rc;
    if (s->reads[channel] == NULL && (rc = reads_open(s, channel)) != SPICECAP_OK)
        return rc;
    reads_channel *c = s->reads[channel];
    s->last_ts_us = ts_us;
    manifest_message entry = {.ts_us = ts_us, .channel = (uint8_t)channel, .direction = (uint8_t)direction,
                              .type = message_type(msg, len), .wire_size = (uint32_t)len,
                              .file = s->live_names[channel], .flowdir = track_flowdir(channel, direction),
                              .track = c->track};
    bool listed = c->pcap != NULL; /* the manifest lists what a file was written for */
    if (direction == SPICECAP_DIR_SENT) {
        entry.off = c->tx_off;
        if (listed)
            g_array_append_val(s->manifest->messages, entry);
        rc = reads_write(s, c, channel, direction, ts_us, c->tx_off, msg, len);
        c->tx_off += len;
        return rc;
    }
    if (direction != SPICECAP_DIR_RECEIVED)
        return spicecap_fail(SPICECAP_ERR_INVALID, "record: direction %d is neither sent nor received", (int)direction);
    /* The message arrives in the socket. */
    if (c->head > 0 && c->head >= c->len) {
        memmove(c->buf, c->buf + c->head, c->len);
        c->head = 0;
    }
    if (c->head + c->len + len > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->head + c->len + len)
            cap *= 2;
        uint8_t *grown = realloc(c->buf, cap);
        if (grown == NULL)
            return spicecap_fail(SPICECAP_ERR_NOMEM, "out of memory for %zu unread bytes", cap);
        c->buf = grown;
        c->cap = cap;
    }
    memcpy(c->buf + c->head + c->len, msg, len);
    entry.off = c->rx_off + c->len;
    c->len += len;
    if (listed) {
        guint index = s->manifest->messages->len;
        g_array_append_val(s->manifest->messages, entry);
        g_array_append_val(c->unread, index);
    }
    return reads_some(s, c, channel, ts_us, false);
}

int sink_finish_reads(sink *s)
{
    /* The client reads the rest right after the session's last message. */
    int rc = SPICECAP_OK;
    for (unsigned ch = 0; rc == SPICECAP_OK && ch < SPICECAP_CHANNEL_SLOTS; ch++)
        if (s->reads[ch] != NULL)
            rc = reads_some(s, s->reads[ch], ch, s->last_ts_us + 1, true);
    return rc;
}

int sink_emit(void *opaque, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
              size_t len)
{
    sink *s = opaque;
    if (s->facts)
        session_facts_add(s->facts, ts_us, channel, direction, msg, len);
    switch (s->mode) {
    case SINK_DIRECT:
        return emit_direct(s, ts_us, channel, direction, msg, len);
    case SINK_RINGS:
        return emit_ring(s, ts_us, channel, direction, msg, len);
    case SINK_LIVE:
        return emit_live(s, ts_us, channel, direction, msg, len);
    case SINK_LIVE_READS:
        return emit_reads(s, ts_us, channel, direction, msg, len);
    case SINK_FACTS:
        return SPICECAP_OK;
    }
    return SPICECAP_ERR_INVALID;
}

typedef struct drained {
    const spicecap_entry *entry;
    unsigned ring_order;
    size_t index;
} drained;

static int by_time(const void *a, const void *b)
{
    const drained *x = a, *y = b;
    if (x->entry->ts_us != y->entry->ts_us)
        return x->entry->ts_us < y->entry->ts_us ? -1 : 1;
    if (x->ring_order != y->ring_order)
        return x->ring_order < y->ring_order ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int sink_drain_rings(sink *s, capture_out *out)
{
    spicecap_ring *snapshots[SPICECAP_RING_CHANNEL_COUNT] = {0};
    size_t total = 0;
    int rc = SPICECAP_OK;
    for (unsigned r = 0; r < SPICECAP_RING_CHANNEL_COUNT && rc == SPICECAP_OK; r++) {
        spicecap_ring *ring = s->rings[spicecap_ring_channels[r]];
        if (ring == NULL)
            continue;
        snapshots[r] = spicecap_ring_snapshot(ring);
        if (snapshots[r] == NULL)
            rc = spicecap_last_status();
        else
            total += spicecap_ring_count(snapshots[r]);
    }
    drained *order = rc == SPICECAP_OK ? calloc(total ? total : 1, sizeof *order) : NULL;
    if (rc == SPICECAP_OK && order == NULL)
        rc = spicecap_fail(SPICECAP_ERR_NOMEM, "out of memory for %zu messages", total);
    size_t n = 0;
    for (unsigned r = 0; rc == SPICECAP_OK && r < SPICECAP_RING_CHANNEL_COUNT; r++)
        for (size_t i = 0; snapshots[r] && i < spicecap_ring_count(snapshots[r]); i++)
            order[n++] = (drained){spicecap_ring_entry(snapshots[r], i), r, i};
    if (rc == SPICECAP_OK)
        qsort(order, n, sizeof *order, by_time);
    for (size_t i = 0; rc == SPICECAP_OK && i < n; i++) {
        const spicecap_entry *e = order[i].entry;
        const GArray *bodies = s->bodies[e->channel];
        if (bodies == NULL) {
            rc = capture_out_message(out, e->ts_us, e->channel, e->direction, e->msg_type, e->wire_size, false,
                                     &e->segments);
            continue;
        }
        /* Entry i of the snapshot is the ring's record number evicted + i. */
        uint64_t number = spicecap_ring_evicted(snapshots[order[i].ring_order]) + order[i].index;
        if (number >= bodies->len) {
            rc = spicecap_fail(SPICECAP_ERR_INVALID, "drain: %s ring entry %" PRIu64 " has no recorded body",
                               spicecap_channel_name(e->channel), number);
            break;
        }
        const ring_body *body = &g_array_index(bodies, ring_body, number);
        rc = capture_out_message(out, e->ts_us, e->channel, e->direction, body->type, body->wire_size, true,
                                 &e->segments);
    }
    free(order);
    for (unsigned r = 0; r < SPICECAP_RING_CHANNEL_COUNT; r++)
        spicecap_ring_free(snapshots[r]);
    return rc;
}

int sink_close(sink *s)
{
    int rc = SPICECAP_OK;
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        int closed = spicecap_live_writer_close(s->live[c]);
        if (rc == SPICECAP_OK)
            rc = closed;
        spicecap_ring_free(s->rings[c]);
        g_free(s->live_names[c]);
        if (s->bodies[c] != NULL)
            g_array_free(s->bodies[c], TRUE);
        reads_channel *r = s->reads[c];
        if (r != NULL) {
            closed = r->pcap ? spicecap_pcap_finish(r->pcap) : SPICECAP_OK;
            if (rc == SPICECAP_OK)
                rc = closed;
            free(r->buf);
            g_array_free(r->unread, TRUE);
            g_free(r);
        }
    }
    return rc;
}
