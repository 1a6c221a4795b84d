#include "pcap_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bytes.h"
#include "error.h"
#include "format.h"

/* Large enough that a drain of small messages makes few syscalls. */
#define BUFFER_SIZE ((size_t)1 << 20)

typedef enum writer_mode { MODE_ATOMIC, MODE_LIVE, MODE_FD } writer_mode;

struct spicecap_pcap_writer {
    writer_mode mode;
    int fd;
    bool big_endian;
    bool failed;     /* after a write error nothing more is written */
    char *path;      /* target path (or the caller's name for fd mode) */
    char *temp_path; /* atomic mode: where the records go until finish */
    uint64_t written;
    uint8_t *buffer; /* NULL in live mode: every record goes straight out */
    size_t buffered;
};

/* Write every iovec fully, retrying short writes and EINTR. */
static int write_all(spicecap_pcap_writer *w, struct iovec *iov, int count)
{
    while (count > 0) {
        ssize_t n = writev(w->fd, iov, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            w->failed = true;
            return spicecap_fail(SPICECAP_ERR_IO, "write %s: %s", w->path, strerror(errno));
        }
        w->written += (uint64_t)n;
        while (count > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            count--;
        }
        if (count > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return SPICECAP_OK;
}

static int flush_buffer(spicecap_pcap_writer *w)
{
    if (w->buffered == 0)
        return SPICECAP_OK;
    struct iovec iov = {w->buffer, w->buffered};
    w->buffered = 0;
    return write_all(w, &iov, 1);
}

/* Records with bodies at least this long are written from where they lie
 * (one writev with what is buffered) instead of being copied into the
 * buffer first: for large frames the copy cost more than the syscall. */
#define WRITE_THROUGH_SIZE ((size_t)16 << 10)

/* Queue bytes: small records are copied into the buffer, large ones (or
 * ones that do not fit) are written through. */
static int emit(spicecap_pcap_writer *w, const uint8_t *head, size_t head_len, const uint8_t *body, size_t body_len)
{
    if (w->failed)
        return spicecap_fail(SPICECAP_ERR_IO, "write %s: an earlier write failed", w->path);
    if (w->buffer != NULL && body_len < WRITE_THROUGH_SIZE && w->buffered + head_len + body_len <= BUFFER_SIZE) {
        memcpy(w->buffer + w->buffered, head, head_len);
        if (body_len > 0)
            memcpy(w->buffer + w->buffered + head_len, body, body_len);
        w->buffered += head_len + body_len;
        return SPICECAP_OK;
    }
    struct iovec iov[3];
    int count = 0;
    if (w->buffered > 0)
        iov[count++] = (struct iovec){w->buffer, w->buffered};
    iov[count++] = (struct iovec){(void *)head, head_len};
    if (body_len > 0)
        iov[count++] = (struct iovec){(void *)body, body_len};
    w->buffered = 0;
    return write_all(w, iov, count);
}

static int write_file_header(spicecap_pcap_writer *w, const spicecap_pcap_options *options)
{
    uint8_t header[SPICECAP_PCAP_FILE_HDR_LEN] = {0};
    bool be = w->big_endian;
    spicecap_put32(header, SPICECAP_PCAP_MAGIC_USEC, be);
    spicecap_put16(header + 4, SPICECAP_PCAP_VERSION_MAJOR, be);
    spicecap_put16(header + 6, SPICECAP_PCAP_VERSION_MINOR, be);
    /* bytes 8..15: thiszone and sigfigs, both 0 */
    spicecap_put32(header + 16, options->ryll_compat ? SPICECAP_RYLL_PCAP_SNAPLEN : SPICECAP_PCAP_SNAPLEN, be);
    spicecap_put32(header + 20, SPICECAP_DLT_EN10MB, be);
    return emit(w, header, sizeof header, NULL, 0);
}

static void free_writer(spicecap_pcap_writer *w)
{
    free(w->path);
    free(w->temp_path);
    free(w->buffer);
    free(w);
}

static spicecap_pcap_writer *new_writer(writer_mode mode, const char *path, const spicecap_pcap_options *options)
{
    static const spicecap_pcap_options defaults = {false};
    if (options == NULL)
        options = &defaults;
    spicecap_pcap_writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        spicecap_fail(SPICECAP_ERR_NOMEM, "pcap %s: out of memory", path);
        return NULL;
    }
    w->mode = mode;
    w->fd = -1;
    w->big_endian = options->ryll_compat;
    w->path = strdup(path);
    if (mode != MODE_LIVE)
        w->buffer = malloc(BUFFER_SIZE);
    if (w->path == NULL || (mode != MODE_LIVE && w->buffer == NULL)) {
        free_writer(w);
        spicecap_fail(SPICECAP_ERR_NOMEM, "pcap %s: out of memory", path);
        return NULL;
    }
    return w;
}

static spicecap_pcap_writer *start(spicecap_pcap_writer *w, const spicecap_pcap_options *options)
{
    static const spicecap_pcap_options defaults = {false};
    if (write_file_header(w, options ? options : &defaults) != SPICECAP_OK) {
        spicecap_pcap_discard(w);
        return NULL;
    }
    return w;
}

spicecap_pcap_writer *spicecap_pcap_create_atomic(const char *path, const spicecap_pcap_options *options)
{
    if (path == NULL) {
        spicecap_fail(SPICECAP_ERR_INVALID, "pcap: null path");
        return NULL;
    }
    spicecap_pcap_writer *w = new_writer(MODE_ATOMIC, path, options);
    if (w == NULL)
        return NULL;
    /* The temporary file sits beside the target so the rename stays on one
     * file system and is atomic. open(O_EXCL) rather than mkstemp: it gives
     * the file the usual umask-based mode without touching the process-wide
     * umask, which other threads may be using. */
    static atomic_uint counter;
    size_t len = strlen(path) + 48;
    w->temp_path = malloc(len);
    if (w->temp_path == NULL) {
        free_writer(w);
        spicecap_fail(SPICECAP_ERR_NOMEM, "pcap %s: out of memory", path);
        return NULL;
    }
    do {
        snprintf(w->temp_path, len, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&counter, 1));
        w->fd = open(w->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (w->fd < 0 && errno == EEXIST);
    if (w->fd < 0) {
        spicecap_fail(SPICECAP_ERR_IO, "create %s: %s", path, strerror(errno));
        free_writer(w);
        return NULL;
    }
    return start(w, options);
}

spicecap_pcap_writer *spicecap_pcap_create_live(const char *path, const spicecap_pcap_options *options)
{
    if (path == NULL) {
        spicecap_fail(SPICECAP_ERR_INVALID, "pcap: null path");
        return NULL;
    }
    spicecap_pcap_writer *w = new_writer(MODE_LIVE, path, options);
    if (w == NULL)
        return NULL;
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (w->fd < 0) {
        spicecap_fail(SPICECAP_ERR_IO, "create %s: %s", path, strerror(errno));
        free_writer(w);
        return NULL;
    }
    return start(w, options);
}

spicecap_pcap_writer *spicecap_pcap_create_fd(int fd, const char *name, const spicecap_pcap_options *options)
{
    if (fd < 0) {
        spicecap_fail(SPICECAP_ERR_INVALID, "pcap: bad file descriptor %d", fd);
        return NULL;
    }
    spicecap_pcap_writer *w = new_writer(MODE_FD, name ? name : "(output)", options);
    if (w == NULL)
        return NULL;
    w->fd = fd;
    return start(w, options);
}

static int write_record(spicecap_pcap_writer *w, uint64_t ts_us, const uint8_t *frame, uint32_t len, uint32_t kept);

int spicecap_pcap_write_record(spicecap_pcap_writer *w, uint64_t ts_us, const uint8_t *frame, uint32_t len)
{
    return write_record(w, ts_us, frame, len, len);
}

int spicecap_pcap_write_torn_record(spicecap_pcap_writer *w, uint64_t ts_us, const uint8_t *frame, uint32_t len,
                                    uint32_t kept)
{
    if (kept > len)
        return spicecap_fail(SPICECAP_ERR_INVALID, "pcap: %u of a %u-byte record kept", kept, len);
    return write_record(w, ts_us, frame, len, kept);
}

static int write_record(spicecap_pcap_writer *w, uint64_t ts_us, const uint8_t *frame, uint32_t len, uint32_t kept)
{
    if (w == NULL || (frame == NULL && len > 0))
        return spicecap_fail(SPICECAP_ERR_INVALID, "pcap: null argument");
    uint8_t header[SPICECAP_PCAP_RECORD_HDR_LEN];
    uint64_t seconds = ts_us / 1000000u;
    if (seconds > UINT32_MAX)
        return spicecap_fail(SPICECAP_ERR_TOO_LARGE, "pcap %s: timestamp %llu us does not fit 32-bit seconds",
                             w->path, (unsigned long long)ts_us);
    spicecap_put32(header, (uint32_t)seconds, w->big_endian);
    spicecap_put32(header + 4, (uint32_t)(ts_us % 1000000u), w->big_endian);
    spicecap_put32(header + 8, len, w->big_endian);  /* caplen: frames are never cut */
    spicecap_put32(header + 12, len, w->big_endian); /* original length */
    if (w->mode == MODE_LIVE) {
        /* One writev per record: the OS has it before we return. */
        if (w->failed)
            return spicecap_fail(SPICECAP_ERR_IO, "write %s: an earlier write failed", w->path);
        struct iovec iov[2] = {{header, sizeof header}, {(void *)frame, kept}};
        return write_all(w, iov, kept > 0 ? 2 : 1);
    }
    return emit(w, header, sizeof header, frame, kept);
}

uint64_t spicecap_pcap_bytes_written(const spicecap_pcap_writer *w)
{
    return w->written + w->buffered;
}

int spicecap_pcap_finish(spicecap_pcap_writer *w)
{
    if (w == NULL)
        return spicecap_fail(SPICECAP_ERR_INVALID, "pcap: null writer");
    int rc = w->failed ? spicecap_fail(SPICECAP_ERR_IO, "write %s: an earlier write failed", w->path)
                       : flush_buffer(w);
    if (w->mode == MODE_FD) {
        free_writer(w);
        return rc;
    }
    if (rc == SPICECAP_OK && w->mode == MODE_ATOMIC && fsync(w->fd) != 0)
        rc = spicecap_fail(SPICECAP_ERR_IO, "sync %s: %s", w->path, strerror(errno));
    if (close(w->fd) != 0 && rc == SPICECAP_OK)
        rc = spicecap_fail(SPICECAP_ERR_IO, "close %s: %s", w->path, strerror(errno));
    w->fd = -1;
    if (w->mode == MODE_ATOMIC) {
        if (rc == SPICECAP_OK && rename(w->temp_path, w->path) != 0)
            rc = spicecap_fail(SPICECAP_ERR_IO, "rename to %s: %s", w->path, strerror(errno));
        if (rc != SPICECAP_OK)
            unlink(w->temp_path);
    }
    free_writer(w);
    return rc;
}

void spicecap_pcap_discard(spicecap_pcap_writer *w)
{
    if (w == NULL)
        return;
    if (w->mode != MODE_FD && w->fd >= 0)
        close(w->fd);
    if (w->mode == MODE_ATOMIC)
        unlink(w->temp_path);
    free_writer(w);
}
