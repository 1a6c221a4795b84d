/* Playback and record channel bodies: start, mode, data (its time), volume,
 * mute and latency; stop has nothing but its name. Both channels share the
 * layouts of spice.proto's AudioVolume and AudioMute, at different types,
 * and get fields of their own prefix (spicecap.playback.*, spicecap.record.*). */
#include <spice/enums.h>

#include "bodies_decode.h"

typedef struct audio_fields {
    int time, channels, format, frequency, mode, volume_channels, volume, mute, latency;
} audio_fields;

static audio_fields playback_f = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
static audio_fields record_f = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
static int ett_volume = -1;


/* time u32, mode u16, then the mode's data. */
static void mode(const body_ctx *c, const audio_fields *f)
{
    BODY_FIELDS(c, 0, {&f->time, 4}, {&f->mode, 2});
}

/* AudioVolume: nchannels u8, then a u16 volume per channel (at most 255). */
static void volume(const body_ctx *c, const audio_fields *f)
{
    if (BODY_FIELDS(c, 0, {&f->volume_channels, 1}) < 0)
        return;
    guint8 n = tvb_get_uint8(c->tvb, 0);
    if (!body_have_entries(c, 1, n, 2, "volume channel count"))
        return;
    body_ctx list = *c;
    list.tree = proto_tree_add_subtree(c->tree, c->tvb, 1, n * 2, ett_volume, NULL, "Volumes");
    for (int i = 0; i < n; i++)
        body_add(&list, f->volume, 1 + 2 * i, 2);
}

void spicecap_body_playback(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    const audio_fields *f = &playback_f;
    if (direction != SPICECAP_DIR_RECEIVED)
        return;
    switch (type) {
    case SPICE_MSG_PLAYBACK_DATA:
        BODY_FIELDS(c, 0, {&f->time, 4});
        break;
    case SPICE_MSG_PLAYBACK_MODE:
        mode(c, f);
        break;
    case SPICE_MSG_PLAYBACK_START:
        BODY_FIELDS(c, 0, {&f->channels, 4}, {&f->format, 2}, {&f->frequency, 4}, {&f->time, 4});
        break;
    case SPICE_MSG_PLAYBACK_VOLUME:
        volume(c, f);
        break;
    case SPICE_MSG_PLAYBACK_MUTE:
        BODY_FIELDS(c, 0, {&f->mute, 1});
        break;
    case SPICE_MSG_PLAYBACK_LATENCY:
        BODY_FIELDS(c, 0, {&f->latency, 4});
        break;
    }
}

void spicecap_body_record(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    const audio_fields *f = &record_f;
    if (direction == SPICECAP_DIR_SENT) {
        if (type == SPICE_MSGC_RECORD_DATA || type == SPICE_MSGC_RECORD_START_MARK)
            BODY_FIELDS(c, 0, {&f->time, 4});
        else if (type == SPICE_MSGC_RECORD_MODE)
            mode(c, f);
        return;
    }
    switch (type) {
    case SPICE_MSG_RECORD_START:
        BODY_FIELDS(c, 0, {&f->channels, 4}, {&f->format, 2}, {&f->frequency, 4});
        break;
    case SPICE_MSG_RECORD_VOLUME:
        volume(c, f);
        break;
    case SPICE_MSG_RECORD_MUTE:
        BODY_FIELDS(c, 0, {&f->mute, 1});
        break;
    }
}

/* The same fields under each channel's prefix. */
#define AUDIO_FIELDS(f, Label, prefix)                                                                          \
    BODY_FIELD(f.time, Label " time", prefix ".time", FT_UINT32, BASE_DEC, NULL),                              \
        BODY_FIELD(f.channels, Label " channels", prefix ".channels", FT_UINT32, BASE_DEC, NULL),              \
        BODY_FIELD(f.format, Label " format", prefix ".format", FT_UINT16, BASE_DEC,                           \
                   VALS(spicecap_vs_audio_formats)),                                                           \
        BODY_FIELD(f.frequency, Label " frequency", prefix ".frequency", FT_UINT32, BASE_DEC, NULL),           \
        BODY_FIELD(f.mode, Label " mode", prefix ".mode", FT_UINT16, BASE_DEC, VALS(spicecap_vs_audio_data_modes)), \
        BODY_FIELD(f.volume_channels, Label " volume channels", prefix ".volume.channels", FT_UINT8, BASE_DEC, \
                   NULL),                                                                                      \
        BODY_FIELD(f.volume, Label " volume", prefix ".volume", FT_UINT16, BASE_DEC, NULL),                    \
        BODY_FIELD(f.mute, Label " mute", prefix ".mute", FT_UINT8, BASE_DEC, NULL)

void spicecap_bodies_audio_register(int proto)
{
    static hf_register_info hf[] = {
        AUDIO_FIELDS(playback_f, "Playback", "playback"),
        BODY_FIELD(playback_f.latency, "Playback latency (ms)", "playback.latency", FT_UINT32, BASE_DEC, NULL),
        AUDIO_FIELDS(record_f, "Record", "record"),
    };
    static int *ett[] = {&ett_volume};
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
