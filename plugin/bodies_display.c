/* Display channel bodies (server to client): mode, surfaces, the display
 * base of every draw_* and the image a draw_copy/opaque/blend points at,
 * streams, their activation report and the monitors config; from the
 * client, init (its caches) and stream reports. mark, reset and the other
 * empty messages have nothing but their name. */
#include <spice/enums.h>

#include "bodies_decode.h"

static int hf_surface_id = -1, hf_box_top = -1, hf_box_left = -1, hf_box_bottom = -1, hf_box_right = -1,
           hf_clip_type = -1, hf_clip_rects = -1, hf_src_x = -1, hf_src_y = -1;
static int hf_mode_x_res = -1, hf_mode_y_res = -1, hf_mode_bits = -1;
static int hf_image_id = -1, hf_image_type = -1, hf_image_flags = -1, hf_image_width = -1, hf_image_height = -1,
           hf_image_data_size = -1;
static int hf_surface_width = -1, hf_surface_height = -1, hf_surface_format = -1, hf_surface_flags = -1;
static int hf_stream_id = -1, hf_stream_mm_time = -1, hf_stream_data_size = -1, hf_stream_codec = -1,
           hf_stream_flags = -1, hf_stream_width = -1, hf_stream_height = -1, hf_stream_src_width = -1,
           hf_stream_src_height = -1, hf_dest_top = -1, hf_dest_left = -1, hf_dest_bottom = -1, hf_dest_right = -1;
static int hf_monitors_count = -1, hf_monitors_max = -1, hf_head_id = -1, hf_head_surface_id = -1, hf_head_width = -1,
           hf_head_height = -1, hf_head_x = -1, hf_head_y = -1, hf_head_flags = -1;
static int hf_init_cache_id = -1, hf_init_cache_size = -1, hf_init_glz_id = -1, hf_init_glz_window = -1;
static int hf_report_unique_id = -1, hf_report_max_window = -1, hf_report_timeout = -1, hf_report_start = -1,
           hf_report_end = -1, hf_report_frames = -1, hf_report_drops = -1, hf_report_last_delay = -1,
           hf_report_audio_delay = -1;
static int ett_head = -1;


/* A Rect (top, left, bottom, right: i32 each) as BODY_FIELDS entries. */
#define RECT(prefix) {&prefix##_top, 4}, {&prefix##_left, 4}, {&prefix##_bottom, 4}, {&prefix##_right, 4}

/* Clip: type u8, then for RECTS a u32 count and count 16-byte rectangles
 * (skipped, not looped over). Returns the offset after it or -1. */
static int clip(const body_ctx *c, int o)
{
    if (!body_have(c, o, 1, "clip type"))
        return -1;
    guint8 type = tvb_get_uint8(c->tvb, o);
    o = body_add(c, hf_clip_type, o, 1);
    if (type != SPICE_CLIP_TYPE_RECTS)
        return o;
    if (!body_have(c, o, 4, "clip rect count"))
        return -1;
    guint32 n = tvb_get_letohl(c->tvb, o);
    o = body_add(c, hf_clip_rects, o, 4);
    return body_have_entries(c, o, n, 16, "clip rect count") ? o + (int)n * 16 : -1;
}

/* DisplayBase: surface_id, box, clip; returns the offset after it or -1. */
static int display_base(const body_ctx *c)
{
    int o = BODY_FIELDS(c, 0, {&hf_surface_id, 4}, RECT(hf_box));
    return o < 0 ? -1 : clip(c, o);
}

/* The data size of an image: each compressed kind carries it (BinaryData
 * and its variants); a bitmap's is stride x rows, computed, never allocated. */
static void image_data_size(const body_ctx *c, guint8 type, int o)
{
    int at;
    switch (type) {
    case SPICE_IMAGE_TYPE_BITMAP:
        if (body_have(c, o, 14, "bitmap header")) {
            guint64 size = (guint64)tvb_get_letohl(c->tvb, o + 10) * tvb_get_letohl(c->tvb, o + 6);
            proto_item_set_generated(proto_tree_add_uint64(c->tree, hf_image_data_size, c->tvb, o + 6, 8, size));
        }
        return;
    case SPICE_IMAGE_TYPE_QUIC:
    case SPICE_IMAGE_TYPE_LZ_RGB:
    case SPICE_IMAGE_TYPE_GLZ_RGB:
    case SPICE_IMAGE_TYPE_JPEG:
    case SPICE_IMAGE_TYPE_LZ4:
        at = o;
        break;
    case SPICE_IMAGE_TYPE_LZ_PLT: /* flags u8, data_size */
        at = o + 1;
        break;
    case SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: /* glz_data_size, data_size */
        at = o + 4;
        break;
    case SPICE_IMAGE_TYPE_JPEG_ALPHA: /* flags u8, jpeg_size, data_size */
        at = o + 5;
        break;
    default: /* from a cache or a surface: no data */
        return;
    }
    if (body_have(c, at, 4, "image data size"))
        proto_tree_add_uint64(c->tree, hf_image_data_size, c->tvb, at, 4, tvb_get_letohl(c->tvb, at));
}

/* The image a draw_* message's pointer at pointer_offset points at. */
static void image_at(const body_ctx *c, int pointer_offset)
{
    if (!body_have(c, pointer_offset, 4, "image pointer"))
        return;
    guint32 at = tvb_get_letohl(c->tvb, pointer_offset);
    if (at == 0) /* no image */
        return;
    if (at > tvb_reported_length(c->tvb)) {
        body_short(c, wmem_strdup_printf(c->pinfo->pool, "image pointer %u points past the end of the %u-byte body",
                                         at, tvb_reported_length(c->tvb)));
        return;
    }
    int o = BODY_FIELDS(c, (int)at, {&hf_image_id, 8}, {&hf_image_type, 1}, {&hf_image_flags, 1},
                        {&hf_image_width, 4}, {&hf_image_height, 4});
    if (o >= 0)
        image_data_size(c, tvb_get_uint8(c->tvb, (int)at + 8), o);
}

static void stream_create(const body_ctx *c)
{
    int o = BODY_FIELDS(c, 0, {&hf_surface_id, 4}, {&hf_stream_id, 4}, {&hf_stream_flags, 1}, {&hf_stream_codec, 1},
                        {NULL, 8} /* stamp */, {&hf_stream_width, 4}, {&hf_stream_height, 4},
                        {&hf_stream_src_width, 4}, {&hf_stream_src_height, 4}, RECT(hf_dest));
    if (o >= 0)
        clip(c, o);
}

/* count u16, max_allowed u16, then count heads of 7 u32s. */
static void monitors_config(const body_ctx *c)
{
    int o = BODY_FIELDS(c, 0, {&hf_monitors_count, 2}, {&hf_monitors_max, 2});
    if (o < 0)
        return;
    guint32 count = tvb_get_letohs(c->tvb, 0);
    if (!body_have_entries(c, o, count, 28, "monitor count")) /* u16 count: at most 1.8 MB */
        return;
    guint32 shown = body_list_shown(c, count);
    for (guint32 i = 0; i < shown; i++) {
        body_ctx head = body_entry(c, o, 28, ett_head, "Head", i);
        o = BODY_FIELDS(&head, o, {&hf_head_id, 4}, {&hf_head_surface_id, 4}, {&hf_head_width, 4},
                        {&hf_head_height, 4}, {&hf_head_x, 4}, {&hf_head_y, 4}, {&hf_head_flags, 4});
    }
}

static void display_client(const body_ctx *c, guint16 type)
{
    if (type == SPICE_MSGC_DISPLAY_INIT)
        BODY_FIELDS(c, 0, {&hf_init_cache_id, 1}, {&hf_init_cache_size, 8}, {&hf_init_glz_id, 1},
                    {&hf_init_glz_window, 4});
    else if (type == SPICE_MSGC_DISPLAY_STREAM_REPORT)
        BODY_FIELDS(c, 0, {&hf_stream_id, 4}, {&hf_report_unique_id, 4}, {&hf_report_start, 4}, {&hf_report_end, 4},
                    {&hf_report_frames, 4}, {&hf_report_drops, 4}, {&hf_report_last_delay, 4},
                    {&hf_report_audio_delay, 4});
}

void spicecap_body_display(const body_ctx *c, spicecap_direction direction, guint16 type)
{
    int o;
    if (direction != SPICECAP_DIR_RECEIVED) {
        display_client(c, type);
        return;
    }
    switch (type) {
    case SPICE_MSG_DISPLAY_MODE:
        BODY_FIELDS(c, 0, {&hf_mode_x_res, 4}, {&hf_mode_y_res, 4}, {&hf_mode_bits, 4});
        break;
    case SPICE_MSG_DISPLAY_COPY_BITS:
        if ((o = display_base(c)) >= 0)
            BODY_FIELDS(c, o, {&hf_src_x, 4}, {&hf_src_y, 4});
        break;
    case SPICE_MSG_DISPLAY_SURFACE_CREATE:
        BODY_FIELDS(c, 0, {&hf_surface_id, 4}, {&hf_surface_width, 4}, {&hf_surface_height, 4},
                    {&hf_surface_format, 4}, {&hf_surface_flags, 4});
        break;
    case SPICE_MSG_DISPLAY_SURFACE_DESTROY:
        BODY_FIELDS(c, 0, {&hf_surface_id, 4});
        break;
    case SPICE_MSG_DISPLAY_DRAW_COPY:
    case SPICE_MSG_DISPLAY_DRAW_OPAQUE:
    case SPICE_MSG_DISPLAY_DRAW_BLEND:
        if ((o = display_base(c)) >= 0)
            image_at(c, o); /* src_bitmap is the first field after the base */
        break;
    case SPICE_MSG_DISPLAY_STREAM_CREATE:
        stream_create(c);
        break;
    case SPICE_MSG_DISPLAY_STREAM_DATA:
        BODY_FIELDS(c, 0, {&hf_stream_id, 4}, {&hf_stream_mm_time, 4}, {&hf_stream_data_size, 4});
        break;
    case SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
        BODY_FIELDS(c, 0, {&hf_stream_id, 4}, {&hf_stream_mm_time, 4}, {&hf_stream_width, 4}, {&hf_stream_height, 4},
                    RECT(hf_dest), {&hf_stream_data_size, 4});
        break;
    case SPICE_MSG_DISPLAY_STREAM_CLIP:
        if ((o = BODY_FIELDS(c, 0, {&hf_stream_id, 4})) >= 0)
            clip(c, o);
        break;
    case SPICE_MSG_DISPLAY_STREAM_DESTROY:
        BODY_FIELDS(c, 0, {&hf_stream_id, 4});
        break;
    case SPICE_MSG_DISPLAY_MONITORS_CONFIG:
        monitors_config(c);
        break;
    case SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT:
        BODY_FIELDS(c, 0, {&hf_stream_id, 4}, {&hf_report_unique_id, 4}, {&hf_report_max_window, 4},
                    {&hf_report_timeout, 4});
        break;
    default:
        /* every draw_* starts with the display base */
        if ((type >= SPICE_MSG_DISPLAY_DRAW_FILL && type <= SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND) ||
            type == SPICE_MSG_DISPLAY_DRAW_COMPOSITE)
            display_base(c);
        break;
    }
}

void spicecap_bodies_display_register(int proto)
{
    static hf_register_info hf[] = {
        BODY_FIELD(hf_surface_id, "Surface id", "display.surface_id", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_box_top, "Box top", "display.box.top", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_box_left, "Box left", "display.box.left", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_box_bottom, "Box bottom", "display.box.bottom", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_box_right, "Box right", "display.box.right", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_clip_type, "Clip type", "display.clip.type", FT_UINT8, BASE_DEC, VALS(spicecap_vs_clip_types)),
        BODY_FIELD(hf_clip_rects, "Clip rectangles", "display.clip.rects", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_src_x, "Source x", "display.src.x", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_src_y, "Source y", "display.src.y", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mode_x_res, "Mode x resolution", "display.mode.x_res", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mode_y_res, "Mode y resolution", "display.mode.y_res", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_mode_bits, "Mode bits per pixel", "display.mode.bits", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_image_id, "Image id", "display.image.id", FT_UINT64, BASE_HEX, NULL),
        BODY_FIELD(hf_image_type, "Image type", "display.image.type", FT_UINT8, BASE_DEC,
                   VALS(spicecap_vs_image_types)),
        BODY_FIELD(hf_image_flags, "Image flags", "display.image.flags", FT_UINT8, BASE_HEX, NULL),
        BODY_FIELD(hf_image_width, "Image width", "display.image.width", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_image_height, "Image height", "display.image.height", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_image_data_size, "Image data size", "display.image.data_size", FT_UINT64, BASE_DEC, NULL),
        BODY_FIELD(hf_surface_width, "Surface width", "display.surface.width", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_surface_height, "Surface height", "display.surface.height", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_surface_format, "Surface format", "display.surface.format", FT_UINT32, BASE_DEC,
                   VALS(spicecap_vs_surface_formats)),
        BODY_FIELD(hf_surface_flags, "Surface flags", "display.surface.flags", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_stream_id, "Stream id", "display.stream.id", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_mm_time, "Stream multimedia time", "display.stream.mm_time", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_data_size, "Stream data size", "display.stream.data_size", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_codec, "Stream codec", "display.stream.codec", FT_UINT8, BASE_DEC,
                   VALS(spicecap_vs_video_codecs)),
        BODY_FIELD(hf_stream_flags, "Stream flags", "display.stream.flags", FT_UINT8, BASE_HEX, NULL),
        BODY_FIELD(hf_stream_width, "Stream width", "display.stream.width", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_height, "Stream height", "display.stream.height", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_src_width, "Stream source width", "display.stream.src_width", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_stream_src_height, "Stream source height", "display.stream.src_height", FT_UINT32, BASE_DEC,
                   NULL),
        BODY_FIELD(hf_dest_top, "Destination top", "display.stream.dest.top", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_dest_left, "Destination left", "display.stream.dest.left", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_dest_bottom, "Destination bottom", "display.stream.dest.bottom", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_dest_right, "Destination right", "display.stream.dest.right", FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_monitors_count, "Monitors", "display.monitors.count", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_monitors_max, "Monitors allowed", "display.monitors.max_allowed", FT_UINT16, BASE_DEC, NULL),
        BODY_FIELD(hf_head_id, "Head id", "display.head.id", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_surface_id, "Head surface id", "display.head.surface_id", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_width, "Head width", "display.head.width", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_height, "Head height", "display.head.height", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_x, "Head x", "display.head.x", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_y, "Head y", "display.head.y", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_head_flags, "Head flags", "display.head.flags", FT_UINT32, BASE_HEX, NULL),
        BODY_FIELD(hf_init_cache_id, "Pixmap cache id", "display.init.pixmap_cache_id", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_init_cache_size, "Pixmap cache size (pixels)", "display.init.pixmap_cache_size", FT_INT64,
                   BASE_DEC, NULL),
        BODY_FIELD(hf_init_glz_id, "GLZ dictionary id", "display.init.glz_dictionary_id", FT_UINT8, BASE_DEC, NULL),
        BODY_FIELD(hf_init_glz_window, "GLZ dictionary window (pixels)", "display.init.glz_window_size", FT_INT32,
                   BASE_DEC, NULL),
        BODY_FIELD(hf_report_unique_id, "Stream report unique id", "display.stream.report.unique_id", FT_UINT32,
                   BASE_DEC, NULL),
        BODY_FIELD(hf_report_max_window, "Stream report max window", "display.stream.report.max_window_size",
                   FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_report_timeout, "Stream report timeout (ms)", "display.stream.report.timeout_ms", FT_UINT32,
                   BASE_DEC, NULL),
        BODY_FIELD(hf_report_start, "Stream report first frame time", "display.stream.report.start_mm_time",
                   FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_report_end, "Stream report last frame time", "display.stream.report.end_mm_time", FT_UINT32,
                   BASE_DEC, NULL),
        BODY_FIELD(hf_report_frames, "Stream report frames", "display.stream.report.frames", FT_UINT32, BASE_DEC,
                   NULL),
        BODY_FIELD(hf_report_drops, "Stream report drops", "display.stream.report.drops", FT_UINT32, BASE_DEC, NULL),
        BODY_FIELD(hf_report_last_delay, "Stream report last frame delay", "display.stream.report.last_frame_delay",
                   FT_INT32, BASE_DEC, NULL),
        BODY_FIELD(hf_report_audio_delay, "Stream report audio delay", "display.stream.report.audio_delay",
                   FT_UINT32, BASE_DEC, NULL),
    };
    static int *ett[] = {&ett_head};
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
