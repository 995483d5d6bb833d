#include "text/stopwords.h"

#include <string.h>

/* Each list is sorted bytewise (test_text_normalize checks it) so that
 * lookups can bisect. */
static const char *const sw_en[] = {
    "a",          "about",   "above",     "after",    "again",    "against",    "all",
    "almost",     "along",   "already",   "also",     "although", "always",     "am",
    "among",      "an",      "and",       "another",  "any",      "anybody",    "anyone",
    "anything",   "anyway",  "anyways",   "are",      "aren't",   "around",     "as",
    "at",         "be",      "became",    "because",  "become",   "been",       "before",
    "being",      "below",   "between",   "both",     "but",      "by",         "can",
    "can't",      "cannot",  "cant",      "could",    "couldn't", "dear",       "did",
    "didn't",     "didnt",   "do",        "does",     "doesn't",  "doesnt",     "doing",
    "don't",      "done",    "dont",      "during",   "each",     "either",     "else",
    "etc",        "even",    "ever",      "every",    "everyone", "everything", "few",
    "for",        "from",    "further",   "get",      "gets",     "getting",    "go",
    "goes",       "going",   "gone",      "got",      "gotten",   "had",        "hadn't",
    "has",        "hasn't",  "have",      "haven't",  "having",   "he",         "he's",
    "hello",      "her",     "here",      "hers",     "herself",  "hey",        "hi",
    "him",        "himself", "his",       "how",      "however",  "i",          "i'd",
    "i'll",       "i'm",     "i've",      "if",       "im",       "in",         "indeed",
    "into",       "is",      "isn't",     "isnt",     "it",       "it's",       "its",
    "itself",     "ive",     "just",      "kind",     "kinda",    "last",       "let",
    "let's",      "like",    "lot",       "lots",     "made",     "make",       "makes",
    "many",       "may",     "maybe",     "me",       "might",    "mine",       "more",
    "most",       "mostly",  "much",      "must",     "my",       "myself",     "neither",
    "never",      "no",      "none",      "nor",      "not",      "now",        "of",
    "often",      "oh",      "ok",        "okay",     "on",       "once",       "one",
    "ones",       "only",    "onto",      "or",       "other",    "others",     "otherwise",
    "our",        "ours",    "ourselves", "over",     "own",      "per",        "perhaps",
    "please",     "pls",     "plz",       "quite",    "rather",   "really",     "said",
    "same",       "say",     "says",      "she",      "she's",    "should",     "shouldn't",
    "since",      "so",      "some",      "somebody", "someone",  "something",  "sometimes",
    "somewhat",   "still",   "such",      "sure",     "than",     "thank",      "thanks",
    "thanx",      "that",    "that's",    "the",      "their",    "theirs",     "them",
    "themselves", "then",    "there",     "there's",  "these",    "they",       "they'd",
    "they'll",    "they're", "they've",   "thing",    "things",   "this",       "those",
    "though",     "through", "thus",      "thx",      "to",       "today",      "together",
    "too",        "toward",  "towards",   "truly",    "um",       "under",      "until",
    "up",         "upon",    "us",        "very",     "via",      "was",        "wasn't",
    "wasnt",      "we",      "we'd",      "we'll",    "we're",    "we've",      "well",
    "were",       "weren't", "what",      "what's",   "whatever", "when",       "whenever",
    "where",      "whether", "which",     "while",    "who",      "whoever",    "whom",
    "whose",      "why",     "will",      "with",     "within",   "without",    "won't",
    "wont",       "would",   "wouldn't",  "yeah",     "yes",      "yet",        "you",
    "you'd",      "you'll",  "you're",    "you've",   "your",     "yours",      "yourself",
    "yourselves",
};

static const char *const sw_nb[] = {
    "alle",     "allerede", "alltid",  "altfor", "altså",     "andre",  "annen",   "annet",
    "at",       "av",       "bare",    "begge",  "ble",       "bli",    "blir",    "blitt",
    "både",     "da",       "dag",     "de",     "deg",       "dei",    "dem",     "den",
    "denne",    "der",      "deres",   "det",    "dette",     "disse",  "du",      "eg",
    "ein",      "eit",      "eller",   "en",     "enda",      "endå",   "ene",     "enn",
    "ennå",     "er",       "et",      "ett",    "etter",     "fikk",   "for",     "fordi",
    "fortsatt", "fra",      "få",      "får",    "gang",      "ganske", "gjerne",  "gjorde",
    "gjort",    "gjør",     "gjøre",   "ha",     "hadde",     "hallo",  "han",     "hans",
    "har",      "hei",      "hele",    "heller", "helt",      "hennes", "her",     "hos",
    "hun",      "hva",      "hvem",    "hver",   "hvert",     "hvilke", "hvilken", "hvis",
    "hvor",     "hvordan",  "hvorfor", "i",      "igjen",     "ikke",   "ikkje",   "ingen",
    "inn",      "inni",     "ja",      "jeg",    "jo",        "kan",    "kanskje", "kom",
    "komme",    "kommer",   "kunne",   "kva",    "la",        "liksom", "litt",    "man",
    "mange",    "med",      "meg",     "meget",  "men",       "mer",    "mest",    "mi",
    "min",      "mine",     "mitt",    "mot",    "mye",       "må",     "måtte",   "nei",
    "no",       "noe",      "noen",    "nok",    "nå",        "når",    "og",      "også",
    "ok",       "okei",     "om",      "opp",    "oss",       "over",   "på",      "sa",
    "samme",    "se",       "seg",     "selv",   "si",        "sier",   "sin",     "sine",
    "sitt",     "sjøl",     "skal",    "skulle", "slik",      "slike",  "som",     "svært",
    "så",       "takk",     "til",     "to",     "tre",       "tusen",  "uten",    "var",
    "vart",     "ved",      "vel",     "veldig", "vennligst", "vi",     "vil",     "ville",
    "visst",    "vår",      "våre",    "være",   "vært",
};

static const char *const sw_tr[] = {
    "acaba",   "ama",    "ancak",   "artık",  "aslında", "az",       "bana",        "bazen",
    "bazı",    "belki",  "ben",     "beni",   "benim",   "beri",     "bile",        "bir",
    "biraz",   "biri",   "birisi",  "birkaç", "birçok",  "birşey",   "biz",         "bize",
    "bizi",    "bizim",  "bu",      "buna",   "bunda",   "bundan",   "bunlar",      "bunu",
    "bunun",   "burada", "bütün",   "da",     "daha",    "dahi",     "de",          "defa",
    "değil",   "diye",   "diğer",   "dolayı", "eden",    "eder",     "ederim",      "edildi",
    "en",      "etmek",  "etti",    "evet",   "fakat",   "falan",    "gayet",       "gerçekten",
    "gibi",    "göre",   "hala",    "hangi",  "hatta",   "hayır",    "hem",         "henüz",
    "hep",     "hepsi",  "her",     "herkes", "hiç",     "hâlâ",     "ile",         "ise",
    "için",    "işte",   "kadar",   "kendi",  "kendim",  "kez",      "ki",          "kim",
    "kimse",   "lütfen", "merhaba", "mi",     "mu",      "mü",       "mı",          "nasıl",
    "ne",      "neden",  "nerede",  "neyse",  "niye",    "o",        "oldu",        "olduk",
    "oldukça", "oldum",  "olduğu",  "olmak",  "olmuyor", "olsun",    "olur",        "ona",
    "onlar",   "onları", "onu",     "onun",   "orada",   "pek",      "rağmen",      "sadece",
    "sanki",   "selam",  "sen",     "seni",   "senin",   "siz",      "size",        "sizi",
    "sizin",   "sonra",  "tabii",   "tam",    "tamam",   "teşekkür", "teşekkürler", "tüm",
    "var",     "vardı",  "ve",      "veya",   "ya",      "yani",     "yapmak",      "yaptı",
    "yapıyor", "yine",   "yok",     "zaten",  "çok",     "çoğu",     "çünkü",       "önce",
    "öyle",    "şey",    "şimdi",   "şu",     "şuna",    "şunu",
};

static const char *const sw_ro[] = {
    "a",        "acea",   "aceasta",   "această", "acel",   "acela",     "acele",  "acest",
    "acesta",   "aceste", "acestea",   "acolo",   "acum",   "adică",     "ai",     "aici",
    "al",       "ale",    "alt",       "alta",    "alte",   "altul",     "am",     "apoi",
    "ar",       "are",    "as",        "asta",    "atunci", "atât",      "atâta",  "au",
    "avea",     "avem",   "aveți",     "avut",    "azi",    "aș",        "așa",    "bine",
    "bună",     "ca",     "cam",       "care",    "ce",     "cea",       "cei",    "cel",
    "cele",     "ceva",   "chiar",     "cine",    "cu",     "cum",       "când",   "cât",
    "că",       "da",     "dacă",      "dar",     "de",     "deci",      "deja",   "deloc",
    "despre",   "din",    "doar",      "după",    "e",      "ea",        "ei",     "el",
    "ele",      "este",   "eu",        "fi",      "fie",    "fiind",     "foarte", "fost",
    "fără",     "iar",    "ieri",      "la",      "le",     "li",        "lor",    "lui",
    "m",        "mai",    "mea",       "mei",     "mereu",  "mersi",     "meu",    "mi",
    "mie",      "mult",   "multe",     "multă",   "mulți",  "mulțumesc", "mă",     "n",
    "ne",       "nici",   "niciodată", "nimic",   "nu",     "o",         "ori",    "oricum",
    "pe",       "pentru", "poate",     "pot",     "prea",   "prin",      "până",   "rog",
    "s",        "sa",     "salut",     "sau",     "se",     "spre",      "sub",    "sunt",
    "sînt",     "să",     "ta",        "te",      "toate",  "toată",     "tot",    "totuși",
    "toți",     "tu",     "un",        "una",     "unde",   "unei",      "unor",   "unui",
    "v",        "voi",    "vrea",      "vreau",   "vă",     "îi",        "îl",     "îmi",
    "împreună", "în",     "încă",      "însă",    "și",
};

static const char *const sw_fa[] = {
    "آن",     "آنجا",  "آنها",  "آیا",    "از",       "است",     "اصلا",   "الان",   "البته",
    "اما",    "امروز", "او",    "اون",    "اونها",    "اگر",     "ای",     "ایشان",  "این",
    "اینجا",  "اینکه", "با",    "باشد",   "باید",     "بر",      "برای",   "بسیار",  "بعد",
    "بله",    "به",    "بود",   "بودم",   "بودند",    "بودیم",   "بی",     "تا",     "تشکر",
    "تو",     "توی",   "حتی",   "خب",     "خواستم",   "خواهد",   "خود",    "خودم",   "خیلی",
    "دارد",   "دارم",  "داریم", "داشت",   "داشتم",    "در",      "دوباره", "دیگر",   "دیگه",
    "را",     "رو",    "روی",   "زیاد",   "زیادی",    "زیرا",    "سلام",   "شد",     "شدم",
    "شده",    "شما",   "شود",   "فقط",    "قبل",      "لطفا",    "ما",     "متشکرم", "مثل",
    "مرسی",   "ممنون", "من",    "میتوان", "میتوانم",  "میخواهم", "میشود",  "میکند",  "میکنم",
    "میکنند", "نباید", "ندارد", "ندارم",  "نمیتوانم", "نمیشود",  "نمیکند", "نه",     "نیز",
    "نیست",   "ها",    "هر",    "هرگز",   "هست",      "هستم",    "هستند",  "هم",     "همان",
    "همه",    "همیشه", "همین",  "هنوز",   "هیچ",      "و",       "واقعا",  "وقتی",   "ولی",
    "پس",     "چرا",   "چطور",  "چند",    "چه",       "چون",     "چگونه",  "چی",     "چیزی",
    "کاملا",  "کجا",   "کدام",  "کرد",    "کردم",     "کردن",    "کرده",   "کسی",    "کند",
    "کنم",    "کنند",  "کنید",  "که",     "کی",       "گاهی",    "یا",     "یعنی",   "یه",
    "یک",
};

static const char *const sw_generic[] = {
    "as",   "att", "auch", "auf",   "che",    "com",    "con", "dans", "das",  "de",   "den",
    "der",  "des", "det",  "di",    "die",    "du",     "e",   "een",  "ein",  "eine", "el",
    "en",   "es",  "est",  "et",    "für",    "hello",  "het", "hey",  "hi",   "http", "https",
    "ich",  "ik",  "il",   "inte",  "is",     "ist",    "jag", "la",   "las",  "le",   "les",
    "lol",  "los", "mit",  "nicht", "niet",   "no",     "non", "não",  "o",    "och",  "ok",
    "okay", "os",  "para", "pas",   "per",    "please", "pls", "por",  "pour", "que",  "qui",
    "sich", "sie", "som",  "thank", "thanks", "thx",    "um",  "uma",  "un",   "una",  "und",
    "une",  "van", "von",  "www",   "y",      "yes",    "zu",  "är",   "è",
};

#define LIST(x) x, sizeof x / sizeof x[0]

static const struct {
    const char *lang;
    const char *const *words;
    size_t n;
} lists[] = {
    {"en", LIST(sw_en)}, {"fa", LIST(sw_fa)}, {"nb", LIST(sw_nb)},
    {"nn", LIST(sw_nb)}, {"ro", LIST(sw_ro)}, {"tr", LIST(sw_tr)},
};

const char *const *cx_stopwords(const char *lang, size_t *n)
{
    for (size_t i = 0; lang && i < sizeof lists / sizeof lists[0]; i++)
        if (strcmp(lang, lists[i].lang) == 0) {
            *n = lists[i].n;
            return lists[i].words;
        }
    *n = sizeof sw_generic / sizeof sw_generic[0];
    return sw_generic;
}

int cx_stopword(const char *lang, const char *w, size_t len)
{
    size_t n;
    const char *const *v = cx_stopwords(lang, &n);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *s = v[mid];
        size_t sl = strlen(s);
        int c = memcmp(w, s, len < sl ? len : sl);
        if (c == 0) c = len < sl ? -1 : len > sl ? 1 : 0;
        if (c == 0) return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}
