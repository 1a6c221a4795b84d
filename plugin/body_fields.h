/* The helpers every body decoder uses (bodies.c and bodies_*.c): the decode
 * context, the bounds checks and the field-registration shorthand. Bodies
 * are laid out as spice-common's spice.proto marshals them: little-endian,
 * packed, a pointer is a u32 offset from the start of the body. */
#ifndef SPICECAP_PLUGIN_BODY_FIELDS_H
#define SPICECAP_PLUGIN_BODY_FIELDS_H

#include <epan/packet.h>
#include <stdbool.h>

#include "ws_compat.h"

/* One body being decoded: tvb starts at the body, item is the message's
 * item (where the expert note goes). */
typedef struct body_ctx {
    tvbuff_t *tvb;
    packet_info *pinfo;
    proto_tree *tree;
    proto_item *item;
} body_ctx;

/* Entries of a counted list (channels list, monitors config, wait list)
 * decoded one by one; the rest are summarised in one line. A stranger's
 * count can claim millions of entries in a large body; Wireshark would
 * stop the whole packet at its tree-item limit. Documented in docs/plugin.md. */
#define SPICECAP_BODY_LIST_MAX 256u

/* Registers the fields and expert info of these helpers (the short-body
 * note, the entries of a list not shown). */
void spicecap_body_fields_register(int proto);

/* True when len bytes exist at offset; otherwise returns false (the caller
 * stops decoding there), with the short-body expert note naming what
 * ("Clip type", "image pointer") when the body is shorter than offset +
 * len, and without it when the body has those bytes but the capture cut
 * them off (a snaplen). */
bool body_have(const body_ctx *c, int offset, int len, const char *what);

/* The same for count entries of entry_size bytes: the note names the count
 * ("clip rect count 1450429617 needs more than the 2733-byte body"). */
bool body_have_entries(const body_ctx *c, int offset, guint32 count, guint32 entry_size, const char *count_name);

/* Adds the short-body expert note with its text (under 240 characters). */
void body_short(const body_ctx *c, const char *text);

/* Adds a little-endian field of len bytes at offset; returns the offset after it. */
int body_add(const body_ctx *c, int hf, int offset, int len);

/* One field of a fixed layout: its hf id (NULL: bytes skipped) and size. */
typedef struct body_field {
    const int *hf;
    int len;
} body_field;

/* A run of fixed-size fields from offset: when all of them exist, adds
 * them in order and returns the offset after them; otherwise adds the
 * short-body note naming the first field past the body's end (none when
 * they are in the body but not captured) and returns -1. */
int body_fields(const body_ctx *c, int offset, const body_field *fields, size_t count);
#define BODY_FIELDS(c, offset, ...)                                      \
    body_fields((c), (offset), (const body_field[]){__VA_ARGS__},       \
                sizeof((const body_field[]){__VA_ARGS__}) / sizeof(body_field))

/* A subtree "name index" over len bytes at offset: the context to decode
 * one entry of a list into. */
body_ctx body_entry(const body_ctx *c, int offset, int len, int ett, const char *name, guint32 index);

/* Adds a counted list's summary line when count is over SPICECAP_BODY_LIST_MAX;
 * returns how many entries to decode. */
guint32 body_list_shown(const body_ctx *c, guint32 count);

/* hf_register_info shorthand: every body field is "spicecap.<abbrev>". */
#define BODY_FIELD(var, name, abbrev, type, base, vals) \
    {&var, {name, "spicecap." abbrev, type, base, vals, 0, NULL, HFILL}}

#endif
