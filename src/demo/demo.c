/* demo.c - a deterministic, multilingual demo data set.
 *
 * Each customer is simulated day by day from signup to the end of the
 * window with a private PRNG stream derived from (seed, customer number), so
 * the output depends only on the options. A customer's responses and events
 * are collected in a small arena, sorted by time and written as NDJSON.
 *
 * Planted patterns, for reports and topic mining to find:
 *  - tickets with >= 2 transfers, or a call that waited > 300 s, give CES
 *    about 1.5 points lower (1-7) and low CSAT;
 *  - product "Plus" gets a bad app update 91 days before the end: its NPS
 *    falls from about +35 to about -10, with "crashes after the update"
 *    comments in every language;
 *  - phone abandonment about 25 % (long queues, worse and growing on
 *    Mondays) against about 6 % for chat;
 *  - about 70 % of carts purchased, fewer in the app; cancellations follow
 *    low scores; some customers simply go quiet. */
#include "demo/demo.h"
#include "demo/demo_int.h"

#include "core/time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static double unif(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n), n >= 1. */
static int below(struct rng *r, int n)
{
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int between(struct rng *r, int lo, int hi)
{
    return lo + below(r, hi - lo + 1);
}

static int chance(struct rng *r, double p)
{
    return unif(r) < p;
}

static double expo(struct rng *r, double mean)
{
    return -mean * log(1.0 - unif(r));
}

static double gauss(struct rng *r)
{
    double u1 = 1.0 - unif(r), u2 = unif(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Index drawn with probability proportional to w[i]. */
static int pickw(struct rng *r, const double *w, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += w[i];
    double x = unif(r) * sum;
    for (int i = 0; i < n - 1; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

#define PICK(r, w) pickw((r), (w), (int)(sizeof(w) / sizeof((w)[0])))

/* ---- growable byte buffer; an allocation failure sticks in oom --------- */

struct buf {
    char *p;
    size_t len, cap;
    int oom;
};

static int reserve(struct buf *b, size_t n)
{
    if (b->oom) return -1;
    if (b->len + n <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static void put(struct buf *b, const char *s, size_t n)
{
    if (reserve(b, n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putch(struct buf *b, char c)
{
    if (reserve(b, 1)) return;
    b->p[b->len++] = c;
}

/* Writes v in decimal, zero-padded to at least width digits. */
static void put_uint(struct buf *b, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) tmp[n++] = '0';
    if (reserve(b, (size_t)n)) return;
    while (n) b->p[b->len++] = tmp[--n];
}

static void put_int(struct buf *b, int64_t v)
{
    if (v < 0) {
        putch(b, '-');
        put_uint(b, (uint64_t)0 - (uint64_t)v, 1);
    } else {
        put_uint(b, (uint64_t)v, 1);
    }
}

/* Writes s as a JSON string literal (s is valid UTF-8). */
static void put_jstr(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    putch(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putch(b, '\\');
            putch(b, (char)*p);
        } else if (*p == '\n') {
            puts_(b, "\\n");
        } else if (*p < 0x20) {
            puts_(b, "\\u00");
            putch(b, hex[*p >> 4]);
            putch(b, hex[*p & 15]);
        } else {
            putch(b, (char)*p);
        }
    }
    putch(b, '"');
}

static void jkey(struct buf *b, const char *k)
{
    puts_(b, ",\"");
    puts_(b, k);
    puts_(b, "\":");
}

static void jstr(struct buf *b, const char *k, const char *v)
{
    jkey(b, k);
    put_jstr(b, v);
}

/* Writes v / 10^dec as a JSON number with exactly dec decimals (v >= 0). */
static void jfixed(struct buf *b, const char *k, int64_t v, int dec)
{
    int64_t div = dec == 2 ? 100 : 10;
    jkey(b, k);
    put_uint(b, (uint64_t)(v / div), 1);
    putch(b, '.');
    put_uint(b, (uint64_t)(v % div), dec);
}

/* ---- calendar --------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) q--;
    return q;
}

/* ---- the world -------------------------------------------------------- */

static const char *const lang_tag[NLANG] = {"en", "nb", "tr", "fa", "ro"};
static const double lang_w[NLANG] = {38, 14, 22, 11, 15};

enum { C_GB, C_US, C_NO, C_TR, C_IR, C_RO, NCOUNTRY };
static const struct {
    const char *code;
    int off_min; /* UTC offset used when a time is written with an offset */
    char off[7];
} countries[NCOUNTRY] = {
    {"GB", 0, "+00:00"},   {"US", -300, "-05:00"}, {"NO", 60, "+01:00"},
    {"TR", 180, "+03:00"}, {"IR", 210, "+03:30"},  {"RO", 120, "+02:00"},
};

enum { P_BASIC, P_PLUS, P_PRO, P_FAMILY, P_BUSINESS, NPRODUCT };
static const char *const product_name[NPRODUCT] = {"Basic", "Plus", "Pro", "Family", "Business"};
static const double product_w[NPRODUCT] = {35, 25, 18, 14, 8};
static const int price_cents[NPRODUCT] = {990, 1490, 2490, 1990, 4990};
/* Promoter and detractor shares of relationship NPS, before other effects. */
static const double nps_base[NPRODUCT][2] = {
    {0.45, 0.25}, {0.54, 0.15}, {0.55, 0.15}, {0.50, 0.20}, {0.47, 0.23}};

enum { TEAM_NONE, TEAM_GENERAL, TEAM_TECH, TEAM_BILLING, TEAM_LOGISTICS };
static const char *const team_name[] = {NULL, "general", "tech", "billing", "logistics"};
static const int team_agent0[] = {0, 31, 1, 13, 23}; /* first agent number */
static const int team_agents[] = {0, 10, 12, 10, 8};

/* Agent-specific CSAT shift: one star, two weaker agents. */
static double agent_effect(int agent)
{
    return agent == 5 ? 0.4 : agent == 17 ? -0.9 : agent == 34 ? -0.4 : 0.0;
}

/* Local-hour weights of a day: office hours, the whole day, evenings. */
static const double hours_office[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2, 5,   8, 9,   9,
                                        8,   8,   9,   8,   7,   5,   3,   2, 1.5, 1, 0.6, 0.3};
static const double hours_day[24] = {0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 2.5, 4, 5,   5,   5,
                                     5.5, 5,   5,   5,   5,   5.5, 6, 6.5, 6, 4.5, 2.5, 1};
static const double hours_evening[24] = {0.8, 0.4, 0.2, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3, 3.5, 4,
                                         4.5, 4,   4,   4,   4.5, 5,   6,   7,   7.5, 7, 5,   2.5};

/* Weekday factors (Monday first) of browsing, shopping and support. */
static const double week_browse[7] = {0.95, 0.95, 0.95, 1.0, 1.0, 1.1, 1.05};
static const double week_cart[7] = {0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.0};
static const double week_support[7] = {1.3, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6};

/* ---- generator state -------------------------------------------------- */

enum { TF_Z, TF_OFF, TF_ZMS, TF_OFFMS, TF_ZUS, TF_UNIX };

/* One output line in the making: time, order of creation, body in arena. */
struct item {
    int64_t t;
    uint32_t seq, ns;
    uint32_t off, len;
    uint8_t resp, tfmt;
};

struct cust {
    uint32_t num;
    char id[16];
    char sub[16]; /* subscription ref */
    int country, lang, product, yearly;
    double act;  /* activity multiplier */
    double mood; /* shift of NPS promoter/detractor shares */
    int64_t join_t, join_day;
    int64_t quiet_day; /* no activity from this day on */
    int64_t cancel_t;  /* scheduled cancellation, INT64_MAX: none */
    int64_t bad_t;     /* last bad support experience, INT64_MIN: none */
    int bad_kind;      /* TP_WAIT, TP_TRANSFER or TP_DOUBLE */
};

struct gen {
    int64_t t0, t1;   /* window [t0, t1) */
    int64_t day1;     /* last day */
    int64_t update_t; /* the bad "Plus" app update */
    struct rng r;
    struct cust c;
    struct item *items, spare; /* spare: a sink once out of memory */
    size_t n, cap;
    uint32_t seq;
    int oom;
    struct buf arena, tmp, out[2];
    FILE *fp[2];
    int io_err;
    uint64_t n_resp, n_ev, n_ticket, n_cart, n_call, n_chat;
};

/* Starts an item at t; the caller appends its body (",key":value pairs) to
 * g->arena and calls item_end. */
static struct buf *item_begin(struct gen *g, int64_t t, int resp)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        struct item *p = realloc(g->items, cap * sizeof *p);
        if (!p) {
            g->oom = 1;
        } else {
            g->items = p;
            g->cap = cap;
        }
    }
    struct item *it = g->oom ? &g->spare : &g->items[g->n++];
    double u = unif(&g->r);
    it->t = t;
    it->seq = g->seq++;
    it->resp = (uint8_t)resp;
    it->tfmt = u < 0.80   ? TF_Z
               : u < 0.89 ? TF_OFF
               : u < 0.94 ? TF_ZMS
               : u < 0.96 ? TF_OFFMS
               : u < 0.98 ? TF_ZUS
                          : TF_UNIX;
    it->ns = it->tfmt == TF_ZMS || it->tfmt == TF_OFFMS ? (uint32_t)below(&g->r, 1000) * 1000000u
             : it->tfmt == TF_ZUS                       ? (uint32_t)below(&g->r, 1000000) * 1000u
                                                        : 0;
    it->off = (uint32_t)g->arena.len;
    return &g->arena;
}

static void item_end(struct gen *g)
{
    if (!g->oom && g->n) g->items[g->n - 1].len = (uint32_t)(g->arena.len - g->items[g->n - 1].off);
}

/* A random time on day `day` at a local hour drawn from hours[24]. */
static int64_t at_local(struct gen *g, int64_t day, const double *hours)
{
    int h = pickw(&g->r, hours, 24);
    int64_t local = day * DAY + h * 3600 + below(&g->r, 3600);
    return local - countries[g->c.country].off_min * 60;
}

static const char *plan_name(const struct cust *c)
{
    return c->yearly ? "yearly" : "monthly";
}

static void agent_name(char *buf, int agent)
{
    memcpy(buf, "agent-", 6);
    buf[6] = (char)('0' + agent / 10);
    buf[7] = (char)('0' + agent % 10);
    buf[8] = 0;
}

static int pick_agent(struct gen *g, int team)
{
    return team_agent0[team] + below(&g->r, team_agents[team]);
}

/* Writes prefix + number zero-padded to width digits into out (>= 24 B). */
static void make_ref(char *out, const char *prefix, uint64_t v, int width)
{
    struct buf b = {0};
    char tmp[24];
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    b.p = tmp;
    b.cap = sizeof tmp;
    put_uint(&b, v, width);
    memcpy(out + pl, tmp, b.len);
    out[pl + b.len] = 0;
}

/* ---- events and responses --------------------------------------------- */

/* An event; zero fields are absent. */
struct ev {
    int64_t t;
    const char *type, *channel, *ref, *agent, *text;
    int64_t wait10; /* wait_s in tenths of a second */
    int64_t dur;    /* duration_s */
    int64_t value;  /* cents */
    int team;
    int prod; /* attach the customer's product */
    int plan; /* attach the customer's plan */
    const char *k1, *v1;
};

static void emit_event(struct gen *g, const struct ev *e)
{
    struct buf *b = item_begin(g, e->t, 0);
    jstr(b, "type", e->type);
    jstr(b, "channel", e->channel);
    if (e->ref) jstr(b, "ref", e->ref);
    if (e->wait10 > 0) {
        if (e->wait10 % 10)
            jfixed(b, "wait_s", e->wait10, 1);
        else {
            jkey(b, "wait_s");
            put_int(b, e->wait10 / 10);
        }
    }
    if (e->dur > 0) {
        jkey(b, "duration_s");
        put_int(b, e->dur);
    }
    if (e->value > 0) jfixed(b, "value", e->value, 2);
    if (e->agent) jstr(b, "agent", e->agent);
    if (e->text) jstr(b, "text", e->text);
    if (e->prod) {
        jstr(b, "product", product_name[g->c.product]);
    }
    if (e->plan) jstr(b, "plan", plan_name(&g->c));
    if (e->team) jstr(b, "team", team_name[e->team]);
    jstr(b, "country", countries[g->c.country].code);
    if (e->k1) jstr(b, e->k1, e->v1);
    item_end(g);
}

/* A response; zero fields are absent. */
struct resp {
    int64_t t;
    const char *metric;
    int score;
    const char *scale, *channel, *touchpoint, *comment, *agent, *ticket;
    int team;
};

static void emit_resp(struct gen *g, const struct resp *r)
{
    struct buf *b = item_begin(g, r->t, 1);
    jstr(b, "metric", r->metric);
    jkey(b, "score");
    put_int(b, r->score);
    if (r->scale) jstr(b, "scale", r->scale);
    jstr(b, "channel", r->channel);
    jstr(b, "touchpoint", r->touchpoint);
    jstr(b, "lang", lang_tag[g->c.lang]);
    if (r->comment) jstr(b, "comment", r->comment);
    jstr(b, "product", product_name[g->c.product]);
    jstr(b, "plan", plan_name(&g->c));
    jstr(b, "country", countries[g->c.country].code);
    if (r->agent) jstr(b, "agent", r->agent);
    if (r->team) jstr(b, "team", team_name[r->team]);
    if (r->ticket) jstr(b, "ticket", r->ticket);
    item_end(g);
}

/* ---- texts ------------------------------------------------------------ */

static int default_n(struct gen *g, int tp)
{
    switch (tp) {
    case TP_WAIT:
        return between(&g->r, 8, 45);
    case TP_TRANSFER:
        return between(&g->r, 2, 4);
    case TP_DELIVERY:
        return between(&g->r, 2, 9);
    case TP_REFUND:
        return between(&g->r, 7, 30);
    }
    return between(&g->r, 2, 9);
}

/* Appends one phrasing of tp in the customer's language to g->tmp, with
 * "{n}" replaced by n (n <= 0: a plausible number); Persian numbers are
 * mostly written with Persian digits. */
static void say(struct gen *g, int tp, int n)
{
    const char *const *v = cx_demo_phrases[tp][g->c.lang];
    int k = 0;
    while (k < 4 && v[k]) k++;
    const char *s = v[below(&g->r, k)];
    int fa_digits = g->c.lang == L_FA && chance(&g->r, 0.7);
    for (const char *p = s; *p; p++) {
        if (p[0] != '{' || p[1] != 'n' || p[2] != '}') {
            putch(&g->tmp, *p);
            continue;
        }
        char num[24];
        struct buf nb = {.p = num, .cap = sizeof num};
        put_uint(&nb, (uint64_t)(n > 0 ? n : default_n(g, tp)), 1);
        for (size_t i = 0; i < nb.len; i++) {
            if (fa_digits) {
                putch(&g->tmp, (char)0xdb);
                putch(&g->tmp, (char)(0xb0 + (num[i] - '0')));
            } else {
                putch(&g->tmp, num[i]);
            }
        }
        p += 2;
    }
}

/* Replaces each 2-byte UTF-8 sequence from[0..1] by to[0..1] in s. */
static void swap2(char *s, size_t len, const char *from, const char *to)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == from[0] && s[i + 1] == from[1]) {
            s[i] = to[0];
            s[i + 1] = to[1];
        }
}

/* Builds a text about tp, followed by one about tp2 when tp2 >= 0, in the
 * customer's language, with the spelling variants real people use (Arabic
 * yeh/kaf in Persian, cedilla s/t in Romanian). Returns a NUL-terminated
 * string in g->tmp, valid until the next call, or NULL when out of memory. */
static const char *text(struct gen *g, int tp, int n, int tp2)
{
    g->tmp.len = 0;
    say(g, tp, n);
    if (tp2 >= 0 && tp2 != tp) {
        putch(&g->tmp, ' ');
        say(g, tp2, -1);
    }
    if (g->tmp.oom) return NULL;
    char *s = g->tmp.p;
    size_t len = g->tmp.len;
    if (len && s[len - 1] == '.' && chance(&g->r, 0.08)) g->tmp.len = --len;
    if (g->c.lang == L_FA && chance(&g->r, 0.12)) {
        swap2(s, len, "\xdb\x8c", "\xd9\x8a"); /* ی -> ي */
        swap2(s, len, "\xda\xa9", "\xd9\x83"); /* ک -> ك */
    }
    if (g->c.lang == L_RO && chance(&g->r, 0.2)) {
        swap2(s, len, "\xc8\x99", "\xc5\x9f"); /* ș -> ş */
        swap2(s, len, "\xc8\x9b", "\xc5\xa3"); /* ț -> ţ */
        swap2(s, len, "\xc8\x98", "\xc5\x9e"); /* Ș -> Ş */
        swap2(s, len, "\xc8\x9a", "\xc5\xa2"); /* Ț -> Ţ */
    }
    putch(&g->tmp, 0);
    g->tmp.len--;
    return g->tmp.oom ? NULL : g->tmp.p;
}

/* ---- scores ----------------------------------------------------------- */

/* Rounds a latent value to an integer score in [lo, hi]. */
static int clampi(double x, int lo, int hi)
{
    int v = (int)floor(x + 0.5);
    return v < lo ? lo : v > hi ? hi : v;
}

/* Maps a latent value on lo1..hi1 linearly onto lo2..hi2. */
static double rescale(double x, int lo1, int hi1, int lo2, int hi2)
{
    return lo2 + (x - lo1) * (double)(hi2 - lo2) / (double)(hi1 - lo1);
}

static int nps_score(struct gen *g, double p, double d)
{
    static const double det_w[7] = {4, 3, 5, 8, 12, 25, 43};
    if (p < 0.02) p = 0.02;
    if (d < 0.02) d = 0.02;
    if (p + d > 0.97) {
        double k = 0.97 / (p + d);
        p *= k;
        d *= k;
    }
    double u = unif(&g->r);
    if (u < p) return chance(&g->r, 0.55) ? 9 : 10;
    if (u < p + d) return PICK(&g->r, det_w);
    return chance(&g->r, 0.5) ? 7 : 8;
}

/* Sentiment of a score normalised to 0..1: 0 = low, 1 = middle, 2 = high. */
static int sentiment(double x01)
{
    return x01 < 0.4 ? 0 : x01 < 0.7 ? 1 : 2;
}

static int wants_comment(struct gen *g, int sent, double boost)
{
    static const double p[3] = {0.65, 0.3, 0.4};
    return chance(&g->r, p[sent] * boost);
}

/* A low score may make the customer leave a few weeks later. */
static void maybe_leave(struct gen *g, int64_t t, double p)
{
    if (!chance(&g->r, p)) return;
    int64_t when = t + between(&g->r, 2 * DAY, 40 * DAY);
    if (when < g->c.cancel_t) g->c.cancel_t = when;
}

static const char *survey_channel(struct gen *g)
{
    static const char *const ch[] = {"email", "whatsapp", "sms", "in_app", "web"};
    static const double w[NCOUNTRY][5] = {
        {50, 8, 17, 20, 5},  {50, 5, 20, 20, 5},  {55, 5, 15, 20, 5},
        {25, 40, 15, 15, 5}, {30, 35, 15, 15, 5}, {35, 30, 15, 15, 5},
    };
    return ch[pickw(&g->r, w[g->c.country], 5)];
}

static int plus_broken(const struct gen *g, int64_t t)
{
    return g->c.product == P_PLUS && t >= g->update_t;
}

/* ---- journeys --------------------------------------------------------- */

/* Queue time a phone call (chat = 0) or chat would have at t. */
static double queue_wait(struct gen *g, int64_t t, int chat)
{
    int64_t day = floor_div(t + countries[g->c.country].off_min * 60, DAY);
    int wd = cx_weekday(day);
    double progress = (double)(t - g->t0) / (double)(g->t1 - g->t0);
    double median = chat ? 30 : 85;
    if (!chat && wd == 0) median *= 1.4 + 1.0 * progress; /* Mondays, and worse over time */
    if (!chat && wd == 1) median *= 1.15;
    return median * exp(0.9 * gauss(&g->r));
}

/* Calls (chat = 0) or chats from *t until one is answered or the customer
 * gives up; emits the call.* / chat.* events, moves *t past the answered
 * contact and raises *maxwait to the longest wait. Returns 1 if answered. */
static int queue_contact(struct gen *g, int64_t *t, int chat, int agent, int team, int tp,
                         double *maxwait)
{
    char ref[24], an[12];
    for (int attempt = 0; attempt < 4; attempt++) {
        double w = queue_wait(g, *t, chat), wait;
        int abandoned;
        if (chance(&g->r, 0.03)) { /* hung up at once */
            abandoned = 1;
            wait = between(&g->r, 1, 20);
        } else {
            double patience = chat ? 45 + expo(&g->r, 400) : 40 + expo(&g->r, 330);
            abandoned = w > patience;
            wait = abandoned ? patience : w;
        }
        int64_t w10 = (int64_t)(wait * 10 + 0.5);
        if (!chance(&g->r, 0.3)) w10 = (w10 + 5) / 10 * 10;
        if (w10 < 10) w10 = 10;
        if (wait > *maxwait) *maxwait = wait;
        if (chat)
            make_ref(ref, "chat-", ++g->n_chat, 7);
        else
            make_ref(ref, "call-", ++g->n_call, 7);
        if (abandoned) {
            emit_event(g, &(struct ev){.t = *t,
                                       .type = chat ? "chat.abandoned" : "call.abandoned",
                                       .channel = chat ? "chat" : "phone",
                                       .ref = ref,
                                       .wait10 = w10});
            *t += (int64_t)wait + between(&g->r, 300, 5400);
            if (!chance(&g->r, chat ? 0.6 : 0.72)) return 0;
            continue;
        }
        int64_t dur = chat ? 120 + (int64_t)expo(&g->r, 480) : 60 + (int64_t)expo(&g->r, 300);
        const char *note = chance(&g->r, chat ? 0.8 : 0.35) ? text(g, tp, -1, -1) : NULL;
        agent_name(an, agent);
        emit_event(g, &(struct ev){.t = *t,
                                   .type = chat ? "chat.answered" : "call.answered",
                                   .channel = chat ? "chat" : "phone",
                                   .ref = ref,
                                   .wait10 = w10,
                                   .dur = dur,
                                   .agent = an,
                                   .text = note,
                                   .team = team,
                                   .prod = 1});
        *t += (int64_t)wait + dur;
        return 1;
    }
    return 0;
}

static int topic_team(int tp)
{
    switch (tp) {
    case TP_DELIVERY:
        return TEAM_LOGISTICS;
    case TP_CRASH:
    case TP_UPDATE:
    case TP_SLOW:
        return TEAM_TECH;
    }
    return TEAM_BILLING;
}

/* Draws the subject of a support contact. */
static int support_topic(struct gen *g, int64_t t)
{
    static const int tps[] = {TP_DELIVERY, TP_CRASH, TP_DOUBLE, TP_REFUND,
                              TP_SLOW,     TP_PRICE, TP_PLAN};
    static const double w[] = {24, 14, 10, 16, 10, 8, 18};
    if (plus_broken(g, t) && chance(&g->r, 0.6)) return TP_UPDATE;
    return tps[PICK(&g->r, w)];
}

static const char *resolve_channel(struct gen *g, const char *contact)
{
    if (!strcmp(contact, "chat") && chance(&g->r, 0.45)) return "chat";
    return survey_channel(g);
}

/* The comment of a support survey: what went wrong, or what went well. */
static int support_comment_topic(struct gen *g, int sent, int tp, int ntr, double maxwait, int fast)
{
    double w[4] = {0};
    int tps[4] = {TP_TRANSFER, TP_WAIT, tp, TP_OK};
    if (sent == 0) {
        w[0] = ntr >= 2 ? 3 : 0.1;
        w[1] = maxwait > 300 ? 3 : 0.2;
        w[2] = 2;
    } else if (sent == 1) {
        w[1] = maxwait > 300 ? 1.5 : 0;
        w[2] = 1;
        w[3] = 2;
    } else {
        tps[0] = TP_FRIENDLY;
        tps[1] = TP_FAST;
        w[0] = 2;
        w[1] = fast ? 2 : 0.5;
        w[3] = 0.5;
    }
    return tps[pickw(&g->r, w, 4)];
}

/* One support case from first contact to resolution and the follow-up
 * survey. tp < 0 draws the subject. */
static void support_case(struct gen *g, int64_t day, int tp)
{
    struct cust *c = &g->c;
    static const char *const chans[] = {"phone", "chat", "email", "whatsapp", "social", "sms"};
    static const double chan_w[NCOUNTRY][6] = {
        {45, 30, 20, 3, 2, 2},  {50, 27, 20, 1, 2, 3},  {40, 33, 24, 1, 2, 2},
        {42, 25, 13, 17, 3, 2}, {40, 28, 14, 15, 3, 3}, {43, 27, 15, 12, 3, 2},
    };
    static const double ntr_w[4] = {55, 25, 13, 7};
    static const double ntr_w_billing[4] = {45, 27, 17, 11};
    static const double msg_w[5] = {45, 25, 15, 10, 5};
    int64_t t = at_local(g, day, hours_office);
    if (tp < 0) tp = support_topic(g, t);
    int target = topic_team(tp);
    int ntr = target == TEAM_BILLING ? PICK(&g->r, ntr_w_billing) : PICK(&g->r, ntr_w);
    int team = ntr > 0 && chance(&g->r, 0.7) ? TEAM_GENERAL : target;
    int agent = pick_agent(g, team);
    const char *chan = chans[pickw(&g->r, chan_w[c->country], 6)];
    int is_phone = !strcmp(chan, "phone"), is_chat = !strcmp(chan, "chat");
    double maxwait = 0;
    char ref[24], an[12];

    if (is_phone || is_chat) {
        if (!queue_contact(g, &t, is_chat, agent, team, tp, &maxwait)) {
            /* gave up: a bad experience without a ticket, sometimes an email */
            c->bad_t = t;
            c->bad_kind = TP_WAIT;
            if (!chance(&g->r, 0.4)) {
                maybe_leave(g, t, 0.06);
                return;
            }
            chan = "email";
            is_phone = is_chat = 0;
            t += between(&g->r, 600, 6 * 3600);
        }
    }
    make_ref(ref, "T", ++g->n_ticket, 7);
    agent_name(an, agent);
    int mail = !is_phone && !is_chat;
    emit_event(g, &(struct ev){.t = t,
                               .type = "ticket.opened",
                               .channel = chan,
                               .ref = ref,
                               .agent = an,
                               .team = team,
                               .prod = 1});
    emit_event(g, &(struct ev){.t = t + 1,
                               .type = "ticket.message",
                               .channel = chan,
                               .ref = ref,
                               .text = mail ? text(g, tp, -1, -1) : NULL,
                               .team = team,
                               .prod = 1});
    int nmsg = 1 + PICK(&g->r, msg_w);
    if (nmsg < ntr) nmsg = ntr;
    /* the remaining steps in random order: messages (1) and transfers (2) */
    int steps[12], nsteps = 0;
    for (int i = 1; i < nmsg; i++) steps[nsteps++] = 1;
    for (int i = 0; i < ntr; i++) steps[nsteps++] = 2;
    for (int i = nsteps - 1; i > 0; i--) {
        int j = below(&g->r, i + 1), s = steps[i];
        steps[i] = steps[j];
        steps[j] = s;
    }
    int64_t cur = t + 60;
    int done = 0; /* transfers so far; the last one reaches the right team */
    for (int i = 0; i < nsteps; i++) {
        if (steps[i] == 2) {
            cur += between(&g->r, 300, 6 * 3600);
            team = ++done == ntr || chance(&g->r, 0.4) ? target : 1 + below(&g->r, 4);
            int next = pick_agent(g, team);
            if (next == agent)
                next = team_agent0[team] + (next - team_agent0[team] + 1) % team_agents[team];
            agent = next;
            agent_name(an, agent);
            emit_event(g, &(struct ev){.t = cur,
                                       .type = "ticket.transferred",
                                       .channel = chan,
                                       .ref = ref,
                                       .agent = an,
                                       .team = team,
                                       .prod = 1});
            continue;
        }
        cur += between(&g->r, 2 * 3600, 2 * DAY);
        const char *mch = chan;
        if (is_phone && chance(&g->r, 0.6)) {
            if (!queue_contact(g, &cur, 0, agent, team, TP_FOLLOWUP, &maxwait)) mch = "email";
        } else if (is_phone || is_chat) {
            mch = "email";
        }
        int mmail = strcmp(mch, "phone") && strcmp(mch, "chat");
        emit_event(g, &(struct ev){
                          .t = cur,
                          .type = "ticket.message",
                          .channel = mch,
                          .ref = ref,
                          .text = mmail && chance(&g->r, 0.6) ? text(g, TP_FOLLOWUP, -1, -1) : NULL,
                          .team = team,
                          .prod = 1});
    }
    int bad = ntr >= 2 || maxwait > 300;
    int quick = nmsg == 1 && ntr == 0;
    int64_t resolved = quick && !mail ? cur + between(&g->r, 300, 2400)
                                      : cur + 1800 + (int64_t)(3600 * expo(&g->r, 8 + 6 * ntr));
    agent_name(an, agent);
    emit_event(g, &(struct ev){.t = resolved,
                               .type = "ticket.resolved",
                               .channel = chan,
                               .ref = ref,
                               .agent = an,
                               .team = team,
                               .prod = 1});
    int reopened = chance(&g->r, bad ? 0.14 : 0.06);
    if (reopened) {
        int64_t ro = resolved + between(&g->r, DAY, 6 * DAY);
        emit_event(g, &(struct ev){.t = ro,
                                   .type = "ticket.reopened",
                                   .channel = "email",
                                   .ref = ref,
                                   .agent = an,
                                   .team = team,
                                   .prod = 1});
        emit_event(g, &(struct ev){.t = ro + 2,
                                   .type = "ticket.message",
                                   .channel = "email",
                                   .ref = ref,
                                   .text = text(g, TP_FOLLOWUP, -1, -1),
                                   .team = team,
                                   .prod = 1});
        resolved = ro + between(&g->r, 4 * 3600, 2 * DAY);
        emit_event(g, &(struct ev){.t = resolved,
                                   .type = "ticket.resolved",
                                   .channel = "email",
                                   .ref = ref,
                                   .agent = an,
                                   .team = team,
                                   .prod = 1});
        nmsg++;
    }
    if (bad) {
        c->bad_t = resolved;
        c->bad_kind = ntr >= 2 ? TP_TRANSFER : TP_WAIT;
    }
    if (!chance(&g->r, bad ? 0.5 : 0.42)) return;

    /* the survey: CES and CSAT about the case */
    int64_t st = resolved + between(&g->r, 600, 3 * DAY);
    double ces = 5.6 - 0.25 * (nmsg - 1) - 0.6 * reopened + gauss(&g->r);
    if (bad) ces -= ntr >= 2 && maxwait > 300 ? 2.2 : 1.6;
    double csat =
        4.3 - 0.15 * (nmsg - 1) - 0.5 * reopened + agent_effect(agent) + 0.8 * gauss(&g->r);
    if (bad) csat -= 1.2;
    const char *rch = resolve_channel(g, chan);
    static const double kind_w[3] = {85, 10, 5}; /* both, CES only, CSAT only */
    int kind = PICK(&g->r, kind_w);
    int sent = sentiment(((ces - 1) / 6 + (csat - 1) / 4) / 2);
    const char *comment = NULL;
    if (wants_comment(g, sent, 1.3)) {
        int ct = support_comment_topic(g, sent, tp, ntr, maxwait, quick);
        int tp2 = sent == 0 && ntr >= 2 && maxwait > 300 && chance(&g->r, 0.5)
                      ? (ct == TP_WAIT ? TP_TRANSFER : TP_WAIT)
                      : -1;
        int n = ct == TP_WAIT && maxwait > 300 ? (int)(maxwait / 60 + 0.5)
                : ct == TP_TRANSFER            ? ntr + (ntr < 2)
                                               : -1;
        comment = text(g, ct, n, tp2);
    }
    struct resp r = {
        .t = st, .channel = rch, .touchpoint = "support", .agent = an, .team = team, .ticket = ref};
    int low = 0;
    if (kind != 2) {
        int five = chance(&g->r, 0.15);
        r.metric = "ces";
        r.scale = five ? "1-5" : NULL;
        r.score = five ? clampi(rescale(ces, 1, 7, 1, 5), 1, 5) : clampi(ces, 1, 7);
        r.comment = comment;
        comment = NULL;
        low |= ces < 2.5;
        emit_resp(g, &r);
    }
    if (kind != 1) {
        int seven = chance(&g->r, 0.18);
        r.t = st + between(&g->r, 5, 40);
        r.metric = "csat";
        r.scale = seven ? "1-7" : chance(&g->r, 0.1) ? "1-5" : NULL;
        r.score = seven ? clampi(rescale(csat, 1, 5, 1, 7), 1, 7) : clampi(csat, 1, 5);
        r.comment = comment;
        low |= csat < 1.5;
        emit_resp(g, &r);
    }
    if (low) maybe_leave(g, st, 0.2);
}

/* Relationship NPS, every few months. */
static void nps_survey(struct gen *g, int64_t day)
{
    struct cust *c = &g->c;
    int64_t t = at_local(g, day, hours_day);
    double p = nps_base[c->product][0] + c->mood, d = nps_base[c->product][1] - c->mood;
    int broken = plus_broken(g, t);
    if (broken) {
        p = 0.27 + c->mood;
        d = 0.33 - c->mood;
    }
    int recent_bad = c->bad_t != INT64_MIN && t - c->bad_t < 60 * DAY && t >= c->bad_t;
    if (recent_bad) {
        p *= 0.6;
        d += 0.22;
    }
    int score = nps_score(g, p, d);
    int sent = score <= 6 ? 0 : score <= 8 ? 1 : 2;
    const char *comment = NULL;
    if (wants_comment(g, sent, 1.0)) {
        int tp;
        if (sent == 0 && broken && chance(&g->r, 0.7)) {
            tp = chance(&g->r, 0.8) ? TP_UPDATE : TP_CRASH;
        } else if (sent == 0) {
            static const int tps[] = {TP_PRICE,  TP_CRASH, TP_SLOW,    TP_DELIVERY,
                                      TP_REFUND, TP_WAIT,  TP_TRANSFER};
            double w[] = {3, 1.5, 1.5, 1.5, 1, 0.5, 0.3};
            if (recent_bad && c->bad_kind == TP_WAIT) w[5] += 4;
            if (recent_bad && c->bad_kind == TP_TRANSFER) w[6] += 4;
            tp = tps[PICK(&g->r, w)];
        } else if (sent == 1) {
            static const int tps[] = {TP_OK, TP_PRICE, TP_SLOW, TP_UPDATE};
            double w[] = {2, 2, 1, broken ? 2.5 : 0};
            tp = tps[PICK(&g->r, w)];
        } else {
            static const int tps[] = {TP_GOODAPP, TP_FAST, TP_FRIENDLY, TP_EASY};
            static const double w[] = {3, 1, 1, 1};
            tp = tps[PICK(&g->r, w)];
        }
        comment = text(g, tp, -1, -1);
    }
    emit_resp(g, &(struct resp){.t = t,
                                .metric = "nps",
                                .score = score,
                                .channel = survey_channel(g),
                                .touchpoint = "account",
                                .comment = comment});
    if (score <= 4) maybe_leave(g, t, 0.12);
}

/* A CSAT (1-5, or 1-7 / 1-3 with an explicit scale) from a latent 1-5
 * value, with a comment drawn from the low / middle / high topic. */
static void csat_survey(struct gen *g, int64_t t, const char *channel, const char *touchpoint,
                        double latent, int tp_low, int tp_mid, int tp_high, double p7)
{
    struct resp r = {.t = t, .metric = "csat", .channel = channel, .touchpoint = touchpoint};
    if (chance(&g->r, p7)) {
        r.scale = "1-7";
        r.score = clampi(rescale(latent, 1, 5, 1, 7), 1, 7);
    } else {
        r.scale = !strcmp(channel, "web") && chance(&g->r, 0.3) ? "1-5" : NULL;
        r.score = clampi(latent, 1, 5);
    }
    int sent = sentiment((latent - 1) / 4);
    if (wants_comment(g, sent, 1.0))
        r.comment = text(g, sent == 0 ? tp_low : sent == 1 ? tp_mid : tp_high, -1, -1);
    emit_resp(g, &r);
    if (latent < 1.5) maybe_leave(g, t, 0.12);
}

/* A CES (1-7, or 1-5 with an explicit scale) from a latent 1-7 value. */
static void ces_survey(struct gen *g, int64_t t, const char *channel, const char *touchpoint,
                       double latent, int tp_low, int tp_high, double p5)
{
    struct resp r = {.t = t, .metric = "ces", .channel = channel, .touchpoint = touchpoint};
    if (chance(&g->r, p5)) {
        r.scale = "1-5";
        r.score = clampi(rescale(latent, 1, 7, 1, 5), 1, 5);
    } else {
        r.score = clampi(latent, 1, 7);
    }
    int sent = sentiment((latent - 1) / 6);
    if (wants_comment(g, sent, 1.0))
        r.comment = text(g, sent == 0 ? tp_low : sent == 1 ? TP_OK : tp_high, -1, -1);
    emit_resp(g, &r);
}

static void cart_session(struct gen *g, int64_t day)
{
    static const char *const chans[] = {"web", "in_app", "social", "whatsapp"};
    static const double chan_w[] = {55, 35, 7, 3};
    static const double buy_p[] = {0.77, 0.58, 0.68, 0.72};
    static const int cents[] = {0, 50, 90, 99};
    int64_t t = at_local(g, day, hours_evening);
    int ci = PICK(&g->r, chan_w);
    const char *chan = chans[ci];
    int64_t value = (int64_t)(45 * exp(0.6 * gauss(&g->r)));
    if (value < 5) value = 5;
    value = value * 100 + cents[below(&g->r, 4)];
    char ref[24];
    make_ref(ref, "C", ++g->n_cart, 7);
    emit_event(g, &(struct ev){.t = t,
                               .type = "cart.created",
                               .channel = chan,
                               .ref = ref,
                               .value = value,
                               .prod = 1});
    int broken = plus_broken(g, t);
    double p = buy_p[ci];
    if (broken && ci == 1) p = 0.35;
    if (!chance(&g->r, p)) {
        if (chance(&g->r, 0.04)) /* exit survey */
            ces_survey(g, t + between(&g->r, 60, 900), ci == 1 ? "in_app" : "web", "checkout",
                       3.6 + 1.3 * gauss(&g->r), broken ? TP_CRASH : TP_SLOW, TP_EASY, 0.3);
        return;
    }
    int64_t paid = t + between(&g->r, 120, 2400);
    emit_event(g, &(struct ev){.t = paid,
                               .type = "cart.purchased",
                               .channel = chan,
                               .ref = ref,
                               .value = value,
                               .prod = 1});
    if (chance(&g->r, 0.07)) {
        double ces = 5.7 + gauss(&g->r) - (ci == 1 ? 0.4 : 0) - (broken && ci == 1 ? 1.5 : 0);
        ces_survey(g, paid + between(&g->r, 30, 600), ci == 1 ? "in_app" : "web", "checkout", ces,
                   broken && ci == 1 ? TP_UPDATE : TP_SLOW, TP_EASY, 0.3);
    }
    int late = chance(&g->r, 0.12);
    int late_days = late ? between(&g->r, 2, 9) : 0;
    int64_t delivered_day = day + between(&g->r, 1, 4) + late_days;
    if (late && chance(&g->r, 0.25))
        support_case(g, delivered_day - between(&g->r, 0, 2), TP_DELIVERY);
    if (chance(&g->r, 0.12)) {
        int64_t st = at_local(g, delivered_day + between(&g->r, 0, 2), hours_day);
        double csat = 4.25 + 0.8 * gauss(&g->r) - (late ? 1.8 : 0);
        int low = late ? TP_DELIVERY : chance(&g->r, 0.5) ? TP_PRICE : TP_SLOW;
        csat_survey(g, st, survey_channel(g), chance(&g->r, 0.7) ? "purchase" : "checkout", csat,
                    low, TP_OK, chance(&g->r, 0.5) ? TP_EASY : TP_GOODAPP, 0.1);
    }
}

static void browse_session(struct gen *g, int64_t day)
{
    int app = chance(&g->r, 0.4);
    const char *chan = app ? "in_app" : "web";
    int64_t t = at_local(g, day, hours_evening);
    int pages = between(&g->r, 1, 3);
    for (int i = 0; i < pages; i++) {
        const char *page =
            app ? cx_demo_app_screens[below(&g->r, 6)] : cx_demo_web_pages[below(&g->r, 7)];
        int64_t dur = between(&g->r, 5, 180);
        emit_event(g, &(struct ev){.t = t,
                                   .type = "page.view",
                                   .channel = chan,
                                   .dur = dur,
                                   .k1 = "page",
                                   .v1 = page});
        t += dur + between(&g->r, 1, 30);
    }
    if (chance(&g->r, 0.25)) {
        emit_event(g, &(struct ev){.t = t,
                                   .type = "search",
                                   .channel = chan,
                                   .k1 = "query",
                                   .v1 = cx_demo_search_terms[g->c.lang][below(&g->r, 5)]});
        t += between(&g->r, 5, 60);
        if (chance(&g->r, 0.03))
            csat_survey(g, t + 20, chan, "search", 3.8 + 0.9 * gauss(&g->r), TP_SLOW, TP_OK,
                        TP_GOODAPP, 0);
    }
    if (chance(&g->r, 0.12)) {
        const char *art = plus_broken(g, t) && chance(&g->r, 0.5)
                              ? "kb-app-crash"
                              : cx_demo_kb_articles[below(&g->r, 6)];
        emit_event(g, &(struct ev){.t = t,
                                   .type = "kb.view",
                                   .channel = chan,
                                   .dur = between(&g->r, 20, 400),
                                   .k1 = "article",
                                   .v1 = art});
        if (chance(&g->r, 0.1)) {
            static const double w[3] = {20, 30, 50};
            emit_resp(g, &(struct resp){.t = t + between(&g->r, 20, 400),
                                        .metric = "csat",
                                        .score = 1 + PICK(&g->r, w),
                                        .scale = "1-3",
                                        .channel = chan,
                                        .touchpoint = "knowledge_base"});
        }
    }
}

static void signup(struct gen *g)
{
    static const char *const sources[] = {"ads", "referral", "organic", "partner"};
    static const double src_w[] = {35, 20, 38, 7};
    struct cust *c = &g->c;
    const char *chan = chance(&g->r, 0.6) ? "web" : "in_app";
    int64_t t = c->join_t;
    emit_event(g, &(struct ev){.t = t,
                               .type = "signup",
                               .channel = chan,
                               .prod = 1,
                               .plan = 1,
                               .k1 = "source",
                               .v1 = sources[PICK(&g->r, src_w)]});
    int64_t price = price_cents[c->product] * (c->yearly ? 10 : 1);
    emit_event(g, &(struct ev){.t = t + between(&g->r, 60, 600),
                               .type = "subscription.started",
                               .channel = chan,
                               .ref = c->sub,
                               .value = price,
                               .prod = 1,
                               .plan = 1});
    if (chance(&g->r, 0.22)) {
        double ces = 5.5 + 1.1 * gauss(&g->r) - (plus_broken(g, t) ? 1.2 : 0);
        ces_survey(g, t + between(&g->r, 900, 4 * 3600), chance(&g->r, 0.5) ? "email" : chan,
                   "signup", ces, chance(&g->r, 0.5) ? TP_SLOW : TP_CRASH, TP_GOODAPP, 0.4);
    }
}

static void cancel(struct gen *g, int64_t t)
{
    static const char *const chans[] = {"web", "email", "phone", "in_app"};
    static const double w[] = {50, 20, 20, 10};
    struct cust *c = &g->c;
    const char *reason = NULL;
    if (chance(&g->r, 0.4)) {
        int tp = plus_broken(g, t)                             ? TP_UPDATE
                 : c->bad_t != INT64_MIN && chance(&g->r, 0.6) ? c->bad_kind
                                                               : TP_PRICE;
        reason = text(g, tp, -1, -1);
    }
    emit_event(g, &(struct ev){.t = t,
                               .type = "subscription.cancelled",
                               .channel = chans[PICK(&g->r, w)],
                               .ref = c->sub,
                               .text = reason,
                               .prod = 1,
                               .plan = 1});
}

/* Draws who the customer is and when they join. */
static void new_customer(struct gen *g, uint32_t num, const struct cx_demo_opts *o)
{
    struct cust *c = &g->c;
    memset(c, 0, sizeof *c);
    c->num = num;
    make_ref(c->id, "c", num, 6);
    make_ref(c->sub, "S", num, 6);
    static const int home[NLANG][2] = {
        {C_GB, C_US}, {C_NO, C_NO}, {C_TR, C_TR}, {C_IR, C_IR}, {C_RO, C_RO}};
    c->lang = PICK(&g->r, lang_w);
    c->country = chance(&g->r, 0.95) ? home[c->lang][chance(&g->r, 0.42)] : below(&g->r, NCOUNTRY);
    c->product = PICK(&g->r, product_w);
    c->yearly = chance(&g->r, c->product == P_BUSINESS ? 0.6 : 0.3);
    c->act = exp(0.5 * gauss(&g->r));
    c->mood = 0.08 * gauss(&g->r);
    /* a launch wave, then growth: join density rising 1 -> 3 over the span */
    int days = o->days ? o->days : 730;
    double u;
    if (chance(&g->r, 0.2)) {
        u = unif(&g->r) * (days < 45 ? days : 45) / days;
    } else {
        double y = unif(&g->r);
        u = (-1 + sqrt(1 + 8 * y)) / 2;
    }
    int64_t first = g->day1 - days + 1;
    c->join_day = first + (int64_t)(u * days);
    if (c->join_day > g->day1) c->join_day = g->day1;
    c->join_t = at_local(g, c->join_day, hours_evening);
    if (c->join_t < g->t0) c->join_t = g->t0 + between(&g->r, 60, 3600);
    if (c->join_t > g->t1 - 900) c->join_t = g->t1 - between(&g->r, 900, 3600);
    c->quiet_day = INT64_MAX;
    if (chance(&g->r, 0.14)) c->quiet_day = c->join_day + between(&g->r, 20, 600);
    c->cancel_t = INT64_MAX;
    c->bad_t = INT64_MIN;
}

/* Simulates one customer's life from signup to the end of the window. */
static void simulate(struct gen *g)
{
    struct cust *c = &g->c;
    signup(g);
    int64_t next_nps = c->join_day + between(&g->r, 20, 90);
    int64_t next_renew = c->join_day + 365;
    for (int64_t day = c->join_day + 1; day <= g->day1; day++) {
        if (c->cancel_t < (day + 1) * DAY) {
            if (c->cancel_t < g->t1) cancel(g, c->cancel_t);
            return;
        }
        int wd = cx_weekday(day);
        int quiet = day >= c->quiet_day;
        if ((day - c->join_day) % 30 == 0 && !c->yearly) { /* monthly billing */
            if (chance(&g->r, 0.012)) {
                c->bad_t = day * DAY;
                c->bad_kind = TP_DOUBLE;
                support_case(g, day + below(&g->r, 2), TP_DOUBLE);
                if (chance(&g->r, 0.25))
                    csat_survey(g, at_local(g, day + 2, hours_day), survey_channel(g), "billing",
                                1.8 + 0.8 * gauss(&g->r), TP_DOUBLE, TP_PRICE, TP_OK, 0.5);
            } else if (!quiet && chance(&g->r, 0.02)) {
                csat_survey(g, at_local(g, day, hours_day), survey_channel(g), "billing",
                            3.9 + 0.9 * gauss(&g->r), chance(&g->r, 0.6) ? TP_PRICE : TP_REFUND,
                            TP_PRICE, TP_OK, 0.5);
            }
        }
        if (c->yearly && day == next_renew) {
            next_renew += 365;
            if (chance(&g->r, quiet ? 0.3 : 0.07)) {
                int64_t t = at_local(g, day, hours_day);
                if (t < c->cancel_t) c->cancel_t = t;
                continue;
            }
            int64_t t = at_local(g, day, hours_office);
            emit_event(g, &(struct ev){.t = t,
                                       .type = "subscription.renewed",
                                       .channel = "web",
                                       .ref = c->sub,
                                       .value = price_cents[c->product] * 10,
                                       .prod = 1,
                                       .plan = 1});
            if (chance(&g->r, 0.15))
                csat_survey(g, t + between(&g->r, 3600, 2 * DAY), survey_channel(g), "billing",
                            3.9 + 0.9 * gauss(&g->r), TP_PRICE, TP_PRICE, TP_OK, 0.5);
        }
        if (chance(&g->r, 1.3e-4)) { /* leaves for reasons of their own */
            int64_t t = at_local(g, day, hours_day);
            if (t < c->cancel_t) c->cancel_t = t;
        }
        if (quiet) continue;
        if (day == next_nps) {
            next_nps += between(&g->r, 80, 100);
            if (chance(&g->r, 0.35)) nps_survey(g, day);
        }
        int64_t t = day * DAY;
        double support = 1.0 / 250 * (plus_broken(g, t) ? 1.8 : 1.0);
        int m, d;
        int64_t y;
        cx_civil_from_days(day, &y, &m, &d);
        double season = (m == 11 && d >= 20) || m == 12 ? 1.3 : 1.0;
        if (chance(&g->r, c->act * week_browse[wd] / 100)) browse_session(g, day);
        if (chance(&g->r, c->act * week_cart[wd] * season / 110)) cart_session(g, day);
        if (chance(&g->r, c->act * week_support[wd] * support)) support_case(g, day, -1);
    }
}

/* ---- output ----------------------------------------------------------- */

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush(struct gen *g, int k)
{
    struct buf *b = &g->out[k];
    if (b->len && fwrite(b->p, 1, b->len, g->fp[k]) != b->len) g->io_err = 1;
    b->len = 0;
}

static void put_time(struct buf *b, const struct item *it, int country)
{
    int off_min = countries[country].off_min;
    if (it->tfmt == TF_UNIX) {
        put_int(b, it->t);
        return;
    }
    int with_off = it->tfmt == TF_OFF || it->tfmt == TF_OFFMS;
    int64_t lt = it->t + (with_off ? off_min * 60 : 0);
    int64_t days = floor_div(lt, DAY), sod = lt - days * DAY, y;
    int m, d;
    cx_civil_from_days(days, &y, &m, &d);
    putch(b, '"');
    put_uint(b, (uint64_t)y, 4);
    putch(b, '-');
    put_uint(b, (uint64_t)m, 2);
    putch(b, '-');
    put_uint(b, (uint64_t)d, 2);
    putch(b, 'T');
    put_uint(b, (uint64_t)(sod / 3600), 2);
    putch(b, ':');
    put_uint(b, (uint64_t)(sod / 60 % 60), 2);
    putch(b, ':');
    put_uint(b, (uint64_t)(sod % 60), 2);
    if (it->tfmt == TF_ZMS || it->tfmt == TF_OFFMS) {
        putch(b, '.');
        put_uint(b, it->ns / 1000000u, 3);
    } else if (it->tfmt == TF_ZUS) {
        putch(b, '.');
        put_uint(b, it->ns / 1000u, 6);
    }
    puts_(b, with_off ? countries[country].off : "Z");
    putch(b, '"');
}

/* Sorts the customer's items by time and appends those inside the window
 * to the output buffers, numbering ids as they go. */
static void write_customer(struct gen *g)
{
    qsort(g->items, g->n, sizeof *g->items, item_cmp);
    const struct cust *c = &g->c;
    for (size_t i = 0; i < g->n; i++) {
        const struct item *it = &g->items[i];
        if (it->t < g->t0 || it->t >= g->t1) continue;
        int k = it->resp ? 0 : 1;
        struct buf *b = &g->out[k];
        if (it->resp) {
            puts_(b, "{\"id\":\"r");
            put_uint(b, ++g->n_resp, 6);
        } else {
            puts_(b, "{\"id\":\"e");
            put_uint(b, ++g->n_ev, 7);
        }
        puts_(b, "\",\"customer\":\"");
        puts_(b, c->id);
        puts_(b, "\",\"time\":");
        put_time(b, it, c->country);
        put(b, g->arena.p + it->off, it->len);
        puts_(b, "}\n");
        if (b->len >= (1u << 20)) flush(g, k);
    }
}

int cx_demo_write(FILE *responses, FILE *events, const struct cx_demo_opts *o, struct cx_err *err)
{
    if (!responses || !events || !o) return cx_fail(err, CX_EINVAL, "demo: missing argument");
    if (o->customers < 0 || o->customers > 10000000)
        return cx_fail(err, CX_EINVAL, "demo: customers must be 0-10000000");
    if (o->days < 0 || o->days > 36500)
        return cx_fail(err, CX_EINVAL, "demo: days must be 0-36500");
    int customers = o->customers ? o->customers : 50000;
    int days = o->days ? o->days : 730;
    struct gen *g = calloc(1, sizeof *g);
    if (!g) return cx_fail(err, CX_ENOMEM, "demo: out of memory");
    g->day1 = o->end_day;
    g->t0 = (o->end_day - days + 1) * DAY;
    g->t1 = (o->end_day + 1) * DAY;
    g->update_t = g->t1 - 91 * DAY > g->t0 ? g->t1 - 91 * DAY : g->t0;
    g->fp[0] = responses;
    g->fp[1] = events;
    for (int i = 0; i < customers && !g->oom && !g->io_err; i++) {
        rng_seed(&g->r, o->seed, (uint64_t)i + 1);
        g->n = 0;
        g->seq = 0;
        g->arena.len = 0;
        new_customer(g, (uint32_t)i + 1, o);
        simulate(g);
        if (g->arena.oom || g->tmp.oom) g->oom = 1;
        if (!g->oom) write_customer(g);
        if (g->out[0].oom || g->out[1].oom) g->oom = 1;
    }
    if (!g->oom) {
        flush(g, 0);
        flush(g, 1);
    }
    if (fflush(responses) || fflush(events) || ferror(responses) || ferror(events)) g->io_err = 1;
    int rc = g->oom      ? cx_fail(err, CX_ENOMEM, "demo: out of memory")
             : g->io_err ? cx_fail(err, CX_EIO, "demo: write failed")
                         : CX_OK;
    free(g->items);
    free(g->arena.p);
    free(g->tmp.p);
    free(g->out[0].p);
    free(g->out[1].p);
    free(g);
    return rc;
}
