/* html.c - see html.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.h"

static int reserve(struct cx_html *h, size_t more)
{
    if (h->oom) return 0;
    if (h->len + more + 1 <= h->cap) return 1;
    if (h->len + more + 1 > CX_HTML_LIMIT) {
        h->oom = 1;
        return 0;
    }
    size_t nc = h->cap ? h->cap * 2 : 4096;
    while (nc < h->len + more + 1) nc *= 2;
    if (nc > CX_HTML_LIMIT) nc = CX_HTML_LIMIT;
    char *np = realloc(h->p, nc);
    if (!np) {
        h->oom = 1;
        return 0;
    }
    h->p = np;
    h->cap = nc;
    return 1;
}

void cx_html_put(struct cx_html *h, const char *s, size_t len)
{
    if (!reserve(h, len)) return;
    memcpy(h->p + h->len, s, len);
    h->len += len;
    h->p[h->len] = 0;
}

void cx_html_raw(struct cx_html *h, const char *s)
{
    if (s) cx_html_put(h, s, strlen(s));
}

void cx_html_printf(struct cx_html *h, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        cx_html_put(h, small, (size_t)n);
        return;
    }
    if (!reserve(h, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(h->p + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

void cx_html_esc(struct cx_html *h, const char *s)
{
    if (!s) return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        cx_html_put(h, run, (size_t)(s - run));
        cx_html_raw(h, rep);
        run = s + 1;
    }
    cx_html_put(h, run, (size_t)(s - run));
}

void cx_html_url(struct cx_html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            cx_html_put(h, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            cx_html_put(h, e, 3);
        }
    }
}

void cx_html_csv(struct cx_html *h, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        cx_html_raw(h, s);
        return;
    }
    cx_html_put(h, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        cx_html_put(h, s, (size_t)(q - s + 1));
        cx_html_put(h, "\"", 1);
    }
    cx_html_raw(h, s);
    cx_html_put(h, "\"", 1);
}

char *cx_html_take(struct cx_html *h, size_t *len)
{
    char *p = h->oom ? NULL : h->p;
    if (!p && !h->oom) p = calloc(1, 1);
    if (h->oom) free(h->p);
    *len = p ? h->len : 0;
    memset(h, 0, sizeof *h);
    return p;
}

void cx_html_free(struct cx_html *h)
{
    free(h->p);
    memset(h, 0, sizeof *h);
}
