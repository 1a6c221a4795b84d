/* Independent readers for the core tests: they decode frames and pcaps from
 * the bytes alone (with the format library's byte readers, bytes.h), so a
 * test checks the writer against the format, not against itself. */
#ifndef SPICECAP_TEST_SUPPORT_H
#define SPICECAP_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/* RFC 1071 the textbook way: big-endian 16-bit words, 32-bit sum, folded. */
uint16_t reference_checksum(const uint8_t *data, size_t len, uint32_t initial);

/* True when the frame's IPv4 header checksum and TCP checksum verify. */
bool frame_checksums_ok(const uint8_t *frame, size_t len);

typedef struct pcap_record {
    uint32_t ts_sec, ts_usec, caplen, origlen;
    const uint8_t *data;
} pcap_record;

typedef struct pcap_file {
    uint8_t *bytes;
    size_t size;
    bool big_endian;
    uint32_t snaplen, linktype;
    pcap_record *records;
    size_t count;
} pcap_file;

/* Read a whole classic pcap; false (with a CUnit-visible message on stderr)
 * on anything malformed. */
bool read_pcap(const char *path, pcap_file *out);
void free_pcap(pcap_file *file);

/* A fresh empty directory under $TMPDIR; the caller removes it. */
char *make_temp_dir(void);
void remove_tree(const char *path);

/* Deterministic message bytes: a mini header (type, size) and a body. */
uint8_t *make_message(uint16_t type, uint32_t body_len, uint32_t seed, size_t *len_out);

#endif
