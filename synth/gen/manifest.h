/* The manifest: every message written, and every fault injected, as the
 * expected answer for the validator's and the dissector's tests. */
#ifndef SPICECAP_SYNTH_MANIFEST_H
#define SPICECAP_SYNTH_MANIFEST_H

#include <glib.h>
#include <stdint.h>

#include "faults.h"
#include "track.h"

typedef struct manifest_message {
    uint64_t ts_us;
    uint8_t channel;
    uint8_t direction;  /* spicecap_direction */
    uint16_t type;
    uint32_t wire_size; /* the bytes on the wire: 6 + the size its header should say */
    uint32_t seq;       /* TCP seq of its first byte */
    uint32_t segments;  /* frames that carry it (0 for a K2 0-byte record) */
    uint64_t frame;     /* 1-based record number of its first frame in its file */
    const char *file;   /* the file it is in (live captures: one per channel) */
    /* Tracked outputs (see track.h): its stream offset in its flow direction
     * and its file's log (1-based index into files; 0: untracked). The
     * resolution fills seq, segments, frame and what follows. */
    uint64_t off;
    uint16_t flowdir;
    uint16_t track;
    uint8_t held;    /* track_held: of the bytes recorded (a headerless message's: its body) */
    /* ryll recorded its body alone, without the mini header (playback in
     * a --ryll-compat ring): the file holds wire_size - 6 bytes of it. */
    uint8_t headerless;
    GArray *missing; /* track_range */
    GArray *vanished;
} manifest_message;

typedef struct manifest_fault {
    fault_kind kind;
    uint64_t message; /* 0-based index into the manifest's messages */
    uint64_t frame;   /* 1-based record number where the fault shows */
    uint32_t seq;
    char detail[128];
} manifest_fault;

typedef struct manifest {
    const char *scenario;
    /* --unknown-type: the type of the message the tables do not name, on
     * display server to client (has_unknown_type 0: none asked for). */
    int has_unknown_type;
    uint16_t unknown_type;
    uint64_t seed;
    const char *output_kind; /* "pcap", "ring", "live", "bugreport" */
    const char *ring_channel; /* ring output only */
    GArray *messages; /* manifest_message */
    GArray *faults;   /* manifest_fault */
    /* Tracked outputs only: what the writer does, and each file's log. */
    GPtrArray *files;             /* track_file */
    const char *writer_header;    /* "ryll" or "spicecap" */
    const char *received_records; /* "reads" or "messages" */
    int snaplen_rule;             /* records over the snaplen are not written */
} manifest;

void manifest_init(manifest *m);
void manifest_clear(manifest *m);

/* Add a file to track; returns its 1-based index for manifest_message.track. */
uint16_t manifest_track_file(manifest *m, const char *name, uint32_t snaplen);
track_file *manifest_tracked(const manifest *m, uint16_t track);

/* Resolve every tracked message against its file's log (once, before
 * writing). */
void manifest_resolve(manifest *m);

/* Write the manifest as JSON, atomically; 0 or -1 with *error set. */
int manifest_write(const manifest *m, const char *path, GError **error);

/* The manifest as a JSON string (the bug-report zip embeds session data). */
char *manifest_to_json(const manifest *m);

#endif
