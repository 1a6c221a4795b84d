#include "stats.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <stdio.h>
#include <string.h>

#include "loss_table.h"
#include "ws_compat.h"

static int node_messages = -1, node_bytes = -1;

static void stats_init(stats_tree *st)
{
    node_messages = stats_tree_create_node(st, "Messages", 0, STAT_DT_INT, TRUE);
    node_bytes = stats_tree_create_node(st, "Bytes", 0, STAT_DT_INT, TRUE);
}

/* Whole messages and their bytes per channel, direction and type; what was
 * lost is the loss table's (loss_table.h). */
static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                                      tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    const spicecap_tap_info *m = data;
    if (m->kind != SPICECAP_TAP_MESSAGE)
        return TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, "Messages", 0, TRUE);
    int channel = tick_stat_node(st, m->channel, node_messages, TRUE);
    int direction = tick_stat_node(st, m->direction, channel, TRUE);
    tick_stat_node(st, m->name, direction, FALSE);
    increase_stat_node(st, "Bytes", 0, TRUE, (int)m->wire_size);
    channel = increase_stat_node(st, m->channel, node_bytes, TRUE, (int)m->wire_size);
    direction = increase_stat_node(st, m->direction, channel, TRUE, (int)m->wire_size);
    increase_stat_node(st, m->name, direction, FALSE, (int)m->wire_size);
    return TAP_PACKET_REDRAW;
}

/* The -z spicecap,stat tables: one row per channel, direction and type,
 * then the losses, one row per channel and direction. */
typedef struct stat_row {
    char *key; /* "channel\tdirection\tname": sorts as the table does */
    uint64_t messages, bytes;
    spicecap_loss_counts losses; /* the losses' rows */
} stat_row;

typedef struct stat_tables {
    GHashTable *messages, *losses;
} stat_tables;

static stat_row *row_for(GHashTable *rows, char *key)
{
    stat_row *row = g_hash_table_lookup(rows, key);
    if (row == NULL) {
        row = g_new0(stat_row, 1);
        row->key = key;
        g_hash_table_insert(rows, key, row);
    } else {
        g_free(key);
    }
    return row;
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                                      tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    stat_tables *tables = tapdata;
    const spicecap_tap_info *m = data;
    if (m->kind == SPICECAP_TAP_MESSAGE) {
        stat_row *row = row_for(tables->messages, g_strdup_printf("%s\t%s\t%s", m->channel, m->direction, m->name));
        row->messages++;
        row->bytes += m->wire_size;
    }
    stat_row *row = row_for(tables->losses, g_strdup_printf("%s\t%s", m->channel, m->direction));
    stat_row *unknown = g_hash_table_lookup(tables->losses, SPICECAP_LOSS_UNKNOWN_CHANNEL "\t"
                                                            SPICECAP_LOSS_UNKNOWN_DIRECTION);
    spicecap_loss_count(&row->losses, unknown != NULL ? &unknown->losses : NULL, m);
    return TAP_PACKET_REDRAW;
}

static gint by_key(gconstpointer a, gconstpointer b)
{
    return strcmp((*(stat_row *const *)a)->key, (*(stat_row *const *)b)->key);
}

static GPtrArray *sorted_rows(GHashTable *rows)
{
    GPtrArray *sorted = g_ptr_array_new();
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, rows);
    while (g_hash_table_iter_next(&it, &key, &value))
        g_ptr_array_add(sorted, value);
    g_ptr_array_sort(sorted, by_key);
    return sorted;
}

/* Per channel and direction: messages whole, cut and gone, and what was
 * lost (loss_table.h), then the totals. */
static void losses_draw(GHashTable *rows)
{
    GPtrArray *sorted = sorted_rows(rows);
    spicecap_loss_counts total = {{0}};
    spicecap_loss_print_head(stdout);
    for (guint i = 0; i < sorted->len; i++) {
        stat_row *row = g_ptr_array_index(sorted, i);
        if (spicecap_loss_none(&row->losses)) /* the unknown row once every record's flow was named */
            continue;
        char **parts = g_strsplit(row->key, "\t", 2);
        spicecap_loss_print_row(stdout, parts[0], parts[1], &row->losses);
        g_strfreev(parts);
        for (int k = 0; k < SPICECAP_LOSS_COUNTS; k++)
            total.n[k] += row->losses.n[k];
    }
    spicecap_loss_print_row(stdout, "total", "", &total);
    g_ptr_array_free(sorted, TRUE);
}

static void table_draw(void *tapdata)
{
    stat_tables *tables = tapdata;
    GPtrArray *sorted = sorted_rows(tables->messages);
    uint64_t messages = 0, bytes = 0;
    printf("\n===================================================================\n");
    printf("SPICE messages per channel, direction and type (spicecap)\n");
    printf("%-10s %-9s %-24s %10s %14s\n", "Channel", "Direction", "Type", "Messages", "Bytes");
    for (guint i = 0; i < sorted->len; i++) {
        stat_row *row = g_ptr_array_index(sorted, i);
        char **parts = g_strsplit(row->key, "\t", 3);
        printf("%-10s %-9s %-24s %10" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT "\n", parts[0], parts[1], parts[2],
               row->messages, row->bytes);
        g_strfreev(parts);
        messages += row->messages;
        bytes += row->bytes;
    }
    printf("%-10s %-9s %-24s %10" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT "\n", "total", "", "", messages, bytes);
    g_ptr_array_free(sorted, TRUE);
    printf("\n");
    losses_draw(tables->losses);
    printf("===================================================================\n");
}

static void free_row(gpointer p)
{
    stat_row *row = p;
    g_free(row->key);
    g_free(row);
}

static void tables_free(stat_tables *tables)
{
    g_hash_table_destroy(tables->messages);
    g_hash_table_destroy(tables->losses);
    g_free(tables);
}

static void table_finish(void *tapdata)
{
    tables_free(tapdata);
}

static spicecap_ws_stat_init table_init(const char *opt_arg, void *userdata)
{
    (void)opt_arg, (void)userdata;
    stat_tables *tables = g_new0(stat_tables, 1);
    tables->messages = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_row);
    tables->losses = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_row);
    GString *error = register_tap_listener("spicecap", tables, NULL, 0, NULL, table_packet, table_draw, table_finish);
    bool started = error == NULL;
    if (!started) {
        fprintf(stderr, "spicecap,stat: %s\n", error->str);
        g_string_free(error, TRUE);
        tables_free(tables);
    }
    SPICECAP_WS_STAT_INIT_DONE(started);
}

int spicecap_stats_register(void)
{
    int tap = register_tap("spicecap");
    /* The same counts as a tree under Wireshark's Statistics menu (and -z spicecap,tree). */
    stats_tree_register_plugin("spicecap", "spicecap", "SPICEcap/Messages and bytes per type", 0, stats_packet,
                               stats_init, NULL);
    spicecap_loss_table_register();
    static stat_tap_ui table_ui = {REGISTER_STAT_GROUP_GENERIC, NULL, "spicecap,stat", table_init, 0, NULL};
    register_stat_tap_ui(&table_ui, NULL);
    return tap;
}
