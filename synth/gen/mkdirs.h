/* mkdir -p that can be undone: ryll's capture mode creates its directory
 * (fs::create_dir_all), and a run that fails must leave nothing behind, the
 * directories it made included. */
#ifndef SPICECAP_SYNTH_MKDIRS_H
#define SPICECAP_SYNTH_MKDIRS_H

#include <glib.h>

/* Create path and every missing parent, appending each directory made to
 * created (g_free'd strings, parents first). 0, or -1 with *error naming
 * the path and the reason (g_free it); what was made is still listed. */
int mkdirs(const char *path, GPtrArray *created, char **error);

/* Remove the directories listed in created, children first (rmdir: only
 * while they are empty). */
void mkdirs_undo(GPtrArray *created);

#endif
