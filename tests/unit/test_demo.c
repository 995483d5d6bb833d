/* test_demo.c - the demo generator: determinism, SPEC §2 fields, and the
 * planted patterns the reports are meant to find. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "demo/demo.h"

#define END_DAY 20513 /* 2026-03-01 */
#define DAY 86400

static const char *const known_types[] = {"call.answered",
                                          "call.abandoned",
                                          "chat.answered",
                                          "chat.abandoned",
                                          "ticket.opened",
                                          "ticket.message",
                                          "ticket.transferred",
                                          "ticket.resolved",
                                          "ticket.reopened",
                                          "cart.created",
                                          "cart.purchased",
                                          "subscription.started",
                                          "subscription.renewed",
                                          "subscription.cancelled",
                                          "page.view",
                                          "search",
                                          "signup",
                                          "kb.view"};
#define NTYPES (sizeof known_types / sizeof known_types[0])

static const char *const langs[] = {"en", "nb", "tr", "fa", "ro"};

/* Generates into two temporary files, rewound for reading. */
static void generate(int customers, uint64_t seed, FILE **fr, FILE **fe)
{
    struct cx_demo_opts o = {.seed = seed, .customers = customers, .end_day = END_DAY, .days = 0};
    struct cx_err err = {{0}};
    *fr = tmpfile();
    *fe = tmpfile();
    assert_non_null(*fr);
    assert_non_null(*fe);
    assert_int_equal(cx_demo_write(*fr, *fe, &o, &err), CX_OK);
    rewind(*fr);
    rewind(*fe);
}

/* Reads the next line as a JSON object; NULL at end of file. */
static json_t *next_obj(FILE *f, char **line, size_t *cap)
{
    ssize_t n = getline(line, cap, f);
    if (n <= 0) return NULL;
    assert_int_equal((*line)[n - 1], '\n');
    json_error_t jerr;
    json_t *o = json_loadb(*line, (size_t)n, 0, &jerr);
    if (!o) fail_msg("bad JSON: %s: %.200s", jerr.text, *line);
    assert_true(json_is_object(o));
    return o;
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Checks the time field (RFC 3339 with Z or ±hh:mm, optional fraction, or
 * integer Unix seconds) and returns it as Unix seconds. */
static int64_t check_time(json_t *o)
{
    json_t *v = json_object_get(o, "time");
    if (json_is_integer(v)) return json_integer_value(v);
    assert_true(json_is_string(v));
    const char *s = json_string_value(v);
    size_t len = strlen(s);
    assert_true(len >= 20);
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    assert_true(y > 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
    assert_true(h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60);
    assert_true(s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':');
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        assert_true(*p >= '0' && *p <= '9');
        while (*p >= '0' && *p <= '9') p++;
    }
    int off = 0;
    if (*p == 'Z') {
        p++;
    } else {
        assert_true(*p == '+' || *p == '-');
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        assert_true(oh >= 0 && oh <= 23 && om >= 0 && om <= 59 && p[3] == ':');
        off = (*p == '-' ? -1 : 1) * (oh * 60 + om);
        p += 6;
    }
    assert_int_equal(*p, 0);
    return days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + se - off * 60;
}

static void check_id(json_t *o, char prefix)
{
    const char *id = str(o, "id"), *cust = str(o, "customer");
    assert_non_null(id);
    assert_non_null(cust);
    assert_int_equal(id[0], prefix);
    assert_true(strlen(id) >= 1 && strlen(id) <= 128);
    assert_true(strlen(cust) >= 1 && strlen(cust) <= 128);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Asserts that the n strings are distinct, then frees them. */
static void assert_unique(char **v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(v[i - 1], v[i])) fail_msg("duplicate id %s", v[i]);
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *v = realloc(*v, *cap * sizeof **v);
        assert_non_null(*v);
    }
    (*v)[(*n)++] = strdup(s);
}

/* Reads a whole stream into memory. */
static char *slurp(FILE *f, size_t *len)
{
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *p = malloc((size_t)n);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    *len = (size_t)n;
    return p;
}

static void test_deterministic(void **state)
{
    (void)state;
    FILE *r1, *e1, *r2, *e2, *r3, *e3;
    generate(2000, 42, &r1, &e1);
    generate(2000, 42, &r2, &e2);
    generate(2000, 43, &r3, &e3);
    size_t n1, n2, n3, m1, m2, m3;
    char *a = slurp(r1, &n1), *b = slurp(r2, &n2), *c = slurp(r3, &n3);
    char *x = slurp(e1, &m1), *y = slurp(e2, &m2), *z = slurp(e3, &m3);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_int_equal(m1, m2);
    assert_memory_equal(x, y, m1);
    assert_true(n1 != n3 || memcmp(a, c, n1)); /* another seed, other data */
    assert_true(m1 != m3 || memcmp(x, z, m1));
    free(a), free(b), free(c), free(x), free(y), free(z);
    fclose(r1), fclose(e1), fclose(r2), fclose(e2), fclose(r3), fclose(e3);
}

/* Score range of a response per SPEC §2.1, from its metric and scale. */
static void check_score(json_t *o)
{
    const char *metric = str(o, "metric"), *scale = str(o, "scale");
    json_t *sv = json_object_get(o, "score");
    assert_non_null(metric);
    assert_true(json_is_integer(sv));
    int lo, hi;
    if (!strcmp(metric, "nps")) {
        lo = 0, hi = 10;
        assert_true(!scale || !strcmp(scale, "0-10"));
    } else if (!strcmp(metric, "csat")) {
        lo = 1, hi = 5;
        if (scale) {
            assert_true(!strcmp(scale, "1-3") || !strcmp(scale, "1-5") || !strcmp(scale, "1-7"));
            hi = scale[2] - '0';
        }
    } else {
        assert_string_equal(metric, "ces");
        lo = 1, hi = 7;
        if (scale) {
            assert_true(!strcmp(scale, "1-5") || !strcmp(scale, "1-7"));
            hi = scale[2] - '0';
        }
    }
    json_int_t s = json_integer_value(sv);
    assert_true(s >= lo && s <= hi);
}

static int has_persian_digit(const char *s)
{
    for (; s[0] && s[1]; s++)
        if ((unsigned char)s[0] == 0xdb && (unsigned char)s[1] >= 0xb0 &&
            (unsigned char)s[1] <= 0xb9)
            return 1;
    return 0;
}

static void test_fields(void **state)
{
    (void)state;
    FILE *fr, *fe;
    generate(2000, 7, &fr, &fe);
    const int64_t t0 = (int64_t)(END_DAY - 729) * DAY, t1 = (int64_t)(END_DAY + 1) * DAY;
    char *line = NULL;
    size_t cap = 0;
    json_t *o;

    char **ids = NULL;
    size_t nids = 0, idcap = 0, nresp = 0, ncomment = 0;
    int lang_seen[5] = {0}, zwnj = 0, fa_digit = 0, arabic_yeh = 0, cedilla = 0;
    int metric_seen[3] = {0}, scale13 = 0, scale17 = 0;
    while ((o = next_obj(fr, &line, &cap))) {
        check_id(o, 'r');
        int64_t t = check_time(o);
        assert_true(t >= t0 && t < t1);
        check_score(o);
        const char *m = str(o, "metric"), *scale = str(o, "scale");
        metric_seen[!strcmp(m, "nps") ? 0 : !strcmp(m, "csat") ? 1 : 2] = 1;
        scale13 |= scale && !strcmp(scale, "1-3");
        scale17 |= scale && !strcmp(scale, "1-7") && !strcmp(m, "csat");
        assert_non_null(str(o, "channel"));
        assert_non_null(str(o, "touchpoint"));
        assert_non_null(str(o, "product"));
        assert_non_null(str(o, "country"));
        const char *lang = str(o, "lang"), *c = str(o, "comment");
        assert_non_null(lang);
        if (!strcmp(str(o, "touchpoint"), "support")) assert_non_null(str(o, "ticket"));
        if (c) {
            ncomment++;
            assert_true(strlen(c) > 3);
            for (int i = 0; i < 5; i++)
                if (!strcmp(lang, langs[i])) lang_seen[i] = 1;
            zwnj |= strstr(c, "\xe2\x80\x8c") != NULL;
            fa_digit |= has_persian_digit(c);
            arabic_yeh |= strstr(c, "\xd9\x8a") != NULL;               /* ي */
            cedilla |= strstr(c, "\xc5\x9f") || strstr(c, "\xc5\xa3"); /* ş ţ */
        }
        push(&ids, &nids, &idcap, str(o, "id"));
        nresp++;
        json_decref(o);
    }
    assert_true(nresp > 3000);
    assert_true(ncomment * 100 > nresp * 25 && ncomment * 100 < nresp * 45);
    for (int i = 0; i < 5; i++)
        if (!lang_seen[i]) fail_msg("no %s comment", langs[i]);
    assert_true(zwnj && fa_digit && arabic_yeh && cedilla);
    assert_true(metric_seen[0] && metric_seen[1] && metric_seen[2] && scale13 && scale17);
    assert_unique(ids, nids);

    ids = NULL, nids = 0, idcap = 0;
    size_t type_n[NTYPES] = {0}, nev = 0;
    int offset_times = 0, unix_times = 0, frac_times = 0, decimal_wait = 0;
    while ((o = next_obj(fe, &line, &cap))) {
        check_id(o, 'e');
        int64_t t = check_time(o);
        assert_true(t >= t0 && t < t1);
        const char *type = str(o, "type"), *ts = str(o, "time");
        assert_non_null(type);
        assert_non_null(str(o, "channel"));
        size_t k = 0;
        while (k < NTYPES && strcmp(type, known_types[k])) k++;
        if (k == NTYPES) fail_msg("unknown type %s", type);
        type_n[k]++;
        if (!strncmp(type, "ticket.", 7)) assert_int_equal(str(o, "ref")[0], 'T');
        if (!strncmp(type, "cart.", 5)) {
            assert_int_equal(str(o, "ref")[0], 'C');
            assert_true(json_is_real(json_object_get(o, "value")));
        }
        if (!strncmp(type, "subscription.", 13)) assert_int_equal(str(o, "ref")[0], 'S');
        if (!strncmp(type, "call.", 5)) {
            assert_string_equal(str(o, "channel"), "phone");
            assert_true(json_is_number(json_object_get(o, "wait_s")));
            decimal_wait |= json_is_real(json_object_get(o, "wait_s"));
        }
        unix_times |= ts == NULL;
        offset_times |= ts && ts[strlen(ts) - 1] != 'Z';
        frac_times |= ts && ts[19] == '.';
        push(&ids, &nids, &idcap, str(o, "id"));
        nev++;
        json_decref(o);
    }
    for (size_t k = 0; k < NTYPES; k++)
        if (!type_n[k]) fail_msg("no %s event", known_types[k]);
    assert_true(nev > 20000);
    assert_true(offset_times && unix_times && frac_times && decimal_wait);
    assert_unique(ids, nids);
    free(line);
    fclose(fr);
    fclose(fe);
}

/* Number of occurrences of s in the sorted array v[n]. */
static size_t count_sorted(char **v, size_t n, const char *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(v[mid], s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = 0;
    while (lo + k < n && !strcmp(v[lo + k], s)) k++;
    return k;
}

static double nps(const int *c)
{
    int n = c[0] + c[1] + c[2];
    return n ? 100.0 * (c[2] - c[0]) / n : 0;
}

static void test_patterns(void **state)
{
    (void)state;
    FILE *fr, *fe;
    generate(20000, 1, &fr, &fe);
    char *line = NULL;
    size_t cap = 0;
    json_t *o;

    char **transfers = NULL;
    size_t ntr = 0, trcap = 0;
    long call_ans = 0, call_ab = 0, chat_ans = 0, chat_ab = 0, carts = 0, bought = 0;
    long started = 0, cancelled = 0;
    while ((o = next_obj(fe, &line, &cap))) {
        const char *t = str(o, "type");
        if (!strcmp(t, "ticket.transferred")) push(&transfers, &ntr, &trcap, str(o, "ref"));
        call_ans += !strcmp(t, "call.answered");
        call_ab += !strcmp(t, "call.abandoned");
        chat_ans += !strcmp(t, "chat.answered");
        chat_ab += !strcmp(t, "chat.abandoned");
        carts += !strcmp(t, "cart.created");
        bought += !strcmp(t, "cart.purchased");
        started += !strcmp(t, "subscription.started");
        cancelled += !strcmp(t, "subscription.cancelled");
        json_decref(o);
    }
    qsort(transfers, ntr, sizeof *transfers, cmp_str);

    /* CES (mapped onto 1-7) after >= 2 transfers against the rest */
    double ces_sum[2] = {0}, ces_n[2] = {0};
    int plus[2][3] = {{0}}; /* before / last quarter: detractors, passives, promoters */
    const int64_t update = (int64_t)(END_DAY + 1 - 91) * DAY;
    while ((o = next_obj(fr, &line, &cap))) {
        const char *m = str(o, "metric"), *tp = str(o, "touchpoint"), *sc = str(o, "scale");
        int s = (int)json_integer_value(json_object_get(o, "score"));
        if (!strcmp(m, "ces") && !strcmp(tp, "support")) {
            int bad = count_sorted(transfers, ntr, str(o, "ticket")) >= 2;
            ces_sum[bad] += sc && !strcmp(sc, "1-5") ? 1 + (s - 1) * 1.5 : s;
            ces_n[bad]++;
        }
        if (!strcmp(m, "nps") && !strcmp(str(o, "product"), "Plus")) {
            int late = check_time(o) >= update;
            plus[late][s >= 9 ? 2 : s >= 7 ? 1 : 0]++;
        }
        json_decref(o);
    }
    assert_true(ces_n[0] > 1000 && ces_n[1] > 300);
    double ces_ok = ces_sum[0] / ces_n[0], ces_bad = ces_sum[1] / ces_n[1];
    if (ces_ok - ces_bad < 1.0) fail_msg("CES %.2f vs %.2f after transfers", ces_ok, ces_bad);

    assert_true(plus[1][0] + plus[1][1] + plus[1][2] > 300);
    double before = nps(plus[0]), after = nps(plus[1]);
    if (before - after < 25) fail_msg("Plus NPS %.1f -> %.1f", before, after);
    assert_true(before > 20 && after < 5);

    double phone = (double)call_ab / (double)(call_ab + call_ans);
    double chat = (double)chat_ab / (double)(chat_ab + chat_ans);
    if (phone < 3 * chat || phone < 0.18 || phone > 0.32)
        fail_msg("abandonment phone %.3f chat %.3f", phone, chat);

    double buy = (double)bought / (double)carts;
    assert_true(buy > 0.6 && buy < 0.8);
    assert_int_equal(started, 20000);
    assert_true(cancelled > started * 4 / 100 && cancelled < started * 14 / 100);

    for (size_t i = 0; i < ntr; i++) free(transfers[i]);
    free(transfers);
    free(line);
    fclose(fr);
    fclose(fe);
}

static void test_bad_args(void **state)
{
    (void)state;
    struct cx_demo_opts o = {.seed = 1, .customers = -1, .end_day = END_DAY};
    struct cx_err err = {{0}};
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(cx_demo_write(f, f, &o, &err), CX_EINVAL);
    assert_true(strlen(err.msg) > 0);
    o.customers = 10;
    o.days = -5;
    assert_int_equal(cx_demo_write(f, f, &o, &err), CX_EINVAL);
    assert_int_equal(cx_demo_write(NULL, f, &o, NULL), CX_EINVAL);
    fclose(f);
}

/* A short window still produces valid data (the Plus update is clipped). */
static void test_short_window(void **state)
{
    (void)state;
    struct cx_demo_opts o = {.seed = 3, .customers = 50, .end_day = END_DAY, .days = 30};
    struct cx_err err = {{0}};
    FILE *fr = tmpfile(), *fe = tmpfile();
    assert_int_equal(cx_demo_write(fr, fe, &o, &err), CX_OK);
    rewind(fr);
    rewind(fe);
    char *line = NULL;
    size_t cap = 0, n = 0;
    json_t *obj;
    const int64_t t0 = (int64_t)(END_DAY - 29) * DAY, t1 = (int64_t)(END_DAY + 1) * DAY;
    while ((obj = next_obj(fe, &line, &cap))) {
        int64_t t = check_time(obj);
        assert_true(t >= t0 && t < t1);
        n++;
        json_decref(obj);
    }
    assert_true(n >= 100); /* at least signup and subscription.started each */
    free(line);
    fclose(fr);
    fclose(fe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic), cmocka_unit_test(test_fields),
        cmocka_unit_test(test_patterns),      cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_short_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
