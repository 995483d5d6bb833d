#!/usr/bin/env bash
# `cxpulse report` on the small data set tests/data/report_{responses,events}.csv
# with hand-computed expected output, compared byte for byte, in CSV, JSON
# and table form; and the errors for bad options.
#
# The data set (all times UTC, March 2026):
#   week 2026-W10 (Mon 03-02 .. Sun 03-08):
#     nps  10 (email), 9 (Email -> email), 6 (sms), 8 (sms)
#     csat 5 (email), 2 (sms)           ces 6 (email), 3 (sms)
#   week 2026-W11 (03-09 ..):
#     nps  3 (email), 10 (web)          csat 4 (email)     ces 7 (web)
#   events: calls answered wait 30, 50; abandoned wait 90, 3;
#     chat answered wait 10; cart K1 created + purchased, K2 created only.
#
# Hand computation (z = 1.96):
#   W10 nps: P=2 Pa=1 D=1, N=4 -> 100*(2-1)/4 = 25.00. Adjusted Wald:
#     N'=7, p'=2.75/7, d'=1.75/7, v=1/7, se=sqrt((4.5/7-1/49)/7)=0.29820
#     -> 100*(0.142857 -+ 1.96*0.29820) = [-44.16, 72.73]
#   W10 csat: 1 of 2 satisfied (top box 4-5) = 50.00; Wilson [9.45, 90.55]
#   W10 ces: scores 6 and 3: mean 4.50, s = 2.1213, t(0.975,1) = 12.7062:
#     4.5 -+ 12.7062*2.1213/sqrt(2) = [-14.56, 23.56]
#   W11 nps: P=1 D=1 N=2 -> 0.00; N'=5, p'=d'=0.35, v=0, se=sqrt(0.7/5)
#     =0.37417 -> [-73.34, 73.34]
#   W11 csat: 1/1 = 100.00, Wilson [20.65, 100.00]; ces 7 alone: 7.00, no CI
#   by channel, nps: email 10,9,3 (P2 D1) 33.33 [-51.33, 84.67];
#     sms 6,8 (Pa1 D1) -50.00 [-79.45, 39.45]; web 10: 100.00 [-48.50, 98.50]
#   events: calls 2 abandoned of 4 = 50.00 [15.00, 85.00]; --short-abandon 5
#     drops the 3 s abandon: 1/3 = 33.33 [6.15, 79.23]; chats 0/1 = 0.00
#     [0.00, 79.35]; avg_wait of answered 30, 50, 10 = 30.00, s = 20,
#     t(0.975,2) = 4.3027 -> [-19.68, 79.68]; carts 1 of 2 abandoned = 50.00.
source "$(dirname "$0")/lib.sh"

D=$(new_data rep)
cx import responses --data "$D" "$DATA_DIR/report_responses.csv"
expect_ok "import responses"
assert_eq "inserted 12, unchanged 0, updated 0, rejected 0" "$OUT" "responses summary"
cx import events --data "$D" "$DATA_DIR/report_events.csv"
expect_ok "import events"
assert_eq "inserted 8, unchanged 0, updated 0, rejected 0" "$OUT" "events summary"

# ---------------------------------------------------------------------------
step "csv by week (default metrics)"
cx report --data "$D" --by week --format csv
expect_ok "report --by week --format csv"
printf '%s\n' \
  'week,metric,n,value,ci_low,ci_high,promoters,passives,detractors' \
  '2026-W10,nps,4,25.00,-44.16,72.73,2,1,1' \
  '2026-W10,csat,2,50.00,9.45,90.55,,,' \
  '2026-W10,ces,2,4.50,-14.56,23.56,,,' \
  '2026-W11,nps,2,0.00,-73.34,73.34,1,0,1' \
  '2026-W11,csat,1,100.00,20.65,100.00,,,' \
  '2026-W11,ces,1,7.00,,,,,' >"$TMP/want.csv"
raw_out >"$TMP/got.csv"
if ! cmp -s "$TMP/want.csv" "$TMP/got.csv"; then
  diff "$TMP/want.csv" "$TMP/got.csv" >&2 || true
  od -c "$TMP/got.csv" | tail -3 >&2
  fail "CSV output differs byte for byte (LF endings, trailing newline)"
fi
step "csv from rollups equals csv from a full scan"
cx report --data "$D" --by week --format csv --scan
raw_out >"$TMP/scan.csv"
cmp -s "$TMP/want.csv" "$TMP/scan.csv" || fail "--scan output differs from the rollup output"

step "csv by channel: channel values folded to lowercase"
got=$(report_csv "$D" --metric nps --by channel)
assert_eq 'channel,metric,n,value,ci_low,ci_high,promoters,passives,detractors
email,nps,3,33.33,-51.33,84.67,2,0,1
sms,nps,2,-50.00,-79.45,39.45,0,1,1
web,nps,1,100.00,-48.50,98.50,1,0,0' "$got" "nps by channel"

step "csv by attribute with --where (missing attribute sorts first)"
got=$(report_csv "$D" --metric csat,nps --by plan --where channel=EMAIL)
# email rows: Basic csat 4, nps 9 and 3; Pro csat 5, nps 10; no row lacks plan
assert_eq 'plan,metric,n,value,ci_low,ci_high,promoters,passives,detractors
Basic,csat,1,100.00,20.65,100.00,,,
Basic,nps,2,0.00,-73.34,73.34,1,0,1
Pro,csat,1,100.00,20.65,100.00,,,
Pro,nps,1,100.00,-48.50,98.50,1,0,0' "$got" "csat,nps by plan for email"
got=$(report_csv "$D" --metric nps --by plan)
# sms 8 (c4) has no plan: group "" first: Pa=1 -> 0.00 [-60.01, 60.01]
assert_contains "$got" 'detractors
,nps,1,0.00,-60.01,60.01,0,1,0
Basic,nps,2,' "missing plan is the first group"

step "csv: --from/--to dates are inclusive whole days"
got=$(report_csv "$D" --metric nps --from 2026-03-03 --to 2026-03-09)
# 6 (03-03), 8 (03-04), 3 (03-09): Pa1 D2 -> -66.67
assert_contains "$got" "nps,3,-66.67," "nps from 03-03 to 03-09"

step "csv: event metrics"
got=$(report_csv "$D" --metric call_abandonment,chat_abandonment,avg_wait,cart_abandonment)
assert_eq 'metric,n,value,ci_low,ci_high,promoters,passives,detractors
call_abandonment,4,50.00,15.00,85.00,,,
chat_abandonment,1,0.00,0.00,79.35,,,
avg_wait,3,30.00,-19.68,79.68,,,
cart_abandonment,2,50.00,9.45,90.55,,,' "$got" "event metrics"
got=$(report_csv "$D" --metric call_abandonment --short-abandon 5)
assert_eq 'metric,n,value,ci_low,ci_high,promoters,passives,detractors
call_abandonment,3,33.33,6.15,79.23,,,' "$got" "--short-abandon 5"

# ---------------------------------------------------------------------------
step "json by week"
cx report --data "$D" --by week --format json
expect_ok "report --format json"
want='[
{"week":"2026-W10","metric":"nps","n":4,"value":25.00,"ci_low":-44.16,"ci_high":72.73,"promoters":2,"passives":1,"detractors":1},
{"week":"2026-W10","metric":"csat","n":2,"value":50.00,"ci_low":9.45,"ci_high":90.55,"promoters":null,"passives":null,"detractors":null},
{"week":"2026-W10","metric":"ces","n":2,"value":4.50,"ci_low":-14.56,"ci_high":23.56,"promoters":null,"passives":null,"detractors":null},
{"week":"2026-W11","metric":"nps","n":2,"value":0.00,"ci_low":-73.34,"ci_high":73.34,"promoters":1,"passives":0,"detractors":1},
{"week":"2026-W11","metric":"csat","n":1,"value":100.00,"ci_low":20.65,"ci_high":100.00,"promoters":null,"passives":null,"detractors":null},
{"week":"2026-W11","metric":"ces","n":1,"value":7.00,"ci_low":null,"ci_high":null,"promoters":null,"passives":null,"detractors":null}
]'
assert_eq "$want" "$OUT" "json output"
if command -v jq >/dev/null; then
  n=$(raw_out | jq 'length')
  assert_eq 6 "$n" "json parses as an array of 6 objects"
fi
cx report --data "$D" --metric nps --where plan=none --format json
assert_eq '[
{"metric":"nps","n":0,"value":null,"ci_low":null,"ci_high":null,"promoters":0,"passives":0,"detractors":0}
]' "$OUT" "json with no data: one row, nulls"

step "table by channel"
cx report --data "$D" --metric nps --by channel --format table
expect_ok "report --format table"
assert_eq 'channel  metric  n   value  95% CI low   high  promoters  passives  detractors
email    nps     3   33.33      -51.33  84.67          2         0           1
sms      nps     2  -50.00      -79.45  39.45          0         1           1
web      nps     1  100.00      -48.50  98.50          1         0           0' "$OUT" "table output"
cx report --data "$D" --by week
expect_ok "default format is table"
assert_contains "$OUT" "2026-W11  ces     1    7.00           -       -" "empty interval shown as -"

# ---------------------------------------------------------------------------
step "errors"
cx report --data "$D" --metric nps,happiness --format csv
expect_fail "unknown metric"
assert_contains "$ERR" "happiness" "unknown metric is named"
assert_eq "" "$OUT" "nothing on stdout for an unknown metric"
cx report --data "$D" --tz Mars/Olympus_Mons
expect_fail "bad --tz"
assert_contains "$ERR" "Mars/Olympus_Mons" "bad zone is named"
cx report --data "$D" --from 2026-02-30
expect_fail "bad --from (no such date)"
assert_contains "$ERR" "--from" "--from error names the option"
cx report --data "$D" --from yesterday
expect_fail "bad --from (not a date)"
assert_contains "$ERR" "yesterday" "--from error shows the value"
cx report --data "$D" --to "2026-03-01 10:00"
expect_fail "bad --to"
cx report --data "$D" --from 2026-03-10 --to 2026-03-01
expect_fail "--from after --to"
cx report --data "$D" --from 2026-03-02 --to 2026-03-01
expect_fail "--to one day before --from"
cx report --data "$D" --format xml
expect_fail "bad --format"
cx report --data "$D" --where plan
expect_fail "--where without ="
cx report --data "$D" --compare previous
expect_fail "--compare previous without a period"
cx report --data "$D" --short-abandon soon
expect_fail "bad --short-abandon"
cx report --data "$D" --bogus-option
expect_fail "unknown option"
cx report --data "$TMP/not-initialised"
expect_fail "report without a data directory"
assert_contains "$ERR" "init" "the error suggests init"
[[ ! -e "$TMP/not-initialised" ]] || fail "report created a data directory"

echo "ok"
