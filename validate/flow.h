/* One direction of one TCP connection as the validator follows it: its seq
 * chain (reassembly.c) and the SPICE messages walked over its bytes
 * (framer.c). Memory per flow is bounded: no message is ever buffered
 * whole, only headers, link-stage bodies (at most 4 KiB) and a few held
 * out-of-order segments. */
#ifndef SPICECAP_VALIDATE_FLOW_H
#define SPICECAP_VALIDATE_FLOW_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "findings.h"
#include "format.h"

typedef struct validation validation;

/* Both directions of a connection share what the link stage decided. */
typedef struct connection {
    int channel;        /* SPICE channel id; 0 until known */
    int mini_offered[2]; /* by direction: SPICECAP_DIR_SENT (client) / RECEIVED (server) */
    int auth_selection[2]; /* SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION offered */
    int caps_known[2];
} connection;

typedef enum framer_mode {
    FRAMER_START,       /* nothing seen yet: decides from the first bytes */
    FRAMER_LINK_HEADER, /* real capture: the 16-byte REDQ header */
    FRAMER_LINK_BODY,   /* real capture: link message or reply */
    FRAMER_TICKET,      /* client: the 128-byte encrypted ticket */
    FRAMER_LINK_RESULT, /* server: the 4-byte link result */
    FRAMER_MESSAGES,    /* data messages with a mini or 18-byte header */
    FRAMER_LOST,        /* after a gap or a bad header: waiting to resync */
    FRAMER_UNFRAMEABLE, /* TLS, or mid-stream without a known header */
} framer_mode;

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
    /* SPICE framing */
    framer_mode mode;
    bool data_header; /* 18-byte data header instead of the mini header */
    uint8_t header[SPICECAP_DATA_HDR_LEN];
    uint32_t header_have, header_need;
    uint8_t *link_body;
    uint32_t link_have, link_need;
    uint64_t body_left;
    bool resync;         /* after a gap: a header is believed only if it names a known message */
    bool segment_start;  /* the next byte fed starts a TCP segment */
    uint32_t segment_len;
    uint32_t last_segment_len; /* payload of the segment before, within this message */
    /* the message being walked */
    uint64_t msg_frame;
    uint32_t msg_seq;
    uint16_t msg_type;
    uint64_t msg_wire;
    uint32_t msg_segments;
    /* per-flow statistics */
    uint64_t messages, message_bytes, largest, multi_segment;
    char *unframeable_reason;
} flow;

#define FLOW_WINDOW ((size_t)64 << 10)

/* reassembly.c: one TCP segment's payload (SYN/FIN accounted). */
void flow_segment(validation *v, flow *f, uint64_t frame, uint32_t seq, uint8_t flags, const uint8_t *payload,
                  uint32_t len);
/* reassembly.c: end of capture: release held segments, report holes. */
void flow_finish(validation *v, flow *f);
void flow_free(flow *f);

/* framer.c: contiguous bytes of the stream, starting a segment when asked. */
void framer_begin_segment(validation *v, flow *f, uint64_t frame, uint32_t seq, uint32_t len);
void framer_feed(validation *v, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len);
/* Bytes from seq will never come: the message in progress is cut. The
 * gap's finding (NULL when it was only counted) is told which message. */
void framer_gap(validation *v, flow *f, uint32_t seq, finding *gap);
void framer_end(validation *v, flow *f);

#endif
