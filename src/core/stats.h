/* stats.h - distributions, intervals and significance tests. Pure. */
#ifndef CX_STATS_H
#define CX_STATS_H

#include <stdint.h>

/* Standard normal CDF. */
double cx_norm_cdf(double z);
/* Student t CDF with df > 0 degrees of freedom (df may be non-integer, for
 * Welch). Accurate to ~1e-12. */
double cx_t_cdf(double t, double df);
/* Student t quantile: the x with cx_t_cdf(x, df) = p, 0 < p < 1. */
double cx_t_quantile(double p, double df);

/* Wilson score interval at z = 1.96 for k successes of n > 0, as
 * proportions in [0, 1]. */
void cx_wilson(uint64_t k, uint64_t n, double *lo, double *hi);

/* Two-sided p-value of a z statistic. */
double cx_z_pvalue(double z);

#endif
