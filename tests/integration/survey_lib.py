"""survey_lib.py - helpers shared by the survey integration tests
(survey_pages.py, survey_api.py). Python 3 standard library only.

Parses the hosted survey pages (/s/TOKEN), re-implements the invitation
token format of src/engine/token.h (to mint tokens with an expiry in the
past), reads the store with the sqlite3 module (read-only), and computes the
Wilson interval of SPEC section 3.
"""

import base64
import calendar
import csv
import hashlib
import hmac
import io
import math
import os
import sqlite3
import struct
import time
from html.parser import HTMLParser

FORM = "application/x-www-form-urlencoded"

# Texts the pages must show, per language (SPEC: en, nb, tr, fa, ro).
LANGS = ("en", "nb", "tr", "fa", "ro")
UI = {
    "invalid": {"en": "This survey link is not valid.",
                "nb": "Lenken til denne undersøkelsen er ikke gyldig.",
                "tr": "Bu anket bağlantısı geçerli değil.",
                "fa": "این پیوند نظرسنجی معتبر نیست.",
                "ro": "Linkul către acest sondaj nu este valid."},
    "expired": {"en": "This survey link has expired.",
                "nb": "Lenken til denne undersøkelsen er utløpt.",
                "tr": "Bu anket bağlantısının süresi dolmuş.",
                "fa": "مهلت این پیوند نظرسنجی به پایان رسیده است.",
                "ro": "Linkul către acest sondaj a expirat."},
    "used": {"en": "This survey link has already been used.",
             "nb": "Lenken til denne undersøkelsen er allerede brukt.",
             "tr": "Bu anket bağlantısı daha önce kullanılmış.",
             "fa": "از این پیوند نظرسنجی قبلاً استفاده شده است.",
             "ro": "Linkul către acest sondaj a fost deja folosit."},
    "thanks": {"en": "Thank you!", "nb": "Tusen takk!", "tr": "Teşekkür ederiz!",
               "fa": "سپاسگزاریم!", "ro": "Vă mulțumim!"},
    "confirm": {"en": "Confirm your answer", "nb": "Bekreft svaret ditt",
                "tr": "Yanıtınızı onaylayın", "fa": "پاسخ خود را تأیید کنید",
                "ro": "Confirmați răspunsul"},
    "choose": {"en": "Please choose an answer first.", "nb": "Velg et svar først.",
               "tr": "Lütfen önce bir yanıt seçin.", "fa": "لطفاً ابتدا یک پاسخ انتخاب کنید.",
               "ro": "Vă rugăm să alegeți mai întâi un răspuns."},
    "saved": {"en": "Your answer has been saved.", "nb": "Svaret ditt er lagret.",
              "tr": "Yanıtınız kaydedildi.", "fa": "پاسخ شما ذخیره شد.",
              "ro": "Răspunsul dumneavoastră a fost salvat."},
    "q_nps": {"en": "How likely are you to recommend {company} to a friend or colleague?",
              "nb": "Hvor sannsynlig er det at du vil anbefale {company} til en venn eller "
                    "kollega?",
              "tr": "{company} şirketini bir arkadaşınıza veya meslektaşınıza tavsiye etme "
                    "olasılığınız nedir?",
              "fa": "چقدر احتمال دارد {company} را به دوستان یا همکاران خود پیشنهاد کنید؟",
              "ro": "Cât de probabil este să recomandați {company} unui prieten sau coleg?"},
    "q_csat": {"en": "How satisfied are you with {company}?",
               "nb": "Hvor fornøyd er du med {company}?",
               "tr": "{company} ile ilgili deneyiminizden ne kadar memnunsunuz?",
               "fa": "چقدر از {company} راضی هستید؟",
               "ro": "Cât de mulțumit(ă) sunteți de {company}?"},
    "q_ces_labels": {"en": "How easy or difficult was it to get your issue resolved?"},
    "q_ces_agree": {"ro": "În ce măsură sunteți de acord cu afirmația: „{company} mi-a ușurat "
                          "rezolvarea problemei.”",
                    "en": "How much do you agree with this statement: “{company} made it easy "
                          "for me to handle my issue.”"},
    "f_high": {"en": "Thank you! What did you like most?", "nb": "Takk! Hva likte du best?",
               "fa": "سپاسگزاریم! چه چیزی را بیش از همه پسندیدید؟",
               "ro": "Vă mulțumim! Ce v-a plăcut cel mai mult?"},
    "f_low": {"en": "We're sorry to hear that. What should we do better?",
              "nb": "Det var leit å høre. Hva kan vi gjøre bedre?",
              "ro": "Ne pare rău să auzim asta. Ce putem face mai bine?"},
    "f_middle": {"en": "What would have made your experience better?"},
}


def ui(key, lang, company=None):
    s = UI[key][lang]
    return s.replace("{company}", company) if company is not None else s


class Page(HTMLParser):
    """The parts of a survey page the tests look at."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.html_attrs = None
        self.title = ""
        self.h1 = []
        self.inputs = []       # attrs dicts of every <input>
        self.labels = {}       # for= -> {"aria": ..., "text": ...}
        self.roles = {}        # role -> [text, ...]
        self.forms = []        # attrs dicts of every <form>
        self.textareas = []
        self.buttons = []
        self.tags = {}         # tag -> count
        self.legends = 0
        self._cap = []         # [kind, tag, key, [text]]
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html" and self.html_attrs is None:
            self.html_attrs = a
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "form":
            self.forms.append(a)
        elif tag == "textarea":
            self.textareas.append(a)
        elif tag == "button":
            self.buttons.append(a)
        elif tag == "legend":
            self.legends += 1
        if tag == "title":
            self._cap.append(["title", tag, None, []])
        if tag == "h1":
            self._cap.append(["h1", tag, None, []])
        if tag == "label":
            self._cap.append(["label", tag, a, []])
        if a.get("role"):
            self._cap.append(["role", tag, a["role"], []])

    def handle_endtag(self, tag):
        for i in range(len(self._cap) - 1, -1, -1):
            kind, t, key, buf = self._cap[i]
            if t != tag:
                continue
            del self._cap[i]
            text = "".join(buf).strip()
            if kind == "title":
                self.title = text
            elif kind == "h1":
                self.h1.append(text)
            elif kind == "label":
                self.labels[key.get("for")] = {"aria": key.get("aria-label"), "text": text}
            elif kind == "role":
                self.roles.setdefault(key, []).append(text)
            break

    def handle_data(self, data):
        for c in self._cap:
            c[3].append(data)

    # -- views --

    def lang(self):
        return (self.html_attrs or {}).get("lang")

    def dir(self):
        return (self.html_attrs or {}).get("dir")

    def radios(self, name="answer"):
        return [i for i in self.inputs if i.get("type") == "radio" and i.get("name") == name]

    def checked(self, name="answer"):
        return [i.get("value") for i in self.radios(name) if "checked" in i]

    def option_labels(self, name="answer"):
        """value -> visible label text of each radio."""
        out = {}
        for r in self.radios(name):
            lab = self.labels.get(r.get("id"))
            out[r.get("value")] = lab["text"] if lab else None
        return out

    def hidden(self, name):
        for i in self.inputs:
            if i.get("type") == "hidden" and i.get("name") == name:
                return i.get("value")
        return None


# -- invitation tokens (src/engine/token.h) --

def store_path(data):
    return os.path.join(data, "cxpulse.db")


def db_query(data, sql, args=()):
    """Rows of a read-only query on the store (the server may be running)."""
    con = sqlite3.connect("file:%s?mode=ro" % store_path(data), uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def token_secret(data):
    rows = db_query(data, "SELECT value FROM meta WHERE key='token_secret'")
    return bytes.fromhex(rows[0][0])


def mint_token(secret, inv_id, expires, survey, customer, channel):
    """base64url(id BE64 | expires BE64 | first 16 bytes of HMAC-SHA-512-256
    over id|expires|len+survey|len+customer|len+channel). libsodium's
    crypto_auth (HMAC-SHA-512-256) is HMAC-SHA-512 truncated to 32 bytes."""
    claims = struct.pack(">QQ", inv_id & 0xFFFFFFFFFFFFFFFF, expires & 0xFFFFFFFFFFFFFFFF)
    msg = claims
    for part in (survey, customer, channel):
        b = part.encode("utf-8")
        msg += struct.pack(">Q", len(b)) + b
    mac = hmac.new(secret, msg, hashlib.sha512).digest()[:32][:16]
    return b64url(claims + mac)


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(tok):
    return base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4))


def token_claims(tok):
    raw = unb64url(tok)
    return struct.unpack(">QQ", raw[:16])


def invitation(data, inv_id):
    rows = db_query(data, "SELECT survey, customer, channel, lang, created, expires, delivered,"
                          " opened, answered, completed, answers FROM invitations WHERE id=?",
                    (inv_id,))
    if not rows:
        return None
    keys = ("survey", "customer", "channel", "lang", "created", "expires", "delivered",
            "opened", "answered", "completed", "answers")
    return dict(zip(keys, rows[0]))


# -- `cxpulse send` output --

def parse_send(out):
    """customer,invitation,expires,url CSV -> list of dicts (with token)."""
    rows = list(csv.DictReader(io.StringIO(out)))
    for r in rows:
        r["token"] = r["url"].rsplit("/s/", 1)[-1]
        r["invitation"] = int(r["invitation"])
    return rows


def rfc3339_to_unix(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


# -- statistics --

def wilson(k, n, z=1.96):
    """Wilson score interval in percent."""
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, 100 * (c - h)), min(100.0, 100 * (c + h))


def close2(printed, exact):
    """printed (a 2-decimal string) is exact rounded to 2 decimals."""
    try:
        return abs(float(printed) - exact) <= 0.005 + 1e-9
    except (TypeError, ValueError):
        return False
