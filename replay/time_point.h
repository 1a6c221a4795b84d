/* Where in a recording a tool stops: --at/--until SECONDS (the input's own
 * clock, as Wireshark's frame.time_relative shows it), --at-frame/
 * --until-frame N (the time of that record of a single-file input). */
#ifndef SPICECAP_REPLAY_TIME_POINT_H
#define SPICECAP_REPLAY_TIME_POINT_H

#include <stdbool.h>
#include <stdint.h>

#include "recording.h"

/* SECONDS as a count of nanoseconds since the input's first record. False
 * with *error when it is not a finite number of seconds at or after 0. */
bool time_point_seconds(const char *text, uint64_t *ns, char **error);

/* The time of record N (1-based) of the file PATH, since the file's first
 * record. False with *error when PATH is a directory or has fewer records. */
bool time_point_frame(const char *path, uint64_t n, uint64_t *ns, char **error);

/* A bug report's trigger (metadata.json's triggered_uptime_secs, on
 * traffic.pcap's clock) as a time since the recording's first record; a
 * trigger before that record is 0, said in *note (g_free it; NULL when
 * none). False with *error when PATH is no bug report zip or its
 * metadata.json gives no usable trigger. */
bool time_point_trigger(const char *path, const replay_recording *rec, uint64_t *ns, char **note, char **error);

#endif
