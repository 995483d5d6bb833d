/* dash_pages.c - the dashboard pages Overview, Trends, Effort map,
 * Operations, Responses, Follow-up and Settings (dash_int.h).
 *
 * Numbers come from the report engine with the page's filter, so a headline
 * equals `cxpulse report --format json --tz ZONE` for the same period (ZONE
 * = the store's zone); score metrics read the rollups unless an attribute
 * filter forces a scan, which the page then says. */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/bucket.h"
#include "core/time.h"
#include "engine/report.h"
#include "http/dash_int.h"
#include "http/dash_memo.h"
#include "http/svg.h"

#define T(s) cx_dash_t(s)
#define PAGE_ROWS 50
#define MAX_SERIES 6
#define SEARCH_SCAN_LIMIT 200000 /* rows a text search or attribute filter reads at most */

/* ---- helpers ---- */

static const char *metric_label(enum cx_metric m)
{
    switch (m) {
    case CX_M_NPS:
        return T("NPS");
    case CX_M_CSAT:
        return T("CSAT (% satisfied)");
    case CX_M_CSAT_MEAN:
        return T("CSAT mean (1-5)");
    case CX_M_CES:
        return T("CES (1-7, higher is easier)");
    case CX_M_CES_EASY:
        return T("CES (% easy)");
    case CX_M_CALL_ABANDONMENT:
        return T("Call abandonment (%)");
    case CX_M_CHAT_ABANDONMENT:
        return T("Chat abandonment (%)");
    case CX_M_AVG_WAIT:
        return T("Average wait (s)");
    case CX_M_CART_ABANDONMENT:
        return T("Cart abandonment (%)");
    case CX_M_CHURN:
        return T("Churn (%)");
    case CX_M_FCR:
        return T("First-contact resolution (%)");
    case CX_M_RESOLUTION_HOURS:
        return T("Resolution time (h, mean)");
    case CX_M_RESOLUTION_HOURS_P90:
        return T("Resolution time (h, 90th percentile)");
    case CX_M_TRANSFERS:
        return T("Transfers per ticket");
    case CX_M_RESPONSE_RATE:
        return T("Response rate (%)");
    case CX_M_OPEN_RATE:
        return T("Open rate (%)");
    default:
        return cx_metric_name(m);
    }
}

/* Whether a higher value is better (for arrows and heat colours). */
static int higher_better(enum cx_metric m)
{
    switch (m) {
    case CX_M_CALL_ABANDONMENT:
    case CX_M_CHAT_ABANDONMENT:
    case CX_M_AVG_WAIT:
    case CX_M_CART_ABANDONMENT:
    case CX_M_CHURN:
    case CX_M_RESOLUTION_HOURS:
    case CX_M_RESOLUTION_HOURS_P90:
    case CX_M_TRANSFERS:
        return 0;
    default:
        return 1;
    }
}

static int is_score_metric(enum cx_metric m)
{
    return m <= CX_M_CES_EASY;
}

struct vals {
    char v[48], lo[48], hi[48];
};

static void est_text(const struct cx_estimate *e, struct vals *o)
{
    o->v[0] = o->lo[0] = o->hi[0] = 0;
    if (e->has_value) cx_format2(e->num, e->den, o->v);
    if (e->has_value && e->has_ci) {
        cx_format2d(e->lo, o->lo);
        cx_format2d(e->hi, o->hi);
    }
}

/* Runs a report with the page's filter plus metrics, by and compare.
 * Returns the report or NULL after sending an error page. */
static struct cx_report *run(struct cx_dash_req *d, const char *metrics, const char *by,
                             int compare)
{
    struct cx_query q;
    cx_query_init(&q);
    struct cx_err err = {{0}};
    struct cx_report *r = NULL;
    int rc = cx_query_add_metrics(&q, metrics, &err);
    if (!rc && by && by[0]) rc = cx_query_add_by(&q, by, &err);
    if (!rc) rc = cx_dash_apply_query(d, &q, &err);
    if (!rc && compare && !(q.compare = strdup("previous"))) rc = CX_ENOMEM;
    if (!rc) rc = cx_report_run(d->store, &q, &r, &err);
    cx_query_free(&q);
    if (rc) {
        cx_dash_error(d, rc == CX_EINVAL ? 400 : 500, "%s", err.msg[0] ? err.msg : cx_strerror(rc));
        return NULL;
    }
    return r;
}

/* Event metrics (operations) and attribute filters read every row of the
 * period: those reports are shared between requests for a few minutes, and
 * the warmer keeps the default view computed (http/dash_memo.h). */
#define REPORT_TTL_MS (10 * 60 * 1000)

static void report_drop(void *v)
{
    cx_report_free(v);
}

static struct cx_memo report_memo = CX_MEMO_INIT(report_drop);

struct report_job {
    struct cx_store *s;
    const struct cx_query *q;
};

static int report_compute(void *ctx, void **val, struct cx_err *err)
{
    struct report_job *j = ctx;
    struct cx_report *r = NULL;
    int rc = cx_report_run(j->s, j->q, &r, err);
    *val = r;
    return rc;
}

/* ---- reports computed off the request ---- */

/* A report that is not in the memo yet is computed by a thread of its own
 * (with its own store connection) while the page says so and reloads
 * itself; the request answers at once. */
struct async_job {
    char dir[4096], key[768], tz[128];
    char metrics[256], by[160];
    int compare;
    struct cx_dash_filter f;
};

static pthread_mutex_t async_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t async_cv = PTHREAD_COND_INITIALIZER;
static int async_running;

/* Builds the report query of metrics, by, compare and the filter. */
static int build_query(struct cx_query *q, const char *metrics, const char *by, int compare,
                       const struct cx_dash_filter *f, const char *tz, struct cx_err *err)
{
    int rc = cx_query_add_metrics(q, metrics, err);
    if (!rc && by && by[0]) rc = cx_query_add_by(q, by, err);
    if (!rc) rc = cx_dash_query_filter(f, tz, q, err);
    if (!rc && compare && !(q->compare = strdup("previous")))
        rc = cx_fail(err, CX_ENOMEM, "out of memory");
    return rc;
}

static void *async_main(void *arg)
{
    struct async_job *j = arg;
    struct cx_store *s = NULL;
    struct cx_err err = {{0}};
    struct cx_query q;
    cx_query_init(&q);
    if (!cx_store_open_sqlite(j->dir, NULL, &s, &err) &&
        !build_query(&q, j->metrics, j->by, j->compare, &j->f, j->tz, &err)) {
        struct report_job rj = {s, &q};
        struct cx_memo_ent *e =
            cx_memo_get(&report_memo, j->key, REPORT_TTL_MS, report_compute, &rj, &err);
        if (!e) fprintf(stderr, "cxpulse: dashboard report: %s\n", err.msg);
        cx_memo_put(&report_memo, e);
    }
    cx_query_free(&q);
    cx_store_close(s);
    free(j);
    pthread_mutex_lock(&async_mu);
    async_running--;
    pthread_cond_broadcast(&async_cv);
    pthread_mutex_unlock(&async_mu);
    return NULL;
}

void cx_dash_async_wait(void)
{
    pthread_mutex_lock(&async_mu);
    while (async_running > 0) pthread_cond_wait(&async_cv, &async_mu);
    pthread_mutex_unlock(&async_mu);
}

/* Starts the computation of key unless one runs; at most 4 at a time. */
static void async_start(struct cx_dash_req *d, const char *key, const char *metrics, const char *by,
                        int compare)
{
    struct async_job *j = calloc(1, sizeof *j);
    if (!j) return;
    snprintf(j->dir, sizeof j->dir, "%s", cx_api_dir(d->api));
    snprintf(j->key, sizeof j->key, "%s", key);
    snprintf(j->tz, sizeof j->tz, "%s", d->store->rollup_tz);
    snprintf(j->metrics, sizeof j->metrics, "%s", metrics);
    snprintf(j->by, sizeof j->by, "%s", by ? by : "");
    j->compare = compare;
    j->f = d->f;
    pthread_mutex_lock(&async_mu);
    int room = async_running < 4;
    if (room) async_running++;
    pthread_mutex_unlock(&async_mu);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (!room || pthread_create(&t, &at, async_main, j)) {
        free(j);
        if (room) {
            pthread_mutex_lock(&async_mu);
            async_running--;
            pthread_cond_broadcast(&async_cv);
            pthread_mutex_unlock(&async_mu);
        }
    }
    pthread_attr_destroy(&at);
}

/* Like run(), through the memo; the caller releases *ent with cx_memo_put.
 * With pending non-NULL a report that is not ready yet is computed off the
 * request: NULL is returned with *pending = 1 (no page sent). */
static const struct cx_report *run_shared(struct cx_dash_req *d, const char *metrics,
                                          const char *by, int compare, struct cx_memo_ent **ent,
                                          int *pending)
{
    struct cx_query q;
    cx_query_init(&q);
    struct cx_err err = {{0}};
    int rc = build_query(&q, metrics, by, compare, &d->f, d->store->rollup_tz, &err);
    *ent = NULL;
    if (pending) *pending = 0;
    if (!rc) {
        char tag[17], key[768];
        cx_memo_store_tag(d->store, tag);
        int n = snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%s|%d", tag, metrics, by ? by : "",
                         q.from ? q.from : "", q.to ? q.to : "", q.tz ? q.tz : "", compare);
        for (size_t i = 0; i < q.nwhere && n > 0 && (size_t)n < sizeof key; i++)
            n +=
                snprintf(key + n, sizeof key - (size_t)n, "|%s=%s", q.where[i].key, q.where[i].val);
        int st =
            pending && !cx_memo_refreshing ? cx_memo_state(&report_memo, key, REPORT_TTL_MS) : 2;
        if (st != 2) {
            if (st == 0) async_start(d, key, metrics, by, compare);
            *pending = 1;
            cx_query_free(&q);
            return NULL;
        }
        struct report_job j = {d->store, &q};
        *ent = cx_memo_get(&report_memo, key, REPORT_TTL_MS, report_compute, &j, &err);
        if (!*ent) rc = err.msg[0] ? CX_EINVAL : CX_ENOMEM;
    }
    cx_query_free(&q);
    if (rc) {
        cx_dash_error(d, rc == CX_EINVAL ? 400 : 500, "%s", err.msg[0] ? err.msg : cx_strerror(rc));
        return NULL;
    }
    return (*ent)->val;
}

/* A report a page holds: its own (computed here) or shared (memo). */
struct held {
    struct cx_report *own;
    struct cx_memo_ent *ent;
};

static void held_free(struct held *h)
{
    cx_report_free(h->own);
    cx_memo_put(&report_memo, h->ent);
    memset(h, 0, sizeof *h);
}

/* A score report for a page: computed here from the rollups when that is
 * cheap; with an attribute filter (every row of the period is read)
 * through the memo and off the request. NULL with *pending = 1 while it is
 * being computed, NULL alone after an error page was sent. */
static const struct cx_report *report_for(struct cx_dash_req *d, const char *metrics,
                                          const char *by, int compare, struct held *h, int *pending)
{
    memset(h, 0, sizeof *h);
    *pending = 0;
    if (!d->f.attr_key[0]) return h->own = run(d, metrics, by, compare);
    return run_shared(d, metrics, by, compare, &h->ent, pending);
}

static void scan_note(struct cx_dash_req *d, struct cx_html *h)
{
    if (d->f.attr_key[0])
        cx_dash_note(h, T("The attribute filter reads every response of the period instead of "
                          "the daily summaries: this page is slower than without it."));
}

/* The time buckets of the period: labels (16 bytes each), count. */
struct buckets {
    char (*label)[16];
    const char **ptr;
    size_t n;
};

static int make_buckets(struct cx_dash_req *d, enum cx_grain g, struct buckets *b)
{
    int64_t d0, d1;
    cx_dash_period(d, &d0, &d1, NULL, NULL);
    size_t cap = 0;
    for (int64_t day = cx_bucket_start(g, d0); day <= d1; day = cx_bucket_next(g, day)) cap++;
    b->label = calloc(cap ? cap : 1, sizeof *b->label);
    b->ptr = calloc(cap ? cap : 1, sizeof *b->ptr);
    b->n = 0;
    if (!b->label || !b->ptr) return -1;
    for (int64_t day = cx_bucket_start(g, d0); day <= d1 && b->n < cap;
         day = cx_bucket_next(g, day)) {
        cx_bucket_label(g, day, b->label[b->n]);
        b->ptr[b->n] = b->label[b->n];
        b->n++;
    }
    return 0;
}

static void free_buckets(struct buckets *b)
{
    free(b->label);
    free(b->ptr);
}

static long bucket_at(const struct buckets *b, const char *label)
{
    for (size_t i = 0; i < b->n; i++)
        if (!strcmp(b->label[i], label)) return (long)i;
    return -1;
}

static void fmt_count(uint64_t n, char *out, size_t cap)
{
    snprintf(out, cap, "%llu", (unsigned long long)n);
}

/* Appends the cells that follow a report row's groups: metric, n, value,
 * ci_low and ci_high. */
static void estimate_cells(struct cx_dash_table *t, const struct cx_report_row *row)
{
    struct vals v;
    est_text(&row->est, &v);
    char n[32];
    fmt_count(row->est.n, n, sizeof n);
    cx_dash_table_cell(t, cx_metric_name(row->metric), NULL, NULL);
    cx_dash_table_cell(t, n, "num", NULL);
    cx_dash_table_cell(t, v.v, "num", NULL);
    cx_dash_table_cell(t, v.lo, "num", NULL);
    cx_dash_table_cell(t, v.hi, "num", NULL);
}

/* A table (id, caption) of a report grouped by channel, one row per
 * channel and metric; no rows for a NULL rep. The caller frees it. */
static struct cx_dash_table *channel_table(const char *id, const char *caption,
                                           const struct cx_report *rep)
{
    static const char *const hd[] = {"channel", "metric", "n", "value", "ci_low", "ci_high"};
    struct cx_dash_table *t = cx_dash_table_new(id, caption, 6, hd);
    for (size_t i = 0; t && rep && i < rep->nrows; i++) {
        cx_dash_table_cell(t, rep->rows[i].groups[0], NULL, NULL);
        estimate_cells(t, &rep->rows[i]);
    }
    return t;
}

/* ---- Overview ---- */

static void tile(struct cx_html *h, enum cx_metric m, const struct cx_report_row *row,
                 const double *spark, size_t nspark, int days)
{
    const char *name = cx_metric_name(m);
    struct vals v;
    struct cx_estimate none = {0};
    est_text(row ? &row->est : &none, &v);
    cx_html_printf(h, "<section class=\"tile\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">%s</h2>",
                   name, name, metric_label(m));
    cx_html_printf(h,
                   "<p class=\"big\" data-metric=\"%s\" data-value=\"%s\" data-ci-low=\"%s\" "
                   "data-ci-high=\"%s\" data-n=\"%llu\">%s</p>",
                   name, v.v, v.lo, v.hi, row ? (unsigned long long)row->est.n : 0ULL,
                   v.v[0] ? v.v : T("no data"));
    if (v.lo[0])
        cx_html_printf(h, "<p class=\"ci\">%s %s – %s · n = %llu</p>", T("95 % interval"), v.lo,
                       v.hi, (unsigned long long)row->est.n);
    else
        cx_html_printf(h, "<p class=\"ci\">n = %llu</p>",
                       row ? (unsigned long long)row->est.n : 0ULL);
    if (row && row->cmp.has) {
        char diff[48];
        cx_format2d(row->cmp.diff, diff);
        int up = row->cmp.diff > 0, better = up == higher_better(m);
        cx_html_printf(h,
                       "<p class=\"%s\" data-diff=\"%s\" data-significant=\"%s\">%s %s%s %s %d "
                       "%s: <strong>%s</strong> (p = %.4f)</p>",
                       row->cmp.diff == 0 ? "muted"
                       : better           ? "up"
                                          : "down",
                       diff, row->cmp.significant ? "true" : "false",
                       row->cmp.diff > 0   ? "▲"
                       : row->cmp.diff < 0 ? "▼"
                                           : "=",
                       up ? "+" : "", diff, T("against the previous"), days, T("days"),
                       row->cmp.significant ? T("significant") : T("not significant"), row->cmp.p);
    } else {
        cx_html_printf(h, "<p class=\"muted\">%s</p>",
                       T("No comparison: too few responses in one of the periods."));
    }
    if (nspark) {
        char title[160];
        snprintf(title, sizeof title, "%s %s", metric_label(m), T("by week"));
        cx_html_raw(h, "<div class=\"spark\">");
        cx_svg_spark(h, title, spark, nspark, 240, 40);
        cx_html_raw(h, "</div>");
    }
    cx_html_raw(h, "</section>");
}

void cx_dash_page_overview(struct cx_dash_req *d)
{
    static const enum cx_metric ms[3] = {CX_M_NPS, CX_M_CSAT, CX_M_CES};
    struct held h1 = {0}, h2 = {0}, h3 = {0};
    int p1 = 0, p2 = 0, p3 = 0;
    const struct cx_report *cur = report_for(d, "nps,csat,ces", NULL, 1, &h1, &p1);
    const struct cx_report *wk =
        cur || p1 ? report_for(d, "nps,csat,ces", "week", 0, &h2, &p2) : NULL;
    const struct cx_report *ch =
        wk || p2 ? report_for(d, "nps,csat,ces", "channel", 0, &h3, &p3) : NULL;
    if (p1 || p2 || p3) {
        held_free(&h1);
        held_free(&h2);
        held_free(&h3);
        cx_dash_pending(d, T("Overview"), "overview",
                        CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR);
        return;
    }
    if (!cur) return;
    struct buckets b = {0};
    double *spark = NULL;
    struct cx_dash_table *t = NULL;
    if (!wk || !ch) goto out;
    t = channel_table("by-channel", T("Scores by channel"), ch);
    if (cx_dash_table_export(d, t)) goto out;
    if (make_buckets(d, CX_GRAIN_WEEK, &b) || !(spark = malloc(3 * (b.n + 1) * sizeof *spark))) {
        cx_dash_error(d, 500, "%s", T("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < 3 * b.n; i++) spark[i] = NAN;
    for (size_t i = 0; i < wk->nrows; i++) {
        const struct cx_report_row *r = &wk->rows[i];
        long k = bucket_at(&b, r->groups[0]);
        for (int m = 0; m < 3 && k >= 0; m++)
            if (r->metric == ms[m] && r->est.has_value)
                spark[(size_t)m * b.n + (size_t)k] = r->est.value;
    }
    int64_t d0, d1;
    cx_dash_period(d, &d0, &d1, NULL, NULL);
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Overview"), "overview");
    cx_dash_filters(d, &h, CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR);
    scan_note(d, &h);
    cx_html_raw(&h, "<div class=\"tiles\">");
    uint64_t total = 0;
    for (int m = 0; m < 3; m++) {
        const struct cx_report_row *row = NULL;
        for (size_t i = 0; i < cur->nrows; i++)
            if (cur->rows[i].metric == ms[m]) row = &cur->rows[i];
        if (row) total += row->est.n;
        tile(&h, ms[m], row, spark + (size_t)m * b.n, b.n, (int)(d1 - d0 + 1));
    }
    cx_html_raw(&h, "</div>");
    cx_html_printf(&h, "<p data-metric=\"responses\" data-n=\"%llu\">%s: <strong>%llu</strong></p>",
                   (unsigned long long)total, T("Responses in the period"),
                   (unsigned long long)total);
    cx_html_printf(&h, "<h2>%s</h2>", T("By channel"));
    cx_dash_table_render(d, &h, t);
    cx_dash_end(d, &h);
out:
    free(spark);
    free_buckets(&b);
    cx_dash_table_free(t);
    held_free(&h1);
    held_free(&h2);
    held_free(&h3);
}

/* ---- Trends ---- */

struct split {
    const char *name;
    uint64_t n;
};

static int cmp_split(const void *a, const void *b)
{
    const struct split *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return strcmp(x->name, y->name);
}

static int valid_by(const char *by)
{
    if (!by[0]) return 1;
    static const char *const no[] = {"day", "week", "month", "quarter", "year"};
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(by, no[i])) return 0;
    return !strchr(by, ',');
}

void cx_dash_page_trends(struct cx_dash_req *d)
{
    const char *metric = d->f.metric[0] ? d->f.metric : "nps";
    const char *grain = d->f.grain[0] ? d->f.grain : "week";
    enum cx_metric m;
    enum cx_grain g;
    if (cx_metric_parse(metric, &m) || cx_grain_parse(grain, &g)) {
        cx_dash_error(d, 400, "%s", T("unknown metric or time step"));
        return;
    }
    if (!valid_by(d->f.by)) {
        cx_dash_error(d, 400, "%s", T("split by one channel, touchpoint or attribute name"));
        return;
    }
    char by[200];
    snprintf(by, sizeof by, "%s%s%s", grain, d->f.by[0] ? "," : "", d->f.by);
    struct held hr;
    int pend = 0;
    const struct cx_report *r = report_for(d, metric, by, 0, &hr, &pend);
    if (pend) {
        cx_dash_pending(d, T("Trends"), "trends", CX_DF_ALL & ~(unsigned)CX_DF_SEARCH);
        return;
    }
    if (!r) return;
    struct buckets b = {0};
    struct split sp[256];
    size_t nsp = 0;
    int split = d->f.by[0] != 0;
    double *y = NULL, *lo = NULL, *hi = NULL;
    struct cx_dash_table *t = NULL;
    if (make_buckets(d, g, &b)) goto oom;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *name = split ? r->rows[i].groups[1] : "";
        size_t k = 0;
        while (k < nsp && strcmp(sp[k].name, name)) k++;
        if (k == nsp && nsp < sizeof sp / sizeof sp[0]) sp[nsp++] = (struct split){name, 0};
        if (k < nsp) sp[k].n += r->rows[i].est.n;
    }
    qsort(sp, nsp, sizeof *sp, cmp_split);
    size_t ns = nsp < MAX_SERIES ? nsp : MAX_SERIES;
    size_t npt = b.n ? b.n : 1;
    y = malloc(ns * npt * sizeof *y + 1);
    lo = malloc(ns * npt * sizeof *lo + 1);
    hi = malloc(ns * npt * sizeof *hi + 1);
    if (!y || !lo || !hi) goto oom;
    for (size_t i = 0; i < ns * npt; i++) y[i] = lo[i] = hi[i] = NAN;
    const char *hd[7];
    int nc = 0;
    hd[nc++] = T("period");
    if (split) hd[nc++] = d->f.by;
    hd[nc++] = "metric";
    hd[nc++] = "n";
    hd[nc++] = "value";
    hd[nc++] = "ci_low";
    hd[nc++] = "ci_high";
    t = cx_dash_table_new("trend", metric_label(m), nc, hd);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct cx_report_row *row = &r->rows[i];
        cx_dash_table_cell(t, row->groups[0], NULL, NULL);
        if (split) cx_dash_table_cell(t, row->groups[1], NULL, NULL);
        estimate_cells(t, row);
        long k = bucket_at(&b, row->groups[0]);
        size_t s = 0;
        while (s < ns && strcmp(sp[s].name, split ? row->groups[1] : "")) s++;
        if (k < 0 || s == ns || !row->est.has_value) continue;
        y[s * npt + (size_t)k] = row->est.value;
        if (row->est.has_ci) {
            lo[s * npt + (size_t)k] = row->est.lo;
            hi[s * npt + (size_t)k] = row->est.hi;
        }
    }
    if (cx_dash_table_export(d, t)) goto out;
    struct cx_svg_series ser[MAX_SERIES];
    for (size_t s = 0; s < ns; s++) {
        ser[s].name = split ? (sp[s].name[0] ? sp[s].name : T("(none)")) : metric_label(m);
        ser[s].n = b.n;
        ser[s].y = y + s * npt;
        /* bands for up to two series: more would hide each other */
        ser[s].lo = ns <= 2 ? lo + s * npt : NULL;
        ser[s].hi = ns <= 2 ? hi + s * npt : NULL;
    }
    /* about 12 x labels at most */
    size_t step = b.n > 12 ? (b.n + 11) / 12 : 1;
    for (size_t i = 0; i < b.n; i++)
        if (i % step) b.ptr[i] = "";
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Trends"), "trends");
    cx_dash_filters(d, &h, CX_DF_ALL & ~(unsigned)CX_DF_SEARCH);
    if (d->f.attr_key[0] || !is_score_metric(m) ||
        (d->f.by[0] && strcmp(d->f.by, "channel") && strcmp(d->f.by, "touchpoint") &&
         strcmp(d->f.by, "lang")))
        cx_dash_note(&h, T("This view reads every row of the period (attribute split or filter, "
                           "or an operations metric): it takes longer than score views."));
    if (nsp > ns) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s %zu %s %zu.", T("The chart shows the"), ns,
                 T("largest groups of"), nsp);
        cx_dash_note(&h, msg);
    }
    char title[256], desc[256];
    snprintf(title, sizeof title, "%s %s %s", metric_label(m), T("by"), grain);
    snprintf(desc, sizeof desc, "%s %s – %s%s", T("Values with 95 % intervals from"), d->f.from,
             d->f.to, T("; the table below holds the numbers."));
    cx_html_raw(&h, "<div class=\"chart\">");
    cx_svg_line(&h, title, desc, b.ptr, ser, ns, NAN, NAN, NULL, 900, 340);
    cx_html_raw(&h, "</div>");
    cx_dash_table_render(d, &h, t);
    cx_dash_end(d, &h);
    goto out;
oom:
    cx_dash_error(d, 500, "%s", T("out of memory"));
out:
    free(y);
    free(lo);
    free(hi);
    free_buckets(&b);
    cx_dash_table_free(t);
    held_free(&hr);
}

/* ---- Effort map ---- */

static size_t index_of(const char **arr, size_t *n, size_t cap, const char *v)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(arr[i], v)) return i;
    if (*n == cap) return cap;
    arr[*n] = v;
    return (*n)++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static _Thread_local const struct cx_report *sort_ctx; /* for cmp_row_value */

static int cmp_row_value(const void *a, const void *b)
{
    const struct cx_report_row *x = &sort_ctx->rows[*(const size_t *)a];
    const struct cx_report_row *y = &sort_ctx->rows[*(const size_t *)b];
    if (x->est.has_value != y->est.has_value) return x->est.has_value ? -1 : 1;
    if (x->est.value != y->est.value) return x->est.value < y->est.value ? -1 : 1;
    return 0;
}

void cx_dash_page_effort(struct cx_dash_req *d)
{
    /* the map's default is CES: the filter form shows what the map shows */
    if (!d->f.metric[0]) snprintf(d->f.metric, sizeof d->f.metric, "ces");
    const char *metric = d->f.metric;
    enum cx_metric m;
    if (cx_metric_parse(metric, &m) || !is_score_metric(m)) {
        cx_dash_error(d, 400, "%s",
                      T("the effort map shows a score metric (ces, ces_easy, csat, "
                        "csat_mean or nps)"));
        return;
    }
    struct held hr;
    int pend = 0;
    const struct cx_report *r = report_for(d, metric, "touchpoint,channel", 0, &hr, &pend);
    if (pend) {
        cx_dash_pending(d, T("Effort map"), "effort",
                        CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR |
                            CX_DF_METRIC);
        return;
    }
    if (!r) return;
    enum { CAP = 64 };
    const char *rows[CAP], *cols[CAP];
    size_t nr = 0, nc = 0;
    double *v = NULL;
    char **text = NULL;
    size_t *order = NULL;
    struct cx_dash_table *t = NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        index_of(rows, &nr, CAP, r->rows[i].groups[0]);
        index_of(cols, &nc, CAP, r->rows[i].groups[1]);
    }
    qsort(rows, nr, sizeof *rows, cmp_str);
    qsort(cols, nc, sizeof *cols, cmp_str);
    v = malloc((nr * nc + 1) * sizeof *v);
    text = calloc(nr * nc + 1, sizeof *text);
    order = malloc((r->nrows + 1) * sizeof *order);
    if (!v || !text || !order) {
        cx_dash_error(d, 500, "%s", T("out of memory"));
        goto out;
    }
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t i = 0; i < nr * nc; i++) v[i] = NAN;
    for (size_t i = 0; i < r->nrows; i++) {
        const struct cx_report_row *row = &r->rows[i];
        order[i] = i;
        size_t a = index_of(rows, &nr, nr, row->groups[0]);
        size_t c = index_of(cols, &nc, nc, row->groups[1]);
        if (a >= nr || c >= nc || !row->est.has_value) continue;
        v[a * nc + c] = row->est.value;
        struct vals s;
        est_text(&row->est, &s);
        char buf[96];
        snprintf(buf, sizeof buf, "%s (n %llu)", s.v, (unsigned long long)row->est.n);
        text[a * nc + c] = strdup(buf);
        if (row->est.value < vmin) vmin = row->est.value;
        if (row->est.value > vmax) vmax = row->est.value;
    }
    sort_ctx = r; /* worst first */
    qsort(order, r->nrows, sizeof *order, cmp_row_value);
    if (!higher_better(m))
        for (size_t i = 0; i < r->nrows / 2; i++) {
            size_t x = order[i];
            order[i] = order[r->nrows - 1 - i];
            order[r->nrows - 1 - i] = x;
        }
    static const char *const hd[] = {"touchpoint", "channel", "metric", "n",
                                     "value",      "ci_low",  "ci_high"};
    t = cx_dash_table_new("effort", T("Touchpoint × channel, worst first"), 7, hd);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct cx_report_row *row = &r->rows[order[i]];
        cx_dash_table_cell(t, row->groups[0], NULL, NULL);
        cx_dash_table_cell(t, row->groups[1], NULL, NULL);
        estimate_cells(t, row);
    }
    if (cx_dash_table_export(d, t)) goto out;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Effort map"), "effort");
    cx_dash_filters(d, &h,
                    CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR | CX_DF_METRIC);
    scan_note(d, &h);
    char title[200];
    snprintf(title, sizeof title, "%s: %s", metric_label(m), T("touchpoint × channel"));
    cx_html_raw(&h, "<div class=\"chart\">");
    if (nr && nc)
        cx_svg_heat(&h, title, rows, nr, cols, nc, v, (const char *const *)text, vmin, vmax,
                    higher_better(m));
    else
        cx_html_printf(&h, "<p class=\"muted\">%s</p>", T("No responses for this filter."));
    cx_html_raw(&h, "</div>");
    cx_dash_table_render(d, &h, t);
    cx_dash_end(d, &h);
out:
    for (size_t i = 0; text && i < nr * nc; i++) free(text[i]);
    free(text);
    free(v);
    free(order);
    cx_dash_table_free(t);
    held_free(&hr);
}

/* ---- Operations ---- */

void cx_dash_page_operations(struct cx_dash_req *d)
{
    static const enum cx_metric ms[] = {CX_M_CALL_ABANDONMENT,
                                        CX_M_CHAT_ABANDONMENT,
                                        CX_M_AVG_WAIT,
                                        CX_M_CART_ABANDONMENT,
                                        CX_M_CHURN,
                                        CX_M_FCR,
                                        CX_M_RESOLUTION_HOURS,
                                        CX_M_RESOLUTION_HOURS_P90,
                                        CX_M_TRANSFERS};
    const size_t nm = sizeof ms / sizeof ms[0];
    const char *list = "call_abandonment,chat_abandonment,avg_wait,cart_abandonment,churn,fcr,"
                       "resolution_hours,resolution_hours_p90,transfers";
    struct cx_memo_ent *e_cur = NULL, *e_ch = NULL;
    int pend = 0, pend2 = 0;
    const struct cx_report *cur = run_shared(d, list, NULL, 1, &e_cur, &pend);
    /* each report reads the events of its metrics: the channel split is a
     * third pass, so it runs only when asked for (by=channel) */
    int split = !strcmp(d->f.by, "channel");
    const struct cx_report *ch =
        split && (cur || pend) ? run_shared(d, list, "channel", 0, &e_ch, &pend2) : NULL;
    if (pend || pend2) {
        cx_memo_put(&report_memo, e_cur);
        cx_memo_put(&report_memo, e_ch);
        cx_dash_pending(d, T("Operations"), "operations",
                        CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_ATTR);
        return;
    }
    if (!cur) return;
    struct cx_dash_table *t = NULL;
    if (split && !ch) goto out;
    t = channel_table("ops-by-channel", T("Operations by channel"), ch);
    if (cx_dash_table_export(d, t)) goto out;
    int64_t d0, d1;
    cx_dash_period(d, &d0, &d1, NULL, NULL);
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Operations"), "operations");
    cx_dash_filters(d, &h, CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_ATTR);
    {
        char when[32];
        struct tm tmv;
        gmtime_r(&e_cur->made, &tmv);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tmv);
        char note[512];
        snprintf(note, sizeof note,
                 T("Operations metrics read every call, chat, ticket, cart and subscription "
                   "event of the period; they were computed at %s and are kept for up to 10 "
                   "minutes (the default view is recomputed in the background)."),
                 when);
        cx_dash_note(&h, note);
    }
    cx_html_raw(&h, "<div class=\"tiles\">");
    for (size_t k = 0; k < nm; k++) {
        const struct cx_report_row *row = NULL;
        for (size_t i = 0; i < cur->nrows; i++)
            if (cur->rows[i].metric == ms[k]) row = &cur->rows[i];
        tile(&h, ms[k], row, NULL, 0, (int)(d1 - d0 + 1));
    }
    cx_html_raw(&h, "</div>");
    cx_html_printf(&h, "<h2>%s</h2>", T("By channel"));
    if (split) {
        cx_dash_table_render(d, &h, t);
    } else {
        struct cx_html q = {0};
        cx_dash_filter_query(&d->f, &q);
        cx_html_raw(&h, "<p><a href=\"/operations?");
        cx_html_esc(&h, q.p ? q.p : "");
        cx_html_printf(&h, "&amp;by=channel\">%s</a></p>", T("Show the split by channel"));
        cx_html_free(&q);
    }
    cx_dash_end(d, &h);
out:
    cx_dash_table_free(t);
    cx_memo_put(&report_memo, e_cur);
    cx_memo_put(&report_memo, e_ch);
}

/* ---- Responses ---- */

struct resp_list {
    struct cx_dash_req *d;
    struct cx_dash_table *t;
    size_t skip, want, shown, seen;
    int more, capped;
    const char *q;
};

/* ASCII case-insensitive substring test (UTF-8 bytes compared as they are). */
static int icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return 1;
    return 0;
}

static void time_text(int64_t sec, char *out, size_t cap)
{
    char buf[40];
    struct cx_time t = {sec, 0};
    cx_time_format(t, buf);
    /* "2026-03-01T12:34:56Z" -> "2026-03-01 12:34Z" */
    if (strlen(buf) >= 16) {
        buf[10] = ' ';
        buf[16] = 0;
        snprintf(out, cap, "%sZ", buf);
    } else {
        snprintf(out, cap, "%s", buf);
    }
}

static void customer_href(const char *id, char *out, size_t cap)
{
    struct cx_html u = {0};
    cx_html_raw(&u, "/customers/");
    cx_html_url(&u, id);
    snprintf(out, cap, "%s", u.p && !u.oom ? u.p : "/customers");
    cx_html_free(&u);
}

static void scale_text(int scale_idx, char *out, size_t cap)
{
    struct cx_scale s = cx_scale_at(scale_idx);
    snprintf(out, cap, "%s %d-%d", cx_kind_name(cx_scale_kind(scale_idx)), s.min, s.max);
}

static int resp_cb(void *ctx, const struct cx_resp_row *r)
{
    struct resp_list *L = ctx;
    if (++L->seen > SEARCH_SCAN_LIMIT && (L->q || L->d->f.attr_key[0])) {
        L->capped = 1;
        return 1;
    }
    if (!cx_dash_attr_match(L->d, r->attrs, r->attrs_len)) return 0;
    if (L->q && strcmp(r->customer, L->q) && strcmp(r->id, L->q) && !icontains(r->comment, L->q))
        return 0;
    if (L->skip) {
        L->skip--;
        return 0;
    }
    if (L->shown == L->want) {
        L->more = 1;
        return 1;
    }
    L->shown++;
    char when[40], score[16], href[600], scale[32];
    time_text(r->t.sec, when, sizeof when);
    snprintf(score, sizeof score, "%d", r->score);
    customer_href(r->customer, href, sizeof href);
    scale_text(r->scale_idx, scale, sizeof scale);
    int low = cx_dash_is_low(r->scale_idx, r->score);
    if (low) cx_dash_table_row_class(L->t, "low");
    cx_dash_table_cell(L->t, when, NULL, NULL);
    cx_dash_table_cell(L->t, r->customer, NULL, href);
    cx_dash_table_cell(L->t, scale, NULL, NULL);
    cx_dash_table_cell(L->t, score, "num", NULL);
    cx_dash_table_cell(L->t, low ? T("low") : "", low ? "flag" : NULL, NULL);
    cx_dash_table_cell(L->t, r->channel, NULL, NULL);
    cx_dash_table_cell(L->t, r->touchpoint, NULL, NULL);
    cx_dash_table_cell(L->t, r->lang, NULL, NULL);
    cx_dash_table_cell(L->t, r->comment ? r->comment : "", NULL, NULL);
    return 0;
}

static long page_number(struct cx_dash_req *d)
{
    const char *p = cx_dash_param(d, "page");
    long n = p ? strtol(p, NULL, 10) : 1;
    return n < 1 ? 1 : n > 1000 ? 1000 : n;
}

static void pager(struct cx_dash_req *d, struct cx_html *h, long page, int more, const char *extra)
{
    cx_html_printf(h, "<nav aria-label=\"%s\" class=\"tabs\">", T("Pages"));
    for (int dir = -1; dir <= 1; dir += 2) {
        long to = page + dir;
        if (to < 1 || (dir > 0 && !more)) continue;
        cx_html_printf(h, "<a href=\"%s?", d->path);
        struct cx_html q = {0};
        cx_dash_filter_query(&d->f, &q);
        if (d->f.q[0]) {
            cx_html_raw(&q, "&q=");
            cx_html_url(&q, d->f.q);
        }
        if (extra) cx_html_raw(&q, extra);
        cx_html_esc(h, q.p ? q.p : "");
        cx_html_free(&q);
        cx_html_printf(h, "&amp;page=%ld\">%s</a>", to, dir < 0 ? T("← Newer") : T("Older →"));
    }
    cx_html_printf(h, "<span class=\"muted\">%s %ld</span></nav>", T("Page"), page);
}

void cx_dash_page_responses(struct cx_dash_req *d)
{
    long page = page_number(d);
    static const char *const hd[] = {"time",    "customer",   "question", "score",  "follow-up",
                                     "channel", "touchpoint", "lang",     "comment"};
    struct cx_dash_table *t =
        cx_dash_table_new("responses", T("Latest responses, newest first"), 9, hd);
    if (!t) {
        cx_dash_error(d, 500, "%s", T("out of memory"));
        return;
    }
    struct resp_list L = {d, t, (size_t)(page - 1) * PAGE_ROWS, PAGE_ROWS, 0, 0,
                          0, 0, d->f.q[0] ? d->f.q : NULL};
    struct cx_scan_filter sf = {0};
    cx_dash_apply_scan(d, &sf);
    sf.with_text = 1;
    struct cx_err err = {{0}};
    int rc = d->store->vt->scan_responses_latest(d->store, &sf, resp_cb, &L, &err);
    if (rc < 0 || rc > 1) {
        cx_dash_error(d, 500, "%s", err.msg);
        cx_dash_table_free(t);
        return;
    }
    if (cx_dash_table_export(d, t)) {
        cx_dash_table_free(t);
        return;
    }
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Responses"), "responses");
    cx_dash_filters(d, &h,
                    CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR | CX_DF_SEARCH);
    cx_html_printf(&h, "<p class=\"muted\">%s</p>",
                   T("Low scores (detractors, and the bottom boxes of CSAT and CES) are marked "
                     "“low” and tinted; each one is a task in the follow-up queue. Search "
                     "matches a customer or response id exactly, or words in the comment."));
    if (L.capped)
        cx_dash_note(&h, T("The search stopped after reading 200,000 responses: narrow the "
                           "period or the filter to see older matches."));
    cx_dash_table_render(d, &h, t);
    pager(d, &h, page, L.more, NULL);
    cx_dash_end(d, &h);
    cx_dash_table_free(t);
}

/* ---- Follow-up queue ---- */

static const char *const state_names[3] = {"open", "taken", "closed"};

static void dur_text(double s, char *out, size_t cap)
{
    if (s < 0)
        snprintf(out, cap, "–");
    else if (s < 3600)
        snprintf(out, cap, "%.0f min", s / 60);
    else if (s < 72 * 3600)
        snprintf(out, cap, "%.1f h", s / 3600);
    else
        snprintf(out, cap, "%.1f d", s / 86400);
}

struct task_list {
    struct cx_dash_req *d;
    struct cx_dash_table *t;
    size_t skip, shown;
    int more;
    struct cx_task one; /* detail view: a copy of scalar fields */
    char resp[129], cust[129], ch[129], tp[129], who[129], note[4001], comment[2001];
    int found;
};

static void task_row(struct task_list *L, const struct cx_task *k)
{
    char id[32], when[40], score[48], href[600], taken[40], closed[40], link[64];
    snprintf(id, sizeof id, "%lld", (long long)k->id);
    snprintf(link, sizeof link, "/followup?task=%lld", (long long)k->id);
    time_text(k->t, when, sizeof when);
    char sc[32];
    scale_text(k->scale_idx, sc, sizeof sc);
    snprintf(score, sizeof score, "%s: %d", sc, k->score);
    customer_href(k->customer, href, sizeof href);
    taken[0] = closed[0] = 0;
    if (k->taken) time_text(k->taken, taken, sizeof taken);
    if (k->closed) time_text(k->closed, closed, sizeof closed);
    cx_dash_table_cell(L->t, id, "num", link);
    cx_dash_table_cell(L->t, when, NULL, NULL);
    cx_dash_table_cell(L->t, k->customer, NULL, href);
    cx_dash_table_cell(L->t, score, NULL, NULL);
    cx_dash_table_cell(L->t, k->channel, NULL, NULL);
    cx_dash_table_cell(L->t, k->touchpoint, NULL, NULL);
    cx_dash_table_cell(L->t, k->comment ? k->comment : "", NULL, NULL);
    cx_dash_table_cell(L->t, state_names[k->state % 3], NULL, NULL);
    cx_dash_table_cell(L->t, k->assignee, NULL, NULL);
    cx_dash_table_cell(L->t, k->note, NULL, NULL);
    cx_dash_table_cell(L->t, taken, NULL, NULL);
    cx_dash_table_cell(L->t, closed, NULL, NULL);
}

static int task_cb(void *ctx, const struct cx_task *k)
{
    struct task_list *L = ctx;
    if (!cx_dash_attr_match(L->d, k->attrs, k->attrs_len)) return 0;
    if (L->skip) {
        L->skip--;
        return 0;
    }
    if (L->shown == PAGE_ROWS) {
        L->more = 1;
        return 1;
    }
    L->shown++;
    task_row(L, k);
    if (!L->found) {
        L->found = 1;
        L->one = *k;
        snprintf(L->resp, sizeof L->resp, "%s", k->response);
        snprintf(L->cust, sizeof L->cust, "%s", k->customer);
        snprintf(L->ch, sizeof L->ch, "%s", k->channel);
        snprintf(L->tp, sizeof L->tp, "%s", k->touchpoint);
        snprintf(L->who, sizeof L->who, "%s", k->assignee);
        snprintf(L->note, sizeof L->note, "%s", k->note);
        snprintf(L->comment, sizeof L->comment, "%s", k->comment ? k->comment : "");
    }
    return 0;
}

struct task_job {
    int64_t id;
    enum cx_task_action a;
    const char *who, *note;
};

static int job_task(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct task_job *j = arg;
    return s->vt->task_update(s, j->id, j->a, j->who, j->note, (int64_t)time(NULL), err);
}

static void followup_post(struct cx_dash_req *d)
{
    if (!cx_dash_post_ok(d, 0)) return;
    const char *action = cx_dash_field(d, "action"), *id = cx_dash_field(d, "id");
    struct task_job j = {0, CX_TASK_NOTE, d->user.name, NULL};
    char *end = NULL;
    j.id = id ? strtoll(id, &end, 10) : 0;
    if (!id || !*id || *end || j.id <= 0) {
        cx_dash_error(d, 400, "%s", T("no such task"));
        return;
    }
    if (action && !strcmp(action, "take"))
        j.a = CX_TASK_TAKE;
    else if (action && !strcmp(action, "close"))
        j.a = CX_TASK_CLOSE;
    else if (action && !strcmp(action, "reopen"))
        j.a = CX_TASK_REOPEN;
    else if (action && !strcmp(action, "note"))
        j.a = CX_TASK_NOTE, j.note = cx_dash_field(d, "note");
    else {
        cx_dash_error(d, 400, "%s", T("unknown action"));
        return;
    }
    if (j.a == CX_TASK_NOTE && !j.note) j.note = "";
    struct cx_err err = {{0}};
    int rc = cx_dash_write(d, job_task, &j, &err);
    if (rc == CX_ENOTFOUND || rc == CX_EINVAL) {
        cx_dash_error(d, rc == CX_ENOTFOUND ? 404 : 409, "%s", err.msg);
        return;
    }
    if (rc) {
        cx_dash_error(d, 503, "%s", err.msg);
        return;
    }
    char url[128];
    snprintf(url, sizeof url, "/followup?task=%lld", (long long)j.id);
    cx_dash_redirect(d, url);
}

static void task_form(struct cx_dash_req *d, struct cx_html *h, int64_t id, const char *action,
                      const char *label, const char *note)
{
    cx_html_raw(h, "<form method=\"post\" action=\"/followup\" class=\"act\">");
    cx_dash_csrf_field(d, h);
    cx_html_printf(h,
                   "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
                   "<input type=\"hidden\" name=\"action\" value=\"%s\">",
                   (long long)id, action);
    if (note) {
        cx_html_printf(h,
                       "<label for=\"note-%lld\">%s</label><textarea id=\"note-%lld\" "
                       "name=\"note\" maxlength=\"4000\">",
                       (long long)id, T("Note"), (long long)id);
        cx_html_esc(h, note);
        cx_html_raw(h, "</textarea>");
    }
    cx_html_printf(h, "<button type=\"submit\">%s</button></form>", label);
}

void cx_dash_page_followup(struct cx_dash_req *d)
{
    if (!strcmp(d->req->method, "POST")) {
        followup_post(d);
        return;
    }
    const char *sp = cx_dash_param(d, "state"), *tk = cx_dash_param(d, "task");
    int state = CX_TASK_OPEN;
    for (int i = 0; sp && i < 3; i++)
        if (!strcmp(sp, state_names[i])) state = i;
    int64_t task = tk ? strtoll(tk, NULL, 10) : 0;
    long page = page_number(d);
    int64_t t0, t1;
    cx_dash_period(d, NULL, NULL, &t0, &t1);
    struct cx_task_filter tf = {0};
    tf.from = t0;
    tf.to = t1;
    tf.channel = d->f.channel[0] ? d->f.channel : NULL;
    tf.touchpoint = d->f.touchpoint[0] ? d->f.touchpoint : NULL;
    tf.state = state;
    struct cx_task_counts cnt;
    struct cx_err err = {{0}};
    if (d->store->vt->task_counts(d->store, &tf, &cnt, &err)) {
        cx_dash_error(d, 500, "%s", err.msg);
        return;
    }
    static const char *const hd[] = {"task",     "response time", "customer", "score",
                                     "channel",  "touchpoint",    "comment",  "state",
                                     "assignee", "note",          "taken",    "closed"};
    struct task_list *L = calloc(1, sizeof *L);
    struct cx_dash_table *t = cx_dash_table_new("tasks", T("Follow-up tasks"), 12, hd);
    if (!L || !t) {
        free(L);
        cx_dash_table_free(t);
        cx_dash_error(d, 500, "%s", T("out of memory"));
        return;
    }
    L->d = d;
    L->t = t;
    if (task > 0) {
        /* one task, whatever the filter */
        tf = (struct cx_task_filter){0};
        tf.id = task;
        tf.state = -1;
    } else {
        L->skip = (size_t)(page - 1) * PAGE_ROWS;
        if (!d->f.attr_key[0]) {
            tf.offset = L->skip;
            tf.limit = PAGE_ROWS + 1;
            L->skip = 0;
        }
    }
    int rc = d->store->vt->task_scan(d->store, &tf, task_cb, L, &err);
    if (rc < 0 || rc > 1) {
        cx_dash_error(d, 500, "%s", err.msg);
        goto out;
    }
    if (task > 0 && !L->found) {
        cx_dash_error(d, 404, "%s", T("no such task"));
        goto out;
    }
    if (cx_dash_table_export(d, t)) goto out;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Follow-up queue"), "followup");
    if (task > 0) {
        const struct cx_task *k = &L->one;
        cx_html_printf(&h, "<p><a href=\"/followup\">%s</a></p>", T("← Back to the queue"));
        cx_dash_table_render(d, &h, t);
        if (!d->user.admin) {
            cx_html_printf(
                &h, "<p class=\"muted\">%s</p>",
                T("Viewers can read the queue; taking and closing tasks needs an admin."));
        } else {
            cx_html_printf(&h, "<h2>%s</h2>", T("Act on this task"));
            if (k->state == CX_TASK_OPEN) task_form(d, &h, k->id, "take", T("Take it"), NULL);
            if (k->state != CX_TASK_CLOSED) task_form(d, &h, k->id, "close", T("Close"), NULL);
            if (k->state == CX_TASK_CLOSED) task_form(d, &h, k->id, "reopen", T("Reopen"), NULL);
            task_form(d, &h, k->id, "note", T("Save the note"), L->note);
        }
        cx_dash_end(d, &h);
        goto out;
    }
    cx_dash_filters(d, &h, CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT | CX_DF_ATTR);
    char med[32];
    dur_text(cnt.median_close_s, med, sizeof med);
    cx_html_printf(&h, "<p>%s <strong data-metric=\"median_close\">%s</strong>. %s</p>",
                   T("Median time to close:"), med,
                   T("Every low score makes a task; counts are by the time of the response."));
    if (d->f.attr_key[0])
        cx_dash_note(&h, T("The counts ignore the attribute filter; the list applies it."));
    cx_html_printf(&h, "<nav class=\"tabs\" aria-label=\"%s\">", T("Task states"));
    for (int i = 0; i < 3; i++) {
        cx_html_printf(&h, "<a href=\"/followup?state=%s&amp;", state_names[i]);
        struct cx_html q = {0};
        cx_dash_filter_query(&d->f, &q);
        cx_html_esc(&h, q.p ? q.p : "");
        cx_html_free(&q);
        cx_html_printf(&h, "\"%s data-metric=\"tasks_%s\" data-n=\"%llu\">%s (%llu)</a>",
                       i == state ? " aria-current=\"page\"" : "", state_names[i],
                       (unsigned long long)cnt.n[i], T(state_names[i]),
                       (unsigned long long)cnt.n[i]);
    }
    cx_html_raw(&h, "</nav>");
    cx_dash_table_render(d, &h, t);
    char extra[32];
    snprintf(extra, sizeof extra, "&state=%s", state_names[state]);
    pager(d, &h, page, L->more, extra);
    cx_dash_end(d, &h);
out:
    cx_dash_table_free(t);
    free(L);
}

/* ---- Settings ---- */

struct key_job {
    const char *name, *scope;
    char *secret;
    int64_t id;
};

static int job_key_create(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct key_job *j = arg;
    return s->vt->key_create(s, j->name, j->scope, &j->secret, err);
}

static int job_key_revoke(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct key_job *j = arg;
    return s->vt->key_revoke(s, j->id, err);
}

struct user_job {
    const char *name, *password;
    int admin;
};

static int job_user_create(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct user_job *j = arg;
    return s->vt->user_create(s, j->name, j->admin, j->password, err);
}

static int job_user_delete(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct user_job *j = arg;
    return s->vt->user_delete(s, j->name, err);
}

/* Random password: 20 characters of base64url (120 bits). */
static void new_password(char out[32])
{
    unsigned char raw[15];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 32, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Handles a settings POST; fills msg (shown once, e.g. a new key) or sends
 * an error page and returns -1. */
static int settings_post(struct cx_dash_req *d, char *msg, size_t cap, int *ok)
{
    if (!cx_dash_post_ok(d, 1)) return -1;
    const char *action = cx_dash_field(d, "action");
    struct cx_err err = {{0}};
    int rc;
    *ok = 1;
    if (action && !strcmp(action, "key_create")) {
        const char *scope = cx_dash_field(d, "scope"), *name = cx_dash_field(d, "name");
        if (!scope ||
            (strcmp(scope, "ingest") && strcmp(scope, "read") && strcmp(scope, "admin"))) {
            cx_dash_error(d, 400, "%s", T("scope must be ingest, read or admin"));
            return -1;
        }
        if (!name || !name[0]) name = scope;
        if (strlen(name) > 128) {
            cx_dash_error(d, 400, "%s", T("a key name is at most 128 bytes"));
            return -1;
        }
        struct key_job j = {name, scope, NULL, 0};
        if ((rc = cx_dash_write(d, job_key_create, &j, &err))) goto fail;
        snprintf(msg, cap, "%s %s", T("New API key (shown only once, copy it now):"), j.secret);
        sodium_memzero(j.secret, strlen(j.secret));
        free(j.secret);
    } else if (action && !strcmp(action, "key_revoke")) {
        const char *id = cx_dash_field(d, "id");
        char *end = NULL;
        struct key_job j = {NULL, NULL, NULL, id ? strtoll(id, &end, 10) : 0};
        if (!id || !*id || *end) {
            cx_dash_error(d, 400, "%s", T("choose a key"));
            return -1;
        }
        if ((rc = cx_dash_write(d, job_key_revoke, &j, &err))) goto fail;
        snprintf(msg, cap, "%s %lld", T("Revoked key"), (long long)j.id);
    } else if (action && !strcmp(action, "user_create")) {
        const char *name = cx_dash_field(d, "name"), *role = cx_dash_field(d, "role");
        const char *pw = cx_dash_field(d, "password");
        char gen[32];
        if (!role || (strcmp(role, "admin") && strcmp(role, "viewer"))) {
            cx_dash_error(d, 400, "%s", T("role must be admin or viewer"));
            return -1;
        }
        if (!pw || !pw[0]) {
            new_password(gen);
            pw = gen;
        } else if (strlen(pw) < 12) {
            cx_dash_error(d, 400, "%s", T("a password has at least 12 characters"));
            return -1;
        }
        struct user_job j = {name ? name : "", pw, !strcmp(role, "admin")};
        if ((rc = cx_dash_write(d, job_user_create, &j, &err))) goto fail;
        if (pw == gen)
            snprintf(msg, cap, "%s %s, %s %s", T("Created user"), j.name,
                     T("password (shown only once):"), gen);
        else
            snprintf(msg, cap, "%s %s", T("Created user"), j.name);
        sodium_memzero(gen, sizeof gen);
    } else if (action && !strcmp(action, "user_delete")) {
        const char *name = cx_dash_field(d, "name");
        if (!name || !strcmp(name, d->user.name)) {
            cx_dash_error(d, 400, "%s", T("choose another user than yourself"));
            return -1;
        }
        struct user_job j = {name, NULL, 0};
        if ((rc = cx_dash_write(d, job_user_delete, &j, &err))) goto fail;
        snprintf(msg, cap, "%s %s", T("Deleted user"), name);
    } else {
        cx_dash_error(d, 400, "%s", T("unknown action"));
        return -1;
    }
    return 0;
fail:
    *ok = 0;
    snprintf(msg, cap, "%s", err.msg[0] ? err.msg : cx_strerror(rc));
    return 0;
}

static void fmt_day_time(int64_t t, char *out, size_t cap)
{
    if (!t) {
        snprintf(out, cap, "%s", "");
        return;
    }
    time_text(t, out, cap);
}

/* Starts a form of the settings page that posts action, with the CSRF
 * token. */
static void settings_form(struct cx_dash_req *d, struct cx_html *h, const char *action)
{
    cx_html_raw(h, "<form method=\"post\" action=\"/settings\" class=\"filters\">");
    cx_dash_csrf_field(d, h);
    cx_html_printf(h, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
}

/* Ends a settings form whose last field is a select, with its button. */
static void settings_select_end(struct cx_html *h, const char *button)
{
    cx_html_printf(h,
                   "</select></div><div><button type=\"submit\" class=\"secondary\">%s</button>"
                   "</div></form>",
                   button);
}

void cx_dash_page_settings(struct cx_dash_req *d)
{
    if (!d->user.admin) {
        cx_dash_error(d, 403, "%s", T("Settings are for admins."));
        return;
    }
    char msg[512] = "";
    int ok = 1;
    if (!strcmp(d->req->method, "POST") && settings_post(d, msg, sizeof msg, &ok)) return;
    struct cx_api_key *keys = NULL;
    struct cx_user *users = NULL;
    size_t nk = 0, nu = 0;
    struct cx_err err = {{0}};
    struct cx_dash_table *kt = NULL, *ut = NULL;
    if (d->store->vt->key_list(d->store, &keys, &nk, &err) ||
        d->store->vt->user_list(d->store, &users, &nu, &err)) {
        cx_dash_error(d, 500, "%s", err.msg);
        goto out;
    }
    static const char *const kh[] = {"id", "name", "scope", "prefix", "created", "state"};
    kt = cx_dash_table_new("keys", T("API keys"), 6, kh);
    for (size_t i = 0; i < nk; i++) {
        char id[32], pre[48], when[40];
        snprintf(id, sizeof id, "%lld", (long long)keys[i].id);
        snprintf(pre, sizeof pre, "cxp_%s", keys[i].prefix);
        fmt_day_time(keys[i].created, when, sizeof when);
        cx_dash_table_cell(kt, id, "num", NULL);
        cx_dash_table_cell(kt, keys[i].name, NULL, NULL);
        cx_dash_table_cell(kt, keys[i].scope, NULL, NULL);
        cx_dash_table_cell(kt, pre, NULL, NULL);
        cx_dash_table_cell(kt, when, NULL, NULL);
        cx_dash_table_cell(kt, keys[i].revoked ? T("revoked") : T("active"), NULL, NULL);
    }
    static const char *const uh[] = {"name", "role", "created"};
    ut = cx_dash_table_new("users", T("Dashboard users"), 3, uh);
    for (size_t i = 0; i < nu; i++) {
        char when[40];
        fmt_day_time(users[i].created, when, sizeof when);
        cx_dash_table_cell(ut, users[i].name, NULL, NULL);
        cx_dash_table_cell(ut, users[i].admin ? "admin" : "viewer", NULL, NULL);
        cx_dash_table_cell(ut, when, NULL, NULL);
    }
    if (cx_dash_table_export(d, kt) || cx_dash_table_export(d, ut)) goto out;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T("Settings"), "settings");
    if (msg[0]) {
        cx_html_printf(&h, "<p class=\"%s\" role=\"status\"><code>", ok ? "ok" : "err");
        cx_html_esc(&h, msg);
        cx_html_raw(&h, "</code></p>");
    }
    cx_html_printf(&h, "<h2>%s</h2>", T("API keys"));
    cx_dash_table_render(d, &h, kt);
    settings_form(d, &h, "key_create");
    cx_html_printf(
        &h,
        "<div><label for=\"k-name\">%s</label><input id=\"k-name\" name=\"name\" "
        "maxlength=\"128\"></div><div><label for=\"k-scope\">%s</label><select id=\"k-scope\" "
        "name=\"scope\"><option value=\"read\">read</option><option "
        "value=\"ingest\">ingest</option><option value=\"admin\">admin</option>"
        "</select></div><div><button type=\"submit\">%s</button></div></form>",
        T("Key name"), T("Scope"), T("Create a key"));
    settings_form(d, &h, "key_revoke");
    cx_html_printf(&h, "<div><label for=\"k-id\">%s</label><select id=\"k-id\" name=\"id\">",
                   T("Active key"));
    for (size_t i = 0; i < nk; i++) {
        if (keys[i].revoked) continue;
        cx_html_printf(&h, "<option value=\"%lld\">%lld · ", (long long)keys[i].id,
                       (long long)keys[i].id);
        cx_html_esc(&h, keys[i].name);
        cx_html_raw(&h, " · ");
        cx_html_esc(&h, keys[i].scope);
        cx_html_raw(&h, "</option>");
    }
    settings_select_end(&h, T("Revoke"));
    cx_html_printf(&h, "<h2>%s</h2>", T("Dashboard users"));
    cx_dash_table_render(d, &h, ut);
    settings_form(d, &h, "user_create");
    cx_html_printf(
        &h,
        "<div><label for=\"u-name\">%s</label><input id=\"u-name\" name=\"name\" required "
        "maxlength=\"128\" autocomplete=\"off\"></div><div><label for=\"u-role\">%s"
        "</label><select id=\"u-role\" name=\"role\"><option value=\"viewer\">viewer"
        "</option><option value=\"admin\">admin</option></select></div><div><label "
        "for=\"u-pw\">%s</label><input id=\"u-pw\" name=\"password\" type=\"password\" "
        "autocomplete=\"new-password\"></div><div><button type=\"submit\">%s</button>"
        "</div></form>",
        T("User name"), T("Role"), T("Password (empty: generate one)"), T("Create a user"));
    settings_form(d, &h, "user_delete");
    cx_html_printf(&h, "<div><label for=\"u-del\">%s</label><select id=\"u-del\" name=\"name\">",
                   T("User"));
    for (size_t i = 0; i < nu; i++) {
        if (!strcmp(users[i].name, d->user.name)) continue;
        cx_html_raw(&h, "<option value=\"");
        cx_html_esc(&h, users[i].name);
        cx_html_raw(&h, "\">");
        cx_html_esc(&h, users[i].name);
        cx_html_raw(&h, "</option>");
    }
    settings_select_end(&h, T("Delete the user"));
    cx_dash_end(d, &h);
out:
    free(keys);
    free(users);
    cx_dash_table_free(kt);
    cx_dash_table_free(ut);
}
