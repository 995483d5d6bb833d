/* test_drivers.c - engine/drivers.c on generated stores with planted
 * effects (found, ranked first, effect close to the planted one), a null
 * data set (nothing significant after correction), exact feature and window
 * definitions, min_n, filters and drops mode. Data come from a fixed-seed
 * generator, so every run sees the same stores. */
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

#include "engine/drivers.h"
#include "io/record.h"
#include "store/store.h"

#define DAY 86400LL
#define T0 1767225600LL /* 2026-01-01T00:00:00Z */

/* ---- fixture: a store in a temporary directory ---- */

struct fx {
    char dir[64];
    struct cx_store *s;
    unsigned long nev, nresp;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/cx_test_drivers_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_err err = {{0}};
    if (cx_store_open_sqlite(f->dir, &o, &f->s, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    struct cx_err e2 = {{0}};
    if (f->s->vt->begin(f->s, &e2)) return -1;
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

/* Ends the write transaction opened by setup. */
static void commit(struct fx *f)
{
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->commit(f->s, &err), CX_OK);
}

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

/* A response of metric with score at t (Unix seconds). */
static void resp(struct fx *f, const char *cust, long long t, const char *metric, int score,
                 const char *touchpoint)
{
    char id[32], ts[32], sc[16];
    snprintf(id, sizeof id, "r%lu", ++f->nresp);
    snprintf(ts, sizeof ts, "%lld", t);
    snprintf(sc, sizeof sc, "%d", score);
    const char *kv[] = {"id",      id,       "customer",   cust,       "time",
                        ts,        "metric", metric,       "score",    sc,
                        "channel", "email",  "touchpoint", touchpoint, NULL};
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

/* An event; ref and wait may be NULL. */
static void ev(struct fx *f, const char *cust, long long t, const char *type, const char *channel,
               const char *ref, const char *wait)
{
    char id[32], ts[32];
    snprintf(id, sizeof id, "e%lu", ++f->nev);
    snprintf(ts, sizeof ts, "%lld", t);
    const char *kv[] = {"id",      id,      "customer", cust, "time",   ts,   "type", type,
                        "channel", channel, "ref",      ref,  "wait_s", wait, NULL};
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

/* ---- a fixed-seed generator ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int chance(double p)
{
    return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

static int uniform(int lo, int hi)
{
    return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static const char *pick(const char *const *list, int n)
{
    return list[rnd() % (uint64_t)n];
}

static const char *const channels[] = {"phone", "chat", "email"};
static const char *const touchpoints[] = {"support", "billing"};

/* Random interactions, independent of everything, in the 14 days before
 * t: the "noise" features. */
static void random_events(struct fx *f, const char *cust, long long t, double p)
{
    char ref[48];
    if (chance(p)) ev(f, cust, t - 3 * DAY, "call.abandoned", "phone", NULL, "40");
    if (chance(p)) ev(f, cust, t - 4 * DAY, "chat.abandoned", "chat", NULL, "20");
    if (chance(p)) {
        snprintf(ref, sizeof ref, "%s-t9", cust);
        ev(f, cust, t - 5 * DAY, "ticket.reopened", pick(channels, 3), ref, NULL);
    }
    if (chance(p)) {
        snprintf(ref, sizeof ref, "%s-t8", cust);
        for (int i = 0; i < 3; i++)
            ev(f, cust, t - 6 * DAY + i * 3600, "ticket.message", pick(channels, 3), ref, NULL);
    }
    if (chance(p)) {
        snprintf(ref, sizeof ref, "%s-c1", cust);
        ev(f, cust, t - 2 * DAY, "cart.created", "web", ref, NULL);
    }
    if (chance(p)) {
        snprintf(ref, sizeof ref, "%s-s1", cust);
        ev(f, cust, t - 7 * DAY, "subscription.cancelled", "web", ref, NULL);
    }
    if (chance(0.8)) ev(f, cust, t - 8 * DAY, "call.answered", "phone", NULL, "30");
}

static void run(struct fx *f, const struct cx_drivers_opts *o, struct cx_driver **d, size_t *n)
{
    struct cx_err err = {{0}};
    int rc = cx_drivers_run(f->s, o, d, n, &err);
    if (rc) fprintf(stderr, "drivers: %s\n", err.msg);
    assert_int_equal(rc, CX_OK);
}

static const struct cx_driver *find(const struct cx_driver *d, size_t n, const char *feature)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(d[i].feature, feature)) return &d[i];
    return NULL;
}

static void dump(const struct cx_driver *d, size_t n)
{
    if (!getenv("CX_TEST_VERBOSE")) return;
    for (size_t i = 0; i < n; i++)
        fprintf(stderr,
                "%-36s n=%5llu/%5llu mean %.2f/%.2f eff %+.2f lift %.2f p %.2g adj %.2g%s\n",
                d[i].feature, (unsigned long long)d[i].n_with, (unsigned long long)d[i].n_without,
                d[i].mean_with, d[i].mean_without, d[i].effect, d[i].lift, d[i].p, d[i].p_adjusted,
                d[i].significant ? " *" : "");
}

/* ---- planted effects ---- */

/* 3000 customers, one CES response each. Two or more transfers in the 14
 * days before cost 1 or 2 points (1.5 on average); a long wait costs 1;
 * everything else is noise. Scores stay within 1-7, so the effects are
 * exact in expectation. */
static void test_planted(void **state)
{
    struct fx *f = *state;
    rng_state = 42;
    for (int i = 0; i < 3000; i++) {
        char cust[32], ref[48];
        snprintf(cust, sizeof cust, "c%04d", i);
        long long t = T0 + (long long)i * 600;
        int score = 5 + uniform(-1, 1);
        int x = uniform(0, 99);
        snprintf(ref, sizeof ref, "%s-t1", cust);
        if (x < 30) { /* two or three transfers */
            int k = uniform(2, 3);
            for (int j = 0; j < k; j++)
                ev(f, cust, t - 2 * DAY + j * 60, "ticket.transferred", pick(channels, 3), ref,
                   NULL);
            score -= (i & 1) ? 1 : 2;
        } else if (x < 45) {
            ev(f, cust, t - 2 * DAY, "ticket.transferred", pick(channels, 3), ref, NULL);
        }
        if (chance(0.3)) {
            ev(f, cust, t - DAY, chance(0.5) ? "call.answered" : "chat.answered", pick(channels, 2),
               NULL, "600");
            score -= 1;
        }
        random_events(f, cust, t, 0.2);
        resp(f, cust, t, "ces", score, pick(touchpoints, 2));
    }
    commit(f);

    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    dump(d, n);
    assert_true(n >= 20);

    /* the strongest driver is the planted one (possibly per touchpoint) */
    assert_string_equal(d[0].base, "transfers>=2");
    assert_true(d[0].significant);

    const struct cx_driver *x = find(d, n, "transfers>=2");
    assert_non_null(x);
    assert_true(x->significant);
    assert_true(fabs(x->effect - (-1.5)) <= 0.3);
    assert_true(x->p < 0.001);
    assert_true(x->lift > 1.5);
    assert_int_equal(x->n_with + x->n_without, 3000);
    assert_null(x->touchpoint);
    assert_string_equal(x->label, "transferred twice or more");

    const struct cx_driver *w = find(d, n, "wait>300s");
    assert_non_null(w);
    assert_true(w->significant);
    assert_true(fabs(w->effect - (-1.0)) <= 0.3);
    assert_string_equal(w->label, "waited over 5 minutes");

    /* per touchpoint: the effect holds at both */
    const struct cx_driver *ts = find(d, n, "transfers>=2 @ support");
    assert_non_null(ts);
    assert_string_equal(ts->touchpoint, "support");
    assert_true(ts->significant);
    assert_true(fabs(ts->effect - (-1.5)) <= 0.3);
    assert_true(ts->n_with + ts->n_without < 3000);

    /* the noise features are not significant */
    const char *noise[] = {"call_abandoned",     "chat_abandoned", "reopened",
                           "ticket_contacts>=3", "cart_abandoned", "cancelled"};
    for (size_t i = 0; i < sizeof noise / sizeof *noise; i++) {
        const struct cx_driver *z = find(d, n, noise[i]);
        assert_non_null(z);
        assert_false(z->significant);
        assert_true(fabs(z->effect) < 0.3);
    }

    /* ranking: significant negative effects first, most negative first;
     * then significant positive ones; then the rest by p */
    size_t i = 0;
    for (; i < n && d[i].significant && d[i].effect < 0; i++)
        if (i) assert_true(d[i].effect >= d[i - 1].effect);
    for (; i < n && d[i].significant; i++) assert_true(d[i].effect > 0);
    for (size_t j = i; j < n; j++) {
        assert_false(d[j].significant);
        if (j > i) assert_true(d[j].p >= d[j - 1].p);
    }
    /* Holm: adjusted >= raw */
    for (size_t j = 0; j < n; j++) assert_true(d[j].p_adjusted >= d[j].p);
    cx_drivers_free(d, n);

    /* a touchpoint filter restricts the responses */
    o.touchpoint = "billing";
    run(f, &o, &d, &n);
    x = find(d, n, "transfers>=2");
    assert_non_null(x);
    assert_true(x->n_with + x->n_without < 3000 && x->n_with + x->n_without > 1000);
    assert_null(find(d, n, "transfers>=2 @ billing")); /* the same set: not repeated */
    cx_drivers_free(d, n);

    /* a period filter: the first 1000 responses */
    cx_drivers_opts_init(&o);
    o.has_to = 1;
    o.to.sec = T0 + 1000LL * 600;
    o.no_cross = 1;
    run(f, &o, &d, &n);
    x = find(d, n, "transfers>=2");
    assert_non_null(x);
    assert_int_equal(x->n_with + x->n_without, 1000);
    for (size_t j = 0; j < n; j++) assert_null(strchr(d[j].feature, ' ')); /* no crossing */
    cx_drivers_free(d, n);

    /* other kinds have no responses here */
    o.kind = CX_KIND_NPS;
    run(f, &o, &d, &n);
    assert_int_equal(n, 0);
    assert_null(d);
}

/* ---- null data set ---- */

static void test_null(void **state)
{
    struct fx *f = *state;
    rng_state = 7;
    for (int i = 0; i < 3000; i++) {
        char cust[32], ref[48];
        snprintf(cust, sizeof cust, "n%04d", i);
        long long t = T0 + (long long)i * 600;
        snprintf(ref, sizeof ref, "%s-t1", cust);
        int k = chance(0.3) ? uniform(1, 3) : 0;
        for (int j = 0; j < k; j++)
            ev(f, cust, t - 2 * DAY + j, "ticket.transferred", pick(channels, 3), ref, NULL);
        if (chance(0.3)) ev(f, cust, t - DAY, "call.answered", "phone", NULL, "600");
        random_events(f, cust, t, 0.25);
        resp(f, cust, t, "ces", uniform(1, 7), pick(touchpoints, 2));
    }
    commit(f);
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    dump(d, n);
    assert_true(n >= 20);
    size_t raw = 0;
    for (size_t i = 0; i < n; i++) {
        assert_false(d[i].significant);
        assert_true(d[i].p_adjusted >= 0.05);
        raw += d[i].p < 0.05;
    }
    /* with this seed some feature would pass uncorrected: the correction
     * is what keeps it out */
    assert_true(raw >= 1);
    cx_drivers_free(d, n);
}

/* ---- min_n ---- */

static void test_min_n(void **state)
{
    struct fx *f = *state;
    rng_state = 3;
    for (int i = 0; i < 600; i++) {
        char cust[32], ref[48];
        snprintf(cust, sizeof cust, "m%04d", i);
        long long t = T0 + (long long)i * 600;
        int score = uniform(4, 7);
        if (i < 20) { /* a rare, strong driver: 20 customers cancelled */
            snprintf(ref, sizeof ref, "%s-s", cust);
            ev(f, cust, t - DAY, "subscription.cancelled", "web", ref, NULL);
            score = uniform(1, 2);
        }
        ev(f, cust, t - 2 * DAY, "call.answered", "phone", NULL, "10");
        resp(f, cust, t, "ces", score, "support");
    }
    commit(f);
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    assert_null(find(d, n, "cancelled")); /* 20 < 30 */
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].n_with >= 30);
        assert_true(d[i].n_without >= 30);
    }
    cx_drivers_free(d, n);
    o.min_n = 20;
    run(f, &o, &d, &n);
    const struct cx_driver *x = find(d, n, "cancelled");
    assert_non_null(x);
    assert_int_equal(x->n_with, 20);
    assert_int_equal(x->n_without, 580);
    assert_true(x->significant);
    assert_ptr_equal(x, &d[0]);
    assert_true(x->low_with == 1.0);
    assert_true(x->low_without == 0.0);
    assert_true(isinf(x->lift));
    cx_drivers_free(d, n);
}

/* ---- exact feature definitions and the window ---- */

static void test_features_exact(void **state)
{
    struct fx *f = *state;
    rng_state = 11;
    for (int i = 0; i < 80; i++) {
        char cust[32], ref[48], ref2[48];
        snprintf(cust, sizeof cust, "x%03d", i);
        long long t = T0 + (long long)i * DAY;
        snprintf(ref, sizeof ref, "%s-a", cust);
        snprintf(ref2, sizeof ref2, "%s-b", cust);
        int g = i / 5;
        switch (g) {
        case 0: /* cart bought before the response: not abandoned */
            ev(f, cust, t - 2 * DAY, "cart.created", "web", ref, NULL);
            ev(f, cust, t - DAY, "cart.purchased", "web", ref, NULL);
            break;
        case 1: /* bought only after the response: abandoned */
            ev(f, cust, t - 2 * DAY, "cart.created", "web", ref, NULL);
            ev(f, cust, t + DAY, "cart.purchased", "web", ref, NULL);
            break;
        case 2: /* three contacts about one ticket */
            for (int j = 0; j < 3; j++)
                ev(f, cust, t - DAY + j, "ticket.message", "email", ref, NULL);
            break;
        case 3: /* three contacts spread over two tickets */
            ev(f, cust, t - DAY, "ticket.message", "email", ref, NULL);
            ev(f, cust, t - DAY + 1, "ticket.message", "email", ref2, NULL);
            ev(f, cust, t - DAY + 2, "ticket.message", "email", ref, NULL);
            break;
        case 4: /* waited 301 s: long */
            ev(f, cust, t - DAY, "call.answered", "phone", NULL, "301");
            break;
        case 5: /* waited exactly 300 s: not long */
            ev(f, cust, t - DAY, "chat.answered", "chat", NULL, "300");
            break;
        case 6: /* only browsing: no interaction */
            ev(f, cust, t - DAY, "page.view", "web", NULL, NULL);
            break;
        case 7: /* two transfers 20 days before: outside the default window */
            ev(f, cust, t - 20 * DAY, "ticket.transferred", "phone", ref, NULL);
            ev(f, cust, t - 20 * DAY, "ticket.transferred", "phone", ref, NULL);
            break;
        case 8: /* two transfers exactly 14 days before: inside ([t - 14d, t)) */
            ev(f, cust, t - 14 * DAY, "ticket.transferred", "phone", ref, NULL);
            ev(f, cust, t - 14 * DAY, "ticket.transferred", "phone", ref, NULL);
            break;
        case 9: /* two transfers at the response's instant and after: never */
            ev(f, cust, t, "ticket.transferred", "phone", ref, NULL);
            ev(f, cust, t + 3600, "ticket.transferred", "phone", ref, NULL);
            break;
        case 10: /* a cart without ref is abandoned */
            ev(f, cust, t - DAY, "cart.created", "web", NULL, NULL);
            ev(f, cust, t - DAY, "cart.purchased", "web", NULL, NULL);
            break;
        default:
            ev(f, cust, t - DAY, "call.answered", "phone", NULL, "5");
            break;
        }
        if (g == 6 || g == 9) ev(f, cust, t - 30 * DAY, "call.abandoned", "phone", NULL, NULL);
        resp(f, cust, t, "csat", uniform(1, 5), "support");
    }
    commit(f);
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    o.kind = CX_KIND_CSAT;
    o.min_n = 2;
    o.no_cross = 1;
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    dump(d, n);
    const struct cx_driver *x = find(d, n, "cart_abandoned");
    assert_non_null(x);
    assert_int_equal(x->n_with, 10); /* groups 1 and 10 */
    assert_int_equal(x->n_with + x->n_without, 80);
    x = find(d, n, "ticket_contacts>=3");
    assert_non_null(x);
    assert_int_equal(x->n_with, 5);
    x = find(d, n, "wait>300s");
    assert_non_null(x);
    assert_int_equal(x->n_with, 5);
    x = find(d, n, "no_interaction");
    assert_non_null(x);
    assert_int_equal(x->n_with, 15); /* groups 6, 7 (transfers too early) and 9 */
    x = find(d, n, "transfers>=2");
    assert_non_null(x);
    assert_int_equal(x->n_with, 5);            /* group 8 only */
    assert_null(find(d, n, "call_abandoned")); /* 30 days before: never in the window */
    /* CSAT means on 1-5 */
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].mean_with >= 1.0 && d[i].mean_with <= 5.0);
        assert_true(d[i].mean_without >= 1.0 && d[i].mean_without <= 5.0);
    }
    cx_drivers_free(d, n);

    o.window_s = 21 * DAY;
    run(f, &o, &d, &n);
    x = find(d, n, "transfers>=2");
    assert_non_null(x);
    assert_int_equal(x->n_with, 10); /* groups 7 and 8 */
    x = find(d, n, "no_interaction");
    assert_non_null(x);
    assert_int_equal(x->n_with, 10); /* groups 6 and 9 */
    cx_drivers_free(d, n);

    o.long_wait_s = 299;
    run(f, &o, &d, &n);
    x = find(d, n, "wait>299s");
    assert_non_null(x);
    assert_int_equal(x->n_with, 10); /* groups 4 and 5 */
    cx_drivers_free(d, n);

    struct cx_err err = {{0}};
    o.alpha = 1.5;
    assert_int_equal(cx_drivers_run(f->s, &o, &d, &n, &err), CX_EINVAL);
    assert_null(d);
    assert_int_equal(n, 0);
}

/* ---- channel crossing ---- */

static void test_channel_cross(void **state)
{
    struct fx *f = *state;
    rng_state = 5;
    /* long waits hurt on the phone only; chat waits are harmless */
    for (int i = 0; i < 1200; i++) {
        char cust[32];
        snprintf(cust, sizeof cust, "k%04d", i);
        long long t = T0 + (long long)i * 600;
        int score = 5 + uniform(-1, 1);
        int x = uniform(0, 2);
        if (x == 0) {
            ev(f, cust, t - DAY, "call.answered", "phone", NULL, "900");
            score -= 2;
        } else if (x == 1) {
            ev(f, cust, t - DAY, "chat.answered", "chat", NULL, "900");
        } else {
            ev(f, cust, t - DAY, "chat.answered", "chat", NULL, "10");
        }
        resp(f, cust, t, "ces", score, "support");
    }
    commit(f);
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    dump(d, n);
    assert_string_equal(d[0].feature, "wait>300s on phone");
    assert_string_equal(d[0].channel, "phone");
    assert_string_equal(d[0].label, "waited over 5 minutes (on phone)");
    assert_true(fabs(d[0].effect - (-2.0)) <= 0.3);
    const struct cx_driver *c = find(d, n, "wait>300s on chat");
    assert_non_null(c);
    assert_true(c->effect > 0); /* without it, the phone waiters pull the mean down */
    const struct cx_driver *b = find(d, n, "wait>300s");
    assert_non_null(b);
    assert_true(b->effect > d[0].effect);
    cx_drivers_free(d, n);
}

/* ---- drops ---- */

/* Two CES responses 30 days apart per customer. A reopened ticket 10 days
 * before the second one drops it by 2; reopens 20 days before (outside the
 * window) or before the first response change nothing. */
static void test_drops(void **state)
{
    struct fx *f = *state;
    rng_state = 99;
    int planted = 0, decoy = 0;
    for (int i = 0; i < 1500; i++) {
        char cust[32], ref[48];
        snprintf(cust, sizeof cust, "d%04d", i);
        snprintf(ref, sizeof ref, "%s-t", cust);
        long long t1 = T0 + (long long)i * 600, t2 = t1 + 30 * DAY;
        int s1 = uniform(4, 7), s2 = s1 + uniform(-1, 0);
        int x = uniform(0, 3);
        if (x == 0) {
            ev(f, cust, t2 - 10 * DAY, "ticket.reopened", "email", ref, NULL);
            s2 = s1 - 2 - uniform(0, 1);
            planted++;
        } else if (x == 1) {
            ev(f, cust, t2 - 20 * DAY, "ticket.reopened", "email", ref, NULL);
            decoy++;
        } else if (x == 2) {
            ev(f, cust, t1 - 5 * DAY, "ticket.reopened", "email", ref, NULL);
        }
        if (s2 < 1) s2 = 1;
        if (chance(0.3)) ev(f, cust, t2 - 3 * DAY, "call.abandoned", "phone", NULL, "50");
        resp(f, cust, t1, "ces", s1, "support");
        resp(f, cust, t2, "ces", s2, "support");
        if (i % 3 == 0) resp(f, cust, t1 + DAY, "nps", 9, "support"); /* other kind: ignored */
    }
    /* a customer with a single response does not count */
    resp(f, "single", T0, "ces", 1, "support");
    commit(f);
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    o.drops = 1;
    struct cx_driver *d;
    size_t n;
    run(f, &o, &d, &n);
    dump(d, n);
    assert_string_equal(d[0].base, "reopened");
    const struct cx_driver *x = find(d, n, "reopened");
    assert_non_null(x);
    assert_true(x->significant);
    assert_int_equal(x->n_with, planted);
    assert_int_equal(x->n_with + x->n_without, 1500);
    assert_true(fabs(x->effect - (-2.0)) <= 0.3); /* -2.5 vs -0.5 */
    assert_true(x->low_with > 0.9);               /* drops of 2+ points on 1-7 (a fifth is 1.2) */
    assert_true(x->low_without < 0.05);
    cx_drivers_free(d, n);

    /* a 60-day window reaches the decoys, never past the previous response */
    o.window_s = 60 * DAY;
    o.no_cross = 1;
    run(f, &o, &d, &n);
    x = find(d, n, "reopened");
    assert_non_null(x);
    assert_int_equal(x->n_with, planted + decoy);
    cx_drivers_free(d, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_planted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_min_n, setup, teardown),
        cmocka_unit_test_setup_teardown(test_features_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel_cross, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drops, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
