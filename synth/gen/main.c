/* spicecap-synth: deterministic synthetic SPICE captures in ryll's format.
 * Exit codes: 0 written; 2 bad arguments or the output cannot be written
 * (nothing is left at the output path). */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bugreport.h"
#include "capture_out.h"
#include "error.h"
#include "faults.h"
#include "format.h"
#include "live_out.h"
#include "report_type.h"
#include "scenario.h"
#include "session_facts.h"
#include "sink.h"
#include "spice_names.h"
#include "unknown_type.h"
#include "version.h"

#define EXIT_BAD 2

static const char usage[] =
    "Usage: spicecap-synth --scenario NAME [options] OUTPUT\n"
    "\n"
    "scenarios: desktop, video, seq-wrap, ring\n"
    "\n"
    "OUTPUT, exactly one of:\n"
    "  -o, --output FILE        every message of the session in one pcap\n"
    "      --ring CHANNEL -o FILE  the channel's ring buffer, drained (main, display,\n"
    "                           inputs, cursor, usbredir, playback)\n"
    "      --live DIR           one pcap per channel, as ryll's capture mode writes:\n"
    "                           received data per socket read, sent data per message\n"
    "      --bugreport FILE.zip a bug-report zip like ryll's (traffic.pcap from the rings)\n"
    "      --report-type TYPE   the bug report's type, as ryll's BugReportType: auto-snapshot\n"
    "                           (default: every ring, channel \"all\"), display, input, cursor,\n"
    "                           connection (main), usb (usbredir): that channel's ring only;\n"
    "                           disconnect[:CHANNEL] (default main; webdav: no traffic.pcap),\n"
    "                           pedantic[:GAP_KEY] (default display:unimpl:draw_rop3; a key of\n"
    "                           playback or webdav drains display), notification[:atfire|postevent]\n"
    "      --no-traffic         a report of a ryll built without capture: no traffic.pcap\n"
    "\n"
    "Options:\n"
    "  -s, --seed N             same seed, same bytes (default 1)\n"
    "  -d, --duration SECONDS   session length (default 5; video 10)\n"
    "      --rate BYTES         video stream bytes per second, K/M/G suffixes (default 6M)\n"
    "      --max-image BYTES    desktop: largest draw_copy bitmap (default 2M, at least 1K)\n"
    "      --ring-cap BYTES     ring byte cap (default ryll's per channel; ring scenario 512K)\n"
    "      --ryll-compat        what ryll really writes: its header (big-endian, snaplen\n"
    "                           65535), and no record longer than the snaplen (pcap-file\n"
    "                           2.0.0 refuses it, ryll ignores the error: the seq advances);\n"
    "                           rings hold playback's received bodies without their header\n"
    "                           and no usbredir; --live makes DIR and writes main, display,\n"
    "                           cursor, inputs and usbredir .pcap (ryll's channel code)\n"
    "      --ryll-intent        ryll's Phase 08 intent: its header, 65549-byte records\n"
    "                           kept, --live written per message\n"
    "      --unknown-type[=TYPE] one display message from the server of a type\n"
    "                           spice-protocol does not name (default 399), after\n"
    "                           the session's (3 + seed % 7)th display message\n"
    "  -m, --manifest FILE.json every message written, and every fault, as JSON\n"
    "  -f, --fault NAME         inject a fault (repeatable): k2, drop-segment,\n"
    "                           duplicate-segment, reorder-segments, bad-checksum,\n"
    "                           truncate-file, lying-size (-o and --bugreport, not with\n"
    "                           --ryll-compat); queue-overflow (--live of socket reads)\n"
    "  -h, --help               print this help and exit\n"
    "      --version            print the version and the libraries built with, and exit\n"
    "\n"
    "exit status: 0 written, 2 bad arguments or an output that cannot be written (the message\n"
    "names the file; no partial output file is left)\n";

typedef struct options {
    scenario_params scenario;
    const char *output, *live_dir, *bugreport, *manifest_path, *ring_channel;
    const char *output_name; /* the name -o asked for, when output is its staging name */
    report_type report; /* --bugreport's type */
    bool no_traffic;    /* --no-traffic: the report has no traffic.pcap */
    unsigned ring_channel_id;
    size_t ring_cap;
    enum { RYLL_NONE, RYLL_COMPAT, RYLL_INTENT } ryll;
    unsigned faults;
    int have_duration;
} options;

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("spicecap-synth: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    return EXIT_BAD;
}

/* A byte count with an optional K, M or G (powers of 1024) suffix. */
static int parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || text[0] == '-')
        return -1;
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end != '\0' || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"scenario", required_argument, 0, 'S'}, {"seed", required_argument, 0, 's'},
        {"duration", required_argument, 0, 'd'}, {"rate", required_argument, 0, 'r'},
        {"ring", required_argument, 0, 'R'},     {"ring-cap", required_argument, 0, 'c'},
        {"output", required_argument, 0, 'o'},   {"live", required_argument, 0, 'L'},
        {"bugreport", required_argument, 0, 'B'}, {"manifest", required_argument, 0, 'm'},
        {"ryll-compat", no_argument, 0, 'y'},    {"ryll-intent", no_argument, 0, 'Y'},
        {"fault", required_argument, 0, 'f'},    {"report-type", required_argument, 0, 'T'},
        {"max-image", required_argument, 0, 'I'}, {"unknown-type", optional_argument, 0, 'U'},
        {"help", no_argument, 0, 'h'},           {"version", no_argument, 0, 'V'},
        {"no-traffic", no_argument, 0, 'N'},     {0, 0, 0, 0},
    };
    const char *scenario = NULL;
    o->scenario.seed = 1;
    o->scenario.video_rate = 6u << 20;
    o->scenario.max_image = 2u << 20;
    report_type_parse("auto-snapshot", &o->report);
    int have_report = 0;
    int c;
    while ((c = getopt_long(argc, argv, "s:d:o:m:f:h", longopts, NULL)) != -1) {
        uint64_t v;
        char *end;
        switch (c) {
        case 'S':
            scenario = optarg;
            break;
        case 's':
            errno = 0;
            o->scenario.seed = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || end == optarg)
                return bad("--seed: '%s' is not a whole number", optarg);
            break;
        case 'd': {
            double seconds = strtod(optarg, &end);
            if (*end || end == optarg || !(seconds > 0 && seconds <= 86400))
                return bad("--duration: '%s' is not a number of seconds in (0, 86400]", optarg);
            o->scenario.duration_us = (uint64_t)(seconds * 1e6);
            o->have_duration = 1;
            break;
        }
        case 'r':
            if (parse_size(optarg, &v) || v == 0 || v > (1ull << 34))
                return bad("--rate: '%s' is not a byte rate between 1 and 16G", optarg);
            o->scenario.video_rate = v;
            break;
        case 'R':
            o->ring_channel = optarg;
            o->ring_channel_id = spicecap_channel_from_name(optarg);
            if (o->ring_channel_id == 0 || spicecap_channel_ring_cap(o->ring_channel_id) == 0)
                return bad("--ring: '%s' is not a channel with a ring (main, display, inputs, cursor, usbredir, "
                           "playback)", optarg);
            break;
        case 'I':
            if (parse_size(optarg, &v) || v < 1024 || v > (64u << 20))
                return bad("--max-image: '%s' is not a byte count between 1K and 64M", optarg);
            o->scenario.max_image = (uint32_t)v;
            break;
        case 'c':
            if (parse_size(optarg, &v) || v < 1024 || v > (1ull << 34))
                return bad("--ring-cap: '%s' is not a byte count between 1K and 16G", optarg);
            o->ring_cap = v;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'L':
            o->live_dir = optarg;
            break;
        case 'B':
            o->bugreport = optarg;
            break;
        case 'T':
            if (!report_type_parse(optarg, &o->report))
                return bad("--report-type: unknown type '%s' (%s; a disconnect's CHANNEL is main, display, inputs, "
                           "cursor, playback, usbredir or webdav)", optarg, REPORT_TYPE_OPTIONS);
            have_report = 1;
            break;
        case 'N':
            o->no_traffic = true;
            break;
        case 'm':
            o->manifest_path = optarg;
            break;
        case 'U': {
            unsigned long type = UNKNOWN_TYPE_DEFAULT;
            if (optarg != NULL) {
                errno = 0;
                type = strtoul(optarg, &end, 10);
                if (errno || *end || end == optarg || optarg[0] == '-' || type > UINT16_MAX)
                    return bad("--unknown-type: '%s' is not a message type (0..65535)", optarg);
            }
            const char *known = spicecap_message_name(SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED, (uint16_t)type);
            if (known != NULL)
                return bad("--unknown-type: %lu is display's %s; give a type spice-protocol does not name", type,
                           known);
            o->scenario.unknown = true;
            o->scenario.unknown_type = (uint16_t)type;
            break;
        }
        case 'y':
        case 'Y':
            if (o->ryll != RYLL_NONE && o->ryll != (c == 'y' ? RYLL_COMPAT : RYLL_INTENT))
                return bad("--ryll-compat (what ryll writes) and --ryll-intent (Phase 08's intent) exclude each other");
            o->ryll = c == 'y' ? RYLL_COMPAT : RYLL_INTENT;
            break;
        case 'f': {
            int fault = fault_from_name(optarg);
            if (fault < 0)
                return bad("--fault: unknown fault '%s' (k2, drop-segment, duplicate-segment, reorder-segments, "
                           "bad-checksum, truncate-file, lying-size, queue-overflow)", optarg);
            o->faults |= FAULT_BIT(fault);
            break;
        }
        case 'h':
            fputs(usage, stdout);
            exit(0);
        case 'V':
            spicecap_print_version(stdout, "spicecap-synth");
            exit(0);
        default:
            fputs(usage, stderr);
            return EXIT_BAD;
        }
    }
    if (optind < argc)
        return bad("unexpected argument '%s'", argv[optind]);
    if (scenario == NULL)
        return bad("--scenario is required (desktop, video, seq-wrap, ring)");
    int kind = scenario_from_name(scenario);
    if (kind < 0)
        return bad("--scenario: unknown scenario '%s' (desktop, video, seq-wrap, ring)", scenario);
    o->scenario.kind = (scenario_kind)kind;
    if (!o->have_duration)
        o->scenario.duration_us = kind == SCENARIO_VIDEO ? 10000000 : 5000000;
    int outputs = (o->output != NULL) + (o->live_dir != NULL) + (o->bugreport != NULL);
    if (outputs != 1)
        return bad("give exactly one output: -o FILE (with or without --ring CHANNEL), --live DIR or --bugreport "
                   "FILE.zip");
    if (o->ring_channel && o->output == NULL)
        return bad("--ring CHANNEL writes to -o FILE");
    if (have_report && o->bugreport == NULL)
        return bad("--report-type is the type of a --bugreport FILE.zip");
    if (o->no_traffic && o->bugreport == NULL)
        return bad("--no-traffic is a --bugreport FILE.zip without traffic.pcap");
    unsigned queue = FAULT_BIT(FAULT_QUEUE_OVERFLOW);
    if (o->live_dir && (o->faults & ~queue))
        return bad("faults other than queue-overflow apply to -o and --bugreport outputs, not to --live");
    if ((o->faults & queue) && (o->live_dir == NULL || o->ryll == RYLL_INTENT))
        return bad("--fault queue-overflow drops a socket read: it needs --live without --ryll-intent");
    if (o->ryll == RYLL_COMPAT && (o->faults & ~queue))
        return bad("faults other than queue-overflow are injected into Phase 08 captures: use them without "
                   "--ryll-compat (or with --ryll-intent)");
    if (o->scenario.kind == SCENARIO_RING && o->ring_cap == 0)
        o->ring_cap = 512u << 10; /* small enough that the capture starts mid-session */
    return 0;
}

/* The zip, its members taken from what the session's facts say. */
static int write_report(const options *o, const sink *s, const uint8_t *traffic, size_t traffic_len)
{
    /* Taken at the session's end, after its last message: the first millisecond at or after both. */
    uint64_t last_ms = (s->facts->last_ts_us + 999) / 1000;
    uint64_t taken_us = last_ms * 1000 > o->scenario.duration_us ? last_ms * 1000 : o->scenario.duration_us;
    report_context report = {.type = &o->report, .duration_us = taken_us, .facts = s->facts,
                             .seed = o->scenario.seed};
    char *error = NULL;
    if (bugreport_write(o->bugreport, &report, traffic, traffic_len, &error) == 0)
        return 0;
    int rc = bad("%s", error);
    g_free(error);
    return rc;
}

/* A report with no traffic.pcap (--no-traffic, a webdav disconnect): the
 * session runs for its facts alone, and the manifest lists no message. */
static int write_report_without_traffic(const options *o, sink *s, manifest *m)
{
    m->output_kind = "bugreport";
    s->mode = SINK_FACTS;
    if (scenario_run(&o->scenario, sink_emit, s) != 0)
        return bad("%s", spicecap_last_error());
    return write_report(o, s, NULL, 0);
}

/* The pcap goes to a temporary file first; for a bug report it is then read
 * back into memory for the zip. */
static int write_captures(const options *o, sink *s, manifest *m, GPtrArray *made_dirs)
{
    spicecap_pcap_options pcap_options = {.ryll_compat = o->ryll != RYLL_NONE};
    uint32_t snaplen = o->ryll != RYLL_NONE ? SPICECAP_RYLL_PCAP_SNAPLEN : SPICECAP_PCAP_SNAPLEN;
    m->writer_header = o->ryll != RYLL_NONE ? "ryll" : "spicecap";
    m->snaplen_rule = o->ryll == RYLL_COMPAT;
    m->received_records = "messages";
    if (o->live_dir) {
        live_request req = {.dir = o->live_dir, .scenario = &o->scenario, .pcap_options = &pcap_options,
                            .snaplen = snaplen, .ryll_compat = o->ryll == RYLL_COMPAT,
                            .per_message = o->ryll == RYLL_INTENT,
                            .queue_fault = (o->faults & FAULT_BIT(FAULT_QUEUE_OVERFLOW)) != 0};
        char *error = NULL;
        if (live_out_write(&req, s, m, made_dirs, &error) == 0)
            return 0;
        int rc = bad("%s", error);
        g_free(error);
        return rc;
    }

    if (o->bugreport && (o->no_traffic || !report_type_has_ring(&o->report)))
        return write_report_without_traffic(o, s, m);
    FILE *traffic = NULL;
    spicecap_pcap_writer *pcap;
    if (o->bugreport) {
        traffic = tmpfile();
        pcap = traffic ? spicecap_pcap_create_fd(fileno(traffic), "traffic.pcap", &pcap_options) : NULL;
        if (traffic == NULL)
            return bad("temporary file for traffic.pcap: %s", strerror(errno));
    } else {
        pcap = spicecap_pcap_create_atomic(o->output, &pcap_options);
    }
    if (pcap == NULL) {
        if (traffic)
            fclose(traffic);
        return bad("%s", spicecap_last_error());
    }
    capture_out out;
    /* The manifest names files without their directory, so that it is the
     * same wherever the corpus is generated. */
    const char *named = o->output_name ? o->output_name : o->output;
    const char *slash = named ? strrchr(named, '/') : NULL;
    const char *file_name = o->bugreport ? "traffic.pcap" : slash ? slash + 1 : named;
    capture_out_init(&out, pcap, file_name, m, o->faults, o->scenario.seed);
    if (o->ryll == RYLL_COMPAT)
        capture_out_track(&out, manifest_track_file(m, file_name, snaplen), true, snaplen);
    int use_rings = o->bugreport || o->ring_channel || o->scenario.kind == SCENARIO_RING;
    s->mode = use_rings ? SINK_RINGS : SINK_DIRECT;
    s->ryll_rings = o->ryll == RYLL_COMPAT;
    s->out = &out;
    /* A report of one channel drains that channel's ring only, as ryll's
     * drain_channel_pcap_bytes does; an auto-snapshot merges every ring. */
    const char *report_name = report_type_channel(&o->report);
    unsigned report_channel = o->bugreport && strcmp(report_name, "all") != 0 ? spicecap_channel_from_name(report_name)
                                                                              : 0;
    s->only_channel = o->bugreport ? report_channel : o->ring_channel_id;
    s->ring_cap = o->ring_cap;
    m->output_kind = o->bugreport ? "bugreport" : o->ring_channel ? "ring" : use_rings ? "rings" : "pcap";
    m->ring_channel = o->ring_channel;
    int rc = scenario_run(&o->scenario, sink_emit, s);
    if (rc == 0 && use_rings)
        rc = sink_drain_rings(s, &out);
    if (rc != 0) {
        capture_out_discard(&out);
        if (traffic)
            fclose(traffic);
        return bad("%s", spicecap_last_error());
    }
    if (capture_out_finish(&out) != SPICECAP_OK) {
        if (traffic)
            fclose(traffic);
        return bad("%s", spicecap_last_error());
    }
    if (traffic == NULL)
        return 0;

    /* Read traffic.pcap back and wrap it in the zip. */
    long size = fseek(traffic, 0, SEEK_END) == 0 ? ftell(traffic) : -1;
    uint8_t *bytes = size >= 0 ? malloc((size_t)size + 1) : NULL;
    rewind(traffic);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, traffic) != (size_t)size) {
        free(bytes);
        fclose(traffic);
        return bad("reading back traffic.pcap: %s", strerror(errno));
    }
    fclose(traffic);
    rc = write_report(o, s, bytes, (size_t)size);
    free(bytes);
    return rc;
}

int main(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    manifest m = {0};
    manifest_init(&m);
    m.scenario = scenario_name(o.scenario.kind);
    m.seed = o.scenario.seed;
    m.has_unknown_type = o.scenario.unknown;
    m.unknown_type = o.scenario.unknown_type;
    sink s = {.manifest = &m};
    session_facts facts;
    session_facts_init(&facts);
    if (o.bugreport)
        s.facts = &facts; /* what the report's members say */
    scenario_initial_seqs(o.scenario.kind, &s.client_seq, &s.server_seq);
    /* All or nothing: a capture without the manifest asked for is a partial
     * result. So with a manifest the capture is written under a staging name
     * beside its target and renamed only once the manifest is written too: a
     * file already at the target stays as it was when either fails (the disk
     * fills between them, say). */
    const char **target = o.manifest_path == NULL ? NULL : o.output ? &o.output : o.bugreport ? &o.bugreport : NULL;
    const char *final_path = target ? *target : NULL;
    char *staged = target ? g_strdup_printf("%s.partial-%ld", final_path, (long)getpid()) : NULL;
    if (target) {
        o.output_name = o.output;
        *target = staged;
    }
    GPtrArray *made_dirs = g_ptr_array_new_with_free_func(g_free);
    rc = write_captures(&o, &s, &m, made_dirs);
    if (rc == 0)
        manifest_resolve(&m);
    GError *error = NULL;
    if (rc == 0 && o.manifest_path && manifest_write(&m, o.manifest_path, &error) != 0) {
        rc = bad("--manifest: %s", error->message);
        g_error_free(error);
    }
    if (sink_close(&s) != SPICECAP_OK && rc == 0)
        rc = bad("%s", spicecap_last_error());
    g_ptr_array_free(made_dirs, TRUE);
    if (staged) {
        if (rc == 0 && rename(staged, final_path) != 0)
            rc = bad("rename to %s: %s", final_path, strerror(errno));
        if (rc != 0)
            unlink(staged);
        g_free(staged);
    }
    manifest_clear(&m);
    session_facts_clear(&facts);
    return rc;
}
