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

#include "json_out.h"
#include "metadata.h"
#include "validation.h"

typedef struct cross_flow {
    uint8_t channel, direction;
    char *live_file;                 /* the live pcap that holds the channel, or NULL */
    uint64_t ring_whole, matched;
    GArray *live_lost;  /* uint64_t report frames: whole in the ring, not whole in the live file */
    GArray *differ;     /* uint64_t report frames: a live message of its type and size in its place differs */
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
 * cross_check. v must have kept the messages walked. */
void cross_check_run(const validation *v, const GPtrArray *pairs);
void cross_check_free(cross_check *c);

void cross_check_print(const cross_check *c, FILE *out);
void cross_check_write_json(const cross_check *c, json_out *b, const char *name);

#endif
