#include "unknown_type.h"

#include <spice/enums.h>

#include "msgbuf.h"

void unknown_type_init(unknown_type_emitter *u, uint16_t type, uint64_t seed, scenario_emit emit, void *sink)
{
    *u = (unknown_type_emitter){.emit = emit, .sink = sink, .type = type, .after = 3 + seed % 7,
                                .rng = {seed * 0x9E6C63D0676A9A99ull + 0x556E6B6E6F776Eull}};
}

static int send_unknown(unknown_type_emitter *u)
{
    u->sent = true;
    msgbuf msg = {0};
    msgbuf_start(&msg, u->type);
    uint64_t len = synth_range(&u->rng, 16, 256);
    for (uint64_t i = 0; i < len; i++)
        msgbuf_u8(&msg, (uint8_t)synth_next(&u->rng));
    int rc = msgbuf_finish(&msg) ? u->emit(u->sink, u->last_ts_us, SPICE_CHANNEL_DISPLAY, SPICECAP_DIR_RECEIVED,
                                           msg.data, msg.len)
                                 : -1;
    msgbuf_free(&msg);
    return rc;
}

int unknown_type_emit(void *opaque, uint64_t ts_us, unsigned channel, spicecap_direction direction,
                      const uint8_t *msg, size_t len)
{
    unknown_type_emitter *u = opaque;
    int rc = u->emit(u->sink, ts_us, channel, direction, msg, len);
    u->last_ts_us = ts_us;
    if (rc == 0 && !u->sent && channel == SPICE_CHANNEL_DISPLAY && direction == SPICECAP_DIR_RECEIVED &&
        ++u->seen == u->after)
        rc = send_unknown(u);
    return rc;
}

int unknown_type_finish(unknown_type_emitter *u)
{
    return u->sent ? 0 : send_unknown(u);
}
