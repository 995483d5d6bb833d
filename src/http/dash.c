/* dash.c - the dashboard's edge: routing, login and sessions, CSRF, the
 * page frame, filters, tables with CSV export and the style sheet. Pages
 * live in dash_pages.c, dash_insights.c, dash_customers.c and dash_defs.c
 * and see only struct cx_dash_req (dash_int.h).
 *
 * Sessions: the cookie cxsid holds 64 random hex digits; the store keeps a
 * hash of it, the user and a CSRF token, for 12 hours. Every POST carries
 * that token in the field "csrf" (the login form uses a short-lived cookie
 * of its own, double-submit). A viewer's POST is refused before any page
 * runs; logout deletes the session. */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/attrs.h"
#include "core/time.h"
#include "engine/report.h"
#include "http/dash_int.h"
#include "http/dash_memo.h"
#include "io/form.h"
#include "util/tz.h"

#define T(s) cx_dash_t(s)
#define SESSION_TTL (12 * 3600)
#define LOGIN_FAILS 5          /* failed logins per name and window */
#define LOGIN_WINDOW (15 * 60) /* seconds */
#define DEFAULT_DAYS 90

/* ---- the style sheet ---- */

/* Okabe-Ito accents; text contrast >= 7:1 on white, links >= 4.5:1; works
 * from 360 px wide; visible focus; low scores marked by a label as well as
 * a tint. */
static const char dash_css[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "color:#1a1a1a;background:#f6f7f9}"
    "a{color:#0b57d0}a:hover{text-decoration-thickness:2px}"
    ":focus-visible{outline:3px solid #0b57d0;outline-offset:2px}"
    ".skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:9}"
    ".skip:focus{left:.5rem}"
    "header{background:#102a43;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;"
    "align-items:center;gap:.5rem 1.5rem}"
    "header .brand{font-weight:700;font-size:1.1rem}"
    "header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}"
    "header nav a{color:#fff;text-decoration:none;padding:.2rem 0;display:inline-block}"
    "header nav a[aria-current=page]{border-bottom:3px solid #e69f00;font-weight:600}"
    "header nav a:hover{text-decoration:underline}"
    "header :focus-visible{outline-color:#fff}"
    ".who{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:.9rem}"
    ".who button{background:transparent;color:#fff;border:1px solid #fff;border-radius:4px;"
    "padding:.15rem .6rem;font:inherit;cursor:pointer}"
    "main{max-width:72rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}"
    "footer{max-width:72rem;margin:2rem auto;padding:0 1rem;color:#4a4f57;font-size:.85rem}"
    "form.filters{background:#fff;border:1px solid #c8ccd2;border-radius:8px;padding:.75rem;"
    "display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin-bottom:1rem}"
    "form.filters div{display:flex;flex-direction:column;min-width:8.5rem;flex:1 1 8.5rem}"
    "label{font-size:.85rem;font-weight:600}"
    "input,select,textarea,button{font:inherit;color:#1a1a1a}"
    "input,select,textarea{border:1px solid #6b7280;border-radius:4px;padding:.3rem .4rem;"
    "background:#fff;max-width:100%}"
    "button{background:#0b57d0;color:#fff;border:0;border-radius:4px;padding:.4rem .9rem;"
    "cursor:pointer}"
    "button.secondary{background:#fff;color:#0b57d0;border:1px solid #0b57d0}"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}"
    ".tile{background:#fff;border:1px solid #c8ccd2;border-radius:8px;padding:1rem}"
    ".tile h2{margin:0 0 .25rem;font-size:1rem}"
    ".big{font-size:2rem;font-weight:700;line-height:1.2}"
    ".ci,.muted{color:#4a4f57;font-size:.9rem}"
    ".up{color:#005a8c}.down{color:#a33d00}"
    ".note{background:#fff8e1;border-left:4px solid #e69f00;padding:.5rem .75rem;margin:.5rem 0}"
    ".err{background:#fdecea;border-left:4px solid #a33d00;padding:.5rem .75rem}"
    ".ok{background:#e6f4ea;border-left:4px solid #009e73;padding:.5rem .75rem}"
    ".tw{overflow-x:auto;background:#fff;border:1px solid #c8ccd2;border-radius:8px}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "caption{text-align:left;font-weight:600;padding:.5rem .75rem}"
    "th,td{padding:.35rem .75rem;border-top:1px solid #e2e5e9;text-align:left;vertical-align:top}"
    "thead th{background:#eef1f4;border-top:0}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.low td{background:#fff4e5}"
    ".tag{display:inline-block;font-size:.75rem;font-weight:700;border:1px solid #a33d00;"
    "color:#a33d00;border-radius:3px;padding:0 .3rem;margin-left:.3rem}"
    ".export{margin:.4rem 0 1.2rem;font-size:.9rem}"
    ".chart{background:#fff;border:1px solid #c8ccd2;border-radius:8px;padding:.5rem;margin:.5rem "
    "0}"
    ".chart svg{display:block;max-width:100%;height:auto}"
    ".tabs{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}"
    ".inline{display:inline}"
    ".act{display:flex;flex-wrap:wrap;gap:.3rem;align-items:flex-start}"
    ".act textarea{width:14rem;min-height:2.2rem}"
    ".login{max-width:24rem;margin:3rem auto;background:#fff;border:1px solid #c8ccd2;"
    "border-radius:8px;padding:1.5rem}"
    ".login div{display:flex;flex-direction:column;margin-bottom:.75rem}"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "white-space:nowrap}"
    "@media (max-width:40rem){main{padding:.5rem}.big{font-size:1.6rem}.who{margin-left:0}}";

/* ---- per-request state kept outside struct cx_dash_req ---- */

static _Thread_local struct cx_form tl_form;
static _Thread_local int tl_form_state; /* 0 unparsed, 1 parsed, -1 bad */

static void form_reset(void)
{
    if (tl_form_state == 1) cx_form_free(&tl_form);
    memset(&tl_form, 0, sizeof tl_form);
    tl_form_state = 0;
}

const char *cx_dash_field(struct cx_dash_req *d, const char *key)
{
    if (tl_form_state == 0) {
        const struct cx_http_req *r = d->req;
        const char *ct = r->content_type ? r->content_type : "";
        if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) || r->body_too_large ||
            cx_form_parse(r->body ? r->body : "", r->body_len, &tl_form))
            tl_form_state = -1;
        else
            tl_form_state = 1;
    }
    return tl_form_state == 1 ? cx_form_get(&tl_form, key) : NULL;
}

const char *cx_dash_param(const struct cx_dash_req *d, const char *key)
{
    return cx_api_param(d->req, key);
}

/* ---- responses ---- */

static void send_html(struct cx_dash_req *d, int status, struct cx_html *h)
{
    size_t len = 0;
    char *body = cx_html_take(h, &len);
    if (!body) {
        cx_api_send_error(d->resp, 500, "page too large or out of memory");
        return;
    }
    cx_api_send_body(d->resp, status, "text/html; charset=utf-8", body, len);
}

static int secure_request(const struct cx_http_req *r)
{
    const char *p = cx_http_header(r, "X-Forwarded-Proto");
    return r->tls || (p && !strcasecmp(p, "https"));
}

static void set_cookie(struct cx_dash_req *d, int slot, const char *name, const char *val,
                       const char *path, const char *samesite, int max_age)
{
    snprintf(d->resp->set_cookie[slot], sizeof d->resp->set_cookie[slot],
             "%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=%s%s", name, val, path, max_age,
             samesite, secure_request(d->req) ? "; Secure" : "");
}

void cx_dash_redirect(struct cx_dash_req *d, const char *url)
{
    /* only local paths: never "//host" or a scheme */
    if (!url || url[0] != '/' || url[1] == '/' || url[1] == '\\' || strpbrk(url, "\r\n") ||
        strlen(url) >= sizeof d->resp->location)
        url = "/";
    snprintf(d->resp->location, sizeof d->resp->location, "%s", url);
    char *body = strdup("See Other\n");
    cx_api_send_body(d->resp, 303, "text/plain; charset=utf-8", body, body ? strlen(body) : 0);
}

static void head_refresh(struct cx_html *h, const char *title, int refresh_s)
{
    cx_html_printf(h, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
                   cx_dash_lang_code());
    if (refresh_s > 0) cx_html_printf(h, "<meta http-equiv=\"refresh\" content=\"%d\">", refresh_s);
    cx_html_raw(h, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                   "<meta name=\"referrer\" content=\"same-origin\"><title>");
    cx_html_esc(h, title);
    cx_html_raw(h, " · cxpulse</title><link rel=\"stylesheet\" href=\"/dash.css\"></head><body>");
}

static void head(struct cx_html *h, const char *title)
{
    head_refresh(h, title, 0);
}

void cx_dash_error(struct cx_dash_req *d, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct cx_html h = {0};
    const char *title = status == 403   ? T("Not allowed")
                        : status == 404 ? T("Not found")
                        : status >= 500 ? T("Something went wrong")
                                        : T("Bad request");
    if (d->user.id) {
        cx_dash_begin(d, &h, title, "");
    } else {
        head(&h, title);
        cx_html_printf(&h, "<main id=\"main\"><h1>");
        cx_html_esc(&h, title);
        cx_html_raw(&h, "</h1>");
    }
    cx_html_raw(&h, "<p class=\"err\">");
    cx_html_esc(&h, msg);
    cx_html_printf(&h, "</p><p><a href=\"/\">%s</a></p></main>", T("Back to the overview"));
    cx_html_raw(&h, "</body></html>\n");
    form_reset();
    send_html(d, status, &h);
}

void cx_dash_note(struct cx_html *h, const char *text)
{
    cx_html_raw(h, "<p class=\"note\">");
    cx_html_esc(h, text);
    cx_html_raw(h, "</p>");
}

/* ---- writes ---- */

int cx_dash_write(struct cx_dash_req *d,
                  int (*fn)(struct cx_store *s, void *arg, struct cx_err *err), void *arg,
                  struct cx_err *err)
{
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_CALL;
    job.fn = fn;
    job.arg = arg;
    struct cx_writer *w = cx_api_writer(d->api);
    if (!w) return cx_fail(err, CX_EIO, "this server cannot write");
    int rc = cx_writer_submit(w, &job);
    if (rc) {
        if (err) *err = job.err;
        if (!job.err.msg[0]) cx_fail(err, rc, "%s", cx_strerror(rc));
    }
    return rc;
}

/* ---- filters ---- */

static int copy_param(const struct cx_dash_req *d, const char *key, char *dst, size_t cap)
{
    const char *v = cx_dash_param(d, key);
    if (!v) return 0;
    if (strlen(v) >= cap) return -1;
    snprintf(dst, cap, "%s", v);
    return 0;
}

static void day_str(int64_t day, char *out, size_t cap)
{
    int64_t y;
    int m, dd;
    cx_civil_from_days(day, &y, &m, &dd);
    snprintf(out, cap, "%04lld-%02d-%02d", (long long)y, m, dd);
}

static int parse_day(const char *s, int64_t *day)
{
    const char *why = NULL;
    return s[0] && strlen(s) == 10 && cx_date_parse(s, strlen(s), day, &why) == 0;
}

/* Reads the filters; fills the default period. Returns 0 or -1 with msg. */
static int parse_filters(struct cx_dash_req *d, char *msg, size_t cap)
{
    struct cx_dash_filter *f = &d->f;
    memset(f, 0, sizeof *f);
    static const struct {
        const char *key;
        size_t off, cap;
    } keys[] = {
#define K(k, m) {k, offsetof(struct cx_dash_filter, m), sizeof((struct cx_dash_filter *)0)->m}
        K("from", from),
        K("to", to),
        K("grain", grain),
        K("channel", channel),
        K("touchpoint", touchpoint),
        K("attr", attr_key),
        K("val", attr_val),
        K("by", by),
        K("metric", metric),
        K("q", q),
#undef K
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (copy_param(d, keys[i].key, (char *)f + keys[i].off, keys[i].cap)) {
            snprintf(msg, cap, "%s: %s", T("parameter too long"), keys[i].key);
            return -1;
        }
    if (d->req->query_overflow) {
        snprintf(msg, cap, "%s", T("too many query parameters"));
        return -1;
    }
    int64_t d0 = 0, d1 = 0;
    if (f->from[0] && !parse_day(f->from, &d0)) {
        snprintf(msg, cap, "%s", T("'from' must be a date (YYYY-MM-DD)"));
        return -1;
    }
    if (f->to[0] && !parse_day(f->to, &d1)) {
        snprintf(msg, cap, "%s", T("'to' must be a date (YYYY-MM-DD)"));
        return -1;
    }
    if (!f->to[0]) {
        struct cx_err err = {{0}};
        if (d->store->vt->latest_day(d->store, &d1, &err)) d1 = (int64_t)(time(NULL) / 86400);
        if (f->from[0] && d1 < d0) d1 = d0 + DEFAULT_DAYS - 1;
        day_str(d1, f->to, sizeof f->to);
    }
    if (!f->from[0]) {
        d0 = d1 - (DEFAULT_DAYS - 1);
        day_str(d0, f->from, sizeof f->from);
    }
    if (d1 < d0) {
        snprintf(msg, cap, "%s", T("'from' must not be after 'to'"));
        return -1;
    }
    if (d1 - d0 > 366 * 20) {
        snprintf(msg, cap, "%s", T("the period is longer than 20 years"));
        return -1;
    }
    if (f->grain[0] && strcmp(f->grain, "day") && strcmp(f->grain, "week") &&
        strcmp(f->grain, "month")) {
        snprintf(msg, cap, "%s", T("'grain' must be day, week or month"));
        return -1;
    }
    if (f->attr_val[0] && !f->attr_key[0]) {
        snprintf(msg, cap, "%s", T("an attribute value needs an attribute name"));
        return -1;
    }
    for (const char *p = f->attr_key; *p; p++)
        if (*p == '=') {
            snprintf(msg, cap, "%s", T("an attribute name cannot hold '='"));
            return -1;
        }
    return 0;
}

void cx_dash_period(const struct cx_dash_req *d, int64_t *day0, int64_t *day1, int64_t *t0,
                    int64_t *t1)
{
    int64_t a = 0, b = 0;
    parse_day(d->f.from, &a);
    parse_day(d->f.to, &b);
    if (day0) *day0 = a;
    if (day1) *day1 = b;
    struct cx_tz *tz = NULL;
    struct cx_err err = {{0}};
    if (cx_tz_open(d->store->rollup_tz, &tz, &err)) tz = NULL;
    if (t0) *t0 = tz ? cx_tz_day_start(tz, a) : a * 86400;
    if (t1) *t1 = tz ? cx_tz_day_start(tz, b + 1) : (b + 1) * 86400;
    cx_tz_free(tz);
}

static void put_kv(struct cx_html *h, int *first, const char *k, const char *v)
{
    if (!v || !v[0]) return;
    if (!*first) cx_html_raw(h, "&");
    *first = 0;
    cx_html_raw(h, k);
    cx_html_raw(h, "=");
    cx_html_url(h, v);
}

void cx_dash_filter_query(const struct cx_dash_filter *f, struct cx_html *h)
{
    int first = 1;
    put_kv(h, &first, "from", f->from);
    put_kv(h, &first, "to", f->to);
    put_kv(h, &first, "channel", f->channel);
    put_kv(h, &first, "touchpoint", f->touchpoint);
    put_kv(h, &first, "attr", f->attr_key);
    put_kv(h, &first, "val", f->attr_val);
}

int cx_dash_query_filter(const struct cx_dash_filter *f, const char *tz, struct cx_query *q,
                         struct cx_err *err)
{
    free(q->from);
    free(q->to);
    free(q->tz);
    q->from = strdup(f->from);
    q->to = strdup(f->to);
    q->tz = strdup(tz);
    if (!q->from || !q->to || !q->tz) return cx_fail(err, CX_ENOMEM, "out of memory");
    char kv[512];
    int rc = CX_OK;
    if (f->channel[0]) {
        snprintf(kv, sizeof kv, "channel=%s", f->channel);
        rc = cx_query_add_where(q, kv, err);
    }
    if (!rc && f->touchpoint[0]) {
        snprintf(kv, sizeof kv, "touchpoint=%s", f->touchpoint);
        rc = cx_query_add_where(q, kv, err);
    }
    if (!rc && f->attr_key[0]) {
        snprintf(kv, sizeof kv, "%s=%s", f->attr_key, f->attr_val);
        rc = cx_query_add_where(q, kv, err);
    }
    return rc;
}

int cx_dash_apply_query(struct cx_dash_req *d, struct cx_query *q, struct cx_err *err)
{
    return cx_dash_query_filter(&d->f, d->store->rollup_tz, q, err);
}

void cx_dash_apply_scan(struct cx_dash_req *d, struct cx_scan_filter *sf)
{
    int64_t t0, t1;
    cx_dash_period(d, NULL, NULL, &t0, &t1);
    sf->has_from = sf->has_to = 1;
    sf->from.sec = t0;
    sf->from.nsec = 0;
    sf->to.sec = t1;
    sf->to.nsec = 0;
    sf->channel = d->f.channel[0] ? d->f.channel : NULL;
    sf->touchpoint = d->f.touchpoint[0] ? d->f.touchpoint : NULL;
}

int cx_dash_attr_match(const struct cx_dash_req *d, const unsigned char *attrs, size_t len)
{
    if (!d->f.attr_key[0]) return 1;
    const char *v;
    size_t vl;
    int r = cx_attrs_find(attrs, len, d->f.attr_key, strlen(d->f.attr_key), &v, &vl);
    if (r != 1) return !d->f.attr_val[0] && r == 0;
    return vl == strlen(d->f.attr_val) && !memcmp(v, d->f.attr_val, vl);
}

int cx_dash_is_low(int scale_idx, int score)
{
    /* store.h: nps 0-6; csat 1-3 -> 1, 1-5 -> 1-2, 1-7 -> 1-2, 1-10 -> 1-3;
     * ces 1-5 -> 1-2, 1-7 -> 1-3, 1-10 -> 1-3 */
    static const int top[CX_NSCALES] = {6, 1, 2, 2, 3, 2, 3, 3};
    return scale_idx >= 0 && scale_idx < CX_NSCALES && score <= top[scale_idx];
}

void cx_dash_self_url(const struct cx_dash_req *d, struct cx_html *h)
{
    /* cx_html_url encodes '/', which a path needs as it is */
    struct cx_html p = {0};
    for (const char *s = d->path; *s; s++) {
        if (*s == '/')
            cx_html_put(&p, "/", 1);
        else {
            char one[2] = {*s, 0};
            cx_html_url(&p, one);
        }
    }
    int first = 1;
    for (size_t i = 0; i < d->req->nquery; i++) {
        const char *k = d->req->query[i].key;
        if (!k || !strcmp(k, "export")) continue;
        cx_html_raw(&p, first ? "?" : "&");
        first = 0;
        cx_html_url(&p, k);
        cx_html_raw(&p, "=");
        cx_html_url(&p, d->req->query[i].val ? d->req->query[i].val : "");
    }
    cx_html_esc(h, p.oom ? "/" : p.p ? p.p : d->path);
    cx_html_free(&p);
}

/* ---- frame ---- */

struct nav_item {
    const char *id, *path, *label;
    int admin_only;
};

static const struct nav_item nav[] = {
    {"overview", "/", "Overview", 0},
    {"trends", "/trends", "Trends", 0},
    {"effort", "/effort", "Effort map", 0},
    {"operations", "/operations", "Operations", 0},
    {"issues", "/issues", "Issues", 0},
    {"drivers", "/drivers", "Drivers", 0},
    {"customers", "/customers", "Customers", 0},
    {"responses", "/responses", "Responses", 0},
    {"followup", "/followup", "Follow-up", 0},
    {"surveys", "/surveys", "Surveys", 0},
    {"triggers", "/triggers", "Triggers", 0},
    {"alerts", "/alerts", "Alerts", 0},
    {"settings", "/settings", "Settings", 1},
};

void cx_dash_csrf_field(struct cx_dash_req *d, struct cx_html *h)
{
    cx_html_raw(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    cx_html_esc(h, d->csrf);
    cx_html_raw(h, "\">");
}

void cx_dash_begin(struct cx_dash_req *d, struct cx_html *h, const char *title, const char *nav_id)
{
    head_refresh(h, title, d->refresh_s);
    cx_html_printf(h,
                   "<a class=\"skip\" href=\"#main\">%s</a><header><div class=\"brand\">cxpulse"
                   "</div><nav aria-label=\"%s\"><ul>",
                   T("Skip to content"), T("Main"));
    struct cx_html fq = {0};
    cx_dash_filter_query(&d->f, &fq);
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (nav[i].admin_only && !d->user.admin) continue;
        cx_html_printf(h, "<li><a href=\"%s", nav[i].path);
        if (fq.len && strcmp(nav[i].id, "settings")) {
            cx_html_raw(h, "?");
            cx_html_esc(h, fq.p);
        }
        cx_html_raw(h, "\"");
        if (nav_id && !strcmp(nav_id, nav[i].id)) cx_html_raw(h, " aria-current=\"page\"");
        cx_html_printf(h, ">%s</a></li>", T(nav[i].label));
    }
    cx_html_free(&fq);
    cx_html_raw(h, "</ul></nav><form class=\"who\" method=\"post\" action=\"/logout\"><span>");
    cx_html_esc(h, d->user.name);
    cx_html_printf(h, " (%s)</span>", d->user.admin ? T("admin") : T("viewer"));
    cx_dash_csrf_field(d, h);
    cx_html_printf(h, "<button type=\"submit\">%s</button></form></header><main id=\"main\"><h1>",
                   T("Log out"));
    cx_html_esc(h, title);
    cx_html_raw(h, "</h1>");
}

void cx_dash_end(struct cx_dash_req *d, struct cx_html *h)
{
    cx_html_printf(h, "</main><footer><p>%s ", T("Period"));
    cx_html_esc(h, d->f.from);
    cx_html_raw(h, " – ");
    cx_html_esc(h, d->f.to);
    cx_html_printf(h, " (%s ", T("days in the zone"));
    cx_html_esc(h, d->store->rollup_tz);
    cx_html_printf(
        h, "). %s</p></footer></body></html>\n",
        T("Intervals are 95 % intervals; changes are marked significant when p < 0.05."));
    send_html(d, 200, h);
}

static void input(struct cx_html *h, const char *id, const char *label, const char *type,
                  const char *val, const char *list)
{
    cx_html_printf(h,
                   "<div><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" type=\"%s\"",
                   id, label, id, id, type);
    if (list) cx_html_printf(h, " list=\"%s\"", list);
    cx_html_raw(h, " value=\"");
    cx_html_esc(h, val);
    cx_html_raw(h, "\"></div>");
}

static void hidden(struct cx_html *h, const char *name, const char *val)
{
    if (!val || !val[0]) return;
    cx_html_printf(h, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    cx_html_esc(h, val);
    cx_html_raw(h, "\">");
}

static void select_of(struct cx_html *h, const char *id, const char *label, const char *cur,
                      const char *const *vals, const char *const *labels, size_t n)
{
    cx_html_printf(h, "<div><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">", id,
                   label, id, id);
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, vals[i]);
        cx_html_raw(h, "\"");
        if (!strcmp(cur, vals[i])) cx_html_raw(h, " selected");
        cx_html_raw(h, ">");
        cx_html_esc(h, labels[i]);
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select></div>");
}

/* Known channels and touchpoints of the period, from one rollup read. */
struct dims {
    char *ch[64], *tp[64];
    size_t nch, ntp;
};

static void dims_add(char **arr, size_t *n, const char *v)
{
    if (!v || !v[0] || *n >= 64) return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(arr[i], v)) return;
    char *c = strdup(v);
    if (c) arr[(*n)++] = c;
}

static int dims_cb(void *ctx, const struct cx_rollup_row *r)
{
    struct dims *dm = ctx;
    dims_add(dm->ch, &dm->nch, r->channel);
    dims_add(dm->tp, &dm->ntp, r->touchpoint);
    return 0;
}

static void datalist(struct cx_html *h, const char *id, char **v, size_t n)
{
    cx_html_printf(h, "<datalist id=\"%s\">", id);
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, v[i]);
        cx_html_raw(h, "\"></option>");
        free(v[i]);
    }
    cx_html_raw(h, "</datalist>");
}

void cx_dash_filters(struct cx_dash_req *d, struct cx_html *h, unsigned which)
{
    const struct cx_dash_filter *f = &d->f;
    cx_html_printf(h, "<form class=\"filters\" method=\"get\" action=\"");
    cx_html_esc(h, d->path);
    cx_html_printf(h, "\" role=\"search\" aria-label=\"%s\">", T("Filters"));
    if (which & CX_DF_PERIOD) {
        input(h, "from", T("From"), "date", f->from, NULL);
        input(h, "to", T("To"), "date", f->to, NULL);
    } else {
        hidden(h, "from", f->from);
        hidden(h, "to", f->to);
    }
    if (which & (CX_DF_CHANNEL | CX_DF_TOUCHPOINT)) {
        struct dims dm = {{0}, {0}, 0, 0};
        int64_t d0, d1;
        cx_dash_period(d, &d0, &d1, NULL, NULL);
        struct cx_err err = {{0}};
        d->store->vt->scan_rollup(d->store, 4, d0, d1 + 1, dims_cb, &dm, &err);
        if (which & CX_DF_CHANNEL) input(h, "channel", T("Channel"), "text", f->channel, "dl-ch");
        if (which & CX_DF_TOUCHPOINT)
            input(h, "touchpoint", T("Touchpoint"), "text", f->touchpoint, "dl-tp");
        datalist(h, "dl-ch", dm.ch, dm.nch);
        datalist(h, "dl-tp", dm.tp, dm.ntp);
    }
    if (!(which & CX_DF_CHANNEL)) hidden(h, "channel", f->channel);
    if (!(which & CX_DF_TOUCHPOINT)) hidden(h, "touchpoint", f->touchpoint);
    if (which & CX_DF_ATTR) {
        input(h, "attr", T("Attribute"), "text", f->attr_key, NULL);
        input(h, "val", T("Attribute value"), "text", f->attr_val, NULL);
    } else {
        hidden(h, "attr", f->attr_key);
        hidden(h, "val", f->attr_val);
    }
    if (which & CX_DF_GRAIN) {
        static const char *const g[] = {"day", "week", "month"};
        const char *gl[] = {T("Day"), T("Week"), T("Month")};
        select_of(h, "grain", T("Time step"), f->grain[0] ? f->grain : "week", g, gl, 3);
    } else {
        hidden(h, "grain", f->grain);
    }
    if (which & CX_DF_METRIC) {
        const char *mv[CX_M_COUNT];
        for (int i = 0; i < CX_M_COUNT; i++) mv[i] = cx_metric_name((enum cx_metric)i);
        select_of(h, "metric", T("Metric"), f->metric[0] ? f->metric : "nps", mv, mv, CX_M_COUNT);
    } else {
        hidden(h, "metric", f->metric);
    }
    if (which & CX_DF_BY)
        input(h, "by", T("Split by (channel, touchpoint or attribute)"), "text", f->by, NULL);
    else
        hidden(h, "by", f->by);
    if (which & CX_DF_SEARCH)
        input(h, "q", T("Search"), "search", f->q, NULL);
    else
        hidden(h, "q", f->q);
    cx_html_printf(h, "<div><button type=\"submit\">%s</button></div></form>", T("Apply"));
}

/* ---- forms ---- */

static int csrf_ok(struct cx_dash_req *d)
{
    const char *t = cx_dash_field(d, "csrf");
    return t && d->csrf[0] && strlen(t) == strlen(d->csrf) &&
           sodium_memcmp(t, d->csrf, strlen(d->csrf)) == 0;
}

int cx_dash_post_ok(struct cx_dash_req *d, int need_admin)
{
    if (!csrf_ok(d)) {
        cx_dash_error(
            d, 403, "%s",
            T("The form expired or came from another site: reload the page and try again."));
        return 0;
    }
    /* a viewer can change nothing, so every change needs an admin */
    (void)need_admin;
    if (!d->user.admin) {
        cx_dash_error(d, 403, "%s", T("A viewer can look but not change anything."));
        return 0;
    }
    return 1;
}

/* ---- tables ---- */

struct cell {
    char *text, *cls, *href;
};

struct cx_dash_table {
    char id[64];
    char *caption;
    int ncols;
    char **headers;
    struct cell *cells;
    size_t n, cap;
    char **rowcls;
    size_t rcap;
    int oom;
};

struct cx_dash_table *cx_dash_table_new(const char *id, const char *caption, int ncols,
                                        const char *const *headers)
{
    if (ncols <= 0) return NULL;
    struct cx_dash_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    snprintf(t->id, sizeof t->id, "%s", id);
    t->caption = strdup(caption ? caption : "");
    t->ncols = ncols;
    t->headers = calloc((size_t)ncols, sizeof *t->headers);
    if (!t->caption || !t->headers) {
        cx_dash_table_free(t);
        return NULL;
    }
    for (int i = 0; i < ncols; i++)
        if (!(t->headers[i] = strdup(headers[i] ? headers[i] : ""))) t->oom = 1;
    return t;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void cx_dash_table_cell(struct cx_dash_table *t, const char *text, const char *cls,
                        const char *href)
{
    if (!t || t->oom) return;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        struct cell *c = realloc(t->cells, nc * sizeof *c);
        if (!c) {
            t->oom = 1;
            return;
        }
        t->cells = c;
        t->cap = nc;
    }
    struct cell *c = &t->cells[t->n];
    c->text = strdup(text ? text : "");
    c->cls = dup_or_null(cls);
    c->href = dup_or_null(href);
    t->n++;
    if (!c->text || (cls && !c->cls) || (href && !c->href)) t->oom = 1;
}

void cx_dash_table_row_class(struct cx_dash_table *t, const char *cls)
{
    if (!t || t->oom) return;
    size_t row = t->n / (size_t)t->ncols;
    if (row >= t->rcap) {
        size_t nc = t->rcap ? t->rcap * 2 : 64;
        while (nc <= row) nc *= 2;
        char **r = realloc(t->rowcls, nc * sizeof *r);
        if (!r) {
            t->oom = 1;
            return;
        }
        memset(r + t->rcap, 0, (nc - t->rcap) * sizeof *r);
        t->rowcls = r;
        t->rcap = nc;
    }
    free(t->rowcls[row]);
    t->rowcls[row] = dup_or_null(cls);
}

static size_t table_rows(const struct cx_dash_table *t)
{
    return (t->n + (size_t)t->ncols - 1) / (size_t)t->ncols;
}

int cx_dash_table_export(struct cx_dash_req *d, struct cx_dash_table *t)
{
    const char *e = cx_dash_param(d, "export");
    if (!t || !e || strcmp(e, t->id)) return 0;
    if (t->oom) {
        cx_dash_error(d, 500, "%s", T("out of memory"));
        return 1;
    }
    struct cx_html h = {0};
    for (int i = 0; i < t->ncols; i++) {
        if (i) cx_html_raw(&h, ",");
        cx_html_csv(&h, t->headers[i]);
    }
    cx_html_raw(&h, "\r\n");
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        for (int i = 0; i < t->ncols; i++) {
            size_t k = r * (size_t)t->ncols + (size_t)i;
            if (i) cx_html_raw(&h, ",");
            if (k < t->n) cx_html_csv(&h, t->cells[k].text);
        }
        cx_html_raw(&h, "\r\n");
    }
    size_t len = 0;
    char *body = cx_html_take(&h, &len);
    if (!body) {
        cx_dash_error(d, 500, "%s", T("export too large"));
        return 1;
    }
    cx_api_send_body(d->resp, 200, "text/csv; charset=utf-8", body, len);
    snprintf(d->resp->disposition, sizeof d->resp->disposition,
             "attachment; filename=\"cxpulse-%s-%s-%s.csv\"", t->id, d->f.from, d->f.to);
    return 1;
}

void cx_dash_table_render(struct cx_dash_req *d, struct cx_html *h, struct cx_dash_table *t)
{
    if (!t) return;
    cx_html_printf(h,
                   "<div class=\"tw\" role=\"region\" tabindex=\"0\" aria-labelledby=\"cap-%s\">"
                   "<table id=\"t-%s\"><caption id=\"cap-%s\">",
                   t->id, t->id, t->id);
    cx_html_esc(h, t->caption);
    cx_html_raw(h, "</caption><thead><tr>");
    for (int i = 0; i < t->ncols; i++) {
        cx_html_raw(h, "<th scope=\"col\">");
        cx_html_esc(h, t->headers[i]);
        cx_html_raw(h, "</th>");
    }
    cx_html_raw(h, "</tr></thead><tbody>");
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        cx_html_raw(h, "<tr");
        if (r < t->rcap && t->rowcls[r]) {
            cx_html_raw(h, " class=\"");
            cx_html_esc(h, t->rowcls[r]);
            cx_html_raw(h, "\"");
        }
        cx_html_raw(h, ">");
        for (int i = 0; i < t->ncols; i++) {
            size_t k = r * (size_t)t->ncols + (size_t)i;
            const struct cell *c = k < t->n ? &t->cells[k] : NULL;
            cx_html_raw(h, "<td");
            if (c && c->cls) {
                cx_html_raw(h, " class=\"");
                cx_html_esc(h, c->cls);
                cx_html_raw(h, "\"");
            }
            cx_html_raw(h, ">");
            if (c && c->href) {
                cx_html_raw(h, "<a href=\"");
                cx_html_esc(h, c->href);
                cx_html_raw(h, "\">");
            }
            if (c) cx_html_esc(h, c->text);
            if (c && c->href) cx_html_raw(h, "</a>");
            cx_html_raw(h, "</td>");
        }
        cx_html_raw(h, "</tr>");
    }
    cx_html_raw(h, "</tbody></table></div>");
    if (!rows) cx_html_printf(h, "<p class=\"muted\">%s</p>", T("No rows for this filter."));
    cx_html_raw(h, "<p class=\"export\"><a href=\"");
    struct cx_html self = {0};
    cx_dash_self_url(d, &self);
    cx_html_raw(h, self.p ? self.p : "/");
    cx_html_raw(h, self.p && strchr(self.p, '?') ? "&amp;export=" : "?export=");
    cx_html_free(&self);
    cx_html_url(h, t->id);
    cx_html_printf(h, "\">%s<span class=\"vh\"> ", T("Export CSV"));
    cx_html_esc(h, t->caption);
    cx_html_printf(h, "</span></a> <span class=\"muted\">(%zu %s)</span></p>", rows, T("rows"));
}

void cx_dash_table_free(struct cx_dash_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->cells[i].text);
        free(t->cells[i].cls);
        free(t->cells[i].href);
    }
    for (size_t i = 0; i < t->rcap; i++) free(t->rowcls[i]);
    for (int i = 0; t->headers && i < t->ncols; i++) free(t->headers[i]);
    free(t->headers);
    free(t->cells);
    free(t->rowcls);
    free(t->caption);
    free(t);
}

/* ---- login rate limit ---- */

#define RL_SLOTS 256
static struct {
    uint64_t key;
    int fails;
    int64_t start;
} rl[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t rl_key(const char *name)
{
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)name, strlen(name), NULL, 0);
    uint64_t k;
    memcpy(&k, h, sizeof k);
    return k ? k : 1;
}

/* Seconds until name may try again (0 = now). */
static int rl_wait(const char *name, int64_t now)
{
    uint64_t k = rl_key(name);
    int wait = 0;
    pthread_mutex_lock(&rl_mu);
    size_t i = k % RL_SLOTS;
    if (rl[i].key == k && rl[i].fails >= LOGIN_FAILS && now - rl[i].start < LOGIN_WINDOW)
        wait = (int)(LOGIN_WINDOW - (now - rl[i].start));
    pthread_mutex_unlock(&rl_mu);
    return wait;
}

static void rl_record(const char *name, int64_t now, int ok)
{
    uint64_t k = rl_key(name);
    pthread_mutex_lock(&rl_mu);
    size_t i = k % RL_SLOTS;
    if (ok) {
        if (rl[i].key == k) rl[i].fails = 0;
    } else if (rl[i].key != k || now - rl[i].start >= LOGIN_WINDOW) {
        rl[i].key = k;
        rl[i].fails = 1;
        rl[i].start = now;
    } else {
        rl[i].fails++;
    }
    pthread_mutex_unlock(&rl_mu);
}

/* ---- login / logout ---- */

/* The value of cookie name in the Cookie header into out (hex only), or
 * "" when absent or malformed. */
static void cookie(const struct cx_http_req *r, const char *name, char *out, size_t cap)
{
    out[0] = 0;
    const char *c = cx_http_header(r, "Cookie");
    size_t nl = strlen(name);
    while (c && *c) {
        while (*c == ' ' || *c == ';') c++;
        if (!strncmp(c, name, nl) && c[nl] == '=') {
            const char *v = c + nl + 1;
            size_t n = strcspn(v, "; ");
            if (n >= cap) return;
            for (size_t i = 0; i < n; i++)
                if (!strchr("0123456789abcdef", v[i]) || !v[i]) return;
            memcpy(out, v, n);
            out[n] = 0;
            return;
        }
        c = strchr(c, ';');
    }
}

static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strpbrk(next, "\r\n") ||
        strlen(next) > 900 || !strncmp(next, "/login", 6) || !strncmp(next, "/logout", 7))
        return "/";
    return next;
}

static void login_page(struct cx_dash_req *d, int status, const char *msg, const char *next,
                       const char *name)
{
    /* the form's token is the cxlogin cookie's value (double submit): a
     * browser that already holds one keeps it, so a second login page (a
     * favicon or another tab redirected here) does not void the first form */
    char tok[40];
    cookie(d->req, "cxlogin", tok, sizeof tok);
    size_t tl = strlen(tok);
    int ok = tl == 32;
    for (size_t i = 0; ok && i < tl; i++) ok = isxdigit((unsigned char)tok[i]) != 0;
    if (!ok) {
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(tok, 33, raw, sizeof raw);
    }
    set_cookie(d, 1, "cxlogin", tok, "/login", "Strict", 3600);
    struct cx_html h = {0};
    head(&h, T("Sign in"));
    cx_html_printf(&h, "<main id=\"main\" class=\"login\"><h1>%s</h1>", T("Sign in to cxpulse"));
    if (msg) {
        cx_html_raw(&h, "<p class=\"err\" role=\"alert\">");
        cx_html_esc(&h, msg);
        cx_html_raw(&h, "</p>");
    }
    cx_html_printf(&h,
                   "<form method=\"post\" action=\"/login\"><div><label for=\"name\">%s</label>"
                   "<input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"",
                   T("User name"));
    cx_html_esc(&h, name ? name : "");
    cx_html_printf(&h,
                   "\"></div><div><label for=\"password\">%s</label><input id=\"password\" "
                   "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                   "required></div><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
                   T("Password"), tok);
    hidden(&h, "next", next);
    cx_html_printf(&h, "<button type=\"submit\">%s</button></form></main></body></html>\n",
                   T("Sign in"));
    send_html(d, status, &h);
}

struct sess_job {
    int64_t user, now;
    char token[65], csrf[65];
};

static int job_session(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct sess_job *j = arg;
    return s->vt->session_create(s, j->user, j->now, SESSION_TTL, j->token, j->csrf, err);
}

static int job_logout(struct cx_store *s, void *arg, struct cx_err *err)
{
    return s->vt->session_delete(s, arg, err);
}

static void handle_login(struct cx_dash_req *d)
{
    int64_t now = (int64_t)time(NULL);
    if (strcmp(d->req->method, "POST")) {
        login_page(d, 200, NULL, safe_next(cx_dash_param(d, "next")), NULL);
        return;
    }
    const char *next = safe_next(cx_dash_field(d, "next"));
    char ck[40];
    cookie(d->req, "cxlogin", ck, sizeof ck);
    const char *t = cx_dash_field(d, "csrf");
    if (!ck[0] || !t || strlen(t) != strlen(ck) || sodium_memcmp(t, ck, strlen(ck))) {
        login_page(d, 403, T("The sign-in form expired: please try again."), next, NULL);
        return;
    }
    const char *name = cx_dash_field(d, "name");
    const char *pw = cx_dash_field(d, "password");
    if (!name || !pw || !name[0] || strlen(name) > 128) {
        login_page(d, 400, T("Enter your user name and password."), next, NULL);
        return;
    }
    int wait = rl_wait(name, now);
    if (wait) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s (%d min)", T("Too many failed sign-ins: try again later"),
                 (wait + 59) / 60);
        login_page(d, 429, msg, next, name);
        d->resp->retry_after = wait;
        return;
    }
    struct cx_user u;
    struct cx_err err = {{0}};
    int rc = d->store->vt->user_check(d->store, name, pw, &u, &err);
    if (rc == CX_ENOTFOUND) {
        rl_record(name, now, 0);
        login_page(d, 401, T("Wrong user name or password."), next, name);
        return;
    }
    if (rc) {
        cx_dash_error(d, 503, "%s", err.msg);
        return;
    }
    rl_record(name, now, 1);
    struct sess_job j;
    memset(&j, 0, sizeof j);
    j.user = u.id;
    j.now = now;
    if (cx_dash_write(d, job_session, &j, &err)) {
        cx_dash_error(d, 503, "%s: %s", T("Could not start a session"), err.msg);
        return;
    }
    set_cookie(d, 0, "cxsid", j.token, "/", "Lax", SESSION_TTL);
    set_cookie(d, 1, "cxlogin", "", "/login", "Strict", 0);
    sodium_memzero(&j, sizeof j);
    cx_dash_redirect(d, next);
}

static void handle_logout(struct cx_dash_req *d, const char *token)
{
    if (!csrf_ok(d)) {
        cx_dash_error(
            d, 403, "%s",
            T("The form expired or came from another site: reload the page and try again."));
        return;
    }
    struct cx_err err = {{0}};
    if (cx_dash_write(d, job_logout, (void *)token, &err)) {
        cx_dash_error(d, 503, "%s", err.msg);
        return;
    }
    set_cookie(d, 0, "cxsid", "", "/", "Lax", 0);
    cx_dash_redirect(d, "/login");
}

/* ---- routing ---- */

struct route {
    const char *path;
    void (*page)(struct cx_dash_req *d);
    int prefix; /* also PATH/... */
};

static const struct route routes[] = {
    {"/", cx_dash_page_overview, 0},           {"/trends", cx_dash_page_trends, 0},
    {"/effort", cx_dash_page_effort, 0},       {"/operations", cx_dash_page_operations, 0},
    {"/responses", cx_dash_page_responses, 0}, {"/followup", cx_dash_page_followup, 0},
    {"/settings", cx_dash_page_settings, 0},   {"/issues", cx_dash_page_issues, 0},
    {"/drivers", cx_dash_page_drivers, 0},     {"/customers", cx_dash_page_customers, 1},
    {"/surveys", cx_dash_page_surveys, 0},     {"/triggers", cx_dash_page_triggers, 0},
    {"/alerts", cx_dash_page_alerts, 0},
};

static const struct route *find_route(const char *path)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t n = strlen(routes[i].path);
        if (!strcmp(path, routes[i].path)) return &routes[i];
        if (routes[i].prefix && !strncmp(path, routes[i].path, n) && path[n] == '/')
            return &routes[i];
    }
    return NULL;
}

static void login_redirect(struct cx_dash_req *d)
{
    struct cx_html u = {0};
    cx_html_raw(&u, "/login?next=");
    struct cx_html self = {0};
    /* the unescaped self URL: path and query, then percent-encoded */
    cx_html_raw(&self, d->path);
    for (size_t i = 0; i < d->req->nquery; i++) {
        cx_html_raw(&self, i ? "&" : "?");
        cx_html_url(&self, d->req->query[i].key);
        cx_html_raw(&self, "=");
        cx_html_url(&self, d->req->query[i].val);
    }
    cx_html_url(&u, self.p && !self.oom && self.len < 700 ? self.p : "/");
    cx_dash_redirect(d, u.oom || !u.p ? "/login" : u.p);
    cx_html_free(&u);
    cx_html_free(&self);
}

/* ---- warm-up ---- */

/* A view to render in the background: its path and query. */
struct warm_item {
    char path[512];
    size_t n;
    char *key[CX_API_MAX_QUERY], *val[CX_API_MAX_QUERY];
    struct warm_item *next;
};

struct cx_dash_warmer {
    struct cx_api *api;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping;
    unsigned every_s;
    struct warm_item *queue;
    size_t queued;
};

static void item_free(struct warm_item *it)
{
    for (size_t i = 0; it && i < it->n; i++) {
        free(it->key[i]);
        free(it->val[i]);
    }
    free(it);
}

static int same_item(const struct warm_item *a, const struct warm_item *b)
{
    if (strcmp(a->path, b->path) || a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->key[i], b->key[i]) || strcmp(a->val[i], b->val[i])) return 0;
    return 1;
}

/* Renders one view on the warmer's thread (a viewer without a session). */
static void render(struct cx_api *api, const char *path, const struct warm_item *it)
{
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.path = path;
    req.warmup = 1;
    for (size_t i = 0; it && i < it->n; i++) {
        req.query[i].key = it->key[i];
        req.query[i].val = it->val[i];
    }
    req.nquery = it ? it->n : 0;
    struct cx_http_resp resp;
    memset(&resp, 0, sizeof resp); /* cx_api_handle does this for the others */
    cx_dash_handle(api, &req, &resp);
    if (resp.status != 200)
        fprintf(stderr, "cxpulse: dashboard background render of %s: status %d\n", path,
                resp.status);
    cx_http_resp_clear(&resp);
}

/* The default views whose data takes seconds at scale. */
static const char *const warm_paths[] = {"/operations", "/issues", "/drivers"};

static int64_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

/* Renders the default views now and every every_s seconds, and in between
 * whatever views pages asked for (cx_dash_render_later). */
static void *warm_main(void *arg)
{
    struct cx_dash_warmer *w = arg;
    cx_memo_refreshing = 1;
    int64_t next = 0;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->stopping && !w->queue && mono_s() < next) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        }
        if (w->stopping) break;
        struct warm_item *it = w->queue;
        if (it) {
            w->queue = it->next;
            w->queued--;
        }
        pthread_mutex_unlock(&w->mu);
        if (it) {
            render(w->api, it->path, it);
            item_free(it);
        } else {
            for (size_t i = 0; i < sizeof warm_paths / sizeof *warm_paths; i++)
                render(w->api, warm_paths[i], NULL);
            next = mono_s() + (int64_t)w->every_s;
        }
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int cx_dash_render_later(struct cx_dash_req *d)
{
    struct cx_dash_warmer *w = cx_api_warmer(d->api);
    if (!w || d->req->warmup) return 0;
    struct warm_item *it = calloc(1, sizeof *it);
    if (!it) return 0;
    snprintf(it->path, sizeof it->path, "%s", d->path);
    for (size_t i = 0; i < d->req->nquery && i < CX_API_MAX_QUERY; i++) {
        const struct cx_query_param *q = &d->req->query[i];
        if (!strcmp(q->key, "export")) continue;
        it->key[it->n] = strdup(q->key);
        it->val[it->n] = strdup(q->val ? q->val : "");
        if (!it->key[it->n] || !it->val[it->n]) {
            it->n++;
            item_free(it);
            return 0;
        }
        it->n++;
    }
    pthread_mutex_lock(&w->mu);
    int dup = 0;
    for (struct warm_item *q = w->queue; q && !dup; q = q->next) dup = same_item(q, it);
    int ok = !w->stopping && (dup || w->queued < 32);
    if (ok && !dup) {
        struct warm_item **tail = &w->queue;
        while (*tail) tail = &(*tail)->next;
        *tail = it;
        w->queued++;
        it = NULL;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    item_free(it);
    return ok;
}

void cx_dash_pending(struct cx_dash_req *d, const char *title, const char *nav_id, unsigned filters)
{
    struct cx_html h = {0};
    d->refresh_s = 3;
    cx_dash_begin(d, &h, title, nav_id);
    cx_dash_filters(d, &h, filters);
    cx_html_raw(&h, "<p class=\"note\" role=\"status\">");
    cx_html_esc(&h, T("These numbers read every row of the period and are being computed now. "
                      "This page reloads itself every few seconds until they are ready."));
    cx_html_raw(&h, "</p>");
    cx_dash_end(d, &h);
}

struct cx_dash_warmer *cx_dash_warm_start(struct cx_api *api, unsigned every_s)
{
    struct cx_dash_warmer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->api = api;
    w->every_s = every_s ? every_s : 240;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, warm_main, w)) {
        free(w);
        return NULL;
    }
    cx_api_set_warmer(api, w);
    return w;
}

void cx_dash_warm_stop(struct cx_dash_warmer *w)
{
    if (!w) return;
    cx_api_set_warmer(w->api, NULL); /* called after the server stopped taking requests */
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    while (w->queue) {
        struct warm_item *it = w->queue;
        w->queue = it->next;
        item_free(it);
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

void cx_dash_handle(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    struct cx_dash_req *d = calloc(1, sizeof *d);
    if (!d) {
        cx_api_send_error(resp, 500, "out of memory");
        return;
    }
    form_reset();
    cx_dash_lang("en");
    d->api = api;
    d->req = req;
    d->resp = resp;
    d->path = req->path ? req->path : "/";
    const char *m = req->method ? req->method : "";
    int is_get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), is_post = !strcmp(m, "POST");
    struct cx_err err = {{0}};
    char token[72];
    const struct route *rt = NULL;
    if (!strcmp(d->path, "/dash.css")) {
        char *css = strdup(dash_css);
        cx_api_send_body(resp, css ? 200 : 500, "text/css; charset=utf-8", css,
                         css ? strlen(css) : 0);
        goto out;
    }
    if (!is_get && !is_post) {
        snprintf(resp->allow, sizeof resp->allow, "GET, POST");
        cx_api_send_error(resp, 405, "method %s not allowed here (allowed: GET, POST)", m);
        goto out;
    }
    if (!(d->store = cx_api_thread_store(api, &err))) {
        cx_dash_error(d, 503, "%s: %s", T("The store is unavailable"), err.msg);
        goto out;
    }
    if (!strcmp(d->path, "/login")) {
        handle_login(d);
        goto out;
    }
    cookie(req, "cxsid", token, sizeof token);
    struct cx_session sess;
    if (req->warmup && !is_post) {
        /* the server's own warm-up GET (never set from the network): a
         * viewer without a session */
        memset(&sess, 0, sizeof sess);
        snprintf(sess.user.name, sizeof sess.user.name, "(warm-up)");
    } else if (!token[0] ||
               d->store->vt->session_get(d->store, token, (int64_t)time(NULL), &sess, &err)) {
        login_redirect(d);
        goto out;
    }
    d->user.id = sess.user.id;
    d->user.admin = sess.user.admin;
    snprintf(d->user.name, sizeof d->user.name, "%s", sess.user.name);
    snprintf(d->csrf, sizeof d->csrf, "%s", sess.csrf);
    if (!strcmp(d->path, "/logout")) {
        if (!is_post) {
            snprintf(resp->allow, sizeof resp->allow, "POST");
            cx_dash_error(d, 405, "%s", T("Log out with the button."));
        } else {
            handle_logout(d, token);
        }
        goto out;
    }
    char msg[256];
    if (parse_filters(d, msg, sizeof msg)) {
        cx_dash_error(d, 400, "%s", msg);
        goto out;
    }
    rt = find_route(d->path);
    if (!rt) {
        cx_dash_error(d, 404, "%s", T("There is no such page."));
        goto out;
    }
    /* every dashboard POST changes something: the token and the role first */
    if (is_post && !cx_dash_post_ok(d, 0)) goto out;
    rt->page(d);
out:
    form_reset();
    sodium_memzero(token, sizeof token);
    if (!resp->body) cx_api_send_error(resp, 500, "no answer");
    free(d);
}
