/* How every CUnit program of the tests ends, once its suites are added:
 * the tests run with each one named, and the exit status is 1 when any
 * assertion or test failed (main returns 2 itself when CUnit cannot start). */
#ifndef SPICECAP_TESTS_CUNIT_RUN_H
#define SPICECAP_TESTS_CUNIT_RUN_H

#include <CUnit/Basic.h>

static inline int spicecap_cunit_run(void)
{
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

#endif
