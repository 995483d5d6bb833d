/* test_io_form.c - form body parsing, including garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/form.h"

static void test_pairs(void **state)
{
    struct cx_form f;
    const char *s = "score=9&comment=too+slow%2C+really%21&empty=&flag&&x=%C3%B8";
    assert_int_equal(cx_form_parse(s, strlen(s), &f), 0);
    assert_int_equal(f.n, 5);
    assert_string_equal(cx_form_get(&f, "score"), "9");
    assert_string_equal(cx_form_get(&f, "comment"), "too slow, really!");
    assert_string_equal(cx_form_get(&f, "empty"), "");
    assert_string_equal(cx_form_get(&f, "flag"), "");
    assert_string_equal(cx_form_get(&f, "x"), "\xC3\xB8");
    assert_null(cx_form_get(&f, "nope"));
    cx_form_free(&f);
    assert_int_equal(cx_form_parse("", 0, &f), 0);
    assert_int_equal(f.n, 0);
    cx_form_free(&f);
}

static void test_bad(void **state)
{
    struct cx_form f;
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "%=1", NULL};
    for (int i = 0; bad[i]; i++) assert_int_equal(cx_form_parse(bad[i], strlen(bad[i]), &f), -1);
    char many[400] = "";
    for (int i = 0; i < 40; i++) strcat(many, "a=1&");
    assert_int_equal(cx_form_parse(many, strlen(many), &f), -1);
}

static void test_garbage(void **state)
{
    uint64_t x = 88172645463325252ULL;
    char buf[256];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(x % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = "a=&%+0F9z\x80\xff"[x % 11];
        }
        struct cx_form f;
        int r = cx_form_parse(buf, n, &f);
        assert_true(r == 0 || r == -1);
        if (r == 0) {
            for (size_t i = 0; i < f.n; i++) assert_int_equal(strlen(f.val[i]), f.vlen[i]);
            cx_form_free(&f);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
