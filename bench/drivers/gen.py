#!/usr/bin/env python3
"""Data for the drivers benchmark: NRESP responses and about NEV events.

usage: gen.py NRESP NEV OUTDIR   -> OUTDIR/responses.csv, OUTDIR/events.csv

Customers get 5 responses each on average (ces 70 %, nps 20 %, csat 10 %)
over two years and background events of every known type spread over the
same period. Before some responses the generator plants interactions in the
14 days before and lowers the score: two or three ticket transfers (-1 or -2
points on CES 1-7, mapped alike on the other scales), a call or chat with a
wait over 5 minutes (-1). So the benchmark's output can be checked: the top
drivers must be transfers>=2 and wait>300s. Standard library only,
deterministic (fixed seed). Times are integer Unix seconds.
"""
import random
import sys

T_START = 1735689600  # 2025-01-01
SPAN = 2 * 365 * 86400
DAY = 86400

# background event types and weights
TYPES = [
    ("page.view", 22), ("search", 5), ("call.answered", 14), ("call.abandoned", 3),
    ("chat.answered", 10), ("chat.abandoned", 3), ("ticket.opened", 8),
    ("ticket.message", 12), ("ticket.transferred", 3), ("ticket.resolved", 7),
    ("ticket.reopened", 2), ("cart.created", 5), ("cart.purchased", 3),
    ("subscription.started", 1), ("subscription.renewed", 1), ("subscription.cancelled", 1),
]
CHANNEL = {"call": "phone", "chat": "chat", "ticket": None, "cart": "web",
           "subscription": "web", "page": "web", "search": "web"}
TICKET_CHANNELS = ["email", "phone", "chat", "whatsapp"]
TOUCHPOINTS = ["support", "billing", "checkout", "account", "purchase", "signup"]
RESP_CHANNELS = ["email", "sms", "whatsapp", "web", "in_app"]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    nresp, nev, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(20261123)
    ncust = max(1, nresp // 5)
    names = [t for t, w in TYPES for _ in range(w)]
    # planted events per response: 0.2 * 2.5 transfers + 0.2 waits = 0.7
    background = max(0, nev - int(nresp * 0.7))
    ev_id = 0
    r_id = 0
    with open(f"{out}/responses.csv", "w") as fr, open(f"{out}/events.csv", "w") as fe:
        fr.write("id,customer,time,metric,score,channel,touchpoint\n")
        fe.write("id,customer,time,type,channel,ref,wait_s\n")
        ev_lines = []
        resp_lines = []
        for c in range(ncust):
            cust = f"cu{c:07d}"
            # responses: spread nresp evenly over customers
            k = nresp * (c + 1) // ncust - nresp * c // ncust
            e = background * (c + 1) // ncust - background * c // ncust
            for _ in range(e):
                ev_id += 1
                t = T_START + rnd.randrange(SPAN)
                typ = rnd.choice(names)
                fam = typ.split(".")[0]
                ch = CHANNEL[fam] or rnd.choice(TICKET_CHANNELS)
                ref = ""
                wait = ""
                if fam == "ticket":
                    ref = f"{cust}-t{rnd.randrange(6)}"
                elif fam == "cart":
                    ref = f"{cust}-c{rnd.randrange(8)}"
                elif fam == "subscription":
                    ref = f"{cust}-s"
                if fam in ("call", "chat"):
                    wait = str(int(rnd.expovariate(1 / 90.0)))
                ev_lines.append(f"e{ev_id:09d},{cust},{t},{typ},{ch},{ref},{wait}\n")
            for _ in range(k):
                r_id += 1
                t = T_START + 20 * DAY + rnd.randrange(SPAN - 20 * DAY)
                x = rnd.random()
                metric = "ces" if x < 0.7 else "nps" if x < 0.9 else "csat"
                penalty = 0.0  # on a 0-1 position of the scale
                if rnd.random() < 0.2:
                    ref = f"{cust}-x{r_id}"
                    for j in range(rnd.randint(2, 3)):
                        ev_id += 1
                        tt = t - rnd.randrange(1, 13 * DAY)
                        ch = rnd.choice(TICKET_CHANNELS)
                        ev_lines.append(
                            f"e{ev_id:09d},{cust},{tt},ticket.transferred,{ch},{ref},\n")
                    penalty += rnd.choice((1, 2)) / 6.0
                if rnd.random() < 0.2:
                    ev_id += 1
                    tt = t - rnd.randrange(1, 13 * DAY)
                    typ, ch = rnd.choice((("call.answered", "phone"), ("chat.answered", "chat")))
                    ev_lines.append(
                        f"e{ev_id:09d},{cust},{tt},{typ},{ch},,{rnd.randint(301, 1800)}\n")
                    penalty += 1 / 6.0
                pos = min(1.0, max(0.0, rnd.gauss(0.72, 0.15))) - penalty
                pos = min(1.0, max(0.0, pos))
                lo, hi = (0, 10) if metric == "nps" else (1, 5) if metric == "csat" else (1, 7)
                score = lo + round(pos * (hi - lo))
                resp_lines.append(
                    f"r{r_id:09d},{cust},{t},{metric},{score},{rnd.choice(RESP_CHANNELS)},"
                    f"{rnd.choice(TOUCHPOINTS)}\n")
            if len(ev_lines) > 100000:
                fe.writelines(ev_lines)
                ev_lines.clear()
            if len(resp_lines) > 100000:
                fr.writelines(resp_lines)
                resp_lines.clear()
        fe.writelines(ev_lines)
        fr.writelines(resp_lines)
    print(f"{r_id} responses, {ev_id} events, {ncust} customers")


if __name__ == "__main__":
    main()
