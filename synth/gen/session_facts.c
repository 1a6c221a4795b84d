#include "session_facts.h"

#include <spice/enums.h>
#include <string.h>

#include "bytes.h"

static gint by_type(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);
    return x < y ? -1 : x > y;
}

void session_facts_init(session_facts *f)
{
    memset(f, 0, sizeof *f);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        f->channel[c].recv_by_type = g_tree_new_full(by_type, NULL, NULL, g_free);
        f->channel[c].send_by_type = g_tree_new_full(by_type, NULL, NULL, g_free);
        f->channel[c].ack_intervals_us = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    }
    f->decodes = g_array_new(FALSE, FALSE, sizeof(fact_decode));
    f->surfaces = g_array_new(FALSE, FALSE, sizeof(fact_surface));
    f->streams = g_array_new(FALSE, FALSE, sizeof(fact_stream));
    f->ping_us = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    f->events = g_array_new(FALSE, FALSE, sizeof(fact_input_event));
    f->cursors = g_array_new(FALSE, FALSE, sizeof(fact_cursor));
    f->bytes_per_second = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    f->cursor_visible = true; /* AppSnapshot's default */
}

void session_facts_clear(session_facts *f)
{
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++) {
        g_tree_destroy(f->channel[c].recv_by_type);
        g_tree_destroy(f->channel[c].send_by_type);
        g_array_free(f->channel[c].ack_intervals_us, TRUE);
    }
    g_array_free(f->decodes, TRUE);
    g_array_free(f->surfaces, TRUE);
    g_array_free(f->streams, TRUE);
    g_array_free(f->ping_us, TRUE);
    g_array_free(f->events, TRUE);
    g_array_free(f->cursors, TRUE);
    g_array_free(f->bytes_per_second, TRUE);
    memset(f, 0, sizeof *f);
}

/* Keep the newest cap elements of a bounded ring. */
static void append_bounded(GArray *a, const void *element, guint cap)
{
    g_array_append_vals(a, element, 1);
    if (a->len > cap)
        g_array_remove_index(a, 0);
}

static void count_type(GTree *tree, uint16_t type)
{
    uint64_t *n = g_tree_lookup(tree, GUINT_TO_POINTER(type));
    if (n == NULL) {
        n = g_new0(uint64_t, 1);
        g_tree_insert(tree, GUINT_TO_POINTER(type), n);
    }
    (*n)++;
}

static uint64_t le64(const uint8_t *p)
{
    return spicecap_le32(p) | (uint64_t)spicecap_le32(p + 4) << 32;
}

/* A body read with bounds: each field is read only when the body has it. */
typedef struct body {
    const uint8_t *p;
    size_t len;
} body;

static bool has(const body *b, size_t at, size_t n)
{
    return at <= b->len && n <= b->len - at;
}

static void display_message(session_facts *f, uint64_t ts_us, uint16_t type, const body *b)
{
    switch (type) {
    case SPICE_MSG_DISPLAY_SURFACE_CREATE:
        if (has(b, 0, 12)) {
            fact_surface s = {spicecap_le32(b->p), spicecap_le32(b->p + 4), spicecap_le32(b->p + 8)};
            g_array_append_val(f->surfaces, s);
        }
        break;
    case SPICE_MSG_DISPLAY_DRAW_COPY: {
        /* DisplayBase (21 bytes), then src_bitmap: the image's offset. */
        f->frames_received++;
        if (!has(b, 21, 4))
            break;
        uint32_t at = spicecap_le32(b->p + 21);
        if (!has(b, at, 18))
            break;
        fact_decode d = {.image_id = le64(b->p + at), .ts_us = ts_us, .width = spicecap_le32(b->p + at + 10),
                         .height = spicecap_le32(b->p + at + 14), .success = true};
        f->decode_total++;
        append_bounded(f->decodes, &d, FACTS_RECENT_DECODES);
        break;
    }
    case SPICE_MSG_DISPLAY_DRAW_FILL:
        f->frames_received++;
        break;
    case SPICE_MSG_DISPLAY_STREAM_CREATE:
        if (has(b, 0, 50)) { /* up to the end of dest; clip type follows */
            fact_stream s = {.surface_id = spicecap_le32(b->p), .stream_id = spicecap_le32(b->p + 4),
                             .codec_type = b->p[9], .width = spicecap_le32(b->p + 18),
                             .height = spicecap_le32(b->p + 22), .dest_top = (int32_t)spicecap_le32(b->p + 34),
                             .dest_left = (int32_t)spicecap_le32(b->p + 38),
                             .dest_bottom = (int32_t)spicecap_le32(b->p + 42),
                             .dest_right = (int32_t)spicecap_le32(b->p + 46), .created_us = ts_us};
            g_array_append_val(f->streams, s);
            f->streams_created++;
        }
        break;
    case SPICE_MSG_DISPLAY_STREAM_DATA:
    case SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
    case SPICE_MSG_DISPLAY_STREAM_DESTROY: {
        if (!has(b, 0, 4))
            break;
        uint32_t id = spicecap_le32(b->p);
        fact_stream *s = NULL;
        for (guint i = 0; i < f->streams->len; i++) {
            fact_stream *t = &g_array_index(f->streams, fact_stream, i);
            if (t->stream_id == id && !t->destroyed)
                s = t;
        }
        if (s == NULL) {
            f->stream_orphans += type != SPICE_MSG_DISPLAY_STREAM_DESTROY;
        } else if (type == SPICE_MSG_DISPLAY_STREAM_DESTROY) {
            s->destroyed = true;
            s->destroyed_us = ts_us;
            f->streams_destroyed++;
        } else {
            s->frames++;
            s->last_frame_us = ts_us;
            f->stream_frames++;
            f->frames_received++;
        }
        break;
    }
    default:
        break;
    }
}

static void main_message(session_facts *f, uint64_t ts_us, uint16_t type, const body *b)
{
    if (type == SPICE_MSG_MAIN_INIT && has(b, 0, 28)) {
        f->session_id = spicecap_le32(b->p);
        f->have_session_id = true;
        f->mouse_mode = spicecap_le32(b->p + 12);
        f->mm_time = spicecap_le32(b->p + 24);
    } else if (type == SPICE_MSG_MAIN_MOUSE_MODE && has(b, 0, 4)) {
        f->mouse_mode = spicecap_le16(b->p + 2);
        return;
    } else if (type == SPICE_MSG_MAIN_MULTI_MEDIA_TIME && has(b, 0, 4)) {
        f->mm_time = spicecap_le32(b->p);
    } else {
        if (type == SPICE_MSG_PING)
            g_array_append_val(f->ping_us, ts_us);
        return;
    }
    f->mm_time_set_count++;
    f->last_mm_set_us = ts_us;
    f->mm_set = true;
}

static void input_event(session_facts *f, uint64_t ts_us, const char *event_type, uint32_t scancode,
                        uint32_t button_mask)
{
    fact_input_event e = {event_type, scancode, 0, 0, button_mask, ts_us};
    append_bounded(f->events, &e, FACTS_RECENT_EVENTS);
}

static void inputs_message(session_facts *f, uint64_t ts_us, uint16_t type, const body *b)
{
    switch (type) {
    case SPICE_MSGC_INPUTS_KEY_DOWN:
    case SPICE_MSGC_INPUTS_KEY_UP:
        if (has(b, 0, 4))
            input_event(f, ts_us, type == SPICE_MSGC_INPUTS_KEY_DOWN ? "KeyDown" : "KeyUp", spicecap_le32(b->p), 0);
        f->last_key_us = ts_us;
        f->key_seen = true;
        break;
    case SPICE_MSGC_INPUTS_MOUSE_MOTION:
        f->motion_count++;
        if (has(b, 8, 2))
            f->button_state = spicecap_le16(b->p + 8);
        input_event(f, ts_us, "MouseMove", 0, f->button_state);
        break;
    case SPICE_MSGC_INPUTS_MOUSE_POSITION:
        f->motion_count++;
        if (has(b, 0, 10)) {
            f->button_state = spicecap_le16(b->p + 8);
            input_event(f, ts_us, "MouseMove", 0, f->button_state);
            fact_input_event *e = &g_array_index(f->events, fact_input_event, f->events->len - 1);
            e->x = spicecap_le32(b->p);
            e->y = spicecap_le32(b->p + 4);
        }
        break;
    case SPICE_MSGC_INPUTS_MOUSE_PRESS:
    case SPICE_MSGC_INPUTS_MOUSE_RELEASE:
        if (has(b, 1, 2))
            f->button_state = spicecap_le16(b->p + 1);
        input_event(f, ts_us, type == SPICE_MSGC_INPUTS_MOUSE_PRESS ? "MouseDown" : "MouseUp", 0, f->button_state);
        break;
    default:
        break;
    }
}

static void cursor_message(session_facts *f, uint16_t type, const body *b)
{
    if ((type == SPICE_MSG_CURSOR_INIT || type == SPICE_MSG_CURSOR_SET || type == SPICE_MSG_CURSOR_MOVE) &&
        has(b, 0, 4)) {
        f->cursor_x = (int16_t)spicecap_le16(b->p);
        f->cursor_y = (int16_t)spicecap_le16(b->p + 2);
    }
    if (type == SPICE_MSG_CURSOR_INIT && has(b, 8, 1))
        f->cursor_visible = b->p[8] != 0;
    if (type == SPICE_MSG_CURSOR_SET && has(b, 4, 1))
        f->cursor_visible = b->p[4] != 0;
    /* A shape ryll caches (flags CACHE_ME): flags u16, unique u64, type u8, width, height, hot x, hot y. */
    if (type == SPICE_MSG_CURSOR_SET && has(b, 5, 19) && (spicecap_le16(b->p + 5) & SPICE_CURSOR_FLAGS_CACHE_ME)) {
        fact_cursor c = {le64(b->p + 7), spicecap_le16(b->p + 16), spicecap_le16(b->p + 18),
                         spicecap_le16(b->p + 20), spicecap_le16(b->p + 22)};
        g_array_append_val(f->cursors, c);
    }
}

static void playback_message(session_facts *f, uint64_t ts_us, uint16_t type, const body *b)
{
    if (type == SPICE_MSG_PLAYBACK_START && has(b, 0, 14)) {
        f->playback_starts++;
        f->playback_active = true;
        f->playback_started_us = ts_us;
        f->playback_channels = spicecap_le32(b->p);
        f->playback_frequency = spicecap_le32(b->p + 6);
        f->playback_time = spicecap_le32(b->p + 10);
    } else if (type == SPICE_MSG_PLAYBACK_MODE && has(b, 4, 2)) {
        f->playback_mode = spicecap_le16(b->p + 4);
    } else if (type == SPICE_MSG_PLAYBACK_DATA) {
        f->playback_packets++;
        f->playback_bytes += b->len >= 4 ? b->len - 4 : 0;
    } else if (type == SPICE_MSG_PLAYBACK_STOP) {
        f->playback_stops++;
        f->playback_active = false;
    }
}

/* What every channel counts alike: bytes, messages, times, pings and acks. */
static void transport(channel_facts *c, uint64_t ts_us, spicecap_direction direction, uint16_t type, size_t len)
{
    if (direction == SPICECAP_DIR_RECEIVED) {
        c->bytes_in += len;
        c->messages_in++;
        if (len > c->max_in)
            c->max_in = len;
        c->last_recv_us = ts_us;
        c->received = true;
        count_type(c->recv_by_type, type);
        c->since_ack++;
        if (type == SPICE_MSG_PING) {
            c->ping_recv_count++;
            c->last_ping_us = ts_us;
        }
        return;
    }
    c->bytes_out += len;
    c->messages_out++;
    c->last_send_us = ts_us;
    c->sent = true;
    count_type(c->send_by_type, type);
    if (type == SPICE_MSGC_PONG)
        c->pong_send_count++;
    if (type == SPICE_MSGC_ACK) {
        if (c->acked) {
            uint64_t interval = ts_us - c->last_ack_us;
            append_bounded(c->ack_intervals_us, &interval, FACTS_RECENT_ACK_INTERVALS);
        }
        c->ack_send_count++;
        c->last_ack_us = ts_us;
        c->acked = true;
        c->since_ack = 0;
        c->messages_at_ack = c->messages_in;
    }
}

void session_facts_add(session_facts *f, uint64_t ts_us, unsigned channel, spicecap_direction direction,
                       const uint8_t *msg, size_t len)
{
    if (channel >= SPICECAP_CHANNEL_SLOTS || len < SPICECAP_MINI_HDR_LEN)
        return;
    uint16_t type = spicecap_le16(msg);
    body b = {msg + SPICECAP_MINI_HDR_LEN, len - SPICECAP_MINI_HDR_LEN};
    channel_facts *c = &f->channel[channel];
    transport(c, ts_us, direction, type, len);
    if (ts_us > f->last_ts_us)
        f->last_ts_us = ts_us;
    if (direction == SPICECAP_DIR_RECEIVED) {
        guint second = (guint)(ts_us / 1000000);
        if (f->bytes_per_second->len <= second)
            g_array_set_size(f->bytes_per_second, second + 1);
        g_array_index(f->bytes_per_second, uint64_t, second) += len;
    }
    if (type == SPICE_MSG_SET_ACK && direction == SPICECAP_DIR_RECEIVED && has(&b, 0, 8)) {
        c->ack_generation = spicecap_le32(b.p);
        c->ack_window = spicecap_le32(b.p + 4);
        return;
    }
    switch (channel) {
    case SPICE_CHANNEL_DISPLAY:
        if (direction == SPICECAP_DIR_RECEIVED)
            display_message(f, ts_us, type, &b);
        break;
    case SPICE_CHANNEL_MAIN:
        if (direction == SPICECAP_DIR_RECEIVED)
            main_message(f, ts_us, type, &b);
        break;
    case SPICE_CHANNEL_INPUTS:
        if (direction == SPICECAP_DIR_SENT)
            inputs_message(f, ts_us, type, &b);
        break;
    case SPICE_CHANNEL_CURSOR:
        if (direction == SPICECAP_DIR_RECEIVED)
            cursor_message(f, type, &b);
        break;
    case SPICE_CHANNEL_PLAYBACK:
        if (direction == SPICECAP_DIR_RECEIVED)
            playback_message(f, ts_us, type, &b);
        break;
    default:
        break;
    }
}
