/* What a TCP conversation that ryll did not record is to spicecap, decided
 * once per conversation: a real SPICE connection seen from its link header,
 * or something else (handed on). For real connections the link stage is
 * walked by the shared stage rules (format/spice_walker.h), one stage per
 * PDU, and the stage of every PDU is remembered so that Wireshark's later
 * passes over a frame frame it the same way. */
#ifndef SPICECAP_PLUGIN_SESSION_H
#define SPICECAP_PLUGIN_SESSION_H

#include <epan/packet.h>
#include <stdbool.h>

#include "format.h"
#include "spice_walker.h"

typedef enum session_kind {
    SESSION_OTHER, /* not SPICE, or not from its start: handed on */
    SESSION_REAL,  /* a real connection, from its REDQ link header */
} session_kind;

typedef struct spicecap_session {
    session_kind kind;
    address client;
    guint32 client_port;
    spicecap_link_state link; /* first pass only: where each direction stands */
} spicecap_session;

/* The conversation's session for a flow that is not recorded, made on the
 * first pass from its first payload: REAL when the payload starts with a
 * link header, OTHER otherwise. NULL on a later pass for a conversation the
 * first pass never reached. */
spicecap_session *spicecap_session_get(tvbuff_t *tvb, packet_info *pinfo, int proto);

spicecap_direction spicecap_session_direction(const spicecap_session *s, const packet_info *pinfo);

/* The stage of the PDU that starts at offset of tvb: on the first pass the
 * direction's current stage (resolved and remembered), later the stage
 * remembered for it. */
spicecap_stage spicecap_session_stage(spicecap_session *s, tvbuff_t *tvb, int offset, packet_info *pinfo, int proto);

/* First pass: pdu, read whole at stage, moves its direction (and, for a
 * refused link or SASL, both) to the next stage. */
void spicecap_session_pdu_done(spicecap_session *s, spicecap_direction d, spicecap_stage stage, tvbuff_t *pdu);

/* A link header at offset with the magic and a believable body size. */
bool spicecap_link_header_plausible(tvbuff_t *tvb, int offset);

/* The PDU's length at stage, from its first spicecap_stage_fixed_len()
 * bytes at offset (which the caller has made sure are there); unframeable
 * bytes run to the end of tvb. */
guint spicecap_session_pdu_len(spicecap_stage stage, tvbuff_t *tvb, int offset);

#endif
