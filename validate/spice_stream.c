/* The SPICE walk of one flow direction, on the shared walker
 * (format/spice_walker.h): the link stage of real captures, then message
 * headers, bodies skipped by count. In recorded captures each message
 * starts a TCP segment and fills whole segments of 65495 bytes but its
 * last, so the walker checks a message's size against the segments that
 * carry it. This file only turns the walker's reports into the
 * validator's words: seq numbers, frames, findings and notes. */
#include "spice_stream.h"

#include <glib.h>

#include "channels.h"
#include "spice_names.h"

/* What one feed, gap or end reports to, with the flow it concerns. */
typedef struct walk_context {
    const stream_report *report;
    flow *flow;
} walk_context;

static uint32_t seq_of(const flow *f, uint64_t offset)
{
    return f->stream_seq + (uint32_t)offset; /* TCP serial arithmetic: wraps with the seq */
}

static void note(const walk_context *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void note(const walk_context *c, const char *fmt, ...)
{
    if (c->report->note == NULL)
        return;
    va_list args;
    va_start(args, fmt);
    char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    c->report->note(c->report->ctx, text);
    g_free(text);
}

static void on_message(void *ctx, const spicecap_walk_message *m)
{
    const walk_context *c = ctx;
    walked_message w = {m->tag, seq_of(c->flow, m->offset), m->type, m->wire_size, m->chunks, m->body_only};
    if (c->report->message)
        c->report->message(c->report->ctx, c->flow, &w);
}

/* "type 304 draw_copy", or "type 9999 (no such message on this channel)". */
static void type_label(char *buf, size_t size, const flow *f, uint16_t type)
{
    const char *name = spicecap_message_name(f->conn->link.channel, f->direction, type);
    if (name)
        g_snprintf(buf, size, "type %u %s", type, name);
    else
        g_snprintf(buf, size, "type %u (no such %s message)", type,
                   spicecap_channel_name(f->conn->link.channel) ? spicecap_channel_name(f->conn->link.channel)
                                                                : "channel");
}

/* Add text to a loss's finding (its own detail only: once the list is
 * full a loss is only counted, and nothing else must grow). */
static void append(finding *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void append(finding *g, const char *fmt, ...)
{
    if (g == NULL)
        return;
    va_list args;
    va_start(args, fmt);
    char *more = g_strdup_vprintf(fmt, args);
    va_end(args);
    char *detail = g_strconcat(g->detail, more, NULL);
    g_free(more);
    g_free(g->detail);
    g->detail = detail;
}

/* A header that cannot be: one finding, told what came before it. */
static void bad_header(const walk_context *c, finding_kind kind, const spicecap_walk_message *m, uint64_t size)
{
    flow *f = c->flow;
    char type[96];
    type_label(type, sizeof type, f, m->type);
    uint32_t seq = seq_of(f, m->offset);
    finding *d;
    if (m->offset == 0 && c->report->snaplen_rule)
        d = findings_add(c->report->findings, FINDING_SNAPLEN_LOSS, c->report->path, m->tag, f->name,
                         "snaplen loss: the flow starts inside a message (seq %u does not read as a header: %s): its "
                         "first records were over the file's snaplen, and ryll's pcap writer never wrote them",
                         seq, type);
    else if (kind == FINDING_BAD_HEADER)
        d = findings_add(c->report->findings, kind, c->report->path, m->tag, f->name,
                         "a %s header at seq %u claims a %" G_GUINT64_FORMAT "-byte body (%s): no sender writes that",
                         m->data_header ? "data" : "mini", seq, size, type);
    else
        d = findings_add(c->report->findings, kind, c->report->path, m->tag, f->name,
                         "desync: the mini header at seq %u (%s, %" G_GUINT64_FORMAT "-byte body) cannot be, and no "
                         "gap in the seq chain explains it: bytes vanished under a contiguous seq (likely cause: "
                         "ryll's capture writer dropped a write when its queue was full)",
                         seq, type, size);
    if (d) {
        d->has_seq = 1;
        d->seq_start = d->seq_end = seq;
    }
    if (f->have_suspect) {
        if (d)
            d->messages_cut++;
        char before[96];
        type_label(before, sizeof before, f, f->suspect.type);
        append(d, "; the message before it (%s, %" G_GUINT64_FORMAT " bytes, seq %u, frame %" G_GUINT64_FORMAT
                  ") was walked whole by its size, so the lost bytes are likely inside it",
               before, f->suspect.wire_size, seq_of(f, f->suspect.offset), f->suspect.tag);
        f->have_suspect = false;
    }
    f->loss = d;
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    const walk_context *c = ctx;
    flow *f = c->flow;
    findings *out = c->report->findings;
    const char *path = c->report->path;
    uint32_t seq = seq_of(f, m->offset);
    char type[96];
    type_label(type, sizeof type, f, m->type);
    switch (kind) {
    case SPICECAP_WALK_BAD_HEADER:
        bad_header(c, FINDING_BAD_HEADER, m, extra);
        break;
    case SPICECAP_WALK_DESYNC:
        bad_header(c, FINDING_DESYNC, m, extra);
        break;
    case SPICECAP_WALK_SUSPECT: {
        f->have_suspect = true;
        f->suspect = *m;
        walked_message w = {m->tag, seq, m->type, m->wire_size, m->chunks, m->body_only};
        if (c->report->retract)
            c->report->retract(c->report->ctx, f, &w);
        break;
    }
    case SPICECAP_WALK_SIZE_SHORT:
        findings_add(out, FINDING_SIZE_MISMATCH, path, m->tag, f->name,
                     "message %s at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its segments end "
                     "after %" G_GUINT64_FORMAT " (frame %" G_GUINT64_FORMAT " starts the next)",
                     type, seq, m->wire_size, extra, tag);
        break;
    case SPICECAP_WALK_SIZE_LONG:
        findings_add(out, FINDING_SIZE_MISMATCH, path, m->tag, f->name,
                     "message %s at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its last segment "
                     "(frame %" G_GUINT64_FORMAT ") holds %" G_GUINT64_FORMAT " more",
                     type, seq, m->wire_size, tag, extra);
        break;
    case SPICECAP_WALK_TRUNCATED:
        findings_add(out, FINDING_MESSAGE_TRUNCATED, path, m->tag, f->name,
                     "message %s at seq %u needs %" G_GUINT64_FORMAT " more bytes than the capture holds",
                     type, seq, extra);
        break;
    case SPICECAP_WALK_CUT:
        /* Told in the gap's own finding (spice_stream_gap). */
        break;
    case SPICECAP_WALK_RESYNC:
        if (f->loss && f->loss->kind == FINDING_DESYNC && (int32_t)(seq_of(f, m->offset - extra) - f->loss->seq_start) < 0)
            append(f->loss, "; searched again from seq %u, inside the message before it: %" G_GUINT64_FORMAT
                            " bytes could not be framed, and the walk resumes at seq %u (frame %" G_GUINT64_FORMAT
                            ", message %s)",
                   seq_of(f, m->offset - extra), extra, seq, m->tag, type);
        else if (extra > 0)
            append(f->loss, "; %" G_GUINT64_FORMAT " bytes after it could not be framed, and the walk resumes at "
                            "seq %u (frame %" G_GUINT64_FORMAT ", message %s)",
                   extra, seq, m->tag, type);
        else
            append(f->loss, "; the walk resumes at seq %u (frame %" G_GUINT64_FORMAT ", message %s)", seq, m->tag,
                   type);
        f->loss = NULL;
        break;
    case SPICECAP_WALK_HEADERLESS:
        findings_add(out, FINDING_HEADERLESS_PLAYBACK, path, m->tag, f->name,
                     "playback bodies without their header: from seq %u on, each record of this flow is the body "
                     "of one message, without its 6-byte mini header (likely cause: ryll's playback.rs records what "
                     "it received without the header, record_received(&payload)); each record is counted as one "
                     "playback message of unknown type, and the flow's seq chain is still checked. The fix, on "
                     "ryll's side: pass the whole message, header included, to record_received",
                     seq);
        break;
    case SPICECAP_WALK_UNKNOWN_TYPE: {
        walked_message w = {m->tag, seq, m->type, m->wire_size, m->chunks, m->body_only};
        bool told = !(f->unknown_noted && f->unknown_type == m->type);
        f->unknown_noted = true;
        f->unknown_type = m->type;
        if (c->report->unknown_type)
            c->report->unknown_type(c->report->ctx, f, &w, told);
        break;
    }
    case SPICECAP_WALK_NO_RESYNC:
        append(f->loss, "; the %" G_GUINT64_FORMAT " bytes after it, to the end of the flow, could not be framed",
               extra);
        f->loss = NULL;
        break;
    }
}

static void on_note(void *ctx, spicecap_walk_note kind, uint64_t offset)
{
    const walk_context *c = ctx;
    const flow *f = c->flow;
    switch (kind) {
    case SPICECAP_NOTE_STOPPED:
        note(c, "%s: cannot be framed: %s", f->name, spicecap_stop_reason_text(spicecap_walker_stop_reason(&f->walker)));
        break;
    case SPICECAP_NOTE_FRAMING_LOST:
        note(c, "%s: framing lost at seq %u", f->name, seq_of(f, offset));
        break;
    case SPICECAP_NOTE_GAP_UNFRAMED:
        note(c, "%s: no framing after the gap at seq %u", f->name, seq_of(f, offset));
        break;
    }
}

static spicecap_walk_sink sink_for(walk_context *c)
{
    return (spicecap_walk_sink){c, on_message, on_finding, on_note};
}

/* The walk starts at the first byte the flow delivers (or the first gap). */
static void begin(flow *f, uint32_t seq)
{
    if (f->walking)
        return;
    f->walking = true;
    f->stream_seq = seq;
    spicecap_walker_init(&f->walker, &f->conn->link, f->direction,
                         f->recorded ? SPICECAP_WALK_RECORDED : SPICECAP_WALK_REAL);
}

void spice_stream_bytes(const stream_report *r, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data,
                        uint32_t len, bool lasting)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    begin(f, seq);
    if (lasting)
        spicecap_walker_feed_lasting(&f->walker, data, len, frame, &sink);
    else
        spicecap_walker_feed(&f->walker, data, len, frame, &sink);
}

void spice_stream_gap(const stream_report *r, flow *f, uint32_t seq, uint32_t missing, finding *gap)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    begin(f, seq);
    f->loss = gap;
    bool was_lost = spicecap_walker_lost(&f->walker);
    const spicecap_walk_message *cut = spicecap_walker_gap(&f->walker, missing, &sink);
    if (cut != NULL && gap != NULL)
        gap->messages_cut++;
    if (cut != NULL && cut->wire_size > 0) {
        /* The gap's finding says which message it cuts: not a second finding. */
        char type[96];
        type_label(type, sizeof type, f, cut->type);
        append(gap, "; it cuts message %s (%" G_GUINT64_FORMAT " bytes) that starts at seq %u (frame %" G_GUINT64_FORMAT
                    ")", type, cut->wire_size, seq_of(f, cut->offset), cut->tag);
    } else if (cut != NULL) {
        append(gap, "; it cuts a message whose header is lost too (it starts at seq %u, frame %" G_GUINT64_FORMAT ")",
               seq_of(f, cut->offset), cut->tag);
    }
    if (f->recorded && !was_lost && !spicecap_walker_lost(&f->walker) && cut != NULL)
        append(gap, "; the walk goes on at the cut message's end, seq %u", seq_of(f, cut->offset + cut->wire_size));
    if (!spicecap_walker_lost(&f->walker))
        f->loss = NULL;
}

void spice_stream_empty(const stream_report *r, flow *f, uint64_t frame)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    if (f->walking) /* a flow's first record decides what it is: one of no bytes cannot */
        spicecap_walker_empty(&f->walker, frame, &sink);
}

void spice_stream_end(const stream_report *r, flow *f)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    if (f->walking)
        spicecap_walker_end(&f->walker, r->file_truncated, &sink);
}
