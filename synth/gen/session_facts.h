/* What ryll's channels count while a session runs, gathered from every
 * message the scenario emits (whatever the output, and whether or not a
 * ring keeps it): the figures a bug report's session.json,
 * channel-state.json and disconnect-cause.json give. Counted as ryll's
 * channel code counts them (cumulative since session start, timestamps
 * session-relative on traffic.pcap's clock), so the members agree with the
 * traffic the report holds: its last message on a channel is that
 * channel's last_recv_ts_secs or last_send_ts_secs, and every byte it holds
 * is counted in bytes_in or bytes_out. */
#ifndef SPICECAP_SYNTH_SESSION_FACTS_H
#define SPICECAP_SYNTH_SESSION_FACTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "channels.h"
#include "format.h"

/* The bounded rings a snapshot keeps (its oldest entries go first). */
#define FACTS_RECENT_DECODES 32u
#define FACTS_RECENT_EVENTS 32u
#define FACTS_RECENT_ACK_INTERVALS 16u
#define FACTS_RECENT_DESTROYED_STREAMS 8u

typedef struct fact_decode {
    uint64_t image_id, ts_us;
    uint32_t width, height;
    bool success;
} fact_decode;

typedef struct fact_input_event {
    const char *event_type; /* ryll's: KeyDown, KeyUp, MouseDown, MouseUp, MouseMove */
    uint32_t scancode, x, y, button_mask;
    uint64_t ts_us;
} fact_input_event;

typedef struct fact_stream {
    uint32_t stream_id, surface_id, width, height;
    int32_t dest_top, dest_left, dest_bottom, dest_right;
    uint8_t codec_type;
    uint64_t created_us, frames, last_frame_us, destroyed_us;
    bool destroyed;
} fact_stream;

typedef struct fact_surface {
    uint32_t surface_id, width, height;
} fact_surface;

typedef struct fact_cursor {
    uint64_t unique;
    uint16_t width, height, hot_x, hot_y;
} fact_cursor;

typedef struct channel_facts {
    uint64_t bytes_in, bytes_out, messages_in, messages_out, max_in;
    uint64_t last_recv_us, last_send_us, last_ping_us;
    bool received, sent;
    uint32_t ping_recv_count, pong_send_count;
    GTree *recv_by_type, *send_by_type; /* guint type -> guint64 count, in type order */
    /* ack state (display, cursor): set_ack's, and messages since the last ack */
    uint32_t ack_generation, ack_window, since_ack, ack_send_count;
    uint64_t messages_at_ack; /* messages received when the last ack went */
    uint64_t last_ack_us;
    bool acked;
    GArray *ack_intervals_us; /* uint64_t, the newest FACTS_RECENT_ACK_INTERVALS */
} channel_facts;

typedef struct session_facts {
    channel_facts channel[SPICECAP_CHANNEL_SLOTS];
    uint64_t last_ts_us; /* the session's last message */
    /* display */
    GArray *decodes; /* fact_decode, the newest FACTS_RECENT_DECODES */
    uint64_t decode_total, decode_failed, frames_received;
    GArray *surfaces; /* fact_surface */
    GArray *streams;  /* fact_stream, active and destroyed, in creation order */
    uint64_t streams_created, streams_destroyed, stream_frames, stream_orphans;
    /* main */
    uint32_t session_id, mouse_mode, mm_time;
    uint64_t mm_time_set_count, last_mm_set_us;
    bool have_session_id, mm_set;
    GArray *ping_us; /* uint64_t: every main-channel ping, for the latency */
    /* inputs */
    GArray *events; /* fact_input_event, the newest FACTS_RECENT_EVENTS */
    uint32_t button_state, motion_count;
    uint64_t last_key_us;
    bool key_seen;
    /* cursor */
    int16_t cursor_x, cursor_y;
    bool cursor_visible;
    GArray *cursors; /* fact_cursor, each shape set */
    /* playback */
    uint64_t playback_starts, playback_stops, playback_packets, playback_bytes, playback_started_us;
    uint32_t playback_channels, playback_frequency, playback_time;
    uint16_t playback_mode;
    bool playback_active;
    /* bandwidth: received bytes per whole second of the session */
    GArray *bytes_per_second; /* uint64_t */
} session_facts;

void session_facts_init(session_facts *f);
void session_facts_clear(session_facts *f);

/* One message (mini header and body) at ts_us on channel, going direction. */
void session_facts_add(session_facts *f, uint64_t ts_us, unsigned channel, spicecap_direction direction,
                       const uint8_t *msg, size_t len);

#endif
