/* email.c - survey emails: the RFC 5322 / MIME message (multipart/alternative,
 * RFC 2047 headers, quoted-printable or base64 bodies, RFC 8058 one-click
 * unsubscribe) and its delivery over SMTP with libcurl. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "channel/chan_int.h"

#define EMAIL_MAX (4 * CX_CHAN_MAX_PAYLOAD) /* the whole encoded message */
#define SUBJECT_MAX 900                     /* bytes */
#define ADDR_MAX 254

/* 1 for a plain ASCII address local@domain without spaces or specials. */
static int addr_ok(const char *s, size_t n)
{
    if (n == 0 || n > ADDR_MAX) return 0;
    const char *at = memchr(s, '@', n);
    if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= ' ' || ch >= 0x7f || strchr("<>()[],;:\\\"", ch)) return 0;
    }
    return 1;
}

/* Splits "Name <addr>" or "addr" into a display name (may be empty) and an
 * address, both written into caller buffers. 0 or -1. */
static int split_from(const char *from, char *name, size_t nsz, char *addr, size_t asz)
{
    const char *lt = strrchr(from, '<');
    name[0] = '\0';
    if (!lt) {
        while (*from == ' ') from++;
        size_t n = strlen(from);
        while (n && from[n - 1] == ' ') n--;
        if (!addr_ok(from, n) || n >= asz) return -1;
        memcpy(addr, from, n);
        addr[n] = '\0';
        return 0;
    }
    const char *gt = strchr(lt, '>');
    if (!gt || gt[1] != '\0') return -1;
    size_t an = (size_t)(gt - lt - 1);
    if (!addr_ok(lt + 1, an) || an >= asz) return -1;
    memcpy(addr, lt + 1, an);
    addr[an] = '\0';
    const char *s = from, *e = lt;
    while (s < e && *s == ' ') s++;
    while (e > s && e[-1] == ' ') e--;
    if (e - s >= 2 && *s == '"' && e[-1] == '"') s++, e--;
    if ((size_t)(e - s) >= nsz) return -1;
    memcpy(name, s, (size_t)(e - s));
    name[e - s] = '\0';
    return strpbrk(name, "\r\n") ? -1 : 0;
}

static int needs_encoding(const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch >= 0x7f) return 1;
        if (ch == '=' && s[1] == '?') return 1; /* would read as an encoded word */
    }
    return 0;
}

/* Appends s as RFC 2047 "B" encoded words of at most 75 characters, never
 * splitting a UTF-8 sequence, folded with CRLF SP. */
static int add_encoded_words(struct dynbuf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    int first = 1;
    while (i < n || first) {
        size_t take = n - i < 45 ? n - i : 45; /* 45 bytes -> 60 base64 chars */
        while (take && i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80) take--;
        char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        if (dyn_addf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64)) return -1;
        i += take;
        first = 0;
    }
    return 0;
}

/* Appends a display name as a quoted string, or encoded words. */
static int add_display_name(struct dynbuf *b, const char *name)
{
    if (needs_encoding(name)) return add_encoded_words(b, name);
    if (dyn_adds(b, "\"")) return -1;
    for (; *name; name++) {
        if ((*name == '"' || *name == '\\') && dyn_adds(b, "\\")) return -1;
        if (dyn_add(b, name, 1)) return -1;
    }
    return dyn_adds(b, "\"");
}

/* Quoted-printable (RFC 2045 6.7): line ends become CRLF, lines at most 76
 * characters with soft breaks, '=' and non-ASCII escaped, trailing white
 * space escaped, a leading '.' escaped for dumb relays. */
static int add_qp(struct dynbuf *b, const char *s)
{
    size_t col = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\r' && s[1] == '\n') continue;
        if (ch == '\n' || ch == '\r') {
            if (dyn_adds(b, "\r\n")) return -1;
            col = 0;
            continue;
        }
        char enc[4];
        int at_end = s[1] == '\0' || s[1] == '\n' || s[1] == '\r';
        if ((ch < 0x20 && ch != '\t') || ch >= 0x7f || ch == '=' ||
            ((ch == ' ' || ch == '\t') && at_end) || (ch == '.' && col == 0))
            snprintf(enc, sizeof enc, "=%02X", ch);
        else
            enc[0] = (char)ch, enc[1] = '\0';
        size_t w = strlen(enc);
        if (col + w > 75) {
            if (dyn_adds(b, "=\r\n")) return -1;
            col = 0;
        }
        if (dyn_add(b, enc, w)) return -1;
        col += w;
    }
    return dyn_adds(b, "\r\n");
}

static int add_base64(struct dynbuf *b, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += 57) { /* 57 bytes -> 76 characters */
        size_t take = n - i < 57 ? n - i : 57;
        char line[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(line, sizeof line, (const unsigned char *)s + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        if (dyn_addf(b, "%s\r\n", line)) return -1;
    }
    return 0;
}

/* One MIME part's headers and body: quoted-printable for mostly-ASCII text,
 * base64 when more than a third of the bytes are not ASCII. */
static int add_part(struct dynbuf *b, const char *type, const char *text)
{
    size_t n = 0, high = 0;
    for (const char *p = text; *p; p++, n++)
        if ((unsigned char)*p >= 0x80) high++;
    int b64 = high * 3 > n;
    if (dyn_addf(b, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: %s\r\n\r\n",
                 type, b64 ? "base64" : "quoted-printable"))
        return -1;
    return b64 ? add_base64(b, text) : add_qp(b, text);
}

/* Writes the Message-ID local part: atext characters as they are, others
 * as =XX ('=' itself too), so distinct keys stay distinct. */
static int add_msgid_local(struct dynbuf *b, const char *key)
{
    for (; *key; key++) {
        unsigned char ch = (unsigned char)*key;
        int ok = isalnum(ch) || (ch != '=' && strchr("!#$%&'*+-/?^_`{|}~.", ch) && ch);
        if (ok ? dyn_add(b, key, 1) : dyn_addf(b, "=%02X", ch)) return -1;
    }
    return 0;
}

static const char *need_str(const json_t *o, const char *key, struct cx_err *err)
{
    const char *s = chan_str(o, key);
    if (!s || !*s) cx_fail(err, CX_EINVAL, "email: \"%s\" is missing or not a string", key);
    return s && *s ? s : NULL;
}

/* The builder proper; also hands back the envelope addresses for sending. */
static char *build(const char *from, const char *payload, size_t len, const char *idem_key,
                   long long now_unix, char *from_addr, char *to_addr, char *msgid, size_t idsz,
                   struct cx_err *err)
{
    char name[256];
    if (!from || split_from(from, name, sizeof name, from_addr, ADDR_MAX + 1)) {
        cx_fail(err, CX_EINVAL, "email: CXPULSE_SMTP_FROM is not \"Name <addr>\" or an address");
        return NULL;
    }
    json_t *p = chan_load_object(payload, len, err);
    if (!p) return NULL;
    struct dynbuf b;
    dyn_init(&b, EMAIL_MAX);
    char *out = NULL;
    const char *to = need_str(p, "to", err);
    const char *subject = to ? need_str(p, "subject", err) : NULL;
    const char *text = subject ? need_str(p, "text", err) : NULL;
    if (!text) goto out;
    const char *html = chan_str(p, "html");
    const char *unsub = chan_str(p, "unsubscribe_url");
    json_t *hv = json_object_get(p, "html"), *uv = json_object_get(p, "unsubscribe_url");
    if ((hv && !json_is_null(hv) && !html) || (uv && !json_is_null(uv) && !unsub)) {
        cx_fail(err, CX_EINVAL, "email: \"html\" and \"unsubscribe_url\" must be strings");
        goto out;
    }
    if (html && !*html) html = NULL;
    if (unsub && !*unsub) unsub = NULL;
    if (!addr_ok(to, strlen(to))) {
        cx_fail(err, CX_EINVAL, "email: \"to\" is not a plain address like name@example.com");
        goto out;
    }
    if (strlen(subject) > SUBJECT_MAX || strpbrk(subject, "\r\n")) {
        cx_fail(err, CX_EINVAL, "email: \"subject\" is longer than %d bytes or holds a new line",
                SUBJECT_MAX);
        goto out;
    }
    /* RFC 8058 wants HTTPS; plain http is accepted for loopback hosts only
     * (a server under test, or behind a local TLS proxy) */
    if (unsub &&
        (!chan_http_url_ok(unsub) || strlen(unsub) > 900 ||
         (strncmp(unsub, "https://", 8) != 0 && strncmp(unsub, "http://127.0.0.1", 16) != 0 &&
          strncmp(unsub, "http://localhost", 16) != 0))) {
        cx_fail(err, CX_EINVAL,
                "email: \"unsubscribe_url\" must be an https:// URL (http only on loopback)");
        goto out;
    }
    snprintf(to_addr, ADDR_MAX + 1, "%s", to);

    struct dynbuf id;
    dyn_init(&id, 1024);
    int bad;
    if (idem_key && *idem_key) {
        bad = add_msgid_local(&id, idem_key);
    } else {
        unsigned char rnd[16];
        char hex[33];
        randombytes_buf(rnd, sizeof rnd);
        bad = dyn_adds(&id, sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd));
    }
    bad |= dyn_adds(&id, "@cxpulse");
    if (bad || id.len >= idsz) {
        dyn_free(&id);
        cx_fail(err, CX_EINVAL, "email: idempotency key too long for a Message-ID");
        goto out;
    }
    memcpy(msgid, id.p, id.len + 1);
    dyn_free(&id);

    /* boundary: "=_" can never occur in quoted-printable or base64 text */
    unsigned char h[12];
    char hhex[25];
    crypto_generichash(h, sizeof h, (const unsigned char *)msgid, strlen(msgid), NULL, 0);
    char boundary[64];
    snprintf(boundary, sizeof boundary, "=_cxpulse_%s", sodium_bin2hex(hhex, sizeof hhex, h, 12));

    time_t t = (time_t)now_unix;
    struct tm tm;
    char date[64];
    if (!gmtime_r(&t, &tm) || !strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm)) {
        cx_fail(err, CX_EINVAL, "email: bad time");
        goto out;
    }
    bad = dyn_addf(&b, "Date: %s\r\nFrom: ", date);
    if (name[0]) bad |= add_display_name(&b, name) || dyn_adds(&b, " ");
    bad |= dyn_addf(&b, "<%s>\r\nTo: <%s>\r\nSubject: ", from_addr, to);
    bad |= needs_encoding(subject) || strlen(subject) > 78 ? add_encoded_words(&b, subject)
                                                           : dyn_adds(&b, subject);
    bad |= dyn_addf(&b, "\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", msgid);
    if (unsub)
        bad |= dyn_addf(&b,
                        "List-Unsubscribe: <%s>\r\n"
                        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                        unsub);
    if (html) {
        bad |= dyn_addf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
                        boundary);
        bad |=
            dyn_addf(&b, "This is a multi-part message in MIME format.\r\n\r\n--%s\r\n", boundary);
        bad |= add_part(&b, "text/plain", text);
        bad |= dyn_addf(&b, "\r\n--%s\r\n", boundary);
        bad |= add_part(&b, "text/html", html);
        bad |= dyn_addf(&b, "\r\n--%s--\r\n", boundary);
    } else {
        bad |= add_part(&b, "text/plain", text);
    }
    if (bad) {
        cx_fail(err, CX_ELIMIT, "email: message larger than %d bytes", EMAIL_MAX);
        goto out;
    }
    out = dyn_take(&b);
    if (!out) cx_fail(err, CX_ENOMEM, "out of memory");
out:
    dyn_free(&b);
    json_decref(p);
    return out;
}

char *cx_email_build(const char *from, const char *payload_json, const char *idem_key,
                     long long now_unix, struct cx_err *err)
{
    char fa[ADDR_MAX + 1], ta[ADDR_MAX + 1], id[512];
    if (chan_global_init()) {
        cx_fail(err, CX_EIO, "libsodium failed to initialise");
        return NULL;
    }
    return build(from, payload_json, payload_json ? strlen(payload_json) : 0, idem_key, now_unix,
                 fa, ta, id, sizeof id, err);
}

struct upload {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t n, void *ud)
{
    struct upload *u = ud;
    size_t room = size * n, take = u->left < room ? u->left : room;
    memcpy(dst, u->p, take);
    u->p += take;
    u->left -= take;
    return take;
}

int chan_email_send(const struct cx_chan_config *c, const char *payload, size_t len,
                    const struct cx_send_opts *opts, struct cx_send_result *res)
{
    struct cx_err err;
    char fa[ADDR_MAX + 3], ta[ADDR_MAX + 3], id[sizeof res->provider_id];
    char *msg = build(c->smtp_from, payload, len, opts->idem_key, (long long)time(NULL), fa + 1,
                      ta + 1, id, sizeof id, &err);
    if (!msg) {
        chan_res(res, CX_SEND_PERM, 0, "%s", err.msg);
        return CX_EINVAL;
    }
    fa[0] = ta[0] = '<';
    strcat(fa, ">");
    strcat(ta, ">");
    CURL *h = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, ta);
    if (!h || !rcpt) {
        curl_easy_cleanup(h);
        curl_slist_free_all(rcpt);
        free(msg);
        chan_res(res, CX_SEND_TEMP, 0, "out of memory");
        return CX_ENOMEM;
    }
    struct upload up = {msg, strlen(msg)};
    char errbuf[CURL_ERROR_SIZE] = "";
    long tls = CURLUSESSL_TRY;
    if (strcmp(c->smtp_starttls, "off") == 0) tls = CURLUSESSL_NONE;
    if (strcmp(c->smtp_starttls, "require") == 0) tls = CURLUSESSL_ALL;
    curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->http_timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->http_timeout);
    curl_easy_setopt(h, CURLOPT_USE_SSL, tls);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, fa);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (c->smtp_user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password ? c->smtp_password : "");
    }
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    free(msg);
    res->http_status = (int)code;
    if (cc == CURLE_OK) {
        res->status = CX_SEND_OK;
        memcpy(res->provider_id, id, sizeof id);
        return CX_OK;
    }
    if (code < 400) res->http_status = 0; /* the last reply was a success: not the cause */
    enum cx_send_status st;
    if (code >= 500)
        st = CX_SEND_PERM;
    else if (code >= 400)
        st = CX_SEND_TEMP;
    else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL ||
             cc == CURLE_USE_SSL_FAILED || cc == CURLE_LOGIN_DENIED)
        st = CX_SEND_PERM;
    else
        st = CX_SEND_TEMP; /* connect, timeout, TLS handshake, dropped connection */
    chan_res(res, st, (int)code, "smtp: %s%s%s (reply %ld)", curl_easy_strerror(cc),
             errbuf[0] ? ": " : "", errbuf, code);
    return CX_OK;
}
