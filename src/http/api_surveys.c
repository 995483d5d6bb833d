/* api_surveys.c - /api/v1/surveys: definitions, invitations, and the web
 * widget's form and answers. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attrs.h"
#include "core/survey.h"
#include "core/utf8.h"
#include "engine/answer.h"
#include "engine/token.h"
#include "engine/writer.h"
#include "http/api_int.h"
#include "io/survey_json.h"

#define MAX_INVITES 1000

static void method_not_allowed(struct cx_http_resp *resp, const char *allow, const char *m)
{
    snprintf(resp->allow, sizeof resp->allow, "%s", allow);
    cx_api_send_error(resp, 405, "method %s not allowed here (allowed: %s)", m, allow);
}

static int is_json(const char *ct)
{
    return ct && !strncasecmp(ct, "application/json", 16) && (ct[16] == 0 || ct[16] == ';');
}

/* Loads survey id; on failure fills resp (404/503) and returns NULL. */
static struct cx_survey *load(struct cx_api *api, const char *id, int *archived,
                              struct cx_http_resp *resp)
{
    struct cx_err err = {{0}};
    struct cx_store *st = cx_api_thread_store(api, &err);
    if (!st) {
        cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
        return NULL;
    }
    struct cx_survey_row row;
    int rc = st->vt->survey_get(st, id, &row, &err);
    if (rc) {
        cx_api_send_error(resp, rc == CX_ENOTFOUND ? 404 : 503, "%s", err.msg);
        return NULL;
    }
    struct cx_survey *s = NULL;
    rc = cx_survey_from_json(row.json, strlen(row.json), &s, &err);
    free(row.json);
    if (rc) {
        cx_api_send_error(resp, 500, "stored survey '%s' is invalid: %s", id, err.msg);
        return NULL;
    }
    if (archived) *archived = row.archived;
    return s;
}

static void list(struct cx_api *api, struct cx_http_resp *resp)
{
    struct cx_err err = {{0}};
    struct cx_store *st = cx_api_thread_store(api, &err);
    struct cx_survey_row *rows = NULL;
    size_t n = 0;
    if (!st || st->vt->survey_list(st, &rows, &n, &err)) {
        cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *def = json_loads(rows[i].json, 0, NULL);
        json_t *o = json_pack("{s:s,s:b,s:I}", "id", rows[i].id, "archived", rows[i].archived,
                              "created", (json_int_t)rows[i].created);
        if (def) {
            json_object_set(o, "name", json_object_get(def, "name"));
            json_object_set(o, "kind", json_object_get(def, "kind"));
            json_decref(def);
        }
        json_array_append_new(arr, o);
    }
    cx_survey_rows_free(rows, n);
    cx_api_send_json(resp, 200, arr);
}

static void create(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    if (!is_json(req->content_type)) {
        cx_api_send_error(resp, 415, "Content-Type must be application/json");
        return;
    }
    struct cx_err err = {{0}};
    struct cx_survey *s = NULL;
    if (cx_survey_from_json(req->body, req->body_len, &s, &err)) {
        cx_api_send_error(resp, 422, "%s", err.msg);
        return;
    }
    char *json = cx_survey_to_json(s);
    struct cx_store *st = cx_api_thread_store(api, &err);
    int rc = !json ? CX_ENOMEM : !st ? CX_ESTORE : CX_OK;
    /* definitions are small and rare: written on the read connection */
    if (!rc) rc = st->vt->survey_put(st, s->id, json, 1, &err);
    if (rc == CX_EEXIST)
        cx_api_send_error(resp, 409, "%s", err.msg);
    else if (rc)
        cx_api_send_error(resp, 503, "not stored: %s", err.msg);
    else
        cx_api_send_json(resp, 201, json_loads(json, 0, NULL));
    free(json);
    cx_survey_free(s);
}

struct invite_job {
    struct cx_invitation *inv;
    size_t n;
};

static int write_invites(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct invite_job *j = arg;
    for (size_t i = 0; i < j->n; i++) {
        int rc = s->vt->invitation_create(s, &j->inv[i], err);
        if (rc) return rc;
    }
    return CX_OK;
}

/* POST /api/v1/surveys/ID/invitations {"channel":"link","expires_days":28,
 * "customers":[{"customer":"c1","lang":"nb","touchpoint":"support",...}]} */
static void invite(struct cx_api *api, const struct cx_http_req *req, const char *id,
                   struct cx_http_resp *resp)
{
    if (!is_json(req->content_type)) {
        cx_api_send_error(resp, 415, "Content-Type must be application/json");
        return;
    }
    int archived = 0;
    struct cx_survey *s = load(api, id, &archived, resp);
    if (!s) return;
    cx_survey_free(s);
    if (archived) {
        cx_api_send_error(resp, 409, "survey '%s' is archived", id);
        return;
    }
    json_error_t je;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    json_t *cust = json_object_get(body, "customers");
    const char *channel = json_string_value(json_object_get(body, "channel"));
    json_t *days_j = json_object_get(body, "expires_days");
    long days = days_j ? (long)json_integer_value(days_j) : 28;
    if (!body || !json_is_array(cust) || json_array_size(cust) == 0) {
        cx_api_send_error(resp, 400, "expected {\"customers\": [{\"customer\": ...}, ...]}%s%s",
                          body ? "" : ": ", body ? "" : je.text);
        json_decref(body);
        return;
    }
    if (!channel) channel = "link";
    if (strcmp(channel, "link") || (days_j && !json_is_integer(days_j)) || days < 1 ||
        days > 3650 || json_array_size(cust) > MAX_INVITES) {
        cx_api_send_error(resp, 422,
                          "channel must be \"link\", expires_days 1-3650, at most %d customers",
                          MAX_INVITES);
        json_decref(body);
        return;
    }
    size_t n = json_array_size(cust);
    struct cx_invitation *inv = calloc(n, sizeof *inv);
    int64_t now = (int64_t)time(NULL);
    size_t i = 0;
    for (; inv && i < n; i++) {
        json_t *c = json_array_get(cust, i);
        const char *key;
        json_t *v;
        struct cx_attr a[CX_ATTRS_MAX];
        size_t na = 0;
        const char *customer = json_string_value(json_object_get(c, "customer"));
        if (!customer || !*customer || strlen(customer) > 128 ||
            !cx_utf8_valid(customer, strlen(customer), NULL))
            break;
        int bad = 0;
        json_object_foreach(c, key, v)
        {
            if (!strcmp(key, "customer")) continue;
            const char *sv = json_string_value(v);
            if (!sv || na == CX_ATTRS_MAX || strlen(key) > 128 || strlen(sv) > 4096 ||
                !cx_utf8_valid(sv, strlen(sv), NULL)) {
                bad = 1;
                break;
            }
            if (!strcmp(key, "lang")) {
                snprintf(inv[i].lang, sizeof inv[i].lang, "%s", sv);
                continue;
            }
            a[na++] = (struct cx_attr){key, strlen(key), sv, strlen(sv)};
        }
        size_t dup;
        if (bad || cx_attrs_encode(a, na, &inv[i].context, &inv[i].context_len, &dup)) break;
        snprintf(inv[i].survey, sizeof inv[i].survey, "%s", id);
        snprintf(inv[i].customer, sizeof inv[i].customer, "%s", customer);
        snprintf(inv[i].channel, sizeof inv[i].channel, "%s", channel);
        inv[i].created = now;
        inv[i].expires = now + days * 86400;
        inv[i].delivered = now;
    }
    if (!inv || i < n) {
        cx_api_send_error(resp, inv ? 422 : 500,
                          "customers[%zu]: needs \"customer\" (1-128 bytes) and string "
                          "attributes only",
                          i);
    } else {
        struct invite_job ij = {inv, n};
        struct cx_write_job job;
        memset(&job, 0, sizeof job);
        job.kind = CX_JOB_CALL;
        job.fn = write_invites;
        job.arg = &ij;
        struct cx_err err = {{0}};
        struct cx_store *st = cx_api_thread_store(api, &err);
        if (!st || cx_writer_submit(cx_api_writer(api), &job)) {
            cx_api_send_error(resp, 503, "not stored: %s", job.err.msg);
        } else {
            json_t *out = json_array();
            for (size_t k = 0; k < n; k++) {
                char tok[CX_TOKEN_LEN + 1], url[512];
                cx_token_make(st->token_secret, inv[k].id, inv[k].expires, inv[k].survey,
                              inv[k].customer, inv[k].channel, tok);
                snprintf(url, sizeof url, "%s/s/%s", cx_api_base_url(api), tok);
                json_array_append_new(out,
                                      json_pack("{s:s,s:I,s:s,s:I}", "customer", inv[k].customer,
                                                "invitation", (json_int_t)inv[k].id, "url", url,
                                                "expires", (json_int_t)inv[k].expires));
            }
            cx_api_send_json(resp, 201, json_pack("{s:o}", "invitations", out));
        }
    }
    for (size_t k = 0; inv && k < n; k++) free(inv[k].context);
    free(inv);
    json_decref(body);
}

static void preflight(struct cx_http_resp *resp)
{
    cx_api_send_body(resp, 204, "text/plain", strdup(""), 0);
    resp->cors = 1;
}

/* GET /api/v1/surveys/ID/form?lang=xx: texts and options for the widget. */
static void form(struct cx_api *api, const struct cx_http_req *req, const char *id,
                 struct cx_http_resp *resp)
{
    resp->cors = 1;
    if (!cx_api_authorize(api, req, CX_NEED_ANSWER, id, resp)) return;
    int archived = 0;
    struct cx_survey *s = load(api, id, &archived, resp);
    if (!s) return;
    const char *lang = cx_lang_pick(cx_api_param(req, "lang"), req->accept_language);
    const char *company = cx_api_company(api);
    char buf[2048];
#define TXT(t) (cx_text_expand((t), company, buf, sizeof buf), json_string(buf))
    json_t *o = json_object();
    json_object_set_new(o, "survey", json_string(id));
    json_object_set_new(o, "lang", json_string(lang));
    json_object_set_new(o, "dir", json_string(cx_lang_rtl(lang) ? "rtl" : "ltr"));
    json_object_set_new(o, "question", TXT(cx_survey_text(s, CX_TEXT_QUESTION, lang)));
    json_object_set_new(o, "low_label", TXT(cx_survey_text(s, CX_TEXT_LOW_LABEL, lang)));
    json_object_set_new(o, "high_label", TXT(cx_survey_text(s, CX_TEXT_HIGH_LABEL, lang)));
    json_object_set_new(o, "followup",
                        s->followup ? TXT(cx_survey_text(s, CX_TEXT_FOLLOWUP, lang)) : json_null());
    json_object_set_new(o, "submit", TXT(cx_ui_text(lang, CX_UI_SUBMIT)));
    json_object_set_new(o, "thanks", TXT(cx_ui_text(lang, CX_UI_THANKS)));
    json_object_set_new(o, "placeholder", TXT(cx_ui_text(lang, CX_UI_FOLLOWUP_PLACEHOLDER)));
#undef TXT
    struct cx_option opt[16];
    int n = cx_survey_options(s, lang, opt, 16);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < 16; i++)
        json_array_append_new(arr, json_pack("{s:i,s:s,s:s}", "value", opt[i].value, "label",
                                             opt[i].label, "aria", opt[i].aria));
    json_object_set_new(o, "options", arr);
    json_object_set_new(o, "archived", json_boolean(archived));
    cx_survey_free(s);
    cx_api_send_json(resp, 200, o);
}

/* POST /api/v1/surveys/ID/answers {"customer":..,"answer":N,"comment":..,
 * "channel":"web"|"in_app","lang":..,"touchpoint":..}: one response per
 * customer, survey and UTC day (answering again that day replaces it). */
static void answer(struct cx_api *api, const struct cx_http_req *req, const char *id,
                   struct cx_http_resp *resp)
{
    resp->cors = 1;
    if (!cx_api_authorize(api, req, CX_NEED_ANSWER, id, resp)) return;
    if (!is_json(req->content_type)) {
        cx_api_send_error(resp, 415, "Content-Type must be application/json");
        return;
    }
    int archived = 0;
    struct cx_survey *s = load(api, id, &archived, resp);
    if (!s) return;
    json_error_t je;
    json_t *b = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    const char *customer = json_string_value(json_object_get(b, "customer"));
    const char *channel = json_string_value(json_object_get(b, "channel"));
    const char *lang = json_string_value(json_object_get(b, "lang"));
    const char *comment = json_string_value(json_object_get(b, "comment"));
    const char *tp = json_string_value(json_object_get(b, "touchpoint"));
    json_t *ans = json_object_get(b, "answer");
    struct cx_err err = {{0}};
    int stored = 0;
    if (!b) {
        cx_api_send_error(resp, 400, "invalid JSON: %s", je.text);
    } else if (archived) {
        cx_api_send_error(resp, 409, "survey '%s' is archived", id);
    } else if (!customer || !json_is_integer(ans) ||
               (channel && strcmp(channel, "web") && strcmp(channel, "in_app"))) {
        cx_api_send_error(resp, 422,
                          "expected \"customer\", an integer \"answer\", and \"channel\" web or "
                          "in_app");
    } else if (cx_survey_store_score(s, (int)json_integer_value(ans), &stored, &err)) {
        cx_api_send_error(resp, 422, "answer: %s", err.msg);
    } else {
        int64_t now = (int64_t)time(NULL);
        char rid[300], day[16];
        time_t t = (time_t)now;
        struct tm tm;
        strftime(day, sizeof day, "%Y%m%d", gmtime_r(&t, &tm));
        int rn = snprintf(rid, sizeof rid, "w-%s-%s-%s", id, day, customer);
        if (rn < 0 || rn > CX_ID_MAX) {
            /* a long customer id: keep the response id within 1-128 bytes
             * (and stable per customer) by using a hash of the customer */
            unsigned char h[16];
            char hex[33];
            crypto_generichash(h, sizeof h, (const unsigned char *)customer, strlen(customer), NULL,
                               0);
            sodium_bin2hex(hex, sizeof hex, h, sizeof h);
            snprintf(rid, sizeof rid, "w-%s-%s-h%s", id, day, hex);
        }
        unsigned char *ctx = NULL;
        size_t ctxlen = 0, dup;
        struct cx_attr a[1] = {{"touchpoint", 10, tp ? tp : "", tp ? strlen(tp) : 0}};
        cx_attrs_encode(a, tp ? 1 : 0, &ctx, &ctxlen, &dup);
        struct cx_answer an = {rid,
                               customer,
                               s,
                               stored,
                               channel ? channel : "web",
                               cx_lang_pick(lang, req->accept_language),
                               comment,
                               NULL,
                               ctx,
                               ctxlen,
                               0,
                               now};
        struct cx_write_item it;
        memset(&it, 0, sizeof it);
        it.type = CX_RESPONSES;
        struct cx_reject why;
        if (cx_answer_response(&an, &it.r, &why)) {
            cx_api_send_error(resp, 422, "%s: %s", why.field, why.reason);
        } else {
            struct cx_write_job job;
            memset(&job, 0, sizeof job);
            job.kind = CX_JOB_PUT;
            job.items = &it;
            job.n = 1;
            if (cx_writer_submit(cx_api_writer(api), &job))
                cx_api_send_error(resp, 503, "not stored: %s", job.err.msg);
            else
                cx_api_send_json(resp, it.res == CX_PUT_INSERTED ? 201 : 200,
                                 json_pack("{s:s,s:s}", "id", rid, "result",
                                           it.res == CX_PUT_INSERTED ? "inserted" : "updated"));
            cx_write_job_clear(&job);
        }
        free(ctx);
    }
    json_decref(b);
    cx_survey_free(s);
}

void cx_api_surveys(struct cx_api *api, const struct cx_http_req *req, const char *rest,
                    struct cx_http_resp *resp)
{
    const char *m = req->method ? req->method : "";
    int get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
    int del = !strcmp(m, "DELETE"), opt = !strcmp(m, "OPTIONS");
    if (!*rest || !strcmp(rest, "/")) {
        resp->route = "/api/v1/surveys";
        if (get) {
            if (cx_api_authorize(api, req, CX_NEED_READ, NULL, resp)) list(api, resp);
        } else if (post) {
            if (cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) create(api, req, resp);
        } else {
            method_not_allowed(resp, "GET, POST", m);
        }
        return;
    }
    char id[CX_SURVEY_ID_MAX + 1];
    const char *p = rest + 1, *slash = strchr(p, '/');
    size_t idlen = slash ? (size_t)(slash - p) : strlen(p);
    if (idlen == 0 || idlen > CX_SURVEY_ID_MAX) {
        resp->route = "unmatched";
        cx_api_send_error(resp, 404, "no such survey");
        return;
    }
    memcpy(id, p, idlen);
    id[idlen] = 0;
    const char *sub = slash ? slash : "";
    if (!*sub) {
        resp->route = "/api/v1/surveys/{id}";
        if (get) {
            if (!cx_api_authorize(api, req, CX_NEED_READ, NULL, resp)) return;
            int archived = 0;
            struct cx_survey *s = load(api, id, &archived, resp);
            if (!s) return;
            char *json = cx_survey_to_json(s);
            json_t *o = json ? json_loads(json, 0, NULL) : NULL;
            if (o) json_object_set_new(o, "archived", json_boolean(archived));
            cx_api_send_json(resp, 200, o);
            free(json);
            cx_survey_free(s);
        } else if (del) {
            if (!cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) return;
            struct cx_err err = {{0}};
            struct cx_store *st = cx_api_thread_store(api, &err);
            int rc = st ? st->vt->survey_archive(st, id, &err) : CX_ESTORE;
            if (rc)
                cx_api_send_error(resp, rc == CX_ENOTFOUND ? 404 : 503, "%s", err.msg);
            else
                cx_api_send_json(resp, 200, json_pack("{s:s,s:b}", "id", id, "archived", 1));
        } else {
            method_not_allowed(resp, "GET, DELETE", m);
        }
        return;
    }
    if (!strcmp(sub, "/invitations")) {
        resp->route = "/api/v1/surveys/{id}/invitations";
        if (!post)
            method_not_allowed(resp, "POST", m);
        else if (cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp))
            invite(api, req, id, resp);
        return;
    }
    if (!strcmp(sub, "/form")) {
        resp->route = "/api/v1/surveys/{id}/form";
        if (opt)
            preflight(resp);
        else if (get)
            form(api, req, id, resp);
        else
            method_not_allowed(resp, "GET, OPTIONS", m);
        return;
    }
    if (!strcmp(sub, "/answers")) {
        resp->route = "/api/v1/surveys/{id}/answers";
        if (opt)
            preflight(resp);
        else if (post)
            answer(api, req, id, resp);
        else
            method_not_allowed(resp, "POST, OPTIONS", m);
        return;
    }
    resp->route = "unmatched";
    cx_api_send_error(resp, 404, "no such resource: %s", req->path);
}
