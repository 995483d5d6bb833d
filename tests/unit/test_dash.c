/* test_dash.c - the dashboard without a socket: users, sessions and tasks in
 * the store; login, cookies, CSRF, roles, the follow-up cycle, CSV export
 * and hostile input through cx_api_handle. */
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
#include <sqlite3.h>

#include "engine/report.h"
#include "http/api.h"
#include "http/dash.h"

#define ADMIN_PW "correct horse battery"
#define VIEWER_PW "viewer password 1"

struct fixture {
    char dir[64];
    struct cx_writer *w;
    struct cx_api *api;
    char key[128];
};

struct reply {
    int status;
    char *body;
    size_t len;
    char ctype[64];
    char location[1024];
    char cookie[2][512];
    char disposition[256];
};

struct hdrs {
    const char *cookie, *proto;
};

static const char *hdr(void *ctx, const char *name)
{
    const struct hdrs *h = ctx;
    if (!strcasecmp(name, "Cookie")) return h->cookie;
    if (!strcasecmp(name, "X-Forwarded-Proto")) return h->proto;
    return NULL;
}

/* Sends method url (path?query, no escapes) with a cookie header value and
 * a form body; the reply's body is the caller's (free). */
static void send_req(struct fixture *f, const char *method, const char *url, const char *cookie,
                     const char *form, int tls, struct reply *out)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", url);
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = method;
    char *q = strchr(buf, '?');
    if (q) {
        *q++ = 0;
        for (char *tok = strtok(q, "&"); tok && req.nquery < CX_API_MAX_QUERY;
             tok = strtok(NULL, "&")) {
            char *eq = strchr(tok, '=');
            if (eq) *eq++ = 0;
            req.query[req.nquery].key = tok;
            req.query[req.nquery].val = eq ? eq : "";
            req.nquery++;
        }
    }
    req.path = buf;
    struct hdrs h = {cookie, NULL};
    req.header_fn = hdr;
    req.hctx = &h;
    req.tls = tls;
    req.content_type = form ? "application/x-www-form-urlencoded" : NULL;
    req.body = form ? form : "";
    req.body_len = form ? strlen(form) : 0;
    struct cx_http_resp resp;
    cx_api_handle(f->api, &req, &resp);
    memset(out, 0, sizeof *out);
    out->status = resp.status;
    out->body = resp.body;
    out->len = resp.len;
    snprintf(out->ctype, sizeof out->ctype, "%s", resp.content_type ? resp.content_type : "");
    snprintf(out->location, sizeof out->location, "%s", resp.location);
    for (int i = 0; i < 2; i++)
        snprintf(out->cookie[i], sizeof out->cookie[i], "%s", resp.set_cookie[i]);
    snprintf(out->disposition, sizeof out->disposition, "%s", resp.disposition);
    assert_non_null(out->body);
}

static int status_of(struct fixture *f, const char *method, const char *url, const char *cookie,
                     const char *form)
{
    struct reply r;
    send_req(f, method, url, cookie, form, 0, &r);
    free(r.body);
    return r.status;
}

/* Copies the value after `name="csrf" value="` in html into out. */
static void csrf_of(const char *html, char *out, size_t cap)
{
    const char *p = strstr(html, "name=\"csrf\" value=\"");
    assert_non_null(p);
    p += strlen("name=\"csrf\" value=\"");
    size_t n = strcspn(p, "\"");
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = 0;
}

/* The value of cookie `name` in a Set-Cookie header ("" if other). */
static void cookie_val(const char *set, const char *name, char *out, size_t cap)
{
    out[0] = 0;
    size_t nl = strlen(name);
    if (strncmp(set, name, nl) || set[nl] != '=') return;
    size_t n = strcspn(set + nl + 1, ";");
    assert_true(n < cap);
    memcpy(out, set + nl + 1, n);
    out[n] = 0;
}

/* Logs in; fills the "cxsid=..." cookie header and the session's CSRF token.
 * Returns the status of the POST. */
static int login(struct fixture *f, const char *name, const char *pw, char *cookie, size_t cap,
                 char *csrf, size_t ccap)
{
    struct reply r;
    send_req(f, "GET", "/login", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    char tok[80], lc[80], hdrbuf[128], form[512];
    csrf_of(r.body, tok, sizeof tok);
    cookie_val(r.cookie[1], "cxlogin", lc, sizeof lc);
    assert_string_equal(tok, lc);
    free(r.body);
    snprintf(hdrbuf, sizeof hdrbuf, "cxlogin=%s", lc);
    snprintf(form, sizeof form, "name=%s&password=%s&csrf=%s&next=%%2Ffollowup", name, pw, tok);
    for (char *p = form; *p; p++)
        if (*p == ' ') *p = '+';
    send_req(f, "POST", "/login", hdrbuf, form, 0, &r);
    int st = r.status;
    if (st == 303) {
        assert_string_equal(r.location, "/followup");
        char sid[80];
        cookie_val(r.cookie[0], "cxsid", sid, sizeof sid);
        assert_int_equal(strlen(sid), 64);
        snprintf(cookie, cap, "theme=dark; cxsid=%s", sid);
        free(r.body);
        send_req(f, "GET", "/followup", cookie, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        if (csrf) csrf_of(r.body, csrf, ccap);
    }
    free(r.body);
    return st;
}

static const char rows[] =
    "{\"id\":\"r1\",\"customer\":\"c1\",\"time\":\"2026-03-01T10:00:00Z\",\"metric\":\"nps\","
    "\"score\":3,\"channel\":\"email\",\"touchpoint\":\"billing\",\"comment\":\"<b>slow</b> & "
    "rude\","
    "\"plan\":\"pro\"}\n"
    "{\"id\":\"r2\",\"customer\":\"c2\",\"time\":\"2026-03-01T11:00:00Z\",\"metric\":\"nps\","
    "\"score\":7,\"channel\":\"web\",\"touchpoint\":\"support\"}\n"
    "{\"id\":\"r3\",\"customer\":\"c3\",\"time\":\"2026-02-20T11:00:00Z\",\"metric\":\"csat\","
    "\"score\":2,\"channel\":\"web\",\"touchpoint\":\"support\"}\n"
    "{\"id\":\"r4\",\"customer\":\"c1\",\"time\":\"2026-02-10T11:00:00Z\",\"metric\":\"ces\","
    "\"score\":3,\"channel\":\"chat\",\"touchpoint\":\"support\"}\n"
    "{\"id\":\"r5\",\"customer\":\"c4\",\"time\":\"2026-02-11T11:00:00Z\",\"metric\":\"ces\","
    "\"score\":4,\"channel\":\"chat\",\"touchpoint\":\"support\"}\n"
    "{\"id\":\"r6\",\"customer\":\"c5\",\"time\":\"2026-01-11T11:00:00Z\",\"metric\":\"nps\","
    "\"score\":10,\"channel\":\"email\",\"touchpoint\":\"billing\"}\n";

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct cx_store *s = support_store_new(f->dir, sizeof f->dir, "cx-test-dash-");
    struct cx_err err = {{0}};
    support_key(s, "a", "admin", f->key, sizeof f->key);
    assert_int_equal(s->vt->user_create(s, "ad", 1, ADMIN_PW, &err), CX_OK);
    assert_int_equal(s->vt->user_create(s, "vw", 0, VIEWER_PW, &err), CX_OK);
    cx_store_close(s);
    support_api_start(f->dir, &f->w, &f->api);
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = "/api/v1/responses";
    req.authorization = f->key;
    req.content_type = "application/x-ndjson";
    req.body = rows;
    req.body_len = strlen(rows);
    struct cx_http_resp resp;
    cx_api_handle(f->api, &req, &resp);
    assert_int_equal(resp.status, 200);
    cx_http_resp_clear(&resp);
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

static struct cx_store *open_store(struct fixture *f)
{
    struct cx_store *s;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(f->dir, NULL, &s, &err), CX_OK);
    return s;
}

/* ---- store ---- */

static void test_store_users(void **state)
{
    struct fixture *f = *state;
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    struct cx_user u;
    assert_int_equal(s->vt->user_create(s, "ad", 0, "x", &err), CX_EEXIST);
    assert_int_equal(s->vt->user_create(s, "", 0, "x", &err), CX_EINVAL);
    assert_int_equal(s->vt->user_create(s, "n", 0, "", &err), CX_EINVAL);
    assert_int_equal(s->vt->user_check(s, "ad", ADMIN_PW, &u, &err), CX_OK);
    assert_string_equal(u.name, "ad");
    assert_int_equal(u.admin, 1);
    assert_int_equal(s->vt->user_check(s, "vw", VIEWER_PW, &u, &err), CX_OK);
    assert_int_equal(u.admin, 0);
    assert_int_equal(s->vt->user_check(s, "ad", VIEWER_PW, &u, &err), CX_ENOTFOUND);
    assert_int_equal(s->vt->user_check(s, "nobody", ADMIN_PW, &u, &err), CX_ENOTFOUND);
    struct cx_user *list = NULL;
    size_t n = 0;
    assert_int_equal(s->vt->user_list(s, &list, &n, &err), CX_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "ad");
    free(list);
    /* the hash is Argon2id, never the password */
    sqlite3 *db;
    char path[128];
    snprintf(path, sizeof path, "%s/cxpulse.db", f->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT hash FROM dash_users WHERE name='ad'", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *h = (const char *)sqlite3_column_text(st, 0);
    assert_true(!strncmp(h, "$argon2id$", 10));
    assert_null(strstr(h, ADMIN_PW));
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* deleting a user ends its sessions */
    char tok[65], csrf[65];
    assert_int_equal(s->vt->user_check(s, "vw", VIEWER_PW, &u, &err), CX_OK);
    assert_int_equal(s->vt->session_create(s, u.id, 1000, 3600, tok, csrf, &err), CX_OK);
    struct cx_session ss;
    assert_int_equal(s->vt->session_get(s, tok, 1001, &ss, &err), CX_OK);
    assert_int_equal(s->vt->user_delete(s, "vw", &err), CX_OK);
    assert_int_equal(s->vt->session_get(s, tok, 1001, &ss, &err), CX_ENOTFOUND);
    assert_int_equal(s->vt->user_delete(s, "vw", &err), CX_ENOTFOUND);
    cx_store_close(s);
}

static void test_store_sessions(void **state)
{
    struct fixture *f = *state;
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    struct cx_user u;
    assert_int_equal(s->vt->user_check(s, "ad", ADMIN_PW, &u, &err), CX_OK);
    char tok[65], csrf[65], tok2[65], csrf2[65];
    assert_int_equal(s->vt->session_create(s, u.id, 1000, 3600, tok, csrf, &err), CX_OK);
    assert_int_equal(strlen(tok), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_int_equal(strspn(tok, "0123456789abcdef"), 64);
    assert_int_equal(s->vt->session_create(s, u.id, 1000, 3600, tok2, csrf2, &err), CX_OK);
    assert_string_not_equal(tok, tok2);
    assert_string_not_equal(csrf, csrf2);
    struct cx_session ss;
    assert_int_equal(s->vt->session_get(s, tok, 4599, &ss, &err), CX_OK);
    assert_string_equal(ss.csrf, csrf);
    assert_string_equal(ss.user.name, "ad");
    assert_int_equal(ss.expires, 4600);
    assert_int_equal(s->vt->session_get(s, tok, 4600, &ss, &err), CX_ENOTFOUND);
    assert_int_equal(s->vt->session_get(s, "zz", 1001, &ss, &err), CX_ENOTFOUND);
    tok[0] = tok[0] == 'a' ? 'b' : 'a';
    assert_int_equal(s->vt->session_get(s, tok, 1001, &ss, &err), CX_ENOTFOUND);
    assert_int_equal(s->vt->session_delete(s, tok2, &err), CX_OK);
    assert_int_equal(s->vt->session_get(s, tok2, 1001, &ss, &err), CX_ENOTFOUND);
    assert_int_equal(s->vt->session_create(s, 9999, 1000, 3600, tok, csrf, &err), CX_ENOTFOUND);
    cx_store_close(s);
}

struct collect {
    int n;
    int64_t ids[16];
    char resp[16][16];
    int state[16];
    char who[16][32];
};

static int collect_cb(void *ctx, const struct cx_task *t)
{
    struct collect *c = ctx;
    if (c->n < 16) {
        c->ids[c->n] = t->id;
        snprintf(c->resp[c->n], sizeof c->resp[c->n], "%s", t->response);
        c->state[c->n] = t->state;
        snprintf(c->who[c->n], sizeof c->who[c->n], "%s", t->assignee);
    }
    c->n++;
    return 0;
}

static void test_store_tasks(void **state)
{
    struct fixture *f = *state;
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    struct cx_task_filter tf = {0};
    tf.state = -1;
    struct collect c = {0};
    /* low: r1 (nps 3), r3 (csat 2 of 1-5), r4 (ces 3 of 1-7); not r2, r5, r6 */
    assert_int_equal(s->vt->task_scan(s, &tf, collect_cb, &c, &err), CX_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.resp[0], "r1"); /* newest first */
    assert_string_equal(c.resp[1], "r3");
    assert_string_equal(c.resp[2], "r4");
    struct cx_task_counts k;
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 3);
    assert_true(k.median_close_s < 0);
    /* a period that cuts days in half counts the same rows */
    tf.from = 1771585200; /* 2026-02-20T11:00:00Z, inclusive: r3 */
    tf.to = 1772362800;   /* 2026-03-01T11:00:00Z, exclusive: r1 in, r2 out */
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 2);
    tf.channel = "web";
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 1);
    tf = (struct cx_task_filter){0};
    tf.state = -1;
    int64_t r1 = c.ids[0], r3 = c.ids[1], now = (int64_t)time(NULL);
    assert_int_equal(s->vt->task_update(s, r1, CX_TASK_TAKE, "ann", NULL, now, &err), CX_OK);
    assert_int_equal(s->vt->task_update(s, r1, CX_TASK_TAKE, "bob", NULL, now, &err), CX_EINVAL);
    assert_int_equal(s->vt->task_update(s, r1, CX_TASK_NOTE, NULL, "called back", now, &err),
                     CX_OK);
    assert_int_equal(s->vt->task_update(s, r1, CX_TASK_CLOSE, "bob", NULL, now + 100, &err), CX_OK);
    assert_int_equal(s->vt->task_update(s, r1, CX_TASK_CLOSE, "bob", NULL, now, &err), CX_EINVAL);
    assert_int_equal(s->vt->task_update(s, 99999, CX_TASK_TAKE, "bob", NULL, now, &err),
                     CX_ENOTFOUND);
    assert_int_equal(s->vt->task_update(s, r3, CX_TASK_CLOSE, "cid", NULL, now + 300, &err), CX_OK);
    memset(&c, 0, sizeof c);
    assert_int_equal(s->vt->task_scan(s, &tf, collect_cb, &c, &err), CX_OK);
    assert_int_equal(c.state[0], CX_TASK_CLOSED);
    assert_string_equal(c.who[0], "ann"); /* taker stays the assignee */
    assert_string_equal(c.who[1], "cid");
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 1);
    assert_int_equal(k.n[CX_TASK_TAKEN], 0);
    assert_int_equal(k.n[CX_TASK_CLOSED], 2);
    /* created at setup, a few seconds ago: closed after 100 s and 300 s */
    assert_true(k.median_close_s >= 200 && k.median_close_s < 230);
    assert_int_equal(s->vt->task_update(s, r3, CX_TASK_REOPEN, NULL, NULL, 5006, &err), CX_OK);
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 2);
    /* a new low response makes a task; a changed score removes an open one */
    struct cx_response r = {0};
    char id9[] = "r9", c9[] = "c9", sms[] = "sms", billing[] = "billing";
    unsigned char noattrs[1] = {0};
    r.id = id9;
    r.customer = c9;
    r.t.sec = 1772000000;
    r.kind = CX_KIND_NPS;
    r.scale_idx = 0;
    r.scale = cx_scale_at(0);
    r.score = 0;
    r.channel = sms;
    r.touchpoint = billing;
    r.attrs = noattrs;
    enum cx_put res;
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 3);
    r.score = 9;
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
    assert_int_equal(s->vt->commit(s, &err), CX_OK);
    assert_int_equal(res, CX_PUT_UPDATED);
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN], 2);
    /* erasing a customer deletes their tasks and the counters follow */
    uint64_t nr = 0, ne = 0;
    assert_int_equal(s->vt->erase_customer(s, "c1", &nr, &ne, &err), CX_OK);
    assert_int_equal(nr, 2);
    memset(&c, 0, sizeof c);
    assert_int_equal(s->vt->task_scan(s, &tf, collect_cb, &c, &err), CX_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.resp[0], "r3");
    assert_int_equal(s->vt->task_counts(s, &tf, &k, &err), CX_OK);
    assert_int_equal(k.n[CX_TASK_OPEN] + k.n[CX_TASK_TAKEN] + k.n[CX_TASK_CLOSED], 1);
    int64_t day;
    assert_int_equal(s->vt->latest_day(s, &day, &err), CX_OK);
    assert_int_equal(day, 20513); /* 2026-03-01 */
    cx_store_close(s);
}

/* ---- HTTP ---- */

static void test_login(void **state)
{
    struct fixture *f = *state;
    char cookie[160], csrf[80];
    assert_int_equal(login(f, "ad", "wrong password", cookie, sizeof cookie, NULL, 0), 401);
    assert_int_equal(login(f, "nobody", ADMIN_PW, cookie, sizeof cookie, NULL, 0), 401);
    assert_int_equal(login(f, "ad", ADMIN_PW, cookie, sizeof cookie, csrf, sizeof csrf), 303);
    /* cookie flags */
    struct reply r;
    send_req(f, "GET", "/login", NULL, NULL, 0, &r);
    char tok[80], hb[128], form[256];
    csrf_of(r.body, tok, sizeof tok);
    free(r.body);
    snprintf(hb, sizeof hb, "cxlogin=%s", tok);
    snprintf(form, sizeof form, "name=ad&password=correct+horse+battery&csrf=%s", tok);
    send_req(f, "POST", "/login", hb, form, 0, &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.cookie[0], "; HttpOnly"));
    assert_non_null(strstr(r.cookie[0], "; SameSite=Lax"));
    assert_non_null(strstr(r.cookie[0], "; Path=/;"));
    assert_null(strstr(r.cookie[0], "Secure"));
    assert_string_equal(r.location, "/");
    free(r.body);
    send_req(f, "POST", "/login", hb, form, 1, &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.cookie[0], "; Secure"));
    free(r.body);
    /* the login form's own token: missing or wrong */
    snprintf(form, sizeof form, "name=ad&password=correct+horse+battery&csrf=%s", tok);
    send_req(f, "POST", "/login", NULL, form, 0, &r);
    assert_int_equal(r.status, 403);
    assert_int_equal(r.cookie[0][0], 0);
    free(r.body);
    snprintf(hb, sizeof hb, "cxlogin=%032d", 0);
    send_req(f, "POST", "/login", hb, form, 0, &r);
    assert_int_equal(r.status, 403);
    free(r.body);
    /* next= cannot leave the site */
    snprintf(hb, sizeof hb, "cxlogin=%s", tok);
    snprintf(form, sizeof form,
             "name=ad&password=correct+horse+battery&csrf=%s&next=%%2F%%2Fevil.example", tok);
    send_req(f, "POST", "/login", hb, form, 0, &r);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/");
    free(r.body);
}

static void test_rate_limit(void **state)
{
    struct fixture *f = *state;
    /* its own user: the limiter is per process and outlives the fixture */
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    assert_int_equal(s->vt->user_create(s, "rl", 0, VIEWER_PW, &err), CX_OK);
    cx_store_close(s);
    char cookie[160];
    for (int i = 0; i < 5; i++)
        assert_int_equal(login(f, "rl", "not it", cookie, sizeof cookie, NULL, 0), 401);
    assert_int_equal(login(f, "rl", VIEWER_PW, cookie, sizeof cookie, NULL, 0), 429);
    assert_int_equal(login(f, "vw", VIEWER_PW, cookie, sizeof cookie, NULL, 0), 303);
}

static void test_session_required(void **state)
{
    struct fixture *f = *state;
    static const char *const pages[] = {"/",          "/trends",   "/effort",   "/operations",
                                        "/responses", "/followup", "/settings", "/nope"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        struct reply r;
        send_req(f, "GET", pages[i], NULL, NULL, 0, &r);
        assert_int_equal(r.status, 303);
        assert_true(!strncmp(r.location, "/login?next=", 12));
        free(r.body);
    }
    assert_int_equal(status_of(f, "GET", "/", "cxsid=zzzz", NULL), 303);
    assert_int_equal(
        status_of(f, "GET", "/",
                  "cxsid=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL),
        303);
    assert_int_equal(status_of(f, "POST", "/followup", NULL, "action=take&id=1"), 303);
    assert_int_equal(status_of(f, "GET", "/dash.css", NULL, NULL), 200);
}

static void test_pages_and_roles(void **state)
{
    struct fixture *f = *state;
    char ac[160], acsrf[80], vc[160], vcsrf[80];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, acsrf, sizeof acsrf), 303);
    assert_int_equal(login(f, "vw", VIEWER_PW, vc, sizeof vc, vcsrf, sizeof vcsrf), 303);
    static const char *const pages[] = {"/",
                                        "/trends",
                                        "/trends?metric=csat&grain=month&by=channel",
                                        "/effort",
                                        "/operations",
                                        "/responses",
                                        "/followup",
                                        "/followup?state=closed",
                                        "/responses?q=rude&attr=plan&val=pro"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        struct reply r;
        send_req(f, "GET", pages[i], vc, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        assert_true(!strncmp(r.ctype, "text/html", 9));
        assert_non_null(strstr(r.body, "<html lang=\"en\">"));
        assert_non_null(strstr(r.body, "<main id=\"main\">"));
        assert_non_null(strstr(r.body, "</html>"));
        free(r.body);
    }
    assert_int_equal(status_of(f, "GET", "/nope", vc, NULL), 404);
    assert_int_equal(status_of(f, "GET", "/?from=2026-13-01", vc, NULL), 400);
    assert_int_equal(status_of(f, "GET", "/?from=2026-03-01&to=2026-02-01", vc, NULL), 400);
    assert_int_equal(status_of(f, "GET", "/trends?metric=bogus", vc, NULL), 400);
    /* viewers: no settings, no changes even with a valid token */
    assert_int_equal(status_of(f, "GET", "/settings", vc, NULL), 403);
    assert_int_equal(status_of(f, "GET", "/settings", ac, NULL), 200);
    char form[256];
    snprintf(form, sizeof form, "action=take&id=1&csrf=%s", vcsrf);
    assert_int_equal(status_of(f, "POST", "/followup", vc, form), 403);
    snprintf(form, sizeof form, "action=key_create&scope=read&csrf=%s", vcsrf);
    assert_int_equal(status_of(f, "POST", "/settings", vc, form), 403);
    /* the overview's headline equals the report for the same period */
    struct reply r;
    send_req(f, "GET", "/?from=2026-01-01&to=2026-03-01", ac, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    struct cx_store *s = open_store(f);
    struct cx_query q;
    cx_query_init(&q);
    struct cx_err err = {{0}};
    assert_int_equal(cx_query_add_metrics(&q, "nps", &err), CX_OK);
    q.from = strdup("2026-01-01");
    q.to = strdup("2026-03-01");
    struct cx_report *rep = NULL;
    assert_int_equal(cx_report_run(s, &q, &rep, &err), CX_OK);
    char v[48], want[128];
    cx_format2(rep->rows[0].est.num, rep->rows[0].est.den, v);
    snprintf(want, sizeof want, "data-metric=\"nps\" data-value=\"%s\"", v);
    assert_non_null(strstr(r.body, want));
    snprintf(want, sizeof want, "data-n=\"%llu\"", (unsigned long long)rep->rows[0].est.n);
    assert_non_null(strstr(r.body, want));
    assert_non_null(strstr(r.body, "data-value=\"0.00\"")); /* 1 promoter, 1 passive, 1 detractor */
    cx_report_free(rep);
    cx_query_free(&q);
    cx_store_close(s);
    free(r.body);
}

/* Operations read every event: a view nobody asked for yet answers at once
 * with a page that says it is being computed and reloads itself; once the
 * computation is done the same URL shows the numbers. */
static void test_operations_off_request(void **state)
{
    struct fixture *f = *state;
    char vc[160], vcsrf[80];
    assert_int_equal(login(f, "vw", VIEWER_PW, vc, sizeof vc, vcsrf, sizeof vcsrf), 303);
    const char *url = "/operations?from=2025-11-01&to=2026-02-28";
    struct reply r;
    send_req(f, "GET", url, vc, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<meta http-equiv=\"refresh\" content=\"3\">"));
    assert_non_null(strstr(r.body, "role=\"status\""));
    assert_null(strstr(r.body, "data-metric=\"call_abandonment\""));
    free(r.body);
    cx_dash_async_wait();
    send_req(f, "GET", url, vc, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "http-equiv=\"refresh\""));
    assert_non_null(strstr(r.body, "data-metric=\"call_abandonment\""));
    free(r.body);
    /* so do score pages whose attribute filter reads every row */
    static const char *const scans[] = {"/?attr=plan&val=pro", "/trends?attr=plan&val=pro",
                                        "/effort?attr=plan&val=pro"};
    static const char *const ready[] = {"data-metric=\"nps\" data-value=\"-100.00\"", "<svg",
                                        "<table"};
    for (size_t i = 0; i < 3; i++) {
        send_req(f, "GET", scans[i], vc, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "http-equiv=\"refresh\""));
        free(r.body);
        cx_dash_async_wait();
        send_req(f, "GET", scans[i], vc, NULL, 0, &r);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "http-equiv=\"refresh\""));
        assert_non_null(strstr(r.body, ready[i]));
        free(r.body);
    }
}

static void test_csrf(void **state)
{
    struct fixture *f = *state;
    char ac[160], csrf[80], form[512];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, csrf, sizeof csrf), 303);
    assert_int_equal(status_of(f, "POST", "/followup", ac, "action=take&id=1"), 403);
    assert_int_equal(status_of(f, "POST", "/followup", ac,
                               "action=take&id=1&csrf="
                               "0000000000000000000000000000000000000000000000000000000000000000"),
                     403);
    assert_int_equal(status_of(f, "POST", "/followup", ac, "action=take&id=1&csrf="), 403);
    snprintf(form, sizeof form, "action=take&id=1&csrf=%.63s", csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 403);
    /* logout needs the token too, then the session is gone */
    assert_int_equal(status_of(f, "POST", "/logout", ac, "x=1"), 403);
    assert_int_equal(status_of(f, "GET", "/logout", ac, NULL), 405);
    snprintf(form, sizeof form, "csrf=%s", csrf);
    struct reply r;
    send_req(f, "POST", "/logout", ac, form, 0, &r);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/login");
    assert_non_null(strstr(r.cookie[0], "cxsid=;"));
    assert_non_null(strstr(r.cookie[0], "Max-Age=0"));
    free(r.body);
    assert_int_equal(status_of(f, "GET", "/", ac, NULL), 303);
}

static void test_followup_cycle(void **state)
{
    struct fixture *f = *state;
    char ac[160], csrf[80], form[512];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, csrf, sizeof csrf), 303);
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    struct cx_task_filter tf = {0};
    tf.state = -1;
    struct collect c = {0};
    assert_int_equal(s->vt->task_scan(s, &tf, collect_cb, &c, &err), CX_OK);
    assert_int_equal(c.n, 3);
    int64_t id = c.ids[0];
    struct reply r;
    snprintf(form, sizeof form, "action=take&id=%lld&csrf=%s", (long long)id, csrf);
    send_req(f, "POST", "/followup", ac, form, 0, &r);
    assert_int_equal(r.status, 303);
    char want[64];
    snprintf(want, sizeof want, "/followup?task=%lld", (long long)id);
    assert_string_equal(r.location, want);
    free(r.body);
    /* taking twice conflicts */
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 409);
    snprintf(form, sizeof form, "action=note&id=%lld&note=called+%%3Cback%%3E&csrf=%s",
             (long long)id, csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 303);
    snprintf(form, sizeof form, "action=close&id=%lld&csrf=%s", (long long)id, csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 303);
    snprintf(form, sizeof form, "action=close&id=999999&csrf=%s", csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 404);
    snprintf(form, sizeof form, "action=explode&id=%lld&csrf=%s", (long long)id, csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 400);
    memset(&c, 0, sizeof c);
    assert_int_equal(s->vt->task_scan(s, &tf, collect_cb, &c, &err), CX_OK);
    assert_int_equal(c.state[0], CX_TASK_CLOSED);
    assert_string_equal(c.who[0], "ad");
    /* the task page shows the escaped note; the queue counts follow */
    send_req(f, "GET", want, ac, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "called &lt;back&gt;"));
    assert_null(strstr(r.body, "<back>"));
    free(r.body);
    send_req(f, "GET", "/followup?from=2026-01-01&to=2026-03-01", ac, NULL, 0, &r);
    assert_non_null(strstr(r.body, "data-metric=\"tasks_open\" data-n=\"2\""));
    assert_non_null(strstr(r.body, "data-metric=\"tasks_closed\" data-n=\"1\""));
    free(r.body);
    cx_store_close(s);
}

static void test_admin_creates_key(void **state)
{
    struct fixture *f = *state;
    char ac[160], csrf[80], form[512];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, csrf, sizeof csrf), 303);
    struct reply r;
    snprintf(form, sizeof form, "action=key_create&scope=read&name=dash+test&csrf=%s", csrf);
    send_req(f, "POST", "/settings", ac, form, 0, &r);
    assert_int_equal(r.status, 200);
    const char *k = strstr(r.body, "cxp_");
    assert_non_null(k);
    char key[128];
    size_t n = strcspn(k, "<\" ");
    assert_true(n < sizeof key);
    memcpy(key, k, n);
    key[n] = 0;
    free(r.body);
    /* the new key works against the API with its scope */
    struct cx_store *s = open_store(f);
    struct cx_err err = {{0}};
    struct cx_api_key ak;
    assert_int_equal(s->vt->key_check(s, key, &ak, &err), CX_OK);
    assert_string_equal(ak.scope, "read");
    assert_string_equal(ak.name, "dash test");
    snprintf(form, sizeof form, "action=key_create&scope=root&csrf=%s", csrf);
    assert_int_equal(status_of(f, "POST", "/settings", ac, form), 400);
    snprintf(form, sizeof form, "action=key_revoke&id=%lld&csrf=%s", (long long)ak.id, csrf);
    assert_int_equal(status_of(f, "POST", "/settings", ac, form), 200);
    assert_int_equal(s->vt->key_check(s, key, &ak, &err), CX_ENOTFOUND);
    /* users: create with a generated password, refuse deleting oneself */
    snprintf(form, sizeof form, "action=user_create&name=zed&role=viewer&csrf=%s", csrf);
    send_req(f, "POST", "/settings", ac, form, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Created user zed"));
    free(r.body);
    snprintf(form, sizeof form, "action=user_delete&name=ad&csrf=%s", csrf);
    assert_int_equal(status_of(f, "POST", "/settings", ac, form), 400);
    snprintf(form, sizeof form, "action=user_delete&name=zed&csrf=%s", csrf);
    assert_int_equal(status_of(f, "POST", "/settings", ac, form), 200);
    struct cx_user *u = NULL;
    assert_int_equal(s->vt->user_list(s, &u, &n, &err), CX_OK);
    assert_int_equal(n, 2);
    free(u);
    cx_store_close(s);
}

/* Decodes the HTML entities the dashboard writes. */
static void unescape(char *s)
{
    static const char *const ent[][2] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
    char *w = s;
    while (*s) {
        size_t i = 0;
        for (; i < 5; i++)
            if (!strncmp(s, ent[i][0], strlen(ent[i][0]))) break;
        if (i < 5) {
            *w++ = ent[i][1][0];
            s += strlen(ent[i][0]);
        } else {
            *w++ = *s++;
        }
    }
    *w = 0;
}

/* The rows of table id as "cell,cell,...\r\n" lines, tags stripped. */
static void html_rows(const char *html, const char *id, char *out, size_t cap)
{
    char mark[64];
    snprintf(mark, sizeof mark, "<table id=\"t-%s\">", id);
    const char *p = strstr(html, mark);
    assert_non_null(p);
    p = strstr(p, "<tbody>");
    const char *end = strstr(p, "</tbody>");
    size_t n = 0;
    out[0] = 0;
    while ((p = strstr(p, "<tr")) && p < end) {
        const char *rend = strstr(p, "</tr>");
        int first = 1;
        const char *c = p;
        while ((c = strstr(c, "<td")) && c < rend) {
            c = strchr(c, '>') + 1;
            const char *ce = strstr(c, "</td>");
            char cell[512];
            size_t k = 0;
            int tag = 0;
            for (const char *q = c; q < ce && k + 1 < sizeof cell; q++) {
                if (*q == '<')
                    tag = 1;
                else if (*q == '>')
                    tag = 0;
                else if (!tag)
                    cell[k++] = *q;
            }
            cell[k] = 0;
            unescape(cell);
            n += (size_t)snprintf(out + n, cap - n, "%s%s", first ? "" : ",", cell);
            first = 0;
            c = ce;
        }
        n += (size_t)snprintf(out + n, cap - n, "\r\n");
        p = rend;
    }
}

static void test_csv_export(void **state)
{
    struct fixture *f = *state;
    char ac[160];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, NULL, 0), 303);
    static const char *const views[][2] = {
        {"/responses?from=2026-01-01&to=2026-03-01", "responses"},
        {"/?from=2026-01-01&to=2026-03-01", "by-channel"},
        {"/trends?from=2026-01-01&to=2026-03-01&grain=month", "trend"},
        {"/followup?from=2026-01-01&to=2026-03-01", "tasks"},
        {"/effort?from=2026-01-01&to=2026-03-01", "effort"},
    };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        struct reply page, csv;
        send_req(f, "GET", views[i][0], ac, NULL, 0, &page);
        assert_int_equal(page.status, 200);
        char url[256];
        snprintf(url, sizeof url, "%s&export=%s", views[i][0], views[i][1]);
        send_req(f, "GET", url, ac, NULL, 0, &csv);
        assert_int_equal(csv.status, 200);
        assert_string_equal(csv.ctype, "text/csv; charset=utf-8");
        assert_true(!strncmp(csv.disposition, "attachment; filename=\"cxpulse-", 30));
        assert_non_null(strstr(csv.disposition, ".csv\""));
        char rowsbuf[8192];
        html_rows(page.body, views[i][1], rowsbuf, sizeof rowsbuf);
        const char *body = strstr(csv.body, "\r\n"); /* after the header */
        assert_non_null(body);
        assert_string_equal(body + 2, rowsbuf);
        assert_true(strlen(rowsbuf) > 0);
        free(page.body);
        free(csv.body);
    }
    /* the responses table holds the low-score marker as text, and escapes */
    struct reply r;
    send_req(f, "GET", "/responses?from=2026-01-01&to=2026-03-01&export=responses", ac, NULL, 0,
             &r);
    assert_non_null(strstr(r.body, ",low,"));
    assert_non_null(strstr(r.body, "<b>slow</b> & rude"));
    free(r.body);
    send_req(f, "GET", "/responses?from=2026-01-01&to=2026-03-01", ac, NULL, 0, &r);
    assert_null(strstr(r.body, "<b>slow"));
    assert_non_null(strstr(r.body, "<tr class=\"low\">"));
    free(r.body);
}

static void test_garbage(void **state)
{
    struct fixture *f = *state;
    char ac[160], csrf[80], form[512];
    assert_int_equal(login(f, "ad", ADMIN_PW, ac, sizeof ac, csrf, sizeof csrf), 303);
    static const char *const bodies[] = {"%zz", "&&&===", "csrf", "%00=%00", "a=%", ""};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        assert_int_equal(status_of(f, "POST", "/followup", ac, bodies[i]), 403);
    /* a NUL inside the token value does not pass */
    snprintf(form, sizeof form, "csrf=%.10s%%00%s&action=take&id=1", csrf, csrf + 10);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 403);
    snprintf(form, sizeof form, "csrf=%s&action=take&id=abc", csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 400);
    snprintf(form, sizeof form, "csrf=%s&action=take&id=-5", csrf);
    assert_int_equal(status_of(f, "POST", "/followup", ac, form), 400);
    static const char *const cookies[] = {
        "", ";;;", "cxsid", "cxsid=", "cxsid=;cxsid=x", "cxsid=\xff\xfe", "a=b; cxsid=\"quoted\""};
    for (size_t i = 0; i < sizeof cookies / sizeof cookies[0]; i++)
        assert_int_equal(status_of(f, "GET", "/", cookies[i], NULL), 303);
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memcpy(big, "cxsid=", 6);
    assert_int_equal(status_of(f, "GET", "/", big, NULL), 303);
    char url[1200];
    snprintf(url, sizeof url, "/responses?q=%.1000s", big);
    assert_int_equal(status_of(f, "GET", url, ac, NULL), 400);
    assert_int_equal(status_of(f, "DELETE", "/", ac, NULL), 405);
    assert_int_equal(status_of(f, "GET", "/?grain=hour", ac, NULL), 400);
    assert_int_equal(status_of(f, "GET", "/?val=x", ac, NULL), 400);
    assert_int_equal(status_of(f, "GET", "/responses?page=-3&q=%3Cscript%3E", ac, NULL), 200);
    assert_int_equal(status_of(f, "GET", "/followup?task=abc", ac, NULL), 200);
    assert_int_equal(status_of(f, "GET", "/followup?task=424242", ac, NULL), 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operations_off_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_followup_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_creates_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
