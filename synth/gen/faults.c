#include "faults.h"

#include <string.h>

static const char *const fault_names[FAULT_COUNT] = {
    "k2", "drop-segment", "duplicate-segment", "reorder-segments", "bad-checksum", "truncate-file", "lying-size",
    "queue-overflow",
};

int fault_from_name(const char *name)
{
    for (int i = 0; i < FAULT_COUNT; i++)
        if (strcmp(name, fault_names[i]) == 0)
            return i;
    return -1;
}

const char *fault_name(fault_kind kind)
{
    return fault_names[kind];
}
