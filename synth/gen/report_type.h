/* ryll's BugReportType (bugreport.rs), every variant, and what follows from
 * it: the channel channel_name() gives (metadata.json's "channel"), the
 * ring drained into traffic.pcap, the snapshot channel-state.json holds. */
#ifndef SPICECAP_SYNTH_REPORT_TYPE_H
#define SPICECAP_SYNTH_REPORT_TYPE_H

#include <stdbool.h>

typedef enum report_kind {
    REPORT_AUTO_SNAPSHOT,
    REPORT_DISPLAY,
    REPORT_INPUT,
    REPORT_CURSOR,
    REPORT_CONNECTION,
    REPORT_USB,
    REPORT_DISCONNECT,
    REPORT_PEDANTIC,
    REPORT_NOTIFICATION,
} report_kind;

typedef struct report_type {
    report_kind kind;
    const char *variant; /* serde's name: "AutoSnapshot", "Disconnect", ... */
    const char *detail;  /* Disconnect's channel, Pedantic's gap_key (else NULL) */
    bool post_event;     /* Notification's snapshot_state: PostEventOnly, else AtFire */
} report_type;

/* The one notification a Notification report is filed from (its id). */
#define REPORT_NOTIFICATION_ID 1u
#define REPORT_DEFAULT_GAP_KEY "display:unimpl:draw_rop3"
#define REPORT_DEFAULT_DISCONNECT "main"

/* --report-type's argument: auto-snapshot, display, input, cursor,
 * connection, usb, disconnect[:CHANNEL], pedantic[:GAP_KEY],
 * notification[:atfire|postevent]. detail points into text. False when it
 * names no type (or a Disconnect channel ryll does not have). */
bool report_type_parse(const char *text, report_type *out);

/* The option names, for messages. */
#define REPORT_TYPE_OPTIONS                                                                                           \
    "auto-snapshot, display, input, cursor, connection, usb, disconnect[:CHANNEL], pedantic[:GAP_KEY], "            \
    "notification[:atfire|postevent]"

/* channel_name(): "all", "display", "inputs", ... A Pedantic key's first
 * part names display, cursor, inputs, main or usbredir, anything else
 * (playback, webdav) display; a Disconnect names its channel; a
 * Notification main. */
const char *report_type_channel(const report_type *t);

/* Whether ryll has a ring for that channel (webdav has none: a webdav
 * Disconnect report has no traffic.pcap). */
bool report_type_has_ring(const report_type *t);

#endif
