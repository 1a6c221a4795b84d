/* The reference rendering against ryll's screenshot of the same moment:
 * did the server send the wrong pixels (both show them), or did ryll draw
 * the right bytes wrong (they differ)? Pixels that differ, their bounding
 * box, and a diff image: differing pixels red over the reference dimmed. */
#ifndef SPICECAP_REPLAY_SCREEN_DIFF_H
#define SPICECAP_REPLAY_SCREEN_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "png_out.h"

typedef struct screen_diff {
    bool same_size;
    uint64_t differing, total;      /* over the reference's pixels (outside the screenshot: differing) */
    int box_x, box_y, box_w, box_h; /* of the differing pixels; all 0 when none */
    rgb_image image;                /* the diff image, the reference's size (rgb NULL when memory ran out) */
} screen_diff;

void screen_diff_compute(const rgb_image *reference, const rgb_image *screenshot, screen_diff *out);
void screen_diff_clear(screen_diff *diff);

#endif
