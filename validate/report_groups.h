/* The human report's findings of one file, one line per finding kind and
 * flow: a capture with a hundred snaplen gaps reads as one line per flow,
 * not a hundred. -v (and --json, --junit) list every finding. */
#ifndef SPICECAP_VALIDATE_REPORT_GROUPS_H
#define SPICECAP_VALIDATE_REPORT_GROUPS_H

#include <stdbool.h>
#include <stdio.h>

#include "findings.h"

/* One finding as a line of the human report. */
void report_print_finding(const finding *f, FILE *out);

/* The kept findings of file path (list: finding *, in file and frame
 * order), grouped: a kind and flow with one finding prints it whole; with
 * more, one line of how many, the bytes they lost (seq ranges), the first
 * and last frame and the messages they cut. Returns true when a line stood
 * for several findings. */
bool report_print_grouped(const GPtrArray *list, const char *path, FILE *out);

#endif
