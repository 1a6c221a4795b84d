/* One reading of a bug-report zip: the structural check both readers of a
 * report run before they read anything from it, the validator (libzip,
 * byte_source.c) and the Wireshark file-type plugin (its own reader,
 * plugin/report/zip_reader.c). A zip that two readers could read two ways
 * is refused, by both, with the same words (this file's), so that a CI
 * verdict is always about the bytes the maintainer opens:
 *  - more than one end-of-central-directory record that parses (a second
 *    one hidden in the first one's comment names another directory);
 *  - a central directory that holds other than the entries it says;
 *  - two members of one name (extractors keep the last, readers the first),
 *    counting a name's last path component, as both readers look up;
 *  - a member name with a NUL byte, a ".." component or an absolute path;
 *  - a local header that disagrees with its central entry (name, method,
 *    flags, CRC-32, sizes), or is not where the entry says;
 *  - members that overlap, or run into the central directory;
 *  - zip64 (ryll never writes it), a member that states it inflates past
 *    deflate's ratio (a bomb), and a traffic.pcap larger than
 *    REPORT_MAX_PCAP_BYTES (report_bounds.h).
 * It reads the end of the file, the central directory (at most
 * REPORT_MAX_ZIP_DIRECTORY_BYTES) and each local header, through a callback,
 * so the plugin reads through Wireshark's file handle and the validator
 * through its file descriptor. */
#ifndef SPICECAP_VALIDATE_ZIP_CHECK_H
#define SPICECAP_VALIDATE_ZIP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads len bytes at offset into buf: 0, or -1 with *error set (g_free it). */
typedef int (*zip_check_read_fn)(void *ctx, uint64_t offset, void *buf, size_t len, char **error);

/* true when the size-byte file read through read_at is a zip that reads one
 * way; else false with *error (g_free it) saying why, naming the member and
 * the byte offsets. */
bool zip_check_one_reading(void *ctx, uint64_t size, zip_check_read_fn read_at, char **error);

/* Does the end record rec (22 bytes at offset at, room bytes from it to the
 * file's end) parse: its comment within the file, one disk, a directory
 * before it that starts with an entry? The plugin's reader takes the last
 * one that does, as the check does (which refuses a zip with two). */
bool zip_check_end_parses(void *ctx, zip_check_read_fn read_at, const uint8_t *rec, uint64_t at, uint64_t room);

/* A name's last path component ("traffic.pcap" of "report/traffic.pcap"):
 * how both readers find a member. */
const char *zip_check_base_name(const char *name);

#endif
