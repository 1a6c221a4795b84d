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
#include "verdict.h"

/* A group's frames are a Wireshark set of at most this many terms (a frame, or a range a..b); "and N more" after. */
#define HTML_FILTER_TERMS 200u
/* The page's bound, whatever the input: each file's part is written whole, without its screenshots and member
 * tables, or as a heading only, whichever first keeps the page under it; screenshots only while the page is under
 * HTML_PAGE_IMAGES_UNTIL, each at most HTML_SCREENSHOT_MAX_BYTES and HTML_SCREENSHOT_MAX_PIXELS. */
#define HTML_PAGE_MAX_BYTES ((size_t)2000000)
#define HTML_PAGE_RESERVE ((size_t)256 << 10)        /* kept for the headings and notes after a part */
#define HTML_PAGE_STUBS_RESERVE ((size_t)64 << 10)   /* past this, files are only counted */
#define HTML_PAGE_IMAGES_UNTIL ((size_t)320 << 10)
#define HTML_SCREENSHOT_MAX_BYTES (768u << 10)
#define HTML_SCREENSHOT_MAX_PIXELS (16u * 1000000u)
/* Rows of the table of reports, written while the page is under HTML_REPORT_TABLE_MAX_BYTES. */
#define HTML_REPORT_ROWS 2000u
#define HTML_REPORT_TABLE_MAX_BYTES ((size_t)1200000)
/* Values shown per JSON member table. */
#define HTML_JSON_MAX_CELLS 2000u
/* JSON members: rows per table, and nesting shown. */
#define HTML_JSON_MAX_ROWS 200u
#define HTML_JSON_MAX_DEPTH 4

/* Lists from the input (errors, inputs, notes, groups of findings): this many shown, then "and N more". */
#define HTML_LIST_MAX 50u

/* vd (verdict.h): the page starts with its result, every input named and each that could not be read. */
bool html_page_write(const char *path, const validation *v, const GPtrArray *inputs, const verdict *vd,
                     const timeline *t, char **error);

#endif
