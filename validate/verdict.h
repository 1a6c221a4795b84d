/* What a run says of itself, the same in the text, --json, --junit and the
 * page: every input named, each input (or file of it) that could not be read
 * with why, and one result. An input that could not be read makes the result
 * "error" whatever the others hold: a run that did not read everything it
 * was given must never read as clean. */
#ifndef SPICECAP_VALIDATE_VERDICT_H
#define SPICECAP_VALIDATE_VERDICT_H

#include <glib.h>

#include "json_out.h"
#include "validation.h"

/* Inputs named one by one in the verdict line; the others are counted. */
#define VERDICT_NAMED_INPUTS 20u

typedef struct input_error {
    char *path;   /* the input, or the file of it, as the run named it */
    char *reason; /* why it could not be read */
} input_error;

typedef struct verdict {
    GPtrArray *inputs; /* char *: the inputs as given on the command line */
    GPtrArray *errors; /* input_error *, in the order met */
} verdict;

typedef enum verdict_result { VERDICT_CLEAN, VERDICT_FINDINGS, VERDICT_ERROR } verdict_result;

/* Every function below takes a NULL verdict as a run with no input named and none unreadable. */
void verdict_init(verdict *vd);
void verdict_clear(verdict *vd);
void verdict_add_input(verdict *vd, const char *path);
void verdict_error(verdict *vd, const char *path, const char *reason);

verdict_result verdict_result_of(const verdict *vd, const validation *v);
/* "clean", "findings", "error" (--json's result, the page's data-result). */
const char *verdict_result_name(verdict_result r);
/* The one line that ends the text report, safe to print ("OK: ...",
 * "FAIL: ...", "ERROR: ..."), naming the inputs. g_free it. */
char *verdict_line(const verdict *vd, const validation *v);
/* --json's "inputs": [{"path", "read", "error"}], one per input given, and
 * "errors": [{"path", "reason"}], each input or file that could not be read. */
void verdict_write_inputs(const verdict *vd, json_out *w);
void verdict_write_errors(const verdict *vd, json_out *w);
/* Did this input (as given) or a file of it fail? The first reason, or NULL. */
const char *verdict_error_of(const verdict *vd, const char *path);

#endif
