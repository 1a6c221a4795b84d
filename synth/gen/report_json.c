/* The small JSON builders every member writer uses, and report_uptime_secs. */
#include "report_members.h"

void rj_uint(JsonBuilder *b, const char *name, uint64_t value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, (gint64)value);
}

void rj_f64(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_double_value(b, value);
}

void rj_bool(JsonBuilder *b, const char *name, bool value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

void rj_str(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

void rj_null(JsonBuilder *b, const char *name)
{
    json_builder_set_member_name(b, name);
    json_builder_add_null_value(b);
}

double rj_secs(uint64_t us)
{
    return (double)us / 1e6;
}

void rj_secs_opt(JsonBuilder *b, const char *name, bool have, uint64_t us)
{
    if (have)
        rj_f64(b, name, rj_secs(us));
    else
        rj_null(b, name);
}

double report_uptime_secs(uint64_t duration_us)
{
    return (double)(duration_us / 1000) / 1000.0;
}
