/* spicecap-replay: serves a recorded SPICE session to a real client
 * (remote-viewer, ryll) on 127.0.0.1, at the recorded pace, faster, or at
 * once, up to a time; then it holds the screen until interrupted. Exit
 * status: 0 stopped by SIGINT or SIGTERM, 2 bad usage, an input that cannot
 * be read or an address it cannot listen on. */
#include <glib-unix.h>
#include <stdio.h>

#include "recording.h"
#include "serve.h"
#include "time_point.h"
#include "version.h"

static int fail(const char *input, char *error)
{
    if (input && !g_str_has_prefix(error, input))
        fprintf(stderr, "spicecap-replay: %s: %s\n", input, error);
    else
        fprintf(stderr, "spicecap-replay: %s\n", error);
    g_free(error);
    return 2;
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "spicecap-replay: %s\n", line);
}

static gboolean stop(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

typedef struct options {
    char *listen, *until, *speed;
    gint port;
    gint64 until_frame;
    gboolean as_fast, until_trigger, version;
} options;

static int serve(const char *input, const options *o)
{
    replay_pace pace = {.as_fast = o->as_fast, .speed = 1, .until_ns = UINT64_MAX};
    char *error = NULL;
    if (o->speed) {
        char *end = NULL;
        pace.speed = g_ascii_strtod(o->speed, &end);
        if (!end || *end || !(pace.speed >= 0.01 && pace.speed <= 1000))
            return fail(NULL, g_strdup_printf("--speed %s: give a factor from 0.01 to 1000", o->speed));
    }
    if (o->port < 1 || o->port > 65535)
        return fail(NULL, g_strdup_printf("--port %d: give a port from 1 to 65535", o->port));
    if ((o->until && !time_point_seconds(o->until, &pace.until_ns, &error)) ||
        (o->until_frame && !time_point_frame(input, (uint64_t)o->until_frame, &pace.until_ns, &error)))
        return fail(input, error);
    replay_recording *rec = replay_recording_load(input, &error);
    if (!rec)
        return fail(input, error);
    char *note = NULL;
    if (o->until_trigger && !time_point_trigger(input, rec, &pace.until_ns, &note, &error)) {
        replay_recording_free(rec);
        return fail(input, error);
    }
    if (note) {
        fprintf(stderr, "spicecap-replay: trigger: %s\n", note);
        g_free(note);
    }
    for (guint i = 0; i < rec->notes->len; i++)
        fprintf(stderr, "spicecap-replay: %s\n", (const char *)rec->notes->pdata[i]);
    replay_events events = {.log = log_line};
    replay_server *server = replay_server_start(rec, o->listen, (uint16_t)o->port, &pace, &events, &error);
    if (!server) {
        replay_recording_free(rec);
        return fail(NULL, error);
    }
    fprintf(stderr, "spicecap-replay: serving %s on spice://%s:%u (%u connections recorded)\n", input, o->listen,
            replay_server_port(server), rec->connections->len);
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGINT, stop, loop);
    g_unix_signal_add(SIGTERM, stop, loop);
    g_main_loop_run(loop);
    g_main_loop_unref(loop);
    replay_server_stop(server);
    replay_recording_free(rec);
    return 0;
}

int main(int argc, char **argv)
{
    options o = {.port = 5900};
    GOptionEntry entries[] = {
        {"listen", 0, 0, G_OPTION_ARG_STRING, &o.listen, "the IPv4 address to listen on (default 127.0.0.1)", "ADDR"},
        {"port", 0, 0, G_OPTION_ARG_INT, &o.port, "the port (default 5900)", "PORT"},
        {"speed", 0, 0, G_OPTION_ARG_STRING, &o.speed, "the recorded pace times X (default 1)", "X"},
        {"as-fast", 0, 0, G_OPTION_ARG_NONE, &o.as_fast, "every message at once, no pacing", NULL},
        {"until", 0, 0, G_OPTION_ARG_STRING, &o.until, "serve up to this time (seconds since the input's first frame), then hold", "SECONDS"},
        {"until-frame", 0, 0, G_OPTION_ARG_INT64, &o.until_frame, "serve up to frame N's time (a single file), then hold", "N"},
        {"until-trigger", 0, 0, G_OPTION_ARG_NONE, &o.until_trigger, "serve up to a bug report's trigger, then hold", NULL},
        {"version", 0, 0, G_OPTION_ARG_NONE, &o.version, "the version and the libraries built with", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("INPUT");
    g_option_context_set_summary(ctx, "Serves a recorded SPICE session to a real client (remote-viewer, ryll), the "
                                      "link stage answered by itself (any ticket is accepted).\nINPUT: a raw capture "
                                      "(pcap or pcapng, link stage included), a ryll capture directory, a bug report "
                                      "zip or its traffic.pcap.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *gerr = NULL;
    int status;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        status = fail(NULL, g_strdup(gerr->message));
        g_error_free(gerr);
    } else if (o.version) {
        spicecap_print_version(stdout, "spicecap-replay");
        status = 0;
    } else if (argc != 2 || (!!o.until + !!o.until_frame + !!o.until_trigger) > 1 || (o.as_fast && o.speed)) {
        status = fail(NULL, g_strdup("usage: spicecap-replay INPUT [--listen ADDR] [--port N] [--speed X | --as-fast] "
                                     "[--until SECONDS | --until-frame N | --until-trigger]"));
    } else {
        if (!o.listen)
            o.listen = g_strdup("127.0.0.1");
        status = serve(argv[1], &o);
    }
    g_option_context_free(ctx);
    g_free(o.listen), g_free(o.until), g_free(o.speed);
    return status;
}
