#include "pcap_records.h"

#include <glib.h>

#include "bytes.h"
#include "format.h"

bool pcap_records_open(pcap_records *p, const report_source *src, uint64_t base, uint64_t len, char **error)
{
    *p = (pcap_records){.base = base, .len = len};
    uint8_t h[SPICECAP_PCAP_FILE_HDR_LEN];
    if (len < sizeof h) {
        *error = g_strdup_printf("traffic.pcap is %" G_GUINT64_FORMAT " bytes, shorter than a pcap file header", len);
        return false;
    }
    if (src->read_at(src->ctx, base, h, sizeof h, error) != 0)
        return false;
    uint32_t le = spicecap_le32(h), be = spicecap_be32(h);
    if (le == SPICECAP_PCAP_MAGIC_USEC || le == SPICECAP_PCAP_MAGIC_NSEC) {
        p->nanoseconds = le == SPICECAP_PCAP_MAGIC_NSEC;
    } else if (be == SPICECAP_PCAP_MAGIC_USEC || be == SPICECAP_PCAP_MAGIC_NSEC) {
        p->big_endian = true;
        p->nanoseconds = be == SPICECAP_PCAP_MAGIC_NSEC;
    } else {
        *error = g_strdup_printf("traffic.pcap is not a pcap file (magic %08x)", be);
        return false;
    }
    p->version_major = spicecap_get16(h + 4, p->big_endian);
    p->version_minor = spicecap_get16(h + 6, p->big_endian);
    p->snaplen = spicecap_get32(h + 16, p->big_endian);
    p->linktype = spicecap_get32(h + 20, p->big_endian) & 0x03FFFFFFu; /* the high bits are FCS flags */
    if (p->version_major != SPICECAP_PCAP_VERSION_MAJOR) {
        *error = g_strdup_printf("traffic.pcap is pcap version %u.%u; only 2.x is read", p->version_major,
                                 p->version_minor);
        return false;
    }
    return true;
}

uint64_t pcap_records_first(const pcap_records *p)
{
    (void)p;
    return SPICECAP_PCAP_FILE_HDR_LEN;
}

pcap_record_status pcap_records_at(const pcap_records *p, const report_source *src, uint64_t offset, pcap_record *r,
                                   char **error)
{
    if (offset == p->len)
        return PCAP_RECORD_END;
    if (offset > p->len || p->len - offset < SPICECAP_PCAP_RECORD_HDR_LEN) {
        *error = g_strdup_printf("traffic.pcap ends inside the record header at offset %" G_GUINT64_FORMAT, offset);
        return PCAP_RECORD_TRUNCATED;
    }
    uint8_t h[SPICECAP_PCAP_RECORD_HDR_LEN];
    if (src->read_at(src->ctx, p->base + offset, h, sizeof h, error) != 0)
        return PCAP_RECORD_BAD;
    r->offset = offset;
    r->seconds = spicecap_get32(h, p->big_endian);
    uint32_t fraction = spicecap_get32(h + 4, p->big_endian);
    r->caplen = spicecap_get32(h + 8, p->big_endian);
    r->len = spicecap_get32(h + 12, p->big_endian);
    if (r->caplen > PCAP_RECORDS_MAX_CAPLEN) {
        *error = g_strdup_printf("traffic.pcap: the record at offset %" G_GUINT64_FORMAT " says %u captured bytes, "
                                 "more than the %u a record can hold",
                                 offset, r->caplen, PCAP_RECORDS_MAX_CAPLEN);
        return PCAP_RECORD_BAD;
    }
    /* Timestamps as Wireshark's pcap reader takes them: the fraction is
     * not checked against a second. */
    r->nanoseconds = p->nanoseconds ? fraction : fraction * 1000u;
    uint64_t body = offset + SPICECAP_PCAP_RECORD_HDR_LEN;
    if (p->len - body < r->caplen) {
        *error = g_strdup_printf("traffic.pcap ends inside the %u-byte record at offset %" G_GUINT64_FORMAT,
                                 r->caplen, offset);
        return PCAP_RECORD_TRUNCATED;
    }
    r->next = body + r->caplen;
    return PCAP_RECORD_OK;
}

bool pcap_records_read(const pcap_records *p, const report_source *src, const pcap_record *r, uint8_t *out,
                       char **error)
{
    return src->read_at(src->ctx, p->base + r->offset + SPICECAP_PCAP_RECORD_HDR_LEN, out, r->caplen, error) == 0;
}
