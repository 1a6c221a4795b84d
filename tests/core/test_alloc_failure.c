/* Allocation failure: every malloc/calloc/realloc the core makes is failed
 * in turn (the test links with --wrap so the core's calls come here). Each
 * call must return SPICECAP_ERR_NOMEM with a message, leave the ring as it
 * was, and leak nothing (LeakSanitizer checks at exit). */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drain.h"
#include "error.h"
#include "test_support.h"
#include "cunit_run.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);

static long allocations_until_failure = -1; /* -1: never fail */

static int should_fail(void)
{
    if (allocations_until_failure < 0)
        return 0;
    return allocations_until_failure-- == 0;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

static size_t segment_sum(spicecap_ring *ring)
{
    size_t total = 0;
    for (size_t i = 0; i < spicecap_ring_count(ring); i++)
        total += spicecap_segments_bytes(&spicecap_ring_entry(ring, i)->segments);
    return total;
}

static void test_record_fails_cleanly(void)
{
    size_t len;
    uint8_t *big = make_message(304, 300000, 3, &len); /* 5 segments: 6 allocations */
    int failures_seen = 0;
    for (long n = 0; n < 12; n++) {
        spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
        CU_ASSERT_EQUAL_FATAL(spicecap_ring_record(ring, 1, SPICECAP_DIR_RECEIVED, big, 100), SPICECAP_OK);
        size_t before = spicecap_ring_total_bytes(ring);
        allocations_until_failure = n;
        int rc = spicecap_ring_record(ring, 2, SPICECAP_DIR_RECEIVED, big, len);
        allocations_until_failure = -1;
        if (rc != SPICECAP_OK) {
            failures_seen++;
            CU_ASSERT_EQUAL(rc, SPICECAP_ERR_NOMEM);
            CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), "out of memory"));
            CU_ASSERT_EQUAL(spicecap_ring_count(ring), 1);
            CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), before);
            /* The seq did not advance: the next message continues the chain. */
            CU_ASSERT_EQUAL(spicecap_ring_record(ring, 3, SPICECAP_DIR_RECEIVED, big, 10), SPICECAP_OK);
            CU_ASSERT_EQUAL(spicecap_ring_entry(ring, 1)->segments.first->seq, 2000 + 100);
        } else {
            CU_ASSERT_EQUAL(spicecap_ring_count(ring), 2);
        }
        CU_ASSERT_EQUAL(spicecap_ring_total_bytes(ring), segment_sum(ring));
        spicecap_ring_free(ring);
    }
    CU_ASSERT_TRUE(failures_seen >= 6); /* every allocation of the record was failed once */
    free(big);
}

static void test_snapshot_and_drain_fail_cleanly(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/traffic.pcap", dir);
    size_t len;
    uint8_t *big = make_message(304, 200000, 4, &len);
    spicecap_ring *ring = spicecap_ring_new_by_name("display", 0);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(spicecap_ring_record(ring, (uint64_t)i, SPICECAP_DIR_RECEIVED, big, len), SPICECAP_OK);
    int failures_seen = 0;
    for (long n = 0; n < 16; n++) {
        allocations_until_failure = n;
        long drained = spicecap_ring_drain_to_path(ring, path, NULL);
        allocations_until_failure = -1;
        if (drained < 0) {
            failures_seen++;
            CU_ASSERT_EQUAL(drained, SPICECAP_ERR_NOMEM);
            CU_ASSERT_EQUAL(access(path, F_OK), -1); /* no partial file */
        } else {
            CU_ASSERT_EQUAL(drained, 3);
            remove(path);
        }
        spicecap_ring *snap = NULL;
        allocations_until_failure = n;
        snap = spicecap_ring_snapshot(ring);
        allocations_until_failure = -1;
        spicecap_ring_free(snap);
    }
    CU_ASSERT_TRUE(failures_seen >= 4);
    CU_ASSERT_EQUAL(spicecap_ring_count(ring), 3);
    spicecap_ring_free(ring);
    free(big);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite("allocation_failure", NULL, NULL);
    CU_add_test(suite, "ring_record: each allocation failed in turn", test_record_fails_cleanly);
    CU_add_test(suite, "snapshot and drain: each allocation failed in turn", test_snapshot_and_drain_fail_cleanly);
    return spicecap_cunit_run();
}
