/* Scenarios: deterministic SPICE sessions, emitted message by message in
 * timestamp order to a sink. */
#ifndef SPICECAP_SYNTH_SCENARIO_H
#define SPICECAP_SYNTH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

typedef enum scenario_kind { SCENARIO_DESKTOP, SCENARIO_VIDEO, SCENARIO_SEQ_WRAP, SCENARIO_RING } scenario_kind;

typedef struct scenario_params {
    scenario_kind kind;
    uint64_t seed;
    uint64_t duration_us;   /* session length */
    uint64_t video_rate;    /* video: bytes per second of stream data */
    uint32_t max_image;     /* desktop: the largest draw_copy bitmap, bytes */
    bool unknown;           /* --unknown-type: one display message of a type the tables do not name */
    uint16_t unknown_type;
} scenario_params;

/* Receives each message; a non-zero return stops the scenario and is
 * returned by scenario_run. */
typedef int (*scenario_emit)(void *sink, uint64_t ts_us, unsigned channel, spicecap_direction direction,
                             const uint8_t *msg, size_t len);

/* Parse a scenario name; -1 when unknown. */
int scenario_from_name(const char *name);
const char *scenario_name(scenario_kind kind);

/* Initial client and server seqs for the scenario (seq-wrap starts just
 * below 2^32; the others use ryll's 1000 and 2000). */
void scenario_initial_seqs(scenario_kind kind, uint32_t *client_seq, uint32_t *server_seq);

int scenario_run(const scenario_params *params, scenario_emit emit, void *sink);

#endif
