/* The server's side of the SPICE link stage, which ryll never records: the
 * replayer answers each client itself, with a key of its own (any ticket is
 * accepted) and the capabilities the recorded messages were sent under. */
#ifndef SPICECAP_REPLAY_LINK_SERVER_H
#define SPICECAP_REPLAY_LINK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct replay_link_key replay_link_key;

/* A fresh RSA key pair, its public half ready for SpiceLinkReply. NULL with
 * *error (static text) when OpenSSL cannot make one. */
replay_link_key *replay_link_key_new(const char **error);
void replay_link_key_free(replay_link_key *key);

typedef struct replay_link_client {
    uint32_t connection_id;
    uint8_t channel_type, channel_id;
    uint32_t common_caps; /* the first word */
} replay_link_client;

/* Reads the client's link header and message from FD, answers with a
 * reply offering COMMON_CAPS and the N_CHANNEL_CAPS words at CHANNEL_CAPS,
 * reads the auth mechanism and ticket and accepts it. False with *error
 * (static text) when the client breaks the stage or leaves. */
bool replay_link_serve(int fd, const replay_link_key *key, replay_link_client *client, uint32_t common_caps,
                       const uint32_t *channel_caps, uint32_t n_channel_caps, const char **error);

/* Whole reads and writes on a blocking socket. */
bool replay_read_full(int fd, void *buf, size_t len);
bool replay_write_full(int fd, const void *buf, size_t len);

#endif
