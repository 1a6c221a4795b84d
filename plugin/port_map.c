/* The client-port-to-channel map of recorded flows: the user's preference
 * first, then ryll's convention (channels.h). */
#include "port_map.h"

#include <wsutil/report_message.h>
#include <stdlib.h>

#include "channels.h"
#include "recorded.h"

static GHashTable *user_map; /* port -> channel id */

void spicecap_port_map_set(const char *text)
{
    if (user_map == NULL)
        user_map = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_remove_all(user_map);
    gchar **entries = g_strsplit_set(text ? text : "", ", ", -1);
    GString *bad = g_string_new(NULL);
    for (gchar **e = entries; *e != NULL; e++) {
        if (**e == '\0')
            continue;
        gchar **pair = g_strsplit(*e, "=", 2);
        char *end = NULL;
        unsigned long port = pair[0] && pair[1] ? strtoul(pair[0], &end, 10) : 0;
        unsigned channel = pair[0] && pair[1] ? spicecap_channel_from_name(pair[1]) : 0;
        if (end == NULL || end == pair[0] || *end != '\0' || port == 0 || port > 65535 || channel == 0)
            g_string_append_printf(bad, "%s\"%s\"", bad->len ? ", " : "", *e);
        else
            g_hash_table_insert(user_map, GUINT_TO_POINTER(port), GUINT_TO_POINTER(channel));
        g_strfreev(pair);
    }
    if (bad->len)
        report_failure("spicecap.client_ports: %s not PORT=CHANNEL (e.g. 20002=display); skipped", bad->str);
    g_string_free(bad, TRUE);
    g_strfreev(entries);
}

unsigned spicecap_port_map_channel(guint16 client_port)
{
    gpointer mapped = user_map ? g_hash_table_lookup(user_map, GUINT_TO_POINTER((guint)client_port)) : NULL;
    if (mapped != NULL)
        return GPOINTER_TO_UINT(mapped);
    return spicecap_recorded_channel(client_port);
}
