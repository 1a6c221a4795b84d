/* A Display report's screenshot.png: ryll encodes the surface it shows
 * (RGBA, 8 bits a channel). The generator renders no pixels, so the PNG is
 * the primary surface's size in one colour: its IHDR says what a reader
 * checks (the surface's width and height). */
#ifndef SPICECAP_SYNTH_SCREENSHOT_PNG_H
#define SPICECAP_SYNTH_SCREENSHOT_PNG_H

#include <stddef.h>
#include <stdint.h>

/* A width x height RGBA PNG of one colour (0xRRGGBBAA). NULL when zlib
 * fails or the size is absurd; free() the result. */
uint8_t *screenshot_png(uint32_t width, uint32_t height, uint32_t rgba, size_t *len);

#endif
