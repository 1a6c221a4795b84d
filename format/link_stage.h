/* The one definition of a real SPICE connection's link stage, as the
 * validator's framer and the Wireshark plugin both walk it. Every size and
 * offset is taken from spice-protocol's packed structures, not retyped.
 *
 * Client: SpiceLinkHeader + SpiceLinkMess (+ caps), then, when both sides
 * offered SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, a SpiceLinkAuthMechanism,
 * then the RSA-encrypted ticket.
 * Server: SpiceLinkHeader + SpiceLinkReply (+ caps), then a u32 link result.
 * Then both sides send data messages: the 6-byte mini header when both
 * offered SPICE_COMMON_CAP_MINI_HEADER, the 18-byte data header otherwise. */
#ifndef SPICECAP_LINK_STAGE_H
#define SPICECAP_LINK_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <spice/protocol.h>

#define SPICECAP_LINK_MAGIC ((uint32_t)SPICE_MAGIC) /* "REDQ", read little-endian */
#define SPICECAP_LINK_HEADER_LEN ((uint32_t)sizeof(SpiceLinkHeader))
#define SPICECAP_LINK_HEADER_SIZE_AT ((uint32_t)offsetof(SpiceLinkHeader, size))
#define SPICECAP_LINK_TICKET_LEN ((uint32_t)sizeof(SpiceLinkEncryptedTicket))
#define SPICECAP_LINK_AUTH_MECHANISM_LEN ((uint32_t)sizeof(SpiceLinkAuthMechanism))
#define SPICECAP_LINK_RESULT_LEN ((uint32_t)sizeof(uint32_t)) /* a SpiceLinkErr */

/* A link message or reply larger than this is not believed: a real one is
 * its fixed part and a few capability words. */
#define SPICECAP_LINK_BODY_MAX 4096u

/* A link header to believe: its magic, and a body size under the bound. */
static inline bool spicecap_link_header_ok(uint32_t magic, uint32_t body_size)
{
    return magic == SPICECAP_LINK_MAGIC && body_size <= SPICECAP_LINK_BODY_MAX;
}

/* Where the link message (client) and reply (server) keep their fields,
 * counted from the start of the body (after the link header). */
#define SPICECAP_LINK_MESS_CHANNEL_TYPE_AT ((uint32_t)offsetof(SpiceLinkMess, channel_type))
#define SPICECAP_LINK_MESS_CHANNEL_ID_AT ((uint32_t)offsetof(SpiceLinkMess, channel_id))
#define SPICECAP_LINK_MESS_COMMON_CAPS_AT ((uint32_t)offsetof(SpiceLinkMess, num_common_caps))
#define SPICECAP_LINK_MESS_CAPS_OFFSET_AT ((uint32_t)offsetof(SpiceLinkMess, caps_offset))
#define SPICECAP_LINK_MESS_LEN ((uint32_t)sizeof(SpiceLinkMess))
#define SPICECAP_LINK_REPLY_PUB_KEY_LEN ((uint32_t)SPICE_TICKET_PUBKEY_BYTES)
#define SPICECAP_LINK_REPLY_COMMON_CAPS_AT ((uint32_t)offsetof(SpiceLinkReply, num_common_caps))
#define SPICECAP_LINK_REPLY_CAPS_OFFSET_AT ((uint32_t)offsetof(SpiceLinkReply, caps_offset))
#define SPICECAP_LINK_REPLY_LEN ((uint32_t)sizeof(SpiceLinkReply))

/* A TLS connection (spice's tls-port) starts with a handshake record. */
#define SPICECAP_TLS_HANDSHAKE 0x16u

#endif
