#!/usr/bin/env bash
# The other commands end to end: help, init, customer (journey), export and
# re-import round trips, erase (no trace in the files), demo.
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
step "help"
cx help
expect_ok "cxpulse help"
assert_contains "$OUT" "usage: cxpulse COMMAND" "overview usage line"
commands=$(awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' <<<"$OUT")
[[ -n "$commands" ]] || fail "no commands listed by 'cxpulse help'"
for c in init import report customer export erase demo; do
  grep -qx "$c" <<<"$commands" || fail "'cxpulse help' does not list '$c'"
done
cx --help
expect_ok "cxpulse --help"
assert_contains "$OUT" "commands:" "--help shows the overview"
for c in $commands; do
  cx help "$c"
  expect_ok "cxpulse help $c"
  assert_contains "$OUT" "usage: cxpulse $c" "help $c shows its usage"
  help_text=$OUT
  cx "$c" --help
  expect_ok "cxpulse $c --help"
  assert_eq "$help_text" "$OUT" "'cxpulse $c --help' equals 'cxpulse help $c'"
  cx "$c" -h
  assert_eq "$help_text" "$OUT" "'cxpulse $c -h' equals 'cxpulse help $c'"
done
# --help wins over other arguments and touches no data
cx report --data "$TMP/none" --metric bogus --help
expect_ok "report --help with other options"
[[ ! -e "$TMP/none" ]] || fail "--help created a data directory"
cx help no-such-command
expect_fail "help for an unknown command"
cx no-such-command
expect_fail "unknown command"
assert_contains "$ERR" "no-such-command" "unknown command is named"
cx
expect_fail "no command"
assert_contains "$ERR" "usage" "no command prints the usage"

# ---------------------------------------------------------------------------
step "init twice is refused"
cx init --data "$TMP/d1"
expect_ok "first init"
assert_contains "$OUT" "cxp_" "init prints an admin API key"
[[ -f "$TMP/d1/cxpulse.db" ]] || fail "init created no database"
cx key list --data "$TMP/d1"
expect_ok "key list"
assert_eq 1 "$(grep -c ' admin ' <<<"$OUT")" "one admin key after init"
sum_before=$(cat "$TMP/d1"/cxpulse.db* | cksum)
cx init --data "$TMP/d1"
expect_fail "second init"
assert_contains "$ERR" "already" "second init says the directory is initialised"
assert_not_contains "$OUT" "cxp_" "second init prints no key"
assert_eq "$sum_before" "$(cat "$TMP/d1"/cxpulse.db* | cksum)" "second init changed nothing"
step "CXPULSE_DATA selects the directory"
CXPULSE_DATA="$TMP/d1" "$BIN" report --format csv >/dev/null || fail "report with CXPULSE_DATA"
(cd "$TMP" && "$BIN" init >/dev/null) || fail "init in the current directory"
[[ -f "$TMP/cxpulse-data/cxpulse.db" ]] || fail "default data directory is ./cxpulse-data"

# ---------------------------------------------------------------------------
step "customer journey: time order across channels, drop marked"
D=$(new_data journey)
# given out of order, with offsets
cat >"$TMP/j_resp.csv" <<'EOF'
id,customer,time,metric,score,channel,touchpoint,comment
jr3,jc,2026-03-03T10:00:00Z,nps,3,SMS,support,"still waiting, no answer"
jr1,jc,2026-03-01T11:00:00+01:00,nps,9,email,purchase,
jr0,jc,2026-03-01T09:00:00Z,csat,5,web,checkout,
jr9,other,2026-03-01T09:30:00Z,nps,0,web,checkout,not me
EOF
cat >"$TMP/j_ev.ndjson" <<'EOF'
{"id":"je2","customer":"jc","time":"2026-03-02T12:00:00+02:00","type":"call.answered","channel":"phone","wait_s":"95","agent":"anna"}
{"id":"je1","customer":"jc","time":"2026-03-02T09:00:00Z","type":"ticket.opened","channel":"chat","ref":"T-1","text":"my parcel is late"}
{"id":"je0","customer":"jc","time":"2026-02-28T23:30:00-01:00","type":"page.view","channel":"web"}
{"id":"je9","customer":"other","time":"2026-03-02T09:00:00Z","type":"page.view","channel":"web"}
EOF
cx import responses --data "$D" "$TMP/j_resp.csv"
expect_ok "journey responses"
cx import events --data "$D" "$TMP/j_ev.ndjson"
expect_ok "journey events"
cx customer jc --data "$D"
expect_ok "customer jc"
journey=$OUT
assert_contains "$journey" "6 items" "six items for jc"
assert_not_contains "$journey" "not me" "another customer's rows are not shown"
times=$(grep -o '^[0-9T:Z-]*Z' <<<"$journey" | tr '\n' ' ')
assert_eq "2026-03-01T00:30:00Z 2026-03-01T09:00:00Z 2026-03-01T10:00:00Z 2026-03-02T09:00:00Z 2026-03-02T10:00:00Z 2026-03-03T10:00:00Z " \
  "$times" "items in time order"
kinds=$(grep '^2026' <<<"$journey" | awk '{print $2 "/" $3}' | tr '\n' ' ')
assert_eq "web/page.view web/response email/response chat/ticket.opened phone/call.answered sms/response " \
  "$kinds" "channels and types in order"
assert_eq 1 "$(grep -c 'drop' <<<"$journey")" "exactly one drop"
grep 'drop' <<<"$journey" | grep -q 'nps 3/0-10' || fail "the drop is on the nps 3 after the nps 9"
assert_contains "$journey" "my parcel is late" "event text is shown"
assert_contains "$journey" "still waiting, no answer" "comment is shown"
cx customer jc --data "$D" --format json
expect_ok "customer --format json"
if command -v jq >/dev/null; then
  got=$(raw_out | jq -r '.items[] | [.id, (.change // "-")] | join(":")' | tr '\n' ' ')
  assert_eq "je0:- jr0:- jr1:- je1:- je2:- jr3:drop " "$got" "json journey order and change"
else
  assert_eq 1 "$(grep -c '"change": "drop"' <<<"$OUT")" "json drop"
fi
cx customer nobody --data "$D"
expect_fail "unknown customer"
assert_contains "$ERR" "nobody" "unknown customer is named"

# ---------------------------------------------------------------------------
step "export -> import into a fresh directory -> export gives identical output"
A=$(new_data exp_a)
cx import responses --data "$A" "$DATA_DIR/report_responses.csv" "$TMP/j_resp.csv"
expect_ok "export data: responses"
cx import events --data "$A" "$DATA_DIR/report_events.csv" "$TMP/j_ev.ndjson"
expect_ok "export data: events"
cat >"$TMP/tricky.ndjson" <<'EOF'
{"id":"x1","customer":"k\u00f8nig","time":"2026-01-01T00:00:00.123456789+05:30","metric":"csat","score":2,"scale":"1-3","comment":"line one\nline two, with \"quotes\"","lang":"NB-no","team":"Sj\u00f8","x,y":"comma key"}
{"id":"x2","customer":"c\"q","time":-86400,"metric":"ces","score":10,"scale":"1-10","channel":"In_App","touchpoint":"Knowledge_Base","comment":"  spaces  ","emoji":"\ud83d\ude00"}
{"id":"x 3","customer":"\u0645\u0634\u062a\u0631\u06cc","time":"2026-06-30T23:59:59.5Z","metric":"nps","score":0,"lang":"fa","comment":"\u062e\u06cc\u0644\u06cc \u06a9\u0646\u062f"}
EOF
cx import responses --data "$A" "$TMP/tricky.ndjson"
expect_ok "tricky responses"
cat >"$TMP/tricky_ev.ndjson" <<'EOF'
{"id":"y1","customer":"k\u00f8nig","time":"2026-01-01T10:00:00Z","type":"custom.thing","value":"-12.345","duration_s":0.5,"text":"a,b\r\nc","agent":"Team A"}
{"id":"y2","customer":"c\"q","time":1767225600,"type":"subscription.started","ref":"S 1","wait_s":"0","plan":"pro \"x\""}
EOF
cx import events --data "$A" "$TMP/tricky_ev.ndjson"
expect_ok "tricky events"

for what in responses events; do
  for fmt in csv ndjson; do
    ext=$fmt
    cx export "$what" --data "$A" --format "$fmt"
    expect_ok "export $what $fmt from A"
    raw_out >"$TMP/a_$what.$ext"
    [[ -s "$TMP/a_$what.$ext" ]] || fail "empty export of $what"
    B=$(new_data "exp_b_${what}_$fmt")
    cx import "$what" --data "$B" "$TMP/a_$what.$ext"
    expect_ok "import the $fmt export of $what into B"
    assert_contains "$OUT" "unchanged 0, updated 0, rejected 0" "clean import of the $fmt export"
    cx export "$what" --data "$B" --format "$fmt"
    expect_ok "export $what $fmt from B"
    raw_out >"$TMP/b_$what.$ext"
    if ! cmp -s "$TMP/a_$what.$ext" "$TMP/b_$what.$ext"; then
      diff "$TMP/a_$what.$ext" "$TMP/b_$what.$ext" >&2 || true
      fail "$what: $fmt export of the re-imported data differs"
    fi
    # the export imports back into its source unchanged
    cx import "$what" --data "$A" "$TMP/a_$what.$ext"
    expect_ok "re-import of the $fmt export into A"
    n=$(wc -l <"$TMP/a_$what.$ext")
    assert_contains "$OUT" "inserted 0, unchanged" "re-import of $what $fmt into A inserts nothing"
    assert_contains "$OUT" "updated 0, rejected 0" "re-import of $what $fmt into A changes nothing"
    : "$n"
  done
  # CSV and NDJSON exports hold the same data
  C=$(new_data "exp_c_$what")
  cx import "$what" --data "$C" "$TMP/a_$what.ndjson"
  expect_ok "import ndjson export of $what into C"
  cx export "$what" --data "$C" --format csv
  raw_out >"$TMP/c_$what.csv"
  cmp -s "$TMP/a_$what.csv" "$TMP/c_$what.csv" || fail "$what: CSV export after an NDJSON round trip differs"
done
got=$(grep -c . "$TMP/a_responses.ndjson")
assert_eq 19 "$got" "all 19 responses exported"
got=$(grep -c . "$TMP/a_events.ndjson")
assert_eq 14 "$got" "all 14 events exported"
cx export responses --data "$A" --customer jc --format ndjson
assert_eq 3 "$(grep -c . <<<"$OUT")" "export --customer"
cx export responses --data "$A" --from 2026-03-09 --to 2026-03-10 --format ndjson
assert_eq "r05 r06 r09 r12 " "$(grep -o '"id":"[^"]*"' <<<"$OUT" | cut -d'"' -f4 | tr '\n' ' ')" "export --from/--to"
cx export responses --data "$A" --output "$TMP/out.csv"
expect_ok "export --output"
cmp -s "$TMP/out.csv" "$TMP/a_responses.csv" || fail "--output writes the same as stdout"

# ---------------------------------------------------------------------------
step "erase: nothing left in the database files"
E=$(new_data erase)
python3 - "$TMP/erase_r.csv" "$TMP/erase_e.csv" <<'PY'
import sys
r, e = sys.argv[1], sys.argv[2]
with open(r, 'w') as f:
    f.write('id,customer,time,metric,score,channel,comment\n')
    for i in range(3000):
        f.write(f'r{i:05d},cust{i % 500:04d},{1767225600 + i * 600},nps,{i % 11},email,ordinary comment {i}\n')
    for i in range(30):
        f.write(f'v{i:03d},ERASE-ME-8c1f,{1767225600 + i * 3600},nps,{i % 11},vanishchannel,'
                f'"secret complaint zq7x, {i}"\n')
with open(e, 'w') as f:
    f.write('id,customer,time,type,channel,text\n')
    for i in range(30):
        f.write(f'w{i:03d},ERASE-ME-8c1f,{1767225600 + i * 3600},chat.answered,chat,'
                f'private message pk4m {i}\n')
PY
cx import responses --quiet --data "$E" "$TMP/erase_r.csv"
expect_ok "erase data: responses"
cx import events --quiet --data "$E" "$TMP/erase_e.csv"
expect_ok "erase data: events"
before=$(report_csv "$E" --metric nps)
assert_contains "$before" "nps,3030," "3030 responses before the erase"
db_files_contain "$E" "ERASE-ME-8c1f" || fail "the customer id is not in the files before the erase (check is void)"
cx erase ERASE-ME-8c1f --data "$E"
expect_ok "erase"
assert_contains "$OUT" "30 responses, 30 events" "erase reports what it deleted"
for needle in ERASE-ME-8c1f "secret complaint zq7x" "private message pk4m" vanishchannel; do
  for f in "$E"/*; do
    if grep -aqF -- "$needle" "$f"; then fail "'$needle' is still in $(basename "$f") after erase"; fi
  done
done
after=$(report_csv "$E" --metric nps)
assert_contains "$after" "nps,3000," "3000 responses after the erase"
a=$(report_csv "$E" --metric nps --by channel)
b=$(report_csv "$E" --metric nps --by channel --scan)
assert_eq "$b" "$a" "rollups agree with the rows after the erase"
assert_not_contains "$a" "vanishchannel" "the erased channel is gone from reports"
cx customer ERASE-ME-8c1f --data "$E"
expect_fail "journey of an erased customer"
db_files_contain "$E" "cust0001" || fail "other customers were erased too"
[[ "$(sqlite3 "$E/cxpulse.db" 'PRAGMA integrity_check' 2>/dev/null || echo ok)" == ok ]] || fail "database damaged by erase"

# ---------------------------------------------------------------------------
step "demo"
M="$TMP/demo"
cx demo --data "$M" --customers 300 --end 2026-10-31
expect_ok "demo"
assert_not_contains "$ERR" "rejected" "demo rows all accepted"
assert_contains "$OUT" "demo data in" "demo summary"
cx report --data "$M" --by quarter --format csv
expect_ok "report on demo data"
assert_contains "$OUT" "2026-Q3,nps," "demo has 2026-Q3 data"
assert_not_contains "$OUT" "2026-Q4,nps,0," "no empty Q4 (data through October)"
cx report --data "$M" --metric call_abandonment,chat_abandonment,avg_wait,cart_abandonment,churn,fcr,resolution_hours,transfers --from 2026-01-01 --to 2026-06-30 --format csv
expect_ok "event metrics on demo data"
while IFS=, read -r metric n _; do
  [[ "$metric" == metric ]] && continue
  [[ "$n" -gt 0 ]] || fail "demo data gives no $metric"
done <<<"$OUT"
cx report --data "$M" --by lang --metric nps
expect_ok "report --by lang on demo data"
for l in en nb tr fa ro; do
  grep -q "^$l " <<<"$OUT" || fail "demo has no responses in $l"
done
cx demo --data "$M" --customers 300 --end 2026-10-31
expect_ok "demo again"
assert_contains "$OUT" "responses inserted 0" "demo again inserts nothing new (same seed)"

echo "ok"
