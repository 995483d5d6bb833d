#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "core/metrics.h"

/* Expected intervals and test statistics were computed with mpmath at 40
 * digits from the formulas of SPEC §3, independently of this code;
 * t quantiles are published table values. */

#define T975_1 12.7062047361747
#define T975_2 4.30265272974946
#define T975_10 2.22813885198627

enum { NPS = 0, CSAT3 = 1, CSAT5 = 2, CSAT7 = 3, CSAT10 = 4, CES5 = 5, CES7 = 6, CES10 = 7 };

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* Asserts that e holds exactly num/den (in any terms). */
static void exact(const struct cx_estimate *e, long long num, long long den)
{
    assert_true(e->has_value);
    assert_true(e->den > 0);
    if (e->num * den != (cx_i128)num * e->den)
        fail_msg("value %.17g is not %lld/%lld", e->value, num, den);
    near(e->value, (double)num / (double)den, 1e-12);
}

static void fmt_is(cx_i128 num, cx_i128 den, const char *want)
{
    char buf[48];
    assert_string_equal(cx_format2(num, den, buf), want);
}

static void fmtd_is(double v, const char *want)
{
    char buf[48];
    assert_string_equal(cx_format2d(v, buf), want);
}

static void add(struct cx_hist *h, int idx, int score, int64_t count)
{
    cx_hist_add(h, idx, score, count);
}

/* ---- nps ---- */

static void test_nps_empty(void **state)
{
    struct cx_hist h;
    struct cx_estimate e;
    memset(&h, 0, sizeof h);
    add(&h, CSAT5, 5, 10); /* other kinds are not read */
    add(&h, CES7, 7, 10);
    cx_metric_nps(&h, &e);
    assert_int_equal(e.kind, CX_EST_NPS);
    assert_int_equal(e.n, 0);
    assert_false(e.has_value);
    assert_false(e.has_ci);
    assert_int_equal(e.promoters, 0);
    assert_int_equal(e.passives, 0);
    assert_int_equal(e.detractors, 0);
}

static void test_nps_single(void **state)
{
    struct cx_hist h;
    struct cx_estimate e;
    memset(&h, 0, sizeof h);
    add(&h, NPS, 9, 1);
    cx_metric_nps(&h, &e);
    assert_int_equal(e.n, 1);
    exact(&e, 100, 1);
    /* N' = 4, p' = 0.4375, d' = 0.1875, v = 0.25, sqrt(0.5625 / 4) = 0.375 */
    assert_true(e.has_ci);
    near(e.lo, -48.5, 1e-9);
    near(e.hi, 98.5, 1e-9);
    near(e.se, 37.5, 1e-9);
    assert_int_equal(e.promoters, 1);
    assert_int_equal(e.passives, 0);
    assert_int_equal(e.detractors, 0);

    memset(&h, 0, sizeof h);
    add(&h, NPS, 0, 1);
    cx_metric_nps(&h, &e);
    exact(&e, -100, 1);
    near(e.lo, -98.5, 1e-9);
    near(e.hi, 48.5, 1e-9);
    assert_int_equal(e.detractors, 1);
}

static void test_nps_all_promoters(void **state)
{
    struct cx_hist h;
    struct cx_estimate e;
    memset(&h, 0, sizeof h);
    add(&h, NPS, 9, 20);
    add(&h, NPS, 10, 30);
    cx_metric_nps(&h, &e);
    assert_int_equal(e.n, 50);
    exact(&e, 100, 1);
    near(e.lo, 86.644179886468311, 1e-9);
    assert_true(e.hi == 100.0); /* 100 (v + 1.96 se) > 100 is clipped */
    near(e.se, 3.9262463035924098, 1e-9);
    assert_int_equal(e.promoters, 50);
}

static void test_nps_mixed_and_boundaries(void **state)
{
    struct cx_hist h;
    struct cx_estimate e;
    memset(&h, 0, sizeof h);
    add(&h, NPS, 10, 35);
    add(&h, NPS, 9, 25);
    add(&h, NPS, 8, 20);
    add(&h, NPS, 7, 5);
    add(&h, NPS, 6, 10);
    add(&h, NPS, 0, 5);
    cx_metric_nps(&h, &e);
    assert_int_equal(e.n, 100);
    assert_int_equal(e.promoters, 60);
    assert_int_equal(e.passives, 25);
    assert_int_equal(e.detractors, 15);
    exact(&e, 45, 1);
    near(e.lo, 29.342847581929641, 1e-9);
    near(e.hi, 58.035793194769388, 1e-9);
    near(e.se, 7.3196289828672824, 1e-9);
    char buf[48];
    assert_string_equal(cx_format2(e.num, e.den, buf), "45.00");

    /* every score lands in the right class */
    for (int s = 0; s <= 10; s++) {
        memset(&h, 0, sizeof h);
        add(&h, NPS, s, 1);
        cx_metric_nps(&h, &e);
        assert_int_equal(e.promoters, s >= 9);
        assert_int_equal(e.passives, s == 7 || s == 8);
        assert_int_equal(e.detractors, s <= 6);
        exact(&e, s >= 9 ? 100 : s <= 6 ? -100 : 0, 1);
    }

    /* a value that is not a whole number stays exact: 100 / 3 */
    memset(&h, 0, sizeof h);
    add(&h, NPS, 10, 1);
    add(&h, NPS, 8, 2);
    cx_metric_nps(&h, &e);
    exact(&e, 100, 3);
    assert_string_equal(cx_format2(e.num, e.den, buf), "33.33");
}

/* ---- csat, ces_easy ---- */

static void test_csat_top_boxes(void **state)
{
    static const struct {
        int idx, top, max;
    } sc[] = {{CSAT3, 3, 3}, {CSAT5, 4, 5}, {CSAT7, 6, 7}, {CSAT10, 8, 10}};
    struct cx_hist h;
    struct cx_estimate e;
    for (size_t i = 0; i < 4; i++) {
        for (int s = 1; s <= sc[i].max; s++) {
            memset(&h, 0, sizeof h);
            add(&h, sc[i].idx, s, 1);
            cx_metric_csat(&h, &e);
            assert_int_equal(e.kind, CX_EST_PROP);
            assert_int_equal(e.n, 1);
            assert_int_equal(e.k, s >= sc[i].top);
            exact(&e, s >= sc[i].top ? 100 : 0, 1);
        }
    }

    /* one histogram, all four csat scales, plus nps and ces that must be
     * ignored: satisfied 3 (1-3), 4 (1-5), 6 (1-7); not 2, 3, 5, 7 */
    memset(&h, 0, sizeof h);
    add(&h, CSAT3, 3, 1);
    add(&h, CSAT3, 2, 1);
    add(&h, CSAT5, 4, 1);
    add(&h, CSAT5, 3, 1);
    add(&h, CSAT7, 6, 1);
    add(&h, CSAT7, 5, 1);
    add(&h, CSAT10, 7, 1);
    add(&h, CSAT10, 8, 1);
    add(&h, NPS, 10, 7);
    add(&h, CES5, 5, 7);
    cx_metric_csat(&h, &e);
    assert_int_equal(e.n, 8);
    assert_int_equal(e.k, 4);
    exact(&e, 50, 1);
    assert_true(e.has_ci);
    assert_true(e.lo > 0.0 && e.lo < 50.0 && e.hi > 50.0 && e.hi < 100.0);

    memset(&h, 0, sizeof h);
    cx_metric_csat(&h, &e);
    assert_false(e.has_value);
    assert_false(e.has_ci);
}

static void test_ces_easy(void **state)
{
    static const struct {
        int idx, easy, max;
    } sc[] = {{CES5, 4, 5}, {CES7, 5, 7}, {CES10, 8, 10}};
    struct cx_hist h;
    struct cx_estimate e;
    for (size_t i = 0; i < 3; i++) {
        for (int s = 1; s <= sc[i].max; s++) {
            memset(&h, 0, sizeof h);
            add(&h, sc[i].idx, s, 3);
            cx_metric_ces_easy(&h, &e);
            assert_int_equal(e.n, 3);
            assert_int_equal(e.k, s >= sc[i].easy ? 3 : 0);
        }
    }
    /* mixed: 1-5 score 4 easy, 1-7 score 4 not, 1-10 scores 8 and 7 */
    memset(&h, 0, sizeof h);
    add(&h, CES5, 4, 1);
    add(&h, CES7, 4, 1);
    add(&h, CES10, 8, 1);
    add(&h, CES10, 7, 1);
    add(&h, CSAT5, 5, 9);
    cx_metric_ces_easy(&h, &e);
    assert_int_equal(e.n, 4);
    assert_int_equal(e.k, 2);
    exact(&e, 50, 1);
    /* Wilson at k = 0 and k = n stays within [0, 100] */
    memset(&h, 0, sizeof h);
    add(&h, CES7, 1, 5);
    cx_metric_ces_easy(&h, &e);
    exact(&e, 0, 1);
    assert_true(e.lo == 0.0 && e.hi > 0.0 && e.hi < 100.0);
    memset(&h, 0, sizeof h);
    add(&h, CES7, 7, 5);
    cx_metric_ces_easy(&h, &e);
    exact(&e, 100, 1);
    assert_true(e.hi == 100.0 && e.lo > 0.0 && e.lo < 100.0);
}

/* ---- csat_mean, ces ---- */

static void test_csat_mean_mapping(void **state)
{
    static const int idx[] = {CSAT3, CSAT5, CSAT7, CSAT10};
    struct cx_hist h;
    struct cx_estimate e;
    /* m = 1 + (s - 1) * 4 / (max - 1) = ((max - 1) + 4 (s - 1)) / (max - 1) */
    for (size_t i = 0; i < 4; i++) {
        int max = cx_scale_at(idx[i]).max;
        for (int s = 1; s <= max; s++) {
            memset(&h, 0, sizeof h);
            add(&h, idx[i], s, 1);
            cx_metric_csat_mean(&h, &e);
            assert_int_equal(e.kind, CX_EST_MEAN);
            assert_int_equal(e.n, 1);
            exact(&e, (max - 1) + 4 * (s - 1), max - 1);
            assert_false(e.has_ci);
        }
    }
    /* hand values: 1-3 score 2 -> 3; 1-7 score 4 -> 3; 1-7 score 2 -> 5/3;
     * 1-10 score 2 -> 13/9; 1-10 score 10 -> 5 */
    memset(&h, 0, sizeof h);
    add(&h, CSAT3, 2, 1);
    cx_metric_csat_mean(&h, &e);
    exact(&e, 3, 1);
    memset(&h, 0, sizeof h);
    add(&h, CSAT7, 4, 1);
    cx_metric_csat_mean(&h, &e);
    exact(&e, 3, 1);
    memset(&h, 0, sizeof h);
    add(&h, CSAT10, 2, 1);
    cx_metric_csat_mean(&h, &e);
    exact(&e, 13, 9);
    /* two scales in one histogram: (13/9 + 5/3) / 2 = 14/9 */
    add(&h, CSAT7, 2, 1);
    cx_metric_csat_mean(&h, &e);
    assert_int_equal(e.n, 2);
    exact(&e, 14, 9);
    char buf[48];
    assert_string_equal(cx_format2(e.num, e.den, buf), "1.56");
}

static void test_csat_mean_interval(void **state)
{
    struct cx_hist h;
    struct cx_estimate e;
    memset(&h, 0, sizeof h);
    add(&h, CSAT5, 1, 1);
    add(&h, CSAT5, 2, 2);
    add(&h, CSAT5, 3, 3);
    add(&h, CSAT5, 4, 3);
    add(&h, CSAT5, 5, 2);
    cx_metric_csat_mean(&h, &e);
    assert_int_equal(e.n, 11);
    exact(&e, 36, 11);
    assert_true(e.has_ci);
    near(e.sd, 1.2720777563426766, 1e-12);
    near(e.lo, 2.4181338077393549, 1e-10);
    near(e.hi, 4.1273207377151905, 1e-10);

    /* 1-3 scores 1, 2, 3 map to 1, 3, 5: mean 3, sd 2 */
    memset(&h, 0, sizeof h);
    add(&h, CSAT3, 1, 1);
    add(&h, CSAT3, 2, 1);
    add(&h, CSAT3, 3, 1);
    cx_metric_csat_mean(&h, &e);
    exact(&e, 3, 1);
    near(e.sd, 2.0, 1e-12);
    near(e.lo, 3.0 - T975_2 * 2.0 / sqrt(3.0), 1e-10);
    near(e.hi, 3.0 + T975_2 * 2.0 / sqrt(3.0), 1e-10);

    /* constant scores: an interval of zero width */
    memset(&h, 0, sizeof h);
    add(&h, CSAT10, 10, 4);
    cx_metric_csat_mean(&h, &e);
    exact(&e, 5, 1);
    assert_true(e.has_ci);
    near(e.lo, 5.0, 1e-12);
    near(e.hi, 5.0, 1e-12);

    memset(&h, 0, sizeof h);
    cx_metric_csat_mean(&h, &e);
    assert_false(e.has_value);
}

static void test_ces_mapping(void **state)
{
    static const int idx[] = {CES5, CES7, CES10};
    struct cx_hist h;
    struct cx_estimate e;
    /* m = 1 + (s - 1) * 6 / (max - 1) */
    for (size_t i = 0; i < 3; i++) {
        int max = cx_scale_at(idx[i]).max;
        for (int s = 1; s <= max; s++) {
            memset(&h, 0, sizeof h);
            add(&h, idx[i], s, 2);
            cx_metric_ces(&h, &e);
            assert_int_equal(e.n, 2);
            exact(&e, (max - 1) + 6 * (s - 1), max - 1);
            assert_true(e.has_ci);
            near(e.sd, 0.0, 0.0);
        }
    }
    /* 1-5 score 2 -> 5/2, 1-10 score 2 -> 5/3, 1-10 score 10 -> 7 */
    memset(&h, 0, sizeof h);
    add(&h, CES5, 2, 1);
    cx_metric_ces(&h, &e);
    exact(&e, 5, 2);
    memset(&h, 0, sizeof h);
    add(&h, CES10, 10, 1);
    cx_metric_ces(&h, &e);
    exact(&e, 7, 1);
    /* mixed: (5/2 + 5/3) / 2 = 25/12; sd = |5/2 - 5/3| / sqrt 2 */
    memset(&h, 0, sizeof h);
    add(&h, CES5, 2, 1);
    add(&h, CES10, 2, 1);
    add(&h, CSAT5, 1, 4); /* ignored */
    cx_metric_ces(&h, &e);
    assert_int_equal(e.n, 2);
    exact(&e, 25, 12);
    double sd = (2.5 - 5.0 / 3.0) / sqrt(2.0);
    near(e.sd, sd, 1e-12);
    near(e.lo, 25.0 / 12.0 - T975_1 * sd / sqrt(2.0), 1e-10);
    near(e.hi, 25.0 / 12.0 + T975_1 * sd / sqrt(2.0), 1e-10);
}

/* ---- proportions, means, percentiles ---- */

static void test_prop_call_abandonment(void **state)
{
    struct cx_estimate e;
    /* 500 calls received, 450 answered: 50 abandoned */
    cx_metric_prop(50, 500, &e);
    assert_int_equal(e.kind, CX_EST_PROP);
    assert_int_equal(e.n, 500);
    assert_int_equal(e.k, 50);
    exact(&e, 10, 1);
    char buf[48];
    assert_string_equal(cx_format2(e.num, e.den, buf), "10.00");
    assert_true(e.has_ci);
    near(e.lo, 7.6677186624720105, 1e-6);
    near(e.hi, 12.942250820000259, 1e-6);
    assert_string_equal(cx_format2d(e.lo, buf), "7.67");
    assert_string_equal(cx_format2d(e.hi, buf), "12.94");

    cx_metric_prop(0, 0, &e);
    assert_false(e.has_value);
    assert_false(e.has_ci);
    cx_metric_prop(0, 10, &e);
    exact(&e, 0, 1);
    assert_true(e.lo == 0.0);
    near(e.hi, 27.754016876661658, 1e-9);
    cx_metric_prop(10, 10, &e);
    exact(&e, 100, 1);
    near(e.lo, 72.245983123338342, 1e-9);
    assert_true(e.hi == 100.0);
    cx_metric_prop(1, 3, &e);
    exact(&e, 100, 3);
}

static void test_mean(void **state)
{
    struct cx_moments m;
    struct cx_estimate e;

    memset(&m, 0, sizeof m);
    cx_metric_mean(&m, 1, &e);
    assert_int_equal(e.kind, CX_EST_MEAN);
    assert_false(e.has_value);

    cx_moments_add(&m, 42);
    cx_metric_mean(&m, 1, &e);
    assert_int_equal(e.n, 1);
    exact(&e, 42, 1);
    assert_false(e.has_ci);

    /* 1..11: mean 6, sd sqrt(11), half width t(0.975, 10) */
    memset(&m, 0, sizeof m);
    for (int x = 1; x <= 11; x++) cx_moments_add(&m, x);
    cx_metric_mean(&m, 1, &e);
    exact(&e, 6, 1);
    near(e.sd, sqrt(11.0), 1e-12);
    near(e.lo, 6.0 - T975_10, 1e-10);
    near(e.hi, 6.0 + T975_10, 1e-10);

    /* nano-seconds with unit 1e9: 1.5 s and 2.5 s */
    memset(&m, 0, sizeof m);
    cx_moments_add(&m, 1500000000);
    cx_moments_add(&m, 2500000000);
    cx_metric_mean(&m, 1000000000, &e);
    exact(&e, 2, 1);
    near(e.sd, sqrt(0.5), 1e-12);
    near(e.lo, 2.0 - T975_1 * 0.5, 1e-10);
    near(e.hi, 2.0 + T975_1 * 0.5, 1e-10);

    /* an exact value that is no decimal: (1 + 2 + 2) / 3 seconds */
    memset(&m, 0, sizeof m);
    cx_moments_add(&m, -1000);
    cx_moments_add(&m, -2000);
    cx_moments_add(&m, -2000);
    cx_metric_mean(&m, 1000, &e);
    exact(&e, -5, 3);
    char buf[48];
    assert_string_equal(cx_format2(e.num, e.den, buf), "-1.67");

    /* large values keep an exact sum */
    memset(&m, 0, sizeof m);
    cx_moments_add(&m, INT64_MAX);
    cx_moments_add(&m, INT64_MAX);
    cx_moments_add(&m, INT64_MAX);
    cx_metric_mean(&m, 1, &e);
    assert_true(e.num == INT64_MAX && e.den == 1);
    near(e.sd, 0.0, 0.0);
}

static void test_percentile(void **state)
{
    struct cx_estimate e;
    static const int64_t odd[] = {1, 3, 5, 7, 9};
    static const int64_t even[] = {1, 2, 3, 10};
    static const int64_t tens[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    static const int64_t neg[] = {-5, -1};
    static const int64_t secs[] = {3600, 7200};

    cx_metric_percentile(odd, 5, 50, 1, &e);
    assert_int_equal(e.kind, CX_EST_QUANTILE);
    assert_int_equal(e.n, 5);
    exact(&e, 5, 1);
    assert_false(e.has_ci);
    cx_metric_percentile(even, 4, 50, 1, &e);
    exact(&e, 5, 2);
    /* h = 3 * 0.9 = 2.7: 3 + 0.7 * (10 - 3) = 7.9 */
    cx_metric_percentile(even, 4, 90, 1, &e);
    exact(&e, 79, 10);
    /* h = 9 * 0.9 = 8.1: 90 + 0.1 * 10 = 91 */
    cx_metric_percentile(tens, 10, 90, 1, &e);
    exact(&e, 91, 1);
    cx_metric_percentile(tens, 10, 0, 1, &e);
    exact(&e, 10, 1);
    cx_metric_percentile(tens, 10, 100, 1, &e);
    exact(&e, 100, 1);
    cx_metric_percentile(odd, 1, 90, 1, &e);
    exact(&e, 1, 1);
    cx_metric_percentile(neg, 2, 50, 1, &e);
    exact(&e, -3, 1);
    /* seconds to hours */
    cx_metric_percentile(secs, 2, 50, 3600, &e);
    exact(&e, 3, 2);
    /* h = 0.01 * 1: 3600 + 0.01 * 3600 = 3636 s = 1.01 h */
    cx_metric_percentile(secs, 2, 1, 3600, &e);
    exact(&e, 101, 100);

    cx_metric_percentile(odd, 0, 50, 1, &e);
    assert_false(e.has_value);
    assert_int_equal(e.n, 0);
}

/* ---- comparisons ---- */

static void nps_of(int p, int pa, int d, struct cx_estimate *e)
{
    struct cx_hist h;
    memset(&h, 0, sizeof h);
    add(&h, NPS, 10, p);
    add(&h, NPS, 7, pa);
    add(&h, NPS, 3, d);
    cx_metric_nps(&h, e);
}

static void test_compare_nps(void **state)
{
    struct cx_estimate a, b;
    struct cx_comparison c;
    nps_of(60, 25, 15, &a);
    nps_of(40, 30, 30, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    near(c.diff, 35.0, 1e-12);
    near(c.stat, 3.1942839209301304, 1e-9);
    near(c.p, 0.0014017817947822925, 1e-9);
    assert_true(c.significant);

    nps_of(45, 35, 20, &a);
    cx_compare(&a, &b, &c);
    near(c.diff, 15.0, 1e-12);
    near(c.stat, 1.3500728969371462, 1e-9);
    near(c.p, 0.17699260111868798, 1e-9);
    assert_false(c.significant);

    /* reversed direction flips the sign, not the p-value */
    cx_compare(&b, &a, &c);
    near(c.stat, -1.3500728969371462, 1e-9);
    near(c.p, 0.17699260111868798, 1e-9);

    /* all promoters on both sides: no difference, no NaN */
    nps_of(50, 0, 0, &a);
    nps_of(20, 0, 0, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    assert_true(c.diff == 0.0 && c.stat == 0.0);
    near(c.p, 1.0, 1e-15);
    assert_false(c.significant);

    /* an empty period: nothing to compare */
    nps_of(0, 0, 0, &b);
    cx_compare(&a, &b, &c);
    assert_false(c.has);
    assert_false(c.significant);
}

static void test_compare_prop(void **state)
{
    struct cx_estimate a, b;
    struct cx_comparison c;
    cx_metric_prop(60, 200, &a);
    cx_metric_prop(45, 200, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    near(c.diff, 7.5, 1e-12); /* percentage points */
    near(c.stat, 1.7045729691814084, 1e-9);
    near(c.p, 0.088274096275377382, 1e-9);
    assert_false(c.significant);

    cx_metric_prop(130, 200, &a);
    cx_metric_prop(100, 200, &b);
    cx_compare(&a, &b, &c);
    near(c.diff, 15.0, 1e-12);
    near(c.stat, 3.0343304245450417, 1e-9);
    near(c.p, 0.0024107023750756213, 1e-9);
    assert_true(c.significant);

    /* both at 100 %: pooled variance 0 and no difference */
    cx_metric_prop(10, 10, &a);
    cx_metric_prop(20, 20, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    assert_true(c.stat == 0.0 && c.p == 1.0);
    assert_false(c.significant);

    /* 100 % against 0 %: pooled variance is positive */
    cx_metric_prop(10, 10, &a);
    cx_metric_prop(0, 10, &b);
    cx_compare(&a, &b, &c);
    near(c.diff, 100.0, 1e-12);
    near(c.stat, sqrt(20.0), 1e-12); /* 1 / sqrt(0.25 * 0.2) */
    assert_true(c.significant);
}

static void moments_of(const int64_t *x, size_t n, struct cx_estimate *e)
{
    struct cx_moments m;
    memset(&m, 0, sizeof m);
    for (size_t i = 0; i < n; i++) cx_moments_add(&m, x[i]);
    cx_metric_mean(&m, 1, e);
}

static void test_compare_welch(void **state)
{
    static const int64_t xa[] = {10, 12, 14, 16, 18};
    static const int64_t xb[] = {8, 9, 10, 11, 12, 13, 14};
    static const int64_t five[] = {5, 5, 5};
    static const int64_t three[] = {3, 3, 3};
    struct cx_estimate a, b, q;
    struct cx_comparison c;

    /* t = 3 / sqrt(10/5 + (14/3)/7), df = 6.6207 */
    moments_of(xa, 5, &a);
    moments_of(xb, 7, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    near(c.diff, 3.0, 1e-12);
    near(c.stat, 1.8371173070873836, 1e-9);
    near(c.p, 0.11122727793036934, 1e-9);
    assert_false(c.significant);

    /* constant samples: zero standard error */
    moments_of(five, 3, &a);
    moments_of(three, 3, &b);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    near(c.diff, 2.0, 1e-12);
    assert_true(isinf(c.stat) && c.stat > 0);
    assert_true(c.p == 0.0);
    assert_true(c.significant);
    moments_of(three, 3, &a);
    cx_compare(&a, &b, &c);
    assert_true(c.has);
    assert_true(c.stat == 0.0 && c.p == 1.0);
    assert_false(c.significant);

    /* N = 1 on one side: a difference but no test */
    moments_of(five, 1, &a);
    cx_compare(&a, &b, &c);
    assert_false(c.has);
    near(c.diff, 2.0, 1e-12);
    assert_false(c.significant);

    /* quantiles and mismatched kinds have no test */
    cx_metric_percentile(xa, 5, 50, 1, &q);
    cx_compare(&q, &q, &c);
    assert_false(c.has);
    near(c.diff, 0.0, 0.0);
    cx_metric_prop(1, 2, &a);
    cx_compare(&a, &b, &c);
    assert_false(c.has);
}

/* ---- formatting ---- */

static void test_format2(void **state)
{
    fmt_is(1, 200, "0.01");
    fmt_is(-1, 200, "-0.01");
    fmt_is(-1, 1000, "0.00");
    fmt_is(1, 1000, "0.00");
    fmt_is(-5, 1000, "-0.01");
    fmt_is(-4999, 1000000, "0.00");
    fmt_is(0, 7, "0.00");
    fmt_is(1, 3, "0.33");
    fmt_is(2, 3, "0.67");
    fmt_is(-2, 3, "-0.67");
    fmt_is(45, 1, "45.00");
    fmt_is(-100, 1, "-100.00");
    fmt_is(199999, 2000, "100.00"); /* 99.9995 carries */
    fmt_is(-199999, 2000, "-100.00");
    fmt_is(12345, 1000, "12.35");
    fmt_is(-12345, 1000, "-12.35");
    fmt_is(12344999, 1000000, "12.34");
    fmt_is(1, -200, "-0.01");
    fmt_is(-1, -200, "0.01");
    fmt_is(((cx_i128)1 << 100) + 1, 1, "1267650600228229401496703205377.00");
}

static void test_format2d(void **state)
{
    fmtd_is(0.0, "0.00");
    fmtd_is(-0.0, "0.00");
    fmtd_is(-0.001, "0.00");
    fmtd_is(-0.004999, "0.00");
    fmtd_is(45.0, "45.00");
    fmtd_is(98.5, "98.50");
    fmtd_is(-48.5, "-48.50");
    /* exact binary ties round away from zero */
    fmtd_is(0.125, "0.13");
    fmtd_is(-0.125, "-0.13");
    fmtd_is(1.125, "1.13");
    fmtd_is(2.5 / 100.0 * 5.0, "0.13"); /* 0.125 again */
    /* decimal "ties" that are not ties in binary follow the exact value */
    fmtd_is(1.005, "1.00"); /* 1.00499999999999989... */
    fmtd_is(2.675, "2.67"); /* 2.67499999999999982... */
    fmtd_is(-2.675, "-2.67");
    fmtd_is(0.285, "0.28");   /* 0.28499999999999997... */
    fmtd_is(0.005, "0.01");   /* 0.00500000000000000010... */
    fmtd_is(12.345, "12.35"); /* 12.3450000000000006... */
    fmtd_is(99.995, "100.00");
    fmtd_is(1e-300, "0.00");
    fmtd_is(123456789.994, "123456789.99");
    fmtd_is(2e13, "20000000000000.00");
    /* past 2^45 the fraction is a multiple of 1/128: exact ties exist */
    fmtd_is(0x1p45 + 0.125, "35184372088832.13");
    fmtd_is(-(0x1p45 + 0.375), "-35184372088832.38");
    fmtd_is(0x1p60 + 0x1p8, "1152921504606847232.00");
    fmtd_is(0x1p70, "1180591620717411303424.00");
    fmtd_is(NAN, "nan");
    fmtd_is(INFINITY, "inf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nps_empty),
        cmocka_unit_test(test_nps_single),
        cmocka_unit_test(test_nps_all_promoters),
        cmocka_unit_test(test_nps_mixed_and_boundaries),
        cmocka_unit_test(test_csat_top_boxes),
        cmocka_unit_test(test_ces_easy),
        cmocka_unit_test(test_csat_mean_mapping),
        cmocka_unit_test(test_csat_mean_interval),
        cmocka_unit_test(test_ces_mapping),
        cmocka_unit_test(test_prop_call_abandonment),
        cmocka_unit_test(test_mean),
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_compare_nps),
        cmocka_unit_test(test_compare_prop),
        cmocka_unit_test(test_compare_welch),
        cmocka_unit_test(test_format2),
        cmocka_unit_test(test_format2d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
