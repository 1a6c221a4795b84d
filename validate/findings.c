#include "findings.h"

#include <stdbool.h>

static const char *const kind_names[FINDING_KIND_COUNT] = {
    [FINDING_GAP] = "gap",
    [FINDING_OVERLAP] = "overlap",
    [FINDING_DUPLICATE] = "duplicate",
    [FINDING_OUT_OF_ORDER] = "out-of-order",
    [FINDING_RETRANSMIT_DIFFERS] = "retransmission-differs",
    [FINDING_K2_EMPTY_RECORD] = "k2-empty-record",
    [FINDING_SHORT_FRAME] = "short-frame",
    [FINDING_CAPLEN_SHORT] = "caplen-short",
    [FINDING_IP_LENGTH] = "ip-length",
    [FINDING_TCP_OFFSET] = "tcp-data-offset",
    [FINDING_IP_CHECKSUM] = "bad-ip-checksum",
    [FINDING_TCP_CHECKSUM] = "bad-tcp-checksum",
    [FINDING_SIZE_MISMATCH] = "size-mismatch",
    [FINDING_BAD_HEADER] = "bad-spice-header",
    [FINDING_MESSAGE_TRUNCATED] = "message-truncated",
    [FINDING_TRUNCATED_FILE] = "truncated-file",
    [FINDING_CORRUPT_FILE] = "corrupt-file",
    [FINDING_MANIFEST_MISSING] = "manifest-missing",
    [FINDING_MANIFEST_MISMATCH] = "manifest-mismatch",
    [FINDING_MANIFEST_EXTRA] = "manifest-extra",
    [FINDING_LIMIT_REACHED] = "limit-reached",
    [FINDING_SNAPLEN_LOSS] = "snaplen-loss",
    [FINDING_DESYNC] = "desync",
    [FINDING_REPORT_CHANNEL_EMPTY] = "report-channel-empty",
    [FINDING_HEADERLESS_PLAYBACK] = "headerless-playback",
    [FINDING_RING_DIFFERS] = "ring-differs",
};

const char *finding_kind_name(finding_kind kind)
{
    return kind_names[kind];
}

static void free_finding(gpointer p)
{
    finding *f = p;
    g_free(f->file);
    g_free(f->flow);
    g_free(f->detail);
    g_free(f);
}

void findings_init(findings *f)
{
    f->list = g_ptr_array_new_with_free_func(free_finding);
    for (int i = 0; i < FINDING_KIND_COUNT; i++)
        f->count[i] = 0;
    f->total = 0;
}

void findings_clear(findings *f)
{
    g_ptr_array_free(f->list, TRUE);
}

finding *findings_add(findings *f, finding_kind kind, const char *file, uint64_t frame, const char *flow,
                      const char *fmt, ...)
{
    f->count[kind]++;
    f->total++;
    /* What ends or limits the reading of a file comes at most once or twice
     * per file: always kept, so that a flood of findings cannot hide it. */
    bool about_the_file = kind == FINDING_TRUNCATED_FILE || kind == FINDING_CORRUPT_FILE ||
                          kind == FINDING_LIMIT_REACHED;
    /* The cross-check's, added once every file is read: bounded per flow
     * (CROSS_DIFFER_FINDINGS), and kept so each file's count can be told. */
    about_the_file = about_the_file || kind == FINDING_RING_DIFFERS;
    if (f->list->len >= FINDINGS_KEPT && !about_the_file)
        return NULL;
    finding *item = g_new0(finding, 1);
    item->kind = kind;
    item->file = g_strdup(file);
    item->frame = frame;
    item->flow = g_strdup(flow);
    va_list args;
    va_start(args, fmt);
    item->detail = g_strdup_vprintf(fmt, args);
    va_end(args);
    g_ptr_array_add(f->list, item);
    return item;
}
