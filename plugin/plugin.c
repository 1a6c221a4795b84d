/* The symbols Wireshark's plugin loader looks for: plugin_version,
 * plugin_want_major, plugin_want_minor and plugin_register (README.plugins
 * 5.1), and on 4.4 and 4.6 plugin_describe (ws_compat.h). */
#include <epan/proto.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#include "spicecap_dissector.h"
#include "spicecap_version.h"
#include "ws_compat.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = SPICECAP_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = spicecap_register;
    plugin.register_handoff = spicecap_handoff;
    proto_register_plugin(&plugin);
}

#if SPICECAP_WS_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

/* A dissector plugin that also registers a tap listener (-z spicecap,stat). */
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif
