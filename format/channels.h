/* SPICE channels as ryll records them: name, client port, ring byte cap.
 * Channel ids are spice-protocol's SPICE_CHANNEL_* values. */
#ifndef SPICECAP_CHANNELS_H
#define SPICECAP_CHANNELS_H

#include <stddef.h>
#include <stdint.h>

#include <spice/enums.h>

/* Number of slots in tables indexed by channel id (ids run 1..SPICE_END_CHANNEL-1). */
#define SPICECAP_CHANNEL_SLOTS ((unsigned)SPICE_END_CHANNEL)

/* The channels that have a ring buffer in ryll, in ryll's order. */
#define SPICECAP_RING_CHANNEL_COUNT 6u
extern const uint8_t spicecap_ring_channels[SPICECAP_RING_CHANNEL_COUNT];

/* Lower-case channel name ("display"), or NULL for an unknown id. */
const char *spicecap_channel_name(unsigned channel);

/* The channel's name, or "unknown" for an id spice-protocol does not
 * define: what a report or a dissector shows. */
const char *spicecap_channel_label(unsigned channel);

/* Channel id for a name, or 0 when the name is not a SPICE channel. */
unsigned spicecap_channel_from_name(const char *name);

/* Client TCP port ryll uses for the channel: main 10001, display 10002,
 * inputs 10003, cursor 10004, usbredir 10009, anything else 10099. */
uint16_t spicecap_client_port(unsigned channel);

/* Channel id a client port stands for, or 0 for 10099 and unknown ports
 * (10099 is shared by every channel without a port of its own). */
unsigned spicecap_channel_from_client_port(uint16_t port);

/* ryll's default ring byte cap for a channel; 0 when it has no ring. */
size_t spicecap_channel_ring_cap(unsigned channel);

#endif
