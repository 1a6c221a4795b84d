/* A plain capture file read through one mapping of all of it, for
 * byte_source.c. Its bytes stay where they are until the file is closed,
 * so the SPICE walk keeps references to them instead of copies
 * (spicecap_walker_feed_lasting), and no read() copies them first.
 *
 * Mapping pages and giving them back is page-table work the size of the
 * kernel's copy, so a second thread does it (mapped_pager.c): it maps the
 * pages just ahead of the reader and gives back those behind it, and the
 * reader's core only reads. What is resident stays bounded: about 6 MiB
 * of the file when the pager keeps up, at most about 10 MiB when it does
 * not (then the reader gives pages back itself). A page given back stays
 * mapped: a reference that reaches it reads it again from the page cache.
 *
 * A file that shrinks while it is mapped would make the next read of a
 * vanished page a SIGBUS. When the reading thread has set a return point
 * (mapped_file_set_return), the handler goes back there with siglongjmp
 * and the reader gives that file up, naming it (mapped_file_fault) while the
 * other files are still read; with none set it reports the file and offset
 * and exits 2 (the validator's "could not read a file"). */
#ifndef SPICECAP_VALIDATE_MAPPED_FILE_H
#define SPICECAP_VALIDATE_MAPPED_FILE_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct mapped_pager mapped_pager;

typedef struct mapped_file {
    const uint8_t *bytes;       /* the file's first size bytes */
    uint64_t size;
    uint64_t told_at;           /* the reader's offset last told to the pager */
    _Atomic uint64_t given_back; /* pages before this offset were given back (by either thread) */
    mapped_pager *pager;        /* NULL when no thread could be had: the reader does it all */
    int slot;                   /* in the SIGBUS handler's table */
} mapped_file;

/* Map the size bytes of the regular file open as fd (path names it in the
 * SIGBUS report; it must outlive the mapping). false when it cannot be
 * mapped (an empty file, no address space, too many mapped at once, or a
 * kernel that does not page a mapping in on request with MADV_POPULATE_READ,
 * as before Linux 5.14: mapped_file.c says why): read it instead. m must
 * stay where it is until mapped_file_close. */
bool mapped_file_open(mapped_file *m, int fd, uint64_t size, const char *path);

/* The reader is at offset. */
void mapped_file_reached(mapped_file *m, uint64_t offset);

void mapped_file_close(mapped_file *m);

/* Make env (sigsetjmp'd by the caller, with the signal mask saved) where a
 * fault in a mapped page of this thread returns; NULL for none. Returns the
 * one set before, to be set again. After the jump, close what was open
 * (the mapping is still there) and touch none of its bytes. */
sigjmp_buf *mapped_file_set_return(sigjmp_buf *env);

/* What the last fault was: "the file shrank while it was read (its bytes at
 * offset N are gone)". */
const char *mapped_file_fault(void);

#endif
