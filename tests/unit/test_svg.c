/* test_svg.c - the server-side SVG charts: well-formed output, escaping, no
 * "nan"/"inf", bands, nice ticks, heat-map text contrast, empty inputs. */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "http/svg.h"

#define HOSTILE "<script>alert('x')</script>&\""

/* ---- a tiny XML checker ---- */

/* Returns 1 when s is one well-formed element: tags balanced and properly
 * nested, attribute values quoted, '&' only in the entities cx_html_esc
 * writes, no stray '<' or '>' in text. */
static int well_formed(const char *s)
{
    char stack[64][32];
    int depth = 0, roots = 0;
    const char *p = s;
    while (*p) {
        if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
            int ok = 0;
            for (size_t i = 0; i < 5; i++) ok |= !strncmp(p, ents[i], strlen(ents[i]));
            if (!ok) return 0;
            p++;
            continue;
        }
        if (*p == '>') return 0;
        if (*p != '<') {
            if (depth == 0 && !isspace((unsigned char)*p)) return 0; /* text outside the root */
            p++;
            continue;
        }
        p++;
        int closing = *p == '/';
        if (closing) p++;
        char name[32];
        size_t n = 0;
        while (isalnum((unsigned char)*p) || *p == '-' || *p == ':') {
            if (n + 1 >= sizeof name) return 0;
            name[n++] = *p++;
        }
        name[n] = 0;
        if (n == 0) return 0;
        int self = 0;
        while (*p && *p != '>') {
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                while (*p && *p != q) {
                    if (*p == '<') return 0;
                    p++;
                }
                if (!*p) return 0;
                p++;
                continue;
            }
            if (*p == '<') return 0;
            if (*p == '/' && p[1] == '>') self = 1;
            p++;
        }
        if (!*p) return 0;
        p++;
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name)) return 0;
            depth--;
        } else {
            if (depth == 0 && ++roots > 1) return 0;
            if (!self) {
                if (depth >= 64) return 0;
                strcpy(stack[depth++], name);
            }
        }
    }
    return depth == 0 && roots == 1;
}

static int contains_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (!strncasecmp(s, needle, n)) return 1;
    return 0;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* Checks every chart must pass and returns the text (caller frees). */
static char *finish(struct cx_html *h)
{
    assert_false(h->oom);
    size_t len;
    char *s = cx_html_take(h, &len);
    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    if (!well_formed(s)) fail_msg("not well-formed: %s", s);
    assert_true(!strncmp(s, "<svg ", 5));
    assert_non_null(strstr(s, "role=\"img\""));
    assert_non_null(strstr(s, "viewBox=\"0 0 "));
    assert_non_null(strstr(s, "width=\"100%\""));
    assert_non_null(strstr(s, "<title>"));
    if (contains_ci(s, "nan") || contains_ci(s, "inf")) fail_msg("nan/inf in output: %s", s);
    assert_null(strstr(s, "<script"));
    /* Coordinates have at most one decimal. */
    static const char *const attrs[] = {" d=\"", " points=\"", " x=\"",
                                        " y=\"", " width=\"",  " cx=\""};
    for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
        for (const char *p = s; (p = strstr(p, attrs[a])); p++) {
            const char *q = p + strlen(attrs[a]);
            const char *end = strchr(q, '"');
            for (; q < end; q++)
                if (*q == '.' && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]))
                    fail_msg("more than one decimal in %.40s", p);
        }
    }
    return s;
}

/* Parses the y tick labels (group cx-yt for lines, cx-xt for bars) and
 * checks they are evenly spaced by 1, 2 or 5 times a power of ten. Returns
 * the number of ticks. */
static int check_ticks(const char *s, const char *group)
{
    char open[64];
    snprintf(open, sizeof open, "<g class=\"%s\"", group);
    const char *g = strstr(s, open);
    assert_non_null(g);
    const char *end = strstr(g, "</g>");
    double v[64];
    int n = 0;
    for (const char *p = g; (p = strstr(p, "<text")) && p < end && n < 64; p++) {
        const char *t = strchr(p, '>') + 1;
        char *e;
        double x = strtod(t, &e);
        assert_true(e != t);
        if (*e == 'k') x *= 1e3;
        if (*e == 'M') x *= 1e6;
        v[n++] = x;
    }
    assert_true(n >= 2);
    double step = fabs(v[1] - v[0]);
    assert_true(step > 0);
    for (int i = 2; i < n; i++) assert_true(fabs(fabs(v[i] - v[i - 1]) - step) < step * 1e-6);
    double mag = pow(10, floor(log10(step) + 1e-9));
    double m = step / mag;
    if (!(fabs(m - 1) < 1e-6 || fabs(m - 2) < 1e-6 || fabs(m - 5) < 1e-6))
        fail_msg("step %g is not 1-2-5 (ticks %g, %g)", step, v[0], v[1]);
    for (int i = 0; i < n; i++) {
        double r = v[i] / step;
        assert_true(fabs(r - round(r)) < 1e-6); /* ticks are multiples of the step */
    }
    return n;
}

/* ---- line ---- */

static void test_line_basic(void **state)
{
    double y[5] = {10, 20, NAN, 35, 40}, lo[5] = {5, 15, NAN, 30, 33},
           hi[5] = {15, 25, NAN, 40, 47};
    double y2[5] = {-10, 0, 5, NAN, 12};
    const char *xl[5] = {"Jan", "", "Mar", "", "May"};
    struct cx_svg_series s[2] = {{"NPS", 5, y, lo, hi}, {"CSAT", 5, y2, NULL, NULL}};
    struct cx_html h = {0};
    cx_svg_line(&h, "NPS by month", "NPS per month with 95 % interval", xl, s, 2, -100, 100,
                "score", 600, 240);
    char *out = finish(&h);
    assert_non_null(strstr(out, "<desc>NPS per month with 95 % interval</desc>"));
    assert_int_equal(count(out, "<polygon"), 2); /* band split at the gap */
    assert_non_null(strstr(out, ">Jan</text>"));
    assert_non_null(strstr(out, ">May</text>"));
    assert_non_null(strstr(out, ">NPS</text>"));  /* legend */
    assert_non_null(strstr(out, ">CSAT</text>")); /* legend */
    assert_non_null(strstr(out, ">score</text>"));
    assert_non_null(strstr(out, "stroke-dasharray")); /* the second series is dashed */
    assert_non_null(strstr(out, "stroke=\"#0072B2\""));
    assert_non_null(strstr(out, "stroke=\"#D55E00\""));
    assert_non_null(strstr(out, "<marker"));
    assert_non_null(strstr(out, "fill-opacity=\".15\""));
    assert_int_equal(check_ticks(out, "cx-yt"), 5); /* -100 -50 0 50 100 */
    assert_non_null(strstr(out, ">-100</text>"));
    free(out);
}

static void test_line_band_only_when_given(void **state)
{
    double y[3] = {1, 2, 3};
    struct cx_svg_series s = {"a", 3, y, NULL, NULL};
    struct cx_html h = {0};
    cx_svg_line(&h, "t", NULL, NULL, &s, 1, NAN, NAN, NULL, 0, 0);
    char *out = finish(&h);
    assert_null(strstr(out, "<polygon"));
    assert_null(strstr(out, "<desc>"));
    free(out);

    double lo[3] = {0.5, 1.5, 2.5}, hi[3] = {1.5, 2.5, 3.5};
    s.lo = lo;
    s.hi = hi;
    cx_svg_line(&h, "t", NULL, NULL, &s, 1, NAN, NAN, NULL, 0, 0);
    out = finish(&h);
    assert_int_equal(count(out, "<polygon"), 1);
    assert_non_null(strstr(out, ">interval</text>"));
    free(out);
}

static void test_line_gaps_and_nan(void **state)
{
    double y[6] = {NAN, 1, INFINITY, 2, 3, -INFINITY};
    struct cx_svg_series s = {"x", 6, y, NULL, NULL};
    struct cx_html h = {0};
    cx_svg_line(&h, "gaps", NULL, NULL, &s, 1, NAN, NAN, NULL, 300, 150);
    char *out = finish(&h);
    const char *d = strstr(out, "<path d=\"M");
    /* Skip the legend sample: the series path is the last <path d=. */
    for (const char *p = d; p; p = strstr(p + 1, "<path d=\"M")) d = p;
    const char *e = strchr(d + 9, '"');
    size_t moves = 0;
    for (const char *p = d + 9; p < e; p++) moves += *p == 'M';
    assert_int_equal(moves, 2); /* "1" alone, then "2 3" */
    assert_non_null(strstr(d, "h0"));
    free(out);

    double all_nan[3] = {NAN, NAN, NAN};
    s.y = all_nan;
    s.n = 3;
    cx_svg_line(&h, "none", NULL, NULL, &s, 1, 0, 10, NULL, 300, 150);
    out = finish(&h);
    assert_non_null(strstr(out, "No data"));
    free(out);
}

static void test_line_empty(void **state)
{
    struct cx_html h = {0};
    cx_svg_line(&h, NULL, NULL, NULL, NULL, 0, 0, 1, NULL, 0, 0);
    char *out = finish(&h);
    assert_non_null(strstr(out, "No data"));
    free(out);

    struct cx_svg_series s = {NULL, 0, NULL, NULL, NULL};
    cx_svg_line(&h, "t", "", NULL, &s, 1, 0, 1, "", 100, 50);
    out = finish(&h);
    assert_non_null(strstr(out, "No data"));
    free(out);

    /* One point, flat data, no explicit range. */
    double one = 42;
    struct cx_svg_series s1 = {"", 1, &one, NULL, NULL};
    const char *xl = "only";
    cx_svg_line(&h, "t", NULL, &xl, &s1, 1, NAN, NAN, NULL, 200, 100);
    out = finish(&h);
    assert_non_null(strstr(out, ">only</text>"));
    check_ticks(out, "cx-yt");
    free(out);
}

static void test_line_hostile(void **state)
{
    double y[2] = {1, 2};
    const char *xl[2] = {HOSTILE, HOSTILE};
    struct cx_svg_series s = {HOSTILE, 2, y, NULL, NULL};
    struct cx_html h = {0};
    cx_svg_line(&h, HOSTILE, HOSTILE, xl, &s, 1, 0, 3, HOSTILE, 400, 200);
    char *out = finish(&h);
    assert_non_null(strstr(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    free(out);
}

static void test_line_nice_ticks(void **state)
{
    static const double ranges[][2] = {{0, 1},         {0, 7},        {1, 7},     {-3.3, 97.1},
                                       {0.013, 0.057}, {1234, 98765}, {0, 2.5e6}, {-1e-3, 1e-3}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        double y[4] = {ranges[i][0], ranges[i][1], (ranges[i][0] + ranges[i][1]) / 2, NAN};
        struct cx_svg_series s = {"s", 4, y, NULL, NULL};
        struct cx_html h = {0};
        /* Automatic range. */
        cx_svg_line(&h, "t", NULL, NULL, &s, 1, NAN, NAN, NULL, 500, 260);
        char *out = finish(&h);
        check_ticks(out, "cx-yt");
        free(out);
        /* Explicit range. */
        cx_svg_line(&h, "t", NULL, NULL, &s, 1, ranges[i][0], ranges[i][1], NULL, 500, 260);
        out = finish(&h);
        check_ticks(out, "cx-yt");
        free(out);
    }
}

static void test_line_small_output(void **state)
{
    enum { N = 365 };
    double y[N], lo[N], hi[N], y2[N];
    const char *xl[N];
    char labels[N][16];
    for (int i = 0; i < N; i++) {
        y[i] = 30 + 20 * sin(i / 20.0);
        lo[i] = y[i] - 5;
        hi[i] = y[i] + 5;
        y2[i] = i % 50 == 7 ? NAN : 10 + i / 10.0;
        snprintf(labels[i], sizeof labels[i], "2026-%02d-%02d", 1 + i / 31 % 12, 1 + i % 28);
        xl[i] = labels[i];
    }
    struct cx_svg_series s[2] = {{"a", N, y, lo, hi}, {"b", N, y2, NULL, NULL}};
    struct cx_html h = {0};
    cx_svg_line(&h, "year", NULL, xl, s, 2, NAN, NAN, NULL, 800, 300);
    char *out = finish(&h);
    assert_true(strlen(out) < 24000);
    assert_true(count(out, "<text") < 40);        /* labels thinned so they do not overlap */
    assert_null(strstr(out, "marker-mid=\"url")); /* too many points for markers on the line */
    free(out);
}

/* ---- spark ---- */

static void test_spark(void **state)
{
    double y[5] = {1, NAN, 3, 4, 2};
    struct cx_html h = {0};
    cx_svg_spark(&h, HOSTILE, y, 5, 100, 24);
    char *out = finish(&h);
    assert_non_null(strstr(out, "<path d=\"M"));
    assert_non_null(strstr(out, "<circle"));
    assert_null(strstr(out, "<text")); /* no axes, no labels */
    free(out);

    double nan[2] = {NAN, NAN};
    cx_svg_spark(&h, "t", nan, 2, 0, 0);
    out = finish(&h);
    assert_null(strstr(out, "<path"));
    free(out);

    cx_svg_spark(&h, "t", NULL, 0, 0, 0);
    out = finish(&h);
    free(out);

    double flat[3] = {5, 5, 5};
    cx_svg_spark(&h, "t", flat, 3, 60, 20);
    out = finish(&h);
    assert_non_null(strstr(out, "<path"));
    free(out);
}

/* ---- bars ---- */

static void test_bars(void **state)
{
    const char *labels[4] = {"email", HOSTILE, "a very long product name that will not fit", "x"};
    double v[4] = {42.5, -12, NAN, 7}, lo[4] = {30, -20, NAN, 1}, hi[4] = {55, -4, NAN, 13};
    struct cx_html h = {0};
    cx_svg_bars(&h, "NPS by channel", "d", labels, v, lo, hi, 4, NULL, 500);
    char *out = finish(&h);
    assert_non_null(strstr(out, "&lt;script&gt;"));
    assert_non_null(strstr(out, ">email</text>"));
    assert_non_null(strstr(out, "\xe2\x80\xa6</text>")); /* cut with an ellipsis */
    assert_non_null(strstr(out, ">42.5</text>"));
    assert_non_null(strstr(out, ">-12.0</text>"));
    assert_non_null(strstr(out, ">no data</text>"));
    assert_int_equal(count(out, "v10\" stroke="), 3); /* three whiskers */
    check_ticks(out, "cx-xt");
    free(out);

    cx_svg_bars(&h, "t", NULL, labels, v, NULL, NULL, 2, "%", 300);
    out = finish(&h);
    assert_non_null(strstr(out, ">42.5%</text>"));
    assert_null(strstr(out, "v10\" stroke="));
    free(out);

    cx_svg_bars(&h, "t", NULL, NULL, NULL, NULL, NULL, 0, NULL, 0);
    out = finish(&h);
    assert_non_null(strstr(out, "No data"));
    free(out);

    double huge[2] = {-1e308, 1e308};
    cx_svg_bars(&h, "t", NULL, NULL, huge, NULL, NULL, 2, NULL, 200);
    out = finish(&h);
    free(out);
    struct cx_svg_series hs = {"h", 2, huge, NULL, NULL};
    cx_svg_line(&h, "t", NULL, NULL, &hs, 1, -1e308, 1e308, NULL, 200, 100);
    out = finish(&h);
    free(out);
    cx_svg_line(&h, "t", NULL, NULL, &hs, 1, NAN, NAN, NULL, 200, 100);
    out = finish(&h);
    free(out);

    double nan1 = NAN;
    cx_svg_bars(&h, "t", NULL, NULL, &nan1, NULL, NULL, 1, "s", 200);
    out = finish(&h);
    free(out);
}

/* ---- heat ---- */

static double lin(int c)
{
    double x = c / 255.0;
    return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

static double luminance(const char *hex)
{
    unsigned r, g, b;
    if (strlen(hex) == 4) {
        assert_int_equal(sscanf(hex, "#%1x%1x%1x", &r, &g, &b), 3);
        r *= 17, g *= 17, b *= 17;
    } else {
        assert_int_equal(sscanf(hex, "#%2x%2x%2x", &r, &g, &b), 3);
    }
    return 0.2126 * lin((int)r) + 0.7152 * lin((int)g) + 0.0722 * lin((int)b);
}

/* The text fill of the cell whose text is label. */
static void cell_colours(const char *out, const char *label, char bg[8], char ink[8])
{
    char needle[64];
    snprintf(needle, sizeof needle, ">%s</text>", label);
    const char *t = strstr(out, needle);
    assert_non_null(t);
    const char *text = t;
    while (text > out && strncmp(text, "<text", 5)) text--;
    const char *f = strstr(text, "fill=\"");
    assert_true(f && f < t);
    assert_int_equal(sscanf(f, "fill=\"%7[#0-9a-f]\"", ink), 1);
    const char *r = text;
    while (r > out && strncmp(r, "<rect", 5)) r--;
    f = strstr(r, "fill=\"");
    assert_int_equal(sscanf(f, "fill=\"%7[#0-9a-f]\"", bg), 1);
}

static void test_heat_text_contrast(void **state)
{
    enum { NC = 21 };
    double v[NC];
    char texts[NC][8];
    const char *ct[NC], *cols[NC];
    for (int i = 0; i < NC; i++) {
        v[i] = i / (double)(NC - 1);
        snprintf(texts[i], sizeof texts[i], "c%d", i);
        ct[i] = texts[i];
        cols[i] = "";
    }
    const char *rows[1] = {"row"};
    for (int better = 0; better <= 1; better++) {
        struct cx_html h = {0};
        cx_svg_heat(&h, "t", rows, 1, cols, NC, v, ct, 0, 1, better);
        char *out = finish(&h);
        for (int i = 0; i < NC; i++) {
            char bg[8], ink[8];
            cell_colours(out, texts[i], bg, ink);
            double a = luminance(bg), b = luminance(ink);
            double ratio = (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
            if (ratio < 4.5) fail_msg("cell %d: %s on %s is %.2f:1", i, ink, bg, ratio);
        }
        char bg[8], ink[8];
        /* Lower is better: the top value is the darkest cell, with white text. */
        cell_colours(out, "c20", bg, ink);
        assert_string_equal(ink, better ? "#000" : "#fff");
        cell_colours(out, "c0", bg, ink);
        assert_string_equal(ink, better ? "#fff" : "#000");
        free(out);
    }
}

static void test_heat_values_and_hostile(void **state)
{
    const char *rows[2] = {"purchase", HOSTILE};
    const char *cols[3] = {"email", "phone", HOSTILE};
    double v[6] = {1.5, NAN, 3.25, INFINITY, 5, -2};
    struct cx_html h = {0};
    cx_svg_heat(&h, HOSTILE, rows, 2, cols, 3, v, NULL, NAN, NAN, 1);
    char *out = finish(&h);
    assert_non_null(strstr(out, "&lt;script&gt;"));
    assert_non_null(strstr(out, ">1.50</text>"));
    assert_non_null(strstr(out, ">3.25</text>"));
    assert_non_null(strstr(out, "fill=\"#f2f2f2\"")); /* the empty cells */
    assert_int_equal(count(out, "<rect"), 6 + 9);     /* cells + scale */
    free(out);

    const char *txt[6] = {"a", NULL, "", "d", HOSTILE, "f"};
    cx_svg_heat(&h, "t", rows, 2, cols, 3, v, txt, 0, 10, 0);
    out = finish(&h);
    assert_non_null(strstr(out, ">a</text>"));
    assert_non_null(strstr(out, ">f</text>"));
    free(out);

    cx_svg_heat(&h, "t", NULL, 0, NULL, 0, NULL, NULL, 0, 1, 0);
    out = finish(&h);
    assert_non_null(strstr(out, "No data"));
    free(out);

    double all_nan[2] = {NAN, NAN};
    cx_svg_heat(&h, "t", NULL, 1, NULL, 2, all_nan, NULL, NAN, NAN, 0);
    out = finish(&h);
    free(out);
}

static void test_checker_rejects(void **state)
{
    /* The checker itself must be able to fail. */
    assert_true(well_formed("<svg><g><text>a</text></g></svg>"));
    assert_false(well_formed("<svg><g></svg>"));
    assert_false(well_formed("<svg><g></text></g></svg>"));
    assert_false(well_formed("<svg>a < b</svg>"));
    assert_false(well_formed("<svg>a & b</svg>"));
    assert_false(well_formed("<svg title=\"a></svg>"));
    assert_false(well_formed("<svg></svg><svg></svg>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_rejects),
        cmocka_unit_test(test_line_basic),
        cmocka_unit_test(test_line_band_only_when_given),
        cmocka_unit_test(test_line_gaps_and_nan),
        cmocka_unit_test(test_line_empty),
        cmocka_unit_test(test_line_hostile),
        cmocka_unit_test(test_line_nice_ticks),
        cmocka_unit_test(test_line_small_output),
        cmocka_unit_test(test_spark),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_heat_text_contrast),
        cmocka_unit_test(test_heat_values_and_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
