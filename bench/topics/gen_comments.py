#!/usr/bin/env python3
"""Writes N synthetic multilingual customer comments for the topics benchmark.

usage: gen_comments.py N OUT.tsv

One comment per line: lang <TAB> time <TAB> score <TAB> text. lang is empty
for about 2 % of the lines (the engine guesses it). Languages: en, nb, tr,
fa (with Persian digits, ZWNJ variants and Arabic letter forms), ro (cedilla
and comma spellings), and a little de. Each comment holds zero to two issue
sentences from a few families per language (some rising in the second half
of the time range) and one to three filler sentences drawn from a large,
Zipf-distributed synthetic vocabulary with typos, so that the vocabulary and
the phrase tables grow as they do on real data. Deterministic (fixed seed).
Standard library only.
"""
import bisect
import itertools
import random
import sys

ISSUES = {
    "en": [
        ["I waited {n} minutes on the phone.", "Long wait time on the phone again",
         "The wait time on the phone is too long!", "Way too long wait time on the phone."],
        ["The app crashes after the update", "Since the last update the app keeps crashing",
         "App crashed twice after updating", "After the update, the app crashes on startup"],
        ["I was charged twice for the same order", "Double charge on my credit card",
         "You charged my card twice this month"],
        ["The delivery was {n} days late", "My package arrived late again",
         "Late delivery, nobody told me why"],
        ["I cannot log in to my account", "Login fails with an error every time",
         "Password reset link does not work"],
        ["The staff at the store were rude", "Rude staff at the checkout"],
    ],
    "nb": [
        ["Lang ventetid på telefon.", "Jeg ventet i {n} minutter på telefonen, altfor lang ventetid",
         "Ventetiden på telefonen var altfor lang"],
        ["Appen krasjer etter oppdateringen", "Etter siste oppdatering krasjer appen hele tiden",
         "Appen krasjet to ganger etter oppdateringen"],
        ["Jeg ble belastet to ganger", "Dobbel belastning på kortet mitt"],
        ["Pakken kom {n} dager for sent", "Levering for sent igjen"],
    ],
    "tr": [
        ["Telefonda çok uzun bekledim", "Müşteri hizmetlerine ulaşmak için telefonda {n} dakika bekledim",
         "Telefonda bekleme süresi çok uzun, {n} dakika bekledim"],
        ["Güncellemeden sonra uygulama çöküyor", "Uygulama son güncellemeden beri sürekli çöküyor",
         "Son güncellemeden sonra uygulama sürekli çöktü"],
        ["Kartımdan iki kez ücret alındı", "Aynı sipariş için iki kez ödeme alındı"],
        ["Kargo {n} gün gecikti", "Sipariş çok geç geldi"],
    ],
    "fa": [
        ["مدت زیادی پشت خط منتظر ماندم", "{n} دقیقه پشت خط منتظر بودم",
         "زمان انتظار پشت خط خيلي طولاني است"],
        ["برنامه بعد از به‌روزرسانی از کار می‌افتد", "بعد از بهروزرسانی، برنامه مدام از کار میافتد",
         "از وقتی برنامه را بروز كردم از كار مي افتد"],
        ["دو بار از کارتم پول کم شد", "مبلغ سفارش دو بار از حسابم کسر شد"],
        ["سفارشم {n} روز دیر رسید", "ارسال خیلی دیر انجام شد"],
    ],
    "ro": [
        ["Am așteptat foarte mult la telefon", "Am aşteptat {n} de minute la telefon",
         "Timpul de așteptare la telefon este prea lung"],
        ["Aplicația se blochează după actualizare", "După ultima actualizare aplicaţia se blochează mereu",
         "Aplicația se blochează de fiecare dată după actualizare"],
        ["Am fost taxat de două ori", "Plata a fost luată de două ori de pe card"],
    ],
    "de": [
        ["Die App stürzt nach dem Update ab", "Nach dem letzten Update stürzt die App ständig ab"],
        ["Lange Wartezeit am Telefon", "Ich habe {n} Minuten am Telefon gewartet"],
    ],
}
LANGS = [("en", 40), ("nb", 15), ("tr", 15), ("fa", 14), ("ro", 12), ("de", 4)]
GLUE = {
    "en": ["the", "and", "my", "with", "is", "was", "for", "a", "to", "of", "very", "but"],
    "nb": ["og", "med", "er", "min", "den", "på", "var", "en", "til", "veldig"],
    "tr": ["ve", "ile", "bu", "çok", "de", "bir", "için", "ama"],
    "fa": ["و", "با", "این", "است", "هم", "از", "به", "در", "خیلی", "که"],
    "ro": ["și", "cu", "este", "la", "pe", "de", "un", "foarte", "dar"],
    "de": ["und", "die", "der", "mit", "ist", "ein", "sehr", "aber"],
}
LETTERS = {
    "en": "etaoinshrdlucmfwypvbgk",
    "nb": "etnrsilakodgmvfuphbjøåæ",
    "tr": "aeinrlıkdmyuştsbozügçhvpğö",
    "fa": "اینرمدوهبلتسکزشیگقپجفخعحچصط",
    "ro": "eiarntulcosdpmăîșțbfvgzâh",
    "de": "enisratdhulcgmobwfkzvpüäöß",
}
ISSUE_WEIGHTS = [30, 25, 12, 10, 8, 6]
VOCAB = 30000


def make_vocab(rng, lang):
    letters = LETTERS[lang]
    words = set()
    while len(words) < VOCAB:
        n = rng.randint(3, 9)
        words.add("".join(rng.choice(letters) for _ in range(n)))
    words = sorted(words)
    rng.shuffle(words)
    cum = list(itertools.accumulate(1.0 / (i + 1) ** 1.05 for i in range(len(words))))
    return words, cum


def persian_digits(s):
    return s.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    rng = random.Random(20240601)
    vocab = {lang: make_vocab(rng, lang) for lang, _ in LANGS}
    langs = [l for l, _ in LANGS]
    lang_cum = list(itertools.accumulate(w for _, w in LANGS))
    span = 10_000_000
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for i in range(n):
            lang = langs[bisect.bisect_right(lang_cum, rng.random() * lang_cum[-1])]
            t = rng.randrange(span)
            second_half = t >= span // 2
            fams = ISSUES[lang]
            weights = ISSUE_WEIGHTS[: len(fams)]
            parts = []
            r = rng.random()
            nissue = 0 if r < 0.35 else 1 if r < 0.85 else 2
            for _ in range(nissue):
                f = rng.choices(range(len(fams)), weights)[0]
                # the crash family rises in the second half
                if f == 1 and not second_half and rng.random() < 0.5:
                    f = 0
                s = rng.choice(fams[f]).replace("{n}", str(rng.randint(2, 90)))
                parts.append(s)
            words, cum = vocab[lang]
            glue = GLUE[lang]
            for _ in range(rng.randint(1, 2)):
                k = rng.randint(3, 10)
                ws = []
                for j in range(k):
                    if j and rng.random() < 0.5:
                        ws.append(rng.choice(glue))
                    w = words[bisect.bisect_right(cum, rng.random() * cum[-1])]
                    if rng.random() < 0.02:  # typo
                        p = rng.randrange(len(w))
                        w = w[:p] + rng.choice(LETTERS[lang]) + w[p + 1:]
                    ws.append(w)
                sent = " ".join(ws)
                parts.append(sent[0].upper() + sent[1:] + rng.choice([".", "!", "", "..."]))
            rng.shuffle(parts)
            text = " ".join(parts)
            if lang == "fa":
                text = persian_digits(text)
            score = "" if rng.random() < 0.2 else "%.2f" % rng.random()
            tag = "" if rng.random() < 0.02 else lang
            out.write(f"{tag}\t{t}\t{score}\t{text}\n")


if __name__ == "__main__":
    main()
