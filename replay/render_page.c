/* The --html page of spicecap-render (render_page.h). */
#include "render_page.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_text.h"

static void put_text(FILE *out, const char *text)
{
    /* Input text: control characters escaped, then HTML-escaped. */
    char *safe = spicecap_safe_text(text, strlen(text));
    char *e = g_markup_escape_text(safe ? safe : "", -1);
    fputs(e, out);
    g_free(e);
    free(safe);
}

static bool put_image(FILE *out, const char *title, const char *file, char **error)
{
    char *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(file, &data, &len, &gerr)) {
        *error = g_strdup(gerr->message);
        g_error_free(gerr);
        return false;
    }
    char *b64 = g_base64_encode((const guchar *)data, len);
    fputs("<figure><figcaption>", out);
    put_text(out, title);
    fprintf(out, "</figcaption><img alt=\"\" src=\"data:image/png;base64,%s\"></figure>\n", b64);
    g_free(b64);
    g_free(data);
    return true;
}

static const char STYLE[] =
    "body{font:14px sans-serif;margin:1em;background:#fafafa}figure{display:inline-block;margin:0 1em 1em 0;"
    "vertical-align:top}img{border:1px solid #888;image-rendering:pixelated;max-width:100%}"
    ".same{color:#060}.differ{color:#b00}li{font-family:monospace}";

static bool write_body(const render_page *p, FILE *out, char **error)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n<title>",
          out);
    put_text(out, p->input);
    fprintf(out, " at %.3f s: spicecap-render</title><style>%s</style></head><body>\n<h1>", p->at_s, STYLE);
    put_text(out, p->input);
    fprintf(out, " at %.3f s</h1>\n", p->at_s);
    if (p->diff) {
        bool same = p->diff->differing == 0 && p->diff->same_size;
        fprintf(out, "<p class=\"%s\" id=\"verdict\" data-differing=\"%" G_GUINT64_FORMAT "\">", same ? "same" : "differ",
                p->diff->differing);
        if (same)
            fputs("ryll's screenshot equals the reference rendering: the pixels ryll shows are the ones the server "
                  "sent.", out);
        else
            fprintf(out, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " pixels differ, in the box at %d,%d of %dx%d%s: "
                         "where ryll's screenshot differs from what the reference client draws from the same "
                         "bytes, ryll drew them wrong.",
                    p->diff->differing, p->diff->total, p->diff->box_x, p->diff->box_y, p->diff->box_w,
                    p->diff->box_h, p->diff->same_size ? "" : " (the two are not the same size)");
        fputs("</p>\n", out);
    } else if (p->screenshot_problem) {
        fputs("<p id=\"verdict\">No comparison: ", out);
        put_text(out, p->screenshot_problem);
        fputs("</p>\n", out);
    }
    if (!put_image(out, "the reference rendering (spice-gtk)", p->reference_png, error))
        return false;
    if (p->screenshot_png && !put_image(out, "ryll's screenshot.png", p->screenshot_png, error))
        return false;
    if (p->diff_png && !put_image(out, "the difference (red)", p->diff_png, error))
        return false;
    if (p->lines && p->lines->len) {
        fputs("<ul>\n", out);
        for (guint i = 0; i < p->lines->len; i++) {
            fputs("<li>", out);
            put_text(out, p->lines->pdata[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    fputs("</body></html>\n", out);
    return true;
}

bool render_page_write(const render_page *p, const char *path, char **error)
{
    char *tmp = g_strdup_printf("%s.XXXXXX", path);
    /* mkstemp makes the file 0600; the result is a file like any other. */
    int fd = g_mkstemp(tmp);
    if (fd >= 0)
        fchmod(fd, 0644);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        *error = g_strdup_printf("%s: %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd), g_unlink(tmp);
        g_free(tmp);
        return false;
    }
    char *why = NULL;
    bool ok = write_body(p, out, &why);
    ok = fclose(out) == 0 && ok;
    if (ok && g_rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        *error = g_strdup_printf("%s: %s", path, why ? why : g_strerror(errno));
        g_unlink(tmp);
    }
    g_free(why);
    g_free(tmp);
    return ok;
}
