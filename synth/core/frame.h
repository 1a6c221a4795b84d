/* The frame builder: one Ethernet II + IPv4 + TCP frame around a payload,
 * byte for byte as ryll writes it (see format.h). */
#ifndef SPICECAP_FRAME_H
#define SPICECAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* One direction of a TCP flow; addresses are host-order IPv4. */
typedef struct spicecap_tcp_tuple {
    uint32_t src_ip;
    uint16_t src_port;
    uint32_t dst_ip;
    uint16_t dst_port;
} spicecap_tcp_tuple;

/* Frame length for a payload of len bytes (no overflow check). */
static inline size_t spicecap_frame_len(size_t payload_len)
{
    return SPICECAP_FRAME_HDR_LEN + payload_len;
}

/* Build the frame into out (out_cap bytes) and return its length, or a
 * negative spicecap_status. Fails closed, writing nothing useful, when the IP
 * payload (TCP header + payload) would exceed 65515 bytes or out is too small. */
long spicecap_frame_build(uint8_t *out, size_t out_cap, const spicecap_tcp_tuple *tuple, uint32_t seq,
                          uint32_t ack, const uint8_t *payload, size_t len);

#endif
