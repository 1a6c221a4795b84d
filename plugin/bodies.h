/* Message bodies as fields: the messages that matter in bug reports. */
#ifndef SPICECAP_PLUGIN_BODIES_H
#define SPICECAP_PLUGIN_BODIES_H

#include <epan/packet.h>

#include "format.h"

void spicecap_bodies_register(int proto);

/* Decode the body (tvb starts at the body) of a message; adds items to tree
 * and expert info to pinfo when the body is shorter than its structure. */
void spicecap_dissect_body(tvbuff_t *body, packet_info *pinfo, proto_tree *tree, unsigned channel,
                           spicecap_direction direction, guint16 type);

#endif
