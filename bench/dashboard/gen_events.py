#!/usr/bin/env python3
"""Events to go with bench/gen_responses.py, for the dashboard benchmark.

usage: gen_events.py RESPONSE_ROWS EVENT_ROWS OUTFILE [--seed N]

The customers are those gen_responses.py RESPONSE_ROWS uses (c00000000 ..,
RESPONSE_ROWS // 4 of them) and the period is the same (2024-11-01 ..
2026-10-31, UTC), so journeys and the operations page see both. Columns:
id,customer,time,type,channel,ref,wait_s,duration_s,agent (SPEC.md section
2.2). Types follow a support/commerce mix: calls and chats (some abandoned,
with waits), ticket threads (opened, messages, transfers, resolved,
reopened), carts, subscriptions, page views and searches. Ids e0000000001...;
times follow the row order loosely (jitter up to +-3 days). Standard library
only; the same arguments always give the same bytes.
"""

import argparse
import datetime as dt
import random
import sys

START = dt.date(2024, 11, 1)
DAYS = 730
SPAN = DAYS * 86400
JITTER = 3 * 86400

TYPES = [
    ("page.view", 22), ("search", 5), ("call.answered", 14), ("call.abandoned", 3),
    ("chat.answered", 10), ("chat.abandoned", 3), ("ticket.opened", 8),
    ("ticket.message", 12), ("ticket.transferred", 3), ("ticket.resolved", 7),
    ("ticket.reopened", 2), ("cart.created", 5), ("cart.purchased", 3),
    ("subscription.started", 1), ("subscription.renewed", 1), ("subscription.cancelled", 1),
]
FAMILY_CHANNEL = {"call": "phone", "chat": "chat", "cart": "web", "subscription": "web",
                  "page": "web", "search": "web"}
TICKET_CHANNELS = ["email", "phone", "chat", "whatsapp"]
AGENTS = [f"agent{i:02d}" for i in range(40)]


def table(pairs):
    """256 slots filled in proportion to the weights."""
    total = sum(w for _, w in pairs)
    out = []
    for v, w in pairs:
        out += [v] * round(256 * w / total)
    while len(out) < 256:
        out.append(pairs[0][0])
    return out[:256]


def generate(nresp, nev, out, seed):
    rng = random.Random(seed)
    type_t = table(TYPES)
    customers = max(1, nresp // 4)  # as gen_responses.py
    days = [(START + dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
    step = SPAN / nev if nev else 0
    out.write("id,customer,time,type,channel,ref,wait_s,duration_s,agent\n")
    buf = []
    getbits = rng.getrandbits
    for i in range(nev):
        r = getbits(128)
        t = int(i * step) + (r & 0x7FFFF) * (2 * JITTER) // 0x80000 - JITTER
        r >>= 19
        t = min(max(t, 0), SPAN - 1)
        day, sec = divmod(t, 86400)
        typ = type_t[r & 0xFF]
        r >>= 8
        fam = typ.split(".")[0]
        ch = FAMILY_CHANNEL.get(fam) or TICKET_CHANNELS[r & 3]
        r >>= 2
        cust = r % customers
        r >>= 30
        ref = wait = dur = agent = ""
        if fam == "ticket":
            ref = f"c{cust:08d}-t{r & 7}"
        elif fam == "cart":
            ref = f"c{cust:08d}-c{r & 7}"
        elif fam == "subscription":
            ref = f"c{cust:08d}-s"
        r >>= 3
        if fam in ("call", "chat"):
            wait = str(int(rng.expovariate(1 / 90.0)))
            if typ.endswith("answered"):
                dur = str(60 + (r & 0x3FF))
        r >>= 10
        if fam in ("call", "chat", "ticket"):
            agent = AGENTS[r % len(AGENTS)]
        buf.append(f"e{i + 1:010d},c{cust:08d},{days[day]}T{sec // 3600:02d}:"
                   f"{sec // 60 % 60:02d}:{sec % 60:02d}Z,{typ},{ch},{ref},{wait},{dur},{agent}\n")
        if len(buf) >= 65536:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("response_rows", type=int)
    ap.add_argument("event_rows", type=int)
    ap.add_argument("outfile", help="output CSV path, '-' for standard output")
    ap.add_argument("--seed", type=int, default=20241102)
    a = ap.parse_args()
    if a.response_rows < 0 or a.event_rows < 0:
        ap.error("row counts must be >= 0")
    if a.outfile == "-":
        generate(a.response_rows, a.event_rows, sys.stdout, a.seed)
    else:
        with open(a.outfile, "w", encoding="utf-8", newline="") as f:
            generate(a.response_rows, a.event_rows, f, a.seed)


if __name__ == "__main__":
    main()
