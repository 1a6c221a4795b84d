/* The last bytes of a socket-read flow, kept so that a desync can be
 * searched back to the message whose size ran past the bytes that vanished
 * (walk_recorded.c). A ring of bytes and one of chunk starts (and of the
 * chunks held by reference instead). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "walker_internal.h"

/* At most this many flows hold a lookback at once (16 MiB): a capture of
 * thousands of socket-read flows must not cost half a gigabyte each
 * thousand. Past it a flow's desync is searched forward only. */
#define SPICECAP_LOOKBACK_MAX_LIVE 64
static atomic_uint live_lookbacks;

spicecap_lookback *spicecap_lookback_new(void)
{
    if (atomic_fetch_add(&live_lookbacks, 1) >= SPICECAP_LOOKBACK_MAX_LIVE) {
        atomic_fetch_sub(&live_lookbacks, 1);
        return NULL;
    }
    spicecap_lookback *b = calloc(1, sizeof(spicecap_lookback));
    if (b == NULL)
        atomic_fetch_sub(&live_lookbacks, 1);
    return b;
}

void spicecap_lookback_free(spicecap_lookback *b)
{
    if (b == NULL)
        return;
    free(b);
    atomic_fetch_sub(&live_lookbacks, 1);
}

static void drop_old_chunks(spicecap_lookback *b)
{
    /* Chunks that begin before the bytes held, but the one still holding
     * the first byte, are forgotten. */
    while (b->chunk_count > 1) {
        unsigned second = (b->chunk_first + 1) % SPICECAP_LOOKBACK_CHUNKS;
        if (b->chunk_offset[second] > b->from)
            break;
        b->chunk_first = second;
        b->chunk_count--;
    }
}

/* Copy a chunk's bytes into the ring, where stream offset o is at
 * bytes[o % SPICECAP_LOOKBACK_BYTES]. */
static void copy_in(spicecap_lookback *b, uint64_t at, const uint8_t *data, size_t len)
{
    if (len >= SPICECAP_LOOKBACK_BYTES) { /* only the last bytes can be held */
        data += len - SPICECAP_LOOKBACK_BYTES;
        at += len - SPICECAP_LOOKBACK_BYTES;
        len = SPICECAP_LOOKBACK_BYTES;
    }
    size_t start = (size_t)(at % SPICECAP_LOOKBACK_BYTES);
    size_t first = SPICECAP_LOOKBACK_BYTES - start < len ? SPICECAP_LOOKBACK_BYTES - start : len;
    memcpy(b->bytes + start, data, first);
    memcpy(b->bytes, data + first, len - first);
}

void spicecap_lookback_add(spicecap_lookback *b, uint64_t at, const uint8_t *data, size_t len, uint64_t tag,
                           bool lasting)
{
    if (at != b->to || b->chunk_count == 0) { /* first bytes, or after a gap */
        b->from = b->to = at;
        b->chunk_first = b->chunk_count = 0;
    }
    if (b->chunk_count == SPICECAP_LOOKBACK_CHUNKS) { /* the oldest chunk goes, with its bytes */
        b->chunk_first = (b->chunk_first + 1) % SPICECAP_LOOKBACK_CHUNKS;
        b->chunk_count--;
        b->from = b->chunk_offset[b->chunk_first];
    }
    unsigned slot = (b->chunk_first + b->chunk_count++) % SPICECAP_LOOKBACK_CHUNKS;
    b->chunk_offset[slot] = at;
    b->chunk_tag[slot] = tag;
    /* A copied chunk's ring bytes are overwritten only by bytes 256 KiB
     * later, when it is no longer held: copies and references mix. */
    b->chunk_lasting[slot] = lasting ? data : NULL;
    if (!lasting)
        copy_in(b, at, data, len);
    b->to = at + len;
    if (b->to - b->from > SPICECAP_LOOKBACK_BYTES)
        b->from = b->to - SPICECAP_LOOKBACK_BYTES;
    drop_old_chunks(b);
}

uint64_t spicecap_lookback_replay(const spicecap_lookback *b, uint64_t offset,
                                  void (*each)(void *ctx, const uint8_t *data, size_t len, uint64_t tag,
                                               bool chunk_start),
                                  void *ctx)
{
    if (offset < b->from)
        offset = b->from;
    uint64_t began = offset;
    for (unsigned i = 0; i < b->chunk_count && offset < b->to; i++) {
        unsigned slot = (b->chunk_first + i) % SPICECAP_LOOKBACK_CHUNKS;
        unsigned next = (slot + 1) % SPICECAP_LOOKBACK_CHUNKS;
        uint64_t end = i + 1 < b->chunk_count ? b->chunk_offset[next] : b->to;
        if (end <= offset)
            continue;
        bool chunk_start = b->chunk_offset[slot] == offset && offset != began;
        if (b->chunk_lasting[slot] != NULL) {
            each(ctx, b->chunk_lasting[slot] + (offset - b->chunk_offset[slot]), (size_t)(end - offset),
                 b->chunk_tag[slot], chunk_start);
            offset = end;
            continue;
        }
        while (offset < end) { /* at most two runs: the ring may wrap */
            size_t at = (size_t)(offset % SPICECAP_LOOKBACK_BYTES);
            size_t n = SPICECAP_LOOKBACK_BYTES - at;
            if (n > end - offset)
                n = (size_t)(end - offset);
            each(ctx, b->bytes + at, n, b->chunk_tag[slot], chunk_start);
            chunk_start = false;
            offset += n;
        }
    }
    return began;
}
