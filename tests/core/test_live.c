/* The live writer: per-channel files, seq tracking, write errors reported,
 * and files that survive the process being killed. */
#include <CUnit/CUnit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channels.h"
#include "error.h"
#include "format.h"
#include "live_writer.h"
#include "test_support.h"

static void test_live_files_per_channel(void)
{
    char *dir = make_temp_dir();
    spicecap_live_writer *display = spicecap_live_writer_open(dir, SPICE_CHANNEL_DISPLAY, NULL);
    spicecap_live_writer *inputs = spicecap_live_writer_open(dir, SPICE_CHANNEL_INPUTS, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(display);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inputs);
    size_t len;
    uint8_t *big = make_message(304, 200000, 1, &len);
    CU_ASSERT_EQUAL(spicecap_live_writer_record(display, 10, SPICECAP_DIR_RECEIVED, big, len), SPICECAP_OK);
    CU_ASSERT_EQUAL(spicecap_live_writer_record(display, 20, SPICECAP_DIR_RECEIVED, big, len), SPICECAP_OK);
    free(big);
    uint8_t key[10] = {101, 0, 4, 0, 0, 0, 0x1e, 0, 0, 0};
    CU_ASSERT_EQUAL(spicecap_live_writer_record(inputs, 30, SPICECAP_DIR_SENT, key, sizeof key), SPICECAP_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/display.pcap", dir);
    CU_ASSERT_STRING_EQUAL(spicecap_live_writer_path(display), path);
    /* Readable before close: every record was handed to the OS. */
    pcap_file f;
    CU_ASSERT_TRUE_FATAL(read_pcap(path, &f));
    CU_ASSERT_EQUAL(f.count, 8);
    CU_ASSERT_EQUAL(spicecap_be32(f.records[4].data + 38), 2000u + 200006u); /* second message continues the chain */
    CU_ASSERT_EQUAL(spicecap_be16(f.records[0].data + 36), 10002);
    free_pcap(&f);
    CU_ASSERT_EQUAL(spicecap_live_writer_close(display), SPICECAP_OK);
    CU_ASSERT_EQUAL(spicecap_live_writer_close(inputs), SPICECAP_OK);
    snprintf(path, sizeof path, "%s/inputs.pcap", dir);
    CU_ASSERT_TRUE_FATAL(read_pcap(path, &f));
    CU_ASSERT_EQUAL(f.count, 1);
    CU_ASSERT_EQUAL(spicecap_be16(f.records[0].data + 34), 10003);
    CU_ASSERT_EQUAL(spicecap_be32(f.records[0].data + 38), 1000);
    free_pcap(&f);
    remove_tree(dir);
    free(dir);
}

/* A file-size limit makes write() fail with EFBIG: the error is reported
 * with the path, later records are refused, and the records before it stay. */
static void test_write_error_reported(void)
{
    char *dir = make_temp_dir();
    spicecap_live_writer *w = spicecap_live_writer_open(dir, SPICE_CHANNEL_DISPLAY, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct rlimit old, small = {300000, 300000};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    size_t len;
    uint8_t *big = make_message(304, 200000, 1, &len);
    CU_ASSERT_EQUAL(spicecap_live_writer_record(w, 1, SPICECAP_DIR_RECEIVED, big, len), SPICECAP_OK);
    CU_ASSERT_EQUAL(spicecap_live_writer_record(w, 2, SPICECAP_DIR_RECEIVED, big, len), SPICECAP_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), "display.pcap"));
    CU_ASSERT_EQUAL(spicecap_live_writer_record(w, 3, SPICECAP_DIR_RECEIVED, big, 10), SPICECAP_ERR_IO);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    free(big);
    CU_ASSERT_NOT_EQUAL(spicecap_live_writer_close(w), SPICECAP_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/display.pcap", dir);
    FILE *f = fopen(path, "rb");
    uint8_t head[24 + 16 + 54];
    CU_ASSERT_EQUAL(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    CU_ASSERT_EQUAL(spicecap_be32(head + 24 + 16 + 38), 2000); /* the first message is intact */
    remove_tree(dir);
    free(dir);

    CU_ASSERT_PTR_NULL(spicecap_live_writer_open("/nonexistent/dir", SPICE_CHANNEL_MAIN, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(spicecap_last_error(), "/nonexistent/dir/main.pcap"));
    CU_ASSERT_PTR_NULL(spicecap_live_writer_open(NULL, SPICE_CHANNEL_MAIN, NULL));
    CU_ASSERT_PTR_NULL(spicecap_live_writer_open("/tmp", 77, NULL));
    CU_ASSERT_EQUAL(spicecap_live_writer_record(NULL, 0, SPICECAP_DIR_SENT, NULL, 0), SPICECAP_ERR_INVALID);
}

/* Kill a recording child with SIGKILL mid-stream: the file reads back whole
 * records up to at most one torn record at the end. */
static void test_survives_sigkill(void)
{
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/display.pcap", dir);
    for (int run = 0; run < 5; run++) {
        unlink(path); /* the wait below must see this run's file, not the last one's */
        pid_t pid = fork();
        if (pid == 0) {
            spicecap_live_writer *w = spicecap_live_writer_open(dir, SPICE_CHANNEL_DISPLAY, NULL);
            size_t len;
            uint8_t *msg = make_message(304, 150000, 7, &len);
            for (uint64_t ts = 0;; ts++)
                spicecap_live_writer_record(w, ts, SPICECAP_DIR_RECEIVED, msg, len);
        }
        /* Killed only once its first record (a full segment) is whole, so
         * a machine slow to start the child cannot leave an empty file;
         * then at a point that differs from run to run. */
        const off_t first_whole = SPICECAP_PCAP_FILE_HDR_LEN + SPICECAP_PCAP_RECORD_HDR_LEN + SPICECAP_MAX_FRAME_LEN;
        struct stat st;
        for (int ms = 0; ms < 10000 && (stat(path, &st) != 0 || st.st_size < first_whole); ms++) {
            struct timespec tick = {0, 1000000};
            nanosleep(&tick, NULL);
        }
        struct timespec pause = {0, 20000000 + run * 7000000};
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        FILE *f = fopen(path, "rb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *bytes = malloc((size_t)size);
        CU_ASSERT_EQUAL(fread(bytes, 1, (size_t)size, f), (size_t)size);
        fclose(f);
        long off = 24, whole = 0;
        uint32_t expected_seq = 2000;
        int bad = 0;
        while (off + 16 <= size) {
            uint32_t caplen = spicecap_le32(bytes + off + 8);
            if (off + 16 + (long)caplen > size)
                break; /* the one torn record */
            bad += spicecap_be32(bytes + off + 16 + 38) != expected_seq ||
                   !frame_checksums_ok(bytes + off + 16, caplen);
            expected_seq += caplen - 54;
            off += 16 + caplen;
            whole++;
        }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_TRUE(whole > 0);
        free(bytes);
    }
    remove_tree(dir);
    free(dir);
}

void add_live_suite(void)
{
    CU_pSuite suite = CU_add_suite("live_writer", NULL, NULL);
    CU_add_test(suite, "one file per channel, readable while open", test_live_files_per_channel);
    CU_add_test(suite, "write errors are reported, earlier records kept", test_write_error_reported);
    CU_add_test(suite, "SIGKILL leaves whole records and at most one torn one", test_survives_sigkill);
}
