/* spicecap_report.so's entry points for Wireshark's plugin loader: a
 * wiretap plugin (plugins/X.Y/wiretap), loaded by wtap_init(), which then
 * calls its register_wtap_module. */
#include <ws_symbol_export.h>

#include "report_wtap.h"
#include "spicecap_version.h"
#include "wtap_compat.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = SPICECAP_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
    static wtap_plugin plugin;
    plugin.register_wtap_module = spicecap_report_register;
    wtap_register_plugin(&plugin);
}

#if SPICECAP_WTAP_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_FILE_TYPE;
}
#endif
