/* The moment a bug report was triggered, in its traffic.pcap: the frame at
 * the trigger (the first frame at or after triggered_uptime_secs: the pcap's
 * timestamps and the trigger share ryll's TrafficBuffers clock), how long
 * each channel's ring reaches back before it, and the messages and losses of
 * the N seconds before it (frames with T-N <= time <= T). */
#ifndef SPICECAP_VALIDATE_TRIGGER_WINDOW_H
#define SPICECAP_VALIDATE_TRIGGER_WINDOW_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "channels.h"
#include "validation.h"

#define TRIGGER_WINDOW_DEFAULT_SECS 5.0

/* Messages of one channel, direction and type inside the window. */
typedef struct window_count {
    uint8_t channel, direction;
    uint16_t type;
    bool body_only; /* playback bodies recorded without their header: of no known type */
    uint64_t messages, bytes;
} window_count;

/* A loss (a finding that says bytes are missing) inside the window. */
typedef struct window_loss {
    finding_kind kind;
    uint64_t frame;
    char *detail;
} window_loss;

typedef struct trigger_window {
    bool known;          /* the trigger was given and the pcap read */
    double trigger_secs, window_secs;
    uint64_t frames;     /* records in the pcap */
    uint64_t first_ns, last_ns; /* its earliest and latest timestamps */
    uint64_t trigger_frame;     /* the first frame at or after the trigger; 0: none (after the last frame) */
    uint64_t trigger_frame_ns;
    bool before_first;   /* the trigger lies before the first frame: the ring evicted the moment */
    bool after_last;     /* no frame at or after the trigger */
    uint64_t window_frames, window_first, window_last; /* frames inside; numbers of the first and last (0: none) */
    bool channel_seen[SPICECAP_CHANNEL_SLOTS];
    uint64_t channel_first_ns[SPICECAP_CHANNEL_SLOTS]; /* a channel's earliest frame */
    uint64_t channel_last_ns[SPICECAP_CHANNEL_SLOTS];  /* and its latest */
    GArray *counts;  /* window_count, in channel, direction, type order */
    GArray *losses;  /* window_loss, in frame order */
} trigger_window;

/* Compute w for the capture at path (already validated in v, whose messages
 * of that file are kept). False with *error when the pcap cannot be read. */
bool trigger_window_compute(trigger_window *w, const validation *v, const char *path, double trigger_secs,
                            double window_secs, char **error);
void trigger_window_clear(trigger_window *w);

/* Seconds of channel c the ring holds before the trigger: from its first
 * frame to the trigger, or to its last frame when that is earlier (a ring
 * cannot hold more than it spans); 0 when its first frame is after it. */
double trigger_window_kept_before(const trigger_window *w, unsigned channel);

/* Is a finding of this kind a loss (bytes the file should hold and does not)? */
bool trigger_window_is_loss(finding_kind kind);

void trigger_window_print(const trigger_window *w, FILE *out);
void trigger_window_build_json(const trigger_window *w, JsonBuilder *b);

#endif
