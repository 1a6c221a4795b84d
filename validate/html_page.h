/* --html FILE: one self-contained page (no network, no other file: inline
 * CSS and SVG, screenshots as data: URIs, a Content-Security-Policy that
 * forbids fetching) with the verdict, each bug report's facts, each file's
 * timeline and seq-chain bars (html_timeline.h), the findings grouped by
 * kind and flow with their frames and a Wireshark display filter, and the
 * report's JSON members as tables. Written atomically: a temporary file
 * renamed into place, nothing left behind on error. */
#ifndef SPICECAP_VALIDATE_HTML_PAGE_H
#define SPICECAP_VALIDATE_HTML_PAGE_H

#include <glib.h>
#include <stdbool.h>

#include "html_timeline.h"
#include "validation.h"

/* At most this many frames are listed (and put in a filter) per group of findings. */
#define HTML_FRAMES_PER_GROUP 20u
/* JSON members: rows per table, and nesting shown. */
#define HTML_JSON_MAX_ROWS 200u
#define HTML_JSON_MAX_DEPTH 4

bool html_page_write(const char *path, const validation *v, const GPtrArray *inputs, const timeline *t,
                     char **error);

#endif
