/* topics.h - frequent issues in free-text comments.
 *
 * cx_topics_run finds the phrases (1-3 content words) that many comments
 * share, groups near-identical phrasings into one topic per issue and
 * reports, per topic, how many comments raise it, its share, its trend
 * against the previous period with a two-proportion z test, the mean score
 * of those who raised it, example quotes and the languages involved.
 *
 * Pipeline per comment: normalise (normalize.h) for the comment's language
 * (or one guessed from the text), tokenise, drop stop words (stopwords.h),
 * stem (stem.h). Candidates are contiguous runs of 1-3 stems within a
 * clause (stop words may sit between them, never at the edges), counted
 * once per comment; those in at least min_count comments are kept. Then:
 *   - phrasings are grouped when their stem sets share >= 2/3 of their
 *     stems ("long wait" = "waited long" = "long wait time") and most of
 *     their comments are in the same language, or when their comment sets
 *     overlap (Jaccard) >= 60 %;
 *   - a group whose comments lie >= 80 % inside another group holding a
 *     longer phrase that contains one of its phrases is merged into it
 *     ("wait" into "long wait").
 * A topic counts the distinct comments matching any of its phrasings.
 * Stems are shared across languages, so one topic may span several
 * ("app" in en and nb).
 *
 * Memory stays bounded: comments are reduced to arrays of word ids once,
 * 2- and 3-word phrases are only counted when their parts are frequent,
 * count tables have a size cap (beyond which rare entries are pruned),
 * and co-occurrence is only measured among the top candidates. Comments are
 * cut at 64 KiB; invalid UTF-8 makes a comment count as having no text. */
#ifndef CX_TEXT_TOPICS_H
#define CX_TEXT_TOPICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"

struct cx_doc {
    const char *id;   /* caller's identifier; not used by the engine */
    const char *text; /* UTF-8; NULL = no text */
    const char *lang; /* BCP 47 tag, or NULL to guess from the text */
    int64_t time;     /* compared with cx_topics_opts.split */
    int has_score;
    double score; /* normalised 0..1 (0 = worst) */
};

struct cx_topics_opts {
    size_t max_topics; /* 0 = 20 */
    size_t min_count;  /* comments a phrase needs (both periods together); 0 = 10 */
    int64_t split;     /* time >= split: current period, before: previous; 0 = no trend */
    size_t examples;   /* quotes per topic; 0 = 3 */
};

struct cx_topic {
    char *label; /* the most frequent phrasing as written (normalised case), unstemmed */
    char *key;   /* stems of the labelled phrase, space-separated */
    char *lang;  /* dominant language (canonical code, "und" if unknown) */
    char *langs; /* languages with >= 1 % of its comments, most first, comma-separated ("en,nb") */
    uint64_t count, prev_count; /* comments in the current / previous period */
    double share, prev_share;   /* of all comments in the period, 0..1 */
    double trend_z, trend_p;    /* two-proportion z test; 0 and 1 without a split */
    int trend_significant;      /* trend_p < 0.05 */
    double mean_score;          /* current period, over comments with a score; 0 if none */
    uint64_t nscore;            /* comments behind mean_score */
    char **examples;            /* original texts (cut at ~300 bytes), current period first */
    size_t nexamples;
    char **phrasings; /* readable forms of the grouped phrases, most frequent first */
    size_t nphrasings;
};

/* Finds the topics of docs[0..n). On success *out holds *nout topics
 * sorted by count (current period) descending, then label; the caller
 * frees them with cx_topics_free. Safe to call from several threads at
 * once (each call has its own stemmers). Returns CX_OK, CX_EINVAL (bad
 * arguments), CX_ENOMEM, or CX_ELIMIT when the corpus exceeds the engine's
 * hard size limits (2^27 words, several million comments); err receives the detail. */
int cx_topics_run(const struct cx_doc *docs, size_t n, const struct cx_topics_opts *o,
                  struct cx_topic **out, size_t *nout, struct cx_err *err);

/* Frees n topics returned by cx_topics_run; no-op for NULL. */
void cx_topics_free(struct cx_topic *t, size_t n);

#endif
