/* The seq chains of a file's flows: each segment's payload is put in seq
 * order and handed on through callbacks, as TCP hands a dissector its
 * bytes; what cannot be put in order is a finding (gap, overlap, duplicate,
 * out of order, a retransmission that differs). The SPICE walk sits behind
 * the callbacks and is unknown here. */
#ifndef SPICECAP_VALIDATE_REASSEMBLY_H
#define SPICECAP_VALIDATE_REASSEMBLY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "findings.h"
#include "tcp_flow.h"
#include "validate_limits.h"

typedef struct reassembly {
    findings *findings;
    const char *path;    /* the file, for findings */
    uint32_t snaplen;    /* the file's: under 65549, ryll's recorded frames over it were never written */
    uint64_t held_bytes; /* held ahead of holes, over all flows of the file */
    GQueue pending_k2;   /* finding *: 0-byte records whose missing bytes are not yet located */
    void *ctx;
    /* Contiguous bytes of f from seq on: one segment, or its new part.
     * lasting: they are the segment's own bytes and those last until the
     * file is closed (a held segment is the reassembly's copy, freed after). */
    void (*bytes)(void *ctx, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len,
                  bool lasting);
    /* missing bytes from seq on will never come; g is the gap's finding (or
     * the 0-byte record's that explains it), NULL when only counted. */
    void (*gap)(void *ctx, flow *f, uint32_t seq, uint32_t missing, finding *g);
    /* A segment of no payload at the chain's next seq (not a SYN): in a
     * recorded flow, a record of nothing (ryll's empty playback bodies). */
    void (*empty)(void *ctx, flow *f, uint64_t frame, uint32_t seq);
    void (*note)(void *ctx, const char *text);
} reassembly;

/* One TCP segment's payload (SYN/FIN accounted); payload_lasts: its bytes
 * stay valid until the file is closed (capture_record.data_lasts). */
void reassembly_segment(reassembly *v, flow *f, uint64_t frame, uint32_t seq, uint8_t flags, const uint8_t *payload,
                        uint32_t len, bool payload_lasts);
/* End of capture: held segments are released, their holes declared gaps. */
void reassembly_finish(reassembly *v, flow *f);

#endif
