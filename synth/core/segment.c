#include "segment.h"

#include <stdlib.h>

#include "error.h"
#include "format.h"

/* Small frames (acks, input events, pings: most messages by count) all get
 * one allocation size. A ring frees one old frame per new one; with one size
 * class malloc hands back the block just freed, still in cache, instead of
 * a block from another size's bin that has gone cold. Costs at most 100
 * bytes per small message. */
#define SMALL_SEGMENT_ALLOCATION 160u

static spicecap_segment *build_segment(const spicecap_tcp_tuple *tuple, uint32_t seq, uint32_t ack,
                                       const uint8_t *data, size_t len)
{
    size_t frame_len = spicecap_frame_len(len);
    size_t allocation = sizeof(spicecap_segment) + frame_len;
    if (allocation < SMALL_SEGMENT_ALLOCATION)
        allocation = SMALL_SEGMENT_ALLOCATION;
    spicecap_segment *segment = malloc(allocation);
    if (segment == NULL) {
        spicecap_fail(SPICECAP_ERR_NOMEM, "segment_payload: out of memory for a %zu-byte frame", frame_len);
        return NULL;
    }
    if (spicecap_frame_build(segment->frame, frame_len, tuple, seq, ack, data, len) < 0) {
        free(segment);
        return NULL;
    }
    atomic_init(&segment->refs, 1);
    segment->seq = seq;
    segment->payload_len = (uint32_t)len;
    segment->frame_len = (uint32_t)frame_len;
    return segment;
}

static void segment_unref(spicecap_segment *segment)
{
    if (segment != NULL && atomic_fetch_sub_explicit(&segment->refs, 1, memory_order_acq_rel) == 1)
        free(segment);
}

int spicecap_segment_payload(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port, uint32_t seq,
                             uint32_t ack, const uint8_t *data, size_t len, spicecap_segments *out)
{
    if (out == NULL || (data == NULL && len > 0))
        return spicecap_fail(SPICECAP_ERR_INVALID, "segment_payload: null argument");
    if (len > UINT32_MAX)
        return spicecap_fail(SPICECAP_ERR_TOO_LARGE,
                             "segment_payload: a %zu-byte message does not fit the 32-bit seq space", len);
    const spicecap_tcp_tuple tuple = {src_ip, src_port, dst_ip, dst_port};
    uint32_t count = spicecap_segment_count_for(len);
    spicecap_segments result = {NULL, NULL, count - 1};
    if (count > 1) {
        result.rest = calloc(count - 1, sizeof *result.rest);
        if (result.rest == NULL)
            return spicecap_fail(SPICECAP_ERR_NOMEM, "segment_payload: out of memory for %u segments", count);
    }
    size_t offset = 0;
    for (uint32_t k = 0; k < count; k++) {
        size_t chunk = len - offset < SPICECAP_MAX_SEGMENT_PAYLOAD ? len - offset : SPICECAP_MAX_SEGMENT_PAYLOAD;
        /* seq + offset wraps mod 2^32, exactly as TCP sequence numbers do. */
        uint32_t segment_seq = (uint32_t)(seq + (uint32_t)offset);
        spicecap_segment *segment = build_segment(&tuple, segment_seq, ack, data ? data + offset : NULL, chunk);
        if (segment == NULL) {
            result.rest_count = k == 0 ? 0 : k - 1;
            if (k > 0)
                spicecap_segments_release(&result);
            else
                free(result.rest);
            return SPICECAP_ERR_NOMEM;
        }
        if (k == 0)
            result.first = segment;
        else
            result.rest[k - 1] = segment;
        offset += chunk;
    }
    *out = result;
    return SPICECAP_OK;
}

size_t spicecap_segments_bytes(const spicecap_segments *s)
{
    size_t bytes = 0;
    for (uint32_t i = 0; i < spicecap_segments_count(s); i++)
        bytes += spicecap_segments_at(s, i)->frame_len;
    return bytes;
}

int spicecap_segments_share(const spicecap_segments *s, spicecap_segments *copy)
{
    spicecap_segment **rest = NULL;
    if (s->rest_count > 0) {
        rest = malloc(s->rest_count * sizeof *rest);
        if (rest == NULL)
            return spicecap_fail(SPICECAP_ERR_NOMEM, "snapshot: out of memory for %u segment references",
                                 s->rest_count);
    }
    for (uint32_t i = 0; i < spicecap_segments_count(s); i++) {
        spicecap_segment *segment = (spicecap_segment *)spicecap_segments_at(s, i);
        atomic_fetch_add_explicit(&segment->refs, 1, memory_order_relaxed);
        if (i > 0)
            rest[i - 1] = segment;
    }
    copy->first = s->first;
    copy->rest = rest;
    copy->rest_count = s->rest_count;
    return SPICECAP_OK;
}

void spicecap_segments_release(spicecap_segments *s)
{
    if (s == NULL || s->first == NULL)
        return;
    segment_unref(s->first);
    for (uint32_t i = 0; i < s->rest_count; i++)
        segment_unref(s->rest[i]);
    free(s->rest);
    s->first = NULL;
    s->rest = NULL;
    s->rest_count = 0;
}
