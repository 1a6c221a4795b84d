/* Turning a tool's stopping point into a time (time_point.h). */
#include "time_point.h"

#include <glib.h>
#include <math.h>

#include "capture_reader.h"

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
