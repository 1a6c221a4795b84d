/* The peer of the generator benchmark: memcpy of N bytes, in the generator's
 * own unit (video frames of about 240 KB) from a source pool into a 64 MiB
 * destination, timed. Usage: memcpy_rate BYTES */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s BYTES\n", argv[0]);
        return 2;
    }
    unsigned long long total = strtoull(argv[1], NULL, 10);
    const size_t chunk = 240 * 1024, pool = 8u << 20, dest_size = 64u << 20;
    unsigned char *src = malloc(pool), *dst = malloc(dest_size);
    memset(src, 7, pool);
    memset(dst, 0, dest_size);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    size_t from = 0, to = 0;
    for (unsigned long long done = 0; done < total; done += chunk) {
        if (from + chunk > pool)
            from = 0;
        if (to + chunk > dest_size)
            to = 0;
        memcpy(dst + to, src + from, chunk);
        from += 4096, to += chunk;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%.6f\n", s);
    volatile unsigned char sink = dst[12345];
    (void)sink;
    return 0;
}
