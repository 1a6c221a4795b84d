#include "zip_check.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "report_bounds.h"

/* Record layouts (PKWARE APPNOTE 4.3.7, 4.3.9, 4.3.12, 4.3.16). */
#define EOCD_LEN 22u
#define EOCD_MAX_COMMENT 65535u
#define ZIP64_LOCATOR_LEN 20u
#define CENTRAL_LEN 46u
#define LOCAL_LEN 30u
#define DESCRIPTOR_LEN 12u /* CRC-32 and the two sizes; 4 more with its optional signature */
#define METHOD_STORED 0u
#define METHOD_DEFLATED 8u
#define FLAG_ENCRYPTED 1u
#define FLAG_DESCRIPTOR 8u /* CRC-32 and sizes follow the data, may be 0 in the local header */
#define ZIP64_EXTRA_ID 1u
#define TRAFFIC_NAME "traffic.pcap"

static const uint8_t eocd_magic[4] = {'P', 'K', 5, 6}, central_magic[4] = {'P', 'K', 1, 2},
                     local_magic[4] = {'P', 'K', 3, 4}, locator_magic[4] = {'P', 'K', 6, 7},
                     descriptor_magic[4] = {'P', 'K', 7, 8};

static const char zip64_text[] = "a zip64 archive, which ryll never writes and this reader does not read";

typedef struct check {
    void *ctx;
    uint64_t size;
    zip_check_read_fn read_at;
    char **error;
} check;

static bool eocd_parses(check *c, const uint8_t *rec, uint64_t at, uint64_t room);

/* A member as its central entry says, and where its bytes lie. */
typedef struct entry {
    const uint8_t *name; /* into the central directory's copy */
    size_t name_len;
    char *shown; /* the name, every byte outside printable ASCII (and a backslash) as <NN> */
    uint16_t flags, method;
    uint32_t crc32;
    uint64_t compressed, size, local_offset;
    uint64_t end; /* the byte after its data (and data descriptor) */
} entry;

const char *zip_check_base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

static bool refuse(check *c, char *why)
{
    *c->error = why;
    return false;
}

/* A name as it may be printed: it comes from the zip, so no control byte
 * reaches a terminal, and a NUL shows where it is. Every byte outside
 * printable ASCII, and a backslash, is written <NN> in hex: text that each
 * tool's own escaping (text_out, the plugin's safe_text) leaves as it is,
 * so the validator and Wireshark give a refusal in the same words. */
static char *shown_name(const uint8_t *name, size_t len)
{
    GString *s = g_string_sized_new(len);
    for (size_t i = 0; i < len; i++) {
        if (name[i] >= 0x20 && name[i] < 0x7f && name[i] != '\\')
            g_string_append_c(s, (char)name[i]);
        else
            g_string_append_printf(s, "<%02x>", name[i]);
    }
    return g_string_free(s, FALSE);
}

bool zip_check_end_parses(void *ctx, zip_check_read_fn read_at, const uint8_t *rec, uint64_t at, uint64_t room)
{
    check c = {ctx, 0, read_at, NULL};
    return eocd_parses(&c, rec, at, room);
}

/* Does the end record at tail[i] parse: its comment within the file, one
 * disk, a directory that lies before it and starts with an entry? */
static bool eocd_parses(check *c, const uint8_t *rec, uint64_t at, uint64_t room)
{
    uint64_t comment = spicecap_le16(rec + 20);
    if (EOCD_LEN + comment > room)
        return false;
    unsigned disk = spicecap_le16(rec + 4), cd_disk = spicecap_le16(rec + 6);
    uint64_t here = spicecap_le16(rec + 8), entries = spicecap_le16(rec + 10), cd_size = spicecap_le32(rec + 12),
             cd_offset = spicecap_le32(rec + 16);
    if (entries == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu)
        return true; /* zip64's: it parses, and is refused as zip64 */
    if (disk != 0 || cd_disk != 0 || here != entries || cd_offset > at || cd_size > at - cd_offset)
        return false;
    if (entries == 0)
        return cd_size == 0;
    uint8_t sig[4];
    char *ignored = NULL;
    bool ok = cd_size >= CENTRAL_LEN && c->read_at(c->ctx, cd_offset, sig, 4, &ignored) == 0 &&
              memcmp(sig, central_magic, 4) == 0;
    g_free(ignored);
    return ok;
}

/* The one end record: refused when none or more than one parses. */
static bool find_end(check *c, uint64_t *at, uint8_t rec[EOCD_LEN])
{
    if (c->size < EOCD_LEN)
        return refuse(c, g_strdup("no end-of-central-directory record (not a zip, or a truncated one)"));
    uint64_t tail_len = MIN(c->size, (uint64_t)EOCD_LEN + EOCD_MAX_COMMENT), tail_at = c->size - tail_len;
    uint8_t *tail = g_malloc(tail_len);
    if (c->read_at(c->ctx, tail_at, tail, tail_len, c->error) != 0) {
        g_free(tail);
        return false;
    }
    unsigned found = 0;
    uint64_t first = 0;
    for (uint64_t i = tail_len - EOCD_LEN + 1; i-- > 0;) {
        if (memcmp(tail + i, eocd_magic, 4) != 0 || !eocd_parses(c, tail + i, tail_at + i, tail_len - i))
            continue;
        if (found++ == 0) {
            first = tail_at + i;
            memcpy(rec, tail + i, EOCD_LEN);
            continue;
        }
        g_free(tail);
        return refuse(c, g_strdup_printf("two end-of-central-directory records that parse, at bytes %" G_GUINT64_FORMAT
                                         " and %" G_GUINT64_FORMAT ": the zip reads two ways",
                                         tail_at + i, first));
    }
    g_free(tail);
    if (found == 0)
        return refuse(c, g_strdup("no end-of-central-directory record that parses (not a zip, or a truncated "
                                  "or corrupt one)"));
    *at = first;
    return true;
}

/* One central entry at p (len bytes left): its length, or 0 refused. */
static size_t parse_central(check *c, const uint8_t *p, size_t len, uint64_t index, entry *e)
{
    if (len < CENTRAL_LEN || memcmp(p, central_magic, 4) != 0) {
        refuse(c, g_strdup_printf("the central directory's entry %" G_GUINT64_FORMAT " has no signature (corrupt)",
                                  index + 1));
        return 0;
    }
    size_t name_len = spicecap_le16(p + 28), extra_len = spicecap_le16(p + 30), comment_len = spicecap_le16(p + 32);
    size_t whole = CENTRAL_LEN + name_len + extra_len + comment_len;
    if (whole > len) {
        refuse(c, g_strdup_printf("the central directory's entry %" G_GUINT64_FORMAT " runs past its end (corrupt)",
                                  index + 1));
        return 0;
    }
    e->name = p + CENTRAL_LEN;
    e->name_len = name_len;
    e->shown = shown_name(e->name, name_len);
    e->flags = spicecap_le16(p + 8);
    e->method = spicecap_le16(p + 10);
    e->crc32 = spicecap_le32(p + 16);
    e->compressed = spicecap_le32(p + 20);
    e->size = spicecap_le32(p + 24);
    e->local_offset = spicecap_le32(p + 42);
    bool zip64 = e->compressed == 0xFFFFFFFFu || e->size == 0xFFFFFFFFu || e->local_offset == 0xFFFFFFFFu;
    for (size_t x = 0; x + 4 <= extra_len;) {
        const uint8_t *field = p + CENTRAL_LEN + name_len + x;
        if (spicecap_le16(field) == ZIP64_EXTRA_ID)
            zip64 = true;
        x += 4u + spicecap_le16(field + 2);
    }
    if (zip64) {
        refuse(c, g_strdup_printf("%s is a zip64 member, which ryll never writes and this reader does not read",
                                  e->shown));
        return 0;
    }
    return whole;
}

/* A name both readers and every extractor read alike: no NUL (a C string
 * ends there, the zip's name does not), nothing that leaves the folder it
 * is extracted in. */
static bool name_is_safe(check *c, const entry *e)
{
    if (memchr(e->name, '\0', e->name_len))
        return refuse(c, g_strdup_printf("the member name %s holds a NUL byte (readers differ on where it ends)",
                                         e->shown));
    if (e->name_len == 0)
        return refuse(c, g_strdup("a member with an empty name"));
    char *name = g_strndup((const char *)e->name, e->name_len);
    bool absolute = name[0] == '/' || name[0] == '\\' ||
                    (e->name_len >= 2 && g_ascii_isalpha(name[0]) && name[1] == ':');
    bool dotdot = false;
    char **parts = g_strsplit_set(name, "/\\", -1);
    for (char **part = parts; *part; part++)
        dotdot = dotdot || strcmp(*part, "..") == 0;
    g_strfreev(parts);
    g_free(name);
    if (absolute)
        return refuse(c, g_strdup_printf("the member name %s is an absolute path", e->shown));
    if (dotdot)
        return refuse(c, g_strdup_printf("the member name %s has a \"..\" component (it leaves the folder it is "
                                         "extracted in)",
                                         e->shown));
    return true;
}

/* What the entry states it holds: bounded before any reader allocates. */
static bool sizes_can_be(check *c, const entry *e)
{
    if (e->method == METHOD_STORED ? e->compressed != e->size
        : e->method == METHOD_DEFLATED ? e->size / REPORT_DEFLATE_MAX_RATIO > e->compressed
                                       : false)
        return refuse(c, g_strdup_printf("%s states %" G_GUINT64_FORMAT " bytes from %" G_GUINT64_FORMAT
                                         " %s ones, which cannot be (a zip bomb, or a corrupt zip)",
                                         e->shown, e->size, e->compressed,
                                         e->method == METHOD_STORED ? "stored" : "deflated"));
    char *name = g_strndup((const char *)e->name, e->name_len);
    bool traffic = strcmp(zip_check_base_name(name), TRAFFIC_NAME) == 0;
    g_free(name);
    if (traffic && e->size > REPORT_MAX_PCAP_BYTES)
        return refuse(c, g_strdup_printf("%s is %" G_GUINT64_FORMAT " bytes, past the %" G_GUINT64_FORMAT
                                         " bytes a report's traffic.pcap may hold",
                                         e->shown, e->size, REPORT_MAX_PCAP_BYTES));
    return true;
}

/* The local header: where the entry says, saying the same. */
static bool local_agrees(check *c, entry *e, uint64_t cd_offset)
{
    uint8_t local[LOCAL_LEN];
    char *why = NULL;
    if (e->local_offset > cd_offset || cd_offset - e->local_offset < LOCAL_LEN ||
        c->read_at(c->ctx, e->local_offset, local, sizeof local, &why) != 0 || memcmp(local, local_magic, 4) != 0) {
        g_free(why);
        return refuse(c, g_strdup_printf("%s: no local header at offset %" G_GUINT64_FORMAT
                                         " (corrupt or truncated zip)",
                                         e->shown, e->local_offset));
    }
    uint16_t flags = spicecap_le16(local + 6), method = spicecap_le16(local + 8);
    uint32_t crc = spicecap_le32(local + 14);
    uint64_t compressed = spicecap_le32(local + 18), size = spicecap_le32(local + 22);
    size_t name_len = spicecap_le16(local + 26), extra_len = spicecap_le16(local + 28);
    const char *differs = NULL;
    bool name_same = name_len == e->name_len;
    if (name_same && name_len) {
        uint8_t *name = g_malloc(name_len);
        name_same = e->local_offset + LOCAL_LEN + name_len <= cd_offset &&
                    c->read_at(c->ctx, e->local_offset + LOCAL_LEN, name, name_len, &why) == 0 &&
                    memcmp(name, e->name, name_len) == 0;
        g_clear_pointer(&why, g_free);
        g_free(name);
    }
    bool described = e->flags & FLAG_DESCRIPTOR; /* local CRC and sizes may then be 0 */
    if (!name_same)
        differs = "name";
    else if (method != e->method)
        differs = "compression method";
    else if ((flags ^ e->flags) & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR))
        differs = "flags (encryption, data descriptor)";
    else if (crc != e->crc32 && !(described && crc == 0))
        differs = "CRC-32";
    else if ((compressed != e->compressed && !(described && compressed == 0)) ||
             (size != e->size && !(described && size == 0)))
        differs = "sizes"; /* with a data descriptor, each may be 0 (Info-ZIP to a pipe states the size only) */
    if (differs)
        return refuse(c, g_strdup_printf("%s: its local header (offset %" G_GUINT64_FORMAT ") and its central "
                                         "directory entry disagree on its %s: the zip reads two ways",
                                         e->shown, e->local_offset, differs));
    uint64_t data_at = e->local_offset + LOCAL_LEN + name_len + extra_len;
    e->end = data_at + e->compressed;
    if (described && e->end <= cd_offset && cd_offset - e->end >= 4) {
        uint8_t sig[4];
        bool signed_ = c->read_at(c->ctx, e->end, sig, 4, &why) == 0 && memcmp(sig, descriptor_magic, 4) == 0;
        g_clear_pointer(&why, g_free);
        e->end += DESCRIPTOR_LEN + (signed_ ? 4u : 0u);
    } else if (described) {
        e->end += DESCRIPTOR_LEN;
    }
    if (data_at > cd_offset || e->end > cd_offset)
        return refuse(c, g_strdup_printf("%s: its bytes (offset %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                                         ") run into the central directory at %" G_GUINT64_FORMAT
                                         " (corrupt or truncated zip)",
                                         e->shown, e->local_offset, e->end, cd_offset));
    return true;
}

static int by_offset(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->local_offset < y->local_offset ? -1 : x->local_offset > y->local_offset;
}

/* Every member's bytes its own: none starts before the one before it ends. */
static bool no_overlap(check *c, entry *entries, size_t n)
{
    qsort(entries, n, sizeof *entries, by_offset);
    for (size_t i = 1; i < n; i++)
        if (entries[i].local_offset < entries[i - 1].end)
            return refuse(c, g_strdup_printf("the members %s (offset %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                                             ") and %s (from offset %" G_GUINT64_FORMAT
                                             ") overlap: a possible zip bomb, or a zip that reads two ways",
                                             entries[i - 1].shown, entries[i - 1].local_offset, entries[i - 1].end,
                                             entries[i].shown, entries[i].local_offset));
    return true;
}

static bool check_entries(check *c, const uint8_t *cd, uint64_t cd_size, uint64_t cd_offset, entry *entries,
                          uint64_t count)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t at = 0;
    bool ok = true;
    for (uint64_t i = 0; ok && i < count; i++) {
        entry *e = &entries[i];
        size_t used = parse_central(c, cd + at, cd_size - at, i, e);
        ok = used != 0 && name_is_safe(c, e) && sizes_can_be(c, e) && local_agrees(c, e, cd_offset);
        at += used;
        if (!ok)
            break;
        char *name = g_strndup((const char *)e->name, e->name_len);
        const char *base = zip_check_base_name(name);
        if (*base && g_hash_table_contains(seen, base)) {
            ok = refuse(c, g_strdup_printf("two members named %s (the zip's entry %" G_GUINT64_FORMAT
                                           " and an earlier one): readers differ on which they read",
                                           e->shown, i + 1));
        } else if (*base) {
            g_hash_table_add(seen, g_strdup(base));
        }
        g_free(name);
    }
    g_hash_table_destroy(seen);
    if (ok && at != cd_size)
        ok = refuse(c, g_strdup_printf("the central directory holds %" G_GUINT64_FORMAT " bytes past its %"
                                       G_GUINT64_FORMAT " entries (corrupt, or hidden entries)",
                                       cd_size - at, count));
    return ok && no_overlap(c, entries, (size_t)count);
}

bool zip_check_one_reading(void *ctx, uint64_t size, zip_check_read_fn read_at, char **error)
{
    check c = {ctx, size, read_at, error};
    uint8_t rec[EOCD_LEN];
    uint64_t eocd_at = 0;
    if (!find_end(&c, &eocd_at, rec))
        return false;
    uint8_t locator[ZIP64_LOCATOR_LEN];
    char *why = NULL;
    bool zip64 = eocd_at >= ZIP64_LOCATOR_LEN &&
                 read_at(ctx, eocd_at - ZIP64_LOCATOR_LEN, locator, sizeof locator, &why) == 0 &&
                 memcmp(locator, locator_magic, 4) == 0;
    g_free(why);
    uint64_t entries = spicecap_le16(rec + 10), cd_size = spicecap_le32(rec + 12), cd_offset = spicecap_le32(rec + 16);
    if (zip64 || entries == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu)
        return refuse(&c, g_strdup(zip64_text));
    if (entries > REPORT_MAX_ZIP_MEMBERS || cd_size > REPORT_MAX_ZIP_DIRECTORY_BYTES)
        return refuse(&c, g_strdup_printf("a central directory of %" G_GUINT64_FORMAT " entries in %" G_GUINT64_FORMAT
                                          " bytes, past the reader's bound (%u entries, %" G_GUINT64_FORMAT " bytes)",
                                          entries, cd_size, REPORT_MAX_ZIP_MEMBERS, REPORT_MAX_ZIP_DIRECTORY_BYTES));
    uint8_t *cd = g_malloc(cd_size ? cd_size : 1);
    if (read_at(ctx, cd_offset, cd, cd_size, error) != 0) {
        g_free(cd);
        return false;
    }
    entry *list = g_new0(entry, entries ? entries : 1);
    bool ok = check_entries(&c, cd, cd_size, cd_offset, list, entries);
    for (uint64_t i = 0; i < entries; i++)
        g_free(list[i].shown);
    g_free(list);
    g_free(cd);
    return ok;
}
