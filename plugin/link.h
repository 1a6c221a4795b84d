/* The link stage of a real SPICE connection as fields: link header, link
 * message or reply with their capabilities, auth mechanism, ticket and
 * link result. */
#ifndef SPICECAP_PLUGIN_LINK_H
#define SPICECAP_PLUGIN_LINK_H

#include <epan/packet.h>
#include <stdbool.h>

#include "session.h"

void spicecap_link_register(int proto);

/* A channel type field's label, "display (2)", for BASE_CUSTOM fields. */
void spicecap_channel_type_format(gchar *buf, guint32 value);

/* Dissect one link-stage PDU (tvb holds it whole); a link header with a bad
 * magic or an implausible size is flagged. session.c decides what follows. */
void spicecap_link_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_stage stage,
                           spicecap_direction direction, const char *channel_name);

#endif
