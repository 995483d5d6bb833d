/* dash_insights.c - the dashboard's insight and definition pages: frequent
 * issues (/issues), drivers (/drivers), customers and their journeys
 * (/customers), surveys (/surveys), triggers (/triggers) and alerts
 * (/alerts).
 *
 * Issues and drivers are slow over a large store (topic mining takes about
 * 13 s per million texts, drivers seconds), so both read a bounded amount of
 * data and keep their results per filter for a few minutes in a small
 * shared cache (http/dash_memo.h); the page says so. Definitions (surveys,
 * triggers, alerts) are written through the server's writer thread.
 *
 * UI text: every visible string is a whole English phrase passed through
 * cx_dash_t (T_, F_, N_ below); sentences are never assembled from
 * fragments, only filled with numbers or names through printf formats, so
 * that each can be translated as a unit. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/attrs.h"
#include "core/stats.h"
#include "core/survey.h"
#include "core/utf8.h"
#include "engine/drivers.h"
#include "engine/journey.h"
#include "http/dash_int.h"
#include "http/dash_memo.h"
#include "http/svg.h"
#include "io/survey_json.h"
#include "text/topics.h"

/* UI text goes through cx_dash_t (dash_text.c), the English text being the
 * key: T_ for text, F_ for printf formats (checked by the compiler), N_
 * marks text in static tables, translated where it is shown. */
#define N_(s) s
#define T_(s) cx_dash_t(s)
#define F_(s) tf(s)

__attribute__((format_arg(1))) static const char *tf(const char *en)
{
    return cx_dash_t(en);
}

/* Appends text escaped between the raw markup open and close. */
static void put_wrap(struct cx_html *h, const char *open, const char *text, const char *close)
{
    cx_html_raw(h, open);
    cx_html_esc(h, text);
    cx_html_raw(h, close);
}

/* <tag>text</tag>, text escaped. */
static void put_tag(struct cx_html *h, const char *tag, const char *text)
{
    cx_html_printf(h, "<%s>", tag);
    cx_html_esc(h, text);
    cx_html_printf(h, "</%s>", tag);
}

/* Appends printf output escaped (translated formats and names alike). */
__attribute__((format(printf, 2, 3))) static void put_textf(struct cx_html *h, const char *fmt, ...)
{
    char small[512], *p = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof small) {
        if (!(p = malloc((size_t)n + 1))) {
            h->oom = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    cx_html_esc(h, p);
    if (p != small) free(p);
}

#define ISSUES_MAX_TEXTS 20000 /* most recent texts read per period */
#define ISSUES_TTL_MS (5 * 60 * 1000)
#define DRIVERS_TTL_MS (10 * 60 * 1000)
#define SEARCH_LIMIT 50       /* customer ids listed per search */
#define JOURNEY_MAX_ROWS 1000 /* most recent timeline entries shown */
#define JOURNEY_MAX_POINTS 200

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static const char *param(struct cx_dash_req *d, const char *key)
{
    const char *v = cx_dash_param(d, key);
    return v && *v ? v : NULL;
}

/* "2026-03-01 10:00" (UTC) from an instant; buf holds 40 bytes. */
static const char *fmt_minute(struct cx_time t, char *buf)
{
    cx_time_format(t, buf);
    if (strlen(buf) >= 16) {
        buf[10] = ' ';
        buf[16] = 0;
    }
    return buf;
}

static const char *fmt_day(int64_t sec, char *buf)
{
    struct cx_time t = {sec, 0};
    cx_time_format(t, buf);
    buf[10] = 0;
    return buf;
}

/* Hidden inputs repeating the current query string except export and the
 * keys in skip (NULL-terminated), so a page's own form keeps the filters. */
static void hidden_query(struct cx_dash_req *d, struct cx_html *h, const char *const *skip)
{
    for (size_t i = 0; i < d->req->nquery; i++) {
        const char *k = d->req->query[i].key, *v = d->req->query[i].val;
        int drop = !k || !v || !strcmp(k, "export");
        for (size_t s = 0; skip && skip[s] && !drop; s++) drop = !strcmp(k, skip[s]);
        if (drop) continue;
        cx_html_raw(h, "<input type=\"hidden\" name=\"");
        cx_html_esc(h, k);
        cx_html_raw(h, "\" value=\"");
        cx_html_esc(h, v);
        cx_html_raw(h, "\">");
    }
}

/* The scan filter of the page: the filter's period as instants [from, to)
 * (cx_dash_period: local days of the store's zone, by default the last 90),
 * channel and touchpoint as the filter has them. */
static void page_period(struct cx_dash_req *d, struct cx_scan_filter *sf)
{
    memset(sf, 0, sizeof *sf);
    cx_dash_apply_scan(d, sf);
    int64_t day0, day1, t0, t1;
    cx_dash_period(d, &day0, &day1, &t0, &t1);
    if (t1 <= t0) t0 = t1 - 86400;
    sf->has_from = sf->has_to = 1;
    sf->from = (struct cx_time){t0, 0};
    sf->to = (struct cx_time){t1, 0};
}

/* Identifies the data directory behind d->store (its token secret is random
 * per store), so that cached results never cross stores. */

/* 1 if s is 1-64 of [a-z0-9_-] (survey, trigger and alert ids). */
static int valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
              s[i] == '-'))
            return 0;
    return 1;
}

/* Sets the status of a page already finished by cx_dash_end (forms that
 * failed validation answer 422, unknown customers 404). */
static void set_status(struct cx_dash_req *d, int status)
{
    if (d->resp->status == 200) d->resp->status = status;
}

/* ------------------------------------------------------------------ */
/* /issues                                                             */

/* The most recent texts of one period: a min-heap on time holding at most
 * ISSUES_MAX_TEXTS documents (strings owned). */
struct doc_heap {
    struct cx_doc *d;
    size_t n;
    uint64_t seen; /* texts in the period, kept or not */
};

struct issues_scan {
    struct doc_heap cur, prev;
    int64_t split; /* time >= split: current period */
    const char *lang;
    int oom;
};

struct issues_res {
    struct cx_topic *t;
    size_t n;
    uint64_t seen_cur, seen_prev;
    size_t used_cur, used_prev;
};

static void doc_clear(struct cx_doc *x)
{
    free((char *)x->text);
    free((char *)x->lang);
    memset(x, 0, sizeof *x);
}

static void heap_free(struct doc_heap *hp)
{
    for (size_t i = 0; i < hp->n; i++) doc_clear(&hp->d[i]);
    free(hp->d);
    memset(hp, 0, sizeof *hp);
}

static void heap_down(struct doc_heap *hp, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < hp->n && hp->d[l].time < hp->d[m].time) m = l;
        if (r < hp->n && hp->d[r].time < hp->d[m].time) m = r;
        if (m == i) return;
        struct cx_doc t = hp->d[i];
        hp->d[i] = hp->d[m];
        hp->d[m] = t;
        i = m;
    }
}

/* Offers a text; keeps it when the heap has room or it is newer than the
 * oldest kept. Returns -1 on allocation failure. */
static int heap_offer(struct doc_heap *hp, int64_t t, const char *text, const char *lang,
                      int has_score, double score)
{
    hp->seen++;
    if (!hp->d && !(hp->d = calloc(ISSUES_MAX_TEXTS, sizeof *hp->d))) return -1;
    if (hp->n == ISSUES_MAX_TEXTS && t <= hp->d[0].time) return 0;
    struct cx_doc x = {NULL, strdup(text), lang && *lang ? strdup(lang) : NULL,
                       t,    has_score,    score};
    if (!x.text || (lang && *lang && !x.lang)) {
        doc_clear(&x);
        return -1;
    }
    if (hp->n == ISSUES_MAX_TEXTS) {
        doc_clear(&hp->d[0]);
        hp->d[0] = x;
        heap_down(hp, 0);
        return 0;
    }
    size_t i = hp->n++;
    hp->d[i] = x;
    while (i > 0 && hp->d[(i - 1) / 2].time > hp->d[i].time) {
        struct cx_doc tmp = hp->d[i];
        hp->d[i] = hp->d[(i - 1) / 2];
        hp->d[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
    return 0;
}

/* want "nb" matches "nb" and "nb-NO"; no want matches everything. */
static int lang_match(const char *want, const char *have)
{
    if (!want) return 1;
    size_t n = strlen(want);
    return have && !strncasecmp(have, want, n) && (have[n] == 0 || have[n] == '-');
}

static int issues_resp_cb(void *ctx, const struct cx_resp_row *r)
{
    struct issues_scan *c = ctx;
    if (!r->comment || !*r->comment || !lang_match(c->lang, r->lang)) return CX_OK;
    struct cx_scale sc = cx_scale_at(r->scale_idx);
    double score = sc.max > sc.min ? (double)(r->score - sc.min) / (sc.max - sc.min) : 0;
    struct doc_heap *hp = r->t.sec >= c->split ? &c->cur : &c->prev;
    return heap_offer(hp, r->t.sec, r->comment, r->lang, 1, score) ? CX_ENOMEM : CX_OK;
}

static int issues_event_cb(void *ctx, const struct cx_event *e)
{
    struct issues_scan *c = ctx;
    if (!e->text || !*e->text) return CX_OK;
    const char *lv = NULL;
    size_t ll = 0;
    char lang[36] = "";
    if (cx_attrs_find(e->attrs, e->attrs_len, "lang", 4, &lv, &ll) == 1 && ll < sizeof lang) {
        memcpy(lang, lv, ll);
        lang[ll] = 0;
    }
    if (!lang_match(c->lang, lang[0] ? lang : NULL)) return CX_OK;
    struct doc_heap *hp = e->t.sec >= c->split ? &c->cur : &c->prev;
    return heap_offer(hp, e->t.sec, e->text, lang, 0, 0) ? CX_ENOMEM : CX_OK;
}

static void issues_drop(void *val)
{
    struct issues_res *r = val;
    cx_topics_free(r->t, r->n);
    free(r);
}

struct issues_ctx {
    struct cx_dash_req *d;
    struct cx_scan_filter sf; /* the current period */
    const char *lang;
};

/* Reads the most recent texts of the period and of the period of the same
 * length before it (for the trend) and mines their topics. */
static int issues_compute(void *ctx, void **val, struct cx_err *err)
{
    struct issues_ctx *ic = ctx;
    struct issues_scan c;
    memset(&c, 0, sizeof c);
    c.split = ic->sf.from.sec;
    c.lang = ic->lang;
    struct cx_scan_filter f = ic->sf;
    f.from.sec -= ic->sf.to.sec - ic->sf.from.sec;
    f.touchpoint = NULL;
    f.with_text = 1;
    struct cx_store *s = ic->d->store;
    int rc = s->vt->scan_responses(s, &f, issues_resp_cb, &c, err);
    if (!rc) rc = s->vt->scan_events(s, &f, issues_event_cb, &c, err);
    struct issues_res *r = NULL;
    struct cx_doc *docs = NULL;
    if (!rc && !(r = calloc(1, sizeof *r))) rc = CX_ENOMEM;
    size_t n = c.cur.n + c.prev.n;
    if (!rc && n && !(docs = malloc(n * sizeof *docs))) rc = CX_ENOMEM;
    if (!rc) {
        if (c.cur.n) memcpy(docs, c.cur.d, c.cur.n * sizeof *docs);
        if (c.prev.n) memcpy(docs + c.cur.n, c.prev.d, c.prev.n * sizeof *docs);
        struct cx_topics_opts o = {20, 10, c.split, 3};
        rc = n ? cx_topics_run(docs, n, &o, &r->t, &r->n, err) : CX_OK;
        r->seen_cur = c.cur.seen;
        r->seen_prev = c.prev.seen;
        r->used_cur = c.cur.n;
        r->used_prev = c.prev.n;
    }
    if (rc == CX_ENOMEM) cx_fail(err, rc, "out of memory");
    free(docs);
    heap_free(&c.cur);
    heap_free(&c.prev);
    if (rc) {
        if (r) issues_drop(r);
        return rc;
    }
    *val = r;
    return CX_OK;
}

static struct cx_memo issues_memo = CX_MEMO_INIT(issues_drop);

static const char *const issue_langs[][2] = {
    {"", N_("Any language")}, {"en", N_("English")}, {"nb", N_("Norwegian (bokmål)")},
    {"tr", N_("Turkish")},    {"fa", N_("Persian")}, {"ro", N_("Romanian")},
};

/* The page's own form: the language of the texts. */
static void lang_form(struct cx_dash_req *d, struct cx_html *h, const char *lang)
{
    static const char *const skip[] = {"lang", NULL};
    cx_html_raw(h, "<form method=\"get\" class=\"page-filter\"><label for=\"issues-lang\">");
    cx_html_esc(h, T_("Language of the texts"));
    cx_html_raw(h, "</label> <select id=\"issues-lang\" name=\"lang\">");
    for (size_t i = 0; i < sizeof issue_langs / sizeof *issue_langs; i++) {
        cx_html_printf(h, "<option value=\"%s\"%s>", issue_langs[i][0],
                       !strcmp(lang ? lang : "", issue_langs[i][0]) ? " selected" : "");
        cx_html_esc(h, T_(issue_langs[i][1]));
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select> ");
    hidden_query(d, h, skip);
    put_wrap(h, "<button type=\"submit\">", T_("Show"), "</button></form>");
}

static const char *trend_text(const struct cx_topic *t, char *buf, size_t cap)
{
    if (t->prev_count == 0 && t->count > 0 && !t->trend_significant)
        snprintf(buf, cap, F_("new (no texts before)"));
    else if (t->trend_significant && t->share > t->prev_share)
        snprintf(buf, cap, F_("▲ rising (significant, p = %.3g)"), t->trend_p);
    else if (t->trend_significant)
        snprintf(buf, cap, F_("▼ falling (significant, p = %.3g)"), t->trend_p);
    else
        snprintf(buf, cap, F_("no significant change (p = %.2g)"), t->trend_p);
    return buf;
}

void cx_dash_page_issues(struct cx_dash_req *d)
{
    const char *lang = param(d, "lang");
    int lang_ok = !lang;
    for (size_t i = 1; i < sizeof issue_langs / sizeof *issue_langs && !lang_ok; i++)
        lang_ok = !strcmp(lang, issue_langs[i][0]);
    if (!lang_ok) {
        cx_dash_error(d, 400, F_("Unknown language: choose one from the list."));
        return;
    }
    struct issues_ctx ic = {d, {0}, lang};
    page_period(d, &ic.sf);
    char tag[17], key[768];
    cx_memo_store_tag(d->store, tag);
    snprintf(key, sizeof key, "%s|%lld|%lld|%s|%s", tag, (long long)ic.sf.from.sec,
             (long long)ic.sf.to.sec, ic.sf.channel ? ic.sf.channel : "", lang ? lang : "");
    struct cx_err err = {{0}};
    /* not ready yet: computed in the background while the page says so */
    if (cx_memo_state(&issues_memo, key, ISSUES_TTL_MS) != 2 && cx_dash_render_later(d)) {
        cx_dash_pending(d, T_("Frequent issues"), "issues", CX_DF_PERIOD | CX_DF_CHANNEL);
        return;
    }
    struct cx_memo_ent *e =
        cx_memo_get(&issues_memo, key, ISSUES_TTL_MS, issues_compute, &ic, &err);
    if (!e) {
        cx_dash_error(d, 500, F_("The issues could not be computed: %s"), err.msg);
        return;
    }
    const struct issues_res *r = e->val;

    const char *const hd[] = {
        T_("Issue"), T_("Languages"),          T_("Texts"),
        T_("Share"), T_("Texts before"),       T_("Share before"),
        T_("Trend"), T_("Mean score (0–100)"), T_("Example"),
    };
    struct cx_dash_table *tb = cx_dash_table_new("issues", T_("Frequent issues"), 9, hd);
    char buf[160];
    for (size_t i = 0; tb && i < r->n; i++) {
        const struct cx_topic *t = &r->t[i];
        cx_dash_table_cell(tb, t->label, NULL, NULL);
        cx_dash_table_cell(tb, t->langs, NULL, NULL);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)t->count);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%.1f %%", 100 * t->share);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)t->prev_count);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%.1f %%", 100 * t->prev_share);
        cx_dash_table_cell(tb, buf, "num", NULL);
        trend_text(t, buf, sizeof buf);
        cx_dash_table_cell(tb, buf,
                           !t->trend_significant      ? NULL
                           : t->share > t->prev_share ? "bad"
                                                      : "good",
                           NULL);
        if (t->nscore)
            snprintf(buf, sizeof buf, "%.0f", 100 * t->mean_score);
        else
            snprintf(buf, sizeof buf, "%s", F_("no score"));
        cx_dash_table_cell(tb, buf, "num", NULL);
        cx_dash_table_cell(tb, t->nexamples ? t->examples[0] : "", NULL, NULL);
    }
    if (tb && cx_dash_table_export(d, tb)) {
        cx_dash_table_free(tb);
        cx_memo_put(&issues_memo, e);
        return;
    }

    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_("Frequent issues"), "issues");
    cx_dash_filters(d, &h, CX_DF_PERIOD | CX_DF_CHANNEL);
    lang_form(d, &h, lang);
    char made[40], from[40], to[40];
    struct tm tmv;
    gmtime_r(&e->made, &tmv);
    strftime(made, sizeof made, "%Y-%m-%d %H:%M UTC", &tmv);
    fmt_day(ic.sf.from.sec, from);
    fmt_day(ic.sf.to.sec - 1, to);
    cx_html_raw(&h, "<p class=\"note\">");
    put_textf(&h,
              F_("Comments and message texts from %s to %s: %llu texts. To keep this page "
                 "fast, issues are found in the most recent %d texts of the period at most "
                 "(%zu used here), and the trend compares them with the most recent %d "
                 "of the period of the same length before it (%zu of %llu used)."),
              from, to, (unsigned long long)r->seen_cur, ISSUES_MAX_TEXTS, r->used_cur,
              ISSUES_MAX_TEXTS, r->used_prev, (unsigned long long)r->seen_prev);
    cx_html_raw(&h, " ");
    put_textf(&h, F_("Computed at %s; results are kept for %d minutes."), made,
              ISSUES_TTL_MS / 60000);
    cx_html_raw(&h, "</p>");

    if (!r->n) {
        put_tag(&h, "p", T_("No issue was raised in 10 or more texts in this period."));
    } else {
        /* one chart of all shares, with 95 % intervals */
        const char **labels = calloc(r->n, sizeof *labels);
        double *v = calloc(3 * r->n, sizeof *v);
        if (labels && v) {
            for (size_t i = 0; i < r->n; i++) {
                labels[i] = r->t[i].label;
                v[i] = 100 * r->t[i].share;
                double lo = NAN, hi = NAN;
                if (r->used_cur) cx_wilson(r->t[i].count, r->used_cur, &lo, &hi);
                v[r->n + i] = 100 * lo;
                v[2 * r->n + i] = 100 * hi;
            }
            put_tag(&h, "h2", T_("Share of texts per issue"));
            cx_svg_bars(&h, T_("Share of texts that raise each issue"),
                        T_("Bars show the share of the period's texts; whiskers show the 95 % "
                           "interval."),
                        labels, v, v + r->n, v + 2 * r->n, r->n, "%", 640);
        }
        free(labels);
        free(v);
        put_tag(&h, "h2", T_("Issues"));
        cx_dash_table_render(d, &h, tb);

        put_tag(&h, "h2", T_("What customers say"));
        for (size_t i = 0; i < r->n; i++) {
            const struct cx_topic *t = &r->t[i];
            cx_html_raw(&h, "<section class=\"issue\"><h3 dir=\"auto\">");
            cx_html_esc(&h, t->label);
            cx_html_raw(&h, "</h3><p>");
            put_textf(&h, F_("%llu texts (%.1f %%), before: %llu (%.1f %%)."),
                      (unsigned long long)t->count, 100 * t->share,
                      (unsigned long long)t->prev_count, 100 * t->prev_share);
            cx_html_raw(&h, " ");
            cx_html_esc(&h, trend_text(t, buf, sizeof buf));
            cx_html_raw(&h, "</p>");
            const char *pl[2] = {T_("Period before"), T_("This period")};
            double pv[2] = {100 * t->prev_share, 100 * t->share};
            char title[300];
            snprintf(title, sizeof title, F_("Share of texts raising “%s”, before and now"),
                     t->label);
            cx_svg_bars(&h, title, NULL, pl, pv, NULL, NULL, 2, "%", 320);
            /* one language: it is the quotes' language (lang, for fonts and
             * speech); dir=auto shows right-to-left text right in any case */
            int one_lang = t->lang && strcmp(t->lang, "und") && t->langs && !strchr(t->langs, ',');
            if (t->nexamples) {
                put_wrap(&h, "<ul class=\"quotes\" aria-label=\"", T_("Example quotes"), "\">");
                for (size_t k = 0; k < t->nexamples && k < 3; k++) {
                    cx_html_raw(&h, "<li><q dir=\"auto\"");
                    if (one_lang) {
                        cx_html_raw(&h, " lang=\"");
                        cx_html_esc(&h, t->lang);
                        cx_html_raw(&h, "\"");
                    }
                    cx_html_raw(&h, ">");
                    cx_html_esc(&h, t->examples[k]);
                    cx_html_raw(&h, "</q></li>");
                }
                cx_html_raw(&h, "</ul>");
            }
            cx_html_raw(&h, "</section>");
        }
    }
    cx_dash_table_free(tb);
    cx_memo_put(&issues_memo, e);
    cx_dash_end(d, &h);
}

/* ------------------------------------------------------------------ */
/* /drivers                                                            */

struct drivers_res {
    struct cx_driver *d;
    size_t n;
};

static void drivers_drop(void *val)
{
    struct drivers_res *r = val;
    cx_drivers_free(r->d, r->n);
    free(r);
}

struct drivers_ctx {
    struct cx_store *s;
    struct cx_drivers_opts o;
};

static int drivers_compute(void *ctx, void **val, struct cx_err *err)
{
    struct drivers_ctx *c = ctx;
    struct drivers_res *r = calloc(1, sizeof *r);
    if (!r) return cx_fail(err, CX_ENOMEM, "out of memory");
    int rc = cx_drivers_run(c->s, &c->o, &r->d, &r->n, err);
    if (rc) {
        free(r);
        return rc;
    }
    *val = r;
    return CX_OK;
}

static struct cx_memo drivers_memo = CX_MEMO_INIT(drivers_drop);

/* The 95 % interval of a driver's effect from its Welch statistic (the
 * standard error is effect / t); NAN when t is 0 (no spread known). */
static void effect_interval(const struct cx_driver *x, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (isinf(x->t)) {
        *lo = *hi = x->effect;
    } else if (x->t != 0 && x->df > 0 && isfinite(x->t)) {
        double se = fabs(x->effect / x->t), q = cx_t_quantile(0.975, x->df);
        *lo = x->effect - q * se;
        *hi = x->effect + q * se;
    }
}

static const char *const metric_names[][2] = {
    {"ces", N_("CES (customer effort, mapped to 1–7)")},
    {"csat", N_("CSAT (satisfaction, mapped to 1–5)")},
    {"nps", N_("NPS score (0–10)")},
};

static void drivers_form(struct cx_dash_req *d, struct cx_html *h, const char *metric, int drops)
{
    static const char *const skip[] = {"metric", "drops", NULL};
    cx_html_raw(h, "<form method=\"get\" class=\"page-filter\"><label for=\"drivers-metric\">");
    cx_html_esc(h, T_("Score analysed"));
    cx_html_raw(h, "</label> <select id=\"drivers-metric\" name=\"metric\">");
    for (size_t i = 0; i < 3; i++) {
        cx_html_printf(h, "<option value=\"%s\"%s>", metric_names[i][0],
                       !strcmp(metric, metric_names[i][0]) ? " selected" : "");
        cx_html_esc(h, T_(metric_names[i][1]));
        cx_html_raw(h, "</option>");
    }
    cx_html_printf(h,
                   "</select> <input type=\"checkbox\" id=\"drivers-drops\" name=\"drops\" "
                   "value=\"1\"%s> <label for=\"drivers-drops\">%s</label> ",
                   drops ? " checked" : "",
                   T_("Analyse drops against the customer's previous score"));
    hidden_query(d, h, skip);
    put_wrap(h, "<button type=\"submit\">", T_("Show"), "</button></form>");
}

void cx_dash_page_drivers(struct cx_dash_req *d)
{
    /* the metric filter is shared with the trends: a metric of a score kind
     * (csat_mean, ces_easy, ...) picks that kind; any other (fcr, churn,
     * ...) falls back to CES, and the page says so */
    const char *metric = param(d, "metric");
    int fallback = 0;
    struct drivers_ctx c;
    memset(&c, 0, sizeof c);
    c.s = d->store;
    cx_drivers_opts_init(&c.o);
    if (metric && !strncmp(metric, "nps", 3))
        metric = "nps";
    else if (metric && !strncmp(metric, "csat", 4))
        metric = "csat";
    else {
        fallback = metric && strncmp(metric, "ces", 3);
        metric = "ces";
    }
    cx_kind_parse(metric, strlen(metric), &c.o.kind);
    const char *dr = param(d, "drops");
    c.o.drops = dr && (!strcmp(dr, "1") || !strcmp(dr, "true") || !strcmp(dr, "on"));
    struct cx_scan_filter sf;
    page_period(d, &sf);
    c.o.has_from = c.o.has_to = 1;
    c.o.from = sf.from;
    c.o.to = sf.to;
    c.o.channel = sf.channel;
    c.o.touchpoint = sf.touchpoint;
    char tag[17], key[768];
    cx_memo_store_tag(d->store, tag);
    snprintf(key, sizeof key, "%s|%d|%d|%lld|%lld|%s|%s", tag, (int)c.o.kind, c.o.drops,
             (long long)sf.from.sec, (long long)sf.to.sec, sf.channel ? sf.channel : "",
             sf.touchpoint ? sf.touchpoint : "");
    struct cx_err err = {{0}};
    if (cx_memo_state(&drivers_memo, key, DRIVERS_TTL_MS) != 2 && cx_dash_render_later(d)) {
        cx_dash_pending(d, c.o.drops ? T_("Drivers of score drops") : T_("Drivers of low scores"),
                        "drivers", CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT);
        return;
    }
    struct cx_memo_ent *e =
        cx_memo_get(&drivers_memo, key, DRIVERS_TTL_MS, drivers_compute, &c, &err);
    if (!e) {
        cx_dash_error(d, 500, F_("The drivers could not be computed: %s"), err.msg);
        return;
    }
    const struct drivers_res *r = e->val;

    const char *const hd[] = {
        T_("Pattern"),       T_("Responses with"), T_("Responses without"),
        T_("Mean with"),     T_("Mean without"),   T_("Effect"),
        T_("95 % interval"), T_("p (Holm)"),       T_("Significant"),
    };
    struct cx_dash_table *tb = cx_dash_table_new("drivers", T_("Patterns before scores"), 9, hd);
    char buf[128];
    size_t nsig = 0;
    for (size_t i = 0; tb && i < r->n; i++) {
        const struct cx_driver *x = &r->d[i];
        double lo, hi;
        effect_interval(x, &lo, &hi);
        nsig += x->significant != 0;
        cx_dash_table_cell(tb, x->label, NULL, NULL);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x->n_with);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x->n_without);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%.2f", x->mean_with);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%.2f", x->mean_without);
        cx_dash_table_cell(tb, buf, "num", NULL);
        snprintf(buf, sizeof buf, "%+.2f", x->effect);
        cx_dash_table_cell(tb, buf, "num", NULL);
        if (isnan(lo))
            snprintf(buf, sizeof buf, "%s", F_("not available"));
        else
            snprintf(buf, sizeof buf, "%+.2f to %+.2f", lo, hi);
        cx_dash_table_cell(tb, buf, "num", NULL);
        if (x->p_adjusted < 0.001)
            snprintf(buf, sizeof buf, "< 0.001");
        else
            snprintf(buf, sizeof buf, "%.3f", x->p_adjusted);
        cx_dash_table_cell(tb, buf, "num", NULL);
        cx_dash_table_cell(tb,
                           !x->significant ? T_("no")
                           : x->effect < 0 ? T_("yes: worse with it")
                                           : T_("yes: better with it"),
                           !x->significant ? NULL
                           : x->effect < 0 ? "bad"
                                           : "good",
                           NULL);
    }
    if (tb && cx_dash_table_export(d, tb)) {
        cx_dash_table_free(tb);
        cx_memo_put(&drivers_memo, e);
        return;
    }

    const char *title = c.o.drops ? T_("Drivers of score drops") : T_("Drivers of low scores");
    struct cx_html h = {0};
    cx_dash_begin(d, &h, title, "drivers");
    cx_dash_filters(d, &h, CX_DF_PERIOD | CX_DF_CHANNEL | CX_DF_TOUCHPOINT);
    drivers_form(d, &h, metric, c.o.drops);
    if (fallback)
        cx_dash_note(&h, T_("Drivers are found for CES, CSAT and NPS only; this page shows CES. "
                            "Choose the score below."));
    char made[40];
    struct tm tmv;
    gmtime_r(&e->made, &tmv);
    strftime(made, sizeof made, "%Y-%m-%d %H:%M UTC", &tmv);
    cx_html_raw(&h, "<p class=\"note\">");
    put_textf(&h,
              F_("Each response of the period is compared by what the customer went "
                 "through in the %d days before it. %zu patterns had enough responses "
                 "(at least %llu with and without); %zu differ significantly after the "
                 "Holm correction for testing many patterns. The effect is the mean with "
                 "the pattern minus the mean without it."),
              (int)(c.o.window_s ? c.o.window_s / 86400 : 14), r->n,
              (unsigned long long)(c.o.min_n ? c.o.min_n : 30), nsig);
    cx_html_raw(&h, " ");
    put_textf(&h, F_("Computed at %s; results are kept for %d minutes."), made,
              DRIVERS_TTL_MS / 60000);
    cx_html_raw(&h, "</p>");
    if (!r->n) {
        put_tag(&h, "p", T_("No pattern had enough responses with and without it in this period."));
    } else {
        size_t nb = r->n < 15 ? r->n : 15;
        const char **labels = calloc(nb, sizeof *labels);
        double *v = calloc(3 * nb, sizeof *v);
        if (labels && v) {
            for (size_t i = 0; i < nb; i++) {
                labels[i] = r->d[i].label;
                v[i] = r->d[i].effect;
                effect_interval(&r->d[i], &v[nb + i], &v[2 * nb + i]);
            }
            put_tag(&h, "h2", T_("Effect of each pattern"));
            char ctitle[200];
            snprintf(ctitle, sizeof ctitle, F_("Effect on the mean score, the %zu first patterns"),
                     nb);
            cx_svg_bars(&h, ctitle,
                        T_("Bars show the mean with the pattern minus the mean without it; "
                           "whiskers show the 95 % interval. Below zero: worse with the "
                           "pattern."),
                        labels, v, v + nb, v + 2 * nb, nb, T_("points"), 640);
        }
        free(labels);
        free(v);
        put_tag(&h, "h2", T_("All patterns tested"));
        cx_dash_table_render(d, &h, tb);
    }
    cx_dash_table_free(tb);
    cx_memo_put(&drivers_memo, e);
    cx_dash_end(d, &h);
}

/* ------------------------------------------------------------------ */
/* /customers                                                          */

struct found {
    struct cx_dash_table *t;
    size_t n;
};

static int found_cb(void *ctx, const char *customer)
{
    struct found *f = ctx;
    struct cx_html href = {0};
    cx_html_raw(&href, "/customers?id=");
    cx_html_url(&href, customer);
    cx_dash_table_cell(f->t, customer, NULL, href.oom ? NULL : href.p);
    cx_html_free(&href);
    f->n++;
    return CX_OK;
}

static void customer_search(struct cx_dash_req *d)
{
    const char *q = d->f.q[0] ? d->f.q : param(d, "q");
    const char *const hd[] = {T_("Customer")};
    struct cx_dash_table *tb = cx_dash_table_new("customers", T_("Matching customers"), 1, hd);
    struct found fd = {tb, 0};
    struct cx_err err = {{0}};
    int rc = CX_OK;
    if (q && tb) rc = d->store->vt->customer_find(d->store, q, SEARCH_LIMIT, found_cb, &fd, &err);
    if (rc) {
        cx_dash_table_free(tb);
        cx_dash_error(d, 500, F_("The search failed: %s"), err.msg);
        return;
    }
    if (tb && cx_dash_table_export(d, tb)) {
        cx_dash_table_free(tb);
        return;
    }
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_("Customers"), "customers");
    cx_dash_filters(d, &h, CX_DF_SEARCH);
    if (!q) {
        put_tag(&h, "p",
                T_("Enter the beginning of a customer id to find the customer's "
                   "journey. Ids are matched exactly as written, letter case included."));
    } else if (!fd.n) {
        cx_html_raw(&h, "<p role=\"status\">");
        cx_html_esc(&h, T_("No customer id starts with"));
        cx_html_raw(&h, " “<span dir=\"auto\">");
        cx_html_esc(&h, q);
        cx_html_raw(&h, "</span>”.</p>");
    } else {
        cx_html_raw(&h, "<p role=\"status\">");
        if (fd.n == SEARCH_LIMIT)
            put_textf(&h,
                      F_("The first %d customer ids that start with the search text; "
                         "type more to narrow the list."),
                      SEARCH_LIMIT);
        else
            put_textf(&h, F_("%zu customer ids start with the search text."), fd.n);
        cx_html_raw(&h, "</p>");
        cx_dash_table_render(d, &h, tb);
    }
    cx_dash_table_free(tb);
    cx_dash_end(d, &h);
}

static const char *kind_title(enum cx_kind k)
{
    switch (k) {
    case CX_KIND_NPS:
        return T_("NPS score over time");
    case CX_KIND_CSAT:
        return T_("CSAT score over time");
    default:
        return T_("CES score over time");
    }
}

/* One chart per metric kind: the customer's scores in time order. */
static void journey_charts(struct cx_html *h, const struct cx_journey *j)
{
    for (int k = 0; k < CX_NKINDS; k++) {
        size_t n = 0, first = 0;
        for (size_t i = 0; i < j->n; i++)
            if (j->items[i].is_response && (int)j->items[i].r.kind == k) n++;
        if (!n) continue;
        if (n > JOURNEY_MAX_POINTS) first = n - JOURNEY_MAX_POINTS;
        size_t m = n - first;
        double *y = calloc(m, sizeof *y);
        char(*lab)[16] = calloc(m, sizeof *lab);
        const char **lp = calloc(m, sizeof *lp);
        if (!y || !lab || !lp) {
            free(y);
            free(lab);
            free(lp);
            return;
        }
        struct cx_scale sc = {0, 0};
        int mixed = 0;
        size_t c = 0, o = 0;
        for (size_t i = 0; i < j->n; i++) {
            const struct cx_journey_item *it = &j->items[i];
            if (!it->is_response || (int)it->r.kind != k) continue;
            if (c++ < first) continue;
            if (o == 0) sc = it->r.scale;
            mixed |= it->r.scale.min != sc.min || it->r.scale.max != sc.max;
            char t[40];
            fmt_day(it->r.t.sec, t);
            memcpy(lab[o], t, 11);
            lp[o] = lab[o];
            y[o] = it->r.score;
            o++;
        }
        /* different scales of one kind: as a share of each scale */
        if (mixed) {
            c = 0;
            o = 0;
            for (size_t i = 0; i < j->n; i++) {
                const struct cx_journey_item *it = &j->items[i];
                if (!it->is_response || (int)it->r.kind != k || c++ < first) continue;
                y[o++] =
                    100.0 * (it->r.score - it->r.scale.min) / (it->r.scale.max - it->r.scale.min);
            }
        }
        struct cx_svg_series s = {cx_kind_name((enum cx_kind)k), m, y, NULL, NULL};
        char desc[200];
        snprintf(desc, sizeof desc, F_("%zu responses, from %s to %s."), m, lab[0], lab[m - 1]);
        cx_svg_line(h, kind_title((enum cx_kind)k), desc, lp, &s, 1, mixed ? 0 : sc.min,
                    mixed ? 100 : sc.max, mixed ? T_("% of the scale") : T_("score"), 640, 200);
        free(y);
        free(lab);
        free(lp);
    }
}

/* "CES 2 (scale 1–7)" */
static void score_text(const struct cx_response *r, char *buf, size_t cap)
{
    char k[8];
    snprintf(k, sizeof k, "%s", cx_kind_name(r->kind));
    for (char *p = k; *p; p++) *p = (char)toupper((unsigned char)*p);
    snprintf(buf, cap, F_("%s %d (scale %d–%d)"), k, r->score, r->scale.min, r->scale.max);
}

static void event_detail(const struct cx_event *e, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    if (e->has_wait)
        o += (size_t)snprintf(buf + o, cap - o, F_("waited %lld s"),
                              (long long)(e->wait_ns / 1000000000LL));
    if (e->has_duration && o < cap) o += (size_t)snprintf(buf + o, cap - o, "%s", o ? ", " : "");
    if (e->has_duration && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, F_("lasted %lld s"),
                              (long long)(e->duration_ns / 1000000000LL));
    if (e->ref && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "%sref %s", o ? ", " : "", e->ref);
    if (e->agent && o < cap) o += (size_t)snprintf(buf + o, cap - o, "%s", o ? ", " : "");
    if (e->agent && o < cap) snprintf(buf + o, cap - o, F_("agent %s"), e->agent);
}

/* <span dir=auto lang=..>text</span> */
static void user_text(struct cx_html *h, const char *text, const char *lang)
{
    cx_html_raw(h, "<span dir=\"auto\"");
    if (lang && *lang) {
        cx_html_raw(h, " lang=\"");
        cx_html_esc(h, lang);
        cx_html_raw(h, "\"");
    }
    cx_html_raw(h, ">");
    cx_html_esc(h, text);
    cx_html_raw(h, "</span>");
}

/* The drops with the interactions between each and the previous score. */
static void journey_drops(struct cx_html *h, const struct cx_journey *j)
{
    size_t nd = 0;
    for (size_t i = 0; i < j->n; i++) nd += j->items[i].is_response && j->items[i].mark < 0;
    put_tag(h, "h2", T_("Drops and what came before them"));
    if (!nd) {
        put_tag(h, "p", T_("No drop: no score fell by a fifth of its scale or more."));
        return;
    }
    cx_html_raw(h, "<ol class=\"drops\">");
    for (size_t i = 0; i < j->n; i++) {
        const struct cx_journey_item *it = &j->items[i];
        if (!it->is_response || it->mark >= 0) continue;
        const struct cx_response *r = &it->r, *pr = &j->items[it->prev].r;
        char t[40], pt[40], sc[80], cause[1024];
        score_text(r, sc, sizeof sc);
        cx_html_raw(h, "<li><p><strong class=\"drop\">");
        put_textf(h, F_("▼ Drop from %d to %d"), it->prev_score, r->score);
        cx_html_raw(h, "</strong> ");
        cx_html_esc(h, fmt_minute(r->t, t));
        cx_html_raw(h, " · ");
        cx_html_esc(h, sc);
        cx_html_raw(h, " · ");
        cx_html_esc(h, r->channel);
        cx_html_raw(h, " · ");
        cx_html_esc(h, r->touchpoint);
        cx_html_raw(h, "</p>");
        if (r->comment && *r->comment) {
            cx_html_raw(h, "<blockquote><p>");
            user_text(h, r->comment, r->lang);
            cx_html_raw(h, "</p></blockquote>");
        }
        size_t nc = cx_journey_cause(j, i, cause, sizeof cause);
        cx_html_raw(h, "<p>");
        put_textf(h, F_("Since the previous score (%d on %s):"), it->prev_score,
                  fmt_minute(pr->t, pt));
        cx_html_raw(h, " ");
        if (nc)
            cx_html_esc(h, cause);
        else
            cx_html_esc(h, T_("no recorded interactions."));
        cx_html_raw(h, "</p>");
        if (nc) {
            put_wrap(h, "<ul class=\"causes\" aria-label=\"",
                     T_("Interactions since the previous score"), "\">");
            for (size_t k = (size_t)it->prev + 1; k < i; k++) {
                const struct cx_journey_item *x = &j->items[k];
                if (x->is_response) continue;
                char det[400];
                event_detail(&x->e, det, sizeof det);
                cx_html_raw(h, "<li>");
                cx_html_esc(h, fmt_minute(x->e.t, t));
                cx_html_raw(h, " · ");
                cx_html_esc(h, x->e.channel);
                cx_html_raw(h, " · <strong>");
                cx_html_esc(h, x->e.type);
                cx_html_raw(h, "</strong>");
                if (det[0]) {
                    cx_html_raw(h, " (");
                    cx_html_esc(h, det);
                    cx_html_raw(h, ")");
                }
                if (x->e.text && *x->e.text) {
                    cx_html_raw(h, ": ");
                    user_text(h, x->e.text, NULL);
                }
                cx_html_raw(h, "</li>");
            }
            cx_html_raw(h, "</ul>");
        }
        cx_html_raw(h, "</li>");
    }
    cx_html_raw(h, "</ol>");
}

/* The not-found page (404) for a customer without responses or events. */
static void customer_unknown(struct cx_dash_req *d, const char *id)
{
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_("Customer not found"), "customers");
    cx_dash_filters(d, &h, CX_DF_SEARCH);
    cx_html_raw(&h, "<p>");
    cx_html_esc(&h, T_("There are no responses or events for the customer id"));
    cx_html_raw(&h, " “<span dir=\"auto\">");
    cx_html_esc(&h, id);
    cx_html_raw(&h, "</span>”.</p>");
    cx_dash_end(d, &h);
    set_status(d, 404);
}

static void customer_journey(struct cx_dash_req *d, const char *id)
{
    struct cx_journey j;
    struct cx_err err = {{0}};
    if (cx_journey_load(d->store, id, &j, &err)) {
        cx_dash_error(d, 500, F_("The journey could not be read: %s"), err.msg);
        return;
    }
    if (!j.n) {
        cx_journey_free(&j);
        customer_unknown(d, id);
        return;
    }
    const char *const hd[] = {
        T_("Time"),
        T_("Channel"),
        T_("Kind"),
        T_("Type or touchpoint"),
        T_("Score or details"),
        T_("Change"),
        T_("Text"),
        T_("Since the previous score"),
    };
    struct cx_dash_table *tb = cx_dash_table_new("journey", T_("Timeline"), 8, hd);
    size_t first = j.n > JOURNEY_MAX_ROWS ? j.n - JOURNEY_MAX_ROWS : 0, nresp = 0;
    for (size_t i = 0; i < j.n; i++) nresp += j.items[i].is_response;
    for (size_t i = first; tb && i < j.n; i++) {
        const struct cx_journey_item *it = &j.items[i];
        char t[40], buf[160], cause[1024];
        if (it->is_response) {
            const struct cx_response *r = &it->r;
            if (it->mark) cx_dash_table_row_class(tb, it->mark < 0 ? "drop" : "rise");
            cx_dash_table_cell(tb, fmt_minute(r->t, t), NULL, NULL);
            cx_dash_table_cell(tb, r->channel, NULL, NULL);
            cx_dash_table_cell(tb, T_("response"), NULL, NULL);
            cx_dash_table_cell(tb, r->touchpoint, NULL, NULL);
            score_text(r, buf, sizeof buf);
            cx_dash_table_cell(tb, buf, "num", NULL);
            if (it->mark < 0)
                snprintf(buf, sizeof buf, F_("▼ drop from %d"), it->prev_score);
            else if (it->mark > 0)
                snprintf(buf, sizeof buf, F_("▲ rise from %d"), it->prev_score);
            else
                buf[0] = 0;
            cx_dash_table_cell(tb, buf, it->mark < 0 ? "bad" : it->mark > 0 ? "good" : NULL, NULL);
            cx_dash_table_cell(tb, r->comment ? r->comment : "", NULL, NULL);
            size_t nc = it->mark ? cx_journey_cause(&j, i, cause, sizeof cause) : 0;
            cx_dash_table_cell(tb,
                               !it->mark ? ""
                               : nc      ? cause
                                         : T_("no recorded interactions"),
                               NULL, NULL);
        } else {
            const struct cx_event *e = &it->e;
            cx_dash_table_cell(tb, fmt_minute(e->t, t), NULL, NULL);
            cx_dash_table_cell(tb, e->channel, NULL, NULL);
            cx_dash_table_cell(tb, T_("event"), NULL, NULL);
            cx_dash_table_cell(tb, e->type, NULL, NULL);
            event_detail(e, buf, sizeof buf);
            cx_dash_table_cell(tb, buf, NULL, NULL);
            cx_dash_table_cell(tb, "", NULL, NULL);
            cx_dash_table_cell(tb, e->text ? e->text : "", NULL, NULL);
            cx_dash_table_cell(tb, "", NULL, NULL);
        }
    }
    if (tb && cx_dash_table_export(d, tb)) {
        cx_dash_table_free(tb);
        cx_journey_free(&j);
        return;
    }
    char title[200], t0[40], t1[40];
    snprintf(title, sizeof title, F_("Customer %s"), id);
    struct cx_html h = {0};
    cx_dash_begin(d, &h, title, "customers");
    struct cx_time a = j.items[0].is_response ? j.items[0].r.t : j.items[0].e.t;
    struct cx_time b = j.items[j.n - 1].is_response ? j.items[j.n - 1].r.t : j.items[j.n - 1].e.t;
    put_wrap(&h, "<p><a href=\"/customers\">", T_("Search customers"), "</a></p><p>");
    put_textf(&h, F_("%zu responses and %zu events from %s to %s (UTC)."), nresp, j.n - nresp,
              fmt_minute(a, t0), fmt_minute(b, t1));
    if (first)
        put_wrap(&h, " ",
                 T_("The timeline shows the 1000 most recent entries; the export holds "
                    "the same."),
                 "");
    cx_html_raw(&h, "</p>");
    if (nresp) {
        put_tag(&h, "h2", T_("Scores over time"));
        journey_charts(&h, &j);
    }
    journey_drops(&h, &j);
    put_tag(&h, "h2", T_("Timeline across channels"));
    cx_dash_table_render(d, &h, tb);
    cx_dash_table_free(tb);
    cx_journey_free(&j);
    cx_dash_end(d, &h);
}

void cx_dash_page_customers(struct cx_dash_req *d)
{
    const char *id = param(d, "id");
    const char *p = d->path ? d->path : "";
    if (!id && !strncmp(p, "/customers/", 11) && p[11]) id = p + 11;
    if (id && strlen(id) > 128) {
        cx_dash_error(d, 400, F_("A customer id has at most 128 bytes."));
        return;
    }
    if (id)
        customer_journey(d, id);
    else
        customer_search(d);
}

/* ------------------------------------------------------------------ */
/* definitions written through the writer                              */

enum def_op {
    OP_SURVEY_CREATE,
    OP_SURVEY_ARCHIVE,
    OP_TRIGGER_PUT,
    OP_TRIGGER_DELETE,
    OP_ALERT_PUT,
    OP_ALERT_DELETE
};

struct def_job {
    enum def_op op;
    const char *id, *json, *secret;
};

static int run_def_job(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_job *j = arg;
    switch (j->op) {
    case OP_SURVEY_CREATE:
        return s->vt->survey_put(s, j->id, j->json, 1, err);
    case OP_SURVEY_ARCHIVE:
        return s->vt->survey_archive(s, j->id, err);
    case OP_TRIGGER_PUT:
        return s->vt->trigger_put(s, j->id, j->json, err);
    case OP_TRIGGER_DELETE:
        return s->vt->trigger_delete(s, j->id, err);
    case OP_ALERT_PUT:
        return s->vt->alert_put(s, j->id, j->json, j->secret, err);
    default:
        return s->vt->alert_delete(s, j->id, err);
    }
}

/* Runs j on the writer (durable when it returns CX_OK). */
static int submit_def(struct cx_dash_req *d, struct def_job *j, struct cx_err *err)
{
    return cx_dash_write(d, run_def_job, j, err);
}

/* A form's state: submitted values (NULL = empty) and the first error. */
#define FORM_MAX 10
struct form {
    const char *key[FORM_MAX], *val[FORM_MAX];
    size_t n;
    char field[32]; /* the field in error, "" for the whole form */
    char msg[600];
    int failed;
};

static const char *form_val(const struct form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->key[i], key)) return f->val[i];
    return NULL;
}

/* Reads the POSTed fields keys[] into f. */
static void form_read(struct cx_dash_req *d, struct form *f, const char *const *keys)
{
    memset(f, 0, sizeof *f);
    for (; f->n < FORM_MAX && keys[f->n]; f->n++) {
        f->key[f->n] = keys[f->n];
        const char *v = cx_dash_field(d, keys[f->n]);
        f->val[f->n] = v && *v ? v : NULL;
    }
}

static int form_fail(struct form *f, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int form_fail(struct form *f, const char *field, const char *fmt, ...)
{
    if (f->failed) return -1;
    f->failed = 1;
    snprintf(f->field, sizeof f->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* The error summary at the top of a form (role=alert, linking the field). */
static void form_errors(struct cx_html *h, const char *form_id, const struct form *f)
{
    if (!f || !f->failed) return;
    put_wrap(h, "<div class=\"error-summary\" role=\"alert\"><h3>", T_("The form has an error"),
             "</h3><p>");
    if (f->field[0]) {
        cx_html_printf(h, "<a href=\"#%s-%s\">", form_id, f->field);
        cx_html_esc(h, f->field);
        cx_html_raw(h, "</a>: ");
    }
    cx_html_esc(h, f->msg);
    cx_html_raw(h, "</p></div>");
}

/* Attributes of the input named key of form form_id: id, name, value
 * (with_value), and the hint (has_hint) and error message it is described
 * by, with aria-invalid on error. */
static void input_attrs(struct cx_html *h, const char *form_id, const struct form *f,
                        const char *key, int with_value, int has_hint)
{
    cx_html_printf(h, " id=\"%s-%s\" name=\"%s\"", form_id, key, key);
    const char *v = f ? form_val(f, key) : NULL;
    if (with_value && v) {
        cx_html_raw(h, " value=\"");
        cx_html_esc(h, v);
        cx_html_raw(h, "\"");
    }
    int bad = f && f->failed && !strcmp(f->field, key);
    if (bad) cx_html_raw(h, " aria-invalid=\"true\"");
    if (bad || has_hint) {
        cx_html_raw(h, " aria-describedby=\"");
        if (has_hint) cx_html_printf(h, "%s-%s-hint", form_id, key);
        if (bad) cx_html_printf(h, "%s%s-%s-error", has_hint ? " " : "", form_id, key);
        cx_html_raw(h, "\"");
    }
}

static void field_error(struct cx_html *h, const char *form_id, const struct form *f,
                        const char *key)
{
    if (!f || !f->failed || strcmp(f->field, key)) return;
    cx_html_printf(h, "<p class=\"error\" id=\"%s-%s-error\">", form_id, key);
    cx_html_esc(h, f->msg);
    cx_html_raw(h, "</p>");
}

/* <div><label>..</label><input ...> <small>hint</small> error</div> */
static void text_input(struct cx_html *h, const char *form_id, const struct form *f,
                       const char *key, const char *label, const char *type, const char *extra,
                       const char *hint)
{
    cx_html_printf(h, "<div class=\"field\"><label for=\"%s-%s\">", form_id, key);
    cx_html_esc(h, label);
    cx_html_printf(h, "</label> <input type=\"%s\"", type);
    input_attrs(h, form_id, f, key, 1, hint != NULL);
    if (extra) cx_html_printf(h, " %s", extra);
    cx_html_raw(h, ">");
    if (hint) {
        cx_html_printf(h, " <small id=\"%s-%s-hint\">", form_id, key);
        cx_html_esc(h, hint);
        cx_html_raw(h, "</small>");
    }
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

/* A select of values[i][0] with labels values[i][1]; the submitted value
 * (or dflt) selected. */
static void select_input(struct cx_html *h, const char *form_id, const struct form *f,
                         const char *key, const char *label, const char *const (*values)[2],
                         size_t n, const char *dflt)
{
    const char *cur = f && form_val(f, key) ? form_val(f, key) : dflt;
    cx_html_printf(h, "<div class=\"field\"><label for=\"%s-%s\">", form_id, key);
    cx_html_esc(h, label);
    cx_html_raw(h, "</label> <select");
    input_attrs(h, form_id, f, key, 0, 0);
    cx_html_raw(h, ">");
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, values[i][0]);
        cx_html_printf(h, "\"%s>", cur && !strcmp(cur, values[i][0]) ? " selected" : "");
        cx_html_esc(h, T_(values[i][1]));
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select>");
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

static void checkbox_input(struct cx_html *h, const char *form_id, const struct form *f,
                           const char *key, const char *label, int dflt)
{
    int on = f && f->failed ? form_val(f, key) != NULL : dflt;
    cx_html_raw(h, "<div class=\"field\"><input type=\"checkbox\" value=\"on\"");
    input_attrs(h, form_id, f, key, 0, 0);
    cx_html_printf(h, "%s> <label for=\"%s-%s\">", on ? " checked" : "", form_id, key);
    cx_html_esc(h, label);
    cx_html_raw(h, "</label>");
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

/* A notice after a redirect (?done=...): role=status. */
static void notice(struct cx_dash_req *d, struct cx_html *h, const char *key, const char *fmt)
{
    const char *v = param(d, key);
    if (!v) return;
    cx_html_raw(h, "<p class=\"notice\" role=\"status\">");
    put_textf(h, fmt, v);
    cx_html_raw(h, "</p>");
}

/* Redirects to base?key=id (URL-encoded). */
static void redirect_with(struct cx_dash_req *d, const char *base, const char *key, const char *id)
{
    struct cx_html u = {0};
    cx_html_printf(&u, "%s?%s=", base, key);
    cx_html_url(&u, id);
    cx_dash_redirect(d, u.oom ? base : u.p);
    cx_html_free(&u);
}

/* A delete/archive form: one select of ids and a button. */
static void pick_form(struct cx_dash_req *d, struct cx_html *h, const char *action_url,
                      const char *action, const char *form_id, const char *label,
                      const char *button, const char *const *ids, size_t n)
{
    if (!n) return;
    cx_html_printf(h, "<form method=\"post\" action=\"%s\" class=\"pick\">", action_url);
    cx_dash_csrf_field(d, h);
    cx_html_printf(h, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
    cx_html_printf(h, "<label for=\"%s-id\">", form_id);
    cx_html_esc(h, label);
    cx_html_printf(h, "</label> <select id=\"%s-id\" name=\"id\">", form_id);
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, ids[i]);
        cx_html_raw(h, "\">");
        cx_html_esc(h, ids[i]);
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select> <button type=\"submit\">");
    cx_html_esc(h, button);
    cx_html_raw(h, "</button></form>");
}

/* Runs op on the POSTed id through the writer, then redirects to
 * url?done_key=id. A missing or unknown id gets 404 with no_such; a store
 * error 500 with failed_fmt, a format with one %s for the store's message. */
static void pick_submit(struct cx_dash_req *d, enum def_op op, const char *url,
                        const char *done_key, const char *no_such, const char *failed_fmt)
{
    const char *id = cx_dash_field(d, "id");
    struct cx_err err = {{0}};
    struct def_job j = {op, id, NULL, NULL};
    int rc = id && *id ? submit_def(d, &j, &err) : CX_ENOTFOUND;
    if (rc == CX_ENOTFOUND)
        cx_dash_error(d, 404, "%s", no_such);
    else if (rc)
        cx_dash_error(d, 500, failed_fmt, err.msg);
    else
        redirect_with(d, url, done_key, id);
}

/* The start of a create form posting to url: the form's error summary, the
 * CSRF token and action=create. create_form_close() ends it. */
static void create_form_open(struct cx_dash_req *d, struct cx_html *h, const char *url,
                             const char *form_id, const struct form *f)
{
    cx_html_printf(h, "<form method=\"post\" action=\"%s\" class=\"create\" novalidate>", url);
    form_errors(h, form_id, f);
    cx_dash_csrf_field(d, h);
    cx_html_raw(h, "<input type=\"hidden\" name=\"action\" value=\"create\">");
}

static void create_form_close(struct cx_html *h, const char *button)
{
    put_wrap(h, "<p><button type=\"submit\">", button, "</button></p></form>");
}

/* ------------------------------------------------------------------ */
/* /surveys                                                            */

static const char *const survey_fields[] = {"id",    "name",     "kind", "scale",
                                            "style", "followup", NULL};

static const char *const kinds3[][2] = {
    {"nps", N_("NPS: how likely to recommend (0–10)")},
    {"csat", N_("CSAT: satisfaction")},
    {"ces", N_("CES: customer effort")},
};
static const char *const styles[][2] = {
    {"numbers", N_("Numbers")},
    {"stars", N_("Stars (CSAT)")},
    {"emoji", N_("Faces (CSAT)")},
    {"labels", N_("Five labels from very difficult to very easy (CES 1–5)")},
    {"agree", N_("Agreement, CES 2.0 (CES 1–7)")},
};

/* The form field a survey_json message names ("scale: ..." -> "scale"). */
static void survey_error(struct form *f, const char *msg)
{
    const char *c = strchr(msg, ':');
    for (size_t i = 0; c && survey_fields[i]; i++) {
        size_t n = strlen(survey_fields[i]);
        if ((size_t)(c - msg) == n && !strncmp(msg, survey_fields[i], n)) {
            const char *m = c + 1;
            while (*m == ' ') m++;
            form_fail(f, survey_fields[i], "%s", m);
            return;
        }
    }
    form_fail(f, "", "%s", msg);
}

static void surveys_render(struct cx_dash_req *d, struct form *f)
{
    struct cx_survey_row *rows = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (d->store->vt->survey_list(d->store, &rows, &n, &err)) {
        cx_dash_error(d, 500, F_("The surveys could not be read: %s"), err.msg);
        return;
    }
    const char *const hd[] = {T_("Id"),    T_("Name"),   T_("Kind"),
                              T_("Scale"), T_("Style"),  T_("Follow-up question"),
                              T_("State"), T_("Created")};
    struct cx_dash_table *tb = cx_dash_table_new("surveys", T_("Surveys"), 8, hd);
    const char **active = calloc(n ? n : 1, sizeof *active);
    size_t na = 0;
    for (size_t i = 0; tb && i < n; i++) {
        struct cx_survey *sv = NULL;
        struct cx_err e2 = {{0}};
        int ok = !cx_survey_from_json(rows[i].json, strlen(rows[i].json), &sv, &e2);
        char buf[64], day[40];
        if (rows[i].archived) cx_dash_table_row_class(tb, "archived");
        cx_dash_table_cell(tb, rows[i].id, NULL, NULL);
        cx_dash_table_cell(tb, ok && sv->name ? sv->name : "", NULL, NULL);
        cx_dash_table_cell(tb, ok ? cx_survey_kind_name(sv->kind) : "?", NULL, NULL);
        if (ok && sv->kind != CX_SURVEY_CUSTOM)
            snprintf(buf, sizeof buf, "%d–%d", sv->scale.min, sv->scale.max);
        else
            snprintf(buf, sizeof buf, "%s", ok ? F_("none") : "?");
        cx_dash_table_cell(tb, buf, NULL, NULL);
        cx_dash_table_cell(tb, ok ? cx_style_name(sv->style) : "?", NULL, NULL);
        cx_dash_table_cell(tb, !ok ? "?" : sv->followup ? T_("yes") : T_("no"), NULL, NULL);
        cx_dash_table_cell(tb, rows[i].archived ? T_("archived") : T_("active"), NULL, NULL);
        cx_dash_table_cell(tb, fmt_day(rows[i].created, day), NULL, NULL);
        if (!rows[i].archived && active) active[na++] = rows[i].id;
        cx_survey_free(sv);
    }
    if (!f && tb && cx_dash_table_export(d, tb)) goto out;

    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_("Surveys"), "surveys");
    notice(d, &h, "created", F_("Survey %s was created."));
    notice(d, &h, "archived", F_("Survey %s was archived."));
    if (n)
        cx_dash_table_render(d, &h, tb);
    else
        put_tag(&h, "p", T_("There are no surveys yet."));
    if (!d->user.admin) {
        put_tag(&h, "p", T_("Only administrators can create or archive surveys."));
    } else {
        if (na) {
            put_tag(&h, "h2", T_("Archive a survey"));
            put_tag(&h, "p",
                    T_("An archived survey keeps its answers but sends no new "
                       "invitations."));
            pick_form(d, &h, "/surveys", "archive", "archive", T_("Survey"), T_("Archive"), active,
                      na);
        }
        put_tag(&h, "h2", T_("Create a survey"));
        create_form_open(d, &h, "/surveys", "survey", f);
        text_input(&h, "survey", f, "id", T_("Id"), "text",
                   "required maxlength=\"64\" pattern=\"[a-z0-9_\\-]+\" autocomplete=\"off\"",
                   T_("1 to 64 characters: a–z, 0–9, _ and -. Cannot be changed later."));
        text_input(&h, "survey", f, "name", T_("Name"), "text", "required maxlength=\"200\"", NULL);
        select_input(&h, "survey", f, "kind", T_("Kind"), kinds3, 3, "nps");
        text_input(&h, "survey", f, "scale", T_("Scale"), "text",
                   "maxlength=\"8\" placeholder=\"1-5\"",
                   T_("MIN-MAX, e.g. 1-5; empty for the kind's usual scale (NPS 0-10, CSAT "
                      "1-5, CES 1-7)."));
        select_input(&h, "survey", f, "style", T_("How the answers look"), styles, 5, "numbers");
        checkbox_input(&h, "survey", f, "followup", T_("Ask an open follow-up question"), 1);
        create_form_close(&h, T_("Create survey"));
    }
    cx_dash_end(d, &h);
    if (f && f->failed) set_status(d, 422);
out:
    free(active);
    cx_dash_table_free(tb);
    cx_survey_rows_free(rows, n);
}

/* Validates the create form, builds the definition JSON that `cxpulse
 * survey create` accepts and stores it. Returns 0, or -1 with f failed. */
static int survey_create(struct cx_dash_req *d, struct form *f)
{
    const char *id = form_val(f, "id"), *name = form_val(f, "name");
    const char *kind = form_val(f, "kind"), *scale = form_val(f, "scale");
    const char *style = form_val(f, "style");
    if (!id) return form_fail(f, "id", F_("enter an id"));
    if (!valid_id(id)) return form_fail(f, "id", F_("use 1 to 64 characters: a–z, 0–9, _ and -"));
    if (!name) return form_fail(f, "name", F_("enter a name"));
    if (!cx_utf8_valid(name, strlen(name), NULL))
        return form_fail(f, "name", F_("must be valid UTF-8 text"));
    if (!kind || (strcmp(kind, "nps") && strcmp(kind, "csat") && strcmp(kind, "ces")))
        return form_fail(f, "kind", F_("choose nps, csat or ces"));
    if (scale && !cx_utf8_valid(scale, strlen(scale), NULL))
        return form_fail(f, "scale", F_("write the scale as MIN-MAX, e.g. 1-5"));
    if (style && !cx_utf8_valid(style, strlen(style), NULL))
        return form_fail(f, "style", F_("choose one of the styles"));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "kind", json_string(kind));
    if (scale) json_object_set_new(o, "scale", json_string(scale));
    if (style) json_object_set_new(o, "style", json_string(style));
    json_object_set_new(o, "followup", json_boolean(form_val(f, "followup") != NULL));
    char *in = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!in) return form_fail(f, "", F_("out of memory"));
    struct cx_survey *sv = NULL;
    struct cx_err err = {{0}};
    int rc = cx_survey_from_json(in, strlen(in), &sv, &err);
    free(in);
    if (rc) {
        survey_error(f, err.msg);
        return -1;
    }
    char *json = cx_survey_to_json(sv);
    cx_survey_free(sv);
    if (!json) return form_fail(f, "", F_("out of memory"));
    struct def_job j = {OP_SURVEY_CREATE, id, json, NULL};
    rc = submit_def(d, &j, &err);
    free(json);
    if (rc == CX_EEXIST) return form_fail(f, "id", F_("a survey with this id already exists"));
    if (rc) return form_fail(f, "", F_("the survey was not stored: %s"), err.msg);
    return 0;
}

void cx_dash_page_surveys(struct cx_dash_req *d)
{
    if (strcmp(d->req->method, "POST")) {
        surveys_render(d, NULL);
        return;
    }
    if (!cx_dash_post_ok(d, 1)) return;
    const char *action = cx_dash_field(d, "action");
    if (action && !strcmp(action, "archive")) {
        pick_submit(d, OP_SURVEY_ARCHIVE, "/surveys", "archived", T_("There is no such survey."),
                    F_("The survey was not archived: %s"));
        return;
    }
    struct form f;
    form_read(d, &f, survey_fields);
    if (survey_create(d, &f))
        surveys_render(d, &f);
    else
        redirect_with(d, "/surveys", "created", form_val(&f, "id"));
}

/* ------------------------------------------------------------------ */
/* /triggers and /alerts                                               */

/* The "not available" page when the store cannot keep triggers/alerts
 * (kept 0): 1 when it was sent. */
static int defs_missing(struct cx_dash_req *d, int kept, const char *title, const char *nav)
{
    if (kept) return 0;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, title, nav);
    put_tag(&h, "p", T_("Not available yet: this store cannot keep them."));
    cx_dash_end(d, &h);
    return 1;
}

/* A string member of a JSON object, "" when absent. */
static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void jnum(json_t *o, const char *key, char *buf, size_t cap)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_number(v))
        snprintf(buf, cap, "%g", json_number_value(v));
    else
        buf[0] = 0;
}

/* Parses a number field within [lo, hi]; integral when want_int. */
static int num_field(struct form *f, const char *key, double lo, double hi, int want_int,
                     double dflt, double *out)
{
    const char *v = form_val(f, key);
    if (!v) {
        *out = dflt;
        if (isnan(dflt)) return form_fail(f, key, F_("enter a number"));
        return 0;
    }
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || x > hi || (want_int && x != floor(x)))
        return want_int ? form_fail(f, key, F_("enter a whole number from %g to %g"), lo, hi)
                        : form_fail(f, key, F_("enter a number from %g to %g"), lo, hi);
    *out = x;
    return 0;
}

/* 1 when s is 1-128 bytes of letters, digits and . _ : - */
static int valid_word(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 128) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || strchr("._:-", s[i]))) return 0;
    return 1;
}

static int def_exists(const struct cx_def_row *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].id, id)) return 1;
    return 0;
}

#define DEF_MAX_COLS 12

/* A definition page: /triggers or /alerts. The two share their flow (list
 * table, delete form, create form, storing through the writer); this says
 * what differs. UI text is whole English phrases, translated where shown
 * (N_ marks them); *_fmt members are printf formats with one %s. */
struct def_page {
    const char *slug;           /* "triggers": nav item, table id and export key */
    const char *url;            /* "/triggers" */
    const char *form_id;        /* "trigger": the create form's id prefix */
    const char *const *fields;  /* the create form's POSTed fields, NULL-ended */
    const char *title, *intro;  /* intro: a paragraph under the title, or NULL */
    const char *const *headers; /* ncols of them, at most DEF_MAX_COLS */
    int ncols;
    const char *created_fmt, *deleted_fmt; /* "Trigger %s was created." */
    const char *none, *admins_only;        /* "There are no triggers yet." */
    const char *delete_title, *pick_label; /* "Delete a trigger", "Trigger" */
    const char *create_title, *create_button;
    const char *exists;          /* "a trigger with this id exists" */
    const char *read_failed_fmt; /* "The triggers could not be read: %s" */
    const char *no_such;         /* "There is no such trigger." */
    const char *not_deleted_fmt, *not_stored_fmt;
    /* 1 when a new definition gets a signing secret, shown once on the
     * answer to the create POST instead of a redirect */
    int signs;
    enum def_op put_op, delete_op;
    /* 1 when the store can keep this kind of definition */
    int (*kept)(const struct cx_store_vt *vt);
    int (*list)(struct cx_store *s, struct cx_def_row **rows, size_t *n, struct cx_err *err);
    /* Appends the table cells of row r, whose JSON is o (NULL when bad). */
    void (*row)(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o);
    /* Appends the create form (def_form_open, its fields, create_form_close)
     * or a paragraph saying why it cannot be shown. */
    void (*create_form)(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                        const struct form *f);
    /* Validates the form's fields other than the id and adds them to the
     * definition o. 0, or -1 with f failed. */
    int (*build)(struct cx_dash_req *d, struct form *f, json_t *o);
};

/* The start of p's create form, up to and including its id field. */
static void def_form_open(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                          const struct form *f)
{
    create_form_open(d, h, p->url, p->form_id, f);
    text_input(h, p->form_id, f, "id", T_("Id"), "text",
               "required maxlength=\"64\" autocomplete=\"off\"",
               T_("1 to 64 characters: a–z, 0–9, _ and -."));
}

/* Validates the create form, builds the definition and stores it through
 * the writer; for p->signs with a new signing secret, which *secret (65
 * bytes) receives. 0, or -1 with f failed. */
static int def_create(struct cx_dash_req *d, const struct def_page *p, struct form *f,
                      const struct cx_def_row *rows, size_t n, char *secret)
{
    const char *id = form_val(f, "id");
    if (!valid_id(id)) return form_fail(f, "id", F_("use 1 to 64 characters: a–z, 0–9, _ and -"));
    if (def_exists(rows, n, id)) return form_fail(f, "id", "%s", T_(p->exists));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    if (p->build(d, f, o)) {
        json_decref(o);
        return -1;
    }
    char *json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!json) return form_fail(f, "", F_("out of memory"));
    if (p->signs) {
        unsigned char key[32];
        randombytes_buf(key, sizeof key);
        sodium_bin2hex(secret, 65, key, sizeof key);
        sodium_memzero(key, sizeof key);
    }
    struct cx_err err = {{0}};
    struct def_job j = {p->put_op, id, json, p->signs ? secret : NULL};
    int rc = submit_def(d, &j, &err);
    free(json);
    return rc ? form_fail(f, "", tf(p->not_stored_fmt), err.msg) : 0;
}

/* The notice for a definition just created with a signing secret. */
static void secret_notice(struct cx_html *h, const struct def_page *p, const char *id,
                          const char *secret)
{
    cx_html_raw(h, "<div class=\"notice\" role=\"status\"><p>");
    put_textf(h, tf(p->created_fmt), id);
    cx_html_raw(h, "</p><p>");
    cx_html_esc(h, T_("Its webhooks are signed with this secret. Copy it now: it is not "
                      "shown again."));
    cx_html_raw(h, "</p><p><code>");
    cx_html_esc(h, secret);
    cx_html_raw(h, "</code></p></div>");
}

/* Renders p's page (or its table as CSV): the definitions rows[n], the
 * create form f (NULL before a POST), and for created a secret_notice. */
static void def_render(struct cx_dash_req *d, const struct def_page *p, const struct form *f,
                       const struct cx_def_row *rows, size_t n, const char *created,
                       const char *secret)
{
    const char *hd[DEF_MAX_COLS];
    for (int i = 0; i < p->ncols && i < DEF_MAX_COLS; i++) hd[i] = T_(p->headers[i]);
    struct cx_dash_table *tb = cx_dash_table_new(p->slug, T_(p->title), p->ncols, hd);
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; tb && i < n; i++) {
        json_t *o = json_loads(rows[i].json, 0, NULL);
        cx_dash_table_cell(tb, rows[i].id, NULL, NULL);
        p->row(tb, &rows[i], o);
        if (ids) ids[i] = rows[i].id;
        json_decref(o);
    }
    if (!f && !created && tb && cx_dash_table_export(d, tb)) goto out;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_(p->title), p->slug);
    if (p->intro) put_tag(&h, "p", T_(p->intro));
    if (created)
        secret_notice(&h, p, created, secret);
    else if (!p->signs)
        notice(d, &h, "created", tf(p->created_fmt));
    notice(d, &h, "deleted", tf(p->deleted_fmt));
    if (n)
        cx_dash_table_render(d, &h, tb);
    else
        put_tag(&h, "p", T_(p->none));
    if (!d->user.admin) {
        put_tag(&h, "p", T_(p->admins_only));
    } else {
        if (n && ids) {
            put_tag(&h, "h2", T_(p->delete_title));
            pick_form(d, &h, p->url, "delete", "delete", T_(p->pick_label), T_("Delete"), ids, n);
        }
        put_tag(&h, "h2", T_(p->create_title));
        p->create_form(d, &h, p, f);
    }
    cx_dash_end(d, &h);
    if (f && f->failed) set_status(d, 422);
out:
    free(ids);
    cx_dash_table_free(tb);
}

/* Serves p's page: GET shows it, POST action=delete deletes a definition,
 * any other POST creates one. */
static void def_page(struct cx_dash_req *d, const struct def_page *p)
{
    if (defs_missing(d, p->kept(d->store->vt), T_(p->title), p->slug)) return;
    int post = !strcmp(d->req->method, "POST");
    if (post && !cx_dash_post_ok(d, 1)) return;
    struct cx_def_row *rows = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (p->list(d->store, &rows, &n, &err)) {
        cx_dash_error(d, 500, tf(p->read_failed_fmt), err.msg);
        return;
    }
    const char *action = post ? cx_dash_field(d, "action") : NULL;
    if (!post) {
        def_render(d, p, NULL, rows, n, NULL, NULL);
    } else if (action && !strcmp(action, "delete")) {
        pick_submit(d, p->delete_op, p->url, "deleted", T_(p->no_such), tf(p->not_deleted_fmt));
    } else {
        struct form f;
        char secret[65] = "";
        form_read(d, &f, p->fields);
        if (def_create(d, p, &f, rows, n, secret)) {
            def_render(d, p, &f, rows, n, NULL, NULL);
        } else if (!p->signs) {
            redirect_with(d, p->url, "created", form_val(&f, "id"));
        } else {
            /* the secret is shown once, on this answer to the POST */
            cx_def_rows_free(rows, n);
            rows = NULL;
            n = 0;
            if (p->list(d->store, &rows, &n, &err)) n = 0;
            def_render(d, p, NULL, rows, n, form_val(&f, "id"), secret);
            sodium_memzero(secret, sizeof secret);
        }
    }
    cx_def_rows_free(rows, n);
}

/* ---- /triggers ---- */

static const char *const trigger_fields[] = {
    "id",      "event_type",    "match_attr",     "match_value", "survey",
    "channel", "delay_minutes", "sample_percent", "enabled",     NULL};

static const char *const chans[][2] = {
    {"email", N_("Email")}, {"whatsapp", N_("WhatsApp")}, {"sms", N_("SMS")}};

static int triggers_kept(const struct cx_store_vt *vt)
{
    return vt->trigger_list && vt->trigger_put && vt->trigger_delete;
}

static int triggers_list(struct cx_store *s, struct cx_def_row **rows, size_t *n,
                         struct cx_err *err)
{
    return s->vt->trigger_list(s, rows, n, err);
}

static int trigger_build(struct cx_dash_req *d, struct form *f, json_t *o)
{
    const char *type = form_val(f, "event_type");
    const char *ma = form_val(f, "match_attr"), *mv = form_val(f, "match_value");
    const char *survey = form_val(f, "survey"), *ch = form_val(f, "channel");
    double delay, sample;
    if (!valid_word(type))
        return form_fail(f, "event_type",
                         F_("enter an event type such as ticket.closed (letters, digits, . _ : "
                            "-)"));
    if (ma && !valid_word(ma))
        return form_fail(f, "match_attr",
                         F_("enter an attribute name (letters, digits, . _ : -) or leave both "
                            "match fields empty"));
    if (!ma && mv) return form_fail(f, "match_attr", F_("enter the attribute the value is for"));
    if (ma && !mv) return form_fail(f, "match_value", F_("enter the value to match"));
    if (mv && (strlen(mv) > 256 || !cx_utf8_valid(mv, strlen(mv), NULL)))
        return form_fail(f, "match_value", F_("use at most 256 bytes of text"));
    struct cx_survey_row sr;
    struct cx_err err = {{0}};
    if (!survey) return form_fail(f, "survey", F_("choose a survey"));
    int rc = d->store->vt->survey_get(d->store, survey, &sr, &err);
    if (rc == CX_ENOTFOUND) return form_fail(f, "survey", F_("there is no such survey"));
    if (rc) return form_fail(f, "", "%s", err.msg);
    free(sr.json);
    if (sr.archived) return form_fail(f, "survey", F_("the survey is archived"));
    if (!ch || (strcmp(ch, "email") && strcmp(ch, "whatsapp") && strcmp(ch, "sms")))
        return form_fail(f, "channel", F_("choose email, whatsapp or sms"));
    if (num_field(f, "delay_minutes", 0, 43200, 1, 0, &delay) ||
        num_field(f, "sample_percent", 1, 100, 0, 100, &sample))
        return -1;
    json_t *m = json_object();
    json_object_set_new(o, "event_type", json_string(type));
    if (ma) json_object_set_new(m, ma, json_string(mv));
    json_object_set_new(o, "match", m);
    json_object_set_new(o, "survey", json_string(survey));
    json_object_set_new(o, "channel", json_string(ch));
    json_object_set_new(o, "delay_minutes", json_integer((json_int_t)delay));
    json_object_set_new(o, "sample_percent",
                        sample == floor(sample) ? json_integer((json_int_t)sample)
                                                : json_real(sample));
    json_object_set_new(o, "enabled", json_boolean(form_val(f, "enabled") != NULL));
    return 0;
}

static void trigger_row(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o)
{
    char buf[600], day[40];
    cx_dash_table_cell(tb, jstr(o, "event_type"), NULL, NULL);
    const char *k;
    json_t *v;
    size_t off = 0;
    buf[0] = 0;
    json_object_foreach(json_object_get(o, "match"), k, v)
    {
        if (off < sizeof buf)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s = %s", off ? ", " : "", k,
                                    json_is_string(v) ? json_string_value(v) : "?");
    }
    cx_dash_table_cell(tb, buf[0] ? buf : T_("every event of the type"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "survey"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "channel"), NULL, NULL);
    jnum(o, "delay_minutes", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    jnum(o, "sample_percent", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    json_t *en = json_object_get(o, "enabled");
    cx_dash_table_cell(tb, en && !json_is_true(en) ? T_("no") : T_("yes"), NULL, NULL);
    cx_dash_table_cell(tb, fmt_day(r->created, day), NULL, NULL);
}

/* The create form, whose survey is one of the active surveys. */
static void trigger_form(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                         const struct form *f)
{
    struct cx_survey_row *sv = NULL;
    size_t ns = 0;
    struct cx_err err = {{0}};
    if (d->store->vt->survey_list(d->store, &sv, &ns, &err)) ns = 0;
    const char *(*opts)[2] = calloc(ns ? ns : 1, sizeof *opts);
    size_t no = 0;
    for (size_t i = 0; opts && i < ns; i++)
        if (!sv[i].archived) {
            opts[no][0] = sv[i].id;
            opts[no][1] = sv[i].id;
            no++;
        }
    if (!no) {
        put_tag(h, "p",
                T_("Create a survey first: a trigger sends one of the active "
                   "surveys."));
    } else {
        def_form_open(d, h, p, f);
        text_input(h, "trigger", f, "event_type", T_("Event type"), "text",
                   "required maxlength=\"128\" placeholder=\"ticket.closed\"", NULL);
        put_wrap(h, "<fieldset><legend>", T_("Only events with this attribute value (optional)"),
                 "</legend>");
        text_input(h, "trigger", f, "match_attr", T_("Attribute"), "text",
                   "maxlength=\"128\" placeholder=\"product\"", NULL);
        text_input(h, "trigger", f, "match_value", T_("Value"), "text", "maxlength=\"256\"", NULL);
        cx_html_raw(h, "</fieldset>");
        select_input(h, "trigger", f, "survey", T_("Survey"), (const char *const(*)[2])opts, no,
                     NULL);
        select_input(h, "trigger", f, "channel", T_("Channel"), chans, 3, "email");
        text_input(h, "trigger", f, "delay_minutes", T_("Delay in minutes"), "number",
                   "min=\"0\" max=\"43200\" step=\"1\" placeholder=\"0\"", NULL);
        text_input(h, "trigger", f, "sample_percent", T_("Share of events to survey (%)"), "number",
                   "min=\"1\" max=\"100\" step=\"any\" placeholder=\"100\"", NULL);
        checkbox_input(h, "trigger", f, "enabled", T_("Enabled"), 1);
        create_form_close(h, T_(p->create_button));
    }
    free(opts);
    cx_survey_rows_free(sv, ns);
}

static const char *const trigger_headers[] = {
    N_("Id"),         N_("Event type"), N_("Only when"),
    N_("Survey"),     N_("Channel"),    N_("Delay (minutes)"),
    N_("Sample (%)"), N_("Enabled"),    N_("Created"),
};

static const struct def_page triggers_page = {
    .slug = "triggers",
    .url = "/triggers",
    .form_id = "trigger",
    .fields = trigger_fields,
    .title = N_("Triggers"),
    .intro = N_("A trigger sends a survey when an event of its type arrives, after a "
                "delay, to a sample of the customers."),
    .headers = trigger_headers,
    .ncols = sizeof trigger_headers / sizeof trigger_headers[0],
    .created_fmt = N_("Trigger %s was created."),
    .deleted_fmt = N_("Trigger %s was deleted."),
    .none = N_("There are no triggers yet."),
    .admins_only = N_("Only administrators can change triggers."),
    .delete_title = N_("Delete a trigger"),
    .pick_label = N_("Trigger"),
    .create_title = N_("Create a trigger"),
    .create_button = N_("Create trigger"),
    .exists = N_("a trigger with this id exists"),
    .read_failed_fmt = N_("The triggers could not be read: %s"),
    .no_such = N_("There is no such trigger."),
    .not_deleted_fmt = N_("The trigger was not deleted: %s"),
    .not_stored_fmt = N_("the trigger was not stored: %s"),
    .signs = 0,
    .put_op = OP_TRIGGER_PUT,
    .delete_op = OP_TRIGGER_DELETE,
    .kept = triggers_kept,
    .list = triggers_list,
    .row = trigger_row,
    .create_form = trigger_form,
    .build = trigger_build,
};

void cx_dash_page_triggers(struct cx_dash_req *d)
{
    def_page(d, &triggers_page);
}

/* ---- /alerts ---- */

static const char *const alert_fields[] = {"id",          "kind",  "metric", "threshold",
                                           "webhook_url", "email", NULL};

static const char *const alert_kinds[][2] = {
    {"low_score", N_("A response scores at or below the threshold")},
    {"metric_drop", N_("The metric falls by the threshold or more")},
};
static const char *const alert_metrics[][2] = {
    {"nps", N_("NPS")}, {"csat", N_("CSAT")}, {"ces", N_("CES")}};

static int alerts_kept(const struct cx_store_vt *vt)
{
    return vt->alert_list && vt->alert_put && vt->alert_delete;
}

static int alerts_list(struct cx_store *s, struct cx_def_row **rows, size_t *n, struct cx_err *err)
{
    return s->vt->alert_list(s, rows, n, err);
}

static int alert_build(struct cx_dash_req *d, struct form *f, json_t *o)
{
    const char *kind = form_val(f, "kind");
    const char *metric = form_val(f, "metric"), *url = form_val(f, "webhook_url");
    const char *email = form_val(f, "email");
    double thr;
    if (!kind || (strcmp(kind, "low_score") && strcmp(kind, "metric_drop")))
        return form_fail(f, "kind", F_("choose low_score or metric_drop"));
    if (!metric || (strcmp(metric, "nps") && strcmp(metric, "csat") && strcmp(metric, "ces")))
        return form_fail(f, "metric", F_("choose nps, csat or ces"));
    if (num_field(f, "threshold", -200, 200, 0, NAN, &thr)) return -1;
    if (url && ((strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) || strlen(url) > 2000 ||
                strpbrk(url, " \t\r\n\"<>")))
        return form_fail(f, "webhook_url",
                         F_("enter a URL that starts with https:// (at most 2000 characters)"));
    if (email) {
        const char *at = strchr(email, '@');
        if (!at || at == email || !at[1] || strchr(at + 1, '@') || strlen(email) > 320 ||
            strpbrk(email, " \t\r\n\"<>,;"))
            return form_fail(f, "email", F_("enter one email address, like name@example.com"));
    }
    if (!url && !email)
        return form_fail(f, "webhook_url", F_("enter a webhook URL, an email address or both"));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "metric", json_string(metric));
    json_object_set_new(o, "threshold",
                        thr == floor(thr) ? json_integer((json_int_t)thr) : json_real(thr));
    if (url) json_object_set_new(o, "webhook_url", json_string(url));
    if (email) json_object_set_new(o, "email", json_string(email));
    return 0;
}

static void alert_row(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o)
{
    char buf[64], day[40];
    const char *k = jstr(o, "kind");
    cx_dash_table_cell(tb,
                       !strcmp(k, "low_score")     ? T_("a low score")
                       : !strcmp(k, "metric_drop") ? T_("a metric drop")
                                                   : k,
                       NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "metric"), NULL, NULL);
    jnum(o, "threshold", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    cx_dash_table_cell(tb, jstr(o, "webhook_url"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "email"), NULL, NULL);
    cx_dash_table_cell(tb, r->last_fired ? fmt_day(r->last_fired, day) : T_("never"), NULL, NULL);
    cx_dash_table_cell(tb, fmt_day(r->created, day), NULL, NULL);
}

static void alert_form(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                       const struct form *f)
{
    def_form_open(d, h, p, f);
    select_input(h, "alert", f, "kind", T_("Alert when"), alert_kinds, 2, "low_score");
    select_input(h, "alert", f, "metric", T_("Metric"), alert_metrics, 3, "nps");
    text_input(h, "alert", f, "threshold", T_("Threshold"), "number", "required step=\"any\"",
               T_("A score on the metric's scale for low scores; points of the metric "
                  "for drops."));
    text_input(h, "alert", f, "webhook_url", T_("Webhook URL"), "url",
               "maxlength=\"2000\" placeholder=\"https://\"", NULL);
    text_input(h, "alert", f, "email", T_("Email address"), "email", "maxlength=\"320\"",
               T_("Give a webhook URL, an email address or both."));
    create_form_close(h, T_(p->create_button));
}

static const char *const alert_headers[] = {N_("Id"),         N_("When"),    N_("Metric"),
                                            N_("Threshold"),  N_("Webhook"), N_("Email"),
                                            N_("Last fired"), N_("Created")};

static const struct def_page alerts_page = {
    .slug = "alerts",
    .url = "/alerts",
    .form_id = "alert",
    .fields = alert_fields,
    .title = N_("Alerts"),
    .intro = NULL,
    .headers = alert_headers,
    .ncols = sizeof alert_headers / sizeof alert_headers[0],
    .created_fmt = N_("Alert %s was created."),
    .deleted_fmt = N_("Alert %s was deleted."),
    .none = N_("There are no alerts yet."),
    .admins_only = N_("Only administrators can change alerts."),
    .delete_title = N_("Delete an alert"),
    .pick_label = N_("Alert"),
    .create_title = N_("Create an alert"),
    .create_button = N_("Create alert"),
    .exists = N_("an alert with this id exists"),
    .read_failed_fmt = N_("The alerts could not be read: %s"),
    .no_such = N_("There is no such alert."),
    .not_deleted_fmt = N_("The alert was not deleted: %s"),
    .not_stored_fmt = N_("the alert was not stored: %s"),
    .signs = 1,
    .put_op = OP_ALERT_PUT,
    .delete_op = OP_ALERT_DELETE,
    .kept = alerts_kept,
    .list = alerts_list,
    .row = alert_row,
    .create_form = alert_form,
    .build = alert_build,
};

void cx_dash_page_alerts(struct cx_dash_req *d)
{
    def_page(d, &alerts_page);
}
