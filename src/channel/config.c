/* config.c - channel settings (file + environment), the send dispatcher and
 * the small helpers every channel shares (dynbuf, results, one-time init). */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "channel/chan_int.h"

/* ---- shared helpers ---------------------------------------------------- */

void dyn_init(struct dynbuf *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

int dyn_add(struct dynbuf *b, const void *s, size_t n)
{
    if (n > b->max || b->len > b->max - n) return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        if (cap > b->max + 1) cap = b->max + 1;
        char *p = realloc(b->p, cap);
        if (!p) return -1;
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int dyn_adds(struct dynbuf *b, const char *s)
{
    return dyn_add(b, s, strlen(s));
}

int dyn_addf(struct dynbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return dyn_add(b, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = dyn_add(b, big, (size_t)n);
    free(big);
    return rc;
}

char *dyn_take(struct dynbuf *b)
{
    char *p = b->p;
    if (!p) p = calloc(1, 1);
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void dyn_free(struct dynbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void chan_res(struct cx_send_result *res, enum cx_send_status st, int code, const char *fmt, ...)
{
    res->status = st;
    res->http_status = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof res->error, fmt, ap);
    va_end(ap);
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_init_rc = -1;

static void global_init_once(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return;
    if (sodium_init() < 0) return;
    g_init_rc = 0;
}

int chan_global_init(void)
{
    pthread_once(&g_once, global_init_once);
    return g_init_rc;
}

size_t chan_u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

json_t *chan_load_object(const char *json, size_t len, struct cx_err *err)
{
    if (!json) {
        cx_fail(err, CX_EINVAL, "payload is missing");
        return NULL;
    }
    if (len > CX_CHAN_MAX_PAYLOAD) {
        cx_fail(err, CX_ELIMIT, "payload is larger than %d bytes", CX_CHAN_MAX_PAYLOAD);
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        cx_fail(err, CX_EINVAL, "payload is not valid JSON: %s at position %d", je.text,
                je.position);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        cx_fail(err, CX_EINVAL, "payload is not a JSON object");
        return NULL;
    }
    return o;
}

const char *chan_str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int chan_phone_ok(const char *s)
{
    if (!s) return 0;
    if (*s == '+') s++;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!isdigit((unsigned char)*s)) return 0;
    return n >= 6 && n <= 15;
}

int chan_http_url_ok(const char *s)
{
    if (!s) return 0;
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) return 0;
    const char *host = strstr(s, "//") + 2;
    if (!*host || *host == '/') return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '<' || *s == '>' || *s == '"') return 0;
    return 1;
}

/* ---- settings ---------------------------------------------------------- */

#define F(x) offsetof(struct cx_chan_config, x)

/* The settings table: key, field, secret (masked in describe), default. */
static const struct setting {
    const char *key;
    size_t off;
    int secret;
    const char *def;
} settings[] = {
    {"CXPULSE_SMTP_URL", F(smtp_url), 0, NULL},
    {"CXPULSE_SMTP_USER", F(smtp_user), 0, NULL},
    {"CXPULSE_SMTP_PASSWORD", F(smtp_password), 1, NULL},
    {"CXPULSE_SMTP_FROM", F(smtp_from), 0, NULL},
    {"CXPULSE_SMTP_STARTTLS", F(smtp_starttls), 0, "try"},
    {"CXPULSE_WA_BASE_URL", F(wa_base_url), 0, "https://graph.facebook.com"},
    {"CXPULSE_WA_API_VERSION", F(wa_api_version), 0, "v21.0"},
    {"CXPULSE_WA_PHONE_NUMBER_ID", F(wa_phone_number_id), 0, NULL},
    {"CXPULSE_WA_TOKEN", F(wa_token), 1, NULL},
    {"CXPULSE_WA_APP_SECRET", F(wa_app_secret), 1, NULL},
    {"CXPULSE_WA_VERIFY_TOKEN", F(wa_verify_token), 1, NULL},
    {"CXPULSE_WA_TEMPLATE", F(wa_template), 0, NULL},
    {"CXPULSE_WA_TEMPLATE_LANG", F(wa_template_lang), 0, "en"},
    {"CXPULSE_SMS_PRESET", F(sms_preset), 0, "generic"},
    {"CXPULSE_SMS_URL", F(sms_url), 0, NULL},
    {"CXPULSE_SMS_AUTH_HEADER", F(sms_auth_header), 1, NULL},
    {"CXPULSE_SMS_CONTENT_TYPE", F(sms_content_type), 0, "application/json"},
    {"CXPULSE_SMS_BODY_TEMPLATE", F(sms_body_template), 0,
     "{\"to\":\"{to}\",\"from\":\"{from}\",\"text\":\"{text}\"}"},
    {"CXPULSE_SMS_FROM", F(sms_from), 0, NULL},
    {"CXPULSE_SMS_ACCOUNT_SID", F(sms_account_sid), 0, NULL},
    {"CXPULSE_SMS_AUTH_TOKEN", F(sms_auth_token), 1, NULL},
    {"CXPULSE_SMS_WEBHOOK_SECRET", F(sms_webhook_secret), 1, NULL},
    {"CXPULSE_HTTP_TIMEOUT", F(http_timeout_text), 0, "10"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

static char **field(struct cx_chan_config *c, const struct setting *s)
{
    return (char **)((char *)c + s->off);
}

static const char *cfield(const struct cx_chan_config *c, const struct setting *s)
{
    return *(char *const *)((const char *)c + s->off);
}

static const struct setting *find_setting(const char *key)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].key, key) == 0) return &settings[i];
    return NULL;
}

/* Replaces the value of s with v[0..n) (n == 0: unset). */
static int set_value(struct cx_chan_config *c, const struct setting *s, const char *v, size_t n)
{
    char **f = field(c, s);
    free(*f);
    *f = NULL;
    if (n == 0) return CX_OK;
    *f = strndup(v, n);
    return *f ? CX_OK : CX_ENOMEM;
}

static char *trim(char *s, char **end)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
    *e = '\0';
    *end = e;
    return s;
}

static int load_file(struct cx_chan_config *c, const char *file, struct cx_err *err)
{
    FILE *fp = fopen(file, "r");
    if (!fp) {
        if (errno == ENOENT) return CX_OK;
        return cx_fail(err, CX_EIO, "%s: %s", file, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = CX_OK;
    while (rc == CX_OK && (got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if ((size_t)got != strlen(line)) {
            rc = cx_fail(err, CX_EFORMAT, "%s:%d: NUL byte in line", file, lineno);
            break;
        }
        char *end, *s = trim(line, &end);
        if (*s == '\0' || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = cx_fail(err, CX_EFORMAT, "%s:%d: expected KEY=VALUE", file, lineno);
            break;
        }
        char *kend = eq;
        while (kend > s && (kend[-1] == ' ' || kend[-1] == '\t')) kend--;
        *kend = '\0';
        char *vend, *v = trim(eq + 1, &vend);
        size_t vlen = (size_t)(vend - v);
        if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
            v++;
            vlen -= 2;
        }
        const struct setting *st = find_setting(s);
        if (!st) {
            if (strncmp(s, "CXPULSE_", 8) == 0)
                rc = cx_fail(err, CX_EFORMAT, "%s:%d: unknown key %.64s", file, lineno, s);
            continue; /* other programs' keys in a shared env file */
        }
        rc = set_value(c, st, v, vlen);
        if (rc) cx_fail(err, rc, "out of memory");
    }
    if (rc == CX_OK && ferror(fp)) rc = cx_fail(err, CX_EIO, "%s: read error", file);
    free(line);
    fclose(fp);
    return rc;
}

static int one_of(const char *v, const char *const *options)
{
    for (; *options; options++)
        if (strcmp(v, *options) == 0) return 1;
    return 0;
}

/* 1 when the content type is JSON / form, 0 otherwise. */
static int ctype_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int check_values(struct cx_chan_config *c, struct cx_err *err)
{
    static const char *const tls[] = {"off", "try", "require", NULL};
    static const char *const presets[] = {"generic", "twilio", NULL};
    if (!one_of(c->smtp_starttls, tls))
        return cx_fail(err, CX_EINVAL, "CXPULSE_SMTP_STARTTLS must be off, try or require");
    if (!one_of(c->sms_preset, presets))
        return cx_fail(err, CX_EINVAL, "CXPULSE_SMS_PRESET must be generic or twilio");
    if (c->smtp_url && strncmp(c->smtp_url, "smtp://", 7) != 0 &&
        strncmp(c->smtp_url, "smtps://", 8) != 0)
        return cx_fail(err, CX_EINVAL, "CXPULSE_SMTP_URL must start with smtp:// or smtps://");
    if (!chan_http_url_ok(c->wa_base_url))
        return cx_fail(err, CX_EINVAL, "CXPULSE_WA_BASE_URL must be an http(s):// URL");
    if (c->sms_url && !chan_http_url_ok(c->sms_url))
        return cx_fail(err, CX_EINVAL, "CXPULSE_SMS_URL must be an http(s):// URL");
    for (const char *p = c->wa_api_version; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.')
            return cx_fail(err, CX_EINVAL, "CXPULSE_WA_API_VERSION must look like v21.0");
    if (c->wa_phone_number_id)
        for (const char *p = c->wa_phone_number_id; *p; p++)
            if (!isdigit((unsigned char)*p))
                return cx_fail(err, CX_EINVAL, "CXPULSE_WA_PHONE_NUMBER_ID must be digits");
    if (c->sms_account_sid)
        for (const char *p = c->sms_account_sid; *p; p++)
            if (!isalnum((unsigned char)*p))
                return cx_fail(err, CX_EINVAL, "CXPULSE_SMS_ACCOUNT_SID must be alphanumeric");
    /* header values must not smuggle in other headers */
    const char *hdrs[] = {c->wa_token, c->sms_auth_header, c->smtp_from};
    const char *hnames[] = {"CXPULSE_WA_TOKEN", "CXPULSE_SMS_AUTH_HEADER", "CXPULSE_SMTP_FROM"};
    for (int i = 0; i < 3; i++)
        if (hdrs[i] && strpbrk(hdrs[i], "\r\n"))
            return cx_fail(err, CX_EINVAL, "%s holds a line break", hnames[i]);
    char *end;
    errno = 0;
    long t = strtol(c->http_timeout_text, &end, 10);
    if (errno || *end || end == c->http_timeout_text || t < 1 || t > 3600)
        return cx_fail(err, CX_EINVAL, "CXPULSE_HTTP_TIMEOUT must be 1..3600 seconds");
    c->http_timeout = t;
    int json = ctype_is(c->sms_content_type, "application/json");
    if (!json && !ctype_is(c->sms_content_type, "application/x-www-form-urlencoded"))
        return cx_fail(err, CX_EINVAL,
                       "CXPULSE_SMS_CONTENT_TYPE must be application/json or "
                       "application/x-www-form-urlencoded");
    if (json) {
        /* The template with every placeholder replaced must be JSON. */
        struct dynbuf b;
        dyn_init(&b, CX_CHAN_MAX_PAYLOAD);
        const char *p = c->sms_body_template;
        int bad = 0;
        while (*p && !bad) {
            if (strncmp(p, "{to}", 4) == 0 || strncmp(p, "{text}", 6) == 0 ||
                strncmp(p, "{from}", 6) == 0) {
                bad = dyn_adds(&b, "x");
                p = strchr(p, '}') + 1;
            } else {
                bad = dyn_add(&b, p++, 1);
            }
        }
        json_t *j = bad ? NULL : json_loadb(b.p ? b.p : "", b.len, 0, NULL);
        dyn_free(&b);
        if (!j)
            return cx_fail(err, CX_EINVAL,
                           "CXPULSE_SMS_BODY_TEMPLATE does not give valid JSON with "
                           "application/json");
        json_decref(j);
    }
    return CX_OK;
}

int cx_chan_config_load(struct cx_chan_config *c, const char *file, struct cx_err *err)
{
    memset(c, 0, sizeof *c);
    int rc = CX_OK;
    if (file) rc = load_file(c, file, err);
    for (size_t i = 0; rc == CX_OK && i < NSETTINGS; i++) {
        const char *v = getenv(settings[i].key);
        if (v) {
            rc = set_value(c, &settings[i], v, strlen(v));
            if (rc) cx_fail(err, rc, "out of memory");
        }
    }
    for (size_t i = 0; rc == CX_OK && i < NSETTINGS; i++) {
        if (!cfield(c, &settings[i]) && settings[i].def) {
            rc = set_value(c, &settings[i], settings[i].def, strlen(settings[i].def));
            if (rc) cx_fail(err, rc, "out of memory");
        }
    }
    if (rc == CX_OK) rc = check_values(c, err);
    if (rc) cx_chan_config_free(c);
    return rc;
}

void cx_chan_config_free(struct cx_chan_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < NSETTINGS; i++) free(*field(c, &settings[i]));
    memset(c, 0, sizeof *c);
}

int cx_chan_configured(const struct cx_chan_config *c, const char *channel)
{
    if (!c || !channel) return 0;
    if (strcmp(channel, "email") == 0) return c->smtp_url && c->smtp_from;
    if (strcmp(channel, "whatsapp") == 0)
        return c->wa_phone_number_id && c->wa_token && c->wa_base_url;
    if (strcmp(channel, "sms") == 0) {
        if (c->sms_preset && strcmp(c->sms_preset, "twilio") == 0)
            return c->sms_account_sid && c->sms_auth_token && c->sms_from;
        return c->sms_url != NULL;
    }
    if (strcmp(channel, "webhook") == 0) return 1;
    return 0;
}

/* Appends a URL with any user:password@ part replaced by "(credentials)@". */
static int add_masked_url(struct dynbuf *b, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash)) {
        if (dyn_add(b, url, (size_t)(host - url))) return -1;
        if (dyn_adds(b, "(credentials)")) return -1;
        return dyn_adds(b, at);
    }
    return dyn_adds(b, url);
}

char *cx_chan_config_describe(const struct cx_chan_config *c)
{
    struct dynbuf b;
    dyn_init(&b, 1 << 20);
    int bad = 0;
    for (size_t i = 0; i < NSETTINGS && !bad; i++) {
        const char *v = cfield(c, &settings[i]);
        bad |= dyn_addf(&b, "%s=", settings[i].key);
        if (!v)
            bad |= dyn_adds(&b, "(unset)");
        else if (settings[i].secret)
            bad |= dyn_adds(&b, "(set)");
        else if (strstr(settings[i].key, "_URL"))
            bad |= add_masked_url(&b, v);
        else
            bad |= dyn_adds(&b, v);
        bad |= dyn_adds(&b, "\n");
    }
    if (bad) {
        dyn_free(&b);
        return NULL;
    }
    return dyn_take(&b);
}

/* ---- dispatch ---------------------------------------------------------- */

int cx_chan_send(const struct cx_chan_config *c, const char *channel, const char *payload_json,
                 const struct cx_send_opts *opts, struct cx_send_result *res)
{
    static const struct cx_send_opts no_opts = {NULL, NULL};
    memset(res, 0, sizeof *res);
    if (!opts) opts = &no_opts;
    if (!c || !channel) {
        chan_res(res, CX_SEND_PERM, 0, "no channel or configuration given");
        return CX_EINVAL;
    }
    int (*send)(const struct cx_chan_config *, const char *, size_t, const struct cx_send_opts *,
                struct cx_send_result *) = NULL;
    if (strcmp(channel, "email") == 0)
        send = chan_email_send;
    else if (strcmp(channel, "whatsapp") == 0)
        send = chan_wa_send;
    else if (strcmp(channel, "sms") == 0)
        send = chan_sms_send;
    else if (strcmp(channel, "webhook") == 0)
        send = chan_webhook_send;
    if (!send) {
        chan_res(res, CX_SEND_PERM, 0, "unknown channel '%.32s'", channel);
        return CX_EINVAL;
    }
    if (!cx_chan_configured(c, channel)) {
        chan_res(res, CX_SEND_PERM, 0, "channel %s is not configured", channel);
        return CX_EINVAL;
    }
    if (!payload_json) {
        chan_res(res, CX_SEND_PERM, 0, "payload is missing");
        return CX_EINVAL;
    }
    size_t len = strnlen(payload_json, CX_CHAN_MAX_PAYLOAD + 1);
    if (len > CX_CHAN_MAX_PAYLOAD) {
        chan_res(res, CX_SEND_PERM, 0, "payload is larger than %d bytes", CX_CHAN_MAX_PAYLOAD);
        return CX_EINVAL;
    }
    if (chan_global_init()) {
        chan_res(res, CX_SEND_TEMP, 0, "libcurl or libsodium failed to initialise");
        return CX_OK;
    }
    return send(c, payload_json, len, opts, res);
}
