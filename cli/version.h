/* --version for spicecap's command-line tools, as GNU's coding standards
 * have it: the program and the project's version first, then the
 * libraries it was built with (and, where the library can say, the one it
 * runs with: a distribution may update a shared library under the tool). */
#ifndef SPICECAP_CLI_VERSION_H
#define SPICECAP_CLI_VERSION_H
#include <stdio.h>

void spicecap_print_version(FILE *out, const char *program);

#endif
