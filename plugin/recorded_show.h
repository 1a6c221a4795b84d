/* What a frame of a recorded flow shows (recorded_frames.h stores it): its whole
 * messages, and what was lost, each once: the message a seq gap cut, the
 * gap itself when it cut none the walk knew, a header that cannot be (a
 * desync), the message before it that likely lost bytes, bytes not framed,
 * and the frames that carry a message completed later. The fields and
 * expert infos of the losses are registered here. */
#ifndef SPICECAP_PLUGIN_RECORDED_SHOW_H
#define SPICECAP_PLUGIN_RECORDED_SHOW_H

#include <epan/packet.h>

#include "format.h"
#include "recorded_frames.h"

void spicecap_recorded_show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const spicecap_rec_frame *fr,
                            unsigned channel, spicecap_direction direction);

void spicecap_recorded_show_register(int proto, int tap);

#endif
