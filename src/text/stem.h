/* stem.h - word stemming for the text pipeline.
 *
 * A stemmer is made for one canonical language (lang.h): Snowball
 * (libstemmer) where it has the language (en, nb, tr, ro, ar, de, ...), a
 * light rule-based stemmer for fa (Snowball has no Persian), and the
 * identity for every other language (words are already case-folded by the
 * normaliser). Words must be normalised first (cx_text_normalize).
 *
 * libstemmer objects are not thread-safe, so neither is a cx_stemmer: use
 * one per thread or per call context. */
#ifndef CX_TEXT_STEM_H
#define CX_TEXT_STEM_H

#include <stddef.h>

struct cx_stemmer;

/* Returns a stemmer for lang (NULL = "und"), or NULL when out of memory.
 * Free with cx_stemmer_free. */
struct cx_stemmer *cx_stemmer_new(const char *lang);
/* No-op for NULL. */
void cx_stemmer_free(struct cx_stemmer *s);

/* Whether s is a real stemmer (Snowball or Persian), not the identity. */
int cx_stemmer_active(const struct cx_stemmer *s);

/* Stems w[0..len) and returns the stem, owned by s and valid until the
 * next call on s, with its length in *outlen (not NUL-terminated for
 * Snowball; use the length). Returns NULL when out of memory. */
const char *cx_stemmer_stem(struct cx_stemmer *s, const char *w, size_t len, size_t *outlen);

/* The Persian light stemmer: strips the verb prefixes می and نمی and the
 * plural, possessive, comparative and ezafe/indefinite suffixes (ها های ان
 * ات ترین تر ی ام اش مان تان شان) while at least two or three letters
 * remain. Writes the stem of w[0..len) (normalised for fa) into out, which
 * must hold len bytes, and returns its length. */
size_t cx_stem_fa(const char *w, size_t len, char *out);

#endif
