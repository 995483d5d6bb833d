/* stopwords.h - words that carry no issue: articles, pronouns, auxiliaries,
 * common verbs, intensifiers ("very", "too") and courtesy words ("please",
 * "thanks"), for en, nb (also used for nn), tr, ro and fa, and a small
 * generic list (chat words and the commonest function words of a few
 * European languages) for every other language. Words are stored in the
 * form cx_text_normalize gives them (Persian with ی ک, no ZWNJ, the mi-
 * prefix joined). Pure; thread-safe. */
#ifndef CX_TEXT_STOPWORDS_H
#define CX_TEXT_STOPWORDS_H

#include <stddef.h>

/* Returns 1 if the normalised word w[0..len) is a stop word of the
 * canonical language lang (NULL = "und"), 0 otherwise. */
int cx_stopword(const char *lang, const char *w, size_t len);

/* Returns the sorted (bytewise) list used for lang and its length in *n;
 * static storage. */
const char *const *cx_stopwords(const char *lang, size_t *n);

#endif
