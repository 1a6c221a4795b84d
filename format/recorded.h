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

/* ryll's pcap writer (pcap-file 2.0.0 under a 65535-byte snaplen) writes
 * no record longer than the snaplen, and ryll ignores the error: frames of
 * 65536..65549 bytes, TCP payloads of 65482..65495 bytes, are never in the
 * file, though their seq was taken. k such records lost in a row leave a
 * gap of 65482k..65495k bytes. Returns k, or 0 when a gap of len bytes
 * cannot be that loss. */
#define SPICECAP_SNAPLEN_LOST_MIN_PAYLOAD (SPICECAP_RYLL_PCAP_SNAPLEN + 1u - SPICECAP_FRAME_HDR_LEN) /* 65482 */
uint64_t spicecap_snaplen_loss_records(uint64_t gap_len);

/* A file whose header states this snaplen, written by ryll, lacks its
 * records over it: true for ryll's 65535, false for a snaplen that holds
 * every recorded frame and for pcapng's 0 (no limit). */
static inline bool spicecap_snaplen_drops_records(uint32_t snaplen)
{
    return snaplen != 0 && snaplen < SPICECAP_MAX_FRAME_LEN;
}

#endif
