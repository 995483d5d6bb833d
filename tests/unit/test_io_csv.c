#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv.h"

/* In-memory byte source handing out at most `chunk` bytes per call. */
struct src {
    const char *p;
    size_t len, pos, chunk;
    int fail_at_end; /* report a read error instead of end of input */
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

/* Reads all of in[0..len) and returns a transcript: one line per call,
 * "L<line> <n>:" then each field as [text] (a NUL shown as \0) and a '*'
 * when quoted_any, "E<line> <reason>" for malformed records, "X <reason>"
 * for read errors. The caller frees it. */
static char *transcript(const char *in, size_t len, size_t chunk, size_t max_record)
{
    struct src s = {in, len, 0, chunk, 0};
    struct cx_csv *c = cx_csv_new(src_read, &s, max_record);
    assert_non_null(c);
    size_t cap = 4096 + len * 32, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    for (int guard = 0; guard < 100000; guard++) {
        struct cx_csv_record rec;
        struct cx_err err = {{0}};
        int rc = cx_csv_next(c, &rec, &err);
        if (rc == 0) break;
        if (rc == -2) {
            n += (size_t)snprintf(out + n, cap - n, "X %s\n", err.msg);
            break;
        }
        if (rc == -1) {
            n += (size_t)snprintf(out + n, cap - n, "E%ld %s\n", rec.line, err.msg);
            continue;
        }
        assert_int_equal(rc, 1);
        n += (size_t)snprintf(out + n, cap - n, "L%ld %zu%s:", rec.line, rec.nfields,
                              rec.quoted_any ? "*" : "");
        for (size_t i = 0; i < rec.nfields; i++) {
            assert_int_equal(rec.fields[i][rec.lens[i]], '\0');
            out[n++] = '[';
            for (size_t k = 0; k < rec.lens[i]; k++) {
                if (rec.fields[i][k] == '\0') {
                    out[n++] = '\\';
                    out[n++] = '0';
                } else {
                    out[n++] = rec.fields[i][k];
                }
            }
            out[n++] = ']';
        }
        out[n++] = '\n';
        out[n] = '\0';
        assert_true(n < cap - 256);
    }
    cx_csv_free(c);
    return out;
}

/* Checks the transcript of in, read whole and one byte at a time. */
static void expect_n(const char *in, size_t len, size_t max_record, const char *want)
{
    char *got = transcript(in, len, 0, max_record);
    assert_string_equal(got, want);
    free(got);
    got = transcript(in, len, 1, max_record);
    assert_string_equal(got, want);
    free(got);
    got = transcript(in, len, 2, max_record);
    assert_string_equal(got, want);
    free(got);
}

#define EXPECT(lit, want) expect_n(lit, sizeof lit - 1, 1 << 20, want)

static void test_simple(void **state)
{
    (void)state;
    EXPECT("id,score\n1,9\n2,7\n", "L1 2:[id][score]\nL2 2:[1][9]\nL3 2:[2][7]\n");
    EXPECT("", "");
    EXPECT("a", "L1 1:[a]\n");
    EXPECT(",", "L1 2:[][]\n");
    EXPECT("a,,b,\n", "L1 4:[a][][b][]\n");
    EXPECT(" a , b \n", "L1 2:[ a ][ b ]\n");
}

static void test_bom(void **state)
{
    (void)state;
    EXPECT("\xEF\xBB\xBFid,x\n1,2\n", "L1 2:[id][x]\nL2 2:[1][2]\n");
    EXPECT("\xEF\xBB\xBF", "");
    EXPECT("\xEF\xBB", "L1 1:[\xEF\xBB]\n");
    EXPECT("\xEF\xBB\xBF\xEF\xBB\xBF"
           "a\n",
           "L1 1:[\xEF\xBB\xBF"
           "a]\n");
    /* a BOM later in the input is data */
    EXPECT("a\n\xEF\xBB\xBF"
           "b\n",
           "L1 1:[a]\nL2 1:[\xEF\xBB\xBF"
           "b]\n");
}

static void test_quoted(void **state)
{
    (void)state;
    EXPECT("\"a,b\",c\n", "L1 2*:[a,b][c]\n");
    EXPECT("\"say \"\"hi\"\"\",x\n", "L1 2*:[say \"hi\"][x]\n");
    EXPECT("\"\"\n", "L1 1*:[]\n");
    EXPECT("\"\"\"\"\n", "L1 1*:[\"]\n");
    EXPECT("a,\"\"\n", "L1 2*:[a][]\n");
    EXPECT("\"a\r\nb\",c\r\n", "L1 2*:[a\r\nb][c]\n");
    EXPECT("\"x\",\"y\"", "L1 2*:[x][y]\n");
}

static void test_embedded_newlines_line_numbers(void **state)
{
    (void)state;
    EXPECT("id,comment\n"
           "1,\"two\nlines\"\n"
           "2,\"three\n\nlines\"\n"
           "3,plain\n",
           "L1 2:[id][comment]\n"
           "L2 2*:[1][two\nlines]\n"
           "L4 2*:[2][three\n\nlines]\n"
           "L7 2:[3][plain]\n");
    EXPECT("\"a\nb\"\n\n\"c\nd\"\n", "L1 1*:[a\nb]\nL4 1*:[c\nd]\n");
}

static void test_crlf(void **state)
{
    (void)state;
    EXPECT("a,b\r\n1,2\r\n", "L1 2:[a][b]\nL2 2:[1][2]\n");
    EXPECT("a,b\r\n\r\n1,2\r\n", "L1 2:[a][b]\nL3 2:[1][2]\n");
    EXPECT("a\r\n1\n2\r\n", "L1 1:[a]\nL2 1:[1]\nL3 1:[2]\n");
    EXPECT("\"q\"\r\nx\r\n", "L1 1*:[q]\nL2 1:[x]\n");
    /* a CR not followed by LF is data */
    EXPECT("a\rb,c\n", "L1 2:[a\rb][c]\n");
    EXPECT("\rx\n", "L1 1:[\rx]\n");
    EXPECT("a\r\r\n", "L1 1:[a\r]\n");
    /* a CR at the very end ends the record */
    EXPECT("a,b\r", "L1 2:[a][b]\n");
}

static void test_final_record_and_blank_lines(void **state)
{
    (void)state;
    EXPECT("h\n1\n2", "L1 1:[h]\nL2 1:[1]\nL3 1:[2]\n");
    EXPECT("h\n\n\n1\n\n", "L1 1:[h]\nL4 1:[1]\n");
    EXPECT("\n\nh\n", "L3 1:[h]\n");
    EXPECT("\r\n\r\n", "");
    EXPECT("h,\n", "L1 2:[h][]\n");
    /* a line of spaces is not blank */
    EXPECT("h\n \n", "L1 1:[h]\nL2 1:[ ]\n");
}

static void test_malformed_and_recovery(void **state)
{
    (void)state;
    EXPECT("h\n1,say \"hi\",x\n2,ok\n", "L1 1:[h]\nE2 quote in an unquoted field\nL3 2:[2][ok]\n");
    EXPECT("h\n\"a\"b,c\n2,ok\n", "L1 1:[h]\nE2 characters after a closing quote\nL3 2:[2][ok]\n");
    EXPECT("\"a\" ,b\nok\n", "E1 characters after a closing quote\nL2 1:[ok]\n");
    EXPECT("\"a\"\rb\nok\n", "E1 characters after a closing quote\nL2 1:[ok]\n");
    /* the error is found on the record's second line: skipping resumes
     * after that line and the record keeps its start line */
    EXPECT("h\n\"multi\nline\"x,y\n3,z\n",
           "L1 1:[h]\nE2 characters after a closing quote\nL4 2:[3][z]\n");
    EXPECT("a\"", "E1 quote in an unquoted field\n");
    EXPECT("h\nx\"\n", "L1 1:[h]\nE2 quote in an unquoted field\n");
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    EXPECT("h\n1,\"open\n2,x\n", "L1 1:[h]\nE2 unterminated quoted field\n");
    EXPECT("\"", "E1 unterminated quoted field\n");
    EXPECT("\"abc\"\"", "E1 unterminated quoted field\n");
}

static void test_max_record(void **state)
{
    (void)state;
    const char in[] = "h\n0123456789\n1,2\n\"0123\n56789\",x\nok\n";
    expect_n(in, sizeof in - 1, 10,
             "L1 1:[h]\nL2 1:[0123456789]\nL3 2:[1][2]\n"
             "E4 record longer than the maximum record size\nL6 1:[ok]\n");
    expect_n(in, sizeof in - 1, 9,
             "L1 1:[h]\nE2 record longer than the maximum record size\nL3 2:[1][2]\n"
             "E4 record longer than the maximum record size\nL6 1:[ok]\n");
    /* the line break is not part of the record's length */
    const char crlf[] = "abcd\r\nef\r\n";
    expect_n(crlf, sizeof crlf - 1, 4, "L1 1:[abcd]\nL2 1:[ef]\n");
    expect_n(crlf, sizeof crlf - 1, 3,
             "E1 record longer than the maximum record size\nL2 1:[ef]\n");
    /* a long record that is also malformed is skipped to its line end */
    const char both[] = "aaaaaaaaaa\"b\nok\n";
    expect_n(both, sizeof both - 1, 5,
             "E1 record longer than the maximum record size\nL2 1:[ok]\n");
    /* a long quoted record spanning many lines is skipped whole */
    const char many[] = "\"x\n,\n,\n,\n\"\nok\n";
    expect_n(many, sizeof many - 1, 4,
             "E1 record longer than the maximum record size\nL6 1:[ok]\n");
}

static void test_nul_bytes(void **state)
{
    (void)state;
    const char in[] = "a\0b,\"c\0\"\n";
    expect_n(in, sizeof in - 1, 100, "L1 2*:[a\\0b][c\\0]\n");
}

static void test_many_fields_and_long_field(void **state)
{
    (void)state;
    size_t nf = 5000;
    char *in = malloc(nf * 2 + 1);
    assert_non_null(in);
    for (size_t i = 0; i < nf; i++) {
        in[2 * i] = 'x';
        in[2 * i + 1] = i + 1 < nf ? ',' : '\n';
    }
    struct src s = {in, nf * 2, 0, 7, 0};
    struct cx_csv *c = cx_csv_new(src_read, &s, 1 << 20);
    struct cx_csv_record rec;
    struct cx_err err;
    assert_int_equal(cx_csv_next(c, &rec, &err), 1);
    assert_int_equal(rec.nfields, nf);
    for (size_t i = 0; i < nf; i++) {
        assert_int_equal(rec.lens[i], 1);
        assert_int_equal(rec.fields[i][0], 'x');
    }
    assert_int_equal(cx_csv_next(c, &rec, &err), 0);
    assert_int_equal(cx_csv_next(c, &rec, &err), 0);
    cx_csv_free(c);
    free(in);

    size_t big = 300000;
    in = malloc(big + 3);
    assert_non_null(in);
    in[0] = '"';
    memset(in + 1, 'y', big);
    in[big + 1] = '"';
    in[big + 2] = '\n';
    struct src s2 = {in, big + 3, 0, 0, 0};
    c = cx_csv_new(src_read, &s2, big + 2);
    assert_int_equal(cx_csv_next(c, &rec, &err), 1);
    assert_int_equal(rec.nfields, 1);
    assert_int_equal(rec.lens[0], big);
    assert_int_equal(rec.fields[0][big - 1], 'y');
    cx_csv_free(c);
    free(in);
}

static void test_read_error(void **state)
{
    (void)state;
    struct src s = {"a,b\nc", 5, 0, 0, 1};
    struct cx_csv *c = cx_csv_new(src_read, &s, 100);
    struct cx_csv_record rec;
    struct cx_err err = {{0}};
    assert_int_equal(cx_csv_next(c, &rec, &err), 1);
    assert_int_equal(cx_csv_next(c, &rec, &err), -2);
    assert_string_equal(err.msg, "read error");
    assert_int_equal(cx_csv_next(c, &rec, &err), -2);
    cx_csv_free(c);
    cx_csv_free(NULL);
}

/* Random and hostile input: never crashes, always terminates, and the
 * result does not depend on how the bytes are split into reads. */
static void test_garbage(void **state)
{
    (void)state;
    const char alphabet[] = "a,\"\r\n\0\xEF\xBB\xBF ";
    uint32_t seed = 12345;
    for (int round = 0; round < 400; round++) {
        size_t len = (size_t)(round * 7 % 300);
        char *in = malloc(len + 1);
        assert_non_null(in);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            in[i] = round % 3 == 0 ? (char)(r & 0xFF) : alphabet[r % (sizeof alphabet - 1)];
        }
        size_t maxrec = round % 2 ? 1000 : 16;
        char *whole = transcript(in, len, 0, maxrec);
        char *bytes = transcript(in, len, 1, maxrec);
        char *threes = transcript(in, len, 3, maxrec);
        assert_string_equal(whole, bytes);
        assert_string_equal(whole, threes);
        free(whole);
        free(bytes);
        free(threes);
        free(in);
    }
}

static void check_write(const char *f, size_t len, const char *want)
{
    char buf[256] = {0};
    FILE *out = fmemopen(buf, sizeof buf, "w");
    assert_non_null(out);
    cx_csv_write_field(out, f, len);
    fclose(out);
    assert_string_equal(buf, want);
}

static void test_write_field(void **state)
{
    (void)state;
    check_write("plain", 5, "plain");
    check_write("", 0, "");
    check_write("a,b", 3, "\"a,b\"");
    check_write("say \"hi\"", 8, "\"say \"\"hi\"\"\"");
    check_write("\"", 1, "\"\"\"\"");
    check_write("a\nb", 3, "\"a\nb\"");
    check_write("a\rb", 3, "\"a\rb\"");
    check_write(" lead", 5, "\" lead\"");
    check_write("trail ", 6, "\"trail \"");
    check_write("in side", 7, "in side");
    check_write("caf\xc3\xa9", 5, "caf\xc3\xa9");
}

/* What cx_csv_write_field writes, the reader reads back unchanged. */
static void test_write_read_roundtrip(void **state)
{
    (void)state;
    const char *fields[] = {"plain", "a,b", "q\"q", "multi\r\nline", " sp ", "", "\"\"", "x"};
    size_t nf = sizeof fields / sizeof fields[0];
    char buf[512] = {0};
    FILE *out = fmemopen(buf, sizeof buf, "w");
    for (size_t i = 0; i < nf; i++) {
        if (i) fputc(',', out);
        cx_csv_write_field(out, fields[i], strlen(fields[i]));
    }
    fputc('\n', out);
    fclose(out);
    struct src s = {buf, strlen(buf), 0, 1, 0};
    struct cx_csv *c = cx_csv_new(src_read, &s, 1000);
    struct cx_csv_record rec;
    struct cx_err err;
    assert_int_equal(cx_csv_next(c, &rec, &err), 1);
    assert_int_equal(rec.nfields, nf);
    for (size_t i = 0; i < nf; i++) {
        assert_int_equal(rec.lens[i], strlen(fields[i]));
        assert_memory_equal(rec.fields[i], fields[i], rec.lens[i]);
    }
    assert_int_equal(cx_csv_next(c, &rec, &err), 0);
    cx_csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_embedded_newlines_line_numbers),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_final_record_and_blank_lines),
        cmocka_unit_test(test_malformed_and_recovery),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_max_record),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_many_fields_and_long_field),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_write_field),
        cmocka_unit_test(test_write_read_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
