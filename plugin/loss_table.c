/* The loss summary per channel and direction (loss_table.h). */
#include "loss_table.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <string.h>

#include "ws_compat.h"

const char *const spicecap_loss_columns[SPICECAP_LOSS_COUNTS] = {
    "Whole", "Cut", "Gone", "Gaps", "Bytes missing", "Bytes not whole", "Desyncs",
};

enum { WHOLE, CUT, GONE, GAPS, MISSING, HELD, DESYNCS };

bool spicecap_loss_none(const spicecap_loss_counts *c)
{
    for (int i = 0; i < SPICECAP_LOSS_COUNTS; i++)
        if (c->n[i] != 0)
            return false;
    return true;
}

void spicecap_loss_count(spicecap_loss_counts *c, spicecap_loss_counts *dropped, const spicecap_tap_info *m)
{
    switch (m->kind) {
    case SPICECAP_TAP_MESSAGE:
        c->n[WHOLE]++;
        break;
    case SPICECAP_TAP_CUT:
        c->n[CUT]++;
        break;
    case SPICECAP_TAP_RECUT: /* counted whole in an earlier frame */
        if (c->n[WHOLE] > 0)
            c->n[WHOLE]--;
        c->n[CUT]++;
        break;
    case SPICECAP_TAP_DROPPED:
        c->n[GONE]++;
        break;
    case SPICECAP_TAP_GONE:
        c->n[GONE]++;
        if (dropped != NULL && dropped->n[GONE] > 0)
            dropped->n[GONE]--;
        break;
    case SPICECAP_TAP_LOSS:
        break;
    }
    c->n[GAPS] += m->gaps;
    c->n[MISSING] += m->missing;
    c->n[HELD] += m->unframed;
    c->n[DESYNCS] += m->desyncs;
}

void spicecap_loss_print_head(FILE *out)
{
    fprintf(out, "SPICE messages whole, cut and gone, and losses, per channel and direction (spicecap)\n");
    fprintf(out, "%-10s %-9s", "Channel", "Direction");
    for (int i = 0; i < SPICECAP_LOSS_COUNTS; i++)
        fprintf(out, " %*s", i >= MISSING && i <= HELD ? 15 : 8, spicecap_loss_columns[i]);
    fprintf(out, "\n");
}

void spicecap_loss_print_row(FILE *out, const char *channel, const char *direction, const spicecap_loss_counts *c)
{
    fprintf(out, "%-10s %-9s", channel, direction);
    for (int i = 0; i < SPICECAP_LOSS_COUNTS; i++)
        fprintf(out, " %*" G_GUINT64_FORMAT, i >= MISSING && i <= HELD ? 15 : 8, c->n[i]);
    fprintf(out, "\n");
}

/* ---- the stat_tap_table: Wireshark's GUI dialog and tshark's -z spicecap,losses ---- */

#define TABLE_NAME "SPICEcap losses per channel and direction"
#define FIELDS (2 + SPICECAP_LOSS_COUNTS)

/* The table's count columns, in the counts' indices: the counts first and
 * the two wide byte columns last, so that in 4.0's dialog (about 570
 * pixels wide whatever the main window, and a plugin cannot size it)
 * every count, Desyncs included, shows without scrolling. */
static const int table_order[SPICECAP_LOSS_COUNTS] = {WHOLE, CUT, GONE, GAPS, DESYNCS, MISSING, HELD};

static stat_tap_table_item table_fields[FIELDS];

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, TABLE_NAME);
    if (table != NULL) {
        if (ui->stat_tap_reset_table_cb != NULL)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(TABLE_NAME, FIELDS, 0, NULL));
}

/* The row of a channel and direction, or G_MAXUINT. */
static guint table_find(stat_tap_table *table, const char *channel_name, const char *direction_name)
{
    for (guint row = 0; row < table->num_elements; row++) {
        const stat_tap_table_item_type *channel = stat_tap_get_field_data(table, row, 0);
        const stat_tap_table_item_type *direction = stat_tap_get_field_data(table, row, 1);
        if (strcmp(channel->value.string_value, channel_name) == 0 &&
            strcmp(direction->value.string_value, direction_name) == 0)
            return row;
    }
    return G_MAXUINT;
}

static spicecap_loss_counts *row_counts(stat_tap_table *table, guint row)
{
    return stat_tap_get_field_data(table, row, 0)->user_data.ptr_value;
}

/* The cells of a row from its counts (the table's cells are 32-bit). */
static void row_show(stat_tap_table *table, guint row)
{
    const spicecap_loss_counts *c = row_counts(table, row);
    for (int i = 0; i < SPICECAP_LOSS_COUNTS; i++) {
        stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, (guint)(2 + i));
        item->value.uint_value = (guint)MIN(c->n[table_order[i]], (uint64_t)G_MAXUINT);
    }
}

/* The row of this channel and direction, added when new; its counts are
 * in the first column's scratch space. */
static guint table_row(stat_tap_table *table, const spicecap_tap_info *m)
{
    guint found = table_find(table, m->channel, m->direction);
    if (found != G_MAXUINT)
        return found;
    stat_tap_table_item_type items[FIELDS];
    memset(items, 0, sizeof items);
    items[0].type = items[1].type = TABLE_ITEM_STRING;
    items[0].value.string_value = g_strdup(m->channel);
    items[1].value.string_value = g_strdup(m->direction);
    items[0].user_data.ptr_value = g_new0(spicecap_loss_counts, 1);
    for (int i = 2; i < FIELDS; i++)
        items[i].type = TABLE_ITEM_UINT;
    guint row = table->num_elements;
    stat_tap_init_table_row(table, row, FIELDS, items);
    return row;
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                                      tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    stat_data_t *stat = tapdata;
    stat_tap_table *table = g_array_index(stat->stat_tap_data->tables, stat_tap_table *, 0);
    guint row = table_row(table, data);
    guint unknown = table_find(table, SPICECAP_LOSS_UNKNOWN_CHANNEL, SPICECAP_LOSS_UNKNOWN_DIRECTION);
    spicecap_loss_count(row_counts(table, row), unknown != G_MAXUINT ? row_counts(table, unknown) : NULL, data);
    row_show(table, row);
    if (unknown != G_MAXUINT)
        row_show(table, unknown);
    return TAP_PACKET_REDRAW;
}

static void table_reset(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++) {
        memset(row_counts(table, row), 0, sizeof(spicecap_loss_counts));
        row_show(table, row);
    }
}

static void table_free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field)
{
    (void)table, (void)row;
    if (column > 1)
        return;
    g_free((char *)field->value.string_value);
    if (column == 0)
        g_free(field->user_data.ptr_value);
}

void spicecap_loss_table_register(void)
{
    table_fields[0] = (stat_tap_table_item){TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Channel", "%-10s"};
    table_fields[1] = (stat_tap_table_item){TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Direction", "%-9s"};
    for (int i = 0; i < SPICECAP_LOSS_COUNTS; i++)
        table_fields[2 + i] =
            (stat_tap_table_item){TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, spicecap_loss_columns[table_order[i]], "%u"};
    /* The group of the stats tree beside it (stats_tree_register_plugin's):
     * the Qt menus of 4.0 show no REGISTER_STAT_GROUP_GENERIC item, so the
     * table would open only with -z spicecap,losses. The title's "SPICEcap/"
     * puts both under one Statistics > SPICEcap submenu. */
    static stat_tap_table_ui ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED, "SPICEcap/Losses per channel", "spicecap", "spicecap,losses", table_init,
        table_packet, table_reset, table_free_item, NULL, FIELDS, table_fields, 0, NULL, NULL, 0,
    };
    register_stat_tap_table_ui(&ui);
}
