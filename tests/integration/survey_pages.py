"""survey_pages.py - surveys by CLI, invitations by `cxpulse send`, and every
state of the hosted survey pages /s/TOKEN (run by test_survey_pages.sh as:
python3 survey_pages.py BIN).

Checked on every page: the status (never a 5xx), <html lang dir>, the
heading in the customer's language, no <script> (no JavaScript; the company
name, which holds markup, is escaped), Cache-Control: no-store, and that the
HTML holds no other invitation's token.
"""

import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Fatal, Test  # noqa: E402
from survey_lib import (FORM, LANGS, Page, b64url, close2, invitation, mint_token,  # noqa: E402
                        parse_send, rfc3339_to_unix, token_claims, token_secret, ui, unb64url,
                        wilson)

COMPANY = '<script>alert(1)</script><b>Søn</b> & "Co"'
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

SURVEYS = {
    "ces-agree.json": {
        "id": "ces-agree", "name": "Support effort", "kind": "ces", "scale": "1-7",
        "style": "agree", "channels": ["link"],
        "reason": {"question": {"en": "What is the main reason?",
                                "ro": "Care este motivul principal?"},
                   "options": [{"en": "Price", "ro": "Preț"}, {"en": "Speed", "ro": "Viteză"},
                               {"en": "Staff", "ro": "Personal"}]}},
    "csat-emoji.json": {"id": "csat-emoji", "name": "Faces", "kind": "csat", "scale": "1-5",
                        "style": "emoji", "followup": False},
    "ces-labels.json": {"id": "ces-labels", "name": "Effort, labels reversed", "kind": "ces",
                        "style": "labels", "inverted": True},
    "reason-only.json": {"id": "reason-only", "name": "Reason, no open follow-up",
                         "kind": "csat", "followup": False,
                         "reason": {"question": {"en": "What was it mostly about?",
                                                 "tr": "En çok ne hakkındaydı?"},
                                    "options": [{"en": "Delivery", "tr": "Teslimat"},
                                                {"en": "Price", "tr": "Fiyat"}]}},
    "choice.json": {"id": "choice", "name": "Preferred channel", "kind": "custom",
                    "custom": {"question": {"en": "How would you like us to contact you?",
                                            "fa": "ترجیح می‌دهید چگونه با شما تماس بگیریم؟"},
                               "options": [{"en": "Phone", "fa": "تلفن"},
                                           {"en": "Chat", "fa": "گفتگو"},
                                           {"en": "Email", "fa": "ایمیل"}]}},
}

NPS_CUSTOMERS = [
    # customer, lang, touchpoint, ref, agent, plan
    ("q-en", "en", "", "", "", ""),
    ("q-nb", "nb", "", "", "", ""),
    ("q-tr", "tr", "", "", "", ""),
    ("q-fa", "fa", "", "", "", ""),
    ("q-ro", "ro", "", "", "", ""),
    ("q-none", "", "", "", "", ""),
    ("scan", "en", "purchase", "O-1", "", ""),
    ("garbage", "tr", "", "", "", ""),
    ("flow-nb", "nb", "support", "T-100", "alice", "gold"),
    ("flow-fa", "fa", "checkout", "O-5", "رضا", "vip"),
    ("skip-en", "en", "", "", "", ""),
    ("exp", "tr", "", "", "", ""),
    ('Ola, "N"', "nb", "", "", "", ""),
]


def csv_cell(v):
    return '"%s"' % v.replace('"', '""') if any(c in v for c in ',"\n') else v


def main(t):
    rnd = random.Random(20260301)
    t.section("setup: surveys by CLI")
    d, _admin = t.new_data("d")
    out = t.cli_ok("survey", "create", "--kind", "nps", "--id", "nps-main", "--data", d)
    t.check("nps-main" in out, "survey create prints the id: %r" % out)
    t.cli_ok("survey", "create", "--kind", "nps", "--id", "nps-old", "--data", d)
    for name, body in SURVEYS.items():
        p = os.path.join(t.tmp, name)
        with open(p, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False)
        out = t.cli_ok("survey", "create", p, "--data", d)
        t.check(body["id"] in out, "survey create %s: %r" % (name, out))
    rc, out, err = t.cli("survey", "create", "--kind", "nps", "--id", "nps-main", "--data", d)
    t.check(rc != 0 and "exists" in err, "a duplicate survey id is refused: rc %r %r" % (rc, err))
    for bad, field in (({"id": "bad", "name": "b", "kind": "nps", "scale": "1-5"}, "scale"),
                       ({"id": "bad", "name": "b", "kind": "nps", "colour": "red"}, "colour"),
                       ({"id": "Bad Id", "name": "b", "kind": "nps"}, "id"),
                       ({"id": "bad", "name": "b", "kind": "csat", "style": "agree"}, "style")):
        p = os.path.join(t.tmp, "bad.json")
        with open(p, "w") as f:
            json.dump(bad, f)
        rc, out, err = t.cli("survey", "create", p, "--data", d)
        t.check(rc != 0 and field in err, "survey create %s: refused naming %r; rc %r, %r"
                % (json.dumps(bad), field, rc, err))
    rc, out, err = t.cli("survey", "create", "--kind", "custom", "--id", "x", "--data", d)
    t.check(rc != 0, "survey create --kind custom without a definition is refused")
    out = t.cli_ok("survey", "list", "--data", d)
    lines = out.strip().splitlines()
    t.check_eq(8, len(lines), "survey list: a header and 7 surveys:\n" + out)
    for sid in ("nps-main", "nps-old", "ces-agree", "csat-emoji", "ces-labels", "reason-only",
                "choice"):
        t.check(any(l.split()[0] == sid and "active" in l.split() for l in lines[1:]),
                "survey list shows %s active:\n%s" % (sid, out))
    shown = json.loads(t.cli_ok("survey", "show", "ces-agree", "--data", d))
    t.check(shown.get("kind") == "ces" and shown.get("scale") == "1-7" and
            shown.get("style") == "agree" and len(shown.get("reason", {}).get("options", [])) == 3,
            "survey show ces-agree gives the definition back: %r" % shown)
    shown = json.loads(t.cli_ok("survey", "show", "nps-main", "--data", d))
    t.check(shown.get("kind") == "nps" and shown.get("scale") == "0-10" and
            shown.get("followup") is True, "survey show nps-main: defaults %r" % shown)
    rc, _, err = t.cli("survey", "show", "nope", "--data", d)
    t.check(rc != 0 and "nope" in err, "survey show of an unknown id fails: %r" % err)

    t.section("server (--company with markup)")
    try:
        srv = t.start_server(d, "--company", COMPANY)
    except Fatal as e:
        t.check(False, "`cxpulse serve --company NAME` (documented in serve --help) is refused: "
                "%s" % str(e)[:300])
        t.env["CXPULSE_COMPANY"] = COMPANY
        try:
            srv = t.start_server(d)
        finally:
            del t.env["CXPULSE_COMPANY"]
    base = "http://127.0.0.1:%d" % srv.port

    t.section("invitations by send")
    tokens = {}     # customer -> send row
    all_tokens = set()

    def send(survey, rows_text, *extra, name="customers.csv", expect=None):
        p = os.path.join(t.tmp, name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(rows_text)
        t0 = int(time.time())
        rc, out, err = t.cli("send", "--survey", survey, "--channel", "link", "--customers", p,
                             "--base-url", base, "--data", d, *extra)
        t1 = int(time.time())
        if rc != 0:
            raise Fatal("send --survey %s failed (%d): %s" % (survey, rc, err))
        rows = parse_send(out)
        if expect is not None:
            t.check_eq(expect, len(rows), "send %s: rows printed" % survey)
            t.check("invitations created %d, rejected 0" % expect in err,
                    "send %s: summary on stderr: %r" % (survey, err))
        days = 28
        if "--expires-days" in extra:
            days = int(extra[extra.index("--expires-days") + 1])
        for r in rows:
            t.check(r["url"].startswith(base + "/s/"), "send: url starts with --base-url: %r"
                    % r["url"])
            tok = r["token"]
            t.check(len(tok) == 43 and all(c in ALPHABET for c in tok),
                    "send: a token is 43 base64url characters: %r" % tok)
            ex = rfc3339_to_unix(r["expires"])
            t.check(t0 + days * 86400 - 2 <= ex <= t1 + days * 86400 + 2,
                    "send: expires %s is %d days ahead" % (r["expires"], days))
            t.check_eq(ex, token_claims(tok)[1], "the token carries the expiry")
            t.check_eq(r["invitation"], token_claims(tok)[0], "the token carries the id")
            r["survey"] = survey
            r["expires_unix"] = ex
            tokens[r["customer"]] = r
            all_tokens.add(tok)
        return rows

    text = "customer,lang,touchpoint,ref,agent,plan\n" + "".join(
        ",".join(csv_cell(v) for v in row) + "\n" for row in NPS_CUSTOMERS)
    rows = send("nps-main", text, expect=len(NPS_CUSTOMERS))
    t.check_eq([r[0] for r in NPS_CUSTOMERS], [r["customer"] for r in rows],
               "send prints one row per customer in file order (quoted as CSV)")
    t.check_eq(len(rows), len({r["invitation"] for r in rows}), "invitation ids are unique")
    send("nps-main", "customer\nlang-default\n", "--lang", "tr", name="c2.csv", expect=1)
    send("nps-main", "customer,lang\nexp1,tr\n", "--expires-days", "1", name="c3.csv", expect=1)
    send("ces-agree", '{"customer":"ces-1","lang":"ro","touchpoint":"billing","ref":"O-77",'
         '"agent":"bob"}\n{"customer":"ces-2","lang":"ro"}\n', name="c4.ndjson", expect=2)
    send("csat-emoji", "customer,lang\ncsat-1,en\ncsat-2,en\n", name="c5.csv", expect=2)
    send("ces-labels", "customer,lang\nlab-1,en\nlab-2,en\n", name="c6.csv", expect=2)
    send("nps-old", "customer,lang\nold-1,nb\n", name="c7.csv", expect=1)
    send("reason-only", "customer,lang,touchpoint\nro-1,tr,delivery\n", name="c8.csv", expect=1)
    send("choice", "customer,lang,touchpoint\nch-1,fa,support\n", name="c9.csv", expect=1)
    invited = {"nps-main": len(NPS_CUSTOMERS) + 2, "ces-agree": 2, "csat-emoji": 2,
               "ces-labels": 2, "nps-old": 1, "reason-only": 1, "choice": 1}
    answered = {k: 0 for k in invited}
    rc, _, err = t.cli("send", "--survey", "nope", "--customers", os.path.join(t.tmp, "c5.csv"),
                       "--data", d)
    t.check(rc != 0 and "nope" in err, "send to an unknown survey fails: %r" % err)
    rc, _, err = t.cli("send", "--survey", "nps-main", "--channel", "pigeon", "--customers",
                       os.path.join(t.tmp, "c5.csv"), "--data", d)
    t.check(rc == 2 and "--channel" in err, "an unknown channel is refused: %r" % err)
    rc, _, err = t.cli("send", "--survey", "nps-main", "--expires-days", "0", "--customers",
                       os.path.join(t.tmp, "c5.csv"), "--data", d)
    t.check(rc != 0, "send --expires-days 0 is refused")

    def tok(c):
        return tokens[c]["token"]

    def inv_id(c):
        return tokens[c]["invitation"]

    # -- requests --

    def page(method, path, body=None, al=None, ctype=FORM, what=None):
        what = what or "%s %s" % (method, path[:80])
        h = {"Accept-Language": al} if al else {}
        st, hd, b = srv.request(method, path, body=body, ctype=ctype if body is not None else None,
                                headers=h)
        t.check(st < 500, "%s: never a 5xx, got %d: %r" % (what, st, b[:300]))
        txt = b.decode("utf-8", "replace")
        own = path[3:].split("?")[0]
        for other in all_tokens:
            if other != own and other in txt:
                t.check(False, "%s: the page holds another invitation's token %s" % (what, other))
        if method != "HEAD":
            t.check("<script" not in txt.lower(), "%s: the page holds a <script> (JavaScript or "
                    "an unescaped company name)" % what)
        ct = hd.get("content-type", "")
        if method in ("GET", "HEAD", "POST"):
            t.check(ct.startswith("text/html"), "%s: Content-Type html, got %r" % (what, ct))
            t.check(hd.get("cache-control") == "no-store", "%s: Cache-Control no-store" % what)
        pg = Page(txt) if method != "HEAD" and ct.startswith("text/html") else None
        return st, pg, txt

    def check_page(what, st, pg, status, lang, heading, extra_ok=True):
        t.check_eq(status, st, "%s: status" % what)
        if pg is None:
            t.check(False, "%s: no HTML page" % what)
            return
        t.check_eq(lang, pg.lang(), "%s: <html lang>" % what)
        t.check_eq("rtl" if lang == "fa" else "ltr", pg.dir(), "%s: <html dir>" % what)
        t.check(heading in pg.h1, "%s: heading %r expected, page headings %r"
                % (what, heading, pg.h1))
        t.check(pg.title != "", "%s: has a <title>" % what)

    def s(c, query=""):
        return "/s/" + tok(c) + query

    def responses():
        return t.export_rows(d, "responses")

    def of_invitation(rows, c):
        return [r for r in rows.values() if r.get("invitation") == str(inv_id(c))]

    def rate_rows():
        out = t.cli_ok("report", "--metric", "response_rate", "--by", "survey", "--format",
                       "csv", "--data", d)
        lines = out.strip().splitlines()
        t.check_eq("survey,metric,n,value,ci_low,ci_high,promoters,passives,detractors",
                   lines[0] if lines else None, "report response_rate csv header")
        return {l.split(",")[0]: l.split(",") for l in lines[1:]}

    def check_rate(what):
        got = rate_rows()
        for sv, n in invited.items():
            row = got.get(sv)
            if not t.check(row is not None, "%s: report has a row for %s: %r" % (what, sv, got)):
                continue
            k = answered[sv]
            t.check_eq(str(n), row[2], "%s: %s invitations delivered (n)" % (what, sv))
            lo, hi = wilson(k, n)
            t.check(close2(row[3], 100.0 * k / n) and close2(row[4], lo) and close2(row[5], hi),
                    "%s: %s response rate %d/%d = %.2f [%.2f, %.2f], got %r"
                    % (what, sv, k, n, 100.0 * k / n, lo, hi, row[3:6]))

    t.section("question page in every language")
    for lang in LANGS:
        c = "q-" + lang
        st, pg, txt = page("GET", s(c))
        q = ui("q_nps", lang, COMPANY)
        check_page("question page " + lang, st, pg, 200, lang, q)
        if pg is None:
            continue
        t.check_eq(q, pg.title, "question page %s: title" % lang)
        t.check_eq([str(i) for i in range(11)], [r.get("value") for r in pg.radios()],
                   "question page %s: radios 0-10 in order" % lang)
        t.check_eq([], pg.checked(), "question page %s: nothing pre-selected" % lang)
        t.check(not pg.roles.get("alert"), "question page %s: no error" % lang)
        t.check(len(pg.forms) == 1 and pg.forms[0].get("method") == "post" and
                pg.forms[0].get("action") == "/s/" + tok(c),
                "question page %s: one POST form to its own URL: %r" % (lang, pg.forms))
        t.check_eq("score", pg.hidden("step"), "question page %s: step=score" % lang)
        t.check(pg.legends >= 1 and pg.tags.get("fieldset", 0) >= 1,
                "question page %s: radios in a fieldset with a legend" % lang)
        t.check(all(pg.labels.get(r.get("id")) and pg.labels[r["id"]]["aria"]
                    for r in pg.radios()),
                "question page %s: every radio has a label with an accessible name" % lang)
        t.check('name="viewport"' in txt, "question page %s: mobile viewport" % lang)
        t.check(any(b.get("type") == "submit" for b in pg.buttons),
                "question page %s: a submit button" % lang)
        t.check("&lt;script&gt;" in txt, "question page %s: the company name is escaped" % lang)
        labels = pg.option_labels()
        if lang == "fa":
            t.check_eq("۹", labels.get("9"), "question page fa: Persian digits")
        else:
            t.check_eq("9", labels.get("9"), "question page %s: digits" % lang)

    for al, want in (("ro-RO,ro;q=0.9,en;q=0.8", "ro"), ("fa-IR", "fa"),
                     ("de-DE, tr;q=0.7", "tr"), ("tr;q=0, nb;q=0.5", "nb"), (None, "en"),
                     ("xx-YY", "en")):
        st, pg, _ = page("GET", s("q-none"), al=al)
        check_page("no invitation language, Accept-Language %r" % al, st, pg, 200, want,
                   ui("q_nps", want, COMPANY))
    st, pg, _ = page("GET", s("q-nb"), al="tr")
    check_page("invitation language nb beats Accept-Language tr", st, pg, 200, "nb",
               ui("q_nps", "nb", COMPANY))
    st, pg, _ = page("GET", s("lang-default"), al="en")
    check_page("send --lang tr is the invitation's language", st, pg, 200, "tr",
               ui("q_nps", "tr", COMPANY))

    t.section("one-click score link: a scanner's GET records nothing")
    for i in range(3):
        st, pg, txt = page("GET", s("scan", "?score=9"), al="de")
        check_page("score link GET #%d" % (i + 1), st, pg, 200, "en", ui("q_nps", "en", COMPANY))
        if pg:
            t.check_eq(["9"], pg.checked(), "score link GET #%d: 9 is pre-selected" % (i + 1))
            t.check(ui("confirm", "en") in txt, "score link: asks to confirm")
            t.check(not pg.roles.get("alert"), "score link: no error")
    for i in range(2):
        st, hd, b = srv.request("HEAD", s("scan", "?score=9"))
        t.check_eq(200, st, "score link HEAD #%d: status" % (i + 1))
        t.check_eq(b"", b, "score link HEAD: no body")
    st, pg, _ = page("GET", s("q-fa", "?score=10"))
    check_page("score link fa", st, pg, 200, "fa", ui("q_nps", "fa", COMPANY))
    if pg:
        t.check_eq(["10"], pg.checked(), "score link fa: 10 is pre-selected")
    st, pg, _ = page("GET", s("scan", "?score=0"))
    if pg:
        t.check_eq(["0"], pg.checked(), "score link ?score=0: 0 is pre-selected")
    for v in ("11", "-1", "abc", "9.5", "", "99999999999", "9abc", "0x9", "%39%39"):
        st, pg, txt = page("GET", s("scan", "?score=" + v))
        check_page("score link ?score=%s" % v, st, pg, 200, "en", ui("q_nps", "en", COMPANY))
        if pg:
            t.check_eq([], pg.checked(), "?score=%s: nothing pre-selected" % v)
            t.check(not pg.roles.get("alert"), "?score=%s: no error shown" % v)
            t.check(ui("confirm", "en") not in txt, "?score=%s: no confirm heading" % v)
    st, pg, _ = page("GET", s("csat-2", "?score=0"))
    if pg:
        t.check_eq([], pg.checked(), "csat 1-5 ?score=0: nothing pre-selected")
    st, pg, _ = page("GET", s("csat-2", "?score=5"))
    if pg:
        t.check_eq(["5"], pg.checked(), "csat 1-5 ?score=5: pre-selected")
    t.check_eq({}, responses(), "GETs and HEADs of score links store no response")
    iv = invitation(d, inv_id("scan"))
    t.check(iv["opened"] > 0 and iv["answered"] == 0 and iv["answers"] == 0 and
            iv["completed"] == 0, "the scanned invitation is opened, not answered: %r" % iv)
    check_rate("after the scans (0 answered)")

    t.section("forged and malformed tokens")
    real = tok("q-en")
    secret = token_secret(d)
    real_exp = tokens["q-en"]["expires_unix"]
    t.check_eq(real, mint_token(secret, inv_id("q-en"), real_exp, "nps-main", "q-en", "link"),
               "the test's re-implementation of the token format matches `send`")
    raw_ces = unb64url(tok("ces-1"))
    raw_en = unb64url(real)

    def flip(s_, i):
        return s_[:i] + ("B" if s_[i] == "A" else "A") + s_[i + 1:]

    forged = [
        ("one character changed in the MAC", flip(real, 30)),
        ("one character changed in the id", flip(real, 8)),
        ("last character changed", flip(real, 42)),
        ("random 43 characters", "".join(rnd.choice(ALPHABET) for _ in range(43))),
        ("one character short", real[:-1]),
        ("one character long", real + "A"),
        ("short", "abc"),
        ("very long", "A" * 300),
        ("not base64url", real[:20] + "!" + real[21:]),
        ("another survey's token with this invitation's id",
         b64url(raw_en[:8] + raw_ces[8:])),
        ("expiry moved a year on", b64url(raw_en[:8] + (real_exp + 365 * 86400).to_bytes(8, "big")
                                          + raw_en[16:])),
        ("minted with another secret",
         mint_token(os.urandom(32), inv_id("q-en"), real_exp, "nps-main", "q-en", "link")),
        ("bound to another customer",
         mint_token(secret, inv_id("q-en"), real_exp, "nps-main", "q-nb", "link")),
        ("bound to another channel",
         mint_token(secret, inv_id("q-en"), real_exp, "nps-main", "q-en", "email")),
        ("no such invitation", mint_token(secret, 987654, real_exp, "nps-main", "q-en", "link")),
        ("negative id", mint_token(secret, -5, real_exp, "nps-main", "q-en", "link")),
    ]
    for what, ft in forged:
        q = urllib.parse.quote(ft, safe="")
        st, pg, _ = page("GET", "/s/" + q, al="tr-TR,tr;q=0.9")
        check_page("forged (%s)" % what, st, pg, 404, "tr", ui("invalid", "tr"))
        if pg:
            t.check_eq([], pg.radios(), "forged (%s): no form" % what)
        st, pg, _ = page("GET", "/s/" + q + "?score=9", al="fa")
        check_page("forged (%s) score link" % what, st, pg, 404, "fa", ui("invalid", "fa"))
        st, pg, _ = page("POST", "/s/" + q, body="step=score&answer=9", al="ro")
        check_page("forged (%s) POST" % what, st, pg, 404, "ro", ui("invalid", "ro"))
    st, pg, _ = page("GET", "/s/" + flip(real, 30))
    check_page("forged, no Accept-Language", st, pg, 404, "en", ui("invalid", "en"))
    t.check_eq({}, responses(), "forged tokens store nothing")

    t.section("expired tokens")
    now = int(time.time())
    for c in ("exp", "exp1"):
        r = tokens[c]
        if c == "exp1":
            t.check(now + 86400 - 5 <= r["expires_unix"] <= now + 86400 + 5,
                    "send --expires-days 1: expires in a day")
        t.check_eq(r["token"], mint_token(secret, r["invitation"], r["expires_unix"], "nps-main",
                                          c, "link"), "re-minted token of %s matches" % c)
        for ago in (3600, 1):
            et = mint_token(secret, r["invitation"], now - ago, "nps-main", c, "link")
            all_tokens.add(et)
            st, pg, _ = page("GET", "/s/" + et, al="en")
            check_page("expired %ds ago (%s)" % (ago, c), st, pg, 410, "tr", ui("expired", "tr"))
            st, pg, _ = page("GET", "/s/" + et + "?score=10", al="en")
            check_page("expired score link (%s)" % c, st, pg, 410, "tr", ui("expired", "tr"))
            st, pg, _ = page("POST", "/s/" + et, body="step=score&answer=10", al="en")
            check_page("expired POST (%s)" % c, st, pg, 410, "tr", ui("expired", "tr"))
    st, pg, _ = page("GET", s("exp"))
    check_page("the unexpired link of the same invitation still works", st, pg, 200, "tr",
               ui("q_nps", "tr", COMPANY))
    t.check_eq({}, responses(), "expired tokens store nothing")

    t.section("archived survey")
    st, pg, _ = page("GET", s("old-1"))
    check_page("before archiving", st, pg, 200, "nb", ui("q_nps", "nb", COMPANY))
    out = t.cli_ok("survey", "archive", "nps-old", "--data", d)
    t.check("nps-old" in out, "survey archive prints what it did: %r" % out)
    out = t.cli_ok("survey", "list", "--data", d)
    t.check(any(l.split()[0] == "nps-old" and "archived" in l.split()
                for l in out.splitlines()[1:]), "survey list shows nps-old archived:\n" + out)
    rc, _, err = t.cli("send", "--survey", "nps-old", "--customers",
                       os.path.join(t.tmp, "c7.csv"), "--base-url", base, "--data", d)
    t.check(rc != 0 and "archived" in err, "send refuses an archived survey: %r" % err)
    for method, body, q in (("GET", None, ""), ("GET", None, "?score=9"),
                            ("POST", "step=score&answer=9", "")):
        st, pg, _ = page(method, s("old-1", q), al="en")
        t.check(400 <= st < 500, "archived survey %s%s: a 4xx page, got %d" % (method, q, st))
        if pg:
            t.check_eq("nb", pg.lang(), "archived survey: page in the invitation's language")
            t.check(pg.h1 and pg.h1[0], "archived survey: a clear message")
            t.check_eq([], pg.radios(), "archived survey: no form")
    t.check_eq({}, responses(), "an archived survey stores nothing")

    t.section("POST validation and garbage bodies")
    g = s("garbage")
    q_tr = ui("q_nps", "tr", COMPANY)
    for body in ("step=score", "step=score&answer=", "step=score&answer=11",
                 "step=score&answer=-1", "step=score&answer=abc", "step=score&answer=9.5",
                 "step=score&answer=1e1", "step=score&answer=99999999999", "answer=9",
                 ""):
        st, pg, txt = page("POST", g, body=body)
        check_page("POST %r" % body, st, pg, 422, "tr", q_tr)
        if pg:
            t.check_eq([ui("choose", "tr")], pg.roles.get("alert"),
                       "POST %r: the error, as an alert" % body)
            t.check_eq(11, len(pg.radios()), "POST %r: the question again" % body)
            t.check_eq([], pg.checked(), "POST %r: nothing pre-selected" % body)
    junk = bytes(rnd.getrandbits(8) for _ in range(10240))
    many = "&".join("k%d=v" % i for i in range(2000))
    for what, body, ctype in (
            ("wrong step", "step=bogus&answer=9", FORM),
            ("bad %-escape", "step=score&answer=%G9", FORM),
            ("truncated %-escape", "step=score&answer=9%", FORM),
            ("NUL byte", "step=score&answer=9%00", FORM),
            ("10 KB of random bytes", junk, FORM),
            ("10 KB of pairs", "step=score&answer=9&" + many, FORM),
            ("JSON body", '{"step":"score","answer":9}', "application/json"),
            ("invalid UTF-8", b"step=score&answer=\xff\xfe", FORM)):
        st, pg, _ = page("POST", g, body=body, ctype=ctype, what="POST " + what)
        t.check(400 <= st < 500, "POST %s: a 4xx, got %d" % (what, st))
    for method in ("PUT", "DELETE", "PATCH"):
        st, hd, b = srv.request(method, g, body="step=score&answer=9", ctype=FORM)
        t.check(st == 405, "%s /s/TOKEN: 405, got %d %r" % (method, st, b[:200]))
    t.check_eq({}, responses(), "rejected POSTs store nothing")
    iv = invitation(d, inv_id("garbage"))
    t.check(iv["answered"] == 0 and iv["answers"] == 0, "garbage: not answered: %r" % iv)
    for v in ("0", "6"):
        st, pg, _ = page("POST", s("csat-2"), body="step=score&answer=" + v)
        check_page("csat 1-5 POST answer=%s" % v, st, pg, 422, "en", ui("q_csat", "en", COMPANY))

    t.section("answer, change, follow-up, thank-you, used up (nb)")
    c = "flow-nb"
    st, pg, txt = page("POST", s(c), body="step=score&answer=9")
    check_page("POST score 9", st, pg, 200, "nb", ui("f_high", "nb"))
    if pg:
        t.check(ui("saved", "nb") in pg.roles.get("status", []),
                "follow-up page says the answer is saved: %r" % pg.roles)
        t.check_eq("followup", pg.hidden("step"), "follow-up page: step=followup")
        t.check_eq("9", pg.hidden("answer"), "follow-up page: carries the answer")
        t.check(any(a.get("name") == "comment" for a in pg.textareas),
                "follow-up page: a comment box")
        t.check(pg.labels.get("comment") is not None, "follow-up page: the box has a label")
        t.check(any(b.get("name") == "skip" for b in pg.buttons), "follow-up page: a skip button")
    answered["nps-main"] += 1
    rows = responses()
    mine = of_invitation(rows, c)
    t.check_eq(1, len(mine), "one response for the invitation: %r" % rows)
    rid = mine[0]["id"] if mine else None
    if mine:
        r = mine[0]
        want = {"customer": c, "metric": "nps", "score": 9, "scale": "0-10", "channel": "link",
                "lang": "nb", "touchpoint": "support", "ref": "T-100", "agent": "alice",
                "plan": "gold", "survey": "nps-main", "invitation": str(inv_id(c))}
        for k, v in want.items():
            t.check_eq(v, r.get(k), "stored response: %s" % k)
        t.check("comment" not in r, "no comment yet: %r" % r)
        t.check(abs(rfc3339_to_unix(r["time"]) - time.time()) < 120, "response time is now")
    iv = invitation(d, inv_id(c))
    t.check(iv["answered"] > 0 and iv["completed"] == 0, "answered, not completed: %r" % iv)
    check_rate("after one answer")
    # a scanner following the link again changes nothing
    st, pg, _ = page("GET", s(c, "?score=0"))
    t.check_eq(200, st, "the link still opens before the follow-up is done")
    rows = responses()
    t.check_eq([9], [r["score"] for r in of_invitation(rows, c)], "GET changed nothing")
    st, pg, _ = page("POST", s(c), body="step=score&answer=3")
    check_page("POST score 3 (changed)", st, pg, 200, "nb", ui("f_low", "nb"))
    rows = responses()
    mine = of_invitation(rows, c)
    t.check_eq([(rid, 3)], [(r["id"], r["score"]) for r in mine],
               "answering again updates the same response")
    comment = "Ventetiden var lang <b>&amp;</b> – خیلی طول کشید 🙁\nLinje 2"
    st, pg, txt = page("POST", s(c), body=urllib.parse.urlencode(
        {"step": "followup", "answer": "3", "comment": comment}))
    check_page("POST follow-up", st, pg, 200, "nb", ui("thanks", "nb"))
    t.check("&lt;script&gt;" in txt and "Søn" in txt, "thank-you page names the company, escaped")
    rows = responses()
    mine = of_invitation(rows, c)
    t.check_eq([(rid, 3, comment)], [(r["id"], r["score"], r.get("comment")) for r in mine],
               "the comment is stored on the same response")
    iv = invitation(d, inv_id(c))
    t.check(iv["completed"] > 0, "the invitation is completed: %r" % iv)
    for method, q, body in (("GET", "", None), ("GET", "?score=10", None),
                            ("POST", "", "step=score&answer=10"),
                            ("POST", "", "step=followup&answer=10&comment=again")):
        st, pg, _ = page(method, s(c, q), body=body, al="en")
        check_page("used up: %s%s %s" % (method, q, body or ""), st, pg, 410, "nb",
                   ui("used", "nb"))
    st, hd, b = srv.request("HEAD", s(c))
    t.check_eq(410, st, "used up: HEAD")
    rows = responses()
    t.check_eq([(rid, 3, comment)], [(r["id"], r["score"], r.get("comment"))
                                     for r in of_invitation(rows, c)],
               "requests after completion change nothing")

    t.section("the same in Persian (right to left)")
    c = "flow-fa"
    st, pg, _ = page("POST", s(c), body="step=score&answer=10", al="en")
    check_page("fa POST score 10", st, pg, 200, "fa", ui("f_high", "fa"))
    fa_comment = "پشتیبانی خیلی خوب بود، ممنون از «رضا»"
    st, pg, _ = page("POST", s(c), body=urllib.parse.urlencode(
        {"step": "followup", "answer": "10", "comment": fa_comment}))
    check_page("fa follow-up", st, pg, 200, "fa", ui("thanks", "fa"))
    answered["nps-main"] += 1
    st, pg, _ = page("GET", s(c))
    check_page("fa used up", st, pg, 410, "fa", ui("used", "fa"))
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and mine[0].get("comment") == fa_comment and
            mine[0].get("agent") == "رضا" and mine[0].get("lang") == "fa" and
            mine[0].get("score") == 10 and mine[0].get("touchpoint") == "checkout",
            "fa response stored with its comment and context: %r" % mine)

    t.section("skipping the follow-up")
    c = "skip-en"
    st, pg, _ = page("POST", s(c), body="step=score&answer=7")
    check_page("POST score 7", st, pg, 200, "en", ui("f_middle", "en"))
    st, pg, _ = page("POST", s(c), body="step=followup&answer=7&skip=1")
    check_page("skip", st, pg, 200, "en", ui("thanks", "en"))
    answered["nps-main"] += 1
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and mine[0]["score"] == 7 and "comment" not in mine[0],
            "skipped follow-up: score kept, no comment: %r" % mine)
    t.check(invitation(d, inv_id(c))["completed"] > 0, "skip completes the invitation")

    t.section("CES agreement with a reason choice (ro)")
    c = "ces-1"
    st, pg, _ = page("GET", s(c))
    check_page("ces agree question", st, pg, 200, "ro", ui("q_ces_agree", "ro", COMPANY))
    if pg:
        labels = pg.option_labels()
        t.check_eq([str(i) for i in range(1, 8)], list(labels), "agree: options 1-7")
        t.check(labels.get("1") == "Total dezacord" and labels.get("7") == "Total de acord",
                "agree labels in Romanian, strongly disagree first: %r" % labels)
    st, pg, txt = page("POST", s(c), body="step=score&answer=2")
    check_page("ces agree POST 2", st, pg, 200, "ro", ui("f_low", "ro"))
    if pg:
        t.check_eq({"1": "Preț", "2": "Viteză", "3": "Personal"}, pg.option_labels("reason"),
                   "reason options in Romanian")
        t.check("Care este motivul principal?" in txt, "the reason question in Romanian")
    st, pg, _ = page("POST", s(c), body=urllib.parse.urlencode(
        {"step": "followup", "answer": "2", "reason": "3", "comment": "Așteptare lungă"}))
    check_page("ces agree follow-up", st, pg, 200, "ro", ui("thanks", "ro"))
    answered["ces-agree"] += 1
    mine = of_invitation(responses(), c)
    if t.check_eq(1, len(mine), "one ces response"):
        r = mine[0]
        for k, v in {"metric": "ces", "score": 2, "scale": "1-7", "reason": "Staff",
                     "comment": "Așteptare lungă", "touchpoint": "billing", "ref": "O-77",
                     "agent": "bob", "survey": "ces-agree", "lang": "ro"}.items():
            t.check_eq(v, r.get(k), "ces response: %s" % k)
    c = "ces-2"
    st, pg, _ = page("POST", s(c), body="step=score&answer=7")
    check_page("ces agree POST 7", st, pg, 200, "ro", ui("f_high", "ro"))
    st, pg, _ = page("POST", s(c), body="step=followup&answer=7&reason=9")
    t.check(st < 500, "a reason outside the options: no 5xx (%d)" % st)
    answered["ces-agree"] += 1
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and mine[0].get("reason") in (None, "") and mine[0]["score"] == 7,
            "a reason outside the options is not stored: %r" % mine)

    t.section("CSAT emoji without follow-up")
    c = "csat-1"
    st, pg, _ = page("GET", s(c))
    check_page("csat emoji question", st, pg, 200, "en", ui("q_csat", "en", COMPANY))
    if pg:
        t.check_eq([str(i) for i in range(1, 6)], [r.get("value") for r in pg.radios()],
                   "csat: 5 faces")
        t.check(pg.labels.get("a1", {}).get("aria") == "Very dissatisfied" and
                pg.labels.get("a5", {}).get("aria") == "Very satisfied",
                "faces have spoken names: %r" % pg.labels)
    st, pg, _ = page("POST", s(c), body="step=score&answer=4")
    check_page("csat POST 4: straight to thank-you", st, pg, 200, "en", ui("thanks", "en"))
    answered["csat-emoji"] += 1
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and mine[0]["metric"] == "csat" and mine[0]["score"] == 4 and
            mine[0]["scale"] == "1-5", "csat response: %r" % mine)
    st, pg, _ = page("GET", s(c))
    check_page("csat used up", st, pg, 410, "en", ui("used", "en"))

    t.section("inverted CES labels store min + max - shown")
    st, pg, _ = page("GET", s("lab-1"))
    check_page("labels question", st, pg, 200, "en", ui("q_ces_labels", "en"))
    if pg:
        labels = pg.option_labels()
        t.check(labels.get("1") == "Very easy" and labels.get("5") == "Very difficult",
                "reversed labels: shown 1 is Very easy: %r" % labels)
    st, pg, _ = page("POST", s("lab-1"), body="step=score&answer=1")
    check_page("labels POST 1 (Very easy)", st, pg, 200, "en", ui("f_high", "en"))
    st, pg, _ = page("POST", s("lab-2"), body="step=score&answer=4")
    check_page("labels POST 4 (Difficult)", st, pg, 200, "en", ui("f_low", "en"))
    answered["ces-labels"] += 2
    rows = responses()
    t.check_eq([(5, "1-5")], [(r["score"], r["scale"]) for r in of_invitation(rows, "lab-1")],
               "shown 1 (Very easy) stores 5")
    t.check_eq([(2, "1-5")], [(r["score"], r["scale"]) for r in of_invitation(rows, "lab-2")],
               "shown 4 (Difficult) stores 2")

    t.section("a reason without the open follow-up (tr)")
    c = "ro-1"
    st, pg, _ = page("POST", s(c), body="step=score&answer=2")
    check_page("reason-only POST 2", st, pg, 200, "tr", "En çok ne hakkındaydı?")
    if pg:
        t.check_eq({"1": "Teslimat", "2": "Fiyat"}, pg.option_labels("reason"),
                   "reason-only: the reason options")
        t.check_eq([], pg.textareas, "reason-only: no comment box")
    st, pg, _ = page("POST", s(c), body="step=followup&answer=2&reason=1")
    check_page("reason-only follow-up", st, pg, 200, "tr", ui("thanks", "tr"))
    answered["reason-only"] += 1
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and mine[0].get("reason") == "Delivery" and mine[0]["score"] == 2 and
            mine[0].get("touchpoint") == "delivery", "reason-only response: %r" % mine)

    t.section("custom single choice (fa)")
    c = "ch-1"
    st, pg, _ = page("GET", s(c))
    check_page("choice question", st, pg, 200, "fa", "ترجیح می‌دهید چگونه با شما تماس بگیریم؟")
    if pg:
        t.check_eq({"1": "تلفن", "2": "گفتگو", "3": "ایمیل"}, pg.option_labels(),
                   "choice: options in Persian")
    st, pg, _ = page("POST", s(c), body="step=score&answer=2")
    check_page("choice POST 2", st, pg, 200, "fa", "چه چیزی را باید بهتر کنیم؟")
    st, pg, _ = page("POST", s(c), body="step=score&answer=3")
    check_page("choice POST 3 (changed)", st, pg, 200, "fa", "چه چیزی را باید بهتر کنیم؟")
    st, pg, _ = page("POST", s(c), body=urllib.parse.urlencode(
        {"step": "followup", "answer": "3", "comment": "فقط ایمیل لطفاً"}))
    check_page("choice follow-up", st, pg, 200, "fa", ui("thanks", "fa"))
    answered["choice"] += 1
    ev = [e for e in t.export_rows(d, "events").values()
          if e.get("invitation") == str(inv_id(c))]
    t.check(len(ev) == 1 and ev[0].get("type") == "survey.answer" and
            ev[0].get("choice_label") == "Email" and ev[0].get("choice") == "3" and
            ev[0].get("survey") == "choice" and
            ev[0].get("customer") == c, "the choice is one survey.answer event, updated: %r" % ev)
    t.check(ev and "فقط ایمیل لطفاً" in json.dumps(ev[0], ensure_ascii=False),
            "the follow-up comment of a custom survey is stored with its answer: %r" % ev)
    t.check(not of_invitation(responses(), c), "a choice is not a score response")

    t.section("concurrent answers to one invitation")
    c = "q-ro"
    results = []

    def post(v):
        st_, _, _ = srv.request("POST", s(c), body="step=score&answer=%d" % v, ctype=FORM)
        results.append(st_)

    ths = [threading.Thread(target=post, args=(v,)) for v in range(8)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.check_eq([200] * 8, sorted(results), "8 concurrent answers all succeed")
    answered["nps-main"] += 1
    mine = of_invitation(responses(), c)
    t.check(len(mine) == 1 and 0 <= mine[0]["score"] <= 7,
            "concurrent answers make exactly one response: %r" % mine)
    t.check_eq(8, invitation(d, inv_id(c))["answers"], "the invitation counts 8 answers")

    t.section("totals")
    rows = responses()
    t.check_eq(sum(answered.values()) - answered["choice"], len(rows),
               "one response per answered score invitation")
    check_rate("at the end")
    for c in ("scan", "garbage", "q-en", "exp"):
        iv = invitation(d, inv_id(c))
        t.check(iv["answered"] == 0, "%s is not answered: %r" % (c, iv))


if __name__ == "__main__":
    Test("survey_pages", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
