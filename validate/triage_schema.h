/* The shapes of ryll's JSON members, field by field, as ryll's structs
 * serialise them (serde): what triage_members.c checks each member against.
 * Read from shakenfist/ryll: src/bugreport.rs (AppSnapshot, DisconnectCause,
 * PerChannelDiagnostics), shakenfist-spice-renderer/src/snapshots.rs at
 * 0f13292b075fb4772ec9c9d751894f31ec33180d (the channel snapshots),
 * notification.rs at 6b6ccff2cee78e414b89773fbb50fc9e4cc8b1ff
 * (NotificationEntry) and metrics.rs at
 * 0b626a57b9a18b662e41e6b7376320cfefeb8ccc (RuntimeMetrics). A field the
 * table lacks is a newer ryll's: it passes, named once in a note. */
#ifndef SPICECAP_VALIDATE_TRIAGE_SCHEMA_H
#define SPICECAP_VALIDATE_TRIAGE_SCHEMA_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

typedef struct ryll_shape ryll_shape;

/* The shape channel-state.json has in a report: the snapshot of the channel
 * metadata.json names (channel_name()), {} for a Usb report, every
 * channel's keyed by name for an AutoSnapshot ("all"). NULL when the
 * channel has no snapshot (the member is then not checked field by field). */
const ryll_shape *ryll_channel_state_shape(const char *variant, const char *channel);
const ryll_shape *ryll_session_shape(void);            /* AppSnapshot */
const ryll_shape *ryll_notification_shape(void);       /* one NotificationEntry */
const ryll_shape *ryll_disconnect_cause_shape(void);   /* DisconnectCause */
/* RuntimeMetrics is untagged: Unavailable when the object has "available". */
const ryll_shape *ryll_runtime_metrics_shape(JsonObject *o);

/* The shape's name in ryll ("AppSnapshot"). */
const char *ryll_shape_name(const ryll_shape *shape);

/* Check node (an object, or an array of them: each element) against shape; each difference (a missing field, a field of the
 * wrong type, a field the table lacks) is added to notes once (char *,
 * "recent_decodes[].width: a string; ryll writes an unsigned integer"),
 * at most TRIAGE_SCHEMA_MAX_NOTES of them and then how many more. */
#define TRIAGE_SCHEMA_MAX_NOTES 16u
void ryll_shape_check(JsonNode *node, const ryll_shape *shape, GPtrArray *notes);

#endif
