/* token.h - invitation tokens: unforgeable, expiring, bound to one survey,
 * customer and channel.
 *
 * A token is base64url (no padding) of 32 bytes: the invitation id (8 bytes,
 * big endian), the expiry in Unix seconds (8 bytes, big endian) and the
 * first 16 bytes of HMAC-SHA-512-256 (libsodium crypto_auth) keyed with the
 * server secret over id, expiry, survey, customer and channel. 43 characters,
 * short enough for an SMS. The id only says which invitation to load; the
 * MAC proves the invitation's survey, customer and channel are the ones the
 * token was made for. */
#ifndef CX_TOKEN_H
#define CX_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define CX_TOKEN_SECRET_BYTES 32
#define CX_TOKEN_LEN 43

enum cx_token_result {
    CX_TOKEN_OK = 0,
    CX_TOKEN_MALFORMED,     /* not a token at all */
    CX_TOKEN_BAD_SIGNATURE, /* tampered, forged, or bound to something else */
    CX_TOKEN_EXPIRED,
};

struct cx_token_claims {
    int64_t invitation;
    int64_t expires;
};

/* Writes the token for the invitation into out (CX_TOKEN_LEN + 1 bytes). */
void cx_token_make(const unsigned char *secret, int64_t invitation, int64_t expires,
                   const char *survey, const char *customer, const char *channel, char *out);

/* Decodes a token's claims without checking the signature (to find the
 * invitation to check it against). Returns CX_TOKEN_OK or CX_TOKEN_MALFORMED. */
enum cx_token_result cx_token_parse(const char *token, struct cx_token_claims *c);

/* Checks token against the invitation's survey, customer and channel in
 * constant time, then its expiry against now (Unix seconds). */
enum cx_token_result cx_token_verify(const unsigned char *secret, const char *token,
                                     const char *survey, const char *customer, const char *channel,
                                     int64_t now, struct cx_token_claims *c);

#endif
