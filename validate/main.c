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

#include "capture_reader.h"
#include "manifest_check.h"
#include "metadata.h"
#include "report.h"
#include "report_channel.h"
#include "validation.h"

#define EXIT_FINDINGS 1
#define EXIT_UNREADABLE 2

static const char usage[] =
    "usage: spicecap-validate [options] CAPTURE...\n"
    "\n"
    "CAPTURE: a pcap or pcapng file (plain or .gz), a ryll bug-report zip (its traffic.pcap),\n"
    "or a directory (every *.pcap and *.pcapng in it). A zip's or directory's metadata.json is\n"
    "shown, and a bug report whose pcap holds none of the channel it names is a finding.\n"
    "\n"
    "  -m, --manifest FILE.json  the messages the capture must hold, in order (spicecap-synth)\n"
    "      --json                print the report as JSON\n"
    "      --junit FILE.xml      also write a JUnit report for CI\n"
    "  -v, --verbose             list every finding (the text report groups them by kind and flow)\n"
    "  -h, --help\n"
    "\n"
    "exit status: 0 clean, 1 findings (a file that breaks part-way, or a limit reached, is a finding),\n"
    "2 an input or the manifest cannot be read (or a file shrinks while it is read: no report)\n";

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
        if (g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng") ||
            g_str_has_suffix(name, ".pcap.gz") || g_str_has_suffix(name, ".pcapng.gz"))
            g_ptr_array_add(names, g_strdup(name));
    g_dir_close(dir);
    g_ptr_array_sort(names, by_name);
    if (names->len == 0) {
        *error = g_strdup("a directory with no *.pcap or *.pcapng file");
        g_ptr_array_free(names, TRUE);
        return false;
    }
    for (guint i = 0; i < names->len; i++)
        g_ptr_array_add(inputs, g_build_filename(path, g_ptr_array_index(names, i), NULL));
    g_ptr_array_free(names, TRUE);
    return true;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"manifest", required_argument, 0, 'm'}, {"json", no_argument, 0, 'j'},
        {"junit", required_argument, 0, 'J'},    {"help", no_argument, 0, 'h'},
        {"verbose", no_argument, 0, 'v'},
        {0, 0, 0, 0},
    };
    const char *manifest = NULL, *junit = NULL;
    bool json = false, each_finding = false;
    int c;
    while ((c = getopt_long(argc, argv, "m:hv", longopts, NULL)) != -1) {
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
        case 'h':
            print_usage(stdout);
            return 0;
        default:
            print_usage(stderr);
            return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        print_usage(stderr);
        return EXIT_UNREADABLE;
    }
    int status = 0;
    GPtrArray *inputs = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *metadata = g_ptr_array_new_with_free_func((GDestroyNotify)(void *)metadata_free);
    GPtrArray *described_by = g_ptr_array_new(); /* per input: its input_metadata, or NULL */
    for (int i = optind; i < argc; i++) {
        char *error = NULL;
        guint first = inputs->len;
        if (!expand(argv[i], inputs, &error)) {
            fprintf(stderr, "spicecap-validate: %s: %s\n", argv[i], error);
            g_free(error);
            status = EXIT_UNREADABLE;
        }
        input_metadata *m = inputs->len > first ? metadata_for_input(argv[i]) : NULL;
        if (m)
            g_ptr_array_add(metadata, m);
        for (guint k = first; k < inputs->len; k++) {
            if (m)
                g_ptr_array_add(m->captures, g_strdup(g_ptr_array_index(inputs, k)));
            g_ptr_array_add(described_by, m);
        }
    }
    validation v;
    validation_init(&v, manifest != NULL);
    v.progress = isatty(STDERR_FILENO); /* silent in CI and pipes */
    for (guint i = 0; i < inputs->len; i++) {
        char *error = NULL;
        if (!validation_run_file(&v, g_ptr_array_index(inputs, i), &error)) {
            fprintf(stderr, "spicecap-validate: %s: %s\n", (char *)g_ptr_array_index(inputs, i), error);
            g_free(error);
            status = EXIT_UNREADABLE;
            continue;
        }
        /* The first file of a zip or directory carries what its metadata.json says. */
        const input_metadata *m = g_ptr_array_index(described_by, i);
        if (m && strcmp(g_ptr_array_index(m->captures, 0), g_ptr_array_index(inputs, i)) == 0) {
            if (m->problem)
                validation_note(&v, "%s", m->problem);
            report_channel_check(&v, m, v.file);
        }
    }
    if (manifest) {
        char *error = NULL;
        if (!manifest_check(&v, manifest, &error)) {
            fprintf(stderr, "spicecap-validate: manifest %s\n", error);
            g_free(error);
            status = EXIT_UNREADABLE;
        }
    }
    report_sort(&v);
    if (json) {
        report_json_write(&v, metadata, stdout);
    } else {
        report_human(&v, metadata, each_finding, stdout);
    }
    if (junit) {
        char *error = NULL;
        if (!report_junit(&v, metadata, junit, &error)) {
            fprintf(stderr, "spicecap-validate: --junit %s: %s\n", junit, error);
            g_free(error);
            status = EXIT_UNREADABLE;
        }
    }
    if (status == 0 && v.findings.total > 0)
        status = EXIT_FINDINGS;
    validation_clear(&v);
    g_ptr_array_free(described_by, TRUE);
    g_ptr_array_free(metadata, TRUE);
    g_ptr_array_free(inputs, TRUE);
    return status;
}
