#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "core/stats.h"

/* Reference values below come from mpmath (40 digits) and from published
 * t tables; none is computed with the code under test. */

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

static void near_rel(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
}

static void test_norm_cdf(void **state)
{
    near(cx_norm_cdf(0.0), 0.5, 1e-15);
    near(cx_norm_cdf(1.96), 0.9750021048517795, 1e-14);
    near(cx_norm_cdf(-1.96), 0.024997895148220435, 1e-15);
    near_rel(cx_norm_cdf(-8.0), 6.22096057427178e-16, 1e-10);
    near(cx_z_pvalue(1.96), 0.04999579029644087, 1e-14);
    near(cx_z_pvalue(-1.96), 0.04999579029644087, 1e-14);
    near(cx_z_pvalue(0.0), 1.0, 1e-15);
}

static void test_t_cdf_integer_df(void **state)
{
    near(cx_t_cdf(0.0, 3.0), 0.5, 1e-15);
    near(cx_t_cdf(12.7062047361747, 1.0), 0.975, 1e-12);
    near(cx_t_cdf(-12.7062047361747, 1.0), 0.025, 1e-12);
    near(cx_t_cdf(2.22813885198627, 10.0), 0.975, 1e-12);
    near(cx_t_cdf(2.04227245630124, 30.0), 0.975, 1e-12);
    near(cx_t_cdf(10.0, 3.0), 0.99893580047079292497, 1e-13);
    near(cx_t_cdf(0.001, 4.0), 0.50037499992187502052, 1e-14);
    /* df = 1 is Cauchy: 1/2 + atan(t)/pi */
    near(cx_t_cdf(1.0, 1.0), 0.75, 1e-14);
    near(cx_t_cdf(-3.0, 1.0), 0.5 + atan(-3.0) / 3.14159265358979323846, 1e-14);
    /* df = 2 has a closed form: 1/2 + t / (2 sqrt(2 + t^2)) */
    near(cx_t_cdf(1.5, 2.0), 0.5 + 1.5 / (2.0 * sqrt(2.0 + 2.25)), 1e-14);
}

static void test_t_cdf_tails_and_fractional_df(void **state)
{
    near(cx_t_cdf(2.0, 2.5), 0.92130425212101700669, 1e-13);
    near(cx_t_cdf(-1.3, 7.3), 0.11657077503308290527, 1e-13);
    near(cx_t_cdf(0.5, 0.5), 0.62134096353528168433, 1e-13);
    /* small tails keep relative precision */
    near_rel(cx_t_cdf(-40.0, 5.0), 9.2059810858864771776e-8, 1e-10);
    near_rel(cx_t_cdf(-8.0, 1000.0), 1.7133307411957371987e-15, 1e-10);
    /* both sides of the switch to the large-df expansion */
    near(cx_t_cdf(2.5, 4999.0), 0.9937744387193984635, 1e-14);
    near(cx_t_cdf(2.5, 5001.0), 0.99377444507960773204, 1e-14);
    near(cx_t_cdf(-2.5, 1e5), 0.006210459596279522691, 1e-15);
    near(cx_t_cdf(40.0, 5.0), 0.99999990794018914114, 1e-14);
    /* large df approaches the normal */
    near(cx_t_cdf(3.0, 1e6), 0.99865006872928910147, 1e-12);
    near(cx_t_cdf(1.96, 1e12), 0.97500210485164092, 1e-14);
    assert_true(isnan(cx_t_cdf(1.0, 0.0)));
    assert_true(isnan(cx_t_cdf(1.0, -2.0)));
}

static void test_t_quantile(void **state)
{
    near(cx_t_quantile(0.975, 1.0), 12.7062047361747, 1e-11);
    near(cx_t_quantile(0.975, 10.0), 2.22813885198627, 1e-12);
    near(cx_t_quantile(0.975, 30.0), 2.04227245630124, 1e-12);
    near(cx_t_quantile(0.025, 10.0), -2.22813885198627, 1e-12);
    near(cx_t_quantile(0.975, 2.5), 3.5746548420036832185, 1e-11);
    near(cx_t_quantile(0.975, 4.5), 2.6589123472044037737, 1e-11);
    near(cx_t_quantile(0.975, 7.3), 2.345066736547703633, 1e-11);
    near_rel(cx_t_quantile(0.975, 0.5), 164.55767348048853312, 1e-10);
    near(cx_t_quantile(0.975, 1e6), 1.9599663568141070353, 1e-12);
    near(cx_t_quantile(0.5, 4.0), 0.0, 0.0);
    /* df = 2 closed form: t = (2p - 1) sqrt(2 / (4 p (1 - p))) */
    near(cx_t_quantile(0.9, 2.0), 0.8 * sqrt(2.0 / (4.0 * 0.9 * 0.1)), 1e-12);
    for (double p = 0.01; p < 1.0; p += 0.07) near(cx_t_cdf(cx_t_quantile(p, 3.7), 3.7), p, 1e-12);
    assert_true(isnan(cx_t_quantile(0.0, 3.0)));
    assert_true(isnan(cx_t_quantile(1.0, 3.0)));
}

static void test_wilson(void **state)
{
    double lo, hi;
    cx_wilson(50, 500, &lo, &hi);
    near(lo, 0.076677186624720105, 1e-12);
    near(hi, 0.12942250820000259, 1e-12);
    cx_wilson(7, 20, &lo, &hi);
    near(lo, 0.18118954786794463, 1e-12);
    near(hi, 0.56714948978053534, 1e-12);

    cx_wilson(0, 10, &lo, &hi);
    assert_true(lo == 0.0);
    near(hi, 0.27754016876661658, 1e-12);
    cx_wilson(10, 10, &lo, &hi);
    near(lo, 0.72245983123338342, 1e-12);
    assert_true(hi == 1.0);
    cx_wilson(0, 1, &lo, &hi);
    assert_true(lo == 0.0);
    near(hi, 0.79345670852610707, 1e-12);
    cx_wilson(1, 1, &lo, &hi);
    near(lo, 0.20654329147389293, 1e-12);
    assert_true(hi == 1.0);

    for (uint64_t n = 1; n < 200; n += 7) {
        for (uint64_t k = 0; k <= n; k++) {
            cx_wilson(k, n, &lo, &hi);
            assert_true(lo >= 0.0 && lo <= (double)k / (double)n);
            assert_true(hi <= 1.0 && hi >= (double)k / (double)n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm_cdf),
        cmocka_unit_test(test_t_cdf_integer_df),
        cmocka_unit_test(test_t_cdf_tails_and_fractional_df),
        cmocka_unit_test(test_t_quantile),
        cmocka_unit_test(test_wilson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
