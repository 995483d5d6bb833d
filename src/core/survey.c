#include "core/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* ---- languages ---------------------------------------------------------- */

static const char *const lang_codes[CX_NLANGS] = {"en", "nb", "tr", "fa", "ro"};

/* ISO 639-1/-2/-3 codes (and the deprecated "mo") of each language. */
static const struct {
    const char *code;
    enum cx_lang lang;
} lang_aliases[] = {
    {"en", CX_LANG_EN},  {"eng", CX_LANG_EN}, {"nb", CX_LANG_NB},  {"no", CX_LANG_NB},
    {"nn", CX_LANG_NB},  {"nob", CX_LANG_NB}, {"nno", CX_LANG_NB}, {"nor", CX_LANG_NB},
    {"tr", CX_LANG_TR},  {"tur", CX_LANG_TR}, {"fa", CX_LANG_FA},  {"fas", CX_LANG_FA},
    {"per", CX_LANG_FA}, {"pes", CX_LANG_FA}, {"ro", CX_LANG_RO},  {"ron", CX_LANG_RO},
    {"rum", CX_LANG_RO}, {"mo", CX_LANG_RO},  {"mol", CX_LANG_RO},
};

static const char *const rtl_langs[] = {"ar",  "ara", "arc", "ckb", "dv",  "fa", "fas",
                                        "per", "pes", "prs", "he",  "heb", "iw", "ps",
                                        "pus", "sd",  "ug",  "ur",  "urd", "yi", "yid"};

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t';
}

/* Length of the primary subtag of the tag s[0..len): up to '-' or '_'. */
static size_t primary_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] != '-' && s[i] != '_') i++;
    return i;
}

static int subtag_eq(const char *s, size_t len, const char *code)
{
    size_t i = 0;
    for (; i < len && code[i]; i++)
        if (lower((unsigned char)s[i]) != code[i]) return 0;
    return i == len && code[i] == '\0';
}

/* Supported language of a tag s[0..len), or -1. */
static int lang_of_tag(const char *s, size_t len)
{
    size_t p = primary_len(s, len);
    for (size_t i = 0; i < sizeof lang_aliases / sizeof lang_aliases[0]; i++)
        if (subtag_eq(s, p, lang_aliases[i].code)) return (int)lang_aliases[i].lang;
    return -1;
}

int cx_lang_index(const char *code)
{
    if (!code) return -1;
    for (int i = 0; i < CX_NLANGS; i++)
        if (strcmp(code, lang_codes[i]) == 0) return i;
    return -1;
}

const char *cx_lang_code(enum cx_lang l)
{
    if ((int)l < 0 || (int)l >= CX_NLANGS) return "en";
    return lang_codes[l];
}

/* Parses an RFC 9110 qvalue at s[0..len) into thousandths; -1 if malformed. */
static int parse_qvalue(const char *s, size_t len)
{
    if (len == 0 || (s[0] != '0' && s[0] != '1')) return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    if (len == 1) return q;
    if (s[1] != '.' || len > 5) return -1;
    for (size_t i = 2; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        q += (s[i] - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

/* Best supported language of an Accept-Language value, or -1. Malformed
 * entries are skipped; q=0 means "not acceptable". */
static int pick_accept(const char *p)
{
    int best = -1, bestq = 0;
    while (*p) {
        while (*p == ',' || is_space(*p)) p++;
        if (!*p) break;
        const char *tag = p;
        while (*p && *p != ',' && *p != ';' && !is_space(*p)) p++;
        size_t tlen = (size_t)(p - tag);
        int q = 1000, ok = 1;
        while (is_space(*p)) p++;
        while (*p == ';') {
            p++;
            while (is_space(*p)) p++;
            const char *name = p;
            while (*p && *p != '=' && *p != ',' && *p != ';' && !is_space(*p)) p++;
            size_t nlen = (size_t)(p - name);
            while (is_space(*p)) p++;
            if (*p != '=') {
                ok = 0;
                continue;
            }
            p++;
            while (is_space(*p)) p++;
            const char *val = p;
            while (*p && *p != ',' && *p != ';' && !is_space(*p)) p++;
            size_t vlen = (size_t)(p - val);
            while (is_space(*p)) p++;
            if (nlen == 1 && lower((unsigned char)name[0]) == 'q') {
                q = parse_qvalue(val, vlen);
                if (q < 0) ok = 0;
            }
        }
        if (*p && *p != ',') { /* trailing garbage: skip the entry */
            ok = 0;
            while (*p && *p != ',') p++;
        }
        int l = ok ? lang_of_tag(tag, tlen) : -1;
        if (l >= 0 && q > bestq) {
            best = l;
            bestq = q;
        }
    }
    return best;
}

const char *cx_lang_pick(const char *preferred, const char *accept_language)
{
    if (preferred) {
        while (is_space(*preferred)) preferred++;
        size_t len = strlen(preferred);
        while (len > 0 && is_space(preferred[len - 1])) len--;
        int l = lang_of_tag(preferred, len);
        if (l >= 0) return lang_codes[l];
    }
    if (accept_language) {
        int l = pick_accept(accept_language);
        if (l >= 0) return lang_codes[l];
    }
    return lang_codes[CX_LANG_EN];
}

/* Index of any tag, English when unsupported. */
static int lang_idx(const char *lang)
{
    return cx_lang_index(cx_lang_pick(lang, NULL));
}

int cx_lang_rtl(const char *lang)
{
    if (!lang) return 0;
    size_t p = primary_len(lang, strlen(lang));
    for (size_t i = 0; i < sizeof rtl_langs / sizeof rtl_langs[0]; i++)
        if (subtag_eq(lang, p, rtl_langs[i])) return 1;
    return 0;
}

/* ---- built-in texts (en, nb, tr, fa, ro) -------------------------------- */

enum phrase {
    P_Q_NPS,
    P_Q_CSAT,
    P_Q_CES_EASY,
    P_Q_CES_DIFFICULT,
    P_Q_CES_LABELS,
    P_Q_CES_AGREE,
    P_Q_CUSTOM,
    P_NPS_LOW,
    P_NPS_HIGH,
    P_FOLLOWUP,
    P_FOLLOWUP_LOW,
    P_FOLLOWUP_MIDDLE,
    P_FOLLOWUP_HIGH,
    P_REASON,
    P_NPHRASES
};

static const char *const phrases[P_NPHRASES][CX_NLANGS] = {
    [P_Q_NPS] =
        {
            "How likely are you to recommend {company} to a friend or colleague?",
            "Hvor sannsynlig er det at du vil anbefale {company} til en venn eller kollega?",
            "{company} şirketini bir arkadaşınıza veya meslektaşınıza tavsiye etme "
            "olasılığınız nedir?",
            "چقدر احتمال دارد {company} را به دوستان یا همکاران خود پیشنهاد کنید؟",
            "Cât de probabil este să recomandați {company} unui prieten sau coleg?",
        },
    [P_Q_CSAT] =
        {
            "How satisfied are you with {company}?",
            "Hvor fornøyd er du med {company}?",
            "{company} ile ilgili deneyiminizden ne kadar memnunsunuz?",
            "چقدر از {company} راضی هستید؟",
            "Cât de mulțumit(ă) sunteți de {company}?",
        },
    [P_Q_CES_EASY] =
        {
            "How easy was it to get your issue resolved?",
            "Hvor enkelt var det å få løst saken din?",
            "Sorununuzun çözülmesi ne kadar kolay oldu?",
            "حل مشکل شما چقدر آسان بود؟",
            "Cât de ușor a fost să vi se rezolve problema?",
        },
    [P_Q_CES_DIFFICULT] =
        {
            "How difficult was it to get your issue resolved?",
            "Hvor vanskelig var det å få løst saken din?",
            "Sorununuzun çözülmesi ne kadar zor oldu?",
            "حل مشکل شما چقدر دشوار بود؟",
            "Cât de dificil a fost să vi se rezolve problema?",
        },
    [P_Q_CES_LABELS] =
        {
            "How easy or difficult was it to get your issue resolved?",
            "Hvor enkelt eller vanskelig var det å få løst saken din?",
            "Sorununuzun çözülmesi ne kadar kolay ya da zor oldu?",
            "حل مشکل شما چقدر آسان یا دشوار بود؟",
            "Cât de ușor sau de dificil a fost să vi se rezolve problema?",
        },
    [P_Q_CES_AGREE] =
        {
            "How much do you agree with this statement: “{company} made it easy for me to "
            "handle my issue.”",
            "Hvor enig er du i denne påstanden: «{company} gjorde det enkelt for meg å få løst "
            "saken min.»",
            "Bu ifadeye ne kadar katılıyorsunuz: “{company}, sorunumu halletmemi "
            "kolaylaştırdı.”",
            "تا چه اندازه با این جمله موافقید: «{company} رسیدگی به مشکلم را برایم آسان کرد.»",
            "În ce măsură sunteți de acord cu afirmația: „{company} mi-a ușurat rezolvarea "
            "problemei.”",
        },
    [P_Q_CUSTOM] =
        {
            "Please choose one answer.",
            "Velg ett svar.",
            "Lütfen bir yanıt seçin.",
            "لطفاً یک پاسخ را انتخاب کنید.",
            "Vă rugăm să alegeți un răspuns.",
        },
    [P_NPS_LOW] =
        {
            "Not at all likely",
            "Svært lite sannsynlig",
            "Hiç olası değil",
            "اصلاً احتمال ندارد",
            "Deloc probabil",
        },
    [P_NPS_HIGH] =
        {
            "Extremely likely",
            "Svært sannsynlig",
            "Son derece olası",
            "به احتمال بسیار زیاد",
            "Extrem de probabil",
        },
    [P_FOLLOWUP] =
        {
            "What should we improve?",
            "Hva bør vi forbedre?",
            "Neyi iyileştirmeliyiz?",
            "چه چیزی را باید بهتر کنیم؟",
            "Ce ar trebui să îmbunătățim?",
        },
    [P_FOLLOWUP_LOW] =
        {
            "We're sorry to hear that. What should we do better?",
            "Det var leit å høre. Hva kan vi gjøre bedre?",
            "Bunu duyduğumuza üzüldük. Neyi daha iyi yapabiliriz?",
            "از شنیدن این موضوع متأسفیم. چه کاری را می\u200cتوانیم بهتر انجام دهیم؟",
            "Ne pare rău să auzim asta. Ce putem face mai bine?",
        },
    [P_FOLLOWUP_MIDDLE] =
        {
            "What would have made your experience better?",
            "Hva ville gjort opplevelsen din bedre?",
            "Deneyiminizi daha iyi kılmak için ne yapabilirdik?",
            "چه چیزی می\u200cتوانست تجربه\u200cی شما را بهتر کند؟",
            "Ce v-ar fi făcut experiența mai bună?",
        },
    [P_FOLLOWUP_HIGH] =
        {
            "Thank you! What did you like most?",
            "Takk! Hva likte du best?",
            "Teşekkürler! En çok neyi beğendiniz?",
            "سپاسگزاریم! چه چیزی را بیش از همه پسندیدید؟",
            "Vă mulțumim! Ce v-a plăcut cel mai mult?",
        },
    [P_REASON] =
        {
            "What is the main reason for your answer?",
            "Hva er hovedgrunnen til svaret ditt?",
            "Yanıtınızın temel nedeni nedir?",
            "دلیل اصلی پاسخ شما چیست؟",
            "Care este motivul principal al răspunsului dumneavoastră?",
        },
};

/* Satisfaction, scores 1-5 (csat end labels, emoji names). */
static const char *const satisfaction[5][CX_NLANGS] = {
    {"Very dissatisfied", "Svært misfornøyd", "Hiç memnun değilim", "بسیار ناراضی",
     "Foarte nemulțumit"},
    {"Dissatisfied", "Misfornøyd", "Memnun değilim", "ناراضی", "Nemulțumit"},
    {"Neutral", "Nøytral", "Ne memnunum ne değilim", "نه راضی نه ناراضی", "Neutru"},
    {"Satisfied", "Fornøyd", "Memnunum", "راضی", "Mulțumit"},
    {"Very satisfied", "Svært fornøyd", "Çok memnunum", "بسیار راضی", "Foarte mulțumit"},
};

/* The five CES labels by stored score 1-5 (higher = easier). */
static const char *const ces_labels[5][CX_NLANGS] = {
    {"Very difficult", "Svært vanskelig", "Çok zor", "بسیار دشوار", "Foarte dificil"},
    {"Difficult", "Vanskelig", "Zor", "دشوار", "Dificil"},
    {"Neither easy nor difficult", "Verken enkelt eller vanskelig", "Ne kolay ne zor",
     "نه آسان نه دشوار", "Nici ușor, nici dificil"},
    {"Easy", "Enkelt", "Kolay", "آسان", "Ușor"},
    {"Very easy", "Svært enkelt", "Çok kolay", "بسیار آسان", "Foarte ușor"},
};

/* CES 2.0 agreement, 1-7. */
static const char *const agree_labels[7][CX_NLANGS] = {
    {"Strongly disagree", "Helt uenig", "Kesinlikle katılmıyorum", "کاملاً مخالفم",
     "Total dezacord"},
    {"Disagree", "Uenig", "Katılmıyorum", "مخالفم", "Dezacord"},
    {"Somewhat disagree", "Litt uenig", "Kısmen katılmıyorum", "تا حدودی مخالفم",
     "Parțial dezacord"},
    {"Neither agree nor disagree", "Verken enig eller uenig", "Ne katılıyorum ne katılmıyorum",
     "نه موافقم نه مخالفم", "Nici acord, nici dezacord"},
    {"Somewhat agree", "Litt enig", "Kısmen katılıyorum", "تا حدودی موافقم", "Parțial de acord"},
    {"Agree", "Enig", "Katılıyorum", "موافقم", "De acord"},
    {"Strongly agree", "Helt enig", "Kesinlikle katılıyorum", "کاملاً موافقم", "Total de acord"},
};

/* Faces from unhappiest to happiest, per csat scale size. */
static const char *const faces3[3] = {"🙁", "😐", "😄"};
static const char *const faces5[5] = {"😡", "🙁", "😐", "🙂", "😄"};
static const char *const faces7[7] = {"😡", "😠", "🙁", "😐", "🙂", "😊", "😄"};
static const char *const faces10[10] = {"😡", "😠", "😣", "😞", "🙁", "😐", "🙂", "😊", "😀", "😄"};

static const char *const ui_texts[CX_NUI][CX_NLANGS] = {
    [CX_UI_PAGE_TITLE] = {"Your feedback", "Din tilbakemelding", "Geri bildiriminiz", "نظر شما",
                          "Părerea dumneavoastră"},
    [CX_UI_SUBMIT] = {"Send", "Send inn", "Gönder", "ارسال", "Trimite"},
    [CX_UI_CONFIRM] = {"Confirm your answer", "Bekreft svaret ditt", "Yanıtınızı onaylayın",
                       "پاسخ خود را تأیید کنید", "Confirmați răspunsul"},
    [CX_UI_SELECTED] = {"Selected score", "Valgt poengsum", "Seçilen puan",
                        "امتیاز انتخاب\u200cشده", "Scorul ales"},
    [CX_UI_FOLLOWUP_PLACEHOLDER] = {"Type your answer here (optional)",
                                    "Skriv svaret ditt her (valgfritt)",
                                    "Yanıtınızı buraya yazın (isteğe bağlı)",
                                    "پاسخ خود را اینجا بنویسید (اختیاری)",
                                    "Scrieți răspunsul aici (opțional)"},
    [CX_UI_SKIP] = {"Skip", "Hopp over", "Atla", "رد شدن", "Sari peste"},
    [CX_UI_THANKS] = {"Thank you!", "Tusen takk!", "Teşekkür ederiz!", "سپاسگزاریم!",
                      "Vă mulțumim!"},
    [CX_UI_THANKS_DETAIL] = {"Your feedback helps {company} get better.",
                             "Tilbakemeldingen din hjelper {company} å bli bedre.",
                             "Geri bildiriminiz {company} şirketinin daha iyi olmasına yardımcı "
                             "oluyor.",
                             "نظر شما به {company} کمک می\u200cکند بهتر شود.",
                             "Părerea dumneavoastră ajută {company} să se îmbunătățească."},
    [CX_UI_LINK_EXPIRED] = {"This survey link has expired.",
                            "Lenken til denne undersøkelsen er utløpt.",
                            "Bu anket bağlantısının süresi dolmuş.",
                            "مهلت این پیوند نظرسنجی به پایان رسیده است.",
                            "Linkul către acest sondaj a expirat."},
    [CX_UI_LINK_USED] = {"This survey link has already been used.",
                         "Lenken til denne undersøkelsen er allerede brukt.",
                         "Bu anket bağlantısı daha önce kullanılmış.",
                         "از این پیوند نظرسنجی قبلاً استفاده شده است.",
                         "Linkul către acest sondaj a fost deja folosit."},
    [CX_UI_LINK_INVALID] = {"This survey link is not valid.",
                            "Lenken til denne undersøkelsen er ikke gyldig.",
                            "Bu anket bağlantısı geçerli değil.", "این پیوند نظرسنجی معتبر نیست.",
                            "Linkul către acest sondaj nu este valid."},
    [CX_UI_SAVED] = {"Your answer has been saved.", "Svaret ditt er lagret.",
                     "Yanıtınız kaydedildi.", "پاسخ شما ذخیره شد.",
                     "Răspunsul dumneavoastră a fost salvat."},
    [CX_UI_CHANGE] = {"You can still change it below.", "Du kan fortsatt endre det nedenfor.",
                      "Aşağıdan hâlâ değiştirebilirsiniz.",
                      "هنوز می\u200cتوانید آن را در ادامه تغییر دهید.",
                      "Îl mai puteți modifica mai jos."},
    [CX_UI_NPS_LOW] = {"0 = not at all likely", "0 = svært lite sannsynlig", "0 = hiç olası değil",
                       "۰ = اصلاً احتمال ندارد", "0 = deloc probabil"},
    [CX_UI_NPS_HIGH] = {"10 = extremely likely", "10 = svært sannsynlig", "10 = son derece olası",
                        "۱۰ = به احتمال بسیار زیاد", "10 = extrem de probabil"},
    [CX_UI_CHOOSE_ANSWER] = {"Please choose an answer first.", "Velg et svar først.",
                             "Lütfen önce bir yanıt seçin.", "لطفاً ابتدا یک پاسخ انتخاب کنید.",
                             "Vă rugăm să alegeți mai întâi un răspuns."},
    [CX_UI_ERROR] = {"Something went wrong. Please try again.", "Noe gikk galt. Prøv igjen.",
                     "Bir sorun oluştu. Lütfen tekrar deneyin.",
                     "مشکلی پیش آمد. لطفاً دوباره تلاش کنید.",
                     "A apărut o eroare. Vă rugăm să încercați din nou."},
    [CX_UI_LANGUAGE] = {"Language", "Språk", "Dil", "زبان", "Limba"},
    [CX_UI_LANG_NAME] = {"English", "Norsk bokmål", "Türkçe", "فارسی", "Română"},
};

const char *cx_ui_text(const char *lang, enum cx_ui_id id)
{
    if ((int)id < 0 || (int)id >= CX_NUI) return "";
    return ui_texts[id][lang_idx(lang)];
}

/* ---- names -------------------------------------------------------------- */

static const char *const kind_names[] = {"nps", "csat", "ces", "custom"};
static const char *const style_names[CX_NSTYLES] = {"numbers", "stars", "emoji", "labels", "agree"};

const char *cx_survey_kind_name(enum cx_survey_kind k)
{
    if ((int)k < 0 || (int)k > CX_SURVEY_CUSTOM) return "unknown";
    return kind_names[k];
}

int cx_survey_kind_parse(const char *s, enum cx_survey_kind *out)
{
    if (!s) return -1;
    for (int k = 0; k <= CX_SURVEY_CUSTOM; k++) {
        if (subtag_eq(s, strlen(s), kind_names[k])) {
            *out = (enum cx_survey_kind)k;
            return 0;
        }
    }
    return -1;
}

const char *cx_style_name(enum cx_style st)
{
    if ((int)st < 0 || (int)st >= CX_NSTYLES) return "unknown";
    return style_names[st];
}

int cx_style_parse(const char *s, enum cx_style *out)
{
    if (!s) return -1;
    for (int i = 0; i < CX_NSTYLES; i++) {
        if (strcmp(s, style_names[i]) == 0) {
            *out = (enum cx_style)i;
            return 0;
        }
    }
    return -1;
}

const char *cx_category_name(enum cx_survey_kind kind, enum cx_category c)
{
    static const char *const nps[3] = {"detractor", "passive", "promoter"};
    static const char *const thirds[3] = {"low", "middle", "high"};
    if ((int)c < 0 || (int)c > 2) return NULL;
    return kind == CX_SURVEY_NPS ? nps[c] : thirds[c];
}

/* ---- survey lifetime and setters ---------------------------------------- */

static void i18n_clear(struct cx_i18n *t)
{
    for (int l = 0; l < CX_NLANGS; l++) {
        free(t->t[l]);
        t->t[l] = NULL;
    }
}

struct cx_survey *cx_survey_new(enum cx_survey_kind kind)
{
    struct cx_survey *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->kind = kind;
    if (kind != CX_SURVEY_CUSTOM) s->scale = cx_scale_default((enum cx_kind)kind);
    s->style = CX_STYLE_NUMBERS;
    s->followup = 1;
    return s;
}

void cx_survey_free(struct cx_survey *s)
{
    if (!s) return;
    free(s->id);
    free(s->name);
    for (int i = 0; i < CX_NTEXTS; i++) i18n_clear(&s->text[i]);
    for (size_t i = 0; i < s->nreasons; i++) i18n_clear(&s->reasons[i]);
    free(s->reasons);
    for (size_t i = 0; i < s->nchoices; i++) i18n_clear(&s->choices[i]);
    free(s->choices);
    for (size_t i = 0; i < s->nchannels; i++) free(s->channels[i]);
    free(s->channels);
    free(s);
}

/* Replaces *dst with a copy of src (NULL clears). */
static int set_str(char **dst, const char *src)
{
    char *c = NULL;
    if (src) {
        size_t n = strlen(src) + 1;
        c = malloc(n);
        if (!c) return CX_ENOMEM;
        memcpy(c, src, n);
    }
    free(*dst);
    *dst = c;
    return CX_OK;
}

int cx_survey_set_id(struct cx_survey *s, const char *id)
{
    return set_str(&s->id, id);
}

int cx_survey_set_name(struct cx_survey *s, const char *name)
{
    return set_str(&s->name, name);
}

int cx_survey_set_text(struct cx_survey *s, enum cx_text_id id, const char *lang, const char *text)
{
    int l = cx_lang_index(lang);
    if (l < 0 || (int)id < 0 || (int)id >= CX_NTEXTS) return CX_EINVAL;
    return set_str(&s->text[id].t[l], text);
}

static struct cx_i18n **list_of(struct cx_survey *s, enum cx_list which, size_t **n)
{
    if (which == CX_LIST_REASON) {
        *n = &s->nreasons;
        return &s->reasons;
    }
    *n = &s->nchoices;
    return &s->choices;
}

int cx_survey_add_option(struct cx_survey *s, enum cx_list which)
{
    if (which != CX_LIST_REASON && which != CX_LIST_CUSTOM) return -CX_EINVAL;
    size_t *n;
    struct cx_i18n **arr = list_of(s, which, &n);
    if (*n >= CX_SURVEY_LIST_HARD_MAX) return -CX_ELIMIT;
    struct cx_i18n *grown = realloc(*arr, (*n + 1) * sizeof **arr);
    if (!grown) return -CX_ENOMEM;
    memset(&grown[*n], 0, sizeof grown[*n]);
    *arr = grown;
    return (int)(*n)++;
}

int cx_survey_set_option(struct cx_survey *s, enum cx_list which, size_t i, const char *lang,
                         const char *text)
{
    if (which != CX_LIST_REASON && which != CX_LIST_CUSTOM) return CX_EINVAL;
    size_t *n;
    struct cx_i18n **arr = list_of(s, which, &n);
    int l = cx_lang_index(lang);
    if (l < 0 || i >= *n) return CX_EINVAL;
    return set_str(&(*arr)[i].t[l], text);
}

int cx_survey_add_channel(struct cx_survey *s, const char *channel)
{
    if (!channel) return CX_EINVAL;
    if (s->nchannels >= CX_SURVEY_LIST_HARD_MAX) return CX_ELIMIT;
    char **grown = realloc(s->channels, (s->nchannels + 1) * sizeof *grown);
    if (!grown) return CX_ENOMEM;
    s->channels = grown;
    s->channels[s->nchannels] = NULL;
    int rc = set_str(&s->channels[s->nchannels], channel);
    if (rc) return rc;
    s->nchannels++;
    return CX_OK;
}

/* ---- validation --------------------------------------------------------- */

static int is_set(const char *t)
{
    return t && *t;
}

static int i18n_any_set(const struct cx_i18n *t)
{
    for (int l = 0; l < CX_NLANGS; l++)
        if (t->t[l]) return 1;
    return 0;
}

/* Checks one text: 1..max bytes of UTF-8 without control characters
 * (newlines allowed where multiline is set). path names it in errors. */
static int check_text(const char *t, size_t max, int multiline, const char *path,
                      struct cx_err *err)
{
    size_t n = strlen(t);
    if (n == 0) return cx_fail(err, CX_EINVAL, "%s: must not be empty", path);
    if (n > max) return cx_fail(err, CX_EINVAL, "%s: at most %zu bytes (has %zu)", path, max, n);
    if (!cx_utf8_valid(t, n, NULL)) return cx_fail(err, CX_EINVAL, "%s: invalid UTF-8", path);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if ((c < 0x20 && !(multiline && c == '\n')) || c == 0x7f)
            return cx_fail(err, CX_EINVAL, "%s: control characters are not allowed", path);
    }
    return CX_OK;
}

/* JSON path of a survey text in language l, as in io/survey_json.h. */
static void text_path(const struct cx_survey *s, enum cx_text_id id, int l, char *buf, size_t cap)
{
    static const char *const texts_key[] = {"question", "low_label", "high_label", "followup"};
    const char *lc = lang_codes[l];
    switch (id) {
    case CX_TEXT_QUESTION:
    case CX_TEXT_LOW_LABEL:
    case CX_TEXT_HIGH_LABEL:
    case CX_TEXT_FOLLOWUP:
        snprintf(buf, cap, "texts.%s.%s", lc, texts_key[id]);
        break;
    case CX_TEXT_FOLLOWUP_LOW:
    case CX_TEXT_FOLLOWUP_MIDDLE:
    case CX_TEXT_FOLLOWUP_HIGH: {
        const char *cat = cx_category_name(s->kind, (enum cx_category)(id - CX_TEXT_FOLLOWUP_LOW));
        snprintf(buf, cap, "followup_by_category.%s.%s", cat, lc);
        break;
    }
    case CX_TEXT_REASON_QUESTION:
        snprintf(buf, cap, "reason.question.%s", lc);
        break;
    case CX_TEXT_CUSTOM_QUESTION:
        snprintf(buf, cap, "custom.question.%s", lc);
        break;
    }
}

static int check_id(const char *id, struct cx_err *err)
{
    if (!id) return cx_fail(err, CX_EINVAL, "id: missing");
    size_t n = strlen(id);
    int ok = n >= 1 && n <= CX_SURVEY_ID_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        char c = id[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    if (!ok)
        return cx_fail(err, CX_EINVAL, "id: must be 1-%d characters from a-z, 0-9, '_' and '-'",
                       CX_SURVEY_ID_MAX);
    return CX_OK;
}

static const char *const scales_allowed[] = {"0-10", "1-3, 1-5, 1-7, 1-10", "1-5, 1-7, 1-10"};
static const unsigned styles_allowed[] = {
    1u << CX_STYLE_NUMBERS,
    1u << CX_STYLE_NUMBERS | 1u << CX_STYLE_STARS | 1u << CX_STYLE_EMOJI,
    1u << CX_STYLE_NUMBERS | 1u << CX_STYLE_LABELS | 1u << CX_STYLE_AGREE,
};
static const char *const styles_allowed_text[] = {"numbers", "numbers, stars, emoji",
                                                  "numbers, labels, agree"};

static int check_shape(const struct cx_survey *s, struct cx_err *err)
{
    if ((int)s->kind < 0 || (int)s->kind > CX_SURVEY_CUSTOM)
        return cx_fail(err, CX_EINVAL, "kind: must be nps, csat, ces or custom");
    if ((int)s->style < 0 || (int)s->style >= CX_NSTYLES)
        return cx_fail(err, CX_EINVAL, "style: unknown style");
    if (s->kind == CX_SURVEY_CUSTOM) {
        if (s->scale.min || s->scale.max)
            return cx_fail(err, CX_EINVAL, "scale: a custom survey has no scale");
        if (s->style != CX_STYLE_NUMBERS)
            return cx_fail(err, CX_EINVAL, "style: a custom survey has no style");
        if (s->inverted)
            return cx_fail(err, CX_EINVAL, "inverted: a custom survey cannot be inverted");
        for (int id = CX_TEXT_QUESTION; id <= CX_TEXT_HIGH_LABEL; id++) {
            for (int l = 0; l < CX_NLANGS; l++) {
                if (!s->text[id].t[l]) continue;
                char path[64];
                text_path(s, (enum cx_text_id)id, l, path, sizeof path);
                return cx_fail(err, CX_EINVAL,
                               "%s: a custom survey asks custom.question and has no end labels",
                               path);
            }
        }
        return CX_OK;
    }
    enum cx_kind k = (enum cx_kind)s->kind;
    if (cx_scale_index(k, s->scale) < 0)
        return cx_fail(err, CX_EINVAL, "scale: %d-%d is not allowed for %s (allowed: %s)",
                       s->scale.min, s->scale.max, cx_kind_name(k), scales_allowed[k]);
    if (!(styles_allowed[k] & 1u << s->style))
        return cx_fail(err, CX_EINVAL, "style: %s is not available for %s (allowed: %s)",
                       style_names[s->style], cx_kind_name(k), styles_allowed_text[k]);
    if (s->style == CX_STYLE_LABELS && s->scale.max != 5)
        return cx_fail(err, CX_EINVAL, "style: labels (the five CES labels) needs scale 1-5");
    if (s->style == CX_STYLE_AGREE && s->scale.max != 7)
        return cx_fail(err, CX_EINVAL, "style: agree (CES 2.0) needs scale 1-7");
    if (s->inverted && !((s->kind == CX_SURVEY_CSAT || s->kind == CX_SURVEY_CES) &&
                         (s->style == CX_STYLE_NUMBERS || s->style == CX_STYLE_LABELS)))
        return cx_fail(err, CX_EINVAL,
                       "inverted: only a csat or ces question shown as numbers or labels can "
                       "be asked the other way round");
    return CX_OK;
}

static int custom_present(const struct cx_survey *s)
{
    return s->kind == CX_SURVEY_CUSTOM || s->nchoices > 0 ||
           i18n_any_set(&s->text[CX_TEXT_CUSTOM_QUESTION]);
}

static int reason_present(const struct cx_survey *s)
{
    return s->nreasons > 0 || i18n_any_set(&s->text[CX_TEXT_REASON_QUESTION]);
}

int cx_survey_questions(const struct cx_survey *s)
{
    int n = 1;
    if (s->kind != CX_SURVEY_CUSTOM && custom_present(s)) n++;
    if (s->followup) n++;
    if (reason_present(s)) n++;
    return n;
}

static int check_questions(const struct cx_survey *s, struct cx_err *err)
{
    int n = cx_survey_questions(s);
    if (n <= CX_SURVEY_QUESTIONS_MAX) return CX_OK;
    char list[128];
    snprintf(list, sizeof list, "%s%s%s%s",
             s->kind == CX_SURVEY_CUSTOM ? "custom question" : "score",
             s->kind != CX_SURVEY_CUSTOM && custom_present(s) ? ", custom question" : "",
             s->followup ? ", follow-up" : "", reason_present(s) ? ", reason" : "");
    return cx_fail(err, CX_ELIMIT,
                   "questions: a survey asks at most %d questions, this one asks %d (%s)",
                   CX_SURVEY_QUESTIONS_MAX, n, list);
}

/* Checks one option list: count within [2, max] and each option's texts. */
static int check_list(const struct cx_i18n *opts, size_t n, size_t max, const char *name,
                      struct cx_err *err)
{
    if (n > max)
        return cx_fail(err, CX_ELIMIT, "%s.options: at most %zu options (has %zu)", name, max, n);
    if (n < 2)
        return cx_fail(err, CX_EINVAL, "%s.options: needs 2 to %zu options (has %zu)", name, max,
                       n);
    for (size_t i = 0; i < n; i++) {
        if (!i18n_any_set(&opts[i]))
            return cx_fail(err, CX_EINVAL, "%s.options[%zu]: needs a text in at least one language",
                           name, i);
        for (int l = 0; l < CX_NLANGS; l++) {
            if (!opts[i].t[l]) continue;
            char path[64];
            snprintf(path, sizeof path, "%s.options[%zu].%s", name, i, lang_codes[l]);
            int rc = check_text(opts[i].t[l], CX_SURVEY_OPTION_MAX, 0, path, err);
            if (rc) return rc;
        }
    }
    return CX_OK;
}

static int check_channels(const struct cx_survey *s, struct cx_err *err)
{
    if (s->nchannels > CX_SURVEY_CHANNELS_MAX)
        return cx_fail(err, CX_ELIMIT, "channels: at most %d (has %zu)", CX_SURVEY_CHANNELS_MAX,
                       s->nchannels);
    for (size_t i = 0; i < s->nchannels; i++) {
        const char *c = s->channels[i];
        size_t n = c ? strlen(c) : 0;
        int ok = n >= 1 && n <= CX_SURVEY_CHANNEL_LEN;
        for (size_t j = 0; ok && j < n; j++)
            ok = (c[j] >= 'a' && c[j] <= 'z') || (c[j] >= '0' && c[j] <= '9') || c[j] == '_';
        if (!ok)
            return cx_fail(err, CX_EINVAL,
                           "channels[%zu]: must be 1-%d characters from a-z, 0-9 and '_'", i,
                           CX_SURVEY_CHANNEL_LEN);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->channels[j], c) == 0)
                return cx_fail(err, CX_EINVAL, "channels[%zu]: \"%s\" is listed twice", i, c);
    }
    return CX_OK;
}

int cx_survey_validate(const struct cx_survey *s, struct cx_err *err)
{
    int rc = check_id(s->id, err);
    if (rc) return rc;
    if (!s->name) return cx_fail(err, CX_EINVAL, "name: missing");
    if ((rc = check_text(s->name, CX_SURVEY_NAME_MAX, 0, "name", err))) return rc;
    if ((rc = check_shape(s, err))) return rc;
    if ((rc = check_questions(s, err))) return rc;

    for (int id = 0; id < CX_NTEXTS; id++) {
        int label = id == CX_TEXT_LOW_LABEL || id == CX_TEXT_HIGH_LABEL;
        for (int l = 0; l < CX_NLANGS; l++) {
            if (!s->text[id].t[l]) continue;
            char path[64];
            text_path(s, (enum cx_text_id)id, l, path, sizeof path);
            rc = check_text(s->text[id].t[l], label ? CX_SURVEY_LABEL_MAX : CX_SURVEY_TEXT_MAX,
                            !label, path, err);
            if (rc) return rc;
        }
    }
    if (reason_present(s) &&
        (rc = check_list(s->reasons, s->nreasons, CX_SURVEY_REASONS_MAX, "reason", err)))
        return rc;
    if (custom_present(s)) {
        if (!i18n_any_set(&s->text[CX_TEXT_CUSTOM_QUESTION]))
            return cx_fail(err, CX_EINVAL,
                           "custom.question: needs a text in at least one language");
        if ((rc = check_list(s->choices, s->nchoices, CX_SURVEY_CHOICES_MAX, "custom", err)))
            return rc;
    }
    return check_channels(s, err);
}

/* ---- answers ------------------------------------------------------------ */

/* 1 if kind, scale and style fit together well enough to index the tables. */
static int shape_ok(const struct cx_survey *s)
{
    if (s->kind == CX_SURVEY_CUSTOM) return 1;
    if ((int)s->kind < 0 || (int)s->kind > CX_SURVEY_CUSTOM) return 0;
    if (cx_scale_index((enum cx_kind)s->kind, s->scale) < 0) return 0;
    int n = s->scale.max - s->scale.min + 1;
    switch (s->style) {
    case CX_STYLE_NUMBERS:
        return 1;
    case CX_STYLE_STARS:
        return s->scale.min == 1;
    case CX_STYLE_EMOJI:
        return s->scale.min == 1 && (n == 3 || n == 5 || n == 7 || n == 10);
    case CX_STYLE_LABELS:
        return s->scale.min == 1 && n == 5;
    case CX_STYLE_AGREE:
        return s->scale.min == 1 && n == 7;
    }
    return 0;
}

int cx_survey_store_score(const struct cx_survey *s, int shown_answer, int *stored,
                          struct cx_err *err)
{
    if (s->kind == CX_SURVEY_CUSTOM) {
        if (shown_answer < 1 || (size_t)shown_answer > s->nchoices)
            return cx_fail(err, CX_EINVAL, "answer %d is not an option (1-%zu)", shown_answer,
                           s->nchoices);
        *stored = shown_answer;
        return CX_OK;
    }
    if (!shape_ok(s)) return cx_fail(err, CX_EINVAL, "survey scale or style is invalid");
    int min = s->scale.min, max = s->scale.max;
    if (shown_answer < min || shown_answer > max)
        return cx_fail(err, CX_EINVAL, "answer %d is outside the scale %d-%d", shown_answer, min,
                       max);
    *stored = s->inverted ? min + max - shown_answer : shown_answer;
    return CX_OK;
}

enum cx_category cx_survey_category(const struct cx_survey *s, int stored_score)
{
    if (s->kind == CX_SURVEY_CUSTOM || !shape_ok(s)) return CX_CAT_NONE;
    int min = s->scale.min, max = s->scale.max;
    if (stored_score < min || stored_score > max) return CX_CAT_NONE;
    if (s->kind == CX_SURVEY_NPS)
        return stored_score <= 6   ? CX_CAT_DETRACTOR
               : stored_score <= 8 ? CX_CAT_PASSIVE
                                   : CX_CAT_PROMOTER;
    /* Thirds of the n scores: score position p covers [p, p+1) of [0, n);
     * its centre p + 1/2 falls in the lower, middle or upper third. Never on
     * a border: 6p + 3 is odd, 2n and 4n even. */
    int n = max - min + 1, p = stored_score - min;
    if (6 * p + 3 < 2 * n) return CX_CAT_LOW;
    if (6 * p + 3 > 4 * n) return CX_CAT_HIGH;
    return CX_CAT_MIDDLE;
}

/* ---- texts -------------------------------------------------------------- */

static const char *i18n_get(const struct cx_i18n *t, int l)
{
    if (is_set(t->t[l])) return t->t[l];
    if (is_set(t->t[CX_LANG_EN])) return t->t[CX_LANG_EN];
    return NULL;
}

static const char *i18n_any(const struct cx_i18n *t)
{
    for (int l = 0; l < CX_NLANGS; l++)
        if (is_set(t->t[l])) return t->t[l];
    return NULL;
}

static const char *builtin(enum cx_survey_kind kind, enum cx_style style, int inverted,
                           enum cx_text_id id, int l)
{
    int low = id == CX_TEXT_LOW_LABEL, high = id == CX_TEXT_HIGH_LABEL;
    if (low || high) {
        if (inverted) low = !low;
        switch (kind) {
        case CX_SURVEY_NPS:
            return phrases[low ? P_NPS_LOW : P_NPS_HIGH][l];
        case CX_SURVEY_CSAT:
            return satisfaction[low ? 0 : 4][l];
        case CX_SURVEY_CES:
            if (style == CX_STYLE_AGREE) return agree_labels[low ? 0 : 6][l];
            return ces_labels[low ? 0 : 4][l];
        case CX_SURVEY_CUSTOM:
            return NULL;
        }
        return NULL;
    }
    switch (id) {
    case CX_TEXT_QUESTION:
        switch (kind) {
        case CX_SURVEY_NPS:
            return phrases[P_Q_NPS][l];
        case CX_SURVEY_CSAT:
            return phrases[P_Q_CSAT][l];
        case CX_SURVEY_CES:
            if (style == CX_STYLE_AGREE) return phrases[P_Q_CES_AGREE][l];
            if (style == CX_STYLE_LABELS) return phrases[P_Q_CES_LABELS][l];
            return phrases[inverted ? P_Q_CES_DIFFICULT : P_Q_CES_EASY][l];
        case CX_SURVEY_CUSTOM:
            return phrases[P_Q_CUSTOM][l];
        }
        return NULL;
    case CX_TEXT_FOLLOWUP:
        return phrases[P_FOLLOWUP][l];
    case CX_TEXT_FOLLOWUP_LOW:
        return phrases[P_FOLLOWUP_LOW][l];
    case CX_TEXT_FOLLOWUP_MIDDLE:
        return phrases[P_FOLLOWUP_MIDDLE][l];
    case CX_TEXT_FOLLOWUP_HIGH:
        return phrases[P_FOLLOWUP_HIGH][l];
    case CX_TEXT_REASON_QUESTION:
        return phrases[P_REASON][l];
    case CX_TEXT_CUSTOM_QUESTION:
        return phrases[P_Q_CUSTOM][l];
    default:
        return NULL;
    }
}

const char *cx_survey_default_text(enum cx_survey_kind kind, enum cx_style style, int inverted,
                                   enum cx_text_id id, const char *lang)
{
    if ((int)id < 0 || (int)id >= CX_NTEXTS) return NULL;
    return builtin(kind, style, inverted, id, lang_idx(lang));
}

const char *cx_survey_text(const struct cx_survey *s, enum cx_text_id id, const char *lang)
{
    if ((int)id < 0 || (int)id >= CX_NTEXTS) return "";
    int l = lang_idx(lang);
    if (s->kind == CX_SURVEY_CUSTOM && id == CX_TEXT_QUESTION) id = CX_TEXT_CUSTOM_QUESTION;
    const char *t = i18n_get(&s->text[id], l);
    if (!t && id == CX_TEXT_CUSTOM_QUESTION) t = i18n_any(&s->text[id]);
    if (!t) t = builtin(s->kind, s->style, s->inverted, id, l);
    if (!t) t = builtin(s->kind, s->style, s->inverted, id, CX_LANG_EN);
    return t ? t : "";
}

const char *cx_survey_followup(const struct cx_survey *s, int stored_score, const char *lang)
{
    if (!s->followup) return NULL;
    int l = lang_idx(lang);
    enum cx_category c = cx_survey_category(s, stored_score);
    if (c == CX_CAT_NONE) return cx_survey_text(s, CX_TEXT_FOLLOWUP, lang);
    enum cx_text_id id = (enum cx_text_id)(CX_TEXT_FOLLOWUP_LOW + c);
    const char *t = i18n_get(&s->text[id], l);
    if (!t) t = i18n_get(&s->text[CX_TEXT_FOLLOWUP], l);
    if (!t) t = builtin(s->kind, s->style, s->inverted, id, l);
    return t ? t : "";
}

/* ---- bounded UTF-8 string building -------------------------------------- */

struct sb {
    char *p;
    size_t cap, len; /* cap > 0; len < cap */
    int full;
};

static void sb_init(struct sb *b, char *p, size_t cap)
{
    b->p = p;
    b->cap = cap;
    b->len = 0;
    b->full = 0;
    p[0] = '\0';
}

/* Appends s[0..n); once something does not fit, the rest is cut at a UTF-8
 * character boundary and nothing more is added. */
static void sb_addn(struct sb *b, const char *s, size_t n)
{
    if (b->full) return;
    size_t room = b->cap - 1 - b->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        b->full = 1;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_add(struct sb *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

/* A non-negative number in the language's digits (Persian digits in fa). */
static void sb_num(struct sb *b, int v, int l)
{
    char ascii[16];
    snprintf(ascii, sizeof ascii, "%d", v);
    for (const char *c = ascii; *c; c++) {
        if (l == CX_LANG_FA && *c >= '0' && *c <= '9') {
            char fa[3] = {(char)0xDB, (char)(0xB0 + (*c - '0')), 0};
            sb_add(b, fa);
        } else {
            sb_addn(b, c, 1);
        }
    }
}

size_t cx_text_expand(const char *text, const char *company, char *out, size_t cap)
{
    static const char ph[] = "{company}";
    const size_t phlen = sizeof ph - 1;
    struct sb b;
    char dummy[1];
    if (cap > 0)
        sb_init(&b, out, cap);
    else
        sb_init(&b, dummy, 1);
    size_t need = 0;
    const char *p = text;
    for (;;) {
        const char *hit = company ? strstr(p, ph) : NULL;
        size_t seg = hit ? (size_t)(hit - p) : strlen(p);
        sb_addn(&b, p, seg);
        need += seg;
        if (!hit) break;
        sb_add(&b, company);
        need += strlen(company);
        p = hit + phlen;
    }
    return need;
}

/* ---- options ------------------------------------------------------------ */

/* "v out of n" in language l. */
static void sb_out_of(struct sb *b, int v, int n, int l)
{
    switch (l) {
    case CX_LANG_TR: /* "5 üzerinden 3" */
        sb_num(b, n, l);
        sb_add(b, " üzerinden ");
        sb_num(b, v, l);
        return;
    default:
        sb_num(b, v, l);
        sb_add(b, l == CX_LANG_NB   ? " av "
                  : l == CX_LANG_FA ? " از "
                  : l == CX_LANG_RO ? " din "
                                    : " out of ");
        sb_num(b, n, l);
        return;
    }
}

/* "3 stars out of 5" in language l. */
static void sb_stars(struct sb *b, int v, int n, int l)
{
    switch (l) {
    case CX_LANG_EN:
        sb_num(b, v, l);
        sb_add(b, v == 1 ? " star out of " : " stars out of ");
        sb_num(b, n, l);
        return;
    case CX_LANG_NB:
        sb_num(b, v, l);
        sb_add(b, v == 1 ? " stjerne av " : " stjerner av ");
        sb_num(b, n, l);
        return;
    case CX_LANG_TR:
        sb_num(b, n, l);
        sb_add(b, " üzerinden ");
        sb_num(b, v, l);
        sb_add(b, " yıldız");
        return;
    case CX_LANG_FA:
        sb_num(b, v, l);
        sb_add(b, " ستاره از ");
        sb_num(b, n, l);
        return;
    default: /* ro */
        sb_num(b, v, l);
        sb_add(b, v == 1 ? " stea din " : " stele din ");
        sb_num(b, n, l);
        return;
    }
}

static const char *face(int stored, int n)
{
    switch (n) {
    case 3:
        return faces3[stored - 1];
    case 5:
        return faces5[stored - 1];
    case 7:
        return faces7[stored - 1];
    default:
        return faces10[stored - 1];
    }
}

/* Name of a face for screen readers; NULL where no word list fits. */
static const char *face_name(int stored, int n, int l)
{
    static const int of3[3] = {1, 2, 3};
    if (n == 5) return satisfaction[stored - 1][l];
    if (n == 3) return satisfaction[of3[stored - 1]][l];
    return NULL;
}

static void fill_score_option(const struct cx_survey *s, int shown, int l, const char *lang,
                              struct cx_option *o)
{
    int min = s->scale.min, max = s->scale.max, n = max - min + 1;
    int stored = s->inverted ? min + max - shown : shown;
    const char *end = shown == min   ? cx_survey_text(s, CX_TEXT_LOW_LABEL, lang)
                      : shown == max ? cx_survey_text(s, CX_TEXT_HIGH_LABEL, lang)
                                     : NULL;
    struct sb lab, aria;
    sb_init(&lab, o->label, sizeof o->label);
    sb_init(&aria, o->aria, sizeof o->aria);
    o->value = shown;
    switch (s->style) {
    case CX_STYLE_NUMBERS:
        sb_num(&lab, shown, l);
        sb_num(&aria, shown, l);
        if (end && *end) {
            sb_add(&aria, " – ");
            sb_add(&aria, end);
        }
        break;
    case CX_STYLE_STARS:
        for (int i = 0; i < shown; i++) sb_add(&lab, "★");
        sb_stars(&aria, shown, n, l);
        break;
    case CX_STYLE_EMOJI: {
        sb_add(&lab, face(stored, n));
        const char *name = face_name(stored, n, l);
        if (name) {
            sb_add(&aria, name);
        } else {
            sb_out_of(&aria, stored, n, l);
            if (end && *end) {
                sb_add(&aria, " – ");
                sb_add(&aria, end);
            }
        }
        break;
    }
    case CX_STYLE_LABELS:
        sb_add(&lab, ces_labels[stored - 1][l]);
        sb_add(&aria, ces_labels[stored - 1][l]);
        break;
    case CX_STYLE_AGREE:
        sb_add(&lab, agree_labels[stored - 1][l]);
        sb_add(&aria, agree_labels[stored - 1][l]);
        break;
    }
}

static int list_options(const struct cx_i18n *opts, size_t n, int l, struct cx_option *out,
                        size_t cap)
{
    for (size_t i = 0; i < n && i < cap; i++) {
        const char *t = i18n_get(&opts[i], l);
        if (!t) t = i18n_any(&opts[i]);
        if (!t) t = "";
        struct sb lab, aria;
        sb_init(&lab, out[i].label, sizeof out[i].label);
        sb_init(&aria, out[i].aria, sizeof out[i].aria);
        sb_add(&lab, t);
        sb_add(&aria, t);
        out[i].value = (int)i + 1;
    }
    return (int)n;
}

int cx_survey_options(const struct cx_survey *s, const char *lang, struct cx_option *out,
                      size_t cap)
{
    int l = lang_idx(lang);
    if (s->kind == CX_SURVEY_CUSTOM) return list_options(s->choices, s->nchoices, l, out, cap);
    if (!shape_ok(s)) return -1;
    int n = s->scale.max - s->scale.min + 1;
    for (int i = 0; i < n && (size_t)i < cap; i++)
        fill_score_option(s, s->scale.min + i, l, lang, &out[i]);
    return n;
}

int cx_survey_list_options(const struct cx_survey *s, enum cx_list which, const char *lang,
                           struct cx_option *out, size_t cap)
{
    int l = lang_idx(lang);
    if (which == CX_LIST_REASON) return list_options(s->reasons, s->nreasons, l, out, cap);
    if (which == CX_LIST_CUSTOM) return list_options(s->choices, s->nchoices, l, out, cap);
    return -1;
}
