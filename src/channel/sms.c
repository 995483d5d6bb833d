/* sms.c - SMS through a generic HTTP gateway (body from a template) or the
 * Twilio Messages API, and the parser for SMS gateway webhooks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "channel/chan_int.h"

#define SMS_TEXT_MAX 1600 /* characters; Twilio's limit for a concatenated SMS */

static int json_escape(struct dynbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int bad;
        switch (ch) {
        case '"':
            bad = dyn_adds(b, "\\\"");
            break;
        case '\\':
            bad = dyn_adds(b, "\\\\");
            break;
        case '\n':
            bad = dyn_adds(b, "\\n");
            break;
        case '\r':
            bad = dyn_adds(b, "\\r");
            break;
        case '\t':
            bad = dyn_adds(b, "\\t");
            break;
        default:
            bad = ch < 0x20 ? dyn_addf(b, "\\u%04x", ch) : dyn_add(b, s, 1);
        }
        if (bad) return -1;
    }
    return 0;
}

static int form_escape(struct dynbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int bad;
        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
            bad = dyn_add(b, s, 1);
        else if (ch == ' ')
            bad = dyn_adds(b, "+");
        else
            bad = dyn_addf(b, "%%%02X", ch);
        if (bad) return -1;
    }
    return 0;
}

/* Expands {to}, {from} and {text} in tpl, escaped for the content type. */
static int expand(struct dynbuf *b, const char *tpl, int json, const char *to, const char *from,
                  const char *text)
{
    int (*esc)(struct dynbuf *, const char *) = json ? json_escape : form_escape;
    while (*tpl) {
        const char *v = NULL;
        size_t skip = 0;
        if (strncmp(tpl, "{to}", 4) == 0)
            v = to, skip = 4;
        else if (strncmp(tpl, "{from}", 6) == 0)
            v = from, skip = 6;
        else if (strncmp(tpl, "{text}", 6) == 0)
            v = text, skip = 6;
        if (v) {
            if (esc(b, v)) return -1;
            tpl += skip;
        } else if (dyn_add(b, tpl++, 1)) {
            return -1;
        }
    }
    return 0;
}

static const char *const sms_id_keys[] = {"sid", "id", "message_id", NULL};

int chan_sms_send(const struct cx_chan_config *c, const char *payload, size_t len,
                  const struct cx_send_opts *opts, struct cx_send_result *res)
{
    struct cx_err err;
    json_t *p = chan_load_object(payload, len, &err);
    if (!p) {
        chan_res(res, CX_SEND_PERM, 0, "%s", err.msg);
        return CX_EINVAL;
    }
    const char *to = chan_str(p, "to");
    const char *text = chan_str(p, "text");
    if (!chan_phone_ok(to)) {
        json_decref(p);
        chan_res(res, CX_SEND_PERM, 0, "sms: \"to\" must be a phone number: + and 6 to 15 digits");
        return CX_EINVAL;
    }
    if (!text || !*text || chan_u8len(text) > SMS_TEXT_MAX) {
        json_decref(p);
        chan_res(res, CX_SEND_PERM, 0, "sms: \"text\" must be 1 to %d characters", SMS_TEXT_MAX);
        return CX_EINVAL;
    }
    int twilio = strcmp(c->sms_preset, "twilio") == 0;
    const char *from = c->sms_from ? c->sms_from : "";
    struct dynbuf url, body;
    dyn_init(&url, 4096);
    dyn_init(&body, 2 * CX_CHAN_MAX_PAYLOAD);
    int bad = 0, json = 0;
    const char *ctype;
    if (twilio) {
        const char *base = c->sms_url ? c->sms_url : "https://api.twilio.com";
        size_t blen = strlen(base);
        while (blen && base[blen - 1] == '/') blen--;
        bad |= dyn_add(&url, base, blen);
        bad |= dyn_addf(&url, "/2010-04-01/Accounts/%s/Messages.json", c->sms_account_sid);
        ctype = "application/x-www-form-urlencoded";
        bad |= dyn_adds(&body, "To=") || form_escape(&body, to);
        bad |= dyn_adds(&body, "&From=") || form_escape(&body, from);
        bad |= dyn_adds(&body, "&Body=") || form_escape(&body, text);
    } else {
        bad |= dyn_adds(&url, c->sms_url);
        ctype = c->sms_content_type;
        json = strncasecmp(ctype, "application/json", 16) == 0;
        bad |= expand(&body, c->sms_body_template, json, to, from, text);
    }
    json_decref(p);
    int rc = CX_OK;
    if (bad) {
        chan_res(res, CX_SEND_PERM, 0, "sms: request too large");
        rc = CX_EINVAL;
        goto out;
    }
    struct chan_http rq = {
        .url = url.p,
        .body = body.p,
        .body_len = body.len,
        .content_type = ctype,
        .authorization = twilio ? NULL : c->sms_auth_header,
        .basic_user = twilio ? c->sms_account_sid : NULL,
        .basic_pass = twilio ? c->sms_auth_token : NULL,
        .idem_key = opts->idem_key,
        .timeout_s = c->http_timeout,
    };
    struct dynbuf resp;
    rc = chan_http_post(&rq, &resp, res);
    if (res->status == CX_SEND_OK) {
        chan_pick_provider_id(resp.p, resp.len, res, sms_id_keys);
    } else if (res->http_status && resp.len) {
        /* Twilio and most gateways say why in "message" or "error" */
        json_t *j = json_loadb(resp.p, resp.len, 0, NULL);
        const char *m = chan_str(j, "message");
        if (!m) m = chan_str(j, "error");
        if (m) snprintf(res->error, sizeof res->error, "HTTP %d: %.200s", res->http_status, m);
        json_decref(j);
    }
    dyn_free(&resp);
out:
    dyn_free(&url);
    dyn_free(&body);
    return rc;
}

/* ---- webhook parsing ---------------------------------------------------- */

/* Decodes %XX and '+' from s[0..n) into a new string; NULL for a bad escape,
 * a NUL byte or no memory. */
static char *form_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n) goto bad;
            int hi = isxdigit((unsigned char)s[i + 1]), lo = isxdigit((unsigned char)s[i + 2]);
            if (!hi || !lo) goto bad;
            char hex[3] = {s[i + 1], s[i + 2], 0};
            int v = (int)strtol(hex, NULL, 16);
            if (v == 0) goto bad;
            *o++ = (char)v;
            i += 2;
        } else if (s[i] == '\0') {
            goto bad;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

enum { K_FROM, K_TO, K_BODY, K_SID, K_SMSSID, K_STATUS, K_SMSSTATUS, K_NKEYS };
static const char *const form_keys[K_NKEYS] = {
    "From", "To", "Body", "MessageSid", "SmsSid", "MessageStatus", "SmsStatus"};

/* Maps a Twilio status to ours, NULL for one we skip. */
static const char *map_status(const char *s)
{
    if (!strcmp(s, "sent") || !strcmp(s, "delivered") || !strcmp(s, "read")) return s;
    if (!strcmp(s, "failed") || !strcmp(s, "undelivered")) return "failed";
    return NULL;
}

static int parse_form(const char *body, size_t len, cx_inbound_cb cb, void *ctx, struct cx_err *err)
{
    char *val[K_NKEYS] = {0};
    int rc = CX_OK;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != '&') j++;
        const char *eq = memchr(body + i, '=', j - i);
        size_t klen = eq ? (size_t)(eq - (body + i)) : j - i;
        char *key = form_decode(body + i, klen);
        if (!key) {
            rc = cx_fail(err, CX_EINVAL, "sms webhook: bad form encoding");
            goto out;
        }
        for (int k = 0; k < K_NKEYS; k++) {
            if (strcmp(key, form_keys[k]) == 0 && !val[k]) {
                val[k] = eq ? form_decode(eq + 1, (size_t)(body + j - (eq + 1))) : calloc(1, 1);
                if (!val[k]) {
                    free(key);
                    rc = cx_fail(err, CX_EINVAL, "sms webhook: bad form encoding in %s",
                                 form_keys[k]);
                    goto out;
                }
            }
        }
        free(key);
        i = j + 1;
    }
    struct cx_inbound in = {0};
    in.msg_id = val[K_SID] ? val[K_SID] : val[K_SMSSID];
    if (!in.msg_id || !*in.msg_id) {
        rc = cx_fail(err, CX_EINVAL, "sms webhook: no MessageSid");
        goto out;
    }
    if (val[K_BODY]) {
        in.kind = CX_IN_MESSAGE;
        in.from = val[K_FROM];
        in.text = val[K_BODY];
        if (!in.from || !*in.from) {
            rc = cx_fail(err, CX_EINVAL, "sms webhook: message without From");
            goto out;
        }
        if (cb) rc = cb(ctx, &in);
    } else {
        const char *st = val[K_STATUS] ? val[K_STATUS] : val[K_SMSSTATUS];
        if (!st) {
            rc = cx_fail(err, CX_EINVAL, "sms webhook: neither Body nor MessageStatus");
            goto out;
        }
        in.kind = CX_IN_STATUS;
        in.from = val[K_TO];
        in.status = map_status(st);
        if (in.status && cb) rc = cb(ctx, &in);
    }
out:
    for (int k = 0; k < K_NKEYS; k++) free(val[k]);
    return rc;
}

/* Fills in from one JSON item; 1 = report, 0 = skip, or -CX_EINVAL. */
static int json_item(const json_t *o, struct cx_inbound *in, struct cx_err *err)
{
    memset(in, 0, sizeof *in);
    if (!json_is_object(o)) return -cx_fail(err, CX_EINVAL, "sms webhook: item is not an object");
    in->msg_id = chan_str(o, "id");
    if (!in->msg_id) {
        json_t *n = json_object_get(o, "id");
        if (!json_is_integer(n))
            return -cx_fail(err, CX_EINVAL, "sms webhook: item without string \"id\"");
    }
    json_t *ts = json_object_get(o, "timestamp");
    if (json_is_integer(ts) && json_integer_value(ts) >= 0) in->timestamp = json_integer_value(ts);
    const char *text = chan_str(o, "text");
    if (json_object_get(o, "text")) {
        if (!text) return -cx_fail(err, CX_EINVAL, "sms webhook: \"text\" is not a string");
        in->kind = CX_IN_MESSAGE;
        in->text = text;
        in->from = chan_str(o, "from");
        if (!in->from || !*in->from)
            return -cx_fail(err, CX_EINVAL, "sms webhook: message without \"from\"");
        return 1;
    }
    const char *st = chan_str(o, "status");
    if (!st) return -cx_fail(err, CX_EINVAL, "sms webhook: item with neither text nor status");
    in->kind = CX_IN_STATUS;
    in->from = chan_str(o, "to");
    in->status = map_status(st);
    return in->status != NULL;
}

static int parse_json(const char *body, size_t len, cx_inbound_cb cb, void *ctx, struct cx_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root) return cx_fail(err, CX_EINVAL, "sms webhook: not JSON: %s", je.text);
    json_t *one = json_is_array(root) ? NULL : root;
    size_t n = one ? 1 : json_array_size(root);
    int rc = CX_OK;
    char idbuf[32];
    for (int pass = 0; pass < 2 && rc == CX_OK; pass++) {
        for (size_t i = 0; i < n && rc == CX_OK; i++) {
            const json_t *o = one ? one : json_array_get(root, i);
            struct cx_inbound in;
            int r = json_item(o, &in, err);
            if (r < 0) {
                rc = -r;
            } else if (r == 1 && pass == 1 && cb) {
                if (!in.msg_id) {
                    snprintf(idbuf, sizeof idbuf, "%lld",
                             (long long)json_integer_value(json_object_get(o, "id")));
                    in.msg_id = idbuf;
                }
                rc = cb(ctx, &in);
            }
        }
    }
    json_decref(root);
    return rc;
}

int cx_sms_parse_webhook(const char *content_type, const char *body, size_t len, cx_inbound_cb cb,
                         void *ctx, struct cx_err *err)
{
    if (!body) return cx_fail(err, CX_EINVAL, "sms webhook: no body");
    if (len > CX_CHAN_MAX_PAYLOAD)
        return cx_fail(err, CX_ELIMIT, "sms webhook: body over %d bytes", CX_CHAN_MAX_PAYLOAD);
    int json;
    if (content_type) {
        if (strncasecmp(content_type, "application/json", 16) == 0)
            json = 1;
        else if (strncasecmp(content_type, "application/x-www-form-urlencoded", 33) == 0)
            json = 0;
        else
            return cx_fail(err, CX_EINVAL, "sms webhook: unsupported content type");
    } else {
        size_t i = 0;
        while (i < len && isspace((unsigned char)body[i])) i++;
        json = i < len && (body[i] == '{' || body[i] == '[');
    }
    return json ? parse_json(body, len, cb, ctx, err) : parse_form(body, len, cb, ctx, err);
}
