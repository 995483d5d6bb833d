#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/bucket.h"
#include "core/time.h"

static int64_t D(int y, int m, int d)
{
    return cx_days_from_civil(y, m, d);
}

static void check_label(enum cx_grain g, int64_t day, const char *want)
{
    char out[16];
    memset(out, 'x', sizeof out);
    cx_bucket_label(g, day, out);
    assert_string_equal(out, want);
}

static void test_grain_names(void **state)
{
    (void)state;
    enum cx_grain g;
    const char *names[] = {"day", "week", "month", "quarter", "year"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cx_grain_parse(names[i], &g), 0);
        assert_int_equal(g, i);
        assert_string_equal(cx_grain_name(g), names[i]);
    }
    assert_int_equal(cx_grain_parse("Day", &g), -1);
    assert_int_equal(cx_grain_parse("days", &g), -1);
    assert_int_equal(cx_grain_parse("", &g), -1);
}

static void test_iso_weeks_new_year(void **state)
{
    (void)state;
    check_label(CX_GRAIN_WEEK, D(2025, 12, 28), "2025-W52");
    check_label(CX_GRAIN_WEEK, D(2025, 12, 29), "2026-W01");
    check_label(CX_GRAIN_WEEK, D(2025, 12, 31), "2026-W01");
    check_label(CX_GRAIN_WEEK, D(2026, 1, 1), "2026-W01");
    check_label(CX_GRAIN_WEEK, D(2026, 1, 4), "2026-W01");
    check_label(CX_GRAIN_WEEK, D(2026, 1, 5), "2026-W02");
    check_label(CX_GRAIN_WEEK, D(2021, 1, 3), "2020-W53");
    check_label(CX_GRAIN_WEEK, D(2021, 1, 4), "2021-W01");
    check_label(CX_GRAIN_WEEK, D(2020, 12, 31), "2020-W53");
    check_label(CX_GRAIN_WEEK, D(2027, 1, 1), "2026-W53");
    check_label(CX_GRAIN_WEEK, D(2026, 12, 31), "2026-W53");
    check_label(CX_GRAIN_WEEK, D(2024, 12, 30), "2025-W01");
    check_label(CX_GRAIN_WEEK, D(2023, 1, 1), "2022-W52");
    check_label(CX_GRAIN_WEEK, D(1970, 1, 1), "1970-W01");
    check_label(CX_GRAIN_WEEK, D(2026, 3, 1), "2026-W09");
}

static void test_labels(void **state)
{
    (void)state;
    check_label(CX_GRAIN_DAY, D(2026, 3, 1), "2026-03-01");
    check_label(CX_GRAIN_DAY, D(1, 1, 1), "0001-01-01");
    check_label(CX_GRAIN_DAY, D(1969, 12, 31), "1969-12-31");
    check_label(CX_GRAIN_MONTH, D(2026, 3, 31), "2026-03");
    check_label(CX_GRAIN_MONTH, D(2026, 12, 1), "2026-12");
    check_label(CX_GRAIN_YEAR, D(2026, 7, 4), "2026");
    check_label(CX_GRAIN_YEAR, D(987, 7, 4), "0987");
    check_label(CX_GRAIN_QUARTER, D(2026, 1, 1), "2026-Q1");
    check_label(CX_GRAIN_QUARTER, D(2026, 3, 31), "2026-Q1");
    check_label(CX_GRAIN_QUARTER, D(2026, 4, 1), "2026-Q2");
    check_label(CX_GRAIN_QUARTER, D(2026, 6, 30), "2026-Q2");
    check_label(CX_GRAIN_QUARTER, D(2026, 7, 1), "2026-Q3");
    check_label(CX_GRAIN_QUARTER, D(2026, 9, 30), "2026-Q3");
    check_label(CX_GRAIN_QUARTER, D(2026, 10, 1), "2026-Q4");
    check_label(CX_GRAIN_QUARTER, D(2026, 12, 31), "2026-Q4");
    check_label(CX_GRAIN_WEEK, D(9999, 12, 31), "9999-W52");
    check_label(CX_GRAIN_WEEK, D(1, 1, 1), "0001-W01");
}

static void test_start_next(void **state)
{
    (void)state;
    int64_t day = D(2026, 3, 1); /* a Sunday */
    assert_int_equal(cx_bucket_start(CX_GRAIN_DAY, day), day);
    assert_int_equal(cx_bucket_next(CX_GRAIN_DAY, day), day + 1);
    assert_int_equal(cx_bucket_start(CX_GRAIN_WEEK, day), D(2026, 2, 23));
    assert_int_equal(cx_bucket_next(CX_GRAIN_WEEK, day), D(2026, 3, 2));
    assert_int_equal(cx_bucket_start(CX_GRAIN_WEEK, D(2026, 3, 2)), D(2026, 3, 2));
    assert_int_equal(cx_bucket_start(CX_GRAIN_WEEK, D(2026, 1, 1)), D(2025, 12, 29));
    assert_int_equal(cx_bucket_start(CX_GRAIN_MONTH, day), D(2026, 3, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_MONTH, day), D(2026, 4, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_MONTH, D(2024, 2, 29)), D(2024, 2, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_MONTH, D(2024, 2, 29)), D(2024, 3, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_MONTH, D(2026, 12, 15)), D(2027, 1, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_QUARTER, day), D(2026, 1, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_QUARTER, day), D(2026, 4, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_QUARTER, D(2026, 8, 9)), D(2026, 7, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_QUARTER, D(2026, 8, 9)), D(2026, 10, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_QUARTER, D(2026, 11, 9)), D(2026, 10, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_QUARTER, D(2026, 11, 9)), D(2027, 1, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_YEAR, day), D(2026, 1, 1));
    assert_int_equal(cx_bucket_next(CX_GRAIN_YEAR, day), D(2027, 1, 1));
    assert_int_equal(cx_bucket_start(CX_GRAIN_DAY, -1), -1);
    assert_int_equal(cx_bucket_start(CX_GRAIN_WEEK, -1), D(1969, 12, 29));
}

/* Over many days: every day lies in [start, next), next is the start of
 * the following bucket, the label is constant inside a bucket, and labels
 * of successive buckets increase as byte strings. */
static void test_bucket_invariants(void **state)
{
    (void)state;
    for (int g = CX_GRAIN_DAY; g <= CX_GRAIN_YEAR; g++) {
        char prev[16] = "", cur[16], first[16];
        for (int64_t day = D(1995, 1, 1); day < D(2035, 1, 1); day++) {
            int64_t s = cx_bucket_start(g, day), n = cx_bucket_next(g, day);
            assert_true(s <= day && day < n);
            assert_int_equal(cx_bucket_start(g, n), n);
            assert_int_equal(cx_bucket_start(g, n - 1), s);
            cx_bucket_label(g, day, cur);
            cx_bucket_label(g, s, first);
            assert_string_equal(cur, first);
            if (day == s) {
                assert_true(strcmp(prev, cur) < 0);
                memcpy(prev, cur, sizeof prev);
            }
            if (g == CX_GRAIN_WEEK) assert_int_equal(n - s, 7);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grain_names),
        cmocka_unit_test(test_iso_weeks_new_year),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_start_next),
        cmocka_unit_test(test_bucket_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
