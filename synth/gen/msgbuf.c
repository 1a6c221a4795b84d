#include "msgbuf.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"

static bool grow(msgbuf *b, size_t more)
{
    if (b->failed)
        return false;
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *data = realloc(b->data, cap);
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

static void put_le(msgbuf *b, uint64_t v, size_t width)
{
    if (!grow(b, width))
        return;
    for (size_t i = 0; i < width; i++)
        b->data[b->len++] = (uint8_t)(v >> (8 * i));
}

void msgbuf_start(msgbuf *b, uint16_t type)
{
    b->len = 0;
    b->failed = false;
    put_le(b, type, 2);
    put_le(b, 0, 4);
}

void msgbuf_u8(msgbuf *b, uint8_t v)
{
    put_le(b, v, 1);
}

void msgbuf_u16(msgbuf *b, uint16_t v)
{
    put_le(b, v, 2);
}

void msgbuf_u32(msgbuf *b, uint32_t v)
{
    put_le(b, v, 4);
}

void msgbuf_u64(msgbuf *b, uint64_t v)
{
    put_le(b, v, 8);
}

uint8_t *msgbuf_reserve(msgbuf *b, size_t len)
{
    if (!grow(b, len))
        return NULL;
    uint8_t *at = b->data + b->len;
    b->len += len;
    return at;
}

void msgbuf_bytes(msgbuf *b, const uint8_t *bytes, size_t len)
{
    uint8_t *at = msgbuf_reserve(b, len);
    if (at != NULL && len > 0)
        memcpy(at, bytes, len);
}

uint32_t msgbuf_body_offset(const msgbuf *b)
{
    return (uint32_t)(b->len - SPICECAP_MINI_HDR_LEN);
}

void msgbuf_patch_u32(msgbuf *b, uint32_t body_offset, uint32_t v)
{
    if (b->failed)
        return;
    uint8_t *at = b->data + SPICECAP_MINI_HDR_LEN + body_offset;
    for (int i = 0; i < 4; i++)
        at[i] = (uint8_t)(v >> (8 * i));
}

bool msgbuf_finish(msgbuf *b)
{
    return msgbuf_finish_with_tail(b, 0);
}

bool msgbuf_finish_with_tail(msgbuf *b, size_t tail_len)
{
    if (b->failed || b->len - SPICECAP_MINI_HDR_LEN + tail_len > UINT32_MAX)
        return false;
    uint32_t size = (uint32_t)(b->len - SPICECAP_MINI_HDR_LEN + tail_len);
    for (int i = 0; i < 4; i++)
        b->data[2 + i] = (uint8_t)(size >> (8 * i));
    return true;
}

void msgbuf_free(msgbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
