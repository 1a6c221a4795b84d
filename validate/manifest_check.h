/* --manifest: the messages a capture should hold (spicecap-synth's
 * manifest, or the JSON beside ryll's samples), compared in order with the
 * messages the validator walked. */
#ifndef SPICECAP_VALIDATE_MANIFEST_CHECK_H
#define SPICECAP_VALIDATE_MANIFEST_CHECK_H

#include <stdbool.h>

#include "validation.h"

/* Compare; findings go to v. false with *error when the manifest cannot be
 * read (exit 2). */
bool manifest_check(validation *v, const char *manifest_path, char **error);

#endif
