#include "core/metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stats.h"

#define Z95 1.96

/* Means of mapped scores are counted in 1/MAPDEN units: every allowed
 * scale maps onto 1-5 and 1-7 with steps that are multiples of 1/36. */
#define MAPDEN 36

typedef unsigned __int128 cx_u128;

/* Lowest score counted as satisfied (csat) or easy (ces) per scale
 * index; 0 for the nps scale. */
static const int top_box[CX_NSCALES] = {0, 3, 4, 6, 8, 4, 5, 8};

static cx_u128 u128_abs(cx_i128 v)
{
    return v < 0 ? -(cx_u128)v : (cx_u128)v;
}

static cx_u128 gcd_u128(cx_u128 a, cx_u128 b)
{
    while (b) {
        cx_u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Stores num/den in lowest terms with den > 0 (den != 0 required), and
 * its double value. */
static void set_value(struct cx_estimate *e, cx_i128 num, cx_i128 den)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    cx_u128 g = gcd_u128(u128_abs(num), (cx_u128)den);
    if (g > 1) {
        num /= (cx_i128)g;
        den /= (cx_i128)g;
    }
    e->has_value = 1;
    e->num = num;
    e->den = den;
    e->value = (double)num / (double)den;
}

static void clear(struct cx_estimate *e, enum cx_est_kind kind)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->den = 1;
}

/* Fills the t interval of a mean with value already set: n > 1 gives
 * mean +- t(0.975, n - 1) sd / sqrt(n); n == 1 gives no interval. */
static void set_t_interval(struct cx_estimate *e, double sd)
{
    if (e->n < 2) return;
    double nn = (double)e->n;
    double half = cx_t_quantile(0.975, nn - 1.0) * sd / sqrt(nn);
    e->sd = sd;
    e->has_ci = 1;
    e->lo = e->value - half;
    e->hi = e->value + half;
}

void cx_metric_nps(const struct cx_hist *h, struct cx_estimate *e)
{
    clear(e, CX_EST_NPS);
    const uint64_t *c = h->c[cx_scale_index(CX_KIND_NPS, cx_scale_default(CX_KIND_NPS))];
    uint64_t p = c[9] + c[10], pa = c[7] + c[8], d = 0;
    for (int s = 0; s <= 6; s++) d += c[s];
    uint64_t n = p + pa + d;
    if (n == 0) return;

    e->n = n;
    e->promoters = p;
    e->passives = pa;
    e->detractors = d;
    set_value(e, 100 * ((cx_i128)p - (cx_i128)d), (cx_i128)n);

    double na = (double)n + 3.0;
    double pp = ((double)p + 0.75) / na, dd = ((double)d + 0.75) / na, v = pp - dd;
    double var = (pp + dd - v * v) / na;
    double sq = var > 0.0 ? sqrt(var) : 0.0;
    e->se = 100.0 * sq;
    e->has_ci = 1;
    e->lo = fmax(-100.0, 100.0 * (v - Z95 * sq));
    e->hi = fmin(100.0, 100.0 * (v + Z95 * sq));
}

/* Percentage of scores at or above the top box over every scale of kind. */
static void hist_top(const struct cx_hist *h, enum cx_kind kind, struct cx_estimate *e)
{
    uint64_t k = 0, n = 0;
    for (int i = 0; i < CX_NSCALES; i++) {
        if (cx_scale_kind(i) != kind) continue;
        struct cx_scale sc = cx_scale_at(i);
        for (int s = sc.min; s <= sc.max; s++) {
            uint64_t cnt = h->c[i][s - sc.min];
            n += cnt;
            if (s >= top_box[i]) k += cnt;
        }
    }
    cx_metric_prop(k, n, e);
}

/* Mean over every scale of kind after mapping each scale linearly onto
 * tmin-tmax; exact in 1/MAPDEN units, variance by two passes. */
static void hist_mean(const struct cx_hist *h, enum cx_kind kind, int tmin, int tmax,
                      struct cx_estimate *e)
{
    clear(e, CX_EST_MEAN);
    cx_i128 n = 0, sum = 0;
    for (int i = 0; i < CX_NSCALES; i++) {
        if (cx_scale_kind(i) != kind) continue;
        struct cx_scale sc = cx_scale_at(i);
        int step = MAPDEN * (tmax - tmin) / (sc.max - sc.min);
        for (int j = 0; j <= sc.max - sc.min; j++) {
            n += h->c[i][j];
            sum += (cx_i128)h->c[i][j] * (MAPDEN * tmin + j * step);
        }
    }
    if (n == 0) return;
    e->n = (uint64_t)n;
    set_value(e, sum, n * MAPDEN);
    if (n < 2) return;

    double ss = 0.0, scale = (double)n * MAPDEN;
    for (int i = 0; i < CX_NSCALES; i++) {
        if (cx_scale_kind(i) != kind) continue;
        struct cx_scale sc = cx_scale_at(i);
        int step = MAPDEN * (tmax - tmin) / (sc.max - sc.min);
        for (int j = 0; j <= sc.max - sc.min; j++) {
            if (!h->c[i][j]) continue;
            /* deviation x - mean = (x n - sum) / (n MAPDEN), numerator exact */
            cx_i128 x = MAPDEN * tmin + j * step;
            double dev = (double)(x * n - sum) / scale;
            ss += (double)h->c[i][j] * dev * dev;
        }
    }
    set_t_interval(e, sqrt(ss / (double)(n - 1)));
}

void cx_metric_csat(const struct cx_hist *h, struct cx_estimate *e)
{
    hist_top(h, CX_KIND_CSAT, e);
}

void cx_metric_csat_mean(const struct cx_hist *h, struct cx_estimate *e)
{
    hist_mean(h, CX_KIND_CSAT, 1, 5, e);
}

void cx_metric_ces(const struct cx_hist *h, struct cx_estimate *e)
{
    hist_mean(h, CX_KIND_CES, 1, 7, e);
}

void cx_metric_ces_easy(const struct cx_hist *h, struct cx_estimate *e)
{
    hist_top(h, CX_KIND_CES, e);
}

/* k > n is clamped to n. */
void cx_metric_prop(uint64_t k, uint64_t n, struct cx_estimate *e)
{
    clear(e, CX_EST_PROP);
    if (n == 0) return;
    if (k > n) k = n;
    e->n = n;
    e->k = k;
    set_value(e, 100 * (cx_i128)k, (cx_i128)n);
    double lo, hi;
    cx_wilson(k, n, &lo, &hi);
    e->has_ci = 1;
    e->lo = 100.0 * lo;
    e->hi = 100.0 * hi;
}

void cx_moments_add(struct cx_moments *m, int64_t x)
{
    m->n++;
    m->sum += x;
    double delta = (double)x - m->mean;
    m->mean += delta / (double)m->n;
    m->m2 += delta * ((double)x - m->mean);
}

/* unit 0 is taken as 1; a negative unit flips the sign of the values. */
void cx_metric_mean(const struct cx_moments *m, int64_t unit, struct cx_estimate *e)
{
    clear(e, CX_EST_MEAN);
    if (m->n == 0) return;
    if (unit == 0) unit = 1;
    e->n = m->n;
    set_value(e, m->sum, (cx_i128)m->n * unit);
    if (m->n < 2) return;
    double var = m->m2 > 0.0 ? m->m2 / (double)(m->n - 1) : 0.0;
    set_t_interval(e, sqrt(var) / fabs((double)unit));
}

/* pct is clamped to 0-100; unit 0 is taken as 1. */
void cx_metric_percentile(const int64_t *sorted, size_t n, int pct, int64_t unit,
                          struct cx_estimate *e)
{
    clear(e, CX_EST_QUANTILE);
    if (n == 0) return;
    if (pct < 0) pct = 0;
    if (pct > 100) pct = 100;
    if (unit == 0) unit = 1;
    cx_u128 h = (cx_u128)(n - 1) * (unsigned)pct; /* h * 100 */
    size_t i = (size_t)(h / 100);
    int frac = (int)(h % 100);
    cx_i128 num = (cx_i128)sorted[i] * 100;
    if (frac) num += ((cx_i128)sorted[i + 1] - sorted[i]) * frac;
    e->n = n;
    set_value(e, num, (cx_i128)unit * 100);
}

/* diff is set whenever both estimates have a value. A nonzero diff with
 * zero standard error (two constant samples) is significant with p = 0
 * and stat = +-INFINITY; a zero diff with zero error has stat 0, p 1. */
void cx_compare(const struct cx_estimate *a, const struct cx_estimate *b, struct cx_comparison *out)
{
    memset(out, 0, sizeof *out);
    out->p = 1.0;
    if (!a->has_value || !b->has_value) return;
    out->diff = a->value - b->value;
    if (a->kind != b->kind) return;

    double stat_num, se, p = 1.0;
    double df = 0.0; /* > 0 selects Student t instead of normal */
    switch (a->kind) {
    case CX_EST_NPS:
        stat_num = out->diff;
        se = sqrt(a->se * a->se + b->se * b->se);
        break;
    case CX_EST_PROP: {
        double na = (double)a->n, nb = (double)b->n;
        double pool = (double)(a->k + b->k) / (na + nb);
        stat_num = (double)a->k / na - (double)b->k / nb;
        se = sqrt(pool * (1.0 - pool) * (1.0 / na + 1.0 / nb));
        break;
    }
    case CX_EST_MEAN: {
        if (a->n < 2 || b->n < 2) return;
        double va = a->sd * a->sd / (double)a->n, vb = b->sd * b->sd / (double)b->n;
        stat_num = out->diff;
        se = sqrt(va + vb);
        if (se > 0.0)
            df = (va + vb) * (va + vb) /
                 (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
        break;
    }
    default:
        return;
    }

    out->has = 1;
    if (!(se > 0.0)) {
        out->stat = stat_num == 0.0 ? 0.0 : copysign(INFINITY, stat_num);
        out->p = stat_num == 0.0 ? 1.0 : 0.0;
    } else {
        out->stat = stat_num / se;
        if (df > 0.0)
            p = 2.0 * cx_t_cdf(-fabs(out->stat), df);
        else
            p = cx_z_pvalue(out->stat);
        out->p = p > 1.0 ? 1.0 : p;
    }
    out->significant = out->p < 0.05;
}

/* Writes ip.frac with frac in 0..100 (100 carries into ip), with a minus
 * sign only when neg and the written value is not zero. */
static char *write_fixed2(int neg, cx_u128 ip, unsigned frac, char *buf)
{
    char tmp[48];
    size_t len = 0;
    if (frac >= 100) {
        ip++;
        frac -= 100;
    }
    int zero = ip == 0 && frac == 0;
    do {
        tmp[len++] = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip);
    char *p = buf;
    if (neg && !zero) *p++ = '-';
    while (len) *p++ = tmp[--len];
    *p++ = '.';
    *p++ = (char)('0' + frac / 10);
    *p++ = (char)('0' + frac % 10);
    *p = '\0';
    return buf;
}

/* den == 0 writes "nan". */
char *cx_format2(cx_i128 num, cx_i128 den, char *buf)
{
    if (den == 0) {
        strcpy(buf, "nan");
        return buf;
    }
    int neg = (num < 0) != (den < 0);
    cx_u128 n = u128_abs(num), d = u128_abs(den);
    cx_u128 ip = n / d, r = n % d;
    /* r * 100 cannot overflow for any denominator below 2^120 */
    cx_u128 frac = r * 100 / d, r2 = r * 100 % d;
    if (r2 >= d - r2) frac++;
    return write_fixed2(neg, ip, (unsigned)frac, buf);
}

/* Rounds from the exact binary value of v: below 2^45, v * 100 = p + err
 * exactly with err recovered by fma (and p < 2^52, so p - floor(p) - 0.5
 * is exact), so ties such as 0.125 round away from zero and 1.005 (really
 * 1.00499999...) rounds down. Non-finite values are written
 * "nan", "inf", "-inf". */
char *cx_format2d(double v, char *buf)
{
    if (isnan(v)) {
        strcpy(buf, "nan");
        return buf;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "inf" : "-inf");
        return buf;
    }
    double x = fabs(v);
    if (x >= 0x1p64) {
        /* an integer: printf writes its digits exactly */
        snprintf(buf, 48, "%.2f", v);
        return buf;
    }
    if (x >= 0x1p45) {
        /* ulp(x) >= 2^-7, so x * 128 is an exact integer below 2^71 */
        cx_u128 h = ((cx_u128)(x * 128.0) * 100 + 64) / 128;
        return write_fixed2(v < 0, h / 100, (unsigned)(h % 100), buf);
    }
    double p = x * 100.0;
    double err = fma(x, 100.0, -p);
    double fl = floor(p);
    double d = (p - fl) - 0.5;
    double r = (d + err >= 0.0) ? fl + 1.0 : fl;
    uint64_t h = (uint64_t)r;
    return write_fixed2(v < 0, h / 100, (unsigned)(h % 100), buf);
}
