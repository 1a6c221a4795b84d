/* The validator's byte source on plain files, which it reads through a
 * mapping (validate/mapped_file.h): every byte as written, bytes that
 * stay valid until the source is closed, a file that grows while it is
 * read (read on, as read() would), and one that shrinks (a clear message
 * and exit code 2, not a crash). The expected bytes are the test's own,
 * written by it. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "byte_source.h"
#include "mapped_file.h"
#include "cunit_run.h"

#define MIB ((size_t)1 << 20)

static uint8_t pattern_byte(size_t offset)
{
    return (uint8_t)(offset * 2654435761u >> 13); /* no period a window could hide */
}

static char *write_pattern_file(size_t from, size_t len, const char *mode, char *path)
{
    FILE *f = fopen(path, mode);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = from; i < from + len; i++)
        fputc(pattern_byte(i), f);
    CU_ASSERT_EQUAL(fclose(f), 0);
    return path;
}

static char *temp_path(void)
{
    char *path = g_build_filename(g_get_tmp_dir(), "spicecap-byte-source-XXXXXX", NULL);
    int fd = g_mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    return path;
}

static bool matches_pattern(const uint8_t *data, size_t from, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] != pattern_byte(from + i))
            return false;
    return true;
}

/* Read it all in record-like steps of 16 and 65535 bytes, keeping a pointer
 * from every megabyte: at the end each still holds its bytes, though the
 * pages under most were given back on the way. */
static void test_plain_file_bytes_last(void)
{
    char *path = write_pattern_file(0, 24 * MIB + 12345, "wb", temp_path());
    char *error = NULL;
    byte_source *src = byte_source_open(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_TRUE(byte_source_bytes_last(src));
    const uint8_t *kept[32];
    size_t kept_at[32], kept_count = 0, offset = 0;
    bool all_match = true;
    for (int step = 0;; step++) {
        size_t want = step % 2 ? 65535 : 16;
        const uint8_t *data;
        long got = byte_source_peek(src, want, &data, &error);
        CU_ASSERT_FATAL(got >= 0);
        if (got == 0)
            break;
        all_match &= matches_pattern(data, offset, (size_t)got);
        if (offset / MIB >= kept_count && kept_count < 32) {
            kept[kept_count] = data;
            kept_at[kept_count++] = offset;
        }
        byte_source_skip(src, (size_t)got);
        offset += (size_t)got;
    }
    CU_ASSERT_TRUE(all_match);
    CU_ASSERT_EQUAL(offset, 24 * MIB + 12345);
    CU_ASSERT_EQUAL(byte_source_offset(src), offset);
    CU_ASSERT_EQUAL(kept_count, 25);
    for (size_t i = 0; i < kept_count; i++)
        CU_ASSERT_TRUE(matches_pattern(kept[i], kept_at[i], 16));
    byte_source_close(src);
    unlink(path);
    g_free(path);
}

/* A capture still being written: bytes appended after the source reached
 * the end are read on, across a peek that straddles the old end. Bytes
 * read from the mapping before stay valid; the new ones only until the
 * next peek. */
static void test_file_that_grows(void)
{
    char *path = write_pattern_file(0, 3 * MIB + 7, "wb", temp_path());
    char *error = NULL;
    byte_source *src = byte_source_open(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    const uint8_t *first;
    CU_ASSERT_EQUAL(byte_source_peek(src, 100, &first, &error), 100);
    byte_source_skip(src, 3 * MIB);
    const uint8_t *data;
    CU_ASSERT_EQUAL(byte_source_peek(src, 1000, &data, &error), 7); /* the end, for now */
    write_pattern_file(3 * MIB + 7, 2 * MIB, "ab", path);
    CU_ASSERT_EQUAL(byte_source_peek(src, 1000, &data, &error), 1000);
    CU_ASSERT_TRUE(matches_pattern(data, 3 * MIB, 1000));
    CU_ASSERT_FALSE(byte_source_bytes_last(src));
    size_t offset = 3 * MIB;
    long got;
    bool all_match = true;
    while ((got = byte_source_peek(src, 65535, &data, &error)) > 0) {
        all_match &= matches_pattern(data, offset, (size_t)got);
        byte_source_skip(src, (size_t)got);
        offset += (size_t)got;
    }
    CU_ASSERT_EQUAL(got, 0);
    CU_ASSERT_TRUE(all_match);
    CU_ASSERT_EQUAL(offset, 5 * MIB + 7);
    CU_ASSERT_TRUE(matches_pattern(first, 0, 100));
    byte_source_close(src);
    unlink(path);
    g_free(path);
}

/* A file cut short while it is read: the next read of a vanished page is
 * reported by name and offset, with exit code 2. Run in a child, whose
 * stderr the test reads. */
static void test_file_that_shrinks(void)
{
    char *path = write_pattern_file(0, 8 * MIB, "wb", temp_path());
    int err[2];
    CU_ASSERT_EQUAL_FATAL(pipe(err), 0);
    pid_t child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (child == 0) {
        dup2(err[1], STDERR_FILENO);
        close(err[0]);
        char *error = NULL;
        byte_source *src = byte_source_open(path, &error);
        const uint8_t *data;
        if (src == NULL || byte_source_peek(src, 8 * MIB, &data, &error) != (long)(8 * MIB))
            _exit(10);
        if (truncate(path, 4096) != 0)
            _exit(11);
        volatile uint8_t gone = data[6 * MIB]; /* the fault */
        (void)gone;
        _exit(12);
    }
    close(err[1]);
    char said[512] = {0};
    size_t have = 0;
    ssize_t n;
    while (have < sizeof said - 1 && (n = read(err[0], said + have, sizeof said - 1 - have)) > 0)
        have += (size_t)n;
    close(err[0]);
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
    CU_ASSERT_TRUE(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 2);
    char *expected = g_strdup_printf("spicecap-validate: %s: the file shrank while it was read (its bytes at offset "
                                     "%zu are gone): no report\n", path, 6 * MIB);
    CU_ASSERT_STRING_EQUAL(said, expected);
    g_free(expected);
    unlink(path);
    g_free(path);
}

/* The same with a return point set (as the validator sets one per file):
 * the fault comes back to it, naming the offset, the source can be closed,
 * and the process goes on (no leak, no exit). */
static void test_file_that_shrinks_returns(void)
{
    char *path = write_pattern_file(0, 8 * MIB, "wb", temp_path());
    char *error = NULL;
    byte_source *src = byte_source_open(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    const uint8_t *data;
    CU_ASSERT_EQUAL_FATAL(byte_source_peek(src, 8 * MIB, &data, &error), (long)(8 * MIB));
    CU_ASSERT_EQUAL_FATAL(truncate(path, 4096), 0);
    static sigjmp_buf back;
    static volatile int faults;
    sigjmp_buf *outer = mapped_file_set_return(&back);
    if (sigsetjmp(back, 1) == 0) {
        volatile uint8_t gone = data[6 * MIB]; /* the fault */
        (void)gone;
    } else {
        faults++;
    }
    mapped_file_set_return(outer);
    CU_ASSERT_EQUAL(faults, 1);
    char *expected = g_strdup_printf("the file shrank while it was read (its bytes at offset %zu are gone)", 6 * MIB);
    CU_ASSERT_STRING_EQUAL(mapped_file_fault(), expected);
    g_free(expected);
    byte_source_close(src);
    /* A second file after it reads as usual. */
    char *next = write_pattern_file(0, 2 * MIB, "wb", temp_path());
    src = byte_source_open(next, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_EQUAL(byte_source_peek(src, 2 * MIB, &data, &error), (long)(2 * MIB));
    CU_ASSERT_TRUE(matches_pattern(data, 0, 2 * MIB));
    byte_source_close(src);
    unlink(next);
    g_free(next);
    unlink(path);
    g_free(path);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("byte_source", NULL, NULL);
    CU_add_test(s, "a plain file's bytes, and they last", test_plain_file_bytes_last);
    CU_add_test(s, "a file that grows while it is read", test_file_that_grows);
    CU_add_test(s, "a file that shrinks while it is read", test_file_that_shrinks);
    CU_add_test(s, "a file that shrinks, with a return point", test_file_that_shrinks_returns);
    return spicecap_cunit_run();
}
