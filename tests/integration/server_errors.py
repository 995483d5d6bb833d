"""server_errors.py - every error status of `cxpulse serve` with a well-formed
error body, and the read side agreeing with the command line (run by
test_server_errors.sh as: python3 server_errors.py BIN).

Covers 400, 401, 403, 404, 405 (+Allow), 409, 413 (body and batch), 415,
422, 429 (+Retry-After); 503 needs a failing store and is not provoked.
Then: /api/v1/report == `cxpulse report --format json`, /api/v1/customers/ID
== `cxpulse customer ID --format json`, /metrics (names, labels, counts that
match what was sent), /api/v1/openapi.json (== docs/openapi.json, every
documented path+method served, others 405) and the access log (one JSON
line per request, the right fields, never a key secret).
"""

import collections
import http.client
import json
import os
import random
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (HOST, REPO, Test, check_error, event_row,  # noqa: E402
                        ndjson, response_row)

PUBLIC = {"/healthz", "/api/v1/healthz", "/api/v1/openapi.json"}
ROUTES = {"/healthz": "GET", "/api/v1/healthz": "GET", "/api/v1/openapi.json": "GET",
          "/api/v1/responses": "POST", "/api/v1/events": "POST", "/api/v1/report": "GET",
          "/metrics": "GET", "/api/v1/customers/{id}": "GET, DELETE"}


def route_of(path):
    p = path.split("?", 1)[0]
    if p in ROUTES:
        return p
    if p.startswith("/api/v1/customers/") and "/" not in urllib.parse.unquote(
            p[len("/api/v1/customers/"):]):
        return "/api/v1/customers/{id}"
    if not p.startswith("/api/"):
        return "dashboard"  # every other path is the dashboard's (login first)
    return "unmatched"


class Tally:
    """Wraps a server's request() to remember what the access log should say."""

    def __init__(self, srv, key_names):
        self.srv = srv
        self.names = key_names  # key -> (name, scope)
        # the start-up probes of server_lib come first
        self.seen = [("GET", "/healthz", st, n, "") for st, n in srv.probes]
        self.orig = srv.request
        srv.request = self.request

    def request(self, method, path, body=None, key=None, ctype=None, headers=None, **kw):
        st, h, b = self.orig(method, path, body=body, key=key, ctype=ctype, headers=headers, **kw)
        auth = (headers or {}).get("Authorization")
        if key is not None:
            auth = "Bearer " + key
        route = route_of(path)
        name = ""
        allowed = method in ROUTES.get(route, "") and route != "unmatched"
        if allowed and route not in PUBLIC and auth and auth.startswith("Bearer ") \
                and auth[7:] in self.names:
            name = self.names[auth[7:]]
        self.seen.append((method, route, st, len(b), name))
        return st, h, b


def gen_responses(rng, n, prefix):
    chans = ["email", "sms", "web", "whatsapp", "chat", "in_app"]
    tps = ["checkout", "support", "billing", "signup", "account"]
    langs = ["en", "nb", "tr", "fa", "ro"]
    plans = ["Pro", "Basic", None]
    rows = []
    for i in range(n):
        m = ("nps", "csat", "ces")[i % 3]
        scale, score = {"nps": (None, rng.randint(0, 10)), "csat": ("1-5", rng.randint(1, 5)),
                        "ces": ("1-7", rng.randint(1, 7))}[m]
        r = {"id": "%s%04d" % (prefix, i), "customer": "c%d" % rng.randint(0, 39),
             "time": "2026-%02d-%02dT%02d:%02d:00Z" % (rng.randint(2, 4), rng.randint(1, 28),
                                                      rng.randint(0, 23), rng.randint(0, 59)),
             "metric": m, "score": score, "channel": rng.choice(chans),
             "touchpoint": rng.choice(tps), "lang": rng.choice(langs)}
        if scale:
            r["scale"] = scale
        p = rng.choice(plans)
        if p:
            r["plan"] = p
        if rng.random() < 0.3:
            r["comment"] = rng.choice(["too slow, really", "charged twice", "great \"help\"",
                                       "ok", "ventet lenge på svar"])
        rows.append(r)
    return rows


def gen_events(rng, n, prefix):
    rows = []
    for i in range(n):
        cust = "c%d" % rng.randint(0, 39)
        t = "2026-%02d-%02dT%02d:%02d:00Z" % (rng.randint(2, 4), rng.randint(1, 28),
                                             rng.randint(0, 23), rng.randint(0, 59))
        kind = rng.choice(["call", "chat", "cart", "ticket", "sub"])
        e = {"id": "%s%04d" % (prefix, i), "customer": cust, "time": t}
        if kind in ("call", "chat"):
            e["type"] = "%s.%s" % (kind, rng.choice(["answered", "answered", "abandoned"]))
            e["channel"] = "phone" if kind == "call" else "chat"
            e["wait_s"] = rng.randint(0, 120)
            e["agent"] = rng.choice(["ana", "bo", "chi"])
        elif kind == "cart":
            e["type"] = rng.choice(["cart.created", "cart.created", "cart.purchased"])
            e["channel"] = "web"
            e["ref"] = "K%d" % rng.randint(0, 30)
            e["value"] = rng.randint(5, 500)
        elif kind == "ticket":
            e["type"] = rng.choice(["ticket.opened", "ticket.message", "ticket.transferred",
                                    "ticket.resolved", "ticket.reopened"])
            e["channel"] = rng.choice(["email", "chat"])
            e["ref"] = "T%d" % rng.randint(0, 25)
        else:
            e["type"] = rng.choice(["subscription.started", "subscription.renewed",
                                    "subscription.cancelled"])
            e["channel"] = "web"
            e["ref"] = "S%d" % rng.randint(0, 15)
        rows.append(e)
    return rows


def to_csv(rows, cols):
    import csv
    import io
    f = io.StringIO()
    w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    return f.getvalue()


def parse_metrics(t, text):
    """{(name, frozenset(labels)): value} of a Prometheus text exposition."""
    out = {}
    rx = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
    lrx = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = rx.match(line)
        if not t.check(m is not None, "metrics line does not parse: %r" % line):
            continue
        labels = frozenset(lrx.findall(m.group(3) or ""))
        try:
            out[(m.group(1), labels)] = float(m.group(4))
        except ValueError:
            t.check(False, "metrics value is not a number: %r" % line)
    return out


def main(t):
    rng = random.Random(20260302)
    t.section("setup: data (CLI import + API ingest), keys, server")
    d, admin = t.new_data("d")
    ingest = t.new_key(d, "ingest", "ingest-key")
    read = t.new_key(d, "read", "read-key")
    weird_name = 'we"ird\\name\twith tab'
    weird = t.new_key(d, "read", weird_name)
    names = {admin: "admin", ingest: "ingest-key", read: "read-key", weird: weird_name}
    secrets = list(names)

    cli_rows = gen_responses(rng, 240, "g")
    cols = ["id", "customer", "time", "metric", "score", "scale", "channel", "touchpoint",
            "lang", "comment", "plan"]
    csv_path = os.path.join(t.tmp, "responses.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write(to_csv(cli_rows, cols))
    t.cli_ok("import", "responses", "--data", d, os.path.join(REPO, "tests/data/report_responses.csv"))
    t.cli_ok("import", "responses", "--data", d, csv_path)

    srv = t.start_server(d)
    tally = Tally(srv, names)
    api_ingested = 0
    api_rejected = 0

    api_rows = gen_responses(rng, 160, "h")
    ev_rows = gen_events(rng, 300, "v")
    for kind, rows in (("responses", api_rows), ("events", ev_rows)):
        for i in range(0, len(rows), 100):
            st, h, b = srv.request("POST", "/api/v1/" + kind, body=ndjson(rows[i:i + 100]),
                                   key=ingest, ctype="application/x-ndjson")
            if st != 200:
                t.fatal("setup batch of %s: %r %r" % (kind, st, b[:500]))
            j = json.loads(b)
            t.check(j["inserted"] == len(rows[i:i + 100]) and j["rejected"] == 0,
                    "setup batch: %r" % {k: j[k] for k in ("inserted", "rejected")})
            api_ingested += j["inserted"]

    def req(method, path, **kw):
        return srv.request(method, path, **kw)

    def stored_response(rid):
        rows = t.export_rows(d, "responses")
        return rows.get(rid)

    # ------------------------------------------------------------------ 400
    t.section("400 bad request")
    good = response_row("bad-never-stored", customer="c-bad")
    cases = [
        ("invalid JSON", '{"id": "x", "customer":', "application/json"),
        ("trailing garbage", json.dumps(good) + " {}", "application/json"),
        ("empty body", "", "application/json"),
        ("a JSON array, not an object", "[1, 2]", "application/json"),
        ("a JSON string", '"hello"', "application/json"),
        ("NDJSON of blank lines", "\n\n\n", "application/x-ndjson"),
        ("empty NDJSON", "", "application/x-ndjson"),
    ]

    def nested(depth, sep=""):
        # an object (depth 1) holding an attribute nested depth-1 arrays deep
        inner = sep.join(["["] * (depth - 1)) + sep + "1" + sep + sep.join(["]"] * (depth - 1))
        body = dict(good)
        s = json.dumps(body)
        return s[:-1] + ', "deep": ' + inner + "}"

    cases += [
        ("JSON nested 33 deep", nested(33), "application/json"),
        ("JSON nested 100 deep", nested(100), "application/json"),
        ("JSON nested 33 deep over several lines", nested(33, "\n"), "application/json"),
        ("an NDJSON line nested 33 deep", ndjson([response_row("nd-ok")]) + nested(33) + "\n",
         "application/x-ndjson"),
    ]
    for what, body, ctype in cases:
        st, h, b = req("POST", "/api/v1/responses", body=body, key=ingest, ctype=ctype)
        check_error(t, "POST " + what, st, h, b, 400, "bad_request")
    # 32 levels are allowed
    st, h, b = req("POST", "/api/v1/responses", body=nested(32).replace("bad-never-stored",
                                                                         "deep-32"),
                   key=ingest, ctype="application/json")
    t.check(st == 201, "JSON nested exactly 32 deep is accepted: got %r %r" % (st, b[:200]))
    api_ingested += st == 201
    for what, q in [("metric=bogus", "metric=bogus"), ("empty metric list", "metric="),
                    ("unknown parameter", "colour=red"), ("unknown time zone", "tz=Nope/Zone"),
                    ("bad from date", "from=2026-13-01"), ("bad to", "to=yesterday"),
                    ("where without =", "where=novalue"), ("compare garbage", "compare=garbage"),
                    ("short_abandon not a number", "short_abandon=abc&metric=call_abandonment")]:
        st, h, b = req("GET", "/api/v1/report?" + q, key=read)
        check_error(t, "GET /api/v1/report?" + q + " (" + what + ")", st, h, b, 400,
                    "bad_request")
    st, h, b = req("GET", "/api/v1/customers/" + "x" * 129, key=read)
    check_error(t, "GET a customer id of 129 bytes", st, h, b, 400, "bad_request")

    # ------------------------------------------------------------ 401 / 403
    t.section("401 and 403")
    st, h, b = req("GET", "/api/v1/report")
    check_error(t, "GET /api/v1/report without a key", st, h, b, 401, "unauthorized")
    st, h, b = req("POST", "/api/v1/events", body=json.dumps(event_row("e-403")), key=read,
                   ctype="application/json")
    check_error(t, "POST /api/v1/events with a read key", st, h, b, 403, "forbidden")

    # ------------------------------------------------------------------ 404
    t.section("404 not found")
    for method, path, key in [("GET", "/api/v1/nope", read),
                              ("GET", "/api/v2/report", read), ("GET", "/api/v1/report/", read),
                              ("GET", "/api/v1/customers/a/b", read),
                              ("POST", "/api/v1/response", ingest),
                              ("GET", "/api/v1", read)]:
        st, h, b = req(method, path, key=key)
        check_error(t, "%s %s" % (method, path), st, h, b, 404, "not_found")
    # paths outside /api/ are the dashboard's: without a session, the login
    for path in ("/nope", "/", "/metrics/x"):
        st, h, b = req("GET", path, key=read)
        t.check(st == 303 and h.get("location", "").startswith("/login"),
                "GET %s without a session: 303 to the login page, got %r %r"
                % (path, st, h.get("location")))
    for cust in ("nobody", "c%C3%B8-nobody", "c%2099"):
        st, h, b = req("GET", "/api/v1/customers/" + cust, key=read)
        check_error(t, "GET unknown customer " + cust, st, h, b, 404, "not_found")
    st, h, b = req("DELETE", "/api/v1/customers/nobody", key=admin)
    check_error(t, "DELETE unknown customer", st, h, b, 404, "not_found")

    # ------------------------------------------------------------------ 405
    t.section("405 method not allowed, with Allow")
    for method, path, allow in [("PUT", "/api/v1/report", {"GET"}),
                                ("DELETE", "/api/v1/report", {"GET"}),
                                ("POST", "/api/v1/report", {"GET"}),
                                ("POST", "/healthz", {"GET"}),
                                ("DELETE", "/api/v1/openapi.json", {"GET"}),
                                ("GET", "/api/v1/responses", {"POST"}),
                                ("PUT", "/api/v1/events", {"POST"}),
                                ("PATCH", "/api/v1/customers/c1", {"GET", "DELETE"}),
                                ("POST", "/api/v1/customers/c1", {"GET", "DELETE"}),
                                ("PUT", "/metrics", {"GET"})]:
        st, h, b = req(method, path, key=admin, body="{}" if method in ("PUT", "POST", "PATCH")
                       else None, ctype="application/json")
        check_error(t, "%s %s" % (method, path), st, h, b, 405, "method_not_allowed")
        got = {m.strip() for m in h.get("allow", "").split(",") if m.strip()}
        t.check(got == allow, "%s %s: Allow should be %s, got %r" % (method, path, sorted(allow),
                                                                     h.get("allow")))
    rc, out, err = t.cli("customer", "c1", "--format", "json", "--data", d)
    t.check(rc == 0, "405 answers must not touch data: customer c1 lost")

    # ------------------------------------------------------------------ 409
    t.section("409 conflict with create_only, 200 unchanged for identical content")
    row = response_row("co-1", customer="c-co", score=7)
    st, h, b = req("POST", "/api/v1/responses?create_only=true", body=json.dumps(row),
                   key=ingest, ctype="application/json")
    t.check(st == 201, "create_only with a new id: expected 201, got %r %r" % (st, b))
    api_ingested += st == 201
    st, h, b = req("POST", "/api/v1/responses?create_only=true", body=json.dumps(row),
                   key=ingest, ctype="application/json")
    t.check(st == 200 and json.loads(b or b"null") == {"id": "co-1", "result": "unchanged"},
            "create_only, identical content: expected 200 unchanged, got %r %r" % (st, b))
    api_ingested += st == 200
    same_instant = dict(row, time="2026-03-02T11:00:00+01:00")
    st, h, b = req("POST", "/api/v1/responses?create_only=true", body=json.dumps(same_instant),
                   key=ingest, ctype="application/json")
    t.check(st == 200 and json.loads(b or b"null") == {"id": "co-1", "result": "unchanged"},
            "create_only, the same instant in another offset: expected 200 unchanged, got %r %r"
            % (st, b))
    api_ingested += st == 200
    st, h, b = req("POST", "/api/v1/responses?create_only=true",
                   body=json.dumps(dict(row, score=2)), key=ingest, ctype="application/json")
    check_error(t, "create_only with different content", st, h, b, 409, "conflict")
    ev = event_row("co-ev", customer="c-co")
    st, h, b = req("POST", "/api/v1/events?create_only=true", body=json.dumps(ev), key=ingest,
                   ctype="application/json")
    t.check(st == 201, "event create_only new: %r %r" % (st, b))
    api_ingested += st == 201
    st, h, b = req("POST", "/api/v1/events?create_only=true",
                   body=json.dumps(dict(ev, type="call.abandoned")), key=ingest,
                   ctype="application/json")
    check_error(t, "event create_only with different content", st, h, b, 409, "conflict")
    # create_only in an NDJSON batch: the conflicting row is refused, the others stored
    batch = [response_row("co-2", customer="c-co", score=8), dict(row),
             dict(row, score=1)]
    st, h, b = req("POST", "/api/v1/responses?create_only=true", body=ndjson(batch), key=ingest,
                   ctype="application/x-ndjson")
    try:
        j = json.loads(b)
    except ValueError:
        j = {}
    t.check(st == 200, "create_only batch with one conflict: expected 200, got %r %r" % (st, b))
    t.check_eq((1, 1, 0, 1), tuple(j.get(k) for k in ("inserted", "unchanged", "updated",
                                                       "rejected")),
               "create_only batch counts (inserted, unchanged, updated, rejected)")
    res = j.get("results") or [{}, {}, {}]
    t.check(len(res) == 3 and res[2].get("line") == 3 and "error" in res[2]
            and res[2].get("result") not in ("updated", "inserted", "unchanged"),
            "create_only batch: line 3 must be refused, results %r" % res)
    api_ingested += 2
    api_rejected += 1
    r = stored_response("co-1")
    t.check(r is not None and str(r.get("score")) == "7",
            "a refused create_only must leave the stored row as it was: %r" % r)
    t.check(stored_response("co-2") is not None, "co-2 of the create_only batch is not stored")
    # without create_only the same change is an update
    st, h, b = req("POST", "/api/v1/responses", body=json.dumps(dict(row, score=2)), key=ingest,
                   ctype="application/json")
    t.check(st == 200 and json.loads(b or b"null") == {"id": "co-1", "result": "updated"},
            "without create_only a change is 200 updated: %r %r" % (st, b))
    api_ingested += st == 200

    # ------------------------------------------------------------------ 415
    t.section("415 unsupported media type")
    body = json.dumps(response_row("ct-never", customer="c-ct"))
    for ctype in ("text/plain", None, "application/xml", "application/jsonx", "text/json",
                  "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
        st, h, b = req("POST", "/api/v1/responses", body=body, key=ingest, ctype=ctype)
        check_error(t, "POST with Content-Type %r" % ctype, st, h, b, 415,
                    "unsupported_media_type")
    for ctype, rid in (("application/json; charset=utf-8", "ct-1"), ("Application/JSON", "ct-2")):
        st, h, b = req("POST", "/api/v1/responses", body=json.dumps(response_row(rid)),
                       key=ingest, ctype=ctype)
        t.check(st == 201, "Content-Type %r is JSON: expected 201, got %r %r" % (ctype, st, b))
        api_ingested += st == 201
    st, h, b = req("POST", "/api/v1/events", body=ndjson([event_row("ct-3")]), key=ingest,
                   ctype="application/ndjson")
    t.check(st == 200, "Content-Type application/ndjson is a batch: got %r %r" % (st, b))
    api_ingested += st == 200

    # ------------------------------------------------------------------ 422
    t.section("422 unprocessable rows")
    for what, row, field in [
            ("score out of the scale", response_row("u-1", score=11), "score"),
            ("score not an integer", response_row("u-2", score=4.5), "score"),
            ("no customer", {k: v for k, v in response_row("u-3").items() if k != "customer"},
             "customer"),
            ("time without an offset", response_row("u-4", time="2026-03-01T10:00:00"), "time"),
            ("unknown metric", response_row("u-5", metric="happiness"), "metric"),
            ("id of 129 bytes", response_row("u" * 129), "id")]:
        st, h, b = req("POST", "/api/v1/responses", body=json.dumps(row), key=ingest,
                       ctype="application/json")
        e = check_error(t, "POST a row with " + what, st, h, b, 422, "unprocessable")
        if e:
            t.check(e.get("field") == field, "%s: error.field should be %r, got %r"
                    % (what, field, e.get("field")))
            t.check(isinstance(e.get("reason"), str) and e.get("reason"),
                    "%s: error.reason missing: %r" % (what, e))
        api_rejected += 1
    st, h, b = req("POST", "/api/v1/events",
                   body=json.dumps({k: v for k, v in event_row("u-6").items() if k != "type"}),
                   key=ingest, ctype="application/json")
    e = check_error(t, "POST an event without type", st, h, b, 422, "unprocessable")
    t.check(e is not None and e.get("field") == "type", "event without type: field %r" % (e,))
    api_rejected += 1
    st, h, b = req("POST", "/api/v1/responses",
                   body=ndjson([response_row("u-7", score=12), response_row("u-8", score=-1)]),
                   key=ingest, ctype="application/x-ndjson")
    e = check_error(t, "an NDJSON batch whose every row is bad", st, h, b, 422, "unprocessable")
    try:
        j = json.loads(b)
        t.check(j.get("rejected") == 2 and [x.get("line") for x in j.get("results", [])] == [1, 2],
                "an all-bad batch still reports its rows: %r" % j)
    except ValueError:
        pass
    api_rejected += 2
    ids = set(t.export_ids(d, "responses"))
    for bad in ("bad-never-stored", "nd-ok", "ct-never", "u-1", "u-7", "u-8"):
        t.check(bad not in ids, "%s was stored by a refused request" % bad)

    # ----------------------------------------------------- report == CLI
    t.section("GET /api/v1/report == cxpulse report --format json")
    queries = [
        [],
        [("metric", "nps,csat,ces,csat_mean,ces_easy"), ("by", "channel")],
        [("metric", "nps"), ("by", "week,touchpoint")],
        [("by", "lang"), ("where", "plan=Pro")],
        [("metric", "nps,csat"), ("where", "channel=Email"), ("where", "plan=Basic")],
        [("metric", "nps"), ("from", "2026-03-01"), ("to", "2026-03-31"),
         ("compare", "previous")],
        [("metric", "nps,ces"), ("by", "day"), ("tz", "America/New_York"),
         ("from", "2026-03-01"), ("to", "2026-03-07")],
        [("metric", "call_abandonment,chat_abandonment,avg_wait"), ("by", "month,agent"),
         ("short_abandon", "10")],
        [("metric", "cart_abandonment,fcr,resolution_hours,resolution_hours_p90,transfers"),
         ("by", "month")],
        [("metric", "churn"), ("from", "2026-03-01"), ("to", "2026-03-31")],
        [("metric", "nps"), ("by", "quarter,plan"), ("from", "2026-02-10T00:00:00Z"),
         ("to", "2026-04-01T12:00:00+02:00")],
        [("metric", "csat"), ("where", "plan=")],
        [("metric", "nps"), ("where", "plan=nothing-matches")],
    ]
    flag = {"metric": "--metric", "by": "--by", "from": "--from", "to": "--to",
            "where": "--where", "tz": "--tz", "compare": "--compare",
            "short_abandon": "--short-abandon"}
    for q in queries:
        qs = urllib.parse.urlencode(q)
        st, h, b = req("GET", "/api/v1/report" + ("?" + qs if qs else ""), key=read)
        args = []
        for k, v in q:
            args += [flag[k], v]
        rc, out, err = t.cli("report", "--format", "json", "--data", d, *args)
        if not t.check(rc == 0 and st == 200, "report %s: CLI exit %d, HTTP %r: %s %r"
                       % (qs, rc, st, err[:300], b[:300])):
            continue
        t.check(h.get("content-type", "").startswith("application/json"),
                "report %s: Content-Type %r" % (qs, h.get("content-type")))
        t.check(b.decode("utf-8") == out, "report %s: the API answer differs from the CLI:\n"
                "api: %s\ncli: %s" % (qs, b[:600], out[:600]))
        try:
            j = json.loads(b)
            t.check(isinstance(j, list) and (q == [("metric", "nps"),
                                                   ("where", "plan=nothing-matches")] or j),
                    "report %s: expected a non-empty JSON array: %r" % (qs, b[:200]))
        except ValueError:
            t.check(False, "report %s: not JSON: %r" % (qs, b[:300]))

    t.section("GET /api/v1/customers/ID == cxpulse customer ID --format json")
    for cust in ("c1", "c5", "c17", "c-co", "c33"):
        st, h, b = req("GET", "/api/v1/customers/" + urllib.parse.quote(cust, safe=""), key=read)
        rc, out, err = t.cli("customer", cust, "--format", "json", "--data", d)
        if not t.check(st == 200 and rc == 0, "customer %s: HTTP %r, CLI %d" % (cust, st, rc)):
            continue
        try:
            a, c = json.loads(b), json.loads(out)
            t.check(a == c, "customer %s: API and CLI differ:\napi: %s\ncli: %s"
                    % (cust, json.dumps(a)[:800], json.dumps(c)[:800]))
            t.check(len(a.get("items", [])) > 1 and a.get("customer") == cust,
                    "customer %s: expected a journey of several items: %r" % (cust, a))
        except ValueError:
            t.check(False, "customer %s: not JSON" % cust)
    # a customer id that needs escaping in the URL
    odd = "kunde ø+1"
    st, h, b = req("POST", "/api/v1/responses", body=json.dumps(response_row("odd-1",
                                                                            customer=odd)),
                   key=ingest, ctype="application/json")
    t.check(st == 201, "POST for customer %r: %r" % (odd, st))
    api_ingested += st == 201
    st, h, b = req("GET", "/api/v1/customers/" + urllib.parse.quote(odd, safe=""), key=read)
    rc, out, err = t.cli("customer", odd, "--format", "json", "--data", d)
    t.check(st == 200 and rc == 0 and json.loads(b) == json.loads(out),
            "customer %r (URL-escaped): HTTP %r %r vs CLI %r" % (odd, st, b[:300], out[:300]))

    # ----------------------------------------------------------- openapi
    t.section("openapi.json: the document, every documented route served, others 405")
    st, h, b = req("GET", "/api/v1/openapi.json")
    try:
        served = json.loads(b)
    except ValueError:
        served = None
        t.check(False, "openapi.json does not parse: %r" % b[:300])
    with open(os.path.join(REPO, "docs", "openapi.json"), encoding="utf-8") as f:
        doc = json.load(f)
    t.check(served == doc, "GET /api/v1/openapi.json is not docs/openapi.json")
    doc_methods = {}
    for path, item in (served or doc)["paths"].items():
        doc_methods[path] = {m.upper() for m in item if m in ("get", "post", "put", "patch",
                                                                "delete", "head", "options")}
    t.check(set(ROUTES) <= set(doc_methods),
            "the routes this test knows %s are not all documented in %s" % (sorted(ROUTES),
                                                                         sorted(doc_methods)))
    # survey routes, pages and the widget are covered by test_survey_api and
    # tests/unit/test_api.c; here only the routes above
    doc_methods = {p: m for p, m in doc_methods.items() if p in ROUTES}
    n = [0]
    ingested = [0]

    def sample(path, method):
        n[0] += 1
        if path == "/api/v1/customers/{id}":
            cust = "oa-%d" % n[0]
            rs, _, rb = req("POST", "/api/v1/responses", key=ingest, ctype="application/json",
                            body=json.dumps(response_row("oa-r%d" % n[0], customer=cust)))
            t.check(rs == 201, "openapi setup POST: %r %r" % (rs, rb))
            ingested[0] += rs == 201
            return path.replace("{id}", cust), None, None
        if method == "POST":
            rid = "oa-%d" % n[0]
            row = response_row(rid) if path.endswith("responses") else event_row(rid)
            return path, json.dumps(row), "application/json"
        return path, None, None

    for path, methods in sorted(doc_methods.items()):
        for method in sorted(methods):
            p, body, ctype = sample(path, method)
            st, h, b = req(method, p, key=admin, body=body, ctype=ctype)
            if method == "POST":
                api_ingested += st in (200, 201)
            t.check(200 <= st < 300, "documented %s %s (%s) is not served: %r %r"
                    % (method, path, p, st, b[:200]))
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            if method in methods:
                continue
            p, body, ctype = sample(path, "GET")
            st, h, b = req(method, p, key=admin, body=body, ctype=ctype)
            check_error(t, "undocumented %s %s" % (method, path), st, h, b, 405,
                        "method_not_allowed")
            got = {m.strip() for m in h.get("allow", "").split(",") if m.strip()}
            t.check(got == methods, "%s %s: Allow %r should list the documented methods %s"
                    % (method, path, h.get("allow"), sorted(methods)))

    api_ingested += ingested[0]

    # ----------------------------------------------------------- metrics
    t.section("/metrics")
    # count what this test sent and compare with the server's counters
    def counts(m):
        got = collections.Counter()
        for (name, labels), v in m.items():
            if name == "cxpulse_http_requests_total":
                lab = dict(labels)
                got[(lab.get("method"), lab.get("route"), int(lab.get("status", 0)))] += int(v)
        return got

    def sent_counts():
        sent = collections.Counter()
        for method, route, status, _, _ in tally.seen[:-1]:  # not this /metrics request
            sent[(method, route, status)] += 1
        return sent

    # a request is counted before its answer leaves; still, allow a moment
    class Quiet:
        @staticmethod
        def check(cond, msg):
            return bool(cond)

    for attempt in range(5):
        st, h, b = srv.request("GET", "/metrics", key=read)
        if st != 200 or counts(parse_metrics(Quiet, b.decode("utf-8", "replace"))) \
                == sent_counts():
            break
        time.sleep(0.1)
    t.check(st == 200, "GET /metrics: %r" % st)
    t.check(h.get("content-type", "").startswith("text/plain"),
            "GET /metrics Content-Type %r" % h.get("content-type"))
    text = b.decode("utf-8", "replace")
    for name in ("cxpulse_http_requests_total", "cxpulse_http_request_duration_seconds_bucket",
                 "cxpulse_http_request_duration_seconds_count",
                 "cxpulse_http_request_duration_seconds_sum", "cxpulse_rows_ingested_total",
                 "cxpulse_rows_rejected_total", "cxpulse_store_bytes"):
        t.check(re.search(r"^%s[{ ]" % name, text, re.M), "/metrics lacks %s" % name)
    t.check("# TYPE cxpulse_http_request_duration_seconds histogram" in text,
            "the latency metric is not declared a histogram")
    m = parse_metrics(t, text)
    sent = sent_counts()
    for (name, labels), v in m.items():
        if name == "cxpulse_http_requests_total":
            t.check(set(dict(labels)) >= {"route", "status", "method"},
                    "cxpulse_http_requests_total labels: %r" % dict(labels))
    got = counts(m)
    t.check(got == sent, "cxpulse_http_requests_total does not count what was sent:\n"
            "missing/short: %r\nextra: %r" % (dict(sent - got), dict(got - sent)))
    per_route = collections.Counter()
    for (method, route, status), c in sent.items():
        per_route[route] += c
    for route, c in per_route.items():
        bucket = sorted(((float(dict(lb)["le"]) if dict(lb)["le"] != "+Inf" else float("inf")), v)
                        for (name, lb), v in m.items()
                        if name == "cxpulse_http_request_duration_seconds_bucket"
                        and dict(lb).get("route") == route)
        cnt = m.get(("cxpulse_http_request_duration_seconds_count",
                     frozenset({("route", route)})))
        t.check(cnt == c, "histogram count of %s: %r, %d requests were sent" % (route, cnt, c))
        t.check(bucket and bucket[-1][0] == float("inf") and bucket[-1][1] == c,
                "histogram of %s lacks a +Inf bucket equal to the count: %r" % (route, bucket[-3:]))
        t.check(all(bucket[i][1] <= bucket[i + 1][1] for i in range(len(bucket) - 1)),
                "histogram buckets of %s are not cumulative: %r" % (route, bucket))
    t.check_eq(api_ingested + 0.0, m.get(("cxpulse_rows_ingested_total", frozenset())),
               "cxpulse_rows_ingested_total == rows the API acknowledged")
    t.check_eq(api_rejected + 0.0, m.get(("cxpulse_rows_rejected_total", frozenset())),
               "cxpulse_rows_rejected_total == rows the API rejected")
    db = m.get(("cxpulse_store_bytes", frozenset({("file", "db")})))
    t.check(db is not None and db > 0 and db <= os.path.getsize(os.path.join(d, "cxpulse.db"))
            * 2, "cxpulse_store_bytes{file=db} = %r, the file has %d bytes"
            % (db, os.path.getsize(os.path.join(d, "cxpulse.db"))))

    # ---------------------------------------------------------- access log
    t.section("access log: one JSON line per request, no secrets")
    st, h, b = req("GET", "/api/v1/report?metric=nps", key=weird)
    t.check(st == 200, "GET with the oddly named key: %r" % st)
    want = len(tally.seen)
    deadline = time.monotonic() + 3
    lines = srv.access_log_lines()
    while len(lines) < want and time.monotonic() < deadline:
        time.sleep(0.05)
        lines = srv.access_log_lines()
    t.check(len(lines) == want, "access log: %d lines for %d requests (while the server runs)"
            % (len(lines), want))
    logged = collections.Counter()
    for i, line in enumerate(lines):
        try:
            j = json.loads(line)
        except ValueError:
            t.check(False, "access log line %d is not JSON: %r" % (i + 1, line))
            continue
        ok = t.check(isinstance(j, dict) and all(k in j for k in ("method", "route", "status",
                                                                  "bytes", "duration_ms", "key")),
                     "access log line %d lacks fields: %r" % (i + 1, line))
        if not ok:
            continue
        t.check(isinstance(j["duration_ms"], (int, float)) and 0 <= j["duration_ms"] < 60000,
                "access log line %d: duration_ms %r" % (i + 1, j["duration_ms"]))
        logged[(j["method"], j["route"], j["status"], j["bytes"], j["key"])] += 1
    expected = collections.Counter(tally.seen)
    t.check(logged == expected, "access log entries differ from the requests sent:\n"
            "not logged: %r\nunexpected: %r" % (list((expected - logged).items())[:10],
                                                list((logged - expected).items())[:10]))
    t.check(any(k[4] == weird_name for k in logged),
            "the key name %r is not logged as such" % weird_name)

    # ------------------------------------------------------- 413 and 429
    t.section("413 payload too large (--max-body 1000, --max-batch 3)")
    d2, admin2 = t.new_data("d2")
    srv2 = t.start_server(d2, "--max-body", "1000", "--max-batch", "3", name="limits")
    base = json.dumps(response_row("size-ok", comment=""))
    exact = base.replace('"comment": ""', '"comment": "%s"' % ("x" * (1000 - len(base))))
    t.check(len(exact) == 1000, "test bug: body of %d bytes" % len(exact))
    st, h, b = srv2.request("POST", "/api/v1/responses", body=exact, key=admin2,
                            ctype="application/json")
    t.check(st == 201, "a body of exactly --max-body bytes is accepted: %r %r" % (st, b))
    over = exact.replace("size-ok", "size-no1")  # 1001 bytes
    st, h, b = srv2.request("POST", "/api/v1/responses", body=over, key=admin2,
                            ctype="application/json")
    check_error(t, "a body of 1001 bytes", st, h, b, 413, "payload_too_large")
    st, h, b = srv2.request("POST", "/api/v1/responses", body="x" * 200000, key=admin2,
                            ctype="application/json")
    check_error(t, "a body of 200000 bytes", st, h, b, 413, "payload_too_large")
    # chunked: no Content-Length, the limit applies while reading
    c = http.client.HTTPConnection(HOST, srv2.port, timeout=10)
    try:
        c.putrequest("POST", "/api/v1/responses")
        c.putheader("Authorization", "Bearer " + admin2)
        c.putheader("Content-Type", "application/x-ndjson")
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        line = (json.dumps(response_row("chunk-%d")) + "\n").encode()
        for i in range(20):
            chunk = line.replace(b"%d", str(i).encode())
            c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        st, b, h = r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
        check_error(t, "a chunked body over --max-body", st, h, b, 413, "payload_too_large")
    except OSError as e:
        t.check(False, "chunked over-limit request failed at the socket: %r" % e)
    finally:
        c.close()
    rows4 = [response_row("batch-%d" % i) for i in range(4)]
    st, h, b = srv2.request("POST", "/api/v1/responses", body=ndjson(rows4), key=admin2,
                            ctype="application/x-ndjson")
    check_error(t, "an NDJSON batch of 4 rows over --max-batch 3", st, h, b, 413,
                "payload_too_large")
    st, h, b = srv2.request("POST", "/api/v1/responses", body=ndjson(rows4[:3]), key=admin2,
                            ctype="application/x-ndjson")
    t.check(st == 200 and json.loads(b).get("inserted") == 3,
            "a batch of exactly --max-batch rows is stored: %r %r" % (st, b))
    st, h, b = srv2.request("GET", "/healthz")
    t.check(st == 200, "the server still answers after 413s: %r" % st)
    srv2.stop_and_check()
    ids = t.export_ids(d2, "responses")
    t.check_eq(sorted(["size-ok", "batch-0", "batch-1", "batch-2"]), sorted(ids),
               "rows stored by the limits server (413s store nothing)")

    t.section("429 rate limited (--rate-limit 5)")
    other = t.new_key(d2, "read", "other")
    srv3 = t.start_server(d2, "--rate-limit", "5", name="ratelimit")
    statuses = []
    h429 = b429 = None
    t0 = time.monotonic()
    for i in range(40):
        st, h, b = srv3.request("GET", "/api/v1/report", key=admin2)
        statuses.append(st)
        if st == 429:
            h429, b429 = h, b
            break
    took = time.monotonic() - t0
    ok_before = statuses.count(200)
    t.check(statuses[-1] == 429 and set(statuses[:-1]) == {200},
            "a burst should give 200s, then 429: %r" % statuses)
    # burst 2N = 10, plus what refilled at 5/s meanwhile
    t.check(10 <= ok_before <= 10 + int(took * 5) + 1,
            "%d requests passed before the first 429 in %.2fs (burst 10, 5/s)" % (ok_before, took))
    if h429 is not None:
        check_error(t, "the 429 answer", 429, h429, b429, 429, "rate_limited")
        ra = h429.get("retry-after")
        t.check(ra is not None and ra.isdigit() and 1 <= int(ra) <= 5,
                "429 needs a Retry-After of whole seconds, got %r" % ra)
        st, h, b = srv3.request("GET", "/api/v1/report", key=other)
        t.check(st == 200, "the limit is per key: another key got %r" % st)
        st, h, b = srv3.request("GET", "/healthz")
        t.check(st == 200, "public routes are not rate limited by a key's bucket: %r" % st)
        time.sleep(int(ra) if ra and ra.isdigit() else 1)
        st, h, b = srv3.request("GET", "/api/v1/report", key=admin2)
        t.check(st == 200, "after Retry-After seconds the key may go on: %r" % st)
    srv3.stop_and_check()

    t.section("503 is not provoked here (needs a failing store)")

    srv.stop_and_check()
    t.section("no key secret in any access log")
    for s in t.servers:
        try:
            with open(s.log_path, "rb") as f:
                raw = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        for k in secrets + [admin2, other]:
            t.check(k[17:] not in raw, "access log of %s holds a key secret" % s.name)
        for i, line in enumerate(raw.splitlines()):
            try:
                json.loads(line)
            except ValueError:
                t.check(False, "%s access log line %d is not JSON: %r" % (s.name, i + 1, line))


if __name__ == "__main__":
    Test("server_errors", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
