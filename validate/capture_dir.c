#include "capture_dir.h"

#include <string.h>

/* ryll's folders for reports, relative to the capture directory. */
static const char *const report_dirs[] = {"bug-reports", "bug-reports/auto-snapshots"};

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *capture_dir_reports(const char *dir)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < G_N_ELEMENTS(report_dirs); i++) {
        char *folder = g_build_filename(dir, report_dirs[i], NULL);
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
