/* The generator's only source of randomness: splitmix64, seeded by --seed,
 * so a seed gives the same bytes on every machine (never rand(), time or
 * hash order). */
#ifndef SPICECAP_SYNTH_PRNG_H
#define SPICECAP_SYNTH_PRNG_H

#include <stdint.h>

typedef struct synth_prng {
    uint64_t state;
} synth_prng;

static inline uint64_t synth_next(synth_prng *p)
{
    uint64_t z = (p->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (hi - lo small next to 2^64: the bias is negligible). */
static inline uint64_t synth_range(synth_prng *p, uint64_t lo, uint64_t hi)
{
    return lo + synth_next(p) % (hi - lo + 1);
}

#endif
