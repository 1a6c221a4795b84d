/* A ryll bug report is about one channel (metadata.json "channel"; "all"
 * for an auto-snapshot) and its traffic.pcap is that channel's ring drained:
 * a report whose pcap holds none of that channel's traffic shows nothing of
 * what it reports (`report-channel-empty`). */
#ifndef SPICECAP_VALIDATE_REPORT_CHANNEL_H
#define SPICECAP_VALIDATE_REPORT_CHANNEL_H

#include "metadata.h"
#include "validation.h"

/* Check the bug report m against s, its traffic.pcap just walked by v (v's
 * current file): a finding when it holds no traffic of the channel named, a
 * note when the channel is not one the pcap can show. The walk's message
 * counts answer at once; only when they are 0 is the pcap read again, for
 * any frame of the channel (its messages may all be cut). */
void report_channel_check(validation *v, const input_metadata *m, const file_summary *s);

#endif
