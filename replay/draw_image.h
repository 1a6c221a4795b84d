/* The source image of a display draw, read from the message body as far as
 * the replayer needs: does it come from the client's image cache, or is it
 * GLZ-compressed against the dictionary of earlier images, and which ids it
 * may refer to. A recording that starts mid-session (a ring) lacks the
 * images those refer to; a client waits for a GLZ image without end. */
#ifndef SPICECAP_REPLAY_DRAW_IMAGE_H
#define SPICECAP_REPLAY_DRAW_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct draw_image {
    uint64_t id;            /* the image descriptor's id (the image cache's key) */
    uint8_t type;           /* SPICE_IMAGE_TYPE_* */
    uint8_t flags;          /* SPICE_IMAGE_FLAGS_* (CACHE_ME: the client keeps it) */
    bool glz;               /* GLZ_RGB or ZLIB_GLZ_RGB, its header read: */
    uint64_t glz_id;        /* the image's id in the GLZ dictionary */
    uint32_t win_head_dist; /* it may refer to ids from glz_id - win_head_dist on */
} draw_image;

/* True when the display message TYPE with BODY (LEN bytes, after the mini
 * header) draws from a source image it names, read into *IMAGE. Draws
 * without one, other messages and bodies too short for what they claim:
 * false. */
bool draw_image_read(uint16_t type, const uint8_t *body, size_t len, draw_image *image);

#endif
