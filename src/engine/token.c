#include "engine/token.h"

#include <sodium.h>
#include <string.h>

#define MAC_LEN 16
#define RAW_LEN (8 + 8 + MAC_LEN)

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

/* MAC over the claims and the bound values, each length-prefixed so that
 * ("ab","c") and ("a","bc") differ. */
static void mac(const unsigned char *secret, const unsigned char *claims, const char *survey,
                const char *customer, const char *channel, unsigned char *out)
{
    crypto_auth_hmacsha512256_state st;
    crypto_auth_hmacsha512256_init(&st, secret, CX_TOKEN_SECRET_BYTES);
    crypto_auth_hmacsha512256_update(&st, claims, 16);
    const char *parts[3] = {survey, customer, channel};
    for (int i = 0; i < 3; i++) {
        unsigned char len[8];
        size_t n = strlen(parts[i]);
        put_be64(len, n);
        crypto_auth_hmacsha512256_update(&st, len, 8);
        crypto_auth_hmacsha512256_update(&st, (const unsigned char *)parts[i], n);
    }
    unsigned char full[crypto_auth_hmacsha512256_BYTES];
    crypto_auth_hmacsha512256_final(&st, full);
    memcpy(out, full, MAC_LEN);
    sodium_memzero(full, sizeof full);
}

void cx_token_make(const unsigned char *secret, int64_t invitation, int64_t expires,
                   const char *survey, const char *customer, const char *channel, char *out)
{
    unsigned char raw[RAW_LEN];
    put_be64(raw, (uint64_t)invitation);
    put_be64(raw + 8, (uint64_t)expires);
    mac(secret, raw, survey, customer, channel, raw + 16);
    sodium_bin2base64(out, CX_TOKEN_LEN + 1, raw, RAW_LEN,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int decode(const char *token, unsigned char *raw)
{
    size_t n = 0;
    if (!token || strlen(token) != CX_TOKEN_LEN) return -1;
    if (sodium_base642bin(raw, RAW_LEN, token, CX_TOKEN_LEN, NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        n != RAW_LEN)
        return -1;
    return 0;
}

enum cx_token_result cx_token_parse(const char *token, struct cx_token_claims *c)
{
    unsigned char raw[RAW_LEN];
    if (decode(token, raw)) return CX_TOKEN_MALFORMED;
    c->invitation = (int64_t)get_be64(raw);
    c->expires = (int64_t)get_be64(raw + 8);
    return CX_TOKEN_OK;
}

enum cx_token_result cx_token_verify(const unsigned char *secret, const char *token,
                                     const char *survey, const char *customer, const char *channel,
                                     int64_t now, struct cx_token_claims *c)
{
    unsigned char raw[RAW_LEN], want[MAC_LEN];
    if (decode(token, raw)) return CX_TOKEN_MALFORMED;
    mac(secret, raw, survey, customer, channel, want);
    if (sodium_memcmp(want, raw + 16, MAC_LEN) != 0) return CX_TOKEN_BAD_SIGNATURE;
    c->invitation = (int64_t)get_be64(raw);
    c->expires = (int64_t)get_be64(raw + 8);
    if (now >= c->expires) return CX_TOKEN_EXPIRED;
    return CX_TOKEN_OK;
}
