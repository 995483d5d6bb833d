/* drivers.c - see drivers.h and docs/drivers.md.
 *
 * Two scans load compact rows: responses of the kind (customer interned to
 * an index, mapped score in 1/36 units) and the events of those customers
 * (type code, time, interned channel, 32-bit hash of ref, a long-wait
 * flag). Both arrays are sorted by customer and time, then one pass over
 * each customer's responses finds its window of events by binary search,
 * reduces it to a feature bit mask and adds the outcome to per-feature
 * sufficient statistics (n, sum, sum of squares, low count), from which
 * the "without" group follows by subtraction from the totals. */
#include "engine/drivers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "core/stats.h"

#define MAPDEN 36 /* mapped scores are counted in 1/36 units (exact for every scale) */
#define DAY_S 86400
#define NO_CH 0xFFFFu /* channel not interned (too many channels) */
#define MAX_CH 0xFFFEu

/* Event codes: what the features need to know of an event's type. */
enum code {
    EV_OTHER, /* any other interaction (ticket.opened, subscription.started, email.*, ...) */
    EV_CALL_ANS,
    EV_CALL_ABN,
    EV_CHAT_ANS,
    EV_CHAT_ABN,
    EV_T_MSG,
    EV_T_XFER,
    EV_T_REOPEN,
    EV_CART_NEW,
    EV_CART_BUY,
    EV_SUB_CANCEL,
    EV_BROWSE, /* page.view, search, kb.view: not interactions, not stored */
};

#define FL_LONG_WAIT 1

enum feat {
    F_WAIT,
    F_CALL_ABN,
    F_CHAT_ABN,
    F_XFER1,
    F_XFER2,
    F_REOPEN,
    F_MSG3,
    F_CART_ABN,
    F_CANCEL,
    F_NONE,
    NFEAT
};

static const struct {
    const char *key, *label;
} feats[NFEAT] = {
    {NULL, NULL}, /* F_WAIT: built from the threshold */
    {"call_abandoned", "abandoned a call"},
    {"chat_abandoned", "abandoned a chat"},
    {"transfers>=1", "transferred at least once"},
    {"transfers>=2", "transferred twice or more"},
    {"reopened", "had a ticket reopened"},
    {"ticket_contacts>=3", "contacted 3+ times about one ticket"},
    {"cart_abandoned", "abandoned a cart"},
    {"cancelled", "cancelled a subscription"},
    {"no_interaction", "no interaction at all"},
};

struct ev {
    int64_t sec;
    int32_t nsec;
    uint32_t cust;
    uint32_t ref; /* 0 = none */
    uint16_t ch;
    uint8_t code, flags;
};

struct resp {
    int64_t sec;
    int32_t nsec;
    uint32_t cust;
    uint32_t seq; /* scan order: ties in time keep it */
    uint32_t tp;
    int16_t v;  /* mapped score, 1/MAPDEN units */
    uint8_t in; /* in the analysed set (drops: others serve as previous scores) */
};

/* Interned names: string -> dense id. */
struct names {
    struct cx_hmap map;
    char **name; /* only when keep */
    size_t n, cap;
    int keep;
};

struct acc {
    uint64_t n, low;
    int64_t sum, sq;
};

struct ctx {
    const struct cx_drivers_opts *o;
    int64_t long_wait_ns;
    struct names cust, tp, ch;
    struct resp *r;
    size_t nr, rcap;
    struct ev *e;
    size_t ne, ecap;
    int tmin, tmax; /* mapped scale of the kind */
};

void cx_drivers_opts_init(struct cx_drivers_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kind = CX_KIND_CES;
    o->window_s = 14 * DAY_S;
    o->min_n = 30;
    o->alpha = 0.05;
    o->long_wait_s = 300;
}

static void names_free(struct names *nm)
{
    for (size_t i = 0; nm->name && i < nm->n; i++) free(nm->name[i]);
    free(nm->name);
    cx_hmap_free(&nm->map);
}

/* Id of s (interned when absent and add is set). Returns -1 when absent
 * and not added, -2 on allocation failure. */
static long intern(struct names *nm, const char *s, int add)
{
    size_t len = strlen(s);
    if (!add) {
        void **v = cx_hmap_get(&nm->map, s, len);
        return v ? (long)(uintptr_t)*v - 1 : -1;
    }
    int created;
    void **v = cx_hmap_put(&nm->map, s, len, &created);
    if (!v) return -2;
    if (!created) return (long)(uintptr_t)*v - 1;
    if (!nm->keep) {
        *v = (void *)(uintptr_t)(nm->n + 1);
        return (long)nm->n++;
    }
    if (nm->n == nm->cap) {
        size_t nc = nm->cap ? nm->cap * 2 : 64;
        char **p = realloc(nm->name, nc * sizeof *p);
        if (!p) return -2;
        nm->name = p;
        nm->cap = nc;
    }
    if (!(nm->name[nm->n] = strdup(s))) return -2;
    *v = (void *)(uintptr_t)(nm->n + 1);
    return (long)nm->n++;
}

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 4096;
    void *p = realloc(*arr, nc * size);
    if (!p) return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static int in_period(const struct cx_drivers_opts *o, struct cx_time t)
{
    if (o->has_from && cx_time_cmp(t, o->from) < 0) return 0;
    if (o->has_to && cx_time_cmp(t, o->to) >= 0) return 0;
    return 1;
}

static int resp_cb(void *vc, const struct cx_resp_row *row)
{
    struct ctx *c = vc;
    const struct cx_drivers_opts *o = c->o;
    if ((int)cx_scale_kind(row->scale_idx) != (int)o->kind) return CX_OK;
    int in = in_period(o, row->t) && (!o->touchpoint || !strcmp(row->touchpoint, o->touchpoint)) &&
             (!o->channel || !strcmp(row->channel, o->channel));
    if (!in && !o->drops) return CX_OK;
    long cust = intern(&c->cust, row->customer, 1);
    long tp = in ? intern(&c->tp, row->touchpoint, 1) : 0;
    if (cust < 0 || tp < 0) return CX_ENOMEM;
    if (grow((void **)&c->r, &c->rcap, c->nr, sizeof *c->r)) return CX_ENOMEM;
    struct cx_scale sc = cx_scale_at(row->scale_idx);
    int step = MAPDEN * (c->tmax - c->tmin) / (sc.max - sc.min);
    struct resp *r = &c->r[c->nr];
    r->sec = row->t.sec;
    r->nsec = row->t.nsec;
    r->cust = (uint32_t)cust;
    r->seq = (uint32_t)c->nr;
    r->tp = (uint32_t)tp;
    r->v = (int16_t)(MAPDEN * c->tmin + (row->score - sc.min) * step);
    r->in = (uint8_t)in;
    c->nr++;
    return CX_OK;
}

static int prefix(const char *s, const char *p, const char **rest)
{
    size_t n = strlen(p);
    if (strncmp(s, p, n)) return 0;
    *rest = s + n;
    return 1;
}

static enum code code_of(const char *type)
{
    const char *r;
    if (prefix(type, "call.", &r))
        return !strcmp(r, "abandoned")  ? EV_CALL_ABN
               : !strcmp(r, "answered") ? EV_CALL_ANS
                                        : EV_OTHER;
    if (prefix(type, "chat.", &r))
        return !strcmp(r, "abandoned")  ? EV_CHAT_ABN
               : !strcmp(r, "answered") ? EV_CHAT_ANS
                                        : EV_OTHER;
    if (prefix(type, "ticket.", &r)) {
        if (!strcmp(r, "message")) return EV_T_MSG;
        if (!strcmp(r, "transferred")) return EV_T_XFER;
        if (!strcmp(r, "reopened")) return EV_T_REOPEN;
        return EV_OTHER;
    }
    if (prefix(type, "cart.", &r))
        return !strcmp(r, "created")     ? EV_CART_NEW
               : !strcmp(r, "purchased") ? EV_CART_BUY
                                         : EV_OTHER;
    if (!strcmp(type, "subscription.cancelled")) return EV_SUB_CANCEL;
    if (!strcmp(type, "page.view") || !strcmp(type, "search") || !strcmp(type, "kb.view"))
        return EV_BROWSE;
    return EV_OTHER;
}

static uint32_t ref_hash(const char *ref)
{
    uint64_t h = cx_hash(ref, strlen(ref));
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v ? v : 1;
}

static int event_cb(void *vc, const struct cx_event *src)
{
    struct ctx *c = vc;
    enum code code = code_of(src->type);
    if (code == EV_BROWSE) return CX_OK;
    long cust = intern(&c->cust, src->customer, 0);
    if (cust < 0) return CX_OK; /* no response of the kind */
    long ch = NO_CH;
    if (c->ch.n < MAX_CH || intern(&c->ch, src->channel, 0) >= 0) {
        ch = intern(&c->ch, src->channel, 1);
        if (ch < 0) return CX_ENOMEM;
    }
    if (grow((void **)&c->e, &c->ecap, c->ne, sizeof *c->e)) return CX_ENOMEM;
    struct ev *e = &c->e[c->ne++];
    e->sec = src->t.sec;
    e->nsec = src->t.nsec;
    e->cust = (uint32_t)cust;
    e->ch = (uint16_t)ch;
    e->code = (uint8_t)code;
    e->flags = 0;
    e->ref = 0;
    if (src->ref && (code == EV_T_MSG || code == EV_CART_NEW || code == EV_CART_BUY))
        e->ref = ref_hash(src->ref);
    if (code >= EV_CALL_ANS && code <= EV_CHAT_ABN && src->has_wait &&
        src->wait_ns > c->long_wait_ns)
        e->flags |= FL_LONG_WAIT;
    return CX_OK;
}

static int cmp_time(int64_t as, int32_t an, int64_t bs, int32_t bn)
{
    if (as != bs) return as < bs ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

static int cmp_ev(const void *x, const void *y)
{
    const struct ev *a = x, *b = y;
    if (a->cust != b->cust) return a->cust < b->cust ? -1 : 1;
    return cmp_time(a->sec, a->nsec, b->sec, b->nsec);
}

static int cmp_resp(const void *x, const void *y)
{
    const struct resp *a = x, *b = y;
    if (a->cust != b->cust) return a->cust < b->cust ? -1 : 1;
    int c = cmp_time(a->sec, a->nsec, b->sec, b->nsec);
    if (c) return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* First index in e[lo, hi) whose time is >= (sec, nsec), or > it when
 * strict. */
static size_t lower_bound(const struct ev *e, size_t lo, size_t hi, int64_t sec, int32_t nsec,
                          int strict)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_time(e[mid].sec, e[mid].nsec, sec, nsec);
        if (c < 0 || (strict && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Scratch arrays for one window. */
struct scratch {
    uint32_t *msg, *cart, *buy, *chs;
    size_t cap;
};

static int scratch_reserve(struct scratch *s, size_t k)
{
    if (k <= s->cap) return 0;
    size_t nc = s->cap ? s->cap : 64;
    while (nc < k) nc *= 2;
    uint32_t **arrs[4] = {&s->msg, &s->cart, &s->buy, &s->chs};
    for (int i = 0; i < 4; i++) {
        uint32_t *p = realloc(*arrs[i], nc * sizeof *p);
        if (!p) return -1;
        *arrs[i] = p;
    }
    s->cap = nc;
    return 0;
}

/* Feature bits of the events w[0..k), counting only events on channel ch
 * (all when ch < 0; purchases always count for carts). */
static unsigned eval(const struct ev *w, size_t k, long ch, struct scratch *s)
{
    unsigned m = 0;
    size_t xfer = 0, nmsg = 0, ncart = 0, nbuy = 0, any = 0;
    for (size_t i = 0; i < k; i++) {
        const struct ev *e = &w[i];
        if (e->code == EV_CART_BUY && e->ref) s->buy[nbuy++] = e->ref;
        if (ch >= 0 && e->ch != ch) continue;
        any++;
        if (e->flags & FL_LONG_WAIT) m |= 1u << F_WAIT;
        switch (e->code) {
        case EV_CALL_ABN:
            m |= 1u << F_CALL_ABN;
            break;
        case EV_CHAT_ABN:
            m |= 1u << F_CHAT_ABN;
            break;
        case EV_T_XFER:
            xfer++;
            break;
        case EV_T_REOPEN:
            m |= 1u << F_REOPEN;
            break;
        case EV_T_MSG:
            if (e->ref) s->msg[nmsg++] = e->ref;
            break;
        case EV_CART_NEW:
            if (!e->ref)
                m |= 1u << F_CART_ABN;
            else
                s->cart[ncart++] = e->ref;
            break;
        case EV_SUB_CANCEL:
            m |= 1u << F_CANCEL;
            break;
        default:
            break;
        }
    }
    if (xfer >= 1) m |= 1u << F_XFER1;
    if (xfer >= 2) m |= 1u << F_XFER2;
    if (nmsg >= 3) {
        qsort(s->msg, nmsg, sizeof *s->msg, cmp_u32);
        for (size_t i = 0; i + 2 < nmsg; i++)
            if (s->msg[i] == s->msg[i + 2]) {
                m |= 1u << F_MSG3;
                break;
            }
    }
    if (ncart && !(m & (1u << F_CART_ABN))) {
        if (nbuy > 1) qsort(s->buy, nbuy, sizeof *s->buy, cmp_u32);
        for (size_t i = 0; i < ncart; i++)
            if (!nbuy || !bsearch(&s->cart[i], s->buy, nbuy, sizeof *s->buy, cmp_u32)) {
                m |= 1u << F_CART_ABN;
                break;
            }
    }
    if (ch < 0 && !any) m |= 1u << F_NONE;
    return m;
}

static void acc_add(struct acc *a, int64_t y, int low)
{
    a->n++;
    a->low += (uint64_t)low;
    a->sum += y;
    a->sq += y * y;
}

static void add_mask(struct acc *acc, size_t nscope, unsigned m, size_t scope, int64_t y, int low)
{
    for (int f = 0; f < NFEAT; f++)
        if (m & (1u << f)) acc_add(&acc[(size_t)f * nscope + scope], y, low);
}

/* The pass over responses: fills acc (NFEAT x nscope) and tot (1 + ntp). */
static int accumulate(struct ctx *c, struct acc *acc, struct acc *tot, size_t nscope,
                      struct cx_err *err)
{
    const struct cx_drivers_opts *o = c->o;
    size_t ntp = c->tp.n, ncust = c->cust.n;
    int cross = !o->no_cross;
    int64_t window = o->window_s;
    int range = c->tmax - c->tmin;
    int low_v = c->o->kind == CX_KIND_NPS ? 6 : c->o->kind == CX_KIND_CSAT ? 2 : 3;
    struct scratch s = {0};
    size_t ei = 0, ri = 0;
    int rc = CX_OK;
    for (size_t cu = 0; cu < ncust && !rc; cu++) {
        size_t es = ei, rs = ri;
        while (ei < c->ne && c->e[ei].cust == cu) ei++;
        while (ri < c->nr && c->r[ri].cust == cu) ri++;
        const struct resp *prev = NULL;
        for (size_t i = rs; i < ri; i++) {
            const struct resp *r = &c->r[i];
            const struct resp *p = prev;
            prev = r;
            if (!r->in || (o->drops && !p)) continue;
            int64_t y;
            int low;
            if (o->drops) {
                y = (int64_t)r->v - p->v;
                low = 5 * y <= -(int64_t)range * MAPDEN;
            } else {
                y = r->v;
                low = r->v <= low_v * MAPDEN;
            }
            int64_t lsec = r->sec >= INT64_MIN + window ? r->sec - window : INT64_MIN;
            size_t a = lower_bound(c->e, es, ei, lsec, r->nsec, 0);
            if (o->drops) {
                size_t a2 = lower_bound(c->e, es, ei, p->sec, p->nsec, 1);
                if (a2 > a) a = a2;
            }
            size_t b = lower_bound(c->e, a, ei, r->sec, r->nsec, 0);
            size_t k = b - a;
            if (scratch_reserve(&s, k)) {
                rc = cx_fail(err, CX_ENOMEM, "out of memory");
                break;
            }
            unsigned m = eval(c->e + a, k, -1, &s);
            acc_add(&tot[0], y, low);
            acc_add(&tot[1 + r->tp], y, low);
            add_mask(acc, nscope, m, 0, y, low);
            if (!cross) continue;
            add_mask(acc, nscope, m, 1 + r->tp, y, low);
            /* distinct interaction channels of the window */
            size_t nch = 0;
            for (size_t j = a; j < b; j++)
                if (c->e[j].ch != NO_CH) s.chs[nch++] = c->e[j].ch;
            if (nch > 1) qsort(s.chs, nch, sizeof *s.chs, cmp_u32);
            for (size_t j = 0; j < nch; j++) {
                if (j && s.chs[j] == s.chs[j - 1]) continue;
                unsigned mc = eval(c->e + a, k, (long)s.chs[j], &s) & ~(1u << F_NONE);
                add_mask(acc, nscope, mc, 1 + ntp + s.chs[j], y, low);
            }
        }
    }
    free(s.msg);
    free(s.cart);
    free(s.buy);
    free(s.chs);
    return rc;
}

/* Sample variance of an accumulator in squared mapped units. */
static double acc_var(const struct acc *a)
{
    if (a->n < 2) return 0.0;
    __int128 n = a->n, num = n * a->sq - (__int128)a->sum * a->sum;
    return (double)num / ((double)a->n * (double)(a->n - 1) * MAPDEN * MAPDEN);
}

static void welch(const struct acc *w, const struct acc *wo, struct cx_driver *d)
{
    double n1 = (double)w->n, n2 = (double)wo->n;
    double a = acc_var(w) / n1, b = acc_var(wo) / n2, se2 = a + b;
    double diff = d->effect;
    if (se2 <= 0.0) {
        d->df = n1 + n2 - 2;
        d->t = diff == 0.0 ? 0.0 : diff > 0 ? INFINITY : -INFINITY;
        d->p = diff == 0.0 ? 1.0 : 0.0;
        return;
    }
    d->t = diff / sqrt(se2);
    double den = a * a / (n1 - 1) + b * b / (n2 - 1);
    d->df = den > 0 ? se2 * se2 / den : n1 + n2 - 2;
    d->p = 2.0 * cx_t_cdf(-fabs(d->t), d->df);
    if (d->p > 1.0) d->p = 1.0;
}

static char *fmt(const char *f, const char *a, const char *b)
{
    size_t n = (size_t)snprintf(NULL, 0, f, a, b) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, f, a, b);
    return p;
}

static int rank_class(const struct cx_driver *d)
{
    if (!d->significant) return 2;
    return d->effect < 0 ? 0 : 1;
}

static int cmp_rank(const void *x, const void *y)
{
    const struct cx_driver *a = x, *b = y;
    int ca = rank_class(a), cb = rank_class(b);
    if (ca != cb) return ca - cb;
    double ka = ca == 0 ? a->effect : ca == 1 ? -a->effect : a->p;
    double kb = ca == 0 ? b->effect : ca == 1 ? -b->effect : b->p;
    if (ka != kb) return ka < kb ? -1 : 1;
    return strcmp(a->feature, b->feature);
}

static int cmp_p(const void *x, const void *y)
{
    const struct cx_driver *a = *(struct cx_driver *const *)x, *b = *(struct cx_driver *const *)y;
    if (a->p != b->p) return a->p < b->p ? -1 : 1;
    return strcmp(a->feature, b->feature);
}

/* Holm-Bonferroni step-down adjustment over d[0..n). */
static int holm(struct cx_driver *d, size_t n, double alpha)
{
    if (!n) return CX_OK;
    struct cx_driver **ord = malloc(n * sizeof *ord);
    if (!ord) return CX_ENOMEM;
    for (size_t i = 0; i < n; i++) ord[i] = &d[i];
    qsort(ord, n, sizeof *ord, cmp_p);
    double run = 0.0;
    for (size_t j = 0; j < n; j++) {
        double adj = (double)(n - j) * ord[j]->p;
        if (adj > 1.0) adj = 1.0;
        if (adj > run) run = adj;
        ord[j]->p_adjusted = run;
        ord[j]->significant = run < alpha;
    }
    free(ord);
    return CX_OK;
}

/* Builds the tested features from the accumulators. */
static int collect(struct ctx *c, const struct acc *acc, const struct acc *tot, size_t nscope,
                   uint64_t min_n, struct cx_driver **out, size_t *nout)
{
    size_t ntp = c->tp.n, cap = 0, n = 0;
    struct cx_driver *d = NULL;
    char waitkey[64], waitlabel[96];
    long long lw = (long long)c->o->long_wait_s;
    snprintf(waitkey, sizeof waitkey, "wait>%llds", lw);
    if (lw % 60 == 0)
        snprintf(waitlabel, sizeof waitlabel, "waited over %lld minute%s", lw / 60,
                 lw == 60 ? "" : "s");
    else
        snprintf(waitlabel, sizeof waitlabel, "waited over %lld seconds", lw);
    for (int f = 0; f < NFEAT; f++) {
        const char *key = f == F_WAIT ? waitkey : feats[f].key;
        const char *label = f == F_WAIT ? waitlabel : feats[f].label;
        for (size_t sc = 0; sc < nscope; sc++) {
            const struct acc *w = &acc[(size_t)f * nscope + sc];
            int is_tp = sc >= 1 && sc <= ntp, is_ch = sc > ntp;
            const struct acc *all = is_tp ? &tot[sc] : &tot[0];
            if (is_tp && all->n == tot[0].n) continue; /* the whole set: same as base */
            if (is_ch && w->n == acc[(size_t)f * nscope].n) continue; /* same with-set */
            struct acc wo = {all->n - w->n, all->low - w->low, all->sum - w->sum, all->sq - w->sq};
            if (w->n < min_n || wo.n < min_n) continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 32;
                struct cx_driver *p = realloc(d, nc * sizeof *p);
                if (!p) goto oom;
                d = p;
                cap = nc;
            }
            struct cx_driver *x = &d[n];
            memset(x, 0, sizeof *x);
            n++;
            const char *tpn = is_tp ? c->tp.name[sc - 1] : NULL;
            const char *chn = is_ch ? c->ch.name[sc - 1 - ntp] : NULL;
            x->base = strdup(key);
            if (tpn) {
                x->touchpoint = strdup(tpn);
                x->feature = fmt("%s @ %s", key, tpn);
                x->label = fmt("%s (at %s)", label, tpn);
            } else if (chn) {
                x->channel = strdup(chn);
                x->feature = fmt("%s on %s", key, chn);
                x->label = fmt("%s (on %s)", label, chn);
            } else {
                x->feature = strdup(key);
                x->label = strdup(label);
            }
            if (!x->base || !x->feature || !x->label || (tpn && !x->touchpoint) ||
                (chn && !x->channel))
                goto oom;
            x->n_with = w->n;
            x->n_without = wo.n;
            x->mean_with = (double)w->sum / ((double)w->n * MAPDEN);
            x->mean_without = (double)wo.sum / ((double)wo.n * MAPDEN);
            x->effect = x->mean_with - x->mean_without;
            x->low_with = (double)w->low / (double)w->n;
            x->low_without = (double)wo.low / (double)wo.n;
            if (wo.low)
                x->lift = x->low_with / x->low_without;
            else
                x->lift = w->low ? INFINITY : 1.0;
            welch(w, &wo, x);
        }
    }
    *out = d;
    *nout = n;
    return CX_OK;
oom:
    cx_drivers_free(d, n);
    return CX_ENOMEM;
}

int cx_drivers_run(struct cx_store *s, const struct cx_drivers_opts *oin, struct cx_driver **out,
                   size_t *nout, struct cx_err *err)
{
    *out = NULL;
    *nout = 0;
    struct cx_drivers_opts o = *oin;
    if ((int)o.kind < 0 || (int)o.kind >= CX_NKINDS)
        return cx_fail(err, CX_EINVAL, "unknown metric kind");
    if (o.window_s < 0) return cx_fail(err, CX_EINVAL, "window must not be negative");
    if (o.long_wait_s < 0) return cx_fail(err, CX_EINVAL, "long wait must not be negative");
    if (o.alpha < 0 || o.alpha >= 1 || isnan(o.alpha))
        return cx_fail(err, CX_EINVAL, "alpha must be between 0 and 1");
    if (!o.window_s) o.window_s = 14 * DAY_S;
    if (!o.min_n) o.min_n = 30;
    if (o.min_n < 2) o.min_n = 2; /* a variance needs two */
    if (o.alpha == 0) o.alpha = 0.05;
    if (!o.long_wait_s) o.long_wait_s = 300;
    if (o.long_wait_s > INT64_MAX / 1000000000) o.long_wait_s = INT64_MAX / 1000000000;

    struct ctx c;
    memset(&c, 0, sizeof c);
    c.o = &o;
    c.long_wait_ns = o.long_wait_s * 1000000000;
    c.tmin = o.kind == CX_KIND_NPS ? 0 : 1;
    c.tmax = o.kind == CX_KIND_NPS ? 10 : o.kind == CX_KIND_CSAT ? 5 : 7;
    cx_hmap_init(&c.cust.map);
    cx_hmap_init(&c.tp.map);
    cx_hmap_init(&c.ch.map);
    c.tp.keep = c.ch.keep = 1;
    struct acc *acc = NULL, *tot = NULL;

    struct cx_scan_filter f = {0};
    int rc = s->vt->scan_responses(s, &f, resp_cb, &c, err);
    if (rc) goto out;
    if (c.cust.n > UINT32_MAX || c.nr > UINT32_MAX) {
        rc = cx_fail(err, CX_ELIMIT, "too many responses");
        goto out;
    }
    if (!c.nr) goto out; /* nothing to analyse */
    rc = s->vt->scan_events(s, &f, event_cb, &c, err);
    if (rc) goto out;
    qsort(c.r, c.nr, sizeof *c.r, cmp_resp);
    if (c.ne > 1) qsort(c.e, c.ne, sizeof *c.e, cmp_ev);

    size_t nscope = 1 + c.tp.n + c.ch.n;
    acc = calloc((size_t)NFEAT * nscope, sizeof *acc);
    tot = calloc(1 + c.tp.n, sizeof *tot);
    if (!acc || !tot) {
        rc = CX_ENOMEM;
        goto out;
    }
    rc = accumulate(&c, acc, tot, nscope, err);
    if (rc) goto out;
    rc = collect(&c, acc, tot, nscope, o.min_n, out, nout);
    if (!rc) rc = holm(*out, *nout, o.alpha);
    if (!rc && *nout > 1) qsort(*out, *nout, sizeof **out, cmp_rank);
out:
    if (rc == CX_ENOMEM) cx_fail(err, rc, "out of memory");
    if (rc) {
        cx_drivers_free(*out, *nout);
        *out = NULL;
        *nout = 0;
    }
    free(acc);
    free(tot);
    free(c.r);
    free(c.e);
    names_free(&c.cust);
    names_free(&c.tp);
    names_free(&c.ch);
    return rc;
}

void cx_drivers_free(struct cx_driver *d, size_t n)
{
    if (!d) return;
    for (size_t i = 0; i < n; i++) {
        free(d[i].feature);
        free(d[i].label);
        free(d[i].base);
        free(d[i].touchpoint);
        free(d[i].channel);
    }
    free(d);
}
