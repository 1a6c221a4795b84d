/* Inputs as files without touching the disk: a memfd per input. A file in
 * /dev/shm would outlive a crashing run; a memfd goes with the process. */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bytes.h"

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

bool fuzz_next_chunk(const uint8_t *data, size_t size, size_t *at, size_t max_len, fuzz_chunk *chunk)
{
    if (*at + 3 > size)
        return false;
    chunk->from_server = data[*at] & 1;
    size_t len = spicecap_le16(data + *at + 1);
    *at += 3;
    if (len > size - *at)
        len = size - *at;
    if (len > max_len)
        len = max_len;
    chunk->bytes = data + *at;
    chunk->len = len;
    *at += len;
    return true;
}
