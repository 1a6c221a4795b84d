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
    /* traffic.pcap: read in place through the zip's source when stored (as
     * ryll writes it), else inflated once into traffic, the one copy the
     * reader holds, and read through traffic_source. */
    uint8_t *traffic;
    report_memory traffic_memory;
    report_source traffic_source;
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

/* *error must be NULL; on BROKEN it is set (g_free it). The report reads
 * traffic.pcap through src (or another source over the same file) later:
 * report_traffic. */
report_open_status report_open(const report_source *src, const char *name, report **out, char **error);
void report_free(report *r);

/* Where to read traffic.pcap's records from (pcap_records_at): file, a
 * source over the zip (the one given to report_open, or another handle on
 * the same file), when it is stored; the inflated copy when it was not. */
const report_source *report_traffic(const report *r, const report_source *file);

/* The comment of the record at offset: the trigger's, or NULL. */
const char *report_comment_at(const report *r, uint64_t offset);

#endif
