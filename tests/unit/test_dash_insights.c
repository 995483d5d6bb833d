/* test_dash_insights.c - the dashboard's insight and definition pages
 * (src/http/dash_insights.c) through the real request handler and login:
 * frequent issues, drivers, customer search and journey, surveys, triggers
 * and alerts over a small store with known data; forms that refuse bad input
 * name the field; hostile ids and comments come out escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

#include "http/api.h"
#include "io/record.h"
#include "store/store.h"

#define HOSTILE_ID "<b>c\"'&</b>"
#define HOSTILE_COMMENT "<script>alert(1)</script>"

struct fixture {
    char dir[64];
    struct cx_writer *w;
    struct cx_api *api;
    char cookie[256]; /* "cxsid=..." of the admin's session */
    char csrf[128];
    int64_t now;
};

struct page {
    int status;
    char *body;
    char location[1024];
    char set_cookie[2][512];
};

static void page_free(struct page *p)
{
    free(p->body);
    memset(p, 0, sizeof *p);
}

/* ---- fixture data ---- */

static void put(struct cx_store *s, int event, const char *const *kv)
{
    struct cx_field f[16];
    size_t n = 0;
    for (; kv[2 * n]; n++) {
        f[n].key = kv[2 * n];
        f[n].klen = strlen(kv[2 * n]);
        f[n].val = kv[2 * n + 1];
        f[n].vlen = strlen(kv[2 * n + 1]);
        f[n].kind = CX_VAL_STRING;
    }
    struct cx_row row = {1, n, f};
    struct cx_reject why;
    struct cx_err err = {{0}};
    enum cx_put res;
    if (event) {
        struct cx_event e;
        assert_int_equal(cx_event_from_row(&row, &e, &why), 0);
        assert_int_equal(s->vt->put_event(s, &e, &res, &err), CX_OK);
        cx_event_clear(&e);
    } else {
        struct cx_response r;
        if (cx_response_from_row(&row, &r, &why))
            fail_msg("fixture row rejected: %s: %s", why.field, why.reason);
        assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
        cx_response_clear(&r);
    }
}

/* RFC 3339 of now - days (+ minutes). */
static const char *ago(const struct fixture *f, int days, int minutes, char *buf)
{
    struct cx_time t = {f->now - (int64_t)days * 86400 + minutes * 60, 0};
    return cx_time_format(t, buf);
}

static const char *const late_texts[] = {
    "The delivery was late again",    "delivery late, very annoying",
    "My delivery was late by a week", "delivery was late and nobody called",
    "late delivery, third time",      "why is the delivery always late",
};
static const char *const fa_texts[] = {
    "ارسال سفارش خیلی دیر بود",
    "ارسال سفارش دیر بود و کسی جواب نداد",
    "باز هم ارسال سفارش دیر بود",
};

static void fill(struct fixture *f, struct cx_store *s)
{
    struct cx_err err = {{0}};
    char t[40], id[64], cust[64];
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    /* drivers: 40 customers transferred twice before a low CES, 40 without
     * interactions and a high CES; their comments make the issues */
    for (int i = 0; i < 80; i++) {
        int bad = i < 40;
        snprintf(cust, sizeof cust, "d%02d", i);
        if (bad) {
            for (int k = 0; k < 2; k++) {
                snprintf(id, sizeof id, "tr%02d-%d", i, k);
                put(s, 1,
                    (const char *const[]){
                        "id", id, "customer", cust, "time", ago(f, 10 + i % 20, -120 + k, t),
                        "type", "ticket.transferred", "channel", "phone", "ref", "T", NULL});
            }
        }
        snprintf(id, sizeof id, "rd%02d", i);
        const char *comment = i < 18 ? late_texts[i % 6] : i < 30 ? fa_texts[i % 3] : "";
        const char *lang = i >= 18 && i < 30 ? "fa" : "en";
        put(s, 0,
            (const char *const[]){"id", id, "customer", cust, "time", ago(f, 10 + i % 20, 0, t),
                                  "metric", "ces", "score", bad ? "2" : "6", "channel", "email",
                                  "touchpoint", "support", "comment", comment, "lang", lang, NULL});
    }
    /* a journey: CES 6, an abandoned call and two transfers, then CES 2 */
    put(s, 0,
        (const char *const[]){"id", "r1", "customer", "c1", "time", ago(f, 20, 0, t), "metric",
                              "ces", "score", "6", "channel", "email", NULL});
    put(s, 1,
        (const char *const[]){"id", "e1", "customer", "c1", "time", ago(f, 18, 0, t), "type",
                              "call.abandoned", "channel", "phone", "wait_s", "400", NULL});
    put(s, 1,
        (const char *const[]){"id", "e2", "customer", "c1", "time", ago(f, 17, 0, t), "type",
                              "ticket.transferred", "ref", "T1", NULL});
    put(s, 1,
        (const char *const[]){"id", "e3", "customer", "c1", "time", ago(f, 17, 5, t), "type",
                              "ticket.transferred", "ref", "T1", NULL});
    put(s, 0,
        (const char *const[]){"id", "r2", "customer", "c1", "time", ago(f, 15, 0, t), "metric",
                              "ces", "score", "2", "channel", "web", "comment",
                              "Nobody could help me", NULL});
    /* an id holding a '/' */
    put(s, 0,
        (const char *const[]){"id", "rs", "customer", "org/42", "time", ago(f, 6, 0, t), "metric",
                              "csat", "score", "4", NULL});
    /* a hostile id and comment */
    put(s, 0,
        (const char *const[]){"id", "rx", "customer", HOSTILE_ID, "time", ago(f, 5, 0, t), "metric",
                              "nps", "score", "3", "comment", HOSTILE_COMMENT, NULL});
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
}

/* ---- requests ---- */

static const char *header_fn(void *hctx, const char *name)
{
    struct fixture *f = hctx;
    return !strcasecmp(name, "Cookie") && f->cookie[0] ? f->cookie : NULL;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

/* Decodes %XX and '+' in place. */
static void url_decode(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '%' && s[1] && s[2]) {
            *o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            s += 2;
        } else {
            *o++ = *s == '+' ? ' ' : *s;
        }
    }
    *o = 0;
}

/* Sends METHOD url (path and query, URL-encoded as a browser would) with an
 * optional form body, as the logged-in admin (or without a session). */
static struct page request(struct fixture *f, const char *method, const char *url, const char *form)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", url);
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = method;
    char *q = strchr(buf, '?');
    if (q) *q++ = 0;
    url_decode(buf);
    req.path = buf;
    for (char *p = q; p && *p && req.nquery < CX_API_MAX_QUERY;) {
        char *amp = strchr(p, '&');
        if (amp) *amp = 0;
        char *eq = strchr(p, '=');
        if (eq) *eq = 0;
        url_decode(p);
        if (eq) url_decode(eq + 1);
        req.query[req.nquery].key = p;
        req.query[req.nquery].val = eq ? eq + 1 : "";
        req.nquery++;
        p = amp ? amp + 1 : NULL;
    }
    req.body = form ? form : "";
    req.body_len = form ? strlen(form) : 0;
    req.content_type = form ? "application/x-www-form-urlencoded" : NULL;
    req.header_fn = header_fn;
    req.hctx = f;
    struct cx_http_resp resp;
    memset(&resp, 0, sizeof resp);
    cx_api_handle(f->api, &req, &resp);
    struct page pg = {resp.status, NULL, "", {"", ""}};
    pg.body = strndup(resp.body ? resp.body : "", resp.len);
    snprintf(pg.location, sizeof pg.location, "%s", resp.location);
    for (int i = 0; i < 2; i++)
        snprintf(pg.set_cookie[i], sizeof pg.set_cookie[i], "%s", resp.set_cookie[i]);
    cx_http_resp_clear(&resp);
    return pg;
}

static struct page get(struct fixture *f, const char *url)
{
    return request(f, "GET", url, NULL);
}

/* Appends key=value (URL-encoded) to a form body. */
static void form_add(char *body, size_t cap, const char *key, const char *val)
{
    size_t o = strlen(body);
    o += (size_t)snprintf(body + o, cap - o, "%s%s=", o ? "&" : "", key);
    for (const unsigned char *p = (const unsigned char *)val; *p && o + 4 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.", *p))
            body[o++] = (char)*p;
        else
            o += (size_t)snprintf(body + o, cap - o, "%%%02X", *p);
    }
    body[o] = 0;
}

/* POSTs the fields (NULL-terminated key, value pairs) with the csrf token. */
static struct page post(struct fixture *f, const char *path, const char *const *kv)
{
    char body[4096] = "";
    form_add(body, sizeof body, "csrf", f->csrf);
    for (size_t i = 0; kv[i]; i += 2) form_add(body, sizeof body, kv[i], kv[i + 1]);
    return request(f, "POST", path, body);
}

/* The value of the first name="csrf" field of a page. */
static void csrf_of(const char *html, char *out, size_t cap)
{
    const char *p = strstr(html, "name=\"csrf\"");
    assert_non_null(p);
    const char *v = strstr(p, "value=\"");
    assert_non_null(v);
    v += 7;
    size_t n = strcspn(v, "\"");
    assert_true(n > 0 && n < cap);
    memcpy(out, v, n);
    out[n] = 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->now = (int64_t)time(NULL);
    struct cx_store *s = support_store_new(f->dir, sizeof f->dir, "cx-test-dashins-");
    struct cx_err err = {{0}};
    fill(f, s);
    assert_int_equal(s->vt->user_create(s, "ada", 1, "correct horse battery", &err), CX_OK);
    cx_store_close(s);
    support_api_start(f->dir, &f->w, &f->api);
    /* the real login: the form's cookie and token, then a session cookie and
     * the csrf token of the session's pages */
    struct page pg = get(f, "/login");
    assert_int_equal(pg.status, 200);
    for (int i = 0; i < 2; i++)
        if (!strncmp(pg.set_cookie[i], "cxlogin=", 8))
            snprintf(f->cookie, sizeof f->cookie, "%.*s", (int)strcspn(pg.set_cookie[i], ";"),
                     pg.set_cookie[i]);
    assert_true(f->cookie[0] != 0);
    csrf_of(pg.body, f->csrf, sizeof f->csrf);
    page_free(&pg);
    char body[512] = "";
    form_add(body, sizeof body, "csrf", f->csrf);
    form_add(body, sizeof body, "name", "ada");
    form_add(body, sizeof body, "password", "correct horse battery");
    pg = request(f, "POST", "/login", body);
    assert_int_equal(pg.status, 303);
    f->cookie[0] = 0;
    for (int i = 0; i < 2; i++)
        if (!strncmp(pg.set_cookie[i], "cxsid=", 6))
            snprintf(f->cookie, sizeof f->cookie, "%.*s", (int)strcspn(pg.set_cookie[i], ";"),
                     pg.set_cookie[i]);
    assert_true(f->cookie[0] != 0);
    page_free(&pg);
    pg = get(f, "/surveys");
    assert_int_equal(pg.status, 200);
    csrf_of(pg.body, f->csrf, sizeof f->csrf);
    page_free(&pg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    support_api_stop(f->dir, f->w, f->api);
    free(f);
    return 0;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("expected \"%s\" in the page", needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) fail_msg("did not expect \"%s\" in the page", needle);
}

/* ---- tests ---- */

static void test_issues(void **state)
{
    struct fixture *f = *state;
    struct page pg = get(f, "/issues");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "<h1>");
    assert_contains(pg.body, "delivery");        /* the topic's label */
    assert_contains(pg.body, "<q dir=\"auto\""); /* quotes keep their direction */
    assert_contains(pg.body, "lang=\"fa\"");     /* the Persian topic's quotes */
    assert_contains(pg.body, "ارسال");           /* and its text */
    assert_contains(pg.body, "20000");           /* the bound is stated */
    assert_lacks(pg.body, HOSTILE_COMMENT);
    page_free(&pg);
    /* the language filter keeps only Persian texts; CSV export works */
    pg = get(f, "/issues?lang=fa");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "ارسال");
    assert_lacks(pg.body, "delivery was late");
    page_free(&pg);
    pg = get(f, "/issues?export=issues");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "delivery");
    assert_lacks(pg.body, "<html");
    page_free(&pg);
    pg = get(f, "/issues?lang=xx");
    assert_int_equal(pg.status, 400);
    page_free(&pg);
}

static void test_drivers(void **state)
{
    struct fixture *f = *state;
    struct page pg = get(f, "/drivers?metric=ces");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "transferred twice or more");
    assert_contains(pg.body, "yes: worse with it"); /* significance in words */
    assert_contains(pg.body, "<svg");
    page_free(&pg);
    pg = get(f, "/drivers?metric=ces&export=drivers");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "transferred twice or more");
    page_free(&pg);
    /* a metric of the trends that is no score kind: CES, with a note */
    pg = get(f, "/drivers?metric=fcr");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "this page shows CES");
    assert_contains(pg.body, "transferred twice or more");
    page_free(&pg);
}

static void test_customers(void **state)
{
    struct fixture *f = *state;
    struct page pg = get(f, "/customers?q=d0");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "d00");
    assert_contains(pg.body, "d09");
    assert_lacks(pg.body, ">d10<");
    assert_lacks(pg.body, ">c1<");
    page_free(&pg);

    pg = get(f, "/customers/c1");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "▼ Drop from 6 to 2");
    assert_contains(pg.body, "call.abandoned (wait 400s), ticket.transferred x2");
    assert_contains(pg.body, "Nobody could help me");
    assert_contains(pg.body, "<svg");
    page_free(&pg);
    pg = get(f, "/customers?id=c1&export=journey");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "▼ drop from 6");
    page_free(&pg);

    /* ids with '/' by path (decoded by the edge) and by parameter */
    pg = get(f, "/customers/org%2F42");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "Customer org/42");
    page_free(&pg);
    pg = get(f, "/customers?id=org%2F42");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "CSAT 4");
    page_free(&pg);
    pg = get(f, "/customers/nobody");
    assert_int_equal(pg.status, 404);
    page_free(&pg);
}

struct ids {
    char v[8][64];
    size_t n;
};

static int ids_cb(void *ctx, const char *customer)
{
    struct ids *x = ctx;
    snprintf(x->v[x->n++], sizeof x->v[0], "%s", customer);
    return CX_OK;
}

/* The store's prefix lookup behind the search box: ascending, distinct
 * across responses and events, bounded. */
static void test_customer_find(void **state)
{
    struct fixture *f = *state;
    struct cx_store *s;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(f->dir, NULL, &s, &err), CX_OK);
    struct ids x = {{{0}}, 0};
    assert_int_equal(s->vt->customer_find(s, "d0", 3, ids_cb, &x, &err), CX_OK);
    assert_int_equal(x.n, 3);
    assert_string_equal(x.v[0], "d00");
    assert_string_equal(x.v[2], "d02");
    x.n = 0;
    assert_int_equal(s->vt->customer_find(s, "", 2, ids_cb, &x, &err), CX_OK);
    assert_int_equal(x.n, 2);
    assert_string_equal(x.v[0], HOSTILE_ID); /* '<' sorts first */
    assert_string_equal(x.v[1], "c1");       /* once, though in both tables */
    x.n = 0;
    assert_int_equal(s->vt->customer_find(s, "c1\xff", 5, ids_cb, &x, &err), CX_OK);
    assert_int_equal(x.n, 0);
    assert_int_equal(s->vt->customer_find(s, "zz", 5, ids_cb, &x, &err), CX_OK);
    assert_int_equal(x.n, 0);
    cx_store_close(s);
}

static void test_hostile_escaped(void **state)
{
    struct fixture *f = *state;
    const char *urls[] = {"/customers?id=%3Cb%3Ec%22%27%26%3C%2Fb%3E",
                          "/customers/%3Cb%3Ec%22%27%26%3C%2Fb%3E"};
    for (int i = 0; i < 2; i++) {
        struct page pg = get(f, urls[i]);
        assert_int_equal(pg.status, 200);
        assert_lacks(pg.body, HOSTILE_ID);
        assert_lacks(pg.body, HOSTILE_COMMENT);
        assert_contains(pg.body, "&lt;b&gt;c&quot;&#39;&amp;&lt;/b&gt;");
        assert_contains(pg.body, "&lt;script&gt;alert(1)&lt;/script&gt;");
        page_free(&pg);
    }
    struct page pg = get(f, "/customers?q=%3Cb%3E");
    assert_int_equal(pg.status, 200);
    assert_lacks(pg.body, HOSTILE_ID);
    assert_contains(pg.body, "&lt;b&gt;c");
    page_free(&pg);
    pg = get(f, "/customers?id=%3Cscript%3Ex");
    assert_int_equal(pg.status, 404);
    assert_lacks(pg.body, "<script>x");
    page_free(&pg);
}

static void test_survey_form(void **state)
{
    struct fixture *f = *state;
    struct page pg = post(f, "/surveys",
                          (const char *const[]){"action", "create", "id", "support-csat", "name",
                                                "Support <CSAT>", "kind", "csat", "scale", "",
                                                "style", "stars", "followup", "on", NULL});
    assert_int_equal(pg.status, 303);
    assert_contains(pg.location, "/surveys?created=support-csat");
    page_free(&pg);
    pg = get(f, "/surveys?created=support-csat");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "support-csat");
    assert_contains(pg.body, "Support &lt;CSAT&gt;");
    assert_contains(pg.body, "role=\"status\"");
    page_free(&pg);
    /* stored through the writer, as `cxpulse survey create` would */
    struct cx_store *s;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(f->dir, NULL, &s, &err), CX_OK);
    struct cx_survey_row row;
    assert_int_equal(s->vt->survey_get(s, "support-csat", &row, &err), CX_OK);
    assert_non_null(strstr(row.json, "\"kind\":\"csat\""));
    assert_non_null(strstr(row.json, "\"style\":\"stars\""));
    free(row.json);
    cx_store_close(s);

    /* bad input: 422, the form again, the field named and marked */
    struct {
        const char *field, *value, *anchor;
    } bad[] = {
        {"id", "Bad Id", "href=\"#survey-id\""},
        {"scale", "1-99", "href=\"#survey-scale\""},
        {"style", "emoji", "href=\"#survey-style\""}, /* faces are for csat only */
        {"kind", "custom", "href=\"#survey-kind\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {"action", "create", "id",    "s2", "name", "N",  "kind", "nps",
                            "scale",  "",       "style", "",   NULL,   NULL, NULL,   NULL};
        for (size_t k = 2; kv[k]; k += 2)
            if (!strcmp(kv[k], bad[i].field)) kv[k + 1] = bad[i].value;
        pg = post(f, "/surveys", kv);
        if (pg.status != 422 || !strstr(pg.body, bad[i].anchor))
            fail_msg("%s=%s: status %d, field not named", bad[i].field, bad[i].value, pg.status);
        assert_contains(pg.body, "aria-invalid=\"true\"");
        assert_contains(pg.body, "role=\"alert\"");
        page_free(&pg);
    }
    /* an existing id */
    pg = post(f, "/surveys",
              (const char *const[]){"action", "create", "id", "support-csat", "name", "x", "kind",
                                    "nps", NULL});
    assert_int_equal(pg.status, 422);
    assert_contains(pg.body, "href=\"#survey-id\"");
    page_free(&pg);
    /* without the csrf token: refused */
    pg = request(f, "POST", "/surveys", "action=create&id=s3&name=x&kind=nps");
    assert_int_equal(pg.status, 403);
    page_free(&pg);
    /* archive */
    pg =
        post(f, "/surveys", (const char *const[]){"action", "archive", "id", "support-csat", NULL});
    assert_int_equal(pg.status, 303);
    page_free(&pg);
    pg = get(f, "/surveys");
    assert_contains(pg.body, "archived");
    page_free(&pg);
}

static void test_triggers_alerts(void **state)
{
    struct fixture *f = *state;
    struct page pg = post(f, "/surveys",
                          (const char *const[]){"action", "create", "id", "after-ticket", "name",
                                                "After ticket", "kind", "ces", NULL});
    assert_int_equal(pg.status, 303);
    page_free(&pg);
    pg = post(f, "/triggers",
              (const char *const[]){"action",
                                    "create",
                                    "id",
                                    "t1",
                                    "event_type",
                                    "ticket.closed",
                                    "match_attr",
                                    "product",
                                    "match_value",
                                    "router",
                                    "survey",
                                    "after-ticket",
                                    "channel",
                                    "email",
                                    "delay_minutes",
                                    "60",
                                    "sample_percent",
                                    "50",
                                    "enabled",
                                    "on",
                                    NULL});
    assert_int_equal(pg.status, 303);
    page_free(&pg);
    pg = get(f, "/triggers");
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "ticket.closed");
    assert_contains(pg.body, "product = router");
    page_free(&pg);
    pg = post(f, "/triggers",
              (const char *const[]){"action", "create", "id", "t2", "event_type", "ticket.closed",
                                    "survey", "after-ticket", "channel", "pigeon", NULL});
    assert_int_equal(pg.status, 422);
    assert_contains(pg.body, "href=\"#trigger-channel\"");
    page_free(&pg);

    pg = post(f, "/alerts",
              (const char *const[]){"action", "create", "id", "a1", "kind", "low_score", "metric",
                                    "nps", "threshold", "3", "email", "ops@example.com", NULL});
    assert_int_equal(pg.status, 200);
    assert_contains(pg.body, "ops@example.com");
    assert_contains(pg.body, "<code>"); /* the signing secret, once */
    page_free(&pg);
    pg = post(f, "/alerts",
              (const char *const[]){"action", "create", "id", "a2", "kind", "low_score", "metric",
                                    "nps", "threshold", "x", "email", "ops@example.com", NULL});
    assert_int_equal(pg.status, 422);
    assert_contains(pg.body, "href=\"#alert-threshold\"");
    page_free(&pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issues),          cmocka_unit_test(test_drivers),
        cmocka_unit_test(test_customers),       cmocka_unit_test(test_customer_find),
        cmocka_unit_test(test_hostile_escaped), cmocka_unit_test(test_survey_form),
        cmocka_unit_test(test_triggers_alerts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
