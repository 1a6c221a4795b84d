/* The SPICE stream walk: stage rules first, then the byte-stream walker
 * built on them (spice_walker.h says what each layer is for). */
#include "spice_walker.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "spice_names.h"
#include "walker_internal.h"

static spicecap_direction other_side(spicecap_direction d)
{
    return d == SPICECAP_DIR_SENT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
}

const char *spicecap_stop_reason_text(spicecap_stop_reason reason)
{
    switch (reason) {
    case SPICECAP_STOP_REFUSED:
        return "the server refused the link";
    case SPICECAP_STOP_SASL:
        return "SASL authentication: its exchange is not framed by SPICE headers";
    case SPICECAP_STOP_BAD_LINK:
        return "a link header with a bad magic or an implausible size";
    case SPICECAP_STOP_INSANE_SIZE:
        return "a message header past the sane size bound";
    case SPICECAP_STOP_TLS:
        return "TLS: the SPICE messages are encrypted";
    case SPICECAP_STOP_MID_STREAM:
        return "the capture starts mid-stream, without a SPICE link header";
    case SPICECAP_STOP_GAP_IN_LINK:
        return "a gap inside the link stage";
    case SPICECAP_STOP_NO_MEMORY:
        return "out of memory for the link stage";
    case SPICECAP_STOP_NONE:
        break;
    }
    return "not stopped";
}

/* ---- stage rules ---- */

void spicecap_link_init_real(spicecap_link_state *link)
{
    memset(link, 0, sizeof *link);
    link->next[SPICECAP_DIR_SENT] = link->next[SPICECAP_DIR_RECEIVED] = SPICECAP_STAGE_LINK;
}

void spicecap_link_init_recorded(spicecap_link_state *link, uint8_t channel)
{
    memset(link, 0, sizeof *link);
    link->channel = channel;
    for (int d = 0; d < 2; d++) {
        link->caps_known[d] = true;
        link->common_caps[d] = 1u << SPICE_COMMON_CAP_MINI_HEADER;
        link->next[d] = SPICECAP_STAGE_MINI;
    }
}

spicecap_stream_start spicecap_stream_classify(const uint8_t *data, size_t len)
{
    if (len >= 1 && data[0] == SPICECAP_TLS_HANDSHAKE)
        return SPICECAP_START_TLS;
    if (len < 4)
        return SPICECAP_START_UNKNOWN;
    return spicecap_le32(data) == SPICECAP_LINK_MAGIC ? SPICECAP_START_LINK : SPICECAP_START_OTHER;
}

static bool offered(const spicecap_link_state *link, spicecap_direction d, unsigned cap)
{
    return link->caps_known[d] && (link->common_caps[d] >> cap & 1u);
}

spicecap_stage spicecap_link_next_stage(spicecap_link_state *link, spicecap_direction d)
{
    spicecap_stage st = link->next[d];
    if (st == SPICECAP_STAGE_AFTER_CLIENT_LINK) {
        bool both = offered(link, SPICECAP_DIR_SENT, SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION) &&
                    offered(link, SPICECAP_DIR_RECEIVED, SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION);
        st = both ? SPICECAP_STAGE_AUTH_MECHANISM : SPICECAP_STAGE_TICKET;
    } else if (st == SPICECAP_STAGE_MESSAGES) {
        /* A side whose link message was not seen is taken to agree. */
        spicecap_direction other = other_side(d);
        bool mine = offered(link, d, SPICE_COMMON_CAP_MINI_HEADER);
        bool theirs = link->caps_known[other] ? offered(link, other, SPICE_COMMON_CAP_MINI_HEADER) : mine;
        st = mine && theirs ? SPICECAP_STAGE_MINI : SPICECAP_STAGE_DATA;
    }
    link->next[d] = st;
    return st;
}

uint32_t spicecap_stage_fixed_len(spicecap_stage stage)
{
    switch (stage) {
    case SPICECAP_STAGE_LINK:
        return SPICECAP_LINK_HEADER_LEN;
    case SPICECAP_STAGE_AUTH_MECHANISM:
        return SPICECAP_LINK_AUTH_MECHANISM_LEN;
    case SPICECAP_STAGE_TICKET:
        return SPICECAP_LINK_TICKET_LEN;
    case SPICECAP_STAGE_LINK_RESULT:
        return SPICECAP_LINK_RESULT_LEN;
    case SPICECAP_STAGE_MINI:
        return SPICECAP_MINI_HDR_LEN;
    case SPICECAP_STAGE_DATA:
        return SPICECAP_DATA_HDR_LEN;
    default:
        return 1;
    }
}

uint16_t spicecap_header_type(spicecap_stage stage, const uint8_t *head)
{
    return spicecap_le16(head + (stage == SPICECAP_STAGE_DATA ? SPICECAP_DATA_HDR_TYPE_AT : SPICECAP_MINI_HDR_TYPE_AT));
}

uint32_t spicecap_header_size(spicecap_stage stage, const uint8_t *head)
{
    return spicecap_le32(head + (stage == SPICECAP_STAGE_DATA ? SPICECAP_DATA_HDR_SIZE_AT : SPICECAP_MINI_HDR_SIZE_AT));
}

static bool link_header_believed(const uint8_t *head)
{
    return spicecap_link_header_ok(spicecap_le32(head), spicecap_le32(head + SPICECAP_LINK_HEADER_SIZE_AT));
}

uint64_t spicecap_stage_pdu_len(spicecap_stage stage, const uint8_t *head)
{
    uint32_t size;
    switch (stage) {
    case SPICECAP_STAGE_LINK:
        if (!link_header_believed(head))
            return SPICECAP_LINK_HEADER_LEN;
        return (uint64_t)SPICECAP_LINK_HEADER_LEN + spicecap_le32(head + SPICECAP_LINK_HEADER_SIZE_AT);
    case SPICECAP_STAGE_MINI:
    case SPICECAP_STAGE_DATA:
        size = spicecap_header_size(stage, head);
        return spicecap_stage_fixed_len(stage) + (size > SPICECAP_SANE_MESSAGE_SIZE ? 0 : (uint64_t)size);
    case SPICECAP_STAGE_AUTH_MECHANISM:
    case SPICECAP_STAGE_TICKET:
    case SPICECAP_STAGE_LINK_RESULT:
        return spicecap_stage_fixed_len(stage);
    default:
        return 0;
    }
}

static void stop(spicecap_link_state *link, spicecap_direction d, spicecap_stop_reason why)
{
    link->next[d] = SPICECAP_STAGE_UNFRAMEABLE;
    if (link->stop[d] == SPICECAP_STOP_NONE)
        link->stop[d] = why;
}

static void stop_both(spicecap_link_state *link, spicecap_stop_reason why)
{
    stop(link, SPICECAP_DIR_SENT, why);
    stop(link, SPICECAP_DIR_RECEIVED, why);
}

/* The link message (client) or reply (server), after its header: channel
 * and capabilities. */
static void link_body_done(spicecap_link_state *link, spicecap_direction d, const uint8_t *body, size_t n)
{
    uint32_t count_at, offset_at;
    bool refused = false;
    if (d == SPICECAP_DIR_SENT) {
        if (n > SPICECAP_LINK_MESS_CHANNEL_TYPE_AT)
            link->channel = body[SPICECAP_LINK_MESS_CHANNEL_TYPE_AT];
        count_at = SPICECAP_LINK_MESS_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_MESS_CAPS_OFFSET_AT;
        link->next[d] = SPICECAP_STAGE_AFTER_CLIENT_LINK;
    } else {
        count_at = SPICECAP_LINK_REPLY_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_REPLY_CAPS_OFFSET_AT;
        refused = n < 4 || spicecap_le32(body) != SPICE_LINK_ERR_OK;
        link->next[d] = SPICECAP_STAGE_LINK_RESULT;
    }
    link->common_caps[d] = 0;
    if (n >= (size_t)offset_at + 4 && spicecap_le32(body + count_at) > 0) {
        uint32_t at = spicecap_le32(body + offset_at);
        if (at <= n - 4)
            link->common_caps[d] = spicecap_le32(body + at);
    }
    link->caps_known[d] = true;
    /* A refused link is the server's last word on this connection. */
    if (refused)
        stop_both(link, SPICECAP_STOP_REFUSED);
}

void spicecap_link_pdu_done(spicecap_link_state *link, spicecap_direction d, spicecap_stage stage,
                            const uint8_t *pdu, size_t len)
{
    uint32_t value = len >= 4 ? spicecap_le32(pdu) : 0;
    if (link->next[d] == SPICECAP_STAGE_UNFRAMEABLE)
        return; /* stopped (by the other side, too) stays stopped */
    switch (stage) {
    case SPICECAP_STAGE_LINK:
        if (len < SPICECAP_LINK_HEADER_LEN || !link_header_believed(pdu))
            stop(link, d, SPICECAP_STOP_BAD_LINK);
        else
            link_body_done(link, d, pdu + SPICECAP_LINK_HEADER_LEN, len - SPICECAP_LINK_HEADER_LEN);
        break;
    case SPICECAP_STAGE_AUTH_MECHANISM:
        if (value == SPICE_COMMON_CAP_AUTH_SASL)
            stop_both(link, SPICECAP_STOP_SASL);
        else
            link->next[d] = SPICECAP_STAGE_TICKET;
        break;
    case SPICECAP_STAGE_TICKET:
        link->next[d] = SPICECAP_STAGE_MESSAGES;
        break;
    case SPICECAP_STAGE_LINK_RESULT:
        if (value != SPICE_LINK_ERR_OK)
            stop_both(link, SPICECAP_STOP_REFUSED);
        else
            link->next[d] = SPICECAP_STAGE_MESSAGES;
        break;
    case SPICECAP_STAGE_MINI:
    case SPICECAP_STAGE_DATA:
        /* A header past the sane bound: the stream after it cannot be
         * trusted to start a message. */
        if (len >= spicecap_stage_fixed_len(stage) && spicecap_header_size(stage, pdu) > SPICECAP_SANE_MESSAGE_SIZE)
            stop(link, d, SPICECAP_STOP_INSANE_SIZE);
        break;
    default:
        break;
    }
}

/* ---- the byte-stream walker ---- */

static void emit_note(const spicecap_walk_sink *sink, spicecap_walk_note kind, uint64_t offset)
{
    if (sink && sink->note)
        sink->note(sink->ctx, kind, offset);
}

bool spicecap_walker_stopped(const spicecap_walker *w)
{
    return w->stopped;
}

spicecap_stop_reason spicecap_walker_stop_reason(const spicecap_walker *w)
{
    return w->link->stop[w->direction];
}

void spicecap_walker_init(spicecap_walker *w, spicecap_link_state *link, spicecap_direction d,
                          spicecap_walk_mode mode)
{
    memset(w, 0, sizeof *w);
    w->link = link;
    w->direction = d;
    w->mode = mode;
}

void spicecap_walker_clear(spicecap_walker *w)
{
    free(w->pdu);
    w->pdu = NULL;
    spicecap_lookback_free(w->lookback);
    w->lookback = NULL;
}

static void halt(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    if (w->stopped)
        return;
    w->stopped = true;
    spicecap_walker_clear(w);
    emit_note(sink, SPICECAP_NOTE_STOPPED, w->offset);
}

/* Take the direction's next stage from the shared rules; false when the
 * direction is not framed any more. */
static bool take_stage(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    w->pending = false;
    w->stage = spicecap_link_next_stage(w->link, w->direction);
    if (w->stage == SPICECAP_STAGE_UNFRAMEABLE || w->stage == SPICECAP_STAGE_NONE) {
        halt(w, sink);
        return false;
    }
    w->need = spicecap_stage_fixed_len(w->stage);
    if (spicecap_walker_in_messages(w)) {
        memset(&w->msg, 0, sizeof w->msg);
        w->msg.data_header = w->stage == SPICECAP_STAGE_DATA;
    }
    return true;
}

/* Between or inside data messages (not in the link stage). */
static bool at_messages(const spicecap_walker *w)
{
    if (!w->pending)
        return spicecap_walker_in_messages(w);
    spicecap_stage next = w->link->next[w->direction];
    return next == SPICECAP_STAGE_MESSAGES || next == SPICECAP_STAGE_MINI || next == SPICECAP_STAGE_DATA;
}

/* A real stream's first bytes decide what it is; fewer than four that are
 * not TLS cannot tell yet, so they wait in the header buffer. Returns how
 * many of data it took to decide (all of them while still undecided). */
static size_t start(spicecap_walker *w, const uint8_t *data, size_t len, const spicecap_walk_sink *sink)
{
    size_t n = 4 - w->have < len ? 4 - w->have : len;
    memcpy(w->header + w->have, data, n);
    w->have += (uint32_t)n;
    spicecap_stream_start kind = spicecap_stream_classify(w->header, w->have);
    if (kind == SPICECAP_START_UNKNOWN)
        return n;
    w->started = true;
    if (kind != SPICECAP_START_LINK) {
        stop(w->link, w->direction, kind == SPICECAP_START_TLS ? SPICECAP_STOP_TLS : SPICECAP_STOP_MID_STREAM);
        halt(w, sink);
        return n;
    }
    w->pending = true; /* the link header, whose first bytes wait in the header buffer */
    return n;
}

/* A whole header was read: believe it, or lose the framing. */
static bool accept_header(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    uint16_t type = spicecap_header_type(w->stage, w->header);
    uint32_t size = spicecap_header_size(w->stage, w->header);
    w->msg.type = type;
    if (size > SPICECAP_SANE_MESSAGE_SIZE) {
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_BAD_HEADER, &w->msg, size, w->msg.tag);
        return false;
    }
    w->msg.wire_size = (uint64_t)w->need + size;
    w->body_left = size;
    return true;
}

static void lose_framing(spicecap_walker *w, const spicecap_walk_sink *sink)
{
    spicecap_link_pdu_done(w->link, w->direction, w->stage, w->header, w->need);
    if (w->link->stop[w->direction] == SPICECAP_STOP_NONE)
        stop(w->link, w->direction, SPICECAP_STOP_INSANE_SIZE);
    emit_note(sink, SPICECAP_NOTE_FRAMING_LOST, w->msg.offset);
    w->stopped = true;
}

/* A link-stage PDU: collected whole (at most a header and 4 KiB), then
 * handed to the rules. */
static size_t feed_link(spicecap_walker *w, const uint8_t *data, size_t avail, const spicecap_walk_sink *sink)
{
    if (w->pdu == NULL) {
        w->pdu = malloc(SPICECAP_LINK_HEADER_LEN + SPICECAP_LINK_BODY_MAX);
        if (w->pdu == NULL) {
            stop(w->link, w->direction, SPICECAP_STOP_NO_MEMORY);
            halt(w, sink);
            return avail;
        }
    }
    size_t n = w->need - w->have < avail ? w->need - w->have : avail;
    memcpy(w->pdu + w->have, data, n);
    w->have += (uint32_t)n;
    if (w->have < w->need)
        return n;
    if (w->stage == SPICECAP_STAGE_LINK && w->need == SPICECAP_LINK_HEADER_LEN) {
        uint64_t whole = spicecap_stage_pdu_len(w->stage, w->pdu);
        if (whole > w->need) {
            w->need = (uint32_t)whole; /* believed: at most the header and 4 KiB */
            return n;
        }
    }
    spicecap_link_pdu_done(w->link, w->direction, w->stage, w->pdu, w->have);
    spicecap_walker_next_pdu(w);
    if (at_messages(w) || w->link->next[w->direction] == SPICECAP_STAGE_UNFRAMEABLE)
        spicecap_walker_clear(w); /* only a direction still in its link stage holds a buffer */
    return n;
}

static size_t feed_message(spicecap_walker *w, const uint8_t *data, size_t avail, uint64_t tag,
                           const spicecap_walk_sink *sink)
{
    bool header_done;
    size_t n = spicecap_walker_take_message_bytes(w, data, avail, tag, &header_done);
    if (header_done && !accept_header(w, sink)) {
        lose_framing(w, sink);
        return avail; /* the rest of the chunk cannot be framed */
    }
    if (w->have < w->need || w->body_left > 0)
        return n;
    spicecap_walk_message done = w->msg;
    spicecap_walker_emit_message(sink, &done);
    spicecap_walker_next_pdu(w);
    return n;
}

/* Walk contiguous bytes of one chunk (or the bytes that decided the start). */
static size_t walk_bytes(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                         const spicecap_walk_sink *sink)
{
    size_t at = 0;
    while (at < len && !w->stopped) {
        if (w->pending && !take_stage(w, sink))
            break;
        size_t n = spicecap_walker_in_messages(w) ? feed_message(w, data + at, len - at, tag, sink)
                                  : feed_link(w, data + at, len - at, sink);
        w->offset += n;
        at += n;
    }
    return at;
}

static void feed(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag, bool lasting,
                 const spicecap_walk_sink *sink)
{
    if (len == 0)
        return;
    if (w->mode == SPICECAP_WALK_RECORDED) {
        spicecap_walker_feed_recorded(w, data, len, tag, lasting, sink);
        return;
    }
    size_t at = 0;
    if (!w->started) {
        at = start(w, data, len, sink);
        if (!w->started)
            return; /* still undecided: the bytes wait in the header buffer */
        /* The bytes that decided are the link header's first: walked now. */
        uint8_t first[4];
        size_t n = w->have;
        memcpy(first, w->header, n);
        w->have = 0;
        if (w->stopped)
            w->offset += n;
        else
            walk_bytes(w, first, n, tag, sink);
    }
    if (spicecap_walker_mid_message(w))
        w->msg.chunks++; /* this chunk continues the message */
    at += walk_bytes(w, data + at, len - at, tag, sink);
    w->offset += len - at;
    w->last_chunk = spicecap_walker_mid_message(w) ? (uint32_t)len : 0;
}

void spicecap_walker_feed(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                          const spicecap_walk_sink *sink)
{
    feed(w, data, len, tag, false, sink);
}

void spicecap_walker_feed_lasting(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                                  const spicecap_walk_sink *sink)
{
    feed(w, data, len, tag, true, sink);
}

void spicecap_walker_empty(spicecap_walker *w, uint64_t tag, const spicecap_walk_sink *sink)
{
    if (w->mode == SPICECAP_WALK_RECORDED && w->bodies && !w->body_tail)
        spicecap_walker_body_chunk(w, 0, tag, sink);
}

const spicecap_walk_message *spicecap_walker_gap(spicecap_walker *w, uint64_t len, const spicecap_walk_sink *sink)
{
    if (w->mode == SPICECAP_WALK_RECORDED)
        return spicecap_walker_gap_recorded(w, len, sink);
    const spicecap_walk_message *cut = spicecap_walker_mid_message(w) ? &w->msg : NULL;
    w->offset += len;
    if (w->stopped)
        return cut;
    if (w->started && at_messages(w)) {
        emit_note(sink, SPICECAP_NOTE_GAP_UNFRAMED, w->offset - len);
        w->stopped = true;
    } else {
        stop(w->link, w->direction, SPICECAP_STOP_GAP_IN_LINK);
        halt(w, sink);
    }
    return cut;
}

void spicecap_walker_end(spicecap_walker *w, bool file_truncated, const spicecap_walk_sink *sink)
{
    if (w->mode == SPICECAP_WALK_RECORDED)
        spicecap_walker_end_recorded(w, file_truncated, sink);
    else if (spicecap_walker_mid_message(w) && !file_truncated) {
        uint64_t missing = w->have < w->need ? (uint64_t)(w->need - w->have) : w->body_left;
        spicecap_walker_emit_finding(sink, SPICECAP_WALK_TRUNCATED, &w->msg, missing, w->msg.tag);
    }
    spicecap_walker_clear(w);
}

spicecap_walk_layout spicecap_walker_layout(const spicecap_walker *w)
{
    return w->layout;
}

bool spicecap_walker_lost(const spicecap_walker *w)
{
    return w->lost || w->scanning;
}
