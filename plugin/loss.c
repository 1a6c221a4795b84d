/* The one loss item (loss.h). */
#include "loss.h"

#include <inttypes.h>

#include "recorded.h"

static int hf_loss = -1, hf_loss_kind = -1, hf_loss_missing = -1;
static int ett_loss = -1, ett_loss_why = -1;

static const value_string loss_kinds[] = {
    {SPICECAP_LOSS_CUT, "message cut by a seq gap"},
    {SPICECAP_LOSS_GAP, "seq gap"},
    {SPICECAP_LOSS_MID_START, "flow starts inside a message"},
    {SPICECAP_LOSS_DESYNC, "bytes vanished under a contiguous seq"},
    {SPICECAP_LOSS_SIZE_SHORT, "message size past its records"},
    {SPICECAP_LOSS_SIZE_LONG, "bytes after a message in its record"},
    {SPICECAP_LOSS_DROPPED, "0-byte record (the K2 bug)"},
    {SPICECAP_LOSS_HEADERLESS, "headers not recorded (playback bodies)"},
    {0, NULL},
};

proto_tree *spicecap_loss_add(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, spicecap_loss_kind kind,
                              uint64_t missing, expert_field *ei, const char *summary)
{
    proto_item *item = proto_tree_add_none_format(tree, hf_loss, tvb, 0, 0, "Loss: %s", summary);
    proto_item_set_generated(item);
    proto_tree *t = proto_item_add_subtree(item, ett_loss);
    proto_item_set_generated(proto_tree_add_uint(t, hf_loss_kind, tvb, 0, 0, (guint32)kind));
    if (missing > 0)
        proto_item_set_generated(proto_tree_add_uint64(t, hf_loss_missing, tvb, 0, 0, missing));
    expert_add_info_format(pinfo, item, ei, "%s", summary);
    return t;
}

void spicecap_loss_explain(proto_tree *loss, tvbuff_t *tvb, const char *text)
{
    proto_tree_add_subtree(loss, tvb, 0, 0, ett_loss_why, NULL, text);
}

const char *spicecap_loss_gap_why(packet_info *pinfo, uint64_t len)
{
    uint64_t k = spicecap_snaplen_loss_records(len);
    if (k == 0)
        return "records not in the capture";
    return wmem_strdup_printf(pinfo->pool, "%" PRIu64 " record%s over ryll's 65535-byte snaplen", k,
                              k == 1 ? "" : "s");
}

void spicecap_loss_register(int proto)
{
    static hf_register_info hf[] = {
        {&hf_loss, {"Loss", "spicecap.loss", FT_NONE, BASE_NONE, NULL, 0,
                    "Something of the flow was lost here, whatever the kind (spicecap.loss.kind): one item per "
                    "loss event", HFILL}},
        {&hf_loss_kind, {"Kind", "spicecap.loss.kind", FT_UINT8, BASE_DEC, VALS(loss_kinds), 0, NULL, HFILL}},
        {&hf_loss_missing, {"Bytes missing from the file", "spicecap.loss.missing", FT_UINT64, BASE_DEC, NULL, 0,
                            "Bytes of the flow's seq space not in the capture (a seq gap's)", HFILL}},
    };
    static int *ett[] = {&ett_loss, &ett_loss_why};
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
