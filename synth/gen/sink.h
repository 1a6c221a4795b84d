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
#include "prng.h"
#include "ring.h"
#include "session_facts.h"

/* SINK_FACTS writes nothing: a bug report without traffic.pcap, whose
 * session runs for its facts alone. */
typedef enum sink_mode { SINK_DIRECT, SINK_RINGS, SINK_LIVE, SINK_LIVE_READS, SINK_FACTS } sink_mode;

/* Live capture of socket reads: one channel's file. Received bytes wait in
 * buf until a read takes them; sent messages are written as they go. */
typedef struct reads_channel {
    spicecap_pcap_writer *pcap;
    spicecap_flow flow;
    uint8_t *buf;
    size_t head, len, cap; /* unread bytes: buf[head, head + len) */
    uint64_t rx_off, tx_off; /* stream offsets: of buf[head], of the next sent byte */
    uint64_t reads;          /* reads written or dropped */
    uint16_t track;          /* the file's log in the manifest */
    GArray *unread;          /* guint: manifest indexes of received messages not yet read whole */
} reads_channel;

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
    int ryll_rings;        /* rings hold what ryll hands them (ryll_records.h), not every message whole */
    /* Rings of bodies without their header: each body's ring_body (its
     * message's type and wire size, which the bytes no longer say), in
     * record order, so a ring entry i is number evicted + i. */
    GArray *bodies[SPICECAP_CHANNEL_SLOTS];
    /* live */
    const char *live_dir;
    const spicecap_pcap_options *pcap_options;
    spicecap_live_writer *live[SPICECAP_CHANNEL_SLOTS];
    uint64_t live_frames[SPICECAP_CHANNEL_SLOTS];
    manifest *manifest;
    session_facts *facts; /* when set, every message emitted is counted there (a bug report's members) */
    char *live_names[SPICECAP_CHANNEL_SLOTS];
    int ryll_live; /* capture.rs's five writers; other channels are read, not written */
    /* live, socket reads */
    reads_channel *reads[SPICECAP_CHANNEL_SLOTS];
    synth_prng read_rng;       /* read sizes and timing: apart from the scenario's own */
    int snaplen_rule;          /* records over the snaplen are not written (ryll-compat) */
    uint32_t snaplen;
    int queue_fault;           /* one display read still to drop */
    uint64_t queue_fault_read; /* the first display read it may hit (1-based) */
    uint64_t last_ts_us;
} sink;

/* What a body recorded alone was, before its header was left off. */
typedef struct ring_body {
    uint32_t wire_size;
    uint16_t type;
} ring_body;

/* Live socket reads as ryll's capture mode: open DIR/<channel>.pcap for
 * each of capture.rs's channels now, before any traffic, as
 * CaptureSession::new does (a channel with no traffic keeps an empty pcap). */
int sink_open_ryll_live(sink *s);

/* scenario_emit-compatible: record one message. */
int sink_emit(void *sink, uint64_t ts_us, unsigned channel, spicecap_direction direction, const uint8_t *msg,
              size_t len);

/* Live socket reads: read what is still unread at the end of the session. */
int sink_finish_reads(sink *s);

/* Rings: write every surviving message of every ring, oldest first across
 * channels (ties in channel order), to out. */
int sink_drain_rings(sink *s, capture_out *out);

/* Close live files and free rings. Returns the first close error. */
int sink_close(sink *s);

#endif
