#include "version.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <zip.h>
#include <zlib.h>

#include "spicecap_version.h"

void spicecap_print_version(FILE *out, const char *program)
{
    fprintf(out, "%s (spicecap) %s\n", program, SPICECAP_VERSION);
    /* One paragraph, which man/help2man.cmake leaves out of the manual
     * pages: what a build was made with is no part of the manual. */
    fprintf(out, "Built with spice-protocol %s (its message names), GLib %d.%d.%d (running %u.%u.%u),\n"
                 "json-glib %s, libzip %s (running %s), zlib %s (running %s).\n\n",
            SPICECAP_SPICE_PROTOCOL_VERSION, GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION,
            glib_major_version, glib_minor_version, glib_micro_version, JSON_VERSION_S, LIBZIP_VERSION,
            zip_libzip_version(), ZLIB_VERSION, zlibVersion());
    fputs("Copyright (C) 2026 the spicecap authors.\n"
          "License GPL-2.0-or-later <https://gnu.org/licenses/gpl.html>.\n"
          "This is free software: you are free to change and redistribute it.\n"
          "There is NO WARRANTY, to the extent permitted by law.\n",
          out);
}
