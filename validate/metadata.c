/* Reading metadata.json from a capture directory or a bug-report zip; what
 * it says is taken by metadata_members.c. */
#include "metadata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "byte_source.h"
#include "json_out.h"

static void read_directory_file(input_metadata *m)
{
    struct stat st;
    if (stat(m->file, &st) != 0) {
        if (errno == ENOENT)
            metadata_set_problem(m, METADATA_ABSENT, "not there: not known as a ryll capture directory");
        else
            metadata_set_problem(m, METADATA_UNREADABLE, "%s", g_strerror(errno));
        return;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > METADATA_MAX_BYTES) {
        metadata_set_problem(m, METADATA_UNREADABLE, S_ISREG(st.st_mode) ? "larger than the %zu bytes read" : "not a file",
                    METADATA_MAX_BYTES);
        return;
    }
    char *text = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(m->file, &text, &len, &gerr)) {
        metadata_set_problem(m, METADATA_UNREADABLE, "%s", gerr->message);
        g_error_free(gerr);
        return;
    }
    metadata_take_text(m, text, len);
    g_free(text);
}

static void read_zip_entry(input_metadata *m)
{
    char *text = NULL, *error = NULL;
    size_t len = 0;
    int got = byte_source_zip_entry(m->source, "metadata.json", METADATA_MAX_BYTES, &text, &len, &error);
    if (got == 0) {
        metadata_set_problem(m, METADATA_ABSENT, "not in the zip: not known as a ryll bug report");
    } else if (got < 0) {
        metadata_set_problem(m, METADATA_UNREADABLE, "%s", error);
        g_free(error);
    } else {
        metadata_take_text(m, text, len);
        g_free(text);
    }
}

input_metadata *metadata_for_input(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    bool dir = S_ISDIR(st.st_mode);
    if (!dir && !(S_ISREG(st.st_mode) && byte_source_is_zip(path)))
        return NULL;
    char *file = dir ? g_build_filename(path, "metadata.json", NULL) : g_strdup_printf("metadata.json in %s", path);
    input_metadata *m = metadata_new(dir ? METADATA_CAPTURE_DIR : METADATA_BUG_REPORT, path, file);
    g_free(file);
    if (dir)
        read_directory_file(m);
    else
        read_zip_entry(m);
    return m;
}


void metadata_write_json(const input_metadata *m, json_out *w, const char *name)
{
    json_out_begin_object(w, name);
    json_out_string(w, "source", m->source);
    json_out_string(w, "kind", metadata_kind_name(m->kind));
    json_out_string(w, "file", m->file);
    json_out_string(w, "status", metadata_status_name(m->status));
    if (m->problem)
        json_out_string(w, "problem", m->problem);
    /* ryll's members, in the order metadata_take_text kept them (ryll's). */
    GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
    json_out_begin_object(w, "members");
    GList *names = json_object_get_members(m->members);
    for (GList *n = names; n; n = n->next)
        json_out_node(w, n->data, json_object_get_member(m->members, n->data), notes, n->data);
    g_list_free(names);
    json_out_end_object(w);
    if (notes->len) {
        json_out_begin_array(w, "notes");
        for (guint i = 0; i < notes->len; i++)
            json_out_string(w, NULL, g_ptr_array_index(notes, i));
        json_out_end_array(w);
    }
    g_ptr_array_free(notes, TRUE);
    json_out_end_object(w);
}
