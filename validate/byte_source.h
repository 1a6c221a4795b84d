/* A buffered stream of bytes from a capture: a plain file, a gzip file
 * (as Wireshark opens them), or one entry of a zip. Records are parsed in
 * place: from the mapping of a plain file (mapped_file.h), else from a
 * window that grows only to the largest record's size. */
#ifndef SPICECAP_VALIDATE_BYTE_SOURCE_H
#define SPICECAP_VALIDATE_BYTE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct byte_source byte_source;

/* Open path: gzip and zip are recognised by their magic. For a zip, the
 * entry is traffic.pcap, else the first *.pcap or *.pcapng entry. NULL with
 * a message in *error (g_free it) when the file cannot be read. */
byte_source *byte_source_open(const char *path, char **error);
void byte_source_close(byte_source *src);

/* Make at least n bytes available at *data; returns how many are (fewer
 * only at the end of the stream), or -1 on a read error (*error set). */
long byte_source_peek(byte_source *src, size_t n, const uint8_t **data, char **error);

/* Consume n bytes (at most what the last peek returned). */
void byte_source_skip(byte_source *src, size_t n);

/* Do the bytes peek returns now stay valid and unchanged until the source
 * is closed? True while a plain file is read through its mapping; without
 * it they are valid only until the next peek. */
bool byte_source_bytes_last(const byte_source *src);

/* Offset of the next byte in the (decompressed) stream. */
uint64_t byte_source_offset(const byte_source *src);

/* Compressed bytes read so far out of the file's size, for progress. */
void byte_source_progress(const byte_source *src, uint64_t *done, uint64_t *total);

/* "gzip", "zip entry NAME" or "" for plain files. */
const char *byte_source_wrapper(const byte_source *src);

/* Is the file at path a zip (by its magic)? */
bool byte_source_is_zip(const char *path);

/* A small entry of a zip read whole (a bug report's metadata.json): the
 * entry called name (in any folder of the zip), at most max bytes, into
 * *data, NUL-terminated (g_free it), its length in *len. Returns 1 read, 0
 * when the zip has no such entry, -1 when the zip or the entry cannot be
 * read or is larger than max (*error says which; g_free it). */
int byte_source_zip_entry(const char *path, const char *name, size_t max, char **data, size_t *len, char **error);

#endif
