/* The texts a report's facts become in Wireshark: the section comment (what
 * Capture File Properties and capinfos show), the OS and application
 * options, and the comment on the frame where the user pressed the key.
 * From metadata.json (validate/metadata.h reads it) and the other JSON
 * members (report_counters.h); nothing here reads a file. Every string
 * from the report is escaped (report_text.h): a report is hostile input. */
#ifndef SPICECAP_REPORT_FACTS_H
#define SPICECAP_REPORT_FACTS_H

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "metadata.h"
#include "report_counters.h"

/* Wireshark cuts a comment longer than this in Packet comments and Expert
 * Information (ITEM_LABEL_LENGTH, bytes with the NUL): the trigger comment
 * stays under it. */
#define REPORT_COMMENT_MAX 240

/* triggered_uptime_secs in nanoseconds on traffic.pcap's clock: false when
 * metadata.json gives none (or a negative or absurd one). */
bool report_trigger_ns(const input_metadata *m, uint64_t *ns);

/* "ryll <version> (<sha>)" and "<os> <arch>", escaped, or NULL when not
 * given. */
char *report_application(const input_metadata *m);
char *report_os(const input_metadata *m);

/* Where the trigger is, for the texts below. */
typedef struct report_trigger_place {
    bool found;           /* a frame carries the trigger comment */
    bool after_end;       /* ... the last frame: the trigger comes after it */
    uint64_t frame;       /* its number, from 1 */
    uint64_t frame_ns;    /* its time on traffic.pcap's clock */
    uint64_t frames_read; /* frames before the trigger search stopped */
    bool no_frames;       /* traffic.pcap holds no record at all */
} report_trigger_place;

/* The section comment, in short lines: metadata.json's facts and the
 * trigger's, then counters (report_counter_lines' lines of the other
 * members), then notes (what could not be read of them, one a line). */
char *report_section_comment(const input_metadata *m, const char *counters, const report_trigger_place *place,
                             const char *notes);

/* The trigger frame's comment: one line, under REPORT_COMMENT_MAX bytes
 * (the description cut to fit; it is whole in the section comment). */
char *report_trigger_comment(const input_metadata *m, const report_trigger_place *place);

/* Why a report holds no frame, when its report says (a Usb report: ryll
 * records no usbredir traffic into its rings), else NULL. Static text. */
const char *report_no_frames_cause(const input_metadata *m);

#endif
