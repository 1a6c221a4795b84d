/* The manifest: every message written, and every fault injected, as the
 * expected answer for the validator's and the dissector's tests. */
#ifndef SPICECAP_SYNTH_MANIFEST_H
#define SPICECAP_SYNTH_MANIFEST_H

#include <glib.h>
#include <stdint.h>

#include "faults.h"

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
    uint64_t seed;
    const char *output_kind; /* "pcap", "ring", "live", "bugreport" */
    const char *ring_channel; /* ring output only */
    GArray *messages; /* manifest_message */
    GArray *faults;   /* manifest_fault */
} manifest;

void manifest_init(manifest *m);
void manifest_clear(manifest *m);

/* Write the manifest as JSON, atomically; 0 or -1 with *error set. */
int manifest_write(const manifest *m, const char *path, GError **error);

/* The manifest as a JSON string (the bug-report zip embeds session data). */
char *manifest_to_json(const manifest *m);

#endif
