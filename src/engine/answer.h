/* answer.h - the response a survey answer becomes (hosted pages, widget,
 * and later the chat channels), built through the same validation as an
 * imported row. */
#ifndef CX_ANSWER_H
#define CX_ANSWER_H

#include <stdint.h>

#include "core/survey.h"
#include "io/record.h"

struct cx_answer {
    const char *id; /* response id: the same id again replaces the answer */
    const char *customer;
    const struct cx_survey *survey;
    int stored; /* score to store (cx_survey_store_score) */
    const char *channel;
    const char *lang;             /* page language */
    const char *comment;          /* NULL: none */
    const char *reason;           /* chosen reason's label, NULL: none */
    const unsigned char *context; /* attrs blob: touchpoint, ref, agent, ... */
    size_t context_len;
    int64_t invitation; /* 0: none */
    int64_t now;        /* answer time, Unix seconds */
};

/* Fills r (cx_response_clear frees). The context's touchpoint becomes the
 * touchpoint; "survey", "invitation" and "reason" become attributes.
 * Returns 0, -1 with why filled (invalid text), or -2 (memory). */
int cx_answer_response(const struct cx_answer *a, struct cx_response *r, struct cx_reject *why);

#endif
