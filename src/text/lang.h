/* lang.h - language codes and per-language text rules for the text pipeline.
 *
 * Every text function takes a language as a canonical code: the lowercase
 * primary subtag of a BCP 47 tag with a few aliases folded ("no" and "nob"
 * to "nb", "pes" to "fa", "mo" to "ro", ...), or "und" when unknown.
 * cx_lang_rules() tells which normalisation, tokenisation and stemming
 * rules apply to a code; unknown codes get the generic rules. Pure apart
 * from the utf8proc tables; thread-safe. */
#ifndef CX_TEXT_LANG_H
#define CX_TEXT_LANG_H

#include <stddef.h>

/* Size of a buffer that holds any canonical code with its NUL. */
#define CX_LANG_MAX 12

/* Rule flags of a language. */
enum {
    CX_LANG_STRIPMARK = 1u << 0, /* remove combining marks (accents) */
    CX_LANG_TURKIC_I = 1u << 1,  /* I folds to dotless ı, İ to i */
    CX_LANG_RO_COMMA = 1u << 2,  /* s/t with cedilla become comma below */
    CX_LANG_PERSIAN = 1u << 3,   /* Arabic letter variants to Persian ones, mi- prefix joined */
    CX_LANG_APOS_KEEP = 1u << 4, /* an apostrophe inside a word stays (don't) */
    CX_LANG_APOS_CUT = 1u << 5,  /* what follows an inner apostrophe is a suffix: dropped */
};

struct cx_lang_rules {
    const char *code;     /* canonical code */
    const char *snowball; /* libstemmer algorithm, or NULL */
    unsigned flags;
};

/* Writes the canonical code of a BCP 47 tag ("nb-NO", "fa_IR", "EN") into
 * out. NULL, empty or malformed tags give "und". */
void cx_lang_canon(const char *tag, char out[CX_LANG_MAX]);

/* Returns the rules for a canonical code (never NULL; static storage).
 * Unknown codes and NULL get generic rules whose code is the one given, or
 * "und" for NULL. */
struct cx_lang_rules cx_lang_rules(const char *code);

/* Guesses the language of text[0..len) from its script, its distinctive
 * letters and its stop words, and writes a canonical code into out ("und"
 * when there is no evidence). Rough by design: meant for short comments
 * that arrive without a language. Invalid UTF-8 bytes are skipped. */
void cx_lang_detect(const char *text, size_t len, char out[CX_LANG_MAX]);

#endif
