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

int main(int argc, char **argv)
{
    char *at = NULL, *out = NULL;
    gint64 at_frame = 0;
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        {"at", 0, 0, G_OPTION_ARG_STRING, &at, "the time, in seconds since the input's first frame (frame.time_relative)", "SECONDS"},
        {"at-frame", 0, 0, G_OPTION_ARG_INT64, &at_frame, "the time of frame N of the input (a single file)", "N"},
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
        char *msg = g_strdup(gerr->message);
        g_error_free(gerr);
        return fail(2, msg);
    }
    g_option_context_free(ctx);
    if (version) {
        spicecap_print_version(stdout, "spicecap-render");
        return 0;
    }
    if (argc != 2 || !out || (!at == !at_frame))
        return fail(2, g_strdup("usage: spicecap-render INPUT (--at SECONDS | --at-frame N) -o PNG"));
    uint64_t until_ns = 0;
    char *error = NULL;
    if (at ? !time_point_seconds(at, &until_ns, &error)
           : at_frame < 1 ? (error = g_strdup("--at-frame counts from 1"), true)
                          : !time_point_frame(argv[1], (uint64_t)at_frame, &until_ns, &error))
        return fail(2, error);
    replay_recording *rec = replay_recording_load(argv[1], &error);
    if (!rec)
        return fail(2, error);
    render_result result = {0};
    bool ok = replay_render(rec, until_ns, out, &result, &error);
    replay_recording_free(rec);
    g_free(at);
    if (!ok) {
        char *msg = g_strdup_printf("%s: %s", argv[1], error);
        g_free(error), g_free(out);
        return fail(1, msg);
    }
    printf("%s: %dx%d, the display channel's first %u messages\n", out, result.width, result.height,
           result.messages_served);
    g_free(out);
    return 0;
}
