/* pcap output: the file header and one record per frame.
 *
 * Three ways to open, for the three ways spicecap writes:
 *  - atomic: a finished file or nothing (generator and drain output). Records
 *    go to a temporary file beside the target, renamed over it by
 *    spicecap_pcap_finish(); a failure or spicecap_pcap_discard() removes it.
 *  - live: the file itself, every record handed to the OS by one write as it
 *    is recorded, so a killed process leaves at most its last record torn.
 *  - fd: buffered output to a descriptor the caller owns (stdout). */
#ifndef SPICECAP_PCAP_OUT_H
#define SPICECAP_PCAP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spicecap_pcap_options {
    /* ryll's exact header: big-endian, microsecond, snaplen 65535 (below
     * its own 65549-byte frames). Otherwise little-endian, snaplen 262144. */
    bool ryll_compat;
} spicecap_pcap_options;

typedef struct spicecap_pcap_writer spicecap_pcap_writer;

/* Each returns NULL on failure, with spicecap_last_error() naming the path. */
spicecap_pcap_writer *spicecap_pcap_create_atomic(const char *path, const spicecap_pcap_options *options);
spicecap_pcap_writer *spicecap_pcap_create_live(const char *path, const spicecap_pcap_options *options);
spicecap_pcap_writer *spicecap_pcap_create_fd(int fd, const char *name, const spicecap_pcap_options *options);

/* One record of len bytes at ts_us microseconds since session start. */
int spicecap_pcap_write_record(spicecap_pcap_writer *writer, uint64_t ts_us, const uint8_t *frame, uint32_t len);

/* A record whose header claims len bytes of which only the first kept
 * follow: the torn last record a killed writer leaves. Exists so that the
 * generator can produce such files for the validator's tests. */
int spicecap_pcap_write_torn_record(spicecap_pcap_writer *writer, uint64_t ts_us, const uint8_t *frame, uint32_t len,
                                    uint32_t kept);

/* Bytes written so far, header included. */
uint64_t spicecap_pcap_bytes_written(const spicecap_pcap_writer *writer);

/* Flush and close; an atomic file is renamed into place. Frees the writer
 * even on failure (an atomic file is then removed). */
int spicecap_pcap_finish(spicecap_pcap_writer *writer);

/* Close without finishing; an atomic file is removed. NULL is a no-op. */
void spicecap_pcap_discard(spicecap_pcap_writer *writer);

#endif
