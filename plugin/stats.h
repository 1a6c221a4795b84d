/* `tshark -z spicecap,stat`, Statistics > SPICEcap in Wireshark: messages
 * and bytes per channel, direction and message type (a stats tree), and
 * the loss summary per channel and direction (loss_table.h): messages
 * whole, cut and gone, seq gaps, bytes missing from the file kept apart
 * from bytes in the file that belong to no whole message, desyncs. */
#ifndef SPICECAP_PLUGIN_STATS_H
#define SPICECAP_PLUGIN_STATS_H

#include <stdint.h>

typedef enum spicecap_tap_kind {
    SPICECAP_TAP_MESSAGE, /* a whole message: counted with its type and bytes */
    SPICECAP_TAP_CUT,     /* a message partly in the file (a gap or vanished bytes cut it) */
    SPICECAP_TAP_RECUT,   /* a message counted whole in an earlier frame, found likely not whole: whole to cut */
    SPICECAP_TAP_DROPPED, /* a 0-byte record (the K2 bug): a message gone, on channel "unknown" until ... */
    SPICECAP_TAP_GONE,    /* ... the seq gap that is its bytes names its flow: moved there */
    SPICECAP_TAP_LOSS,    /* bytes lost otherwise: a gap's missing bytes, bytes not framed, a desync */
} spicecap_tap_kind;

/* What the dissector queues to the "spicecap" tap: one per message shown,
 * and one per loss. */
typedef struct spicecap_tap_info {
    spicecap_tap_kind kind;
    const char *channel;
    const char *direction;
    const char *name;   /* messages: the type's name */
    uint32_t wire_size; /* messages: header and body */
    uint32_t gaps;      /* seq gaps (1 per gap) */
    uint64_t missing;   /* bytes never in the capture (seq gaps) */
    uint64_t unframed;  /* bytes in the capture in no whole message */
    uint32_t desyncs;   /* headers that cannot be, with no gap */
} spicecap_tap_info;

/* Registers the tap and the statistics; returns the tap's id for
 * tap_queue_packet. */
int spicecap_stats_register(void);

#endif
