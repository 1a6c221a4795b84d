#include "mapped_file.h"
#include "mapped_pager.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The reader gives pages back itself only this far behind it: normally
 * the pager has, and a pager that stalls (its core busy) leaves at most
 * this much resident. */
#define READER_LAG ((uint64_t)4 << 20)

/* The files mapped now, for the SIGBUS handler (which may only read what
 * it finds here). The validator maps one at a time; a bug report's
 * metadata check may open a second. */
#define MAX_MAPPED 4
typedef struct mapped_slot {
    const uint8_t *volatile bytes;
    volatile uint64_t size;
    const char *volatile path;
    volatile sig_atomic_t used;
} mapped_slot;
static mapped_slot mapped[MAX_MAPPED];

static void write_text(const char *s)
{
    ssize_t ignored = write(STDERR_FILENO, s, strlen(s));
    (void)ignored;
}

/* Where a fault in a mapped page returns to, set by the thread that reads
 * (the pager thread only asks the kernel, with madvise, and never faults). */
static _Thread_local sigjmp_buf *fault_return;
static char fault_text[96];

/* "the file shrank ... offset N are gone", built with what a handler may call. */
static void set_fault_text(uint64_t offset)
{
    static const char head[] = "the file shrank while it was read (its bytes at offset ", tail[] = " are gone)";
    char digits[24];
    size_t at = sizeof digits, n = 0;
    digits[--at] = '\0';
    do
        digits[--at] = (char)('0' + offset % 10);
    while ((offset /= 10) > 0 && at > 0);
    for (const char *p = head; *p; p++)
        fault_text[n++] = *p;
    for (const char *p = digits + at; *p; p++)
        fault_text[n++] = *p;
    for (const char *p = tail; *p && n + 1 < sizeof fault_text; p++)
        fault_text[n++] = *p;
    fault_text[n] = '\0';
}

sigjmp_buf *mapped_file_set_return(sigjmp_buf *env)
{
    sigjmp_buf *previous = fault_return;
    fault_return = env;
    return previous;
}

const char *mapped_file_fault(void)
{
    return fault_text;
}

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
    (void)context;
    const uint8_t *at = info->si_addr;
    for (int i = 0; i < MAX_MAPPED; i++) {
        const mapped_slot *s = &mapped[i];
        if (s->used && at >= s->bytes && at < s->bytes + s->size) {
            set_fault_text((uint64_t)(at - s->bytes));
            if (fault_return != NULL) /* the reader gives up this file and goes on with the others */
                siglongjmp(*fault_return, 1);
            write_text("spicecap-validate: ");
            write_text(s->path);
            write_text(": ");
            write_text(fault_text);
            write_text(": no report\n");
            _exit(2);
        }
    }
    /* Not a mapped file's page: a fault of the program's own, left to the
     * default action when the access is retried. */
    signal(sig, SIG_DFL);
}

static void catch_sigbus_once(void)
{
    static bool caught;
    if (caught)
        return;
    caught = true;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* Whether the kernel pages a mapping in on request (MADV_POPULATE_READ,
 * Linux 5.14). Without it the reader's own page faults would do the page-
 * table work the pager exists to move off its core, and the mapping was
 * measured no faster than read() then: a plain read is the better reader.
 * Asked on the first pages of each mapping (which it pages in, as the
 * pager would have); once refused, not asked again. */
static bool populate_refused;

static bool kernel_populates(const uint8_t *bytes, uint64_t size)
{
#ifdef MADV_POPULATE_READ
    if (!populate_refused) {
        size_t first = (size_t)(size < MAPPED_PAGER_STEP ? size : MAPPED_PAGER_STEP);
        if (madvise((void *)bytes, first, MADV_POPULATE_READ) == 0)
            return true;
        /* EINVAL: a kernel before 5.14 (or one that refuses the advice);
         * EFAULT: the file shrank already. read() copes with both. */
        populate_refused = true;
    }
#else
    (void)bytes;
    (void)size;
#endif
    return false;
}

bool mapped_file_open(mapped_file *m, int fd, uint64_t size, const char *path)
{
    memset(m, 0, sizeof *m);
    atomic_init(&m->given_back, 0);
    m->slot = -1;
    if (size == 0 || size > SIZE_MAX)
        return false;
    int slot = 0;
    while (slot < MAX_MAPPED && mapped[slot].used)
        slot++;
    if (slot == MAX_MAPPED || populate_refused)
        return false;
    void *bytes = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (bytes == MAP_FAILED)
        return false;
    if (!kernel_populates(bytes, size)) {
        munmap(bytes, (size_t)size);
        return false;
    }
    madvise(bytes, (size_t)size, MADV_SEQUENTIAL); /* read ahead, as read() would */
    catch_sigbus_once();
    mapped[slot].bytes = bytes;
    mapped[slot].size = size;
    mapped[slot].path = path;
    mapped[slot].used = 1;
    m->bytes = bytes;
    m->size = size;
    m->slot = slot;
    /* Without a pager the reader's own faults map the pages: a file the
     * pager would map in one go needs no thread. */
    m->pager = size > MAPPED_PAGER_AHEAD ? mapped_pager_start(m) : NULL;
    return true;
}

void mapped_file_reached(mapped_file *m, uint64_t offset)
{
    if (offset < m->told_at + MAPPED_PAGER_STEP)
        return;
    m->told_at = offset;
    if (m->pager != NULL)
        mapped_pager_tell(m->pager, offset);
    mapped_pager_give_back(m, offset, m->pager != NULL ? READER_LAG : MAPPED_PAGER_LAG);
}

void mapped_file_close(mapped_file *m)
{
    if (m->bytes == NULL)
        return;
    if (m->pager != NULL)
        mapped_pager_stop(m->pager);
    mapped[m->slot].used = 0;
    munmap((void *)m->bytes, (size_t)m->size);
    memset(m, 0, sizeof *m);
    m->slot = -1;
}
