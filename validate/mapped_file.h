/* A plain capture file read through one mapping of all of it, for
 * byte_source.c. Against read() into a window it saves the kernel's copy of
 * every byte, and its bytes stay where they are until the file is closed,
 * so the SPICE walk can keep references instead of copies
 * (spicecap_walker_feed_lasting). What is resident stays bounded: pages
 * well behind the reader are given back as it goes (they come back from the
 * page cache if a reference reaches them).
 *
 * A file that shrinks while it is mapped would make the next read of a
 * vanished page a SIGBUS: the handler set here reports it, naming the file
 * and offset, and exits 2 (the validator's "could not read a file"). */
#ifndef SPICECAP_VALIDATE_MAPPED_FILE_H
#define SPICECAP_VALIDATE_MAPPED_FILE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mapped_file {
    const uint8_t *bytes; /* the file's first size bytes */
    uint64_t size;
    uint64_t given_back;  /* pages before this offset were given back */
    int slot;             /* in the SIGBUS handler's table */
} mapped_file;

/* Map the size bytes of the regular file open as fd (path names it in the
 * SIGBUS report; it must outlive the mapping). false when it cannot be
 * mapped (an empty file, no address space, too many mapped at once): read
 * it instead. */
bool mapped_file_open(mapped_file *m, int fd, uint64_t size, const char *path);

/* The reader is at offset: give back the pages far behind it. */
void mapped_file_reached(mapped_file *m, uint64_t offset);

void mapped_file_close(mapped_file *m);

#endif
