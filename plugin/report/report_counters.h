/* The capture comment's lines from the report's other members: session.json
 * (fps, drops, latency, lag), channel-state.json's anomaly counters,
 * notifications.json's count and last errors, runtime-metrics.json's CPU
 * and RSS, disconnect-cause.json. Each line short, each string escaped
 * (report_text.h), and each member read defensively: any of them may be of
 * another shape, hold other types or be huge (a hostile zip), so every
 * member is looked up by name, typed before use, and the lines are bounded
 * in number and length. */
#ifndef SPICECAP_REPORT_COUNTERS_H
#define SPICECAP_REPORT_COUNTERS_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* The optional members' roots as parsed, NULL when absent or unreadable. */
typedef struct report_members_read {
    JsonNode *session, *channel_state, *notifications, *runtime, *disconnect;
} report_members_read;

/* Appends "\n<line>" for each fact the members give. */
void report_counter_lines(GString *out, const report_members_read *members);

/* A number member of o (an integer or a fraction), false when absent or of
 * another type. */
gboolean report_member_number(JsonObject *o, const char *name, double *value);

/* A string member of o, or NULL. */
const char *report_member_string(JsonObject *o, const char *name);

#endif
