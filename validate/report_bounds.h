/* The bounds both readers of a ryll bug report keep: the validator
 * (spicecap-validate, through libzip) and the Wireshark file-type plugin
 * (plugin/report/, its own zip reader). One definition, so that a report
 * one tool takes the other does not refuse for its size, and so that the
 * shared zip check (zip_check.h) and the JSON pre-scan (json_bounds.h)
 * refuse with the same words in both. */
#ifndef SPICECAP_VALIDATE_REPORT_BOUNDS_H
#define SPICECAP_VALIDATE_REPORT_BOUNDS_H

#include <stdint.h>

/* ryll's rings hold at most 32 MiB (display) + 4 x 4 MiB + 2 MiB of
 * messages, so an AutoSnapshot's traffic.pcap, frame headers included, is
 * well under 64 MiB; a larger one (inflated) is refused rather than read. */
#define REPORT_MAX_PCAP_BYTES ((uint64_t)512 << 20)
/* ryll writes 9 members at most; a directory this large is not a report. */
#define REPORT_MAX_ZIP_MEMBERS 4096u
#define REPORT_MAX_ZIP_DIRECTORY_BYTES ((uint64_t)1 << 20)
/* deflate cannot expand more than 1032:1 (RFC 1951's longest match per
 * bit pattern): a member that says it inflates further lies, so a small
 * zip cannot make a reader allocate much (a zip bomb). */
#define REPORT_DEFLATE_MAX_RATIO 1032u

/* A JSON member nested deeper than this is refused before it is parsed:
 * json-glib's parser (and its generator, for --json) recurses once per
 * level, so 80,000 levels overflowed the stack. ryll's members nest 4
 * levels at most (channel-state.json of an AutoSnapshot). */
#define REPORT_JSON_MAX_DEPTH 64u
/* ...and one of more values than this (json-glib holds each value as a
 * node of about 300 bytes: a 4 MiB member of "[{},{},...]" took 400 MB).
 * ryll's largest, channel-state.json with its recent decodes, holds a few
 * thousand. */
#define REPORT_JSON_MAX_VALUES 65536u

#endif
