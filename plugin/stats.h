/* `tshark -z spicecap,stat` (Statistics > SPICEcap in Wireshark): messages
 * and bytes per channel, direction and message type, and what recorded
 * flows lost (cut messages, bytes never in the capture, bytes not framed,
 * headers that cannot be) per channel and direction. */
#ifndef SPICECAP_PLUGIN_STATS_H
#define SPICECAP_PLUGIN_STATS_H

#include <stdint.h>

typedef enum spicecap_tap_kind {
    SPICECAP_TAP_MESSAGE, /* a whole message: counted with its type and bytes */
    SPICECAP_TAP_CUT,     /* a message a seq gap cut: a cut message, and the gap's bytes missing */
    SPICECAP_TAP_LOSS,    /* bytes lost otherwise: missing, not framed, a desync */
} spicecap_tap_kind;

/* What the dissector queues to the "spicecap" tap: one per message shown,
 * and one per loss. */
typedef struct spicecap_tap_info {
    spicecap_tap_kind kind;
    const char *channel;
    const char *direction;
    const char *name;   /* messages: the type's name */
    uint32_t wire_size; /* messages: header and body */
    uint64_t missing;   /* bytes never in the capture (seq gaps) */
    uint64_t unframed;  /* bytes in the capture in no whole message */
    uint32_t desyncs;   /* headers that cannot be, with no gap */
} spicecap_tap_info;

/* Registers the tap; returns its id for tap_queue_packet. */
int spicecap_stats_register(void);

#endif
