/* Disk full: on a small file system (disk_full.sh mounts a 1 MiB tmpfs at
 * DIR) the live writer reports ENOSPC naming its file, refuses later records,
 * and leaves every record before the failure readable; a drain that does not
 * fit reports the error and leaves no file at all.
 * Usage: disk_full DIR */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channels.h"
#include "drain.h"
#include "error.h"
#include "live_writer.h"
#include "test_support.h"

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "disk_full.c:%d: check failed: %s\n", __LINE__, #cond);  \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static void live_writer_fills_the_disk(const char *dir)
{
    spicecap_live_writer *w = spicecap_live_writer_open(dir, SPICE_CHANNEL_DISPLAY, NULL);
    CHECK(w != NULL);
    if (w == NULL)
        return;
    size_t len;
    uint8_t *msg = make_message(304, 100000, 5, &len);
    int rc = SPICECAP_OK, recorded = 0;
    while (rc == SPICECAP_OK && recorded < 1000) {
        rc = spicecap_live_writer_record(w, (uint64_t)recorded, SPICECAP_DIR_RECEIVED, msg, len);
        recorded += rc == SPICECAP_OK;
    }
    CHECK(rc == SPICECAP_ERR_IO);
    CHECK(strstr(spicecap_last_error(), "display.pcap") != NULL);
    CHECK(strstr(spicecap_last_error(), strerror(ENOSPC)) != NULL);
    printf("live writer: %d messages recorded, then: %s\n", recorded, spicecap_last_error());
    CHECK(spicecap_live_writer_record(w, 0, SPICECAP_DIR_RECEIVED, msg, 10) == SPICECAP_ERR_IO);
    spicecap_live_writer_close(w);
    free(msg);

    /* Everything recorded before the failure reads back: whole messages
     * with a contiguous chain, then at most one torn record. */
    char path[512];
    snprintf(path, sizeof path, "%s/display.pcap", dir);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *bytes = malloc((size_t)size);
    CHECK(fread(bytes, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    long off = 24;
    uint32_t expected_seq = 2000;
    int whole_records = 0;
    while (off + 16 <= size) {
        uint32_t caplen = spicecap_le32(bytes + off + 8);
        if (off + 16 + (long)caplen > size)
            break;
        CHECK(spicecap_be32(bytes + off + 16 + 38) == expected_seq);
        CHECK(frame_checksums_ok(bytes + off + 16, caplen));
        expected_seq += caplen - 54;
        off += 16 + (long)caplen;
        whole_records++;
    }
    CHECK(whole_records >= recorded * 2); /* 100 KB messages are two segments */
    free(bytes);
    unlink(path);
}

static void drain_that_does_not_fit(const char *dir)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    size_t len;
    uint8_t *msg = make_message(304, 200000, 9, &len);
    for (int i = 0; i < 10; i++) /* 2 MB: twice the file system */
        spicecap_ring_record(ring, (uint64_t)i, SPICECAP_DIR_RECEIVED, msg, len);
    free(msg);
    char path[512];
    snprintf(path, sizeof path, "%s/traffic.pcap", dir);
    long rc = spicecap_ring_drain_to_path(ring, path, NULL);
    printf("drain: %ld: %s\n", rc, spicecap_last_error());
    CHECK(rc == SPICECAP_ERR_IO);
    CHECK(strstr(spicecap_last_error(), "traffic.pcap") != NULL);
    CHECK(access(path, F_OK) != 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir); /* no temporary left either */
    CHECK(system(cmd) == 0);
    spicecap_ring_free(ring);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    live_writer_fills_the_disk(argv[1]);
    drain_that_does_not_fit(argv[1]);
    printf("%s\n", failures ? "FAILED" : "disk full handled");
    return failures ? 1 : 0;
}
