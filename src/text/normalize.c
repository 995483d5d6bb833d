#include "text/normalize.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/lang.h"

void cx_textbuf_free(struct cx_textbuf *b)
{
    if (!b) return;
    free(b->s);
    free(b->cp);
    memset(b, 0, sizeof *b);
}

static int reserve_bytes(char **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    char *np = realloc(*p, ncap);
    if (!np) return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int reserve_cp(struct cx_textbuf *b, size_t need)
{
    if (need <= b->cpcap) return 0;
    size_t ncap = b->cpcap ? b->cpcap : 64;
    while (ncap < need) ncap *= 2;
    int32_t *np = realloc(b->cp, ncap * sizeof *np);
    if (!np) return -1;
    b->cp = np;
    b->cpcap = ncap;
    return 0;
}

/* Runs on each code point before decomposition and case folding. */
static utf8proc_int32_t premap(utf8proc_int32_t c, void *data)
{
    unsigned flags = *(const unsigned *)data;
    if (c == 0x130) return 'i';                               /* İ */
    if (c == 'I' && (flags & CX_LANG_TURKIC_I)) return 0x131; /* I -> ı */
    if (c == 0x200B) return ' ';                              /* zero-width space */
    return c;
}

static int arabic_mark(int32_t c)
{
    return (c >= 0x610 && c <= 0x61A) || (c >= 0x64B && c <= 0x65F) || c == 0x670 ||
           (c >= 0x6D6 && c <= 0x6DC) || (c >= 0x6DF && c <= 0x6E4) || c == 0x6E7 || c == 0x6E8 ||
           (c >= 0x6EA && c <= 0x6ED) || (c >= 0x8D3 && c <= 0x8FF && c != 0x8E2);
}

static int32_t persian_letter(int32_t c)
{
    switch (c) {
    case 0x64A: /* ي */
    case 0x649: /* ى */
        return 0x6CC;
    case 0x643: /* ك */
        return 0x6A9;
    case 0x629: /* ة */
    case 0x6D5: /* ە (ۀ without its hamza) */
    case 0x6BE: /* ھ */
    case 0x6C1: /* ہ */
        return 0x647;
    case 0x671: /* ٱ */
        return 0x627;
    }
    return c;
}

/* Applies the language rules to decomposed, case-folded code points in
 * place; returns the new length. */
static size_t filter(int32_t *cp, size_t n, unsigned flags)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = cp[i];
        if (c == 0x640) continue; /* tatweel */
        if (arabic_mark(c) && !(c == 0x653 && (flags & CX_LANG_PERSIAN))) continue;
        if (c >= 0x660 && c <= 0x669)
            c = '0' + (c - 0x660);
        else if (c >= 0x6F0 && c <= 0x6F9)
            c = '0' + (c - 0x6F0);
        else if (flags & CX_LANG_PERSIAN)
            c = persian_letter(c);
        if (c == 0x307 && j > 0) {
            /* i + combining dot above (a decomposed İ) is plain i */
            if (cp[j - 1] == 'i') continue;
            if (cp[j - 1] == 0x131 && (flags & CX_LANG_TURKIC_I)) {
                cp[j - 1] = 'i';
                continue;
            }
        }
        if (c == 0x327 && (flags & CX_LANG_RO_COMMA) && j > 0 &&
            (cp[j - 1] == 's' || cp[j - 1] == 't'))
            c = 0x326;
        cp[j++] = c;
    }
    return j;
}

int cx_text_normalize_buf(const char *lang, const char *in, size_t len, struct cx_textbuf *b)
{
    struct cx_lang_rules r = cx_lang_rules(lang);
    const uint8_t *p = (const uint8_t *)in;
    unsigned flags = r.flags;
    b->len = 0;
    if (b->s) b->s[0] = 0;
    if (len > CX_TEXT_MAX_BYTES) return CX_ELIMIT;
    if (!in && len) return CX_EINVAL;

    /* ASCII is stable under NFKC: folding is lowercasing (but for the
     * Turkic I). */
    size_t i = 0;
    for (; i < len; i++)
        if (p[i] >= 0x80 || (p[i] == 'I' && (flags & CX_LANG_TURKIC_I))) break;
    if (i == len) {
        if (reserve_bytes(&b->s, &b->cap, len + 1)) return CX_ENOMEM;
        for (i = 0; i < len; i++) {
            uint8_t c = p[i];
            b->s[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        b->s[len] = 0;
        b->len = len;
        return CX_OK;
    }

    utf8proc_option_t opts =
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    if (flags & CX_LANG_STRIPMARK) opts |= UTF8PROC_STRIPMARK;
    size_t need = len + 16;
    utf8proc_ssize_t n;
    for (;;) {
        if (reserve_cp(b, need)) return CX_ENOMEM;
        /* one slot stays free: utf8proc_reencode needs it for the NUL */
        n = utf8proc_decompose_custom(p, (utf8proc_ssize_t)len, b->cp,
                                      (utf8proc_ssize_t)(b->cpcap - 1), opts, premap, &flags);
        if (n < 0) return n == UTF8PROC_ERROR_NOMEM ? CX_ENOMEM : CX_EFORMAT;
        if ((size_t)n < b->cpcap) break;
        need = (size_t)n + 1;
    }
    size_t m = filter(b->cp, (size_t)n, flags);
    utf8proc_ssize_t bytes = utf8proc_reencode(b->cp, (utf8proc_ssize_t)m, opts);
    if (bytes < 0) return bytes == UTF8PROC_ERROR_NOMEM ? CX_ENOMEM : CX_EFORMAT;
    if (reserve_bytes(&b->s, &b->cap, (size_t)bytes + 1)) return CX_ENOMEM;
    memcpy(b->s, b->cp, (size_t)bytes);
    b->s[bytes] = 0;
    b->len = (size_t)bytes;
    return CX_OK;
}

int cx_text_normalize(const char *lang, const char *in, size_t len, char **out, size_t *outlen)
{
    struct cx_textbuf b = {0};
    *out = NULL;
    if (outlen) *outlen = 0;
    int rc = cx_text_normalize_buf(lang, in, len, &b);
    if (rc == CX_OK && !b.s) {
        b.s = malloc(1);
        if (!b.s)
            rc = CX_ENOMEM;
        else
            b.s[0] = 0;
    }
    if (rc) {
        cx_textbuf_free(&b);
        return rc;
    }
    free(b.cp);
    *out = b.s;
    if (outlen) *outlen = b.len;
    return CX_OK;
}

/* ---------------------------------------------------------------- tokens */

void cx_tokens_free(struct cx_tokens *t)
{
    if (!t) return;
    free(t->buf);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int is_letter(int cat)
{
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_word(int cat)
{
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND) ||
           cat == UTF8PROC_CATEGORY_NL;
}

static int is_apostrophe(int32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x2BC || c == '`' || c == 0xB4;
}

/* Scripts written without spaces between words: one token per letter. */
static int unspaced(int32_t c)
{
    return (c >= 0xE00 && c <= 0xEFF) || (c >= 0x1000 && c <= 0x109F) ||
           (c >= 0x1780 && c <= 0x17FF) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static int is_clause_break(int32_t c, int cat)
{
    switch (c) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '\n':
    case '\r':
    case 0x85:
    case 0x2028:
    case 0x2029:
    case 0x2026:
    case 0x60C:
    case 0x61B:
    case 0x61F:
    case 0x6D4:
    case 0x3001:
    case 0x3002:
    case 0xFF61:
    case 0xFF64:
    case 0x964:
    case 0x965:
    case 0x37E:
    case 0x387:
    case 0x589:
    case 0x55D:
    case 0xA1:
    case 0xBF:
        return 1;
    }
    return cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PE;
}

static int ascii_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether the whitespace-delimited chunk s[0..n) is a URL or an address. */
static int skip_chunk(const char *s, size_t n)
{
    if (n >= 4 && memcmp(s, "www.", 4) == 0) return 1;
    const char *at = NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') return 1;
        if (s[i] == '@' && i > 0) at = s + i;
        if (s[i] == '.' && at && s + i > at + 1 && i + 1 < n) return 1;
    }
    return 0;
}

struct tokstate {
    struct cx_tokens *t;
    unsigned flags; /* language rules */
    int open;       /* a token is being built */
    int single;     /* ... from an unspaced script: the next letter ends it */
    int has_letter; /* ... and holds a letter */
    size_t start;   /* its first byte in t->buf */
    int brk;        /* a clause break is pending */
    int joinable;   /* the last token is a Persian mi-/nemi- prefix */
};

static const char MI[] = "\xd9\x85\xdb\x8c";           /* می */
static const char NEMI[] = "\xd9\x86\xd9\x85\xdb\x8c"; /* نمی */

static int push_token(struct tokstate *st)
{
    struct cx_tokens *t = st->t;
    size_t len = t->len - st->start;
    st->open = 0;
    if (!st->has_letter || len > CX_TOKEN_MAX_BYTES) {
        t->len = st->start; /* dropped: digits only, or too long */
        return 0;
    }
    if (st->joinable && !st->brk && t->n > 0) {
        struct cx_tok *prev = &t->v[t->n - 1];
        if (prev->off + prev->len == st->start && prev->len + len <= CX_TOKEN_MAX_BYTES) {
            prev->len += (uint32_t)len;
            st->joinable = 0;
            return 0;
        }
    }
    if (t->n == t->vcap) {
        size_t ncap = t->vcap ? t->vcap * 2 : 32;
        struct cx_tok *nv = realloc(t->v, ncap * sizeof *nv);
        if (!nv) return -1;
        t->v = nv;
        t->vcap = ncap;
    }
    struct cx_tok *k = &t->v[t->n++];
    k->off = (uint32_t)st->start;
    k->len = (uint32_t)len;
    k->flags = st->brk ? CX_TOK_BREAK : 0;
    st->brk = 0;
    const char *w = t->buf + st->start;
    st->joinable = (st->flags & CX_LANG_PERSIAN) &&
                   ((len == 4 && memcmp(w, MI, 4) == 0) || (len == 6 && memcmp(w, NEMI, 6) == 0));
    return 0;
}

static int end_token(struct tokstate *st)
{
    return st->open ? push_token(st) : 0;
}

static void start_token(struct tokstate *st, int single)
{
    st->open = 1;
    st->single = single;
    st->has_letter = 0;
    st->start = st->t->len;
}

static void append(struct tokstate *st, int32_t c)
{
    struct cx_tokens *t = st->t;
    t->len += (size_t)utf8proc_encode_char(c, (uint8_t *)t->buf + t->len);
}

int cx_text_tokenize(const char *lang, const char *s, size_t len, struct cx_tokens *t)
{
    struct cx_lang_rules r = cx_lang_rules(lang);
    struct tokstate st = {.t = t, .flags = r.flags};
    const uint8_t *p = (const uint8_t *)s;
    t->n = 0;
    t->len = 0;
    /* tokens never hold more bytes than the text (an apostrophe may shrink) */
    if (reserve_bytes(&t->buf, &t->cap, len + 8)) return CX_ENOMEM;
    int chunk_start = 1, skip_suffix = 0;
    size_t i = 0;
    while (i < len && t->n < CX_TOKENS_MAX) {
        if (chunk_start) {
            size_t e = i;
            while (e < len && !ascii_space(p[e])) e++;
            chunk_start = 0;
            if (skip_chunk(s + i, e - i)) {
                if (end_token(&st)) return CX_ENOMEM;
                st.brk = 1;
                skip_suffix = 0;
                i = e;
                continue;
            }
        }
        int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (n <= 0) {
            if (end_token(&st)) return CX_ENOMEM;
            i++;
            continue;
        }
        int cat = utf8proc_category(c);
        if (skip_suffix) {
            if (is_word(cat)) {
                i += (size_t)n;
                continue;
            }
            skip_suffix = 0;
        }
        if (is_apostrophe(c) && st.open && !st.single) {
            int32_t c2 = -1;
            if (i + (size_t)n < len)
                utf8proc_iterate(p + i + n, (utf8proc_ssize_t)(len - i - (size_t)n), &c2);
            if (c2 >= 0 && is_letter(utf8proc_category(c2))) {
                if (st.flags & CX_LANG_APOS_KEEP) {
                    append(&st, '\'');
                    i += (size_t)n;
                    continue;
                }
                if (st.flags & CX_LANG_APOS_CUT) skip_suffix = 1;
            }
            if (end_token(&st)) return CX_ENOMEM;
            i += (size_t)n;
            continue;
        }
        if (is_word(cat)) {
            int letter = is_letter(cat);
            if (letter && unspaced(c)) {
                if (end_token(&st)) return CX_ENOMEM;
                start_token(&st, 1);
            } else if (st.open && st.single && cat != UTF8PROC_CATEGORY_MN &&
                       cat != UTF8PROC_CATEGORY_MC && cat != UTF8PROC_CATEGORY_ME) {
                if (end_token(&st)) return CX_ENOMEM;
                start_token(&st, 0);
            } else if (!st.open) {
                start_token(&st, 0);
            }
            if (letter) st.has_letter = 1;
            append(&st, c);
        } else {
            if (end_token(&st)) return CX_ENOMEM;
            if (is_clause_break(c, cat)) st.brk = 1;
            if (c < 0x80 ? ascii_space((uint8_t)c) : cat == UTF8PROC_CATEGORY_ZS) chunk_start = 1;
        }
        i += (size_t)n;
    }
    if (t->n < CX_TOKENS_MAX && end_token(&st)) return CX_ENOMEM;
    return CX_OK;
}
