/* The one definition of the recorded-capture format: every fact about the fake
 * Ethernet/IPv4/TCP framing that ryll writes, used by the recorder, the
 * generator, the validator and the Wireshark plugin alike. */
#ifndef SPICECAP_FORMAT_H
#define SPICECAP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Header sizes of one recorded frame. */
#define SPICECAP_ETH_HDR_LEN 14u
#define SPICECAP_IPV4_HDR_LEN 20u /* IHL 5: no options */
#define SPICECAP_TCP_HDR_LEN 20u  /* data offset 5: no options */
#define SPICECAP_FRAME_HDR_LEN (SPICECAP_ETH_HDR_LEN + SPICECAP_IPV4_HDR_LEN + SPICECAP_TCP_HDR_LEN)

/* IPv4 total length is a u16, so the IP payload (TCP header + data) is at
 * most 65535 - 20 = 65515 bytes, leaving 65495 bytes of TCP payload. */
#define SPICECAP_MAX_IP_TOTAL_LEN 65535u
#define SPICECAP_MAX_IP_PAYLOAD (SPICECAP_MAX_IP_TOTAL_LEN - SPICECAP_IPV4_HDR_LEN)
#define SPICECAP_MAX_SEGMENT_PAYLOAD (SPICECAP_MAX_IP_PAYLOAD - SPICECAP_TCP_HDR_LEN)
#define SPICECAP_MAX_FRAME_LEN (SPICECAP_FRAME_HDR_LEN + SPICECAP_MAX_SEGMENT_PAYLOAD) /* 65549 */

/* Ethernet II addresses: the same pair in both directions, as ryll writes. */
#define SPICECAP_ETH_DST_MAC {0x02, 0x00, 0x00, 0x00, 0x00, 0x02}
#define SPICECAP_ETH_SRC_MAC {0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
#define SPICECAP_ETHERTYPE_IPV4 0x0800u

/* IPv4 header constants. */
#define SPICECAP_IPV4_VERSION_IHL 0x45u
#define SPICECAP_IPV4_FLAGS_DF 0x4000u
#define SPICECAP_IPV4_TTL 64u
#define SPICECAP_IPPROTO_TCP 6u

/* TCP header constants. */
#define SPICECAP_TCP_DATA_OFFSET_WORDS 5u
#define SPICECAP_TCP_FLAG_ACK 0x10u
#define SPICECAP_TCP_WINDOW 65535u

/* Endpoints: host-order IPv4 addresses. */
#define SPICECAP_CLIENT_IP 0x0A000001u /* 10.0.0.1 */
#define SPICECAP_SERVER_IP 0x0A000002u /* 10.0.0.2 */
#define SPICECAP_SERVER_PORT 5900u
#define SPICECAP_CLIENT_PORT_OTHER 10099u /* any channel without its own port */

/* Initial sequence numbers of each direction of every recorded flow. */
#define SPICECAP_CLIENT_SEQ_BASE 1000u
#define SPICECAP_SERVER_SEQ_BASE 2000u

/* SPICE message headers. */
#define SPICECAP_MINI_HDR_LEN 6u  /* u16 type, u32 size, little-endian */
#define SPICECAP_DATA_HDR_LEN 18u /* u64 serial, u16 type, u32 size, u32 sub_list */
/* Where each header keeps its fields. */
#define SPICECAP_MINI_HDR_TYPE_AT 0u
#define SPICECAP_MINI_HDR_SIZE_AT 2u
#define SPICECAP_DATA_HDR_SERIAL_AT 0u
#define SPICECAP_DATA_HDR_TYPE_AT 8u
#define SPICECAP_DATA_HDR_SIZE_AT 10u
#define SPICECAP_DATA_HDR_SUB_LIST_AT 14u
/* A header whose size field says more than this is not believed: no SPICE
 * sender writes such a message, and buffering one would hold that much
 * memory for a stranger's capture. */
#define SPICECAP_SANE_MESSAGE_SIZE ((uint32_t)256 << 20)

/* pcap file constants. */
#define SPICECAP_PCAP_MAGIC_USEC 0xA1B2C3D4u
#define SPICECAP_PCAP_MAGIC_NSEC 0xA1B23C4Du
#define SPICECAP_PCAP_VERSION_MAJOR 2u
#define SPICECAP_PCAP_VERSION_MINOR 4u
#define SPICECAP_PCAP_FILE_HDR_LEN 24u
#define SPICECAP_PCAP_RECORD_HDR_LEN 16u
#define SPICECAP_DLT_EN10MB 1u
/* Our snaplen covers the largest frame we can write (and libpcap's
 * MAXIMUM_SNAPLEN), so libpcap-based readers lose nothing. */
#define SPICECAP_PCAP_SNAPLEN 262144u
/* ryll's header declares 65535 while writing 65549-byte frames. */
#define SPICECAP_RYLL_PCAP_SNAPLEN 65535u

/* Number of frames a message of len bytes needs: at least one. */
static inline uint32_t spicecap_segment_count_for(size_t len)
{
    if (len == 0)
        return 1;
    return (uint32_t)((len + SPICECAP_MAX_SEGMENT_PAYLOAD - 1) / SPICECAP_MAX_SEGMENT_PAYLOAD);
}

/* Direction of a message, named from the client's side as ryll does. */
typedef enum spicecap_direction {
    SPICECAP_DIR_SENT = 0,     /* client -> server */
    SPICECAP_DIR_RECEIVED = 1, /* server -> client */
} spicecap_direction;

/* "sent" or "received", as manifests and listings name a direction. */
static inline const char *spicecap_direction_name(spicecap_direction direction)
{
    return direction == SPICECAP_DIR_SENT ? "sent" : "received";
}

#endif
