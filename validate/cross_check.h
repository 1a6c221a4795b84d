/* A capture directory's bug reports against its live pcaps. The ring's seq
 * restarts on reconnect and its acks differ, and the two clocks have no known
 * offset, so messages are matched by content (type, size and CRC-32 of the
 * whole message), per channel and direction, in order: anchored on the first
 * ring message whose content the live file holds once, then nearest-first
 * back and forth. Said per report: the messages both hold whole (identical),
 * those whose live counterpart differs, those the ring holds whole that the
 * live capture lost, and the live messages inside the ring's window that the
 * ring lacks; and channel-state.json's writer_dropped_count beside the
 * desyncs found in the live file of that channel. The messages walked are
 * kept (40 bytes each) for the run, and the files read a second time for
 * the CRCs. */
#ifndef SPICECAP_VALIDATE_CROSS_CHECK_H
#define SPICECAP_VALIDATE_CROSS_CHECK_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "html_timeline.h"
#include "json_out.h"
#include "metadata.h"
#include "validation.h"

/* Findings (ring-differs) per flow and report; the others are counted in its cross_flow. */
#define CROSS_DIFFER_FINDINGS 100u

/* A ring message whose live counterpart, of the same type and size in its place, holds other bytes. */
typedef struct cross_differ {
    uint64_t ring_frame, ring_ns; /* the report's frame (and its time) where the message starts */
    uint64_t live_frame;          /* the live file's frame where its counterpart starts */
    const char *live_file;        /* the live pcap (owned by the run's inputs) */
    uint16_t type;
    uint32_t size; /* wire size, header included */
} cross_differ;

typedef struct cross_flow {
    uint8_t channel, direction;
    char *live_file;                 /* the live pcap that holds the channel, or NULL */
    uint64_t ring_whole, matched;
    GArray *live_lost;  /* uint64_t report frames: whole in the ring, not whole in the live file */
    GArray *differ;     /* cross_differ: a live message of its type and size in its place differs */
    GArray *ring_lacks; /* uint64_t live frames: whole in the live file inside the ring's window, not in the ring */
    uint64_t live_window_first, live_window_last; /* live frames where the ring's window starts and ends (0: none) */
    bool no_live_pcap; /* the directory has no pcap of the channel (ryll writes none for playback): not checked */
} cross_flow;

typedef struct cross_writer {
    char *channel;
    gint64 dropped;  /* writer_dropped_count */
    char *live_file; /* the channel's live pcap, or NULL */
    uint64_t desyncs;
} cross_writer;

typedef struct cross_check {
    char *dir;
    GArray *flows;   /* cross_flow */
    GArray *writers; /* cross_writer */
} cross_check;

/* Check every report against its directory: pairs holds input_metadata *
 * two by two (the directory's, the report's); each report's triage gets its
 * cross_check. v must have kept the messages walked. Each message that
 * differs is a ring-differs finding on the report's file (at most
 * CROSS_DIFFER_FINDINGS per flow), and drawn on lines when given. */
void cross_check_run(validation *v, const GPtrArray *pairs, timeline *lines);
/* "display received draw_copy (type 304), 1234 bytes" (g_free it). */
char *cross_differ_message(unsigned channel, unsigned direction, const cross_differ *d);
void cross_check_free(cross_check *c);

void cross_check_print(const cross_check *c, FILE *out);
void cross_check_write_json(const cross_check *c, json_out *b, const char *name);

#endif
