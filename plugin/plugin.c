/* The four symbols Wireshark looks for in a plugin (README.plugins 5.1). */
#include <epan/proto.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#include "spicecap_dissector.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = "0.1.0";
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
