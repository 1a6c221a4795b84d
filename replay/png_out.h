/* A decoded surface written as a PNG (libpng): the rendering that tests and
 * users compare with a guest's screendump or ryll's screenshot. */
#ifndef SPICECAP_REPLAY_PNG_OUT_H
#define SPICECAP_REPLAY_PNG_OUT_H

#include <stdbool.h>
#include <stdint.h>

/* Pixels as SPICE's 32-bit xRGB and ARGB surfaces hold them: one
 * little-endian word per pixel, so B, G, R, x in memory. */
typedef struct png_surface {
    int width, height, stride;
    const uint8_t *data;
} png_surface;

/* Writes SURFACE to PATH as 8-bit RGB, through a temporary file renamed
 * into place: no partial PNG is ever left. False with *error (g_free it). */
bool png_write_surface(const char *path, const png_surface *surface, char **error);

#endif
