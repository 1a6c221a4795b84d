/* The wiretap file type "ryll bug report": registered by
 * spicecap_report_register() from the plugin's wtap module callback. */
#ifndef SPICECAP_REPORT_WTAP_H
#define SPICECAP_REPORT_WTAP_H

void spicecap_report_register(void);

#endif
