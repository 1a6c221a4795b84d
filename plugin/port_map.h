/* Which SPICE channel a recorded flow carries, from its client port:
 * ryll's ports by default (spicecap_recorded_channel, format/recorded.h),
 * and the ports a user maps in the preference "spicecap.client_ports"
 * ("20001=main,20002=display"), which win. */
#ifndef SPICECAP_PLUGIN_PORT_MAP_H
#define SPICECAP_PLUGIN_PORT_MAP_H

#include <glib.h>

/* Replace the user's map with the one in text; entries that are not
 * PORT=CHANNEL are reported (one message naming them) and skipped. */
void spicecap_port_map_set(const char *text);

/* Channel id for a client port, or 0 when neither map knows it. */
unsigned spicecap_port_map_channel(guint16 client_port);

#endif
