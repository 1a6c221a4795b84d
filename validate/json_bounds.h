/* A pre-scan of a JSON member's text, run before json-glib parses it in
 * both readers of a report (the validator's metadata.c, triage_members.c
 * and manifest_check.c; the plugin's report_reader.c): its nesting depth
 * and its number of values bounded (report_bounds.h), so that no member
 * can overflow the parser's recursion or fill memory. It reads the text
 * once, skipping strings (and their escapes) as JSON does; it does not
 * validate the rest, which stays the parser's job. Plain C, no GLib. */
#ifndef SPICECAP_VALIDATE_JSON_BOUNDS_H
#define SPICECAP_VALIDATE_JSON_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

/* true when text[0..len) nests at most REPORT_JSON_MAX_DEPTH levels and
 * holds at most max_values values (a report's members: REPORT_JSON_MAX_VALUES;
 * a --manifest, the generator's own list of every message: SIZE_MAX); else
 * false with why (what and at which byte, "nested deeper than 64 levels at
 * byte 64") written into why[0..cap), NUL-terminated. */
bool json_text_bounded(const char *text, size_t len, size_t max_values, char *why, size_t cap);

#endif
