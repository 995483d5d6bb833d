/* webhook.c - signed alert webhooks, the HTTP POST every HTTP channel shares,
 * and the X-Cxpulse-Signature helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "channel/chan_int.h"

/* ---- signatures -------------------------------------------------------- */

static void hmac(const char *secret, const void *body, size_t len,
                 unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, body, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

int cx_chan_sign(const char *secret, const void *body, size_t len, char out[72])
{
    out[0] = '\0';
    if (!secret || !*secret || (!body && len)) return CX_EINVAL;
    if (chan_global_init()) return CX_EIO;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac(secret, body ? body : "", len, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
    return CX_OK;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int cx_chan_signature_ok(const char *secret, const void *body, size_t len, const char *header)
{
    if (!secret || !*secret || !header || (!body && len)) return 0;
    if (strncmp(header, "sha256=", 7) != 0) return 0;
    const char *hex = header + 7;
    unsigned char want[crypto_auth_hmacsha256_BYTES];
    for (size_t i = 0; i < sizeof want; i++) {
        int hi = hexval((unsigned char)hex[2 * i]);
        int lo = hi < 0 ? -1 : hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        want[i] = (unsigned char)(hi << 4 | lo);
    }
    if (hex[2 * sizeof want] != '\0') return 0;
    if (chan_global_init()) return 0;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac(secret, body ? body : "", len, mac);
    return sodium_memcmp(mac, want, sizeof mac) == 0;
}

/* ---- HTTP POST --------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    struct dynbuf *b = ud;
    size_t len = size * n;
    if (b->len < b->max) {
        size_t room = b->max - b->len;
        dyn_add(b, data, len < room ? len : room); /* excess is dropped */
    }
    return len;
}

static int curl_temp(CURLcode cc)
{
    switch (cc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_TOO_MANY_REDIRECTS:
        return 0;
    default:
        return 1; /* connect, resolve, timeout, TLS, send/recv: may work later */
    }
}

static int add_header(struct curl_slist **h, const char *name, const char *value)
{
    char line[1024];
    if (strpbrk(value, "\r\n")) return -1;
    int n = snprintf(line, sizeof line, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= sizeof line) return -1;
    struct curl_slist *nh = curl_slist_append(*h, line);
    if (!nh) return -1;
    *h = nh;
    return 0;
}

int chan_http_post(const struct chan_http *rq, struct dynbuf *resp, struct cx_send_result *res)
{
    dyn_init(resp, CX_CHAN_MAX_RESPONSE);
    CURL *h = curl_easy_init();
    if (!h) {
        chan_res(res, CX_SEND_TEMP, 0, "out of memory");
        return CX_ENOMEM;
    }
    struct curl_slist *hdr = NULL;
    int bad =
        add_header(&hdr, "Content-Type", rq->content_type ? rq->content_type : "application/json");
    bad |= add_header(&hdr, "Accept", "application/json");
    bad |= add_header(&hdr, "User-Agent", "cxpulse/" CX_VERSION);
    bad |= add_header(&hdr, "Expect", "");
    if (rq->authorization) bad |= add_header(&hdr, "Authorization", rq->authorization);
    if (rq->idem_key) bad |= add_header(&hdr, "Idempotency-Key", rq->idem_key);
    if (rq->signature) bad |= add_header(&hdr, "X-Cxpulse-Signature", rq->signature);
    if (bad) {
        curl_slist_free_all(hdr);
        curl_easy_cleanup(h);
        chan_res(res, CX_SEND_PERM, 0, "a header value is too long or holds a line break");
        return CX_OK;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, rq->timeout_s > 0 ? rq->timeout_s : 10L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq->timeout_s > 0 ? rq->timeout_s : 10L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (rq->basic_user) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, rq->basic_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, rq->basic_pass ? rq->basic_pass : "");
    }
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    if (cc != CURLE_OK) {
        /* curl's messages name host and port, never headers or credentials */
        chan_res(res, curl_temp(cc) ? CX_SEND_TEMP : CX_SEND_PERM, (int)code, "%s: %s",
                 curl_easy_strerror(cc), errbuf[0] ? errbuf : "no detail");
        return CX_OK;
    }
    res->http_status = (int)code;
    if (code >= 200 && code < 300) {
        res->status = CX_SEND_OK;
        res->error[0] = '\0';
    } else if (code == 429 || code >= 500) {
        chan_res(res, CX_SEND_TEMP, (int)code, "provider answered HTTP %ld", code);
    } else {
        chan_res(res, CX_SEND_PERM, (int)code, "provider answered HTTP %ld", code);
    }
    return CX_OK;
}

void chan_pick_provider_id(const char *resp, size_t len, struct cx_send_result *res,
                           const char *const *keys)
{
    if (!resp || !len) return;
    json_t *j = json_loadb(resp, len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return;
    }
    for (; *keys; keys++) {
        json_t *v = json_object_get(j, *keys);
        if (json_is_string(v) && json_string_length(v) > 0) {
            snprintf(res->provider_id, sizeof res->provider_id, "%s", json_string_value(v));
            break;
        }
        if (json_is_integer(v)) {
            snprintf(res->provider_id, sizeof res->provider_id, "%lld",
                     (long long)json_integer_value(v));
            break;
        }
    }
    json_decref(j);
}

/* ---- the webhook channel ----------------------------------------------- */

int chan_webhook_send(const struct cx_chan_config *c, const char *payload, size_t len,
                      const struct cx_send_opts *opts, struct cx_send_result *res)
{
    struct cx_err err;
    json_t *o = chan_load_object(payload, len, &err);
    if (!o) {
        chan_res(res, CX_SEND_PERM, 0, "%s", err.msg);
        return CX_EINVAL;
    }
    const char *url = chan_str(o, "url");
    json_t *body = json_object_get(o, "body");
    if (!chan_http_url_ok(url) || strlen(url) > 2048) {
        json_decref(o);
        chan_res(res, CX_SEND_PERM, 0, "webhook: \"url\" must be an http(s):// URL");
        return CX_EINVAL;
    }
    if (!json_is_object(body) && !json_is_array(body)) {
        json_decref(o);
        chan_res(res, CX_SEND_PERM, 0, "webhook: \"body\" must be a JSON object or array");
        return CX_EINVAL;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    if (!text) {
        json_decref(o);
        chan_res(res, CX_SEND_TEMP, 0, "out of memory");
        return CX_ENOMEM;
    }
    char sig[72];
    int have_sig = opts->hmac_secret && *opts->hmac_secret &&
                   cx_chan_sign(opts->hmac_secret, text, strlen(text), sig) == CX_OK;
    struct chan_http rq = {
        .url = url,
        .body = text,
        .body_len = strlen(text),
        .content_type = "application/json",
        .idem_key = opts->idem_key,
        .signature = have_sig ? sig : NULL,
        .timeout_s = c->http_timeout,
    };
    struct dynbuf resp;
    int rc = chan_http_post(&rq, &resp, res);
    dyn_free(&resp);
    free(text);
    json_decref(o);
    return rc;
}
