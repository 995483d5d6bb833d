"""outbox_crash.py - kill -9 of `serve` while it sends the outbox: after a
restart every message is sent, each once, except at most the one that was
in flight when the process died (sent again under the same Idempotency-Key,
so a provider that honours the key drops the copy).

    python3 outbox_crash.py PATH_TO_CXPULSE
"""

import collections
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Test  # noqa: E402
from standin_lib import Standin  # noqa: E402
from survey_lib import db_query  # noqa: E402

N = 12


def main(t):
    prov = Standin(sms_auth="Bearer k")
    try:
        run(t, prov)
    finally:
        prov.stop()


def run(t, prov):
    data, _ = t.new_data("d")
    path = os.path.join(t.tmp, "s.json")
    with open(path, "w") as f:
        json.dump({"id": "s1", "name": "s1", "kind": "csat"}, f)
    t.cli_ok("survey", "create", path, "--data", data)
    conf = os.path.join(t.tmp, "channels.conf")
    with open(conf, "w") as f:
        f.write(f"CXPULSE_SMS_URL={prov.url}/sms\nCXPULSE_SMS_AUTH_HEADER=Bearer k\n"
                "CXPULSE_HTTP_TIMEOUT=10\n")
    rows = "customer,phone\n" + "".join("c%02d,+47900001%02d\n" % (i, i) for i in range(N))
    t.cli_ok("send", "--survey", "s1", "--channel", "sms", "--customers", "-", "--data", data,
             stdin=rows.encode())
    t.check_eq(N, db_query(data, "SELECT count(*) FROM outbox WHERE state='pending'")[0][0],
               "%d messages queued" % N)
    # one more, whose customer then opts out (STOP) before it is sent: it
    # must die unsent (the opt-out is written as the STOP webhook would)
    t.cli_ok("send", "--survey", "s1", "--channel", "sms", "--customers", "-", "--data", data,
             stdin=b"customer,phone\nquitter,+4790000999\n")
    con = sqlite3.connect(os.path.join(data, "cxpulse.db"))
    con.execute("INSERT INTO optouts(address,t,source) VALUES('phone:+4790000999',0,'sms')")
    con.commit()
    con.close()

    t.section("serve sends slowly; kill -9 in the middle")
    prov.fail(count=1000, status=None, delay=0.4)  # every answer waits 0.4 s
    args = ("--config", conf, "--quiet-hours", "none", "--dispatch-tick-ms", "50")
    srv = t.start_server(data, *args, name="first")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(prov.received()) < 4:
        time.sleep(0.05)
    time.sleep(0.2)  # most likely in the middle of the next request
    srv.kill()
    got = len(prov.received())
    t.check(4 <= got < N, "killed part-way: %d of %d requests seen" % (got, N))
    states = dict(db_query(data, "SELECT state, count(*) FROM outbox GROUP BY state"))
    # the dispatcher claims up to 16 due messages at a time and sends them one
    # by one: claimed ones count as "sending", only one was really in flight
    t.check(1 <= states.get("sending", 0) <= 16 and states.get("sent", 0) >= 1,
            "messages claimed but not finished, some finished: %r" % states)

    t.section("restart: everything is sent, nothing lost, at most one duplicate")
    prov.fail(count=0, status=None, delay=0)
    srv2 = t.start_server(data, *args, name="second")
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if db_query(data, "SELECT count(*) FROM outbox WHERE state IN ('sent','dead')")[0][0] \
                == N + 1:
            break
        time.sleep(0.1)
    t.check_eq(N, db_query(data, "SELECT count(*) FROM outbox WHERE state='sent'")[0][0],
               "all %d messages sent after the restart" % N)
    recv = [m for m in prov.received() if m["path"] == "/sms"]
    keys = collections.Counter(m["headers"].get("idempotency-key") for m in recv)
    want = {"inv-%d" % i for i in range(1, N + 1)}  # the opted-out one is inv-(N+1)
    t.check_eq(want, set(keys), "every message arrived, under its invitation's key")
    dups = {k: c for k, c in keys.items() if c > 1}
    t.check(sum(c - 1 for c in dups.values()) <= 1,
            "at most one duplicate, and only under the same key: %r" % dups)
    if states.get("sending"):
        t.check("sending them again" in srv2.stderr(),
                "the restart says it resends the message in flight")
    by_phone = collections.Counter(json.loads(m["raw"])["to"] for m in recv)
    t.check_eq(N, len(by_phone), "every customer's number got the survey")
    t.check("+4790000999" not in by_phone, "the customer who opted out got nothing")
    row = db_query(data, "SELECT state, last_error FROM outbox WHERE recipient='+4790000999'")
    t.check_eq([("dead", "opted out before it was sent")], row,
               "their queued survey died unsent")


if __name__ == "__main__":
    Test("outbox_crash", sys.argv[1]).run(main)
