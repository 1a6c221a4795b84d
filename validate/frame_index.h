/* What a record is from its headers (its channel, direction, payload), for
 * the page's timeline and the trigger window, which watch the validator's
 * own pass; and a second, light pass over a capture for the cross-check's
 * CRCs. Only ryll's recorded flows name a channel; the bytes are not checked
 * again (the validator did that). */
#ifndef SPICECAP_VALIDATE_FRAME_INDEX_H
#define SPICECAP_VALIDATE_FRAME_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_reader.h"

/* What one record is, from its headers: channel 0 when it is not one of
 * ryll's recorded flows (or its channel is unknown). */
typedef struct frame_facts {
    uint8_t channel;
    uint8_t direction; /* spicecap_direction */
    uint32_t payload;  /* TCP payload bytes */
    uint32_t seq;      /* the TCP seq of its first payload byte */
    uint32_t payload_offset; /* where the payload starts in the record */
} frame_facts;

/* False when the record is not an Ethernet/IPv4/TCP frame of a recorded flow. */
bool frame_facts_of(const capture_record *r, frame_facts *out);

/* Read every record of path, calling each(ctx, record, facts or NULL).
 * False with *error (g_free it) when the file cannot be opened; a file that
 * breaks part-way ends the pass quietly (the validator reported it). */
bool frame_index_scan(const char *path, void (*each)(void *ctx, const capture_record *r, const frame_facts *f),
                      void *ctx, char **error);

#endif
