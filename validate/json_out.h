/* Members of a JSON object under construction, one call each. */
#ifndef SPICECAP_VALIDATE_JSON_OUT_H
#define SPICECAP_VALIDATE_JSON_OUT_H

#include <json-glib/json-glib.h>
#include <stdbool.h>

static inline void json_out_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_add_int_value(json_builder_set_member_name(b, name), value);
}

static inline void json_out_double(JsonBuilder *b, const char *name, double value)
{
    json_builder_add_double_value(json_builder_set_member_name(b, name), value);
}

static inline void json_out_bool(JsonBuilder *b, const char *name, bool value)
{
    json_builder_add_boolean_value(json_builder_set_member_name(b, name), value);
}

static inline void json_out_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_add_string_value(json_builder_set_member_name(b, name), value);
}

#endif
