/* JSON text as ryll writes it: serde_json's to_string_pretty (two-space
 * indent, "name": value, [] and {} when empty, no newline at the end; an f64
 * as its shortest round-trip decimal in ryu's layout, with ".0" when whole).
 * Every JSON member of a synthetic bug report is built as a json-glib tree
 * and written through here, so that its bytes match what serde would write.
 * Integers are written unsigned: json-glib holds them as gint64, and a
 * report's integers are all u64 or u32 in ryll (the one i32, a stream's
 * last_report_last_frame_delay, is 0), so a u64 above 2^63 (an image id)
 * goes through as its two's complement and comes out whole. */
#ifndef SPICECAP_SYNTH_SERDE_OUT_H
#define SPICECAP_SYNTH_SERDE_OUT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/* The tree as serde_json's pretty printer writes it. sort_keys: every
 * object's members in byte order of their names, as serde_json's Value
 * (a BTreeMap) holds them: what ryll's json!() of several snapshots gives.
 * g_free the result. */
char *serde_pretty(JsonNode *root, bool sort_keys);

/* An f64 as serde_json writes it (ryu): appended to out. */
void serde_append_f64(GString *out, double value);

/* The builder's tree, written, and the builder freed. g_free the result. */
char *serde_pretty_builder(JsonBuilder *b, bool sort_keys);

#endif
