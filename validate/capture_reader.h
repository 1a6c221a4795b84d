/* Records of one capture file: classic pcap (either byte order, micro- or
 * nanosecond) or pcapng, plain, gzip-compressed or inside a zip. A record is
 * read whole whatever the file's snaplen says: ryll writes 65549-byte frames
 * under a 65535 snaplen, and libpcap 1.10 would cut 14 bytes off them. */
#ifndef SPICECAP_VALIDATE_CAPTURE_READER_H
#define SPICECAP_VALIDATE_CAPTURE_READER_H

#include <stdbool.h>
#include <stdint.h>

/* Larger records are not believed: the file is corrupt from there on. */
#define CAPTURE_MAX_CAPLEN ((uint32_t)16 << 20)

typedef struct capture_record {
    uint64_t number; /* 1-based, as Wireshark numbers frames */
    uint64_t ts_ns;
    uint32_t caplen, origlen;
    uint32_t linktype;
    const uint8_t *data; /* valid until the next call, */
    bool data_lasts;     /* or until the reader is closed (a mapped file's) */
} capture_record;

typedef enum capture_status {
    CAPTURE_RECORD = 1,
    CAPTURE_END = 0,
    CAPTURE_CORRUPT = -1,   /* the rest of the file cannot be read: *message says why and where */
    CAPTURE_TRUNCATED = -2, /* the file ends inside a record or block: *message says where */
} capture_status;

typedef struct capture_reader capture_reader;

/* NULL with *error (g_free it) when the file cannot be read as a capture at
 * all (missing, empty, bad magic, a zip without a capture). */
capture_reader *capture_reader_open(const char *path, char **error);
void capture_reader_close(capture_reader *r);

capture_status capture_reader_next(capture_reader *r, capture_record *record, char **message);

/* "pcap (big-endian, microseconds, snaplen 65535)", "pcapng", with the
 * wrapper ("gzip", "zip entry traffic.pcap") when there is one. */
const char *capture_reader_describe(const capture_reader *r);
uint32_t capture_reader_snaplen(const capture_reader *r);
void capture_reader_progress(const capture_reader *r, uint64_t *done, uint64_t *total);

#endif
