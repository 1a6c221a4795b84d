/* Per-conversation state of spicecap: which kind of flow it is, and for a
 * real SPICE connection the link stage of each direction, walked by the
 * shared stage rules (the validator's walker applies the same ones).
 *
 * Wireshark dissects frames in order once (the first pass) and then again
 * in any order (a click, a filter, tshark -2). The walk through the link
 * stage happens only on the first pass; each PDU's stage is kept in the
 * frame's proto data under the PDU's offset in its data source, so a later
 * pass frames every PDU exactly as the first did. */
#include "session.h"

#include <epan/conversation.h>
#include <epan/proto_data.h>

#include "link_stage.h"

spicecap_session *spicecap_session_get(tvbuff_t *tvb, packet_info *pinfo, int proto)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    spicecap_session *s = conversation_get_proto_data(conv, proto);
    if (s != NULL || pinfo->fd->visited)
        return s;
    s = wmem_new0(wmem_file_scope(), spicecap_session);
    guint have = tvb_captured_length(tvb) < 4 ? tvb_captured_length(tvb) : 4;
    if (spicecap_stream_classify(tvb_get_ptr(tvb, 0, (gint)have), have) == SPICECAP_START_LINK) {
        /* The client speaks first: whoever sent the link header is it. */
        s->kind = SESSION_REAL;
        copy_address_wmem(wmem_file_scope(), &s->client, &pinfo->src);
        s->client_port = pinfo->srcport;
        spicecap_link_init_real(&s->link);
    } else {
        s->kind = SESSION_OTHER;
    }
    conversation_add_proto_data(conv, proto, s);
    return s;
}

spicecap_direction spicecap_session_direction(const spicecap_session *s, const packet_info *pinfo)
{
    return addresses_equal(&pinfo->src, &s->client) && pinfo->srcport == s->client_port ? SPICECAP_DIR_SENT
                                                                                       : SPICECAP_DIR_RECEIVED;
}

spicecap_stage spicecap_session_stage(spicecap_session *s, tvbuff_t *tvb, int offset, packet_info *pinfo, int proto)
{
    guint32 key = (guint32)(tvb_raw_offset(tvb) + offset);
    void *kept = p_get_proto_data(wmem_file_scope(), pinfo, proto, key);
    if (kept != NULL || pinfo->fd->visited)
        return (spicecap_stage)GPOINTER_TO_UINT(kept);
    spicecap_stage st = spicecap_link_next_stage(&s->link, spicecap_session_direction(s, pinfo));
    p_add_proto_data(wmem_file_scope(), pinfo, proto, key, GUINT_TO_POINTER((guint)st));
    return st;
}

void spicecap_session_pdu_done(spicecap_session *s, spicecap_direction d, spicecap_stage stage, tvbuff_t *pdu)
{
    /* The rules read the whole link-stage PDU, or a message's header. */
    guint len = tvb_captured_length(pdu);
    if (stage == SPICECAP_STAGE_MINI || stage == SPICECAP_STAGE_DATA)
        len = MIN(len, spicecap_stage_fixed_len(stage));
    spicecap_link_pdu_done(&s->link, d, stage, tvb_get_ptr(pdu, 0, (gint)len), len);
}

bool spicecap_link_header_plausible(tvbuff_t *tvb, int offset)
{
    return spicecap_link_header_ok(tvb_get_letohl(tvb, offset),
                                   tvb_get_letohl(tvb, offset + (int)SPICECAP_LINK_HEADER_SIZE_AT));
}

guint spicecap_session_pdu_len(spicecap_stage stage, tvbuff_t *tvb, int offset)
{
    uint64_t len = spicecap_stage_pdu_len(stage, tvb_get_ptr(tvb, offset, (gint)spicecap_stage_fixed_len(stage)));
    if (len == 0) /* unframeable bytes: the rest */
        return (guint)tvb_reported_length_remaining(tvb, offset);
    return len > G_MAXUINT ? G_MAXUINT : (guint)len;
}
