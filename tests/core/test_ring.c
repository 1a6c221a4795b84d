/* The ring buffer: segmentation of large messages, naming, seq state,
 * snapshots sharing segments, whole-message eviction and byte accounting. */
#include <CUnit/CUnit.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "error.h"
#include "ring.h"
#include "test_support.h"

static size_t sum_of_segments(spicecap_ring *ring)
{
    size_t total = 0;
    for (size_t i = 0; i < spicecap_ring_count(ring); i++) {
        const spicecap_entry *e = spicecap_ring_entry(ring, i);
        for (uint32_t k = 0; k < spicecap_segments_count(&e->segments); k++)
            total += spicecap_segments_at(&e->segments, k)->frame_len;
    }
    return total;
}

static void record(spicecap_ring *ring, uint64_t ts, spicecap_direction dir, uint16_t type, uint32_t body)
{
    size_t len;
    uint8_t *msg = make_message(type, body, (uint32_t)ts, &len);
    CU_ASSERT_EQUAL(spicecap_ring_record(ring, ts, dir, msg, len), SPICECAP_OK);
    free(msg);
}

static void test_large_message_segmented(void)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    CU_ASSERT_EQUAL(spicecap_ring_cap(ring), 32u * 1024 * 1024);
    record(ring, 42, SPICECAP_DIR_RECEIVED, 304, 70000); /* draw_copy, 70006 bytes on the wire */
    const spicecap_entry *e = spicecap_ring_entry(ring, 0);
    CU_ASSERT_EQUAL(e->ts_us, 42);
    CU_ASSERT_EQUAL(e->channel, SPICE_CHANNEL_DISPLAY);
    CU_ASSERT_EQUAL(e->direction, SPICECAP_DIR_RECEIVED);
    CU_ASSERT_EQUAL(e->msg_type, 304);
    CU_ASSERT_STRING_EQUAL(e->msg_name, "draw_copy");
    CU_ASSERT_EQUAL(e->wire_size, 70006);
    CU_ASSERT_EQUAL(e->payload_size, 70000);
    CU_ASSERT_EQUAL_FATAL(spicecap_segments_count(&e->segments), 2);
    CU_ASSERT_EQUAL(e->segments.first->payload_len, 65495);
    CU_ASSERT_EQUAL(e->segments.rest[0]->payload_len, 70006 - 65495);
    CU_ASSERT_EQUAL(e->segments.first->seq, 2000);
    CU_ASSERT_EQUAL(e->segments.rest[0]->seq, 2000 + 65495);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), 2 * 54 + 70006);
    spicecap_ring_free(ring);
}

static void test_seq_state_per_direction(void)
{
    spicecap_ring *ring = spicecap_ring_new(SPICE_CHANNEL_INPUTS, 0);
    record(ring, 1, SPICECAP_DIR_SENT, 101, 4);      /* key_down: 10 bytes */
    record(ring, 2, SPICECAP_DIR_RECEIVED, 111, 0);  /* mouse_motion_ack: 6 bytes */
    record(ring, 3, SPICECAP_DIR_SENT, 102, 4);
    const spicecap_entry *a = spicecap_ring_entry(ring, 0), *b = spicecap_ring_entry(ring, 1),
                         *c = spicecap_ring_entry(ring, 2);
    CU_ASSERT_STRING_EQUAL(a->msg_name, "key_down");
    CU_ASSERT_STRING_EQUAL(b->msg_name, "mouse_motion_ack");
    CU_ASSERT_EQUAL(a->segments.first->seq, 1000);
    CU_ASSERT_EQUAL(spicecap_be32(a->segments.first->frame + 42), 2000); /* ack: nothing from the server yet */
    CU_ASSERT_EQUAL(spicecap_be16(a->segments.first->frame + 34), 10003); /* inputs client port */
    CU_ASSERT_EQUAL(b->segments.first->seq, 2000);
    CU_ASSERT_EQUAL(spicecap_be32(b->segments.first->frame + 42), 1010);
    CU_ASSERT_EQUAL(spicecap_be16(b->segments.first->frame + 36), 10003);
    CU_ASSERT_EQUAL(c->segments.first->seq, 1010);
    CU_ASSERT_EQUAL(spicecap_be32(c->segments.first->frame + 42), 2006);
    spicecap_ring_free(ring);
}

/* A session whose seqs start just below 2^32 wraps inside a message. */
static void test_seq_wraps_inside_ring(void)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    spicecap_ring_set_next_seq(ring, 0xFFFFFFF0u, 0xFFFF0000u);
    record(ring, 1, SPICECAP_DIR_RECEIVED, 304, 200000);
    record(ring, 2, SPICECAP_DIR_SENT, 1, 10);
    const spicecap_entry *big = spicecap_ring_entry(ring, 0), *ack = spicecap_ring_entry(ring, 1);
    CU_ASSERT_EQUAL(big->segments.first->seq, 0xFFFF0000u);
    CU_ASSERT_EQUAL(big->segments.rest[0]->seq, 0xFFFFFFD7u);       /* 41 short of 2^32 */
    CU_ASSERT_EQUAL(big->segments.rest[1]->seq, 130990u - 65536u); /* wrapped */
    CU_ASSERT_EQUAL(spicecap_be32(big->segments.first->frame + 42), 0xFFFFFFF0u);
    CU_ASSERT_EQUAL(ack->segments.first->seq, 0xFFFFFFF0u);
    /* wrapped ack */
    CU_ASSERT_EQUAL(spicecap_be32(ack->segments.first->frame + 42), (uint32_t)(0xFFFF0000u + 200006u));
    spicecap_ring_free(ring);
}

static void test_snapshot_shares_segments(void)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 400000);
    record(ring, 1, SPICECAP_DIR_RECEIVED, 304, 200000);
    record(ring, 2, SPICECAP_DIR_RECEIVED, 302, 100);
    spicecap_ring *snap = spicecap_ring_snapshot(ring);
    CU_ASSERT_PTR_NOT_NULL_FATAL(snap);
    CU_ASSERT_EQUAL(spicecap_ring_count(snap), 2);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(snap), spicecap_ring_total_bytes(ring));
    for (size_t i = 0; i < 2; i++) {
        const spicecap_entry *o = spicecap_ring_entry(ring, i), *s = spicecap_ring_entry(snap, i);
        CU_ASSERT_EQUAL_FATAL(spicecap_segments_count(&o->segments), spicecap_segments_count(&s->segments));
        for (uint32_t k = 0; k < spicecap_segments_count(&o->segments); k++)
            CU_ASSERT_PTR_EQUAL(spicecap_segments_at(&o->segments, k), spicecap_segments_at(&s->segments, k));
    }
    const spicecap_segment *big_first = spicecap_ring_entry(snap, 0)->segments.first;
    uint8_t copy[64];
    memcpy(copy, big_first->frame, sizeof copy);

    /* Push the original past its cap: both old messages are evicted there. */
    record(ring, 3, SPICECAP_DIR_RECEIVED, 304, 399900);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 1);
    CU_ASSERT_EQUAL(spicecap_ring_evicted(ring), 2);
    /* The snapshot still holds both, bytes intact (ASan would flag a freed read). */
    CU_ASSERT_EQUAL(spicecap_ring_count(snap), 2);
    CU_ASSERT_EQUAL(memcmp(big_first->frame, copy, sizeof copy), 0);
    CU_ASSERT_EQUAL(spicecap_ring_entry(snap, 0)->wire_size, 200006);
    CU_ASSERT_EQUAL(sum_of_segments(snap), spicecap_ring_total_bytes(snap));
    spicecap_ring_free(ring);
    /* and outlives the original. */
    CU_ASSERT_EQUAL(spicecap_ring_entry(snap, 1)->msg_type, 302);
    spicecap_ring_free(snap);
}

static void test_cap_evicts_whole_messages(void)
{
    /* Cap 300000: a 200 KB message (4 frames) plus a 150 KB one (3) exceed it. */
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 300000);
    record(ring, 1, SPICECAP_DIR_RECEIVED, 304, 200000);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), 200006 + 4 * 54);
    record(ring, 2, SPICECAP_DIR_RECEIVED, 304, 150000);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 1);
    const spicecap_entry *e = spicecap_ring_entry(ring, 0);
    CU_ASSERT_EQUAL(e->ts_us, 2);
    CU_ASSERT_EQUAL(spicecap_segments_count(&e->segments), 3);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), 150006 + 3 * 54);
    /* A message bigger than the cap on its own is kept, alone. */
    record(ring, 3, SPICECAP_DIR_RECEIVED, 304, 400000);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 1);
    CU_ASSERT_EQUAL(spicecap_ring_entry(ring, 0)->ts_us, 3);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), sum_of_segments(ring));
    spicecap_ring_free(ring);
}

/* Thousands of random pushes: after every one the total is the sum over all
 * segments, within the cap, and the ring holds a contiguous newest suffix. */
static void test_random_pushes_keep_invariant(void)
{
    const size_t cap = 1u << 20;
    spicecap_ring *ring = spicecap_ring_new_by_name("main", cap);
    uint32_t x = 12345;
    uint64_t pushed = 0;
    int violations = 0;
    for (int i = 0; i < 4000; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        uint32_t body = (x % 8 == 0) ? x % 300000 : x % 2000; /* mostly small, some multi-segment */
        record(ring, ++pushed, (x & 1) ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED, 109, body);
        size_t total = spicecap_ring_total_bytes(ring);
        size_t count = spicecap_ring_count(ring);
        if (total != sum_of_segments(ring) || (total > cap && count != 1) ||
            spicecap_ring_entry(ring, count - 1)->ts_us != pushed ||
            spicecap_ring_evicted(ring) + count != pushed)
            violations++;
    }
    CU_ASSERT_EQUAL(violations, 0);
    spicecap_ring_free(ring);
}

static void test_default_caps_and_bad_input(void)
{
    const char *names[] = {"main", "display", "inputs", "cursor", "usbredir", "playback"};
    const size_t caps[] = {4u << 20, 32u << 20, 2u << 20, 4u << 20, 4u << 20, 4u << 20};
    for (int i = 0; i < 6; i++) {
        spicecap_ring *ring = spicecap_ring_new_by_name(names[i], 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
        CU_ASSERT_EQUAL(spicecap_ring_cap(ring), caps[i]);
        spicecap_ring_free(ring);
    }
    CU_ASSERT_PTR_NULL(spicecap_ring_new_by_name("displya", 0));
    CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), "displya"));
    CU_ASSERT_PTR_NULL(spicecap_ring_new_by_name(NULL, 0));
    CU_ASSERT_PTR_NULL(spicecap_ring_new(0, 100));
    CU_ASSERT_PTR_NULL(spicecap_ring_new(99, 100));
    CU_ASSERT_PTR_NULL(spicecap_ring_new(SPICE_CHANNEL_RECORD, 0)); /* no default cap */
    CU_ASSERT_EQUAL(spicecap_ring_record(NULL, 0, SPICECAP_DIR_SENT, NULL, 0), SPICECAP_ERR_INVALID);
    spicecap_ring *ring = spicecap_ring_new_by_name("cursor", 0);
    CU_ASSERT_EQUAL(spicecap_ring_record(ring, 0, SPICECAP_DIR_SENT, NULL, 10), SPICECAP_ERR_INVALID);
    uint8_t msg[6] = {0};
    CU_ASSERT_EQUAL(spicecap_ring_record(ring, 0, (spicecap_direction)7, msg, 6), SPICECAP_ERR_INVALID);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 0);
    /* Short or unknown messages are still recorded: the ring keeps what was on the wire. */
    CU_ASSERT_EQUAL(spicecap_ring_record(ring, 0, SPICECAP_DIR_RECEIVED, msg, 1), SPICECAP_OK);
    CU_ASSERT_PTR_NULL(spicecap_ring_entry(ring, 0)->msg_name);
    msg[0] = 250;
    CU_ASSERT_EQUAL(spicecap_ring_record(ring, 0, SPICECAP_DIR_RECEIVED, msg, 6), SPICECAP_OK);
    CU_ASSERT_EQUAL(spicecap_ring_entry(ring, 1)->msg_type, 250);
    CU_ASSERT_PTR_NULL(spicecap_ring_entry(ring, 1)->msg_name);
    CU_ASSERT_PTR_NULL(spicecap_ring_entry(ring, 2));
    spicecap_ring_free(ring);
    spicecap_ring_free(NULL);
}

typedef struct producer_args {
    spicecap_ring *ring;
    int messages;
} producer_args;

static void *producer(void *arg)
{
    producer_args *a = arg;
    uint8_t msg[64] = {0x65, 0x00, 58, 0, 0, 0};
    for (int i = 0; i < a->messages; i++)
        if (spicecap_ring_record(a->ring, (uint64_t)i, i % 2 ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED, msg,
                                 sizeof msg) != SPICECAP_OK)
            return (void *)1;
    return NULL;
}

/* Four producers on one ring: no message lost, seqs advance by exactly the
 * recorded bytes, and the accounting holds. */
static void test_concurrent_producers(void)
{
    spicecap_ring *ring = spicecap_ring_new_by_name("main", 64u << 20);
    pthread_t threads[4];
    producer_args args = {ring, 5000};
    for (int t = 0; t < 4; t++)
        pthread_create(&threads[t], NULL, producer, &args);
    for (int t = 0; t < 4; t++) {
        void *result;
        pthread_join(threads[t], &result);
        CU_ASSERT_PTR_NULL(result);
    }
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 20000);
    CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), sum_of_segments(ring));
    uint32_t next[2] = {1000, 2000};
    int chain_breaks = 0;
    for (size_t i = 0; i < 20000; i++) {
        const spicecap_entry *e = spicecap_ring_entry(ring, i);
        chain_breaks += e->segments.first->seq != next[e->direction];
        next[e->direction] += e->wire_size;
    }
    CU_ASSERT_EQUAL(chain_breaks, 0);
    spicecap_ring_free(ring);
}

void add_ring_suite(void)
{
    CU_pSuite suite = CU_add_suite("ring", NULL, NULL);
    CU_add_test(suite, ">65 KB message: first segment 65495 bytes plus the rest", test_large_message_segmented);
    CU_add_test(suite, "seq and ack state per direction", test_seq_state_per_direction);
    CU_add_test(suite, "seqs set near 2^32 wrap inside a message", test_seq_wraps_inside_ring);
    CU_add_test(suite, "snapshot shares segments and survives eviction", test_snapshot_shares_segments);
    CU_add_test(suite, "cap evicts segmented entries whole", test_cap_evicts_whole_messages);
    CU_add_test(suite, "total_bytes equals the segment sum over 4000 random pushes", test_random_pushes_keep_invariant);
    CU_add_test(suite, "ryll's default caps; bad channel names and arguments", test_default_caps_and_bad_input);
    CU_add_test(suite, "concurrent producers keep order and accounting", test_concurrent_producers);
}
