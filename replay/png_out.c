/* RGB images and their PNG files (png_out.h). */
#include "png_out.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool rgb_image_from_xrgb(rgb_image *out, int width, int height, int stride, const uint8_t *data)
{
    out->width = width, out->height = height;
    out->rgb = malloc((size_t)width * (size_t)height * 3 + 1);
    if (!out->rgb)
        return false;
    for (int y = 0; y < height; y++) {
        const uint8_t *src = data + (size_t)y * (size_t)stride;
        uint8_t *dst = out->rgb + (size_t)y * (size_t)width * 3;
        for (int x = 0; x < width; x++)
            dst[3 * x] = src[4 * x + 2], dst[3 * x + 1] = src[4 * x + 1], dst[3 * x + 2] = src[4 * x];
    }
    return true;
}

bool rgb_image_from_png(rgb_image *out, const uint8_t *png, size_t len, char **error)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    memset(out, 0, sizeof *out);
    if (!png_image_begin_read_from_memory(&image, png, len)) {
        *error = g_strdup_printf("not a PNG libpng reads (%s)", image.message);
        return false;
    }
    if (image.width == 0 || image.height == 0 || (uint64_t)image.width * image.height > RGB_IMAGE_MAX_PIXELS) {
        *error = g_strdup_printf("%ux%u pixels: not decoded (at most %" G_GUINT64_FORMAT " pixels)", image.width,
                                 image.height, (uint64_t)RGB_IMAGE_MAX_PIXELS);
        png_image_free(&image);
        return false;
    }
    image.format = PNG_FORMAT_RGB;
    out->width = (int)image.width, out->height = (int)image.height;
    out->rgb = malloc(PNG_IMAGE_SIZE(image));
    if (!out->rgb || !png_image_finish_read(&image, NULL, out->rgb, 0, NULL)) {
        *error = g_strdup_printf("the PNG cannot be decoded (%s)", out->rgb ? image.message : "out of memory");
        png_image_free(&image);
        rgb_image_clear(out);
        return false;
    }
    return true;
}

void rgb_image_clear(rgb_image *image)
{
    free(image->rgb);
    memset(image, 0, sizeof *image);
}

bool rgb_image_write_png(const rgb_image *image, const char *path, char **error)
{
    char *tmp = g_strdup_printf("%s.XXXXXX", path);
    /* mkstemp makes the file 0600; the result is a file like any other. */
    int fd = g_mkstemp(tmp);
    if (fd >= 0)
        fchmod(fd, 0644);
    FILE *file = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!file) {
        *error = g_strdup_printf("%s: %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd), g_unlink(tmp);
        g_free(tmp);
        return false;
    }
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = (png_uint_32)image->width, png.height = (png_uint_32)image->height;
    png.format = PNG_FORMAT_RGB;
    bool ok = png_image_write_to_stdio(&png, file, 0, image->rgb, 0, NULL) != 0;
    const char *why = ok ? NULL : png.message;
    ok = fclose(file) == 0 && ok;
    if (ok && g_rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        *error = g_strdup_printf("%s: cannot write the PNG (%s)", path, why ? why : g_strerror(errno));
        g_unlink(tmp);
    }
    png_image_free(&png);
    g_free(tmp);
    return ok;
}
