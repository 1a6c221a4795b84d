/* The paging of a mapped_file: a thread that maps its pages ahead of the
 * reader and gives them back behind it (mapped_file.h says why). */
#ifndef SPICECAP_VALIDATE_MAPPED_PAGER_H
#define SPICECAP_VALIDATE_MAPPED_PAGER_H

#include "mapped_file.h"

/* Bytes mapped ahead of the reader, and how far behind it pages go back. */
#define MAPPED_PAGER_AHEAD ((uint64_t)4 << 20)
#define MAPPED_PAGER_LAG ((uint64_t)2 << 20)
/* The reader tells the pager where it is every this many bytes. */
#define MAPPED_PAGER_STEP ((uint64_t)1 << 20)

/* NULL when no thread can be started. */
mapped_pager *mapped_pager_start(mapped_file *m);
void mapped_pager_tell(mapped_pager *p, uint64_t reader_at);
void mapped_pager_stop(mapped_pager *p);

/* Give back m's pages more than lag bytes behind offset: the pager's job,
 * and the reader's when there is no pager or it stalls. */
void mapped_pager_give_back(mapped_file *m, uint64_t offset, uint64_t lag);

#endif
