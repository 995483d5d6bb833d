#!/usr/bin/env bash
# bench/server/run.sh - load test of `cxpulse serve` on loopback with wrk, next
# to Debian's nginx answering 204. See bench/server/README.md.
#
#   bench/server/run.sh                          # full run, 10,000,000-row store
#   bench/server/run.sh --rows 200000 --duration 10s   # a quick run
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$HERE/out   # results.md and a copy of the small raw files
# Data directories, the CSV cache and the access logs live outside the work
# tree, so that nothing big is ever swept up by git (stash -u, clean, add).
SCRATCH=${SRVBENCH_WORK:-${TMPDIR:-/tmp}/cxpulse-srvbench}
RAW=$SCRATCH/raw
WORK=$SCRATCH/work

ROWS=10000000
DUR_ONE=30      # phase 1 and 2: single-response ingest, cxpulse and nginx
DUR_BATCH=20    # phase 3: NDJSON batches (and the same against nginx)
DUR_REPORT=20   # phase 4: report while ingesting (the idle report runs half as long)
CONNS_ONE=64
CONNS_BATCH=8
CONNS_REPORT=8
CONNS_BG=16     # phase 4: connections of the concurrent single-response ingest
BATCH=1000
THREADS=""      # cxpulse serve --threads (empty: cxpulse's default)
SERVE_EXTRA=()  # more cxpulse serve options (--serve-arg)
KEEP=0
NO_INSTALL=${SRVBENCH_NO_INSTALL:-0}
BUILD_DIR=${SRVBENCH_BUILD_DIR:-$ROOT/build-srvbench}
CXPULSE=${SRVBENCH_CXPULSE:-}

usage() {
    cat <<EOF
usage: bench/server/run.sh [options]

  --rows N         responses in the store of the report phase (default 10000000)
  --duration S     run every wrk phase S seconds ("10" or "10s"); default 30 s for
                   single-response ingest, 20 s for batches and the report
  --threads N      pass --threads N to cxpulse serve (default: its own default)
  --serve-arg ARG  pass ARG to cxpulse serve too (repeatable), e.g.
                   --serve-arg --report-max-age=1000
  --batch N        rows per NDJSON request (default 1000)
  --keep           keep the data directories (SCRATCH/work/) afterwards
  --no-install     do not apt-get install anything (also SRVBENCH_NO_INSTALL=1)
  -h, --help       this text

Environment: SRVBENCH_BUILD_DIR (default build-srvbench/), SRVBENCH_CXPULSE
(use this binary, do not build), SRVBENCH_GEN (CSV generator), SRVBENCH_WORK
(SCRATCH: data, CSV cache, logs; default \$TMPDIR/cxpulse-srvbench).
Results: bench/server/out/results.md.
EOF
}

secs() { # "10s" / "10" / "2m" -> seconds
    case $1 in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
    esac
}

while [ $# -gt 0 ]; do
    case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --duration) d=$(secs "$2"); DUR_ONE=$d; DUR_BATCH=$d; DUR_REPORT=$d; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --serve-arg) SERVE_EXTRA+=("$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    --no-install) NO_INSTALL=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
for v in ROWS DUR_ONE BATCH; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad number for $v: '${!v}'" >&2; exit 2; }
done
[ -z "$THREADS" ] || [[ $THREADS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad --threads" >&2; exit 2; }

log() { printf '\n== %s\n' "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    [ "$NO_INSTALL" = 1 ] && die "missing: ${need[*]} (and --no-install given)"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    log "installing ${need[*]}"
    $SUDO apt-get update -qq
    if ! $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; then
        # nginx-light is only a transitional name on some releases
        need=("${need[@]/nginx-light/nginx}")
        $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg) # before our own build adds to it

# ---------------------------------------------------------------- cxpulse
if [ -z "$CXPULSE" ]; then
    log "building cxpulse (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target cxpulse >/dev/null
    CXPULSE=$BUILD_DIR/cxpulse
fi
[ -x "$CXPULSE" ] || die "no cxpulse binary at $CXPULSE"

mkdir -p "$OUT" "$SCRATCH"
# one run at a time: two would share SCRATCH and spoil each other's numbers
exec 9>"$SCRATCH/.lock"
flock -n 9 || die "another bench/server/run.sh is running (lock $SCRATCH/.lock)"
rm -rf "$RAW" "$WORK" "$OUT/raw"
mkdir -p "$RAW" "$WORK"

export SRVBENCH_DIR=$HERE
RUNID=$(date +%s)

# ---------------------------------------------------------------- helpers
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() { # drop $1 from PIDS
    local keep=() p
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_get() { # PORT PATH KEY -> response (headers and body) on stdout, bash only
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
        "$2" "$3" >&3
    cat <&3
    exec 3<&-
}

cpu_ticks() { # PID -> utime+stime in clock ticks
    local s
    s=$(cat "/proc/$1/stat")
    s=${s##*) }
    awk '{print $12 + $13}' <<<"$s"
}
TCK=$(getconf CLK_TCK)
sys_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; } # busy, all CPUs
others() { # SYS_T0 SYS_T1 SRV_T0 SRV_T1 WRK_NAME... -> CPU-s used by anything else
    local a=$1 b=$2 c=$3 d=$4 w=0 n
    shift 4
    for n in "$@"; do w=$(awk -v w="$w" '{print w + $1 + $2}' "$RAW/$n.cpu"); done
    awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v w="$w" -v t="$TCK" \
        'BEGIN {o = (b - a - (d - c)) / t - w; printf "%.1f", o < 0 ? 0 : o}'
}

kv() { # FILE KEY -> value from the SRVBENCH line that done() printed
    local v
    v=$(grep -m1 '^SRVBENCH ' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p")
    [ -n "$v" ] || die "no $2 in $1 (see that file)"
    echo "$v"
}

run_wrk() { # NAME THREADS CONNS SECONDS SCRIPT URL [env...] ; output in $RAW/NAME.txt
    local name=$1 t=$2 c=$3 d=$4 script=$5 url=$6
    shift 6
    (
        export SRVBENCH_LABEL=$name "$@"
        TIMEFORMAT='%U %S'
        { time timeout $((d + 60)) wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency \
            -s "$HERE/$script" "$url" >"$RAW/$name.txt" 2>&1; } 2>"$RAW/$name.cpu"
    ) || die "wrk $name failed: $(tail -5 "$RAW/$name.txt")"
    grep -q '^SRVBENCH ' "$RAW/$name.txt" || die "wrk $name printed no result: $(tail -5 "$RAW/$name.txt")"
}

wrk_cpu() { awk '{printf "%.1f", $1 + $2}' "$RAW/$1.cpu"; } # NAME -> user+sys seconds

SERVE_PID="" SERVE_PORT=""
serve_start() { # DATADIR NAME
    local dir=$1 name=$2 i
    local args=(serve --data "$dir" --listen 127.0.0.1:0 --rate-limit 0
        --access-log "$RAW/access-$name.log")
    [ -z "$THREADS" ] || args+=(--threads "$THREADS")
    args+=(${SERVE_EXTRA[@]+"${SERVE_EXTRA[@]}"})
    "$CXPULSE" "${args[@]}" >"$RAW/serve-$name.out" 2>&1 &
    SERVE_PID=$!
    PIDS+=("$SERVE_PID")
    for i in $(seq 100); do
        SERVE_PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$RAW/serve-$name.out")
        [ -n "$SERVE_PORT" ] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "cxpulse serve did not start: $(cat "$RAW/serve-$name.out")"
}
serve_stop() { # SIGTERM: cxpulse finishes requests in flight (flushes the access log), exits 0
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID" || die "cxpulse serve exited with $?: $(tail -5 "$RAW"/serve-*.out)"
    forget_pid "$SERVE_PID"
    SERVE_PID=""
}

metric() { # PORT KEY NAME -> value of a /metrics counter (0 when absent)
    http_get "$1" /metrics "$2" | awk -v n="$3" '$1 == n {v = $2} END {print v + 0}'
}

count_rows() { sqlite3 -readonly "$1/cxpulse.db" 'SELECT count(*) FROM responses;'; }

new_key() { # DATADIR SCOPE -> key
    "$CXPULSE" key create --data "$1" --scope "$2" --name "bench-$2" | grep -o 'cxp_[A-Za-z0-9_-]*' | tail -1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print "n/a"}'; }
verdict() { # VALUE OP LIMIT -> met / MISSED
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        ok = (op == ">=") ? (v >= l) : (v <= l); print ok ? "met" : "**MISSED**" }'
}
int() { awk -v v="$1" 'BEGIN {printf "%.0f", v}'; }
f1() { awk -v v="$1" 'BEGIN {printf "%.1f", v}'; }
f2() { awk -v v="$1" 'BEGIN {printf "%.2f", v}'; }

T_START=$(date +%s)
if awk -v l="${LOAD_START%% *}" 'BEGIN {exit !(l > 0.5)}'; then
    echo "run.sh: WARNING: load average $LOAD_START before the run: other work shares these CPUs," \
        "so the numbers below are lower than this machine can do" >&2
fi

# ================================================================ 1. single-response ingest
log "1. single-response ingest: cxpulse serve, wrk -t2 -c$CONNS_ONE -d${DUR_ONE}s"
D1=$WORK/ingest
mkdir -p "$D1"
"$CXPULSE" init --data "$D1/data" >"$RAW/init.txt"
ADMIN_KEY=$(grep -o 'cxp_[A-Za-z0-9_-]*' "$RAW/init.txt" | head -1)
[ -n "$ADMIN_KEY" ] || die "cxpulse init printed no key: $(cat "$RAW/init.txt")"
INGEST_KEY=$(new_key "$D1/data" ingest)
READ_KEY=$(new_key "$D1/data" read)
serve_start "$D1/data" ingest
s0=$(sys_ticks) c0=$(cpu_ticks "$SERVE_PID")
run_wrk one-cxpulse 2 "$CONNS_ONE" "$DUR_ONE" ingest_one.lua "http://127.0.0.1:$SERVE_PORT/api/v1/responses" \
    SRVBENCH_KEY="$INGEST_KEY" SRVBENCH_TAG="one$RUNID"
c1=$(cpu_ticks "$SERVE_PID") s1=$(sys_ticks)
one_other=$(others "$s0" "$s1" "$c0" "$c1" one-cxpulse)
commits1=$(metric "$SERVE_PORT" "$READ_KEY" cxpulse_commits_total)
serve_stop
one_stored=$(count_rows "$D1/data")
one_logged=$(grep -c '"route":"/api/v1/responses","status":20[01]' "$RAW/access-ingest.log" || true)
one_req=$(kv "$RAW/one-cxpulse.txt" requests)
one_non2xx=$(kv "$RAW/one-cxpulse.txt" non2xx)
one_2xx=$((one_req - one_non2xx))
one_gen=$(kv "$RAW/one-cxpulse.txt" generated)
one_srv_cpu=$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN {printf "%.1f", (b - a) / t}')
one_check="stored $one_stored, wrk 2xx $one_2xx, non-2xx $one_non2xx, bodies sent $one_gen, access log 2xx $one_logged"
if [ "$one_non2xx" = 0 ] && [ "$one_stored" -ge "$one_2xx" ] && [ "$one_stored" -le "$one_gen" ] &&
    [ "$one_stored" = "$one_logged" ]; then
    one_ok="ok"
else
    one_ok="**MISMATCH**"
fi
echo "   $one_check: $one_ok" >&2
echo "   (stored - 2xx = requests wrk had in flight when it stopped; the server finished them)" >&2

# ================================================================ 2. nginx
log "2. the same wrk against nginx (return 204)"
NGX=$WORK/nginx
mkdir -p "$NGX"
NGINX_PORT=""
for p in $(seq 18481 18580); do
    if port_free "$p"; then NGINX_PORT=$p; break; fi
done
[ -n "$NGINX_PORT" ] || die "no free port for nginx in 18481..18580"
cat >"$NGX/nginx.conf" <<EOF
# written by bench/server/run.sh; runs under -p $NGX
worker_processes auto;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
    access_log $RAW/access-nginx.log combined buffer=4k flush=1s;
    client_body_temp_path $NGX/body;
    proxy_temp_path $NGX/proxy;
    fastcgi_temp_path $NGX/fastcgi;
    uwsgi_temp_path $NGX/uwsgi;
    scgi_temp_path $NGX/scgi;
    client_max_body_size 16m;
    keepalive_requests 10000000;
    keepalive_timeout 30s;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /api/v1/responses {
            if (\$request_method != POST) { return 405; }
            return 204;
        }
        location / { return 404; }
    }
}
EOF
"$NGINX" -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" >"$RAW/nginx.out" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for i in $(seq 100); do
    port_free "$NGINX_PORT" || break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start: $(cat "$RAW/nginx.out" "$NGX/error.log" 2>/dev/null)"
    sleep 0.1
done
port_free "$NGINX_PORT" && die "nginx is not listening on $NGINX_PORT: $(cat "$NGX/error.log" 2>/dev/null)"
run_wrk one-nginx 2 "$CONNS_ONE" "$DUR_ONE" ingest_one.lua "http://127.0.0.1:$NGINX_PORT/api/v1/responses" \
    SRVBENCH_KEY="$INGEST_KEY" SRVBENCH_TAG="ngx$RUNID"
run_wrk batch-nginx 2 "$CONNS_BATCH" "$DUR_BATCH" ingest_ndjson.lua "http://127.0.0.1:$NGINX_PORT/api/v1/responses" \
    SRVBENCH_KEY="$INGEST_KEY" SRVBENCH_TAG="ngxb$RUNID" SRVBENCH_BATCH="$BATCH"
kill -QUIT "$NGINX_PID" # graceful stop
wait "$NGINX_PID" || true
forget_pid "$NGINX_PID"
ngx_logged=$(grep -c '"POST /api/v1/responses HTTP/1.1" 204 ' "$RAW/access-nginx.log" || true)

# ================================================================ 3. NDJSON batches
log "3. NDJSON batches of $BATCH: cxpulse serve, wrk -t2 -c$CONNS_BATCH -d${DUR_BATCH}s"
before3=$(count_rows "$D1/data")
serve_start "$D1/data" batch
s0=$(sys_ticks) c0=$(cpu_ticks "$SERVE_PID")
run_wrk batch-cxpulse 2 "$CONNS_BATCH" "$DUR_BATCH" ingest_ndjson.lua "http://127.0.0.1:$SERVE_PORT/api/v1/responses" \
    SRVBENCH_KEY="$INGEST_KEY" SRVBENCH_TAG="batch$RUNID" SRVBENCH_BATCH="$BATCH" SRVBENCH_CHECK_BODY=1
c1=$(cpu_ticks "$SERVE_PID") s1=$(sys_ticks)
b_other=$(others "$s0" "$s1" "$c0" "$c1" batch-cxpulse)
commits3=$(metric "$SERVE_PORT" "$READ_KEY" cxpulse_commits_total)
serve_stop
after3=$(count_rows "$D1/data")
b_req=$(kv "$RAW/batch-cxpulse.txt" requests)
b_non2xx=$(kv "$RAW/batch-cxpulse.txt" non2xx)
b_rows=$(kv "$RAW/batch-cxpulse.txt" rows_stored)
b_rej=$(kv "$RAW/batch-cxpulse.txt" rows_rejected)
b_bad=$(kv "$RAW/batch-cxpulse.txt" bad_bodies)
b_dur=$(kv "$RAW/batch-cxpulse.txt" duration_s)
b_rps=$(awk -v r="$b_rows" -v d="$b_dur" 'BEGIN {printf "%.0f", r / d}')
b_added=$((after3 - before3))
b_srv_cpu=$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN {printf "%.1f", (b - a) / t}')
bn_req=$(kv "$RAW/batch-nginx.txt" requests)
bn_dur=$(kv "$RAW/batch-nginx.txt" duration_s)
bn_rps=$(awk -v r="$bn_req" -v b="$BATCH" -v d="$bn_dur" 'BEGIN {printf "%.0f", r * b / d}')
b_check="rows acknowledged $b_rows (2xx batches $((b_req - b_non2xx)) x $BATCH), rejected $b_rej, unreadable answers $b_bad, non-2xx $b_non2xx, rows added to the store $b_added"
if [ "$b_non2xx" = 0 ] && [ "$b_rej" = 0 ] && [ "$b_bad" = 0 ] && [ "$b_rows" = $(((b_req - b_non2xx) * BATCH)) ] &&
    [ "$b_added" -ge "$b_rows" ]; then
    b_ok="ok"
else
    b_ok="**MISMATCH**"
fi
echo "   $b_check: $b_ok" >&2

# ================================================================ 4. report under ingest
log "4. report over $ROWS responses while single responses are ingested"
CSV=$SCRATCH/responses-$ROWS.csv
GEN=$ROOT/bench/gen_responses.py
GEN_OWN=$HERE/gen_csv.py
if [ -n "${SRVBENCH_GEN:-}" ]; then gen=$SRVBENCH_GEN; elif [ -f "$GEN" ]; then gen=$GEN; else gen=$GEN_OWN; fi
stamp=$(sha256sum "$gen" | cut -c1-16)
if [ ! -s "$CSV" ] || [ "$(cat "$CSV.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "   generating $CSV with $gen" >&2
    python3 "$gen" "$ROWS" "$CSV.tmp"
    mv "$CSV.tmp" "$CSV"
    echo "$stamp" >"$CSV.stamp"
fi
D4=$WORK/store
mkdir -p "$D4"
"$CXPULSE" init --data "$D4/data" >/dev/null
t0=$(date +%s.%N)
"$CXPULSE" import responses --quiet --data "$D4/data" "$CSV" >"$RAW/import.txt" 2>&1 ||
    die "import failed: $(tail -5 "$RAW/import.txt")"
t1=$(date +%s.%N)
import_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
grep -q "inserted $ROWS, .*rejected 0" "$RAW/import.txt" || die "unexpected import summary: $(cat "$RAW/import.txt")"
echo "   imported $ROWS rows in ${import_s}s ($(du -sh "$D4/data" | cut -f1) on disk)" >&2
INGEST_KEY4=$(new_key "$D4/data" ingest)
READ_KEY4=$(new_key "$D4/data" read)
serve_start "$D4/data" report
REPORT_PATH="/api/v1/report?metric=nps,csat,ces&by=week,channel"
http_get "$SERVE_PORT" "$REPORT_PATH" "$READ_KEY4" >"$RAW/report-sample.txt"
head -1 "$RAW/report-sample.txt" | grep -q ' 200 ' || die "report answered: $(head -c 600 "$RAW/report-sample.txt")"
report_rows=$(grep -c '"metric":' "$RAW/report-sample.txt" || true)
echo "   the report has $report_rows rows (week x channel x metric)" >&2

idle_d=$(((DUR_REPORT + 1) / 2))
run_wrk report-idle 2 "$CONNS_REPORT" "$idle_d" report.lua "http://127.0.0.1:$SERVE_PORT$REPORT_PATH" \
    SRVBENCH_KEY="$READ_KEY4"

s0=$(sys_ticks) c0=$(cpu_ticks "$SERVE_PID")
bg_d=$((DUR_REPORT + 4))
run_wrk report-bg-ingest 1 "$CONNS_BG" "$bg_d" ingest_one.lua "http://127.0.0.1:$SERVE_PORT/api/v1/responses" \
    SRVBENCH_KEY="$INGEST_KEY4" SRVBENCH_TAG="bg$RUNID" &
BG_PID=$!
PIDS+=("$BG_PID")
sleep 2
run_wrk report-busy 2 "$CONNS_REPORT" "$DUR_REPORT" report.lua "http://127.0.0.1:$SERVE_PORT$REPORT_PATH" \
    SRVBENCH_KEY="$READ_KEY4"
wait "$BG_PID" || die "the concurrent ingest failed: $(tail -5 "$RAW/report-bg-ingest.txt")"
forget_pid "$BG_PID"
c1=$(cpu_ticks "$SERVE_PID") s1=$(sys_ticks)
r_other=$(others "$s0" "$s1" "$c0" "$c1" report-bg-ingest report-busy)
serve_stop
r_srv_cpu=$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN {printf "%.1f", (b - a) / t}')
stored4=$(count_rows "$D4/data")
bg_req=$(kv "$RAW/report-bg-ingest.txt" requests)
bg_non2xx=$(kv "$RAW/report-bg-ingest.txt" non2xx)
bg_gen=$(kv "$RAW/report-bg-ingest.txt" generated)
bg_2xx=$((bg_req - bg_non2xx))
r_added=$((stored4 - ROWS))
r_check="stored $stored4 = $ROWS + $r_added, concurrent ingest 2xx $bg_2xx, non-2xx $bg_non2xx, bodies sent $bg_gen"
if [ "$bg_non2xx" = 0 ] && [ "$r_added" -ge "$bg_2xx" ] && [ "$r_added" -le "$bg_gen" ] &&
    [ "$(kv "$RAW/report-busy.txt" non2xx)" = 0 ] && [ "$(kv "$RAW/report-idle.txt" non2xx)" = 0 ]; then
    r_ok="ok"
else
    r_ok="**MISMATCH**"
fi
echo "   $r_check: $r_ok" >&2

# ================================================================ 5. table
T_END=$(date +%s)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
o() { kv "$RAW/$1.txt" "$2"; }
one_rps=$(o one-cxpulse rps)
ngx_rps=$(o one-nginx rps)
one_ratio=$(ratio "$one_rps" "$ngx_rps")
one_p99=$(o one-cxpulse p99_ms)
rb_p99=$(o report-busy p99_ms)
b_avg_rows=$(awk -v r="$one_stored" -v c="$commits1" 'BEGIN {if (c > 0) printf "%.1f", r / c; else print "n/a"}')
b_wrk_cpu=$(wrk_cpu batch-cxpulse)
b_wrk_pct=$(awk -v c="$b_wrk_cpu" -v d="$b_dur" 'BEGIN {printf "%.0f", 100 * c / d}')
bn_wrk_pct=$(awk -v c="$(wrk_cpu batch-nginx)" -v d="$bn_dur" 'BEGIN {printf "%.0f", 100 * c / d}')
gen_note="the client is not the limit"
if awk -v a="$b_rps" -v b="$bn_rps" 'BEGIN {exit !(a > 0.7 * b)}'; then
    gen_note="**the client (Lua body generation) is the limit**: cxpulse gets $(ratio "$b_rps" "$bn_rps") of what wrk can generate at all"
fi
VERSION=$("$CXPULSE" version 2>/dev/null | head -1)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+changes" || true)
TH_DESC=${THREADS:-"default ($(sed -n 's/.*, \([0-9]*\) threads).*/\1/p' "$RAW/serve-ingest.out"))"}

RES=$OUT/results.md
{
    echo "# cxpulse serve under wrk, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "$VERSION (git $REV$DIRTY, $(basename "$CXPULSE") from $(dirname "$CXPULSE")), cxpulse --threads $TH_DESC${SERVE_EXTRA[*]+ ${SERVE_EXTRA[*]}}," \
        "$(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(uname -sr)," \
        "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1 | sed 's/.*: //')." \
        "wrk, cxpulse and nginx share the same CPUs on 127.0.0.1. Run took $((T_END - T_START)) s;" \
        "load average $LOAD_START before, $LOAD_END after (anything above the benchmark's own load means other work competed for the CPUs)."
    echo
    echo "| measurement | cxpulse | nginx \`return 204\` | target | |"
    echo "|---|---:|---:|---|---|"
    echo "| 1-2. single-response POST, req/s (wrk -t2 -c$CONNS_ONE, ${DUR_ONE} s) | $(int "$one_rps") | $(int "$ngx_rps") | cxpulse/nginx >= 0.3 | $one_ratio $(verdict "$one_ratio" ">=" 0.3) |"
    echo "| single-response POST, latency p50 / p99 / max (ms) | $(f2 "$(o one-cxpulse p50_ms)") / $(f2 "$one_p99") / $(f1 "$(o one-cxpulse max_ms)") | $(f2 "$(o one-nginx p50_ms)") / $(f2 "$(o one-nginx p99_ms)") / $(f1 "$(o one-nginx max_ms)") | cxpulse p99 <= 25 ms | $(verdict "$one_p99" "<=" 25) |"
    echo "| stored rows vs acknowledged (2xx) | $one_stored vs $one_2xx, non-2xx $one_non2xx | - | all durable, no errors | $one_ok |"
    echo "| 3. NDJSON batches of $BATCH, responses/s (wrk -t2 -c$CONNS_BATCH, ${DUR_BATCH} s) | $b_rps | $bn_rps (wrk's ceiling) | >= 200000/s | $(verdict "$b_rps" ">=" 200000) |"
    echo "| batch latency p50 / p99 (ms) | $(f1 "$(o batch-cxpulse p50_ms)") / $(f1 "$(o batch-cxpulse p99_ms)") | $(f1 "$(o batch-nginx p50_ms)") / $(f1 "$(o batch-nginx p99_ms)") | | |"
    echo "| batch rows stored vs acknowledged | $b_added vs $b_rows, rejected $b_rej, non-2xx $b_non2xx | - | | $b_ok |"
    echo "| 4. GET report p99 (ms), $ROWS rows, $CONNS_REPORT readers, while ingesting | $(f2 "$rb_p99") | - | <= 5 ms | $(verdict "$rb_p99" "<=" 5) |"
    echo "| report p50 / max (ms), req/s, while ingesting | $(f2 "$(o report-busy p50_ms)") / $(f1 "$(o report-busy max_ms)"), $(int "$(o report-busy rps)")/s | - | | |"
    echo "| concurrent single-response ingest (wrk -t1 -c$CONNS_BG), req/s, p99 (ms) | $(int "$(o report-bg-ingest rps)")/s, $(f2 "$(o report-bg-ingest p99_ms)") | - | | $r_ok |"
    echo "| report alone (no ingest, ${idle_d} s): p50 / p99 (ms), req/s | $(f2 "$(o report-idle p50_ms)") / $(f2 "$(o report-idle p99_ms)"), $(int "$(o report-idle rps)")/s | - | | |"
    echo
    echo "Notes"
    echo
    echo "- Single POSTs: $one_check. The server committed $commits1 times: $b_avg_rows rows per fsync'd commit." \
        "CPU time in those ${DUR_ONE} s: cxpulse $one_srv_cpu s, wrk $(wrk_cpu one-cxpulse) s, other processes $one_other s" \
        "(nginx run: wrk $(wrk_cpu one-nginx) s; nginx logged $ngx_logged POSTs answered 204 in both of its runs)."
    echo "- Batches: $b_check. $commits3 commits in total on that server run." \
        "cxpulse used $b_srv_cpu CPU-s, other processes $b_other CPU-s; wrk used $b_wrk_cpu CPU-s (${b_wrk_pct}% of one CPU) generating bodies for cxpulse and ${bn_wrk_pct}% against nginx." \
        "Against nginx the same Lua generator reaches $bn_rps rows/s, so $gen_note."
    echo "- Report phase: $r_check. The report has $report_rows rows (week x channel x metric, served from the rollups)." \
        "Import of the $ROWS-row CSV took ${import_s} s. While report and ingest ran together (${bg_d} s):" \
        "cxpulse used $r_srv_cpu CPU-s, the two wrk $(wrk_cpu report-busy) + $(wrk_cpu report-bg-ingest) CPU-s, other processes $r_other CPU-s."
    echo "- Both servers log every request to a file (cxpulse --access-log, stdio-buffered; nginx \`combined buffer=4k\`)." \
        "cxpulse runs with --rate-limit 0 because every connection uses the same key."
    echo "- Raw wrk output: bench/server/out/raw/*.txt (the SRVBENCH line is the machine-readable summary);" \
        "access logs and data in $SCRATCH."
} >"$RES"
mkdir -p "$OUT/raw"
cp "$RAW"/*.txt "$RAW"/*.cpu "$RAW"/*.out "$OUT/raw/"

echo
cat "$RES"
