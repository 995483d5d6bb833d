/* drivers.h - which interactions come before low scores (or drops).
 *
 * For every response of one metric kind, the same customer's events in a
 * window before it are reduced to a handful of yes/no features (transferred
 * twice or more, waited over 5 minutes, abandoned a call, ...). For each
 * feature the responses are split into "with" and "without" and compared:
 * mean score (Welch t test, two-sided), share of low scores and their lift.
 * Features are also crossed with the response's touchpoint ("transfers>=2
 * @ support": with vs without among support responses only) and with the
 * channel of the interactions ("transfers>=2 on phone": only events on that
 * channel make the feature true). A feature is tested only when both groups
 * hold at least min_n responses; p-values are adjusted for the number of
 * features tested (Holm-Bonferroni), so that the family-wise error rate is
 * at most alpha. Pure computation over store scans; see docs/drivers.md. */
#ifndef CX_DRIVERS_H
#define CX_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"
#include "core/scale.h"
#include "core/time.h"
#include "store/store.h"

/* Options. Zero members take the defaults noted; cx_drivers_opts_init sets
 * them explicitly. */
struct cx_drivers_opts {
    enum cx_kind kind;   /* responses of this kind (cx_drivers_opts_init: CX_KIND_CES) */
    int64_t window_s;    /* events in [t - window_s, t) count; 0 = 14 days */
    uint64_t min_n;      /* both groups need this many responses; 0 = 30 */
    double alpha;        /* family-wise significance level; 0 = 0.05 */
    int64_t long_wait_s; /* "long wait": a call/chat wait_s above this; 0 = 300 */
    int has_from, has_to;
    struct cx_time from, to;          /* responses analysed: from inclusive, to exclusive */
    const char *touchpoint, *channel; /* optional exact filters on the response */
    /* 1: analyse drops. Only responses that have a previous response of the
     * same kind from the same customer (any time, touchpoint or channel)
     * are used; the outcome is the change of the mapped score, "low" is a
     * drop by at least a fifth of the scale (as journeys mark them), and the
     * window starts no earlier than just after that previous response. */
    int drops;
    int no_cross; /* 1: base features only, no touchpoint/channel crossing */
};

void cx_drivers_opts_init(struct cx_drivers_opts *o);

/* One tested feature. Scores are mapped linearly like the report: CES onto
 * 1-7, CSAT onto 1-5, NPS stays 0-10; in drops mode means are mean changes
 * of that mapped score. Low: NPS detractor (0-6), CSAT mapped <= 2, CES
 * mapped <= 3; in drops mode a drop (see above). */
struct cx_driver {
    char *feature;    /* stable key: "transfers>=2", "transfers>=2 @ support",
                         "transfers>=2 on phone" */
    char *label;      /* "transferred twice or more", "... (at support)", "... (on phone)" */
    char *base;       /* the base feature key ("transfers>=2") */
    char *touchpoint; /* crossed touchpoint, NULL when none */
    char *channel;    /* crossed interaction channel, NULL when none */
    uint64_t n_with, n_without;
    double mean_with, mean_without;
    double effect;                /* mean_with - mean_without */
    double low_with, low_without; /* shares of low scores, 0-1 */
    double lift;                  /* low_with / low_without; INFINITY when only low_without is 0,
                                     1 when both are 0 */
    double t, df;                 /* Welch statistic (+-INFINITY when both groups are constant
                                     and differ) and degrees of freedom */
    double p, p_adjusted;         /* two-sided; Holm-Bonferroni over all features tested */
    int significant;              /* p_adjusted < alpha */
};

/* Runs the analysis. On success *out holds *n features that were tested
 * (both groups >= min_n), ranked: significant ones with negative effect
 * (worse with the feature) from the most negative, then significant
 * positive ones from the largest, then the rest by p ascending. The caller
 * frees with cx_drivers_free. Returns CX_EINVAL for bad options, store or
 * allocation errors otherwise (err filled). Memory: about 24 bytes per
 * event and 32 per response of the kind, plus the customer map. */
int cx_drivers_run(struct cx_store *s, const struct cx_drivers_opts *o, struct cx_driver **out,
                   size_t *n, struct cx_err *err);
void cx_drivers_free(struct cx_driver *d, size_t n);

#endif
