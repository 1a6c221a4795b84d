/* What a TCP conversation that ryll did not record is to spicecap, decided
 * once per conversation: a real SPICE connection seen from its link header,
 * or something else (handed on). For real connections it walks the
 * link stage, one stage per PDU, and remembers the stage of every PDU so
 * that Wireshark's later passes over a frame frame it the same way. */
#ifndef SPICECAP_PLUGIN_SESSION_H
#define SPICECAP_PLUGIN_SESSION_H

#include <epan/packet.h>
#include <stdbool.h>

#include "format.h"

typedef enum session_kind {
    SESSION_OTHER, /* not SPICE, or not from its start: handed on */
    SESSION_REAL,  /* a real connection, from its REDQ link header */
} session_kind;

/* What the next bytes of one direction are. */
typedef enum pdu_stage {
    STAGE_NONE = 0,       /* nothing recorded for this PDU (a later pass that missed it) */
    STAGE_LINK,           /* link header + link message (client) or reply (server) */
    STAGE_AUTH_MECHANISM, /* client: SpiceLinkAuthMechanism */
    STAGE_TICKET,         /* client: the encrypted ticket */
    STAGE_LINK_RESULT,    /* server: the u32 link result */
    STAGE_MINI,           /* data messages with the 6-byte mini header */
    STAGE_DATA,           /* data messages with the 18-byte data header */
    STAGE_UNFRAMEABLE,    /* refused link, SASL, a header past the sane bound: bytes only */
    /* Internal: the client's next stage after its link message, decided by
     * the server's reply (auth selection), and the data messages, decided
     * by both sides' capabilities. */
    STAGE_AFTER_CLIENT_LINK,
    STAGE_MESSAGES,
} pdu_stage;

typedef struct spicecap_session {
    session_kind kind;
    address client;
    guint32 client_port;
    guint8 channel; /* from the client's link message */
    guint32 common_caps[2];     /* by direction: the first common capability word */
    bool caps_known[2];
    pdu_stage next[2]; /* first pass only: where each direction stands */
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
pdu_stage spicecap_session_stage(spicecap_session *s, tvbuff_t *tvb, int offset, packet_info *pinfo, int proto);

/* First pass: pdu, read whole at stage, moves its direction (and, for a
 * refused link or SASL, both) to the next stage. */
void spicecap_session_pdu_done(spicecap_session *s, spicecap_direction d, pdu_stage stage, tvbuff_t *pdu);

/* A link header at offset with the magic and a believable body size. */
bool spicecap_link_header_plausible(tvbuff_t *tvb, int offset);

/* Bytes needed before the PDU's length is known, and its length. */
guint spicecap_stage_fixed_len(pdu_stage stage);
guint spicecap_stage_pdu_len(pdu_stage stage, tvbuff_t *tvb, int offset);

#endif
