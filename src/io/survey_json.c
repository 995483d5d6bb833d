#include "io/survey_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a text goes: a survey text, or an option of a list. */
struct target {
    int is_option;
    enum cx_text_id id;
    enum cx_list which;
    size_t index;
};

static const char *const top_keys[] = {"id",       "name",     "kind",
                                       "scale",    "style",    "inverted",
                                       "texts",    "followup", "followup_by_category",
                                       "reason",   "custom",   "channels",
                                       "archived", NULL};
static const char *const lang_text_keys[] = {"question", "low_label", "high_label", "followup",
                                             NULL};
static const enum cx_text_id lang_text_ids[] = {CX_TEXT_QUESTION, CX_TEXT_LOW_LABEL,
                                                CX_TEXT_HIGH_LABEL, CX_TEXT_FOLLOWUP};
static const char *const choice_keys[] = {"question", "options", NULL};

/* A printable excerpt of a key for messages: at most ~48 bytes, control
 * characters and quotes as '?', cut at a UTF-8 boundary. */
static const char *key_repr(const char *k, char out[64])
{
    size_t n = 0;
    for (; k[n] && n < 48; n++) {
        unsigned char c = (unsigned char)k[n];
        out[n] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
    }
    if (k[n]) { /* cut: drop a partial character, mark the cut */
        while (n > 0 && ((unsigned char)k[n] & 0xC0) == 0x80) n--;
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

/* Refuses keys of obj not in allowed (NULL-terminated). path "" = top. */
static int check_keys(json_t *obj, const char *path, const char *const *allowed, struct cx_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int found = 0;
        for (size_t i = 0; allowed[i] && !found; i++) found = strcmp(key, allowed[i]) == 0;
        if (!found) {
            char r[64];
            if (*path)
                return cx_fail(err, CX_EFORMAT, "%s: unknown key \"%s\"", path, key_repr(key, r));
            return cx_fail(err, CX_EFORMAT, "unknown key \"%s\"", key_repr(key, r));
        }
    }
    return CX_OK;
}

/* *out = the string value of v, or NULL if v is absent or null. */
static int get_str(json_t *v, const char *path, const char **out, struct cx_err *err)
{
    *out = NULL;
    if (!v || json_is_null(v)) return CX_OK;
    if (!json_is_string(v)) return cx_fail(err, CX_EFORMAT, "%s: must be a string", path);
    *out = json_string_value(v);
    return CX_OK;
}

/* Leaves *out unchanged when v is absent or null. */
static int get_bool(json_t *v, const char *path, int *out, struct cx_err *err)
{
    if (!v || json_is_null(v)) return CX_OK;
    if (!json_is_boolean(v)) return cx_fail(err, CX_EFORMAT, "%s: must be true or false", path);
    *out = json_is_true(v);
    return CX_OK;
}

static int get_object(json_t *v, const char *path, json_t **out, struct cx_err *err)
{
    *out = NULL;
    if (!v || json_is_null(v)) return CX_OK;
    if (!json_is_object(v)) return cx_fail(err, CX_EFORMAT, "%s: must be an object", path);
    *out = v;
    return CX_OK;
}

static int get_array(json_t *v, const char *path, json_t **out, struct cx_err *err)
{
    *out = NULL;
    if (!v || json_is_null(v)) return CX_OK;
    if (!json_is_array(v)) return cx_fail(err, CX_EFORMAT, "%s: must be an array", path);
    *out = v;
    return CX_OK;
}

static int put_text(struct cx_survey *s, const struct target *t, const char *lang, const char *text)
{
    if (t->is_option) return cx_survey_set_option(s, t->which, t->index, lang, text);
    return cx_survey_set_text(s, t->id, lang, text);
}

static int unsupported_lang(const char *path, const char *lang, struct cx_err *err)
{
    char r[64];
    return cx_fail(err, CX_EINVAL,
                   "%s: unsupported language \"%s\" (supported: en, nb, tr, fa, ro)", path,
                   key_repr(lang, r));
}

/* {"en": "...", "nb": "..."} at path into target t. */
static int parse_i18n(struct cx_survey *s, json_t *v, const char *path, const struct target *t,
                      struct cx_err *err)
{
    json_t *obj;
    int rc = get_object(v, path, &obj, err);
    if (rc || !obj) return rc;
    const char *lang;
    json_t *tv;
    json_object_foreach(obj, lang, tv)
    {
        char sub[128];
        const char *text;
        if (cx_lang_index(lang) < 0) return unsupported_lang(path, lang, err);
        snprintf(sub, sizeof sub, "%s.%s", path, lang);
        if ((rc = get_str(tv, sub, &text, err))) return rc;
        if (text && (rc = put_text(s, t, lang, text)))
            return cx_fail(err, rc, "%s: %s", sub, cx_strerror(rc));
    }
    return CX_OK;
}

static int parse_texts(struct cx_survey *s, json_t *v, struct cx_err *err)
{
    json_t *obj;
    int rc = get_object(v, "texts", &obj, err);
    if (rc || !obj) return rc;
    const char *lang;
    json_t *lv;
    json_object_foreach(obj, lang, lv)
    {
        char path[64], sub[96];
        json_t *lobj;
        if (cx_lang_index(lang) < 0) return unsupported_lang("texts", lang, err);
        snprintf(path, sizeof path, "texts.%s", lang);
        if ((rc = get_object(lv, path, &lobj, err))) return rc;
        if (!lobj) continue;
        if ((rc = check_keys(lobj, path, lang_text_keys, err))) return rc;
        for (size_t i = 0; lang_text_keys[i]; i++) {
            const char *text;
            snprintf(sub, sizeof sub, "%s.%s", path, lang_text_keys[i]);
            if ((rc = get_str(json_object_get(lobj, lang_text_keys[i]), sub, &text, err)))
                return rc;
            if (text && (rc = cx_survey_set_text(s, lang_text_ids[i], lang, text)))
                return cx_fail(err, rc, "%s: %s", sub, cx_strerror(rc));
        }
    }
    return CX_OK;
}

static int parse_by_category(struct cx_survey *s, json_t *v, struct cx_err *err)
{
    json_t *obj;
    int rc = get_object(v, "followup_by_category", &obj, err);
    if (rc || !obj) return rc;
    const char *names[4];
    for (int c = 0; c < 3; c++) names[c] = cx_category_name(s->kind, (enum cx_category)c);
    names[3] = NULL;
    const char *key;
    json_t *cv;
    json_object_foreach(obj, key, cv)
    {
        int c = 0;
        while (c < 3 && strcmp(key, names[c]) != 0) c++;
        if (c == 3) {
            char r[64];
            return cx_fail(err, CX_EFORMAT,
                           "followup_by_category: unknown key \"%s\" (a %s survey has %s, %s, %s)",
                           key_repr(key, r), cx_survey_kind_name(s->kind), names[0], names[1],
                           names[2]);
        }
        char path[64];
        snprintf(path, sizeof path, "followup_by_category.%s", key);
        struct target t = {0, (enum cx_text_id)(CX_TEXT_FOLLOWUP_LOW + c), CX_LIST_REASON, 0};
        if ((rc = parse_i18n(s, cv, path, &t, err))) return rc;
    }
    return CX_OK;
}

/* "reason" or "custom": {"question": {...}, "options": [{...}, ...]}. */
static int parse_choice(struct cx_survey *s, json_t *v, const char *name, enum cx_list which,
                        enum cx_text_id qid, size_t max, struct cx_err *err)
{
    json_t *obj, *opts;
    char path[64];
    int rc = get_object(v, name, &obj, err);
    if (rc || !obj) return rc;
    if ((rc = check_keys(obj, name, choice_keys, err))) return rc;
    snprintf(path, sizeof path, "%s.question", name);
    struct target q = {0, qid, which, 0};
    if ((rc = parse_i18n(s, json_object_get(obj, "question"), path, &q, err))) return rc;
    snprintf(path, sizeof path, "%s.options", name);
    if ((rc = get_array(json_object_get(obj, "options"), path, &opts, err)) || !opts) return rc;
    size_t n = json_array_size(opts);
    if (n > CX_SURVEY_LIST_HARD_MAX)
        return cx_fail(err, CX_ELIMIT, "%s: at most %zu options (has %zu)", path, max, n);
    for (size_t i = 0; i < n; i++) {
        json_t *ov = json_array_get(opts, i);
        char sub[80];
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (!json_is_object(ov)) return cx_fail(err, CX_EFORMAT, "%s: must be an object", sub);
        int idx = cx_survey_add_option(s, which);
        if (idx < 0) return cx_fail(err, -idx, "%s: %s", sub, cx_strerror(-idx));
        struct target t = {1, CX_TEXT_QUESTION, which, (size_t)idx};
        if ((rc = parse_i18n(s, ov, sub, &t, err))) return rc;
    }
    return CX_OK;
}

static int parse_channels(struct cx_survey *s, json_t *v, struct cx_err *err)
{
    json_t *arr;
    int rc = get_array(v, "channels", &arr, err);
    if (rc || !arr) return rc;
    size_t n = json_array_size(arr);
    if (n > CX_SURVEY_LIST_HARD_MAX)
        return cx_fail(err, CX_ELIMIT, "channels: at most %d (has %zu)", CX_SURVEY_CHANNELS_MAX, n);
    for (size_t i = 0; i < n; i++) {
        json_t *cv = json_array_get(arr, i);
        char path[32];
        snprintf(path, sizeof path, "channels[%zu]", i);
        if (!json_is_string(cv)) return cx_fail(err, CX_EFORMAT, "%s: must be a string", path);
        if ((rc = cx_survey_add_channel(s, json_string_value(cv))))
            return cx_fail(err, rc, "%s: %s", path, cx_strerror(rc));
    }
    return CX_OK;
}

/* Fills the survey from the top-level object; kind is already set. */
static int parse_body(struct cx_survey *s, json_t *root, struct cx_err *err)
{
    const char *str;
    int rc;

    if ((rc = get_str(json_object_get(root, "id"), "id", &str, err))) return rc;
    if (str && (rc = cx_survey_set_id(s, str))) return cx_fail(err, rc, "id: %s", cx_strerror(rc));
    if ((rc = get_str(json_object_get(root, "name"), "name", &str, err))) return rc;
    if (str && (rc = cx_survey_set_name(s, str)))
        return cx_fail(err, rc, "name: %s", cx_strerror(rc));

    if ((rc = get_str(json_object_get(root, "style"), "style", &str, err))) return rc;
    if (str) {
        if (s->kind == CX_SURVEY_CUSTOM)
            return cx_fail(err, CX_EINVAL, "style: a custom survey has no style");
        if (cx_style_parse(str, &s->style)) {
            char r[64];
            return cx_fail(err, CX_EINVAL,
                           "style: unknown style \"%s\" (numbers, stars, emoji, labels, agree)",
                           key_repr(str, r));
        }
    }
    if ((rc = get_str(json_object_get(root, "scale"), "scale", &str, err))) return rc;
    if (str) {
        const char *why = NULL;
        if (s->kind == CX_SURVEY_CUSTOM)
            return cx_fail(err, CX_EINVAL, "scale: a custom survey has no scale");
        if (cx_scale_parse(str, strlen(str), (enum cx_kind)s->kind, &s->scale, &why))
            return cx_fail(err, CX_EINVAL, "scale: %s", why);
    } else if (s->style == CX_STYLE_LABELS) {
        s->scale = (struct cx_scale){1, 5};
    }

    if ((rc = get_bool(json_object_get(root, "inverted"), "inverted", &s->inverted, err)) ||
        (rc = get_bool(json_object_get(root, "followup"), "followup", &s->followup, err)) ||
        (rc = get_bool(json_object_get(root, "archived"), "archived", &s->archived, err)) ||
        (rc = parse_texts(s, json_object_get(root, "texts"), err)) ||
        (rc = parse_by_category(s, json_object_get(root, "followup_by_category"), err)) ||
        (rc = parse_choice(s, json_object_get(root, "reason"), "reason", CX_LIST_REASON,
                           CX_TEXT_REASON_QUESTION, CX_SURVEY_REASONS_MAX, err)) ||
        (rc = parse_choice(s, json_object_get(root, "custom"), "custom", CX_LIST_CUSTOM,
                           CX_TEXT_CUSTOM_QUESTION, CX_SURVEY_CHOICES_MAX, err)) ||
        (rc = parse_channels(s, json_object_get(root, "channels"), err)))
        return rc;
    return cx_survey_validate(s, err);
}

int cx_survey_from_json(const char *json, size_t len, struct cx_survey **out, struct cx_err *err)
{
    json_error_t je;
    struct cx_survey *s = NULL;
    const char *kind_str;
    enum cx_survey_kind kind;
    int rc;

    *out = NULL;
    if (len > CX_SURVEY_JSON_MAX)
        return cx_fail(err, CX_ELIMIT, "survey JSON is larger than %d bytes", CX_SURVEY_JSON_MAX);
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return cx_fail(err, CX_EFORMAT, "invalid JSON at line %d, column %d: %s", je.line,
                       je.column, je.text);
    if (!json_is_object(root)) {
        rc = cx_fail(err, CX_EFORMAT, "a survey must be a JSON object");
        goto out;
    }
    if ((rc = check_keys(root, "", top_keys, err))) goto out;
    if ((rc = get_str(json_object_get(root, "kind"), "kind", &kind_str, err))) goto out;
    if (!kind_str) {
        rc = cx_fail(err, CX_EINVAL, "kind: missing");
        goto out;
    }
    if (cx_survey_kind_parse(kind_str, &kind)) {
        char r[64];
        rc = cx_fail(err, CX_EINVAL, "kind: unknown kind \"%s\" (nps, csat, ces, custom)",
                     key_repr(kind_str, r));
        goto out;
    }
    if (!(s = cx_survey_new(kind))) {
        rc = cx_fail(err, CX_ENOMEM, "out of memory");
        goto out;
    }
    rc = parse_body(s, root, err);
out:
    json_decref(root);
    if (rc) {
        cx_survey_free(s);
        return rc;
    }
    *out = s;
    return CX_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* {"en": ..., ...} of the set texts, or NULL (none set, or no memory: *bad). */
static json_t *i18n_json(const struct cx_i18n *t, int *bad)
{
    json_t *o = NULL;
    for (int l = 0; l < CX_NLANGS; l++) {
        if (!t->t[l]) continue;
        if (!o && !(o = json_object())) {
            *bad = 1;
            return NULL;
        }
        *bad |= json_object_set_new(o, cx_lang_code((enum cx_lang)l), json_string(t->t[l]));
    }
    return o;
}

/* Sets key to v (taking the reference) if v is non-NULL. */
static int set_opt(json_t *o, const char *key, json_t *v)
{
    return v ? json_object_set_new(o, key, v) : 0;
}

static json_t *choice_json(const struct cx_i18n *q, const struct cx_i18n *opts, size_t n, int *bad)
{
    json_t *o = json_object(), *arr = json_array();
    if (!o || !arr) {
        json_decref(o);
        json_decref(arr);
        *bad = 1;
        return NULL;
    }
    *bad |= set_opt(o, "question", i18n_json(q, bad));
    for (size_t i = 0; i < n; i++) {
        json_t *ov = i18n_json(&opts[i], bad);
        *bad |= json_array_append_new(arr, ov ? ov : json_object());
    }
    *bad |= json_object_set_new(o, "options", arr);
    return o;
}

static int any_text(const struct cx_i18n *t)
{
    for (int l = 0; l < CX_NLANGS; l++)
        if (t->t[l]) return 1;
    return 0;
}

char *cx_survey_to_json(const struct cx_survey *s)
{
    json_t *o = json_object(), *texts = json_object(), *bycat = json_object(),
           *chans = json_array();
    int bad = !o || !texts || !bycat || !chans;
    char *out = NULL;
    if (bad) goto out;

    if (s->id) bad |= json_object_set_new(o, "id", json_string(s->id));
    if (s->name) bad |= json_object_set_new(o, "name", json_string(s->name));
    bad |= json_object_set_new(o, "kind", json_string(cx_survey_kind_name(s->kind)));
    if (s->kind != CX_SURVEY_CUSTOM) {
        char scale[32];
        snprintf(scale, sizeof scale, "%d-%d", s->scale.min, s->scale.max);
        bad |= json_object_set_new(o, "scale", json_string(scale));
        bad |= json_object_set_new(o, "style", json_string(cx_style_name(s->style)));
        bad |= json_object_set_new(o, "inverted", json_boolean(s->inverted));
    }

    for (int l = 0; l < CX_NLANGS; l++) {
        json_t *lo = NULL;
        for (int i = 0; i < 4; i++) {
            const char *t = s->text[lang_text_ids[i]].t[l];
            if (!t) continue;
            if (!lo && !(lo = json_object())) {
                bad = 1;
                break;
            }
            bad |= json_object_set_new(lo, lang_text_keys[i], json_string(t));
        }
        bad |= set_opt(texts, cx_lang_code((enum cx_lang)l), lo);
    }
    bad |= json_object_set(o, "texts", texts);
    bad |= json_object_set_new(o, "followup", json_boolean(s->followup));

    for (int c = 0; c < 3; c++)
        bad |= set_opt(bycat, cx_category_name(s->kind, (enum cx_category)c),
                       i18n_json(&s->text[CX_TEXT_FOLLOWUP_LOW + c], &bad));
    if (json_object_size(bycat)) bad |= json_object_set(o, "followup_by_category", bycat);

    if (s->nreasons || any_text(&s->text[CX_TEXT_REASON_QUESTION]))
        bad |=
            set_opt(o, "reason",
                    choice_json(&s->text[CX_TEXT_REASON_QUESTION], s->reasons, s->nreasons, &bad));
    if (s->nchoices || any_text(&s->text[CX_TEXT_CUSTOM_QUESTION]))
        bad |=
            set_opt(o, "custom",
                    choice_json(&s->text[CX_TEXT_CUSTOM_QUESTION], s->choices, s->nchoices, &bad));

    for (size_t i = 0; i < s->nchannels; i++)
        bad |= json_array_append_new(chans, json_string(s->channels[i]));
    bad |= json_object_set(o, "channels", chans);
    bad |= json_object_set_new(o, "archived", json_boolean(s->archived));

    if (!bad) out = json_dumps(o, JSON_COMPACT);
out:
    json_decref(o);
    json_decref(texts);
    json_decref(bycat);
    json_decref(chans);
    return out;
}
