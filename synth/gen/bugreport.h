/* A bug-report zip laid out like ryll's: metadata.json (in ryll's shape,
 * ryll_metadata.h), session.json, channel-state.json, traffic.pcap,
 * notifications.json and runtime-metrics.json, every entry stored (not
 * deflated), with fixed times so that a seed always gives the same bytes. */
#ifndef SPICECAP_SYNTH_BUGREPORT_H
#define SPICECAP_SYNTH_BUGREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

typedef struct bugreport_info {
    const char *report_type; /* ryll's BugReportType: "AutoSnapshot", "Display", ... */
    const char *channel;     /* the channel it names: "all", "display", ... */
    uint64_t duration_us;
    const sink *rings; /* the rings the traffic was drained from */
} bugreport_info;

/* Write the zip at path (libzip writes a temporary file and renames it).
 * Returns 0, or -1 with a message in *error (g_free it). */
int bugreport_write(const char *path, const bugreport_info *info, const uint8_t *traffic, size_t traffic_len,
                    char **error);

#endif
