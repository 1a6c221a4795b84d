/* Inputs as files without touching the disk: a memfd per input. A file in
 * /dev/shm would outlive a crashing run; a memfd goes with the process. */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_input_file(const uint8_t *data, size_t size, char path[32])
{
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd < 0) {
        perror("fuzz: memfd_create");
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            perror("fuzz: writing the input to its memfd");
            abort();
        }
        done += (size_t)n;
    }
    snprintf(path, 32, "/proc/self/fd/%d", fd);
    return fd;
}

void fuzz_input_close(int fd)
{
    close(fd);
}
