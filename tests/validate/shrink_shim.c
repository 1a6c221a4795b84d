/* An LD_PRELOAD shim for shrink_run.sh: it cuts a capture short while the
 * validator reads it. When the mapping of the file named by
 * SPICECAP_SHRINK_FILE (an absolute path) is asked to be paged in
 * (MADV_POPULATE_READ, as the validator's pager does ahead of its reader)
 * at or past SPICECAP_SHRINK_AT bytes, the file is truncated to that size
 * once: the reader then faults on a vanished page, as when a file shrinks
 * under it. Calls go to the kernel by syscall(). Not sanitized: preloaded
 * ahead of the sanitizer runtime. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

static uintptr_t base;
static size_t mapped_len;
static int cut;

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    long got = syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
    if (got < 0 && got > -4096) {
        errno = (int)-got;
        return MAP_FAILED;
    }
    const char *want = getenv("SPICECAP_SHRINK_FILE");
    if (fd >= 0 && want != NULL && base == 0) {
        char link[64], path[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n > 0) {
            path[n] = '\0';
            if (strcmp(path, want) == 0) {
                base = (uintptr_t)got;
                mapped_len = length;
            }
        }
    }
    return (void *)got;
}

int madvise(void *addr, size_t len, int advice)
{
    const char *at_text = getenv("SPICECAP_SHRINK_AT");
    if (advice == MADV_POPULATE_READ && base != 0 && !__atomic_load_n(&cut, __ATOMIC_ACQUIRE) && at_text) {
        size_t at = strtoull(at_text, NULL, 10);
        uintptr_t a = (uintptr_t)addr;
        if (a + len > base + at && a < base + mapped_len && !__atomic_exchange_n(&cut, 1, __ATOMIC_ACQ_REL))
            syscall(SYS_truncate, getenv("SPICECAP_SHRINK_FILE"), (long)at);
    }
    return (int)syscall(SYS_madvise, addr, len, advice);
}
