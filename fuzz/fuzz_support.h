/* What every fuzz target shares: the libFuzzer entry points, and a way to
 * hand an input to code that only reads from a path (the validator opens
 * captures by name, and recognises gzip and zip by their magic). */
#ifndef SPICECAP_FUZZ_SUPPORT_H
#define SPICECAP_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defined by each target: libFuzzer calls them, and so does replay_main.c in
 * the normal build, so every target has both. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An in-memory file holding the bytes, readable at *path
 * ("/proc/self/fd/N", room for 32 bytes). Returns its descriptor, to close
 * with fuzz_input_close; aborts when the kernel refuses (nothing to fuzz). */
int fuzz_input_file(const uint8_t *data, size_t size, char path[32]);
void fuzz_input_close(int fd);

/* The conversation layout the SPICE targets share: chunks of
 * [direction byte (bit 0: from the server)][u16 little-endian length][bytes]. */
typedef struct fuzz_chunk {
    bool from_server;
    const uint8_t *bytes;
    size_t len; /* cut to what the input holds, and to max_len */
} fuzz_chunk;

/* The chunk at *at, moving *at past the bytes it takes; false when fewer
 * than a chunk header's 3 bytes remain. */
bool fuzz_next_chunk(const uint8_t *data, size_t size, size_t *at, size_t max_len, fuzz_chunk *chunk);

#endif
