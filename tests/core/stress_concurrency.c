/* Concurrency stress for the recorder: producer threads record into the
 * rings (two of them sharing the display ring) while another thread
 * snapshots and drains them again and again. Built with ThreadSanitizer by
 * tsan_stress.sh. Each drained capture is read back and must hold whole
 * messages only, with contiguous seq chains per direction and byte
 * accounting equal to the segments' frames (the records' caplens sum to the
 * snapshot's total bytes, the file's size to those plus the headers); with
 * SPICECAP_VALIDATE given, every drained capture must also validate clean
 * (exit 0) with that binary.
 * Usage: stress_concurrency OUT_DIR [seconds [SPICECAP_VALIDATE]] */
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "drain.h"
#include "error.h"
#include "test_support.h"

typedef struct producer {
    spicecap_ring *ring;
    uint32_t max_body;
    uint32_t seed;
    uint64_t recorded;
} producer;

static atomic_bool stop;
extern char **environ;

static void *produce(void *arg)
{
    producer *p = arg;
    uint32_t x = p->seed;
    size_t len;
    uint8_t *msg = make_message(304, p->max_body, p->seed, &len);
    while (!atomic_load(&stop)) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        uint32_t body = x % (p->max_body + 1);
        msg[2] = (uint8_t)body, msg[3] = (uint8_t)(body >> 8), msg[4] = (uint8_t)(body >> 16), msg[5] = 0;
        if (spicecap_ring_record(p->ring, p->recorded, x & 1 ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED, msg,
                                 6 + body) != SPICECAP_OK) {
            fprintf(stderr, "record: %s\n", spicecap_last_error());
            exit(1);
        }
        p->recorded++;
    }
    free(msg);
    return NULL;
}

/* Read a drained capture back: every message is whole (its segments
 * consecutive and summing to 6 + its size field), each direction's seq
 * chain has no gap, and the records hold exactly the snapshot's bytes.
 * Returns the number of problems. */
static int check_drained(const char *path, long messages, size_t snapshot_bytes)
{
    pcap_file f;
    if (!read_pcap(path, &f)) {
        fprintf(stderr, "%s: unreadable\n", path);
        return 1;
    }
    int problems = 0;
    size_t caplens = 0;
    for (size_t i = 0; i < f.count; i++)
        caplens += f.records[i].caplen;
    if (caplens != snapshot_bytes ||
        f.size != SPICECAP_PCAP_FILE_HDR_LEN + f.count * SPICECAP_PCAP_RECORD_HDR_LEN + snapshot_bytes) {
        fprintf(stderr, "%s: %zu bytes in %zu records, %zu in the file, but the snapshot held %zu\n", path, caplens,
                f.count, f.size, snapshot_bytes);
        problems++;
    }
    long seen = 0;
    int have_next[2] = {0, 0};
    uint32_t next_seq[2] = {0, 0};
    for (size_t i = 0; i < f.count;) {
        const uint8_t *frame = f.records[i].data;
        int dir = spicecap_be16(frame + 34) == 5900 ? 0 : 1; /* 0: client to server */
        uint32_t seq = spicecap_be32(frame + 38);
        if (have_next[dir] && seq != next_seq[dir])
            problems++;
        const uint8_t *payload = frame + 54;
        uint32_t size = spicecap_le32(payload + SPICECAP_MINI_HDR_SIZE_AT);
        uint64_t want = 6 + (uint64_t)size, got = 0;
        while (i < f.count && got < want) {
            const uint8_t *seg = f.records[i].data;
            if (spicecap_be32(seg + 38) != (uint32_t)(seq + got) || !frame_checksums_ok(seg, f.records[i].caplen))
                problems++;
            got += f.records[i].caplen - 54;
            i++;
        }
        if (got != want)
            problems++;
        next_seq[dir] = (uint32_t)(seq + got);
        have_next[dir] = 1;
        seen++;
    }
    if (seen != messages)
        problems++;
    free_pcap(&f);
    return problems;
}

/* spicecap-validate PATH must exit 0: no torn message, no gap, no size
 * that disagrees with its segments, in the validator's own reading. */
static int validate_clean(const char *validator, const char *path)
{
    if (validator == NULL)
        return 0;
    pid_t pid;
    char *args[] = {(char *)validator, (char *)path, NULL};
    posix_spawn_file_actions_t quiet; /* its report only matters when it fails: the file is kept then */
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, validator, &quiet, NULL, args, environ);
    posix_spawn_file_actions_destroy(&quiet);
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "cannot run %s: %s\n", validator, strerror(rc));
        return 1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char keep[1100];
    snprintf(keep, sizeof keep, "%s.failed", path);
    rename(path, keep);
    fprintf(stderr, "a drained capture does not validate clean (status %d): kept as %s\n", status, keep);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT_DIR [seconds]\n", argv[0]);
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 3;
    const char *validator = argc > 3 ? argv[3] : NULL;
    spicecap_ring *display = spicecap_ring_new_by_name("display", 4u << 20);
    spicecap_ring *inputs = spicecap_ring_new_by_name("inputs", 256u << 10);
    producer producers[3] = {{display, 200000, 11, 0}, {display, 3000, 23, 0}, {inputs, 64, 37, 0}};
    pthread_t threads[3];
    for (int t = 0; t < 3; t++)
        pthread_create(&threads[t], NULL, produce, &producers[t]);

    char path[1024];
    snprintf(path, sizeof path, "%s/drained.pcap", argv[1]);
    int problems = 0, drains = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        spicecap_ring *ring = drains % 2 ? inputs : display;
        spicecap_ring *snap = spicecap_ring_snapshot(ring);
        size_t sum = 0, total = spicecap_ring_total_bytes(snap);
        for (size_t i = 0; i < spicecap_ring_count(snap); i++)
            sum += spicecap_segments_bytes(&spicecap_ring_entry(snap, i)->segments);
        if (sum != total || sum > spicecap_ring_cap(snap))
            problems++;
        long messages = spicecap_ring_drain_to_path(snap, path, NULL);
        spicecap_ring_free(snap);
        if (messages < 0) {
            fprintf(stderr, "drain: %s\n", spicecap_last_error());
            return 1;
        }
        problems += check_drained(path, messages, total);
        problems += validate_clean(validator, path);
        drains++;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
    atomic_store(&stop, true);
    for (int t = 0; t < 3; t++)
        pthread_join(threads[t], NULL);
    /* Leave the last drain of each ring for the validator. */
    snprintf(path, sizeof path, "%s/display.pcap", argv[1]);
    spicecap_ring_drain_to_path(display, path, NULL);
    snprintf(path, sizeof path, "%s/inputs.pcap", argv[1]);
    spicecap_ring_drain_to_path(inputs, path, NULL);
    printf("%d drains%s while recording %llu + %llu + %llu messages: %d problems\n", drains,
           validator ? " (each validated clean by spicecap-validate)" : "",
           (unsigned long long)producers[0].recorded, (unsigned long long)producers[1].recorded,
           (unsigned long long)producers[2].recorded, problems);
    spicecap_ring_free(display);
    spicecap_ring_free(inputs);
    return problems ? 1 : 0;
}
