/* svg.c - see svg.h.
 *
 * Layout works in viewBox units (about CSS pixels at the natural width);
 * text is 11 units high and its width is estimated from the number of code
 * points, which is enough to keep labels from overlapping. Coordinates are
 * printed with at most one decimal. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "http/svg.h"

#define FONT 11
#define CHAR_W 6.2      /* average advance of an 11 px sans-serif character */
#define INK "#333"      /* axis text: 12.6:1 on white */
#define MUTED "#595959" /* secondary text: 7:1 on white */
#define GRID "#e3e3e3"
#define AXIS "#767676"

/* Okabe-Ito without its yellow, which is too light for a line on white. */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000"};
#define NPAL (sizeof palette / sizeof palette[0])
static const char *const dashes[] = {NULL, "6 3", "2 2", "8 3 2 3", "4 4"};
#define NDASH (sizeof dashes / sizeof dashes[0])
#define NMARK 4 /* circle, square, triangle, diamond */

/* ColorBrewer YlOrRd (9 classes): sequential and colour-blind safe. */
static const unsigned char seq[9][3] = {{0xff, 0xff, 0xcc}, {0xff, 0xed, 0xa0}, {0xfe, 0xd9, 0x76},
                                        {0xfe, 0xb2, 0x4c}, {0xfd, 0x8d, 0x3c}, {0xfc, 0x4e, 0x2a},
                                        {0xe3, 0x1a, 0x1c}, {0xbd, 0x00, 0x26}, {0x80, 0x00, 0x26}};

static atomic_ulong chart_seq;

/* ---- numbers ---- */

/* Appends v rounded to one decimal, without a trailing ".0". */
static void num(struct cx_html *h, double v)
{
    if (!isfinite(v)) v = 0;
    long t = lround(v * 10);
    const char *sign = t < 0 ? "-" : "";
    long a = t < 0 ? -t : t;
    if (a % 10)
        cx_html_printf(h, "%s%ld.%ld", sign, a / 10, a % 10);
    else
        cx_html_printf(h, "%s%ld", sign, a / 10);
}

/* Formats v with dec decimals into buf ("–" when not finite; never "-0"). */
static void fmt_fixed(char *buf, size_t size, double v, int dec)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "\xe2\x80\x93");
        return;
    }
    snprintf(buf, size, "%.*f", dec, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

/* Decimals that suit a single value: 1234, 45.3, 4.21, 0.123. */
static int value_dec(double v)
{
    double a = fabs(v);
    if (a >= 100) return 0;
    if (a >= 10) return 1;
    if (a >= 0.1 || a == 0) return 2;
    return 3;
}

/* Formats a value for display, with thousands as k and millions as M; dec
 * decimals below 10,000 (-1: as suits v). */
static void fmt_value_dec(char *buf, size_t size, double v, int dec)
{
    double a = fabs(v);
    if (isfinite(v) && a >= 1e6) {
        fmt_fixed(buf, size, v / 1e6, value_dec(v / 1e6));
        strncat(buf, "M", size - strlen(buf) - 1);
    } else if (isfinite(v) && a >= 1e4) {
        fmt_fixed(buf, size, v / 1e3, value_dec(v / 1e3));
        strncat(buf, "k", size - strlen(buf) - 1);
    } else {
        fmt_fixed(buf, size, v, dec >= 0 ? dec : value_dec(v));
    }
}

static void fmt_value(char *buf, size_t size, double v)
{
    fmt_value_dec(buf, size, v, -1);
}

/* Decimals shared by a set of values: those that suit the largest. */
static int common_dec(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) m = fmax(m, fabs(v[i]));
    return value_dec(m);
}

/* A 1-2-5 step giving about target intervals over range (> 0). */
static double nice_step(double range, int target)
{
    if (target < 1) target = 1;
    double raw = range / target;
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return m * mag;
}

struct ticks {
    double first, step;
    int n;        /* ticks first, first+step, ... */
    int dec;      /* decimals for the labels */
    double scale; /* 1, 1e3 (k) or 1e6 (M) */
    const char *suffix;
};

/* Ticks at multiples of a nice step inside lo..hi. */
static struct ticks make_ticks(double lo, double hi, int target)
{
    struct ticks t = {0};
    if (!(isfinite(hi - lo) && hi > lo)) { /* degenerate: one tick at lo */
        t.first = isfinite(lo) ? lo : 0;
        t.step = 1;
        t.n = 1;
        t.scale = 1;
        t.suffix = "";
        return t;
    }
    t.step = nice_step(hi - lo, target);
    t.first = ceil(lo / t.step - 1e-9) * t.step;
    t.n = (int)floor((hi - t.first) / t.step + 1e-9) + 1;
    if (t.n < 1) t.n = 1;
    if (t.n > 50) t.n = 50;
    double amax = fmax(fabs(lo), fabs(hi));
    t.scale = amax >= 1e6 && t.step >= 1e5 ? 1e6 : amax >= 1e4 && t.step >= 100 ? 1e3 : 1;
    t.suffix = t.scale == 1e6 ? "M" : t.scale == 1e3 ? "k" : "";
    double s = t.step / t.scale;
    t.dec = s >= 1 ? 0 : (int)ceil(-log10(s) - 1e-9);
    return t;
}

static double tick_at(const struct ticks *t, int i)
{
    double v = t->first + i * t->step;
    return fabs(v) < t->step * 1e-9 ? 0 : v;
}

static void fmt_tick(char *buf, size_t size, const struct ticks *t, int i)
{
    fmt_fixed(buf, size, tick_at(t, i) / t->scale, t->dec);
    strncat(buf, t->suffix, size - strlen(buf) - 1);
}

/* ---- text ---- */

static size_t cps(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static double text_w(const char *s)
{
    return (double)cps(s) * CHAR_W;
}

/* Appends s escaped, cut to at most max code points with an ellipsis. */
static void esc_cut(struct cx_html *h, const char *s, size_t max)
{
    if (!s) return;
    if (max < 2) max = 2;
    if (cps(s) <= max) {
        cx_html_esc(h, s);
        return;
    }
    char buf[512];
    size_t i = 0, n = 0;
    for (; s[i] && i < sizeof buf - 1; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && ++n == max) break;
        buf[i] = s[i];
    }
    buf[i] = 0;
    cx_html_esc(h, buf);
    cx_html_raw(h, "\xe2\x80\xa6");
}

static size_t fit_chars(double w)
{
    return w <= 2 * CHAR_W ? 2 : (size_t)(w / CHAR_W);
}

/* Appends <text x y anchor fill>s</text> with s cut to fit max_w. */
static void text_at(struct cx_html *h, double x, double y, const char *anchor, const char *fill,
                    const char *s, double max_w)
{
    cx_html_raw(h, "<text x=\"");
    num(h, x);
    cx_html_raw(h, "\" y=\"");
    num(h, y);
    cx_html_raw(h, "\"");
    if (anchor) cx_html_printf(h, " text-anchor=\"%s\"", anchor);
    if (fill) cx_html_printf(h, " fill=\"%s\"", fill);
    cx_html_raw(h, ">");
    if (max_w > 0)
        esc_cut(h, s, fit_chars(max_w));
    else
        cx_html_esc(h, s);
    cx_html_raw(h, "</text>");
}

static void line_el(struct cx_html *h, double x1, double y1, double x2, double y2,
                    const char *stroke)
{
    cx_html_raw(h, "<line x1=\"");
    num(h, x1);
    cx_html_raw(h, "\" y1=\"");
    num(h, y1);
    cx_html_raw(h, "\" x2=\"");
    num(h, x2);
    cx_html_raw(h, "\" y2=\"");
    num(h, y2);
    cx_html_printf(h, "\" stroke=\"%s\"/>", stroke);
}

static void rect_el(struct cx_html *h, double x, double y, double w, double ht, const char *fill)
{
    cx_html_raw(h, "<rect x=\"");
    num(h, x);
    cx_html_raw(h, "\" y=\"");
    num(h, y);
    cx_html_raw(h, "\" width=\"");
    num(h, w < 0 ? 0 : w);
    cx_html_raw(h, "\" height=\"");
    num(h, ht < 0 ? 0 : ht);
    cx_html_printf(h, "\" fill=\"%s\"/>", fill);
}

/* ---- frame ---- */

static void open_svg(struct cx_html *h, const char *cls, int w, int ht, const char *title,
                     const char *desc)
{
    cx_html_printf(h,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cx-chart %s\" role=\"img\" "
                   "viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx;height:auto\" "
                   "font-family=\"system-ui,sans-serif\" font-size=\"%d\" fill=\"" INK "\">",
                   cls, w, ht, w, FONT);
    cx_html_raw(h, "<title>");
    cx_html_esc(h, title && *title ? title : "Chart");
    cx_html_raw(h, "</title>");
    if (desc && *desc) {
        cx_html_raw(h, "<desc>");
        cx_html_esc(h, desc);
        cx_html_raw(h, "</desc>");
    }
}

static void close_svg(struct cx_html *h)
{
    cx_html_raw(h, "</svg>");
}

static void no_data(struct cx_html *h, const char *cls, int w, int ht, const char *title,
                    const char *desc)
{
    open_svg(h, cls, w, ht, title, desc);
    text_at(h, w / 2.0, ht / 2.0 + 4, "middle", MUTED, "No data", 0);
    close_svg(h);
}

/* The y axis: grid lines, tick labels right-aligned at x0 - 6. */
static void y_axis(struct cx_html *h, const struct ticks *t, double x0, double x1, double y0,
                   double y1, double lo, double hi)
{
    cx_html_raw(h, "<g class=\"cx-yt\" text-anchor=\"end\">");
    for (int i = 0; i < t->n; i++) {
        double v = tick_at(t, i);
        double y = y1 - (v - lo) / (hi - lo) * (y1 - y0);
        line_el(h, x0, y, x1, y, v == 0 && lo < 0 ? AXIS : GRID);
        char buf[48];
        fmt_tick(buf, sizeof buf, t, i);
        text_at(h, x0 - 6, y + 4, NULL, NULL, buf, 0);
    }
    cx_html_raw(h, "</g>");
}

static int tick_target(double len, double per)
{
    int n = (int)(len / per);
    return n < 2 ? 2 : n > 8 ? 8 : n;
}

static double max_tick_w(const struct ticks *t)
{
    double w = 0;
    for (int i = 0; i < t->n; i++) {
        char buf[48];
        fmt_tick(buf, sizeof buf, t, i);
        w = fmax(w, text_w(buf));
    }
    return w;
}

/* ---- line chart ---- */

/* <defs> with one marker per series shape/colour; ids "cxmID-K". */
static void markers(struct cx_html *h, unsigned long id, size_t ns)
{
    cx_html_raw(h, "<defs>");
    for (size_t k = 0; k < ns; k++) {
        const char *c = palette[k % NPAL];
        cx_html_printf(h,
                       "<marker id=\"cxm%lu-%zu\" viewBox=\"-4 -4 8 8\" markerWidth=\"6\" "
                       "markerHeight=\"6\" markerUnits=\"userSpaceOnUse\">",
                       id, k);
        switch (k % NMARK) {
        case 0:
            cx_html_printf(h, "<circle r=\"3\" fill=\"%s\"/>", c);
            break;
        case 1:
            cx_html_printf(h, "<rect x=\"-3\" y=\"-3\" width=\"6\" height=\"6\" fill=\"%s\"/>", c);
            break;
        case 2:
            cx_html_printf(h, "<path d=\"M0-3.5L3.5 3H-3.5Z\" fill=\"%s\"/>", c);
            break;
        default:
            cx_html_printf(h, "<path d=\"M0-4L4 0 0 4-4 0Z\" fill=\"%s\"/>", c);
            break;
        }
        cx_html_raw(h, "</marker>");
    }
    cx_html_raw(h, "</defs>");
}

static double at(const double *a, size_t n, size_t i)
{
    return a && i < n ? a[i] : NAN;
}

/* Legend layout: returns the number of rows for items in width w. */
static int legend_rows(const struct cx_svg_series *s, size_t ns, int band, double w)
{
    int rows = 1;
    double x = 0;
    for (size_t k = 0; k <= ns; k++) {
        const char *name = k < ns ? (s[k].name && *s[k].name ? s[k].name : "series") : "interval";
        if (k == ns && !band) break;
        double iw = 30 + fmin(text_w(name), w / 2) + 14;
        if (x > 0 && x + iw > w) {
            rows++;
            x = 0;
        }
        x += iw;
    }
    return rows;
}

static void legend(struct cx_html *h, const struct cx_svg_series *s, size_t ns, int band,
                   unsigned long id, double x0, double y0, double w, int show_markers)
{
    cx_html_raw(h, "<g class=\"cx-legend\">");
    double x = 0, y = y0;
    for (size_t k = 0; k <= ns; k++) {
        if (k == ns && !band) break;
        const char *name = k < ns ? (s[k].name && *s[k].name ? s[k].name : "series") : "interval";
        double tw = fmin(text_w(name), w / 2);
        double iw = 30 + tw + 14;
        if (x > 0 && x + iw > w) {
            x = 0;
            y += 16;
        }
        if (k < ns) {
            const char *d = dashes[k % NDASH];
            cx_html_raw(h, "<path d=\"M");
            num(h, x0 + x);
            cx_html_raw(h, " ");
            num(h, y - 4);
            cx_html_printf(h, "h12h12\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"",
                           palette[k % NPAL]);
            if (d) cx_html_printf(h, " stroke-dasharray=\"%s\"", d);
            if (show_markers) cx_html_printf(h, " marker-mid=\"url(#cxm%lu-%zu)\"", id, k);
            cx_html_raw(h, "/>");
        } else {
            cx_html_raw(h, "<rect x=\"");
            num(h, x0 + x);
            cx_html_raw(h, "\" y=\"");
            num(h, y - 9);
            cx_html_raw(h, "\" width=\"24\" height=\"10\" fill=\"#000\" fill-opacity=\".15\"/>");
        }
        text_at(h, x0 + x + 30, y, NULL, NULL, name, tw + 1);
        x += iw;
    }
    cx_html_raw(h, "</g>");
}

void cx_svg_line(struct cx_html *h, const char *title, const char *desc, const char *const *xlabels,
                 const struct cx_svg_series *s, size_t ns, double ymin, double ymax,
                 const char *yunit, int width, int height)
{
    int w = width > 0 ? width : 640, ht = height > 0 ? height : 240;
    size_t n = 0;
    double dlo = INFINITY, dhi = -INFINITY;
    int band = 0;
    for (size_t k = 0; s && k < ns; k++) {
        if (!s[k].y && !(s[k].lo && s[k].hi)) continue;
        if (s[k].n > n) n = s[k].n;
        if (s[k].lo && s[k].hi) band = 1;
        for (size_t i = 0; i < s[k].n; i++) {
            double vals[3] = {at(s[k].y, s[k].n, i), at(s[k].lo, s[k].n, i),
                              at(s[k].hi, s[k].n, i)};
            for (int j = 0; j < 3; j++) {
                if (!isfinite(vals[j])) continue;
                dlo = fmin(dlo, vals[j]);
                dhi = fmax(dhi, vals[j]);
            }
        }
    }
    if (!s || ns == 0 || n == 0 || !isfinite(dlo)) {
        no_data(h, "cx-line", w, ht, title, desc);
        return;
    }

    /* Vertical layout: legend, unit, plot, x labels. */
    double pad = 8, right = 12;
    int show_legend = ns > 1 || band || (s[0].name && *s[0].name);
    int rows = show_legend ? legend_rows(s, ns, band, w - 2 * pad) : 0;
    double top = pad + rows * 16 + (yunit && *yunit ? 14 : 4);
    double bottom = 22;
    double y0 = top, y1 = ht - bottom;
    if (y1 - y0 < 20) y1 = y0 + 20;

    double lo = ymin, hi = ymax;
    struct ticks t;
    if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {
        lo = dlo;
        hi = dhi;
        if (lo == hi) {
            double d = lo == 0 ? 1 : fabs(lo) * 0.1;
            lo -= d;
            hi += d;
        }
        t = make_ticks(lo, hi, tick_target(y1 - y0, 40));
        lo = floor(lo / t.step + 1e-9) * t.step;
        hi = ceil(hi / t.step - 1e-9) * t.step;
        t = make_ticks(lo, hi, (int)lround((hi - lo) / t.step));
    } else {
        t = make_ticks(lo, hi, tick_target(y1 - y0, 40));
    }
    double x0 = fmax(28, max_tick_w(&t) + 10), x1 = w - right;
    if (x1 - x0 < 20) x1 = x0 + 20;

    unsigned long id = atomic_fetch_add(&chart_seq, 1);
    int show_markers = n <= 60;
    open_svg(h, "cx-line", w, ht, title, desc);
    markers(h, id, ns);
    if (show_legend) legend(h, s, ns, band, id, pad, pad + 11, w - 2 * pad, show_markers);
    if (yunit && *yunit) text_at(h, 4, top - 6, NULL, MUTED, yunit, x0 + 40);
    y_axis(h, &t, x0, x1, y0, y1, lo, hi);
    line_el(h, x0, y1, x1, y1, AXIS);

#define XP(i) (n == 1 ? (x0 + x1) / 2 : x0 + (double)(i) * (x1 - x0) / (double)(n - 1))
#define YP(v) (y1 - (fmin(fmax((v), lo), hi) - lo) / (hi - lo) * (y1 - y0))

    /* x labels, skipping those that would overlap the previous one. */
    if (xlabels) {
        cx_html_raw(h, "<g class=\"cx-xt\" text-anchor=\"middle\">");
        double last_end = -1e9;
        for (size_t i = 0; i < n; i++) {
            const char *l = xlabels[i];
            if (!l || !*l) continue;
            double lw = fmin(text_w(l), 120), x = XP(i);
            double start = x - lw / 2;
            const char *anchor = NULL;
            if (start < 2) {
                start = x;
                anchor = "start";
            } else if (x + lw / 2 > w - 2) {
                start = x - lw;
                anchor = "end";
            }
            if (start < last_end + 6) continue;
            line_el(h, x, y1, x, y1 + 4, AXIS);
            text_at(h, x, y1 + 15, anchor, NULL, l, lw + 1);
            last_end = start + lw;
        }
        cx_html_raw(h, "</g>");
    }

    /* Bands first, under every line: one polygon per run of finite lo/hi. */
    for (size_t k = 0; k < ns; k++) {
        if (!s[k].lo || !s[k].hi) continue;
        size_t i = 0;
        while (i < s[k].n) {
            while (i < s[k].n && !(isfinite(s[k].lo[i]) && isfinite(s[k].hi[i]))) i++;
            size_t a = i;
            while (i < s[k].n && isfinite(s[k].lo[i]) && isfinite(s[k].hi[i])) i++;
            if (i == a) break;
            cx_html_raw(h, "<polygon points=\"");
            for (size_t j = a; j < i; j++) {
                num(h, XP(j));
                cx_html_raw(h, ",");
                num(h, YP(s[k].hi[j]));
                cx_html_raw(h, " ");
            }
            for (size_t j = i; j-- > a;) {
                num(h, XP(j));
                cx_html_raw(h, ",");
                num(h, YP(s[k].lo[j]));
                if (j > a) cx_html_raw(h, " ");
            }
            if (i - a == 1) { /* a single point: a thin vertical band */
                cx_html_raw(h, " ");
                num(h, XP(a) + 2);
                cx_html_raw(h, ",");
                num(h, YP(s[k].lo[a]));
            }
            cx_html_printf(h, "\" fill=\"%s\" fill-opacity=\".15\"/>", palette[k % NPAL]);
        }
    }

    /* Lines: one path per series, a new subpath after each gap. */
    for (size_t k = 0; k < ns; k++) {
        if (!s[k].y) continue;
        int any = 0;
        for (size_t i = 0; i < s[k].n; i++) any |= isfinite(s[k].y[i]);
        if (!any) continue;
        cx_html_raw(h, "<path d=\"");
        int pen = 0;
        for (size_t i = 0; i < s[k].n; i++) {
            double v = s[k].y[i];
            if (!isfinite(v)) {
                pen = 0;
                continue;
            }
            int alone = !pen && (i + 1 >= s[k].n || !isfinite(s[k].y[i + 1]));
            cx_html_raw(h, pen ? "L" : "M");
            num(h, XP(i));
            cx_html_raw(h, " ");
            num(h, YP(v));
            if (alone) cx_html_raw(h, "h0");
            pen = 1;
        }
        const char *d = dashes[k % NDASH];
        cx_html_printf(h,
                       "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                       "stroke-linejoin=\"round\" stroke-linecap=\"round\"",
                       palette[k % NPAL]);
        if (d) cx_html_printf(h, " stroke-dasharray=\"%s\"", d);
        if (show_markers)
            cx_html_printf(h,
                           " marker-start=\"url(#cxm%lu-%zu)\" marker-mid=\"url(#cxm%lu-%zu)\" "
                           "marker-end=\"url(#cxm%lu-%zu)\"",
                           id, k, id, k, id, k);
        cx_html_raw(h, "/>");
    }
#undef XP
#undef YP
    close_svg(h);
}

/* ---- sparkline ---- */

void cx_svg_spark(struct cx_html *h, const char *title, const double *y, size_t n, int width,
                  int height)
{
    int w = width > 0 ? width : 120, ht = height > 0 ? height : 32;
    double lo = INFINITY, hi = -INFINITY;
    size_t last = 0;
    for (size_t i = 0; y && i < n; i++) {
        if (!isfinite(y[i])) continue;
        lo = fmin(lo, y[i]);
        hi = fmax(hi, y[i]);
        last = i;
    }
    open_svg(h, "cx-spark", w, ht, title, NULL);
    if (!isfinite(lo)) {
        close_svg(h);
        return;
    }
    if (lo == hi) {
        lo -= 1;
        hi += 1;
    }
    double p = 3;
#define XP(i) (n == 1 ? w / 2.0 : p + (double)(i) * (w - 2 * p) / (double)(n - 1))
#define YP(v) (ht - p - ((v)-lo) / (hi - lo) * (ht - 2 * p))
    cx_html_raw(h, "<path d=\"");
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) {
            pen = 0;
            continue;
        }
        cx_html_raw(h, pen ? "L" : "M");
        num(h, XP(i));
        cx_html_raw(h, " ");
        num(h, YP(y[i]));
        if (!pen && (i + 1 >= n || !isfinite(y[i + 1]))) cx_html_raw(h, "h0");
        pen = 1;
    }
    cx_html_raw(h, "\" fill=\"none\" stroke=\"" INK "\" stroke-width=\"1.5\" "
                   "stroke-linejoin=\"round\" stroke-linecap=\"round\"/><circle cx=\"");
    num(h, XP(last));
    cx_html_raw(h, "\" cy=\"");
    num(h, YP(y[last]));
    cx_html_raw(h, "\" r=\"2.5\" fill=\"#0072B2\"/>");
#undef XP
#undef YP
    close_svg(h);
}

/* ---- bars ---- */

static void value_text(char *buf, size_t size, double v, int dec, const char *unit)
{
    fmt_value_dec(buf, size, v, dec);
    if (unit && *unit && isfinite(v)) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s%s", strcmp(unit, "%") ? " " : "", unit);
    }
}

void cx_svg_bars(struct cx_html *h, const char *title, const char *desc, const char *const *labels,
                 const double *v, const double *lo, const double *hi, size_t n, const char *unit,
                 int width)
{
    int w = width > 0 ? width : 640;
    double row = 24, top = 6, axis_h = 26;
    if (!v || n == 0) {
        no_data(h, "cx-bars", w, 60, title, desc);
        return;
    }
    if (n > 500) n = 500;
    int ht = (int)(top + row * (double)n + axis_h + 0.5);

    double dlo = 0, dhi = 0, label_w = 0, value_w = 0;
    int dec = common_dec(v, n);
    for (size_t i = 0; i < n; i++) {
        double vals[3] = {v[i], lo ? lo[i] : NAN, hi ? hi[i] : NAN};
        for (int j = 0; j < 3; j++)
            if (isfinite(vals[j])) {
                dlo = fmin(dlo, vals[j]);
                dhi = fmax(dhi, vals[j]);
            }
        if (labels) label_w = fmax(label_w, text_w(labels[i]));
        char buf[64];
        value_text(buf, sizeof buf, v[i], dec, unit);
        value_w = fmax(value_w, text_w(isfinite(v[i]) ? buf : "no data"));
    }
    if (dlo == dhi) dhi = 1;
    label_w = fmin(label_w + 10, w * 0.35);
    double x0 = fmax(label_w, 8), x1 = w - fmax(value_w + 10, 24);
    if (x1 - x0 < 40) x1 = x0 + 40;
    struct ticks t = make_ticks(dlo, dhi, tick_target(x1 - x0, 80));
    double a = floor(dlo / t.step + 1e-9) * t.step, b = ceil(dhi / t.step - 1e-9) * t.step;
    t = make_ticks(a, b, (int)lround((b - a) / t.step));

#define XP(x) (x0 + (fmin(fmax((x), a), b) - a) / (b - a) * (x1 - x0))
    open_svg(h, "cx-bars", w, ht, title, desc);
    double y_end = top + row * (double)n;
    cx_html_raw(h, "<g class=\"cx-xt\" text-anchor=\"middle\">");
    for (int i = 0; i < t.n; i++) {
        double x = XP(tick_at(&t, i));
        line_el(h, x, top, x, y_end, tick_at(&t, i) == 0 ? AXIS : GRID);
        char buf[48];
        fmt_tick(buf, sizeof buf, &t, i);
        text_at(h, x, y_end + 14, NULL, NULL, buf, 0);
    }
    cx_html_raw(h, "</g>");
    if (unit && *unit) text_at(h, x1, y_end + 25, "end", MUTED, unit, 0);

    double zero = XP(0);
    for (size_t i = 0; i < n; i++) {
        double yc = top + row * ((double)i + 0.5);
        if (labels) text_at(h, x0 - 6, yc + 4, "end", NULL, labels[i], label_w - 8);
        char buf[64];
        if (!isfinite(v[i])) {
            text_at(h, zero + 4, yc + 4, NULL, MUTED, "no data", 0);
            continue;
        }
        double xv = XP(v[i]);
        rect_el(h, fmin(zero, xv), yc - 7, fabs(xv - zero), 14, palette[0]);
        double end = fmax(zero, xv);
        if (lo && hi && isfinite(lo[i]) && isfinite(hi[i])) {
            double xl = XP(lo[i]), xh = XP(hi[i]);
            cx_html_raw(h, "<path d=\"M");
            num(h, xl);
            cx_html_raw(h, " ");
            num(h, yc - 5);
            cx_html_raw(h, "v10M");
            num(h, xl);
            cx_html_raw(h, " ");
            num(h, yc);
            cx_html_raw(h, "H");
            num(h, xh);
            cx_html_raw(h, "M");
            num(h, xh);
            cx_html_raw(h, " ");
            num(h, yc - 5);
            cx_html_raw(h, "v10\" stroke=\"#000\" stroke-width=\"1.2\" fill=\"none\"/>");
            end = fmax(end, xh);
        }
        value_text(buf, sizeof buf, v[i], dec, unit);
        text_at(h, end + 4, yc + 4, NULL, NULL, buf, 0);
    }
    line_el(h, x0, top, x0, y_end, AXIS);
#undef XP
    close_svg(h);
}

/* ---- heat map ---- */

static double channel_lin(double c)
{
    c /= 255;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Colour for t in 0..1 (0 = best) and the text colour that contrasts more. */
static void heat_colour(double t, char fill[8], const char **ink)
{
    if (!isfinite(t)) t = 0.5;
    t = fmin(fmax(t, 0), 1) * 8;
    int i = (int)floor(t);
    if (i > 7) i = 7;
    double f = t - i;
    double rgb[3];
    for (int c = 0; c < 3; c++) rgb[c] = seq[i][c] + f * (seq[i + 1][c] - seq[i][c]);
    int r = (int)lround(rgb[0]), g = (int)lround(rgb[1]), b = (int)lround(rgb[2]);
    snprintf(fill, 8, "#%02x%02x%02x", r & 255, g & 255, b & 255);
    double lum = 0.2126 * channel_lin(r) + 0.7152 * channel_lin(g) + 0.0722 * channel_lin(b);
    *ink = (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
}

void cx_svg_heat(struct cx_html *h, const char *title, const char *const *rows, size_t nr,
                 const char *const *cols, size_t nc, const double *v, const char *const *cell_text,
                 double vmin, double vmax, int higher_is_better)
{
    if (!v || nr == 0 || nc == 0) {
        no_data(h, "cx-heat", 480, 60, title, NULL);
        return;
    }
    double lo = vmin, hi = vmax;
    if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t i = 0; i < nr * nc; i++)
            if (isfinite(v[i])) {
                lo = fmin(lo, v[i]);
                hi = fmax(hi, v[i]);
            }
    }
    double row_w = 0, col_w = 0;
    int dec = common_dec(v, nr * nc);
    for (size_t r = 0; rows && r < nr; r++) row_w = fmax(row_w, text_w(rows[r]));
    for (size_t c = 0; cols && c < nc; c++) col_w = fmax(col_w, text_w(cols[c]));
    for (size_t i = 0; cell_text && i < nr * nc; i++) col_w = fmax(col_w, text_w(cell_text[i]));
    double cw = fmin(fmax(col_w + 12, 56), 120), ch = 28;
    double x0 = fmin(row_w + 12, 220), y0 = 24;
    double legend_h = 40, sw = 18;
    char lo_txt[64], hi_txt[64];
    fmt_value(lo_txt, sizeof lo_txt, higher_is_better ? hi : lo);
    fmt_value(hi_txt, sizeof hi_txt, higher_is_better ? lo : hi);
    double legend_w =
        text_w("better") + text_w(lo_txt) + 9 * sw + text_w(hi_txt) + text_w("worse") + 20;
    int w = (int)ceil(fmax(x0 + cw * (double)nc, x0 + legend_w) + 8);
    int ht = (int)ceil(y0 + ch * (double)nr + legend_h);

    open_svg(h, "cx-heat", w, ht, title, NULL);
    if (cols) {
        cx_html_raw(h, "<g text-anchor=\"middle\">");
        for (size_t c = 0; c < nc; c++)
            text_at(h, x0 + cw * ((double)c + 0.5), y0 - 8, NULL, NULL, cols[c], cw - 4);
        cx_html_raw(h, "</g>");
    }
    for (size_t r = 0; r < nr; r++) {
        double y = y0 + ch * (double)r;
        if (rows) text_at(h, x0 - 6, y + ch / 2 + 4, "end", NULL, rows[r], x0 - 8);
        for (size_t c = 0; c < nc; c++) {
            double x = x0 + cw * (double)c, val = v[r * nc + c];
            const char *txt = cell_text ? cell_text[r * nc + c] : NULL;
            char buf[64];
            if (!txt || !*txt) {
                txt = NULL;
                if (isfinite(val)) {
                    fmt_value_dec(buf, sizeof buf, val, dec);
                    txt = buf;
                }
            }
            char fill[8] = "#f2f2f2";
            const char *ink = "#000";
            if (isfinite(val)) {
                double t = isfinite(lo) && hi > lo ? (val - lo) / (hi - lo) : 0.5;
                heat_colour(higher_is_better ? 1 - t : t, fill, &ink);
            }
            cx_html_raw(h, "<rect x=\"");
            num(h, x + 1);
            cx_html_raw(h, "\" y=\"");
            num(h, y + 1);
            cx_html_raw(h, "\" width=\"");
            num(h, cw - 2);
            cx_html_raw(h, "\" height=\"");
            num(h, ch - 2);
            cx_html_printf(h, "\" fill=\"%s\"/>", fill);
            if (txt) text_at(h, x + cw / 2, y + ch / 2 + 4, "middle", ink, txt, cw - 6);
        }
    }

    /* The scale: nine swatches from better to worse, with the end values. */
    double ly = y0 + ch * (double)nr + 12;
    double lx = x0;
    text_at(h, lx, ly + 11, NULL, MUTED, "better", 0);
    lx += text_w("better") + 6;
    text_at(h, lx, ly + 11, NULL, NULL, lo_txt, 0);
    lx += text_w(lo_txt) + 4;
    for (int i = 0; i < 9; i++) {
        char fill[8];
        const char *ink;
        heat_colour(i / 8.0, fill, &ink);
        rect_el(h, lx + sw * i, ly, sw, 14, fill);
    }
    lx += sw * 9 + 4;
    text_at(h, lx, ly + 11, NULL, NULL, hi_txt, 0);
    lx += text_w(hi_txt) + 6;
    text_at(h, lx, ly + 11, NULL, MUTED, "worse", 0);
    close_svg(h);
}
