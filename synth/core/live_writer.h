/* ryll's PcapChannelWriter: one pcap per channel in a capture directory
 * (main.pcap, display.pcap, ...), written as messages happen. Every record is
 * handed to the OS as it is written, so a killed process leaves a file that
 * reads back up to its last whole record. */
#ifndef SPICECAP_LIVE_WRITER_H
#define SPICECAP_LIVE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "pcap_out.h"

typedef struct spicecap_live_writer spicecap_live_writer;

/* Create DIR/<channel>.pcap (truncating an old one) and write its header.
 * NULL on failure, with spicecap_last_error() naming the path. */
spicecap_live_writer *spicecap_live_writer_open(const char *dir, unsigned channel,
                                                const spicecap_pcap_options *options);

/* Segment and write one raw SPICE message. Thread-safe. After a write error
 * every later call fails too: a record after a torn one would be garbage. */
int spicecap_live_writer_record(spicecap_live_writer *writer, uint64_t ts_us, spicecap_direction direction,
                                const uint8_t *msg, size_t len);

/* Start the seqs elsewhere than 1000/2000. */
void spicecap_live_writer_set_next_seq(spicecap_live_writer *writer, uint32_t client_seq, uint32_t server_seq);

/* The seq the next message in a direction will start at. */
uint32_t spicecap_live_writer_next_seq(spicecap_live_writer *writer, spicecap_direction direction);

const char *spicecap_live_writer_path(const spicecap_live_writer *writer);

/* Close the file; reports a failure to close (NULL is a no-op). */
int spicecap_live_writer_close(spicecap_live_writer *writer);

#endif
