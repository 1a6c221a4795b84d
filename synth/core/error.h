/* Error reporting of the recorder core: every failing call returns a
 * negative spicecap_status and leaves a message for this thread. */
#ifndef SPICECAP_ERROR_H
#define SPICECAP_ERROR_H

typedef enum spicecap_status {
    SPICECAP_OK = 0,
    SPICECAP_ERR_INVALID = -1,  /* null or out-of-range argument */
    SPICECAP_ERR_TOO_LARGE = -2, /* a size the format cannot carry */
    SPICECAP_ERR_NOMEM = -3,    /* allocation failed */
    SPICECAP_ERR_IO = -4,       /* the OS refused a read, write or rename */
} spicecap_status;

/* The message of this thread's last failure ("" when there was none). */
const char *spicecap_last_error(void);

/* The status of this thread's last failure, for calls that return NULL. */
spicecap_status spicecap_last_status(void);

/* Record a failure for spicecap_last_error() and return status, so that a
 * caller can write `return spicecap_fail(SPICECAP_ERR_INVALID, "...", ...)`. */
int spicecap_fail(spicecap_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
