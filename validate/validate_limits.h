/* The validator's resource limits, in one place so that docs/validate.md
 * and tests/validate/test_bounds.py check against the same numbers. With
 * them, memory depends on none of the file's size, its flow count, a size
 * field or a message: a hostile capture cannot make the validator grow
 * without bound. Limits of a file's own format stay beside the code that
 * reads it: CAPTURE_MAX_CAPLEN (capture_reader.h), FINDINGS_KEPT
 * (findings.h), FLOW_WINDOW (flow.h), and the SPICE message bound
 * SPICECAP_SANE_MESSAGE_SIZE (format/format.h). */
#ifndef SPICECAP_VALIDATE_VALIDATE_LIMITS_H
#define SPICECAP_VALIDATE_VALIDATE_LIMITS_H

#include <stdint.h>

/* Flow directions followed per file. A ryll capture has two per channel, a
 * real SPICE session a few dozen; past this, frames of new flows are
 * counted and skipped, with a limit-reached finding naming the first. Each
 * followed flow costs under 1 KiB, plus its link-stage body (at most
 * SPICECAP_LINK_BODY_MAX, 4 KiB) while a real flow is in its link stage. */
#define VALIDATE_MAX_FLOWS 8192u

/* Real (not recorded) flow directions that get a FLOW_WINDOW (64 KiB) of
 * recent bytes to compare retransmissions with; later ones count their
 * retransmissions as too old to compare, with a note. */
#define VALIDATE_MAX_WINDOWS 256u

/* Bytes held ahead of holes, over all flows of a file. Past this the hole
 * of the flow adding the segment is declared a gap at once (a note says
 * so), as when one flow holds too much. */
#define VALIDATE_MAX_HELD_BYTES ((uint64_t)32 << 20)

/* Free-text notes kept per file (each distinct note once). */
#define VALIDATE_MAX_NOTES 1000u

/* The peak resident memory these limits add up to, whatever the input
 * (without --manifest, which keeps 40 bytes per message walked): the
 * record buffer (CAPTURE_MAX_CAPLEN), flows, windows, held bytes, kept
 * findings, decompression buffers and the libraries themselves. */
#define VALIDATE_PEAK_RSS_BOUND_MIB 256u

#endif
