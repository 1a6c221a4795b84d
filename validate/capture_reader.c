#include "capture_reader.h"

#include <glib.h>
#include <string.h>

#include "byte_source.h"
#include "bytes.h"
#include "format.h"

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_OPB 2u /* obsolete packet block */
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define MAX_INTERFACES 256

typedef struct interface {
    uint32_t linktype;
    uint32_t snaplen;
    uint64_t units_per_second; /* from if_tsresol */
} interface;

struct capture_reader {
    byte_source *src;
    int pcapng;
    int big_endian;
    int nanoseconds;
    uint32_t snaplen, linktype;
    interface interfaces[MAX_INTERFACES];
    unsigned interface_count;
    uint64_t records;
    char *description;
};

static int open_pcap(capture_reader *r, const uint8_t *h, char **error)
{
    uint32_t magic_le = spicecap_le32(h);
    if (magic_le == SPICECAP_PCAP_MAGIC_USEC || magic_le == SPICECAP_PCAP_MAGIC_NSEC) {
        r->big_endian = 0;
    } else if (spicecap_be32(h) == SPICECAP_PCAP_MAGIC_USEC || spicecap_be32(h) == SPICECAP_PCAP_MAGIC_NSEC) {
        r->big_endian = 1;
    } else {
        *error = g_strdup_printf("not a capture: the first bytes are %02x %02x %02x %02x, neither pcap nor pcapng",
                                 h[0], h[1], h[2], h[3]);
        return -1;
    }
    r->nanoseconds = spicecap_get32(h, r->big_endian) == SPICECAP_PCAP_MAGIC_NSEC;
    r->snaplen = spicecap_get32(h + 16, r->big_endian);
    r->linktype = spicecap_get32(h + 20, r->big_endian) & 0x0FFFFFFFu; /* upper bits: FCS flags */
    return 0;
}

capture_reader *capture_reader_open(const char *path, char **error)
{
    byte_source *src = byte_source_open(path, error);
    if (src == NULL)
        return NULL;
    capture_reader *r = g_new0(capture_reader, 1);
    r->src = src;
    const uint8_t *h;
    long got = byte_source_peek(src, SPICECAP_PCAP_FILE_HDR_LEN, &h, error);
    if (got < 0)
        goto fail;
    if (got == 0) {
        *error = g_strdup("empty file: no capture header");
        goto fail;
    }
    if (got >= 4 && spicecap_le32(h) == PCAPNG_SHB) {
        r->pcapng = 1; /* the section header block is read as the first block */
    } else if (got < (long)SPICECAP_PCAP_FILE_HDR_LEN) {
        *error = g_strdup_printf("file ends after %ld bytes, inside the 24-byte pcap header", got);
        goto fail;
    } else if (open_pcap(r, h, error) != 0) {
        goto fail;
    } else {
        byte_source_skip(src, SPICECAP_PCAP_FILE_HDR_LEN);
    }
    const char *wrapper = byte_source_wrapper(src);
    if (r->pcapng)
        r->description = g_strdup_printf("pcapng%s%s", *wrapper ? ", " : "", wrapper);
    else
        r->description = g_strdup_printf("pcap (%s-endian, %s, snaplen %u)%s%s", r->big_endian ? "big" : "little",
                                         r->nanoseconds ? "nanoseconds" : "microseconds", r->snaplen,
                                         *wrapper ? ", " : "", wrapper);
    return r;
fail:
    capture_reader_close(r);
    return NULL;
}

void capture_reader_close(capture_reader *r)
{
    if (r == NULL)
        return;
    byte_source_close(r->src);
    g_free(r->description);
    g_free(r);
}

static capture_status next_pcap(capture_reader *r, capture_record *rec, char **message)
{
    const uint8_t *p;
    uint64_t at = byte_source_offset(r->src) + SPICECAP_PCAP_FILE_HDR_LEN;
    long got = byte_source_peek(r->src, SPICECAP_PCAP_RECORD_HDR_LEN, &p, message);
    if (got < 0)
        return CAPTURE_CORRUPT;
    if (got == 0)
        return CAPTURE_END;
    if (got < (long)SPICECAP_PCAP_RECORD_HDR_LEN) {
        *message = g_strdup_printf("file ends inside the header of record %" G_GUINT64_FORMAT " (offset %" G_GUINT64_FORMAT
                                   ", %ld of 16 bytes)", r->records + 1, at, got);
        return CAPTURE_TRUNCATED;
    }
    uint32_t sec = spicecap_get32(p, r->big_endian), frac = spicecap_get32(p + 4, r->big_endian);
    uint32_t caplen = spicecap_get32(p + 8, r->big_endian), origlen = spicecap_get32(p + 12, r->big_endian);
    if (caplen > CAPTURE_MAX_CAPLEN) {
        *message = g_strdup_printf("record %" G_GUINT64_FORMAT " (offset %" G_GUINT64_FORMAT ") claims %u bytes, "
                                   "more than any capture holds: the file is corrupt from here",
                                   r->records + 1, at, caplen);
        return CAPTURE_CORRUPT;
    }
    got = byte_source_peek(r->src, SPICECAP_PCAP_RECORD_HDR_LEN + caplen, &p, message);
    if (got < 0)
        return CAPTURE_CORRUPT;
    if (got < (long)(SPICECAP_PCAP_RECORD_HDR_LEN + caplen)) {
        *message = g_strdup_printf("file ends inside record %" G_GUINT64_FORMAT " (offset %" G_GUINT64_FORMAT
                                   "): %ld of its %u bytes are there",
                                   r->records + 1, at, got - (long)SPICECAP_PCAP_RECORD_HDR_LEN, caplen);
        return CAPTURE_TRUNCATED;
    }
    rec->number = ++r->records;
    rec->ts_ns = (uint64_t)sec * 1000000000u + (r->nanoseconds ? frac : (uint64_t)frac * 1000u);
    rec->caplen = caplen;
    rec->origlen = origlen;
    rec->linktype = r->linktype;
    rec->data = p + SPICECAP_PCAP_RECORD_HDR_LEN;
    rec->data_lasts = byte_source_bytes_last(r->src);
    byte_source_skip(r->src, SPICECAP_PCAP_RECORD_HDR_LEN + caplen);
    return CAPTURE_RECORD;
}

/* if_tsresol (option 9) of an interface description block's options. */
static uint64_t tsresol(const uint8_t *opt, size_t len, int be)
{
    while (len >= 4) {
        uint16_t code = spicecap_get16(opt, be), olen = spicecap_get16(opt + 2, be);
        if (code == 0 || (size_t)4 + olen > len)
            break;
        if (code == 9 && olen >= 1) {
            uint8_t v = opt[4];
            uint64_t units = 1;
            for (unsigned i = 0; i < (v & 0x7F) && units < UINT64_MAX / 10; i++)
                units *= (v & 0x80) ? 2 : 10;
            return units;
        }
        size_t step = 4 + (((size_t)olen + 3) & ~(size_t)3);
        opt += step;
        len -= step < len ? step : len;
    }
    return 1000000;
}

static capture_status next_pcapng(capture_reader *r, capture_record *rec, char **message)
{
    for (;;) {
        const uint8_t *p;
        uint64_t at = byte_source_offset(r->src);
        long got = byte_source_peek(r->src, 12, &p, message);
        if (got < 0)
            return CAPTURE_CORRUPT;
        if (got == 0)
            return CAPTURE_END;
        if (got < 12) {
            *message = g_strdup_printf("file ends inside a block header (offset %" G_GUINT64_FORMAT ")", at);
            return CAPTURE_TRUNCATED;
        }
        if (spicecap_le32(p) == PCAPNG_SHB) {
            uint32_t bom = spicecap_le32(p + 8);
            if (bom == PCAPNG_BYTE_ORDER_MAGIC)
                r->big_endian = 0;
            else if (spicecap_be32(p + 8) == PCAPNG_BYTE_ORDER_MAGIC)
                r->big_endian = 1;
            else {
                *message = g_strdup_printf("section header at offset %" G_GUINT64_FORMAT " has no byte-order magic", at);
                return CAPTURE_CORRUPT;
            }
            r->interface_count = 0; /* interfaces are per section */
        }
        uint32_t type = spicecap_get32(p, r->big_endian), length = spicecap_get32(p + 4, r->big_endian);
        if (length < 12 || length % 4 || length > CAPTURE_MAX_CAPLEN + 64) {
            *message = g_strdup_printf("block at offset %" G_GUINT64_FORMAT " has an impossible length %u: the file "
                                       "is corrupt from here", at, length);
            return CAPTURE_CORRUPT;
        }
        got = byte_source_peek(r->src, length, &p, message);
        if (got < 0)
            return CAPTURE_CORRUPT;
        if (got < (long)length) {
            *message = g_strdup_printf("file ends inside a %u-byte block (offset %" G_GUINT64_FORMAT "): %ld bytes "
                                       "are there", length, at, got);
            return CAPTURE_TRUNCATED;
        }
        if (spicecap_get32(p + length - 4, r->big_endian) != length) {
            *message = g_strdup_printf("block at offset %" G_GUINT64_FORMAT ": its trailing length disagrees with "
                                       "its leading one (%u)", at, length);
            return CAPTURE_CORRUPT;
        }
        const uint8_t *body = p + 8;
        size_t body_len = length - 12;
        bool lasts = byte_source_bytes_last(r->src); /* asked before the skip, as of these bytes */
        byte_source_skip(r->src, length);
        if (type == PCAPNG_IDB && body_len >= 8) {
            if (r->interface_count < MAX_INTERFACES) {
                interface *i = &r->interfaces[r->interface_count++];
                i->linktype = spicecap_get16(body, r->big_endian);
                i->snaplen = spicecap_get32(body + 4, r->big_endian);
                i->units_per_second = tsresol(body + 8, body_len - 8, r->big_endian);
            }
            continue;
        }
        uint32_t iface = 0, caplen, origlen;
        uint64_t ts = 0;
        const uint8_t *data;
        if (type == PCAPNG_EPB && body_len >= 20) {
            iface = spicecap_get32(body, r->big_endian);
            ts = (uint64_t)spicecap_get32(body + 4, r->big_endian) << 32 | spicecap_get32(body + 8, r->big_endian);
            caplen = spicecap_get32(body + 12, r->big_endian);
            origlen = spicecap_get32(body + 16, r->big_endian);
            data = body + 20;
            if (caplen > body_len - 20) {
                *message = g_strdup_printf("packet block at offset %" G_GUINT64_FORMAT " claims %u captured bytes in "
                                           "a %zu-byte block", at, caplen, body_len);
                return CAPTURE_CORRUPT;
            }
        } else if (type == PCAPNG_SPB && body_len >= 4) {
            origlen = spicecap_get32(body, r->big_endian);
            caplen = origlen < body_len - 4 ? origlen : (uint32_t)(body_len - 4);
            data = body + 4;
        } else if (type == PCAPNG_OPB && body_len >= 20) {
            iface = spicecap_get16(body, r->big_endian);
            ts = (uint64_t)spicecap_get32(body + 4, r->big_endian) << 32 | spicecap_get32(body + 8, r->big_endian);
            caplen = spicecap_get32(body + 12, r->big_endian);
            origlen = spicecap_get32(body + 16, r->big_endian);
            data = body + 20;
            if (caplen > body_len - 20)
                caplen = (uint32_t)(body_len - 20);
        } else {
            continue; /* name resolution, statistics, custom blocks: nothing to check */
        }
        if (iface >= r->interface_count) {
            *message = g_strdup_printf("packet block at offset %" G_GUINT64_FORMAT " names interface %u of %u", at,
                                       iface, r->interface_count);
            return CAPTURE_CORRUPT;
        }
        const interface *i = &r->interfaces[iface];
        rec->number = ++r->records;
        rec->ts_ns = i->units_per_second == 1000000000u ? ts
                     : i->units_per_second >= 1000000000u
                         ? ts / (i->units_per_second / 1000000000u)
                         : ts * (1000000000u / i->units_per_second);
        rec->caplen = caplen;
        rec->origlen = origlen;
        rec->linktype = i->linktype;
        rec->data = data;
        rec->data_lasts = lasts;
        r->snaplen = i->snaplen;
        return CAPTURE_RECORD;
    }
}

capture_status capture_reader_next(capture_reader *r, capture_record *rec, char **message)
{
    return r->pcapng ? next_pcapng(r, rec, message) : next_pcap(r, rec, message);
}

const char *capture_reader_describe(const capture_reader *r)
{
    return r->description;
}

uint32_t capture_reader_snaplen(const capture_reader *r)
{
    return r->snaplen;
}

void capture_reader_progress(const capture_reader *r, uint64_t *done, uint64_t *total)
{
    byte_source_progress(r->src, done, total);
}
