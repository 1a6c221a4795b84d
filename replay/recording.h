/* A recorded SPICE session as the replayer serves it: per connection, the
 * server's capabilities (from its link reply when the link stage was
 * recorded) and every server message that is whole in the recording, with
 * the time its last byte arrived.
 *
 * Inputs: a raw capture of real SPICE connections (pcap or pcapng, plain,
 * gzip or in a zip), a ryll capture of recorded flows (a bug report's
 * traffic.pcap, the zip itself, one channel's pcap) or a ryll --capture
 * directory (every *.pcap in it, on one clock). Times are seconds since the
 * input's first record, as Wireshark's frame.time_relative counts (for a
 * directory: since its earliest record). */
#ifndef SPICECAP_REPLAY_RECORDING_H
#define SPICECAP_REPLAY_RECORDING_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct replay_message {
    uint64_t end_ns;    /* when its last byte was recorded, since the input's first record */
    uint64_t frame;     /* the record holding its last byte (1-based, per file) */
    uint64_t offset;    /* in the connection's bytes */
    uint32_t wire_size; /* header and body */
    uint16_t type;
} replay_message;

/* Server bytes the recording does not hold (a seq gap: ryll's snaplen, a
 * writer queue that overflowed, a capture that dropped packets): at least
 * one message is not served for each. */
typedef struct replay_lack {
    uint64_t at_ns;     /* the record after the gap */
    uint64_t frame;
    uint64_t bytes;     /* the gap's length (0: the stream ended inside a message) */
    uint16_t type;      /* the message it cut, when its header was recorded; */
    uint64_t wire_size; /* else 0 and 0 */
} replay_lack;

#define REPLAY_MAX_CHANNEL_CAPS 4u

typedef struct replay_connection {
    uint8_t channel_type, channel_id;
    uint32_t connection_id; /* the client's link message: its session (0 for main) */
    bool recorded;          /* ryll's convention: no link stage, channel from the client port */
    bool link_reply_seen;   /* the server's caps below come from the recording */
    uint32_t common_caps;
    uint32_t channel_caps[REPLAY_MAX_CHANNEL_CAPS];
    uint32_t n_channel_caps;
    GByteArray *bytes;      /* the whole server messages, back to back */
    GArray *messages;       /* replay_message, in the order sent */
    GArray *lacking;        /* replay_lack, in order */
    uint64_t first_ns;
} replay_connection;

typedef struct replay_recording {
    GPtrArray *connections; /* replay_connection *, by first record */
    uint64_t first_ns;      /* the input's first record, absolute */
    uint64_t last_ns;       /* the last record, since first_ns */
    uint64_t records;
    GPtrArray *notes;       /* char *: what was made because the recording lacks it (made_messages.h) */
} replay_recording;

/* NULL with *error (g_free it) when the input cannot be read; the message
 * names the file and the place. */
replay_recording *replay_recording_load(const char *path, char **error);
void replay_recording_free(replay_recording *rec);

/* Client sessions in a raw capture: its main connections with an init,
 * whose session id the client's other channels link with. */
unsigned replay_recording_sessions(const replay_recording *rec);

/* Keeps the Nth session's connections (1-based, in capture order) and
 * drops the others. False with *error when there are fewer. */
bool replay_recording_keep_session(replay_recording *rec, unsigned n, char **error);

/* Gaps (replay_lack) in CONN's server bytes up to UNTIL_NS. */
unsigned replay_connection_lacking(const replay_connection *conn, uint64_t until_ns);

/* The recording's first connection of this channel. */
const replay_connection *replay_recording_channel(const replay_recording *rec, uint8_t type, uint8_t id);

#endif
