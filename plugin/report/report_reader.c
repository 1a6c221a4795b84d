#include "report_reader.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "bytes.h"
#include "format.h"
#include "json_bounds.h"
#include "report_bounds.h"
#include "report_limits.h"
#include "report_members.h"
#include "zip_check.h"
#include "zip_reader.h"

/* Is this zip ryll's? Its first member is one of ryll's (it writes
 * metadata.json first): asked when the directory cannot be read, so that a
 * truncated report gets its error rather than "not a capture file". */
static bool first_member_is_ryll(const report_source *src)
{
    char *name = zip_first_member_name(src);
    bool ryll = name && (strcmp(name, REPORT_MEMBER_METADATA) == 0 || strcmp(name, REPORT_MEMBER_TRAFFIC) == 0);
    g_free(name);
    return ryll;
}

/* metadata.json names ryll's report (its version or its report type). */
static bool metadata_is_ryll(const input_metadata *m)
{
    return m->status == METADATA_READ || m->status == METADATA_MALFORMED
               ? json_object_has_member(m->members, "ryll_version") || json_object_has_member(m->members, "report_type")
               : false;
}

/* An optional JSON member (session.json, channel-state.json,
 * notifications.json, runtime-metrics.json, disconnect-cause.json): its
 * root, of the shape ryll writes (an object; notifications.json an array),
 * or NULL with a note of why when it is there but cannot be read. */
static JsonNode *optional_member(const report_source *src, const zip_directory *dir, const char *name,
                                 JsonNodeType shape, GString *notes)
{
    const zip_member *m = zip_directory_find(dir, name);
    if (m == NULL)
        return NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *error = NULL;
    if (!zip_member_read(src, m, METADATA_MAX_BYTES, &bytes, &len, &error)) {
        g_string_append_printf(notes, "%s%s not read: %s", notes->len ? "\n" : "", name, error);
        g_free(error);
        return NULL;
    }
    char bound[128];
    if (!json_text_bounded((const char *)bytes, len, REPORT_JSON_MAX_VALUES, bound, sizeof bound)) {
        g_string_append_printf(notes, "%s%s not read: %s", notes->len ? "\n" : "", name, bound);
        g_free(bytes);
        return NULL;
    }
    JsonParser *parser = json_parser_new();
    GError *gerr = NULL;
    JsonNode *object = NULL;
    if (!json_parser_load_from_data(parser, (const char *)bytes, (gssize)len, &gerr)) {
        g_string_append_printf(notes, "%s%s not read: %s", notes->len ? "\n" : "", name, gerr->message);
        g_error_free(gerr);
    } else if (json_parser_get_root(parser) && JSON_NODE_TYPE(json_parser_get_root(parser)) == shape) {
        object = json_node_copy(json_parser_get_root(parser));
    } else {
        g_string_append_printf(notes, "%s%s not read: not a JSON %s", notes->len ? "\n" : "", name,
                               shape == JSON_NODE_ARRAY ? "array" : "object");
    }
    g_object_unref(parser);
    g_free(bytes);
    return object;
}

/* The first record at or after the trigger, else the last record. A record
 * that cannot be read ends the search (the read reports it there). */
static void place_trigger(report *r, const report_source *file)
{
    const report_source *src = report_traffic(r, file);
    pcap_record rec;
    char *error = NULL;
    r->trigger.no_frames =
        pcap_records_at(&r->pcap, src, pcap_records_first(&r->pcap), &rec, &error) == PCAP_RECORD_END;
    g_free(error);
    error = NULL;
    uint64_t trigger;
    if (!report_trigger_ns(r->metadata, &trigger))
        return;
    uint64_t offset = pcap_records_first(&r->pcap), frame = 0;
    while (pcap_records_at(&r->pcap, src, offset, &rec, &error) == PCAP_RECORD_OK) {
        frame++;
        r->trigger.found = true;
        r->trigger.frame = frame;
        r->trigger.frame_ns = pcap_record_time_ns(&rec);
        r->trigger_offset = offset;
        if (r->trigger.frame_ns >= trigger)
            break;
        offset = rec.next;
    }
    g_free(error);
    r->trigger.frames_read = frame;
    r->trigger.after_end = r->trigger.found && r->trigger.frame_ns < trigger;
}

/* traffic.pcap checked and its header read: in place when stored, else
 * inflated into r->traffic. */
static bool load_traffic(report *r, const report_source *src, const zip_member *m, char **why)
{
    uint64_t data_at;
    if (!zip_member_data(src, m, REPORT_MAX_PCAP_BYTES, &data_at, why))
        return false;
    if (zip_member_stored(m)) {
        if (!zip_member_check_stored(src, m, data_at, why))
            return false;
        return pcap_records_open(&r->pcap, src, data_at, m->size, why);
    }
    size_t len = 0;
    if (!zip_member_read(src, m, REPORT_MAX_PCAP_BYTES, &r->traffic, &len, why))
        return false;
    report_source_memory(&r->traffic_source, &r->traffic_memory, r->traffic, len);
    return pcap_records_open(&r->pcap, &r->traffic_source, 0, len, why);
}

/* A report without traffic.pcap: the file header ryll's capture writer
 * writes (pcap-file 2.0.0: big-endian, microseconds, snaplen 65535,
 * Ethernet) and no record. */
static bool load_no_traffic(report *r, char **why)
{
    const uint32_t words[] = {SPICECAP_PCAP_MAGIC_USEC,
                              (uint32_t)SPICECAP_PCAP_VERSION_MAJOR << 16 | SPICECAP_PCAP_VERSION_MINOR,
                              0, /* thiszone */
                              0, /* sigfigs */
                              SPICECAP_RYLL_PCAP_SNAPLEN,
                              SPICECAP_DLT_EN10MB};
    r->traffic = g_malloc(SPICECAP_PCAP_FILE_HDR_LEN);
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) /* big-endian, as pcap-file writes */
        spicecap_put_be32(r->traffic + 4 * i, words[i]);
    report_source_memory(&r->traffic_source, &r->traffic_memory, r->traffic, SPICECAP_PCAP_FILE_HDR_LEN);
    return pcap_records_open(&r->pcap, &r->traffic_source, 0, SPICECAP_PCAP_FILE_HDR_LEN, why);
}

static report_open_status broken(report *r, char **error, char *why)
{
    *error = why;
    report_free(r);
    return REPORT_BROKEN;
}

/* Does the zip look like ryll's, before its directory is trusted: a
 * member of ryll's is named in it, or starts the file. A refused zip of
 * ryll's gets the reason; any other zip is left to other readers. */
static bool looks_like_ryll(const report_source *src, const zip_directory *dir)
{
    return zip_directory_find(dir, REPORT_MEMBER_METADATA) || zip_directory_find(dir, REPORT_MEMBER_TRAFFIC) ||
           first_member_is_ryll(src);
}

report_open_status report_open(const report_source *src, const char *name, report **out, char **error)
{
    *out = NULL;
    if (src->compressed) {
        if (!first_member_is_ryll(src))
            return REPORT_NOT_MINE;
        *error = g_strdup("a ryll bug report compressed with gzip (or another compressor): a zip is read from its "
                          "end, which a compressed file does not give; gunzip it first");
        return REPORT_BROKEN;
    }
    zip_directory dir;
    char *why = NULL;
    zip_status zs = zip_directory_read(src, &dir, &why);
    if (zs != ZIP_READ) {
        if (!first_member_is_ryll(src)) {
            g_free(why);
            return REPORT_NOT_MINE;
        }
        *error = g_strdup_printf("a ryll bug report whose zip directory cannot be read: %s",
                                 zs == ZIP_NOT_ZIP ? "no end-of-central-directory record (the zip is truncated)" : why);
        g_free(why);
        return REPORT_BROKEN;
    }
    if (!looks_like_ryll(src, &dir)) { /* any other zip: left to other readers, unchecked */
        zip_directory_clear(&dir);
        return REPORT_NOT_MINE;
    }
    /* The validator runs the same check before it reads: both tools take
     * the same bytes or refuse with these words. */
    if (!zip_check_one_reading(src->ctx, src->size, src->read_at, &why)) {
        zip_directory_clear(&dir);
        *error = g_strdup_printf("a ryll bug report refused: %s", why);
        g_free(why);
        return REPORT_BROKEN;
    }
    const zip_member *meta_member = zip_directory_find(&dir, REPORT_MEMBER_METADATA),
                     *traffic_member = zip_directory_find(&dir, REPORT_MEMBER_TRAFFIC);
    if (meta_member == NULL) {
        zip_directory_clear(&dir);
        return REPORT_NOT_MINE;
    }
    report *r = g_new0(report, 1);
    uint8_t *text = NULL;
    size_t text_len = 0;
    if (!zip_member_read(src, meta_member, METADATA_MAX_BYTES, &text, &text_len, &why)) {
        zip_directory_clear(&dir);
        return broken(r, error, why);
    }
    char *file = g_strdup_printf(REPORT_MEMBER_METADATA " in %s", name);
    r->metadata = metadata_new(METADATA_BUG_REPORT, name, file);
    g_free(file);
    metadata_take_text(r->metadata, (const char *)text, text_len);
    g_free(text);
    if (!metadata_is_ryll(r->metadata)) {
        /* metadata.json beside traffic.pcap that does not parse (or is too
         * deep) is ryll's report broken, not another format's zip: say why. */
        bool malformed = r->metadata->status == METADATA_MALFORMED;
        zip_directory_clear(&dir);
        if (malformed && r->metadata->problem)
            return broken(r, error, g_strdup_printf("a ryll bug report that cannot be read: %s", r->metadata->problem));
        report_free(r);
        return REPORT_NOT_MINE;
    }
    /* A ryll report without traffic.pcap (a ryll built without capture, a
     * webdav Disconnect) is a capture of no frames, its facts in the
     * comment with the reason; a zip with neither is another format's. */
    const char *no_traffic = traffic_member ? NULL : metadata_no_traffic_reason(r->metadata);
    if (!traffic_member && !no_traffic) {
        zip_directory_clear(&dir);
        report_free(r);
        return REPORT_NOT_MINE;
    }
    if (traffic_member ? !load_traffic(r, src, traffic_member, &why) : !load_no_traffic(r, &why)) {
        zip_directory_clear(&dir);
        return broken(r, error, why);
    }
    /* One optional member parsed at a time, its lines taken and its tree
     * freed before the next: a hostile member's tree can be many times the
     * size of its text. In the order the lines are shown. */
    static const struct {
        const char *name;
        JsonNodeType shape;
        size_t slot; /* its place in report_members_read */
    } optional[] = {
        {REPORT_MEMBER_SESSION, JSON_NODE_OBJECT, offsetof(report_members_read, session)},
        {REPORT_MEMBER_CHANNEL_STATE, JSON_NODE_OBJECT, offsetof(report_members_read, channel_state)},
        {REPORT_MEMBER_NOTIFICATIONS, JSON_NODE_ARRAY, offsetof(report_members_read, notifications)},
        {REPORT_MEMBER_RUNTIME, JSON_NODE_OBJECT, offsetof(report_members_read, runtime)},
        {REPORT_MEMBER_DISCONNECT, JSON_NODE_OBJECT, offsetof(report_members_read, disconnect)},
    };
    GString *notes = g_string_new(NULL), *counters = g_string_new(NULL);
    if (no_traffic)
        g_string_append_printf(notes, "\n%s", no_traffic);
    for (size_t i = 0; i < G_N_ELEMENTS(optional); i++) {
        report_members_read one = {0};
        JsonNode *node = optional_member(src, &dir, optional[i].name, optional[i].shape, notes);
        *(JsonNode **)((char *)&one + optional[i].slot) = node;
        report_counter_lines(counters, &one);
        if (node)
            json_node_unref(node);
    }
    zip_directory_clear(&dir);
    place_trigger(r, src);
    r->section_comment = report_section_comment(r->metadata, counters->str, &r->trigger, notes->str);
    if (r->trigger.found)
        r->trigger_comment = report_trigger_comment(r->metadata, &r->trigger);
    r->os = report_os(r->metadata);
    r->application = report_application(r->metadata);
    g_string_free(counters, TRUE);
    g_string_free(notes, TRUE);
    *out = r;
    return REPORT_OPENED;
}

void report_free(report *r)
{
    if (r == NULL)
        return;
    metadata_free(r->metadata);
    g_free(r->traffic);
    g_free(r->section_comment);
    g_free(r->os);
    g_free(r->application);
    g_free(r->trigger_comment);
    g_free(r);
}

const report_source *report_traffic(const report *r, const report_source *file)
{
    return r->traffic ? &r->traffic_source : file;
}

const char *report_comment_at(const report *r, uint64_t offset)
{
    return r->trigger.found && offset == r->trigger_offset ? r->trigger_comment : NULL;
}
