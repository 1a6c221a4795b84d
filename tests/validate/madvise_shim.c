/* An LD_PRELOAD shim for validate_populate_refused.sh: it stands in for a
 * kernel that refuses MADV_POPULATE_READ (Linux before 5.14 answers
 * EINVAL) when SPICECAP_SHIM_REFUSE=1, and counts what the validator asks
 * of the kernel either way, so the test can tell which reader ran: the
 * MADV_POPULATE_READ requests refused and passed on, and the bytes read()
 * returned. The counts go to the file named by SPICECAP_SHIM_LOG at exit.
 * Both calls go to the kernel by syscall(), not through the C library's
 * wrappers that this shim hides. Not sanitized: it is preloaded ahead of
 * the sanitizer runtime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14's value, for older headers */
#endif

static unsigned long refused, populated;
static unsigned long long bytes_read;

int madvise(void *addr, size_t len, int advice)
{
    if (advice == MADV_POPULATE_READ) {
        const char *refuse = getenv("SPICECAP_SHIM_REFUSE");
        if (refuse != NULL && refuse[0] == '1') {
            __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
            errno = EINVAL;
            return -1;
        }
        __atomic_add_fetch(&populated, 1, __ATOMIC_RELAXED);
    }
    return (int)syscall(SYS_madvise, addr, len, advice);
}

ssize_t read(int fd, void *buf, size_t count)
{
    ssize_t got = syscall(SYS_read, fd, buf, count);
    if (got > 0)
        __atomic_add_fetch(&bytes_read, (unsigned long long)got, __ATOMIC_RELAXED);
    return got;
}

__attribute__((destructor)) static void write_counts(void)
{
    const char *log = getenv("SPICECAP_SHIM_LOG");
    if (log == NULL)
        return;
    FILE *f = fopen(log, "w");
    if (f == NULL)
        return;
    fprintf(f, "refused %lu populated %lu read %llu\n", refused, populated, bytes_read);
    fclose(f);
}
