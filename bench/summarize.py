#!/usr/bin/env python3
"""Turn one size's measurements (written by bench/run.sh) into the results table.

usage: summarize.py RUN_DIR ROWS MARKDOWN_OUT

RUN_DIR holds the files bench/run.sh writes for one size:
  import.time, sqlite-import.time        `/usr/bin/time -f '%e %M'` (seconds, KiB)
  report.time, scan.time                 the same, for one report run each
  hf-report.json, hf-scan.json,
  hf-sqlite.json                         hyperfine --export-json
  duckdb.json                            bench/duckdb_query.mjs output
  check.txt                              correctness lines (optional)
  env.txt                                "key: value" lines about the machine (optional)

Prints the table (plain text) and writes it as markdown to MARKDOWN_OUT.
"""

import json
import os
import sys

REPORT_RATIO_DUCKDB = 0.1  # cxpulse report time / DuckDB warm query time
REPORT_RATIO_SQLITE = 0.01  # cxpulse report time / sqlite3 query time
REPORT_RSS_MB = 200
FOOTNOTE = ("[1] sqlite3 .import into a WITHOUT ROWID table keyed by id plus an index on customer,"
            " as cxpulse stores responses (bench/sqlite_schema_indexed.sql).")


def read_time(path):
    """(seconds, peak RSS in MiB) from a `/usr/bin/time -f '%e %M'` file."""
    with open(path, encoding="utf-8") as f:
        # GNU time may print "Command exited with non-zero status" first.
        last = [line for line in f.read().splitlines() if line.strip()][-1]
    secs, kib = last.split()
    return float(secs), int(kib) / 1024


def hyperfine_median(path):
    with open(path, encoding="utf-8") as f:
        r = json.load(f)["results"][0]
    return r["median"], len(r["times"])


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    return f"{s:.2f} s"


def fmt_rate(r):
    return f"{r:,.0f} rows/s"


def fmt_ratio(x):
    if x >= 100:
        return f"{x:,.0f}x"
    if x >= 0.1:
        return f"{x:.2f}x"
    return f"{x:.4f}x"


def verdict(ok):
    return "ok" if ok else "MISSED"


def build_rows(d, n):
    rows = []  # (measure, cxpulse, sqlite3, duckdb, ratio, target)

    cx_imp_s, cx_imp_rss = read_time(os.path.join(d, "import.time"))
    sq_imp_s, sq_imp_rss = read_time(os.path.join(d, "sqlite-import.time"))
    # %e has a resolution of 10 ms; keep tiny runs from dividing by zero.
    cx_rate = n / max(cx_imp_s, 0.01)
    sq_rate = n / max(sq_imp_s, 0.01)
    with open(os.path.join(d, "duckdb.json"), encoding="utf-8") as f:
        duck = json.load(f)
    rows.append(("import, wall time", fmt_time(cx_imp_s), fmt_time(sq_imp_s),
                 f"({fmt_time(duck['load_s'])} load, untimed)", "", ""))
    rows.append(("import, rows/s", fmt_rate(cx_rate), fmt_rate(sq_rate), "",
                 f"cxpulse/sqlite3 {fmt_ratio(cx_rate / sq_rate)}", "higher is better"))
    rows.append(("import, peak RSS", f"{cx_imp_rss:.0f} MiB", f"{sq_imp_rss:.0f} MiB", "", "", ""))
    indexed = os.path.join(d, "sqlite-import-indexed.time")
    if os.path.exists(indexed):
        ix_s, _ = read_time(indexed)
        ix_rate = n / max(ix_s, 0.01)
        rows.append(("import, sqlite3 in cxpulse's layout [1]", "", f"{fmt_rate(ix_rate)} ({fmt_time(ix_s)})", "",
                     f"cxpulse/sqlite3 {fmt_ratio(cx_rate / ix_rate)}", "information"))

    cx_rep, cx_rep_runs = hyperfine_median(os.path.join(d, "hf-report.json"))
    cx_scan, cx_scan_runs = hyperfine_median(os.path.join(d, "hf-scan.json"))
    sq_q, sq_runs = hyperfine_median(os.path.join(d, "hf-sqlite.json"))
    dk_q = duck["median_s"]
    r_duck, r_sq = cx_rep / dk_q, cx_rep / sq_q
    rows.append((
        f"report from rollups, median (runs {cx_rep_runs}/{sq_runs}/{duck['runs']})",
        fmt_time(cx_rep), fmt_time(sq_q), fmt_time(dk_q),
        f"vs DuckDB {fmt_ratio(r_duck)}",
        f"<= {REPORT_RATIO_DUCKDB} {verdict(r_duck <= REPORT_RATIO_DUCKDB)}",
    ))
    rows.append(("", "", "", "", f"vs sqlite3 {fmt_ratio(r_sq)}",
                 f"<= {REPORT_RATIO_SQLITE} {verdict(r_sq <= REPORT_RATIO_SQLITE)}"))
    rows.append((
        f"report --scan, median of {cx_scan_runs}",
        fmt_time(cx_scan), "", "",
        f"vs DuckDB {fmt_ratio(cx_scan / dk_q)}, vs sqlite3 {fmt_ratio(cx_scan / sq_q)}", "",
    ))
    _, rep_rss = read_time(os.path.join(d, "report.time"))
    _, scan_rss = read_time(os.path.join(d, "scan.time"))
    rows.append(("report, peak RSS", f"{rep_rss:.1f} MiB", "", f"({duck['rss_mb']:.0f} MiB process)",
                 "", f"<= {REPORT_RSS_MB} MB {verdict(rep_rss * 1.048576 <= REPORT_RSS_MB)}"))
    rows.append(("report --scan, peak RSS", f"{scan_rss:.1f} MiB", "", "", "", ""))
    return rows


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def text_table(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def md_table(header, rows):
    esc = lambda c: c.replace("|", "\\|")
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    d, n, md_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    header = ("measure", "cxpulse", "sqlite3", "DuckDB", "ratio", "target")
    rows = build_rows(d, n)
    env = read_lines(os.path.join(d, "env.txt"))
    check = read_lines(os.path.join(d, "check.txt"))

    title = f"cxpulse benchmark, {n:,} responses"
    print(f"\n== {title} ==")
    print(text_table(header, rows))
    print(FOOTNOTE)
    for line in check:
        print(line)

    with open(md_path, "w", encoding="utf-8") as f:
        f.write(f"# {title}\n\n")
        f.write(md_table(header, rows) + "\n\n")
        f.write(FOOTNOTE + "\n\n")
        if check:
            f.write("Correctness:\n\n" + "\n".join(f"    {c}" for c in check) + "\n\n")
        if env:
            f.write("Environment:\n\n" + "\n".join(f"- {e}" for e in env) + "\n")
    print(f"(written to {md_path})")


if __name__ == "__main__":
    main()
