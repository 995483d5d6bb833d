/* test_api.c - the API handlers without a socket: the OpenAPI document
 * matches the routes, and auth/validation answers. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

#include "http/api.h"
#include "http/openapi.h"

struct fixture {
    char dir[64];
    struct cx_writer *w;
    struct cx_api *api;
    char admin[128], read[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct cx_store *s = support_store_new(f->dir, sizeof f->dir, "cx-test-api-");
    support_key(s, "a", "admin", f->admin, sizeof f->admin);
    support_key(s, "r", "read", f->read, sizeof f->read);
    cx_store_close(s);
    support_api_start(f->dir, &f->w, &f->api);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    support_api_stop(f->dir, f->w, f->api);
    free(f);
    return 0;
}

static int call(struct fixture *f, const char *method, const char *path, const char *auth,
                const char *ctype, const char *body)
{
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.authorization = auth;
    req.content_type = ctype;
    req.body = body ? body : "";
    req.body_len = body ? strlen(body) : 0;
    struct cx_http_resp resp;
    cx_api_handle(f->api, &req, &resp);
    /* every answer is JSON or text with a body */
    assert_non_null(resp.body);
    if (resp.status >= 400 && !strncmp(resp.content_type, "text/html", 9)) {
        /* survey pages answer errors with a page for people */
        assert_non_null(strstr(resp.body, "<html lang="));
    } else if (resp.status >= 400) {
        json_error_t je;
        json_t *j = json_loadb(resp.body, resp.len, 0, &je);
        assert_non_null(j);
        assert_true(json_is_string(json_object_get(json_object_get(j, "error"), "code")));
        assert_true(json_is_string(json_object_get(json_object_get(j, "error"), "message")));
        json_decref(j);
    }
    int st = resp.status;
    cx_http_resp_clear(&resp);
    return st;
}

/* A request with one query parameter. */
static int call_q(struct fixture *f, const char *method, const char *path, const char *k,
                  const char *v, const char *auth)
{
    struct cx_http_req req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.authorization = auth;
    req.query[0].key = k;
    req.query[0].val = v;
    req.nquery = 1;
    req.body = "";
    struct cx_http_resp resp;
    cx_api_handle(f->api, &req, &resp);
    int st = resp.status;
    cx_http_resp_clear(&resp);
    return st;
}

static void path_of(const char *tmpl, char *out, size_t cap)
{
    const char *b = strchr(tmpl, '{');
    if (!b) {
        snprintf(out, cap, "%s", tmpl);
        return;
    }
    const char *e = strchr(b, '}');
    snprintf(out, cap, "%.*sc1%s", (int)(b - tmpl), tmpl, e ? e + 1 : "");
}

/* Every path and method in the OpenAPI document is served, and every other
 * method on those paths answers 405. */
static void test_openapi_matches_routes(void **state)
{
    struct fixture *f = *state;
    json_error_t je;
    json_t *doc = json_loads(cx_openapi_json, 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
    json_t *paths = json_object_get(doc, "paths");
    assert_true(json_object_size(paths) >= 8);
    const char *tmpl;
    json_t *item;
    const char *methods[] = {"get", "post", "delete", "put", "patch"};
    const char *upper[] = {"GET", "POST", "DELETE", "PUT", "PATCH"};
    json_object_foreach(paths, tmpl, item)
    {
        char path[256];
        path_of(tmpl, path, sizeof path);
        for (int m = 0; m < 5; m++) {
            int listed = json_object_get(item, methods[m]) != NULL;
            const char *body = m == 1 ? "{}" : NULL;
            int st = call(f, upper[m], path, f->admin, "application/json", body);
            if (listed) {
                if (st == 404 && strchr(tmpl, '{')) continue; /* unknown customer is fine */
                assert_true(st != 404 && st != 405);
            } else {
                if (st != 405) print_message("%s %s -> %d\n", upper[m], path, st);
                assert_int_equal(st, 405);
            }
        }
    }
    json_decref(doc);
    /* and a path the document does not list is unknown */
    assert_int_equal(call(f, "GET", "/api/v1/nothing", f->admin, NULL, NULL), 404);
}

static void test_ingest_and_read(void **state)
{
    struct fixture *f = *state;
    const char *row = "{\"id\":\"r1\",\"customer\":\"c1\",\"time\":\"2026-01-01T00:00:00Z\","
                      "\"metric\":\"nps\",\"score\":9}";
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "application/json", row), 201);
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "application/json", row), 200);
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->read, "application/json", row), 403);
    assert_int_equal(call(f, "POST", "/api/v1/responses", NULL, "application/json", row), 401);
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "text/plain", row), 415);
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "application/json", "{"), 400);
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "application/json",
                          "{\"id\":\"r2\",\"customer\":\"c1\",\"time\":\"x\",\"metric\":\"nps\","
                          "\"score\":9}"),
                     422);
    assert_int_equal(call(f, "GET", "/api/v1/customers/c1", f->read, NULL, NULL), 200);
    /* the ?id= form, for ids that hold a '/' */
    const char *slashed = "{\"id\":\"r9\",\"customer\":\"a/b\",\"time\":\"2026-01-01T00:00:00Z\","
                          "\"metric\":\"nps\",\"score\":3}";
    assert_int_equal(call(f, "POST", "/api/v1/responses", f->admin, "application/json", slashed),
                     201);
    assert_int_equal(call_q(f, "GET", "/api/v1/customers", "id", "a/b", f->read), 200);
    assert_int_equal(call_q(f, "GET", "/api/v1/customers", "x", "y", f->read), 400);
    assert_int_equal(call_q(f, "DELETE", "/api/v1/customers", "id", "a/b", f->admin), 200);
    assert_int_equal(call_q(f, "GET", "/api/v1/customers", "id", "a/b", f->read), 404);
    assert_int_equal(call(f, "GET", "/api/v1/customers/nobody", f->read, NULL, NULL), 404);
    assert_int_equal(call(f, "DELETE", "/api/v1/customers/c1", f->read, NULL, NULL), 403);
    assert_int_equal(call(f, "DELETE", "/api/v1/customers/c1", f->admin, NULL, NULL), 200);
    assert_int_equal(call(f, "GET", "/api/v1/customers/c1", f->read, NULL, NULL), 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_openapi_matches_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ingest_and_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
