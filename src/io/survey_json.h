/* survey_json.h - survey definitions as JSON (CLI `survey create/show`, the
 * API), on jansson.
 *
 * Shape (every key but id, name and kind is optional; null = absent):
 *
 *   {
 *     "id": "support-ces",              1-64 of [a-z0-9_-]
 *     "name": "Support effort",         1-200 bytes
 *     "kind": "ces",                    nps | csat | ces | custom (any case)
 *     "scale": "1-7",                   MIN-MAX as in SPEC §2.1; default: the
 *                                       kind's (labels: 1-5); custom: none
 *     "style": "agree",                 numbers | stars | emoji | labels | agree
 *     "inverted": false,                asked the other way round (csat/ces,
 *                                       numbers or labels): stored = min+max-shown
 *     "texts": {                        per language: en nb tr fa ro
 *       "en": {"question": "...", "low_label": "...", "high_label": "...",
 *              "followup": "What should we improve?"},
 *       "fa": {"question": "..."}
 *     },
 *     "followup": true,                 ask the open follow-up (default true)
 *     "followup_by_category": {         nps: detractor | passive | promoter;
 *       "low": {"en": "...", "nb": "..."}   csat/ces/custom: low | middle | high
 *     },
 *     "reason": {                       a single choice, 2-8 options
 *       "question": {"en": "Main reason?"},
 *       "options": [{"en": "Price", "nb": "Pris"}, {"en": "Speed"}]
 *     },
 *     "custom": {                       the custom question (kind custom: the
 *       "question": {"en": "..."},      main one; else an extra question), 2-10
 *       "options": [{"en": "Yes"}, {"en": "No"}]
 *     },
 *     "channels": ["link", "email"],    lowercase words, at most 16
 *     "archived": false
 *   }
 *
 * At most three questions: the score (or custom) question, the follow-up,
 * the reason, and on a score survey an extra custom question count. */
#ifndef CX_SURVEY_JSON_H
#define CX_SURVEY_JSON_H

#include <stddef.h>

#include "core/cx.h"
#include "core/survey.h"

/* Largest JSON document cx_survey_from_json accepts. */
#define CX_SURVEY_JSON_MAX (256 * 1024)

/* Parses and validates a survey from json[0..len). Strict: unknown keys,
 * unsupported languages and wrong types are refused, and err names the
 * field ("texts.fa.question: must be a string", "unknown key \"colour\"").
 * Returns CX_OK with *out a new survey (caller frees with cx_survey_free),
 * or CX_EFORMAT (not JSON / wrong shape), CX_EINVAL (bad value, see
 * cx_survey_validate), CX_ELIMIT (too big, too many), CX_ENOMEM; *out is
 * NULL on failure. */
int cx_survey_from_json(const char *json, size_t len, struct cx_survey **out, struct cx_err *err);

/* Compact JSON of a survey in the shape above (keys in that order, only
 * texts that are set); parsing it back gives the same survey. Caller frees
 * the string with free(). NULL on allocation failure. */
char *cx_survey_to_json(const struct cx_survey *s);

#endif
