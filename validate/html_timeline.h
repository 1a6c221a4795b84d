/* The HTML page's timeline and seq-chain bars, gathered during the
 * validator's own pass (a validation_observer: no second read) in bounded
 * memory: per file, per channel, a fixed number of time bins whose width
 * doubles as the capture runs on, the losses' times, and one bar per flow. */
#ifndef SPICECAP_VALIDATE_HTML_TIMELINE_H
#define SPICECAP_VALIDATE_HTML_TIMELINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "validation.h"

#define TIMELINE_BINS 400u
#define TIMELINE_MAX_BARS 64u  /* flows drawn per file; the others counted */
#define TIMELINE_MAX_MARKS 100000u /* losses timed per file (as many findings as are kept) */
#define TIMELINE_MARKS_PER_LANE 200u /* marks drawn per lane and class: closer ones merge into bands */
#define TIMELINE_HOLES_PER_BAR 64u   /* missing ranges drawn per flow bar: closer ones merge */

typedef struct timeline timeline;

timeline *timeline_new(const validation *v);
void timeline_free(timeline *t);
/* Hand this to the validation before its run (v->observer). */
const validation_observer *timeline_observer(timeline *t);

/* A finding found after the file's pass (the cross-check's), to mark on its timeline at ts_ns. */
void timeline_add_mark(timeline *t, const char *path, uint64_t frame, uint64_t ts_ns, unsigned channel,
                       finding_kind kind);

/* A trigger to draw on a file's timeline (a bug report's). */
void timeline_set_trigger(timeline *t, const char *path, double trigger_secs, uint64_t frame, double window_secs);

/* The timeline and bars of the file at path as inline SVG (nothing when
 * the file was not seen). Each mark links to "#<anchor>-<kind>" (its first
 * kind's findings), when anchor is given. */
void timeline_write_svg(const timeline *t, const char *path, const char *anchor, FILE *out);

#endif
