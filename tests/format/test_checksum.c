/* spicecap_sum_bytes (both its AVX2 and its scalar loop) against the
 * Internet checksum written out here the way RFC 1071 states it: the sum of
 * big-endian 16-bit words, carries folded back. Every length from 0 to 600
 * at every alignment, and long buffers. */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>

#include "checksum.h"
#include "cunit_run.h"

static uint16_t rfc1071_sum(const uint8_t *data, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)data[i] << 8 | data[i + 1];
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static uint8_t buffer[(1 << 20) + 64];

static void fill(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < sizeof buffer; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buffer[i] = (uint8_t)x;
    }
}

static void test_every_length_and_alignment(void)
{
    fill();
    unsigned wrong = 0;
    for (size_t align = 0; align < 32; align++)
        for (size_t len = 0; len <= 600; len++)
            wrong += spicecap_sum_to_network(spicecap_sum_bytes(buffer + align, len, 0)) !=
                     rfc1071_sum(buffer + align, len);
    CU_ASSERT_EQUAL(wrong, 0);
}

static void test_long_and_saturated_buffers(void)
{
    fill();
    CU_ASSERT_EQUAL(spicecap_sum_to_network(spicecap_sum_bytes(buffer + 3, 1 << 20, 0)),
                    rfc1071_sum(buffer + 3, 1 << 20));
    for (size_t i = 0; i < sizeof buffer; i++) /* every word 0xffff: the most carries */
        buffer[i] = 0xff;
    CU_ASSERT_EQUAL(spicecap_sum_to_network(spicecap_sum_bytes(buffer, 1 << 20, 0)), rfc1071_sum(buffer, 1 << 20));
    CU_ASSERT_EQUAL(spicecap_sum_to_network(spicecap_sum_bytes(buffer, 65495, 0)), rfc1071_sum(buffer, 65495));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("internet_checksum", NULL, NULL);
    CU_add_test(s, "every length at every alignment", test_every_length_and_alignment);
    CU_add_test(s, "long and saturated buffers", test_long_and_saturated_buffers);
    return spicecap_cunit_run();
}
