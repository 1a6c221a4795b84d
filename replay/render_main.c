/* spicecap-render: the screen a recording shows at a time, decoded by
 * spice-gtk's client library, as a PNG. Exit status: 0 written, 1 no
 * screen at that time (the recording holds no display surface yet, or the
 * client failed), 2 bad usage or an input that cannot be read. */
#include <stdio.h>
#include <stdlib.h>

#include "recording.h"
#include "render.h"
#include "time_point.h"
#include "version.h"

static int fail(int status, char *error)
{
    fprintf(stderr, "spicecap-render: %s\n", error);
    g_free(error);
    return status;
}

/* The input's name in front of a message that does not start with it. */
static char *about(const char *input, char *error)
{
    if (g_str_has_prefix(error, input))
        return error;
    char *named = g_strdup_printf("%s: %s", input, error);
    g_free(error);
    return named;
}

static int run(const char *input, const char *at, gint64 at_frame, gboolean trigger, const char *out)
{
    if (!input || !out || (!!at + !!at_frame + !!trigger) != 1)
        return fail(2, g_strdup("usage: spicecap-render INPUT (--at SECONDS | --at-frame N | --trigger) -o PNG"));
    uint64_t until_ns = 0;
    char *error = NULL, *note = NULL;
    if (at ? !time_point_seconds(at, &until_ns, &error)
           : at_frame ? (at_frame < 1 ? (error = g_strdup("--at-frame counts from 1"), true)
                                      : !time_point_frame(input, (uint64_t)at_frame, &until_ns, &error))
                      : false)
        return fail(2, about(input, error));
    replay_recording *rec = replay_recording_load(input, &error);
    if (!rec)
        return fail(2, about(input, error));
    if (trigger && !time_point_trigger(input, rec, &until_ns, &note, &error)) {
        replay_recording_free(rec);
        return fail(2, about(input, error));
    }
    if (note) {
        printf("trigger: %s\n", note);
        g_free(note);
    }
    for (guint i = 0; i < rec->notes->len; i++)
        printf("%s\n", (const char *)rec->notes->pdata[i]);
    render_result result = {0};
    bool ok = replay_render(rec, until_ns, out, &result, &error);
    replay_recording_free(rec);
    if (!ok)
        return fail(1, about(input, error));
    printf("%s: %dx%d, the display channel's first %u messages\n", out, result.width, result.height,
           result.messages_served);
    if (result.messages_lacking)
        printf("lacking: the display channel's recording has %u gap%s before that time (ryll's snaplen, a full "
               "writer queue, packets the capture dropped): at least as many messages were not served, and the "
               "screen may differ where they drew\n",
               result.messages_lacking, result.messages_lacking == 1 ? "" : "s");
    return 0;
}

int main(int argc, char **argv)
{
    char *at = NULL, *out = NULL;
    gint64 at_frame = 0;
    gboolean version = FALSE, trigger = FALSE;
    GOptionEntry entries[] = {
        {"at", 0, 0, G_OPTION_ARG_STRING, &at, "the time, in seconds since the input's first frame (frame.time_relative)", "SECONDS"},
        {"at-frame", 0, 0, G_OPTION_ARG_INT64, &at_frame, "the time of frame N of the input (a single file)", "N"},
        {"trigger", 0, 0, G_OPTION_ARG_NONE, &trigger, "the time a bug report was triggered (its metadata.json)", NULL},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "the PNG to write", "PNG"},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, "the version and the libraries built with", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("INPUT");
    g_option_context_set_summary(ctx, "The screen a recorded SPICE session shows at a time, as the reference client "
                                      "(spice-gtk) decodes it, written as a PNG.\nINPUT: a raw capture (pcap or "
                                      "pcapng, link stage included), a ryll capture directory, a bug report zip or "
                                      "its traffic.pcap.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        g_option_context_free(ctx);
        g_free(at), g_free(out);
        char *msg = g_strdup(gerr->message);
        g_error_free(gerr);
        return fail(2, msg);
    }
    g_option_context_free(ctx);
    if (version) {
        spicecap_print_version(stdout, "spicecap-render");
        return 0;
    }
    int status = run(argc == 2 ? argv[1] : NULL, at, at_frame, trigger, out);
    g_free(at), g_free(out);
    return status;
}
