/* libFuzzer driver for survey definitions. The input is given to
 * cx_survey_from_json; an accepted survey must validate, answer every shown
 * option, give texts in every language and round-trip through
 * cx_survey_to_json to the same text. The input is also read as an
 * Accept-Language value and a language tag. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"
#include "core/utf8.h"
#include "io/survey_json.h"

static const char *const langs[] = {"en", "nb", "tr", "fa", "ro", "de"};

static void exercise(const struct cx_survey *s)
{
    struct cx_err err;
    struct cx_option o[16];
    if (cx_survey_validate(s, &err) != CX_OK) abort();
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
        int n = cx_survey_options(s, langs[l], o, 16);
        if (n < 0 || n > 11) abort();
        for (int i = 0; i < n; i++) {
            int stored;
            if (cx_survey_store_score(s, o[i].value, &stored, &err) != CX_OK) abort();
            if (!cx_utf8_valid(o[i].label, strlen(o[i].label), NULL)) abort();
            if (!cx_utf8_valid(o[i].aria, strlen(o[i].aria), NULL)) abort();
            cx_survey_category(s, stored);
            const char *f = cx_survey_followup(s, stored, langs[l]);
            if (s->followup && !f) abort();
        }
        for (int id = 0; id < CX_NTEXTS; id++) {
            const char *t = cx_survey_text(s, (enum cx_text_id)id, langs[l]);
            char buf[64];
            if (!t || !cx_utf8_valid(t, strlen(t), NULL)) abort();
            size_t need = cx_text_expand(t, "Acme", buf, sizeof buf);
            if (need < sizeof buf && strlen(buf) != need) abort();
            if (!cx_utf8_valid(buf, strlen(buf), NULL)) abort();
        }
        cx_survey_list_options(s, CX_LIST_REASON, langs[l], o, 16);
        cx_survey_list_options(s, CX_LIST_CUSTOM, langs[l], o, 16);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cx_survey *s = NULL;
    struct cx_err err;
    int rc = cx_survey_from_json((const char *)data, size, &s, &err);
    if (rc) {
        if (s || !err.msg[0]) abort();
    } else {
        exercise(s);
        char *a = cx_survey_to_json(s);
        if (!a) abort();
        struct cx_survey *t = NULL;
        if (cx_survey_from_json(a, strlen(a), &t, &err) != CX_OK) abort();
        char *b = cx_survey_to_json(t);
        if (!b || strcmp(a, b) != 0) abort();
        free(a);
        free(b);
        cx_survey_free(t);
        cx_survey_free(s);
    }

    char *str = malloc(size + 1);
    if (!str) return 0;
    memcpy(str, data, size);
    str[size] = '\0';
    const char *l = cx_lang_pick(str, str);
    if (cx_lang_index(l) < 0) abort();
    cx_lang_rtl(str);
    free(str);
    return 0;
}
