/* How the walker reports, and where it stands between PDUs: what both
 * of its modes (spice_walker.c, walk_recorded.c) use, so neither needs the
 * other's definitions. */
#include "walker_internal.h"

#include <string.h>

void spicecap_walker_emit_finding(const spicecap_walk_sink *sink, spicecap_walk_finding kind,
                                  const spicecap_walk_message *m, uint64_t extra, uint64_t tag)
{
    if (sink && sink->finding)
        sink->finding(sink->ctx, kind, m, extra, tag);
}

void spicecap_walker_emit_message(const spicecap_walk_sink *sink, const spicecap_walk_message *m)
{
    if (sink && sink->message)
        sink->message(sink->ctx, m);
}

bool spicecap_walker_in_messages(const spicecap_walker *w)
{
    return w->stage == SPICECAP_STAGE_MINI || w->stage == SPICECAP_STAGE_DATA;
}

bool spicecap_walker_mid_message(const spicecap_walker *w)
{
    return !w->stopped && !w->lost && !w->scanning && !w->pending && spicecap_walker_in_messages(w) &&
           (w->have > 0 || w->body_left > 0);
}

/* A PDU ended: the next one's stage is taken when its first byte comes,
 * since it may depend on what the other side says meanwhile (the client's
 * ticket on the server's capabilities; a refusal stops both). */
void spicecap_walker_next_pdu(spicecap_walker *w)
{
    w->pending = true;
    w->have = 0;
    w->body_left = 0;
}

size_t spicecap_walker_take_message_bytes(spicecap_walker *w, const uint8_t *data, size_t avail, uint64_t tag,
                                          bool *header_done)
{
    size_t n;
    *header_done = false;
    if (w->have < w->need) {
        if (w->have == 0) {
            w->msg.offset = w->offset;
            w->msg.tag = tag;
            w->msg.chunks = 1;
        }
        n = w->need - w->have < avail ? w->need - w->have : avail;
        memcpy(w->header + w->have, data, n);
        w->have += (uint32_t)n;
        *header_done = w->have == w->need;
    } else {
        n = w->body_left < avail ? (size_t)w->body_left : avail;
        w->body_left -= n; /* bodies are counted down, never buffered */
    }
    w->msg.have += n;
    return n;
}

const spicecap_walk_message *spicecap_walker_current(const spicecap_walker *w, bool *cut)
{
    if (w->held_valid && !spicecap_walker_mid_message(w)) {
        /* Walked whole, but not reported until the header after it says
         * its unnamed type is a message: still open to a caller. */
        if (cut != NULL)
            *cut = false;
        return &w->held;
    }
    if (!spicecap_walker_mid_message(w))
        return NULL;
    if (cut != NULL)
        *cut = w->cut;
    return &w->msg;
}
