/* Where the report reader reads a zip from: Wireshark's file handle in the
 * plugin (report_wtap.c), a memory buffer in the fuzz target and tests. The
 * reader needs nothing else from its host, so it builds without
 * Wireshark's headers. */
#ifndef SPICECAP_REPORT_SOURCE_H
#define SPICECAP_REPORT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct report_source {
    void *ctx;
    uint64_t size; /* the file's size in bytes */
    /* Reads len bytes at offset into buf: 0, or -1 with *error set (g_free
     * it) when they cannot all be read. */
    int (*read_at)(void *ctx, uint64_t offset, void *buf, size_t len, char **error);
    /* The file is compressed (a report.zip.gz: Wireshark inflates it as it
     * reads, but size is the compressed size, so a zip's end record, which
     * is read from the end, cannot be found). */
    bool compressed;
} report_source;

/* A source over bytes in memory (they must outlive it). */
typedef struct report_memory {
    const uint8_t *data;
    size_t len;
} report_memory;
void report_source_memory(report_source *src, report_memory *mem, const uint8_t *data, size_t len);

#endif
