/* The one set of byte readers and writers: unsigned integers read from and
 * stored into unaligned bytes in a stated byte order, whatever the host's. SPICE headers and pcapng are
 * little-endian, Ethernet, IPv4 and TCP big-endian, and a classic pcap is
 * either (its magic says which). */
#ifndef SPICECAP_BYTES_H
#define SPICECAP_BYTES_H

#include <stdbool.h>
#include <stdint.h>

static inline uint16_t spicecap_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t spicecap_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t spicecap_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t spicecap_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The writers of the same: unsigned integers stored into unaligned bytes. */
static inline void spicecap_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static inline void spicecap_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static inline void spicecap_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static inline void spicecap_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* In the byte order of a file that says which it uses. */
static inline uint16_t spicecap_get16(const uint8_t *p, bool big_endian)
{
    return big_endian ? spicecap_be16(p) : spicecap_le16(p);
}

static inline uint32_t spicecap_get32(const uint8_t *p, bool big_endian)
{
    return big_endian ? spicecap_be32(p) : spicecap_le32(p);
}

static inline void spicecap_put16(uint8_t *p, uint16_t v, bool big_endian)
{
    if (big_endian)
        spicecap_put_be16(p, v);
    else
        spicecap_put_le16(p, v);
}

static inline void spicecap_put32(uint8_t *p, uint32_t v, bool big_endian)
{
    if (big_endian)
        spicecap_put_be32(p, v);
    else
        spicecap_put_le32(p, v);
}

#endif
