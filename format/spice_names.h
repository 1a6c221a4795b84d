/* SPICE message names per channel and direction, generated at build time
 * from spice-protocol's enums.h (see format/tools/gen_spice_names.py). */
#ifndef SPICECAP_SPICE_NAMES_H
#define SPICECAP_SPICE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

typedef struct spicecap_msg_name {
    uint16_t type;
    const char *name; /* lower case without prefix: "draw_copy", "set_ack" */
} spicecap_msg_name;

/* One sorted run of names a channel speaks in one direction. */
typedef struct spicecap_msg_table {
    uint8_t channel;
    spicecap_direction direction;
    const spicecap_msg_name *names;
    size_t count;
} spicecap_msg_table;

extern const spicecap_msg_table spicecap_msg_tables[];
extern const size_t spicecap_msg_table_count;

/* Tables [begin, end) of spicecap_msg_tables for a channel and direction. */
typedef struct spicecap_msg_table_run {
    uint8_t begin, end;
} spicecap_msg_table_run;
extern const spicecap_msg_table_run spicecap_msg_table_runs[][2];

/* Name of a message type on a channel in a direction, or NULL if the
 * installed spice-protocol does not define it. */
const char *spicecap_message_name(unsigned channel, spicecap_direction direction, uint16_t type);

#endif
