/* The Internet checksum (RFC 1071) of the IPv4 and TCP headers.
 *
 * Sums are kept in the host's 16-bit word order and only turned into network
 * order when folded (RFC 1071 section 2(B): the sum is byte-order
 * independent), which lets the payload be summed 8 bytes at a time while it
 * is copied into the frame: one pass over the data instead of two. */
#ifndef SPICECAP_CHECKSUM_H
#define SPICECAP_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes at data (starting at an even offset of the summed region)
 * to a running sum. */
uint64_t spicecap_sum_bytes(const uint8_t *data, size_t len, uint64_t sum);

/* Copy len bytes from src to dst and add them to a running sum, in one pass. */
uint64_t spicecap_sum_copy(uint8_t *dst, const uint8_t *src, size_t len, uint64_t sum);

/* Fold a running sum into a 16-bit sum of big-endian words, to be added to
 * sums computed from header field values. */
uint16_t spicecap_sum_to_network(uint64_t sum);

/* Fold a running sum into the checksum field value, in network byte order
 * ready to be stored as two bytes: hi = result >> 8, lo = result & 0xff. */
uint16_t spicecap_sum_finish(uint64_t sum);

#endif
