#include "scenario.h"

#include <spice/enums.h>
#include <spice/vd_agent.h>
#include <string.h>

#include "bodies.h"
#include "unknown_type.h"

static const char *const scenario_names[] = {"desktop", "video", "seq-wrap", "ring"};

int scenario_from_name(const char *name)
{
    for (int i = 0; i < (int)(sizeof scenario_names / sizeof scenario_names[0]); i++)
        if (strcmp(name, scenario_names[i]) == 0)
            return i;
    return -1;
}

const char *scenario_name(scenario_kind kind)
{
    return scenario_names[kind];
}

void scenario_initial_seqs(scenario_kind kind, uint32_t *client_seq, uint32_t *server_seq)
{
    if (kind == SCENARIO_SEQ_WRAP) {
        /* Both chains wrap within their first messages, the server's in the
         * middle of its first multi-segment draw_copy. */
        *client_seq = 0xFFFFFFFFu - 40;
        *server_seq = 0xFFFFFFFFu - 70000;
    } else {
        *client_seq = SPICECAP_CLIENT_SEQ_BASE;
        *server_seq = SPICECAP_SERVER_SEQ_BASE;
    }
}

/* What a scenario carries from message to message. */
typedef struct session {
    scenario_emit emit;
    void *sink;
    msgbuf msg;
    synth_prng rng;
    body_pool pool;
    uint64_t now_us;
    uint32_t display_unacked; /* server display messages since the client's last ack */
    uint32_t ping_id;
    uint32_t max_image;
    int error;
} session;

static void send(session *s, unsigned channel, spicecap_direction direction)
{
    if (s->error)
        return;
    if (s->msg.failed) {
        s->error = -1;
        return;
    }
    s->error = s->emit(s->sink, s->now_us, channel, direction, s->msg.data, s->msg.len);
    /* SPICE clients ack every window of server messages (set_ack window 20). */
    if (channel == SPICE_CHANNEL_DISPLAY && direction == SPICECAP_DIR_RECEIVED && ++s->display_unacked == 20) {
        s->display_unacked = 0;
        s->now_us += 150;
        body_ack(&s->msg);
        send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_SENT);
    }
}

static void advance(session *s, uint64_t min_us, uint64_t max_us)
{
    s->now_us += synth_range(&s->rng, min_us, max_us);
}

/* The messages every channel exchanges once linked: set_ack and ack_sync. */
static void channel_start(session *s, unsigned channel)
{
    body_set_ack(&s->msg, 1, 20);
    send(s, channel, SPICECAP_DIR_RECEIVED);
    advance(s, 100, 400);
    body_ack_sync(&s->msg, 1);
    send(s, channel, SPICECAP_DIR_SENT);
    advance(s, 100, 400);
}

static rect random_box(session *s, uint32_t width, uint32_t height)
{
    int32_t left = (int32_t)synth_range(&s->rng, 0, 1920 - (width < 1920 ? width : 1920));
    int32_t top = (int32_t)synth_range(&s->rng, 0, 1080 - (height < 1080 ? height : 1080));
    return (rect){top, left, top + (int32_t)height, left + (int32_t)width};
}

/* A draw_copy whose bitmap is log-uniform between about 1 KB and the
 * largest image asked for (2 MB by default). */
static void draw_copy(session *s)
{
    uint32_t target = 1024u << synth_range(&s->rng, 0, 11); /* 1 KB .. 2 MB */
    if (target > s->max_image)
        target = s->max_image;
    uint32_t width = (uint32_t)synth_range(&s->rng, 16, 1024);
    uint32_t height = target / 4 / width;
    if (height == 0)
        height = 1;
    if (height > 1080)
        height = 1080;
    const uint8_t *pixels = body_pool_slice(&s->pool, &s->rng, (size_t)width * height * 4);
    body_display_draw_copy(&s->msg, 0, random_box(s, width, height), synth_next(&s->rng), width, height, pixels);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
}

static void desktop_start(session *s)
{
    body_main_init(&s->msg, (uint32_t)synth_next(&s->rng), 1000);
    send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
    advance(s, 200, 800);
    body_main_mouse_mode(&s->msg, SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT, SPICE_MOUSE_MODE_CLIENT);
    send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
    body_main_agent_connected(&s->msg);
    send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
    static const uint8_t ring_channels[] = {SPICE_CHANNEL_DISPLAY, SPICE_CHANNEL_INPUTS, SPICE_CHANNEL_CURSOR,
                                            SPICE_CHANNEL_PLAYBACK, SPICE_CHANNEL_USBREDIR};
    for (size_t i = 0; i < sizeof ring_channels; i++)
        channel_start(s, ring_channels[i]);
    body_display_init(&s->msg);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_SENT);
    body_display_surface_create(&s->msg, 0, 1920, 1080);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
    body_inputs_init(&s->msg, 0);
    send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_RECEIVED);
    body_cursor_init(&s->msg, 960, 540);
    send(s, SPICE_CHANNEL_CURSOR, SPICECAP_DIR_RECEIVED);
    body_playback_start(&s->msg, 2, 48000, 1000);
    send(s, SPICE_CHANNEL_PLAYBACK, SPICECAP_DIR_RECEIVED);
    body_playback_mode(&s->msg, 1000, SPICE_AUDIO_DATA_MODE_RAW);
    send(s, SPICE_CHANNEL_PLAYBACK, SPICECAP_DIR_RECEIVED);
}

/* One user-visible happening of a desktop session, chosen by weight. */
static void desktop_step(session *s)
{
    uint64_t pick = synth_range(&s->rng, 0, 99);
    if (pick < 25) { /* typing: key down, key up */
        uint32_t scancode = (uint32_t)synth_range(&s->rng, 0x02, 0x39);
        body_inputs_key(&s->msg, 1, scancode);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
        advance(s, 40000, 120000);
        body_inputs_key(&s->msg, 0, scancode);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
    } else if (pick < 40) { /* mouse: motion with its ack, position, moves of the cursor */
        uint32_t motions = (uint32_t)synth_range(&s->rng, 1, 4);
        for (uint32_t i = 0; i < motions; i++) {
            body_inputs_mouse_motion(&s->msg, (int32_t)synth_range(&s->rng, 0, 20) - 10,
                                     (int32_t)synth_range(&s->rng, 0, 20) - 10, 0);
            send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
            body_cursor_move(&s->msg, (int16_t)synth_range(&s->rng, 0, 1919), (int16_t)synth_range(&s->rng, 0, 1079));
            send(s, SPICE_CHANNEL_CURSOR, SPICECAP_DIR_RECEIVED);
            advance(s, 5000, 20000);
        }
        body_inputs_motion_ack(&s->msg);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_RECEIVED);
        body_inputs_mouse_position(&s->msg, (uint32_t)synth_range(&s->rng, 0, 1919),
                                   (uint32_t)synth_range(&s->rng, 0, 1079), 0, 0);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
    } else if (pick < 45) { /* a click */
        body_inputs_mouse_button(&s->msg, 1, SPICE_MOUSE_BUTTON_LEFT, SPICE_MOUSE_BUTTON_MASK_LEFT);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
        advance(s, 60000, 150000);
        body_inputs_mouse_button(&s->msg, 0, SPICE_MOUSE_BUTTON_LEFT, 0);
        send(s, SPICE_CHANNEL_INPUTS, SPICECAP_DIR_SENT);
    } else if (pick < 60) { /* screen updates */
        body_display_draw_fill(&s->msg, 0, random_box(s, 200, 100), (uint32_t)synth_next(&s->rng));
        send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
        draw_copy(s);
        if (synth_range(&s->rng, 0, 3) == 0) {
            body_display_mark(&s->msg);
            send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
        }
    } else if (pick < 66) { /* a new cursor shape */
        uint16_t size = 32;
        body_cursor_set(&s->msg, (int16_t)synth_range(&s->rng, 0, 1919), (int16_t)synth_range(&s->rng, 0, 1079),
                        synth_next(&s->rng), size, body_pool_slice(&s->pool, &s->rng, (size_t)size * size * 4));
        send(s, SPICE_CHANNEL_CURSOR, SPICECAP_DIR_RECEIVED);
    } else if (pick < 72) { /* keep-alive */
        uint64_t stamp = s->now_us * 1000;
        body_ping(&s->msg, ++s->ping_id, stamp);
        send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
        advance(s, 300, 3000);
        body_pong(&s->msg, s->ping_id, stamp);
        send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_SENT);
        body_main_multi_media_time(&s->msg, (uint32_t)(s->now_us / 1000));
        send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
    } else if (pick < 77) { /* clipboard through the agent */
        uint32_t len = (uint32_t)synth_range(&s->rng, 8, 2048);
        body_main_agent_data(&s->msg, 1, VD_AGENT_CLIPBOARD, body_pool_slice(&s->pool, &s->rng, len), len);
        send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_SENT);
        body_main_agent_token(&s->msg, 1);
        send(s, SPICE_CHANNEL_MAIN, SPICECAP_DIR_RECEIVED);
    } else if (pick < 90) { /* 20 ms of 48 kHz stereo audio */
        body_playback_data(&s->msg, (uint32_t)(s->now_us / 1000), body_pool_slice(&s->pool, &s->rng, 3840), 3840);
        send(s, SPICE_CHANNEL_PLAYBACK, SPICECAP_DIR_RECEIVED);
    } else { /* a USB transfer each way */
        uint32_t len = (uint32_t)synth_range(&s->rng, 16, 16384);
        body_spicevmc_data(&s->msg, 1, body_pool_slice(&s->pool, &s->rng, 64), 64);
        send(s, SPICE_CHANNEL_USBREDIR, SPICECAP_DIR_SENT);
        advance(s, 500, 5000);
        body_spicevmc_data(&s->msg, 0, body_pool_slice(&s->pool, &s->rng, len), len);
        send(s, SPICE_CHANNEL_USBREDIR, SPICECAP_DIR_RECEIVED);
    }
    advance(s, 2000, 30000);
}

static void desktop_end(session *s)
{
    body_playback_stop(&s->msg);
    send(s, SPICE_CHANNEL_PLAYBACK, SPICECAP_DIR_RECEIVED);
    body_display_mark(&s->msg);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
}

/* Sustained video: 25 frames a second at the requested rate, every fifth
 * frame sent as STREAM_DATA_SIZED. */
static void video(session *s, const scenario_params *p)
{
    enum { FPS = 25, STREAM_ID = 7 };
    channel_start(s, SPICE_CHANNEL_DISPLAY);
    body_display_surface_create(&s->msg, 0, 1920, 1080);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
    rect dest = {0, 0, 720, 1280};
    body_display_stream_create(&s->msg, STREAM_ID, 1280, 720, dest);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
    uint64_t frames = p->duration_us * FPS / 1000000;
    uint64_t frame_bytes = p->video_rate / FPS;
    if (frame_bytes > 4u << 20)
        frame_bytes = 4u << 20; /* one frame never exceeds the pool's slices */
    uint64_t start = s->now_us;
    for (uint64_t f = 0; f < frames && !s->error; f++) {
        s->now_us = start + f * 1000000 / FPS;
        /* Frame sizes vary by ±25% around the mean, as encoded video does. */
        uint32_t len = (uint32_t)synth_range(&s->rng, frame_bytes * 3 / 4, frame_bytes * 5 / 4);
        uint8_t *data = body_pool_slice_with_room(&s->pool, &s->rng, len);
        uint32_t mm_time = (uint32_t)(s->now_us / 1000);
        if (f % 5 == 4)
            body_display_stream_data_sized(&s->msg, STREAM_ID, mm_time, 1280, 720, dest, NULL, len);
        else
            body_display_stream_data(&s->msg, STREAM_ID, mm_time, NULL, len);
        /* The header goes in front of the frame's bytes in the pool, so the
         * frame is segmented where it lies instead of being copied into a
         * message first (one copy of every video byte saved);
         * the pool's bytes are put back after. */
        uint8_t saved[BODY_STREAM_HEADER_ROOM];
        size_t header = s->msg.len;
        if (s->msg.failed || header > sizeof saved) {
            s->error = -1;
            break;
        }
        memcpy(saved, data - header, header);
        memcpy(data - header, s->msg.data, header);
        if (!s->error)
            s->error = s->emit(s->sink, s->now_us, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, data - header,
                               header + len);
        memcpy(data - header, saved, header);
        if (++s->display_unacked == 20) { /* the client's ack, as send() would */
            s->display_unacked = 0;
            s->now_us += 150;
            body_ack(&s->msg);
            send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_SENT);
        }
    }
    if (s->error)
        return;
    body_display_stream_destroy(&s->msg, STREAM_ID);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
}

/* seq-wrap: a display session of large draws whose chains wrap early. */
static void seq_wrap(session *s, const scenario_params *p)
{
    channel_start(s, SPICE_CHANNEL_DISPLAY);
    body_display_surface_create(&s->msg, 0, 1920, 1080);
    send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
    while (s->now_us < p->duration_us && !s->error) {
        uint32_t width = 256, height = (uint32_t)synth_range(&s->rng, 64, 400); /* 64 KB .. 400 KB */
        body_display_draw_copy(&s->msg, 0, random_box(s, width, height), synth_next(&s->rng), width, height,
                               body_pool_slice(&s->pool, &s->rng, (size_t)width * height * 4));
        send(s, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED);
        advance(s, 10000, 60000);
    }
}

int scenario_run(const scenario_params *p, scenario_emit emit, void *sink)
{
    unknown_type_emitter unknown;
    if (p->unknown) {
        unknown_type_init(&unknown, p->unknown_type, p->seed, emit, sink);
        emit = unknown_type_emit;
        sink = &unknown;
    }
    session s = {.emit = emit, .sink = sink, .rng = {p->seed}, .max_image = p->max_image};
    if (body_pool_init(&s.pool, p->seed) != 0)
        return -1;
    s.now_us = synth_range(&s.rng, 1000, 50000); /* time since session start */
    switch (p->kind) {
    case SCENARIO_DESKTOP:
    case SCENARIO_RING:
        desktop_start(&s);
        while (s.now_us < p->duration_us && !s.error)
            desktop_step(&s);
        desktop_end(&s);
        break;
    case SCENARIO_VIDEO:
        video(&s, p);
        break;
    case SCENARIO_SEQ_WRAP:
        seq_wrap(&s, p);
        break;
    }
    msgbuf_free(&s.msg);
    body_pool_free(&s.pool);
    if (s.error == 0 && p->unknown)
        s.error = unknown_type_finish(&unknown);
    return s.error;
}
