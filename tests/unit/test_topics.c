/* test_topics.c - the topics engine (src/text/topics.c) on a generated
 * multilingual corpus with planted issues. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/topics.h"

#define SPLIT 2000 /* times >= SPLIT are the current period */

/* A planted issue: phrasings (with %s for a number, written in the
 * language's digits), comments per period, and how they are scored. */
struct issue {
    const char *lang;
    const char *marker; /* a substring of the issue's label or phrasings */
    const char *const *phr;
    size_t nphr;
    int prev, cur;
    double score;
    /* expected, filled while generating */
    double ssum;
    int nscore;
};

#define N(a) (sizeof a / sizeof a[0])

static const char *const en_wait[] = {
    "I waited %s minutes on the phone.",
    "Long wait time on the phone again",
    "The wait time on the phone is too long!",
    "Waited %s minutes on the phone before anyone answered",
    "Way too long wait time on the phone.",
};
static const char *const en_crash[] = {
    "The app crashes after the update",
    "Since the last update the app keeps crashing",
    "App crashed twice after updating",
    "After the update, the app crashes on startup",
    "The app keeps crashing after the new update",
};
static const char *const nb_wait[] = {
    "Lang ventetid på telefon.",
    "Jeg ventet i %s minutter på telefonen, altfor lang ventetid",
    "Ventetiden på telefonen var altfor lang",
    "Altfor lang ventetid på telefonen i dag",
};
static const char *const nb_crash[] = {
    "Appen krasjer etter oppdateringen",
    "Etter siste oppdatering krasjer appen hele tiden",
    "Appen krasjet to ganger etter oppdateringen",
    "Etter oppdateringen krasjer appen hver gang jeg åpner den",
};
static const char *const tr_wait[] = {
    "Telefonda çok uzun bekledim",
    "Müşteri hizmetlerine ulaşmak için telefonda %s dakika bekledim",
    "Telefonda bekleme süresi çok uzun, %s dakika bekledim",
    "Dün telefonda yine uzun süre bekledim",
};
static const char *const tr_crash[] = {
    "Güncellemeden sonra uygulama çöküyor",
    "Uygulama son güncellemeden beri sürekli çöküyor",
    "Son güncellemeden sonra uygulama sürekli çöktü",
    "Yeni güncellemeden sonra uygulama çöküyor",
};
/* Persian with Persian digits, ZWNJ or none, and Arabic ي ك mixed in */
static const char *const fa_wait[] = {
    "مدت زیادی پشت خط منتظر ماندم",
    "%s دقیقه پشت خط منتظر بودم",
    "زمان انتظار پشت خط خيلي طولاني است",
    "امروز دوباره %s دقيقه پشت خط ماندم",
};
static const char *const fa_crash[] = {
    "برنامه بعد از به‌روزرسانی از کار می‌افتد",
    "بعد از بهروزرسانی، برنامه مدام از کار میافتد",
    "از وقتی برنامه را بروز كردم از كار مي افتد",
    ("برنامه بعد از به‌روزرسانی جدید مدام از کار "
     "می‌افتد"),
};
static const char *const ro_wait[] = {
    "Am așteptat foarte mult la telefon",
    "Am aşteptat %s de minute la telefon",
    "Timpul de așteptare la telefon este prea lung",
    "Aștept de %s de minute la telefon",
};
static const char *const ro_crash[] = {
    "Aplicația se blochează după actualizare",
    "După ultima actualizare aplicaţia se blochează mereu",
    "Aplicația se blochează de fiecare dată după actualizare",
    "Din cauza actualizării, aplicația se blochează",
};

/* wait: stable (20 and 20 of 120 comments per period and language);
 * crash: rising (10 then 40) */
static struct issue issues[] = {
    {"en", "wait", en_wait, N(en_wait), 20, 20, 0.2, 0, 0},
    {"en", "crash", en_crash, N(en_crash), 10, 40, 0.1, 0, 0},
    {"nb", "ventetid", nb_wait, N(nb_wait), 20, 20, 0.3, 0, 0},
    {"nb", "krasj", nb_crash, N(nb_crash), 10, 40, 0.15, 0, 0},
    {"tr", "bekle", tr_wait, N(tr_wait), 20, 20, 0.25, 0, 0},
    {"tr", "\xc3\xa7\xc3\xb6k", tr_crash, N(tr_crash), 10, 40, 0.05, 0, 0}, /* çök */
    {"fa", "\xd9\xbe\xd8\xb4\xd8\xaa \xd8\xae\xd8\xb7", fa_wait, N(fa_wait), 20, 20, 0.2, 0, 0},
    {"fa", "\xd8\xa7\xd9\x81\xd8\xaa\xd8\xaf", fa_crash, N(fa_crash), 10, 40, 0.1, 0, 0}, /* افتد */
    {"ro", "a\xc8\x99tept", ro_wait, N(ro_wait), 20, 20, 0.35, 0, 0},
    {"ro", "bloch", ro_crash, N(ro_crash), 10, 40, 0.2, 0, 0},
};

/* Noise: random content words joined by stop words, per language. */
static const char *const en_noise[] = {
    "staff",    "friendly", "price",    "delivery", "store",      "website",  "invoice", "email",
    "refund",   "product",  "quality",  "package",  "color",      "size",     "manager", "parking",
    "checkout", "receipt",  "discount", "coupon",   "newsletter", "shipping", "courier", "warranty",
    "battery",  "screen",   "keyboard", "printer",  "cable",      "charger",  "jacket",  "shoes",
    "shirt",    "coffee",   "menu",     "table",    "chair",      "garden",   "music",   "weather"};
static const char *const en_glue[] = {"the", "and", "my", "with", "is"};
static const char *const nb_noise[] = {
    "personale", "vennlig",   "pris",    "levering",   "butikk",  "nettside", "faktura",
    "epost",     "refusjon",  "produkt", "kvalitet",   "pakke",   "farge",    "størrelse",
    "leder",     "parkering", "kasse",   "kvittering", "rabatt",  "kupong",   "nyhetsbrev",
    "frakt",     "bud",       "garanti", "batteri",    "skjerm",  "tastatur", "skriver",
    "kabel",     "lader",     "jakke",   "sko",        "skjorte", "kaffe",    "meny",
    "bord",      "stol",      "hage",    "musikk",     "sykkel"};
static const char *const nb_glue[] = {"og", "med", "er", "min", "den"};
static const char *const tr_noise[] = {
    "personel", "nazik", "fiyat",   "teslimat", "mağaza",   "site",  "fatura", "eposta",
    "iade",     "ürün",  "kalite",  "paket",    "renk",     "beden", "müdür",  "otopark",
    "kasa",     "fiş",   "indirim", "kupon",    "bülten",   "kargo", "kurye",  "garanti",
    "pil",      "ekran", "klavye",  "yazıcı",   "kablo",    "şarj",  "ceket",  "ayakkabı",
    "gömlek",   "kahve", "menü",    "masa",     "sandalye", "bahçe", "müzik",  "hava"};
static const char *const tr_glue[] = {"ve", "ile", "bu", "çok", "de"};
static const char *const fa_noise[] = {
    "کارمند",    "مهربان", "قیمت",   "ارسال", "فروشگاه", "سایت",   "فاکتور", "ایمیل",
    "بازپرداخت", "محصول",  "کیفیت",  "بسته",  "رنگ",     "اندازه", "مدیر",   "پارکینگ",
    "صندوق",     "رسید",   "تخفیف",  "کوپن",  "خبرنامه", "پست",    "پیک",    "گارانتی",
    "باتری",     "صفحه",   "کیبورد", "چاپگر", "کابل",    "شارژر",  "کاپشن",  "کفش",
    "پیراهن",    "قهوه",   "منو",    "میز",   "صندلی",   "باغ",    "موسیقی", "هوا"};
static const char *const fa_glue[] = {"و", "با", "این", "است", "هم"};
static const char *const ro_noise[] = {
    "personal",  "amabil",     "preț",     "livrare",  "magazin",  "site",      "factură",
    "email",     "rambursare", "produs",   "calitate", "pachet",   "culoare",   "mărime",
    "manager",   "parcare",    "casă",     "bon",      "reducere", "cupon",     "newsletter",
    "transport", "curier",     "garanție", "baterie",  "ecran",    "tastatură", "imprimantă",
    "cablu",     "încărcător", "geacă",    "pantofi",  "cămașă",   "cafea",     "meniu",
    "masă",      "scaun",      "grădină",  "muzică",   "vreme"};
static const char *const ro_glue[] = {"și", "cu", "este", "la", "pe"};

static const struct {
    const char *lang;
    const char *const *words, *const *glue;
    int prev, cur;
} noise[] = {
    {"en", en_noise, en_glue, 90, 60}, {"nb", nb_noise, nb_glue, 90, 60},
    {"tr", tr_noise, tr_glue, 90, 60}, {"fa", fa_noise, fa_glue, 90, 60},
    {"ro", ro_noise, ro_glue, 90, 60},
};

static uint64_t rng = 42;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct corpus {
    struct cx_doc *docs;
    char **texts;
    size_t n, cap;
};

static void add(struct corpus *c, char *text, const char *lang, int64_t time, int has, double s)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->docs = realloc(c->docs, c->cap * sizeof *c->docs);
        c->texts = realloc(c->texts, c->cap * sizeof *c->texts);
        assert_non_null(c->docs);
        assert_non_null(c->texts);
    }
    c->texts[c->n] = text;
    c->docs[c->n] = (struct cx_doc){NULL, text, lang, time, has, s};
    c->n++;
}

/* The number n written in ASCII, or in Persian digits for fa. */
static void number(char *out, const char *lang, int n)
{
    if (strcmp(lang, "fa") != 0) {
        sprintf(out, "%d", n);
        return;
    }
    char ascii[16];
    sprintf(ascii, "%d", n);
    out[0] = 0;
    for (char *p = ascii; *p; p++) {
        char d[3] = {(char)0xdb, (char)(0xb0 + (*p - '0')), 0}; /* ۰..۹ */
        strcat(out, d);
    }
}

static void build(struct corpus *c)
{
    memset(c, 0, sizeof *c);
    rng = 42;
    int64_t t = 0;
    for (size_t i = 0; i < N(issues); i++) {
        struct issue *is = &issues[i];
        is->ssum = 0;
        is->nscore = 0;
        for (int k = 0; k < is->prev + is->cur; k++) {
            int cur = k >= is->prev;
            char num[32], *text = malloc(512);
            assert_non_null(text);
            number(num, is->lang, 10 + (int)(next() % 80));
            snprintf(text, 512, is->phr[k % is->nphr], num);
            /* scored 3 in 4; a few English comments come without a language */
            int has = k % 4 != 0;
            double s = is->score + (k % 2 ? 0.1 : 0);
            if (cur && has) {
                is->ssum += s;
                is->nscore++;
            }
            const char *lang = strcmp(is->lang, "en") == 0 && k % 7 == 3 ? NULL : is->lang;
            add(c, text, lang, cur ? SPLIT + t++ : t++, has, s);
        }
    }
    for (size_t l = 0; l < N(noise); l++)
        for (int k = 0; k < noise[l].prev + noise[l].cur; k++) {
            char *text = malloc(512);
            assert_non_null(text);
            text[0] = 0;
            int words = 3 + (int)(next() % 3);
            for (int w = 0; w < words; w++) {
                if (w) {
                    strcat(text, " ");
                    strcat(text, noise[l].glue[next() % 5]);
                    strcat(text, " ");
                }
                strcat(text, noise[l].words[next() % 40]);
            }
            strcat(text, ".");
            add(c, text, noise[l].lang, k >= noise[l].prev ? SPLIT + t++ : t++, 1, 0.8);
        }
}

static void release(struct corpus *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->texts[i]);
    free(c->texts);
    free(c->docs);
}

static int mentions(const struct cx_topic *t, const char *marker)
{
    if (strstr(t->label, marker)) return 1;
    for (size_t i = 0; i < t->nphrasings; i++)
        if (strstr(t->phrasings[i], marker)) return 1;
    return 0;
}

static void dump(const struct cx_topic *t, size_t n)
{
    if (!getenv("TOPICS_DEBUG")) return;
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%2zu %-40s [%s] %s cur=%llu prev=%llu z=%.2f p=%.3f mean=%.3f/%llu |", i,
                t[i].label, t[i].key, t[i].langs, (unsigned long long)t[i].count,
                (unsigned long long)t[i].prev_count, t[i].trend_z, t[i].trend_p, t[i].mean_score,
                (unsigned long long)t[i].nscore);
        for (size_t j = 0; j < t[i].nphrasings; j++) fprintf(stderr, " {%s}", t[i].phrasings[j]);
        fprintf(stderr, "\n");
    }
}

static void test_planted_issues(void **state)
{
    struct corpus c;
    build(&c);
    struct cx_topics_opts o = {.max_topics = 100, .min_count = 10, .split = SPLIT, .examples = 3};
    struct cx_topic *t = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    assert_int_equal(cx_topics_run(c.docs, c.n, &o, &t, &n, &err), CX_OK);
    dump(t, n);
    assert_true(n > 0);
    for (size_t i = 1; i < n; i++) {
        assert_true(t[i - 1].count >= t[i].count);
        if (t[i - 1].count == t[i].count) assert_true(strcmp(t[i - 1].label, t[i].label) <= 0);
    }
    for (size_t i = 0; i < N(issues); i++) {
        const struct issue *is = &issues[i];
        const struct cx_topic *hit = NULL;
        size_t rank = 0, found = 0;
        for (size_t j = 0; j < n; j++) {
            if (strcmp(t[j].lang, is->lang) != 0 || !mentions(&t[j], is->marker)) continue;
            if (!hit) {
                hit = &t[j];
                rank = j;
            }
            found++;
        }
        if (!hit) fail_msg("%s %s: not found", is->lang, is->marker);
        /* one topic per issue: every phrasing grouped, every comment counted */
        if (found != 1) fail_msg("%s %s: split into %zu topics", is->lang, is->marker, found);
        if (hit->count != (uint64_t)is->cur || hit->prev_count != (uint64_t)is->prev)
            fail_msg("%s %s: counts %llu/%llu, planted %d/%d", is->lang, is->marker,
                     (unsigned long long)hit->count, (unsigned long long)hit->prev_count, is->cur,
                     is->prev);
        assert_true(hit->nphrasings >= 2);
        assert_string_equal(hit->langs, is->lang);
        /* among the language's top topics: only bigger cross-language ones before it */
        size_t before = 0;
        for (size_t j = 0; j < rank; j++)
            if (strcmp(t[j].lang, is->lang) == 0 && !strchr(t[j].langs, ',')) before++;
        if (before > 1) fail_msg("%s %s: rank %zu in its language", is->lang, is->marker, before);
        /* 120 comments per period and language, five languages */
        assert_true(fabs(hit->share - is->cur / 600.0) < 1e-12);
        assert_true(fabs(hit->prev_share - is->prev / 600.0) < 1e-12);
        /* scores: only scored comments of the current period count */
        assert_int_equal(hit->nscore, (uint64_t)is->nscore);
        assert_true(fabs(hit->mean_score - is->ssum / is->nscore) < 1e-9);
        /* trend: crash rose from 10 to 40, wait stayed at 20 */
        if (is->cur > is->prev) {
            assert_true(hit->trend_significant);
            assert_true(hit->trend_z > 3);
            assert_true(hit->trend_p < 0.01);
        } else {
            assert_false(hit->trend_significant);
            assert_true(fabs(hit->trend_z) < 1e-9);
            assert_true(hit->trend_p > 0.99);
        }
        /* quotes are distinct original texts from the current period */
        assert_int_equal(hit->nexamples, 3);
        for (size_t e = 0; e < hit->nexamples; e++) {
            int known = 0;
            for (size_t d = 0; d < c.n && !known; d++)
                known = strcmp(c.docs[d].text, hit->examples[e]) == 0 && c.docs[d].time >= SPLIT;
            assert_true(known);
            for (size_t f = 0; f < e; f++)
                assert_string_not_equal(hit->examples[f], hit->examples[e]);
        }
    }
    /* "app" is shared by the English and Norwegian crash comments */
    int shared = 0;
    for (size_t j = 0; j < n; j++)
        if (strcmp(t[j].key, "app") == 0) {
            assert_string_equal(t[j].langs, "en,nb");
            assert_int_equal(t[j].count, 80);
            shared = 1;
        }
    assert_true(shared);
    cx_topics_free(t, n);
    release(&c);
}

/* Persian phrasings differ only in ZWNJ, spaces, digits and Arabic letter
 * forms: all of them are one phrase. */
static void test_persian_variants(void **state)
{
    static const char *const v[] = {
        "برنامه از کار می‌افتد",
        "برنامه از کار میافتد",
        "برنامه از کار می افتد",
        "برنامه از كار مي افتد",
        "برنامـــه از کار می‌افتد!",
        "بَرنامه از کار مى‌افتد ۱۲",
    };
    struct cx_doc docs[60];
    for (size_t i = 0; i < 60; i++) docs[i] = (struct cx_doc){NULL, v[i % 6], "fa", 0, 0, 0};
    struct cx_topics_opts o = {.min_count = 5};
    struct cx_topic *t = NULL;
    size_t n = 0;
    assert_int_equal(cx_topics_run(docs, 60, &o, &t, &n, NULL), CX_OK);
    dump(t, n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].count, 60);
    assert_string_equal(t[0].lang, "fa");
    assert_string_equal(t[0].label, "برنامه از کار میافتد");
    assert_int_equal(t[0].prev_count, 0);
    assert_false(t[0].trend_significant);
    assert_true(t[0].trend_p == 1);
    assert_int_equal(t[0].nscore, 0);
    assert_true(t[0].share == 1);
    /* the duplicates are not repeated as examples */
    assert_int_equal(t[0].nexamples, 3);
    assert_string_equal(t[0].examples[0], v[0]);
    assert_string_equal(t[0].examples[1], v[1]);
    cx_topics_free(t, n);
}

/* Romanian cedilla and comma spellings, Turkish capitals. */
static void test_spelling_variants(void **state)
{
    static const char *const v[] = {
        "Aplicaţia se blochează", "Aplicația se blochează", "APLICAŢIA SE BLOCHEAZĂ",
        "İNTERNET ÇOK YAVAŞ",     "internet çok yavaş",     "İnternet çok yavaş",
    };
    struct cx_doc docs[60];
    for (size_t i = 0; i < 60; i++)
        docs[i] = (struct cx_doc){NULL, v[i % 6], i % 6 < 3 ? "ro-RO" : "tr-TR", 0, 1, 0.5};
    struct cx_topics_opts o = {.min_count = 5};
    struct cx_topic *t = NULL;
    size_t n = 0;
    assert_int_equal(cx_topics_run(docs, 60, &o, &t, &n, NULL), CX_OK);
    dump(t, n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].count, 30);
        assert_int_equal(t[i].nscore, 30);
        assert_true(fabs(t[i].mean_score - 0.5) < 1e-12);
    }
    assert_string_equal(t[0].label, "aplicația se blochează");
    assert_string_equal(t[1].label, "internet çok yavaş");
    cx_topics_free(t, n);
}

/* Bad input: NULL and invalid texts are comments without text. */
static void test_robust(void **state)
{
    struct cx_topic *t = (struct cx_topic *)1;
    size_t n = 5;
    struct cx_err err = {{0}};
    assert_int_equal(cx_topics_run(NULL, 0, NULL, &t, &n, &err), CX_OK);
    assert_null(t);
    assert_int_equal(n, 0);
    assert_int_equal(cx_topics_run(NULL, 3, NULL, &t, &n, &err), CX_EINVAL);
    assert_true(strlen(err.msg) > 0);
    struct cx_doc d = {0};
    assert_int_equal(cx_topics_run(&d, 1, NULL, NULL, &n, &err), CX_EINVAL);

    struct cx_doc docs[40];
    for (size_t i = 0; i < 40; i++) {
        const char *text = i % 4 == 0   ? NULL
                           : i % 4 == 1 ? "login fails \xff\xfe again"
                           : i % 4 == 2 ? ""
                                        : "login fails every morning";
        docs[i] = (struct cx_doc){NULL, text, i % 3 ? "en" : "zz-Latn", (int64_t)i, 0, NAN};
    }
    struct cx_topics_opts o = {.min_count = 5, .split = 20};
    assert_int_equal(cx_topics_run(docs, 40, &o, &t, &n, &err), CX_OK);
    dump(t, n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].count + t[0].prev_count, 10);
    assert_int_equal(t[0].nexamples, 1);
    assert_string_equal(t[0].examples[0], "login fails every morning");
    assert_true(t[0].share == 5.0 / 20);
    cx_topics_free(t, n);
    cx_topics_free(NULL, 0);
}

/* Long comments are cut; quotes are cut at a character boundary. */
static void test_long_text(void **state)
{
    size_t len = 200000;
    char *big = malloc(len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < len; i += 2) memcpy(big + i, "\xc3\xa9", 2); /* é é é ... */
    memcpy(big, "refund missing  ", 16);
    big[len] = 0;
    struct cx_doc docs[12];
    for (size_t i = 0; i < 12; i++) docs[i] = (struct cx_doc){NULL, big, "fr", 0, 0, 0};
    struct cx_topics_opts o = {.min_count = 10};
    struct cx_topic *t = NULL;
    size_t n = 0;
    assert_int_equal(cx_topics_run(docs, 12, &o, &t, &n, NULL), CX_OK);
    dump(t, n);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].label, "refund missing");
    assert_int_equal(t[0].nexamples, 1);
    size_t el = strlen(t[0].examples[0]);
    assert_true(el <= 300 + 3);
    assert_memory_equal(t[0].examples[0] + el - 3, "\xe2\x80\xa6", 3);
    cx_topics_free(t, n);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_issues),    cmocka_unit_test(test_persian_variants),
        cmocka_unit_test(test_spelling_variants), cmocka_unit_test(test_robust),
        cmocka_unit_test(test_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
