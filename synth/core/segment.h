/* segment_payload: the one place a SPICE message is split into TCP frames.
 * The ring buffer and the live writer both use it; nothing else segments. */
#ifndef SPICECAP_SEGMENT_H
#define SPICECAP_SEGMENT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "frame.h"

/* One complete frame, reference-counted so that snapshots of a ring share
 * the bytes instead of copying them. Immutable once built. */
typedef struct spicecap_segment {
    atomic_uint refs;
    uint32_t seq;         /* TCP seq of the first payload byte */
    uint32_t payload_len; /* TCP payload bytes in this frame */
    uint32_t frame_len;   /* bytes in frame[] */
    uint8_t frame[];
} spicecap_segment;

/* The frames of one message: the first plus any additional ones. */
typedef struct spicecap_segments {
    spicecap_segment *first;
    spicecap_segment **rest; /* NULL when rest_count is 0 */
    uint32_t rest_count;
} spicecap_segments;

static inline uint32_t spicecap_segments_count(const spicecap_segments *s)
{
    return 1 + s->rest_count;
}

static inline const spicecap_segment *spicecap_segments_at(const spicecap_segments *s, uint32_t index)
{
    return index == 0 ? s->first : s->rest[index - 1];
}

/* Split data into frames of at most 65495 payload bytes, frame k starting at
 * seq + offset (mod 2^32), all carrying ack. An empty message gives one
 * zero-payload frame. Messages over UINT32_MAX bytes are refused: their seq
 * offsets would alias. On failure nothing is allocated. */
int spicecap_segment_payload(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port, uint32_t seq,
                             uint32_t ack, const uint8_t *data, size_t len, spicecap_segments *out);

/* Sum of frame_len over every frame. */
size_t spicecap_segments_bytes(const spicecap_segments *s);

/* Share every frame: the copy holds its own references. */
int spicecap_segments_share(const spicecap_segments *s, spicecap_segments *copy);

/* Drop this holder's references (frames are freed with their last holder). */
void spicecap_segments_release(spicecap_segments *s);

#endif
