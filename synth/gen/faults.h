/* The faults the generator can inject, each one switch, each recorded in
 * the manifest with where it is. */
#ifndef SPICECAP_SYNTH_FAULTS_H
#define SPICECAP_SYNTH_FAULTS_H

typedef enum fault_kind {
    FAULT_K2,                /* pre-fix ring: a message over one frame becomes a 0-byte record */
    FAULT_DROP_SEGMENT,      /* one segment of a multi-segment message is missing */
    FAULT_DUPLICATE_SEGMENT, /* one segment is written twice */
    FAULT_REORDER_SEGMENTS,  /* two segments of a message are swapped */
    FAULT_BAD_CHECKSUM,      /* one frame's TCP checksum is wrong */
    FAULT_TRUNCATE_FILE,     /* the file ends inside its last record */
    FAULT_LYING_SIZE,        /* a mini header's size disagrees with the bytes that follow */
    FAULT_QUEUE_OVERFLOW,    /* live reads: one read never written, its seq not advanced */
    FAULT_COUNT
} fault_kind;

#define FAULT_BIT(kind) (1u << (kind))

/* -1 when the name is unknown. */
int fault_from_name(const char *name);
const char *fault_name(fault_kind kind);

#endif
