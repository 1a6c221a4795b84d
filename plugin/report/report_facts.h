/* The texts a report's facts become in Wireshark: the section comment (what
 * Capture File Properties and capinfos show), the OS and application
 * options, and the comment on the frame where the user pressed the key.
 * From metadata.json (validate/metadata.h reads it), session.json and
 * disconnect-cause.json; nothing here reads a file. */
#ifndef SPICECAP_REPORT_FACTS_H
#define SPICECAP_REPORT_FACTS_H

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "metadata.h"

/* triggered_uptime_secs in nanoseconds on traffic.pcap's clock: false when
 * metadata.json gives none (or a negative or absurd one). */
bool report_trigger_ns(const input_metadata *m, uint64_t *ns);

/* "ryll <version> (<sha>)" and "<os> <arch>", or NULL when not given. */
char *report_application(const input_metadata *m);
char *report_os(const input_metadata *m);

/* Where the trigger is, for the texts below. */
typedef struct report_trigger_place {
    bool found;           /* a frame carries the trigger comment */
    bool after_end;       /* ... the last frame: the trigger comes after it */
    uint64_t frame;       /* its number, from 1 */
    uint64_t frame_ns;    /* its time on traffic.pcap's clock */
    uint64_t frames_read; /* frames before the trigger search stopped */
} report_trigger_place;

/* The section comment; session and disconnect may be NULL (member absent),
 * and notes lists what could not be read of the optional members. */
char *report_section_comment(const input_metadata *m, JsonObject *session, JsonObject *disconnect,
                             const report_trigger_place *place, const char *notes);

/* The trigger frame's comment. */
char *report_trigger_comment(const input_metadata *m, const report_trigger_place *place);

#endif
