#include "live_out.h"

#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mkdirs.h"
#include "ryll_metadata.h"

/* The directory must be there, or (ryll-compat) is made as ryll makes it. */
static int prepare_dir(const live_request *req, GPtrArray *made_dirs, char **error)
{
    if (req->ryll_compat) {
        char *why = NULL;
        if (mkdirs(req->dir, made_dirs, &why) == 0)
            return 0;
        *error = g_strdup_printf("--live: cannot make the directory %s", why);
        g_free(why);
        return -1;
    }
    struct stat st;
    if (stat(req->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *error = g_strdup_printf("--live: '%s' is not a directory", req->dir);
        return -1;
    }
    return 0;
}

/* Nothing asked for was written: remove metadata.json, the pcaps opened and
 * the directories made. */
static void discard(const char *dir, const sink *s, GPtrArray *made_dirs)
{
    char *path = g_build_filename(dir, "metadata.json", NULL);
    unlink(path);
    g_free(path);
    for (unsigned c = 0; c < SPICECAP_CHANNEL_SLOTS; c++)
        if (s->live_names[c] != NULL) {
            path = g_build_filename(dir, s->live_names[c], NULL);
            unlink(path);
            g_free(path);
        }
    mkdirs_undo(made_dirs);
}

int live_out_write(const live_request *req, sink *s, manifest *m, GPtrArray *made_dirs, char **error)
{
    if (prepare_dir(req, made_dirs, error) != 0) {
        mkdirs_undo(made_dirs);
        return -1;
    }
    /* ryll writes metadata.json before it opens the pcaps. */
    char *metadata_path = g_build_filename(req->dir, "metadata.json", NULL);
    char *metadata = ryll_capture_metadata();
    GError *gerr = NULL;
    gboolean written = g_file_set_contents(metadata_path, metadata, -1, &gerr);
    g_free(metadata);
    g_free(metadata_path);
    if (!written) {
        *error = g_strdup(gerr->message);
        g_error_free(gerr);
        mkdirs_undo(made_dirs);
        return -1;
    }
    /* Phase 08's intent writes per message; ryll writes socket reads. */
    s->mode = req->per_message ? SINK_LIVE : SINK_LIVE_READS;
    s->live_dir = req->dir;
    s->pcap_options = req->pcap_options;
    s->snaplen_rule = req->ryll_compat;
    s->snaplen = req->snaplen;
    s->ryll_live = req->ryll_compat;
    s->read_rng.state = req->scenario->seed * 0xD1B54A32D192ED03ull + 0x5265616473ull;
    s->queue_fault = req->queue_fault;
    s->queue_fault_read = 3 + req->scenario->seed % 7;
    m->output_kind = "live";
    m->received_records = "reads";
    if (req->ryll_compat && sink_open_ryll_live(s) != SPICECAP_OK) {
        *error = g_strdup(spicecap_last_error());
        discard(req->dir, s, made_dirs);
        return -1;
    }
    int rc = scenario_run(req->scenario, sink_emit, s);
    if (rc == 0 && s->mode == SINK_LIVE_READS)
        rc = sink_finish_reads(s);
    if (rc != 0) {
        *error = g_strdup(spicecap_last_error());
        return -1;
    }
    if (s->queue_fault) {
        discard(req->dir, s, made_dirs);
        *error = g_strdup_printf("--fault queue-overflow: the session has no display read of 64 bytes or more from "
                                 "read %" PRIu64 " on to drop",
                                 s->queue_fault_read);
        return -1;
    }
    return 0;
}
