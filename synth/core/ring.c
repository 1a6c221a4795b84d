#include "ring.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "channels.h"
#include "error.h"
#include "flow.h"
#include "spice_names.h"

struct spicecap_ring {
    pthread_mutex_t lock;
    size_t cap_bytes;
    size_t total_bytes;
    uint64_t evicted;
    spicecap_flow flow;
    /* Entries in a circular array: oldest at head, count in use. */
    spicecap_entry *entries;
    size_t capacity;
    size_t head;
    size_t count;
};

static spicecap_entry *slot(const spicecap_ring *ring, size_t index)
{
    /* head and index are both below capacity: one compare, no division
     * (a div here was a tenth of the time of a small record). */
    size_t position = ring->head + index;
    if (position >= ring->capacity)
        position -= ring->capacity;
    return &ring->entries[position];
}

spicecap_ring *spicecap_ring_new(unsigned channel, size_t cap_bytes)
{
    if (spicecap_channel_name(channel) == NULL) {
        spicecap_fail(SPICECAP_ERR_INVALID, "ring: unknown channel id %u", channel);
        return NULL;
    }
    if (cap_bytes == 0)
        cap_bytes = spicecap_channel_ring_cap(channel);
    if (cap_bytes == 0) {
        spicecap_fail(SPICECAP_ERR_INVALID, "ring: channel %s has no default cap in ryll; give one",
                      spicecap_channel_name(channel));
        return NULL;
    }
    spicecap_ring *ring = calloc(1, sizeof *ring);
    if (ring == NULL) {
        spicecap_fail(SPICECAP_ERR_NOMEM, "ring: out of memory");
        return NULL;
    }
    pthread_mutex_init(&ring->lock, NULL);
    ring->cap_bytes = cap_bytes;
    spicecap_flow_init(&ring->flow, channel);
    return ring;
}

spicecap_ring *spicecap_ring_new_by_name(const char *channel_name, size_t cap_bytes)
{
    unsigned channel = spicecap_channel_from_name(channel_name);
    if (channel == 0) {
        spicecap_fail(SPICECAP_ERR_INVALID, "ring: unknown channel name '%s'", channel_name ? channel_name : "(null)");
        return NULL;
    }
    return spicecap_ring_new(channel, cap_bytes);
}

void spicecap_ring_free(spicecap_ring *ring)
{
    if (ring == NULL)
        return;
    for (size_t i = 0; i < ring->count; i++)
        spicecap_segments_release(&slot(ring, i)->segments);
    free(ring->entries);
    pthread_mutex_destroy(&ring->lock);
    free(ring);
}

/* Make room for one more entry; the circular array doubles when full.
 * realloc lets glibc grow a large array in place with mremap, so the pages
 * already written are neither copied nor faulted in again; only the entries
 * that had wrapped round to the front move, to just past the old end. */
static int reserve_slot(spicecap_ring *ring)
{
    if (ring->count < ring->capacity)
        return SPICECAP_OK;
    size_t old_capacity = ring->capacity;
    size_t capacity = old_capacity ? old_capacity * 2 : 64;
    spicecap_entry *entries = realloc(ring->entries, capacity * sizeof *entries);
    if (entries == NULL)
        return spicecap_fail(SPICECAP_ERR_NOMEM, "ring: out of memory for %zu entries", capacity);
    /* Full, so the entries are [head, old_capacity) then [0, head). */
    memcpy(entries + old_capacity, entries, ring->head * sizeof *entries);
    ring->entries = entries;
    ring->capacity = capacity;
    return SPICECAP_OK;
}

/* Eviction walks the oldest entries in order, and their frames were last
 * touched a whole cap ago: fetch the ones a few evictions ahead so the
 * reference drop and free() do not each wait for memory. */
#define EVICTION_PREFETCH_DISTANCE 8

static void evict_oldest(spicecap_ring *ring)
{
    /* Two stages: the entry 2d ahead (its address needs no load), and the
     * frame of the entry d ahead, whose pointer was fetched d evictions ago. */
    if (ring->count > 2 * EVICTION_PREFETCH_DISTANCE) {
        __builtin_prefetch(slot(ring, 2 * EVICTION_PREFETCH_DISTANCE), 0);
        __builtin_prefetch(slot(ring, EVICTION_PREFETCH_DISTANCE)->segments.first, 1);
    }
    spicecap_entry *oldest = slot(ring, 0);
    ring->total_bytes -= oldest->bytes; /* kept in the entry: the frames are cold by now */
    spicecap_segments_release(&oldest->segments);
    ring->head = ring->head + 1 == ring->capacity ? 0 : ring->head + 1;
    ring->count--;
    ring->evicted++;
}

/* Fill the fields a viewer lists from the message's mini header. */
static void describe(spicecap_entry *entry, unsigned channel, spicecap_direction direction, const uint8_t *msg,
                     size_t len)
{
    entry->channel = (uint8_t)channel;
    entry->direction = (uint8_t)direction;
    entry->wire_size = (uint32_t)len;
    entry->msg_type = len >= 2 ? spicecap_le16(msg) : 0;
    entry->payload_size = len >= SPICECAP_MINI_HDR_LEN ? (uint32_t)len - SPICECAP_MINI_HDR_LEN : 0;
    entry->msg_name = len >= 2 ? spicecap_message_name(channel, direction, entry->msg_type) : NULL;
}

int spicecap_ring_record(spicecap_ring *ring, uint64_t ts_us, spicecap_direction direction, const uint8_t *msg,
                         size_t len)
{
    if (ring == NULL)
        return spicecap_fail(SPICECAP_ERR_INVALID, "ring_record: null ring");
    if (msg == NULL && len > 0)
        return spicecap_fail(SPICECAP_ERR_INVALID, "ring_record: null message of %zu bytes", len);
    spicecap_entry entry = {.ts_us = ts_us};
    describe(&entry, ring->flow.channel, direction, msg, len);

    pthread_mutex_lock(&ring->lock);
    /* Segmenting under the lock keeps ring order and seq order the same
     * when several threads record into one channel. */
    int rc = reserve_slot(ring);
    if (rc == SPICECAP_OK)
        rc = spicecap_flow_segment(&ring->flow, direction, msg, len, &entry.segments);
    if (rc == SPICECAP_OK) {
        /* The slots ahead were last written a whole array ago: ask for them
         * early, as eviction does for the old end. */
        if (ring->count + EVICTION_PREFETCH_DISTANCE < ring->capacity)
            __builtin_prefetch(slot(ring, ring->count + EVICTION_PREFETCH_DISTANCE), 1);
        entry.bytes = spicecap_segments_bytes(&entry.segments);
        ring->count++;
        *slot(ring, ring->count - 1) = entry;
        ring->total_bytes += entry.bytes;
        while (ring->total_bytes > ring->cap_bytes && ring->count > 1)
            evict_oldest(ring);
    }
    pthread_mutex_unlock(&ring->lock);
    return rc;
}

void spicecap_ring_set_next_seq(spicecap_ring *ring, uint32_t client_seq, uint32_t server_seq)
{
    pthread_mutex_lock(&ring->lock);
    spicecap_flow_set_next_seq(&ring->flow, client_seq, server_seq);
    pthread_mutex_unlock(&ring->lock);
}

spicecap_ring *spicecap_ring_snapshot(spicecap_ring *ring)
{
    if (ring == NULL) {
        spicecap_fail(SPICECAP_ERR_INVALID, "ring_snapshot: null ring");
        return NULL;
    }
    spicecap_ring *copy = spicecap_ring_new(ring->flow.channel, ring->cap_bytes);
    if (copy == NULL)
        return NULL;
    pthread_mutex_lock(&ring->lock);
    int rc = SPICECAP_OK;
    if (ring->count > 0) {
        copy->entries = malloc(ring->count * sizeof *copy->entries);
        if (copy->entries == NULL)
            rc = spicecap_fail(SPICECAP_ERR_NOMEM, "ring_snapshot: out of memory for %zu entries", ring->count);
        else
            copy->capacity = ring->count;
    }
    for (size_t i = 0; rc == SPICECAP_OK && i < ring->count; i++) {
        copy->entries[i] = *slot(ring, i);
        rc = spicecap_segments_share(&slot(ring, i)->segments, &copy->entries[i].segments);
        if (rc == SPICECAP_OK)
            copy->count++;
    }
    copy->total_bytes = ring->total_bytes;
    copy->evicted = ring->evicted;
    copy->flow = ring->flow;
    pthread_mutex_unlock(&ring->lock);
    if (rc != SPICECAP_OK) {
        spicecap_ring_free(copy);
        return NULL;
    }
    return copy;
}

unsigned spicecap_ring_channel(const spicecap_ring *ring)
{
    return ring->flow.channel;
}

size_t spicecap_ring_cap(const spicecap_ring *ring)
{
    return ring->cap_bytes;
}

size_t spicecap_ring_total_bytes(spicecap_ring *ring)
{
    pthread_mutex_lock(&ring->lock);
    size_t total = ring->total_bytes;
    pthread_mutex_unlock(&ring->lock);
    return total;
}

size_t spicecap_ring_count(spicecap_ring *ring)
{
    pthread_mutex_lock(&ring->lock);
    size_t count = ring->count;
    pthread_mutex_unlock(&ring->lock);
    return count;
}

uint64_t spicecap_ring_evicted(spicecap_ring *ring)
{
    pthread_mutex_lock(&ring->lock);
    uint64_t evicted = ring->evicted;
    pthread_mutex_unlock(&ring->lock);
    return evicted;
}

const spicecap_entry *spicecap_ring_entry(const spicecap_ring *ring, size_t index)
{
    if (ring == NULL || index >= ring->count)
        return NULL;
    return slot(ring, index);
}
