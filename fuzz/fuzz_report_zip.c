/* Both readers of a ryll bug report on one zip, with the zip check and the
 * JSON members together (issue 25): the input is a zip, read
 *  - by the shared check (validate/zip_check.c) from memory;
 *  - by the Wireshark file-type plugin's reader (report_open: the check,
 *    its own zip reader, metadata.json, session.json and
 *    disconnect-cause.json through the JSON bound and json-glib);
 *  - by the validator as spicecap-validate reads it (a memfd path): its
 *    capture (byte_source: the check, then libzip), metadata.json and every
 *    member of the triage (libzip, the JSON bound, json-glib), and the
 *    --json text of the triage.
 * Nothing may read past a buffer, recurse without bound or leak; and the
 * two tools must agree: a zip the check refuses is refused by the validator
 * with the same words and never opened by the plugin. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "byte_source.h"
#include "fuzz_support.h"
#include "json_out.h"
#include "metadata.h"
#include "report_reader.h"
#include "triage.h"
#include "zip_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

/* The validator's reading of the zip at path: what byte_source_open says. */
static void validator_reads(const char *path, const char *refused)
{
    char *error = NULL;
    byte_source *src = byte_source_open(path, &error);
    if (refused && (src != NULL || error == NULL || strstr(error, refused) == NULL))
        abort(); /* the check refused it: the validator must too, in its words */
    byte_source_close(src);
    g_free(error);
    input_metadata *m = metadata_for_input(path);
    if (m == NULL)
        return;
    triage *t = triage_new(m);
    /* The triage as --json writes it (json_out.h), into nothing. */
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        json_out w;
        json_out_init(&w, sink);
        triage_write_json(t, &w, NULL);
        json_out_clear(&w);
        fclose(sink);
    }
    triage_free(t);
    metadata_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    report_source src;
    report_memory mem;
    report_source_memory(&src, &mem, data, size);
    char *refused = NULL;
    bool one_reading = zip_check_one_reading(src.ctx, src.size, src.read_at, &refused);

    report *r = NULL;
    char *error = NULL;
    if (report_open(&src, "fuzz input", &r, &error) == REPORT_OPENED) {
        if (!one_reading)
            abort(); /* the plugin opened a zip the check refuses */
        report_free(r);
    }
    g_free(error);

    /* Only zips go to the validator (its other inputs have their targets). */
    if (size >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
        char path[32];
        int fd = fuzz_input_file(data, size, path);
        validator_reads(path, one_reading ? NULL : refused);
        fuzz_input_close(fd);
    }
    g_free(refused);
    return 0;
}
