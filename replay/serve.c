/* The replaying server (serve.h). */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "channels.h"
#include "format.h"
#include "link_server.h"
#include "server_caps.h"

/* The id of the ping the replayer adds after the last message it serves:
 * the client's pong with it says every message before was handled (a
 * client handles a channel's messages in order). */
#define SYNC_PING_ID 0x5ca9e000u

struct replay_server {
    const replay_recording *rec;
    replay_pace pace;
    replay_events events;
    int listen_fd;
    uint16_t port;
    replay_link_key *key;
    GThread *acceptor;
    GMutex lock;
    bool *taken;          /* per recorded connection: already served */
    GPtrArray *threads;
    GArray *client_fds;   /* open connections, shut down at stop */
    gint stopping;
    gint64 start_us;      /* monotonic time of the first link: the recording's first message is due then */
    uint64_t first_ns;    /* the recording's first server message */
};

typedef struct connection_job {
    replay_server *server;
    int fd;
} connection_job;

static void logf_(replay_server *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void logf_(replay_server *s, const char *fmt, ...)
{
    if (!s->events.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    s->events.log(s->events.ctx, line);
    g_free(line);
}

/* The first recorded connection of this channel not served yet. */
static const replay_connection *claim(replay_server *s, uint8_t type, uint8_t id)
{
    const replay_connection *found = NULL;
    g_mutex_lock(&s->lock);
    for (guint i = 0; i < s->rec->connections->len; i++) {
        const replay_connection *c = s->rec->connections->pdata[i];
        if (!s->taken[i] && c->channel_type == type && c->channel_id == id) {
            s->taken[i] = true;
            found = c;
            break;
        }
    }
    if (!s->start_us)
        s->start_us = g_get_monotonic_time();
    g_mutex_unlock(&s->lock);
    return found;
}

static bool send_sync_ping(int fd)
{
    uint8_t msg[SPICECAP_MINI_HDR_LEN + 12] = {0}; /* SpiceMsgPing: id, then a u64 timestamp left 0 */
    spicecap_put_le16(msg, SPICE_MSG_PING);
    spicecap_put_le32(msg + 2, 12);
    spicecap_put_le32(msg + SPICECAP_MINI_HDR_LEN, SYNC_PING_ID);
    return replay_write_full(fd, msg, sizeof msg);
}

/* Waits until message M is due at the pace asked for. False when the
 * server is stopping. */
static bool wait_until_due(replay_server *s, const replay_message *m)
{
    if (s->pace.as_fast)
        return !g_atomic_int_get(&s->stopping);
    double since = (double)(m->end_ns - MIN(m->end_ns, s->first_ns)) / 1e3 / s->pace.speed;
    gint64 due = s->start_us + (gint64)since;
    for (;;) {
        if (g_atomic_int_get(&s->stopping))
            return false;
        gint64 now = g_get_monotonic_time();
        if (now >= due)
            return true;
        g_usleep((gulong)MIN(due - now, (gint64)50000));
    }
}

/* Reads the client's messages (mini headers) until it leaves, telling the
 * owner when the sync ping's pong comes. */
static void read_client(replay_server *s, int fd, const replay_link_client *who)
{
    uint8_t header[SPICECAP_MINI_HDR_LEN], body[64], skip[4096];
    while (replay_read_full(fd, header, sizeof header)) {
        uint16_t type = spicecap_le16(header);
        uint32_t left = spicecap_le32(header + 2);
        uint32_t kept = MIN(left, (uint32_t)sizeof body);
        if (!replay_read_full(fd, body, kept))
            return;
        left -= kept;
        while (left) {
            uint32_t n = MIN(left, (uint32_t)sizeof skip);
            if (!replay_read_full(fd, skip, n))
                return;
            left -= n;
        }
        if (type == SPICE_MSGC_PONG && kept >= 4 && spicecap_le32(body) == SYNC_PING_ID && s->events.synced)
            s->events.synced(s->events.ctx, who->channel_type, who->channel_id);
    }
}

static gpointer serve_connection(gpointer data)
{
    connection_job *job = data;
    replay_server *s = job->server;
    int fd = job->fd;
    g_free(job);
    /* The link reply offers the recorded server's caps for this channel:
     * the channel is read from the link message before it is answered. */
    uint8_t head[16 + 6];
    ssize_t got = recv(fd, head, sizeof head, MSG_PEEK | MSG_WAITALL);
    if (got != (ssize_t)sizeof head) {
        logf_(s, "a client left before its link message");
        return NULL;
    }
    const replay_connection *rc = claim(s, head[16 + 4], head[16 + 5]);
    replay_caps caps = replay_server_caps(rc, head[16 + 4]);
    replay_link_client who = {0};
    const char *error = NULL;
    if (!replay_link_serve(fd, s->key, &who, caps.common, caps.channel, caps.n_channel, &error)) {
        logf_(s, "a client's link stage failed: %s", error);
        return NULL;
    }
    const char *name = spicecap_channel_label(who.channel_type);
    guint sent = 0, due = 0;
    bool ok = true;
    if (rc && s->pace.display_only && who.channel_type != SPICE_CHANNEL_MAIN &&
        who.channel_type != SPICE_CHANNEL_DISPLAY)
        rc = NULL;
    if (rc) {
        const replay_message *m = (const replay_message *)rc->messages->data;
        while (due < rc->messages->len && m[due].end_ns <= s->pace.until_ns)
            due++;
        for (; ok && sent < due; sent++)
            ok = wait_until_due(s, &m[sent]) && replay_write_full(fd, rc->bytes->data + m[sent].offset, m[sent].wire_size);
        if (ok)
            sent = due;
        logf_(s, "%s %u: %s %u of its %u recorded messages%s", name, who.channel_id, ok ? "sent" : "client left after",
              sent, rc->messages->len, ok ? "; holding" : "");
    } else {
        logf_(s, "%s %u: the recording holds no such channel; holding it open", name, who.channel_id);
    }
    if (ok && send_sync_ping(fd))
        read_client(s, fd, &who);
    if (!g_atomic_int_get(&s->stopping))
        logf_(s, "%s %u: the client left", name, who.channel_id);
    return NULL;
}

static gpointer accept_loop(gpointer data)
{
    replay_server *s = data;
    while (!g_atomic_int_get(&s->stopping)) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        /* Each message goes out when it is due: Nagle's algorithm would hold
         * a small one back until the client acks the one before. */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        connection_job *job = g_new(connection_job, 1);
        job->server = s, job->fd = fd;
        g_mutex_lock(&s->lock);
        g_array_append_val(s->client_fds, fd);
        g_ptr_array_add(s->threads, g_thread_new("replay-conn", serve_connection, job));
        g_mutex_unlock(&s->lock);
    }
    return NULL;
}

/* The first server message of the recording: due when the first client links. */
static uint64_t first_message_ns(const replay_recording *rec)
{
    uint64_t first = UINT64_MAX;
    for (guint i = 0; i < rec->connections->len; i++) {
        const replay_connection *c = rec->connections->pdata[i];
        if (c->messages->len)
            first = MIN(first, g_array_index(c->messages, replay_message, 0).end_ns);
    }
    return first == UINT64_MAX ? 0 : first;
}

replay_server *replay_server_start(const replay_recording *rec, const char *addr, uint16_t port,
                                   const replay_pace *pace, const replay_events *events, char **error)
{
    const char *why = NULL;
    replay_link_key *key = replay_link_key_new(&why);
    if (!key) {
        *error = g_strdup(why);
        return NULL;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    int one = 1;
    if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        *error = g_strdup_printf("cannot listen on %s:%u: %s", addr, port,
                                 fd >= 0 && inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ? "not an IPv4 address"
                                                                                        : g_strerror(errno));
        if (fd >= 0)
            close(fd);
        replay_link_key_free(key);
        return NULL;
    }
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    replay_server *s = g_new0(replay_server, 1);
    s->rec = rec, s->pace = *pace, s->listen_fd = fd, s->port = ntohs(sa.sin_port), s->key = key;
    if (s->pace.speed <= 0)
        s->pace.speed = 1;
    if (events)
        s->events = *events;
    s->first_ns = first_message_ns(rec);
    s->taken = g_new0(bool, rec->connections->len + 1);
    s->threads = g_ptr_array_new();
    s->client_fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_mutex_init(&s->lock);
    s->acceptor = g_thread_new("replay-accept", accept_loop, s);
    return s;
}

uint16_t replay_server_port(const replay_server *server)
{
    return server->port;
}

void replay_server_stop(replay_server *s)
{
    if (!s)
        return;
    g_atomic_int_set(&s->stopping, 1);
    shutdown(s->listen_fd, SHUT_RDWR);
    g_thread_join(s->acceptor);
    close(s->listen_fd);
    g_mutex_lock(&s->lock);
    for (guint i = 0; i < s->client_fds->len; i++)
        shutdown(g_array_index(s->client_fds, int, i), SHUT_RDWR);
    g_mutex_unlock(&s->lock);
    for (guint i = 0; i < s->threads->len; i++)
        g_thread_join(s->threads->pdata[i]);
    for (guint i = 0; i < s->client_fds->len; i++)
        close(g_array_index(s->client_fds, int, i));
    g_ptr_array_free(s->threads, TRUE);
    g_array_free(s->client_fds, TRUE);
    g_mutex_clear(&s->lock);
    replay_link_key_free(s->key);
    g_free(s->taken);
    g_free(s);
}
