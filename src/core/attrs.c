#include "core/attrs.h"

#include <stdlib.h>
#include <string.h>

static int cmp_attr(const void *x, const void *y)
{
    const struct cx_attr *a = x, *b = y;
    size_t n = a->klen < b->klen ? a->klen : b->klen;
    int c = memcmp(a->key, b->key, n);
    if (c) return c;
    return (a->klen > b->klen) - (a->klen < b->klen);
}

size_t cx_varint_put(unsigned char *p, uint64_t v)
{
    size_t i = 0;
    while (v >= 0x80) {
        p[i++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[i++] = (unsigned char)v;
    return i;
}

int cx_varint_get(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*pos >= len) return -1;
        unsigned char b = p[(*pos)++];
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

int cx_attrs_encode(struct cx_attr *a, size_t n, unsigned char **out, size_t *outlen, size_t *dup)
{
    if (n > 1) qsort(a, n, sizeof *a, cmp_attr);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && cmp_attr(&a[i - 1], &a[i]) == 0) {
            if (dup) *dup = i;
            return -1;
        }
        total += a[i].klen + a[i].vlen + 20;
    }
    unsigned char *b = malloc(total);
    if (!b) return -2;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        o += cx_varint_put(b + o, a[i].klen);
        memcpy(b + o, a[i].key, a[i].klen);
        o += a[i].klen;
        o += cx_varint_put(b + o, a[i].vlen);
        memcpy(b + o, a[i].val, a[i].vlen);
        o += a[i].vlen;
    }
    *out = b;
    *outlen = o;
    return 0;
}

int cx_attrs_next(const unsigned char *blob, size_t len, size_t *pos, struct cx_attr *a)
{
    if (*pos >= len) return 0;
    uint64_t kl, vl;
    if (cx_varint_get(blob, len, pos, &kl) || kl > len - *pos) return -1;
    a->key = (const char *)blob + *pos;
    a->klen = kl;
    *pos += kl;
    if (cx_varint_get(blob, len, pos, &vl) || vl > len - *pos) return -1;
    a->val = (const char *)blob + *pos;
    a->vlen = vl;
    *pos += vl;
    return 1;
}

int cx_attrs_find(const unsigned char *blob, size_t len, const char *name, size_t nlen,
                  const char **val, size_t *vlen)
{
    size_t pos = 0;
    struct cx_attr a;
    int r;
    while ((r = cx_attrs_next(blob, len, &pos, &a)) == 1) {
        size_t n = a.klen < nlen ? a.klen : nlen;
        int c = memcmp(a.key, name, n);
        if (c == 0 && a.klen == nlen) {
            *val = a.val;
            *vlen = a.vlen;
            return 1;
        }
        if (c > 0 || (c == 0 && a.klen > nlen)) return 0; /* sorted: passed it */
    }
    return r;
}
