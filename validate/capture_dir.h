/* A ryll --capture directory's bug reports: DIR/bug-reports/NAME.zip and
 * DIR/bug-reports/auto-snapshots/NAME.zip (where ryll writes them when
 * --capture is set), validated with the directory's own pcaps. */
#ifndef SPICECAP_VALIDATE_CAPTURE_DIR_H
#define SPICECAP_VALIDATE_CAPTURE_DIR_H

#include <glib.h>

/* The report zips under dir, each folder's in name order (char *, g_free'd by the array). */
GPtrArray *capture_dir_reports(const char *dir);

#endif
