/* spicecap-render: the screen a recording shows at a time, decoded by
 * spice-gtk's client library, as a PNG; for a bug report with ryll's
 * screenshot.png, the pixels where the two differ. Exit status: 0 written
 * (the screenshot, if any, equals the rendering), 1 the screenshot differs,
 * or no screen at that time (no display surface yet, or the client failed),
 * 2 bad usage or an input that cannot be read. */
#include <getopt.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byte_source.h"
#include "png_out.h"
#include "recording.h"
#include "render.h"
#include "render_page.h"
#include "safe_text.h"
#include "screen_diff.h"
#include "time_point.h"
#include "version.h"

/* ryll's screenshots are the guest's surface (a few MB as PNG); a member
 * past this is not read. */
#define SCREENSHOT_MAX_BYTES ((size_t)64 << 20)

typedef struct options {
    const char *at, *out, *diff, *html;
    gint64 at_frame, session;
    bool trigger;
} options;

static int fail(int status, char *error)
{
    char *safe = spicecap_safe_text(error, strlen(error));
    fprintf(stderr, "spicecap-render: %s\n", safe ? safe : "out of memory");
    free(safe);
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

/* A line said on stdout and kept for the page. */
static void say(GPtrArray *lines, char *line)
{
    char *safe = spicecap_safe_text(line, strlen(line));
    printf("%s\n", safe ? safe : "");
    free(safe);
    g_ptr_array_add(lines, line);
}

/* FILE.png -> FILE-diff.png */
static char *diff_name(const char *out)
{
    const char *dot = strrchr(out, '.');
    size_t stem = dot && strchr(dot, '/') == NULL ? (size_t)(dot - out) : strlen(out);
    return g_strdup_printf("%.*s-diff.png", (int)stem, out);
}

/* --session N, or a note that the capture holds several. */
static bool choose_session(replay_recording *rec, gint64 session, GPtrArray *lines, char **error)
{
    unsigned sessions = replay_recording_sessions(rec);
    if (session)
        return replay_recording_keep_session(rec, (unsigned)session, error);
    if (sessions > 1)
        say(lines, g_strdup_printf("sessions: the capture holds %u client sessions; the first is rendered "
                                   "(--session N for another)", sessions));
    return true;
}

static bool time_of(const char *input, const options *o, const replay_recording *rec, uint64_t *ns, GPtrArray *lines,
                    char **error)
{
    char *note = NULL;
    if (o->at)
        return time_point_seconds(o->at, ns, error);
    if (o->at_frame) {
        return time_point_frame(input, (uint64_t)o->at_frame, ns, error);
    }
    if (!time_point_trigger(input, rec, ns, &note, error))
        return false;
    if (note)
        say(lines, g_strdup_printf("trigger: %s", note));
    g_free(note);
    return true;
}

/* ryll's screenshot.png against the rendering: the diff image and the
 * verdict; returns 1 when they differ. */
static int compare_screenshot(const char *input, const options *o, const rgb_image *screen, render_page *page,
                              GPtrArray *lines, screen_diff *diff, char **shot_file)
{
    char *png = NULL, *error = NULL;
    size_t len = 0;
    int found = byte_source_zip_entry(input, "screenshot.png", SCREENSHOT_MAX_BYTES, &png, &len, &error);
    if (found <= 0) {
        page->screenshot_problem = found == 0 ? "the report holds no screenshot.png" : NULL;
        if (found < 0)
            say(lines, g_strdup_printf("screenshot.png: not read: %s", error));
        g_free(error);
        return 0;
    }
    rgb_image shot;
    if (!rgb_image_from_png(&shot, (const uint8_t *)png, len, &error)) {
        say(lines, g_strdup_printf("screenshot.png: not compared: %s", error));
        g_free(error), g_free(png);
        return 0;
    }
    g_free(png);
    screen_diff_compute(screen, &shot, diff);
    char *diff_path = o->diff ? g_strdup(o->diff) : diff_name(o->out);
    if (diff->image.rgb && !rgb_image_write_png(&diff->image, diff_path, &error)) {
        say(lines, g_strdup_printf("the diff image: %s", error));
        g_free(error);
    } else {
        page->diff_png = diff_path;
        diff_path = NULL;
    }
    g_free(diff_path);
    if (o->html) { /* the page shows ryll's screenshot as decoded */
        *shot_file = g_strdup_printf("%s.screenshot.png", o->html);
        if (rgb_image_write_png(&shot, *shot_file, &error))
            page->screenshot_png = *shot_file;
        else
            g_free(error);
    }
    rgb_image_clear(&shot);
    page->diff = diff;
    if (diff->differing == 0 && diff->same_size) {
        say(lines, g_strdup_printf("screenshot.png: the same %dx%d pixels as the rendering", screen->width,
                                   screen->height));
        return 0;
    }
    say(lines, g_strdup_printf("screenshot.png: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                               " pixels differ, in the box at %d,%d of %dx%d%s (diff: %s)",
                               diff->differing, diff->total, diff->box_x, diff->box_y, diff->box_w, diff->box_h,
                               diff->same_size ? "" : "; the sizes differ", page->diff_png ? page->diff_png : "none"));
    return 1;
}

static int run(const char *input, const options *o)
{
    if (!input || !o->out || (!!o->at + !!o->at_frame + !!o->trigger) != 1)
        return fail(2, g_strdup("usage: spicecap-render INPUT (--at SECONDS | --at-frame N | --trigger) -o PNG "
                                "[--diff PNG] [--html PAGE]"));
    char *error = NULL;
    replay_recording *rec = replay_recording_load(input, &error);
    if (!rec)
        return fail(2, about(input, error));
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    if (!choose_session(rec, o->session, lines, &error)) {
        replay_recording_free(rec);
        g_ptr_array_free(lines, TRUE);
        return fail(2, about(input, error));
    }
    uint64_t until_ns = 0;
    if (!time_of(input, o, rec, &until_ns, lines, &error)) {
        replay_recording_free(rec);
        g_ptr_array_free(lines, TRUE);
        return fail(2, about(input, error));
    }
    for (guint i = 0; i < rec->notes->len; i++)
        say(lines, g_strdup(rec->notes->pdata[i]));
    render_result result = {0};
    bool ok = replay_render(rec, until_ns, &result, &error);
    replay_recording_free(rec);
    if (!ok || !rgb_image_write_png(&result.screen, o->out, &error)) {
        rgb_image_clear(&result.screen);
        g_ptr_array_free(lines, TRUE);
        return fail(ok ? 2 : 1, about(input, error));
    }
    say(lines, g_strdup_printf("%s: %dx%d, the display channel's first %u messages", o->out, result.screen.width,
                               result.screen.height, result.messages_served));
    if (result.messages_lacking)
        say(lines, g_strdup_printf("lacking: the display channel's recording has %u gap%s before that time (ryll's "
                                   "snaplen, a full writer queue, packets the capture dropped): at least as many "
                                   "messages were not served, and the screen may differ where they drew",
                                   result.messages_lacking, result.messages_lacking == 1 ? "" : "s"));
    render_page page = {.input = input, .at_s = (double)until_ns / 1e9, .reference_png = o->out, .lines = lines};
    screen_diff diff = {0};
    char *shot_file = NULL;
    bool report = byte_source_is_zip(input);
    int status = report ? compare_screenshot(input, o, &result.screen, &page, lines, &diff, &shot_file) : 0;
    if (!report)
        page.screenshot_problem = "the input is no bug report zip: there is no screenshot of ryll's to compare";
    if (o->html && !render_page_write(&page, o->html, &error)) {
        fail(2, error);
        status = 2;
    }
    if (shot_file)
        g_unlink(shot_file);
    g_free(shot_file);
    g_free((char *)page.diff_png);
    screen_diff_clear(&diff);
    rgb_image_clear(&result.screen);
    g_ptr_array_free(lines, TRUE);
    return status;
}

static const char usage[] =
    "Usage: spicecap-render [options] INPUT (--at SECONDS | --at-frame N | --trigger) -o PNG\n"
    "\n"
    "The screen a recorded SPICE session shows at a time, as the reference client (spice-gtk) decodes\n"
    "it, written as a PNG; for a bug report with ryll's screenshot.png, the pixels where they differ.\n"
    "INPUT: a raw capture (pcap or pcapng, plain or .gz, link stage included), a ryll capture directory,\n"
    "a bug report zip or its traffic.pcap.\n"
    "\n"
    "Options:\n"
    "      --at SECONDS      the time: seconds since the input's first frame (frame.time_relative)\n"
    "      --at-frame N      the time of frame N of the input (a single file)\n"
    "      --trigger         the time a bug report was triggered (its metadata.json)\n"
    "  -o, --output PNG      the PNG to write\n"
    "      --diff PNG        the diff image against a report's screenshot.png (default: PNG-diff.png)\n"
    "      --html PAGE       also write a page with the rendering, ryll's screenshot and the diff\n"
    "      --session N       a raw capture of several clients: the Nth client session (default 1)\n"
    "  -h, --help            print this help and exit\n"
    "      --version         print the version and the libraries built with, and exit\n"
    "\n"
    "exit status: 0 written (a report's screenshot equals the rendering), 1 the screenshot differs or\n"
    "there is no screen at that time, 2 bad arguments or an input or output that cannot be used\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"at", required_argument, 0, 'a'},   {"at-frame", required_argument, 0, 'f'},
        {"trigger", no_argument, 0, 't'},    {"output", required_argument, 0, 'o'},
        {"diff", required_argument, 0, 'd'}, {"html", required_argument, 0, 'H'},
        {"session", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},       {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    options o = {0};
    char *end;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': o.at = optarg; break;
        case 'f':
            o.at_frame = g_ascii_strtoll(optarg, &end, 10);
            if (*end || end == optarg || o.at_frame < 1)
                return fail(2, g_strdup_printf("--at-frame %s: give a frame number from 1", optarg));
            break;
        case 't': o.trigger = true; break;
        case 'S':
            o.session = g_ascii_strtoll(optarg, &end, 10);
            if (*end || end == optarg || o.session < 1 || o.session > 65535)
                return fail(2, g_strdup_printf("--session %s: give a session number from 1", optarg));
            break;
        case 'o': o.out = optarg; break;
        case 'd': o.diff = optarg; break;
        case 'H': o.html = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': spicecap_print_version(stdout, "spicecap-render"); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    return run(optind + 1 == argc ? argv[optind] : NULL, &o);
}
