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
 *             2^32, so every chain wraps
 *   then      chunks of [direction: bit 0 of a byte][u16 LE length][bytes],
 *             each recorded as one message (the last may be short) */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "channels.h"
#include "error.h"
#include "fuzz_support.h"
#include "live_writer.h"
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
    while (at + 3 <= size) {
        spicecap_direction dir = data[at] & 1 ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
        size_t len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;
        at += 3;
        if (len > size - at)
            len = size - at;
        if (spicecap_live_writer_record(w, ts += 1000, dir, data + at, len) != 0) {
            fprintf(stderr, "fuzz_spice_stream: recording: %s\n", spicecap_last_error());
            abort();
        }
        at += len;
    }
    char *path = g_strdup(spicecap_live_writer_path(w));
    if (spicecap_live_writer_close(w) != 0) {
        fprintf(stderr, "fuzz_spice_stream: closing: %s\n", spicecap_last_error());
        abort();
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char *path = record(data, size);
    validation v;
    validation_init(&v, false);
    char *error = NULL;
    /* The recorder wrote it: a capture the reader cannot open is a bug. */
    if (!validation_run_file(&v, path, &error)) {
        fprintf(stderr, "fuzz_spice_stream: the recorded %s does not open: %s\n", path, error);
        abort();
    }
    report_sort(&v);
    g_free(report_json(&v));
    validation_clear(&v);
    g_unlink(path);
    g_free(path);
    return 0;
}
