#!/usr/bin/env bash
# The demo's planted patterns are found: Plus NPS falls in the last quarter,
# phone abandonment is high, transfers and long waits come before low CES
# (drivers), in-app checkout costs more effort (effort map), the app-crash
# issue rises in every language (topics), drops show their likely cause
# (journeys), and lost customers are listed.
set -euo pipefail
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D=$TMP/d
"$BIN" demo --data "$D" --customers 8000 --end 2026-10-31 --seed 7 >/dev/null 2>&1 || fail "demo"

# Plus NPS: last 91 days against the 91 before, a significant fall
"$BIN" report --data "$D" --metric nps --by product --from 2026-08-01 --to 2026-10-31 \
  --compare previous --format csv > "$TMP/plus.csv"
python3 - "$TMP/plus.csv" <<'PY' || fail "Plus NPS does not fall significantly"
import csv, sys
rows = {r["product"]: r for r in csv.DictReader(open(sys.argv[1]))}
p = rows["Plus"]
assert float(p["diff"]) < -20 and p["significant"] == "yes", p
others = [r for k, r in rows.items() if k != "Plus" and r["significant"] == "yes" and float(r["diff"]) < -20]
assert not others, others
PY

# phone abandonment far above chat
"$BIN" report --data "$D" --metric call_abandonment,chat_abandonment --format csv > "$TMP/ab.csv"
python3 - "$TMP/ab.csv" <<'PY' || fail "call abandonment is not > 3x chat"
import csv, sys
v = {r["metric"]: float(r["value"]) for r in csv.DictReader(open(sys.argv[1]))}
assert v["call_abandonment"] > 3 * v["chat_abandonment"], v
PY

# drivers: transfers and long waits lead, significant, more than a point of CES
"$BIN" drivers --data "$D" --format json > "$TMP/drivers.json"
python3 - "$TMP/drivers.json" <<'PY' || fail "drivers do not find transfers and waits"
import json, sys
d = [x for x in json.load(open(sys.argv[1])) if x["touchpoint"] is None and x["channel"] is None]
top = [x["feature"] for x in d[:4]]
assert "transfers>=2" in top and "wait>300s" in top, top
t = next(x for x in d if x["feature"] == "transfers>=2")
assert t["significant"] and t["effect"] < -1.0 and t["n_with"] >= 30, t
PY

# effort map: checkout in the app is harder than on the web
"$BIN" report --data "$D" --metric ces --by touchpoint,channel --format csv > "$TMP/effort.csv"
python3 - "$TMP/effort.csv" <<'PY' || fail "effort map: in-app checkout not harder"
import csv, sys
v = {(r["touchpoint"], r["channel"]): r for r in csv.DictReader(open(sys.argv[1]))}
app, web = v[("checkout", "in_app")], v[("checkout", "web")]
assert float(app["ci_high"]) < float(web["ci_low"]), (app, web)
PY
"$BIN" effort --data "$D" | grep -q "checkout" || fail "effort command"

# topics: the app-crash issue rises in every language
for pair in "en:crash" "nb:krasj" "tr:çök" "fa:برنامه" "ro:aplica"; do
  lang=${pair%%:*}; word=${pair#*:}
  "$BIN" topics --data "$D" --lang "$lang" --days 91 --to 2026-10-31 --min-count 5 --format json \
    > "$TMP/topics-$lang.json"
  python3 - "$TMP/topics-$lang.json" "$word" <<'PY' || fail "topics ($lang): no rising '$word' issue"
import json, sys
topics, word = json.load(open(sys.argv[1])), sys.argv[2]
hit = [t for t in topics if t["trend_significant"] and t["share"] > t["prev_share"] and
       any(word in p for p in [t["label"]] + t["phrasings"])]
assert hit, [(t["label"], t["trend_significant"]) for t in topics]
PY
done

# journeys: some low CES shows the interactions before it
found=0
for c in $(sqlite3 "$D/cxpulse.db" "SELECT customer FROM responses WHERE scale=6 AND score<=2 LIMIT 30"); do
  if "$BIN" customer "$c" --data "$D" | grep -q "before it: .*ticket"; then found=1; break; fi
done
[[ $found == 1 ]] || fail "no journey shows the interactions before a drop"

# lost customers, with cancellations among them
"$BIN" lost --data "$D" --limit 500 --format json > "$TMP/lost.json"
python3 - "$TMP/lost.json" <<'PY' || fail "lost customers"
import json, sys
l = json.load(open(sys.argv[1]))
assert any(x["reason"] == "cancelled" for x in l), len(l)
assert all(x["before"] is not None for x in l)
PY
# invitations: every answered link was opened, so open_rate >= response_rate
"$BIN" report --data "$D" --metric response_rate,open_rate --by survey --format csv > "$TMP/rr.csv"
python3 - "$TMP/rr.csv" <<'PY' || fail "response and open rates"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault(r["survey"], {})[r["metric"]] = r
assert len(by) == 3, by.keys()
for s, m in by.items():
    rr, orr = float(m["response_rate"]["value"]), float(m["open_rate"]["value"])
    assert 20 < rr < 50 and orr >= rr and m["open_rate"]["n"] == m["response_rate"]["n"], (s, m)
PY
echo ok
