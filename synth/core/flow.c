#include "flow.h"

#include "channels.h"
#include "error.h"

void spicecap_flow_init(spicecap_flow *flow, unsigned channel)
{
    flow->channel = channel;
    flow->client_port = spicecap_client_port(channel);
    flow->next_seq[SPICECAP_DIR_SENT] = SPICECAP_CLIENT_SEQ_BASE;
    flow->next_seq[SPICECAP_DIR_RECEIVED] = SPICECAP_SERVER_SEQ_BASE;
}

void spicecap_flow_set_next_seq(spicecap_flow *flow, uint32_t client_seq, uint32_t server_seq)
{
    flow->next_seq[SPICECAP_DIR_SENT] = client_seq;
    flow->next_seq[SPICECAP_DIR_RECEIVED] = server_seq;
}

int spicecap_flow_segment(spicecap_flow *flow, spicecap_direction direction, const uint8_t *msg, size_t len,
                          spicecap_segments *out)
{
    if (direction != SPICECAP_DIR_SENT && direction != SPICECAP_DIR_RECEIVED)
        return spicecap_fail(SPICECAP_ERR_INVALID, "record: direction %d is neither sent nor received", (int)direction);
    spicecap_direction other = direction == SPICECAP_DIR_SENT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
    uint32_t seq = flow->next_seq[direction];
    uint32_t ack = flow->next_seq[other];
    int rc;
    if (direction == SPICECAP_DIR_SENT)
        rc = spicecap_segment_payload(SPICECAP_CLIENT_IP, flow->client_port, SPICECAP_SERVER_IP,
                                      SPICECAP_SERVER_PORT, seq, ack, msg, len, out);
    else
        rc = spicecap_segment_payload(SPICECAP_SERVER_IP, SPICECAP_SERVER_PORT, SPICECAP_CLIENT_IP,
                                      flow->client_port, seq, ack, msg, len, out);
    if (rc == SPICECAP_OK)
        flow->next_seq[direction] = seq + (uint32_t)len; /* wraps mod 2^32 like TCP */
    return rc;
}
