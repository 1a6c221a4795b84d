/* Test helper: records a display session with large and small messages
 * into a ring, drains it to OUT.pcap, and writes the exact bytes the server
 * sent (every message, in order) to STREAM.bin, so an independent reader can
 * check that its reassembled stream is the same.
 * Usage: make_drained_capture OUT.pcap STREAM.bin */
#include <stdio.h>
#include <stdlib.h>

#include "drain.h"
#include "error.h"
#include "test_support.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s OUT.pcap STREAM.bin\n", argv[0]);
        return 2;
    }
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    FILE *stream = fopen(argv[2], "wb");
    if (ring == NULL || stream == NULL) {
        fprintf(stderr, "%s: cannot start: %s\n", argv[0], ring ? argv[2] : spicecap_last_error());
        return 2;
    }
    /* Server bodies of 200 KB (4 segments), 130000 B (2), 65489 B (exactly
     * one full segment with its header) and small ones between, plus client
     * messages so the ack numbers move. */
    const uint32_t bodies[] = {200000, 100, 130000, 65489, 0, 3000, 250000};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        size_t len;
        uint8_t *msg = make_message(304, bodies[i], (uint32_t)i + 1, &len);
        if (spicecap_ring_record(ring, 1000000 + i * 1000, SPICECAP_DIR_RECEIVED, msg, len) != SPICECAP_OK ||
            fwrite(msg, 1, len, stream) != len) {
            fprintf(stderr, "%s: %s\n", argv[0], spicecap_last_error());
            return 2;
        }
        free(msg);
        uint8_t ack[10] = {2, 0, 4, 0, 0, 0, (uint8_t)i, 0, 0, 0}; /* SPICE_MSGC_ACK */
        spicecap_ring_record(ring, 1000000 + i * 1000 + 500, SPICECAP_DIR_SENT, ack, sizeof ack);
    }
    fclose(stream);
    long messages = spicecap_ring_drain_to_path(ring, argv[1], NULL);
    spicecap_ring_free(ring);
    if (messages < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], spicecap_last_error());
        return 2;
    }
    printf("%ld messages\n", messages);
    return 0;
}
