"""server_shutdown.py - stopping `cxpulse serve` under load (run by
test_server_shutdown.sh as: python3 server_shutdown.py BIN).

1. SIGTERM while 8 client threads POST: the process exits 0 within a few
   seconds and every id acknowledged with a 2xx is stored; refused requests
   store nothing.
2. kill -9 while 8 client threads POST, then a restart: every acknowledged id
   is stored, the database passes PRAGMA integrity_check, the rollups agree
   with a full scan, and the restarted server works.
"""

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (HOST, Test, event_row, ndjson, response_row,  # noqa: E402
                        wait_free_port_closed)

THREADS = 8


class Load:
    """THREADS clients POSTing unique ids on keep-alive connections until
    stopped or until the server is gone."""

    def __init__(self, srv, key, tag, max_seconds=20.0):
        self.srv = srv
        self.key = key
        self.tag = tag
        self.lock = threading.Lock()
        self.acked = {"responses": set(), "events": set()}
        self.refused = {"responses": set(), "events": set()}  # a non-2xx answer
        self.unknown = {"responses": set(), "events": set()}  # no answer
        self.statuses = {}
        self.stop = threading.Event()
        self.deadline = time.monotonic() + max_seconds
        self.threads = [threading.Thread(target=self.worker, args=(w,), daemon=True)
                        for w in range(THREADS)]

    def start(self):
        for th in self.threads:
            th.start()

    def count(self):
        with self.lock:
            return sum(len(v) for v in self.acked.values())

    def join(self, timeout=30):
        self.stop.set()
        for th in self.threads:
            th.join(timeout)
        return not any(th.is_alive() for th in self.threads)

    def worker(self, w):
        rng = random.Random("%s-%d" % (self.tag, w))
        conn = None
        refused_in_a_row = 0
        n = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, self.srv.port, timeout=15)
            n += 1
            kind = "responses" if rng.random() < 0.7 else "events"
            rows = []
            for i in range(1 if rng.random() < 0.5 else rng.randint(2, 8)):
                rid = "%s-%d-%05d-%d" % (self.tag, w, n, i)
                day = "2026-03-%02dT%02d:%02d:00Z" % (rng.randint(1, 28), rng.randint(0, 23),
                                                     rng.randint(0, 59))
                if kind == "responses":
                    m = rng.choice(["nps", "csat", "ces"])
                    score = {"nps": rng.randint(0, 10), "csat": rng.randint(1, 5),
                             "ces": rng.randint(1, 7)}[m]
                    rows.append(response_row(rid, customer="s%d" % rng.randint(0, 99),
                                             metric=m, score=score, time=day,
                                             channel=rng.choice(["email", "web", "sms"])))
                else:
                    rows.append(event_row(rid, customer="s%d" % rng.randint(0, 99), time=day,
                                          typ=rng.choice(["call.answered", "call.abandoned",
                                                          "chat.answered"]),
                                          wait_s=rng.randint(0, 60)))
            ids = [r["id"] for r in rows]
            single = len(rows) == 1
            try:
                st, h, b = self.srv.request(
                    "POST", "/api/v1/" + kind, key=self.key, conn=conn,
                    body=json.dumps(rows[0]) if single else ndjson(rows),
                    ctype="application/json" if single else "application/x-ndjson")
            except ConnectionRefusedError:
                with self.lock:
                    self.unknown[kind].update(ids)  # never reached the server
                conn.close()
                conn = None
                refused_in_a_row += 1
                if refused_in_a_row >= 3:
                    break  # the server is gone
                time.sleep(0.05)
                continue
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.unknown[kind].update(ids)
                conn.close()
                conn = None
                time.sleep(0.01)
                continue
            refused_in_a_row = 0
            with self.lock:
                self.statuses[st] = self.statuses.get(st, 0) + 1
                if 200 <= st < 300:
                    self.acked[kind].update(ids)
                else:
                    self.refused[kind].update(ids)
            if h.get("connection", "").lower() == "close":
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def check_stored(self, t, d, what):
        for kind in ("responses", "events"):
            ids = t.export_ids(d, kind)
            have = set(ids)
            t.check(len(ids) == len(have), "%s: %s stored more than once" % (what, kind))
            missing = self.acked[kind] - have
            t.check(not missing, "%s: %d acknowledged %s are not stored, e.g. %s"
                    % (what, len(missing), kind, sorted(missing)[:5]))
            extra = have - self.acked[kind] - self.unknown[kind]
            t.check(not extra, "%s: %d stored %s were refused or never sent, e.g. %s"
                    % (what, len(extra), kind, sorted(extra)[:5]))


def wait_for(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def sigterm_under_load(t):
    t.section("SIGTERM under load (%d client threads)" % THREADS)
    d, admin = t.new_data("term")
    srv = t.start_server(d, "--rate-limit", "0", name="term")
    load = Load(srv, admin, "T")
    load.start()
    t.check(wait_for(lambda: load.count() >= 200, 10), "the load got too few acknowledgements "
            "before SIGTERM: %d" % load.count())
    time.sleep(1.0)
    before = load.count()
    code, took = srv.terminate(timeout=15)
    after_exit = load.count()
    t.check(code == 0, "SIGTERM under load: exit status %r (expected 0); stderr:\n%s"
            % (code, srv.stderr()[-2000:]))
    # (no timing check: exit status 0 within terminate()'s 15 s means it drained and stopped)
    srv.check_sanitizers()
    t.check(load.join(30), "client threads did not stop")
    print("  acknowledged %d before SIGTERM, %d at exit (%.2fs), %d in all; statuses %s"
          % (before, after_exit, took, load.count(), load.statuses), flush=True)
    err = srv.stderr()
    t.check("SIGTERM received" in err and "stopped" in err,
            "stderr should tell about the shutdown: %r" % err[-500:])
    t.check(wait_free_port_closed(srv.port, 3), "port %d still accepts after exit" % srv.port)
    bad = {s: n for s, n in load.statuses.items() if not (200 <= s < 300 or s == 503)}
    t.check(not bad, "only 2xx (or 503 while stopping) expected, got %s" % bad)
    load.check_stored(t, d, "after SIGTERM")
    rc, out, err = t.cli("report", "--format", "csv", "--data", d)
    t.check(rc == 0, "report after SIGTERM: %s" % err)


def kill9_under_load(t):
    t.section("kill -9 under load (%d client threads), restart" % THREADS)
    d, admin = t.new_data("kill")
    srv = t.start_server(d, "--rate-limit", "0", name="kill")
    load = Load(srv, admin, "K")
    load.start()
    t.check(wait_for(lambda: load.count() >= 300, 10), "the load got too few acknowledgements "
            "before kill -9: %d" % load.count())
    time.sleep(1.0)
    os.kill(srv.proc.pid, signal.SIGKILL)
    try:
        srv.proc.wait(10)
    except subprocess.TimeoutExpired:
        t.fatal("the server did not die of SIGKILL")
    t.check(srv.proc.returncode == -signal.SIGKILL, "exit %r" % srv.proc.returncode)
    t.check(load.join(30), "client threads did not stop")
    print("  acknowledged %d before kill -9; statuses %s" % (load.count(), load.statuses),
          flush=True)
    t.check(all(200 <= s < 300 for s in load.statuses),
            "only 2xx answers were expected before the kill: %s" % load.statuses)
    lines = srv.access_log_lines()
    for i, line in enumerate(lines):
        try:
            json.loads(line)
        except ValueError:
            t.check(False, "access log line %d after kill -9 is not JSON: %r" % (i + 1, line))
            break

    t.section("restart after kill -9")
    srv2 = t.start_server(d, "--rate-limit", "0", name="restart")
    st, h, b = srv2.request("POST", "/api/v1/responses", key=admin, ctype="application/json",
                            body=json.dumps(response_row("after-restart", customer="s1")))
    t.check(st == 201, "POST after the restart: %r %r" % (st, b))
    load.acked["responses"].add("after-restart")
    some = sorted(load.acked["responses"])[:1]
    if some:
        rid = some[0]
        st, h, b = srv2.request("POST", "/api/v1/responses", key=admin,
                                ctype="application/json", body=json.dumps(response_row(rid)))
        t.check(st == 200, "an id acknowledged before the kill is known after it "
                "(expected 200, got %r %r)" % (st, b))
    srv2.stop_and_check()

    t.section("after kill -9: data, integrity, rollups")
    load.check_stored(t, d, "after kill -9")
    db = os.path.join(d, "cxpulse.db")
    p = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], capture_output=True,
                       timeout=60)
    t.check(p.returncode == 0 and p.stdout.decode().strip() == "ok",
            "PRAGMA integrity_check: %r %r" % (p.stdout[:500], p.stderr[:500]))
    for args in ([], ["--by", "day,channel"],
                 ["--metric", "nps,csat,ces,csat_mean,ces_easy", "--by", "week,channel"],
                 ["--metric", "call_abandonment,chat_abandonment,avg_wait", "--by", "day"]):
        a = t.cli_ok("report", "--format", "csv", "--data", d, *args)
        s = t.cli_ok("report", "--format", "csv", "--scan", "--data", d, *args)
        t.check(a == s, "report %s: rollups disagree with a full scan after kill -9:\n%s\n---\n%s"
                % (" ".join(args), a[:600], s[:600]))
        t.check(len(a.splitlines()) > 1, "report %s is empty" % " ".join(args))


def main(t):
    sigterm_under_load(t)
    kill9_under_load(t)


if __name__ == "__main__":
    Test("server_shutdown", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
