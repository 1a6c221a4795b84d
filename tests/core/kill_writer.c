/* Crash safety of the live writer: a child records a deterministic sequence
 * of messages (small ones and ones over several segments, both directions)
 * with spicecap_live_writer and is killed with SIGKILL at a random moment.
 * The parent recomputes what the child was given to write and checks each
 * file: its bytes are exactly a prefix of that stream, so every record
 * before the end is whole and equal byte for byte, and at most the final
 * record is torn (cut inside its header or its data).
 *
 * For kill_writer.sh it leaves OUT_DIR/run-NNN.pcap and OUT_DIR/expect.txt,
 * one line per file: "NAME torn" (the file ends inside a record), "NAME cut"
 * (it ends between two segments of one message) or "NAME whole".
 * Usage: kill_writer OUT_DIR RUNS SEED MAX_DELAY_US */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "error.h"
#include "flow.h"
#include "live_writer.h"
#include "test_support.h"

#define MESSAGES 4000u /* more than a child writes before its kill, as a rule */
#define CHANNEL SPICE_CHANNEL_DISPLAY

static uint32_t step(uint32_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 17, *x ^= *x << 5;
    return *x;
}

/* Message i of the sequence: one in ten spans several segments. */
typedef struct planned {
    uint8_t *bytes;
    size_t len;
    spicecap_direction direction;
    uint64_t ts_us;
} planned;

static planned plan(uint32_t *x, uint32_t i)
{
    uint32_t r = step(x);
    uint32_t body = r % 10 == 0 ? SPICECAP_MAX_SEGMENT_PAYLOAD + step(x) % 150000 : step(x) % 2000;
    planned p;
    p.bytes = make_message((uint16_t)(101 + r % 20), body, r, &p.len);
    p.direction = (r >> 16) & 1 ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED;
    p.ts_us = 1000000u + (uint64_t)i * 1000u;
    return p;
}

static void child(const char *dir, uint32_t seed, int ready)
{
    spicecap_pcap_options options = {0};
    spicecap_live_writer *w = spicecap_live_writer_open(dir, CHANNEL, &options);
    if (w == NULL) {
        fprintf(stderr, "child: %s\n", spicecap_last_error());
        _exit(3);
    }
    if (write(ready, "r", 1) != 1) /* the header is written: the kill may come */
        _exit(3);
    uint32_t x = seed;
    for (uint32_t i = 0; i < MESSAGES; i++) {
        planned p = plan(&x, i);
        if (spicecap_live_writer_record(w, p.ts_us, p.direction, p.bytes, p.len) != SPICECAP_OK) {
            fprintf(stderr, "child: %s\n", spicecap_last_error());
            _exit(3);
        }
        free(p.bytes);
    }
    _exit(0); /* not closed: a live file is complete record by record */
}

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

typedef struct verdict {
    size_t records;
    const char *ending; /* "torn", "cut" or "whole" */
} verdict;

/* Compare the file with the stream the child was given, record by record.
 * Returns the number of problems (0: a prefix ending where it may). */
static int check_file(const char *path, uint32_t seed, verdict *out)
{
    out->records = 0;
    out->ending = "unreadable";
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    uint8_t *bytes = malloc((size_t)size + 1);
    size_t got = fread(bytes, 1, (size_t)size, f);
    fclose(f);
    if ((long)got != size || size < (long)SPICECAP_PCAP_FILE_HDR_LEN) {
        fprintf(stderr, "%s: %ld bytes, not even the pcap header\n", path, size);
        free(bytes);
        return 1;
    }
    int problems = 0;
    uint32_t magic = spicecap_le32(bytes), linktype = spicecap_le32(bytes + 20);
    if (magic != SPICECAP_PCAP_MAGIC_USEC || linktype != SPICECAP_DLT_EN10MB) {
        fprintf(stderr, "%s: pcap header damaged (magic %08x, link type %u)\n", path, magic, linktype);
        problems++;
    }
    spicecap_flow flow;
    spicecap_flow_init(&flow, CHANNEL);
    uint32_t x = seed;
    size_t at = SPICECAP_PCAP_FILE_HDR_LEN;
    out->ending = "whole";
    for (uint32_t i = 0; i < MESSAGES && at < (size_t)size && problems == 0; i++) {
        planned p = plan(&x, i);
        spicecap_segments segments;
        if (spicecap_flow_segment(&flow, p.direction, p.bytes, p.len, &segments) != SPICECAP_OK) {
            fprintf(stderr, "segment: %s\n", spicecap_last_error());
            free(p.bytes);
            problems++;
            break;
        }
        uint32_t count = spicecap_segments_count(&segments);
        for (uint32_t k = 0; k < count && at < (size_t)size; k++) {
            const spicecap_segment *s = spicecap_segments_at(&segments, k);
            uint8_t record[SPICECAP_PCAP_RECORD_HDR_LEN];
            put32le(record, (uint32_t)(p.ts_us / 1000000u));
            put32le(record + 4, (uint32_t)(p.ts_us % 1000000u));
            put32le(record + 8, s->frame_len);
            put32le(record + 12, s->frame_len);
            size_t left = (size_t)size - at;
            size_t in_header = left < sizeof record ? left : sizeof record;
            size_t in_frame = left > sizeof record ? left - sizeof record : 0;
            if (in_frame > s->frame_len)
                in_frame = s->frame_len;
            if (memcmp(bytes + at, record, in_header) != 0 ||
                memcmp(bytes + at + sizeof record, s->frame, in_frame) != 0) {
                fprintf(stderr, "%s: record %zu (message %u, segment %u) differs from what the writer was given\n",
                        path, out->records + 1, i, k);
                problems++;
                break;
            }
            at += in_header + in_frame;
            if (in_header + in_frame < sizeof record + s->frame_len) {
                out->ending = "torn";
                break;
            }
            out->records++;
            if (at == (size_t)size && k + 1 < count)
                out->ending = "cut";
        }
        spicecap_segments_release(&segments);
        free(p.bytes);
    }
    if (problems == 0 && at != (size_t)size) {
        fprintf(stderr, "%s: %zu bytes past the %u messages the child had\n", path, (size_t)size - at, MESSAGES);
        problems++;
    }
    free(bytes);
    return problems;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s OUT_DIR RUNS SEED MAX_DELAY_US\n", argv[0]);
        return 2;
    }
    const char *out = argv[1];
    int runs = atoi(argv[2]);
    uint32_t seed = (uint32_t)strtoul(argv[3], NULL, 10);
    long max_delay = atol(argv[4]);
    char expect_path[4096];
    snprintf(expect_path, sizeof expect_path, "%s/expect.txt", out);
    FILE *expect = fopen(expect_path, "w");
    if (expect == NULL) {
        perror(expect_path);
        return 2;
    }
    uint32_t delays = seed * 2654435761u + 7;
    int problems = 0, torn = 0, cut = 0, whole = 0, killed = 0;
    size_t records = 0;
    for (int run = 0; run < runs; run++) {
        char dir[4096], from[4200], to[4200];
        snprintf(dir, sizeof dir, "%s/run-%03d", out, run);
        if (mkdir(dir, 0755) != 0) {
            perror(dir);
            return 2;
        }
        uint32_t run_seed = seed * 1000u + (uint32_t)run + 1;
        int ready[2];
        if (pipe(ready) != 0) {
            perror("pipe");
            return 2;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(ready[0]);
            child(dir, run_seed, ready[1]);
        }
        close(ready[1]);
        char c;
        ssize_t n = read(ready[0], &c, 1);
        close(ready[0]);
        if (n == 1) {
            long delay = (long)(step(&delays) % (uint32_t)(max_delay + 1));
            struct timespec ts = {delay / 1000000, (delay % 1000000) * 1000};
            nanosleep(&ts, NULL);
            kill(pid, SIGKILL);
        }
        int status;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
            killed++;
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "run %d: the child failed before its kill\n", run);
            problems++;
            continue;
        }
        snprintf(from, sizeof from, "%s/%s.pcap", dir, spicecap_channel_name(CHANNEL));
        snprintf(to, sizeof to, "%s/run-%03d.pcap", out, run);
        verdict v;
        problems += check_file(from, run_seed, &v);
        if (rename(from, to) != 0 || rmdir(dir) != 0) {
            perror(to);
            return 2;
        }
        fprintf(expect, "run-%03d.pcap %s %zu\n", run, v.ending, v.records);
        torn += v.ending[0] == 't';
        cut += v.ending[0] == 'c';
        whole += v.ending[0] == 'w';
        records += v.records;
    }
    fclose(expect);
    printf("%d runs (%d killed): %d ended in a torn record, %d between two segments of a message, %d on a message "
           "boundary; %zu whole records equal to what the writer was given; %d problems\n",
           runs, killed, torn, cut, whole, records, problems);
    return problems ? 1 : 0;
}
