/* test_text_normalize.c - language codes, normalisation, tokenisation, stop
 * words and stemming (src/text/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/lang.h"
#include "text/normalize.h"
#include "text/stem.h"
#include "text/stopwords.h"

/* Normalises s for lang into a static buffer (asserts success). */
static const char *norm(const char *lang, const char *s)
{
    static char out[4096];
    char *p;
    size_t n;
    assert_int_equal(cx_text_normalize(lang, s, strlen(s), &p, &n), CX_OK);
    assert_true(n < sizeof out);
    assert_int_equal(strlen(p), n);
    memcpy(out, p, n + 1);
    free(p);
    return out;
}

/* Normalises and tokenises s, returning the tokens joined by '|' (a break
 * before a token shows as '#'). */
static const char *toks(const char *lang, const char *s)
{
    static char out[4096];
    struct cx_textbuf b = {0};
    struct cx_tokens t = {0};
    assert_int_equal(cx_text_normalize_buf(lang, s, strlen(s), &b), CX_OK);
    assert_int_equal(cx_text_tokenize(lang, b.s, b.len, &t), CX_OK);
    size_t o = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (i) out[o++] = (t.v[i].flags & CX_TOK_BREAK) ? '#' : '|';
        assert_true(o + t.v[i].len + 2 < sizeof out);
        memcpy(out + o, t.buf + t.v[i].off, t.v[i].len);
        o += t.v[i].len;
    }
    out[o] = 0;
    cx_tokens_free(&t);
    cx_textbuf_free(&b);
    return out;
}

static const char *stem(const char *lang, const char *w)
{
    static char out[256];
    struct cx_stemmer *s = cx_stemmer_new(lang);
    assert_non_null(s);
    size_t n;
    const char *r = cx_stemmer_stem(s, w, strlen(w), &n);
    assert_non_null(r);
    assert_true(n < sizeof out);
    memcpy(out, r, n);
    out[n] = 0;
    cx_stemmer_free(s);
    return out;
}

static void test_lang_canon(void **state)
{
    char c[CX_LANG_MAX];
    cx_lang_canon("nb-NO", c);
    assert_string_equal(c, "nb");
    cx_lang_canon("no", c);
    assert_string_equal(c, "nb");
    cx_lang_canon("FA_ir", c);
    assert_string_equal(c, "fa");
    cx_lang_canon("pes", c);
    assert_string_equal(c, "fa");
    cx_lang_canon("mo", c);
    assert_string_equal(c, "ro");
    cx_lang_canon("zh-Hant-TW", c);
    assert_string_equal(c, "zh");
    cx_lang_canon(NULL, c);
    assert_string_equal(c, "und");
    cx_lang_canon("", c);
    assert_string_equal(c, "und");
    cx_lang_canon("x", c);
    assert_string_equal(c, "und");
    cx_lang_canon("e1", c);
    assert_string_equal(c, "und");
    cx_lang_canon("abcdefghij", c);
    assert_string_equal(c, "und");
    assert_string_equal(cx_lang_rules("tr").snowball, "turkish");
    assert_null(cx_lang_rules("fa").snowball);
    assert_string_equal(cx_lang_rules("xx").code, "xx");
    assert_int_equal(cx_lang_rules("xx").flags, 0);
}

static void test_lang_detect(void **state)
{
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"The app crashes after the update and I can't log in", "en"},
        {"Appen krasjer etter oppdateringen, og jeg får ikke logget inn", "nb"},
        {"Güncellemeden sonra uygulama çöküyor", "tr"},
        {"Telefonda çok uzun bekledim", "tr"},
        {"Aplicația se blochează după actualizare", "ro"},
        {"Am aşteptat foarte mult la telefon", "ro"},
        {"برنامه بعد از به‌روزرسانی از کار می‌افتد", "fa"},
        {"التطبيق يتوقف عن العمل بعد التحديث", "ar"},
        {"Приложение падает после обновления", "ru"},
        {"アップデートの後でアプリが落ちる", "ja"},
        {"12345 !!! 😡", "und"},
        {"", "und"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char c[CX_LANG_MAX];
        cx_lang_detect(cases[i].text, strlen(cases[i].text), c);
        if (strcmp(c, cases[i].lang) != 0) fail_msg("%s: got %s", cases[i].text, c);
    }
}

static void test_nfkc_casefold(void **state)
{
    assert_string_equal(norm("en", "Hello WORLD"), "hello world");
    assert_string_equal(norm("en", "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3"), "abc"); /* ＡＢＣ */
    assert_string_equal(norm("en", "\xef\xac\x81le"), "file");                      /* ﬁle */
    assert_string_equal(norm("de", "Stra\xc3\x9f"
                                   "e"),
                        "strasse"); /* ß */
    /* English drops accents, other languages keep their letters */
    assert_string_equal(norm("en", "Caf\xc3\xa9 na\xc3\xafve"), "cafe naive");
    assert_string_equal(norm("nb", "P\xc3\x85 \xc3\x98L"), "p\xc3\xa5 \xc3\xb8l"); /* på øl */
    assert_string_equal(norm("fr", "CAF\xc3\x89"), "caf\xc3\xa9");
    /* decomposed input composes */
    assert_string_equal(norm("fr", "cafe\xcc\x81"), "caf\xc3\xa9");
    /* soft hyphen and zero-width joiner vanish, zero-width space separates */
    assert_string_equal(norm("en", "up\xc2\xad"
                                   "date"),
                        "update");
    assert_string_equal(norm("en", "a\xe2\x80\x8b"
                                   "b"),
                        "a b");
    assert_string_equal(norm("en", ""), "");
}

static void test_turkish_i(void **state)
{
    assert_string_equal(norm("tr", "\xc4\xb0STANBUL"), "istanbul"); /* İSTANBUL */
    assert_string_equal(norm("tr", "ISPARTA"), "\xc4\xb1sparta");   /* ısparta */
    assert_string_equal(norm("tr", "I\xcc\x87zmir"), "izmir");      /* I + dot above */
    assert_string_equal(norm("tr", "KAPI"), "kap\xc4\xb1");         /* kapı */
    assert_string_equal(norm("tr", "\xc3\x87\xc3\x96K\xc3\x9cYOR"), "\xc3\xa7\xc3\xb6k\xc3\xbcyor");
    assert_string_equal(norm("en", "I \xc4\xb0"), "i i");
    assert_string_equal(norm("az", "INTERNET"), "\xc4\xb1nternet");
    /* Turkish keeps ş and ç with their cedilla */
    assert_string_equal(norm("tr", "\xc5\x9e"
                                   "EK\xc3\x87"),
                        "\xc5\x9f"
                        "ek\xc3\xa7");
}

static void test_romanian_comma(void **state)
{
    /* ş ţ (cedilla) = ș ț (comma below), either case, precomposed or not */
    assert_string_equal(norm("ro", "a\xc5\x9f"
                                   "tept"),
                        "a\xc8\x99tept");
    assert_string_equal(norm("ro", "a\xc8\x99tept"), "a\xc8\x99tept");
    assert_string_equal(norm("ro", "Aplica\xc5\xa3ia"), "aplica\xc8\x9bia");
    assert_string_equal(norm("ro", "\xc5\x9e\xc5\xa2"), "\xc8\x99\xc8\x9b");
    assert_string_equal(norm("ro", "s\xcc\xa7t\xcc\xa7"), "\xc8\x99\xc8\x9b");
    assert_string_equal(norm("ro", "\xc4\x82\xc3\x8e\xc3\x82"),
                        "\xc4\x83\xc3\xae\xc3\xa2"); /* ăîâ */
}

static void test_persian(void **state)
{
    const char *kb = "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8"; /* کتاب */
    /* Arabic kaf and yeh */
    assert_string_equal(norm("fa", "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8"), kb);
    assert_string_equal(norm("fa", "\xd8\xae\xd9\x8a\xd9\x84\xd9\x8a"),
                        "\xd8\xae\xdb\x8c\xd9\x84\xdb\x8c");
    assert_string_equal(norm("fa", "\xd9\x85\xd9\x88\xd8\xb3\xdb\x8c\xd9\x89"),
                        "\xd9\x85\xd9\x88\xd8\xb3\xdb\x8c\xdb\x8c");
    /* tatweel and harakat */
    assert_string_equal(norm("fa", "\xda\xa9\xd9\x80\xd9\x80\xd8\xaa\xd8\xa7\xd8\xa8"), kb);
    assert_string_equal(norm("fa", "\xda\xa9\xd9\x90\xd8\xaa\xd8\xa7\xd8\xa8"), kb);
    /* ة and ۀ to ه; آ keeps its madda; أ loses its hamza */
    assert_string_equal(norm("fa", "\xd8\xb1\xd8\xb3\xd8\xa7\xd9\x84\xd8\xa9"),
                        "\xd8\xb1\xd8\xb3\xd8\xa7\xd9\x84\xd9\x87");
    assert_string_equal(norm("fa", "\xd8\xae\xd8\xa7\xd9\x86\xdb\x80"),
                        "\xd8\xae\xd8\xa7\xd9\x86\xd9\x87");
    assert_string_equal(norm("fa", "\xd8\xa2\xd8\xa8"), "\xd8\xa2\xd8\xa8");
    assert_string_equal(norm("fa", "\xd8\xa3\xd8\xb3\xd8\xaa"), "\xd8\xa7\xd8\xb3\xd8\xaa");
    /* Persian and Arabic-Indic digits */
    assert_string_equal(norm("fa", "\xdb\xb4\xdb\xb0 \xd9\xa1\xd9\xa2"), "40 12");
    assert_string_equal(norm("en", "\xdb\xb9"), "9");
    /* ZWNJ: می‌خواهم = میخواهم as text, and as tokens with می خواهم */
    const char *zwnj = "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    const char *joined = "\xd9\x85\xdb\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    const char *spaced = "\xd9\x85\xdb\x8c \xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    const char *arabic_yeh = "\xd9\x85\xd9\x8a \xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    assert_string_equal(norm("fa", zwnj), joined);
    assert_string_equal(toks("fa", zwnj), joined);
    assert_string_equal(toks("fa", spaced), joined);
    assert_string_equal(toks("fa", arabic_yeh), joined);
    /* نمی خواهم joins too; a break keeps them apart */
    assert_string_equal(
        toks("fa", "\xd9\x86\xd9\x85\xdb\x8c \xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"),
        "\xd9\x86\xd9\x85\xdb\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85");
    assert_string_equal(toks("fa", "\xd9\x85\xdb\x8c. \xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"),
                        "\xd9\x85\xdb\x8c#\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85");
    /* other languages do not join */
    assert_string_equal(toks("ar", spaced),
                        "\xd9\x85\xdb\x8c|\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85");
}

static void test_tokenize(void **state)
{
    assert_string_equal(toks("en", "I waited 40 minutes, on the phone!!! 😡😡"),
                        "i|waited|minutes#on|the|phone");
    assert_string_equal(toks("en", "see https://example.com/a?b=1 or www.x.org and me@x.org now"),
                        "see#or#and#now");
    assert_string_equal(toks("en", "Don't log-in (twice)"), "don't|log|in#twice");
    assert_string_equal(toks("en", "the \xe2\x80\x9c"
                                   "app\xe2\x80\x9d crashes"),
                        "the|app|crashes");
    assert_string_equal(toks("en", "it\xe2\x80\x99s 4g mp3 2024"), "it's|4g|mp3");
    assert_string_equal(toks("tr", "Turkcell'den \xc3\xa7ok memnunum"),
                        "turkcell|\xc3\xa7ok|memnunum");
    assert_string_equal(toks("fr", "l'application plante"), "l|application|plante");
    assert_string_equal(toks("und", "\xe4\xb8\xad\xe6\x96\x87ok"), "\xe4\xb8\xad|\xe6\x96\x87|ok");
    assert_string_equal(toks("en", "line one\nline two"), "line|one#line|two");
    assert_string_equal(toks("en", "...!!!"), "");
    /* overlong tokens are dropped */
    char longw[200];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    assert_string_equal(toks("en", longw), "");
    /* invalid bytes separate tokens */
    struct cx_tokens t = {0};
    assert_int_equal(cx_text_tokenize("en",
                                      "ab\xff"
                                      "cd\xc3",
                                      6, &t),
                     CX_OK);
    assert_int_equal(t.n, 2);
    cx_tokens_free(&t);
}

static void test_token_limit(void **state)
{
    size_t n = 3 * CX_TOKENS_MAX;
    char *s = malloc(2 * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = 'a';
        s[2 * i + 1] = ' ';
    }
    s[2 * n] = 0;
    struct cx_tokens t = {0};
    assert_int_equal(cx_text_tokenize("en", s, 2 * n, &t), CX_OK);
    assert_int_equal(t.n, CX_TOKENS_MAX);
    cx_tokens_free(&t);
    free(s);
}

static void test_invalid_utf8(void **state)
{
    char *p = (char *)1;
    size_t n = 7;
    assert_int_equal(cx_text_normalize("en", "ab\xff", 3, &p, &n), CX_EFORMAT);
    assert_null(p);
    assert_int_equal(n, 0);
    assert_int_equal(cx_text_normalize("fa", "\xed\xa0\x80", 3, &p, NULL),
                     CX_EFORMAT);                                                   /* surrogate */
    assert_int_equal(cx_text_normalize("tr", "\xc0\xaf", 2, &p, NULL), CX_EFORMAT); /* overlong */
    assert_int_equal(cx_text_normalize("en", "x", CX_TEXT_MAX_BYTES + 1, &p, NULL), CX_ELIMIT);
    /* embedded NUL is a character like another */
    assert_int_equal(cx_text_normalize("en", "A\0B", 3, &p, &n), CX_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "a\0b", 3);
    free(p);
}

/* Random bytes and random code points: nothing crashes, accepted output is
 * valid UTF-8, and normalisation is idempotent. */
static void test_garbage(void **state)
{
    static const char *const langs[] = {"en", "nb", "tr", "fa", "ro", "ar", "und", "ja"};
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    struct cx_textbuf b = {0}, b2 = {0};
    struct cx_tokens t = {0};
    unsigned char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0, want = (size_t)(x % sizeof buf);
        while (len < want) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (iter & 1) {
                buf[len++] = (unsigned char)x;
            } else {
                /* mostly valid: pick code points from interesting ranges */
                static const int32_t base[] = {0x20,   0x41,  0xC0,  0x300,  0x600,  0x6F0,
                                               0x200B, 0x130, 0x15E, 0xFB50, 0x4E00, 0x1F600};
                int32_t cp = base[x % 12] + (int32_t)((x >> 8) % 64);
                uint8_t enc[4];
                int k = 0;
                if (cp < 0x80) {
                    enc[k++] = (uint8_t)cp;
                } else if (cp < 0x800) {
                    enc[k++] = (uint8_t)(0xC0 | (cp >> 6));
                    enc[k++] = (uint8_t)(0x80 | (cp & 63));
                } else if (cp < 0x10000) {
                    enc[k++] = (uint8_t)(0xE0 | (cp >> 12));
                    enc[k++] = (uint8_t)(0x80 | ((cp >> 6) & 63));
                    enc[k++] = (uint8_t)(0x80 | (cp & 63));
                } else {
                    enc[k++] = (uint8_t)(0xF0 | (cp >> 18));
                    enc[k++] = (uint8_t)(0x80 | ((cp >> 12) & 63));
                    enc[k++] = (uint8_t)(0x80 | ((cp >> 6) & 63));
                    enc[k++] = (uint8_t)(0x80 | (cp & 63));
                }
                if (len + (size_t)k > sizeof buf) break;
                memcpy(buf + len, enc, (size_t)k);
                len += (size_t)k;
            }
        }
        const char *lang = langs[iter % 8];
        int rc = cx_text_normalize_buf(lang, (const char *)buf, len, &b);
        assert_true(rc == CX_OK || rc == CX_EFORMAT);
        /* the tokenizer copes with anything, even un-normalised bytes */
        assert_int_equal(cx_text_tokenize(lang, (const char *)buf, len, &t), CX_OK);
        if (rc != CX_OK) continue;
        assert_int_equal(cx_text_normalize_buf(lang, b.s, b.len, &b2), CX_OK);
        if (b.len != b2.len || memcmp(b.s, b2.s, b.len) != 0)
            fail_msg("not idempotent for %s at iteration %d", lang, iter);
        assert_int_equal(cx_text_tokenize(lang, b.s, b.len, &t), CX_OK);
        for (size_t i = 0; i < t.n; i++) {
            assert_true(t.v[i].len > 0 && t.v[i].len <= CX_TOKEN_MAX_BYTES);
            assert_true(t.v[i].off + t.v[i].len <= t.len);
        }
    }
    cx_tokens_free(&t);
    cx_textbuf_free(&b);
    cx_textbuf_free(&b2);
}

static void test_stopwords(void **state)
{
    static const char *const langs[] = {"en", "nb", "tr", "fa", "ro", "und"};
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
        size_t n;
        const char *const *v = cx_stopwords(langs[l], &n);
        assert_true(n >= 80);
        for (size_t i = 0; i < n; i++) {
            if (i && strcmp(v[i - 1], v[i]) >= 0)
                fail_msg("%s: %s before %s", langs[l], v[i - 1], v[i]);
            /* stored in normalised form */
            if (strcmp(norm(langs[l], v[i]), v[i]) != 0)
                fail_msg("%s: %s not normalised", langs[l], v[i]);
            assert_true(cx_stopword(langs[l], v[i], strlen(v[i])));
        }
    }
    assert_true(cx_stopword("en", "very", 4));
    assert_true(cx_stopword("en", "please", 6));
    assert_true(cx_stopword("en", "thanks", 6));
    assert_true(cx_stopword("en", "don't", 5));
    assert_false(cx_stopword("en", "wait", 4));
    assert_false(cx_stopword("en", "phone", 5));
    assert_false(cx_stopword("en", "", 0));
    assert_true(cx_stopword("nb", "veldig", 6));
    assert_true(cx_stopword("nn", "ikkje", 5));
    assert_true(cx_stopword("tr", "\xc3\xa7ok", 4)); /* çok */
    assert_true(cx_stopword("ro", "foarte", 6));
    assert_true(cx_stopword("fa", "\xd8\xae\xdb\x8c\xd9\x84\xdb\x8c", 8)); /* خیلی */
    assert_true(cx_stopword("de", "und", 3));                              /* generic */
    assert_true(cx_stopword(NULL, "thanks", 6));
    assert_false(cx_stopword("de", "versand", 7));
}

static void test_stem(void **state)
{
    assert_string_equal(stem("en", "crashes"), "crash");
    assert_string_equal(stem("en", "waited"), "wait");
    assert_string_equal(stem("nb", "oppdateringen"), "oppdatering");
    assert_string_equal(stem("nb", "appen"), "app");
    assert_string_equal(stem("tr", "g\xc3\xbcncellemeden"), "g\xc3\xbcncelleme");
    assert_string_equal(stem("ro", "actualizarea"), stem("ro", "actualizare"));
    assert_string_equal(stem("ar", "\xd8\xa7\xd9\x84\xd8\xaa\xd8\xb7\xd8\xa8\xd9\x8a\xd9\x82"),
                        stem("ar", "\xd8\xaa\xd8\xb7\xd8\xa8\xd9\x8a\xd9\x82"));
    /* unknown languages: identity */
    assert_string_equal(stem("xx", "words"), "words");
    assert_string_equal(stem(NULL, "words"), "words");
    struct cx_stemmer *s = cx_stemmer_new("und");
    assert_false(cx_stemmer_active(s));
    cx_stemmer_free(s);
    s = cx_stemmer_new("fa");
    assert_true(cx_stemmer_active(s));
    cx_stemmer_free(s);
    cx_stemmer_free(NULL);
}

static void test_stem_persian(void **state)
{
    const char *ketab = "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8"; /* کتاب */
    assert_string_equal(stem("fa", "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8\xd9\x87\xd8\xa7"),
                        ketab); /* کتابها */
    assert_string_equal(stem("fa", "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8\xd9\x87\xd8\xa7\xdb\x8c"),
                        ketab);
    assert_string_equal(
        stem("fa",
             "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8\xd9\x87\xd8\xa7\xdb\x8c\xd8\xb4\xd8\xa7\xd9\x86"),
        ketab); /* کتابهایشان */
    assert_string_equal(stem("fa", "\xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8\xd9\x85\xd8\xa7\xd9\x86"),
                        ketab); /* کتابمان */
    /* بزرگترین, بزرگتر -> بزرگ */
    const char *bozorg = "\xd8\xa8\xd8\xb2\xd8\xb1\xda\xaf";
    assert_string_equal(
        stem("fa", "\xd8\xa8\xd8\xb2\xd8\xb1\xda\xaf\xd8\xaa\xd8\xb1\xdb\x8c\xd9\x86"), bozorg);
    assert_string_equal(stem("fa", "\xd8\xa8\xd8\xb2\xd8\xb1\xda\xaf\xd8\xaa\xd8\xb1"), bozorg);
    /* می / نمی verb prefixes */
    const char *khaham = "\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    assert_string_equal(stem("fa", "\xd9\x85\xdb\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"),
                        khaham);
    assert_string_equal(
        stem("fa", "\xd9\x86\xd9\x85\xdb\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"), khaham);
    /* too short to strip: میز (table), زمان (time), بهتر (better) */
    assert_string_equal(stem("fa", "\xd9\x85\xdb\x8c\xd8\xb2"), "\xd9\x85\xdb\x8c\xd8\xb2");
    assert_string_equal(stem("fa", "\xd8\xb2\xd9\x85\xd8\xa7\xd9\x86"),
                        "\xd8\xb2\xd9\x85\xd8\xa7\xd9\x86");
    assert_string_equal(stem("fa", "\xd8\xa8\xd9\x87\xd8\xaa\xd8\xb1"),
                        "\xd8\xa8\xd9\x87\xd8\xaa\xd8\xb1");
    /* ASCII and invalid bytes pass through */
    assert_string_equal(stem("fa", "app"), "app");
    char out[8];
    assert_int_equal(cx_stem_fa("\xd9\xff", 2, out), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_canon),     cmocka_unit_test(test_lang_detect),
        cmocka_unit_test(test_nfkc_casefold),  cmocka_unit_test(test_turkish_i),
        cmocka_unit_test(test_romanian_comma), cmocka_unit_test(test_persian),
        cmocka_unit_test(test_tokenize),       cmocka_unit_test(test_token_limit),
        cmocka_unit_test(test_invalid_utf8),   cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_stopwords),      cmocka_unit_test(test_stem),
        cmocka_unit_test(test_stem_persian),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
