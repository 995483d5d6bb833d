/* chan_int.h - private helpers shared by the channel files: a bounded growable
 * buffer, result helpers, one HTTP POST through libcurl and the status
 * classification every HTTP provider shares. Not part of the public API. */
#ifndef CX_CHAN_INT_H
#define CX_CHAN_INT_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "channel/channel.h"

/* Largest payload_json / webhook body accepted, and the largest provider
 * response kept (the rest is read and dropped). */
#define CX_CHAN_MAX_PAYLOAD (256 * 1024)
#define CX_CHAN_MAX_RESPONSE (64 * 1024)

enum cx_starttls { CX_STARTTLS_OFF, CX_STARTTLS_TRY, CX_STARTTLS_REQUIRE };
enum cx_sms_preset { CX_SMS_GENERIC, CX_SMS_TWILIO };

/* A growable byte buffer that refuses to grow beyond max; always
 * NUL-terminated once anything was added. */
struct dynbuf {
    char *p;
    size_t len, cap, max;
};

void dyn_init(struct dynbuf *b, size_t max);
/* Appends n bytes: 0, or -1 (buffer unchanged) when out of memory or past max. */
int dyn_add(struct dynbuf *b, const void *s, size_t n);
int dyn_adds(struct dynbuf *b, const char *s);
int dyn_addf(struct dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the buffer to the caller (never NULL: "" when empty, NULL only when
 * out of memory) and resets b. */
char *dyn_take(struct dynbuf *b);
void dyn_free(struct dynbuf *b);

/* Fills res: status, HTTP/SMTP code and a formatted error (no secrets!). */
void chan_res(struct cx_send_result *res, enum cx_send_status st, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* curl_global_init and sodium_init exactly once, thread-safe. 0 or -1. */
int chan_global_init(void);

/* Number of Unicode code points in a UTF-8 string (bytes that are not
 * continuation bytes). */
size_t chan_u8len(const char *s);

/* Loads payload_json as a JSON object, refusing more than CX_CHAN_MAX_PAYLOAD
 * bytes. NULL with err. */
json_t *chan_load_object(const char *json, size_t len, struct cx_err *err);
/* The string member key of o, or NULL when absent or not a string. */
const char *chan_str(const json_t *o, const char *key);
/* 1 for "+"? followed by 6..15 digits (E.164 without separators). */
int chan_phone_ok(const char *s);
/* 1 for an http:// or https:// URL without spaces or control characters. */
int chan_http_url_ok(const char *s);

/* One HTTP POST. Everything but url and body is optional. */
struct chan_http {
    const char *url;
    const char *body;
    size_t body_len;
    const char *content_type;
    const char *authorization; /* whole Authorization header value */
    const char *basic_user, *basic_pass;
    const char *idem_key;
    const char *signature; /* X-Cxpulse-Signature value */
    long timeout_s;
};

/* Performs the POST and classifies it: 2xx OK; 429, 5xx, timeouts and
 * connection errors TEMP; other statuses PERM. resp receives up to
 * CX_CHAN_MAX_RESPONSE bytes of the response body (caller frees with
 * dyn_free). res->error is set for anything but OK using the curl error
 * text, never the request. Returns CX_OK or CX_ENOMEM. */
int chan_http_post(const struct chan_http *rq, struct dynbuf *resp, struct cx_send_result *res);

/* Copies a string member "sid", "id" or "message_id" (or a number) of a JSON
 * response into res->provider_id; silently does nothing for non-JSON. */
void chan_pick_provider_id(const char *resp, size_t len, struct cx_send_result *res,
                           const char *const *keys);

/* Channel senders (config.c dispatches). Same contract as cx_chan_send. */
int chan_email_send(const struct cx_chan_config *c, const char *payload, size_t len,
                    const struct cx_send_opts *opts, struct cx_send_result *res);
int chan_wa_send(const struct cx_chan_config *c, const char *payload, size_t len,
                 const struct cx_send_opts *opts, struct cx_send_result *res);
int chan_sms_send(const struct cx_chan_config *c, const char *payload, size_t len,
                  const struct cx_send_opts *opts, struct cx_send_result *res);
int chan_webhook_send(const struct cx_chan_config *c, const char *payload, size_t len,
                      const struct cx_send_opts *opts, struct cx_send_result *res);

/* Builds the Cloud API body, filling a template message's missing name and
 * language from the given defaults (either may be NULL). */
char *chan_wa_build(const char *payload_json, size_t len, const char *def_template,
                    const char *def_lang, struct cx_err *err);

#endif
