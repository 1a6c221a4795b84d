#include "screenshot_png.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"

/* PNG's integers are big-endian: stored, and the place after them. */
static uint8_t *put32(uint8_t *p, uint32_t v)
{
    spicecap_put_be32(p, v);
    return p + 4;
}

/* length, type, data, then the CRC of type and data. */
static uint8_t *chunk(uint8_t *p, const char *type, const uint8_t *data, uint32_t len)
{
    p = put32(p, len);
    memcpy(p, type, 4);
    if (len)
        memcpy(p + 4, data, len);
    uLong crc = crc32(crc32(0, Z_NULL, 0), p, len + 4);
    return put32(p + 4 + len, (uint32_t)crc);
}

uint8_t *screenshot_png(uint32_t width, uint32_t height, uint32_t rgba, size_t *len)
{
    if (width == 0 || height == 0 || width > 16384 || height > 16384)
        return NULL;
    size_t row = 1 + (size_t)width * 4; /* filter byte 0, then the pixels */
    size_t raw_len = row * height;
    uint8_t *raw = malloc(raw_len);
    uLongf packed_len = compressBound((uLong)raw_len);
    uint8_t *packed = malloc(packed_len);
    uint8_t *out = NULL;
    if (raw && packed) {
        for (size_t y = 0; y < height; y++) {
            uint8_t *p = raw + y * row;
            *p++ = 0;
            for (uint32_t x = 0; x < width; x++, p += 4)
                put32(p, rgba);
        }
        if (compress2(packed, &packed_len, raw, (uLong)raw_len, Z_BEST_COMPRESSION) == Z_OK)
            out = malloc(8 + 25 + 12 + packed_len + 12);
    }
    if (out) {
        static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        uint8_t ihdr[13];
        put32(put32(ihdr, width), height);
        ihdr[8] = 8, ihdr[9] = 6, ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0; /* 8-bit RGBA, deflate, no interlace */
        memcpy(out, signature, 8);
        uint8_t *p = chunk(out + 8, "IHDR", ihdr, 13);
        p = chunk(p, "IDAT", packed, (uint32_t)packed_len);
        p = chunk(p, "IEND", NULL, 0);
        *len = (size_t)(p - out);
    }
    free(raw);
    free(packed);
    return out;
}
