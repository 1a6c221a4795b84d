/* Loading a recording (recording.h): each file's records through the
 * validator's reader (every record whole, pcap or pcapng, plain, gzip or in
 * a zip), each TCP connection's server bytes put in seq order and framed by
 * format/'s walker, each whole server message kept with its time. */
#include "recording.h"

#include <string.h>

#include <spice/enums.h>

#include "bytes.h"
#include "capture_reader.h"
#include "format.h"
#include "made_messages.h"
#include "unservable.h"
#include "recorded.h"
#include "spice_walker.h"
#include "tcp_segment.h"

#define LINK_HEADER_LEN 16u
/* The server's link reply, parsed once its bytes are in: SpiceLinkReply's
 * error (4), pub_key (162), then three u32: common and channel cap counts
 * and the caps' offset. */
#define LINK_REPLY_FIXED (4u + 162u + 12u)

/* One direction's place in its seq chain. */
typedef struct seq_chain {
    bool known;
    uint32_t next;
} seq_chain;

/* One connection while its file is read. */
typedef struct conn_state {
    tcp_segment key;           /* the client's side as source (ports, addresses) */
    bool recorded;
    seq_chain chain[2];        /* by spicecap_direction */
    spicecap_link_state link;
    spicecap_walker walker[2];
    bool walking[2];
    GByteArray *client_head;   /* the client's first bytes: its link message */
    GByteArray *pending;       /* server bytes from pending_base on, not yet in a whole message */
    uint64_t pending_base;
    uint64_t consumed;         /* stream offset past the last whole message */
    spicecap_direction feeding;
    uint64_t now_ns, frame;
    replay_connection *out;
} conn_state;

static void on_message(void *ctx, const spicecap_walk_message *m)
{
    conn_state *c = ctx;
    if (c->feeding != SPICECAP_DIR_RECEIVED || m->body_only)
        return;
    uint64_t end = m->offset + m->wire_size;
    if (m->offset < c->pending_base || end > c->pending_base + c->pending->len || m->wire_size > G_MAXUINT32) {
        return; /* its bytes met a gap, which is counted */
    }
    replay_message msg = {.end_ns = c->now_ns,
                          .frame = c->frame,
                          .offset = c->out->bytes->len,
                          .wire_size = (uint32_t)m->wire_size,
                          .type = m->type};
    g_byte_array_append(c->out->bytes, c->pending->data + (m->offset - c->pending_base), (guint)m->wire_size);
    g_array_append_val(c->out->messages, msg);
    c->consumed = end;
}

static void on_finding(void *ctx, spicecap_walk_finding kind, const spicecap_walk_message *m, uint64_t extra,
                       uint64_t tag)
{
    conn_state *c = ctx;
    (void)extra, (void)tag;
    if (c->feeding == SPICECAP_DIR_RECEIVED && kind == SPICECAP_WALK_TRUNCATED) {
        replay_lack lack = {c->now_ns, c->frame, 0, m ? m->type : 0, m ? m->wire_size : 0};
        g_array_append_val(c->out->lacking, lack);
    }
}

static const spicecap_walk_sink *sink_of(conn_state *c, spicecap_walk_sink *sink)
{
    *sink = (spicecap_walk_sink){.ctx = c, .message = on_message, .finding = on_finding};
    return sink;
}

/* The recorded server's capabilities, from its link reply. */
static void read_link_reply(conn_state *c)
{
    replay_connection *rc = c->out;
    const uint8_t *b = c->pending->data;
    size_t len = c->pending->len;
    if (c->recorded || rc->link_reply_seen || c->pending_base != 0 || len < LINK_HEADER_LEN)
        return;
    uint32_t size = spicecap_le32(b + 12);
    if (size < LINK_REPLY_FIXED || len < LINK_HEADER_LEN + (size_t)size)
        return;
    const uint8_t *reply = b + LINK_HEADER_LEN;
    uint32_t n_common = spicecap_le32(reply + 166), n_channel = spicecap_le32(reply + 170);
    uint32_t caps_offset = spicecap_le32(reply + 174);
    if (n_common > 64 || n_channel > 64 || (uint64_t)caps_offset + 4ull * (n_common + n_channel) > size)
        return;
    rc->link_reply_seen = true;
    rc->common_caps = n_common ? spicecap_le32(reply + caps_offset) : 0;
    rc->n_channel_caps = MIN(n_channel, REPLAY_MAX_CHANNEL_CAPS);
    for (uint32_t i = 0; i < rc->n_channel_caps; i++)
        rc->channel_caps[i] = spicecap_le32(reply + caps_offset + 4 * (n_common + i));
}

/* The client's link message: its channel type and id. */
static void read_link_mess(conn_state *c)
{
    const uint8_t *b = c->client_head->data;
    if (c->client_head->len < LINK_HEADER_LEN + 6 || spicecap_le32(b) != 0x51444552u) /* "REDQ" */
        return;
    c->out->connection_id = spicecap_le32(b + LINK_HEADER_LEN);
    c->out->channel_type = b[LINK_HEADER_LEN + 4];
    c->out->channel_id = b[LINK_HEADER_LEN + 5];
}

/* A main connection's session id: the first u32 of its init's body. */
static bool session_of(const replay_connection *c, uint32_t *id)
{
    for (guint i = 0; i < c->messages->len; i++) {
        const replay_message *m = &g_array_index(c->messages, replay_message, i);
        if (m->type == SPICE_MSG_MAIN_INIT && m->wire_size >= SPICECAP_MINI_HDR_LEN + 4) {
            *id = spicecap_le32(c->bytes->data + m->offset + SPICECAP_MINI_HDR_LEN);
            return true;
        }
    }
    return false;
}

unsigned replay_recording_sessions(const replay_recording *rec)
{
    unsigned n = 0;
    uint32_t id;
    for (guint i = 0; i < rec->connections->len; i++) {
        const replay_connection *c = rec->connections->pdata[i];
        n += !c->recorded && c->channel_type == SPICE_CHANNEL_MAIN && session_of(c, &id);
    }
    return n;
}

bool replay_recording_keep_session(replay_recording *rec, unsigned n, char **error)
{
    unsigned seen = 0;
    uint32_t id = 0, other;
    const replay_connection *chosen = NULL;
    uint64_t until = UINT64_MAX; /* the next session's main connection */
    for (guint i = 0; i < rec->connections->len; i++) {
        const replay_connection *c = rec->connections->pdata[i];
        if (c->recorded || c->channel_type != SPICE_CHANNEL_MAIN || !session_of(c, chosen ? &other : &id))
            continue;
        if (chosen) {
            until = c->first_ns;
            break;
        }
        if (++seen == n)
            chosen = c;
    }
    if (!chosen) {
        *error = g_strdup_printf("--session %u: the recording holds %u client session%s (main connections with "
                                 "an init)", n, seen, seen == 1 ? "" : "s");
        return false;
    }
    /* The main connection, and every other channel whose client linked
     * with its session id before the next session began (a server may
     * give a later session the same id). */
    for (guint i = rec->connections->len; i-- > 0;) {
        const replay_connection *c = rec->connections->pdata[i];
        bool keep = c == chosen || (c->channel_type != SPICE_CHANNEL_MAIN && c->connection_id == id &&
                                    c->first_ns >= chosen->first_ns && c->first_ns < until);
        if (!keep)
            g_ptr_array_remove_index(rec->connections, i);
    }
    return true;
}

/* After a feed: what no message can still need is let go. */
static void trim_pending(conn_state *c)
{
    spicecap_walker *w = &c->walker[SPICECAP_DIR_RECEIVED];
    uint64_t keep_from = c->consumed;
    if (spicecap_walker_stopped(w) || (c->recorded && spicecap_walker_lost(w)))
        keep_from = c->pending_base + c->pending->len;
    if (!c->recorded && !c->out->link_reply_seen && c->pending_base == 0)
        keep_from = 0; /* the link reply is read once whole */
    if (keep_from > c->pending_base) {
        uint64_t drop = MIN(keep_from - c->pending_base, (uint64_t)c->pending->len);
        g_byte_array_remove_range(c->pending, 0, (guint)drop);
        c->pending_base += drop;
    }
}

static void feed(conn_state *c, spicecap_direction d, uint32_t seq, const uint8_t *payload, uint32_t len)
{
    seq_chain *chain = &c->chain[d];
    spicecap_walk_sink sink;
    if (!chain->known) {
        chain->known = true;
        chain->next = seq;
    }
    int32_t ahead = (int32_t)(seq - chain->next);
    c->feeding = d;
    if (ahead > 0) { /* bytes never captured */
        if (d == SPICECAP_DIR_RECEIVED) {
            const spicecap_walk_message *cut = spicecap_walker_gap(&c->walker[d], (uint64_t)ahead, sink_of(c, &sink));
            replay_lack lack = {c->now_ns, c->frame, (uint64_t)ahead, cut ? cut->type : 0, cut ? cut->wire_size : 0};
            g_array_append_val(c->out->lacking, lack);
            c->pending_base += c->pending->len + (uint64_t)ahead;
            g_byte_array_set_size(c->pending, 0);
        } else {
            spicecap_walker_gap(&c->walker[d], (uint64_t)ahead, sink_of(c, &sink));
        }
        chain->next = seq;
    } else if (ahead < 0) { /* a retransmission: only what is new */
        uint32_t old = chain->next - seq; /* seq arithmetic is modulo 2^32 */
        if (old >= len)
            return;
        payload += old, len -= old;
    }
    if (!len)
        return;
    chain->next += len;
    if (d == SPICECAP_DIR_RECEIVED) {
        g_byte_array_append(c->pending, payload, len);
        read_link_reply(c);
    } else if (!c->recorded && c->client_head->len < 64) {
        g_byte_array_append(c->client_head, payload, MIN(len, 64u - c->client_head->len));
        read_link_mess(c);
    }
    if (d == SPICECAP_DIR_SENT && c->recorded)
        return; /* the client's recorded messages are not needed to serve */
    spicecap_walker_feed(&c->walker[d], payload, len, c->frame, sink_of(c, &sink));
    if (d == SPICECAP_DIR_RECEIVED)
        trim_pending(c);
}

static void free_connection(gpointer p)
{
    replay_connection *rc = p;
    g_byte_array_free(rc->bytes, TRUE);
    g_array_free(rc->messages, TRUE);
    g_array_free(rc->lacking, TRUE);
    g_free(rc);
}

static conn_state *new_conn(GPtrArray *states, replay_recording *rec, const tcp_segment *client_side, bool recorded,
                            unsigned channel, uint64_t now_ns)
{
    conn_state *c = g_new0(conn_state, 1);
    c->key = *client_side;
    c->recorded = recorded;
    if (recorded)
        spicecap_link_init_recorded(&c->link, (uint8_t)channel);
    else
        spicecap_link_init_real(&c->link);
    spicecap_walk_mode mode = recorded ? SPICECAP_WALK_RECORDED : SPICECAP_WALK_REAL;
    spicecap_walker_init(&c->walker[SPICECAP_DIR_SENT], &c->link, SPICECAP_DIR_SENT, mode);
    spicecap_walker_init(&c->walker[SPICECAP_DIR_RECEIVED], &c->link, SPICECAP_DIR_RECEIVED, mode);
    c->client_head = g_byte_array_new();
    c->pending = g_byte_array_new();
    c->out = g_new0(replay_connection, 1);
    c->out->recorded = recorded;
    c->out->channel_type = (uint8_t)channel;
    c->out->first_ns = now_ns;
    c->out->bytes = g_byte_array_new();
    c->out->messages = g_array_new(FALSE, FALSE, sizeof(replay_message));
    c->out->lacking = g_array_new(FALSE, FALSE, sizeof(replay_lack));
    g_ptr_array_add(states, c);
    g_ptr_array_add(rec->connections, c->out);
    return c;
}

static void end_conn(gpointer p)
{
    conn_state *c = p;
    spicecap_walk_sink sink;
    c->feeding = SPICECAP_DIR_RECEIVED;
    spicecap_walker_end(&c->walker[SPICECAP_DIR_RECEIVED], false, sink_of(c, &sink));
    spicecap_walker_clear(&c->walker[SPICECAP_DIR_SENT]);
    spicecap_walker_clear(&c->walker[SPICECAP_DIR_RECEIVED]);
    g_byte_array_free(c->client_head, TRUE);
    g_byte_array_free(c->pending, TRUE);
    g_free(c);
}

static bool same_addr(const uint8_t *a, const uint8_t *b, uint8_t len)
{
    return memcmp(a, b, len) == 0;
}

/* The connection a segment belongs to (the live one of its ends), and its
 * direction. */
static conn_state *find_conn(GPtrArray *states, const tcp_segment *s, spicecap_direction *d)
{
    for (guint i = states->len; i-- > 0;) {
        conn_state *c = states->pdata[i];
        const tcp_segment *k = &c->key;
        if (k->addr_len != s->addr_len)
            continue;
        if (k->sport == s->sport && k->dport == s->dport && same_addr(k->src, s->src, s->addr_len) &&
            same_addr(k->dst, s->dst, s->addr_len)) {
            *d = SPICECAP_DIR_SENT;
            return c;
        }
        if (k->sport == s->dport && k->dport == s->sport && same_addr(k->src, s->dst, s->addr_len) &&
            same_addr(k->dst, s->src, s->addr_len)) {
            *d = SPICECAP_DIR_RECEIVED;
            return c;
        }
    }
    return NULL;
}

/* The segment with its ends swapped: the client's side as source. */
static tcp_segment client_side_of(const tcp_segment *s)
{
    tcp_segment k = *s;
    memcpy(k.src, s->dst, sizeof k.src), memcpy(k.dst, s->src, sizeof k.dst);
    k.sport = s->dport, k.dport = s->sport;
    return k;
}

/* One record of a file. */
static void take_record(replay_recording *rec, GPtrArray *states, const capture_record *r)
{
    tcp_segment s;
    if (!tcp_segment_parse(r->linktype, r->data, r->caplen, &s))
        return;
    spicecap_direction d = SPICECAP_DIR_SENT;
    bool recorded = s.addr_len == 4 && spicecap_recorded_flow(tcp_segment_ipv4(s.src), s.sport,
                                                              tcp_segment_ipv4(s.dst), s.dport);
    conn_state *c = find_conn(states, &s, &d);
    if (recorded) {
        d = spicecap_recorded_direction(s.sport);
        tcp_segment key = d == SPICECAP_DIR_SENT ? s : client_side_of(&s);
        unsigned channel = spicecap_recorded_channel(key.sport);
        /* ryll numbers each connection's seq from its base again: a
         * server segment back at the base starts a new connection. */
        bool restart = c && d == SPICECAP_DIR_RECEIVED && s.seq == SPICECAP_SERVER_SEQ_BASE && c->chain[d].known;
        if (!c || restart)
            c = new_conn(states, rec, &key, true, channel, r->ts_ns);
    } else if ((s.flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN) {
        c = new_conn(states, rec, &s, false, 0, r->ts_ns); /* a client opening a connection */
        c->chain[SPICECAP_DIR_SENT] = (seq_chain){true, s.seq + 1};
        return;
    } else if (!c) {
        return; /* a connection whose start was not captured: its link stage is missing */
    }
    if (s.flags & TCP_FLAG_SYN) {
        c->chain[d] = (seq_chain){true, s.seq + 1};
        return;
    }
    c->now_ns = r->ts_ns, c->frame = r->number;
    if (s.len)
        feed(c, d, s.seq, s.payload, s.len);
}

static bool load_file(replay_recording *rec, const char *path, char **error)
{
    capture_reader *reader = capture_reader_open(path, error);
    if (!reader)
        return false;
    GPtrArray *states = g_ptr_array_new_with_free_func(end_conn);
    capture_record r;
    char *message = NULL;
    capture_status st;
    while ((st = capture_reader_next(reader, &r, &message)) == CAPTURE_RECORD) {
        rec->records++;
        if (!rec->first_ns || r.ts_ns < rec->first_ns)
            rec->first_ns = r.ts_ns;
        rec->last_ns = MAX(rec->last_ns, r.ts_ns);
        take_record(rec, states, &r);
    }
    g_ptr_array_free(states, TRUE);
    capture_reader_close(reader);
    if (st != CAPTURE_END) {
        *error = g_strdup_printf("%s: %s", path, message ? message : "unreadable");
        g_free(message);
        return false;
    }
    return true;
}

static gint by_first_record(gconstpointer a, gconstpointer b)
{
    const replay_connection *x = *(replay_connection *const *)a, *y = *(replay_connection *const *)b;
    return x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

/* A directory's capture files, sorted by name. */
static GPtrArray *directory_files(const char *path, char **error)
{
    GError *gerr = NULL;
    GDir *dir = g_dir_open(path, 0, &gerr);
    if (!dir) {
        *error = g_strdup_printf("%s: %s", path, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng"))
            g_ptr_array_add(files, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    if (!files->len) {
        *error = g_strdup_printf("%s: a directory with no *.pcap or *.pcapng file", path);
        g_ptr_array_free(files, TRUE);
        return NULL;
    }
    return files;
}

replay_recording *replay_recording_load(const char *path, char **error)
{
    replay_recording *rec = g_new0(replay_recording, 1);
    rec->connections = g_ptr_array_new_with_free_func(free_connection);
    rec->notes = g_ptr_array_new_with_free_func(g_free);
    bool ok = true;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        GPtrArray *files = directory_files(path, error);
        ok = files != NULL;
        for (guint i = 0; ok && i < files->len; i++)
            ok = load_file(rec, files->pdata[i], error);
        if (files)
            g_ptr_array_free(files, TRUE);
    } else {
        ok = load_file(rec, path, error);
    }
    if (!ok) {
        replay_recording_free(rec);
        return NULL;
    }
    /* One clock: seconds since the input's first record. */
    rec->last_ns -= rec->first_ns;
    for (guint i = 0; i < rec->connections->len; i++) {
        replay_connection *rc = rec->connections->pdata[i];
        rc->first_ns -= rec->first_ns;
        replay_message *m = (replay_message *)rc->messages->data;
        for (guint j = 0; j < rc->messages->len; j++)
            m[j].end_ns -= rec->first_ns;
        replay_lack *l = (replay_lack *)rc->lacking->data;
        for (guint j = 0; j < rc->lacking->len; j++)
            l[j].at_ns -= rec->first_ns;
    }
    g_ptr_array_sort(rec->connections, by_first_record);
    replay_make_missing(rec, rec->notes);
    replay_drop_unservable(rec, rec->notes);
    return rec;
}

void replay_recording_free(replay_recording *rec)
{
    if (!rec)
        return;
    g_ptr_array_free(rec->connections, TRUE);
    g_ptr_array_free(rec->notes, TRUE);
    g_free(rec);
}

const replay_connection *replay_recording_channel(const replay_recording *rec, uint8_t type, uint8_t id)
{
    for (guint i = 0; i < rec->connections->len; i++) {
        const replay_connection *c = rec->connections->pdata[i];
        if (c->channel_type == type && c->channel_id == id)
            return c;
    }
    return NULL;
}

unsigned replay_connection_lacking(const replay_connection *conn, uint64_t until_ns)
{
    unsigned n = 0;
    for (guint i = 0; i < conn->lacking->len; i++)
        n += g_array_index(conn->lacking, replay_lack, i).at_ns <= until_ns;
    return n;
}
