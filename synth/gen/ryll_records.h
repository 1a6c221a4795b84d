/* What ryll hands to its recorders, channel by channel, as opposed to what
 * its recorders would take: read from ryll's channel code (playback.rs,
 * usbredir.rs, the other channels' record_sent/record_received calls) and
 * capture.rs. --ryll-compat follows these rules; the other outputs record
 * every message whole. */
#ifndef SPICECAP_SYNTH_RYLL_RECORDS_H
#define SPICECAP_SYNTH_RYLL_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

typedef enum ryll_recorded {
    RYLL_RECORDS_NOTHING, /* never handed to a ring */
    RYLL_RECORDS_MESSAGE, /* the whole message, mini header first */
    RYLL_RECORDS_BODY,    /* the body alone: the 6-byte mini header is not recorded */
} ryll_recorded;

/* What a channel's ring holds of a message going one way: main, display,
 * inputs and cursor record every message whole both ways; playback records
 * received bodies (playback.rs passes &payload, the bytes after the header)
 * and nothing it sends; usbredir has no traffic handle and records nothing;
 * other channels have no ring. */
ryll_recorded ryll_ring_records(unsigned channel, spicecap_direction direction);

/* The channels ryll's capture mode (--capture DIR) opens a pcap for, in
 * capture.rs's CHANNELS order: main, display, cursor, inputs, usbredir. No
 * playback.pcap and no webdav.pcap: those channels have no writer. */
#define RYLL_LIVE_CHANNEL_COUNT 5u
extern const uint8_t ryll_live_channels[RYLL_LIVE_CHANNEL_COUNT];
bool ryll_live_writes(unsigned channel);

#endif
