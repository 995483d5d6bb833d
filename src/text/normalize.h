/* normalize.h - Unicode normalisation and tokenisation of free text.
 *
 * Normalisation is NFKC with case folding (utf8proc) plus per-language
 * rules (see lang.h):
 *   - all: default-ignorable characters (ZWNJ, ZWJ, soft hyphen) removed,
 *     zero-width space becomes a space, İ becomes i, Arabic-Indic and
 *     Persian digits become ASCII, tatweel and Arabic diacritics (harakat,
 *     Quranic marks) removed;
 *   - en: combining marks removed (café = cafe);
 *   - tr, az: I folds to ı (dotless), İ to i;
 *   - ro: ş ţ (cedilla) become ș ț (comma below);
 *   - fa: ي ى ئ to ی, ك to ک, ة ۀ ە ھ ہ to ه, ٱ أ إ ؤ lose their hamza,
 *     but آ keeps its madda.
 * Other languages keep their marks: stripping them would merge distinct
 * letters (å, ș, ğ) that the stemmers expect.
 *
 * Tokenisation splits normalised text into runs of letters and digits:
 * punctuation, symbols and emoji separate tokens, URLs and e-mail
 * addresses are skipped, tokens of digits only and tokens longer than
 * CX_TOKEN_MAX_BYTES are dropped. Sentence and clause punctuation
 * (. , ; : ! ? brackets, line breaks, and their Arabic and CJK forms) mark
 * a break so that phrases do not span clauses. Han, kana and Thai-like
 * scripts without spaces give one token per character. For fa a
 * standalone "می" or "نمی" is joined to the following word, so that
 * "می‌خواهم", "میخواهم" and "می خواهم" give the same token. */
#ifndef CX_TEXT_NORMALIZE_H
#define CX_TEXT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"

/* Longest input cx_text_normalize accepts, in bytes. */
#define CX_TEXT_MAX_BYTES (1u << 20)
/* Longest token kept, in bytes. */
#define CX_TOKEN_MAX_BYTES 64
/* Most tokens cx_text_tokenize returns for one text; the rest is ignored. */
#define CX_TOKENS_MAX 4096

/* A reusable output buffer: zero-initialise, reuse across calls, release
 * with cx_textbuf_free. s is NUL-terminated after a successful call. */
struct cx_textbuf {
    char *s;
    size_t len, cap;
    int32_t *cp; /* scratch code points */
    size_t cpcap;
};

void cx_textbuf_free(struct cx_textbuf *b);

/* Normalises in[0..len) for the canonical language lang (NULL = "und")
 * into b->s / b->len. Returns CX_OK, CX_EFORMAT for invalid UTF-8 (b is
 * then empty), CX_ELIMIT when len > CX_TEXT_MAX_BYTES, CX_ENOMEM. */
int cx_text_normalize_buf(const char *lang, const char *in, size_t len, struct cx_textbuf *b);

/* Same as cx_text_normalize_buf, returning a new NUL-terminated string in
 * *out (caller frees) and its length in *outlen (may be NULL). */
int cx_text_normalize(const char *lang, const char *in, size_t len, char **out, size_t *outlen);

enum {
    CX_TOK_BREAK = 1u << 0, /* a clause boundary lies between this token and the previous */
};

struct cx_tok {
    uint32_t off, len; /* the token's bytes in cx_tokens.buf (not NUL-terminated) */
    unsigned flags;
};

/* Tokens of one text: zero-initialise, reuse across calls, release with
 * cx_tokens_free. */
struct cx_tokens {
    char *buf;
    size_t len, cap;
    struct cx_tok *v;
    size_t n, vcap;
};

void cx_tokens_free(struct cx_tokens *t);

/* Splits the normalised text s[0..len) into t (previous contents are
 * discarded). Bytes that are not valid UTF-8 separate tokens. Returns
 * CX_OK or CX_ENOMEM. */
int cx_text_tokenize(const char *lang, const char *s, size_t len, struct cx_tokens *t);

#endif
