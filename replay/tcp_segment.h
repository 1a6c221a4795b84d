/* One captured frame's TCP segment: what the replayer needs of a record
 * (addresses, ports, flags, seq, payload), from Ethernet, Linux cooked,
 * raw IP or loopback framing, IPv4 or IPv6. */
#ifndef SPICECAP_REPLAY_TCP_SEGMENT_H
#define SPICECAP_REPLAY_TCP_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_FLAG_SYN 0x02u
#define TCP_FLAG_ACK 0x10u

typedef struct tcp_segment {
    uint8_t src[16], dst[16]; /* network order; IPv4 in the first 4 bytes */
    uint8_t addr_len;         /* 4 or 16 */
    uint16_t sport, dport;
    uint8_t flags;
    uint32_t seq;
    const uint8_t *payload;
    uint32_t len;
} tcp_segment;

/* False when the record is not a TCP segment this reads (another protocol,
 * another link type, or headers that lie about their lengths). */
bool tcp_segment_parse(uint32_t linktype, const uint8_t *data, size_t caplen, tcp_segment *out);

/* The IPv4 source or destination as a host-order number (addr_len 4). */
uint32_t tcp_segment_ipv4(const uint8_t *addr);

#endif
