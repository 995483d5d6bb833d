/* libFuzzer driver for chat replies: on every scale a parsed score lies
 * inside the scale, a refusal leaves the score untouched, the answer does
 * not change with surrounding spaces or a trailing emoji, and an opt
 * keyword never reads as a score. The conversation texts stay valid UTF-8
 * within any buffer size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/reply.h"
#include "core/utf8.h"

/* Result of cx_reply_score as one number: the score, or -1. */
static int score_of(const char *s, size_t n, int idx)
{
    struct cx_scale sc = cx_scale_at(idx);
    int score = -77;
    int rc = cx_reply_score(s, n, cx_scale_kind(idx), sc, &score);
    if (rc == 0) {
        if (score < sc.min || score > sc.max) abort();
        return score;
    }
    if (rc != -1 || score != -77) abort();
    return -1;
}

static void check_texts(const uint8_t *data, size_t size)
{
    char buf[600];
    int min = size > 0 ? data[0] % 12 - 1 : 0;
    int max = size > 1 ? data[1] % 12 - 1 : 10;
    size_t cap = size > 2 ? data[2] % sizeof buf : sizeof buf - 1; /* buf[cap] is a guard */
    for (int l = -1; l <= CX_NLANGS; l++) {
        for (int id = -1; id <= CX_RT_COUNT; id++) {
            memset(buf, 'X', sizeof buf);
            size_t n = cx_reply_text((enum cx_lang)l, (enum cx_reply_text)id, min, max, buf, cap);
            if (cap == 0) {
                if (n != 0 || buf[0] != 'X') abort();
                continue;
            }
            if (n >= cap || strlen(buf) != n || buf[cap] != 'X') abort();
            if (!cx_utf8_valid(buf, n, NULL)) abort();
            if (strchr(buf, '{')) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *wrapped = malloc(size + 8);
    if (!wrapped) return 0;
    wrapped[0] = ' ';
    memcpy(wrapped + 1, s, size);
    wrapped[size + 1] = ' ';

    enum cx_reply_kw kw = cx_reply_keyword(s, size);
    if ((int)kw < (int)CX_KW_NONE || (int)kw > (int)CX_KW_HELP) abort();
    if (cx_reply_keyword(wrapped, size + 2) != kw) abort();

    for (int idx = 0; idx < CX_NSCALES; idx++) {
        int v = score_of(s, size, idx);
        if (kw != CX_KW_NONE && v != -1) abort();
        if (score_of(s, size, idx) != v) abort(); /* deterministic */
        if (score_of(wrapped, size + 2, idx) != v) abort();
        memcpy(wrapped + size + 2, "\xf0\x9f\x91\x8d", 4); /* " 👍" */
        if (score_of(wrapped + 1, size + 5, idx) != v) abort();
    }

    /* scales that are not allowed are always refused */
    int score = -77;
    if (cx_reply_score(s, size, CX_KIND_NPS, (struct cx_scale){1, 5}, &score) != -1) abort();
    if (cx_reply_score(s, size, CX_KIND_CES, (struct cx_scale){0, 10}, &score) != -1) abort();
    if (score != -77) abort();

    check_texts(data, size);
    free(wrapped);
    return 0;
}
