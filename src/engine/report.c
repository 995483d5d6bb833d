/* report.c - aggregation of responses and event units into groups. */
#include "engine/report.h"

#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/bucket.h"
#include "core/decimal.h"
#include "core/hmap.h"
#include "core/time.h"
#include "util/tz.h"

static const char *const metric_names[CX_M_COUNT] = {
    "nps",
    "csat",
    "csat_mean",
    "ces",
    "ces_easy",
    "call_abandonment",
    "chat_abandonment",
    "avg_wait",
    "cart_abandonment",
    "churn",
    "fcr",
    "resolution_hours",
    "resolution_hours_p90",
    "transfers",
    "response_rate",
    "open_rate",
};

const char *cx_metric_name(enum cx_metric m)
{
    return m < CX_M_COUNT ? metric_names[m] : "?";
}

int cx_metric_parse(const char *name, enum cx_metric *out)
{
    for (int i = 0; i < CX_M_COUNT; i++)
        if (!strcmp(name, metric_names[i])) {
            *out = (enum cx_metric)i;
            return 0;
        }
    return -1;
}

/* ---- query ---- */

void cx_query_init(struct cx_query *q)
{
    memset(q, 0, sizeof *q);
}

void cx_query_free(struct cx_query *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->nby; i++) free(q->by[i]);
    for (size_t i = 0; i < q->nwhere; i++) {
        free(q->where[i].key);
        free(q->where[i].val);
    }
    free(q->from);
    free(q->to);
    free(q->tz);
    free(q->compare);
    memset(q, 0, sizeof *q);
}

/* Splits a comma-separated list and calls fn on each non-empty item. */
static int each_item(const char *list, struct cx_err *err, const char *what,
                     int (*fn)(void *, const char *, struct cx_err *), void *ctx)
{
    char *copy = strdup(list), *save = NULL;
    if (!copy) return CX_ENOMEM;
    int rc = CX_OK, any = 0;
    for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
        any = 1;
        rc = fn(ctx, t, err);
    }
    free(copy);
    if (!rc && !any) rc = cx_fail(err, CX_EINVAL, "%s: empty list", what);
    return rc;
}

static int add_metric(void *ctx, const char *name, struct cx_err *err)
{
    struct cx_query *q = ctx;
    enum cx_metric m;
    if (cx_metric_parse(name, &m)) {
        char all[512] = "";
        for (int i = 0; i < CX_M_COUNT; i++) {
            strcat(all, i ? ", " : "");
            strcat(all, metric_names[i]);
        }
        return cx_fail(err, CX_EINVAL, "--metric: unknown metric '%s' (known: %s)", name, all);
    }
    if (q->nmetrics == CX_QUERY_MAX) return cx_fail(err, CX_EINVAL, "--metric: too many");
    q->metrics[q->nmetrics++] = m;
    return CX_OK;
}

int cx_query_add_metrics(struct cx_query *q, const char *list, struct cx_err *err)
{
    return each_item(list, err, "--metric", add_metric, q);
}

static int add_by(void *ctx, const char *name, struct cx_err *err)
{
    struct cx_query *q = ctx;
    if (q->nby == CX_QUERY_MAX) return cx_fail(err, CX_EINVAL, "--by: too many keys");
    for (size_t i = 0; i < q->nby; i++)
        if (!strcmp(q->by[i], name)) return cx_fail(err, CX_EINVAL, "--by: '%s' given twice", name);
    if (!(q->by[q->nby] = strdup(name))) return CX_ENOMEM;
    q->nby++;
    return CX_OK;
}

int cx_query_add_by(struct cx_query *q, const char *list, struct cx_err *err)
{
    return each_item(list, err, "--by", add_by, q);
}

int cx_query_add_where(struct cx_query *q, const char *kv, struct cx_err *err)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return cx_fail(err, CX_EINVAL, "--where: expected KEY=VALUE, got '%s'", kv);
    if (q->nwhere == CX_QUERY_MAX) return cx_fail(err, CX_EINVAL, "--where: too many");
    struct cx_where *w = &q->where[q->nwhere];
    w->key = strndup(kv, (size_t)(eq - kv));
    w->val = strdup(eq + 1);
    if (!w->key || !w->val) return CX_ENOMEM;
    if (!strcmp(w->key, "channel") || !strcmp(w->key, "touchpoint"))
        for (char *p = w->val; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    q->nwhere++;
    return CX_OK;
}

int cx_query_set_short_abandon(struct cx_query *q, const char *secs, struct cx_err *err)
{
    const char *why = NULL;
    int64_t v;
    if (cx_decimal_parse(secs, strlen(secs), &v, &why) || v < 0)
        return cx_fail(err, CX_EINVAL, "--short-abandon: expected seconds, got '%s'", secs);
    q->has_short_abandon = 1;
    q->short_abandon_ns = v;
    return CX_OK;
}

/* ---- groups ---- */

struct group {
    char **vals;
    struct cx_hist hist;
    uint64_t call_ans, call_ab, chat_ans, chat_ab;
    struct cx_moments wait;
    uint64_t carts, carts_ab;
    uint64_t tickets, tickets_fcr;
    int64_t *res;
    size_t nres, capres;
    struct cx_moments transfers;
    uint64_t active, churned;
    uint64_t invited, answered; /* response_rate: delivered, and of those answered */
    uint64_t opened;            /* open_rate: delivered and opened (or answered) */
};

/* What an event-like row looks like to grouping and filtering. */
struct evview {
    struct cx_time t;
    const char *channel, *agent, *type;
    const unsigned char *attrs;
    size_t attrs_len;
};

/* A copy of an anchor event. */
struct anchor {
    int set;
    struct cx_time t;
    char *id, *channel, *agent, *type;
    unsigned char *attrs;
    size_t attrs_len;
};

struct agg {
    const struct cx_query *q;
    struct cx_tz *tz;
    int grain[CX_QUERY_MAX]; /* enum cx_grain or -1 */
    int has_from, has_to;
    struct cx_time from, to;
    struct cx_hmap groups;
    unsigned char *keybuf; /* scratch for group keys */
    size_t keycap;
    int oom;
    /* event units */
    struct cx_hmap tickets, carts, subs;
    int need_calls, need_chats, need_wait, need_carts, need_tickets, need_subs, need_resp;
    int need_inv;
};

static void free_group(struct group *g, size_t nby)
{
    if (!g) return;
    for (size_t i = 0; i < nby; i++) free(g->vals[i]);
    free(g->vals);
    free(g->res);
    free(g);
}

static size_t put_len(unsigned char *p, size_t n)
{
    size_t i = 0;
    while (n >= 0x80) {
        p[i++] = (unsigned char)(n | 0x80);
        n >>= 7;
    }
    p[i++] = (unsigned char)n;
    return i;
}

/* Finds or creates the group for the values vals/lens (nby of them). */
static struct group *get_group(struct agg *a, const char **vals, const size_t *lens)
{
    size_t nby = a->q->nby, total = 0;
    for (size_t i = 0; i < nby; i++) total += lens[i] + 10;
    if (total > a->keycap) {
        unsigned char *nk = realloc(a->keybuf, total);
        if (!nk) return NULL;
        a->keybuf = nk;
        a->keycap = total;
    }
    /* without --by the key is empty: keybuf may still be NULL, and NULL must
     * not reach memcpy/memcmp even with length 0 */
    unsigned char *key = a->keybuf ? a->keybuf : (unsigned char *)"";
    size_t o = 0;
    for (size_t i = 0; i < nby; i++) {
        o += put_len(key + o, lens[i]);
        memcpy(key + o, vals[i], lens[i]);
        o += lens[i];
    }
    int created;
    void **slot = cx_hmap_put(&a->groups, key, o, &created);
    if (!slot) return NULL;
    if (created) {
        struct group *g = calloc(1, sizeof *g);
        if (g) g->vals = calloc(nby ? nby : 1, sizeof *g->vals);
        for (size_t i = 0; g && g->vals && i < nby; i++)
            if (!(g->vals[i] = strndup(vals[i], lens[i]))) {
                free_group(g, nby);
                g = NULL;
            }
        if (g && !g->vals) {
            free(g);
            g = NULL;
        }
        *slot = g;
    }
    return *slot;
}

static const char *attr_or_empty(const unsigned char *attrs, size_t alen, const char *key,
                                 size_t *len)
{
    const char *v;
    if (cx_attrs_find(attrs, alen, key, strlen(key), &v, len) == 1) return v;
    *len = 0;
    return "";
}

static const char *resp_dim(const struct cx_resp_row *r, const char *key, size_t *len)
{
    const char *v = NULL;
    if (!strcmp(key, "channel"))
        v = r->channel;
    else if (!strcmp(key, "touchpoint"))
        v = r->touchpoint;
    else if (!strcmp(key, "lang"))
        v = r->lang;
    if (v) {
        *len = strlen(v);
        return v;
    }
    return attr_or_empty(r->attrs, r->attrs_len, key, len);
}

static const char *ev_dim(const struct evview *e, const char *key, size_t *len)
{
    const char *v = NULL;
    if (!strcmp(key, "channel"))
        v = e->channel;
    else if (!strcmp(key, "agent"))
        v = e->agent ? e->agent : "";
    else if (!strcmp(key, "type"))
        v = e->type;
    if (v) {
        *len = strlen(v);
        return v;
    }
    return attr_or_empty(e->attrs, e->attrs_len, key, len);
}

static int matches(const char *v, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(v, want, len) == 0;
}

static int in_period(const struct agg *a, struct cx_time t)
{
    if (a->has_from && cx_time_cmp(t, a->from) < 0) return 0;
    if (a->has_to && cx_time_cmp(t, a->to) >= 0) return 0;
    return 1;
}

static int ev_where(const struct agg *a, const struct evview *e)
{
    for (size_t i = 0; i < a->q->nwhere; i++) {
        size_t len;
        const char *v = ev_dim(e, a->q->where[i].key, &len);
        if (!matches(v, len, a->q->where[i].val)) return 0;
    }
    return 1;
}

/* Group of an event-like row at local day `day` (labels for grains). */
static struct group *ev_group(struct agg *a, const struct evview *e, int64_t day)
{
    const char *vals[CX_QUERY_MAX];
    size_t lens[CX_QUERY_MAX];
    char labels[CX_QUERY_MAX][16];
    for (size_t i = 0; i < a->q->nby; i++) {
        if (a->grain[i] >= 0) {
            cx_bucket_label((enum cx_grain)a->grain[i], day, labels[i]);
            vals[i] = labels[i];
            lens[i] = strlen(labels[i]);
        } else {
            vals[i] = ev_dim(e, a->q->by[i], &lens[i]);
        }
    }
    struct group *g = get_group(a, vals, lens);
    if (!g) a->oom = 1;
    return g;
}

/* ---- responses ---- */

static int resp_cb(void *ctx, const struct cx_resp_row *r)
{
    struct agg *a = ctx;
    const struct cx_query *q = a->q;
    for (size_t i = 0; i < q->nwhere; i++) {
        size_t len;
        const char *v = resp_dim(r, q->where[i].key, &len);
        if (!matches(v, len, q->where[i].val)) return 0;
    }
    const char *vals[CX_QUERY_MAX];
    size_t lens[CX_QUERY_MAX];
    char labels[CX_QUERY_MAX][16];
    int64_t day = 0;
    int have_day = 0;
    for (size_t i = 0; i < q->nby; i++) {
        if (a->grain[i] >= 0) {
            if (!have_day) day = cx_tz_local_day(a->tz, r->t.sec), have_day = 1;
            cx_bucket_label((enum cx_grain)a->grain[i], day, labels[i]);
            vals[i] = labels[i];
            lens[i] = strlen(labels[i]);
        } else {
            vals[i] = resp_dim(r, q->by[i], &lens[i]);
        }
    }
    struct group *g = get_group(a, vals, lens);
    if (!g) return CX_ENOMEM;
    cx_hist_add(&g->hist, r->scale_idx, r->score, 1);
    return 0;
}

static int rollup_cb(void *ctx, const struct cx_rollup_row *r)
{
    struct cx_resp_row rr;
    memset(&rr, 0, sizeof rr);
    rr.channel = r->channel;
    rr.touchpoint = r->touchpoint;
    rr.lang = r->lang;
    struct agg *a = ctx;
    const struct cx_query *q = a->q;
    for (size_t i = 0; i < q->nwhere; i++) {
        size_t len;
        const char *v = resp_dim(&rr, q->where[i].key, &len);
        if (!matches(v, len, q->where[i].val)) return 0;
    }
    const char *vals[CX_QUERY_MAX];
    size_t lens[CX_QUERY_MAX];
    char labels[CX_QUERY_MAX][16];
    for (size_t i = 0; i < q->nby; i++) {
        if (a->grain[i] >= 0) {
            cx_bucket_label((enum cx_grain)a->grain[i], r->day, labels[i]);
            vals[i] = labels[i];
            lens[i] = strlen(labels[i]);
        } else {
            vals[i] = resp_dim(&rr, q->by[i], &lens[i]);
        }
    }
    struct group *g = get_group(a, vals, lens);
    if (!g) return CX_ENOMEM;
    struct cx_scale sc = cx_scale_at(r->scale_idx);
    for (int s = sc.min; s <= sc.max; s++)
        if (r->c[s - sc.min]) cx_hist_add(&g->hist, r->scale_idx, s, (int64_t)r->c[s - sc.min]);
    return 0;
}

static int dim_bit(const char *k)
{
    if (!strcmp(k, "channel")) return CX_DIM_CHANNEL;
    if (!strcmp(k, "touchpoint")) return CX_DIM_TOUCHPOINT;
    if (!strcmp(k, "lang")) return CX_DIM_LANG;
    return -1;
}

/* Returns the rollup cuboid that can answer the response part of the
 * query, or -1. Sets the day range. */
static int pick_cuboid(struct agg *a, struct cx_store *s, int64_t *d0, int64_t *d1)
{
    const struct cx_query *q = a->q;
    if (q->force_scan || strcmp(cx_tz_name(a->tz), s->rollup_tz)) return -1;
    int need = 0;
    for (size_t i = 0; i < q->nby; i++) {
        if (a->grain[i] >= 0) continue;
        int b = dim_bit(q->by[i]);
        if (b < 0) return -1;
        need |= b;
    }
    for (size_t i = 0; i < q->nwhere; i++) {
        int b = dim_bit(q->where[i].key);
        if (b < 0) return -1;
        need |= b;
    }
    *d0 = INT64_MIN / 4;
    *d1 = INT64_MAX / 4;
    if (a->has_from) {
        int64_t d = cx_tz_local_day(a->tz, a->from.sec);
        if (a->from.nsec || cx_tz_day_start(a->tz, d) != a->from.sec) return -1;
        *d0 = d;
    }
    if (a->has_to) {
        int64_t d = cx_tz_local_day(a->tz, a->to.sec);
        if (a->to.nsec || cx_tz_day_start(a->tz, d) != a->to.sec) return -1;
        *d1 = d;
    }
    for (int c = 0; c < CX_NCUBOIDS; c++)
        if ((cx_cuboid_dims[c] & need) == need) return c;
    return -1;
}

static int run_responses(struct agg *a, struct cx_store *s, int *used_rollup, struct cx_err *err)
{
    int64_t d0, d1;
    int c = pick_cuboid(a, s, &d0, &d1);
    *used_rollup = c >= 0;
    if (c >= 0) return s->vt->scan_rollup(s, c, d0, d1, rollup_cb, a, err);
    struct cx_scan_filter f = {0};
    f.has_from = a->has_from;
    f.from = a->from;
    f.has_to = a->has_to;
    f.to = a->to;
    for (size_t i = 0; i < a->q->nwhere; i++) {
        const struct cx_where *w = &a->q->where[i];
        if (!strcmp(w->key, "channel")) f.channel = w->val;
        if (!strcmp(w->key, "touchpoint")) f.touchpoint = w->val;
        if (!strcmp(w->key, "lang")) f.lang = w->val;
    }
    return s->vt->scan_responses(s, &f, resp_cb, a, err);
}

/* ---- events ---- */

static void anchor_clear(struct anchor *an)
{
    free(an->id);
    free(an->channel);
    free(an->agent);
    free(an->type);
    free(an->attrs);
    memset(an, 0, sizeof *an);
}

static int anchor_set(struct anchor *an, const struct cx_event *e)
{
    anchor_clear(an);
    an->set = 1;
    an->t = e->t;
    an->id = strdup(e->id);
    an->channel = strdup(e->channel);
    an->agent = e->agent ? strdup(e->agent) : NULL;
    an->type = strdup(e->type);
    an->attrs = malloc(e->attrs_len + 1);
    if (!an->id || !an->channel || !an->type || !an->attrs || (e->agent && !an->agent))
        return CX_ENOMEM;
    if (e->attrs_len) memcpy(an->attrs, e->attrs, e->attrs_len);
    an->attrs_len = e->attrs_len;
    return CX_OK;
}

/* Is e earlier (time, then id) than the anchor? */
static int earlier(const struct cx_event *e, const struct anchor *an)
{
    int c = cx_time_cmp(e->t, an->t);
    return c < 0 || (c == 0 && strcmp(e->id, an->id) < 0);
}

static struct evview view_of_event(const struct cx_event *e)
{
    struct evview v = {e->t, e->channel, e->agent, e->type, e->attrs, e->attrs_len};
    return v;
}

static struct evview view_of_anchor(const struct anchor *an)
{
    struct evview v = {an->t, an->channel, an->agent, an->type, an->attrs, an->attrs_len};
    return v;
}

struct ticket {
    int has_open;
    struct cx_time first_open;
    struct anchor resolved; /* last ticket.resolved */
    unsigned messages, transfers;
    int reopened;
};

struct cart {
    struct anchor created; /* earliest cart.created */
    int purchased;
};

struct sub {
    char *customer;
    struct anchor first; /* earliest subscription event */
    int has_start;
    struct cx_time start;
    struct cx_time *cancels;
    size_t ncancels;
};

static void *unit_for(struct agg *a, struct cx_hmap *m, const char *key, size_t size)
{
    int created;
    void **slot = cx_hmap_put(m, key, strlen(key), &created);
    if (!slot) return NULL;
    if (created) *slot = calloc(1, size);
    return *slot;
}

static int call_unit(struct agg *a, const struct cx_event *e, int chat)
{
    int answered = !strcmp(e->type + (chat ? 4 : 4), ".answered");
    struct evview v = view_of_event(e);
    if (!in_period(a, e->t) || !ev_where(a, &v)) return CX_OK;
    if (!answered && a->q->has_short_abandon && e->has_wait && e->wait_ns < a->q->short_abandon_ns)
        return CX_OK;
    struct group *g = ev_group(a, &v, cx_tz_local_day(a->tz, e->t.sec));
    if (!g) return CX_ENOMEM;
    if (chat) {
        if (answered)
            g->chat_ans++;
        else
            g->chat_ab++;
    } else {
        if (answered)
            g->call_ans++;
        else
            g->call_ab++;
    }
    if (answered && e->has_wait && a->need_wait) cx_moments_add(&g->wait, e->wait_ns);
    return CX_OK;
}

static int event_cb(void *ctx, const struct cx_event *e)
{
    struct agg *a = ctx;
    const char *t = e->type;
    if (!strncmp(t, "call.", 5) || !strncmp(t, "chat.", 5)) {
        int chat = t[1] == 'h';
        if (strcmp(t + 4, ".answered") && strcmp(t + 4, ".abandoned")) return CX_OK;
        int want = chat ? (a->need_chats || a->need_wait) : (a->need_calls || a->need_wait);
        return want ? call_unit(a, e, chat) : CX_OK;
    }
    if (!strncmp(t, "ticket.", 7)) {
        if (!a->need_tickets || !e->ref) return CX_OK;
        struct ticket *k = unit_for(a, &a->tickets, e->ref, sizeof *k);
        if (!k) return CX_ENOMEM;
        if (!strcmp(t, "ticket.opened")) {
            if (!k->has_open || cx_time_cmp(e->t, k->first_open) < 0) k->first_open = e->t;
            k->has_open = 1;
        } else if (!strcmp(t, "ticket.message")) {
            k->messages++;
        } else if (!strcmp(t, "ticket.transferred")) {
            k->transfers++;
        } else if (!strcmp(t, "ticket.reopened")) {
            k->reopened = 1;
        } else if (!strcmp(t, "ticket.resolved")) {
            if (!k->resolved.set || !earlier(e, &k->resolved))
                if (anchor_set(&k->resolved, e)) return CX_ENOMEM;
        }
        return CX_OK;
    }
    if (!strncmp(t, "cart.", 5)) {
        if (!a->need_carts) return CX_OK;
        if (!strcmp(t, "cart.created") && !e->ref) {
            /* no ref: a unit of its own, never purchased */
            struct evview v = view_of_event(e);
            if (!in_period(a, e->t) || !ev_where(a, &v)) return CX_OK;
            struct group *g = ev_group(a, &v, cx_tz_local_day(a->tz, e->t.sec));
            if (!g) return CX_ENOMEM;
            g->carts++;
            g->carts_ab++;
            return CX_OK;
        }
        if (!e->ref) return CX_OK;
        struct cart *c = unit_for(a, &a->carts, e->ref, sizeof *c);
        if (!c) return CX_ENOMEM;
        if (!strcmp(t, "cart.purchased"))
            c->purchased = 1;
        else if (!strcmp(t, "cart.created") && (!c->created.set || earlier(e, &c->created)))
            if (anchor_set(&c->created, e)) return CX_ENOMEM;
        return CX_OK;
    }
    if (!strncmp(t, "subscription.", 13)) {
        if (!a->need_subs) return CX_OK;
        char keybuf[300];
        snprintf(keybuf, sizeof keybuf, "%c%s", e->ref ? 'r' : 'c', e->ref ? e->ref : e->customer);
        struct sub *s = unit_for(a, &a->subs, keybuf, sizeof *s);
        if (!s) return CX_ENOMEM;
        if (!s->first.set || earlier(e, &s->first)) {
            if (anchor_set(&s->first, e)) return CX_ENOMEM;
            free(s->customer);
            if (!(s->customer = strdup(e->customer))) return CX_ENOMEM;
        }
        if (!strcmp(t, "subscription.started") || !strcmp(t, "subscription.renewed")) {
            if (!s->has_start || cx_time_cmp(e->t, s->start) < 0) s->start = e->t;
            s->has_start = 1;
        } else if (!strcmp(t, "subscription.cancelled")) {
            struct cx_time *n = realloc(s->cancels, (s->ncancels + 1) * sizeof *n);
            if (!n) return CX_ENOMEM;
            s->cancels = n;
            s->cancels[s->ncancels++] = e->t;
        }
    }
    return CX_OK;
}

static int finish_tickets(struct agg *a)
{
    for (size_t i = 0; i < a->tickets.cap; i++) {
        struct ticket *k = a->tickets.slots[i].val;
        if (!a->tickets.slots[i].key || !k->resolved.set) continue;
        struct evview v = view_of_anchor(&k->resolved);
        if (!in_period(a, v.t) || !ev_where(a, &v)) continue;
        struct group *g = ev_group(a, &v, cx_tz_local_day(a->tz, v.t.sec));
        if (!g) return CX_ENOMEM;
        g->tickets++;
        if (k->messages <= 1 && !k->reopened) g->tickets_fcr++;
        cx_moments_add(&g->transfers, k->transfers);
        if (k->has_open) {
            if (g->nres == g->capres) {
                size_t nc = g->capres ? g->capres * 2 : 16;
                int64_t *n = realloc(g->res, nc * sizeof *n);
                if (!n) return CX_ENOMEM;
                g->res = n;
                g->capres = nc;
            }
            int64_t d = (v.t.sec - k->first_open.sec) * CX_NANO + (v.t.nsec - k->first_open.nsec);
            g->res[g->nres++] = d;
        }
    }
    return CX_OK;
}

static int finish_carts(struct agg *a)
{
    for (size_t i = 0; i < a->carts.cap; i++) {
        struct cart *c = a->carts.slots[i].val;
        if (!a->carts.slots[i].key || !c->created.set) continue;
        struct evview v = view_of_anchor(&c->created);
        if (!in_period(a, v.t) || !ev_where(a, &v)) continue;
        struct group *g = ev_group(a, &v, cx_tz_local_day(a->tz, v.t.sec));
        if (!g) return CX_ENOMEM;
        g->carts++;
        if (!c->purchased) g->carts_ab++;
    }
    return CX_OK;
}

/* Churn: one interval per subscription, customers counted once per group. */
struct interval {
    const char *gkey; /* non-time group values, NUL-separated with lengths */
    size_t gklen;
    const char *customer;
    struct sub *sub;
    int64_t start, end; /* seconds (ns dropped: buckets start on whole seconds) */
    int has_end;
};

static int cmp_interval(const void *x, const void *y)
{
    const struct interval *a = x, *b = y;
    size_t n = a->gklen < b->gklen ? a->gklen : b->gklen;
    int c = memcmp(a->gkey, b->gkey, n);
    if (c) return c;
    if (a->gklen != b->gklen) return a->gklen < b->gklen ? -1 : 1;
    return strcmp(a->customer, b->customer);
}

struct bucket {
    int64_t b, e; /* [b, e) in UTC seconds, clipped to the period */
    int64_t day;  /* first local day of the bucket */
};

static int finish_subs(struct agg *a)
{
    const struct cx_query *q = a->q;
    int finest = -1;
    for (size_t i = 0; i < q->nby; i++)
        if (a->grain[i] >= 0 && (finest < 0 || a->grain[i] < finest)) finest = a->grain[i];
    if (finest < 0 && !a->has_from) return CX_OK; /* churn is empty without --from */

    size_t n = 0;
    struct interval *iv = calloc(a->subs.len + 1, sizeof *iv);
    char **keys = calloc(a->subs.len + 1, sizeof *keys);
    if (!iv || !keys) {
        free(iv);
        free(keys);
        return CX_ENOMEM;
    }
    int rc = CX_OK;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < a->subs.cap; i++) {
        struct sub *s = a->subs.slots[i].val;
        if (!a->subs.slots[i].key || !s->has_start) continue;
        struct evview v = view_of_anchor(&s->first);
        if (!ev_where(a, &v)) continue;
        struct interval *x = &iv[n];
        x->sub = s;
        x->customer = s->customer;
        x->start = s->start.sec; /* B is whole seconds: start < B iff floor(start) < B */
        for (size_t c = 0; c < s->ncancels; c++)
            if (cx_time_cmp(s->cancels[c], s->start) >= 0 &&
                (!x->has_end || s->cancels[c].sec < x->end)) {
                x->end = s->cancels[c].sec;
                x->has_end = 1;
            }
        /* non-time group values */
        size_t total = 1;
        size_t lens[CX_QUERY_MAX];
        const char *vals[CX_QUERY_MAX];
        for (size_t k = 0; k < q->nby; k++) {
            vals[k] = a->grain[k] >= 0 ? "" : ev_dim(&v, q->by[k], &lens[k]);
            if (a->grain[k] >= 0) lens[k] = 0;
            total += lens[k] + 1;
        }
        char *gk = malloc(total);
        if (!gk) {
            rc = CX_ENOMEM;
            goto out;
        }
        size_t o = 0;
        for (size_t k = 0; k < q->nby; k++) {
            memcpy(gk + o, vals[k], lens[k]);
            o += lens[k];
            gk[o++] = 0;
        }
        keys[n] = gk;
        x->gkey = gk;
        x->gklen = o;
        if (x->start < lo) lo = x->start;
        int64_t last = x->has_end ? x->end : x->start;
        if (last + 1 > hi) hi = last + 1;
        n++;
    }
    if (n == 0) goto out;
    qsort(iv, n, sizeof *iv, cmp_interval);
    if (a->has_from) lo = a->from.sec + (a->from.nsec > 0);
    if (a->has_to)
        hi = a->to.sec + (a->to.nsec > 0);
    else if (finest < 0)
        hi = INT64_MAX / 4;
    /* buckets */
    size_t nb = 0, capb = 0;
    struct bucket *bk = NULL;
    if (finest < 0) {
        bk = malloc(sizeof *bk);
        if (!bk) {
            rc = CX_ENOMEM;
            goto out;
        }
        bk[0].b = lo;
        bk[0].e = hi;
        bk[0].day = 0;
        nb = 1;
    } else {
        int64_t d = cx_bucket_start((enum cx_grain)finest, cx_tz_local_day(a->tz, lo));
        while (lo < hi) {
            int64_t nd = cx_bucket_next((enum cx_grain)finest, d);
            int64_t bs = cx_tz_day_start(a->tz, d), be = cx_tz_day_start(a->tz, nd);
            if (bs < hi && be > lo) {
                if (nb == capb) {
                    capb = capb ? capb * 2 : 64;
                    struct bucket *nbk = realloc(bk, capb * sizeof *bk);
                    if (!nbk) {
                        free(bk);
                        rc = CX_ENOMEM;
                        goto out;
                    }
                    bk = nbk;
                }
                bk[nb].b = bs > lo ? bs : lo;
                bk[nb].e = be < hi ? be : hi;
                bk[nb].day = d;
                nb++;
            }
            if (be >= hi) break;
            d = nd;
        }
    }
    /* runs of (group values, customer) */
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i + 1;
        while (j < n && cmp_interval(&iv[i], &iv[j]) == 0) j++;
        for (size_t b = 0; b < nb; b++) {
            int active = 0, churned = 0;
            for (size_t k = i; k < j; k++) {
                if (iv[k].start < bk[b].b && (!iv[k].has_end || iv[k].end >= bk[b].b)) {
                    active = 1;
                    if (iv[k].has_end && iv[k].end < bk[b].e) churned = 1;
                }
            }
            if (!active) continue;
            struct evview v = view_of_anchor(&iv[i].sub->first);
            struct group *g = ev_group(a, &v, bk[b].day);
            if (!g) {
                rc = CX_ENOMEM;
                break;
            }
            g->active++;
            g->churned += churned;
        }
        i = j;
    }
    free(bk);
out:
    for (size_t i = 0; i < n; i++) free(keys[i]);
    free(keys);
    free(iv);
    return rc;
}

static const char *const call_types[] = {"call.answered", "call.abandoned", "chat.answered",
                                         "chat.abandoned", NULL};

static int run_events(struct agg *a, struct cx_store *s, struct cx_err *err)
{
    const char *types[32];
    size_t nt = 0;
    int only_contacts = !a->need_carts && !a->need_tickets && !a->need_subs;
    if (a->need_calls || a->need_chats || a->need_wait)
        for (size_t i = 0; call_types[i]; i++) types[nt++] = call_types[i];
    if (a->need_tickets) {
        static const char *const t[] = {"ticket.opened", "ticket.message", "ticket.transferred",
                                        "ticket.resolved", "ticket.reopened"};
        for (size_t i = 0; i < 5; i++) types[nt++] = t[i];
    }
    if (a->need_carts) {
        types[nt++] = "cart.created";
        types[nt++] = "cart.purchased";
    }
    if (a->need_subs) {
        types[nt++] = "subscription.started";
        types[nt++] = "subscription.renewed";
        types[nt++] = "subscription.cancelled";
    }
    if (!nt) return CX_OK;
    types[nt] = NULL;
    struct cx_scan_filter f = {0};
    f.types = types;
    if (only_contacts) {
        /* calls and chats are their own anchors: the period can be pushed down */
        f.has_from = a->has_from;
        f.from = a->from;
        f.has_to = a->has_to;
        f.to = a->to;
        for (size_t i = 0; i < a->q->nwhere; i++)
            if (!strcmp(a->q->where[i].key, "channel")) f.channel = a->q->where[i].val;
    }
    int rc = s->vt->scan_events(s, &f, event_cb, a, err);
    if (!rc && a->oom) rc = CX_ENOMEM;
    if (!rc && a->need_tickets) rc = finish_tickets(a);
    if (!rc && a->need_carts) rc = finish_carts(a);
    if (!rc && a->need_subs) rc = finish_subs(a);
    return rc;
}

static void free_units(struct agg *a)
{
    for (size_t i = 0; i < a->tickets.cap; i++) {
        struct ticket *k = a->tickets.slots[i].val;
        if (!a->tickets.slots[i].key || !k) continue;
        anchor_clear(&k->resolved);
        free(k);
    }
    for (size_t i = 0; i < a->carts.cap; i++) {
        struct cart *c = a->carts.slots[i].val;
        if (!a->carts.slots[i].key || !c) continue;
        anchor_clear(&c->created);
        free(c);
    }
    for (size_t i = 0; i < a->subs.cap; i++) {
        struct sub *s = a->subs.slots[i].val;
        if (!a->subs.slots[i].key || !s) continue;
        anchor_clear(&s->first);
        free(s->customer);
        free(s->cancels);
        free(s);
    }
    cx_hmap_free(&a->tickets);
    cx_hmap_free(&a->carts);
    cx_hmap_free(&a->subs);
}

static void free_agg(struct agg *a)
{
    for (size_t i = 0; i < a->groups.cap; i++)
        if (a->groups.slots[i].key) free_group(a->groups.slots[i].val, a->q->nby);
    cx_hmap_free(&a->groups);
    free(a->keybuf);
    free_units(a);
}

/* Resolves a --from/--to value: a date (whole local day) or an instant. */
static int resolve_time(struct cx_tz *tz, const char *opt, const char *v, int is_to,
                        struct cx_time *out, struct cx_err *err)
{
    int64_t day;
    const char *why = NULL;
    if (!cx_date_parse(v, strlen(v), &day, &why)) {
        out->sec = cx_tz_day_start(tz, is_to ? day + 1 : day);
        out->nsec = 0;
        return CX_OK;
    }
    if (!cx_time_parse(v, strlen(v), out, &why)) return CX_OK;
    return cx_fail(err, CX_EINVAL, "%s: '%s' is neither a date (YYYY-MM-DD) nor a time (%s)", opt,
                   v, why ? why : "invalid");
}

/* ---- invitations (response_rate) ---- */

static const char *inv_dim(const struct cx_invitation *v, const char *key, size_t *len)
{
    const char *f = NULL;
    if (!strcmp(key, "channel"))
        f = v->channel;
    else if (!strcmp(key, "survey"))
        f = v->survey;
    else if (!strcmp(key, "lang"))
        f = v->lang;
    if (f) {
        *len = strlen(f);
        return f;
    }
    return attr_or_empty(v->context, v->context_len, key, len);
}

static int inv_cb(void *ctx, const struct cx_invitation *v)
{
    struct agg *a = ctx;
    const struct cx_query *q = a->q;
    struct cx_time t = {v->created, 0};
    if (!in_period(a, t)) return CX_OK;
    for (size_t i = 0; i < q->nwhere; i++) {
        size_t len;
        const char *val = inv_dim(v, q->where[i].key, &len);
        if (!matches(val, len, q->where[i].val)) return CX_OK;
    }
    const char *vals[CX_QUERY_MAX];
    size_t lens[CX_QUERY_MAX];
    char labels[CX_QUERY_MAX][16];
    int64_t day = cx_tz_local_day(a->tz, v->created);
    for (size_t i = 0; i < q->nby; i++) {
        if (a->grain[i] >= 0) {
            cx_bucket_label((enum cx_grain)a->grain[i], day, labels[i]);
            vals[i] = labels[i];
            lens[i] = strlen(labels[i]);
        } else {
            vals[i] = inv_dim(v, q->by[i], &lens[i]);
        }
    }
    struct group *g = get_group(a, vals, lens);
    if (!g) return CX_ENOMEM;
    if (v->delivered) {
        g->invited++;
        if (v->answered) g->answered++;
        if (v->opened || v->answered) g->opened++;
    }
    return CX_OK;
}

static int run_invitations(struct agg *a, struct cx_store *s, struct cx_err *err)
{
    struct cx_scan_filter f = {0};
    f.has_from = a->has_from;
    f.from = a->from;
    f.has_to = a->has_to;
    f.to = a->to;
    return s->vt->scan_invitations(s, &f, inv_cb, a, err);
}

static int aggregate(struct agg *a, struct cx_store *s, int *used_rollup, struct cx_err *err)
{
    int rc = CX_OK;
    *used_rollup = 0;
    if (a->need_resp) rc = run_responses(a, s, used_rollup, err);
    if (!rc && a->oom) rc = CX_ENOMEM;
    if (!rc) rc = run_events(a, s, err);
    if (!rc && a->need_inv) rc = run_invitations(a, s, err);
    if (rc == CX_ENOMEM && !err->msg[0]) cx_fail(err, rc, "out of memory");
    return rc;
}

static void estimate(const struct group *g, enum cx_metric m, struct cx_estimate *e)
{
    memset(e, 0, sizeof *e);
    if (!g) {
        e->kind = m == CX_M_NPS ? CX_EST_NPS : CX_EST_PROP;
        return;
    }
    switch (m) {
    case CX_M_NPS:
        cx_metric_nps(&g->hist, e);
        break;
    case CX_M_CSAT:
        cx_metric_csat(&g->hist, e);
        break;
    case CX_M_CSAT_MEAN:
        cx_metric_csat_mean(&g->hist, e);
        break;
    case CX_M_CES:
        cx_metric_ces(&g->hist, e);
        break;
    case CX_M_CES_EASY:
        cx_metric_ces_easy(&g->hist, e);
        break;
    case CX_M_CALL_ABANDONMENT:
        cx_metric_prop(g->call_ab, g->call_ab + g->call_ans, e);
        break;
    case CX_M_CHAT_ABANDONMENT:
        cx_metric_prop(g->chat_ab, g->chat_ab + g->chat_ans, e);
        break;
    case CX_M_AVG_WAIT:
        cx_metric_mean(&g->wait, CX_NANO, e);
        break;
    case CX_M_CART_ABANDONMENT:
        cx_metric_prop(g->carts_ab, g->carts, e);
        break;
    case CX_M_CHURN:
        cx_metric_prop(g->churned, g->active, e);
        break;
    case CX_M_FCR:
        cx_metric_prop(g->tickets_fcr, g->tickets, e);
        break;
    case CX_M_RESOLUTION_HOURS:
    case CX_M_RESOLUTION_HOURS_P90:
        cx_metric_percentile(g->res, g->nres, m == CX_M_RESOLUTION_HOURS ? 50 : 90, 3600 * CX_NANO,
                             e);
        break;
    case CX_M_TRANSFERS:
        cx_metric_mean(&g->transfers, 1, e);
        break;
    case CX_M_RESPONSE_RATE:
        cx_metric_prop(g->answered, g->invited, e);
        break;
    case CX_M_OPEN_RATE:
        cx_metric_prop(g->opened, g->invited, e);
        break;
    default:
        break;
    }
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static size_t g_nby; /* qsort context (single-threaded use) */

static int cmp_groups(const void *x, const void *y)
{
    const struct group *a = *(struct group *const *)x, *b = *(struct group *const *)y;
    for (size_t i = 0; i < g_nby; i++) {
        int c = strcmp(a->vals[i], b->vals[i]);
        if (c) return c;
    }
    return 0;
}

static int setup(struct agg *a, const struct cx_query *q, struct cx_tz *tz)
{
    memset(a, 0, sizeof *a);
    a->q = q;
    a->tz = tz;
    cx_hmap_init(&a->groups);
    cx_hmap_init(&a->tickets);
    cx_hmap_init(&a->carts);
    cx_hmap_init(&a->subs);
    for (size_t i = 0; i < q->nby; i++) {
        enum cx_grain g;
        a->grain[i] = cx_grain_parse(q->by[i], &g) ? -1 : (int)g;
    }
    for (size_t i = 0; i < q->nmetrics; i++) {
        switch (q->metrics[i]) {
        case CX_M_NPS:
        case CX_M_CSAT:
        case CX_M_CSAT_MEAN:
        case CX_M_CES:
        case CX_M_CES_EASY:
            a->need_resp = 1;
            break;
        case CX_M_CALL_ABANDONMENT:
            a->need_calls = 1;
            break;
        case CX_M_CHAT_ABANDONMENT:
            a->need_chats = 1;
            break;
        case CX_M_AVG_WAIT:
            a->need_wait = 1;
            break;
        case CX_M_CART_ABANDONMENT:
            a->need_carts = 1;
            break;
        case CX_M_CHURN:
            a->need_subs = 1;
            break;
        case CX_M_FCR:
        case CX_M_RESOLUTION_HOURS:
        case CX_M_RESOLUTION_HOURS_P90:
        case CX_M_TRANSFERS:
            a->need_tickets = 1;
            break;
        case CX_M_RESPONSE_RATE:
        case CX_M_OPEN_RATE:
            a->need_inv = 1;
            break;
        default:
            break;
        }
    }
    return CX_OK;
}

static struct group *lookup_same(struct agg *a, const struct group *g)
{
    const char *vals[CX_QUERY_MAX] = {0};
    size_t lens[CX_QUERY_MAX] = {0};
    for (size_t i = 0; g && i < a->q->nby; i++) {
        vals[i] = g->vals[i];
        lens[i] = strlen(g->vals[i]);
    }
    size_t before = a->groups.len;
    struct group *p = get_group(a, vals, lens);
    if (p && a->groups.len != before) return NULL; /* absent: created empty */
    return p;
}

int cx_report_run(struct cx_store *s, const struct cx_query *q0, struct cx_report **out,
                  struct cx_err *err)
{
    struct cx_query qq = *q0;
    const struct cx_query *q = &qq;
    if (qq.nmetrics == 0) {
        qq.metrics[0] = CX_M_NPS;
        qq.metrics[1] = CX_M_CSAT;
        qq.metrics[2] = CX_M_CES;
        qq.nmetrics = 3;
    }
    struct cx_tz *tz = NULL;
    int rc = cx_tz_open(q->tz, &tz, err);
    if (rc) return rc;
    struct agg cur, prev;
    setup(&cur, q, tz);
    setup(&prev, q, tz);
    struct cx_report *r = NULL;
    struct group **arr = NULL;
    if (q->from && (rc = resolve_time(tz, "--from", q->from, 0, &cur.from, err))) goto out;
    if (q->to && (rc = resolve_time(tz, "--to", q->to, 1, &cur.to, err))) goto out;
    cur.has_from = q->from != NULL;
    cur.has_to = q->to != NULL;
    int compare = q->compare != NULL;
    if (compare) {
        for (size_t i = 0; i < q->nby; i++)
            if (cur.grain[i] >= 0) {
                rc = cx_fail(err, CX_EINVAL,
                             "--compare compares two periods: drop the time grain '%s' from --by",
                             q->by[i]);
                goto out;
            }
        const char *dots = strstr(q->compare, "..");
        if (!strcmp(q->compare, "previous")) {
            if (!cur.has_from || !cur.has_to) {
                rc = cx_fail(err, CX_EINVAL, "--compare previous needs --from and --to");
                goto out;
            }
            int64_t d0, d1;
            const char *why = NULL;
            if (!cx_date_parse(q->from, strlen(q->from), &d0, &why) &&
                !cx_date_parse(q->to, strlen(q->to), &d1, &why)) {
                /* dates: as many local days before --from (a DST change
                 * makes local days 23 or 25 hours long) */
                prev.from.sec = cx_tz_day_start(tz, d0 - (d1 - d0 + 1));
                prev.from.nsec = 0;
            } else {
                int64_t len = cur.to.sec - cur.from.sec;
                prev.from.sec = cur.from.sec - len;
                prev.from.nsec = cur.from.nsec;
            }
            prev.to = cur.from;
        } else if (dots) {
            char *a1 = strndup(q->compare, (size_t)(dots - q->compare));
            if (!a1) {
                rc = CX_ENOMEM;
                goto out;
            }
            rc = resolve_time(tz, "--compare", a1, 0, &prev.from, err);
            free(a1);
            if (!rc) rc = resolve_time(tz, "--compare", dots + 2, 1, &prev.to, err);
            if (rc) goto out;
        } else {
            rc = cx_fail(err, CX_EINVAL, "--compare: expected 'previous' or FROM..TO, got '%s'",
                         q->compare);
            goto out;
        }
        prev.has_from = prev.has_to = 1;
    }
    /* >= : a --to date before a --from date resolves to an equal instant */
    if (cur.has_from && cur.has_to && cx_time_cmp(cur.from, cur.to) >= 0) {
        rc = cx_fail(err, CX_EINVAL, "--from is after --to");
        goto out;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        rc = cx_fail(err, CX_ENOMEM, "out of memory");
        goto out;
    }
    r->nby = q->nby;
    r->compare = compare;
    r->by = calloc(q->nby + 1, sizeof *r->by);
    if (!r->by) {
        rc = CX_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < q->nby; i++)
        if (!(r->by[i] = strdup(q->by[i]))) {
            rc = CX_ENOMEM;
            goto out;
        }
    if ((rc = aggregate(&cur, s, &r->used_rollup, err))) goto out;
    int dummy;
    if (compare && (rc = aggregate(&prev, s, &dummy, err))) goto out;

    size_t ng = 0;
    arr = malloc((cur.groups.len + 1) * sizeof *arr);
    if (!arr) {
        rc = CX_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < cur.groups.cap; i++)
        if (cur.groups.slots[i].key) {
            struct group *g = cur.groups.slots[i].val;
            if (g->nres > 1) qsort(g->res, g->nres, sizeof *g->res, cmp_i64);
            arr[ng++] = g;
        }
    for (size_t i = 0; i < prev.groups.cap; i++)
        if (prev.groups.slots[i].key) {
            struct group *g = prev.groups.slots[i].val;
            if (g->nres > 1) qsort(g->res, g->nres, sizeof *g->res, cmp_i64);
        }
    g_nby = q->nby;
    if (ng > 1) qsort(arr, ng, sizeof *arr, cmp_groups);
    /* Without --by there is exactly one row per metric, even with no data. */
    int single = q->nby == 0;
    size_t cap = (ng + single) * q->nmetrics;
    r->rows = calloc(cap ? cap : 1, sizeof *r->rows);
    if (!r->rows) {
        rc = CX_ENOMEM;
        goto out;
    }
    for (size_t gi = 0; gi < ng + (single && ng == 0); gi++) {
        struct group *g = gi < ng ? arr[gi] : NULL;
        struct cx_estimate est[CX_QUERY_MAX];
        int any = 0;
        for (size_t m = 0; m < q->nmetrics; m++) {
            estimate(g, q->metrics[m], &est[m]);
            any |= est[m].n > 0;
        }
        if (!any && !single) continue;
        struct group *pg = compare && g ? lookup_same(&prev, g) : NULL;
        for (size_t m = 0; m < q->nmetrics; m++) {
            struct cx_report_row *row = &r->rows[r->nrows];
            row->metric = q->metrics[m];
            row->est = est[m];
            row->groups = calloc(q->nby + 1, sizeof *row->groups);
            if (!row->groups) {
                rc = CX_ENOMEM;
                goto out;
            }
            r->nrows++;
            for (size_t k = 0; k < q->nby; k++)
                if (!(row->groups[k] = strdup(g->vals[k]))) {
                    rc = CX_ENOMEM;
                    goto out;
                }
            if (compare) {
                row->has_prev = 1;
                if (single && !pg) pg = lookup_same(&prev, NULL);
                estimate(pg, q->metrics[m], &row->prev);
                cx_compare(&row->est, &row->prev, &row->cmp);
            }
        }
    }
out:
    free(arr);
    free_agg(&cur);
    free_agg(&prev);
    cx_tz_free(tz);
    if (rc) {
        if (rc == CX_ENOMEM && !err->msg[0]) cx_fail(err, rc, "out of memory");
        cx_report_free(r);
        return rc;
    }
    *out = r;
    return CX_OK;
}

void cx_report_free(struct cx_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nrows; i++) {
        for (size_t k = 0; k < r->nby && r->rows[i].groups; k++) free(r->rows[i].groups[k]);
        free(r->rows[i].groups);
    }
    free(r->rows);
    for (size_t i = 0; i < r->nby && r->by; i++) free(r->by[i]);
    free(r->by);
    free(r);
}
