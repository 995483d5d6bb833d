/* lost.c - see lost.h.
 *
 * Pass 1 scans every response and event once (no text) into a small state
 * per customer: last activity and, per subscription, the latest
 * start/renewal and the latest cancellation. The customers who left are
 * then sorted and cut to the limit, and pass 2 reads each one's responses
 * and events through the store's per-customer index for the scores and the
 * interactions before leaving. */
#include "engine/lost.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hmap.h"

#define DAY_S 86400

static const struct cx_time NO_TIME = {INT64_MIN, 0};

struct sub {
    char *ref;                    /* NULL: keyed by customer */
    struct cx_time start, cancel; /* latest of each; NO_TIME when none */
};

struct cust {
    char *id; /* owned */
    struct cx_time last;
    struct sub *subs;
    size_t nsubs;
};

struct pass1 {
    int64_t now;
    struct cx_hmap map; /* customer -> index + 1 */
    struct cust *c;
    size_t n, cap;
};

const char *cx_lost_reason_name(enum cx_lost_reason r)
{
    switch (r) {
    case CX_LOST_CANCELLED:
        return "cancelled";
    case CX_LOST_NOT_RENEWED:
        return "not_renewed";
    case CX_LOST_INACTIVE:
        return "inactive";
    }
    return "?";
}

void cx_lost_opts_init(struct cx_lost_opts *o)
{
    memset(o, 0, sizeof *o);
    o->inactive_days = 90;
    o->renew_days = 400;
    o->interactions = 5;
}

static struct cust *cust_get(struct pass1 *p, const char *id)
{
    int created;
    void **v = cx_hmap_put(&p->map, id, strlen(id), &created);
    if (!v) return NULL;
    if (!created) return &p->c[(uintptr_t)*v - 1];
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        struct cust *c = realloc(p->c, nc * sizeof *c);
        if (!c) return NULL;
        p->c = c;
        p->cap = nc;
    }
    struct cust *c = &p->c[p->n];
    memset(c, 0, sizeof *c);
    c->last = NO_TIME;
    if (!(c->id = strdup(id))) return NULL;
    *v = (void *)(uintptr_t)(++p->n);
    return c;
}

static void seen(struct cust *c, struct cx_time t)
{
    if (cx_time_cmp(t, c->last) > 0) c->last = t;
}

static int p1_resp(void *ctx, const struct cx_resp_row *r)
{
    struct pass1 *p = ctx;
    if (r->t.sec > p->now) return CX_OK;
    struct cust *c = cust_get(p, r->customer);
    if (!c) return CX_ENOMEM;
    seen(c, r->t);
    return CX_OK;
}

static int p1_event(void *ctx, const struct cx_event *e)
{
    struct pass1 *p = ctx;
    if (e->t.sec > p->now) return CX_OK;
    struct cust *c = cust_get(p, e->customer);
    if (!c) return CX_ENOMEM;
    seen(c, e->t);
    int start =
        !strcmp(e->type, "subscription.started") || !strcmp(e->type, "subscription.renewed");
    int cancel = !strcmp(e->type, "subscription.cancelled");
    if (!start && !cancel) return CX_OK;
    struct sub *s = NULL;
    for (size_t i = 0; i < c->nsubs && !s; i++) {
        const char *r = c->subs[i].ref;
        if (e->ref ? r && !strcmp(r, e->ref) : !r) s = &c->subs[i];
    }
    if (!s) {
        struct sub *ns = realloc(c->subs, (c->nsubs + 1) * sizeof *ns);
        if (!ns) return CX_ENOMEM;
        c->subs = ns;
        s = &ns[c->nsubs];
        s->start = s->cancel = NO_TIME;
        s->ref = NULL;
        if (e->ref && !(s->ref = strdup(e->ref))) return CX_ENOMEM;
        c->nsubs++;
    }
    struct cx_time *slot = start ? &s->start : &s->cancel;
    if (cx_time_cmp(e->t, *slot) > 0) *slot = e->t;
    return CX_OK;
}

/* Decides whether c has left; fills reason, left_at and the ended
 * subscription's ref (borrowed). */
static int has_left(const struct cust *c, int64_t now, int64_t inactive_s, int64_t renew_s,
                    enum cx_lost_reason *reason, int64_t *left_at, const char **ref)
{
    *ref = NULL;
    if (!c->nsubs) {
        if (c->last.sec == INT64_MIN || c->last.sec > now - inactive_s) return 0;
        *reason = CX_LOST_INACTIVE;
        *left_at = c->last.sec;
        return 1;
    }
    int have = 0;
    for (size_t i = 0; i < c->nsubs; i++) {
        const struct sub *s = &c->subs[i];
        int has_start = s->start.sec != INT64_MIN, has_cancel = s->cancel.sec != INT64_MIN;
        enum cx_lost_reason r;
        int64_t end;
        if (has_cancel && (!has_start || cx_time_cmp(s->cancel, s->start) >= 0)) {
            r = CX_LOST_CANCELLED;
            end = s->cancel.sec;
        } else if (s->start.sec <= now - renew_s) {
            r = CX_LOST_NOT_RENEWED;
            end = s->start.sec + renew_s;
        } else {
            return 0; /* active */
        }
        if (!have || end > *left_at || (end == *left_at && r == CX_LOST_CANCELLED)) {
            *reason = r;
            *left_at = end;
            *ref = s->ref;
            have = 1;
        }
    }
    return have;
}

static int cmp_lost(const void *x, const void *y)
{
    const struct cx_lost *a = x, *b = y;
    if (a->left_at != b->left_at) return a->left_at > b->left_at ? -1 : 1;
    return strcmp(a->customer, b->customer);
}

/* ---- pass 2: one customer's details ---- */

struct detail {
    struct cx_lost *l;
    int64_t now, left_at;
    size_t keep;
    struct cx_lost_event *ring; /* keep slots, ring buffer */
    size_t nring, head;
    double sum[CX_NKINDS];
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void lost_event_clear(struct cx_lost_event *e)
{
    free(e->id);
    free(e->type);
    free(e->channel);
    free(e->ref);
    free(e->agent);
    free(e->text);
    memset(e, 0, sizeof *e);
}

static double mapped(int idx, int score)
{
    struct cx_scale sc = cx_scale_at(idx);
    enum cx_kind k = cx_scale_kind(idx);
    double lo = k == CX_KIND_NPS ? 0 : 1, hi = k == CX_KIND_NPS ? 10 : k == CX_KIND_CSAT ? 5 : 7;
    return lo + (double)(score - sc.min) * (hi - lo) / (sc.max - sc.min);
}

static int p2_resp(void *ctx, const struct cx_resp_row *r)
{
    struct detail *d = ctx;
    if (r->t.sec > d->now) return CX_OK;
    enum cx_kind k = cx_scale_kind(r->scale_idx);
    struct cx_lost_score *ls = &d->l->last[k];
    double m = mapped(r->scale_idx, r->score);
    d->l->n[k]++;
    d->sum[k] += m;
    if (!ls->has || cx_time_cmp(r->t, ls->t) >= 0) { /* rows come in time order */
        ls->has = 1;
        ls->t = r->t;
        ls->score = r->score;
        ls->scale = cx_scale_at(r->scale_idx);
        ls->mapped = m;
    }
    return CX_OK;
}

static int browsing(const char *type)
{
    return !strcmp(type, "page.view") || !strcmp(type, "search") || !strcmp(type, "kb.view");
}

static int p2_event(void *ctx, const struct cx_event *e)
{
    struct detail *d = ctx;
    if (e->t.sec > d->left_at || browsing(e->type) || !d->keep) return CX_OK;
    struct cx_lost_event *slot;
    if (d->nring < d->keep) {
        slot = &d->ring[(d->head + d->nring++) % d->keep];
    } else {
        slot = &d->ring[d->head];
        d->head = (d->head + 1) % d->keep;
        lost_event_clear(slot);
    }
    slot->t = e->t;
    slot->id = strdup(e->id);
    slot->type = strdup(e->type);
    slot->channel = strdup(e->channel);
    slot->ref = dup_or_null(e->ref);
    slot->agent = dup_or_null(e->agent);
    slot->text = dup_or_null(e->text);
    slot->has_wait = e->has_wait;
    slot->wait_ns = e->wait_ns;
    if (!slot->id || !slot->type || !slot->channel || (e->ref && !slot->ref) ||
        (e->agent && !slot->agent) || (e->text && !slot->text))
        return CX_ENOMEM;
    return CX_OK;
}

static int load_detail(struct cx_store *s, struct cx_lost *l, int64_t now, size_t keep,
                       struct cx_err *err)
{
    struct detail d;
    memset(&d, 0, sizeof d);
    d.l = l;
    d.now = now;
    d.left_at = l->left_at;
    d.keep = keep;
    if (keep && !(d.ring = calloc(keep, sizeof *d.ring))) return CX_ENOMEM;
    struct cx_scan_filter f = {0};
    f.customer = l->customer;
    int rc = s->vt->scan_responses(s, &f, p2_resp, &d, err);
    if (!rc) {
        f.with_text = 1;
        rc = s->vt->scan_events(s, &f, p2_event, &d, err);
    }
    for (int k = 0; k < CX_NKINDS; k++)
        if (l->n[k]) l->mean[k] = d.sum[k] / (double)l->n[k];
    if (rc) {
        for (size_t i = 0; i < d.nring; i++) lost_event_clear(&d.ring[(d.head + i) % keep]);
        free(d.ring);
        return rc;
    }
    /* unroll the ring, oldest first */
    if (d.nring) {
        l->before = calloc(d.nring, sizeof *l->before);
        if (!l->before) rc = CX_ENOMEM;
        for (size_t i = 0; i < d.nring; i++) {
            struct cx_lost_event *src = &d.ring[(d.head + i) % keep];
            if (l->before)
                l->before[i] = *src;
            else
                lost_event_clear(src);
        }
        if (l->before) l->nbefore = d.nring;
    }
    free(d.ring);
    return rc;
}

static void lost_clear(struct cx_lost *l)
{
    free(l->customer);
    free(l->subscription);
    for (size_t j = 0; j < l->nbefore; j++) lost_event_clear(&l->before[j]);
    free(l->before);
}

int cx_lost_run(struct cx_store *s, const struct cx_lost_opts *oin, struct cx_lost **out,
                size_t *nout, struct cx_err *err)
{
    *out = NULL;
    *nout = 0;
    struct cx_lost_opts o = *oin;
    if (o.inactive_days < 0 || o.renew_days < 0)
        return cx_fail(err, CX_EINVAL, "day counts must not be negative");
    if (!o.now) o.now = (int64_t)time(NULL);
    if (!o.inactive_days) o.inactive_days = 90;
    if (!o.renew_days) o.renew_days = 400;
    /* keep the arithmetic on instants far from overflow */
    const int64_t max_days = 4000000; /* > 10,000 years */
    if (o.inactive_days > max_days) o.inactive_days = max_days;
    if (o.renew_days > max_days) o.renew_days = max_days;
    if (o.interactions > 10000) o.interactions = 10000;
    if (o.now < CX_TIME_MIN_SEC || o.now > CX_TIME_MAX_SEC)
        return cx_fail(err, CX_EINVAL, "now is out of range");

    struct pass1 p;
    memset(&p, 0, sizeof p);
    p.now = o.now;
    cx_hmap_init(&p.map);
    struct cx_lost *res = NULL;
    size_t nres = 0;
    struct cx_scan_filter f = {0};
    int rc = s->vt->scan_responses(s, &f, p1_resp, &p, err);
    if (!rc) rc = s->vt->scan_events(s, &f, p1_event, &p, err);
    if (rc) goto out;

    size_t cap = 0;
    for (size_t i = 0; i < p.n; i++) {
        enum cx_lost_reason reason = CX_LOST_INACTIVE;
        int64_t left_at = 0;
        const char *ref;
        if (!has_left(&p.c[i], o.now, o.inactive_days * DAY_S, o.renew_days * DAY_S, &reason,
                      &left_at, &ref))
            continue;
        if (o.has_since && left_at < o.since) continue;
        if (nres == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct cx_lost *r = realloc(res, nc * sizeof *r);
            if (!r) {
                rc = CX_ENOMEM;
                goto out;
            }
            res = r;
            cap = nc;
        }
        struct cx_lost *l = &res[nres++];
        memset(l, 0, sizeof *l);
        l->customer = p.c[i].id;
        p.c[i].id = NULL; /* moved */
        l->reason = reason;
        l->left_at = left_at;
        l->last_seen = p.c[i].last;
        if (ref && !(l->subscription = strdup(ref))) {
            rc = CX_ENOMEM;
            goto out;
        }
    }
    if (nres > 1) qsort(res, nres, sizeof *res, cmp_lost);
    if (o.limit && nres > o.limit) {
        for (size_t i = o.limit; i < nres; i++) lost_clear(&res[i]);
        nres = o.limit;
    }
    for (size_t i = 0; i < nres && !rc; i++)
        rc = load_detail(s, &res[i], o.now, o.interactions, err);
out:
    for (size_t i = 0; i < p.n; i++) {
        free(p.c[i].id);
        for (size_t j = 0; j < p.c[i].nsubs; j++) free(p.c[i].subs[j].ref);
        free(p.c[i].subs);
    }
    free(p.c);
    cx_hmap_free(&p.map);
    if (rc) {
        if (rc == CX_ENOMEM) cx_fail(err, rc, "out of memory");
        cx_lost_free(res, nres);
        return rc;
    }
    *out = res;
    *nout = nres;
    return CX_OK;
}

void cx_lost_free(struct cx_lost *l, size_t n)
{
    if (!l) return;
    for (size_t i = 0; i < n; i++) lost_clear(&l[i]);
    free(l);
}
