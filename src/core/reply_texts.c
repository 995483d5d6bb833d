/* reply_texts.c - the chat conversation's texts in five languages. */
#include <stdio.h>
#include <string.h>

#include "core/reply.h"

static const char *const texts[CX_RT_COUNT][CX_NLANGS] = {
    [CX_RT_HINT] =
        {
            "Reply with a number from {min} to {max}.",
            "Svar med et tall fra {min} til {max}.",
            "Lütfen {min} ile {max} arasında bir sayıyla yanıt verin.",
            "لطفاً با یک عدد از {min} تا {max} پاسخ دهید.",
            "Răspundeți cu un număr de la {min} la {max}.",
        },
    [CX_RT_REASK] =
        {
            "Sorry, I did not understand. Please reply with just a number from {min} to {max}.",
            "Beklager, det forsto jeg ikke. Svar bare med et tall fra {min} til {max}.",
            "Üzgünüm, anlayamadım. Lütfen yalnızca {min} ile {max} arasında bir sayı yazın.",
            "متأسفم، متوجه نشدم. لطفاً فقط یک عدد از {min} تا {max} بفرستید.",
            "Îmi pare rău, nu am înțeles. Vă rugăm să răspundeți doar cu un număr de la {min} "
            "la {max}.",
        },
    [CX_RT_GIVEUP] =
        {
            "Sorry, I could not read a score. Thank you for your time.",
            "Beklager, jeg fant ingen poengsum i svaret. Takk for at du tok deg tid.",
            "Üzgünüm, yanıtınızdan bir puan çıkaramadım. Zaman ayırdığınız için teşekkür "
            "ederiz.",
            "متأسفم، نتوانستم امتیازی در پاسخ شما پیدا کنم. از وقتی که گذاشتید سپاسگزاریم.",
            "Îmi pare rău, nu am putut citi un scor. Vă mulțumim pentru timpul acordat.",
        },
    [CX_RT_THANKS] =
        {
            "Thank you for your feedback!",
            "Takk for tilbakemeldingen!",
            "Geri bildiriminiz için teşekkür ederiz!",
            "از بازخورد شما سپاسگزاریم!",
            "Vă mulțumim pentru părerea dumneavoastră!",
        },
    [CX_RT_OPTED_OUT] =
        {
            "You will get no more surveys from us. Reply START to get them again.",
            "Du får ikke flere undersøkelser fra oss. Svar START for å få dem igjen.",
            "Artık bizden anket almayacaksınız. Yeniden almak için START yazın.",
            "دیگر نظرسنجی\u200cای از ما دریافت نمی\u200cکنید. برای دریافت دوباره، START را "
            "بفرستید.",
            "Nu veți mai primi sondaje de la noi. Răspundeți START ca să le primiți din nou.",
        },
    [CX_RT_OPTED_IN] =
        {
            "You will get our surveys again. Reply STOP to stop them.",
            "Du får undersøkelsene våre igjen. Svar STOP for å stoppe dem.",
            "Anketlerimizi yeniden alacaksınız. Durdurmak için STOP yazın.",
            "از این پس دوباره نظرسنجی\u200cهای ما را دریافت می\u200cکنید. برای توقف آن\u200cها، "
            "STOP را بفرستید.",
            "Veți primi din nou sondajele noastre. Răspundeți STOP ca să le opriți.",
        },
    [CX_RT_HELP] =
        {
            "Reply with a number to answer, or STOP to get no more surveys.",
            "Svar med et tall, eller send STOP for å slippe flere undersøkelser.",
            "Yanıt vermek için bir sayı yazın; başka anket almak istemiyorsanız STOP yazın.",
            "برای پاسخ دادن یک عدد بفرستید، یا برای دریافت نکردن نظرسنجی\u200cهای بیشتر STOP را "
            "بفرستید.",
            "Răspundeți cu un număr sau cu STOP dacă nu mai doriți sondaje.",
        },
    [CX_RT_LIST_BUTTON] =
        {
            "Choose",
            "Velg",
            "Seçin",
            "انتخاب کنید",
            "Alegeți",
        },
};

/* Bounded output: always NUL-terminated, cut at a code point boundary. */
struct out {
    char *p;
    size_t cap, len; /* cap > 0, len < cap */
    int full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full) return;
    size_t room = o->cap - 1 - o->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        o->full = 1;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

/* A number in ASCII digits, or Persian digits for fa. */
static void put_number(struct out *o, int v, int lang)
{
    char ascii[16];
    snprintf(ascii, sizeof ascii, "%d", v);
    for (const char *c = ascii; *c; c++) {
        if (lang == CX_LANG_FA && *c >= '0' && *c <= '9') {
            const char fa[2] = {(char)0xDB, (char)(0xB0 + (*c - '0'))};
            put(o, fa, 2);
        } else {
            put(o, c, 1);
        }
    }
}

size_t cx_reply_text(enum cx_lang lang, enum cx_reply_text id, int min, int max, char *buf,
                     size_t cap)
{
    if (!buf || cap == 0) return 0;
    buf[0] = '\0';
    if ((int)id < 0 || (int)id >= CX_RT_COUNT) return 0;
    int l = ((int)lang < 0 || (int)lang >= CX_NLANGS) ? CX_LANG_EN : (int)lang;
    struct out o = {buf, cap, 0, 0};
    const char *p = texts[id][l];
    while (*p) {
        const char *brace = strchr(p, '{');
        if (!brace) {
            put(&o, p, strlen(p));
            break;
        }
        put(&o, p, (size_t)(brace - p));
        if (strncmp(brace, "{min}", 5) == 0) {
            put_number(&o, min, l);
            p = brace + 5;
        } else if (strncmp(brace, "{max}", 5) == 0) {
            put_number(&o, max, l);
            p = brace + 5;
        } else {
            put(&o, brace, 1);
            p = brace + 1;
        }
    }
    return o.len;
}
