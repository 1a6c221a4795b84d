/* Dissects SPICE messages in two kinds of TCP flow.
 *
 * Recorded flows (ryll's fake frames): each flow's channel comes from its
 * client port, 6-byte mini headers frame the messages from the first byte,
 * and messages are reassembled across TCP segments.
 *
 * Real connections, from their REDQ link header: the link stage (session.c
 * walks it, link.c shows it), then data messages with the mini header when
 * both sides offered it, the 18-byte data header otherwise; the channel
 * comes from the client's link message.
 *
 * Claiming the flows: TCP tries the lower port's dissector first, and port
 * 5900 belongs to VNC. spicecap takes port 5900 and decides per
 * conversation: recorded and real SPICE flows are its own, every other flow
 * goes straight to the VNC dissector, so real VNC traffic decodes as
 * before. On other ports the built-in SPICE dissector's heuristic keeps its
 * traffic unless a user picks spicecap with Decode As or enables the
 * spicecap_tcp heuristic. */
#include "spicecap_dissector.h"

#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <string.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/exceptions.h>
#include <epan/prefs.h>
#include <epan/show_exception.h>

#include "channels.h"
#include "format.h"
#include "spice_names.h"
#include "bodies.h"
#include "stats.h"
#include "link.h"
#include "link_stage.h"
#include "port_map.h"
#include "recorded.h"
#include "session.h"
#include "ws_compat.h"

static int proto_spicecap = -1;
static int hf_channel = -1, hf_direction = -1, hf_type = -1, hf_name = -1, hf_size = -1, hf_wire_size = -1,
           hf_segments = -1, hf_serial = -1, hf_sub_list = -1, hf_unframed = -1;
static int ett_spicecap = -1;
static expert_field ei_unknown_type = EI_INIT, ei_size_insane = EI_INIT, ei_dropped = EI_INIT;
static dissector_handle_t spicecap_handle, vnc_handle, dropped_handle;
static spicecap_ws_bool pref_real_connections = true;
static const char *pref_client_ports = "";
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
    return spicecap_recorded_flow(src, (uint16_t)pinfo->srcport, dst, (uint16_t)pinfo->destport);
}

static spicecap_direction recorded_direction(const packet_info *pinfo)
{
    return spicecap_recorded_direction((uint16_t)pinfo->srcport);
}

static unsigned recorded_channel(const packet_info *pinfo)
{
    bool received = recorded_direction(pinfo) == SPICECAP_DIR_RECEIVED;
    return spicecap_port_map_channel((guint16)(received ? pinfo->destport : pinfo->srcport));
}

static guint recorded_message_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    (void)pinfo, (void)data;
    return spicecap_session_pdu_len(SPICECAP_STAGE_MINI, tvb, offset); /* past the sane bound: the header alone */
}

/* One SPICE data message, whole in tvb, with its mini or data header. */
static void dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, unsigned channel,
                            spicecap_direction direction, bool data_header, bool recorded)
{
    const char *side = direction == SPICECAP_DIR_SENT ? "client" : "server";
    int type_at = (int)(data_header ? SPICECAP_DATA_HDR_TYPE_AT : SPICECAP_MINI_HDR_TYPE_AT);
    int size_at = (int)(data_header ? SPICECAP_DATA_HDR_SIZE_AT : SPICECAP_MINI_HDR_SIZE_AT);
    int header_len = (int)(data_header ? SPICECAP_DATA_HDR_LEN : SPICECAP_MINI_HDR_LEN);
    guint16 type = tvb_get_letohs(tvb, type_at);
    guint32 size = tvb_get_letohl(tvb, size_at);
    const char *name = spicecap_message_name(channel, direction, type);
    const char *channel_name = spicecap_channel_label(channel);
    guint wire = tvb_reported_length(tvb);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s %s %s", channel_name, side, name ? name : "unknown");
    col_set_fence(pinfo->cinfo, COL_INFO);

    proto_item *top = proto_tree_add_item(tree, proto_spicecap, tvb, 0, -1, ENC_NA);
    proto_item_append_text(top, ", %s %s %s (%u bytes)", channel_name, side, name ? name : "unknown", wire);
    proto_tree *t = proto_item_add_subtree(top, ett_spicecap);
    proto_item *pi = proto_tree_add_string(t, hf_channel, tvb, 0, 0, channel_name);
    proto_item_set_generated(pi);
    pi = proto_tree_add_string(t, hf_direction, tvb, 0, 0, direction == SPICECAP_DIR_SENT ? "sent" : "received");
    proto_item_set_generated(pi);
    if (data_header)
        proto_tree_add_item(t, hf_serial, tvb, (int)SPICECAP_DATA_HDR_SERIAL_AT, 8, ENC_LITTLE_ENDIAN);
    proto_item *type_item = proto_tree_add_item(t, hf_type, tvb, type_at, 2, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_string(t, hf_name, tvb, type_at, 2, name ? name : "unknown");
    proto_item_set_generated(pi);
    proto_item *size_item = proto_tree_add_item(t, hf_size, tvb, size_at, 4, ENC_LITTLE_ENDIAN);
    if (data_header)
        proto_tree_add_item(t, hf_sub_list, tvb, (int)SPICECAP_DATA_HDR_SUB_LIST_AT, 4, ENC_LITTLE_ENDIAN);
    pi = proto_tree_add_uint(t, hf_wire_size, tvb, 0, wire, wire);
    proto_item_set_generated(pi);
    if (recorded) {
        /* A recorded message fills segments of 65495 bytes but its last. */
        pi = proto_tree_add_uint(t, hf_segments, tvb, 0, 0, spicecap_segment_count_for(wire));
        proto_item_set_generated(pi);
    }
    if (name == NULL)
        expert_add_info_format(pinfo, type_item, &ei_unknown_type, "Type %u is not a %s %s message", type,
                               channel_name, side);
    if (size > SPICECAP_SANE_MESSAGE_SIZE) /* not believed: format.h says why */
        expert_add_info_format(pinfo, size_item, &ei_size_insane, "Size %u is over the %u-byte bound", size,
                               SPICECAP_SANE_MESSAGE_SIZE);
    else
        spicecap_dissect_body(tvb_new_subset_remaining(tvb, header_len), pinfo, t, channel, direction, type);
    spicecap_tap_info *info = wmem_new(pinfo->pool, spicecap_tap_info);
    info->channel = channel_name;
    info->direction = direction == SPICECAP_DIR_SENT ? "sent" : "received";
    info->name = name ? name : "unknown";
    info->wire_size = wire;
    tap_queue_packet(spicecap_tap, pinfo, info);
}

static int dissect_recorded_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    dissect_message(tvb, pinfo, tree, recorded_channel(pinfo), recorded_direction(pinfo), false, true);
    return (int)tvb_captured_length(tvb);
}

/* One PDU of a real connection, whole in pdu, at its stage. */
static void dissect_real_pdu(tvbuff_t *pdu, packet_info *pinfo, proto_tree *tree, spicecap_session *s,
                             spicecap_direction direction, spicecap_stage stage)
{
    if (!pinfo->fd->visited)
        spicecap_session_pdu_done(s, direction, stage, pdu);
    if (stage == SPICECAP_STAGE_MINI || stage == SPICECAP_STAGE_DATA) {
        dissect_message(pdu, pinfo, tree, s->link.channel, direction, stage == SPICECAP_STAGE_DATA, false);
        return;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    spicecap_link_dissect(pdu, pinfo, tree, stage, direction, spicecap_channel_label(s->link.channel));
    if (stage == SPICECAP_STAGE_UNFRAMEABLE || stage == SPICECAP_STAGE_NONE) {
        proto_tree_add_item(tree, hf_unframed, pdu, 0, -1, ENC_NA);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "bytes that cannot be framed");
    }
    col_set_fence(pinfo->cinfo, COL_INFO);
}

/* A malformed PDU is shown as such and the ones after it still decode. */
static void dissect_real_pdu_guarded(tvbuff_t *pdu, packet_info *pinfo, proto_tree *tree, spicecap_session *s,
                                     spicecap_direction direction, spicecap_stage stage)
{
    TRY {
        dissect_real_pdu(pdu, pinfo, tree, s, direction, stage);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(pdu, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
}

/* The PDUs of a real connection in one segment (or reassembled run). The
 * header length changes with the stage, so this is tcp_dissect_pdus's loop
 * with a fixed length per PDU. */
static int dissect_real(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_session *s)
{
    spicecap_direction direction = spicecap_session_direction(s, pinfo);
    int offset = 0;
    col_clear(pinfo->cinfo, COL_INFO);
    while (tvb_reported_length_remaining(tvb, offset) > 0) {
        spicecap_stage stage = spicecap_session_stage(s, tvb, offset, pinfo, proto_spicecap);
        guint have = (guint)tvb_captured_length_remaining(tvb, offset);
        guint need = spicecap_stage_fixed_len(stage);
        guint len = have < need ? need : spicecap_session_pdu_len(stage, tvb, offset);
        if (len > have && pinfo->can_desegment) {
            pinfo->desegment_offset = offset;
            pinfo->desegment_len = have < need ? DESEGMENT_ONE_MORE_SEGMENT : len - have;
            return (int)tvb_captured_length(tvb);
        }
        if (have < need) /* cut short and not reassembled: bytes only */
            stage = SPICECAP_STAGE_UNFRAMEABLE, len = (guint)tvb_reported_length_remaining(tvb, offset);
        tvbuff_t *pdu = tvb_new_subset_length_caplen(tvb, offset, (gint)MIN(have, len), (gint)len);
        dissect_real_pdu_guarded(pdu, pinfo, tree, s, direction, stage);
        offset += (int)len;
    }
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

/* A flow that is neither recorded nor SPICE from its start: on VNC's port
 * VNC gets it; elsewhere (Decode As) TCP tries the next dissector. */
static int hand_on(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    bool vnc_port = pinfo->srcport == SPICECAP_SERVER_PORT || pinfo->destport == SPICECAP_SERVER_PORT;
    return vnc_handle && vnc_port ? call_dissector_with_data(vnc_handle, tvb, pinfo, tree, data) : 0;
}

static int dissect_spicecap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (is_recorded(pinfo)) {
        col_clear(pinfo->cinfo, COL_INFO);
        tcp_dissect_pdus(tvb, pinfo, tree, TRUE, SPICECAP_MINI_HDR_LEN, recorded_message_len, dissect_recorded_message,
                         data);
        return (int)tvb_captured_length(tvb);
    }
    spicecap_session *s = pref_real_connections ? spicecap_session_get(tvb, pinfo, proto_spicecap) : NULL;
    if (s != NULL && s->kind == SESSION_REAL)
        return dissect_real(tvb, pinfo, tree, s);
    return hand_on(tvb, pinfo, tree, data);
}

/* Disabled by default: on ports other than 5900 the built-in SPICE
 * dissector's heuristic decodes real connections, and stays the default. */
static spicecap_ws_bool dissect_spicecap_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!pref_real_connections || !tvb_bytes_exist(tvb, 0, 4) || tvb_get_letohl(tvb, 0) != SPICECAP_LINK_MAGIC)
        return false;
    spicecap_session *s = spicecap_session_get(tvb, pinfo, proto_spicecap);
    if (s == NULL || s->kind != SESSION_REAL)
        return false;
    conversation_set_dissector(find_or_create_conversation(pinfo), spicecap_handle);
    dissect_real(tvb, pinfo, tree, s);
    (void)data;
    return true;
}

static void apply_prefs(void)
{
    spicecap_port_map_set(pref_client_ports);
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
        {&hf_serial, {"Serial", "spicecap.serial", FT_UINT64, BASE_DEC, NULL, 0, "Data header serial number (real connections without the mini header)", HFILL}},
        {&hf_sub_list, {"Sub-message list", "spicecap.sub_list", FT_UINT32, BASE_DEC, NULL, 0, "Data header offset of the sub-message list", HFILL}},
        {&hf_unframed, {"Bytes not framed", "spicecap.unframed", FT_BYTES, BASE_NONE, NULL, 0, "Bytes after a refused link, SASL or a header past the sane bound", HFILL}},
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
    spicecap_link_register(proto_spicecap);
    module_t *prefs = prefs_register_protocol(proto_spicecap, apply_prefs);
    prefs_register_string_preference(prefs, "client_ports", "Client ports of recorded flows",
                                     "Channels of recorded flows whose client ports are not ryll's, as "
                                     "PORT=CHANNEL pairs separated by commas (e.g. 20002=display,20003=inputs)",
                                     &pref_client_ports);
    prefs_register_bool_preference(prefs, "real_connections", "Dissect real SPICE connections",
                                   "Frame real SPICE connections from their link header (on port 5900, and "
                                   "where chosen with Decode As); off hands them to the other dissectors",
                                   &pref_real_connections);
    spicecap_handle = register_dissector("spicecap", dissect_spicecap, proto_spicecap);
    dropped_handle = create_dissector_handle(dissect_dropped, proto_spicecap);
    register_postdissector(dropped_handle);
    spicecap_tap = spicecap_stats_register();
}

void spicecap_handoff(void)
{
    vnc_handle = find_dissector("vnc");
    dissector_add_uint("tcp.port", SPICECAP_SERVER_PORT, spicecap_handle);
    heur_dissector_add("tcp", dissect_spicecap_heur, "SPICE connections (spicecap)", "spicecap_tcp", proto_spicecap,
                       HEURISTIC_DISABLE);
    apply_prefs();
}
