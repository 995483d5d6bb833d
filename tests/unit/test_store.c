/* test_store.c - the SQLite store (store/sqlite.c): idempotent puts,
 * rollups kept current on update and erase, the erase leaving no trace in
 * the database files, schema migration with rollup backfill, API keys. */
#define _GNU_SOURCE /* memmem */
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
#include <sqlite3.h>

#include "engine/report.h"
#include "io/record.h"
#include "store/store.h"

/* ---- fixture ---- */

struct fx {
    char dir[64];
    char db[128];
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

static struct cx_store *reopen(const char *dir, int max_version)
{
    struct cx_store_opts o = {0};
    o.create = 1;
    o.max_version = max_version;
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
    snprintf(f->dir, sizeof f->dir, "/tmp/cx_test_store_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->db, sizeof f->db, "%s/cxpulse.db", f->dir);
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

/* ---- building records ---- */

/* A row from NULL-terminated key/value pairs (a NULL value is absent). */
struct rowbuf {
    struct cx_field f[32];
    struct cx_row row;
};

static void mkrow(struct rowbuf *b, const char *const *kv)
{
    size_t n = 0;
    for (; kv[2 * n]; n++) {
        assert_true(n < 32);
        b->f[n].key = kv[2 * n];
        b->f[n].klen = strlen(kv[2 * n]);
        b->f[n].val = kv[2 * n + 1] ? kv[2 * n + 1] : "";
        b->f[n].vlen = kv[2 * n + 1] ? strlen(kv[2 * n + 1]) : 0;
        b->f[n].kind = kv[2 * n + 1] ? CX_VAL_STRING : CX_VAL_ABSENT;
    }
    b->row.line = 2;
    b->row.n = n;
    b->row.f = b->f;
}

static void mkresp(struct cx_response *r, const char *const *kv)
{
    struct rowbuf b;
    struct cx_reject why;
    mkrow(&b, kv);
    int rc = cx_response_from_row(&b.row, r, &why);
    if (rc) fprintf(stderr, "response rejected: %s: %s\n", why.field, why.reason);
    assert_int_equal(rc, 0);
}

static void mkevent(struct cx_event *e, const char *const *kv)
{
    struct rowbuf b;
    struct cx_reject why;
    mkrow(&b, kv);
    int rc = cx_event_from_row(&b.row, e, &why);
    if (rc) fprintf(stderr, "event rejected: %s: %s\n", why.field, why.reason);
    assert_int_equal(rc, 0);
}

/* Writes one response in its own transaction and returns the outcome. */
static enum cx_put put_resp(struct cx_store *s, const char *const *kv)
{
    struct cx_response r;
    struct cx_err err = {{0}};
    enum cx_put res = (enum cx_put) - 1;
    mkresp(&r, kv);
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
    cx_response_clear(&r);
    return res;
}

static enum cx_put put_ev(struct cx_store *s, const char *const *kv)
{
    struct cx_event e;
    struct cx_err err = {{0}};
    enum cx_put res = (enum cx_put) - 1;
    mkevent(&e, kv);
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    assert_int_equal(s->vt->put_event(s, &e, &res, &err), CX_OK);
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
    cx_event_clear(&e);
    return res;
}

/* ---- reading back ---- */

/* Runs a CSV report from rollups and by scanning; both must agree and the
 * first must have used the rollups unless no rollup dimension set covers
 * all of `by` (channel, touchpoint and lang together). Returns the text
 * (caller frees). */
static char *report(struct cx_store *s, const char *metrics, const char *by)
{
    int all3 = by && strstr(by, "channel") && strstr(by, "touchpoint") && strstr(by, "lang");
    char *out[2] = {NULL, NULL};
    for (int scan = 0; scan < 2; scan++) {
        struct cx_query q;
        struct cx_err err = {{0}};
        cx_query_init(&q);
        assert_int_equal(cx_query_add_metrics(&q, metrics, &err), CX_OK);
        if (by) assert_int_equal(cx_query_add_by(&q, by, &err), CX_OK);
        q.force_scan = scan;
        struct cx_report *r = NULL;
        int rc = cx_report_run(s, &q, &r, &err);
        if (rc) fprintf(stderr, "report: %s\n", err.msg);
        assert_int_equal(rc, CX_OK);
        if (scan || !all3) assert_int_equal(r->used_rollup, !scan);
        size_t len = 0;
        FILE *m = open_memstream(&out[scan], &len);
        assert_non_null(m);
        assert_int_equal(cx_report_write(m, r, CX_REPORT_CSV), CX_OK);
        fclose(m);
        cx_report_free(r);
        cx_query_free(&q);
    }
    if (strcmp(out[0], out[1])) fprintf(stderr, "--- rollup\n%s--- scan\n%s---\n", out[0], out[1]);
    assert_string_equal(out[0], out[1]);
    free(out[1]);
    return out[0];
}

static void expect_report(struct cx_store *s, const char *metrics, const char *by, const char *want)
{
    char *got = report(s, metrics, by);
    if (strcmp(got, want)) fprintf(stderr, "--- want\n%s--- got\n%s---\n", want, got);
    assert_string_equal(got, want);
    free(got);
}

/* Sum of all rollup cells of cuboid 0 (every count must be >= 0). */
static int rollup_sum_cb(void *ctx, const struct cx_rollup_row *r)
{
    int64_t *sum = ctx;
    for (int i = 0; i < CX_MAXBINS; i++) {
        assert_true((int64_t)r->c[i] >= 0);
        *sum += (int64_t)r->c[i];
    }
    return 0;
}

static int64_t rollup_total(struct cx_store *s, int cuboid)
{
    int64_t sum = 0;
    struct cx_err err = {{0}};
    assert_int_equal(
        s->vt->scan_rollup(s, cuboid, INT64_MIN / 4, INT64_MAX / 4, rollup_sum_cb, &sum, &err),
        CX_OK);
    return sum;
}

struct seen {
    const char *needle;
    int hits;
    int n;
};

static int rollup_find_cb(void *ctx, const struct cx_rollup_row *r)
{
    struct seen *s = ctx;
    s->n++;
    if (!strcmp(r->channel, s->needle) || !strcmp(r->touchpoint, s->needle) ||
        !strcmp(r->lang, s->needle))
        s->hits++;
    return 0;
}

static int count_resp_cb(void *ctx, const struct cx_resp_row *r)
{
    (*(int *)ctx)++;
    return 0;
}

static int count_ev_cb(void *ctx, const struct cx_event *e)
{
    (*(int *)ctx)++;
    return 0;
}

static int count_rows(struct cx_store *s, const char *customer, int events)
{
    struct cx_scan_filter f = {0};
    struct cx_err err = {{0}};
    int n = 0;
    f.customer = customer;
    f.with_text = 1;
    int rc = events ? s->vt->scan_events(s, &f, count_ev_cb, &n, &err)
                    : s->vt->scan_responses(s, &f, count_resp_cb, &n, &err);
    assert_int_equal(rc, CX_OK);
    return n;
}

/* ---- tests ---- */

#define HDR "metric,n,value,ci_low,ci_high,promoters,passives,detractors\n"

static void test_open_missing(void **state)
{
    struct fx *f = *state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/nothing-here", f->dir);
    struct cx_store_opts o = {0};
    struct cx_store *s = NULL;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(dir, &o, &s, &err), CX_ENOTFOUND);
    assert_null(s);
    assert_non_null(strstr(err.msg, "init"));
    assert_int_not_equal(access(dir, F_OK), 0); /* nothing created */
    f->s = reopen(f->dir, 0);
    assert_int_equal(access(f->db, F_OK), 0);
    assert_string_equal(f->s->rollup_tz, "UTC");
}

static void test_response_idempotency(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    const char *r1[] = {
        "id",    "r1", "customer", "c1",    "time",    "2026-03-01T12:00:00Z", "metric", "nps",
        "score", "9",  "channel",  "email", "comment", "fast and friendly",    "plan",   "Pro",
        NULL};
    assert_int_equal(put_resp(f->s, r1), CX_PUT_INSERTED);
    assert_int_equal(put_resp(f->s, r1), CX_PUT_UNCHANGED);
    /* the same after normalisation: instant written with another offset,
     * metric and channel case, the default scale spelt out */
    const char *r1b[] = {"id",       "r1",
                         "customer", "c1",
                         "time",     "2026-03-01T13:00:00+01:00",
                         "metric",   "NPS",
                         "score",    "+9",
                         "scale",    "0-10",
                         "channel",  "EMAIL",
                         "comment",  "fast and friendly",
                         "plan",     "Pro",
                         NULL};
    assert_int_equal(put_resp(f->s, r1b), CX_PUT_UNCHANGED);
    const char *r1u[] = {
        "id",   "r1",    "customer", "c1",      "time",  "1772366400", "metric",
        "nps",  "score", "9",        "channel", "email", "comment",    "fast and friendly",
        "plan", "Pro",   NULL};
    assert_int_equal(put_resp(f->s, r1u), CX_PUT_UNCHANGED); /* 1772366400 = 12:00Z */
    expect_report(f->s, "nps", NULL, HDR "nps,1,100.00,-48.50,98.50,1,0,0\n");

    /* an attribute change is an update */
    const char *r1p[] = {
        "id",    "r1", "customer", "c1",    "time",    "2026-03-01T12:00:00Z", "metric", "nps",
        "score", "9",  "channel",  "email", "comment", "fast and friendly",    "plan",   "Basic",
        NULL};
    assert_int_equal(put_resp(f->s, r1p), CX_PUT_UPDATED);

    /* a changed score: the rollup holds only the new score */
    const char *r1s[] = {
        "id",    "r1", "customer", "c1",    "time",    "2026-03-01T12:00:00Z", "metric", "nps",
        "score", "3",  "channel",  "email", "comment", "fast and friendly",    "plan",   "Basic",
        NULL};
    assert_int_equal(put_resp(f->s, r1s), CX_PUT_UPDATED);
    assert_int_equal(put_resp(f->s, r1s), CX_PUT_UNCHANGED);
    expect_report(f->s, "nps", NULL, HDR "nps,1,-100.00,-98.50,48.50,0,0,1\n");
    expect_report(f->s, "nps", "channel,day",
                  "channel,day," HDR "email,2026-03-01,nps,1,-100.00,-98.50,48.50,0,0,1\n");
    for (int c = 0; c < CX_NCUBOIDS; c++) assert_int_equal(rollup_total(f->s, c), 1);

    /* moved to another day, channel and kind: old cells emptied */
    const char *r1m[] = {"id",     "r1",   "customer", "c1", "time",    "2026-03-05T08:00:00Z",
                         "metric", "csat", "score",    "5",  "channel", "web",
                         NULL};
    assert_int_equal(put_resp(f->s, r1m), CX_PUT_UPDATED);
    expect_report(f->s, "nps,csat", "channel,day",
                  "channel,day," HDR "web,2026-03-05,nps,0,,,,0,0,0\n"
                  "web,2026-03-05,csat,1,100.00,20.65,100.00,,,\n");
    for (int c = 0; c < CX_NCUBOIDS; c++) assert_int_equal(rollup_total(f->s, c), 1);
    assert_int_equal(count_rows(f->s, "c1", 0), 1);

    /* a rolled-back transaction leaves neither rows nor rollup counts */
    struct cx_response r;
    const char *r2[] = {"id",     "r2",   "customer", "c2", "time", "2026-03-05T09:00:00Z",
                        "metric", "csat", "score",    "1",  NULL};
    mkresp(&r, r2);
    struct cx_err err = {{0}};
    enum cx_put res;
    assert_int_equal(f->s->vt->begin(f->s, &err), CX_OK);
    assert_int_equal(f->s->vt->put_response(f->s, &r, &res, &err), CX_OK);
    assert_int_equal(res, CX_PUT_INSERTED);
    f->s->vt->rollback(f->s);
    cx_response_clear(&r);
    assert_int_equal(count_rows(f->s, "c2", 0), 0);
    for (int c = 0; c < CX_NCUBOIDS; c++) assert_int_equal(rollup_total(f->s, c), 1);
    assert_int_equal(put_resp(f->s, r2), CX_PUT_INSERTED);
    expect_report(f->s, "csat", NULL, HDR "csat,2,50.00,9.45,90.55,,,\n");

    /* the store survives a reopen with the same content */
    cx_store_close(f->s);
    f->s = reopen(f->dir, 0);
    assert_int_equal(put_resp(f->s, r2), CX_PUT_UNCHANGED);
    expect_report(f->s, "csat", NULL, HDR "csat,2,50.00,9.45,90.55,,,\n");
}

struct evcap {
    int n;
    int64_t wait_ns;
    int has_wait;
    char channel[32], text[64];
};

static int capture_ev(void *ctx, const struct cx_event *e)
{
    struct evcap *c = ctx;
    c->n++;
    c->has_wait = e->has_wait;
    c->wait_ns = e->wait_ns;
    snprintf(c->channel, sizeof c->channel, "%s", e->channel);
    snprintf(c->text, sizeof c->text, "%s", e->text ? e->text : "(null)");
    return 0;
}

static void test_event_idempotency(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    const char *e1[] = {"id",       "e1",
                        "customer", "c1",
                        "time",     "2026-03-01T12:00:00Z",
                        "type",     "call.answered",
                        "channel",  "Phone",
                        "wait_s",   "12",
                        "text",     "hello",
                        NULL};
    assert_int_equal(put_ev(f->s, e1), CX_PUT_INSERTED);
    assert_int_equal(put_ev(f->s, e1), CX_PUT_UNCHANGED);
    const char *e1b[] = {"id",       "e1",
                         "customer", "c1",
                         "time",     "2026-03-01T07:00:00-05:00",
                         "type",     "call.answered",
                         "channel",  "phone",
                         "wait_s",   "12.000",
                         "text",     "hello",
                         NULL};
    assert_int_equal(put_ev(f->s, e1b), CX_PUT_UNCHANGED);
    /* responses and events have separate id spaces */
    const char *r1[] = {"id",     "e1",  "customer", "c1", "time", "2026-03-01T12:00:00Z",
                        "metric", "ces", "score",    "7",  NULL};
    assert_int_equal(put_resp(f->s, r1), CX_PUT_INSERTED);
    /* changes: wait, then dropping the text (absent differs from present) */
    const char *e1c[] = {"id",       "e1",
                         "customer", "c1",
                         "time",     "2026-03-01T12:00:00Z",
                         "type",     "call.answered",
                         "channel",  "phone",
                         "wait_s",   "12.5",
                         "text",     "hello",
                         NULL};
    assert_int_equal(put_ev(f->s, e1c), CX_PUT_UPDATED);
    const char *e1d[] = {"id",       "e1",
                         "customer", "c1",
                         "time",     "2026-03-01T12:00:00Z",
                         "type",     "call.answered",
                         "channel",  "phone",
                         "wait_s",   "12.5",
                         NULL};
    assert_int_equal(put_ev(f->s, e1d), CX_PUT_UPDATED);
    assert_int_equal(put_ev(f->s, e1d), CX_PUT_UNCHANGED);
    struct evcap cap = {0};
    struct cx_scan_filter flt = {0};
    flt.customer = "c1";
    flt.with_text = 1;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->scan_events(f->s, &flt, capture_ev, &cap, &err), CX_OK);
    assert_int_equal(cap.n, 1);
    assert_int_equal(cap.has_wait, 1);
    assert_true(cap.wait_ns == 12500000000LL);
    assert_string_equal(cap.channel, "phone");
    assert_string_equal(cap.text, "(null)");
    /* the type changes: the call becomes abandoned */
    const char *e1e[] = {"id",       "e1",
                         "customer", "c1",
                         "time",     "2026-03-01T12:00:00Z",
                         "type",     "call.abandoned",
                         "channel",  "phone",
                         "wait_s",   "12.5",
                         NULL};
    assert_int_equal(put_ev(f->s, e1e), CX_PUT_UPDATED);
    struct cx_query q;
    cx_query_init(&q);
    assert_int_equal(cx_query_add_metrics(&q, "call_abandonment", &err), CX_OK);
    struct cx_report *r = NULL;
    assert_int_equal(cx_report_run(f->s, &q, &r, &err), CX_OK);
    assert_int_equal(r->nrows, 1);
    assert_int_equal(r->rows[0].est.n, 1);
    assert_int_equal(r->rows[0].est.k, 1);
    cx_report_free(r);
    cx_query_free(&q);
}

/* Reads a whole file; returns NULL (and *len 0) if it does not exist. */
static unsigned char *slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    assert_non_null(b);
    size_t k;
    while ((k = fread(b + n, 1, cap - n, fp)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
    }
    fclose(fp);
    *len = n;
    return b;
}

/* Number of the database files (db, -wal) that contain needle. */
static int files_containing(const char *db, const char *needle)
{
    const char *suffix[2] = {"", "-wal"};
    int hits = 0;
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        size_t len;
        unsigned char *b = slurp(path, &len);
        if (b && memmem(b, len, needle, strlen(needle))) hits++;
        free(b);
    }
    return hits;
}

#define VICTIM "victim-7f3a9c"
#define VCOMMENT "UNIQUE-COMMENT-q9x2w"
#define VTEXT "UNIQUE-TEXT-k2p8z"
#define VCHANNEL "rarechannelzz"

static void load_erase_data(struct cx_store *s)
{
    struct cx_err err = {{0}};
    enum cx_put res;
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    char id[32], cust[32], t[40], score[8];
    for (int i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "r%04d", i);
        snprintf(cust, sizeof cust, "cust%03d", i % 97);
        snprintf(t, sizeof t, "2026-03-%02dT%02d:00:00Z", 1 + i % 28, i % 24);
        snprintf(score, sizeof score, "%d", i % 11);
        const char *kv[] = {"id",       id,
                            "customer", cust,
                            "time",     t,
                            "metric",   "nps",
                            "score",    score,
                            "channel",  "email",
                            "comment",  "an ordinary comment about the product",
                            NULL};
        struct cx_response r;
        mkresp(&r, kv);
        assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
        cx_response_clear(&r);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "v%04d", i);
        snprintf(t, sizeof t, "2026-03-%02dT10:00:00Z", 1 + i);
        const char *kv[] = {"id",      id,       "customer", VICTIM,   "time",
                            t,         "metric", "nps",      "score",  i % 2 ? "10" : "0",
                            "channel", VCHANNEL, "comment",  VCOMMENT, NULL};
        struct cx_response r;
        mkresp(&r, kv);
        assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
        cx_response_clear(&r);
        const char *ev[] = {
            "id",      id,     "customer", VICTIM, "time", t, "type", "chat.answered",
            "channel", "chat", "text",     VTEXT,  NULL};
        struct cx_event e;
        mkevent(&e, ev);
        assert_int_equal(s->vt->put_event(s, &e, &res, &err), CX_OK);
        cx_event_clear(&e);
    }
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
}

static void test_erase(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    load_erase_data(f->s);
    char *before = report(f->s, "nps", NULL);
    assert_non_null(strstr(before, "nps,420,"));
    free(before);
    /* the needles are in the files before the erase (the check can fail) */
    cx_store_close(f->s);
    f->s = NULL;
    assert_true(files_containing(f->db, VICTIM) > 0);
    assert_true(files_containing(f->db, VCOMMENT) > 0);
    assert_true(files_containing(f->db, VTEXT) > 0);
    assert_true(files_containing(f->db, VCHANNEL) > 0);

    f->s = reopen(f->dir, 0);
    struct cx_err err = {{0}};
    uint64_t nr = 0, ne = 0;
    assert_int_equal(f->s->vt->erase_customer(f->s, VICTIM, &nr, &ne, &err), CX_OK);
    assert_int_equal(nr, 20);
    assert_int_equal(ne, 20);
    assert_int_equal(count_rows(f->s, VICTIM, 0), 0);
    assert_int_equal(count_rows(f->s, VICTIM, 1), 0);
    assert_int_equal(count_rows(f->s, "cust001", 0), 5);
    /* rollups lost exactly the victim's 20 responses; rollup == scan */
    char *after = report(f->s, "nps", NULL);
    assert_non_null(strstr(after, "nps,400,"));
    free(after);
    expect_report(f->s, "nps", "channel",
                  "channel," HDR "email,nps,400,-46.00,-53.28,-38.04,72,72,256\n");
    for (int c = 0; c < CX_NCUBOIDS; c++) assert_int_equal(rollup_total(f->s, c), 400);
    /* no rollup cell names the rare channel any more */
    struct seen sn = {VCHANNEL, 0, 0};
    for (int c = 0; c < CX_NCUBOIDS; c++)
        assert_int_equal(
            f->s->vt->scan_rollup(f->s, c, INT64_MIN / 4, INT64_MAX / 4, rollup_find_cb, &sn, &err),
            CX_OK);
    assert_true(sn.n > 0);
    assert_int_equal(sn.hits, 0);
    /* erasing again finds nothing */
    assert_int_equal(f->s->vt->erase_customer(f->s, VICTIM, &nr, &ne, &err), CX_OK);
    assert_int_equal(nr, 0);
    assert_int_equal(ne, 0);

    /* check the bytes both while open and after close */
    assert_int_equal(files_containing(f->db, VICTIM), 0);
    assert_int_equal(files_containing(f->db, VCOMMENT), 0);
    assert_int_equal(files_containing(f->db, VTEXT), 0);
    assert_int_equal(files_containing(f->db, VCHANNEL), 0);
    cx_store_close(f->s);
    f->s = NULL;
    assert_int_equal(files_containing(f->db, VICTIM), 0);
    assert_int_equal(files_containing(f->db, VCOMMENT), 0);
    assert_int_equal(files_containing(f->db, VTEXT), 0);
    assert_int_equal(files_containing(f->db, VCHANNEL), 0);
    /* other customers are intact */
    assert_true(files_containing(f->db, "cust001") > 0);
}

static void exec_sql(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (rc) fprintf(stderr, "sql: %s\n", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(h);
    assert_int_equal(rc, SQLITE_OK);
}

static int64_t scalar(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* A bulk load of responses drops the follow-up task trigger and the newest-
 * first index and rebuilds both in one pass at the end, with the same tasks
 * a row-by-row load makes; a load that stopped half-way is mended at open. */
static void test_bulk_load_tasks(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->bulk_begin(f->s, 0, &err), CX_OK);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                   "('responses_task_ai','responses_recent')"),
                     0);
    const char *low[] = {"id",     "b1",  "customer", "c1", "time", "2026-03-01T12:00:00Z",
                         "metric", "nps", "score",    "3",  NULL};
    const char *high[] = {"id",     "b2",  "customer", "c2", "time", "2026-03-01T12:00:00Z",
                          "metric", "nps", "score",    "9",  NULL};
    assert_int_equal(put_resp(f->s, low), CX_PUT_INSERTED);
    assert_int_equal(put_resp(f->s, high), CX_PUT_INSERTED);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks"), 0);
    assert_int_equal(f->s->vt->bulk_end(f->s, 0, &err), CX_OK);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks WHERE response='b1'"), 1);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks"), 1);
    assert_int_equal(scalar(f->db, "SELECT sum(n) FROM task_stats"), 1);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                   "('responses_task_ai','responses_recent')"),
                     2);
    /* the trigger is back: a row-by-row low score gets its task */
    const char *low2[] = {"id",     "b3",  "customer", "c3", "time", "2026-03-02T12:00:00Z",
                          "metric", "nps", "score",    "1",  NULL};
    assert_int_equal(put_resp(f->s, low2), CX_PUT_INSERTED);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks"), 2);
    /* a bulk load that stopped: no trigger, tasks missing; the next open mends */
    cx_store_close(f->s);
    f->s = NULL;
    exec_sql(f->db, "DROP TRIGGER responses_task_ai; DROP INDEX responses_recent;"
                    " DELETE FROM tasks;");
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks"), 0);
    f->s = reopen(f->dir, 0);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM tasks"), 2);
    assert_int_equal(scalar(f->db, "SELECT sum(n) FROM task_stats"), 2);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                   "('responses_task_ai','responses_recent')"),
                     2);
}

static int user_version(const char *db)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static void test_migration(void **state)
{
    struct fx *f = *state;
    /* a version-1 store: no rollup table */
    f->s = reopen(f->dir, 1);
    const char *a[] = {"id",     "m1",  "customer", "c1", "time",    "2026-03-01T10:00:00Z",
                       "metric", "nps", "score",    "10", "channel", "email",
                       "lang",   "nb",  NULL};
    const char *b[] = {"id",     "m2",  "customer", "c2", "time",    "2026-03-02T10:00:00Z",
                       "metric", "nps", "score",    "2",  "channel", "sms",
                       NULL};
    const char *c[] = {"id",         "m3",      "customer", "c3", "time",  "2026-03-02T11:00:00Z",
                       "metric",     "ces",     "score",    "3",  "scale", "1-5",
                       "touchpoint", "billing", NULL};
    assert_int_equal(put_resp(f->s, a), CX_PUT_INSERTED);
    assert_int_equal(put_resp(f->s, b), CX_PUT_INSERTED);
    assert_int_equal(put_resp(f->s, c), CX_PUT_INSERTED);
    const char *b2[] = {"id",     "m2",  "customer", "c2", "time",    "2026-03-02T10:00:00Z",
                        "metric", "nps", "score",    "8",  "channel", "sms",
                        NULL};
    assert_int_equal(put_resp(f->s, b2), CX_PUT_UPDATED);
    cx_store_close(f->s);
    f->s = NULL;
    assert_int_equal(user_version(f->db), 1);
    /* rows written by an older cxpulse straight into the v1 table:
     * csat 1-5 (scale index 2) scores 4 and 1 on 2026-03-03 */
    exec_sql(f->db, "INSERT INTO responses(id,customer,t,tns,scale,score,channel,touchpoint,"
                    "lang,comment,attrs) VALUES"
                    "('old1','c4',1772532000,0,2,4,'web','checkout',NULL,'ok',X''),"
                    "('old2','c5',1772535600,500,2,1,'web','checkout','en',NULL,X'')");

    /* reopening migrates to the latest version and fills the rollups */
    f->s = reopen(f->dir, 0);
    assert_int_equal(user_version(f->db), CX_SCHEMA_VERSION);
    const char *want = "day," HDR "2026-03-01,nps,1,100.00,-48.50,98.50,1,0,0\n"
                       "2026-03-01,csat,0,,,,,,\n"
                       "2026-03-01,ces,0,,,,,,\n"
                       "2026-03-02,nps,1,0.00,-60.01,60.01,0,1,0\n"
                       "2026-03-02,csat,0,,,,,,\n"
                       "2026-03-02,ces,1,4.00,,,,,\n"
                       "2026-03-03,nps,0,,,,0,0,0\n"
                       "2026-03-03,csat,2,50.00,9.45,90.55,,,\n"
                       "2026-03-03,ces,0,,,,,,\n";
    expect_report(f->s, "nps,csat,ces", "day", want);
    expect_report(f->s, "nps,csat", "channel,touchpoint,lang",
                  "channel,touchpoint,lang," HDR
                  "email,unknown,nb,nps,1,100.00,-48.50,98.50,1,0,0\n"
                  "email,unknown,nb,csat,0,,,,,,\n"
                  "sms,unknown,,nps,1,0.00,-60.01,60.01,0,1,0\n"
                  "sms,unknown,,csat,0,,,,,,\n"
                  "web,checkout,,nps,0,,,,0,0,0\n"
                  "web,checkout,,csat,1,100.00,20.65,100.00,,,\n"
                  "web,checkout,en,nps,0,,,,0,0,0\n"
                  "web,checkout,en,csat,1,0.00,0.00,79.35,,,\n");
    for (int k = 0; k < CX_NCUBOIDS; k++) assert_int_equal(rollup_total(f->s, k), 5);
    /* new writes keep the rollups current */
    const char *d[] = {
        "id",         "old1",     "customer", "c4", "time",    "2026-03-03T10:00:00Z",
        "metric",     "csat",     "score",    "5",  "channel", "web",
        "touchpoint", "checkout", "comment",  "ok", NULL};
    assert_int_equal(put_resp(f->s, d), CX_PUT_UPDATED);
    expect_report(f->s, "csat", "day", "day," HDR "2026-03-03,csat,2,50.00,9.45,90.55,,,\n");
    cx_store_close(f->s);
    /* opening again does not backfill twice */
    f->s = reopen(f->dir, 0);
    for (int k = 0; k < CX_NCUBOIDS; k++) assert_int_equal(rollup_total(f->s, k), 5);
}

static void test_newer_version_refused(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    cx_store_close(f->s);
    f->s = NULL;
    exec_sql(f->db, "PRAGMA user_version=99");
    struct cx_store_opts o = {0};
    struct cx_err err = {{0}};
    struct cx_store *s = NULL;
    assert_int_equal(cx_store_open_sqlite(f->dir, &o, &s, &err), CX_EVERSION);
    assert_null(s);
    assert_non_null(strstr(err.msg, "newer"));
}

static void test_api_keys(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    struct cx_err err = {{0}};
    char *k1 = NULL, *k2 = NULL;
    assert_int_equal(f->s->vt->key_create(f->s, "admin", "admin", &k1, &err), CX_OK);
    assert_int_equal(f->s->vt->key_create(f->s, "loader", "ingest", &k2, &err), CX_OK);
    assert_non_null(k1);
    assert_non_null(k2);
    assert_int_equal(strncmp(k1, "cxp_", 4), 0);
    assert_string_not_equal(k1, k2);

    struct cx_api_key info;
    assert_int_equal(f->s->vt->key_check(f->s, k1, &info, &err), CX_OK);
    assert_string_equal(info.scope, "admin");
    assert_string_equal(info.name, "admin");
    int64_t id1 = info.id;
    assert_int_equal(f->s->vt->key_check(f->s, k2, &info, &err), CX_OK);
    assert_string_equal(info.scope, "ingest");
    int64_t id2 = info.id;
    assert_true(id1 != id2);

    /* tampered keys: last character, a middle character, the prefix */
    char *t = strdup(k1);
    assert_non_null(t);
    size_t n = strlen(t);
    t[n - 1] = t[n - 1] == 'A' ? 'B' : 'A';
    assert_int_not_equal(f->s->vt->key_check(f->s, t, &info, &err), CX_OK);
    strcpy(t, k1);
    t[20] = t[20] == 'x' ? 'y' : 'x';
    assert_int_not_equal(f->s->vt->key_check(f->s, t, &info, &err), CX_OK);
    strcpy(t, k1);
    t[5] = t[5] == '0' ? '1' : '0';
    assert_int_not_equal(f->s->vt->key_check(f->s, t, &info, &err), CX_OK);
    strcpy(t, k1);
    t[n - 1] = 0; /* truncated */
    assert_int_not_equal(f->s->vt->key_check(f->s, t, &info, &err), CX_OK);
    free(t);
    assert_int_not_equal(f->s->vt->key_check(f->s, "", &info, &err), CX_OK);
    assert_int_not_equal(f->s->vt->key_check(f->s, "cxp_", &info, &err), CX_OK);
    assert_int_not_equal(f->s->vt->key_check(f->s, "Bearer nonsense", &info, &err), CX_OK);

    /* the database holds no secret */
    cx_store_close(f->s);
    f->s = NULL;
    assert_int_equal(files_containing(f->db, k1 + 17), 0);
    f->s = reopen(f->dir, 0);

    struct cx_api_key *list = NULL;
    size_t nk = 0;
    assert_int_equal(f->s->vt->key_list(f->s, &list, &nk, &err), CX_OK);
    assert_int_equal(nk, 2);
    assert_int_equal(list[0].revoked, 0);
    assert_int_equal(strncmp(k1 + 4, list[0].prefix, 12), 0);
    free(list);

    assert_int_equal(f->s->vt->key_revoke(f->s, id1, &err), CX_OK);
    assert_int_not_equal(f->s->vt->key_check(f->s, k1, &info, &err), CX_OK);
    assert_int_equal(f->s->vt->key_revoke(f->s, id1, &err), CX_ENOTFOUND);
    assert_int_equal(f->s->vt->key_revoke(f->s, 12345, &err), CX_ENOTFOUND);
    /* the other key still works, also after a reopen */
    cx_store_close(f->s);
    f->s = reopen(f->dir, 0);
    assert_int_equal(f->s->vt->key_check(f->s, k2, &info, &err), CX_OK);
    assert_int_not_equal(f->s->vt->key_check(f->s, k1, &info, &err), CX_OK);
    assert_int_equal(f->s->vt->key_list(f->s, &list, &nk, &err), CX_OK);
    assert_int_equal(nk, 2);
    assert_true(list[0].revoked > 0);
    assert_int_equal(list[1].revoked, 0);
    free(list);
    free(k1);
    free(k2);
}

static void test_meta(void **state)
{
    struct fx *f = *state;
    f->s = reopen(f->dir, 0);
    struct cx_err err = {{0}};
    char *v = NULL;
    assert_int_equal(f->s->vt->meta_get(f->s, "nothing", &v, &err), CX_ENOTFOUND);
    assert_null(v);
    assert_int_equal(f->s->vt->meta_set(f->s, "k", "one", &err), CX_OK);
    assert_int_equal(f->s->vt->meta_set(f->s, "k", "two", &err), CX_OK);
    assert_int_equal(f->s->vt->meta_get(f->s, "k", &v, &err), CX_OK);
    assert_string_equal(v, "two");
    free(v);
    assert_int_equal(f->s->vt->meta_get(f->s, "rollup_tz", &v, &err), CX_OK);
    assert_string_equal(v, "UTC");
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_load_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
