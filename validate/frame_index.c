#include "frame_index.h"

#include <glib.h>
#include <setjmp.h>

#include "bytes.h"
#include "format.h"
#include "mapped_file.h"
#include "recorded.h"

bool frame_facts_of(const capture_record *r, frame_facts *out)
{
    const uint8_t *p = r->data;
    uint32_t len = r->caplen;
    if (r->linktype != SPICECAP_DLT_EN10MB || len < SPICECAP_ETH_HDR_LEN + SPICECAP_IPV4_HDR_LEN ||
        spicecap_be16(p + 12) != SPICECAP_ETHERTYPE_IPV4)
        return false;
    const uint8_t *ip = p + SPICECAP_ETH_HDR_LEN;
    uint32_t ihl = (ip[0] & 15u) * 4u, total = spicecap_be16(ip + 2);
    uint32_t avail = len - SPICECAP_ETH_HDR_LEN;
    if ((ip[0] >> 4) != 4 || ihl < SPICECAP_IPV4_HDR_LEN || ip[9] != SPICECAP_IPPROTO_TCP || total > avail ||
        ihl + SPICECAP_TCP_HDR_LEN > total)
        return false;
    const uint8_t *tcp = ip + ihl;
    uint32_t offset = (tcp[12] >> 4) * 4u;
    uint16_t sport = spicecap_be16(tcp), dport = spicecap_be16(tcp + 2);
    if (offset < SPICECAP_TCP_HDR_LEN || ihl + offset > total ||
        !spicecap_recorded_flow(spicecap_be32(ip + 12), sport, spicecap_be32(ip + 16), dport))
        return false;
    spicecap_direction dir = spicecap_recorded_direction(sport);
    unsigned channel = spicecap_recorded_channel(dir == SPICECAP_DIR_RECEIVED ? dport : sport);
    out->channel = (uint8_t)(channel < 256 ? channel : 0);
    out->direction = (uint8_t)dir;
    out->payload = total - ihl - offset;
    out->seq = spicecap_be32(tcp + 4);
    out->payload_offset = SPICECAP_ETH_HDR_LEN + ihl + offset;
    return true;
}

static void scan_records(capture_reader *reader,
                         void (*each)(void *ctx, const capture_record *r, const frame_facts *f), void *ctx)
{
    capture_record r;
    char *message = NULL;
    while (capture_reader_next(reader, &r, &message) == CAPTURE_RECORD) {
        frame_facts f;
        each(ctx, &r, frame_facts_of(&r, &f) ? &f : NULL);
    }
    g_free(message);
}

bool frame_index_scan(const char *path, void (*each)(void *ctx, const capture_record *r, const frame_facts *f),
                      void *ctx, char **error)
{
    capture_reader *reader = capture_reader_open(path, error);
    if (reader == NULL)
        return false;
    /* The file may shrink since the validator read it: given up, as there. */
    sigjmp_buf shrank;
    sigjmp_buf *outer = mapped_file_set_return(&shrank);
    if (sigsetjmp(shrank, 1) != 0) {
        mapped_file_set_return(outer);
        *error = g_strdup_printf("%s: %s", path, mapped_file_fault());
        capture_reader_close(reader);
        return false;
    }
    scan_records(reader, each, ctx);
    mapped_file_set_return(outer);
    capture_reader_close(reader);
    return true;
}
