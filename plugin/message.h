/* One SPICE data message as a tree: its header fields (mini or 18-byte data
 * header), for recorded flows the records that carry it, and its body
 * (bodies.c). Shared by ryll's recorded flows (recorded_show.c) and real
 * connections (spicecap_dissector.c). */
#ifndef SPICECAP_PLUGIN_MESSAGE_H
#define SPICECAP_PLUGIN_MESSAGE_H

#include <epan/packet.h>
#include <stdbool.h>

#include "format.h"
#include "stats.h"

typedef struct spicecap_message_view {
    unsigned channel;
    spicecap_direction direction;
    bool data_header;     /* the 18-byte data header, not the mini header */
    bool recorded;        /* a recorded flow: show segments (and first_frame) */
    uint32_t segments;    /* recorded: the records that carry bytes of it */
    uint32_t first_frame; /* recorded: the frame of its first byte when it is not this one, else 0 */
    spicecap_tap_kind kind; /* what the statistics count it as */
} spicecap_message_view;

/* The message whose header starts tvb. tvb's reported length is the
 * message's wire size; its captured length may be less (a recorded message
 * spanning frames keeps a prefix): the body decoders show what is there.
 * Returns the message's subtree; *top (may be NULL) gets its item. */
proto_tree *spicecap_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                     const spicecap_message_view *v, proto_item **top);

/* A playback body ryll recorded without its header (the walker's
 * body_only): tvb is the body, whose type is unknown. */
proto_tree *spicecap_dissect_body_only(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                       const spicecap_message_view *v, proto_item **top);

/* The message's name on its channel and direction, or "unknown". */
const char *spicecap_message_label(unsigned channel, spicecap_direction direction, guint16 type);

/* An item that is not a message (a loss in a recorded flow): the protocol
 * item over tvb's bytes [offset, offset + len) with what in its title and
 * the info column, and the channel and direction fields. Returns its
 * subtree; *top (may be NULL) gets its item. */
proto_tree *spicecap_message_stub(tvbuff_t *tvb, int offset, int len, packet_info *pinfo, proto_tree *tree,
                                  unsigned channel, spicecap_direction direction, const char *what,
                                  proto_item **top);

/* spicecap.first_frame: the frame of a message's first byte. */
void spicecap_message_add_first_frame(proto_tree *tree, tvbuff_t *tvb, guint32 frame);

/* spicecap.unframed: bytes [offset, offset + len) of tvb that no message frames. */
void spicecap_message_add_unframed(proto_tree *tree, tvbuff_t *tvb, int offset, int len);

/* spicecap.size_insane on item: a size over SPICECAP_SANE_MESSAGE_SIZE. */
void spicecap_message_flag_size_insane(packet_info *pinfo, proto_item *item, guint32 size);

void spicecap_message_register(int proto, int tap);

#endif
