/* Dissects SPICE messages in two kinds of TCP flow.
 *
 * Recorded flows (ryll's fake frames): each flow's channel comes from its
 * client port, and the shared walker frames the messages from the first
 * byte, across gaps and desyncs, as the validator does (recorded_frames.c; what a
 * frame shows: recorded_show.c).
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
#include "link.h"
#include "link_stage.h"
#include "loss.h"
#include "loss_table.h"
#include "info_column.h"
#include "message.h"
#include "port_map.h"
#include "bodies.h"
#include "recorded.h"
#include "recorded_frames.h"
#include "recorded_show.h"
#include "session.h"
#include "stats.h"
#include "ws_compat.h"

static int proto_spicecap = -1;
static dissector_handle_t spicecap_handle, vnc_handle, dropped_handle;
static expert_field ei_dropped = EI_INIT;
static int ett_dropped = -1, spicecap_tap = -1;
static spicecap_ws_bool pref_real_connections = true;
static spicecap_ws_bool pref_keep_whole = false;
static guint pref_kept_bytes = 4096;
static const char *pref_client_ports = "";

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

/* One PDU of a real connection, whole in pdu, at its stage. */
static void dissect_real_pdu(tvbuff_t *pdu, packet_info *pinfo, proto_tree *tree, spicecap_session *s,
                             spicecap_direction direction, spicecap_stage stage)
{
    if (!pinfo->fd->visited)
        spicecap_session_pdu_done(s, direction, stage, pdu);
    if (stage == SPICECAP_STAGE_MINI || stage == SPICECAP_STAGE_DATA) {
        spicecap_message_view v = {s->link.channel, direction, stage == SPICECAP_STAGE_DATA, false, 0, 0,
                                   SPICECAP_TAP_MESSAGE};
        spicecap_dissect_message(pdu, pinfo, tree, &v, NULL);
        return;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    spicecap_link_dissect(pdu, pinfo, tree, stage, direction, spicecap_channel_label(s->link.channel));
    if (stage == SPICECAP_STAGE_UNFRAMEABLE || stage == SPICECAP_STAGE_NONE) {
        spicecap_message_add_unframed(tree, pdu, 0, -1);
        spicecap_info_sep(pinfo);
        col_append_str(pinfo->cinfo, COL_INFO, "bytes that cannot be framed");
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

/* A recorded frame (Ethernet, IPv4, TCP, as ryll builds them) whose TCP
 * segment carries no byte: TCP calls no dissector for it. */
static bool recorded_without_payload(tvbuff_t *tvb, packet_info *pinfo)
{
    if (pinfo->ptype != PT_TCP || !is_recorded(pinfo) || tvb_captured_length(tvb) < SPICECAP_FRAME_HDR_LEN ||
        tvb_get_ntohs(tvb, 12) != 0x0800)
        return false;
    guint ihl = (tvb_get_uint8(tvb, 14) & 15u) * 4u, total = tvb_get_ntohs(tvb, 16);
    if (ihl < 20 || tvb_captured_length(tvb) < 14 + ihl + 20)
        return false;
    guint data_offset = (tvb_get_uint8(tvb, 14 + ihl + 12) >> 4) * 4u;
    return total == ihl + data_offset;
}

/* Postdissector: a record with no bytes at all is how ryll's ring wrote a
 * message too big for one frame before the fix (the K2 bug). A recorded
 * segment of no payload is, in ryll's playback ring of bodies, an empty
 * body (stop): the walk of its flow says so. */
static int dissect_dropped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    if (tvb_reported_length(tvb) != 0) {
        if (recorded_without_payload(tvb, pinfo)) {
            spicecap_direction d = recorded_direction(pinfo);
            const spicecap_rec_frame *fr = spicecap_recorded_empty_frame(pinfo, proto_spicecap, d);
            if (fr != NULL && fr->count > 0)
                spicecap_recorded_show(tvb_new_subset_length_caplen(tvb, 0, 0, 0), pinfo, tree, fr,
                                       recorded_channel(pinfo), d);
        }
        return 0;
    }
    spicecap_recorded_empty_record(pinfo);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    col_set_str(pinfo->cinfo, COL_INFO, "0-byte record: message dropped by the recorder");
    proto_item *item = proto_tree_add_item(tree, proto_spicecap, tvb, 0, 0, ENC_NA);
    proto_tree *loss = spicecap_loss_add(tvb, pinfo, proto_item_add_subtree(item, ett_dropped), SPICECAP_LOSS_DROPPED,
                                         0, &ei_dropped, "0-byte record: a message the recorder dropped (the K2 bug)");
    spicecap_loss_explain(loss, tvb, "ryll's ring wrote a message too big for one frame as an empty record before "
                                     "the fix; its bytes are the seq gap in its flow's next frame");
    spicecap_tap_info *info = wmem_new0(pinfo->pool, spicecap_tap_info);
    info->kind = SPICECAP_TAP_DROPPED; /* no addresses: its flow is named by that gap, if ever */
    info->channel = SPICECAP_LOSS_UNKNOWN_CHANNEL;
    info->direction = SPICECAP_LOSS_UNKNOWN_DIRECTION;
    info->name = "unknown";
    tap_queue_packet(spicecap_tap, pinfo, info);
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
        if (pinfo->flags.in_error_pkt) /* a TCP header quoted in an ICMP error: not the flow's bytes */
            return (int)tvb_captured_length(tvb);
        const struct tcpinfo *tcp = pinfo->ptype == PT_TCP ? data : NULL;
        unsigned channel = recorded_channel(pinfo);
        spicecap_direction direction = recorded_direction(pinfo);
        const spicecap_rec_frame *fr = spicecap_recorded_frame(tvb, pinfo, tcp, proto_spicecap, channel, direction);
        if (fr != NULL)
            spicecap_recorded_show(tvb, pinfo, tree, fr, channel, direction);
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
    spicecap_recorded_set_keep(pref_kept_bytes, pref_keep_whole);
}

void spicecap_register(void)
{
    static ei_register_info ei[] = {
        {&ei_dropped, {"spicecap.dropped", PI_MALFORMED, PI_ERROR, "Message dropped by the recorder: a 0-byte record (the K2 bug)", EXPFILL}},
    };
    proto_spicecap = proto_register_protocol("SPICE (recorded by ryll)", "SPICEcap", "spicecap");
    expert_register_field_array(expert_register_protocol(proto_spicecap), ei, array_length(ei));
    static int *ett[] = {&ett_dropped};
    proto_register_subtree_array(ett, array_length(ett));
    spicecap_loss_register(proto_spicecap);
    spicecap_tap = spicecap_stats_register();
    int tap = spicecap_tap;
    spicecap_message_register(proto_spicecap, tap);
    spicecap_recorded_show_register(proto_spicecap, tap);
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
    prefs_register_uint_preference(prefs, "kept_bytes", "Bytes kept of a recorded message spanning frames",
                                   "A recorded message whose bytes span frames is shown in the frame that "
                                   "completes it from its first bytes, kept as they pass: how many (its length "
                                   "stays its wire size; body fields past them are not shown)",
                                   10, &pref_kept_bytes);
    prefs_register_bool_preference(prefs, "keep_whole_messages", "Keep whole recorded messages",
                                   "Keep every byte of a recorded message spanning frames (slower, and memory "
                                   "grows with the capture), not only its first spicecap.kept_bytes",
                                   &pref_keep_whole);
    spicecap_handle = register_dissector("spicecap", dissect_spicecap, proto_spicecap);
    dropped_handle = create_dissector_handle(dissect_dropped, proto_spicecap);
    register_postdissector(dropped_handle);
    register_cleanup_routine(spicecap_recorded_cleanup);
}

void spicecap_forget(conversation_t *conv)
{
    spicecap_recorded_forget(conv, proto_spicecap);
    conversation_delete_proto_data(conv, proto_spicecap);
}

void spicecap_handoff(void)
{
    vnc_handle = find_dissector("vnc");
    dissector_add_uint("tcp.port", SPICECAP_SERVER_PORT, spicecap_handle);
    heur_dissector_add("tcp", dissect_spicecap_heur, "SPICE connections (spicecap)", "spicecap_tcp", proto_spicecap,
                       HEURISTIC_DISABLE);
    apply_prefs();
}
