/* The validator's SPICE framer reached deeply: the input is a conversation
 * of SPICE bytes, recorded through the recorder core's live writer into a
 * pcap exactly as ryll would write it (segmented, seq-chained, checksummed),
 * and that capture is validated. Random bytes inside a valid capture get
 * past the frame and seq checks that stop most of fuzz_validation's inputs,
 * into the mini-header walk, the real link stage (REDQ header, link body,
 * ticket, link result, auth selection) and the data-header walk.
 *
 * Input layout (see fuzz/make_seeds.py, which writes seeds this way):
 *   byte 0    channel: 1 + byte % (SPICE_END_CHANNEL - 1), which sets the
 *             client port the way ryll does
 *   byte 1    bit 0: ryll's big-endian header; bit 1: seqs start just below
 *             2^32, so every chain wraps; bit 2: a real connection (below);
 *             bit 3: what ryll really writes, every record over its 65535
 *             snaplen left out of the file (seq gaps: snaplen loss); bit 4:
 *             the server's second chunk never written though its seq is not
 *             taken (a full writer queue: bytes vanish under a contiguous seq)
 *   then      chunks of [direction: bit 0 of a byte][u16 LE length][bytes],
 *             each recorded as one message (the last may be short)
 *
 * A real connection is what a capture of a live SPICE session holds: the
 * flow is outside ryll's convention (client 192.168.0.1), so the validator
 * walks its link stage, and each chunk is one TCP segment anywhere in the
 * byte stream (the frame builder and pcap writer, not the live writer,
 * which records only ryll's flows). */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "channels.h"
#include "format.h"
#include "error.h"
#include "frame.h"
#include "fuzz_support.h"
#include "live_writer.h"
#include "pcap_out.h"
#include "report.h"
#include "validation.h"

static char *capture_dir;

static void remove_capture_dir(void)
{
    GDir *d = g_dir_open(capture_dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *path = g_build_filename(capture_dir, name, NULL);
        g_unlink(path);
        g_free(path);
    }
    if (d != NULL)
        g_dir_close(d);
    g_rmdir(capture_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* tmpfs when there is one: a write per record, millions of times. */
    char *template = g_build_filename(g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir(),
                                      "spicecap-fuzz-XXXXXX", NULL);
    capture_dir = g_mkdtemp(template);
    if (capture_dir == NULL) {
        perror("fuzz_spice_stream: a temporary directory for the recorded capture");
        abort();
    }
    atexit(remove_capture_dir);
    return 0;
}

/* Record the chunks; returns the capture's path (owned by the writer's
 * caller: g_free it) or NULL when the writer could not even be opened. */
static char *record(const uint8_t *data, size_t size)
{
    unsigned channel = 1 + data[0] % (SPICE_END_CHANNEL - 1);
    spicecap_pcap_options options = {.ryll_compat = data[1] & 1};
    spicecap_live_writer *w = spicecap_live_writer_open(capture_dir, channel, &options);
    if (w == NULL) {
        fprintf(stderr, "fuzz_spice_stream: %s\n", spicecap_last_error());
        abort();
    }
    if (data[1] & 2)
        spicecap_live_writer_set_next_seq(w, 0xFFFFF000u, 0xFFFFFF00u);
    uint64_t ts = 0;
    size_t at = 2;
    fuzz_chunk c;
    unsigned server_chunks = 0;
    while (fuzz_next_chunk(data, size, &at, SIZE_MAX, &c)) {
        spicecap_direction dir = c.from_server ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
        if (c.from_server && ++server_chunks == 2 && (data[1] & 16))
            continue; /* dropped by a full queue: the writer never took its seq */
        if (spicecap_live_writer_record(w, ts += 1000, dir, c.bytes, c.len) != 0) {
            fprintf(stderr, "fuzz_spice_stream: recording: %s\n", spicecap_last_error());
            abort();
        }
    }
    char *path = g_strdup(spicecap_live_writer_path(w));
    if (spicecap_live_writer_close(w) != 0) {
        fprintf(stderr, "fuzz_spice_stream: closing: %s\n", spicecap_last_error());
        abort();
    }
    return path;
}

/* What pcap-file 2.0.0 does under ryll: a record over the header's 65535
 * snaplen is not written at all. The recorded file is rewritten without
 * them (the seq chain then has gaps where they were). */
static void drop_records_over_snaplen(const char *path)
{
    gchar *bytes = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &bytes, &len, NULL) || len < SPICECAP_PCAP_FILE_HDR_LEN) {
        fprintf(stderr, "fuzz_spice_stream: cannot read back %s\n", path);
        abort();
    }
    const uint8_t *in = (const uint8_t *)bytes;
    bool big = spicecap_be32(in) == SPICECAP_PCAP_MAGIC_USEC;
    GByteArray *out = g_byte_array_new();
    g_byte_array_append(out, in, SPICECAP_PCAP_FILE_HDR_LEN);
    for (gsize at = SPICECAP_PCAP_FILE_HDR_LEN; at + SPICECAP_PCAP_RECORD_HDR_LEN <= len;) {
        uint32_t caplen = spicecap_get32(in + at + 8, big);
        gsize whole = SPICECAP_PCAP_RECORD_HDR_LEN + (gsize)caplen;
        if (whole > len - at)
            break;
        if (caplen <= SPICECAP_RYLL_PCAP_SNAPLEN)
            g_byte_array_append(out, in + at, (guint)whole);
        at += whole;
    }
    if (!g_file_set_contents(path, (const gchar *)out->data, (gssize)out->len, NULL)) {
        fprintf(stderr, "fuzz_spice_stream: cannot rewrite %s\n", path);
        abort();
    }
    g_byte_array_free(out, TRUE);
    g_free(bytes);
}

#define REAL_CLIENT_IP 0xC0A80001u /* 192.168.0.1: not ryll's 10.0.0.1 */

/* Record the chunks as the segments of a real connection into DIR/real.pcap;
 * returns its path (g_free it). */
static char *record_real(const uint8_t *data, size_t size)
{
    char *path = g_build_filename(capture_dir, "real.pcap", NULL);
    spicecap_pcap_options options = {.ryll_compat = data[1] & 1};
    spicecap_pcap_writer *w = spicecap_pcap_create_live(path, &options);
    if (w == NULL) {
        fprintf(stderr, "fuzz_spice_stream: %s\n", spicecap_last_error());
        abort();
    }
    uint16_t client_port = spicecap_client_port(1 + data[0] % (SPICE_END_CHANNEL - 1));
    uint32_t next[2] = {SPICECAP_CLIENT_SEQ_BASE, SPICECAP_SERVER_SEQ_BASE}; /* by direction */
    if (data[1] & 2)
        next[0] = 0xFFFFF000u, next[1] = 0xFFFFFF00u;
    static uint8_t frame[SPICECAP_MAX_FRAME_LEN];
    uint64_t ts = 0;
    size_t at = 2;
    fuzz_chunk c;
    while (fuzz_next_chunk(data, size, &at, SPICECAP_MAX_SEGMENT_PAYLOAD, &c)) {
        int from_server = c.from_server;
        spicecap_tcp_tuple t = from_server ? (spicecap_tcp_tuple){SPICECAP_SERVER_IP, SPICECAP_SERVER_PORT,
                                                                  REAL_CLIENT_IP, client_port}
                                           : (spicecap_tcp_tuple){REAL_CLIENT_IP, client_port, SPICECAP_SERVER_IP,
                                                                  SPICECAP_SERVER_PORT};
        long n = spicecap_frame_build(frame, sizeof frame, &t, next[from_server], next[!from_server], c.bytes, c.len);
        if (n < 0 || spicecap_pcap_write_record(w, ts += 1000, frame, (uint32_t)n) != 0) {
            fprintf(stderr, "fuzz_spice_stream: recording a real segment: %s\n", spicecap_last_error());
            abort();
        }
        next[from_server] += (uint32_t)c.len;
    }
    if (spicecap_pcap_finish(w) != 0) {
        fprintf(stderr, "fuzz_spice_stream: closing: %s\n", spicecap_last_error());
        abort();
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char *path = data[1] & 4 ? record_real(data, size) : record(data, size);
    if (data[1] & 8)
        drop_records_over_snaplen(path);
    validation v;
    validation_init(&v, false);
    char *error = NULL;
    /* The recorder wrote it: a capture the reader cannot open is a bug. */
    if (!validation_run_file(&v, path, &error)) {
        fprintf(stderr, "fuzz_spice_stream: the recorded %s does not open: %s\n", path, error);
        abort();
    }
    report_sort(&v);
    g_free(report_json(&v, NULL, NULL));
    validation_clear(&v);
    g_unlink(path);
    g_free(path);
    return 0;
}
