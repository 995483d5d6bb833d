/* test_lost.c - engine/lost.c: cancelled, not renewed and inactive
 * customers with their last scores and the interactions before they left;
 * active customers (renewed, restarted, a second subscription, recent
 * activity) are not listed; `now`, limit and since. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/lost.h"
#include "io/record.h"
#include "store/store.h"

#define DAY 86400LL
#define NOW 1780000000LL

struct fx {
    char dir[64];
    struct cx_store *s;
    unsigned long nid;
};

/* ---- rows ---- */

static void mkrow(struct cx_row *row, struct cx_field *fl, const char *const *kv)
{
    size_t n = 0;
    for (; kv[2 * n]; n++) {
        fl[n].key = kv[2 * n];
        fl[n].klen = strlen(kv[2 * n]);
        fl[n].val = kv[2 * n + 1] ? kv[2 * n + 1] : "";
        fl[n].vlen = kv[2 * n + 1] ? strlen(kv[2 * n + 1]) : 0;
        fl[n].kind = kv[2 * n + 1] ? CX_VAL_STRING : CX_VAL_ABSENT;
    }
    row->line = 2;
    row->n = n;
    row->f = fl;
}

/* A response `days_ago` days before NOW (scale NULL = default). */
static void resp(struct fx *f, const char *cust, double days_ago, const char *metric, int score,
                 const char *scale)
{
    char id[32], ts[32], sc[16];
    snprintf(id, sizeof id, "r%lu", ++f->nid);
    snprintf(ts, sizeof ts, "%lld", NOW - (long long)(days_ago * DAY));
    snprintf(sc, sizeof sc, "%d", score);
    const char *kv[] = {"id",   id,      "customer", cust,    "time", ts,  "metric",
                        metric, "score", sc,         "scale", scale,  NULL};
    struct cx_field fl[16];
    struct cx_row row;
    mkrow(&row, fl, kv);
    struct cx_response r;
    struct cx_reject why;
    int rc = cx_response_from_row(&row, &r, &why);
    if (rc) fprintf(stderr, "response rejected: %s: %s\n", why.field, why.reason);
    assert_int_equal(rc, 0);
    enum cx_put res;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->put_response(f->s, &r, &res, &err), CX_OK);
    cx_response_clear(&r);
}

static void ev(struct fx *f, const char *cust, double days_ago, const char *type,
               const char *channel, const char *ref, const char *text)
{
    char id[32], ts[32];
    snprintf(id, sizeof id, "e%lu", ++f->nid);
    snprintf(ts, sizeof ts, "%lld", NOW - (long long)(days_ago * DAY));
    const char *kv[] = {"id",      id,      "customer", cust, "time", ts,   "type", type,
                        "channel", channel, "ref",      ref,  "text", text, NULL};
    struct cx_field fl[16];
    struct cx_row row;
    mkrow(&row, fl, kv);
    struct cx_event e;
    struct cx_reject why;
    int rc = cx_event_from_row(&row, &e, &why);
    if (rc) fprintf(stderr, "event rejected: %s: %s\n", why.field, why.reason);
    assert_int_equal(rc, 0);
    enum cx_put res;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->put_event(f->s, &e, &res, &err), CX_OK);
    cx_event_clear(&e);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/cx_test_lost_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_err err = {{0}};
    if (cx_store_open_sqlite(f->dir, &o, &f->s, &err)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cx_store_close(f->s);
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The data set of every test. */
static void load(struct fx *f)
{
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->begin(f->s, &err), CX_OK);

    /* alice cancelled 10 days ago after a bad call and a transfer */
    ev(f, "alice", 200, "subscription.started", "web", "s-alice", NULL);
    resp(f, "alice", 40, "ces", 4, NULL);
    resp(f, "alice", 30, "nps", 3, NULL);
    resp(f, "alice", 15, "ces", 2, NULL);
    ev(f, "alice", 14, "ticket.opened", "email", "t1", "my invoice is wrong");
    ev(f, "alice", 12, "call.abandoned", "phone", NULL, NULL);
    ev(f, "alice", 11, "ticket.transferred", "phone", "t1", NULL);
    ev(f, "alice", 10.5, "page.view", "web", NULL, NULL); /* browsing: left out */
    ev(f, "alice", 10, "subscription.cancelled", "web", "s-alice", "too expensive");
    resp(f, "alice", 5, "nps", 1, NULL); /* an exit survey after leaving: her last nps */
    ev(f, "alice", 4, "chat.answered", "chat", NULL, NULL); /* after leaving: not "before" */

    /* bob started 500 days ago and never renewed: lapsed 100 days ago */
    ev(f, "bob", 500, "subscription.started", "web", "s-bob", NULL);
    resp(f, "bob", 450, "csat", 2, "1-3");
    ev(f, "bob", 20, "call.answered", "phone", NULL, NULL);

    /* carol has no subscription and was last seen 120 days ago */
    resp(f, "carol", 130, "ces", 9, "1-10");
    ev(f, "carol", 120, "chat.answered", "chat", NULL, "where is my order");

    /* hank: last seen 100 days ago; an event after `now` is not read */
    ev(f, "hank", 100, "call.answered", "phone", NULL, NULL);
    ev(f, "hank", -5, "call.answered", "phone", NULL, NULL);

    /* ivy cancelled a subscription without ref 50 days ago */
    ev(f, "ivy", 300, "subscription.started", "web", NULL, NULL);
    ev(f, "ivy", 50, "subscription.cancelled", "web", NULL, NULL);

    /* active: dave renewed 100 days ago */
    ev(f, "dave", 500, "subscription.started", "web", "s-dave", NULL);
    ev(f, "dave", 100, "subscription.renewed", "web", "s-dave", NULL);
    /* erin: no subscription, active 10 days ago */
    ev(f, "erin", 200, "call.answered", "phone", NULL, NULL);
    resp(f, "erin", 10, "nps", 10, NULL);
    /* frank cancelled, then started again */
    ev(f, "frank", 400, "subscription.started", "web", "s-frank", NULL);
    ev(f, "frank", 300, "subscription.cancelled", "web", "s-frank", NULL);
    ev(f, "frank", 50, "subscription.started", "web", "s-frank", NULL);
    /* gina cancelled one subscription but holds another */
    ev(f, "gina", 200, "subscription.started", "web", "s-g1", NULL);
    ev(f, "gina", 60, "subscription.cancelled", "web", "s-g1", NULL);
    ev(f, "gina", 30, "subscription.started", "web", "s-g2", NULL);
    /* jack: a quiet subscriber (active subscription, no activity for a year) */
    ev(f, "jack", 390, "subscription.renewed", "web", "s-jack", NULL);

    assert_int_equal(f->s->vt->commit(f->s, &err), CX_OK);
}

static void run(struct fx *f, const struct cx_lost_opts *o, struct cx_lost **l, size_t *n)
{
    struct cx_err err = {{0}};
    int rc = cx_lost_run(f->s, o, l, n, &err);
    if (rc) fprintf(stderr, "lost: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
}

static void test_lost_all(void **state)
{
    struct fx *f = *state;
    load(f);
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    o.now = NOW;
    struct cx_lost *l;
    size_t n;
    run(f, &o, &l, &n);
    /* alice (10), ivy (50), bob (100), hank (100), carol (120) */
    assert_int_equal(n, 5);
    const char *order[] = {"alice", "ivy", "bob", "hank", "carol"};
    for (size_t i = 0; i < n; i++) assert_string_equal(l[i].customer, order[i]);

    /* alice */
    const struct cx_lost *a = &l[0];
    assert_int_equal(a->reason, CX_LOST_CANCELLED);
    assert_string_equal(cx_lost_reason_name(a->reason), "cancelled");
    assert_int_equal(a->left_at, NOW - 10 * DAY);
    assert_string_equal(a->subscription, "s-alice");
    assert_int_equal(a->last_seen.sec, NOW - 4 * DAY);
    assert_true(a->last[CX_KIND_NPS].has);
    assert_int_equal(a->last[CX_KIND_NPS].score, 1);
    assert_int_equal(a->n[CX_KIND_NPS], 2);
    assert_true(fabs(a->mean[CX_KIND_NPS] - 2.0) < 1e-9);
    assert_true(a->last[CX_KIND_CES].has);
    assert_int_equal(a->last[CX_KIND_CES].score, 2);
    assert_int_equal(a->last[CX_KIND_CES].t.sec, NOW - 15 * DAY);
    assert_true(fabs(a->mean[CX_KIND_CES] - 3.0) < 1e-9);
    assert_false(a->last[CX_KIND_CSAT].has);
    assert_int_equal(a->n[CX_KIND_CSAT], 0);
    /* the last 5 interactions up to leaving, oldest first, no browsing */
    assert_int_equal(a->nbefore, 5);
    assert_string_equal(a->before[0].type, "subscription.started");
    assert_string_equal(a->before[1].type, "ticket.opened");
    assert_string_equal(a->before[1].text, "my invoice is wrong");
    assert_string_equal(a->before[1].ref, "t1");
    assert_string_equal(a->before[2].type, "call.abandoned");
    assert_string_equal(a->before[2].channel, "phone");
    assert_null(a->before[2].ref);
    assert_string_equal(a->before[3].type, "ticket.transferred");
    assert_string_equal(a->before[4].type, "subscription.cancelled");
    assert_string_equal(a->before[4].text, "too expensive");
    assert_int_equal(a->before[4].t.sec, NOW - 10 * DAY);

    /* ivy: a subscription keyed by customer */
    assert_int_equal(l[1].reason, CX_LOST_CANCELLED);
    assert_null(l[1].subscription);
    assert_int_equal(l[1].left_at, NOW - 50 * DAY);

    /* bob: lapsed 400 days after his start */
    const struct cx_lost *b = &l[2];
    assert_int_equal(b->reason, CX_LOST_NOT_RENEWED);
    assert_string_equal(cx_lost_reason_name(b->reason), "not_renewed");
    assert_int_equal(b->left_at, NOW - 100 * DAY);
    assert_string_equal(b->subscription, "s-bob");
    assert_true(b->last[CX_KIND_CSAT].has);
    assert_int_equal(b->last[CX_KIND_CSAT].score, 2);
    assert_int_equal(b->last[CX_KIND_CSAT].scale.max, 3);
    assert_true(fabs(b->last[CX_KIND_CSAT].mapped - 3.0) < 1e-9); /* 2 of 1-3 = 3 of 1-5 */
    assert_int_equal(b->nbefore, 1); /* the call 20 days ago came after the lapse */
    assert_string_equal(b->before[0].type, "subscription.started");

    /* hank: the future call is not read */
    assert_int_equal(l[3].reason, CX_LOST_INACTIVE);
    assert_int_equal(l[3].left_at, NOW - 100 * DAY);
    assert_int_equal(l[3].last_seen.sec, NOW - 100 * DAY);

    /* carol */
    const struct cx_lost *c = &l[4];
    assert_int_equal(c->reason, CX_LOST_INACTIVE);
    assert_string_equal(cx_lost_reason_name(c->reason), "inactive");
    assert_int_equal(c->left_at, NOW - 120 * DAY);
    assert_null(c->subscription);
    assert_int_equal(c->last[CX_KIND_CES].score, 9);
    assert_true(fabs(c->mean[CX_KIND_CES] - (1.0 + 8.0 * 6.0 / 9.0)) < 1e-9); /* 9 of 1-10 */
    assert_int_equal(c->nbefore, 1);
    assert_string_equal(c->before[0].text, "where is my order");
    cx_lost_free(l, n);
}

static void test_lost_options(void **state)
{
    struct fx *f = *state;
    load(f);
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    o.now = NOW;
    struct cx_lost *l;
    size_t n;

    /* limit keeps the most recent */
    o.limit = 2;
    o.interactions = 2;
    run(f, &o, &l, &n);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].customer, "alice");
    assert_string_equal(l[1].customer, "ivy");
    assert_int_equal(l[0].nbefore, 2);
    assert_string_equal(l[0].before[0].type, "ticket.transferred");
    assert_string_equal(l[0].before[1].type, "subscription.cancelled");
    cx_lost_free(l, n);

    /* since */
    o.limit = 0;
    o.interactions = 0;
    o.has_since = 1;
    o.since = NOW - 100 * DAY;
    run(f, &o, &l, &n);
    assert_int_equal(n, 4); /* carol left before */
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(l[i].customer, "carol");
        assert_int_equal(l[i].nbefore, 0);
        assert_null(l[i].before);
    }
    cx_lost_free(l, n);

    /* a longer inactivity threshold keeps hank and carol; a longer renewal
     * period keeps bob */
    o.has_since = 0;
    o.inactive_days = 150;
    o.renew_days = 520;
    run(f, &o, &l, &n);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].customer, "alice");
    assert_string_equal(l[1].customer, "ivy");
    cx_lost_free(l, n);
    o.renew_days = 450; /* bob lapsed 50 days ago, as ivy cancelled: by name */
    run(f, &o, &l, &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[1].customer, "bob");
    assert_int_equal(l[1].left_at, NOW - 50 * DAY);
    assert_string_equal(l[2].customer, "ivy");
    cx_lost_free(l, n);

    /* replaying an earlier day: 20 days ago alice had not cancelled yet and
     * ivy had; erin's response had not come */
    cx_lost_opts_init(&o);
    o.now = NOW - 20 * DAY;
    run(f, &o, &l, &n);
    int ivy = 0, erin = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(l[i].customer, "alice");
        ivy += !strcmp(l[i].customer, "ivy");
        if (!strcmp(l[i].customer, "erin")) {
            erin++;
            assert_int_equal(l[i].reason, CX_LOST_INACTIVE);
            assert_int_equal(l[i].left_at, NOW - 200 * DAY);
            assert_int_equal(l[i].n[CX_KIND_NPS], 0);
        }
    }
    assert_int_equal(ivy, 1);
    assert_int_equal(erin, 1);
    cx_lost_free(l, n);

    struct cx_err err = {{0}};
    o.inactive_days = -1;
    assert_int_equal(cx_lost_run(f->s, &o, &l, &n, &err), CX_EINVAL);
    assert_null(l);
}

static void test_lost_empty(void **state)
{
    struct fx *f = *state;
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    struct cx_lost *l;
    size_t n = 7;
    run(f, &o, &l, &n); /* now = the current time */
    assert_int_equal(n, 0);
    assert_null(l);
    cx_lost_free(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lost_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_empty, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
