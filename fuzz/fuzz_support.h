/* What every fuzz target shares: the libFuzzer entry points, and a way to
 * hand an input to code that only reads from a path (the validator opens
 * captures by name, and recognises gzip and zip by their magic). */
#ifndef SPICECAP_FUZZ_SUPPORT_H
#define SPICECAP_FUZZ_SUPPORT_H

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

#endif
