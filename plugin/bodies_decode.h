/* The body decoders of each channel (bodies_*.c), which the dispatcher
 * (bodies.c) calls; the helpers they share are body_fields.h's. */
#ifndef SPICECAP_PLUGIN_BODIES_DECODE_H
#define SPICECAP_PLUGIN_BODIES_DECODE_H

#include <epan/packet.h>

#include "body_fields.h"
#include "format.h"
#include "spice_value_strings.h" /* generated from spice-protocol's headers */

/* The decoders of each channel, for one message type. */
void spicecap_body_display(const body_ctx *c, spicecap_direction direction, guint16 type);
void spicecap_body_main(const body_ctx *c, spicecap_direction direction, guint16 type);
void spicecap_body_inputs(const body_ctx *c, spicecap_direction direction, guint16 type);
void spicecap_body_cursor(const body_ctx *c, spicecap_direction direction, guint16 type);
void spicecap_body_playback(const body_ctx *c, spicecap_direction direction, guint16 type);
void spicecap_body_record(const body_ctx *c, spicecap_direction direction, guint16 type);

/* Field registration of each file. */
void spicecap_bodies_display_register(int proto);
void spicecap_bodies_main_register(int proto);
void spicecap_bodies_input_register(int proto);
void spicecap_bodies_audio_register(int proto);

#endif
