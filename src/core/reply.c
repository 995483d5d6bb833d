/* reply.c - opt keywords and lenient score replies (rules in reply.h). */
#include "core/reply.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

/* ---- opt keywords ------------------------------------------------------- */

static const struct {
    const char *word;
    enum cx_reply_kw kw;
} keywords[] = {
    {"stop", CX_KW_STOP},   {"stopall", CX_KW_STOP},     {"end", CX_KW_STOP},
    {"cancel", CX_KW_STOP}, {"unsubscribe", CX_KW_STOP}, {"quit", CX_KW_STOP},
    {"start", CX_KW_START}, {"unstop", CX_KW_START},     {"help", CX_KW_HELP},
    {"info", CX_KW_HELP},
};

/* Non-ASCII whitespace and invisible marks (UTF-8): no-break and other
 * Unicode spaces, zero-width space/joiners, LRM/RLM, BOM, variation
 * selector 16. */
static const char *const blanks[] = {
    "\xc2\xa0",     "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84",
    "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a",
    "\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x80\x8d", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\xa0", "\xe3\x80\x80", "\xef\xbb\xbf", "\xef\xb8\x8f",
};

/* Non-ASCII trailing punctuation: … ؟ ، ۔ ！ ？ 。 */
static const char *const stops[] = {
    "\xe2\x80\xa6", "\xd8\x9f",     "\xd8\x8c",     "\xdb\x94",
    "\xef\xbc\x81", "\xef\xbc\x9f", "\xe3\x80\x82",
};

static int is_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_ascii_punct(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

/* Length of the member of set that s[0..n) starts with (from_end: ends
 * with), or 0. */
static size_t match_set(const unsigned char *s, size_t n, const char *const *set, size_t count,
                        int from_end)
{
    for (size_t k = 0; k < count; k++) {
        size_t m = strlen(set[k]);
        if (m <= n && memcmp(from_end ? s + n - m : s, set[k], m) == 0) return m;
    }
    return 0;
}

enum cx_reply_kw cx_reply_keyword(const char *text, size_t len)
{
    if (!text) return CX_KW_NONE;
    const unsigned char *s = (const unsigned char *)text;
    const size_t nblanks = sizeof blanks / sizeof blanks[0];
    const size_t nstops = sizeof stops / sizeof stops[0];
    size_t a = 0, b = len, m;

    for (;;) {
        if (a < b && is_ascii_space(s[a]))
            a++;
        else if ((m = match_set(s + a, b - a, blanks, nblanks, 0)) > 0)
            a += m;
        else
            break;
    }
    for (;;) {
        if (b > a && (is_ascii_space(s[b - 1]) || is_ascii_punct(s[b - 1])))
            b--;
        else if ((m = match_set(s + a, b - a, blanks, nblanks, 1)) > 0 ||
                 (m = match_set(s + a, b - a, stops, nstops, 1)) > 0)
            b -= m;
        else
            break;
    }

    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        const char *w = keywords[k].word;
        size_t wl = strlen(w), i = 0;
        if (wl != b - a) continue;
        while (i < wl) {
            unsigned char c = s[a + i];
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)w[i]) break;
            i++;
        }
        if (i == wl) return keywords[k].kw;
    }
    return CX_KW_NONE;
}

/* ---- code points -------------------------------------------------------- */

/* The code point at s[i] of valid UTF-8; its length goes to *n. */
static uint32_t decode(const unsigned char *s, size_t i, size_t *n)
{
    uint32_t c = s[i];
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    if (c < 0xE0) {
        *n = 2;
        return ((c & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
    }
    if (c < 0xF0) {
        *n = 3;
        return ((c & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    }
    *n = 4;
    return ((c & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
}

/* Offset of the code point that ends at offset i > 0 of valid UTF-8. */
static size_t back(const unsigned char *s, size_t i)
{
    do i--;
    while (i > 0 && (s[i] & 0xC0) == 0x80);
    return i;
}

static int digit_value(uint32_t cp)
{
    if (cp >= '0' && cp <= '9') return (int)(cp - '0');
    if (cp >= 0x0660 && cp <= 0x0669) return (int)(cp - 0x0660); /* Arabic-Indic */
    if (cp >= 0x06F0 && cp <= 0x06F9) return (int)(cp - 0x06F0); /* Persian */
    if (cp >= 0xFF10 && cp <= 0xFF19) return (int)(cp - 0xFF10); /* fullwidth */
    return -1;
}

/* Level 1 (angry) .. 5 (delighted) of a face emoji, 0 for anything else. */
static int face_level(uint32_t cp)
{
    switch (cp) {
    case 0x1F621: /* 😡 */
    case 0x1F620: /* 😠 */
        return 1;
    case 0x1F61E: /* 😞 */
    case 0x2639:  /* ☹ */
    case 0x1F641: /* 🙁 */
        return 2;
    case 0x1F610: /* 😐 */
        return 3;
    case 0x1F642: /* 🙂 */
    case 0x1F60A: /* 😊 */
        return 4;
    case 0x1F600: /* 😀 */
    case 0x1F603: /* 😃 */
    case 0x1F604: /* 😄 */
    case 0x1F601: /* 😁 */
    case 0x1F60D: /* 😍 */
    case 0x1F929: /* 🤩 */
        return 5;
    }
    return 0;
}

enum cls {
    C_SPACE,
    C_IGNORE, /* zero-width, direction marks, variation selectors, skin tones, keycap */
    C_DIGIT,
    C_TEN, /* 🔟 */
    C_LETTER,
    C_MARK, /* combining marks, ZWNJ, tatweel: continue a word */
    C_APOS,
    C_DASH,
    C_PLUS,
    C_SLASH,
    C_SEP,  /* decimal or grouping separator */
    C_UNIT, /* currency, percent, degree */
    C_STAR,
    C_STAR_EMPTY,
    C_FACE,
    C_OTHER, /* punctuation, symbols, other emoji */
};

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
    return cp >= lo && cp <= hi;
}

/* Coarse character classes; see "Letters" in reply.h. */
static enum cls classify(uint32_t cp)
{
    if (digit_value(cp) >= 0) return C_DIGIT;
    if (cp < 0x80) {
        if (in(cp | 0x20, 'a', 'z')) return C_LETTER;
        if (is_ascii_space((unsigned char)cp)) return C_SPACE;
        switch (cp) {
        case '\'':
            return C_APOS;
        case '-':
            return C_DASH;
        case '+':
            return C_PLUS;
        case '/':
            return C_SLASH;
        case '.':
        case ',':
            return C_SEP;
        case '%':
        case '$':
            return C_UNIT;
        }
        return C_OTHER;
    }
    if (face_level(cp)) return C_FACE;
    switch (cp) {
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return C_SPACE;
    case 0x200B:
    case 0x200D:
    case 0x200E:
    case 0x200F:
    case 0xFEFF:
    case 0x20E3:
        return C_IGNORE;
    case 0x2018:
    case 0x2019:
    case 0x02BC:
        return C_APOS;
    case 0x2212:
    case 0xFE63:
    case 0xFF0D:
        return C_DASH;
    case 0xFF0B:
        return C_PLUS;
    case 0xFF0F:
    case 0x2044:
    case 0x2215:
        return C_SLASH;
    case 0x060C: /* ، */
    case 0x066B: /* ٫ */
    case 0x066C: /* ٬ */
    case 0xFF0C:
    case 0xFF0E:
        return C_SEP;
    case 0x00B0: /* ° */
    case 0x066A: /* ٪ */
    case 0x2030:
    case 0x2031:
    case 0xFDFC: /* ﷼ */
    case 0xFF04:
    case 0xFF05:
        return C_UNIT;
    case 0x2B50: /* ⭐ */
    case 0x2605: /* ★ */
        return C_STAR;
    case 0x2606: /* ☆ */
        return C_STAR_EMPTY;
    case 0x1F51F:
        return C_TEN;
    case 0x200C: /* ZWNJ */
    case 0x0640: /* tatweel */
        return C_MARK;
    case 0x00AA:
    case 0x00B5:
    case 0x00BA:
        return C_LETTER;
    case 0x00D7:
    case 0x00F7:
        return C_OTHER;
    }
    if (in(cp, 0x2000, 0x200A)) return C_SPACE;
    if (in(cp, 0x2010, 0x2015)) return C_DASH;
    if (in(cp, 0x202A, 0x202E) || in(cp, 0x2060, 0x2069) || in(cp, 0xFE00, 0xFE0F) ||
        in(cp, 0x1F3FB, 0x1F3FF) || in(cp, 0xE0000, 0xE0FFF))
        return C_IGNORE;
    if (in(cp, 0x00A2, 0x00A5) || in(cp, 0x20A0, 0x20CF) || in(cp, 0xFFE0, 0xFFE6)) return C_UNIT;
    if (in(cp, 0x0300, 0x036F) || in(cp, 0x0483, 0x0489) || in(cp, 0x0591, 0x05BD) ||
        in(cp, 0x0610, 0x061A) || in(cp, 0x064B, 0x065F) || cp == 0x0670 ||
        in(cp, 0x06D6, 0x06DC) || in(cp, 0x06DF, 0x06E4) || in(cp, 0x06E7, 0x06E8) ||
        in(cp, 0x06EA, 0x06ED) || in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF) ||
        in(cp, 0x20D0, 0x20FF) || in(cp, 0xFE20, 0xFE2F))
        return C_MARK;
    if (cp < 0x00C0 || in(cp, 0x0600, 0x060F) || in(cp, 0x061B, 0x061F) || cp == 0x066D ||
        cp == 0x06D4 || cp == 0x06DD || cp == 0x06DE || cp == 0x06E9 || in(cp, 0x2000, 0x2BFF) ||
        in(cp, 0x2E00, 0x2E7F) || in(cp, 0x3000, 0x303F) || in(cp, 0xE000, 0xF8FF) ||
        in(cp, 0xFE10, 0xFE6F) || in(cp, 0xFFF0, 0xFFFF) || in(cp, 0x1F000, 0x1FBFF) ||
        cp >= 0xF0000)
        return C_OTHER;
    if (in(cp, 0xFF00, 0xFFEF))
        return (in(cp, 0xFF21, 0xFF3A) || in(cp, 0xFF41, 0xFF5A) || in(cp, 0xFF66, 0xFFDC))
                   ? C_LETTER
                   : C_OTHER;
    return C_LETTER;
}

/* Class of the nearest code point before offset i that is not ignorable
 * (nor a space, if skip_space); C_SPACE at the start of the text. Its
 * offset goes to *at (0 at the start). */
static enum cls cls_before(const unsigned char *s, size_t i, int skip_space, size_t *at)
{
    while (i > 0) {
        size_t j = back(s, i), n;
        enum cls c = classify(decode(s, j, &n));
        if (c != C_IGNORE && !(skip_space && c == C_SPACE)) {
            if (at) *at = j;
            return c;
        }
        i = j;
    }
    if (at) *at = 0;
    return C_SPACE;
}

/* The same after offset i: the class of the first such code point at or
 * after i, C_SPACE at the end; its offset and length go to *at and *n. */
static enum cls cls_after(const unsigned char *s, size_t len, size_t i, int skip_space, size_t *at,
                          size_t *n)
{
    size_t m = 0;
    while (i < len) {
        enum cls c = classify(decode(s, i, &m));
        if (c != C_IGNORE && !(skip_space && c == C_SPACE)) {
            if (at) *at = i;
            if (n) *n = m;
            return c;
        }
        i += m;
    }
    if (at) *at = len;
    if (n) *n = 0;
    return C_SPACE;
}

/* Case and spelling folding for matching words (see reply.h); 0 means the
 * code point is skipped. */
static uint32_t fold(uint32_t cp)
{
    if (in(cp, 'A', 'Z')) return cp + 0x20;
    if (in(cp, 0x00C0, 0x00DE) && cp != 0x00D7) return cp + 0x20; /* Latin-1 capitals */
    switch (cp) {
    case 0x0130: /* İ */
    case 0x0131: /* ı */
        return 'i';
    case 0x0102: /* Ă */
        return 0x0103;
    case 0x011E: /* Ğ */
        return 0x011F;
    case 0x015E: /* Ş */
    case 0x015F: /* ş */
    case 0x0218: /* Ș */
        return 0x0219;
    case 0x0162: /* Ţ */
    case 0x0163: /* ţ */
    case 0x021A: /* Ț */
        return 0x021B;
    case 0x064A: /* ي */
    case 0x0649: /* ى */
        return 0x06CC;
    case 0x0643: /* ك */
        return 0x06A9;
    case 0x200C:
    case 0x0640:
    case 0x0670:
        return 0;
    }
    if (in(cp, 0x064B, 0x065F)) return 0;
    return cp;
}

/* Next non-skipped folded code point of s[*i..len) (valid UTF-8), 0 at the
 * end. */
static uint32_t next_folded(const unsigned char *s, size_t len, size_t *i)
{
    while (*i < len) {
        size_t n;
        uint32_t cp = fold(decode(s, *i, &n));
        *i += n;
        if (cp) return cp;
    }
    return 0;
}

/* 1 if the word w[0..wlen) equals key after folding both. */
static int word_is(const unsigned char *w, size_t wlen, const char *key)
{
    const unsigned char *k = (const unsigned char *)key;
    size_t klen = strlen(key), i = 0, j = 0;
    for (;;) {
        uint32_t a = next_folded(w, wlen, &i), b = next_folded(k, klen, &j);
        if (a != b) return 0;
        if (a == 0) return 1;
    }
}

/* ---- word tables -------------------------------------------------------- */

static const struct {
    const char *word;
    signed char value;
    unsigned char weak; /* also an everyday word: a number only among numbers */
} number_words[] = {
    /* en */
    {"zero", 0, 0},
    {"one", 1, 1},
    {"two", 2, 0},
    {"three", 3, 0},
    {"four", 4, 0},
    {"five", 5, 0},
    {"six", 6, 0},
    {"seven", 7, 0},
    {"eight", 8, 0},
    {"nine", 9, 0},
    {"ten", 10, 0},
    /* nb */
    {"null", 0, 0},
    {"en", 1, 1},
    {"ett", 1, 1},
    {"én", 1, 0},
    {"to", 2, 1},
    {"tre", 3, 0},
    {"fire", 4, 1},
    {"fem", 5, 0},
    {"seks", 6, 0},
    {"sju", 7, 0},
    {"syv", 7, 0},
    {"åtte", 8, 0},
    {"ni", 9, 1},
    {"ti", 10, 0},
    /* tr */
    {"sıfır", 0, 0},
    {"bir", 1, 1},
    {"iki", 2, 0},
    {"üç", 3, 0},
    {"uc", 3, 0},
    {"dört", 4, 0},
    {"dort", 4, 0},
    {"beş", 5, 0},
    {"bes", 5, 0},
    {"altı", 6, 0},
    {"yedi", 7, 0},
    {"sekiz", 8, 0},
    {"dokuz", 9, 0},
    {"on", 10, 1},
    /* fa */
    {"صفر", 0, 0},
    {"یک", 1, 1},
    {"دو", 2, 0},
    {"سه", 3, 0},
    {"چهار", 4, 0},
    {"پنج", 5, 0},
    {"شش", 6, 0},
    {"هفت", 7, 0},
    {"هشت", 8, 0},
    {"نه", 9, 1},
    {"ده", 10, 0},
    /* ro ("zero" above) */
    {"unu", 1, 0},
    {"una", 1, 1},
    {"doi", 2, 0},
    {"două", 2, 0},
    {"doua", 2, 0},
    {"trei", 3, 0},
    {"patru", 4, 0},
    {"cinci", 5, 0},
    {"șase", 6, 0},
    {"sase", 6, 0},
    {"șapte", 7, 0},
    {"sapte", 7, 0},
    {"opt", 8, 1},
    {"nouă", 9, 0},
    {"noua", 9, 0},
    {"zece", 10, 0},
};

enum conn { K_NONE, K_OF, K_OUT, K_OVER };

/* Fraction words: "9 of 10", "9 out of 10", "10 üzerinden 9". */
static const struct {
    const char *word;
    enum conn conn;
} conn_words[] = {
    {"of", K_OF},   {"av", K_OF},  {"din", K_OF},         {"از", K_OF},
    {"out", K_OUT}, {"ut", K_OUT}, {"üzerinden", K_OVER}, {"uzerinden", K_OVER},
};

/* Unit words that make a number right before them a quantity, not a score. */
static const char *const unit_words[] = {
    /* en */
    "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "times", "am", "pm", "dollar", "dollars", "euro",
    "euros", "usd", "eur", "percent",
    /* nb */
    "minutt", "minutter", "timer", "døgn", "dag", "dager", "uke", "uker", "måned", "måneder", "år",
    "ganger", "krone", "kroner", "kr", "nok", "prosent",
    /* tr */
    "dakika", "saat", "gün", "hafta", "yıl", "kez", "kere", "defa", "lira", "tl",
    /* fa */
    "دقیقه", "ساعت", "روز", "هفته", "ماه", "سال", "بار", "تومان", "ریال", "درصد",
    /* ro */
    "minut", "ore", "oră", "zi", "zile", "săptămână", "săptămâni", "lună", "luni", "ani", "ori",
    "lei", "ron", "procent"};

/* Clock words that make a number right after them a time of day. */
static const char *const clock_words[] = {"saat", "ساعت", "ora", "kl", "klokka", "klokken"};

/* ---- tokens ------------------------------------------------------------- */

enum tok_type { T_NUM, T_WORD, T_SLASH, T_FACE, T_STARS };
enum role { R_NONE, R_NUMER, R_DENOM, R_CONN };

#define MAX_TOKS 32
#define BIG 1000 /* the value of a number of three or more digits: on no scale */

struct tok {
    enum tok_type type;
    size_t off, len;        /* T_WORD: its bytes */
    int val;                /* number or number word: value (-1: none); face: level;
                               stars: filled */
    int empty;              /* stars: empty ones */
    unsigned char gap;      /* something other than spaces since the previous token */
    unsigned char spaced;   /* whitespace right before */
    unsigned char eastern;  /* T_NUM in Persian or Arabic-Indic digits */
    unsigned char ndigits;  /* T_NUM */
    unsigned char weak;     /* T_WORD: everyday number word */
    unsigned char unit;     /* T_WORD: unit word */
    unsigned char clock;    /* T_WORD: clock word */
    unsigned char badorder; /* T_STARS: a filled star after an empty one */
    enum conn conn;         /* T_WORD */
    enum role role;
};

struct scan {
    const unsigned char *s;
    size_t len;
    struct tok t[MAX_TOKS];
    int n;
    int refuse; /* a refusal rule matched */
};

/* Scans the number (digits, keycaps, 🔟) at *i, applies the neighbour rules
 * (glued, sign, decimal, unit sign) and fills t. */
static void scan_number(struct scan *sc, size_t *i, struct tok *t)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len, p = *i, at, n;
    enum cls c = cls_before(s, p, 0, &at);
    if (c == C_LETTER || c == C_MARK || c == C_DASH || c == C_PLUS) sc->refuse = 1;
    if (c == C_SEP) {
        enum cls cc = cls_before(s, at, 0, NULL);
        if (cc == C_DIGIT || cc == C_TEN || cc == C_SPACE) sc->refuse = 1; /* "8.5", ".5" */
    }
    if (cls_before(s, p, 1, NULL) == C_UNIT) sc->refuse = 1;

    int v = 0, nd = 0;
    uint32_t cp = decode(s, p, &n);
    if (classify(cp) == C_TEN) {
        v = 10;
        nd = 2;
        p += n;
    } else {
        while (p < len) {
            cp = decode(s, p, &n);
            int d = digit_value(cp);
            if (d < 0) break;
            if (in(cp, 0x0660, 0x06F9)) t->eastern = 1;
            if (nd < 3) v = v * 10 + d;
            if (nd < 100) nd++;
            p += n;
            /* a keycap digit is digit, U+FE0F, U+20E3 */
            while (p < len) {
                cp = decode(s, p, &n);
                if (cp != 0xFE0E && cp != 0xFE0F && cp != 0x20E3) break;
                p += n;
            }
        }
    }
    t->type = T_NUM;
    t->val = nd > 2 ? BIG : v;
    t->ndigits = (unsigned char)nd;

    c = cls_after(s, len, p, 0, &at, &n);
    if (c == C_LETTER || c == C_MARK || c == C_DIGIT || c == C_TEN) sc->refuse = 1;
    if (c == C_APOS || c == C_SEP) {
        enum cls cc = cls_after(s, len, at + n, 0, NULL, NULL);
        if (c == C_APOS && (cc == C_LETTER || cc == C_MARK)) sc->refuse = 1; /* "9'da" */
        if (c == C_SEP && (cc == C_DIGIT || cc == C_TEN)) sc->refuse = 1;    /* "8,5" */
    }
    if (cls_after(s, len, p, 1, NULL, NULL) == C_UNIT) sc->refuse = 1;
    *i = p;
}

/* End of the word starting with the letter at i: letters and marks, and
 * apostrophes or hyphens between letters ("I'd", "s-a"). */
static size_t word_end(const unsigned char *s, size_t len, size_t i)
{
    while (i < len) {
        size_t n, n2;
        uint32_t cp = decode(s, i, &n);
        enum cls c = classify(cp);
        if (c == C_LETTER || c == C_MARK) {
            i += n;
            continue;
        }
        if ((c == C_APOS || cp == '-' || cp == 0x2010 || cp == 0x2011) && i + n < len &&
            classify(decode(s, i + n, &n2)) == C_LETTER) {
            i += n + n2;
            continue;
        }
        break;
    }
    return i;
}

/* Looks the word up in the tables. */
static void classify_word(const unsigned char *s, struct tok *t)
{
    const unsigned char *w = s + t->off;
    t->val = -1;
    for (size_t k = 0; k < sizeof number_words / sizeof number_words[0]; k++) {
        if (word_is(w, t->len, number_words[k].word)) {
            t->val = number_words[k].value;
            t->weak = number_words[k].weak;
            break;
        }
    }
    for (size_t k = 0; k < sizeof conn_words / sizeof conn_words[0]; k++)
        if (word_is(w, t->len, conn_words[k].word)) t->conn = conn_words[k].conn;
    for (size_t k = 0; k < sizeof unit_words / sizeof unit_words[0]; k++)
        if (word_is(w, t->len, unit_words[k])) t->unit = 1;
    for (size_t k = 0; k < sizeof clock_words / sizeof clock_words[0]; k++)
        if (word_is(w, t->len, clock_words[k])) t->clock = 1;
}

/* Splits the text into tokens. Returns 0, or -1 when there are more than
 * MAX_TOKS. */
static int tokenize(struct scan *sc)
{
    const unsigned char *s = sc->s;
    size_t i = 0, len = sc->len;
    int gap = 0, spaced = 0;
    while (i < len) {
        size_t n;
        uint32_t cp = decode(s, i, &n);
        enum cls c = classify(cp);
        if (c == C_SPACE || c == C_IGNORE) {
            if (c == C_SPACE) spaced = 1;
            i += n;
            continue;
        }
        if (c != C_DIGIT && c != C_TEN && c != C_LETTER && c != C_SLASH && c != C_FACE &&
            c != C_STAR && c != C_STAR_EMPTY) {
            gap = 1;
            spaced = 0;
            i += n;
            continue;
        }
        if (sc->n == MAX_TOKS) return -1;
        struct tok *t = &sc->t[sc->n++];
        memset(t, 0, sizeof *t);
        t->off = i;
        t->gap = (unsigned char)gap;
        t->spaced = (unsigned char)spaced;
        t->val = -1;
        switch (c) {
        case C_DIGIT:
        case C_TEN:
            scan_number(sc, &i, t);
            break;
        case C_LETTER:
            i = word_end(s, len, i);
            t->type = T_WORD;
            t->len = i - t->off;
            classify_word(s, t);
            break;
        case C_SLASH:
            t->type = T_SLASH;
            i += n;
            break;
        case C_FACE:
            t->type = T_FACE;
            t->val = face_level(cp);
            i += n;
            break;
        default: { /* stars: one run, spaces allowed between */
            size_t end = i;
            t->type = T_STARS;
            t->val = 0;
            while (i < len) {
                cp = decode(s, i, &n);
                c = classify(cp);
                if (c == C_STAR) {
                    if (t->empty) t->badorder = 1;
                    if (t->val < BIG) t->val++;
                    end = i + n;
                } else if (c == C_STAR_EMPTY) {
                    if (t->empty < BIG) t->empty++;
                    end = i + n;
                } else if (c != C_SPACE && c != C_IGNORE) {
                    break;
                }
                i += n;
            }
            i = end;
            break;
        }
        }
        gap = 0;
        spaced = 0;
    }
    return 0;
}

/* ---- reading the score -------------------------------------------------- */

static int numeric(const struct tok *t)
{
    return t->type == T_NUM || (t->type == T_WORD && t->val >= 0);
}

/* Marks the fractions (see reply.h) and refuses the doubtful ones. */
static void find_fractions(struct scan *sc, struct cx_scale scale)
{
    struct tok *t = sc->t;
    int n = sc->n;
    for (int k = 0; k < n; k++) {
        if (!numeric(&t[k]) || t[k].role != R_NONE) continue;
        struct tok *numer = NULL, *denom = NULL;
        int last = k;
        if (k + 2 < n && t[k + 1].type == T_SLASH && !t[k + 1].gap && numeric(&t[k + 2]) &&
            !t[k + 2].gap) {
            numer = &t[k];
            denom = &t[k + 2];
            t[k + 1].role = R_CONN;
            last = k + 2;
            /* "۴/۵" is the decimal 4.5 in Persian writing */
            if ((numer->eastern || denom->eastern) && !t[k + 1].spaced && !denom->spaced &&
                denom->type == T_NUM && denom->ndigits == 1)
                sc->refuse = 1;
        } else if (k + 2 < n && t[k + 1].type == T_WORD && t[k + 1].conn == K_OF && !t[k + 1].gap &&
                   numeric(&t[k + 2]) && !t[k + 2].gap) {
            numer = &t[k];
            denom = &t[k + 2];
            t[k + 1].role = R_CONN;
            last = k + 2;
        } else if (k + 3 < n && t[k + 1].type == T_WORD && t[k + 1].conn == K_OUT &&
                   t[k + 2].type == T_WORD && t[k + 2].conn == K_OF && !t[k + 1].gap &&
                   !t[k + 2].gap && numeric(&t[k + 3]) && !t[k + 3].gap) {
            numer = &t[k];
            denom = &t[k + 3];
            t[k + 1].role = R_CONN;
            t[k + 2].role = R_CONN;
            last = k + 3;
        } else if (k + 2 < n && t[k + 1].type == T_WORD && t[k + 1].conn == K_OVER &&
                   !t[k + 1].gap && numeric(&t[k + 2]) && !t[k + 2].gap) {
            denom = &t[k];
            numer = &t[k + 2];
            t[k + 1].role = R_CONN;
            last = k + 2;
        }
        if (!numer) continue;
        numer->role = R_NUMER;
        denom->role = R_DENOM;
        if (denom->val != scale.max) sc->refuse = 1;
        k = last;
    }

    /* Slashes and fraction words left over next to a number: "/10",
     * "9/10/2024", "out of 10", "10 üzerinden". */
    for (int k = 0; k < n; k++) {
        int before = k > 0 && !t[k].gap && numeric(&t[k - 1]);
        int after = k + 1 < n && !t[k + 1].gap && numeric(&t[k + 1]);
        if (t[k].type == T_SLASH && t[k].role == R_NONE && (before || after)) sc->refuse = 1;
        if (t[k].type == T_WORD && t[k].role == R_NONE && t[k].conn != K_NONE &&
            (after || (t[k].conn == K_OVER && before)))
            sc->refuse = 1;
    }
}

/* 1 if the number token k is a quantity or a time: a unit word right after
 * it or a clock word right before it. */
static int is_quantity(const struct scan *sc, int k)
{
    const struct tok *t = sc->t;
    if (k + 1 < sc->n && t[k + 1].type == T_WORD && t[k + 1].unit && !t[k + 1].gap) return 1;
    if (k > 0 && t[k - 1].type == T_WORD && t[k - 1].clock && !t[k].gap) return 1;
    return 0;
}

/* Score of a face level on a csat scale (rule in reply.h): 0, or -1 when
 * the level falls exactly on the middle of an even-sized scale. */
static int face_score(int level, struct cx_scale sc, int *out)
{
    int num = (level - 1) * (sc.max - sc.min), q = num / 4, r = num % 4;
    int lo = sc.min + q;
    if (r < 2) {
        *out = lo;
    } else if (r > 2) {
        *out = lo + 1;
    } else { /* exactly lo + 1/2: away from the middle (min + max) / 2 */
        int twice = 2 * lo + 1, mid2 = sc.min + sc.max;
        if (twice == mid2) return -1;
        *out = twice < mid2 ? lo : lo + 1;
    }
    return 0;
}

/* The low/middle/high third of a face level (matches cx_survey_category of
 * face_score on every csat scale). */
static enum cx_category face_category(int level)
{
    return level <= 2 ? CX_CAT_LOW : level == 3 ? CX_CAT_MIDDLE : CX_CAT_HIGH;
}

int cx_reply_score(const char *text, size_t len, enum cx_kind kind, struct cx_scale sc, int *score)
{
    if (!score || (!text && len > 0) || cx_scale_index(kind, sc) < 0) return -1;
    if (len == 0 || !cx_utf8_valid(text, len, NULL)) return -1;

    struct scan scan;
    scan.s = (const unsigned char *)text;
    scan.len = len;
    scan.n = 0;
    scan.refuse = 0;
    if (tokenize(&scan) != 0) return -1;
    find_fractions(&scan, sc);
    if (scan.refuse) return -1;

    const struct tok *t = scan.t;
    const int csat = kind == CX_KIND_CSAT;

    /* Everyday number words count only in a reply of number words. */
    int only_number_words = 1;
    for (int k = 0; k < scan.n; k++) {
        if (t[k].type == T_NUM) only_number_words = 0;
        if (t[k].type == T_WORD && t[k].val < 0 && t[k].role != R_CONN) only_number_words = 0;
    }

    int have = 0, value = -1, words = 0, faces = 0, face_lvl = 0, face_cats = 0, star_runs = 0;
    for (int k = 0; k < scan.n; k++) {
        int v = -1;
        switch (t[k].type) {
        case T_NUM:
            v = t[k].val;
            if (is_quantity(&scan, k)) return -1;
            if (t[k].role == R_DENOM) v = -1;
            break;
        case T_WORD:
            if (t[k].role == R_CONN) break;
            if (t[k].val >= 0 && (t[k].role != R_NONE || !t[k].weak || only_number_words)) {
                if (is_quantity(&scan, k)) return -1;
                if (t[k].role != R_DENOM) v = t[k].val;
            } else {
                words++;
            }
            break;
        case T_FACE:
            if (!csat) break;
            if (faces == 0)
                face_lvl = t[k].val;
            else if (t[k].val != face_lvl)
                face_lvl = -1; /* faces that differ */
            faces++;
            face_cats |= 1 << face_category(t[k].val);
            break;
        case T_STARS:
            if (!csat) break;
            star_runs++;
            /* "4⭐": one star after a number is the unit */
            if (k > 0 && numeric(&t[k - 1]) && !t[k].gap && t[k].val == 1 && t[k].empty == 0) break;
            if (t[k].badorder || (t[k].empty > 0 && t[k].val + t[k].empty != sc.max)) return -1;
            v = t[k].val;
            break;
        case T_SLASH:
            break;
        }
        if (v < 0) continue;
        if (have && v != value) return -1;
        have = 1;
        value = v;
    }
    if (star_runs > 1 || words > 3) return -1;

    if (have) {
        if (value < sc.min || value > sc.max) return -1;
        if (faces) {
            struct cx_survey sv;
            memset(&sv, 0, sizeof sv);
            sv.kind = CX_SURVEY_CSAT;
            sv.scale = sc;
            sv.style = CX_STYLE_NUMBERS;
            enum cx_category cat = cx_survey_category(&sv, value);
            if (cat == CX_CAT_NONE || face_cats != 1 << cat) return -1;
        }
        *score = value;
        return 0;
    }
    if (faces && face_lvl > 0) return face_score(face_lvl, sc, score);
    return -1;
}
