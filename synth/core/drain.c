#include "drain.h"

#include <stdlib.h>

#include "channels.h"
#include "error.h"

static long write_entries(const spicecap_ring *snapshot, size_t count, spicecap_pcap_writer *writer)
{
    for (size_t i = 0; i < count; i++) {
        const spicecap_entry *entry = spicecap_ring_entry(snapshot, i);
        for (uint32_t k = 0; k < spicecap_segments_count(&entry->segments); k++) {
            const spicecap_segment *segment = spicecap_segments_at(&entry->segments, k);
            int rc = spicecap_pcap_write_record(writer, entry->ts_us, segment->frame, segment->frame_len);
            if (rc != SPICECAP_OK)
                return rc;
        }
    }
    return (long)count;
}

long spicecap_ring_drain(spicecap_ring *ring, spicecap_pcap_writer *writer)
{
    if (ring == NULL || writer == NULL)
        return spicecap_fail(SPICECAP_ERR_INVALID, "drain: null argument");
    spicecap_ring *snapshot = spicecap_ring_snapshot(ring);
    if (snapshot == NULL)
        return spicecap_last_status();
    long written = write_entries(snapshot, spicecap_ring_count(snapshot), writer);
    spicecap_ring_free(snapshot);
    return written;
}

long spicecap_ring_drain_to_path(spicecap_ring *ring, const char *path, const spicecap_pcap_options *options)
{
    if (ring == NULL || path == NULL)
        return spicecap_fail(SPICECAP_ERR_INVALID, "drain: null argument");
    spicecap_pcap_writer *writer = spicecap_pcap_create_atomic(path, options);
    if (writer == NULL)
        return spicecap_last_status();
    long written = spicecap_ring_drain(ring, writer);
    if (written < 0) {
        spicecap_pcap_discard(writer);
        return written;
    }
    int rc = spicecap_pcap_finish(writer);
    return rc == SPICECAP_OK ? written : rc;
}

long spicecap_ring_list(spicecap_ring *ring, spicecap_listing_row **rows)
{
    if (ring == NULL || rows == NULL)
        return spicecap_fail(SPICECAP_ERR_INVALID, "list: null argument");
    spicecap_ring *snapshot = spicecap_ring_snapshot(ring);
    if (snapshot == NULL)
        return spicecap_last_status();
    size_t count = spicecap_ring_count(snapshot);
    spicecap_listing_row *list = calloc(count ? count : 1, sizeof *list);
    if (list == NULL) {
        spicecap_ring_free(snapshot);
        return spicecap_fail(SPICECAP_ERR_NOMEM, "list: out of memory for %zu rows", count);
    }
    for (size_t i = 0; i < count; i++) {
        const spicecap_entry *entry = spicecap_ring_entry(snapshot, i);
        list[i] = (spicecap_listing_row){
            .ts_us = entry->ts_us,
            .channel = spicecap_channel_name(entry->channel),
            .direction = spicecap_direction_name(entry->direction),
            .msg_type = entry->msg_type,
            .msg_name = entry->msg_name,
            .wire_size = entry->wire_size,
            .segment_count = spicecap_segments_count(&entry->segments),
        };
    }
    spicecap_ring_free(snapshot);
    *rows = list;
    return (long)count;
}
