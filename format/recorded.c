#include "recorded.h"

#include <spice/enums.h>

#include "channels.h"

bool spicecap_recorded_flow(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
    return (src_ip == SPICECAP_SERVER_IP && src_port == SPICECAP_SERVER_PORT && dst_ip == SPICECAP_CLIENT_IP) ||
           (dst_ip == SPICECAP_SERVER_IP && dst_port == SPICECAP_SERVER_PORT && src_ip == SPICECAP_CLIENT_IP);
}

spicecap_direction spicecap_recorded_direction(uint16_t src_port)
{
    return src_port == SPICECAP_SERVER_PORT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
}

unsigned spicecap_recorded_channel(uint16_t client_port)
{
    unsigned channel = spicecap_channel_from_client_port(client_port);
    if (channel)
        return channel;
    return client_port == SPICECAP_CLIENT_PORT_OTHER ? SPICE_CHANNEL_PLAYBACK : 0;
}

uint64_t spicecap_snaplen_loss_records(uint64_t gap_len)
{
    /* The smallest k whose range can reach gap_len; it fits when the
     * range's floor is not past it. (Ranges overlap only from k = 5037 on,
     * over 300 MiB of loss in one run; the smallest k is the answer then.) */
    uint64_t k = (gap_len + SPICECAP_MAX_SEGMENT_PAYLOAD - 1) / SPICECAP_MAX_SEGMENT_PAYLOAD;
    if (k == 0 || k * SPICECAP_SNAPLEN_LOST_MIN_PAYLOAD > gap_len)
        return 0;
    return k;
}
