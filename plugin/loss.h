/* The one loss item: every frame where a recorded flow lost anything
 * carries `spicecap.loss`, whatever the kind (spicecap.loss.kind), with a
 * one-line summary that is also its expert info's text, the bytes missing
 * from the file (spicecap.loss.missing) and the explanation as sub-items.
 * Wireshark cuts an item's text at 240 characters (ITEM_LABEL_LENGTH): the
 * summary stays well under it, and so does each explanation line. One loss
 * item per loss event: the validator's findings, one for one. */
#ifndef SPICECAP_PLUGIN_LOSS_H
#define SPICECAP_PLUGIN_LOSS_H

#include <epan/expert.h>
#include <epan/packet.h>
#include <stdint.h>

typedef enum spicecap_loss_kind {
    SPICECAP_LOSS_CUT = 1,    /* a seq gap cut a message */
    SPICECAP_LOSS_GAP,        /* a seq gap between messages, or inside one cut before */
    SPICECAP_LOSS_MID_START,  /* the flow's first record starts inside a message */
    SPICECAP_LOSS_DESYNC,     /* a header that cannot be, with no gap: bytes vanished */
    SPICECAP_LOSS_SIZE_SHORT, /* a drained ring's message whose records end before its size */
    SPICECAP_LOSS_SIZE_LONG,  /* bytes after a drained ring's message in its last record */
    SPICECAP_LOSS_DROPPED,    /* a 0-byte record: a message the recorder dropped (the K2 bug) */
    SPICECAP_LOSS_HEADERLESS, /* the flow's records are bodies whose headers ryll never recorded */
} spicecap_loss_kind;

/* The loss item under tree (a message's or a stub's subtree), its kind and,
 * when missing > 0, the bytes missing from the file. ei gets the summary as
 * its text. Returns the item's subtree, for spicecap_loss_explain. */
proto_tree *spicecap_loss_add(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_loss_kind kind,
                              uint64_t missing, expert_field *ei, const char *summary);

/* One line of the loss's explanation, under its item. */
void spicecap_loss_explain(proto_tree *loss, tvbuff_t *tvb, const char *text);

/* The explanation of a seq gap of len bytes: ryll's snaplen rule when the
 * length fits it. A short form for a summary ("1 record over ryll's
 * 65535-byte snaplen"), in pinfo's pool. */
const char *spicecap_loss_gap_why(packet_info *pinfo, uint64_t len);

void spicecap_loss_register(int proto);

#endif
