#include "spice_names.h"

#include "channels.h"

const char *spicecap_message_name(unsigned channel, spicecap_direction direction, uint16_t type)
{
    if (channel >= SPICECAP_CHANNEL_SLOTS || (direction != SPICECAP_DIR_SENT && direction != SPICECAP_DIR_RECEIVED))
        return NULL;
    const spicecap_msg_table_run run = spicecap_msg_table_runs[channel][direction];
    for (size_t t = run.begin; t < run.end; t++) {
        const spicecap_msg_table *table = &spicecap_msg_tables[t];
        if (table->count == 0 || type < table->names[0].type || type > table->names[table->count - 1].type)
            continue;
        /* Types mostly run without gaps from the table's first, so try the
         * slot the type would have in a dense table, then scan (tables hold
         * at most ~30 names). This is on the recorder's per-message path. */
        size_t guess = (size_t)(type - table->names[0].type);
        if (guess < table->count && table->names[guess].type == type)
            return table->names[guess].name;
        for (size_t i = 0; i < table->count && table->names[i].type <= type; i++)
            if (table->names[i].type == type)
                return table->names[i].name;
    }
    return NULL;
}
