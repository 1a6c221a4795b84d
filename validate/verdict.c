#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "safe_text.h"

static void free_error(gpointer p)
{
    input_error *e = p;
    g_free(e->path);
    g_free(e->reason);
    g_free(e);
}

void verdict_init(verdict *vd)
{
    vd->inputs = g_ptr_array_new_with_free_func(g_free);
    vd->errors = g_ptr_array_new_with_free_func(free_error);
}

void verdict_clear(verdict *vd)
{
    g_ptr_array_free(vd->inputs, TRUE);
    g_ptr_array_free(vd->errors, TRUE);
}

void verdict_add_input(verdict *vd, const char *path)
{
    g_ptr_array_add(vd->inputs, g_strdup(path));
}

void verdict_error(verdict *vd, const char *path, const char *reason)
{
    input_error *e = g_new0(input_error, 1);
    e->path = g_strdup(path);
    e->reason = g_strdup(reason);
    g_ptr_array_add(vd->errors, e);
}

verdict_result verdict_result_of(const verdict *vd, const validation *v)
{
    return vd && vd->errors->len ? VERDICT_ERROR : v->findings.total ? VERDICT_FINDINGS : VERDICT_CLEAN;
}

const char *verdict_result_name(verdict_result r)
{
    return r == VERDICT_ERROR ? "error" : r == VERDICT_FINDINGS ? "findings" : "clean";
}

static void append_safe(GString *out, const char *text)
{
    char *safe = spicecap_safe_text(text, strlen(text));
    g_string_append(out, safe ? safe : "?");
    free(safe);
}

const char *verdict_error_of(const verdict *vd, const char *path)
{
    size_t n = strlen(path);
    for (guint i = 0; vd && n && i < vd->errors->len; i++) {
        const input_error *e = g_ptr_array_index(vd->errors, i);
        /* the input itself, or a file of the directory it is */
        if (strncmp(e->path, path, n) == 0 && (e->path[n] == '\0' || e->path[n] == '/' || path[n - 1] == '/'))
            return e->reason;
    }
    return NULL;
}

char *verdict_line(const verdict *vd, const validation *v)
{
    verdict_result r = verdict_result_of(vd, v);
    GString *out = g_string_new(r == VERDICT_ERROR ? "ERROR: " : r == VERDICT_FINDINGS ? "FAIL: " : "OK: ");
    if (r == VERDICT_ERROR) {
        g_string_append_printf(out, "%u input(s) or file(s) could not be read (", vd->errors->len);
        for (guint i = 0; i < vd->errors->len && i < VERDICT_NAMED_INPUTS; i++) {
            const input_error *e = g_ptr_array_index(vd->errors, i);
            g_string_append(out, i ? ", " : "");
            append_safe(out, e->path);
        }
        if (vd->errors->len > VERDICT_NAMED_INPUTS)
            g_string_append_printf(out, " and %u more", vd->errors->len - VERDICT_NAMED_INPUTS);
        g_string_append(out, "); ");
    }
    g_string_append_printf(out, "%" G_GUINT64_FORMAT " finding(s) in %u file(s)", v->findings.total, v->files->len);
    if (vd == NULL || vd->inputs->len == 0)
        return g_string_free(out, FALSE);
    g_string_append(out, " read, of ");
    for (guint i = 0; i < vd->inputs->len && i < VERDICT_NAMED_INPUTS; i++) {
        g_string_append(out, i ? ", " : "");
        append_safe(out, g_ptr_array_index(vd->inputs, i));
    }
    if (vd->inputs->len > VERDICT_NAMED_INPUTS)
        g_string_append_printf(out, " and %u more input(s)", vd->inputs->len - VERDICT_NAMED_INPUTS);
    return g_string_free(out, FALSE);
}

void verdict_write_inputs(const verdict *vd, json_out *w)
{
    json_out_begin_array(w, NULL);
    for (guint i = 0; vd && i < vd->inputs->len; i++) {
        const char *path = g_ptr_array_index(vd->inputs, i);
        json_out_begin_object(w, NULL);
        json_out_string(w, "path", path);
        const char *reason = verdict_error_of(vd, path);
        json_out_bool(w, "read", reason == NULL);
        if (reason)
            json_out_string(w, "error", reason);
        json_out_end_object(w);
    }
    json_out_end_array(w);
}

void verdict_write_errors(const verdict *vd, json_out *w)
{
    json_out_begin_array(w, NULL);
    for (guint i = 0; vd && i < vd->errors->len; i++) {
        const input_error *e = g_ptr_array_index(vd->errors, i);
        json_out_begin_object(w, NULL);
        json_out_string(w, "path", e->path);
        json_out_string(w, "reason", e->reason);
        json_out_end_object(w);
    }
    json_out_end_array(w);
}
