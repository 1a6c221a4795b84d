#include "report_facts.h"

#include <math.h>
#include <string.h>

#include "report_text.h"

/* A trigger further than this into a session is not believed (ryll's
 * uptime is seconds since its buffers started: a century is a lie). */
#define TRIGGER_MAX_SECS (100.0 * 365 * 24 * 3600)

/* Room for a member in the one-line trigger comment (escaped bytes). */
enum { TYPE_ROOM = 40, CHANNEL_ROOM = 20, WHEN_ROOM = 32, MIN_DESCRIPTION_ROOM = 8 };

bool report_trigger_ns(const input_metadata *m, uint64_t *ns)
{
    double secs;
    if (!report_member_number(m->members, "triggered_uptime_secs", &secs) || !(secs >= 0.0) ||
        secs > TRIGGER_MAX_SECS)
        return false;
    *ns = (uint64_t)llround(secs * 1e9);
    return true;
}

char *report_application(const input_metadata *m)
{
    const char *version = metadata_string(m, "ryll_version"), *sha = metadata_string(m, "ryll_git_sha");
    if (version == NULL && sha == NULL)
        return NULL;
    GString *out = g_string_new("ryll ");
    report_append_safe(out, version, "(version not given)");
    if (sha) {
        g_string_append(out, " (");
        report_append_safe(out, sha, "");
        g_string_append_c(out, ')');
    }
    return g_string_free(out, FALSE);
}

char *report_os(const input_metadata *m)
{
    const char *os = metadata_string(m, "platform_os"), *arch = metadata_string(m, "platform_arch");
    if (os == NULL && arch == NULL)
        return NULL;
    GString *out = g_string_new(NULL);
    report_append_safe(out, os, "");
    if (os && arch)
        g_string_append_c(out, ' ');
    report_append_safe(out, arch, "");
    return g_string_free(out, FALSE);
}

/* The wall-clock time of t=0 on traffic.pcap's clock: triggered_at minus
 * triggered_uptime_secs (NULL when either is missing or unreadable). */
static GDateTime *clock_zero(const input_metadata *m)
{
    const char *at = metadata_string(m, "triggered_at");
    uint64_t trigger;
    if (at == NULL || !report_trigger_ns(m, &trigger))
        return NULL;
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *when = g_date_time_new_from_iso8601(at, utc);
    g_time_zone_unref(utc);
    if (when == NULL)
        return NULL;
    GDateTime *zero = g_date_time_add(when, -(GTimeSpan)(trigger / 1000u));
    g_date_time_unref(when);
    return zero;
}

/* "2026-01-01 00:00:04.250000 UTC": a time on traffic.pcap's clock as wall-clock time. */
static char *wall_clock(GDateTime *zero, uint64_t ns)
{
    if (zero == NULL)
        return NULL;
    GDateTime *t = g_date_time_add(zero, (GTimeSpan)(ns / 1000u));
    char *text = t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S.%f UTC") : NULL;
    if (t)
        g_date_time_unref(t);
    return text;
}

static const char *seconds_ns(uint64_t ns, char buf[REPORT_NUMBER_TEXT])
{
    return report_seconds((double)ns / 1e9, buf);
}

/* Does the report's own type say its traffic.pcap is empty? ryll gives its
 * usbredir channel no ring handle (usbredir.rs), so a Usb report (and a
 * Pedantic one whose gap key is usbredir's) names a ring that stays empty. */
const char *report_no_frames_cause(const input_metadata *m)
{
    char *type = metadata_report_type(m);
    const char *channel = metadata_string(m, "channel");
    bool usb = (type && (strcmp(type, "Usb") == 0 || strstr(type, "gap_key=usbredir") != NULL)) ||
               (channel && strcmp(channel, "usbredir") == 0);
    g_free(type);
    return usb ? "ryll records no usbredir traffic into its rings (its usbredir channel has no ring handle), "
                 "so a Usb report never carries any"
               : NULL;
}

/* A comment's width as Wireshark shows it: 4.4 and later write each
 * backslash of a comment as two (the escaping our text holds, \x1b, is
 * shown as \\x1b), and the cut at REPORT_COMMENT_MAX applies to that. */
static size_t shown_width(const char *text)
{
    size_t width = 0;
    for (const char *p = text; *p; p++)
        width += *p == '\\' ? 2 : 1;
    return width;
}

/* The trigger comment from its parts, the free text cut to the rooms given
 * (in escaped bytes). */
static char *trigger_line(const input_metadata *m, const char *opening, size_t type_room, size_t channel_room,
                          size_t description_room)
{
    char *type_text = metadata_report_type(m);
    char *type = report_safe_cut(type_text ? type_text : "(type not given)", type_room),
         *channel = report_safe_cut(metadata_string(m, "channel") ? metadata_string(m, "channel")
                                                                  : "(channel not given)",
                                    channel_room),
         *at = report_safe_cut(metadata_string(m, "triggered_at"), WHEN_ROOM),
         *description = description_room ? report_safe_cut(metadata_string(m, "description"), description_room) : NULL;
    g_free(type_text);
    char *line = g_strdup_printf("%s%s report on %s: %s (triggered at %s; more in the capture comment)", opening, type,
                                 channel, description ? description : "", at ? at : "a time not given");
    g_free(type);
    g_free(channel);
    g_free(at);
    g_free(description);
    return line;
}

char *report_trigger_comment(const input_metadata *m, const report_trigger_place *place)
{
    uint64_t trigger = 0;
    report_trigger_ns(m, &trigger);
    char secs[REPORT_NUMBER_TEXT];
    char *opening;
    if (place->after_end)
        opening = g_strdup_printf("ryll bug report triggered %s s after this frame, the last in the capture: ",
                                  seconds_ns(trigger - place->frame_ns, secs));
    else if (place->frame == 1 && place->frame_ns > trigger)
        opening = g_strdup_printf("ryll bug report triggered %s s before this frame, the first in the capture: ",
                                  seconds_ns(place->frame_ns - trigger, secs));
    else
        opening = g_strdup("ryll bug report triggered here: ");
    /* The description gets what the rest leaves of the line, as shown: its
     * room shrinks by what the shown line runs over until it fits, then the
     * type's and the channel's do (a line of escapes shows each backslash twice). */
    size_t type_room = TYPE_ROOM, channel_room = CHANNEL_ROOM, description_room = REPORT_COMMENT_MAX;
    char *line = trigger_line(m, opening, type_room, channel_room, description_room);
    for (size_t width = shown_width(line); width >= REPORT_COMMENT_MAX; width = shown_width(line)) {
        size_t over = width - (REPORT_COMMENT_MAX - 1);
        if (description_room > MIN_DESCRIPTION_ROOM)
            description_room = description_room > over + MIN_DESCRIPTION_ROOM ? description_room - over
                                                                             : MIN_DESCRIPTION_ROOM;
        else if (description_room)
            description_room = 0;
        else if (type_room > MIN_DESCRIPTION_ROOM || channel_room > MIN_DESCRIPTION_ROOM)
            type_room = MAX(type_room / 2, MIN_DESCRIPTION_ROOM), channel_room = MAX(channel_room / 2, MIN_DESCRIPTION_ROOM);
        else
            break; /* the fixed words alone: cannot be shorter */
        g_free(line);
        line = trigger_line(m, opening, type_room, channel_room, description_room);
    }
    g_free(opening);
    return line;
}

/* "\n<label>: <escaped value>" when the member is a string. */
static void string_line(GString *out, const input_metadata *m, const char *label, const char *member)
{
    const char *value = metadata_string(m, member);
    if (value == NULL)
        return;
    g_string_append_printf(out, "\n%s: ", label);
    report_append_safe(out, value, "");
}

/* What and where: type, channel, description, ryll, target. */
static void report_lines(GString *out, const input_metadata *m)
{
    char *type = metadata_report_type(m);
    g_string_append(out, "ryll bug report: ");
    report_append_safe(out, type, "(type not given)");
    g_string_append(out, " report on ");
    report_append_safe(out, metadata_string(m, "channel"), "(channel not given)");
    g_free(type);
    string_line(out, m, "Description", "description");
    char *application = report_application(m), *os = report_os(m);
    if (application || os)
        g_string_append_printf(out, "\n%s%s%s", application ? application : "ryll", os ? " on " : "", os ? os : "");
    g_free(application);
    g_free(os);
    const char *host = metadata_string(m, "target_host");
    double port;
    char number[REPORT_NUMBER_TEXT];
    if (host || report_member_number(m->members, "target_port", &port)) {
        g_string_append(out, "\nTarget: ");
        report_append_safe(out, host, "?");
        g_string_append_printf(out, ":%s",
                               report_member_number(m->members, "target_port", &port) ? report_number(port, 0, number)
                                                                                      : "?");
    }
    if (m->status != METADATA_READ && m->problem) {
        g_string_append(out, "\nmetadata.json: ");
        report_append_safe(out, m->problem, "");
    }
}

/* How to see the frames in wall-clock time in one step: the shift from
 * traffic.pcap's clock (1970) to the wall clock, for Wireshark's Edit >
 * Time Shift ("[-][[hh:]mm:]ss[.ddd]", hours unbounded) and editcap -t
 * (seconds). Only when t=0 lies after the epoch. */
static void time_shift_line(GString *out, GDateTime *zero)
{
    if (zero == NULL)
        return;
    gint64 secs = g_date_time_to_unix(zero);
    int micros = g_date_time_get_microsecond(zero);
    if (secs <= 0)
        return;
    g_string_append_printf(out,
                           "\nWall-clock frames: Edit > Time Shift by %" G_GINT64_FORMAT ":%02d:%02d.%06d, "
                           "or editcap -t %" G_GINT64_FORMAT ".%06d",
                           secs / 3600, (int)(secs / 60 % 60), (int)(secs % 60), micros, secs, micros);
}

/* When: the trigger on both clocks, the frame it marks, t=0, the submission. */
static void trigger_lines(GString *out, const input_metadata *m, const report_trigger_place *place)
{
    char secs[REPORT_NUMBER_TEXT], gap[REPORT_NUMBER_TEXT];
    uint64_t trigger;
    const char *at = metadata_string(m, "triggered_at");
    if (!report_trigger_ns(m, &trigger)) {
        g_string_append(out, "\nTriggered: ");
        report_append_safe(out, at, "(triggered_at not given)");
        g_string_append(out, "; metadata.json gives no usable triggered_uptime_secs");
        return;
    }
    g_string_append(out, "\nTriggered: ");
    report_append_safe(out, at, "(triggered_at not given)");
    g_string_append_printf(out, " (wall clock), %s s on traffic.pcap's clock (triggered_uptime_secs)",
                           seconds_ns(trigger, secs));
    GDateTime *zero = clock_zero(m);
    if (place->no_frames)
        g_string_append(out, "\nTrigger frame: none, traffic.pcap holds no frame");
    else if (!place->found)
        g_string_append(out, "\nTrigger frame: none, traffic.pcap's first record cannot be read");
    else {
        char *frame_wall = wall_clock(zero, place->frame_ns);
        g_string_append_printf(out, "\nTrigger frame: %" G_GUINT64_FORMAT " (frame.comment), at %s s", place->frame,
                               seconds_ns(place->frame_ns, secs));
        if (frame_wall)
            g_string_append_printf(out, " (%s)", frame_wall);
        if (place->after_end)
            g_string_append_printf(out, ", the last frame, %s s before the trigger",
                                   seconds_ns(trigger - place->frame_ns, gap));
        else if (place->frame == 1 && place->frame_ns > trigger)
            g_string_append_printf(out, ", the first frame, %s s after the trigger (the ring starts after it)",
                                   seconds_ns(place->frame_ns - trigger, gap));
        g_free(frame_wall);
    }
    char *zero_wall = wall_clock(zero, 0);
    if (zero_wall)
        g_string_append_printf(out, "\nClock: traffic.pcap's t=0 is %s (triggered_at minus triggered_uptime_secs)",
                               zero_wall);
    g_free(zero_wall);
    time_shift_line(out, zero);
    if (zero)
        g_date_time_unref(zero);
    const char *submitted = metadata_string(m, "timestamp");
    double uptime;
    bool has_uptime = report_member_number(m->members, "session_uptime_secs", &uptime);
    if (submitted || has_uptime) {
        g_string_append(out, "\nSubmitted: ");
        report_append_safe(out, submitted, "(timestamp not given)");
        if (has_uptime)
            g_string_append_printf(out, ", %s s into the session (session_uptime_secs)", report_seconds(uptime, secs));
    }
}

char *report_section_comment(const input_metadata *m, const char *counters, const report_trigger_place *place,
                             const char *notes)
{
    GString *out = g_string_new(NULL);
    report_lines(out, m);
    trigger_lines(out, m, place);
    if (place->no_frames) {
        const char *cause = report_no_frames_cause(m);
        if (cause)
            g_string_append_printf(out, "\nWhy: %s\nFix (ryll): record the usbredir channel's messages into its "
                                        "ring as the other channels do",
                                   cause);
    }
    g_string_append(out, counters ? counters : "");
    /* One line per note; each escaped (an error may quote the member). */
    char **lines = g_strsplit(notes ? notes : "", "\n", -1);
    for (char **line = lines; *line; line++)
        if (**line) {
            g_string_append_c(out, '\n');
            report_append_safe(out, *line, "");
        }
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}
