/* Rendering a recording with the reference client: the replaying server
 * (serve.h) runs in-process on a loopback port, spice-gtk's client library
 * (libspice-client-glib, no X server) connects to it and decodes every
 * display message served up to a time into its primary surface, which is
 * then written as a PNG. */
#ifndef SPICECAP_REPLAY_RENDER_H
#define SPICECAP_REPLAY_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "png_out.h"
#include "recording.h"

typedef struct render_result {
    rgb_image screen;          /* the primary surface (rgb_image_clear it) */
    unsigned messages_served; /* display messages served up to the time */
    unsigned messages_lacking; /* gaps in the display channel's recording up to the time */
} render_result;

/* The primary surface of display channel 0 once every display message up
 * to UNTIL_NS has been handled. False with *error (g_free it) when there is
 * no surface at that time or the client fails. */
bool replay_render(const replay_recording *rec, uint64_t until_ns, render_result *result, char **error);

#endif
