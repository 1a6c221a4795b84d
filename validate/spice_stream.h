/* The validator's side of the shared SPICE stream walker: it feeds a
 * flow's contiguous bytes and its gaps to the walker, and turns what the
 * walker finds into findings, notes and walked messages, with frames and
 * seq numbers. It knows nothing of the validation that wires it: it
 * reports through stream_report. */
#ifndef SPICECAP_VALIDATE_SPICE_STREAM_H
#define SPICECAP_VALIDATE_SPICE_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "findings.h"
#include "tcp_flow.h"

/* A message walked to its end, as the validator counts it. */
typedef struct walked_message {
    uint64_t frame; /* its first frame */
    uint32_t seq;   /* its first byte's seq */
    uint16_t type;
    uint64_t wire_size;
    uint32_t segments;
    bool body_only; /* a playback body recorded without its header: type unknown, wire_size the body's */
} walked_message;

typedef struct stream_report {
    findings *findings;
    const char *path;    /* the file, for findings */
    bool file_truncated; /* the file ends inside a record: a cut last message is not reported again */
    bool snaplen_rule;   /* the file's snaplen is under ryll's largest frame: records over it were never written */
    void *ctx;
    void (*message)(void *ctx, const flow *f, const walked_message *m);
    /* A message reported before is not whole after all (bytes vanished
     * inside it): it is taken back. */
    void (*retract)(void *ctx, const flow *f, const walked_message *m);
    void (*note)(void *ctx, const char *text);
    /* A message of a type spice-protocol does not name, believed for its
     * size (a newer server); told: the first of its type in a run of the
     * flow's unknown types (to be noted). */
    void (*unknown_type)(void *ctx, const flow *f, const walked_message *m, bool told);
} stream_report;

/* Contiguous bytes of f from seq on, one TCP segment (frame) at a time;
 * lasting: they stay valid until the flow is freed. */
void spice_stream_bytes(const stream_report *r, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data,
                        uint32_t len, bool lasting);
/* missing bytes from seq on will never come; gap is the gap's finding
 * (NULL when only counted), told which message the gap cuts. */
void spice_stream_gap(const stream_report *r, flow *f, uint32_t seq, uint32_t missing, finding *gap);
/* A record of no bytes at seq, in step with the chain (spicecap_walker_empty). */
void spice_stream_empty(const stream_report *r, flow *f, uint64_t frame);
/* The flow's end: a message still open is cut. */
void spice_stream_end(const stream_report *r, flow *f);

#endif
