/* The whole validator walk over one capture: frame checks, the seq-chain
 * reassembly with held segments, the SPICE framer (recorded mini headers and
 * a real capture's link stage), then every report format, as
 * `spicecap-validate --json` would run it on a user's file. */
#include <stdio.h>

#include "fuzz_support.h"
#include "report.h"
#include "validation.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    devnull = fopen("/dev/null", "w");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32];
    int fd = fuzz_input_file(data, size, path);
    validation v;
    validation_init(&v, false);
    char *error = NULL;
    if (validation_run_file(&v, path, &error)) {
        report_sort(&v);
        g_free(report_json(&v, NULL, NULL));
        if (devnull) { /* both text reports: findings grouped by kind and flow, and each (-v) */
            report_human(&v, NULL, NULL, false, devnull);
            report_human(&v, NULL, NULL, true, devnull);
        }
    }
    g_free(error);
    validation_clear(&v);
    fuzz_input_close(fd);
    return 0;
}
