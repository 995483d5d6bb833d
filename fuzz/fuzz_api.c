/* fuzz_api.c - libFuzzer target for request handling: method, path, query
 * string, headers and body go through cx_api_handle against a real store.
 *
 * Input layout: fields separated by '\n': method, path, query ("k=v&k=v"),
 * content type, auth selector ('a' admin key, 'i' ingest key, 'r' read key,
 * anything else: the rest of the line is sent as the header), then the body
 * (the rest of the input). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/api.h"
#include "store/store.h"

static struct cx_api *api;
static struct cx_writer *writer;
static char keys[3][128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char dir[] = "/tmp/cxpulse-fuzz-api-XXXXXX";
    if (!mkdtemp(dir)) abort();
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_store *s;
    struct cx_err err = {{0}};
    if (cx_store_open_sqlite(dir, &o, &s, &err)) abort();
    const char *scopes[3] = {"admin", "ingest", "read"};
    for (int i = 0; i < 3; i++) {
        char *k = NULL;
        if (s->vt->key_create(s, scopes[i], scopes[i], &k, &err)) abort();
        snprintf(keys[i], sizeof keys[i], "Bearer %s", k);
        free(k);
    }
    cx_store_close(s);
    if (cx_writer_start(dir, 0, &writer, &err)) abort();
    struct cx_api_config cfg = {0};
    cfg.max_body = 1 << 16;
    cfg.max_batch = 50;
    if (cx_api_new(dir, writer, &cfg, &api, &err)) abort();
    return 0;
}

/* Returns the next '\n'-terminated field of data (NUL-terminated copy). */
static char *field(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    const uint8_t *e = nl ? nl : end;
    char *s = strndup((const char *)*p, (size_t)(e - *p));
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *method = field(&p, end), *path = field(&p, end), *query = field(&p, end);
    char *ctype = field(&p, end), *auth = field(&p, end);
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.content_type = ctype[0] ? ctype : NULL;
    if (!strcmp(auth, "a"))
        req.authorization = keys[0];
    else if (!strcmp(auth, "i"))
        req.authorization = keys[1];
    else if (!strcmp(auth, "r"))
        req.authorization = keys[2];
    else if (auth[0])
        req.authorization = auth;
    char *save = NULL;
    for (char *kv = strtok_r(query, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        if (req.nquery == CX_API_MAX_QUERY) {
            req.query_overflow = 1;
            break;
        }
        char *eq = strchr(kv, '=');
        if (eq) *eq = 0;
        req.query[req.nquery].key = kv;
        req.query[req.nquery].val = eq ? eq + 1 : "";
        req.nquery++;
    }
    req.body = (const char *)p;
    req.body_len = (size_t)(end - p);
    struct cx_http_resp resp;
    cx_api_handle(api, &req, &resp);
    if (resp.status < 200 || resp.status > 599 || !resp.body || !resp.content_type) abort();
    cx_http_resp_clear(&resp);
    free(method);
    free(path);
    free(query);
    free(ctype);
    free(auth);
    return 0;
}
