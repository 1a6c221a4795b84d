/* Every member of a ryll bug-report zip, read for triage. The member names,
 * which report carries which, and their shapes are defined here once (from
 * ryll's bugreport.rs, in the order it stores them). A member that is absent
 * where ryll writes it, unreadable or of the wrong shape is said, never
 * passed over; nothing here changes the exit status. */
#ifndef SPICECAP_VALIDATE_TRIAGE_MEMBERS_H
#define SPICECAP_VALIDATE_TRIAGE_MEMBERS_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "metadata.h"

typedef enum triage_member_id {
    TM_METADATA,
    TM_SESSION,
    TM_CHANNEL_STATE,
    TM_TRAFFIC,
    TM_SCREENSHOT,
    TM_SCREENSHOT_REGION,
    TM_NOTIFICATIONS,
    TM_RUNTIME_METRICS,
    TM_DISCONNECT_CAUSE,
    TM_COUNT
} triage_member_id;

/* A JSON member is read whole up to this size, a screenshot up to the next. */
#define TRIAGE_JSON_MAX_BYTES ((size_t)4 << 20)
#define TRIAGE_PNG_MAX_BYTES ((size_t)64 << 20)

typedef struct triage_member {
    triage_member_id id;
    bool expected;          /* ryll writes it for this report's type */
    const char *why;        /* when expected only for some reports: "a Display report has one" */
    metadata_status status; /* read, absent, unreadable, malformed */
    char *problem;          /* unless read (or absent and not expected): what is wrong, and where */
    uint64_t size;          /* bytes, when there */
    JsonNode *json;         /* the parsed JSON member, when it parsed */
    uint32_t width, height; /* a PNG's, from its IHDR */
    GPtrArray *notes;       /* char *: how a JSON member differs from ryll's schema (triage_schema.h), each once */
} triage_member;

typedef struct triage_members {
    triage_member member[TM_COUNT];
    GPtrArray *others; /* char *: entries of the zip ryll does not write */
} triage_members;

/* The member's file name in the zip ("session.json"). */
const char *triage_member_name(triage_member_id id);

/* Read every member of the zip m describes (its metadata already read). */
void triage_members_read(triage_members *t, const input_metadata *m);
void triage_members_clear(triage_members *t);

/* report_type's variant ("Display", "Disconnect"), or NULL. */
const char *triage_report_variant(const input_metadata *m);

/* Why a ryll report (its metadata.json names a report_type) has no capture
 * to validate (no traffic.pcap and no other pcap entry); NULL when it has
 * one, or when the zip is not known for a ryll report. */
const char *triage_no_traffic(const triage_members *t, const input_metadata *m);

/* Does the member need its problem said (expected and not read, or there and not right)? */
bool triage_member_wrong(const triage_member *tm);

#endif
