/* CUnit runner for the recorder core; exits non-zero on any failure. */
#include <CUnit/Basic.h>

#include "cunit_run.h"

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
    return spicecap_cunit_run();
}
