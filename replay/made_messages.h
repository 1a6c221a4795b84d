/* What a recording that starts mid-session lacks to be served at all, made
 * by the replayer: a ring (an AutoSnapshot, a Display report) or a capture
 * begun late holds no main channel init or channel list (without them a
 * client opens no other channel), and a display channel may hold no
 * surface creation (without it a client has nothing to draw on). Each one
 * made is said in a note. What cannot be made (draws that use image-cache
 * or GLZ entries from before the recording) is left to the client, which
 * draws what it can. */
#ifndef SPICECAP_REPLAY_MADE_MESSAGES_H
#define SPICECAP_REPLAY_MADE_MESSAGES_H

#include <glib.h>

#include "recording.h"

/* Adds what REC lacks; appends a note (a g_strdup'd line) to NOTES for each
 * thing made. */
void replay_make_missing(replay_recording *rec, GPtrArray *notes);

#endif
