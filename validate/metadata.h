/* What a ryll bug-report zip's or capture directory's metadata.json says.
 * ryll writes two shapes (read from its source): a bug report's
 * ReportMetadata (bugreport.rs, serde_json: ryll_version, ryll_git_sha,
 * platform_os, platform_arch, report_type, channel, description, region,
 * timestamp, target_host, target_port, session_uptime_secs, triggered_at,
 * triggered_uptime_secs) and a --capture directory's (capture.rs:
 * ryll_version, ryll_git_sha, platform_os, platform_arch, target_host,
 * target_port, target_tls_port, capture_started). Those members are kept,
 * each with the type ryll writes; others are ignored. Nothing here stops a
 * capture from being checked: a missing, unreadable or malformed
 * metadata.json is said (status, problem) and the captures are read all the
 * same. */
#ifndef SPICECAP_VALIDATE_METADATA_H
#define SPICECAP_VALIDATE_METADATA_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/* A larger metadata.json is not read (ryll's are under 1 KiB). */
#define METADATA_MAX_BYTES ((size_t)1 << 20)

typedef enum metadata_kind { METADATA_BUG_REPORT, METADATA_CAPTURE_DIR } metadata_kind;

typedef enum metadata_status {
    METADATA_READ,       /* parsed; members holds ryll's members found */
    METADATA_ABSENT,     /* no metadata.json */
    METADATA_UNREADABLE, /* it could not be read (I/O, a broken zip entry, too large) */
    METADATA_MALFORMED,  /* not JSON, not an object, or a member of the wrong type */
} metadata_status;

typedef struct input_metadata {
    metadata_kind kind;
    char *source;        /* the zip or the directory, as given */
    char *file;          /* where metadata.json is (or would be) */
    metadata_status status;
    char *problem;       /* unless READ: what is wrong, naming the file and the place */
    JsonObject *members; /* ryll's members that were read, well-typed ones only (may be empty) */
    GPtrArray *captures; /* char *: the capture files it describes, as the report names them */
    struct triage *triage; /* a bug report's other members and trigger window (triage.h; its owner frees it), or NULL */
} input_metadata;

/* The metadata of a command-line input: a zip (a bug report) or a directory
 * (a capture directory); NULL for a plain capture file. */
input_metadata *metadata_for_input(const char *path);
void metadata_free(input_metadata *m);

/* An empty one (status READ, no members), and what a metadata.json's text
 * says taken into it: ryll's members of the right type, the first wrong one
 * as the problem (metadata_members.c, which needs no file or zip). */
input_metadata *metadata_new(metadata_kind kind, const char *source, const char *file);
void metadata_take_text(input_metadata *m, const char *text, size_t len);
/* Sets status and problem ("<file>: <text>"). */
void metadata_set_problem(input_metadata *m, metadata_status status, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* "bug-report", "capture-directory"; "read", "absent", "unreadable", "malformed". */
const char *metadata_kind_name(metadata_kind kind);
const char *metadata_status_name(metadata_status status);

/* A member's value when it is a string, else NULL. */
const char *metadata_string(const input_metadata *m, const char *member);

/* report_type as text: "Display", "Pedantic gap_key=display:unimpl:draw_rop3"
 * (serde writes ryll's struct variants as {"Pedantic": {...}}). g_free it;
 * NULL when absent. */
char *metadata_report_type(const input_metadata *m);

/* report_type's variant ("Display", "Disconnect"), or NULL when there is none. */
const char *metadata_report_variant(const input_metadata *m);
/* Does ryll keep a ring, and so a traffic.pcap, for this report (all but a
 * webdav Disconnect's: webdav has no ring)? */
bool metadata_keeps_traffic(const input_metadata *m);
/* Why a ryll report (its metadata.json names a report_type) holds no
 * traffic.pcap, the one text both tools say; NULL when it names none. */
const char *metadata_no_traffic_reason(const input_metadata *m);

/* The human report's line: what it is and what it says. g_free it. */
char *metadata_summary(const input_metadata *m);

/* A scalar as text ("5900", "4.5", "null", "x"), an object or array by its
 * size ("{2 members}", "[3 elements]"), never recursing (g_free it). */
char *metadata_scalar_text(JsonNode *node);

/* A json-glib parse error as "line L, column C: ..." (g_free it). */
char *metadata_json_error(const GError *gerr);

/* The --json object (member name of the object open in w): source, kind,
 * file, status, problem and ryll's members as they are in the file, with
 * notes for numbers JSON cannot hold (json_out.h). In metadata.c: the
 * Wireshark plugin, which shares metadata_members.c, writes no JSON. */
struct json_out;
void metadata_write_json(const input_metadata *m, struct json_out *w, const char *name);

#endif
