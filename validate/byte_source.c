#include "byte_source.h"
#include "mapped_file.h"
#include "zip_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

/* The window read at a time. Small enough that the bytes the kernel just
 * copied are still in the core's cache when the checksums read them (at 4
 * MiB the validator ran 1.2x the bare libpcap loop, at 512 KiB level with
 * it: validate/bench/run.sh), large enough for a few syscalls per MB. */
#define CHUNK ((size_t)512 << 10)

typedef enum source_kind { SOURCE_PLAIN, SOURCE_GZIP, SOURCE_ZIP } source_kind;

struct byte_source {
    source_kind kind;
    int fd;
    gzFile gz;
    zip_t *zip;
    zip_file_t *zip_entry;
    char *wrapper;
    zip_stat_t zip_claim; /* the sizes the zip's directory claims for the entry */
    uint64_t zip_read;    /* uncompressed bytes of the entry read so far */
    uint64_t file_size;
    uint8_t *buf;
    size_t cap, start, end; /* valid bytes are buf[start, end) */
    uint64_t consumed;      /* stream offset of buf[start] */
    int eof;
    /* A plain regular file is read through its mapping (mapped_file.h)
     * while reading_map; buf takes over if the file grows past it. */
    mapped_file map;
    bool reading_map;
    char *path; /* for the mapping's SIGBUS report */
};

/* At the end of a zip entry: did it hold what the zip's directory claims?
 * libzip ends a stream quietly when the file runs out first; the claimed
 * sizes are never used to size a buffer, only compared here. */
static bool zip_entry_lies(const byte_source *src, char **error)
{
    const zip_stat_t *c = &src->zip_claim;
    if ((c->valid & ZIP_STAT_COMP_SIZE) && c->comp_size > src->file_size) {
        *error = g_strdup_printf("%s claims %" G_GUINT64_FORMAT " compressed bytes, more than the whole %"
                                 G_GUINT64_FORMAT "-byte file: the zip is truncated or lies", src->wrapper,
                                 (guint64)c->comp_size, src->file_size);
        return true;
    }
    if ((c->valid & ZIP_STAT_SIZE) && src->zip_read != c->size) {
        *error = g_strdup_printf("%s ends after %" G_GUINT64_FORMAT " bytes, but the zip claims %" G_GUINT64_FORMAT
                                 ": the zip is truncated or lies", src->wrapper, src->zip_read, (guint64)c->size);
        return true;
    }
    return false;
}

static long raw_read(byte_source *src, uint8_t *into, size_t n, char **error)
{
    ssize_t got;
    switch (src->kind) {
    case SOURCE_PLAIN:
        do
            got = read(src->fd, into, n);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            *error = g_strdup(strerror(errno));
        return got;
    case SOURCE_GZIP: {
        int r = gzread(src->gz, into, (unsigned)(n > (1u << 30) ? 1u << 30 : n));
        if (r < 0) {
            int code;
            *error = g_strdup_printf("gzip: %s", gzerror(src->gz, &code));
        }
        return r;
    }
    case SOURCE_ZIP: {
        zip_int64_t r = zip_fread(src->zip_entry, into, n);
        if (r < 0)
            *error = g_strdup_printf("zip: %s", zip_file_strerror(src->zip_entry));
        else if (r == 0 && zip_entry_lies(src, error))
            return -1;
        else if ((src->zip_claim.valid & ZIP_STAT_SIZE) && (uint64_t)r > src->zip_claim.size - src->zip_read) {
            /* A bomb that inflates past what it states: stopped there, so
             * time stays bounded by the stated size (zip_check bounds it). */
            *error = g_strdup_printf("%s inflates past the %" G_GUINT64_FORMAT " bytes the zip states: a zip "
                                     "bomb, or a corrupt zip", src->wrapper, (guint64)src->zip_claim.size);
            return -1;
        }
        src->zip_read += r > 0 ? (uint64_t)r : 0;
        return (long)r;
    }
    }
    return -1;
}

static int fd_read_at(void *ctx, uint64_t offset, void *buf, size_t len, char **error)
{
    int fd = *(const int *)ctx;
    for (size_t done = 0; done < len;) {
        ssize_t got = pread(fd, (uint8_t *)buf + done, len - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            *error = got < 0 ? g_strdup(strerror(errno))
                             : g_strdup_printf("%zu bytes at offset %" G_GUINT64_FORMAT " are past the file's end",
                                               len, offset);
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

/* The zip check the plugin runs too (zip_check.h): libzip reads only a zip
 * that reads one way, so the verdict is about the bytes Wireshark shows. */
static bool zip_reads_one_way(const char *path, char **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        *error = g_strdup(strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    char *why = NULL;
    bool ok = zip_check_one_reading(&fd, (uint64_t)st.st_size, fd_read_at, &why);
    close(fd);
    if (!ok) {
        *error = g_strdup_printf("refused: %s", why);
        g_free(why);
    }
    return ok;
}

/* A zip opened for reading, or NULL with why in *error. */
static zip_t *open_zip(const char *path, char **error)
{
    if (!zip_reads_one_way(path, error))
        return NULL;
    int code = 0;
    zip_t *zip = zip_open(path, ZIP_RDONLY, &code);
    if (zip == NULL) {
        zip_error_t err;
        zip_error_init_with_code(&err, code);
        *error = g_strdup_printf("not a readable zip: %s", zip_error_strerror(&err));
        zip_error_fini(&err);
    }
    return zip;
}

/* A zip's local file header magic, in the first bytes of the file. */
static bool zip_magic(const uint8_t *magic, ssize_t got)
{
    return got == 4 && memcmp(magic, "PK\3\4", 4) == 0;
}

static int open_zip_entry(byte_source *src, const char *path, char **error)
{
    src->zip = open_zip(path, error);
    if (src->zip == NULL)
        return -1;
    zip_int64_t chosen = zip_name_locate(src->zip, "traffic.pcap", ZIP_FL_NODIR);
    for (zip_int64_t i = 0; chosen < 0 && i < zip_get_num_entries(src->zip, 0); i++) {
        const char *name = zip_get_name(src->zip, (zip_uint64_t)i, 0);
        if (name && (g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng")))
            chosen = i;
    }
    if (chosen < 0) {
        *error = g_strdup("the zip holds no traffic.pcap and no other .pcap or .pcapng entry");
        return -1;
    }
    src->zip_entry = zip_fopen_index(src->zip, (zip_uint64_t)chosen, 0);
    if (src->zip_entry == NULL) {
        *error = g_strdup_printf("zip entry %s: %s", zip_get_name(src->zip, (zip_uint64_t)chosen, 0),
                                 zip_strerror(src->zip));
        return -1;
    }
    src->wrapper = g_strdup_printf("zip entry %s", zip_get_name(src->zip, (zip_uint64_t)chosen, 0));
    if (zip_stat_index(src->zip, (zip_uint64_t)chosen, 0, &src->zip_claim) != 0)
        src->zip_claim.valid = 0;
    return 0;
}

/* A bug report compressed whole (r.zip.gz) is said as such, not as "not a
 * capture". Its first bytes stay in the window for the reader (no rewind:
 * the input may be a pipe). */
static bool gzip_holds_zip(byte_source *src, char **error)
{
    int got = gzread(src->gz, src->buf, 4);
    src->end = got > 0 ? (size_t)got : 0;
    if (got == 4 && zip_magic(src->buf, got)) {
        *error = g_strdup("a zip compressed with gzip (a bug report's .zip.gz): gunzip it first");
        return true;
    }
    return false;
}

byte_source *byte_source_open(const char *path, char **error)
{
    byte_source *src = g_new0(byte_source, 1);
    src->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0) {
        *error = g_strdup(strerror(errno));
        g_free(src);
        return NULL;
    }
    struct stat st;
    if (fstat(src->fd, &st) == 0)
        src->file_size = (uint64_t)st.st_size;
    if (S_ISDIR(st.st_mode)) {
        *error = g_strdup("is a directory");
        byte_source_close(src);
        return NULL;
    }
    uint8_t magic[4] = {0};
    ssize_t got = pread(src->fd, magic, sizeof magic, 0);
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        src->kind = SOURCE_GZIP;
        src->gz = gzdopen(dup(src->fd), "rb");
        if (src->gz == NULL) {
            *error = g_strdup("cannot start gzip decompression");
            byte_source_close(src);
            return NULL;
        }
        gzbuffer(src->gz, 1u << 20);
        src->wrapper = g_strdup("gzip");
    } else if (zip_magic(magic, got)) {
        src->kind = SOURCE_ZIP;
        if (open_zip_entry(src, path, error) != 0) {
            byte_source_close(src);
            return NULL;
        }
    } else {
        src->kind = SOURCE_PLAIN;
        src->wrapper = g_strdup("");
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(src->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    src->cap = CHUNK;
    src->buf = g_malloc(src->cap);
    if (src->kind == SOURCE_GZIP && gzip_holds_zip(src, error)) {
        byte_source_close(src);
        return NULL;
    }
    if (src->kind == SOURCE_PLAIN && S_ISREG(st.st_mode)) {
        src->path = g_strdup(path);
        src->reading_map = mapped_file_open(&src->map, src->fd, src->file_size, src->path);
    }
    return src;
}

void byte_source_close(byte_source *src)
{
    if (src == NULL)
        return;
    if (src->gz)
        gzclose(src->gz);
    if (src->zip_entry)
        zip_fclose(src->zip_entry);
    if (src->zip)
        zip_discard(src->zip);
    mapped_file_close(&src->map);
    if (src->fd >= 0)
        close(src->fd);
    g_free(src->path);
    g_free(src->wrapper);
    g_free(src->buf);
    g_free(src);
}

/* A peek past the mapping's end: the file may have grown since it was
 * mapped (a capture still being written, read as read() would). Then its
 * rest is read into buf, from the mapping's end on; the mapping stays, for
 * the references into it. */
static void leave_map_if_grown(byte_source *src)
{
    struct stat st;
    if (fstat(src->fd, &st) != 0 || (uint64_t)st.st_size <= src->map.size ||
        lseek(src->fd, (off_t)src->map.size, SEEK_SET) < 0)
        return;
    size_t left = (size_t)(src->map.size - src->consumed);
    if (src->cap < left) {
        src->cap = left;
        src->buf = g_realloc(src->buf, src->cap);
    }
    memcpy(src->buf, src->map.bytes + src->consumed, left);
    src->start = 0;
    src->end = left;
    src->file_size = (uint64_t)st.st_size;
    src->reading_map = false;
}

long byte_source_peek(byte_source *src, size_t n, const uint8_t **data, char **error)
{
    if (src->reading_map && src->consumed + n > src->map.size)
        leave_map_if_grown(src);
    if (src->reading_map) {
        uint64_t have = src->map.size - src->consumed;
        *data = src->map.bytes + src->consumed;
        return (long)(have < n ? have : n);
    }
    while (src->end - src->start < n && !src->eof) {
        if (src->start > 0) { /* slide what is left to the front */
            memmove(src->buf, src->buf + src->start, src->end - src->start);
            src->end -= src->start;
            src->start = 0;
        }
        if (src->cap < n) { /* one record larger than the window: grow to it */
            src->cap = n;
            src->buf = g_realloc(src->buf, src->cap);
        }
        long got = raw_read(src, src->buf + src->end, src->cap - src->end, error);
        if (got < 0)
            return -1;
        if (got == 0)
            src->eof = 1;
        src->end += (size_t)got;
    }
    *data = src->buf + src->start;
    size_t have = src->end - src->start;
    return (long)(have < n ? have : n);
}

void byte_source_skip(byte_source *src, size_t n)
{
    src->consumed += n;
    if (src->reading_map)
        mapped_file_reached(&src->map, src->consumed);
    else
        src->start += n;
}

bool byte_source_bytes_last(const byte_source *src)
{
    return src->reading_map;
}

uint64_t byte_source_offset(const byte_source *src)
{
    return src->consumed;
}

void byte_source_progress(const byte_source *src, uint64_t *done, uint64_t *total)
{
    *total = src->file_size;
    off_t at = src->kind == SOURCE_PLAIN ? (off_t)src->consumed : lseek(src->fd, 0, SEEK_CUR);
    *done = at > 0 ? (uint64_t)at : 0;
    if (src->kind == SOURCE_GZIP)
        *done = (uint64_t)gzoffset(src->gz);
}

const char *byte_source_wrapper(const byte_source *src)
{
    return src->wrapper;
}

bool byte_source_is_zip(const char *path)
{
    uint8_t magic[4] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = pread(fd, magic, sizeof magic, 0);
    close(fd);
    return zip_magic(magic, got);
}

int byte_source_zip_entry(const char *path, const char *name, size_t max, char **data, size_t *len, char **error)
{
    zip_t *zip = open_zip(path, error);
    if (zip == NULL)
        return -1;
    int rc = -1;
    zip_int64_t index = zip_name_locate(zip, name, ZIP_FL_NODIR);
    zip_file_t *entry = index < 0 ? NULL : zip_fopen_index(zip, (zip_uint64_t)index, 0);
    zip_stat_t claim;
    zip_stat_init(&claim);
    if (index < 0) {
        rc = 0;
    } else if (entry == NULL) {
        *error = g_strdup_printf("zip entry %s: %s", name, zip_strerror(zip));
    } else if (zip_stat_index(zip, (zip_uint64_t)index, 0, &claim) == 0 && (claim.valid & ZIP_STAT_SIZE) &&
               claim.size > max) {
        *error = g_strdup_printf("zip entry %s claims %" G_GUINT64_FORMAT " bytes, more than the %zu read", name,
                                 (guint64)claim.size, max);
    } else {
        /* The claimed size only refuses; the bytes read are what counts,
         * up to one past what is claimed (a member that inflates further
         * is a bomb, or corrupt: libzip would go on). */
        size_t claimed = (claim.valid & ZIP_STAT_SIZE) ? (size_t)claim.size : max;
        size_t limit = claimed < max ? claimed : max;
        char *buf = g_malloc(limit + 2);
        size_t have = 0;
        zip_int64_t got = 0;
        while (have <= limit && (got = zip_fread(entry, buf + have, limit + 1 - have)) > 0)
            have += (size_t)got;
        if (got < 0) {
            *error = g_strdup_printf("zip entry %s: %s", name, zip_file_strerror(entry));
        } else if (have > limit && limit == claimed) {
            *error = g_strdup_printf("zip entry %s inflates past the %zu bytes the zip states: a zip bomb, or a "
                                     "corrupt zip", name, claimed);
        } else if (have > limit) {
            *error = g_strdup_printf("zip entry %s is larger than the %zu bytes read", name, max);
        } else {
            buf[have] = '\0';
            *data = buf;
            *len = have;
            buf = NULL;
            rc = 1;
        }
        g_free(buf);
    }
    if (entry)
        zip_fclose(entry);
    zip_discard(zip);
    return rc;
}
