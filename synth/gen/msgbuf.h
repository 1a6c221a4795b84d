/* A growable buffer that marshals SPICE messages: little-endian fields
 * after a 6-byte mini header whose size is filled in by msgbuf_finish(). */
#ifndef SPICECAP_SYNTH_MSGBUF_H
#define SPICECAP_SYNTH_MSGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct msgbuf {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* an allocation failed: the message is unusable */
} msgbuf;

/* Start a message of a type: writes the mini header with size 0. */
void msgbuf_start(msgbuf *b, uint16_t type);
void msgbuf_u8(msgbuf *b, uint8_t v);
void msgbuf_u16(msgbuf *b, uint16_t v);
void msgbuf_u32(msgbuf *b, uint32_t v);
void msgbuf_u64(msgbuf *b, uint64_t v);
void msgbuf_bytes(msgbuf *b, const uint8_t *bytes, size_t len);
/* Room for len bytes the caller fills; NULL after an allocation failure. */
uint8_t *msgbuf_reserve(msgbuf *b, size_t len);
/* Offset of the next byte from the start of the body (SPICE pointers are
 * body-relative u32 offsets). */
uint32_t msgbuf_body_offset(const msgbuf *b);
/* Patch a u32 already written at a body offset. */
void msgbuf_patch_u32(msgbuf *b, uint32_t body_offset, uint32_t v);
/* Fill in the mini header's body size; false if the message is unusable. */
bool msgbuf_finish(msgbuf *b);
/* The same for a message whose last tail_len bytes are not in the buffer:
 * the caller places the buffer's bytes right before them (see video()). */
bool msgbuf_finish_with_tail(msgbuf *b, size_t tail_len);
void msgbuf_free(msgbuf *b);

#endif
