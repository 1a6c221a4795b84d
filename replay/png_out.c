/* Writing a surface as a PNG (png_out.h). */
#include "png_out.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct png_job {
    FILE *file;
    png_structp png;
    png_infop info;
    png_bytep row;
} png_job;

/* libpng reports errors by longjmp: kept apart so that nothing else in the
 * caller's frame is clobbered. */
static bool encode(png_job *job, const png_surface *s)
{
    if (setjmp(png_jmpbuf(job->png)))
        return false;
    png_init_io(job->png, job->file);
    png_set_IHDR(job->png, job->info, (png_uint_32)s->width, (png_uint_32)s->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(job->png, job->info);
    for (int y = 0; y < s->height; y++) {
        const uint8_t *src = s->data + (size_t)y * (size_t)s->stride;
        for (int x = 0; x < s->width; x++) {
            job->row[3 * x] = src[4 * x + 2];
            job->row[3 * x + 1] = src[4 * x + 1];
            job->row[3 * x + 2] = src[4 * x];
        }
        png_write_row(job->png, job->row);
    }
    png_write_end(job->png, NULL);
    return true;
}

bool png_write_surface(const char *path, const png_surface *s, char **error)
{
    char *tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd = g_mkstemp(tmp);
    png_job job = {0};
    bool ok = fd >= 0 && (job.file = fdopen(fd, "wb")) != NULL;
    if (!ok) {
        *error = g_strdup_printf("%s: %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd), g_unlink(tmp);
        g_free(tmp);
        return false;
    }
    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    job.info = job.png ? png_create_info_struct(job.png) : NULL;
    job.row = malloc((size_t)s->width * 3 + 1);
    ok = job.png && job.info && job.row && encode(&job, s);
    png_destroy_write_struct(&job.png, &job.info);
    free(job.row);
    ok = fclose(job.file) == 0 && ok;
    if (ok && g_rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        *error = g_strdup_printf("%s: cannot write the PNG (%s)", path, errno ? g_strerror(errno) : "libpng failed");
        g_unlink(tmp);
    }
    g_free(tmp);
    return ok;
}
