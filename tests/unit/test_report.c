/* test_report.c - the metrics engine (engine/report.c, engine/format.c) on
 * hand-computed data sets, loaded through the real import path (source +
 * ingest) into a SQLite store in a temporary directory.
 *
 * Every report is run twice, from rollups where the engine can use them and
 * with q.force_scan = 1, and both CSV outputs must agree. Expected interval
 * bounds were computed independently (Wilson, adjusted Wald, exact Student
 * quantiles) and are given with the test data. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/ingest.h"
#include "engine/report.h"
#include "io/record.h"
#include "io/source.h"
#include "store/store.h"

/* ---- fixture ---- */

struct fx {
    char dir[64];
    struct cx_store *s;
};

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static struct cx_store *open_store(const char *dir, const char *tz)
{
    struct cx_store_opts o = {0};
    o.create = 1;
    o.tz = tz;
    struct cx_store *s = NULL;
    struct cx_err err = {{0}};
    int rc = cx_store_open_sqlite(dir, &o, &s, &err);
    if (rc) fprintf(stderr, "open: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
    assert_non_null(s);
    return s;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/cx_test_report_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    f->s = open_store(f->dir, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cx_store_close(f->s);
    rm_dir(f->dir);
    free(f);
    return 0;
}

/* ---- loading ---- */

struct mem {
    const char *p;
    size_t len, pos;
};

static long mem_read(void *ctx, char *buf, size_t cap)
{
    struct mem *m = ctx;
    size_t n = m->len - m->pos;
    if (n > cap) n = cap;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (long)n;
}

static void print_reject(void *ctx, long line, const char *field, const char *reason)
{
    fprintf(stderr, "unexpected reject: line %ld field '%s': %s\n", line, field, reason);
}

/* Loads CSV or NDJSON text; every row must be accepted. */
static void load(struct cx_store *s, enum cx_record_type type, const char *text)
{
    struct mem m = {text, strlen(text), 0};
    struct cx_source_opts so = {0};
    so.required = type == CX_RESPONSES ? cx_response_required : cx_event_required;
    struct cx_source *src = NULL;
    struct cx_err err = {{0}};
    int rc = cx_source_open(&src, mem_read, &m, &so, &err);
    if (rc) fprintf(stderr, "source: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
    struct cx_ingest_opts io = {0};
    io.type = type;
    io.on_reject = print_reject;
    struct cx_ingest_stats st = {0};
    rc = cx_ingest(s, src, &io, &st, &err);
    cx_source_free(src);
    if (rc) fprintf(stderr, "ingest: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
    assert_int_equal(st.rejected, 0);
}

/* ---- running reports ---- */

struct qo {
    const char *metric, *by, *from, *to, *tz, *compare, *short_abandon;
    const char *where[4];
    enum cx_report_format format;
};

static int build_query(struct cx_query *q, const struct qo *o, struct cx_err *err)
{
    int rc = CX_OK;
    cx_query_init(q);
    if (o->metric) rc = cx_query_add_metrics(q, o->metric, err);
    if (!rc && o->by) rc = cx_query_add_by(q, o->by, err);
    for (int i = 0; !rc && i < 4 && o->where[i]; i++) rc = cx_query_add_where(q, o->where[i], err);
    if (!rc && o->short_abandon) rc = cx_query_set_short_abandon(q, o->short_abandon, err);
    if (o->from) q->from = strdup(o->from);
    if (o->to) q->to = strdup(o->to);
    if (o->tz) q->tz = strdup(o->tz);
    if (o->compare) q->compare = strdup(o->compare);
    return rc;
}

/* Runs the report once and returns its text (caller frees). */
static char *run_once(struct cx_store *s, const struct qo *o, int force_scan, int *used_rollup)
{
    struct cx_query q;
    struct cx_err err = {{0}};
    int rc = build_query(&q, o, &err);
    if (rc) fprintf(stderr, "query: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
    q.force_scan = force_scan;
    struct cx_report *r = NULL;
    rc = cx_report_run(s, &q, &r, &err);
    if (rc) fprintf(stderr, "report: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
    if (used_rollup) *used_rollup = r->used_rollup;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(cx_report_write(f, r, o->format), CX_OK);
    fclose(f);
    cx_report_free(r);
    cx_query_free(&q);
    return buf;
}

/* Runs the report from rollups (if usable) and by scanning; both must give
 * the same output, which is returned. */
static char *report2(struct cx_store *s, const struct qo *o, int *used_rollup)
{
    char *a = run_once(s, o, 0, used_rollup);
    char *b = run_once(s, o, 1, NULL);
    assert_string_equal(a, b);
    free(b);
    return a;
}

static void expect_report(struct cx_store *s, const struct qo *o, const char *want)
{
    char *got = report2(s, o, NULL);
    if (strcmp(got, want)) fprintf(stderr, "--- want\n%s--- got\n%s---\n", want, got);
    assert_string_equal(got, want);
    free(got);
}

/* Runs a query that must fail with rc; returns nothing. */
static void expect_query_error(struct cx_store *s, const struct qo *o, int want_rc,
                               const char *msg_part)
{
    struct cx_query q;
    struct cx_err err = {{0}};
    int rc = build_query(&q, o, &err);
    struct cx_report *r = NULL;
    if (!rc) rc = cx_report_run(s, &q, &r, &err);
    cx_query_free(&q);
    assert_int_equal(rc, want_rc);
    assert_null(r);
    if (msg_part && !strstr(err.msg, msg_part)) fprintf(stderr, "message: %s\n", err.msg);
    if (msg_part) assert_non_null(strstr(err.msg, msg_part));
}

#define HDR "metric,n,value,ci_low,ci_high,promoters,passives,detractors\n"

/* ---- calls and chats ---- */

/* 500 calls: 450 answered, 50 abandoned -> 10.00 %, Wilson [7.67, 12.94]. */
static void test_call_abandonment_500(void **state)
{
    struct fx *f = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    fputs("id,customer,time,type,channel,wait_s\n", m);
    for (int i = 0; i < 500; i++)
        fprintf(m, "c%d,cust%d,2026-03-%02dT10:%02d:00Z,%s,phone,%d\n", i, i % 37, 1 + i % 28,
                i % 60, i % 10 == 0 ? "call.abandoned" : "call.answered", 5 + i % 50);
    /* other event types must not count */
    fputs("x1,cust1,2026-03-02T10:00:00Z,chat.abandoned,chat,3\n", m);
    fputs("x2,cust1,2026-03-02T10:00:00Z,call.transferred,phone,3\n", m);
    fclose(m);
    load(f->s, CX_EVENTS, buf);
    free(buf);
    struct qo o = {.metric = "call_abandonment", .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "call_abandonment,500,10.00,7.67,12.94,,,\n");
}

static const char calls_csv[] =
    "id,customer,time,type,channel,wait_s\n"
    /* answered calls: waits 1, 10, 20, 30 */
    "a1,c1,2026-03-01T10:00:00Z,call.answered,phone,1\n"
    "a2,c2,2026-03-01T11:00:00Z,call.answered,phone,10\n"
    "a3,c3,2026-03-01T12:00:00Z,call.answered,phone,20\n"
    "a4,c4,2026-03-01T13:00:00Z,call.answered,phone,30\n"
    /* abandoned calls: waits 2 (short), 5 (not < 5), 8, none (stays counted) */
    "b1,c1,2026-03-02T10:00:00Z,call.abandoned,phone,2\n"
    "b2,c2,2026-03-02T10:00:00Z,call.abandoned,phone,5\n"
    "b3,c3,2026-03-02T10:00:00Z,call.abandoned,phone,8\n"
    "b4,c4,2026-03-02T10:00:00Z,call.abandoned,phone,\n"
    /* chats: answered wait 3; abandoned waits 1 (short) and 9 */
    "h1,c5,2026-03-03T10:00:00Z,chat.answered,chat,3\n"
    "h2,c5,2026-03-03T11:00:00Z,chat.abandoned,chat,1\n"
    "h3,c6,2026-03-03T12:00:00Z,chat.abandoned,chat,9\n";

/* Without --short-abandon: calls 4/8 = 50.00, chats 2/3 = 66.67; avg_wait
 * of answered calls and chats 1, 10, 20, 30, 3 = 12.80 (t interval with
 * t(0.975, 4) = 2.7764: [-2.29, 27.89]). */
static void test_abandonment_plain(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS, calls_csv);
    struct qo o = {.metric = "call_abandonment,chat_abandonment,avg_wait", .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  HDR "call_abandonment,8,50.00,21.52,78.48,,,\n"
                      "chat_abandonment,3,66.67,20.77,93.85,,,\n"
                      "avg_wait,5,12.80,-2.29,27.89,,,\n");
}

/* --short-abandon 5 drops abandoned contacts with wait_s < 5 from both
 * counts (b1, h2); answered a1 (wait 1) stays; b4 without wait_s stays.
 * Calls 3/7 = 42.86, chats 1/2 = 50.00; avg_wait unchanged. */
static void test_short_abandon(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS, calls_csv);
    struct qo o = {.metric = "call_abandonment,chat_abandonment,avg_wait",
                   .short_abandon = "5",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  HDR "call_abandonment,7,42.86,15.82,74.95,,,\n"
                      "chat_abandonment,2,50.00,9.45,90.55,,,\n"
                      "avg_wait,5,12.80,-2.29,27.89,,,\n");
    /* a fractional threshold: 2.5 still drops b1 (wait 2) */
    struct qo o2 = {.metric = "call_abandonment", .short_abandon = "2.5", .format = CX_REPORT_CSV};
    expect_report(f->s, &o2, HDR "call_abandonment,7,42.86,15.82,74.95,,,\n");
    struct cx_query q;
    struct cx_err err = {{0}};
    cx_query_init(&q);
    assert_int_equal(cx_query_set_short_abandon(&q, "5s", &err), CX_EINVAL);
    assert_int_equal(cx_query_set_short_abandon(&q, "-1", &err), CX_EINVAL);
    cx_query_free(&q);
}

/* avg_wait: answered calls 10 and 12, answered chat 14 -> mean 12.00,
 * sd 2, t(0.975, 2) = 4.3027 -> [7.03, 16.97]. The abandoned call (wait
 * 100) and the answered call without wait_s do not count. A single value
 * has a value and an empty interval. */
static void test_avg_wait(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS,
         "id,customer,time,type,channel,wait_s\n"
         "w1,c1,2026-03-01T10:00:00Z,call.answered,phone,10\n"
         "w2,c2,2026-03-01T11:00:00Z,call.answered,phone,12.0\n"
         "w3,c3,2026-03-01T12:00:00Z,chat.answered,chat,14\n"
         "w4,c4,2026-03-01T13:00:00Z,call.abandoned,phone,100\n"
         "w5,c5,2026-03-01T14:00:00Z,call.answered,phone,\n");
    struct qo o = {.metric = "avg_wait", .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "avg_wait,3,12.00,7.03,16.97,,,\n");
    struct qo o1 = {.metric = "avg_wait", .where = {"channel=chat"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &o1, HDR "avg_wait,1,14.00,,,,,\n");
}

/* ---- carts ---- */

static const char carts_csv[] =
    "id,customer,time,type,ref,value\n"
    /* A: created in March, purchased in April (outside the period) */
    "e1,c1,2026-03-05T10:00:00Z,cart.created,A,10\n"
    "e2,c1,2026-04-10T10:00:00Z,cart.purchased,A,10\n"
    /* B: created in March, never purchased */
    "e3,c2,2026-03-06T10:00:00Z,cart.created,B,20\n"
    /* a cart.created without ref: abandoned */
    "e4,c3,2026-03-07T10:00:00Z,cart.created,,5\n"
    /* C: earliest cart.created in February (anchor), another in March */
    "e5,c4,2026-02-20T10:00:00Z,cart.created,C,7\n"
    "e6,c4,2026-03-10T10:00:00Z,cart.created,C,7\n"
    /* D: created in March, purchased earlier (any time counts) */
    "e7,c5,2026-03-12T10:00:00Z,cart.created,D,9\n"
    "e8,c5,2026-02-01T10:00:00Z,cart.purchased,D,9\n"
    /* E: a purchase without cart.created is no cart */
    "e9,c6,2026-03-13T10:00:00Z,cart.purchased,E,9\n";

/* March: carts A, B, no-ref, D (C is anchored in February); abandoned B and
 * no-ref: 2/4 = 50.00, Wilson [15.00, 85.00]. By month: 2026-02 has C
 * (1/1 = 100.00, [20.65, 100.00]). */
static void test_cart_abandonment(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS, carts_csv);
    struct qo o = {.metric = "cart_abandonment",
                   .from = "2026-03-01",
                   .to = "2026-03-31",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "cart_abandonment,4,50.00,15.00,85.00,,,\n");
    struct qo o2 = {.metric = "cart_abandonment", .by = "month", .format = CX_REPORT_CSV};
    expect_report(f->s, &o2,
                  "month," HDR "2026-02,cart_abandonment,1,100.00,20.65,100.00,,,\n"
                  "2026-03,cart_abandonment,4,50.00,15.00,85.00,,,\n");
}

/* ---- tickets ---- */

static const char tickets_csv[] =
    "id,customer,time,type,ref,channel\n"
    /* T1: 2 h, one message (before the period), fcr, 0 transfers */
    "t1o,c1,2026-03-01T00:00:00Z,ticket.opened,T1,email\n"
    "t1m,c1,2026-02-28T12:00:00Z,ticket.message,T1,email\n"
    "t1r,c1,2026-03-01T02:00:00Z,ticket.resolved,T1,email\n"
    /* T2: 4 h, two messages (no fcr), 1 transfer */
    "t2o,c2,2026-03-02T00:00:00Z,ticket.opened,T2,email\n"
    "t2m1,c2,2026-03-02T00:10:00Z,ticket.message,T2,email\n"
    "t2m2,c2,2026-03-02T00:20:00Z,ticket.message,T2,phone\n"
    "t2t,c2,2026-03-02T01:00:00Z,ticket.transferred,T2,email\n"
    "t2r,c2,2026-03-02T04:00:00Z,ticket.resolved,T2,email\n"
    /* T3: reopened (no fcr), 2 transfers, last resolved after 10 h */
    "t3o,c3,2026-03-03T00:00:00Z,ticket.opened,T3,email\n"
    "t3m,c3,2026-03-03T00:05:00Z,ticket.message,T3,email\n"
    "t3t1,c3,2026-03-03T01:00:00Z,ticket.transferred,T3,email\n"
    "t3r1,c3,2026-03-03T06:00:00Z,ticket.resolved,T3,email\n"
    "t3x,c3,2026-03-03T07:00:00Z,ticket.reopened,T3,email\n"
    "t3t2,c3,2026-03-03T08:00:00Z,ticket.transferred,T3,email\n"
    "t3r2,c3,2026-03-03T10:00:00Z,ticket.resolved,T3,email\n"
    /* T4: opened twice (the first counts): 8 h, no message: fcr */
    "t4o2,c4,2026-03-04T01:00:00Z,ticket.opened,T4,email\n"
    "t4o1,c4,2026-03-04T00:00:00Z,ticket.opened,T4,email\n"
    "t4r,c4,2026-03-04T08:00:00Z,ticket.resolved,T4,email\n"
    /* T5: no ticket.opened: counts for fcr and transfers, not for times */
    "t5r,c5,2026-03-05T09:00:00Z,ticket.resolved,T5,email\n"
    /* T6: never resolved; T7 resolved in April (outside) */
    "t6o,c6,2026-03-06T00:00:00Z,ticket.opened,T6,email\n"
    "t7o,c7,2026-03-30T00:00:00Z,ticket.opened,T7,email\n"
    "t7r,c7,2026-04-01T00:00:00Z,ticket.resolved,T7,email\n"
    /* ticket events without ref are ignored */
    "t8o,c8,2026-03-07T00:00:00Z,ticket.opened,,email\n"
    "t8r,c8,2026-03-07T05:00:00Z,ticket.resolved,,email\n";

/* March: 5 tickets resolved (T1-T5). fcr T1, T4, T5: 3/5 = 60.00 [23.07,
 * 88.24]. Resolution hours 2, 4, 8, 10: median h = 1.5 -> 4 + 0.5 * 4 =
 * 6.00; p90 h = 2.7 -> 8 + 0.7 * 2 = 9.40. Transfers 0, 1, 2, 0, 0: mean
 * 0.60, sd 0.894, t(0.975, 4) -> [-0.51, 1.71]. */
static void test_tickets(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS, tickets_csv);
    struct qo o = {.metric = "fcr,resolution_hours,resolution_hours_p90,transfers",
                   .from = "2026-03-01",
                   .to = "2026-03-31",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  HDR "fcr,5,60.00,23.07,88.24,,,\n"
                      "resolution_hours,4,6.00,,,,,\n"
                      "resolution_hours_p90,4,9.40,,,,,\n"
                      "transfers,5,0.60,-0.51,1.71,,,\n");
    /* The anchor is the last ticket.resolved: its channel decides --where,
     * while T2's message on the phone still counts. */
    load(f->s, CX_EVENTS,
         "id,customer,time,type,ref,channel\n"
         "t2r,c2,2026-03-02T04:00:00Z,ticket.resolved,T2,phone\n");
    struct qo o2 = {
        .metric = "fcr,resolution_hours", .where = {"channel=PHONE"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &o2, HDR "fcr,1,0.00,0.00,79.35,,,\nresolution_hours,1,4.00,,,,,\n");
}

/* Nine tickets with 0, 0, 0, 0, 0, 1, 1, 1, 2 transfers: mean 0.56 and a
 * t interval whose lower bound is -0.0029, printed 0.00 (never -0.00). */
static void test_negative_zero(void **state)
{
    struct fx *f = *state;
    int transfers[9] = {0, 0, 0, 0, 0, 1, 1, 1, 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    fputs("id,customer,time,type,ref\n", m);
    for (int i = 0; i < 9; i++) {
        fprintf(m, "o%d,c%d,2026-05-0%dT08:00:00Z,ticket.opened,K%d\n", i, i, i + 1, i);
        for (int k = 0; k < transfers[i]; k++)
            fprintf(m, "x%d_%d,c%d,2026-05-0%dT09:0%d:00Z,ticket.transferred,K%d\n", i, k, i, i + 1,
                    k, i);
        fprintf(m, "r%d,c%d,2026-05-0%dT12:00:00Z,ticket.resolved,K%d\n", i, i, i + 1, i);
    }
    fclose(m);
    load(f->s, CX_EVENTS, buf);
    free(buf);
    struct qo o = {.metric = "transfers", .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "transfers,9,0.56,0.00,1.11,,,\n");
}

/* ---- churn ---- */

static const char subs_csv[] =
    "id,customer,time,type,ref\n"
    /* c1: active, cancelled 03-15 */
    "s1a,c1,2026-01-10T09:00:00Z,subscription.started,\n"
    "s1b,c1,2026-03-15T09:00:00Z,subscription.cancelled,\n"
    /* c2: active, never cancelled */
    "s2a,c2,2026-01-10T09:00:00Z,subscription.started,\n"
    /* c3: starts exactly at 2026-03-01T00:00Z: not active before March */
    "s3a,c3,2026-03-01T00:00:00Z,subscription.started,\n"
    /* c4: started December, cancelled 02-20 */
    "s4a,c4,2025-12-05T09:00:00Z,subscription.started,\n"
    "s4b,c4,2026-02-20T09:00:00Z,subscription.cancelled,\n"
    /* c5: started 02-01 noon, cancelled exactly at 2026-03-01T00:00Z */
    "s5a,c5,2026-02-01T12:00:00Z,subscription.started,\n"
    "s5b,c5,2026-03-01T00:00:00Z,subscription.cancelled,\n"
    /* c6: two subscriptions, both active: counted once */
    "s6a,c6,2026-01-20T09:00:00Z,subscription.started,S6A\n"
    "s6b,c6,2026-01-20T10:00:00Z,subscription.started,S6B\n"
    /* c7: first event a renewal (starts it), cancelled 04-02 */
    "s7a,c7,2026-02-15T09:00:00Z,subscription.renewed,\n"
    "s7b,c7,2026-04-02T09:00:00Z,subscription.cancelled,\n";

/* March (B = 2026-03-01): active c1, c2, c5, c6, c7 = 5; churned c1, c5:
 * 40.00 [11.76, 76.93]. By month over January-April:
 * Jan: c4 only (0/1 = 0.00 [0.00, 79.35]); Feb: c1, c2, c4, c6, churned
 * c4 (1/4 = 25.00 [4.56, 69.94]); Mar: 2/5; Apr: c2, c3, c6, c7, churned
 * c7 (1/4). */
static void test_churn(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS, subs_csv);
    struct qo o = {
        .metric = "churn", .from = "2026-03-01", .to = "2026-03-31", .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "churn,5,40.00,11.76,76.93,,,\n");
    struct qo o2 = {.metric = "churn",
                    .by = "month",
                    .from = "2026-01-01",
                    .to = "2026-04-30",
                    .format = CX_REPORT_CSV};
    expect_report(f->s, &o2,
                  "month," HDR "2026-01,churn,1,0.00,0.00,79.35,,,\n"
                  "2026-02,churn,4,25.00,4.56,69.94,,,\n"
                  "2026-03,churn,5,40.00,11.76,76.93,,,\n"
                  "2026-04,churn,4,25.00,4.56,69.94,,,\n");
    /* without a grain and without --from churn is empty */
    struct qo o3 = {.metric = "churn", .format = CX_REPORT_CSV};
    expect_report(f->s, &o3, HDR "churn,0,,,,,,\n");
}

/* ---- score metrics and buckets ---- */

/* Every scale maps onto one metric: csat top boxes 1-3 -> 3, 1-5 -> 4-5,
 * 1-7 -> 6-7, 1-10 -> 8-10; csat_mean maps linearly onto 1-5; ces_easy
 * 1-5 -> 4-5, 1-7 -> 5-7, 1-10 -> 8-10; ces maps linearly onto 1-7.
 * csat: 3/3 2/3 7/7 1/10 8/10 4/5 -> satisfied 4 of 6 = 66.67 [30.00,
 *   90.32]; mapped 5, 3, 5, 1, 4.111, 4 -> mean 3.69, t(0.975, 5) [2.10,
 *   5.27].
 * ces: 5/5 3/5 5/7 4/7 8/10 7/10 -> easy 3 of 6 = 50.00 [18.76, 81.24];
 *   mapped 7, 4, 5, 4, 5.667, 5 -> mean 5.11 [3.93, 6.30]. */
static void test_score_scales(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score,scale\n"
         "s1,c,2026-03-01T10:00:00Z,csat,3,1-3\n"
         "s2,c,2026-03-01T10:00:00Z,csat,2,1-3\n"
         "s3,c,2026-03-01T10:00:00Z,csat,7,1-7\n"
         "s4,c,2026-03-01T10:00:00Z,csat,1,1-10\n"
         "s5,c,2026-03-01T10:00:00Z,csat,8,1-10\n"
         "s6,c,2026-03-01T10:00:00Z,csat,4,\n"
         "e1,c,2026-03-01T10:00:00Z,ces,5,1-5\n"
         "e2,c,2026-03-01T10:00:00Z,ces,3,1-5\n"
         "e3,c,2026-03-01T10:00:00Z,ces,5,\n"
         "e4,c,2026-03-01T10:00:00Z,ces,4,1-7\n"
         "e5,c,2026-03-01T10:00:00Z,ces,8,1-10\n"
         "e6,c,2026-03-01T10:00:00Z,ces,7,1-10\n");
    struct qo o = {.metric = "csat,csat_mean,ces_easy,ces,nps", .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  HDR "csat,6,66.67,30.00,90.32,,,\n"
                      "csat_mean,6,3.69,2.10,5.27,,,\n"
                      "ces_easy,6,50.00,18.76,81.24,,,\n"
                      "ces,6,5.11,3.93,6.30,,,\n"
                      "nps,0,,,,0,0,0\n");
}

/* ISO weeks across New Year: 2025-12-28 is 2025-W52, 2025-12-29 ..
 * 2026-01-04 are 2026-W01, 2026-01-05 is 2026-W02.
 * W52: nps 10 -> 100.00 [-48.50, 98.50], 1,0,0.
 * W01: nps 9 and 3 -> 0.00 [-73.34, 73.34], 1,0,1; csat 5 and 2 -> 50.00
 *      [9.45, 90.55].
 * W02: nps 7 -> 0.00 [-60.01, 60.01], 0,1,0; ces 6 (1-7) and 10 (1-10 ->
 *      7 on 1-7) -> 6.50, t(0.975, 1) = 12.706 -> [0.15, 12.85]. */
static void test_weeks_new_year(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score,scale\n"
         "r1,c1,2025-12-28T12:00:00Z,nps,10,\n"
         "r2,c2,2025-12-29T00:00:00Z,NPS,9,\n"
         "r3,c3,2026-01-04T23:59:59Z,nps,3,\n"
         "r4,c4,2026-01-05T00:00:00Z,nps,7,\n"
         "r5,c5,2025-12-31T10:00:00Z,csat,5,1-5\n"
         "r6,c6,2026-01-01T10:00:00Z,Csat,2,\n"
         "r7,c7,2026-01-06T10:00:00Z,ces,6,\n"
         "r8,c8,2026-01-07T10:00:00Z,ces,10,1-10\n");
    struct qo o = {.by = "week", .format = CX_REPORT_CSV};
    int rollup = 0;
    char *got = report2(f->s, &o, &rollup);
    assert_int_equal(rollup, 1);
    assert_string_equal(got, "week," HDR "2025-W52,nps,1,100.00,-48.50,98.50,1,0,0\n"
                             "2025-W52,csat,0,,,,,,\n"
                             "2025-W52,ces,0,,,,,,\n"
                             "2026-W01,nps,2,0.00,-73.34,73.34,1,0,1\n"
                             "2026-W01,csat,2,50.00,9.45,90.55,,,\n"
                             "2026-W01,ces,0,,,,,,\n"
                             "2026-W02,nps,1,0.00,-60.01,60.01,0,1,0\n"
                             "2026-W02,csat,0,,,,,,\n"
                             "2026-W02,ces,2,6.50,0.15,12.85,,,\n");
    free(got);
    /* quarters: 2025-12-29 is still 2025-Q4 (calendar, not ISO year) */
    struct qo o2 = {.metric = "nps", .by = "quarter", .format = CX_REPORT_CSV};
    expect_report(f->s, &o2,
                  "quarter," HDR "2025-Q4,nps,2,100.00,-24.41,100.00,2,0,0\n"
                  "2026-Q1,nps,2,-50.00,-79.45,39.45,0,1,1\n");
    /* 2026 has 53 ISO weeks: 2027-01-03 (a Sunday) is still 2026-W53 */
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score\n"
         "w1,c,2026-12-28T00:00:00Z,csat,5\n"
         "w2,c,2027-01-03T23:59:59Z,csat,5\n"
         "w3,c,2027-01-04T00:00:00Z,csat,1\n");
    struct qo o3 = {.metric = "csat", .by = "week", .from = "2026-12-01", .format = CX_REPORT_CSV};
    expect_report(f->s, &o3,
                  "week," HDR "2026-W53,csat,2,100.00,34.24,100.00,,,\n"
                  "2027-W01,csat,1,0.00,0.00,79.35,,,\n");
}

static const char dst_csv[] = "id,customer,time,metric,score\n"
                              "a,c1,2026-03-28T22:30:00Z,csat,5\n"  /* Oslo 03-28 23:30 CET */
                              "b,c2,2026-03-28T23:30:00Z,csat,4\n"  /* Oslo 03-29 00:30 CET */
                              "c,c3,2026-03-29T21:30:00Z,csat,1\n"  /* Oslo 03-29 23:30 CEST */
                              "d,c4,2026-03-29T22:30:00Z,csat,2\n"; /* Oslo 03-30 00:30 */

/* Clocks in Oslo go forward on 2026-03-29 (01:00Z). In UTC: 03-28 {a, b}
 * 2/2, 03-29 {c, d} 0/2. In Oslo: 03-28 {a} 1/1, 03-29 {b, c} 1/2, 03-30
 * {d} 0/1; --from/--to 2026-03-29 is the 23-hour local day {b, c}. */
static void test_tz_dst(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES, dst_csv);
    struct qo u = {.metric = "csat", .by = "day", .format = CX_REPORT_CSV};
    expect_report(f->s, &u,
                  "day," HDR "2026-03-28,csat,2,100.00,34.24,100.00,,,\n"
                  "2026-03-29,csat,2,0.00,0.00,65.76,,,\n");
    const char *oslo = "day," HDR "2026-03-28,csat,1,100.00,20.65,100.00,,,\n"
                       "2026-03-29,csat,2,50.00,9.45,90.55,,,\n"
                       "2026-03-30,csat,1,0.00,0.00,79.35,,,\n";
    struct qo o = {.metric = "csat", .by = "day", .tz = "Europe/Oslo", .format = CX_REPORT_CSV};
    int rollup = 1;
    char *got = report2(f->s, &o, &rollup);
    assert_int_equal(rollup, 0); /* rollups are in UTC: must scan */
    assert_string_equal(got, oslo);
    free(got);
    struct qo d = {.metric = "csat",
                   .tz = "Europe/Oslo",
                   .from = "2026-03-29",
                   .to = "2026-03-29",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &d, HDR "csat,2,50.00,9.45,90.55,,,\n");

    /* A store whose rollups are in Oslo days answers the same from them. */
    char dir2[64];
    snprintf(dir2, sizeof dir2, "/tmp/cx_test_report_XXXXXX");
    assert_non_null(mkdtemp(dir2));
    struct cx_store *s2 = open_store(dir2, "Europe/Oslo");
    assert_string_equal(s2->rollup_tz, "Europe/Oslo");
    load(s2, CX_RESPONSES, dst_csv);
    got = report2(s2, &o, &rollup);
    assert_int_equal(rollup, 1);
    assert_string_equal(got, oslo);
    free(got);
    got = report2(s2, &d, &rollup);
    assert_int_equal(rollup, 1);
    assert_string_equal(got, HDR "csat,2,50.00,9.45,90.55,,,\n");
    free(got);
    cx_store_close(s2);
    rm_dir(dir2);
}

/* The written offset only converts to an instant: 23:30-02:00 on 03-01 is
 * 03-02 in UTC, 00:30+03:00 on 03-02 is 03-01. */
static void test_offsets_cross_midnight(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score\n"
         "x,c1,2026-03-01T23:30:00-02:00,nps,10\n"
         "y,c2,2026-03-02T00:30:00+03:00,nps,0\n");
    struct qo o = {.metric = "nps", .by = "day", .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  "day," HDR "2026-03-01,nps,1,-100.00,-98.50,48.50,0,0,1\n"
                  "2026-03-02,nps,1,100.00,-48.50,98.50,1,0,0\n");
}

/* ---- filters and groups ---- */

static const char where_csv[] = "id,customer,time,metric,score,channel,plan\n"
                                "w1,c1,2026-03-01T10:00:00Z,csat,5,Email,Pro\n"
                                "w2,c2,2026-03-01T10:00:00Z,csat,1,email,pro\n"
                                "w3,c3,2026-03-01T10:00:00Z,csat,4,web,Pro\n"
                                "w4,c4,2026-03-01T10:00:00Z,csat,2,EMAIL,\n"
                                "w5,c5,2026-03-01T10:00:00Z,csat,2,email,Pro\n";

static void test_where(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES, where_csv);
    /* channel values are folded: w1, w2, w4, w5 -> 1/4 */
    struct qo a = {.metric = "csat", .where = {"channel=EMAIL"}, .format = CX_REPORT_CSV};
    int rollup = 0;
    char *got = report2(f->s, &a, &rollup);
    assert_int_equal(rollup, 1);
    assert_string_equal(got, HDR "csat,4,25.00,4.56,69.94,,,\n");
    free(got);
    /* attributes are exact and case-sensitive: w1, w5 -> 1/2 */
    struct qo b = {
        .metric = "csat", .where = {"channel=Email", "plan=Pro"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &b, HDR "csat,2,50.00,9.45,90.55,,,\n");
    struct qo c = {.metric = "csat", .where = {"plan=Pro"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &c, HDR "csat,3,66.67,20.77,93.85,,,\n");
    /* KEY= matches a missing attribute: w4 */
    struct qo d = {.metric = "csat", .where = {"plan="}, .format = CX_REPORT_CSV};
    expect_report(f->s, &d, HDR "csat,1,0.00,0.00,79.35,,,\n");
    /* nothing matches: still one row */
    struct qo e = {.metric = "csat", .where = {"plan=none"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &e, HDR "csat,0,,,,,,\n");
    /* "" (missing) sorts first, then byte order: "Pro" < "pro" */
    struct qo g = {.metric = "csat", .by = "plan", .format = CX_REPORT_CSV};
    expect_report(f->s, &g,
                  "plan," HDR ",csat,1,0.00,0.00,79.35,,,\n"
                  "Pro,csat,3,66.67,20.77,93.85,,,\n"
                  "pro,csat,1,0.00,0.00,79.35,,,\n");
    /* a bad --where */
    struct cx_query q;
    struct cx_err err = {{0}};
    cx_query_init(&q);
    assert_int_equal(cx_query_add_where(&q, "plan", &err), CX_EINVAL);
    assert_int_equal(cx_query_add_where(&q, "=x", &err), CX_EINVAL);
    cx_query_free(&q);
}

/* --where on events: channel folded, attributes exact. */
static void test_where_events(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_EVENTS,
         "id,customer,time,type,channel,queue\n"
         "p1,c1,2026-03-01T10:00:00Z,call.answered,Phone,vip\n"
         "p2,c2,2026-03-01T11:00:00Z,call.abandoned,phone,VIP\n"
         "p3,c3,2026-03-01T12:00:00Z,call.abandoned,web,vip\n"
         "p4,c4,2026-03-01T13:00:00Z,call.abandoned,PHONE,\n");
    struct qo a = {
        .metric = "call_abandonment", .where = {"channel=PHONE"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &a, HDR "call_abandonment,3,66.67,20.77,93.85,,,\n");
    struct qo b = {.metric = "call_abandonment", .where = {"queue=vip"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &b, HDR "call_abandonment,2,50.00,9.45,90.55,,,\n");
    struct qo c = {.metric = "call_abandonment", .by = "queue", .format = CX_REPORT_CSV};
    expect_report(f->s, &c,
                  "queue," HDR ",call_abandonment,1,100.00,20.65,100.00,,,\n"
                  "VIP,call_abandonment,1,100.00,20.65,100.00,,,\n"
                  "vip,call_abandonment,2,50.00,9.45,90.55,,,\n");
}

/* Groups in byte order of their values (UTF-8 bytes: "B" < "a" < "a,b" <
 * "b" < "é"); metrics in the order given; a group with data for one of the
 * requested metrics gets a row for each (N = 0: empty, nps 0,0,0); a group
 * with none ("Z", only ces) gets no row; values with a comma are quoted. */
static void test_groups_sorted(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score,team\n"
         "g1,c1,2026-03-01T10:00:00Z,csat,4,\n"
         "g2,c2,2026-03-01T10:00:00Z,nps,9,B\n"
         "g3,c3,2026-03-01T10:00:00Z,ces,5,Z\n"
         "g4,c4,2026-03-01T10:00:00Z,nps,6,a\n"
         "g5,c5,2026-03-01T10:00:00Z,csat,5,a\n"
         "g6,c6,2026-03-01T10:00:00Z,csat,3,\"a,b\"\n"
         "g7,c7,2026-03-01T10:00:00Z,nps,10,b\n"
         "g8,c8,2026-03-01T10:00:00Z,nps,8,\xc3\xa9\n");
    struct qo o = {.metric = "csat,nps", .by = "team", .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  "team," HDR ",csat,1,100.00,20.65,100.00,,,\n"
                  ",nps,0,,,,0,0,0\n"
                  "B,csat,0,,,,,,\n"
                  "B,nps,1,100.00,-48.50,98.50,1,0,0\n"
                  "a,csat,1,100.00,20.65,100.00,,,\n"
                  "a,nps,1,-100.00,-98.50,48.50,0,0,1\n"
                  "\"a,b\",csat,1,0.00,0.00,79.35,,,\n"
                  "\"a,b\",nps,0,,,,0,0,0\n"
                  "b,csat,0,,,,,,\n"
                  "b,nps,1,100.00,-48.50,98.50,1,0,0\n"
                  "\xc3\xa9,csat,0,,,,,,\n"
                  "\xc3\xa9,nps,1,0.00,-60.01,60.01,0,1,0\n");
    /* two keys: attribute then grain, in the order given */
    struct qo o2 = {
        .metric = "nps", .by = "team,day", .where = {"team=b"}, .format = CX_REPORT_CSV};
    expect_report(f->s, &o2, "team,day," HDR "b,2026-03-01,nps,1,100.00,-48.50,98.50,1,0,0\n");
}

/* Without --by: exactly one row per metric, even with no data at all (the
 * default metrics are nps, csat, ces). With --by and no data: header only. */
static void test_empty(void **state)
{
    struct fx *f = *state;
    struct qo o = {.format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "nps,0,,,,0,0,0\ncsat,0,,,,,,\nces,0,,,,,,\n");
    struct qo o2 = {.metric = "churn,fcr,resolution_hours,avg_wait", .format = CX_REPORT_CSV};
    expect_report(f->s, &o2,
                  HDR "churn,0,,,,,,\nfcr,0,,,,,,\nresolution_hours,0,,,,,,\navg_wait,0,,,,,,\n");
    struct qo o3 = {.by = "channel", .format = CX_REPORT_CSV};
    expect_report(f->s, &o3, "channel," HDR);
    struct qo o4 = {.format = CX_REPORT_JSON};
    char *got = report2(f->s, &o4, NULL);
    assert_non_null(strstr(got, "\"metric\":\"nps\",\"n\":0,\"value\":null"));
    free(got);
}

/* 30 promoters: the adjusted-Wald upper bound 103.1 is clipped to 100.00. */
static void test_nps_clipped(void **state)
{
    struct fx *f = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    fputs("{\"id\":\"seed\",\"customer\":\"c\",\"time\":0,\"metric\":\"nps\",\"score\":10}\n", m);
    for (int i = 0; i < 29; i++)
        fprintf(m,
                "{\"id\":\"n%d\",\"customer\":\"c%d\",\"time\":%d,\"metric\":\"nps\","
                "\"score\":\"10\"}\n",
                i, i, 1767225600 + i * 3600);
    fclose(m);
    load(f->s, CX_RESPONSES, buf);
    free(buf);
    struct qo o = {.metric = "nps", .format = CX_REPORT_CSV};
    expect_report(f->s, &o, HDR "nps,30,100.00,78.70,100.00,30,0,0\n");
}

/* --compare previous: current 2026-03-08..14, previous 03-01..07.
 * csat: 8/10 vs 5/10, diff 30.00, pooled z = 1.406, p = 0.1596, no.
 * nps: current P8 Pa1 D1 = 70.00 [14.73, 92.96], previous P2 Pa2 D6 =
 * -40.00, diff 110.00, z = 110 / sqrt(19.957^2 + 22.120^2) = 3.69, p =
 * 0.0002, yes. */
static void test_compare_previous(void **state)
{
    struct fx *f = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    fputs("id,customer,time,metric,score\n", m);
    for (int i = 0; i < 10; i++) {
        fprintf(m, "pc%d,c%d,2026-03-0%dT12:00:00Z,csat,%d\n", i, i, 1 + i % 7, i < 5 ? 5 : 2);
        fprintf(m, "cc%d,c%d,2026-03-%02dT12:00:00Z,csat,%d\n", i, i, 8 + i % 7, i < 8 ? 4 : 1);
        fprintf(m, "pn%d,c%d,2026-03-0%dT13:00:00Z,nps,%d\n", i, i, 1 + i % 7,
                i < 2   ? 10
                : i < 4 ? 7
                        : 3);
        fprintf(m, "cn%d,c%d,2026-03-%02dT13:00:00Z,nps,%d\n", i, i, 8 + i % 7,
                i < 8   ? 9
                : i < 9 ? 8
                        : 0);
    }
    /* outside both periods */
    fputs("zz,c1,2026-03-15T00:00:00Z,csat,1\n", m);
    fclose(m);
    load(f->s, CX_RESPONSES, buf);
    free(buf);
    struct qo o = {.metric = "csat,nps",
                   .from = "2026-03-08",
                   .to = "2026-03-14",
                   .compare = "previous",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &o,
                  "metric,n,value,ci_low,ci_high,promoters,passives,detractors,prev_n,prev_value,"
                  "diff,p_value,significant\n"
                  "csat,10,80.00,49.02,94.33,,,,10,50.00,30.00,0.1596,no\n"
                  "nps,10,70.00,14.73,92.96,8,1,1,10,-40.00,110.00,0.0002,yes\n");
    /* the same with an explicit period */
    struct qo o2 = o;
    o2.compare = "2026-03-01..2026-03-07";
    expect_report(f->s, &o2,
                  "metric,n,value,ci_low,ci_high,promoters,passives,detractors,prev_n,prev_value,"
                  "diff,p_value,significant\n"
                  "csat,10,80.00,49.02,94.33,,,,10,50.00,30.00,0.1596,no\n"
                  "nps,10,70.00,14.73,92.96,8,1,1,10,-40.00,110.00,0.0002,yes\n");
    /* previous needs both ends; a grain cannot be compared */
    struct qo bad1 = {.metric = "csat", .from = "2026-03-08", .compare = "previous"};
    expect_query_error(f->s, &bad1, CX_EINVAL, "--from and --to");
    struct qo bad2 = {.metric = "csat",
                      .by = "day",
                      .from = "2026-03-08",
                      .to = "2026-03-14",
                      .compare = "previous"};
    expect_query_error(f->s, &bad2, CX_EINVAL, "day");
}

/* --compare previous with dates takes as many local days before --from:
 * with --tz Europe/Oslo the week 2026-03-30..04-05 follows the week
 * 03-23..03-29, which is one hour shorter (clocks went forward on 03-29).
 * A response at 2026-03-22 23:30 local time belongs to neither week. */
static void test_compare_previous_dst(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score\n"
         "a,c,2026-03-22T22:30:00Z,csat,5\n" /* 03-22 23:30 CET */
         "b,c,2026-03-25T12:00:00Z,csat,1\n"
         "c,c,2026-04-01T12:00:00Z,csat,5\n");
    struct qo o = {.metric = "csat",
                   .tz = "Europe/Oslo",
                   .from = "2026-03-30",
                   .to = "2026-04-05",
                   .compare = "previous",
                   .format = CX_REPORT_CSV};
    char *got = report2(f->s, &o, NULL);
    assert_non_null(strstr(got, "\ncsat,1,100.00,20.65,100.00,,,,1,0.00,100.00,"));
    free(got);
}

/* --from/--to: dates are whole local days (both inclusive), instants are
 * [from, to). */
static void test_from_to(void **state)
{
    struct fx *f = *state;
    load(f->s, CX_RESPONSES,
         "id,customer,time,metric,score\n"
         "a,c,2026-03-01T00:00:00Z,csat,5\n"
         "b,c,2026-03-01T23:59:59.999Z,csat,5\n"
         "c,c,2026-03-02T00:00:00Z,csat,1\n"
         "d,c,2026-03-02T12:00:00Z,csat,1\n");
    struct qo a = {
        .metric = "csat", .from = "2026-03-01", .to = "2026-03-01", .format = CX_REPORT_CSV};
    expect_report(f->s, &a, HDR "csat,2,100.00,34.24,100.00,,,\n");
    struct qo b = {.metric = "csat",
                   .from = "2026-03-01T12:00:00Z",
                   .to = "2026-03-02T12:00:00Z",
                   .format = CX_REPORT_CSV};
    expect_report(f->s, &b, HDR "csat,2,50.00,9.45,90.55,,,\n");
}

static void test_query_errors(void **state)
{
    struct fx *f = *state;
    struct cx_query q;
    struct cx_err err = {{0}};
    cx_query_init(&q);
    assert_int_equal(cx_query_add_metrics(&q, "nps,bogus", &err), CX_EINVAL);
    assert_non_null(strstr(err.msg, "bogus"));
    assert_int_equal(cx_query_add_metrics(&q, ",", &err), CX_EINVAL);
    assert_int_equal(cx_query_add_by(&q, "day,day", &err), CX_EINVAL);
    cx_query_free(&q);
    struct qo tz = {.metric = "nps", .tz = "Mars/Olympus"};
    expect_query_error(f->s, &tz, CX_EINVAL, "Mars/Olympus");
    struct qo from = {.metric = "nps", .from = "2026-02-30"};
    expect_query_error(f->s, &from, CX_EINVAL, "--from");
    struct qo to = {.metric = "nps", .to = "yesterday"};
    expect_query_error(f->s, &to, CX_EINVAL, "--to");
    struct qo rev = {.metric = "nps", .from = "2026-03-03", .to = "2026-03-01"};
    expect_query_error(f->s, &rev, CX_EINVAL, NULL);
    /* one day back: the resolved instants are equal, still an error */
    struct qo rev1 = {.metric = "nps", .from = "2026-03-02", .to = "2026-03-01"};
    expect_query_error(f->s, &rev1, CX_EINVAL, "--from");
    /* one day is fine */
    struct qo one = {.metric = "nps", .from = "2026-03-02", .to = "2026-03-02"};
    free(report2(f->s, &one, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_call_abandonment_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abandonment_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_abandon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avg_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cart_abandonment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tickets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negative_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_churn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_score_scales, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weeks_new_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tz_dst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_cross_midnight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nps_clipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_previous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_previous_dst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_to, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
