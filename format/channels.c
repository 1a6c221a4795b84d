#include "channels.h"

#include <string.h>

#include "format.h"

#define MIB ((size_t)1024 * 1024)

typedef struct channel_info {
    const char *name;
    uint16_t client_port; /* 0: shares SPICECAP_CLIENT_PORT_OTHER */
    size_t ring_cap;      /* 0: no ring in ryll */
} channel_info;

static const channel_info channel_table[SPICECAP_CHANNEL_SLOTS] = {
    [SPICE_CHANNEL_MAIN] = {"main", 10001, 4 * MIB},
    [SPICE_CHANNEL_DISPLAY] = {"display", 10002, 32 * MIB},
    [SPICE_CHANNEL_INPUTS] = {"inputs", 10003, 2 * MIB},
    [SPICE_CHANNEL_CURSOR] = {"cursor", 10004, 4 * MIB},
    [SPICE_CHANNEL_PLAYBACK] = {"playback", 0, 4 * MIB},
    [SPICE_CHANNEL_RECORD] = {"record", 0, 0},
    [SPICE_CHANNEL_TUNNEL] = {"tunnel", 0, 0},
    [SPICE_CHANNEL_SMARTCARD] = {"smartcard", 0, 0},
    [SPICE_CHANNEL_USBREDIR] = {"usbredir", 10009, 4 * MIB},
    [SPICE_CHANNEL_PORT] = {"port", 0, 0},
    [SPICE_CHANNEL_WEBDAV] = {"webdav", 0, 0},
};

const uint8_t spicecap_ring_channels[SPICECAP_RING_CHANNEL_COUNT] = {
    SPICE_CHANNEL_MAIN,   SPICE_CHANNEL_DISPLAY,  SPICE_CHANNEL_INPUTS,
    SPICE_CHANNEL_CURSOR, SPICE_CHANNEL_USBREDIR, SPICE_CHANNEL_PLAYBACK,
};

static const channel_info *lookup(unsigned channel)
{
    if (channel == 0 || channel >= SPICECAP_CHANNEL_SLOTS)
        return NULL;
    return &channel_table[channel];
}

const char *spicecap_channel_name(unsigned channel)
{
    const channel_info *info = lookup(channel);
    return info ? info->name : NULL;
}

const char *spicecap_channel_label(unsigned channel)
{
    const char *name = spicecap_channel_name(channel);
    return name ? name : "unknown";
}

unsigned spicecap_channel_from_name(const char *name)
{
    if (name == NULL)
        return 0;
    for (unsigned channel = 1; channel < SPICECAP_CHANNEL_SLOTS; channel++)
        if (strcmp(channel_table[channel].name, name) == 0)
            return channel;
    return 0;
}

uint16_t spicecap_client_port(unsigned channel)
{
    const channel_info *info = lookup(channel);
    if (info == NULL || info->client_port == 0)
        return SPICECAP_CLIENT_PORT_OTHER;
    return info->client_port;
}

unsigned spicecap_channel_from_client_port(uint16_t port)
{
    for (unsigned channel = 1; channel < SPICECAP_CHANNEL_SLOTS; channel++)
        if (channel_table[channel].client_port == port)
            return channel;
    return 0;
}

size_t spicecap_channel_ring_cap(unsigned channel)
{
    const channel_info *info = lookup(channel);
    return info ? info->ring_cap : 0;
}
