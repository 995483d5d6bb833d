#!/usr/bin/env python3
"""Generate a deterministic, realistic survey-response CSV for the cxpulse benchmark.

usage: gen_responses.py ROWS OUTFILE [--seed N]

Columns: id,customer,time,metric,score,channel,touchpoint,lang,comment,product
(SPEC.md section 2.1; `product` is an attribute).

- ids are unique and sequential: r0000000001, r0000000002, ...
- times are RFC 3339 UTC over two years (2024-11-01 .. 2026-10-31); they follow the
  row order loosely (each row is jittered by up to +-3 days), so the file is not
  strictly sorted by time, and more answers arrive in the daytime than at night
- metric mix nps 50 %, csat 35 %, ces 15 %, scores in the default scales
  (0-10, 1-5, 1-7) with skewed, channel-dependent distributions
- 6 channels, 8 touchpoints, 5 languages, 5 products, all with uneven weights
- about 20 % of the rows carry a short comment; some need CSV quoting
  (commas, double quotes) and some are non-ASCII UTF-8

Only the Python standard library is used. The same ROWS and seed always give the
same bytes.
"""

import argparse
import datetime as dt
import random
import sys

START = dt.date(2024, 11, 1)
DAYS = 730  # 2024-11-01 .. 2026-10-31 inclusive
SPAN = DAYS * 86400
JITTER = 3 * 86400

CHANNELS = [("email", 30), ("web", 22), ("whatsapp", 16), ("chat", 14), ("in_app", 12), ("sms", 6)]
TOUCHPOINTS = [
    ("purchase", 20), ("checkout", 16), ("support", 18), ("account", 10),
    ("signup", 8), ("search", 10), ("billing", 10), ("knowledge_base", 8),
]
LANGS = [("en", 55), ("nb", 15), ("tr", 12), ("ro", 10), ("fa", 8)]
PRODUCTS = [("Starter", 30), ("Basic", 25), ("Pro", 25), ("Business", 15), ("Enterprise", 5)]
METRICS = [("nps", 50), ("csat", 35), ("ces", 15)]

# Score weights per metric, lowest score first. Each channel shifts them a little
# (see score_weights) so that groups differ from each other.
BASE_SCORES = {
    "nps": [3, 1, 1, 2, 2, 4, 5, 10, 16, 24, 32],  # 0..10
    "csat": [6, 6, 12, 34, 42],                    # 1..5
    "ces": [4, 5, 7, 12, 20, 27, 25],              # 1..7
}
SCORE_MIN = {"nps": 0, "csat": 1, "ces": 1}
CHANNEL_MOOD = {"email": 0, "web": 1, "whatsapp": 2, "chat": -1, "in_app": 1, "sms": -2}

# Hours of the day, UTC, weighted towards office and evening hours.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 6, 5, 4, 3, 2]

COMMENTS = [
    "Fast delivery",
    "Great support",
    "Too expensive",
    "Checkout was slow",
    "Could not find the invoice",
    "Friendly agent, quick answer",
    "App crashed twice, then worked",
    'The "express" option was not express',
    'Agent said "wait 24h", waited 3 days',
    "Login, then login again, then again",
    "Easy to use",
    "Refund took too long",
    "Hold music, 20 minutes of it",
    "Very helpful",
    "Search never finds the right article",
    "Rask levering, takk!",
    "Çok hızlı, teşekkürler",
    "Livrare rapidă, mulțumesc",
    "خیلی خوب بود",
    "Prețul e prea mare, dar merită",
]


def table(weighted, size=256):
    """Spread weighted items over a lookup table of `size` slots (indexed by random bits)."""
    total = sum(w for _, w in weighted)
    out = []
    acc = 0.0
    for i, (item, w) in enumerate(weighted):
        acc += w * size / total
        end = size if i == len(weighted) - 1 else round(acc)
        out.extend([item] * (end - len(out)))
    assert len(out) == size
    return out


def score_weights(metric, channel):
    w = list(BASE_SCORES[metric])
    mood = CHANNEL_MOOD[channel]
    # A positive mood moves weight from the lowest scores to the highest ones.
    for _ in range(abs(mood)):
        lo, hi = (0, len(w) - 1) if mood > 0 else (len(w) - 1, 0)
        moved = max(1, w[lo] // 3)
        w[lo] -= moved
        w[hi] += moved
    return [(SCORE_MIN[metric] + i, x) for i, x in enumerate(w)]


def csv_field(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def generate(rows, out, seed):
    rng = random.Random(seed)
    channel_t = table(CHANNELS)
    touch_t = table(TOUCHPOINTS)
    lang_t = table(LANGS)
    product_t = table(PRODUCTS)
    metric_t = table(METRICS)
    hour_t = table([(h, w) for h, w in enumerate(HOUR_WEIGHTS)])
    # One score table per (metric, channel); the score is kept as text.
    score_t = {
        (m, c): [str(s) for s in table(score_weights(m, c))]
        for m, _ in METRICS for c, _ in CHANNELS
    }
    # ~20 % of the 256 slots hold a comment (51/256 = 19.9 %), the rest are empty.
    comment_t = [csv_field(COMMENTS[i % len(COMMENTS)]) for i in range(51)] + [""] * 205
    days = [(START + dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
    minsec = ["%02d:%02d" % divmod(i, 60) for i in range(3600)]
    customers = max(1, rows // 4)  # on average four answers per customer

    out.write("id,customer,time,metric,score,channel,touchpoint,lang,comment,product\n")
    buf = []
    getbits = rng.getrandbits
    step = SPAN / rows if rows else 0
    for i in range(rows):
        r = getbits(128)
        # Position in time: follows the row order, jittered by up to +-3 days.
        t = int(i * step) + (r & 0x7FFFF) * (2 * JITTER) // 0x80000 - JITTER
        r >>= 19
        day = min(max(t // 86400, 0), DAYS - 1)
        hour = hour_t[r & 0xFF]
        r >>= 8
        ms = (r & 0xFFFF) % 3600
        r >>= 16
        metric = metric_t[r & 0xFF]
        r >>= 8
        channel = channel_t[r & 0xFF]
        r >>= 8
        score = score_t[metric, channel][r & 0xFF]
        r >>= 8
        touch = touch_t[r & 0xFF]
        r >>= 8
        lang = lang_t[r & 0xFF]
        r >>= 8
        comment = comment_t[r & 0xFF]
        r >>= 8
        product = product_t[r & 0xFF]
        r >>= 8
        cust = r % customers  # the remaining 29 bits
        buf.append(
            f"r{i + 1:010d},c{cust:08d},{days[day]}T{hour:02d}:{minsec[ms]}Z,"
            f"{metric},{score},{channel},{touch},{lang},{comment},{product}\n"
        )
        if len(buf) >= 65536:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("outfile", help="output CSV path, '-' for standard output")
    ap.add_argument("--seed", type=int, default=20241101)
    a = ap.parse_args()
    if a.rows < 0:
        ap.error("rows must be >= 0")
    if a.outfile == "-":
        generate(a.rows, sys.stdout, a.seed)
    else:
        with open(a.outfile, "w", encoding="utf-8", newline="") as f:
            generate(a.rows, f, a.seed)


if __name__ == "__main__":
    main()
