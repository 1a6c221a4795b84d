#include "spice_names.h"

const char *spicecap_message_name(unsigned channel, spicecap_direction direction, uint16_t type)
{
    for (size_t t = 0; t < spicecap_msg_table_count; t++) {
        const spicecap_msg_table *table = &spicecap_msg_tables[t];
        if (table->channel != channel || table->direction != direction)
            continue;
        /* Tables are short (at most ~30 names) and sorted: a linear scan is
         * cheaper than a binary search at this size. */
        for (size_t i = 0; i < table->count && table->names[i].type <= type; i++)
            if (table->names[i].type == type)
                return table->names[i].name;
    }
    return NULL;
}
