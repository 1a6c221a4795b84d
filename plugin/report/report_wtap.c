/* The wiretap glue: Wireshark's file handle as a report_source, the
 * reader's records as wtap records, its facts as the section's options and
 * the trigger frame's comment. Everything else is report_reader.c's. */
#include "report_wtap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_reader.h"
#include "wtap_compat.h"
#include "zip_reader.h"

static int report_file_type = -1;

/* The format's one name: the file type (capinfos's "File type", Capture
 * File Properties' "Format"), the Open dialog's file type ("ryll bug report
 * (*.zip)") and the reader Wireshark tries. */
#define REPORT_FORMAT_NAME "ryll bug report"

/* A classic pcap record's header (pcap-savefile(5)). */
#define PCAP_RECORD_HEADER_BYTES 16u

typedef struct fh_source {
    FILE_T fh;
} fh_source;

/* Per open file, in wth->priv (which wtap_close() g_free()s after
 * subtype_close has freed what it holds). A stored traffic.pcap is read in
 * place: sequential reads through wth->fh, random-access reads through
 * wth->random_fh, as Wireshark's own readers do (the GUI interleaves them). */
typedef struct report_state {
    report *report;
    fh_source sequential_fh, random_fh;
    report_source sequential, random;
    uint64_t next; /* the next record's offset in traffic.pcap, for sequential reads */
    /* Added to a record's offset in traffic.pcap to make the offset Wireshark
     * is given: the zip's size minus traffic.pcap's, plus a record header,
     * when positive. Wireshark takes a file's Length (Capture File
     * Properties) from the last record's offset plus its captured length, so
     * a stored traffic.pcap's last record then ends at the zip's size; a
     * deflated one that inflates past the zip's size shows the inflated
     * size, as Wireshark shows a gzipped pcap's. */
    uint64_t bias;
} report_state;

static int fh_read_at(void *ctx, uint64_t offset, void *buf, size_t len, char **error)
{
    fh_source *s = ctx;
    int err = 0;
    if (file_seek(s->fh, (int64_t)offset, SEEK_SET, &err) < 0) {
        *error = g_strdup_printf("cannot seek to offset %" PRIu64 ": %s", offset, err > 0 ? g_strerror(err) : "error");
        return -1;
    }
    for (size_t done = 0; done < len;) {
        unsigned step = (unsigned)MIN(len - done, (size_t)1 << 30);
        int got = file_read((uint8_t *)buf + done, step, s->fh);
        if (got <= 0) {
            char *why = NULL;
            int ferr = file_error(s->fh, &why);
            *error = ferr ? g_strdup_printf("read error at offset %" PRIu64 ": %s", offset + done,
                                            why ? why : (ferr > 0 ? g_strerror(ferr) : "error"))
                          : g_strdup_printf("the file ends at offset %" PRIu64 ", inside %zu bytes read at %" PRIu64
                                            " (truncated)",
                                            offset + done, len, offset);
            g_free(why);
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

static void fh_source_init(report_source *src, fh_source *fs, FILE_T fh, uint64_t size)
{
    fs->fh = fh;
    src->ctx = fs;
    src->size = size;
    src->read_at = fh_read_at;
    src->compressed = fh && file_iscompressed(fh); /* size is then the compressed one: the zip's end is not there */
}

/* One record into rec (and buf before 4.6), with the trigger comment. */
static spicecap_wtap_bool put_record(wtap *wth, const report *r, const report_source *file, uint64_t offset,
                                     wtap_rec *rec, Buffer *bytes, int *err, char **err_info, uint64_t *next)
{
    const report_source *src = report_traffic(r, file);
    pcap_record pr;
    char *why = NULL;
    switch (pcap_records_at(&r->pcap, src, offset, &pr, &why)) {
    case PCAP_RECORD_OK:
        break;
    case PCAP_RECORD_END:
        *err = 0;
        return FALSE;
    case PCAP_RECORD_TRUNCATED:
        *err = WTAP_ERR_SHORT_READ;
        *err_info = g_strdup_printf("spicecap_report: %s", why);
        g_free(why);
        return FALSE;
    case PCAP_RECORD_BAD:
        *err = WTAP_ERR_BAD_FILE;
        *err_info = g_strdup_printf("spicecap_report: %s", why);
        g_free(why);
        return FALSE;
    }
    spicecap_wtap_setup_packet(rec, wth->file_encap);
    rec->presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec->tsprec = wth->file_tsprec;
    rec->ts.secs = (time_t)pr.seconds;
    rec->ts.nsecs = (int)pr.nanoseconds;
    rec->rec_header.packet_header.caplen = pr.caplen;
    rec->rec_header.packet_header.len = pr.len;
#if SPICECAP_WTAP_AT_LEAST(4, 6)
    /* The record's own buffer holds this record's bytes and no others. */
    ws_buffer_clean(bytes);
#endif
    ws_buffer_assure_space(bytes, pr.caplen);
    if (!pcap_records_read(&r->pcap, src, &pr, ws_buffer_start_ptr(bytes), &why)) {
        *err = WTAP_ERR_BAD_FILE;
        *err_info = g_strdup_printf("spicecap_report: %s", why);
        g_free(why);
        return FALSE;
    }
#if SPICECAP_WTAP_AT_LEAST(4, 6)
    ws_buffer_increase_length(bytes, pr.caplen);
#endif
    const char *comment = report_comment_at(r, offset);
    if (comment) {
        if (rec->block == NULL)
            rec->block = wtap_block_create(WTAP_BLOCK_PACKET);
        wtap_block_add_string_option(rec->block, OPT_COMMENT, comment, strlen(comment));
    }
    if (next)
        *next = pr.next;
    return TRUE;
}

static spicecap_wtap_bool report_read(wtap *wth, wtap_rec *rec, SPICECAP_WTAP_BUFFER_PARAM int *err, char **err_info,
                                      int64_t *data_offset)
{
    report_state *s = wth->priv;
    *data_offset = (int64_t)(s->next + s->bias);
    return put_record(wth, s->report, &s->sequential, s->next, rec, spicecap_wtap_record_bytes(rec, buf), err,
                      err_info, &s->next);
}

static spicecap_wtap_bool report_seek_read(wtap *wth, int64_t seek_off, wtap_rec *rec,
                                           SPICECAP_WTAP_BUFFER_PARAM int *err, char **err_info)
{
    report_state *s = wth->priv;
    if (seek_off < 0 || (uint64_t)seek_off < s->bias) {
        *err = WTAP_ERR_BAD_FILE;
        *err_info = g_strdup_printf("spicecap_report: no record at offset %" PRId64, seek_off);
        return FALSE;
    }
    if (!put_record(wth, s->report, &s->random, (uint64_t)seek_off - s->bias, rec,
                    spicecap_wtap_record_bytes(rec, buf), err, err_info, NULL)) {
        if (*err == 0) { /* a random read at the end: the offset was no record's */
            *err = WTAP_ERR_BAD_FILE;
            *err_info = g_strdup_printf("spicecap_report: no record at offset %" PRId64, seek_off);
        }
        return FALSE;
    }
    return TRUE;
}

static void report_close(wtap *wth)
{
    report_state *s = wth->priv;
    if (s) {
        report_free(s->report);
        s->report = NULL;
    }
}

static void add_section_option(wtap *wth, unsigned option, const char *text)
{
    wtap_block_t shb = wtap_file_get_shb(wth, 0);
    if (shb && text)
        wtap_block_add_string_option(shb, option, text, strlen(text));
}

#if SPICECAP_WTAP_AT_LEAST(4, 4)
typedef char spicecap_errinfo_char;
#else
typedef gchar spicecap_errinfo_char;
#endif

static wtap_open_return_val report_open_file(wtap *wth, int *err, spicecap_errinfo_char **err_info)
{
    uint8_t magic[4];
    if (!wtap_read_bytes(wth->fh, magic, sizeof magic, err, err_info))
        return *err == WTAP_ERR_SHORT_READ ? WTAP_OPEN_NOT_MINE : WTAP_OPEN_ERROR;
    if (memcmp(magic, ZIP_LOCAL_MAGIC, sizeof magic) != 0)
        return WTAP_OPEN_NOT_MINE;
    int64_t size = wtap_file_size(wth, err);
    if (size < 0)
        return WTAP_OPEN_ERROR;
    report_state *s = g_new0(report_state, 1);
    fh_source_init(&s->sequential, &s->sequential_fh, wth->fh, (uint64_t)size);
    fh_source_init(&s->random, &s->random_fh, wth->random_fh, (uint64_t)size);
    report *r = NULL;
    char *why = NULL;
    switch (report_open(&s->sequential, "the report", &r, &why)) {
    case REPORT_NOT_MINE:
        g_free(s);
        return WTAP_OPEN_NOT_MINE;
    case REPORT_BROKEN:
        g_free(s);
        *err = WTAP_ERR_BAD_FILE;
        *err_info = g_strdup_printf("spicecap_report: %s", why);
        g_free(why);
        return WTAP_OPEN_ERROR;
    case REPORT_OPENED:
        break;
    }
    int encap = wtap_pcap_encap_to_wtap_encap((int)r->pcap.linktype);
    if (encap == WTAP_ENCAP_UNKNOWN) {
        *err = WTAP_ERR_UNSUPPORTED;
        *err_info = g_strdup_printf("spicecap_report: traffic.pcap's link type %u is not one Wireshark knows",
                                    r->pcap.linktype);
        report_free(r);
        g_free(s);
        return WTAP_OPEN_ERROR;
    }
    s->report = r;
    s->next = pcap_records_first(&r->pcap);
    s->bias = (uint64_t)size + PCAP_RECORD_HEADER_BYTES > r->pcap.len
                  ? (uint64_t)size + PCAP_RECORD_HEADER_BYTES - r->pcap.len
                  : 0;
    wth->priv = s;
    wth->file_type_subtype = report_file_type;
    wth->file_encap = encap;
    wth->snapshot_length = r->pcap.snaplen;
    wth->file_tsprec = r->pcap.nanoseconds ? WTAP_TSPREC_NSEC : WTAP_TSPREC_USEC;
    wth->subtype_read = report_read;
    wth->subtype_seek_read = report_seek_read;
    wth->subtype_close = report_close;
    add_section_option(wth, OPT_COMMENT, r->section_comment);
    add_section_option(wth, OPT_SHB_OS, r->os);
    add_section_option(wth, OPT_SHB_USERAPPL, r->application);
    wtap_add_generated_idb(wth);
    return WTAP_OPEN_MINE;
}

/* The mirror of struct wtap (wtap_compat.h) against libwiretap: fields set
 * in a zeroed one must read back through the public accessors. NULL when
 * they agree, else why not. */
static char *mirror_check(void)
{
    wtap *probe = g_malloc0(sizeof *probe + 256); /* spare room: a larger real struct is read, not written */
    probe->file_type_subtype = 0x5ca1;
    probe->snapshot_length = 0x1234567;
    probe->file_encap = 0x2bad;
    probe->file_tsprec = 0x3c;
    char *why = NULL;
    if (wtap_file_type_subtype(probe) != 0x5ca1 || wtap_snapshot_length(probe) != 0x1234567 ||
        wtap_file_encap(probe) != 0x2bad || wtap_file_tsprec(probe) != 0x3c)
        why = g_strdup_printf("its copy of struct wtap (wtap_compat.h, for Wireshark %d.%d) does not match this "
                              "libwiretap (file_type_subtype %d, snapshot_length %u, file_encap %d, file_tsprec %d "
                              "read back): built for another Wireshark?",
                              WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR, wtap_file_type_subtype(probe),
                              (unsigned)wtap_snapshot_length(probe), wtap_file_encap(probe),
                              wtap_file_tsprec(probe));
    g_free(probe);
    return why;
}

static const struct supported_option_type section_options[] = {
    {OPT_COMMENT, ONE_OPTION_SUPPORTED},
    {OPT_SHB_OS, ONE_OPTION_SUPPORTED},
    {OPT_SHB_USERAPPL, ONE_OPTION_SUPPORTED},
};
static const struct supported_option_type packet_options[] = {
    {OPT_COMMENT, ONE_OPTION_SUPPORTED},
};
static const struct supported_block_type report_blocks[] = {
    {WTAP_BLOCK_SECTION, ONE_BLOCK_SUPPORTED, OPTION_TYPES_SUPPORTED(section_options)},
    {WTAP_BLOCK_IF_ID_AND_INFO, ONE_BLOCK_SUPPORTED, NO_OPTIONS_SUPPORTED},
    {WTAP_BLOCK_PACKET, MULTIPLE_BLOCKS_SUPPORTED, OPTION_TYPES_SUPPORTED(packet_options)},
};

void spicecap_report_register(void)
{
    char *why = mirror_check();
    if (why) {
        g_warning("spicecap_report.so registers no file type: %s", why);
        g_free(why);
        return;
    }
    static const struct file_type_subtype_info info = {
        .description = REPORT_FORMAT_NAME,
        .name = "spicecap-ryll-report",
        .default_file_extension = "zip",
        .additional_file_extensions = NULL,
        .writing_must_seek = FALSE,
        .num_supported_blocks = sizeof report_blocks / sizeof report_blocks[0],
        .supported_blocks = report_blocks,
        .can_write_encap = NULL,
        .dump_open = NULL,
        .wslua_info = NULL,
    };
    report_file_type = wtap_register_file_type_subtype(&info);
    /* "PK\3\4" is a magic number: tried with the other magic readers, and
     * a zip that is not a ryll report is left to the others. */
    static struct open_info open_info = {
        .name = REPORT_FORMAT_NAME,
        .type = OPEN_INFO_MAGIC,
        .open_routine = report_open_file,
        .extensions = "zip",
        .extensions_set = NULL,
        .wslua_data = NULL,
    };
    wtap_register_open_info(&open_info, FALSE);
    /* The Open dialog's file types, and a capture file's extension: without
     * it "All Capture Files" hides every zip. */
    static const struct file_extension_info extension = {REPORT_FORMAT_NAME, TRUE, "zip"};
    wtap_register_file_type_extension(&extension);
}
