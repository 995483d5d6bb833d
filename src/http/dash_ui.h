/* dash_ui.h - small helpers shared by the dashboard's insight, customer
 * and definition pages (dash_insights.c, dash_customers.c, dash_defs.c):
 * translated text, escaped output, query parameters, the page's period.
 *
 * UI text: every visible string is a whole English phrase passed through
 * cx_dash_t (T_, F_, N_ below); sentences are never assembled from
 * fragments, only filled with numbers or names through printf formats, so
 * that each can be translated as a unit. */
#ifndef CX_DASH_UI_H
#define CX_DASH_UI_H

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/attrs.h"
#include "core/stats.h"
#include "core/survey.h"
#include "core/utf8.h"
#include "engine/drivers.h"
#include "engine/journey.h"
#include "http/dash_int.h"
#include "http/dash_memo.h"
#include "http/svg.h"
#include "io/survey_json.h"
#include "text/topics.h"

/* UI text goes through cx_dash_t (dash_text.c), the English text being the
 * key: T_ for text, F_ for printf formats (checked by the compiler), N_
 * marks text in static tables, translated where it is shown. */
#define N_(s) s
#define T_(s) cx_dash_t(s)
#define F_(s) tf(s)

__attribute__((format_arg(1))) static inline const char *tf(const char *en)
{
    return cx_dash_t(en);
}

/* Appends text escaped between the raw markup open and close. */
static inline void put_wrap(struct cx_html *h, const char *open, const char *text,
                            const char *close)
{
    cx_html_raw(h, open);
    cx_html_esc(h, text);
    cx_html_raw(h, close);
}

/* <tag>text</tag>, text escaped. */
static inline void put_tag(struct cx_html *h, const char *tag, const char *text)
{
    cx_html_printf(h, "<%s>", tag);
    cx_html_esc(h, text);
    cx_html_printf(h, "</%s>", tag);
}

/* Appends printf output escaped (translated formats and names alike). */
__attribute__((format(printf, 2, 3))) static inline void put_textf(struct cx_html *h,
                                                                   const char *fmt, ...)
{
    char small[512], *p = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof small) {
        if (!(p = malloc((size_t)n + 1))) {
            h->oom = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    cx_html_esc(h, p);
    if (p != small) free(p);
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static inline const char *param(struct cx_dash_req *d, const char *key)
{
    const char *v = cx_dash_param(d, key);
    return v && *v ? v : NULL;
}

/* "2026-03-01 10:00" (UTC) from an instant; buf holds 40 bytes. */
static inline const char *fmt_minute(struct cx_time t, char *buf)
{
    cx_time_format(t, buf);
    if (strlen(buf) >= 16) {
        buf[10] = ' ';
        buf[16] = 0;
    }
    return buf;
}

static inline const char *fmt_day(int64_t sec, char *buf)
{
    struct cx_time t = {sec, 0};
    cx_time_format(t, buf);
    buf[10] = 0;
    return buf;
}

/* Hidden inputs repeating the current query string except export and the
 * keys in skip (NULL-terminated), so a page's own form keeps the filters. */
static inline void hidden_query(struct cx_dash_req *d, struct cx_html *h, const char *const *skip)
{
    for (size_t i = 0; i < d->req->nquery; i++) {
        const char *k = d->req->query[i].key, *v = d->req->query[i].val;
        int drop = !k || !v || !strcmp(k, "export");
        for (size_t s = 0; skip && skip[s] && !drop; s++) drop = !strcmp(k, skip[s]);
        if (drop) continue;
        cx_html_raw(h, "<input type=\"hidden\" name=\"");
        cx_html_esc(h, k);
        cx_html_raw(h, "\" value=\"");
        cx_html_esc(h, v);
        cx_html_raw(h, "\">");
    }
}

/* The scan filter of the page: the filter's period as instants [from, to)
 * (cx_dash_period: local days of the store's zone, by default the last 90),
 * channel and touchpoint as the filter has them. */
static inline void page_period(struct cx_dash_req *d, struct cx_scan_filter *sf)
{
    memset(sf, 0, sizeof *sf);
    cx_dash_apply_scan(d, sf);
    int64_t day0, day1, t0, t1;
    cx_dash_period(d, &day0, &day1, &t0, &t1);
    if (t1 <= t0) t0 = t1 - 86400;
    sf->has_from = sf->has_to = 1;
    sf->from = (struct cx_time){t0, 0};
    sf->to = (struct cx_time){t1, 0};
}

/* 1 if s is 1-64 of [a-z0-9_-] (survey, trigger and alert ids). */
static inline int valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
              s[i] == '-'))
            return 0;
    return 1;
}

/* Sets the status of a page already finished by cx_dash_end (forms that
 * failed validation answer 422, unknown customers 404). */
static inline void set_status(struct cx_dash_req *d, int status)
{
    if (d->resp->status == 200) d->resp->status = status;
}

#endif
