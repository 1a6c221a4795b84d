/* What the walker's files share (walker_events.c defines the reporting
 * both modes use; walk_recorded.c is the recorded mode, lookback.c its
 * memory of socket reads): not part of the walker's interface. */
#ifndef SPICECAP_WALKER_INTERNAL_H
#define SPICECAP_WALKER_INTERNAL_H

#include "spice_walker.h"

void spicecap_walker_emit_finding(const spicecap_walk_sink *sink, spicecap_walk_finding kind,
                                  const spicecap_walk_message *m, uint64_t extra, uint64_t tag);
void spicecap_walker_emit_message(const spicecap_walk_sink *sink, const spicecap_walk_message *m);
/* Reading a data message (mini or data header), not the link stage. */
bool spicecap_walker_in_messages(const spicecap_walker *w);
/* Between PDUs: the next one's stage is taken at its first byte. */
void spicecap_walker_next_pdu(spicecap_walker *w);

/* A data message's next bytes: its header's until the fixed part is read
 * (*header_done when this call completed it), then its body's, counted
 * down. Returns the bytes taken of avail. */
size_t spicecap_walker_take_message_bytes(spicecap_walker *w, const uint8_t *data, size_t avail, uint64_t tag,
                                          bool *header_done);

/* The recorded mode's feed, gap and end (walk_recorded.c). */
/* lasting: data stays valid until the walker is cleared (spicecap_walker_feed_lasting). */
void spicecap_walker_feed_recorded(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag, bool lasting,
                                   const spicecap_walk_sink *sink);
const spicecap_walk_message *spicecap_walker_gap_recorded(spicecap_walker *w, uint64_t len,
                                                          const spicecap_walk_sink *sink);
void spicecap_walker_end_recorded(spicecap_walker *w, bool file_truncated, const spicecap_walk_sink *sink);

/* Playback bodies recorded without their header (walk_bodies.c). */
/* The flow's first chunk: sets w->bodies when it cannot start a message,
 * w->bodies_maybe when the second chunk decides (see walk_bodies.c). */
void spicecap_walker_bodies_start(spicecap_walker *w, const uint8_t *data, size_t len);
/* The second chunk, when the first left it to decide: true when the flow
 * turned out one of bodies (the first is reported as one). */
bool spicecap_walker_bodies_second(spicecap_walker *w, const uint8_t *data, size_t len,
                                   const spicecap_walk_sink *sink);
/* One chunk of such a flow: one body, or the rest of one a gap cut. */
void spicecap_walker_body_chunk(spicecap_walker *w, size_t len, uint64_t tag, const spicecap_walk_sink *sink);
/* A gap: in a flow of bodies, the next chunk may be the rest of a cut one;
 * before the second chunk, the header walk is kept. */
void spicecap_walker_body_gap(spicecap_walker *w, uint64_t len);

/* The lookback of socket-read flows (lookback.c). */
/* The bytes a vanished write hid messages in are the last ones the message
 * before the desync was counted over: as many as the write held, and ryll
 * reads at most 256 KiB at a time. (A smaller ring also stays in cache
 * beside the validator's read window.) A chunk whose bytes last (a mapped
 * file's) is held by reference: copying every socket-read byte was the
 * validator's largest cost on live captures after the checksums. */
#define SPICECAP_LOOKBACK_BYTES ((size_t)256 << 10)
#define SPICECAP_LOOKBACK_CHUNKS 1024u
typedef struct spicecap_lookback {
    uint8_t bytes[SPICECAP_LOOKBACK_BYTES]; /* stream offset o at bytes[o % SPICECAP_LOOKBACK_BYTES] */
    uint64_t from, to;                      /* the stream offsets held: [from, to) */
    uint64_t chunk_offset[SPICECAP_LOOKBACK_CHUNKS], chunk_tag[SPICECAP_LOOKBACK_CHUNKS];
    const uint8_t *chunk_lasting[SPICECAP_LOOKBACK_CHUNKS]; /* the caller's bytes, or NULL: copied into bytes */
    unsigned chunk_first, chunk_count;      /* a ring of the chunks' starts in [from, to) */
} spicecap_lookback;

spicecap_lookback *spicecap_lookback_new(void);
void spicecap_lookback_free(spicecap_lookback *b);
/* A chunk's bytes at stream offset at; a gap before them empties it (a
 * search never runs across a gap). lasting: data stays valid until the
 * lookback is freed, and is kept by reference instead of copied. */
void spicecap_lookback_add(spicecap_lookback *b, uint64_t at, const uint8_t *data, size_t len, uint64_t tag,
                           bool lasting);
/* The held bytes from offset on, one run per chunk: calls each(ctx, data,
 * len, tag, chunk_start) in stream order. Returns the offset the runs
 * began at (later than asked when those bytes are no longer held). */
uint64_t spicecap_lookback_replay(const spicecap_lookback *b, uint64_t offset,
                                  void (*each)(void *ctx, const uint8_t *data, size_t len, uint64_t tag,
                                               bool chunk_start),
                                  void *ctx);

#endif
