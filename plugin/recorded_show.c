/* What a frame of a recorded flow shows (recorded_show.h). */
#include "recorded_show.h"

#include <epan/exceptions.h>
#include <epan/expert.h>
#include <epan/show_exception.h>
#include <epan/tap.h>
#include <inttypes.h>

#include "channels.h"
#include "loss.h"
#include "message.h"
#include "recorded.h"
#include "recorded_frames.h"

/* Where the explanations point: the page as the wireshark-plugin-spicecap
 * package installs it (docs/ryll-captures.md in the source tree, which
 * debian/wireshark-plugin-spicecap.docs lists; dh_compress gzips it). */
#define RYLL_CAPTURES_DOC "/usr/share/doc/wireshark-plugin-spicecap/ryll-captures.md.gz"

static int proto_spicecap = -1, spicecap_tap = -1;
static int hf_cut = -1, hf_gap = -1, hf_gap_seq = -1, hf_gap_seq_end = -1, hf_gap_records = -1, hf_unframed_bytes = -1,
           hf_desync = -1, hf_desync_type = -1, hf_desync_size = -1, hf_suspect = -1, hf_resync_skipped = -1,
           hf_size_held = -1, hf_size_past = -1,
           hf_mid_start = -1, hf_not_captured = -1, hf_headerless = -1, hf_gone = -1;
static int ett_gap = -1, ett_desync = -1, ett_passing = -1;
static expert_field ei_cut = EI_INIT, ei_gap = EI_INIT, ei_desync = EI_INIT, ei_suspect = EI_INIT,
                    ei_size_short = EI_INIT, ei_size_long = EI_INIT, ei_headerless = EI_INIT;

typedef struct show_ctx {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *tree;
    unsigned channel;
    spicecap_direction direction;
} show_ctx;

static const char *side(const show_ctx *c)
{
    return c->direction == SPICECAP_DIR_SENT ? "client" : "server";
}

/* One record for the "spicecap" tap (stats.h): a loss, or a message cut or
 * gone that has no message tree of its own to tap it. */
static void tap_loss(const show_ctx *c, spicecap_tap_kind kind, uint32_t gaps, uint64_t missing, uint64_t unframed,
                     uint32_t desyncs)
{
    spicecap_tap_info *info = wmem_new0(c->pinfo->pool, spicecap_tap_info);
    info->kind = kind;
    info->channel = spicecap_channel_label(c->channel);
    info->direction = c->direction == SPICECAP_DIR_SENT ? "sent" : "received";
    info->name = "unknown";
    info->gaps = gaps;
    info->missing = missing;
    info->unframed = unframed;
    info->desyncs = desyncs;
    tap_queue_packet(spicecap_tap, c->pinfo, info);
}

/* The message's bytes as a tvb whose reported length is its wire size:
 * from this frame, from the bytes kept, or (when none were) its header
 * alone, rebuilt from its type and size. */
static tvbuff_t *message_tvb(const show_ctx *c, const spicecap_rec_entry *e)
{
    gint reported = (gint)(e->wire_size > e->len ? e->wire_size : e->len);
    if (e->at >= 0)
        return tvb_new_subset_length_caplen(c->tvb, e->at, (gint)e->len, reported);
    tvbuff_t *t;
    if (e->len >= SPICECAP_MINI_HDR_LEN) {
        t = tvb_new_child_real_data(c->tvb, e->kept, e->len, reported);
        add_new_data_source(c->pinfo, t, "SPICE message (bytes kept)");
    } else {
        guint8 *head = wmem_alloc(c->pinfo->pool, SPICECAP_MINI_HDR_LEN);
        guint32 size = (guint32)(e->wire_size - SPICECAP_MINI_HDR_LEN);
        head[0] = (guint8)e->type, head[1] = (guint8)(e->type >> 8);
        for (int i = 0; i < 4; i++)
            head[2 + i] = (guint8)(size >> (8 * i));
        t = tvb_new_child_real_data(c->tvb, head, SPICECAP_MINI_HDR_LEN, reported);
        add_new_data_source(c->pinfo, t, "SPICE message header (rebuilt)");
    }
    return t;
}

/* The message's tree (NULL without a tree: every later call takes NULL). */
static proto_tree *show_message(const show_ctx *c, const spicecap_rec_entry *e, spicecap_tap_kind kind,
                                proto_item **top)
{
    spicecap_message_view v = {c->channel, c->direction, false, true, e->chunks,
                               e->frame != c->pinfo->num ? e->frame : 0, kind};
    proto_tree *volatile t = NULL; /* set inside TRY */
    tvbuff_t *volatile m = message_tvb(c, e);
    *top = NULL;
    TRY {
        t = spicecap_dissect_message(m, c->pinfo, c->tree, &v, top);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(m, c->pinfo, c->tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    return t;
}

/* A playback body ryll recorded without its header: one record, the body
 * alone (never a header to read), shown as such. The flow's first body is
 * known to be one only at the second record (walk_bodies.c): shown there,
 * from the bytes kept, with the frame it is in. */
static void show_body(const show_ctx *c, const spicecap_rec_entry *e)
{
    spicecap_message_view v = {c->channel, c->direction, false, true, e->chunks,
                               e->frame != c->pinfo->num ? e->frame : 0, SPICECAP_TAP_MESSAGE};
    tvbuff_t *b;
    if (e->at >= 0) {
        b = tvb_new_subset_length_caplen(c->tvb, e->at, (gint)e->len, (gint)e->wire_size);
    } else if (e->kept != NULL) {
        b = tvb_new_child_real_data(c->tvb, e->kept, e->len, (gint)e->wire_size);
        add_new_data_source(c->pinfo, b, "SPICE playback body (bytes kept)");
    } else {
        b = tvb_new_subset_length_caplen(c->tvb, 0, 0, (gint)e->wire_size);
    }
    spicecap_dissect_body_only(b, c->pinfo, c->tree, &v, NULL);
}

/* The flow's records are bodies without their header: said once, in the
 * first one's frame, as a note (ryll's doing, not a loss). */
static void show_headerless(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction,
                                          "bodies without their header (ryll's playback.rs)", &top);
    proto_item_set_generated(proto_tree_add_boolean(t, hf_headerless, c->tvb, 0, 0, TRUE));
    const char *summary = wmem_strdup_printf(c->pinfo->pool, "from seq %u on, each record is one playback body "
                                             "without its 6-byte header: types not known", e->seq);
    proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_HEADERLESS, 0, &ei_headerless, summary);
    spicecap_loss_explain(loss, c->tvb, "ryll's playback.rs records what it received without the mini header "
                                     "(record_received(&payload)): " RYLL_CAPTURES_DOC ", section 4");
    spicecap_loss_explain(loss, c->tvb, "The fix, on ryll's side: pass the whole message, header included, to "
                                     "record_received");
}

/* Why a gap of len bytes, under its loss item. */
static void explain_gap(const show_ctx *c, proto_tree *loss, const spicecap_rec_entry *e)
{
    spicecap_loss_explain(loss, c->tvb, wmem_strdup_printf(c->pinfo->pool, "Seq [%u, %u) is not in the capture "
                                                           "(TCP's \"previous segment not captured\")",
                                                           e->gap_seq, e->gap_seq + (guint32)e->gap));
    if (spicecap_snaplen_loss_records(e->gap) > 0)
        spicecap_loss_explain(loss, c->tvb, "ryll's pcap writer never writes a record over its 65535-byte "
                                            "snaplen, though the seq advances past it: " RYLL_CAPTURES_DOC
                                            ", section 1");
    else
        spicecap_loss_explain(loss, c->tvb, "Its length fits no count of ryll's records over the 65535-byte "
                                            "snaplen: records are missing from the capture");
}

static void gap_fields(const show_ctx *c, proto_tree *t, const spicecap_rec_entry *e)
{
    proto_item *pi = proto_tree_add_uint64(t, hf_gap, c->tvb, 0, 0, e->gap);
    proto_item_set_generated(pi);
    proto_tree *g = proto_item_add_subtree(pi, ett_gap);
    proto_item_set_generated(proto_tree_add_uint(g, hf_gap_seq, c->tvb, 0, 0, e->gap_seq));
    proto_item_set_generated(proto_tree_add_uint(g, hf_gap_seq_end, c->tvb, 0, 0, e->gap_seq + (guint32)e->gap));
    uint64_t k = spicecap_snaplen_loss_records(e->gap);
    if (k > 0)
        proto_item_set_generated(proto_tree_add_uint64(g, hf_gap_records, c->tvb, 0, 0, k));
}

/* A record cut by the capture's snaplen (editcap -s, a capture tool's
 * limit): what is past its captured length was on the wire, not lost to
 * the recorder. Its message is shown from what was captured, with no
 * expert info; the body decoders show the fields that are there. */
static void show_snapped(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    proto_tree *t;
    if (e->kind == SPICECAP_REC_CUT && e->header_known) {
        t = show_message(c, e, SPICECAP_TAP_MESSAGE, &top);
    } else {
        const char *what = wmem_strdup_printf(c->pinfo->pool, "%" PRIu64 " bytes not captured (snaplen)", e->gap);
        t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction, what, &top);
    }
    proto_item_set_generated(proto_tree_add_uint64(t, hf_not_captured, c->tvb, 0, 0, e->gap));
}

static void show_cut(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    if (e->snapped) {
        show_snapped(c, e);
        return;
    }
    proto_tree *t;
    const char *summary;
    const char *why = spicecap_loss_gap_why(c->pinfo, e->gap);
    if (e->header_known) {
        t = show_message(c, e, SPICECAP_TAP_CUT, &top);
        proto_item_append_text(top, ", cut by a seq gap");
        summary = wmem_strdup_printf(c->pinfo->pool, "%s %s (%" PRIu64 " B, frame %u) cut: %" PRIu64
                                     " B missing: %s", spicecap_channel_label(c->channel),
                                     spicecap_message_label(c->channel, c->direction, e->type), e->wire_size,
                                     e->frame, e->gap, why);
    } else {
        t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction,
                                  "message cut by a seq gap inside its header", &top);
        if (e->len > 0) {
            tvbuff_t *kept = e->at >= 0 ? tvb_new_subset_length(c->tvb, e->at, (gint)e->len)
                                        : tvb_new_child_real_data(c->tvb, e->kept, e->len, (gint)e->len);
            if (e->at < 0)
                add_new_data_source(c->pinfo, kept, "SPICE message (bytes kept)");
            spicecap_message_add_unframed(t, kept, 0, -1);
        }
        spicecap_message_add_first_frame(t, c->tvb, e->frame);
        summary = wmem_strdup_printf(c->pinfo->pool, "%s message from frame %u cut inside its header: %" PRIu64
                                     " B missing: %s", spicecap_channel_label(c->channel), e->frame, e->gap, why);
        tap_loss(c, SPICECAP_TAP_CUT, 0, 0, 0, 0);
    }
    proto_item_set_generated(proto_tree_add_boolean(t, hf_cut, c->tvb, 0, 0, TRUE));
    if (e->extra > 0) /* its bytes before the gap, shown as parts of it in the frames that carried them */
        proto_item_set_generated(proto_tree_add_uint64(t, hf_unframed_bytes, c->tvb, 0, 0, e->extra));
    gap_fields(c, t, e);
    proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_CUT, e->gap, &ei_cut, summary);
    explain_gap(c, loss, e);
    if (e->header_known) {
        uint64_t msg_end = e->offset + e->wire_size, end = e->pos + e->gap;
        if (end > msg_end)
            spicecap_loss_explain(loss, c->tvb, wmem_strdup_printf(c->pinfo->pool, "The gap goes %" PRIu64 " B "
                                  "past its end: whole messages, or the start of the next, not in the capture",
                                  end - msg_end));
    }
    tap_loss(c, SPICECAP_TAP_LOSS, 1, e->gap, e->extra, 0);
}

static void show_gap(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    if (e->snapped) {
        show_snapped(c, e);
        return;
    }
    const char *what = wmem_strdup_printf(c->pinfo->pool, "%" PRIu64 " bytes not in the capture (seq gap)", e->gap);
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction, what, &top);
    gap_fields(c, t, e);
    if (e->k2_frame != 0) {
        /* The loss is the 0-byte record's (spicecap.loss there): the message it stands for is gone. */
        proto_item_append_text(top, ": the message the 0-byte record of frame %u stands for (the K2 bug)",
                               e->k2_frame);
        spicecap_message_add_first_frame(t, c->tvb, e->k2_frame);
        proto_item_set_generated(proto_tree_add_boolean(t, hf_gone, c->tvb, 0, 0, TRUE));
        tap_loss(c, SPICECAP_TAP_GONE, 1, e->gap, 0, 0);
        return;
    }
    const char *where = e->header_known
                            ? wmem_strdup_printf(c->pinfo->pool, " inside the %s from frame %u",
                                                 spicecap_message_label(c->channel, c->direction, e->type), e->frame)
                            : "";
    const char *summary = wmem_strdup_printf(c->pinfo->pool, "%" PRIu64 " B missing%s: %s", e->gap, where,
                                             spicecap_loss_gap_why(c->pinfo, e->gap));
    explain_gap(c, spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_GAP, e->gap, &ei_gap, summary), e);
    tap_loss(c, SPICECAP_TAP_LOSS, 1, e->gap, 0, 0);
}

/* The flow's first record starts inside a message: its start is not in the capture. */
static void show_mid_start(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction,
                                          "flow starts inside a message", &top);
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mid_start, c->tvb, 0, 0, TRUE));
    const char *summary = wmem_strdup_printf(c->pinfo->pool, "the flow starts inside a message (seq %u): its start "
                                             "is not in the capture", e->seq);
    proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_MID_START, 0, &ei_gap, summary);
    spicecap_loss_explain(loss, c->tvb, "In ryll's captures the records before it were over ryll's 65535-byte "
                                        "snaplen, which its pcap writer never writes: " RYLL_CAPTURES_DOC
                                        ", section 1");
    spicecap_loss_explain(loss, c->tvb, "The framing is searched for again");
}

static void show_desync(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    if (e->at_start) {
        show_mid_start(c, e);
        return;
    }
    const char *name = spicecap_message_label(c->channel, c->direction, e->type);
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction,
                                          "header that cannot be (bytes vanished)", &top);
    proto_item *pi = proto_tree_add_item(t, hf_desync, c->tvb, 0, 0, ENC_NA);
    proto_item_set_generated(pi);
    proto_tree *d = proto_item_add_subtree(pi, ett_desync);
    proto_item_set_generated(proto_tree_add_uint(d, hf_desync_type, c->tvb, 0, 0, e->type));
    proto_item_set_generated(proto_tree_add_uint(d, hf_desync_size, c->tvb, 0, 0, (guint32)e->extra));
    const char *summary;
    if (e->bad_size)
        summary = wmem_strdup_printf(c->pinfo->pool, "header at seq %u claims %" PRIu64 " B, over the %u-byte "
                                     "bound: bytes vanished", e->seq, e->extra, SPICECAP_SANE_MESSAGE_SIZE);
    else
        summary = wmem_strdup_printf(c->pinfo->pool, "header at seq %u (type %u, %s on the %s %s side; %" PRIu64
                                     " B) cannot be: bytes vanished", e->seq, e->type, name,
                                     spicecap_channel_label(c->channel), side(c), e->extra);
    proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_DESYNC, 0, &ei_desync, summary);
    spicecap_loss_explain(loss, c->tvb, "No seq gap before it: bytes vanished under a contiguous seq, most likely "
                                        "a socket read ryll's capture writer dropped when its queue was full");
    spicecap_loss_explain(loss, c->tvb, "See " RYLL_CAPTURES_DOC ", section 3; the framing is searched for again");
    tap_loss(c, SPICECAP_TAP_LOSS, 0, 0, 0, 1);
}

static void flag_suspect(const show_ctx *c, proto_tree *t, proto_item *top, const spicecap_rec_entry *e)
{
    proto_item_set_generated(proto_tree_add_boolean(t, hf_suspect, c->tvb, 0, 0, TRUE));
    proto_item_set_generated(proto_tree_add_boolean(t, hf_cut, c->tvb, 0, 0, TRUE));
    expert_add_info_format(c->pinfo, top, &ei_suspect,
                           "%s %s (%" PRIu64 " B, frame %u) likely not whole: its size leads to a header that "
                           "cannot be", spicecap_channel_label(c->channel),
                           spicecap_message_label(c->channel, c->direction, e->type), e->wire_size, e->frame);
}

static void show_suspect(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    const char *what = wmem_strdup_printf(c->pinfo->pool, "%s from frame %u likely not whole",
                                          spicecap_message_label(c->channel, c->direction, e->type), e->frame);
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction, what, &top);
    spicecap_message_add_first_frame(t, c->tvb, e->frame);
    flag_suspect(c, t, top, e);
    tap_loss(c, SPICECAP_TAP_RECUT, 0, 0, 0, 0); /* counted whole in frame e->frame */
}

static void show_size(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    const char *name = spicecap_message_label(c->channel, c->direction, e->type);
    if (e->kind == SPICECAP_REC_SIZE_SHORT) {
        proto_tree *t = show_message(c, e, SPICECAP_TAP_CUT, &top);
        proto_item_append_text(top, ", its records end before its size");
        proto_item_set_generated(proto_tree_add_uint64(t, hf_size_held, c->tvb, 0, 0, e->extra));
        proto_item_set_generated(proto_tree_add_boolean(t, hf_cut, c->tvb, 0, 0, TRUE));
        proto_item_set_generated(proto_tree_add_uint64(t, hf_unframed_bytes, c->tvb, 0, 0, e->extra));
        const char *summary = wmem_strdup_printf(c->pinfo->pool, "%s's size says %" PRIu64 " B but its records end "
                                                 "after %" PRIu64, name, e->wire_size, e->extra);
        proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_SIZE_SHORT, 0, &ei_size_short,
                                             summary);
        spicecap_loss_explain(loss, c->tvb, "The size lies, or its last records are missing; the next record "
                                            "starts anew");
        tap_loss(c, SPICECAP_TAP_LOSS, 0, 0, e->extra, 0);
        return;
    }
    const char *what = wmem_strdup_printf(c->pinfo->pool, "%" PRIu64 " bytes after the %s of frame %u in its record",
                                          e->extra, name, e->frame);
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction, what, &top);
    spicecap_message_add_first_frame(t, c->tvb, e->frame);
    proto_item_set_generated(proto_tree_add_uint64(t, hf_size_past, c->tvb, 0, 0, e->extra));
    const char *summary = wmem_strdup_printf(c->pinfo->pool, "%" PRIu64 " B after the %s (%" PRIu64 " B, frame %u) "
                                             "in its last record", e->extra, name, e->wire_size, e->frame);
    proto_tree *loss = spicecap_loss_add(c->tvb, c->pinfo, t, SPICECAP_LOSS_SIZE_LONG, 0, &ei_size_long, summary);
    spicecap_loss_explain(loss, c->tvb, "Its size says less than its records hold");
}

static void show_resync(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    if (e->snapped) /* after a snaplen's cut: nothing was lost to say found again */
        return;
    const char *what = wmem_strdup_printf(c->pinfo->pool, "framing found again at seq %u", e->seq);
    proto_tree *t = spicecap_message_stub(c->tvb, 0, 0, c->pinfo, c->tree, c->channel, c->direction, what, &top);
    proto_item_set_generated(proto_tree_add_uint64(t, hf_resync_skipped, c->tvb, 0, 0, e->extra));
}

static void show_unframed(const show_ctx *c, const spicecap_rec_entry *e)
{
    proto_item *top;
    const char *what;
    if (e->cut_tail)
        what = wmem_strdup_printf(c->pinfo->pool, "%u bytes: the rest of the cut %s (%" PRIu64 " bytes) from frame %u",
                                  e->len, spicecap_message_label(c->channel, c->direction, e->type), e->wire_size,
                                  e->frame);
    else if (e->starts_cut && e->in_bodies) /* no header to take: ryll records these bodies without one */
        what = wmem_strdup_printf(c->pinfo->pool, "%u bytes of playback bodies after a seq gap (ryll records them without their header)",
                                  e->len);
    else if (e->starts_cut)
        what = wmem_strdup_printf(c->pinfo->pool, "%u bytes: the rest of a message whose header a seq gap took",
                                  e->len);
    else if (e->frame != 0)
        what = wmem_strdup_printf(c->pinfo->pool, "%u bytes not framed (framing lost in frame %u)", e->len, e->frame);
    else
        what = wmem_strdup_printf(c->pinfo->pool, "%u bytes not framed", e->len);
    proto_tree *t = spicecap_message_stub(c->tvb, e->at, (gint)e->len, c->pinfo, c->tree, c->channel, c->direction,
                                          what, &top);
    spicecap_message_add_unframed(t, c->tvb, e->at, (gint)e->len);
    proto_item_set_generated(proto_tree_add_uint64(t, hf_unframed_bytes, c->tvb, 0, 0, e->len));
    if (e->starts_cut) /* one message cut, counted at its first byte in the file */
        proto_item_set_generated(proto_tree_add_boolean(t, hf_cut, c->tvb, 0, 0, TRUE));
    if (e->frame != 0)
        spicecap_message_add_first_frame(t, c->tvb, e->frame);
    tap_loss(c, e->starts_cut ? SPICECAP_TAP_CUT : SPICECAP_TAP_LOSS, 0, 0, e->len, 0);
}

/* Bytes of a message completed in a later frame, or seen before: a
 * spicecap item with no field (so the filter "spicecap" finds every frame
 * of a flow, and spicecap.name, spicecap.loss and the others only the
 * frames that show a message or a loss), and the info column. */
static void show_passing(const show_ctx *c, const spicecap_rec_entry *e)
{
    const char *text;
    if (e->kind == SPICECAP_REC_OLD)
        text = wmem_strdup_printf(c->pinfo->pool, "%u bytes already seen (a retransmission or an overlap)", e->len);
    else if (e->header_known)
        text = wmem_strdup_printf(c->pinfo->pool, "bytes %" PRIu64 " to %" PRIu64 " of %s %s %s (%" PRIu64
                                  " bytes) from frame %u, shown in the frame that completes it",
                                  e->extra, e->extra + e->len, spicecap_channel_label(c->channel), side(c),
                                  spicecap_message_label(c->channel, c->direction, e->type), e->wire_size, e->frame);
    else
        text = wmem_strdup_printf(c->pinfo->pool, "%u bytes of the header of a %s %s message from frame %u, shown "
                                  "in the frame that completes it",
                                  e->len, spicecap_channel_label(c->channel), side(c), e->frame);
    proto_item *top = proto_tree_add_item(c->tree, proto_spicecap, c->tvb, e->at, (gint)e->len, ENC_NA);
    proto_item_append_text(top, ": %s", text);
    col_set_str(c->pinfo->cinfo, COL_PROTOCOL, "SPICEcap");
    col_append_fstr(c->pinfo->cinfo, COL_INFO, " [SPICEcap: %s]",
                    e->kind == SPICECAP_REC_OLD ? "bytes already seen" : "part of a message");
}

void spicecap_recorded_show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const spicecap_rec_frame *fr,
                            unsigned channel, spicecap_direction direction)
{
    show_ctx c = {tvb, pinfo, tree, channel, direction};
    bool shows = false;
    for (uint32_t i = 0; i < fr->count && !shows; i++)
        shows = fr->entries[i].kind != SPICECAP_REC_PART && fr->entries[i].kind != SPICECAP_REC_OLD;
    if (shows)
        col_clear(pinfo->cinfo, COL_INFO);
    for (uint32_t i = 0; i < fr->count; i++) {
        const spicecap_rec_entry *e = &fr->entries[i];
        proto_item *top;
        proto_tree *t;
        switch ((spicecap_rec_kind)e->kind) {
        case SPICECAP_REC_MESSAGE:
            if (e->body_only) {
                show_body(&c, e);
                break;
            }
            t = show_message(&c, e, e->suspect ? SPICECAP_TAP_CUT : SPICECAP_TAP_MESSAGE, &top);
            if (e->suspect)
                flag_suspect(&c, t, top, e);
            break;
        case SPICECAP_REC_HEADERLESS:
            show_headerless(&c, e);
            break;
        case SPICECAP_REC_CUT:
            show_cut(&c, e);
            break;
        case SPICECAP_REC_GAP:
            show_gap(&c, e);
            break;
        case SPICECAP_REC_SIZE_SHORT:
        case SPICECAP_REC_SIZE_LONG:
            show_size(&c, e);
            break;
        case SPICECAP_REC_DESYNC:
            show_desync(&c, e);
            break;
        case SPICECAP_REC_SUSPECT:
            show_suspect(&c, e);
            break;
        case SPICECAP_REC_RESYNC:
            show_resync(&c, e);
            break;
        case SPICECAP_REC_UNFRAMED:
            show_unframed(&c, e);
            break;
        case SPICECAP_REC_PART:
        case SPICECAP_REC_OLD:
            show_passing(&c, e);
            break;
        }
    }
}

void spicecap_recorded_show_register(int proto, int tap)
{
    static hf_register_info hf[] = {
        {&hf_cut, {"Cut", "spicecap.cut", FT_BOOLEAN, BASE_NONE, NULL, 0, "A message not whole in the file (a seq gap cut it, its header is in a gap, bytes vanished inside it, or its records end before its size): one per cut message, as the loss summary counts them", HFILL}},
        {&hf_gap, {"Seq gap", "spicecap.gap", FT_UINT64, BASE_DEC, NULL, 0, "Bytes of the flow's seq space not in the capture (the gap before this frame)", HFILL}},
        {&hf_gap_seq, {"Gap start", "spicecap.gap.seq", FT_UINT32, BASE_DEC, NULL, 0, "Seq of the gap's first byte (as tcp.seq shows seqs)", HFILL}},
        {&hf_gap_seq_end, {"Gap end", "spicecap.gap.seq_end", FT_UINT32, BASE_DEC, NULL, 0, "Seq of the first byte after the gap", HFILL}},
        {&hf_gap_records, {"Records over ryll's snaplen", "spicecap.gap.snaplen_records", FT_UINT64, BASE_DEC, NULL, 0, "The gap's length fits this many records over ryll's 65535-byte snaplen, which ryll's pcap writer never writes", HFILL}},
        {&hf_unframed_bytes, {"Bytes not whole", "spicecap.unframed_bytes", FT_UINT64, BASE_DEC, NULL, 0, "Bytes in the file that belong to no whole message: the rest of a cut message, or bytes not framed (bytes missing from the file are spicecap.loss.missing)", HFILL}},
        {&hf_desync, {"Header that cannot be", "spicecap.desync", FT_NONE, BASE_NONE, NULL, 0, "A header no message can have, with no seq gap before it: bytes vanished", HFILL}},
        {&hf_desync_type, {"Type read", "spicecap.desync.type", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_desync_size, {"Size read", "spicecap.desync.size", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_suspect, {"Likely not whole", "spicecap.suspect", FT_BOOLEAN, BASE_NONE, NULL, 0, "The message's size led to a header that cannot be: bytes likely vanished inside it", HFILL}},
        {&hf_resync_skipped, {"Bytes skipped", "spicecap.resync.skipped", FT_UINT64, BASE_DEC, NULL, 0, "Bytes in the capture not framed before the framing was found again", HFILL}},
        {&hf_mid_start, {"Starts inside a message", "spicecap.starts_mid_message", FT_BOOLEAN, BASE_NONE, NULL, 0, "The flow's first record does not start with a message header", HFILL}},
        {&hf_not_captured, {"Bytes not captured", "spicecap.not_captured", FT_UINT64, BASE_DEC, NULL, 0, "Bytes past the record's captured length (the capture's snaplen cut it): on the wire, not lost to the recorder", HFILL}},
        {&hf_size_held, {"Bytes its records hold", "spicecap.size_held", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_size_past, {"Bytes past its end", "spicecap.size_past", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_gone, {"Message gone", "spicecap.gone", FT_BOOLEAN, BASE_NONE, NULL, 0, "A message entirely missing from the file, known to be one: the 0-byte record of spicecap.first_frame stands for it, and this seq gap is its bytes", HFILL}},
        {&hf_headerless, {"Bodies without their header", "spicecap.headerless", FT_BOOLEAN, BASE_NONE, NULL, 0, "The flow's records are message bodies without their mini header (ryll's playback ring)", HFILL}},
    };
    static int *ett[] = {&ett_gap, &ett_desync, &ett_passing};
    static ei_register_info ei[] = {
        {&ei_cut, {"spicecap.message_cut", PI_SEQUENCE, PI_WARN, "Message cut by a seq gap", EXPFILL}},
        {&ei_gap, {"spicecap.seq_gap", PI_SEQUENCE, PI_WARN, "Bytes not in the capture (seq gap)", EXPFILL}},
        {&ei_desync, {"spicecap.header_desync", PI_SEQUENCE, PI_ERROR, "A header that cannot be: bytes vanished under a contiguous seq", EXPFILL}},
        {&ei_suspect, {"spicecap.message_suspect", PI_SEQUENCE, PI_WARN, "Message likely not whole: bytes vanished inside it", EXPFILL}},
        {&ei_size_short, {"spicecap.size_short", PI_MALFORMED, PI_ERROR, "Message size past the records that hold it", EXPFILL}},
        {&ei_size_long, {"spicecap.size_long", PI_MALFORMED, PI_ERROR, "Bytes after a message in its last record", EXPFILL}},
        {&ei_headerless, {"spicecap.headerless_bodies", PI_PROTOCOL, PI_NOTE, "Playback bodies recorded without their header", EXPFILL}},
    };
    proto_spicecap = proto;
    spicecap_tap = tap;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
