/* The bounds of the report reader: what it reads of a zip before it knows
 * more, and the largest traffic.pcap it takes. Memory is bounded by these:
 * a stored traffic.pcap (as ryll writes it) is read in place, never held;
 * a deflated one is held once, inflated (at most REPORT_MAX_PCAP_BYTES);
 * besides, the central directory while it opens the file, and
 * metadata.json, session.json and disconnect-cause.json (at most
 * METADATA_MAX_BYTES each, validate/metadata.h's bound). */
#ifndef SPICECAP_REPORT_LIMITS_H
#define SPICECAP_REPORT_LIMITS_H

#include <stdint.h>

/* The bounds shared with the validator: the largest traffic.pcap, the zip
 * directory's, deflate's ratio, a JSON member's depth and values. */
#include "report_bounds.h"

#endif
