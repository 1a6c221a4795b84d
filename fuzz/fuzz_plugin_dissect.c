/* The Wireshark plugin in-process, the way Wireshark's own fuzzshark drives
 * its dissectors: libwireshark is initialised once with the plugin's
 * registration routines handed to it directly (no .so to load), then each
 * input becomes one recorded frame built by the recorder core's frame
 * builder, dissected Ethernet -> IPv4 -> TCP -> spicecap with a full tree
 * and columns, so the mini-header framing and every body decoder in
 * plugin/bodies.c run on fuzzed bytes.
 *
 * Input layout (see fuzz/make_seeds.py):
 *   byte 0   the client port: one of ryll's channel ports, 10099, or a port
 *            no channel has (byte % 7)
 *   byte 1   bit 0: sent by the server; bit 1: raw, the rest is the TCP
 *            payload as is (mini headers, sizes and all); bit 2: a real
 *            connection (see below); bit 3: a recorded flow (see below)
 *   then     unless raw: u16 LE message type, and the body, behind a mini
 *            header whose size is the body's length: one recorded frame.
 *   A recorded flow (bit 3) is frames of ryll's convention, walked by the
 *   shared walker as the plugin does on a capture (gaps, desyncs, socket
 *   reads, resync): the rest is chunks as for a real connection, whose
 *   direction byte's bits 1 to 7 (g) put a seq gap before the chunk, as
 *   ryll's pcap writer leaves one: none for 0, g * 97 bytes below 64,
 *   k = (g - 64) / 2 + 1 records of 65495 bytes from 64 to 126 (less 13
 *   for odd g: still within the snaplen rule's 65482k..65495k), and for
 *   127 the u24 LE after the direction byte (then the chunk's length and
 *   bytes). Bytes that vanish under a contiguous seq (a full writer queue)
 *   are the input's own choice.
 *   A real connection (bit 2) is a TCP conversation outside ryll's recorded
 *   convention, so the plugin decides from its first bytes whether it is
 *   SPICE (a REDQ link header) or VNC, then walks its link stage: the rest
 *   is chunks of [direction: bit 0 of a byte][u16 LE length][bytes], one
 *   frame each, in order. The plugin's per-conversation state is dropped
 *   after each input, so every input starts a connection (or a recorded
 *   flow at its first seq) afresh. */
#include <epan/column-info.h>
#include <epan/column.h>
#include <epan/conversation.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/timestamp.h>
#include <epan/tvbuff.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>

#include "format.h"
#include "frame.h"
#include "fuzz_support.h"
#include "spicecap_dissector.h"
#include "ws_compat.h"

static epan_t *session;
static epan_dissect_t *edt;
static column_info columns;
static int proto_spicecap = -1, proto_vnc = -1;

static const nstime_t *frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    (void)prov, (void)frame_num;
    static nstime_t zero;
    return &zero;
}

static void set_pref(const char *setting)
{
    char *copy = g_strdup(setting), *error = NULL;
    if (prefs_set_pref(copy, &error) != PREFS_SET_OK) {
        fprintf(stderr, "fuzz_plugin_dissect: preference %s: %s\n", setting, error ? error : "refused");
        abort();
    }
    g_free(error);
    g_free(copy);
}

/* The capture session every input is dissected in. One for the whole run:
 * a new one costs about 0.1 s (every dissector's init routine), and
 * starting one every 20000 inputs made no difference to the peak RSS of a
 * 10-minute run (1.08 GB against 1.10 GB; the growth is ASan's quarantine of
 * freed memory: with quarantine_size_mb=16 a 45-second run stayed near
 * 250 MB). */
static void open_session(void)
{
    static const struct packet_provider_funcs funcs = {.get_frame_ts = frame_ts};
    session = epan_new(NULL, &funcs);
    edt = epan_dissect_new(session, TRUE, TRUE);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    /* No user profile: a personal preference or plugin must not change
     * what an input does (nor load a second spicecap). */
    g_setenv("XDG_CONFIG_HOME", "/nonexistent/spicecap-fuzz", TRUE);
    g_setenv("WIRESHARK_CONFIG_DIR", "/nonexistent/spicecap-fuzz", TRUE);
    g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", FALSE); /* ASan sees every allocation */
    g_setenv("G_SLICE", "always-malloc", FALSE);
    spicecap_ws_log_init("fuzz_plugin_dissect");
    init_process_policies();
    char *error = spicecap_ws_configuration_init((*argv)[0]);
    g_free(error); /* only the program's own folder, which nothing here needs */
    /* The time column asserts unless told how to show time, as tshark does. */
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(FALSE);
    static proto_plugin plugin = {.register_protoinfo = spicecap_register, .register_handoff = spicecap_handoff};
    proto_register_plugin(&plugin);
    if (!epan_init(NULL, NULL, FALSE)) {
        fputs("fuzz_plugin_dissect: epan_init failed\n", stderr);
        abort();
    }
    e_prefs *prefs = epan_load_settings();
    /* One frame is one input: no reassembly waiting for a next frame that
     * never comes, and no seq analysis state carried from input to input. */
    set_pref("tcp.desegment_tcp_streams:FALSE");
    set_pref("tcp.analyze_sequence_numbers:FALSE");
    set_pref("tcp.check_checksum:TRUE");
    set_pref("ip.check_checksum:TRUE");
    prefs_apply_all();
    proto_spicecap = proto_get_id_by_filter_name("spicecap");
    proto_vnc = proto_get_id_by_filter_name("vnc");
    build_column_format_array(&columns, prefs->num_cols, TRUE);
    open_session();
    return 0;
}

static const uint16_t client_ports[] = {10001, 10002, 10003, 10004, 10009, SPICECAP_CLIENT_PORT_OTHER, 10042};
#define REAL_CLIENT_IP 0xC0A80001u /* 192.168.0.1: not ryll's 10.0.0.1 */

/* One frame of a flow to or from the server, in frame (SPICECAP_MAX_FRAME_LEN
 * bytes); payload at most SPICECAP_MAX_SEGMENT_PAYLOAD. */
static long build(uint8_t *frame, uint32_t client_ip, uint16_t client_port, bool from_server, uint32_t seq,
                  uint32_t ack, const uint8_t *payload, size_t len)
{
    spicecap_tcp_tuple t = from_server ? (spicecap_tcp_tuple){SPICECAP_SERVER_IP, SPICECAP_SERVER_PORT, client_ip,
                                                              client_port}
                                       : (spicecap_tcp_tuple){client_ip, client_port, SPICECAP_SERVER_IP,
                                                              SPICECAP_SERVER_PORT};
    long n = spicecap_frame_build(frame, SPICECAP_MAX_FRAME_LEN, &t, seq, ack, payload, len);
    if (n < 0) {
        fputs("fuzz_plugin_dissect: the frame builder refused a payload within its bound\n", stderr);
        abort();
    }
    return n;
}

/* Dissect one frame as tshark -V would: tree, columns, then reset. With
 * forget, the plugin's state of the frame's conversation is dropped. */
static void dissect(const uint8_t *frame, long len, bool forget)
{
    static guint32 number;
    wtap_rec rec;
    spicecap_ws_rec_init(&rec, frame, len);
    spicecap_ws_setup_packet_rec(&rec, WTAP_ENCAP_ETHERNET);
    rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec.rec_header.packet_header.caplen = (guint32)len;
    rec.rec_header.packet_header.len = (guint32)len;
    frame_data fd;
    frame_data_init(&fd, ++number, &rec, 0, 0);
    spicecap_ws_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, frame, len, &fd, &columns);
    epan_dissect_fill_in_columns(edt, TRUE, TRUE);
    if (forget) {
        /* What spicecap decided, and what VNC took over when spicecap handed
         * the flow on (it claims the conversation from then on). */
        conversation_t *conv = find_conversation_pinfo(&edt->pi, 0);
        if (conv != NULL) {
            spicecap_forget(conv);
            conversation_delete_proto_data(conv, proto_vnc);
            conversation_set_dissector_from_frame_number(conv, number + 1, NULL);
        }
    }
    epan_dissect_reset(edt);
    frame_data_destroy(&fd);
    wtap_rec_cleanup(&rec);
}

static uint8_t frame[SPICECAP_MAX_FRAME_LEN];
static uint8_t payload[SPICECAP_MAX_SEGMENT_PAYLOAD];

/* A recorded frame: one message behind a mini header, or raw bytes. */
static void recorded(const uint8_t *data, size_t size, uint16_t client_port, bool from_server, bool raw)
{
    size_t len;
    if (raw) {
        len = size < sizeof payload ? size : sizeof payload;
        memcpy(payload, data, len);
    } else {
        size_t body = size - 2 < sizeof payload - SPICECAP_MINI_HDR_LEN ? size - 2 : sizeof payload - SPICECAP_MINI_HDR_LEN;
        memcpy(payload, data, 2); /* type, little-endian as on the wire */
        uint32_t n = (uint32_t)body;
        uint8_t le[4] = {n & 0xff, n >> 8 & 0xff, n >> 16 & 0xff, n >> 24};
        memcpy(payload + 2, le, 4);
        memcpy(payload + SPICECAP_MINI_HDR_LEN, data + 2, body);
        len = SPICECAP_MINI_HDR_LEN + body;
    }
    uint32_t seq = from_server ? SPICECAP_SERVER_SEQ_BASE : SPICECAP_CLIENT_SEQ_BASE;
    uint32_t ack = from_server ? SPICECAP_CLIENT_SEQ_BASE : SPICECAP_SERVER_SEQ_BASE;
    dissect(frame, build(frame, SPICECAP_CLIENT_IP, client_port, from_server, seq, ack, payload, len), true);
}

/* The seq gap a recorded chunk's direction byte puts before it; *at moves
 * past an explicit length (g = 127). */
static uint32_t gap_before(const uint8_t *data, size_t size, size_t *at)
{
    unsigned g = data[*at] >> 1;
    if (g == 0)
        return 0;
    if (g < 64)
        return g * 97u;
    if (g < 127)
        return ((g - 64) / 2 + 1) * SPICECAP_MAX_SEGMENT_PAYLOAD - (g % 2 ? 13u : 0u);
    if (*at + 4 > size)
        return 0;
    uint32_t len = data[*at + 1] | (uint32_t)data[*at + 2] << 8 | (uint32_t)data[*at + 3] << 16;
    *at += 3;
    return len;
}

/* Whether another recorded chunk's header is at at (the last frame of an
 * input forgets the flow). */
static bool more_chunks(const uint8_t *data, size_t size, size_t at)
{
    return at + 3 <= size && (data[at] >> 1 != 127 || at + 6 <= size);
}

/* A recorded flow: the chunks as frames of ryll's convention, in order. */
static void recorded_flow(const uint8_t *data, size_t size, uint16_t client_port)
{
    uint32_t next[2] = {SPICECAP_CLIENT_SEQ_BASE, SPICECAP_SERVER_SEQ_BASE}; /* by direction */
    size_t at = 0;
    fuzz_chunk c;
    while (more_chunks(data, size, at)) {
        uint8_t direction_byte = data[at];
        /* After an explicit gap, at is on its last byte: fuzz_next_chunk
         * reads the length after it, and the direction is the first byte's. */
        uint32_t gap = gap_before(data, size, &at);
        if (!fuzz_next_chunk(data, size, &at, SPICECAP_MAX_SEGMENT_PAYLOAD, &c))
            break;
        c.from_server = direction_byte & 1;
        next[c.from_server] += gap;
        long n = build(frame, SPICECAP_CLIENT_IP, client_port, c.from_server, next[c.from_server],
                       next[!c.from_server], c.bytes, c.len);
        next[c.from_server] += (uint32_t)c.len;
        dissect(frame, n, !more_chunks(data, size, at));
    }
}

/* A real connection: the chunks as frames of one conversation. */
static void real(const uint8_t *data, size_t size, uint16_t client_port)
{
    uint32_t next[2] = {SPICECAP_CLIENT_SEQ_BASE, SPICECAP_SERVER_SEQ_BASE}; /* by direction */
    size_t at = 0;
    fuzz_chunk c;
    while (fuzz_next_chunk(data, size, &at, SIZE_MAX, &c)) {
        long n = build(frame, REAL_CLIENT_IP, client_port, c.from_server, next[c.from_server], next[!c.from_server],
                       c.bytes, c.len);
        next[c.from_server] += (uint32_t)c.len;
        dissect(frame, n, at + 3 > size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t client_port = client_ports[data[0] % (sizeof client_ports / sizeof client_ports[0])];
    bool from_server = data[1] & 1, raw = data[1] & 2, connection = data[1] & 4, flow = data[1] & 8;
    if (connection)
        real(data + 2, size - 2, client_port);
    else if (flow)
        recorded_flow(data + 2, size - 2, client_port);
    else if (raw || size >= 4)
        recorded(data + 2, size - 2, client_port, from_server, raw);
    return 0;
}
