/* Turning a tool's stopping point into a time (time_point.h). */
#include "time_point.h"

#include <glib.h>
#include <math.h>

#include "capture_reader.h"
#include "metadata.h"

bool time_point_seconds(const char *text, uint64_t *ns, char **error)
{
    char *end = NULL;
    double s = g_ascii_strtod(text, &end);
    /* The bound keeps the product within uint64_t: 584 years of ns. */
    if (!end || end == text || *end || !isfinite(s) || s < 0 || s > 1e9) {
        *error = g_strdup_printf("'%s' is not a time in seconds (0 to 1e9)", text);
        return false;
    }
    *ns = (uint64_t)llround(s * 1e9);
    return true;
}

bool time_point_frame(const char *path, uint64_t n, uint64_t *ns, char **error)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        *error = g_strdup_printf("%s: a directory's frames are numbered per file; give a time instead", path);
        return false;
    }
    capture_reader *r = capture_reader_open(path, error);
    if (!r)
        return false;
    capture_record rec;
    char *message = NULL;
    uint64_t first = UINT64_MAX;
    capture_status st;
    bool found = false;
    while (!found && (st = capture_reader_next(r, &rec, &message)) == CAPTURE_RECORD) {
        first = MIN(first, rec.ts_ns);
        if (rec.number == n) {
            *ns = rec.ts_ns - first;
            found = true;
        }
    }
    if (!found)
        *error = message ? g_strdup_printf("%s: %s, before frame %" G_GUINT64_FORMAT, path, message, n)
                         : g_strdup_printf("%s has no frame %" G_GUINT64_FORMAT, path, n);
    g_free(message);
    capture_reader_close(r);
    return found;
}

bool time_point_trigger(const char *path, const replay_recording *rec, uint64_t *ns, char **note, char **error)
{
    *note = NULL;
    input_metadata *m = g_file_test(path, G_FILE_TEST_IS_REGULAR) ? metadata_for_input(path) : NULL;
    if (!m || m->kind != METADATA_BUG_REPORT) {
        *error = g_strdup_printf("%s: --trigger needs a bug report zip (its metadata.json names the trigger)", path);
        if (m)
            metadata_free(m);
        return false;
    }
    JsonNode *node = m->status == METADATA_READ ? json_object_get_member(m->members, "triggered_uptime_secs") : NULL;
    double secs = node && JSON_NODE_HOLDS_VALUE(node) ? json_node_get_double(node) : NAN;
    /* Checked before any cast: a report is outside input. */
    if (!isfinite(secs) || secs < 0 || secs > 1e9) {
        *error = m->status != METADATA_READ ? g_strdup(m->problem)
                 : node                      ? g_strdup_printf("%s: triggered_uptime_secs is not a time in seconds "
                                                               "(0 to 1e9)", m->file)
                                             : g_strdup_printf("%s: metadata.json gives no triggered_uptime_secs", path);
        metadata_free(m);
        return false;
    }
    metadata_free(m);
    double since_first = secs - (double)rec->first_ns / 1e9;
    if (since_first < 0) {
        *note = g_strdup_printf("the trigger (%.6f s) lies %.6f s before the recording's first frame: the screen "
                                "is taken at that frame", secs, -since_first);
        since_first = 0;
    }
    *ns = (uint64_t)llround(since_first * 1e9);
    return true;
}
