/* spicecap-render --html: one self-contained page (every image a data:
 * URI, a Content-Security-Policy that forbids every fetch) with the
 * reference rendering, ryll's screenshot and their difference side by side,
 * and what the render said. Written through a temporary file renamed into
 * place. */
#ifndef SPICECAP_REPLAY_RENDER_PAGE_H
#define SPICECAP_REPLAY_RENDER_PAGE_H

#include <glib.h>
#include <stdbool.h>

#include "png_out.h"
#include "screen_diff.h"

typedef struct render_page {
    const char *input;
    double at_s;                /* the time rendered, seconds since the input's first frame */
    const char *reference_png;  /* the rendering's PNG file */
    const char *screenshot_png; /* ryll's screenshot as a file, or NULL */
    const char *diff_png;       /* the diff image's file, or NULL */
    const screen_diff *diff;    /* or NULL */
    const char *screenshot_problem; /* why there is no comparison, or NULL */
    const GPtrArray *lines;     /* char *: what the render said (notes, lacking) */
} render_page;

bool render_page_write(const render_page *page, const char *path, char **error);

#endif
