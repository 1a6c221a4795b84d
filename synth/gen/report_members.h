/* The JSON members of a synthetic bug report besides metadata.json, each in
 * the shape ryll writes it (shakenfist/ryll: src/bugreport.rs AppSnapshot,
 * DisconnectCause; shakenfist-spice-renderer/src/snapshots.rs,
 * notification.rs, metrics.rs), its values taken from the session's facts
 * (session_facts.h) so they agree with the traffic the report holds, and
 * written as serde_json's pretty printer writes them (serde_out.h).
 * g_free each result. */
#ifndef SPICECAP_SYNTH_REPORT_MEMBERS_H
#define SPICECAP_SYNTH_REPORT_MEMBERS_H

#include <json-glib/json-glib.h>
#include <stdint.h>

#include "report_type.h"
#include "session_facts.h"

typedef struct report_context {
    const report_type *type;
    uint64_t duration_us; /* the report is taken at the session's end */
    const session_facts *facts;
    uint64_t seed;
} report_context;

/* The session's uptime at the report, in seconds as ryll's clock gives it
 * to a readable precision (milliseconds): session.json's uptime_secs and
 * metadata.json's session_uptime_secs. */
double report_uptime_secs(uint64_t duration_us);

/* session.json: AppSnapshot (a Pedantic report's is AppSnapshot's default
 * but its uptime, as ryll's headless --pedantic writes it). */
char *report_session_json(const report_context *c);
/* channel-state.json: the report channel's snapshot; {} for Usb; every
 * channel's, keyed by name, for an AutoSnapshot. */
char *report_channel_state_json(const report_context *c);
/* notifications.json: NotificationStore::snapshot(), Vec<NotificationEntry>. */
char *report_notifications_json(const report_context *c);
/* runtime-metrics.json: RuntimeMetrics::Linux. */
char *report_runtime_metrics_json(const report_context *c);
/* disconnect-cause.json: DisconnectCause (Disconnect reports). */
char *report_disconnect_cause_json(const report_context *c);

/* Builders the member writers share. */
void rj_uint(JsonBuilder *b, const char *name, uint64_t value);
void rj_f64(JsonBuilder *b, const char *name, double value);
void rj_bool(JsonBuilder *b, const char *name, bool value);
void rj_str(JsonBuilder *b, const char *name, const char *value);
void rj_null(JsonBuilder *b, const char *name);
/* Option<f64> seconds: null unless have. */
void rj_secs_opt(JsonBuilder *b, const char *name, bool have, uint64_t us);
double rj_secs(uint64_t us);

/* The transport fields every snapshot and a disconnect's PerChannelDiagnostics
 * open with (bytes in and out, last receive and send, pings), in ryll's order. */
void report_transport(JsonBuilder *b, const channel_facts *f);

/* One channel's snapshot object (snapshots.rs), "display" .. "webdav". */
void report_snapshot(JsonBuilder *b, const report_context *c, const char *channel);

#endif
