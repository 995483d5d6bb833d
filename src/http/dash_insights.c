/* dash_insights.c - the dashboard's insight pages: frequent issues
 * (/issues) and drivers (/drivers).
 *
 * Both are slow over a large store (topic mining takes about 13 s per
 * million texts, drivers seconds), so both read a bounded amount of data and
 * keep their results per filter for a few minutes in a small shared cache
 * (http/dash_memo.h); the page says so, and a view not ready yet is
 * rendered in the background while the page says it is being computed. */
#include "http/dash_ui.h"

#define ISSUES_MAX_TEXTS 20000 /* most recent texts read per period */
#define ISSUES_TTL_MS (5 * 60 * 1000)
#define DRIVERS_TTL_MS (10 * 60 * 1000)

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
