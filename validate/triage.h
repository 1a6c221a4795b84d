/* What a maintainer triaging a ryll bug report needs beside the verdict on
 * traffic.pcap: every member of the zip (triage_members.h) with the facts
 * that matter (session.json's drops and lag, channel-state.json's
 * writer_dropped_count and socket, decode and ACK state, notifications,
 * runtime metrics, the disconnect cause), and the trigger window
 * (trigger_window.h). Briefly in the text report, whole in --json. */
#ifndef SPICECAP_VALIDATE_TRIAGE_H
#define SPICECAP_VALIDATE_TRIAGE_H

#include <stdio.h>

#include "html_timeline.h"
#include "json_out.h"
#include "metadata.h"
#include "triage_members.h"
#include "trigger_window.h"
#include "validation.h"

typedef struct triage {
    triage_members members;
    trigger_window window;
    char *window_problem; /* why there is no window (no trigger given, the pcap unreadable) */
    struct cross_check *cross; /* against its capture directory's live pcaps (cross_check.h), or NULL */
} triage;

/* Read every member of the bug report m describes. */
triage *triage_new(const input_metadata *m);
void triage_free(triage *t);

/* validation_run_file, and for a bug report's capture (m with a triage) its
 * trigger window, gathered in the same pass and drawn on lines too (when
 * given). False with *error as validation_run_file. */
bool triage_run_file(validation *v, input_metadata *m, const char *path, double window_secs, timeline *lines,
                     char **error);

void triage_print(const triage *t, FILE *out);
/* --json: the members (each JSON one whole), the window, the cross-check, as member name of the object open in w. */
void triage_write_json(const triage *t, json_out *w, const char *name);

#endif
