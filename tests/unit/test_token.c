/* test_token.c - invitation token signing and verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "engine/token.h"

static unsigned char secret[CX_TOKEN_SECRET_BYTES];

static int setup(void **state)
{
    if (sodium_init() < 0) return -1;
    for (int i = 0; i < CX_TOKEN_SECRET_BYTES; i++) secret[i] = (unsigned char)(i * 7 + 3);
    return 0;
}

static void test_round_trip(void **state)
{
    char tok[CX_TOKEN_LEN + 1];
    cx_token_make(secret, 42, 2000000000, "nps-main", "c1", "email", tok);
    assert_int_equal(strlen(tok), CX_TOKEN_LEN);
    struct cx_token_claims c;
    assert_int_equal(cx_token_verify(secret, tok, "nps-main", "c1", "email", 1900000000, &c),
                     CX_TOKEN_OK);
    assert_int_equal(c.invitation, 42);
    assert_int_equal(c.expires, 2000000000);
    assert_int_equal(cx_token_parse(tok, &c), CX_TOKEN_OK);
    assert_int_equal(c.invitation, 42);
}

static void test_expired(void **state)
{
    char tok[CX_TOKEN_LEN + 1];
    cx_token_make(secret, 1, 1000, "s", "c", "link", tok);
    struct cx_token_claims c;
    assert_int_equal(cx_token_verify(secret, tok, "s", "c", "link", 999, &c), CX_TOKEN_OK);
    assert_int_equal(cx_token_verify(secret, tok, "s", "c", "link", 1000, &c), CX_TOKEN_EXPIRED);
}

static void test_bound_values(void **state)
{
    char tok[CX_TOKEN_LEN + 1];
    cx_token_make(secret, 7, 2000000000, "survey-a", "cust-1", "sms", tok);
    struct cx_token_claims c;
    assert_int_equal(cx_token_verify(secret, tok, "survey-b", "cust-1", "sms", 0, &c),
                     CX_TOKEN_BAD_SIGNATURE);
    assert_int_equal(cx_token_verify(secret, tok, "survey-a", "cust-2", "sms", 0, &c),
                     CX_TOKEN_BAD_SIGNATURE);
    assert_int_equal(cx_token_verify(secret, tok, "survey-a", "cust-1", "email", 0, &c),
                     CX_TOKEN_BAD_SIGNATURE);
    /* length-prefixed fields: moving a byte between fields changes the MAC */
    assert_int_equal(cx_token_verify(secret, tok, "survey-ac", "ust-1", "sms", 0, &c),
                     CX_TOKEN_BAD_SIGNATURE);
    unsigned char other[CX_TOKEN_SECRET_BYTES];
    memcpy(other, secret, sizeof other);
    other[0] ^= 1;
    assert_int_equal(cx_token_verify(other, tok, "survey-a", "cust-1", "sms", 0, &c),
                     CX_TOKEN_BAD_SIGNATURE);
}

static void test_tampered(void **state)
{
    char tok[CX_TOKEN_LEN + 1];
    cx_token_make(secret, 9, 2000000000, "s", "c", "link", tok);
    struct cx_token_claims c;
    /* flip every position to another base64url character: never accepted */
    for (size_t i = 0; i < CX_TOKEN_LEN; i++) {
        char t[CX_TOKEN_LEN + 1];
        memcpy(t, tok, sizeof t);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        enum cx_token_result r = cx_token_verify(secret, t, "s", "c", "link", 0, &c);
        assert_true(r == CX_TOKEN_BAD_SIGNATURE || r == CX_TOKEN_MALFORMED);
    }
    /* a later expiry or another invitation id needs a new MAC */
    char t2[CX_TOKEN_LEN + 1];
    cx_token_make(secret, 10, 2000000000, "s", "c", "link", t2);
    char mix[CX_TOKEN_LEN + 1];
    memcpy(mix, t2, 11);                               /* id bytes of token 10 ... */
    memcpy(mix + 11, tok + 11, CX_TOKEN_LEN - 11 + 1); /* ... with token 9's MAC */
    assert_int_not_equal(cx_token_verify(secret, mix, "s", "c", "link", 0, &c), CX_TOKEN_OK);
}

static void test_malformed(void **state)
{
    struct cx_token_claims c;
    const char *bad[] = {"",
                         "abc",
                         "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(cx_token_parse(bad[i], &c), CX_TOKEN_MALFORMED);
        assert_int_equal(cx_token_verify(secret, bad[i], "s", "c", "l", 0, &c), CX_TOKEN_MALFORMED);
    }
    assert_int_equal(cx_token_parse(NULL, &c), CX_TOKEN_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_expired),
        cmocka_unit_test(test_bound_values), cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
