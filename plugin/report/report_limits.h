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

/* ryll's rings hold at most 32 MiB (display) + 4 x 4 MiB + 2 MiB of
 * messages, so an AutoSnapshot's traffic.pcap, frame headers included, is
 * well under 64 MiB; a larger one is refused rather than held. */
#define REPORT_MAX_PCAP_BYTES ((uint64_t)512 << 20)
/* ryll writes 8 members at most; a directory this large is not a report. */
#define REPORT_MAX_ZIP_MEMBERS 4096u
#define REPORT_MAX_ZIP_DIRECTORY_BYTES ((uint64_t)1 << 20)
/* deflate cannot expand more than 1032:1 (RFC 1951's longest match per
 * bit pattern): a member that says it inflates further lies, so a small
 * zip cannot make the reader allocate much (a zip bomb). */
#define REPORT_DEFLATE_MAX_RATIO 1032u

#endif
