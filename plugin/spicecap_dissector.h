/* The spicecap protocol: SPICE messages in captures recorded by ryll. */
#ifndef SPICECAP_PLUGIN_DISSECTOR_H
#define SPICECAP_PLUGIN_DISSECTOR_H

#include <epan/conversation.h>

void spicecap_register(void);
void spicecap_handoff(void);

/* Drops what spicecap keeps for conv (the fuzz target starts every input
 * afresh): a recorded flow's walkers, a real connection's session. */
void spicecap_forget(conversation_t *conv);

#endif
