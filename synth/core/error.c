#include "error.h"

#include <stdarg.h>
#include <stdio.h>

/* Per thread, because producers on several channels fail independently. */
static _Thread_local char last_error[512];
static _Thread_local spicecap_status last_status;

spicecap_status spicecap_last_status(void)
{
    return last_status;
}

const char *spicecap_last_error(void)
{
    return last_error;
}

int spicecap_fail(spicecap_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, args);
    va_end(args);
    last_status = status;
    return status;
}
