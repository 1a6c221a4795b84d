/* Taking out the draws a client cannot handle (unservable.h). */
#include "unservable.h"

#include <spice/enums.h>

#include "draw_image.h"
#include "format.h"

/* The GLZ dictionary images the client holds: ids have_from..have_to, every
 * one served (the server numbers GLZ images one after another). */
typedef struct glz_window {
    bool any;
    uint64_t have_from, have_to;
} glz_window;

/* A GLZ image may refer to any id from glz_id - win_head_dist up to the one
 * before it: it can be decoded when the client holds all of them. */
static bool glz_decodable(const glz_window *w, const draw_image *im)
{
    if (im->win_head_dist == 0)
        return true;
    uint64_t head = im->win_head_dist > im->glz_id ? 0 : im->glz_id - im->win_head_dist;
    return w->any && head >= w->have_from && im->glz_id - 1 <= w->have_to;
}

static void glz_served(glz_window *w, uint64_t id)
{
    if (w->any && id == w->have_to + 1) {
        w->have_to = id;
    } else {
        w->any = true;
        w->have_from = w->have_to = id;
    }
}

typedef struct drop_count {
    unsigned draws;
    uint64_t first_id, last_id;
} drop_count;

static void count(drop_count *c, uint64_t id)
{
    if (!c->draws++)
        c->first_id = id;
    c->last_id = id;
}

static void filter_display(replay_connection *display, GPtrArray *notes)
{
    glz_window glz = {0};
    GHashTable *cached = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    drop_count glz_dropped = {0}, cache_dropped = {0};
    GArray *kept = g_array_sized_new(FALSE, FALSE, sizeof(replay_message), display->messages->len);
    for (guint i = 0; i < display->messages->len; i++) {
        const replay_message *m = &g_array_index(display->messages, replay_message, i);
        draw_image im;
        bool serve = true;
        if (m->wire_size > SPICECAP_MINI_HDR_LEN &&
            draw_image_read(m->type, display->bytes->data + m->offset + SPICECAP_MINI_HDR_LEN,
                            m->wire_size - SPICECAP_MINI_HDR_LEN, &im)) {
            bool from_cache = im.type == SPICE_IMAGE_TYPE_FROM_CACHE || im.type == SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS;
            if (from_cache && !g_hash_table_contains(cached, &im.id)) {
                serve = false;
                count(&cache_dropped, im.id);
            } else if (im.glz && !glz_decodable(&glz, &im)) {
                serve = false;
                count(&glz_dropped, im.glz_id);
            } else {
                if (im.glz)
                    glz_served(&glz, im.glz_id);
                if (im.flags & SPICE_IMAGE_FLAGS_CACHE_ME) {
                    uint64_t *key = g_new(uint64_t, 1);
                    *key = im.id;
                    g_hash_table_add(cached, key);
                }
            }
        }
        if (m->type == SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS || m->type == SPICE_MSG_DISPLAY_RESET)
            g_hash_table_remove_all(cached);
        if (serve)
            g_array_append_val(kept, *m);
    }
    if (glz_dropped.draws)
        g_ptr_array_add(notes, g_strdup_printf(
            "not served: display %u: %u draw%s: GLZ images (dictionary ids %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
            ") that may refer to dictionary images from before the recording began",
            display->channel_id, glz_dropped.draws, glz_dropped.draws == 1 ? "" : "s", glz_dropped.first_id,
            glz_dropped.last_id));
    if (cache_dropped.draws)
        g_ptr_array_add(notes, g_strdup_printf(
            "not served: display %u: %u draw%s: images from the client's cache (first id %" G_GUINT64_FORMAT
            ") that the recording never sent",
            display->channel_id, cache_dropped.draws, cache_dropped.draws == 1 ? "" : "s", cache_dropped.first_id));
    g_array_free(display->messages, TRUE);
    display->messages = kept;
    g_hash_table_destroy(cached);
}

void replay_drop_unservable(replay_recording *rec, GPtrArray *notes)
{
    for (guint i = 0; i < rec->connections->len; i++) {
        replay_connection *c = rec->connections->pdata[i];
        if (c->channel_type == SPICE_CHANNEL_DISPLAY)
            filter_display(c, notes);
    }
}
