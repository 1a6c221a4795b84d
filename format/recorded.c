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
