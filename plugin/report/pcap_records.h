/* The records of a classic pcap (a report's traffic.pcap), read where its
 * bytes are: in place inside the zip through the file (a stored member, as
 * ryll writes them: no copy at all), or from the one inflated copy (a
 * deflated member). Either byte order, microsecond or nanosecond
 * timestamps, as Wireshark's own pcap reader takes them. A record's offset
 * is where its header starts in traffic.pcap, so a sequential pass and a
 * random-access read of the same offset give the same record. */
#ifndef SPICECAP_REPORT_PCAP_RECORDS_H
#define SPICECAP_REPORT_PCAP_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report_source.h"

/* The largest record taken: Wireshark's bound for an Ethernet record
 * (WTAP_MAX_PACKET_SIZE_STANDARD), which is also our writer's snaplen. */
#define PCAP_RECORDS_MAX_CAPLEN 262144u

typedef struct pcap_records {
    uint64_t base, len; /* where traffic.pcap's bytes lie in the source */
    bool big_endian;
    bool nanoseconds;
    uint16_t version_major, version_minor;
    uint32_t snaplen, linktype;
} pcap_records;

typedef struct pcap_record {
    uint64_t offset; /* of its header in traffic.pcap */
    uint64_t next;   /* of the next record's header */
    uint32_t seconds, nanoseconds;
    uint32_t caplen, len;
} pcap_record;

typedef enum pcap_record_status {
    PCAP_RECORD_OK,
    PCAP_RECORD_END,       /* offset is the end of the file */
    PCAP_RECORD_TRUNCATED, /* the file ends inside the record */
    PCAP_RECORD_BAD,       /* a length no writer makes, or the source failed */
} pcap_record_status;

/* Reads the file header of the len bytes at base in src: false with *error
 * (g_free it) when they are not a classic pcap. */
bool pcap_records_open(pcap_records *p, const report_source *src, uint64_t base, uint64_t len, char **error);
/* The offset of the first record. */
uint64_t pcap_records_first(const pcap_records *p);
/* The header of the record at offset; unless OK, *error says what is wrong
 * (END: nothing). */
pcap_record_status pcap_records_at(const pcap_records *p, const report_source *src, uint64_t offset, pcap_record *r,
                                   char **error);
/* Its caplen bytes into out. */
bool pcap_records_read(const pcap_records *p, const report_source *src, const pcap_record *r, uint8_t *out,
                       char **error);
/* A record's time in nanoseconds from the clock's 0. */
static inline uint64_t pcap_record_time_ns(const pcap_record *r)
{
    return (uint64_t)r->seconds * 1000000000u + r->nanoseconds;
}

#endif
