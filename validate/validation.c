/* Reading a capture file record by record: the Ethernet, IPv4 and TCP
 * checks of each frame, then its payload to the flow it belongs to. */
#include "validation.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "capture_reader.h"
#include "checksum.h"
#include "mapped_file.h"
#include "recorded.h"
#include "text_out.h"

#define ETHERTYPE_VLAN 0x8100u

typedef struct flow_key {
    uint32_t src_ip, dst_ip;
    uint16_t src_port, dst_port;
} flow_key;

static guint key_hash(gconstpointer p)
{
    const flow_key *k = p;
    return k->src_ip * 2654435761u ^ k->dst_ip * 40503u ^ ((guint)k->src_port << 16 | k->dst_port);
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(flow_key)) == 0;
}

static void free_flow(gpointer p)
{
    flow_free(p);
}

static void free_summary(gpointer p)
{
    file_summary *s = p;
    g_free(s->path);
    g_free(s->format);
    g_ptr_array_free(s->notes, TRUE);
    g_free(s);
}

void validation_init(validation *v, bool keep_messages)
{
    memset(v, 0, sizeof *v);
    findings_init(&v->findings);
    v->files = g_ptr_array_new_with_free_func(free_summary);
    v->messages = keep_messages ? g_array_new(FALSE, TRUE, sizeof(seen_message)) : NULL;
    v->names = g_string_chunk_new(4096);
    g_queue_init(&v->reassembly.pending_k2);
}

void validation_clear(validation *v)
{
    findings_clear(&v->findings);
    g_ptr_array_free(v->files, TRUE);
    if (v->messages)
        g_array_free(v->messages, TRUE);
    g_string_chunk_free(v->names);
    g_queue_clear(&v->reassembly.pending_k2);
}

void validation_note(validation *v, const char *fmt, ...)
{
    /* Full: later notes are dropped unread, so that a million distinct ones
     * cost no more than the first VALIDATE_MAX_NOTES (each is compared with
     * every note kept). */
    if (v->file->notes->len >= VALIDATE_MAX_NOTES)
        return;
    va_list args;
    va_start(args, fmt);
    char *note = g_strdup_vprintf(fmt, args);
    va_end(args);
    for (guint i = 0; i < v->file->notes->len; i++)
        if (strcmp(g_ptr_array_index(v->file->notes, i), note) == 0) {
            g_free(note);
            return;
        }
    g_ptr_array_add(v->file->notes, note);
}

/* The run's observers, in order: the page's timeline, the trigger window's. */
#define OBSERVERS 2u
static const validation_observer *observer_at(const validation *v, unsigned i)
{
    return i == 0 ? v->observer : v->window;
}

/* The slot of f's channel in a file's counts: [0] for a channel unknown. */
static unsigned channel_slot(const flow *f)
{
    return f->conn->link.channel < SPICECAP_CHANNEL_SLOTS ? f->conn->link.channel : 0;
}

/* A message walked to its end: counted per channel, kept for --manifest. */
static void on_message(void *ctx, const flow *f, const walked_message *m)
{
    validation *v = ctx;
    unsigned channel = channel_slot(f);
    channel_stats *s = &v->file->channels[channel];
    s->messages++;
    s->bytes += m->wire_size;
    if (m->wire_size > s->largest)
        s->largest = m->wire_size;
    if (m->segments > 1)
        s->multi_segment++;
    for (unsigned i = 0; i < OBSERVERS; i++) {
        const validation_observer *o = observer_at(v, i);
        if (o && o->message)
            o->message(o->ctx, channel, m->wire_size);
        if (o && o->walked)
            o->walked(o->ctx, channel, f->direction, m);
    }
    if (v->messages) {
        seen_message kept = {v->file->path, m->frame, (uint8_t)channel, (uint8_t)f->direction, m->type, m->wire_size,
                             m->seq, m->segments, m->body_only};
        g_array_append_val(v->messages, kept);
    }
}

/* A message counted before turned out not whole: uncounted, and dropped
 * from the kept list (it is among the last kept: searched from the end). */
static void on_retract(void *ctx, const flow *f, const walked_message *m)
{
    validation *v = ctx;
    unsigned channel = channel_slot(f);
    channel_stats *s = &v->file->channels[channel];
    s->messages--;
    s->bytes -= m->wire_size;
    if (m->segments > 1)
        s->multi_segment--;
    for (unsigned i = 0; i < OBSERVERS; i++) {
        const validation_observer *o = observer_at(v, i);
        if (o && o->retract)
            o->retract(o->ctx, channel, m->wire_size);
        if (o && o->unwalked)
            o->unwalked(o->ctx, channel, f->direction, m);
    }
    if (v->messages == NULL)
        return;
    for (guint i = v->messages->len; i-- > 0;) {
        const seen_message *k = &g_array_index(v->messages, seen_message, i);
        if (k->channel == channel && k->direction == f->direction && k->seq == m->seq && k->frame == m->frame &&
            k->file == v->file->path) {
            g_array_remove_index(v->messages, i);
            return;
        }
    }
}

static void on_note(void *ctx, const char *text)
{
    validation_note(ctx, "%s", text);
}

/* A message of a type spice-protocol does not name: not a loss (its size
 * led to the next header), but what a newer server may send. */
static void on_unknown_type(void *ctx, const flow *f, const walked_message *m, bool told)
{
    validation *v = ctx;
    v->file->unknown_types++;
    if (!told)
        return;
    validation_note(v,
                    "%s: %s %s message type %u is unknown to this spice-protocol (frame %" G_GUINT64_FORMAT
                    ", seq %u, %" G_GUINT64_FORMAT " bytes): framed by its size, which ends where the next header "
                    "(or its record) begins; "
                    "the capture may come from a server newer than the spice-protocol this tool was built with",
                    f->name, spicecap_channel_label(f->conn->link.channel), spicecap_direction_name(f->direction),
                    m->type, m->frame, m->seq, m->wire_size);
}

/* The seq chains hand their bytes and gaps to the SPICE walk (which keeps
 * references to bytes that last instead of copies). */
static void on_bytes(void *ctx, flow *f, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len,
                     bool lasting)
{
    validation *v = ctx;
    spice_stream_bytes(&v->stream, f, frame, seq, data, len, lasting);
}

/* A record of no bytes in step: only a recorded flow's walk can tell what it is. */
static void on_empty(void *ctx, flow *f, uint64_t frame, uint32_t seq)
{
    validation *v = ctx;
    (void)seq;
    if (f->recorded)
        spice_stream_empty(&v->stream, f, frame);
}

static void on_gap(void *ctx, flow *f, uint32_t seq, uint32_t missing, finding *g)
{
    validation *v = ctx;
    spice_stream_gap(&v->stream, f, seq, missing, g);
}

/* The flow of k, created on its first frame; NULL past VALIDATE_MAX_FLOWS. */
static flow *find_flow(validation *v, const flow_key *k)
{
    flow *f = g_hash_table_lookup(v->flows, k);
    if (f)
        return f;
    if (g_hash_table_size(v->flows) >= VALIDATE_MAX_FLOWS)
        return NULL;
    f = g_new0(flow, 1);
    f->name = g_strdup_printf("%u.%u.%u.%u:%u -> %u.%u.%u.%u:%u", k->src_ip >> 24, k->src_ip >> 16 & 255,
                              k->src_ip >> 8 & 255, k->src_ip & 255, k->src_port, k->dst_ip >> 24,
                              k->dst_ip >> 16 & 255, k->dst_ip >> 8 & 255, k->dst_ip & 255, k->dst_port);
    f->recorded = spicecap_recorded_flow(k->src_ip, k->src_port, k->dst_ip, k->dst_port);
    g_queue_init(&f->held);
    /* The connection is keyed by its two ends in a fixed order. */
    flow_key ck = *k;
    if (ck.src_ip > ck.dst_ip || (ck.src_ip == ck.dst_ip && ck.src_port > ck.dst_port))
        ck = (flow_key){k->dst_ip, k->src_ip, k->dst_port, k->src_port};
    connection *c = g_hash_table_lookup(v->connections, &ck);
    bool fresh = c == NULL;
    if (fresh) {
        c = g_new0(connection, 1);
        g_hash_table_insert(v->connections, g_memdup2(&ck, sizeof ck), c);
    }
    f->conn = c;
    if (f->recorded) {
        /* Direction and channel come from the ports, as ryll assigns them. */
        f->direction = spicecap_recorded_direction(k->src_port);
        uint16_t client_port = f->direction == SPICECAP_DIR_RECEIVED ? k->dst_port : k->src_port;
        unsigned channel = spicecap_recorded_channel(client_port);
        if (fresh)
            spicecap_link_init_recorded(&c->link, (uint8_t)channel);
    } else {
        if (fresh)
            spicecap_link_init_real(&c->link);
        /* In a real capture the side that sends REDQ first is the client;
         * until known, the lower port is taken for the server. */
        f->direction = k->src_port < k->dst_port ? SPICECAP_DIR_RECEIVED : SPICECAP_DIR_SENT;
        if (v->windows < VALIDATE_MAX_WINDOWS) {
            f->window = g_malloc(FLOW_WINDOW);
            v->windows++;
        } else if (v->windows++ == VALIDATE_MAX_WINDOWS) { /* noted once, naming the first flow left out */
            validation_note(v, "window limit reached: the first %u real flows keep %zu KiB of recent bytes; later "
                            "ones (from %s on) count their retransmissions as too old to compare",
                            VALIDATE_MAX_WINDOWS, FLOW_WINDOW >> 10, f->name);
        }
    }
    g_hash_table_insert(v->flows, g_memdup2(k, sizeof *k), f);
    return f;
}

/* The checks of one frame; its TCP payload then goes to its flow. */
static void check_frame(validation *v, const capture_record *r)
{
    file_summary *s = v->file;
    const char *path = s->path;
    if (r->caplen == 0) {
        finding *k2 = findings_add(&v->findings, FINDING_K2_EMPTY_RECORD, path, r->number, NULL,
                                   "a 0-byte record where a message should be: the message was dropped by the "
                                   "recorder (the K2 bug)");
        if (k2)
            g_queue_push_tail(&v->reassembly.pending_k2, k2);
        return;
    }
    if (r->linktype != SPICECAP_DLT_EN10MB) {
        s->other_linktype++;
        validation_note(v, "records of link type %u are not Ethernet: counted and skipped", r->linktype);
        return;
    }
    if (r->caplen < r->origlen)
        findings_add(&v->findings, FINDING_CAPLEN_SHORT, path, r->number, NULL,
                     "only %u of the frame's %u bytes were captured", r->caplen, r->origlen);
    const uint8_t *p = r->data;
    uint32_t len = r->caplen;
    if (len < SPICECAP_ETH_HDR_LEN) {
        findings_add(&v->findings, FINDING_SHORT_FRAME, path, r->number, NULL,
                     "%u bytes: too short for an Ethernet header", len);
        return;
    }
    uint16_t ethertype = spicecap_be16(p + 12);
    uint32_t l3 = SPICECAP_ETH_HDR_LEN;
    if (ethertype == ETHERTYPE_VLAN && len >= l3 + 4) {
        ethertype = spicecap_be16(p + 16);
        l3 += 4;
    }
    if (ethertype != SPICECAP_ETHERTYPE_IPV4) {
        s->non_ipv4++;
        validation_note(v, "frames of ethertype 0x%04x are not IPv4: counted and skipped", ethertype);
        return;
    }
    const uint8_t *ip = p + l3;
    uint32_t ip_avail = len - l3;
    if (ip_avail < SPICECAP_IPV4_HDR_LEN || (ip[0] >> 4) != 4 || (ip[0] & 15) < 5) {
        findings_add(&v->findings, FINDING_SHORT_FRAME, path, r->number, NULL,
                     "%u bytes after the Ethernet header: no valid IPv4 header", ip_avail);
        return;
    }
    uint32_t ihl = (ip[0] & 15u) * 4u, total = spicecap_be16(ip + 2);
    if (total < ihl || total > ip_avail || ihl > ip_avail) {
        /* Ethernet may pad short frames, so only a total beyond the record is wrong. */
        findings_add(&v->findings, FINDING_IP_LENGTH, path, r->number, NULL,
                     "IPv4 total length %u with a %u-byte header, but the record holds %u bytes of IP", total, ihl,
                     ip_avail);
        return;
    }
    s->frames_checked++;
    if (spicecap_sum_finish(spicecap_sum_bytes(ip, ihl, 0)) != 0)
        findings_add(&v->findings, FINDING_IP_CHECKSUM, path, r->number, NULL, "IPv4 header checksum is wrong");
    if (ip[9] != SPICECAP_IPPROTO_TCP) {
        s->non_tcp++;
        validation_note(v, "IPv4 protocol %u is not TCP: counted and skipped", ip[9]);
        return;
    }
    if ((spicecap_be16(ip + 6) & 0x3FFF) != 0) {
        s->fragments++;
        validation_note(v, "IPv4 fragments are counted and skipped");
        return;
    }
    const uint8_t *tcp = ip + ihl;
    uint32_t tcp_len = total - ihl;
    uint32_t offset = tcp_len >= 13 ? (tcp[12] >> 4) * 4u : 0;
    if (tcp_len < SPICECAP_TCP_HDR_LEN || offset < SPICECAP_TCP_HDR_LEN || offset > tcp_len) {
        findings_add(&v->findings, FINDING_TCP_OFFSET, path, r->number, NULL,
                     "TCP data offset %u in a %u-byte segment", offset, tcp_len);
        return;
    }
    flow_key k = {spicecap_be32(ip + 12), spicecap_be32(ip + 16), spicecap_be16(tcp), spicecap_be16(tcp + 2)};
    flow *f = find_flow(v, &k);
    if (f == NULL) {
        if (s->unfollowed++ == 0)
            findings_add(&v->findings, FINDING_LIMIT_REACHED, path, r->number, NULL,
                         "flow limit reached: %u flow directions are followed per file; from this frame on, frames "
                         "of new flows are counted, not checked", VALIDATE_MAX_FLOWS);
        return;
    }
    /* TCP checksum over the pseudo header and the whole segment. */
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = SPICECAP_IPPROTO_TCP;
    pseudo[10] = (uint8_t)(tcp_len >> 8);
    pseudo[11] = (uint8_t)tcp_len;
    uint64_t pseudo_sum = spicecap_sum_bytes(pseudo, sizeof pseudo, 0);
    if (spicecap_sum_finish(spicecap_sum_bytes(tcp, tcp_len, pseudo_sum)) != 0) {
        /* A capture on the sending host sees the checksum before the NIC (or
         * loopback) fills it in: the field holds the pseudo header's sum. */
        uint16_t field = spicecap_be16(tcp + 16);
        uint16_t partial = (uint16_t)~spicecap_sum_finish(pseudo_sum);
        uint16_t complement = (uint16_t)~partial;
        if (!f->recorded && (field == partial || field == complement))
            validation_note(v, "TCP checksums left to offload (the capture was taken on a sending host): not checked");
        else
            findings_add(&v->findings, FINDING_TCP_CHECKSUM, path, r->number, f->name,
                         "TCP checksum 0x%04x is wrong", field);
    }
    reassembly_segment(&v->reassembly, f, r->number, spicecap_be32(tcp + 4), tcp[13], tcp + offset, tcp_len - offset,
                       r->data_lasts);
}

static void finish_flow(gpointer key, gpointer value, gpointer data)
{
    (void)key;
    validation *v = data;
    flow *f = value;
    reassembly_finish(&v->reassembly, f);
    spice_stream_end(&v->stream, f);
    for (unsigned i = 0; i < OBSERVERS; i++) {
        const validation_observer *o = observer_at(v, i);
        if (o && o->flow_end)
            o->flow_end(o->ctx, f);
    }
    v->file->retransmissions += f->retransmissions;
    v->file->keepalives += f->keepalives;
    v->file->uncompared += f->uncompared;
}

/* One line on stderr, redrawn at most four times a second. */
static void show_progress(const capture_reader *r, const char *path, gint64 *last_us, bool done)
{
    gint64 now = g_get_monotonic_time();
    if (!done && now - *last_us < 250000)
        return;
    *last_us = now;
    uint64_t at, total;
    capture_reader_progress(r, &at, &total);
    double fraction = done ? 1.0 : total ? (double)at / (double)total : 0.0;
    if (fraction > 1.0)
        fraction = 1.0;
    int filled = (int)(fraction * 30);
    text_out(stderr, "\r%-40.40s [%.*s%*s] %3d%%", path, filled, "##############################", 30 - filled, "",
            (int)(fraction * 100));
    if (done)
        fputc('\n', stderr);
}

static void read_records(validation *v, capture_reader *r, const char *path);

void validation_add_uncaptured(validation *v, const char *path, const char *format)
{
    file_summary *s = g_new0(file_summary, 1);
    s->path = g_strdup(path);
    s->format = g_strdup(format);
    s->notes = g_ptr_array_new_with_free_func(g_free);
    s->findings_before = v->findings.total;
    g_ptr_array_add(v->files, s);
    v->file = s;
}

bool validation_run_file(validation *v, const char *path, char **error)
{
    capture_reader *r = capture_reader_open(path, error);
    if (r == NULL)
        return false;
    file_summary *s = g_new0(file_summary, 1);
    s->path = g_strdup(path);
    s->format = g_strdup(capture_reader_describe(r));
    s->notes = g_ptr_array_new_with_free_func(g_free);
    s->findings_before = v->findings.total;
    g_ptr_array_add(v->files, s);
    v->file = s;
    v->flows = g_hash_table_new_full(key_hash, key_equal, g_free, free_flow);
    v->connections = g_hash_table_new_full(key_hash, key_equal, g_free, g_free);
    v->windows = 0;
    /* The seq chains hand their bytes and gaps to the SPICE walk, which
     * reports back here: data flows one way, as from TCP to a dissector. */
    g_queue_clear(&v->reassembly.pending_k2);
    v->reassembly = (reassembly){.findings = &v->findings, .path = s->path, .snaplen = capture_reader_snaplen(r),
                                 .ctx = v, .bytes = on_bytes, .gap = on_gap, .empty = on_empty,
                                 .note = on_note};
    g_queue_init(&v->reassembly.pending_k2);
    v->stream = (stream_report){.findings = &v->findings, .path = s->path, .ctx = v, .message = on_message,
                                .retract = on_retract, .note = on_note, .unknown_type = on_unknown_type,
                                .snaplen_rule = spicecap_snaplen_drops_records(v->reassembly.snaplen)};

    /* A plain file that shrinks under the reader faults in its mapping: the
     * handler comes back here, and the file is given up with what it had
     * shown so far (a note says where it stopped); the next file is read. */
    sigjmp_buf shrank;
    sigjmp_buf *outer = mapped_file_set_return(&shrank);
    if (sigsetjmp(shrank, 1) == 0) {
        read_records(v, r, path);
        mapped_file_set_return(outer);
        return true;
    }
    mapped_file_set_return(outer);
    validation_note(v, "%s: the file was checked up to there, not further", mapped_file_fault());
    *error = g_strdup_printf("%s: no report of the rest", mapped_file_fault());
    /* Its flows are freed without their ends: those would read the vanished bytes. */
    g_hash_table_destroy(v->flows);
    g_hash_table_destroy(v->connections);
    v->flows = v->connections = NULL;
    g_queue_clear(&v->reassembly.pending_k2);
    capture_reader_close(r);
    return false;
}

/* Every record of r, then each flow's end. */
static void read_records(validation *v, capture_reader *r, const char *path)
{
    file_summary *s = v->file;
    capture_record rec;
    char *message = NULL;
    capture_status status;
    gint64 last_shown = 0;
    while ((status = capture_reader_next(r, &rec, &message)) == CAPTURE_RECORD) {
        s->records++;
        for (unsigned i = 0; i < OBSERVERS; i++) {
            const validation_observer *o = observer_at(v, i);
            if (o && o->record)
                o->record(o->ctx, &rec);
        }
        check_frame(v, &rec);
        if (v->progress && (s->records & 4095) == 0)
            show_progress(r, path, &last_shown, false);
    }
    if (v->progress)
        show_progress(r, path, &last_shown, true);
    if (status == CAPTURE_CORRUPT || status == CAPTURE_TRUNCATED) {
        s->truncated = v->stream.file_truncated = status == CAPTURE_TRUNCATED;
        findings_add(&v->findings, s->truncated ? FINDING_TRUNCATED_FILE : FINDING_CORRUPT_FILE, path, s->records + 1,
                     NULL, "%s", message);
        g_free(message);
    }
    g_hash_table_foreach(v->flows, finish_flow, v);
    for (unsigned i = 0; i < OBSERVERS; i++) {
        const validation_observer *o = observer_at(v, i);
        if (o && o->file_end)
            o->file_end(o->ctx, s);
    }
    g_hash_table_destroy(v->flows);
    g_hash_table_destroy(v->connections);
    v->flows = v->connections = NULL;
    g_queue_clear(&v->reassembly.pending_k2);
    capture_reader_close(r);
}
