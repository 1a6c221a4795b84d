/* The loss summary per channel and direction, one definition for the
 * GUI's Statistics > SPICEcap > Losses table (a stat_tap_table: only the
 * columns that mean something, no Rate or Burst), `tshark -z
 * spicecap,losses` (the same table) and the losses part of `-z
 * spicecap,stat`. */
#ifndef SPICECAP_PLUGIN_LOSS_TABLE_H
#define SPICECAP_PLUGIN_LOSS_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

enum { SPICECAP_LOSS_COUNTS = 7 };

/* One channel and direction's counts, in the columns' order. */
typedef struct spicecap_loss_counts {
    uint64_t n[SPICECAP_LOSS_COUNTS]; /* whole, cut, gone, gaps, missing, held, desyncs */
} spicecap_loss_counts;

/* The columns' titles, in that order. */
extern const char *const spicecap_loss_columns[SPICECAP_LOSS_COUNTS];

/* Adds what one tap record says to its channel and direction's counts.
 * A 0-byte record has no addresses: its message is gone, flow unknown,
 * until the seq gap that is its bytes names the flow (a record before its
 * flow's first one never is). So SPICECAP_TAP_GONE also takes one from
 * the unknown row (dropped: that row's counts, NULL when it has none). */
void spicecap_loss_count(spicecap_loss_counts *c, spicecap_loss_counts *dropped, const spicecap_tap_info *m);

/* The channel and direction a 0-byte record is counted under until then. */
#define SPICECAP_LOSS_UNKNOWN_CHANNEL "unknown"
#define SPICECAP_LOSS_UNKNOWN_DIRECTION "-"

/* True when every count is 0 (a row the text tables leave out). */
bool spicecap_loss_none(const spicecap_loss_counts *c);

/* The table's title line and column heads, then one row (label: channel
 * and direction), for -z spicecap,stat. */
void spicecap_loss_print_head(FILE *out);
void spicecap_loss_print_row(FILE *out, const char *channel, const char *direction, const spicecap_loss_counts *c);

/* Registers the stat_tap_table (GUI and -z spicecap,losses) on tap "spicecap". */
void spicecap_loss_table_register(void);

#endif
