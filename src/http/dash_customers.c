/* dash_customers.c - the dashboard's customer pages: search by id prefix
 * (/customers) and one customer's journey across channels
 * (/customers/ID), drops marked with what came before them. */
#include "http/dash_ui.h"

#define SEARCH_LIMIT 50       /* customer ids listed per search */
#define JOURNEY_MAX_ROWS 1000 /* most recent timeline entries shown */
#define JOURNEY_MAX_POINTS 200

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
