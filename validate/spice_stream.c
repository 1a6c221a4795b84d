/* The SPICE walk of one flow direction, on the shared walker
 * (format/spice_walker.h): the link stage of real captures, then message
 * headers, bodies skipped by count. In recorded captures each message
 * starts a TCP segment and fills whole segments of 65495 bytes but its
 * last, so the walker checks a message's size against the segments that
 * carry it. This file only turns the walker's reports into the
 * validator's words: seq numbers, frames, findings and notes. */
#include "spice_stream.h"

#include <glib.h>

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
    walked_message w = {m->tag, seq_of(c->flow, m->offset), m->type, m->wire_size, m->chunks};
    if (c->report->message)
        c->report->message(c->report->ctx, c->flow, &w);
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    const walk_context *c = ctx;
    const flow *f = c->flow;
    findings *out = c->report->findings;
    const char *path = c->report->path;
    uint32_t seq = seq_of(f, m->offset);
    switch (kind) {
    case SPICECAP_WALK_BAD_HEADER:
        findings_add(out, FINDING_BAD_HEADER, path, m->tag, f->name,
                     "a %s header at seq %u claims a %" G_GUINT64_FORMAT "-byte body (type %u): no sender writes that",
                     m->data_header ? "data" : "mini", seq, extra, m->type);
        break;
    case SPICECAP_WALK_SIZE_SHORT:
        findings_add(out, FINDING_SIZE_MISMATCH, path, m->tag, f->name,
                     "message type %u at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its segments end "
                     "after %" G_GUINT64_FORMAT " (frame %" G_GUINT64_FORMAT " starts the next)",
                     m->type, seq, m->wire_size, extra, tag);
        break;
    case SPICECAP_WALK_SIZE_LONG:
        findings_add(out, FINDING_SIZE_MISMATCH, path, m->tag, f->name,
                     "message type %u at seq %u says %" G_GUINT64_FORMAT " bytes on the wire, but its last segment "
                     "(frame %" G_GUINT64_FORMAT ") holds %" G_GUINT64_FORMAT " more",
                     m->type, seq, m->wire_size, tag, extra);
        break;
    case SPICECAP_WALK_TRUNCATED:
        findings_add(out, FINDING_MESSAGE_TRUNCATED, path, m->tag, f->name,
                     "message type %u at seq %u needs %" G_GUINT64_FORMAT " more bytes than the capture holds",
                     m->type, seq, extra);
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
                        uint32_t len)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    begin(f, seq);
    spicecap_walker_feed(&f->walker, data, len, frame, &sink);
}

void spice_stream_gap(const stream_report *r, flow *f, uint32_t seq, uint32_t missing, finding *gap)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    begin(f, seq);
    const spicecap_walk_message *cut = spicecap_walker_gap(&f->walker, missing, &sink);
    if (cut != NULL && gap != NULL) {
        /* The gap's finding says which message it cuts: not a second finding.
         * Only its own: once the list is full the gap is only counted, and
         * the last finding kept must not grow with every later gap. */
        char *detail = g_strdup_printf("%s; it cuts message type %u that starts at seq %u (frame %" G_GUINT64_FORMAT
                                       ")", gap->detail, cut->type, seq_of(f, cut->offset), cut->tag);
        g_free(gap->detail);
        gap->detail = detail;
    }
}

void spice_stream_end(const stream_report *r, flow *f)
{
    walk_context c = {r, f};
    spicecap_walk_sink sink = sink_for(&c);
    if (f->walking)
        spicecap_walker_end(&f->walker, r->file_truncated, &sink);
}
