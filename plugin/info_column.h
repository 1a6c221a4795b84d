/* The info column as the dissector writes it: one item after another,
 * separated by ", ", whatever another dissector put before them. */
#ifndef SPICECAP_PLUGIN_INFO_COLUMN_H
#define SPICECAP_PLUGIN_INFO_COLUMN_H

#include <epan/packet.h>

/* Before appending an item to the info column: ", " when it already holds
 * text that does not end in a space. Another dissector's fenced prefix
 * ("[TCP Previous segment not captured] ") ends in one, and a separator
 * there would read " , ". */
void spicecap_info_sep(packet_info *pinfo);

#endif
