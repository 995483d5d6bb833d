#include "io/form.h"

#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (NUL-terminated); returns the length or -1. */
static long decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n) return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == 0) return -1;
        out[o++] = c;
    }
    out[o] = 0;
    return (long)o;
}

void cx_form_free(struct cx_form *f)
{
    if (!f) return;
    free(f->buf);
    memset(f, 0, sizeof *f);
}

int cx_form_parse(const char *s, size_t len, struct cx_form *f)
{
    memset(f, 0, sizeof *f);
    f->buf = malloc(len + 2 * CX_FORM_MAX_PAIRS + 2);
    if (!f->buf) return -2;
    char *o = f->buf;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '&') j++;
        if (j > i) {
            if (f->n == CX_FORM_MAX_PAIRS) goto bad;
            const char *eq = memchr(s + i, '=', j - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : j - i;
            long k = decode(s + i, klen, o);
            if (k < 0) goto bad;
            f->key[f->n] = o;
            o += k + 1;
            long v = eq ? decode(eq + 1, (size_t)(s + j - eq - 1), o) : 0;
            if (v < 0) goto bad;
            if (!eq) *o = 0;
            f->val[f->n] = o;
            f->vlen[f->n] = (size_t)v;
            o += v + 1;
            f->n++;
        }
        i = j + 1;
    }
    return 0;
bad:
    cx_form_free(f);
    return -1;
}

const char *cx_form_get(const struct cx_form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->key[i], key)) return f->val[i];
    return NULL;
}
