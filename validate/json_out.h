/* The validator's --json, written as it goes: strict JSON (RFC 8259) whatever
 * the input holds.
 *
 * - Every string (value or member name) is written in its safe_text form
 *   (format/safe_text.h), the same text the human report shows: valid UTF-8
 *   whatever bytes the input had (a lone surrogate json-glib let through, a
 *   name in the zip in Latin-1), no control character, so a consumer that
 *   prints a field raw (jq -r) cannot be made to write one either; the
 *   escaping keeps backslashes doubled, so it reads back without loss.
 * - Numbers: integers as integers; a double that is a whole number within
 *   64 bits too (1e18 is 1000000000000000000, never "1e+18.0"); others in
 *   the shortest form that reads back as the same double. A number that is
 *   not finite (1e999 parsed as inf) has no JSON form: it is written null,
 *   and json_out_node says where in a note.
 * - A member's parsed JSON is written by json_out_node with an explicit
 *   stack, never a recursion: however deep the tree, the writer's own depth
 *   is one call.
 *
 * Compact, as json-glib's generator wrote it: no space, one line per call
 * of the caller's choosing. */
#ifndef SPICECAP_VALIDATE_JSON_OUT_H
#define SPICECAP_VALIDATE_JSON_OUT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_out {
    FILE *out;
    GByteArray *written; /* per open object or array: 1 once something is in it (a comma before the next) */
    uint64_t not_finite; /* numbers written as null because they are not finite */
} json_out;

void json_out_init(json_out *w, FILE *out);
void json_out_clear(json_out *w);

/* NAME is the member's name inside an object, NULL inside an array or at
 * the top (the caller then writes what separates top-level values). */
void json_out_begin_object(json_out *w, const char *name);
void json_out_end_object(json_out *w);
void json_out_begin_array(json_out *w, const char *name);
void json_out_end_array(json_out *w);

void json_out_string(json_out *w, const char *name, const char *value); /* NULL: null */
void json_out_int(json_out *w, const char *name, int64_t value);
void json_out_uint(json_out *w, const char *name, uint64_t value);
void json_out_double(json_out *w, const char *name, double value); /* not finite: null */
void json_out_bool(json_out *w, const char *name, bool value);
void json_out_null(json_out *w, const char *name);

/* At most this many notes of numbers not finite per json_out_node call;
 * the last says how many more. */
#define JSON_OUT_MAX_NOTES 8

/* A parsed JSON value (a member of a bug report) written whole, without
 * recursion. Each number that is not finite is written null and, when notes
 * is given, named in a note added to it ("LABEL.fps[2]: not a finite number
 * (past a double's range, as 1e999): written as null"). */
void json_out_node(json_out *w, const char *name, JsonNode *node, GPtrArray *notes, const char *label);

#endif
