/* Comparing the reference rendering with ryll's screenshot (screen_diff.h). */
#include "screen_diff.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

void screen_diff_compute(const rgb_image *ref, const rgb_image *shot, screen_diff *d)
{
    memset(d, 0, sizeof *d);
    d->same_size = ref->width == shot->width && ref->height == shot->height;
    d->total = (uint64_t)ref->width * (uint64_t)ref->height;
    d->image.width = ref->width, d->image.height = ref->height;
    d->image.rgb = malloc((size_t)d->total * 3 + 1);
    int x0 = ref->width, y0 = ref->height, x1 = -1, y1 = -1;
    for (int y = 0; y < ref->height; y++) {
        for (int x = 0; x < ref->width; x++) {
            const uint8_t *r = ref->rgb + 3 * ((size_t)y * (size_t)ref->width + (size_t)x);
            const uint8_t *s = x < shot->width && y < shot->height
                                   ? shot->rgb + 3 * ((size_t)y * (size_t)shot->width + (size_t)x)
                                   : NULL;
            bool differs = !s || memcmp(r, s, 3) != 0;
            if (differs) {
                d->differing++;
                x0 = MIN(x0, x), y0 = MIN(y0, y), x1 = MAX(x1, x), y1 = MAX(y1, y);
            }
            if (d->image.rgb) { /* red where they differ; elsewhere the reference, a third as bright */
                uint8_t *o = d->image.rgb + 3 * ((size_t)y * (size_t)ref->width + (size_t)x);
                o[0] = differs ? 255 : r[0] / 3, o[1] = differs ? 0 : r[1] / 3, o[2] = differs ? 0 : r[2] / 3;
            }
        }
    }
    if (x1 >= 0)
        d->box_x = x0, d->box_y = y0, d->box_w = x1 - x0 + 1, d->box_h = y1 - y0 + 1;
}

void screen_diff_clear(screen_diff *d)
{
    rgb_image_clear(&d->image);
}
