#!/usr/bin/env bash
# `cxpulse import`: the CSV and NDJSON dialects of SPEC §2, idempotency,
# last write wins, rejected rows with their line, field and reason, and the
# refusal of files that are not CSV/NDJSON or lack a required column.
source "$(dirname "$0")/lib.sh"

# export_nd DIR [responses|events]: the stored rows as NDJSON (sorted by id).
export_nd() {
  cx export "${2:-responses}" --data "$1" --format ndjson
  expect_ok "export ${2:-responses}"
  printf '%s\n' "$OUT"
}

# ---------------------------------------------------------------------------
step "csv: BOM, CRLF, quoted commas, quotes and newlines"
D=$(new_data csv)
printf '\xef\xbb\xbfid,customer,time,metric,score,comment,Plan\r\n' >"$TMP/bom.csv"
printf 'r1,c1,2026-03-01T10:00:00Z,nps,9,"fast, friendly and ""kind""",Pro\r\n' >>"$TMP/bom.csv"
printf 'r2,c2,2026-03-01T11:00:00Z,csat,4,"line one\r\nline two",\r\n' >>"$TMP/bom.csv"
printf 'r3,"c,3",2026-03-01T12:00:00Z,ces,6,,"a ""b"""\r\n' >>"$TMP/bom.csv"
cx import responses --data "$D" "$TMP/bom.csv"
expect_ok "import of a BOM/CRLF CSV"
assert_eq "inserted 3, unchanged 0, updated 0, rejected 0" "$OUT" "summary"
got=$(export_nd "$D")
# the BOM is not part of the first column name ("id" is found); CRLF ends
# records; the CRLF inside the quoted comment is kept; "Plan" is an attribute
want='{"id":"r1","customer":"c1","time":"2026-03-01T10:00:00Z","metric":"nps","score":9,"scale":"0-10","channel":"unknown","touchpoint":"unknown","comment":"fast, friendly and \"kind\"","Plan":"Pro"}
{"id":"r2","customer":"c2","time":"2026-03-01T11:00:00Z","metric":"csat","score":4,"scale":"1-5","channel":"unknown","touchpoint":"unknown","comment":"line one\r\nline two"}
{"id":"r3","customer":"c,3","time":"2026-03-01T12:00:00Z","metric":"ces","score":6,"scale":"1-7","channel":"unknown","touchpoint":"unknown","Plan":"a \"b\""}'
assert_eq "$want" "$got" "stored rows of the BOM/CRLF CSV"

step "csv: the same rows again are unchanged"
cx import responses --data "$D" "$TMP/bom.csv"
expect_ok "re-import"
assert_eq "inserted 0, unchanged 3, updated 0, rejected 0" "$OUT" "re-import summary"

step "csv: same content written differently is unchanged"
# LF endings, other column order, metric case, an offset, +9, explicit
# default scale, channel case: all normalise to the stored rows
cat >"$TMP/same.csv" <<'EOF'
score,metric,customer,id,time,comment,Plan,scale,channel
+9,NPS,c1,r1,2026-03-01T11:00:00+01:00,"fast, friendly and ""kind""",Pro,0-10,UNKNOWN
EOF
cx import responses --data "$D" "$TMP/same.csv"
expect_ok "normalised re-import"
assert_eq "inserted 0, unchanged 1, updated 0, rejected 0" "$OUT" "normalised re-import summary"

# ---------------------------------------------------------------------------
step "ndjson: number and string time and score, null fields, blank lines"
D=$(new_data nd)
cat >"$TMP/r.ndjson" <<'EOF'
{"id":"n1","customer":"c1","time":1772359200,"metric":"csat","score":4,"channel":null,"comment":null}

{"id":"n2","customer":"c2","time":"2026-03-01T11:00:00.250+01:00","metric":"Nps","score":"10","lang":"nb","touchpoint":"Checkout"}
{"id":"n3","customer":"c3","time":"1772359200","metric":"ces","score":"07","scale":"1-10","channel":"WhatsApp","plan":null,"tier":"Gold"}
EOF
cx import responses --data "$D" "$TMP/r.ndjson"
expect_ok "ndjson import"
assert_eq "inserted 3, unchanged 0, updated 0, rejected 0" "$OUT" "ndjson summary"
got=$(export_nd "$D")
want='{"id":"n1","customer":"c1","time":"2026-03-01T10:00:00Z","metric":"csat","score":4,"scale":"1-5","channel":"unknown","touchpoint":"unknown"}
{"id":"n2","customer":"c2","time":"2026-03-01T10:00:00.25Z","metric":"nps","score":10,"scale":"0-10","channel":"unknown","touchpoint":"checkout","lang":"nb"}
{"id":"n3","customer":"c3","time":"2026-03-01T10:00:00Z","metric":"ces","score":7,"scale":"1-10","channel":"whatsapp","touchpoint":"unknown","tier":"Gold"}'
assert_eq "$want" "$got" "stored ndjson rows (null = absent, defaults applied)"

step "ndjson: events with numbers as numbers and strings"
cat >"$TMP/e.ndjson" <<'EOF'
{"id":"e1","customer":"c1","time":1772359200,"type":"call.answered","channel":"Phone","wait_s":12.5,"duration_s":"300","ref":null}
{"id":"e2","customer":"c1","time":"2026-03-01T10:05:00Z","type":"cart.created","ref":"K1","value":"49.90","agent":"web"}
EOF
cx import events --data "$D" "$TMP/e.ndjson"
expect_ok "ndjson events"
assert_eq "inserted 2, unchanged 0, updated 0, rejected 0" "$OUT" "ndjson events summary"
got=$(export_nd "$D" events)
want='{"id":"e1","customer":"c1","time":"2026-03-01T10:00:00Z","type":"call.answered","channel":"phone","wait_s":"12.5","duration_s":"300"}
{"id":"e2","customer":"c1","time":"2026-03-01T10:05:00Z","type":"cart.created","channel":"unknown","ref":"K1","value":"49.9","agent":"web"}'
assert_eq "$want" "$got" "stored events"
step "responses and events have separate id spaces"
printf 'id,customer,time,type\nn1,c1,2026-03-01T10:00:00Z,page.view\n' >"$TMP/ids.csv"
cx import events --data "$D" "$TMP/ids.csv"
assert_eq "inserted 1, unchanged 0, updated 0, rejected 0" "$OUT" "event id n1 next to response n1"

# ---------------------------------------------------------------------------
step "stdin '-'"
D=$(new_data stdin)
printf 'id,customer,time,metric,score\ns1,c1,2026-03-01T10:00:00Z,nps,10\ns2,c2,2026-03-01T10:00:00Z,nps,0\n' >"$TMP/stdin.csv"
cx_stdin "$TMP/stdin.csv" import responses --data "$D" -
expect_ok "import from stdin"
assert_eq "inserted 2, unchanged 0, updated 0, rejected 0" "$OUT" "stdin summary"
printf '{"id":"s3","customer":"c3","time":0,"metric":"nps","score":9}\n' >"$TMP/stdin.ndjson"
cx_stdin "$TMP/stdin.ndjson" import responses --data "$D" -
assert_eq "inserted 1, unchanged 0, updated 0, rejected 0" "$OUT" "stdin ndjson summary"
got=$(report_csv "$D" --metric nps)
assert_eq "metric,n,value,ci_low,ci_high,promoters,passives,detractors
nps,3,33.33,-51.33,84.67,2,0,1" "$got" "report after stdin imports"

# ---------------------------------------------------------------------------
step "--map renames columns (CSV and NDJSON)"
D=$(new_data map)
cat >"$TMP/map.csv" <<'EOF'
response_id,user,answered_at,kind,rating,note
m1,u1,2026-03-01T10:00:00Z,csat,5,great
EOF
cx import responses --data "$D" --map id=response_id --map customer=user --map time=answered_at \
  --map metric=kind --map score=rating --map comment=note "$TMP/map.csv"
expect_ok "import with --map"
assert_eq "inserted 1, unchanged 0, updated 0, rejected 0" "$OUT" "--map summary"
printf '{"response_id":"m2","user":"u2","answered_at":0,"kind":"csat","rating":1}\n' >"$TMP/map.ndjson"
cx import responses --data "$D" --map id=response_id --map customer=user --map time=answered_at \
  --map metric=kind --map score=rating "$TMP/map.ndjson"
expect_ok "ndjson import with --map"
got=$(export_nd "$D")
want='{"id":"m1","customer":"u1","time":"2026-03-01T10:00:00Z","metric":"csat","score":5,"scale":"1-5","channel":"unknown","touchpoint":"unknown","comment":"great"}
{"id":"m2","customer":"u2","time":"1970-01-01T00:00:00Z","metric":"csat","score":1,"scale":"1-5","channel":"unknown","touchpoint":"unknown"}'
assert_eq "$want" "$got" "rows imported through --map"
cx import responses --data "$D" "$TMP/map.csv"
expect_fail "without --map the required columns are missing"
assert_contains "$ERR" "missing required column" "refusal names the problem"
cx import responses --data "$D" --map bogus=rating "$TMP/map.csv"
expect_fail "--map to an unknown field"
assert_contains "$ERR" "bogus" "--map error names the field"

# ---------------------------------------------------------------------------
step "bad rows: line (start of multi-line records), field, reason"
D=$(new_data bad)
{
  printf 'id,customer,time,metric,score,comment\n'                   # 1
  printf 'ok1,c1,2026-03-01T10:00:00Z,nps,9,"multi\nline\ncomment"\n' # 2-4
  printf 'bad1,c1,2026-03-01 10:00:00Z,nps,9,x\n'                    # 5
  printf 'bad2,c2,2026-03-01T10:00:00Z,nps,11,"two\nlines"\n'        # 6-7
  printf 'bad3,c3,2026-03-01T10:00:00Z,nps,4.5,\n'                   # 8
  printf 'ok2,c3,2026-03-01T10:00:00Z,ces,7,\n'                      # 9
  printf 'bad4,,2026-03-01T10:00:00Z,nps,1,\n'                       # 10
  printf 'bad5,c5,2026-03-01T10:00:00Z,happy,1,\n'                   # 11
  printf 'bad6,c6,2026-03-01T10:00:00Z,csat,3\n'                     # 12
  printf 'bad7,c7,2026-02-30T10:00:00Z,csat,3,\n'                    # 13
  printf 'bad8,c\xff,2026-03-01T10:00:00Z,csat,3,\n'                 # 14
  printf '\n'                                                        # 15 (blank)
  printf 'bad9,c9,2026-03-01T10:00:00Z,csat,3,"caf\xc3"\n'           # 16
  printf 'ok3,c9,0,csat,3,"caf\xc3\xa9"\n'                           # 17
} >"$TMP/bad.csv"
cx import responses --data "$D" "$TMP/bad.csv"
expect_fail "import with rejected rows"
assert_eq "inserted 3, unchanged 0, updated 0, rejected 9" "$OUT" "summary with rejects"
F="$TMP/bad.csv"
assert_contains "$ERR" "$F:5: rejected: field 'time':" "bad time on line 5"
assert_contains "$ERR" "$F:6: rejected: field 'score': 11 is outside the scale 0-10" "score out of scale on line 6 (record spans 6-7)"
assert_contains "$ERR" "$F:8: rejected: field 'score':" "non-integer score on line 8"
assert_contains "$ERR" "$F:10: rejected: field 'customer': is required" "empty customer on line 10"
assert_contains "$ERR" "$F:11: rejected: field 'metric':" "unknown metric on line 11"
assert_contains "$ERR" "$F:12: rejected:" "short row on line 12"
assert_contains "$ERR" "$F:13: rejected: field 'time':" "2026-02-30 on line 13"
assert_contains "$ERR" "$F:14: rejected: field 'customer':" "invalid UTF-8 customer on line 14"
assert_contains "$ERR" "$F:16: rejected: field 'comment':" "invalid UTF-8 comment on line 16"
n=$(grep -c 'rejected:' <<<"$ERR")
assert_eq 9 "$n" "one message per rejected row"
got=$(export_nd "$D" | grep -o '^{"id":"[^"]*"' | tr '\n' ' ')
assert_eq '{"id":"ok1" {"id":"ok2" {"id":"ok3" ' "$got" "only the good rows are stored"

step "a rejected row never replaces a good row"
printf 'id,customer,time,metric,score\nok2,c3,2026-03-01T10:00:00Z,ces,8\n' >"$TMP/bad2.csv"
cx import responses --data "$D" "$TMP/bad2.csv"
assert_contains "$ERR" "rejected: field 'score'" "ces 8 is outside 1-7"
got=$(export_nd "$D" | grep '"ok2"')
assert_contains "$got" '"score":7' "ok2 keeps its good score"

# ---------------------------------------------------------------------------
step "refused files: nothing is written"
D=$(new_data refuse)
head -c 2048 /dev/urandom >"$TMP/garbage.bin"
printf '\x00\x01\x02' >>"$TMP/garbage.bin"
printf 'id,customer,time,metric,score\ng1,c1,2026-03-01T10:00:00Z,nps,10\n' >"$TMP/good.csv"
cx import responses --data "$D" "$TMP/good.csv" "$TMP/garbage.bin"
expect_fail "binary garbage"
assert_contains "$ERR" "garbage.bin" "the refused file is named"
assert_contains "$ERR" "refused" "the file is refused"
got=$(report_csv "$D")
assert_eq "metric,n,value,ci_low,ci_high,promoters,passives,detractors
nps,0,,,,0,0,0
csat,0,,,,,,
ces,0,,,,,," "$got" "no data after a refused import (not even from the good file)"

printf 'id,customer,time,score\nx1,c1,2026-03-01T10:00:00Z,10\n' >"$TMP/nometric.csv"
cx import responses --data "$D" "$TMP/nometric.csv"
expect_fail "CSV lacking the metric column"
assert_contains "$ERR" "missing required column 'metric'" "the missing column is named"
printf 'id,customer,time,metric\n' >"$TMP/noscore.csv"
cx import responses --data "$D" "$TMP/noscore.csv"
expect_fail "CSV lacking the score column"
printf 'id,customer,time,metric,score\n' >"$TMP/headeronly.csv"
cx import events --data "$D" "$TMP/headeronly.csv"
expect_fail "a responses file imported as events lacks 'type'"
assert_contains "$ERR" "'type'" "the missing event column is named"
: >"$TMP/empty.csv"
cx import responses --data "$D" "$TMP/empty.csv"
expect_fail "an empty file"
cx import responses --data "$D" "$TMP/does-not-exist.csv"
expect_fail "a missing file"
got=$(report_csv "$D" --metric nps)
assert_eq "metric,n,value,ci_low,ci_high,promoters,passives,detractors
nps,0,,,,0,0,0" "$got" "still no data"
assert_eq 0 "$(sqlite3 "$D/cxpulse.db" 'SELECT count(*) FROM responses' 2>/dev/null || echo 0)" \
  "no response rows in the database"

# ---------------------------------------------------------------------------
step "last write wins; files apply in command-line order"
D=$(new_data lww)
cat >"$TMP/a.csv" <<'EOF'
id,customer,time,metric,score,comment
u1,c1,2026-03-01T10:00:00Z,nps,2,first
u2,c2,2026-03-01T10:00:00Z,nps,5,
EOF
cat >"$TMP/b.csv" <<'EOF'
id,customer,time,metric,score,comment
u1,c1,2026-03-01T10:00:00Z,nps,10,second
u1,c1,2026-03-01T10:00:00Z,nps,9,third
EOF
cat >"$TMP/c.csv" <<'EOF'
id,customer,time,metric,score,comment
u2,c2,2026-03-01T10:00:00Z,nps,5,
u1,c1,2026-03-01T10:00:00Z,nps,99,broken
EOF
cx import responses --data "$D" "$TMP/a.csv" "$TMP/b.csv" "$TMP/c.csv"
expect_fail "one row of c.csv is rejected"
assert_eq "inserted 2, unchanged 1, updated 2, rejected 1" "$OUT" "summary of three files"
assert_contains "$ERR" "$TMP/b.csv: inserted 0, unchanged 0, updated 2, rejected 0" "per-file summary of b.csv"
got=$(export_nd "$D" | grep '"u1"')
assert_eq '{"id":"u1","customer":"c1","time":"2026-03-01T10:00:00Z","metric":"nps","score":9,"scale":"0-10","channel":"unknown","touchpoint":"unknown","comment":"third"}' \
  "$got" "the last good write of u1 wins"
got=$(report_csv "$D" --metric nps)
assert_eq "metric,n,value,ci_low,ci_high,promoters,passives,detractors
nps,2,0.00,-73.34,73.34,1,0,1" "$got" "report counts u1 once, with its last score"
cx import responses --data "$D" "$TMP/c.csv" "$TMP/a.csv"
assert_eq "inserted 0, unchanged 2, updated 1, rejected 1" "$OUT" "reverse order: a.csv wins"
got=$(export_nd "$D" | grep '"u1"')
assert_contains "$got" '"score":2,' "a.csv applied last"

echo "ok"
