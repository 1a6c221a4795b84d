/* Draining a ring into a pcap: one record per segment at the message's
 * timestamp, the message count returned, headers in both flavours, and no
 * partial file on failure. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drain.h"
#include "error.h"
#include "test_support.h"

static spicecap_ring *display_ring_with_mix(void)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    const struct { uint64_t ts; spicecap_direction dir; uint16_t type; uint32_t body; } msgs[] = {
        {1500000, SPICECAP_DIR_RECEIVED, 304, 200000}, /* 4 segments */
        {1600001, SPICECAP_DIR_SENT, 101, 6},          /* display init */
        {1700002, SPICECAP_DIR_RECEIVED, 302, 100},
        {1800003, SPICECAP_DIR_RECEIVED, 304, 130000}, /* 2 segments */
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        size_t len;
        uint8_t *m = make_message(msgs[i].type, msgs[i].body, (uint32_t)i, &len);
        CU_ASSERT_EQUAL(spicecap_ring_record(ring, msgs[i].ts, msgs[i].dir, m, len), SPICECAP_OK);
        free(m);
    }
    return ring;
}

static void test_drain_one_record_per_segment(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/traffic.pcap", dir);
    spicecap_ring *ring = display_ring_with_mix();
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, path, NULL), 4);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 4); /* draining does not empty the ring */
    pcap_file f;
    CU_ASSERT_TRUE_FATAL(read_pcap(path, &f));
    CU_ASSERT_FALSE(f.big_endian);
    CU_ASSERT_EQUAL(f.snaplen, 262144);
    CU_ASSERT_EQUAL(f.linktype, 1);
    CU_ASSERT_EQUAL_FATAL(f.count, 4 + 1 + 1 + 2);
    const uint32_t sec[] = {1, 1, 1, 1, 1, 1, 1, 1}, usec[] = {500000, 500000, 500000, 500000, 600001, 700002, 800003, 800003};
    size_t largest = 0;
    for (size_t i = 0; i < f.count; i++) {
        CU_ASSERT_EQUAL(f.records[i].ts_sec, sec[i]);
        CU_ASSERT_EQUAL(f.records[i].ts_usec, usec[i]);
        CU_ASSERT_EQUAL(f.records[i].caplen, f.records[i].origlen);
        CU_ASSERT_TRUE(f.records[i].caplen <= f.snaplen);
        CU_ASSERT_TRUE(frame_checksums_ok(f.records[i].data, f.records[i].caplen));
        if (f.records[i].caplen > largest)
            largest = f.records[i].caplen;
    }
    CU_ASSERT_EQUAL(largest, 65549);
    /* Segments of the 200 KB message chain: 2000, +65495, +130990, +196485. */
    for (int k = 0; k < 4; k++)
        CU_ASSERT_EQUAL(spicecap_be32(f.records[k].data + 38), 2000u + 65495u * (uint32_t)k);
    free_pcap(&f);

    /* A viewer lists messages, not segments. */
    spicecap_listing_row *rows;
    CU_ASSERT_EQUAL_FATAL(spicecap_ring_list(ring, &rows), 4);
    CU_ASSERT_STRING_EQUAL(rows[0].channel, "display");
    CU_ASSERT_STRING_EQUAL(rows[0].direction, "received");
    CU_ASSERT_STRING_EQUAL(rows[0].msg_name, "draw_copy");
    CU_ASSERT_EQUAL(rows[0].segment_count, 4);
    CU_ASSERT_EQUAL(rows[0].wire_size, 200006);
    CU_ASSERT_STRING_EQUAL(rows[1].direction, "sent");
    CU_ASSERT_STRING_EQUAL(rows[1].msg_name, "init");
    CU_ASSERT_STRING_EQUAL(rows[2].msg_name, "draw_fill");
    CU_ASSERT_EQUAL(rows[3].segment_count, 2);
    free(rows);
    spicecap_ring_free(ring);
    remove_tree(dir);
    free(dir);
}

static void test_ryll_compat_header(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/ryll.pcap", dir);
    spicecap_ring *ring = display_ring_with_mix();
    spicecap_pcap_options ryll = {.ryll_compat = true};
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, path, &ryll), 4);
    pcap_file f;
    CU_ASSERT_TRUE_FATAL(read_pcap(path, &f));
    const uint8_t expected[24] = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1};
    CU_ASSERT_EQUAL(memcmp(f.bytes, expected, 24), 0);
    CU_ASSERT_TRUE(f.big_endian);
    /* ryll's quirk, reproduced: 65549-byte records under a 65535 snaplen. */
    CU_ASSERT_EQUAL(f.records[0].caplen, 65549);
    CU_ASSERT_TRUE(f.records[0].caplen > f.snaplen);
    free_pcap(&f);
    spicecap_ring_free(ring);
    remove_tree(dir);
    free(dir);
}

static void test_empty_ring_drains_header_only(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/empty.pcap", dir);
    spicecap_ring *ring = spicecap_ring_new_by_name("usbredir", 0);
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, path, NULL), 0);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_size, 24);
    spicecap_ring_free(ring);
    remove_tree(dir);
    free(dir);
}

static void test_unwritable_path_leaves_nothing(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/missing/sub/traffic.pcap", dir);
    spicecap_ring *ring = display_ring_with_mix();
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, path, NULL), SPICECAP_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), path));
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(NULL, path, NULL), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, NULL, NULL), SPICECAP_ERR_INVALID);
    /* The directory holds no stray temporary file after a failed drain. */
    snprintf(path, sizeof path, "%s/traffic.pcap", dir);
    CU_ASSERT_EQUAL(spicecap_ring_drain_to_path(ring, path, NULL), 4);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    spicecap_ring_free(ring);
    remove_tree(dir);
    free(dir);
}

void add_drain_suite(void)
{
    CU_pSuite suite = CU_add_suite("drain", NULL, NULL);
    CU_add_test(suite, "drain writes one record per segment, returns message count", test_drain_one_record_per_segment);
    CU_add_test(suite, "ryll-compatible header is byte-exact", test_ryll_compat_header);
    CU_add_test(suite, "an empty ring drains to a header-only pcap", test_empty_ring_drains_header_only);
    CU_add_test(suite, "unwritable output: error naming the path, no partial file", test_unwritable_path_leaves_nothing);
}
