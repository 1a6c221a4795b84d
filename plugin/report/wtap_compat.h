/* The one place where the wiretap API of Wireshark 4.0, 4.4 and 4.6
 * differs for spicecap_report.so, and the one mirror of struct wtap.
 *
 * 4.6 ships wiretap/wtap_module.h, which declares struct wtap and the file
 * readers: it is used as it is. Debian's 4.0 and 4.4 dev packages ship no
 * wtap-int.h (nor wiretap/file_wrappers.h's wsutil/file_util.h), so struct
 * wtap is mirrored here for those two, member for member: 4.4's as
 * wireshark's wiretap/wtap-int.h of the 4.4 branch declares it; 4.0's as
 * 3.6's wtap-int.h declares it plus the two members 4.0 adds after
 * interface_data and dsbs (next_interface_data, pathname), every offset
 * checked against Debian's 4.0.17 binaries: its usbdump.so writes
 * file_type_subtype at 0x14, priv at 0x50, subtype_read/seek_read at
 * 0x60/0x68, file_encap/file_tsprec at 0x80; its libwiretap's wtap_close
 * frees shb_hdrs 0x20, interface_data 0x28, nrbs 0x38, dsbs 0x40, pathname
 * 0x48, priv 0x50, fast_seek 0xa0 and calls subtype_close at 0x78 (4.4:
 * priv 0x60, file_encap 0x90, as its usbdump.so).
 * report_wtap.c checks the mirror at registration against libwiretap's
 * public accessors (mirror_check) and registers nothing on a
 * mismatch. 4.2 was never built here: it is refused at compile time. */
#ifndef SPICECAP_REPORT_WTAP_COMPAT_H
#define SPICECAP_REPORT_WTAP_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ws_version.h>

#define SPICECAP_WTAP_AT_LEAST(major, minor)                                                                   \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if SPICECAP_WTAP_AT_LEAST(4, 6)
#include <wiretap/wtap_module.h>
#include <wiretap/file_wrappers.h>
#else
#if SPICECAP_WTAP_AT_LEAST(4, 4)
#include <wsutil/array.h> /* 4.4's wtap.h uses array_length without it */
#endif
#include <wiretap/wtap.h>
#endif
#include <wiretap/pcap-encap.h>
#include <wiretap/wtap_opttypes.h>
#include <wsutil/buffer.h>

#if !SPICECAP_WTAP_AT_LEAST(4, 4)
/* 4.0: gboolean results, and a Buffer beside the record. */
typedef gboolean spicecap_wtap_bool;
#else
typedef bool spicecap_wtap_bool;
#endif

#if SPICECAP_WTAP_AT_LEAST(4, 6)
/* 4.6: a record carries its own bytes (wtap_rec.data); no Buffer argument. */
#define SPICECAP_WTAP_BUFFER_PARAM
#define spicecap_wtap_record_bytes(rec, buf) (&(rec)->data)
#define spicecap_wtap_setup_packet(rec, encap) wtap_setup_packet_rec((rec), (encap))
#else
#define SPICECAP_WTAP_BUFFER_PARAM Buffer *buf,
#define spicecap_wtap_record_bytes(rec, buf) (buf)
#define spicecap_wtap_setup_packet(rec, encap)                                                                 \
    ((rec)->rec_type = REC_TYPE_PACKET, (rec)->rec_header.packet_header.pkt_encap = (encap))

/* file_wrappers.h's readers, exported by libwiretap but not includable. */
int file_read(void *buf, unsigned int len, FILE_T file);
int64_t file_seek(FILE_T file, int64_t offset, int whence, int *err);
int file_error(FILE_T fh, char **err_info);
spicecap_wtap_bool file_iscompressed(FILE_T stream);
/* wtap-int.h's, exported by libwiretap. */
spicecap_wtap_bool wtap_read_bytes(FILE_T fh, void *buf, unsigned int count, int *err, char **err_info);
void wtap_add_generated_idb(wtap *wth);

typedef spicecap_wtap_bool (*subtype_read_func)(struct wtap *, wtap_rec *, Buffer *, int *, char **, int64_t *);
typedef spicecap_wtap_bool (*subtype_seek_read_func)(struct wtap *, int64_t, wtap_rec *, Buffer *, int *, char **);

#if SPICECAP_WTAP_AT_LEAST(4, 4) && !SPICECAP_WTAP_AT_LEAST(4, 5)
/* 4.4's wtap-int.h. */
struct wtap {
    FILE_T fh;
    FILE_T random_fh;
    bool ispipe;
    int file_type_subtype;
    unsigned snapshot_length;
    GArray *shb_hdrs;
    GArray *shb_iface_to_global;
    GArray *interface_data;
    unsigned next_interface_data;
    GArray *nrbs;
    GArray *dsbs;
    GArray *meta_events;
    char *pathname;
    void *priv; /* freed by wtap_close() */
    void *wslua_data;
    subtype_read_func subtype_read;
    subtype_seek_read_func subtype_seek_read;
    void (*subtype_sequential_close)(struct wtap *);
    void (*subtype_close)(struct wtap *);
    int file_encap;
    int file_tsprec;
    wtap_new_ipv4_callback_t add_new_ipv4;
    wtap_new_ipv6_callback_t add_new_ipv6;
    wtap_new_secrets_callback_t add_new_secrets;
    GPtrArray *fast_seek;
};
/* The offsets Debian's 4.4.19 usbdump.so uses. */
_Static_assert(offsetof(struct wtap, priv) == 0x60 && offsetof(struct wtap, file_encap) == 0x90,
               "struct wtap mirror (4.4)");
#elif WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR == 0
/* 4.0's wtap-int.h. */
struct wtap {
    FILE_T fh;
    FILE_T random_fh;
    gboolean ispipe;
    int file_type_subtype;
    guint snapshot_length;
    GArray *shb_hdrs;
    GArray *interface_data;
    guint next_interface_data;
    GArray *nrbs;
    GArray *dsbs;
    char *pathname;
    void *priv; /* freed by wtap_close() */
    void *wslua_data;
    subtype_read_func subtype_read;
    subtype_seek_read_func subtype_seek_read;
    void (*subtype_sequential_close)(struct wtap *);
    void (*subtype_close)(struct wtap *);
    int file_encap;
    int file_tsprec;
    wtap_new_ipv4_callback_t add_new_ipv4;
    wtap_new_ipv6_callback_t add_new_ipv6;
    wtap_new_secrets_callback_t add_new_secrets;
    GPtrArray *fast_seek;
};
/* The offsets Debian's 4.0.17 usbdump.so and wtap_close use. */
_Static_assert(offsetof(struct wtap, file_type_subtype) == 0x14 && offsetof(struct wtap, pathname) == 0x48 &&
                   offsetof(struct wtap, priv) == 0x50 && offsetof(struct wtap, subtype_read) == 0x60 &&
                   offsetof(struct wtap, subtype_close) == 0x78 && offsetof(struct wtap, file_encap) == 0x80 &&
                   offsetof(struct wtap, fast_seek) == 0xa0,
               "struct wtap mirror (4.0)");
#else
#error "spicecap_report.so knows struct wtap of Wireshark 4.0, 4.4 and 4.6 only (wtap_compat.h)"
#endif
#endif

/* 4.4 and 4.6 ask a plugin what it is; 4.0 has no wsutil/plugins.h. */
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#ifdef WS_PLUGIN_DESC_FILE_TYPE
#define SPICECAP_WTAP_PLUGIN_DESCRIBE 1
#else
#define SPICECAP_WTAP_PLUGIN_DESCRIBE 0
#endif

#endif
