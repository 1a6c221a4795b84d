/* The --live output: a capture directory as ryll's capture mode writes it
 * (metadata.json first, then one pcap per channel as messages happen). A
 * run that fails while writing leaves what it wrote, as a killed ryll does
 * (every record is whole up to the last); one that fails before writing a
 * record (the directory cannot be made, metadata.json cannot be written, no
 * read for --fault queue-overflow to drop) leaves nothing, the directories
 * it made included. */
#ifndef SPICECAP_SYNTH_LIVE_OUT_H
#define SPICECAP_SYNTH_LIVE_OUT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "pcap_out.h"
#include "scenario.h"
#include "sink.h"

typedef struct live_request {
    const char *dir;
    const scenario_params *scenario;
    const spicecap_pcap_options *pcap_options;
    uint32_t snaplen;
    bool ryll_compat; /* what ryll writes: the directory made if missing (create_dir_all), capture.rs's five
                         pcaps opened up front, no record over the snaplen */
    bool per_message; /* Phase 08's intent: received data per message, not per socket read */
    bool queue_fault; /* --fault queue-overflow */
} live_request;

/* Write the directory; directories made for it are appended to made_dirs.
 * 0, or -1 with *error set (g_free it). */
int live_out_write(const live_request *req, sink *s, manifest *m, GPtrArray *made_dirs, char **error);

#endif
