#!/usr/bin/env python3
"""Markdown table for bench/dashboard/run.sh.

usage: summarize.py RUN_DIR NAME=PATH...

Reads RUN_DIR/log-NAME.jsonl (the access log lines of the timed requests),
RUN_DIR/curl-NAME.txt (status, bytes, client time), duckdb.json, report.json
and env.txt. Server time = the access log's duration_ms; p95 is the
nearest-rank 95th percentile.
"""
import json
import math
import os
import re
import statistics
import sys


def pct(xs, q):
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))]


def ms(x):
    return f"{x:.1f} ms" if x >= 10 else f"{x:.2f} ms"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run = sys.argv[1]
    pages = [p.split("=", 1) for p in sys.argv[2:]]
    out = []
    env = open(os.path.join(run, "env.txt")).read().splitlines()
    rows_line = env[0] if env else ""
    out.append(f"# cxpulse dashboard benchmark: {rows_line.split(';')[0].replace('rows: ', '')}\n")
    out.append("Server time per page from the access log (duration_ms), the same page "
               "requested by curl with the session cookie, one request at a time. "
               "first = the first request (cold caches); median and p95 over the timed runs "
               "after the warm-ups; client = curl's total time.\n")
    out.append("| page | path | status | first (cold) | median | p95 | client median | size |")
    out.append("|---|---|---|---|---|---|---|---|")
    overview_med = None
    problems = []
    for name, path in pages:
        lp = os.path.join(run, f"log-{name}.jsonl")
        recs = [json.loads(l) for l in open(lp) if l.strip()] if os.path.exists(lp) else []
        if not recs:
            out.append(f"| {name} | `{path}` | no log lines | | | | | |")
            problems.append(f"{name}: no access log lines")
            continue
        d = [r["duration_ms"] for r in recs]
        statuses = sorted({r["status"] for r in recs})
        sizes = [r["bytes"] for r in recs]
        st = ",".join(str(s) for s in statuses)
        if statuses != [200]:
            problems.append(f"{name}: status {st}")
        med = statistics.median(d)
        if name == "overview":
            overview_med = med
        size = statistics.median(sizes)
        size_s = f"{size / 1024:.1f} KiB" if size >= 1024 else f"{int(size)} B"
        wp = os.path.join(run, f"warm-{name}.jsonl")
        warm = [json.loads(l) for l in open(wp) if l.strip()] if os.path.exists(wp) else []
        first = ms(warm[0]["duration_ms"]) if warm else ""
        cp = os.path.join(run, f"curl-{name}.txt")
        client = [float(l.split()[2]) * 1000 for l in open(cp) if len(l.split()) == 3] \
            if os.path.exists(cp) else []
        cmed = ms(statistics.median(client)) if client else ""
        out.append(f"| {name} | `{path}` | {st} | {first} | {ms(med)} | {ms(pct(d, 0.95))} "
                   f"| {cmed} | {size_s} |")

    dj = os.path.join(run, "duckdb.json")
    rj = os.path.join(run, "report.json")
    if os.path.exists(dj):
        duck = json.load(open(dj))
        dmed = duck["median_s"] * 1000
        out.append("")
        out.append("Peer: DuckDB (in-memory table loaded from the same CSV, "
                   f"load {duck['load_s']:.1f} s untimed) computing the overview's headline "
                   "numbers (NPS, CSAT, CES with n) over the same period.\n")
        out.append("| measure | cxpulse | DuckDB | ratio cxpulse/DuckDB |")
        out.append("|---|---|---|---|")
        if overview_med is not None:
            out.append(f"| overview page (whole page) vs headline query, median | {ms(overview_med)} "
                       f"| {ms(dmed)} | {overview_med / dmed:.2f}x |")
            out.append(f"| p95 | | {ms(duck['p95_s'] * 1000)} | |")
        if os.path.exists(rj):
            rep = {}
            for line in open(rj):
                m = re.search(r'"metric":"(\w+)","n":(\d+),"value":(null|-?[0-9.]+)', line)
                if m:
                    rep[m.group(1)] = (int(m.group(2)), m.group(3))
            checks = []
            for k in ("nps", "csat", "ces"):
                dv = duck[k]["value"]
                got = "null" if dv is None else f"{dv:.2f}"
                if k not in rep:
                    checks.append(f"{k}: missing in cxpulse report")
                elif rep[k][0] != duck[k]["n"] or rep[k][1] != got:
                    checks.append(f"{k}: cxpulse n={rep[k][0]} value={rep[k][1]}, "
                                  f"DuckDB n={duck[k]['n']} value={got}")
            if checks:
                problems += ["DuckDB vs cxpulse report: " + c for c in checks]
            else:
                summ = ", ".join(f"{k} {rep[k][1]} (n={rep[k][0]})" for k in ("nps", "csat", "ces"))
                out.append(f"\nCorrectness: DuckDB equals `cxpulse report` for the period: {summ}.")
    if problems:
        out.append("\nProblems:\n")
        out += [f"- {p}" for p in problems]
    out.append("\nEnvironment:\n")
    out += [f"- {l}" for l in env]
    print("\n".join(out))


if __name__ == "__main__":
    main()
