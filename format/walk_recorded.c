/* The walker on ryll's recorded flows (SPICECAP_WALK_RECORDED): mini
 * headers from the first byte, walked as one byte stream across chunks.
 *
 * What a chunk boundary means depends on how the file was written, and the
 * walk finds that from the bytes (spicecap_walk_layout):
 * - a drained ring (and every direction ryll writes per message): each
 *   message starts a chunk and fills chunks of 65495 bytes but its last, so
 *   a message whose chunks end early, or whose last chunk goes on past it,
 *   lies about its size (SIZE_SHORT, SIZE_LONG; the K2 bug's neighbours);
 * - a live capture's received data, written per socket read: a chunk ends
 *   anywhere, and the next message's header follows in the same chunk.
 * The first boundary that tells decides: a chunk that starts inside a
 * message with a header that can be there says MESSAGES, one that starts
 * with bytes that cannot say READS; a message ending inside its chunk,
 * followed by a header that can be, says READS.
 *
 * Losing the framing, and finding it again: a gap that cuts a message
 * whose header was read leaves the walk in step (the message's end is
 * known). Otherwise the position is unknown: a drained ring's next chunk
 * start that reads as a header is a message again; a socket-read flow
 * resynchronises by resync.h's rule. A header that cannot be, with no gap
 * to explain it, is one DESYNC (or BAD_HEADER) and the same search. */
#include <string.h>

#include "bytes.h"
#include "walker_internal.h"

static unsigned channel_of(const spicecap_walker *w)
{
    return w->link->channel;
}

static bool plausible(const spicecap_walker *w, const uint8_t *head)
{
    return spicecap_mini_header_plausible(channel_of(w), w->direction, head);
}

/* The framing is lost from offset on: search for it again, by the chunk
 * starts of a ring or by scanning, as the layout allows (an unknown layout
 * tries both). */
static void lose(spicecap_walker *w, uint64_t offset)
{
    w->lost_at = offset;
    w->skipped = 0;
    w->lost = w->layout != SPICECAP_LAYOUT_READS;
    w->scanning = w->layout != SPICECAP_LAYOUT_MESSAGES;
    if (w->scanning)
        spicecap_resync_start(&w->resync_scan, channel_of(w), w->direction, offset);
    w->have = 0;
    w->body_left = 0;
    w->pending = false;
    w->cut = false;
    w->unknown_type = w->unconfirmed = false;
}

static void found_again(spicecap_walker *w)
{
    w->lost = false;
    w->scanning = false;
}

/* A message is reported: its type's note first when spice-protocol does
 * not name it. */
static void report_message(spicecap_walker *w, const spicecap_walk_message *m, bool unknown_type,
                           const spicecap_walk_sink *sink)
{
    if (unknown_type)
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_UNKNOWN_TYPE, m, m->wire_size - SPICECAP_MINI_HDR_LEN, m->tag);
    spicecap_walker_emit_message(sink, m);
    w->last = *m;
    w->last_valid = true;
}

/* Deliver a message walked to its end (unless a gap cut it: CUT said so).
 * One of unknown type whose size could not yet be checked against the
 * header after it waits for that header (held). */
static void message_done(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    if (!w->cut && w->unconfirmed) {
        w->held = w->msg;
        w->held_valid = true;
        w->held_suspect = w->last_valid && w->last.offset + w->last.wire_size == w->msg.offset;
        w->held_last = w->last;
    } else if (!w->cut) {
        report_message(w, &w->msg, w->unknown_type, sink);
    }
    w->cut = false;
    w->unknown_type = w->unconfirmed = false;
    spicecap_walker_next_pdu(w);
}

/* The held message of unknown type is whole: the header after it can be
 * (or a gap, or the stream's end, comes where it ends). */
static void confirm_held(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    if (!w->held_valid)
        return;
    w->held_valid = false;
    report_message(w, &w->held, true, sink);
}

/* A header that cannot be, read at w->msg.offset; suspect: it follows a
 * socket-read flow's last message, which is then likely not whole. */
static void cannot_be(spicecap_walker *w, bool suspect, const spicecap_walk_sink *sink)
{
    uint32_t size = spicecap_le32(w->header + SPICECAP_MINI_HDR_SIZE_AT);
    if (suspect)
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_SUSPECT, &w->last, 0, w->msg.tag);
    /* In socket reads, past the sane bound or of no type the channel has
     * is the same desync: bytes vanished. Where messages start chunks, a
     * size past the bound is the header's own lie. */
    spicecap_walker_emit_finding(sink,
                                 w->layout == SPICECAP_LAYOUT_READS || size <= SPICECAP_SANE_MESSAGE_SIZE
                                     ? SPICECAP_WALK_DESYNC
                                     : SPICECAP_WALK_BAD_HEADER,
                                 &w->msg, size, w->msg.tag);
    w->last_valid = false;
}

/* Header complete: believe it, or find out what its disbelief says.
 * Returns false when the framing is lost (the caller drops the chunk's
 * rest, or the scan takes it over). */
static bool refute_held(spicecap_walker *w, const spicecap_walk_sink *sink);

/* What the bytes after a header of unknown type in its chunk (rest) say of
 * its size: the header it leads to can be (CHAIN_HOLDS) or cannot
 * (CHAIN_BROKEN), or it leads past the chunk (CHAIN_LATER). */
typedef enum chain_verdict { CHAIN_HOLDS, CHAIN_BROKEN, CHAIN_LATER } chain_verdict;

static chain_verdict chain_in_chunk(const spicecap_walker *w, uint32_t size, const uint8_t *rest, size_t rest_len)
{
    if (rest_len < (uint64_t)size + SPICECAP_MINI_HDR_LEN)
        return CHAIN_LATER;
    return plausible(w, rest + size) ? CHAIN_HOLDS : CHAIN_BROKEN;
}

static bool header_read(spicecap_walker *w, const uint8_t *rest, size_t rest_len, const spicecap_walk_sink *sink)
{
    if (w->held_valid) {
        /* The message of unknown type before this header is whole when
         * this header can be (a named type, or another unnamed one whose
         * own size leads to one in this chunk); else its own header was
         * the one that could not be. */
        uint32_t next_size = spicecap_le32(w->header + SPICECAP_MINI_HDR_SIZE_AT);
        if (plausible(w, w->header) ||
            (next_size <= SPICECAP_SANE_MESSAGE_SIZE && chain_in_chunk(w, next_size, rest, rest_len) == CHAIN_HOLDS))
            confirm_held(w, sink);
        else
            return refute_held(w, sink);
    }
    w->msg.type = spicecap_le16(w->header + SPICECAP_MINI_HDR_TYPE_AT);
    /* A header at a chunk start of a flow not known to be socket reads may
     * have a type spice-protocol does not name (a newer server, a test's
     * own types), as long as its size is sane: messages start chunks there,
     * so nothing vanishes unseen, and its chunk agrees with it (it ends in
     * the chunk, or the chunk is a full segment that it goes on past).
     * Elsewhere only a named type is believed. */
    uint32_t size = spicecap_le32(w->header + SPICECAP_MINI_HDR_SIZE_AT);
    uint64_t wire = (uint64_t)SPICECAP_MINI_HDR_LEN + size;
    bool fits_chunk = wire <= w->chunk_len || w->chunk_len == SPICECAP_MAX_SEGMENT_PAYLOAD;
    /* (The cheap test first: it is the per-message path of every ring.) */
    bool named = plausible(w, w->header);
    bool believed = (w->layout != SPICECAP_LAYOUT_READS && !w->header_mid_chunk && fits_chunk &&
                     size <= SPICECAP_SANE_MESSAGE_SIZE) ||
                    named;
    bool unconfirmed = false;
    if (!believed && size <= SPICECAP_SANE_MESSAGE_SIZE) {
        /* A type spice-protocol does not name, of a sane size, is a message
         * when its size leads to a header that can be: checked at once when
         * that header is in this chunk; else, in socket reads, when it
         * comes (the bytes stay in the lookback, to be searched again if it
         * cannot be). A search (replaying) believes named types only. */
        chain_verdict chain = chain_in_chunk(w, size, rest, rest_len);
        believed = chain == CHAIN_HOLDS;
        unconfirmed = chain == CHAIN_LATER && w->layout == SPICECAP_LAYOUT_READS && w->lookback != NULL &&
                      !w->replaying && wire <= SPICECAP_LOOKBACK_BYTES / 2;
        believed = believed || unconfirmed;
    }
    if (believed) {
        if (w->header_mid_chunk && w->layout != SPICECAP_LAYOUT_READS)
            w->layout = SPICECAP_LAYOUT_READS; /* a message ended inside its chunk and the next follows */
        w->msg.wire_size = wire;
        w->body_left = size;
        w->unknown_type = !named;
        w->unconfirmed = unconfirmed;
        return true;
    }
    if (w->header_mid_chunk && w->layout != SPICECAP_LAYOUT_READS && w->last_valid) {
        /* What follows a message inside its chunk is not a header: in a
         * ring, that message's size says less than its chunks hold. */
        w->layout = SPICECAP_LAYOUT_MESSAGES;
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_SIZE_LONG, &w->last, w->tail, w->msg.tag);
        w->last_valid = false;
        lose(w, w->msg.offset);
        w->skipped = SPICECAP_MINI_HDR_LEN;
        return false;
    }
    bool suspect = w->layout == SPICECAP_LAYOUT_READS && w->last_valid &&
                   w->last.offset + w->last.wire_size == w->msg.offset;
    uint64_t suspect_body = w->last.offset + SPICECAP_MINI_HDR_LEN;
    cannot_be(w, suspect, sink);
    if (suspect && w->lookback != NULL && !w->replaying) {
        w->rescan_pending = true; /* once these header bytes are counted (walk_range) */
        w->rescan_from = suspect_body;
        lose(w, w->msg.offset);
        return false;
    }
    uint64_t at = w->msg.offset;
    uint8_t replay[SPICECAP_MINI_HDR_LEN];
    memcpy(replay, w->header, sizeof replay);
    uint64_t tag = w->msg.tag;
    lose(w, at);
    w->skipped = SPICECAP_MINI_HDR_LEN; /* the bad header's bytes, walked already */
    if (w->scanning) {
        /* The bad header's own bytes after its first may start the next
         * message (five bytes hold no whole header: nothing can confirm). */
        bool confirmed;
        spicecap_resync_found found;
        w->resync_scan.offset = at + 1;
        spicecap_resync_scan(&w->resync_scan, replay + 1, SPICECAP_MINI_HDR_LEN - 1, tag, &confirmed, &found);
    }
    return false;
}

/* The held message of unknown type led to a header that cannot be: its
 * own header was the one that could not be, as if its size had not been
 * believed (cannot_be): one DESYNC there, and the bytes from inside the
 * message before it (or from the held header's next byte) are searched
 * again from the lookback, which holds them (the held message is at most
 * half of it). */
static bool refute_held(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    w->held_valid = false;
    if (w->held_suspect)
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_SUSPECT, &w->held_last, 0, w->held.tag);
    spicecap_walker_emit_finding(sink, SPICECAP_WALK_DESYNC, &w->held, w->held.wire_size - SPICECAP_MINI_HDR_LEN,
                                 w->held.tag);
    w->last_valid = false;
    w->rescan_pending = true; /* once these header bytes are counted (walk_range) */
    w->rescan_from = w->held_suspect ? w->held_last.offset + SPICECAP_MINI_HDR_LEN : w->held.offset + 1;
    lose(w, w->held.offset);
    return false;
}

/* Header or body bytes of the message being walked; returns bytes taken. */
static size_t walk_message(spicecap_walker *w, const uint8_t *data, size_t avail, uint64_t tag, bool at_chunk_start,
                           const spicecap_walk_sink *sink)
{
    if (w->pending) {
        w->pending = false;
        w->stage = SPICECAP_STAGE_MINI;
        w->need = SPICECAP_MINI_HDR_LEN;
        memset(&w->msg, 0, sizeof w->msg);
    }
    if (w->have == 0)
        w->header_mid_chunk = !at_chunk_start;
    bool header_done;
    size_t n = spicecap_walker_take_message_bytes(w, data, avail, tag, &header_done);
    if (header_done && !header_read(w, data + n, avail - n, sink))
        return n;
    if (w->have == w->need && w->body_left == 0) {
        message_done(w, sink);
        w->tail = avail - n;
    }
    return n;
}

/* The scan found a whole message, candidate c ending at end: framing is
 * found again there. The bytes scanned from c's start on were its own (and
 * the header after it): not skipped. */
static void found_message(spicecap_walker *w, const spicecap_resync_candidate *c, uint64_t end,
                          const spicecap_walk_sink *sink)
{
    spicecap_walk_message first = {0};
    first.offset = c->start;
    first.tag = c->tag;
    first.type = c->type;
    first.wire_size = first.have = end - c->start;
    first.chunks = c->chunks;
    spicecap_walker_emit_finding(sink, SPICECAP_WALK_RESYNC, &first, w->skipped - (w->offset - c->start), first.tag);
    found_again(w);
    spicecap_walker_emit_message(sink, &first);
    w->last = first;
    w->last_valid = true;
}

/* The scan confirmed a boundary: the first message is whole, the second's
 * header was just read. */
static void take_found(spicecap_walker *w, const spicecap_resync_found *f, const spicecap_walk_sink *sink)
{
    found_message(w, &f->first, f->second_offset, sink);
    memset(&w->msg, 0, sizeof w->msg);
    w->stage = SPICECAP_STAGE_MINI;
    w->pending = false;
    w->need = w->have = SPICECAP_MINI_HDR_LEN;
    memcpy(w->header, f->second_header, SPICECAP_MINI_HDR_LEN);
    w->msg.offset = f->second_offset;
    w->msg.tag = f->second_tag;
    w->msg.chunks = f->second_chunks;
    w->msg.have = SPICECAP_MINI_HDR_LEN;
    w->header_mid_chunk = false;
    w->cut = false;
    header_read(w, NULL, 0, sink); /* plausible by the rule */
    if (w->body_left == 0)
        message_done(w, sink);
}

/* A message the scan found ends exactly where the walk stands, at the end
 * of a chunk: it is whole. A chunk that ends where a message does is the
 * structure of both layouts (a ring's record, a read that drained the
 * socket); a random candidate's size landing there has a chance of about
 * one in its size's range. Confirmed now, not at the next header, so a
 * flow's last message is found too (a dissector never sees the end). */
static bool confirm_at_chunk_end(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    spicecap_resync_candidate ending;
    if (!w->scanning || !spicecap_resync_ends_here(&w->resync_scan, &ending))
        return false;
    found_message(w, &ending, w->offset, sink);
    spicecap_walker_next_pdu(w);
    return true;
}

/* What a new chunk's start says, before its bytes are walked. */
static void chunk_start(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                        const spicecap_walk_sink *sink)
{
    if (w->lost) {
        if (len >= SPICECAP_MINI_HDR_LEN && plausible(w, data)) {
            spicecap_walk_message at = {0};
            at.offset = w->offset;
            at.tag = tag;
            at.type = spicecap_le16(data + SPICECAP_MINI_HDR_TYPE_AT);
            spicecap_walker_emit_finding(sink, SPICECAP_WALK_RESYNC, &at, w->skipped, tag);
            found_again(w);
            spicecap_walker_next_pdu(w);
            return;
        }
        if (!w->scanning)
            return;
    }
    if (w->scanning) {
        spicecap_resync_chunk(&w->resync_scan);
        return;
    }
    if (!spicecap_walker_mid_message(w))
        return;
    bool may_continue = w->have == w->need && w->last_chunk == SPICECAP_MAX_SEGMENT_PAYLOAD;
    if (w->have < w->need && w->header_mid_chunk) {
        if (w->layout != SPICECAP_LAYOUT_MESSAGES)
            return; /* a header across reads */
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_SIZE_LONG, &w->last, w->tail, tag);
        w->last_valid = false;
        spicecap_walker_next_pdu(w);
        return;
    }
    if (may_continue || w->layout == SPICECAP_LAYOUT_READS)
        return;
    if (w->layout == SPICECAP_LAYOUT_UNKNOWN) {
        /* The first boundary that tells: a header that can be here means
         * messages start chunks (the one before ended early). */
        if (len >= SPICECAP_MINI_HDR_LEN && plausible(w, data))
            w->layout = SPICECAP_LAYOUT_MESSAGES;
        else {
            w->layout = SPICECAP_LAYOUT_READS;
            return;
        }
    }
    if (w->cut) { /* a cut message's end was computed; its chunks disagree: start anew */
        w->cut = false;
        spicecap_walker_next_pdu(w);
        return;
    }
    uint64_t held = w->have < w->need ? w->have : w->msg.wire_size - w->body_left;
    spicecap_walker_emit_finding(sink, SPICECAP_WALK_SIZE_SHORT, &w->msg, held, tag);
    spicecap_walker_next_pdu(w);
}

/* Walk len bytes of one chunk from its at'th byte on: framed, skipped
 * while a ring waits for a chunk start, or scanned. */
static void walk_range(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag, bool at_chunk_start,
                       const spicecap_walk_sink *sink);

typedef struct replay_context {
    spicecap_walker *w;
    const spicecap_walk_sink *sink;
    uint64_t until;
} replay_context;

static void replay_run(void *ctx, const uint8_t *data, size_t len, uint64_t tag, bool chunk_start)
{
    replay_context *c = ctx;
    spicecap_walker *w = c->w;
    if (w->offset >= c->until)
        return;
    if (len > c->until - w->offset)
        len = (size_t)(c->until - w->offset);
    if (chunk_start) {
        if (w->scanning)
            spicecap_resync_chunk(&w->resync_scan);
        else if (spicecap_walker_mid_message(w))
            w->msg.chunks++;
    }
    walk_range(w, data, len, tag, chunk_start, c->sink);
}

/* A desync right after a message in a socket-read flow: that message's
 * size ran past bytes that vanished, so the next messages began inside
 * what it took. Its bytes after its header are searched again. */
static void rescan(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    w->rescan_pending = false;
    uint64_t until = w->offset;
    uint64_t from = w->rescan_from;
    /* Bytes no longer held are skipped unsearched. */
    uint64_t start = from < w->lookback->from ? w->lookback->from : from;
    if (start > until)
        start = until;
    lose(w, start);
    w->lost_at = from;
    w->skipped = start - from;
    w->replaying = true;
    replay_context c = {w, sink, until};
    w->offset = start;
    spicecap_lookback_replay(w->lookback, start, replay_run, &c);
    w->offset = until;
    w->replaying = false;
}

static void walk_range(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag, bool at_chunk_start,
                       const spicecap_walk_sink *sink)
{
    size_t at = 0;
    while (at < len) {
        if (w->lost && !w->scanning) { /* a ring: the next chunk start may begin a message */
            w->skipped += len - at;
            w->offset += len - at;
            break;
        }
        if (w->scanning) {
            bool confirmed;
            spicecap_resync_found found;
            size_t n = spicecap_resync_scan(&w->resync_scan, data + at, len - at, tag, &confirmed, &found);
            w->skipped += n;
            w->offset += n;
            at += n;
            if (confirmed)
                take_found(w, &found, sink);
            continue;
        }
        size_t n = walk_message(w, data + at, len - at, tag, at_chunk_start && at == 0, sink);
        w->offset += n;
        at += n;
        if (w->rescan_pending)
            rescan(w, sink);
    }
}

void spicecap_walker_feed_recorded(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag, bool lasting,
                                   const spicecap_walk_sink *sink)
{
    if (!w->started) {
        w->started = true;
        spicecap_walker_next_pdu(w);
        spicecap_walker_bodies_start(w, data, len);
    } else if (!w->bodies && !(w->bodies_maybe && spicecap_walker_bodies_second(w, data, len, sink))) {
        chunk_start(w, data, len, tag, sink);
    }
    if (w->bodies) {
        spicecap_walker_body_chunk(w, len, tag, sink);
        return;
    }
    if (spicecap_walker_mid_message(w))
        w->msg.chunks++; /* this chunk continues the message */
    w->chunk_len = len;
    if (w->layout == SPICECAP_LAYOUT_READS && !w->no_lookback) {
        if (w->lookback == NULL) {
            w->lookback = spicecap_lookback_new(); /* without it a desync is only searched forward */
            w->no_lookback = w->lookback == NULL; /* asked once */
        }
        if (w->lookback)
            spicecap_lookback_add(w->lookback, w->offset, data, len, tag, lasting);
    }
    walk_range(w, data, len, tag, true, sink);
    confirm_at_chunk_end(w, sink);
    w->last_chunk = spicecap_walker_mid_message(w) ? (uint32_t)len : 0;
}

const spicecap_walk_message *spicecap_walker_gap_recorded(spicecap_walker *w, uint64_t len,
                                                          const spicecap_walk_sink *sink)
{
    if (!w->started) {
        w->started = true;
        spicecap_walker_next_pdu(w);
    }
    if (w->bodies || w->bodies_maybe) {
        spicecap_walker_body_gap(w, len);
        if (w->bodies)
            return NULL;
    }
    confirm_held(w, sink); /* whole by its size: the gap begins where it ends */
    const spicecap_walk_message *cut = NULL;
    uint64_t after = w->offset + len;
    if (w->lost || w->scanning) {
        if (w->scanning)
            spicecap_resync_start(&w->resync_scan, channel_of(w), w->direction, after);
        w->offset = after;
        return NULL;
    }
    if (spicecap_walker_mid_message(w)) {
        cut = &w->msg;
        if (!w->cut)
            spicecap_walker_emit_finding(sink, SPICECAP_WALK_CUT, &w->msg, len, w->msg.tag);
        if (w->have == w->need && w->body_left > len) {
            w->cut = true; /* in step: its end is known */
            w->body_left -= len;
            w->offset = after;
            return cut;
        }
    }
    w->last_valid = false;
    lose(w, after);
    w->offset = after;
    return cut;
}

void spicecap_walker_end_recorded(spicecap_walker *w, bool file_truncated, const spicecap_walk_sink *sink)
{
    confirm_held(w, sink); /* a chain that ends with the stream */
    spicecap_resync_found found;
    if (w->scanning && spicecap_resync_end(&w->resync_scan, &found)) {
        found_message(w, &found.first, found.second_offset, sink); /* the chain ends with the stream */
        return;
    }
    if (w->lost || w->scanning) {
        spicecap_walk_message at = {0};
        at.offset = w->lost_at;
        if (w->skipped > 0) /* lost at a gap that ends the stream: nothing unframed */
            spicecap_walker_emit_finding(sink, SPICECAP_WALK_NO_RESYNC, &at, w->skipped, 0);
        return;
    }
    if (spicecap_walker_mid_message(w) && !w->cut && !file_truncated) {
        uint64_t missing = w->have < w->need ? (uint64_t)(w->need - w->have) : w->body_left;
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_TRUNCATED, &w->msg, missing, w->msg.tag);
    }
}
