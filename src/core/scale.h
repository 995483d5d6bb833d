/* scale.h - metric kinds, their scales and the score histogram. Pure. */
#ifndef CX_SCALE_H
#define CX_SCALE_H

#include <stddef.h>
#include <stdint.h>

enum cx_kind { CX_KIND_NPS = 0, CX_KIND_CSAT = 1, CX_KIND_CES = 2 };
#define CX_NKINDS 3

struct cx_scale {
    int min, max;
};

/* Every allowed (kind, scale) pair has an index 0..CX_NSCALES-1:
 * 0 nps 0-10; 1 csat 1-3; 2 csat 1-5; 3 csat 1-7; 4 csat 1-10;
 * 5 ces 1-5; 6 ces 1-7; 7 ces 1-10. */
#define CX_NSCALES 8
#define CX_MAXBINS 11

/* Parses a metric kind, ASCII case-insensitive ("NPS", "csat", "Ces").
 * Returns 0 or -1. */
int cx_kind_parse(const char *s, size_t len, enum cx_kind *out);
const char *cx_kind_name(enum cx_kind k);

/* Default scale of a kind: nps 0-10, csat 1-5, ces 1-7. */
struct cx_scale cx_scale_default(enum cx_kind k);

/* Parses exactly "MIN-MAX" (ASCII digits) and checks the pair is allowed
 * for kind. Returns 0, or -1 with *why set ("scale must be MIN-MAX",
 * "scale 1-4 is not allowed for csat (allowed: 1-3, 1-5, 1-7, 1-10)"; the
 * reason may point into a static buffer valid until the next call). */
int cx_scale_parse(const char *s, size_t len, enum cx_kind k, struct cx_scale *out,
                   const char **why);

/* Index of an allowed (kind, scale), or -1. */
int cx_scale_index(enum cx_kind k, struct cx_scale s);

/* Kind and scale of an index. */
enum cx_kind cx_scale_kind(int idx);
struct cx_scale cx_scale_at(int idx);

/* Counts of scores: c[idx][score - min] for every allowed scale. A score
 * histogram per bucket and group is a sufficient statistic for nps, csat,
 * csat_mean, ces, ces_easy, their intervals and their tests. */
struct cx_hist {
    uint64_t c[CX_NSCALES][CX_MAXBINS];
};

/* Adds count (may be negative to remove) at score of scale idx. */
void cx_hist_add(struct cx_hist *h, int idx, int score, int64_t count);
/* dst += src */
void cx_hist_merge(struct cx_hist *dst, const struct cx_hist *src);

#endif
