/* The validator's capture reader alone: pcap in both byte orders and both
 * time resolutions, pcapng, gzip and zip wrappers, recognised from the
 * input's own magic. Every record is read to the end and its bytes touched,
 * so a record that claims more than it holds shows up under ASan. */
#include <glib.h>

#include "capture_reader.h"
#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32];
    int fd = fuzz_input_file(data, size, path);
    char *error = NULL;
    capture_reader *r = capture_reader_open(path, &error);
    if (r == NULL) {
        g_free(error);
        fuzz_input_close(fd);
        return 0;
    }
    (void)capture_reader_describe(r);
    (void)capture_reader_snaplen(r);
    capture_record rec;
    char *message = NULL;
    volatile uint8_t sink = 0;
    while (capture_reader_next(r, &rec, &message) == CAPTURE_RECORD) {
        if (rec.caplen > 0)
            sink ^= rec.data[0] ^ rec.data[rec.caplen - 1];
        uint64_t done, total;
        capture_reader_progress(r, &done, &total);
    }
    (void)sink;
    g_free(message);
    capture_reader_close(r);
    fuzz_input_close(fd);
    return 0;
}
