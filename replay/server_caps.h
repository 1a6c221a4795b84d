/* The capabilities the replayer offers in its link reply when the recording
 * holds no link stage (ryll records none): those of the server most ryll
 * sessions talk to, Debian 12's qemu 7.2 with spice-server 0.15.1, as its
 * link replies in ../shared/replay/kshell-glz.pcap state them. The
 * recorded messages were encoded under the caps the real server and ryll
 * agreed; these make a client accept the same encodings. */
#ifndef SPICECAP_REPLAY_SERVER_CAPS_H
#define SPICECAP_REPLAY_SERVER_CAPS_H

#include <stdint.h>

#include "recording.h"

typedef struct replay_caps {
    uint32_t common;
    uint32_t channel[REPLAY_MAX_CHANNEL_CAPS];
    uint32_t n_channel;
} replay_caps;

/* The caps to offer a client linking CHANNEL_TYPE: the recorded server's
 * when CONN (may be NULL) holds its link reply, else the defaults. */
replay_caps replay_server_caps(const replay_connection *conn, uint8_t channel_type);

#endif
