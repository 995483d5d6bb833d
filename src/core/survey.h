/* survey.h - the survey model: what is asked, how answers are shown and
 * stored, texts in five languages and the hosted page's UI strings. Pure:
 * no I/O, libc only (JSON lives in io/survey_json.h).
 *
 * A survey asks one main question - a score (nps, csat, ces) or a custom
 * single choice - and optionally an open follow-up, a reason choice and, on
 * a score survey, an extra custom choice; at most three questions in all.
 *
 * Shown and stored answers. The page (or channel) shows the options of the
 * main question in display order and posts back the *shown* value: the
 * number on the button, the count of stars, the position of a face or label
 * counted from the scale's minimum. cx_survey_store_score() turns it into
 * the score to store. Stored CES is always higher = easier; a question asked
 * the other way round (inverted: "how difficult...", or the five CES labels
 * shown "Very easy ... Very difficult") stores min + max - shown.
 *
 * Ownership. A struct cx_survey owns every string and array it points to
 * (heap copies made by the setters); cx_survey_free() releases them. Text
 * getters return pointers into the survey or into static tables: valid
 * while the survey lives, never to be freed. */
#ifndef CX_SURVEY_H
#define CX_SURVEY_H

#include <stddef.h>

#include "core/cx.h"
#include "core/scale.h"

/* Languages with built-in texts. Survey texts exist only in these. */
enum cx_lang { CX_LANG_EN = 0, CX_LANG_NB, CX_LANG_TR, CX_LANG_FA, CX_LANG_RO };
#define CX_NLANGS 5

/* The same values as enum cx_kind for the score kinds. */
enum cx_survey_kind {
    CX_SURVEY_NPS = CX_KIND_NPS,
    CX_SURVEY_CSAT = CX_KIND_CSAT,
    CX_SURVEY_CES = CX_KIND_CES,
    CX_SURVEY_CUSTOM = 3,
};

/* How the score options look. nps: numbers. csat: numbers, stars, emoji
 * (any csat scale). ces: numbers (any ces scale), labels (the five labels
 * "Very difficult" ... "Very easy", scale 1-5), agree (CES 2.0 agreement,
 * scale 1-7). A custom survey uses numbers (unused). */
enum cx_style {
    CX_STYLE_NUMBERS = 0,
    CX_STYLE_STARS,
    CX_STYLE_EMOJI,
    CX_STYLE_LABELS,
    CX_STYLE_AGREE,
};
#define CX_NSTYLES 5

/* Texts a survey may set per language. */
enum cx_text_id {
    CX_TEXT_QUESTION = 0,    /* the score question (custom: custom question) */
    CX_TEXT_LOW_LABEL,       /* label at the first (lowest shown) option */
    CX_TEXT_HIGH_LABEL,      /* label at the last (highest shown) option */
    CX_TEXT_FOLLOWUP,        /* open follow-up, any score */
    CX_TEXT_FOLLOWUP_LOW,    /* follow-up for detractors / low scores */
    CX_TEXT_FOLLOWUP_MIDDLE, /* ... passives / middle scores */
    CX_TEXT_FOLLOWUP_HIGH,   /* ... promoters / high scores */
    CX_TEXT_REASON_QUESTION, /* the reason choice's question */
    CX_TEXT_CUSTOM_QUESTION, /* the custom choice's question */
};
#define CX_NTEXTS 9

/* Score categories: nps 0-6 / 7-8 / 9-10; csat and ces by thirds of the
 * scale (1-3: 1/2/3; 1-5: 1-2/3/4-5; 1-7: 1-2/3-5/6-7; 1-10: 1-3/4-7/8-10). */
enum cx_category {
    CX_CAT_NONE = -1, /* custom survey, or a score outside the scale */
    CX_CAT_LOW = 0,
    CX_CAT_MIDDLE = 1,
    CX_CAT_HIGH = 2,
    CX_CAT_DETRACTOR = CX_CAT_LOW,
    CX_CAT_PASSIVE = CX_CAT_MIDDLE,
    CX_CAT_PROMOTER = CX_CAT_HIGH,
};

/* The option lists besides the score scale. */
enum cx_list { CX_LIST_REASON = 0, CX_LIST_CUSTOM = 1 };

/* Limits (bytes of UTF-8 unless noted). */
#define CX_SURVEY_ID_MAX 64
#define CX_SURVEY_NAME_MAX 200
#define CX_SURVEY_TEXT_MAX 1000 /* questions and follow-ups */
#define CX_SURVEY_LABEL_MAX 100 /* end labels */
#define CX_SURVEY_OPTION_MAX 200
#define CX_SURVEY_QUESTIONS_MAX 3
#define CX_SURVEY_REASONS_MAX 8  /* options of the reason choice */
#define CX_SURVEY_CHOICES_MAX 10 /* options of the custom choice */
#define CX_SURVEY_CHANNELS_MAX 16
#define CX_SURVEY_CHANNEL_LEN 32
/* The setters refuse to grow a list past this (CX_ELIMIT), so bad input
 * cannot exhaust memory; validation applies the real limits above. */
#define CX_SURVEY_LIST_HARD_MAX 64

/* One text in each language; NULL = not set. */
struct cx_i18n {
    char *t[CX_NLANGS];
};

struct cx_survey {
    char *id;   /* slug, 1-64 of [a-z0-9_-] */
    char *name; /* display name for staff */
    enum cx_survey_kind kind;
    struct cx_scale scale; /* custom: {0, 0} */
    enum cx_style style;
    int inverted; /* asked the other way round: stored = min + max - shown */
    int followup; /* ask the open follow-up (default 1) */
    int archived;
    struct cx_i18n text[CX_NTEXTS];
    struct cx_i18n *reasons; /* reason options, asked when nreasons > 0 */
    size_t nreasons;
    struct cx_i18n *choices; /* custom options */
    size_t nchoices;
    char **channels; /* lowercase words: link, email, whatsapp, sms, ... */
    size_t nchannels;
};

/* One answer option as shown. value is what the page posts back; label is
 * the visible text, aria the accessible name (screen readers). */
#define CX_OPTION_TEXT_MAX 320
struct cx_option {
    int value;
    char label[CX_OPTION_TEXT_MAX];
    char aria[CX_OPTION_TEXT_MAX];
};

/* A new survey of the given kind with its default scale (nps 0-10, csat
 * 1-5, ces 1-7, custom none), style numbers, follow-up on, no texts.
 * id and name are unset (validation requires them). NULL on ENOMEM. */
struct cx_survey *cx_survey_new(enum cx_survey_kind kind);
void cx_survey_free(struct cx_survey *s); /* NULL is a no-op */

/* Setters copy their strings (NULL clears). They do not validate content;
 * cx_survey_validate does. Return CX_OK, CX_ENOMEM, or CX_EINVAL for a
 * language that is not one of the five codes or an index out of range. */
int cx_survey_set_id(struct cx_survey *s, const char *id);
int cx_survey_set_name(struct cx_survey *s, const char *name);
int cx_survey_set_text(struct cx_survey *s, enum cx_text_id id, const char *lang, const char *text);
/* Appends an empty option to a list; returns its index, or -CX_ELIMIT /
 * -CX_ENOMEM. */
int cx_survey_add_option(struct cx_survey *s, enum cx_list which);
int cx_survey_set_option(struct cx_survey *s, enum cx_list which, size_t i, const char *lang,
                         const char *text);
int cx_survey_add_channel(struct cx_survey *s, const char *channel);

/* Checks the whole definition: id, name, scale allowed for the kind (SPEC
 * §2.1), style allowed for kind and scale, inversion only where it makes
 * sense, at most three questions, 2-8 reason options, 2-10 custom options,
 * text lengths and UTF-8, channels. Returns CX_OK, or CX_EINVAL / CX_ELIMIT
 * with err naming the field as in the JSON shape ("scale: ...",
 * "reason.options: ...", "texts.fa.question: ..."). */
int cx_survey_validate(const struct cx_survey *s, struct cx_err *err);

/* Number of questions asked: main + custom extra + follow-up + reason. */
int cx_survey_questions(const struct cx_survey *s);

/* The score to store for the answer the page showed (see top). A custom
 * survey stores the chosen option's 1-based position. CX_EINVAL with a
 * message if shown_answer is not one of the options. */
int cx_survey_store_score(const struct cx_survey *s, int shown_answer, int *stored,
                          struct cx_err *err);

/* Fills out[0 .. min(n, cap)) with the main question's options in display
 * order (first = leftmost in LTR, rightmost in RTL) and returns n, the
 * number of options (at most 11; a custom survey: its choices); -1 if the
 * survey's kind or scale is broken. Labels: numbers as digits (Persian
 * digits in fa), stars as "★★★", emoji faces, CES or agreement labels,
 * custom option texts. */
int cx_survey_options(const struct cx_survey *s, const char *lang, struct cx_option *out,
                      size_t cap);

/* The same for the reason or custom choice; values are 1-based positions. */
int cx_survey_list_options(const struct cx_survey *s, enum cx_list which, const char *lang,
                           struct cx_option *out, size_t cap);

/* The text to show, never NULL (may be "" if nothing applies, e.g. end
 * labels of a custom survey). Order: survey text in lang -> survey text in
 * en -> built-in default in lang -> built-in en. Texts without a real
 * default (the custom question) prefer the survey's text in any language
 * over the generic built-in one. lang is any BCP 47 tag; see cx_lang_pick. */
const char *cx_survey_text(const struct cx_survey *s, enum cx_text_id id, const char *lang);

/* Built-in default for a text given kind, style and direction; NULL if
 * none (end labels of a custom survey). */
const char *cx_survey_default_text(enum cx_survey_kind kind, enum cx_style style, int inverted,
                                   enum cx_text_id id, const char *lang);

enum cx_category cx_survey_category(const struct cx_survey *s, int stored_score);

/* "detractor"/"passive"/"promoter" for nps, "low"/"middle"/"high" else;
 * NULL for CX_CAT_NONE. */
const char *cx_category_name(enum cx_survey_kind kind, enum cx_category c);

/* The follow-up question for a stored score, or NULL if the survey asks
 * none. Order: the survey's text for the score's category (lang, en), its
 * general follow-up (lang, en), the built-in text for the category (lang,
 * en); without a category, the general follow-up chain. */
const char *cx_survey_followup(const struct cx_survey *s, int stored_score, const char *lang);

/* Replaces every "{company}" in text with company (NULL: left as is) into
 * out (always NUL-terminated if cap > 0, cut at a UTF-8 boundary). Returns
 * the length the full result needs, excluding the NUL. */
size_t cx_text_expand(const char *text, const char *company, char *out, size_t cap);

const char *cx_survey_kind_name(enum cx_survey_kind k);
int cx_survey_kind_parse(const char *s, enum cx_survey_kind *out); /* 0 / -1, any case */
const char *cx_style_name(enum cx_style st);
int cx_style_parse(const char *s, enum cx_style *out); /* 0 / -1 */

/* Strings of the hosted survey pages. */
enum cx_ui_id {
    CX_UI_PAGE_TITLE = 0,
    CX_UI_SUBMIT,
    CX_UI_CONFIRM,  /* heading asking to confirm a one-click answer */
    CX_UI_SELECTED, /* "Selected score" */
    CX_UI_FOLLOWUP_PLACEHOLDER,
    CX_UI_SKIP,
    CX_UI_THANKS,
    CX_UI_THANKS_DETAIL, /* may contain {company} */
    CX_UI_LINK_EXPIRED,
    CX_UI_LINK_USED,
    CX_UI_LINK_INVALID,
    CX_UI_SAVED,         /* the answer was saved */
    CX_UI_CHANGE,        /* you can still change it */
    CX_UI_NPS_LOW,       /* "0 = not at all likely" */
    CX_UI_NPS_HIGH,      /* "10 = extremely likely" */
    CX_UI_CHOOSE_ANSWER, /* submit pressed without an answer */
    CX_UI_ERROR,         /* something went wrong, try again */
    CX_UI_LANGUAGE,      /* "Language", for a language switcher */
    CX_UI_LANG_NAME,     /* the language's own name: "Norsk bokmål" */
};
#define CX_NUI 19

/* Static UI string for any BCP 47 tag (mapped by cx_lang_pick; unknown:
 * English); "" for an unknown id. */
const char *cx_ui_text(const char *lang, enum cx_ui_id id);

/* Chooses one of "en", "nb", "tr", "fa", "ro" (static strings). preferred
 * (a BCP 47 tag or ISO 639 code: "nb-NO", "no", "nn", "fa_IR", "ron") wins
 * when it names a supported language; otherwise the Accept-Language header
 * value decides by q-value (ties: earlier first; q=0 excluded); else "en".
 * Either argument may be NULL. */
const char *cx_lang_pick(const char *preferred, const char *accept_language);

/* Index of an exact code "en", "nb", "tr", "fa", "ro"; -1 otherwise. */
int cx_lang_index(const char *code);
const char *cx_lang_code(enum cx_lang l);

/* 1 if the language (any BCP 47 tag) is written right to left. */
int cx_lang_rtl(const char *lang);

#endif
