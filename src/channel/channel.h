/* channel.h - outbound delivery channels (email over SMTP, WhatsApp Business
 * Cloud API, SMS gateways, signed alert webhooks) and the parsers for the
 * webhooks those providers call back with.
 *
 * Settings for every channel. Loaded by cx_chan_config_load from a KEY=VALUE
 * file (lines, '#' comments, optional) and then the environment (environment
 * wins). Keys:
 * CXPULSE_SMTP_URL (smtp://host:port or smtps://...), CXPULSE_SMTP_USER, CXPULSE_SMTP_PASSWORD,
 * CXPULSE_SMTP_FROM ("Name <addr>" or addr), CXPULSE_SMTP_STARTTLS (off|try|require; default try),
 * CXPULSE_WA_BASE_URL (default https://graph.facebook.com), CXPULSE_WA_API_VERSION (default v21.0),
 * CXPULSE_WA_PHONE_NUMBER_ID, CXPULSE_WA_TOKEN, CXPULSE_WA_APP_SECRET, CXPULSE_WA_VERIFY_TOKEN,
 * CXPULSE_WA_TEMPLATE (approved template name for messages outside the 24 h window),
 * CXPULSE_WA_TEMPLATE_LANG (default en),
 * CXPULSE_SMS_PRESET (generic|twilio; default generic), CXPULSE_SMS_URL, CXPULSE_SMS_AUTH_HEADER
 * (whole header value, e.g. "Bearer x"), CXPULSE_SMS_CONTENT_TYPE (default application/json),
 * CXPULSE_SMS_BODY_TEMPLATE (default {"to":"{to}","from":"{from}","text":"{text}"}; placeholders
 * are JSON-escaped for JSON and percent-encoded for application/x-www-form-urlencoded),
 * CXPULSE_SMS_FROM, CXPULSE_SMS_ACCOUNT_SID, CXPULSE_SMS_AUTH_TOKEN (twilio preset; URL then
 * defaults to {CXPULSE_SMS_URL or https://api.twilio.com}/2010-04-01/Accounts/{sid}/Messages.json),
 * CXPULSE_SMS_WEBHOOK_SECRET (inbound SMS webhooks are signed: header X-Cxpulse-Signature:
 * sha256=HEX(HMAC-SHA256(secret, raw body))), CXPULSE_HTTP_TIMEOUT (seconds, default 10).
 * Unknown CXPULSE_* keys in the file are an error naming the key and line. */
#ifndef CX_CHANNEL_H
#define CX_CHANNEL_H

#include <stddef.h>

#include "core/cx.h"

/* Every string is malloc'ed (NULL when unset); owned by the struct. */
struct cx_chan_config {
    char *smtp_url, *smtp_user, *smtp_password, *smtp_from;
    char *smtp_starttls; /* "off", "try" or "require" */
    char *wa_base_url, *wa_api_version, *wa_phone_number_id, *wa_token, *wa_app_secret;
    char *wa_verify_token, *wa_template, *wa_template_lang;
    char *sms_preset; /* "generic" or "twilio" */
    char *sms_url, *sms_auth_header, *sms_content_type, *sms_body_template, *sms_from;
    char *sms_account_sid, *sms_auth_token, *sms_webhook_secret;
    char *http_timeout_text;
    long http_timeout; /* seconds, 1..3600 */
};

/* Fills c (zeroed first) from file (NULL: environment only; a file that does
 * not exist counts as empty) and then from the CXPULSE_* environment
 * variables, which win. Applies defaults and checks values (URL schemes,
 * enumerations, the timeout, that the SMS body template gives valid JSON).
 * Returns CX_OK, CX_EIO (file unreadable), CX_EFORMAT (bad line or unknown
 * CXPULSE_* key: err names key and line), CX_EINVAL (bad value: err names
 * the key, never the value of a secret) or CX_ENOMEM; on error c holds
 * nothing that needs freeing. Free with cx_chan_config_free. */
int cx_chan_config_load(struct cx_chan_config *c, const char *file, struct cx_err *err);
/* Frees every string of c and zeroes it; NULL is a no-op. */
void cx_chan_config_free(struct cx_chan_config *c);
/* 1 when the named channel ("email","whatsapp","sms","webhook") has the
 * settings it needs: email SMTP_URL + SMTP_FROM; whatsapp WA_PHONE_NUMBER_ID
 * + WA_TOKEN; sms SMS_URL (generic) or SMS_ACCOUNT_SID + SMS_AUTH_TOKEN +
 * SMS_FROM (twilio); webhook always. 0 otherwise or for another name. */
int cx_chan_configured(const struct cx_chan_config *c, const char *channel);
/* A multi-line "KEY=value" description of every setting for display (e.g.
 * the `serve` startup log): secrets (passwords, tokens, app secret, verify
 * token, auth header, webhook secret, and credentials inside URLs) show as
 * "(set)", unset keys as "(unset)". Caller frees; NULL when out of memory. */
char *cx_chan_config_describe(const struct cx_chan_config *c);

enum cx_send_status { CX_SEND_OK = 0, CX_SEND_TEMP, CX_SEND_PERM };
struct cx_send_result {
    enum cx_send_status status;
    int http_status;       /* provider HTTP status or SMTP reply code; 0 if none */
    char provider_id[128]; /* wamid / SMS sid / Message-ID (without <>) */
    char error[256];       /* what went wrong, no secrets */
};
struct cx_send_opts {
    const char *idem_key;    /* stable per outbox row: sent as Idempotency-Key header to HTTP
                                providers and used as the email Message-ID local part */
    const char *hmac_secret; /* webhook channel: signs the body (X-Cxpulse-Signature: sha256=HEX) */
};

/* Sends one message. payload is a JSON object (text) whose shape depends on channel:
 *  email:    {"to","subject","text","html"?,"unsubscribe_url"?} -> multipart/alternative MIME
 *            (a single text/plain part without html), UTF-8, RFC 2047 subject when non-ASCII,
 *            base64 or quoted-printable bodies, headers Date, Message-ID <idem_key@cxpulse>,
 *            List-Unsubscribe: <unsubscribe_url>, List-Unsubscribe-Post:
 *            List-Unsubscribe=One-Click (RFC 8058); SMTP via libcurl with STARTTLS per config,
 *            AUTH when user set. 5xx SMTP reply -> PERM, 4xx/connect/timeout -> TEMP.
 *  whatsapp: {"to","type":"text","text"} |
 * {"to","type":"buttons","text","buttons":[{"id","title"}]} |
 * {"to","type":"list","text","button","rows":[{"id","title","description"?}]} |
 * {"to","type":"template","name"?,"lang"?,"params":["..."]}  -> Cloud API JSON (interactive button
 * / list / template with a body component; a template's missing name/lang come from
 * CXPULSE_WA_TEMPLATE / _LANG). Limits checked before sending (PERM with a clear error). HTTP 2xx
 * -> OK with messages[0].id; 429, 5xx, timeout, connection errors -> TEMP; other 4xx -> PERM with
 * the Graph error message. sms:      {"to","text"} -> the gateway per preset; 2xx OK (provider id
 * from JSON "sid", "id" or "message_id" if present), 429/5xx/timeout TEMP, other 4xx PERM. webhook:
 * {"url","body":{...}} -> POST body (JSON) with Content-Type application/json, X-Cxpulse-Signature
 * when opts->hmac_secret, Idempotency-Key; classification as sms. Returns CX_OK when an attempt was
 * made (see res->status), or CX_EINVAL for a payload that is not valid for the channel or a channel
 * that is not configured (res->status = PERM and res->error says why); CX_ENOMEM (TEMP) when out of
 * memory. opts may be NULL. Thread-safe (one curl easy handle per call). */
int cx_chan_send(const struct cx_chan_config *c, const char *channel, const char *payload_json,
                 const struct cx_send_opts *opts, struct cx_send_result *res);

/* Builds the RFC 5322 message (CRLF line ends) that email sending uploads; for tests and for
 * the sender. from comes from config. idem_key NULL: a random Message-ID; characters not
 * allowed in a Message-ID are written as =XX. Caller frees. NULL with err on bad payload. */
char *cx_email_build(const char *from, const char *payload_json, const char *idem_key,
                     long long now_unix, struct cx_err *err);
/* Builds the Cloud API request body for a whatsapp payload (a template without "lang" gets
 * "en"; one without "name" is an error here); caller frees. NULL with err. */
char *cx_wa_build(const char *payload_json, struct cx_err *err);

/* Webhook signatures: 1 when header is "sha256=" + lowercase or uppercase hex of
 * HMAC-SHA256(secret, body) (constant-time compare, libsodium crypto_auth_hmacsha256), else 0
 * (also 0 for NULL/empty secret or header). */
int cx_chan_signature_ok(const char *secret, const void *body, size_t len, const char *header);
/* Writes "sha256=" + lowercase hex HMAC-SHA256(secret, body) into out (72 bytes incl. NUL).
 * Returns CX_OK, or CX_EINVAL for a NULL/empty secret. */
int cx_chan_sign(const char *secret, const void *body, size_t len, char out[72]);

/* Inbound items from provider webhooks. */
enum cx_inbound_kind { CX_IN_MESSAGE, CX_IN_STATUS };
struct cx_inbound {
    enum cx_inbound_kind kind;
    const char *from;     /* sender phone/wa_id (message) or recipient (status) */
    const char *msg_id;   /* provider message id */
    const char *text;     /* message text, or the reply title for buttons/lists; NULL for status */
    const char *reply_id; /* button/list reply id, NULL otherwise */
    const char *status;   /* "sent","delivered","read","failed" for statuses */
    long long timestamp;  /* unix seconds (0 if absent) */
};
typedef int (*cx_inbound_cb)(void *ctx, const struct cx_inbound *in);
/* Parses a WhatsApp Cloud API webhook POST body (object "whatsapp_business_account", entry[] ->
 * changes[] -> value.messages[] / value.statuses[]; message types text, interactive
 * (button_reply / list_reply), button (template quick reply); other types and other statuses
 * are skipped) and calls cb per item (pointers valid during the call). CX_EINVAL with err for
 * malformed bodies (nothing is reported then, the whole body is checked first), CX_ELIMIT for
 * bodies over 256 KiB. A callback's non-zero return stops and is returned. */
int cx_wa_parse_webhook(const char *body, size_t len, cx_inbound_cb cb, void *ctx,
                        struct cx_err *err);
/* Parses an SMS gateway webhook: either form-encoded Twilio style (From, To, Body, MessageSid;
 * or MessageSid + MessageStatus for status callbacks) or JSON {"from","to","text","id"} /
 * {"id","status"} (or an array of them) (content_type chooses; NULL = sniff). Twilio statuses
 * map sent/delivered/read -> same, failed/undelivered -> "failed"; others (queued, sending...)
 * are skipped. Same errors and callback rules as cx_wa_parse_webhook. */
int cx_sms_parse_webhook(const char *content_type, const char *body, size_t len, cx_inbound_cb cb,
                         void *ctx, struct cx_err *err);

#endif
