/* ryll's TrafficRingBuffer: the last N bytes of one channel's messages, kept
 * in memory for bug reports and drained into traffic.pcap.
 *
 * One ring per channel, each behind its own lock so producers on different
 * channels never wait for each other. Byte accounting is the sum of
 * frame_len over every segment of every entry; eviction removes whole
 * messages, oldest first, until the total fits the cap. A message larger
 * than the cap on its own is kept alone rather than lost: a bug report
 * wants the newest message most. */
#ifndef SPICECAP_RING_H
#define SPICECAP_RING_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "segment.h"

typedef struct spicecap_entry {
    /* Ordered by size so an entry fills one 64-byte cache line: the entry
     * array is walked cold once per cap cycle, one line per message. */
    uint64_t ts_us;       /* microseconds since session start */
    const char *msg_name; /* spice-protocol's name, NULL when unknown */
    uint64_t bytes;       /* sum of frame_len over the segments: what the cap counts */
    spicecap_segments segments;
    uint32_t wire_size;    /* the whole message, mini header included */
    uint32_t payload_size; /* the body: wire_size minus the mini header */
    uint16_t msg_type;     /* from the mini header; 0 when too short to have one */
    uint8_t channel;
    uint8_t direction; /* a spicecap_direction */
} spicecap_entry;
_Static_assert(sizeof(spicecap_entry) == 64, "one cache line per entry");

typedef struct spicecap_ring spicecap_ring;

/* A ring for a channel id (SPICE_CHANNEL_*) with a byte cap; cap 0 takes
 * ryll's default for the channel. NULL on failure (unknown channel, a
 * channel without a default cap and cap 0, or no memory). */
spicecap_ring *spicecap_ring_new(unsigned channel, size_t cap_bytes);
spicecap_ring *spicecap_ring_new_by_name(const char *channel_name, size_t cap_bytes);
void spicecap_ring_free(spicecap_ring *ring);

/* Record one raw SPICE message (mini header + body). Thread-safe. */
int spicecap_ring_record(spicecap_ring *ring, uint64_t ts_us, spicecap_direction direction, const uint8_t *msg,
                         size_t len);

/* Start the seqs elsewhere than 1000/2000 (a session resumed, a test of wrap). */
void spicecap_ring_set_next_seq(spicecap_ring *ring, uint32_t client_seq, uint32_t server_seq);

/* A copy taken under the lock that shares every segment with the original:
 * later records and evictions in the original leave it untouched. */
spicecap_ring *spicecap_ring_snapshot(spicecap_ring *ring);

unsigned spicecap_ring_channel(const spicecap_ring *ring);
size_t spicecap_ring_cap(const spicecap_ring *ring);
size_t spicecap_ring_total_bytes(spicecap_ring *ring);
size_t spicecap_ring_count(spicecap_ring *ring);
uint64_t spicecap_ring_evicted(spicecap_ring *ring); /* messages evicted so far */

/* Entry index (0 = oldest). The pointer stays valid until the next record
 * into this ring: use it on a snapshot, or while no producer runs. */
const spicecap_entry *spicecap_ring_entry(const spicecap_ring *ring, size_t index);

#endif
