/* `tshark -z spicecap,stat` (Statistics > SPICEcap in Wireshark): messages
 * and bytes per channel, direction and message type. */
#ifndef SPICECAP_PLUGIN_STATS_H
#define SPICECAP_PLUGIN_STATS_H

#include <stdint.h>

/* What the dissector queues to the "spicecap" tap for each message. */
typedef struct spicecap_tap_info {
    const char *channel;
    const char *direction;
    const char *name;
    uint32_t wire_size;
} spicecap_tap_info;

/* Registers the tap; returns its id for tap_queue_packet. */
int spicecap_stats_register(void);

#endif
