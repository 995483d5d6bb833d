#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/scale.h"

static int parse(const char *s, enum cx_kind k, struct cx_scale *out, const char **why)
{
    return cx_scale_parse(s, strlen(s), k, out, why);
}

static void test_kind_parse(void **state)
{
    enum cx_kind k = CX_KIND_CES;
    assert_int_equal(cx_kind_parse("NPS", 3, &k), 0);
    assert_int_equal(k, CX_KIND_NPS);
    assert_int_equal(cx_kind_parse("csat", 4, &k), 0);
    assert_int_equal(k, CX_KIND_CSAT);
    assert_int_equal(cx_kind_parse("Ces", 3, &k), 0);
    assert_int_equal(k, CX_KIND_CES);
    /* only len bytes are read */
    assert_int_equal(cx_kind_parse("npsX", 3, &k), 0);
    assert_int_equal(k, CX_KIND_NPS);
    assert_int_equal(cx_kind_parse("npsx", 4, &k), -1);
    assert_int_equal(cx_kind_parse("np", 2, &k), -1);
    assert_int_equal(cx_kind_parse("", 0, &k), -1);
    assert_int_equal(cx_kind_parse("c\xc3\xa9s", 4, &k), -1);
    assert_string_equal(cx_kind_name(CX_KIND_NPS), "nps");
    assert_string_equal(cx_kind_name(CX_KIND_CSAT), "csat");
    assert_string_equal(cx_kind_name(CX_KIND_CES), "ces");
}

static void test_defaults(void **state)
{
    struct cx_scale s = cx_scale_default(CX_KIND_NPS);
    assert_int_equal(s.min, 0);
    assert_int_equal(s.max, 10);
    s = cx_scale_default(CX_KIND_CSAT);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.max, 5);
    s = cx_scale_default(CX_KIND_CES);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.max, 7);
}

static void test_index_table(void **state)
{
    static const struct {
        enum cx_kind k;
        int min, max;
    } want[CX_NSCALES] = {
        {CX_KIND_NPS, 0, 10},  {CX_KIND_CSAT, 1, 3}, {CX_KIND_CSAT, 1, 5}, {CX_KIND_CSAT, 1, 7},
        {CX_KIND_CSAT, 1, 10}, {CX_KIND_CES, 1, 5},  {CX_KIND_CES, 1, 7},  {CX_KIND_CES, 1, 10},
    };
    for (int i = 0; i < CX_NSCALES; i++) {
        struct cx_scale s = cx_scale_at(i);
        assert_int_equal(cx_scale_kind(i), want[i].k);
        assert_int_equal(s.min, want[i].min);
        assert_int_equal(s.max, want[i].max);
        assert_int_equal(cx_scale_index(want[i].k, s), i);
        assert_true(s.max - s.min + 1 <= CX_MAXBINS);
    }
    assert_int_equal(cx_scale_index(CX_KIND_NPS, (struct cx_scale){1, 5}), -1);
    assert_int_equal(cx_scale_index(CX_KIND_CSAT, (struct cx_scale){0, 10}), -1);
    assert_int_equal(cx_scale_index(CX_KIND_CES, (struct cx_scale){1, 3}), -1);
    for (int k = 0; k < CX_NKINDS; k++) {
        struct cx_scale d = cx_scale_default((enum cx_kind)k);
        assert_true(cx_scale_index((enum cx_kind)k, d) >= 0);
    }
}

static void test_parse_allowed(void **state)
{
    static const struct {
        enum cx_kind k;
        const char *s;
        int min, max;
    } ok[] = {
        {CX_KIND_NPS, "0-10", 0, 10}, {CX_KIND_CSAT, "1-3", 1, 3},   {CX_KIND_CSAT, "1-5", 1, 5},
        {CX_KIND_CSAT, "1-7", 1, 7},  {CX_KIND_CSAT, "1-10", 1, 10}, {CX_KIND_CES, "1-5", 1, 5},
        {CX_KIND_CES, "1-7", 1, 7},   {CX_KIND_CES, "1-10", 1, 10},  {CX_KIND_CSAT, "01-05", 1, 5},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct cx_scale s = {-1, -1};
        const char *why = NULL;
        assert_int_equal(parse(ok[i].s, ok[i].k, &s, &why), 0);
        assert_int_equal(s.min, ok[i].min);
        assert_int_equal(s.max, ok[i].max);
    }
}

static void test_parse_bad_format(void **state)
{
    static const char *bad[] = {"",     "-",   "1-",    "-5",   " 1-5", "1-5 ",  "+1-5", "1--5",
                                "1-+5", "1_5", "1-5-7", "1- 5", "a-b",  "1.0-5", "15"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cx_scale s = {-7, -7};
        const char *why = NULL;
        assert_int_equal(parse(bad[i], CX_KIND_CSAT, &s, &why), -1);
        assert_non_null(why);
        assert_string_equal(why, "scale must be MIN-MAX");
        assert_int_equal(s.min, -7);
    }
    /* a length that stops early makes the rest invisible */
    struct cx_scale s;
    assert_int_equal(cx_scale_parse("1-5", 2, CX_KIND_CSAT, &s, NULL), -1);
    assert_int_equal(cx_scale_parse("1-5xyz", 3, CX_KIND_CSAT, &s, NULL), 0);
    assert_int_equal(s.max, 5);
}

static void test_parse_not_allowed(void **state)
{
    struct cx_scale s;
    const char *why = NULL;
    assert_int_equal(parse("1-4", CX_KIND_CSAT, &s, &why), -1);
    assert_string_equal(why, "scale 1-4 is not allowed for csat (allowed: 1-3, 1-5, 1-7, 1-10)");
    assert_int_equal(parse("1-3", CX_KIND_CES, &s, &why), -1);
    assert_string_equal(why, "scale 1-3 is not allowed for ces (allowed: 1-5, 1-7, 1-10)");
    assert_int_equal(parse("1-10", CX_KIND_NPS, &s, &why), -1);
    assert_string_equal(why, "scale 1-10 is not allowed for nps (allowed: 0-10)");
    assert_int_equal(parse("0-10", CX_KIND_CSAT, &s, &why), -1);
    assert_int_equal(parse("5-1", CX_KIND_CSAT, &s, &why), -1);
    /* huge numbers do not overflow and are just not allowed */
    assert_int_equal(parse("99999999999999999999-5", CX_KIND_CSAT, &s, &why), -1);
    assert_non_null(strstr(why, "is not allowed for csat"));
    assert_int_equal(parse("1-4294967301", CX_KIND_CSAT, &s, &why), -1);
    assert_non_null(strstr(why, "is not allowed"));
    /* why may be NULL */
    assert_int_equal(parse("1-4", CX_KIND_CSAT, &s, NULL), -1);
    assert_int_equal(parse("x", CX_KIND_CSAT, &s, NULL), -1);
}

static void test_hist_add_merge(void **state)
{
    struct cx_hist h, g;
    memset(&h, 0, sizeof h);
    memset(&g, 0, sizeof g);
    cx_hist_add(&h, 0, 10, 5);
    cx_hist_add(&h, 0, 0, 2);
    cx_hist_add(&h, 1, 3, 4);  /* csat 1-3, score 3 -> bin 2 */
    cx_hist_add(&h, 7, 10, 1); /* ces 1-10, score 10 -> bin 9 */
    assert_int_equal(h.c[0][10], 5);
    assert_int_equal(h.c[0][0], 2);
    assert_int_equal(h.c[1][2], 4);
    assert_int_equal(h.c[7][9], 1);

    cx_hist_add(&h, 0, 10, -2);
    assert_int_equal(h.c[0][10], 3);
    cx_hist_add(&h, 0, 10, -3);
    assert_int_equal(h.c[0][10], 0);

    /* out of range scores and indexes are ignored */
    cx_hist_add(&h, 1, 4, 1);
    cx_hist_add(&h, 1, 0, 1);
    cx_hist_add(&h, 8, 1, 1);
    cx_hist_add(&h, -1, 1, 1);
    assert_int_equal(h.c[1][3], 0);
    assert_int_equal(h.c[2][0], 0);

    cx_hist_add(&g, 0, 0, 3);
    cx_hist_add(&g, 1, 3, 1);
    cx_hist_merge(&h, &g);
    assert_int_equal(h.c[0][0], 5);
    assert_int_equal(h.c[1][2], 5);
    assert_int_equal(h.c[7][9], 1);
    assert_int_equal(g.c[0][0], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_parse),       cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_index_table),      cmocka_unit_test(test_parse_allowed),
        cmocka_unit_test(test_parse_bad_format), cmocka_unit_test(test_parse_not_allowed),
        cmocka_unit_test(test_hist_add_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
