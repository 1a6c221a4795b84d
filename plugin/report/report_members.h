/* ryll's bug-report zip members (ryll's bugreport.rs; ../shared/README.md):
 * the names the reader looks for, each defined once. */
#ifndef SPICECAP_REPORT_MEMBERS_H
#define SPICECAP_REPORT_MEMBERS_H

#define REPORT_MEMBER_METADATA "metadata.json"
#define REPORT_MEMBER_TRAFFIC "traffic.pcap"
#define REPORT_MEMBER_SESSION "session.json"
#define REPORT_MEMBER_DISCONNECT "disconnect-cause.json"
#define REPORT_MEMBER_CHANNEL_STATE "channel-state.json"
#define REPORT_MEMBER_NOTIFICATIONS "notifications.json"
#define REPORT_MEMBER_RUNTIME "runtime-metrics.json"

#endif
