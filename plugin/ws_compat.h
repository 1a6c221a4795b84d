/* The one place where the Wireshark versions the plugin supports differ in
 * API: 4.0 (Debian 12), 4.4 (Debian 13) and 4.6 (Debian unstable). The
 * dissector is written against the current API (C99 bool, tvb_get_uint8);
 * this header maps it to 4.0's, and says what each version's plugin loader
 * looks for (plugin.c). 4.2 was never built or tested here, so no check
 * below claims anything about it. */
#ifndef SPICECAP_WS_COMPAT_H
#define SPICECAP_WS_COMPAT_H

#include <epan/tvbuff.h>
#include <stdbool.h>
#include <ws_version.h>

#define SPICECAP_WS_AT_LEAST(major, minor)                                                                     \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if SPICECAP_WS_AT_LEAST(4, 4)
/* A bool preference's variable and a heuristic dissector's result:
 * prefs_register_bool_preference() takes bool *, heur_dissector_t returns
 * bool. */
typedef bool spicecap_ws_bool;
#else
/* 4.0: gboolean for both, and the byte accessor under its GLib name (4.4
 * deprecates tvb_get_guint8 in favour of tvb_get_uint8). */
typedef gboolean spicecap_ws_bool;
#define tvb_get_uint8 tvb_get_guint8
#endif

#if SPICECAP_WS_AT_LEAST(4, 6)
/* A -z tap's init callback (stat_tap_ui.tap_init_cb) says whether its tap
 * listener started: 4.6 returns bool, 4.0 and 4.4 nothing. */
typedef bool spicecap_ws_stat_init;
#define SPICECAP_WS_STAT_INIT_DONE(started) return (started)
#else
typedef void spicecap_ws_stat_init;
#define SPICECAP_WS_STAT_INIT_DONE(started)                                                                    \
    do {                                                                                                        \
        (void)(started);                                                                                        \
        return;                                                                                                 \
    } while (0)
#endif

/* value_string and its helpers: epan/value_string.h up to 4.4, moved to
 * wsutil/value_string.h in 4.6. */
#if SPICECAP_WS_AT_LEAST(4, 6)
#include <wsutil/value_string.h>
#else
#include <epan/value_string.h>
#endif

/* A program that runs libwireshark in-process, as Wireshark's fuzzshark
 * does (fuzz/fuzz_plugin_dissect.c), not the plugin. 4.6 takes the program
 * name from GLib (g_set_prgname) instead of ws_log_init(), drops
 * configuration_init()'s namespace (the application flavour, Wireshark by
 * default), gives a record its own bytes (wtap_rec.data, which
 * wtap_rec_init() sizes and wtap_rec_cleanup() frees) that
 * epan_dissect_run() dissects, where 4.0 and 4.4 pass a tvb beside the
 * record, and names a record's type (wtap_rec.rec_type_name, which the frame
 * dissector puts in a column: left NULL, a dissector assertion), set with the
 * type by wtap_setup_packet_rec(). Macros, so that the plugin's sources need
 * none of these headers. */
#if SPICECAP_WS_AT_LEAST(4, 6)
#define spicecap_ws_log_init(progname) (g_set_prgname(progname), ws_log_init(NULL))
#define spicecap_ws_configuration_init(arg0) configuration_init(arg0)
#define spicecap_ws_rec_init(rec, bytes, len)                                                                  \
    (wtap_rec_init((rec), (gsize)(len)), ws_buffer_append(&(rec)->data, (bytes), (size_t)(len)))
#define spicecap_ws_dissect_run(edt, file_type, rec, bytes, len, fd, cinfo)                                   \
    epan_dissect_run((edt), (file_type), (rec), (fd), (cinfo))
#define spicecap_ws_setup_packet_rec(rec, encap) wtap_setup_packet_rec((rec), (encap))
#else
#define spicecap_ws_log_init(progname) ws_log_init((progname), NULL)
#define spicecap_ws_configuration_init(arg0) configuration_init((arg0), NULL)
#define spicecap_ws_rec_init(rec, bytes, len) wtap_rec_init(rec)
#define spicecap_ws_dissect_run(edt, file_type, rec, bytes, len, fd, cinfo)                                   \
    epan_dissect_run((edt), (file_type), (rec), tvb_new_real_data((bytes), (guint)(len), (gint)(len)), (fd),     \
                     (cinfo))
#define spicecap_ws_setup_packet_rec(rec, encap)                                                               \
    ((rec)->rec_type = REC_TYPE_PACKET, (rec)->rec_header.packet_header.pkt_encap = (encap))
#endif

/* 4.4 and 4.6 ask a plugin what it is (plugin_describe(), as the plugin.c
 * that their make-plugin-reg.py writes); 4.0 has no such symbol and no
 * wsutil/plugins.h. Detected from the header, not the version. */
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define SPICECAP_WS_PLUGIN_DESCRIBE 1
#else
#define SPICECAP_WS_PLUGIN_DESCRIBE 0
#endif

#endif
