/* api_channels.c - what the delivery channels need over HTTP: provider
 * webhooks (/webhooks/whatsapp, /webhooks/sms), unsubscribe links (/u/TOKEN,
 * RFC 8058 one-click), the chat endpoint (/api/v1/chat) and the triggers,
 * alerts and outbox APIs. Every change goes through the writer in one
 * durable transaction before the answer. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel/channel.h"
#include "core/reply.h"
#include "engine/deliver.h"
#include "engine/dispatch.h"
#include "engine/token.h"
#include "http/api_int.h"
#include "http/html.h"
#include "io/survey_json.h"

static int64_t now_unix(void)
{
    return (int64_t)time(NULL);
}

static int submit(struct cx_api *api, cx_write_fn fn, void *arg, struct cx_err *err)
{
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_CALL;
    job.fn = fn;
    job.arg = arg;
    int rc = cx_writer_submit(cx_api_writer(api), &job);
    if (rc) *err = job.err;
    cx_dispatch_kick(cx_api_dispatcher(api));
    return rc;
}

static int status_of(int rc)
{
    switch (rc) {
    case CX_EINVAL:
    case CX_EFORMAT:
        return 400;
    case CX_ENOTFOUND:
        return 404;
    case CX_EEXIST:
        return 409;
    case CX_ELIMIT:
        return 503;
    default:
        return 500;
    }
}

static void not_allowed(struct cx_http_resp *resp, const char *allow, const char *m)
{
    snprintf(resp->allow, sizeof resp->allow, "%s", allow);
    cx_api_send_error(resp, 405, "method %s not allowed here (allowed: %s)", m, allow);
}

static json_t *body_object(const struct cx_http_req *req, struct cx_http_resp *resp)
{
    json_error_t je;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        cx_api_send_error(resp, 400, "the body must be a JSON object%s%s", j ? "" : ": ",
                          j ? "" : je.text);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---- provider webhooks ---- */

struct inbound_batch {
    const struct cx_delivery_cfg *cfg;
    const char *channel;
    struct cx_inbound *items;
    char **strs; /* copies of every string of items */
    size_t n, cap, nstrs;
    int64_t now;
};

static char *keep(struct inbound_batch *b, const char *s)
{
    if (!s) return NULL;
    char *c = strdup(s);
    char **ns = c ? realloc(b->strs, (b->nstrs + 1) * sizeof *ns) : NULL;
    if (!ns) {
        free(c);
        return NULL;
    }
    b->strs = ns;
    b->strs[b->nstrs++] = c;
    return c;
}

static int collect(void *ctx, const struct cx_inbound *in)
{
    struct inbound_batch *b = ctx;
    if (b->n == 256) return CX_ELIMIT;
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 8;
        struct cx_inbound *ni = realloc(b->items, nc * sizeof *ni);
        if (!ni) return CX_ENOMEM;
        b->items = ni;
        b->cap = nc;
    }
    struct cx_inbound *o = &b->items[b->n++];
    *o = *in;
    o->from = keep(b, in->from);
    o->msg_id = keep(b, in->msg_id);
    o->text = keep(b, in->text);
    o->reply_id = keep(b, in->reply_id);
    o->status = keep(b, in->status);
    return CX_OK;
}

static void batch_free(struct inbound_batch *b)
{
    for (size_t i = 0; i < b->nstrs; i++) free(b->strs[i]);
    free(b->strs);
    free(b->items);
}

static int apply_inbound(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct inbound_batch *b = arg;
    for (size_t i = 0; i < b->n; i++) {
        const struct cx_inbound *in = &b->items[i];
        int64_t when = in->timestamp ? in->timestamp : b->now;
        int rc = in->kind == CX_IN_STATUS
                     ? cx_deliver_status(s, in->msg_id, in->status ? in->status : "", when, err)
                 : in->from ? cx_deliver_inbound(s, b->cfg, b->channel, in->from, in->text,
                                                 in->reply_id, in->msg_id, b->now, NULL, err)
                            : CX_OK;
        if (rc) return rc;
    }
    return CX_OK;
}

/* GET: Meta's verification handshake. */
static void wa_verify(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    const struct cx_chan_config *chan = cx_api_config_of(api)->chan;
    const char *mode = cx_api_param(req, "hub.mode");
    const char *tok = cx_api_param(req, "hub.verify_token");
    const char *challenge = cx_api_param(req, "hub.challenge");
    const char *want = chan ? chan->wa_verify_token : NULL;
    if (!want || !*want) {
        cx_api_send_error(resp, 503, "WhatsApp is not configured (CXPULSE_WA_VERIFY_TOKEN)");
        return;
    }
    size_t wl = strlen(want);
    if (!mode || strcmp(mode, "subscribe") || !tok || strlen(tok) != wl ||
        sodium_memcmp(tok, want, wl) || !challenge || strlen(challenge) > 256) {
        cx_api_send_error(resp, 403,
                          "verification failed: hub.mode, hub.verify_token or "
                          "hub.challenge is wrong");
        return;
    }
    char *body = strdup(challenge);
    cx_api_send_body(resp, body ? 200 : 500, "text/plain; charset=utf-8", body,
                     body ? strlen(body) : 0);
}

static void webhook(struct cx_api *api, const struct cx_http_req *req, const char *channel,
                    struct cx_http_resp *resp)
{
    const struct cx_api_config *cfg = cx_api_config_of(api);
    const struct cx_chan_config *chan = cfg->chan;
    int wa = !strcmp(channel, "whatsapp");
    resp->route = wa ? "/webhooks/whatsapp" : "/webhooks/sms";
    if (!chan || !cfg->delivery) {
        cx_api_send_error(resp, 503, "channels are not configured on this server");
        return;
    }
    const char *secret = wa ? chan->wa_app_secret : chan->sms_webhook_secret;
    const char *sig = cx_http_header(req, wa ? "X-Hub-Signature-256" : "X-Cxpulse-Signature");
    if (!secret || !*secret) {
        cx_api_send_error(resp, 503, "%s webhooks need %s", channel,
                          wa ? "CXPULSE_WA_APP_SECRET" : "CXPULSE_SMS_WEBHOOK_SECRET");
        return;
    }
    if (!sig || !cx_chan_signature_ok(secret, req->body, req->body_len, sig)) {
        cx_api_send_error(resp, 401, "%s: signature missing or wrong",
                          wa ? "X-Hub-Signature-256" : "X-Cxpulse-Signature");
        return;
    }
    if (req->body_too_large) {
        cx_api_send_error(resp, 413, "body too large");
        return;
    }
    struct inbound_batch b;
    memset(&b, 0, sizeof b);
    b.cfg = cfg->delivery;
    b.channel = channel;
    b.now = now_unix();
    struct cx_err err = {{0}};
    int rc =
        wa ? cx_wa_parse_webhook(req->body, req->body_len, collect, &b, &err)
           : cx_sms_parse_webhook(req->content_type, req->body, req->body_len, collect, &b, &err);
    if (rc) {
        batch_free(&b);
        cx_api_send_error(resp, 400, "%s", err.msg[0] ? err.msg : "malformed webhook body");
        return;
    }
    if (b.n && submit(api, apply_inbound, &b, &err)) {
        batch_free(&b);
        cx_api_send_error(resp, 503, "not stored: %s", err.msg);
        return;
    }
    cx_api_send_json(resp, 200, json_pack("{s:b, s:I}", "ok", 1, "items", (json_int_t)b.n));
    batch_free(&b);
}

/* ---- unsubscribe ---- */

struct unsub {
    const char *customer;
    int64_t now;
};

static int apply_unsub(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct unsub *u = arg;
    char addr[160];
    snprintf(addr, sizeof addr, "customer:%s", u->customer);
    return cx_deliver_optout(s, addr, 1, "unsubscribe", u->now, err);
}

static void page(struct cx_http_resp *resp, int status, const char *title, const char *text,
                 const char *form_action)
{
    struct cx_html h = {0};
    cx_html_raw(&h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>");
    cx_html_esc(&h, title);
    cx_html_raw(&h, "</title><style>body{font-family:sans-serif;max-width:36rem;margin:2rem auto;"
                    "padding:0 1rem;color:#111}button{font-size:1rem;padding:.6rem 1.2rem}"
                    "</style></head><body><main><h1>");
    cx_html_esc(&h, title);
    cx_html_raw(&h, "</h1><p>");
    cx_html_esc(&h, text);
    cx_html_raw(&h, "</p>");
    if (form_action) {
        cx_html_raw(&h, "<form method=\"post\" action=\"");
        cx_html_esc(&h, form_action);
        cx_html_raw(&h, "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        "<button type=\"submit\">Unsubscribe</button></form>");
    }
    cx_html_raw(&h, "</main></body></html>");
    size_t len;
    char *body = cx_html_take(&h, &len);
    cx_api_send_body(resp, body ? status : 500, "text/html; charset=utf-8", body, len);
}

static void unsubscribe(struct cx_api *api, const struct cx_http_req *req, const char *token,
                        struct cx_http_resp *resp)
{
    resp->route = "/u/{token}";
    const char *m = req->method ? req->method : "";
    int post = !strcmp(m, "POST");
    if (!post && strcmp(m, "GET") && strcmp(m, "HEAD")) {
        not_allowed(resp, "GET, POST", m);
        return;
    }
    struct cx_token_claims cl;
    struct cx_err err = {{0}};
    struct cx_store *st = cx_api_thread_store(api, &err);
    struct cx_invitation inv;
    memset(&inv, 0, sizeof inv);
    /* an unsubscribe link works after the survey expired: expiry is not
     * checked, the signature is */
    if (cx_token_parse(token, &cl) != CX_TOKEN_OK || !st ||
        st->vt->invitation_get(st, cl.invitation, &inv, &err) ||
        cx_token_verify(st->token_secret, token, inv.survey, inv.customer, inv.channel, 0, &cl) !=
            CX_TOKEN_OK) {
        free(inv.context);
        page(resp, 404, "Link not valid", "This unsubscribe link is not valid.", NULL);
        return;
    }
    free(inv.context);
    if (!post) {
        char action[128];
        snprintf(action, sizeof action, "/u/%s", token);
        page(resp, 200, "Unsubscribe",
             "Do you want to stop receiving surveys from us, on every channel?", action);
        return;
    }
    struct unsub u = {inv.customer, now_unix()};
    if (submit(api, apply_unsub, &u, &err)) {
        page(resp, 503, "Please try again", "We could not save your choice. Please try again.",
             NULL);
        return;
    }
    page(resp, 200, "Unsubscribed", "You will receive no more surveys from us.", NULL);
}

/* ---- chat endpoint ---- */

struct chat_start {
    const struct cx_delivery_cfg *cfg;
    const struct cx_survey *sv;
    const char *customer, *lang;
    int64_t now, inv;
    int opted_out;
};

static int apply_chat_start(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct chat_start *c = arg;
    struct cx_contact ct;
    struct cx_err e2 = {{0}};
    int known = s->vt->contact_get(s, c->customer, &ct, &e2) == CX_OK;
    int rc = cx_deliver_opted_out(s, c->customer, known ? &ct : NULL, &c->opted_out, err);
    if (rc || c->opted_out) return rc;
    return cx_deliver_invite(s, c->cfg, c->sv, c->customer, "chat", "", c->lang, NULL, 0, c->now,
                             c->now, &c->inv, err);
}

struct chat_turn {
    const struct cx_delivery_cfg *cfg;
    char from[32];
    const char *text, *reply_id;
    int64_t now;
    struct cx_conv_replies out;
};

static int apply_chat_turn(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct chat_turn *t = arg;
    return cx_deliver_inbound(s, t->cfg, "chat", t->from, t->text, t->reply_id, NULL, t->now,
                              &t->out, err);
}

static void chat(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    resp->route = "/api/v1/chat";
    if (strcmp(req->method ? req->method : "", "POST")) {
        not_allowed(resp, "POST", req->method ? req->method : "");
        return;
    }
    if (!cx_api_authorize(api, req, CX_NEED_INGEST, NULL, resp)) return;
    const struct cx_api_config *cfg = cx_api_config_of(api);
    if (!cfg->delivery) {
        cx_api_send_error(resp, 503, "delivery is not enabled on this server");
        return;
    }
    json_t *j = body_object(req, resp);
    if (!j) return;
    const char *conv = json_string_value(json_object_get(j, "conversation"));
    struct cx_err err = {{0}};
    struct cx_store *st = cx_api_thread_store(api, &err);
    if (!st) {
        json_decref(j);
        cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
        return;
    }
    if (!conv) { /* start */
        const char *survey = json_string_value(json_object_get(j, "survey"));
        const char *customer = json_string_value(json_object_get(j, "customer"));
        const char *lang = json_string_value(json_object_get(j, "lang"));
        if (!survey || !customer || !*customer || strlen(customer) > 128 ||
            (lang && strlen(lang) > 35)) {
            json_decref(j);
            cx_api_send_error(resp, 400,
                              "start a conversation with {\"survey\", \"customer\" (1-128 bytes), "
                              "\"lang\"?}, or continue one with {\"conversation\", \"text\"}");
            return;
        }
        struct cx_survey_row row;
        struct cx_survey *sv = NULL;
        int rc = st->vt->survey_get(st, survey, &row, &err);
        if (!rc) {
            rc = cx_survey_from_json(row.json, strlen(row.json), &sv, &err);
            free(row.json);
        }
        if (rc) {
            json_decref(j);
            cx_api_send_error(resp, rc == CX_ENOTFOUND ? 404 : 500, "%s", err.msg);
            return;
        }
        struct chat_start cs = {cfg->delivery, sv, customer, lang ? lang : "", now_unix(), 0, 0};
        if ((rc = submit(api, apply_chat_start, &cs, &err))) {
            cx_survey_free(sv);
            json_decref(j);
            cx_api_send_error(resp, status_of(rc), "%s", err.msg);
            return;
        }
        if (cs.opted_out) {
            cx_survey_free(sv);
            json_decref(j);
            cx_api_send_error(resp, 409, "customer '%s' opted out of surveys", customer);
            return;
        }
        struct cx_invitation inv;
        memset(&inv, 0, sizeof inv);
        st->vt->invitation_get(st, cs.inv, &inv, &err);
        char token[CX_TOKEN_LEN + 1], q[1024], hint[256], text[1400];
        cx_token_make(st->token_secret, inv.id, inv.expires, inv.survey, inv.customer, inv.channel,
                      token);
        cx_text_expand(cx_survey_text(sv, CX_TEXT_QUESTION, inv.lang), cfg->delivery->company, q,
                       sizeof q);
        int L = 0;
        static const char *const codes[CX_NLANGS] = {"en", "nb", "tr", "fa", "ro"};
        for (int i = 0; i < CX_NLANGS; i++)
            if (!strncmp(inv.lang, codes[i], 2)) L = i;
        cx_reply_text((enum cx_lang)L, CX_RT_HINT, sv->scale.min, sv->scale.max, hint, sizeof hint);
        snprintf(text, sizeof text, "%s\n%s", q, hint);
        struct cx_option opts[11];
        int n = cx_survey_options(sv, inv.lang, opts, 11);
        json_t *o = json_array();
        for (int i = 0; i < n && i < 11; i++) {
            char id[16];
            snprintf(id, sizeof id, "score:%d", opts[i].value);
            json_array_append_new(o,
                                  json_pack("{s:s, s:s}", "reply_id", id, "label", opts[i].label));
        }
        free(inv.context);
        cx_survey_free(sv);
        json_decref(j);
        cx_api_send_json(resp, 201,
                         json_pack("{s:s, s:[s], s:o, s:b}", "conversation", token, "replies", text,
                                   "options", o, "done", 0));
        return;
    }
    /* continue */
    const char *text = json_string_value(json_object_get(j, "text"));
    const char *reply_id = json_string_value(json_object_get(j, "reply_id"));
    if ((!text && !reply_id) || (text && strlen(text) > 4096)) {
        json_decref(j);
        cx_api_send_error(resp, 400, "text (at most 4096 bytes) or reply_id is required");
        return;
    }
    struct cx_token_claims cl;
    struct cx_invitation inv;
    memset(&inv, 0, sizeof inv);
    if (cx_token_parse(conv, &cl) != CX_TOKEN_OK ||
        st->vt->invitation_get(st, cl.invitation, &inv, &err) || strcmp(inv.channel, "chat") ||
        cx_token_verify(st->token_secret, conv, inv.survey, inv.customer, inv.channel, now_unix(),
                        &cl) != CX_TOKEN_OK) {
        free(inv.context);
        json_decref(j);
        cx_api_send_error(resp, 404, "conversation: unknown, forged or expired");
        return;
    }
    free(inv.context);
    struct chat_turn t;
    memset(&t, 0, sizeof t);
    t.cfg = cfg->delivery;
    snprintf(t.from, sizeof t.from, "%lld", (long long)cl.invitation);
    t.text = text;
    t.reply_id = reply_id;
    t.now = now_unix();
    int rc = submit(api, apply_chat_turn, &t, &err);
    if (rc) {
        json_decref(j);
        cx_conv_replies_free(&t.out);
        cx_api_send_error(resp, status_of(rc), "%s", err.msg);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < t.out.n; i++) json_array_append_new(arr, json_string(t.out.text[i]));
    cx_api_send_json(resp, 200,
                     json_pack("{s:s, s:o, s:b, s:b}", "conversation", conv, "replies", arr, "done",
                               t.out.done, "recorded", t.out.recorded));
    json_decref(j); /* conv points into it */
    cx_conv_replies_free(&t.out);
}

/* ---- triggers, alerts, outbox ---- */

struct def_put {
    int alerts;
    const char *id, *json, *secret;
};

static int apply_def_put(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_put *d = arg;
    return d->alerts ? s->vt->alert_put(s, d->id, d->json, d->secret, err)
                     : s->vt->trigger_put(s, d->id, d->json, err);
}

static int apply_def_delete(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_put *d = arg;
    return d->alerts ? s->vt->alert_delete(s, d->id, err) : s->vt->trigger_delete(s, d->id, err);
}

static void defs(struct cx_api *api, const struct cx_http_req *req, int alerts, const char *rest,
                 struct cx_http_resp *resp)
{
    resp->route = alerts ? "/api/v1/alerts" : "/api/v1/triggers";
    const char *m = req->method ? req->method : "";
    struct cx_err err = {{0}};
    if (*rest == '/' && rest[1]) { /* one definition: DELETE */
        if (strcmp(m, "DELETE")) {
            not_allowed(resp, "DELETE", m);
            return;
        }
        if (!cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) return;
        struct def_put d = {alerts, rest + 1, NULL, NULL};
        int rc = submit(api, apply_def_delete, &d, &err);
        if (rc)
            cx_api_send_error(resp, status_of(rc), "%s", err.msg);
        else
            cx_api_send_json(resp, 200, json_pack("{s:s, s:b}", "id", rest + 1, "deleted", 1));
        return;
    }
    if (*rest) {
        cx_api_send_error(resp, 404, "no such resource: %s", req->path);
        return;
    }
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) {
        if (!cx_api_authorize(api, req, CX_NEED_READ, NULL, resp)) return;
        struct cx_store *st = cx_api_thread_store(api, &err);
        struct cx_def_row *rows = NULL;
        size_t n = 0;
        if (!st || (alerts ? st->vt->alert_list(st, &rows, &n, &err)
                           : st->vt->trigger_list(st, &rows, &n, &err))) {
            cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
            return;
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_loads(rows[i].json, 0, NULL);
            if (!o) continue;
            json_object_set_new(o, "created", json_integer(rows[i].created));
            if (alerts) json_object_set_new(o, "last_fired", json_integer(rows[i].last_fired));
            json_array_append_new(arr, o);
        }
        cx_def_rows_free(rows, n);
        cx_api_send_json(
            resp, 200, json_pack(alerts ? "{s:o}" : "{s:o}", alerts ? "alerts" : "triggers", arr));
        return;
    }
    if (strcmp(m, "POST")) {
        not_allowed(resp, "GET, POST", m);
        return;
    }
    if (!cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) return;
    json_t *j = body_object(req, resp);
    if (!j) return;
    /* an alert's signing secret: given, or made here and shown once */
    char secret[65] = "";
    const char *given = alerts ? json_string_value(json_object_get(j, "secret")) : NULL;
    if (alerts) {
        if (given && (strlen(given) < 16 || strlen(given) > 64)) {
            json_decref(j);
            cx_api_send_error(resp, 400, "secret: 16-64 characters");
            return;
        }
        if (given)
            snprintf(secret, sizeof secret, "%s", given);
        else {
            unsigned char raw[24];
            randombytes_buf(raw, sizeof raw);
            sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
        }
        json_object_del(j, "secret");
    }
    char *json = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    char id[65];
    int rc = !json    ? cx_fail(&err, CX_ENOMEM, "out of memory")
             : alerts ? cx_alert_validate(json, id, sizeof id, &err)
                      : cx_trigger_validate(json, id, sizeof id, &err);
    if (rc) {
        free(json);
        cx_api_send_error(resp, status_of(rc), "%s", err.msg);
        return;
    }
    struct def_put d = {alerts, id, json, alerts ? secret : NULL};
    rc = submit(api, apply_def_put, &d, &err);
    if (rc) {
        free(json);
        cx_api_send_error(resp, status_of(rc), "%s", err.msg);
        return;
    }
    json_t *o = json_loads(json, 0, NULL);
    free(json);
    if (alerts && !given && o) json_object_set_new(o, "secret", json_string(secret));
    cx_api_send_json(resp, 201, o);
    sodium_memzero(secret, sizeof secret);
}

static json_t *msg_json(const struct cx_outbox_msg *m)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:I, s:I, s:s, s:s}", "id",
                     (json_int_t)m->id, "kind", m->kind, "channel", m->channel, "recipient",
                     m->recipient, "customer", m->customer, "invitation", (json_int_t)m->invitation,
                     "state", m->state, "attempts", m->attempts, "due", (json_int_t)m->due,
                     "created", (json_int_t)m->created, "sent", (json_int_t)m->sent, "provider_id",
                     m->provider_id, "last_error", m->last_error);
}

struct retry {
    int64_t id, now;
};

static int apply_retry(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct retry *r = arg;
    return s->vt->outbox_retry(s, r->id, r->now, err);
}

static void outbox(struct cx_api *api, const struct cx_http_req *req, const char *rest,
                   struct cx_http_resp *resp)
{
    resp->route = "/api/v1/outbox";
    const char *m = req->method ? req->method : "";
    struct cx_err err = {{0}};
    if (!*rest) {
        if (strcmp(m, "GET") && strcmp(m, "HEAD")) {
            not_allowed(resp, "GET", m);
            return;
        }
        if (!cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) return;
        const char *state = cx_api_param(req, "state");
        const char *lim = cx_api_param(req, "limit");
        long limit = lim ? strtol(lim, NULL, 10) : 100;
        if (limit <= 0 || limit > 10000) limit = 100;
        struct cx_store *st = cx_api_thread_store(api, &err);
        struct cx_outbox_msg *msgs = NULL;
        size_t n = 0;
        if (!st || st->vt->outbox_list(st, state, (size_t)limit, &msgs, &n, &err)) {
            cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
            return;
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) json_array_append_new(arr, msg_json(&msgs[i]));
        cx_outbox_msgs_free(msgs, n);
        cx_api_send_json(resp, 200, json_pack("{s:o}", "messages", arr));
        return;
    }
    size_t rl = strlen(rest);
    if (*rest != '/' || rl < 8 || strcmp(rest + rl - 6, "/retry") ||
        memchr(rest + 1, '/', rl - 7)) {
        cx_api_send_error(resp, 404, "no such resource: %s", req->path);
        return;
    }
    if (strcmp(m, "POST")) {
        not_allowed(resp, "POST", m);
        return;
    }
    if (!cx_api_authorize(api, req, CX_NEED_ADMIN, NULL, resp)) return;
    char *end;
    long long id = strtoll(rest + 1, &end, 10);
    if (id <= 0 || strcmp(end, "/retry")) {
        cx_api_send_error(resp, 404, "no outbox message '%.*s'", (int)(rl - 7), rest + 1);
        return;
    }
    struct retry r = {id, now_unix()};
    int rc = submit(api, apply_retry, &r, &err);
    if (rc)
        cx_api_send_error(resp, status_of(rc), "%s", err.msg);
    else
        cx_api_send_json(resp, 200,
                         json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

void cx_api_channels(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp)
{
    const char *p = req->path ? req->path : "";
    const char *m = req->method ? req->method : "";
    if (!strcmp(p, "/webhooks/whatsapp")) {
        resp->route = "/webhooks/whatsapp";
        if (!strcmp(m, "GET"))
            wa_verify(api, req, resp);
        else if (!strcmp(m, "POST"))
            webhook(api, req, "whatsapp", resp);
        else
            not_allowed(resp, "GET, POST", m);
    } else if (!strcmp(p, "/webhooks/sms")) {
        if (!strcmp(m, "POST"))
            webhook(api, req, "sms", resp);
        else
            not_allowed(resp, "POST", m);
    } else if (!strncmp(p, "/u/", 3) && p[3] && !strchr(p + 3, '/')) {
        unsubscribe(api, req, p + 3, resp);
    } else if (!strcmp(p, "/api/v1/chat")) {
        chat(api, req, resp);
    } else if (!strncmp(p, "/api/v1/triggers", 16) && (!p[16] || p[16] == '/')) {
        defs(api, req, 0, p + 16, resp);
    } else if (!strncmp(p, "/api/v1/alerts", 14) && (!p[14] || p[14] == '/')) {
        defs(api, req, 1, p + 14, resp);
    } else if (!strncmp(p, "/api/v1/outbox", 14) && (!p[14] || p[14] == '/')) {
        outbox(api, req, p + 14, resp);
    } else {
        cx_api_send_error(resp, 404, "no such resource: %s", p);
    }
}
