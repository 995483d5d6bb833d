#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal.h"

static void dec_ok(const char *s, int64_t want)
{
    int64_t v = 12345;
    const char *why = NULL;
    if (cx_decimal_parse(s, strlen(s), &v, &why)) fail_msg("rejected %s: %s", s, why);
    if (v != want) fail_msg("%s: got %lld, want %lld", s, (long long)v, (long long)want);
}

static void dec_bad(const char *s)
{
    int64_t v = 12345;
    const char *why = NULL;
    if (cx_decimal_parse(s, strlen(s), &v, &why) == 0) fail_msg("accepted %s", s);
    assert_non_null(why);
    assert_int_equal(v, 12345);
}

static void test_decimal_parse(void **state)
{
    (void)state;
    dec_ok("12", 12 * CX_NANO);
    dec_ok("4.8", 4800000000LL);
    dec_ok("0", 0);
    dec_ok("-0", 0);
    dec_ok("007", 7 * CX_NANO);
    dec_ok("0.000000001", 1);
    dec_ok("-0.5", -500000000LL);
    dec_ok("123.456789012", 123456789012LL);
    dec_ok("9000000000", 9000000000LL * CX_NANO);
    dec_ok("-9000000000", -9000000000LL * CX_NANO);
    dec_ok("8999999999.999999999", 9000000000LL * CX_NANO - 1);
    dec_ok("00000000000000000000000000001.5", 1500000000LL);
}

static void test_decimal_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         ".5",
                         "5.",
                         "1e3",
                         "1,000",
                         "+1",
                         " 1",
                         "1 ",
                         "-",
                         "-.5",
                         "--1",
                         "1.2.3",
                         "0x10",
                         "12s",
                         "1_000",
                         "inf",
                         "nan",
                         "1E3",
                         "1.0000000001",
                         "9000000000.000000001",
                         "9000000001",
                         "99999999999999999999999",
                         "-9000000001",
                         "\xc2\xb5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) dec_bad(bad[i]);
    int64_t v;
    const char *why;
    assert_int_equal(cx_decimal_parse("1\0"
                                      "2",
                                      3, &v, &why),
                     -1);
    assert_int_equal(cx_decimal_parse("12xyz", 2, &v, &why), 0);
    assert_int_equal(v, 12 * CX_NANO);
}

static void fmt(int64_t nanos, const char *want)
{
    char buf[32];
    assert_string_equal(cx_decimal_format(nanos, buf), want);
}

static void test_decimal_format(void **state)
{
    (void)state;
    fmt(0, "0");
    fmt(12 * CX_NANO, "12");
    fmt(4800000000LL, "4.8");
    fmt(-500000000LL, "-0.5");
    fmt(1, "0.000000001");
    fmt(-1, "-0.000000001");
    fmt(123456789012LL, "123.456789012");
    fmt(10 * CX_NANO + 10000000, "10.01");
    fmt(INT64_MAX, "9223372036.854775807");
    fmt(INT64_MIN, "-9223372036.854775808");
}

static void test_decimal_roundtrip(void **state)
{
    (void)state;
    int64_t samples[] = {0,
                         1,
                         -1,
                         999999999,
                         1000000000,
                         4800000000LL,
                         -123456789012LL,
                         9000000000LL * CX_NANO,
                         -9000000000LL * CX_NANO,
                         50,
                         70000};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char buf[32];
        int64_t back;
        const char *why;
        cx_decimal_format(samples[i], buf);
        assert_int_equal(cx_decimal_parse(buf, strlen(buf), &back, &why), 0);
        assert_int_equal(back, samples[i]);
    }
}

static void int_ok(const char *s, int32_t want)
{
    int32_t v = 77;
    const char *why = NULL;
    if (cx_int_parse(s, strlen(s), &v, &why)) fail_msg("rejected %s: %s", s, why);
    assert_int_equal(v, want);
}

static void int_bad(const char *s)
{
    int32_t v = 77;
    const char *why = NULL;
    if (cx_int_parse(s, strlen(s), &v, &why) == 0) fail_msg("accepted %s", s);
    assert_non_null(why);
    assert_int_equal(v, 77);
}

static void test_int_parse(void **state)
{
    (void)state;
    int_ok("9", 9);
    int_ok("+9", 9);
    int_ok("07", 7);
    int_ok("-3", -3);
    int_ok("0", 0);
    int_ok("-0", 0);
    int_ok("2147483647", INT32_MAX);
    int_ok("-2147483648", INT32_MIN);
    int_ok("000000000000000000000000000010", 10);
    int_bad("");
    int_bad("+");
    int_bad("-");
    int_bad("4.5");
    int_bad("9.0");
    int_bad("2147483648");
    int_bad("-2147483649");
    int_bad("99999999999999999999999999");
    int_bad(" 9");
    int_bad("9 ");
    int_bad("1e2");
    int_bad("++1");
    int_bad("0x1");
    int_bad("nine");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_parse),  cmocka_unit_test(test_decimal_rejects),
        cmocka_unit_test(test_decimal_format), cmocka_unit_test(test_decimal_roundtrip),
        cmocka_unit_test(test_int_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
