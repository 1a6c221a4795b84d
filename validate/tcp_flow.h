/* One direction of one TCP connection as the validator follows it: its seq
 * chain (reassembly.c) and the SPICE stream walked over its bytes
 * (spice_stream.c, on the shared walker). Memory per flow is bounded: no
 * message is ever buffered whole, only headers, link-stage PDUs (at most
 * 4 KiB, while in the link stage) and a few held out-of-order segments. */
#ifndef SPICECAP_VALIDATE_TCP_FLOW_H
#define SPICECAP_VALIDATE_TCP_FLOW_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "spice_walker.h"

/* Both directions of a connection share what the link stage decided. */
typedef struct connection {
    spicecap_link_state link;
} connection;

typedef struct held_segment {
    uint32_t seq;
    uint64_t frame;
    uint8_t *data;
    uint32_t len;
} held_segment;

typedef struct flow {
    char *name; /* "10.0.0.2:5900 -> 10.0.0.1:10002" */
    connection *conn;
    spicecap_direction direction;
    bool recorded; /* ryll's convention: each message starts a segment, nothing is retransmitted */
    /* seq chain */
    bool have_seq;
    uint32_t next_seq;
    uint64_t last_frame; /* the frame that ended at next_seq */
    GQueue held;         /* held_segment *, waiting for the hole before them */
    uint64_t held_bytes;
    uint8_t *window;     /* last WINDOW bytes of the stream (real flows), to compare retransmissions */
    uint64_t stream_bytes;
    /* counters */
    uint64_t segments, payload_bytes, retransmissions, keepalives, uncompared;
    /* the SPICE stream: walker offset 0 is seq stream_seq */
    spicecap_walker walker;
    bool walking;
    uint32_t stream_seq;
    /* The last loss reported (a gap, snaplen loss, bad header or desync):
     * where the walk resumes is added to it once known. */
    struct finding *loss;
    bool have_suspect; /* the walker's SUSPECT message, told in the desync's finding */
    spicecap_walk_message suspect;
    /* The last type spice-protocol does not name that this flow noted (a
     * note per flow and type; a run of one type is noted once without
     * searching the file's notes). */
    bool unknown_noted;
    uint16_t unknown_type;
} flow;

#define FLOW_WINDOW ((size_t)64 << 10)

void flow_free(flow *f);

#endif
