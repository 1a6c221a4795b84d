/* A ryll --capture directory's bug reports: DIR/bug-reports/NAME.zip and
 * DIR/bug-reports/auto-snapshots/NAME.zip (where ryll writes them when
 * --capture is set), validated with the directory's own pcaps. */
#ifndef SPICECAP_VALIDATE_CAPTURE_DIR_H
#define SPICECAP_VALIDATE_CAPTURE_DIR_H

#include <glib.h>
#include <stdbool.h>

/* The report zips under dir, each folder's in name order (char *, g_free'd by the array). */
GPtrArray *capture_dir_reports(const char *dir);

/* A capture file's name: *.pcap, *.pcapng and their .gz. */
bool capture_dir_is_capture_name(const char *name);

/* A directory of reports (ryll's --bug-report-dir, or a capture directory's
 * bug-reports/): no capture file of its own, and report zips in it or in its
 * auto-snapshots/. Those zips (each folder's in name order), else NULL. */
GPtrArray *capture_dir_pile(const char *dir);

#endif
