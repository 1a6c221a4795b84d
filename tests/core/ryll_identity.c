/* Byte-identity with ryll: take the reference capture written by ryll's
 * writer (fixtures/ref/ryll-display-sample.pcap), recover each SPICE message
 * from its frames, record the same messages at the same timestamps through
 * the live writer in ryll-compatible mode, and compare the two files byte
 * for byte.
 * Usage: ryll_identity SAMPLE.pcap OUT_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "error.h"
#include "live_writer.h"
#include "test_support.h"

typedef struct pending {
    uint8_t *bytes;
    size_t have, want;
    uint64_t ts_us;
} pending;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SAMPLE.pcap OUT_DIR\n", argv[0]);
        return 2;
    }
    pcap_file sample;
    if (!read_pcap(argv[1], &sample)) {
        fprintf(stderr, "%s: not a readable pcap\n", argv[1]);
        return 2;
    }
    spicecap_pcap_options ryll = {.ryll_compat = true};
    spicecap_live_writer *w = spicecap_live_writer_open(argv[2], SPICE_CHANNEL_DISPLAY, &ryll);
    if (w == NULL) {
        fprintf(stderr, "%s\n", spicecap_last_error());
        return 2;
    }
    /* Frames arrive in file order; a message is complete when its bytes
     * reach 6 + the size in its mini header. */
    pending message[2] = {{0}};
    int recorded = 0;
    for (size_t i = 0; i < sample.count; i++) {
        const pcap_record *r = &sample.records[i];
        int dir = spicecap_be16(r->data + 34) == 5900 ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT; /* by source port */
        pending *m = &message[dir];
        const uint8_t *payload = r->data + 54;
        size_t len = r->caplen - 54;
        if (m->bytes == NULL) {
            uint32_t size = spicecap_le32(payload + SPICECAP_MINI_HDR_SIZE_AT);
            m->want = 6 + (size_t)size;
            m->bytes = malloc(m->want);
            m->have = 0;
            m->ts_us = (uint64_t)r->ts_sec * 1000000 + r->ts_usec;
        }
        memcpy(m->bytes + m->have, payload, len);
        m->have += len;
        if (m->have == m->want) {
            if (spicecap_live_writer_record(w, m->ts_us, (spicecap_direction)dir, m->bytes, m->want) != SPICECAP_OK) {
                fprintf(stderr, "%s\n", spicecap_last_error());
                return 1;
            }
            free(m->bytes);
            m->bytes = NULL;
            recorded++;
        }
    }
    char out_path[1024];
    snprintf(out_path, sizeof out_path, "%s", spicecap_live_writer_path(w));
    spicecap_live_writer_close(w);
    pcap_file ours;
    if (!read_pcap(out_path, &ours)) {
        fprintf(stderr, "%s: not readable\n", out_path);
        return 1;
    }
    size_t first_difference = 0;
    while (first_difference < ours.size && first_difference < sample.size &&
           ours.bytes[first_difference] == sample.bytes[first_difference])
        first_difference++;
    int identical = ours.size == sample.size && first_difference == ours.size;
    printf("%d messages re-recorded: %zu bytes vs ryll's %zu: %s", recorded, ours.size, sample.size,
           identical ? "identical\n" : "DIFFERENT");
    if (!identical)
        printf(" from byte %zu\n", first_difference);
    free_pcap(&ours);
    free_pcap(&sample);
    return identical ? 0 : 1;
}
