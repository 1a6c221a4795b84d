/* Reading a record's TCP segment (tcp_segment.h). */
#include "tcp_segment.h"

#include <string.h>

#include "bytes.h"

/* pcap link types (LINKTYPE_*, tcpdump.org's list), the ones captures of
 * SPICE on a host are taken with. */
enum {
    LINKTYPE_NULL = 0,
    LINKTYPE_ETHERNET = 1,
    LINKTYPE_RAW = 101,
    LINKTYPE_LOOP = 108,
    LINKTYPE_LINUX_SLL = 113,
    LINKTYPE_IPV4 = 228,
    LINKTYPE_IPV6 = 229,
    LINKTYPE_LINUX_SLL2 = 276,
};

/* Where the IP header starts, or -1. */
static long ip_offset(uint32_t linktype, const uint8_t *p, size_t caplen)
{
    switch (linktype) {
    case LINKTYPE_ETHERNET: {
        if (caplen < 14)
            return -1;
        uint16_t type = spicecap_be16(p + 12);
        return type == 0x0800 || type == 0x86DD ? 14 : -1;
    }
    case LINKTYPE_LINUX_SLL: return 16;
    case LINKTYPE_LINUX_SLL2: return 20;
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6: return 0;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: return 4;
    default: return -1;
    }
}

bool tcp_segment_parse(uint32_t linktype, const uint8_t *data, size_t caplen, tcp_segment *s)
{
    long at = ip_offset(linktype, data, caplen);
    if (at < 0 || (size_t)at + 20 > caplen)
        return false;
    const uint8_t *p = data + at;
    size_t room = caplen - (size_t)at, ip_len, total;
    if ((p[0] >> 4) == 4) {
        ip_len = (size_t)(p[0] & 15) * 4;
        total = spicecap_be16(p + 2);
        if (p[9] != 6 || ip_len < 20 || total < ip_len || total > room)
            return false;
        s->addr_len = 4;
        memcpy(s->src, p + 12, 4), memcpy(s->dst, p + 16, 4);
    } else if ((p[0] >> 4) == 6 && room >= 40) {
        ip_len = 40; /* no extension headers: SPICE over TCP has none */
        total = 40u + spicecap_be16(p + 4);
        if (p[6] != 6 || total > room)
            return false;
        s->addr_len = 16;
        memcpy(s->src, p + 8, 16), memcpy(s->dst, p + 24, 16);
    } else {
        return false;
    }
    const uint8_t *t = p + ip_len;
    size_t tcp_room = total - ip_len, hdr = (size_t)(t[12] >> 4) * 4;
    if (tcp_room < 20 || hdr < 20 || hdr > tcp_room)
        return false;
    s->sport = spicecap_be16(t), s->dport = spicecap_be16(t + 2);
    s->seq = spicecap_be32(t + 4);
    s->flags = t[13];
    s->payload = t + hdr;
    s->len = (uint32_t)(tcp_room - hdr);
    return true;
}

uint32_t tcp_segment_ipv4(const uint8_t *addr)
{
    return spicecap_be32(addr);
}
