/* What a written file really holds, for outputs where that is more than
 * "every segment of every message": ryll-compatible output (records over the
 * snaplen are not written, their seq still advances), live captures of
 * socket reads (a record holds any slice of the byte stream) and queue
 * overflow (a read never written, its bytes gone under a contiguous chain).
 *
 * The writer logs every record it writes or drops, with the stream offset of
 * its first payload byte in its flow direction; the manifest then resolves
 * each message's byte range against that log: which records hold part of it,
 * which seq ranges are missing, which bytes vanished. */
#ifndef SPICECAP_SYNTH_TRACK_H
#define SPICECAP_SYNTH_TRACK_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

typedef enum track_fate {
    TRACK_WRITTEN,  /* the record is in the file */
    TRACK_SNAPLEN,  /* longer than the header's snaplen: not written, seq advanced */
    TRACK_QUEUE,    /* a read dropped by a full queue: not written, seq not advanced */
} track_fate;

typedef struct track_record {
    uint64_t off;        /* stream offset of its first payload byte in its flow direction */
    uint64_t frame;      /* written: its 1-based record number; dropped: records written before it */
    uint64_t ts_us;
    uint32_t seq;        /* the seq it carries, or (queue) the seq the bytes after it get */
    uint32_t len;        /* payload bytes */
    uint32_t record_len; /* record bytes (queue: of every record the read would have made) */
    uint32_t records;    /* records it stands for: 1, or (queue) the read's segment count */
    uint16_t flowdir;    /* channel * 2 + direction */
    uint8_t fate;        /* track_fate */
} track_record;

typedef struct track_file {
    char *name;
    uint32_t snaplen;
    uint64_t written; /* records in the file */
    GArray *records;  /* track_record, in file order */
} track_file;

track_file *track_file_new(const char *name, uint32_t snaplen);
void track_file_free(track_file *file);

static inline uint16_t track_flowdir(unsigned channel, unsigned direction)
{
    return (uint16_t)(channel * 2 + direction);
}

/* Log a record written to the file; returns its frame number. */
uint64_t track_written(track_file *file, uint16_t flowdir, uint64_t off, uint32_t seq, uint32_t len,
                       uint32_t record_len, uint64_t ts_us);

/* Log a record (or, for TRACK_QUEUE, a read of `records` records) that the
 * file does not hold. */
void track_dropped(track_file *file, track_fate fate, uint16_t flowdir, uint64_t off, uint32_t seq, uint32_t len,
                   uint32_t record_len, uint32_t records, uint64_t ts_us);

/* One message's byte range resolved against its file's log. */
typedef enum track_held { TRACK_HELD_WHOLE, TRACK_HELD_CUT, TRACK_HELD_ABSENT } track_held;

typedef struct track_range {
    uint32_t a, b; /* missing: [seq_start, seq_end); vanished: at seq a, b bytes */
} track_range;

typedef struct track_result {
    uint32_t seq;      /* of its first byte (or, if that vanished, of the byte after the drop) */
    uint32_t segments; /* records holding at least one of its bytes */
    uint64_t frame;    /* the first of them, or where it would have been */
    track_held held;
    GArray *missing;  /* track_range: seq ranges not in the file (gaps in the chain) */
    GArray *vanished; /* track_range: bytes gone with no seq (queue overflow) */
} track_result;

/* Resolve messages [off[i], off[i] + len[i]) of one flow direction, given in
 * stream order, against the file's log. results[i] must be zeroed; free
 * their arrays with track_result_clear. */
void track_resolve(const track_file *file, uint16_t flowdir, size_t count, const uint64_t *off, const uint32_t *len,
                   track_result *results);
void track_result_clear(track_result *result);
const char *track_held_name(track_held held);

/* The file's entry in the manifest's "files" array. channel_of/direction_of
 * name a flowdir's parts. */
void track_file_to_json(const track_file *file, JsonBuilder *b);

#endif
