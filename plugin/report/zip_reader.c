#include "zip_reader.h"

#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include "bytes.h"
#include "report_limits.h"
#include "zip_check.h"

/* Record layouts (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16). */
#define EOCD_LEN 22u
#define EOCD_MAX_COMMENT 65535u
#define ZIP64_LOCATOR_LEN 20u
#define CENTRAL_LEN 46u
#define LOCAL_LEN 30u
#define METHOD_STORED 0u
#define METHOD_DEFLATED 8u
#define FLAG_ENCRYPTED 1u
#define ZIP64_EXTRA_ID 1u
#define INFLATE_CHUNK ((size_t)256 << 10)

static const uint8_t eocd_magic[4] = {'P', 'K', 5, 6}, central_magic[4] = {'P', 'K', 1, 2},
                     locator_magic[4] = {'P', 'K', 6, 7};

void zip_directory_clear(zip_directory *dir)
{
    for (size_t i = 0; i < dir->count; i++)
        g_free(dir->members[i].name);
    g_free(dir->members);
    dir->members = NULL;
    dir->count = 0;
}

/* By the name's last path component, as the validator (libzip's
 * ZIP_FL_NODIR) finds it: zip_check has refused two members of one. */
const zip_member *zip_directory_find(const zip_directory *dir, const char *name)
{
    for (size_t i = 0; i < dir->count; i++)
        if (strcmp(zip_check_base_name(dir->members[i].name), name) == 0)
            return &dir->members[i];
    return NULL;
}

/* The end-of-central-directory record: the last "PK\5\6" that parses as
 * zip_check.c says (the one the check and libzip take: a zip with two is
 * refused by the check). */
static zip_status find_eocd(const report_source *src, uint64_t *at, uint8_t eocd[EOCD_LEN], char **error)
{
    if (src->size < EOCD_LEN)
        return ZIP_NOT_ZIP;
    uint64_t tail_len = MIN(src->size, (uint64_t)EOCD_LEN + EOCD_MAX_COMMENT);
    uint64_t tail_at = src->size - tail_len;
    uint8_t *tail = g_malloc(tail_len);
    if (src->read_at(src->ctx, tail_at, tail, tail_len, error) != 0) {
        g_free(tail);
        return ZIP_BROKEN;
    }
    zip_status status = ZIP_NOT_ZIP;
    for (uint64_t i = tail_len - EOCD_LEN + 1; i-- > 0;) {
        if (memcmp(tail + i, eocd_magic, 4) == 0 &&
            zip_check_end_parses(src->ctx, src->read_at, tail + i, tail_at + i, tail_len - i)) {
            memcpy(eocd, tail + i, EOCD_LEN);
            *at = tail_at + i;
            status = ZIP_READ;
            break;
        }
    }
    g_free(tail);
    return status;
}

/* One central directory entry at p (len bytes left): its length, or 0. */
static size_t parse_central(const uint8_t *p, size_t len, zip_member *m, char **error)
{
    if (len < CENTRAL_LEN || memcmp(p, central_magic, 4) != 0) {
        *error = g_strdup("the central directory is corrupt (an entry without its signature)");
        return 0;
    }
    size_t name_len = spicecap_le16(p + 28), extra_len = spicecap_le16(p + 30), comment_len = spicecap_le16(p + 32);
    size_t whole = CENTRAL_LEN + name_len + extra_len + comment_len;
    if (whole > len) {
        *error = g_strdup("the central directory is corrupt (an entry runs past its end)");
        return 0;
    }
    m->flags = spicecap_le16(p + 8);
    m->method = spicecap_le16(p + 10);
    m->crc32 = spicecap_le32(p + 16);
    m->compressed = spicecap_le32(p + 20);
    m->size = spicecap_le32(p + 24);
    m->local_offset = spicecap_le32(p + 42);
    m->zip64 = m->compressed == 0xFFFFFFFFu || m->size == 0xFFFFFFFFu || m->local_offset == 0xFFFFFFFFu;
    /* A zip64 extra field may be there with no field at 0xFFFFFFFF. */
    for (size_t e = 0; e + 4 <= extra_len;) {
        const uint8_t *field = p + CENTRAL_LEN + name_len + e;
        if (spicecap_le16(field) == ZIP64_EXTRA_ID)
            m->zip64 = true;
        e += 4u + spicecap_le16(field + 2);
    }
    /* Names are bytes; a NUL inside one is kept out of the C string. */
    m->name = g_strndup((const char *)p + CENTRAL_LEN, name_len);
    return whole;
}

zip_status zip_directory_read(const report_source *src, zip_directory *dir, char **error)
{
    memset(dir, 0, sizeof *dir);
    uint8_t eocd[EOCD_LEN];
    uint64_t eocd_at = 0;
    zip_status status = find_eocd(src, &eocd_at, eocd, error);
    if (status != ZIP_READ)
        return status;
    uint8_t locator[ZIP64_LOCATOR_LEN];
    if (eocd_at >= ZIP64_LOCATOR_LEN &&
        src->read_at(src->ctx, eocd_at - ZIP64_LOCATOR_LEN, locator, sizeof locator, error) == 0 &&
        memcmp(locator, locator_magic, 4) == 0) {
        *error = g_strdup("a zip64 archive, which ryll never writes and this reader does not read");
        return ZIP_BROKEN;
    }
    g_clear_pointer(error, g_free);
    unsigned disk = spicecap_le16(eocd + 4), cd_disk = spicecap_le16(eocd + 6);
    uint64_t entries = spicecap_le16(eocd + 10), cd_size = spicecap_le32(eocd + 12),
             cd_offset = spicecap_le32(eocd + 16);
    if (entries == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu) {
        *error = g_strdup("a zip64 archive, which ryll never writes and this reader does not read");
        return ZIP_BROKEN;
    }
    if (disk != 0 || cd_disk != 0) {
        *error = g_strdup("a zip split over several disks");
        return ZIP_BROKEN;
    }
    if (entries > REPORT_MAX_ZIP_MEMBERS || cd_size > REPORT_MAX_ZIP_DIRECTORY_BYTES) {
        *error = g_strdup_printf("a central directory of %" G_GUINT64_FORMAT " entries in %" G_GUINT64_FORMAT
                                 " bytes, past the reader's bound (%u entries, %" G_GUINT64_FORMAT " bytes)",
                                 entries, cd_size, REPORT_MAX_ZIP_MEMBERS, REPORT_MAX_ZIP_DIRECTORY_BYTES);
        return ZIP_BROKEN;
    }
    if (cd_offset > eocd_at || cd_size > eocd_at - cd_offset) {
        *error = g_strdup_printf("the central directory (%" G_GUINT64_FORMAT " bytes at %" G_GUINT64_FORMAT
                                 ") is not before its end record at %" G_GUINT64_FORMAT ": the zip is truncated "
                                 "or corrupt",
                                 cd_size, cd_offset, eocd_at);
        return ZIP_BROKEN;
    }
    uint8_t *cd = g_malloc(cd_size ? cd_size : 1);
    if (src->read_at(src->ctx, cd_offset, cd, cd_size, error) != 0) {
        g_free(cd);
        return ZIP_BROKEN;
    }
    dir->members = g_new0(zip_member, entries ? entries : 1);
    size_t at = 0;
    for (uint64_t i = 0; i < entries; i++) {
        size_t used = parse_central(cd + at, cd_size - at, &dir->members[i], error);
        if (used == 0) {
            g_free(cd);
            zip_directory_clear(dir);
            return ZIP_BROKEN;
        }
        dir->count++;
        at += used;
    }
    g_free(cd);
    return ZIP_READ;
}

char *zip_first_member_name(const report_source *src)
{
    uint8_t local[LOCAL_LEN];
    char *error = NULL;
    if (src->size < LOCAL_LEN || src->read_at(src->ctx, 0, local, sizeof local, &error) != 0 ||
        memcmp(local, ZIP_LOCAL_MAGIC, 4) != 0) {
        g_free(error);
        return NULL;
    }
    size_t name_len = spicecap_le16(local + 26);
    char *name = g_malloc0(name_len + 1);
    if (src->read_at(src->ctx, LOCAL_LEN, name, name_len, &error) != 0) {
        g_free(error);
        g_free(name);
        return NULL;
    }
    return name;
}

/* Inflates m's compressed bytes at data_at into out (exactly m->size bytes). */
static bool inflate_member(const report_source *src, const zip_member *m, uint64_t data_at, uint8_t *out,
                           char **error)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) { /* raw deflate, as zip holds it */
        *error = g_strdup_printf("%s: zlib cannot start inflating", m->name);
        return false;
    }
    uint8_t *chunk = g_malloc(INFLATE_CHUNK);
    uint64_t read = 0, made = 0;
    int rc = Z_OK;
    bool ok = false;
    while (rc != Z_STREAM_END) {
        if (z.avail_in == 0) {
            if (read == m->compressed) {
                *error = g_strdup_printf("%s: the deflated data ends before its stream does (corrupt)", m->name);
                break;
            }
            size_t want = (size_t)MIN((uint64_t)INFLATE_CHUNK, m->compressed - read);
            if (src->read_at(src->ctx, data_at + read, chunk, want, error) != 0)
                break;
            read += want;
            z.next_in = chunk;
            z.avail_in = (uInt)want;
        }
        /* Room for the stated size and one byte more, to catch a member
         * that inflates past what it says (a bomb, or a lie). */
        uint8_t spare;
        bool past = made == m->size;
        z.next_out = past ? &spare : out + made;
        z.avail_out = past ? 1u : (uInt)MIN((uint64_t)UINT_MAX, m->size - made);
        uInt before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        made += before - z.avail_out;
        if (made > m->size) {
            *error = g_strdup_printf("%s inflates past the %" G_GUINT64_FORMAT " bytes its directory entry states "
                                     "(a zip bomb, or a corrupt zip)",
                                     m->name, m->size);
            break;
        }
        if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && z.avail_in == 0)) {
            *error = g_strdup_printf("%s: its deflated data is corrupt (zlib: %s)", m->name,
                                     z.msg ? z.msg : "error");
            break;
        }
        if (rc == Z_STREAM_END) {
            if (made != m->size)
                *error = g_strdup_printf("%s inflates to %" G_GUINT64_FORMAT " bytes, not the %" G_GUINT64_FORMAT
                                         " its directory entry states (corrupt)",
                                         m->name, made, m->size);
            else
                ok = true;
        }
    }
    inflateEnd(&z);
    g_free(chunk);
    return ok;
}

bool zip_member_data(const report_source *src, const zip_member *m, uint64_t max, uint64_t *data_at, char **error)
{
    if (m->zip64) {
        *error = g_strdup_printf("%s is a zip64 member, which ryll never writes and this reader does not read",
                                 m->name);
        return false;
    }
    if (m->flags & FLAG_ENCRYPTED) {
        *error = g_strdup_printf("%s is encrypted", m->name);
        return false;
    }
    if (m->method != METHOD_STORED && m->method != METHOD_DEFLATED) {
        *error = g_strdup_printf("%s is compressed with method %u; only stored (0) and deflated (8) are read",
                                 m->name, m->method);
        return false;
    }
    if (m->size > max) {
        *error = g_strdup_printf("%s is %" G_GUINT64_FORMAT " bytes, past the %" G_GUINT64_FORMAT
                                 " bytes this reader holds",
                                 m->name, m->size, max);
        return false;
    }
    if (m->method == METHOD_STORED ? m->compressed != m->size
                                   : m->size / REPORT_DEFLATE_MAX_RATIO > m->compressed) {
        *error = g_strdup_printf("%s states %" G_GUINT64_FORMAT " bytes from %" G_GUINT64_FORMAT
                                 " %s ones, which cannot be (a zip bomb, or a corrupt zip)",
                                 m->name, m->size, m->compressed, m->method == METHOD_STORED ? "stored" : "deflated");
        return false;
    }
    uint8_t local[LOCAL_LEN];
    char *why = NULL;
    if (m->local_offset > src->size || src->size - m->local_offset < LOCAL_LEN ||
        src->read_at(src->ctx, m->local_offset, local, sizeof local, &why) != 0 ||
        memcmp(local, ZIP_LOCAL_MAGIC, 4) != 0) {
        g_free(why);
        *error = g_strdup_printf("%s: no local header at offset %" G_GUINT64_FORMAT " (corrupt or truncated zip)",
                                 m->name, m->local_offset);
        return false;
    }
    *data_at = m->local_offset + LOCAL_LEN + spicecap_le16(local + 26) + spicecap_le16(local + 28);
    if (*data_at > src->size || m->compressed > src->size - *data_at) {
        *error = g_strdup_printf("%s: its %" G_GUINT64_FORMAT " bytes at offset %" G_GUINT64_FORMAT
                                 " run past the end of the %" G_GUINT64_FORMAT "-byte file (truncated zip)",
                                 m->name, m->compressed, *data_at, src->size);
        return false;
    }
    return true;
}

bool zip_member_stored(const zip_member *m)
{
    return m->method == METHOD_STORED;
}

/* zlib's crc32 takes uInt lengths: in steps. */
static uLong crc_add(uLong crc, const uint8_t *bytes, uint64_t len)
{
    for (uint64_t at = 0; at < len;) {
        uInt step = (uInt)MIN((uint64_t)1 << 30, len - at);
        crc = crc32(crc, bytes + at, step);
        at += step;
    }
    return crc;
}

static bool crc_matches(const zip_member *m, uLong crc, char **error)
{
    if (crc == m->crc32)
        return true;
    *error = g_strdup_printf("%s: CRC-32 %08lx, not the %08x its directory entry states (corrupt)", m->name,
                             (unsigned long)crc, m->crc32);
    return false;
}

bool zip_member_check_stored(const report_source *src, const zip_member *m, uint64_t data_at, char **error)
{
    uint8_t *chunk = g_malloc(INFLATE_CHUNK);
    uLong crc = crc32(0L, Z_NULL, 0);
    bool ok = true;
    for (uint64_t at = 0; ok && at < m->size;) {
        size_t step = (size_t)MIN((uint64_t)INFLATE_CHUNK, m->size - at);
        ok = src->read_at(src->ctx, data_at + at, chunk, step, error) == 0;
        crc = crc_add(crc, chunk, step);
        at += step;
    }
    g_free(chunk);
    return ok && crc_matches(m, crc, error);
}

/* A buffer for a member's bytes, g_free()d by its owner. A large one (an
 * inflated traffic.pcap) is asked to be backed by huge pages where the
 * kernel has them: filling 50 MB of fresh 4 KiB pages cost 100-300 ms of
 * page faults on the project's machine, against 10 ms with huge pages. */
static uint8_t *member_buffer(uint64_t size)
{
    uint8_t *bytes = g_try_malloc(size ? size : 1);
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (bytes && size >= 2 * huge) {
        uintptr_t start = ((uintptr_t)bytes + huge - 1) & ~(huge - 1), end = ((uintptr_t)bytes + size) & ~(huge - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE); /* advice only: refused is fine */
    }
#endif
    return bytes;
}

bool zip_member_read(const report_source *src, const zip_member *m, uint64_t max, uint8_t **out, size_t *len,
                     char **error)
{
    *out = NULL;
    *len = 0;
    uint64_t data_at;
    if (!zip_member_data(src, m, max, &data_at, error))
        return false;
    uint8_t *bytes = member_buffer(m->size);
    if (bytes == NULL) {
        *error = g_strdup_printf("%s: no memory for its %" G_GUINT64_FORMAT " bytes", m->name, m->size);
        return false;
    }
    bool ok = m->method == METHOD_STORED ? src->read_at(src->ctx, data_at, bytes, m->size, error) == 0
                                         : inflate_member(src, m, data_at, bytes, error);
    if (!ok || !crc_matches(m, crc_add(crc32(0L, Z_NULL, 0), bytes, m->size), error)) {
        g_free(bytes);
        return false;
    }
    *out = bytes;
    *len = (size_t)m->size;
    return true;
}
