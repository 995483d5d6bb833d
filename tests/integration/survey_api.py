"""survey_api.py - /api/v1/surveys (definitions, invitations), the web widget
(/widget.js, form, answers, public answer keys) and the response rate
(run by test_survey_api.sh as: python3 survey_api.py BIN).
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Fatal, Test, error_of  # noqa: E402
from survey_lib import (FORM, Page, close2, db_query, parse_send, token_claims,  # noqa: E402
                        ui, wilson)

JSON = "application/json"
BASE = "https://surveys.example.com/cx"

WEB_CSAT = {"id": "web-csat", "name": "Web checkout", "kind": "csat", "scale": "1-5",
            "style": "stars", "channels": ["web", "in_app"],
            "texts": {"en": {"question": "How was checkout at {company}?"},
                      "fa": {"question": "پرداخت در {company} چطور بود؟"}}}
RR_A = {"id": "rr-a", "name": "Response rate A", "kind": "nps"}
RR_B = {"id": "rr-b", "name": "Response rate B", "kind": "csat"}
NPS_X = {"id": "nps-x", "name": "To be archived", "kind": "nps"}


def main(t):
    t.section("setup")
    d, admin = t.new_data("d")
    read = t.new_key(d, "read", "read-key")
    ingest = t.new_key(d, "ingest", "ingest-key")
    try:
        srv = t.start_server(d, "--base-url", BASE)
    except Fatal as e:
        t.check(False, "`cxpulse serve --base-url URL` (documented in serve --help) is refused: "
                "%s" % str(e)[:300])
        t.env["CXPULSE_BASE_URL"] = BASE
        try:
            srv = t.start_server(d)
        finally:
            del t.env["CXPULSE_BASE_URL"]

    def req(method, path, body=None, key=None, ctype=JSON, headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False)
        st, hd, b = srv.request(method, path, body=body, key=key,
                                ctype=ctype if body is not None else None, headers=headers)
        t.check(st < 500, "%s %s: never a 5xx, got %d %r" % (method, path, st, b[:300]))
        try:
            j = json.loads(b) if b else None
        except ValueError:
            j = None
        return st, hd, j, b

    def expect_error(what, r, status, mentions=None):
        st, hd, j, b = r
        t.check_eq(status, st, "%s: status (body %r)" % (what, b[:300]))
        e = error_of(b)
        if t.check(e is not None, "%s: an error body {\"error\":{code,message}}: %r"
                   % (what, b[:300])) and mentions:
            t.check(mentions in e["message"], "%s: the message names %r: %r"
                    % (what, mentions, e["message"]))
        t.check(hd.get("content-type", "").startswith(JSON), "%s: JSON error" % what)

    t.section("survey definitions")
    st, _, j, _ = req("GET", "/api/v1/surveys", key=read)
    t.check(st == 200 and j == [], "an empty list at first: %r %r" % (st, j))
    expect_error("list without a key", req("GET", "/api/v1/surveys"), 401)
    expect_error("list with an ingest key", req("GET", "/api/v1/surveys", key=ingest), 403)
    for sv in (WEB_CSAT, RR_A, RR_B, NPS_X):
        st, _, j, b = req("POST", "/api/v1/surveys", sv, key=admin)
        t.check_eq(201, st, "create %s (%r)" % (sv["id"], b[:300]))
        if j:
            t.check(j.get("id") == sv["id"] and j.get("kind") == sv["kind"] and
                    j.get("name") == sv["name"], "create answers the definition: %r" % j)
    expect_error("duplicate id", req("POST", "/api/v1/surveys", WEB_CSAT, key=admin), 409,
                 "web-csat")
    bad = [
        ({"id": "b1", "name": "x", "kind": "csat", "scale": "1-4"}, "scale"),
        ({"id": "b2", "name": "x", "kind": "nps", "colour": "red"}, "colour"),
        ({"id": "b3", "name": "x"}, "kind"),
        ({"id": "b4", "name": "x", "kind": "nps", "texts": {"de": {"question": "Wie?"}}},
         "de"),
        ({"id": "b5", "name": "x" * 201, "kind": "nps"}, "name"),
        ({"id": "B 6", "name": "x", "kind": "nps"}, "id"),
        ({"id": "b7", "name": "x", "kind": "nps", "reason": {"options": [{"en": "Only"}]}},
         "reason"),
        ({"id": "b8", "name": "x", "kind": "csat", "style": "agree"}, "style"),
        ({"id": "b9", "name": "x", "kind": "nps", "inverted": True}, "inverted"),
        ({"id": "b10", "name": "x", "kind": "nps", "followup": "yes"}, "followup"),
    ]
    for body, field in bad:
        expect_error("invalid definition (%s)" % field,
                     req("POST", "/api/v1/surveys", body, key=admin), 422, field)
    r = req("POST", "/api/v1/surveys", "{not json", key=admin)
    t.check(r[0] in (400, 422), "not JSON: 400 or 422, got %d" % r[0])
    expect_error("text/plain", req("POST", "/api/v1/surveys", json.dumps(RR_A), key=admin,
                                   ctype="text/plain"), 415)
    expect_error("no Content-Type", req("POST", "/api/v1/surveys", json.dumps(RR_A), key=admin,
                                        ctype=None), 415)
    expect_error("create with a read key",
                 req("POST", "/api/v1/surveys", {"id": "r1", "name": "r", "kind": "nps"},
                     key=read), 403)
    expect_error("create without a key",
                 req("POST", "/api/v1/surveys", {"id": "r1", "name": "r", "kind": "nps"}), 401)
    expect_error("PUT on the list", req("PUT", "/api/v1/surveys", RR_A, key=admin), 405)
    st, _, j, _ = req("GET", "/api/v1/surveys", key=read)
    t.check_eq(["nps-x", "rr-a", "rr-b", "web-csat"], sorted(x.get("id") for x in (j or [])),
               "the list holds exactly the created surveys")
    for x in j or []:
        t.check(x.get("archived") is False and x.get("kind") and x.get("name"),
                "list entry has kind, name, archived: %r" % x)
    st, _, j, _ = req("GET", "/api/v1/surveys/web-csat", key=read)
    t.check(st == 200 and j and j.get("style") == "stars" and j.get("scale") == "1-5" and
            j.get("archived") is False and
            j.get("texts", {}).get("fa", {}).get("question") == WEB_CSAT["texts"]["fa"]["question"],
            "GET one survey: %r %r" % (st, j))
    expect_error("GET unknown survey", req("GET", "/api/v1/surveys/nope", key=read), 404)
    expect_error("GET one without a key", req("GET", "/api/v1/surveys/web-csat"), 401)
    out = t.cli_ok("survey", "list", "--data", d)
    t.check(all(sid in out for sid in ("web-csat", "rr-a", "rr-b", "nps-x")),
                "surveys made by the API show in `survey list`:\n" + out)

    t.section("invitations through the API")
    customers = [{"customer": "a%d" % i, "lang": ["fa", "nb", "en", "tr", "ro", "en", "nb"][i],
                  "touchpoint": "support" if i < 4 else "billing", "ref": "T-%d" % i,
                  "agent": "sara"} for i in range(7)]
    t0 = int(time.time())
    st, _, j, b = req("POST", "/api/v1/surveys/rr-a/invitations",
                      {"channel": "link", "expires_days": 10, "customers": customers}, key=admin)
    t1 = int(time.time())
    t.check_eq(201, st, "create 7 invitations (%r)" % b[:300])
    invs = (j or {}).get("invitations", [])
    t.check_eq([c["customer"] for c in customers], [i.get("customer") for i in invs],
               "one invitation per customer, in order")
    tok = {}
    for i in invs:
        url = i.get("url", "")
        t.check(url.startswith(BASE + "/s/"), "url starts with --base-url: %r" % url)
        tk = url.rsplit("/s/", 1)[-1]
        t.check_eq(43, len(tk), "token length")
        t.check(t0 + 10 * 86400 - 2 <= i.get("expires", 0) <= t1 + 10 * 86400 + 2,
                "expires_days 10: %r" % i)
        if len(tk) == 43:
            t.check_eq((i.get("invitation"), i.get("expires")), token_claims(tk),
                       "the token carries id and expiry")
        tok[i.get("customer")] = tk
    t.check_eq(7, len({i.get("invitation") for i in invs}), "distinct invitation ids")
    st, _, j, _ = req("POST", "/api/v1/surveys/nps-x/invitations",
                      {"customers": [{"customer": "x1", "lang": "nb"}]}, key=admin)
    t.check_eq(201, st, "invitation with defaults")
    x1 = (j or {}).get("invitations", [{}])[0]
    t.check(t0 + 28 * 86400 - 2 <= x1.get("expires", 0) <= int(time.time()) + 28 * 86400 + 2,
            "expires by default in 28 days: %r" % x1)
    tok["x1"] = x1.get("url", "").rsplit("/s/", 1)[-1]

    def ninv(survey):
        return db_query(d, "SELECT count(*) FROM invitations WHERE survey=?", (survey,))[0][0]

    path = "/api/v1/surveys/rr-a/invitations"
    one = [{"customer": "z1"}]
    for what, body, status, mention in (
            ("channel email", {"channel": "email", "customers": one}, 422, "channel"),
            ("expires_days 0", {"expires_days": 0, "customers": one}, 422, "expires_days"),
            ("expires_days 3651", {"expires_days": 3651, "customers": one}, 422, "expires_days"),
            ("expires_days a string", {"expires_days": "7", "customers": one}, 422,
             "expires_days"),
            ("customers[1] without customer", {"customers": [{"customer": "ok"},
                                                             {"lang": "nb"}]}, 422,
             "customers[1]"),
            ("a number attribute", {"customers": [{"customer": "ok", "order": 5}]}, 422,
             "customers[0]"),
            ("customer of 129 bytes", {"customers": [{"customer": "c" * 129}]}, 422,
             "customers[0]"),
            ("1001 customers", {"customers": [{"customer": "m%d" % i} for i in range(1001)]},
             422, "1000")):
        expect_error("invitations: " + what, req("POST", path, body, key=admin), status, mention)
    for what, body in (("no customers", {"channel": "link"}), ("empty customers",
                                                                {"customers": []})):
        r = req("POST", path, body, key=admin)
        t.check(r[0] in (400, 422), "invitations: %s: 400 or 422, got %d" % (what, r[0]))
    expect_error("invitations: not JSON", req("POST", path, "{", key=admin), 400)
    expect_error("invitations: text/plain", req("POST", path, json.dumps({"customers": one}),
                                                key=admin, ctype="text/plain"), 415)
    expect_error("invitations: unknown survey",
                 req("POST", "/api/v1/surveys/nope/invitations", {"customers": one}, key=admin),
                 404)
    for name, k in (("read", read), ("ingest", ingest)):
        expect_error("invitations with a %s key" % name,
                     req("POST", path, {"customers": one}, key=k), 403)
    expect_error("invitations without a key", req("POST", path, {"customers": one}), 401)
    expect_error("GET invitations", req("GET", path, key=admin), 405)
    t.check_eq(7, ninv("rr-a"), "refused requests create no invitation")

    # the context travels into the response
    st, _, b = srv.request("POST", "/s/" + tok["a0"], body="step=score&answer=9", ctype=FORM)
    pg = Page(b.decode("utf-8", "replace"))
    t.check(st == 200 and pg.lang() == "fa" and pg.dir() == "rtl",
            "API invitation a0 opens in Persian, right to left: %d %r" % (st, pg.html_attrs))
    rows = t.export_rows(d, "responses")
    r0 = [r for r in rows.values() if r.get("customer") == "a0"]
    t.check(len(r0) == 1 and r0[0].get("touchpoint") == "support" and
            r0[0].get("ref") == "T-0" and r0[0].get("agent") == "sara" and
            r0[0].get("lang") == "fa" and r0[0].get("channel") == "link" and
            r0[0].get("survey") == "rr-a" and r0[0].get("score") == 9,
            "API invitation context is carried into the response: %r" % r0)

    t.section("archiving")
    expect_error("DELETE with a read key", req("DELETE", "/api/v1/surveys/nps-x", key=read), 403)
    st, _, j, _ = req("DELETE", "/api/v1/surveys/nps-x", key=admin)
    t.check(st == 200 and j == {"id": "nps-x", "archived": True}, "DELETE archives: %r" % j)
    st, _, j, _ = req("GET", "/api/v1/surveys/nps-x", key=read)
    t.check(st == 200 and j and j.get("archived") is True, "archived survey still readable")
    st, _, j, _ = req("GET", "/api/v1/surveys", key=read)
    t.check([x.get("archived") for x in (j or []) if x.get("id") == "nps-x"] == [True],
            "the list shows it archived: %r" % j)
    expect_error("invitations for an archived survey",
                 req("POST", "/api/v1/surveys/nps-x/invitations", {"customers": one},
                     key=admin), 409, "archived")
    cf = os.path.join(t.tmp, "one.csv")
    with open(cf, "w") as f:
        f.write("customer\nq1\n")
    rc, _, err = t.cli("send", "--survey", "nps-x", "--customers", cf, "--data", d)
    t.check(rc != 0 and "archived" in err, "send refuses an archived survey: %r" % err)
    for method, body in (("GET", None), ("POST", "step=score&answer=9")):
        st, hd, b = srv.request(method, "/s/" + tok["x1"], body=body,
                                ctype=FORM if body else None)
        pg = Page(b.decode("utf-8", "replace"))
        t.check(400 <= st < 500 and pg.lang() == "nb" and pg.h1 and not pg.radios(),
                "archived survey's page %s: a clear 4xx page in nb, got %d %r" % (method, st,
                                                                                  pg.h1))
    expect_error("DELETE unknown", req("DELETE", "/api/v1/surveys/nope", key=admin), 404)

    t.section("web widget")
    st, hd, b = srv.request("GET", "/widget.js")
    t.check_eq(200, st, "/widget.js status")
    t.check(hd.get("content-type", "").startswith("application/javascript"),
            "/widget.js content type %r" % hd.get("content-type"))
    t.check_eq("*", hd.get("access-control-allow-origin"), "/widget.js CORS header")
    t.check(b"/answers" in b and b"Authorization" in b, "/widget.js posts answers with a key")
    for sub in ("answers", "form"):
        st, hd, b = srv.request("OPTIONS", "/api/v1/surveys/web-csat/" + sub, headers={
            "Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        t.check_eq(204, st, "preflight %s: 204" % sub)
        t.check_eq("*", hd.get("access-control-allow-origin"), "preflight %s: origin" % sub)
        t.check("POST" in hd.get("access-control-allow-methods", ""),
                "preflight %s: methods %r" % (sub, hd))
        ah = hd.get("access-control-allow-headers", "").lower()
        t.check("authorization" in ah and "content-type" in ah,
                "preflight %s: headers %r" % (sub, ah))
    out = t.cli_ok("key", "create", "--scope", "answer", "--survey", "web-csat", "--name",
                   "shop", "--data", d)
    pub = out.strip().split()[-1]
    out = t.cli_ok("key", "create", "--scope", "answer", "--survey", "nps-x", "--name",
                   "old", "--data", d)
    pub_x = out.strip().split()[-1]
    rc, _, _ = t.cli("key", "create", "--scope", "answer", "--data", d)
    t.check(rc != 0, "key create --scope answer needs --survey")
    fp = "/api/v1/surveys/web-csat/form"
    st, hd, j, b = req("GET", fp + "?lang=fa", key=pub)
    t.check_eq(200, st, "form with the public key (%r)" % b[:200])
    t.check_eq("*", hd.get("access-control-allow-origin"), "form: CORS header")
    j = j or {}
    t.check(j.get("survey") == "web-csat" and j.get("lang") == "fa" and j.get("dir") == "rtl" and
            j.get("question") == "پرداخت در Acme چطور بود؟", "form in Persian: %r" % j)
    t.check_eq([1, 2, 3, 4, 5], [o.get("value") for o in j.get("options", [])], "form options")
    t.check_eq("★★★", (j.get("options") or [{}] * 3)[2].get("label"), "stars")
    st, _, j, _ = req("GET", fp, key=pub, headers={"Accept-Language": "nb-NO"})
    t.check(st == 200 and j and j.get("lang") == "nb" and j.get("dir") == "ltr" and
            j.get("question") == "How was checkout at Acme?",
            "form from Accept-Language nb, question falls back to English: %r" % j)
    expect_error("form without a key", req("GET", fp), 401)
    expect_error("form with a read key", req("GET", fp, key=read), 403)

    ap = "/api/v1/surveys/web-csat/answers"
    st, hd, j, b = req("POST", ap, {"customer": "w1", "answer": 4, "channel": "web",
                                    "lang": "nb", "touchpoint": "checkout",
                                    "comment": "Rask levering"}, key=pub)
    t.check_eq(201, st, "first widget answer (%r)" % b[:200])
    t.check_eq("*", hd.get("access-control-allow-origin"), "answers: CORS header")
    wid = (j or {}).get("id")
    t.check_eq("inserted", (j or {}).get("result"), "first answer inserted")
    st, _, j, _ = req("POST", ap, {"customer": "w1", "answer": 2, "channel": "web",
                                   "lang": "nb", "touchpoint": "checkout",
                                   "comment": "Endret mening"}, key=pub)
    t.check(st == 200 and j and j.get("id") == wid and j.get("result") == "updated",
            "answering again the same day updates the same response: %d %r" % (st, j))
    st, _, j, _ = req("POST", ap, {"customer": "w2", "answer": 5, "channel": "in_app"}, key=pub)
    t.check_eq(201, st, "in_app answer")
    st, _, j, b = req("POST", ap, {"customer": "w-" + "x" * 126, "answer": 5}, key=pub)
    t.check_eq(201, st, "a 128-byte customer id can answer through the widget (%r)" % b[:300])
    long_id = (j or {}).get("id")
    st, _, j, b = req("POST", ap, {"customer": "w-" + "x" * 126, "answer": 4}, key=pub)
    t.check(st == 200 and j and j.get("id") == long_id and j.get("result") == "updated",
            "... and answering again updates the same response: %d %r" % (st, b[:300]))
    rows = t.export_rows(d, "responses")
    w1 = [r for r in rows.values() if r.get("customer") == "w1"]
    t.check(len(w1) == 1 and w1[0]["score"] == 2 and w1[0]["metric"] == "csat" and
            w1[0]["scale"] == "1-5" and w1[0]["channel"] == "web" and
            w1[0].get("touchpoint") == "checkout" and w1[0].get("lang") == "nb" and
            w1[0].get("survey") == "web-csat" and w1[0].get("comment") == "Endret mening",
            "one widget response, updated: %r" % w1)
    w2 = [r for r in rows.values() if r.get("customer") == "w2"]
    t.check(len(w2) == 1 and w2[0]["channel"] == "in_app", "in_app response: %r" % w2)
    for what, body, status in (
            ("channel email", {"customer": "w3", "answer": 4, "channel": "email"}, 422),
            ("answer 0", {"customer": "w3", "answer": 0}, 422),
            ("answer 6", {"customer": "w3", "answer": 6}, 422),
            ("answer as a string", {"customer": "w3", "answer": "4"}, 422),
            ("answer 4.5", {"customer": "w3", "answer": 4.5}, 422),
            ("no customer", {"answer": 4}, 422),
            ("empty customer", {"customer": "", "answer": 4}, 422),
            ("customer of 129 bytes", {"customer": "c" * 129, "answer": 4}, 422)):
        expect_error("answers: " + what, req("POST", ap, body, key=pub), status)
    expect_error("answers: not JSON", req("POST", ap, "{", key=pub), 400)
    expect_error("answers: text/plain", req("POST", ap, json.dumps({"customer": "w3",
                                                                    "answer": 4}),
                                            key=pub, ctype="text/plain"), 415)
    t.check(not [r for r in t.export_rows(d, "responses").values()
                 if r.get("customer") in ("w3", "", "c" * 129)], "refused answers store nothing")
    expect_error("answers without a key", req("POST", ap, {"customer": "w3", "answer": 4}), 401)
    expect_error("answers with a read key",
                 req("POST", ap, {"customer": "w3", "answer": 4}, key=read), 403)
    expect_error("answers to an archived survey",
                 req("POST", "/api/v1/surveys/nps-x/answers", {"customer": "w3", "answer": 4},
                     key=pub_x), 409)

    t.section("the public key can do nothing else")
    other = req("POST", "/api/v1/surveys/rr-a/answers", {"customer": "w3", "answer": 4}, key=pub)
    expect_error("public key answers another survey", other, 403)
    t.check_eq("*", other[1].get("access-control-allow-origin"),
               "the widget's 403 carries CORS headers (the page can read it)")
    expect_error("public key reads another survey's form",
                 req("GET", "/api/v1/surveys/rr-a/form", key=pub), 403)
    for method, p, body in (("GET", "/api/v1/report?metric=csat", None),
                            ("GET", "/api/v1/surveys", None),
                            ("GET", "/api/v1/surveys/web-csat", None),
                            ("POST", "/api/v1/surveys", {"id": "p1", "name": "p",
                                                         "kind": "nps"}),
                            ("DELETE", "/api/v1/surveys/web-csat", None),
                            ("POST", "/api/v1/surveys/web-csat/invitations",
                             {"customers": [{"customer": "p"}]}),
                            ("POST", "/api/v1/responses",
                             {"id": "p1", "customer": "p", "time": "2026-03-01T00:00:00Z",
                              "metric": "nps", "score": 9}),
                            ("POST", "/api/v1/events",
                             {"id": "p1", "customer": "p", "time": "2026-03-01T00:00:00Z",
                              "type": "call.answered"}),
                            ("GET", "/api/v1/customers/w1", None),
                            ("DELETE", "/api/v1/customers/w1", None),
                            ("GET", "/metrics", None)):
        expect_error("public key: %s %s" % (method, p), req(method, p, body, key=pub), 403)
    st, _, j, _ = req("GET", "/api/v1/surveys/web-csat", key=read)
    t.check(st == 200 and j.get("archived") is False, "web-csat is not archived by the key")
    t.check_eq(0, ninv("web-csat"), "the public key made no invitation")
    st, _, j, _ = req("POST", ap, {"customer": "w4", "answer": 3}, key=admin)
    t.check_eq(201, st, "an admin key may answer too")

    t.section("response rate")
    cf = os.path.join(t.tmp, "rrb.csv")
    with open(cf, "w") as f:
        f.write("customer,lang\nb0,en\nb1,en\nb2,en\nb3,en\nb4,en\n")
    rc, out, err = t.cli("send", "--survey", "rr-b", "--customers", cf, "--base-url",
                         "http://127.0.0.1:%d" % srv.port, "--data", d)
    t.check_eq(0, rc, "send rr-b: %s" % err)
    for r in parse_send(out):
        tok[r["customer"]] = r["token"]

    def page(method, c, body=None, q=""):
        st, _, b = srv.request(method, "/s/" + tok[c] + q, body=body,
                               ctype=FORM if body else None)
        t.check(st < 500, "page %s %s: no 5xx (%d)" % (method, c, st))
        return st, b

    # rr-a: a0 answered above (support); a1 score then follow-up (support);
    # a2 answers twice (support); a4 answers (billing); a3 and a5 only open
    # the score link (a scanner); a6 nothing.
    t.check_eq(200, page("POST", "a1", "step=score&answer=6")[0], "a1 score")
    st, b = page("POST", "a1", "step=followup&answer=6&comment=slow")
    t.check(st == 200 and ui("thanks", "nb").encode() in b, "a1 thank-you in nb")
    t.check_eq(200, page("POST", "a2", "step=score&answer=8")[0], "a2 score")
    t.check_eq(200, page("POST", "a2", "step=score&answer=10")[0], "a2 score again")
    t.check_eq(200, page("POST", "a4", "step=score&answer=0")[0], "a4 score")
    for c in ("a3", "a5"):
        for _ in range(2):
            t.check_eq(200, page("GET", c, q="?score=10")[0], "%s score link" % c)
        t.check_eq(200, page("HEAD", c, q="?score=10")[0], "%s score link HEAD" % c)
    t.check_eq(200, page("POST", "b1", "step=score&answer=5")[0], "b1 score")
    t.check_eq(200, page("GET", "b2")[0], "b2 opened")
    rows = t.export_rows(d, "responses")
    rr_a = sorted(r["customer"] for r in rows.values() if r.get("survey") == "rr-a")
    t.check_eq(["a0", "a1", "a2", "a4"], rr_a, "one response per answered rr-a invitation")
    a2 = [r for r in rows.values() if r.get("customer") == "a2"]
    t.check(len(a2) == 1 and a2[0]["score"] == 10, "a2: updated to 10: %r" % a2)

    # expected: rr-a 4 of 7, rr-b 1 of 5, nps-x 0 of 1 (all link)
    expected = {("nps-x", "link"): (0, 1), ("rr-a", "link"): (4, 7), ("rr-b", "link"): (1, 5)}

    def check_rows(what, lines, want, ngroup):
        t.check_eq(len(want), len(lines) - 1, "%s: one row per group:\n%s" % (what,
                                                                             "\n".join(lines)))
        got = {tuple(l.split(",")[:ngroup]): l.split(",") for l in lines[1:]}
        t.check_eq(sorted(want), sorted(got), "%s: groups" % what)
        for g, (k, n) in want.items():
            row = got.get(g)
            if not row:
                continue
            lo, hi = wilson(k, n)
            t.check_eq(["response_rate", str(n)], row[ngroup:ngroup + 2],
                       "%s %s: metric and n (delivered)" % (what, g))
            t.check(close2(row[ngroup + 2], 100.0 * k / n) and close2(row[ngroup + 3], lo) and
                    close2(row[ngroup + 4], hi),
                    "%s %s: %d/%d = %.2f, Wilson [%.2f, %.2f]; got %r"
                    % (what, g, k, n, 100.0 * k / n, lo, hi, row[ngroup + 2:ngroup + 5]))
            t.check_eq(["", "", ""], row[ngroup + 5:], "%s %s: no nps counts" % (what, g))

    out = t.cli_ok("report", "--metric", "response_rate", "--by", "survey,channel", "--format",
                   "csv", "--data", d)
    lines = out.strip().splitlines()
    t.check_eq("survey,channel,metric,n,value,ci_low,ci_high,promoters,passives,detractors",
               lines[0] if lines else None, "report header")
    check_rows("--by survey,channel", lines, expected, 2)
    out = t.cli_ok("report", "--metric", "response_rate", "--by", "touchpoint", "--where",
                   "survey=rr-a", "--format", "csv", "--data", d)
    check_rows("rr-a --by touchpoint", out.strip().splitlines(),
               {("support",): (3, 4), ("billing",): (1, 3)}, 1)
    out = t.cli_ok("report", "--metric", "response_rate", "--by", "day", "--format", "json",
                   "--data", d)
    j = json.loads(out)
    t.check_eq(13, sum(r.get("n", 0) for r in j), "--by day: 13 invitations delivered: %r" % j)
    if len(j) == 1:  # (two days if the test ran across midnight UTC)
        t.check(close2("%.2f" % j[0].get("value", -1), 500.0 / 13), "--by day: 5 of 13: %r" % j)
    out = t.cli_ok("report", "--metric", "response_rate", "--format", "csv", "--data", d)
    lines = out.strip().splitlines()
    lo, hi = wilson(5, 13)
    t.check(len(lines) == 2 and lines[1].startswith("response_rate,13,") and
            close2(lines[1].split(",")[3], lo) and close2(lines[1].split(",")[4], hi),
            "no --by: 5 of 13 [%.2f, %.2f]: %r" % (lo, hi, lines))
    st, _, j, _ = req("GET", "/api/v1/report?metric=response_rate&by=survey", key=read)
    got = {r.get("survey"): (r.get("n"), r.get("value")) for r in (j or [])}
    t.check(st == 200 and got.get("rr-a", (0,))[0] == 7 and
            close2("%.2f" % (got.get("rr-a", (0, -1))[1] or -1), 400.0 / 7),
            "the API report agrees: %r" % j)


if __name__ == "__main__":
    Test("survey_api", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
