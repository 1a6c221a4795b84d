#include "capture_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "format.h"

void capture_out_init(capture_out *out, spicecap_pcap_writer *pcap, const char *file_name, manifest *manifest,
                      unsigned faults, uint64_t seed)
{
    memset(out, 0, sizeof *out);
    out->pcap = pcap;
    out->file_name = file_name;
    out->manifest = manifest;
    out->faults = faults;
    /* Far enough in that the session has started, seeded so that fixtures
     * from different seeds put their faults in different places. */
    out->target_message = 3 + seed % 7;
}

void capture_out_track(capture_out *out, uint16_t track, bool snaplen_rule, uint32_t snaplen)
{
    out->track = track;
    out->snaplen_rule = snaplen_rule;
    out->snaplen = snaplen;
}

static int put_record(capture_out *out, uint64_t ts_us, const uint8_t *frame, uint32_t len);

/* The stream offset of a seq in a flow direction: seqs only move forward
 * here (no faults), so each step is the seq difference mod 2^32. */
static uint64_t stream_offset(capture_out *out, uint16_t flowdir, uint32_t seq)
{
    if (!out->flow_seen[flowdir]) {
        out->flow_seen[flowdir] = true;
        out->flow_seq[flowdir] = seq;
    }
    out->flow_off[flowdir] += (uint32_t)(seq - out->flow_seq[flowdir]);
    out->flow_seq[flowdir] = seq;
    return out->flow_off[flowdir];
}

static int tracked_message(capture_out *out, manifest_message *entry, const spicecap_segments *segments)
{
    track_file *track = manifest_tracked(out->manifest, out->track);
    entry->flowdir = track_flowdir(entry->channel, entry->direction);
    entry->track = out->track;
    entry->off = stream_offset(out, entry->flowdir, entry->seq);
    int rc = SPICECAP_OK;
    for (uint32_t k = 0; rc == SPICECAP_OK && k < spicecap_segments_count(segments); k++) {
        const spicecap_segment *seg = spicecap_segments_at(segments, k);
        uint64_t off = stream_offset(out, entry->flowdir, seg->seq);
        if (out->snaplen_rule && seg->frame_len > out->snaplen) {
            track_dropped(track, TRACK_SNAPLEN, entry->flowdir, off, seg->seq, seg->payload_len, seg->frame_len, 1,
                          entry->ts_us);
            continue;
        }
        rc = put_record(out, entry->ts_us, seg->frame, seg->frame_len);
        if (rc == SPICECAP_OK)
            track_written(track, entry->flowdir, off, seg->seq, seg->payload_len, seg->frame_len, entry->ts_us);
    }
    g_array_append_val(out->manifest->messages, *entry);
    out->messages++;
    return rc;
}

static void note_fault(capture_out *out, fault_kind kind, uint64_t frame, uint32_t seq, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void note_fault(capture_out *out, fault_kind kind, uint64_t frame, uint32_t seq, const char *fmt, ...)
{
    manifest_fault fault = {.kind = kind, .message = out->manifest->messages->len, .frame = frame, .seq = seq};
    va_list args;
    va_start(args, fmt);
    vsnprintf(fault.detail, sizeof fault.detail, fmt, args);
    va_end(args);
    g_array_append_val(out->manifest->faults, fault);
}

/* Write one record, or hold it back when the file is to end torn. */
static int put_record(capture_out *out, uint64_t ts_us, const uint8_t *frame, uint32_t len)
{
    out->frames++;
    if (!(out->faults & FAULT_BIT(FAULT_TRUNCATE_FILE)))
        return spicecap_pcap_write_record(out->pcap, ts_us, frame, len);
    if (out->holding) {
        int rc = spicecap_pcap_write_record(out->pcap, out->held_ts, out->held_frame, out->held_len);
        if (rc != SPICECAP_OK)
            return rc;
    }
    if (out->held_frame == NULL && (out->held_frame = malloc(SPICECAP_MAX_FRAME_LEN)) == NULL)
        return spicecap_fail(SPICECAP_ERR_NOMEM, "out of memory");
    memcpy(out->held_frame, frame, len);
    out->held_len = len;
    out->held_ts = ts_us;
    out->holding = true;
    return SPICECAP_OK;
}

/* Build the message's frames again from its bytes with the mini header's
 * size field off by delta, on the same flow, seq and ack, so the frames stay
 * valid TCP and only the SPICE framing lies. */
static int resegment_lying(const spicecap_segments *in, uint32_t wire_size, uint32_t delta, spicecap_segments *out)
{
    uint8_t *msg = malloc(wire_size);
    if (msg == NULL)
        return spicecap_fail(SPICECAP_ERR_NOMEM, "out of memory");
    size_t at = 0;
    for (uint32_t k = 0; k < spicecap_segments_count(in); k++) {
        const spicecap_segment *s = spicecap_segments_at(in, k);
        memcpy(msg + at, s->frame + SPICECAP_FRAME_HDR_LEN, s->payload_len);
        at += s->payload_len;
    }
    uint32_t size = spicecap_le32(msg + SPICECAP_MINI_HDR_SIZE_AT);
    size += delta;
    for (int i = 0; i < 4; i++)
        msg[2 + i] = (uint8_t)(size >> (8 * i));
    const uint8_t *ip = in->first->frame + SPICECAP_ETH_HDR_LEN, *tcp = ip + SPICECAP_IPV4_HDR_LEN;
    int rc = spicecap_segment_payload(spicecap_be32(ip + 12), spicecap_be16(tcp), spicecap_be32(ip + 16),
                                      spicecap_be16(tcp + 2), spicecap_be32(tcp + 4), spicecap_be32(tcp + 8), msg,
                                      wire_size, out);
    free(msg);
    return rc;
}

static bool take_one_off(capture_out *out, fault_kind kind)
{
    if (!(out->faults & FAULT_BIT(kind)) || out->messages < out->target_message)
        return false;
    out->faults &= ~FAULT_BIT(kind);
    return true;
}

int capture_out_message(capture_out *out, uint64_t ts_us, unsigned channel, unsigned direction, uint16_t type,
                        uint32_t wire_size, bool headerless, const spicecap_segments *segments)
{
    uint32_t count = spicecap_segments_count(segments);
    uint32_t seq = segments->first->seq;
    manifest_message entry = {.ts_us = ts_us, .channel = (uint8_t)channel, .direction = (uint8_t)direction,
                              .type = type, .wire_size = wire_size, .seq = seq, .segments = count,
                              .frame = out->frames + 1, .file = out->file_name, .headerless = headerless};
    if (out->track)
        return tracked_message(out, &entry, segments);
    int rc = SPICECAP_OK;
    if (count > 1 && (out->faults & FAULT_BIT(FAULT_K2))) {
        /* What ryll's ring wrote before the fix: one record with no bytes. */
        note_fault(out, FAULT_K2, out->frames + 1, seq, "%u-byte message written as a 0-byte record", wire_size);
        entry.segments = 0;
        rc = put_record(out, ts_us, NULL, 0);
    } else if (count > 1 && take_one_off(out, FAULT_DROP_SEGMENT)) {
        const spicecap_segment *dropped = spicecap_segments_at(segments, 1);
        note_fault(out, FAULT_DROP_SEGMENT, out->frames + 2, dropped->seq,
                   "segment 2 of %u (%u bytes) left out; the frame number is where it would have been", count,
                   dropped->payload_len);
        entry.segments = count - 1;
        for (uint32_t k = 0; k < count && rc == SPICECAP_OK; k++)
            if (k != 1)
                rc = put_record(out, ts_us, spicecap_segments_at(segments, k)->frame,
                                spicecap_segments_at(segments, k)->frame_len);
    } else if (count > 1 && take_one_off(out, FAULT_DUPLICATE_SEGMENT)) {
        const spicecap_segment *twice = spicecap_segments_at(segments, 1);
        note_fault(out, FAULT_DUPLICATE_SEGMENT, out->frames + 3, twice->seq,
                   "segment 2 of %u written again right after itself", count);
        entry.segments = count + 1;
        for (uint32_t k = 0; k < count && rc == SPICECAP_OK; k++) {
            const spicecap_segment *s = spicecap_segments_at(segments, k);
            rc = put_record(out, ts_us, s->frame, s->frame_len);
            if (k == 1 && rc == SPICECAP_OK)
                rc = put_record(out, ts_us, s->frame, s->frame_len);
        }
    } else if (count > 1 && take_one_off(out, FAULT_REORDER_SEGMENTS)) {
        note_fault(out, FAULT_REORDER_SEGMENTS, out->frames + 1, seq,
                   "segments 1 and 2 of %u swapped: the frame holds segment 2", count);
        for (uint32_t k = 0; k < count && rc == SPICECAP_OK; k++) {
            uint32_t from = k == 0 ? 1 : k == 1 ? 0 : k;
            rc = put_record(out, ts_us, spicecap_segments_at(segments, from)->frame,
                            spicecap_segments_at(segments, from)->frame_len);
        }
    } else if (wire_size >= SPICECAP_MINI_HDR_LEN && take_one_off(out, FAULT_LYING_SIZE)) {
        enum { LIE = 16 };
        spicecap_segments lying;
        rc = resegment_lying(segments, wire_size, LIE, &lying);
        if (rc != SPICECAP_OK)
            return rc;
        note_fault(out, FAULT_LYING_SIZE, out->frames + 1, seq,
                   "mini header says %u body bytes, %u follow before the next message", wire_size - 6 + LIE,
                   wire_size - 6);
        for (uint32_t k = 0; k < count && rc == SPICECAP_OK; k++)
            rc = put_record(out, ts_us, spicecap_segments_at(&lying, k)->frame,
                            spicecap_segments_at(&lying, k)->frame_len);
        spicecap_segments_release(&lying);
    } else if (take_one_off(out, FAULT_BAD_CHECKSUM)) {
        uint8_t *copy = malloc(segments->first->frame_len);
        if (copy == NULL)
            return spicecap_fail(SPICECAP_ERR_NOMEM, "out of memory");
        memcpy(copy, segments->first->frame, segments->first->frame_len);
        const size_t tcp_checksum = SPICECAP_ETH_HDR_LEN + SPICECAP_IPV4_HDR_LEN + 16;
        copy[tcp_checksum] ^= 0x5a;
        note_fault(out, FAULT_BAD_CHECKSUM, out->frames + 1, seq, "TCP checksum of the message's first frame altered");
        rc = put_record(out, ts_us, copy, segments->first->frame_len);
        free(copy);
        for (uint32_t k = 1; k < count && rc == SPICECAP_OK; k++)
            rc = put_record(out, ts_us, spicecap_segments_at(segments, k)->frame,
                            spicecap_segments_at(segments, k)->frame_len);
    } else {
        for (uint32_t k = 0; k < count && rc == SPICECAP_OK; k++)
            rc = put_record(out, ts_us, spicecap_segments_at(segments, k)->frame,
                            spicecap_segments_at(segments, k)->frame_len);
    }
    g_array_append_val(out->manifest->messages, entry);
    out->messages++;
    return rc;
}

int capture_out_finish(capture_out *out)
{
    int rc = SPICECAP_OK;
    if (out->holding) {
        /* Keep the record header and half its bytes: a writer killed mid-record. */
        uint32_t kept = out->held_len / 2;
        manifest_fault fault = {.kind = FAULT_TRUNCATE_FILE, .message = out->manifest->messages->len - 1,
                                .frame = out->frames};
        snprintf(fault.detail, sizeof fault.detail, "file ends %u bytes into the last record's %u", kept,
                 out->held_len);
        if (out->held_len >= SPICECAP_FRAME_HDR_LEN)
            fault.seq = spicecap_be32(out->held_frame + 38);
        g_array_append_val(out->manifest->faults, fault);
        rc = spicecap_pcap_write_torn_record(out->pcap, out->held_ts, out->held_frame, out->held_len, kept);
    }
    free(out->held_frame);
    out->held_frame = NULL;
    if (rc != SPICECAP_OK) {
        spicecap_pcap_discard(out->pcap);
        return rc;
    }
    return spicecap_pcap_finish(out->pcap);
}

void capture_out_discard(capture_out *out)
{
    free(out->held_frame);
    out->held_frame = NULL;
    spicecap_pcap_discard(out->pcap);
}
