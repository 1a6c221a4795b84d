/* Finding message boundaries again in a recorded stream whose framing was
 * lost: after a seq gap that left the walk at an unknown place, or after a
 * header that cannot be (bytes that vanished under a contiguous seq, as when
 * ryll's writer queue overflows). Plain C, no allocation.
 *
 * The rule: a position is a candidate when the 6 bytes there read as a
 * plausible mini header (a type spice-protocol names on this channel and
 * direction, a size within the sane bound); a candidate is confirmed when
 * the header its size leads to is plausible too. The first candidate to be
 * confirmed wins. On random bytes a position is plausible with probability
 * about (named types / 65536) / 16, below 1e-4 on every channel, so a false
 * confirmation needs two such events chained: under 1e-8 per byte scanned
 * (tests/format/test_resync.c measures it).
 *
 * Cost: every byte is looked at once; at most SPICECAP_RESYNC_CANDIDATES
 * candidates wait at a time (later ones are not taken while all slots wait),
 * so a header at every byte costs a bounded amount per byte, never
 * quadratic time. */
#ifndef SPICECAP_RESYNC_H
#define SPICECAP_RESYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

#define SPICECAP_RESYNC_CANDIDATES 64u

/* A mini header that could begin a message on this channel and direction. */
bool spicecap_mini_header_plausible(unsigned channel, spicecap_direction direction, const uint8_t *head);

typedef struct spicecap_resync_candidate {
    uint64_t start;  /* stream offset of its header */
    uint64_t next;   /* where the header after it must be */
    uint64_t tag;    /* the chunk that held its first byte */
    uint32_t chunks; /* chunks that carried bytes of it */
    uint16_t type;
} spicecap_resync_candidate;

/* What a confirmation found: the first message again (whole: its header
 * and body were all in the scanned bytes), and the header after it, read
 * from the bytes just scanned. */
typedef struct spicecap_resync_found {
    spicecap_resync_candidate first;
    uint64_t second_offset, second_tag;
    uint32_t second_chunks; /* chunks the second header spans (1 or 2, ...) */
    uint8_t second_header[SPICECAP_MINI_HDR_LEN];
} spicecap_resync_found;

typedef struct spicecap_resync {
    unsigned channel;
    spicecap_direction direction;
    uint64_t offset; /* stream offset of the next byte scanned */
    uint8_t window[SPICECAP_MINI_HDR_LEN];
    uint64_t window_tag[SPICECAP_MINI_HDR_LEN];
    unsigned window_len;
    spicecap_resync_candidate candidates[SPICECAP_RESYNC_CANDIDATES];
    unsigned count;
    uint64_t min_next; /* the smallest candidate's next, UINT64_MAX when none */
} spicecap_resync;

/* Start scanning at stream offset (forgetting any earlier candidate). */
void spicecap_resync_start(spicecap_resync *r, unsigned channel, spicecap_direction direction, uint64_t offset);

/* A new chunk begins: every waiting candidate spans one more. */
void spicecap_resync_chunk(spicecap_resync *r);

/* Scan len bytes (the next ones of the stream, from chunk tag). Returns how
 * many were scanned: all of them, or fewer when a boundary was confirmed
 * (then *found says where, and the bytes after the second header are the
 * caller's to walk). */
size_t spicecap_resync_scan(spicecap_resync *r, const uint8_t *data, size_t len, uint64_t tag, bool *confirmed,
                            spicecap_resync_found *found);

/* The earliest candidate whose message ends where the scan stands (the
 * next bytes would be its confirming header), if any. */
bool spicecap_resync_ends_here(const spicecap_resync *r, spicecap_resync_candidate *c);

/* The stream ends at the scan's offset: a candidate whose size reaches
 * exactly there is confirmed too (a chain that ends with the stream).
 * Returns true with *found's first set (second_offset = the end). */
bool spicecap_resync_end(spicecap_resync *r, spicecap_resync_found *found);

#endif
