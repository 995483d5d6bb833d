#include "text/topics.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "text/lang.h"
#include "text/normalize.h"
#include "text/stem.h"
#include "text/stopwords.h"

#define NONE UINT32_MAX /* no stem (stop word); no key part */
#define BRK UINT32_MAX  /* clause break in a word stream */

#define DOC_MAX_BYTES (64u << 10)     /* comments are cut here */
#define MAX_WORDS (1u << 27)          /* words in all streams together (512 MiB) */
#define MAX_LANGS 255                 /* more languages fall back to "und" */
#define MAX_GAP 3                     /* stop words allowed inside a phrase */
#define NSAMPLE 8                     /* surface forms kept per candidate */
#define SAMPLE_MAX 2000               /* occurrences sampled per candidate */
#define PAIR_MAX 256                  /* hits per comment used for co-occurrence */
#define CAND_MIN 2048                 /* candidates measured for grouping ... */
#define CAND_MAX 4096                 /* ... at most */
#define GTAB_MAX_CAP (1u << 23)       /* slots of a phrase count table */
#define EXAMPLE_BYTES 300             /* quotes are cut here */
#define EXAMPLES_MAX 50               /* quotes per topic at most */
#define MAX_PHRASINGS 10              /* phrasings listed per topic */
#define LABEL_MAX 1024                /* bytes of a label */
#define GRAMS_MAX (3 * CX_TOKENS_MAX) /* phrases starting in one comment */

/* ------------------------------------------------------- phrase tables */

/* Open-addressing table keyed by up to three stem ids (unused parts NONE).
 * count == 0 marks an empty slot. last is the comment (index + 1) that
 * counted last, so that each comment counts once. */
struct gram_ent {
    uint32_t k[3];
    uint32_t count, last;
};

struct gtab {
    struct gram_ent *e;
    size_t cap, len;
    uint32_t floor; /* entries with count <= floor were pruned */
};

static uint64_t ghash(const uint32_t *k)
{
    uint64_t h = (uint64_t)k[0] * 0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 29)) + (uint64_t)k[1] * 0xC2B2AE3D27D4EB4FULL;
    h = (h ^ (h >> 31)) + (uint64_t)k[2] * 0x165667B19E3779F9ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    return h;
}

static struct gram_ent *gtab_slot(const struct gtab *t, const uint32_t *k)
{
    size_t mask = t->cap - 1, i = (size_t)ghash(k) & mask;
    for (;;) {
        struct gram_ent *e = &t->e[i];
        if (!e->count || (e->k[0] == k[0] && e->k[1] == k[1] && e->k[2] == k[2])) return e;
        i = (i + 1) & mask;
    }
}

static const struct gram_ent *gtab_get(const struct gtab *t, const uint32_t *k)
{
    if (!t->cap) return NULL;
    const struct gram_ent *e = gtab_slot(t, k);
    return e->count ? e : NULL;
}

/* Rebuilds t with ncap slots keeping entries with count > keep_above. */
static int gtab_rehash(struct gtab *t, size_t ncap, uint32_t keep_above)
{
    struct gtab n = {calloc(ncap, sizeof(struct gram_ent)), ncap, 0, t->floor};
    if (!n.e) return -1;
    for (size_t i = 0; i < t->cap; i++) {
        const struct gram_ent *o = &t->e[i];
        if (!o->count || o->count <= keep_above) continue;
        *gtab_slot(&n, o->k) = *o;
        n.len++;
    }
    free(t->e);
    *t = n;
    return 0;
}

static void gtab_free(struct gtab *t)
{
    free(t->e);
    memset(t, 0, sizeof *t);
}

/* Makes room for one more entry: doubles the table, or at the size cap
 * prunes the rarest entries (lossy counting: counts become lower bounds). */
static int gtab_room(struct gtab *t)
{
    if (!t->cap) {
        t->e = calloc(1024, sizeof *t->e);
        if (!t->e) return -1;
        t->cap = 1024;
        return 0;
    }
    while ((t->len + 1) * 10 > t->cap * 7) {
        if (t->cap < GTAB_MAX_CAP) {
            if (gtab_rehash(t, t->cap * 2, 0)) return -1;
        } else {
            t->floor++;
            if (gtab_rehash(t, t->cap, t->floor)) return -1;
        }
    }
    return 0;
}

/* Counts key k for comment doc (1-based), once per comment. */
static int gtab_count(struct gtab *t, const uint32_t *k, uint32_t doc)
{
    if (t->cap) {
        struct gram_ent *e = gtab_slot(t, k);
        if (e->count) {
            if (e->last != doc) {
                e->count++;
                e->last = doc;
            }
            return 0;
        }
    }
    if (gtab_room(t)) return -1;
    struct gram_ent *e = gtab_slot(t, k);
    memcpy(e->k, k, sizeof e->k);
    e->count = 1;
    e->last = doc;
    t->len++;
    return 0;
}

/* Sets key k to value v (> 0) in t. */
static int gtab_set(struct gtab *t, const uint32_t *k, uint32_t v)
{
    if (gtab_room(t)) return -1;
    struct gram_ent *e = gtab_slot(t, k);
    if (!e->count) t->len++;
    memcpy(e->k, k, sizeof e->k);
    e->count = v;
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 256;
    while (ncap < need) ncap *= 2;
    void *np = realloc(*p, ncap * size);
    if (!np) return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

/* Bytes that live as long as the run (word and stem texts), in blocks that
 * never move. */
#define ARENA_BLOCK (1u << 20)

struct arena {
    char **blocks;
    size_t nblocks, cap, used; /* used: bytes taken in the last block */
};

static char *arena_copy(struct arena *a, const char *s, size_t n)
{
    if (!a->nblocks || a->used + n > ARENA_BLOCK) {
        if (grow((void **)&a->blocks, &a->cap, a->nblocks + 1, sizeof *a->blocks)) return NULL;
        if (!(a->blocks[a->nblocks] = malloc(ARENA_BLOCK))) return NULL;
        a->nblocks++;
        a->used = 0;
    }
    char *p = a->blocks[a->nblocks - 1] + a->used;
    memcpy(p, s, n);
    a->used += n;
    return p;
}

static void arena_free(struct arena *a)
{
    for (size_t i = 0; i < a->nblocks; i++) free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

/* Interning table: byte strings (kept in the arena) to dense ids. */
struct strtab_ent {
    uint64_t h;
    const char *s; /* NULL = empty slot */
    uint32_t len, id;
};

struct strtab {
    struct strtab_ent *e;
    size_t cap, len;
};

/* A word-at-a-time multiplicative hash; keys are short. */
static uint64_t strhash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    uint64_t v = 0;
    memcpy(&v, s, n);
    h = (h ^ v) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 30;
    return h;
}

static struct strtab_ent *strtab_slot(const struct strtab *t, uint64_t h, const char *s, size_t n)
{
    size_t mask = t->cap - 1, i = (size_t)h & mask;
    for (;;) {
        struct strtab_ent *e = &t->e[i];
        if (!e->s || (e->h == h && e->len == n && memcmp(e->s, s, n) == 0)) return e;
        i = (i + 1) & mask;
    }
}

static int strtab_room(struct strtab *t)
{
    if ((t->len + 1) * 4 <= t->cap * 3) return 0;
    size_t ncap = t->cap ? t->cap * 2 : 4096;
    struct strtab n = {calloc(ncap, sizeof(struct strtab_ent)), ncap, t->len};
    if (!n.e) return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->e[i].s) *strtab_slot(&n, t->e[i].h, t->e[i].s, t->e[i].len) = t->e[i];
    free(t->e);
    *t = n;
    return 0;
}

/* Looks s[0..n) up; when absent adds it with id next_id, copying the bytes
 * into the arena. Returns the entry (its id), NULL when out of memory. */
static const struct strtab_ent *strtab_put(struct strtab *t, struct arena *a, const char *s,
                                           size_t n, uint32_t next_id)
{
    uint64_t h = strhash(s, n);
    if (t->cap) {
        struct strtab_ent *e = strtab_slot(t, h, s, n);
        if (e->s) return e;
    }
    if (strtab_room(t)) return NULL;
    struct strtab_ent *e = strtab_slot(t, h, s, n);
    const char *copy = arena_copy(a, s, n);
    if (!copy) return NULL;
    e->h = h;
    e->s = copy;
    e->len = (uint32_t)n;
    e->id = next_id;
    t->len++;
    return e;
}

/* ------------------------------------------------------------- context */

struct surf {
    const char *s; /* normalised word, points into the surface map's key */
    uint32_t len;
    uint32_t stem; /* NONE for stop words */
};

struct stem {
    const char *s;
    uint32_t len;
    uint32_t df, last; /* comments holding it; last comment counted (1-based) */
    int tiny;          /* a single character: no phrase on its own */
};

struct sample {
    char *s;
    uint32_t count;
};

struct cand {
    uint32_t k[3];
    int n;         /* words */
    uint32_t df;   /* comments (estimate from counting) */
    uint32_t docs; /* comments (exact, from the hit pass) */
    uint32_t last; /* last comment hit (1-based) */
    uint32_t seen; /* occurrences sampled */
    uint32_t lang; /* language of most of its comments */
    struct sample samp[NSAMPLE];
    int nsamp;
};

struct gram {
    uint32_t k[3];
    uint32_t from, to; /* positions in the comment's stream */
    int n;
};

struct ctx {
    const struct cx_doc *docs;
    size_t n;
    size_t max_topics, min_count, nexamples;
    int64_t split;
    struct cx_err *err;
    size_t ncur, nprev;

    char langs[MAX_LANGS + 1][CX_LANG_MAX];
    size_t nlangs;
    struct cx_stemmer *stemmer[MAX_LANGS + 1];
    uint8_t *doc_lang;

    struct arena arena; /* word and stem texts */
    struct strtab surf_tab, stem_tab;
    struct surf *surf;
    size_t nsurf, surfcap;
    struct stem *stem;
    size_t nstem, stemcap;

    uint32_t *tok; /* word streams of all comments: surface ids and BRK */
    size_t ntok, tokcap;
    uint32_t *doc_off; /* n + 1 */

    struct gram *grams; /* scratch for one comment */

    struct cand *cand;
    size_t ncand;
    struct gtab ctab; /* key -> candidate index + 1 */

    uint16_t *hits; /* candidate indexes per comment */
    size_t nhits, hitcap;
    uint32_t *hit_off; /* n + 1 */

    uint32_t *co;       /* co-occurrence, ncand x ncand, upper triangle */
    uint32_t *uf;       /* union-find over candidates */
    uint32_t (*sub)[2]; /* (shorter, longer) candidate pairs, contiguous containment */
    size_t nsub;
};

static int oom(struct ctx *c)
{
    return cx_fail(c->err, CX_ENOMEM, "topics: out of memory");
}

static int is_current(const struct ctx *c, size_t d)
{
    return c->split == 0 || c->docs[d].time >= c->split;
}

/* ---------------------------------------------------- pass 1: streams */

static int lang_id(struct ctx *c, const char *code)
{
    for (size_t i = 0; i < c->nlangs; i++)
        if (strcmp(c->langs[i], code) == 0) return (int)i;
    if (c->nlangs > MAX_LANGS) return 0;
    strcpy(c->langs[c->nlangs], code);
    return (int)c->nlangs++;
}

static size_t codepoints(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Stems word w of language lid and interns the stem; *id = NONE when the
 * stem is empty. */
static int intern_stem(struct ctx *c, int lid, const char *w, size_t len, uint32_t *id)
{
    if (!c->stemmer[lid] && !(c->stemmer[lid] = cx_stemmer_new(c->langs[lid]))) return -1;
    size_t sl;
    const char *s = cx_stemmer_stem(c->stemmer[lid], w, len, &sl);
    if (!s) return -1;
    *id = NONE;
    if (!sl) return 0;
    if (grow((void **)&c->stem, &c->stemcap, c->nstem + 1, sizeof *c->stem)) return -1;
    const struct strtab_ent *e = strtab_put(&c->stem_tab, &c->arena, s, sl, (uint32_t)c->nstem);
    if (!e) return -1;
    *id = e->id;
    if (e->id < c->nstem) return 0;
    struct stem *st = &c->stem[c->nstem++];
    st->s = e->s;
    st->len = (uint32_t)sl;
    st->df = st->last = 0;
    st->tiny = codepoints(s, sl) < 2;
    return 0;
}

/* Interns word w of language lid (the language is part of the key: stop
 * words and stems depend on it). */
static int surface_id(struct ctx *c, int lid, const char *w, size_t len, uint32_t *id)
{
    char key[1 + CX_TOKEN_MAX_BYTES];
    key[0] = (char)lid;
    memcpy(key + 1, w, len);
    if (grow((void **)&c->surf, &c->surfcap, c->nsurf + 1, sizeof *c->surf)) return -1;
    const struct strtab_ent *e =
        strtab_put(&c->surf_tab, &c->arena, key, len + 1, (uint32_t)c->nsurf);
    if (!e) return -1;
    *id = e->id;
    if (e->id < c->nsurf) return 0;
    struct surf *sf = &c->surf[c->nsurf++];
    sf->s = e->s + 1;
    sf->len = (uint32_t)len;
    sf->stem = NONE;
    if (!cx_stopword(c->langs[lid], w, len)) {
        uint32_t st;
        if (intern_stem(c, lid, w, len, &st)) return -1;
        c->surf[*id].stem = st;
    }
    return 0;
}

static int push_tok(struct ctx *c, uint32_t v)
{
    if (c->ntok >= MAX_WORDS)
        return cx_fail(c->err, CX_ELIMIT, "topics: more than %u words in all comments",
                       (unsigned)MAX_WORDS);
    if (grow((void **)&c->tok, &c->tokcap, c->ntok + 1, sizeof *c->tok)) return oom(c);
    c->tok[c->ntok++] = v;
    return 0;
}

static int read_docs(struct ctx *c)
{
    struct cx_textbuf nb = {0};
    struct cx_tokens toks = {0};
    const char *prev_tag = NULL;
    int prev_lid = 0, rc = CX_OK;
    for (size_t d = 0; d < c->n; d++) {
        const struct cx_doc *doc = &c->docs[d];
        c->doc_off[d] = (uint32_t)c->ntok;
        if (is_current(c, d))
            c->ncur++;
        else
            c->nprev++;
        const char *text = doc->text ? doc->text : "";
        size_t len = strnlen(text, DOC_MAX_BYTES);
        if (len == DOC_MAX_BYTES)
            while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--;
        int lid;
        char code[CX_LANG_MAX];
        if (doc->lang && *doc->lang) {
            if (prev_tag && strcmp(prev_tag, doc->lang) == 0) {
                lid = prev_lid;
            } else {
                cx_lang_canon(doc->lang, code);
                lid = prev_lid = lang_id(c, code);
                prev_tag = doc->lang;
            }
        } else {
            cx_lang_detect(text, len, code);
            lid = lang_id(c, code);
        }
        c->doc_lang[d] = (uint8_t)lid;
        rc = cx_text_normalize_buf(c->langs[lid], text, len, &nb);
        if (rc == CX_ENOMEM) goto nomem;
        if (rc) { /* invalid UTF-8: no text */
            rc = CX_OK;
            continue;
        }
        if (cx_text_tokenize(c->langs[lid], nb.s, nb.len, &toks)) goto nomem;
        size_t start = c->ntok;
        for (size_t t = 0; t < toks.n; t++) {
            const struct cx_tok *k = &toks.v[t];
            if ((k->flags & CX_TOK_BREAK) && c->ntok > start && c->tok[c->ntok - 1] != BRK &&
                (rc = push_tok(c, BRK)))
                goto out;
            uint32_t sid;
            if (surface_id(c, lid, toks.buf + k->off, k->len, &sid)) goto nomem;
            if ((rc = push_tok(c, sid))) goto out;
            uint32_t st = c->surf[sid].stem;
            if (st != NONE && c->stem[st].last != d + 1) {
                c->stem[st].df++;
                c->stem[st].last = (uint32_t)(d + 1);
            }
        }
    }
    c->doc_off[c->n] = (uint32_t)c->ntok;
    goto out;
nomem:
    rc = oom(c);
out:
    cx_tokens_free(&toks);
    cx_textbuf_free(&nb);
    return rc;
}

/* Fills c->grams with the phrases of comment d: each run of 1-3 content
 * words within a clause, with at most MAX_GAP stop words between two of
 * them, and no stem repeated. Returns their number. */
static size_t doc_grams(const struct ctx *c, size_t d)
{
    size_t nt = c->doc_off[d + 1] - c->doc_off[d], ng = 0;
    if (!nt) return 0; /* c->tok may still be NULL */
    const uint32_t *t = c->tok + c->doc_off[d];
    uint32_t win[3], pos[3];
    int w = 0, gap = 0;
    for (size_t i = 0; i < nt && ng + 3 <= GRAMS_MAX; i++) {
        uint32_t s = t[i];
        if (s == BRK) {
            w = gap = 0;
            continue;
        }
        uint32_t st = c->surf[s].stem;
        if (st == NONE) {
            if (++gap > MAX_GAP) w = 0;
            continue;
        }
        gap = 0;
        if (w == 3) {
            win[0] = win[1], pos[0] = pos[1];
            win[1] = win[2], pos[1] = pos[2];
            w = 2;
        }
        win[w] = st;
        pos[w] = (uint32_t)i;
        w++;
        for (int len = 1; len <= w; len++) {
            const uint32_t *k = win + (w - len);
            if (len >= 2 && k[0] == k[1]) break;
            if (len == 3 && (k[0] == k[2] || k[1] == k[2])) break;
            struct gram *g = &c->grams[ng++];
            g->n = len;
            g->k[0] = k[0];
            g->k[1] = len > 1 ? k[1] : NONE;
            g->k[2] = len > 2 ? k[2] : NONE;
            g->from = pos[w - len];
            g->to = (uint32_t)i;
        }
    }
    return ng;
}

/* ------------------------------------------------ pass 2: candidates */

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->df != y->df) return x->df > y->df ? -1 : 1;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
    return 0;
}

static int add_cand(struct ctx *c, size_t *cap, const uint32_t *k, int n, uint32_t df)
{
    if (grow((void **)&c->cand, cap, c->ncand + 1, sizeof *c->cand)) return -1;
    struct cand *x = &c->cand[c->ncand++];
    memset(x, 0, sizeof *x);
    memcpy(x->k, k, sizeof x->k);
    x->n = n;
    x->df = df;
    return 0;
}

/* Counts 2- and 3-word phrases whose parts are frequent and keeps the top
 * candidates of all lengths. */
static int find_candidates(struct ctx *c)
{
    const uint32_t mc = (uint32_t)c->min_count;
    struct gtab t2 = {0}, f2 = {0}, t3 = {0};
    size_t cap = 0;
    int rc = CX_OK;
    for (size_t d = 0; d < c->n; d++) {
        size_t ng = doc_grams(c, d);
        for (size_t g = 0; g < ng; g++) {
            const struct gram *x = &c->grams[g];
            if (x->n != 2 || c->stem[x->k[0]].df < mc || c->stem[x->k[1]].df < mc) continue;
            if (gtab_count(&t2, x->k, (uint32_t)(d + 1))) goto nomem;
        }
    }
    for (size_t i = 0; i < t2.cap; i++)
        if (t2.e[i].count >= mc && gtab_set(&f2, t2.e[i].k, t2.e[i].count)) goto nomem;
    gtab_free(&t2);
    for (size_t d = 0; d < c->n && f2.len; d++) {
        size_t ng = doc_grams(c, d);
        for (size_t g = 0; g < ng; g++) {
            const struct gram *x = &c->grams[g];
            if (x->n != 3) continue;
            uint32_t a[3] = {x->k[0], x->k[1], NONE}, b[3] = {x->k[1], x->k[2], NONE};
            if (!gtab_get(&f2, a) || !gtab_get(&f2, b)) continue;
            if (gtab_count(&t3, x->k, (uint32_t)(d + 1))) goto nomem;
        }
    }
    for (size_t s = 0; s < c->nstem; s++) {
        if (c->stem[s].df < mc || c->stem[s].tiny) continue;
        uint32_t k[3] = {(uint32_t)s, NONE, NONE};
        if (add_cand(c, &cap, k, 1, c->stem[s].df)) goto nomem;
    }
    for (size_t i = 0; i < f2.cap; i++)
        if (f2.e[i].count && add_cand(c, &cap, f2.e[i].k, 2, f2.e[i].count)) goto nomem;
    for (size_t i = 0; i < t3.cap; i++)
        if (t3.e[i].count >= mc && add_cand(c, &cap, t3.e[i].k, 3, t3.e[i].count)) goto nomem;
    if (c->ncand) qsort(c->cand, c->ncand, sizeof *c->cand, cmp_cand);
    size_t limit = c->max_topics * 50;
    if (limit < CAND_MIN) limit = CAND_MIN;
    if (limit > CAND_MAX) limit = CAND_MAX;
    if (c->ncand > limit) c->ncand = limit;
    for (size_t i = 0; i < c->ncand; i++)
        if (gtab_set(&c->ctab, c->cand[i].k, (uint32_t)(i + 1))) goto nomem;
    goto out;
nomem:
    rc = oom(c);
out:
    gtab_free(&t2);
    gtab_free(&f2);
    gtab_free(&t3);
    return rc;
}

/* ------------------------------------------------------ pass 3: hits */

/* Records the written form of candidate x at positions from..to of
 * comment d. */
static int sample(struct ctx *c, struct cand *x, size_t d, uint32_t from, uint32_t to)
{
    char buf[LABEL_MAX];
    size_t n = 0;
    const uint32_t *t = c->tok + c->doc_off[d];
    for (uint32_t p = from; p <= to; p++) {
        if (t[p] == BRK) continue;
        const struct surf *sf = &c->surf[t[p]];
        if (n + sf->len + 2 > sizeof buf) break;
        if (n) buf[n++] = ' ';
        memcpy(buf + n, sf->s, sf->len);
        n += sf->len;
    }
    buf[n] = 0;
    x->seen++;
    for (int i = 0; i < x->nsamp; i++)
        if (strcmp(x->samp[i].s, buf) == 0) {
            x->samp[i].count++;
            return 0;
        }
    if (x->nsamp == NSAMPLE) return 0;
    char *s = malloc(n + 1);
    if (!s) return -1;
    memcpy(s, buf, n + 1);
    x->samp[x->nsamp].s = s;
    x->samp[x->nsamp].count = 1;
    x->nsamp++;
    return 0;
}

static const char *best_sample(const struct cand *x)
{
    int best = -1;
    for (int i = 0; i < x->nsamp; i++)
        if (best < 0 || x->samp[i].count > x->samp[best].count) best = i;
    return best < 0 ? "" : x->samp[best].s;
}

/* Finds the candidates in every comment, measures how often each pair
 * shares a comment and samples how each is written. */
static int find_hits(struct ctx *c)
{
    const size_t nc = c->ncand, nl = c->nlangs;
    uint16_t local[CAND_MAX];
    c->co = calloc(nc * nc + 1, sizeof *c->co);
    uint32_t *langc = calloc(nc * nl + 1, sizeof *langc);
    if (!c->co || !langc) {
        free(langc);
        return oom(c);
    }
    for (size_t d = 0; d < c->n; d++) {
        size_t ng = doc_grams(c, d), m = 0;
        c->hit_off[d] = (uint32_t)c->nhits;
        for (size_t g = 0; g < ng; g++) {
            const struct gram *x = &c->grams[g];
            const struct gram_ent *e = gtab_get(&c->ctab, x->k);
            if (!e) continue;
            struct cand *k = &c->cand[e->count - 1];
            if (k->last == d + 1) continue;
            k->last = (uint32_t)(d + 1);
            k->docs++;
            local[m++] = (uint16_t)(e->count - 1);
            if (k->seen < SAMPLE_MAX && sample(c, k, d, x->from, x->to)) {
                free(langc);
                return oom(c);
            }
        }
        for (size_t i = 0; i < m; i++) langc[(size_t)local[i] * nl + c->doc_lang[d]]++;
        size_t mp = m < PAIR_MAX ? m : PAIR_MAX;
        for (size_t i = 0; i < mp; i++)
            for (size_t j = i + 1; j < mp; j++) {
                size_t a = local[i], b = local[j];
                if (a > b) {
                    size_t t = a;
                    a = b;
                    b = t;
                }
                c->co[a * nc + b]++;
            }
        if (c->nhits + m > UINT32_MAX) {
            free(langc);
            return cx_fail(c->err, CX_ELIMIT, "topics: too many phrase occurrences");
        }
        if (grow((void **)&c->hits, &c->hitcap, c->nhits + m, sizeof *c->hits)) {
            free(langc);
            return oom(c);
        }
        if (m) memcpy(c->hits + c->nhits, local, m * sizeof *local);
        c->nhits += m;
    }
    c->hit_off[c->n] = (uint32_t)c->nhits;
    for (size_t x = 0; x < nc; x++) {
        const uint32_t *lc = langc + x * nl;
        uint32_t best = 0;
        for (size_t l = 1; l < nl; l++)
            if (lc[l] > lc[best]) best = (uint32_t)l;
        c->cand[x].lang = best;
    }
    free(langc);
    return CX_OK;
}

/* --------------------------------------------------- pass 4: grouping */

static uint32_t uf_find(uint32_t *uf, uint32_t x)
{
    while (uf[x] != x) {
        uf[x] = uf[uf[x]];
        x = uf[x];
    }
    return x;
}

static void uf_union(uint32_t *uf, uint32_t a, uint32_t b)
{
    a = uf_find(uf, a);
    b = uf_find(uf, b);
    if (a != b) uf[a > b ? a : b] = a < b ? a : b;
}

/* Whether x and y share at least 2/3 of the stems of each: the same
 * stems in another order, a pair inside a triple, or two triples with two
 * stems in common. */
static int stems_overlap(const struct cand *x, const struct cand *y)
{
    int inter = 0;
    for (int i = 0; i < x->n; i++)
        for (int j = 0; j < y->n; j++)
            if (x->k[i] == y->k[j]) inter++;
    int longer = x->n > y->n ? x->n : y->n;
    return 3 * inter >= 2 * longer;
}

/* Lists the (shorter, longer) pairs where the shorter phrase is a
 * contiguous part of the longer one. */
static int find_subphrases(struct ctx *c)
{
    size_t cap = 0;
    for (size_t y = 0; y < c->ncand; y++) {
        const struct cand *l = &c->cand[y];
        for (int len = 1; len < l->n; len++)
            for (int at = 0; at + len <= l->n; at++) {
                uint32_t k[3] = {NONE, NONE, NONE};
                memcpy(k, l->k + at, (size_t)len * sizeof *k);
                const struct gram_ent *e = gtab_get(&c->ctab, k);
                if (!e) continue;
                if (grow((void **)&c->sub, &cap, c->nsub + 1, sizeof *c->sub)) return oom(c);
                c->sub[c->nsub][0] = e->count - 1;
                c->sub[c->nsub][1] = (uint32_t)y;
                c->nsub++;
            }
    }
    return CX_OK;
}

/* Dense group ids: gid[x] for every candidate, returns the group count. */
static size_t group_ids(struct ctx *c, uint32_t *gid, uint32_t *root_of)
{
    size_t ng = 0;
    for (size_t x = 0; x < c->ncand; x++) gid[x] = NONE;
    for (size_t x = 0; x < c->ncand; x++) {
        uint32_t r = uf_find(c->uf, (uint32_t)x);
        if (gid[r] == NONE) {
            gid[r] = (uint32_t)ng;
            root_of[ng++] = r;
        }
        gid[x] = gid[r];
    }
    return ng;
}

/* Merges phrasings into groups: similar stems in the same language, or
 * shared comments (Jaccard >= 0.6); then, in rounds, a group whose comments lie >= 80 % inside
 * another group merges into it when that group has a longer phrase
 * containing one of its phrases, or only longer phrases ("wait" into
 * "long wait time", a side remark into the issue it accompanies). */
static int group(struct ctx *c)
{
    const size_t nc = c->ncand;
    int rc = CX_OK;
    uint32_t *gid = malloc((nc + 1) * sizeof *gid), *root_of = malloc((nc + 1) * sizeof *root_of);
    uint32_t *gdocs = malloc((nc + 1) * sizeof *gdocs), *stamp = malloc((nc + 1) * sizeof *stamp);
    uint32_t *local = malloc((nc + 1) * sizeof *local);
    uint8_t *rel = NULL, *maxlen = malloc(nc + 1);
    c->uf = malloc((nc + 1) * sizeof *c->uf);
    if (!gid || !root_of || !gdocs || !stamp || !local || !maxlen || !c->uf) goto nomem;
    for (size_t x = 0; x < nc; x++) c->uf[x] = (uint32_t)x;

    for (size_t x = 0; x < nc; x++)
        for (size_t y = x + 1; y < nc; y++) {
            const struct cand *a = &c->cand[x], *b = &c->cand[y];
            uint64_t co = c->co[x * nc + y];
            if (co && co * 10 >= 6 * ((uint64_t)a->docs + b->docs - co))
                uf_union(c->uf, (uint32_t)x, (uint32_t)y);
            else if (a->n >= 2 && b->n >= 2 && a->lang == b->lang && stems_overlap(a, b))
                uf_union(c->uf, (uint32_t)x, (uint32_t)y);
        }

    if ((rc = find_subphrases(c))) goto out;
    rel = malloc(nc * nc + 1);
    if (!rel) goto nomem;
    for (int round = 0; round < 4; round++) {
        size_t ng = group_ids(c, gid, root_of);
        uint32_t *gco = c->co; /* reused: ng x ng */
        memset(gco, 0, ng * ng * sizeof *gco);
        memset(gdocs, 0, ng * sizeof *gdocs);
        memset(stamp, 0, ng * sizeof *stamp);
        memset(rel, 0, ng * ng);
        for (size_t d = 0; d < c->n; d++) {
            size_t m = 0;
            for (uint32_t h = c->hit_off[d]; h < c->hit_off[d + 1]; h++) {
                uint32_t g = gid[c->hits[h]];
                if (stamp[g] == d + 1) continue;
                stamp[g] = (uint32_t)(d + 1);
                gdocs[g]++;
                local[m++] = g;
            }
            size_t mp = m < PAIR_MAX ? m : PAIR_MAX;
            for (size_t i = 0; i < mp; i++)
                for (size_t j = i + 1; j < mp; j++) {
                    size_t a = local[i], b = local[j];
                    gco[(a < b ? a : b) * ng + (a < b ? b : a)]++;
                }
        }
        /* A may merge into B when one of its phrases is part of one of
         * B's, or when B holds longer phrases than any of A's */
        memset(maxlen, 0, ng);
        for (size_t x = 0; x < nc; x++)
            if (c->cand[x].n > maxlen[gid[x]]) maxlen[gid[x]] = (uint8_t)c->cand[x].n;
        for (size_t a = 0; a < ng; a++)
            for (size_t b = 0; b < ng; b++)
                if (a != b && maxlen[b] > maxlen[a]) rel[a * ng + b] = 1;
        for (size_t s = 0; s < c->nsub; s++) {
            uint32_t a = gid[c->sub[s][0]], b = gid[c->sub[s][1]];
            if (a != b) rel[a * ng + b] = 1;
        }
        int merged = 0;
        for (size_t a = 0; a < ng; a++) {
            size_t best = ng;
            uint32_t bestco = 0;
            for (size_t b = 0; b < ng; b++) {
                if (!rel[a * ng + b]) continue;
                uint32_t co = gco[(a < b ? a : b) * ng + (a < b ? b : a)];
                if ((uint64_t)co * 5 >= (uint64_t)gdocs[a] * 4 && co > bestco) {
                    best = b;
                    bestco = co;
                }
            }
            if (best < ng) {
                uf_union(c->uf, root_of[a], root_of[best]);
                merged = 1;
            }
        }
        if (!merged) break;
    }
    goto out;
nomem:
    rc = oom(c);
out:
    free(gid);
    free(root_of);
    free(gdocs);
    free(stamp);
    free(local);
    free(rel);
    free(maxlen);
    return rc;
}

/* ------------------------------------------------------ pass 5: topics */

struct grp {
    uint32_t cur, prev, nscore;
    double ssum;
    uint32_t rep;    /* candidate that labels the group */
    uint32_t *ex[2]; /* example comments, current and previous period */
    size_t nex[2];
    uint32_t *langc; /* comments per language */
};

struct rank {
    uint32_t g;
    uint32_t cur;
    const char *label;
};

static int cmp_rank(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->cur != y->cur) return x->cur > y->cur ? -1 : 1;
    int r = strcmp(x->label, y->label);
    if (r) return r;
    return x->g < y->g ? -1 : x->g > y->g;
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *example_text(const char *s)
{
    size_t n = strnlen(s, EXAMPLE_BYTES + 1);
    if (n <= EXAMPLE_BYTES) return dupn(s, n);
    n = EXAMPLE_BYTES;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    char *p = malloc(n + 4);
    if (!p) return NULL;
    memcpy(p, s, n);
    memcpy(p + n, "\xe2\x80\xa6", 4); /* … */
    return p;
}

static char *stem_key(const struct ctx *c, const struct cand *x)
{
    size_t n = 0;
    for (int i = 0; i < x->n; i++) n += c->stem[x->k[i]].len + 1;
    char *p = malloc(n + 1), *q = p;
    if (!p) return NULL;
    for (int i = 0; i < x->n; i++) {
        const struct stem *s = &c->stem[x->k[i]];
        if (i) *q++ = ' ';
        memcpy(q, s->s, s->len);
        q += s->len;
    }
    *q = 0;
    return p;
}

static int cmp_docs_desc(const void *a, const void *b, const struct cand *cand)
{
    const struct cand *x = &cand[*(const uint32_t *)a], *y = &cand[*(const uint32_t *)b];
    if (x->docs != y->docs) return x->docs > y->docs ? -1 : 1;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Sorts member indexes by comments descending (insertion sort: groups are
 * small). */
static void sort_members(uint32_t *m, size_t n, const struct cand *cand)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = m[i];
        size_t j = i;
        while (j > 0 && cmp_docs_desc(&v, &m[j - 1], cand) < 0) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = v;
    }
}

static int fill_topic(struct ctx *c, struct cx_topic *t, const struct grp *g, const uint32_t *gid,
                      uint32_t gi, const uint8_t *maximal)
{
    const struct cand *rep = &c->cand[g->rep];
    if (!(t->label = strdup(best_sample(rep))) || !(t->key = stem_key(c, rep))) return -1;

    /* languages, most comments first */
    size_t nl = c->nlangs, order[MAX_LANGS + 1], no = 0, bytes = 1;
    uint64_t total = 0;
    for (size_t l = 0; l < nl; l++) total += g->langc[l];
    /* languages with at least 1 % of the comments */
    for (size_t l = 0; l < nl; l++)
        if (g->langc[l] && g->langc[l] * 100 >= total) order[no++] = l;
    for (size_t i = 1; i < no; i++)
        for (size_t j = i; j > 0 && g->langc[order[j]] > g->langc[order[j - 1]]; j--) {
            size_t tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    for (size_t i = 0; i < no; i++) bytes += strlen(c->langs[order[i]]) + 1;
    if (!(t->langs = malloc(bytes))) return -1;
    t->langs[0] = 0;
    for (size_t i = 0; i < no; i++) {
        if (i) strcat(t->langs, ",");
        strcat(t->langs, c->langs[order[i]]);
    }
    if (!(t->lang = strdup(no ? c->langs[order[0]] : "und"))) return -1;

    t->count = g->cur;
    t->prev_count = g->prev;
    t->share = c->ncur ? (double)g->cur / (double)c->ncur : 0;
    t->prev_share = c->nprev ? (double)g->prev / (double)c->nprev : 0;
    t->trend_z = 0;
    t->trend_p = 1;
    if (c->split && c->ncur && c->nprev) {
        double n1 = (double)c->ncur, n0 = (double)c->nprev;
        double p = ((double)g->cur + (double)g->prev) / (n1 + n0);
        double se = sqrt(p * (1 - p) * (1 / n1 + 1 / n0));
        if (se > 0) t->trend_z = (t->share - t->prev_share) / se;
        t->trend_p = cx_z_pvalue(t->trend_z);
        t->trend_significant = t->trend_p < 0.05;
    }
    t->nscore = g->nscore;
    t->mean_score = g->nscore ? g->ssum / g->nscore : 0;

    size_t nex = g->nex[0] + g->nex[1];
    if (nex && !(t->examples = calloc(nex, sizeof *t->examples))) return -1;
    for (int p = 0; p < 2; p++)
        for (size_t i = 0; i < g->nex[p] && t->nexamples < c->nexamples; i++) {
            const char *text = c->docs[g->ex[p][i]].text;
            int dup = 0;
            for (size_t j = 0; p && j < g->nex[0] && !dup; j++)
                dup = strcmp(c->docs[g->ex[0][j]].text, text) == 0;
            if (dup) continue;
            if (!(t->examples[t->nexamples] = example_text(text))) return -1;
            t->nexamples++;
        }

    /* phrasings: the group's multi-word phrases (all phrases if none) */
    uint32_t mem[CAND_MAX];
    size_t nm = 0;
    int multi = 0;
    for (size_t x = 0; x < c->ncand; x++)
        if (gid[x] == gi && c->cand[x].n >= 2) multi = 1;
    for (size_t x = 0; x < c->ncand; x++)
        if (gid[x] == gi && (!multi || c->cand[x].n >= 2)) mem[nm++] = (uint32_t)x;
    sort_members(mem, nm, c->cand);
    /* maximal phrases (not part of a longer one in the group) first */
    uint32_t ord[CAND_MAX];
    size_t no2 = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nm; i++)
            if ((maximal[mem[i]] ? 0 : 1) == pass) ord[no2++] = mem[i];
    if (!(t->phrasings = calloc(MAX_PHRASINGS, sizeof *t->phrasings))) return -1;
    for (size_t i = 0; i < no2 && t->nphrasings < MAX_PHRASINGS; i++) {
        const char *s = best_sample(&c->cand[ord[i]]);
        int dup = !*s;
        for (size_t j = 0; j < t->nphrasings && !dup; j++) dup = strstr(t->phrasings[j], s) != NULL;
        if (dup) continue;
        if (!(t->phrasings[t->nphrasings] = strdup(s))) return -1;
        t->nphrasings++;
    }
    return 0;
}

static int build_topics(struct ctx *c, struct cx_topic **out, size_t *nout)
{
    const size_t nc = c->ncand;
    int rc = CX_OK;
    size_t ng = 0, nlang = c->nlangs, nex = c->nexamples, ntop = 0;
    uint32_t *gid = malloc((nc + 1) * sizeof *gid), *root_of = malloc((nc + 1) * sizeof *root_of);
    uint32_t *stamp = NULL, *langc = NULL, *exbuf = NULL;
    uint8_t *maximal = calloc(nc + 1, 1);
    struct grp *g = NULL;
    struct rank *rk = NULL;
    struct cx_topic *top = NULL;
    if (!gid || !root_of || !maximal) goto nomem;
    ng = group_ids(c, gid, root_of);
    g = calloc(ng + 1, sizeof *g);
    stamp = calloc(ng + 1, sizeof *stamp);
    langc = calloc((ng + 1) * nlang, sizeof *langc);
    exbuf = malloc((ng + 1) * 2 * nex * sizeof *exbuf);
    rk = malloc((ng + 1) * sizeof *rk);
    if (!g || !stamp || !langc || !exbuf || !rk) goto nomem;
    for (size_t i = 0; i < ng; i++) {
        g[i].langc = langc + i * nlang;
        g[i].ex[0] = exbuf + i * 2 * nex;
        g[i].ex[1] = g[i].ex[0] + nex;
        g[i].rep = NONE;
    }

    for (size_t d = 0; d < c->n; d++) {
        const struct cx_doc *doc = &c->docs[d];
        int p = is_current(c, d) ? 0 : 1;
        for (uint32_t h = c->hit_off[d]; h < c->hit_off[d + 1]; h++) {
            uint32_t gi = gid[c->hits[h]];
            if (stamp[gi] == d + 1) continue;
            stamp[gi] = (uint32_t)(d + 1);
            struct grp *x = &g[gi];
            if (p == 0) {
                x->cur++;
                if (doc->has_score && isfinite(doc->score)) {
                    x->nscore++;
                    x->ssum += doc->score;
                }
            } else {
                x->prev++;
            }
            x->langc[c->doc_lang[d]]++;
            if (x->nex[p] < nex) {
                int dup = 0;
                for (size_t e = 0; e < x->nex[p] && !dup; e++)
                    dup = strcmp(c->docs[x->ex[p][e]].text, doc->text) == 0;
                if (!dup) x->ex[p][x->nex[p]++] = (uint32_t)d;
            }
        }
    }

    /* the label: the most frequent maximal phrase (not part of a longer
     * one of its group), longer first on ties */
    for (size_t x = 0; x < nc; x++) maximal[x] = 1;
    for (size_t s = 0; s < c->nsub; s++)
        if (gid[c->sub[s][0]] == gid[c->sub[s][1]]) maximal[c->sub[s][0]] = 0;
    for (size_t x = 0; x < nc; x++) {
        struct grp *y = &g[gid[x]];
        if (!maximal[x]) continue;
        if (y->rep == NONE) {
            y->rep = (uint32_t)x;
            continue;
        }
        const struct cand *a = &c->cand[x], *b = &c->cand[y->rep];
        if (a->docs > b->docs || (a->docs == b->docs && a->n > b->n)) y->rep = (uint32_t)x;
    }

    size_t nr = 0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].rep == NONE || (size_t)g[i].cur + g[i].prev < c->min_count) continue;
        rk[nr].g = (uint32_t)i;
        rk[nr].cur = g[i].cur;
        rk[nr].label = best_sample(&c->cand[g[i].rep]);
        nr++;
    }
    qsort(rk, nr, sizeof *rk, cmp_rank);
    ntop = nr < c->max_topics ? nr : c->max_topics;
    if (ntop && !(top = calloc(ntop, sizeof *top))) goto nomem;
    for (size_t i = 0; i < ntop; i++)
        if (fill_topic(c, &top[i], &g[rk[i].g], gid, rk[i].g, maximal)) goto nomem;
    *out = top;
    *nout = ntop;
    top = NULL;
    goto out;
nomem:
    rc = oom(c);
out:
    cx_topics_free(top, ntop);
    free(gid);
    free(root_of);
    free(maximal);
    free(g);
    free(stamp);
    free(langc);
    free(exbuf);
    free(rk);
    return rc;
}

/* ---------------------------------------------------------------- API */

void cx_topics_free(struct cx_topic *t, size_t n)
{
    if (!t) return;
    for (size_t i = 0; i < n; i++) {
        free(t[i].label);
        free(t[i].key);
        free(t[i].lang);
        free(t[i].langs);
        for (size_t j = 0; j < t[i].nexamples; j++) free(t[i].examples[j]);
        free(t[i].examples);
        for (size_t j = 0; j < t[i].nphrasings; j++) free(t[i].phrasings[j]);
        free(t[i].phrasings);
    }
    free(t);
}

static void ctx_free(struct ctx *c)
{
    for (size_t i = 0; i <= MAX_LANGS; i++) cx_stemmer_free(c->stemmer[i]);
    free(c->doc_lang);
    free(c->surf_tab.e);
    free(c->stem_tab.e);
    arena_free(&c->arena);
    free(c->surf);
    free(c->stem);
    free(c->tok);
    free(c->doc_off);
    free(c->grams);
    for (size_t i = 0; i < c->ncand; i++)
        for (int j = 0; j < c->cand[i].nsamp; j++) free(c->cand[i].samp[j].s);
    free(c->cand);
    gtab_free(&c->ctab);
    free(c->hits);
    free(c->hit_off);
    free(c->co);
    free(c->uf);
    free(c->sub);
}

int cx_topics_run(const struct cx_doc *docs, size_t n, const struct cx_topics_opts *o,
                  struct cx_topic **out, size_t *nout, struct cx_err *err)
{
    if (!out || !nout || (!docs && n))
        return cx_fail(err, CX_EINVAL, "topics: missing documents or output");
    *out = NULL;
    *nout = 0;
    if (n >= UINT32_MAX) return cx_fail(err, CX_ELIMIT, "topics: too many comments");
    struct ctx *c = calloc(1, sizeof *c);
    if (!c) return cx_fail(err, CX_ENOMEM, "topics: out of memory");
    c->docs = docs;
    c->n = n;
    c->err = err;
    c->max_topics = o && o->max_topics ? o->max_topics : 20;
    c->min_count = o && o->min_count ? o->min_count : 10;
    c->nexamples = o && o->examples ? o->examples : 3;
    if (c->nexamples > EXAMPLES_MAX) c->nexamples = EXAMPLES_MAX;
    if (c->min_count > UINT32_MAX) c->min_count = UINT32_MAX;
    c->split = o ? o->split : 0;
    strcpy(c->langs[0], "und");
    c->nlangs = 1;
    int rc = CX_OK;
    c->doc_lang = malloc(n + 1);
    c->doc_off = malloc((n + 1) * sizeof *c->doc_off);
    c->hit_off = malloc((n + 1) * sizeof *c->hit_off);
    c->grams = malloc(GRAMS_MAX * sizeof *c->grams);
    if (!c->doc_lang || !c->doc_off || !c->hit_off || !c->grams) {
        rc = oom(c);
        goto out;
    }
    if ((rc = read_docs(c)) || (rc = find_candidates(c))) goto out;
    if (c->ncand == 0) goto out;
    if ((rc = find_hits(c)) || (rc = group(c)) || (rc = build_topics(c, out, nout))) goto out;
out:
    ctx_free(c);
    free(c);
    return rc;
}
