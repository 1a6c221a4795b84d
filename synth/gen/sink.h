/* Where generated messages go: straight into one capture (every channel's
 * flow in one file), into ryll's ring buffers to be drained later, or into
 * live per-channel files as ryll's capture mode writes them. */
#ifndef SPICECAP_SYNTH_SINK_H
#define SPICECAP_SYNTH_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "capture_out.h"
#include "channels.h"
#include "flow.h"
#include "live_writer.h"
#include "ring.h"

typedef enum sink_mode { SINK_DIRECT, SINK_RINGS, SINK_LIVE } sink_mode;

typedef struct sink {
    sink_mode mode;
    uint32_t client_seq, server_seq; /* where every flow starts */
    /* direct */
    capture_out *out;
    spicecap_flow flows[SPICECAP_CHANNEL_SLOTS];
    unsigned char flow_started[SPICECAP_CHANNEL_SLOTS];
    /* rings */
    spicecap_ring *rings[SPICECAP_CHANNEL_SLOTS];
    unsigned only_channel; /* 0: every ring channel */
    size_t ring_cap;       /* 0: ryll's default per channel */
    /* live */
    const char *live_dir;
    const spicecap_pcap_options *pcap_options;
    spicecap_live_writer *live[SPICECAP_CHANNEL_SLOTS];
    uint64_t live_frames[SPICECAP_CHANNEL_SLOTS];
    manifest *manifest;
    char *live_names[SPICECAP_CHANNEL_SLOTS];
} sink;

/* scenario_emit-compatible: record one message. */
int sink_emit(void *sink, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
              size_t len);

/* Rings: write every surviving message of every ring, oldest first across
 * channels (ties in channel order), to out. */
int sink_drain_rings(sink *s, capture_out *out);

/* Close live files and free rings. Returns the first close error. */
int sink_close(sink *s);

#endif
