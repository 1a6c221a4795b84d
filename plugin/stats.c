#include "stats.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <stdio.h>
#include <string.h>

#include "ws_compat.h"

static int node_messages = -1, node_bytes = -1;

static void stats_init(stats_tree *st)
{
    node_messages = stats_tree_create_node(st, "Messages", 0, STAT_DT_INT, TRUE);
    node_bytes = stats_tree_create_node(st, "Bytes", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                                      tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    const spicecap_tap_info *m = data;
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

/* The -z spicecap,stat table: one row per channel, direction and type. */
typedef struct stat_row {
    char *key; /* "channel\tdirection\tname": sorts as the table does */
    uint64_t messages, bytes;
} stat_row;

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                                      tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    GHashTable *rows = tapdata;
    const spicecap_tap_info *m = data;
    char *key = g_strdup_printf("%s\t%s\t%s", m->channel, m->direction, m->name);
    stat_row *row = g_hash_table_lookup(rows, key);
    if (row == NULL) {
        row = g_new0(stat_row, 1);
        row->key = key;
        g_hash_table_insert(rows, key, row);
    } else {
        g_free(key);
    }
    row->messages++;
    row->bytes += m->wire_size;
    return TAP_PACKET_REDRAW;
}

static gint by_key(gconstpointer a, gconstpointer b)
{
    return strcmp((*(stat_row *const *)a)->key, (*(stat_row *const *)b)->key);
}

static void table_draw(void *tapdata)
{
    GHashTable *rows = tapdata;
    GPtrArray *sorted = g_ptr_array_new();
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, rows);
    while (g_hash_table_iter_next(&it, &key, &value))
        g_ptr_array_add(sorted, value);
    g_ptr_array_sort(sorted, by_key);
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
    printf("===================================================================\n");
    g_ptr_array_free(sorted, TRUE);
}

static void free_row(gpointer p)
{
    stat_row *row = p;
    g_free(row->key);
    g_free(row);
}

static void table_finish(void *tapdata)
{
    g_hash_table_destroy(tapdata);
}

static spicecap_ws_stat_init table_init(const char *opt_arg, void *userdata)
{
    (void)opt_arg, (void)userdata;
    GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_row);
    GString *error = register_tap_listener("spicecap", rows, NULL, 0, NULL, table_packet, table_draw, table_finish);
    bool started = error == NULL;
    if (!started) {
        fprintf(stderr, "spicecap,stat: %s\n", error->str);
        g_string_free(error, TRUE);
        g_hash_table_destroy(rows);
    }
    SPICECAP_WS_STAT_INIT_DONE(started);
}

int spicecap_stats_register(void)
{
    int tap = register_tap("spicecap");
    /* The same counts as a tree under Wireshark's Statistics menu (and -z spicecap,tree). */
    stats_tree_register_plugin("spicecap", "spicecap", "SPICEcap/Messages and bytes per channel", 0, stats_packet,
                               stats_init, NULL);
    static stat_tap_ui table_ui = {REGISTER_STAT_GROUP_GENERIC, NULL, "spicecap,stat", table_init, 0, NULL};
    register_stat_tap_ui(&table_ui, NULL);
    return tap;
}
