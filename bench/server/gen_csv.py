#!/usr/bin/env python3
"""Fallback response CSV for bench/server/run.sh when bench/gen_responses.py is absent.

usage: gen_csv.py ROWS OUTFILE

Columns id,customer,time,metric,score,channel,touchpoint,lang,comment,product;
ids r0000000001...; RFC 3339 UTC times over 2024-11-01..2026-10-31 in row
order; nps/csat/ces 50/35/15 % in the default scales. Deterministic.
"""
import random
import sys

T0 = 1730419200  # 2024-11-01T00:00:00Z
SPAN = 730 * 86400


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows, path = int(sys.argv[1]), sys.argv[2]
    import datetime as dt

    rnd = random.Random(7)
    channels = ["email", "web", "whatsapp", "chat", "in_app", "sms"]
    touchpoints = ["purchase", "checkout", "support", "account", "signup", "search"]
    langs = ["en", "nb", "tr", "ro", "fa"]
    products = ["Starter", "Basic", "Pro", "Business", "Enterprise"]
    comments = ["", "", "", "", "Fast delivery", '"Slow, very slow"', "Çok iyi"]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,customer,time,metric,score,channel,touchpoint,lang,comment,product\n")
        out = []
        for i in range(1, rows + 1):
            t = T0 + (i - 1) * SPAN // rows + rnd.randrange(3600)
            when = (epoch + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")
            m = rnd.randrange(20)
            metric, score = ("nps", rnd.randrange(11)) if m < 10 else (
                ("csat", rnd.randrange(1, 6)) if m < 17 else ("ces", rnd.randrange(1, 8)))
            c = rnd.choice(comments)
            if '"' in c:
                c = '"' + c.replace('"', '""') + '"'
            out.append(f"r{i:010d},c{rnd.randrange(2000000):08d},{when},{metric},{score},"
                       f"{rnd.choice(channels)},{rnd.choice(touchpoints)},{rnd.choice(langs)},"
                       f"{c},{rnd.choice(products)}\n")
            if len(out) == 100000:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


if __name__ == "__main__":
    main()
