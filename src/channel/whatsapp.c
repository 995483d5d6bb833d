/* whatsapp.c - WhatsApp Business Cloud API: request bodies for text,
 * interactive (reply buttons, list) and template messages with the limits the
 * API enforces, sending, and the webhook parser. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "channel/chan_int.h"

/* Cloud API limits, in characters (code points). */
#define WA_TEXT_MAX 4096
#define WA_BODY_MAX 1024
#define WA_BUTTONS_MAX 3
#define WA_BUTTON_TITLE_MAX 20
#define WA_BUTTON_ID_MAX 256
#define WA_LIST_BUTTON_MAX 20
#define WA_ROWS_MAX 10
#define WA_ROW_TITLE_MAX 24
#define WA_ROW_ID_MAX 200
#define WA_ROW_DESC_MAX 72
#define WA_SECTION_TITLE_MAX 24
#define WA_TEMPLATE_NAME_MAX 512
#define WA_PARAM_MAX 1024
#define WA_PARAMS_MAX 64

/* A required, non-empty string member of at most max characters. */
static const char *need(const json_t *o, const char *key, size_t max, const char *what,
                        struct cx_err *err)
{
    const char *s = chan_str(o, key);
    if (!s || !*s) {
        cx_fail(err, CX_EINVAL, "whatsapp: %s \"%s\" is missing or not a string", what, key);
        return NULL;
    }
    if (chan_u8len(s) > max) {
        cx_fail(err, CX_EINVAL, "whatsapp: %s \"%s\" is longer than %zu characters", what, key,
                max);
        return NULL;
    }
    return s;
}

static int build_buttons(const json_t *p, json_t *inter, struct cx_err *err)
{
    json_t *buttons = json_object_get(p, "buttons");
    size_t n = json_array_size(buttons);
    if (!json_is_array(buttons) || n == 0 || n > WA_BUTTONS_MAX)
        return cx_fail(err, CX_EINVAL, "whatsapp: \"buttons\" must hold 1 to %d buttons",
                       WA_BUTTONS_MAX);
    json_t *out = json_array();
    json_object_set_new(inter, "type", json_string("button"));
    json_object_set_new(inter, "action", json_pack("{s:o}", "buttons", out));
    for (size_t i = 0; i < n; i++) {
        json_t *b = json_array_get(buttons, i);
        const char *id = need(b, "id", WA_BUTTON_ID_MAX, "button", err);
        const char *title = id ? need(b, "title", WA_BUTTON_TITLE_MAX, "button", err) : NULL;
        if (!title) return CX_EINVAL;
        for (size_t k = 0; k < i; k++) {
            json_t *o = json_array_get(buttons, k);
            if (strcmp(chan_str(o, "id"), id) == 0)
                return cx_fail(err, CX_EINVAL, "whatsapp: button id \"%.40s\" is repeated", id);
            if (strcmp(chan_str(o, "title"), title) == 0)
                return cx_fail(err, CX_EINVAL, "whatsapp: button title \"%.40s\" is repeated",
                               title);
        }
        json_array_append_new(out, json_pack("{s:s,s:{s:s,s:s}}", "type", "reply", "reply", "id",
                                             id, "title", title));
    }
    return CX_OK;
}

static int build_list(const json_t *p, json_t *inter, struct cx_err *err)
{
    const char *button = need(p, "button", WA_LIST_BUTTON_MAX, "list", err);
    if (!button) return CX_EINVAL;
    json_t *rows = json_object_get(p, "rows");
    size_t n = json_array_size(rows);
    if (!json_is_array(rows) || n == 0 || n > WA_ROWS_MAX)
        return cx_fail(err, CX_EINVAL, "whatsapp: \"rows\" must hold 1 to %d rows", WA_ROWS_MAX);
    json_t *section = json_object();
    json_t *out = json_array();
    const char *stitle = chan_str(p, "section");
    if (stitle) {
        if (!*stitle || chan_u8len(stitle) > WA_SECTION_TITLE_MAX) {
            json_decref(section);
            json_decref(out);
            return cx_fail(err, CX_EINVAL, "whatsapp: \"section\" must be 1 to %d characters",
                           WA_SECTION_TITLE_MAX);
        }
        json_object_set_new(section, "title", json_string(stitle));
    }
    json_object_set_new(section, "rows", out);
    json_object_set_new(inter, "type", json_string("list"));
    json_object_set_new(inter, "action",
                        json_pack("{s:s,s:[o]}", "button", button, "sections", section));
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rows, i);
        const char *id = need(r, "id", WA_ROW_ID_MAX, "row", err);
        const char *title = id ? need(r, "title", WA_ROW_TITLE_MAX, "row", err) : NULL;
        if (!title) return CX_EINVAL;
        for (size_t k = 0; k < i; k++)
            if (strcmp(chan_str(json_array_get(rows, k), "id"), id) == 0)
                return cx_fail(err, CX_EINVAL, "whatsapp: row id \"%.40s\" is repeated", id);
        json_t *row = json_pack("{s:s,s:s}", "id", id, "title", title);
        json_t *d = json_object_get(r, "description");
        if (d && !json_is_null(d)) {
            const char *desc = json_string_value(d);
            if (!desc || chan_u8len(desc) > WA_ROW_DESC_MAX) {
                json_decref(row);
                return cx_fail(err, CX_EINVAL,
                               "whatsapp: row \"description\" must be a string of at most %d "
                               "characters",
                               WA_ROW_DESC_MAX);
            }
            if (*desc) json_object_set_new(row, "description", json_string(desc));
        }
        json_array_append_new(out, row);
    }
    return CX_OK;
}

static int name_ok(const char *s)
{
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

static int lang_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 15) return 0;
    for (; *s; s++)
        if (!isalpha((unsigned char)*s) && *s != '_' && *s != '-') return 0;
    return 1;
}

static int build_template(const json_t *p, json_t *msg, const char *def_template,
                          const char *def_lang, struct cx_err *err)
{
    const char *name = chan_str(p, "name");
    if (!name || !*name) name = def_template;
    if (!name || !*name)
        return cx_fail(err, CX_EINVAL,
                       "whatsapp: template \"name\" is missing and CXPULSE_WA_TEMPLATE is unset");
    if (strlen(name) > WA_TEMPLATE_NAME_MAX || !name_ok(name))
        return cx_fail(err, CX_EINVAL,
                       "whatsapp: template name must be lowercase letters, digits and _");
    const char *lang = chan_str(p, "lang");
    if (!lang || !*lang) lang = def_lang ? def_lang : "en";
    if (!lang_ok(lang))
        return cx_fail(err, CX_EINVAL, "whatsapp: template \"lang\" must look like en or pt_BR");
    json_t *tpl = json_pack("{s:s,s:{s:s}}", "name", name, "language", "code", lang);
    json_object_set_new(msg, "template", tpl);
    json_t *params = json_object_get(p, "params");
    if (!params || json_is_null(params)) return CX_OK;
    size_t n = json_array_size(params);
    if (!json_is_array(params) || n > WA_PARAMS_MAX)
        return cx_fail(err, CX_EINVAL, "whatsapp: \"params\" must be an array of at most %d",
                       WA_PARAMS_MAX);
    if (n == 0) return CX_OK;
    json_t *out = json_array();
    json_object_set_new(tpl, "components",
                        json_pack("[{s:s,s:o}]", "type", "body", "parameters", out));
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(params, i));
        if (!v || !*v || chan_u8len(v) > WA_PARAM_MAX)
            return cx_fail(err, CX_EINVAL,
                           "whatsapp: params[%zu] must be a non-empty string of at most %d "
                           "characters",
                           i, WA_PARAM_MAX);
        if (strpbrk(v, "\n\t") || strstr(v, "    "))
            return cx_fail(err, CX_EINVAL,
                           "whatsapp: params[%zu] holds a new line, a tab or more than 3 spaces "
                           "in a row",
                           i);
        json_array_append_new(out, json_pack("{s:s,s:s}", "type", "text", "text", v));
    }
    return CX_OK;
}

char *chan_wa_build(const char *payload_json, size_t len, const char *def_template,
                    const char *def_lang, struct cx_err *err)
{
    json_t *p = chan_load_object(payload_json, len, err);
    if (!p) return NULL;
    json_t *msg = NULL;
    char *out = NULL;
    const char *to = chan_str(p, "to");
    const char *type = chan_str(p, "type");
    if (!chan_phone_ok(to)) {
        cx_fail(err, CX_EINVAL, "whatsapp: \"to\" must be a phone number: + and 6 to 15 digits");
        goto out;
    }
    if (!type) {
        cx_fail(err, CX_EINVAL, "whatsapp: \"type\" is missing");
        goto out;
    }
    msg = json_pack("{s:s,s:s,s:s}", "messaging_product", "whatsapp", "recipient_type",
                    "individual", "to", to[0] == '+' ? to + 1 : to);
    int rc;
    if (strcmp(type, "text") == 0) {
        const char *text = need(p, "text", WA_TEXT_MAX, "text message", err);
        if (!text) goto out;
        json_object_set_new(msg, "type", json_string("text"));
        json_object_set_new(msg, "text", json_pack("{s:b,s:s}", "preview_url", 0, "body", text));
    } else if (strcmp(type, "buttons") == 0 || strcmp(type, "list") == 0) {
        const char *text = need(p, "text", WA_BODY_MAX, "interactive message", err);
        if (!text) goto out;
        json_t *inter = json_pack("{s:{s:s}}", "body", "text", text);
        json_object_set_new(msg, "type", json_string("interactive"));
        json_object_set_new(msg, "interactive", inter);
        rc = type[0] == 'b' ? build_buttons(p, inter, err) : build_list(p, inter, err);
        if (rc) goto out;
    } else if (strcmp(type, "template") == 0) {
        json_object_set_new(msg, "type", json_string("template"));
        if (build_template(p, msg, def_template, def_lang, err)) goto out;
    } else {
        cx_fail(err, CX_EINVAL,
                "whatsapp: \"type\" must be text, buttons, list or template, not \"%.32s\"", type);
        goto out;
    }
    out = json_dumps(msg, JSON_COMPACT);
    if (!out) cx_fail(err, CX_ENOMEM, "out of memory");
out:
    json_decref(msg);
    json_decref(p);
    return out;
}

char *cx_wa_build(const char *payload_json, struct cx_err *err)
{
    return chan_wa_build(payload_json, payload_json ? strlen(payload_json) : 0, NULL, "en", err);
}

/* Copies the Graph error message ("error":{"message","code"}) into res. */
static void graph_error(const struct dynbuf *resp, struct cx_send_result *res)
{
    if (!resp->len) return;
    json_t *j = json_loadb(resp->p, resp->len, 0, NULL);
    json_t *e = json_object_get(j, "error");
    const char *msg = chan_str(e, "message");
    if (msg) {
        json_t *code = json_object_get(e, "code");
        snprintf(res->error, sizeof res->error, "HTTP %d: %s (code %lld)", res->http_status, msg,
                 json_is_integer(code) ? (long long)json_integer_value(code) : 0LL);
    }
    json_decref(j);
}

int chan_wa_send(const struct cx_chan_config *c, const char *payload, size_t len,
                 const struct cx_send_opts *opts, struct cx_send_result *res)
{
    struct cx_err err;
    char *body = chan_wa_build(payload, len, c->wa_template, c->wa_template_lang, &err);
    if (!body) {
        chan_res(res, CX_SEND_PERM, 0, "%s", err.msg);
        return CX_EINVAL;
    }
    struct dynbuf url, auth;
    dyn_init(&url, 4096);
    dyn_init(&auth, 4096);
    const char *base = c->wa_base_url;
    size_t blen = strlen(base);
    while (blen && base[blen - 1] == '/') blen--;
    int bad = dyn_add(&url, base, blen);
    bad |= dyn_addf(&url, "/%s/%s/messages", c->wa_api_version, c->wa_phone_number_id);
    bad |= dyn_addf(&auth, "Bearer %s", c->wa_token);
    int rc = CX_OK;
    if (bad) {
        chan_res(res, CX_SEND_PERM, 0, "whatsapp: base URL or token too long");
        rc = CX_EINVAL;
    } else {
        struct chan_http rq = {
            .url = url.p,
            .body = body,
            .body_len = strlen(body),
            .content_type = "application/json",
            .authorization = auth.p,
            .idem_key = opts->idem_key,
            .timeout_s = c->http_timeout,
        };
        struct dynbuf resp;
        rc = chan_http_post(&rq, &resp, res);
        if (res->status == CX_SEND_OK) {
            json_t *j = json_loadb(resp.p ? resp.p : "", resp.len, 0, NULL);
            const char *id = chan_str(json_array_get(json_object_get(j, "messages"), 0), "id");
            if (id) snprintf(res->provider_id, sizeof res->provider_id, "%s", id);
            json_decref(j);
        } else if (res->http_status) {
            graph_error(&resp, res);
        }
        dyn_free(&resp);
    }
    if (auth.p) sodium_memzero(auth.p, auth.len);
    dyn_free(&auth);
    dyn_free(&url);
    free(body);
    return rc;
}

/* ---- webhook parsing ---------------------------------------------------- */

/* Unix seconds from a string of digits or an integer; 0 when absent, -1 when
 * malformed. */
static long long wa_time(const json_t *v)
{
    if (!v) return 0;
    if (json_is_integer(v)) return json_integer_value(v) < 0 ? -1 : json_integer_value(v);
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > 15) return -1;
    long long t = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) return -1;
        t = t * 10 + (*s - '0');
    }
    return t;
}

#define BAD(...)                                                                                   \
    do {                                                                                           \
        return cx_fail(err, CX_EINVAL, __VA_ARGS__);                                               \
    } while (0)

static int wa_message(const json_t *m, int dry, cx_inbound_cb cb, void *ctx, struct cx_err *err)
{
    if (!json_is_object(m)) BAD("whatsapp webhook: a message is not an object");
    struct cx_inbound in = {.kind = CX_IN_MESSAGE};
    in.from = chan_str(m, "from");
    in.msg_id = chan_str(m, "id");
    const char *type = chan_str(m, "type");
    in.timestamp = wa_time(json_object_get(m, "timestamp"));
    if (!in.from || !in.msg_id || !type) BAD("whatsapp webhook: message without from, id or type");
    if (in.timestamp < 0) BAD("whatsapp webhook: message timestamp is not unix seconds");
    if (strcmp(type, "text") == 0) {
        in.text = chan_str(json_object_get(m, "text"), "body");
        if (!in.text) BAD("whatsapp webhook: text message without text.body");
    } else if (strcmp(type, "interactive") == 0) {
        json_t *it = json_object_get(m, "interactive");
        const char *itype = chan_str(it, "type");
        if (!itype) BAD("whatsapp webhook: interactive message without interactive.type");
        if (strcmp(itype, "button_reply") != 0 && strcmp(itype, "list_reply") != 0)
            return CX_OK; /* e.g. nfm_reply (flows): not ours */
        json_t *r = json_object_get(it, itype);
        in.reply_id = chan_str(r, "id");
        in.text = chan_str(r, "title");
        if (!in.reply_id || !in.text) BAD("whatsapp webhook: %s without id or title", itype);
    } else if (strcmp(type, "button") == 0) {
        json_t *b = json_object_get(m, "button");
        in.text = chan_str(b, "text");
        in.reply_id = chan_str(b, "payload");
        if (!in.text) BAD("whatsapp webhook: button message without button.text");
    } else {
        return CX_OK; /* images, reactions, locations...: skipped */
    }
    return dry ? CX_OK : cb(ctx, &in);
}

static int wa_status(const json_t *s, int dry, cx_inbound_cb cb, void *ctx, struct cx_err *err)
{
    if (!json_is_object(s)) BAD("whatsapp webhook: a status is not an object");
    struct cx_inbound in = {.kind = CX_IN_STATUS};
    in.msg_id = chan_str(s, "id");
    in.status = chan_str(s, "status");
    in.from = chan_str(s, "recipient_id");
    in.timestamp = wa_time(json_object_get(s, "timestamp"));
    if (!in.msg_id || !in.status) BAD("whatsapp webhook: status without id or status");
    if (in.timestamp < 0) BAD("whatsapp webhook: status timestamp is not unix seconds");
    static const char *const known[] = {"sent", "delivered", "read", "failed", NULL};
    for (const char *const *k = known; *k; k++)
        if (strcmp(in.status, *k) == 0) return dry ? CX_OK : cb(ctx, &in);
    return CX_OK;
}

static int wa_walk(const json_t *root, int dry, cx_inbound_cb cb, void *ctx, struct cx_err *err)
{
    const char *object = chan_str(root, "object");
    if (!object || strcmp(object, "whatsapp_business_account") != 0)
        BAD("whatsapp webhook: \"object\" is not whatsapp_business_account");
    json_t *entries = json_object_get(root, "entry");
    if (!json_is_array(entries)) BAD("whatsapp webhook: \"entry\" is not an array");
    size_t i, j, k;
    json_t *e, *ch, *item;
    json_array_foreach(entries, i, e)
    {
        json_t *changes = json_object_get(e, "changes");
        if (!json_is_object(e) || !json_is_array(changes))
            BAD("whatsapp webhook: entry[%zu] has no changes array", i);
        json_array_foreach(changes, j, ch)
        {
            json_t *value = json_object_get(ch, "value");
            if (!json_is_object(value))
                BAD("whatsapp webhook: entry[%zu].changes[%zu] has no value object", i, j);
            const char *field = chan_str(ch, "field");
            if (field && strcmp(field, "messages") != 0) continue; /* other subscriptions */
            json_t *msgs = json_object_get(value, "messages");
            json_t *stats = json_object_get(value, "statuses");
            if ((msgs && !json_is_array(msgs)) || (stats && !json_is_array(stats)))
                BAD("whatsapp webhook: messages/statuses is not an array");
            json_array_foreach(msgs, k, item)
            {
                int rc = wa_message(item, dry, cb, ctx, err);
                if (rc) return rc;
            }
            json_array_foreach(stats, k, item)
            {
                int rc = wa_status(item, dry, cb, ctx, err);
                if (rc) return rc;
            }
        }
    }
    return CX_OK;
}

int cx_wa_parse_webhook(const char *body, size_t len, cx_inbound_cb cb, void *ctx,
                        struct cx_err *err)
{
    if (!body) return cx_fail(err, CX_EINVAL, "whatsapp webhook: no body");
    if (len > CX_CHAN_MAX_PAYLOAD)
        return cx_fail(err, CX_ELIMIT, "whatsapp webhook: body over %d bytes", CX_CHAN_MAX_PAYLOAD);
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root) return cx_fail(err, CX_EINVAL, "whatsapp webhook: not JSON: %s", je.text);
    int rc = wa_walk(root, 1, cb, ctx, err);
    if (rc == CX_OK && cb) rc = wa_walk(root, 0, cb, ctx, err);
    json_decref(root);
    return rc;
}
