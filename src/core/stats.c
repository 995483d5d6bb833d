#include "core/stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#define Z95 1.96

double cx_norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

double cx_z_pvalue(double z)
{
    if (isnan(z)) return 1.0;
    return erfc(fabs(z) / sqrt(2.0));
}

/* Stirling remainder lgamma(x) - ((x - 0.5) ln x - x + ln sqrt(2 pi)),
 * to ~1e-17 for x >= 20. */
static double stirling_rest(double x)
{
    double r = 1.0 / x, r2 = r * r;
    return r * (1.0 / 12 -
                r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188)))));
}

/* ln B(a, b) = ln(Gamma(a) Gamma(b) / Gamma(a + b)) for a, b > 0. When the
 * larger argument is big, lgamma(big) - lgamma(big + small) cancels badly,
 * so that difference is taken from the Stirling series instead. */
static double log_beta(double a, double b)
{
    double big = a > b ? a : b, small = a > b ? b : a;
    if (big < 20.0) return lgamma(a) + lgamma(b) - lgamma(a + b);
    double diff = -small * log(big) - (big + small - 0.5) * log1p(small / big) + small +
                  stirling_rest(big) - stirling_rest(big + small);
    return lgamma(small) + diff;
}

/* Continued fraction of the incomplete beta function (modified Lentz);
 * converges fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double f = d;
    for (int m = 1; m < 1000000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        f *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double step = d * c;
        f *= step;
        if (fabs(step - 1.0) < eps) break;
    }
    return f;
}

/* Regularized incomplete beta I_x(a, b) with y = 1 - x, ln x and ln y all
 * supplied by the caller so that none loses precision near 0 or 1. */
static double ibeta(double a, double b, double x, double y, double lnx, double lny)
{
    if (x <= 0.0) return 0.0;
    if (y <= 0.0) return 1.0;
    if (x < (a + 1.0) / (a + b + 2.0)) {
        double front = exp(a * lnx + b * lny - log_beta(a, b));
        return front * beta_cf(a, b, x) / a;
    }
    double front = exp(b * lny + a * lnx - log_beta(b, a));
    return 1.0 - front * beta_cf(b, a, y) / b;
}

/* Above this df the continued fraction loses digits (its terms cancel to
 * O(1/df)) and the expansion below is better than 1e-17. */
#define T_LARGE_DF 5000.0

/* Upper tail P(T > t), t >= 0, for large df from the expansion
 * 1 - F(t) = Phi(-t) + phi(t) sum_k a_k(t) / df^k, k = 1..4; the a_k come
 * from integrating the 1/df series of the t density against the normal. */
static double t_upper_large_df(double t, double df)
{
    double e = 1.0 / df, t2 = t * t;
    double a1 = t * (t2 + 1.0) / 4.0;
    double a2 = t * (t2 - 3.0) * ((3.0 * t2 + 2.0) * t2 + 1.0) / 96.0;
    double a3 = t * (((((t2 - 11.0) * t2 + 14.0) * t2 + 6.0) * t2 - 3.0) * t2 - 15.0) / 384.0;
    double a4 =
        t *
        (((((((15.0 * t2 - 375.0) * t2 + 2225.0) * t2 - 2141.0) * t2 - 939.0) * t2 - 213.0) * t2 +
          915.0) *
             t2 +
         945.0) /
        92160.0;
    double phi = exp(-0.5 * t2) / sqrt(2.0 * 3.14159265358979323846);
    return 0.5 * erfc(t / sqrt(2.0)) + phi * e * (a1 + e * (a2 + e * (a3 + e * a4)));
}

/* Upper tail P(T > t) of Student t for t >= 0, computed without
 * subtracting from 1 so that small tails keep their relative precision
 * (for df below T_LARGE_DF; above it, absolute error stays below 1e-17). */
static double t_upper(double t, double df)
{
    if (t == 0.0) return 0.5;
    if (isinf(t)) return 0.0;
    if (df > T_LARGE_DF) return t_upper_large_df(t, df);
    double t2 = t * t;
    double r = t2 / df; /* x = df/(df+t2) = 1/(1+r), y = r/(1+r) */
    double x, y, lnx, lny;
    if (isinf(r)) {
        x = 0.0;
        y = 1.0;
        lnx = -INFINITY;
        lny = 0.0;
    } else {
        x = 1.0 / (1.0 + r);
        y = r / (1.0 + r);
        lnx = -log1p(r);
        lny = log(r) - log1p(r);
    }
    /* P(|T| > t) = I_x(df/2, 1/2) */
    return 0.5 * ibeta(df / 2.0, 0.5, x, y, lnx, lny);
}

double cx_t_cdf(double t, double df)
{
    if (isnan(t) || isnan(df) || df <= 0.0) return NAN;
    if (t >= 0.0) {
        double up = t_upper(t, df);
        return 1.0 - up;
    }
    return t_upper(-t, df);
}

static double t_pdf(double t, double df)
{
    /* 1 / (sqrt(df) B(df/2, 1/2)) (1 + t^2/df)^(-(df+1)/2) */
    double lc = -log_beta(df / 2.0, 0.5) - 0.5 * log(df);
    return exp(lc - (df + 1.0) / 2.0 * log1p(t * t / df));
}

/* Solves P(T > x) = q for x >= 0, 0 < q <= 0.5: bracket by doubling,
 * then Newton steps that fall back to bisection when they leave the
 * bracket. */
/* Standard normal upper quantile: the z with P(Z > z) = q, 0 < q < 0.5.
 * A rational start refined by Newton steps on erfc. */
static double norm_upper_inv(double q)
{
    double t = sqrt(-2.0 * log(q));
    double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    for (int i = 0; i < 4; i++) {
        double f = 0.5 * erfc(z / M_SQRT2) - q;
        double dens = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
        z += f / dens;
    }
    return z;
}

/* Fast path for df >= 4: the Cornish-Fisher expansion of the t quantile in
 * powers of 1/df as the start, then Newton steps on the exact CDF until the
 * step is below 1e-13 relative. Returns NAN when it does not converge (the
 * caller then brackets). */
static double t_upper_inv_fast(double q, double df)
{
    if (df < 4.0 || q < 1e-12) return NAN;
    double z = norm_upper_inv(q), z2 = z * z;
    double g1 = (z2 + 1.0) * z / 4.0;
    double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    double x = z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
    for (int i = 0; i < 6; i++) {
        double f = t_upper(x, df) - q;
        double dens = t_pdf(x, df);
        if (!(dens > 0.0)) return NAN;
        double dx = f / dens;
        x += dx;
        if (fabs(dx) <= 1e-13 * fabs(x)) return x;
    }
    return NAN;
}

static double t_upper_inv(double q, double df)
{
    if (q >= 0.5) return 0.0;
    double fast = t_upper_inv_fast(q, df);
    if (!isnan(fast)) return fast;
    double lo = 0.0, hi = 1.0;
    while (t_upper(hi, df) > q) {
        lo = hi;
        hi *= 2.0;
        if (isinf(hi)) return INFINITY;
    }
    double x = 0.5 * (lo + hi);
    for (int i = 0; i < 400; i++) {
        double f = t_upper(x, df) - q;
        if (f == 0.0) return x;
        if (f > 0.0)
            lo = x;
        else
            hi = x;
        double dens = t_pdf(x, df);
        double nx = dens > 0.0 ? x + f / dens : NAN;
        if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
        if (fabs(nx - x) <= 4.0 * DBL_EPSILON * fabs(x) || hi - lo <= 4.0 * DBL_EPSILON * hi)
            return nx;
        x = nx;
    }
    return x;
}

/* Reports ask for t(0.975, N - 1) once per group and metric; remember the
 * last few (per thread, so the server's threads need no lock). */
#define QCACHE 64
static _Thread_local struct {
    double p, df, q;
} qcache[QCACHE];

static double t_quantile(double p, double df);

double cx_t_quantile(double p, double df)
{
    unsigned slot = (unsigned)((uint64_t)(df * 7.0 + p * 1000.0) % QCACHE);
    if (qcache[slot].df == df && qcache[slot].p == p && df > 0) return qcache[slot].q;
    double q = t_quantile(p, df);
    qcache[slot].p = p;
    qcache[slot].df = df;
    qcache[slot].q = q;
    return q;
}

static double t_quantile(double p, double df)
{
    if (isnan(p) || isnan(df) || df <= 0.0 || p <= 0.0 || p >= 1.0) return NAN;
    if (p == 0.5) return 0.0;
    if (p > 0.5) return t_upper_inv(1.0 - p, df);
    return -t_upper_inv(p, df);
}

void cx_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    if (k > n) k = n;
    double nn = (double)n, ph = (double)k / nn, z2 = Z95 * Z95;
    double denom = 1.0 + z2 / nn;
    double center = (ph + z2 / (2.0 * nn)) / denom;
    double half = Z95 * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn)) / denom;
    double l = center - half, h = center + half;
    *lo = k == 0 ? 0.0 : (l < 0.0 ? 0.0 : l);
    *hi = k == n ? 1.0 : (h > 1.0 ? 1.0 : h);
}
