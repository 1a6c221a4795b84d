/* The recorded walk on socket reads: messages across records, gaps with and
 * without the cut message's header, bytes that vanished under a
 * contiguous seq, and the resync rule's false confirmations on random
 * bytes and its cost on a header at every other byte. The expected answers
 * are the messages this test wrote, not what the walker says of them. */
#include <CUnit/Basic.h>
#include <spice/enums.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resync.h"
#include "spice_walker.h"
#include "cunit_run.h"

#define MAX_MESSAGES 4096

typedef struct written {
    uint64_t offset[MAX_MESSAGES], wire[MAX_MESSAGES];
    uint16_t type[MAX_MESSAGES];
    unsigned count;
    uint8_t *bytes;
    size_t len;
} written;

typedef struct walked {
    uint64_t offset[MAX_MESSAGES];
    unsigned count;
    unsigned findings[16];
} walked;

static uint64_t rng = 88172645463325252ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* n display-server messages of named types, random sizes, random bodies. */
static void write_stream(written *s, unsigned n, uint32_t max_body)
{
    static const uint16_t types[] = {SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_DRAW_FILL, SPICE_MSG_DISPLAY_DRAW_COPY,
                                     SPICE_MSG_DISPLAY_STREAM_DATA, SPICE_MSG_DISPLAY_INVAL_LIST};
    memset(s, 0, sizeof *s);
    size_t cap = (size_t)n * (max_body + 6);
    s->bytes = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->bytes);
    for (unsigned i = 0; i < n; i++) {
        uint32_t body = next_random() % (max_body + 1);
        uint16_t type = types[next_random() % 5];
        uint8_t *h = s->bytes + s->len;
        h[0] = (uint8_t)type, h[1] = (uint8_t)(type >> 8);
        h[2] = (uint8_t)body, h[3] = (uint8_t)(body >> 8), h[4] = (uint8_t)(body >> 16), h[5] = (uint8_t)(body >> 24);
        for (uint32_t k = 0; k < body; k++)
            h[6 + k] = (uint8_t)next_random();
        s->offset[i] = s->len, s->wire[i] = 6 + body, s->type[i] = type;
        s->len += 6 + body;
    }
    s->count = n;
}

static void on_message(void *ctx, const spicecap_walk_message *m)
{
    walked *w = ctx;
    if (w->count < MAX_MESSAGES)
        w->offset[w->count++] = m->offset;
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    (void)extra, (void)tag;
    walked *w = ctx;
    w->findings[kind]++;
    if (kind == SPICECAP_WALK_SUSPECT) /* reported whole before, taken back now */
        for (unsigned i = 0; i < w->count; i++)
            if (w->offset[i] == m->offset) {
                w->offset[i] = UINT64_MAX;
                break;
            }
}

typedef struct walk {
    spicecap_link_state link;
    spicecap_walker w;
    walked seen;
    spicecap_walk_sink sink;
    bool lasting; /* fed with spicecap_walker_feed_lasting: the lookback keeps references */
} walk;

static void begin(walk *k)
{
    memset(k, 0, sizeof *k);
    k->sink = (spicecap_walk_sink){&k->seen, on_message, on_finding, NULL};
    spicecap_link_init_recorded(&k->link, SPICE_CHANNEL_DISPLAY);
    spicecap_walker_init(&k->w, &k->link, SPICECAP_DIR_RECEIVED, SPICECAP_WALK_RECORDED);
}

/* Feed bytes [from, to) as socket reads of random sizes up to max_read. */
static void feed_reads(walk *k, const written *s, size_t from, size_t to, uint32_t max_read, uint64_t *tag)
{
    while (from < to) {
        size_t n = 1 + next_random() % max_read;
        if (n > to - from)
            n = to - from;
        if (k->lasting)
            spicecap_walker_feed_lasting(&k->w, s->bytes + from, n, (*tag)++, &k->sink);
        else
            spicecap_walker_feed(&k->w, s->bytes + from, n, (*tag)++, &k->sink);
        from += n;
    }
}

static bool walked_at(const walked *seen, uint64_t offset)
{
    for (unsigned i = 0; i < seen->count; i++)
        if (seen->offset[i] == offset)
            return true;
    return false;
}

static void test_socket_reads_are_clean(void)
{
    written s;
    write_stream(&s, 2000, 3000);
    walk k;
    begin(&k);
    uint64_t tag = 1;
    feed_reads(&k, &s, 0, s.len, 9000, &tag);
    spicecap_walker_end(&k.w, false, &k.sink);
    CU_ASSERT_EQUAL(k.seen.count, s.count);
    for (unsigned i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(k.seen.findings[i], 0);
    CU_ASSERT_EQUAL(spicecap_walker_layout(&k.w), SPICECAP_LAYOUT_READS);
    spicecap_walker_clear(&k.w);
    free(s.bytes);
}

/* One round of a stream whose bytes [from, from + len) are lost: told as a
 * gap (a seq gap) or not at all (they vanished under a contiguous seq).
 * Counts the messages the cut touched that were kept whole, and those it
 * did not touch that were not walked (the first one after a gap may be
 * passed over while the walk looks for two headers that chain). */
typedef struct cut_result {
    unsigned touched_seen, missed;
    walked seen;
} cut_result;

static void cut_round(bool told, size_t max_cut, bool lasting, cut_result *out)
{
    written s;
    write_stream(&s, 300, 2000);
    walk k;
    begin(&k);
    k.lasting = lasting;
    uint64_t tag = 1;
    size_t from = s.len / 4 + next_random() % (s.len / 2);
    size_t len = 1 + next_random() % max_cut;
    feed_reads(&k, &s, 0, from, 4000, &tag);
    if (told)
        spicecap_walker_gap(&k.w, len, &k.sink);
    feed_reads(&k, &s, from + len, s.len, 4000, &tag);
    spicecap_walker_end(&k.w, false, &k.sink);
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < s.count; i++) {
        bool touched = s.offset[i] < from + len && s.offset[i] + s.wire[i] > from;
        /* Untold, the bytes after the cut sit len bytes earlier in the stream. */
        uint64_t at = told || s.offset[i] < from ? s.offset[i] : s.offset[i] - len;
        bool seen = walked_at(&k.seen, at);
        bool first_after = told && !touched && s.offset[i] >= from + len && (i == 0 || s.offset[i - 1] < from + len);
        if (touched && seen && (told || k.seen.findings[SPICECAP_WALK_DESYNC] > 0))
            out->touched_seen++;
        if (!touched && !seen && !first_after)
            out->missed++;
    }
    out->seen = k.seen;
    spicecap_walker_clear(&k.w);
    free(s.bytes);
}

/* A read lost (a seq gap) at a random place, many times over: every message
 * wholly after the gap and wholly before it is walked, none that the gap
 * touched, and the walk never stays lost. */
static void test_gaps_in_socket_reads(void)
{
    for (int round = 0; round < 50; round++) {
        cut_result r;
        cut_round(true, 5000, false, &r);
        CU_ASSERT_EQUAL(r.touched_seen, 0);
        CU_ASSERT_EQUAL(r.missed, 0);
        CU_ASSERT_EQUAL(r.seen.findings[SPICECAP_WALK_NO_RESYNC], 0);
    }
}

/* Bytes vanish under a contiguous seq (no gap told): one desync, the
 * message they were inside is not kept, every other one is walked (the
 * lookback finds those its size ran past). A cut that removed whole
 * messages only leaves no trace to find. */
static void test_vanished_bytes(void)
{
    for (int round = 0; round < 50; round++) {
        cut_result r;
        cut_round(false, 1500, false, &r);
        CU_ASSERT(r.seen.findings[SPICECAP_WALK_DESYNC] <= 1);
        CU_ASSERT_EQUAL(r.touched_seen, 0);
        CU_ASSERT(r.missed <= 1);
    }
}

/* The same vanished bytes fed as bytes that last: the lookback holds
 * references instead of copies, and every round walks exactly as the
 * copied one does (the rounds that desync search the lookback). */
static void test_vanished_bytes_lasting(void)
{
    unsigned searched = 0;
    for (int round = 0; round < 50; round++) {
        uint64_t seed = rng;
        cut_result copied, referenced;
        cut_round(false, 1500, false, &copied);
        rng = seed;
        cut_round(false, 1500, true, &referenced);
        CU_ASSERT_EQUAL(copied.touched_seen, referenced.touched_seen);
        CU_ASSERT_EQUAL(copied.missed, referenced.missed);
        CU_ASSERT_EQUAL(copied.seen.count, referenced.seen.count);
        CU_ASSERT_EQUAL(memcmp(copied.seen.offset, referenced.seen.offset, copied.seen.count * sizeof(uint64_t)), 0);
        CU_ASSERT_EQUAL(memcmp(copied.seen.findings, referenced.seen.findings, sizeof copied.seen.findings), 0);
        searched += copied.seen.findings[SPICECAP_WALK_SUSPECT] > 0;
    }
    CU_ASSERT(searched > 10);
}

/* Random bytes confirm a false boundary with probability under 1e-8 per
 * byte (resync.h): 64 MiB scanned on the display channel, whose server
 * side names the most types, may confirm a few times at most. */
static void test_random_bytes_rarely_confirm(void)
{
    size_t len = (size_t)64 << 20;
    uint8_t *bytes = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    for (size_t i = 0; i < len; i += 4) {
        uint32_t r = next_random() ^ next_random() << 16;
        memcpy(bytes + i, &r, 4);
    }
    spicecap_resync r;
    spicecap_resync_start(&r, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, 0);
    unsigned confirmations = 0, plausible = 0;
    size_t at = 0;
    while (at < len) {
        bool confirmed;
        spicecap_resync_found found;
        at += spicecap_resync_scan(&r, bytes + at, len - at, 1, &confirmed, &found);
        confirmations += confirmed;
    }
    for (size_t i = 0; i + 6 <= len; i += 4099)
        plausible += spicecap_mini_header_plausible(SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, bytes + i);
    printf("\n  random bytes: %u confirmations in %zu MiB, %u plausible headers in %zu sampled positions\n",
           confirmations, len >> 20, plausible, len / 4099);
    CU_ASSERT(confirmations <= 3);
    CU_ASSERT(plausible <= 10); /* about 1e-4 of 16 thousand positions */
    /* The walk in step believes a header of any type whose sane size leads
     * to a plausible header (a type spice-protocol does not name, from a
     * newer server). Where bytes vanished, the header the walk reads is
     * random: how often does such a one pass? Every position of the 64 MiB
     * whose size leads inside them is tried. */
    size_t sane = 0, chained = 0, tried = 0;
    for (size_t i = 0; i + 6 <= len; i++) {
        uint32_t size;
        memcpy(&size, bytes + i + 2, 4); /* little-endian machine */
        if (size > SPICECAP_SANE_MESSAGE_SIZE)
            continue;
        sane++;
        if (i + 12 + (size_t)size > len)
            continue;
        tried++;
        chained += spicecap_mini_header_plausible(SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, bytes + i + 6 + size);
    }
    printf("  any-type headers chaining to a plausible one: %zu of %zu positions (%zu with a sane size, %zu whose "
           "size stays inside): %.2e per position\n",
           chained, len - 5, sane, tried, (double)chained / (double)(len - 5));
    CU_ASSERT((double)chained / (double)(len - 5) < 1e-5);
    free(bytes);
}

/* A plausible header at every other byte (draw_fill, a 19.8 MB size): the
 * candidates are bounded and every byte is looked at once, so 256 MiB of
 * it takes linear time (ctest's timeout catches anything quadratic).
 * Every other byte is as dense as plausible headers get: every named type
 * is under 512, so a header's second byte is 0 or 1 and the next offset's
 * type would be 0, 1, 256 or 257, of which only 1 (migrate) is named, and
 * after it (a type byte of 0) none is; a header at every byte cannot be. */
static void test_header_every_other_byte_is_linear(void)
{
    size_t len = (size_t)256 << 20;
    uint8_t *bytes = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    for (size_t i = 0; i < len; i += 2)
        bytes[i] = SPICE_MSG_DISPLAY_DRAW_FILL & 0xff, bytes[i + 1] = SPICE_MSG_DISPLAY_DRAW_FILL >> 8;
    CU_ASSERT(spicecap_mini_header_plausible(SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, bytes));
    spicecap_resync r;
    spicecap_resync_start(&r, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, 0);
    size_t at = 0;
    unsigned most = 0;
    while (at < len) {
        bool confirmed;
        spicecap_resync_found found;
        size_t chunk = len - at < 65536 ? len - at : 65536;
        at += spicecap_resync_scan(&r, bytes + at, chunk, 1, &confirmed, &found);
        if (r.count > most)
            most = r.count;
    }
    CU_ASSERT(most <= SPICECAP_RESYNC_CANDIDATES);
    free(bytes);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("walker_socket_reads_and_resync", NULL, NULL);
    CU_add_test(s, "socket reads of intact bytes are clean", test_socket_reads_are_clean);
    CU_add_test(s, "a lost read: every untouched message walked", test_gaps_in_socket_reads);
    CU_add_test(s, "vanished bytes: one desync, the rest found again", test_vanished_bytes);
    CU_add_test(s, "vanished bytes in bytes that last: walked as in copies", test_vanished_bytes_lasting);
    CU_add_test(s, "random bytes rarely confirm a boundary", test_random_bytes_rarely_confirm);
    CU_add_test(s, "a header at every other byte costs linear time", test_header_every_other_byte_is_linear);
    return spicecap_cunit_run();
}
