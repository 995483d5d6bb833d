#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/ndjson.h"

struct src {
    const char *p;
    size_t len, pos, chunk;
    int fail_at_end;
};

static long src_read(void *ctx, char *buf, size_t cap)
{
    struct src *s = ctx;
    size_t n = s->len - s->pos;
    if (n == 0) return s->fail_at_end ? -1 : 0;
    if (n > cap) n = cap;
    if (s->chunk && n > s->chunk) n = s->chunk;
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return (long)n;
}

static const char kind_letter[] = {
    [CX_VAL_ABSENT] = 'A', [CX_VAL_STRING] = 'S', [CX_VAL_INT] = 'I',
    [CX_VAL_REAL] = 'R',   [CX_VAL_BOOL] = 'B',   [CX_VAL_JSON] = 'J',
};

struct buf {
    char *p;
    size_t n, cap;
};

static void add(struct buf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        b->cap = (b->n + len + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void adds(struct buf *b, const char *s)
{
    add(b, s, strlen(s));
}

/* Appends "L<line>:" and " key=K:value" per field (a NUL shown as \0). */
static void add_row(struct buf *b, const struct cx_row *row)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "L%ld:", row->line);
    adds(b, tmp);
    for (size_t i = 0; i < row->n; i++) {
        const struct cx_field *f = &row->f[i];
        adds(b, " ");
        add(b, f->key, f->klen);
        snprintf(tmp, sizeof tmp, "=%c:", kind_letter[f->kind]);
        adds(b, tmp);
        for (size_t k = 0; k < f->vlen; k++) {
            if (f->val[k] == '\0')
                adds(b, "\\0");
            else
                add(b, &f->val[k], 1);
        }
    }
    adds(b, "\n");
}

/* Reads everything and returns a transcript: rows as above, "E<line>
 * <reason>" for rejected lines, "X <reason>" for a read error. */
static char *transcript(const char *in, size_t len, size_t chunk, size_t max_line)
{
    struct src s = {in, len, 0, chunk, 0};
    struct cx_ndjson *j = cx_ndjson_new(src_read, &s, max_line);
    assert_non_null(j);
    struct buf b = {0};
    adds(&b, "");
    for (int guard = 0; guard < 100000; guard++) {
        struct cx_row row;
        struct cx_err err = {{0}};
        char tmp[600];
        int rc = cx_ndjson_next(j, &row, &err);
        if (rc == 0) break;
        if (rc == -2) {
            snprintf(tmp, sizeof tmp, "X %s\n", err.msg);
            adds(&b, tmp);
            break;
        }
        if (rc == -1) {
            assert_int_equal(row.n, 0);
            snprintf(tmp, sizeof tmp, "E%ld %s\n", row.line, err.msg);
            adds(&b, tmp);
            continue;
        }
        assert_int_equal(rc, 1);
        add_row(&b, &row);
    }
    cx_ndjson_free(j);
    return b.p;
}

static void expect_n(const char *in, size_t len, size_t max_line, const char *want)
{
    size_t chunks[] = {0, 1, 2, 5};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *got = transcript(in, len, chunks[i], max_line);
        assert_string_equal(got, want);
        free(got);
    }
}

#define EXPECT(lit, want) expect_n(lit, sizeof lit - 1, 1 << 20, want)

static void test_types(void **state)
{
    (void)state;
    EXPECT("{\"s\":\"x y\",\"i\":42,\"neg\":-7,\"r\":4.5,\"t\":true,\"f\":false,\"n\":null,"
           "\"o\":{ \"b\" : 1, \"a\" : [1, 2.5, \"q\"] },\"a\":[],\"e\":\"\"}\n",
           "L1: s=S:x y i=I:42 neg=I:-7 r=R:4.5 t=B:true f=B:false n=A: "
           "o=J:{\"b\":1,\"a\":[1,2.5,\"q\"]} a=J:[] e=S:\n");
    EXPECT("{\"big\":9223372036854775807,\"small\":-9223372036854775808,\"zero\":0}\n",
           "L1: big=I:9223372036854775807 small=I:-9223372036854775808 zero=I:0\n");
}

static void test_reals_shortest(void **state)
{
    (void)state;
    EXPECT("{\"a\":9.0,\"b\":0.1,\"c\":1e2,\"d\":0.30000000000000004,\"e\":0.3333333333333333,"
           "\"f\":1e300,\"g\":-0.0,\"h\":5e-324,\"i\":1.7976931348623157e308,\"j\":-2.5E-3}\n",
           "L1: a=R:9 b=R:0.1 c=R:100 d=R:0.30000000000000004 e=R:0.3333333333333333 "
           "f=R:1e+300 g=R:-0 h=R:4.94065645841247e-324 i=R:1.7976931348623157e+308 "
           "j=R:-0.0025\n");
}

static void test_key_order_and_escapes(void **state)
{
    (void)state;
    EXPECT("{\"z\":1,\"a\":2,\"m\":3,\"b\":4}\n", "L1: z=I:1 a=I:2 m=I:3 b=I:4\n");
    EXPECT("{\"caf\\u00e9\":\"\\u00e9\\n\\t\\\"\\\\\\/\",\"e\":\"\\ud83d\\ude00\"}\n",
           "L1: caf\xc3\xa9=S:\xc3\xa9\n\t\"\\/ e=S:\xf0\x9f\x98\x80\n");
    EXPECT("{}\n", "L1:\n");
    EXPECT("  {\"a\" : 1 }  \n", "L1: a=I:1\n");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    EXPECT("{\"a\":1,\"a\":2}\n{\"b\":1}\n", "E1 duplicate key\nL2: b=I:1\n");
    EXPECT("{\"o\":{\"x\":1,\"x\":1}}\n", "E1 duplicate key\n");
    EXPECT("{\"a\":1,\"A\":2}\n", "L1: a=I:1 A=I:2\n");
}

static void test_not_an_object(void **state)
{
    (void)state;
    EXPECT("[1,2]\n42\n\"s\"\nnull\ntrue\n{\"ok\":1}\n",
           "E1 not a JSON object\nE2 not a JSON object\nE3 not a JSON object\n"
           "E4 not a JSON object\nE5 not a JSON object\nL6: ok=I:1\n");
}

static void test_invalid_json(void **state)
{
    (void)state;
    const char *in = "{\"a\":1\n{a:1}\n{\"a\":1}}\n{\"a\":1}{\"b\":2}\n{\"a\":01}\n"
                     "{\"a\":NaN}\n{\"a\":1,}\n{\"a\":\"x\ty\"}\n{\"n\":99999999999999999999}\n"
                     "{\"a\":2}\n";
    char *got = transcript(in, strlen(in), 0, 1 << 20);
    size_t lines = 0;
    for (char *p = got; (p = strstr(p, "invalid JSON")) != NULL; p++) lines++;
    assert_int_equal(lines, 9);
    assert_non_null(strstr(got, "E1 invalid JSON at column"));
    assert_non_null(strstr(got, "E9 invalid JSON"));
    assert_non_null(strstr(got, "L10: a=I:2\n"));
    free(got);
}

static void test_nul_and_utf8(void **state)
{
    (void)state;
    EXPECT("{\"a\":\"x\\u0000y\"}\n{\"b\":1}\n",
           "E1 NUL character (\\u0000) in a string\nL2: b=I:1\n");
    EXPECT("{\"a\":\"\xff\"}\n{\"b\":\"\xc3\xa9\"}\n", "E1 invalid UTF-8\nL2: b=S:\xc3\xa9\n");
    EXPECT("{\"a\":\"\xed\xa0\x80\"}\n", "E1 invalid UTF-8\n");
    const char raw_nul[] = "{\"a\":\"x\0y\"}\n{\"a\":1}\0\n{\"c\":3}\n";
    char *got = transcript(raw_nul, sizeof raw_nul - 1, 0, 1 << 20);
    assert_non_null(strstr(got, "E1 "));
    assert_non_null(strstr(got, "E2 "));
    assert_non_null(strstr(got, "L3: c=I:3\n"));
    free(got);
}

static void test_blank_lines_and_numbers(void **state)
{
    (void)state;
    EXPECT("\n{\"a\":1}\n\n  \n\t\r\n{\"a\":2}\n\n", "L2: a=I:1\nL6: a=I:2\n");
    EXPECT("", "");
    EXPECT("\n\n\n", "");
    EXPECT("{\"a\":1}", "L1: a=I:1\n");
    EXPECT("{\"a\":1}\n{\"a\":2}", "L1: a=I:1\nL2: a=I:2\n");
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    EXPECT("{\"a\":1}\r\n\r\n{\"a\":2}\r\n", "L1: a=I:1\nL3: a=I:2\n");
    EXPECT("{\"a\":\"x\"}\r", "L1: a=S:x\n");
    EXPECT("\xEF\xBB\xBF{\"a\":1}\n", "L1: a=I:1\n");
    EXPECT("\xEF\xBB\xBF", "");
    EXPECT("\xEF\xBB\xBF\n{\"a\":1}\n", "L2: a=I:1\n");
    char *got = transcript("{\"a\":1}\n\xEF\xBB\xBF{\"a\":2}\n", 20, 0, 1 << 20);
    assert_non_null(strstr(got, "L1: a=I:1\nE2 "));
    free(got);
}

static void test_max_line(void **state)
{
    (void)state;
    const char in[] = "{\"a\":1}\n{\"a\":12345}\n{\"a\":1234}\r\n{\"b\":2}";
    expect_n(in, sizeof in - 1, 10,
             "L1: a=I:1\nE2 line longer than the maximum line size\nL3: a=I:1234\nL4: b=I:2\n");
    expect_n(in, sizeof in - 1, 7,
             "L1: a=I:1\nE2 line longer than the maximum line size\n"
             "E3 line longer than the maximum line size\nL4: b=I:2\n");
    /* a very long line spanning many input chunks */
    size_t big = 200000;
    char *p = malloc(big + 20);
    assert_non_null(p);
    memcpy(p, "{\"k\":\"", 6);
    memset(p + 6, 'v', big);
    memcpy(p + 6 + big, "\"}\n{\"z\":0}\n", 11);
    char *got = transcript(p, big + 17, 0, 1000);
    assert_string_equal(got, "E1 line longer than the maximum line size\nL2: z=I:0\n");
    free(got);
    got = transcript(p, big + 17, 0, big + 8);
    assert_int_equal(strlen(got), big + 19);
    free(got);
    free(p);
}

static void test_reuse_across_rows(void **state)
{
    (void)state;
    /* many rows with growing sizes: buffers are reused and regrown */
    struct buf in = {0};
    adds(&in, "");
    for (int i = 0; i < 300; i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"i\":%d,\"r\":%d.25,\"o\":[%d,{\"x\":%d}],\"s\":\"%*s\"}\n",
                 i, i, i, i, i % 90, "");
        adds(&in, line);
    }
    struct src s = {in.p, in.n, 0, 3, 0};
    struct cx_ndjson *j = cx_ndjson_new(src_read, &s, 1000);
    struct cx_row row;
    struct cx_err err;
    for (int i = 0; i < 300; i++) {
        char want[64];
        int rc = cx_ndjson_next(j, &row, &err);
        if (rc != 1) fail_msg("row %d: rc %d: %s", i, rc, err.msg);
        assert_int_equal(row.line, i + 1);
        assert_int_equal(row.n, 4);
        snprintf(want, sizeof want, "%d", i);
        assert_int_equal(row.f[0].vlen, strlen(want));
        assert_memory_equal(row.f[0].val, want, row.f[0].vlen);
        snprintf(want, sizeof want, "%d.25", i);
        assert_int_equal(row.f[1].vlen, strlen(want));
        assert_memory_equal(row.f[1].val, want, row.f[1].vlen);
        snprintf(want, sizeof want, "[%d,{\"x\":%d}]", i, i);
        assert_int_equal(row.f[2].vlen, strlen(want));
        assert_memory_equal(row.f[2].val, want, row.f[2].vlen);
        assert_int_equal(row.f[3].vlen, (size_t)(i % 90));
    }
    assert_int_equal(cx_ndjson_next(j, &row, &err), 0);
    assert_int_equal(cx_ndjson_next(j, &row, &err), 0);
    cx_ndjson_free(j);
    cx_ndjson_free(NULL);
    free(in.p);
}

static void test_parse_object(void **state)
{
    (void)state;
    struct cx_ndjson *j = cx_ndjson_new(src_read, NULL, 100);
    struct cx_row row;
    struct cx_err err = {{0}};
    const char ok[] = " {\"id\":\"r1\",\"score\":9}\n";
    assert_int_equal(cx_ndjson_parse_object(j, ok, sizeof ok - 1, &row, &err), 1);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.n, 2);
    assert_memory_equal(row.f[0].key, "id", 2);
    assert_memory_equal(row.f[0].val, "r1", 2);
    assert_int_equal(row.f[1].kind, CX_VAL_INT);
    assert_int_equal(cx_ndjson_parse_object(j, "[1]", 3, &row, &err), -1);
    assert_string_equal(err.msg, "not a JSON object");
    assert_int_equal(cx_ndjson_parse_object(j, "{\"a\":1,\"a\":1}", 13, &row, &err), -1);
    assert_string_equal(err.msg, "duplicate key");
    assert_int_equal(cx_ndjson_parse_object(j, "{\"a\":1} x", 9, &row, &err), -1);
    assert_int_equal(cx_ndjson_parse_object(j, "", 0, &row, &err), -1);
    /* the length is explicit: bytes after it are not read */
    assert_int_equal(cx_ndjson_parse_object(j, "{\"a\":1}garbage", 7, &row, &err), 1);
    cx_ndjson_free(j);
}

static void test_read_error(void **state)
{
    (void)state;
    struct src s = {"{\"a\":1}\n{\"b\"", 12, 0, 0, 1};
    struct cx_ndjson *j = cx_ndjson_new(src_read, &s, 100);
    struct cx_row row;
    struct cx_err err = {{0}};
    assert_int_equal(cx_ndjson_next(j, &row, &err), 1);
    assert_int_equal(cx_ndjson_next(j, &row, &err), -2);
    assert_string_equal(err.msg, "read error");
    assert_int_equal(cx_ndjson_next(j, &row, &err), -2);
    cx_ndjson_free(j);
}

/* Hostile input: never crashes, terminates, and does not depend on how
 * the bytes are split into reads. */
static void test_garbage(void **state)
{
    (void)state;
    const char *pieces[] = {"{",           "}",          "[",    "]",    "\"",
                            ":",           ",",          "\n",   "\r\n", " ",
                            "1",           "-2.5e3",     "null", "true", "\"k\"",
                            "\"\\u0000\"", "\\",         "\xff", "\0",   "\xEF\xBB\xBF",
                            "{\"a\":1}",   "\"\\ud800\""};
    size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t seed = 777;
    for (int round = 0; round < 300; round++) {
        struct buf in = {0};
        adds(&in, "");
        int n = round % 60;
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            if (round % 4 == 0) {
                char ch = (char)(r & 0xFF);
                add(&in, &ch, 1);
            } else {
                size_t i = r % np;
                add(&in, pieces[i], i == 18 ? 1 : strlen(pieces[i]));
            }
        }
        size_t maxl = round % 2 ? 1000 : 12;
        char *a = transcript(in.p, in.n, 0, maxl);
        char *b = transcript(in.p, in.n, 1, maxl);
        char *c = transcript(in.p, in.n, 4, maxl);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        free(a);
        free(b);
        free(c);
        free(in.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_reals_shortest),
        cmocka_unit_test(test_key_order_and_escapes),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_invalid_json),
        cmocka_unit_test(test_nul_and_utf8),
        cmocka_unit_test(test_blank_lines_and_numbers),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_max_line),
        cmocka_unit_test(test_reuse_across_rows),
        cmocka_unit_test(test_parse_object),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
