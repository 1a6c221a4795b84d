#include "bugreport.h"

#include <glib.h>
#include <string.h>
#include <zip.h>

#include "ryll_metadata.h"
#include "screenshot_png.h"

/* 2026-01-01 00:00:00 UTC: entries get this time, never the clock's. */
#define FIXED_MTIME ((time_t)1767225600)

/* Add one stored entry; libzip frees data (g_free'd buffers are malloc'd). */
static int add_entry(zip_t *zip, const char *name, void *data, size_t len, int free_data)
{
    zip_source_t *source = zip_source_buffer(zip, data, len, free_data);
    if (source == NULL)
        return -1;
    zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(source);
        return -1;
    }
    if (zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(zip, (zip_uint64_t)index, FIXED_MTIME, 0) != 0)
        return -1;
    return 0;
}

/* screenshot.png, after traffic.pcap: the primary surface's size (1024x768 when no surface was made). */
static int add_screenshot(zip_t *zip, const report_context *report)
{
    const GArray *surfaces = report->facts->surfaces;
    const fact_surface *primary = surfaces->len ? &g_array_index(surfaces, fact_surface, 0) : NULL;
    size_t len = 0;
    uint8_t *png = screenshot_png(primary ? primary->width : 1024, primary ? primary->height : 768, 0x000000ffu, &len);
    if (png == NULL)
        return -1;
    if (add_entry(zip, "screenshot.png", png, len, 1) == 0)
        return 0;
    return -1;
}

int bugreport_write(const char *path, const report_context *report, const uint8_t *traffic, size_t traffic_len,
                    char **error)
{
    int zip_error = 0;
    zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zip_error);
    if (zip == NULL) {
        zip_error_t err;
        zip_error_init_with_code(&err, zip_error);
        *error = g_strdup_printf("%s: %s", path, zip_error_strerror(&err));
        zip_error_fini(&err);
        return -1;
    }
    /* ryll's order: traffic.pcap fourth, disconnect-cause.json last. */
    struct {
        const char *name;
        char *text; /* NULL: traffic.pcap's place */
    } entries[] = {
        {"metadata.json", ryll_report_metadata(report->type, report->duration_us)},
        {"session.json", report_session_json(report)},
        {"channel-state.json", report_channel_state_json(report)},
        {"traffic.pcap", NULL},
        {"notifications.json", report_notifications_json(report)},
        {"runtime-metrics.json", report_runtime_metrics_json(report)},
        {"disconnect-cause.json",
         report->type->kind == REPORT_DISCONNECT ? report_disconnect_cause_json(report) : NULL},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        if (entries[i].text == NULL) {
            if (rc == 0 && traffic != NULL && strcmp(entries[i].name, "traffic.pcap") == 0)
                rc = add_entry(zip, entries[i].name, (void *)traffic, traffic_len, 0);
            if (rc == 0 && strcmp(entries[i].name, "traffic.pcap") == 0 && report->type->kind == REPORT_DISPLAY)
                rc = add_screenshot(zip, report);
            continue;
        }
        if (rc == 0 && add_entry(zip, entries[i].name, entries[i].text, strlen(entries[i].text), 1) == 0)
            continue;
        if (rc == 0)
            rc = -1;
        else
            g_free(entries[i].text);
    }
    if (rc == 0 && zip_close(zip) == 0)
        return 0;
    *error = g_strdup_printf("%s: %s", path, zip_strerror(zip));
    zip_discard(zip);
    return -1;
}
