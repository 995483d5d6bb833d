/* fuzz_text_props.c - libFuzzer driver checking properties of the text
 * pipeline (src/text/), beside fuzz_text.c: the first byte picks
 * a language, the rest is text. Normalisation either fails cleanly on
 * invalid UTF-8 or gives valid UTF-8 that normalises to itself; tokens are
 * non-empty, bounded and inside their buffer; stemming never grows a word
 * past its buffer; the topics engine accepts the input split into lines as
 * comments. Needs cxlib (utf8proc, libstemmer), not only cxio. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/lang.h"
#include "text/normalize.h"
#include "text/stem.h"
#include "text/topics.h"

static const char *const langs[] = {"en", "nb", "tr", "fa", "ro", "ar", "az", "und", "de", "ja"};
#define NLANGS (sizeof langs / sizeof langs[0])

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int32_t c;
        utf8proc_ssize_t k =
            utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0) return 0;
        i += (size_t)k;
    }
    return 1;
}

static void topics(const char *text, size_t size, const char *lang)
{
    /* one comment per line, a copy so that each is NUL-terminated */
    char *copy = malloc(size + 1);
    struct cx_doc docs[64];
    size_t n = 0;
    if (!copy) return;
    memcpy(copy, text, size);
    copy[size] = 0;
    for (char *p = copy; p && n < 64;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        docs[n] = (struct cx_doc){NULL, p, n % 3 ? lang : NULL, (int64_t)n, (int)(n & 1), 0.5};
        n++;
        p = nl ? nl + 1 : NULL;
    }
    struct cx_topics_opts o = {.min_count = 2, .split = (int64_t)n / 2, .examples = 2};
    struct cx_topic *t = NULL;
    size_t nt = 0;
    if (cx_topics_run(docs, n, &o, &t, &nt, NULL) == CX_OK) {
        for (size_t i = 0; i < nt; i++) {
            if (!t[i].label || !t[i].key || !t[i].lang || !t[i].langs) abort();
            if (t[i].count + t[i].prev_count > n) abort();
            if (t[i].trend_p < 0 || t[i].trend_p > 1) abort();
        }
        cx_topics_free(t, nt);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *lang = langs[data[0] % NLANGS];
    const char *text = (const char *)data + 1;
    size--;

    char code[CX_LANG_MAX];
    cx_lang_detect(text, size, code);
    if (strlen(code) >= CX_LANG_MAX) abort();

    struct cx_textbuf b = {0}, b2 = {0};
    struct cx_tokens t = {0};
    int rc = cx_text_normalize_buf(lang, text, size, &b);
    if (rc != CX_OK && rc != CX_EFORMAT) abort();
    if (rc == CX_EFORMAT && valid_utf8(text, size)) abort();
    if (cx_text_tokenize(lang, text, size, &t) != CX_OK) abort();
    if (rc == CX_OK) {
        if (!valid_utf8(b.s, b.len)) abort();
        if (cx_text_normalize_buf(lang, b.s, b.len, &b2) != CX_OK) abort();
        if (b2.len != b.len || memcmp(b.s, b2.s, b.len) != 0) abort();
        if (cx_text_tokenize(lang, b.s, b.len, &t) != CX_OK) abort();
        struct cx_stemmer *st = cx_stemmer_new(lang);
        if (!st) abort();
        for (size_t i = 0; i < t.n; i++) {
            const struct cx_tok *k = &t.v[i];
            if (!k->len || k->len > CX_TOKEN_MAX_BYTES || k->off + k->len > t.len) abort();
            if (!valid_utf8(t.buf + k->off, k->len)) abort();
            size_t sl;
            const char *s = cx_stemmer_stem(st, t.buf + k->off, k->len, &sl);
            if (!s) abort();
        }
        cx_stemmer_free(st);
    }
    if (size <= 4096) topics(text, size, lang);
    cx_tokens_free(&t);
    cx_textbuf_free(&b);
    cx_textbuf_free(&b2);
    return 0;
}
