#include "frame.h"

#include <string.h>

#include "checksum.h"
#include "error.h"
#include "format.h"

_Static_assert(SPICECAP_MAX_FRAME_LEN == 65549, "ryll's largest frame is 65549 bytes");

/* Byte-order-explicit stores the compiler turns into one bswap and store. */
static inline void put_be16(uint8_t *p, uint32_t v)
{
    uint16_t be = (uint16_t)(((v >> 8) & 0xff) | ((v & 0xff) << 8));
    if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
        be = (uint16_t)v;
    memcpy(p, &be, 2);
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    uint32_t be = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? v : __builtin_bswap32(v);
    memcpy(p, &be, 4);
}

static void write_ethernet(uint8_t *eth)
{
    static const uint8_t dst[6] = SPICECAP_ETH_DST_MAC;
    static const uint8_t src[6] = SPICECAP_ETH_SRC_MAC;
    memcpy(eth, dst, 6);
    memcpy(eth + 6, src, 6);
    put_be16(eth + 12, SPICECAP_ETHERTYPE_IPV4);
}

/* The checksums are computed from the header fields arithmetically rather
 * than by summing the written bytes: on small messages the header sums
 * were a fifth of the recording time. Words are big-endian 16-bit values. */
static inline uint32_t words_of(uint32_t v)
{
    return (v >> 16) + (v & 0xffff);
}

static uint16_t fold_complement(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void write_ipv4(uint8_t *ip, const spicecap_tcp_tuple *tuple, size_t ip_payload_len)
{
    uint32_t total_len = (uint32_t)(SPICECAP_IPV4_HDR_LEN + ip_payload_len);
    ip[0] = SPICECAP_IPV4_VERSION_IHL;
    ip[1] = 0; /* DSCP/ECN */
    put_be16(ip + 2, total_len);
    put_be16(ip + 4, 0); /* identification: 0, as ryll writes */
    put_be16(ip + 6, SPICECAP_IPV4_FLAGS_DF);
    ip[8] = SPICECAP_IPV4_TTL;
    ip[9] = SPICECAP_IPPROTO_TCP;
    put_be32(ip + 12, tuple->src_ip);
    put_be32(ip + 16, tuple->dst_ip);
    uint64_t sum = (SPICECAP_IPV4_VERSION_IHL << 8) + total_len + SPICECAP_IPV4_FLAGS_DF +
                   (SPICECAP_IPV4_TTL << 8 | SPICECAP_IPPROTO_TCP) + words_of(tuple->src_ip) +
                   words_of(tuple->dst_ip);
    put_be16(ip + 10, fold_complement(sum));
}

static void write_tcp_header(uint8_t *tcp, const spicecap_tcp_tuple *tuple, uint32_t seq, uint32_t ack)
{
    put_be16(tcp, tuple->src_port);
    put_be16(tcp + 2, tuple->dst_port);
    put_be32(tcp + 4, seq);
    put_be32(tcp + 8, ack);
    tcp[12] = (uint8_t)(SPICECAP_TCP_DATA_OFFSET_WORDS << 4);
    tcp[13] = SPICECAP_TCP_FLAG_ACK;
    put_be16(tcp + 14, SPICECAP_TCP_WINDOW);
    put_be16(tcp + 16, 0); /* checksum, filled in below */
    put_be16(tcp + 18, 0); /* urgent pointer */
}

/* Sum of the TCP pseudo header (addresses, protocol, TCP length) and of the
 * TCP header itself (checksum field 0). */
static uint64_t tcp_header_sum(const spicecap_tcp_tuple *tuple, uint32_t seq, uint32_t ack, size_t tcp_len)
{
    return words_of(tuple->src_ip) + words_of(tuple->dst_ip) + SPICECAP_IPPROTO_TCP + tcp_len + tuple->src_port +
           tuple->dst_port + words_of(seq) + words_of(ack) +
           (SPICECAP_TCP_DATA_OFFSET_WORDS << 12 | SPICECAP_TCP_FLAG_ACK) + SPICECAP_TCP_WINDOW;
}

long spicecap_frame_build(uint8_t *out, size_t out_cap, const spicecap_tcp_tuple *tuple, uint32_t seq,
                          uint32_t ack, const uint8_t *payload, size_t len)
{
    if (out == NULL || tuple == NULL || (payload == NULL && len > 0))
        return spicecap_fail(SPICECAP_ERR_INVALID, "frame_build: null argument");
    if (len > SPICECAP_MAX_SEGMENT_PAYLOAD)
        return spicecap_fail(SPICECAP_ERR_TOO_LARGE,
                             "frame_build: IP payload of %zu bytes exceeds the IPv4 limit of %u bytes",
                             SPICECAP_TCP_HDR_LEN + len, SPICECAP_MAX_IP_PAYLOAD);
    size_t frame_len = spicecap_frame_len(len);
    if (out_cap < frame_len)
        return spicecap_fail(SPICECAP_ERR_INVALID, "frame_build: %zu-byte buffer for a %zu-byte frame", out_cap,
                             frame_len);

    uint8_t *ip = out + SPICECAP_ETH_HDR_LEN;
    uint8_t *tcp = ip + SPICECAP_IPV4_HDR_LEN;
    size_t tcp_len = SPICECAP_TCP_HDR_LEN + len;
    write_ethernet(out);
    write_ipv4(ip, tuple, tcp_len);
    write_tcp_header(tcp, tuple, seq, ack);

    uint64_t sum = tcp_header_sum(tuple, seq, ack, tcp_len);
    if (len > 0) /* payload may be NULL for an empty message */
        sum += spicecap_sum_to_network(spicecap_sum_copy(tcp + SPICECAP_TCP_HDR_LEN, payload, len, 0));
    put_be16(tcp + 16, fold_complement(sum));
    return (long)frame_len;
}
