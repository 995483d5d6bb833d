#!/usr/bin/env bash
# kill -9 in the middle of an import: every committed batch is whole, the
# rollups agree with the rows, and importing again completes the data.
set -euo pipefail
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ROWS=400000
BATCH=10000
python3 - "$TMP/r.csv" "$ROWS" <<'PY'
import sys, random
random.seed(7)
out, n = sys.argv[1], int(sys.argv[2])
ch = ['email', 'web', 'sms', 'whatsapp', 'chat', 'in_app']
with open(out, 'w') as f:
    f.write('id,customer,time,metric,score,channel,comment\n')
    for i in range(n):
        m = ('nps', 'csat', 'ces')[i % 3]
        s = {'nps': random.randint(0, 10), 'csat': random.randint(1, 5), 'ces': random.randint(1, 7)}[m]
        t = 1735689600 + random.randint(0, 700 * 86400)
        f.write(f'r{i:08d},c{i % 5000},{t},{m},{s},{random.choice(ch)},"comment, {i}"\n')
PY

"$BIN" init --data "$TMP/d" >/dev/null
"$BIN" import responses --quiet --batch "$BATCH" --data "$TMP/d" "$TMP/r.csv" >/dev/null 2>&1 &
pid=$!
# wait until at least two batches are committed, then kill hard
for _ in $(seq 1 200); do
  n=$(sqlite3 "file:$TMP/d/cxpulse.db?mode=ro" "SELECT count(*) FROM responses" 2>/dev/null || echo 0)
  if [[ "$n" -ge $((2 * BATCH)) ]]; then break; fi
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

[[ "$(sqlite3 "$TMP/d/cxpulse.db" 'PRAGMA integrity_check')" == ok ]] || fail "integrity_check"
n=$(sqlite3 "$TMP/d/cxpulse.db" "SELECT count(*) FROM responses")
echo "rows after kill -9: $n"
if [[ "$n" -ge "$ROWS" ]]; then
  echo "import finished before the kill; nothing to check mid-way" >&2
fi
(( n % BATCH == 0 )) || fail "a batch was half-written: $n rows is not a multiple of $BATCH"

# rollups (default path) must equal a full scan of the rows
a=$("$BIN" report --data "$TMP/d" --by month,channel --format csv)
b=$("$BIN" report --data "$TMP/d" --by month,channel --format csv --scan)
[[ "$a" == "$b" ]] || fail "rollups disagree with rows after the crash"

# importing again completes the data: committed rows unchanged, rest inserted
out=$("$BIN" import responses --quiet --batch "$BATCH" --data "$TMP/d" "$TMP/r.csv")
[[ "$out" == "inserted $((ROWS - n)), unchanged $n, updated 0, rejected 0" ]] || fail "re-import: $out"
total=$("$BIN" report --data "$TMP/d" --format csv | awk -F, 'NR>1 {s += $2} END {print s}')
[[ "$total" == "$ROWS" ]] || fail "expected $ROWS responses in the report, got $total"
echo "ok"
