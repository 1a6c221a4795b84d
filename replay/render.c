/* Rendering with spice-gtk's client library (render.h). */
#include "render.h"

#include <spice-client.h>

#include "png_out.h"
#include "serve.h"

/* How long the client may take to handle what was served: a 75-second
 * session's display takes under a second here, so this only ends a client
 * that stalls. spice-gtk's GLZ decoder waits, without end, for a dictionary
 * image that never came: a draw that refers to an image from before the
 * recording began (a ring that starts mid-session). */
#define RENDER_TIMEOUT_S 30

typedef struct render_state {
    GMainLoop *loop;
    SpiceChannel *display;
    gint synced;
    gint main_synced;      /* the main channel has handled all its messages */
    gint64 main_seen_us;   /* when the poll first saw that */
    bool timed_out;
    bool no_display;
} render_state;

/* How long after the main channel has handled its messages the client may
 * take to open the display channel it lists: a client opens the channels
 * at once, so this only bounds a recording whose main channel lists none
 * by the time asked for. */
#define DISPLAY_OPEN_GRACE_US (3 * G_USEC_PER_SEC)

static void on_synced(void *ctx, uint8_t type, uint8_t id)
{
    render_state *st = ctx;
    if (type == SPICE_CHANNEL_DISPLAY && id == 0)
        g_atomic_int_set(&st->synced, 1);
    if (type == SPICE_CHANNEL_MAIN)
        g_atomic_int_set(&st->main_synced, 1);
}

static void channel_new(SpiceSession *session, SpiceChannel *channel, gpointer data)
{
    render_state *st = data;
    (void)session;
    int id = 0;
    g_object_get(channel, "channel-id", &id, NULL);
    if (SPICE_IS_DISPLAY_CHANNEL(channel) && id == 0 && !st->display)
        st->display = g_object_ref(channel);
    if (!SPICE_IS_MAIN_CHANNEL(channel)) /* the session connects main itself */
        spice_channel_connect(channel);
}

static gboolean poll_synced(gpointer data)
{
    render_state *st = data;
    if (!g_atomic_int_get(&st->synced)) {
        if (g_atomic_int_get(&st->main_synced) && !st->main_seen_us)
            st->main_seen_us = g_get_monotonic_time();
        if (!st->display && st->main_seen_us && g_get_monotonic_time() - st->main_seen_us > DISPLAY_OPEN_GRACE_US) {
            st->no_display = true;
            g_main_loop_quit(st->loop);
            return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
    }
    g_main_loop_quit(st->loop);
    return G_SOURCE_REMOVE;
}

static gboolean give_up(gpointer data)
{
    render_state *st = data;
    st->timed_out = true;
    g_main_loop_quit(st->loop);
    return G_SOURCE_REMOVE;
}

static unsigned display_messages_until(const replay_recording *rec, uint64_t until_ns)
{
    const replay_connection *c = replay_recording_channel(rec, SPICE_CHANNEL_DISPLAY, 0);
    unsigned n = 0;
    for (guint i = 0; c && i < c->messages->len; i++)
        n += g_array_index(c->messages, replay_message, i).end_ns <= until_ns;
    return n;
}

bool replay_render(const replay_recording *rec, uint64_t until_ns, render_result *result, char **error)
{
    if (!replay_recording_channel(rec, SPICE_CHANNEL_DISPLAY, 0)) {
        *error = g_strdup("the recording holds no display channel");
        return false;
    }
    render_state st = {.loop = g_main_loop_new(NULL, FALSE)};
    replay_pace pace = {.as_fast = true, .speed = 1, .until_ns = until_ns, .display_only = true};
    replay_events events = {.ctx = &st, .synced = on_synced};
    replay_server *server = replay_server_start(rec, "127.0.0.1", 0, &pace, &events, error);
    if (!server) {
        g_main_loop_unref(st.loop);
        return false;
    }
    SpiceSession *session = spice_session_new();
    char port[16];
    g_snprintf(port, sizeof port, "%u", replay_server_port(server));
    g_object_set(session, "host", "127.0.0.1", "port", port, NULL);
    g_signal_connect(session, "channel-new", G_CALLBACK(channel_new), &st);
    bool ok = spice_session_connect(session);
    guint poll_id = g_timeout_add(5, poll_synced, &st);
    guint timeout_id = g_timeout_add_seconds(RENDER_TIMEOUT_S, give_up, &st);
    if (ok)
        g_main_loop_run(st.loop);
    if (!st.timed_out)
        g_source_remove(timeout_id);
    if (!g_atomic_int_get(&st.synced) && !st.no_display)
        g_source_remove(poll_id);
    SpiceDisplayPrimary primary;
    result->messages_served = display_messages_until(rec, until_ns);
    result->messages_lacking =
        replay_connection_lacking(replay_recording_channel(rec, SPICE_CHANNEL_DISPLAY, 0), until_ns);
    if (st.no_display) {
        *error = g_strdup("the client opened no display channel: the main channel's messages up to that time "
                          "list none (the time is before the session's channel list)");
        ok = false;
    } else if (!ok || !g_atomic_int_get(&st.synced)) {
        *error = g_strdup_printf("the client did not handle the display channel's %u messages within %d s: it "
                                 "stalled (a GLZ image that refers to dictionary images from before the recording "
                                 "began makes spice-gtk wait for them without end)",
                                 result->messages_served, RENDER_TIMEOUT_S);
        ok = false;
    } else if (!st.display || !spice_display_channel_get_primary(st.display, 0, &primary)) {
        *error = g_strdup_printf("no primary surface yet after the display channel's first %u messages",
                                 result->messages_served);
        ok = false;
    } else if (!rgb_image_from_xrgb(&result->screen, primary.width, primary.height, primary.stride, primary.data)) {
        *error = g_strdup("out of memory for the surface");
        ok = false;
    }
    spice_session_disconnect(session);
    /* The channels' coroutines end once they see the disconnect. */
    for (int i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
        ;
    replay_server_stop(server);
    if (st.display)
        g_object_unref(st.display);
    g_object_unref(session);
    g_main_loop_unref(st.loop);
    return ok;
}
