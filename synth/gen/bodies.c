#include "bodies.h"

#include <spice/enums.h>
#include <spice/vd_agent.h>
#include <stdlib.h>
#include <string.h>

#define POOL_SIZE ((size_t)8 << 20)

int body_pool_init(body_pool *pool, uint64_t seed)
{
    pool->size = POOL_SIZE;
    pool->bytes = malloc(POOL_SIZE);
    if (pool->bytes == NULL)
        return -1;
    synth_prng rng = {seed ^ 0x706f6f6cull};
    for (size_t i = 0; i < POOL_SIZE; i += 8) {
        uint64_t v = synth_next(&rng);
        memcpy(pool->bytes + i, &v, 8);
    }
    return 0;
}

void body_pool_free(body_pool *pool)
{
    free(pool->bytes);
    pool->bytes = NULL;
}

const uint8_t *body_pool_slice(const body_pool *pool, synth_prng *rng, size_t len)
{
    if (len >= pool->size)
        return pool->bytes; /* callers never ask for more than the pool */
    return pool->bytes + synth_range(rng, 0, pool->size - len);
}

uint8_t *body_pool_slice_with_room(body_pool *pool, synth_prng *rng, size_t len)
{
    if (len + BODY_STREAM_HEADER_ROOM >= pool->size)
        return pool->bytes + BODY_STREAM_HEADER_ROOM; /* callers never ask for more than the pool */
    return pool->bytes + synth_range(rng, BODY_STREAM_HEADER_ROOM, pool->size - len);
}

/* Append the data, or for a header-only message count it in the size. */
static void finish_with_data(msgbuf *b, const uint8_t *data, uint32_t len)
{
    if (data != NULL) {
        msgbuf_bytes(b, data, len);
        msgbuf_finish(b);
    } else {
        msgbuf_finish_with_tail(b, len);
    }
}

static void put_rect(msgbuf *b, rect r)
{
    msgbuf_u32(b, (uint32_t)r.top);
    msgbuf_u32(b, (uint32_t)r.left);
    msgbuf_u32(b, (uint32_t)r.bottom);
    msgbuf_u32(b, (uint32_t)r.right);
}

/* DisplayBase: surface_id, box, clip (type NONE: no rects follow). */
static void put_display_base(msgbuf *b, uint32_t surface_id, rect box)
{
    msgbuf_u32(b, surface_id);
    put_rect(b, box);
    msgbuf_u8(b, SPICE_CLIP_TYPE_NONE);
}

/* QMask with no mask: flags, pos, bitmap pointer 0. */
static void put_no_mask(msgbuf *b)
{
    msgbuf_u8(b, 0);
    msgbuf_u32(b, 0);
    msgbuf_u32(b, 0);
    msgbuf_u32(b, 0);
}

void body_set_ack(msgbuf *b, uint32_t generation, uint32_t window)
{
    msgbuf_start(b, SPICE_MSG_SET_ACK);
    msgbuf_u32(b, generation);
    msgbuf_u32(b, window);
    msgbuf_finish(b);
}

void body_ack_sync(msgbuf *b, uint32_t generation)
{
    msgbuf_start(b, SPICE_MSGC_ACK_SYNC);
    msgbuf_u32(b, generation);
    msgbuf_finish(b);
}

void body_ack(msgbuf *b)
{
    msgbuf_start(b, SPICE_MSGC_ACK);
    msgbuf_finish(b);
}

void body_ping(msgbuf *b, uint32_t id, uint64_t timestamp)
{
    msgbuf_start(b, SPICE_MSG_PING);
    msgbuf_u32(b, id);
    msgbuf_u64(b, timestamp);
    msgbuf_finish(b);
}

void body_pong(msgbuf *b, uint32_t id, uint64_t timestamp)
{
    msgbuf_start(b, SPICE_MSGC_PONG);
    msgbuf_u32(b, id);
    msgbuf_u64(b, timestamp);
    msgbuf_finish(b);
}

void body_main_init(msgbuf *b, uint32_t session_id, uint32_t mm_time)
{
    msgbuf_start(b, SPICE_MSG_MAIN_INIT);
    msgbuf_u32(b, session_id);
    msgbuf_u32(b, 1);                                                     /* display_channels_hint */
    msgbuf_u32(b, SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT);    /* supported_mouse_modes */
    msgbuf_u32(b, SPICE_MOUSE_MODE_SERVER);                               /* current_mouse_mode */
    msgbuf_u32(b, 1);                                                     /* agent_connected */
    msgbuf_u32(b, 10);                                                    /* agent_tokens */
    msgbuf_u32(b, mm_time);                                               /* multi_media_time */
    msgbuf_u32(b, 64u << 20);                                             /* ram_hint */
    msgbuf_finish(b);
}

void body_main_mouse_mode(msgbuf *b, uint16_t supported, uint16_t current)
{
    msgbuf_start(b, SPICE_MSG_MAIN_MOUSE_MODE);
    msgbuf_u16(b, supported);
    msgbuf_u16(b, current);
    msgbuf_finish(b);
}

void body_main_multi_media_time(msgbuf *b, uint32_t mm_time)
{
    msgbuf_start(b, SPICE_MSG_MAIN_MULTI_MEDIA_TIME);
    msgbuf_u32(b, mm_time);
    msgbuf_finish(b);
}

void body_main_agent_connected(msgbuf *b)
{
    msgbuf_start(b, SPICE_MSG_MAIN_AGENT_CONNECTED);
    msgbuf_finish(b);
}

void body_main_agent_token(msgbuf *b, uint32_t tokens)
{
    msgbuf_start(b, SPICE_MSG_MAIN_AGENT_TOKEN);
    msgbuf_u32(b, tokens);
    msgbuf_finish(b);
}

/* Agent data carries a VDAgentMessage: protocol, type, opaque, size, data. */
void body_main_agent_data(msgbuf *b, int from_client, uint32_t vd_type, const uint8_t *data, uint32_t len)
{
    msgbuf_start(b, from_client ? SPICE_MSGC_MAIN_AGENT_DATA : SPICE_MSG_MAIN_AGENT_DATA);
    msgbuf_u32(b, VD_AGENT_PROTOCOL);
    msgbuf_u32(b, vd_type);
    msgbuf_u64(b, 0);
    msgbuf_u32(b, len);
    msgbuf_bytes(b, data, len);
    msgbuf_finish(b);
}

void body_display_init(msgbuf *b)
{
    /* SPICE_MSGC_DISPLAY_INIT: cache ids and sizes of the client's caches. */
    msgbuf_start(b, SPICE_MSGC_DISPLAY_INIT);
    msgbuf_u8(b, 1);          /* pixmap_cache_id */
    msgbuf_u64(b, 20u << 20); /* pixmap_cache_size */
    msgbuf_u8(b, 1);          /* glz_dictionary_id */
    msgbuf_u32(b, 1u << 20);  /* glz_dictionary_window_size */
    msgbuf_finish(b);
}

void body_display_mark(msgbuf *b)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_MARK);
    msgbuf_finish(b);
}

void body_display_surface_create(msgbuf *b, uint32_t surface_id, uint32_t width, uint32_t height)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_SURFACE_CREATE);
    msgbuf_u32(b, surface_id);
    msgbuf_u32(b, width);
    msgbuf_u32(b, height);
    msgbuf_u32(b, SPICE_SURFACE_FMT_32_xRGB);
    msgbuf_u32(b, SPICE_SURFACE_FLAGS_PRIMARY);
    msgbuf_finish(b);
}

void body_display_draw_fill(msgbuf *b, uint32_t surface_id, rect box, uint32_t color)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_DRAW_FILL);
    put_display_base(b, surface_id, box);
    msgbuf_u8(b, SPICE_BRUSH_TYPE_SOLID);
    msgbuf_u32(b, color);
    msgbuf_u16(b, SPICE_ROPD_OP_PUT); /* rop_descriptor */
    put_no_mask(b);
    msgbuf_finish(b);
}

void body_display_draw_copy(msgbuf *b, uint32_t surface_id, rect box, uint64_t image_id, uint32_t width,
                            uint32_t height, const uint8_t *pixels)
{
    const uint32_t stride = width * 4;
    msgbuf_start(b, SPICE_MSG_DISPLAY_DRAW_COPY);
    put_display_base(b, surface_id, box);
    uint32_t src_bitmap_at = msgbuf_body_offset(b);
    msgbuf_u32(b, 0); /* src_bitmap: patched to the image's offset below */
    put_rect(b, (rect){0, 0, (int32_t)height, (int32_t)width}); /* src_area */
    msgbuf_u16(b, SPICE_ROPD_OP_PUT);
    msgbuf_u8(b, SPICE_IMAGE_SCALE_MODE_NEAREST);
    put_no_mask(b);
    msgbuf_patch_u32(b, src_bitmap_at, msgbuf_body_offset(b));
    /* SpiceImage: descriptor, then BitmapData with its pixels. */
    msgbuf_u64(b, image_id);
    msgbuf_u8(b, SPICE_IMAGE_TYPE_BITMAP);
    msgbuf_u8(b, 0); /* descriptor flags */
    msgbuf_u32(b, width);
    msgbuf_u32(b, height);
    msgbuf_u8(b, SPICE_BITMAP_FMT_32BIT);
    msgbuf_u8(b, SPICE_BITMAP_FLAGS_TOP_DOWN);
    msgbuf_u32(b, width);
    msgbuf_u32(b, height);
    msgbuf_u32(b, stride);
    msgbuf_u32(b, 0); /* palette: none */
    msgbuf_bytes(b, pixels, (size_t)stride * height);
    msgbuf_finish(b);
}

void body_display_stream_create(msgbuf *b, uint32_t stream_id, uint32_t width, uint32_t height, rect dest)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_STREAM_CREATE);
    msgbuf_u32(b, 0); /* surface_id */
    msgbuf_u32(b, stream_id);
    msgbuf_u8(b, SPICE_STREAM_FLAGS_TOP_DOWN);
    msgbuf_u8(b, SPICE_VIDEO_CODEC_TYPE_MJPEG);
    msgbuf_u64(b, 0); /* stamp */
    msgbuf_u32(b, width);
    msgbuf_u32(b, height);
    msgbuf_u32(b, width);  /* src_width */
    msgbuf_u32(b, height); /* src_height */
    put_rect(b, dest);
    msgbuf_u8(b, SPICE_CLIP_TYPE_NONE);
    msgbuf_finish(b);
}

void body_display_stream_data(msgbuf *b, uint32_t stream_id, uint32_t mm_time, const uint8_t *data, uint32_t len)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_STREAM_DATA);
    msgbuf_u32(b, stream_id);
    msgbuf_u32(b, mm_time);
    msgbuf_u32(b, len);
    finish_with_data(b, data, len);
}

void body_display_stream_data_sized(msgbuf *b, uint32_t stream_id, uint32_t mm_time, uint32_t width,
                                    uint32_t height, rect dest, const uint8_t *data, uint32_t len)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_STREAM_DATA_SIZED);
    msgbuf_u32(b, stream_id);
    msgbuf_u32(b, mm_time);
    msgbuf_u32(b, width);
    msgbuf_u32(b, height);
    put_rect(b, dest);
    msgbuf_u32(b, len);
    finish_with_data(b, data, len);
}

void body_display_stream_destroy(msgbuf *b, uint32_t stream_id)
{
    msgbuf_start(b, SPICE_MSG_DISPLAY_STREAM_DESTROY);
    msgbuf_u32(b, stream_id);
    msgbuf_finish(b);
}

void body_inputs_init(msgbuf *b, uint16_t modifiers)
{
    msgbuf_start(b, SPICE_MSG_INPUTS_INIT);
    msgbuf_u16(b, modifiers);
    msgbuf_finish(b);
}

void body_inputs_key(msgbuf *b, int down, uint32_t scancode)
{
    msgbuf_start(b, down ? SPICE_MSGC_INPUTS_KEY_DOWN : SPICE_MSGC_INPUTS_KEY_UP);
    msgbuf_u32(b, scancode);
    msgbuf_finish(b);
}

void body_inputs_mouse_motion(msgbuf *b, int32_t dx, int32_t dy, uint16_t buttons)
{
    msgbuf_start(b, SPICE_MSGC_INPUTS_MOUSE_MOTION);
    msgbuf_u32(b, (uint32_t)dx);
    msgbuf_u32(b, (uint32_t)dy);
    msgbuf_u16(b, buttons);
    msgbuf_finish(b);
}

void body_inputs_mouse_position(msgbuf *b, uint32_t x, uint32_t y, uint16_t buttons, uint8_t display)
{
    msgbuf_start(b, SPICE_MSGC_INPUTS_MOUSE_POSITION);
    msgbuf_u32(b, x);
    msgbuf_u32(b, y);
    msgbuf_u16(b, buttons);
    msgbuf_u8(b, display);
    msgbuf_finish(b);
}

void body_inputs_mouse_button(msgbuf *b, int press, uint8_t button, uint16_t buttons)
{
    msgbuf_start(b, press ? SPICE_MSGC_INPUTS_MOUSE_PRESS : SPICE_MSGC_INPUTS_MOUSE_RELEASE);
    msgbuf_u8(b, button);
    msgbuf_u16(b, buttons);
    msgbuf_finish(b);
}

void body_inputs_motion_ack(msgbuf *b)
{
    msgbuf_start(b, SPICE_MSG_INPUTS_MOUSE_MOTION_ACK);
    msgbuf_finish(b);
}

/* Cursor: flags, then (unless NONE) the header and the ARGB pixels. */
static void put_cursor(msgbuf *b, uint64_t unique, uint16_t size, const uint8_t *pixels)
{
    if (pixels == NULL) {
        msgbuf_u16(b, SPICE_CURSOR_FLAGS_NONE);
        return;
    }
    msgbuf_u16(b, 0); /* flags */
    msgbuf_u64(b, unique);
    msgbuf_u8(b, SPICE_CURSOR_TYPE_ALPHA);
    msgbuf_u16(b, size); /* width */
    msgbuf_u16(b, size); /* height */
    msgbuf_u16(b, 0);    /* hot_spot_x */
    msgbuf_u16(b, 0);    /* hot_spot_y */
    msgbuf_bytes(b, pixels, (size_t)size * size * 4);
}

void body_cursor_init(msgbuf *b, int16_t x, int16_t y)
{
    msgbuf_start(b, SPICE_MSG_CURSOR_INIT);
    msgbuf_u16(b, (uint16_t)x);
    msgbuf_u16(b, (uint16_t)y);
    msgbuf_u16(b, 0); /* trail_length */
    msgbuf_u16(b, 0); /* trail_frequency */
    msgbuf_u8(b, 1);  /* visible */
    put_cursor(b, 0, 0, NULL);
    msgbuf_finish(b);
}

void body_cursor_set(msgbuf *b, int16_t x, int16_t y, uint64_t unique, uint16_t size, const uint8_t *pixels)
{
    msgbuf_start(b, SPICE_MSG_CURSOR_SET);
    msgbuf_u16(b, (uint16_t)x);
    msgbuf_u16(b, (uint16_t)y);
    msgbuf_u8(b, 1); /* visible */
    put_cursor(b, unique, size, pixels);
    msgbuf_finish(b);
}

void body_cursor_move(msgbuf *b, int16_t x, int16_t y)
{
    msgbuf_start(b, SPICE_MSG_CURSOR_MOVE);
    msgbuf_u16(b, (uint16_t)x);
    msgbuf_u16(b, (uint16_t)y);
    msgbuf_finish(b);
}

void body_playback_start(msgbuf *b, uint32_t channels, uint32_t frequency, uint32_t time)
{
    msgbuf_start(b, SPICE_MSG_PLAYBACK_START);
    msgbuf_u32(b, channels);
    msgbuf_u16(b, SPICE_AUDIO_FMT_S16);
    msgbuf_u32(b, frequency);
    msgbuf_u32(b, time);
    msgbuf_finish(b);
}

void body_playback_mode(msgbuf *b, uint32_t time, uint16_t mode)
{
    msgbuf_start(b, SPICE_MSG_PLAYBACK_MODE);
    msgbuf_u32(b, time);
    msgbuf_u16(b, mode);
    msgbuf_finish(b);
}

void body_playback_data(msgbuf *b, uint32_t time, const uint8_t *data, uint32_t len)
{
    msgbuf_start(b, SPICE_MSG_PLAYBACK_DATA);
    msgbuf_u32(b, time);
    msgbuf_bytes(b, data, len);
    msgbuf_finish(b);
}

void body_playback_stop(msgbuf *b)
{
    msgbuf_start(b, SPICE_MSG_PLAYBACK_STOP);
    msgbuf_finish(b);
}

void body_spicevmc_data(msgbuf *b, int from_client, const uint8_t *data, uint32_t len)
{
    msgbuf_start(b, from_client ? SPICE_MSGC_SPICEVMC_DATA : SPICE_MSG_SPICEVMC_DATA);
    msgbuf_bytes(b, data, len);
    msgbuf_finish(b);
}
