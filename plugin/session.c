/* Per-conversation state of spicecap: which kind of flow it is, and for a
 * real SPICE connection the link stage of each direction.
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
#include "ws_compat.h"

spicecap_session *spicecap_session_get(tvbuff_t *tvb, packet_info *pinfo, int proto)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    spicecap_session *s = conversation_get_proto_data(conv, proto);
    if (s != NULL || pinfo->fd->visited)
        return s;
    s = wmem_new0(wmem_file_scope(), spicecap_session);
    if (tvb_bytes_exist(tvb, 0, 4) && tvb_get_letohl(tvb, 0) == SPICECAP_LINK_MAGIC) {
        /* The client speaks first: whoever sent the link header is it. */
        s->kind = SESSION_REAL;
        copy_address_wmem(wmem_file_scope(), &s->client, &pinfo->src);
        s->client_port = pinfo->srcport;
        s->next[SPICECAP_DIR_SENT] = s->next[SPICECAP_DIR_RECEIVED] = STAGE_LINK;
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

static bool offered(const spicecap_session *s, spicecap_direction d, unsigned cap)
{
    return s->caps_known[d] && (s->common_caps[d] >> cap & 1u);
}

/* The stages that depend on what the other side said. */
static pdu_stage resolve(const spicecap_session *s, spicecap_direction d)
{
    pdu_stage st = s->next[d];
    if (st == STAGE_AFTER_CLIENT_LINK)
        return offered(s, SPICECAP_DIR_SENT, SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION) &&
                       offered(s, SPICECAP_DIR_RECEIVED, SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION)
                   ? STAGE_AUTH_MECHANISM
                   : STAGE_TICKET;
    if (st == STAGE_MESSAGES) {
        /* A side whose link message was not seen is taken to agree. */
        spicecap_direction other = d == SPICECAP_DIR_SENT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
        bool mine = offered(s, d, SPICE_COMMON_CAP_MINI_HEADER);
        bool theirs = s->caps_known[other] ? offered(s, other, SPICE_COMMON_CAP_MINI_HEADER) : mine;
        return mine && theirs ? STAGE_MINI : STAGE_DATA;
    }
    return st;
}

pdu_stage spicecap_session_stage(spicecap_session *s, tvbuff_t *tvb, int offset, packet_info *pinfo, int proto)
{
    guint32 key = (guint32)(tvb_raw_offset(tvb) + offset);
    void *kept = p_get_proto_data(wmem_file_scope(), pinfo, proto, key);
    if (kept != NULL || pinfo->fd->visited)
        return (pdu_stage)GPOINTER_TO_UINT(kept);
    spicecap_direction d = spicecap_session_direction(s, pinfo);
    pdu_stage st = resolve(s, d);
    s->next[d] = st;
    p_add_proto_data(wmem_file_scope(), pinfo, proto, key, GUINT_TO_POINTER((guint)st));
    return st;
}

/* The body size a mini (STAGE_MINI) or data (STAGE_DATA) header declares. */
static guint32 header_size(pdu_stage stage, tvbuff_t *tvb, int offset)
{
    return tvb_get_letohl(tvb, offset + (int)(stage == STAGE_MINI ? SPICECAP_MINI_HDR_SIZE_AT : SPICECAP_DATA_HDR_SIZE_AT));
}

static void stop_both(spicecap_session *s)
{
    s->next[SPICECAP_DIR_SENT] = s->next[SPICECAP_DIR_RECEIVED] = STAGE_UNFRAMEABLE;
}

/* The link message (client) or reply (server): channel and capabilities. */
static void link_done(spicecap_session *s, spicecap_direction d, tvbuff_t *body)
{
    guint32 count_at, offset_at;
    if (d == SPICECAP_DIR_SENT) {
        if (tvb_bytes_exist(body, SPICECAP_LINK_MESS_CHANNEL_TYPE_AT, 1))
            s->channel = tvb_get_uint8(body, SPICECAP_LINK_MESS_CHANNEL_TYPE_AT);
        count_at = SPICECAP_LINK_MESS_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_MESS_CAPS_OFFSET_AT;
        s->next[d] = STAGE_AFTER_CLIENT_LINK;
    } else {
        count_at = SPICECAP_LINK_REPLY_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_REPLY_CAPS_OFFSET_AT;
        /* A refused link is the server's last word on this connection. */
        bool refused = !tvb_bytes_exist(body, 0, 4) || tvb_get_letohl(body, 0) != SPICE_LINK_ERR_OK;
        s->next[d] = STAGE_LINK_RESULT;
        if (refused)
            stop_both(s);
    }
    s->common_caps[d] = 0;
    if (tvb_bytes_exist(body, offset_at, 4) && tvb_get_letohl(body, count_at) > 0) {
        guint32 at = tvb_get_letohl(body, offset_at);
        if (tvb_bytes_exist(body, at, 4))
            s->common_caps[d] = tvb_get_letohl(body, at);
    }
    s->caps_known[d] = true;
}

void spicecap_session_pdu_done(spicecap_session *s, spicecap_direction d, pdu_stage stage, tvbuff_t *pdu)
{
    guint32 value = tvb_bytes_exist(pdu, 0, 4) ? tvb_get_letohl(pdu, 0) : 0;
    switch (stage) {
    case STAGE_LINK:
        /* A bad magic or size leaves the header alone: nothing after it can be framed. */
        if (spicecap_stage_pdu_len(stage, pdu, 0) == SPICECAP_LINK_HEADER_LEN)
            s->next[d] = STAGE_UNFRAMEABLE;
        else
            link_done(s, d, tvb_new_subset_remaining(pdu, SPICECAP_LINK_HEADER_LEN));
        break;
    case STAGE_AUTH_MECHANISM:
        /* SASL's exchange is not framed by SPICE headers: stop at it. */
        if (value == SPICE_COMMON_CAP_AUTH_SASL)
            stop_both(s);
        else
            s->next[d] = STAGE_TICKET;
        break;
    case STAGE_TICKET:
        s->next[d] = STAGE_MESSAGES;
        break;
    case STAGE_LINK_RESULT:
        if (value != SPICE_LINK_ERR_OK)
            stop_both(s);
        else
            s->next[d] = STAGE_MESSAGES;
        break;
    case STAGE_MINI:
    case STAGE_DATA:
        /* A header past the sane bound was shown alone: the stream after it
         * cannot be trusted to start a message. */
        if (header_size(stage, pdu, 0) > SPICECAP_SANE_MESSAGE_SIZE)
            s->next[d] = STAGE_UNFRAMEABLE;
        break;
    default:
        break;
    }
}

guint spicecap_stage_fixed_len(pdu_stage stage)
{
    switch (stage) {
    case STAGE_LINK:
        return SPICECAP_LINK_HEADER_LEN;
    case STAGE_AUTH_MECHANISM:
        return SPICECAP_LINK_AUTH_MECHANISM_LEN;
    case STAGE_TICKET:
        return SPICECAP_LINK_TICKET_LEN;
    case STAGE_LINK_RESULT:
        return SPICECAP_LINK_RESULT_LEN;
    case STAGE_MINI:
        return SPICECAP_MINI_HDR_LEN;
    case STAGE_DATA:
        return SPICECAP_DATA_HDR_LEN;
    default:
        return 1;
    }
}

bool spicecap_link_header_plausible(tvbuff_t *tvb, int offset)
{
    return spicecap_link_header_ok(tvb_get_letohl(tvb, offset),
                                   tvb_get_letohl(tvb, offset + (int)SPICECAP_LINK_HEADER_SIZE_AT));
}

guint spicecap_stage_pdu_len(pdu_stage stage, tvbuff_t *tvb, int offset)
{
    guint32 size;
    switch (stage) {
    case STAGE_LINK:
        /* A bad magic or an implausible size: the header alone, flagged. */
        if (!spicecap_link_header_plausible(tvb, offset))
            return SPICECAP_LINK_HEADER_LEN;
        return SPICECAP_LINK_HEADER_LEN + tvb_get_letohl(tvb, offset + (int)SPICECAP_LINK_HEADER_SIZE_AT);
    case STAGE_MINI:
    case STAGE_DATA:
        size = header_size(stage, tvb, offset);
        return spicecap_stage_fixed_len(stage) + (size > SPICECAP_SANE_MESSAGE_SIZE ? 0 : size);
    case STAGE_NONE:
    case STAGE_UNFRAMEABLE:
        return (guint)tvb_reported_length_remaining(tvb, offset);
    default:
        return spicecap_stage_fixed_len(stage);
    }
}
