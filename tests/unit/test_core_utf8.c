#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

static void good(const char *s, size_t len)
{
    size_t off = 999;
    if (!cx_utf8_valid(s, len, &off)) fail_msg("rejected valid text at offset %zu", off);
    assert_int_equal(off, 999);
}

static void bad(const char *s, size_t len, size_t want_off)
{
    size_t off = 999;
    assert_int_equal(cx_utf8_valid(s, len, &off), 0);
    assert_int_equal(off, want_off);
    assert_int_equal(cx_utf8_valid(s, len, NULL), 0);
}

#define GOOD(lit) good(lit, sizeof lit - 1)
#define BAD(lit, off) bad(lit, sizeof lit - 1, off)

static void test_valid(void **state)
{
    (void)state;
    GOOD("");
    GOOD("plain ascii, with punctuation!\t\r\n");
    GOOD("\x01\x7f");
    GOOD("caf\xc3\xa9");                      /* é */
    GOOD("\xc2\x80");                         /* U+0080 */
    GOOD("\xdf\xbf");                         /* U+07FF */
    GOOD("\xe0\xa0\x80");                     /* U+0800 */
    GOOD("\xe2\x82\xac");                     /* € */
    GOOD("\xed\x9f\xbf");                     /* U+D7FF */
    GOOD("\xee\x80\x80");                     /* U+E000 */
    GOOD("\xef\xbf\xbf");                     /* U+FFFF */
    GOOD("\xf0\x90\x80\x80");                 /* U+10000 */
    GOOD("\xf0\x9f\x98\x80");                 /* 😀 */
    GOOD("\xf4\x8f\xbf\xbf");                 /* U+10FFFF */
    GOOD("\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"); /* Arabic */
    GOOD("\xc5\x9f\xc4\x9f\xc4\xb1");         /* Turkish */
    GOOD("\xef\xbb\xbf"
         "bom is a char");
}

static void test_overlong(void **state)
{
    (void)state;
    BAD("\xc0\x80", 0);
    BAD("\xc1\xbf", 0);
    BAD("ab\xc0\xaf", 2);
    BAD("\xe0\x80\x80", 0);
    BAD("\xe0\x9f\xbf", 0);
    BAD("\xf0\x80\x80\x80", 0);
    BAD("\xf0\x8f\xbf\xbf", 0);
}

static void test_surrogates(void **state)
{
    (void)state;
    BAD("\xed\xa0\x80", 0);
    BAD("x\xed\xbf\xbf", 1);
    BAD("\xed\xa0\xbd\xed\xb8\x80", 0); /* CESU-8 pair */
}

static void test_above_max(void **state)
{
    (void)state;
    BAD("\xf4\x90\x80\x80", 0);
    BAD("\xf5\x80\x80\x80", 0);
    BAD("\xf7\xbf\xbf\xbf", 0);
    BAD("\xf8\x88\x80\x80\x80", 0);
    BAD("\xfc\x84\x80\x80\x80\x80", 0);
    BAD("\xfe", 0);
    BAD("\xff", 0);
}

static void test_truncated_and_stray(void **state)
{
    (void)state;
    BAD("\xc3", 0);
    BAD("abc\xe2\x82", 3);
    BAD("\xf0\x9f\x98", 0);
    BAD("\xe2\x82"
        "a",
        0);
    BAD("\xc3"
        "A",
        0);
    BAD("\x80", 0);
    BAD("ok\xbf", 2);
    BAD("\xc3\xa9\xa9", 2);
    BAD("\xf0\x9f\x98\x80\x80", 4);
    /* only len bytes are looked at */
    good("\xc3\xa9\xff", 2);
    bad("\xc3\xa9", 1, 0);
}

static void test_nul(void **state)
{
    (void)state;
    bad("\0", 1, 0);
    bad("ab\0cd", 5, 2);
    bad("\xc3\xa9\0", 3, 2);
    bad("\xc0\x80", 2, 0); /* modified-UTF-8 NUL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_above_max),
        cmocka_unit_test(test_truncated_and_stray),
        cmocka_unit_test(test_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
