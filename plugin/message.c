/* One SPICE data message as a tree (message.h). */
#include "message.h"

#include <epan/expert.h>
#include <epan/tap.h>

#include "bodies.h"
#include "channels.h"
#include "info_column.h"
#include "spice_names.h"

static int proto_spicecap = -1, spicecap_tap = -1;
static int hf_channel = -1, hf_direction = -1, hf_type = -1, hf_name = -1, hf_size = -1, hf_wire_size = -1,
           hf_segments = -1, hf_first_frame = -1, hf_serial = -1, hf_sub_list = -1, hf_unframed = -1,
           hf_body_only = -1, hf_body_size = -1;
static int ett_spicecap = -1;
static expert_field ei_unknown_type = EI_INIT, ei_size_insane = EI_INIT;

const char *spicecap_message_label(unsigned channel, spicecap_direction direction, guint16 type)
{
    const char *name = spicecap_message_name(channel, direction, type);
    return name ? name : "unknown";
}

proto_tree *spicecap_dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                     const spicecap_message_view *v, proto_item **top_out)
{
    const char *side = v->direction == SPICECAP_DIR_SENT ? "client" : "server";
    int type_at = (int)(v->data_header ? SPICECAP_DATA_HDR_TYPE_AT : SPICECAP_MINI_HDR_TYPE_AT);
    int size_at = (int)(v->data_header ? SPICECAP_DATA_HDR_SIZE_AT : SPICECAP_MINI_HDR_SIZE_AT);
    int header_len = (int)(v->data_header ? SPICECAP_DATA_HDR_LEN : SPICECAP_MINI_HDR_LEN);
    guint16 type = tvb_get_letohs(tvb, type_at);
    guint32 size = tvb_get_letohl(tvb, size_at);
    const char *name = spicecap_message_name(v->channel, v->direction, type);
    const char *channel_name = spicecap_channel_label(v->channel);
    guint wire = tvb_reported_length(tvb);
    /* A type spice-protocol does not name is still a message (its size
     * framed it): a server newer than the spice-protocol built against. */
    const char *label = name ? name : wmem_strdup_printf(pinfo->pool, "type %u (unknown to this spice-protocol)", type);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    spicecap_info_sep(pinfo);
    col_append_fstr(pinfo->cinfo, COL_INFO, "%s %s %s%s", channel_name, side, label,
                    v->kind == SPICECAP_TAP_CUT ? " (cut)" : "");
    col_set_fence(pinfo->cinfo, COL_INFO);

    proto_item *top = proto_tree_add_item(tree, proto_spicecap, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", %s %s %s (%u bytes)", channel_name, side, label, wire);
    if (top_out)
        *top_out = top;
    proto_tree *t = proto_item_add_subtree(top, ett_spicecap);
    proto_item *pi = proto_tree_add_string(t, hf_channel, tvb, 0, 0, channel_name);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(t, hf_direction, tvb, 0, 0, v->direction == SPICECAP_DIR_SENT ? "sent" : "received");
    proto_item_set_generated(pi);
    if (v->data_header)
        proto_tree_add_item(t, hf_serial, tvb, (int)SPICECAP_DATA_HDR_SERIAL_AT, 8, ENC_LITTLE_ENDIAN);
    proto_item *type_item = proto_tree_add_item(t, hf_type, tvb, type_at, 2, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_string(t, hf_name, tvb, type_at, 2, name ? name : "unknown");
    proto_item_set_generated(pi);
    proto_item *size_item = proto_tree_add_item(t, hf_size, tvb, size_at, 4, ENC_LITTLE_ENDIAN);
    if (v->data_header)
        proto_tree_add_item(t, hf_sub_list, tvb, (int)SPICECAP_DATA_HDR_SUB_LIST_AT, 4, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_uint(t, hf_wire_size, tvb, 0, 0, wire);
    proto_item_set_generated(pi);
    if (v->recorded) {
        pi = proto_tree_add_uint(t, hf_segments, tvb, 0, 0, v->segments);
        proto_item_set_generated(pi);
        if (v->first_frame != 0) {
            pi = proto_tree_add_uint(t, hf_first_frame, tvb, 0, 0, v->first_frame);
            proto_item_set_generated(pi);
        }
    }
    if (name == NULL)
        expert_add_info_format(pinfo, type_item, &ei_unknown_type,
                               "Type %u is not a %s %s message this spice-protocol knows: the capture may come from "
                               "a newer server", type, channel_name, side);
    if (size > SPICECAP_SANE_MESSAGE_SIZE) /* not believed: format.h says why */
        spicecap_message_flag_size_insane(pinfo, size_item, size);
    else
        spicecap_dissect_body(tvb_new_subset_remaining(tvb, header_len), pinfo, t, v->channel, v->direction, type);
    spicecap_tap_info *info = wmem_new0(pinfo->pool, spicecap_tap_info);
    info->kind = v->kind;
    info->channel = channel_name;
    info->direction = v->direction == SPICECAP_DIR_SENT ? "sent" : "received";
    info->name = name ? name : "unknown";
    info->wire_size = wire;
    tap_queue_packet(spicecap_tap, pinfo, info);
    return t;
}

proto_tree *spicecap_dissect_body_only(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                       const spicecap_message_view *v, proto_item **top_out)
{
    const char *side = v->direction == SPICECAP_DIR_SENT ? "client" : "server";
    const char *channel_name = spicecap_channel_label(v->channel);
    guint size = tvb_reported_length(tvb);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    spicecap_info_sep(pinfo);
    col_append_fstr(pinfo->cinfo, COL_INFO, "%s %s playback body (header not recorded by ryll), %u bytes",
                    channel_name, side, size);
    col_set_fence(pinfo->cinfo, COL_INFO);
    proto_item *top = proto_tree_add_item(tree, proto_spicecap, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", %s %s playback body (header not recorded by ryll) (%u bytes)", channel_name, side,
                           size);
    if (top_out)
        *top_out = top;
    proto_tree *t = proto_item_add_subtree(top, ett_spicecap);
    proto_item_set_generated(proto_tree_add_string(t, hf_channel, tvb, 0, 0, channel_name));
    proto_item_set_generated(
        proto_tree_add_string(t, hf_direction, tvb, 0, 0, v->direction == SPICECAP_DIR_SENT ? "sent" : "received"));
    proto_item_set_generated(proto_tree_add_boolean(t, hf_body_only, tvb, 0, 0, TRUE));
    proto_item_set_generated(proto_tree_add_uint(t, hf_body_size, tvb, 0, 0, size));
    if (v->recorded)
        proto_item_set_generated(proto_tree_add_uint(t, hf_segments, tvb, 0, 0, v->segments));
    if (v->first_frame != 0)
        proto_item_set_generated(proto_tree_add_uint(t, hf_first_frame, tvb, 0, 0, v->first_frame));
    spicecap_tap_info *info = wmem_new0(pinfo->pool, spicecap_tap_info);
    info->kind = v->kind;
    info->channel = channel_name;
    info->direction = v->direction == SPICECAP_DIR_SENT ? "sent" : "received";
    info->name = "body (header not recorded)";
    info->wire_size = size;
    tap_queue_packet(spicecap_tap, pinfo, info);
    return t;
}

proto_tree *spicecap_message_stub(tvbuff_t *tvb, int offset, int len, packet_info *pinfo, proto_tree *tree,
                                  unsigned channel, spicecap_direction direction, const char *what,
                                  proto_item **top_out)
{
    const char *channel_name = spicecap_channel_label(channel);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    spicecap_info_sep(pinfo);
    col_append_fstr(pinfo->cinfo, COL_INFO, "%s %s %s", channel_name,
                    direction == SPICECAP_DIR_SENT ? "client" : "server", what);
    col_set_fence(pinfo->cinfo, COL_INFO);
    proto_item *top = proto_tree_add_item(tree, proto_spicecap, tvb, offset, len, ENC_NA);
    proto_item_append_text(top, ", %s %s %s", channel_name, direction == SPICECAP_DIR_SENT ? "client" : "server",
                           what);
    if (top_out)
        *top_out = top;
    proto_tree *t = proto_item_add_subtree(top, ett_spicecap);
    proto_item *pi = proto_tree_add_string(t, hf_channel, tvb, 0, 0, channel_name);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(t, hf_direction, tvb, 0, 0, direction == SPICECAP_DIR_SENT ? "sent" : "received");
    proto_item_set_generated(pi);
    return t;
}

void spicecap_message_add_first_frame(proto_tree *tree, tvbuff_t *tvb, guint32 frame)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf_first_frame, tvb, 0, 0, frame));
}

void spicecap_message_add_unframed(proto_tree *tree, tvbuff_t *tvb, int offset, int len)
{
    proto_tree_add_item(tree, hf_unframed, tvb, offset, len, ENC_NA);
}

void spicecap_message_flag_size_insane(packet_info *pinfo, proto_item *item, guint32 size)
{
    expert_add_info_format(pinfo, item, &ei_size_insane, "Size %u is over the %u-byte bound", size,
                           SPICECAP_SANE_MESSAGE_SIZE);
}

void spicecap_message_register(int proto, int tap)
{
    static hf_register_info hf[] = {
        {&hf_channel, {"Channel", "spicecap.channel", FT_STRING, BASE_NONE, NULL, 0, "SPICE channel (from the client port)", HFILL}},
        {&hf_direction, {"Direction", "spicecap.direction", FT_STRING, BASE_NONE, NULL, 0, "sent (client to server) or received", HFILL}},
        {&hf_type, {"Message type", "spicecap.type", FT_UINT16, BASE_DEC, NULL, 0, "Mini header message type", HFILL}},
        {&hf_name, {"Message name", "spicecap.name", FT_STRING, BASE_NONE, NULL, 0, "spice-protocol's name of the type on this channel and direction", HFILL}},
        {&hf_size, {"Body size", "spicecap.size", FT_UINT32, BASE_DEC, NULL, 0, "Mini header body size", HFILL}},
        {&hf_wire_size, {"Wire size", "spicecap.wire_size", FT_UINT32, BASE_DEC, NULL, 0, "Message bytes with the mini header", HFILL}},
        {&hf_segments, {"Segments", "spicecap.segments", FT_UINT32, BASE_DEC, NULL, 0, "TCP segments that carry the message as recorded", HFILL}},
        {&hf_first_frame, {"First frame", "spicecap.first_frame", FT_FRAMENUM, BASE_NONE, NULL, 0, "The frame that holds the message's first byte (it is shown in the frame that completes it)", HFILL}},
        {&hf_serial, {"Serial", "spicecap.serial", FT_UINT64, BASE_DEC, NULL, 0, "Data header serial number (real connections without the mini header)", HFILL}},
        {&hf_sub_list, {"Sub-message list", "spicecap.sub_list", FT_UINT32, BASE_DEC, NULL, 0, "Data header offset of the sub-message list", HFILL}},
        {&hf_body_only, {"Header not recorded", "spicecap.header_not_recorded", FT_BOOLEAN, BASE_NONE, NULL, 0, "A playback body ryll recorded without its 6-byte mini header (its playback.rs passes the body alone to record_received): the type is not known", HFILL}},
        {&hf_body_size, {"Body size", "spicecap.body_size", FT_UINT32, BASE_DEC, NULL, 0, "Bytes of a body recorded without its header", HFILL}},
        {&hf_unframed, {"Bytes not framed", "spicecap.unframed", FT_BYTES, BASE_NONE, NULL, 0, "Bytes after a refused link, SASL or a header past the sane bound; in a recorded flow, bytes in no whole message", HFILL}},
    };
    static int *ett[] = {&ett_spicecap};
    static ei_register_info ei[] = {
        {&ei_unknown_type, {"spicecap.unknown_type", PI_PROTOCOL, PI_WARN, "Unknown message type", EXPFILL}},
        {&ei_size_insane, {"spicecap.size_insane", PI_MALFORMED, PI_ERROR, "Size field larger than any sane message", EXPFILL}},
    };
    proto_spicecap = proto;
    spicecap_tap = tap;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
