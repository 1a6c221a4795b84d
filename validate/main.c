/* spicecap-validate: proves the seq chains of recorded SPICE captures
 * contiguous and every message's size consistent.
 * Exit status: 0 clean, 1 findings, 2 an input (or the manifest) cannot be
 * read, or bad arguments. */
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_dir.h"
#include "capture_reader.h"
#include "cross_check.h"
#include "html_page.h"
#include "manifest_check.h"
#include "metadata.h"
#include "report.h"
#include "report_channel.h"
#include "text_out.h"
#include "triage.h"
#include "validation.h"
#include "verdict.h"
#include "version.h"

#define EXIT_FINDINGS 1
#define EXIT_UNREADABLE 2

static const char usage[] =
    "Usage: spicecap-validate [options] CAPTURE...\n"
    "\n"
    "CAPTURE: a pcap or pcapng file (plain or .gz), a ryll bug-report zip (its traffic.pcap),\n"
    "or a directory (every *.pcap and *.pcapng in it, and the bug reports in its bug-reports/ and\n"
    "bug-reports/auto-snapshots/, cross-checked with its pcaps), or a directory of report zips (ryll's\n"
    "bug-reports/: each zip and those of its auto-snapshots/). A zip's or directory's metadata.json is\n"
    "shown, and a bug report whose pcap holds none of the channel it names is a finding.\n"
    "\n"
    "Options:\n"
    "  -m, --manifest FILE.json  the messages the capture must hold, in order (spicecap-synth)\n"
    "      --json                print the report as JSON\n"
    "      --junit FILE.xml      also write a JUnit report for CI\n"
    "      --html FILE.html      also write a self-contained HTML page (timeline, chains, findings)\n"
    "      --window SECS         a bug report's trigger window: the SECS before the trigger (default 5)\n"
    "  -v, --verbose             list every finding (the text report groups them by kind and flow)\n"
    "  -h, --help                print this help and exit\n"
    "      --version             print the version and the libraries built with, and exit\n"
    "\n"
    "exit status: 0 clean, 1 findings (a file that breaks part-way, or a limit reached, is a finding),\n"
    "2 an input or the manifest cannot be read (a file that shrinks while it is read is given up there;\n"
    "the others are still checked and reported; the verdict is ERROR, --json's result \"error\", the\n"
    "--html page an error page)\n";

/* The limits are printed from their definitions, so the text cannot drift. */
static void print_usage(FILE *out)
{
    fputs(usage, out);
    fprintf(out, "\nlimits (docs/validate.md): records of %u MiB, %u flow directions per file, %u findings\n"
                 "listed (all counted); memory stays under %u MiB whatever the input (without --manifest)\n",
            CAPTURE_MAX_CAPLEN >> 20, VALIDATE_MAX_FLOWS, FINDINGS_KEPT, VALIDATE_PEAK_RSS_BOUND_MIB);
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return g_ascii_strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory stands for its captures, in name order. */
static bool expand(const char *path, GPtrArray *inputs, char **error)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        g_ptr_array_add(inputs, g_strdup(path));
        return true;
    }
    GError *gerr = NULL;
    GDir *dir = g_dir_open(path, 0, &gerr);
    if (dir == NULL) {
        *error = g_strdup(gerr->message);
        g_error_free(gerr);
        return false;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL)
        if (capture_dir_is_capture_name(name))
            g_ptr_array_add(names, g_strdup(name));
    g_dir_close(dir);
    g_ptr_array_sort(names, by_name);
    if (names->len == 0) {
        *error = g_strdup("a directory with no *.pcap or *.pcapng file and no report *.zip (in it or its auto-snapshots/)");
        g_ptr_array_free(names, TRUE);
        return false;
    }
    for (guint i = 0; i < names->len; i++)
        g_ptr_array_add(inputs, g_build_filename(path, g_ptr_array_index(names, i), NULL));
    g_ptr_array_free(names, TRUE);
    return true;
}

/* One input: its captures, and the metadata of a zip or directory (and a bug report's triage). */
static input_metadata *add_input(const char *path, GPtrArray *inputs, GPtrArray *metadata, GPtrArray *described_by,
                                 verdict *vd)
{
    char *error = NULL;
    guint first = inputs->len;
    if (!expand(path, inputs, &error)) {
        text_out(stderr, "spicecap-validate: %s: %s\n", path, error);
        verdict_error(vd, path, error);
        g_free(error);
    }
    input_metadata *m = inputs->len > first ? metadata_for_input(path) : NULL;
    if (m)
        g_ptr_array_add(metadata, m);
    if (m && m->kind == METADATA_BUG_REPORT)
        m->triage = triage_new(m);
    for (guint k = first; k < inputs->len; k++) {
        if (m)
            g_ptr_array_add(m->captures, g_strdup(g_ptr_array_index(inputs, k)));
        g_ptr_array_add(described_by, m);
    }
    return m;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"manifest", required_argument, 0, 'm'}, {"json", no_argument, 0, 'j'},
        {"junit", required_argument, 0, 'J'},    {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},        {"window", required_argument, 0, 'W'},
        {"html", required_argument, 0, 'H'},     {"verbose", no_argument, 0, 'v'},
        {0, 0, 0, 0},
    };
    const char *manifest = NULL, *junit = NULL, *html = NULL;
    bool json = false, each_finding = false;
    double window_secs = TRIGGER_WINDOW_DEFAULT_SECS;
    char *end;
    int c;
    opterr = 0; /* getopt would print a bad option raw: it is said escaped below */
    while ((c = getopt_long(argc, argv, ":m:hv", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            each_finding = true;
            break;
        case 'm':
            manifest = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'J':
            junit = optarg;
            break;
        case 'H':
            html = optarg;
            break;
        case 'W':
            window_secs = g_ascii_strtod(optarg, &end);
            if (*end || end == optarg || !(window_secs > 0 && window_secs < 1e9)) {
                text_out(stderr, "spicecap-validate: --window %s: not a number of seconds above 0\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        case 'h':
            print_usage(stdout);
            return 0;
        case 'V':
            spicecap_print_version(stdout, "spicecap-validate");
            return 0;
        default:
            if (optopt)
                text_out(stderr, "spicecap-validate: -%c: %s\n", optopt, c == ':' ? "needs an argument" : "unknown option");
            else
                text_out(stderr, "spicecap-validate: %s: %s\n", argv[optind - 1],
                         c == ':' ? "needs an argument" : "unknown option");
            print_usage(stderr);
            return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        print_usage(stderr);
        return EXIT_UNREADABLE;
    }
    int status = 0;
    verdict vd;
    verdict_init(&vd);
    GPtrArray *inputs = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *metadata = g_ptr_array_new_with_free_func((GDestroyNotify)(void *)metadata_free);
    GPtrArray *described_by = g_ptr_array_new(); /* per input: its input_metadata, or NULL */
    GPtrArray *pairs = g_ptr_array_new(); /* a capture directory's input_metadata, then one of its reports' */
    for (int i = optind; i < argc; i++) {
        verdict_add_input(&vd, argv[i]);
        GPtrArray *pile = capture_dir_pile(argv[i]); /* a directory of reports: each is an input of its own */
        for (guint r = 0; pile && r < pile->len; r++)
            add_input(g_ptr_array_index(pile, r), inputs, metadata, described_by, &vd);
        if (pile) {
            g_ptr_array_free(pile, TRUE);
            continue;
        }
        input_metadata *m = add_input(argv[i], inputs, metadata, described_by, &vd);
        GPtrArray *reports = m && m->kind == METADATA_CAPTURE_DIR ? capture_dir_reports(argv[i]) : NULL;
        for (guint r = 0; reports && r < reports->len; r++) {
            input_metadata *report = add_input(g_ptr_array_index(reports, r), inputs, metadata, described_by, &vd);
            if (report) {
                g_ptr_array_add(pairs, m);
                g_ptr_array_add(pairs, report);
            }
        }
        if (reports)
            g_ptr_array_free(reports, TRUE);
    }
    validation v;
    validation_init(&v, manifest != NULL);
    v.progress = isatty(STDERR_FILENO); /* silent in CI and pipes */
    timeline *lines = html ? timeline_new(&v) : NULL;
    if (pairs->len && v.messages == NULL) /* the cross-check matches every message of the directory */
        v.messages = g_array_new(FALSE, TRUE, sizeof(seen_message));
    v.observer = lines ? timeline_observer(lines) : NULL;
    for (guint i = 0; i < inputs->len; i++) {
        char *error = NULL;
        input_metadata *m = g_ptr_array_index(described_by, i);
        const char *no_traffic = m && m->triage ? triage_no_traffic(&m->triage->members, m) : NULL;
        if (no_traffic) { /* triaged all the same: its members, and why it has no capture (triage_members.c) */
            validation_add_uncaptured(&v, g_ptr_array_index(inputs, i), "no capture (no traffic.pcap)");
            m->triage->window_problem = g_strdup(no_traffic);
            continue;
        }
        if (!triage_run_file(&v, m, g_ptr_array_index(inputs, i), window_secs, lines, &error)) {
            text_out(stderr, "spicecap-validate: %s: %s\n", (char *)g_ptr_array_index(inputs, i), error);
            verdict_error(&vd, g_ptr_array_index(inputs, i), error);
            g_free(error);
            continue;
        }
        /* The first file of a zip or directory carries what its metadata.json says. */
        if (m && strcmp(g_ptr_array_index(m->captures, 0), g_ptr_array_index(inputs, i)) == 0) {
            if (m->problem)
                validation_note(&v, "%s", m->problem);
            report_channel_check(&v, m, v.file);
        }
    }
    cross_check_run(&v, pairs, lines);
    g_ptr_array_free(pairs, TRUE);
    if (manifest) {
        char *error = NULL;
        if (!manifest_check(&v, manifest, &error)) {
            text_out(stderr, "spicecap-validate: manifest %s\n", error);
            verdict_error(&vd, manifest, error);
            g_free(error);
        }
    }
    if (vd.errors->len)
        status = EXIT_UNREADABLE;
    report_sort(&v);
    if (json) {
        report_json_write(&v, metadata, &vd, stdout);
    } else {
        report_human(&v, metadata, &vd, each_finding, stdout);
    }
    if (junit) {
        char *error = NULL;
        if (!report_junit(&v, metadata, &vd, junit, &error)) {
            text_out(stderr, "spicecap-validate: --junit %s: %s\n", junit, error);
            g_free(error);
            status = EXIT_UNREADABLE;
        }
    }
    if (html) {
        char *error = NULL;
        if (!html_page_write(html, &v, metadata, &vd, lines, &error)) {
            text_out(stderr, "spicecap-validate: --html %s\n", error);
            g_free(error);
            status = EXIT_UNREADABLE;
        }
        timeline_free(lines);
    }
    if (status == 0 && v.findings.total > 0)
        status = EXIT_FINDINGS;
    validation_clear(&v);
    verdict_clear(&vd);
    g_ptr_array_free(described_by, TRUE);
    for (guint i = 0; i < metadata->len; i++)
        triage_free(((input_metadata *)g_ptr_array_index(metadata, i))->triage);
    g_ptr_array_free(metadata, TRUE);
    g_ptr_array_free(inputs, TRUE);
    return status;
}
