/* Reading a draw's source image (draw_image.h). Layouts are spice-protocol's
 * marshalled messages: SpiceMsgDisplayBase (surface id, box, clip), then
 * the draw, whose first field is the source image's offset in the body for
 * copy, opaque, blend and transparent; the image descriptor (id u64, type,
 * flags, width, height) at that offset; for GLZ the 33-byte big-endian
 * header of the GLZ stream (magic, version, type and top-down, width,
 * height, stride, image id, window head distance). */
#include "draw_image.h"

#include <spice/enums.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"

enum {
    BASE_FIXED = 4 + 16 + 1, /* surface id, box, clip type */
    RECT_LEN = 16,
    DESCRIPTOR_LEN = 8 + 1 + 1 + 4 + 4,
    GLZ_HEADER_LEN = 33,
    GLZ_ID_AT = 4 + 4 + 1 + 4 + 4 + 4,
};

/* The GLZ header's id and window: from the stream itself, or inflated from
 * a zlib-wrapped one (only its first bytes). */
static bool glz_header(const uint8_t *p, size_t avail, bool zlib_wrapped, draw_image *image)
{
    uint8_t head[GLZ_HEADER_LEN];
    if (zlib_wrapped) {
        if (avail < 8)
            return false;
        uint32_t packed = spicecap_le32(p + 4);
        p += 8, avail -= 8;
        if (packed > avail)
            return false;
        z_stream z = {0};
        if (inflateInit(&z) != Z_OK)
            return false;
        z.next_in = (Bytef *)(uintptr_t)p, z.avail_in = (uInt)packed;
        z.next_out = head, z.avail_out = sizeof head;
        int rc = inflate(&z, Z_SYNC_FLUSH);
        bool whole = z.avail_out == 0;
        inflateEnd(&z);
        if (!whole && rc != Z_STREAM_END)
            return false;
        if (!whole)
            return false;
    } else {
        if (avail < 4 + GLZ_HEADER_LEN || spicecap_le32(p) < GLZ_HEADER_LEN)
            return false;
        memcpy(head, p + 4, GLZ_HEADER_LEN);
    }
    uint64_t id = (uint64_t)spicecap_be32(head + GLZ_ID_AT) << 32 | spicecap_be32(head + GLZ_ID_AT + 4);
    image->glz = true;
    image->glz_id = id;
    image->win_head_dist = spicecap_be32(head + GLZ_ID_AT + 8);
    return true;
}

bool draw_image_read(uint16_t type, const uint8_t *body, size_t len, draw_image *image)
{
    if (type != SPICE_MSG_DISPLAY_DRAW_COPY && type != SPICE_MSG_DISPLAY_DRAW_OPAQUE &&
        type != SPICE_MSG_DISPLAY_DRAW_BLEND && type != SPICE_MSG_DISPLAY_DRAW_TRANSPARENT)
        return false;
    if (len < BASE_FIXED)
        return false;
    size_t at = BASE_FIXED;
    if (body[BASE_FIXED - 1] == SPICE_CLIP_TYPE_RECTS) {
        if (len < at + 4)
            return false;
        uint64_t rects = spicecap_le32(body + at);
        if (rects > (len - at - 4) / RECT_LEN)
            return false;
        at += 4 + (size_t)rects * RECT_LEN;
    }
    if (len < at + 4)
        return false;
    uint32_t offset = spicecap_le32(body + at);
    if (offset == 0 || offset > len || len - offset < DESCRIPTOR_LEN)
        return false;
    const uint8_t *d = body + offset;
    memset(image, 0, sizeof *image);
    image->id = (uint64_t)spicecap_le32(d + 4) << 32 | spicecap_le32(d);
    image->type = d[8];
    image->flags = d[9];
    if (image->type == SPICE_IMAGE_TYPE_GLZ_RGB || image->type == SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB)
        glz_header(d + DESCRIPTOR_LEN, len - offset - DESCRIPTOR_LEN, image->type == SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB,
                   image);
    return true;
}
