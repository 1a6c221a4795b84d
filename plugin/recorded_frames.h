/* ryll's recorded flows, framed by the shared walker (format/spice_walker.h,
 * SPICECAP_WALK_RECORDED): the validator's rules, one implementation.
 *
 * On Wireshark's first pass over a file (frames in order), each flow
 * direction has one walker, fed every frame's TCP payload in seq order:
 * a seq past the expected one is a gap (bytes that never come), bytes
 * already fed (a retransmission, an overlap) are skipped. What the walk
 * says about a frame is stored with the frame (file scope) as a list of
 * entries, so that every later pass (tshark -2, a click in Wireshark, a
 * filter) shows what the first one did.
 *
 * A message is shown in the frame that completes it. A message whose bytes
 * are all in that frame is shown from them; one spanning frames from the
 * bytes kept as they passed: its first spicecap.kept_bytes bytes (enough for
 * every body decoder; its reported length stays its wire size, so a body
 * read past them shows no field and raises no short-body note), or all of
 * them with spicecap.keep_whole_messages. */
#ifndef SPICECAP_PLUGIN_RECORDED_FRAMES_H
#define SPICECAP_PLUGIN_RECORDED_FRAMES_H

#include <epan/conversation.h>
#include <epan/packet.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"

struct tcpinfo;

typedef enum spicecap_rec_kind {
    SPICECAP_REC_MESSAGE,    /* a whole message */
    SPICECAP_REC_CUT,        /* a message a seq gap cut (its header may be lost), with the gap */
    SPICECAP_REC_GAP,        /* a seq gap that cut no message the walk knew (between messages, while lost) */
    SPICECAP_REC_SIZE_SHORT, /* a drained ring's message whose records end before its size */
    SPICECAP_REC_SIZE_LONG,  /* bytes after a drained ring's message, in its last record */
    SPICECAP_REC_DESYNC,     /* a header that cannot be, with no gap (bad_size: past the sane bound) */
    SPICECAP_REC_SUSPECT,    /* a message shown in an earlier frame whose size led to a desync */
    SPICECAP_REC_RESYNC,     /* the framing found again */
    SPICECAP_REC_UNFRAMED,   /* bytes of this frame in no message (cut_tail: the rest of a cut message) */
    SPICECAP_REC_PART,       /* bytes of this frame carrying a message that ends in a later frame */
    SPICECAP_REC_OLD,        /* bytes of this frame fed before (a retransmission or an overlap) */
    SPICECAP_REC_HEADERLESS, /* the flow's records are playback bodies without their header (once a flow) */
} spicecap_rec_kind;

typedef struct spicecap_rec_entry {
    uint64_t pos;        /* stream offset the entry stands at (the order entries are shown in) */
    uint64_t offset;     /* stream offset of the message's (or bytes') first byte */
    uint64_t wire_size;  /* header + body as the header says; 0 when not known */
    uint64_t extra;      /* the finding's number: bytes before the gap (CUT), held (SIZE_SHORT), past the end (SIZE_LONG),
                            the claimed body size (DESYNC), bytes skipped (RESYNC) */
    uint64_t gap;        /* CUT, GAP: bytes the gap took */
    const uint8_t *kept; /* the message's first len bytes, when at < 0 (file scope) */
    uint32_t seq;        /* seq of the first byte of the message (or of the bytes) */
    uint32_t gap_seq;    /* CUT, GAP: seq of the gap's first byte */
    uint32_t frame;      /* the frame of the message's first byte (UNFRAMED: where the framing was lost) */
    uint32_t chunks;     /* records that carried bytes of the message */
    uint32_t k2_frame;   /* GAP: a 0-byte record (the K2 bug) between this flow's last frame and this one */
    int32_t at;          /* its bytes in this frame's tvb, from at, or -1 (kept) */
    uint32_t len;        /* bytes at at (or kept) */
    uint16_t type;
    uint8_t kind;        /* spicecap_rec_kind */
    bool suspect;        /* MESSAGE: a desync followed it: bytes likely vanished inside it */
    bool bad_size;       /* DESYNC: the size is past the sane bound (BAD_HEADER) */
    bool at_start;       /* DESYNC: at the flow's first byte (it starts inside a message) */
    bool header_known;   /* type and wire_size are known */
    bool cut_tail;       /* UNFRAMED: the rest of the cut message (frame, type, wire_size) */
    bool snapped;        /* CUT, GAP: the bytes are past this record's captured length (a snaplen cut
                            it): not lost to the recorder; RESYNC: after such a cut */
    bool body_only;      /* MESSAGE: a playback body ryll recorded without its header (wire_size: the body's) */
    bool in_bodies;      /* UNFRAMED: in a flow of playback bodies, whose headers ryll never records */
    bool starts_cut;     /* UNFRAMED: the first bytes after a gap that took a message's header: that
                            message is cut (counted once, here) */
} spicecap_rec_entry;

typedef struct spicecap_rec_frame {
    uint32_t count;
    spicecap_rec_entry entries[];
} spicecap_rec_frame;

/* What the walk found in this frame of a recorded flow (channel, direction
 * d): on the first pass the frame is fed to its flow's walker and the
 * result stored; later passes get what was stored. NULL when nothing is
 * (a later pass over a frame the first never reached). tcp is TCP's
 * dissector data (seq), or NULL: the payload then follows what came before. */
const spicecap_rec_frame *spicecap_recorded_frame(tvbuff_t *tvb, packet_info *pinfo, const struct tcpinfo *tcp,
                                                  int proto, unsigned channel, spicecap_direction d);

/* First pass: a record of this recorded flow with no TCP payload, which TCP
 * hands no dissector (the postdissector sees it). In a flow of playback
 * bodies it is one empty body (spicecap_walker_empty). NULL when the flow
 * has not started (nothing is created for it). */
const spicecap_rec_frame *spicecap_recorded_empty_frame(packet_info *pinfo, int proto, spicecap_direction d);

/* A conversation's recorded flows are forgotten (their walkers freed, the
 * conversation's data dropped); a no-op for one that holds none. */
void spicecap_recorded_forget(conversation_t *conv, int proto);

/* First pass: the frame is a record with no bytes at all (the K2 bug's
 * stand-in for a message): the seq gap it leaves in its flow is its. */
void spicecap_recorded_empty_record(const packet_info *pinfo);

/* The file closes: every walker is freed (a cleanup routine). */
void spicecap_recorded_cleanup(void);

/* How much of a message spanning frames is kept: its first bytes bytes, or
 * all of it (whole). */
void spicecap_recorded_set_keep(guint bytes, bool whole);

#endif
