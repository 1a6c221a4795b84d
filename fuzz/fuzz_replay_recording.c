/* The replayer's reading of a recording (replay/recording.c): records through
 * the capture reader, TCP put in order per connection, the SPICE walk, each
 * whole server message copied, then what a ring lacks made and the draws a
 * client cannot handle left out (made_messages.c, unservable.c, draw_image.c:
 * they parse message bodies). Every kept message's bytes are touched, so one
 * that claims more than it holds shows up under ASan. */
#include <glib.h>

#include "fuzz_support.h"
#include "recording.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32];
    int fd = fuzz_input_file(data, size, path);
    char *error = NULL;
    replay_recording *rec = replay_recording_load(path, &error);
    if (!rec) {
        g_free(error);
        fuzz_input_close(fd);
        return 0;
    }
    volatile uint8_t sink = 0;
    for (guint i = 0; i < rec->connections->len; i++) {
        const replay_connection *c = rec->connections->pdata[i];
        for (guint j = 0; j < c->messages->len; j++) {
            const replay_message *m = &g_array_index(c->messages, replay_message, j);
            sink ^= c->bytes->data[m->offset] ^ c->bytes->data[m->offset + m->wire_size - 1];
        }
        (void)replay_connection_lacking(c, UINT64_MAX);
    }
    (void)sink;
    (void)replay_recording_sessions(rec);
    if (replay_recording_sessions(rec) > 0 && !replay_recording_keep_session(rec, 1, &error))
        g_free(error);
    replay_recording_free(rec);
    fuzz_input_close(fd);
    return 0;
}
