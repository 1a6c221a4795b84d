#include "sink.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

static uint16_t message_type(const uint8_t *msg, size_t len)
{
    return len >= 2 ? (uint16_t)(msg[0] | msg[1] << 8) : 0;
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
    rc = capture_out_message(s->out, ts_us, channel, direction, message_type(msg, len), (uint32_t)len, &segments);
    spicecap_segments_release(&segments);
    return rc;
}

static int emit_ring(sink *s, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                     size_t len)
{
    if (s->only_channel ? channel != s->only_channel : spicecap_channel_ring_cap(channel) == 0)
        return SPICECAP_OK; /* ryll keeps rings for its six channels only */
    if (s->rings[channel] == NULL) {
        s->rings[channel] = spicecap_ring_new(channel, s->ring_cap);
        if (s->rings[channel] == NULL)
            return spicecap_last_status();
        spicecap_ring_set_next_seq(s->rings[channel], s->client_seq, s->server_seq);
    }
    return spicecap_ring_record(s->rings[channel], ts_us, direction, msg, len);
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

int sink_emit(void *opaque, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
              size_t len)
{
    sink *s = opaque;
    switch (s->mode) {
    case SINK_DIRECT:
        return emit_direct(s, ts_us, channel, direction, msg, len);
    case SINK_RINGS:
        return emit_ring(s, ts_us, channel, direction, msg, len);
    case SINK_LIVE:
        return emit_live(s, ts_us, channel, direction, msg, len);
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
        rc = capture_out_message(out, e->ts_us, e->channel, e->direction, e->msg_type, e->wire_size, &e->segments);
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
    }
    return rc;
}
