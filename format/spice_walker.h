/* The one walk of a SPICE byte stream, shared by the validator and the
 * Wireshark plugin. Plain C: no Wireshark or GLib type in its interface.
 *
 * Two layers, one set of rules:
 *
 * - The stage rules (spicecap_stage_*, spicecap_link_*): what the next PDU
 *   of a direction is, how many bytes are needed before its length is
 *   known, how long it is, and where a finished PDU leaves the connection.
 *   A connection's two directions share one spicecap_link_state: the
 *   client's ticket depends on the server's capabilities, and a refused
 *   link or SASL stops both. The plugin frames PDUs with these rules (the
 *   framework owns the bytes, as with tcp_dissect_pdus).
 *
 * - The walker (spicecap_walker_*): one direction fed bytes as they come, in
 *   chunks of any size (the validator gives it one TCP segment at a time).
 *   It applies the same rules, buffers only what the rules must read (a
 *   message header, a link-stage PDU of at most 4 KiB) and skips message
 *   bodies by count. What it finds goes to a sink, synchronously: every
 *   message walked to its end, every finding, every note. Bytes that will
 *   never come (a seq gap) are an input too.
 *
 * Offsets are counted in stream bytes from the first byte fed, gaps
 * included, so a caller maps them to seq numbers by adding its first seq. */
#ifndef SPICECAP_SPICE_WALKER_H
#define SPICECAP_SPICE_WALKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "link_stage.h"
#include "resync.h"

/* What the next bytes of one direction are. The values are stable: the
 * plugin stores them per PDU for Wireshark's later passes. */
typedef enum spicecap_stage {
    SPICECAP_STAGE_NONE = 0,       /* not decided (a later pass that missed a PDU) */
    SPICECAP_STAGE_LINK,           /* link header + link message (client) or reply (server) */
    SPICECAP_STAGE_AUTH_MECHANISM, /* client: SpiceLinkAuthMechanism */
    SPICECAP_STAGE_TICKET,         /* client: the encrypted ticket */
    SPICECAP_STAGE_LINK_RESULT,    /* server: the u32 link result */
    SPICECAP_STAGE_MINI,           /* data messages with the 6-byte mini header */
    SPICECAP_STAGE_DATA,           /* data messages with the 18-byte data header */
    SPICECAP_STAGE_UNFRAMEABLE,    /* refused link, SASL, a bad link header, a size past the bound */
    /* Stored but not yet resolved: the client's stage after its link message
     * (auth mechanism or ticket, by both sides' auth-selection bits) and the
     * data messages (mini or data header, by both sides' mini-header bits). */
    SPICECAP_STAGE_AFTER_CLIENT_LINK,
    SPICECAP_STAGE_MESSAGES,
} spicecap_stage;

/* Why a direction stopped being framed. */
typedef enum spicecap_stop_reason {
    SPICECAP_STOP_NONE = 0,
    SPICECAP_STOP_REFUSED,      /* the server refused the link (reply error or link result) */
    SPICECAP_STOP_SASL,         /* SASL's exchange is not framed by SPICE headers */
    SPICECAP_STOP_BAD_LINK,     /* a link header with a bad magic or an implausible size */
    SPICECAP_STOP_INSANE_SIZE,  /* a message header past the sane bound */
    SPICECAP_STOP_TLS,          /* the stream starts with a TLS handshake */
    SPICECAP_STOP_MID_STREAM,   /* the stream starts without a link header */
    SPICECAP_STOP_GAP_IN_LINK,  /* bytes of the link stage were not captured */
    SPICECAP_STOP_NO_MEMORY,    /* a link-stage buffer could not be had */
} spicecap_stop_reason;

/* Text for a stop reason, for notes and expert info. */
const char *spicecap_stop_reason_text(spicecap_stop_reason reason);

/* What both directions of one connection have said in the link stage. */
typedef struct spicecap_link_state {
    uint8_t channel;             /* from the client's link message; 0 until known */
    bool caps_known[2];          /* by spicecap_direction */
    uint32_t common_caps[2];     /* the first common capability word */
    spicecap_stage next[2];      /* where each direction stands */
    spicecap_stop_reason stop[2];
} spicecap_link_state;

/* A real connection from its first byte: both directions at their link header. */
void spicecap_link_init_real(spicecap_link_state *link);
/* ryll's recorded flows: mini headers from the first byte, channel known. */
void spicecap_link_init_recorded(spicecap_link_state *link, uint8_t channel);

/* How a stream that is not recorded starts. */
typedef enum spicecap_stream_start {
    SPICECAP_START_UNKNOWN, /* fewer than 4 bytes: cannot tell yet */
    SPICECAP_START_LINK,    /* a SPICE link header: a real connection */
    SPICECAP_START_TLS,
    SPICECAP_START_OTHER,   /* mid-stream, or not SPICE */
} spicecap_stream_start;
spicecap_stream_start spicecap_stream_classify(const uint8_t *data, size_t len);

/* The stage of direction d's next PDU, resolved from what both sides said
 * (stored back, so the next call agrees). */
spicecap_stage spicecap_link_next_stage(spicecap_link_state *link, spicecap_direction d);

/* Bytes needed before a PDU's length is known (1 for unframeable bytes). */
uint32_t spicecap_stage_fixed_len(spicecap_stage stage);

/* The whole PDU's length, read from its first spicecap_stage_fixed_len()
 * bytes at head. A link header not to be believed, or a message header
 * past the sane bound, is a PDU of its header alone; the PDU's done-call
 * then stops the direction. Unframeable bytes have no length: 0. */
uint64_t spicecap_stage_pdu_len(spicecap_stage stage, const uint8_t *head);

/* Direction d finished a PDU at stage: move it (and for a refused link or
 * SASL both directions) to what follows. pdu holds len bytes: the whole
 * PDU for the link stage, at least the header for a data message. */
void spicecap_link_pdu_done(spicecap_link_state *link, spicecap_direction d, spicecap_stage stage,
                            const uint8_t *pdu, size_t len);

/* A message header's fields (mini or data header, by stage). */
uint16_t spicecap_header_type(spicecap_stage stage, const uint8_t *head);
uint32_t spicecap_header_size(spicecap_stage stage, const uint8_t *head);

/* ---- the byte-stream walker ---- */

/* One message as the walker saw it. */
typedef struct spicecap_walk_message {
    uint64_t offset;    /* stream offset of its first header byte */
    uint64_t tag;       /* the caller's tag of the chunk that held that byte (a frame number) */
    uint16_t type;
    uint64_t wire_size; /* header + body, as the header says (0 until the header is read) */
    uint64_t have;      /* bytes of it walked so far */
    uint32_t chunks;    /* chunks that carried bytes of it */
    bool data_header;   /* an 18-byte data header, not the mini header */
    /* A playback body ryll recorded without its header (SPICECAP_WALK_HEADERLESS):
     * one chunk, type unknown (0), wire_size the body's bytes. */
    bool body_only;
} spicecap_walk_message;

typedef enum spicecap_walk_finding {
    /* A message header whose size is past the sane bound (in a recorded
     * flow whose messages start chunks; in socket reads it is a DESYNC). */
    SPICECAP_WALK_BAD_HEADER,
    /* Recorded flows: the message's chunks end before its size (a chunk of
     * less than 65495 bytes did not finish it, and the next starts anew). */
    SPICECAP_WALK_SIZE_SHORT,
    /* Recorded flows: the message's last chunk holds bytes past its end. */
    SPICECAP_WALK_SIZE_LONG,
    /* The stream ends inside the message. */
    SPICECAP_WALK_TRUNCATED,
    /* Recorded flows: a gap cut the message (reported once, at its first
     * gap). Its type and wire_size are 0 when the gap took its header;
     * extra is the gap's length. When its header is known and its end lies
     * past the gap, the walk goes on at its end; else it resynchronises. */
    SPICECAP_WALK_CUT,
    /* Recorded flows: a header that cannot be (in socket reads a type the
     * channel does not have or a size past the sane bound),
     * with no gap to explain it: bytes vanished under a contiguous seq (a
     * writer queue that overflowed) or the stream is not what it says.
     * extra is the claimed body size. The walk resynchronises. */
    SPICECAP_WALK_DESYNC,
    /* Recorded flows whose records are socket reads: the message walked
     * just before a DESYNC or BAD_HEADER. It was reported whole, but its
     * size led to a header that cannot be, so bytes likely vanished inside
     * it. */
    SPICECAP_WALK_SUSPECT,
    /* Recorded flows: framing found again after a gap or a bad header. m is
     * the first message believed (reported as a message right after); extra
     * is the bytes skipped since the framing was lost (gaps excluded). */
    SPICECAP_WALK_RESYNC,
    /* Recorded flows: the stream ended before the framing was found again;
     * m->offset is where it was lost, extra the bytes skipped since. */
    SPICECAP_WALK_NO_RESYNC,
    /* Recorded flows: the chunks of this flow are message bodies without
     * their header: ryll's playback channel (playback.rs) records what it
     * received without the 6-byte mini header. Found at the flow's first
     * chunk (a server-to-client flow on the playback port of a drained ring
     * whose first chunk does not read as a header); reported once, with the
     * first body. Every chunk after it is one message of unknown type
     * (body_only); a gap's chunk after it is the rest of a cut body when
     * the gap is whole 65495-byte segments. */
    SPICECAP_WALK_HEADERLESS,
    /* A message whose type spice-protocol does not name on this channel
     * and direction, believed because its size chains to the next header
     * (or to the end of its chunk in a ring, or of the stream): a server
     * newer than the spice-protocol built against. Reported just before
     * the message itself; not a loss. */
    SPICECAP_WALK_UNKNOWN_TYPE,
} spicecap_walk_finding;

/* How a recorded flow's records (chunks) hold its messages, as the walk
 * has found from the bytes themselves. */
typedef enum spicecap_walk_layout {
    SPICECAP_LAYOUT_UNKNOWN = 0, /* no evidence yet: every message so far began a chunk */
    SPICECAP_LAYOUT_MESSAGES,    /* every message starts a chunk (a drained ring; sent data) */
    SPICECAP_LAYOUT_READS,       /* chunks are socket reads: messages begin and end anywhere */
} spicecap_walk_layout;

typedef enum spicecap_walk_note {
    SPICECAP_NOTE_STOPPED,      /* the direction cannot be framed: see the walker's stop reason */
    SPICECAP_NOTE_FRAMING_LOST, /* real flows: a header not believed; nothing after it is framed */
    SPICECAP_NOTE_GAP_UNFRAMED, /* real flows: no framing after a gap */
} spicecap_walk_note;

/* Where the walker reports, synchronously, from inside feed/gap/end. Any
 * callback may be NULL. A finding's message is the one it concerns; extra
 * is the finding's number (bytes past the end for SIZE_LONG, bytes held for
 * SIZE_SHORT, bytes missing for TRUNCATED, the claimed size for BAD_HEADER)
 * and tag the chunk where it was seen. */
typedef struct spicecap_walk_sink {
    void *ctx;
    void (*message)(void *ctx, const spicecap_walk_message *m);
    void (*finding)(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                    uint64_t tag);
    void (*note)(void *ctx, spicecap_walk_note kind, uint64_t offset);
} spicecap_walk_sink;

typedef enum spicecap_walk_mode {
    /* ryll's recorded flows: mini headers from the first byte, walked as a
     * byte stream across chunks. The layout is found from the bytes: in a
     * drained ring every message starts a chunk and fills chunks of 65495
     * bytes but its last, so a size that disagrees with its chunks is a
     * finding (SIZE_SHORT, SIZE_LONG); in a live capture received data is
     * written per socket read, and messages begin anywhere. After a gap or
     * a header that cannot be, the walk resynchronises: at the cut
     * message's end when its header is known, else at the next chunk start
     * that names a message (MESSAGES layout), else by resync.h's rule. */
    SPICECAP_WALK_RECORDED,
    /* A real connection (or a stream not known to be recorded): the first
     * bytes decide, the link stage is walked, and lost framing stays lost. */
    SPICECAP_WALK_REAL,
} spicecap_walk_mode;

/* One direction. Its fields are the walker's own: read them only through
 * the functions below. */
typedef struct spicecap_walker {
    spicecap_link_state *link;
    spicecap_direction direction;
    spicecap_walk_mode mode;
    bool started;          /* the first bytes were seen */
    bool lost;             /* framing lost: waiting for a chunk start to resync (recorded) */
    bool stopped;          /* never framed again */
    bool pending;          /* between PDUs: the next one's stage is taken at its first byte */
    spicecap_stage stage;  /* the PDU being read */
    uint8_t header[SPICECAP_DATA_HDR_LEN];
    uint8_t *pdu;          /* link-stage PDU being collected (malloc'd, freed once parsed) */
    uint32_t have, need;   /* bytes of the fixed part (or link PDU) read, and needed */
    uint64_t body_left;    /* message body bytes still to skip */
    uint64_t offset;       /* stream offset of the next byte */
    uint32_t last_chunk;   /* bytes of the message in the chunk before (recorded size check) */
    bool chunk_start;      /* the next byte fed starts a chunk */
    spicecap_walk_message msg;
    /* Recorded flows only. */
    spicecap_walk_layout layout;
    bool cut;              /* the message being walked was cut by a gap: not reported whole */
    bool header_mid_chunk; /* the header being read began inside a chunk, after a message's end */
    uint64_t tail;         /* bytes after the last message's end in its chunk (SIZE_LONG's number) */
    spicecap_walk_message last; /* the last message reported whole (SUSPECT's subject) */
    bool last_valid;
    bool scanning;         /* resync.h's scan is on */
    uint64_t lost_at;      /* where framing was lost (stream offset) */
    uint64_t skipped;      /* bytes skipped since (gaps excluded) */
    spicecap_resync resync_scan;
    /* Socket-read flows: the last bytes walked, so that after a desync the
     * bytes of the message before it (whose size ran past the bytes that
     * vanished) can be searched again. Allocated when the layout turns out
     * to be READS; freed by spicecap_walker_clear. */
    struct spicecap_lookback *lookback;
    bool replaying;
    bool no_lookback;      /* none could be had (too many flows hold one): searched forward only */
    uint64_t chunk_len;    /* the chunk being walked */
    bool rescan_pending;   /* a desync asks for the lookback search, from rescan_from */
    uint64_t rescan_from;
    /* Messages of a type spice-protocol does not name. */
    bool unknown_type;     /* the message being walked has one (its size was believed) */
    bool unconfirmed;      /* ... and waits for the header after it (socket reads) */
    bool held_valid;       /* a message of unknown type walked whole, not yet reported: */
    spicecap_walk_message held; /* the next header confirms it, or it is a desync */
    bool held_suspect;     /* the message before it ended where it began (held_last) */
    spicecap_walk_message held_last;
    /* Playback bodies without their header (SPICECAP_WALK_HEADERLESS). */
    bool bodies;           /* every chunk is one body */
    bool body_tail;        /* the next chunk is the rest of a body a gap cut */
    bool bodies_told;      /* HEADERLESS was reported */
    bool bodies_maybe;     /* the first chunk read as a named header past its end: the second decides */
} spicecap_walker;

void spicecap_walker_init(spicecap_walker *w, spicecap_link_state *link, spicecap_direction d,
                          spicecap_walk_mode mode);
/* Frees what the walker holds (a link-stage buffer). */
void spicecap_walker_clear(spicecap_walker *w);

/* The next chunk of contiguous stream bytes; tag names it in reports. */
void spicecap_walker_feed(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                          const spicecap_walk_sink *sink);

/* The same, for bytes that stay valid and unchanged until the walker is
 * cleared (a mapped file's): what the walker keeps of them for a later
 * search (a socket-read flow's lookback) is a reference, not a copy. */
void spicecap_walker_feed_lasting(spicecap_walker *w, const uint8_t *data, size_t len, uint64_t tag,
                                  const spicecap_walk_sink *sink);

/* len stream bytes will never come. Returns the message the gap cuts (NULL
 * when it falls between messages), valid until the next call. */
const spicecap_walk_message *spicecap_walker_gap(spicecap_walker *w, uint64_t len, const spicecap_walk_sink *sink);

/* A record with no bytes at this point of the stream (a TCP segment of no
 * payload, in step with the seq chain). In a flow of playback bodies
 * (SPICECAP_WALK_HEADERLESS) it is one message whose body is empty (stop);
 * elsewhere it says nothing. */
void spicecap_walker_empty(spicecap_walker *w, uint64_t tag, const spicecap_walk_sink *sink);

/* End of the stream: a message still open is reported truncated unless the
 * capture file itself was cut (file_truncated). */
void spicecap_walker_end(spicecap_walker *w, bool file_truncated, const spicecap_walk_sink *sink);

/* Inside a message: some of its header or body walked, the rest not. */
bool spicecap_walker_mid_message(const spicecap_walker *w);
bool spicecap_walker_stopped(const spicecap_walker *w);
/* Recorded flows: the message being walked when the last feed or gap
 * returned (its header begun: offset, tag, chunks; type and wire_size once
 * the header is read), or NULL between messages and while lost. *cut (may
 * be NULL): a gap cut it; the walk is in step to its end but will not
 * report it as a message. A message of a type spice-protocol does not name
 * that waits for the header after it (socket reads) is current until that
 * header is read. Valid until the next call. */
const spicecap_walk_message *spicecap_walker_current(const spicecap_walker *w, bool *cut);
/* Recorded flows: the layout found so far. */
spicecap_walk_layout spicecap_walker_layout(const spicecap_walker *w);
/* Recorded flows: framing is lost (after a gap or a bad header) and not yet found again. */
bool spicecap_walker_lost(const spicecap_walker *w);
spicecap_stop_reason spicecap_walker_stop_reason(const spicecap_walker *w);

#endif
