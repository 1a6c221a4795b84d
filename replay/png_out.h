/* Images as the replayer handles them (8-bit RGB, rows top down) and their
 * PNG files (libpng): the rendering that tests and users compare with a
 * guest's screendump or ryll's screenshot. */
#ifndef SPICECAP_REPLAY_PNG_OUT_H
#define SPICECAP_REPLAY_PNG_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rgb_image {
    int width, height;
    uint8_t *rgb; /* width * height * 3 */
} rgb_image;

/* A PNG read from memory is not decoded past this many pixels (a 1.9 MB
 * PNG can claim 20000x20000, 1.6 GB decoded): 8K UHD, 33 Mpx, 100 MB. */
#define RGB_IMAGE_MAX_PIXELS ((uint64_t)7680 * 4320)

/* A copy of a SPICE 32-bit xRGB surface (one little-endian word per pixel:
 * B, G, R, x in memory). False when memory runs out. */
bool rgb_image_from_xrgb(rgb_image *out, int width, int height, int stride, const uint8_t *data);

/* Decodes a PNG held in memory. False with *error (g_free it) when it is not
 * a PNG libpng reads, or is larger than RGB_IMAGE_MAX_PIXELS. */
bool rgb_image_from_png(rgb_image *out, const uint8_t *png, size_t len, char **error);

void rgb_image_clear(rgb_image *image);

/* Writes IMAGE to PATH through a temporary file renamed into place: no
 * partial PNG is ever left. False with *error (g_free it). */
bool rgb_image_write_png(const rgb_image *image, const char *path, char **error);

#endif
