#include "report_source.h"

#include <glib.h>
#include <string.h>

static int memory_read_at(void *ctx, uint64_t offset, void *buf, size_t len, char **error)
{
    const report_memory *mem = ctx;
    if (offset > mem->len || len > mem->len - offset) {
        *error = g_strdup_printf("%zu bytes at offset %" G_GUINT64_FORMAT " are past the end of the %zu-byte file",
                                 len, offset, mem->len);
        return -1;
    }
    if (len)
        memcpy(buf, mem->data + offset, len);
    return 0;
}

void report_source_memory(report_source *src, report_memory *mem, const uint8_t *data, size_t len)
{
    mem->data = data;
    mem->len = len;
    src->ctx = mem;
    src->size = len;
    src->read_at = memory_read_at;
    src->compressed = false;
}
