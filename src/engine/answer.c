#include "engine/answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"

static void add(struct cx_field *f, size_t *n, const char *k, const char *v, size_t vlen)
{
    f[*n].key = k;
    f[*n].klen = strlen(k);
    f[*n].val = v;
    f[*n].vlen = vlen;
    f[*n].kind = CX_VAL_STRING;
    (*n)++;
}

static int has_key(const struct cx_field *f, size_t n, const char *k, size_t klen)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].klen == klen && !memcmp(f[i].key, k, klen)) return 1;
    return 0;
}

int cx_answer_response(const struct cx_answer *a, struct cx_response *r, struct cx_reject *why)
{
    char when[24], score[16], scale[16], inv[24];
    snprintf(when, sizeof when, "%lld", (long long)a->now);
    snprintf(score, sizeof score, "%d", a->stored);
    snprintf(scale, sizeof scale, "%d-%d", a->survey->scale.min, a->survey->scale.max);
    snprintf(inv, sizeof inv, "%lld", (long long)a->invitation);
    struct cx_field f[CX_ATTRS_MAX + 16];
    size_t n = 0;
    add(f, &n, "id", a->id, strlen(a->id));
    add(f, &n, "customer", a->customer, strlen(a->customer));
    add(f, &n, "time", when, strlen(when));
    add(f, &n, "metric", cx_survey_kind_name(a->survey->kind),
        strlen(cx_survey_kind_name(a->survey->kind)));
    add(f, &n, "score", score, strlen(score));
    add(f, &n, "scale", scale, strlen(scale));
    add(f, &n, "channel", a->channel, strlen(a->channel));
    if (a->lang && *a->lang) add(f, &n, "lang", a->lang, strlen(a->lang));
    add(f, &n, "survey", a->survey->id, strlen(a->survey->id));
    if (a->invitation) add(f, &n, "invitation", inv, strlen(inv));
    if (a->comment && *a->comment) add(f, &n, "comment", a->comment, strlen(a->comment));
    if (a->reason && *a->reason) add(f, &n, "reason", a->reason, strlen(a->reason));
    /* the context's values point into its blob: no copies needed */
    size_t pos = 0;
    struct cx_attr at;
    while (n < CX_ATTRS_MAX && cx_attrs_next(a->context, a->context_len, &pos, &at) == 1) {
        if (has_key(f, n, at.key, at.klen)) continue;
        f[n].key = at.key;
        f[n].klen = at.klen;
        f[n].val = at.val;
        f[n].vlen = at.vlen;
        f[n].kind = CX_VAL_STRING;
        n++;
    }
    struct cx_row row = {1, n, f};
    return cx_response_from_row(&row, r, why);
}
