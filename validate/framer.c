/* The SPICE framing walk over one flow direction's contiguous bytes: the
 * link stage of real captures, then message headers, skipping bodies by
 * count. In recorded captures each message starts a TCP segment and fills
 * whole segments of 65495 bytes but its last, so a message's size is
 * checked against the segments that carry it. */
#include <string.h>

#include <spice/protocol.h>

#include "channels.h"
#include "link_stage.h"
#include "spice_names.h"
#include "validation.h"

#define MINI_HEADER_CAP SPICE_COMMON_CAP_MINI_HEADER
#define AUTH_SELECTION_CAP SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void unframeable(validation *v, flow *f, const char *why)
{
    f->mode = FRAMER_UNFRAMEABLE;
    if (f->unframeable_reason == NULL) {
        f->unframeable_reason = g_strdup(why);
        validation_note(v, "%s: cannot be framed: %s", f->name, why);
    }
}

static void start_header(flow *f)
{
    f->header_have = 0;
    f->header_need = f->data_header ? SPICECAP_DATA_HDR_LEN : SPICECAP_MINI_HDR_LEN;
    f->body_left = 0;
    f->msg_segments = 0;
}

static bool mid_message(const flow *f)
{
    return f->mode == FRAMER_MESSAGES && (f->header_have > 0 || f->body_left > 0);
}

/* Both sides' link messages say whether the mini header is in use. */
static void enter_messages(flow *f)
{
    connection *c = f->conn;
    bool mine = c->mini_offered[f->direction];
    int other = f->direction == SPICECAP_DIR_SENT ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
    bool theirs = c->caps_known[other] ? c->mini_offered[other] : mine;
    f->data_header = !(mine && theirs);
    f->mode = FRAMER_MESSAGES;
    start_header(f);
}

/* The link message (client) or reply (server): channel and capabilities. */
static void parse_link_body(validation *v, flow *f)
{
    const uint8_t *b = f->link_body;
    uint32_t n = f->link_have, count_at, offset_at;
    if (f->direction == SPICECAP_DIR_SENT) {
        if (n > SPICECAP_LINK_MESS_CHANNEL_TYPE_AT)
            f->conn->channel = b[SPICECAP_LINK_MESS_CHANNEL_TYPE_AT];
        count_at = SPICECAP_LINK_MESS_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_MESS_CAPS_OFFSET_AT;
    } else {
        if (n >= 4 && le32(b) != 0) {
            unframeable(v, f, "the server refused the link");
            return;
        }
        count_at = SPICECAP_LINK_REPLY_COMMON_CAPS_AT, offset_at = SPICECAP_LINK_REPLY_CAPS_OFFSET_AT;
    }
    uint32_t caps = 0;
    if (n >= offset_at + 4) {
        uint32_t common = le32(b + count_at), at = le32(b + offset_at);
        if (common > 0 && at <= n - 4)
            caps = le32(b + at);
    }
    f->conn->mini_offered[f->direction] = (caps >> MINI_HEADER_CAP) & 1;
    f->conn->auth_selection[f->direction] = (caps >> AUTH_SELECTION_CAP) & 1;
    f->conn->caps_known[f->direction] = 1;
    f->mode = f->direction == SPICECAP_DIR_SENT ? FRAMER_TICKET : FRAMER_LINK_RESULT;
    f->link_have = 0;
    /* The client's ticket length depends on the server's reply, which is
     * only certain once the ticket starts: decided then. */
    f->link_need = f->direction == SPICECAP_DIR_SENT ? 0 : SPICECAP_LINK_RESULT_LEN;
}

/* The link body has been read: parse it, then give its buffer back, so that
 * only flows still in their link stage hold one. */
static void link_body_done(validation *v, flow *f)
{
    parse_link_body(v, f);
    g_free(f->link_body);
    f->link_body = NULL;
}

static void message_done(validation *v, flow *f)
{
    validation_message(v, f, f->msg_frame, f->msg_seq, f->msg_type, f->msg_wire, f->msg_segments);
    start_header(f);
}

void framer_begin_segment(validation *v, flow *f, uint64_t frame, uint32_t seq, uint32_t len)
{
    (void)seq;
    if (f->recorded && f->mode == FRAMER_LOST) {
        f->mode = FRAMER_MESSAGES; /* try: a message starts every recorded segment it begins */
        start_header(f);
    } else if (f->recorded && mid_message(f)) {
        if (f->last_segment_len != SPICECAP_MAX_SEGMENT_PAYLOAD) {
            uint64_t held = f->header_have < f->header_need ? f->header_have : f->msg_wire - f->body_left;
            findings_add(&v->findings, FINDING_SIZE_MISMATCH, v->file->path, f->msg_frame, f->name,
                         "message type %u at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its "
                         "segments end after %" G_GUINT64_FORMAT " (frame %" G_GUINT64_FORMAT " starts the next)",
                         f->msg_type, f->msg_seq, f->msg_wire, held, frame);
            start_header(f);
        }
    }
    if (mid_message(f))
        f->msg_segments++; /* this segment continues the message */
    f->segment_start = true;
    f->segment_len = len;
}

/* Parse a complete header; false (and a finding, unless resyncing) when it
 * cannot be a real message. */
static bool accept_header(validation *v, flow *f, bool resyncing)
{
    const uint8_t *h = f->header;
    uint16_t type = f->data_header ? (uint16_t)(h[8] | h[9] << 8) : (uint16_t)(h[0] | h[1] << 8);
    uint32_t size = f->data_header ? le32(h + 10) : le32(h + 2);
    bool known = spicecap_message_name((unsigned)f->conn->channel, f->direction, type) != NULL;
    if (resyncing && !known)
        return false;
    if (size > SPICECAP_SANE_MESSAGE_SIZE) {
        if (!resyncing)
            findings_add(&v->findings, FINDING_BAD_HEADER, v->file->path, f->msg_frame, f->name,
                         "a %s header at seq %u claims a %u-byte body (type %u): no sender writes that",
                         f->data_header ? "data" : "mini", f->msg_seq, size, type);
        return false;
    }
    f->msg_type = type;
    f->msg_wire = (uint64_t)f->header_need + size;
    f->body_left = size;
    return true;
}

void framer_feed(validation *v, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len)
{
    bool starts_segment = f->segment_start;
    bool resyncing = false;
    f->segment_start = false;
    uint32_t at = 0;
    if (f->mode == FRAMER_START) {
        if (f->recorded) {
            f->conn->mini_offered[0] = f->conn->mini_offered[1] = 1;
            f->conn->caps_known[0] = f->conn->caps_known[1] = 1;
            enter_messages(f);
        } else if (len >= 4 && le32(data) == SPICECAP_LINK_MAGIC) {
            f->mode = FRAMER_LINK_HEADER;
            f->link_have = 0;
            f->link_need = SPICECAP_LINK_HEADER_LEN;
            f->link_body = g_malloc(SPICECAP_LINK_BODY_MAX);
        } else if (data[0] == SPICECAP_TLS_HANDSHAKE) {
            unframeable(v, f, "TLS: the SPICE messages are encrypted");
        } else {
            unframeable(v, f, "the capture starts mid-stream, without a SPICE link header");
        }
    }
    if (f->resync && f->mode == FRAMER_MESSAGES && starts_segment && !mid_message(f))
        resyncing = true;
    while (at < len) {
        uint32_t n, avail = len - at;
        switch (f->mode) {
        case FRAMER_LINK_HEADER:
        case FRAMER_LINK_BODY:
        case FRAMER_TICKET:
        case FRAMER_LINK_RESULT:
            if (f->mode == FRAMER_TICKET && f->link_need == 0)
                f->link_need = SPICECAP_LINK_TICKET_LEN + (f->conn->auth_selection[0] && f->conn->auth_selection[1]
                                                 ? SPICECAP_LINK_AUTH_MECHANISM_LEN : 0);
            n = f->link_need - f->link_have < avail ? f->link_need - f->link_have : avail;
            if (f->mode == FRAMER_LINK_HEADER || f->mode == FRAMER_LINK_BODY)
                memcpy(f->link_body + f->link_have, data + at, n);
            f->link_have += n;
            at += n;
            if (f->link_have < f->link_need)
                break;
            if (f->mode == FRAMER_LINK_HEADER) {
                uint32_t size = le32(f->link_body + SPICECAP_LINK_HEADER_SIZE_AT);
                if (!spicecap_link_header_ok(le32(f->link_body), size)) {
                    unframeable(v, f, "a link header with a bad magic or an implausible size");
                    break;
                }
                f->mode = FRAMER_LINK_BODY;
                f->link_have = 0;
                f->link_need = size;
                if (size == 0)
                    link_body_done(v, f);
            } else if (f->mode == FRAMER_LINK_BODY) {
                link_body_done(v, f);
            } else {
                enter_messages(f);
            }
            break;
        case FRAMER_MESSAGES:
            if (f->header_have < f->header_need) {
                if (f->header_have == 0) {
                    f->msg_frame = frame;
                    f->msg_seq = seq + at;
                    f->msg_segments = 1;
                }
                n = f->header_need - f->header_have < avail ? f->header_need - f->header_have : avail;
                memcpy(f->header + f->header_have, data + at, n);
                f->header_have += n;
                at += n;
                if (f->header_have == f->header_need && !accept_header(v, f, resyncing)) {
                    f->mode = FRAMER_LOST;
                    if (!f->recorded)
                        validation_note(v, "%s: framing lost at seq %u", f->name, f->msg_seq);
                    at = len;
                    break;
                }
                resyncing = f->resync = false;
            } else {
                n = f->body_left < avail ? (uint32_t)f->body_left : avail;
                f->body_left -= n;
                at += n;
            }
            if (f->header_have == f->header_need && f->body_left == 0) {
                message_done(v, f);
                if (f->recorded && at < len) {
                    findings_add(&v->findings, FINDING_SIZE_MISMATCH, v->file->path, f->msg_frame, f->name,
                                 "message type %u at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its "
                                 "last segment (frame %" G_GUINT64_FORMAT ") holds %u more",
                                 f->msg_type, f->msg_seq, f->msg_wire, frame, len - at);
                    f->mode = FRAMER_LOST; /* resync where the next segment starts */
                    at = len;
                }
            }
            break;
        case FRAMER_START:
        case FRAMER_LOST:
        case FRAMER_UNFRAMEABLE:
            at = len;
            break;
        }
    }
    if (mid_message(f))
        f->last_segment_len = len;
    else
        f->last_segment_len = 0;
}

void framer_gap(validation *v, flow *f, uint32_t seq, finding *gap)
{
    if (mid_message(f) && gap != NULL) {
        /* The gap's finding says which message it cuts: not a second finding.
         * Only its own: once the list is full the gap is only counted, and
         * the last finding kept must not grow with every later gap. */
        char *detail = g_strdup_printf("%s; it cuts message type %u that starts at seq %u (frame %" G_GUINT64_FORMAT
                                       ")", gap->detail, f->msg_type, f->msg_seq, f->msg_frame);
        g_free(gap->detail);
        gap->detail = detail;
    }
    if (f->mode == FRAMER_MESSAGES || f->mode == FRAMER_LOST) {
        f->mode = FRAMER_LOST;
        f->resync = true; /* the next segment start may begin a message */
        if (!f->recorded)
            validation_note(v, "%s: no framing after the gap at seq %u", f->name, seq);
    } else if (f->mode != FRAMER_UNFRAMEABLE) {
        unframeable(v, f, "a gap inside the link stage");
    }
}

void framer_end(validation *v, flow *f)
{
    if (!mid_message(f) || v->file->truncated)
        return;
    findings_add(&v->findings, FINDING_MESSAGE_TRUNCATED, v->file->path, f->msg_frame, f->name,
                 "message type %u at seq %u needs %" G_GUINT64_FORMAT " more bytes than the capture holds",
                 f->msg_type, f->msg_seq,
                 f->header_have < f->header_need ? (uint64_t)(f->header_need - f->header_have) : f->body_left);
}
