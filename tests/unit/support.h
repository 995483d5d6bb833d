/* support.h - fixture helpers shared by the unit tests that drive the HTTP
 * API through cx_api_handle() (test_api.c, test_dash.c,
 * test_dash_insights.c): a fresh SQLite data directory, the writer and the
 * API on it, and their removal.
 *
 * Header-only, with static inline functions, because CMake builds each
 * tests/unit/test_*.c as an executable of its own. Include it after
 * <cmocka.h> (and the headers cmocka needs). */
#ifndef CX_TEST_SUPPORT_H
#define CX_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

#include "http/api.h"

/* Makes a directory /tmp/<prefix>XXXXXX into dir (cap bytes) and creates a
 * new SQLite store in it. The caller closes the store. */
static inline struct cx_store *support_store_new(char *dir, size_t cap, const char *prefix)
{
    snprintf(dir, cap, "/tmp/%sXXXXXX", prefix);
    assert_non_null(mkdtemp(dir));
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_store *s;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(dir, &o, &s, &err), CX_OK);
    return s;
}

/* Creates an API key (name, scope) in s and writes its Authorization header
 * value, "Bearer <key>", into auth (cap bytes). */
static inline void support_key(struct cx_store *s, const char *name, const char *scope, char *auth,
                               size_t cap)
{
    char *k = NULL;
    struct cx_err err = {{0}};
    assert_int_equal(s->vt->key_create(s, name, scope, &k, &err), CX_OK);
    snprintf(auth, cap, "Bearer %s", k);
    free(k);
}

/* Starts the writer and the API on the data directory dir. */
static inline void support_api_start(const char *dir, struct cx_writer **w, struct cx_api **api)
{
    struct cx_err err = {{0}};
    assert_int_equal(cx_writer_start(dir, 0, w, &err), CX_OK);
    assert_int_equal(cx_api_new(dir, *w, NULL, api, &err), CX_OK);
}

/* Frees the API, stops the writer and removes dir. */
static inline void support_api_stop(const char *dir, struct cx_writer *w, struct cx_api *api)
{
    cx_api_free(api);
    cx_writer_stop(w);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
