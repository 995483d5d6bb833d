#include "core/scale.h"

#include <stdio.h>

static const char *const kind_names[CX_NKINDS] = {"nps", "csat", "ces"};

static const struct {
    enum cx_kind kind;
    struct cx_scale scale;
} scales[CX_NSCALES] = {
    {CX_KIND_NPS, {0, 10}},  {CX_KIND_CSAT, {1, 3}}, {CX_KIND_CSAT, {1, 5}}, {CX_KIND_CSAT, {1, 7}},
    {CX_KIND_CSAT, {1, 10}}, {CX_KIND_CES, {1, 5}},  {CX_KIND_CES, {1, 7}},  {CX_KIND_CES, {1, 10}},
};

static const char *const allowed_text[CX_NKINDS] = {"0-10", "1-3, 1-5, 1-7, 1-10",
                                                    "1-5, 1-7, 1-10"};

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int cx_kind_parse(const char *s, size_t len, enum cx_kind *out)
{
    for (int k = 0; k < CX_NKINDS; k++) {
        const char *name = kind_names[k];
        size_t i = 0;
        while (i < len && name[i] && lower((unsigned char)s[i]) == name[i]) i++;
        if (i == len && name[i] == '\0') {
            *out = (enum cx_kind)k;
            return 0;
        }
    }
    return -1;
}

const char *cx_kind_name(enum cx_kind k)
{
    if ((int)k < 0 || (int)k >= CX_NKINDS) return "unknown";
    return kind_names[k];
}

struct cx_scale cx_scale_default(enum cx_kind k)
{
    switch (k) {
    case CX_KIND_NPS:
        return (struct cx_scale){0, 10};
    case CX_KIND_CSAT:
        return (struct cx_scale){1, 5};
    case CX_KIND_CES:
        return (struct cx_scale){1, 7};
    }
    return (struct cx_scale){0, 0};
}

/* Parses a run of ASCII digits at s[*pos..len) into *out, saturating at a
 * value no scale can have. Returns 0 if at least one digit was read. */
static int parse_digits(const char *s, size_t len, size_t *pos, int *out)
{
    size_t start = *pos;
    long v = 0;
    while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') {
        if (v < 1000000) v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    *out = (int)v;
    return *pos > start ? 0 : -1;
}

int cx_scale_parse(const char *s, size_t len, enum cx_kind k, struct cx_scale *out,
                   const char **why)
{
    static _Thread_local char reason[160];
    struct cx_scale sc;
    size_t pos = 0;

    if (parse_digits(s, len, &pos, &sc.min) || pos >= len || s[pos] != '-') goto bad_format;
    pos++;
    if (parse_digits(s, len, &pos, &sc.max) || pos != len) goto bad_format;

    if (cx_scale_index(k, sc) < 0) {
        if (why) {
            if ((int)k < 0 || (int)k >= CX_NKINDS) {
                *why = "unknown metric kind";
            } else {
                snprintf(reason, sizeof reason, "scale %.*s is not allowed for %s (allowed: %s)",
                         len > 40 ? 40 : (int)len, s, kind_names[k], allowed_text[k]);
                *why = reason;
            }
        }
        return -1;
    }
    *out = sc;
    return 0;

bad_format:
    if (why) *why = "scale must be MIN-MAX";
    return -1;
}

int cx_scale_index(enum cx_kind k, struct cx_scale s)
{
    for (int i = 0; i < CX_NSCALES; i++) {
        if (scales[i].kind == k && scales[i].scale.min == s.min && scales[i].scale.max == s.max)
            return i;
    }
    return -1;
}

enum cx_kind cx_scale_kind(int idx)
{
    if (idx < 0 || idx >= CX_NSCALES) return CX_KIND_NPS;
    return scales[idx].kind;
}

struct cx_scale cx_scale_at(int idx)
{
    if (idx < 0 || idx >= CX_NSCALES) return (struct cx_scale){0, 0};
    return scales[idx].scale;
}

/* Out-of-range indexes or scores are ignored. A negative count is added
 * modulo 2^64, which decrements as long as the caller never removes more
 * than it added. */
void cx_hist_add(struct cx_hist *h, int idx, int score, int64_t count)
{
    if (idx < 0 || idx >= CX_NSCALES) return;
    struct cx_scale sc = scales[idx].scale;
    if (score < sc.min || score > sc.max) return;
    h->c[idx][score - sc.min] += (uint64_t)count;
}

void cx_hist_merge(struct cx_hist *dst, const struct cx_hist *src)
{
    for (int i = 0; i < CX_NSCALES; i++)
        for (int j = 0; j < CX_MAXBINS; j++) dst->c[i][j] += src->c[i][j];
}
