/* What the validator reports: one finding per defect, with where it is. */
#ifndef SPICECAP_VALIDATE_FINDINGS_H
#define SPICECAP_VALIDATE_FINDINGS_H

#include <glib.h>
#include <stdint.h>

typedef enum finding_kind {
    FINDING_GAP,              /* bytes missing from a seq chain */
    FINDING_OVERLAP,          /* a segment overlaps bytes already seen */
    FINDING_DUPLICATE,        /* a segment repeats bytes already seen (recorded captures never retransmit) */
    FINDING_OUT_OF_ORDER,     /* a segment arrived before the one ahead of it in the chain */
    FINDING_RETRANSMIT_DIFFERS, /* a retransmission whose bytes differ from the first copy */
    FINDING_K2_EMPTY_RECORD,  /* a 0-byte record where a message should be */
    FINDING_SHORT_FRAME,      /* a record too short for the headers it starts */
    FINDING_CAPLEN_SHORT,     /* caplen below the original length: bytes were not captured */
    FINDING_IP_LENGTH,        /* IPv4 total length disagrees with the record */
    FINDING_TCP_OFFSET,       /* TCP data offset impossible for the segment */
    FINDING_IP_CHECKSUM,
    FINDING_TCP_CHECKSUM,
    FINDING_SIZE_MISMATCH,    /* a message's header size disagrees with its recorded segments */
    FINDING_BAD_HEADER,       /* a SPICE header no sender would write */
    FINDING_MESSAGE_TRUNCATED, /* a message runs past a gap or the end of the capture */
    FINDING_TRUNCATED_FILE,   /* the file ends inside a record */
    FINDING_CORRUPT_FILE,     /* a record or block that cannot be read: the rest is lost */
    FINDING_MANIFEST_MISSING, /* a manifest message the capture lacks */
    FINDING_MANIFEST_MISMATCH, /* a message that differs from the manifest's */
    FINDING_MANIFEST_EXTRA,   /* a message the manifest does not list */
    FINDING_LIMIT_REACHED,    /* a resource limit (validate_limits.h) stopped part of the checks */
    FINDING_SNAPLEN_LOSS,     /* a gap of records ryll's writer never wrote: over its 65535-byte snaplen */
    FINDING_DESYNC,           /* a SPICE header that cannot be, no gap to explain it: bytes vanished under the seq */
    FINDING_REPORT_CHANNEL_EMPTY, /* a bug report whose pcap holds no traffic of the channel its metadata names */
    FINDING_HEADERLESS_PLAYBACK, /* a playback flow of bodies without their header (ryll's playback.rs), once per flow */
    FINDING_RING_DIFFERS,     /* a report's ring message whose live counterpart (same type and size) has other bytes */
    FINDING_KIND_COUNT
} finding_kind;

typedef struct finding {
    finding_kind kind;
    char *file;
    uint64_t frame; /* 0 when it is about the file as a whole */
    char *flow;     /* "10.0.0.2:5900 -> 10.0.0.1:10002", or NULL */
    int has_seq;
    uint32_t seq_start, seq_end; /* [start, end) */
    uint32_t messages_cut; /* messages this loss cut (a gap's, a desync's suspect), for the grouped report */
    char *detail;
} finding;

/* "gap", "k2-empty-record", ...: stable names for --json and --junit. */
const char *finding_kind_name(finding_kind kind);

typedef struct findings {
    GPtrArray *list;   /* finding *, at most FINDINGS_KEPT */
    uint64_t count[FINDING_KIND_COUNT];
    uint64_t total;
} findings;

/* Beyond this only counts grow: memory stays bounded. truncated-file,
 * corrupt-file and limit-reached (at most a few per file) are kept all the same. */
#define FINDINGS_KEPT 100000

void findings_init(findings *f);
void findings_clear(findings *f);

/* Add a finding; returns it (NULL when only counted) so a caller may fill
 * in its seq range later. detail is printf-formatted. */
finding *findings_add(findings *f, finding_kind kind, const char *file, uint64_t frame, const char *flow,
                      const char *fmt, ...) G_GNUC_PRINTF(6, 7);

#endif
