#include "track.h"

#include <stdlib.h>

#include "channels.h"
#include "drain.h"

track_file *track_file_new(const char *name, uint32_t snaplen)
{
    track_file *file = g_new0(track_file, 1);
    file->name = g_strdup(name);
    file->snaplen = snaplen;
    file->records = g_array_new(FALSE, TRUE, sizeof(track_record));
    return file;
}

void track_file_free(track_file *file)
{
    if (file == NULL)
        return;
    g_free(file->name);
    g_array_free(file->records, TRUE);
    g_free(file);
}

uint64_t track_written(track_file *file, uint16_t flowdir, uint64_t off, uint32_t seq, uint32_t len,
                       uint32_t record_len, uint64_t ts_us)
{
    track_record r = {.off = off, .frame = ++file->written, .ts_us = ts_us, .seq = seq, .len = len,
                      .record_len = record_len, .records = 1, .flowdir = flowdir, .fate = TRACK_WRITTEN};
    g_array_append_val(file->records, r);
    return r.frame;
}

void track_dropped(track_file *file, track_fate fate, uint16_t flowdir, uint64_t off, uint32_t seq, uint32_t len,
                   uint32_t record_len, uint32_t records, uint64_t ts_us)
{
    track_record r = {.off = off, .frame = file->written, .ts_us = ts_us, .seq = seq, .len = len,
                      .record_len = record_len, .records = records, .flowdir = flowdir, .fate = (uint8_t)fate};
    g_array_append_val(file->records, r);
}

const char *track_held_name(track_held held)
{
    static const char *const names[] = {"whole", "cut", "absent"};
    return names[held];
}

void track_result_clear(track_result *result)
{
    if (result->missing)
        g_array_free(result->missing, TRUE);
    if (result->vanished)
        g_array_free(result->vanished, TRUE);
    result->missing = result->vanished = NULL;
}

/* Append a range, joining it to the last one when they touch. */
static void add_missing(GArray *ranges, uint32_t a, uint32_t b)
{
    if (ranges->len > 0) {
        track_range *last = &g_array_index(ranges, track_range, ranges->len - 1);
        if (last->b == a) {
            last->b = b;
            return;
        }
    }
    track_range r = {a, b};
    g_array_append_val(ranges, r);
}

static void add_vanished(GArray *ranges, uint32_t at, uint32_t bytes)
{
    if (ranges->len > 0) {
        track_range *last = &g_array_index(ranges, track_range, ranges->len - 1);
        if (last->a == at) {
            last->b += bytes;
            return;
        }
    }
    track_range r = {at, bytes};
    g_array_append_val(ranges, r);
}

void track_resolve(const track_file *file, uint16_t flowdir, size_t count, const uint64_t *off, const uint32_t *len,
                   track_result *results)
{
    /* The flow direction's records, in file (= stream) order. */
    GArray *mine = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < file->records->len; i++)
        if (g_array_index(file->records, track_record, i).flowdir == flowdir)
            g_array_append_val(mine, i);
    guint j = 0;
    for (size_t m = 0; m < count; m++) {
        track_result *res = &results[m];
        res->missing = g_array_new(FALSE, FALSE, sizeof(track_range));
        res->vanished = g_array_new(FALSE, FALSE, sizeof(track_range));
        uint64_t a = off[m], b = off[m] + len[m];
        /* A message of no bytes (a headerless body of 0 bytes: ryll still
         * writes a record, with no payload) is held by the record of no
         * payload at its offset; messages with bytes never count such a
         * record. */
        bool empty = a == b;
        while (j < mine->len) {
            const track_record *r = &g_array_index(file->records, track_record, g_array_index(mine, guint, j));
            if (r->off + r->len > a || (empty && r->len == 0 && r->off == a))
                break;
            j++;
        }
        bool have_seq = false, have_frame = false;
        if (empty && j < mine->len) {
            const track_record *r = &g_array_index(file->records, track_record, g_array_index(mine, guint, j));
            if (r->off == a && r->len == 0 && r->fate == TRACK_WRITTEN) {
                res->seq = r->seq;
                res->segments = 1;
                res->frame = r->frame;
                j++; /* claimed: a second empty message here needs a record of its own */
            }
        }
        for (guint k = j; !empty && k < mine->len; k++) {
            const track_record *r = &g_array_index(file->records, track_record, g_array_index(mine, guint, k));
            if (r->off >= b)
                break;
            if (r->len == 0)
                continue;
            uint64_t lo = r->off > a ? r->off : a, hi = r->off + r->len < b ? r->off + r->len : b;
            if (!have_seq) {
                res->seq = r->fate == TRACK_QUEUE ? r->seq : r->seq + (uint32_t)(a - r->off);
                have_seq = true;
            }
            if (r->fate == TRACK_WRITTEN) {
                res->segments++;
                if (!have_frame)
                    res->frame = r->frame;
                have_frame = true;
            } else if (r->fate == TRACK_SNAPLEN) {
                add_missing(res->missing, r->seq + (uint32_t)(lo - r->off), r->seq + (uint32_t)(hi - r->off));
                if (!have_frame)
                    res->frame = r->frame + 1; /* where it would have been */
                have_frame = true;
            } else {
                add_vanished(res->vanished, r->seq, (uint32_t)(hi - lo));
                if (!have_frame)
                    res->frame = r->frame + 1;
                have_frame = true;
            }
        }
        res->held = res->segments == 0                                   ? TRACK_HELD_ABSENT
                    : res->missing->len == 0 && res->vanished->len == 0 ? TRACK_HELD_WHOLE
                                                                        : TRACK_HELD_CUT;
    }
    g_array_free(mine, TRUE);
}

/* JSON helpers. */
static void member_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

static void member_string(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, v);
}

static void flowdir_members(JsonBuilder *b, uint16_t flowdir)
{
    member_string(b, "channel", spicecap_channel_name(flowdir / 2u));
    member_string(b, "direction", spicecap_direction_name((spicecap_direction)(flowdir % 2u)));
}

/* A dropped record's neighbours: in the file (after_frame, before_frame) and
 * in its own flow direction's seq chain (prev_frame, next_frame); 0 when
 * there is none. */
typedef struct neighbours {
    uint64_t prev, next;
} neighbours;

static neighbours *chain_neighbours(const track_file *file)
{
    guint n = file->records->len;
    neighbours *nb = g_new0(neighbours, n ? n : 1);
    GHashTable *last = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < n; i++) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        gpointer key = GUINT_TO_POINTER(r->flowdir + 1u);
        if (r->fate == TRACK_WRITTEN)
            g_hash_table_insert(last, key, GSIZE_TO_POINTER((gsize)r->frame));
        else
            nb[i].prev = (uint64_t)GPOINTER_TO_SIZE(g_hash_table_lookup(last, key));
    }
    g_hash_table_remove_all(last);
    for (guint i = n; i-- > 0;) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        gpointer key = GUINT_TO_POINTER(r->flowdir + 1u);
        if (r->fate == TRACK_WRITTEN)
            g_hash_table_insert(last, key, GSIZE_TO_POINTER((gsize)r->frame));
        else
            nb[i].next = (uint64_t)GPOINTER_TO_SIZE(g_hash_table_lookup(last, key));
    }
    g_hash_table_destroy(last);
    return nb;
}

static void around_members(JsonBuilder *b, const track_file *file, const track_record *first,
                           const track_record *last, const neighbours *nb_first, const neighbours *nb_last)
{
    member_int(b, "after_frame", (gint64)first->frame);
    member_int(b, "before_frame", last->frame < file->written ? (gint64)last->frame + 1 : 0);
    member_int(b, "prev_frame", (gint64)nb_first->prev);
    member_int(b, "next_frame", (gint64)nb_last->next);
}

void track_file_to_json(const track_file *file, JsonBuilder *b)
{
    neighbours *nb = chain_neighbours(file);
    guint n = file->records->len;
    json_builder_begin_object(b);
    member_string(b, "file", file->name);
    member_int(b, "snaplen", file->snaplen);
    member_int(b, "records", (gint64)file->written);

    /* Snaplen loss: consecutive dropped records of one flow direction with
     * no written record of it between them make one gap in its chain. */
    uint64_t count = 0, bytes = 0, record_bytes = 0;
    for (guint i = 0; i < n; i++) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        if (r->fate == TRACK_SNAPLEN)
            count++, bytes += r->len, record_bytes += r->record_len;
    }
    json_builder_set_member_name(b, "snaplen_loss");
    json_builder_begin_object(b);
    member_int(b, "records", (gint64)count);
    member_int(b, "bytes", (gint64)bytes);
    member_int(b, "record_bytes", (gint64)record_bytes);
    json_builder_set_member_name(b, "gaps");
    json_builder_begin_array(b);
    bool *used = g_new0(bool, n ? n : 1);
    for (guint i = 0; i < n; i++) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        if (r->fate != TRACK_SNAPLEN || used[i])
            continue;
        /* Gather the run: same flow direction, seq contiguous, same next written record. */
        GArray *run = g_array_new(FALSE, FALSE, sizeof(guint));
        g_array_append_val(run, i);
        uint32_t end = r->seq + r->len;
        for (guint k = i + 1; k < n; k++) {
            const track_record *q = &g_array_index(file->records, track_record, k);
            if (q->flowdir != r->flowdir)
                continue;
            if (q->fate != TRACK_SNAPLEN || q->seq != end)
                break;
            g_array_append_val(run, k);
            used[k] = true;
            end = q->seq + q->len;
        }
        guint last_index = g_array_index(run, guint, run->len - 1);
        const track_record *last = &g_array_index(file->records, track_record, last_index);
        json_builder_begin_object(b);
        flowdir_members(b, r->flowdir);
        member_int(b, "seq_start", r->seq);
        member_int(b, "seq_end", end);
        member_int(b, "bytes", (gint64)(uint32_t)(end - r->seq));
        member_int(b, "records", run->len);
        json_builder_set_member_name(b, "record_lengths");
        json_builder_begin_array(b);
        for (guint k = 0; k < run->len; k++)
            json_builder_add_int_value(
                b, g_array_index(file->records, track_record, g_array_index(run, guint, k)).record_len);
        json_builder_end_array(b);
        member_int(b, "ts_us", (gint64)r->ts_us);
        around_members(b, file, r, last, &nb[i], &nb[last_index]);
        json_builder_end_object(b);
        g_array_free(run, TRUE);
    }
    g_free(used);
    json_builder_end_array(b);
    json_builder_end_object(b);

    /* Queue overflow: each dropped read, bytes gone under a contiguous chain. */
    uint64_t reads = 0, qrecords = 0, qbytes = 0;
    for (guint i = 0; i < n; i++) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        if (r->fate == TRACK_QUEUE)
            reads++, qrecords += r->records, qbytes += r->len;
    }
    json_builder_set_member_name(b, "queue_overflow");
    json_builder_begin_object(b);
    member_int(b, "reads", (gint64)reads);
    member_int(b, "records", (gint64)qrecords);
    member_int(b, "bytes", (gint64)qbytes);
    json_builder_set_member_name(b, "drops");
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        const track_record *r = &g_array_index(file->records, track_record, i);
        if (r->fate != TRACK_QUEUE)
            continue;
        json_builder_begin_object(b);
        flowdir_members(b, r->flowdir);
        member_int(b, "seq", r->seq);
        member_int(b, "bytes", r->len);
        member_int(b, "records", r->records);
        member_int(b, "record_bytes", r->record_len);
        member_int(b, "stream_offset", (gint64)r->off);
        member_int(b, "ts_us", (gint64)r->ts_us);
        around_members(b, file, r, r, &nb[i], &nb[i]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_free(nb);
}
