/* session.json: ryll's AppSnapshot (src/bugreport.rs), fields in its order.
 * The counters a GUI measures on itself (the lag figures, dropped video
 * frames, auto-reconnects) are 0: the session never lost its connection
 * and ran without --capture's encoder. */
#include <spice/enums.h>

#include "report_members.h"
#include "serde_out.h"

/* The interval between the main channel's last two pings: last_latency_ms. */
static bool last_latency_ms(const session_facts *f, double *ms)
{
    if (f->ping_us->len < 2)
        return false;
    uint64_t a = g_array_index(f->ping_us, uint64_t, f->ping_us->len - 2);
    uint64_t b = g_array_index(f->ping_us, uint64_t, f->ping_us->len - 1);
    *ms = (double)(b - a) / 1000.0;
    return true;
}

static void lag_figures(JsonBuilder *b)
{
    static const char *const names[] = {
        "image_ready_lag_recent_min_us",  "image_ready_lag_recent_max_us",  "image_ready_lag_recent_mean_us",
        "display_mark_lag_recent_min_us", "display_mark_lag_recent_max_us", "display_mark_lag_recent_mean_us",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        rj_uint(b, names[i], 0);
}

char *report_session_json(const report_context *c)
{
    const session_facts *f = c->facts;
    /* ryll's headless --pedantic has no GUI to fill AppSnapshot: its default, but the uptime assemble() sets. */
    bool fresh = c->type->kind == REPORT_PEDANTIC;
    double uptime = report_uptime_secs(c->duration_us);
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    rj_f64(b, "fps", fresh || uptime <= 0 ? 0.0 : (double)(int64_t)((double)f->frames_received / uptime * 10) / 10);
    /* Received bytes per second of the session, as f32. */
    json_builder_set_member_name(b, "bandwidth_history");
    json_builder_begin_array(b);
    double current = 0;
    for (guint i = 0; !fresh && i < f->bytes_per_second->len; i++) {
        current = (double)(float)g_array_index(f->bytes_per_second, uint64_t, i);
        json_builder_add_double_value(b, current);
    }
    json_builder_end_array(b);
    rj_f64(b, "bandwidth_current", current);
    double latency;
    if (!fresh && last_latency_ms(f, &latency))
        rj_f64(b, "last_latency_ms", latency);
    else
        rj_null(b, "last_latency_ms");
    rj_uint(b, "frames_received", fresh ? 0 : f->frames_received);
    json_builder_set_member_name(b, "surfaces");
    json_builder_begin_array(b);
    for (guint i = 0; !fresh && i < f->surfaces->len; i++) {
        const fact_surface *s = &g_array_index(f->surfaces, fact_surface, i);
        json_builder_begin_object(b);
        rj_uint(b, "surface_id", s->surface_id);
        rj_uint(b, "width", s->width);
        rj_uint(b, "height", s->height);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "cursor_pos"); /* a (u16, u16): serde writes a tuple as an array */
    json_builder_begin_array(b);
    json_builder_add_int_value(b, fresh ? 0 : (uint16_t)f->cursor_x);
    json_builder_add_int_value(b, fresh ? 0 : (uint16_t)f->cursor_y);
    json_builder_end_array(b);
    rj_bool(b, "cursor_visible", fresh ? true : f->cursor_visible);
    rj_uint(b, "mouse_mode", fresh ? 0 : f->mouse_mode);
    /* A disconnect report is written once the channel is gone. */
    rj_bool(b, "connected", !fresh && c->type->kind != REPORT_DISCONNECT);
    rj_f64(b, "uptime_secs", uptime);
    rj_uint(b, "auto_reconnect_count", 0);
    rj_uint(b, "video_drop_count", 0);
    lag_figures(b);
    rj_uint(b, "auto_snapshots_saved", 0);
    rj_uint(b, "auto_snapshots_pruned", 0);
    json_builder_end_object(b);
    return serde_pretty_builder(b, false);
}
