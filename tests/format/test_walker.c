/* CUnit suite of the shared SPICE stream walker (format/spice_walker.c).
 *
 * Every connection is built here byte by byte from spice-protocol's own
 * structures, and what the walker must find is written down beside it (the
 * messages' offsets, types and sizes; the stop reason), not taken from the
 * walker. Each connection is fed whole, one byte at a time, and split in
 * two at every point of each direction's stream; every feeding must give
 * the same report. A PDU loop in the plugin's manner (whole PDUs, lengths
 * from the stage rules) must find the same messages too. */
#include <CUnit/Basic.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice_walker.h"
#include "cunit_run.h"

/* ---- building streams ---- */

typedef struct stream {
    uint8_t data[8192];
    size_t len;
} stream;

static void put(stream *s, const void *p, size_t n)
{
    CU_ASSERT_FATAL(s->len + n <= sizeof s->data);
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

static void put32(stream *s, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(s, b, 4);
}

static void put16(stream *s, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(s, b, 2);
}

static void put_link_header(stream *s, uint32_t size)
{
    put32(s, SPICE_MAGIC);
    put32(s, SPICE_VERSION_MAJOR);
    put32(s, SPICE_VERSION_MINOR);
    put32(s, size);
}

/* A link PDU: its header, the message or reply, then its one word of
 * common caps (right after the structure, where caps_offset points). */
static void put_link_pdu(stream *s, const void *body, size_t size, uint32_t caps)
{
    put_link_header(s, (uint32_t)size + 4);
    put(s, body, size);
    put32(s, caps);
}

static void put_link_mess(stream *s, uint8_t channel, uint32_t caps)
{
    SpiceLinkMess m = {.channel_type = channel, .num_common_caps = 1, .caps_offset = sizeof m};
    put_link_pdu(s, &m, sizeof m, caps);
}

static void put_link_reply(stream *s, uint32_t error, uint32_t caps)
{
    SpiceLinkReply r = {.error = error, .num_common_caps = 1, .caps_offset = sizeof r};
    put_link_pdu(s, &r, sizeof r, caps);
}

static void put_ticket(stream *s)
{
    uint8_t t[SPICE_TICKET_KEY_PAIR_LENGTH / 8] = {0};
    memset(t, 0xA5, sizeof t);
    put(s, t, sizeof t);
}

static void put_body(stream *s, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(i * 7 + 3);
        put(s, &b, 1);
    }
}

static void put_mini(stream *s, uint16_t type, uint32_t size)
{
    put16(s, type);
    put32(s, size);
    put_body(s, size);
}

static void put_data(stream *s, uint64_t serial, uint16_t type, uint32_t size)
{
    put32(s, (uint32_t)serial);
    put32(s, (uint32_t)(serial >> 32));
    put16(s, type);
    put32(s, size);
    put32(s, 0);
    put_body(s, size);
}

#define CAP(c) (1u << (c))
#define MINI CAP(SPICE_COMMON_CAP_MINI_HEADER)
#define AUTH_SEL CAP(SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION)

/* ---- what the walker reports, as text to compare feedings ---- */

typedef struct report {
    char text[16384];
    size_t len;
    unsigned messages, findings, notes;
} report;

static void say(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
    va_end(ap);
    CU_ASSERT_FATAL(n >= 0 && (size_t)n < sizeof r->text - r->len);
    r->len += (size_t)n;
}

typedef struct side_report {
    report *r;
    char side;
} side_report;

static void on_message(void *ctx, const spicecap_walk_message *m)
{
    side_report *s = ctx;
    s->r->messages++;
    say(s->r, "%c msg @%llu type %u wire %llu hdr %s\n", s->side, (unsigned long long)m->offset, m->type,
        (unsigned long long)m->wire_size, m->body_only ? "none" : m->data_header ? "data" : "mini");
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    side_report *s = ctx;
    (void)tag; /* chunk numbers differ between feedings */
    s->r->findings++;
    say(s->r, "%c finding %d @%llu type %u extra %llu\n", s->side, (int)kind, (unsigned long long)m->offset, m->type,
        (unsigned long long)extra);
}

static void on_note(void *ctx, spicecap_walk_note kind, uint64_t offset)
{
    side_report *s = ctx;
    s->r->notes++;
    say(s->r, "%c note %d @%llu\n", s->side, (int)kind, (unsigned long long)offset);
}

/* ---- feeding ---- */

typedef struct connection_bytes {
    stream client, server;
    size_t client_link; /* the client's link PDU, fed first */
    size_t server_link; /* the server's link reply, fed next; then the client's rest, then the server's */
} connection_bytes;

/* Feed s[from, to) in chunks of step bytes, also cut at split. */
static void feed_range(spicecap_walker *w, const stream *s, size_t from, size_t to, size_t step, size_t split,
                       const spicecap_walk_sink *sink, uint64_t *tag)
{
    size_t at = from;
    while (at < to) {
        size_t end = step == 0 || to - at < step ? to : at + step;
        if (split > at && split < end)
            end = split;
        spicecap_walker_feed(w, s->data + at, end - at, (*tag)++, sink);
        at = end;
    }
}

/* In the order a real connection sends them: the client's link message,
 * the server's reply, the client's rest (auth mechanism, ticket,
 * messages), the server's rest (link result, messages). step 0 feeds each
 * part whole; split_client / split_server cut one more chunk. */
static void walk(const connection_bytes *c, spicecap_walk_mode mode, size_t step, size_t split_client,
                 size_t split_server, report *r, spicecap_link_state *link)
{
    spicecap_walker wc, ws;
    side_report sc = {r, 'C'}, ss = {r, 'S'};
    spicecap_walk_sink kc = {&sc, on_message, on_finding, on_note}, ks = {&ss, on_message, on_finding, on_note};
    uint64_t tag = 1;
    memset(r, 0, sizeof *r);
    if (mode == SPICECAP_WALK_REAL)
        spicecap_link_init_real(link);
    else
        spicecap_link_init_recorded(link, SPICE_CHANNEL_MAIN);
    spicecap_walker_init(&wc, link, SPICECAP_DIR_SENT, mode);
    spicecap_walker_init(&ws, link, SPICECAP_DIR_RECEIVED, mode);
    feed_range(&wc, &c->client, 0, c->client_link, step, split_client, &kc, &tag);
    feed_range(&ws, &c->server, 0, c->server_link, step, split_server, &ks, &tag);
    feed_range(&wc, &c->client, c->client_link, c->client.len, step, split_client, &kc, &tag);
    feed_range(&ws, &c->server, c->server_link, c->server.len, step, split_server, &ks, &tag);
    spicecap_walker_end(&wc, false, &kc);
    spicecap_walker_end(&ws, false, &ks);
    say(r, "stop C %d S %d\n", (int)link->stop[SPICECAP_DIR_SENT], (int)link->stop[SPICECAP_DIR_RECEIVED]);
}

/* True when a walk reported want; otherwise both texts go to stderr, headed
 * by what names the feeding, so that the differing line can be found. */
static bool report_matches(const report *r, const char *want, const char *what)
{
    if (strcmp(r->text, want) == 0)
        return true;
    fprintf(stderr, "%s walked:\n%swanted:\n%s", what, r->text, want);
    return false;
}

/* One more chunk cut at every point of one side's stream (the client's
 * when client, else the server's): true when every such feeding gives the
 * whole feeding's report; it stops at the first that does not. */
static bool every_split_keeps_report(const connection_bytes *c, bool client, const report *whole)
{
    static report other; /* 16 KiB: kept off the stack */
    spicecap_link_state other_link;
    size_t len = client ? c->client.len : c->server.len;
    for (size_t k = 1; k < len; k++) {
        walk(c, SPICECAP_WALK_REAL, 0, client ? k : 0, client ? 0 : k, &other, &other_link);
        char what[64];
        snprintf(what, sizeof what, "%s split at %zu", client ? "client" : "server", k);
        if (!report_matches(&other, whole->text, what))
            return false;
    }
    return true;
}

/* Every feeding gives the whole feeding's report; returns that report. */
static void walk_every_way(const connection_bytes *c, report *whole, spicecap_link_state *link)
{
    static report other;
    spicecap_link_state other_link;
    walk(c, SPICECAP_WALK_REAL, 0, 0, 0, whole, link);
    walk(c, SPICECAP_WALK_REAL, 1, 0, 0, &other, &other_link);
    CU_ASSERT_STRING_EQUAL(other.text, whole->text);
    if (!every_split_keeps_report(c, true, whole)) {
        CU_FAIL("a client split changed the report");
        return;
    }
    if (!every_split_keeps_report(c, false, whole))
        CU_FAIL("a server split changed the report");
}

/* ---- real connections ---- */

static void build_link(connection_bytes *c, uint32_t client_caps, uint32_t server_caps, uint32_t reply_error)
{
    memset(c, 0, sizeof *c);
    put_link_mess(&c->client, SPICE_CHANNEL_MAIN, client_caps);
    c->client_link = c->client.len;
    put_link_reply(&c->server, reply_error, server_caps);
    c->server_link = c->server.len;
}

/* A connection the walker must not frame: no message, no finding. */
static void assert_nothing_walked(const report *r)
{
    CU_ASSERT_EQUAL(r->messages, 0);
    CU_ASSERT_EQUAL(r->findings, 0);
}

/* A refused link: nothing framed, and both directions stop for it. */
static void assert_refused_both(const report *r, const spicecap_link_state *link)
{
    assert_nothing_walked(r);
    CU_ASSERT_EQUAL(link->stop[SPICECAP_DIR_SENT], SPICECAP_STOP_REFUSED);
    CU_ASSERT_EQUAL(link->stop[SPICECAP_DIR_RECEIVED], SPICECAP_STOP_REFUSED);
}

static void test_real_mini_with_auth_selection(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    build_link(&c, MINI | AUTH_SEL, MINI | AUTH_SEL, SPICE_LINK_ERR_OK);
    put32(&c.client, SPICE_COMMON_CAP_AUTH_SPICE);
    put_ticket(&c.client);
    size_t c0 = c.client.len;
    put_mini(&c.client, SPICE_MSGC_ACK_SYNC, 4);
    put_mini(&c.client, SPICE_MSGC_PONG, 12);
    put_mini(&c.client, SPICE_MSGC_MAIN_ATTACH_CHANNELS, 0);
    put32(&c.server, SPICE_LINK_ERR_OK);
    size_t s0 = c.server.len;
    put_mini(&c.server, SPICE_MSG_MAIN_INIT, 32);
    put_mini(&c.server, SPICE_MSG_PING, 12);
    walk_every_way(&c, &r, &link);
    char want[1024];
    snprintf(want, sizeof want,
             "C msg @%zu type %u wire 10 hdr mini\nC msg @%zu type %u wire 18 hdr mini\n"
             "C msg @%zu type %u wire 6 hdr mini\n"
             "S msg @%zu type %u wire 38 hdr mini\nS msg @%zu type %u wire 18 hdr mini\nstop C 0 S 0\n",
             c0, SPICE_MSGC_ACK_SYNC, c0 + 10, SPICE_MSGC_PONG, c0 + 28, SPICE_MSGC_MAIN_ATTACH_CHANNELS, s0,
             SPICE_MSG_MAIN_INIT, s0 + 38, SPICE_MSG_PING);
    CU_ASSERT_STRING_EQUAL(r.text, want);
    CU_ASSERT_EQUAL(link.channel, SPICE_CHANNEL_MAIN);
}

static void test_real_data_header_without_auth_selection(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    /* The server offers the mini header, the client does not: data headers
     * both ways; no auth selection on the server: the ticket comes at once. */
    build_link(&c, AUTH_SEL, MINI, SPICE_LINK_ERR_OK);
    put_ticket(&c.client);
    size_t c0 = c.client.len;
    put_data(&c.client, 1, SPICE_MSGC_ACK_SYNC, 4);
    put32(&c.server, SPICE_LINK_ERR_OK);
    size_t s0 = c.server.len;
    put_data(&c.server, 1, SPICE_MSG_MAIN_INIT, 32);
    put_data(&c.server, 2, SPICE_MSG_PING, 0);
    walk_every_way(&c, &r, &link);
    char want[1024];
    snprintf(want, sizeof want,
             "C msg @%zu type %u wire 22 hdr data\n"
             "S msg @%zu type %u wire 50 hdr data\nS msg @%zu type %u wire 18 hdr data\nstop C 0 S 0\n",
             c0, SPICE_MSGC_ACK_SYNC, s0, SPICE_MSG_MAIN_INIT, s0 + 50, SPICE_MSG_PING);
    CU_ASSERT_STRING_EQUAL(r.text, want);
}

static void test_real_sasl_stops_both(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    build_link(&c, MINI | AUTH_SEL, MINI | AUTH_SEL, SPICE_LINK_ERR_OK);
    put32(&c.client, SPICE_COMMON_CAP_AUTH_SASL);
    put(&c.client, "\x00\x00\x00\x05PLAIN", 9); /* SASL's own bytes, not SPICE headers */
    put_body(&c.server, 40);
    walk_every_way(&c, &r, &link);
    /* Each direction stops where its next PDU would start: the client
     * after its auth mechanism, the server after its reply. */
    char want[256];
    snprintf(want, sizeof want, "C note %d @%zu\nS note %d @%zu\nstop C %d S %d\n", SPICECAP_NOTE_STOPPED,
             c.client_link + 4, SPICECAP_NOTE_STOPPED, c.server_link, SPICECAP_STOP_SASL, SPICECAP_STOP_SASL);
    CU_ASSERT_STRING_EQUAL(r.text, want);
    assert_nothing_walked(&r);
}

static void test_real_refused_reply_stops_both(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    build_link(&c, MINI, MINI, SPICE_LINK_ERR_PERMISSION_DENIED);
    put_body(&c.server, 10);  /* nothing after a refusal is framed */
    put_body(&c.client, 200);
    walk_every_way(&c, &r, &link);
    assert_refused_both(&r, &link);
}

static void test_real_refused_result_stops_both(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    build_link(&c, MINI, MINI, SPICE_LINK_ERR_OK);
    put_ticket(&c.client);
    put32(&c.server, SPICE_LINK_ERR_PERMISSION_DENIED);
    put_mini(&c.server, SPICE_MSG_PING, 100); /* would be a message, were the link not refused */
    walk_every_way(&c, &r, &link);
    assert_refused_both(&r, &link);
}

static void test_real_insane_size_loses_framing(void)
{
    connection_bytes c;
    report r;
    spicecap_link_state link;
    build_link(&c, MINI, MINI, SPICE_LINK_ERR_OK);
    put_ticket(&c.client);
    size_t c0 = c.client.len;
    put16(&c.client, SPICE_MSGC_ACK_SYNC);
    put32(&c.client, SPICECAP_SANE_MESSAGE_SIZE + 1);
    put_body(&c.client, 30);
    put32(&c.server, SPICE_LINK_ERR_OK);
    walk_every_way(&c, &r, &link);
    char want[256];
    snprintf(want, sizeof want, "C finding %d @%zu type %u extra %u\nC note %d @%zu\nstop C %d S 0\n",
             SPICECAP_WALK_BAD_HEADER, c0, SPICE_MSGC_ACK_SYNC, SPICECAP_SANE_MESSAGE_SIZE + 1,
             SPICECAP_NOTE_FRAMING_LOST, c0, SPICECAP_STOP_INSANE_SIZE);
    CU_ASSERT_STRING_EQUAL(r.text, want);
}

static void test_real_starts(void)
{
    const uint8_t tls[] = {SPICECAP_TLS_HANDSHAKE, 3, 1, 0, 5};
    const uint8_t other[] = {'R', 'F', 'B', ' ', '0'};
    const uint8_t redq[] = {'R', 'E', 'D', 'Q'};
    CU_ASSERT_EQUAL(spicecap_stream_classify(tls, sizeof tls), SPICECAP_START_TLS);
    CU_ASSERT_EQUAL(spicecap_stream_classify(other, sizeof other), SPICECAP_START_OTHER);
    CU_ASSERT_EQUAL(spicecap_stream_classify(redq, sizeof redq), SPICECAP_START_LINK);
    CU_ASSERT_EQUAL(spicecap_stream_classify(redq, 3), SPICECAP_START_UNKNOWN);
    spicecap_link_state link;
    spicecap_walker w;
    spicecap_link_init_real(&link);
    spicecap_walker_init(&w, &link, SPICECAP_DIR_RECEIVED, SPICECAP_WALK_REAL);
    spicecap_walker_feed(&w, tls, sizeof tls, 1, NULL);
    CU_ASSERT_TRUE(spicecap_walker_stopped(&w));
    CU_ASSERT_EQUAL(spicecap_walker_stop_reason(&w), SPICECAP_STOP_TLS);
    spicecap_walker_init(&w, &link, SPICECAP_DIR_SENT, SPICECAP_WALK_REAL);
    spicecap_walker_feed(&w, other, sizeof other, 1, NULL);
    CU_ASSERT_EQUAL(spicecap_walker_stop_reason(&w), SPICECAP_STOP_MID_STREAM);
}

/* The plugin's manner: whole PDUs, each stage taken at the PDU's start,
 * its length from the stage rules. Must find what the walker finds. */
static unsigned pdu_loop(spicecap_link_state *link, spicecap_direction d, const stream *s, size_t from, size_t *at,
                         uint16_t *types)
{
    unsigned n = 0;
    *at = from;
    while (*at < s->len) {
        spicecap_stage st = spicecap_link_next_stage(link, d);
        if (st == SPICECAP_STAGE_UNFRAMEABLE)
            break;
        uint64_t len = spicecap_stage_pdu_len(st, s->data + *at);
        if (st == SPICECAP_STAGE_MINI || st == SPICECAP_STAGE_DATA)
            types[n++] = spicecap_header_type(st, s->data + *at);
        spicecap_link_pdu_done(link, d, st, s->data + *at, (size_t)len);
        *at += (size_t)len;
        if (st == SPICECAP_STAGE_LINK)
            break; /* the other side's link PDU comes next */
    }
    return n;
}

static void test_pdu_rules_agree_with_walker(void)
{
    connection_bytes c;
    spicecap_link_state link;
    uint16_t types[16];
    size_t at;
    build_link(&c, MINI | AUTH_SEL, MINI | AUTH_SEL, SPICE_LINK_ERR_OK);
    put32(&c.client, SPICE_COMMON_CAP_AUTH_SPICE);
    put_ticket(&c.client);
    put_mini(&c.client, SPICE_MSGC_ACK_SYNC, 4);
    put_mini(&c.client, SPICE_MSGC_PONG, 12);
    put32(&c.server, SPICE_LINK_ERR_OK);
    put_mini(&c.server, SPICE_MSG_MAIN_INIT, 32);
    spicecap_link_init_real(&link);
    CU_ASSERT_EQUAL(pdu_loop(&link, SPICECAP_DIR_SENT, &c.client, 0, &at, types), 0);
    CU_ASSERT_EQUAL(at, c.client_link);
    CU_ASSERT_EQUAL(pdu_loop(&link, SPICECAP_DIR_RECEIVED, &c.server, 0, &at, types), 0);
    CU_ASSERT_EQUAL(pdu_loop(&link, SPICECAP_DIR_RECEIVED, &c.server, at, &at, types), 1);
    CU_ASSERT_EQUAL(types[0], SPICE_MSG_MAIN_INIT);
    CU_ASSERT_EQUAL(at, c.server.len);
    CU_ASSERT_EQUAL(pdu_loop(&link, SPICECAP_DIR_SENT, &c.client, c.client_link, &at, types), 2);
    CU_ASSERT_EQUAL(types[0], SPICE_MSGC_ACK_SYNC);
    CU_ASSERT_EQUAL(types[1], SPICE_MSGC_PONG);
    CU_ASSERT_EQUAL(at, c.client.len);
}

static void test_stage_rules(void)
{
    uint8_t head[SPICECAP_LINK_HEADER_LEN];
    stream s = {.len = 0};
    put_link_header(&s, 30);
    memcpy(head, s.data, sizeof head);
    CU_ASSERT_EQUAL(spicecap_stage_pdu_len(SPICECAP_STAGE_LINK, head), SPICECAP_LINK_HEADER_LEN + 30);
    s.len = 0;
    put_link_header(&s, SPICECAP_LINK_BODY_MAX + 1); /* not believed: the header alone */
    CU_ASSERT_EQUAL(spicecap_stage_pdu_len(SPICECAP_STAGE_LINK, s.data), SPICECAP_LINK_HEADER_LEN);
    s.len = 0;
    put16(&s, 1);
    put32(&s, SPICECAP_SANE_MESSAGE_SIZE);
    CU_ASSERT_EQUAL(spicecap_stage_pdu_len(SPICECAP_STAGE_MINI, s.data), 6 + (uint64_t)SPICECAP_SANE_MESSAGE_SIZE);
    s.len = 0;
    put16(&s, 1);
    put32(&s, SPICECAP_SANE_MESSAGE_SIZE + 1);
    CU_ASSERT_EQUAL(spicecap_stage_pdu_len(SPICECAP_STAGE_MINI, s.data), 6);
    CU_ASSERT_EQUAL(spicecap_stage_fixed_len(SPICECAP_STAGE_TICKET), sizeof(SpiceLinkEncryptedTicket));
    CU_ASSERT_EQUAL(spicecap_stage_fixed_len(SPICECAP_STAGE_AUTH_MECHANISM), sizeof(SpiceLinkAuthMechanism));
}

/* ---- recorded flows (ryll's ring convention) ---- */

typedef struct recorded_run {
    report r;
    spicecap_link_state link;
    spicecap_walker w;
    side_report side;
    spicecap_walk_sink sink;
} recorded_run;

static void recorded_begin_on(recorded_run *run, uint8_t channel)
{
    memset(run, 0, sizeof *run);
    run->side = (side_report){&run->r, 'S'};
    run->sink = (spicecap_walk_sink){&run->side, on_message, on_finding, on_note};
    spicecap_link_init_recorded(&run->link, channel);
    spicecap_walker_init(&run->w, &run->link, SPICECAP_DIR_RECEIVED, SPICECAP_WALK_RECORDED);
}

static void recorded_begin(recorded_run *run)
{
    recorded_begin_on(run, SPICE_CHANNEL_DISPLAY);
}

/* A message of wire bytes in chunks of 65495 bytes but its last. */
static void recorded_message(recorded_run *run, uint16_t type, uint32_t wire, uint64_t *tag)
{
    static uint8_t buf[200000];
    CU_ASSERT_FATAL(wire <= sizeof buf && wire >= 6);
    memset(buf, 0x5A, wire);
    buf[0] = (uint8_t)type, buf[1] = (uint8_t)(type >> 8);
    uint32_t body = wire - 6;
    memcpy(buf + 2, &body, 4); /* little-endian machine: the layout as written */
    for (uint32_t at = 0; at < wire; at += SPICECAP_MAX_SEGMENT_PAYLOAD) {
        uint32_t n = wire - at < SPICECAP_MAX_SEGMENT_PAYLOAD ? wire - at : SPICECAP_MAX_SEGMENT_PAYLOAD;
        spicecap_walker_feed(&run->w, buf + at, n, (*tag)++, &run->sink);
    }
}

/* Feeds s's bytes up to each cut in turn, one chunk a cut, each chunk with
 * the next tag. A cut where the last one was gives no chunk (the walker is
 * never fed zero bytes) but still uses its tag up, so every feeding of a
 * split loop numbers its chunks alike. */
static void recorded_feed_cuts(recorded_run *run, const stream *s, const size_t *cuts, size_t ncuts, uint64_t *tag)
{
    size_t at = 0;
    for (size_t i = 0; i < ncuts; i++) {
        uint64_t chunk_tag = (*tag)++;
        if (cuts[i] > at)
            spicecap_walker_feed(&run->w, s->data + at, cuts[i] - at, chunk_tag, &run->sink);
        at = cuts[i];
    }
}

/* Ends the run's stream (file_truncated as spicecap_walker_end takes it):
 * true when the run reported want (both printed otherwise, see
 * report_matches); frees what the walker holds either way. */
static bool recorded_end_matches(recorded_run *run, bool file_truncated, const char *want, const char *what)
{
    spicecap_walker_end(&run->w, file_truncated, &run->sink);
    bool same = report_matches(&run->r, want, what);
    spicecap_walker_clear(&run->w);
    return same;
}

/* A display flow's server side given s in the chunks that cuts end, then
 * ended: true when it reported want. No assertion of its own: a split loop
 * fails once, with its own message, at the first feeding that differs. */
static bool walk_expect(const stream *s, const size_t *cuts, size_t ncuts, const char *want, const char *what)
{
    recorded_run run;
    uint64_t tag = 1;
    recorded_begin(&run);
    recorded_feed_cuts(&run, s, cuts, ncuts, &tag);
    return recorded_end_matches(&run, false, want, what);
}

/* Socket reads of s: the first ends one byte into the header at first
 * (the messages before it made the layout known), the rest is cut once
 * more at every point after that. True when every feeding reported want;
 * it stops at the first that did not. */
static bool walk_expect_every_split(const stream *s, size_t first, const char *want)
{
    for (size_t split = first + 1; split < s->len; split++) {
        const size_t cuts[] = {first + 1, split, s->len};
        char what[48];
        snprintf(what, sizeof what, "split at %zu", split);
        if (!walk_expect(s, cuts, sizeof cuts / sizeof cuts[0], want, what))
            return false;
    }
    return true;
}

static void test_recorded_messages_and_lies(void)
{
    recorded_run run;
    uint64_t tag = 1;
    recorded_begin(&run);
    recorded_message(&run, SPICE_MSG_DISPLAY_DRAW_COPY, 150000, &tag);
    recorded_message(&run, SPICE_MSG_DISPLAY_MARK, 6, &tag);
    /* A chunk with a header that says 100 bytes but holds 120: SIZE_LONG. */
    uint8_t lie[120] = {SPICE_MSG_DISPLAY_MARK & 0xff, SPICE_MSG_DISPLAY_MARK >> 8, 94, 0, 0, 0};
    spicecap_walker_feed(&run.w, lie, sizeof lie, tag++, &run.sink);
    /* A header that says 1000 bytes but whose chunk holds 50, then a new
     * message starts: SIZE_SHORT, and the new message is walked. */
    uint8_t shortm[50] = {SPICE_MSG_DISPLAY_MARK & 0xff, SPICE_MSG_DISPLAY_MARK >> 8, 0xE2, 0x03, 0, 0};
    spicecap_walker_feed(&run.w, shortm, sizeof shortm, tag++, &run.sink);
    recorded_message(&run, SPICE_MSG_DISPLAY_MARK, 6, &tag);
    char want[1024];
    snprintf(want, sizeof want,
             "S msg @0 type %u wire 150000 hdr mini\nS msg @150000 type %u wire 6 hdr mini\n"
             "S msg @150006 type %u wire 100 hdr mini\nS finding %d @150006 type %u extra 20\n"
             "S finding %d @150126 type %u extra 20\n"
             "S finding %d @150126 type %u extra 50\nS msg @150176 type %u wire 6 hdr mini\n",
             SPICE_MSG_DISPLAY_DRAW_COPY, SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_MARK, SPICECAP_WALK_SIZE_LONG,
             SPICE_MSG_DISPLAY_MARK, SPICECAP_WALK_RESYNC, SPICE_MSG_DISPLAY_MARK, SPICECAP_WALK_SIZE_SHORT,
             SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_MARK);
    CU_ASSERT(recorded_end_matches(&run, false, want, "messages and lies"));
}

static void test_recorded_gap_and_resync(void)
{
    recorded_run run;
    uint64_t tag = 1;
    recorded_begin(&run);
    static uint8_t big[150000];
    memset(big, 0, sizeof big);
    big[0] = SPICE_MSG_DISPLAY_DRAW_COPY & 0xff, big[1] = SPICE_MSG_DISPLAY_DRAW_COPY >> 8;
    uint32_t body = sizeof big - 6;
    memcpy(big + 2, &body, 4);
    spicecap_walker_feed(&run.w, big, SPICECAP_MAX_SEGMENT_PAYLOAD, tag++, &run.sink);
    const spicecap_walk_message *cut = spicecap_walker_gap(&run.w, SPICECAP_MAX_SEGMENT_PAYLOAD, &run.sink);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
    CU_ASSERT_EQUAL(cut->type, SPICE_MSG_DISPLAY_DRAW_COPY);
    CU_ASSERT_EQUAL(cut->offset, 0);
    CU_ASSERT_EQUAL(cut->wire_size, sizeof big);
    /* After the gap a chunk start is believed only with a known type: the
     * draw_copy's last chunk (zeros: type 0) is not, the mark after it is. */
    spicecap_walker_feed(&run.w, big + 2 * SPICECAP_MAX_SEGMENT_PAYLOAD, sizeof big - 2 * SPICECAP_MAX_SEGMENT_PAYLOAD,
                         tag++, &run.sink);
    recorded_message(&run, SPICE_MSG_DISPLAY_MARK, 6, &tag);
    /* A message cut by the end of the stream. */
    spicecap_walker_feed(&run.w, big, 1000, tag++, &run.sink);
    char want[512];
    snprintf(want, sizeof want,
             "S finding %d @0 type %u extra %u\nS msg @150000 type %u wire 6 hdr mini\n"
             "S finding %d @150006 type %u extra %u\n",
             SPICECAP_WALK_CUT, SPICE_MSG_DISPLAY_DRAW_COPY, SPICECAP_MAX_SEGMENT_PAYLOAD, SPICE_MSG_DISPLAY_MARK,
             SPICECAP_WALK_TRUNCATED, SPICE_MSG_DISPLAY_DRAW_COPY, 150000 - 1000);
    CU_ASSERT(recorded_end_matches(&run, false, want, "gap and resync"));
}

static void test_recorded_insane_header_resyncs_at_next_chunk(void)
{
    recorded_run run;
    uint64_t tag = 1;
    recorded_begin(&run);
    uint8_t bad[40] = {SPICE_MSG_DISPLAY_MARK & 0xff, SPICE_MSG_DISPLAY_MARK >> 8, 0xff, 0xff, 0xff, 0xf0};
    spicecap_walker_feed(&run.w, bad, sizeof bad, tag++, &run.sink);
    recorded_message(&run, SPICE_MSG_DISPLAY_MARK, 6, &tag);
    char want[512];
    snprintf(want, sizeof want,
             "S finding %d @0 type %u extra %u\nS finding %d @40 type %u extra 40\nS msg @40 type %u wire 6 hdr mini\n",
             SPICECAP_WALK_BAD_HEADER, SPICE_MSG_DISPLAY_MARK, 0xf0ffffffu, SPICECAP_WALK_RESYNC, SPICE_MSG_DISPLAY_MARK,
             SPICE_MSG_DISPLAY_MARK);
    CU_ASSERT(recorded_end_matches(&run, true, want, "insane header"));
}


/* ---- ryll's playback ring: bodies without their header ---- */

/* What ryll's playback.rs gives its ring: each message's body, no header.
 * set_ack's body (generation 1, window 20), start's (2 channels, s16,
 * 48000 Hz, time), then data bodies (time, samples). */
static size_t playback_bodies(stream *s, size_t *ends, unsigned data_frames)
{
    size_t n = 0;
    put32(s, 1), put32(s, 20);
    ends[n++] = s->len;
    put32(s, 2), put16(s, SPICE_AUDIO_FMT_S16), put32(s, 48000), put32(s, 0x00123456);
    ends[n++] = s->len;
    for (unsigned i = 0; i < data_frames; i++) {
        put32(s, 0x00123456 + 20 * i);
        put_body(s, 96);
        ends[n++] = s->len;
    }
    return n;
}

static void test_playback_bodies_without_header(void)
{
    static stream s;
    size_t ends[16];
    memset(&s, 0, sizeof s);
    size_t bodies = playback_bodies(&s, ends, 4);
    recorded_run run;
    recorded_begin_on(&run, SPICE_CHANNEL_PLAYBACK);
    uint64_t tag = 1;
    recorded_feed_cuts(&run, &s, ends, bodies, &tag);
    /* A body of 65495 + 422 bytes: its full segment over the snaplen is
     * not in the file, its last 422 bytes are: the rest of a cut body. */
    CU_ASSERT_PTR_NULL(spicecap_walker_gap(&run.w, SPICECAP_MAX_SEGMENT_PAYLOAD, &run.sink));
    spicecap_walker_feed(&run.w, s.data, s.len, tag++, &run.sink); /* (its bytes: any will do) */
    /* A body of 65490 bytes, one record over the snaplen, lost whole: the
     * next record is a body again. */
    spicecap_walker_gap(&run.w, 65490, &run.sink);
    spicecap_walker_feed(&run.w, s.data + ends[1], ends[2] - ends[1], tag++, &run.sink);
    char want[1024];
    uint64_t after = s.len + SPICECAP_MAX_SEGMENT_PAYLOAD + s.len + 65490;
    snprintf(want, sizeof want,
             "S finding %d @0 type 0 extra 0\nS msg @0 type 0 wire 8 hdr none\nS msg @8 type 0 wire 14 hdr none\n"
             "S msg @22 type 0 wire 100 hdr none\nS msg @122 type 0 wire 100 hdr none\n"
             "S msg @222 type 0 wire 100 hdr none\nS msg @322 type 0 wire 100 hdr none\n"
             "S msg @%llu type 0 wire 100 hdr none\n",
             SPICECAP_WALK_HEADERLESS, (unsigned long long)after);
    CU_ASSERT(recorded_end_matches(&run, false, want, "playback bodies"));
}

/* The same channel with its headers (a ring whose records start with
 * them, and socket reads): walked as messages, with today's checks. */
static void test_playback_with_headers_is_walked(void)
{
    static stream s;
    memset(&s, 0, sizeof s);
    put_mini(&s, SPICE_MSG_SET_ACK, 8);
    put_mini(&s, SPICE_MSG_PLAYBACK_START, 14);
    put_mini(&s, SPICE_MSG_PLAYBACK_DATA, 100);
    put_mini(&s, SPICE_MSG_PLAYBACK_DATA, 100);
    size_t ends[4] = {14, 34, 140, 246};
    /* A ring: one message a record, then a gap that takes a header. */
    recorded_run run;
    recorded_begin_on(&run, SPICE_CHANNEL_PLAYBACK);
    uint64_t tag = 1;
    recorded_feed_cuts(&run, &s, ends, 4, &tag);
    spicecap_walker_gap(&run.w, SPICECAP_MAX_SEGMENT_PAYLOAD, &run.sink);
    spicecap_walker_feed(&run.w, s.data + 50, 60, tag++, &run.sink); /* the rest of the cut message */
    spicecap_walker_feed(&run.w, s.data + 140, 106, tag++, &run.sink);
    char want[1024];
    uint64_t resume = 246 + SPICECAP_MAX_SEGMENT_PAYLOAD + 60;
    snprintf(want, sizeof want,
             "S msg @0 type %u wire 14 hdr mini\nS msg @14 type %u wire 20 hdr mini\n"
             "S msg @34 type %u wire 106 hdr mini\nS msg @140 type %u wire 106 hdr mini\n"
             "S finding %d @%llu type %u extra 60\nS msg @%llu type %u wire 106 hdr mini\n",
             SPICE_MSG_SET_ACK, SPICE_MSG_PLAYBACK_START, SPICE_MSG_PLAYBACK_DATA, SPICE_MSG_PLAYBACK_DATA,
             SPICECAP_WALK_RESYNC, (unsigned long long)resume, SPICE_MSG_PLAYBACK_DATA, (unsigned long long)resume,
             SPICE_MSG_PLAYBACK_DATA);
    CU_ASSERT(recorded_end_matches(&run, false, want, "ring"));
    /* Socket reads: the first read holds two messages and the start of a third. */
    recorded_begin_on(&run, SPICE_CHANNEL_PLAYBACK);
    const size_t reads[] = {100, s.len};
    tag = 1;
    recorded_feed_cuts(&run, &s, reads, 2, &tag);
    spicecap_walker_end(&run.w, false, &run.sink);
    CU_ASSERT_EQUAL(run.r.messages, 4);
    CU_ASSERT_EQUAL(run.r.findings, 0);
    CU_ASSERT_EQUAL(spicecap_walker_layout(&run.w), SPICECAP_LAYOUT_READS);
    spicecap_walker_clear(&run.w);
}

/* ---- a type spice-protocol does not name ---- */

#define UNNAMED_TYPE 399u /* no display message has it */

/* Empties s and opens it with two marks: fed in the first read, they make
 * the walker know the flow is socket reads. Returns where the next message
 * starts. */
static size_t start_after_two_marks(stream *s)
{
    memset(s, 0, sizeof *s);
    put_mini(s, SPICE_MSG_DISPLAY_MARK, 0);
    put_mini(s, SPICE_MSG_DISPLAY_MARK, 0);
    return s->len;
}

/* Socket reads of a display flow: two marks in the first read (the layout
 * is then known), a message of type 399, a draw_fill, a mark. Fed with the
 * rest cut at every point: the 399 is a message whose type is noted,
 * whether the header after it is in its read or comes later. */
static void test_unknown_type_in_socket_reads(void)
{
    static stream s;
    size_t first = start_after_two_marks(&s);
    put_mini(&s, UNNAMED_TYPE, 20);
    put_mini(&s, SPICE_MSG_DISPLAY_DRAW_FILL, 40);
    put_mini(&s, SPICE_MSG_DISPLAY_MARK, 0);
    char want[1024];
    snprintf(want, sizeof want,
             "S msg @0 type %u wire 6 hdr mini\nS msg @6 type %u wire 6 hdr mini\n"
             "S finding %d @12 type %u extra 20\nS msg @12 type %u wire 26 hdr mini\n"
             "S msg @38 type %u wire 46 hdr mini\nS msg @84 type %u wire 6 hdr mini\n",
             SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_MARK, SPICECAP_WALK_UNKNOWN_TYPE, UNNAMED_TYPE, UNNAMED_TYPE,
             SPICE_MSG_DISPLAY_DRAW_FILL, SPICE_MSG_DISPLAY_MARK);
    if (!walk_expect_every_split(&s, first, want))
        CU_FAIL("an unknown type is not a message at every split");
}

/* Two messages of unnamed types in a row, the first waiting for the second
 * (its header in the next read), whose own size leads to a named header in
 * that read: both are messages. */
static void test_two_unknown_types_in_a_row(void)
{
    static stream s;
    size_t first = start_after_two_marks(&s);
    put_mini(&s, UNNAMED_TYPE, 20);
    size_t second = s.len;
    put_mini(&s, UNNAMED_TYPE - 1, 10);
    put_mini(&s, SPICE_MSG_DISPLAY_MARK, 0);
    char want[1024];
    snprintf(want, sizeof want,
             "S msg @0 type %u wire 6 hdr mini\nS msg @6 type %u wire 6 hdr mini\n"
             "S finding %d @12 type %u extra 20\nS msg @12 type %u wire 26 hdr mini\n"
             "S finding %d @38 type %u extra 10\nS msg @38 type %u wire 16 hdr mini\n"
             "S msg @54 type %u wire 6 hdr mini\n",
             SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_MARK, SPICECAP_WALK_UNKNOWN_TYPE, UNNAMED_TYPE, UNNAMED_TYPE,
             SPICECAP_WALK_UNKNOWN_TYPE, UNNAMED_TYPE - 1, UNNAMED_TYPE - 1, SPICE_MSG_DISPLAY_MARK);
    /* The first read ends one byte into the first unnamed header, the
     * second at the second's header: the first waits for it. */
    const size_t cuts[] = {first + 1, second, s.len};
    CU_ASSERT(walk_expect(&s, cuts, sizeof cuts / sizeof cuts[0], want, "two unknown types"));
}

/* Bytes vanished inside a draw_fill (a dropped read): its size leads into
 * the next draw_fill, to bytes that read as a header of type 400 with a
 * sane size, whose size leads to bytes that cannot be a header. That is a
 * desync at the type-400 header, as before unknown types were believed,
 * whether its size is checked in its read or at the next one; the search
 * back finds the draw_fill the vanished bytes hid. */
static void test_unknown_type_that_does_not_chain_is_a_desync(void)
{
    static stream s;
    size_t first = start_after_two_marks(&s);
    put16(&s, SPICE_MSG_DISPLAY_DRAW_FILL), put32(&s, 40); /* B: says 40 */
    put_body(&s, 30);                                          /* 10 bytes of it vanished */
    size_t e = s.len;                                          /* E: a draw_fill of 60 */
    put16(&s, SPICE_MSG_DISPLAY_DRAW_FILL), put32(&s, 60);
    uint8_t body[60];
    memset(body, 0x11, sizeof body);
    /* B's size ends at e + 10, E's body byte 4: type 400, size 20, then at
     * E's body byte 30 (10 + 26 - 6) six bytes that cannot be a header. */
    body[4] = 400 & 0xff, body[5] = 400 >> 8, body[6] = 20, body[7] = 0, body[8] = 0, body[9] = 0;
    memset(body + 30, 0xff, 6);
    put(&s, body, sizeof body);
    size_t f = s.len;
    put_mini(&s, SPICE_MSG_DISPLAY_MARK, 0);
    put_mini(&s, SPICE_MSG_DISPLAY_MARK, 0);
    char want[1024];
    snprintf(want, sizeof want,
             "S msg @0 type %u wire 6 hdr mini\nS msg @6 type %u wire 6 hdr mini\n"
             "S msg @12 type %u wire 46 hdr mini\nS finding %d @12 type %u extra 0\n"
             "S finding %d @%zu type 400 extra 20\nS finding %d @%zu type %u extra 30\n"
             "S msg @%zu type %u wire 66 hdr mini\nS msg @%zu type %u wire 6 hdr mini\n"
             "S msg @%zu type %u wire 6 hdr mini\n",
             SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_MARK, SPICE_MSG_DISPLAY_DRAW_FILL, SPICECAP_WALK_SUSPECT,
             SPICE_MSG_DISPLAY_DRAW_FILL, SPICECAP_WALK_DESYNC, e + 10, SPICECAP_WALK_RESYNC, e,
             SPICE_MSG_DISPLAY_DRAW_FILL, e, SPICE_MSG_DISPLAY_DRAW_FILL, f, SPICE_MSG_DISPLAY_MARK, f + 6,
             SPICE_MSG_DISPLAY_MARK);
    if (!walk_expect_every_split(&s, first, want))
        CU_FAIL("a type-400 header that does not chain is not the same desync at every split");
}

/* Registration as data: each suite's tests, in the order they run. */
static CU_TestInfo real_connection_tests[] = {
    {"mini header, auth selection, every split", test_real_mini_with_auth_selection},
    {"data header, no auth selection, every split", test_real_data_header_without_auth_selection},
    {"SASL stops both directions", test_real_sasl_stops_both},
    {"a refused link reply stops both", test_real_refused_reply_stops_both},
    {"a refused link result stops both", test_real_refused_result_stops_both},
    {"a size past the bound loses the framing", test_real_insane_size_loses_framing},
    {"TLS, mid-stream and link starts", test_real_starts},
    {"the PDU rules agree with the walker", test_pdu_rules_agree_with_walker},
    {"stage rules", test_stage_rules},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo recorded_flow_tests[] = {
    {"messages, a long and a short lie", test_recorded_messages_and_lies},
    {"a gap cuts a message; resync on a known type", test_recorded_gap_and_resync},
    {"an insane header: resync at the next chunk", test_recorded_insane_header_resyncs_at_next_chunk},
    {"playback bodies without their header", test_playback_bodies_without_header},
    {"playback with its headers is walked as before", test_playback_with_headers_is_walked},
    {"an unknown type in socket reads, every split", test_unknown_type_in_socket_reads},
    {"an unknown type that does not chain: the same desync", test_unknown_type_that_does_not_chain_is_a_desync},
    {"two unknown types in a row", test_two_unknown_types_in_a_row},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {.pName = "walker_real_connections", .pTests = real_connection_tests},
    {.pName = "walker_recorded_flows", .pTests = recorded_flow_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    if (CU_register_suites(suites) != CUE_SUCCESS) {
        CU_cleanup_registry();
        return 2;
    }
    return spicecap_cunit_run();
}
