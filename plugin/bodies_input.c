/* Inputs and cursor channel bodies: key scancodes and modifiers, mouse
 * motion, position, press and release (client to server), the keyboard
 * modifiers the server reports; the cursor's init, set, move, trail and
 * invalidation, with the shape header of init and set. reset and hide have
 * nothing but their name. */
#include <spice/enums.h>

#include "bodies_decode.h"

static int hf_scancode = -1, hf_modifiers = -1, hf_mouse_dx = -1, hf_mouse_dy = -1, hf_mouse_x = -1, hf_mouse_y = -1,
           hf_buttons = -1, hf_button = -1, hf_display_id = -1;
static int hf_cursor_x = -1, hf_cursor_y = -1, hf_cursor_visible = -1, hf_trail_length = -1, hf_trail_frequency = -1,
           hf_cursor_flags = -1, hf_cursor_unique = -1, hf_cursor_type = -1, hf_cursor_width = -1,
           hf_cursor_height = -1, hf_hot_x = -1, hf_hot_y = -1;

static const value_string cursor_types[] = {
    {SPICE_CURSOR_TYPE_ALPHA, "alpha"},     {SPICE_CURSOR_TYPE_MONO, "mono"},
    {SPICE_CURSOR_TYPE_COLOR4, "color4"},   {SPICE_CURSOR_TYPE_COLOR8, "color8"},
    {SPICE_CURSOR_TYPE_COLOR16, "color16"}, {SPICE_CURSOR_TYPE_COLOR24, "color24"},
    {SPICE_CURSOR_TYPE_COLOR32, "color32"}, {0, NULL}};

void spicecap_body_inputs(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    int o;
    if (direction == SPICECAP_DIR_RECEIVED) {
        if ((type == SPICE_MSG_INPUTS_INIT || type == SPICE_MSG_INPUTS_KEY_MODIFIERS) && body_have(c, 0, 2))
            body_add(c, hf_modifiers, 0, 2);
        return;
    }
    switch (type) {
    case SPICE_MSGC_INPUTS_KEY_DOWN:
    case SPICE_MSGC_INPUTS_KEY_UP:
        if (body_have(c, 0, 4))
            body_add(c, hf_scancode, 0, 4);
        break;
    case SPICE_MSGC_INPUTS_KEY_MODIFIERS:
        if (body_have(c, 0, 2))
            body_add(c, hf_modifiers, 0, 2);
        break;
    case SPICE_MSGC_INPUTS_MOUSE_MOTION:
        if (body_have(c, 0, 10)) {
            o = body_add(c, hf_mouse_dx, 0, 4);
            o = body_add(c, hf_mouse_dy, o, 4);
            body_add(c, hf_buttons, o, 2);
        }
        break;
    case SPICE_MSGC_INPUTS_MOUSE_POSITION:
        if (body_have(c, 0, 11)) {
            o = body_add(c, hf_mouse_x, 0, 4);
            o = body_add(c, hf_mouse_y, o, 4);
            o = body_add(c, hf_buttons, o, 2);
            body_add(c, hf_display_id, o, 1);
        }
        break;
    case SPICE_MSGC_INPUTS_MOUSE_PRESS:
    case SPICE_MSGC_INPUTS_MOUSE_RELEASE:
        if (body_have(c, 0, 3))
            body_add(c, hf_buttons, body_add(c, hf_button, 0, 1), 2);
        break;
    }
}

/* Cursor: flags u16, then unless flags has NONE a header (unique u64, type
 * u8, width, height, hot_spot_x, hot_spot_y u16), then the shape's bytes. */
static void cursor_shape(const body_ctx *c, int o)
{
    if (!body_have(c, o, 2))
        return;
    guint16 flags = tvb_get_letohs(c->tvb, o);
    o = body_add(c, hf_cursor_flags, o, 2);
    if ((flags & SPICE_CURSOR_FLAGS_NONE) || !body_have(c, o, 17))
        return;
    o = body_add(c, hf_cursor_unique, o, 8);
    o = body_add(c, hf_cursor_type, o, 1);
    o = body_add(c, hf_cursor_width, o, 2);
    o = body_add(c, hf_cursor_height, o, 2);
    o = body_add(c, hf_hot_x, o, 2);
    body_add(c, hf_hot_y, o, 2);
}

void spicecap_body_cursor(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    int o;
    if (direction != SPICECAP_DIR_RECEIVED)
        return;
    switch (type) {
    case SPICE_MSG_CURSOR_INIT: /* position, trail length and frequency, visible, cursor */
        if (body_have(c, 0, 9)) {
            o = body_add(c, hf_cursor_x, 0, 2);
            o = body_add(c, hf_cursor_y, o, 2);
            o = body_add(c, hf_trail_length, o, 2);
            o = body_add(c, hf_trail_frequency, o, 2);
            cursor_shape(c, body_add(c, hf_cursor_visible, o, 1));
        }
        break;
    case SPICE_MSG_CURSOR_SET: /* position, visible, cursor */
        if (body_have(c, 0, 5)) {
            o = body_add(c, hf_cursor_x, 0, 2);
            o = body_add(c, hf_cursor_y, o, 2);
            cursor_shape(c, body_add(c, hf_cursor_visible, o, 1));
        }
        break;
    case SPICE_MSG_CURSOR_MOVE:
        if (body_have(c, 0, 4))
            body_add(c, hf_cursor_y, body_add(c, hf_cursor_x, 0, 2), 2);
        break;
    case SPICE_MSG_CURSOR_TRAIL:
        if (body_have(c, 0, 4))
            body_add(c, hf_trail_frequency, body_add(c, hf_trail_length, 0, 2), 2);
        break;
    case SPICE_MSG_CURSOR_INVAL_ONE:
        if (body_have(c, 0, 8))
            body_add(c, hf_cursor_unique, 0, 8);
        break;
    }
}

void spicecap_bodies_input_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_scancode, "Scancode", "inputs.scancode", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_modifiers, "Keyboard modifiers", "inputs.modifiers", FT_UINT16, BASE_HEX, NULL),
        BODY_FIELD(hf_mouse_dx, "Mouse dx", "inputs.mouse.dx", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mouse_dy, "Mouse dy", "inputs.mouse.dy", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mouse_x, "Mouse x", "inputs.mouse.x", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mouse_y, "Mouse y", "inputs.mouse.y", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_buttons, "Buttons state", "inputs.mouse.buttons", FT_UINT16, BASE_HEX, NULL),
        BODY_FIELD(hf_button, "Button", "inputs.mouse.button", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_display_id, "Display id", "inputs.mouse.display", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_x, "Cursor x", "cursor.x", FT_INT16, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_y, "Cursor y", "cursor.y", FT_INT16, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_visible, "Cursor visible", "cursor.visible", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_trail_length, "Trail length", "cursor.trail.length", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_trail_frequency, "Trail frequency", "cursor.trail.frequency", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_flags, "Cursor flags", "cursor.flags", FT_UINT16, BASE_HEX, NULL),
        BODY_FIELD(hf_cursor_unique, "Cursor shape id", "cursor.unique", FT_UINT64, BASE_HEX, NULL),
        BODY_FIELD(hf_cursor_type, "Cursor type", "cursor.type", FT_UINT8, BASE_DEC, VALS(cursor_types)),
        BODY_FIELD(hf_cursor_width, "Cursor width", "cursor.width", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_height, "Cursor height", "cursor.height", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_hot_x, "Hot spot x", "cursor.hot_x", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_hot_y, "Hot spot y", "cursor.hot_y", FT_UINT16, BASE_DEC, NULL),
    };
    proto_register_field_array(proto, hf, array_length(hf));
}
