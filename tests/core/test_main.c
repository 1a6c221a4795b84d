/* CUnit runner for the recorder core; exits non-zero on any failure. */
#include <CUnit/Basic.h>

void add_segment_suite(void);
void add_ring_suite(void);
void add_drain_suite(void);
void add_live_suite(void);

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    add_segment_suite();
    add_ring_suite();
    add_drain_suite();
    add_live_suite();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
