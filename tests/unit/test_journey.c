/* test_journey.c - a hand-built journey: the drop is marked and the
 * interactions between the two scores are named as its likely cause. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/journey.h"
#include "io/record.h"
#include "store/store.h"

static void put(struct cx_store *s, int event, const char *const *kv)
{
    struct cx_field f[16];
    size_t n = 0;
    for (; kv[2 * n]; n++) {
        f[n].key = kv[2 * n];
        f[n].klen = strlen(kv[2 * n]);
        f[n].val = kv[2 * n + 1];
        f[n].vlen = strlen(kv[2 * n + 1]);
        f[n].kind = CX_VAL_STRING;
    }
    struct cx_row row = {1, n, f};
    struct cx_reject why;
    struct cx_err err = {{0}};
    enum cx_put res;
    if (event) {
        struct cx_event e;
        assert_int_equal(cx_event_from_row(&row, &e, &why), 0);
        assert_int_equal(s->vt->put_event(s, &e, &res, &err), CX_OK);
        cx_event_clear(&e);
    } else {
        struct cx_response r;
        assert_int_equal(cx_response_from_row(&row, &r, &why), 0);
        assert_int_equal(s->vt->put_response(s, &r, &res, &err), CX_OK);
        cx_response_clear(&r);
    }
}

static void test_drop_and_cause(void **state)
{
    char dir[] = "/tmp/cx-test-journey-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_store *s;
    struct cx_err err = {{0}};
    assert_int_equal(cx_store_open_sqlite(dir, &o, &s, &err), CX_OK);
    assert_int_equal(s->vt->begin(s, &err), CX_OK);
    /* CES 6, then a bad week, then CES 2; another customer in between */
    put(s, 0,
        (const char *const[]){"id", "r1", "customer", "c1", "time", "2026-03-01T10:00:00Z",
                              "metric", "ces", "score", "6", "channel", "email", NULL});
    put(s, 1,
        (const char *const[]){"id", "e1", "customer", "c1", "time", "2026-03-03T09:00:00Z", "type",
                              "page.view", "channel", "web", NULL});
    put(s, 1,
        (const char *const[]){"id", "e2", "customer", "c1", "time", "2026-03-03T10:00:00Z", "type",
                              "call.abandoned", "channel", "phone", "wait_s", "400", NULL});
    put(s, 1,
        (const char *const[]){"id", "e3", "customer", "c1", "time", "2026-03-04T10:00:00Z", "type",
                              "ticket.transferred", "ref", "T1", NULL});
    put(s, 1,
        (const char *const[]){"id", "e4", "customer", "c1", "time", "2026-03-04T11:00:00Z", "type",
                              "ticket.transferred", "ref", "T1", NULL});
    put(s, 1,
        (const char *const[]){"id", "x1", "customer", "c2", "time", "2026-03-04T12:00:00Z", "type",
                              "call.abandoned", NULL});
    put(s, 0,
        (const char *const[]){"id", "r2", "customer", "c1", "time", "2026-03-05T10:00:00Z",
                              "metric", "ces", "score", "2", "channel", "web", NULL});
    /* a later rise, with nothing in between */
    put(s, 0,
        (const char *const[]){"id", "r3", "customer", "c1", "time", "2026-03-20T10:00:00Z",
                              "metric", "ces", "score", "7", NULL});
    assert_int_equal(s->vt->commit(s, &err), CX_OK);

    struct cx_journey j;
    assert_int_equal(cx_journey_load(s, "c1", &j, &err), CX_OK);
    assert_int_equal(j.n, 7); /* c2's event is not part of it */
    size_t drop = 0, rise = 0;
    for (size_t i = 0; i < j.n; i++) {
        if (!j.items[i].is_response) continue;
        if (!strcmp(j.items[i].r.id, "r2")) drop = i;
        if (!strcmp(j.items[i].r.id, "r3")) rise = i;
    }
    assert_int_equal(j.items[drop].mark, -1);
    assert_int_equal(j.items[drop].prev_score, 6);
    assert_int_equal(j.items[rise].mark, 1);
    char cause[512];
    /* browsing is left out; the abandoned call and both transfers named */
    assert_int_equal(cx_journey_cause(&j, drop, cause, sizeof cause), 3);
    assert_string_equal(cause, "call.abandoned (wait 400s), ticket.transferred x2");
    assert_int_equal(cx_journey_cause(&j, rise, cause, sizeof cause), 0);
    /* the JSON names the interactions since the previous score */
    json_t *doc = cx_journey_to_json("c1", &j);
    json_t *it = json_array_get(json_object_get(doc, "items"), drop);
    assert_string_equal(json_string_value(json_object_get(it, "change")), "drop");
    assert_string_equal(json_string_value(json_object_get(it, "previous_id")), "r1");
    assert_int_equal(json_array_size(json_object_get(it, "since_previous")), 4);
    json_decref(doc);
    cx_journey_free(&j);
    cx_store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_drop_and_cause)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
