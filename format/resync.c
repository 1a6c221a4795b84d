#include "resync.h"

#include <string.h>

#include "bytes.h"
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

size_t spicecap_resync_scan(spicecap_resync *r, const uint8_t *data, size_t len, uint64_t tag, bool *confirmed,
                            spicecap_resync_found *found)
{
    *confirmed = false;
    for (size_t i = 0; i < len; i++) {
        if (r->window_len == SPICECAP_MINI_HDR_LEN) {
            memmove(r->window, r->window + 1, SPICECAP_MINI_HDR_LEN - 1);
            memmove(r->window_tag, r->window_tag + 1, (SPICECAP_MINI_HDR_LEN - 1) * sizeof r->window_tag[0]);
            r->window_len--;
        }
        r->window[r->window_len] = data[i];
        r->window_tag[r->window_len++] = tag;
        r->offset++;
        if (r->window_len < SPICECAP_MINI_HDR_LEN)
            continue;
        uint64_t at = r->offset - SPICECAP_MINI_HDR_LEN; /* where the window's header starts */
        bool plausible = spicecap_mini_header_plausible(r->channel, r->direction, r->window);
        if (at == r->min_next) {
            int won = settle(r, at, plausible);
            if (won >= 0) {
                found->first = r->candidates[won];
                found->second_offset = at;
                found->second_tag = r->window_tag[0];
                found->second_chunks = 1;
                for (unsigned k = 1; k < SPICECAP_MINI_HDR_LEN; k++)
                    if (r->window_tag[k] != r->window_tag[k - 1])
                        found->second_chunks++;
                memcpy(found->second_header, r->window, SPICECAP_MINI_HDR_LEN);
                *confirmed = true;
                r->count = 0;
                r->min_next = UINT64_MAX;
                return i + 1;
            }
        }
        if (plausible && r->count < SPICECAP_RESYNC_CANDIDATES) {
            spicecap_resync_candidate *c = &r->candidates[r->count++];
            c->start = at;
            c->next = at + SPICECAP_MINI_HDR_LEN + spicecap_le32(r->window + SPICECAP_MINI_HDR_SIZE_AT);
            c->tag = r->window_tag[0];
            c->chunks = 1;
            for (unsigned k = 1; k < SPICECAP_MINI_HDR_LEN; k++)
                if (r->window_tag[k] != r->window_tag[k - 1])
                    c->chunks++;
            c->type = spicecap_le16(r->window + SPICECAP_MINI_HDR_TYPE_AT);
            if (c->next < r->min_next)
                r->min_next = c->next;
        }
    }
    return len;
}

bool spicecap_resync_end(spicecap_resync *r, spicecap_resync_found *found)
{
    int won = -1;
    for (unsigned i = 0; i < r->count; i++)
        if (r->candidates[i].next == r->offset && (won < 0 || r->candidates[i].start < r->candidates[won].start))
            won = (int)i;
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
    int won = -1;
    for (unsigned i = 0; i < r->count; i++)
        if (r->candidates[i].next == r->offset && (won < 0 || r->candidates[i].start < r->candidates[won].start))
            won = (int)i;
    if (won >= 0)
        *c = r->candidates[won];
    return won >= 0;
}
