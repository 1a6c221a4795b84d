/* A ryll bug-report zip read as a capture: whether it is one, its
 * traffic.pcap's records, its facts as texts, and the frame the trigger
 * comment goes on. Needs GLib, json-glib and zlib, not Wireshark: the
 * wiretap glue (report_wtap.c) and the fuzz target
 * (fuzz/fuzz_report_reader.c) both drive it. */
#ifndef SPICECAP_REPORT_READER_H
#define SPICECAP_REPORT_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "metadata.h"
#include "pcap_records.h"
#include "report_facts.h"
#include "report_source.h"

typedef struct report {
    input_metadata *metadata;
    uint8_t *traffic; /* traffic.pcap: the one copy the reader holds */
    size_t traffic_len;
    pcap_records pcap;
    report_trigger_place trigger;
    uint64_t trigger_offset; /* the record carrying the trigger comment, when trigger.found */
    char *section_comment, *os, *application, *trigger_comment;
} report;

typedef enum report_open_status {
    REPORT_OPENED,
    REPORT_NOT_MINE, /* not a ryll bug report: for other readers */
    REPORT_BROKEN,   /* a ryll bug report that cannot be read: *error says why */
} report_open_status;

/* *error must be NULL; on BROKEN it is set (g_free it). */
report_open_status report_open(const report_source *src, const char *name, report **out, char **error);
void report_free(report *r);

/* The comment of the record at offset: the trigger's, or NULL. */
const char *report_comment_at(const report *r, uint64_t offset);

#endif
