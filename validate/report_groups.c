#include "report_groups.h"

#include <glib.h>
#include <string.h>

#include "text_out.h"

void report_print_finding(const finding *f, FILE *out)
{
    text_out(out, "  %s: ", finding_kind_name(f->kind));
    if (f->frame)
        text_out(out, "frame %" G_GUINT64_FORMAT ": ", f->frame);
    if (f->flow)
        text_out(out, "%s: ", f->flow);
    if (f->has_seq)
        text_out(out, "seq %u-%u: ", f->seq_start, f->seq_end);
    text_out(out, "%s\n", f->detail);
}

/* The findings of one kind and flow. */
typedef struct group {
    const finding *first;
    uint64_t count, bytes, messages_cut, first_frame, last_frame;
} group;

static bool same_flow(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool report_print_grouped(const GPtrArray *list, const char *path, FILE *out)
{
    /* Groups in the order of their first finding; a kind and flow is found
     * through a table keyed by both. */
    GArray *groups = g_array_new(FALSE, TRUE, sizeof(group));
    GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint k = 0; k < list->len; k++) {
        const finding *f = g_ptr_array_index(list, k);
        if (strcmp(f->file, path) != 0)
            continue;
        char *key = g_strdup_printf("%d\t%s", (int)f->kind, f->flow ? f->flow : "");
        gpointer at;
        group *g;
        if (g_hash_table_lookup_extended(index, key, NULL, &at)) {
            g_free(key);
            g = &g_array_index(groups, group, GPOINTER_TO_UINT(at));
        } else {
            g_hash_table_insert(index, key, GUINT_TO_POINTER(groups->len));
            group fresh = {f, 0, 0, 0, f->frame, f->frame};
            g_array_append_val(groups, fresh);
            g = &g_array_index(groups, group, groups->len - 1);
        }
        g_assert(g->first->kind == f->kind && same_flow(g->first->flow, f->flow));
        g->count++;
        if (f->has_seq)
            g->bytes += (uint32_t)(f->seq_end - f->seq_start); /* serial arithmetic: wraps with the seq */
        g->messages_cut += f->messages_cut;
        if (f->frame < g->first_frame)
            g->first_frame = f->frame;
        if (f->frame > g->last_frame)
            g->last_frame = f->frame;
    }
    bool grouped = false;
    for (guint i = 0; i < groups->len; i++) {
        const group *g = &g_array_index(groups, group, i);
        if (g->count == 1) {
            report_print_finding(g->first, out);
            continue;
        }
        grouped = true;
        text_out(out, "  %s: ", finding_kind_name(g->first->kind));
        if (g->first->flow)
            text_out(out, "%s: ", g->first->flow);
        text_out(out, "%" G_GUINT64_FORMAT " findings", g->count);
        if (g->bytes)
            text_out(out, ", %" G_GUINT64_FORMAT " bytes", g->bytes);
        if (g->last_frame)
            text_out(out, ", frames %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, g->first_frame, g->last_frame);
        if (g->messages_cut)
            text_out(out, ", %" G_GUINT64_FORMAT " message%s cut", g->messages_cut, g->messages_cut == 1 ? "" : "s");
        text_out(out, "\n");
    }
    g_hash_table_destroy(index);
    g_array_free(groups, TRUE);
    return grouped;
}
