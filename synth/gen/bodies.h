/* SPICE message bodies, marshalled as spice-protocol's spice.proto lays them
 * out (little-endian, packed; a pointer is a u32 offset from the start of
 * the body). Each builder starts the message in b and finishes it; the
 * layouts are written out in docs/synth.md for the dissector. */
#ifndef SPICECAP_SYNTH_BODIES_H
#define SPICECAP_SYNTH_BODIES_H

#include <stdint.h>

#include "msgbuf.h"
#include "prng.h"

/* Pseudo-random filler (image pixels, video frames, audio, USB data): one
 * pool made from the seed, sliced at random offsets, so 2 GB of video does
 * not cost 2 GB of PRNG calls. */
typedef struct body_pool {
    uint8_t *bytes;
    size_t size;
} body_pool;

int body_pool_init(body_pool *pool, uint64_t seed);
void body_pool_free(body_pool *pool);
const uint8_t *body_pool_slice(const body_pool *pool, synth_prng *rng, size_t len);
/* A slice with at least BODY_STREAM_HEADER_ROOM bytes of the pool before it,
 * writable: a message's header is built there, in front of its data, and
 * the pool's bytes put back afterwards. */
uint8_t *body_pool_slice_with_room(body_pool *pool, synth_prng *rng, size_t len);

typedef struct rect {
    int32_t top, left, bottom, right;
} rect;

/* common */
void body_set_ack(msgbuf *b, uint32_t generation, uint32_t window);
void body_ack_sync(msgbuf *b, uint32_t generation);
void body_ack(msgbuf *b);
void body_ping(msgbuf *b, uint32_t id, uint64_t timestamp);
void body_pong(msgbuf *b, uint32_t id, uint64_t timestamp);

/* main */
void body_main_init(msgbuf *b, uint32_t session_id, uint32_t mm_time);
void body_main_mouse_mode(msgbuf *b, uint16_t supported, uint16_t current);
void body_main_multi_media_time(msgbuf *b, uint32_t mm_time);
void body_main_agent_connected(msgbuf *b);
void body_main_agent_token(msgbuf *b, uint32_t tokens);
void body_main_agent_data(msgbuf *b, int from_client, uint32_t vd_type, const uint8_t *data, uint32_t len);

/* display */
void body_display_init(msgbuf *b);
void body_display_mark(msgbuf *b);
void body_display_surface_create(msgbuf *b, uint32_t surface_id, uint32_t width, uint32_t height);
void body_display_draw_fill(msgbuf *b, uint32_t surface_id, rect box, uint32_t color);
/* draw_copy with an uncompressed 32-bit bitmap of width x height pixels. */
void body_display_draw_copy(msgbuf *b, uint32_t surface_id, rect box, uint64_t image_id, uint32_t width,
                            uint32_t height, const uint8_t *pixels);
void body_display_stream_create(msgbuf *b, uint32_t stream_id, uint32_t width, uint32_t height, rect dest);
/* With data NULL, only the message up to its data is built (its sizes
 * count len bytes of data that the caller places right after it). */
void body_display_stream_data(msgbuf *b, uint32_t stream_id, uint32_t mm_time, const uint8_t *data, uint32_t len);
void body_display_stream_data_sized(msgbuf *b, uint32_t stream_id, uint32_t mm_time, uint32_t width,
                                    uint32_t height, rect dest, const uint8_t *data, uint32_t len);
/* Room the header-only builders above need before their data. */
#define BODY_STREAM_HEADER_ROOM 64u
void body_display_stream_destroy(msgbuf *b, uint32_t stream_id);

/* inputs */
void body_inputs_init(msgbuf *b, uint16_t modifiers);
void body_inputs_key(msgbuf *b, int down, uint32_t scancode);
void body_inputs_mouse_motion(msgbuf *b, int32_t dx, int32_t dy, uint16_t buttons);
void body_inputs_mouse_position(msgbuf *b, uint32_t x, uint32_t y, uint16_t buttons, uint8_t display);
void body_inputs_mouse_button(msgbuf *b, int press, uint8_t button, uint16_t buttons);
void body_inputs_motion_ack(msgbuf *b);

/* cursor */
void body_cursor_init(msgbuf *b, int16_t x, int16_t y);
void body_cursor_set(msgbuf *b, int16_t x, int16_t y, uint64_t unique, uint16_t size, const uint8_t *pixels);
void body_cursor_move(msgbuf *b, int16_t x, int16_t y);

/* playback */
void body_playback_start(msgbuf *b, uint32_t channels, uint32_t frequency, uint32_t time);
void body_playback_mode(msgbuf *b, uint32_t time, uint16_t mode);
void body_playback_data(msgbuf *b, uint32_t time, const uint8_t *data, uint32_t len);
void body_playback_stop(msgbuf *b);

/* usbredir (spicevmc) */
void body_spicevmc_data(msgbuf *b, int from_client, const uint8_t *data, uint32_t len);

#endif
