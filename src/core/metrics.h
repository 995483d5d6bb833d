/* metrics.h - the metric values of SPEC §3 from sufficient statistics.
 * Pure. Values are kept as exact rationals (num/den) so that output can
 * round half away from zero from the exact value; intervals are doubles. */
#ifndef CX_METRICS_H
#define CX_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/scale.h"

typedef __int128 cx_i128;

/* Which significance test applies to an estimate. */
enum cx_est_kind {
    CX_EST_NPS,      /* adjusted-Wald difference z test */
    CX_EST_PROP,     /* two-proportion z test */
    CX_EST_MEAN,     /* Welch t test */
    CX_EST_QUANTILE, /* no interval, no test */
};

struct cx_estimate {
    enum cx_est_kind kind;
    uint64_t n;       /* N of the metric (responses, calls, carts, ...) */
    int has_value;    /* 0 when n == 0 */
    cx_i128 num, den; /* value == num / den exactly, den > 0 */
    double value;     /* num / den as a double */
    int has_ci;       /* 0 when no interval (N = 1 means, quantiles, N = 0) */
    double lo, hi;    /* 95 % interval */
    /* test inputs */
    uint64_t k; /* CX_EST_PROP: successes */
    double se;  /* CX_EST_NPS: standard error on the -100..100 scale */
    double sd;  /* CX_EST_MEAN: sample standard deviation (N > 1) */
    /* nps counts */
    uint64_t promoters, passives, detractors;
};

/* nps from histograms (only the nps 0-10 scale is read). */
void cx_metric_nps(const struct cx_hist *h, struct cx_estimate *e);
/* csat: percent satisfied (top boxes) over all csat scales, Wilson. */
void cx_metric_csat(const struct cx_hist *h, struct cx_estimate *e);
/* csat_mean: mean score mapped linearly onto 1-5, t interval. */
void cx_metric_csat_mean(const struct cx_hist *h, struct cx_estimate *e);
/* ces: mean score mapped linearly onto 1-7, t interval. */
void cx_metric_ces(const struct cx_hist *h, struct cx_estimate *e);
/* ces_easy: percent easy over all ces scales, Wilson. */
void cx_metric_ces_easy(const struct cx_hist *h, struct cx_estimate *e);

/* A percentage 100 * k / n with its Wilson interval. */
void cx_metric_prop(uint64_t k, uint64_t n, struct cx_estimate *e);

/* Exact accumulator of a mean of integers (for example nano-seconds or
 * counts): exact sum plus Welford's running variance. */
struct cx_moments {
    uint64_t n;
    cx_i128 sum;
    double mean, m2;
};
void cx_moments_add(struct cx_moments *m, int64_t x);
/* Mean of the accumulated values divided by unit (value = sum / (n *
 * unit)), with a t interval. */
void cx_metric_mean(const struct cx_moments *m, int64_t unit, struct cx_estimate *e);

/* Percentile pct (0-100, integer) with linear interpolation between order
 * statistics (h = (n - 1) * pct / 100) of sorted[0..n), divided by unit.
 * No interval. */
void cx_metric_percentile(const int64_t *sorted, size_t n, int pct, int64_t unit,
                          struct cx_estimate *e);

/* Comparison of the current estimate a against the previous b. */
struct cx_comparison {
    int has;         /* both estimates have a value and a test applies */
    double diff;     /* a.value - b.value, set whenever both have a value */
    double stat;     /* z or t; +-INFINITY for a nonzero diff with zero se */
    double p;        /* two-sided p-value */
    int significant; /* p < 0.05 */
};
void cx_compare(const struct cx_estimate *a, const struct cx_estimate *b,
                struct cx_comparison *out);

/* Writes num/den with two decimals, rounded half away from zero from the
 * exact value, "-0.00" printed as "0.00". buf must hold 48 bytes. */
char *cx_format2(cx_i128 num, cx_i128 den, char *buf);
/* The same for a double (interval bounds). */
char *cx_format2d(double v, char *buf);

#endif
