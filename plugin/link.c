/* The link stage of a real SPICE connection as fields. Offsets come from
 * spice-protocol's packed structures (link_stage.h); counts read from the
 * capture are bounded before they drive a loop. */
#include "link.h"

#include <epan/expert.h>
#include <stddef.h>

#include "channels.h"
#include "info_column.h"
#include "link_stage.h"
#include "spice_value_strings.h" /* generated from spice-protocol's headers */

/* Capability words shown one by one; a real link message has one or two. */
#define CAPS_SHOWN_MAX 32u

static int proto_link_owner = -1;
static int hf_magic = -1, hf_major = -1, hf_minor = -1, hf_link_size = -1;
static int hf_connection_id = -1, hf_channel_type = -1, hf_channel_id = -1;
static int hf_num_common = -1, hf_num_channel = -1, hf_caps_offset = -1, hf_common_caps = -1, hf_channel_cap = -1;
static int hf_cap_auth_selection = -1, hf_cap_auth_spice = -1, hf_cap_auth_sasl = -1, hf_cap_mini_header = -1;
static int hf_error = -1, hf_pub_key = -1, hf_auth_mechanism = -1, hf_ticket = -1, hf_result = -1;
static int ett_link = -1, ett_caps = -1;
static expert_field ei_bad_link = EI_INIT, ei_refused = EI_INIT;

void spicecap_channel_type_format(gchar *buf, guint32 value)
{
    snprintf(buf, ITEM_LABEL_LENGTH, "%s (%u)", spicecap_channel_label(value), value);
}

/* Capabilities: the common words (with the bits that shape the stream
 * named), then the channel's own words. */
static void add_caps(tvbuff_t *body, proto_tree *tree, guint32 count_at)
{
    static int *const common_bits[] = {&hf_cap_auth_selection, &hf_cap_auth_spice, &hf_cap_auth_sasl,
                                       &hf_cap_mini_header, NULL};
    guint32 common = tvb_get_letohl(body, count_at);
    guint32 channel = tvb_get_letohl(body, count_at + 4);
    guint32 at = tvb_get_letohl(body, count_at + 8);
    proto_tree_add_item(tree, hf_num_common, body, count_at, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_num_channel, body, count_at + 4, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_caps_offset, body, count_at + 8, 4, ENC_LITTLE_ENDIAN);
    for (guint32 i = 0; i < common && i < CAPS_SHOWN_MAX && tvb_bytes_exist(body, at, 4); i++, at += 4) {
        if (i == 0)
            proto_tree_add_bitmask(tree, body, at, hf_common_caps, ett_caps, common_bits, ENC_LITTLE_ENDIAN);
        else
            proto_tree_add_item(tree, hf_common_caps, body, at, 4, ENC_LITTLE_ENDIAN);
    }
    at = tvb_get_letohl(body, count_at + 8) + 4 * MIN(common, CAPS_SHOWN_MAX);
    for (guint32 i = 0; i < channel && i < CAPS_SHOWN_MAX && tvb_bytes_exist(body, at, 4); i++, at += 4)
        proto_tree_add_item(tree, hf_channel_cap, body, at, 4, ENC_LITTLE_ENDIAN);
}

/* The server's verdict (link reply error or link result): in the Info
 * column, and an expert note when it refuses. */
static void add_verdict(packet_info *pinfo, proto_item *top, proto_item *item, const char *channel_name,
                        const char *what, guint32 error)
{
    const char *name = val_to_str_const(error, spicecap_vs_link_errors, "unknown error");
    spicecap_info_sep(pinfo);
    col_append_fstr(pinfo->cinfo, COL_INFO, "%s server %s (%s)", channel_name, what, name);
    proto_item_append_text(top, ", %s server %s", channel_name, what);
    if (error != SPICE_LINK_ERR_OK)
        expert_add_info_format(pinfo, item, &ei_refused, "The server refused the link: %s", name);
}

static void dissect_link_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_direction direction,
                                 const char *channel_name, proto_item *top)
{
    guint32 magic = tvb_get_letohl(tvb, 0);
    guint32 size = tvb_get_letohl(tvb, SPICECAP_LINK_HEADER_SIZE_AT);
    proto_item *magic_item = proto_tree_add_item(tree, hf_magic, tvb, 0, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_major, tvb, offsetof(SpiceLinkHeader, major_version), 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_minor, tvb, offsetof(SpiceLinkHeader, minor_version), 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(tree, hf_link_size, tvb, SPICECAP_LINK_HEADER_SIZE_AT, 4, ENC_LITTLE_ENDIAN);
    if (!spicecap_link_header_plausible(tvb, 0)) {
        expert_add_info_format(pinfo, magic_item, &ei_bad_link, "Not a SPICE link header (magic 0x%08x, size %u)",
                               magic, size);
        spicecap_info_sep(pinfo);
        col_append_str(pinfo->cinfo, COL_INFO, "bad link header");
        return;
    }
    tvbuff_t *body = tvb_new_subset_remaining(tvb, SPICECAP_LINK_HEADER_LEN);
    if (direction == SPICECAP_DIR_SENT) {
        proto_tree_add_item(tree, hf_connection_id, body, 0, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(tree, hf_channel_type, body, SPICECAP_LINK_MESS_CHANNEL_TYPE_AT, 1, ENC_NA);
        proto_tree_add_item(tree, hf_channel_id, body, SPICECAP_LINK_MESS_CHANNEL_ID_AT, 1, ENC_NA);
        add_caps(body, tree, SPICECAP_LINK_MESS_COMMON_CAPS_AT);
        spicecap_info_sep(pinfo);
        col_append_fstr(pinfo->cinfo, COL_INFO, "%s client link message", channel_name);
        proto_item_append_text(top, ", %s client link message", channel_name);
        return;
    }
    guint32 error;
    proto_item *error_item = proto_tree_add_item_ret_uint(tree, hf_error, body, 0, 4, ENC_LITTLE_ENDIAN, &error);
    proto_tree_add_item(tree, hf_pub_key, body, 4, SPICECAP_LINK_REPLY_PUB_KEY_LEN, ENC_NA);
    add_caps(body, tree, SPICECAP_LINK_REPLY_COMMON_CAPS_AT);
    add_verdict(pinfo, top, error_item, channel_name, "link reply", error);
}

void spicecap_link_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_stage stage,
                           spicecap_direction direction, const char *channel_name)
{
    guint32 value = 0;
    const char *side = direction == SPICECAP_DIR_SENT ? "client" : "server";
    proto_item *top = proto_tree_add_item(tree, proto_link_owner, tvb, 0, -1, ENC_NA);
    proto_tree *t = proto_item_add_subtree(top, ett_link);
    proto_item *item;
    switch (stage) {
    case SPICECAP_STAGE_LINK:
        dissect_link_message(tvb, pinfo, t, direction, channel_name, top);
        break;
    case SPICECAP_STAGE_AUTH_MECHANISM:
        proto_tree_add_item_ret_uint(t, hf_auth_mechanism, tvb, 0, 4, ENC_LITTLE_ENDIAN, &value);
        spicecap_info_sep(pinfo);
        col_append_fstr(pinfo->cinfo, COL_INFO, "%s client auth mechanism %s", channel_name,
                        val_to_str_const(value, spicecap_vs_auth_mechanisms, "unknown"));
        proto_item_append_text(top, ", %s client auth mechanism", channel_name);
        break;
    case SPICECAP_STAGE_TICKET:
        proto_tree_add_item(t, hf_ticket, tvb, 0, SPICECAP_LINK_TICKET_LEN, ENC_NA);
        spicecap_info_sep(pinfo);
        col_append_fstr(pinfo->cinfo, COL_INFO, "%s client ticket", channel_name);
        proto_item_append_text(top, ", %s client ticket", channel_name);
        break;
    case SPICECAP_STAGE_LINK_RESULT:
        item = proto_tree_add_item_ret_uint(t, hf_result, tvb, 0, 4, ENC_LITTLE_ENDIAN, &value);
        add_verdict(pinfo, top, item, channel_name, "link result", value);
        break;
    default:
        proto_item_append_text(top, ", %s %s bytes that cannot be framed", channel_name, side);
        break;
    }
}

void spicecap_link_register(int proto)
{
    static hf_register_info hf[] = {
        {&hf_magic, {"Link magic", "spicecap.link.magic", FT_UINT32, BASE_HEX, NULL, 0, "\"REDQ\"", HFILL}},
        {&hf_major, {"Major version", "spicecap.link.major", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_minor, {"Minor version", "spicecap.link.minor", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_link_size, {"Link body size", "spicecap.link.size", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_connection_id, {"Connection id", "spicecap.link.connection_id", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_channel_type, {"Channel type", "spicecap.link.channel_type", FT_UINT8, BASE_CUSTOM,
                            CF_FUNC(spicecap_channel_type_format), 0, NULL, HFILL}},
        {&hf_channel_id, {"Channel id", "spicecap.link.channel_id", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_num_common, {"Common capability words", "spicecap.link.num_common_caps", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_num_channel, {"Channel capability words", "spicecap.link.num_channel_caps", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_caps_offset, {"Capabilities offset", "spicecap.link.caps_offset", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_common_caps, {"Common capabilities", "spicecap.link.common_caps", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_cap_auth_selection, {"Auth selection", "spicecap.link.cap.auth_selection", FT_BOOLEAN, 32, NULL,
                                  1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, NULL, HFILL}},
        {&hf_cap_auth_spice, {"Auth spice", "spicecap.link.cap.auth_spice", FT_BOOLEAN, 32, NULL,
                              1u << SPICE_COMMON_CAP_AUTH_SPICE, NULL, HFILL}},
        {&hf_cap_auth_sasl, {"Auth SASL", "spicecap.link.cap.auth_sasl", FT_BOOLEAN, 32, NULL,
                             1u << SPICE_COMMON_CAP_AUTH_SASL, NULL, HFILL}},
        {&hf_cap_mini_header, {"Mini header", "spicecap.link.cap.mini_header", FT_BOOLEAN, 32, NULL,
                               1u << SPICE_COMMON_CAP_MINI_HEADER, NULL, HFILL}},
        {&hf_channel_cap, {"Channel capabilities", "spicecap.link.channel_caps", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_error, {"Link error", "spicecap.link.error", FT_UINT32, BASE_DEC, VALS(spicecap_vs_link_errors), 0, NULL, HFILL}},
        {&hf_pub_key, {"Public key", "spicecap.link.pub_key", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_auth_mechanism, {"Auth mechanism", "spicecap.link.auth_mechanism", FT_UINT32, BASE_DEC,
                              VALS(spicecap_vs_auth_mechanisms), 0, NULL, HFILL}},
        {&hf_ticket, {"Encrypted ticket", "spicecap.link.ticket", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_result, {"Link result", "spicecap.link.result", FT_UINT32, BASE_DEC, VALS(spicecap_vs_link_errors), 0, NULL, HFILL}},
    };
    static int *ett[] = {&ett_link, &ett_caps};
    static ei_register_info ei[] = {
        {&ei_bad_link, {"spicecap.link.bad", PI_MALFORMED, PI_ERROR, "Not a SPICE link header", EXPFILL}},
        {&ei_refused, {"spicecap.link.refused", PI_RESPONSE_CODE, PI_WARN, "The server refused the link", EXPFILL}},
    };
    proto_link_owner = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
