#include "ryll_records.h"

#include <spice/enums.h>

const uint8_t ryll_live_channels[RYLL_LIVE_CHANNEL_COUNT] = {
    SPICE_CHANNEL_MAIN, SPICE_CHANNEL_DISPLAY, SPICE_CHANNEL_CURSOR, SPICE_CHANNEL_INPUTS, SPICE_CHANNEL_USBREDIR,
};

ryll_recorded ryll_ring_records(unsigned channel, spicecap_direction direction)
{
    switch (channel) {
    case SPICE_CHANNEL_MAIN:
    case SPICE_CHANNEL_DISPLAY:
    case SPICE_CHANNEL_INPUTS:
    case SPICE_CHANNEL_CURSOR:
        return RYLL_RECORDS_MESSAGE;
    case SPICE_CHANNEL_PLAYBACK:
        return direction == SPICECAP_DIR_RECEIVED ? RYLL_RECORDS_BODY : RYLL_RECORDS_NOTHING;
    default:
        return RYLL_RECORDS_NOTHING;
    }
}

bool ryll_live_writes(unsigned channel)
{
    for (unsigned i = 0; i < RYLL_LIVE_CHANNEL_COUNT; i++)
        if (ryll_live_channels[i] == channel)
            return true;
    return false;
}
