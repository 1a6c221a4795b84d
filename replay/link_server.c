/* The server's side of the link stage (link_server.h). Layouts are
 * spice-protocol's (protocol.h), read and written little-endian. */
#include "link_server.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <spice/protocol.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"

struct replay_link_key {
    EVP_PKEY *pkey;
    uint8_t pub_der[SPICE_TICKET_PUBKEY_BYTES];
};

replay_link_key *replay_link_key_new(const char **error)
{
    replay_link_key *key = calloc(1, sizeof *key);
    if (!key) {
        *error = "out of memory";
        return NULL;
    }
    /* The ticket is RSA-OAEP encrypted with this key's public half; its
     * DER SubjectPublicKeyInfo must fill SPICE_TICKET_PUBKEY_BYTES, which
     * is the size of a SPICE_TICKET_KEY_PAIR_LENGTH-bit key's. */
    key->pkey = EVP_RSA_gen(SPICE_TICKET_KEY_PAIR_LENGTH);
    unsigned char *out = NULL;
    int len = key->pkey ? i2d_PUBKEY(key->pkey, &out) : -1;
    if (len != SPICE_TICKET_PUBKEY_BYTES) {
        OPENSSL_free(out);
        replay_link_key_free(key);
        *error = "OpenSSL made no RSA key of the size SPICE's link reply holds";
        return NULL;
    }
    memcpy(key->pub_der, out, SPICE_TICKET_PUBKEY_BYTES);
    OPENSSL_free(out);
    return key;
}

void replay_link_key_free(replay_link_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

bool replay_read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n;
    }
    return true;
}

bool replay_write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n;
    }
    return true;
}

enum { LINK_HEADER = sizeof(SpiceLinkHeader), LINK_MESS = sizeof(SpiceLinkMess), LINK_REPLY = sizeof(SpiceLinkReply) };

bool replay_link_serve(int fd, const replay_link_key *key, replay_link_client *client, uint32_t common_caps,
                       const uint32_t *channel_caps, uint32_t n_channel_caps, const char **error)
{
    uint8_t header[LINK_HEADER];
    if (!replay_read_full(fd, header, sizeof header)) {
        *error = "the client left before its link header";
        return false;
    }
    uint32_t size = spicecap_le32(header + 12);
    if (spicecap_le32(header) != SPICE_MAGIC || spicecap_le32(header + 4) != SPICE_VERSION_MAJOR || size < LINK_MESS ||
        size > 4096) {
        *error = "not a SPICE link header (magic, version or size)";
        return false;
    }
    uint8_t mess[4096];
    if (!replay_read_full(fd, mess, size)) {
        *error = "the client left inside its link message";
        return false;
    }
    client->connection_id = spicecap_le32(mess);
    client->channel_type = mess[4];
    client->channel_id = mess[5];
    uint32_t n_common = spicecap_le32(mess + 6), caps_offset = spicecap_le32(mess + 14);
    client->common_caps = n_common && caps_offset <= size - 4 ? spicecap_le32(mess + caps_offset) : 0;

    uint8_t reply[LINK_HEADER + LINK_REPLY + 4 * 5] = {0};
    n_channel_caps = n_channel_caps > 4 ? 4 : n_channel_caps;
    uint32_t reply_size = LINK_REPLY + 4 * (1 + n_channel_caps);
    spicecap_put_le32(reply, SPICE_MAGIC);
    spicecap_put_le32(reply + 4, SPICE_VERSION_MAJOR);
    spicecap_put_le32(reply + 8, SPICE_VERSION_MINOR);
    spicecap_put_le32(reply + 12, reply_size);
    uint8_t *r = reply + LINK_HEADER;
    spicecap_put_le32(r, SPICE_LINK_ERR_OK);
    memcpy(r + 4, key->pub_der, SPICE_TICKET_PUBKEY_BYTES);
    spicecap_put_le32(r + 4 + SPICE_TICKET_PUBKEY_BYTES, 1);
    spicecap_put_le32(r + 8 + SPICE_TICKET_PUBKEY_BYTES, n_channel_caps);
    spicecap_put_le32(r + 12 + SPICE_TICKET_PUBKEY_BYTES, LINK_REPLY);
    spicecap_put_le32(r + LINK_REPLY, common_caps);
    for (uint32_t i = 0; i < n_channel_caps; i++)
        spicecap_put_le32(r + LINK_REPLY + 4 * (1 + i), channel_caps[i]);
    if (!replay_write_full(fd, reply, LINK_HEADER + reply_size)) {
        *error = "the client left before the link reply";
        return false;
    }
    /* Both sides offering auth selection: the client names its mechanism
     * first. Then the ticket, one RSA block, which is not checked. */
    uint32_t selection = 1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION;
    uint8_t ticket[4 + SPICE_TICKET_KEY_PAIR_LENGTH / 8];
    size_t ticket_len = SPICE_TICKET_KEY_PAIR_LENGTH / 8;
    if ((common_caps & selection) && (client->common_caps & selection))
        ticket_len += 4;
    if (!replay_read_full(fd, ticket, ticket_len)) {
        *error = "the client left before its ticket";
        return false;
    }
    if (ticket_len > SPICE_TICKET_KEY_PAIR_LENGTH / 8 && spicecap_le32(ticket) != SPICE_COMMON_CAP_AUTH_SPICE) {
        *error = "the client asked for an auth mechanism other than SPICE's ticket (SASL)";
        return false;
    }
    uint8_t ok[4];
    spicecap_put_le32(ok, SPICE_LINK_ERR_OK);
    if (!replay_write_full(fd, ok, sizeof ok)) {
        *error = "the client left before the link result";
        return false;
    }
    return true;
}
