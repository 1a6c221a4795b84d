/* Draws a client cannot handle because the recording lacks what they refer
 * to, taken out before serving so that the replay goes on: a GLZ image may
 * refer to dictionary images from before the recording began (spice-gtk
 * waits for such an image without end), and an image from the client's
 * cache that the recording never sent cannot be drawn. Each kind is said
 * in a note, with how many draws and which ids. */
#ifndef SPICECAP_REPLAY_UNSERVABLE_H
#define SPICECAP_REPLAY_UNSERVABLE_H

#include <glib.h>

#include "recording.h"

void replay_drop_unservable(replay_recording *rec, GPtrArray *notes);

#endif
