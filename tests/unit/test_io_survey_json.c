#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/survey_json.h"

static const char full_json[] =
    "{\"id\":\"support-ces\",\"name\":\"Support effort\",\"kind\":\"ces\",\"scale\":\"1-7\","
    "\"style\":\"agree\",\"inverted\":false,"
    "\"texts\":{\"en\":{\"question\":\"{company} made it easy for me to handle my issue.\","
    "\"low_label\":\"Strongly disagree\",\"high_label\":\"Strongly agree\","
    "\"followup\":\"What should we improve?\"},"
    "\"fa\":{\"question\":\"{company} رسیدگی به مشکلم را برایم آسان کرد.\"},"
    "\"ro\":{\"followup\":\"Ce ar trebui să îmbunătățim?\"}},"
    "\"followup\":true,"
    "\"followup_by_category\":{\"low\":{\"en\":\"What made it hard?\",\"nb\":\"Hva gjorde det "
    "vanskelig?\"},\"high\":{\"tr\":\"Neyi beğendiniz?\"}},"
    "\"reason\":{\"question\":{\"en\":\"Main reason?\"},\"options\":[{\"en\":\"Price\",\"nb\":"
    "\"Pris\"},{\"en\":\"Speed\",\"fa\":\"سرعت\"},{\"ro\":\"Calitate\"}]},"
    "\"channels\":[\"link\",\"email\",\"whatsapp\"],\"archived\":false}";

static struct cx_survey *parse_ok(const char *json)
{
    struct cx_survey *s = NULL;
    struct cx_err err = {{0}};
    int rc = cx_survey_from_json(json, strlen(json), &s, &err);
    if (rc) fail_msg("rc %d: %s\n%s", rc, err.msg, json);
    assert_non_null(s);
    return s;
}

/* Parses json, expecting rc and an error message containing needle. */
static void parse_bad(const char *json, int rc, const char *needle)
{
    struct cx_survey *s = (struct cx_survey *)1;
    struct cx_err err = {{0}};
    int got = cx_survey_from_json(json, strlen(json), &s, &err);
    if (got != rc || !strstr(err.msg, needle))
        fail_msg("%s\nwant rc %d with \"%s\", got rc %d: %s", json, rc, needle, got, err.msg);
    assert_null(s);
}

/* to_json(from_json(x)) is a fixed point; returns the canonical text. */
static char *round_trip(const char *json)
{
    struct cx_survey *s = parse_ok(json);
    char *a = cx_survey_to_json(s);
    assert_non_null(a);
    struct cx_survey *t = parse_ok(a);
    char *b = cx_survey_to_json(t);
    assert_non_null(b);
    assert_string_equal(a, b);
    cx_survey_free(s);
    cx_survey_free(t);
    free(b);
    return a;
}

static void test_round_trip(void **state)
{
    struct cx_survey *s = parse_ok(full_json);
    assert_string_equal(s->id, "support-ces");
    assert_string_equal(s->name, "Support effort");
    assert_int_equal(s->kind, CX_SURVEY_CES);
    assert_int_equal(s->scale.min, 1);
    assert_int_equal(s->scale.max, 7);
    assert_int_equal(s->style, CX_STYLE_AGREE);
    assert_int_equal(s->nreasons, 3);
    assert_string_equal(s->reasons[0].t[CX_LANG_NB], "Pris");
    assert_string_equal(s->reasons[1].t[CX_LANG_FA], "سرعت");
    assert_null(s->reasons[2].t[CX_LANG_EN]);
    assert_int_equal(s->nchannels, 3);
    assert_string_equal(s->channels[2], "whatsapp");
    assert_string_equal(cx_survey_text(s, CX_TEXT_FOLLOWUP, "ro"), "Ce ar trebui să îmbunătățim?");
    assert_string_equal(cx_survey_followup(s, 1, "nb"), "Hva gjorde det vanskelig?");
    assert_string_equal(cx_survey_followup(s, 7, "tr"), "Neyi beğendiniz?");
    assert_int_equal(cx_survey_questions(s), 3);

    char *out = cx_survey_to_json(s);
    assert_non_null(out);
    /* the shape is the documented one, and equal to the input here */
    assert_string_equal(out, full_json);
    struct cx_survey *t = parse_ok(out);
    char *again = cx_survey_to_json(t);
    assert_string_equal(out, again);
    free(out);
    free(again);
    cx_survey_free(s);
    cx_survey_free(t);

    static const char *const others[] = {
        "{\"id\":\"n\",\"name\":\"NPS\",\"kind\":\"NPS\"}",
        "{\"id\":\"c\",\"name\":\"Stars\",\"kind\":\"csat\",\"scale\":\"1-10\",\"style\":\"stars\","
        "\"followup\":false,\"archived\":true,\"channels\":[]}",
        "{\"id\":\"e\",\"name\":\"Effort\",\"kind\":\"ces\",\"style\":\"labels\",\"inverted\":true,"
        "\"followup_by_category\":{\"middle\":{\"fa\":\"چه چیزی؟\"}}}",
        "{\"id\":\"p\",\"name\":\"NPS+\",\"kind\":\"nps\",\"followup\":false,"
        "\"followup_by_category\":{\"detractor\":{\"en\":\"Sorry!\"},\"promoter\":{\"ro\":"
        "\"Mulțumim!\"}},"
        "\"custom\":{\"question\":{\"nb\":\"Hvordan fant du oss?\"},\"options\":[{\"nb\":\"Søk\"},"
        "{\"nb\":\"Venner\"}]},\"reason\":{\"options\":[{\"en\":\"a\"},{\"en\":\"b\"}]}}",
        "{\"id\":\"q\",\"name\":\"Custom\",\"kind\":\"custom\",\"custom\":{\"question\":{\"tr\":"
        "\"Aradığınızı buldunuz mu?\"},\"options\":[{\"tr\":\"Evet\"},{\"tr\":\"Hayır\"}]},"
        "\"texts\":{\"tr\":{\"followup\":\"Neden?\"}},\"archived\":null}",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) free(round_trip(others[i]));

    /* defaults */
    s = parse_ok(others[0]);
    assert_int_equal(s->kind, CX_SURVEY_NPS);
    assert_int_equal(s->scale.min, 0);
    assert_int_equal(s->scale.max, 10);
    assert_int_equal(s->followup, 1);
    assert_int_equal(s->archived, 0);
    out = cx_survey_to_json(s);
    assert_string_equal(out, "{\"id\":\"n\",\"name\":\"NPS\",\"kind\":\"nps\",\"scale\":\"0-10\","
                             "\"style\":\"numbers\",\"inverted\":false,\"texts\":{},"
                             "\"followup\":true,\"channels\":[],\"archived\":false}");
    free(out);
    cx_survey_free(s);
    s = parse_ok(others[2]);
    assert_int_equal(s->scale.max, 5); /* labels default to 1-5 */
    struct cx_option o[5];
    assert_int_equal(cx_survey_options(s, "en", o, 5), 5);
    assert_string_equal(o[0].label, "Very easy");
    cx_survey_free(s);
}

static void test_garbage(void **state)
{
    parse_bad("", CX_EFORMAT, "invalid JSON");
    parse_bad("{", CX_EFORMAT, "invalid JSON at line 1");
    parse_bad("nul", CX_EFORMAT, "invalid JSON");
    parse_bad("[]", CX_EFORMAT, "a survey must be a JSON object");
    parse_bad("\"x\"", CX_EFORMAT, "invalid JSON"); /* jansson wants an object or array */
    parse_bad("{} {}", CX_EFORMAT, "invalid JSON");
    parse_bad("{\"id\":\"a\",\"id\":\"b\",\"name\":\"x\",\"kind\":\"nps\"}", CX_EFORMAT,
              "duplicate");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\",\"texts\":{\"en\":{\"question\":"
              "\"a\\u0000b\"}}}",
              CX_EFORMAT, "invalid JSON");
    parse_bad("{\"id\":\"a\",\"name\":\"\xff\",\"kind\":\"nps\"}", CX_EFORMAT, "invalid JSON");
    char *big = malloc(CX_SURVEY_JSON_MAX + 2);
    memset(big, ' ', CX_SURVEY_JSON_MAX + 1);
    big[CX_SURVEY_JSON_MAX + 1] = '\0';
    parse_bad(big, CX_ELIMIT, "larger than");
    free(big);
    struct cx_survey *s;
    struct cx_err err;
    assert_int_equal(cx_survey_from_json("{\"kind\":\"nps\"}", 3, &s, &err), CX_EFORMAT);
}

static void test_types_name_the_field(void **state)
{
#define BASE "\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\""
    parse_bad("{\"id\":\"a\",\"name\":\"x\"}", CX_EINVAL, "kind: missing");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":3}", CX_EFORMAT, "kind: must be a string");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"xps\"}", CX_EINVAL, "kind: unknown kind");
    parse_bad("{\"id\":1,\"name\":\"x\",\"kind\":\"nps\"}", CX_EFORMAT, "id: must be a string");
    parse_bad("{\"name\":\"x\",\"kind\":\"nps\"}", CX_EINVAL, "id: missing");
    parse_bad("{\"id\":\"A\",\"name\":\"x\",\"kind\":\"nps\"}", CX_EINVAL, "id: must be 1-64");
    parse_bad("{\"id\":\"a\",\"name\":[],\"kind\":\"nps\"}", CX_EFORMAT, "name: must be a string");
    parse_bad("{" BASE ",\"scale\":10}", CX_EFORMAT, "scale: must be a string");
    parse_bad("{" BASE ",\"scale\":\"1-5\"}", CX_EINVAL, "scale 1-5 is not allowed for nps");
    parse_bad("{" BASE ",\"scale\":\"0 - 10\"}", CX_EINVAL, "scale must be MIN-MAX");
    parse_bad("{" BASE ",\"style\":\"stars\"}", CX_EINVAL, "style: stars is not available for nps");
    parse_bad("{" BASE ",\"style\":\"hearts\"}", CX_EINVAL, "style: unknown style \"hearts\"");
    parse_bad("{" BASE ",\"inverted\":\"yes\"}", CX_EFORMAT, "inverted: must be true or false");
    parse_bad("{" BASE ",\"followup\":1}", CX_EFORMAT, "followup: must be true or false");
    parse_bad("{" BASE ",\"archived\":{}}", CX_EFORMAT, "archived: must be true or false");
    parse_bad("{" BASE ",\"texts\":[]}", CX_EFORMAT, "texts: must be an object");
    parse_bad("{" BASE ",\"texts\":{\"en\":\"hi\"}}", CX_EFORMAT, "texts.en: must be an object");
    parse_bad("{" BASE ",\"texts\":{\"fa\":{\"question\":5}}}", CX_EFORMAT,
              "texts.fa.question: must be a string");
    parse_bad("{" BASE ",\"texts\":{\"fa\":{\"question\":\"\"}}}", CX_EINVAL,
              "texts.fa.question: must not be empty");
    parse_bad("{" BASE ",\"texts\":{\"de\":{\"question\":\"Frage\"}}}", CX_EINVAL,
              "texts: unsupported language \"de\"");
    parse_bad("{" BASE ",\"reason\":[]}", CX_EFORMAT, "reason: must be an object");
    parse_bad("{" BASE ",\"reason\":{\"options\":{}}}", CX_EFORMAT,
              "reason.options: must be an array");
    parse_bad("{" BASE ",\"reason\":{\"options\":[{\"en\":\"a\"},\"b\"]}}", CX_EFORMAT,
              "reason.options[1]: must be an object");
    parse_bad("{" BASE ",\"reason\":{\"options\":[{\"en\":\"a\"},{\"en\":true}]}}", CX_EFORMAT,
              "reason.options[1].en: must be a string");
    parse_bad("{" BASE ",\"reason\":{\"options\":[{\"en\":\"a\"},{\"nn\":\"b\"}]}}", CX_EINVAL,
              "reason.options[1]: unsupported language \"nn\"");
    parse_bad("{" BASE ",\"reason\":{\"question\":{\"en\":7}}}", CX_EFORMAT,
              "reason.question.en: must be a string");
    parse_bad("{" BASE ",\"channels\":\"email\"}", CX_EFORMAT, "channels: must be an array");
    parse_bad("{" BASE ",\"channels\":[\"email\",2]}", CX_EFORMAT, "channels[1]: must be a string");
    parse_bad("{" BASE ",\"channels\":[\"e mail\"]}", CX_EINVAL, "channels[0]: must be 1-32");
    parse_bad("{" BASE ",\"followup_by_category\":{\"low\":{\"en\":\"x\"}}}", CX_EFORMAT,
              "followup_by_category: unknown key \"low\" (a nps survey has detractor, passive, "
              "promoter)");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"csat\",\"followup_by_category\":"
              "{\"promoter\":{}}}",
              CX_EFORMAT, "unknown key \"promoter\"");
    parse_bad("{" BASE ",\"followup_by_category\":{\"passive\":[\"x\"]}}", CX_EFORMAT,
              "followup_by_category.passive: must be an object");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"custom\",\"scale\":\"1-5\"}", CX_EINVAL,
              "scale: a custom survey has no scale");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"custom\",\"style\":\"numbers\"}", CX_EINVAL,
              "style: a custom survey has no style");
    /* limits */
    parse_bad("{" BASE ",\"reason\":{\"options\":[{\"en\":\"1\"},{\"en\":\"2\"},{\"en\":\"3\"},"
              "{\"en\":\"4\"},{\"en\":\"5\"},{\"en\":\"6\"},{\"en\":\"7\"},{\"en\":\"8\"},"
              "{\"en\":\"9\"}]}}",
              CX_ELIMIT, "reason.options: at most 8 options (has 9)");
    parse_bad(
        "{" BASE ",\"reason\":{\"options\":[{\"en\":\"1\"},{\"en\":\"2\"}]},"
        "\"custom\":{\"question\":{\"en\":\"Q\"},\"options\":[{\"en\":\"y\"},{\"en\":\"n\"}]}}",
        CX_ELIMIT, "at most 3 questions, this one asks 4");
    char many[4096] = "{" BASE ",\"channels\":[";
    for (int i = 0; i < 70; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s\"c%d\"", i ? "," : "", i);
    strcat(many, "]}");
    parse_bad(many, CX_ELIMIT, "channels: at most 16 (has 70)");
#undef BASE
}

static void test_unknown_keys(void **state)
{
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\",\"colour\":\"red\"}", CX_EFORMAT,
              "unknown key \"colour\"");
    parse_bad(
        "{\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\",\"texts\":{\"en\":{\"qestion\":\"Q\"}}}",
        CX_EFORMAT, "texts.en: unknown key \"qestion\"");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\",\"reason\":{\"choices\":[]}}",
              CX_EFORMAT, "reason: unknown key \"choices\"");
    parse_bad("{\"id\":\"a\",\"name\":\"x\",\"kind\":\"nps\",\"custom\":{\"opts\":[]}}", CX_EFORMAT,
              "custom: unknown key \"opts\"");
    /* the key is shown safely: quotes and control characters masked, long keys cut */
    parse_bad("{\"k\\\"\\n\":1}", CX_EFORMAT, "unknown key \"k??\"");
    char key[256] = "{\"", want[128] = "unknown key \"";
    for (int i = 0; i < 47; i++) strcat(key, "æ");
    strcat(key, "\":1}");
    for (int i = 0; i < 24; i++) strcat(want, "æ");
    strcat(want, "...\"");
    parse_bad(key, CX_EFORMAT, want);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Mutates buf[0..*len) in place (cap bytes available). */
static void mutate(char *buf, size_t *len, size_t cap)
{
    static const char *const tokens[] = {"{",   "}",      "[",    "]",    ",",        ":",
                                         "\"",  "null",   "true", "1",    "\"en\"",   "\"fa\"",
                                         "\\u", "\"x\":", "-",    "\xc3", "\xd9\x8a", "1-5"};
    int ops = 1 + (int)(rnd() % 4);
    for (int k = 0; k < ops; k++) {
        size_t pos = *len ? rnd() % (*len + 1) : 0;
        switch (rnd() % 5) {
        case 0: /* flip a byte */
            if (*len) buf[pos % *len] = (char)(rnd() & 0xFF);
            break;
        case 1: /* delete a run */
            if (*len) {
                size_t n = 1 + rnd() % 8;
                if (pos + n > *len) n = *len - pos;
                memmove(buf + pos, buf + pos + n, *len - pos - n);
                *len -= n;
            }
            break;
        case 2: { /* insert a token */
            const char *t = tokens[rnd() % (sizeof tokens / sizeof tokens[0])];
            size_t n = strlen(t);
            if (*len + n >= cap) break;
            memmove(buf + pos + n, buf + pos, *len - pos);
            memcpy(buf + pos, t, n);
            *len += n;
            break;
        }
        case 3: /* truncate */
            *len = pos;
            break;
        default: { /* duplicate a run elsewhere */
            if (!*len) break;
            size_t from = rnd() % *len, n = 1 + rnd() % 16;
            if (from + n > *len) n = *len - from;
            if (*len + n >= cap) break;
            char tmp[16];
            memcpy(tmp, buf + from, n);
            memmove(buf + pos + n, buf + pos, *len - pos);
            memcpy(buf + pos, tmp, n);
            *len += n;
            break;
        }
        }
    }
}

static void test_mutations_never_crash(void **state)
{
    static const char *const seeds[] = {
        full_json,
        "{\"id\":\"q\",\"name\":\"Custom\",\"kind\":\"custom\",\"custom\":{\"question\":{\"tr\":"
        "\"Aradığınızı buldunuz mu?\"},\"options\":[{\"tr\":\"Evet\"},{\"tr\":\"Hayır\"}]}}",
        "{\"id\":\"c\",\"name\":\"Stars\",\"kind\":\"csat\",\"scale\":\"1-5\",\"style\":\"emoji\"}",
    };
    char buf[4096];
    int accepted = 0, refused = 0;
    for (int iter = 0; iter < 30000; iter++) {
        const char *seed = seeds[iter % 3];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        mutate(buf, &len, sizeof buf);
        struct cx_survey *s = NULL;
        struct cx_err err = {{0}};
        int rc = cx_survey_from_json(buf, len, &s, &err);
        if (rc) {
            assert_null(s);
            assert_true(strlen(err.msg) > 0);
            refused++;
            continue;
        }
        accepted++;
        /* an accepted survey is usable and round-trips */
        struct cx_option o[16];
        int n = cx_survey_options(s, "fa", o, 16);
        assert_true(n >= 0 && n <= 11);
        for (int i = 0; i < n; i++) {
            int v;
            assert_int_equal(cx_survey_store_score(s, o[i].value, &v, &err), CX_OK);
        }
        for (int id = 0; id < CX_NTEXTS; id++)
            assert_non_null(cx_survey_text(s, (enum cx_text_id)id, "ro"));
        char *a = cx_survey_to_json(s);
        assert_non_null(a);
        struct cx_survey *t = parse_ok(a);
        char *b = cx_survey_to_json(t);
        assert_string_equal(a, b);
        free(a);
        free(b);
        cx_survey_free(t);
        cx_survey_free(s);
    }
    /* the loop exercised both paths */
    assert_true(accepted > 100);
    assert_true(refused > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_types_name_the_field),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_mutations_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
