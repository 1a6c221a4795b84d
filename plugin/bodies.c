/* Body decoders, laid out as spice.proto marshals them (little-endian,
 * packed; a pointer is a u32 offset from the start of the body). Only
 * bounds-checked tvb accessors: a body shorter than its structure stops the
 * decode with an expert note instead of reading past it. */
#include "bodies.h"

#include <epan/expert.h>
#include <spice/enums.h>

#include "channels.h"

static int hf_surface_id = -1, hf_box_top = -1, hf_box_left = -1, hf_box_bottom = -1, hf_box_right = -1,
           hf_clip_type = -1, hf_clip_rects = -1;
static int hf_image_id = -1, hf_image_type = -1, hf_image_width = -1, hf_image_height = -1, hf_image_data_size = -1;
static int hf_surface_width = -1, hf_surface_height = -1, hf_surface_format = -1;
static int hf_stream_id = -1, hf_stream_mm_time = -1, hf_stream_data_size = -1, hf_stream_codec = -1,
           hf_stream_width = -1, hf_stream_height = -1;
static int hf_scancode = -1, hf_modifiers = -1, hf_mouse_dx = -1, hf_mouse_dy = -1, hf_mouse_x = -1, hf_mouse_y = -1,
           hf_buttons = -1, hf_button = -1, hf_display_id = -1;
static int hf_cursor_x = -1, hf_cursor_y = -1, hf_cursor_visible = -1;
static int hf_session_id = -1, hf_mouse_modes = -1, hf_mouse_mode = -1, hf_mm_time = -1, hf_agent_tokens = -1,
           hf_vdagent_type = -1, hf_vdagent_size = -1;
static int hf_generation = -1, hf_window = -1, hf_ping_id = -1, hf_ping_time = -1;
static int hf_audio_time = -1, hf_audio_channels = -1, hf_audio_frequency = -1, hf_audio_mode = -1;
static int ett_body = -1;
static expert_field ei_short_body = EI_INIT;

static const value_string image_types[] = {
    {SPICE_IMAGE_TYPE_BITMAP, "bitmap"}, {SPICE_IMAGE_TYPE_QUIC, "quic"}, {SPICE_IMAGE_TYPE_LZ_PLT, "lz_plt"},
    {SPICE_IMAGE_TYPE_LZ_RGB, "lz_rgb"}, {SPICE_IMAGE_TYPE_GLZ_RGB, "glz_rgb"}, {SPICE_IMAGE_TYPE_FROM_CACHE, "from_cache"},
    {SPICE_IMAGE_TYPE_SURFACE, "surface"}, {SPICE_IMAGE_TYPE_JPEG, "jpeg"},
    {SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS, "from_cache_lossless"}, {SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB, "zlib_glz_rgb"},
    {SPICE_IMAGE_TYPE_JPEG_ALPHA, "jpeg_alpha"}, {SPICE_IMAGE_TYPE_LZ4, "lz4"}, {0, NULL}};

/* Stop a decode that would read past the body, with the expert note. */
static bool have(tvbuff_t *tvb, packet_info *pinfo, proto_item *item, int offset, int len)
{
    if (tvb_bytes_exist(tvb, offset, len))
        return true;
    expert_add_info_format(pinfo, item, &ei_short_body, "Body of %u bytes is shorter than its structure (%d needed)",
                           tvb_reported_length(tvb), offset + len);
    return false;
}

static int add(proto_tree *t, int hf, tvbuff_t *tvb, int offset, int len)
{
    proto_tree_add_item(t, hf, tvb, offset, len, ENC_LITTLE_ENDIAN);
    return offset + len;
}

/* DisplayBase: surface_id, box, clip; returns the offset after it or -1. */
static int display_base(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item)
{
    if (!have(tvb, pinfo, item, 0, 21))
        return -1;
    int o = add(t, hf_surface_id, tvb, 0, 4);
    o = add(t, hf_box_top, tvb, o, 4);
    o = add(t, hf_box_left, tvb, o, 4);
    o = add(t, hf_box_bottom, tvb, o, 4);
    o = add(t, hf_box_right, tvb, o, 4);
    guint8 clip = tvb_get_guint8(tvb, o);
    o = add(t, hf_clip_type, tvb, o, 1);
    if (clip == SPICE_CLIP_TYPE_RECTS) {
        if (!have(tvb, pinfo, item, o, 4))
            return -1;
        guint32 n = tvb_get_letohl(tvb, o);
        o = add(t, hf_clip_rects, tvb, o, 4);
        if (n > (guint32)tvb_reported_length(tvb) / 16 || !have(tvb, pinfo, item, o, (int)n * 16))
            return -1;
        o += (int)n * 16;
    }
    return o;
}

/* The image a draw_* message points at: descriptor and, for bitmaps, data size. */
static void image_at(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, int pointer_offset)
{
    if (!have(tvb, pinfo, item, pointer_offset, 4))
        return;
    guint32 at = tvb_get_letohl(tvb, pointer_offset);
    if (at == 0 || at > tvb_reported_length(tvb) || !have(tvb, pinfo, item, (int)at, 18))
        return;
    int o = add(t, hf_image_id, tvb, (int)at, 8);
    guint8 type = tvb_get_guint8(tvb, o);
    o = add(t, hf_image_type, tvb, o, 1) + 1; /* descriptor flags */
    o = add(t, hf_image_width, tvb, o, 4);
    o = add(t, hf_image_height, tvb, o, 4);
    if (type == SPICE_IMAGE_TYPE_BITMAP && have(tvb, pinfo, item, o, 18)) {
        guint32 stride = tvb_get_letohl(tvb, o + 10), rows = tvb_get_letohl(tvb, o + 6);
        guint64 size = (guint64)stride * rows; /* computed, never allocated */
        proto_item *pi = proto_tree_add_uint64(t, hf_image_data_size, tvb, o, 18, size);
        proto_item_set_generated(pi);
    }
}

static void display(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, guint16 type)
{
    int o;
    switch (type) {
    case SPICE_MSG_DISPLAY_SURFACE_CREATE:
        if (have(tvb, pinfo, item, 0, 20)) {
            o = add(t, hf_surface_id, tvb, 0, 4);
            o = add(t, hf_surface_width, tvb, o, 4);
            o = add(t, hf_surface_height, tvb, o, 4);
            add(t, hf_surface_format, tvb, o, 4);
        }
        break;
    case SPICE_MSG_DISPLAY_SURFACE_DESTROY:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_surface_id, tvb, 0, 4);
        break;
    case SPICE_MSG_DISPLAY_DRAW_COPY:
    case SPICE_MSG_DISPLAY_DRAW_OPAQUE:
    case SPICE_MSG_DISPLAY_DRAW_BLEND:
        if ((o = display_base(tvb, pinfo, t, item)) >= 0)
            image_at(tvb, pinfo, t, item, o); /* src_bitmap is the first field after the base */
        break;
    case SPICE_MSG_DISPLAY_STREAM_CREATE:
        if (have(tvb, pinfo, item, 0, 26)) {
            o = add(t, hf_surface_id, tvb, 0, 4);
            o = add(t, hf_stream_id, tvb, o, 4) + 1; /* flags */
            o = add(t, hf_stream_codec, tvb, o, 1) + 8; /* stamp */
            o = add(t, hf_stream_width, tvb, o, 4);
            add(t, hf_stream_height, tvb, o, 4);
        }
        break;
    case SPICE_MSG_DISPLAY_STREAM_DATA:
        if (have(tvb, pinfo, item, 0, 12)) {
            o = add(t, hf_stream_id, tvb, 0, 4);
            o = add(t, hf_stream_mm_time, tvb, o, 4);
            add(t, hf_stream_data_size, tvb, o, 4);
        }
        break;
    case SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
        if (have(tvb, pinfo, item, 0, 36)) {
            o = add(t, hf_stream_id, tvb, 0, 4);
            o = add(t, hf_stream_mm_time, tvb, o, 4);
            o = add(t, hf_stream_width, tvb, o, 4);
            o = add(t, hf_stream_height, tvb, o, 4) + 16; /* dest */
            add(t, hf_stream_data_size, tvb, o, 4);
        }
        break;
    case SPICE_MSG_DISPLAY_STREAM_CLIP:
    case SPICE_MSG_DISPLAY_STREAM_DESTROY:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_stream_id, tvb, 0, 4);
        break;
    default:
        if (type >= SPICE_MSG_DISPLAY_DRAW_FILL && type <= SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND)
            display_base(tvb, pinfo, t, item); /* every draw_* starts with the display base */
        break;
    }
}

static void inputs_client(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, guint16 type)
{
    int o;
    switch (type) {
    case SPICE_MSGC_INPUTS_KEY_DOWN:
    case SPICE_MSGC_INPUTS_KEY_UP:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_scancode, tvb, 0, 4);
        break;
    case SPICE_MSGC_INPUTS_KEY_MODIFIERS:
        if (have(tvb, pinfo, item, 0, 2))
            add(t, hf_modifiers, tvb, 0, 2);
        break;
    case SPICE_MSGC_INPUTS_MOUSE_MOTION:
        if (have(tvb, pinfo, item, 0, 10)) {
            o = add(t, hf_mouse_dx, tvb, 0, 4);
            o = add(t, hf_mouse_dy, tvb, o, 4);
            add(t, hf_buttons, tvb, o, 2);
        }
        break;
    case SPICE_MSGC_INPUTS_MOUSE_POSITION:
        if (have(tvb, pinfo, item, 0, 11)) {
            o = add(t, hf_mouse_x, tvb, 0, 4);
            o = add(t, hf_mouse_y, tvb, o, 4);
            o = add(t, hf_buttons, tvb, o, 2);
            add(t, hf_display_id, tvb, o, 1);
        }
        break;
    case SPICE_MSGC_INPUTS_MOUSE_PRESS:
    case SPICE_MSGC_INPUTS_MOUSE_RELEASE:
        if (have(tvb, pinfo, item, 0, 3)) {
            o = add(t, hf_button, tvb, 0, 1);
            add(t, hf_buttons, tvb, o, 2);
        }
        break;
    }
}

static void cursor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, guint16 type)
{
    if (type == SPICE_MSG_CURSOR_INIT || type == SPICE_MSG_CURSOR_SET || type == SPICE_MSG_CURSOR_MOVE) {
        if (!have(tvb, pinfo, item, 0, 4))
            return;
        int o = add(t, hf_cursor_x, tvb, 0, 2);
        o = add(t, hf_cursor_y, tvb, o, 2);
        if (type == SPICE_MSG_CURSOR_SET && have(tvb, pinfo, item, o, 1))
            add(t, hf_cursor_visible, tvb, o, 1);
        if (type == SPICE_MSG_CURSOR_INIT && have(tvb, pinfo, item, o, 5))
            add(t, hf_cursor_visible, tvb, o + 4, 1);
    }
}

static void main_channel(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item,
                         spicecap_direction direction, guint16 type)
{
    int o;
    if (direction == SPICECAP_DIR_SENT) {
        if (type == SPICE_MSGC_MAIN_AGENT_DATA && have(tvb, pinfo, item, 0, 20)) {
            add(t, hf_vdagent_type, tvb, 4, 4);
            add(t, hf_vdagent_size, tvb, 16, 4);
        }
        return;
    }
    switch (type) {
    case SPICE_MSG_MAIN_INIT:
        if (have(tvb, pinfo, item, 0, 32)) {
            o = add(t, hf_session_id, tvb, 0, 4) + 4;
            o = add(t, hf_mouse_modes, tvb, o, 4);
            o = add(t, hf_mouse_mode, tvb, o, 4) + 4;
            o = add(t, hf_agent_tokens, tvb, o, 4);
            add(t, hf_mm_time, tvb, o, 4);
        }
        break;
    case SPICE_MSG_MAIN_MOUSE_MODE:
        if (have(tvb, pinfo, item, 0, 4)) {
            proto_tree_add_item(t, hf_mouse_modes, tvb, 0, 2, ENC_LITTLE_ENDIAN);
            proto_tree_add_item(t, hf_mouse_mode, tvb, 2, 2, ENC_LITTLE_ENDIAN);
        }
        break;
    case SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_mm_time, tvb, 0, 4);
        break;
    case SPICE_MSG_MAIN_AGENT_TOKEN:
    case SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_agent_tokens, tvb, 0, 4);
        break;
    case SPICE_MSG_MAIN_AGENT_DATA:
        if (have(tvb, pinfo, item, 0, 20)) {
            add(t, hf_vdagent_type, tvb, 4, 4);
            add(t, hf_vdagent_size, tvb, 16, 4);
        }
        break;
    }
}

static void playback(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, guint16 type)
{
    int o;
    switch (type) {
    case SPICE_MSG_PLAYBACK_START:
        if (have(tvb, pinfo, item, 0, 14)) {
            o = add(t, hf_audio_channels, tvb, 0, 4) + 2; /* format */
            o = add(t, hf_audio_frequency, tvb, o, 4);
            add(t, hf_audio_time, tvb, o, 4);
        }
        break;
    case SPICE_MSG_PLAYBACK_MODE:
        if (have(tvb, pinfo, item, 0, 6)) {
            o = add(t, hf_audio_time, tvb, 0, 4);
            add(t, hf_audio_mode, tvb, o, 2);
        }
        break;
    case SPICE_MSG_PLAYBACK_DATA:
        if (have(tvb, pinfo, item, 0, 4))
            add(t, hf_audio_time, tvb, 0, 4);
        break;
    }
}

/* The common messages (types below 101) every channel shares. */
static void common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, proto_item *item, spicecap_direction direction,
                   guint16 type)
{
    int o;
    if (direction == SPICECAP_DIR_RECEIVED && type == SPICE_MSG_SET_ACK && have(tvb, pinfo, item, 0, 8)) {
        o = add(t, hf_generation, tvb, 0, 4);
        add(t, hf_window, tvb, o, 4);
    } else if (direction == SPICECAP_DIR_SENT && type == SPICE_MSGC_ACK_SYNC && have(tvb, pinfo, item, 0, 4)) {
        add(t, hf_generation, tvb, 0, 4);
    } else if (((direction == SPICECAP_DIR_RECEIVED && type == SPICE_MSG_PING) ||
                (direction == SPICECAP_DIR_SENT && type == SPICE_MSGC_PONG)) &&
               have(tvb, pinfo, item, 0, 12)) {
        o = add(t, hf_ping_id, tvb, 0, 4);
        add(t, hf_ping_time, tvb, o, 8);
    }
}

void spicecap_dissect_body(tvbuff_t *body, packet_info *pinfo, proto_tree *tree, unsigned channel,
                           spicecap_direction direction, guint16 type)
{
    if (tvb_reported_length(body) == 0 && type >= 101 && channel != SPICE_CHANNEL_DISPLAY)
        return;
    proto_item *item = proto_tree_get_parent(tree);
    if (type < 101) {
        common(body, pinfo, tree, item, direction, type);
        return;
    }
    switch (channel) {
    case SPICE_CHANNEL_DISPLAY:
        if (direction == SPICECAP_DIR_RECEIVED)
            display(body, pinfo, tree, item, type);
        break;
    case SPICE_CHANNEL_INPUTS:
        if (direction == SPICECAP_DIR_SENT)
            inputs_client(body, pinfo, tree, item, type);
        else if ((type == SPICE_MSG_INPUTS_INIT || type == SPICE_MSG_INPUTS_KEY_MODIFIERS) &&
                 have(body, pinfo, item, 0, 2))
            add(tree, hf_modifiers, body, 0, 2);
        break;
    case SPICE_CHANNEL_CURSOR:
        if (direction == SPICECAP_DIR_RECEIVED)
            cursor(body, pinfo, tree, item, type);
        break;
    case SPICE_CHANNEL_MAIN:
        main_channel(body, pinfo, tree, item, direction, type);
        break;
    case SPICE_CHANNEL_PLAYBACK:
        if (direction == SPICECAP_DIR_RECEIVED)
            playback(body, pinfo, tree, item, type);
        break;
    }
}

#define F(var, name, abbrev, type, base, vals) {&var, {name, "spicecap." abbrev, type, base, vals, 0, NULL, HFILL}}

void spicecap_bodies_register(int proto)
{
    static hf_register_info hf[] = {
        F(hf_surface_id, "Surface id", "display.surface_id", FT_UINT32, BASE_DEC, NULL),
        F(hf_box_top, "Box top", "display.box.top", FT_INT32, BASE_DEC, NULL),
        F(hf_box_left, "Box left", "display.box.left", FT_INT32, BASE_DEC, NULL),
        F(hf_box_bottom, "Box bottom", "display.box.bottom", FT_INT32, BASE_DEC, NULL),
        F(hf_box_right, "Box right", "display.box.right", FT_INT32, BASE_DEC, NULL),
        F(hf_clip_type, "Clip type", "display.clip.type", FT_UINT8, BASE_DEC, NULL),
        F(hf_clip_rects, "Clip rectangles", "display.clip.rects", FT_UINT32, BASE_DEC, NULL),
        F(hf_image_id, "Image id", "display.image.id", FT_UINT64, BASE_HEX, NULL),
        F(hf_image_type, "Image type", "display.image.type", FT_UINT8, BASE_DEC, VALS(image_types)),
        F(hf_image_width, "Image width", "display.image.width", FT_UINT32, BASE_DEC, NULL),
        F(hf_image_height, "Image height", "display.image.height", FT_UINT32, BASE_DEC, NULL),
        F(hf_image_data_size, "Image data size", "display.image.data_size", FT_UINT64, BASE_DEC, NULL),
        F(hf_surface_width, "Surface width", "display.surface.width", FT_UINT32, BASE_DEC, NULL),
        F(hf_surface_height, "Surface height", "display.surface.height", FT_UINT32, BASE_DEC, NULL),
        F(hf_surface_format, "Surface format", "display.surface.format", FT_UINT32, BASE_DEC, NULL),
        F(hf_stream_id, "Stream id", "display.stream.id", FT_UINT32, BASE_DEC, NULL),
        F(hf_stream_mm_time, "Stream multimedia time", "display.stream.mm_time", FT_UINT32, BASE_DEC, NULL),
        F(hf_stream_data_size, "Stream data size", "display.stream.data_size", FT_UINT32, BASE_DEC, NULL),
        F(hf_stream_codec, "Stream codec", "display.stream.codec", FT_UINT8, BASE_DEC, NULL),
        F(hf_stream_width, "Stream width", "display.stream.width", FT_UINT32, BASE_DEC, NULL),
        F(hf_stream_height, "Stream height", "display.stream.height", FT_UINT32, BASE_DEC, NULL),
        F(hf_scancode, "Scancode", "inputs.scancode", FT_UINT32, BASE_HEX, NULL),
        F(hf_modifiers, "Keyboard modifiers", "inputs.modifiers", FT_UINT16, BASE_HEX, NULL),
        F(hf_mouse_dx, "Mouse dx", "inputs.mouse.dx", FT_INT32, BASE_DEC, NULL),
        F(hf_mouse_dy, "Mouse dy", "inputs.mouse.dy", FT_INT32, BASE_DEC, NULL),
        F(hf_mouse_x, "Mouse x", "inputs.mouse.x", FT_UINT32, BASE_DEC, NULL),
        F(hf_mouse_y, "Mouse y", "inputs.mouse.y", FT_UINT32, BASE_DEC, NULL),
        F(hf_buttons, "Buttons state", "inputs.mouse.buttons", FT_UINT16, BASE_HEX, NULL),
        F(hf_button, "Button", "inputs.mouse.button", FT_UINT8, BASE_DEC, NULL),
        F(hf_display_id, "Display id", "inputs.mouse.display", FT_UINT8, BASE_DEC, NULL),
        F(hf_cursor_x, "Cursor x", "cursor.x", FT_INT16, BASE_DEC, NULL),
        F(hf_cursor_y, "Cursor y", "cursor.y", FT_INT16, BASE_DEC, NULL),
        F(hf_cursor_visible, "Cursor visible", "cursor.visible", FT_UINT8, BASE_DEC, NULL),
        F(hf_session_id, "Session id", "main.session_id", FT_UINT32, BASE_HEX, NULL),
        F(hf_mouse_modes, "Supported mouse modes", "main.mouse_modes", FT_UINT32, BASE_HEX, NULL),
        F(hf_mouse_mode, "Current mouse mode", "main.mouse_mode", FT_UINT32, BASE_DEC, NULL),
        F(hf_mm_time, "Multimedia time", "main.mm_time", FT_UINT32, BASE_DEC, NULL),
        F(hf_agent_tokens, "Agent tokens", "main.agent_tokens", FT_UINT32, BASE_DEC, NULL),
        F(hf_vdagent_type, "VDAgent message type", "main.vdagent.type", FT_UINT32, BASE_DEC, NULL),
        F(hf_vdagent_size, "VDAgent message size", "main.vdagent.size", FT_UINT32, BASE_DEC, NULL),
        F(hf_generation, "Ack generation", "ack.generation", FT_UINT32, BASE_DEC, NULL),
        F(hf_window, "Ack window", "ack.window", FT_UINT32, BASE_DEC, NULL),
        F(hf_ping_id, "Ping id", "ping.id", FT_UINT32, BASE_DEC, NULL),
        F(hf_ping_time, "Ping timestamp", "ping.timestamp", FT_UINT64, BASE_DEC, NULL),
        F(hf_audio_time, "Audio time", "playback.time", FT_UINT32, BASE_DEC, NULL),
        F(hf_audio_channels, "Audio channels", "playback.channels", FT_UINT32, BASE_DEC, NULL),
        F(hf_audio_frequency, "Audio frequency", "playback.frequency", FT_UINT32, BASE_DEC, NULL),
        F(hf_audio_mode, "Audio mode", "playback.mode", FT_UINT16, BASE_DEC, NULL),
    };
    static int *ett[] = {&ett_body};
    static ei_register_info ei[] = {
        {&ei_short_body, {"spicecap.short_body", PI_MALFORMED, PI_ERROR, "Body shorter than its structure", EXPFILL}},
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
