/* Draining a ring into a pcap, and listing it the way a viewer shows it. */
#ifndef SPICECAP_DRAIN_H
#define SPICECAP_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "pcap_out.h"
#include "ring.h"

/* Write every message of the ring as one record per segment, each at its
 * message's timestamp, to an open writer. The ring is snapshotted first, so
 * producers are held up only for the copy, not for the I/O, and the ring
 * keeps its contents. Returns the number of messages written, or a negative
 * spicecap_status. */
long spicecap_ring_drain(spicecap_ring *ring, spicecap_pcap_writer *writer);

/* The same into a new file at path, written atomically: on any failure no
 * file (and no partial file) is left at path. */
long spicecap_ring_drain_to_path(spicecap_ring *ring, const char *path, const spicecap_pcap_options *options);

/* One row per message, never one per segment. */
typedef struct spicecap_listing_row {
    uint64_t ts_us;
    const char *channel;   /* "display" */
    const char *direction; /* "sent" or "received" */
    uint16_t msg_type;
    const char *msg_name; /* NULL when spice-protocol has no name for it */
    uint32_t wire_size;
    uint32_t segment_count;
} spicecap_listing_row;

/* Fill *rows (malloc'd, the caller frees) with the ring's messages, oldest
 * first; returns the count or a negative spicecap_status. */
long spicecap_ring_list(spicecap_ring *ring, spicecap_listing_row **rows);

#endif
