/* Frame builder and segment_payload: sizes, seq chains, checksums, limits. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"
#include "frame.h"
#include "segment.h"
#include "test_support.h"

static const uint32_t CLIENT = SPICECAP_CLIENT_IP, SERVER = SPICECAP_SERVER_IP;

static spicecap_segments segment_bytes(uint32_t seq, size_t len)
{
    uint8_t *data = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    spicecap_segments segments;
    int rc = spicecap_segment_payload(SERVER, 5900, CLIENT, 10002, seq, 1000, data, len, &segments);
    CU_ASSERT_EQUAL_FATAL(rc, SPICECAP_OK);
    /* Every frame carries exactly its slice of the data. */
    size_t offset = 0;
    for (uint32_t k = 0; k < spicecap_segments_count(&segments); k++) {
        const spicecap_segment *s = spicecap_segments_at(&segments, k);
        CU_ASSERT_EQUAL(memcmp(s->frame + 54, data + offset, s->payload_len), 0);
        offset += s->payload_len;
    }
    CU_ASSERT_EQUAL(offset, len);
    free(data);
    return segments;
}

static void test_200k_payload_seq_chain(void)
{
    spicecap_segments s = segment_bytes(2000, 200000);
    CU_ASSERT_EQUAL(spicecap_segments_count(&s), 4);
    const uint32_t expected_seq[] = {2000, 2000 + 65495, 2000 + 130990, 2000 + 196485};
    const uint32_t expected_len[] = {65495, 65495, 65495, 200000 - 196485};
    for (uint32_t k = 0; k < 4; k++) {
        const spicecap_segment *seg = spicecap_segments_at(&s, k);
        CU_ASSERT_EQUAL(seg->seq, expected_seq[k]);
        CU_ASSERT_EQUAL(spicecap_be32(seg->frame + 38), expected_seq[k]);
        CU_ASSERT_EQUAL(seg->payload_len, expected_len[k]);
        CU_ASSERT_EQUAL(seg->frame_len, 54 + expected_len[k]);
    }
    spicecap_segments_release(&s);
}

static void test_130000_bytes_two_segments(void)
{
    spicecap_segments s = segment_bytes(1000, 130000);
    CU_ASSERT_EQUAL_FATAL(spicecap_segments_count(&s), 2);
    CU_ASSERT_EQUAL(s.first->payload_len, 65495);
    CU_ASSERT_EQUAL(s.rest[0]->payload_len, 64505);
    CU_ASSERT_EQUAL(s.first->frame_len, 65549); /* ryll's largest frame */
    spicecap_segments_release(&s);
}

static void test_small_and_empty_one_frame(void)
{
    spicecap_segments s = segment_bytes(1000, 1000);
    CU_ASSERT_EQUAL(spicecap_segments_count(&s), 1);
    CU_ASSERT_PTR_NULL(s.rest);
    CU_ASSERT_EQUAL(s.first->payload_len, 1000);
    spicecap_segments_release(&s);

    spicecap_segments empty;
    CU_ASSERT_EQUAL(spicecap_segment_payload(CLIENT, 10001, SERVER, 5900, 1000, 2000, NULL, 0, &empty), SPICECAP_OK);
    CU_ASSERT_EQUAL(spicecap_segments_count(&empty), 1);
    CU_ASSERT_EQUAL(empty.first->payload_len, 0);
    CU_ASSERT_EQUAL(empty.first->frame_len, 54);
    CU_ASSERT_TRUE(frame_checksums_ok(empty.first->frame, empty.first->frame_len));
    spicecap_segments_release(&empty);

    /* Exactly one full segment stays one frame; one byte more makes two. */
    s = segment_bytes(1000, 65495);
    CU_ASSERT_EQUAL(spicecap_segments_count(&s), 1);
    spicecap_segments_release(&s);
    s = segment_bytes(1000, 65496);
    CU_ASSERT_EQUAL(spicecap_segments_count(&s), 2);
    CU_ASSERT_EQUAL(s.rest[0]->payload_len, 1);
    spicecap_segments_release(&s);
}

static void test_seq_wraps_past_2_32(void)
{
    uint32_t base = 0xFFFFFF00u;
    spicecap_segments s = segment_bytes(base, 200000);
    CU_ASSERT_EQUAL(s.first->seq, base);
    CU_ASSERT_EQUAL(s.rest[0]->seq, (uint32_t)(base + 65495u));
    CU_ASSERT_EQUAL(s.rest[0]->seq, 65495u - 0x100u);
    CU_ASSERT_EQUAL(s.rest[1]->seq, 130990u - 0x100u);
    CU_ASSERT_EQUAL(spicecap_be32(s.rest[2]->frame + 38), 196485u - 0x100u);
    for (uint32_t k = 0; k < 4; k++)
        CU_ASSERT_TRUE(frame_checksums_ok(spicecap_segments_at(&s, k)->frame, spicecap_segments_at(&s, k)->frame_len));
    spicecap_segments_release(&s);
}

/* Every header field of a frame, per the format facts. */
static void test_frame_layout(void)
{
    const uint8_t payload[] = {0x7a, 0x00, 0x04, 0x00, 0x00, 0x00, 1, 2, 3}; /* odd length on purpose */
    uint8_t frame[128];
    spicecap_tcp_tuple tuple = {CLIENT, 10003, SERVER, 5900};
    long len = spicecap_frame_build(frame, sizeof frame, &tuple, 123456, 654321, payload, sizeof payload);
    CU_ASSERT_EQUAL_FATAL(len, 54 + (long)sizeof payload);
    const uint8_t dst_mac[] = {2, 0, 0, 0, 0, 2}, src_mac[] = {2, 0, 0, 0, 0, 1};
    CU_ASSERT_EQUAL(memcmp(frame, dst_mac, 6), 0);
    CU_ASSERT_EQUAL(memcmp(frame + 6, src_mac, 6), 0);
    CU_ASSERT_EQUAL(spicecap_be16(frame + 12), 0x0800);
    const uint8_t *ip = frame + 14;
    CU_ASSERT_EQUAL(ip[0], 0x45);
    CU_ASSERT_EQUAL(spicecap_be16(ip + 2), 20 + 20 + sizeof payload);
    CU_ASSERT_EQUAL(spicecap_be16(ip + 4), 0);      /* ID */
    CU_ASSERT_EQUAL(spicecap_be16(ip + 6), 0x4000); /* DF, offset 0 */
    CU_ASSERT_EQUAL(ip[8], 64);
    CU_ASSERT_EQUAL(ip[9], 6);
    CU_ASSERT_EQUAL(spicecap_be32(ip + 12), 0x0A000001u);
    CU_ASSERT_EQUAL(spicecap_be32(ip + 16), 0x0A000002u);
    const uint8_t *tcp = ip + 20;
    CU_ASSERT_EQUAL(spicecap_be16(tcp), 10003);
    CU_ASSERT_EQUAL(spicecap_be16(tcp + 2), 5900);
    CU_ASSERT_EQUAL(spicecap_be32(tcp + 4), 123456);
    CU_ASSERT_EQUAL(spicecap_be32(tcp + 8), 654321);
    CU_ASSERT_EQUAL(tcp[12], 5 << 4);
    CU_ASSERT_EQUAL(tcp[13], 0x10); /* ACK only */
    CU_ASSERT_EQUAL(spicecap_be16(tcp + 14), 65535);
    CU_ASSERT_EQUAL(spicecap_be16(tcp + 18), 0);
    CU_ASSERT_EQUAL(memcmp(tcp + 20, payload, sizeof payload), 0);
    CU_ASSERT_TRUE(frame_checksums_ok(frame, (size_t)len));
    /* A flipped payload bit must break the TCP checksum. */
    frame[60] ^= 1;
    CU_ASSERT_FALSE(frame_checksums_ok(frame, (size_t)len));
}

/* The fast fused checksum agrees with the textbook one for every length and
 * alignment around the 8-byte stride. */
static void test_checksum_matches_reference(void)
{
    uint8_t payload[300];
    uint8_t frame[400];
    spicecap_tcp_tuple tuple = {SERVER, 5900, CLIENT, 10002};
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(0xff - i * 13);
    for (size_t len = 0; len <= 64; len++)
        for (size_t shift = 0; shift < 8; shift++) {
            long n = spicecap_frame_build(frame, sizeof frame, &tuple, 0xFFFFFFFFu, 7, payload + shift, len);
            CU_ASSERT_EQUAL_FATAL(n, (long)(54 + len));
            CU_ASSERT_TRUE(frame_checksums_ok(frame, (size_t)n));
        }
}

static void test_frame_fails_closed(void)
{
    static uint8_t payload[65496];
    static uint8_t frame[65600];
    spicecap_tcp_tuple tuple = {SERVER, 5900, CLIENT, 10002};
    /* 20 + 65496 = 65516 > 65515: refused, not truncated. */
    CU_ASSERT_EQUAL(spicecap_frame_build(frame, sizeof frame, &tuple, 0, 0, payload, sizeof payload),
                    SPICECAP_ERR_TOO_LARGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), "65515"));
    CU_ASSERT_EQUAL(spicecap_frame_build(frame, sizeof frame, &tuple, 0, 0, payload, 65495), 65549);
    CU_ASSERT_EQUAL(spicecap_frame_build(frame, 100, &tuple, 0, 0, payload, 65495), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_frame_build(NULL, 100, &tuple, 0, 0, payload, 1), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_frame_build(frame, 100, NULL, 0, 0, payload, 1), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_frame_build(frame, 100, &tuple, 0, 0, NULL, 1), SPICECAP_ERR_INVALID);
}

static void test_segment_bad_arguments(void)
{
    spicecap_segments s = {0};
    uint8_t byte = 0;
    CU_ASSERT_EQUAL(spicecap_segment_payload(CLIENT, 1, SERVER, 2, 0, 0, NULL, 5, &s), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_segment_payload(CLIENT, 1, SERVER, 2, 0, 0, &byte, 1, NULL), SPICECAP_ERR_INVALID);
    /* Over 4 GB the seq offsets would alias: refused before touching data. */
    CU_ASSERT_EQUAL(spicecap_segment_payload(CLIENT, 1, SERVER, 2, 0, 0, &byte, (size_t)UINT32_MAX + 1, &s),
                    SPICECAP_ERR_TOO_LARGE);
    CU_ASSERT_PTR_NULL(s.first);
    spicecap_segments_release(NULL);
}

void add_segment_suite(void)
{
    CU_pSuite suite = CU_add_suite("segment", NULL, NULL);
    CU_add_test(suite, "200 KB payload: segments at base+0, +65495, +130990, +196485", test_200k_payload_seq_chain);
    CU_add_test(suite, "130000 bytes give 65495 + 64505", test_130000_bytes_two_segments);
    CU_add_test(suite, "1000 bytes and empty messages give one frame", test_small_and_empty_one_frame);
    CU_add_test(suite, "seq numbers wrap past 2^32", test_seq_wraps_past_2_32);
    CU_add_test(suite, "frame header fields match the format", test_frame_layout);
    CU_add_test(suite, "fused checksum equals RFC 1071 reference", test_checksum_matches_reference);
    CU_add_test(suite, "frame builder fails closed over 65515 IP bytes", test_frame_fails_closed);
    CU_add_test(suite, "segment_payload rejects bad arguments", test_segment_bad_arguments);
}
