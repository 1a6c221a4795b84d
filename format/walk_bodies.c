/* ryll's playback ring: message bodies without their header.
 *
 * ryll's playback channel (playback.rs) hands its ring buffer the body of
 * each message it receives (record_received(&payload)), not the message:
 * the 6-byte mini header is never recorded. The ring segments each body as
 * it would a message (65495-byte segments, the snaplen loss of
 * docs/ryll-captures.md included), so each record of that flow is one
 * body, or the rest of one whose full segments were not written.
 *
 * Found from the bytes of a server-to-client flow on the playback port. A
 * ring's record starts with a header whose size ends the record (or runs
 * past a full 65495-byte segment); a socket read (a live capture) starts
 * with a header of a named type whose size leads to another one. A body
 * reads as neither: its first six bytes are a time stamp or a count, and a
 * size that lands exactly on its record's end has a chance of about one in
 * 2^32. When the first record cannot start a message at all (a type or a
 * size no header has), the flow is one of bodies at once. When it reads as
 * a header of a named type whose size runs past its record (set_ack's body,
 * generation 1, reads as type 1 and a sane size), the second record
 * decides: a ring's next record holds the rest of such a message only if
 * the first was a full segment, so a second record that does not read as
 * a header either, with no gap before it, makes the flow one of bodies;
 * a gap, or a header, keeps the header walk and its checks (a lying size,
 * a hostile file). Every other flow keeps them too. */
#include <spice/enums.h>

#include "bytes.h"
#include "walker_internal.h"

static bool plausible(const spicecap_walker *w, const uint8_t *head)
{
    return spicecap_mini_header_plausible(w->link->channel, w->direction, head);
}

/* What a playback record's first bytes read as. */
typedef enum record_start { STARTS_MESSAGE, STARTS_NOTHING, STARTS_NAMED_PAST } record_start;

static record_start read_start(const spicecap_walker *w, const uint8_t *data, size_t len)
{
    if (len < SPICECAP_MINI_HDR_LEN)
        return STARTS_NOTHING; /* too short to hold a header at all */
    uint32_t size = spicecap_le32(data + SPICECAP_MINI_HDR_SIZE_AT);
    if (size > SPICECAP_SANE_MESSAGE_SIZE)
        return STARTS_NOTHING;
    uint64_t wire = (uint64_t)SPICECAP_MINI_HDR_LEN + size;
    if (wire == len || (len == SPICECAP_MAX_SEGMENT_PAYLOAD && wire > len))
        return STARTS_MESSAGE; /* a ring's message */
    if (!plausible(w, data))
        return STARTS_NOTHING;
    /* A named type whose message ends inside the record: a socket read of
     * several messages, or a ring's size that lies (the header walk says
     * which). */
    return wire > len ? STARTS_NAMED_PAST : STARTS_MESSAGE;
}

static bool playback_received(const spicecap_walker *w)
{
    return w->link->channel == SPICE_CHANNEL_PLAYBACK && w->direction == SPICECAP_DIR_RECEIVED;
}

void spicecap_walker_bodies_start(spicecap_walker *w, const uint8_t *data, size_t len)
{
    if (!playback_received(w))
        return;
    record_start start = read_start(w, data, len);
    w->bodies = start == STARTS_NOTHING;
    w->bodies_maybe = start == STARTS_NAMED_PAST;
}

bool spicecap_walker_bodies_second(spicecap_walker *w, const uint8_t *data, size_t len,
                                   const spicecap_walk_sink *sink)
{
    w->bodies_maybe = false;
    /* Still inside the first record's message, as the header walk took it. */
    if (!spicecap_walker_mid_message(w) || w->msg.offset != 0 || w->cut || read_start(w, data, len) == STARTS_MESSAGE)
        return false;
    spicecap_walk_message first = {0};
    first.tag = w->msg.tag;
    first.wire_size = first.have = w->offset;
    first.chunks = 1;
    first.body_only = true;
    w->bodies = w->bodies_told = true;
    spicecap_walker_emit_finding(sink, SPICECAP_WALK_HEADERLESS, &first, 0, first.tag);
    spicecap_walker_emit_message(sink, &first);
    spicecap_walker_next_pdu(w);
    return true;
}

void spicecap_walker_body_chunk(spicecap_walker *w, size_t len, uint64_t tag, const spicecap_walk_sink *sink)
{
    w->layout = SPICECAP_LAYOUT_MESSAGES;
    if (w->body_tail) {
        /* The rest of a body whose full segments were not written: not a
         * whole message (the gap before it was told). */
        w->body_tail = false;
        w->offset += len;
        return;
    }
    spicecap_walk_message body = {0};
    body.offset = w->offset;
    body.tag = tag;
    body.wire_size = body.have = len;
    body.chunks = 1;
    body.body_only = true;
    if (!w->bodies_told) {
        w->bodies_told = true;
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_HEADERLESS, &body, 0, tag);
    }
    spicecap_walker_emit_message(sink, &body);
    w->offset += len;
}

void spicecap_walker_body_gap(spicecap_walker *w, uint64_t len)
{
    w->bodies_maybe = false;
    if (!w->bodies)
        return;
    /* Lost records of a body are its full 65495-byte segments, and its rest
     * (if any) follows. A gap of another length took a body of 65482..65494
     * bytes whole (one record over the snaplen): the next record is a new
     * body. */
    w->body_tail = len % SPICECAP_MAX_SEGMENT_PAYLOAD == 0;
    w->offset += len;
}
