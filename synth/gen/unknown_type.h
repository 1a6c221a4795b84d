/* --unknown-type: one message of a type spice-protocol's tables do not name,
 * on display from server to client, as a server newer than the installed
 * spice-protocol sends. It follows the session's k-th display message from
 * the server (k = 3 + seed % 7, where the one-off faults start too) at the
 * same time, or ends a session that has fewer; its body is 16..256 seeded
 * bytes. Its randomness is its own, so every other message of the session
 * is the one the same seed gives without it. */
#ifndef SPICECAP_SYNTH_UNKNOWN_TYPE_H
#define SPICECAP_SYNTH_UNKNOWN_TYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "prng.h"
#include "scenario.h"

/* The type when none is given: above every display type spice-protocol
 * defines (the last, quality_indicator, is 322 in 0.14.3), with room for
 * the ones a newer server may add. */
#define UNKNOWN_TYPE_DEFAULT 399u

typedef struct unknown_type_emitter {
    scenario_emit emit; /* where every message goes on to */
    void *sink;
    uint16_t type;
    uint64_t after; /* display messages from the server before it */
    uint64_t seen;
    uint64_t last_ts_us;
    bool sent;
    synth_prng rng;
} unknown_type_emitter;

void unknown_type_init(unknown_type_emitter *u, uint16_t type, uint64_t seed, scenario_emit emit, void *sink);

/* scenario_emit-compatible (opaque is the emitter): passes the message on,
 * then the unknown one when its turn has come. */
int unknown_type_emit(void *opaque, uint64_t ts_us, unsigned channel, spicecap_direction direction,
                      const uint8_t *msg, size_t len);

/* At the end of the session: the unknown message, if it has not been sent. */
int unknown_type_finish(unknown_type_emitter *u);

#endif
