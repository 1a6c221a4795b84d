/* One capture file being written by the generator: messages go in with
 * their segments, faults are injected on the way, and the manifest records
 * every message and fault where it landed. */
#ifndef SPICECAP_SYNTH_CAPTURE_OUT_H
#define SPICECAP_SYNTH_CAPTURE_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "channels.h"
#include "manifest.h"
#include "pcap_out.h"
#include "segment.h"

typedef struct capture_out {
    spicecap_pcap_writer *pcap;
    const char *file_name; /* as the manifest names it */
    manifest *manifest;
    unsigned faults;         /* FAULT_BIT()s still to inject or always on (k2) */
    uint64_t target_message; /* one-off faults hit the first eligible message from here */
    uint64_t messages;       /* messages written */
    uint64_t frames;         /* records written */
    /* truncate-file holds back the last record to write it torn at the end. */
    uint8_t *held_frame;
    uint32_t held_len;
    uint64_t held_ts;
    bool holding;
    /* Tracked output (ryll-compat): every record logged, the ones over the
     * snaplen left out. Stream offsets come from seqs, unwrapped per flow
     * direction from the first one seen. */
    uint16_t track; /* 0: untracked */
    bool snaplen_rule;
    uint32_t snaplen;
    uint64_t flow_off[SPICECAP_CHANNEL_SLOTS * 2];
    uint32_t flow_seq[SPICECAP_CHANNEL_SLOTS * 2];
    bool flow_seen[SPICECAP_CHANNEL_SLOTS * 2];
} capture_out;

/* Wrap an open writer (which the capture_out then owns). */
void capture_out_init(capture_out *out, spicecap_pcap_writer *pcap, const char *file_name, manifest *manifest,
                      unsigned faults, uint64_t seed);

/* Log every record in the manifest's file `track`; with snaplen_rule, leave
 * out each record longer than snaplen (pcap-file 2.0.0's writer refuses them
 * and ryll ignores the error). No faults with it. */
void capture_out_track(capture_out *out, uint16_t track, bool snaplen_rule, uint32_t snaplen);

/* Write one message: its meta (channel, direction, type, wire size, seq,
 * timestamp) and its frames. headerless: the segments hold its body alone
 * (ryll recorded no mini header), wire_size still counts the header; only
 * tracked outputs have such messages. Returns 0 or a negative
 * spicecap_status. */
int capture_out_message(capture_out *out, uint64_t ts_us, unsigned channel, unsigned direction, uint16_t type,
                        uint32_t wire_size, bool headerless, const spicecap_segments *segments);

/* Write what is held back, finish the file; on failure the file is gone. */
int capture_out_finish(capture_out *out);
void capture_out_discard(capture_out *out);

#endif
