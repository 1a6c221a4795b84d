/* The recorded TCP flow of one channel: its endpoints and the next seq of
 * each direction, shared by the ring buffer and the live writer. */
#ifndef SPICECAP_FLOW_H
#define SPICECAP_FLOW_H

#include <stdint.h>

#include "format.h"
#include "segment.h"

typedef struct spicecap_flow {
    unsigned channel;
    uint16_t client_port;
    uint32_t next_seq[2]; /* indexed by spicecap_direction */
} spicecap_flow;

/* A flow for the channel with ryll's client port and initial seqs. */
void spicecap_flow_init(spicecap_flow *flow, unsigned channel);

/* Start the seqs elsewhere than 1000/2000 (a resumed session, a wrap test). */
void spicecap_flow_set_next_seq(spicecap_flow *flow, uint32_t client_seq, uint32_t server_seq);

/* Segment one message sent in a direction and advance that direction's seq
 * by its size. Each frame acks everything the other side has sent so far. */
int spicecap_flow_segment(spicecap_flow *flow, spicecap_direction direction, const uint8_t *msg, size_t len,
                          spicecap_segments *out);

#endif
