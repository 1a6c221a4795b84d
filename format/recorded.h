/* ryll's recorded convention: which flows follow it, and what their ports
 * say. One definition for the validator and the Wireshark plugin. Plain C:
 * addresses are host-order IPv4, ports host-order. */
#ifndef SPICECAP_RECORDED_H
#define SPICECAP_RECORDED_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

/* A flow (one direction of a TCP connection) follows the convention when its
 * server end is 10.0.0.2:5900 and its client 10.0.0.1. */
bool spicecap_recorded_flow(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port);

/* The direction of a recorded flow, from its source port: the server's
 * (5900) sends what the client received. */
spicecap_direction spicecap_recorded_direction(uint16_t src_port);

/* The channel a recorded flow's client port stands for, or 0 when it is
 * none of ryll's ports. 10099 is every channel without a port of its own:
 * playback in practice. */
unsigned spicecap_recorded_channel(uint16_t client_port);

#endif
