/* The caps offered in the link reply (server_caps.h). */
#include "server_caps.h"

#include <spice/enums.h>
#include <spice/protocol.h>
#include <string.h>

/* Read from the four link replies of kshell-glz.pcap (qemu 7.2,
 * spice-server 0.15.1): common 0xb; main 0xf, display 0x1052, inputs 0x1,
 * cursor none. */
static const struct {
    uint8_t channel;
    uint32_t caps;
} DEFAULT_CHANNEL_CAPS[] = {
    {SPICE_CHANNEL_MAIN,
     1u << SPICE_MAIN_CAP_SEMI_SEAMLESS_MIGRATE | 1u << SPICE_MAIN_CAP_NAME_AND_UUID |
         1u << SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS | 1u << SPICE_MAIN_CAP_SEAMLESS_MIGRATE},
    {SPICE_CHANNEL_DISPLAY,
     1u << SPICE_DISPLAY_CAP_MONITORS_CONFIG | 1u << SPICE_DISPLAY_CAP_STREAM_REPORT |
         1u << SPICE_DISPLAY_CAP_PREF_COMPRESSION | 1u << SPICE_DISPLAY_CAP_PREF_VIDEO_CODEC_TYPE},
    {SPICE_CHANNEL_INPUTS, 1u << SPICE_INPUTS_CAP_KEY_SCANCODE},
};

replay_caps replay_server_caps(const replay_connection *conn, uint8_t channel_type)
{
    replay_caps caps = {0};
    if (conn && conn->link_reply_seen) {
        caps.common = conn->common_caps;
        caps.n_channel = conn->n_channel_caps;
        memcpy(caps.channel, conn->channel_caps, sizeof caps.channel);
        return caps;
    }
    caps.common = 1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION | 1u << SPICE_COMMON_CAP_AUTH_SPICE |
                  1u << SPICE_COMMON_CAP_MINI_HEADER;
    for (size_t i = 0; i < sizeof DEFAULT_CHANNEL_CAPS / sizeof DEFAULT_CHANNEL_CAPS[0]; i++)
        if (DEFAULT_CHANNEL_CAPS[i].channel == channel_type) {
            caps.channel[0] = DEFAULT_CHANNEL_CAPS[i].caps;
            caps.n_channel = 1;
        }
    return caps;
}
