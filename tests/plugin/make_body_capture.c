/* Test helper for test_bodies.py: records, through the recorder core
 * (spicecap_flow + the pcap writer), one capture holding one of each message
 * body the plugin decodes, with known field values, and a second capture of
 * bodies shorter than their structure. A third holds a real (not recorded)
 * record-channel connection, link stage included, built with
 * spicecap_segment_payload: ryll records no record channel, and only a
 * connection's link message names it. test_bodies.py knows the same values
 * and checks that tshark shows exactly them.
 * Usage: make_body_capture BODIES.pcap SHORT.pcap RECORD.pcap */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spice/enums.h>
#include <spice/vd_agent.h>

#include "error.h"
#include "flow.h"
#include "link_stage.h"
#include "pcap_out.h"
#include "segment.h"

/* A message under construction: mini header then body, little-endian. */
typedef struct msg {
    uint8_t b[8192];
    size_t n;
} msg;

static void put(msg *m, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        m->b[m->n++] = (uint8_t)(v >> (8 * i));
}
static void u8(msg *m, uint64_t v) { put(m, v, 1); }
static void u16(msg *m, uint64_t v) { put(m, v, 2); }
static void u32(msg *m, uint64_t v) { put(m, v, 4); }
static void u64(msg *m, uint64_t v) { put(m, v, 8); }
static void bytes(msg *m, const void *p, size_t len)
{
    memcpy(m->b + m->n, p, len);
    m->n += len;
}
static void rect(msg *m, int32_t top, int32_t left, int32_t bottom, int32_t right)
{
    u32(m, (uint32_t)top), u32(m, (uint32_t)left), u32(m, (uint32_t)bottom), u32(m, (uint32_t)right);
}

static msg *start(msg *m, uint16_t type)
{
    m->n = 0;
    u16(m, type);
    u32(m, 0); /* size, set by emit */
    return m;
}

typedef struct capture {
    spicecap_pcap_writer *pcap;
    spicecap_flow flows[SPICE_END_CHANNEL];
    uint64_t ts_us;
    uint32_t real_seq[2]; /* the real connection's next seq, by direction */
} capture;

/* The mini header's size: the body built after it. */
static void set_size(msg *m)
{
    uint32_t size = (uint32_t)(m->n - 6);
    memcpy(m->b + 2, &(uint8_t[4]){(uint8_t)size, (uint8_t)(size >> 8), (uint8_t)(size >> 16), (uint8_t)(size >> 24)},
           4);
}

/* One record per segment of a message just segmented (rc is how that went). */
static void write_segments(capture *cap, int rc, spicecap_segments *segments)
{
    if (rc != SPICECAP_OK) {
        fprintf(stderr, "make_body_capture: %s\n", spicecap_last_error());
        exit(2);
    }
    cap->ts_us += 1000;
    for (uint32_t i = 0; i < spicecap_segments_count(segments); i++) {
        const spicecap_segment *s = spicecap_segments_at(segments, i);
        if (spicecap_pcap_write_record(cap->pcap, cap->ts_us, s->frame, s->frame_len) != SPICECAP_OK) {
            fprintf(stderr, "make_body_capture: %s\n", spicecap_last_error());
            exit(2);
        }
    }
    spicecap_segments_release(segments);
}

static void emit(capture *cap, unsigned channel, spicecap_direction direction, msg *m)
{
    set_size(m);
    spicecap_flow *flow = &cap->flows[channel];
    if (flow->client_port == 0)
        spicecap_flow_init(flow, channel);
    spicecap_segments segments;
    write_segments(cap, spicecap_flow_segment(flow, direction, m->b, m->n, &segments), &segments);
}

#define RECV SPICECAP_DIR_RECEIVED
#define SENT SPICECAP_DIR_SENT

static void common_messages(capture *c, msg *m)
{
    unsigned ch = SPICE_CHANNEL_MAIN;
    start(m, SPICE_MSG_SET_ACK), u32(m, 7), u32(m, 20), emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_ACK_SYNC), u32(m, 7), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_ACK), emit(c, ch, SENT, m);
    start(m, SPICE_MSG_PING), u32(m, 9), u64(m, 123456789), emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_PONG), u32(m, 9), u64(m, 123456789), emit(c, ch, SENT, m);
    start(m, SPICE_MSG_WAIT_FOR_CHANNELS), u8(m, 2);
    u8(m, SPICE_CHANNEL_DISPLAY), u8(m, 0), u64(m, 1000), u8(m, SPICE_CHANNEL_CURSOR), u8(m, 1), u64(m, 2000);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSG_NOTIFY), u64(m, 43), u32(m, SPICE_NOTIFY_SEVERITY_ERROR), u32(m, SPICE_NOTIFY_VISIBILITY_MEDIUM);
    u32(m, 5), u32(m, 12), bytes(m, "hello notify", 12), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISCONNECTING), u64(m, 42), u32(m, SPICE_LINK_ERR_PERMISSION_DENIED), emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_DISCONNECTING), u64(m, 44), u32(m, SPICE_LINK_ERR_OK), emit(c, ch, SENT, m);
}

static void main_messages(capture *c, msg *m)
{
    unsigned ch = SPICE_CHANNEL_MAIN;
    start(m, SPICE_MSG_MAIN_INIT), u32(m, 0x1234), u32(m, 1), u32(m, 3), u32(m, 2), u32(m, 1), u32(m, 10);
    u32(m, 5000), u32(m, 4096), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_CHANNELS_LIST), u32(m, 3), u8(m, SPICE_CHANNEL_DISPLAY), u8(m, 0);
    u8(m, SPICE_CHANNEL_CURSOR), u8(m, 0), u8(m, SPICE_CHANNEL_PLAYBACK), u8(m, 1), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_MOUSE_MODE), u16(m, 3), u16(m, 2), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_MULTI_MEDIA_TIME), u32(m, 7777), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_AGENT_CONNECTED), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_AGENT_DISCONNECTED), u32(m, SPICE_LINK_ERR_ERROR), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_AGENT_TOKEN), u32(m, 11), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_AGENT_DATA), u32(m, VD_AGENT_PROTOCOL), u32(m, VD_AGENT_CLIPBOARD), u64(m, 0), u32(m, 5);
    bytes(m, "\1\0\0\0x", 5), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_NAME), u32(m, 8), bytes(m, "guest-vm", 8), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_UUID);
    bytes(m, "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS), u32(m, 12), emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_MAIN_CLIENT_INFO), u64(m, 1048576), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST), u16(m, 2), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_MAIN_AGENT_START), u32(m, 13), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_MAIN_AGENT_DATA), u32(m, VD_AGENT_PROTOCOL), u32(m, VD_AGENT_ANNOUNCE_CAPABILITIES);
    u64(m, 0), u32(m, 8), u32(m, 1), u32(m, 0xff), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_MAIN_AGENT_TOKEN), u32(m, 14), emit(c, ch, SENT, m);
}

/* DisplayBase with a clip of rects (count then 16-byte rects) or none. */
static void base(msg *m, uint32_t surface, int32_t top, uint32_t rects)
{
    u32(m, surface), rect(m, top, top + 1, top + 2, top + 3);
    u8(m, rects ? SPICE_CLIP_TYPE_RECTS : SPICE_CLIP_TYPE_NONE);
    if (rects) {
        u32(m, rects);
        for (uint32_t i = 0; i < rects; i++)
            rect(m, 0, 0, 10, 10);
    }
}

/* draw_opaque/draw_blend: base, src_bitmap pointer, then (for simplicity)
 * the image right after the pointer: descriptor and BinaryData size. */
static void draw_with_image(capture *c, msg *m, uint16_t type, uint64_t id, uint8_t image_type, uint32_t data_size)
{
    start(m, type), base(m, 0, 100, 0);
    uint32_t at = (uint32_t)(m->n - 6 + 4);
    u32(m, at), u64(m, id), u8(m, image_type), u8(m, 0), u32(m, 64), u32(m, 48), u32(m, data_size);
    for (uint32_t i = 0; i < data_size; i++)
        u8(m, i);
    emit(c, SPICE_CHANNEL_DISPLAY, RECV, m);
}

static void display_messages(capture *c, msg *m)
{
    unsigned ch = SPICE_CHANNEL_DISPLAY;
    start(m, SPICE_MSG_DISPLAY_MODE), u32(m, 1024), u32(m, 768), u32(m, 32), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_MARK), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_RESET), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_COPY_BITS), base(m, 0, 1, 0), u32(m, 5), u32(m, 6), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_SURFACE_CREATE), u32(m, 1), u32(m, 800), u32(m, 600), u32(m, SPICE_SURFACE_FMT_32_xRGB);
    u32(m, 1), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_DRAW_FILL), base(m, 1, 10, 2), u8(m, 1), u32(m, 0xff0000), u16(m, 8), u8(m, 0);
    u32(m, 0), u32(m, 0), u32(m, 0), emit(c, ch, RECV, m);
    draw_with_image(c, m, SPICE_MSG_DISPLAY_DRAW_OPAQUE, 0x1111, SPICE_IMAGE_TYPE_QUIC, 300);
    draw_with_image(c, m, SPICE_MSG_DISPLAY_DRAW_BLEND, 0x2222, SPICE_IMAGE_TYPE_JPEG, 200);
    start(m, SPICE_MSG_DISPLAY_SURFACE_DESTROY), u32(m, 1), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_CREATE), u32(m, 0), u32(m, 3), u8(m, 0), u8(m, SPICE_VIDEO_CODEC_TYPE_VP8);
    u64(m, 99), u32(m, 640), u32(m, 480), u32(m, 1280), u32(m, 960), rect(m, 0, 0, 480, 640), u8(m, 0);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_DATA), u32(m, 3), u32(m, 5100), u32(m, 4), u32(m, 0xdeadbeef);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_DATA_SIZED), u32(m, 3), u32(m, 5200), u32(m, 320), u32(m, 240);
    rect(m, 10, 20, 250, 340), u32(m, 2), u16(m, 0xabcd), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_CLIP), u32(m, 3), u8(m, SPICE_CLIP_TYPE_RECTS), u32(m, 2);
    rect(m, 0, 0, 1, 1), rect(m, 1, 1, 2, 2), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_DESTROY), u32(m, 3), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT), u32(m, 3), u32(m, 77), u32(m, 30), u32(m, 1000);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_DISPLAY_INIT), u8(m, 1), u64(m, 20000000), u8(m, 2), u32(m, 8000000), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_DISPLAY_STREAM_REPORT), u32(m, 3), u32(m, 77), u32(m, 5100), u32(m, 5200), u32(m, 30);
    u32(m, 2), u32(m, (uint32_t)-15), u32(m, 40), emit(c, ch, SENT, m);
    start(m, SPICE_MSG_DISPLAY_MONITORS_CONFIG), u16(m, 2), u16(m, 4);
    u32(m, 0), u32(m, 0), u32(m, 1920), u32(m, 1080), u32(m, 0), u32(m, 0), u32(m, 0);
    u32(m, 1), u32(m, 0), u32(m, 1280), u32(m, 1024), u32(m, 1920), u32(m, 0), u32(m, 0);
    emit(c, ch, RECV, m);
}

static void input_messages(capture *c, msg *m)
{
    unsigned ch = SPICE_CHANNEL_INPUTS;
    start(m, SPICE_MSG_INPUTS_INIT), u16(m, 2), emit(c, ch, RECV, m);
    start(m, SPICE_MSGC_INPUTS_KEY_DOWN), u32(m, 0x1e), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_KEY_UP), u32(m, 0x9e), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_KEY_MODIFIERS), u16(m, 4), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_KEY_SCANCODE), bytes(m, "\xe0\x48\xe0\xc8", 4), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_MOUSE_MOTION), u32(m, (uint32_t)-5), u32(m, 7), u16(m, 1), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_MOUSE_POSITION), u32(m, 100), u32(m, 200), u16(m, 0), u8(m, 1), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_MOUSE_PRESS), u8(m, 3), u16(m, 4), emit(c, ch, SENT, m);
    start(m, SPICE_MSGC_INPUTS_MOUSE_RELEASE), u8(m, 3), u16(m, 0), emit(c, ch, SENT, m);
    start(m, SPICE_MSG_INPUTS_KEY_MODIFIERS), u16(m, 1), emit(c, ch, RECV, m);

    ch = SPICE_CHANNEL_CURSOR;
    start(m, SPICE_MSG_CURSOR_INIT), u16(m, 10), u16(m, 20), u16(m, 3), u16(m, 4), u8(m, 1);
    u16(m, SPICE_CURSOR_FLAGS_NONE), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_CURSOR_SET), u16(m, (uint16_t)-11), u16(m, 21), u8(m, 1), u16(m, 0), u64(m, 0xabc);
    u8(m, SPICE_CURSOR_TYPE_ALPHA), u16(m, 32), u16(m, 32), u16(m, 1), u16(m, 2);
    for (int i = 0; i < 32 * 32; i++)
        u32(m, 0xff000000);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSG_CURSOR_MOVE), u16(m, 12), u16(m, 22), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_CURSOR_HIDE), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_CURSOR_TRAIL), u16(m, 5), u16(m, 6), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_CURSOR_INVAL_ONE), u64(m, 0xabc), emit(c, ch, RECV, m);
}

static void playback_messages(capture *c, msg *m)
{
    unsigned ch = SPICE_CHANNEL_PLAYBACK;
    start(m, SPICE_MSG_PLAYBACK_MODE), u32(m, 100), u16(m, SPICE_AUDIO_DATA_MODE_OPUS), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_START), u32(m, 2), u16(m, SPICE_AUDIO_FMT_S16), u32(m, 48000), u32(m, 101);
    emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_DATA), u32(m, 102), u32(m, 0), u32(m, 0), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_VOLUME), u8(m, 2), u16(m, 1000), u16(m, 2000), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_MUTE), u8(m, 1), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_LATENCY), u32(m, 150), emit(c, ch, RECV, m);
    start(m, SPICE_MSG_PLAYBACK_STOP), emit(c, ch, RECV, m);
}

/* Bodies shorter than their structure, and counts that claim more than the
 * body holds: each must raise the short-body note, nothing else. */
static void short_messages(capture *c, msg *m)
{
    start(m, SPICE_MSG_DISPLAY_SURFACE_CREATE), u32(m, 1), u32(m, 800), emit(c, SPICE_CHANNEL_DISPLAY, RECV, m);
    start(m, SPICE_MSG_MAIN_CHANNELS_LIST), u32(m, 1000000), u8(m, 2), u8(m, 0), emit(c, SPICE_CHANNEL_MAIN, RECV, m);
    start(m, SPICE_MSG_NOTIFY), u64(m, 1), u32(m, 0), u32(m, 0), u32(m, 0), u32(m, 0xffffffff), bytes(m, "abc", 3);
    emit(c, SPICE_CHANNEL_MAIN, RECV, m);
    start(m, SPICE_MSG_DISPLAY_MONITORS_CONFIG), u16(m, 3), u16(m, 4), u32(m, 0), emit(c, SPICE_CHANNEL_DISPLAY, RECV, m);
    start(m, SPICE_MSG_DISPLAY_DRAW_COPY), base(m, 0, 0, 0), u32(m, 0x7fffffff), emit(c, SPICE_CHANNEL_DISPLAY, RECV, m);
    start(m, SPICE_MSG_DISPLAY_DRAW_FILL), u32(m, 0), u32(m, 0), u32(m, 0), u32(m, 0), u32(m, 0), u8(m, 1);
    u32(m, 0x10000000), emit(c, SPICE_CHANNEL_DISPLAY, RECV, m);
    start(m, SPICE_MSGC_INPUTS_MOUSE_POSITION), u32(m, 1), emit(c, SPICE_CHANNEL_INPUTS, SENT, m);
    start(m, SPICE_MSG_PLAYBACK_VOLUME), u8(m, 200), u16(m, 1), emit(c, SPICE_CHANNEL_PLAYBACK, RECV, m);
    start(m, SPICE_MSG_CURSOR_SET), u16(m, 1), u16(m, 2), u8(m, 1), u16(m, 0), u64(m, 5), emit(c, SPICE_CHANNEL_CURSOR, RECV, m);
}

/* A real connection (not ryll's addresses) to port 5900: its own seqs. */
enum { REAL_CLIENT_IP = 0xC0A80701u, REAL_SERVER_IP = 0xC0A80702u, REAL_CLIENT_PORT = 40005 };

static void real_send(capture *c, spicecap_direction direction, const msg *m)
{
    spicecap_segments segments;
    int rc = direction == SENT
                 ? spicecap_segment_payload(REAL_CLIENT_IP, REAL_CLIENT_PORT, REAL_SERVER_IP, SPICECAP_SERVER_PORT,
                                            c->real_seq[SENT], c->real_seq[RECV], m->b, m->n, &segments)
                 : spicecap_segment_payload(REAL_SERVER_IP, SPICECAP_SERVER_PORT, REAL_CLIENT_IP, REAL_CLIENT_PORT,
                                            c->real_seq[RECV], c->real_seq[SENT], m->b, m->n, &segments);
    c->real_seq[direction] += (uint32_t)m->n;
    write_segments(c, rc, &segments);
}

/* Link header, then a link message (client) or reply (server) offering
 * only the mini header, then the ticket and the link result. */
static void record_link_stage(capture *c, msg *m)
{
    c->real_seq[SENT] = 5000, c->real_seq[RECV] = 9000;
    m->n = 0;
    u32(m, SPICECAP_LINK_MAGIC), u32(m, SPICE_VERSION_MAJOR), u32(m, SPICE_VERSION_MINOR), u32(m, SPICECAP_LINK_MESS_LEN + 4);
    u32(m, 0), u8(m, SPICE_CHANNEL_RECORD), u8(m, 0), u32(m, 1), u32(m, 0), u32(m, SPICECAP_LINK_MESS_LEN);
    u32(m, 1u << SPICE_COMMON_CAP_MINI_HEADER), real_send(c, SENT, m);
    m->n = 0;
    u32(m, SPICECAP_LINK_MAGIC), u32(m, SPICE_VERSION_MAJOR), u32(m, SPICE_VERSION_MINOR), u32(m, SPICECAP_LINK_REPLY_LEN + 4);
    u32(m, SPICE_LINK_ERR_OK);
    for (uint32_t i = 0; i < SPICECAP_LINK_REPLY_PUB_KEY_LEN; i++)
        u8(m, 0);
    u32(m, 1), u32(m, 0), u32(m, SPICECAP_LINK_REPLY_LEN), u32(m, 1u << SPICE_COMMON_CAP_MINI_HEADER);
    real_send(c, RECV, m);
    m->n = 0;
    for (uint32_t i = 0; i < SPICECAP_LINK_TICKET_LEN; i++)
        u8(m, i);
    real_send(c, SENT, m);
    m->n = 0;
    u32(m, SPICE_LINK_ERR_OK), real_send(c, RECV, m);
}

static void real(capture *c, msg *m, spicecap_direction direction)
{
    set_size(m);
    real_send(c, direction, m);
}

static void record_messages(capture *c, msg *m)
{
    record_link_stage(c, m);
    start(m, SPICE_MSG_RECORD_START), u32(m, 2), u16(m, SPICE_AUDIO_FMT_S16), u32(m, 44100), real(c, m, RECV);
    start(m, SPICE_MSG_RECORD_VOLUME), u8(m, 1), u16(m, 3000), real(c, m, RECV);
    start(m, SPICE_MSG_RECORD_MUTE), u8(m, 0), real(c, m, RECV);
    start(m, SPICE_MSGC_RECORD_MODE), u32(m, 500), u16(m, SPICE_AUDIO_DATA_MODE_RAW), real(c, m, SENT);
    start(m, SPICE_MSGC_RECORD_START_MARK), u32(m, 501), real(c, m, SENT);
    start(m, SPICE_MSGC_RECORD_DATA), u32(m, 502), u32(m, 0x12345678), real(c, m, SENT);
    start(m, SPICE_MSG_RECORD_STOP), real(c, m, RECV);
}

static void write_capture(const char *path, void (*const parts[])(capture *, msg *), size_t count)
{
    static msg m;
    capture c = {0};
    c.pcap = spicecap_pcap_create_atomic(path, &(spicecap_pcap_options){0});
    if (c.pcap == NULL) {
        fprintf(stderr, "make_body_capture: %s\n", spicecap_last_error());
        exit(2);
    }
    for (size_t i = 0; i < count; i++)
        parts[i](&c, &m);
    if (spicecap_pcap_finish(c.pcap) != SPICECAP_OK) {
        fprintf(stderr, "make_body_capture: %s\n", spicecap_last_error());
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s BODIES.pcap SHORT.pcap RECORD.pcap\n", argv[0]);
        return 2;
    }
    void (*const bodies[])(capture *, msg *) = {common_messages, main_messages, display_messages, input_messages,
                                                playback_messages};
    void (*const shorts[])(capture *, msg *) = {short_messages};
    void (*const record[])(capture *, msg *) = {record_messages};
    write_capture(argv[1], bodies, sizeof bodies / sizeof bodies[0]);
    write_capture(argv[2], shorts, 1);
    write_capture(argv[3], record, 1);
    return 0;
}
