/* deliver.c - invitations over channels, triggers, alerts and survey
 * conversations (see deliver.h). Runs inside the caller's transaction. */
#include "engine/deliver.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attrs.h"
#include "core/reply.h"
#include "core/utf8.h"
#include "engine/answer.h"
#include "engine/token.h"
#include "io/survey_json.h"
#include "util/tz.h"
#include "util/escape.h"

void cx_delivery_defaults(struct cx_delivery_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->base_url = "http://127.0.0.1:8080";
    cfg->company = "Acme";
    cfg->fatigue_days = 30;
    cfg->quiet_start = 21;
    cfg->quiet_end = 8;
    cfg->expires_days = 28;
    cfg->wa_template_lang = "en";
    cfg->max_event_age_s = 7 * 86400;
}

const char *cx_trigger_outcome_name(enum cx_trigger_outcome o)
{
    static const char *const names[] = {"scheduled",  "no_match",  "sampled_out",
                                        "fatigue",    "opted_out", "ticket_done",
                                        "no_address", "too_old",   "disabled"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

/* ---- small helpers ---- */

static int load_survey(struct cx_store *s, const char *id, struct cx_survey **out,
                       struct cx_err *err)
{
    struct cx_survey_row row;
    int rc = s->vt->survey_get(s, id, &row, err);
    if (rc) return rc;
    if (row.archived) { /* archived surveys are neither sent nor answered */
        free(row.json);
        return cx_fail(err, CX_ENOTFOUND, "survey '%s' is archived", id);
    }
    rc = cx_survey_from_json(row.json, strlen(row.json), out, err);
    free(row.json);
    return rc;
}

/* Copies attribute name of the blob into buf ("" when absent). */
static void attr_str(const unsigned char *blob, size_t len, const char *name, char *buf, size_t cap)
{
    const char *v;
    size_t vl;
    buf[0] = 0;
    if (blob && cx_attrs_find(blob, len, name, strlen(name), &v, &vl) == 1 && vl < cap) {
        memcpy(buf, v, vl);
        buf[vl] = 0;
    }
}

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* A phone number as "+" and digits (WhatsApp sends "4790...", gateways
 * "+4790..." or "+47 90 ..."); anything else is copied as it is. */
void cx_deliver_norm_phone(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    int digits = 0, other = 0;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != '+' && *p != ' ' && *p != '-' && *p != '(' && *p != ')' && *p != '.')
            other = 1;
    }
    if (other || !digits || cap < 2) {
        snprintf(out, cap, "%s", in);
        return;
    }
    out[o++] = '+';
    for (const char *p = in; *p && o + 1 < cap; p++)
        if (*p >= '0' && *p <= '9') out[o++] = *p;
    out[o] = 0;
}

/* An outbox key that stays unique for long ids: prefix, then 24 hex
 * characters of a hash of a and b. */
static void idem_of(const char *prefix, const char *a, const char *b, char *out, size_t cap)
{
    unsigned char h[12];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)a, strlen(a) + 1);
    crypto_generichash_update(&st, (const unsigned char *)(b ? b : ""), b ? strlen(b) : 0);
    crypto_generichash_final(&st, h, sizeof h);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, cap, "%s-%s", prefix, hex);
}

static int oom(struct cx_err *err)
{
    return cx_fail(err, CX_ENOMEM, "out of memory");
}

/* Queues one message. payload is taken (freed). */
static int enqueue(struct cx_store *s, const char *kind, const char *channel, const char *recipient,
                   const char *customer, int64_t invitation, char *payload, int64_t now,
                   int64_t due, const char *idem, struct cx_err *err)
{
    if (!payload) return oom(err);
    struct cx_outbox_msg m;
    memset(&m, 0, sizeof m);
    snprintf(m.kind, sizeof m.kind, "%s", kind);
    snprintf(m.channel, sizeof m.channel, "%s", channel);
    snprintf(m.recipient, sizeof m.recipient, "%s", recipient);
    snprintf(m.customer, sizeof m.customer, "%s", customer ? customer : "");
    m.invitation = invitation;
    m.payload = payload;
    m.due = due;
    m.created = now;
    snprintf(m.idem_key, sizeof m.idem_key, "%s", idem);
    int rc = s->vt->outbox_put(s, &m, err);
    free(payload);
    return rc;
}

static enum cx_lang lang_of(const char *lang)
{
    static const char *const codes[CX_NLANGS] = {"en", "nb", "tr", "fa", "ro"};
    for (int i = 0; lang && i < CX_NLANGS; i++)
        if (!strncmp(lang, codes[i], 2)) return (enum cx_lang)i;
    if (lang && (!strncmp(lang, "no", 2) || !strncmp(lang, "nn", 2))) return CX_LANG_NB;
    return CX_LANG_EN;
}

static void expand(const char *text, const char *company, char *out, size_t cap)
{
    cx_text_expand(text, company, out, cap);
}

/* The score question in lang with {company} filled in. */
static void question(const struct cx_survey *sv, const char *lang, const char *company, char *out,
                     size_t cap)
{
    expand(cx_survey_text(sv, CX_TEXT_QUESTION, lang), company, out, cap);
}

/* Cuts s to at most n code points (in place, at a character boundary). */
static void cut_chars(char *s, size_t n)
{
    size_t chars = 0;
    for (char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == n) {
            *p = 0;
            return;
        }
}

/* ---- first messages ---- */

static char *email_payload(const struct cx_delivery_cfg *cfg, const struct cx_survey *sv,
                           const char *lang, const char *to, const char *token)
{
    char q[1024], link[512];
    question(sv, lang, cfg->company, q, sizeof q);
    struct cx_option opts[11];
    int n = cx_survey_options(sv, lang, opts, 11);
    if (n < 0) n = 0;
    if (n > 11) n = 11;
    json_t *html = NULL;
    char *h = NULL, *t = NULL;
    size_t hl = 0, tl = 0;
    FILE *hf = open_memstream(&h, &hl), *tf = open_memstream(&t, &tl);
    if (!hf || !tf) {
        if (hf) fclose(hf);
        if (tf) fclose(tf);
        free(h);
        free(t);
        return NULL;
    }
    /* HTML: the question and one link per answer: each opens the hosted
     * page with the answer pre-selected; the person confirms there, so a
     * mail scanner following links records nothing. */
    int rtl = lang_of(lang) == CX_LANG_FA;
    fputs("<!doctype html><html lang=\"", hf);
    cx_fput_html(hf, lang && *lang ? lang : "en");
    fprintf(hf, "\"%s><body style=\"font-family:sans-serif\"><p style=\"font-size:18px\">",
            rtl ? " dir=\"rtl\"" : "");
    cx_fput_html(hf, q);
    fputs("</p><p>", hf);
    fprintf(tf, "%s\n\n", q);
    for (int i = 0; i < n; i++) {
        snprintf(link, sizeof link, "%s/s/%s?score=%d", cfg->base_url, token, opts[i].value);
        fputs("<a href=\"", hf);
        cx_fput_html(hf, link);
        fputs("\" aria-label=\"", hf);
        cx_fput_html(hf, opts[i].aria);
        fputs("\" style=\"display:inline-block;min-width:28px;padding:8px;margin:2px;"
              "border:1px solid #555;border-radius:4px;text-decoration:none;color:#111;"
              "text-align:center\">",
              hf);
        cx_fput_html(hf, opts[i].label);
        fputs("</a>", hf);
        fprintf(tf, "%s: %s\n", opts[i].label, link);
    }
    static const char *const unsub[CX_NLANGS] = {"Unsubscribe", "Meld deg av", "Abonelikten çık",
                                                 "لغو اشتراک", "Dezabonare"};
    const char *u = unsub[lang_of(lang)];
    snprintf(link, sizeof link, "%s/u/%s", cfg->base_url, token);
    fputs("</p><p style=\"font-size:12px;color:#555\"><a href=\"", hf);
    cx_fput_html(hf, link);
    fprintf(hf, "\">%s</a></p></body></html>", u);
    fprintf(tf, "\n%s: %s\n", u, link);
    fclose(hf);
    fclose(tf);
    html = json_string(h);
    json_t *j = json_pack("{s:s, s:s, s:s?, s:o?, s:s}", "to", to, "subject", q, "text", t, "html",
                          html, "unsubscribe_url", link);
    free(h);
    free(t);
    return dump(j);
}

/* The question as a chat message: interactive buttons (up to 3 options) or
 * a list (up to 10) on WhatsApp inside the service window; otherwise text
 * with a hint to type the number (NPS has 11 options: more than a list
 * holds). Outside the window a configured template carries the question. */
static char *chat_payload(const struct cx_delivery_cfg *cfg, const struct cx_survey *sv,
                          const char *lang, const char *channel, const char *to, int window_open)
{
    char q[1024], hint[256], text[1400];
    question(sv, lang, cfg->company, q, sizeof q);
    cx_reply_text(lang_of(lang), CX_RT_HINT, sv->scale.min, sv->scale.max, hint, sizeof hint);
    snprintf(text, sizeof text, "%s\n%s", q, hint);
    if (!strcmp(channel, "sms")) return dump(json_pack("{s:s, s:s}", "to", to, "text", text));
    if (!window_open && cfg->wa_template && *cfg->wa_template)
        /* the approved template's body has three parameters: company,
         * question, hint (a template parameter may not hold a new line) */
        return dump(json_pack("{s:s, s:s, s:s, s:s, s:[s,s,s]}", "to", to, "type", "template",
                              "name", cfg->wa_template, "lang",
                              cfg->wa_template_lang ? cfg->wa_template_lang : "en", "params",
                              cfg->company, q, hint));
    struct cx_option opts[11];
    int n = cx_survey_options(sv, lang, opts, 11);
    if (n <= 0 || n > 10)
        return dump(json_pack("{s:s, s:s, s:s}", "to", to, "type", "text", "text", text));
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "score:%d", opts[i].value);
        cut_chars(opts[i].label, n <= 3 ? 20 : 24);
        json_array_append_new(items, json_pack("{s:s, s:s}", "id", id, "title", opts[i].label));
    }
    if (n <= 3)
        return dump(json_pack("{s:s, s:s, s:s, s:o}", "to", to, "type", "buttons", "text", q,
                              "buttons", items));
    char button[64];
    cx_reply_text(lang_of(lang), CX_RT_LIST_BUTTON, 0, 0, button, sizeof button);
    return dump(json_pack("{s:s, s:s, s:s, s:s, s:o}", "to", to, "type", "list", "text", q,
                          "button", button, "rows", items));
}

static int chat_channel(const char *channel)
{
    return !strcmp(channel, "whatsapp") || !strcmp(channel, "sms");
}

int cx_deliver_invite(struct cx_store *s, const struct cx_delivery_cfg *cfg,
                      const struct cx_survey *sv, const char *customer, const char *channel,
                      const char *recipient, const char *lang, const unsigned char *context,
                      size_t context_len, int64_t now, int64_t due, int64_t *inv_id,
                      struct cx_err *err)
{
    if (strcmp(channel, "email") && !chat_channel(channel) && strcmp(channel, "chat"))
        return cx_fail(err, CX_EINVAL, "channel '%s': use email, whatsapp, sms or chat", channel);
    if (sv->kind == CX_SURVEY_CUSTOM && strcmp(channel, "email"))
        return cx_fail(err, CX_EINVAL,
                       "survey '%s': custom surveys are asked on the hosted page (email) only",
                       sv->id);
    struct cx_invitation inv;
    memset(&inv, 0, sizeof inv);
    snprintf(inv.survey, sizeof inv.survey, "%s", sv->id);
    snprintf(inv.customer, sizeof inv.customer, "%s", customer);
    snprintf(inv.channel, sizeof inv.channel, "%s", channel);
    snprintf(inv.lang, sizeof inv.lang, "%s", lang ? lang : "");
    inv.context = (unsigned char *)context;
    inv.context_len = context ? context_len : 0;
    inv.created = now;
    inv.expires = due + (int64_t)(cfg->expires_days > 0 ? cfg->expires_days : 28) * 86400;
    int rc = s->vt->invitation_create(s, &inv, err);
    if (rc) return rc;
    *inv_id = inv.id;
    char token[CX_TOKEN_LEN + 1], idem[64], address[352];
    cx_token_make(s->token_secret, inv.id, inv.expires, inv.survey, inv.customer, inv.channel,
                  token);
    snprintf(idem, sizeof idem, "inv-%lld", (long long)inv.id);
    if (!strcmp(channel, "email"))
        return enqueue(s, "survey", channel, recipient, customer, inv.id,
                       email_payload(cfg, sv, inv.lang, recipient, token), now, due, idem, err);
    /* a chat channel: the conversation starts waiting for the score */
    struct cx_conversation c;
    memset(&c, 0, sizeof c);
    if (!strcmp(channel, "chat")) /* the chat endpoint: one conversation per invitation */
        snprintf(address, sizeof address, "chat:%lld", (long long)inv.id);
    else {
        char phone[64];
        cx_deliver_norm_phone(recipient, phone, sizeof phone);
        snprintf(address, sizeof address, "%s:%s", channel, phone);
    }
    struct cx_err e2 = {{0}};
    int window = 0;
    if (s->vt->conv_get(s, address, &c, &e2) == CX_OK)
        window = c.last_in && due - c.last_in < 23 * 3600; /* still open when it is sent */
    if (!strcmp(channel, "chat")) {                        /* the endpoint asks synchronously */
        snprintf(c.address, sizeof c.address, "%s", address);
        c.invitation = inv.id;
        c.step = 1;
        c.reasks = 0;
        c.score = -1;
        c.updated = now;
        return s->vt->conv_put(s, &c, err);
    }
    /* WhatsApp and SMS: the conversation waits for the score once the
     * question has gone out (cx_deliver_sent), not before */
    return enqueue(s, "survey", channel, recipient, customer, inv.id,
                   chat_payload(cfg, sv, inv.lang, channel, recipient, window), now, due, idem,
                   err);
}

int cx_deliver_sent(struct cx_store *s, const struct cx_outbox_msg *m, int64_t now,
                    struct cx_err *err)
{
    if (strcmp(m->kind, "survey") || !m->invitation ||
        (strcmp(m->channel, "whatsapp") && strcmp(m->channel, "sms")))
        return CX_OK;
    char phone[64], address[352];
    cx_deliver_norm_phone(m->recipient, phone, sizeof phone);
    snprintf(address, sizeof address, "%s:%s", m->channel, phone);
    struct cx_conversation c;
    struct cx_err e2 = {{0}};
    if (s->vt->conv_get(s, address, &c, &e2)) memset(&c, 0, sizeof c);
    snprintf(c.address, sizeof c.address, "%s", address);
    c.invitation = m->invitation;
    c.step = 1;
    c.reasks = 0;
    c.score = -1;
    c.updated = now;
    return s->vt->conv_put(s, &c, err);
}

/* ---- quiet hours, opt-outs ---- */

int64_t cx_deliver_after_quiet(const struct cx_delivery_cfg *cfg, const char *zone, int64_t t)
{
    int qs = cfg->quiet_start, qe = cfg->quiet_end;
    if (qs == qe || qs < 0 || qs > 23 || qe < 0 || qe > 23) return t;
    if (!zone || !*zone) zone = cfg->default_tz;
    struct cx_tz *tz = NULL;
    struct cx_err err = {{0}};
    if (cx_tz_open(zone && *zone ? zone : "UTC", &tz, &err) && cx_tz_open("UTC", &tz, &err))
        return t;
    int64_t off = cx_tz_offset(tz, t);
    int64_t local = t + off;
    int64_t day = (int64_t)floor((double)local / 86400.0);
    int hour = (int)((local - day * 86400) / 3600);
    int quiet = qs < qe ? hour >= qs && hour < qe : hour >= qs || hour < qe;
    int64_t out = t;
    if (quiet) {
        /* the quiet period ends at qe local time: today or tomorrow */
        int64_t end_day = qs < qe || hour < qe ? day : day + 1;
        int64_t end_local = end_day * 86400 + (int64_t)qe * 3600;
        out = end_local - cx_tz_offset(tz, end_local - off);
        if (out < t) out = t;
    }
    cx_tz_free(tz);
    return out;
}

int cx_deliver_opted_out(struct cx_store *s, const char *customer, const struct cx_contact *c,
                         int *out, struct cx_err *err)
{
    char addr[400];
    *out = 0;
    const char *keys[3][2] = {
        {"customer:", customer}, {"email:", c ? c->email : ""}, {"phone:", c ? c->phone : ""}};
    for (int i = 0; i < 3 && !*out; i++) {
        if (!keys[i][1] || !*keys[i][1]) continue;
        snprintf(addr, sizeof addr, "%s%s", keys[i][0], keys[i][1]);
        int rc = s->vt->optout_check(s, addr, out, err);
        if (rc) return rc;
    }
    return CX_OK;
}

int cx_deliver_optout(struct cx_store *s, const char *address, int out, const char *source,
                      int64_t now, struct cx_err *err)
{
    int rc = s->vt->optout_set(s, address, out, source, now, err);
    if (rc) return rc;
    /* the same person on every channel: opt their customer id and other
     * addresses in or out too */
    struct cx_contact c;
    struct cx_err e2 = {{0}};
    const char *colon = strchr(address, ':');
    if (!colon) return CX_OK;
    int found = !strncmp(address, "customer:", 9)
                    ? s->vt->contact_get(s, colon + 1, &c, &e2) == CX_OK
                    : s->vt->contact_find(s, colon + 1, &c, &e2) == CX_OK;
    if (!found) return CX_OK;
    char addr[400];
    const char *keys[3][2] = {{"customer:", c.customer}, {"email:", c.email}, {"phone:", c.phone}};
    for (int i = 0; i < 3; i++) {
        if (!*keys[i][1]) continue;
        snprintf(addr, sizeof addr, "%s%s", keys[i][0], keys[i][1]);
        if (!strcmp(addr, address)) continue;
        if ((rc = s->vt->optout_set(s, addr, out, source, now, err))) return rc;
    }
    return CX_OK;
}

/* ---- validation of definitions ---- */

static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
              id[i] == '_'))
            return 0;
    return 1;
}

static int check_keys(json_t *j, const char *const *allowed, struct cx_err *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++) ok = !strcmp(k, allowed[i]);
        if (!ok) return cx_fail(err, CX_EINVAL, "%s: unknown field", k);
    }
    return CX_OK;
}

static json_t *parse_obj(const char *json, struct cx_err *err)
{
    json_error_t je;
    json_t *j = json_loads(json, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        cx_fail(err, CX_EINVAL, "not valid JSON: %s (line %d)", je.text, je.line);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        cx_fail(err, CX_EINVAL, "expected a JSON object");
        return NULL;
    }
    return j;
}

static int get_id(json_t *j, char *id, size_t cap, struct cx_err *err)
{
    const char *v = json_string_value(json_object_get(j, "id"));
    if (!valid_id(v)) return cx_fail(err, CX_EINVAL, "id: 1-64 of a-z, 0-9, '-', '_' required");
    snprintf(id, cap, "%s", v);
    return CX_OK;
}

static int num_field(json_t *j, const char *name, double lo, double hi, double *out,
                     struct cx_err *err)
{
    json_t *v = json_object_get(j, name);
    if (!v) return CX_OK;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
        return cx_fail(err, CX_EINVAL, "%s: a number from %g to %g", name, lo, hi);
    *out = json_number_value(v);
    return CX_OK;
}

int cx_trigger_validate(const char *json, char *id, size_t idcap, struct cx_err *err)
{
    static const char *const keys[] = {
        "id",      "event_type", "match", "survey", "channel", "delay_minutes", "sample_percent",
        "enabled", "touchpoint", NULL};
    json_t *j = parse_obj(json, err);
    if (!j) return CX_EINVAL;
    int rc = check_keys(j, keys, err);
    if (!rc) rc = get_id(j, id, idcap, err);
    const char *et = json_string_value(json_object_get(j, "event_type"));
    const char *sv = json_string_value(json_object_get(j, "survey"));
    const char *ch = json_string_value(json_object_get(j, "channel"));
    json_t *match = json_object_get(j, "match"), *en = json_object_get(j, "enabled");
    const char *tp = json_string_value(json_object_get(j, "touchpoint"));
    double d = 0;
    if (rc) {
    } else if (!et || !*et || strlen(et) > 128)
        rc = cx_fail(err, CX_EINVAL, "event_type: required, e.g. \"ticket.resolved\"");
    else if (!valid_id(sv))
        rc = cx_fail(err, CX_EINVAL, "survey: the id of a survey is required");
    else if (!ch || (strcmp(ch, "email") && strcmp(ch, "whatsapp") && strcmp(ch, "sms")))
        rc = cx_fail(err, CX_EINVAL, "channel: one of email, whatsapp, sms");
    else if (match && !json_is_object(match))
        rc = cx_fail(err, CX_EINVAL, "match: an object of attribute names and string values");
    else if (en && !json_is_boolean(en))
        rc = cx_fail(err, CX_EINVAL, "enabled: true or false");
    else if (json_object_get(j, "touchpoint") && (!tp || !*tp || strlen(tp) > 128))
        rc = cx_fail(err, CX_EINVAL, "touchpoint: a non-empty string of at most 128 bytes");
    else if (!(rc = num_field(j, "delay_minutes", 0, 43200, &d, err)))
        rc = num_field(j, "sample_percent", 0, 100, &d, err);
    if (!rc && match) {
        const char *k;
        json_t *v;
        json_object_foreach(match, k, v)
        {
            if (!json_is_string(v) || strlen(k) > 128) {
                rc = cx_fail(err, CX_EINVAL, "match.%s: a string value", k);
                break;
            }
        }
    }
    json_decref(j);
    return rc;
}

int cx_alert_validate(const char *json, char *id, size_t idcap, struct cx_err *err)
{
    static const char *const keys[] = {"id",          "kind",  "metric",      "threshold",
                                       "window_days", "email", "webhook_url", NULL};
    json_t *j = parse_obj(json, err);
    if (!j) return CX_EINVAL;
    int rc = check_keys(j, keys, err);
    if (!rc) rc = get_id(j, id, idcap, err);
    const char *kind = json_string_value(json_object_get(j, "kind"));
    const char *metric = json_string_value(json_object_get(j, "metric"));
    const char *url = json_string_value(json_object_get(j, "webhook_url"));
    const char *mail = json_string_value(json_object_get(j, "email"));
    enum cx_kind k;
    double d = 0;
    if (rc) {
    } else if (!kind || (strcmp(kind, "low_score") && strcmp(kind, "metric_drop")))
        rc = cx_fail(err, CX_EINVAL, "kind: low_score or metric_drop");
    else if (!metric || cx_kind_parse(metric, strlen(metric), &k))
        rc = cx_fail(err, CX_EINVAL, "metric: nps, csat or ces");
    else if (!url && !mail)
        rc = cx_fail(err, CX_EINVAL, "webhook_url or email: at least one is required");
    else if (json_object_get(j, "webhook_url") &&
             (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))))
        rc = cx_fail(err, CX_EINVAL, "webhook_url: an http:// or https:// URL");
    else if (json_object_get(j, "email") && (!mail || !strchr(mail, '@') || strlen(mail) > 320))
        rc = cx_fail(err, CX_EINVAL, "email: an email address");
    else if (!(rc = num_field(j, "threshold", 0, 10, &d, err)))
        rc = num_field(j, "window_days", 1, 365, &d, err);
    json_decref(j);
    return rc;
}

/* ---- alerts ---- */

/* Default low-score thresholds on the stored scale: NPS detractors (0-6);
 * CSAT and CES: the bottom 40 % of the scale (2 on 1-5, 2 on 1-7 rounds to
 * 2, 4 on 1-10). */
static int default_threshold(const struct cx_response *r)
{
    if (r->kind == CX_KIND_NPS) return 6;
    return r->scale.min + (int)((r->scale.max - r->scale.min + 1) * 0.4) - 1;
}

/* Queues the alert's webhook and/or email with body. */
static int queue_alert(struct cx_store *s, const char *alert_id, json_t *def, json_t *body,
                       const char *subject, const char *idem_tail, const char *customer,
                       int64_t now, struct cx_err *err)
{
    const char *url = json_string_value(json_object_get(def, "webhook_url"));
    const char *mail = json_string_value(json_object_get(def, "email"));
    char idem[64];
    int rc = CX_OK;
    if (url) {
        idem_of("alert-w", alert_id, idem_tail, idem, sizeof idem);
        rc =
            enqueue(s, "alert", "webhook", url, customer, 0,
                    dump(json_pack("{s:s, s:O, s:s}", "url", url, "body", body, "alert", alert_id)),
                    now, now, idem, err);
    }
    if (!rc && mail) {
        char *text = json_dumps(body, JSON_INDENT(2));
        idem_of("alert-e", alert_id, idem_tail, idem, sizeof idem);
        rc = enqueue(
            s, "alert", "email", mail, customer, 0,
            dump(json_pack("{s:s, s:s, s:s?}", "to", mail, "subject", subject, "text", text)), now,
            now, idem, err);
        free(text);
    }
    return rc;
}

int cx_deliver_alert(struct cx_store *s, const char *alert_id, const char *def_json,
                     const char *body_json, const char *subject, const char *idem_tail, int64_t now,
                     struct cx_err *err)
{
    json_t *def = json_loads(def_json, 0, NULL), *body = json_loads(body_json, 0, NULL);
    int rc = def && body ? queue_alert(s, alert_id, def, body, subject, idem_tail, "", now, err)
                         : cx_fail(err, CX_EINVAL, "alert %s: bad definition", alert_id);
    json_decref(def);
    json_decref(body);
    return rc ? rc : s->vt->alert_fired(s, alert_id, now, err);
}

/* The triggers and alerts, read once per transaction of the writer (a
 * batch of a thousand rows reads them once, not a thousand times). */
struct defs_cache {
    const struct cx_store *s;
    uint64_t seq;
    struct cx_def_row *trig, *alert;
    size_t ntrig, nalert;
    json_t **tdef, **adef; /* parsed; NULL for a damaged definition */
};

static void defs_drop(struct defs_cache *c)
{
    for (size_t i = 0; i < c->ntrig; i++) json_decref(c->tdef[i]);
    for (size_t i = 0; i < c->nalert; i++) json_decref(c->adef[i]);
    free(c->tdef);
    free(c->adef);
    cx_def_rows_free(c->trig, c->ntrig);
    cx_def_rows_free(c->alert, c->nalert);
    memset(c, 0, sizeof *c);
}

void cx_delivery_clear(struct cx_delivery_cfg *cfg)
{
    if (!cfg->cache) return;
    defs_drop(cfg->cache);
    free(cfg->cache);
    cfg->cache = NULL;
}

static json_t **parse_defs(const struct cx_def_row *rows, size_t n)
{
    json_t **out = calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) out[i] = json_loads(rows[i].json, 0, NULL);
    return out;
}

static int defs_of(struct cx_delivery_cfg *cfg, struct cx_store *s, struct defs_cache **out,
                   struct cx_err *err)
{
    struct defs_cache *c = cfg->cache;
    if (!c && !(c = cfg->cache = calloc(1, sizeof *c)))
        return cx_fail(err, CX_ENOMEM, "out of memory");
    *out = c;
    if (c->s == s && c->seq == s->tx_seq && c->tdef) return CX_OK;
    defs_drop(c);
    int rc = s->vt->trigger_list(s, &c->trig, &c->ntrig, err);
    if (!rc) rc = s->vt->alert_list(s, &c->alert, &c->nalert, err);
    if (!rc && (!(c->tdef = parse_defs(c->trig, c->ntrig)) ||
                !(c->adef = parse_defs(c->alert, c->nalert))))
        rc = cx_fail(err, CX_ENOMEM, "out of memory");
    if (rc) {
        defs_drop(c);
        return rc;
    }
    c->s = s;
    c->seq = s->tx_seq;
    return CX_OK;
}

static int low_score_alerts(struct cx_store *s, const struct defs_cache *dc,
                            const struct cx_response *r, int64_t now, struct cx_err *err)
{
    int rc = CX_OK;
    for (size_t i = 0; !rc && i < dc->nalert; i++) {
        const struct cx_def_row *rows = dc->alert;
        json_t *def = dc->adef[i];
        const char *kind = json_string_value(json_object_get(def, "kind"));
        const char *metric = json_string_value(json_object_get(def, "metric"));
        enum cx_kind k;
        if (!def || !kind || strcmp(kind, "low_score") || !metric ||
            cx_kind_parse(metric, strlen(metric), &k) || k != r->kind) {
            continue;
        }
        json_t *th = json_object_get(def, "threshold");
        int threshold = th ? (int)json_number_value(th) : default_threshold(r);
        if (r->score <= threshold) {
            char subject[256];
            snprintf(subject, sizeof subject, "cxpulse alert %s: %s %d from customer %.128s",
                     rows[i].id, cx_kind_name(r->kind), r->score, r->customer);
            json_t *body = json_pack(
                "{s:s, s:s, s:{s:s, s:s, s:s, s:i, s:s, s:s, s:s?, s:I}}", "alert", rows[i].id,
                "kind", "low_score", "response", "id", r->id, "customer", r->customer, "metric",
                cx_kind_name(r->kind), "score", r->score, "channel", r->channel, "touchpoint",
                r->touchpoint, "comment", r->comment, "time", (json_int_t)r->t.sec);
            rc = body ? queue_alert(s, rows[i].id, def, body, subject, r->id, r->customer, now, err)
                      : oom(err);
            json_decref(body);
            if (!rc) rc = s->vt->alert_fired(s, rows[i].id, now, err);
        }
    }
    return rc;
}

/* ---- triggers ---- */

static int update_contact(struct cx_store *s, const char *customer, const unsigned char *attrs,
                          size_t len, int64_t now, struct cx_contact *c, struct cx_err *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->customer, sizeof c->customer, "%s", customer);
    attr_str(attrs, len, "email", c->email, sizeof c->email);
    char raw[sizeof c->phone];
    attr_str(attrs, len, "phone", raw, sizeof raw);
    cx_deliver_norm_phone(raw, c->phone, sizeof c->phone);
    attr_str(attrs, len, "lang", c->lang, sizeof c->lang);
    for (const char *p = c->lang; *p; p++) /* a language tag, nothing else */
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-')) {
            c->lang[0] = 0;
            break;
        }
    attr_str(attrs, len, "tz", c->tz, sizeof c->tz);
    if (c->email[0] || c->phone[0] || c->lang[0] || c->tz[0])
        return s->vt->contact_put(s, c, now, err);
    return CX_OK;
}

/* Deterministic sampling: the same trigger and event always decide alike. */
static int sampled_in(const char *trigger, const char *event, double percent)
{
    if (percent >= 100) return 1;
    if (percent <= 0) return 0;
    unsigned char h[8];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)trigger, strlen(trigger) + 1);
    crypto_generichash_update(&st, (const unsigned char *)event, strlen(event));
    crypto_generichash_final(&st, h, sizeof h);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | h[i];
    return (double)(v % 1000000) < percent * 10000.0;
}

static int attrs_match(json_t *match, const struct cx_event *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(match, k, v)
    {
        const char *want = json_string_value(v), *got = NULL;
        size_t gl = 0;
        if (!strcmp(k, "channel"))
            got = e->channel, gl = strlen(got);
        else if (!strcmp(k, "agent") && e->agent)
            got = e->agent, gl = strlen(got);
        else if (cx_attrs_find(e->attrs, e->attrs_len, k, strlen(k), &got, &gl) != 1)
            return 0;
        if (!want || strlen(want) != gl || memcmp(want, got, gl)) return 0;
    }
    return 1;
}

static int fire_trigger(struct cx_store *s, const struct cx_delivery_cfg *cfg, const char *tid,
                        json_t *def, const struct cx_event *e, const struct cx_contact *c,
                        int64_t now, enum cx_trigger_outcome *outcome, struct cx_err *err)
{
    json_t *en = json_object_get(def, "enabled");
    const char *type = json_string_value(json_object_get(def, "event_type"));
    const char *channel = json_string_value(json_object_get(def, "channel"));
    const char *survey = json_string_value(json_object_get(def, "survey"));
    json_t *pct = json_object_get(def, "sample_percent");
    json_t *delay = json_object_get(def, "delay_minutes");
    if (en && json_is_false(en)) return *outcome = CX_TRIG_DISABLED, CX_OK;
    if (!type || strcmp(type, e->type) || !channel || !survey)
        return *outcome = CX_TRIG_NO_MATCH, CX_OK;
    json_t *match = json_object_get(def, "match");
    if (match && !attrs_match(match, e)) return *outcome = CX_TRIG_NO_MATCH, CX_OK;
    if (cfg->max_event_age_s > 0 && e->t.sec < now - cfg->max_event_age_s)
        return *outcome = CX_TRIG_TOO_OLD, CX_OK;
    if (!sampled_in(tid, e->id, pct ? json_number_value(pct) : 100))
        return *outcome = CX_TRIG_SAMPLED_OUT, CX_OK;
    const char *to = !strcmp(channel, "email") ? c->email : c->phone;
    if (!*to) return *outcome = CX_TRIG_NO_ADDRESS, CX_OK;
    int out = 0;
    int rc = cx_deliver_opted_out(s, e->customer, c, &out, err);
    if (rc) return rc;
    if (out) return *outcome = CX_TRIG_OPTED_OUT, CX_OK;
    if (cfg->fatigue_days > 0) {
        int64_t last = 0;
        if ((rc = s->vt->last_invited(s, e->customer, &last, err))) return rc;
        if (last && now - last < (int64_t)cfg->fatigue_days * 86400)
            return *outcome = CX_TRIG_FATIGUE, CX_OK;
    }
    struct cx_survey *sv = NULL;
    struct cx_err e2 = {{0}};
    if (load_survey(s, survey, &sv, &e2)) {
        /* a trigger naming a missing survey must not fail the ingest (nor
         * use up the ticket) */
        *outcome = CX_TRIG_NO_MATCH;
        return CX_OK;
    }
    if (e->ref && *e->ref) {
        /* claimed now, bound to the invitation below (erase finds it) */
        rc = s->vt->ticket_claim(s, e->ref, 0, &e2);
        if (rc == CX_EEXIST) {
            cx_survey_free(sv);
            return *outcome = CX_TRIG_TICKET_DONE, CX_OK;
        }
        if (rc) {
            cx_survey_free(sv);
            return cx_fail(err, rc, "%s", e2.msg);
        }
    }
    /* context: the touchpoint (the trigger's, else the event type), the
     * ticket and the agent, so the response lands on the right touchpoint */
    const char *tp = json_string_value(json_object_get(def, "touchpoint"));
    struct cx_attr a[4];
    size_t na = 0;
    if (!tp) tp = e->type;
    a[na++] = (struct cx_attr){"touchpoint", 10, tp, strlen(tp)};
    if (e->ref && *e->ref) a[na++] = (struct cx_attr){"ref", 3, e->ref, strlen(e->ref)};
    if (e->agent && *e->agent) a[na++] = (struct cx_attr){"agent", 5, e->agent, strlen(e->agent)};
    a[na++] = (struct cx_attr){"trigger", 7, tid, strlen(tid)};
    unsigned char *ctx = NULL;
    size_t ctxlen = 0, dup = 0;
    if (cx_attrs_encode(a, na, &ctx, &ctxlen, &dup)) {
        cx_survey_free(sv);
        return oom(err);
    }
    int64_t start = e->t.sec > now ? e->t.sec : now;
    int64_t due = start + (int64_t)(delay ? json_number_value(delay) : 0) * 60;
    due = cx_deliver_after_quiet(cfg, c->tz, due);
    int64_t inv = 0;
    if (sv->kind == CX_SURVEY_CUSTOM && strcmp(channel, "email")) {
        /* a channel that cannot carry this survey: nothing to send, and the
         * event is still stored */
        free(ctx);
        cx_survey_free(sv);
        *outcome = CX_TRIG_NO_MATCH;
        return CX_OK;
    }
    rc = cx_deliver_invite(s, cfg, sv, e->customer, channel, to, c->lang, ctx, ctxlen, now, due,
                           &inv, err);
    if (!rc && e->ref && *e->ref) rc = s->vt->ticket_claim(s, e->ref, inv, err);
    free(ctx);
    cx_survey_free(sv);
    if (!rc) *outcome = CX_TRIG_SCHEDULED;
    return rc;
}

static int run_triggers(struct cx_store *s, const struct cx_delivery_cfg *cfg,
                        const struct defs_cache *dc, const struct cx_event *e, struct cx_contact *c,
                        int64_t now, struct cx_err *err)
{
    int rc = CX_OK, have_contact = 0;
    for (size_t i = 0; !rc && i < dc->ntrig; i++) {
        json_t *def = dc->tdef[i];
        const char *type = json_string_value(json_object_get(def, "event_type"));
        if (!def || !type || strcmp(type, e->type)) continue;
        if (!have_contact) { /* the contact book, merged with this row's attributes */
            struct cx_contact known;
            struct cx_err e2 = {{0}};
            if (s->vt->contact_get(s, e->customer, &known, &e2) == CX_OK) *c = known;
            have_contact = 1;
        }
        enum cx_trigger_outcome o = CX_TRIG_NO_MATCH;
        rc = fire_trigger(s, cfg, dc->trig[i].id, def, e, c, now, &o, err);
        if (!rc && o == CX_TRIG_SCHEDULED) break; /* one survey per event */
    }
    return rc;
}

int cx_deliver_hook(void *ctx, struct cx_store *s, int is_event, const void *row,
                    struct cx_err *err)
{
    struct cx_delivery_cfg *cfg = ctx;
    int64_t now = (int64_t)time(NULL);
    struct cx_contact c;
    struct defs_cache *dc = NULL;
    int rc0 = defs_of(cfg, s, &dc, err);
    if (rc0) return rc0;
    if (is_event) {
        const struct cx_event *e = row;
        int rc = update_contact(s, e->customer, e->attrs, e->attrs_len, now, &c, err);
        return rc ? rc : run_triggers(s, cfg, dc, e, &c, now, err);
    }
    const struct cx_response *r = row;
    int rc = update_contact(s, r->customer, r->attrs, r->attrs_len, now, &c, err);
    return rc || !dc->nalert ? rc : low_score_alerts(s, dc, r, now, err);
}

/* ---- conversations ---- */

void cx_conv_replies_free(struct cx_conv_replies *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->text[i]);
    memset(r, 0, sizeof *r);
}

/* Sends text to the person: queued for WhatsApp/SMS, returned for chat. */
static int say(struct cx_store *s, const char *channel, const char *to, const char *customer,
               int64_t inv, const char *text, int64_t now, const char *idem,
               struct cx_conv_replies *sync, struct cx_err *err)
{
    if (sync) {
        if (sync->n < 4 && !(sync->text[sync->n++] = strdup(text))) return oom(err);
        return CX_OK;
    }
    char *payload =
        !strcmp(channel, "sms")
            ? dump(json_pack("{s:s, s:s}", "to", to, "text", text))
            : dump(json_pack("{s:s, s:s, s:s}", "to", to, "type", "text", "text", text));
    return enqueue(s, "reply", channel, to, customer, inv, payload, now, now, idem, err);
}

/* Stores the answer as response inv-<id> (score, and comment when given). */
static int store_answer(struct cx_store *s, const struct cx_invitation *inv,
                        const struct cx_survey *sv, int stored, const char *comment, int64_t now,
                        struct cx_err *err)
{
    char id[40];
    snprintf(id, sizeof id, "inv-%lld", (long long)inv->id);
    struct cx_answer a = {id,           inv->customer,    sv,      stored,
                          inv->channel, inv->lang,        comment, NULL,
                          inv->context, inv->context_len, inv->id, now};
    struct cx_response r;
    struct cx_reject why;
    int rc = cx_answer_response(&a, &r, &why);
    if (rc == -2) return oom(err);
    if (rc) return cx_fail(err, CX_EINVAL, "answer rejected: %s %s", why.field, why.reason);
    enum cx_put res;
    rc = s->vt->put_response(s, &r, &res, err);
    cx_response_clear(&r);
    return rc;
}

int cx_deliver_inbound(struct cx_store *s, const struct cx_delivery_cfg *cfg, const char *channel,
                       const char *from, const char *text, const char *reply_id, const char *msg_id,
                       int64_t now, struct cx_conv_replies *sync, struct cx_err *err)
{
    char address[352], buf[1400], idem[64], phone[64];
    if (strcmp(channel, "chat")) {
        cx_deliver_norm_phone(from, phone, sizeof phone);
        from = phone;
    }
    snprintf(address, sizeof address, "%s:%s", channel, from);
    if (!text) text = "";
    struct cx_conversation c;
    struct cx_err e2 = {{0}};
    int have = s->vt->conv_get(s, address, &c, &e2) == CX_OK;
    struct cx_invitation inv;
    memset(&inv, 0, sizeof inv);
    if (have && s->vt->invitation_get(s, c.invitation, &inv, &e2)) have = 0;
    if (msg_id && *msg_id) { /* a redelivered webhook is handled once */
        char key[64];
        idem_of("in", channel, msg_id, key, sizeof key);
        int seen = 0;
        int rc0 = s->vt->inbound_seen(s, key, now, &seen, err);
        if (rc0 || seen) {
            free(inv.context);
            return rc0;
        }
    }
    if (have && msg_id) snprintf(c.last_msg, sizeof c.last_msg, "%s", msg_id);
    const char *lang = have ? inv.lang : "";
    enum cx_lang L = lang_of(lang);
    /* message ids: one per inbound step, so a provider's webhook retry does
     * not queue a second reply */
    int step = have ? c.step * 10 + c.reasks : 0;
    if (msg_id && *msg_id)
        idem_of("re", channel, msg_id, idem, sizeof idem);
    else
        snprintf(idem, sizeof idem, "r-%.30s-%lld-%d", from, (long long)now, step);
    int rc = CX_OK;
    enum cx_reply_kw kw = cx_reply_keyword(text, strlen(text));
    if (kw == CX_KW_STOP || kw == CX_KW_START) {
        char a2[352];
        snprintf(a2, sizeof a2, "%s:%s", strchr(from, '@') ? "email" : "phone", from);
        if (!strcmp(channel, "chat") && have) snprintf(a2, sizeof a2, "customer:%s", inv.customer);
        rc = cx_deliver_optout(s, a2, kw == CX_KW_STOP, channel, now, err);
        if (!rc && have && kw == CX_KW_STOP && c.step < 3) {
            c.step = 3;
            c.updated = now;
            rc = s->vt->conv_put(s, &c, err);
        }
        cx_reply_text(L, kw == CX_KW_STOP ? CX_RT_OPTED_OUT : CX_RT_OPTED_IN, 0, 0, buf,
                      sizeof buf);
        if (!rc)
            rc = say(s, channel, from, have ? inv.customer : "", have ? inv.id : 0, buf, now, idem,
                     sync, err);
        if (sync) sync->done = 1;
        free(inv.context);
        return rc;
    }
    if (kw == CX_KW_HELP && have && c.step < 3) {
        /* HELP is answered (carriers expect it) and changes nothing else */
        struct cx_survey *hs = NULL;
        struct cx_err e3 = {{0}};
        int lo = 0, hi = 10;
        if (!load_survey(s, inv.survey, &hs, &e3)) lo = hs->scale.min, hi = hs->scale.max;
        cx_survey_free(hs);
        cx_reply_text(L, CX_RT_HELP, lo, hi, buf, sizeof buf);
        c.last_in = now;
        rc = s->vt->conv_put(s, &c, err);
        if (!rc) rc = say(s, channel, from, inv.customer, inv.id, buf, now, idem, sync, err);
        free(inv.context);
        return rc;
    }
    if (!have || c.step >= 3) {
        /* nothing asked: only HELP gets an answer */
        if (kw == CX_KW_HELP) {
            cx_reply_text(L, CX_RT_HELP, 0, 10, buf, sizeof buf);
            rc = say(s, channel, from, have ? inv.customer : "", 0, buf, now, idem, sync, err);
        }
        if (have) {
            c.last_in = now;
            rc = rc ? rc : s->vt->conv_put(s, &c, err);
        }
        if (sync) sync->done = 1;
        free(inv.context);
        return rc;
    }
    struct cx_survey *sv = NULL;
    struct cx_err e4 = {{0}};
    if (load_survey(s, inv.survey, &sv, &e4)) {
        /* the survey was archived (or removed) since: the conversation ends
         * quietly; an error would make the provider retry for ever */
        c.step = 3;
        c.last_in = c.updated = now;
        rc = s->vt->conv_put(s, &c, err);
        if (sync) sync->done = 1;
        free(inv.context);
        return rc;
    }
    c.last_in = now;
    c.updated = now;
    if (c.step == 1) {
        int shown = -1, stored = 0;
        if (reply_id && !strncmp(reply_id, "score:", 6)) {
            char *end;
            long v = strtol(reply_id + 6, &end, 10);
            if (!*end && v >= 0 && v <= 10) shown = (int)v;
        }
        if (shown < 0 && kw == CX_KW_NONE &&
            cx_reply_score(text, strlen(text), (enum cx_kind)sv->kind, sv->scale, &shown))
            shown = -1;
        struct cx_err e3 = {{0}};
        if (shown >= 0 && cx_survey_store_score(sv, shown, &stored, &e3)) shown = -1;
        if (shown < 0) {
            /* one polite re-ask, then give up rather than guess */
            cx_reply_text(L, c.reasks ? CX_RT_GIVEUP : CX_RT_REASK, sv->scale.min, sv->scale.max,
                          buf, sizeof buf);
            if (c.reasks) c.step = 3;
            c.reasks++;
            rc = s->vt->conv_put(s, &c, err);
            if (!rc) rc = say(s, channel, from, inv.customer, inv.id, buf, now, idem, sync, err);
            if (sync) sync->done = c.step >= 3;
            goto out;
        }
        rc = store_answer(s, &inv, sv, stored, NULL, now, err);
        if (!rc) rc = s->vt->invitation_mark(s, inv.id, CX_INV_ANSWERED, now, err);
        if (rc) goto out;
        if (sync) sync->recorded = 1;
        c.score = stored;
        const char *fu = sv->followup ? cx_survey_followup(sv, stored, inv.lang) : NULL;
        if (fu && *fu) {
            expand(fu, cfg->company, buf, sizeof buf);
            c.step = 2;
        } else {
            cx_reply_text(L, CX_RT_THANKS, 0, 0, buf, sizeof buf);
            c.step = 3;
            rc = s->vt->invitation_mark(s, inv.id, CX_INV_COMPLETED, now, err);
        }
        if (!rc) rc = s->vt->conv_put(s, &c, err);
        if (!rc) rc = say(s, channel, from, inv.customer, inv.id, buf, now, idem, sync, err);
        if (sync) sync->done = c.step >= 3;
        goto out;
    }
    /* step 2: the free text answers the follow-up and becomes the comment */
    size_t tl = strlen(text);
    char *comment = NULL;
    if (tl && cx_utf8_valid(text, tl, NULL)) {
        comment = strndup(text, tl > 4000 ? 4000 : tl);
        if (!comment) {
            rc = oom(err);
            goto out;
        }
        if (tl > 4000) cut_chars(comment, 1000);
    }
    rc = store_answer(s, &inv, sv, c.score, comment, now, err);
    free(comment);
    if (rc) goto out;
    if (sync) sync->recorded = 1;
    c.step = 3;
    rc = s->vt->invitation_mark(s, inv.id, CX_INV_COMPLETED, now, err);
    if (!rc) rc = s->vt->conv_put(s, &c, err);
    cx_reply_text(L, CX_RT_THANKS, 0, 0, buf, sizeof buf);
    if (!rc) rc = say(s, channel, from, inv.customer, inv.id, buf, now, idem, sync, err);
    if (sync) sync->done = 1;
out:
    cx_survey_free(sv);
    free(inv.context);
    return rc;
}

int cx_deliver_status(struct cx_store *s, const char *msg_id, const char *status, int64_t when,
                      struct cx_err *err)
{
    struct cx_outbox_msg m;
    struct cx_err e2 = {{0}};
    if (!msg_id || s->vt->outbox_by_provider(s, msg_id, &m, &e2)) return CX_OK;
    free(m.payload);
    if (!m.invitation || strcmp(m.kind, "survey")) return CX_OK;
    if (!strcmp(status, "delivered"))
        return s->vt->invitation_mark(s, m.invitation, CX_INV_DELIVERED, when, err);
    if (!strcmp(status, "read")) {
        int rc = s->vt->invitation_mark(s, m.invitation, CX_INV_DELIVERED, when, err);
        return rc ? rc : s->vt->invitation_mark(s, m.invitation, CX_INV_OPENED, when, err);
    }
    if (!strcmp(status, "failed")) return s->vt->invitation_fail(s, m.invitation, when, err);
    return CX_OK;
}
