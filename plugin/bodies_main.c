/* Main channel bodies: init, channels list, mouse mode, multimedia time,
 * the agent messages (with the VDAgent message type of agent data), name
 * and uuid; from the client, client info, the mouse mode request and the
 * agent's start, tokens and data. */
#include <spice/enums.h>
#include <spice/vd_agent.h>

#include "bodies_decode.h"
#include "link.h" /* spicecap_channel_type_format */

static int hf_session_id = -1, hf_display_hint = -1, hf_mouse_modes = -1, hf_mouse_mode = -1,
           hf_agent_connected = -1, hf_agent_tokens = -1, hf_mm_time = -1, hf_ram_hint = -1;
static int hf_channels_count = -1, hf_channel_type = -1, hf_channel_id = -1;
static int hf_agent_error = -1, hf_vdagent_type = -1, hf_vdagent_size = -1;
static int hf_name = -1, hf_uuid = -1, hf_cache_size = -1;
static int ett_channel = -1;


/* num_of_channels u32, then (u8 type, u8 id) pairs. */
static void channels_list(const body_ctx *c)
{
    int o = BODY_FIELDS(c, 0, {&hf_channels_count, 4});
    if (o < 0)
        return;
    guint32 count = tvb_get_letohl(c->tvb, 0);
    if (!body_have_entries(c, o, count, 2, "channel count"))
        return;
    guint32 shown = body_list_shown(c, count);
    for (guint32 i = 0; i < shown; i++) {
        body_ctx entry = body_entry(c, o, 2, ett_channel, "Channel", i);
        o = BODY_FIELDS(&entry, o, {&hf_channel_type, 1}, {&hf_channel_id, 1});
    }
}

/* A VDAgentMessage header starts the first chunk of each agent message; the
 * chunks after it (a message over one chunk) carry only data. */
static void agent_data(const body_ctx *c)
{
    if (!body_have(c, 0, 4, "agent protocol") || tvb_get_letohl(c->tvb, 0) != VD_AGENT_PROTOCOL)
        return;
    BODY_FIELDS(c, 0, {NULL, 4} /* protocol */, {&hf_vdagent_type, 4}, {NULL, 8} /* opaque */, {&hf_vdagent_size, 4});
}

static void main_server(const body_ctx *c, guint16 type)
{
    switch (type) {
    case SPICE_MSG_MAIN_INIT:
        BODY_FIELDS(c, 0, {&hf_session_id, 4}, {&hf_display_hint, 4}, {&hf_mouse_modes, 4}, {&hf_mouse_mode, 4},
                    {&hf_agent_connected, 4}, {&hf_agent_tokens, 4}, {&hf_mm_time, 4}, {&hf_ram_hint, 4});
        break;
    case SPICE_MSG_MAIN_CHANNELS_LIST:
        channels_list(c);
        break;
    case SPICE_MSG_MAIN_MOUSE_MODE: /* u16 supported, u16 current */
        BODY_FIELDS(c, 0, {&hf_mouse_modes, 2}, {&hf_mouse_mode, 2});
        break;
    case SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
        BODY_FIELDS(c, 0, {&hf_mm_time, 4});
        break;
    case SPICE_MSG_MAIN_AGENT_DISCONNECTED:
        BODY_FIELDS(c, 0, {&hf_agent_error, 4});
        break;
    case SPICE_MSG_MAIN_AGENT_DATA:
        agent_data(c);
        break;
    case SPICE_MSG_MAIN_AGENT_TOKEN:
    case SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
        BODY_FIELDS(c, 0, {&hf_agent_tokens, 4});
        break;
    case SPICE_MSG_MAIN_NAME: { /* name_len u32, name */
        if (BODY_FIELDS(c, 0, {NULL, 4}) < 0)
            break;
        guint32 len = tvb_get_letohl(c->tvb, 0);
        if (body_have_entries(c, 4, len, 1, "name length"))
            proto_tree_add_item(c->tree, hf_name, c->tvb, 4, (int)len, ENC_UTF_8);
        break;
    }
    case SPICE_MSG_MAIN_UUID:
        if (body_have(c, 0, 16, "UUID"))
            proto_tree_add_item(c->tree, hf_uuid, c->tvb, 0, 16, ENC_BIG_ENDIAN);
        break;
    }
}

static void main_client(const body_ctx *c, guint16 type)
{
    switch (type) {
    case SPICE_MSGC_MAIN_CLIENT_INFO:
        BODY_FIELDS(c, 0, {&hf_cache_size, 8});
        break;
    case SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST:
        BODY_FIELDS(c, 0, {&hf_mouse_mode, 2});
        break;
    case SPICE_MSGC_MAIN_AGENT_START:
    case SPICE_MSGC_MAIN_AGENT_TOKEN:
        BODY_FIELDS(c, 0, {&hf_agent_tokens, 4});
        break;
    case SPICE_MSGC_MAIN_AGENT_DATA:
        agent_data(c);
        break;
    }
}

void spicecap_body_main(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    if (direction == SPICECAP_DIR_RECEIVED)
        main_server(c, type);
    else
        main_client(c, type);
}

void spicecap_bodies_main_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_session_id, "Session id", "main.session_id", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_display_hint, "Display channels hint", "main.display_channels_hint", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mouse_modes, "Supported mouse modes", "main.mouse_modes", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_mouse_mode, "Current mouse mode", "main.mouse_mode", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_agent_connected, "Agent connected", "main.agent_connected", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_agent_tokens, "Agent tokens", "main.agent_tokens", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mm_time, "Multimedia time", "main.mm_time", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_ram_hint, "RAM hint", "main.ram_hint", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_channels_count, "Channels", "main.channels.count", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_channel_type, "Channel type", "main.channel.type", FT_UINT8, BASE_CUSTOM,
                   CF_FUNC(spicecap_channel_type_format)),
        BODY_FIELD(hf_channel_id, "Channel id", "main.channel.id", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_agent_error, "Agent disconnect error", "main.agent_error", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_link_errors)),
        BODY_FIELD(hf_vdagent_type, "VDAgent message type", "main.vdagent.type", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_vdagent_types)),
        BODY_FIELD(hf_vdagent_size, "VDAgent message size", "main.vdagent.size", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_name, "Guest name", "main.name", FT_STRING, BASE_NONE, NULL),
        BODY_FIELD(hf_uuid, "Guest UUID", "main.uuid", FT_GUID, BASE_NONE, NULL),
        BODY_FIELD(hf_cache_size, "Client cache size", "main.cache_size", FT_UINT64, BASE_DEC, NULL),
    };
    static int *ett[] = {&ett_channel};
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
