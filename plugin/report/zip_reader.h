/* The zip container of a ryll bug report: its central directory and the
 * bytes of one member, stored or deflated (zlib). ryll writes its members
 * stored; a report re-zipped by hand is usually deflated. Written here
 * rather than with libzip because the reader must read through a
 * report_source (Wireshark's file handle), bound every size before it
 * allocates, and refuse zip64 and encrypted members with a reason; what
 * needs a library (inflate, CRC-32) is zlib's. */
#ifndef SPICECAP_REPORT_ZIP_READER_H
#define SPICECAP_REPORT_ZIP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report_source.h"

typedef struct zip_member {
    char *name;
    uint16_t flags;  /* general purpose bits: bit 0 encrypted */
    uint16_t method; /* 0 stored, 8 deflated */
    uint32_t crc32;
    uint64_t compressed, size;
    uint64_t local_offset;
    bool zip64; /* a size or offset is in a zip64 extra field */
} zip_member;

typedef struct zip_directory {
    zip_member *members;
    size_t count;
} zip_directory;

typedef enum zip_status {
    ZIP_READ,    /* the directory was read */
    ZIP_NOT_ZIP, /* no end-of-central-directory record: not a (whole) zip */
    ZIP_BROKEN,  /* a zip whose directory cannot be read: *error says why */
} zip_status;

/* The magic of a zip's first member (and of the file). */
#define ZIP_LOCAL_MAGIC "PK\3\4"

zip_status zip_directory_read(const report_source *src, zip_directory *dir, char **error);
void zip_directory_clear(zip_directory *dir);
/* The member whose name's last component is name, or NULL. */
const zip_member *zip_directory_find(const zip_directory *dir, const char *name);

/* The name of the member whose local header starts the file (NULL when
 * there is none): known even when the directory at the end is not. */
char *zip_first_member_name(const report_source *src);

/* Where a member's bytes start (*data_at), once it is known to be one this
 * reader reads: not zip64, not encrypted, stored or deflated, at most max
 * bytes, sizes that can be, and lying inside the file. false with *error. */
bool zip_member_data(const report_source *src, const zip_member *m, uint64_t max, uint64_t *data_at, char **error);
bool zip_member_stored(const zip_member *m);
/* A stored member's CRC-32, read through a small buffer: true when it
 * matches its directory entry. (A stored traffic.pcap is then read in
 * place, never copied.) */
bool zip_member_check_stored(const report_source *src, const zip_member *m, uint64_t data_at, char **error);

/* The bytes of a member, inflated and checked against its CRC-32, at most
 * max bytes (a larger member is refused): true with *out (g_free it) and
 * *len, or false with *error. */
bool zip_member_read(const report_source *src, const zip_member *m, uint64_t max, uint8_t **out, size_t *len,
                     char **error);

#endif
