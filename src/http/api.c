/* api.c - routes, authentication, rate limits and handlers of /api/v1. */
#include "http/api.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/hmap.h"
#include "engine/journey.h"
#include "engine/report.h"
#include "http/api_int.h"
#include "http/dash.h"
#include "http/openapi.h"
#include "http/pages.h"
#include "io/ndjson.h"
#include "io/record.h"

#define MAX_DEPTH 32 /* JSON nesting accepted in request bodies */

/* ---- metrics ---- */

#define NROUTES 21
#define NBUCKETS 12
static const double bucket_le[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                           0.05,   0.1,   0.25,   0.5,   1,    2.5};
static const char *const route_names[NROUTES] = {"/healthz",
                                                 "/api/v1/openapi.json",
                                                 "/api/v1/responses",
                                                 "/api/v1/events",
                                                 "/api/v1/report",
                                                 "/api/v1/customers/{id}",
                                                 "/metrics",
                                                 "unmatched",
                                                 "/api/v1/healthz",
                                                 "/s/{token}",
                                                 "/widget.js",
                                                 "/api/v1/surveys",
                                                 "/api/v1/surveys/{id}",
                                                 "/api/v1/surveys/{id}/invitations",
                                                 "/api/v1/surveys/{id}/form",
                                                 "/api/v1/surveys/{id}/answers",
                                                 "/api/v1/drivers",
                                                 "/api/v1/topics",
                                                 "/api/v1/lost",
                                                 "channels",
                                                 "dashboard"};

struct status_count {
    char method[8];
    int route, status;
    unsigned long long n;
};

struct metrics {
    pthread_mutex_t mu;
    struct status_count counts[256];
    size_t ncounts;
    unsigned long long hist[NROUTES][NBUCKETS + 1];
    double sum[NROUTES];
    unsigned long long total[NROUTES];
    unsigned long long rows_ingested, rows_rejected;
};

/* ---- rate limit: token bucket per key ---- */

struct bucket {
    double tokens;
    double last; /* seconds */
};

struct cx_api {
    char dir[4096];
    struct cx_writer *writer;
    struct cx_api_config cfg;
    pthread_key_t store_key;
    pthread_mutex_t rl_mu;
    struct cx_hmap buckets;
    struct metrics m;
    pthread_mutex_t stores_mu;
    struct cx_store **stores; /* every read connection, closed in cx_api_free */
    size_t nstores, capstores;
    char base_url[256];
    struct cx_dispatcher *dispatcher;
    struct cx_dash_warmer *warmer;
    /* report results, reused while no commit happened, or for up to
     * cfg.report_max_age_ms while data is being written */
    pthread_mutex_t rc_mu;
    struct rcache {
        char *key, *body;
        size_t len;
        double at;
        unsigned long long version;
    } rc[64];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cx_api_new(const char *dir, struct cx_writer *w, const struct cx_api_config *cfg,
               struct cx_api **out, struct cx_err *err)
{
    struct cx_api *api = calloc(1, sizeof *api);
    if (!api) return cx_fail(err, CX_ENOMEM, "out of memory");
    snprintf(api->dir, sizeof api->dir, "%s", dir);
    api->writer = w;
    if (cfg) api->cfg = *cfg;
    if (!api->cfg.max_body) api->cfg.max_body = 8u << 20;
    if (!api->cfg.max_batch) api->cfg.max_batch = 10000;
    if (api->cfg.rate_per_key > 0 && api->cfg.burst_per_key < 1)
        api->cfg.burst_per_key = api->cfg.rate_per_key * 2;
    pthread_key_create(&api->store_key, NULL);
    pthread_mutex_init(&api->rl_mu, NULL);
    pthread_mutex_init(&api->m.mu, NULL);
    pthread_mutex_init(&api->stores_mu, NULL);
    pthread_mutex_init(&api->rc_mu, NULL);
    cx_hmap_init(&api->buckets);
    *out = api;
    return CX_OK;
}

void cx_api_free(struct cx_api *api)
{
    cx_dash_async_wait(); /* their threads use the store directory */
    if (!api) return;
    for (size_t i = 0; i < api->nstores; i++) cx_store_close(api->stores[i]);
    free(api->stores);
    for (size_t i = 0; i < api->buckets.cap; i++) free(api->buckets.slots[i].val);
    cx_hmap_free(&api->buckets);
    pthread_key_delete(api->store_key);
    pthread_mutex_destroy(&api->rl_mu);
    pthread_mutex_destroy(&api->m.mu);
    pthread_mutex_destroy(&api->stores_mu);
    for (size_t i = 0; i < sizeof api->rc / sizeof api->rc[0]; i++) {
        free(api->rc[i].key);
        free(api->rc[i].body);
    }
    pthread_mutex_destroy(&api->rc_mu);
    free(api);
}

/* The calling thread's read connection, opened on first use. */
static struct cx_store *thread_store(struct cx_api *api, struct cx_err *err)
{
    struct cx_store *s = pthread_getspecific(api->store_key);
    if (s) return s;
    if (cx_store_open_sqlite(api->dir, NULL, &s, err)) return NULL;
    pthread_mutex_lock(&api->stores_mu);
    if (api->nstores == api->capstores) {
        size_t nc = api->capstores ? api->capstores * 2 : 16;
        struct cx_store **n = realloc(api->stores, nc * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&api->stores_mu);
            cx_store_close(s);
            cx_fail(err, CX_ENOMEM, "out of memory");
            return NULL;
        }
        api->stores = n;
        api->capstores = nc;
    }
    api->stores[api->nstores++] = s;
    pthread_mutex_unlock(&api->stores_mu);
    pthread_setspecific(api->store_key, s);
    return s;
}

void cx_http_resp_clear(struct cx_http_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

/* ---- responses ---- */

static void set_body(struct cx_http_resp *r, int status, const char *type, char *body, size_t len)
{
    free(r->body);
    r->status = status;
    r->content_type = type;
    r->body = body;
    r->len = len;
}

static void send_json(struct cx_http_resp *r, int status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!s) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        char *c = strdup(oom);
        set_body(r, 500, "application/json", c, c ? strlen(c) : 0);
        return;
    }
    size_t n = strlen(s);
    char *b = realloc(s, n + 2);
    if (b) {
        b[n++] = '\n';
        b[n] = 0;
        s = b;
    } else {
        n = strlen(s);
    }
    set_body(r, status, "application/json", s, n);
}

static const char *status_code_name(int status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 409:
        return "conflict";
    case 413:
        return "payload_too_large";
    case 415:
        return "unsupported_media_type";
    case 422:
        return "unprocessable";
    case 429:
        return "rate_limited";
    case 503:
        return "unavailable";
    default:
        return "internal";
    }
}

static void send_error(struct cx_http_resp *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void send_error(struct cx_http_resp *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *e =
        json_pack("{s:{s:s,s:s}}", "error", "code", status_code_name(status), "message", msg);
    send_json(r, status, e);
}

void cx_api_send_json(struct cx_http_resp *r, int status, json_t *j)
{
    send_json(r, status, j);
}

void cx_api_send_error(struct cx_http_resp *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    send_error(r, status, "%s", msg);
}

void cx_api_send_body(struct cx_http_resp *r, int status, const char *type, char *body, size_t len)
{
    set_body(r, status, type, body, len);
}

struct cx_store *cx_api_thread_store(struct cx_api *api, struct cx_err *err)
{
    return thread_store(api, err);
}

struct cx_writer *cx_api_writer(struct cx_api *api)
{
    return api->writer;
}

const char *cx_api_base_url(struct cx_api *api)
{
    if (api->base_url[0]) return api->base_url;
    return api->cfg.base_url && *api->cfg.base_url ? api->cfg.base_url : "http://127.0.0.1:8080";
}

void cx_api_set_base_url(struct cx_api *api, const char *url)
{
    snprintf(api->base_url, sizeof api->base_url, "%s", url);
}

void cx_api_set_dispatcher(struct cx_api *api, struct cx_dispatcher *d)
{
    api->dispatcher = d;
}

void cx_api_set_warmer(struct cx_api *api, struct cx_dash_warmer *w)
{
    api->warmer = w;
}

struct cx_dash_warmer *cx_api_warmer(struct cx_api *api)
{
    return api->warmer;
}

const char *cx_api_dir(struct cx_api *api)
{
    return api->dir;
}

struct cx_dispatcher *cx_api_dispatcher(struct cx_api *api)
{
    return api->dispatcher;
}

const struct cx_api_config *cx_api_config_of(struct cx_api *api)
{
    return &api->cfg;
}

const char *cx_api_company(struct cx_api *api)
{
    return api->cfg.company && *api->cfg.company ? api->cfg.company : "Acme";
}

/* ---- auth ---- */

enum scope { SCOPE_NONE, SCOPE_INGEST, SCOPE_READ, SCOPE_ADMIN, SCOPE_ANSWER };

static enum scope scope_of(const char *s)
{
    if (!strcmp(s, "admin")) return SCOPE_ADMIN;
    if (!strcmp(s, "read")) return SCOPE_READ;
    if (!strcmp(s, "ingest")) return SCOPE_INGEST;
    return SCOPE_NONE;
}

/* Checks the bearer key and its scope (admin may do everything). Returns 1
 * when allowed, else fills resp and returns 0. */
static int authorize_for(struct cx_api *api, const struct cx_http_req *req, enum scope need,
                         const char *survey, struct cx_http_resp *resp);

static int authorize(struct cx_api *api, const struct cx_http_req *req, enum scope need,
                     struct cx_http_resp *resp)
{
    return authorize_for(api, req, need, NULL, resp);
}

int cx_api_authorize(struct cx_api *api, const struct cx_http_req *req, int need,
                     const char *survey, struct cx_http_resp *resp)
{
    static const enum scope map[] = {SCOPE_INGEST, SCOPE_READ, SCOPE_ADMIN, SCOPE_ANSWER};
    return authorize_for(api, req, map[need], survey, resp);
}

/* Checks the bearer key: admin may do everything; "answer:<survey>" keys
 * (the web widget's public keys) may only answer and read that survey; a
 * read key may also read a survey's form. */
static int authorize_for(struct cx_api *api, const struct cx_http_req *req, enum scope need,
                         const char *survey, struct cx_http_resp *resp)
{
    const char *h = req->authorization;
    if (!h || !*h) {
        send_error(resp, 401, "missing API key: send 'Authorization: Bearer KEY'");
        return 0;
    }
    if (strncasecmp(h, "Bearer ", 7) || !h[7]) {
        send_error(resp, 401, "malformed Authorization header: expected 'Bearer KEY'");
        return 0;
    }
    struct cx_err err = {{0}};
    struct cx_store *s = thread_store(api, &err);
    if (!s) {
        send_error(resp, 503, "store unavailable: %s", err.msg);
        return 0;
    }
    struct cx_api_key key;
    int rc = s->vt->key_check(s, h + 7, &key, &err);
    if (rc == CX_ESTORE) {
        send_error(resp, 503, "store unavailable");
        return 0;
    }
    if (rc) {
        send_error(resp, 401, "%s", err.msg);
        return 0;
    }
    snprintf(resp->key_name, sizeof resp->key_name, "%s", key.name);
    enum scope have = scope_of(key.scope);
    int ok = have == SCOPE_ADMIN || have == need;
    if (need == SCOPE_ANSWER && survey) {
        char want[96];
        snprintf(want, sizeof want, "answer:%s", survey);
        ok = have == SCOPE_ADMIN || !strcmp(key.scope, want);
    }
    if (!ok) {
        send_error(resp, 403, "this key has scope '%s'; this request needs '%s'", key.scope,
                   need == SCOPE_INGEST  ? "ingest"
                   : need == SCOPE_READ  ? "read"
                   : need == SCOPE_ADMIN ? "admin"
                                         : "answer for this survey");
        return 0;
    }
    if (api->cfg.rate_per_key > 0) {
        char id[32];
        int n = snprintf(id, sizeof id, "%lld", (long long)key.id);
        pthread_mutex_lock(&api->rl_mu);
        int created;
        void **slot = cx_hmap_put(&api->buckets, id, (size_t)n, &created);
        struct bucket *b = slot ? *slot : NULL;
        double t = now_s();
        if (slot && created) {
            b = calloc(1, sizeof *b);
            if (b) {
                b->tokens = api->cfg.burst_per_key;
                b->last = t;
            }
            *slot = b;
        }
        int limited = 0;
        double wait = 0;
        if (b) {
            b->tokens += (t - b->last) * api->cfg.rate_per_key;
            if (b->tokens > api->cfg.burst_per_key) b->tokens = api->cfg.burst_per_key;
            b->last = t;
            if (b->tokens >= 1) {
                b->tokens -= 1;
            } else {
                limited = 1;
                wait = (1 - b->tokens) / api->cfg.rate_per_key;
            }
        }
        pthread_mutex_unlock(&api->rl_mu);
        if (limited) {
            resp->retry_after = (int)ceil(wait) > 0 ? (int)ceil(wait) : 1;
            send_error(resp, 429, "rate limit of %.0f requests/s for this key exceeded",
                       api->cfg.rate_per_key);
            return 0;
        }
    }
    return 1;
}

/* ---- helpers ---- */

const char *cx_api_param(const struct cx_http_req *req, const char *key)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (!strcmp(req->query[i].key, key)) return req->query[i].val;
    return NULL;
}

static const char *param(const struct cx_http_req *req, const char *key)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (!strcmp(req->query[i].key, key)) return req->query[i].val;
    return NULL;
}

/* Maximum nesting depth of JSON text (strings skipped); with lines set,
 * each line (NDJSON) is measured on its own. Unbalanced brackets are left
 * to the parser to explain. */
static int json_depth(const char *s, size_t n, int lines)
{
    int d = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++d > max) max = d;
        } else if (c == '}' || c == ']') {
            d--;
        } else if (c == '\n' && lines) {
            d = 0; /* NDJSON: each line on its own */
        }
    }
    return max;
}

static int media_is(const char *ct, const char *want)
{
    if (!ct) return 0;
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

struct membuf {
    const char *p;
    size_t len, pos;
};

static long mem_read(void *ctx, char *buf, size_t cap)
{
    struct membuf *m = ctx;
    size_t n = m->len - m->pos;
    if (n > cap) n = cap;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (long)n;
}

static const char *put_name(enum cx_put p)
{
    return p == CX_PUT_INSERTED ? "inserted" : p == CX_PUT_UNCHANGED ? "unchanged" : "updated";
}

static json_t *reject_json(long line, const struct cx_reject *why)
{
    json_t *o = json_object();
    if (line > 0) json_object_set_new(o, "line", json_integer(line));
    json_object_set_new(o, "error",
                        json_pack("{s:s,s:s}", "field", why->field, "reason", why->reason));
    return o;
}

static int validate(enum cx_record_type type, const struct cx_row *row, struct cx_write_item *it,
                    struct cx_reject *why)
{
    it->type = type;
    return type == CX_RESPONSES ? cx_response_from_row(row, &it->r, why)
                                : cx_event_from_row(row, &it->e, why);
}

static void count_rows(struct cx_api *api, uint64_t ok, uint64_t bad)
{
    pthread_mutex_lock(&api->m.mu);
    api->m.rows_ingested += ok;
    api->m.rows_rejected += bad;
    pthread_mutex_unlock(&api->m.mu);
}

static int writer_status(int rc)
{
    return rc == CX_ELIMIT || rc == CX_EIO || rc == CX_ESTORE ? 503 : 500;
}

/* POST of one JSON object. */
static void ingest_one(struct cx_api *api, const struct cx_http_req *req, enum cx_record_type type,
                       struct cx_http_resp *resp)
{
    struct cx_ndjson *nd = cx_ndjson_new(NULL, NULL, api->cfg.max_body);
    if (!nd) {
        send_error(resp, 500, "out of memory");
        return;
    }
    struct cx_row row;
    struct cx_err err = {{0}};
    if (cx_ndjson_parse_object(nd, req->body, req->body_len, &row, &err) != 1) {
        send_error(resp, 400, "invalid JSON: %s", err.msg);
        cx_ndjson_free(nd);
        return;
    }
    struct cx_write_item it;
    memset(&it, 0, sizeof it);
    struct cx_reject why;
    int v = validate(type, &row, &it, &why);
    cx_ndjson_free(nd);
    if (v == -2) {
        send_error(resp, 500, "out of memory");
        return;
    }
    if (v) {
        resp->rows_rejected = 1;
        count_rows(api, 0, 1);
        json_t *o = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "unprocessable", "message",
                              "the row was rejected", "field", why.field);
        json_object_set_new(json_object_get(o, "error"), "reason", json_string(why.reason));
        send_json(resp, 422, o);
        return;
    }
    const char *ifnm = param(req, "create_only");
    it.create_only = ifnm && !strcmp(ifnm, "true");
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_PUT;
    job.items = &it;
    job.n = 1;
    int rc = cx_writer_submit(api->writer, &job);
    const char *id = type == CX_RESPONSES ? it.r.id : it.e.id;
    if (rc) {
        if (rc == CX_ELIMIT) resp->retry_after = 1;
        send_error(resp, writer_status(rc), "not stored: %s", job.err.msg);
    } else if (it.rc == CX_EEXIST) {
        send_error(resp, 409, "id '%s' already exists with different content", id);
    } else {
        resp->rows_ok = 1;
        count_rows(api, 1, 0);
        send_json(resp, it.res == CX_PUT_INSERTED ? 201 : 200,
                  json_pack("{s:s,s:s}", "id", id, "result", put_name(it.res)));
    }
    cx_write_job_clear(&job);
}

static int cmp_line(const void *x, const void *y)
{
    json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "line"));
    json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "line"));
    return (a > b) - (a < b);
}

/* POST of an NDJSON batch: per-row results, good rows stored together. */
static void ingest_batch(struct cx_api *api, const struct cx_http_req *req,
                         enum cx_record_type type, struct cx_http_resp *resp)
{
    struct membuf mb = {req->body, req->body_len, 0};
    struct cx_ndjson *nd = cx_ndjson_new(mem_read, &mb, api->cfg.max_body);
    size_t cap = 64, n = 0;
    struct cx_write_item *items = calloc(cap, sizeof *items);
    long *lines = calloc(cap, sizeof *lines);
    json_t *results = json_array();
    if (!nd || !items || !lines || !results) {
        send_error(resp, 500, "out of memory");
        goto out;
    }
    const char *co = param(req, "create_only");
    int create_only = co && !strcmp(co, "true");
    size_t rows = 0, rejected = 0;
    for (;;) {
        struct cx_row row;
        struct cx_err err = {{0}};
        int r = cx_ndjson_next(nd, &row, &err);
        if (r == 0) break;
        if (++rows > api->cfg.max_batch) {
            send_error(resp, 413, "batch longer than %zu rows", api->cfg.max_batch);
            goto out;
        }
        if (r < 0) {
            struct cx_reject why = {"", ""};
            size_t ml = strnlen(err.msg, sizeof why.reason - 1);
            memcpy(why.reason, err.msg, ml);
            why.reason[ml] = 0;
            json_array_append_new(results, reject_json(row.line, &why));
            rejected++;
            continue;
        }
        if (n == cap) {
            cap *= 2;
            struct cx_write_item *ni = realloc(items, cap * sizeof *ni);
            long *nl = ni ? realloc(lines, cap * sizeof *nl) : NULL;
            if (ni) items = ni;
            if (nl) lines = nl;
            if (!ni || !nl) {
                send_error(resp, 500, "out of memory");
                goto out;
            }
        }
        memset(&items[n], 0, sizeof items[n]);
        struct cx_reject why;
        int v = validate(type, &row, &items[n], &why);
        if (v == -2) {
            send_error(resp, 500, "out of memory");
            goto out;
        }
        if (v) {
            json_array_append_new(results, reject_json(row.line, &why));
            rejected++;
            continue;
        }
        items[n].create_only = create_only;
        lines[n++] = row.line;
    }
    if (rows == 0) {
        send_error(resp, 400, "empty batch: send one JSON object per line");
        goto out;
    }
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_PUT;
    job.items = items;
    job.n = n;
    if (n) {
        int rc = cx_writer_submit(api->writer, &job);
        if (rc) {
            if (rc == CX_ELIMIT) resp->retry_after = 1;
            send_error(resp, writer_status(rc), "not stored: %s", job.err.msg);
            goto out;
        }
    }
    uint64_t cnt[3] = {0, 0, 0};
    size_t stored = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = items[i].type == CX_RESPONSES ? items[i].r.id : items[i].e.id;
        if (items[i].rc == CX_EEXIST) { /* create_only refused this row */
            json_t *o = json_pack("{s:I,s:s,s:{s:s,s:s}}", "line", (json_int_t)lines[i], "id", id,
                                  "error", "field", "id", "reason",
                                  "already exists with different content (create_only)");
            json_array_append_new(results, o);
            rejected++;
            continue;
        }
        cnt[items[i].res]++;
        stored++;
        json_t *o = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)lines[i], "id", id, "result",
                              put_name(items[i].res));
        json_array_append_new(results, o);
    }
    resp->rows_ok = stored;
    resp->rows_rejected = rejected;
    count_rows(api, stored, rejected);
    /* results in line order */
    size_t nres = json_array_size(results);
    json_t **sorted = malloc((nres + 1) * sizeof *sorted);
    if (!sorted) {
        send_error(resp, 500, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nres; i++) sorted[i] = json_incref(json_array_get(results, i));
    qsort(sorted, nres, sizeof *sorted, cmp_line);
    json_array_clear(results);
    for (size_t i = 0; i < nres; i++) json_array_append_new(results, sorted[i]);
    free(sorted);
    json_t *body = json_pack("{s:I,s:I,s:I,s:I}", "inserted", (json_int_t)cnt[CX_PUT_INSERTED],
                             "unchanged", (json_int_t)cnt[CX_PUT_UNCHANGED], "updated",
                             (json_int_t)cnt[CX_PUT_UPDATED], "rejected", (json_int_t)rejected);
    json_object_set(body, "results", results);
    if (stored == 0) /* nothing stored: an error, with the per-row results */
        json_object_set_new(body, "error",
                            json_pack("{s:s,s:s}", "code", "unprocessable", "message",
                                      "every row of the batch was rejected"));
    send_json(resp, stored == 0 ? 422 : 200, body);
out:
    if (items) {
        struct cx_write_job tmp = {0};
        tmp.items = items;
        tmp.n = n;
        cx_write_job_clear(&tmp);
    }
    free(items);
    free(lines);
    json_decref(results);
    cx_ndjson_free(nd);
}

static void handle_ingest(struct cx_api *api, const struct cx_http_req *req,
                          enum cx_record_type type, struct cx_http_resp *resp)
{
    if (req->body_too_large) {
        send_error(resp, 413, "request body larger than %zu bytes", api->cfg.max_body);
        return;
    }
    int ndjson = media_is(req->content_type, "application/x-ndjson") ||
                 media_is(req->content_type, "application/ndjson");
    if (!ndjson && !media_is(req->content_type, "application/json")) {
        send_error(resp, 415,
                   "Content-Type must be application/json (one object) or "
                   "application/x-ndjson (a batch)");
        return;
    }
    if (req->body_len == 0) {
        send_error(resp, 400, "empty request body");
        return;
    }
    if (json_depth(req->body, req->body_len, ndjson) > MAX_DEPTH) {
        send_error(resp, 400, "JSON nested deeper than %d levels", MAX_DEPTH);
        return;
    }
    if (ndjson)
        ingest_batch(api, req, type, resp);
    else
        ingest_one(api, req, type, resp);
}

static unsigned long long data_version(struct cx_api *api)
{
    struct cx_writer_stats ws = {0};
    if (api->writer) cx_writer_get_stats(api->writer, &ws);
    return ws.commits;
}

/* Looks key up in the report cache; on a hit copies the body into resp. */
static int cache_get(struct cx_api *api, const char *key, struct cx_http_resp *resp)
{
    size_t slot = (size_t)(cx_hash(key, strlen(key)) % (sizeof api->rc / sizeof api->rc[0]));
    unsigned long long v = data_version(api);
    double now = now_s();
    int hit = 0;
    pthread_mutex_lock(&api->rc_mu);
    struct rcache *c = &api->rc[slot];
    if (c->key && !strcmp(c->key, key) &&
        (c->version == v || (now - c->at) * 1000.0 < (double)api->cfg.report_max_age_ms)) {
        char *b = malloc(c->len + 1);
        if (b) {
            memcpy(b, c->body, c->len);
            set_body(resp, 200, "application/json", b, c->len);
            hit = 1;
        }
    }
    pthread_mutex_unlock(&api->rc_mu);
    return hit;
}

static void cache_put(struct cx_api *api, const char *key, unsigned long long version, double at,
                      const char *body, size_t len)
{
    size_t slot = (size_t)(cx_hash(key, strlen(key)) % (sizeof api->rc / sizeof api->rc[0]));
    char *k = strdup(key), *b = malloc(len + 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(b, body, len);
    pthread_mutex_lock(&api->rc_mu);
    struct rcache *c = &api->rc[slot];
    free(c->key);
    free(c->body);
    c->key = k;
    c->body = b;
    c->len = len;
    c->at = at;
    c->version = version;
    pthread_mutex_unlock(&api->rc_mu);
}

static void handle_report(struct cx_api *api, const struct cx_http_req *req,
                          struct cx_http_resp *resp)
{
    /* the query as sent is the cache key */
    char key[2048];
    size_t kl = 0;
    int cacheable = 1;
    for (size_t i = 0; i < req->nquery; i++) {
        int w = snprintf(key + kl, sizeof key - kl, "%s=%s&", req->query[i].key, req->query[i].val);
        if (w < 0 || (size_t)w >= sizeof key - kl) {
            cacheable = 0;
            break;
        }
        kl += (size_t)w;
    }
    key[kl] = 0;
    if (cacheable && cache_get(api, key, resp)) return;
    unsigned long long version = data_version(api);
    double started = now_s();
    struct cx_query q;
    cx_query_init(&q);
    struct cx_err err = {{0}};
    int rc = 0;
    for (size_t i = 0; i < req->nquery && !rc; i++) {
        const char *k = req->query[i].key, *v = req->query[i].val;
        if (!strcmp(k, "metric"))
            rc = cx_query_add_metrics(&q, v, &err);
        else if (!strcmp(k, "by"))
            rc = cx_query_add_by(&q, v, &err);
        else if (!strcmp(k, "where"))
            rc = cx_query_add_where(&q, v, &err);
        else if (!strcmp(k, "short_abandon"))
            rc = cx_query_set_short_abandon(&q, v, &err);
        else if (!strcmp(k, "from"))
            free(q.from), q.from = strdup(v);
        else if (!strcmp(k, "to"))
            free(q.to), q.to = strdup(v);
        else if (!strcmp(k, "tz"))
            free(q.tz), q.tz = strdup(v);
        else if (!strcmp(k, "compare"))
            free(q.compare), q.compare = strdup(v);
        else
            rc = cx_fail(&err, CX_EINVAL, "unknown parameter '%s'", k);
    }
    if (rc) {
        send_error(resp, 400, "%s", err.msg);
        cx_query_free(&q);
        return;
    }
    struct cx_store *s = thread_store(api, &err);
    struct cx_report *r = NULL;
    if (!s) {
        send_error(resp, 503, "store unavailable: %s", err.msg);
    } else if ((rc = cx_report_run(s, &q, &r, &err))) {
        send_error(resp, rc == CX_EINVAL ? 400 : 500, "%s", err.msg);
    } else {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f || cx_report_write(f, r, CX_REPORT_JSON)) {
            if (f) fclose(f);
            free(buf);
            send_error(resp, 500, "out of memory");
        } else {
            fclose(f);
            if (cacheable) cache_put(api, key, version, started, buf, len);
            set_body(resp, 200, "application/json", buf, len);
        }
    }
    cx_report_free(r);
    cx_query_free(&q);
}

static void handle_customer(struct cx_api *api, const struct cx_http_req *req, const char *id,
                            struct cx_http_resp *resp)
{
    struct cx_err err = {{0}};
    if (!id[0] || strlen(id) > CX_ID_MAX) {
        send_error(resp, 400, "customer id must be 1-128 bytes");
        return;
    }
    if (!strcmp(req->method, "DELETE")) {
        struct cx_write_job job;
        memset(&job, 0, sizeof job);
        job.kind = CX_JOB_ERASE;
        job.customer = id;
        int rc = cx_writer_submit(api->writer, &job);
        if (rc)
            send_error(resp, writer_status(rc), "erase failed: %s", job.err.msg);
        else if (job.erased_responses + job.erased_events == 0)
            send_error(resp, 404, "no data for customer '%s'", id);
        else
            send_json(resp, 200,
                      json_pack("{s:s,s:I,s:I}", "customer", id, "erased_responses",
                                (json_int_t)job.erased_responses, "erased_events",
                                (json_int_t)job.erased_events));
        return;
    }
    struct cx_store *s = thread_store(api, &err);
    if (!s) {
        send_error(resp, 503, "store unavailable: %s", err.msg);
        return;
    }
    struct cx_journey j;
    if (cx_journey_load(s, id, &j, &err)) {
        send_error(resp, 500, "%s", err.msg);
        return;
    }
    if (j.n == 0)
        send_error(resp, 404, "no data for customer '%s'", id);
    else
        send_json(resp, 200, cx_journey_to_json(id, &j));
    cx_journey_free(&j);
}

/* ---- routing ---- */

enum route_id {
    R_HEALTH,
    R_OPENAPI,
    R_RESPONSES,
    R_EVENTS,
    R_REPORT,
    R_CUSTOMER,
    R_METRICS,
    R_NONE,
    R_HEALTH2,
    R_PAGE,
    R_WIDGET,
    R_SURVEYS,
    R_DRIVERS = 16,
    R_TOPICS,
    R_LOST,
    R_CHANNELS, /* webhooks, unsubscribe, chat, triggers, alerts, outbox */
    R_DASH,     /* everything else outside /api/: the dashboard */
};

static int match(const char *path, const char **rest)
{
    static const char cust[] = "/api/v1/customers/";
    if (!strcmp(path, "/healthz")) return R_HEALTH;
    if (!strcmp(path, "/api/v1/healthz")) return R_HEALTH2;
    if (!strcmp(path, "/api/v1/openapi.json")) return R_OPENAPI;
    if (!strcmp(path, "/api/v1/responses")) return R_RESPONSES;
    if (!strcmp(path, "/api/v1/events")) return R_EVENTS;
    if (!strcmp(path, "/api/v1/report")) return R_REPORT;
    if (!strcmp(path, "/metrics")) return R_METRICS;
    if (!strcmp(path, "/widget.js")) return R_WIDGET;
    if (!strcmp(path, "/api/v1/drivers")) return R_DRIVERS;
    if (!strcmp(path, "/api/v1/topics")) return R_TOPICS;
    if (!strcmp(path, "/api/v1/lost")) return R_LOST;
    if (!strncmp(path, "/s/", 3) && path[3] && !strchr(path + 3, '/')) {
        *rest = path + 3;
        return R_PAGE;
    }
    if (!strcmp(path, "/api/v1/surveys") || !strncmp(path, "/api/v1/surveys/", 16)) {
        *rest = path + 15;
        return R_SURVEYS;
    }
    if (!strncmp(path, cust, sizeof cust - 1) && !strchr(path + sizeof cust - 1, '/')) {
        *rest = path + sizeof cust - 1;
        return R_CUSTOMER;
    }
    /* ids holding '/' cannot travel in the path: /api/v1/customers?id=... */
    if (!strcmp(path, "/api/v1/customers")) {
        *rest = NULL;
        return R_CUSTOMER;
    }
    if (!strncmp(path, "/webhooks/", 10) || !strncmp(path, "/u/", 3) ||
        !strcmp(path, "/api/v1/chat") || !strncmp(path, "/api/v1/triggers", 16) ||
        !strncmp(path, "/api/v1/alerts", 14) || !strncmp(path, "/api/v1/outbox", 14))
        return R_CHANNELS;
    if (strncmp(path, "/api/", 5) && path[0] == '/') return R_DASH;
    return R_NONE;
}

static const char *allowed(int route)
{
    switch (route) {
    case R_RESPONSES:
    case R_EVENTS:
        return "POST";
    case R_CUSTOMER:
        return "GET, DELETE";
    case R_PAGE:
        return "GET, POST";
    default:
        return "GET";
    }
}

const char *cx_http_header(const struct cx_http_req *req, const char *name)
{
    return req->header_fn ? req->header_fn(req->hctx, name) : NULL;
}

void cx_api_handle(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    const char *rest = "";
    int route = match(req->path ? req->path : "", &rest);
    resp->route = route_names[route];
    const char *m = req->method ? req->method : "";
    if (route == R_NONE) {
        send_error(resp, 404, "no such resource: %s", req->path ? req->path : "");
        return;
    }
    if (route == R_SURVEYS) { /* checks its own methods */
        cx_api_surveys(api, req, rest, resp);
        return;
    }
    if (route == R_CHANNELS) { /* checks its own methods */
        cx_api_channels(api, req, resp);
        return;
    }
    if (route == R_DASH) {
        cx_dash_handle(api, req, resp);
        return;
    }
    const char *allow = allowed(route);
    int ok_method = (!strcmp(m, "GET") && strstr(allow, "GET")) ||
                    (!strcmp(m, "POST") && strstr(allow, "POST")) ||
                    (!strcmp(m, "DELETE") && strstr(allow, "DELETE")) ||
                    (!strcmp(m, "HEAD") && strstr(allow, "GET"));
    if (!ok_method) {
        snprintf(resp->allow, sizeof resp->allow, "%s", allow);
        send_error(resp, 405, "method %s not allowed here (allowed: %s)", m, allow);
        return;
    }
    if (req->query_overflow) {
        send_error(resp, 400, "too many query parameters (at most %d)", CX_API_MAX_QUERY);
        return;
    }
    switch (route) {
    case R_HEALTH:
    case R_HEALTH2:
        send_json(resp, 200, json_pack("{s:s}", "status", "ok"));
        return;
    case R_PAGE:
        cx_pages_handle(api, req, rest, resp);
        return;
    case R_DRIVERS:
    case R_TOPICS:
    case R_LOST:
        cx_api_insights(api, req,
                        route == R_DRIVERS  ? "drivers"
                        : route == R_TOPICS ? "topics"
                                            : "lost",
                        resp);
        return;
    case R_WIDGET: {
        char *js = strdup(cx_widget_js);
        set_body(resp, js ? 200 : 500, "application/javascript; charset=utf-8", js,
                 js ? strlen(js) : 0);
        resp->cors = 1;
        return;
    }
    case R_OPENAPI: {
        char *doc = strdup(cx_openapi_json);
        set_body(resp, doc ? 200 : 500, "application/json", doc, doc ? strlen(doc) : 0);
        return;
    }
    case R_RESPONSES:
    case R_EVENTS:
        if (!authorize(api, req, SCOPE_INGEST, resp)) return;
        handle_ingest(api, req, route == R_RESPONSES ? CX_RESPONSES : CX_EVENTS, resp);
        return;
    case R_REPORT:
        if (!authorize(api, req, SCOPE_READ, resp)) return;
        handle_report(api, req, resp);
        return;
    case R_CUSTOMER:
        if (!authorize(api, req, !strcmp(m, "DELETE") ? SCOPE_ADMIN : SCOPE_READ, resp)) return;
        if (!rest && !(rest = param(req, "id"))) {
            send_error(resp, 400, "name the customer: /api/v1/customers/ID or ?id=ID");
            return;
        }
        handle_customer(api, req, rest, resp);
        return;
    case R_METRICS: {
        if (!authorize(api, req, SCOPE_READ, resp)) return;
        size_t len = 0;
        char *t = cx_api_metrics_text(api, &len);
        if (!t)
            send_error(resp, 500, "out of memory");
        else
            set_body(resp, 200, "text/plain; version=0.0.4", t, len);
        return;
    }
    }
}

/* ---- metrics ---- */

static int route_index(const char *route)
{
    for (int i = 0; i < NROUTES; i++)
        if (route && !strcmp(route, route_names[i])) return i;
    return R_NONE;
}

void cx_api_observe(struct cx_api *api, const char *method, const char *route, int status,
                    double seconds)
{
    int r = route_index(route);
    pthread_mutex_lock(&api->m.mu);
    size_t i = 0;
    for (; i < api->m.ncounts; i++) {
        struct status_count *c = &api->m.counts[i];
        if (c->route == r && c->status == status && !strcmp(c->method, method)) break;
    }
    if (i == api->m.ncounts && i < sizeof api->m.counts / sizeof api->m.counts[0]) {
        struct status_count *c = &api->m.counts[i];
        snprintf(c->method, sizeof c->method, "%s", method);
        c->route = r;
        c->status = status;
        c->n = 0;
        api->m.ncounts++;
    }
    if (i < api->m.ncounts) api->m.counts[i].n++;
    int b = 0;
    while (b < NBUCKETS && seconds > bucket_le[b]) b++;
    api->m.hist[r][b]++;
    api->m.sum[r] += seconds;
    api->m.total[r]++;
    pthread_mutex_unlock(&api->m.mu);
}

char *cx_api_metrics_text(struct cx_api *api, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f) return NULL;
    struct cx_writer_stats ws = {0};
    if (api->writer) cx_writer_get_stats(api->writer, &ws);
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/cxpulse.db", api->dir);
    long long dbsize = stat(path, &st) == 0 ? (long long)st.st_size : 0;
    snprintf(path, sizeof path, "%s/cxpulse.db-wal", api->dir);
    long long walsize = stat(path, &st) == 0 ? (long long)st.st_size : 0;
    pthread_mutex_lock(&api->m.mu);
    fputs("# HELP cxpulse_http_requests_total HTTP requests by method, route and status.\n"
          "# TYPE cxpulse_http_requests_total counter\n",
          f);
    for (size_t i = 0; i < api->m.ncounts; i++) {
        const struct status_count *c = &api->m.counts[i];
        fprintf(f, "cxpulse_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
                c->method, route_names[c->route], c->status, c->n);
    }
    fputs("# HELP cxpulse_http_request_duration_seconds Time to answer a request.\n"
          "# TYPE cxpulse_http_request_duration_seconds histogram\n",
          f);
    for (int r = 0; r < NROUTES; r++) {
        if (!api->m.total[r]) continue;
        unsigned long long cum = 0;
        for (int b = 0; b < NBUCKETS; b++) {
            cum += api->m.hist[r][b];
            fprintf(f,
                    "cxpulse_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    route_names[r], bucket_le[b], cum);
        }
        cum += api->m.hist[r][NBUCKETS];
        fprintf(f, "cxpulse_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                route_names[r], cum);
        fprintf(f, "cxpulse_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_names[r],
                api->m.sum[r]);
        fprintf(f, "cxpulse_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                route_names[r], api->m.total[r]);
    }
    fprintf(f,
            "# HELP cxpulse_rows_ingested_total Rows stored through the API.\n"
            "# TYPE cxpulse_rows_ingested_total counter\n"
            "cxpulse_rows_ingested_total %llu\n"
            "# HELP cxpulse_rows_rejected_total Rows rejected by validation.\n"
            "# TYPE cxpulse_rows_rejected_total counter\n"
            "cxpulse_rows_rejected_total %llu\n",
            api->m.rows_ingested, api->m.rows_rejected);
    pthread_mutex_unlock(&api->m.mu);
    fprintf(f,
            "# HELP cxpulse_store_bytes Size of the database files.\n"
            "# TYPE cxpulse_store_bytes gauge\n"
            "cxpulse_store_bytes{file=\"db\"} %lld\n"
            "cxpulse_store_bytes{file=\"wal\"} %lld\n"
            "# HELP cxpulse_commits_total Group commits by the writer.\n"
            "# TYPE cxpulse_commits_total counter\n"
            "cxpulse_commits_total %llu\n"
            "# HELP cxpulse_write_jobs_total Write requests served by the writer.\n"
            "# TYPE cxpulse_write_jobs_total counter\n"
            "cxpulse_write_jobs_total %llu\n",
            dbsize, walsize, ws.commits, ws.jobs);
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}
