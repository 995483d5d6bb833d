#include "text/lang.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "text/normalize.h"
#include "text/stopwords.h"

static const struct cx_lang_rules rules[] = {
    {"ar", "arabic", 0},
    {"az", NULL, CX_LANG_TURKIC_I | CX_LANG_APOS_CUT},
    {"ca", "catalan", 0},
    {"da", "danish", 0},
    {"de", "german", 0},
    {"el", "greek", 0},
    {"en", "english", CX_LANG_STRIPMARK | CX_LANG_APOS_KEEP},
    {"es", "spanish", 0},
    {"eu", "basque", 0},
    {"fa", NULL, CX_LANG_PERSIAN},
    {"fi", "finnish", 0},
    {"fr", "french", 0},
    {"ga", "irish", 0},
    {"hi", "hindi", 0},
    {"hu", "hungarian", 0},
    {"hy", "armenian", 0},
    {"id", "indonesian", 0},
    {"it", "italian", 0},
    {"lt", "lithuanian", 0},
    {"nb", "norwegian", 0},
    {"ne", "nepali", 0},
    {"nl", "dutch", 0},
    {"nn", "norwegian", 0},
    {"pt", "portuguese", 0},
    {"ro", "romanian", CX_LANG_RO_COMMA},
    {"ru", "russian", 0},
    {"sr", "serbian", 0},
    {"sv", "swedish", 0},
    {"ta", "tamil", 0},
    {"tr", "turkish", CX_LANG_TURKIC_I | CX_LANG_APOS_CUT},
    {"yi", "yiddish", 0},
};

static const struct {
    const char *from, *to;
} aliases[] = {
    {"ara", "ar"}, {"arb", "ar"}, {"eng", "en"}, {"fas", "fa"}, {"in", "id"},  {"iw", "he"},
    {"ji", "yi"},  {"mo", "ro"},  {"no", "nb"},  {"nob", "nb"}, {"nno", "nn"}, {"nor", "nb"},
    {"per", "fa"}, {"pes", "fa"}, {"prs", "fa"}, {"ron", "ro"}, {"rum", "ro"}, {"tur", "tr"},
};

void cx_lang_canon(const char *tag, char out[CX_LANG_MAX])
{
    char buf[CX_LANG_MAX];
    size_t n = 0;
    strcpy(out, "und");
    if (!tag) return;
    for (; tag[n] && tag[n] != '-' && tag[n] != '_'; n++) {
        char c = tag[n];
        if (n >= 8) return;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c < 'a' || c > 'z') return;
        buf[n] = c;
    }
    if (n < 2) return;
    buf[n] = 0;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(buf, aliases[i].from) == 0) {
            strcpy(out, aliases[i].to);
            return;
        }
    memcpy(out, buf, n + 1);
}

struct cx_lang_rules cx_lang_rules(const char *code)
{
    if (code) {
        size_t lo = 0, hi = sizeof rules / sizeof rules[0];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(code, rules[mid].code);
            if (c == 0) return rules[mid];
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    struct cx_lang_rules r = {code ? code : "und", NULL, 0};
    return r;
}

/* Scripts counted by the detector. */
enum script {
    S_LATIN,
    S_ARABIC,
    S_CYRILLIC,
    S_GREEK,
    S_HEBREW,
    S_HAN,
    S_KANA,
    S_HANGUL,
    S_THAI,
    S_DEVANAGARI,
    S_ARMENIAN,
    S_TAMIL,
    S_COUNT
};

static int script_of(int32_t c)
{
    if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? S_LATIN : -1;
    if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) return S_LATIN;
    if (c >= 0x1E00 && c <= 0x1EFF) return S_LATIN;
    if (c >= 0x370 && c <= 0x3FF) return S_GREEK;
    if (c >= 0x400 && c <= 0x52F) return S_CYRILLIC;
    if (c >= 0x531 && c <= 0x58F) return S_ARMENIAN;
    if (c >= 0x5D0 && c <= 0x5EA) return S_HEBREW;
    if ((c >= 0x620 && c <= 0x64A) || (c >= 0x66E && c <= 0x6D5) || (c >= 0xFB50 && c <= 0xFEFC))
        return S_ARABIC;
    if (c >= 0x900 && c <= 0x97F) return S_DEVANAGARI;
    if (c >= 0xB80 && c <= 0xBFF) return S_TAMIL;
    if (c >= 0xE00 && c <= 0xE7F) return S_THAI;
    if (c >= 0x3040 && c <= 0x30FF) return S_KANA;
    if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)) return S_HAN;
    if (c >= 0xAC00 && c <= 0xD7A3) return S_HANGUL;
    return -1;
}

/* Latin-script candidates scored by letters and stop words. */
static const char *const latin_langs[] = {"en", "nb", "tr", "ro"};
#define NLATIN (sizeof latin_langs / sizeof latin_langs[0])

static void detect_latin(const char *text, size_t len, const int letters[NLATIN],
                         const int weak[NLATIN], char *out)
{
    int score[NLATIN];
    for (size_t i = 0; i < NLATIN; i++) score[i] = 3 * letters[i] + (weak[i] > 0);
    struct cx_textbuf nb = {0};
    struct cx_tokens toks = {0};
    if (cx_text_normalize_buf("und", text, len, &nb) == CX_OK &&
        cx_text_tokenize("und", nb.s, nb.len, &toks) == CX_OK) {
        for (size_t t = 0; t < toks.n && t < 200; t++) {
            const char *w = toks.buf + toks.v[t].off;
            size_t wl = toks.v[t].len;
            for (size_t i = 0; i < NLATIN; i++)
                if (cx_stopword(latin_langs[i], w, wl)) score[i]++;
        }
    }
    cx_tokens_free(&toks);
    cx_textbuf_free(&nb);
    size_t best = 0;
    for (size_t i = 1; i < NLATIN; i++)
        if (score[i] > score[best]) best = i;
    strcpy(out, score[best] > 0 ? latin_langs[best] : "und");
}

void cx_lang_detect(const char *text, size_t len, char out[CX_LANG_MAX])
{
    int count[S_COUNT] = {0};
    /* distinctive letters: en none, nb æøå, tr ğı (and ş without Romanian
     * vowels), ro ășț and ş/ţ beside ăâî */
    int letters[NLATIN] = {0}, persian = 0, urdu = 0, s_cedilla = 0, ro_vowel = 0;
    const uint8_t *p = (const uint8_t *)text;
    size_t i = 0;
    strcpy(out, "und");
    if (!text) return;
    while (i < len) {
        int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        int s = script_of(c);
        if (s >= 0) count[s]++;
        switch (c) {
        case 0xE6:
        case 0xC6:
        case 0xF8:
        case 0xD8:
        case 0xE5:
        case 0xC5:
            letters[1]++;
            break;
        case 0x11F:
        case 0x11E:
        case 0x131:
        case 0x130:
            letters[2]++;
            break;
        case 0x103:
        case 0x102:
        case 0x219:
        case 0x218:
        case 0x21B:
        case 0x21A:
            letters[3]++;
            ro_vowel++;
            break;
        case 0xE2:
        case 0xC2:
        case 0xEE:
        case 0xCE:
            ro_vowel++;
            break;
        case 0x15F:
        case 0x15E:
        case 0x163:
        case 0x162:
            s_cedilla++;
            break;
        case 0x67E:
        case 0x686:
        case 0x698:
        case 0x6AF:
        case 0x6A9:
        case 0x6CC:
            persian++;
            break;
        case 0x679:
        case 0x688:
        case 0x691:
        case 0x6BA:
        case 0x6D2:
            urdu++;
            break;
        default:
            break;
        }
    }
    /* ş and ţ are Turkish, or Romanian typed with the legacy cedilla:
     * weak evidence unless Romanian vowels agree */
    int weak[NLATIN] = {0};
    weak[ro_vowel ? 3 : 2] = s_cedilla;
    int best = -1;
    for (int s = 0; s < S_COUNT; s++) {
        if (count[s] && (best < 0 || count[s] > count[best])) best = s;
    }
    if (best < 0) return;
    switch (best) {
    case S_LATIN:
        detect_latin(text, len, letters, weak, out);
        return;
    case S_ARABIC:
        strcpy(out, urdu ? "ur" : persian ? "fa" : "ar");
        return;
    case S_CYRILLIC:
        strcpy(out, "ru");
        return;
    case S_GREEK:
        strcpy(out, "el");
        return;
    case S_HEBREW:
        strcpy(out, "he");
        return;
    case S_HAN:
        strcpy(out, count[S_KANA] ? "ja" : "zh");
        return;
    case S_KANA:
        strcpy(out, "ja");
        return;
    case S_HANGUL:
        strcpy(out, "ko");
        return;
    case S_THAI:
        strcpy(out, "th");
        return;
    case S_DEVANAGARI:
        strcpy(out, "hi");
        return;
    case S_ARMENIAN:
        strcpy(out, "hy");
        return;
    case S_TAMIL:
        strcpy(out, "ta");
        return;
    }
}
