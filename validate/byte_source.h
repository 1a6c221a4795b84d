/* A buffered stream of bytes from a capture: a plain file, a gzip file
 * (as Wireshark opens them), or one entry of a zip. Records are parsed in
 * place from a window that grows only to the largest record's size. */
#ifndef SPICECAP_VALIDATE_BYTE_SOURCE_H
#define SPICECAP_VALIDATE_BYTE_SOURCE_H

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

/* Offset of the next byte in the (decompressed) stream. */
uint64_t byte_source_offset(const byte_source *src);

/* Compressed bytes read so far out of the file's size, for progress. */
void byte_source_progress(const byte_source *src, uint64_t *done, uint64_t *total);

/* "gzip", "zip entry NAME" or "" for plain files. */
const char *byte_source_wrapper(const byte_source *src);

#endif
