/* report.h - the metrics engine behind `cxpulse report` and GET /report.
 *
 * A query names metrics, grouping keys (time grains, fields, attributes),
 * filters and a period; the engine reads score rollups when they can answer
 * (same zone as the store's rollups, day-aligned period, only channel /
 * touchpoint / lang involved) and otherwise scans rows, then builds the
 * units of SPEC §3 (calls, carts, tickets, subscriptions) from events. */
#ifndef CX_REPORT_H
#define CX_REPORT_H

#include <stdio.h>

#include "core/cx.h"
#include "core/metrics.h"
#include "store/store.h"

enum cx_metric {
    CX_M_NPS,
    CX_M_CSAT,
    CX_M_CSAT_MEAN,
    CX_M_CES,
    CX_M_CES_EASY,
    CX_M_CALL_ABANDONMENT,
    CX_M_CHAT_ABANDONMENT,
    CX_M_AVG_WAIT,
    CX_M_CART_ABANDONMENT,
    CX_M_CHURN,
    CX_M_FCR,
    CX_M_RESOLUTION_HOURS,
    CX_M_RESOLUTION_HOURS_P90,
    CX_M_TRANSFERS,
    CX_M_RESPONSE_RATE,
    CX_M_OPEN_RATE,
    CX_M_COUNT
};

const char *cx_metric_name(enum cx_metric m);
/* Returns 0 and sets *out when name is a metric. */
int cx_metric_parse(const char *name, enum cx_metric *out);

#define CX_QUERY_MAX 32

struct cx_where {
    char *key, *val;
};

/* A query. Strings are owned by the query (cx_query_free). */
struct cx_query {
    enum cx_metric metrics[CX_QUERY_MAX];
    size_t nmetrics;
    char *by[CX_QUERY_MAX];
    size_t nby;
    struct cx_where where[CX_QUERY_MAX];
    size_t nwhere;
    char *from, *to; /* as given: a date or an instant; NULL when absent */
    char *tz;        /* NULL = UTC */
    char *compare;   /* NULL, "previous" or "FROM..TO" */
    int has_short_abandon;
    int64_t short_abandon_ns;
    int force_scan; /* tests/benchmarks: ignore rollups */
};

void cx_query_init(struct cx_query *q);
void cx_query_free(struct cx_query *q);
/* Parsers for option values, each returning CX_OK or CX_EINVAL with err. */
int cx_query_add_metrics(struct cx_query *q, const char *list, struct cx_err *err);
int cx_query_add_by(struct cx_query *q, const char *list, struct cx_err *err);
int cx_query_add_where(struct cx_query *q, const char *kv, struct cx_err *err);
int cx_query_set_short_abandon(struct cx_query *q, const char *secs, struct cx_err *err);

struct cx_report_row {
    char **groups; /* nby values */
    enum cx_metric metric;
    struct cx_estimate est;
    int has_prev; /* compare: the previous period's estimate */
    struct cx_estimate prev;
    struct cx_comparison cmp;
};

struct cx_report {
    size_t nby;
    char **by;
    int compare;
    int used_rollup; /* 1 if score metrics came from rollups */
    struct cx_report_row *rows;
    size_t nrows;
};

/* Runs q against s. On success *out is a new report (cx_report_free). */
int cx_report_run(struct cx_store *s, const struct cx_query *q, struct cx_report **out,
                  struct cx_err *err);
void cx_report_free(struct cx_report *r);

enum cx_report_format { CX_REPORT_TABLE, CX_REPORT_CSV, CX_REPORT_JSON };
/* Writes the report per SPEC §4. Returns CX_OK or CX_EIO. */
int cx_report_write(FILE *out, const struct cx_report *r, enum cx_report_format f);

#endif
