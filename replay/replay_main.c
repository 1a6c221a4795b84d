/* spicecap-replay: serves a recorded SPICE session to a real client
 * (remote-viewer, ryll) on 127.0.0.1, at the recorded pace, faster, or at
 * once, up to a time; then it holds the screen until interrupted. Exit
 * status: 0 stopped by SIGINT or SIGTERM, 2 bad usage, an input that cannot
 * be read or an address it cannot listen on. */
#include <getopt.h>
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
    const char *listen, *until, *speed;
    int port;
    gint64 until_frame, session;
    bool as_fast, until_trigger;
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
    if ((o->until && !time_point_seconds(o->until, &pace.until_ns, &error)) ||
        (o->until_frame && !time_point_frame(input, (uint64_t)o->until_frame, &pace.until_ns, &error)))
        return fail(input, error);
    replay_recording *rec = replay_recording_load(input, &error);
    if (!rec)
        return fail(input, error);
    unsigned sessions = replay_recording_sessions(rec);
    if (o->session && !replay_recording_keep_session(rec, (unsigned)o->session, &error)) {
        replay_recording_free(rec);
        return fail(input, error);
    }
    if (!o->session && sessions > 1)
        fprintf(stderr, "spicecap-replay: the capture holds %u client sessions: each connection a client opens "
                        "gets the next recorded one of its channel (--session N serves one)\n", sessions);
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

static const char usage[] =
    "Usage: spicecap-replay [options] INPUT\n"
    "\n"
    "Serves a recorded SPICE session to a real client (remote-viewer, ryll): the link stage answered by\n"
    "itself (any ticket is accepted), each channel's recorded server messages in recorded order, then\n"
    "it holds the screen until interrupted. INPUT: a raw capture (pcap or pcapng, plain or .gz, link\n"
    "stage included), a ryll capture directory, a bug report zip or its traffic.pcap.\n"
    "\n"
    "Options:\n"
    "      --listen ADDR     the IPv4 address to listen on (default 127.0.0.1)\n"
    "      --port PORT       the port (default 5900)\n"
    "      --speed X         the recorded pace times X (default 1)\n"
    "      --as-fast         every message at once, no pacing\n"
    "      --until SECONDS   serve up to this time (seconds since the input's first frame), then hold\n"
    "      --until-frame N   serve up to frame N's time (a single file), then hold\n"
    "      --until-trigger   serve up to a bug report's trigger (its metadata.json), then hold\n"
    "      --session N       a raw capture of several clients: serve only the Nth client session\n"
    "  -h, --help            print this help and exit\n"
    "      --version         print the version and the libraries built with, and exit\n"
    "\n"
    "exit status: 0 stopped by SIGINT or SIGTERM, 2 bad arguments, an input that cannot be read or an\n"
    "address it cannot listen on\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, 0, 'l'}, {"port", required_argument, 0, 'p'},
        {"speed", required_argument, 0, 's'},  {"as-fast", no_argument, 0, 'A'},
        {"until", required_argument, 0, 'u'},  {"until-frame", required_argument, 0, 'f'},
        {"until-trigger", no_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
        {"session", required_argument, 0, 'S'}, {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    options o = {.listen = "127.0.0.1", .port = 5900};
    char *end;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 'p':
            o.port = (int)g_ascii_strtoll(optarg, &end, 10);
            if (*end || end == optarg || o.port < 1 || o.port > 65535)
                return fail(NULL, g_strdup_printf("--port %s: give a port from 1 to 65535", optarg));
            break;
        case 's': o.speed = optarg; break;
        case 'A': o.as_fast = true; break;
        case 'u': o.until = optarg; break;
        case 'f':
            o.until_frame = g_ascii_strtoll(optarg, &end, 10);
            if (*end || end == optarg || o.until_frame < 1)
                return fail(NULL, g_strdup_printf("--until-frame %s: give a frame number from 1", optarg));
            break;
        case 't': o.until_trigger = true; break;
        case 'S':
            o.session = g_ascii_strtoll(optarg, &end, 10);
            if (*end || end == optarg || o.session < 1 || o.session > 65535)
                return fail(NULL, g_strdup_printf("--session %s: give a session number from 1", optarg));
            break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': spicecap_print_version(stdout, "spicecap-replay"); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind + 1 != argc || (!!o.until + !!o.until_frame + !!o.until_trigger) > 1 || (o.as_fast && o.speed)) {
        fputs(usage, stderr);
        return 2;
    }
    return serve(argv[optind], &o);
}
