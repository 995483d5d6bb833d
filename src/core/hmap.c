#include "core/hmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t cx_hash(const void *p, size_t n)
{
    /* FNV-1a with a final avalanche (splitmix64 finaliser). */
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

void cx_hmap_init(struct cx_hmap *m)
{
    memset(m, 0, sizeof *m);
}

void cx_hmap_free(struct cx_hmap *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static size_t find(const struct cx_hmap *m, const void *key, size_t klen, uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    for (;;) {
        const struct cx_hmap_entry *e = &m->slots[i];
        if (!e->key) return i;
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) return i;
        i = (i + 1) & mask;
    }
}

static int grow(struct cx_hmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    struct cx_hmap_entry *ns = calloc(ncap, sizeof *ns);
    if (!ns) return -1;
    struct cx_hmap old = *m;
    m->slots = ns;
    m->cap = ncap;
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.slots[i].key) continue;
        size_t j = find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash);
        m->slots[j] = old.slots[i];
    }
    free(old.slots);
    return 0;
}

void **cx_hmap_get(const struct cx_hmap *m, const void *key, size_t klen)
{
    if (!m->cap) return NULL;
    size_t i = find(m, key, klen, cx_hash(key, klen));
    return m->slots[i].key ? &m->slots[i].val : NULL;
}

void **cx_hmap_put(struct cx_hmap *m, const void *key, size_t klen, int *created)
{
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m)) return NULL;
    uint64_t h = cx_hash(key, klen);
    size_t i = find(m, key, klen, h);
    struct cx_hmap_entry *e = &m->slots[i];
    if (created) *created = 0;
    if (!e->key) {
        char *k = malloc(klen + 1);
        if (!k) return NULL;
        memcpy(k, key, klen);
        k[klen] = 0;
        e->key = k;
        e->klen = klen;
        e->hash = h;
        e->val = NULL;
        m->len++;
        if (created) *created = 1;
    }
    return &e->val;
}
