#include "capture_dir.h"

#include <string.h>

/* ryll's folders for reports, relative to the capture directory. */
static const char *const report_dirs[] = {"bug-reports", "bug-reports/auto-snapshots"};

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The zips of each folder under dir, a folder's in name order. */
static GPtrArray *zips_in(const char *dir, const char *const *folders, size_t count)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < count; i++) {
        char *folder = folders[i] ? g_build_filename(dir, folders[i], NULL) : g_strdup(dir);
        GDir *d = g_dir_open(folder, 0, NULL);
        if (d) {
            GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
            const char *name;
            while ((name = g_dir_read_name(d)) != NULL)
                if (g_str_has_suffix(name, ".zip"))
                    g_ptr_array_add(names, g_build_filename(folder, name, NULL));
            g_dir_close(d);
            g_ptr_array_sort(names, by_name);
            for (guint k = 0; k < names->len; k++)
                g_ptr_array_add(out, g_strdup(g_ptr_array_index(names, k)));
            g_ptr_array_free(names, TRUE);
        }
        g_free(folder);
    }
    return out;
}

GPtrArray *capture_dir_reports(const char *dir)
{
    return zips_in(dir, report_dirs, G_N_ELEMENTS(report_dirs));
}

bool capture_dir_is_capture_name(const char *name)
{
    return g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng") || g_str_has_suffix(name, ".pcap.gz") ||
           g_str_has_suffix(name, ".pcapng.gz");
}

/* ryll's report directory (--bug-report-dir, or <capture dir>/bug-reports/): its reports, and its auto-snapshots/. */
static const char *const pile_dirs[] = {NULL, "auto-snapshots"};

GPtrArray *capture_dir_pile(const char *dir)
{
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
        return NULL;
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return NULL;
    bool captures = false;
    const char *name;
    while (!captures && (name = g_dir_read_name(d)) != NULL)
        captures = capture_dir_is_capture_name(name);
    g_dir_close(d);
    if (captures)
        return NULL;
    GPtrArray *zips = zips_in(dir, pile_dirs, G_N_ELEMENTS(pile_dirs));
    if (zips->len == 0) {
        g_ptr_array_free(zips, TRUE);
        return NULL;
    }
    return zips;
}
