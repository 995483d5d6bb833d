#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/reply.h"
#include "core/utf8.h"

/* Scale indexes of scale.h. */
enum { NPS, CSAT3, CSAT5, CSAT7, CSAT10, CES5, CES7, CES10 };

#define NO (-1) /* refused */

static const struct {
    int scale;
    const char *text;
    int want; /* score, or NO */
} score_rows[] = {
    /* plain digits and their decorations */
    {NPS, "9", 9},
    {NPS, " 9 ", 9},
    {NPS, "\t9\r\n", 9},
    {NPS, "0", 0},
    {NPS, "10", 10},
    {NPS, "09", 9},
    {NPS, "9!", 9},
    {NPS, "9.", 9},
    {NPS, "9!!!", 9},
    {NPS, "(9)", 9},
    {NPS, "\"9\"", 9},
    {NPS, "#9", 9},
    {NPS, "score: 9", 9},
    {NPS, "Score 9", 9},
    {NPS, "9 👍", 9},
    {NPS, "👍 9 🎉🎉", 9},
    {NPS, "9 😡", 9},  /* faces are decoration on nps */
    {NPS, "9 ⭐⭐", 9}, /* stars too */
    {NPS, "9\xc2\xa0", 9},
    {NPS, "\xe2\x80\x8f۹\xe2\x80\x8f", 9},
    {NPS, "9 9", 9},
    {NPS, "9, 9", 9},
    {NPS, "8 - 8", 8},
    {NPS, "nine 9", 9},
    {NPS, "9/10 great service", 9},
    {NPS, "I give it 9", 9},
    {NPS, "ok,9", 9},
    /* fractions */
    {NPS, "9/10", 9},
    {NPS, "9 / 10", 9},
    {NPS, "9 of 10", 9},
    {NPS, "9 out of 10", 9},
    {NPS, "10/10", 10},
    {NPS, "0/10", 0},
    {NPS, "9 av 10", 9},
    {NPS, "9 ut av 10", 9},
    {NPS, "9 din 10", 9},
    {NPS, "10 üzerinden 9", 9},
    {NPS, "on üzerinden dokuz", 9},
    {NPS, "nine out of ten", 9},
    {NPS, "ni av ti", 9},
    {NPS, "۹ از ۱۰", 9},
    {NPS, "۹/۱۰", 9},
    {NPS, "９／１０", 9},
    {NPS, "9 out of 10!", 9},
    /* other digit forms */
    {NPS, "۹", 9},
    {NPS, "۱۰", 10},
    {NPS, "۰", 0},
    {NPS, "٩", 9},
    {NPS, "١٠", 10},
    {NPS, "９", 9},
    {NPS, "１０", 10},
    {NPS, "9️⃣", 9},
    {NPS, "1️⃣0️⃣", 10},
    {NPS, "🔟", 10},
    /* English words */
    {NPS, "zero", 0},
    {NPS, "one", 1},
    {NPS, "Two", 2},
    {NPS, "three", 3},
    {NPS, "FOUR", 4},
    {NPS, "five", 5},
    {NPS, "six", 6},
    {NPS, "seven", 7},
    {NPS, "eight", 8},
    {NPS, "Nine!", 9},
    {NPS, "ten", 10},
    /* Norwegian */
    {NPS, "null", 0},
    {NPS, "en", 1},
    {NPS, "ett", 1},
    {NPS, "én", 1},
    {NPS, "to", 2},
    {NPS, "tre", 3},
    {NPS, "fire", 4},
    {NPS, "fem", 5},
    {NPS, "seks", 6},
    {NPS, "sju", 7},
    {NPS, "syv", 7},
    {NPS, "åtte", 8},
    {NPS, "ÅTTE", 8},
    {NPS, "ni", 9},
    {NPS, "Ti", 10},
    /* Turkish */
    {NPS, "sıfır", 0},
    {NPS, "SIFIR", 0},
    {NPS, "sifir", 0},
    {NPS, "bir", 1},
    {NPS, "iki", 2},
    {NPS, "İKİ", 2},
    {NPS, "üç", 3},
    {NPS, "ÜÇ", 3},
    {NPS, "uc", 3},
    {NPS, "dört", 4},
    {NPS, "DÖRT", 4},
    {NPS, "beş", 5},
    {NPS, "BEŞ", 5},
    {NPS, "altı", 6},
    {NPS, "ALTI", 6},
    {NPS, "yedi", 7},
    {NPS, "sekiz", 8},
    {NPS, "dokuz", 9},
    {NPS, "DOKUZ", 9},
    {NPS, "on", 10},
    /* Persian, with Arabic letter variants and vowel marks */
    {NPS, "صفر", 0},
    {NPS, "یک", 1},
    {NPS, "يك", 1},
    {NPS, "دو", 2},
    {NPS, "سه", 3},
    {NPS, "چهار", 4},
    {NPS, "پنج", 5},
    {NPS, "شش", 6},
    {NPS, "هفت", 7},
    {NPS, "هشت", 8},
    {NPS, "نه", 9},
    {NPS, "نُه", 9},
    {NPS, "ده", 10},
    /* Romanian */
    {NPS, "unu", 1},
    {NPS, "una", 1},
    {NPS, "doi", 2},
    {NPS, "două", 2},
    {NPS, "doua", 2},
    {NPS, "trei", 3},
    {NPS, "patru", 4},
    {NPS, "cinci", 5},
    {NPS, "șase", 6},
    {NPS, "şase", 6},
    {NPS, "sase", 6},
    {NPS, "ȘASE", 6},
    {NPS, "șapte", 7},
    {NPS, "sapte", 7},
    {NPS, "opt", 8},
    {NPS, "nouă", 9},
    {NPS, "noua", 9},
    {NPS, "NOUĂ", 9},
    {NPS, "zece", 10},

    /* refused on nps */
    {NPS, "", NO},
    {NPS, "   ", NO},
    {NPS, "hello", NO},
    {NPS, "STOP", NO},
    {NPS, "👍", NO},
    {NPS, "😀", NO},
    {NPS, "⭐⭐⭐⭐⭐", NO},
    {NPS, "7 or 8", NO},
    {NPS, "9 10", NO},
    {NPS, "nine ten", NO},
    {NPS, "fire fem", NO},
    {NPS, "7-8", NO},
    {NPS, "7–8", NO},
    {NPS, "7 - 8", NO},
    {NPS, "11", NO},
    {NPS, "100", NO},
    {NPS, "010", NO},
    {NPS, "-5", NO},
    {NPS, "−5", NO},
    {NPS, "+9", NO},
    {NPS, "8.5", NO},
    {NPS, "8,5", NO},
    {NPS, ".5", NO},
    {NPS, "۸٫۵", NO},
    {NPS, "1,000", NO},
    {NPS, "8.5/10", NO},
    {NPS, "9/5", NO},
    {NPS, "9 out of 5", NO},
    {NPS, "9 av 5", NO},
    {NPS, "5 üzerinden 4", NO},
    {NPS, "9/10/2024", NO},
    {NPS, "/10", NO},
    {NPS, "9/", NO},
    {NPS, "out of 10", NO},
    {NPS, "10 üzerinden", NO},
    {NPS, "I waited 10 minutes and it was bad", NO},
    {NPS, "I would give it a 9", NO},
    {NPS, "9am", NO},
    {NPS, "10x", NO},
    {NPS, "x10", NO},
    {NPS, "9th", NO},
    {NPS, "9'da", NO},
    {NPS, "۹تا", NO},
    {NPS, "nine9", NO},
    {NPS, "10 minutes", NO},
    {NPS, "9 am", NO},
    {NPS, "ten minutes", NO},
    {NPS, "10 dakika", NO},
    {NPS, "۱۰ دقیقه", NO},
    {NPS, "10 zile", NO},
    {NPS, "9 ganger", NO},
    {NPS, "saat 9", NO},
    {NPS, "ساعت ۹", NO},
    {NPS, "kl 9", NO},
    {NPS, "90%", NO},
    {NPS, "9 %", NO},
    {NPS, "$10", NO},
    {NPS, "10 €", NO},
    {NPS, "9°", NO},
    {NPS, "نه ممنون", NO}, /* "no thanks": everyday number word in a sentence */
    {NPS, "This one is good", NO},
    {NPS, "bir şey değil", NO},
    {NPS,
     "1\xe2\x80\x8b"
     "0",
     NO}, /* a zero-width space inside a number */
    {NPS, "9️⃣9️⃣", NO},
    {NPS, "🔟5", NO},
    {NPS, "9\xff", NO},      /* not UTF-8 */
    {NPS, "9 \xc0\xb9", NO}, /* overlong */
    {NPS, "9:30", NO},

    /* csat 1-5: digits, faces, stars */
    {CSAT5, "4", 4},
    {CSAT5, "5/5", 5},
    {CSAT5, "4 out of 5", 4},
    {CSAT5, "patru", 4},
    {CSAT5, "😡", 1},
    {CSAT5, "😠", 1},
    {CSAT5, "😞", 2},
    {CSAT5, "☹️", 2},
    {CSAT5, "🙁", 2},
    {CSAT5, "😐", 3},
    {CSAT5, "🙂", 4},
    {CSAT5, "😊", 4},
    {CSAT5, "😀", 5},
    {CSAT5, "😃", 5},
    {CSAT5, "😄", 5},
    {CSAT5, "😁", 5},
    {CSAT5, "😍", 5},
    {CSAT5, "🤩", 5},
    {CSAT5, "😀😀!", 5},
    {CSAT5, "⭐⭐⭐⭐", 4},
    {CSAT5, "⭐️⭐️⭐️", 3},
    {CSAT5, "★★★★☆", 4},
    {CSAT5, "★★☆☆☆", 2},
    {CSAT5, "⭐ ⭐ ⭐", 3},
    {CSAT5, "4⭐", 4},
    {CSAT5, "4 ⭐⭐⭐⭐", 4},
    {CSAT5, "5 😊", 5},
    {CSAT5, "1 😡", 1},
    {CSAT5, "⭐⭐⭐⭐ great service", 4},
    {CSAT5, "4 stars", 4},
    {CSAT5, "۴ / ۵", 4},
    {CSAT5, "0", NO},
    {CSAT5, "6", NO},
    {CSAT5, "9/10", NO},
    {CSAT5, "4/10", NO},
    {CSAT5, "۴/۵", NO}, /* Persian decimal 4.5 */
    {CSAT5, "😐😀", NO},
    {CSAT5, "3 🙂", NO},
    {CSAT5, "5 😡", NO},
    {CSAT5, "5 ⭐⭐⭐⭐", NO},
    {CSAT5, "☆★★", NO},
    {CSAT5, "⭐⭐ and ⭐⭐", NO},
    {CSAT5, "☆☆☆☆☆", NO},
    {CSAT5, "⭐⭐⭐⭐⭐⭐", NO},
    {CSAT5, "★★★☆☆☆☆", NO}, /* 7 stars shown on a 1-5 scale */
    {CSAT5, "😞 2 🙁 too slow though", 2},
    /* csat 1-3 */
    {CSAT3, "2", 2},
    {CSAT3, "3/3", 3},
    {CSAT3, "😡", 1},
    {CSAT3, "🙁", 1},
    {CSAT3, "😐", 2},
    {CSAT3, "🙂", 3},
    {CSAT3, "😀", 3},
    {CSAT3, "⭐⭐", 2},
    {CSAT3, "★★☆", 2},
    {CSAT3, "⭐⭐⭐⭐", NO},
    {CSAT3, "★★★★☆", NO},
    {CSAT3, "4", NO},
    {CSAT3, "2/5", NO},
    /* csat 1-7 */
    {CSAT7, "6", 6},
    {CSAT7, "😡", 1},
    {CSAT7, "🙁", 2},
    {CSAT7, "😐", 4},
    {CSAT7, "🙂", 6},
    {CSAT7, "😍", 7},
    {CSAT7, "★★★★★☆☆", 5},
    {CSAT7, "★★★★☆", NO},
    {CSAT7, "8", NO},
    {CSAT7, "7/7", 7},
    /* csat 1-10 */
    {CSAT10, "10", 10},
    {CSAT10, "9/10", 9},
    {CSAT10, "😡", 1},
    {CSAT10, "😞", 3},
    {CSAT10, "😊", 8},
    {CSAT10, "🤩", 10},
    {CSAT10, "😐", NO}, /* between 5 and 6 */
    {CSAT10, "😐 5", 5},
    {CSAT10, "⭐⭐⭐⭐⭐⭐⭐⭐⭐⭐", 10},
    {CSAT10, "9 😊", 9},
    {CSAT10, "10 😡", NO},
    {CSAT10, "0", NO},
    {CSAT10, "zece", 10},
    /* ces */
    {CES5, "5", 5},
    {CES5, "1", 1},
    {CES5, "5/5", 5},
    {CES5, "cinci", 5},
    {CES5, "6", NO},
    {CES5, "0", NO},
    {CES5, "5/7", NO},
    {CES5, "😀", NO},
    {CES5, "⭐⭐⭐", NO},
    {CES7, "7", 7},
    {CES7, "7/7", 7},
    {CES7, "sju", 7},
    {CES7, "۷", 7},
    {CES7, "yedi", 7},
    {CES7, "8", NO},
    {CES7, "7/10", NO},
    {CES10, "10", 10},
    {CES10, "1", 1},
    {CES10, "10/10", 10},
    {CES10, "zece", 10},
    {CES10, "ده", 10},
    {CES10, "11", NO},
    {CES10, "0", NO},
};

static void test_score_table(void **state)
{
    size_t n = sizeof score_rows / sizeof score_rows[0], bad = 0;
    assert_true(n >= 120);
    for (size_t i = 0; i < n; i++) {
        int idx = score_rows[i].scale;
        const char *text = score_rows[i].text;
        int got = -77;
        int rc = cx_reply_score(text, strlen(text), cx_scale_kind(idx), cx_scale_at(idx), &got);
        int want = score_rows[i].want;
        if (want == NO) {
            if (rc != -1 || got != -77) {
                bad++;
                print_error("row %zu \"%s\" (scale %d): want refused, got rc %d score %d\n", i,
                            text, idx, rc, got);
            }
        } else if (rc != 0 || got != want) {
            bad++;
            print_error("row %zu \"%s\" (scale %d): want %d, got rc %d score %d\n", i, text, idx,
                        want, rc, got);
        }
    }
    assert_int_equal(bad, 0);
}

/* Every plain number on every scale: accepted exactly inside the scale. */
static void test_score_range(void **state)
{
    for (int idx = 0; idx < CX_NSCALES; idx++) {
        struct cx_scale sc = cx_scale_at(idx);
        for (int v = -2; v <= 12; v++) {
            char buf[16];
            int got = -77;
            snprintf(buf, sizeof buf, "%d", v);
            int rc = cx_reply_score(buf, strlen(buf), cx_scale_kind(idx), sc, &got);
            if (v >= sc.min && v <= sc.max) {
                assert_int_equal(rc, 0);
                assert_int_equal(got, v);
            } else {
                assert_int_equal(rc, -1);
                assert_int_equal(got, -77);
            }
            /* "v/max" is v; "v/(max+1)" never is */
            snprintf(buf, sizeof buf, "%d/%d", v, sc.max);
            rc = cx_reply_score(buf, strlen(buf), cx_scale_kind(idx), sc, &got);
            assert_int_equal(rc, v >= sc.min && v <= sc.max ? 0 : -1);
            snprintf(buf, sizeof buf, "%d/%d", v, sc.max + 1);
            assert_int_equal(cx_reply_score(buf, strlen(buf), cx_scale_kind(idx), sc, &got), -1);
        }
    }
}

/* A face alone and the same face next to its own score agree on every
 * csat scale; next to a score of another third they are refused. */
static void test_faces_consistent(void **state)
{
    static const char *const faces[5] = {"😡", "🙁", "😐", "🙂", "😄"};
    for (int idx = CSAT3; idx <= CSAT10; idx++) {
        struct cx_scale sc = cx_scale_at(idx);
        for (int l = 0; l < 5; l++) {
            int got = -77;
            int rc = cx_reply_score(faces[l], strlen(faces[l]), CX_KIND_CSAT, sc, &got);
            if (rc != 0) {
                assert_int_equal(idx, CSAT10); /* only 😐 on 1-10 */
                assert_int_equal(l, 2);
                continue;
            }
            char buf[32];
            int again = -77;
            snprintf(buf, sizeof buf, "%d %s", got, faces[l]);
            assert_int_equal(cx_reply_score(buf, strlen(buf), CX_KIND_CSAT, sc, &again), 0);
            assert_int_equal(again, got);
            /* the far end of the scale is in another third */
            int far = l < 2 ? sc.max : sc.min;
            snprintf(buf, sizeof buf, "%d %s", far, faces[l]);
            assert_int_equal(cx_reply_score(buf, strlen(buf), CX_KIND_CSAT, sc, &again), -1);
        }
    }
}

static void test_score_args(void **state)
{
    int got = -77;
    struct cx_scale nps = {0, 10};
    /* scales that are not allowed for the kind */
    assert_int_equal(cx_reply_score("3", 1, CX_KIND_NPS, (struct cx_scale){1, 5}, &got), -1);
    assert_int_equal(cx_reply_score("3", 1, CX_KIND_CES, (struct cx_scale){1, 3}, &got), -1);
    assert_int_equal(cx_reply_score("3", 1, (enum cx_kind)7, nps, &got), -1);
    assert_int_equal(got, -77);
    /* NULL text or score */
    assert_int_equal(cx_reply_score(NULL, 0, CX_KIND_NPS, nps, &got), -1);
    assert_int_equal(cx_reply_score(NULL, 3, CX_KIND_NPS, nps, &got), -1);
    assert_int_equal(cx_reply_score("9", 1, CX_KIND_NPS, nps, NULL), -1);
    /* only len bytes are read; a NUL inside is refused */
    assert_int_equal(cx_reply_score("9x", 1, CX_KIND_NPS, nps, &got), 0);
    assert_int_equal(got, 9);
    got = -77;
    assert_int_equal(cx_reply_score("9\0", 2, CX_KIND_NPS, nps, &got), -1);
    assert_int_equal(got, -77);
    /* too many tokens */
    char many[200] = "";
    for (int i = 0; i < 40; i++) strcat(many, "9 ");
    assert_int_equal(cx_reply_score(many, strlen(many), CX_KIND_NPS, nps, &got), -1);
    many[2 * 20] = '\0'; /* 20 times "9 " */
    assert_int_equal(cx_reply_score(many, strlen(many), CX_KIND_NPS, nps, &got), 0);
    assert_int_equal(got, 9);
}

static const struct {
    const char *text;
    enum cx_reply_kw want;
} kw_rows[] = {
    {"STOP", CX_KW_STOP},
    {"stop", CX_KW_STOP},
    {" Stop. ", CX_KW_STOP},
    {"STOP!!!", CX_KW_STOP},
    {"stop\n", CX_KW_STOP},
    {"STOP !", CX_KW_STOP},
    {"STOP…", CX_KW_STOP},
    {"STOP؟", CX_KW_STOP},
    {"\xc2\xa0STOP\xe2\x80\x8f", CX_KW_STOP},
    {"\xef\xbb\xbfstop", CX_KW_STOP},
    {"StopAll", CX_KW_STOP},
    {"End", CX_KW_STOP},
    {"cancel", CX_KW_STOP},
    {"UNSUBSCRIBE", CX_KW_STOP},
    {"quit.", CX_KW_STOP},
    {"start", CX_KW_START},
    {"START!", CX_KW_START},
    {"Unstop", CX_KW_START},
    {"help", CX_KW_HELP},
    {"HELP?", CX_KW_HELP},
    {"info", CX_KW_HELP},
    {"Info!", CX_KW_HELP},
    {"stop it now", CX_KW_NONE},
    {"please stop", CX_KW_NONE},
    {"STOPP", CX_KW_NONE},
    {"STO", CX_KW_NONE},
    {"S TOP", CX_KW_NONE},
    {"starts", CX_KW_NONE},
    {"!STOP", CX_KW_NONE},
    {"9", CX_KW_NONE},
    {"", CX_KW_NONE},
    {"  ...  ", CX_KW_NONE},
    {"ＳＴＯＰ", CX_KW_NONE},
};

static void test_keywords(void **state)
{
    for (size_t i = 0; i < sizeof kw_rows / sizeof kw_rows[0]; i++) {
        enum cx_reply_kw got = cx_reply_keyword(kw_rows[i].text, strlen(kw_rows[i].text));
        if (got != kw_rows[i].want)
            fail_msg("keyword row %zu \"%s\": want %d, got %d", i, kw_rows[i].text, kw_rows[i].want,
                     got);
    }
    assert_int_equal(cx_reply_keyword(NULL, 0), CX_KW_NONE);
    assert_int_equal(cx_reply_keyword("STOPX", 4), CX_KW_STOP); /* only len bytes */
    assert_int_equal(cx_reply_keyword("STOP\0", 5), CX_KW_NONE);
    assert_int_equal(cx_reply_keyword("\xffSTOP", 5), CX_KW_NONE);
}

static size_t cps(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* True if s holds the UTF-8 encoding of the 2-byte code point cp. */
static int has_cp(const char *s, unsigned cp)
{
    char enc[3] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0};
    return strstr(s, enc) != NULL;
}

static int has_ascii_digit(const char *s)
{
    return strpbrk(s, "0123456789") != NULL;
}

static void test_texts(void **state)
{
    char buf[512];
    for (int id = 0; id < CX_RT_COUNT; id++) {
        char all[CX_NLANGS][512];
        for (int l = 0; l < CX_NLANGS; l++) {
            size_t n = cx_reply_text((enum cx_lang)l, (enum cx_reply_text)id, 0, 10, all[l],
                                     sizeof all[l]);
            const char *t = all[l];
            if (n == 0) fail_msg("text %d empty in language %d", id, l);
            assert_int_equal(n, strlen(t));
            assert_true(cx_utf8_valid(t, n, NULL));
            assert_null(strchr(t, '{'));
            for (int m = 0; m < l; m++)
                if (strcmp(t, all[m]) == 0) fail_msg("text %d same in %d and %d", id, m, l);
            if (l == CX_LANG_FA) {
                assert_false(has_ascii_digit(t));
                assert_false(has_cp(t, 0x064A)); /* Arabic yeh */
                assert_false(has_cp(t, 0x0643)); /* Arabic kaf */
            }
            if (l == CX_LANG_RO) {
                assert_false(has_cp(t, 0x015F)); /* ş with cedilla */
                assert_false(has_cp(t, 0x0163)); /* ţ with cedilla */
            }
            if (id == CX_RT_HINT || id == CX_RT_REASK) {
                if (l == CX_LANG_FA) {
                    assert_non_null(strstr(t, "از ۰ تا ۱۰"));
                } else {
                    assert_non_null(strstr(t, "0"));
                    assert_non_null(strstr(t, "10"));
                    assert_false(has_cp(t, 0x06F0));
                }
            } else {
                assert_false(has_ascii_digit(t));
                assert_false(has_cp(t, 0x06F1));
            }
            if (id == CX_RT_OPTED_OUT) assert_non_null(strstr(t, "START"));
            if (id == CX_RT_OPTED_IN || id == CX_RT_HELP) assert_non_null(strstr(t, "STOP"));
            if (id == CX_RT_LIST_BUTTON) assert_true(cps(t) <= 20);
        }
    }

    /* exact texts, placeholders in place */
    cx_reply_text(CX_LANG_EN, CX_RT_HINT, 1, 5, buf, sizeof buf);
    assert_string_equal(buf, "Reply with a number from 1 to 5.");
    cx_reply_text(CX_LANG_EN, CX_RT_REASK, 0, 10, buf, sizeof buf);
    assert_string_equal(
        buf, "Sorry, I did not understand. Please reply with just a number from 0 to 10.");
    cx_reply_text(CX_LANG_NB, CX_RT_HINT, 1, 7, buf, sizeof buf);
    assert_string_equal(buf, "Svar med et tall fra 1 til 7.");
    cx_reply_text(CX_LANG_TR, CX_RT_HINT, 1, 10, buf, sizeof buf);
    assert_string_equal(buf, "Lütfen 1 ile 10 arasında bir sayıyla yanıt verin.");
    cx_reply_text(CX_LANG_FA, CX_RT_HINT, 1, 5, buf, sizeof buf);
    assert_string_equal(buf, "لطفاً با یک عدد از ۱ تا ۵ پاسخ دهید.");
    cx_reply_text(CX_LANG_RO, CX_RT_REASK, 1, 3, buf, sizeof buf);
    assert_string_equal(buf, "Îmi pare rău, nu am înțeles. Vă rugăm să răspundeți doar cu un "
                             "număr de la 1 la 3.");
    cx_reply_text(CX_LANG_EN, CX_RT_LIST_BUTTON, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "Choose");

    /* unknown language: English; unknown id: "" */
    assert_int_equal(cx_reply_text((enum cx_lang)9, CX_RT_THANKS, 0, 0, buf, sizeof buf),
                     strlen("Thank you for your feedback!"));
    assert_string_equal(buf, "Thank you for your feedback!");
    assert_int_equal(cx_reply_text(CX_LANG_EN, CX_RT_COUNT, 0, 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

static void test_text_truncation(void **state)
{
    char full[512], buf[512];
    size_t n = cx_reply_text(CX_LANG_FA, CX_RT_REASK, 0, 10, full, sizeof full);
    assert_true(n > 20);
    for (size_t cap = 1; cap <= n + 1; cap++) {
        memset(buf, 'X', sizeof buf);
        size_t got = cx_reply_text(CX_LANG_FA, CX_RT_REASK, 0, 10, buf, cap);
        assert_true(got < cap);
        assert_int_equal(got, strlen(buf));
        assert_true(cx_utf8_valid(buf, got, NULL));
        assert_memory_equal(buf, full, got);
        assert_true(got + 4 > cap - 1 || got == n); /* cut less than one code point short */
        assert_int_equal(buf[cap], 'X');            /* nothing written past cap */
    }
    /* cap 0 and NULL buffers write nothing */
    buf[0] = 'X';
    assert_int_equal(cx_reply_text(CX_LANG_EN, CX_RT_HINT, 0, 10, buf, 0), 0);
    assert_int_equal(buf[0], 'X');
    assert_int_equal(cx_reply_text(CX_LANG_EN, CX_RT_HINT, 0, 10, NULL, 10), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_table),      cmocka_unit_test(test_score_range),
        cmocka_unit_test(test_faces_consistent), cmocka_unit_test(test_score_args),
        cmocka_unit_test(test_keywords),         cmocka_unit_test(test_texts),
        cmocka_unit_test(test_text_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
