/* The file-type plugin's reader (plugin/report/) alone, outside Wireshark:
 * the input is a zip read from memory as the plugin reads Wireshark's file
 * handle. Whether it is claimed, refused or opened, nothing may read past a
 * buffer; an opened report's records are walked to the end as a sequential
 * read does, each re-read at its offset as a random-access read does (the
 * two must agree), and its texts touched. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "report_reader.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

static void touch(const char *text, volatile size_t *sink)
{
    if (text)
        *sink += strlen(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    report_source src;
    report_memory mem;
    report_source_memory(&src, &mem, data, size);
    report *r = NULL;
    char *error = NULL;
    if (report_open(&src, "fuzz input", &r, &error) != REPORT_OPENED) {
        g_free(error);
        return 0;
    }
    volatile size_t sink = 0;
    touch(r->section_comment, &sink);
    touch(r->os, &sink);
    touch(r->application, &sink);
    touch(r->trigger_comment, &sink);
    const report_source *traffic = report_traffic(r, &src);
    uint64_t offset = pcap_records_first(&r->pcap);
    pcap_record rec, again;
    char *why = NULL;
    uint8_t *bytes = g_malloc(PCAP_RECORDS_MAX_CAPLEN);
    while (pcap_records_at(&r->pcap, traffic, offset, &rec, &why) == PCAP_RECORD_OK) {
        if (!pcap_records_read(&r->pcap, traffic, &rec, bytes, &why))
            abort(); /* a record whose header was read lies inside the file */
        if (rec.caplen)
            sink += bytes[0] ^ bytes[rec.caplen - 1];
        touch(report_comment_at(r, offset), &sink);
        if (pcap_records_at(&r->pcap, traffic, offset, &again, &why) != PCAP_RECORD_OK || again.next != rec.next ||
            again.caplen != rec.caplen || pcap_record_time_ns(&again) != pcap_record_time_ns(&rec))
            abort(); /* a random-access read that differs from the sequential one */
        offset = rec.next;
    }
    g_free(why);
    g_free(bytes);
    (void)sink;
    report_free(r);
    return 0;
}
