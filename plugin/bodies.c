/* Message bodies as fields: the common messages of every channel (types
 * below 101), and the dispatch to the decoders of each channel
 * (bodies_display.c, bodies_main.c, bodies_input.c, bodies_audio.c), which
 * share the helpers of body_fields.c.
 *
 * Only bounds-checked tvb accessors: a body shorter than its structure stops
 * its decode with an expert note instead of reading past it, and no count or
 * size field of the capture is used to allocate or loop without a bound. */
#include "bodies.h"

#include <spice/enums.h>

#include "bodies_decode.h"

static int hf_generation = -1, hf_window = -1, hf_ping_id = -1, hf_ping_time = -1, hf_migrate_flags = -1;
static int hf_wait_count = -1, hf_wait_channel_type = -1, hf_wait_channel_id = -1, hf_wait_serial = -1;
static int hf_time_stamp = -1, hf_reason = -1;
static int hf_notify_severity = -1, hf_notify_visibility = -1, hf_notify_what = -1, hf_notify_len = -1,
           hf_notify_message = -1;
static int ett_wait = -1;

/* Server: wait_count u8, then (u8 channel type, u8 channel id, u64 serial). */
static void wait_for_channels(const body_ctx *c)
{
    if (!body_have(c, 0, 1, "wait count"))
        return;
    guint8 count = tvb_get_uint8(c->tvb, 0);
    int o = body_add(c, hf_wait_count, 0, 1);
    if (!body_have_entries(c, o, count, 10, "wait count")) /* u8 count: at most 2550 bytes */
        return;
    for (guint8 i = 0; i < count; i++) {
        body_ctx entry = body_entry(c, o, 10, ett_wait, "Wait for channel", i);
        o = BODY_FIELDS(&entry, o, {&hf_wait_channel_type, 1}, {&hf_wait_channel_id, 1}, {&hf_wait_serial, 8});
    }
}

/* Server: time_stamp u64, severity, visibility, what, message_len (u32s), message. */
static void notify(const body_ctx *c)
{
    int o = BODY_FIELDS(c, 0, {&hf_time_stamp, 8}, {&hf_notify_severity, 4}, {&hf_notify_visibility, 4},
                        {&hf_notify_what, 4}, {&hf_notify_len, 4});
    if (o < 0)
        return;
    guint32 len = tvb_get_letohl(c->tvb, o - 4);
    if (body_have_entries(c, o, len, 1, "message length"))
        proto_tree_add_item(c->tree, hf_notify_message, c->tvb, o, (int)len, ENC_UTF_8);
}

static void common(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    if (direction == SPICECAP_DIR_RECEIVED) {
        switch (type) {
        case SPICE_MSG_MIGRATE:
            BODY_FIELDS(c, 0, {&hf_migrate_flags, 4});
            break;
        case SPICE_MSG_SET_ACK:
            BODY_FIELDS(c, 0, {&hf_generation, 4}, {&hf_window, 4});
            break;
        case SPICE_MSG_PING: /* then optional padding data */
            BODY_FIELDS(c, 0, {&hf_ping_id, 4}, {&hf_ping_time, 8});
            break;
        case SPICE_MSG_WAIT_FOR_CHANNELS:
            wait_for_channels(c);
            break;
        case SPICE_MSG_DISCONNECTING:
            BODY_FIELDS(c, 0, {&hf_time_stamp, 8}, {&hf_reason, 4});
            break;
        case SPICE_MSG_NOTIFY:
            notify(c);
            break;
        }
        return;
    }
    switch (type) {
    case SPICE_MSGC_ACK_SYNC:
        BODY_FIELDS(c, 0, {&hf_generation, 4});
        break;
    case SPICE_MSGC_PONG:
        BODY_FIELDS(c, 0, {&hf_ping_id, 4}, {&hf_ping_time, 8});
        break;
    case SPICE_MSGC_DISCONNECTING:
        BODY_FIELDS(c, 0, {&hf_time_stamp, 8}, {&hf_reason, 4});
        break;
    }
}

void spicecap_dissect_body(tvbuff_t *body, packet_info *pinfo, proto_tree *tree, unsigned channel,
                           spicecap_direction direction, guint16 type)
{
    /* Decoded even without a tree: tshark -z expert builds none and still
     * shows the short-body notes. Items on a NULL tree cost a test each. */
    body_ctx c = {body, pinfo, tree, proto_tree_get_parent(tree)};
    if (type <= SPICE_MSG_BASE_LAST) {
        common(&c, direction, type);
        return;
    }
    switch (channel) {
    case SPICE_CHANNEL_DISPLAY:
        spicecap_body_display(&c, direction, type);
        break;
    case SPICE_CHANNEL_INPUTS:
        spicecap_body_inputs(&c, direction, type);
        break;
    case SPICE_CHANNEL_CURSOR:
        spicecap_body_cursor(&c, direction, type);
        break;
    case SPICE_CHANNEL_MAIN:
        spicecap_body_main(&c, direction, type);
        break;
    case SPICE_CHANNEL_PLAYBACK:
        spicecap_body_playback(&c, direction, type);
        break;
    case SPICE_CHANNEL_RECORD:
        spicecap_body_record(&c, direction, type);
        break;
    }
}

void spicecap_bodies_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_generation, "Ack generation", "ack.generation", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_window, "Ack window", "ack.window", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_ping_id, "Ping id", "ping.id", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_ping_time, "Ping timestamp", "ping.timestamp", FT_UINT64, BASE_DEC, NULL),
        BODY_FIELD(hf_migrate_flags, "Migrate flags", "migrate.flags", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_wait_count, "Channels to wait for", "wait.count", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_wait_channel_type, "Wait channel type", "wait.channel_type", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_wait_channel_id, "Wait channel id", "wait.channel_id", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_wait_serial, "Wait message serial", "wait.serial", FT_UINT64, BASE_DEC, NULL),
        BODY_FIELD(hf_time_stamp, "Time stamp", "time_stamp", FT_UINT64, BASE_DEC, NULL),
        BODY_FIELD(hf_reason, "Disconnect reason", "disconnect.reason", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_link_errors)),
        BODY_FIELD(hf_notify_severity, "Notify severity", "notify.severity", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_notify_severities)),
        BODY_FIELD(hf_notify_visibility, "Notify visibility", "notify.visibility", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_notify_visibilities)),
        BODY_FIELD(hf_notify_what, "Notify code", "notify.what", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_notify_len, "Notify message length", "notify.message_len", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_notify_message, "Notify message", "notify.message", FT_STRING, BASE_NONE, NULL),
    };
    static int *ett[] = {&ett_wait};
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    spicecap_body_fields_register(proto);
    spicecap_bodies_display_register(proto);
    spicecap_bodies_main_register(proto);
    spicecap_bodies_input_register(proto);
    spicecap_bodies_audio_register(proto);
}
