#!/usr/bin/env python3
"""Check cxpulse's report against a reference engine's result (correctness, once per size).

usage: compare.py CXPULSE_REPORT.csv REFERENCE.csv [--name NAME]

CXPULSE_REPORT.csv is the output of
    cxpulse report --metric nps,csat,ces --by week,channel --format csv
(columns week,channel,metric,n,value,ci_low,ci_high,promoters,passives,detractors).
REFERENCE.csv is what bench/duckdb_query.mjs --out or bench/sqlite_query.sql prints
(columns week,channel,n_nps,promoters,detractors,nps,n_csat,csat,n_ces,ces).

Every (week, channel) group is compared: the set of groups, n per metric, the NPS
promoter/detractor counts and the values. cxpulse prints values rounded to 2
decimals, so a value matches when it is within 0.005 of the reference's exact
value (a hair more, for binary floating point).

Prints one summary line (`OK ...` or `WARNING ...` followed by up to 10 differences)
and exits 0 when everything matches, 1 otherwise.
"""

import argparse
import csv
import sys

TOLERANCE = 0.005 + 1e-9


def read_cxpulse(path):
    groups = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = groups.setdefault((row["week"], row["channel"]), {})
            m = row["metric"]
            g["n_" + m] = int(row["n"])
            g[m] = float(row["value"]) if row["value"] != "" else None
            if m == "nps" and row["promoters"] != "":
                g["promoters"] = int(row["promoters"])
                g["detractors"] = int(row["detractors"])
    return groups


def read_reference(path):
    groups = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = {}
            for k in ("n_nps", "promoters", "detractors", "n_csat", "n_ces"):
                g[k] = int(float(row[k] or 0))
            for k in ("nps", "csat", "ces"):
                g[k] = float(row[k]) if row[k] != "" else None
            groups[(row["week"], row["channel"])] = g
    return groups


def compare(cx, ref):
    problems = []
    for key in sorted(set(cx) | set(ref)):
        label = "%s/%s" % key
        if key not in cx:
            problems.append(f"{label}: missing from cxpulse")
            continue
        if key not in ref:
            problems.append(f"{label}: not in the reference")
            continue
        a, b = cx[key], ref[key]
        for k in ("n_nps", "n_csat", "n_ces", "promoters", "detractors"):
            if k in a and a[k] != b[k]:
                problems.append(f"{label} {k}: cxpulse {a[k]} reference {b[k]}")
        for k in ("nps", "csat", "ces"):
            x, y = a.get(k), b[k]
            if (x is None) != (y is None) or (x is not None and abs(x - y) > TOLERANCE):
                ys = "empty" if y is None else f"{y:.6f}"
                problems.append(f"{label} {k}: cxpulse {x} reference {ys}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cxpulse_csv")
    ap.add_argument("reference_csv")
    ap.add_argument("--name", default="reference")
    a = ap.parse_args()
    cx = read_cxpulse(a.cxpulse_csv)
    ref = read_reference(a.reference_csv)
    problems = compare(cx, ref)
    if not cx:
        problems.insert(0, "cxpulse report is empty")
    if problems:
        print(f"WARNING: cxpulse differs from {a.name} in {len(problems)} place(s):")
        for p in problems[:10]:
            print(f"  {p}")
        return 1
    sample = sorted(cx)[len(cx) // 2]
    nps = cx[sample].get("nps")
    print(
        f"OK: cxpulse matches {a.name} in all {len(cx)} (week, channel) groups x nps/csat/ces"
        f" (e.g. {sample[0]}/{sample[1]} nps {'empty' if nps is None else f'{nps:.2f}'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
