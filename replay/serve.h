/* The replaying server: a listening socket, and one thread per client
 * connection that answers the link stage (link_server.h) and sends the
 * recorded connection of the same channel its server messages, paced, up
 * to a time; then it holds the screen (the connection stays open, the
 * client's messages are read) until the client leaves. */
#ifndef SPICECAP_REPLAY_SERVE_H
#define SPICECAP_REPLAY_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "recording.h"

typedef struct replay_server replay_server;

typedef struct replay_pace {
    bool as_fast;     /* every message at once */
    double speed;     /* else recorded gaps divided by this (1: as recorded) */
    uint64_t until_ns; /* serve messages whose last byte came at or before this */
    bool display_only; /* serve the main and display channels; link the others and send them nothing */
} replay_pace;

/* What a connection's thread tells its owner, from that thread. */
typedef struct replay_events {
    void *ctx;
    /* The client answered a ping sent after the last message up to the
     * time: it has handled every message before it. */
    void (*synced)(void *ctx, uint8_t channel_type, uint8_t channel_id);
    /* A line for the log ("display: client left after 120 of 2968 messages"). */
    void (*log)(void *ctx, const char *line);
} replay_events;

/* Listens on ADDR:PORT (PORT 0: any free port). NULL with *error (g_free
 * it) when it cannot. */
replay_server *replay_server_start(const replay_recording *rec, const char *addr, uint16_t port,
                                   const replay_pace *pace, const replay_events *events, char **error);
uint16_t replay_server_port(const replay_server *server);
/* Stops listening, ends every connection and waits for their threads. */
void replay_server_stop(replay_server *server);

#endif
