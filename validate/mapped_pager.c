#include "mapped_pager.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Measured with validate/bench/run.sh: the page-table work (mapping pages
 * on the reader's faults, and giving them back) was 45% of the validator's
 * time on a live capture, as much as the kernel's copy is for read(). */
struct mapped_pager {
    mapped_file *file;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    uint64_t reader_at; /* under lock */
    bool stop;          /* under lock */
    uint64_t mapped_to; /* the pager's own */
    bool can_map;       /* the pager's own: MADV_POPULATE_READ works here */
};

/* Pages go back this many at a time: the kernel is asked a few hundred
 * times a second at the validator's rate, not per record. */
#define GIVE_BACK_STEP ((uint64_t)2 << 20)

void mapped_pager_give_back(mapped_file *m, uint64_t offset, uint64_t lag)
{
    if (offset < lag + GIVE_BACK_STEP)
        return;
    uint64_t upto = offset - lag;
    upto -= upto % GIVE_BACK_STEP; /* page-aligned: the step is a multiple of any page size */
    uint64_t from = atomic_load(&m->given_back);
    /* Whichever thread moves the mark gives back what it passed. */
    while (upto > from) {
        if (atomic_compare_exchange_weak(&m->given_back, &from, upto)) {
            madvise((void *)(m->bytes + from), (size_t)(upto - from), MADV_DONTNEED);
            return;
        }
    }
}

/* Map [the reader's step, to): never behind the reader, whose own faults
 * map those pages (and some there are given back already). */
static void map_ahead(mapped_pager *p, uint64_t reader_at)
{
    const mapped_file *m = p->file;
    uint64_t from = reader_at - reader_at % MAPPED_PAGER_STEP;
    uint64_t to = reader_at + MAPPED_PAGER_AHEAD;
    to -= to % MAPPED_PAGER_STEP;
    if (to > m->size)
        to = m->size;
    if (p->mapped_to < from)
        p->mapped_to = from;
    if (!p->can_map || to <= p->mapped_to)
        return;
#ifdef MADV_POPULATE_READ
    if (madvise((void *)(m->bytes + p->mapped_to), (size_t)(to - p->mapped_to), MADV_POPULATE_READ) == 0) {
        p->mapped_to = to;
        return;
    }
#endif
    /* EINVAL: a kernel before 5.14; EFAULT: the file shrank under the
     * mapping. Either way the reader's own faults map the rest (and meet a
     * vanished page themselves, so the report names the reader's offset). */
    p->can_map = false;
}

static void *pager_run(void *arg)
{
    mapped_pager *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        uint64_t at = p->reader_at;
        pthread_mutex_unlock(&p->lock);
        map_ahead(p, at);
        mapped_pager_give_back(p->file, at, MAPPED_PAGER_LAG);
        pthread_mutex_lock(&p->lock);
        while (at == p->reader_at && !p->stop)
            pthread_cond_wait(&p->wake, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

mapped_pager *mapped_pager_start(mapped_file *m)
{
    mapped_pager *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->file = m;
    p->can_map = true;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    /* Signals sent to the process (SIGINT, SIGTERM, SIGPIPE) go to the
     * reader, whose handling they were written for; a SIGBUS is the
     * faulting thread's own and stays open. */
    sigset_t all, old;
    sigfillset(&all);
    sigdelset(&all, SIGBUS);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&p->thread, NULL, pager_run, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void mapped_pager_tell(mapped_pager *p, uint64_t reader_at)
{
    pthread_mutex_lock(&p->lock);
    p->reader_at = reader_at;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void mapped_pager_stop(mapped_pager *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
