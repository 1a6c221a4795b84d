#include "resync.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes.h"
#include "channels.h"
#include "spice_names.h"

bool spicecap_mini_header_plausible(unsigned channel, spicecap_direction direction, const uint8_t *head)
{
    uint32_t size = spicecap_le32(head + SPICECAP_MINI_HDR_SIZE_AT);
    if (size > SPICECAP_SANE_MESSAGE_SIZE)
        return false;
    return spicecap_message_name(channel, direction, spicecap_le16(head + SPICECAP_MINI_HDR_TYPE_AT)) != NULL;
}

void spicecap_resync_start(spicecap_resync *r, unsigned channel, spicecap_direction direction, uint64_t offset)
{
    r->channel = channel;
    r->direction = direction;
    r->offset = offset;
    r->window_len = 0;
    r->count = 0;
    r->min_next = UINT64_MAX;
}

void spicecap_resync_chunk(spicecap_resync *r)
{
    for (unsigned i = 0; i < r->count; i++)
        r->candidates[i].chunks++;
}

static void update_min(spicecap_resync *r)
{
    r->min_next = UINT64_MAX;
    for (unsigned i = 0; i < r->count; i++)
        if (r->candidates[i].next < r->min_next)
            r->min_next = r->candidates[i].next;
}

/* The window holds a whole header at at: settle the candidates waiting for
 * it. Returns the index of the one confirmed first (the earliest), or -1. */
static int settle(spicecap_resync *r, uint64_t at, bool plausible)
{
    int won = -1;
    unsigned kept = 0;
    for (unsigned i = 0; i < r->count; i++) {
        spicecap_resync_candidate *c = &r->candidates[i];
        if (c->next != at) {
            r->candidates[kept++] = *c;
            continue;
        }
        if (plausible && (won < 0 || c->start < r->candidates[won].start)) {
            r->candidates[kept] = *c;
            won = (int)kept++;
        }
    }
    r->count = kept;
    update_min(r);
    return won;
}

/* One position's header, at stream offset at, read from head: settle the
 * candidates waiting for it, then take it as a candidate when it can be one.
 * Returns true when a boundary is confirmed (found is filled). tags are the
 * chunks of its six bytes (NULL: all in one chunk, tag). */
static inline bool position(spicecap_resync *r, uint64_t at, const uint8_t *head, const uint64_t *tags,
                            uint64_t tag, uint16_t max_type, spicecap_resync_found *found)
{
    uint32_t size = spicecap_le32(head + SPICECAP_MINI_HDR_SIZE_AT);
    uint16_t type = spicecap_le16(head + SPICECAP_MINI_HDR_TYPE_AT);
    bool maybe = size <= SPICECAP_SANE_MESSAGE_SIZE && type <= max_type;
    if (at != r->min_next && !maybe)
        return false; /* most random positions: two loads and three compares */
    bool plausible = maybe && spicecap_message_name(r->channel, r->direction, type) != NULL;
    uint32_t chunks = 1;
    if (tags != NULL)
        for (unsigned k = 1; k < SPICECAP_MINI_HDR_LEN; k++)
            if (tags[k] != tags[k - 1])
                chunks++;
    uint64_t first_tag = tags != NULL ? tags[0] : tag;
    if (at == r->min_next) {
        int won = settle(r, at, plausible);
        if (won >= 0) {
            found->first = r->candidates[won];
            found->second_offset = at;
            found->second_tag = first_tag;
            found->second_chunks = chunks;
            memcpy(found->second_header, head, SPICECAP_MINI_HDR_LEN);
            r->count = 0;
            r->min_next = UINT64_MAX;
            return true;
        }
    }
    if (plausible && r->count < SPICECAP_RESYNC_CANDIDATES) {
        spicecap_resync_candidate *c = &r->candidates[r->count++];
        c->start = at;
        c->next = at + SPICECAP_MINI_HDR_LEN + size;
        c->tag = first_tag;
        c->chunks = chunks;
        c->type = type;
        if (c->next < r->min_next)
            r->min_next = c->next;
    }
    return false;
}

/* The window: the last bytes scanned (at most a header's), with their chunks. */
static void window_push(spicecap_resync *r, uint8_t byte, uint64_t tag)
{
    if (r->window_len == SPICECAP_MINI_HDR_LEN) {
        memmove(r->window, r->window + 1, SPICECAP_MINI_HDR_LEN - 1);
        memmove(r->window_tag, r->window_tag + 1, (SPICECAP_MINI_HDR_LEN - 1) * sizeof r->window_tag[0]);
        r->window_len--;
    }
    r->window[r->window_len] = byte;
    r->window_tag[r->window_len++] = tag;
}

/* The largest type spice-protocol names on the channel in the direction
 * (0 when none): a type past it cannot be, with no name lookup. */
static uint16_t max_named_type(unsigned channel, spicecap_direction direction)
{
    uint16_t max = 0;
    if (channel >= SPICECAP_CHANNEL_SLOTS || (direction != SPICECAP_DIR_SENT && direction != SPICECAP_DIR_RECEIVED))
        return 0;
    spicecap_msg_table_run run = spicecap_msg_table_runs[channel][direction];
    for (size_t t = run.begin; t < run.end; t++) {
        const spicecap_msg_table *table = &spicecap_msg_tables[t];
        if (table->count > 0 && table->names[table->count - 1].type > max)
            max = table->names[table->count - 1].type;
    }
    return max;
}

size_t spicecap_resync_scan(spicecap_resync *r, const uint8_t *data, size_t len, uint64_t tag, bool *confirmed,
                            spicecap_resync_found *found)
{
    *confirmed = false;
    uint64_t base = r->offset; /* stream offset of data[0] */
    uint16_t max_type = max_named_type(r->channel, r->direction);
    /* Headers that begin before data need the window's bytes: the first
     * five bytes go through it. */
    size_t i = 0;
    for (; i < len && i < SPICECAP_MINI_HDR_LEN - 1; i++) {
        window_push(r, data[i], tag);
        r->offset++;
        if (r->window_len == SPICECAP_MINI_HDR_LEN &&
            position(r, r->offset - SPICECAP_MINI_HDR_LEN, r->window, r->window_tag, tag, max_type, found)) {
            *confirmed = true;
            return i + 1;
        }
    }
    /* Every later header lies in data: read in place, one chunk. */
    size_t end = len;
    /* A header can be at a position only when its type's high byte is at
     * most max_type's and its size's high byte at most the bound's (0x10):
     * eight positions at once are skipped when no byte of their type-high
     * bytes, or none of their size-high bytes, is that small (two 8-byte
     * loads; exact: a skipped position fails one of the two). */
    const uint64_t ones = ~(uint64_t)0 / 255, highs = ones * 128;
    const uint64_t type_lt = ones * (uint64_t)((max_type >> 8) + 1);
    const uint64_t size_lt = ones * (uint64_t)((SPICECAP_SANE_MESSAGE_SIZE >> 24) + 1);
#ifdef __SSE2__
    const __m128i type_max16 = _mm_set1_epi8((char)(max_type >> 8));
    const __m128i size_max16 = _mm_set1_epi8((char)(SPICECAP_SANE_MESSAGE_SIZE >> 24));
#endif
    for (; i < len; i++) {
        const uint8_t *head = data + i + 1 - SPICECAP_MINI_HDR_LEN;
        uint64_t at = base + i + 1 - SPICECAP_MINI_HDR_LEN;
#ifdef __SSE2__
        if (i + 16 <= len && (r->min_next < at || r->min_next >= at + 16)) {
            /* Sixteen positions at once: x <= max is max(x, max) == max. */
            __m128i types = _mm_loadu_si128((const __m128i *)(const void *)(head + 1));
            __m128i sizes = _mm_loadu_si128((const __m128i *)(const void *)(head + 5));
            __m128i ok = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(types, type_max16), type_max16),
                                       _mm_cmpeq_epi8(_mm_max_epu8(sizes, size_max16), size_max16));
            if (_mm_movemask_epi8(ok) == 0) {
                i += 15;
                continue;
            }
        }
#endif
        if (i + 8 <= len && (r->min_next < at || r->min_next >= at + 8)) {
            uint64_t types, sizes; /* the type-high bytes of positions at..at+7, their size-high bytes */
            memcpy(&types, head + 1, 8);
            memcpy(&sizes, head + 5, 8);
            if (((types - type_lt) & ~types & highs) == 0 || ((sizes - size_lt) & ~sizes & highs) == 0) {
                i += 7;
                continue;
            }
        }
        if (at != r->min_next && (spicecap_le32(head + SPICECAP_MINI_HDR_SIZE_AT) > SPICECAP_SANE_MESSAGE_SIZE ||
                                  spicecap_le16(head + SPICECAP_MINI_HDR_TYPE_AT) > max_type))
            continue; /* most random positions: two loads and three compares */
        if (position(r, at, head, NULL, tag, max_type, found)) {
            *confirmed = true;
            end = i + 1;
            break;
        }
    }
    if (end >= SPICECAP_MINI_HDR_LEN) { /* the window: the last header's bytes, all of this chunk */
        memcpy(r->window, data + end - SPICECAP_MINI_HDR_LEN, SPICECAP_MINI_HDR_LEN);
        for (unsigned k = 0; k < SPICECAP_MINI_HDR_LEN; k++)
            r->window_tag[k] = tag;
        r->window_len = SPICECAP_MINI_HDR_LEN;
    }
    r->offset = base + end;
    return *confirmed ? end : len;
}

/* The earliest candidate whose message ends where the scan stands, or -1. */
static int earliest_ending_here(const spicecap_resync *r)
{
    int won = -1;
    for (unsigned i = 0; i < r->count; i++)
        if (r->candidates[i].next == r->offset && (won < 0 || r->candidates[i].start < r->candidates[won].start))
            won = (int)i;
    return won;
}

bool spicecap_resync_end(spicecap_resync *r, spicecap_resync_found *found)
{
    int won = earliest_ending_here(r);
    if (won < 0)
        return false;
    memset(found, 0, sizeof *found);
    found->first = r->candidates[won];
    found->second_offset = r->offset;
    r->count = 0;
    r->min_next = UINT64_MAX;
    return true;
}

bool spicecap_resync_ends_here(const spicecap_resync *r, spicecap_resync_candidate *c)
{
    int won = earliest_ending_here(r);
    if (won >= 0)
        *c = r->candidates[won];
    return won >= 0;
}
