/* metadata.json as ryll writes it, for a bug report and for a --capture
 * directory: the same members, in the same order, with the same types and
 * layout (ryll's bugreport.rs ReportMetadata through serde_json's pretty
 * printer; capture.rs write_metadata, hand-written JSON). The values are
 * synthetic but fixed, so that a seed always gives the same bytes: the
 * session starts at 2026-01-01T00:00:00Z, ryll is "0.1.7" at git sha
 * "synthetic", on linux x86_64, connected to 10.0.0.2:5900. */
#ifndef SPICECAP_SYNTH_RYLL_METADATA_H
#define SPICECAP_SYNTH_RYLL_METADATA_H

#include <stdint.h>

#include "report_type.h"

/* What ryll's disconnect and notification reports quote (their cause, the
 * notification's text): the same in every member that quotes them. */
#define RYLL_DISCONNECT_ERROR "Connection reset by peer (os error 104)"
#define RYLL_NOTIFICATION_MESSAGE "spicecap-synth: a synthetic notification"

/* A bug report's metadata.json: report_type as serde writes it (a unit
 * variant as a string, a struct variant as an object), channel what
 * BugReportType::channel_name gives for it ("all" for AutoSnapshot). The
 * report is taken uptime_us into the session, with no separate trigger
 * (triggered_* equal timestamp and session_uptime_secs, as ryll's
 * auto-snapshots, pedantic, disconnect and notification reports write
 * them). g_free the result. */
char *ryll_report_metadata(const report_type *type, uint64_t uptime_us);

/* A capture directory's metadata.json (no TLS port: target_tls_port null),
 * the capture started at the session's start. g_free the result. */
char *ryll_capture_metadata(void);

#endif
