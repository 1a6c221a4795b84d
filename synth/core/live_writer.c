#include "live_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "error.h"
#include "flow.h"

struct spicecap_live_writer {
    pthread_mutex_t lock;
    spicecap_flow flow;
    spicecap_pcap_writer *pcap;
    char *path;
};

spicecap_live_writer *spicecap_live_writer_open(const char *dir, unsigned channel,
                                                const spicecap_pcap_options *options)
{
    const char *name = spicecap_channel_name(channel);
    if (dir == NULL || name == NULL) {
        spicecap_fail(SPICECAP_ERR_INVALID, "live_writer: %s", dir ? "unknown channel id" : "null directory");
        return NULL;
    }
    spicecap_live_writer *w = calloc(1, sizeof *w);
    if (w == NULL || asprintf(&w->path, "%s/%s.pcap", dir, name) < 0) {
        free(w);
        spicecap_fail(SPICECAP_ERR_NOMEM, "live_writer: out of memory");
        return NULL;
    }
    w->pcap = spicecap_pcap_create_live(w->path, options);
    if (w->pcap == NULL) {
        free(w->path);
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    spicecap_flow_init(&w->flow, channel);
    return w;
}

int spicecap_live_writer_record(spicecap_live_writer *w, uint64_t ts_us, spicecap_direction direction,
                                const uint8_t *msg, size_t len)
{
    if (w == NULL || (msg == NULL && len > 0))
        return spicecap_fail(SPICECAP_ERR_INVALID, "live_writer_record: null argument");
    pthread_mutex_lock(&w->lock);
    spicecap_segments segments;
    int rc = spicecap_flow_segment(&w->flow, direction, msg, len, &segments);
    if (rc == SPICECAP_OK) {
        for (uint32_t k = 0; rc == SPICECAP_OK && k < spicecap_segments_count(&segments); k++) {
            const spicecap_segment *segment = spicecap_segments_at(&segments, k);
            rc = spicecap_pcap_write_record(w->pcap, ts_us, segment->frame, segment->frame_len);
        }
        spicecap_segments_release(&segments);
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void spicecap_live_writer_set_next_seq(spicecap_live_writer *w, uint32_t client_seq, uint32_t server_seq)
{
    pthread_mutex_lock(&w->lock);
    spicecap_flow_set_next_seq(&w->flow, client_seq, server_seq);
    pthread_mutex_unlock(&w->lock);
}

uint32_t spicecap_live_writer_next_seq(spicecap_live_writer *w, spicecap_direction direction)
{
    pthread_mutex_lock(&w->lock);
    uint32_t seq = w->flow.next_seq[direction == SPICECAP_DIR_SENT ? SPICECAP_DIR_SENT : SPICECAP_DIR_RECEIVED];
    pthread_mutex_unlock(&w->lock);
    return seq;
}

const char *spicecap_live_writer_path(const spicecap_live_writer *w)
{
    return w->path;
}

int spicecap_live_writer_close(spicecap_live_writer *w)
{
    if (w == NULL)
        return SPICECAP_OK;
    int rc = spicecap_pcap_finish(w->pcap);
    pthread_mutex_destroy(&w->lock);
    free(w->path);
    free(w);
    return rc;
}
