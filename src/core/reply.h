/* reply.h - reading survey replies typed in chat channels (WhatsApp, SMS,
 * chatbot) and the short texts of that conversation. Pure: libc only, no
 * allocation, no locale; every function is thread-safe.
 *
 * The channel asks the score question, reads the reply with
 * cx_reply_keyword() first (opt-out wins over everything) and then
 * cx_reply_score(). A reply that is not clearly one score is re-asked once
 * (CX_RT_REASK), then given up (CX_RT_GIVEUP): a wrong score is worse than
 * a re-ask, so every doubtful case below is refused. */
#ifndef CX_REPLY_H
#define CX_REPLY_H

#include <stddef.h>

#include "core/scale.h"
#include "core/survey.h" /* enum cx_lang: CX_LANG_EN, NB, TR, FA, RO; CX_NLANGS */

/* Opt keywords. The WHOLE message, trimmed of whitespace at both ends and of
 * trailing punctuation (ASCII punctuation, "…", and the Arabic/Persian
 * "؟ ، ۔"; Unicode spaces, zero-width and direction marks count as
 * whitespace), compared ASCII case-insensitively:
 *   STOP, STOPALL, END, CANCEL, UNSUBSCRIBE, QUIT -> CX_KW_STOP
 *   START, UNSTOP                                -> CX_KW_START
 *   HELP, INFO                                   -> CX_KW_HELP
 *   anything else (also "stop it now", "¡STOP", NULL) -> CX_KW_NONE.
 * Leading punctuation is not trimmed. */
enum cx_reply_kw { CX_KW_NONE = 0, CX_KW_STOP, CX_KW_START, CX_KW_HELP };
enum cx_reply_kw cx_reply_keyword(const char *text, size_t len);

/* Parses a typed answer text[0..len) to a score question of `kind` on scale
 * sc. Returns 0 with *score set when the reply clearly names one score
 * inside the scale; -1 when it is unclear, *score then untouched. The pair
 * (kind, sc) must be one of the allowed scales (cx_scale_index() >= 0),
 * text valid UTF-8 without NUL; anything else is -1.
 *
 * What counts as a score ("candidates"):
 *  - a number in digits: ASCII, Persian (۰-۹), Arabic-Indic (٠-٩) or
 *    fullwidth (０-９), keycap digits "9️⃣" and "🔟"; at most two digits
 *    ("09" is 9, "010" is refused);
 *  - a number word 0..10, matched case-insensitively with Turkish İ/ı
 *    folded to i, Romanian ş/ţ (cedilla) equal to ș/ț (comma), Arabic
 *    ي ى ك equal to Persian ی ی ک, Arabic vowel marks, tatweel and ZWNJ
 *    ignored:
 *      en zero one two three four five six seven eight nine ten
 *      nb null en ett én to tre fire fem seks sju syv åtte ni ti
 *      tr sıfır bir iki üç dört beş altı yedi sekiz dokuz on
 *         (plus the keyboard-less spellings uc dort bes)
 *      fa صفر یک دو سه چهار پنج شش هفت هشت نه ده
 *      ro zero unu una doi două trei patru cinci șase șapte opt nouă zece
 *         (plus doua sase sapte noua).
 *    Words that are also everyday words (one en ett to fire ni bir on una
 *    opt یک نه - "one" is an article or pronoun, نه is "no") count as
 *    numbers only in a reply made of number words alone ("to", "نه!",
 *    "fire fem") or inside a fraction ("ni av ti"); elsewhere they are
 *    ordinary words ("نه ممنون" is no score);
 *  - CSAT only: emoji faces on five levels, 😡 😠 (1) 😞 ☹️ 🙁 (2) 😐 (3)
 *    🙂 😊 (4) 😀 😃 😄 😁 😍 🤩 (5). On 1-5 the level is the score; on other
 *    scales level L goes to min + (L-1)(max-min)/4 rounded to the nearest
 *    score, exact halves away from the middle so that a face keeps its
 *    low/middle/high third: 1-3 -> 1 1 2 3 3, 1-7 -> 1 2 4 6 7,
 *    1-10 -> 1 3 - 8 10 (😐 alone on 1-10 lies between 5 and 6: refused).
 *    Next to a number, faces do not name the score but must agree with it:
 *    the face's third (levels 1-2 low, 3 middle, 4-5 high) must be the
 *    number's third (cx_survey_category), else refused ("5 😊" is 5,
 *    "10 😡" on 1-10 refused);
 *  - CSAT only: one run of stars ⭐ ★ (filled) and ☆ (empty), filled
 *    first, spaces allowed between: the score is the number of filled
 *    stars; with empty stars the run's length must equal sc.max
 *    ("★★★★☆" is 4 on 1-5, refused on 1-7). One filled star right after a
 *    number is the unit "stars" ("4⭐" is 4). On NPS and CES faces and
 *    stars are decoration like any other emoji.
 *
 * Fractions: "9/10", "9 / 10", "9 of 10", "9 out of 10", "9 av 10",
 * "9 ut av 10", "9 din 10", "۹ از ۱۰", "10 üzerinden 9" (Turkish: the
 * denominator first), with digits or number words. The denominator must be
 * sc.max, else the reply is refused ("9/5" on 0-10). Refused as ambiguous:
 * a fraction chain or a date ("9/10/2024"), a slash or a fraction word next
 * to a number outside a fraction ("/10", "out of 10"), and a Persian or
 * Arabic-Indic "۴/۵" without spaces whose denominator is one digit (in
 * Persian writing that is the decimal 4.5).
 *
 * Accepted: one or more candidates that all name the same score inside the
 * scale ("9", " 9 ", "9!", "9.", "score: 9", "9 9", "nine 9", "DOKUZ",
 * "۹", "٩", "９/１０"), with any whitespace, punctuation and other emoji
 * around them ("9 👍"), and at most 3 other words ("9/10 great service",
 * "I give it 9").
 *
 * Refused (-1):
 *  - no candidate (empty, only words, only emoji on NPS/CES);
 *  - candidates naming different scores ("7 or 8", "9 10", "nine ten",
 *    "😀😊", "5 ⭐⭐⭐⭐");
 *  - a score outside the scale ("11" on 0-10, "0" on 1-5, "⭐⭐⭐⭐" on 1-3);
 *  - a sign or dash right before digits: negatives and ranges ("-5", "+9",
 *    "7-8", "7–8"); "8 - 8" with spaces is the same number twice;
 *  - decimals and grouped numbers ("8.5", "8,5", ".5", "۸٫۵", "1,000");
 *  - a number glued to letters, also through an apostrophe ("9am", "10x",
 *    "x10", "9'da", "9th");
 *  - a unit: a currency, percent or degree sign on either side ("90%",
 *    "$10", "10 €", "9°"), a unit word right after the number ("10
 *    minutes", "9 am", "10 dakika", "۱۰ دقیقه", "10 zile", "9 ganger") or
 *    a clock word right before it ("saat 9", "kl 9", "ساعت ۹", "ora 9");
 *  - more than 3 other words (words that are not candidates or fraction
 *    words: "I waited 10 minutes and it was bad");
 *  - more than 32 numbers, words, faces, slashes and star runs in all, or
 *    more than one star run (CSAT).
 * "Letters" are ASCII letters and every code point outside the space,
 * punctuation, symbol and emoji blocks; marks join the letter before. */
int cx_reply_score(const char *text, size_t len, enum cx_kind kind, struct cx_scale sc, int *score);

/* Conversation texts, one per language. Only HINT and REASK hold {min} and
 * {max}; the literal keywords STOP and START stay in Latin letters in every
 * language because the gateway understands only those. */
enum cx_reply_text {
    CX_RT_HINT,        /* "Reply with a number from {min} to {max}." */
    CX_RT_REASK,       /* "Sorry, I did not understand. Please reply with just a number from
                          {min} to {max}." */
    CX_RT_GIVEUP,      /* "Sorry, I could not read a score. Thank you for your time." */
    CX_RT_THANKS,      /* "Thank you for your feedback!" */
    CX_RT_OPTED_OUT,   /* "You will get no more surveys from us. Reply START to get them again." */
    CX_RT_OPTED_IN,    /* "You will get our surveys again. Reply STOP to stop them." */
    CX_RT_HELP,        /* "Reply with a number to answer, or STOP to get no more surveys." */
    CX_RT_LIST_BUTTON, /* label of the button that opens a WhatsApp list, at most 20 code
                          points: "Choose" */
    CX_RT_COUNT
};

/* Writes text id in lang into buf with {min} and {max} replaced by the
 * numbers (ASCII digits; Persian digits in CX_LANG_FA). The result is
 * always NUL-terminated when cap > 0 and cut at a code point boundary if it
 * does not fit. Returns the number of bytes written, excluding the NUL (0
 * when buf is NULL or cap is 0). An unknown lang writes the English text; an
 * unknown id writes "". */
size_t cx_reply_text(enum cx_lang lang, enum cx_reply_text id, int min, int max, char *buf,
                     size_t cap);

#endif
