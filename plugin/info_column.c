/* The info column's separator (info_column.h). */
#include "info_column.h"

#include <string.h>

void spicecap_info_sep(packet_info *pinfo)
{
    const char *now = pinfo->cinfo ? col_get_text(pinfo->cinfo, COL_INFO) : NULL;
    size_t len = now ? strlen(now) : 0;
    if (len > 0 && now[len - 1] != ' ')
        col_append_str(pinfo->cinfo, COL_INFO, ", ");
}
