/* A bug-report zip laid out like ryll's (src/bugreport.rs write_zip and its
 * siblings): metadata.json, session.json, channel-state.json, traffic.pcap
 * (unless the report has none), notifications.json, runtime-metrics.json,
 * and for a Disconnect report disconnect-cause.json, in that order, every
 * entry stored (not deflated), with fixed times so that a seed always gives
 * the same bytes. The JSON members are report_members.h's. */
#ifndef SPICECAP_SYNTH_BUGREPORT_H
#define SPICECAP_SYNTH_BUGREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "report_members.h"

/* Write the zip at path (libzip writes a temporary file and renames it).
 * traffic NULL: no traffic.pcap member (a ryll built without its capture
 * feature, a webdav disconnect). Returns 0, or -1 with a message in *error
 * (g_free it). */
int bugreport_write(const char *path, const report_context *report, const uint8_t *traffic, size_t traffic_len,
                    char **error);

#endif
