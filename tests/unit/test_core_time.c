#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/time.h"

static int parse(const char *s, struct cx_time *t, const char **why)
{
    *why = NULL;
    return cx_time_parse(s, strlen(s), t, why);
}

static void accept(const char *s, int64_t sec, int32_t nsec)
{
    struct cx_time t = {0, 0};
    const char *why;
    int rc = parse(s, &t, &why);
    if (rc != 0) fail_msg("rejected %s: %s", s, why);
    if (t.sec != sec || t.nsec != nsec)
        fail_msg("%s: got %lld.%09d, want %lld.%09d", s, (long long)t.sec, (int)t.nsec,
                 (long long)sec, (int)nsec);
}

/* Rejects s; if reason is non-NULL the reason must contain it. */
static void reject(const char *s, const char *reason)
{
    struct cx_time t = {0, 0};
    const char *why = NULL;
    if (parse(s, &t, &why) == 0) fail_msg("accepted %s", s);
    assert_non_null(why);
    if (reason && !strstr(why, reason)) fail_msg("%s: reason '%s', want '%s'", s, why, reason);
}

/* 2026-03-01T12:34:56Z */
#define T0 1772368496LL

static void test_rfc3339_basic(void **state)
{
    (void)state;
    accept("2026-03-01T12:34:56Z", T0, 0);
    accept("2026-03-01T13:34:56+01:00", T0, 0);
    accept("2026-03-01T07:04:56-05:30", T0, 0);
    accept("1970-01-01T00:00:00Z", 0, 0);
    accept("1969-12-31T23:59:59Z", -1, 0);
    accept("2026-01-01T00:00:00Z", 1767225600LL, 0);
}

static void test_rfc3339_lowercase_and_utc_forms(void **state)
{
    (void)state;
    accept("2026-03-01t12:34:56z", T0, 0);
    accept("2026-03-01T12:34:56z", T0, 0);
    accept("2026-03-01t12:34:56Z", T0, 0);
    accept("2026-03-01T12:34:56-00:00", T0, 0);
    accept("2026-03-01T12:34:56+00:00", T0, 0);
    accept("2026-03-01T00:00:00+23:59", T0 - 12 * 3600 - 34 * 60 - 56 - 86340, 0);
}

static void test_rfc3339_fraction(void **state)
{
    (void)state;
    accept("2026-03-01T12:34:56.5Z", T0, 500000000);
    accept("2026-03-01T12:34:56.123456789Z", T0, 123456789);
    accept("2026-03-01T12:34:56.000000001Z", T0, 1);
    accept("2026-03-01T12:34:56.0Z", T0, 0);
    /* more than nine digits are truncated, never rounded */
    accept("2026-03-01T12:34:56.1234567899999Z", T0, 123456789);
    accept("2026-03-01T12:34:56.99999999999999999999999999999999999999999Z", T0, 999999999);
    accept("1969-12-31T23:59:59.25Z", -1, 250000000);
    accept("2026-03-01T13:34:56.75+01:00", T0, 750000000);
    reject("2026-03-01T12:34:56.Z", "fraction");
    reject("2026-03-01T12:34:56,5Z", NULL);
    reject("2026-03-01T12:34:56.5", "offset");
}

static void test_rfc3339_rejects(void **state)
{
    (void)state;
    reject("2026-03-01 12:34:56Z", "space");
    reject("2026-03-01T12:34:56", "missing time zone offset");
    reject("2026-03-01T12:34:60Z", "second");
    reject("2026-03-01T12:34:56+24:00", "offset hour");
    reject("2026-03-01T12:34:56-24:00", "offset hour");
    reject("2026-03-01T12:34:56+01:60", "offset minute");
    reject("2026-02-29T00:00:00Z", "day out of range");
    reject("2026-04-31T00:00:00Z", "day out of range");
    reject("2026-13-01T00:00:00Z", "month out of range");
    reject("2026-00-01T00:00:00Z", "month out of range");
    reject("2026-01-00T00:00:00Z", "day out of range");
    reject("2026-03-01T24:00:00Z", "hour");
    reject("2026-03-01T12:60:00Z", "minute");
    reject("1900-02-29T00:00:00Z", "day out of range");
    reject("2026-03-01", NULL);
    reject("2026-03-01T12:34Z", NULL);
    reject("2026-03-01T12:34:56+0100", NULL);
    reject("2026-03-01T12:34:56+01", NULL);
    reject("2026-03-01T12:34:56+1:00", NULL);
    reject("2026-03-01T12:34:56ZZ", "trailing");
    reject("2026-03-01T12:34:56Z ", "trailing");
    reject(" 2026-03-01T12:34:56Z", NULL);
    reject("2026-3-01T12:34:56Z", NULL);
    reject("26-03-01T12:34:56Z", NULL);
    reject("+2026-03-01T12:34:56Z", NULL);
    reject("2026-03-01X12:34:56Z", NULL);
    reject("2026-03-01T12:34:56UTC", NULL);
    reject("2026-03-01T1a:34:56Z", NULL);
}

static void test_rfc3339_leap_years(void **state)
{
    (void)state;
    accept("2024-02-29T00:00:00Z", 1709164800LL, 0);
    accept("2000-02-29T00:00:00Z", 951782400LL, 0);
    accept("2024-12-31T23:59:59Z", 1735689599LL, 0);
}

static void test_range(void **state)
{
    (void)state;
    accept("0001-01-01T00:00:00Z", CX_TIME_MIN_SEC, 0);
    accept("9999-12-31T23:59:59.999999999Z", CX_TIME_MAX_SEC, 999999999);
    reject("0001-01-01T00:00:00+01:00", "range");
    reject("9999-12-31T23:59:59-01:00", "range");
    accept("0000-12-31T23:30:00-01:00", CX_TIME_MIN_SEC + 1800, 0);
    reject("0000-06-01T00:00:00Z", "range");
}

static void test_unix_seconds(void **state)
{
    (void)state;
    accept("0", 0, 0);
    accept("-5", -5, 0);
    accept("-0", 0, 0);
    accept("1767225600", 1767225600LL, 0);
    accept("0001767225600", 1767225600LL, 0);
    accept("253402300799", CX_TIME_MAX_SEC, 0);
    accept("-62135596800", CX_TIME_MIN_SEC, 0);
    reject("253402300800", "range");
    reject("-62135596801", "range");
    reject("1767225600.5", NULL);
    reject("+5", NULL);
    reject("-", NULL);
    reject("--5", NULL);
    reject(" 5", NULL);
    reject("5 ", NULL);
    reject("1e9", NULL);
    reject("99999999999999999999999999999999999999999999", "range");
    reject("-99999999999999999999999999999999999999999999", "range");
    reject("18446744073709551616", "range");
    reject("9223372036854775808", "range");
}

static void test_empty_and_garbage(void **state)
{
    (void)state;
    reject("", "empty");
    reject("now", NULL);
    reject("T", NULL);
    reject("Z", NULL);
    reject("\xff\xfe", NULL);
    reject("2026-03-01T12:34:56\xc3\xa9", NULL);
    /* length is explicit: an embedded NUL is a bad character */
    struct cx_time t;
    const char *why = NULL;
    assert_int_equal(cx_time_parse("12\0"
                                   "34",
                                   5, &t, &why),
                     -1);
    assert_int_equal(cx_time_parse("2026-03-01T12:34:56Z\0", 21, &t, &why), -1);
    /* not NUL-terminated: only len bytes are read */
    assert_int_equal(cx_time_parse("2026-03-01T12:34:56Zjunk", 20, &t, &why), 0);
    assert_int_equal(t.sec, T0);
    assert_int_equal(cx_time_parse("12345", 2, &t, &why), 0);
    assert_int_equal(t.sec, 12);
}

static void test_date_parse(void **state)
{
    (void)state;
    int64_t d = -1;
    const char *why = NULL;
    assert_int_equal(cx_date_parse("1970-01-01", 10, &d, &why), 0);
    assert_int_equal(d, 0);
    assert_int_equal(cx_date_parse("2026-03-01", 10, &d, &why), 0);
    assert_int_equal(d, T0 / 86400);
    assert_int_equal(cx_date_parse("2024-02-29", 10, &d, &why), 0);
    assert_int_equal(cx_date_parse("0001-01-01", 10, &d, &why), 0);
    assert_int_equal(d, CX_TIME_MIN_SEC / 86400);
    assert_int_equal(cx_date_parse("2026-02-29", 10, &d, &why), -1);
    assert_non_null(strstr(why, "day"));
    assert_int_equal(cx_date_parse("0000-01-01", 10, &d, &why), -1);
    assert_int_equal(cx_date_parse("2026-13-01", 10, &d, &why), -1);
    assert_int_equal(cx_date_parse("2026-03-01T", 11, &d, &why), -1);
    assert_int_equal(cx_date_parse("2026-3-1", 8, &d, &why), -1);
    assert_int_equal(cx_date_parse("", 0, &d, &why), -1);
    assert_int_equal(cx_date_parse("2026/03/01", 10, &d, &why), -1);
}

static void test_civil_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(cx_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cx_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(cx_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(cx_days_from_civil(1, 1, 1), -719162);
    for (int64_t day = -800000; day <= 3000000; day += 13) {
        int64_t y;
        int m, d;
        cx_civil_from_days(day, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
        assert_int_equal(cx_days_from_civil(y, m, d), day);
    }
    int64_t y;
    int m, d;
    cx_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    cx_civil_from_days(19782, &y, &m, &d); /* 2024-02-29 */
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(cx_weekday(0), 3);                                /* Thursday */
    assert_int_equal(cx_weekday(-1), 2);                               /* Wednesday */
    assert_int_equal(cx_weekday(-4), 6);                               /* Sunday */
    assert_int_equal(cx_weekday(cx_days_from_civil(2025, 12, 29)), 0); /* Monday */
    assert_int_equal(cx_weekday(cx_days_from_civil(2021, 1, 3)), 6);
    assert_int_equal(cx_weekday(cx_days_from_civil(1, 1, 1)), 0);
}

static void check_format(int64_t sec, int32_t nsec, const char *want)
{
    char buf[40];
    struct cx_time t = {sec, nsec};
    assert_string_equal(cx_time_format(t, buf), want);
}

static void test_format(void **state)
{
    (void)state;
    check_format(T0, 0, "2026-03-01T12:34:56Z");
    check_format(T0, 500000000, "2026-03-01T12:34:56.5Z");
    check_format(T0, 1, "2026-03-01T12:34:56.000000001Z");
    check_format(T0, 120000000, "2026-03-01T12:34:56.12Z");
    check_format(-1, 0, "1969-12-31T23:59:59Z");
    check_format(CX_TIME_MIN_SEC, 0, "0001-01-01T00:00:00Z");
    check_format(CX_TIME_MAX_SEC, 999999999, "9999-12-31T23:59:59.999999999Z");
    /* extremes stay within the 40-byte buffer */
    char buf[40];
    struct cx_time lo = {INT64_MIN, 999999999}, hi = {INT64_MAX, 999999999};
    assert_true(strlen(cx_time_format(lo, buf)) < 40);
    assert_true(strlen(cx_time_format(hi, buf)) < 40);
}

static void test_format_roundtrip(void **state)
{
    (void)state;
    const char *in[] = {
        "2026-03-01T13:34:56.123+01:00", "2024-02-29t23:59:59.999999999z", "1767225600", "-5",
        "0001-01-01T00:00:00Z",          "1999-12-31T23:59:59-00:00"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        struct cx_time a, b;
        const char *why;
        char buf[40];
        assert_int_equal(parse(in[i], &a, &why), 0);
        cx_time_format(a, buf);
        assert_int_equal(parse(buf, &b, &why), 0);
        assert_int_equal(cx_time_cmp(a, b), 0);
    }
}

static void test_cmp(void **state)
{
    (void)state;
    struct cx_time a = {5, 0}, b = {5, 1}, c = {6, 0};
    assert_true(cx_time_cmp(a, b) < 0);
    assert_true(cx_time_cmp(b, a) > 0);
    assert_true(cx_time_cmp(b, c) < 0);
    assert_int_equal(cx_time_cmp(c, c), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339_basic),
        cmocka_unit_test(test_rfc3339_lowercase_and_utc_forms),
        cmocka_unit_test(test_rfc3339_fraction),
        cmocka_unit_test(test_rfc3339_rejects),
        cmocka_unit_test(test_rfc3339_leap_years),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_unix_seconds),
        cmocka_unit_test(test_empty_and_garbage),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_civil_roundtrip),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_cmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
