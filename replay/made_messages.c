/* Making the messages a mid-session recording lacks (made_messages.h).
 * Layouts are spice-protocol's (SpiceMsgMainInit, SpiceMsgChannels,
 * SpiceMsgSurfaceCreate, SpiceMsgDisplayBase), little-endian. */
#include "made_messages.h"

#include <spice/enums.h>
#include <string.h>

#include "bytes.h"
#include "channels.h"
#include "format.h"

/* The session id the made init announces: clients echo it in every other
 * channel's link message; the replayer takes any. */
#define MADE_SESSION_ID 0x5ca9u

static void put_le32(GByteArray *out, uint32_t v)
{
    uint8_t b[4];
    spicecap_put_le32(b, v);
    g_byte_array_append(out, b, sizeof b);
}

static void put_header(GByteArray *out, uint16_t type, uint32_t size)
{
    uint8_t b[SPICECAP_MINI_HDR_LEN];
    spicecap_put_le16(b, type);
    spicecap_put_le32(b + 2, size);
    g_byte_array_append(out, b, sizeof b);
}

static bool has_type(const replay_connection *c, uint16_t type)
{
    for (guint i = 0; i < c->messages->len; i++)
        if (g_array_index(c->messages, replay_message, i).type == type)
            return true;
    return false;
}

/* Puts the messages in MADE (whole, back to back) before CONN's own, due
 * when its first message is. */
static void prepend(replay_connection *conn, GByteArray *made)
{
    if (!made->len)
        return;
    uint64_t due = conn->messages->len ? g_array_index(conn->messages, replay_message, 0).end_ns : 0;
    GArray *made_msgs = g_array_new(FALSE, FALSE, sizeof(replay_message));
    for (guint at = 0; at + SPICECAP_MINI_HDR_LEN <= made->len;) {
        uint32_t size = SPICECAP_MINI_HDR_LEN + spicecap_le32(made->data + at + 2);
        replay_message m = {.end_ns = due, .offset = at, .wire_size = size, .type = spicecap_le16(made->data + at)};
        g_array_append_val(made_msgs, m);
        at += size;
    }
    replay_message *own = (replay_message *)conn->messages->data;
    for (guint i = 0; i < conn->messages->len; i++)
        own[i].offset += made->len;
    g_array_prepend_vals(conn->messages, made_msgs->data, made_msgs->len);
    g_byte_array_prepend(conn->bytes, made->data, made->len);
    g_array_free(made_msgs, TRUE);
}

static replay_connection *find(replay_recording *rec, uint8_t type)
{
    for (guint i = 0; i < rec->connections->len; i++) {
        replay_connection *c = rec->connections->pdata[i];
        if (c->channel_type == type)
            return c;
    }
    return NULL;
}

static void make_main(replay_recording *rec, GPtrArray *notes)
{
    replay_connection *main_conn = find(rec, SPICE_CHANNEL_MAIN);
    if (!main_conn) {
        main_conn = g_new0(replay_connection, 1);
        main_conn->channel_type = SPICE_CHANNEL_MAIN;
        main_conn->recorded = true;
        main_conn->bytes = g_byte_array_new();
        main_conn->messages = g_array_new(FALSE, FALSE, sizeof(replay_message));
        main_conn->lacking = g_array_new(FALSE, FALSE, sizeof(replay_lack));
        g_ptr_array_insert(rec->connections, 0, main_conn);
        g_ptr_array_add(notes, g_strdup("made: main: the recording holds no main channel; one is made"));
    }
    GByteArray *made = g_byte_array_new();
    if (!has_type(main_conn, SPICE_MSG_MAIN_INIT)) {
        put_header(made, SPICE_MSG_MAIN_INIT, 32);
        put_le32(made, MADE_SESSION_ID);
        put_le32(made, 1);                                              /* display channels hint */
        put_le32(made, SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT); /* supported mouse modes */
        put_le32(made, SPICE_MOUSE_MODE_CLIENT);                        /* current */
        put_le32(made, 0);                                              /* agent connected */
        put_le32(made, 0);                                              /* agent tokens */
        put_le32(made, 0);                                              /* multimedia time */
        put_le32(made, 0);                                              /* ram hint */
        g_ptr_array_add(notes, g_strdup("made: main: the recording holds no init; one is made"));
    }
    if (!has_type(main_conn, SPICE_MSG_MAIN_CHANNELS_LIST)) {
        GByteArray *list = g_byte_array_new();
        uint32_t n = 0;
        for (guint i = 0; i < rec->connections->len; i++) {
            const replay_connection *c = rec->connections->pdata[i];
            bool seen = false;
            for (guint j = 0; j < i; j++) {
                const replay_connection *o = rec->connections->pdata[j];
                seen |= o->channel_type == c->channel_type && o->channel_id == c->channel_id;
            }
            if (seen || c->channel_type == SPICE_CHANNEL_MAIN || !c->channel_type)
                continue;
            uint8_t entry[2] = {c->channel_type, c->channel_id};
            g_byte_array_append(list, entry, 2);
            n++;
        }
        put_header(made, SPICE_MSG_MAIN_CHANNELS_LIST, 4 + list->len);
        put_le32(made, n);
        g_byte_array_append(made, list->data, list->len);
        g_byte_array_free(list, TRUE);
        g_ptr_array_add(notes, g_strdup_printf("made: main: the recording holds no channel list; one naming its %u "
                                               "other channel%s is made", n, n == 1 ? "" : "s"));
    }
    prepend(main_conn, made);
    g_byte_array_free(made, TRUE);
}

/* Draw messages start with SpiceMsgDisplayBase: surface id, then the box
 * drawn (top, left, bottom, right). */
static bool is_draw(uint16_t type)
{
    return (type >= SPICE_MSG_DISPLAY_DRAW_FILL && type <= SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND) ||
           type == SPICE_MSG_DISPLAY_DRAW_COMPOSITE || type == SPICE_MSG_DISPLAY_COPY_BITS;
}

static void make_surface(replay_connection *display, GPtrArray *notes)
{
    const replay_message *m = (const replay_message *)display->messages->data;
    guint first_draw = display->messages->len;
    for (guint i = 0; i < display->messages->len; i++) {
        if (m[i].type == SPICE_MSG_DISPLAY_SURFACE_CREATE || m[i].type == SPICE_MSG_DISPLAY_MODE)
            return; /* the surface comes before any draw, or the mode sets it */
        if (is_draw(m[i].type)) {
            first_draw = i;
            break;
        }
    }
    if (first_draw == display->messages->len)
        return;
    /* The surface's size: the extent of every draw on surface 0. */
    int32_t right = 0, bottom = 0;
    for (guint i = 0; i < display->messages->len; i++) {
        const uint8_t *body = display->bytes->data + m[i].offset + SPICECAP_MINI_HDR_LEN;
        if (!is_draw(m[i].type) || m[i].wire_size < SPICECAP_MINI_HDR_LEN + 20 || spicecap_le32(body) != 0)
            continue;
        int32_t b = (int32_t)spicecap_le32(body + 12), r = (int32_t)spicecap_le32(body + 16);
        if (r > right && r <= 16384)
            right = r;
        if (b > bottom && b <= 16384)
            bottom = b;
    }
    if (right <= 0 || bottom <= 0)
        return;
    GByteArray *made = g_byte_array_new();
    put_header(made, SPICE_MSG_DISPLAY_SURFACE_CREATE, 20);
    put_le32(made, 0);
    put_le32(made, (uint32_t)right);
    put_le32(made, (uint32_t)bottom);
    put_le32(made, SPICE_SURFACE_FMT_32_xRGB);
    put_le32(made, SPICE_SURFACE_FLAGS_PRIMARY);
    put_header(made, SPICE_MSG_DISPLAY_MARK, 0);
    prepend(display, made);
    g_byte_array_free(made, TRUE);
    g_ptr_array_add(notes, g_strdup_printf("made: display %u: the recording creates no surface before its first draw; "
                                           "surface 0 is made %dx%d (the draws' extent), 32-bit xRGB",
                                           display->channel_id, right, bottom));
}

void replay_make_missing(replay_recording *rec, GPtrArray *notes)
{
    if (!rec->connections->len)
        return;
    make_main(rec, notes);
    for (guint i = 0; i < rec->connections->len; i++) {
        replay_connection *c = rec->connections->pdata[i];
        if (c->channel_type == SPICE_CHANNEL_DISPLAY)
            make_surface(c, notes);
    }
}
