/* The moment a bug report was triggered, in its traffic.pcap: the frame at
 * the trigger (the first frame at or after triggered_uptime_secs: the pcap's
 * timestamps and the trigger share ryll's TrafficBuffers clock), how long
 * each channel's ring reaches back before it, and the messages and losses of
 * the N seconds before it (frames with T-N <= time <= T). Gathered during
 * the validator's own pass over the pcap (a validation_observer): no second
 * read, and nothing kept per frame or per message, so its memory is the
 * same for a pcap of 1 MB or 4 GB. */
#ifndef SPICECAP_VALIDATE_TRIGGER_WINDOW_H
#define SPICECAP_VALIDATE_TRIGGER_WINDOW_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "channels.h"
#include "json_out.h"
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

/* Frames n with first <= n <= last, all inside the window. */
typedef struct frame_run {
    uint64_t first, last;
} frame_run;

/* The runs of frames inside the window one file can have (a capture's
 * timestamps go back across the window's edge that many times; ryll's
 * drained rings, one channel after another, have one per channel). Past
 * it, frames of later runs are not counted, and a note says so. */
#define TRIGGER_WINDOW_MAX_RUNS 4096u

/* The latest trigger that can be placed: a capture's clock, 64-bit
 * nanoseconds, ends at UINT64_MAX ns (past 2^64 / 1e9 s). A later one,
 * negative or not finite is named (trigger_window_check) and not placed. */
#define TRIGGER_WINDOW_MAX_SECS 18446744073.0

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
    uint64_t runs_dropped; /* frames inside the window past TRIGGER_WINDOW_MAX_RUNS runs: not counted */

    /* While the pcap is read (trigger_window_observe): the window's bounds
     * in ns, its runs of frames (frame_run), where counts has each key. */
    uint64_t lo_ns, hi_ns;
    GArray *runs;
    GHashTable *count_at;
    validation_observer observer;
} trigger_window;

/* NULL when trigger_secs can be placed on a capture's clock; else why not
 * ("triggered_uptime_secs 1.85e+10 s is past any session ...: trigger not
 * placed"; g_free it). */
char *trigger_window_check(double trigger_secs);

/* Start w for the pcap about to be read in v's pass: the observer to set
 * as v->window. trigger_secs must have passed trigger_window_check. The
 * state kept while reading is bounded whatever the capture's size: the
 * frame at the trigger, each channel's earliest frame, the counts, and the
 * runs of frames inside the window (at most TRIGGER_WINDOW_MAX_RUNS). */
const validation_observer *trigger_window_observe(trigger_window *w, double trigger_secs, double window_secs);

/* Once the pcap at path is read: its losses inside the window (from v's
 * findings) and the counts in order; w->known set. */
void trigger_window_finish(trigger_window *w, const validation *v, const char *path);
void trigger_window_clear(trigger_window *w);

/* Seconds of channel c the ring holds before the trigger: from its first
 * frame to the trigger, or to its last frame when that is earlier (a ring
 * cannot hold more than it spans); 0 when its first frame is after it. */
double trigger_window_kept_before(const trigger_window *w, unsigned channel);

/* Is a finding of this kind a loss (bytes the file should hold and does not)? */
bool trigger_window_is_loss(finding_kind kind);

void trigger_window_print(const trigger_window *w, FILE *out);
void trigger_window_write_json(const trigger_window *w, json_out *b, const char *name);

#endif
