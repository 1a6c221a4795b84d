#include "report_channel.h"

#include <string.h>

#include "bytes.h"
#include "capture_reader.h"
#include "channels.h"
#include "recorded.h"

#define ANY_CHANNEL SPICECAP_CHANNEL_SLOTS

/* Frames of recorded flows whose channel is slot (ANY_CHANNEL: any), read
 * from the file again; stops at the first one. -1 when it cannot be read. */
static int has_frames(const char *path, unsigned slot)
{
    char *error = NULL;
    capture_reader *r = capture_reader_open(path, &error);
    if (r == NULL) {
        g_free(error);
        return -1;
    }
    capture_record rec;
    int found = 0;
    while (!found && capture_reader_next(r, &rec, &error) == CAPTURE_RECORD) {
        const uint8_t *p = rec.data;
        if (rec.linktype != SPICECAP_DLT_EN10MB || rec.caplen < SPICECAP_ETH_HDR_LEN + SPICECAP_IPV4_HDR_LEN ||
            spicecap_be16(p + 12) != SPICECAP_ETHERTYPE_IPV4)
            continue;
        const uint8_t *ip = p + SPICECAP_ETH_HDR_LEN;
        uint32_t ihl = (ip[0] & 15u) * 4u;
        if ((ip[0] >> 4) != 4 || ihl < SPICECAP_IPV4_HDR_LEN || ip[9] != SPICECAP_IPPROTO_TCP ||
            rec.caplen < SPICECAP_ETH_HDR_LEN + ihl + 4)
            continue;
        const uint8_t *tcp = ip + ihl;
        uint32_t src = spicecap_be32(ip + 12), dst = spicecap_be32(ip + 16);
        uint16_t sport = spicecap_be16(tcp), dport = spicecap_be16(tcp + 2);
        if (!spicecap_recorded_flow(src, sport, dst, dport))
            continue;
        uint16_t client = spicecap_recorded_direction(sport) == SPICECAP_DIR_RECEIVED ? dport : sport;
        found = slot == ANY_CHANNEL || spicecap_recorded_channel(client) == slot;
    }
    g_free(error);
    capture_reader_close(r);
    return found;
}

/* "main 12, display 40" for the report's finding. */
static char *what_it_holds(const file_summary *s)
{
    GString *out = g_string_new(NULL);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (s->channels[c].messages)
            g_string_append_printf(out, "%s%s %" G_GUINT64_FORMAT, out->len ? ", " : "", spicecap_channel_label(c),
                                   s->channels[c].messages);
    if (out->len == 0)
        g_string_append(out, "none");
    return g_string_free(out, FALSE);
}

void report_channel_check(validation *v, const input_metadata *m, const file_summary *s)
{
    if (m->kind != METADATA_BUG_REPORT || m->status == METADATA_ABSENT || m->status == METADATA_UNREADABLE)
        return;
    const char *name = metadata_string(m, "channel");
    if (name == NULL) { /* a malformed file's note says enough */
        if (m->status == METADATA_READ)
            validation_note(v, "%s names no channel: the report's channel is not checked", m->file);
        return;
    }
    unsigned slot = ANY_CHANNEL;
    uint64_t messages = 0;
    if (strcmp(name, "all") == 0) {
        for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
            messages += s->channels[c].messages;
    } else {
        unsigned channel = spicecap_channel_from_name(name);
        if (channel == 0) {
            validation_note(v, "%s names the channel '%s', which is no SPICE channel: the report's channel is not "
                            "checked", m->file, name);
            return;
        }
        /* A channel without a port of its own (webdav) is recorded on 10099,
         * where the pcap cannot tell it from playback. */
        slot = spicecap_recorded_channel(spicecap_client_port(channel));
        messages = s->channels[slot].messages;
    }
    if (messages > 0 || has_frames(s->path, slot) != 0)
        return;
    char *holds = what_it_holds(s);
    char *type = metadata_report_type(m);
    const char *port_note = slot != ANY_CHANNEL && slot != spicecap_channel_from_name(name)
                                ? " (it is recorded on the shared port 10099)" : "";
    /* ryll gives its usbredir channel no ring handle (usbredir.rs): the
     * ring stays empty, so a Usb report can never hold that traffic. */
    const char *why = slot == SPICE_CHANNEL_USBREDIR
                          ? "; ryll records no usbredir traffic into its rings (its usbredir channel has no ring "
                            "handle), so a Usb report cannot carry any: the fix, on ryll's side, is to record the "
                            "usbredir channel's messages into its ring as the other channels do"
                          : "";
    if (slot == ANY_CHANNEL)
        findings_add(&v->findings, FINDING_REPORT_CHANNEL_EMPTY, s->path, 0, NULL,
                     "the bug report (%s) names every channel ('all'), but its pcap holds no SPICE traffic at all: "
                     "the report shows nothing of the session", type ? type : "type not given");
    else
        findings_add(&v->findings, FINDING_REPORT_CHANNEL_EMPTY, s->path, 0, NULL,
                     "the bug report (%s) is about the %s channel%s, but its pcap holds no traffic of it (messages "
                     "by channel: %s): the report shows nothing of what it reports%s",
                     type ? type : "type not given", name, port_note, holds, why);
    g_free(type);
    g_free(holds);
}
