#include "test_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint16_t reference_checksum(const uint8_t *data, size_t len, uint32_t initial)
{
    uint64_t sum = initial;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += spicecap_be16(data + i);
    if (len % 2)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

bool frame_checksums_ok(const uint8_t *frame, size_t len)
{
    if (len < 54)
        return false;
    const uint8_t *ip = frame + 14;
    if (reference_checksum(ip, 20, 0) != 0)
        return false;
    size_t tcp_len = spicecap_be16(ip + 2) - 20u;
    if (14 + 20 + tcp_len != len)
        return false;
    uint32_t pseudo = spicecap_be16(ip + 12) + spicecap_be16(ip + 14) + spicecap_be16(ip + 16) + spicecap_be16(ip + 18) +
                      6 + (uint32_t)tcp_len;
    return reference_checksum(ip + 20, tcp_len, pseudo) == 0;
}

bool read_pcap(const char *path, pcap_file *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return false;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    out->bytes = malloc((size_t)size + 1);
    out->size = (size_t)size;
    bool ok = out->bytes && fread(out->bytes, 1, out->size, f) == out->size && out->size >= 24;
    fclose(f);
    if (!ok)
        return false;
    if (spicecap_be32(out->bytes) == 0xA1B2C3D4u)
        out->big_endian = true;
    else if (spicecap_get32(out->bytes, false) == 0xA1B2C3D4u)
        out->big_endian = false;
    else
        return false;
    out->snaplen = spicecap_get32(out->bytes + 16, out->big_endian);
    out->linktype = spicecap_get32(out->bytes + 20, out->big_endian);
    size_t capacity = 0;
    for (size_t off = 24; off < out->size;) {
        if (out->size - off < 16)
            return false;
        pcap_record r;
        r.ts_sec = spicecap_get32(out->bytes + off, out->big_endian);
        r.ts_usec = spicecap_get32(out->bytes + off + 4, out->big_endian);
        r.caplen = spicecap_get32(out->bytes + off + 8, out->big_endian);
        r.origlen = spicecap_get32(out->bytes + off + 12, out->big_endian);
        if (out->size - off - 16 < r.caplen)
            return false;
        r.data = out->bytes + off + 16;
        if (out->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            out->records = realloc(out->records, capacity * sizeof *out->records);
        }
        out->records[out->count++] = r;
        off += 16 + r.caplen;
    }
    return true;
}

void free_pcap(pcap_file *file)
{
    free(file->bytes);
    free(file->records);
    memset(file, 0, sizeof *file);
}

char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = malloc(strlen(base) + 32);
    sprintf(dir, "%s/spicecap-test-XXXXXX", base);
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return NULL;
    }
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

uint8_t *make_message(uint16_t type, uint32_t body_len, uint32_t seed, size_t *len_out)
{
    size_t len = 6 + (size_t)body_len;
    uint8_t *msg = malloc(len);
    msg[0] = (uint8_t)type;
    msg[1] = (uint8_t)(type >> 8);
    for (int i = 0; i < 4; i++)
        msg[2 + i] = (uint8_t)(body_len >> (8 * i));
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 6; i < len; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        msg[i] = (uint8_t)x;
    }
    *len_out = len;
    return msg;
}
