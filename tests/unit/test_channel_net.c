/* test_channel_net.c - sends real email, WhatsApp, SMS and webhook messages
 * through cx_chan_send to local stand-ins (tests/integration/standin.py and
 * smtp_sink.py, started here as child processes on free 127.0.0.1 ports)
 * and checks what they received and how failures are classified.
 *
 * The scripts are found through $CX_SOURCE_DIR, else the source tree this
 * file was compiled from. $CX_PYTHON picks the interpreter (default
 * /usr/bin/python3, which has python3-aiosmtpd on Debian). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "channel/channel.h"

#define WA_TOKEN "wa-test-token"
#define SMS_AUTH "Bearer sms-secret"

struct child {
    pid_t pid;
    int port;
    char dir[256]; /* temp dir: port file, mail */
};

static struct {
    char src[1024];
    const char *python;
    struct child standin, smtp, smtp_auth;
    char standin_url[64];
} g;

/* ---- processes ---------------------------------------------------------- */

static void find_source_dir(void)
{
    const char *env = getenv("CX_SOURCE_DIR");
    if (env && *env) {
        snprintf(g.src, sizeof g.src, "%s", env);
        return;
    }
    snprintf(g.src, sizeof g.src, "%s", __FILE__);
    char *cut = strstr(g.src, "/tests/unit/");
    if (cut)
        *cut = '\0';
    else
        snprintf(g.src, sizeof g.src, ".");
}

static void pick_python(void)
{
    const char *env = getenv("CX_PYTHON");
    if (env && *env)
        g.python = env;
    else if (access("/usr/bin/python3", X_OK) == 0)
        g.python = "/usr/bin/python3";
    else
        g.python = "python3";
}

/* Starts script with args (NULL-terminated) plus --port 0 --port-file, and
 * waits for the port. 0 or -1. */
static int start_child(struct child *c, const char *script, const char *const *args)
{
    snprintf(c->dir, sizeof c->dir, "/tmp/cx-chan-net-XXXXXX");
    if (!mkdtemp(c->dir)) return -1;
    char port_file[300], path[1100];
    snprintf(port_file, sizeof port_file, "%s/port", c->dir);
    snprintf(path, sizeof path, "%s/tests/integration/%s", g.src, script);
    const char *argv[32];
    int n = 0;
    argv[n++] = g.python;
    argv[n++] = path;
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    for (; args && *args && n < 30; args++) argv[n++] = *args;
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    c->pid = pid;
    for (int i = 0; i < 300; i++) { /* 15 s */
        FILE *f = fopen(port_file, "r");
        if (f) {
            int port = 0;
            int ok = fscanf(f, "%d", &port) == 1;
            fclose(f);
            if (ok && port > 0) {
                c->port = port;
                return 0;
            }
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            c->pid = 0;
            return -1;
        }
        usleep(50000);
    }
    return -1;
}

static void stop_child(struct child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGTERM);
        int st;
        for (int i = 0; i < 50 && waitpid(c->pid, &st, WNOHANG) == 0; i++) usleep(100000);
        if (waitpid(c->pid, &st, WNOHANG) == 0) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &st, 0);
        }
        c->pid = 0;
    }
    if (c->dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", c->dir);
    }
}

static int setup_all(void **state)
{
    find_source_dir();
    pick_python();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *standin_args[] = {"--wa-token",     WA_TOKEN,     "--sms-auth", SMS_AUTH,
                                  "--twilio-token", "twilio-tok", NULL};
    if (start_child(&g.standin, "standin.py", standin_args)) {
        fprintf(stderr, "cannot start %s/tests/integration/standin.py with %s\n", g.src, g.python);
        return -1;
    }
    snprintf(g.standin_url, sizeof g.standin_url, "http://127.0.0.1:%d", g.standin.port);
    /* both sinks write below one temp dir, removed at teardown */
    char mail1[300], mail2[300];
    char base[] = "/tmp/cx-chan-mail-XXXXXX";
    if (!mkdtemp(base)) return -1;
    snprintf(mail1, sizeof mail1, "%s/plain", base);
    snprintf(mail2, sizeof mail2, "%s/auth", base);
    const char *smtp_args[] = {"--dir",       mail1,
                               "--fail-rcpt", "gone@example.org:550",
                               "--fail-rcpt", "busy@example.org:451",
                               NULL};
    const char *auth_args[] = {"--dir", mail2, "--user", "mailer", "--password", "s3cret", NULL};
    if (start_child(&g.smtp, "smtp_sink.py", smtp_args) ||
        start_child(&g.smtp_auth, "smtp_sink.py", auth_args)) {
        fprintf(stderr, "cannot start smtp_sink.py with %s (python3-aiosmtpd missing?)\n",
                g.python);
        return -1;
    }
    setenv("CX_TEST_MAIL_PLAIN", mail1, 1);
    setenv("CX_TEST_MAIL_AUTH", mail2, 1);
    setenv("CX_TEST_MAIL_BASE", base, 1);
    return 0;
}

static int teardown_all(void **state)
{
    stop_child(&g.standin);
    stop_child(&g.smtp);
    stop_child(&g.smtp_auth);
    const char *base = getenv("CX_TEST_MAIL_BASE");
    if (base) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", base);
    }
    return 0;
}

/* ---- the stand-in's control API ---------------------------------------- */

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    struct {
        char *p;
        size_t len;
    } *b = ud;
    char *np = realloc(b->p, b->len + s * n + 1);
    if (!np) return 0;
    b->p = np;
    memcpy(b->p + b->len, p, s * n);
    b->len += s * n;
    b->p[b->len] = '\0';
    return s * n;
}

static json_t *control(const char *path, const char *post)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", g.standin_url, path);
    struct {
        char *p;
        size_t len;
    } b = {NULL, 0};
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (post) curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    json_t *j = json_loads(b.p ? b.p : "", 0, NULL);
    free(b.p);
    assert_non_null(j);
    return j;
}

static void reset_standin(void)
{
    json_decref(control("/_control/reset", "{}"));
}

static void plan_failure(int count, int status, double delay)
{
    char body[128];
    if (status)
        snprintf(body, sizeof body, "{\"count\":%d,\"status\":%d,\"delay\":%g}", count, status,
                 delay);
    else
        snprintf(body, sizeof body, "{\"count\":%d,\"delay\":%g}", count, delay);
    json_decref(control("/_control/fail", body));
}

/* Everything received; caller decrefs. */
static json_t *received(void)
{
    json_t *j = control("/_control/received", NULL);
    assert_true(json_is_array(j));
    return j;
}

static const char *jstr(const json_t *o, const char *path)
{
    /* "a.b.c" with numeric parts as array indexes */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *cur = o;
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur;
         tok = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)atoi(tok));
        else
            cur = json_object_get(cur, tok);
    }
    return json_is_string(cur) ? json_string_value(cur) : NULL;
}

/* Loads a configuration from KEY=VALUE text (environment cleared first). */
static void load_conf(struct cx_chan_config *c, const char *fmt, ...)
{
    static const char *keys[] = {"CXPULSE_SMTP_URL", "CXPULSE_WA_TOKEN", "CXPULSE_HTTP_TIMEOUT",
                                 "CXPULSE_SMS_URL", NULL};
    for (int i = 0; keys[i]; i++) unsetenv(keys[i]);
    char path[] = "/tmp/cx-chan-net-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
    struct cx_err err = {{0}};
    int rc = cx_chan_config_load(c, path, &err);
    unlink(path);
    if (rc) fail_msg("config: %s", err.msg);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- WhatsApp ------------------------------------------------------------ */

static void wa_conf(struct cx_chan_config *c, const char *token)
{
    load_conf(c,
              "CXPULSE_WA_BASE_URL=%s/\nCXPULSE_WA_PHONE_NUMBER_ID=106540352242922\n"
              "CXPULSE_WA_TOKEN=%s\nCXPULSE_WA_TEMPLATE=nps_invite\nCXPULSE_WA_TEMPLATE_LANG=de\n"
              "CXPULSE_HTTP_TIMEOUT=1\n",
              g.standin_url, token);
}

static void test_wa_send(void **state)
{
    reset_standin();
    struct cx_chan_config c;
    wa_conf(&c, WA_TOKEN);
    const char *payloads[] = {
        "{\"to\":\"+4915112345678\",\"type\":\"text\",\"text\":\"Thanks for your order \\u2764\"}",
        "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"How was it?\",\"buttons\":["
        "{\"id\":\"good\",\"title\":\"Good\"},{\"id\":\"ok\",\"title\":\"OK\"},{\"id\":\"bad\","
        "\"title\":\"12345678901234567890\"}]}",
        "{\"to\":\"4915112345678\",\"type\":\"list\",\"text\":\"0-10?\",\"button\":\"Score\","
        "\"rows\":[{\"id\":\"0\",\"title\":\"0\"},{\"id\":\"1\",\"title\":\"1\"},{\"id\":\"2\","
        "\"title\":\"2\"},{\"id\":\"3\",\"title\":\"3\"},{\"id\":\"4\",\"title\":\"4\"},{\"id\":"
        "\"5\",\"title\":\"5\"},{\"id\":\"6\",\"title\":\"6\"},{\"id\":\"7\",\"title\":\"7\"},"
        "{\"id\":\"8\",\"title\":\"8\",\"description\":\"likely\"},{\"id\":\"9\",\"title\":"
        "\"123456789012345678901234\"}]}",
        ("{\"to\":\"4915112345678\",\"type\":\"template\",\"params\":[\"Anna\",\"https://x.example/"
         "s/1\"]}"),
    };
    const char *types[] = {"text", "interactive", "interactive", "template"};
    for (int i = 0; i < 4; i++) {
        struct cx_send_result r;
        char key[32];
        snprintf(key, sizeof key, "wa-%d", i);
        struct cx_send_opts o = {.idem_key = key};
        assert_int_equal(cx_chan_send(&c, "whatsapp", payloads[i], &o, &r), CX_OK);
        if (r.status != CX_SEND_OK) fail_msg("payload %d: %d %s", i, r.http_status, r.error);
        assert_int_equal(r.http_status, 200);
        assert_true(strncmp(r.provider_id, "wamid.", 6) == 0);
        json_t *all = received();
        assert_int_equal(json_array_size(all), (size_t)i + 1);
        json_t *last = json_array_get(all, (size_t)i);
        assert_string_equal(jstr(last, "path"), "/v21.0/106540352242922/messages");
        assert_string_equal(jstr(last, "headers.authorization"), "Bearer " WA_TOKEN);
        assert_string_equal(jstr(last, "headers.idempotency-key"), key);
        assert_string_equal(jstr(last, "body.type"), types[i]);
        assert_string_equal(jstr(last, "body.to"), "4915112345678");
        if (i == 3) { /* name and language from the configuration */
            assert_string_equal(jstr(last, "body.template.name"), "nps_invite");
            assert_string_equal(jstr(last, "body.template.language.code"), "de");
            assert_string_equal(jstr(last, "body.template.components.0.parameters.0.text"), "Anna");
        }
        json_decref(all);
    }
    cx_chan_config_free(&c);
}

static void test_wa_failures(void **state)
{
    reset_standin();
    struct cx_chan_config c;
    wa_conf(&c, WA_TOKEN);
    const char *p = "{\"to\":\"4915112345678\",\"type\":\"text\",\"text\":\"hi\"}";
    struct cx_send_result r;
    plan_failure(1, 500, 0);
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 500);
    plan_failure(1, 429, 0);
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 429);
    plan_failure(1, 400, 0);
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 400);
    assert_non_null(strstr(r.error, "(#100) Invalid parameter"));
    /* the stand-in sleeps 3 s, the client gives up after 1 s */
    plan_failure(1, 0, 3);
    double t0 = now_s();
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    double took = now_s() - t0;
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 0);
    assert_true(took >= 0.9 && took < 2.5);
    assert_non_null(strstr(r.error, "imeout"));
    /* after the planned failures it works again */
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_OK);
    /* a limit broken: refused before anything is sent */
    json_t *all = received();
    size_t before = json_array_size(all);
    json_decref(all);
    const char *four =
        "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"q\",\"buttons\":["
        "{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\",\"title\":\"B\"},{\"id\":\"c\","
        "\"title\":\"C\"},{\"id\":\"d\",\"title\":\"D\"}]}";
    assert_int_equal(cx_chan_send(&c, "whatsapp", four, NULL, &r), CX_EINVAL);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_non_null(strstr(r.error, "buttons"));
    all = received();
    assert_int_equal(json_array_size(all), before);
    json_decref(all);
    cx_chan_config_free(&c);

    /* a wrong token: 401 from Graph is permanent, and the token is not echoed */
    wa_conf(&c, "wrong-token-value");
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 401);
    assert_non_null(strstr(r.error, "OAuth"));
    assert_null(strstr(r.error, "wrong-token-value"));
    cx_chan_config_free(&c);

    /* nothing listening: temporary */
    load_conf(&c, "CXPULSE_WA_BASE_URL=http://127.0.0.1:9\nCXPULSE_WA_PHONE_NUMBER_ID=1\n"
                  "CXPULSE_WA_TOKEN=x\nCXPULSE_HTTP_TIMEOUT=1\n");
    assert_int_equal(cx_chan_send(&c, "whatsapp", p, NULL, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    cx_chan_config_free(&c);
}

/* ---- SMS ------------------------------------------------------------------ */

static void test_sms_generic(void **state)
{
    reset_standin();
    struct cx_chan_config c;
    load_conf(&c,
              "CXPULSE_SMS_URL=%s/sms\nCXPULSE_SMS_AUTH_HEADER=" SMS_AUTH "\n"
              "CXPULSE_SMS_FROM=Acme\nCXPULSE_HTTP_TIMEOUT=1\n",
              g.standin_url);
    const char *p =
        "{\"to\":\"+4915112345678\",\"text\":\"Rate us: \\\"quick\\\" \\\\ ok?\\n\\u00e9\"}";
    struct cx_send_opts o = {.idem_key = "sms-1"};
    struct cx_send_result r;
    assert_int_equal(cx_chan_send(&c, "sms", p, &o, &r), CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    assert_true(strncmp(r.provider_id, "msg-", 4) == 0);
    json_t *all = received();
    json_t *last = json_array_get(all, 0);
    assert_string_equal(jstr(last, "path"), "/sms");
    assert_string_equal(jstr(last, "headers.authorization"), SMS_AUTH);
    assert_string_equal(jstr(last, "headers.idempotency-key"), "sms-1");
    assert_string_equal(jstr(last, "headers.content-type"), "application/json");
    assert_string_equal(jstr(last, "body.to"), "+4915112345678");
    assert_string_equal(jstr(last, "body.from"), "Acme");
    assert_string_equal(jstr(last, "body.text"), "Rate us: \"quick\" \\ ok?\n\xc3\xa9");
    json_decref(all);

    /* failures: 500 and 429 temporary, 400 permanent, a timeout temporary */
    int codes[] = {500, 503, 429, 400, 404};
    enum cx_send_status want[] = {CX_SEND_TEMP, CX_SEND_TEMP, CX_SEND_TEMP, CX_SEND_PERM,
                                  CX_SEND_PERM};
    for (int i = 0; i < 5; i++) {
        plan_failure(1, codes[i], 0);
        assert_int_equal(cx_chan_send(&c, "sms", p, &o, &r), CX_OK);
        assert_int_equal(r.status, want[i]);
        assert_int_equal(r.http_status, codes[i]);
    }
    plan_failure(1, 0, 3);
    assert_int_equal(cx_chan_send(&c, "sms", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 0);
    cx_chan_config_free(&c);

    /* a wrong auth header: 401, permanent */
    load_conf(&c, "CXPULSE_SMS_URL=%s/sms\nCXPULSE_SMS_AUTH_HEADER=Bearer nope\n", g.standin_url);
    assert_int_equal(cx_chan_send(&c, "sms", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 401);
    cx_chan_config_free(&c);

    /* form encoding with a custom template */
    reset_standin();
    load_conf(&c,
              "CXPULSE_SMS_URL=%s/sms\nCXPULSE_SMS_AUTH_HEADER=" SMS_AUTH "\n"
              "CXPULSE_SMS_CONTENT_TYPE=application/x-www-form-urlencoded\n"
              "CXPULSE_SMS_BODY_TEMPLATE=to={to}&text={text}&sender={from}\n",
              g.standin_url);
    const char *pf = "{\"to\":\"4915112345678\",\"text\":\"a&b=c+d %% \\u00e9\"}";
    assert_int_equal(cx_chan_send(&c, "sms", pf, NULL, &r), CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    all = received();
    last = json_array_get(all, 0);
    assert_string_equal(jstr(last, "body.text"), "a&b=c+d %% \xc3\xa9");
    assert_string_equal(jstr(last, "body.to"), "4915112345678");
    assert_string_equal(jstr(last, "body.sender"), "");
    assert_null(jstr(last, "headers.idempotency-key"));
    json_decref(all);
    cx_chan_config_free(&c);

    /* an invalid payload never reaches the gateway */
    load_conf(&c, "CXPULSE_SMS_URL=%s/sms\n", g.standin_url);
    assert_int_equal(cx_chan_send(&c, "sms", "{\"to\":\"call me\",\"text\":\"x\"}", NULL, &r),
                     CX_EINVAL);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(cx_chan_send(&c, "sms", "{\"to\":\"+4915112345678\"}", NULL, &r), CX_EINVAL);
    cx_chan_config_free(&c);
}

static void test_sms_twilio(void **state)
{
    reset_standin();
    struct cx_chan_config c;
    load_conf(&c,
              "CXPULSE_SMS_PRESET=twilio\nCXPULSE_SMS_URL=%s\nCXPULSE_SMS_ACCOUNT_SID=AC0123abc\n"
              "CXPULSE_SMS_AUTH_TOKEN=twilio-tok\nCXPULSE_SMS_FROM=+15550001111\n",
              g.standin_url);
    struct cx_send_result r;
    struct cx_send_opts o = {.idem_key = "tw-1"};
    assert_int_equal(cx_chan_send(&c, "sms",
                                  "{\"to\":\"+4915112345678\",\"text\":\"Wie war's? 5 & 6\"}", &o,
                                  &r),
                     CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    assert_int_equal(r.http_status, 201);
    assert_true(strncmp(r.provider_id, "SM", 2) == 0 && strlen(r.provider_id) == 34);
    json_t *all = received();
    json_t *last = json_array_get(all, 0);
    assert_string_equal(jstr(last, "path"), "/2010-04-01/Accounts/AC0123abc/Messages.json");
    assert_string_equal(jstr(last, "body.To"), "+4915112345678");
    assert_string_equal(jstr(last, "body.From"), "+15550001111");
    assert_string_equal(jstr(last, "body.Body"), "Wie war's? 5 & 6");
    /* Basic AC0123abc:twilio-tok */
    char want[128], b64[96];
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)"AC0123abc:twilio-tok", 20,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(want, sizeof want, "Basic %s", b64);
    assert_string_equal(jstr(last, "headers.authorization"), want);
    json_decref(all);
    /* Twilio refuses a number without +: permanent with its message */
    assert_int_equal(cx_chan_send(&c, "sms", "{\"to\":\"4915112345678\",\"text\":\"x\"}", &o, &r),
                     CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 400);
    assert_non_null(strstr(r.error, "not a valid phone number"));
    cx_chan_config_free(&c);
}

/* ---- alert webhooks -------------------------------------------------------- */

static void test_webhook(void **state)
{
    reset_standin();
    struct cx_chan_config c;
    load_conf(&c, "CXPULSE_HTTP_TIMEOUT=1\n");
    char p[512];
    snprintf(p, sizeof p,
             "{\"url\":\"%s/hook/alerts\",\"body\":{\"alert\":\"nps_drop\",\"value\":-12.5,"
             "\"segment\":\"Plus \\u00e9\"}}",
             g.standin_url);
    struct cx_send_opts o = {.idem_key = "alert-9", .hmac_secret = "whsec"};
    struct cx_send_result r;
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o, &r), CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    assert_int_equal(r.http_status, 200);
    json_t *all = received();
    json_t *last = json_array_get(all, 0);
    assert_string_equal(jstr(last, "path"), "/hook/alerts");
    assert_string_equal(jstr(last, "headers.content-type"), "application/json");
    assert_string_equal(jstr(last, "headers.idempotency-key"), "alert-9");
    assert_string_equal(jstr(last, "body.alert"), "nps_drop");
    const char *raw = jstr(last, "raw");
    const char *sig = jstr(last, "headers.x-cxpulse-signature");
    assert_non_null(sig);
    assert_int_equal(cx_chan_signature_ok("whsec", raw, strlen(raw), sig), 1);
    assert_int_equal(cx_chan_signature_ok("other", raw, strlen(raw), sig), 0);
    json_decref(all);

    /* without a secret: no signature header */
    reset_standin();
    struct cx_send_opts o2 = {.idem_key = "alert-10"};
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o2, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_OK);
    all = received();
    assert_null(jstr(json_array_get(all, 0), "headers.x-cxpulse-signature"));
    json_decref(all);

    plan_failure(1, 500, 0);
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    plan_failure(1, 400, 0);
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    plan_failure(1, 0, 3);
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 0);
    /* an unknown path: 404, permanent */
    snprintf(p, sizeof p, "{\"url\":\"%s/nowhere\",\"body\":{}}", g.standin_url);
    assert_int_equal(cx_chan_send(&c, "webhook", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 404);
    cx_chan_config_free(&c);
}

/* ---- email ------------------------------------------------------------------ */

/* Reads DIR/NNNN.eml and .json for the n-th message (1-based); caller frees. */
static char *read_mail(const char *dir, int n, json_t **meta)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%04d.json", dir, n);
    for (int i = 0; i < 100 && access(path, R_OK) != 0; i++) usleep(50000);
    *meta = json_load_file(path, 0, NULL);
    if (!*meta) return NULL;
    snprintf(path, sizeof path, "%s/%04d.eml", dir, n);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t got = fread(buf, 1, (1 << 20) - 1, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

static int mail_count(const char *dir)
{
    int n = 0;
    char path[600];
    for (;;) {
        snprintf(path, sizeof path, "%s/%04d.json", dir, n + 1);
        if (access(path, R_OK) != 0) return n;
        n++;
    }
}

static void test_email(void **state)
{
    const char *dir = getenv("CX_TEST_MAIL_PLAIN");
    struct cx_chan_config c;
    load_conf(&c,
              "CXPULSE_SMTP_URL=smtp://127.0.0.1:%d\nCXPULSE_SMTP_FROM=Acme CX <cx@acme.example>\n"
              "CXPULSE_HTTP_TIMEOUT=5\n",
              g.smtp.port);
    const char *p = "{\"to\":\"anna@example.com\",\"subject\":\"Wie war's, Anna? \\u00dc\","
                    "\"text\":\"Hallo Anna,\\nbitte bewerten Sie uns.\\n.\\nEnde\",\"html\":"
                    "\"<p>Hallo <b>Anna</b></p>\",\"unsubscribe_url\":\"https://cx.example/u/1\"}";
    struct cx_send_opts o = {.idem_key = "outbox-77"};
    struct cx_send_result r;
    int before = mail_count(dir);
    assert_int_equal(cx_chan_send(&c, "email", p, &o, &r), CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    assert_int_equal(r.http_status, 250);
    assert_string_equal(r.provider_id, "outbox-77@cxpulse");
    json_t *meta;
    char *eml = read_mail(dir, before + 1, &meta);
    assert_non_null(eml);
    assert_string_equal(json_string_value(json_object_get(meta, "mail_from")), "cx@acme.example");
    assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "rcpt_tos"), 0)),
                        "anna@example.com");
    assert_non_null(strstr(eml, "Message-ID: <outbox-77@cxpulse>\r\n"));
    assert_non_null(strstr(eml, "List-Unsubscribe: <https://cx.example/u/1>\r\n"));
    assert_non_null(strstr(eml, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    assert_non_null(strstr(eml, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(eml, "From: \"Acme CX\" <cx@acme.example>\r\n"));
    /* the lone "." line arrives intact (encoded), not as end of data */
    assert_non_null(strstr(eml, "\r\n=2E\r\nEnde"));
    assert_non_null(strstr(eml, "text/html"));
    free(eml);
    json_decref(meta);

    /* 550 on RCPT: permanent, 451: temporary */
    assert_int_equal(cx_chan_send(&c, "email",
                                  "{\"to\":\"gone@example.org\",\"subject\":\"s\",\"text\":\"t\"}",
                                  &o, &r),
                     CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status, 550);
    assert_int_equal(cx_chan_send(&c, "email",
                                  "{\"to\":\"busy@example.org\",\"subject\":\"s\",\"text\":\"t\"}",
                                  &o, &r),
                     CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 451);
    assert_int_equal(mail_count(dir), before + 1);
    /* a bad payload never connects */
    assert_int_equal(cx_chan_send(&c, "email", "{\"to\":\"x\"}", &o, &r), CX_EINVAL);
    assert_int_equal(r.status, CX_SEND_PERM);
    cx_chan_config_free(&c);

    /* STARTTLS required but the sink has none: permanent configuration error */
    load_conf(&c,
              "CXPULSE_SMTP_URL=smtp://127.0.0.1:%d\nCXPULSE_SMTP_FROM=cx@acme.example\n"
              "CXPULSE_SMTP_STARTTLS=require\n",
              g.smtp.port);
    assert_int_equal(cx_chan_send(&c, "email",
                                  "{\"to\":\"a@example.com\",\"subject\":\"s\",\"text\":\"t\"}", &o,
                                  &r),
                     CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    cx_chan_config_free(&c);

    /* nothing listening: temporary */
    load_conf(&c, "CXPULSE_SMTP_URL=smtp://127.0.0.1:9\nCXPULSE_SMTP_FROM=cx@acme.example\n");
    assert_int_equal(cx_chan_send(&c, "email",
                                  "{\"to\":\"a@example.com\",\"subject\":\"s\",\"text\":\"t\"}", &o,
                                  &r),
                     CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 0);
    cx_chan_config_free(&c);
}

static void test_email_auth(void **state)
{
    const char *dir = getenv("CX_TEST_MAIL_AUTH");
    struct cx_chan_config c;
    load_conf(&c,
              "CXPULSE_SMTP_URL=smtp://127.0.0.1:%d\nCXPULSE_SMTP_FROM=cx@acme.example\n"
              "CXPULSE_SMTP_USER=mailer\nCXPULSE_SMTP_PASSWORD=s3cret\nCXPULSE_SMTP_STARTTLS=try\n",
              g.smtp_auth.port);
    struct cx_send_result r;
    struct cx_send_opts o = {.idem_key = "auth-1"};
    const char *p = "{\"to\":\"b@example.com\",\"subject\":\"s\",\"text\":\"t\"}";
    assert_int_equal(cx_chan_send(&c, "email", p, &o, &r), CX_OK);
    if (r.status != CX_SEND_OK) fail_msg("%d %s", r.http_status, r.error);
    json_t *meta;
    char *eml = read_mail(dir, 1, &meta);
    assert_non_null(eml);
    assert_string_equal(json_string_value(json_object_get(meta, "auth_user")), "mailer");
    free(eml);
    json_decref(meta);
    cx_chan_config_free(&c);

    /* a wrong password: 535, permanent, and the password is not in the error */
    load_conf(&c,
              "CXPULSE_SMTP_URL=smtp://127.0.0.1:%d\nCXPULSE_SMTP_FROM=cx@acme.example\n"
              "CXPULSE_SMTP_USER=mailer\nCXPULSE_SMTP_PASSWORD=wrong-pass-value\n",
              g.smtp_auth.port);
    assert_int_equal(cx_chan_send(&c, "email", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(r.http_status / 100, 5);
    assert_null(strstr(r.error, "wrong-pass-value"));
    cx_chan_config_free(&c);

    /* no credentials where AUTH is required: the server refuses MAIL with 530 */
    load_conf(&c, "CXPULSE_SMTP_URL=smtp://127.0.0.1:%d\nCXPULSE_SMTP_FROM=cx@acme.example\n",
              g.smtp_auth.port);
    assert_int_equal(cx_chan_send(&c, "email", p, &o, &r), CX_OK);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(mail_count(dir), 1);
    cx_chan_config_free(&c);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wa_send),     cmocka_unit_test(test_wa_failures),
        cmocka_unit_test(test_sms_generic), cmocka_unit_test(test_sms_twilio),
        cmocka_unit_test(test_webhook),     cmocka_unit_test(test_email),
        cmocka_unit_test(test_email_auth),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
