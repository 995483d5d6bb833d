/* fuzz_text.c - libFuzzer target for the text pipeline: normalisation,
 * tokenising, stemming and topic mining on arbitrary bytes. The first byte
 * picks the language. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "text/normalize.h"
#include "text/stem.h"
#include "text/topics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {"en", "nb", "tr", "fa", "ro", "und", NULL};
    if (size == 0) return 0;
    const char *lang = langs[data[0] % 7];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char *norm = NULL;
    size_t nlen = 0;
    int rc = cx_text_normalize(lang, text, len, &norm, &nlen);
    if (rc == 0) {
        /* texts reach here without NUL bytes (import rejects them) */
        if (!memchr(text, 0, len) && (!cx_utf8_valid(norm, nlen, NULL) || strlen(norm) != nlen))
            abort();
        struct cx_tokens t = {0};
        if (cx_text_tokenize(lang, norm, nlen, &t) == 0) {
            struct cx_stemmer *st = cx_stemmer_new(lang);
            for (size_t i = 0; st && i < t.n; i++) {
                size_t ol = 0;
                cx_stemmer_stem(st, t.buf + t.v[i].off, t.v[i].len, &ol);
            }
            cx_stemmer_free(st);
        }
        cx_tokens_free(&t);
    }
    free(norm);
    /* the same bytes as a tiny corpus */
    char *copy = malloc(len + 1);
    if (!copy) return 0;
    memcpy(copy, text, len);
    copy[len] = 0;
    struct cx_doc docs[3] = {
        {"a", copy, lang, 1, 1, 0.5}, {"b", copy, lang, 2, 0, 0}, {"c", copy, NULL, 3, 1, 0.1}};
    struct cx_topics_opts o = {5, 1, 2, 2};
    struct cx_topic *tp = NULL;
    size_t n = 0;
    struct cx_err err;
    if (cx_topics_run(docs, 3, &o, &tp, &n, &err) == 0) cx_topics_free(tp, n);
    free(copy);
    return 0;
}
