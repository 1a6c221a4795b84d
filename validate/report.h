/* The validator's three outputs: a human summary, --json, --junit. inputs
 * (input_metadata *, metadata.h; NULL for none) are what the bug reports' and
 * capture directories' metadata.json say, shown with the files they describe. */
#ifndef SPICECAP_VALIDATE_REPORT_H
#define SPICECAP_VALIDATE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "metadata.h"
#include "validation.h"
#include "verdict.h"

/* The findings of the i-th file read. */
uint64_t report_file_findings(const validation *v, guint i);
/* Findings are reported in file and frame order. */
void report_sort(validation *v);
/* each_finding: every finding on its own line (-v); else one line per
 * finding kind and flow (report_groups.h). */
void report_human(const validation *v, const GPtrArray *inputs, const verdict *vd, bool each_finding, FILE *out);
/* --json, written to out item by item (memory stays that of the findings). */
void report_json_write(const validation *v, const GPtrArray *inputs, const verdict *vd, FILE *out);
/* The same as a NULL-terminated string (g_free it). */
char *report_json(const validation *v, const GPtrArray *inputs, const verdict *vd);
/* vd (verdict.h; NULL for none): the inputs named and those that could not be read. */
bool report_junit(const validation *v, const GPtrArray *inputs, const verdict *vd, const char *path, char **error);

#endif
