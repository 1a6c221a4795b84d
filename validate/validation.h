/* The state of one validator run over one or more capture files. */
#ifndef SPICECAP_VALIDATE_VALIDATION_H
#define SPICECAP_VALIDATE_VALIDATION_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture_reader.h"
#include "channels.h"
#include "findings.h"
#include "reassembly.h"
#include "spice_stream.h"
#include "tcp_flow.h"
#include "validate_limits.h"

/* A SPICE message walked to its end. */
typedef struct seen_message {
    const char *file;
    uint64_t frame; /* its first frame */
    uint8_t channel, direction;
    uint16_t type;
    uint64_t wire_size;
    uint32_t seq;
    uint32_t segments;
    bool body_only; /* a playback body recorded without its header (walked_message) */
} seen_message;

typedef struct channel_stats {
    uint64_t messages, bytes, largest, multi_segment;
} channel_stats;

typedef struct file_summary {
    char *path;
    char *format;
    uint64_t records, frames_checked, non_ipv4, non_tcp, fragments, other_linktype;
    uint64_t retransmissions, keepalives, uncompared;
    uint64_t findings_before; /* findings total when the file started */
    bool truncated;           /* the file ends inside a record */
    uint64_t unfollowed;      /* frames of flows past VALIDATE_MAX_FLOWS: counted, not checked */
    uint64_t unknown_types;   /* messages of a type spice-protocol does not name, framed by their size */
    channel_stats channels[SPICECAP_CHANNEL_SLOTS]; /* [0]: flows of unknown channel */
    GPtrArray *notes; /* char *: unframeable flows, skipped traffic */
} file_summary;

typedef struct validation validation;

/* Someone watching a run (the HTML page's timeline, a bug report's trigger
 * window): called for each record before it is checked, each message walked
 * (and each taken back), each flow at its file's end (its chain final) and
 * each file's end. Any may be NULL. */
typedef struct validation_observer {
    void (*record)(void *ctx, const capture_record *r);
    void (*message)(void *ctx, unsigned channel, uint64_t wire_size);
    void (*retract)(void *ctx, unsigned channel, uint64_t wire_size); /* a message counted turned out not whole */
    void (*flow_end)(void *ctx, const struct flow *f);
    void (*file_end)(void *ctx, const file_summary *s);
    void *ctx;
    /* The same message with where it is (its first frame, type) and its
     * channel slot and direction; and the same taken back. */
    void (*walked)(void *ctx, unsigned channel, unsigned direction, const walked_message *m);
    void (*unwalked)(void *ctx, unsigned channel, unsigned direction, const walked_message *m);
} validation_observer;

struct validation {
    findings findings;
    file_summary *file; /* the file being read */
    GPtrArray *files;   /* file_summary * */
    GHashTable *flows;  /* flow key -> flow * (of the current file) */
    GHashTable *connections;
    unsigned windows;    /* real flows of the current file (the first VALIDATE_MAX_WINDOWS get a window) */
    reassembly reassembly; /* the current file's seq chains, handing bytes to stream */
    stream_report stream;  /* where the SPICE walk of the current file reports */
    GArray *messages;  /* seen_message, kept only for --manifest */
    GStringChunk *names;
    bool progress; /* draw a progress bar on stderr (it is a terminal) */
    const validation_observer *observer; /* or NULL */
    const validation_observer *window;   /* the trigger window's of a bug report's pcap (trigger_window.h), or NULL */
};

void validation_init(validation *v, bool keep_messages);
void validation_clear(validation *v);

/* Read one capture file; false when it cannot be read at all (*error set). */
bool validation_run_file(validation *v, const char *path, char **error);

/* Record a free-text note on the current file (deduplicated). */
void validation_note(validation *v, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* An input with no capture to read (a bug report without traffic.pcap): a
 * file of no record, described as format, so every report lists it. */
void validation_add_uncaptured(validation *v, const char *path, const char *format);

#endif
