/* Dissects the SPICE messages of captures recorded by ryll: each flow's
 * channel comes from its client port, 6-byte mini headers frame the
 * messages, and messages are reassembled across TCP segments.
 *
 * Claiming the flows: TCP tries the lower port's dissector first, and port
 * 5900 belongs to VNC. spicecap takes port 5900 and hands every flow that
 * does not follow ryll's recorded convention (server 10.0.0.2:5900, client
 * 10.0.0.1) straight to the VNC dissector, so real VNC traffic decodes as
 * before. */
#include "spicecap_dissector.h"

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <string.h>
#include <epan/dissectors/packet-tcp.h>

#include "channels.h"
#include "format.h"
#include "segment.h"
#include "spice_names.h"
#include "bodies.h"
#include "stats.h"

/* A size field above this is not believed (documented in docs/plugin.md):
 * no SPICE sender writes a message this large, and reassembling it would
 * hold that much memory for a stranger's capture. */
#define SANE_MESSAGE_SIZE SPICECAP_SANE_MESSAGE_SIZE

static int proto_spicecap = -1;
static int hf_channel = -1, hf_direction = -1, hf_type = -1, hf_name = -1, hf_size = -1, hf_wire_size = -1,
           hf_segments = -1;
static int ett_spicecap = -1;
static expert_field ei_unknown_type = EI_INIT, ei_size_insane = EI_INIT, ei_dropped = EI_INIT;
static dissector_handle_t spicecap_handle, vnc_handle, dropped_handle;
static int spicecap_tap = -1;

static bool is_recorded(const packet_info *pinfo)
{
    if (pinfo->src.type != AT_IPv4 || pinfo->dst.type != AT_IPv4)
        return false;
    uint32_t src, dst; /* the address bytes sit inside the frame, unaligned */
    memcpy(&src, pinfo->src.data, 4);
    memcpy(&dst, pinfo->dst.data, 4);
    src = g_ntohl(src);
    dst = g_ntohl(dst);
    return (src == SPICECAP_SERVER_IP && pinfo->srcport == SPICECAP_SERVER_PORT && dst == SPICECAP_CLIENT_IP) ||
           (dst == SPICECAP_SERVER_IP && pinfo->destport == SPICECAP_SERVER_PORT && src == SPICECAP_CLIENT_IP);
}

static spicecap_direction direction_of(const packet_info *pinfo)
{
    return pinfo->srcport == SPICECAP_SERVER_PORT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
}

/* ryll's client ports; 10099 is every other channel, playback in practice. */
static unsigned channel_of(const packet_info *pinfo)
{
    uint16_t client = (uint16_t)(direction_of(pinfo) == SPICECAP_DIR_RECEIVED ? pinfo->destport : pinfo->srcport);
    unsigned channel = spicecap_channel_from_client_port(client);
    return channel ? channel : client == SPICECAP_CLIENT_PORT_OTHER ? SPICE_CHANNEL_PLAYBACK : 0;
}

static guint message_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    (void)pinfo, (void)data;
    guint32 size = tvb_get_letohl(tvb, offset + 2);
    if (size > SANE_MESSAGE_SIZE)
        return SPICECAP_MINI_HDR_LEN; /* shown alone, with an expert note, not reassembled */
    return SPICECAP_MINI_HDR_LEN + size;
}

static int dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    unsigned channel = channel_of(pinfo);
    spicecap_direction direction = direction_of(pinfo);
    guint16 type = tvb_get_letohs(tvb, 0);
    guint32 size = tvb_get_letohl(tvb, 2);
    const char *name = spicecap_message_name(channel, direction, type);
    const char *channel_name = spicecap_channel_name(channel) ? spicecap_channel_name(channel) : "unknown";
    guint wire = tvb_reported_length(tvb);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s %s %s", channel_name,
                        direction == SPICECAP_DIR_SENT ? "client" : "server", name ? name : "unknown");
    col_set_fence(pinfo->cinfo, COL_INFO);

    proto_item *top = proto_tree_add_item(tree, proto_spicecap, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", %s %s %s (%u bytes)", channel_name,
                           direction == SPICECAP_DIR_SENT ? "client" : "server", name ? name : "unknown", wire);
    proto_tree *t = proto_item_add_subtree(top, ett_spicecap);
    proto_item *pi = proto_tree_add_string(t, hf_channel, tvb, 0, 0, channel_name);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(t, hf_direction, tvb, 0, 0, direction == SPICECAP_DIR_SENT ? "sent" : "received");
    proto_item_set_generated(pi);
    proto_item *type_item = proto_tree_add_item(t, hf_type, tvb, 0, 2, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_string(t, hf_name, tvb, 0, 2, name ? name : "unknown");
    proto_item_set_generated(pi);
    proto_item *size_item = proto_tree_add_item(t, hf_size, tvb, 2, 4, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_uint(t, hf_wire_size, tvb, 0, wire, wire);
    proto_item_set_generated(pi);
    /* A recorded message fills segments of 65495 bytes but its last. */
    pi = proto_tree_add_uint(t, hf_segments, tvb, 0, 0, spicecap_segment_count_for(wire));
    proto_item_set_generated(pi);
    if (name == NULL)
        expert_add_info_format(pinfo, type_item, &ei_unknown_type, "Type %u is not a %s %s message", type,
                               channel_name, direction == SPICECAP_DIR_SENT ? "client" : "server");
    if (size > SANE_MESSAGE_SIZE)
        expert_add_info_format(pinfo, size_item, &ei_size_insane, "Size %u is over the %u-byte bound", size,
                               SANE_MESSAGE_SIZE);
    if (size <= SANE_MESSAGE_SIZE)
        spicecap_dissect_body(tvb_new_subset_remaining(tvb, SPICECAP_MINI_HDR_LEN), pinfo, t, channel, direction, type);
    spicecap_tap_info *info = wmem_new(pinfo->pool, spicecap_tap_info);
    info->channel = channel_name;
    info->direction = direction == SPICECAP_DIR_SENT ? "sent" : "received";
    info->name = name ? name : "unknown";
    info->wire_size = wire;
    tap_queue_packet(spicecap_tap, pinfo, info);
    return (int)tvb_captured_length(tvb);
}

/* Postdissector: a record with no bytes at all is how ryll's ring wrote a
 * message too big for one frame before the fix (the K2 bug). */
static int dissect_dropped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    if (tvb_reported_length(tvb) != 0)
        return 0;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    col_set_str(pinfo->cinfo, COL_INFO, "0-byte record: message dropped by the recorder");
    proto_item *item = proto_tree_add_item(tree, proto_spicecap, tvb, 0, 0, ENC_NA);
    expert_add_info(pinfo, item, &ei_dropped);
    return 0;
}

static int dissect_spicecap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!is_recorded(pinfo))
        return vnc_handle ? call_dissector_with_data(vnc_handle, tvb, pinfo, tree, data) : 0;
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, SPICECAP_MINI_HDR_LEN, message_len, dissect_message, data);
    return (int)tvb_captured_length(tvb);
}

void spicecap_register(void)
{
    static hf_register_info hf[] = {
        {&hf_channel, {"Channel", "spicecap.channel", FT_STRING, BASE_NONE, NULL, 0, "SPICE channel (from the client port)", HFILL}},
        {&hf_direction, {"Direction", "spicecap.direction", FT_STRING, BASE_NONE, NULL, 0, "sent (client to server) or received", HFILL}},
        {&hf_type, {"Message type", "spicecap.type", FT_UINT16, BASE_DEC, NULL, 0, "Mini header message type", HFILL}},
        {&hf_name, {"Message name", "spicecap.name", FT_STRING, BASE_NONE, NULL, 0, "spice-protocol's name of the type on this channel and direction", HFILL}},
        {&hf_size, {"Body size", "spicecap.size", FT_UINT32, BASE_DEC, NULL, 0, "Mini header body size", HFILL}},
        {&hf_wire_size, {"Wire size", "spicecap.wire_size", FT_UINT32, BASE_DEC, NULL, 0, "Message bytes with the mini header", HFILL}},
        {&hf_segments, {"Segments", "spicecap.segments", FT_UINT32, BASE_DEC, NULL, 0, "TCP segments that carry the message as recorded", HFILL}},
    };
    static int *ett[] = {&ett_spicecap};
    static ei_register_info ei[] = {
        {&ei_unknown_type, {"spicecap.unknown_type", PI_PROTOCOL, PI_WARN, "Unknown message type", EXPFILL}},
        {&ei_size_insane, {"spicecap.size_insane", PI_MALFORMED, PI_ERROR, "Size field larger than any sane message", EXPFILL}},
        {&ei_dropped, {"spicecap.dropped", PI_MALFORMED, PI_ERROR, "Message dropped by the recorder: a 0-byte record (the K2 bug)", EXPFILL}},
    };
    proto_spicecap = proto_register_protocol("SPICE (recorded by ryll)", "SPICEcap", "spicecap");
    proto_register_field_array(proto_spicecap, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_spicecap);
    expert_register_field_array(expert, ei, array_length(ei));
    spicecap_bodies_register(proto_spicecap);
    spicecap_handle = register_dissector("spicecap", dissect_spicecap, proto_spicecap);
    dropped_handle = create_dissector_handle(dissect_dropped, proto_spicecap);
    register_postdissector(dropped_handle);
    spicecap_tap = spicecap_stats_register();
}

void spicecap_handoff(void)
{
    vnc_handle = find_dissector("vnc");
    dissector_add_uint("tcp.port", SPICECAP_SERVER_PORT, spicecap_handle);
}
