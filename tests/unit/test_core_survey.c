#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/survey.h"
#include "core/utf8.h"

static const char *const langs[CX_NLANGS] = {"en", "nb", "tr", "fa", "ro"};

static struct cx_survey *make(enum cx_survey_kind kind, const char *scale_or_null,
                              enum cx_style style, int inverted)
{
    struct cx_survey *s = cx_survey_new(kind);
    assert_non_null(s);
    assert_int_equal(cx_survey_set_id(s, "s-1"), CX_OK);
    assert_int_equal(cx_survey_set_name(s, "Test survey"), CX_OK);
    if (scale_or_null) {
        int a, b;
        assert_int_equal(sscanf(scale_or_null, "%d-%d", &a, &b), 2);
        s->scale.min = a;
        s->scale.max = b;
    }
    s->style = style;
    s->inverted = inverted;
    return s;
}

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* True if s holds the UTF-8 encoding of code point cp. */
static int has_cp(const char *s, unsigned cp)
{
    char enc[4] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0, 0};
    return strstr(s, enc) != NULL;
}

/* Non-empty, valid UTF-8, different in every language, {company} in all or
 * none, proper letters (Persian ی ک, Romanian ș ț with comma). */
static void check_five(const char *t[CX_NLANGS], const char *what)
{
    for (int l = 0; l < CX_NLANGS; l++) {
        if (!t[l] || !*t[l]) fail_msg("%s: empty in %s", what, langs[l]);
        assert_true(cx_utf8_valid(t[l], strlen(t[l]), NULL));
        for (int m = 0; m < l; m++)
            if (strcmp(t[l], t[m]) == 0)
                fail_msg("%s: %s and %s are the same: %s", what, langs[m], langs[l], t[l]);
        assert_int_equal(contains(t[l], "{company}"), contains(t[0], "{company}"));
    }
    /* Arabic yeh/kaf/alef maksura instead of Persian yeh/keheh */
    assert_false(has_cp(t[CX_LANG_FA], 0x064A));
    assert_false(has_cp(t[CX_LANG_FA], 0x0643));
    assert_false(has_cp(t[CX_LANG_FA], 0x0649));
    /* s/t with cedilla instead of comma below */
    assert_false(has_cp(t[CX_LANG_RO], 0x015F));
    assert_false(has_cp(t[CX_LANG_RO], 0x0163));
    assert_false(has_cp(t[CX_LANG_RO], 0x015E));
    assert_false(has_cp(t[CX_LANG_RO], 0x0162));
}

static void test_defaults_every_language(void **state)
{
    static const struct {
        enum cx_survey_kind kind;
        enum cx_style style;
        int inverted;
    } shapes[] = {
        {CX_SURVEY_NPS, CX_STYLE_NUMBERS, 0}, {CX_SURVEY_CSAT, CX_STYLE_NUMBERS, 0},
        {CX_SURVEY_CSAT, CX_STYLE_STARS, 0},  {CX_SURVEY_CSAT, CX_STYLE_EMOJI, 0},
        {CX_SURVEY_CES, CX_STYLE_NUMBERS, 0}, {CX_SURVEY_CES, CX_STYLE_NUMBERS, 1},
        {CX_SURVEY_CES, CX_STYLE_LABELS, 0},  {CX_SURVEY_CES, CX_STYLE_LABELS, 1},
        {CX_SURVEY_CES, CX_STYLE_AGREE, 0},   {CX_SURVEY_CUSTOM, CX_STYLE_NUMBERS, 0},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (int id = 0; id < CX_NTEXTS; id++) {
            const char *t[CX_NLANGS];
            char what[64];
            snprintf(what, sizeof what, "shape %zu text %d", i, id);
            int custom_label = shapes[i].kind == CX_SURVEY_CUSTOM &&
                               (id == CX_TEXT_LOW_LABEL || id == CX_TEXT_HIGH_LABEL);
            for (int l = 0; l < CX_NLANGS; l++)
                t[l] = cx_survey_default_text(shapes[i].kind, shapes[i].style, shapes[i].inverted,
                                              (enum cx_text_id)id, langs[l]);
            if (custom_label) {
                assert_null(t[0]);
                continue;
            }
            check_five(t, what);
        }
    }
    for (int id = 0; id < CX_NUI; id++) {
        const char *t[CX_NLANGS];
        char what[32];
        snprintf(what, sizeof what, "ui %d", id);
        for (int l = 0; l < CX_NLANGS; l++) t[l] = cx_ui_text(langs[l], (enum cx_ui_id)id);
        check_five(t, what);
    }
    assert_string_equal(cx_ui_text("fa", CX_UI_LANG_NAME), "فارسی");
    assert_string_equal(cx_ui_text("nb-NO", CX_UI_LANG_NAME), "Norsk bokmål");
    assert_string_equal(cx_ui_text("de", CX_UI_SUBMIT), cx_ui_text("en", CX_UI_SUBMIT));
    assert_string_equal(cx_ui_text(NULL, CX_UI_SUBMIT), "Send");
    assert_string_equal(cx_ui_text("en", (enum cx_ui_id)CX_NUI), "");
    assert_string_equal(cx_ui_text("en", CX_UI_NPS_LOW), "0 = not at all likely");
    assert_string_equal(cx_ui_text("en", CX_UI_NPS_HIGH), "10 = extremely likely");
    /* the direction changes the CES question */
    assert_true(
        contains(cx_survey_default_text(CX_SURVEY_CES, CX_STYLE_NUMBERS, 1, CX_TEXT_QUESTION, "en"),
                 "difficult"));
    assert_true(
        contains(cx_survey_default_text(CX_SURVEY_CES, CX_STYLE_AGREE, 0, CX_TEXT_QUESTION, "en"),
                 "made it easy for me to handle my issue"));
}

static void test_rtl(void **state)
{
    assert_true(cx_lang_rtl("fa"));
    assert_true(cx_lang_rtl("fa-IR"));
    assert_true(cx_lang_rtl("FA"));
    assert_true(cx_lang_rtl("ar"));
    assert_true(cx_lang_rtl("he-IL"));
    assert_false(cx_lang_rtl("en"));
    assert_false(cx_lang_rtl("nb"));
    assert_false(cx_lang_rtl("tr"));
    assert_false(cx_lang_rtl("ro"));
    assert_false(cx_lang_rtl("far"));
    assert_false(cx_lang_rtl(""));
    assert_false(cx_lang_rtl(NULL));
}

static void test_lang_pick(void **state)
{
    assert_string_equal(cx_lang_pick("nb-NO", NULL), "nb");
    assert_string_equal(cx_lang_pick("no", NULL), "nb");
    assert_string_equal(cx_lang_pick("nn", NULL), "nb");
    assert_string_equal(cx_lang_pick("nn-NO", "en"), "nb");
    assert_string_equal(cx_lang_pick("fa-IR", NULL), "fa");
    assert_string_equal(cx_lang_pick("fa_IR", NULL), "fa");
    assert_string_equal(cx_lang_pick("tr-TR", NULL), "tr");
    assert_string_equal(cx_lang_pick("ro-MD", NULL), "ro");
    assert_string_equal(cx_lang_pick("RO", NULL), "ro");
    assert_string_equal(cx_lang_pick("en-GB", "fa"), "en");
    assert_string_equal(cx_lang_pick(" nob ", NULL), "nb");
    /* preferred unsupported or absent: Accept-Language decides */
    assert_string_equal(cx_lang_pick("de-DE", "tr;q=0.5, ro;q=0.9"), "ro");
    assert_string_equal(cx_lang_pick(NULL, "tr;q=0.5, ro;q=0.9"), "ro");
    assert_string_equal(cx_lang_pick("", "de-DE,de;q=0.9,nb;q=0.8,en;q=0.7"), "nb");
    assert_string_equal(cx_lang_pick(NULL, "fa-IR,fa;q=0.9,en-US;q=0.8"), "fa");
    assert_string_equal(cx_lang_pick(NULL, "tr, ro"), "tr"); /* tie: first */
    assert_string_equal(cx_lang_pick(NULL, "ro;q=0.5,tr;q=0.500"), "ro");
    assert_string_equal(cx_lang_pick(NULL, "en;q=0, tr;q=0.1"), "tr"); /* q=0: no */
    assert_string_equal(cx_lang_pick(NULL, "ro;q=0"), "en");
    assert_string_equal(cx_lang_pick(NULL, "ro;Q=1.000 , tr;q=0.9"), "ro");
    assert_string_equal(cx_lang_pick(NULL, "ro;q=2, tr;q=0.1"), "tr"); /* bad q skipped */
    assert_string_equal(cx_lang_pick(NULL, "ro;q=0.1234, tr;q=0.1"), "tr");
    assert_string_equal(cx_lang_pick(NULL, "ro;level=1;q=0.8, tr;q=0.7"), "ro");
    assert_string_equal(cx_lang_pick(NULL, "*;q=0.5, ro;q=0.1"), "ro");
    /* unknown and malformed: English */
    assert_string_equal(cx_lang_pick("de", NULL), "en");
    assert_string_equal(cx_lang_pick("xx-YY", "de, fr;q=0.9, *;q=0.1"), "en");
    assert_string_equal(cx_lang_pick(NULL, ""), "en");
    assert_string_equal(cx_lang_pick(NULL, ";;;,,,=q;q="), "en");
    assert_string_equal(cx_lang_pick(NULL, NULL), "en");
    assert_int_equal(cx_lang_index("fa"), CX_LANG_FA);
    assert_int_equal(cx_lang_index("fa-IR"), -1);
    assert_string_equal(cx_lang_code(CX_LANG_RO), "ro");
}

static void test_ces_labels_inverted(void **state)
{
    /* "Very easy ... Very difficult" shown in that order */
    struct cx_survey *s = make(CX_SURVEY_CES, "1-5", CX_STYLE_LABELS, 1);
    struct cx_err err;
    struct cx_option o[8];
    int v = 0;
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_options(s, "en", o, 8), 5);
    assert_string_equal(o[0].label, "Very easy");
    assert_int_equal(o[0].value, 1);
    assert_string_equal(o[2].label, "Neither easy nor difficult");
    assert_string_equal(o[4].label, "Very difficult");
    assert_int_equal(o[4].value, 5);
    assert_int_equal(cx_survey_store_score(s, o[0].value, &v, &err), CX_OK);
    assert_int_equal(v, 5);
    assert_int_equal(cx_survey_store_score(s, o[1].value, &v, &err), CX_OK);
    assert_int_equal(v, 4);
    assert_int_equal(cx_survey_store_score(s, o[4].value, &v, &err), CX_OK);
    assert_int_equal(v, 1);
    assert_int_equal(cx_survey_category(s, 5), CX_CAT_HIGH);
    assert_string_equal(cx_survey_text(s, CX_TEXT_LOW_LABEL, "en"), "Very easy");
    assert_string_equal(cx_survey_text(s, CX_TEXT_HIGH_LABEL, "en"), "Very difficult");
    assert_int_equal(cx_survey_options(s, "ro", o, 8), 5);
    assert_string_equal(o[0].label, "Foarte ușor");
    assert_int_equal(cx_survey_options(s, "fa", o, 8), 5);
    assert_string_equal(o[0].label, "بسیار آسان");
    assert_string_equal(o[0].aria, "بسیار آسان");
    /* not inverted: "Very difficult" first, stored as shown */
    s->inverted = 0;
    assert_int_equal(cx_survey_options(s, "nb", o, 8), 5);
    assert_string_equal(o[0].label, "Svært vanskelig");
    assert_string_equal(o[4].label, "Svært enkelt");
    assert_int_equal(cx_survey_store_score(s, 1, &v, &err), CX_OK);
    assert_int_equal(v, 1);
    cx_survey_free(s);
}

static void test_inverted_1_7(void **state)
{
    /* "How difficult was it...": 1 = very easy, 7 = very difficult */
    struct cx_survey *s = make(CX_SURVEY_CES, "1-7", CX_STYLE_NUMBERS, 1);
    struct cx_err err;
    struct cx_option o[8];
    int v = -1;
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    for (int shown = 1; shown <= 7; shown++) {
        assert_int_equal(cx_survey_store_score(s, shown, &v, &err), CX_OK);
        assert_int_equal(v, 8 - shown);
    }
    assert_int_equal(cx_survey_store_score(s, 0, &v, &err), CX_EINVAL);
    assert_true(contains(err.msg, "outside the scale 1-7"));
    assert_int_equal(cx_survey_store_score(s, 8, &v, &err), CX_EINVAL);
    assert_true(contains(cx_survey_text(s, CX_TEXT_QUESTION, "en"), "difficult"));
    assert_int_equal(cx_survey_options(s, "en", o, 8), 7);
    assert_string_equal(o[0].label, "1");
    assert_string_equal(o[0].aria, "1 – Very easy");
    assert_string_equal(o[3].aria, "4");
    assert_string_equal(o[6].aria, "7 – Very difficult");
    /* not inverted: stored as shown */
    s->inverted = 0;
    assert_int_equal(cx_survey_store_score(s, 2, &v, &err), CX_OK);
    assert_int_equal(v, 2);
    assert_int_equal(cx_survey_options(s, "en", o, 8), 7);
    assert_string_equal(o[0].aria, "1 – Very difficult");
    cx_survey_free(s);
}

static void test_options_styles(void **state)
{
    struct cx_option o[12];
    struct cx_err err;
    int v;

    struct cx_survey *s = make(CX_SURVEY_CSAT, "1-5", CX_STYLE_STARS, 0);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_options(s, "en", o, 12), 5);
    assert_string_equal(o[0].label, "★");
    assert_string_equal(o[2].label, "★★★");
    assert_string_equal(o[4].label, "★★★★★");
    assert_int_equal(o[2].value, 3);
    assert_string_equal(o[0].aria, "1 star out of 5");
    assert_string_equal(o[2].aria, "3 stars out of 5");
    cx_survey_options(s, "nb", o, 12);
    assert_string_equal(o[0].aria, "1 stjerne av 5");
    assert_string_equal(o[3].aria, "4 stjerner av 5");
    cx_survey_options(s, "tr", o, 12);
    assert_string_equal(o[2].aria, "5 üzerinden 3 yıldız");
    cx_survey_options(s, "fa", o, 12);
    assert_string_equal(o[2].aria, "۳ ستاره از ۵");
    cx_survey_options(s, "ro", o, 12);
    assert_string_equal(o[0].aria, "1 stea din 5");
    assert_string_equal(o[1].aria, "2 stele din 5");
    assert_int_equal(cx_survey_store_score(s, 4, &v, &err), CX_OK);
    assert_int_equal(v, 4);
    cx_survey_free(s);

    s = make(CX_SURVEY_CSAT, "1-5", CX_STYLE_EMOJI, 0);
    assert_int_equal(cx_survey_options(s, "en", o, 12), 5);
    assert_string_equal(o[0].label, "😡");
    assert_string_equal(o[4].label, "😄");
    assert_string_equal(o[0].aria, "Very dissatisfied");
    assert_string_equal(o[4].aria, "Very satisfied");
    s->scale.max = 3;
    assert_int_equal(cx_survey_options(s, "tr", o, 12), 3);
    assert_string_equal(o[0].aria, "Memnun değilim");
    assert_string_equal(o[2].aria, "Memnunum");
    s->scale.max = 10;
    assert_int_equal(cx_survey_options(s, "en", o, 12), 10);
    assert_string_equal(o[0].aria, "1 out of 10 – Very dissatisfied");
    assert_string_equal(o[4].aria, "5 out of 10");
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < i; j++) assert_string_not_equal(o[i].label, o[j].label);
    cx_survey_free(s);

    s = make(CX_SURVEY_CES, "1-7", CX_STYLE_AGREE, 0);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_options(s, "en", o, 12), 7);
    assert_string_equal(o[0].label, "Strongly disagree");
    assert_string_equal(o[3].label, "Neither agree nor disagree");
    assert_string_equal(o[6].label, "Strongly agree");
    assert_int_equal(o[6].value, 7);
    assert_int_equal(cx_survey_store_score(s, 7, &v, &err), CX_OK);
    assert_int_equal(v, 7); /* strongly agree = easiest */
    cx_survey_options(s, "ro", o, 12);
    assert_string_equal(o[6].label, "Total de acord");
    cx_survey_free(s);

    s = make(CX_SURVEY_NPS, NULL, CX_STYLE_NUMBERS, 0);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_options(s, "en", o, 12), 11);
    for (int i = 0; i <= 10; i++) {
        char b[4];
        snprintf(b, sizeof b, "%d", i);
        assert_int_equal(o[i].value, i);
        assert_string_equal(o[i].label, b);
    }
    assert_string_equal(o[0].aria, "0 – Not at all likely");
    assert_string_equal(o[10].aria, "10 – Extremely likely");
    cx_survey_options(s, "fa", o, 12);
    assert_string_equal(o[0].label, "۰");
    assert_string_equal(o[10].label, "۱۰");
    assert_int_equal(o[10].value, 10);
    /* a short buffer: count still returned, only cap filled */
    memset(o, 0x55, sizeof o);
    assert_int_equal(cx_survey_options(s, "en", o, 3), 11);
    assert_string_equal(o[2].label, "2");
    assert_int_equal((unsigned char)o[3].label[0], 0x55);
    assert_int_equal(cx_survey_options(s, "en", NULL, 0), 11);
    /* a survey text overrides the end label */
    assert_int_equal(cx_survey_set_text(s, CX_TEXT_LOW_LABEL, "en", "Never"), CX_OK);
    cx_survey_options(s, "en", o, 12);
    assert_string_equal(o[0].aria, "0 – Never");
    /* a broken shape is reported, not indexed */
    s->style = CX_STYLE_LABELS;
    assert_int_equal(cx_survey_options(s, "en", o, 12), -1);
    cx_survey_free(s);
}

static struct cx_survey *valid_nps(void)
{
    struct cx_survey *s = make(CX_SURVEY_NPS, NULL, CX_STYLE_NUMBERS, 0);
    assert_int_equal(cx_survey_set_text(s, CX_TEXT_QUESTION, "fa", "سؤال؟"), CX_OK);
    assert_int_equal(cx_survey_add_channel(s, "email"), CX_OK);
    assert_int_equal(cx_survey_add_channel(s, "link"), CX_OK);
    return s;
}

static void add_options(struct cx_survey *s, enum cx_list which, int n)
{
    for (int i = 0; i < n; i++) {
        char t[32];
        snprintf(t, sizeof t, "Option %d", i);
        int idx = cx_survey_add_option(s, which);
        assert_int_equal(idx, i);
        assert_int_equal(cx_survey_set_option(s, which, (size_t)idx, "en", t), CX_OK);
    }
}

static void expect_refused(const struct cx_survey *s, int rc, const char *needle)
{
    struct cx_err err = {{0}};
    int got = cx_survey_validate(s, &err);
    if (got != rc || !contains(err.msg, needle))
        fail_msg("want rc %d with \"%s\", got rc %d: %s", rc, needle, got, err.msg);
}

static void test_validation(void **state)
{
    struct cx_err err;
    struct cx_survey *s = valid_nps();
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_questions(s), 2);

    /* four questions: score + custom + follow-up + reason */
    add_options(s, CX_LIST_REASON, 3);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_set_text(s, CX_TEXT_CUSTOM_QUESTION, "en", "Which?"), CX_OK);
    add_options(s, CX_LIST_CUSTOM, 2);
    assert_int_equal(cx_survey_questions(s), 4);
    expect_refused(s, CX_ELIMIT, "at most 3 questions, this one asks 4");
    expect_refused(s, CX_ELIMIT, "score, custom question, follow-up, reason");
    s->followup = 0;
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    cx_survey_free(s);

    /* reason: more than 8, fewer than 2, an option without text */
    s = valid_nps();
    add_options(s, CX_LIST_REASON, 9);
    expect_refused(s, CX_ELIMIT, "reason.options: at most 8 options (has 9)");
    cx_survey_free(s);
    s = valid_nps();
    add_options(s, CX_LIST_REASON, 1);
    expect_refused(s, CX_EINVAL, "reason.options: needs 2 to 8");
    cx_survey_add_option(s, CX_LIST_REASON);
    expect_refused(s, CX_EINVAL, "reason.options[1]: needs a text");
    cx_survey_free(s);
    s = valid_nps();
    cx_survey_set_text(s, CX_TEXT_REASON_QUESTION, "nb", "Hvorfor?");
    expect_refused(s, CX_EINVAL, "reason.options: needs 2 to 8 options (has 0)");
    cx_survey_free(s);

    /* bad scale for the kind */
    s = valid_nps();
    s->scale = (struct cx_scale){1, 5};
    expect_refused(s, CX_EINVAL, "scale: 1-5 is not allowed for nps (allowed: 0-10)");
    s->kind = CX_SURVEY_CSAT;
    s->scale = (struct cx_scale){1, 4};
    expect_refused(s, CX_EINVAL, "scale: 1-4 is not allowed for csat");
    s->kind = CX_SURVEY_CES;
    s->scale = (struct cx_scale){1, 3};
    expect_refused(s, CX_EINVAL, "scale: 1-3 is not allowed for ces");
    cx_survey_free(s);

    /* styles */
    s = valid_nps();
    s->style = CX_STYLE_STARS;
    expect_refused(s, CX_EINVAL, "style: stars is not available for nps (allowed: numbers)");
    s->kind = CX_SURVEY_CES;
    s->scale = (struct cx_scale){1, 7};
    expect_refused(s, CX_EINVAL, "style: stars is not available for ces");
    s->style = CX_STYLE_LABELS;
    expect_refused(s, CX_EINVAL, "labels (the five CES labels) needs scale 1-5");
    s->style = CX_STYLE_AGREE;
    s->scale = (struct cx_scale){1, 5};
    expect_refused(s, CX_EINVAL, "agree (CES 2.0) needs scale 1-7");
    s->kind = CX_SURVEY_CSAT;
    expect_refused(s, CX_EINVAL, "style: agree is not available for csat");
    s->style = CX_STYLE_EMOJI;
    s->inverted = 1;
    expect_refused(s, CX_EINVAL, "inverted: only a csat or ces question");
    s->style = CX_STYLE_NUMBERS;
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    s->kind = CX_SURVEY_NPS;
    s->scale = (struct cx_scale){0, 10};
    expect_refused(s, CX_EINVAL, "inverted:");
    cx_survey_free(s);

    /* id */
    static const char *const bad_ids[] = {
        "",  "Support", "with space",
        "é", "a/b",     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    s = valid_nps();
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        cx_survey_set_id(s, bad_ids[i]);
        expect_refused(s, CX_EINVAL, "id: must be 1-64 characters");
    }
    cx_survey_set_id(s,
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); /* 64 */
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    cx_survey_set_id(s, "a_b-9");
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    cx_survey_set_id(s, NULL);
    expect_refused(s, CX_EINVAL, "id: missing");
    cx_survey_free(s);

    /* names and texts */
    s = valid_nps();
    cx_survey_set_name(s, NULL);
    expect_refused(s, CX_EINVAL, "name: missing");
    cx_survey_set_name(s, "");
    expect_refused(s, CX_EINVAL, "name: must not be empty");
    cx_survey_set_name(s, "ok");
    char longtext[CX_SURVEY_TEXT_MAX + 2];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    cx_survey_set_text(s, CX_TEXT_FOLLOWUP, "tr", longtext);
    expect_refused(s, CX_EINVAL, "texts.tr.followup: at most 1000 bytes (has 1001)");
    longtext[CX_SURVEY_TEXT_MAX] = '\0';
    cx_survey_set_text(s, CX_TEXT_FOLLOWUP, "tr", longtext);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    cx_survey_set_text(s, CX_TEXT_HIGH_LABEL, "ro", "\xc3\x28");
    expect_refused(s, CX_EINVAL, "texts.ro.high_label: invalid UTF-8");
    cx_survey_set_text(s, CX_TEXT_HIGH_LABEL, "ro", "a\tb");
    expect_refused(s, CX_EINVAL, "texts.ro.high_label: control characters");
    cx_survey_set_text(s, CX_TEXT_HIGH_LABEL, "ro", NULL);
    cx_survey_set_text(s, CX_TEXT_FOLLOWUP_HIGH, "nb", "");
    expect_refused(s, CX_EINVAL, "followup_by_category.promoter.nb: must not be empty");
    assert_int_equal(cx_survey_set_text(s, CX_TEXT_QUESTION, "de", "Frage"), CX_EINVAL);
    assert_int_equal(cx_survey_set_text(s, CX_TEXT_QUESTION, "nb-NO", "x"), CX_EINVAL);
    cx_survey_free(s);

    /* channels */
    s = valid_nps();
    cx_survey_add_channel(s, "email");
    expect_refused(s, CX_EINVAL, "channels[2]: \"email\" is listed twice");
    cx_survey_free(s);
    s = valid_nps();
    cx_survey_add_channel(s, "Web");
    expect_refused(s, CX_EINVAL, "channels[2]: must be 1-32 characters");
    cx_survey_free(s);
    s = valid_nps();
    for (int i = 0; i < 15; i++) {
        char c[8];
        snprintf(c, sizeof c, "c%d", i);
        assert_int_equal(cx_survey_add_channel(s, c), CX_OK);
    }
    expect_refused(s, CX_ELIMIT, "channels: at most 16 (has 17)");
    cx_survey_free(s);

    /* custom surveys */
    s = make(CX_SURVEY_CUSTOM, NULL, CX_STYLE_NUMBERS, 0);
    expect_refused(s, CX_EINVAL, "custom.question: needs a text");
    cx_survey_set_text(s, CX_TEXT_CUSTOM_QUESTION, "nb", "Fant du det du lette etter?");
    expect_refused(s, CX_EINVAL, "custom.options: needs 2 to 10 options (has 0)");
    add_options(s, CX_LIST_CUSTOM, 11);
    expect_refused(s, CX_ELIMIT, "custom.options: at most 10 options (has 11)");
    cx_survey_free(s);
    s = make(CX_SURVEY_CUSTOM, NULL, CX_STYLE_NUMBERS, 0);
    cx_survey_set_text(s, CX_TEXT_CUSTOM_QUESTION, "nb", "Fant du det du lette etter?");
    add_options(s, CX_LIST_CUSTOM, 2);
    add_options(s, CX_LIST_REASON, 2);
    assert_int_equal(cx_survey_validate(s, &err), CX_OK);
    assert_int_equal(cx_survey_questions(s), 3);
    s->scale = (struct cx_scale){1, 5};
    expect_refused(s, CX_EINVAL, "scale: a custom survey has no scale");
    s->scale = (struct cx_scale){0, 0};
    cx_survey_set_text(s, CX_TEXT_QUESTION, "en", "Q");
    expect_refused(s, CX_EINVAL, "texts.en.question: a custom survey asks custom.question");
    cx_survey_free(s);

    /* the setters bound their lists */
    s = valid_nps();
    for (int i = 0; i < CX_SURVEY_LIST_HARD_MAX; i++)
        assert_int_equal(cx_survey_add_option(s, CX_LIST_REASON), i);
    assert_int_equal(cx_survey_add_option(s, CX_LIST_REASON), -CX_ELIMIT);
    assert_int_equal(cx_survey_set_option(s, CX_LIST_REASON, CX_SURVEY_LIST_HARD_MAX, "en", "x"),
                     CX_EINVAL);
    cx_survey_free(s);
    cx_survey_free(NULL);
}

static void test_category(void **state)
{
    struct cx_survey *s = make(CX_SURVEY_NPS, NULL, CX_STYLE_NUMBERS, 0);
    for (int v = 0; v <= 10; v++) {
        enum cx_category want = v <= 6   ? CX_CAT_DETRACTOR
                                : v <= 8 ? CX_CAT_PASSIVE
                                         : CX_CAT_PROMOTER;
        assert_int_equal(cx_survey_category(s, v), want);
    }
    assert_int_equal(cx_survey_category(s, -1), CX_CAT_NONE);
    assert_int_equal(cx_survey_category(s, 11), CX_CAT_NONE);
    assert_string_equal(cx_category_name(CX_SURVEY_NPS, CX_CAT_PROMOTER), "promoter");
    assert_string_equal(cx_category_name(CX_SURVEY_CES, CX_CAT_MIDDLE), "middle");
    assert_null(cx_category_name(CX_SURVEY_CES, CX_CAT_NONE));
    cx_survey_free(s);

    static const struct {
        enum cx_survey_kind kind;
        int max;
        const char *cats; /* L, M, H per score from 1 */
    } thirds[] = {
        {CX_SURVEY_CSAT, 3, "LMH"},        {CX_SURVEY_CSAT, 5, "LLMHH"},
        {CX_SURVEY_CSAT, 7, "LLMMMHH"},    {CX_SURVEY_CSAT, 10, "LLLMMMMHHH"},
        {CX_SURVEY_CES, 5, "LLMHH"},       {CX_SURVEY_CES, 7, "LLMMMHH"},
        {CX_SURVEY_CES, 10, "LLLMMMMHHH"},
    };
    for (size_t i = 0; i < sizeof thirds / sizeof thirds[0]; i++) {
        s = cx_survey_new(thirds[i].kind);
        s->scale = (struct cx_scale){1, thirds[i].max};
        for (int v = 1; v <= thirds[i].max; v++) {
            char c = thirds[i].cats[v - 1];
            enum cx_category want = c == 'L' ? CX_CAT_LOW : c == 'M' ? CX_CAT_MIDDLE : CX_CAT_HIGH;
            if (cx_survey_category(s, v) != want)
                fail_msg("scale 1-%d score %d: want %c", thirds[i].max, v, c);
        }
        assert_int_equal(cx_survey_category(s, 0), CX_CAT_NONE);
        assert_int_equal(cx_survey_category(s, thirds[i].max + 1), CX_CAT_NONE);
        cx_survey_free(s);
    }
    s = cx_survey_new(CX_SURVEY_CUSTOM);
    assert_int_equal(cx_survey_category(s, 1), CX_CAT_NONE);
    cx_survey_free(s);
}

static void test_texts_and_followup(void **state)
{
    struct cx_survey *s = make(CX_SURVEY_NPS, NULL, CX_STYLE_NUMBERS, 0);
    /* built-in defaults by language */
    assert_true(contains(cx_survey_text(s, CX_TEXT_QUESTION, "en"), "recommend {company}"));
    assert_true(contains(cx_survey_text(s, CX_TEXT_QUESTION, "nb-NO"), "anbefale"));
    assert_true(contains(cx_survey_text(s, CX_TEXT_QUESTION, "xx"), "recommend"));
    assert_string_equal(cx_survey_text(s, CX_TEXT_FOLLOWUP, "en"), "What should we improve?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_FOLLOWUP, "ro"), "Ce ar trebui să îmbunătățim?");
    assert_string_equal(cx_survey_text(s, (enum cx_text_id)CX_NTEXTS, "en"), "");
    /* survey text in lang, then survey en, then built-in lang */
    cx_survey_set_text(s, CX_TEXT_QUESTION, "nb", "Vil du anbefale oss?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "nb"), "Vil du anbefale oss?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "no"), "Vil du anbefale oss?");
    assert_true(contains(cx_survey_text(s, CX_TEXT_QUESTION, "tr"), "tavsiye"));
    cx_survey_set_text(s, CX_TEXT_QUESTION, "en", "Would you recommend us?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "tr"), "Would you recommend us?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "nb"), "Vil du anbefale oss?");

    /* follow-up by category: category text, general text, built-in category */
    assert_string_equal(cx_survey_followup(s, 3, "en"),
                        "We're sorry to hear that. What should we do better?");
    assert_string_equal(cx_survey_followup(s, 10, "nb"), "Takk! Hva likte du best?");
    assert_true(contains(cx_survey_followup(s, 7, "fa"), "تجربه"));
    cx_survey_set_text(s, CX_TEXT_FOLLOWUP, "en", "Tell us more");
    assert_string_equal(cx_survey_followup(s, 7, "en"), "Tell us more");
    assert_string_equal(cx_survey_followup(s, 7, "tr"), "Tell us more");
    cx_survey_set_text(s, CX_TEXT_FOLLOWUP_LOW, "tr", "Neyi yanlış yaptık?");
    assert_string_equal(cx_survey_followup(s, 0, "tr"), "Neyi yanlış yaptık?");
    assert_string_equal(cx_survey_followup(s, 0, "en"), "Tell us more");
    assert_string_equal(cx_survey_followup(s, 9, "tr"), "Tell us more");
    s->followup = 0;
    assert_null(cx_survey_followup(s, 0, "tr"));
    cx_survey_free(s);

    /* custom: the question from any language before the generic default */
    s = make(CX_SURVEY_CUSTOM, NULL, CX_STYLE_NUMBERS, 0);
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "en"), "Please choose one answer.");
    assert_string_equal(cx_survey_text(s, CX_TEXT_LOW_LABEL, "en"), "");
    cx_survey_set_text(s, CX_TEXT_CUSTOM_QUESTION, "ro", "Ați găsit ce căutați?");
    assert_string_equal(cx_survey_text(s, CX_TEXT_QUESTION, "tr"), "Ați găsit ce căutați?");
    add_options(s, CX_LIST_CUSTOM, 3);
    cx_survey_set_option(s, CX_LIST_CUSTOM, 1, "tr", "Evet");
    struct cx_option o[4];
    struct cx_err err;
    int v;
    assert_int_equal(cx_survey_options(s, "tr", o, 4), 3);
    assert_string_equal(o[0].label, "Option 0");
    assert_string_equal(o[1].label, "Evet");
    assert_int_equal(o[1].value, 2);
    assert_int_equal(cx_survey_store_score(s, 3, &v, &err), CX_OK);
    assert_int_equal(v, 3);
    assert_int_equal(cx_survey_store_score(s, 4, &v, &err), CX_EINVAL);
    assert_int_equal(cx_survey_store_score(s, 0, &v, &err), CX_EINVAL);
    assert_string_equal(cx_survey_followup(s, 1, "en"), "What should we improve?");
    cx_survey_free(s);

    /* reason options */
    s = make(CX_SURVEY_CSAT, NULL, CX_STYLE_NUMBERS, 0);
    add_options(s, CX_LIST_REASON, 2);
    cx_survey_set_option(s, CX_LIST_REASON, 0, "nb", "Pris");
    assert_int_equal(cx_survey_list_options(s, CX_LIST_REASON, "nb", o, 4), 2);
    assert_string_equal(o[0].label, "Pris");
    assert_string_equal(o[1].label, "Option 1");
    assert_int_equal(cx_survey_list_options(s, CX_LIST_CUSTOM, "nb", o, 4), 0);
    assert_true(contains(cx_survey_text(s, CX_TEXT_REASON_QUESTION, "fa"), "دلیل"));
    cx_survey_free(s);
}

static void test_expand(void **state)
{
    char out[64];
    assert_int_equal(cx_text_expand("Rate {company}!", "Acme", out, sizeof out), 10);
    assert_string_equal(out, "Rate Acme!");
    assert_int_equal(cx_text_expand("{company}{company}", "Ab", out, sizeof out), 4);
    assert_string_equal(out, "AbAb");
    assert_int_equal(cx_text_expand("{company", "X", out, sizeof out), 8);
    assert_string_equal(out, "{company");
    assert_int_equal(cx_text_expand("Hi {company}", NULL, out, sizeof out), 12);
    assert_string_equal(out, "Hi {company}");
    /* cut at a character boundary: "Æ" is 2 bytes */
    assert_int_equal(cx_text_expand("{company}", "ÆÆÆ", out, 6), 6);
    assert_string_equal(out, "ÆÆ");
    assert_int_equal(cx_text_expand("{company}", "ÆÆÆ", out, 5), 6);
    assert_string_equal(out, "ÆÆ");
    assert_int_equal(cx_text_expand("{company}", "ÆÆÆ", out, 4), 6);
    assert_string_equal(out, "Æ");
    assert_int_equal(cx_text_expand("abc", "x", NULL, 0), 3);
    char fa[256];
    cx_text_expand(cx_ui_text("fa", CX_UI_THANKS_DETAIL), "دیجی\u200cکالا", fa, sizeof fa);
    assert_true(contains(fa, "دیجی\u200cکالا"));
    assert_false(contains(fa, "{company}"));
}

static void test_names(void **state)
{
    enum cx_survey_kind k;
    enum cx_style st;
    assert_int_equal(cx_survey_kind_parse("CES", &k), 0);
    assert_int_equal(k, CX_SURVEY_CES);
    assert_int_equal(cx_survey_kind_parse("custom", &k), 0);
    assert_int_equal(k, CX_SURVEY_CUSTOM);
    assert_int_equal(cx_survey_kind_parse("cesx", &k), -1);
    assert_int_equal(cx_survey_kind_parse("", &k), -1);
    assert_int_equal(cx_style_parse("agree", &st), 0);
    assert_int_equal(st, CX_STYLE_AGREE);
    assert_int_equal(cx_style_parse("Stars", &st), -1);
    assert_string_equal(cx_style_name(CX_STYLE_EMOJI), "emoji");
    assert_string_equal(cx_survey_kind_name(CX_SURVEY_NPS), "nps");
    struct cx_survey *s = cx_survey_new(CX_SURVEY_CES);
    assert_int_equal(s->scale.min, 1);
    assert_int_equal(s->scale.max, 7);
    assert_int_equal(s->followup, 1);
    cx_survey_free(s);
    s = cx_survey_new(CX_SURVEY_CUSTOM);
    assert_int_equal(s->scale.max, 0);
    cx_survey_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_every_language),
        cmocka_unit_test(test_rtl),
        cmocka_unit_test(test_lang_pick),
        cmocka_unit_test(test_ces_labels_inverted),
        cmocka_unit_test(test_inverted_1_7),
        cmocka_unit_test(test_options_styles),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_category),
        cmocka_unit_test(test_texts_and_followup),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
