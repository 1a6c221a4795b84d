/* Inputs and cursor channel bodies: key scancodes (key_down/up codes and
 * key_scancode bytes) and modifiers, mouse motion, position, press and
 * release (client to server), the keyboard modifiers the server reports;
 * the cursor's init, set, move, trail and invalidation, with the shape
 * header of init and set. reset and hide have nothing but their name. */
#include <spice/enums.h>

#include "bodies_decode.h"

static int hf_scancode_bytes = -1;
static int hf_scancode = -1, hf_modifiers = -1, hf_mouse_dx = -1, hf_mouse_dy = -1, hf_mouse_x = -1, hf_mouse_y = -1,
           hf_buttons = -1, hf_button = -1, hf_display_id = -1;
static int hf_cursor_x = -1, hf_cursor_y = -1, hf_cursor_visible = -1, hf_trail_length = -1, hf_trail_frequency = -1,
           hf_cursor_flags = -1, hf_cursor_unique = -1, hf_cursor_type = -1, hf_cursor_width = -1,
           hf_cursor_height = -1, hf_hot_x = -1, hf_hot_y = -1;


void spicecap_body_inputs(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    if (direction == SPICECAP_DIR_RECEIVED) {
        if (type == SPICE_MSG_INPUTS_INIT || type == SPICE_MSG_INPUTS_KEY_MODIFIERS)
            BODY_FIELDS(c, 0, {&hf_modifiers, 2});
        return;
    }
    switch (type) {
    case SPICE_MSGC_INPUTS_KEY_DOWN:
    case SPICE_MSGC_INPUTS_KEY_UP:
        BODY_FIELDS(c, 0, {&hf_scancode, 4});
        break;
    case SPICE_MSGC_INPUTS_KEY_MODIFIERS:
        BODY_FIELDS(c, 0, {&hf_modifiers, 2});
        break;
    case SPICE_MSGC_INPUTS_KEY_SCANCODE: /* the PC scancode bytes of one or more key events */
        if (tvb_captured_length(c->tvb) > 0)
            proto_tree_add_item(c->tree, hf_scancode_bytes, c->tvb, 0, -1, ENC_NA);
        break;
    case SPICE_MSGC_INPUTS_MOUSE_MOTION:
        BODY_FIELDS(c, 0, {&hf_mouse_dx, 4}, {&hf_mouse_dy, 4}, {&hf_buttons, 2});
        break;
    case SPICE_MSGC_INPUTS_MOUSE_POSITION:
        BODY_FIELDS(c, 0, {&hf_mouse_x, 4}, {&hf_mouse_y, 4}, {&hf_buttons, 2}, {&hf_display_id, 1});
        break;
    case SPICE_MSGC_INPUTS_MOUSE_PRESS:
    case SPICE_MSGC_INPUTS_MOUSE_RELEASE:
        BODY_FIELDS(c, 0, {&hf_button, 1}, {&hf_buttons, 2});
        break;
    }
}

/* Cursor: flags u16, then unless flags has NONE a header (unique u64, type
 * u8, width, height, hot_spot_x, hot_spot_y u16), then the shape's bytes. */
static void cursor_shape(const body_ctx *c, int o)
{
    if (o < 0 || (o = BODY_FIELDS(c, o, {&hf_cursor_flags, 2})) < 0)
        return;
    if (tvb_get_letohs(c->tvb, o - 2) & SPICE_CURSOR_FLAGS_NONE)
        return;
    BODY_FIELDS(c, o, {&hf_cursor_unique, 8}, {&hf_cursor_type, 1}, {&hf_cursor_width, 2}, {&hf_cursor_height, 2},
                {&hf_hot_x, 2}, {&hf_hot_y, 2});
}

void spicecap_body_cursor(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    if (direction != SPICECAP_DIR_RECEIVED)
        return;
    switch (type) {
    case SPICE_MSG_CURSOR_INIT:
        cursor_shape(c, BODY_FIELDS(c, 0, {&hf_cursor_x, 2}, {&hf_cursor_y, 2}, {&hf_trail_length, 2},
                                    {&hf_trail_frequency, 2}, {&hf_cursor_visible, 1}));
        break;
    case SPICE_MSG_CURSOR_SET:
        cursor_shape(c, BODY_FIELDS(c, 0, {&hf_cursor_x, 2}, {&hf_cursor_y, 2}, {&hf_cursor_visible, 1}));
        break;
    case SPICE_MSG_CURSOR_MOVE:
        BODY_FIELDS(c, 0, {&hf_cursor_x, 2}, {&hf_cursor_y, 2});
        break;
    case SPICE_MSG_CURSOR_TRAIL:
        BODY_FIELDS(c, 0, {&hf_trail_length, 2}, {&hf_trail_frequency, 2});
        break;
    case SPICE_MSG_CURSOR_INVAL_ONE:
        BODY_FIELDS(c, 0, {&hf_cursor_unique, 8});
        break;
    }
}

void spicecap_bodies_input_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_scancode, "Scancode", "inputs.scancode", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_scancode_bytes, "Scancode bytes", "inputs.scancode_bytes", FT_BYTES, BASE_NONE, NULL),
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
        BODY_FIELD(hf_cursor_type, "Cursor type", "cursor.type", FT_UINT8, BASE_DEC, VALS(spicecap_vs_cursor_types)),
        BODY_FIELD(hf_cursor_width, "Cursor width", "cursor.width", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_cursor_height, "Cursor height", "cursor.height", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_hot_x, "Hot spot x", "cursor.hot_x", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_hot_y, "Hot spot y", "cursor.hot_y", FT_UINT16, BASE_DEC, NULL),
    };
    proto_register_field_array(proto, hf, array_length(hf));
}
