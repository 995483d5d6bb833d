#include "text/stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "text/lang.h"

enum kind { K_IDENTITY, K_SNOWBALL, K_PERSIAN };

struct cx_stemmer {
    enum kind kind;
    struct sb_stemmer *sb;
    char *buf;
    size_t cap;
};

struct cx_stemmer *cx_stemmer_new(const char *lang)
{
    struct cx_stemmer *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    struct cx_lang_rules r = cx_lang_rules(lang);
    if (r.flags & CX_LANG_PERSIAN) {
        s->kind = K_PERSIAN;
    } else if (r.snowball) {
        /* NULL also when this libstemmer lacks the algorithm: identity then */
        s->sb = sb_stemmer_new(r.snowball, NULL);
        if (s->sb) s->kind = K_SNOWBALL;
    }
    return s;
}

void cx_stemmer_free(struct cx_stemmer *s)
{
    if (!s) return;
    sb_stemmer_delete(s->sb);
    free(s->buf);
    free(s);
}

int cx_stemmer_active(const struct cx_stemmer *s)
{
    return s && s->kind != K_IDENTITY;
}

const char *cx_stemmer_stem(struct cx_stemmer *s, const char *w, size_t len, size_t *outlen)
{
    *outlen = 0;
    if (s->kind == K_SNOWBALL && len <= INT32_MAX) {
        const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)len);
        if (!r) return NULL;
        *outlen = (size_t)sb_stemmer_length(s->sb);
        return (const char *)r;
    }
    if (len + 1 > s->cap) {
        size_t ncap = len + 64;
        char *nb = realloc(s->buf, ncap);
        if (!nb) return NULL;
        s->buf = nb;
        s->cap = ncap;
    }
    if (s->kind == K_PERSIAN) {
        *outlen = cx_stem_fa(w, len, s->buf);
    } else {
        memcpy(s->buf, w, len);
        *outlen = len;
    }
    s->buf[*outlen] = 0;
    return s->buf;
}

/* ------------------------------------------------------------ Persian */

#define FA_MAX 64 /* longer words are left alone */

static const int32_t MI[] = {0x645, 0x6CC};          /* می */
static const int32_t NEMI[] = {0x646, 0x645, 0x6CC}; /* نمی */

struct affix {
    int32_t cp[4];
    size_t n;
    size_t min; /* letters that must remain */
};

/* Longest first; the first that fits wins, up to three rounds. */
static const struct affix suffixes[] = {
    {{0x62A, 0x631, 0x6CC, 0x646}, 4, 2}, /* ترین */
    {{0x647, 0x627, 0x6CC}, 3, 2},        /* های */
    {{0x645, 0x627, 0x646}, 3, 3},        /* مان */
    {{0x62A, 0x627, 0x646}, 3, 3},        /* تان */
    {{0x634, 0x627, 0x646}, 3, 3},        /* شان */
    {{0x647, 0x627}, 2, 2},               /* ها */
    {{0x62A, 0x631}, 2, 3},               /* تر */
    {{0x627, 0x62A}, 2, 3},               /* ات */
    {{0x627, 0x646}, 2, 3},               /* ان */
    {{0x627, 0x645}, 2, 3},               /* ام */
    {{0x627, 0x634}, 2, 3},               /* اش */
    {{0x6CC}, 1, 3},                      /* ی */
};

static int has_prefix(const int32_t *cp, size_t n, const int32_t *pre, size_t pn)
{
    return n >= pn && memcmp(cp, pre, pn * sizeof *pre) == 0;
}

size_t cx_stem_fa(const char *w, size_t len, char *out)
{
    int32_t cp[FA_MAX];
    size_t n = 0, i = 0;
    const uint8_t *p = (const uint8_t *)w;
    while (i < len) {
        int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0 || n == FA_MAX) {
            memcpy(out, w, len);
            return len;
        }
        cp[n++] = c;
        i += (size_t)k;
    }
    int32_t *s = cp;
    if (has_prefix(s, n, NEMI, 3) && n - 3 >= 2) {
        s += 3;
        n -= 3;
    } else if (has_prefix(s, n, MI, 2) && n - 2 >= 3) {
        s += 2;
        n -= 2;
    }
    for (int round = 0; round < 3; round++) {
        int cut = 0;
        for (size_t a = 0; a < sizeof suffixes / sizeof suffixes[0]; a++) {
            const struct affix *f = &suffixes[a];
            if (n < f->n + f->min) continue;
            if (memcmp(s + n - f->n, f->cp, f->n * sizeof(int32_t)) != 0) continue;
            n -= f->n;
            cut = 1;
            break;
        }
        if (!cut) break;
    }
    size_t o = 0;
    for (size_t j = 0; j < n; j++) o += (size_t)utf8proc_encode_char(s[j], (uint8_t *)out + o);
    return o;
}
