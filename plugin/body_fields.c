/* The body decoders' helpers (body_fields.h). Only bounds-checked tvb
 * accessors: a body shorter than its structure stops its decode with an
 * expert note instead of reading past it. */
#include "body_fields.h"

#include <epan/expert.h>

static int hf_list_not_shown = -1;
static expert_field ei_short_body = EI_INIT;

void body_short(const body_ctx *c, const char *text)
{
    expert_add_info_format(c->pinfo, c->item, &ei_short_body, "%s", text);
}

/* Whether [offset, offset + len) is past the body's end (a note is due),
 * or only past what was captured of it (a snaplen: nothing malformed). */
static bool past_body(const body_ctx *c, int offset, int len)
{
    return offset < 0 || len < 0 || (guint64)(gint64)offset + (guint64)(gint64)len > tvb_reported_length(c->tvb);
}

bool body_have(const body_ctx *c, int offset, int len, const char *what)
{
    if (offset >= 0 && len >= 0 && tvb_bytes_exist(c->tvb, offset, len))
        return true;
    if (past_body(c, offset, len))
        body_short(c, wmem_strdup_printf(c->pinfo->pool, "%s (bytes %d to %" G_GINT64_FORMAT ") lies past the end "
                                          "of the %u-byte body", what, offset, (gint64)offset + len - 1,
                                          tvb_reported_length(c->tvb)));
    return false;
}

bool body_have_entries(const body_ctx *c, int offset, guint32 count, guint32 entry_size, const char *count_name)
{
    guint64 needed = (guint64)count * entry_size;
    if (offset < 0 || (guint64)offset + needed > tvb_reported_length(c->tvb)) {
        body_short(c, wmem_strdup_printf(c->pinfo->pool, "%s %u needs more than the %u-byte body", count_name, count,
                                         tvb_reported_length(c->tvb)));
        return false;
    }
    return body_have(c, offset, (int)needed, count_name); /* in the body: false only when not captured */
}

int body_add(const body_ctx *c, int hf, int offset, int len)
{
    proto_tree_add_item(c->tree, hf, c->tvb, offset, len, ENC_LITTLE_ENDIAN);
    return offset + len;
}

/* The note for a run of fields from at that is not all there: it names
 * the first field past the body's end (none when they are all in the body
 * but not captured). */
static void fields_short(const body_ctx *c, int at, const body_field *fields, size_t count)
{
    for (size_t i = 0; i < count; at += fields[i++].len) {
        if (past_body(c, at, fields[i].len)) {
            body_have(c, at, fields[i].len,
                      fields[i].hf != NULL ? proto_registrar_get_name(*fields[i].hf) : "a reserved field");
            return;
        }
    }
}

int body_fields(const body_ctx *c, int offset, const body_field *fields, size_t count)
{
    int len = 0;
    for (size_t i = 0; i < count; i++)
        len += fields[i].len;
    if (offset < 0 || !tvb_bytes_exist(c->tvb, offset, len)) {
        fields_short(c, offset, fields, count);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (fields[i].hf != NULL)
            body_add(c, *fields[i].hf, offset, fields[i].len);
        offset += fields[i].len;
    }
    return offset;
}

body_ctx body_entry(const body_ctx *c, int offset, int len, int ett, const char *name, guint32 index)
{
    body_ctx entry = *c;
    entry.tree = proto_tree_add_subtree_format(c->tree, c->tvb, offset, len, ett, NULL, "%s %u", name, index);
    return entry;
}

guint32 body_list_shown(const body_ctx *c, guint32 count)
{
    if (count <= SPICECAP_BODY_LIST_MAX)
        return count;
    proto_item *pi = proto_tree_add_uint(c->tree, hf_list_not_shown, c->tvb, 0, 0, count - SPICECAP_BODY_LIST_MAX);
    proto_item_set_generated(pi);
    return SPICECAP_BODY_LIST_MAX;
}

void spicecap_body_fields_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_list_not_shown, "List entries not shown", "list.not_shown", FT_UINT32, BASE_DEC, NULL),
    };
    static ei_register_info ei[] = {
        {&ei_short_body,
         {"spicecap.short_body", PI_MALFORMED, PI_ERROR, "Body shorter than its structure", EXPFILL}},
    };
    proto_register_field_array(proto, hf, array_length(hf));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}
