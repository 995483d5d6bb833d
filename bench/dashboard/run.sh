#!/usr/bin/env bash
# Dashboard benchmark: server time per dashboard page at ROWS responses plus
# proportional events, and DuckDB computing the overview's headline numbers
# (NPS/CSAT/CES over the same period from the same CSV) beside it.
#
# usage: bench/dashboard/run.sh [ROWS]     (default 10000000; 1000000 for a quick run)
#
# Environment:
#   RUNS=20            timed requests per page (after WARMUP=2 untimed ones)
#   EVENTS_PER_RESPONSE=0.5   events generated per response
#   BENCH_BUILD_DIR    Release build directory (default: build-dashbench)
#   REIMPORT=1         import again even when the data directory is up to date
#
# Steps: the responses CSV from bench/gen_responses.py (shared with
# bench/run.sh: bench/out/responses-ROWS.csv, reused while newer than the
# generator), events from gen_events.py (same customers and period), cxpulse
# import into bench/out/dashboard/data-ROWS (reused while the CSVs are
# unchanged), a user, `cxpulse serve --access-log`, a login with curl (cookie
# jar), then every page RUNS times. The server time per request is the
# access log's duration_ms; bytes are the response body; "first" is the first
# warm-up request (caches cold: some pages memoise their results). Writes a markdown
# table to stdout, to bench/out/dashboard.md and bench/out/dashboard-ROWS.md; raw data in
# bench/out/dashboard/run-ROWS/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH=$(dirname "$HERE")
ROOT=$(dirname "$BENCH")
OUT=$BENCH/out
ROWS=${1:-10000000}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}
EVENTS_PER_RESPONSE=${EVENTS_PER_RESPONSE:-0.5}
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-dashbench}
CX=$BUILD/cxpulse
USER_NAME=bench
USER_PASS=bench-password-not-secret

log() { printf '[dashbench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

case $ROWS in *[!0-9]*|'') die "not a row count: '$ROWS'" ;; esac
[[ $RUNS =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ ]] || die "RUNS must be >= 1, WARMUP >= 0"
EVENTS=$(python3 -c "print(int($ROWS * $EVENTS_PER_RESPONSE))")
for t in curl python3 node cmake; do command -v $t >/dev/null || die "$t is needed"; done
[[ -d $BENCH/node_modules/@duckdb/node-api ]] || {
    log "npm install --prefix bench (DuckDB for the peer)"
    npm install --prefix "$BENCH" --no-audit --no-fund --loglevel=error >&2
}

RUN=$OUT/dashboard/run-$ROWS
DATA=$OUT/dashboard/data-$ROWS
CSV=$OUT/responses-$ROWS.csv
EVCSV=$OUT/dashboard/events-$ROWS-$EVENTS.csv
mkdir -p "$OUT/dashboard"
rm -rf "$RUN"
mkdir -p "$RUN"

log "building cxpulse (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCX_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target cxpulse >/dev/null
[[ -x $CX ]] || die "no binary at $CX"

# ---- data ----
if [[ -f $CSV && $CSV -nt $BENCH/gen_responses.py ]]; then
    log "reusing $CSV"
else
    log "generating $ROWS responses into $CSV"
    python3 "$BENCH/gen_responses.py" "$ROWS" "$CSV.tmp"
    mv "$CSV.tmp" "$CSV"
fi
if [[ -f $EVCSV && $EVCSV -nt $HERE/gen_events.py ]]; then
    log "reusing $EVCSV"
else
    log "generating $EVENTS events into $EVCSV"
    python3 "$HERE/gen_events.py" "$ROWS" "$EVENTS" "$EVCSV.tmp"
    mv "$EVCSV.tmp" "$EVCSV"
fi
stamp="$(stat -c '%s %Y' "$CSV" "$EVCSV" | tr '\n' ' ')"
if [[ ${REIMPORT:-0} != 1 && -f $DATA/.bench-stamp && "$(cat "$DATA/.bench-stamp")" == "$stamp" ]]; then
    log "reusing $DATA"
else
    rm -rf "$DATA"
    "$CX" init --data "$DATA" >/dev/null
    log "importing $ROWS responses"
    /usr/bin/time -f '%e s %M KB' -o "$RUN/import-responses.time" \
        "$CX" import responses --data "$DATA" --quiet "$CSV" >"$RUN/import-responses.log" 2>&1 ||
        die "import responses failed: $(tail -3 "$RUN/import-responses.log")"
    log "importing $EVENTS events"
    /usr/bin/time -f '%e s %M KB' -o "$RUN/import-events.time" \
        "$CX" import events --data "$DATA" --quiet "$EVCSV" >"$RUN/import-events.log" 2>&1 ||
        die "import events failed: $(tail -3 "$RUN/import-events.log")"
    echo "$stamp" >"$DATA/.bench-stamp"
fi
printf '%s\n' "$USER_PASS" | "$CX" user create "$USER_NAME" --role admin --password-stdin --data "$DATA" \
    >"$RUN/user.log" 2>&1 || grep -qi 'exist' "$RUN/user.log" || die "user create: $(cat "$RUN/user.log")"

# ---- server ----
ACCESS=$RUN/access.log
SERVE_PID=
cleanup() { [[ -n $SERVE_PID ]] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null; true; }
trap cleanup EXIT
STARTED_MS=$(($(date +%s%N) / 1000000))
"$CX" serve --data "$DATA" --listen 127.0.0.1:0 --access-log "$ACCESS" >"$RUN/serve.out" 2>"$RUN/serve.err" &
SERVE_PID=$!
BASE=
for _ in $(seq 100); do
    BASE=$(grep -om1 'http://127\.0\.0\.1:[0-9]*' "$RUN/serve.out" || true)
    [[ -n $BASE ]] && curl -sf "$BASE/healthz" >/dev/null && break
    kill -0 "$SERVE_PID" 2>/dev/null || die "serve exited: $(cat "$RUN/serve.err")"
    sleep 0.1
done
[[ -n $BASE ]] || die "serve did not start: $(cat "$RUN/serve.err")"
log "server at $BASE"

JAR=$RUN/cookies.txt
curl -sf -c "$JAR" -b "$JAR" "$BASE/login" -o "$RUN/login.html" || die "GET /login failed"
body=$(python3 "$HERE/forms.py" "$RUN/login.html" "$USER_NAME" "$USER_PASS")
action=$(python3 "$HERE/forms.py" --action "$RUN/login.html")
code=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' --data "$body" "$BASE$action")
[[ $code == 303 || $code == 302 || $code == 200 ]] || die "login answered $code"
grep -q cxsid "$JAR" || die "no cxsid cookie after logging in"

# The journey of a customer with data (gen_responses.py's ids).
PAGES=(overview=/ trends=/trends effort=/effort operations=/operations issues=/issues
    drivers=/drivers customers=/customers journey=/customers/c00000001 responses=/responses
    followup=/followup surveys=/surveys triggers=/triggers alerts=/alerts settings=/settings)

# The slow views (operations, issues, drivers) are computed by the start-up
# warm-up; until then they answer with a page that reloads itself. Time how
# long after the start they are ready, then measure the real pages.
READY=$RUN/ready.txt
: >"$READY"
for path in /operations /issues /drivers; do
    for _ in $(seq 6000); do
        curl -s -b "$JAR" -o "$RUN/ready.html" "$BASE$path"
        grep -q 'http-equiv="refresh"' "$RUN/ready.html" || break
        sleep 0.1
    done
    echo "$path ready $(($(date +%s%N) / 1000000 - STARTED_MS)) ms after the server started" >>"$READY"
done
log "$(tr '\n' ';' <"$READY")"

lines() { wc -l <"$ACCESS"; }
for entry in "${PAGES[@]}"; do
    name=${entry%%=*} path=${entry#*=}
    log "page $name ($path): $WARMUP warm-ups, $RUNS runs"
    before=$(lines)
    for _ in $(seq "$WARMUP"); do curl -s -b "$JAR" -o /dev/null "$BASE$path"; done
    for _ in $(seq 50); do (($(lines) >= before + WARMUP)) && break; sleep 0.1; done
    tail -n +"$((before + 1))" "$ACCESS" | head -n "$WARMUP" >"$RUN/warm-$name.jsonl"
    before=$(lines)
    for _ in $(seq "$RUNS"); do
        curl -s -b "$JAR" -o "$RUN/page-$name.html" -w '%{http_code} %{size_download} %{time_total}\n' \
            "$BASE$path" >>"$RUN/curl-$name.txt"
    done
    for _ in $(seq 50); do (($(lines) >= before + RUNS)) && break; sleep 0.1; done
    tail -n +"$((before + 1))" "$ACCESS" | head -n "$RUNS" >"$RUN/log-$name.jsonl"
done

# ---- the period the overview shows, and the peer ----
read -r FROM TO < <(python3 "$HERE/forms.py" --period "$RUN/page-overview.html")
log "overview period $FROM .. $TO; DuckDB peer ($RUNS runs)"
"$CX" report --data "$DATA" --metric nps,csat,ces --from "$FROM" --to "$TO" --format json >"$RUN/report.json"
node "$HERE/duckdb_headline.mjs" "$CSV" --from "$FROM" --to "$TO" --runs "$RUNS" --warmup "$WARMUP" \
    >"$RUN/duckdb.json"

{
    echo "rows: $ROWS responses, $EVENTS events; runs per page: $RUNS after $WARMUP warm-ups"
    echo "period: $FROM .. $TO"
    echo "cxpulse: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' (work tree modified)'), Release build"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    echo "duckdb: @duckdb/node-api $(node -p "require('$BENCH/node_modules/@duckdb/node-api/package.json').version")"
    for f in import-responses import-events; do
        [[ -f $RUN/$f.time ]] && echo "$f: $(cat "$RUN/$f.time")"
    done
    cat "$READY"
    true
} >"$RUN/env.txt"
python3 "$HERE/summarize.py" "$RUN" "${PAGES[@]}" | tee "$OUT/dashboard.md" "$OUT/dashboard-$ROWS.md"
