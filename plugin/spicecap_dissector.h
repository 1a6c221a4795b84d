/* The spicecap protocol: SPICE messages in captures recorded by ryll. */
#ifndef SPICECAP_PLUGIN_DISSECTOR_H
#define SPICECAP_PLUGIN_DISSECTOR_H

void spicecap_register(void);
void spicecap_handoff(void);

#endif
