"""server_ingest.py - ingestion through `cxpulse serve` (run by
test_server_ingest.sh as: python3 server_ingest.py BIN).

1. Idempotent retries: 201 inserted, 200 unchanged (also after
   normalisation), 200 updated; reports follow the last write.
2. An NDJSON batch with bad rows: good rows stored, bad rows reported with
   their line numbers, counts right, results in line order.
3. 16 client threads POSTing unique ids (single objects, NDJSON batches,
   some retries and bad rows) for a few seconds: every acknowledged id is
   stored exactly once and nothing else is.
"""

import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import HOST, Test, event_row, ndjson, response_row  # noqa: E402

LOAD_SECONDS = 3.0
THREADS = 16


def post(srv, kind, body, key, batch=False, conn=None, query=""):
    st, h, b = srv.request("POST", "/api/v1/" + kind + query, body=body, key=key,
                           ctype="application/x-ndjson" if batch else "application/json",
                           conn=conn)
    try:
        j = json.loads(b)
    except ValueError:
        j = None
    return st, j, b


def report(srv, key, **q):
    st, h, b = srv.request("GET", "/api/v1/report?" + urllib.parse.urlencode(q), key=key)
    try:
        return st, json.loads(b)
    except ValueError:
        return st, None


def idempotency(t, srv, d, key):
    t.section("idempotent retries of single objects")
    row = response_row("idem-1", customer="c-idem", score=10, channel="email", suite="idem")
    expect = [
        ("first POST", row, 201, "inserted"),
        ("the same POST again (a retry)", row, 200, "unchanged"),
        ("the same instant with another offset", dict(row, time="2026-03-02T11:00:00+01:00"),
         200, "unchanged"),
        ("the same instant as Unix seconds", dict(row, time=1772445600), 200, "unchanged"),
        ("metric and channel in other case", dict(row, metric="NPS", channel="EMAIL"), 200,
         "unchanged"),
        ("the default scale written out", dict(row, scale="0-10"), 200, "unchanged"),
        ("score as a digit string", dict(row, score="10"), 200, "unchanged"),
    ]
    for what, r, want_st, want_res in expect:
        st, j, b = post(srv, "responses", json.dumps(r), key)
        t.check(st == want_st and j == {"id": "idem-1", "result": want_res},
                "%s: expected %d %s, got %r %r" % (what, want_st, want_res, st, b))
    st, rep = report(srv, key, metric="nps", where="suite=idem")
    t.check(st == 200 and rep and rep[0].get("n") == 1 and rep[0].get("value") == 100
            and rep[0].get("promoters") == 1,
            "after retries the report counts the response once, as a promoter: %r" % rep)

    st, j, b = post(srv, "responses", json.dumps(dict(row, score=0)), key)
    t.check(st == 200 and j == {"id": "idem-1", "result": "updated"},
            "changed score: expected 200 updated, got %r %r" % (st, b))
    st, j, b = post(srv, "responses", json.dumps(dict(row, score=0)), key)
    t.check(st == 200 and j == {"id": "idem-1", "result": "unchanged"},
            "retry of the update: expected 200 unchanged, got %r %r" % (st, b))
    st, rep = report(srv, key, metric="nps", where="suite=idem")
    t.check(st == 200 and rep and rep[0].get("n") == 1 and rep[0].get("value") == -100
            and rep[0].get("detractors") == 1 and rep[0].get("promoters") == 0,
            "the report follows the last write (one detractor): %r" % rep)
    st, j, b = post(srv, "responses", json.dumps(dict(row, score=0, channel="sms")), key)
    t.check(st == 200 and j == {"id": "idem-1", "result": "updated"},
            "changed channel: expected 200 updated, got %r %r" % (st, b))
    st, rep = report(srv, key, metric="nps", by="channel", where="suite=idem")
    t.check(st == 200 and [(x.get("channel"), x.get("n")) for x in rep or []] == [("sms", 1)],
            "the report by channel moves the row to its new channel: %r" % rep)

    ev = event_row("idem-e1", customer="c-idem", typ="call.answered", wait_s=30)
    for what, r, want_st, want_res in [
            ("event first POST", ev, 201, "inserted"),
            ("event retry", ev, 200, "unchanged"),
            ("event wait_s as 30.0", dict(ev, wait_s=30.0), 200, "unchanged"),
            ("event changed type", dict(ev, type="call.abandoned"), 200, "updated"),
            ("event retry of the change", dict(ev, type="call.abandoned"), 200, "unchanged")]:
        st, j, b = post(srv, "events", json.dumps(r), key)
        t.check(st == want_st and j == {"id": "idem-e1", "result": want_res},
                "%s: expected %d %s, got %r %r" % (what, want_st, want_res, st, b))
    # responses and events have separate id spaces
    st, j, b = post(srv, "events", json.dumps(event_row("idem-1", customer="c-idem")), key)
    t.check(st == 201, "an event may reuse a response's id: %r %r" % (st, b))

    t.section("idempotent retries of NDJSON batches")
    rows = [response_row("idem-b%d" % i, customer="c-idem", score=i, suite="idem-b")
            for i in range(5)]
    st, j, b = post(srv, "responses", ndjson(rows), key, batch=True)
    t.check(st == 200 and j and (j["inserted"], j["unchanged"], j["updated"], j["rejected"])
            == (5, 0, 0, 0), "first batch: %r %r" % (st, b))
    st, j, b = post(srv, "responses", ndjson(rows), key, batch=True)
    t.check(st == 200 and j and (j["inserted"], j["unchanged"], j["updated"], j["rejected"])
            == (0, 5, 0, 0), "the batch again: all unchanged: %r %r" % (st, b))
    rows[3] = dict(rows[3], score=10)
    st, j, b = post(srv, "responses", ndjson(rows), key, batch=True)
    t.check(st == 200 and j and (j["inserted"], j["unchanged"], j["updated"], j["rejected"])
            == (0, 4, 1, 0) and j["results"][3] == {"line": 4, "id": "idem-b3",
                                                    "result": "updated"},
            "the batch with one row changed: %r %r" % (st, b))
    st, rep = report(srv, key, metric="nps", where="suite=idem-b")
    # scores 0,1,2,10,4: one promoter, four detractors
    t.check(st == 200 and rep and (rep[0].get("n"), rep[0].get("promoters"),
                                   rep[0].get("detractors")) == (5, 1, 4),
            "the report follows the batch's last write: %r" % rep)
    stored = t.export_rows(d, "responses")
    t.check(str(stored.get("idem-1", {}).get("score")) == "0"
            and stored.get("idem-1", {}).get("channel") == "sms",
            "export shows the last write of idem-1: %r" % stored.get("idem-1"))
    events = t.export_rows(d, "events")
    t.check(events.get("idem-e1", {}).get("type") == "call.abandoned",
            "export shows the last write of idem-e1: %r" % events.get("idem-e1"))


def bad_rows(t, srv, d, key):
    t.section("an NDJSON batch with bad rows")
    no_customer = {k: v for k, v in response_row("mix-4").items() if k != "customer"}
    lines = [
        json.dumps(response_row("mix-1", score=3, suite="mix")),    # 1 good
        json.dumps(response_row("mix-2", score=11, suite="mix")),   # 2 bad score
        "",                                                          # 3 blank
        '{"id": "mix-x", "customer": ',                              # 4 invalid JSON
        json.dumps(response_row("mix-3", score=9, suite="mix")),    # 5 good
        json.dumps(no_customer),                                     # 6 no customer
        json.dumps(response_row("mix-5", score=8, suite="mix")),    # 7 good
        "[1, 2]",                                                    # 8 not an object
        json.dumps(response_row("mix-1", score=10, suite="mix")),   # 9 same id as 1: updated
        json.dumps(response_row("mix-6", time="2026-02-30T10:00:00Z", suite="mix")),  # 10 date
        json.dumps(response_row("mix-7", metric="ces", score=6, suite="mix")),       # 11 good
    ]
    st, j, b = post(srv, "responses", "\n".join(lines) + "\n", key, batch=True)
    if not t.check(st == 200 and isinstance(j, dict), "mixed batch: expected 200 with a "
                   "result, got %r %r" % (st, b[:500])):
        return
    t.check_eq((4, 0, 1, 5), (j.get("inserted"), j.get("unchanged"), j.get("updated"),
                              j.get("rejected")),
               "mixed batch counts (inserted, unchanged, updated, rejected)")
    res = j.get("results", [])
    t.check_eq([1, 2, 4, 5, 6, 7, 8, 9, 10, 11], [r.get("line") for r in res],
               "mixed batch: one result per non-blank line, in line order")
    by_line = {r.get("line"): r for r in res}
    for line, rid, result in [(1, "mix-1", "inserted"), (5, "mix-3", "inserted"),
                              (7, "mix-5", "inserted"), (9, "mix-1", "updated"),
                              (11, "mix-7", "inserted")]:
        r = by_line.get(line, {})
        t.check(r.get("id") == rid and r.get("result") == result and "error" not in r,
                "line %d should be %s %s: %r" % (line, rid, result, r))
    for line, field in [(2, "score"), (4, None), (6, "customer"), (8, None), (10, "time")]:
        r = by_line.get(line, {})
        e = r.get("error")
        ok = t.check(isinstance(e, dict) and isinstance(e.get("reason"), str) and e["reason"]
                     and "result" not in r, "line %d should be rejected with a reason: %r"
                     % (line, r))
        if ok and field:
            t.check(e.get("field") == field, "line %d: field should be %r, got %r"
                    % (line, field, e.get("field")))
    stored = t.export_rows(d, "responses")
    for rid in ("mix-1", "mix-3", "mix-5", "mix-7"):
        t.check(rid in stored, "good row %s of the mixed batch is not stored" % rid)
    for rid in ("mix-2", "mix-x", "mix-4", "mix-6"):
        t.check(rid not in stored, "bad row %s of the mixed batch was stored" % rid)
    t.check(str(stored.get("mix-1", {}).get("score")) == "10",
            "rows of a batch apply in line order: mix-1 should hold line 9's score: %r"
            % stored.get("mix-1"))
    st, rep = report(srv, key, metric="nps,ces", where="suite=mix")
    t.check(st == 200 and rep and [(x["metric"], x["n"]) for x in rep] == [("nps", 3),
                                                                          ("ces", 1)],
            "the report counts the good rows of the mixed batch: %r" % rep)


def load(t, bin_key, d, srv):
    t.section("%d threads POSTing unique ids for %.0fs" % (THREADS, LOAD_SECONDS))
    acked = {"responses": [], "events": []}
    uncertain = {"responses": [], "events": []}
    rows_ok = [0]
    rejected = [0]
    problems = []
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS
    chans = ["email", "sms", "web", "chat"]

    def worker(w):
        rng = random.Random(w)
        conn = http.client.HTTPConnection(HOST, srv.port, timeout=30)
        n = 0
        last_single = None
        requests = 0
        while time.monotonic() < stop and requests < 5000:
            requests += 1
            n += 1
            kind = "responses" if rng.random() < 0.6 else "events"

            def mk(i):
                rid = "L%02d-%05d-%d" % (w, n, i)
                if kind == "responses":
                    m = rng.choice(["nps", "csat", "ces"])
                    score = {"nps": rng.randint(0, 10), "csat": rng.randint(1, 5),
                             "ces": rng.randint(1, 7)}[m]
                    return response_row(rid, customer="lc%d" % rng.randint(0, 200), metric=m,
                                        score=score, channel=rng.choice(chans),
                                        time="2026-03-%02dT%02d:00:00Z" % (rng.randint(1, 28),
                                                                          rng.randint(0, 23)))
                return event_row(rid, customer="lc%d" % rng.randint(0, 200),
                                 typ=rng.choice(["call.answered", "call.abandoned"]),
                                 wait_s=rng.randint(0, 90))
            r = rng.random()
            try:
                if r < 0.1 and last_single is not None:
                    # a retry of the last single object: unchanged, nothing new
                    k, row = last_single
                    st, j, b = post(srv, k, json.dumps(row), bin_key, conn=conn)
                    with lock:
                        if st == 200 and j == {"id": row["id"], "result": "unchanged"}:
                            rows_ok[0] += 1
                        else:
                            problems.append("retry of %s: %r %r" % (row["id"], st, b[:200]))
                elif r < 0.55:
                    row = mk(0)
                    try:
                        st, j, b = post(srv, kind, json.dumps(row), bin_key, conn=conn)
                    except (OSError, http.client.HTTPException):
                        with lock:
                            uncertain[kind].append(row["id"])
                        raise
                    with lock:
                        if st == 201 and j == {"id": row["id"], "result": "inserted"}:
                            acked[kind].append(row["id"])
                            rows_ok[0] += 1
                            last_single = (kind, row)
                        else:
                            uncertain[kind].append(row["id"])
                            problems.append("single %s: %r %r" % (row["id"], st, b[:200]))
                else:
                    rows = [mk(i) for i in range(rng.randint(2, 6))]
                    bad = None
                    if rng.random() < 0.2:  # one bad row in the batch
                        bad = rng.randrange(len(rows))
                        rows[bad] = dict(rows[bad], customer="")
                    try:
                        st, j, b = post(srv, kind, ndjson(rows), bin_key, batch=True, conn=conn)
                    except (OSError, http.client.HTTPException):
                        with lock:
                            uncertain[kind].extend(x["id"] for x in rows)
                        raise
                    good = [x["id"] for i, x in enumerate(rows) if i != bad]
                    with lock:
                        if st == 200 and j and j.get("inserted") == len(good) \
                                and j.get("rejected") == (bad is not None) \
                                and [x.get("id") for x in j.get("results", [])
                                     if "result" in x] == good:
                            acked[kind].extend(good)
                            rows_ok[0] += len(good)
                            rejected[0] += bad is not None
                        else:
                            uncertain[kind].extend(good)
                            problems.append("batch: %r %r" % (st, b[:300]))
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    problems.append("worker %d: %r" % (w, e))
                conn.close()
                conn = http.client.HTTPConnection(HOST, srv.port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(LOAD_SECONDS + 60)
    t.check(not any(th.is_alive() for th in threads), "client threads did not finish")
    total = len(acked["responses"]) + len(acked["events"])
    print("  acknowledged %d responses, %d events; %d problems"
          % (len(acked["responses"]), len(acked["events"]), len(problems)), flush=True)
    t.check(not problems, "%d requests failed under load, e.g. %s" % (len(problems),
                                                                     problems[:5]))
    t.check(total > THREADS * 5, "too few rows acknowledged under load: %d" % total)

    st, h, b = srv.request("GET", "/metrics", key=bin_key)
    text = b.decode("utf-8", "replace")
    vals = {ln.split(" ")[0]: ln.split(" ")[-1] for ln in text.splitlines()
            if ln and not ln.startswith("#")}
    t.check_eq(str(rows_ok[0]), vals.get("cxpulse_rows_ingested_total"),
               "cxpulse_rows_ingested_total == rows acknowledged under load")
    t.check_eq(str(rejected[0]), vals.get("cxpulse_rows_rejected_total"),
               "cxpulse_rows_rejected_total == bad rows sent under load")
    srv.stop_and_check()

    t.section("every acknowledged id stored exactly once")
    for kind in ("responses", "events"):
        ids = t.export_ids(d, kind)
        dup = len(ids) - len(set(ids))
        t.check(dup == 0, "%s: export lists %d ids more than once" % (kind, dup))
        have = set(ids)
        ack = set(acked[kind])
        t.check(len(ack) == len(acked[kind]), "%s: an id was acknowledged twice as inserted"
                % kind)
        missing = ack - have
        t.check(not missing, "%s: %d acknowledged ids are not stored, e.g. %s"
                % (kind, len(missing), sorted(missing)[:5]))
        extra = have - ack - set(uncertain[kind])
        t.check(not extra, "%s: %d stored ids were never sent or acknowledged, e.g. %s"
                % (kind, len(extra), sorted(extra)[:5]))
        if not uncertain[kind]:
            t.check_eq(len(ack), len(ids), "%s: stored count == acknowledged count" % kind)
    nresp = len(acked["responses"])
    rc, out, err = t.cli("report", "--format", "json", "--metric", "nps,csat,ces",
                         "--data", d)
    try:
        n = sum(x["n"] for x in json.loads(out))
    except (ValueError, KeyError, TypeError):
        n = None
    t.check_eq(nresp, n, "report n over nps+csat+ces == acknowledged responses")
    a = t.cli_ok("report", "--format", "csv", "--by", "day,channel", "--data", d)
    s = t.cli_ok("report", "--format", "csv", "--by", "day,channel", "--scan", "--data", d)
    t.check(a == s, "rollups disagree with a full scan after concurrent ingest:\n%s\n---\n%s"
            % (a[:800], s[:800]))


def main(t):
    t.section("setup")
    d, admin = t.new_data("d")
    ingest = t.new_key(d, "ingest", "ingest")
    srv = t.start_server(d)
    idempotency(t, srv, d, admin)
    bad_rows(t, srv, d, admin)
    st, h, b = srv.request("POST", "/api/v1/responses", key=ingest, ctype="application/json",
                           body=json.dumps(response_row("by-ingest-key")))
    t.check(st == 201, "an ingest key stores: %r %r" % (st, b))
    srv.stop_and_check()

    d2, admin2 = t.new_data("load")
    srv2 = t.start_server(d2, "--rate-limit", "0", name="load")
    load(t, admin2, d2, srv2)


if __name__ == "__main__":
    Test("server_ingest", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
